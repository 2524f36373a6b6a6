"""Settlement scenarios, computed: land, territorial sea and an illustrative sea split per option.

Every measurement is geodesic or made in a local azimuthal equidistant projection centred on the
islands (distances from the centre are true; over the ~400 km study area area errors stay well below
0.1 %). The maritime boundary is an **illustration**: a plain equidistance line between the two
sides' coastlines (Voronoi partition of densified coastline points), not a legal delimitation, which
would weigh special circumstances, islets and negotiations.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd
from pyproj import Transformer
import shapely
from shapely import voronoi_polygons
from shapely.geometry import LineString, MultiPoint, Polygon, box
from shapely.geometry.base import BaseGeometry
from shapely.ops import unary_union

from kurils import geo, islands

NM_KM = 1.852
TERRITORIAL_SEA_KM = 12 * NM_KM      # 12 nautical miles (UNCLOS Art. 3)
EEZ_KM = 200 * NM_KM                 # 200 nautical miles (UNCLOS Art. 57)
#: Study area for sea splits: the waters between Hokkaido and the four islands and around them.
STUDY_BOX = (143.0, 41.0, 151.0, 46.8)   # lon_min, lat_min, lon_max, lat_max
CENTRE = (146.8, 44.0)
ISLAND_IDS = ["habomai", "shikotan", "kunashiri", "etorofu"]


@lru_cache(maxsize=1)
def _transformers():
    aeqd = f"+proj=aeqd +lat_0={CENTRE[1]} +lon_0={CENTRE[0]} +datum=WGS84 +units=km"
    to_local = Transformer.from_crs("EPSG:4326", aeqd, always_xy=True)
    to_lonlat = Transformer.from_crs(aeqd, "EPSG:4326", always_xy=True)
    return to_local, to_lonlat


def to_local(geom: BaseGeometry) -> BaseGeometry:
    """Lon/lat (degrees) to the local azimuthal equidistant plane (km)."""
    return shapely.transform(geom, _transformers()[0].transform, interleaved=False)


def to_lonlat(geom: BaseGeometry) -> BaseGeometry:
    """Local plane (km) back to lon/lat (degrees); polygons are repaired after the round trip."""
    out = shapely.transform(geom, _transformers()[1].transform, interleaved=False)
    if out.geom_type in ("Polygon", "MultiPolygon") and not out.is_valid:
        # reprojection can leave a vertex a hair across an edge; repair without keeping slivers
        out = shapely.make_valid(out, method="structure", keep_collapsed=False)
    return out


def island_land(islands_table: pd.DataFrame) -> dict[str, BaseGeometry]:
    """Natural Earth land of each disputed island (Habomai: the union of its islets), lon/lat."""
    polys = islands.matched_polygons(islands_table)
    parents = islands_table.set_index("id")["parent"]
    land = {}
    for island_id in ISLAND_IDS:
        parts = [p for i, p in polys.items() if p is not None and (i == island_id or parents.get(i) == island_id)]
        land[island_id] = unary_union(parts)
    return land


def other_land(islands_table: pd.DataFrame) -> dict[str, BaseGeometry]:
    """Land in the study box that is not disputed: Japan's (Hokkaido) and Russia's (Urup and beyond)."""
    disputed = unary_union(list(island_land(islands_table).values()))
    study = box(*STUDY_BOX)
    japan, russia = [], []
    for poly in geo.land_polygons():
        if not poly.intersects(study) or poly.equals(disputed) or disputed.contains(poly.representative_point()):
            continue
        piece = poly.intersection(study.buffer(1.0))  # coasts just outside the box still shape the split
        (japan if poly.representative_point().y < 44.5 and poly.representative_point().x < 146 else russia).append(piece)
    return {"japan": unary_union(japan), "russia": unary_union(russia)}


def split_line(poly: BaseGeometry, share_to_sw: float) -> tuple[BaseGeometry, BaseGeometry, LineString]:
    """Cut a (lon/lat) polygon across its long axis so the south-west part holds ``share_to_sw`` of its area.

    The axis is the polygon's principal direction in the local plane; the cut is perpendicular to it
    and found by bisection on geodesic area. Returns (south-west part, north-east part, cut line).
    """
    if not 0 < share_to_sw < 1:
        raise ValueError("share_to_sw must be between 0 and 1")
    local = to_local(poly)
    coords = np.asarray(local.convex_hull.exterior.coords)
    centred = coords - coords.mean(axis=0)
    _, _, vt = np.linalg.svd(centred, full_matrices=False)
    axis = vt[0] if vt[0][0] > 0 else -vt[0]          # pointing east-north-east
    normal = np.array([-axis[1], axis[0]])
    proj = centred @ axis
    lo, hi = proj.min(), proj.max()
    origin = coords.mean(axis=0)
    total = geo.geodesic_area_km2(poly)
    big = 2 * (hi - lo) + 100

    def parts(t: float):
        p0 = origin + axis * t
        half = Polygon([p0 - normal * big, p0 - normal * big - axis * big,
                        p0 + normal * big - axis * big, p0 + normal * big])
        sw = to_lonlat(local.intersection(half))
        ne = to_lonlat(local.difference(half))
        return sw, ne, p0

    for _ in range(60):
        mid = (lo + hi) / 2
        sw, _, _ = parts(mid)
        if geo.geodesic_area_km2(sw) / total < share_to_sw:
            lo = mid
        else:
            hi = mid
    sw, ne, p0 = parts((lo + hi) / 2)
    cut = to_lonlat(LineString([p0 - normal * 40, p0 + normal * 40]))
    return sw, ne, cut


@dataclass
class Outcome:
    """What one scenario gives each side (geometries in lon/lat, areas in km²)."""

    scenario_id: str
    japan_land: BaseGeometry
    russia_land: BaseGeometry
    japan_territorial_sea: BaseGeometry
    russia_territorial_sea: BaseGeometry
    japan_sea: BaseGeometry
    russia_sea: BaseGeometry
    cut: LineString | None = None


def sides_for(scenario_islands: list[str], land: dict[str, BaseGeometry], *, equal_split: bool = False):
    """Disputed land to Japan and to Russia for a list of island ids (equal split: cut Etorofu/Iturup).

    ``equal_split`` gives Japan every listed island plus the part of Etorofu/Iturup that makes the two
    sides' disputed land equal (the 50/50 method of Russia's 2004 and 2010 settlements).
    """
    to_japan = [land[i] for i in scenario_islands if i in land]
    to_russia = [land[i] for i in ISLAND_IDS if i not in scenario_islands]
    cut = None
    if equal_split:
        total = sum(geo.geodesic_area_km2(g) for g in land.values())
        have = sum(geo.geodesic_area_km2(g) for g in to_japan)
        etorofu = land["etorofu"]
        share = (total / 2 - have) / geo.geodesic_area_km2(etorofu)
        sw, ne, cut = split_line(etorofu, share)
        to_japan.append(sw)
        to_russia = [g for g in to_russia if not g.equals(etorofu)] + [ne]
    return unary_union(to_japan) if to_japan else Polygon(), unary_union(to_russia) if to_russia else Polygon(), cut


def territorial_seas(japan_land: BaseGeometry, russia_land: BaseGeometry) -> tuple[BaseGeometry, BaseGeometry]:
    """12-nm belts around each side's land, split along the equidistance line where they overlap."""
    j_local, r_local = to_local(japan_land), to_local(russia_land)
    j_belt = j_local.buffer(TERRITORIAL_SEA_KM, quad_segs=16).difference(j_local)
    r_belt = r_local.buffer(TERRITORIAL_SEA_KM, quad_segs=16).difference(r_local)
    j_cell, r_cell = _equidistance_cells(j_local, r_local, j_belt.union(r_belt).envelope.buffer(50))
    study = to_local(box(*STUDY_BOX))  # land outside the box was clipped: its belts would be artefacts
    j_ts = j_belt.intersection(j_cell).difference(r_local).intersection(study)
    r_ts = r_belt.intersection(r_cell).difference(j_local).intersection(study)
    return to_lonlat(j_ts), to_lonlat(r_ts)


