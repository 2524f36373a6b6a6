"""Security now: Russian-Chinese joint activity around Japan, counted, mapped and charted.

Reads data/joint_activities.csv (one row per event, with a ``route`` of waypoint ids joined by
``>``) and data/waypoints.csv (the Gazetteer of Japan's point for each named sea, strait, island or
cape). A route drawn through gazetteer points shows which waters a report names, in the order it
names them; it is not a track, and the map says so.
"""

from __future__ import annotations

import cartopy.crs as ccrs
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.lines import Line2D

from kurils import maps, style

KINDS = ["air_patrol", "naval_patrol", "exercise"]
KIND_LABELS = {"air_patrol": "Joint bomber patrol", "naval_patrol": "Joint naval patrol", "exercise": "Joint exercise"}
KIND_COLOURS = {"air_patrol": style.OKABE_ITO["vermillion"], "naval_patrol": style.OKABE_ITO["blue"],
                "exercise": style.OKABE_ITO["bluish_green"]}
ROUTE_SEP = ">"


def route_ids(route: str) -> list[str]:
    """Waypoint ids of a route string ("a>b>c")."""
    ids = [p.strip() for p in str(route).split(ROUTE_SEP)]
    if not all(ids):
        raise ValueError(f"empty waypoint in route {route!r}")
    return ids


def unknown_waypoints(joint: pd.DataFrame, waypoints: pd.DataFrame) -> dict[str, list[str]]:
    """{event id: waypoint ids of its route that are not in the waypoints table} (empty when all resolve)."""
    known = set(waypoints["id"])
    out = {}
    for row in joint.itertuples():
        missing = [w for w in route_ids(row.route) if w not in known]
        if missing:
            out[row.id] = missing
    return out


def route_points(joint: pd.DataFrame, waypoints: pd.DataFrame) -> pd.DataFrame:
    """Long table: one row per event and route point (event, kind, seq, waypoint, lat, lon)."""
    bad = unknown_waypoints(joint, waypoints)
    if bad:
        raise KeyError(f"routes name unknown waypoints: {bad}")
    wp = waypoints.set_index("id")
    rows = []
    for ev in joint.itertuples():
        for seq, w in enumerate(route_ids(ev.route)):
            rows.append({"event": ev.id, "kind": ev.kind, "seq": seq, "waypoint": w,
                         "lat": float(wp.at[w, "lat"]), "lon": float(wp.at[w, "lon"])})
    return pd.DataFrame(rows)


def midpoint(a: tuple[float, float], b: tuple[float, float]) -> tuple[float, float]:
    """Midpoint (lat, lon) of two nearby points, as the arithmetic mean (the waypoints' 'midpoint' basis)."""
    return ((a[0] + b[0]) / 2, (a[1] + b[1]) / 2)


def inside_extent(lat, lon, extent: tuple[float, float, float, float] = maps.SEAS) -> np.ndarray:
    """True where a point lies inside a map extent (lon_min, lon_max, lat_min, lat_max)."""
    lon0, lon1, lat0, lat1 = extent
    lat, lon = np.asarray(lat, float), np.asarray(lon, float)
    return (lon >= lon0) & (lon <= lon1) & (lat >= lat0) & (lat <= lat1)


def events_per_year(joint: pd.DataFrame) -> pd.DataFrame:
    """Events by year of their start (rows) and kind (columns), every year from the first to the last."""
    return event_counts(joint, by="year")


#: Periods :func:`event_counts` can count by: the start date's year, or its month or quarter of the year.
PERIODS = ("year", "quarter", "month")


