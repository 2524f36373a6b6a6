"""The strategic geography of the Sea of Okhotsk: straits, weapon reach, distances, control scenarios.

Everything here is computed from the book's tables (``straits``, ``military_sites``,
``weapon_systems``, ``places``, ``islands``) and the committed Natural Earth extract:

* :func:`strait_summary` folds the one-row-per-source straits table into one row per strait and
  gives each a **depth class** by a stated rule (:func:`depth_class_of`).
* :func:`reach_area` is the area within a weapon's range of an island whose launcher position is
  not known: from *some* point of the island (``mode="any"``, the geodesic buffer of the island) or
  from *every* point of it (``mode="all"``, reach guaranteed wherever the launcher stands).
* :func:`control` and :func:`control_by_scenario` apply the chapter's rule for who controls a
  strait: **a strait with land held by Russia on both shores is Russian-controlled**, one with
  Japanese land on both shores Japanese, anything else divided.
* :func:`distance_matrix` and :func:`distance_to_land_km` measure geodesic distances (WGS 84).

Distances and radii are never typed in a chapter: they come from data through these functions.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd
import shapely
from shapely.geometry import MultiPoint, Point, Polygon
from shapely.geometry.base import BaseGeometry
from shapely.ops import unary_union

from kurils import geo, islands

# --------------------------------------------------------------------------------------------------
# Who holds which land
# --------------------------------------------------------------------------------------------------

#: The four disputed islands (ids of the islands table), south-west to north-east.
DISPUTED = list(islands.FOUR)

#: Who administers each land mass named in ``straits.side_a``/``side_b`` today: Russia administers
#: Sakhalin, Kamchatka, the mainland coast and every Kuril island including the four Japan claims
#: (the islands chapter; MOFA calls this an illegal occupation); Japan administers Hokkaido and Honshu.
STATUS_QUO = {
    "hokkaido": "JP", "honshu": "JP",
    "sakhalin": "RU", "kamchatka": "RU", "asia_mainland": "RU",
    "habomai": "RU", "shikotan": "RU", "kunashiri": "RU", "etorofu": "RU",
    "urup": "RU", "simushir": "RU", "broutona_chirpoy": "RU", "ketoy": "RU", "ushishir": "RU",
    "rasshua": "RU", "matua": "RU", "raikoke": "RU", "shiashkotan": "RU", "onekotan": "RU",
    "paramushir": "RU", "shumshu": "RU",
}

#: The scenarios of the chapter's small multiples: which disputed islands change hands.
SCENARIOS = {
    "status_quo": (),
    "habomai_shikotan": ("habomai", "shikotan"),
    "kunashiri": ("kunashiri",),
    "etorofu": ("etorofu",),
    "all_four": tuple(DISPUTED),
}
#: Two-line panel titles of the small multiples.
SCENARIO_TITLES = {
    "status_quo": "Today:\nRussia holds all four", "habomai_shikotan": "Habomai and Shikotan\nto Japan (1956 Declaration)",
    "kunashiri": "Kunashiri/Kunashir\nalone to Japan", "etorofu": "Etorofu/Iturup\nalone to Japan",
    "all_four": "All four to Japan\n(Japan's claim)",
}
SCENARIO_LABELS = {
    "status_quo": "Today (Russia holds all four)",
    "habomai_shikotan": "Habomai and Shikotan to Japan (the 1956 Declaration's two)",
    "kunashiri": "Kunashiri/Kunashir alone to Japan",
    "etorofu": "Etorofu/Iturup alone to Japan",
    "all_four": "All four to Japan (Japan's claim)",
}


def holders(transferred: Iterable[str] = (), base: dict[str, str] = STATUS_QUO) -> dict[str, str]:
    """Holder ("RU"/"JP") of every land mass after the given disputed islands pass to Japan."""
    transferred = list(transferred)
    unknown = [t for t in transferred if t not in base]
    if unknown:
        raise KeyError(f"unknown land id(s): {', '.join(unknown)}")
    out = dict(base)
    out.update({t: "JP" for t in transferred})
    return out


def control(holder_a: str, holder_b: str) -> str:
    """The chapter's rule: both shores Russian -> "russian", both Japanese -> "japanese", else "divided"."""
    for h in (holder_a, holder_b):
        if h not in ("RU", "JP"):
            raise ValueError(f"holder must be 'RU' or 'JP', not {h!r}")
    if holder_a == holder_b:
        return "russian" if holder_a == "RU" else "japanese"
    return "divided"


def control_by_scenario(summary: pd.DataFrame, scenarios: dict[str, tuple] = SCENARIOS,
                        base: dict[str, str] = STATUS_QUO) -> pd.DataFrame:
    """Control status of every strait (rows, as in ``summary``) under every scenario (columns)."""
    out = {}
    for name, transferred in scenarios.items():
        held = holders(transferred, base)
        out[name] = [control(held[a], held[b]) for a, b in zip(summary["side_a"], summary["side_b"])]
    return pd.DataFrame(out, index=summary.index)


# --------------------------------------------------------------------------------------------------
# Straits and depth classes
# --------------------------------------------------------------------------------------------------

#: Depth classes: 200 m is the conventional outer edge of the continental shelf (the region_facts
#: row okhotsk_shelf_share uses it); 1,000 m is a round upper break. Presentation choices, stated.
DEPTH_CLASSES = {
    "shallow": "under 200 m",
    "intermediate": "200–1,000 m",
    "deep": "over 1,000 m",
    "unknown": "no sourced depth",
}


def depth_class(depth_m: float | None) -> str:
    """Class of one depth in metres (None/NaN -> "unknown")."""
    if depth_m is None or pd.isna(depth_m):
        return "unknown"
    if depth_m < 200:
        return "shallow"
    return "intermediate" if depth_m <= 1000 else "deep"


#: How to choose among the maximum depths that different sources give for one strait.
DEPTH_RULES = ("shallowest", "deepest")


def depth_class_of(max_depths: list[float], lower_bounds: list[float], sill: float | None, *,
                   depth_rule: str = "shallowest") -> tuple[str, str, bool]:
    """Depth class of a strait from everything its sources say, by the chapter's rule.

    1. A stated controlling depth (sill or maintained fairway) decides: it is what limits passage.
    2. Otherwise the stated maximum depths decide: with ``depth_rule="shallowest"`` (the chapter's rule)
       the *smallest* one, the cautious reading when sources differ; with ``"deepest"`` the largest
       figure any source gives (a maximum or a lower bound), the generous reading. The strait is
       flagged ``disputed`` when another source's figure falls in a different class.
    3. Otherwise a lower bound ("over 500 m") puts the strait in that bound's class.
    4. Otherwise "unknown".

    A lower bound is strict: "deeper than 1,000 m" is in the class above 1,000 m (:func:`bound_class`).

    Returns (class, basis, disputed) with basis one of "sill", "maximum", "lower bound", "none".
    """
    if depth_rule not in DEPTH_RULES:
        raise ValueError(f"depth_rule must be one of {DEPTH_RULES}, not {depth_rule!r}")
    if sill is not None and not pd.isna(sill):
        return depth_class(sill), "sill", False
    maxima = [d for d in max_depths if not pd.isna(d)]
    bounds = [d for d in lower_bounds if not pd.isna(d)]
    if maxima:
        if depth_rule == "shallowest":
            cls = depth_class(min(maxima))
        else:
            deepest = max(maxima + bounds)
            cls = depth_class(deepest) if deepest in maxima else bound_class(deepest)
        others = {depth_class(d) for d in maxima} | {bound_class(b) for b in bounds}
        return cls, "maximum", others != {cls}
    if bounds:
        return bound_class(max(bounds)), "lower bound", False
    return "unknown", "none", False


def bound_class(bound_m: float) -> str:
    """Class of a strict lower bound: any depth *greater than* ``bound_m`` ("deeper than 1,000 m" -> "deep")."""
    return depth_class(float(np.nextafter(float(bound_m), np.inf)))


def _figures(rows: pd.DataFrame, column: str) -> list[float]:
    return sorted({float(v) for v in rows[column].dropna()})


def strait_summary(straits: pd.DataFrame, *, depth_rule: str = "shallowest") -> pd.DataFrame:
    """One row per strait (index: strait id, in table order) from the one-row-per-source table.

    ``depth_rule`` chooses among sources' maximum depths (:func:`depth_class_of`); the chapter uses
    ``"shallowest"``.

    Names, shores and position come from the primary row; widths and depths are gathered from
    every source row. Columns: the primary row's name_en/name_ja/name_ru/between_a/between_b/side_a/
    side_b/connects/lat/lon, ``width_km`` (primary), ``widths_km`` (all sourced widths), ``max_depths_m``,
    ``depth_over_m`` (largest lower bound), ``sill_depth_m``, ``depth_class``, ``depth_basis``,
    ``depth_disputed``, ``n_sources``.
    """
    records = []
    for strait, rows in straits.groupby("strait", sort=False):
        primary = rows[rows["primary"].astype(bool)]
        if len(primary) != 1:
            raise ValueError(f"strait {strait!r} needs exactly one primary row, has {len(primary)}")
        p = primary.iloc[0]
        maxima = _figures(rows, "max_depth_m")
        bounds = _figures(rows, "max_depth_over_m")
        sills = _figures(rows, "sill_depth_m")
        sill = min(sills) if sills else None
        cls, basis, disputed = depth_class_of(maxima, bounds, sill, depth_rule=depth_rule)
        records.append({
            "strait": strait, "name_en": p["name_en"], "name_ja": p["name_ja"], "name_ru": p["name_ru"],
            "between_a": p["between_a"], "between_b": p["between_b"], "side_a": p["side_a"], "side_b": p["side_b"],
            "connects": p["connects"], "via": p["via"], "lat": p["lat"], "lon": p["lon"],
            "width_km": p["min_width_km"], "widths_km": _figures(rows, "min_width_km"),
            "max_depths_m": maxima, "depth_over_m": max(bounds) if bounds else float("nan"),
            "sill_depth_m": sill if sill is not None else float("nan"),
            "depth_class": cls, "depth_basis": basis, "depth_disputed": disputed, "n_sources": len(rows),
        })
    out = pd.DataFrame.from_records(records).set_index("strait")
    out["exit_depth_class"] = [route_depth_class(out, strait) for strait in out.index]
    return out


