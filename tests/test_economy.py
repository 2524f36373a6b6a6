"""The economy chapter's data and helpers, on the real tables: rules that a bad row would break."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
import pytest

from kurils import data, economy

TABLES = ["trade", "energy", "projects", "sanctions", "cooperation", "polls", "analogy"]


@pytest.fixture(scope="module")
def t() -> dict[str, pd.DataFrame]:
    return {name: data.load(name) for name in TABLES}


def _close(fig):
    plt.close(fig)


# ---------------------------------------------------------------------------------------------- tables


@pytest.mark.parametrize("name", TABLES)
def test_table_validates_and_is_not_empty(name):
    assert len(data.load(name)) >= 5


@pytest.mark.parametrize("name", TABLES)
def test_every_row_names_its_source(t, name):
    frame = t[name]
    assert frame["source_url"].str.match(r"https?://").all()
    assert frame["source_title"].str.len().gt(3).all()


def test_numeric_fields_declare_units():
    for name in TABLES:
        for field in data.resource_descriptor(name)["schema"]["fields"]:
            if field["type"] in ("number", "integer") and field["name"] != "year":
                assert field.get("unit"), f"{name}.{field['name']} has no unit"


def test_no_negative_trade_values(t):
    assert (t["trade"]["value"].astype(float) >= 0).all()


def test_trade_years_unique_per_reporter_flow_period_and_source(t):
    key = ["year", "reporter", "flow", "period", "source_url"]
    assert not t["trade"].duplicated(key).any()


def test_trade_as_of_ends_the_period(t):
    trade = t["trade"]
    cal = trade[trade["period"] == "calendar"]
    assert (cal["as_of"] == pd.to_datetime(cal["year"].astype(str) + "-12-31")).all()
    fy = trade[trade["period"] == "fiscal"]
    assert (fy["as_of"] == pd.to_datetime((fy["year"] + 1).astype(str) + "-03-31")).all()


@pytest.mark.parametrize("table, column", [("energy", "share_pct"), ("polls", "share_pct"), ("projects", "stake_pct")])
def test_shares_within_0_and_100(t, table, column):
    values = t[table][column].dropna().astype(float)
    assert values.between(0, 100).all()


def test_percent_indicators_of_the_analogy_within_0_and_100(t):
    pct = t["analogy"][t["analogy"]["unit"].fillna("").str.startswith("percent")]
    assert len(pct) >= 10 and pct["value"].astype(float).between(0, 100).all()


def test_energy_rows_carry_a_share_or_a_volume_with_its_unit(t):
    energy = t["energy"]
    assert (energy["share_pct"].notna() | energy["volume"].notna()).all()
    assert (energy["volume"].isna() | energy["volume_unit"].notna()).all()


def test_poll_shares_for_one_question_and_fieldwork_sum_to_at_most_100(t):
    totals = economy.poll_totals(t["polls"])
    assert (totals <= 100.0 + 1e-9).all(), totals[totals > 100]


def test_poll_question_wording_is_kept_or_flagged(t):
    polls = t["polls"]
    verbatim = polls[polls["wording"].isin(["verbatim", "verbatim_assumed"])]
    assert verbatim["question"].notna().all()
    assumed = polls[polls["wording"] == "verbatim_assumed"]
    assert assumed["note"].str.contains("assumed unchanged").all()


def test_project_stakes_add_up_to_at_most_100(t):
    totals = economy.stake_totals(t["projects"])
    assert set(totals.index) == {"sakhalin_1", "sakhalin_2", "arctic_lng_2"}
    assert (totals <= 100.0 + 1e-9).all()
    # every partner's stake is sourced for the three projects, so each adds up exactly
    assert totals.round(6).eq(100.0).all(), totals


def test_saar_referendum_shares_and_votes_agree(t):
    a = t["analogy"]
    against = economy.indicator(a, "france_germany", "saar_statute_against_pct", 1955)
    yes = economy.indicator(a, "france_germany", "saar_statute_for_pct", 1955)
    assert against + yes == pytest.approx(100, abs=0.02)
    v_against = economy.indicator(a, "france_germany", "saar_statute_against_votes", 1955)
    v_for = economy.indicator(a, "france_germany", "saar_statute_for_votes", 1955)
    assert 100 * v_against / (v_against + v_for) == pytest.approx(against, abs=0.01)


def test_milestone_and_indicator_rows_are_well_formed(t):
    a = t["analogy"]
    ms = a[a["kind"] == "milestone"]
    ind = a[a["kind"] == "indicator"]
    assert ms["date"].notna().all() and ms["value"].isna().all()
    assert ind["value"].notna().all() and ind["unit"].notna().all()
    assert (ms["date"].dt.year == ms["year"]).all()


def test_years_since_war_are_computed_and_match_the_stated_figure(t):
    ms = economy.milestones(t["analogy"]).set_index("indicator")
    elysee = ms.at["elysee_treaty_signed", "years_since_war"]
    stated = economy.indicator(t["analogy"], "france_germany", "elysee_years_after_war_stated", 1963)
    assert round(elysee) == stated
    assert 11 < ms.at["saar_joins_frg", "years_since_war"] < 12
    assert (ms["years_since_war"] > 0).all()


def test_no_derived_interval_is_stored_as_data(t):
    assert not t["analogy"]["indicator"].str.startswith("years_since").any()


def test_sanction_and_cooperation_ids_are_unique_and_dates_sorted(t):
    for name in ("sanctions", "cooperation"):
        frame = t[name]
        assert frame["id"].is_unique
        assert frame["date"].is_monotonic_increasing


def test_russian_countermeasures_follow_japans_first_2022_package(t):
    s = t["sanctions"]
    first = economy.event(t, "sanctions", "jp_2022_02_first_package")["date"]
    ru = s[(s["imposed_by"] == "RU") & (s["date"].dt.year >= 2022)]
    assert (ru["date"] > first).all()


# ---------------------------------------------------------------------------------------------- helpers


def test_in_billions_changes_the_multiplier_never_the_currency(t):
    trade = t["trade"]
    billions = economy.in_billions(trade)
    million = trade["unit"] == "million"
    assert billions[million].tolist() == pytest.approx((trade.loc[million, "value"].astype(float) / 1000).tolist())
    with pytest.raises(ValueError):
        economy.in_billions(trade.assign(unit="thousand"))


def test_chart_rows_keep_one_point_per_year_flow_currency_period(t):
    rows = economy.trade_chart_rows(t["trade"])
    assert not rows.duplicated(["year", "flow", "currency", "period"]).any()
    assert set(rows["period"]) <= {"calendar", "fiscal"}


def test_disagreeing_2021_imports_show_the_ministry_of_finance_row(t):
    rows = economy.trade_chart_rows(t["trade"])
    row = rows[(rows["year"] == 2021) & (rows["flow"] == "japan_imports") & (rows["currency"] == "JPY")]
    assert len(row) == 1 and row["reporter"].iloc[0] == "japan_customs"
    # within one reporter the Ministry's own table wins over the press report of its preliminary release
    assert row["source_kind"].iloc[0] == "statistics" and row["value_bn"].iloc[0] == pytest.approx(1551.6, abs=0.05)
    both = t["trade"][(t["trade"]["year"] == 2021) & (t["trade"]["flow"] == "japan_imports")]
    assert set(economy.in_billions(both).round(1)) == {1543.1, 1551.6}  # the other sources stay in the data


def test_statistics_table_outranks_a_report_of_it_within_one_reporter(t):
    trade = t["trade"]
    press = trade[(trade["source_url"] == "https://nippon.com/ja/japan-data/h01266")]
    assert set(press["reporter"]) == {"japan_customs"} and set(press["source_kind"]) == {"press"}
    rows = economy.trade_chart_rows(trade)
    assert not rows["source_url"].eq("https://nippon.com/ja/japan-data/h01266").any()
    # without the table, the press report of the same statistics is drawn
    alone = economy.trade_chart_rows(trade[trade["source_kind"] != "statistics"])
    assert alone["source_url"].eq("https://nippon.com/ja/japan-data/h01266").sum() == 2


def test_russian_embassy_figures_are_a_cross_check_that_changes_nothing_drawn(t):
    trade = t["trade"]
    ru = trade[trade["reporter"] == "russia_official"]
    assert set(ru["year"]) == {2013} and set(ru["source_kind"]) == {"official"}
    assert economy.in_billions(ru).sum() == pytest.approx(33.2, abs=0.05)
    rows = economy.trade_chart_rows(trade)
    assert "russia_official" not in set(rows["reporter"])
    without = economy.trade_chart_rows(trade[trade["reporter"] != "russia_official"])
    assert len(rows) == len(without)
    assert economy.usd_peak(trade) == economy.usd_peak(trade[trade["reporter"] != "russia_official"])


def test_a_tie_within_one_reporter_is_refused(t):
    trade = t["trade"]
    row = trade[(trade["year"] == 2023) & (trade["flow"] == "japan_imports")].copy()
    row["source_url"] = "https://example.org/copy"
    with pytest.raises(ValueError):
        economy.trade_chart_rows(pd.concat([trade, row]))


def test_usd_peak_is_2013(t):
    peak = economy.usd_peak(t["trade"])
    assert peak["year"] == 2013
    assert peak["total"] == pytest.approx(34.8, abs=0.05)


# ---------------------------------------------------------------------------------------------- charts


def _figures(t):
    return {
        "trade": economy.trade_chart(t["trade"], t),
        "energy": economy.energy_share_chart(t["energy"], t),
        "sanctions": economy.sanctions_chart(t["sanctions"], t),
        "cooperation": economy.cooperation_chart(t["cooperation"]),
        "japan_polls": economy.japan_poll_chart(t["polls"], t),
        "russia_polls": economy.russia_poll_chart(t["polls"]),
        "analogy": economy.analogy_chart(t["analogy"], t["polls"]),
    }


@pytest.fixture(scope="module")
def figures(t):
    figs = _figures(t)
    yield figs
    for fig in figs.values():
        _close(fig)


def test_every_event_annotated_on_a_chart_exists_in_the_data(t, figures):
    known = set(t["sanctions"]["id"]) | set(t["cooperation"]["id"])
    years = set(t["trade"]["year"].astype(int))
    for name, fig in figures.items():
        for gid in economy.annotation_ids(fig):
            kind, _, ref = gid.partition(":")
            if kind == "event":
                assert ref in known, (name, gid)
            elif kind in ("peak", "jpy-peak"):
                assert int(ref) in years, (name, gid)
            elif kind == "gap":
                first, last = (int(y) for y in ref.split("-"))
                assert 1995 <= first <= last <= 2025, (name, gid)  # which years: see the shading test
            else:
                pytest.fail(f"{name}: unknown annotation {gid}")


def test_the_events_each_chart_promises_are_drawn(figures):
    ids = economy.annotation_ids(figures["trade"])
    for _, event_id, _ in economy.TRADE_EVENTS:
        assert f"event:{event_id}" in ids
    assert "peak:2013" in ids
    assert "jpy-peak:2014" in ids  # the high point in yen, the Keidanren claim the page settles
    assert {f"event:{i}" for (_, i, _) in sum(economy.ENERGY_EVENTS.values(), [])} <= economy.annotation_ids(figures["energy"])


def test_a_missing_event_id_fails_loudly(t):
    with pytest.raises(KeyError):
        economy.events(t, [("sanctions", "no_such_event", "x")])


def test_trade_chart_never_puts_two_currencies_on_one_axis(figures):
    jpy, usd = figures["trade"].axes[:2]
    assert "US dollars" in usd.get_ylabel() and "Yen" in jpy.get_ylabel()
    assert usd.get_ylim()[1] < 100 and jpy.get_ylim()[1] > 500  # dollar billions vs yen billions


def test_fiscal_points_are_never_joined_by_a_line(t, figures):
    rows = economy.trade_chart_rows(t["trade"])
    fiscal_x = set(rows.loc[rows["period"] == "fiscal", "x"])
    import matplotlib.dates as mdates

    fiscal_num = {mdates.date2num(x) for x in fiscal_x}
    for ax in figures["trade"].axes[:2]:
        for line in ax.get_lines():
            if line.get_linestyle() in ("None", "none", ""):
                continue
            xs = set(mdates.date2num(x) if not isinstance(x, float) else x for x in line.get_xdata())
            if len(xs) > 1:
                assert not xs & fiscal_num, "a line passes through a fiscal-year point"


def test_every_axis_names_its_unit(figures):
    for name, fig in figures.items():
        for ax in fig.axes:
            if not ax.axison or not ax.get_xlabel() and not ax.get_ylabel():
                continue
            labels = ax.get_xlabel() + " " + ax.get_ylabel()
            assert any(u in labels for u in ("%", "billion", "tonnes", "Year", "Date", "Years", "fieldwork")), (name, labels)


def test_charts_render_to_svg(figures):
    from kurils import style

    for name, fig in figures.items():
        assert style.render(fig, "svg").startswith(b"<?xml"), name


def test_cooperation_chart_refuses_events_outside_its_windows(t):
    odd = t["cooperation"].copy()
    odd.loc[odd.index[0], "date"] = pd.Timestamp(2008, 1, 1)
    with pytest.raises(ValueError):
        economy.cooperation_chart(odd)
    plt.close("all")


def test_wrap_cjk_keeps_every_character():
    text = "あなたは，ロシアに親しみを感じますか，それとも感じませんか。この中ではどうでしょうか。"
    wrapped = economy.wrap_cjk(text, 20)
    assert wrapped.replace("\n", "") == text
    assert max(len(line) for line in wrapped.splitlines()) <= 20


def test_tables_for_the_page(t):
    stakes = economy.stake_table(t["projects"])
    assert stakes["Project"].tolist()[0] == "Sakhalin-1" and len(stakes) == stakes[["Project", "Partner"]].drop_duplicates().shape[0]
    assert len(economy.cooperation_table(t["cooperation"])) == len(t["cooperation"])
    assert set(economy.poll_table(t["polls"], "RU")["Share (%)"]) <= set(t["polls"]["share_pct"].astype(float))
    dis = economy.trade_disagreements(t["trade"])
    assert (dis["On the chart"] == "yes").any() and (dis["On the chart"] == "no").any()


# ------------------------------------------------------------------------ continuity (issue 13, item 4)

#: The years each continuous series holds today. A row added or dropped changes these sets, and the
#: test fails until the expectation (and, through the glued phrases, the page) is brought up to date.
TRADE_YEARS_HELD = set(range(1995, 2026))
TRADE_XCHECK_YEARS_HELD = set(range(1995, 2002))
CAO_WAVES_HELD = {2010, 2011, 2012, 2014, 2015, 2016, 2017, 2021, 2022, 2023, 2024}


def test_year_ranges_compresses_runs():
    assert economy.year_ranges([1995, 1996, 1997, 2000, 2002, 2003]) == "1995–1997, 2000, 2002–2003"
    assert economy.year_ranges([]) == "none"


def test_trade_series_is_one_reporter_in_its_own_currency_and_names_every_missing_year(t):
    assert economy.TRADE_SERIES == {"reporter": "japan_customs", "currency": "JPY", "period": "calendar"}
    cov = economy.trade_coverage(t["trade"])
    assert set(cov["covered"]) == TRADE_YEARS_HELD
    assert set(cov["covered"]) | set(cov["missing"]) == set(range(1995, 2026))
    assert not set(cov["covered"]) & set(cov["missing"])
    # every year of the series has both flows from that one reporter, currency and period
    rows = t["trade"]
    for col, val in economy.TRADE_SERIES.items():
        rows = rows[rows[col] == val]
    for year in cov["covered"]:
        assert set(rows[rows["year"] == year]["flow"]) == {"japan_exports", "japan_imports"}, year


def test_chosen_trade_series_is_japans_own_statistics_drawn_from_the_table(t):
    """The book's series is Japan's Ministry of Finance in yen, and every point of it comes from the
    Ministry's own table (kind statistics), not from a report of it; the cross-check is the reporter
    with the most years of both flows."""
    rows = economy.trade_chart_rows(t["trade"])
    series = rows
    for col, val in economy.TRADE_SERIES.items():
        series = series[series[col] == val]
    assert set(series["year"]) == TRADE_YEARS_HELD and len(series) == 2 * len(TRADE_YEARS_HELD)
    assert set(series["source_kind"]) == {"statistics"}
    # 1995-2020: Japan Customs' monthly Russia files (exports d52ma008, imports d62ma008), summed by year;
    # 2021-2025: the Ministry's annual table by country
    base = "https://www.customs.go.jp/toukei/suii/html/"
    early, late = series[series["year"] <= 2020], series[series["year"] >= 2021]
    assert set(early["year"]) == set(range(1995, 2021)) and set(late["year"]) == set(range(2021, 2026))
    assert set(late["source_url"]) == {base + "time.htm"}
    want = {"japan_exports": base + "data/d52ma008.csv", "japan_imports": base + "data/d62ma008.csv"}
    assert (early["source_url"] == early["flow"].map(want)).all()
    assert early["note"].str.contains("dlxiii/meti_scraper").all() and early["note"].str.contains("9c8885e").all()
    assert early["note"].str.contains("checked").all()
    cov = economy.trade_reporter_coverage(t["trade"])
    # the book's series is the only reporter with every year; the cross-check is the next best
    first, second = cov.iloc[0], cov.iloc[1]
    assert {"reporter": first["reporter"], "currency": first["currency"], "period": first["period"]} == economy.TRADE_SERIES
    assert first["years"] == 31 and cov["years"].iloc[1:].max() < 31
    assert {"reporter": second["reporter"], "currency": second["currency"], "period": second["period"]} == economy.TRADE_CROSSCHECK
    assert "unstated" not in set(cov["reporter"])
    table = economy.trade_reporter_table(t["trade"])
    assert table["Role"].tolist()[:2] == ["book's series", "cross-check"]
    assert table["Role"].tolist().count("book's series") == 1
    assert table["Role"].tolist().count("cross-check") == 1


def test_series_gaps_are_the_missing_runs():
    assert economy.series_gaps([1995, 1996, 2000], range(1995, 2002)) == [(1997, 1999), (2001, 2001)]
    assert economy.series_gaps(range(1995, 2026)) == []
    assert economy.series_gaps([]) == [(1995, 2025)]


def test_trade_chart_shades_every_missing_year_of_the_series(t, figures):
    cov = economy.trade_coverage(t["trade"])
    gaps = {g for g in economy.annotation_ids(figures["trade"]) if g.startswith("gap:")}
    shaded = set()
    for g in gaps:
        first, last = (int(y) for y in g.split(":")[1].split("-"))
        shaded |= set(range(first, last + 1))
    assert shaded == set(cov["missing"])


def _legend_labels(fig) -> list[str]:
    legends = list(fig.legends) + [ax.get_legend() for ax in fig.axes if ax.get_legend() is not None]
    return [txt.get_text() for lg in legends for txt in lg.get_texts()]


def test_a_year_dropped_from_the_yen_series_is_shaded_and_named(t):
    """With every year held nothing is shaded; take 2003 and 2004 out and the chart shades exactly them,
    the legend names the gap, and the page's phrase lists them."""
    trade = t["trade"]
    full = economy.trade_chart(trade, t)
    try:
        assert not {g for g in economy.annotation_ids(full) if g.startswith("gap:")}
        labels = _legend_labels(full)
        assert labels and not any("a gap" in lab for lab in labels)
    finally:
        _close(full)
    drop = (trade["year"].isin([2003, 2004]) & (trade["currency"] == "JPY") & (trade["reporter"] == "japan_customs"))
    holed = trade[~drop]
    fig = economy.trade_chart(holed, t)
    try:
        assert {g for g in economy.annotation_ids(fig) if g.startswith("gap:")} == {"gap:2003-2004"}
        labels = _legend_labels(fig)
        assert any("a gap" in lab for lab in labels)
    finally:
        _close(fig)
    assert economy.year_ranges(economy.trade_coverage(holed)["missing"]) == "2003–2004"