def event_counts(joint: pd.DataFrame, by: str = "year") -> pd.DataFrame:
    """Events by period of their start (rows) and kind (columns).

    ``by="year"``: every year from the first to the last (the chapter's chart); ``"quarter"`` or
    ``"month"``: the quarter (1–4) or month (1–12) of the year, all years together, every period shown.
    """
    if by not in PERIODS:
        raise ValueError(f"by must be one of {PERIODS}, not {by!r}")
    start = pd.to_datetime(joint["start_date"])
    period = getattr(start.dt, by)
    table = pd.crosstab(period, joint["kind"]).reindex(columns=KINDS, fill_value=0)
    index = {"year": range(int(period.min()), int(period.max()) + 1), "quarter": range(1, 5),
             "month": range(1, 13)}[by]
    table = table.reindex(index, fill_value=0)
    table.index.name = by
    table.columns.name = "kind"
    return table


def strait_passages(joint: pd.DataFrame, waypoints: pd.DataFrame, *, kinds: list[str] | None = None,
                    feature: str = "strait") -> pd.Series:
    """How many events' routes name each waypoint of a feature type (default: straits), counting each
    event once per waypoint: a count of reports, not of transits. ``kinds`` keeps only events of those
    kinds (default: all)."""
    if kinds is not None:
        unknown = set(kinds) - set(KINDS)
        if unknown:
            raise ValueError(f"unknown kinds {sorted(unknown)}; use {KINDS}")
        joint = joint[joint["kind"].isin(kinds)]
    pts = route_points(joint, waypoints)
    chosen = set(waypoints.loc[waypoints["feature"] == feature, "id"])
    if pts.empty:
        return pd.Series(dtype=int, name="event")
    hits = pts[pts["waypoint"].isin(chosen)].drop_duplicates(["event", "waypoint"])
    return hits.groupby("waypoint")["event"].count().sort_values(ascending=False)


ALLIANCE_DATES = ["exchange_of_notes_1960", "putin_2017_06", "putin_2018_12", "japan_offer_2018_11", "nss_2022_china"]
EVENT_DATES = ["air_2024_11", "air_2025_12", "naval_2021_10"]


def key_numbers(tables: dict[str, pd.DataFrame]) -> dict:
    """Everything the page glues, by glue name: counts by kind, the first and latest events, named-strait
    counts, the dates of the events and alliance statements the prose names (cut to their sources'
    precision), the quoted texts, and the page's currency line."""
    from kurils import text

    joint, wp, spec, alliance = (tables[n] for n in ["joint_activities", "waypoints", "specified_straits", "alliance"])
    a, ev = alliance.set_index("id"), joint.set_index("id")
    return {
        "current_to": text.data_current_to(joint, wp, spec, alliance),
        **_counts(tables),
        **{f"{i}_date": text.fmt_date(a.at[i, "date"], a.at[i, "date_precision"]) for i in ALLIANCE_DATES},
        **{f"{i}_date": text.fmt_date(ev.at[i, "start_date"], ev.at[i, "date_precision"]) for i in EVENT_DATES},
        "notes_quote": a.at["exchange_of_notes_1960", "quote"],
        "specified_nm": spec["territorial_sea_nm"].max(),
        "nss_china_quote": a.at["nss_2022_china", "quote"],
        "nss_russia_quote": a.at["nss_2022_russia", "quote"],
    }


def _counts(tables: dict[str, pd.DataFrame]) -> dict:
    """Counts by kind, the first and latest events, named-strait counts."""
    joint, wp = tables["joint_activities"], tables["waypoints"]
    start = pd.to_datetime(joint["start_date"])
    by_kind = joint["kind"].value_counts()
    passages = strait_passages(joint, wp)
    per_year = events_per_year(joint)
    first_air = joint.loc[joint["kind"] == "air_patrol"].sort_values("start_date").iloc[0]
    latest = joint.loc[start.idxmax()]
    return {
        "n_events": len(joint),
        **{f"n_{k}": int(by_kind.get(k, 0)) for k in KINDS},
        "first_year": int(start.dt.year.min()), "last_year": int(start.dt.year.max()),
        "first_air_date": first_air["start_date"],
        "latest_date": latest["start_date"], "latest_kind": KIND_LABELS[latest["kind"]].lower(),
        "busiest_year": int(per_year.sum(axis=1).idxmax()), "busiest_count": int(per_year.sum(axis=1).max()),
        "n_okinawa_miyako": int(passages.get("okinawa_miyako", 0)),
        "n_soya": int(passages.get("soya_strait", 0)), "n_tsugaru": int(passages.get("tsugaru_strait", 0)),
        "n_osumi": int(passages.get("osumi_strait", 0)), "n_tsushima": int(passages.get("tsushima_strait", 0)),
        "n_specified_named": int(sum(passages.get(w, 0) for w in tables["specified_straits"]["waypoint"])),
        "first_all_kinds_year": int(per_year[(per_year > 0).all(axis=1)].index.min()),
        "n_forces_missing": int(((joint["china_forces"].fillna("") == "") | (joint["russia_forces"].fillna("") == "")).sum()),
    }


