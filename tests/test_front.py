"""Front and back matter: the positions table, the three pages' links, and the numbers they glue."""

from __future__ import annotations

import csv
import datetime as dt
import re
from pathlib import Path

import pandas as pd
import pytest

from kurils import data, front, legal, text

ROOT = Path(__file__).resolve().parents[1]
PAGES = {name: ROOT / "book" / f"{name}.md" for name in ("summary", "perspectives", "conclusion")}


def raw(table: str) -> list[dict]:
    """A table's rows straight from its CSV, untyped: the independent path for recomputing numbers."""
    with (ROOT / "data" / f"{table}.csv").open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def t() -> dict[str, pd.DataFrame]:
    return front.tables()


@pytest.fixture(scope="module")
def values(t) -> dict:
    return front.key_numbers(t)


# ---------------------------------------------------------------------------------------------------
# data/positions.csv


def test_positions_validate_and_follow_the_book_rules(t):
    positions = data.load("positions")
    assert positions["id"].is_unique
    assert front.rule_problems(positions, t["legal_positions"]) == []
    assert positions["source_url"].str.match(r"https?://.+").all()
    assert (positions["accessed"] <= pd.Timestamp(dt.date.today())).all()
    assert set(positions["actor"]) == set(front.ACTORS)


def test_each_capital_has_three_statements_and_the_others_one(t):
    counts = t["positions"]["actor"].value_counts()
    for capital in front.CAPITALS:
        assert counts.get(capital, 0) >= 3, capital
    assert counts.get("former_residents", 0) >= 1
    assert counts.get("ainu", 0) >= 1


def test_quotes_are_at_most_forty_words(t):
    assert front.long_quotes(t["positions"]) == []
    for quote in t["positions"]["quote"]:
        assert 0 < front.word_count(quote) <= front.MAX_WORDS, quote


def test_word_count_rule():
    assert front.word_count("We do back Japan regarding the Northern Territories") == 8
    assert front.word_count("one — two […] three.") == 3
    assert front.word_count("ソ連が占領したところは余りにも多過ぎます。") == 10  # 20 kana/kanji: two per word
    assert front.word_count("我们注意到了有关报道") == 5
    assert front.word_count("x" * 3) == 1


def test_rules_catch_bad_rows(t):
    good = t["positions"]
    bad = good.copy()
    first_ja = bad.index[bad["quote_lang"] == "ja"][0]
    bad.loc[first_ja, "quote_en"] = pd.NA
    bad.loc[bad.index[0], "quote"] = " ".join(["word"] * 41)
    lp = t["legal_positions"]
    echo = lp[lp["excerpt"].notna()].iloc[0]
    bad.loc[bad.index[1], "quote"] = echo["excerpt"]
    problems = "\n".join(front.rule_problems(bad, lp))
    assert "needs quote_en" in problems
    assert "(41 words)" in problems
    assert f"repeats the quote of legal_positions row {echo['id']}" in problems


def test_positions_do_not_repeat_legal_positions_quotes(t):
    theirs = {front.normalise(q) for q in t["legal_positions"]["excerpt"].dropna()}
    for quote in t["positions"]["quote"]:
        assert front.normalise(quote) not in theirs


def test_key_quotes_exist_for_each_actor(t):
    positions = t["positions"].set_index("id")
    assert set(front.KEY_QUOTES) == set(front.ACTORS)
    for actor, pid in front.KEY_QUOTES.items():
        assert positions.at[pid, "actor"] == actor


def test_statements_combine_both_tables_once(t):
    both = front.statements(t["positions"], t["legal_positions"])
    assert both["id"].is_unique
    lp = t["legal_positions"]
    quoted = lp[lp["side"].isin(list(front.LEGAL_ACTORS)) & lp["excerpt"].notna()]
    assert (both["table"] == "legal_positions").sum() == len(quoted)
    assert both["topic"].isin(list(front.TOPICS)).all() and both["actor"].isin(list(front.ACTORS)).all()
    order = [list(front.ACTORS).index(a) for a in both["actor"]]
    assert order == sorted(order)


