"""The width rule and the passage regimes, on toy straits and on the book's straits."""

import pandas as pd
import pytest
from shapely.geometry import box

from kurils import data, okhotsk, scenarios as S, sea_law

NM = sea_law.NM_KM


def shores(width_nm: float):
    """Two 100-km-long rectangular shores ``width_nm`` apart (a km plane)."""
    a = box(0, 0, 100, 50)
    b = box(0, 50 + width_nm * NM, 100, 150)
    return a, b


def test_20nm_strait_one_state_is_closed_transit():
    a, b = shores(20)
    p = sea_law.passage_between(a, b, "RU", "RU")
    assert p.width_nm == pytest.approx(20)
    assert p.closed and p.corridor_nm == 0 and p.one_state
    assert p.regime == sea_law.TRANSIT
    assert "submerged" in p.submarines
    assert sea_law.belts_meet(a, b)


def test_20nm_strait_not_international_is_innocent_passage():
    a, b = shores(20)
    p = sea_law.passage_between(a, b, "RU", "RU", international=False)
    assert p.regime == sea_law.INNOCENT and "surface" in p.submarines


def test_20nm_strait_island_and_mainland_of_one_state():
    p = sea_law.passage(20, "JP", "JP", island_mainland=True)
    assert p.regime == sea_law.INNOCENT_NON_SUSPENDABLE


def test_30nm_strait_leaves_a_corridor():
    a, b = shores(30)
    p = sea_law.passage_between(a, b, "RU", "RU")
    assert not p.closed and p.corridor_nm == pytest.approx(6)
    assert p.regime == sea_law.CORRIDOR
    assert not sea_law.belts_meet(a, b)


def test_shores_of_two_states():
    a, b = shores(20)
    p = sea_law.passage_between(a, b, "JP", "RU")
    assert not p.one_state and p.closed and p.regime == sea_law.TRANSIT
    assert sea_law.shores_text(p.holders) == "two states (Japan, Russia)"


def test_japan_three_mile_belt_opens_a_20nm_strait():
    # Japan's specified-strait practice: 3 nm on the Japanese shore, 12 on the other -> 5 nm corridor
    p = sea_law.passage(20, "JP", "RU", belt_a_nm=3)
    assert not p.closed and p.corridor_nm == pytest.approx(5)


def test_exactly_24nm_is_not_closed_and_bad_input_fails():
    assert not sea_law.belts_close(24)
    assert sea_law.belts_close(23.99)
    with pytest.raises(ValueError):
        sea_law.belts_close(0)
    with pytest.raises(ValueError):
        sea_law.belts_close(10, belt_a_nm=13)


@pytest.fixture(scope="module")
def table():
    summary = okhotsk.strait_summary(data.load("straits"))
    scen = data.load("scenarios")
    land = S.island_land(data.load("islands"))
    return summary, scen, sea_law.regime_table(summary, scen, land)


def test_regime_table_covers_every_measured_strait_and_option(table):
    summary, scen, t = table
    measured = summary["width_km"].notna().sum()
    assert len(t) == measured * len(scen)
    assert set(t["regime"]) <= set(sea_law.SUBMARINES)
    # the width rule holds row by row
    assert (t["closed"] == (t["width_nm"] < 24)).all()


def test_status_quo_holders_match_okhotsk(table):
    summary, scen, t = table
    sq = t[t["option"] == "status_quo"].set_index("strait")
    held = okhotsk.holders(())
    for strait, r in sq.iterrows():
        assert (r["holder_a"], r["holder_b"]) == (held[summary.at[strait, "side_a"]], held[summary.at[strait, "side_b"]])


def test_specified_straits_are_three_miles():
    s = data.load("specified_straits")
    assert set(s["name_ja"]) == {"宗谷海峡", "津軽海峡", "対馬海峡東水道", "対馬海峡西水道", "大隅海峡"}
    assert (s["territorial_sea_nm"] == 3).all() and (s["general_territorial_sea_nm"] == 12).all()


def test_sea_law_covers_the_articles_the_issue_names():
    law = data.load("sea_law")
    text = " ".join(law["article"])
    for art in ["17", "19", "20", "37", "38", "45"]:
        assert f"Art. {art}" in text
    quoted = law[law["excerpt"].fillna("") != ""]
    assert len(quoted) >= 4
    assert (quoted["excerpt_language"].notna()).all()
    # quotes stay brief: at most 60 words
    assert (quoted["excerpt"].str.split().str.len() <= 60).all()
    assert (law.loc[law["excerpt"].fillna("") == "", "note"].str.contains("summar", case=False)).all()


def test_equal_split_needs_the_divided_island():
    summary = okhotsk.strait_summary(data.load("straits"))
    scen = data.load("scenarios")
    if not scen["equal_split"].any():
        pytest.skip("no equal-split option in the data")
    with pytest.raises(ValueError):
        sea_law.option_holders(summary, scen)


def test_wide_table_filters(table):
    summary, scen, t = table
    wide = sea_law.wide_table(t, scen, okhotsk.STRAIT_LABELS)
    assert len(wide) == t["strait"].nunique()
    jp = sea_law.wide_table(t, scen, okhotsk.STRAIT_LABELS, japanese_shore=True)
    assert "Tsugaru" in set(jp["Strait"]) and "Bussol" not in set(jp["Strait"])
    changed = sea_law.wide_table(t, scen, okhotsk.STRAIT_LABELS, only_changed=True)
    assert "Tsugaru" not in set(changed["Strait"])
    assert sea_law.cell_text({"holder_a": "RU", "holder_b": "RU", "regime": sea_law.CORRIDOR, "corridor_nm": 6.04}) \
        == "Russia: corridor 6.0 nm"


def test_articles_table_labels_sources_briefly():
    law = data.load("sea_law")
    t = sea_law.articles_table(law)
    assert len(t) == len(law)
    assert t["Source"].str.len().max() < 400
    assert t["Source"].str.contains("Portuguese parliament gazette, p. 158").any()
    assert t["Text"].str.startswith(("“", "Summary: ")).all()


def test_regimes_and_page_numbers_from_the_loaded_tables(table):
    summary, scen, t = table
    tables = {name: data.load(name) for name in sea_law.TABLES}
    pd.testing.assert_frame_equal(sea_law.regimes(tables), t)
    k = sea_law.page_numbers(tables)
    assert all(name.startswith("sea_") for name in k)
    assert k["sea_n_specified"] == len(tables["specified_straits"])
    three = sea_law.regimes(tables, japan_belt_nm=3)
    assert k["sea_n_opened_by_3nm"] <= three["strait"].nunique()