# --------------------------------------------------------------------------------------------------
# Figures
# --------------------------------------------------------------------------------------------------

def routes_map(joint: pd.DataFrame, waypoints: pd.DataFrame, specified: pd.DataFrame | None = None):
    """Map of every event's named waters, joined in reported order, coloured by kind (LCC, SEAS extent)."""
    pts = route_points(joint, waypoints)
    fig, ax = maps.base_map(maps.SEAS, figsize=(8.0, 8.2), layers="seas")
    maps.fan_boundary(ax, maps.SEAS)
    pc = ccrs.PlateCarree()
    # a small sideways offset per event keeps overlapping routes visible (presentation only)
    offsets = {ev: (i % 5 - 2) * 0.12 for i, ev in enumerate(joint["id"])}
    for ev, grp in pts.groupby("event", sort=False):
        g = grp.sort_values("seq")
        colour = KIND_COLOURS[g["kind"].iloc[0]]
        dx = offsets[ev]
        if len(g) > 1:
            ax.plot(g["lon"] + dx, g["lat"] + dx / 2, color=colour, linewidth=1.2, alpha=0.8, transform=pc, zorder=4,
                    linestyle=(0, (4, 1.5)))
        ax.plot(g["lon"] + dx, g["lat"] + dx / 2, marker="o", markersize=3.2, color=colour, linestyle="none",
                transform=pc, zorder=5, markeredgecolor="white", markeredgewidth=0.4)
    wp = waypoints.set_index("id")
    named = sorted(set(pts["waypoint"]))
    for w in named:
        r = wp.loc[w]
        dx, dy, ha = LABEL_OFFSETS.get(w, (0.35, 0.25, "left"))
        maps.label(ax, float(r["lon"]), float(r["lat"]), _short(r["name_en"]), size=7.5, dx=dx, dy=dy, ha=ha,
                   color=style.INK)
    if specified is not None:
        for w in specified["waypoint"]:
            r = wp.loc[w]
            maps.point(ax, float(r["lon"]), float(r["lat"]), color="white", marker="s", size=8.5, edgecolor=style.INK,
                       edgewidth=1.0, zorder=6)
    handles = [Line2D([], [], color=KIND_COLOURS[k], linewidth=2, marker="o", markersize=4,
                      label=f"{KIND_LABELS[k]} ({int((joint['kind'] == k).sum())})") for k in KINDS]
    if specified is not None:
        handles.append(Line2D([], [], color="white", marker="s", markersize=8, markeredgecolor=style.INK, linestyle="none",
                              label="Japan's specified straits (3-nm territorial sea)"))
    ax.legend(handles=handles, loc="lower right", fontsize=8.5, frameon=True, framealpha=0.92, edgecolor="#CCCCCC")
    return fig


#: Label placement per waypoint (dlon, dlat, horizontal alignment): presentation, not data.
LABEL_OFFSETS = {
    "soya_strait": (0.4, 0.35, "left"), "rebun": (-0.4, 0.1, "right"), "sea_of_okhotsk": (0.4, 0.5, "left"),
    "east_china_sea": (-0.4, -0.45, "right"), "osumi_strait": (0.45, -0.45, "left"),
    "tsushima_strait": (-0.5, 0.45, "right"), "okushiri": (-0.4, 0.0, "right"), "tsugaru_strait": (0.5, 0.0, "left"),
    "sea_of_japan": (0.4, 0.45, "left"), "takeshima": (-0.3, 0.4, "right"), "okinawa_miyako": (0.5, -0.3, "left"),
    "vladivostok": (0.4, 0.2, "left"), "ashizuri_misaki": (0.4, 0.1, "left"),
}


