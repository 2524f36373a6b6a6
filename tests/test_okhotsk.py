"""The Sea of Okhotsk chapter: its tables, the depth and control rules, reach areas, distances, map extents."""

from __future__ import annotations

import re

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from conftest import ROOT, first_cell_lines, prose_glue_names

BOOK = ROOT / "book"
from shapely.geometry import Polygon, box

from kurils import data, geo, islands, maps, okhotsk as ok, text
from kurils.data import DataValidationError

DATA = Path(__file__).resolve().parents[1] / "data"
TABLES = ["straits", "military_sites", "weapon_systems", "places", "region_facts"]
#: Box covered by the committed Natural Earth extract (data/geo/README.md).
GEODATA = (125.0, 170.0, 35.0, 62.0)


@pytest.fixture(scope="module")
def t():
    tables = {name: data.load(name) for name in TABLES}
    tables["islands"] = data.load("islands")
    tables["summary"] = ok.strait_summary(tables["straits"])
    return tables


# -------------------------------------------------------------------------------------------- tables

@pytest.mark.parametrize("name", TABLES)
def test_table_validates_with_sources_on_every_row(name):
    frame = data.load(name)
    assert len(frame) > 0
    assert frame["source_url"].str.match(r"https?://").all()
    assert frame["source_title"].notna().all() and frame["accessed"].notna().all()


def test_every_strait_has_exactly_one_primary_row(t):
    primary = t["straits"].groupby("strait")["primary"].sum()
    assert (primary == 1).all(), primary[primary != 1]
    assert set(t["straits"].loc[t["straits"]["primary"], "id"]) == set(primary.index)


def test_lower_bounds_are_never_entered_as_maxima(t):
    both = t["straits"]["max_depth_m"].notna() & t["straits"]["max_depth_over_m"].notna()
    assert not both.any(), t["straits"].loc[both, "id"].tolist()


def test_coordinates_come_in_pairs_and_say_what_they_locate(t):
    for name in ["straits", "military_sites", "places"]:
        frame = t[name]
        assert (frame["lat"].isna() == frame["lon"].isna()).all(), name
    sites = t["military_sites"]
    assert (sites["position_basis"].isna() == sites["lat"].isna()).all()


def test_region_facts_hold_a_value_or_a_dated_or_text_fact(t):
    facts = t["region_facts"]
    words = facts["unit"].isin(["date", "text"])
    assert facts.loc[~words, "value"].notna().all()
    assert facts.loc[words, "value"].isna().all() and facts.loc[words, "value_text"].notna().all()
    assert facts.loc[facts["unit"] == "date", "as_of"].notna().all()
    dated = facts["as_of"].notna()
    assert facts.loc[dated, "as_of_precision"].notna().all()


def test_drawn_ranges_have_a_figure_and_secondary_flags_are_kept(t):
    weapons = t["weapon_systems"]
    assert weapons.loc[weapons["shown"], "range_km"].notna().all()
    secondary = t["straits"]["note"].str.contains("secondary: encyclopaedia", regex=False).sum()
    assert secondary >= len(t["straits"]) // 2


def test_foreign_keys_hold(t):
    systems = set(t["weapon_systems"]["system"])
    used = set(t["military_sites"]["system"].dropna())
    assert used <= systems, used - systems
    assert set(t["places"]["island"]) <= set(t["islands"]["id"])
    on_disputed = t["military_sites"]["island"].isin(["etorofu", "kunashiri", "shikotan", "habomai"])
    assert set(t["military_sites"].loc[on_disputed, "island"]) <= set(t["islands"]["id"])
    sides = set(t["straits"]["side_a"]) | set(t["straits"]["side_b"])
    assert sides <= set(ok.STATUS_QUO), sides - set(ok.STATUS_QUO)
    assert set(t["straits"]["via"].dropna()) <= set(t["straits"]["strait"])