def test_trade_crosscheck_series_names_its_years(t):
    xc = economy.trade_series_years(t["trade"], economy.TRADE_CROSSCHECK)
    assert set(xc["covered"]) == TRADE_XCHECK_YEARS_HELD
    assert set(xc["covered"]) | set(xc["missing"]) == set(range(1995, 2026))
    nums = economy.coverage_numbers(t)
    assert nums["trade_xcheck_covered"] == economy.year_ranges(TRADE_XCHECK_YEARS_HELD)
    assert nums["trade_n_covered"] + nums["trade_n_missing"] == 31


def test_cabinet_office_series_names_every_missing_wave(t):
    cov = economy.cao_affinity_coverage(t["polls"])
    assert set(cov["covered"]) == CAO_WAVES_HELD
    assert set(cov["covered"]) | set(cov["missing"]) == set(range(2010, 2026))
    # one 'feel affinity' share per fiscal-year wave: no year counted twice by accident
    rows = t["polls"][(t["polls"]["question_id"] == "jp_cao_affinity_russia")
                      & (t["polls"]["answer_en"] == "feel affinity")]
    fy = economy.cao_fiscal_year(rows["fieldwork_date"])
    assert not fy.duplicated().any()


def test_cabinet_office_affinity_shares_of_one_wave_add_up(t):
    """Where a wave has both 'feel' and 'do not feel' affinity shares, they leave room for 'don't know'
    (sum <= 100); the October 2010 wave has both since its 'do not feel' share was sourced (82.4 %)."""
    rows = t["polls"][t["polls"]["question_id"] == "jp_cao_affinity_russia"]
    wide = rows.pivot_table(index="fieldwork_date", columns="answer_en", values="share_pct", aggfunc="first")
    both = wide.dropna(subset=["feel affinity", "do not feel affinity"])
    assert ((both["feel affinity"] + both["do not feel affinity"]) <= 100.05).all(), both
    assert both.loc[pd.Timestamp("2010-10-01"), "do not feel affinity"] == pytest.approx(82.4)
    assert both.loc[pd.Timestamp("2010-10-01"), "feel affinity"] == pytest.approx(14.0)


