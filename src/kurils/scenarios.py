"""Settlement scenarios, computed: land, territorial sea and an illustrative sea split per option.

Every measurement is geodesic or made in a local azimuthal equidistant projection centred on the
islands (distances from the centre are true; over the ~400 km study area area errors stay well below
0.1 %). The maritime boundary is an **illustration**: a plain equidistance line between the two
sides' coastlines (Voronoi partition of densified coastline points), not a legal delimitation, which
would weigh special circumstances, islets and negotiations.

The chapter "Settlement scenarios, computed" reads the options from ``data/scenarios.csv`` and uses
the second half of this module: :func:`compute_outcomes` (one :class:`Outcome` per option),
:func:`land_table` and :func:`official_land` (land to each side, measured and from Japan's surveyed
areas), :func:`sea_table` (12-nm belts and the illustrative sea split, with the change from the
status quo), :func:`strait_status` and :func:`strait_changes` (straits and the okhotsk chapter's
control rule), :func:`site_changes` (military sites that would change hands), :func:`people_table`
(1945 residents and today's residents of the land that would pass), and the figures.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache

import numpy as np
import pandas as pd
from markupsafe import Markup
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
    #: Equal split only: (part of Etorofu/Iturup to Japan, part staying Russian), lon/lat.
    etorofu_parts: tuple[BaseGeometry, BaseGeometry] | None = None


def sides_for(scenario_islands: list[str], land: dict[str, BaseGeometry], *, equal_split: bool = False):
    """Disputed land to Japan and to Russia for a list of island ids (equal split: cut Etorofu/Iturup).

    ``equal_split`` gives Japan every listed island plus the part of Etorofu/Iturup that makes the two
    sides' disputed land equal (the 50/50 method of Russia's 2004 and 2010 settlements).
    """
    japan, russia, cut, _parts = _divide(scenario_islands, land, equal_split)
    return japan, russia, cut


def _divide(scenario_islands, land, equal_split: bool):
    """:func:`sides_for`, also returning the two parts of Etorofu/Iturup when it is cut (else None)."""
    unknown = [i for i in scenario_islands if i not in land]
    if unknown:
        raise KeyError(f"unknown island id(s): {', '.join(unknown)}")
    to_japan = [land[i] for i in scenario_islands]
    to_russia = [land[i] for i in ISLAND_IDS if i not in scenario_islands]
    cut = parts = None
    if equal_split:
        if "etorofu" in scenario_islands:
            raise ValueError("an equal split cuts Etorofu/Iturup: it cannot also pass whole")
        total = sum(geo.geodesic_area_km2(g) for g in land.values())
        have = sum(geo.geodesic_area_km2(g) for g in to_japan)
        etorofu = land["etorofu"]
        share = (total / 2 - have) / geo.geodesic_area_km2(etorofu)
        sw, ne, cut = split_line(etorofu, share)
        to_japan.append(sw)
        to_russia = [g for g in to_russia if not g.equals(etorofu)] + [ne]
        parts = (sw, ne)
    japan = unary_union(to_japan) if to_japan else Polygon()
    russia = unary_union(to_russia) if to_russia else Polygon()
    return japan, russia, cut, parts


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



# --------------------------------------------------------------------------------------------------
# The options of data/scenarios.csv, measured
# --------------------------------------------------------------------------------------------------

#: The option every change is measured against.
BASELINE = "status_quo"


def split_ids(value) -> list[str]:
    """Ids of a semicolon-separated cell ('habomai;shikotan' -> ['habomai', 'shikotan']; empty/NA -> [])."""
    if value is None or (not isinstance(value, str) and pd.isna(value)) or not str(value).strip():
        return []
    return [v.strip() for v in str(value).split(";") if v.strip()]


def unresolved_refs(scenarios: pd.DataFrame, *tables: pd.DataFrame) -> dict[str, list[str]]:
    """basis_ref ids that match no ``id`` of the given tables (legal_instruments, precedents), by scenario."""
    known = set().union(*(set(t["id"]) for t in tables))
    out = {}
    for sid, value in zip(scenarios["id"], scenarios["basis_ref"]):
        missing = [r for r in split_ids(value) if r not in known]
        if missing:
            out[sid] = missing
    return out


def area_km2(geom: BaseGeometry | None) -> float:
    """Geodesic area in km², 0 for an empty or missing geometry."""
    if geom is None or geom.is_empty:
        return 0.0
    return geo.geodesic_area_km2(geom)


def outcome(scenario_id: str, to_japan: list[str], land: dict[str, BaseGeometry], other: dict[str, BaseGeometry],
            *, equal_split: bool = False) -> Outcome:
    """Everything one option gives each side: disputed land, 12-nm belts, the illustrative sea split.

    ``land`` is :func:`island_land`, ``other`` is :func:`other_land` (Hokkaido for Japan; Urup and the
    rest of the Russian land in the study box). Land in the result is the *disputed* land only; the
    belts and the sea split are drawn from all of each side's land in the study box.
    """
    japan, russia, cut, parts = _divide(list(to_japan), land, equal_split)
    japan_all, russia_all = unary_union([japan, other["japan"]]), unary_union([russia, other["russia"]])
    j_ts, r_ts = territorial_seas(japan_all, russia_all)
    j_sea, r_sea = sea_split(japan_all, russia_all)
    return Outcome(scenario_id, japan, russia, j_ts, r_ts, j_sea, r_sea, cut, parts)


def compute_outcomes(scenarios: pd.DataFrame, land: dict[str, BaseGeometry],
                     other: dict[str, BaseGeometry]) -> dict[str, Outcome]:
    """One :class:`Outcome` per row of the scenarios table, in table order.

    Options that move the same land (two plus alpha changes no border beyond the two islands) are
    computed once and share their geometry. The table must hold the ``status_quo`` baseline.
    """
    if BASELINE not in set(scenarios["id"]):
        raise ValueError(f"the scenarios table needs a {BASELINE!r} row: every change is measured against it")
    done: dict[tuple, Outcome] = {}
    out = {}
    for row in scenarios.itertuples():
        ids, equal = split_ids(row.islands_to_japan), bool(row.equal_split)
        key = (tuple(sorted(ids)), equal)
        if key not in done:
            done[key] = outcome(row.id, ids, land, other, equal_split=equal)
        out[row.id] = replace(done[key], scenario_id=row.id)
    return out


def land_table(outcomes: dict[str, Outcome]) -> pd.DataFrame:
    """Disputed land to each side, geodesic km² from the Natural Earth polygons, and Japan's share (%)."""
    rows = {sid: {"japan_km2": area_km2(o.japan_land), "russia_km2": area_km2(o.russia_land)}
            for sid, o in outcomes.items()}
    out = pd.DataFrame.from_dict(rows, orient="index")
    out["japan_pct"] = 100 * out["japan_km2"] / (out["japan_km2"] + out["russia_km2"])
    return out