def test_a_site_naming_an_unknown_system_fails_validation(tmp_path):
    dest = tmp_path / "data"
    shutil.copytree(DATA, dest, ignore=shutil.ignore_patterns("geo"))
    path = dest / "military_sites.csv"
    text = path.read_text(encoding="utf-8")
    assert ",bastion_p," in text
    path.write_text(text.replace(",bastion_p,", ",bastion_x,", 1), encoding="utf-8")
    with pytest.raises(DataValidationError) as info:
        data.load("military_sites", dest)
    assert "foreign-key" in str(info.value) and "military_sites.csv" in str(info.value)


# --------------------------------------------------------------------------------------- map extents

def _inside(frame: pd.DataFrame, extent) -> pd.Series:
    lon0, lon1, lat0, lat1 = extent
    return frame["lon"].between(lon0, lon1) & frame["lat"].between(lat0, lat1)


@pytest.mark.parametrize("extent", [ok.OVERVIEW, ok.GATES, ok.COVERAGE, ok.REACH, ok.SCENARIO_EXTENT, maps.SOUTH_KURILS])
def test_every_map_extent_lies_within_the_committed_geodata(extent):
    lon0, lon1, lat0, lat1 = extent
    assert GEODATA[0] <= lon0 < lon1 <= GEODATA[1] and GEODATA[2] <= lat0 < lat1 <= GEODATA[3]


def test_everything_drawn_falls_inside_its_map(t):
    sites, summary, places = t["military_sites"], t["summary"], t["places"]
    located_straits = summary[summary["lat"].notna()]
    japan = sites[sites["country"].isin(["JP", "US"]) & sites["lat"].notna()]
    island_sites = sites[sites["island"].isin(ok.DISPUTED) & sites["lat"].notna()]
    bases = sites[sites["id"].isin(["pacific_fleet_hq_vladivostok", "rybachiy_ssbn_base"])]
    checks = {
        "overview": (bases, ok.OVERVIEW),
        "gates": (located_straits, ok.GATES),
        "closeup sites": (island_sites, maps.SOUTH_KURILS),
        "closeup places": (places.dropna(subset=["lat"]), maps.SOUTH_KURILS),
        "coverage straits": (located_straits, ok.COVERAGE),
        "coverage sites": (japan, ok.COVERAGE),
        "reach": (pd.concat([japan, sites[sites["id"] == "iturup_yasny_airfield"]]), ok.REACH),
        "scenario straits": (located_straits.loc[list(ok.PANEL_LABELS)], ok.SCENARIO_EXTENT),
    }
    for name, (frame, extent) in checks.items():
        assert len(frame), name
        inside = _inside(frame, extent)
        assert inside.all(), (name, frame.index[~inside].tolist())
    assert len(bases) == 2 and bases["lat"].notna().all()
    for strait in ["nemuro", "izmeny_notsuke", "catherine", "vries"]:
        assert _inside(summary.loc[[strait]], maps.SOUTH_KURILS).all(), strait


def test_every_labelled_strait_and_site_has_a_label(t):
    located = t["summary"].index[t["summary"]["lat"].notna()]
    assert set(located) <= set(ok.STRAIT_LABEL_OFFSETS)
    japan = t["military_sites"]
    assert set(japan.loc[japan["country"].isin(["JP", "US"]) & japan["lat"].notna(), "id"]) <= set(ok.SITE_LABELS)


# ------------------------------------------------------------------------------------------ distance

def test_distance_matrix_matches_a_known_meridian_arc():
    # One degree of latitude centred on 45 N is 111.132 km on WGS 84.
    frame = pd.DataFrame({"id": ["a", "b"], "lon": [147.0, 147.0], "lat": [44.5, 45.5]})
    d = ok.distance_matrix(frame.iloc[[0]], frame.iloc[[1]])
    assert d.at["a", "b"] == pytest.approx(111.132, rel=0.005)


def test_distance_to_land_is_zero_inside_and_geodesic_outside():
    square = box(0.0, -0.5, 1.0, 0.5)
    assert ok.distance_to_land_km(0.5, 0.0, square) == 0.0
    # 1 degree of longitude east of the square along the equator: 111.319 km
    assert ok.distance_to_land_km(2.0, 0.0, square) == pytest.approx(111.319, rel=0.005)