def test_january_wave_counts_for_the_fiscal_year_before():
    fy = economy.cao_fiscal_year(pd.Series(pd.to_datetime(["2016-01-01", "2016-10-27", "2014-10-01"])))
    assert fy.tolist() == [2015, 2016, 2014]


def test_energy_coverage_lists_every_year_once_per_fuel(t):
    for fuel, cov in economy.energy_coverage(t["energy"]).items():
        assert set(cov["covered"]) | set(cov["missing"]) == set(range(2010, 2026)), fuel
        assert not set(cov["covered"]) & set(cov["missing"]), fuel


def test_page_names_the_missing_years_from_the_data():
    """The page states covered and missing years only through the glued coverage phrases."""
    from pathlib import Path

    page = (Path(__file__).resolve().parents[1] / "book" / "economy.md").read_text(encoding="utf-8")
    assert "economy.key_numbers(t)" in page
    for key in ["trade_covered", "trade_missing", "trade_xcheck_covered", "cao_covered", "cao_missing", "energy_lng_missing",
                "energy_crude_oil_missing", "energy_coal_missing"]:
        assert f"{{glue:md}}`{key}`" in page, key
    assert page.count("About these figures") >= 3


def test_trade_chart_leaves_missing_years_as_gaps(t):
    """No line is drawn across a missing year: every drawn segment joins consecutive calendar years."""
    import matplotlib.dates as mdates

    fig = economy.trade_chart(t["trade"], t)
    try:
        for ax in fig.axes:
            for line in ax.get_lines():
                if line.get_linestyle() == "None":
                    continue
                x = line.get_xdata()
                if len(x) < 2 or not hasattr(x[0], "year") and not isinstance(x[0], (float, int)):
                    continue
                years = [pd.Timestamp(mdates.num2date(v) if isinstance(v, (float, int)) else v).year for v in x]
                if len(set(years)) < 2 or len(set(years)) != len(years):
                    continue  # event markers and vertical lines
                assert all(b - a == 1 for a, b in zip(years, years[1:])), years
    finally:
        _close(fig)