#: Depth classes from shallow to deep, for comparing along a route ("unknown" cannot be ranked).
_DEPTH_ORDER = ["shallow", "intermediate", "deep"]


def route(summary: pd.DataFrame, strait: str) -> list[str]:
    """The straits a ship passes from ``strait`` to the open sea: the strait, then its ``via`` chain.

    The Nemuro Strait reaches the Pacific only through the Izmeny/Notsuke channel, which opens into
    the South Kuril Strait: its route is ``["nemuro", "izmeny_notsuke", "south_kuril"]``. A loop in the
    chain raises ValueError.
    """
    out = [strait]
    via = summary.at[strait, "via"]
    while isinstance(via, str) and via:
        if via in out:
            raise ValueError(f"the via chain of {strait!r} loops at {via!r}")
        out.append(via)
        via = summary.at[via, "via"]
    return out


def route_depth_class(summary: pd.DataFrame, strait: str) -> str:
    """Depth class of the passage to the open sea through a strait: the shallowest strait on its route.

    Every strait on the :func:`route` limits it. A shallow strait anywhere makes the route shallow,
    whatever the others; otherwise an unknown class anywhere makes the route unknown (it could be the
    limiting one); otherwise the shallowest known class.
    """
    classes = [summary.at[s, "depth_class"] for s in route(summary, strait)]
    if "shallow" in classes:
        return "shallow"
    if "unknown" in classes:
        return "unknown"
    return min(classes, key=_DEPTH_ORDER.index)


def _fmt_list(values: list[float], skip: float | None = None) -> str:
    shown = [v for v in values if skip is None or pd.isna(skip) or v != float(skip)]
    return ", ".join(f"{v:,.1f}".rstrip("0").rstrip(".") for v in shown) or "–"


def strait_table(summary: pd.DataFrame) -> pd.DataFrame:
    """The straits for a page: names, shores, widths and depths with every source's figure, depth class."""
    def depth_text(r) -> str:
        parts = []
        if r["max_depths_m"]:
            parts.append(" / ".join(f"{d:,.0f}" for d in r["max_depths_m"]))
        if not pd.isna(r["depth_over_m"]):
            parts.append(f"over {r['depth_over_m']:,.0f}")
        return "; ".join(parts) or "–"

    def cls_text(r) -> str:
        text = DEPTH_CLASSES[r["depth_class"]]
        if r["depth_basis"] == "sill":  # a sill or a maintained fairway: the depth that limits passage
            depth = f"{r['sill_depth_m']:,.1f}".removesuffix(".0")
            text += f" (controlling depth {depth} m)"
        elif r["depth_basis"] == "lower bound":
            text += " (from a lower bound)"
        if r["depth_disputed"]:
            text += " – sources disagree"
        return text

    return pd.DataFrame({
        "Strait": summary["name_en"],
        "Japanese": summary["name_ja"].fillna("–"),
        "Russian": summary["name_ru"].fillna("–"),
        "Between": summary["between_a"] + " – " + summary["between_b"],
        "Width, km (main source)": summary["width_km"],
        "Other sources, km": [_fmt_list(w, p) for w, p in zip(summary["widths_km"], summary["width_km"])],
        "Maximum depth, m (all sources)": [depth_text(r) for _, r in summary.iterrows()],
        "Depth class": [cls_text(r) for _, r in summary.iterrows()],
        "On the maps": np.where(summary["lat"].notna(), "yes", "no position in sources"),
    }).reset_index(drop=True)


# --------------------------------------------------------------------------------------------------
# Weapon reach
# --------------------------------------------------------------------------------------------------

def drawn_ranges(weapons: pd.DataFrame) -> dict[str, list[float]]:
    """Distinct ranges (km) marked ``shown`` in the weapon_systems table, by system, ascending."""
    rows = weapons[weapons["shown"].astype(bool) & weapons["range_km"].notna()]
    return {s: sorted({float(v) for v in g["range_km"]}) for s, g in rows.groupby("system", sort=False)}


def _boundary_points(poly: BaseGeometry, spacing_km: float) -> np.ndarray:
    """Points every ~spacing_km along the exterior ring(s) of a (multi)polygon, as lon/lat rows."""
    parts = getattr(poly, "geoms", [poly])
    pts = []
    for part in parts:
        ring = part.exterior
        step_deg = spacing_km / 111.0  # degrees of latitude; longitudes are closer at 45 N: denser, fine
        n = max(int(np.ceil(ring.length / step_deg)), 8)
        pts.append(np.array([ring.interpolate(i / n, normalized=True).coords[0] for i in range(n)]))
    return np.vstack(pts)


def reach_area(poly: BaseGeometry, radius_km: float, *, mode: str = "any", spacing_km: float = 3.0,
               n: int = 121) -> BaseGeometry:
    """Area (lon/lat polygon) within ``radius_km`` of an island whose launcher position is unknown.

    ``mode="any"``: reachable from *some* point of the island — the union of geodesic range rings
    centred every ``spacing_km`` along its coast, plus the island itself (a geodesic buffer).
    ``mode="all"``: reachable from *every* point of the island — the intersection of the rings
    centred on the vertices of its convex hull (the farthest point of a shape from any outside
    point is a hull vertex). Results are cached by the polygon's geometry, radius and settings.
    """
    if radius_km <= 0:
        raise ValueError("radius_km must be positive")
    if mode not in ("any", "all"):
        raise ValueError(f"mode must be 'any' or 'all', not {mode!r}")
    return _reach_area(shapely.to_wkb(poly), float(radius_km), mode, float(spacing_km), int(n))


@lru_cache(maxsize=128)
def _reach_area(wkb: bytes, radius_km: float, mode: str, spacing_km: float, n: int) -> BaseGeometry:
    poly = shapely.from_wkb(wkb)
    if mode == "any":
        centres = _boundary_points(poly, spacing_km)
        rings = [geo.range_ring(lon, lat, radius_km, n=n) for lon, lat in centres]
        return unary_union([*rings, poly])
    if mode == "all":
        hull = MultiPoint(_boundary_points(poly, spacing_km)).convex_hull
        vertices = np.asarray(hull.exterior.coords)[:-1] if isinstance(hull, Polygon) else np.asarray(hull.coords)
        rings = [geo.range_ring(lon, lat, radius_km, n=n) for lon, lat in vertices]
        return shapely.intersection_all(rings)
    raise AssertionError(mode)  # checked by reach_area


def inside(area: BaseGeometry, lons, lats) -> np.ndarray:
    """Whether each lon/lat point lies inside ``area`` (missing coordinates -> False)."""
    lons = np.asarray(lons, dtype=float)
    lats = np.asarray(lats, dtype=float)
    ok = ~(np.isnan(lons) | np.isnan(lats))
    out = np.zeros(lons.shape, dtype=bool)
    out[ok] = shapely.contains_xy(area, lons[ok], lats[ok])
    return out


def land_polygon(lon: float, lat: float, *, max_km: float = 5.0) -> Polygon:
    """The Natural Earth land polygon at (or within ``max_km`` of) a point; ValueError when none."""
    poly = geo.polygon_at(float(lon), float(lat), max_km=max_km)
    if poly is None:
        raise ValueError(f"no land within {max_km} km of {lat:.3f} N {lon:.3f} E")
    return poly


def deployment_polygons(sites: pd.DataFrame, isl: pd.DataFrame, kind: str = "coastal_missile") -> dict[str, Polygon]:
    """Island polygon of every site of a kind (default: coastal missile units).

    A site's own point is used when the table has one (a town or island point is enough to find the
    island); otherwise the position of its island in the islands table. Sites with neither are skipped.
    """
    positions = isl.dropna(subset=["lat", "lon"]).set_index("id")[["lon", "lat"]]
    out = {}
    for row in sites[sites["kind"] == kind].itertuples():
        if not pd.isna(row.lat):
            out[row.id] = land_polygon(row.lon, row.lat)
        elif row.island in positions.index:
            out[row.id] = land_polygon(*positions.loc[row.island])
    return out


# --------------------------------------------------------------------------------------------------
# Distances
# --------------------------------------------------------------------------------------------------

def distance_matrix(origins: pd.DataFrame, targets: pd.DataFrame, *, label: str = "id") -> pd.DataFrame:
    """Geodesic distance (km) from every origin (rows) to every target (columns); needs lon/lat columns."""
    out = pd.DataFrame(index=origins[label], columns=targets[label], dtype=float)
    for o in origins.itertuples():
        for t in targets.itertuples():
            out.at[getattr(o, label), getattr(t, label)] = geo.distance_km(o.lon, o.lat, t.lon, t.lat)
    return out


