"""The islands page's tables and measurements, on the real data."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from conftest import ROOT, first_cell_lines, prose_glue_names

BOOK = ROOT / "book"

from kurils import data, islands, text


@pytest.fixture(scope="module")
def tables():
    return data.load("islands"), data.load("island_facts")


def test_official_areas_are_mofas_2020_figures(tables):
    _, facts = tables
    area = islands.official(facts, "area_km2")
    assert area[islands.FOUR].to_dict() == {"habomai": 95, "shikotan": 251, "kunashiri": 1490, "etorofu": 3168}
    # the official total is stated separately and differs from the rounded parts by rounding only
    assert abs(area[islands.FOUR].sum() - area["northern_territories"]) <= 2


def test_1945_population_parts_add_up(tables):
    _, facts = tables
    pop = islands.official(facts, "population_1945")
    assert pop[islands.FOUR].sum() == pop["northern_territories"] == 17291
    islets = ["suisho", "akiyuri", "yuri", "shibotsu", "taraku"]
    assert pop[islets].sum() == pop["habomai"]


def test_official_refuses_two_values_from_one_source(tables):
    _, facts = tables
    doubled = pd.concat([facts, facts[facts["island_id"] == "etorofu"]])
    with pytest.raises(ValueError):
        islands.official(doubled, "area_km2")


def test_names_table_has_three_languages_for_each_island(tables):
    table = islands.names_table(*tables)
    assert len(table) == 4
    assert not table[["Island", "Japanese", "Russian"]].isna().any().any()
    assert table["Japanese"].str.contains("島").all()


def test_computed_areas_are_close_to_official_for_the_group(tables):
    cmp = islands.area_comparison(*tables)
    total = cmp.loc["northern_territories"]
    assert total["computed_km2"] == pytest.approx(total["official_main_km2"], rel=0.02)
    for island_id in ["shikotan", "kunashiri", "etorofu"]:
        assert abs(cmp.at[island_id, "difference_pct"]) < 10, island_id


def test_no_polygon_is_counted_for_two_islands(tables):
    polys = [p for p in islands.matched_polygons(tables[0]).values() if p is not None]
    assert len({id(p) for p in polys}) == len(polys)


def test_sources_table_links_every_source(tables):
    src = text.sources_table(*tables)
    urls = set(tables[0]["source_url"]) | set(tables[1]["source_url"])
    assert len(src) == len(urls)
    assert src["Source"].str.startswith('<a href="http').all()


def test_a_source_read_on_two_days_is_listed_once_with_the_later_day():
    # Real rows: the okhotsk chapter's tables share sources that were read again on later days.
    frames = [data.load(name) for name in ("straits", "military_sites", "weapon_systems", "places", "island_facts", "islands")]
    rows = pd.concat([f[["source_title", "source_url", "source_kind", "accessed"]] for f in frames])
    listed = text.sources_table(*frames)
    assert len(listed) == len(rows.drop_duplicates(["source_title", "source_url", "source_kind"]))
    twice = pd.DataFrame({"source_title": ["T", "T"], "source_url": ["https://a.example/"] * 2,
                          "source_kind": ["official"] * 2,
                          "accessed": pd.to_datetime(["2026-11-30", "2026-12-06"])})
    one = text.sources_table(twice)
    assert one["Read on"].to_list() == ["2026-12-06"]


def test_label_positions_are_the_centres_of_the_natural_earth_polygons(tables):
    isl, _ = tables
    rows = isl.set_index("id")
    polys = islands.matched_polygons(isl)
    for island_id in ["etorofu", "kunashiri", "shikotan"]:
        c = polys[island_id].centroid
        assert (round(c.y, 3), round(c.x, 3)) == (rows.at[island_id, "lat"], rows.at[island_id, "lon"]), island_id
    assert not rows.loc[islands.FOUR, "source_url"].str.contains("wiki").any()


# ------------------------------------------------------------------------------------ key numbers



@pytest.fixture(scope="module")
def k(tables):
    return islands.key_numbers({name: data.load(name) for name in islands.TABLES})


def test_key_numbers_hold_every_glue_name_the_prose_uses(k):
    names = prose_glue_names("islands")
    assert len(names) >= 15
    assert names <= set(k), sorted(names - set(k))


def test_the_chapter_glues_its_key_numbers_in_one_call():
    source = (BOOK / "islands.md").read_text(encoding="utf-8")
    assert re.search(r"text\.glue_all\(islands\.key_numbers\(t\)( \| course\.key_numbers\(\"islands\"\))?\)", source)
    assert "glue_value" not in source and "glue_phrase" not in source
    assert first_cell_lines("islands") <= 10


def test_key_numbers_on_the_real_data(k):
    assert k["pop45_total"] == sum(k[f"pop45_{i}"] for i in islands.FOUR) == 17291
    assert sum(k[f"share_{i}"] for i in islands.FOUR) == pytest.approx(100 * k["area_sum"] / k["area_total"])
    assert k["share_two"] == pytest.approx(k["share_habomai"] + k["share_shikotan"])
    assert k["area_etorofu"] > k["area_kunashiri"] > k["area_shikotan"] > k["area_habomai"]
    assert all(0 <= k[f"diff_{i}"] < 30 for i in islands.FOUR)
    assert isinstance(k["recent_as_of"], str) and isinstance(k["missing_islets"], str)
    assert k["enc_etorofu"] != k["area_etorofu"]  # the encyclopaedia's figure is not MOFA's


# --------------------------------------------------------------------------------------- exercises

@pytest.fixture(scope="module")
def region_facts():
    return data.load("region_facts")


def test_areas_by_basis(tables):
    isl, facts = tables
    official = islands.areas_by_basis(isl, facts, basis="official")
    assert official["etorofu"] == 3168 and official["northern_territories"] == 5003
    computed = islands.areas_by_basis(isl, facts, basis="computed")
    assert computed["northern_territories"] == pytest.approx(computed[islands.FOUR].sum())
    assert list(computed.index) == islands.FOUR + ["northern_territories"]
    with pytest.raises(ValueError, match="official_main"):
        islands.areas_by_basis(isl, facts, basis="encyclopaedia")


def test_equal_split_on_both_bases(tables):
    from kurils import legal

    isl, facts = tables
    official = islands.equal_split(isl, facts, basis="official").iloc[0]
    arithmetic = legal.equal_split(islands.official(facts, "area_km2"))
    assert official["half_km2"] == 5003 / 2
    assert official["etorofu_part_pct"] == pytest.approx(arithmetic["part_share_pct"])
    assert official["kept_whole_km2"] == 95 + 251 + 1490
    assert official["half_km2"] == pytest.approx(official["kept_whole_km2"] + official["etorofu_part_km2"])
    computed = islands.equal_split(isl, facts).iloc[0]  # the default is the scenarios chapter's basis
    assert islands.equal_split(isl, facts).index[0] == "computed"
    # the map polygons make Kunashiri larger and Etorofu smaller than the survey: a smaller cut
    assert 10 < computed["etorofu_part_pct"] < official["etorofu_part_pct"] < 30


def test_chain_share_depends_on_the_total(tables, region_facts):
    _, facts = tables
    totals = islands.chain_totals(region_facts)
    assert len(totals) >= 2 and totals["chain_km2"].is_monotonic_increasing
    shares = {rid: islands.chain_share(facts, region_facts, total=rid) for rid in totals.index}
    for rid, table in shares.items():
        assert table.at["northern_territories", "share_of_chain_pct"] == pytest.approx(
            100 * 5003 / totals.at[rid, "chain_km2"])
    low, high = (shares[rid].at["northern_territories", "share_of_chain_pct"] for rid in totals.index[::-1])
    assert 25 < low < high < 60
    with pytest.raises(KeyError, match="kuril_land_area"):
        islands.chain_share(facts, region_facts, total="no_such_row")


def test_key_numbers_for_the_exercises(k):
    assert k["split_official_half"] == 5003 / 2
    assert k["split_computed_part_pct"] < k["split_official_part_pct"]
    assert k["chain_share_low"] < k["chain_share_high"] and k["n_chain_totals"] >= 2