# ------------------------------------------------------------------------------------------ key numbers


@pytest.fixture(scope="module")
def numbers(t) -> dict:
    return economy.key_numbers(t)


def test_key_numbers_cover_every_name_the_prose_glues(numbers):
    """Every {glue:text}/{glue:md} name on the page comes from key_numbers (citations are glued in the notebook)."""
    import re
    from pathlib import Path

    from kurils import front

    page = (Path(__file__).resolve().parents[1] / "book" / "economy.md").read_text(encoding="utf-8")
    from kurils import course

    cited = set(re.findall(r'glue_citations\(\s*"([a-z0-9_]+)"', page))
    names = front.glue_names(page) - cited - set(course.key_numbers("economy"))
    assert len(names) > 100, "glue names not parsed"
    assert names <= set(numbers), f"glued but not computed: {sorted(names - set(numbers))}"
    assert 'text.glue_all(economy.key_numbers(t) | course.key_numbers("economy"))' in page


def test_key_numbers_are_numbers_or_phrases(numbers):
    """Numbers for {glue:text} with a format spec, phrases for {glue:md}: never a frame, a None or a NaN."""
    import numbers as nums

    for name, value in numbers.items():
        assert isinstance(value, (str, nums.Real)) and not isinstance(value, bool), (name, type(value))
        if isinstance(value, nums.Real):
            assert value == value, f"{name} is NaN"
    dated = [n for n in numbers if n.startswith(("d_", "m_"))]
    assert len(dated) == sum(map(len, economy.DATED_EVENTS.values())) + len(economy.MILESTONE_DATES) + 1
    for name in dated:
        assert isinstance(numbers[name], str) and numbers[name][-4:].isdigit(), name


