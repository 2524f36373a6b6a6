"""The map module: one projection family, base layers from data/geo, readable labels.

Nothing here downloads: the base layers are the committed Natural Earth extract (kurils.geo.layer),
never cartopy's ``coastlines()`` / ``NaturalEarthFeature`` (which fetch files on first use).
"""

from __future__ import annotations

import cartopy.crs as ccrs
import matplotlib.patheffects as pe
import matplotlib.pyplot as plt
from matplotlib.patches import Rectangle

from kurils import geo, style

#: Hokkaido to Kamchatka, with the whole Sea of Okhotsk: lon_min, lon_max, lat_min, lat_max.
REGION = (135.0, 165.0, 40.0, 61.0)
#: The four disputed islands and Hokkaido's east coast.
SOUTH_KURILS = (144.6, 149.4, 42.9, 45.9)
#: The seas around Japan, from the East China Sea and Miyako to the Sea of Okhotsk (security chapter).
#: Drawn on the 1:50m "seas" layers (data/geo), which reach south to 18°N.
SEAS = (122.0, 150.0, 23.0, 48.5)
#: Base layers (land, coastline) for each extent family: the 10m region extract or the 50m seas extract.
LAYER_SETS = {"region": ("land", "coastline"), "seas": ("seas_land", "seas_coastline")}


def projection(extent: tuple[float, float, float, float] = REGION) -> ccrs.Projection:
    """Lambert conformal conic centred on an extent, standard parallels at 1/6 and 5/6 of its span.

    Conformal keeps the shapes of islands and straits true at this latitude range; the areas and
    distances the book reports are computed geodesically, never measured on the projected map.
    """
    lon0 = (extent[0] + extent[1]) / 2
    lat_lo, lat_hi = extent[2], extent[3]
    span = lat_hi - lat_lo
    return ccrs.LambertConformal(central_longitude=lon0, central_latitude=(lat_lo + lat_hi) / 2,
                                 standard_parallels=(lat_lo + span / 6, lat_hi - span / 6))


def base_map(extent: tuple[float, float, float, float] = REGION, *, figsize=(8.0, 7.0), ax=None,
             gridlines: bool = True, boundaries: bool = True, layers: str = "region"):
    """A figure and GeoAxes with land, coastline and land borders drawn from data/geo.

    ``layers`` picks the base layers (see :data:`LAYER_SETS`): "region" (1:10m, 35-62°N) or "seas"
    (1:50m, 18-62°N) for maps that reach south of 35°N.
    """
    land_layer, coast_layer = LAYER_SETS[layers]
    proj = projection(extent)
    if ax is None:
        fig = plt.figure(figsize=figsize)
        ax = fig.add_subplot(1, 1, 1, projection=proj)
    else:
        fig = ax.figure
    ax.set_extent(extent, crs=ccrs.PlateCarree())
    ax.set_facecolor(style.SEA)
    pc = ccrs.PlateCarree()
    ax.add_geometries([g for _, g in geo.layer(land_layer)], crs=pc, facecolor=style.LAND, edgecolor="none", zorder=1)
    ax.add_geometries([g for _, g in geo.layer(coast_layer)], crs=pc, facecolor="none", edgecolor="#8C8C8C",
                      linewidth=0.5, zorder=2)
    if boundaries:
        draw_boundaries(ax)
    if gridlines:
        gl = ax.gridlines(crs=pc, draw_labels=True, linewidth=0.4, color="#BBBBBB", alpha=0.8, x_inline=False,
                          y_inline=False)
        gl.top_labels = gl.right_labels = False
        gl.xlabel_style = {"size": 8, "color": style.MUTED, "rotation": 0}
        gl.ylabel_style = {"size": 8, "color": style.MUTED}
    return fig, ax


def is_disputed(properties: dict) -> bool:
    """Natural Earth classes a boundary line as disputed (its FEATURECLA starts with 'Disputed')."""
    return str(properties.get("FEATURECLA", "")).startswith("Disputed")


def draw_boundaries(ax) -> bool:
    """Land boundaries from Natural Earth: settled lines thin grey, disputed lines dashed purple.

    Returns True when a disputed line was drawn, so the caller can add it to a legend.
    """
    pc = ccrs.PlateCarree()
    settled = [g for p, g in geo.layer("boundaries") if not is_disputed(p)]
    disputed = [g for p, g in geo.layer("boundaries") if is_disputed(p)]
    ax.add_geometries(settled, crs=pc, facecolor="none", edgecolor=style.MUTED, linewidth=0.6, zorder=2)
    ax.add_geometries(disputed, crs=pc, facecolor="none", edgecolor=style.ROLE_COLOURS["disputed"], linewidth=1.0,
                      linestyle=(0, (3, 2)), zorder=2)
    return bool(disputed)


