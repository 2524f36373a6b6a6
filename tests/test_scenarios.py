"""Settlement scenarios: conservation of land and sea, 12-nm belts, the equal split, valid polygons,
and the options of data/scenarios.csv as the chapter measures them."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import jupytext
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import Point, box
from shapely.ops import unary_union

from kurils import data, geo, islands, okhotsk as ok
from kurils import scenarios as S
from kurils.data import DataValidationError

CASES = {
    "status_quo": ([], False),
    "two_islands": (["habomai", "shikotan"], False),
    "equal_split": (["habomai", "shikotan", "kunashiri"], True),
    "all_four": (list(S.ISLAND_IDS), False),
}


@pytest.fixture(scope="module")
def geometry():
    isl = data.load("islands")
    return S.island_land(isl), S.other_land(isl)


@pytest.fixture(scope="module")
def outcomes(geometry):
    land, other = geometry
    out = {}
    for name, (ids, equal) in CASES.items():
        j, r, cut = S.sides_for(ids, land, equal_split=equal)
        jall, rall = unary_union([j, other["japan"]]), unary_union([r, other["russia"]])
        out[name] = (j, r, cut, S.territorial_seas(jall, rall), S.sea_split(jall, rall), jall, rall)
    return out


def test_land_of_both_sides_adds_up_to_the_total(geometry, outcomes):
    total = sum(geo.geodesic_area_km2(g) for g in geometry[0].values())
    for name, (j, r, *_rest) in outcomes.items():
        assert geo.geodesic_area_km2(j) + geo.geodesic_area_km2(r) == pytest.approx(total, rel=1e-3), name


def test_equal_split_gives_equal_land_within_one_percent(outcomes):
    j, r, cut, *_ = outcomes["equal_split"]
    assert geo.geodesic_area_km2(j) == pytest.approx(geo.geodesic_area_km2(r), rel=0.01)
    assert cut is not None and cut.length > 0


def test_sea_of_both_sides_adds_up_to_the_study_area(outcomes):
    study = S.to_local(box(*S.STUDY_BOX))
    for name, (*_, (js, rs), jall, rall) in outcomes.items():
        sea = S.to_lonlat(study.difference(S.to_local(jall)).difference(S.to_local(rall)))
        assert geo.geodesic_area_km2(js) + geo.geodesic_area_km2(rs) == pytest.approx(geo.geodesic_area_km2(sea), rel=1e-3), name
        assert js.intersection(rs).area == pytest.approx(0, abs=1e-9)


def test_territorial_seas_lie_within_12_nm_of_own_land(outcomes):
    for name, (*_, (jts, rts), _sea, jall, rall) in outcomes.items():
        for belt, land in ((jts, jall), (rts, rall)):
            reach = S.to_local(land).buffer(S.TERRITORIAL_SEA_KM + 0.05)
            assert S.to_local(belt).difference(reach).area < 0.01, name  # km²


def test_no_polygon_is_invalid(outcomes):
    for name, (j, r, _cut, (jts, rts), (js, rs), *_rest) in outcomes.items():
        for geom in (j, r, jts, rts, js, rs):
            assert geom.is_valid, name


def test_giving_japan_more_islands_never_shrinks_its_sea(outcomes):
    order = ["status_quo", "two_islands", "equal_split", "all_four"]
    seas = [geo.geodesic_area_km2(outcomes[n][4][0]) for n in order]
    assert seas == sorted(seas)


def test_split_line_rejects_impossible_shares(geometry):
    with pytest.raises(ValueError):
        S.split_line(geometry[0]["etorofu"], 1.2)


# --------------------------------------------------------------------------------------------------
# The options of data/scenarios.csv and the chapter's measurements
# --------------------------------------------------------------------------------------------------

ROOT = Path(__file__).resolve().parents[1]
CHAPTER = ROOT / "book" / "scenarios.md"


@pytest.fixture(scope="module")
def t():
    tables = {n: data.load(n) for n in ["scenarios", "islands", "island_facts", "straits", "military_sites",
                                          "legal_instruments", "precedents", "legal_effects"]}
    tables["summary"] = ok.strait_summary(tables["straits"])
    return tables


@pytest.fixture(scope="module")
def measured(t, geometry):
    land, other = geometry
    outs = S.compute_outcomes(t["scenarios"], land, other)
    area = islands.official(t["island_facts"], "area_km2")
    return {"outcomes": outs, "land": land, "area": area, "lands": S.land_table(outs),
            "official": S.official_land(t["scenarios"], area, outs, land), "seas": S.sea_table(outs),
            "status": S.strait_status_table(t["summary"], t["scenarios"], outs)}


def test_scenarios_table_matches_the_legal_options_and_the_islands(t):
    sc = t["scenarios"].set_index("id")
    assert set(t["legal_effects"]["option"]) <= set(sc.index)
    for sid, value in sc["islands_to_japan"].items():
        assert set(S.split_ids(value)) <= set(S.ISLAND_IDS), sid
        assert set(S.split_ids(value)) <= set(t["islands"]["id"]), sid
    assert S.split_ids(sc.at["status_quo", "islands_to_japan"]) == []
    assert sorted(S.split_ids(sc.at["all_four", "islands_to_japan"])) == sorted(S.ISLAND_IDS)
    # two plus alpha moves exactly the land of the two-islands option: no sovereignty change beyond it
    assert S.split_ids(sc.at["two_plus_alpha", "islands_to_japan"]) == S.split_ids(sc.at["two_islands", "islands_to_japan"])
    assert not sc.at["two_plus_alpha", "equal_split"]
    assert sc["equal_split"].sum() == 1 and sc.at["equal_split", "equal_split"]
    assert "etorofu" not in S.split_ids(sc.at["equal_split", "islands_to_japan"])


def test_every_basis_ref_resolves(t):
    assert S.unresolved_refs(t["scenarios"], t["legal_instruments"], t["precedents"]) == {}
    assert t["scenarios"]["basis_ref"].notna().all()
    broken = t["scenarios"].assign(basis_ref=["no_such_treaty;jp_ussr_joint_declaration_1956_art9"] * len(t["scenarios"]))
    assert set(S.unresolved_refs(broken, t["legal_instruments"], t["precedents"])) == set(broken["id"])


def test_scenario_sources_match_the_rows_they_cite(t):
    """The source of an option is the page recorded for the position or instrument it rests on."""
    urls = set()
    for name in ["legal_instruments", "precedents"]:
        urls |= set(t[name]["source_url"])
    urls |= set(data.load("legal_positions")["source_url"])
    sc = t["scenarios"].set_index("id")
    for sid in ["status_quo", "two_islands", "equal_split", "all_four"]:
        assert sc.at[sid, "source_url"] in urls, sid


def test_an_unknown_island_id_fails_validation(tmp_path):
    dest = tmp_path / "data"
    shutil.copytree(ROOT / "data", dest, ignore=shutil.ignore_patterns("geo"))
    path = dest / "scenarios.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("habomai;shikotan,false", "habomai;urup,false", 1),
                    encoding="utf-8")
    with pytest.raises(DataValidationError) as info:
        data.load("scenarios", dest)
    assert "data/scenarios.csv" in str(info.value) and 'column "islands_to_japan"' in str(info.value)


def test_split_ids():
    assert S.split_ids("habomai; shikotan") == ["habomai", "shikotan"]
    assert S.split_ids(pd.NA) == [] and S.split_ids(None) == [] and S.split_ids("") == []


def test_outcomes_need_the_baseline(t, geometry):
    with pytest.raises(ValueError):
        S.compute_outcomes(t["scenarios"][t["scenarios"]["id"] != "status_quo"], *geometry)
    with pytest.raises(KeyError):
        S.sides_for(["urup"], geometry[0])
    with pytest.raises(ValueError):
        S.sides_for(list(S.ISLAND_IDS), geometry[0], equal_split=True)


def test_land_of_both_sides_adds_up_in_every_option(measured):
    total = sum(geo.geodesic_area_km2(g) for g in measured["land"].values())
    sums = measured["lands"]["japan_km2"] + measured["lands"]["russia_km2"]
    assert ((sums - total).abs() / total < 1e-3).all(), sums


def test_official_version_adds_up_to_the_official_total(measured):
    area, off = measured["area"], measured["official"]
    four = area[S.ISLAND_IDS].sum()
    sums = off["japan_official_km2"] + off["russia_official_km2"]
    assert (sums - four).abs().max() < 1e-9
    # the four rounded island figures and the rounded total differ by rounding only
    assert abs(four - area["northern_territories"]) <= 0.5 * len(S.ISLAND_IDS)
    assert off.at["all_four", "japan_official_km2"] == four and off.at["status_quo", "japan_official_km2"] == 0
    assert off.at["two_islands", "japan_official_km2"] == area["habomai"] + area["shikotan"]


def test_equal_split_is_equal_within_one_percent_and_proportional_in_the_official_version(measured):
    row = measured["lands"].loc["equal_split"]
    assert row["japan_km2"] == pytest.approx(row["russia_km2"], rel=0.01)
    parts = measured["outcomes"]["equal_split"].etorofu_parts
    share = geo.geodesic_area_km2(parts[0]) / geo.geodesic_area_km2(measured["land"]["etorofu"])
    assert measured["official"].at["equal_split", "etorofu_share_pct"] == pytest.approx(100 * share)
    assert 0 < share < 0.5
    assert geo.geodesic_area_km2(parts[0]) + geo.geodesic_area_km2(parts[1]) == pytest.approx(
        geo.geodesic_area_km2(measured["land"]["etorofu"]), rel=1e-3)


def test_no_outcome_polygon_is_invalid(measured):
    for sid, o in measured["outcomes"].items():
        geoms = [o.japan_land, o.russia_land, o.japan_territorial_sea, o.russia_territorial_sea, o.japan_sea, o.russia_sea]
        geoms += list(o.etorofu_parts or [])
        for geom in geoms:
            assert geom.is_valid, sid


def test_sea_changes_balance_and_two_plus_alpha_equals_two_islands(measured):
    seas = measured["seas"]
    study = seas["japan_sea_km2"] + seas["russia_sea_km2"]
    assert ((study - study.iloc[0]).abs() / study.iloc[0] < 1e-3).all()
    assert (seas.loc["status_quo", ["japan_ts_change_km2", "japan_sea_change_km2"]] == 0).all()
    assert (seas[["japan_ts_change_km2", "japan_sea_change_km2"]] >= 0).all().all()
    pd.testing.assert_series_equal(seas.loc["two_plus_alpha"], seas.loc["two_islands"], check_names=False)
    order = ["status_quo", "two_islands", "equal_split", "all_four"]
    assert list(seas.loc[order, "japan_ts_km2"]) == sorted(seas.loc[order, "japan_ts_km2"])


def test_equidistance_line_is_equidistant(measured, geometry):
    _, other = geometry
    o = measured["outcomes"]["two_islands"]
    line = S.to_local(S.equidistance_line(o.japan_sea, o.russia_sea))
    assert line.length > 100  # km
    j = S.to_local(unary_union([o.japan_land, other["japan"]]))
    r = S.to_local(unary_union([o.russia_land, other["russia"]]))
    for d in np.linspace(0, line.length, 25):
        pt = line.interpolate(d)
        assert abs(pt.distance(j) - pt.distance(r)) < 2.0  # km: coastline sampled every 2 km


def test_straits_follow_the_okhotsk_rule_and_the_cut(t, measured):
    status = measured["status"]
    control = ok.control_by_scenario(t["summary"])
    for sid in ["status_quo", "all_four"]:
        pd.testing.assert_series_equal(status[sid], control[sid], check_names=False)
    pd.testing.assert_series_equal(status["two_islands"], control["habomai_shikotan"], check_names=False)
    assert status.at["catherine", "equal_split"] == "japanese"  # Kunashiri and the south-west of Etorofu
    assert status.at["vries", "equal_split"] == "russian"       # the north-east of Etorofu and Urup
    changes = S.strait_changes(t["summary"], status)
    assert changes.at["status_quo", "new_japanese_shore"] == []
    assert changes.at["all_four", "new_japanese_shore"] == ["south_kuril", "catherine", "vries"]
    # Habomai and Shikotan border the South Kuril Strait (issue 13): the two-island handover divides it,
    # but the Nemuro route it ends already has a Japanese shore, so the exit counts stay as today's
    assert changes.at["two_islands", "new_japanese_shore"] == ["south_kuril"]
    assert [c[0] for c in changes.at["two_islands", "changed"]] == ["south_kuril"]
    assert changes.at["two_islands", "russian"] == changes.at["status_quo", "russian"]
    unplaced = t["summary"].copy()
    unplaced.loc["vries", ["lat", "lon"]] = np.nan
    with pytest.raises(ValueError):
        S.strait_status(unplaced, ["kunashiri"], measured["outcomes"]["equal_split"].etorofu_parts)


def test_military_sites_change_hands_with_their_land(t, measured):
    sites = t["military_sites"]
    on_islands = sites[sites["island"].isin(S.ISLAND_IDS)]
    assert (S.site_changes(sites, [])["status"] == "stays_russian").all()
    assert (S.site_changes(sites, list(S.ISLAND_IDS))["status"] == "to_japan").all()
    split = S.site_changes(sites, ["habomai", "shikotan", "kunashiri"], measured["outcomes"]["equal_split"].etorofu_parts)
    unlocated = set(on_islands.loc[on_islands["island"].eq("etorofu") & on_islands["lat"].isna(), "id"])
    assert set(split.loc[split["status"] == "cannot_place", "site"]) == unlocated
    sw, ne = measured["outcomes"]["equal_split"].etorofu_parts
    for r in split[(split["island"] == "etorofu") & split["located"]].itertuples():
        row = sites.set_index("id").loc[r.site]
        inside = (ne if r.status == "stays_russian" else sw).buffer(0.02).contains(Point(row["lon"], row["lat"]))
        assert inside, r.site
    assert len(split) == len(on_islands)


def test_people_of_the_transferred_land(t):
    people = S.people_table(t["scenarios"], t["island_facts"])
    assert people.at["all_four", "pop1945_low"] == people.attrs["pop1945_total"]
    assert (people["pop1945_low"] <= people["pop1945_high"]).all()
    assert (people["residents_low"] <= people["residents_high"]).all()
    assert people.at["equal_split", "pop1945_low"] < people.at["equal_split", "pop1945_high"]
    assert people.at["status_quo", "pop1945_high"] == 0


def test_page_tables_have_one_row_per_option(t, measured):
    sc = t["scenarios"]
    outs = measured["outcomes"]
    changes = S.strait_changes(t["summary"], measured["status"])
    table = S.comparison_table(sc, measured["lands"], measured["official"], measured["seas"], changes,
                               S.site_summary(t["military_sites"], sc, outs), S.people_table(sc, t["island_facts"]))
    assert list(table["Option"]) == list(sc["name"])
    assert len(S.options_table(sc, t["islands"], measured["official"])) == len(sc)
    assert set(S.site_table(t["military_sites"], sc, outs, t["islands"]).columns) >= set(sc["name"])
    words = S.land_words({"islands_to_japan": "habomai", "equal_split": True}, t["islands"], 18.2)
    assert words.startswith("Habomai") and "18 % of Etorofu/Iturup" in words
    assert S.land_words({"islands_to_japan": pd.NA, "equal_split": False}, t["islands"]) == "none"


@pytest.mark.parametrize("fmt", ["svg", "png"])
def test_figures_render_within_the_page_width(t, measured, fmt):
    import matplotlib.pyplot as plt

    from kurils import style

    sc = t["scenarios"]
    figs = [S.gains_chart(sc, measured["lands"], measured["official"], measured["seas"])]
    if fmt == "png":
        figs.append(S.scenario_maps(sc, measured["outcomes"], measured["land"], same_as={"two_plus_alpha": "b"},
                                    islands_table=t["islands"]))
    for fig in figs:
        style.add_source(fig, "test")
        assert fig.get_size_inches()[0] <= style.MAX_WIDTH_IN
        assert style.render(fig, fmt, dpi=72)
        plt.close(fig)


@pytest.fixture(scope="module")
def chapter():
    tables = {name: data.load(name) for name in S.TABLES}
    m = S.measure(tables)
    return tables, m, S.key_numbers(tables, m)


def test_every_glue_name_the_chapter_uses_is_glued(chapter):
    from kurils import front

    tables, _, k = chapter
    text = CHAPTER.read_text(encoding="utf-8")
    from kurils import course

    assert 'text.glue_all(S.key_numbers(t, m) | course.key_numbers("scenarios"))' in text
    cited = set(S.citation_rows(tables)) | set(re.findall(r'glue_citations\(\s*"([a-z0-9_]+)"', text))
    unresolved = front.glue_names(text) - cited - set(k) - set(course.key_numbers("scenarios"))
    assert not unresolved, sorted(unresolved)
    assert jupytext.reads(text, fmt="md:myst").cells


def test_key_numbers_values(chapter):
    tables, m, k = chapter
    assert k["n_options"] == len(tables["scenarios"])
    assert k["land_status_quo"] == 0 and k["landpct_status_quo"] == 0
    assert k["landpct_all_four"] == pytest.approx(100)
    assert k["official_all_four"] == pytest.approx(k["official_sum"])  # the islands' rounded areas need not add up to the total
    assert k["land_total"] == pytest.approx(k["land_all_four"])
    assert 0 < k["etorofu_share"] < 100
    assert k["ts_both_today"] > k["ts_japan_today"] > 0
    assert (k["study_lon0"], k["study_lat0"], k["study_lon1"], k["study_lat1"]) == S.STUDY_BOX
    assert k["n_sites_all_four"] >= k["n_sites_to_japan_equal_split"]
    assert k["former_alive_date"][-4:].isdigit() and k["aso_date"].endswith("2006")
    assert k["current_to"].startswith("Sources read up to ")


def test_citations_and_sources_name_real_rows(chapter):
    tables, _, _ = chapter
    rows = S.citation_rows(tables)
    assert all(len(frame) for frame in rows.values()), {n: len(f) for n, f in rows.items()}
    assert set(rows["cite_fishing"]["id"]) == set(S.FISHING_EVENTS)
    assert len(rows["cite_former"]) == 2
    assert set(S.shown_precedents(tables)["id"]) <= set(tables["precedents"]["id"])
    assert len(S.sources_used(tables)) == 8


def test_check_references_fails_on_an_unknown_basis(chapter):
    tables, _, _ = chapter
    bad = dict(tables)
    bad["scenarios"] = tables["scenarios"].assign(basis_ref="no_such_instrument")
    with pytest.raises(ValueError, match="no_such_instrument"):
        S.check_references(bad)


# ------------------------------------------------------------------------------------------ exercises


def test_split_profile_defaults_to_the_equal_split(chapter):
    tables, m, k = chapter
    p = S.split_profile(tables, m).iloc[:, 0]
    assert p["Etorofu/Iturup cut off for Japan, % of the island"] == pytest.approx(k["etorofu_share"], abs=0.05)
    assert p["Disputed land to Japan, km² (Natural Earth)"] == pytest.approx(m.lands.at["equal_split", "japan_km2"], abs=1)
    assert p["Land to Japan, km² (surveyed areas)"] == pytest.approx(m.official.at["equal_split", "japan_official_km2"], abs=1)
    deep = m.changes.at["equal_split", "russian_deep"]
    assert p["Deep exits with Russian land on both shores"].startswith(f"{deep} of ")


def test_split_profile_on_the_official_areas_matches_the_legal_arithmetic(chapter):
    tables, m, k = chapter
    assert 100 * S.etorofu_share_needed(m, 0.5, "official") == pytest.approx(k["legal_part_share"])
    p = S.split_profile(tables, m, area_source="official").iloc[:, 0]
    assert p["Etorofu/Iturup cut off for Japan, % of the island"] == pytest.approx(k["legal_part_share"], abs=0.05)
    assert k["split_official_fraction"] == pytest.approx(k["legal_part_share"])
    with pytest.raises(ValueError, match="area_source"):
        S.split_profile(tables, m, area_source="wikipedia")


def test_split_profile_refuses_shares_a_cut_of_etorofu_cannot_give(chapter):
    tables, m, k = chapter
    with pytest.raises(ValueError, match="between"):
        S.split_profile(tables, m, japan_share=k["split_min_share"] / 100 - 0.01)
    with pytest.raises(ValueError):
        S.split_profile(tables, m, japan_share=1.0)


def test_a_larger_share_moves_land_and_sites_one_way(chapter):
    tables, m, k = chapter
    grid = S.split_profiles(tables, m)
    assert grid["Land to Japan, km² (Natural Earth)"].is_monotonic_increasing
    assert grid["Etorofu sites to Japan"].is_monotonic_increasing
    assert grid["Etorofu sites staying Russian"].is_monotonic_decreasing
    assert grid.index.tolist() == [round(100 * s, 1) for s in S.SPLIT_GRID]
    assert k["split_n_located_etorofu"] + k["split_n_unlocated_etorofu"] == int((tables["military_sites"]["island"] == "etorofu").sum())
    assert k["split_deep_russian_min"] <= k["split_deep_total"]
    assert k["split_official_effect"] in {"the same", "differently"}