def test_burevestnik_to_hokkaido_agrees_with_the_stated_distance(t):
    site = t["military_sites"].set_index("id")
    hokkaido = ok.land_polygon(site.at["chitose_ab", "lon"], site.at["chitose_ab", "lat"])
    b = site.loc["burevestnik_airbase"]
    stated = t["region_facts"].set_index("id").at["burevestnik_hokkaido_distance", "value"]
    assert ok.distance_to_land_km(b["lon"], b["lat"], hokkaido) == pytest.approx(stated, rel=0.05)


# ------------------------------------------------------------------------------------------ coverage

def test_reach_area_includes_a_point_just_inside_and_excludes_one_just_outside():
    tiny = box(147.0, 45.0, 147.01, 45.01)  # about 1 km across
    area = ok.reach_area(tiny, 300)
    lons, lats, _ = geo.GEOD.fwd([147.005] * 2, [45.005] * 2, [60, 60], [295e3, 305e3])
    assert ok.inside(area, lons, lats).tolist() == [True, False]


def test_reach_from_every_point_is_smaller_than_from_some_point():
    island = box(147.0, 45.0, 149.0, 45.05)  # a thin island about 157 km long
    some, every = ok.reach_area(island, 300, mode="any"), ok.reach_area(island, 300, mode="all")
    # 250 km west of the western end: within 300 km of that end, but about 410 km from the eastern one
    lon, lat, _ = geo.GEOD.fwd(147.0, 45.025, 270, 250e3)
    assert ok.inside(some, [lon], [lat])[0] and not ok.inside(every, [lon], [lat])[0]
    assert every.within(some.buffer(1e-9))


def test_reach_area_rejects_bad_input():
    with pytest.raises(ValueError):
        ok.reach_area(box(0, 0, 1, 1), 0)
    with pytest.raises(ValueError):
        ok.reach_area(box(0, 0, 1, 1), 10, mode="most")


def test_inside_treats_missing_coordinates_as_outside():
    assert ok.inside(box(0, 0, 1, 1), [0.5, float("nan")], [0.5, 0.5]).tolist() == [True, False]


def test_deployments_find_their_islands(t):
    deployments = ok.deployment_polygons(t["military_sites"], t["islands"])
    assert set(deployments) == {"iturup_bastion", "kunashir_bal", "matua_bastion", "paramushir_bastion"}
    matched = islands.matched_polygons(t["islands"])
    assert deployments["iturup_bastion"] is matched["etorofu"]
    assert deployments["kunashir_bal"] is matched["kunashiri"]
    # Paramushir (about 2,000 km²), not its small neighbour Shumshu
    assert geo.geodesic_area_km2(deployments["paramushir_bastion"]) > 1000


def test_drawn_ranges_come_from_the_shown_rows(t):
    ranges = ok.drawn_ranges(t["weapon_systems"])
    w = t["weapon_systems"]
    bastion = w[(w["system"] == "bastion_p") & w["shown"]]["range_km"]
    assert ranges["bastion_p"] == sorted(set(bastion))
    assert len(ranges["bastion_p"]) == 2 and len(ranges["bal"]) == 2


# -------------------------------------------------------------------------------------- depth classes

@pytest.mark.parametrize("args, expected", [
    (([2000.0], [], 7.2), ("shallow", "sill", False)),
    (([500.0, 1110.0], [1110.0], None), ("intermediate", "maximum", True)),
    (([2225.0, 2340.0], [], None), ("deep", "maximum", False)),
    (([], [500.0], None), ("intermediate", "lower bound", False)),
    (([], [], None), ("unknown", "none", False)),
    (([199.0], [], None), ("shallow", "maximum", False)),
    (([200.0], [], None), ("intermediate", "maximum", False)),
    # "deeper than 1,000 m" is a strict bound: deep, and it agrees with a deep maximum
    (([], [1000.0], None), ("deep", "lower bound", False)),
    (([1468.0, 2225.0], [1000.0], None), ("deep", "maximum", False)),
    (([1000.0], [], None), ("intermediate", "maximum", False)),
])
def test_depth_rule(args, expected):
    assert ok.depth_class_of(*args) == expected