def test_key_numbers_on_the_real_tables(t, numbers):
    assert numbers["peak_year"] == 2013 and numbers["peak_total"] > numbers["peak_imports"] > 0
    assert numbers["erina_first"] <= numbers["erina_last"]
    assert numbers["erina_imp_min"] <= numbers["erina_imp_max"]
    # the two 2021 import figures are kept apart, not averaged
    assert numbers["imp_2021_mof"] != numbers["imp_2021_other"]
    assert numbers["d_jp_2022_02_first_package"] == "25 February 2022"
    # Russia's counter-measures of 2022 are counted from the same table as Japan's measures
    sanctions = t["sanctions"]
    assert numbers["n_ru_2022"] == int(((sanctions["imposed_by"] == "RU") & (sanctions["date"].dt.year == 2022)).sum())
    for name in [n for n in numbers if n.startswith(("aff_", "good_", "lev_", "vciom_", "mofa_", "stake_", "lng_",
                                                      "crude_", "saar_"))]:
        assert 0 <= numbers[name] <= 100, name
    assert (numbers["yrs_ecsc_treaty_signed"] < numbers["yrs_joint_declaration_signed"]
            < numbers["yrs_eight_point_plan_proposed"])
    assert numbers["days_saar_after_decl"] > 0
    assert numbers["trade_n_covered"] + numbers["trade_n_missing"] == len(economy.TRADE_YEARS)