def distance_to_land_km(lon: float, lat: float, poly: BaseGeometry, *, spacing_km: float = 1.0) -> float:
    """Geodesic distance (km) from a point to the nearest coast of a polygon (0 inside it)."""
    if poly.contains(Point(lon, lat)):
        return 0.0
    pts = _boundary_points(poly, spacing_km)
    _, _, metres = geo.GEOD.inv(np.full(len(pts), lon), np.full(len(pts), lat), pts[:, 0], pts[:, 1])
    return float(np.min(metres)) / 1000.0


def coverage_table(deployments: dict[str, Polygon], sites: pd.DataFrame, ranges: dict[str, list[float]],
                   points: pd.DataFrame) -> pd.DataFrame:
    """For each deployment and drawn range: which points are in reach from some/every point of the island.

    ``points`` needs id, lon, lat. Returns one row per (site, system, range) with the ids of the points
    within reach from *every* point of the island (``always``) and from *some* point (``possibly``).
    """
    systems = sites.set_index("id")["system"]
    records = []
    for site_id, poly in deployments.items():
        for radius in ranges.get(systems[site_id], []):
            every = inside(reach_area(poly, radius, mode="all"), points["lon"], points["lat"])
            some = inside(reach_area(poly, radius, mode="any"), points["lon"], points["lat"])
            records.append({"site": site_id, "system": systems[site_id], "range_km": radius,
                            "always": list(points["id"][every]), "possibly": list(points["id"][some & ~every])})
    return pd.DataFrame.from_records(records)


# --------------------------------------------------------------------------------------------------
# Maps (presentation: extents, label offsets and looks are choices, not data)
# --------------------------------------------------------------------------------------------------

#: Vladivostok to Kamchatka with the whole Sea of Okhotsk, drawn as a fan (maps.fan_boundary).
OVERVIEW = (128.0, 164.0, 39.5, 60.5)
#: Hokkaido and Honshu's tip to Kamchatka: every strait with a position.
GATES = (138.5, 160.5, 40.0, 53.5)
#: The reach of the coastal missiles and the Japanese and US sites in range.
COVERAGE = (138.5, 161.5, 39.5, 55.0)
#: Northern Japan and the southern Kurils: distances from Japanese and US sites.
REACH = (139.0, 150.5, 40.0, 46.6)
#: The southern Kurils up to Bussol Strait: panels of the control scenarios.
SCENARIO_EXTENT = (143.2, 152.3, 42.6, 47.4)

#: Short strait labels for maps (the table gives the full names in three languages).
STRAIT_LABELS = {
    "la_perouse": "La Pérouse / Soya", "tsugaru": "Tsugaru", "nemuro": "Nemuro / Kunashir",
    "izmeny_notsuke": "Izmeny / Notsuke", "catherine": "Catherine / Yekaterina", "vries": "Vries / Friza",
    "bussol": "Bussol", "diana": "Diana", "rikord": "Rikord", "srednego": "Srednego", "nadezhda": "Nadezhda",
    "kruzenshtern": "Kruzenshtern", "fourth_kuril": "Fourth Kuril", "second_kuril": "Second Kuril",
    "first_kuril": "First Kuril", "nevelskoy": "Nevelskoy (Tatar Strait)", "south_kuril": "South Kuril",
}
#: Where each strait label sits relative to the strait (dlon, dlat, ha) on the gates map.
STRAIT_LABEL_OFFSETS = {
    "la_perouse": (-0.35, 0.25, "right"), "tsugaru": (-0.35, -0.2, "right"),
    "nemuro": (-0.35, 0.45, "right"), "izmeny_notsuke": (0.35, -0.55, "left"),
    "catherine": (0.35, -0.45, "left"), "vries": (-0.3, 0.45, "right"), "bussol": (-0.3, 0.4, "right"),
    "diana": (0.35, -0.35, "left"), "nadezhda": (-0.3, 0.35, "right"), "kruzenshtern": (0.35, -0.35, "left"),
    "fourth_kuril": (-0.35, 0.3, "right"), "second_kuril": (-0.35, 0.35, "right"),
    "first_kuril": (0.4, -0.3, "left"), "nevelskoy": (0.45, 0.0, "left"),
}

DEPTH_LOOK = {  # fill colour, edge colour: light to dark with depth; hollow when unknown
    "shallow": ("#F0E442", "#222222"), "intermediate": ("#56B4E9", "#222222"),
    "deep": ("#0072B2", "#222222"), "unknown": ("#FFFFFF", "#595959"),
}
CONTROL_LOOK = {  # colour, marker: colour and shape both carry the status
    "russian": ("#0072B2", "o"), "divided": ("#E69F00", "D"), "japanese": ("#D55E00", "s"),
}
CONTROL_LABELS = {"russian": "Russian land on both shores", "divided": "One shore each",
                  "japanese": "Japanese land on both shores"}


def _legend(ax, handles, *, loc, title=None, fontsize=8.5, **kwargs):
    leg = ax.legend(handles=handles, loc=loc, fontsize=fontsize, title=title, title_fontsize=fontsize,
                    frameon=True, framealpha=0.94, edgecolor="#CCCCCC", **kwargs)
    leg.set_zorder(20)
    if title:
        leg.get_title().set_fontweight("bold")
    return leg


def _marker(label, *, color, marker="o", edge="#222222", size=7, fill=True):
    from matplotlib.lines import Line2D

    return Line2D([], [], linestyle="none", marker=marker, markersize=size, markeredgecolor=edge,
                  markerfacecolor=color if fill else "white", markeredgewidth=1.2 if not fill else 0.7, label=label)


def _graticule(ax):
    """Faint unlabelled meridians and parallels for thematic maps, whose places are named on the map.

    Cartopy's gridline labels take about half of a map's drawing time; the reference maps keep them.
    """
    import cartopy.crs as ccrs

    ax.gridlines(crs=ccrs.PlateCarree(), draw_labels=False, linewidth=0.4, color="#BBBBBB", alpha=0.8)


def _site_point(ax, row, *, color, marker="o", size=7, zorder=7):
    """A site marker: filled where the point is the site itself, hollow where it only locates the town/island."""
    from kurils import maps

    hollow = row["position_basis"] != "site"
    return maps.point(ax, float(row["lon"]), float(row["lat"]), color="white" if hollow else color, marker=marker,
                      size=size, zorder=zorder, edgecolor=color if hollow else "white",
                      edgewidth=1.6 if hollow else 0.7)


def overview_map(isl, sites, polys):
    """The region: Sea of Okhotsk, Kuril chain, disputed islands, the Pacific Fleet's two main bases."""
    from kurils import maps, style

    fig, ax = maps.base_map(OVERVIEW, figsize=(8.0, 6.6))
    maps.fan_boundary(ax, OVERVIEW)
    maps.highlight(ax, polys)
    bases = sites.set_index("id").loc[["pacific_fleet_hq_vladivostok", "rybachiy_ssbn_base"]]
    looks = {"pacific_fleet_hq_vladivostok": ("Vladivostok: Pacific Fleet\nHQ and main base", 0.45, 0.75, "left"),
             "rybachiy_ssbn_base": ("Vilyuchinsk (Rybachiy):\nSSBN base", -1.5, 0.05, "right")}
    for site_id, row in bases.iterrows():
        _site_point(ax, row, color=style.ROLE_COLOURS["russia"], marker="*", size=13)
        text, dx, dy, ha = looks[site_id]
        maps.label(ax, float(row["lon"]), float(row["lat"]), text, dx=dx, dy=dy, ha=ha, size=9, weight="bold",
                   color=style.ROLE_COLOURS["russia"])
    maps.region_labels(ax, [
        (149.2, 55.6, "Sea of Okhotsk", "sea"), (155.5, 44.6, "Pacific Ocean", "sea"),
        (136.0, 40.9, "Sea of Japan", "sea"), (142.6, 43.35, "Hokkaido", "land"), (143.0, 50.3, "Sakhalin", "land"),
        (159.0, 56.5, "Kamchatka", "land"), (151.8, 47.3, "Kuril Islands", "sea"), (134.5, 51.5, "RUSSIA", "country"),
        (140.6, 40.2, "JAPAN", "country"),
    ])
    from matplotlib.patches import Patch
    _legend(ax, [Patch(facecolor=style.ROLE_COLOURS["disputed"], edgecolor=style.INK, linewidth=0.4,
                       label="The four disputed islands"),
                 _marker("Russian naval base (point at the base)", color=style.ROLE_COLOURS["russia"], marker="*", size=11),
                 _marker("Russian naval base (point at its town)", color=style.ROLE_COLOURS["russia"], marker="*",
                         size=11, fill=False, edge=style.ROLE_COLOURS["russia"])],
            loc="upper center", bbox_to_anchor=(0.5, -0.045), ncol=2)
    maps.world_inset(fig, [0.79, 0.25, 0.16, 0.16], OVERVIEW)
    return fig