def test_statement_tables_link_every_source(t):
    both = front.statements(t["positions"], t["legal_positions"])
    for actor in front.ACTORS:
        table = front.actor_table(both, actor)
        rows = both[both["actor"] == actor]
        assert len(table) == len(rows) > 0
        for cell, url in zip(table["When and who"], rows["source_url"]):
            assert 'href="' + url.replace("&", "&amp;") + '"' in cell
        for cell, lang in zip(table["In their words"], rows["quote_lang"]):
            assert f'<q lang="{lang}">' in cell


# ---------------------------------------------------------------------------------------------------
# the three pages


@pytest.mark.parametrize("name", list(PAGES))
def test_doc_links_point_to_existing_pages(name):
    links = front.doc_links(PAGES[name].read_text(encoding="utf-8"))
    assert links, f"{name} links no chapter"
    for target in links:
        assert (ROOT / "book" / f"{target}.md").is_file(), f"{name}: {{doc}}`{target}` has no book/{target}.md"


def test_doc_links_parser():
    assert front.doc_links("see {doc}`legal` and {doc}`the law <legal>`.") == ["legal", "legal"]


def test_summary_has_a_paragraph_per_chapter():
    page = PAGES["summary"].read_text(encoding="utf-8")
    for chapter in front.CHAPTERS:
        assert re.search(r"^\*\*\{doc\}`" + chapter + r"`\.\*\*", page, flags=re.M), chapter


def test_every_glued_name_is_computed(t, values):
    from kurils import course

    computed = {"summary": set(values), "conclusion": set(values), "perspectives": set(front.perspective_values(t))}
    computed = {name: names | set(course.key_numbers(name)) for name, names in computed.items()}
    for name, path in PAGES.items():
        page = path.read_text(encoding="utf-8")
        names = front.glue_names(page)
        assert names, name
        cited = set(re.findall(r'glue_citations\(\s*"([a-z0-9_]+)"', page))  # citation lists glued in the page
        assert names <= computed[name] | cited, f"{name}: glued but never computed: {sorted(names - computed[name] - cited)}"


def test_topic_counts_by_period(t):
    both = front.statements(t["positions"], t["legal_positions"])
    everything = front.topic_counts(both).set_index("Topic")
    assert front.topic_counts(both, since=None, until=None).equals(front.topic_counts(both))
    dated = both["date"].notna()
    after = front.topic_counts(both, since=2022).set_index("Topic")
    before = front.topic_counts(both, until="2022-01-01").set_index("Topic")
    assert int(after.loc["All topics"].sum()) == int((both["date"] >= "2022-01-01").sum())
    assert int(after.loc["All topics"].sum()) + int(before.loc["All topics"].sum()) == int(dated.sum())
    assert int(everything.loc["All topics"].sum()) == len(both)
    assert list(after.columns) == list(front.SHORT_ACTORS.values())  # every actor keeps its column
    rows = [r for r in raw("positions") if r["actor"] == "moscow" and r["date"] and r["date"] >= "2022"]
    mine = front.topic_counts(front.statements(t["positions"], t["legal_positions"].iloc[0:0]), since=2022)
    assert int(mine.set_index("Topic").loc["All topics", "Moscow"]) == len(rows)


def test_wording_counts(t):
    both = front.statements(t["positions"], t["legal_positions"])
    war = front.wording_counts(both).set_index("Perspective")
    assert list(war.index) == list(front.ACTORS.values())
    assert (war["Quotes"] == both.groupby("actor").size().reindex(list(front.ACTORS)).to_numpy()).all()
    assert war.at["Moscow", "Using “war”"] > 0  # 'the results of the Second World War'
    assert (war["Using “war”"] <= war["Quotes"]).all()
    # a pattern of one's own, checked against the raw CSV
    own = front.wording_counts(t["positions"].assign(table="positions"), "Kuril", columns=("quote",))
    expected = sum("kuril" in r["quote"].lower() for r in raw("positions") if r["actor"] == "ainu")
    assert own.set_index("Perspective").at["The Ainu", "Using “Kuril”"] == expected
    assert set(front.WORDINGS) >= {"war", "sovereignty", "inherent"}


