"""Geodesic measurements on the WGS 84 ellipsoid, and the committed Natural Earth extract.

All lengths are in kilometres and areas in square kilometres. Geometry is in longitude/latitude
degrees (WGS 84), as in Natural Earth and in the book's CSVs. Measurements use pyproj's ``Geod``
(Karney's algorithms), so they are exact on the ellipsoid, whatever map projection draws them.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import numpy as np
from pyproj import Geod
from shapely.geometry import MultiPolygon, Point, Polygon, shape
from shapely.geometry.base import BaseGeometry
from shapely.ops import nearest_points

from kurils.paths import data_dir  # noqa: F401 (re-exported for callers)

GEOD = Geod(ellps="WGS84")

#: Layers of the committed extract (see data/geo/README.md).
LAYERS = {
    "land": "ne_10m_land_region.geojson",
    "coastline": "ne_10m_coastline_region.geojson",
    "boundaries": "ne_10m_admin0_boundary_lines_region.geojson",
    "countries": "ne_10m_admin0_countries_region.geojson",
    "world_land": "ne_110m_land_world.geojson",
    "seas_land": "ne_50m_land_seas.geojson",
    "seas_coastline": "ne_50m_coastline_seas.geojson",
}


def distance_km(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Geodesic distance between two points, in km."""
    _, _, metres = GEOD.inv(lon1, lat1, lon2, lat2)
    return float(metres) / 1000.0


def geodesic_area_km2(geom: BaseGeometry) -> float:
    """Area of a (multi)polygon on the ellipsoid, in km² (orientation-independent)."""
    area, _ = GEOD.geometry_area_perimeter(geom)
    return abs(float(area)) / 1e6


def range_ring(lon: float, lat: float, radius_km: float, n: int = 361) -> Polygon:
    """Polygon of all points within ``radius_km`` (geodesic) of a point, traced by ``n`` azimuths."""
    if radius_km <= 0:
        raise ValueError("radius_km must be positive")
    azimuths = np.linspace(0.0, 360.0, n)
    lons, lats, _ = GEOD.fwd(np.full(n, lon), np.full(n, lat), azimuths, np.full(n, radius_km * 1000.0))
    return Polygon(zip(lons, lats))


@lru_cache(maxsize=None)
def _read_layer(path: Path) -> tuple[tuple[dict, BaseGeometry], ...]:
    collection = json.loads(path.read_text(encoding="utf-8"))
    return tuple((f["properties"], shape(f["geometry"])) for f in collection["features"])


def layer(name: str, root: Path | None = None) -> list[tuple[dict, BaseGeometry]]:
    """Features of one committed layer as (properties, shapely geometry) pairs."""
    if name not in LAYERS:
        raise KeyError(f"unknown layer {name!r}; known: {', '.join(LAYERS)}")
    path = (root or data_dir()) / "geo" / LAYERS[name]
    if not path.is_file():
        raise FileNotFoundError(f"{path} is missing: run scripts/make_geo_extract.py (see data/geo/README.md)")
    return list(_read_layer(path))


def land_polygons(root: Path | None = None) -> tuple[Polygon, ...]:
    """Every land polygon of the regional 10m extract, as single polygons (the same objects each call)."""
    return _land_polygons((root or data_dir()) / "geo" / LAYERS["land"])


@lru_cache(maxsize=None)
def _land_polygons(path: Path) -> tuple[Polygon, ...]:
    polys: list[Polygon] = []
    for _, geom in _read_layer(path):
        polys.extend(geom.geoms if isinstance(geom, MultiPolygon) else [geom])
    return tuple(polys)


def nearest_polygon(lon: float, lat: float, *, max_km: float = 5.0,
                    root: Path | None = None) -> tuple[Polygon | None, float]:
    """The land polygon containing a point (distance 0), or the nearest within ``max_km`` and its distance.

    Label positions from gazetteers can fall just offshore on a simplified coastline, hence the
    tolerance; a point farther than ``max_km`` from any land returns (None, inf).
    """
    point = Point(lon, lat)
    best, best_km = None, float("inf")
    for poly in land_polygons(root):
        if poly.contains(point):
            return poly, 0.0
        if poly.distance(point) < 0.5:  # cheap filter in degrees before the geodesic distance
            near = nearest_points(poly, point)[0]
            km = distance_km(lon, lat, near.x, near.y)
            if km < best_km:
                best, best_km = poly, km
    return (best, best_km) if best_km <= max_km else (None, float("inf"))


def polygon_at(lon: float, lat: float, *, max_km: float = 5.0, root: Path | None = None) -> Polygon | None:
    """The land polygon containing a point, or the nearest one within ``max_km``; None otherwise."""
    return nearest_polygon(lon, lat, max_km=max_km, root=root)[0]
