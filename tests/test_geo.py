"""Geodesic helpers against known values, and the committed geodata against the book's positions."""

from __future__ import annotations

import math

import pytest
from shapely.geometry import box

from kurils import data, geo, maps


def test_meridian_degree_at_equator_matches_wgs84():
    # One degree of latitude at the equator on WGS 84 is 110.574 km (meridian arc).
    assert geo.distance_km(0, 0, 0, 1) == pytest.approx(110.574, rel=0.005)


def test_equator_degree_matches_wgs84():
    # One degree of longitude along the equator: 2*pi*6378.137/360 = 111.319 km.
    assert geo.distance_km(0, 0, 1, 0) == pytest.approx(2 * math.pi * 6378.137 / 360, rel=0.005)


def test_distance_tokyo_to_moscow_is_about_7500_km():
    # Great-circle distance Tokyo (35.68 N, 139.69 E) to Moscow (55.76 N, 37.62 E): ~7,490 km.
    assert geo.distance_km(139.69, 35.68, 37.62, 55.76) == pytest.approx(7490, rel=0.005)


def test_area_of_one_degree_cell_at_equator():
    # Spherical (authalic radius 6371.007 km) area of a 1x1 degree cell at the equator: 12,364 km².
    r = 6371.007
    expected = r * r * math.radians(1) * math.sin(math.radians(1))
    assert geo.geodesic_area_km2(box(0, 0, 1, 1)) == pytest.approx(expected, rel=0.005)


@pytest.mark.parametrize("radius", [50, 300, 1500])
def test_range_ring_points_are_at_the_radius(radius):
    ring = geo.range_ring(147.6, 45.0, radius, n=73)
    for lon, lat in list(ring.exterior.coords)[:-1]:
        assert geo.distance_km(147.6, 45.0, lon, lat) == pytest.approx(radius, rel=1e-6)


def test_range_ring_rejects_nonpositive_radius():
    with pytest.raises(ValueError):
        geo.range_ring(147.6, 45.0, 0)


def test_layers_exist_and_are_small():
    for name, filename in geo.LAYERS.items():
        assert geo.layer(name), name
    total = sum((geo.data_dir() / "geo" / f).stat().st_size for f in geo.LAYERS.values())
    assert total < 10e6


def test_the_four_islands_are_in_natural_earth_and_the_smallest_islet_is_not():
    isl = data.load("islands").set_index("id")
    for island_id in ["etorofu", "kunashiri", "shikotan", "shibotsu"]:
        assert geo.polygon_at(isl.at[island_id, "lon"], isl.at[island_id, "lat"]) is not None, island_id
    assert geo.polygon_at(isl.at["akiyuri", "lon"], isl.at["akiyuri", "lat"], max_km=1.0) is None


def test_every_island_falls_inside_both_map_extents():
    isl = data.load("islands").dropna(subset=["lat", "lon"])
    for extent in (maps.REGION, maps.SOUTH_KURILS):
        lon0, lon1, lat0, lat1 = extent
        inside = isl["lon"].between(lon0, lon1) & isl["lat"].between(lat0, lat1)
        assert inside.all(), isl.loc[~inside, "id"].tolist()


def test_disputed_line_is_flagged_in_the_extract():
    assert any(maps.is_disputed(p) for p, _ in geo.layer("boundaries"))