def test_the_deepest_rule_reads_the_largest_figure_and_rejects_unknown_rules():
    # sources at 500 and 1,110 m: cautious -> intermediate, generous -> deep; both flag the disagreement
    assert ok.depth_class_of([500, 1110], [], None) == ("intermediate", "maximum", True)
    assert ok.depth_class_of([500, 1110], [], None, depth_rule="deepest") == ("deep", "maximum", True)
    # a lower bound beyond every maximum counts under the generous rule
    assert ok.depth_class_of([800], [1200], None, depth_rule="deepest")[0] == "deep"
    # a sill still decides, whatever the rule
    assert ok.depth_class_of([2000], [], 30, depth_rule="deepest") == ("shallow", "sill", False)
    with pytest.raises(ValueError, match="depth_rule"):
        ok.depth_class_of([500], [], None, depth_rule="median")


def test_deep_exits_under_both_rules(t):
    cautious = ok.deep_exits(t["straits"])
    generous = ok.deep_exits(t["straits"], depth_rule="deepest")
    assert list(cautious.index) == list(generous.index) == list(t["summary"].index[ok.pacific_exits(t["summary"])])
    # the default reproduces the chapter's summary
    assert cautious["Deep"].tolist() == (t["summary"].loc[cautious.index, "exit_depth_class"] == "deep").tolist()
    # the generous rule can only add deep exits, and it adds the Fourth Kuril Strait (500 or 1,110 m)
    assert set(cautious.index[cautious["Deep"]]) < set(generous.index[generous["Deep"]])
    assert set(generous.index[generous["Deep"]]) - set(cautious.index[cautious["Deep"]]) == {"fourth_kuril"}
    # the Nemuro route stays shallow: its Izmeny channel limits it under any rule
    assert not generous.at["nemuro", "Deep"] and "→" in generous.at["nemuro", "Exit (route)"]


@pytest.fixture(scope="module")
def analysis(t):
    return ok.analyse({name: t[name] for name in ok.TABLES})


def test_reach_table_at_a_drawn_range_matches_the_coverage_table(t, analysis):
    drawn = analysis.ranges["bastion_p"][-1]
    mine = ok.reach_table(analysis, t["military_sites"], drawn)
    row = analysis.coverage.loc[("iturup_bastion", drawn)]
    labels = analysis.coverage.attrs.get("labels") or {**ok.STRAIT_LABELS, **{k: v[0] for k, v in ok.SITE_LABELS.items()}}
    column = mine[f"{drawn:,.0f} km"]
    every = {labels[p] for p in row["straits_always"] + row["japan_always"]}
    some = {labels[p] for p in row["straits_possibly"] + row["japan_possibly"]}
    assert set(column.index[column == "every point"]) == every
    assert set(column.index[column == "some point"]) == some
    assert column.iloc[-1] == f"{row['hokkaido_any_pct']:,.0f} / {row['hokkaido_all_pct']:,.0f}"


def test_a_longer_range_reaches_at_least_as_much(t, analysis):
    table = ok.reach_table(analysis, t["military_sites"], [600, 300, 450])
    assert list(table.columns) == ["300 km", "450 km", "600 km"]
    places = table.iloc[:-1]
    rank = {"–": 0, "some point": 1, "every point": 2}
    for _, cells in places.iterrows():
        assert [rank[c] for c in cells] == sorted(rank[c] for c in cells), cells.name
    assert (places != "–").any(axis=1).all(), "only places in reach at some range are listed"
    shares = [[float(x) for x in v.split(" / ")] for v in table.iloc[-1]]
    assert shares == sorted(shares) and all(every <= some for some, every in shares)
    bal = ok.reach_table(analysis, t["military_sites"], 120, deployment="kunashir_bal")
    assert bal.index.name.endswith(ok.DEPLOYMENT_LABELS["kunashir_bal"])
    with pytest.raises(KeyError):
        ok.reach_table(analysis, t["military_sites"], 300, deployment="nowhere")


def test_depth_classes_on_the_real_data(t):
    s = t["summary"]
    assert s.at["nevelskoy", "depth_basis"] == "sill" and s.at["nevelskoy", "depth_class"] == "shallow"
    assert s.at["fourth_kuril", "depth_disputed"]
    assert s.at["nemuro", "depth_class"] == "deep" and s.at["nemuro", "exit_depth_class"] == "shallow"
    assert s.loc[s["depth_class"] == "unknown", "max_depths_m"].map(len).eq(0).all()


