"""Tables, maps and charts for the history chapter: the dispute from 1855 to today.

Everything here is drawn from the book's tables:

* ``timeline`` — dated events with a category and the parties involved. :func:`event_date` formats a
  date at the precision its source gives; :func:`event_phrases` gives every event's date and source link
  for the prose, so no date is typed in a chapter. :func:`key_numbers` returns these with every other
  number and phrase the chapter glues.
* ``boundaries`` — who held the Kurils and Sakhalin after each settlement. :func:`holdings` turns each
  row into land: the Natural Earth polygons whose interior point lies in the row's box, cut at a
  latitude where the row gives one (the 50th parallel of 1905). :func:`border_maps` draws the panels.
* ``population`` (with ``island_facts`` for MOFA's 1945 figures) — former residents and the population
  under Russian administration. :func:`preferred` picks, among rows that give the same value from
  different sources, the one with the strongest basis.
* ``leaders`` — terms of office. :func:`terms` gives one bar per person and lane for the charts;
  :func:`in_office` says who held an office on a day.

Label placement: :func:`spread` moves labels apart along one axis with the least total shift
(isotonic regression), :func:`assign_lanes` stacks horizontal labels in lanes so none overlap.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlparse

import numpy as np
import pandas as pd
from shapely.geometry import box as shapely_box
from shapely.geometry.base import BaseGeometry
from shapely.ops import unary_union

from kurils import geo, style, text

# --------------------------------------------------------------------------------------------------
# Events
# --------------------------------------------------------------------------------------------------

#: Category order (top to bottom in the overview) and colours (Okabe–Ito).
CATEGORIES = ["treaty", "declaration", "summit", "law", "military", "war", "economic", "other"]
CATEGORY_COLOURS = {
    "treaty": style.OKABE_ITO["blue"],
    "declaration": style.OKABE_ITO["bluish_green"],
    "summit": style.OKABE_ITO["orange"],
    "law": style.OKABE_ITO["reddish_purple"],
    "military": style.OKABE_ITO["vermillion"],
    "war": style.OKABE_ITO["black"],
    "economic": style.OKABE_ITO["sky_blue"],
    "other": "#8C8C8C",
}
MONTHS_SHORT = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def fmt_event_date(date, precision: str, *, short: bool = False) -> str:
    """A date at the precision its source gives: '7 February 1855', 'October 1973', '1947', '17th century'.

    ``short`` abbreviates the month ('7 Feb 1855'), for chart labels.
    """
    ts = pd.Timestamp(date)
    if precision == "century":
        century = ts.year // 100 + 1
        suffix = {1: "st", 2: "nd", 3: "rd"}.get(century % 10 if century % 100 not in (11, 12, 13) else 0, "th")
        return f"{century}{suffix} century"
    if not short:
        return text.fmt_date(ts, precision)
    if precision == "year":
        return f"{ts.year}"
    if precision == "month":
        return f"{MONTHS_SHORT[ts.month - 1]} {ts.year}"
    return f"{ts.day} {MONTHS_SHORT[ts.month - 1]} {ts.year}"


def event(timeline: pd.DataFrame, event_id: str) -> pd.Series:
    """One event (row of the timeline) by id; KeyError names the id."""
    rows = timeline[timeline["id"] == event_id]
    if rows.empty:
        raise KeyError(f"no event {event_id!r} in data/timeline.csv")
    return rows.iloc[0]


def event_date(timeline: pd.DataFrame, event_id: str, *, short: bool = False) -> str:
    """The date of an event by id, formatted at its precision."""
    row = event(timeline, event_id)
    return fmt_event_date(row["date"], row["date_precision"], short=short)


def source_link(url: str) -> text.md:
    """A short markdown link to a source, its text the site's host name: '[mofa.go.jp](<…>)'."""
    host = urlparse(url).netloc.removeprefix("www.").removeprefix("m.")
    return text.md_link(url, host)


#: Prefixes of the glued names :func:`glue_events` defines for every event id.
GLUE_PREFIXES = ("date_", "cite_")


def event_phrases(timeline: pd.DataFrame) -> dict[str, str]:
    """Each event's date (``date_<id>``) and a link to its source (``cite_<id>``), as phrases for the prose."""
    out = {}
    for row in timeline.itertuples():
        out[f"date_{row.id}"] = fmt_event_date(row.date, row.date_precision)
        out[f"cite_{row.id}"] = source_link(row.source_url)
    return out


def glue_events(timeline: pd.DataFrame) -> None:
    """Glue each event's date (``date_<id>``) and a link to its source (``cite_<id>``) for the prose."""
    for name, phrase in event_phrases(timeline).items():
        text.glue_phrase(name, phrase)


def referenced_event_ids(markdown: str) -> set[str]:
    """Event ids a chapter uses through the glued names of :func:`glue_events` (``{glue:md}`date_<id>```)."""
    import re

    pattern = r"\{glue:md\}`(?:" + "|".join(GLUE_PREFIXES) + r")([a-z0-9_]+)`"
    return set(re.findall(pattern, markdown))


def window(timeline: pd.DataFrame, start, end) -> pd.DataFrame:
    """Events dated from ``start`` to ``end`` (inclusive), in date order."""
    start, end = pd.Timestamp(start), pd.Timestamp(end)
    rows = timeline[(timeline["date"] >= start) & (timeline["date"] <= end)]
    return rows.sort_values(["date", "id"]).reset_index(drop=True)


def bilateral(timeline: pd.DataFrame, categories=("summit", "declaration", "treaty")) -> pd.DataFrame:
    """Events between Japan and the USSR or Russia alone (no third party) of the given categories."""
    parties = timeline["parties"].str.split(";").apply(set)
    both = parties.apply(lambda p: "JP" in p and bool(p & {"SU", "RU"}) and p <= {"JP", "SU", "RU"})
    return timeline[both & timeline["category"].isin(categories)].sort_values("date").reset_index(drop=True)


def bilateral_by_period(timeline: pd.DataFrame, *, start="1945-09-01", end=None, years: int = 10,
                        categories=("summit", "declaration", "treaty")) -> pd.DataFrame:
    """Bilateral events (:func:`bilateral`) counted in periods of ``years`` years from ``start``.

    One row per period ("Sep 1945 – Aug 1955"), one column per category and a ``total``; periods run
    until ``end`` (default: the latest event in the timeline), the last one possibly shorter. With the
    defaults the totals add up to the chapter's count of post-war bilateral events.
    """
    if years < 1:
        raise ValueError("years must be at least 1")
    start = pd.Timestamp(start)
    end = pd.Timestamp(end) if end is not None else timeline["date"].max()
    events = bilateral(timeline, categories)
    events = events[(events["date"] >= start) & (events["date"] <= end)]
    edges = [start]
    while edges[-1] <= end:
        edges.append(edges[-1] + pd.DateOffset(years=years))
    rows = []
    for a, b in zip(edges[:-1], edges[1:]):
        last = min(b - pd.Timedelta(days=1), end)
        inside = events[(events["date"] >= a) & (events["date"] < b)]
        row = {"period": f"{a:%b %Y} – {last:%b %Y}"}
        row |= {c: int((inside["category"] == c).sum()) for c in categories}
        rows.append(row | {"total": len(inside)})
    return pd.DataFrame(rows).set_index("period")