def _short(name: str) -> str:
    """A compact map label: drop parenthesised glosses and the 'Tsushima Strait, ' prefix of channels."""
    name = name.split(" (")[0]
    return name.replace("Between Okinawa and Miyako islands", "Okinawa–Miyako")


def year_chart(joint: pd.DataFrame):
    """Stacked bars: events per year by kind."""
    table = events_per_year(joint)
    fig, ax = plt.subplots(figsize=(7.5, 3.8))
    bottom = np.zeros(len(table))
    for k in KINDS:
        ax.bar(table.index, table[k], bottom=bottom, color=KIND_COLOURS[k], label=KIND_LABELS[k], width=0.7,
               edgecolor="white", linewidth=0.6)
        bottom += table[k].to_numpy()
    ax.set_xticks(table.index)
    ax.set_ylabel("Events (by year of start)")
    ax.set_yticks(range(0, int(bottom.max()) + 2))
    ax.spines[["top", "right"]].set_visible(False)
    ax.legend(frameon=False, fontsize=9, loc="upper left")
    return fig


def events_table(joint: pd.DataFrame, waypoints: pd.DataFrame) -> pd.DataFrame:
    """The page's event list: dates, what (kind and name), forces by side, waters named, source link."""
    wp = waypoints.set_index("id")["name_en"].map(_short)
    joint = joint.sort_values(["start_date", "id"])

    def forces(china, russia) -> str:
        china, russia = (str(x) if isinstance(x, str) and x else "not given" for x in (china, russia))
        return f"China: {china}. Russia: {russia}."

    out = pd.DataFrame({
        "Dates": [_dates(r) for r in joint.itertuples()],
        "What": [KIND_LABELS[k] + (f" ({n})" if isinstance(n, str) and n else "") for k, n in zip(joint["kind"], joint["name"])],
        "Forces": [forces(c, r) for c, r in zip(joint["china_forces"], joint["russia_forces"])],
        "Waters named": [" → ".join(wp[w] for w in route_ids(r)) for r in joint["route"]],
        "Source": [_anchor(source_label(t), u) for t, u in zip(joint["source_title"], joint["source_url"])],
    })
    return out


def source_label(title: str) -> str:
    """A short link text from a source title: the outlet in its closing parentheses, without date or remarks."""
    import re

    if " (" not in title:
        return "source"
    inner = title.rsplit(" (", 1)[-1].rstrip(")").split(";")[0]
    return re.sub(r",\s*\d{4}(-\d{2}){0,2}$", "", inner).strip() or "source"


def _anchor(label: str, url: str):
    """A source link (markupsafe.Markup of escaped parts: kurils.text.table keeps it as HTML)."""
    from kurils.text import link

    return link(url, label)



def _dates(r) -> str:
    from kurils import text

    if r.date_precision == "month":
        return text.fmt_date(r.start_date, "month")
    if r.start_date == r.end_date:
        return text.fmt_date(r.start_date, "day")
    return f"{text.fmt_date(r.start_date, 'day')} – {text.fmt_date(r.end_date, 'day')}"


def alliance_table(alliance: pd.DataFrame) -> pd.DataFrame:
    """The alliance rows for the page: date, who, what (quote or summary), 'reported' label, source."""
    from kurils import text

    return pd.DataFrame({
        "Date": [text.fmt_date(d, p) for d, p in zip(alliance["date"], alliance["date_precision"])],
        "Who": alliance["speaker"],
        "What": [("Reported: " if rep else "") + s for s, rep in zip(alliance["summary"], alliance["reported"])],
        "Source": [_anchor(source_label(t), u) for t, u in zip(alliance["source_title"], alliance["source_url"])],
    })
