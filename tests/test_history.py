"""The history chapter's tables, maps and charts, on the real data."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from conftest import ROOT, first_cell_lines, prose_glue_names

BOOK = ROOT / "book"

from kurils import data, history
from kurils.data import DataValidationError

ROOT = Path(__file__).resolve().parents[1]
CHAPTER = ROOT / "book" / "history.md"
TABLES = ["timeline", "leaders", "boundaries", "areas", "population"]


@pytest.fixture(scope="module")
def t():
    return {name: data.load(name) for name in TABLES + ["island_facts", "islands"]}


# ------------------------------------------------------------------------------------------ tables

def test_history_tables_validate_and_are_sourced(t):
    assert len(t["timeline"]) >= 40
    for name in TABLES:
        frame = t[name]
        assert len(frame), name
        assert frame["source_url"].str.match(r"https?://").all(), name
        assert frame["source_title"].str.len().gt(0).all(), name


def test_low_quality_aggregators_are_not_sources(t):
    banned = ("newsflash.city", "kxan36news", "news-japan.net")
    for name in TABLES:
        urls = t[name]["source_url"]
        assert not urls.str.contains("|".join(banned), regex=True).any(), name


def test_timeline_is_in_date_order(t):
    dates = t["timeline"]["date"]
    assert dates.is_monotonic_increasing, t["timeline"].loc[dates.diff() < pd.Timedelta(0), "id"].tolist()


def test_timeline_dates_match_their_precision(t):
    tl = t["timeline"]
    for row in tl.itertuples():
        d = row.date
        if row.date_precision in ("month", "year", "century"):
            assert d.day == 1, row.id
        if row.date_precision in ("year", "century"):
            assert d.month == 1, row.id
        if row.date_precision == "century":
            assert d.year % 100 == 0, row.id
        assert d <= row.accessed, f"{row.id} is dated after its source was read"


def test_chart_categories_are_the_schema_enum(t):
    field = next(f for f in data.resource_descriptor("timeline")["schema"]["fields"] if f["name"] == "category")
    assert set(history.CATEGORIES) == set(field["constraints"]["enum"]) == set(history.CATEGORY_COLOURS)
    assert set(t["timeline"]["category"]) <= set(history.CATEGORIES)


def test_every_event_the_chapter_names_exists(t):
    ids = set(t["timeline"]["id"])
    text = CHAPTER.read_text(encoding="utf-8")
    used = history.referenced_event_ids(text)
    assert len(used) > 30, "the chapter glues its dates from the timeline"
    assert used <= ids, sorted(used - ids)
    assert set(history.TURNING_POINTS) <= ids
    # the Abe count now comes from the meetings register (data/meetings.csv), not from one term's dates
    for quoted in ("treaty_shimoda_1855", "russia_ends_talks_2022", "data.load(name) for name in history.TABLES"):
        assert quoted in text
    assert "meetings" in history.TABLES


def test_referenced_event_ids_reads_glue_names():
    md = "on {glue:md}`date_yalta_1945` ({glue:md}`cite_yalta_1945`) and {glue:text}`n_events` {glue:md}`current_to`"
    assert history.referenced_event_ids(md) == {"yalta_1945"}


def test_turning_points_are_bilateral_events(t):
    two = set(history.bilateral(t["timeline"])["id"])
    assert set(history.TURNING_POINTS) <= two
    assert set(history.TURNING_POINTS.values()) <= set(history.TURNING_COLOURS)


def test_bilateral_excludes_third_parties(t):
    two = history.bilateral(t["timeline"])
    assert "mao_1964" not in set(two["id"]) and "sf_treaty_signed_1951" not in set(two["id"])
    assert "joint_declaration_signed_1956" in set(two["id"])


@pytest.mark.parametrize("date, precision, expected", [
    ("1855-02-07", "day", "7 February 1855"), ("1973-10-01", "month", "October 1973"), ("1947-01-01", "year", "1947"),
    ("1600-01-01", "century", "17th century"), ("1900-01-01", "century", "20th century"),
])
def test_event_dates_keep_their_precision(date, precision, expected):
    assert history.fmt_event_date(date, precision) == expected


def test_source_links_survive_parentheses():
    link = history.source_link("https://ja-wiki.pages.dev/wiki/A_(B)")
    assert link == "[ja-wiki.pages.dev](<https://ja-wiki.pages.dev/wiki/A_(B)>)"


# ------------------------------------------------------------------------------------ foreign keys


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_boundary_with_unknown_event_fails(data_copy):
    _replace(data_copy / "boundaries.csv", ",treaty_portsmouth_1905,", ",treaty_of_nowhere,")
    with pytest.raises(DataValidationError) as info:
        data.load("boundaries", data_copy)
    assert "foreign-key" in str(info.value) and "data/boundaries.csv" in str(info.value)


def test_population_with_unknown_place_fails(data_copy):
    _replace(data_copy / "population.csv", "\nkurilsky_district,", "\nkurilsk_district,")
    with pytest.raises(DataValidationError) as info:
        data.load("population", data_copy)
    assert "foreign-key" in str(info.value) and 'column "place_id"' in str(info.value)


def test_unknown_party_code_fails(data_copy):
    _replace(data_copy / "timeline.csv", ",JP;RU,Shimoda,", ",JP;USSR,Shimoda,")
    with pytest.raises(DataValidationError) as info:
        data.load("timeline", data_copy)
    assert 'column "parties"' in str(info.value)


def test_areas_point_to_islands(t):
    islands = set(t["islands"]["id"])
    assert set(t["areas"]["island_id"].dropna()) <= islands
    assert set(t["population"]["place_id"]) <= set(t["areas"]["id"])


def test_boundary_sources_are_those_of_their_events(t):
    events = t["timeline"].set_index("id")
    for row in t["boundaries"].itertuples():
        assert row.source_url == events.at[row.event_id, "source_url"], row.id


# ----------------------------------------------------------------------------------------- leaders

def test_terms_start_before_they_end(t):
    ld = t["leaders"].dropna(subset=["end"])
    bad = ld[ld["start"] > ld["end"]]
    assert bad.empty, bad["id"].tolist()


def test_no_overlapping_terms_per_office(t):
    assert history.overlapping_terms(t["leaders"]) == []


def test_overlap_check_can_fail(t):
    ld = t["leaders"].copy()
    i = ld.index[ld["id"] == "jp_kishi_nobusuke"][0]
    ld.loc[i, "end"] = pd.Timestamp("1961-01-01")  # runs past Ikeda's start
    assert ("jp_kishi_nobusuke", "jp_ikeda_hayato") in history.overlapping_terms(ld)


def test_month_precision_handover_is_not_an_overlap(t):
    assert not [p for p in history.overlapping_terms(t["leaders"]) if "su_malenkov" in p]


def test_alternative_rows_match_their_main_row(t):
    ld = t["leaders"].set_index("id")
    alts = [i for i in ld.index if i.endswith("_alt")]
    assert alts, "the data keeps disagreeing sources as _alt rows"
    for alt in alts:
        main = ld.loc[alt.removesuffix("_alt")]
        for col in ("name", "office", "start"):
            assert ld.at[alt, col] == main[col], (alt, col)


def test_open_terms_say_when_they_were_last_confirmed(t):
    ld = history.main_terms(t["leaders"])
    open_ = ld[ld["end"].isna()]
    assert open_["as_of"].notna().all()
    assert not open_["office"].duplicated().any(), "at most one open term per office"


@pytest.mark.parametrize("lane, date, name", [
    ("Japan: prime minister", "1956-10-19", "Hatoyama Ichirō"),
    ("USSR: party leader, president", "1956-10-19", "Nikita Khrushchev"),
    ("Japan: prime minister", "1993-10-13", "Hosokawa Morihiro"),
    ("Russia: president", "1993-10-13", "Boris Yeltsin"),
    ("USSR: party leader, president", "1991-04-16", "Mikhail Gorbachev"),
    ("Japan: prime minister", "1987-11-06", "Takeshita Noboru"),  # the successor from the handover day
])
def test_who_was_in_office(t, lane, date, name):
    assert history.in_office(t["leaders"], lane, date) == name


def test_gorbachev_is_one_bar(t):
    bars = history.terms(t["leaders"], "2026-11-25")
    gorbachev = bars[bars["name"] == "Mikhail Gorbachev"]
    assert len(gorbachev) == 1
    assert gorbachev["end"].iloc[0] == pd.Timestamp("1991-12-25")


def test_every_summit_row_names_both_leaders(t):
    table = history.summits_table(t["leaders"], t["timeline"])
    assert len(table) >= 20
    assert table[["Japanese prime minister", "Soviet or Russian leader"]].notna().all().all()


# ----------------------------------------------------------------------------------------- borders

@pytest.mark.parametrize("period, lon, lat, holder, claimed", [
    (1855, 147.8, 45.0, "JP", None),       # Etorofu
    (1855, 150.0, 45.9, "RU", None),       # Urup
    (1855, 142.9, 50.0, "shared", None),   # Sakhalin
    (1875, 156.3, 50.75, "JP", None),      # Shumshu
    (1875, 142.9, 50.0, "RU", None),
    (1905, 142.7, 47.0, "JP", None),       # southern Sakhalin
    (1905, 142.9, 52.0, "RU", None),       # northern Sakhalin
    (1905, 145.8, 44.1, "JP", None),       # Kunashiri
    (1945, 145.8, 44.1, "SU", "JP"),
    (1945, 146.74, 43.8, "SU", "JP"),      # Shikotan
    (1945, 150.0, 45.9, "SU", None),
    (1945, 142.7, 47.0, "SU", None),
])
def test_border_panels_give_each_periods_holders(t, period, lon, lat, holder, claimed):
    assert history.holder_at(t["boundaries"], period, lon, lat) == (holder, claimed)


@pytest.mark.parametrize("period", [1855, 1875, 1905, 1945])
def test_hokkaido_and_kamchatka_are_never_assigned(t, period):
    assert history.holder_at(t["boundaries"], period, 142.8, 43.5) is None   # Hokkaido
    assert history.holder_at(t["boundaries"], period, 145.0, 43.35) is None  # Nemuro peninsula, Hokkaido
    assert history.holder_at(t["boundaries"], period, 158.5, 53.5) is None   # Kamchatka


@pytest.mark.parametrize("period", [1855, 1875, 1905, 1945])
def test_no_land_is_held_twice(t, period):
    shapes = history.holdings(t["boundaries"], period)
    assert all(not h.geometry.is_empty for h in shapes)
    for a, b in itertools.combinations(shapes, 2):
        assert a.geometry.intersection(b.geometry).area < 1e-9, (a.id, b.id)


def test_every_period_covers_the_same_land(t):
    areas = {p: sum(h.geometry.area for h in history.holdings(t["boundaries"], p)) for p in (1855, 1875, 1905, 1945)}
    assert max(areas.values()) == pytest.approx(min(areas.values()), rel=1e-6)


def test_period_starts_follow_the_settlements(t):
    starts = history.period_starts(t["boundaries"], t["timeline"])
    assert [s.year for s in starts.values()] == [1855, 1875, 1905, 1945]


# ------------------------------------------------------------------------------------------ people

def test_former_residents_decline(t):
    alive = history.former_residents(t["population"])
    assert alive["value"].is_monotonic_decreasing
    assert alive["value"].iloc[0] < history.residents_1945(t["island_facts"])


def test_stated_share_alive_matches_the_counts(t):
    pop = t["population"]
    share = pop[pop["metric"] == "share_alive"].iloc[0]
    alive = pop[(pop["metric"] == "persons") & (pop["group"] == "former_residents") & (pop["as_of"] == share["as_of"])]
    computed = 100 * alive["value"].iloc[0] / history.residents_1945(t["island_facts"])
    assert computed == pytest.approx(share["value"], abs=0.05)


def test_official_island_figures_add_up_to_their_total(t):
    rows = t["population"]
    rows = rows[(rows["group"] == "resident_population") & (rows["basis"] == "official_japan")]
    for as_of, group in rows.groupby("as_of"):
        islands = group[group["place_id"].isin(history.ISLAND_ORDER)]
        total = group[group["place_id"] == "northern_territories"]["value"]
        if total.empty:  # a source that gives the islands only (the 2014 Cabinet answer): all three, no total
            assert sorted(islands["place_id"]) == sorted(history.ISLAND_ORDER), as_of
            continue
        assert len(total) == 1 and islands["value"].sum() == total.iloc[0], as_of


def test_preferred_takes_the_strongest_source(t):
    best = history.preferred(t["population"])
    et = best[(best["place_id"] == "etorofu") & (best["as_of"] == pd.Timestamp("2016-01-01"))]
    assert et["value"].tolist() == [5934] and et["basis"].tolist() == ["official_japan"]
    base = best[(best["group"] == "japanese_residents_1945") & (best["metric"] == "persons")]
    assert base["value"].tolist() == [17291]


def test_disagreements_are_listed_with_the_value_shown(t):
    table = history.disagreements_table(t["population"], t["island_facts"], t["areas"])
    assert {17291, 17921} <= set(table["Value"].astype(int))
    shown = table[table["Shown"] == "yes"]
    assert 17291 in set(shown["Value"].astype(int)) and 17921 not in set(shown["Value"].astype(int))


def test_people_numbers(t):
    n = history.people_numbers(t["population"], t["island_facts"])
    assert n["residents_1945"] == 17291 and n["households_1945"] == 3124
    assert n["alive_first"] > n["alive_last"]
    assert "alive_prelim" not in n  # no count in the data is marked preliminary
    assert n["alive_last_share"] == pytest.approx(100 * n["alive_last"] / 17291)
    assert n["alive_last_share"] < 100 / 3  # the chapter's "fewer than a third"
    # the latest count comes with a lower bound of the average age only, and the text says so
    assert n["age_at_alive_last_is_floor"] and n["age_at_alive_last_text"] == f"over {n['age_at_alive_last']:.0f}"
    assert n["age_at_alive_last"] >= n["age_latest"]


def test_people_numbers_refuse_a_count_without_an_age(t):
    pop = t["population"]
    last = history.former_residents(pop)["as_of"].max()
    no_age = pop[~((pop["group"] == "former_residents") & pop["metric"].str.startswith("mean_age") & (pop["as_of"] == last))]
    with pytest.raises(KeyError):
        history.people_numbers(no_age, t["island_facts"])


def test_former_residents_rows_cite_no_blog_repost(t):
    former = t["population"][t["population"]["group"] == "former_residents"]
    assert not former["source_url"].str.contains("hoppou.blog|dailysunny", regex=True).any()


# ------------------------------------------------------------------------------ re-sourced events

def test_dulles_warning_about_the_ryukyus_is_recorded_from_frus(t):
    tl = t["timeline"].set_index("id")
    row = tl.loc["dulles_warning_1956"]
    assert row["date"] == pd.Timestamp("1956-08-19") and row["source_url"].endswith("frus1955-57v23p1/d89")
    assert "Ryukyus" in row["summary"] and row["source_kind"] == "official"
    assert "not confirmed" not in tl.loc["dulles_shigemitsu_1956", "note"].replace("'not confirmed' was wrong", "")


def test_removal_of_the_islanders_names_both_governments_terms(t):
    row = t["timeline"].set_index("id").loc["expulsion_1947_1949"]
    assert "強制退去" in row["summary"] and "репатриация" in row["summary"]
    assert "deport" not in row["title"].lower() and "deport" not in row["label"].lower()


def test_record_reaches_february_2026_from_both_capitals(t):
    tl = t["timeline"]
    recent = tl[tl["date"] >= pd.Timestamp("2026-02-01")]
    parties = {p for ps in recent["parties"] for p in ps.split(";")}
    assert {"JP", "RU"} <= parties
    assert recent["date"].max() == pd.Timestamp("2026-02-24")  # Kihara, four years after the invasion
    assert (recent["source_kind"] == "official").any()  # MOFA's report of the 2026 rally
    # the chapter's box names the latest event through glue, never a typed date
    md = (ROOT / "book" / "history.md").read_text(encoding="utf-8")
    box = md[md.index("The record in this book ends"):md.index("## What the record shows")]
    assert "{glue:md}`latest_event`" in box and "24 February 2026" not in box


def test_2018_figures_come_from_island_facts_not_a_copy(t):
    pop = t["population"]
    cabinet = "what-kind-of-place"
    assert not pop["source_url"].str.contains(cabinet).any()
    merged = history.russian_admin_population(pop, t["island_facts"])
    assert merged["source_url"].str.contains(cabinet).sum() == 4  # three islands and their total


# ---------------------------------------------------------------------------------- label placement

def test_spread_keeps_order_and_gap():
    out = history.spread([0.0, 0.1, 0.15, 5.0], 1.0, lo=-10, hi=10)
    assert np.all(np.diff(out) >= 1.0 - 1e-9)
    assert out[-1] == pytest.approx(5.0)


def test_spread_leaves_spaced_labels_alone():
    assert history.spread([0, 2, 4], 1.0).tolist() == [0, 2, 4]


def test_spread_respects_bounds_and_refuses_impossible_fits():
    out = history.spread([0.0, 0.0, 0.0], 1.0, lo=0.0, hi=5.0)
    assert out[0] >= 0.0 and out[-1] <= 5.0
    with pytest.raises(ValueError):
        history.spread([0.0, 0.0, 0.0], 1.0, lo=0.0, hi=1.5)


def test_assign_lanes_never_overlaps():
    starts, ends = [0, 1, 2, 5, 5.5], [3, 4, 6, 7, 9]
    lanes = history.assign_lanes(starts, ends)
    for lane in set(lanes):
        spans = sorted((s, e) for s, e, k in zip(starts, ends, lanes) if k == lane)
        assert all(a[1] < b[0] for a, b in zip(spans, spans[1:]))
    assert lanes[:3] == [0, 1, 2]


def _overlapping_texts(fig, texts) -> list[tuple[str, str]]:
    renderer = fig.canvas.get_renderer()
    boxes = [(tx.get_text(), tx.get_window_extent(renderer)) for tx in texts if tx.get_text().strip()]
    return [(a, b) for (a, ba), (b, bb) in itertools.combinations(boxes, 2) if ba.overlaps(bb)
            and ba.intersection(ba, bb).width > 1 and ba.intersection(ba, bb).height > 1]


@pytest.mark.parametrize("start, end", [("1945-01-01", "1961-01-01"), ("1991-01-01", "2027-01-01")])
def test_zoom_labels_do_not_overlap(t, start, end):
    fig = history.timeline_zoom(t["timeline"], start, end, title="test")
    ax = fig.axes[0]
    try:
        titles = [tx for tx in ax.texts if tx.get_position()[0] > 0.2]
        dates = [tx for tx in ax.texts if tx.get_position()[0] < 0.2]
        assert len(titles) == len(history.window(t["timeline"], start, end))
        assert _overlapping_texts(fig, titles) == [] and _overlapping_texts(fig, dates) == []
        assert _overlapping_texts(fig, ax.texts) == []
    finally:
        plt.close(fig)


def test_overview_and_leaders_labels_do_not_overlap(t):
    highlight = ["treaty_shimoda_1855", "treaty_st_petersburg_1875", "treaty_portsmouth_1905", "soviet_dow_1945",
                 "sf_treaty_signed_1951", "joint_declaration_signed_1956", "gorbachev_visit_1991", "singapore_2018",
                 "russia_ends_talks_2022"]
    for fig in (history.timeline_overview(t["timeline"], t["boundaries"], highlight),
                history.leaders_chart(t["leaders"], t["timeline"])):
        try:
            ax = fig.axes[0]
            labels = [tx for tx in ax.texts if "(" in tx.get_text()]
            assert len(labels) >= 9
            assert _overlapping_texts(fig, labels) == []
        finally:
            plt.close(fig)


def test_leaders_section_findings_come_from_the_meetings_register():
    """The gap and the Abe count are read from data/meetings.csv: the 1976 and 1986 foreign
    ministers' meetings fall inside the leaders' silence, and Abe met Putin 27 times (MOFA's count)."""
    meetings, leaders = data.load("meetings"), data.load("leaders")
    r = history.register_numbers(meetings, leaders)
    assert r["reg_lgap_from"].year == 1973 and r["reg_lgap_to"].year == 1991
    assert {"1976", "1986"} <= set(r["reg_fm_between_years"].split(", "))
    assert r["reg_gap_years"] < r["reg_lgap_years"]
    assert r["reg_abe_putin"] == 27
    text = CHAPTER.read_text(encoding="utf-8")
    section = text.split("## Leaders and summits")[1].split("\n## ")[0]
    assert "longest silence in the record" not in section and "n_summits_abe" not in section


# ------------------------------------------------------------------------------------ key numbers


@pytest.fixture(scope="module")
def k():
    return history.key_numbers({name: data.load(name) for name in history.TABLES})


def test_key_numbers_hold_every_glue_name_the_prose_uses(k):
    names = prose_glue_names("history")
    assert len(names) > 100
    assert names <= set(k), sorted(names - set(k))


def test_the_chapter_glues_its_key_numbers_in_one_call():
    source = (BOOK / "history.md").read_text(encoding="utf-8")
    assert re.search(r"text\.glue_all\(history\.key_numbers\(t\)( \| course\.key_numbers\(\"history\"\))?\)", source)
    assert "glue_value" not in source and "glue_phrase" not in source and "glue_events" not in source
    assert first_cell_lines("history") <= 10


def test_key_numbers_on_the_real_data(t, k):
    tl = t["timeline"]
    assert k["n_since_1855"] + k["n_before_1855"] == k["n_events"] == len(tl)
    assert 0 < k["n_bilateral_postwar"] < k["n_since_1855"]
    # every event has a date phrase and a source link, and the page's numbers are numbers, dates phrases
    assert {f"date_{i}" for i in tl["id"]} | {f"cite_{i}" for i in tl["id"]} <= set(k)
    assert k["date_sf_treaty_signed_1951"] == history.event_date(tl, "sf_treaty_signed_1951")
    assert isinstance(k["alive_last_date"], str) and isinstance(k["reg_abe_first"], pd.Timestamp)
    assert not any(isinstance(v, bool) for v in k.values())
    assert k["residents_1945"] == 17291 and k["alive_last"] < k["alive_first"] < k["residents_1945"]
    assert k["alive_last_share"] == pytest.approx(100 * k["alive_last"] / k["residents_1945"])
    assert k["three_2018"] > k["three_2016"]
    assert k["reg_lgap_years"] > k["reg_gap_years"] > 0


# --------------------------------------------------------------------------------------- exercises

def test_bilateral_by_period_adds_up_to_the_chapter_count(t, k):
    tl = t["timeline"]
    table = history.bilateral_by_period(tl)
    assert table["total"].sum() == k["n_bilateral_postwar"]
    assert (table[["summit", "declaration", "treaty"]].sum(axis=1) == table["total"]).all()
    assert table.index[0].startswith("Sep 1945")
    five = history.bilateral_by_period(tl, years=5)
    assert len(five) > len(table) and five["total"].sum() == table["total"].sum()
    since_1991 = history.bilateral_by_period(tl, start="1991-12-26")
    assert 0 < since_1991["total"].sum() < table["total"].sum()
    summits = history.bilateral_by_period(tl, categories=("summit",))
    assert list(summits.columns) == ["summit", "total"]
    with pytest.raises(ValueError):
        history.bilateral_by_period(tl, years=0)


def test_alive_share_on_either_1945_count(t, k):
    pop = t["population"]
    official = history.alive_share(pop)
    assert official["residents_1945"].iloc[0] == k["residents_1945"] == 17291
    assert official["share_alive_pct"].iloc[-1] == pytest.approx(k["alive_last_share"])
    assert official["alive"].iloc[-1] == k["alive_last"]
    press = history.alive_share(pop, baseline="press")
    assert press["residents_1945"].iloc[0] == k["jt_1945"]
    assert (press["share_alive_pct"] < official["share_alive_pct"]).all()  # the press figure is larger
    with pytest.raises(KeyError, match="official_japan"):
        history.alive_share(pop, baseline="encyclopaedia")