def test_strait_summary_needs_one_primary_row(t):
    broken = t["straits"].copy()
    broken.loc[broken["id"] == "vries_alt1", "primary"] = True
    with pytest.raises(ValueError, match="vries"):
        ok.strait_summary(broken)


# --------------------------------------------------------------------------------------- control rule

def test_control_rule_on_a_toy_case():
    assert ok.control("RU", "RU") == "russian"
    assert ok.control("JP", "JP") == "japanese"
    assert ok.control("RU", "JP") == ok.control("JP", "RU") == "divided"
    with pytest.raises(ValueError):
        ok.control("RU", "CN")
    toy = pd.DataFrame({"side_a": ["a", "b", "c"], "side_b": ["b", "c", "x"]}, index=["ab", "bc", "cx"])
    base = {"a": "RU", "b": "RU", "c": "RU", "x": "JP"}
    table = ok.control_by_scenario(toy, {"now": (), "b_to_japan": ("b",)}, base=base)
    assert table["now"].tolist() == ["russian", "russian", "divided"]
    assert table["b_to_japan"].tolist() == ["divided", "divided", "divided"]


def test_holders_reject_unknown_land():
    with pytest.raises(KeyError):
        ok.holders(["atlantis"])


def test_scenarios_on_the_real_data(t):
    s = t["summary"]
    exits = ok.pacific_exits(s)
    assert exits["nemuro"] and not exits["izmeny_notsuke"] and not exits["la_perouse"]
    control = ok.control_by_scenario(s)
    counts = ok.scenario_counts(s, control)
    now = counts["status_quo"]
    assert now["russian_deep"] == now["deep"] > 0
    assert counts["habomai_shikotan"] == now  # they border only the South Kuril Strait, on the divided Nemuro route
    assert ok.strait_changes(control, "habomai_shikotan") == ["south_kuril"]
    assert counts["etorofu"]["russian_deep"] == now["russian_deep"] - 1  # Vries
    assert control.at["catherine", "kunashiri"] == "divided" and control.at["catherine", "all_four"] == "japanese"
    assert (control.loc[["bussol", "kruzenshtern", "first_kuril"]] == "russian").all().all()


def test_generic_map_helpers_draw_and_the_geodesic_line_ends_at_its_points():
    import matplotlib.pyplot as plt

    from kurils import style

    fig, ax = maps.base_map(maps.SOUTH_KURILS, figsize=(3, 3), gridlines=False)
    maps.fan_boundary(ax, maps.SOUTH_KURILS)
    maps.areas(ax, [box(146.0, 44.0, 147.0, 45.0)], edgecolor="#0072B2", facecolor="#0072B2", alpha=0.1)
    (line,) = maps.geodesic_line(ax, 145.0, 43.5, 148.0, 45.5, color="k")
    xs, ys = line.get_data()
    assert (xs[0], ys[0], xs[-1], ys[-1]) == (145.0, 43.5, 148.0, 45.5)
    assert style.render(fig, "png", dpi=50)
    plt.close(fig)


# ------------------------------------------------------------------------------- issue 13: re-sourced straits

def test_the_south_kuril_strait_has_a_row_and_closes_the_nemuro_route(t):
    st = t["straits"].set_index("id")
    row = st.loc["south_kuril"]
    assert row["primary"] and {row["side_a"], row["side_b"]} == {"kunashiri", "shikotan"}
    assert row["name_ru"] == "Южно-Курильский пролив" and row["connects"] == "okhotsk_pacific"
    s = t["summary"]
    assert ok.route(s, "nemuro") == ["nemuro", "izmeny_notsuke", "south_kuril"]
    exits = ok.pacific_exits(s)
    assert not exits["south_kuril"] and exits["nemuro"]  # part of the Nemuro exit, not an exit of its own
    # no sourced depth for it, but the shallow Izmeny channel still limits the route
    assert s.at["south_kuril", "depth_class"] == "unknown" and s.at["nemuro", "exit_depth_class"] == "shallow"


