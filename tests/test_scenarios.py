"""Settlement scenarios: conservation of land and sea, 12-nm belts, the equal split, valid polygons."""

from __future__ import annotations

import pytest
from shapely.geometry import box
from shapely.ops import unary_union

from kurils import data, geo
from kurils import scenarios as S

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