def test_key_numbers_refuse_an_ambiguous_value(t):
    """A second row for a glued value stops the page instead of picking one silently."""
    polls = t["polls"]
    row = polls[(polls["question_id"] == "vciom_transfer") & (polls["answer_en"] == "oppose a handover")]
    assert len(row) == 1
    doubled = {**t, "polls": pd.concat([polls, row.assign(share_pct=row["share_pct"] + 1)], ignore_index=True)}
    with pytest.raises(LookupError):
        economy.key_numbers(doubled)


def test_the_page_still_declares_the_tables_it_reads():
    """The claims ledger and the sources page find a chapter's tables in its code (claims.book_index)."""
    from kurils import claims

    loads = claims.book_index().loads
    assert all("economy" in loads.get(name, []) for name in TABLES), [n for n in TABLES if "economy" not in loads.get(n, [])]


# ------------------------------------------------------------------------------------------ exercises


def test_poll_trend_defaults_to_the_affinity_series_and_takes_any_question(t):
    polls = t["polls"]
    default = economy.poll_trend(polls)
    assert default["Share (%)"].tolist() == economy.poll_series(polls, "jp_cao_affinity_russia",
                                                                 "feel affinity")["share_pct"].astype(float).tolist()
    assert pd.isna(default["Change, points"].iloc[0])
    other = economy.poll_trend(polls, "jp_cao_relations_russia", "relations are good", event_date="2022-02-25")
    assert set(other["Wave"]) == {"before", "after"}
    waves = other["Wave"].tolist()
    assert waves == sorted(waves, key=["before", "after"].index)  # 'after' never precedes 'before'
    with pytest.raises(KeyError, match="feel affinity"):
        economy.poll_trend(polls, "jp_cao_affinity_russia", "no such answer")


def test_poll_shift_across_the_invasion(t):
    invasion = economy.event(t, "sanctions", "jp_2022_02_first_package")["date"]
    s = economy.poll_shift(t["polls"], "jp_cao_affinity_russia", "feel affinity", invasion)
    assert s["before_date"] < invasion <= s["after_date"]
    assert s["after"] < s["before"] and s["ratio"] == pytest.approx(s["before"] / s["after"])
    assert s["same_mode"]  # the solution says both waves were mail surveys
    with pytest.raises(ValueError):
        economy.poll_shift(t["polls"], "levada_transfer", "rather support a handover", invasion)


def test_implied_rates_pair_one_yen_row_with_one_dollar_row(t):
    rates = economy.implied_rates(t["trade"])
    # one rate per year, period and flow: the chart's yen row (Ministry of Finance) over the chart's dollar row
    assert not rates.duplicated(["year", "period", "flow"]).any()
    for r in rates.itertuples():
        assert r.yen_per_usd == pytest.approx(r.jpy_bn / r.usd_bn, abs=0.005)
        assert r.period in economy.PERIODS_CHARTED and r.usd_reporter != "unstated"
    cal = rates[rates["period"] == "calendar"]
    assert set(cal["year"]) == set(range(1995, 2002)) | {2013, 2014, 2016, 2020}
    # 2024 has a provisional and a final yen row: the rate (if any) would use the final one; 2013 uses
    # Russia's own figures because the press figure of unnamed basis is left out
    assert set(cal.loc[cal["year"] == 2013, "usd_reporter"]) == {"russia_official"}
    r95 = cal[(cal["year"] == 1995) & (cal["flow"] == "japan_imports")].iloc[0]
    assert r95["jpy_bn"] == pytest.approx(444.7786) and r95["usd_bn"] == pytest.approx(4.7633)
    # without a dollar row for the same year, flow and period there is no rate
    no_usd = t["trade"][t["trade"]["currency"] != "USD"]
    assert economy.implied_rates(no_usd).empty