def longest_gap(events: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """The two consecutive events (by date) with the longest time between them."""
    ordered = events.sort_values("date").reset_index(drop=True)
    gaps = ordered["date"].diff()
    i = int(gaps.idxmax())
    return ordered.iloc[i - 1], ordered.iloc[i]


#: The book's reading of which Japan–USSR/Russia events moved the talks, shown in the leaders chart:
#: ``joint`` — both governments issued or signed a text on the peace treaty or the islands;
#: ``unilateral`` — one government's act that narrowed or closed the talks. Every other bilateral event
#: is drawn without emphasis. The chapter names these events in its text.
TURNING_POINTS = {
    "joint_declaration_signed_1956": "joint",
    "soviet_memorandum_1960": "unilateral",
    "tanaka_brezhnev_1973": "joint",
    "gorbachev_visit_1991": "joint",
    "tokyo_declaration_1993": "joint",
    "irkutsk_2001": "joint",
    "nagato_2016": "joint",
    "singapore_2018": "joint",
    "lavrov_kono_2019": "unilateral",
    "russia_ends_talks_2022": "unilateral",
}
TURNING_COLOURS = {"joint": style.OKABE_ITO["bluish_green"], "unilateral": style.OKABE_ITO["vermillion"]}


# --------------------------------------------------------------------------------------------------
# Label placement
# --------------------------------------------------------------------------------------------------

def _isotonic(values: np.ndarray) -> np.ndarray:
    """Least-squares non-decreasing fit (pool-adjacent-violators)."""
    blocks: list[list[float]] = []  # [mean, weight]
    for v in values:
        blocks.append([float(v), 1.0])
        while len(blocks) > 1 and blocks[-2][0] > blocks[-1][0]:
            m2, w2 = blocks.pop()
            m1, w1 = blocks.pop()
            blocks.append([(m1 * w1 + m2 * w2) / (w1 + w2), w1 + w2])
    return np.concatenate([np.full(int(w), m) for m, w in blocks])


def spread(positions, gap: float, lo: float | None = None, hi: float | None = None) -> np.ndarray:
    """Move label positions apart so consecutive ones are at least ``gap`` apart, keeping their order.

    ``positions`` must be sorted ascending. The result minimises the total squared shift (an isotonic
    regression on ``position - i * gap``), then is clamped into ``[lo, hi]`` where given. Raises
    ValueError when the labels cannot fit between ``lo`` and ``hi``.
    """
    pos = np.asarray(positions, dtype=float)
    if pos.size == 0:
        return pos
    if np.any(np.diff(pos) < 0):
        raise ValueError("positions must be sorted ascending")
    steps = np.arange(pos.size) * gap
    q = _isotonic(pos - steps)
    if lo is not None and hi is not None and hi - lo < steps[-1] - 1e-9:
        raise ValueError(f"{pos.size} labels {gap} apart do not fit between {lo} and {hi}")
    if lo is not None:
        q = np.maximum(q, lo)
    if hi is not None:
        q = np.minimum(q, hi - steps[-1])
    return q + steps


def assign_lanes(starts, ends, *, pad: float = 0.0) -> list[int]:
    """Stack intervals (label extents along x) in lanes so that no two in a lane overlap.

    Intervals are taken in the given order; each goes to the lowest lane whose last interval ends
    more than ``pad`` before it starts. Returns the lane (0, 1, …) of each interval.
    """
    lane_end: list[float] = []
    lanes = []
    for s, e in zip(starts, ends):
        for k, last in enumerate(lane_end):
            if s > last + pad:
                lane_end[k] = e
                lanes.append(k)
                break
        else:
            lane_end.append(e)
            lanes.append(len(lane_end) - 1)
    return lanes


def _text_width_data(ax, label: str, fontsize: float) -> float:
    """Width of a text in the x data units of ``ax`` (measured by drawing it once)."""
    renderer = ax.figure.canvas.get_renderer()
    t = ax.text(0, 0, label, fontsize=fontsize)
    width_px = t.get_window_extent(renderer).width
    t.remove()
    x0, x1 = ax.get_xlim()
    return width_px * (x1 - x0) / ax.get_window_extent(renderer).width


def _date_num(value) -> float:
    import matplotlib.dates as mdates

    return mdates.date2num(pd.Timestamp(value).to_pydatetime())


def label_lanes(ax, xs, labels, *, y0: float, lane_height: float, fontsize: float = 8.5, pad_frac: float = 0.01,
                marker_ys=None, colors=None):
    """Write labels above their x positions in lanes starting at ``y0``; leader lines run down to the markers.

    A label starts just right of its x, or ends just left of it where it would run past the right
    edge of the axes. Lanes are assigned with measured text widths (:func:`assign_lanes`), so labels
    in a lane never overlap. Returns the lane of each label.
    """
    xs = list(xs)
    x0, x1 = ax.get_xlim()
    pad = pad_frac * (x1 - x0)
    widths = [_text_width_data(ax, lab, fontsize) for lab in labels]
    right = [x + pad * 0.4 + w > x1 for x, w in zip(xs, widths)]
    lefts = [x - pad * 0.4 - w if r else x for x, w, r in zip(xs, widths, right)]
    rights = [x if r else x + pad * 0.4 + w for x, w, r in zip(xs, widths, right)]
    order = np.argsort(lefts, kind="stable")
    lanes = [0] * len(xs)
    for i, lane in zip(order, assign_lanes([lefts[i] for i in order], [rights[i] for i in order], pad=pad)):
        lanes[i] = lane
    for i, (x, lab) in enumerate(zip(xs, labels)):
        y = y0 + lanes[i] * lane_height
        c = colors[i] if colors is not None else style.INK
        ax.text(x - pad * 0.4 if right[i] else x + pad * 0.4, y, lab, fontsize=fontsize, color=style.INK,
                va="center", ha="right" if right[i] else "left", zorder=5, clip_on=False)
        if marker_ys is not None:
            ax.plot([x, x], [marker_ys[i], y], color=c, linewidth=0.7, linestyle=(0, (1, 1.5)), zorder=1,
                    clip_on=False)
            ax.plot([x], [y], marker="o", markersize=2.5, color=c, zorder=5, clip_on=False)
    return lanes


# --------------------------------------------------------------------------------------------------
# Timeline charts
# --------------------------------------------------------------------------------------------------

#: Panel titles of the border maps, by period (the year of the settlement; 1945 stands for 1945 to today).
PERIOD_TITLES = {1855: "1855", 1875: "1875", 1905: "1905", 1945: "1945 to today"}


def period_starts(boundaries: pd.DataFrame, timeline: pd.DataFrame) -> dict[int, pd.Timestamp]:
    """When each border period began: the earliest event its holdings rest on dated in or after its year."""
    dates = timeline.set_index("id")["date"]
    starts = {}
    for period, rows in boundaries.groupby("period"):
        ds = dates.loc[rows["event_id"]]
        starts[int(period)] = ds[ds.dt.year >= int(period)].min()
    return starts


def timeline_overview(timeline: pd.DataFrame, boundaries: pd.DataFrame, highlight: list[str], *,
                      start="1850-01-01", end=None):
    """Every event since 1855 by category (one row each), with the four border periods shaded.

    Events in ``highlight`` are labelled with their chart label and year, stacked in lanes above
    the rows. Returns the figure.
    """
    import matplotlib.dates as mdates
    import matplotlib.pyplot as plt

    end = pd.Timestamp(end) if end is not None else pd.Timestamp(timeline["accessed"].max()) + pd.DateOffset(years=2)
    shown = window(timeline, start, end)
    fig, ax = plt.subplots(figsize=(8.0, 5.8))
    ax.set_xlim(_date_num(start), _date_num(end))
    ys = {c: len(CATEGORIES) - 1 - i for i, c in enumerate(CATEGORIES)}  # first category on top
    starts = period_starts(boundaries, timeline)
    shades = ["#F3F3F3", "#E6E6E6"]
    periods = sorted(starts)
    for k, p in enumerate(periods):
        p_end = starts[periods[k + 1]] if k + 1 < len(periods) else end
        ax.axvspan(_date_num(starts[p]), _date_num(p_end), ymin=0, ymax=1, color=shades[k % 2], zorder=0, lw=0)
        ax.text(_date_num(starts[p]), -0.95, f" {PERIOD_TITLES[p]}", fontsize=8.5, color=style.MUTED,
                va="center", ha="left")
    for cat in CATEGORIES:
        rows = shown[shown["category"] == cat]
        ax.scatter([_date_num(d) for d in rows["date"]], [ys[cat]] * len(rows), s=34, color=CATEGORY_COLOURS[cat],
                   edgecolor="white", linewidth=0.6, zorder=3, alpha=0.9)
    ax.set_yticks([ys[c] for c in CATEGORIES],
                  [f"{c.capitalize()} ({int((shown['category'] == c).sum())})" for c in CATEGORIES])
    hl = shown[shown["id"].isin(highlight)]
    lane_y0 = len(CATEGORIES) + 0.1
    lanes = label_lanes(ax, [_date_num(d) for d in hl["date"]],
                        [f"{lab} ({d.year})" for lab, d in zip(hl["label"], hl["date"])],
                        y0=lane_y0, lane_height=0.62, marker_ys=[ys[c] for c in hl["category"]],
                        colors=[CATEGORY_COLOURS[c] for c in hl["category"]])
    top = lane_y0 + (max(lanes) + 0.6 if lanes else 0) * 0.62
    ax.set_ylim(-1.4, top + 0.2)
    ax.xaxis.set_major_locator(mdates.YearLocator(20, month=1, day=1))
    ax.xaxis.set_minor_locator(mdates.YearLocator(5, month=1, day=1))
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
    ax.set_xlabel("Year")
    ax.grid(axis="y", visible=False)
    ax.grid(axis="x", which="major", visible=True, color="#D6D6D6", linewidth=0.5)
    ax.spines["left"].set_visible(False)
    ax.tick_params(axis="y", length=0)
    ax.set_title(f"{len(shown)} events of the dispute, {shown['date'].min().year} to {shown['date'].max().year}, by kind",
                 loc="left")
    return fig


def timeline_zoom(timeline: pd.DataFrame, start, end, *, title: str, line_in: float = 0.225):
    """A vertical timeline of the events from ``start`` to ``end``.

    Dates run down the left axis at true scale; each event's date and title sit on one line of a
    column to the right, the lines spread apart (:func:`spread`) and joined to the event's true date
    by a leader line, so no two labels overlap however close the events are. Returns the figure.
    """
    import matplotlib.dates as mdates
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D

    rows = window(timeline, start, end)
    n = len(rows)
    ax_h = max(3.0, n * line_in + 0.3)
    top_in, bottom_in = 0.75, 0.45
    fig_h = ax_h + top_in + bottom_in
    fig = plt.figure(figsize=(8.0, fig_h))
    ax = fig.add_axes([0.09, bottom_in / fig_h, 0.89, ax_h / fig_h])
    y0, y1 = _date_num(start), _date_num(end)
    ax.set_ylim(y1, y0)  # earliest at the top
    ax.set_xlim(0, 1)
    gap = line_in * (y1 - y0) / ax_h
    true_y = np.array([_date_num(d) for d in rows["date"]])
    label_y = spread(true_y, gap, lo=y0 + gap * 0.5, hi=y1 - gap * 0.5)
    x_axis, x_elbow, x_date, x_title = 0.0, 0.10, 0.11, 0.25
    for i, r in rows.iterrows():
        colour = CATEGORY_COLOURS[r["category"]]
        ax.plot([x_axis], [true_y[i]], marker="o", markersize=6, color=colour, markeredgecolor="white",
                markeredgewidth=0.6, zorder=3, clip_on=False)
        ax.plot([x_axis, x_elbow - 0.02, x_elbow], [true_y[i], label_y[i], label_y[i]], color=colour, linewidth=0.7,
                alpha=0.8, zorder=2)
        ax.text(x_date, label_y[i], fmt_event_date(r["date"], r["date_precision"], short=True), fontsize=8.5,
                va="center", ha="left", color=style.INK, fontweight="bold")
        ax.text(x_title, label_y[i], r["title"], fontsize=8.5, va="center", ha="left", color=style.INK)
    span_years = (pd.Timestamp(end) - pd.Timestamp(start)).days / 365.25
    ax.yaxis.set_major_locator(mdates.YearLocator(1 if span_years <= 20 else 5, month=1, day=1))
    ax.yaxis.set_major_formatter(mdates.DateFormatter("%Y"))
    ax.tick_params(axis="y", labelsize=8.5)
    ax.set_ylabel("Year")
    ax.set_xticks([])
    ax.grid(False)
    for side in ("top", "right", "bottom"):
        ax.spines[side].set_visible(False)
    used = [c for c in CATEGORIES if c in set(rows["category"])]
    handles = [Line2D([], [], marker="o", linestyle="none", color=CATEGORY_COLOURS[c], markeredgecolor="white",
                      markersize=7, label=c.capitalize()) for c in used]
    fig.text(0.09, 1 - 0.08 / fig_h, title, ha="left", va="top", fontsize=12, fontweight="bold", color=style.INK)
    fig.legend(handles=handles, loc="upper left", bbox_to_anchor=(0.08, 1 - 0.38 / fig_h), ncol=len(used),
               fontsize=8.5, frameon=False, handletextpad=0.2, columnspacing=1.0, borderaxespad=0)
    return fig


# --------------------------------------------------------------------------------------------------
# Border maps
# --------------------------------------------------------------------------------------------------

#: Map extent of the border panels: Hokkaido, Sakhalin and the Kuril chain to Kamchatka.
BORDER_EXTENT = (139.5, 158.5, 41.4, 55.3)
HOLDER_COLOURS = {"JP": style.ROLE_COLOURS["japan"], "RU": style.ROLE_COLOURS["russia"],
                  "SU": style.ROLE_COLOURS["russia"], "shared": style.OKABE_ITO["orange"]}
#: Land held by one state and claimed by another: the "disputed" colour of the islands chapter.
CLAIMED_COLOUR = style.ROLE_COLOURS["disputed"]
HOLDER_NAMES = {"JP": "Japan", "RU": "Russia", "SU": "Soviet Union", "shared": "undivided"}


@dataclass(frozen=True)
class Holding:
    """The land one row of ``boundaries`` describes, as a (multi)polygon in lon/lat."""

    id: str
    period: int
    holder: str
    claimed_by: str | None
    area: str
    geometry: BaseGeometry


def holding_geometry(row, land=None) -> BaseGeometry:
    """Land of one boundaries row: polygons whose interior point is in its box, cut at its latitudes."""
    land = geo.land_polygons() if land is None else land
    sel = shapely_box(float(row["lon_min"]), float(row["lat_min"]), float(row["lon_max"]), float(row["lat_max"]))
    geom = unary_union([p for p in land if sel.contains(p.representative_point())])
    lat_lo = row["cut_lat_min"] if pd.notna(row["cut_lat_min"]) else -90.0
    lat_hi = row["cut_lat_max"] if pd.notna(row["cut_lat_max"]) else 90.0
    if lat_lo > -90.0 or lat_hi < 90.0:
        geom = geom.intersection(shapely_box(-180.0, float(lat_lo), 180.0, float(lat_hi)))
    return geom


def holdings(boundaries: pd.DataFrame, period: int) -> list[Holding]:
    """Every holding of one period (1855, 1875, 1905 or 1945) with its land."""
    rows = boundaries[boundaries["period"] == period]
    if rows.empty:
        raise KeyError(f"no boundaries for period {period}; known: {sorted(boundaries['period'].unique())}")
    return [Holding(r["id"], int(r["period"]), r["holder"], r["claimed_by"] if pd.notna(r["claimed_by"]) else None,
                    r["area"], holding_geometry(r)) for _, r in rows.iterrows()]


def holder_at(boundaries: pd.DataFrame, period: int, lon: float, lat: float) -> tuple[str, str | None] | None:
    """(holder, claimed_by) of the land at a point in a period, or None where no row covers it."""
    from shapely.geometry import Point

    pt = Point(lon, lat)
    hits = [(h.holder, h.claimed_by) for h in holdings(boundaries, period) if h.geometry.contains(pt)]
    if len(hits) > 1:
        raise ValueError(f"{len(hits)} holdings cover ({lon}, {lat}) in {period}")
    return hits[0] if hits else None


#: Place labels on the border maps (lon, lat, text, period or None for every panel): presentation only.
BORDER_LABELS = [
    (143.9, 51.6, "Sakhalin", None), (142.8, 43.3, "Hokkaido", None), (157.9, 54.2, "Kamchatka", None),
    (150.9, 45.75, "Urup", 1855), (147.7, 44.85, "Etorofu", 1855), (155.7, 51.15, "Shumshu", 1875),
]


def border_maps(boundaries: pd.DataFrame, timeline: pd.DataFrame):
    """Four map panels: who held which Kuril islands and which part of Sakhalin in each period."""
    import cartopy.crs as ccrs
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch

    from kurils import maps

    pc = ccrs.PlateCarree()
    fig = plt.figure(figsize=(8.2, 8.6))
    periods = sorted(int(p) for p in boundaries["period"].unique())
    for k, period in enumerate(periods):
        ax = fig.add_subplot(2, 2, k + 1, projection=maps.projection(BORDER_EXTENT))
        maps.base_map(BORDER_EXTENT, ax=ax, gridlines=False, boundaries=False)
        shapes = holdings(boundaries, period)
        for h in shapes:
            colour = CLAIMED_COLOUR if h.claimed_by else HOLDER_COLOURS[h.holder]
            ax.add_geometries([h.geometry], crs=pc, facecolor=colour, edgecolor=colour, linewidth=0.9, zorder=3)
        rows = boundaries[boundaries["period"] == period]
        for cut in pd.concat([rows["cut_lat_min"], rows["cut_lat_max"]]).dropna().unique():
            lons = np.linspace(141.2, 145.0, 40)  # densified, so the parallel curves with the projection
            ax.plot(lons, np.full(lons.size, float(cut)), transform=pc, color=style.INK, linewidth=1.0,
                    linestyle=(0, (3, 2)), zorder=5)
            maps.label(ax, 145.1, float(cut), f"{cut:.0f}°N", size=8.5, ha="left")
        for lon, lat, name, only in BORDER_LABELS:
            if only is None or only == period:
                maps.label(ax, lon, lat, name, size=8.5, ha="center")
        first = timeline.set_index("id").loc[list(rows["event_id"])]
        first = first[first["date"].dt.year >= period].sort_values("date").iloc[0]
        when = fmt_event_date(first["date"], first["date_precision"], short=True)
        ax.set_title(f"{PERIOD_TITLES[period]}\n{first['label']}, {when}", fontsize=10, loc="left")
        for h in shapes:
            if h.claimed_by:
                c = h.geometry.centroid
                maps.label(ax, c.x + 0.4, c.y - 1.25, f"held by Russia,\nclaimed by {HOLDER_NAMES[h.claimed_by]}",
                           size=8.5, ha="left")
    handles = [Patch(facecolor=HOLDER_COLOURS["JP"], label="Held by Japan"),
               Patch(facecolor=HOLDER_COLOURS["RU"], label="Held by Russia (USSR 1945–91)"),
               Patch(facecolor=HOLDER_COLOURS["shared"], label="Undivided between the two (Sakhalin, 1855)"),
               Patch(facecolor=CLAIMED_COLOUR, label="Held by Russia, claimed by Japan (the four islands)")]
    fig.legend(handles=handles, loc="upper center", ncol=2, fontsize=9, frameon=False, bbox_to_anchor=(0.5, 1.0))
    fig.subplots_adjust(left=0.02, right=0.98, top=0.88, bottom=0.02, wspace=0.05, hspace=0.2)
    return fig


# --------------------------------------------------------------------------------------------------
# People
# --------------------------------------------------------------------------------------------------

#: Strength of a source's basis when sources disagree (lower is preferred).
BASIS_RANK = {"official_japan": 0, "official_russia": 0, "press": 1, "encyclopaedia": 2}


def preferred(population: pd.DataFrame) -> pd.DataFrame:
    """One row per place, group, metric and date: the one with the strongest basis (then the first listed)."""
    ranked = population.assign(_rank=population["basis"].map(BASIS_RANK), _order=np.arange(len(population)))
    best = ranked.sort_values(["_rank", "_order"]).drop_duplicates(["place_id", "group", "metric", "as_of"])
    return best.sort_values(["place_id", "group", "metric", "as_of"]).drop(columns=["_rank", "_order"]).reset_index(drop=True)


def disagreements(population: pd.DataFrame) -> pd.DataFrame:
    """Values that differ between sources for the same place, group, metric and date (one row each)."""
    keys = ["place_id", "group", "metric", "as_of"]
    spread_ = population.groupby(keys)["value"].transform("nunique")
    return population[spread_ > 1].sort_values(keys + ["value"]).reset_index(drop=True)


def residents_1945(facts: pd.DataFrame) -> float:
    """Japanese residents of the four islands on 15 August 1945 (MOFA, from island_facts)."""
    from kurils import islands

    return float(islands.official(facts, "population_1945")["northern_territories"])


def former_residents(population: pd.DataFrame) -> pd.DataFrame:
    """Former residents alive (preferred source per date), oldest first."""
    rows = preferred(population)
    return rows[(rows["group"] == "former_residents") & (rows["metric"] == "persons")].sort_values("as_of")


def is_preliminary(rows: pd.DataFrame) -> pd.Series:
    """Rows whose note marks the value as a preliminary count (the note starts with 'Preliminary')."""
    return rows["note"].fillna("").str.startswith("Preliminary")


def alive_share(population: pd.DataFrame, *, baseline: str = "official_japan") -> pd.DataFrame:
    """Former residents alive at each (final) count, as a share of the 1945 population given by one source.

    ``baseline`` is the ``basis`` of the population.csv row for the Japanese residents of 15 August 1945:
    ``"official_japan"`` (MOFA's count, the one the book shows) or ``"press"`` (a newspaper's figure).
    """
    base = population[(population["group"] == "japanese_residents_1945") & (population["metric"] == "persons")
                      & (population["basis"] == baseline)]
    if len(base) != 1:
        choices = sorted(population.loc[population["group"] == "japanese_residents_1945", "basis"].unique())
        raise KeyError(f"no single 1945 count with basis {baseline!r}; choose one of {', '.join(choices)}")
    alive = former_residents(population)
    alive = alive[~is_preliminary(alive)]
    value = float(base["value"].iloc[0])
    return pd.DataFrame({"date": alive["as_of"].dt.date, "alive": alive["value"].astype(float),
                         "residents_1945": value, "share_alive_pct": 100 * alive["value"].astype(float) / value,
                         "source_of_count": alive["source_title"]}).reset_index(drop=True)


def russian_admin_population(population: pd.DataFrame, facts: pd.DataFrame) -> pd.DataFrame:
    """Population under Russian administration: population.csv rows plus the Cabinet Office's January 2018
    figures kept in island_facts (basis official_japan), as one long table."""
    extra = facts[(facts["metric"] == "population") & (facts["island_id"] != "habomai")]
    extra = pd.DataFrame({
        "place_id": extra["island_id"], "group": "resident_population", "metric": "persons",
        "value": extra["value"], "unit": "persons", "as_of": extra["as_of"], "as_of_precision": extra["as_of_precision"],
        "basis": extra["basis"], "source_url": extra["source_url"], "source_title": extra["source_title"],
        "accessed": extra["accessed"], "note": extra["note"]})
    rows = population[population["group"] == "resident_population"]
    return pd.concat([rows, extra], ignore_index=True).sort_values(["place_id", "as_of"]).reset_index(drop=True)


def _year_axis(ax, lo: int, hi: int, step: int):
    import matplotlib.dates as mdates

    ax.set_xlim(_date_num(f"{lo}-01-01"), _date_num(f"{hi}-01-01"))
    ax.xaxis.set_major_locator(mdates.YearLocator(step, month=1, day=1))
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
    ax.set_xlabel("Year")


def former_residents_chart(population: pd.DataFrame, facts: pd.DataFrame):
    """Two panels: former residents alive since 1945, and their average age."""
    import matplotlib.pyplot as plt

    fig, (a, b) = plt.subplots(1, 2, figsize=(8.0, 4.0), gridspec_kw={"width_ratios": [1.35, 1]})
    alive = former_residents(population)
    vermillion = style.ROLE_COLOURS["japan"]
    base = residents_1945(facts)
    a.plot([_date_num("1945-08-15")], [base], marker="s", color=style.INK, linestyle="none", markersize=6)
    a.annotate(f"{base:,.0f} residents\n15 Aug 1945 (MOFA)", (_date_num("1945-08-15"), base), xytext=(8, -4),
               textcoords="offset points", fontsize=8.5, va="top")
    final, prelim = alive[~is_preliminary(alive)], alive[is_preliminary(alive)]
    xs = [_date_num(d) for d in final["as_of"]]
    a.plot(xs, final["value"], color=vermillion, linewidth=1.4)
    a.plot(xs, final["value"], marker="o", color=vermillion, linestyle="none", markersize=5)
    a.plot([_date_num(d) for d in prelim["as_of"]], prelim["value"], marker="o", markerfacecolor="white",
           color=vermillion, linestyle="none", markersize=5)
    notes = [(final.iloc[0], (0, 9), "center", ""), (final.iloc[-1], (4, 8), "left", ""),
             *[(r, (-6, -12), "right", f" (prelim., {MONTHS_SHORT[r['as_of'].month - 1]} {r['as_of'].year})")
               for _, r in prelim.iterrows()]]
    for r, offset, ha, extra in notes:
        a.annotate(f"{r['value']:,.0f}{extra}", (_date_num(r["as_of"]), r["value"]), xytext=offset,
                   textcoords="offset points", fontsize=8.5, ha=ha)
    first_year = int(final["as_of"].min().year)
    a.text(_date_num("1977-01-01"), base * 0.5, f"no count read\nfor 1946–{first_year - 1}", fontsize=8.5,
           color=style.MUTED, ha="center", va="center")
    _year_axis(a, 1940, 2030, 20)
    a.set_ylim(0, base * 1.12)
    a.set_ylabel("Former residents alive (persons)")
    a.yaxis.set_major_formatter(plt.FuncFormatter(lambda v, _: f"{v:,.0f}"))
    a.set_title("Former residents alive", loc="left")

    rows = preferred(population)
    age = rows[(rows["group"] == "former_residents") & (rows["metric"] == "mean_age")].sort_values("as_of")
    floor = rows[(rows["group"] == "former_residents") & (rows["metric"] == "mean_age_at_least")]
    b.plot([_date_num(d) for d in age["as_of"]], age["value"], marker="o", color=vermillion, linewidth=1.4, markersize=5)
    for _, r in age.iloc[[0, -1]].iterrows():
        b.annotate(f"{r['value']:g}", (_date_num(r["as_of"]), r["value"]), xytext=(0, 7), textcoords="offset points",
                   fontsize=8.5, ha="center")
    for _, r in floor.iterrows():
        b.plot([_date_num(r["as_of"])], [r["value"]], marker="^", markerfacecolor="white", color=vermillion,
               linestyle="none", markersize=7)
        who = "Abe, " if r["basis"] == "official_russia" else ""  # the lower bound Abe stated at the Kremlin press conference
        below = (8, -6, "left", "top") if who else (-8, 2, "right", "center")
        b.annotate(f"over {r['value']:.0f}\n({who}{MONTHS_SHORT[r['as_of'].month - 1]} {r['as_of'].year})",
                   (_date_num(r["as_of"]), r["value"]), xytext=below[:2], textcoords="offset points", fontsize=8.5,
                   ha=below[2], va=below[3])
    _year_axis(b, 2014, 2027, 4)
    b.set_ylim(78, 92)
    b.set_ylabel("Average age (years)")
    b.set_title("Their average age", loc="left")
    fig.tight_layout(w_pad=2.5)
    return fig


ISLAND_ORDER = ["etorofu", "kunashiri", "shikotan"]


def russian_population_chart(population: pd.DataFrame, facts: pd.DataFrame, islands_table: pd.DataFrame):
    """Two panels: residents of the three inhabited islands and their total (Japan's tables from Russian
    statistics) against the 1945 Japanese population, and residents of the Russian districts and the
    whole chain. Lines join the values the book shows; hollow markers are other sources' values."""
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D

    allrows = russian_admin_population(population, facts)
    best = preferred(allrows)
    island_line = best[best["basis"] == "official_japan"]
    names = islands_table.set_index("id")["name_en"]
    fig, (a, b) = plt.subplots(1, 2, figsize=(8.0, 4.4), sharey=True)
    colours = dict(zip(ISLAND_ORDER + ["northern_territories"],
                       [style.OKABE_ITO["blue"], style.OKABE_ITO["orange"], style.OKABE_ITO["bluish_green"], style.INK]))

    def draw(ax, place, line_rows, colour):
        rows = line_rows[line_rows["place_id"] == place].sort_values("as_of")
        ax.plot([_date_num(d) for d in rows["as_of"]], rows["value"], marker="o", color=colour, linewidth=1.3,
                markersize=5, zorder=3)
        shown = set(zip(rows["as_of"], rows["source_url"]))
        alt = allrows[(allrows["place_id"] == place) &
                      ~pd.Series(list(zip(allrows["as_of"], allrows["source_url"])), index=allrows.index).isin(shown)]
        # a larger ring under the shown value stays visible where two sources nearly agree
        ax.plot([_date_num(d) for d in alt["as_of"]], alt["value"], marker="o", markerfacecolor="white", color=colour,
                linestyle="none", markersize=8.5, markeredgewidth=1.2, zorder=2)
        return rows

    for place in ISLAND_ORDER + ["northern_territories"]:
        rows = draw(a, place, island_line, colours[place])
        label = "Three islands" if place == "northern_territories" else names[place]
        a.annotate(label, (_date_num(rows["as_of"].iloc[-1]), rows["value"].iloc[-1]), xytext=(9, 0),
                   textcoords="offset points", fontsize=8.5, va="center", color=colours[place])
    base = residents_1945(facts)
    for ax in (a, b):
        ax.axhline(base, color=style.ROLE_COLOURS["japan"], linewidth=1.0, linestyle=(0, (4, 2)))
    b.text(_date_num("2000-06-01"), base - 450, f"Japanese residents of the four islands,\n15 Aug 1945 (MOFA): {base:,.0f}",
           fontsize=8.5, color=style.ROLE_COLOURS["japan"], va="top")
    _year_axis(a, 2012, 2020, 2)
    a.set_ylabel("Residents (persons)")
    a.yaxis.set_major_formatter(plt.FuncFormatter(lambda v, _: f"{v:,.0f}"))
    a.set_title("The three inhabited islands", loc="left")
    dcol = {"yuzhno_kurilsky_district": style.OKABE_ITO["reddish_purple"], "kurilsky_district": style.OKABE_ITO["blue"],
            "kuril_islands": style.INK}
    dname = {"yuzhno_kurilsky_district": ("Yuzhno-Kurilsky district", 0, (0, -15), "left"),
             "kurilsky_district": ("Kurilsky district", 0, (0, -14), "left"),
             "kuril_islands": ("Whole Kuril chain", -1, (-4, 8), "right")}
    for place, colour in dcol.items():
        rows = draw(b, place, best, colour)
        name, k, offset, ha = dname[place]
        b.annotate(name, (_date_num(rows["as_of"].iloc[k]), rows["value"].iloc[k]), xytext=offset,
                   textcoords="offset points", fontsize=8.5, ha=ha, color=colour)
    _year_axis(b, 2000, 2026, 5)
    b.set_title("Russian districts, whole chain", loc="left")
    b.set_ylim(0, 23500)
    handles = [Line2D([], [], marker="o", color=style.MUTED, linestyle="-", label="Value shown"),
               Line2D([], [], marker="o", color=style.MUTED, markerfacecolor="white", linestyle="none",
                      markersize=8.5, markeredgewidth=1.2, label="Another source")]
    b.legend(handles=handles, loc="lower right", fontsize=8.5, frameon=False)
    fig.tight_layout(w_pad=2.0)
    return fig


# --------------------------------------------------------------------------------------------------
# Leaders
# --------------------------------------------------------------------------------------------------

#: Chart lanes and the offices drawn in each.
LANES = {
    "Japan: prime minister": ["Prime Minister of Japan"],
    "USSR: party leader, president": ["Leader of the Communist Party of the Soviet Union", "President of the USSR"],
    "Russia: president": ["President of Russia"],
}


def bounds(date, precision) -> tuple[pd.Timestamp, pd.Timestamp]:
    """Earliest and latest day a date given at a precision can stand for."""
    ts = pd.Timestamp(date)
    if precision == "month":
        return ts.replace(day=1), ts.replace(day=1) + pd.offsets.MonthEnd(0)
    if precision == "year":
        return ts.replace(month=1, day=1), ts.replace(month=12, day=31)
    return ts, ts


def main_terms(leaders: pd.DataFrame) -> pd.DataFrame:
    """Terms without the alternative rows (ids ending in ``_alt``)."""
    return leaders[~leaders["id"].str.endswith("_alt")].reset_index(drop=True)


def overlapping_terms(leaders: pd.DataFrame) -> list[tuple[str, str]]:
    """Pairs of terms in the same office that certainly overlap, given the precision of their dates.

    Two terms overlap when the later one's latest possible start is before the earlier one's earliest
    possible end (a successor starting on the predecessor's last day does not overlap).
    """
    pairs = []
    for office, rows in main_terms(leaders).groupby("office"):
        rows = rows.sort_values("start").reset_index(drop=True)
        for i in range(len(rows)):
            a = rows.iloc[i]
            a_end = bounds(a["end"], a["end_precision"])[0] if pd.notna(a["end"]) else pd.Timestamp.max
            for j in range(i + 1, len(rows)):
                b = rows.iloc[j]
                if bounds(b["start"], b["start_precision"])[1] < a_end:
                    pairs.append((a["id"], b["id"]))
    return pairs


def terms(leaders: pd.DataFrame, current_to) -> pd.DataFrame:
    """One bar per person and lane: lane, name, start, end, confirmed_to (last day a source confirms).

    Terms of one person in one lane that touch or overlap (Gorbachev as party leader, then president)
    are merged. An open term ends at ``current_to`` but is confirmed only to its ``as_of``.
    """
    rows = []
    lane_of = {office: lane for lane, offices in LANES.items() for office in offices}
    main = main_terms(leaders)
    main = main[main["office"].isin(lane_of)]
    for _, r in main.iterrows():
        start = bounds(r["start"], r["start_precision"])[0]
        end = bounds(r["end"], r["end_precision"])[1] if pd.notna(r["end"]) else pd.Timestamp(current_to)
        confirmed = end if pd.notna(r["end"]) else pd.Timestamp(r["as_of"])
        rows.append({"lane": lane_of[r["office"]], "name": r["name"], "start": start, "end": end, "confirmed_to": confirmed})
    frame = pd.DataFrame(rows).sort_values(["lane", "start"])
    merged = []
    for _, r in frame.iterrows():
        last = merged[-1] if merged else None
        if last and last["lane"] == r["lane"] and last["name"] == r["name"] and r["start"] <= last["end"]:
            last["end"] = max(last["end"], r["end"])
            last["confirmed_to"] = max(last["confirmed_to"], r["confirmed_to"])
        else:
            merged.append(dict(r))
    return pd.DataFrame(merged).reset_index(drop=True)


def in_office(leaders: pd.DataFrame, lane: str, date) -> str | None:
    """Who held the office(s) of a lane on a day (the successor from the day of the handover), or None."""
    date = pd.Timestamp(date)
    names = []
    for _, r in main_terms(leaders)[main_terms(leaders)["office"].isin(LANES[lane])].iterrows():
        start = bounds(r["start"], r["start_precision"])[0]
        end = bounds(r["end"], r["end_precision"])[0] if pd.notna(r["end"]) else None
        if start <= date and (end is None or date < end):
            names.append(r["name"] if end is not None or date <= r["as_of"] else f"{r['name']} (not confirmed)")
    return " / ".join(dict.fromkeys(names)) or None


def summits_table(leaders: pd.DataFrame, timeline: pd.DataFrame) -> pd.DataFrame:
    """Japan–USSR/Russia summits, declarations and treaties with the leaders in office on each date
    (events from the first prime minister in the leaders table on)."""
    rows = []
    events = bilateral(timeline)
    terms_ = main_terms(leaders)
    first = terms_.loc[terms_["country"] == "JP", "start"].min()  # the table's first prime minister
    for _, e in events[events["date"] >= first].iterrows():
        parties = e["parties"].split(";")
        lane = "USSR: party leader, president" if "SU" in parties else "Russia: president"
        rows.append({"Date": fmt_event_date(e["date"], e["date_precision"], short=True), "Event": e["title"],
                     "Kind": e["category"], "Japanese prime minister": in_office(leaders, "Japan: prime minister", e["date"]),
                     "Soviet or Russian leader": in_office(leaders, lane, e["date"])})
    return pd.DataFrame(rows)


def leaders_chart(leaders: pd.DataFrame, timeline: pd.DataFrame, *, start="1945-01-01", current_to=None):
    """Leaders as bars over time, with Japan–USSR/Russia summits, declarations and treaties as markers.

    Turning points (:data:`TURNING_POINTS`) are coloured and labelled; the period after Russia halted
    the talks (event ``russia_ends_talks_2022``) is shaded.
    """
    import matplotlib.dates as mdates
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    current_to = pd.Timestamp(current_to) if current_to is not None else pd.Timestamp(leaders["accessed"].max())
    bars = terms(leaders, current_to)
    fig, ax = plt.subplots(figsize=(8.0, 5.6))
    fig.subplots_adjust(left=0.23, right=0.97)  # before any label is measured: lanes depend on the axes width
    x_end = current_to + pd.DateOffset(years=1)
    ax.set_xlim(_date_num(start), _date_num(x_end))
    lane_y = {lane: len(LANES) - 1 - i for i, lane in enumerate(LANES)}
    lane_colour = {"Japan: prime minister": style.ROLE_COLOURS["japan"],
                   "USSR: party leader, president": style.ROLE_COLOURS["russia"],
                   "Russia: president": style.ROLE_COLOURS["russia"]}
    for lane, rows in bars.groupby("lane", sort=False):
        y = lane_y[lane]
        for k, (_, r) in enumerate(rows.sort_values("start").iterrows()):
            x0 = _date_num(max(r["start"], pd.Timestamp(start)))
            x1 = _date_num(r["end"])
            xc = _date_num(r["confirmed_to"])
            alpha = 1.0 if k % 2 == 0 else 0.6
            ax.barh(y, xc - x0, left=x0, height=0.62, color=lane_colour[lane], alpha=alpha, edgecolor="white",
                    linewidth=0.5, zorder=2)
            if x1 > xc:
                ax.barh(y, x1 - xc, left=xc, height=0.62, color="white", edgecolor=lane_colour[lane], hatch="////",
                        linewidth=0.5, zorder=2)
            label = r["name"].split()[-1] if lane != "Japan: prime minister" else r["name"].split()[0]
            width = _text_width_data(ax, label, 8)
            if x1 - x0 > width * 1.08:
                ax.text((x0 + min(x1, _date_num(x_end))) / 2, y, label, fontsize=8, ha="center", va="center",
                        color="white" if alpha == 1.0 else style.INK, zorder=3)
    ev_y = len(LANES) + 0.1
    events = bilateral(timeline)
    events = events[events["date"] >= pd.Timestamp(start)]
    markers = {"summit": "o", "declaration": "D", "treaty": "s"}
    for _, e in events.iterrows():
        kind = TURNING_POINTS.get(e["id"])
        colour = TURNING_COLOURS[kind] if kind else "#9A9A9A"
        ax.plot([_date_num(e["date"])], [ev_y], marker=markers[e["category"]], color=colour, markeredgecolor="white",
                markeredgewidth=0.5, markersize=7 if kind else 5.5, linestyle="none", zorder=4)
    tp = events[events["id"].isin(TURNING_POINTS)]
    lanes = label_lanes(ax, [_date_num(d) for d in tp["date"]],
                        [f"{lab} ({d.year})" for lab, d in zip(tp["label"], tp["date"])],
                        y0=ev_y + 0.75, lane_height=0.5, marker_ys=[ev_y] * len(tp),
                        colors=[TURNING_COLOURS[TURNING_POINTS[i]] for i in tp["id"]], fontsize=8.5)
    top = ev_y + 0.75 + (max(lanes) if lanes else 0) * 0.5 + 0.45
    halt = event(timeline, "russia_ends_talks_2022")["date"]
    ax.axvspan(_date_num(halt), _date_num(x_end), color="#EDEDED", zorder=0, lw=0)
    ax.set_ylim(-0.6, top)
    ax.set_yticks([lane_y[lane] for lane in LANES] + [ev_y],
                  list(LANES) + ["Japan with USSR/Russia:\nsummits, declarations,\ntreaties"])
    ax.tick_params(axis="y", length=0, labelsize=8.5)
    ax.xaxis.set_major_locator(mdates.YearLocator(10, month=1, day=1))
    ax.xaxis.set_minor_locator(mdates.YearLocator(5, month=1, day=1))
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
    ax.set_xlabel("Year")
    ax.grid(axis="y", visible=False)
    ax.grid(axis="x", visible=True, color="#E0E0E0", linewidth=0.5)
    ax.spines["left"].set_visible(False)
    handles = [Line2D([], [], marker=m, color="#9A9A9A", linestyle="none", markersize=6, label=k.capitalize())
               for k, m in markers.items()]
    handles += [Line2D([], [], marker="o", color=TURNING_COLOURS["joint"], linestyle="none", markersize=7,
                       label="Joint text on treaty or islands"),
                Line2D([], [], marker="o", color=TURNING_COLOURS["unilateral"], linestyle="none", markersize=7,
                       label="One side narrows or ends talks"),
                Patch(facecolor="white", edgecolor=style.MUTED, hatch="////", label="In office, not confirmed by a source read"),
                Patch(facecolor="#EDEDED", label="Talks halted by Russia")]
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.45, -0.13), ncol=4, fontsize=8, frameon=False,
              handletextpad=0.3, columnspacing=1.0)
    ax.set_title("Leaders in office and the meetings between Tokyo and Moscow", loc="left")
    return fig