def test_glue_names_parser():
    page = "a {glue:text}`x:,.0f` b {glue:md}`y` c {glue}`z`\n```{glue:md} card\n:format: myst\n```\n"
    assert front.glue_names(page) == {"x", "y", "z", "card"}


# ---------------------------------------------------------------------------------------------------
# the key numbers, recomputed from the CSVs


def _fact(metric: str, island: str) -> float:
    rows = [r for r in raw("island_facts") if r["metric"] == metric and r["island_id"] == island
            and "mofa.go.jp" in r["source_url"]]
    assert len(rows) == 1
    return float(rows[0]["value"])


def test_land_and_people_match_the_data(values):
    total = _fact("area_km2", "northern_territories")
    assert values["area_total"] == total
    two = _fact("area_km2", "habomai") + _fact("area_km2", "shikotan")
    assert values["share_two"] == pytest.approx(100 * two / total)
    assert values["pop45_total"] == _fact("population_1945", "northern_territories")
    half = total / 2
    part = half - two - _fact("area_km2", "kunashiri")
    assert values["split_half_km2"] == pytest.approx(half)
    assert values["split_part_km2"] == pytest.approx(part)
    assert values["split_part_share_pct"] == pytest.approx(100 * part / _fact("area_km2", "etorofu"))


def test_former_residents_match_the_data(values):
    rows = [r for r in raw("population") if r["group"] == "former_residents" and r["metric"] == "persons"
            and not r["note"].startswith("Preliminary")]
    latest = max(r["as_of"] for r in rows)
    assert {float(r["value"]) for r in rows if r["as_of"] == latest} == {values["alive_last"]}
    precision = {r["as_of_precision"] for r in rows if r["as_of"] == latest}.pop()
    assert values["alive_last_date"] == text.fmt_date(latest, precision)
    assert values["alive_last_share"] == pytest.approx(100 * values["alive_last"] / values["pop45_total"])


def test_penalties_match_the_data(values):
    pen = {r["id"]: r for r in raw("penalties")}
    for pid in ["koap_20_3_2_p1_citizen", "uk_280_2_prison"]:
        assert values[f"{pid}_min"] == float(pen[pid]["min_value"])
        assert values[f"{pid}_max"] == float(pen[pid]["max_value"])