def gates_map(summary):
    """Every strait with a sourced position, coloured by depth class."""
    from kurils import maps, style

    fig, ax = maps.base_map(GATES, figsize=(8.0, 6.9), gridlines=False)
    _graticule(ax)
    maps.fan_boundary(ax, GATES)
    located = summary[summary["lat"].notna()]
    for strait, r in located.iterrows():
        fill, edge = DEPTH_LOOK[r["depth_class"]]
        maps.point(ax, float(r["lon"]), float(r["lat"]), color=fill, size=8, zorder=8, edgecolor=edge,
                   edgewidth=1.0)
        dx, dy, ha = STRAIT_LABEL_OFFSETS[strait]
        text = STRAIT_LABELS[strait] + ("*" if r["depth_disputed"] else "")
        maps.label(ax, float(r["lon"]), float(r["lat"]), text, dx=dx, dy=dy, ha=ha, size=8.5, zorder=9)
    maps.region_labels(ax, [(149.0, 51.5, "Sea of Okhotsk", "sea"), (153.0, 44.5, "Pacific Ocean", "sea"),
                            (139.8, 43.3, "Sea of\nJapan", "sea"), (142.8, 43.4, "Hokkaido", "land"),
                            (142.8, 50.0, "Sakhalin", "land"), (158.8, 53.0, "Kamchatka", "land")])
    handles = [_marker(f"{DEPTH_CLASSES[c]}", color=DEPTH_LOOK[c][0], edge=DEPTH_LOOK[c][1], size=8)
               for c in DEPTH_CLASSES]
    leg = _legend(ax, handles, loc="lower right", title="Strait depth (see the rule in the text)")
    disputed = located[located["depth_disputed"]]
    if len(disputed):
        ax.text(0.985, 0.015, "* sources disagree: shown by the shallowest figure", transform=ax.transAxes,
                ha="right", va="bottom", fontsize=8, color=style.MUTED, zorder=21)
        leg.set_bbox_to_anchor((1.0, 0.05), transform=ax.transAxes)
    return fig


def closeup_map(isl, sites, places, polys, summary):
    """The four islands: names in three languages, settlements, airfields, located military sites."""
    from kurils import maps, style

    fig, ax = maps.base_map(maps.SOUTH_KURILS, figsize=(8.0, 7.4))
    maps.highlight(ax, polys)
    maps.island_labels(ax, isl)
    maps.region_labels(ax, [(144.95, 43.55, "Hokkaido", "land"), (146.0, 45.5, "Sea of Okhotsk", "sea"),
                            (148.4, 43.6, "Pacific Ocean", "sea")])
    russia = style.ROLE_COLOURS["russia"]
    # straits inside the frame, as water names
    lon0, lon1, lat0, lat1 = maps.SOUTH_KURILS
    water = {"nemuro": (-0.05, 0.3, "right"), "izmeny_notsuke": (0.05, -0.12, "left"),
             "catherine": (0.3, -0.28, "left"), "vries": (-0.1, 0.12, "right")}
    for strait, (dx, dy, ha) in water.items():
        r = summary.loc[strait]
        maps.label(ax, float(r["lon"]), float(r["lat"]), STRAIT_LABELS[strait] + "\nStrait", dx=dx, dy=dy, ha=ha,
                   size=8, italic=True, color=style.OKABE_ITO["blue"])
    for row in places.dropna(subset=["lat", "lon"]).itertuples():
        marker = "^" if row.kind == "airport" else "o"
        maps.point(ax, row.lon, row.lat, color=style.INK, marker=marker, size=6, zorder=8)
    place_text = {"kurilsk": ("Kurilsk", -0.06, 0.07, "right"), "yuzhno_kurilsk": ("Yuzhno-Kurilsk", 0.07, 0.0, "left"),
                  "mendeleyevo_airport": ("Mendeleyevo airport", -0.07, -0.06, "right")}
    for pid, (text, dx, dy, ha) in place_text.items():
        r = places.set_index("id").loc[pid]
        maps.label(ax, float(r["lon"]), float(r["lat"]), text, dx=dx, dy=dy, ha=ha, size=8.5)
    located = sites[sites["island"].isin(DISPUTED) & sites["lat"].notna()].set_index("id")
    site_text = {"burevestnik_airbase": ("Burevestnik air base", -0.06, -0.1, "right", "^"),
                 "iturup_yasny_airfield": (f"Iturup (Yasny) airport:\nSu-35S since {sites.set_index('id').at['iturup_yasny_airfield', 'since'].year}", 0.08, -0.02, "left", "^"),
                 "goryachiye_klyuchi_18mgad_hq": ("18th Division HQ\n(Goryachiye Klyuchi)", 0.1, -0.12, "left", "s")}
    for sid, (text, dx, dy, ha, marker) in site_text.items():
        r = located.loc[sid]
        _site_point(ax, r, color=russia, marker=marker, size=8, zorder=9)
        maps.label(ax, float(r["lon"]), float(r["lat"]), text, dx=dx, dy=dy, ha=ha, size=8.5, color=russia,
                   weight="bold")
    missing = sites[sites["island"].isin(DISPUTED) & sites["lat"].isna()]
    lines = [f"• {n.split(',')[0]}" for n in missing["name"]]
    handles = [_marker("Settlement", color=style.INK, size=6), _marker("Civil airport", color=style.INK, marker="^", size=6),
               _marker("Russian airfield (point at the site)", color=russia, marker="^", size=8),
               _marker("Russian HQ (point at its village)", color=russia, marker="s", size=8, fill=False, edge=russia)]
    _legend(ax, handles, loc="upper left", bbox_to_anchor=(0.0, -0.05))
    ax.text(0.5, -0.05, "Reported on the islands, but no source gives\na position (not drawn):\n" + "\n".join(lines),
            transform=ax.transAxes, ha="left", va="top", fontsize=8.5, color=style.INK, zorder=21, linespacing=1.35,
            bbox=dict(boxstyle="round,pad=0.45", facecolor="white", edgecolor="#CCCCCC"))
    return fig


def coverage_map(deployments, sites, ranges, summary):
    """Reach of the coastal missiles from the islands they are on (launcher positions unknown)."""
    from kurils import maps, style

    fig, ax = maps.base_map(COVERAGE, figsize=(8.0, 7.2), gridlines=False)
    _graticule(ax)
    maps.fan_boundary(ax, COVERAGE)
    systems = sites.set_index("id")["system"]
    colours = {"bastion_p": style.OKABE_ITO["blue"], "bal": style.OKABE_ITO["sky_blue"]}
    island_text = {"iturup_bastion": ("Iturup: Bastion", 0.7, -0.45, "left"), "kunashir_bal": ("Kunashir: Bal", 0.25, -0.5, "left"),
                   "matua_bastion": ("Matua: Bastion", -0.35, 0.25, "right"),
                   "paramushir_bastion": ("Paramushir: Bastion", -0.45, 0.2, "right")}
    for site_id, poly in deployments.items():
        radii = ranges[systems[site_id]]
        colour = colours[systems[site_id]]
        maps.areas(ax, [reach_area(poly, radii[0])], edgecolor=colour, facecolor=colour, alpha=0.12, linewidth=1.6,
                   zorder=3)
        for radius in radii[1:]:
            maps.areas(ax, [reach_area(poly, radius)], edgecolor=colour, linewidth=1.5, linestyle=(0, (4, 2.5)), zorder=3)
        maps.highlight(ax, [poly], color=colour, zorder=4)
        text, dx, dy, ha = island_text[site_id]
        c = poly.centroid
        maps.label(ax, c.x, c.y, text, dx=dx, dy=dy, ha=ha, size=8.5, weight="bold", color=style.INK, zorder=9)
    located = summary[summary["lat"].notna()]
    for _, r in located.iterrows():
        maps.point(ax, float(r["lon"]), float(r["lat"]), color="#FFFFFF", size=6, zorder=8, edgecolor=style.INK,
                   edgewidth=1.0)
    for row in sites[sites["country"].isin(["JP", "US"]) & sites["lat"].notna()].itertuples():
        colour = style.ROLE_COLOURS["japan" if row.country == "JP" else "usa"]
        _site_point(ax, sites.set_index("id").loc[row.id], color=colour, marker="s", size=7, zorder=9)
    maps.region_labels(ax, [(147.5, 52.3, "Sea of Okhotsk", "sea"), (156.0, 43.0, "Pacific Ocean", "sea"),
                            (142.6, 43.3, "Hokkaido", "land"), (158.8, 54.3, "Kamchatka", "land")])
    b, bal = ranges["bastion_p"], ranges["bal"]
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch
    handles = [Patch(facecolor=(0, 0.447, 0.698, 0.12), edgecolor=colours["bastion_p"], linewidth=1.6,
                     label=f"Bastion, {b[0]:,.0f} km from its island"),
               Line2D([], [], color=colours["bastion_p"], linewidth=1.5, linestyle=(0, (4, 2.5)),
                      label=f"Bastion, {b[-1]:,.0f} km (Russian MoD figure)"),
               Patch(facecolor=(0.337, 0.706, 0.914, 0.12), edgecolor=colours["bal"], linewidth=1.6,
                     label=f"Bal, {bal[0]:,.0f} km (Kh-35)"),
               Line2D([], [], color=colours["bal"], linewidth=1.5, linestyle=(0, (4, 2.5)),
                      label=f"Bal, {bal[-1]:,.0f} km (Kh-35U, if fitted)"),
               _marker("Strait", color="#FFFFFF", size=6),
               _marker("Japanese site", color=style.ROLE_COLOURS["japan"], marker="s"),
               _marker("US site (Misawa, joint base)", color=style.ROLE_COLOURS["usa"], marker="s")]
    _legend(ax, handles, loc="upper center", bbox_to_anchor=(0.5, -0.045), ncol=2)
    return fig


#: Short map labels of the Japanese and US sites and where they sit (dlon, dlat, ha).
SITE_LABELS = {
    "wakkanai_radar": ("Wakkanai", -0.15, 0.2, "right"), "abashiri_radar": ("Abashiri", 0.0, -0.22, "center"),
    "chitose_ab": ("Chitose", -0.15, 0.0, "right"), "ominato_radar": ("Ominato", -0.15, 0.0, "right"),
    "misawa_ab": ("Misawa", 0.15, 0.0, "left"),
}