# --------------------------------------------------------------------------------------------------
# Tables
# --------------------------------------------------------------------------------------------------

def people_1945_table(facts: pd.DataFrame, islands_table: pd.DataFrame) -> pd.DataFrame:
    """Japanese residents by island on 15 August 1945 (MOFA, from island_facts), largest first, with shares."""
    from kurils import islands

    pop = islands.official(facts, "population_1945")
    four = pop.reindex(islands.FOUR).sort_values(ascending=False)
    names = islands_table.set_index("id")["name_en"]
    return pd.DataFrame({"Island": [names[i] for i in four.index], "Residents, 15 Aug 1945": four.to_numpy(),
                         "Share of the four islands (%)": (100 * four / pop["northern_territories"]).to_numpy()})


def disagreements_table(population: pd.DataFrame, facts: pd.DataFrame, areas: pd.DataFrame) -> pd.DataFrame:
    """Where sources disagree on a population figure (population.csv with the Cabinet Office's 2018 figures
    from island_facts): each value with its source, and which one the book shows."""
    population = pd.concat([population[population["group"] != "resident_population"],
                            russian_admin_population(population, facts)], ignore_index=True)
    rows = disagreements(population)
    shown = preferred(population)[["place_id", "group", "metric", "as_of", "source_url"]]
    merged = rows.merge(shown.assign(shown=True), how="left", on=["place_id", "group", "metric", "as_of", "source_url"])
    names = areas.set_index("id")["name_en"]
    return pd.DataFrame({
        "Area": [names[p] for p in merged["place_id"]],
        "What": merged["group"].str.replace("_", " ").str.replace(" 1945", "", regex=False),
        "Date": [fmt_event_date(d, p) for d, p in zip(merged["as_of"], merged["as_of_precision"])],
        "Value": merged["value"].astype(float),
        "Source": [text.link(u, t) for t, u in zip(merged["source_title"], merged["source_url"])],
        "Kind of source": merged["basis"].str.replace("_", " "),
        "Shown": np.where(merged["shown"].fillna(False).astype(bool), "yes", "–"),
    })