def test_spliced_totals_convert_each_year_at_its_own_rate(t):
    rates = economy.implied_rates(t["trade"])
    totals = economy.series_totals(t["trade"])
    assert list(totals.index) == list(range(1995, 2026))
    for flow in ("japan_imports", "japan_exports"):
        sp = economy.spliced_totals(t["trade"], rate_from=flow, all_years=True).set_index("Year")
        assert list(sp.index) == list(range(1995, 2026))
        shown = economy.spliced_totals(t["trade"], rate_from=flow)  # what the exercise shows: converted years only
        assert shown["Year"].tolist() == sorted(sp.dropna(subset=["Yen per USD used"]).index)
        own = rates[(rates["flow"] == flow) & (rates["period"] == "calendar")].set_index("year")["yen_per_usd"]
        converted = sp.dropna(subset=["Yen per USD used"])
        assert set(converted.index) == set(own.index)
        for year, row in converted.iterrows():
            assert row["Yen per USD used"] == own[year]
            assert row["USD bn, converted"] == pytest.approx(totals[year] / own[year], abs=0.01)
        # years with no rate stay unconverted: nothing is invented for them
        assert sp.loc[2010, ["USD bn, converted", "Yen per USD used"]].isna().all()
    # the Russian ministry series converts back to itself within 1 %: it tracks the Ministry of Finance
    imp = economy.spliced_totals(t["trade"]).set_index("Year")
    assert imp.loc[1995:2001, "Converted vs reported, %"].abs().max() < 1
    with pytest.raises(ValueError, match="implied rates"):
        economy.spliced_totals(t["trade"], rate_from="no_such_flow")


def test_energy_series_takes_any_commodity(t):
    lng = economy.energy_series(t["energy"])
    assert len(lng) and lng["Year"].is_monotonic_increasing
    crude = economy.energy_series(t["energy"], "crude_oil")
    assert crude["Share of Japan's imports (%)"].between(0, 100).all()
    with pytest.raises(KeyError, match="lng"):
        economy.energy_series(t["energy"], "uranium")


def test_exercise_numbers(numbers):
    assert numbers["shift_aff_before"] > numbers["shift_aff_after"]
    assert numbers["shift_good_ratio"] > 1
    assert numbers["fx_n_years"] == 11 and numbers["fx_years"] == "1995–2001, 2013–2014, 2016, 2020"
    assert numbers["fx_xcheck_gap_max"] < 1.5  # the ERINA years: one rate a year, whichever flow
    # the year the two flows disagree most is 2013, where the dollars are Russia's own figures
    assert numbers["fx_gap_year"] == 2013 and numbers["fx_gap_pct"] > 40
    assert numbers["fx_imports"] == pytest.approx(117.73) and numbers["fx_exports"] == pytest.approx(78.63)
    # and the converted peak year depends on the flow: 2014 with imports' rates, 2013 with exports'
    assert (numbers["fx_peak_imports"], numbers["fx_peak_exports"]) == (2014, 2013)
    assert numbers["fx_gap_usd_exports"] > numbers["fx_peak_usd_imports"] > numbers["fx_gap_usd_imports"]


# ------------------------------------------------------------------- energy: the Japan Customs series


def test_customs_shares_are_computed_from_two_volumes_not_stored(t):
    """Rows with Japan's total volume store no share; the share is Russia's volume over that total."""
    energy = t["energy"]
    series = energy[energy["total_volume"].notna()]
    assert len(series) >= 45 and series["share_pct"].isna().all()
    assert (series["source_kind"] == "statistics").all() and (series["share_basis"] == "volume").all()
    assert (series["volume"].astype(float) <= series["total_volume"].astype(float)).all()
    full = economy.energy_with_shares(energy)
    got = full.loc[series.index]
    assert got["share_computed"].all()
    assert got["share_pct"].tolist() == pytest.approx((100 * series["volume"] / series["total_volume"]).tolist())
    # a share that a source states is left as the source gives it
    stated = energy["share_pct"].notna()
    assert (full.loc[stated, "share_pct"] == energy.loc[stated, "share_pct"].astype(float)).all()
    assert not full.loc[stated, "share_computed"].any()


def test_customs_series_covers_every_calendar_year_2010_2024_once_per_fuel(t):
    table = economy.customs_energy_table(t["energy"])
    assert table["Year"].tolist() == list(range(2010, 2025))
    assert table.notna().all().all()
    shares = [c for c in table.columns if c.endswith("share (%)")]
    assert len(shares) == 3 and table[shares].apply(lambda c: c.between(0, 100).all()).all()
    # the volumes other sources quote agree with the series (2012: 8.3 Mt of LNG; 2022: 11.577 Mt of coal)
    row = table.set_index("Year")
    assert row.loc[2012, "LNG from Russia (Mt)"] == pytest.approx(8.3, abs=0.05)
    assert row.loc[2022, "Coal from Russia (Mt)"] == pytest.approx(11.577, abs=0.001)
    assert row.loc[2024, "Crude oil from Russia (million kl)"] == 0


def test_customs_table_refuses_two_rows_for_one_year(t):
    energy = t["energy"]
    row = energy[(energy["total_volume"].notna()) & (energy["year"] == 2015) & (energy["commodity"] == "lng")]
    doubled = pd.concat([energy, row.assign(source_url="https://example.org/copy")], ignore_index=True)
    with pytest.raises(ValueError, match="two Customs rows"):
        economy.customs_energy_table(doubled)


def test_energy_volumes_table_leaves_the_customs_series_to_its_own_table(t):
    vols = economy.energy_volumes(t["energy"])
    assert not vols["Source"].str.contains("Japan Customs").any()
    assert len(vols) >= 5