def reach_map(jp_sites, target, polys):
    """Geodesic lines from Japanese and US sites to one Russian site on the islands, labelled in km."""
    from kurils import maps, style

    fig, ax = maps.base_map(REACH, figsize=(8.0, 6.6), gridlines=False)
    _graticule(ax)
    maps.fan_boundary(ax, REACH)
    maps.highlight(ax, polys)
    russia = style.ROLE_COLOURS["russia"]
    for row in jp_sites.itertuples():
        colour = style.ROLE_COLOURS["japan" if row.country == "JP" else "usa"]
        maps.geodesic_line(ax, row.lon, row.lat, target["lon"], target["lat"], color=colour, linewidth=1.3, zorder=5)
        km = geo.distance_km(row.lon, row.lat, target["lon"], target["lat"])
        # the distance sits a third of the way along the line, where the lines are still apart
        lon, lat = np.array(geo.GEOD.npts(row.lon, row.lat, target["lon"], target["lat"], 2)).reshape(-1, 2)[0]
        maps.label(ax, lon, lat, f"{km:,.0f} km", ha="center", size=8.5, color=colour, weight="bold", zorder=9)
        _site_point(ax, jp_sites.set_index("id").loc[row.id], color=colour, marker="s", size=8, zorder=10)
        text, dx, dy, ha = SITE_LABELS[row.id]
        maps.label(ax, row.lon, row.lat, text, dx=dx, dy=dy, ha=ha, size=9, weight="bold", zorder=10)
    _site_point(ax, target, color=russia, marker="^", size=10, zorder=10)
    maps.label(ax, float(target["lon"]), float(target["lat"]), f"Iturup (Yasny) airport:\nSu-35S since {target['since'].year}",
               dx=0.15, dy=0.3, ha="left", size=9, weight="bold", color=russia, zorder=10)
    maps.region_labels(ax, [(143.0, 43.4, "Hokkaido", "land"), (146.0, 45.6, "Sea of Okhotsk", "sea"),
                            (147.5, 42.2, "Pacific Ocean", "sea")])
    from matplotlib.patches import Patch
    handles = [_marker("Japanese site (point at the site)", color=style.ROLE_COLOURS["japan"], marker="s", size=8),
               _marker("Japanese site (point at a landmark beside it)", color=style.ROLE_COLOURS["japan"], marker="s",
                       size=8, fill=False, edge=style.ROLE_COLOURS["japan"]),
               _marker("US site (Misawa, joint base)", color=style.ROLE_COLOURS["usa"], marker="s", size=8),
               _marker("Russian airfield", color=russia, marker="^", size=9),
               Patch(facecolor=style.ROLE_COLOURS["disputed"], edgecolor=style.INK, linewidth=0.4,
                     label="The four disputed islands")]
    _legend(ax, handles, loc="upper center", bbox_to_anchor=(0.5, -0.045), ncol=2)
    return fig, ax


#: Strait names in the first panel of the small multiples (dlon, dlat, ha).
PANEL_LABELS = {"nemuro": (-0.35, 0.1, "right"), "izmeny_notsuke": (-0.35, -0.25, "right"),
                "catherine": (0.3, -0.35, "left"), "vries": (0.3, -0.35, "left"), "bussol": (-0.2, -0.5, "right")}


def scenario_multiples(summary, control_table, isl_polys, counts):
    """Small multiples: control of the southern straits in each scenario, with the counts per panel."""
    import matplotlib.pyplot as plt

    from kurils import maps, style

    fig = plt.figure(figsize=(8.0, 4.9))
    proj = maps.projection(SCENARIO_EXTENT)
    names = list(control_table.columns)
    located = summary[summary["lat"].notna()]
    lon0, lon1, lat0, lat1 = SCENARIO_EXTENT
    shown = located[located["lon"].between(lon0, lon1) & located["lat"].between(lat0, lat1)]
    for i, name in enumerate(names):
        ax = fig.add_subplot(2, 3, i + 1, projection=proj)
        maps.base_map(SCENARIO_EXTENT, ax=ax, gridlines=False)
        transferred = SCENARIOS[name]
        kept = [p for k, p in isl_polys.items() if k not in transferred]
        given = [p for k, p in isl_polys.items() if k in transferred]
        if kept:
            maps.highlight(ax, kept)
        if given:
            maps.highlight(ax, given, color=style.ROLE_COLOURS["japan"])
        for strait, r in shown.iterrows():
            colour, marker = CONTROL_LOOK[control_table.at[strait, name]]
            maps.point(ax, float(r["lon"]), float(r["lat"]), color=colour, marker=marker, size=7, zorder=8,
                       edgecolor="#222222", edgewidth=0.7)
        if i == 0:  # name the straits once, in the first panel
            for strait, (dx, dy, ha) in PANEL_LABELS.items():
                r = shown.loc[strait]
                maps.label(ax, float(r["lon"]), float(r["lat"]), STRAIT_LABELS[strait].split(" /")[0], dx=dx, dy=dy,
                           ha=ha, size=8, zorder=9)
        c = counts[name]
        ax.set_title(f"{chr(97 + i)}. {SCENARIO_TITLES[name]}", fontsize=8.5, loc="left", pad=3)
        ax.text(0.025, 0.965, f"Exits with Russian land on both\nshores: {c['russian']} of {c['total']}; of the "
                              f"deep\nones (over 1,000 m): {c['russian_deep']} of {c['deep']}",
                transform=ax.transAxes, fontsize=8, va="top", ha="left", zorder=21, linespacing=1.2,
                bbox=dict(boxstyle="round,pad=0.3", facecolor="white", edgecolor="#CCCCCC", alpha=0.94))
    ax = fig.add_subplot(2, 3, 6)
    ax.axis("off")
    from matplotlib.patches import Patch
    handles = [_marker(CONTROL_LABELS[k], color=v[0], marker=v[1], size=8) for k, v in CONTROL_LOOK.items()]
    handles += [Patch(facecolor=style.ROLE_COLOURS["disputed"], edgecolor=style.INK, linewidth=0.4,
                      label="Disputed island held by Russia"),
                Patch(facecolor=style.ROLE_COLOURS["japan"], edgecolor=style.INK, linewidth=0.4,
                      label="Disputed island passed to Japan")]
    leg = ax.legend(handles=handles, loc="center left", fontsize=8.5, frameon=False, title="Straits (markers)",
                    title_fontsize=8.5, borderaxespad=0)
    leg.get_title().set_fontweight("bold")
    fig.subplots_adjust(left=0.01, right=0.99, top=0.92, bottom=0.01, wspace=0.05, hspace=0.2)
    return fig


def pacific_exits(summary: pd.DataFrame) -> pd.Series:
    """Which straits are exits from the Sea of Okhotsk to the Pacific, counting a route once.

    A strait that is only the ``via`` of another (the Izmeny/Notsuke channel and the South Kuril
    Strait on the Nemuro route) is part of that exit, not an exit of its own.
    """
    vias = set(summary["via"].dropna())
    return (summary["connects"] == "okhotsk_pacific") & ~summary.index.isin(vias)


def combine_control(statuses: Iterable[str]) -> str:
    """Status of a route from the status of each strait on it: Russian (or Japanese) only if every
    strait on it is; anything else divided."""
    statuses = set(statuses)
    if statuses == {"russian"}:
        return "russian"
    if statuses == {"japanese"}:
        return "japanese"
    return "divided"


def route_control(summary: pd.DataFrame, control_table: pd.DataFrame) -> pd.DataFrame:
    """Status of every Okhotsk–Pacific exit (rows) under every scenario (columns), along its whole route.

    The Nemuro exit combines the Nemuro Strait, the Izmeny/Notsuke channel and the South Kuril Strait:
    a Japanese shore anywhere on the route keeps it from being Russian-only.
    """
    exits = summary.index[pacific_exits(summary)]
    routes = {e: route(summary, e) for e in exits}
    return pd.DataFrame({name: [combine_control(control_table.loc[routes[e], name]) for e in exits]
                         for name in control_table.columns}, index=exits)


def scenario_counts(summary: pd.DataFrame, control_table: pd.DataFrame) -> dict[str, dict[str, int]]:
    """Per scenario: Okhotsk–Pacific exits in the data, how many are Russian-only, and the same for deep ones.

    An exit is Russian-only when every strait on its route has Russian land on both shores
    (:func:`route_control`); it is deep when its whole route is deeper than 1,000 m (:func:`route_depth_class`).
    """
    exits = summary.index[pacific_exits(summary)]
    deep = summary.loc[exits, "exit_depth_class"] == "deep"
    status = route_control(summary, control_table)
    out = {}
    for name in control_table.columns:
        russian = status[name] == "russian"
        out[name] = {"total": len(exits), "russian": int(russian.sum()),
                     "deep": int(deep.sum()), "russian_deep": int((deep & russian).sum())}
    return out


def deep_exits(straits: pd.DataFrame, *, depth_rule: str = "shallowest") -> pd.DataFrame:
    """The Okhotsk–Pacific exits with their depth figures and route depth class under a depth rule.

    ``straits`` is the one-row-per-source table (data/straits.csv); ``depth_rule`` is ``"shallowest"``
    (the chapter's rule) or ``"deepest"`` (:func:`depth_class_of`). One row per exit (index: strait id), in
    table order: its name or route, every source's maximum depth on the route, the depth class of its whole route
    (:func:`route_depth_class`) and whether that route is deep (over 1,000 m all the way).
    """
    summary = strait_summary(straits, depth_rule=depth_rule)
    exits = summary.index[pacific_exits(summary)]

    def figures(strait: str) -> str:
        r = summary.loc[strait]
        parts = [f"{d:,.0f}" for d in r["max_depths_m"]]
        if not pd.isna(r["depth_over_m"]):
            parts.append(f"over {r['depth_over_m']:,.0f}")
        return " / ".join(parts) or "–"

    routes = {e: route(summary, e) for e in exits}
    return pd.DataFrame({
        "Exit (route)": [STRAIT_LABELS[e] if len(routes[e]) == 1 else
                         " → ".join(STRAIT_LABELS[s].split(" /")[0] for s in routes[e]) for e in exits],
        "Depths, m (all sources)": ["; ".join(figures(s) for s in routes[e]) for e in exits],
        "Route depth": [DEPTH_CLASSES[summary.at[e, "exit_depth_class"]] for e in exits],
        "Deep": [summary.at[e, "exit_depth_class"] == "deep" for e in exits],
    }, index=list(exits))