def people_numbers(population: pd.DataFrame, facts: pd.DataFrame) -> dict:
    """The figures the chapter quotes about the islanders of 1945 and the former residents today.

    Values come from the preferred row (:func:`preferred`) of each series; dates are Timestamps.
    The average age at the latest count may be a lower bound only (a ``mean_age_at_least`` row, "over
    89"): then ``age_at_alive_last`` holds that bound, ``age_at_alive_last_is_floor`` is True and
    ``age_at_alive_last_text`` reads "over 89"; otherwise the text is the mean to one decimal.
    ``alive_prelim`` is present only when a count's note marks it as preliminary.
    """
    best = preferred(population)
    alive = former_residents(population)
    final, prelim = alive[~is_preliminary(alive)], alive[is_preliminary(alive)]
    former = best[best["group"] == "former_residents"]
    age = former[former["metric"] == "mean_age"].set_index("as_of")["value"]
    floor = former[former["metric"] == "mean_age_at_least"].set_index("as_of")["value"]
    hh = best[(best["group"] == "japanese_residents_1945") & (best["metric"] == "households")]
    evac = best[best["group"] == "evacuation_lists"]
    first, last = final.iloc[0], final.iloc[-1]
    base = residents_1945(facts)
    if last["as_of"] in age.index:
        age_last, is_floor = float(age.loc[last["as_of"]]), False
    elif last["as_of"] in floor.index:
        age_last, is_floor = float(floor.loc[last["as_of"]]), True
    else:
        raise KeyError(f"no average age for the latest count of former residents ({last['as_of']:%Y-%m-%d})")
    out = {
        "residents_1945": base,
        "households_1945": float(hh["value"].iloc[0]),
        "alive_first": float(first["value"]), "alive_first_date": first["as_of"],
        "alive_last": float(last["value"]), "alive_last_date": last["as_of"],
        "alive_last_precision": last["as_of_precision"],
        "alive_last_share": 100 * float(last["value"]) / base,
        "age_at_alive_last": age_last, "age_at_alive_last_is_floor": is_floor,
        "age_at_alive_last_text": f"over {age_last:.0f}" if is_floor else f"{age_last:.1f}",
        "age_latest": float(age.iloc[-1]), "age_latest_date": age.index[-1],
        "evacuation_named": float(evac["value"].iloc[0]), "evacuation_named_date": evac["as_of"].iloc[0],
    }
    if not prelim.empty:
        out.update(alive_prelim=float(prelim["value"].iloc[-1]), alive_prelim_date=prelim["as_of"].iloc[-1])
    return out