# ------------------------------------------------------------- the yen series 1995-2025 (issue 13)


def test_yen_peak_is_2014_settling_the_keidanren_claim(numbers, t):
    """Japan's own statistics put the high point in 2014 (the year a Keidanren speaker named), above
    2013; the dollar figures put it in 2013. The page glues both."""
    peak = economy.jpy_peak(t["trade"])
    assert peak["year"] == 2014 and peak["prev_year"] == 2013
    assert peak["total"] == pytest.approx(971.850014 + 2618.538149, abs=1e-4)
    assert peak["prev_total"] == pytest.approx(1069.345366 + 2307.593028, abs=1e-4)
    assert numbers["jpy_peak_year"] == 2014 and numbers["peak_year"] == 2013
    assert numbers["jpy_peak_total"] > numbers["jpy_peak_prev_total"]
    assert numbers["jpy_after_peak_max_year"] == 2022 and numbers["jpy_after_peak_max"] < numbers["jpy_peak_total"]


def test_2024_imports_final_figure_wins_over_the_provisional_monthly_sum(t, numbers):
    trade = t["trade"]
    stats = trade[(trade["year"] == 2024) & (trade["flow"] == "japan_imports") & (trade["currency"] == "JPY")
                  & (trade["source_kind"] == "statistics")]
    assert sorted(stats["value"].astype(float)) == [859994.1, 860886.9]  # both releases kept
    drawn = economy.trade_chart_rows(trade)
    drawn = drawn[(drawn["year"] == 2024) & (drawn["flow"] == "japan_imports") & (drawn["currency"] == "JPY")]
    assert drawn["value"].astype(float).tolist() == [859994.1]
    assert numbers["imp_2024"] == pytest.approx(859.9941) and numbers["imp_2024_provisional"] == pytest.approx(860.8869)
    assert -0.2 < numbers["imp_2024_revision_pct"] < 0
    # the final figure replaces the provisional one, so 2024 is final; 2025 is still provisional
    assert not economy.trade_is_provisional(trade, 2024) and economy.trade_is_provisional(trade, 2025)
    # without the final row the provisional one is drawn, and the year is provisional again
    only_prov = trade.drop(stats[stats["value"].astype(float) == 859994.1].index)
    again = economy.trade_chart_rows(only_prov)
    again = again[(again["year"] == 2024) & (again["flow"] == "japan_imports") & (again["currency"] == "JPY")]
    assert again["value"].astype(float).tolist() == [860886.9] and economy.trade_is_provisional(only_prov, 2024)


def test_the_prose_says_whether_the_last_year_is_provisional_from_the_data(t, numbers):
    """2025's figures are provisional in the data, and the page says so through glue; once the rows'
    notes no longer say it (the final release), the page says "final"."""
    assert numbers["mof_last_year"] == 2025
    assert numbers["mof_2025_status"] == numbers["mof_last_year_status"] == "provisional"
    trade = t["trade"].copy()
    rows = (trade["year"] == 2025) & (trade["reporter"] == "japan_customs")
    trade.loc[rows, "note"] = trade.loc[rows, "note"].str.replace("rovisional", "ublished", regex=False)
    final = economy.key_numbers({**t, "trade": trade})
    assert final["mof_2025_status"] == final["mof_last_year_status"] == "final"


def test_the_derived_2014_affinity_share_is_glued_from_the_two_waves(t):
    """The about box's "17.4 % was 2.7 points down" comes from the January 2016 and October 2014 rows."""
    numbers = economy.coverage_numbers(t)
    assert numbers["cao_jan2016_share"] == pytest.approx(17.4)
    assert numbers["cao_2014_drop"] == pytest.approx(2.7)


def test_energy_shares_computed_twice_keep_their_mark(t):
    """A frame that already holds the computed shares passes through unchanged, so a function handed it
    still knows which shares the book computed."""
    once = economy.energy_with_shares(t["energy"])
    assert once["share_computed"].any()
    pd.testing.assert_frame_equal(economy.energy_with_shares(once), once)


def test_customs_script_sums_twelve_published_months_in_thousand_yen(tmp_path):
    """scripts/customs_trade_years.py: column 1 in thousand yen, only years with all twelve months."""
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parents[1] / "scripts" / "customs_trade_years.py"
    spec = importlib.util.spec_from_file_location("customs_trade_years", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    head = "《ロシア》  【月別】  （輸入）,,\nRUSSIAN Monthly Data  (Import),,\n,金額,数量\nYears/Months,(千円),(単位)\n"
    body = "".join(f"2001/{m:02d},{1000 + m} ,-\n" for m in range(1, 13))
    body += "2002/01,5 ,-\n" + "".join(f"2002/{m:02d},-,-\n" for m in range(2, 13))
    f = tmp_path / "d62.csv"
    f.write_text(head + body, encoding="utf-8")
    monthly = mod.monthly_totals(f)
    assert monthly[(2001, 3)] == 1003 and monthly[(2002, 2)] is None
    assert mod.yearly(monthly) == {2001: sum(1000 + m for m in range(1, 13))}  # 2002 is incomplete: left out
    g = tmp_path / "bad.csv"
    g.write_text(head.replace("(千円)", "(百万円)") + body, encoding="utf-8")
    with pytest.raises(ValueError, match="千円"):
        mod.monthly_totals(g)