def test_exit_counts_per_scenario_are_recomputed_from_the_south_kuril_row(t):
    s = t["summary"]
    control = ok.control_by_scenario(s)
    routes = ok.route_control(s, control)
    # with Kunashiri alone Japanese, Russia keeps Shikotan's shore of the South Kuril Strait
    assert control.at["nemuro", "kunashiri"] == "japanese" and control.at["south_kuril", "kunashiri"] == "divided"
    assert routes.at["nemuro", "kunashiri"] == "divided" and routes.at["nemuro", "all_four"] == "japanese"
    assert control.at["south_kuril", "status_quo"] == "russian"
    assert control.at["south_kuril", "habomai_shikotan"] == "divided"
    # the same data without the row: the Nemuro route ends at the Izmeny channel and Kunashiri alone makes it Japanese
    without = t["straits"][t["straits"]["strait"] != "south_kuril"].copy()
    without.loc[without["strait"] == "izmeny_notsuke", "via"] = pd.NA
    s2 = ok.strait_summary(without)
    routes2 = ok.route_control(s2, ok.control_by_scenario(s2))
    assert routes2.at["nemuro", "kunashiri"] == "japanese"
    assert ok.strait_changes(ok.control_by_scenario(s2), "habomai_shikotan") == []
    # a status change of one strait on a route changes the route's count
    flipped = control.copy()
    flipped.loc[["nemuro", "izmeny_notsuke", "south_kuril"], "status_quo"] = "russian"
    assert ok.scenario_counts(s, flipped)["status_quo"]["russian"] == ok.scenario_counts(s, control)["status_quo"]["russian"] + 1


def test_route_rejects_a_loop():
    toy = pd.DataFrame({"via": ["b", "a"]}, index=["a", "b"])
    with pytest.raises(ValueError, match="loops"):
        ok.route(toy, "a")


def test_combine_control():
    assert ok.combine_control(["russian", "russian"]) == "russian"
    assert ok.combine_control(["japanese"]) == "japanese"
    assert ok.combine_control(["russian", "japanese"]) == ok.combine_control(["divided", "russian"]) == "divided"


def test_hydrographic_and_official_figures_are_primary(t):
    st = t["straits"]
    prim = st[st["primary"]].set_index("strait")
    jcg = "kaiho.mlit.go.jp"
    for strait in ["la_perouse", "tsugaru", "nemuro", "izmeny_notsuke"]:
        assert jcg in prim.at[strait, "source_url"] and prim.at[strait, "source_kind"] == "official", strait
    # Japan Coast Guard: Tsugaru basins 200-400 m (not 200 m); Nemuro narrowest about 17 km (not 24 km)
    assert prim.at["tsugaru", "max_depth_m"] == 400 and prim.at["nemuro", "min_width_km"] == 17
    # Great Russian Encyclopedia for Bussol, Kruzenshtern and Second Kuril
    gre = "bigenc.ru"
    for strait in ["bussol", "kruzenshtern", "second_kuril"]:
        assert gre in prim.at[strait, "source_url"], strait
    assert prim.at["bussol", "max_depth_m"] == 1468 and prim.at["kruzenshtern", "min_width_km"] == 55
    assert prim.at["second_kuril", "min_width_km"] == 1.8
    # the figures they replace are kept as disagreeing rows
    alt = st[~st["primary"]]
    assert ((alt["strait"] == "tsugaru") & (alt["max_depth_m"] == 200)).any()
    assert ((alt["strait"] == "nemuro") & (alt["min_width_km"] == 24)).any()
    assert ((alt["strait"] == "bussol") & (alt["max_depth_m"] == 2225)).any()
    assert ((alt["strait"] == "kruzenshtern") & (alt["min_width_km"] == 74)).any()
    s = t["summary"]
    assert s.at["la_perouse", "depth_basis"] == "sill" and s.at["la_perouse", "sill_depth_m"] == 27


# ------------------------------------------------------------------------------------ key numbers



@pytest.fixture(scope="module")
def k(t):
    return ok.key_numbers({name: t[name] for name in ok.TABLES})