def disputed_line_legend(ax, *, loc: str = "lower right"):
    """Legend explaining the disputed-island fill and Natural Earth's disputed line."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    handles = [Patch(facecolor=style.ROLE_COLOURS["disputed"], edgecolor=style.INK, linewidth=0.4,
                     label="Islands in dispute (held by Russia, claimed by Japan)"),
               Line2D([], [], color=style.ROLE_COLOURS["disputed"], linewidth=1.0, linestyle=(0, (3, 2)),
                      label="Line Natural Earth marks as disputed")]
    return ax.legend(handles=handles, loc=loc, fontsize=8.5, frameon=True, framealpha=0.92, edgecolor="#CCCCCC")


def label(ax, lon: float, lat: float, text: str, *, size: float = 9, color: str = style.INK, weight="normal",
          ha="left", va="center", dx: float = 0.0, dy: float = 0.0, italic: bool = False, zorder: int = 6):
    """Place a haloed text label at a lon/lat position (offsets dx, dy in degrees)."""
    return ax.text(lon + dx, lat + dy, text, transform=ccrs.PlateCarree(), fontsize=size, color=color,
                   fontweight=weight, ha=ha, va=va, fontstyle="italic" if italic else "normal", zorder=zorder,
                   path_effects=[pe.withStroke(linewidth=2.6, foreground="white")])


def point(ax, lon: float, lat: float, *, color: str = style.INK, marker: str = "o", size: float = 5, zorder: int = 5,
          edgecolor: str = "white", edgewidth: float = 0.7, **kwargs):
    """Draw a point marker at a lon/lat position (white edge by default, so it stands out on any fill)."""
    return ax.plot(lon, lat, marker=marker, color=color, markersize=size, markeredgecolor=edgecolor,
                   markeredgewidth=edgewidth, transform=ccrs.PlateCarree(), zorder=zorder, linestyle="none", **kwargs)


def world_inset(fig, rect, highlight: tuple[float, float, float, float], *, central=(145.0, 40.0)):
    """A small orthographic globe (110m land) in ``rect`` (figure fraction) with a box on ``highlight``."""
    ax = fig.add_axes(rect, projection=ccrs.Orthographic(*central))
    ax.set_global()
    ax.set_facecolor(style.SEA)
    ax.add_geometries([g for _, g in geo.layer("world_land")], crs=ccrs.PlateCarree(), facecolor="#CFCAC0",
                      edgecolor="none")
    lon0, lon1, lat0, lat1 = highlight
    ax.add_patch(Rectangle((lon0, lat0), lon1 - lon0, lat1 - lat0, transform=ccrs.PlateCarree(), fill=False,
                           edgecolor=style.ROLE_COLOURS["disputed"], linewidth=1.4, zorder=3))
    ax.spines["geo"].set_edgecolor(style.MUTED)
    ax.spines["geo"].set_linewidth(0.6)
    return ax


#: Cartographic label positions (lon, lat, text, style) for the regional overview. These place
#: names on the map; they are presentation choices, not data the book reports.
REGION_LABELS = [
    (149.5, 53.5, "Sea of Okhotsk", "sea"),
    (157.0, 47.8, "Pacific Ocean", "sea"),
    (136.2, 42.6, "Sea of Japan", "sea"),
    (142.6, 43.3, "Hokkaido", "land"),
    (143.9, 50.2, "Sakhalin", "land"),
    (159.2, 56.8, "Kamchatka", "land"),
    (150.6, 47.2, "Kuril Islands", "sea"),
    (136.5, 56.5, "RUSSIA", "country"),
    (140.6, 40.5, "JAPAN", "country"),
]


#: Label positions for the close-up of the four islands (presentation, not data).
CLOSEUP_LABELS = [
    (144.95, 43.55, "Hokkaido", "land"),
    (146.3, 45.45, "Sea of Okhotsk", "sea"),
    (148.4, 43.6, "Pacific Ocean", "sea"),
]


def region_labels(ax, labels=REGION_LABELS) -> None:
    """Label seas, islands and countries on the regional overview."""
    looks = {"sea": dict(italic=True, color=style.OKABE_ITO["blue"], size=10),
             "land": dict(size=9.5, weight="bold"),
             "country": dict(size=9, color=style.MUTED, weight="bold")}
    for lon, lat, text, kind in labels:
        label(ax, lon, lat, text, ha="center", **looks[kind])


def highlight(ax, polygons, *, color: str = style.ROLE_COLOURS["disputed"], zorder: int = 3) -> None:
    """Fill polygons (lon/lat) in a highlight colour with a thin dark edge."""
    ax.add_geometries(list(polygons), crs=ccrs.PlateCarree(), facecolor=color, edgecolor=style.INK,
                      linewidth=0.4, zorder=zorder)


def box(ax, extent, *, color: str = style.ROLE_COLOURS["disputed"]) -> None:
    """Outline a lon/lat box (lon_min, lon_max, lat_min, lat_max), densified so it follows the projection."""
    import numpy as np

    lon0, lon1, lat0, lat1 = extent
    lons = np.concatenate([np.linspace(lon0, lon1, 50), np.full(50, lon1), np.linspace(lon1, lon0, 50), np.full(50, lon0)])
    lats = np.concatenate([np.full(50, lat0), np.linspace(lat0, lat1, 50), np.full(50, lat1), np.linspace(lat1, lat0, 50)])
    ax.plot(lons, lats, color=color, linewidth=1.2, transform=ccrs.PlateCarree(), zorder=4)


#: Where the three-language label of each island sits relative to its position (dlon, dlat, ha).
ISLAND_LABEL_OFFSETS = {
    "etorofu": (0.35, -0.45, "left"),
    "kunashiri": (-0.8, 0.75, "center"),
    "shikotan": (0.35, -0.2, "left"),
    "habomai": (-0.1, -0.42, "center"),
}


def island_labels(ax, islands, offsets=ISLAND_LABEL_OFFSETS, *, size: float = 9) -> None:
    """Label islands in English, Japanese and Russian (rows of the islands table with an offset)."""
    rows = islands.set_index("id")
    for island_id, (dx, dy, ha) in offsets.items():
        row = rows.loc[island_id]
        names = [row["name_en"], row["name_ja"], row["name_ru"]]
        text = "\n".join(str(n) for n in names if isinstance(n, str) and n)
        label(ax, float(row["lon"]), float(row["lat"]), text, dx=dx, dy=dy, ha=ha, size=size, weight="bold")


def fan_boundary(ax, extent: tuple[float, float, float, float], *, n: int = 60) -> None:
    """Clip a map to its lon/lat box, giving a conic projection its natural fan shape.

    A rectangular frame around a wide conic map also shows the corners outside the box (north of its
    top parallel at the sides, west and east of its edge meridians at the top), which may lie beyond
    the committed geodata and would show land as sea. Call after :func:`base_map` on the same extent.
    """
    import matplotlib.path as mpath
    import numpy as np

    lon0, lon1, lat0, lat1 = extent
    lons = np.concatenate([np.linspace(lon0, lon1, n), np.full(n, lon1), np.linspace(lon1, lon0, n), np.full(n, lon0)])
    lats = np.concatenate([np.full(n, lat0), np.linspace(lat0, lat1, n), np.full(n, lat1), np.linspace(lat1, lat0, n)])
    ax.set_boundary(mpath.Path(np.column_stack([lons, lats])), transform=ccrs.PlateCarree())


def areas(ax, geoms, *, edgecolor: str, facecolor: str = "none", linewidth: float = 1.2, linestyle="-",
          alpha: float | None = None, zorder: int = 3) -> None:
    """Draw lon/lat (multi)polygons — range rings, reach areas — as outlines, optionally filled.

    ``alpha`` applies to the fill only, so a translucent area keeps a crisp outline.
    """
    from matplotlib.colors import to_rgba

    geoms = list(geoms)
    if facecolor != "none" and alpha is not None:
        facecolor = to_rgba(facecolor, alpha)
    ax.add_geometries(geoms, crs=ccrs.PlateCarree(), facecolor=facecolor, edgecolor="none", zorder=zorder)
    ax.add_geometries(geoms, crs=ccrs.PlateCarree(), facecolor="none", edgecolor=edgecolor, linewidth=linewidth,
                      linestyle=linestyle, zorder=zorder)


def geodesic_line(ax, lon1: float, lat1: float, lon2: float, lat2: float, *, n: int = 64, **kwargs):
    """Draw the geodesic (shortest path on the WGS 84 ellipsoid) between two points."""
    import numpy as np

    inner = np.array(geo.GEOD.npts(lon1, lat1, lon2, lat2, n)).reshape(-1, 2)
    lons = np.concatenate([[lon1], inner[:, 0], [lon2]])
    lats = np.concatenate([[lat1], inner[:, 1], [lat2]])
    return ax.plot(lons, lats, transform=ccrs.PlateCarree(), **kwargs)