def _densify(geom: BaseGeometry, step_km: float = 2.0) -> list[tuple[float, float]]:
    points = []
    polys = getattr(geom, "geoms", [geom])
    for poly in polys:
        if poly.is_empty:
            continue
        ring = poly.exterior
        n = max(int(ring.length / step_km), 8)
        points += [ring.interpolate(d).coords[0] for d in np.linspace(0, ring.length, n, endpoint=False)]
    return points


def _equidistance_cells(j_local: BaseGeometry, r_local: BaseGeometry, extent: BaseGeometry):
    """Areas nearer to Japan's and to Russia's coast (Voronoi cells of densified coastline points)."""
    j_pts, r_pts = _densify(j_local), _densify(r_local)
    cells = voronoi_polygons(MultiPoint(j_pts + r_pts), extend_to=extent.buffer(EEZ_KM), ordered=True).geoms
    # ordered=True: cell k belongs to input point k, so the first len(j_pts) cells are Japan's
    j_cells, r_cells = cells[: len(j_pts)], cells[len(j_pts):]
    return unary_union(j_cells).intersection(extent), unary_union(r_cells).intersection(extent)


def sea_split(japan_land: BaseGeometry, russia_land: BaseGeometry) -> tuple[BaseGeometry, BaseGeometry]:
    """Illustrative equidistance split of the study box's sea between the two sides (lon/lat)."""
    study = to_local(box(*STUDY_BOX))
    j_local, r_local = to_local(japan_land), to_local(russia_land)
    j_cell, r_cell = _equidistance_cells(j_local, r_local, study)
    sea = study.difference(j_local).difference(r_local)
    return to_lonlat(sea.intersection(j_cell)), to_lonlat(sea.intersection(r_cell))