def reach_table(a: Analysis, sites: pd.DataFrame, range_km: float | Iterable[float], *,
                deployment: str = "iturup_bastion") -> pd.DataFrame:
    """What a coastal-missile battery would reach at a chosen range, from the island it stands on.

    ``range_km`` is one range or several, in km (a figure from data/weapon_systems.csv or any other);
    ``deployment`` is a coastal-missile site id of :attr:`Analysis.deployments`. Computed exactly as the
    chapter's coverage table (:func:`coverage_summary`: geodesic, launcher position unknown). One row per
    strait or Japanese/US site in reach at some chosen range ("every point": in reach wherever on the
    island the launcher stands; "some point": only from part of the island; "–": out of reach), then a
    last row with the share of Hokkaido's land in reach (from some point / from every point), one column
    per range, ascending.
    """
    radii = sorted({float(range_km)} if np.isscalar(range_km) else {float(r) for r in range_km})
    system = sites.set_index("id").at[deployment, "system"]
    cov = coverage_summary({deployment: a.deployments[deployment]}, sites, {system: radii}, a.summary, a.hokkaido)
    labels = cov.attrs["labels"]
    columns, order = {}, []
    for r in cov.itertuples():
        every, some = set(r.straits_always + r.japan_always), set(r.straits_possibly + r.japan_possibly)
        for place in r.straits_always + r.straits_possibly + r.japan_always + r.japan_possibly:
            if place not in order:
                order.append(place)
        columns[f"{r.range_km:,.0f} km"] = (every, some, f"{r.hokkaido_any_pct:,.0f} / {r.hokkaido_all_pct:,.0f}")
    rank = {p: i for i, p in enumerate(list(a.summary.index) + list(sites["id"]))}
    order.sort(key=rank.get)
    table = pd.DataFrame({name: ["every point" if p in every else "some point" if p in some else "–" for p in order]
                          + [share] for name, (every, some, share) in columns.items()},
                         index=[labels.get(p, p) for p in order] + ["Hokkaido's land in reach, % (some / every point)"])
    table.index.name = f"In reach of {DEPLOYMENT_LABELS.get(deployment, deployment)}"
    return table


def strait_changes(control_table: pd.DataFrame, scenario: str, base: str = "status_quo") -> list[str]:
    """Straits (every row of the control table, exits or not) whose status differs from ``base`` in a scenario."""
    return list(control_table.index[control_table[scenario] != control_table[base]])


# --------------------------------------------------------------------------------------------------
# Tables and a chart for the page
# --------------------------------------------------------------------------------------------------

KIND_LABELS = {"naval_base": "naval base", "hq": "headquarters", "airfield": "airfield", "garrison": "garrison",
               "coastal_missile": "coastal missiles", "air_defence": "air defence", "radar": "radar",
               "coast_observation": "coast observation"}
POSITION_LABELS = {"site": "at the site", "landmark": "landmark beside it", "town": "its town or village",
                   "island": "its island"}
COUNTRY_LABELS = {"RU": "Russia", "JP": "Japan", "US": "United States"}
#: Short names of the coastal-missile deployments for tables and text.
DEPLOYMENT_LABELS = {"iturup_bastion": "Bastion on Etorofu/Iturup", "kunashir_bal": "Bal on Kunashiri/Kunashir",
                     "matua_bastion": "Bastion on Matua", "paramushir_bastion": "Bastion on Paramushir"}
#: Who gave each range figure, for the range chart (the table links every source).
RANGE_SOURCE_LABELS = {
    "bastion_p_csis": "CSIS 2016", "bastion_p_sputnik": "Sputnik", "bastion_p_reuters": "Russian MoD via Reuters",
    "bastion_p_csis_matua": "CSIS 2021 (Matua)", "bastion_p_jp_cabinet_2016": "Japan's Cabinet 2016",
    "bastion_p_prensa_latina": "Prensa Latina", "yakhont_kyodo_2011": "Kyodo 2011 (plan)",
    "mt_bal_bastion_450": "Moscow Times (both)", "bal_kh35": "Sputnik (Kh-35)", "bal_kh35u": "RT (Kh-35U)",
    "bal_jp_cabinet_2016": "Japan's Cabinet 2016",
}


def join_and(items) -> str:
    """'a', 'a and b', 'a, b and c' (empty -> 'none')."""
    items = [str(i) for i in items]
    if not items:
        return "none"
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _link(title: str, url: str):
    """A source link (markupsafe.Markup, escaped parts): kurils.text.table keeps it as HTML."""
    from kurils.text import link

    return link(url, title)


#: How the submarine counts of region_facts read in a table.
SSBN_WORDS = {"ssbn_count": "SSBNs", "delta3_count": "Delta III SSBNs", "borei_count": "Borei SSBNs",
              "boats_delivered": "Bulava-carrying submarines in service (all fleets)"}


def ssbn_table(facts: pd.DataFrame) -> pd.DataFrame:
    """Pacific strategic-submarine counts and boat movements from region_facts, each with its date and source."""
    from kurils import text

    rows = facts[facts["unit"].eq("date") | facts["metric"].isin(list(SSBN_WORDS))]
    rows = rows.assign(_when=rows["as_of"].fillna(pd.Timestamp.max)).sort_values("_when")
    when = [text.fmt_date(d, p) if not pd.isna(d) else "undated" for d, p in
            zip(rows["as_of"], rows["as_of_precision"].fillna("day"))]
    what = [t if isinstance(t, str) else f"{v:,.0f} {SSBN_WORDS[m]}" for t, m, v in
            zip(rows["value_text"], rows["metric"], rows["value"])]
    return pd.DataFrame({"When": when, "Subject": rows["subject"].to_list(), "Reported": what,
                         "Source": [_link(t, u) for t, u in zip(rows["source_title"], rows["source_url"])]})


def sites_table(sites: pd.DataFrame) -> pd.DataFrame:
    """Military sites for a page: name, country, kind, since when, what the position is, source link."""
    from kurils import text

    since = [text.fmt_date(d, p) if not pd.isna(d) else "–" for d, p in zip(sites["since"], sites["since_precision"].fillna("day"))]
    return pd.DataFrame({
        "Site": sites["name"],
        "Country": sites["country"].map(COUNTRY_LABELS),
        "Kind": sites["kind"].map(KIND_LABELS),
        "Since": since,
        "Map position": [POSITION_LABELS.get(p, "not in any source") if isinstance(p, str) else "not in any source"
                         for p in sites["position_basis"]],
        "Source": [_link(t, u) for t, u in zip(sites["source_title"], sites["source_url"])],
    }).reset_index(drop=True)


def ranges_table(weapons: pd.DataFrame) -> pd.DataFrame:
    """Every range figure with what it measures, whether the maps draw it, and its source."""
    def figure(r) -> str:
        if pd.isna(r["range_km"]):
            return "not found"
        low = "" if pd.isna(r["range_km_low"]) else f"{r['range_km_low']:,.0f}–"
        return f"{low}{r['range_km']:,.0f}"

    return pd.DataFrame({
        "System": weapons["name"],
        "Figure, km": [figure(r) for _, r in weapons.iterrows()],
        "Measures": weapons["quantity"].str.replace("_", " "),
        "Drawn": np.where(weapons["shown"].astype(bool), "yes", "no"),
        "Source": [_link(t, u) for t, u in zip(weapons["source_title"], weapons["source_url"])],
    }).reset_index(drop=True)


def ranges_chart(weapons: pd.DataFrame):
    """Dot chart of the coastal-missile range figures, one row per source: filled = drawn on the maps."""
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D

    from kurils import style

    rows = weapons[weapons["kind"].eq("coastal_anti_ship") & weapons["range_km"].notna()].copy()
    groups = {"bastion_p": ("Bastion", style.OKABE_ITO["blue"]), "bal_and_bastion": ("Bal + Bastion", style.MUTED),
              "bal": ("Bal", style.OKABE_ITO["sky_blue"])}
    rows["group"] = pd.Categorical(rows["system"], categories=list(groups), ordered=True)
    rows = rows.sort_values(["group", "range_km"], ascending=[False, True]).reset_index(drop=True)
    fig, ax = plt.subplots(figsize=(8.0, 0.42 * len(rows) + 1.3))
    for y, r in rows.iterrows():
        name, colour = groups[r["system"]]
        if not pd.isna(r["range_km_low"]):
            ax.plot([r["range_km_low"], r["range_km"]], [y, y], color=colour, linewidth=2.2, zorder=2)
        drawn = bool(r["shown"])
        ax.plot(r["range_km"], y, marker="o", markersize=9, linestyle="none", zorder=3,
                markerfacecolor=colour if drawn else "white", markeredgecolor=colour, markeredgewidth=1.8)
        low = "" if pd.isna(r["range_km_low"]) else f"{r['range_km_low']:,.0f}–"
        ax.annotate(f"{low}{r['range_km']:,.0f} km", (r["range_km"], y), xytext=(9, 0), textcoords="offset points",
                    va="center", fontsize=8.5, color=style.INK)
    ax.set_yticks(range(len(rows)), [f"{groups[s][0]} · {RANGE_SOURCE_LABELS.get(i, t)}"
                                     for s, i, t in zip(rows["system"], rows["id"], rows["source_title"])])
    ax.set_ylim(-0.7, len(rows) - 0.3)
    ax.set_xlim(0, rows["range_km"].max() * 1.18)
    ax.set_xlabel("Range stated by the source (km)")
    ax.grid(axis="y", visible=False)
    ax.grid(axis="x", visible=True)
    ax.legend(handles=[Line2D([], [], marker="o", linestyle="none", markerfacecolor=style.MUTED,
                              markeredgecolor=style.MUTED, markersize=8, label="drawn on the maps"),
                       Line2D([], [], marker="o", linestyle="none", markerfacecolor="white", markeredgecolor=style.MUTED,
                              markeredgewidth=1.8, markersize=8, label="kept, not drawn (reason in the data)")],
              loc="upper center", bbox_to_anchor=(0.5, -0.17), ncol=2, fontsize=8.5)
    ax.set_title("Coastal-missile ranges as each source states them")
    fig.subplots_adjust(left=0.37, right=0.97)  # room for the source names inside the figure's width
    return fig