def test_trade_and_energy_match_the_data(values):
    usd = {}
    for r in raw("trade"):
        if r["currency"] == "USD" and r["period"] == "calendar":
            bn = float(r["value"]) / (1000 if r["unit"] == "million" else 1)
            usd.setdefault(int(r["year"]), {}).setdefault(r["flow"], bn)
    totals = {y: f["japan_exports"] + f["japan_imports"] for y, f in usd.items() if len(f) == 2}
    peak = max(totals, key=totals.get)
    assert (values["peak_year"], values["peak_total"]) == (peak, pytest.approx(totals[peak]))
    yen = {}  # the Ministry's own table (kind statistics) wins over a press report of the same statistics
    # and a final figure wins over a provisional one (2024 imports: the monthly files' sum before the final release)
    for r in sorted(raw("trade"), key=lambda r: (r["source_kind"] == "statistics", "provisional" not in r["note"].lower())):
        if r["currency"] == "JPY" and r["period"] == "calendar" and r["reporter"] == "japan_customs":
            bn = float(r["value"]) / (1000 if r["unit"] == "million" else 1)
            yen.setdefault(int(r["year"]), {})[r["flow"]] = bn
    both = {y: f["japan_exports"] + f["japan_imports"] for y, f in yen.items() if len(f) == 2}
    assert values["trade_latest_year"] == max(both)
    # the yen series runs 1995-2025 and peaks in 2014, a year later than the dollar figures
    assert set(range(1995, 2026)) <= set(both)
    jpy_peak = max(both, key=both.get)
    assert (values["jpy_peak_year"], values["jpy_peak_total"]) == (jpy_peak, pytest.approx(both[jpy_peak]))
    assert values["jpy_peak_year"] == 2014 and values["peak_year"] == 2013
    assert values["jpy_peak_money"] == f"¥{both[jpy_peak]:,.1f} bn"
    assert values["trade_latest_total"] == pytest.approx(both[max(both)])
    assert values["trade_prewar_total"] == pytest.approx(both[values["trade_prewar_year"]])
    # A year the Ministry has not yet finalised is named as provisional wherever the pages quote it.
    latest_notes = [r["note"] for r in raw("trade") if r["year"] == str(values["trade_latest_year"])
                    and r["reporter"] == "japan_customs"]
    assert values["trade_latest_money"].endswith("(provisional)") == any("provisional" in n for n in latest_notes)
    # the 2021 LNG share is Japan Customs' Russian volume over its world total (one row of the series)
    lng = [float(r["volume"]) / float(r["total_volume"]) * 100 for r in raw("energy")
           if r["year"] == "2021" and r["commodity"] == "lng" and r["period"] == "calendar" and r["total_volume"]]
    assert lng == [pytest.approx(values["lng_2021"])]


def test_exits_match_the_okhotsk_chapter(t, values):
    from kurils import okhotsk

    summary = okhotsk.strait_summary(t["straits"])
    counts = okhotsk.scenario_counts(summary, okhotsk.control_by_scenario(summary))
    for scenario in ["status_quo", "habomai_shikotan", "all_four"]:
        for key, value in counts[scenario].items():
            assert values[f"exits_{scenario}_{key}"] == value
    # handing over more islands never adds a Russian-only exit
    assert (values["exits_status_quo_russian"] >= values["exits_three_islands_russian"]
            >= values["exits_all_four_russian"])


def test_options_table_reads_the_legal_effects(t, values):
    table = front.options_table(values, t["legal_effects"]).set_index("Option")
    assert list(table.index) == [front.OPTION_NAMES[o] for o in legal.OPTIONS]
    assert table.at["Equal split", "Land to Japan"] == "50.0 %"
    assert table.at["Two islands", "Land to Japan"] == f"{values['share_two']:.1f} %"
    effects = {(r["instrument_id"], r["option"], r["reading"]): r["effect"] for r in raw("legal_effects")}
    for option in legal.OPTIONS:
        word = effects[("jp_ussr_joint_declaration_1956_art9", option, "wording")]
        assert table.at[front.OPTION_NAMES[option], "1956 Declaration"] == legal.EFFECTS[word][0]
    assert table.at["All four", "Exits Russian on both shores"] == (
        f"{values['exits_all_four_russian']} of {values['exits_all_four_total']} "
        f"(deep: {values['exits_all_four_russian_deep']} of {values['exits_all_four_deep']})")
    moscow = effects[("ru_constitution_art67_2_1_ru", "all_four", "moscow")]
    assert table.at["All four", "Russia's Constitution"].endswith("Moscow: " + legal.EFFECTS[moscow][0])


def test_currency_line_names_both_the_reading_date_and_the_latest_event():
    from kurils import data, text

    tl = data.load("timeline")
    line = text.data_current_to(tl)
    assert line.startswith("Sources read up to " + text.fmt_date(tl["accessed"].max()))
    last = tl.sort_values("date").iloc[-1]
    assert line.endswith("latest event recorded in the timeline: " + text.fmt_date(last["date"], last["date_precision"]))