def official_land(scenarios: pd.DataFrame, official_area: pd.Series, outcomes: dict[str, Outcome],
                  land: dict[str, BaseGeometry]) -> pd.DataFrame:
    """Disputed land to each side from Japan's surveyed island areas (``islands.official(facts, "area_km2")``).

    Whole islands count with their official area. For an equal split the official version gives
    Japan the **same fraction** of Etorofu/Iturup's official area as the computed line gives it of the
    Natural Earth polygon (column ``etorofu_share_pct``); the two sides then add up to the sum of the
    four official figures, but need not be equal, since the map polygons and the survey differ
    island by island.
    """
    four = float(official_area[ISLAND_IDS].sum())
    rows = {}
    for row in scenarios.itertuples():
        ids = split_ids(row.islands_to_japan)
        japan = float(official_area[ids].sum()) if ids else 0.0
        share = float("nan")
        if bool(row.equal_split):
            part = outcomes[row.id].etorofu_parts[0]
            share = 100 * area_km2(part) / area_km2(land["etorofu"])
            japan += share / 100 * float(official_area["etorofu"])
        rows[row.id] = {"japan_official_km2": japan, "russia_official_km2": four - japan,
                        "japan_official_pct": 100 * japan / four, "etorofu_share_pct": share}
    return pd.DataFrame.from_dict(rows, orient="index")


def sea_table(outcomes: dict[str, Outcome]) -> pd.DataFrame:
    """12-nm territorial sea and illustrative equidistance sea of each side in the study box (km²).

    ``*_change_km2`` columns give the difference from the status quo: what Japan (or Russia) would
    gain (positive) or lose (negative). The sea split is an illustration, not a legal zone.
    """
    rows = {sid: {"japan_ts_km2": area_km2(o.japan_territorial_sea), "russia_ts_km2": area_km2(o.russia_territorial_sea),
                  "japan_sea_km2": area_km2(o.japan_sea), "russia_sea_km2": area_km2(o.russia_sea)}
            for sid, o in outcomes.items()}
    out = pd.DataFrame.from_dict(rows, orient="index")
    base = out.loc[BASELINE]
    for col in ["japan_ts_km2", "russia_ts_km2", "japan_sea_km2", "russia_sea_km2"]:
        out[col.replace("_km2", "_change_km2")] = out[col] - base[col]
    out["japan_sea_pct"] = 100 * out["japan_sea_km2"] / (out["japan_sea_km2"] + out["russia_sea_km2"])
    return out


def equidistance_line(japan_sea: BaseGeometry, russia_sea: BaseGeometry, *, tol_km: float = 0.01) -> BaseGeometry:
    """The line between the two sides' illustrative sea areas (lon/lat lines), for drawing."""
    j, r = to_local(japan_sea), to_local(russia_sea)
    shared = j.boundary.intersection(r.buffer(tol_km))
    lines = [g for g in getattr(shared, "geoms", [shared]) if g.geom_type in ("LineString", "MultiLineString")]
    merged = shapely.line_merge(unary_union(lines)) if lines else LineString()
    return to_lonlat(merged)


def _part_of(point_lonlat: tuple[float, float], parts: tuple[BaseGeometry, BaseGeometry]) -> int:
    """Index (0: Japan's part, 1: Russia's) of the part of a divided island nearest to a point."""
    from shapely.geometry import Point

    pt = to_local(Point(*point_lonlat))
    distances = [to_local(p).distance(pt) for p in parts]
    return int(np.argmin(distances))


def strait_status(summary: pd.DataFrame, to_japan: list[str],
                  etorofu_parts: tuple[BaseGeometry, BaseGeometry] | None = None) -> pd.Series:
    """Control of every strait (okhotsk chapter's rule) when the listed islands pass to Japan.

    With a divided Etorofu/Iturup, a strait's Etorofu shore belongs to the part nearest the
    strait's position; a strait on Etorofu without a position raises ValueError (it cannot be placed).
    """
    from kurils import okhotsk

    held = okhotsk.holders(to_japan)
    out = {}
    for strait, r in summary.iterrows():
        sides = []
        for side in (r["side_a"], r["side_b"]):
            holder = held[side]
            if etorofu_parts is not None and side == "etorofu":
                if pd.isna(r["lat"]):
                    raise ValueError(f"strait {strait!r} borders the divided island but has no position")
                holder = "JP" if _part_of((float(r["lon"]), float(r["lat"])), etorofu_parts) == 0 else "RU"
            sides.append(holder)
        out[strait] = okhotsk.control(*sides)
    return pd.Series(out, name="control")


def strait_status_table(summary: pd.DataFrame, scenarios: pd.DataFrame, outcomes: dict[str, Outcome]) -> pd.DataFrame:
    """Control of every strait (rows) under every option (columns)."""
    return pd.DataFrame({row.id: strait_status(summary, split_ids(row.islands_to_japan), outcomes[row.id].etorofu_parts)
                         for row in scenarios.itertuples()}, index=summary.index)


def strait_changes(summary: pd.DataFrame, status: pd.DataFrame) -> pd.DataFrame:
    """Per option: straits that gain a Japanese shore, straits whose status changes, and exit counts.

    Counts are those of :func:`kurils.okhotsk.scenario_counts`: Okhotsk–Pacific exits with Russian
    land on both shores, all and deep ones.
    """
    from kurils import okhotsk

    counts = okhotsk.scenario_counts(summary, status)
    base = status[BASELINE]
    bordered = status.isin(["divided", "japanese"])
    rows = {}
    for sid in status.columns:
        changed = status.index[status[sid] != base]
        rows[sid] = {"new_japanese_shore": list(status.index[bordered[sid] & ~bordered[BASELINE]]),
                     "changed": [(s, base[s], status.at[s, sid]) for s in changed], **counts[sid]}
    return pd.DataFrame.from_dict(rows, orient="index")