def hokkaido_share_pct(area: BaseGeometry, hokkaido: Polygon) -> float:
    """Share (%) of Hokkaido's land (Natural Earth polygon) inside an area, measured geodesically."""
    part = area.intersection(hokkaido)
    return 100.0 * (geo.geodesic_area_km2(part) if not part.is_empty else 0.0) / geo.geodesic_area_km2(hokkaido)


def _names(ids, labels) -> str:
    ids = list(ids)
    return ", ".join(labels.get(i, i) for i in ids) if ids else "none"


def coverage_summary(deployments: dict[str, Polygon], sites: pd.DataFrame, ranges: dict[str, list[float]],
                     summary: pd.DataFrame, hokkaido: Polygon) -> pd.DataFrame:
    """Per deployment and drawn range: straits and Japanese/US sites in reach, and Hokkaido's share in reach."""
    straits = summary[summary["lat"].notna()].reset_index()[["strait", "lon", "lat"]].rename(columns={"strait": "id"})
    japan = sites[sites["country"].isin(["JP", "US"]) & sites["lat"].notna()][["id", "lon", "lat"]]
    points = pd.concat([straits, japan], ignore_index=True)
    cov = coverage_table(deployments, sites, ranges, points)
    labels = {**STRAIT_LABELS, **{k: v[0] for k, v in SITE_LABELS.items()}}
    is_strait = set(straits["id"])
    rows = []
    for r in cov.itertuples():
        poly = deployments[r.site]
        rows.append({
            "site": r.site, "range_km": r.range_km,
            "straits_always": [i for i in r.always if i in is_strait],
            "straits_possibly": [i for i in r.possibly if i in is_strait],
            "japan_always": [i for i in r.always if i not in is_strait],
            "japan_possibly": [i for i in r.possibly if i not in is_strait],
            "hokkaido_any_pct": hokkaido_share_pct(reach_area(poly, r.range_km, mode="any"), hokkaido),
            "hokkaido_all_pct": hokkaido_share_pct(reach_area(poly, r.range_km, mode="all"), hokkaido),
        })
    out = pd.DataFrame(rows)
    out.attrs["labels"] = labels
    return out


def coverage_display(cov: pd.DataFrame) -> pd.DataFrame:
    """The coverage summary for a page, with names instead of ids."""
    labels = cov.attrs["labels"]
    return pd.DataFrame({
        "Deployment": cov["site"].map(DEPLOYMENT_LABELS),
        "Range drawn, km": cov["range_km"],
        "Straits in reach wherever on the island the launcher stands": [_names(v, labels) for v in cov["straits_always"]],
        "Further straits in reach from some point of the island": [_names(v, labels) for v in cov["straits_possibly"]],
        "Japanese and US sites in reach (from some point)": [_names(a + p, labels) for a, p in
                                                              zip(cov["japan_always"], cov["japan_possibly"])],
        "Hokkaido's land in reach, % (some point / every point)": [f"{a:,.0f} / {b:,.0f}" for a, b in
                                                                   zip(cov["hokkaido_any_pct"], cov["hokkaido_all_pct"])],
    })


def distance_table(jp_sites: pd.DataFrame, ru_sites: pd.DataFrame, coasts: dict[str, Polygon]) -> pd.DataFrame:
    """Geodesic km from each Japanese/US site (rows) to Russian sites and to the nearest coast of islands."""
    short = {"burevestnik_airbase": "Burevestnik air base", "iturup_yasny_airfield": "Iturup (Yasny) airport",
             "goryachiye_klyuchi_18mgad_hq": "18th Division HQ (village)"}
    out = distance_matrix(jp_sites, ru_sites).rename(columns=short)
    for name, poly in coasts.items():
        out[f"Nearest coast of {name}"] = [distance_to_land_km(r.lon, r.lat, poly) for r in jp_sites.itertuples()]
    out.index = [SITE_LABELS[i][0] for i in out.index]
    out.index.name = "From"
    return out


def scenario_display(summary: pd.DataFrame, control_table: pd.DataFrame) -> pd.DataFrame:
    """The Okhotsk–Pacific exits with their route, route depth class and status in every scenario.

    The status of an exit is that of its whole route (:func:`route_control`).
    """
    exits = summary[pacific_exits(summary)]
    status = route_control(summary, control_table)
    words = {"russian": "Russian", "divided": "divided", "japanese": "Japanese"}
    out = pd.DataFrame({"Exit": [STRAIT_LABELS[s] + (" (via " + " and ".join(STRAIT_LABELS[v].split(" /")[0]
                                                                              for v in route(summary, s)[1:]) + ")"
                                                      if len(route(summary, s)) > 1 else "")
                                 for s in exits.index],
                        "Route depth": exits["exit_depth_class"].map(DEPTH_CLASSES).to_list()})
    for name in control_table.columns:
        out[SCENARIO_LABELS[name]] = status.loc[exits.index, name].map(words).to_list()
    return out


# --------------------------------------------------------------------------------------------------
# The chapter's analysis and key numbers
# --------------------------------------------------------------------------------------------------

#: The tables the chapter loads (``key_numbers`` and ``analyse`` read them from a dict by these names).
TABLES = ["islands", "straits", "military_sites", "weapon_systems", "places", "region_facts"]

#: Facts of ``region_facts`` the prose quotes as numbers, glued under their own id.
FACT_VALUES = ["okhotsk_area_britannica", "okhotsk_area_columbia", "okhotsk_area_nasa", "okhotsk_area_jma",
               "okhotsk_max_depth_3372",
               "okhotsk_max_depth_3363", "okhotsk_mean_depth_859", "okhotsk_mean_depth_777", "okhotsk_shelf_share",
               "okhotsk_ice_peak_cover_low", "okhotsk_ice_peak_cover_high", "okhotsk_ice_duration",
               "okhotsk_ice_thickness", "kuril_length_1300", "kuril_length_1150", "kuril_length_1200",
               "kuril_islands_count", "pacific_ssbn_2015", "delta3_pacific_2016", "delta3_pacific_2008_rbth",
               "far_east_delta3_2021_jmod", "far_east_borei_2021_jmod", "borei_delivered_total_2023",
               "russian_troops_northern_territories", "div18_strength", "burevestnik_hokkaido_distance",
               "soya_cape_crillon_distance", "kaigara_nosappu_distance", "pacific_fleet_ships_2018",
               "pacific_fleet_subs_2018", "far_east_borei_2023_jmod"]
#: Facts whose date the prose gives (glued as ``<id>_date``, to the precision the source gives).
FACT_DATES = ["pacific_ssbn_2015", "delta3_pacific_2016", "pacific_fleet_ships_2018", "div18_strength",
              "borei_delivered_total_2023", "borei_nevskiy_arrival", "borei_alexander3_arrival"]
#: Weapon rows whose stated range the prose quotes, glued under their own id.
WEAPON_RANGES = ["bulava_8000", "bulava_9000", "bastion_p_prensa_latina", "mt_bal_bastion_450", "su35s_radius",
                 "tor_m2_12", "tor_m2_15", "bal_jp_cabinet_2016"]
#: Straits whose greatest sourced depth the prose gives (``depth_<id>``).
STRAIT_DEPTHS = ["la_perouse", "nemuro", "izmeny_notsuke", "catherine", "vries", "bussol", "kruzenshtern"]
#: Sites whose start date the prose gives: glue name -> (site id, precision; None: the row's own precision).
SITE_SINCE = {"yasny_since": ("iturup_yasny_airfield", None), "missiles_since": ("iturup_bastion", "month"),
              "division_since": ("goryachiye_klyuchi_18mgad_hq", "year"), "s300_since": ("iturup_s300v4", "day"),
              "matua_since": ("matua_bastion", "month"), "paramushir_since": ("paramushir_bastion", "day")}
#: Japanese/US sites whose distance to Iturup (Yasny) airport the prose gives (``<key>_yasny``).
YASNY_FROM = {"wakkanai": "Wakkanai", "misawa": "Misawa", "chitose": "Chitose"}