def test_key_numbers_hold_every_glue_name_the_prose_uses(k):
    names = prose_glue_names("okhotsk")
    assert len(names) > 100
    assert names <= set(k), sorted(names - set(k))


def test_the_chapter_glues_its_key_numbers_in_one_call():
    source = (BOOK / "okhotsk.md").read_text(encoding="utf-8")
    assert 'text.glue_all(ok.key_numbers(t, a) | course.key_numbers("okhotsk"))' in source
    assert "glue_value" not in source and "glue_phrase" not in source
    assert first_cell_lines("okhotsk") <= 10


def test_key_numbers_types_suit_the_prose(k):
    source = (BOOK / "okhotsk.md").read_text(encoding="utf-8")
    for name in set(re.findall(r"\{glue:text\}`([a-z0-9_]+):", source)):   # formatted: must be numbers
        assert isinstance(k[name], (int, float, np.integer, np.floating)) and not isinstance(k[name], bool), name
    for name in set(re.findall(r"\{glue:md\}`([a-z0-9_]+)`", source)) & set(k):  # phrases: must be strings
        assert isinstance(k[name], str), name


def test_key_numbers_on_the_real_data(t, k):
    assert k["n_straits"] == t["straits"]["strait"].nunique() < k["n_strait_rows"] == len(t["straits"])
    assert k["n_located"] < k["n_straits"]
    assert k["delta_nmi"] == pytest.approx(k["delta_km"] / 1.852)
    assert k["bastion_low"] < k["bastion_high"] and k["bal_low"] < k["bal_high"]
    for tag in ["iturup_bastion_300", "iturup_bastion_500", "kunashir_bal_120", "kunashir_bal_260"]:
        assert 0 <= k[f"hok_all_{tag}"] <= k[f"hok_any_{tag}"] <= 100
        assert k[f"n_straits_all_{tag}"] <= k[f"n_straits_any_{tag}"]
    # a longer range reaches at least as much
    assert k["hok_any_iturup_bastion_500"] > k["hok_any_iturup_bastion_300"]
    assert k["nearest_km"] < k["wakkanai_yasny"] <= k["max_yasny"]
    assert k["nearest_island"] in {"Kunashiri/Kunashir", "Etorofu/Iturup"}
    # every scenario counts the same exits; giving up land never adds Russian-held exits
    assert {k[f"sc_{s}_total"] for s in ok.SCENARIOS} == {k["sc_status_quo_total"]}
    assert k["sc_all_four_russian"] <= k["sc_kunashiri_russian"] <= k["sc_status_quo_russian"]
    assert k["fourth_depth_low"] < k["fourth_depth_high"]
    assert k["div18_strength_date"] == text.fmt_date(
        t["region_facts"].set_index("id").at["div18_strength", "as_of"],
        t["region_facts"].set_index("id").at["div18_strength", "as_of_precision"])


def test_key_numbers_reuse_a_given_analysis(t, k):
    tables = {name: t[name] for name in ok.TABLES}
    assert ok.key_numbers(tables, ok.analyse(tables)) == k


def test_the_one_kuril_sill_depth_is_kept_beside_the_encyclopaedia_it_contradicts(t):
    st = t["straits"].set_index("id")
    pices = st.loc["bussol_kawasaki_pices"]
    assert pices["strait"] == "bussol" and not pices["primary"] and pices["sill_depth_m"] == 2200
    assert pices["source_kind"] == "think_tank" and "pices.int" in pices["source_url"]
    # a sill deeper than the primary source's greatest depth: both are kept, the primary row stays primary
    assert pices["sill_depth_m"] > st.at["bussol", "max_depth_m"] and st.at["bussol", "primary"]
    s = t["summary"]
    assert s.at["bussol", "depth_basis"] == "sill" and s.at["bussol", "depth_class"] == "deep"
    kuril = s[s["connects"] == "okhotsk_pacific"]
    assert kuril["sill_depth_m"].notna().sum() == 1
    table = ok.strait_table(s).set_index(s.index)
    assert "controlling depth 2,200 m" in table.at["bussol", "Depth class"]
    assert "controlling depth 7.2 m" in table.at["nevelskoy", "Depth class"]