SITE_STATUS = {"to_japan": "passes to Japan", "stays_russian": "stays Russian",
               "cannot_place": "cannot be placed (island divided, no position)"}


def site_changes(sites: pd.DataFrame, to_japan: list[str],
                 etorofu_parts: tuple[BaseGeometry, BaseGeometry] | None = None) -> pd.DataFrame:
    """What happens to each military site on the disputed islands when the listed islands pass to Japan.

    A site on an island passing whole goes with it, position or not. On a divided Etorofu/Iturup a
    site with a position goes with the part containing (or nearest to) it; a site without one
    **cannot be placed** and is reported so, never guessed.
    """
    rows = sites[sites["island"].isin(ISLAND_IDS)]
    status = []
    for r in rows.itertuples():
        if etorofu_parts is not None and r.island == "etorofu":
            if pd.isna(r.lat):
                status.append("cannot_place")
            else:
                status.append("to_japan" if _part_of((float(r.lon), float(r.lat)), etorofu_parts) == 0 else "stays_russian")
        else:
            status.append("to_japan" if r.island in to_japan else "stays_russian")
    return pd.DataFrame({"site": rows["id"].to_list(), "name": rows["name"].to_list(),
                         "island": rows["island"].to_list(), "located": rows["lat"].notna().to_list(),
                         "status": status})


def site_summary(sites: pd.DataFrame, scenarios: pd.DataFrame, outcomes: dict[str, Outcome]) -> pd.DataFrame:
    """Per option: ids of sites that pass to Japan, stay Russian, or cannot be placed."""
    rows = {}
    for row in scenarios.itertuples():
        ch = site_changes(sites, split_ids(row.islands_to_japan), outcomes[row.id].etorofu_parts)
        rows[row.id] = {k: ch.loc[ch["status"] == k, "site"].to_list() for k in SITE_STATUS}
    return pd.DataFrame.from_dict(rows, orient="index")


def people_table(scenarios: pd.DataFrame, facts: pd.DataFrame) -> pd.DataFrame:
    """People of the land that would pass to Japan: Japanese residents of 15 August 1945 and today's residents.

    Figures are per island (MOFA for 1945, the Cabinet Office's rounded January 2018 figures for
    today). Population cannot be divided by area, so for a divided Etorofu/Iturup the result is a
    range: ``*_low`` without Etorofu's people, ``*_high`` with all of them.
    """
    from kurils import islands as isl

    pop45 = isl.official(facts, "population_1945")
    recent = isl.official(facts, "population", host="hoppou.go.jp")
    rows = {}
    for row in scenarios.itertuples():
        ids = split_ids(row.islands_to_japan)
        low45, low_now = float(pop45[ids].sum()) if ids else 0.0, float(recent[ids].sum()) if ids else 0.0
        split = bool(row.equal_split)
        rows[row.id] = {"pop1945_low": low45, "pop1945_high": low45 + (float(pop45["etorofu"]) if split else 0.0),
                        "residents_low": low_now,
                        "residents_high": low_now + (float(recent["etorofu"]) if split else 0.0)}
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.attrs["pop1945_total"] = float(pop45["northern_territories"])
    out.attrs["residents_total"] = float(recent["northern_territories"])
    return out


# --------------------------------------------------------------------------------------------------
# Figures (presentation: extents, label positions and looks are choices, not data)
# --------------------------------------------------------------------------------------------------

#: Map extent of the small multiples (lon_min, lon_max, lat_min, lat_max): the islands and their
#: approaches, inside the study box (whose edges would otherwise show the clipping of the sea split).
MAP_EXTENT = (144.3, 150.5, 42.45, 46.3)
#: Place names in the first panel (lon, lat, text, kind), as in kurils.maps.region_labels.
PANEL_PLACES = [(145.05, 42.85, "Hokkaido", "land"), (145.6, 45.65, "Sea of\nOkhotsk", "sea"),
                (149.2, 43.2, "Pacific", "sea"), (149.9, 46.05, "Urup", "land")]
#: Island names in the first panel (island id, dlon, dlat, ha) relative to the islands table's position.
PANEL_ISLANDS = [("etorofu", 0.55, -0.35, "left"), ("kunashiri", -0.45, 0.55, "center"),
                 ("shikotan", 0.35, 0.0, "left"), ("habomai", 0.3, -0.22, "left")]
PANEL_ISLAND_NAMES = {"etorofu": "Etorofu/\nIturup", "kunashiri": "Kunashiri/\nKunashir", "shikotan": "Shikotan",
                      "habomai": "Habomai"}