@dataclass
class Analysis:
    """What the chapter's figures and numbers are computed from (see :func:`analyse`)."""

    summary: pd.DataFrame        #: one row per strait (:func:`strait_summary`)
    control: pd.DataFrame        #: who controls each strait in each scenario (:func:`control_by_scenario`)
    counts: dict                 #: exits per scenario (:func:`scenario_counts`)
    ranges: dict                 #: drawn ranges per system (:func:`drawn_ranges`)
    four: dict                   #: polygon of each disputed island (Habomai islets merged)
    disputed_polys: list         #: every matched polygon of the islands table
    deployments: dict            #: island polygon of each coastal-missile site (:func:`deployment_polygons`)
    hokkaido: Polygon            #: Hokkaido's Natural Earth polygon
    coverage: pd.DataFrame       #: reach per deployment and range (:func:`coverage_summary`), indexed by both
    japan_sites: pd.DataFrame    #: Japanese and US sites with a position
    distances: pd.DataFrame      #: km from them to the Russian sites and coasts (:func:`distance_table`)


def analyse(t: dict[str, pd.DataFrame]) -> Analysis:
    """The chapter's derived tables and shapes from its tables (``TABLES``): the strait summary, the
    control scenarios, missile reach from the islands and distances from Japan's northern sites."""
    isl, straits, sites, weapons = t["islands"], t["straits"], t["military_sites"], t["weapon_systems"]
    summary = strait_summary(straits)
    control_table = control_by_scenario(summary)
    ranges = drawn_ranges(weapons)
    matched = {k: p for k, p in islands.matched_polygons(isl).items() if p is not None}
    parent = isl.set_index("id")["parent"]
    habomai = unary_union([p for k, p in matched.items() if parent[k] == "habomai"])
    four = {"habomai": habomai, **{k: matched[k] for k in ["shikotan", "kunashiri", "etorofu"]}}
    deployments = deployment_polygons(sites, isl)
    site = sites.set_index("id")
    hokkaido = land_polygon(site.at["chitose_ab", "lon"], site.at["chitose_ab", "lat"])
    coverage = coverage_summary(deployments, sites, ranges, summary, hokkaido).set_index(["site", "range_km"])
    japan_sites = sites[sites["country"].isin(["JP", "US"]) & sites["lat"].notna()]
    ru_island_sites = sites[sites["island"].isin(DISPUTED) & sites["lat"].notna()]
    distances = distance_table(japan_sites, ru_island_sites,
                               {"Kunashiri/Kunashir": four["kunashiri"], "Etorofu/Iturup": four["etorofu"]})
    return Analysis(summary=summary, control=control_table, counts=scenario_counts(summary, control_table),
                    ranges=ranges, four=four, disputed_polys=list(matched.values()), deployments=deployments,
                    hokkaido=hokkaido, coverage=coverage, japan_sites=japan_sites, distances=distances)


def key_numbers(t: dict[str, pd.DataFrame], a: Analysis | None = None) -> dict:
    """Every number and phrase the chapter's prose glues, by glue name (for ``text.glue_all``).

    Numbers stay numbers (the prose formats them); dates are ready-made phrases at the precision their
    source gives. Pass the :func:`analyse` result as ``a`` to avoid computing it twice.
    """
    from kurils import text

    a = a or analyse(t)
    straits, sites, weapons = t["straits"], t["military_sites"], t["weapon_systems"]
    fact = t["region_facts"].set_index("id")
    site = sites.set_index("id")
    weapon_range = weapons.set_index("id")["range_km"]
    summary, coverage, distances = a.summary, a.coverage, a.distances
    k: dict = {"current_to": text.data_current_to(straits, sites, weapons, t["places"], t["region_facts"])}

    # the sea, the fleet and the weapons as the sources state them
    k.update({key: fact.at[key, "value"] for key in FACT_VALUES})
    k["ice_season"] = fact.at["okhotsk_ice_season_columbia", "value_text"]
    k["ice_season_jma"] = fact.at["okhotsk_ice_season_jma", "value_text"]
    k["ice_max_2025"] = fact.at["okhotsk_ice_max_2025", "value"]
    k["ice_max_2025_date"] = text.fmt_date(fact.at["okhotsk_ice_max_2025", "as_of"], "day")
    k.update({f"{key}_date": text.fmt_date(fact.at[key, "as_of"], fact.at[key, "as_of_precision"])
              for key in FACT_DATES})
    delta = weapon_range["delta_slbm_cold_war"]
    k["delta_km"], k["delta_nmi"] = delta, delta / 1.852
    k.update({key: weapon_range[key] for key in WEAPON_RANGES})
    k["bastion_low"], k["bastion_high"] = a.ranges["bastion_p"][0], a.ranges["bastion_p"][-1]
    k["bal_low"], k["bal_high"] = a.ranges["bal"][0], a.ranges["bal"][-1]

    # straits
    def labels(ids) -> str:
        return join_and(STRAIT_LABELS[s] for s in ids)

    primary = straits[straits["primary"]].set_index("strait")  # the figures each strait's main source gives
    has_official = straits.groupby("strait")["source_kind"].agg(lambda kinds: "official" in set(kinds))
    fourth = summary.loc["fourth_kuril"]
    k.update({
        "n_strait_rows": len(straits), "n_straits": len(summary), "n_located": int(summary["lat"].notna().sum()),
        "unlocated_straits": join_and(summary.loc[summary["lat"].isna(), "name_en"]),
        "deep_straits": labels(summary.index[summary["depth_class"] == "deep"]),
        "unknown_straits": labels(summary.index[summary["depth_class"] == "unknown"]),
        **{f"depth_{s}": max(summary.at[s, "max_depths_m"]) for s in STRAIT_DEPTHS},
        "width_la_perouse": summary.at["la_perouse", "width_km"],
        "jcg_depth_la_perouse": primary.at["la_perouse", "max_depth_m"],
        "sill_la_perouse": summary.at["la_perouse", "sill_depth_m"],
        "jcg_depth_tsugaru": primary.at["tsugaru", "max_depth_m"],
        "other_depth_tsugaru": min(summary.at["tsugaru", "max_depths_m"]),
        "width_nemuro": summary.at["nemuro", "width_km"],
        "over_nemuro": summary.at["nemuro", "depth_over_m"],
        "gre_depth_bussol": primary.at["bussol", "max_depth_m"],
        "gre_width_kruzenshtern": primary.at["kruzenshtern", "min_width_km"],
        "gre_width_second_kuril": primary.at["second_kuril", "min_width_km"],
        # the peer-reviewed lower bound for Bussol and Kruzenshtern ("deeper than ... m")
        "paper_depth_over": straits.set_index("id").at["bussol_katsumata2010", "max_depth_over_m"],
        "paper_depth_bussol": straits.set_index("id").at["bussol_grl_mixing", "max_depth_over_m"],
        # the only sill depth found for a Kuril strait (a PICES report; see row bussol_kawasaki_pices)
        "sill_bussol": summary.at["bussol", "sill_depth_m"],
        "official_straits": labels(s for s in summary.index if has_official[s]),
        "width_catherine": summary.at["catherine", "width_km"],
        "width_vries": summary.at["vries", "width_km"],
        "sill_nevelskoy": summary.at["nevelskoy", "sill_depth_m"],
        "fourth_depth_low": min(fourth["max_depths_m"]), "fourth_depth_high": max(fourth["max_depths_m"]),
        "fourth_width_low": min(fourth["widths_km"]), "fourth_width_high": max(fourth["widths_km"]),
    })

    # islands and reach
    for name, (site_id, precision) in SITE_SINCE.items():
        k[name] = text.fmt_date(site.at[site_id, "since"], precision or site.at[site_id, "since_precision"])
    k["n_sites"], k["n_sites_unlocated"] = len(sites), int(sites["lat"].isna().sum())
    k["unlocated_sites"] = "; ".join(sites.loc[sites["lat"].isna(), "name"])
    for (site_id, radius), row in coverage.iterrows():
        tag = f"{site_id}_{radius:.0f}"
        k[f"hok_any_{tag}"], k[f"hok_all_{tag}"] = row["hokkaido_any_pct"], row["hokkaido_all_pct"]
        k[f"n_straits_any_{tag}"] = len(row["straits_always"]) + len(row["straits_possibly"])
        k[f"n_straits_all_{tag}"] = len(row["straits_always"])
    iturup_far = coverage.loc[("iturup_bastion", a.ranges["bastion_p"][-1])]
    k["iturup_high_japan"] = join_and(SITE_LABELS[i][0] for i in iturup_far["japan_always"] + iturup_far["japan_possibly"])
    nearest = distances.filter(like="Nearest coast")
    k["nearest_km"] = nearest.min().min()
    k["nearest_site"] = nearest.min(axis=1).idxmin()
    k["nearest_island"] = nearest.min().idxmin().replace("Nearest coast of ", "")
    yasny = distances["Iturup (Yasny) airport"]
    k.update({f"{key}_yasny": yasny[label] for key, label in YASNY_FROM.items()})
    k["max_yasny"] = yasny.max()
    b = site.loc["burevestnik_airbase"]
    k["burevestnik_hokkaido_computed"] = distance_to_land_km(b["lon"], b["lat"], a.hokkaido)

    # scenarios
    for name, c in a.counts.items():
        k.update({f"sc_{name}_{key}": v for key, v in c.items()})
    k["sc_two_changed"] = join_and(STRAIT_LABELS[s] + " Strait" for s in strait_changes(a.control, "habomai_shikotan"))
    k["nemuro_route"] = join_and(STRAIT_LABELS[s].split(" /")[0] for s in route(summary, "nemuro"))
    status = route_control(summary, a.control).at["nemuro", "kunashiri"]
    k["nemuro_route_kunashiri"] = {"russian": "Russian", "divided": "divided", "japanese": "Japanese"}[status]
    return k