def place_value(population: pd.DataFrame, place: str, as_of, *, group: str = "resident_population",
                metric: str = "persons") -> float:
    """The preferred value for one place, group, metric and date."""
    best = preferred(population)
    rows = best[(best["place_id"] == place) & (best["group"] == group) & (best["metric"] == metric)
                & (best["as_of"] == pd.Timestamp(as_of))]
    if len(rows) != 1:
        raise KeyError(f"no single {group}/{metric} value for {place} at {as_of}")
    return float(rows["value"].iloc[0])


def register_numbers(meetings: pd.DataFrame, leaders: pd.DataFrame) -> dict:
    """What the negotiations chapter's register of meetings says about silences and the Abe years.

    The leaders chart draws only the summits and texts the timeline records; the register
    (data/meetings.csv) also holds foreign ministers' meetings and every Abe–Putin meeting found, so
    findings about gaps and counts come from it.
    """
    from kurils import negotiations

    lead = meetings[meetings["level"] == "leaders"]
    fm = meetings[meetings["level"] == "foreign_ministers"]
    la, lb, lyears = negotiations.longest_gap(lead)
    a, b, years = negotiations.longest_gap(meetings)
    between = fm[(fm["date"] > la["date"]) & (fm["date"] < lb["date"])]
    pairs = negotiations.pair_counts(meetings, leaders)
    abe = pairs[(pairs["japan_person"] == "Abe Shinzō") & (pairs["russia_person"] == "Vladimir Putin")]
    abe_rows = lead[lead["japan_side"].str.startswith("jp_abe_shinzo") & ~lead["format"].isin(negotiations.REMOTE)]
    return {
        "reg_lgap_from": la["date"], "reg_lgap_to": lb["date"], "reg_lgap_years": lyears,
        "reg_fm_between": len(between),
        "reg_fm_between_years": ", ".join(str(y) for y in sorted(set(between["date"].dt.year))),
        "reg_gap_from": a["date"], "reg_gap_to": b["date"], "reg_gap_years": years,
        "reg_abe_putin": int(abe["meetings"].iloc[0]) if len(abe) else 0,
        "reg_abe_first": abe_rows["date"].min(), "reg_abe_last": abe_rows["date"].max(),
        "reg_last_leaders": lead["date"].max(),
    }


