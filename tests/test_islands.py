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
    return islands.key_numbers(dict(zip(islands.TABLES, tables)))


def test_key_numbers_hold_every_glue_name_the_prose_uses(k):
    names = prose_glue_names("islands")
    assert len(names) >= 15
    assert names <= set(k), sorted(names - set(k))


def test_the_chapter_glues_its_key_numbers_in_one_call():
    source = (BOOK / "islands.md").read_text(encoding="utf-8")
    assert "text.glue_all(islands.key_numbers(t))" in source
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