def scenario_maps(scenarios: pd.DataFrame, outcomes: dict[str, Outcome], land: dict[str, BaseGeometry],
                  *, same_as: dict[str, str] | None = None, islands_table: pd.DataFrame | None = None):
    """Small multiples, one panel per option: who holds the disputed land, the 12-nm belts, the
    illustrative equidistance line and, for the equal split, the cut across Etorofu/Iturup.

    ``same_as`` maps an option to an earlier one whose map it repeats (noted in its panel title);
    with ``islands_table`` the first panel names the islands.
    """
    import cartopy.crs as ccrs
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch
    import matplotlib.patheffects as pe

    from kurils import maps, style

    jp, ru = style.ROLE_COLOURS["japan"], style.ROLE_COLOURS["russia"]
    pc = ccrs.PlateCarree()
    proj = maps.projection(MAP_EXTENT)
    n = len(scenarios)
    ncols = 3
    nrows = -(-(n + 1) // ncols)
    fig = plt.figure(figsize=(8.0, 2.45 * nrows))
    for i, row in enumerate(scenarios.itertuples()):
        o = outcomes[row.id]
        ax = fig.add_subplot(nrows, ncols, i + 1, projection=proj)
        maps.base_map(MAP_EXTENT, ax=ax, gridlines=False, boundaries=False)
        maps.fan_boundary(ax, MAP_EXTENT)
        maps.areas(ax, [o.japan_sea], edgecolor="none", facecolor=jp, alpha=0.10, zorder=1.5)
        maps.areas(ax, [o.russia_sea], edgecolor="none", facecolor=ru, alpha=0.10, zorder=1.5)
        maps.areas(ax, [o.japan_territorial_sea], edgecolor="none", facecolor=jp, alpha=0.38, zorder=1.6)
        maps.areas(ax, [o.russia_territorial_sea], edgecolor="none", facecolor=ru, alpha=0.38, zorder=1.6)
        line = equidistance_line(o.japan_sea, o.russia_sea)
        ax.add_geometries([line], crs=pc, facecolor="none", edgecolor=style.INK, linewidth=1.0,
                          linestyle=(0, (4, 2)), zorder=2.5)
        for geom, colour in ((o.japan_land, jp), (o.russia_land, ru)):
            if not geom.is_empty:
                maps.highlight(ax, [geom], color=colour, zorder=3)
        if o.cut is not None:
            cut = o.cut.intersection(land["etorofu"].buffer(0.12))
            ax.add_geometries([cut], crs=pc, facecolor="none", edgecolor=style.INK, linewidth=2.2, zorder=4,
                              path_effects=[pe.withStroke(linewidth=4.2, foreground="white")])
            end = max(cut.coords, key=lambda c: c[1])  # label the cut at its northern end
            maps.label(ax, end[0], end[1], "cut", dx=-0.1, dy=0.12, ha="right", size=8, weight="bold", zorder=9)
        if i == 0:
            maps.region_labels(ax, PANEL_PLACES)
            if islands_table is not None:
                pos = islands_table.set_index("id")
                for island_id, dx, dy, ha in PANEL_ISLANDS:
                    maps.label(ax, float(pos.at[island_id, "lon"]), float(pos.at[island_id, "lat"]),
                               PANEL_ISLAND_NAMES[island_id], dx=dx, dy=dy, ha=ha, size=8, zorder=9)
        title = f"{chr(97 + i)}. {row.name}"
        if same_as and row.id in same_as:
            title += f" (same map as {same_as[row.id]})"
        ax.set_title(title, fontsize=9.5, loc="left", pad=3)
    ax = fig.add_subplot(nrows, ncols, n + 1)
    ax.axis("off")
    handles = [Patch(facecolor=jp, edgecolor=style.INK, linewidth=0.4, label="Disputed land to Japan"),
               Patch(facecolor=ru, edgecolor=style.INK, linewidth=0.4, label="Disputed land staying Russian"),
               Patch(facecolor=style.LAND, edgecolor="#8C8C8C", linewidth=0.5, label="Other land (Hokkaido: Japan;\nUrup: Russia)"),
               Patch(facecolor=(0.835, 0.369, 0.0, 0.38), edgecolor="none", label="12-nm territorial sea, Japan"),
               Patch(facecolor=(0.0, 0.447, 0.698, 0.38), edgecolor="none", label="12-nm territorial sea, Russia"),
               Patch(facecolor=(0.835, 0.369, 0.0, 0.10), edgecolor="none", label="Nearer Japan's coast (illustration)"),
               Patch(facecolor=(0.0, 0.447, 0.698, 0.10), edgecolor="none", label="Nearer Russia's coast (illustration)"),
               Line2D([], [], color=style.INK, linewidth=1.0, linestyle=(0, (4, 2)),
                      label="Equidistance line (illustration,\nnot a legal boundary)"),
               Line2D([], [], color=style.INK, linewidth=2.0, label="Equal-split cut across Etorofu/Iturup")]
    ax.legend(handles=handles, loc="center left", fontsize=8, frameon=False, borderaxespad=0, handlelength=1.8,
              labelspacing=0.6)
    fig.subplots_adjust(left=0.01, right=0.99, top=0.94, bottom=0.01, wspace=0.05, hspace=0.14)
    return fig


def gains_chart(scenarios: pd.DataFrame, lands: pd.DataFrame, official: pd.DataFrame, seas: pd.DataFrame):
    """What Japan would gain under each option, against the status quo: land, 12-nm sea, illustrative sea.

    Three panels with their own scales (sea areas are tens of times the land); bars are computed
    values, the dot in the land panel is the same option by Japan's surveyed island areas.
    """
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D

    from kurils import style

    ids = list(scenarios["id"])[::-1]  # first option on top
    names = dict(zip(scenarios["id"], scenarios["name"]))
    y = np.arange(len(ids))
    colour = style.ROLE_COLOURS["japan"]
    panels = [("Disputed land, km²", lands.loc[ids, "japan_km2"]),
              ("12-nm territorial sea, km²", seas.loc[ids, "japan_ts_change_km2"]),
              ("Sea nearer Japan's coast\n(illustration only), km²", seas.loc[ids, "japan_sea_change_km2"])]
    fig, axes = plt.subplots(1, 3, figsize=(8.0, 3.3), sharey=True)
    for k, (ax, (title, values)) in enumerate(zip(axes, panels)):
        ax.set_axisbelow(True)
        ax.barh(y, values, height=0.6, color=colour)
        top = float(values.max()) or 1.0
        ends = values.to_numpy(dtype=float)
        if k == 0:
            dots = official.loc[ids, "japan_official_km2"].to_numpy(dtype=float)
            ax.plot(dots, y, marker="o", linestyle="none", markersize=5, markerfacecolor="white",
                    markeredgecolor=style.INK, markeredgewidth=1.2, zorder=3)
            ends = np.maximum(ends, dots)
            ax.legend(handles=[Line2D([], [], marker="o", linestyle="none", markerfacecolor="white",
                                      markeredgecolor=style.INK, markeredgewidth=1.2, markersize=5,
                                      label="by Japan's\nsurveyed areas")],
                      loc="upper right", fontsize=8, frameon=False, handletextpad=0.3, borderaxespad=0.1)
        for yi, v, end in zip(y, values, ends):
            ax.text(end + top * 0.07, yi, f"{v:,.0f}", va="center", fontsize=8, color=style.INK)
        ax.set_xlim(0, top * 1.5)
        ax.set_title(title, fontsize=9, loc="left")
        ax.grid(axis="y", visible=False)
        ax.grid(axis="x", visible=True)
        ax.tick_params(axis="x", labelsize=8)
        ax.xaxis.set_major_formatter(plt.FuncFormatter(lambda v, _p: f"{v / 1000:,.0f}k" if v >= 1000 else f"{v:,.0f}"))
    axes[0].set_yticks(y, style.wrap_labels([names[i] for i in ids], 12))
    axes[0].tick_params(axis="y", labelsize=9)
    fig.suptitle("What Japan would gain, compared with the status quo", x=0.01, ha="left", fontsize=11, fontweight="bold")
    fig.subplots_adjust(left=0.14, right=0.98, top=0.78, bottom=0.1, wspace=0.12)
    return fig


# --------------------------------------------------------------------------------------------------
# Tables for the page
# --------------------------------------------------------------------------------------------------

SITE_WORDS = {"to_japan": "to Japan", "stays_russian": "stays Russian", "cannot_place": "cannot be placed"}
CONTROL_WORDS = {"russian": "Russian", "divided": "divided", "japanese": "Japanese"}


def _link(title: str, url: str):
    """A source link (markupsafe.Markup, escaped parts): kurils.text.table keeps it as HTML."""
    from kurils.text import link

    return link(url, title)


def land_words(row, islands_table: pd.DataFrame, etorofu_share_pct: float | None = None) -> str:
    """'Habomai Islands, Shikotan and 18 % of Etorofu/Iturup' for one scenarios row ('none' when empty)."""
    from kurils.okhotsk import join_and

    names = islands_table.set_index("id")["name_en"]
    parts = [names[i] for i in split_ids(row["islands_to_japan"])]
    if bool(row["equal_split"]):
        share = "" if etorofu_share_pct is None or pd.isna(etorofu_share_pct) else f"{etorofu_share_pct:.0f} % of "
        parts.append(f"{share}{names['etorofu']} (south-western end)")
    return join_and(parts) if parts else "none"


def options_table(scenarios: pd.DataFrame, islands_table: pd.DataFrame, official: pd.DataFrame) -> pd.DataFrame:
    """The options for a page: name, what it means, land to Japan, basis with its source, id in the data."""
    return pd.DataFrame({
        "Option": scenarios["name"].to_list(),
        "What it means": scenarios["description"].to_list(),
        "Land to Japan": [land_words(r, islands_table, official.at[r["id"], "etorofu_share_pct"])
                          for _, r in scenarios.iterrows()],
        "Basis (source)": [Markup("{} ({})").format(b, _link(t, u)) for b, t, u in  # b escaped by format
                           zip(scenarios["basis"], scenarios["source_title"], scenarios["source_url"])],
        "Id": scenarios["id"].to_list(),
    })


def comparison_table(scenarios: pd.DataFrame, lands: pd.DataFrame, official: pd.DataFrame, seas: pd.DataFrame,
                     changes: pd.DataFrame, site_sum: pd.DataFrame, people: pd.DataFrame) -> pd.DataFrame:
    """One row per option: land, sea, straits, military sites and people, side by side."""
    from kurils.okhotsk import STRAIT_LABELS, join_and

    ids = list(scenarios["id"])

    def rng(low, high):
        return f"{low:,.0f}" if low == high else f"{low:,.0f}–{high:,.0f}"

    def sites_text(sid):
        n, unknown = len(site_sum.at[sid, "to_japan"]), len(site_sum.at[sid, "cannot_place"])
        return f"{n}" + (f" (+{unknown} cannot be placed)" if unknown else "")

    return pd.DataFrame({
        "Option": scenarios["name"].to_list(),
        "Disputed land to Japan, km² (Natural Earth)": lands.loc[ids, "japan_km2"].to_list(),
        "Share of the disputed land, %": lands.loc[ids, "japan_pct"].to_list(),
        "Land to Japan, km² (Japan's surveyed areas)": official.loc[ids, "japan_official_km2"].to_list(),
        "12-nm territorial sea, change for Japan, km²": seas.loc[ids, "japan_ts_change_km2"].to_list(),
        "Sea nearer Japan's coast (illustration), change, km²": seas.loc[ids, "japan_sea_change_km2"].to_list(),
        "Straits gaining a Japanese shore": [join_and(STRAIT_LABELS[s] for s in changes.at[i, "new_japanese_shore"])
                                             for i in ids],
        "Exits with Russian land on both shores (deep ones)": [
            f"{changes.at[i, 'russian']} of {changes.at[i, 'total']} ({changes.at[i, 'russian_deep']} of "
            f"{changes.at[i, 'deep']})" for i in ids],
        "Military sites passing to Japan": [sites_text(i) for i in ids],
        "Japanese residents of that land, 1945": [rng(people.at[i, "pop1945_low"], people.at[i, "pop1945_high"]) for i in ids],
        "Residents today (about, Jan 2018)": [rng(people.at[i, "residents_low"], people.at[i, "residents_high"]) for i in ids],
    })


def site_table(sites: pd.DataFrame, scenarios: pd.DataFrame, outcomes: dict[str, Outcome],
               islands_table: pd.DataFrame) -> pd.DataFrame:
    """Military sites on the disputed islands (rows) and what happens to each under every option."""
    names = islands_table.set_index("id")["name_en"]
    first = site_changes(sites, [])
    out = pd.DataFrame({"Site": [n.split(",")[0] for n in first["name"]],
                        "Island": first["island"].map(names).to_list(),
                        "Position in the data": ["yes" if x else "no" for x in first["located"]]})
    for row in scenarios.itertuples():
        ch = site_changes(sites, split_ids(row.islands_to_japan), outcomes[row.id].etorofu_parts)
        out[row.name] = ch["status"].map(SITE_WORDS).to_list()
    return out


def strait_table(summary: pd.DataFrame, status: pd.DataFrame, scenarios: pd.DataFrame) -> pd.DataFrame:
    """The straits whose status differs between options, with their status under every option."""
    from kurils.okhotsk import STRAIT_LABELS

    differs = status.nunique(axis=1) > 1
    rows = status[differs]
    out = pd.DataFrame({"Strait": [STRAIT_LABELS[s] for s in rows.index],
                        "Between": (summary.loc[rows.index, "between_a"] + " – " + summary.loc[rows.index, "between_b"]).to_list()})
    for row in scenarios.itertuples():
        out[row.name] = rows[row.id].map(CONTROL_WORDS).to_list()
    return out


# --------------------------------------------------------------------------------------------------
# The chapter: every option measured once, and the numbers its prose quotes
# --------------------------------------------------------------------------------------------------

#: The tables the chapter loads.
TABLES = ["scenarios", "islands", "island_facts", "population", "straits", "military_sites", "timeline",
          "legal_instruments", "precedents", "legal_effects", "legal_positions"]
#: Timeline events the prose dates (fisheries).
FISHING_EVENTS = ["fishing_agreement_1998", "fishing_suspended_2022"]


@dataclass
class Measures:
    """What :func:`measure` computes once for the chapter's figures, tables and key numbers."""

    land: dict            # island_land: each disputed island's land
    outcomes: dict        # compute_outcomes: one Outcome per option
    area: pd.Series       # Japan's official areas (km², island_facts)
    lands: pd.DataFrame   # land_table
    official: pd.DataFrame  # official_land
    seas: pd.DataFrame    # sea_table
    summary: pd.DataFrame  # okhotsk.strait_summary
    status: pd.DataFrame  # strait_status_table
    changes: pd.DataFrame  # strait_changes
    site_sum: pd.DataFrame  # site_summary
    people: pd.DataFrame  # people_table


def check_references(tables: dict[str, pd.DataFrame]) -> None:
    """Raise ValueError if an option's basis_ref names no legal instrument or precedent, or if
    legal_effects names an option the scenarios table lacks."""
    sc = tables["scenarios"]
    missing = unresolved_refs(sc, tables["legal_instruments"], tables["precedents"])
    if missing:
        raise ValueError(f"scenarios.basis_ref names unknown ids: {missing}")
    extra = set(tables["legal_effects"]["option"]) - set(sc["id"])
    if extra:
        raise ValueError(f"legal_effects.option names options not in scenarios.csv: {sorted(extra)}")


def measure(tables: dict[str, pd.DataFrame]) -> Measures:
    """Measure every option once (two plus alpha shares the two-islands geometry): land, sea, straits,
    military sites, people. Checks the cross-references first (:func:`check_references`)."""
    from kurils import okhotsk

    check_references(tables)
    sc, isl, facts = tables["scenarios"], tables["islands"], tables["island_facts"]
    land = island_land(isl)
    outcomes = compute_outcomes(sc, land, other_land(isl))
    area = islands.official(facts, "area_km2")
    summary = okhotsk.strait_summary(tables["straits"])
    status = strait_status_table(summary, sc, outcomes)
    return Measures(land=land, outcomes=outcomes, area=area, lands=land_table(outcomes),
                    official=official_land(sc, area, outcomes, land), seas=sea_table(outcomes), summary=summary,
                    status=status, changes=strait_changes(summary, status),
                    site_sum=site_summary(tables["military_sites"], sc, outcomes), people=people_table(sc, facts))


#: Where an Etorofu/Iturup split's areas come from (``split_profile(area_source=...)``).
AREA_SOURCES = {"natural_earth": "Natural Earth polygons, geodesic", "official": "Japan's surveyed areas (MOFA)"}
#: The islands an Etorofu/Iturup split gives Japan whole.
SPLIT_WHOLE = ["habomai", "shikotan", "kunashiri"]


def etorofu_share_needed(m: Measures, japan_share: float = 0.5, area_source: str = "natural_earth") -> float:
    """Fraction (0–1) of Etorofu/Iturup that gives Japan ``japan_share`` of the disputed land, by ``area_source``.

    ``"natural_earth"``: the geodesic areas of the map polygons (their sum is the total);
    ``"official"``: Japan's surveyed areas, with the official total for the four islands (as the legal
    chapter's :func:`kurils.legal.equal_split`). Habomai, Shikotan and Kunashiri pass whole; ValueError
    when the share cannot be reached by cutting Etorofu/Iturup alone.
    """
    if area_source not in AREA_SOURCES:
        raise ValueError(f"area_source must be one of {sorted(AREA_SOURCES)}, not {area_source!r}")
    if area_source == "natural_earth":
        areas = {i: area_km2(m.land[i]) for i in ISLAND_IDS}
        total = sum(areas.values())
    else:
        areas = {i: float(m.area[i]) for i in ISLAND_IDS}
        total = float(m.area["northern_territories"])
    whole = sum(areas[i] for i in SPLIT_WHOLE)
    share = (japan_share * total - whole) / areas["etorofu"]
    if not 0 < share < 1:
        low, high = 100 * whole / total, 100 * (whole + areas["etorofu"]) / total
        raise ValueError(f"a {100 * japan_share:.0f} % share cannot be reached by cutting Etorofu/Iturup "
                         f"({AREA_SOURCES[area_source]}): choose a share between {low:.1f} % and {high:.1f} %")
    return share


def _split(tables: dict[str, pd.DataFrame], m: Measures, japan_share: float, area_source: str) -> dict:
    """The raw pieces of :func:`split_profile`: fraction cut, parts, strait status, exit counts, sites."""
    from kurils import okhotsk

    fraction = etorofu_share_needed(m, japan_share, area_source)
    sw, ne, _cut = split_line(m.land["etorofu"], fraction)
    status = strait_status(m.summary, SPLIT_WHOLE, (sw, ne))
    counts = okhotsk.scenario_counts(m.summary, pd.DataFrame({"split": status}))["split"]
    sites = site_changes(tables["military_sites"], SPLIT_WHOLE, (sw, ne))
    land = sum(area_km2(m.land[i]) for i in SPLIT_WHOLE) + area_km2(sw)
    return {"fraction": fraction, "parts": (sw, ne), "status": status, "counts": counts, "sites": sites,
            "land_km2": land, "official_km2": float(m.area[SPLIT_WHOLE].sum()) + fraction * float(m.area["etorofu"])}


def _site_names(tables: dict[str, pd.DataFrame], sites: pd.DataFrame, status_key: str) -> str:
    from kurils.okhotsk import join_and

    short = dict(zip(tables["military_sites"]["id"], [n.split(",")[0] for n in tables["military_sites"]["name"]]))
    return join_and(short[i] for i in sites.loc[sites["status"] == status_key, "site"]) or "none"


def split_profile(tables: dict[str, pd.DataFrame], m: Measures, *, japan_share: float = 0.5,
                  area_source: str = "natural_earth") -> pd.DataFrame:
    """What a split of Etorofu/Iturup would give Japan, for any share of the land and either area source.

    Habomai, Shikotan and Kunashiri pass whole; the line across Etorofu/Iturup (:func:`split_line`, on
    the Natural Earth polygon) cuts off the fraction :func:`etorofu_share_needed` finds. With the
    defaults (half the land, map areas) this is the chapter's equal split. Returns the land (both area
    bases), the straits and exits by the okhotsk chapter's rule, the military sites and the people
    (a range: population is not divided by area). Sea areas are not recomputed (too slow for an exercise).
    One column, named after the share and the area source, so that profiles can be set side by side
    with ``pd.concat(..., axis=1)``.
    """
    from kurils import okhotsk

    r = _split(tables, m, japan_share, area_source)
    status, counts, sites = r["status"], r["counts"], r["sites"]
    facts = tables["island_facts"]
    four_land = sum(area_km2(m.land[i]) for i in ISLAND_IDS)
    base = m.status[BASELINE]
    moved = [f"{okhotsk.STRAIT_LABELS[s].split(' /')[0]} ({CONTROL_WORDS[base[s]]} → {CONTROL_WORDS[status[s]]})"
             for s in status.index[status != base]]

    def people(series):
        low = float(series[SPLIT_WHOLE].sum())
        return f"{low:,.0f}–{low + float(series['etorofu']):,.0f}"

    return pd.Series({
        "Areas used for the share": AREA_SOURCES[area_source],
        "Japan's share of the disputed land (asked), %": round(100 * japan_share, 1),
        "Etorofu/Iturup cut off for Japan, % of the island": round(100 * r["fraction"], 1),
        "Disputed land to Japan, km² (Natural Earth)": round(r["land_km2"]),
        "Share of the Natural Earth land, %": round(100 * r["land_km2"] / four_land, 1),
        "Land to Japan, km² (surveyed areas)": round(r["official_km2"]),
        "Straits whose status changes": okhotsk.join_and(moved) or "none",
        "Exits with Russian land on both shores": f"{counts['russian']} of {counts['total']}",
        "Deep exits with Russian land on both shores": f"{counts['russian_deep']} of {counts['deep']}",
        "Military sites passing to Japan": _site_names(tables, sites, "to_japan"),
        "Military sites staying Russian": _site_names(tables, sites, "stays_russian"),
        "Military sites that cannot be placed": _site_names(tables, sites, "cannot_place"),
        "Japanese residents of that land, 1945": people(islands.official(facts, "population_1945")),
        "Residents today (about, Jan 2018)": people(islands.official(facts, "population", host="hoppou.go.jp")),
    }, name=f"{100 * japan_share:g} % ({area_source})").to_frame()


#: Shares of the disputed land the split-rule exercise's solution tries.
SPLIT_GRID = (0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95)


def split_profiles(tables: dict[str, pd.DataFrame], m: Measures, shares=SPLIT_GRID,
                   area_source: str = "natural_earth") -> pd.DataFrame:
    """:func:`split_profile` for several shares at once, one compact row per share."""
    rows = []
    for share in shares:
        r = _split(tables, m, share, area_source)
        c = r["counts"]
        sites = r["sites"][r["sites"]["island"] == "etorofu"]["status"]
        rows.append({"Japan's share, %": round(100 * share, 1),
                     "Etorofu/Iturup to Japan, %": round(100 * r["fraction"], 1),
                     "Land to Japan, km² (Natural Earth)": round(r["land_km2"]),
                     "Etorofu sites to Japan": int((sites == "to_japan").sum()),
                     "Etorofu sites staying Russian": int((sites == "stays_russian").sum()),
                     "Etorofu sites not placed": int((sites == "cannot_place").sum()),
                     "Exits Russian on both shores (deep)": f"{c['russian']} of {c['total']} "
                                                            f"({c['russian_deep']} of {c['deep']})"})
    return pd.DataFrame(rows).set_index("Japan's share, %")


def split_numbers(tables: dict[str, pd.DataFrame], m: Measures) -> dict:
    """Numbers the split exercises' solutions glue: the lowest share a cut of Etorofu/Iturup can give,
    the first share of :data:`SPLIT_GRID` at which every placed site on it passes to Japan, the fewest
    deep exits left Russian on both shores over the grid, and whether the official areas change the
    straits or sites of the equal split."""
    areas = {i: area_km2(m.land[i]) for i in ISLAND_IDS}
    out = {"split_min_share": 100 * sum(areas[i] for i in SPLIT_WHOLE) / sum(areas.values())}
    etorofu_sites = tables["military_sites"][tables["military_sites"]["island"] == "etorofu"]
    located = int(etorofu_sites["lat"].notna().sum())
    grid = [(share, _split(tables, m, share, "natural_earth")) for share in SPLIT_GRID]
    passing = [share for share, r in grid
               if int(((r["sites"]["island"] == "etorofu") & (r["sites"]["status"] == "to_japan")).sum()) == located]
    out |= {"split_n_located_etorofu": located, "split_n_unlocated_etorofu": len(etorofu_sites) - located,
            "split_all_sites_share": 100 * min(passing) if passing else float("nan"),
            "split_deep_russian_min": min(r["counts"]["russian_deep"] for _, r in grid),
            "split_deep_total": grid[0][1]["counts"]["deep"]}
    ne, off = grid[0][1], _split(tables, m, 0.5, "official")
    same = (ne["status"].equals(off["status"]) and ne["sites"]["status"].tolist() == off["sites"]["status"].tolist())
    out["split_official_effect"] = "the same" if same else "differently"
    out["split_official_why"] = ("no strait's position and no located site lies between the two lines" if same
                                 else "a strait's position or a located site lies between the two lines")
    out["split_official_fraction"] = 100 * off["fraction"]
    out["split_official_ne_pct"] = 100 * off["land_km2"] / sum(areas.values())
    return out


def _latest(pop: pd.DataFrame, metric: str) -> pd.Series:
    """The latest former-residents row of ``metric`` (its index is the population table's)."""
    rows = pop[(pop["group"] == "former_residents") & (pop["metric"] == metric)]
    return rows.sort_values("as_of").iloc[-1]


def key_numbers(tables: dict[str, pd.DataFrame], m: Measures | None = None) -> dict:
    """Everything the chapter glues, by glue name: per option (suffix ``_<option id>``) land, sea, strait
    exits and people; the land totals and the equal-split arithmetic; the study box and 12-nm belts;
    straits and military sites that change hands; fisheries dates, former residents, and the page's
    currency line. ``m`` is :func:`measure` of the same tables (computed here if not given)."""
    from kurils import legal, okhotsk as ok, text

    m = m if m is not None else measure(tables)
    sc, facts, pop, sites, timeline = (tables[n] for n in ["scenarios", "island_facts", "population", "military_sites",
                                                           "timeline"])
    lands, official, seas, changes, people, area = m.lands, m.official, m.seas, m.changes, m.people, m.area
    out = {"current_to": text.data_current_to(sc, facts, pop, tables["straits"], sites, timeline, tables["islands"]),
           "n_options": len(sc)}
    for sid in sc["id"]:
        out |= {f"land_{sid}": lands.at[sid, "japan_km2"], f"landpct_{sid}": lands.at[sid, "japan_pct"],
                f"official_{sid}": official.at[sid, "japan_official_km2"],
                f"officialpct_{sid}": official.at[sid, "japan_official_pct"],
                f"ts_{sid}": seas.at[sid, "japan_ts_change_km2"], f"sea_{sid}": seas.at[sid, "japan_sea_change_km2"],
                f"seapct_{sid}": seas.at[sid, "japan_sea_pct"]}
        out |= {f"exits_{key}_{sid}": changes.at[sid, key] for key in ["russian", "total", "russian_deep", "deep"]}
        out |= {f"{key}_{sid}": people.at[sid, key]
                for key in ["pop1945_low", "pop1945_high", "residents_low", "residents_high"]}

    # land: the computed total, Japan's official figures and the equal split
    arithmetic = legal.equal_split(area)
    out |= {"land_total": lands.at["status_quo", "russia_km2"], "official_total": area["northern_territories"],
            "official_sum": area[ISLAND_IDS].sum(), "etorofu_share": official.at["equal_split", "etorofu_share_pct"],
            "etorofu_part_km2": area_km2(m.outcomes["equal_split"].etorofu_parts[0]),
            "etorofu_computed": area_km2(m.land["etorofu"]), "kunashiri_computed": area_km2(m.land["kunashiri"]),
            "official_etorofu": area["etorofu"], "official_kunashiri": area["kunashiri"],
            "legal_part_share": arithmetic["part_share_pct"], "legal_part_km2": arithmetic["part_km2"]}

    # sea: the study box, the status quo and the 12-nm belts
    today = lambda column: seas.at[BASELINE, column]  # noqa: E731 (the status quo's value)
    out |= {"study_sea": today("japan_sea_km2") + today("russia_sea_km2"), "ts_japan_today": today("japan_ts_km2"),
            "ts_both_today": today("japan_ts_km2") + today("russia_ts_km2"),
            "study_lon0": STUDY_BOX[0], "study_lon1": STUDY_BOX[2], "study_lat0": STUDY_BOX[1], "study_lat1": STUDY_BOX[3]}

    # straits and military sites: which straits would be Japanese on both shores, or divided, per option
    status, site_sum = m.status, m.site_sum
    for sid in ["equal_split", "all_four"]:
        for state in ["japanese", "divided"]:
            moved = status.index[(status[sid] == state) & (status[sid] != status["status_quo"])]
            out[f"{state}_{sid}"] = ok.join_and(ok.STRAIT_LABELS[s].split(" /")[0] for s in moved)
    short = dict(zip(sites["id"], [n.split(",")[0] for n in sites["name"]]))
    for key in ["to_japan", "stays_russian", "cannot_place"]:
        out[f"sites_{key}_equal_split"] = ok.join_and(short[s] for s in site_sum.at["equal_split", key])
        out[f"n_sites_{key}_equal_split"] = len(site_sum.at["equal_split", key])
    out["n_sites_all_four"] = len(site_sum.at["all_four", "to_japan"])
    out["sites_two_islands"] = ok.join_and(short[s] for s in site_sum.at["two_islands", "to_japan"])
    out |= {f"depth_{s}": ok.DEPTH_CLASSES[m.summary.at[s, "exit_depth_class"]] for s in ["nemuro", "catherine"]}
    out["changed_two_islands"] = ok.join_and(ok.STRAIT_LABELS[s].split(" /")[0] + " Strait"
                                             for s, _, _ in changes.at["two_islands", "changed"])

    # fisheries and people
    events = timeline.set_index("id")
    out |= {f"date_{eid}": text.fmt_date(events.at[eid, "date"], events.at[eid, "date_precision"])
            for eid in FISHING_EVENTS}
    former, age = _latest(pop, "persons"), _latest(pop, "mean_age")
    out |= {"former_alive": former["value"], "former_alive_date": text.fmt_date(former["as_of"], former["as_of_precision"]),
            "former_age": age["value"], "former_age_date": text.fmt_date(age["as_of"], age["as_of_precision"]),
            "pop1945_total": people.attrs["pop1945_total"], "residents_total": people.attrs["residents_total"],
            "residents_etorofu": islands.official(facts, "population", host="hoppou.go.jp")["etorofu"],
            "pop1945_etorofu": islands.official(facts, "population_1945")["etorofu"]}
    aso = tables["legal_positions"].set_index("id").loc["japan_aso_2006_equal_area"]  # the equal split floated in the Diet in 2006
    out["aso_date"] = text.fmt_date(aso["date"], aso["date_precision"])
    out |= split_numbers(tables, m)  # for the exercises' solutions
    return out


def citation_rows(tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """The rows each cited statement in the prose rests on, by citation glue name (for ``text.glue_citations``)."""
    sc, pop, facts, lpos = tables["scenarios"], tables["population"], tables["island_facts"], tables["legal_positions"]
    former = [_latest(pop, "persons").name, _latest(pop, "mean_age").name]
    return {
        "cite_alpha": sc[sc["id"] == "two_plus_alpha"],
        "cite_precedents": shown_precedents(tables),
        "cite_aso": lpos[lpos["id"] == "japan_aso_2006_equal_area"],
        "cite_fishing": tables["timeline"][tables["timeline"]["id"].isin(FISHING_EVENTS)],
        "cite_former": pop[pop.index.isin(former)],
        "cite_residents": facts[facts["metric"].isin(["population", "population_1945"])],
    }


def shown_precedents(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """The precedents the equal-split option rests on (its basis_ref)."""
    prec = tables["precedents"]
    basis = tables["scenarios"].set_index("id").at["equal_split", "basis_ref"]
    return prec[prec["id"].isin(split_ids(basis))]


def sources_used(tables: dict[str, pd.DataFrame]) -> list[pd.DataFrame]:
    """The rows behind the page, for its citation list and sources table."""
    t = tables
    return [t["scenarios"], t["island_facts"], t["islands"], t["straits"], t["military_sites"],
            t["timeline"][t["timeline"]["id"].isin(FISHING_EVENTS)],
            t["population"][t["population"]["group"] == "former_residents"], shown_precedents(t)]