#: The tables the chapter loads (``key_numbers`` reads them from a dict by these names).
TABLES = ["timeline", "boundaries", "population", "areas", "leaders", "island_facts", "islands", "meetings"]

#: Populations the prose quotes: glue name -> (place id, date of the preferred value).
PLACE_VALUES = {"yk_2024": ("yuzhno_kurilsky_district", "2024-01-01"), "yk_2002": ("yuzhno_kurilsky_district", "2002-01-01"),
                "kd_2023": ("kurilsky_district", "2023-01-01"), "chain_2021": ("kuril_islands", "2021-01-01")}


def key_numbers(t: dict[str, pd.DataFrame]) -> dict:
    """Every number and phrase the chapter's prose glues, by glue name (for ``text.glue_all``).

    Event dates and source links (:func:`event_phrases`), counts of the timeline, the register's gaps
    and Abe–Putin meetings (:func:`register_numbers`), the islanders then and now (:func:`people_numbers`)
    and populations under Russian administration. Dates are Timestamps or phrases at their source's
    precision; numbers stay numbers.
    """
    tl, pop, facts, ld = t["timeline"], t["population"], t["island_facts"], t["leaders"]
    k: dict = event_phrases(tl)
    k["current_to"] = text.data_current_to(tl, t["boundaries"], pop, t["areas"], ld, facts)

    since_1855 = tl[tl["date"] >= pd.Timestamp("1855-01-01")]
    two = bilateral(tl)
    k.update({
        "n_events": len(tl), "n_since_1855": len(since_1855), "n_before_1855": len(tl) - len(since_1855),
        "latest_event": event_date(tl, since_1855.sort_values("date")["id"].iloc[-1]),
        "n_bilateral_postwar": len(two[two["date"] >= pd.Timestamp("1945-09-01")]),
    })
    # gaps and counts of meetings come from the negotiations chapter's register, not from the timeline
    k.update(register_numbers(t["meetings"], ld))

    people = people_numbers(pop, facts)
    k.update({key: value for key, value in people.items() if not isinstance(value, bool)})
    k["alive_last_date"] = text.fmt_date(people["alive_last_date"], people["alive_last_precision"])
    jt = pop[(pop["group"] == "japanese_residents_1945") & (pop["basis"] == "press")]
    k["jt_1945"] = jt["value"].iloc[0]

    # the exercises: bilateral events in five-year periods, and the share alive on the press's 1945 count
    five = bilateral_by_period(tl, years=5)
    k.update({"bil5_busiest": five["total"].idxmax(), "bil5_busiest_n": int(five["total"].max()),
              "bil5_empty": int((five["total"] == 0).sum()), "bil5_periods": len(five),
              "alive_last_share_press": float(alive_share(pop, baseline="press")["share_alive_pct"].iloc[-1])})

    russian = russian_admin_population(pop, facts)
    for year in [2015, 2016, 2018]:
        k[f"three_{year}"] = place_value(russian, "northern_territories", f"{year}-01-01")
    k.update({name: place_value(pop, place, as_of) for name, (place, as_of) in PLACE_VALUES.items()})
    return k
