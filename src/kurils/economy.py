"""Tables and charts for the chapter on the economic-cooperation argument and the Franco-German analogy.

Rules this module keeps, so that the chapter cannot break them by accident:

* **No currency conversion.** Trade values stay in the currency their source gives; US dollars and
  yen are drawn on separate axes. Only the multiplier changes (USD million -> USD billion).
* **Fiscal and calendar years are never joined by a line.** Fiscal-year points (Japan's April-March
  year) are drawn hollow and unconnected, and are labelled as such in the legend.
* **Sources that disagree stay visible.** Every row stays in the data; where two rows describe the
  same year, flow, currency and period, :func:`trade_chart_rows` keeps one by a stated preference
  (:data:`REPORTER_PREFERENCE`) and the chapter says which and why.
* **Annotated events come from the data.** Event lines are drawn from rows of ``sanctions.csv`` or
  ``cooperation.csv`` by id; each annotation carries a ``gid`` (``"event:<id>"`` or
  ``"peak:<year>"``) so tests can check that every annotation points at a real row.
* **Derived intervals are computed, not stored.** Years since the end of the war are computed from
  dated milestones in ``analogy.csv`` (:func:`milestones`).
"""

from __future__ import annotations

import numbers

import pandas as pd

#: When two rows give the same year, flow, currency and period, the chart keeps the first reporter in
#: this order: Japan's own trade statistics first, then JETRO's conversion of them, then the Russian
#: ministry series, then press figures whose statistical basis is not named. Russia's own figures as its
#: embassy gives them (``russia_official``) come last: they are seen from the other side of the border
#: (Russia's exports f.o.b., not Japan's imports c.i.f.), so they cross-check and are drawn only where no
#: other row exists.
REPORTER_PREFERENCE = ["japan_customs", "jetro", "russia_medt", "unstated", "russia_official"]
REPORTER_LABELS = {
    "japan_customs": "Japan's Ministry of Finance statistics",
    "jetro": "JETRO (dollar conversion of Ministry of Finance data)",
    "russia_medt": "Russian ministry series (via ERINA)",
    "unstated": "press figure, statistical basis not named",
    "russia_official": "Russia's own figures (Russian embassy in Tokyo)",
}
REPORTER_MARKERS = {"japan_customs": "o", "jetro": "D", "russia_medt": "s", "unstated": "^", "russia_official": "v"}
#: Within one reporter, the row from the statistics table itself wins over a report of it (a ministry's
#: final table over a news story of its preliminary release); within one reporter and kind, a final figure
#: wins over a provisional one (a row whose note says "provisional"); a tie that remains raises.
KIND_PREFERENCE = ["statistics", "official", "legal_text", "scholarly", "think_tank", "press", "state_media",
                   "encyclopaedia", "other"]
FLOW_LABELS = {"japan_exports": "Japan's exports to Russia", "japan_imports": "Japan's imports from Russia"}
PERIODS_CHARTED = ("calendar", "fiscal")
TRADE_XLIM = (pd.Timestamp(1994, 1, 1), pd.Timestamp(2026, 7, 1))  # both panels: 1995–2025 and a margin

#: Events the trade chart marks: (table, id, label). Dates are read from the table at draw time.
TRADE_EVENTS = [
    ("sanctions", "jp_2014_03_crimea_talks_freeze", "Crimea:\nJapan's first\nsanctions"),
    ("sanctions", "jp_2022_02_first_package", "Invasion of\nUkraine:\nsanctions"),
]
#: Events the energy chart marks, per panel (commodity group -> events).
ENERGY_EVENTS = {
    "lng": [("sanctions", "jp_2022_02_first_package", "Invasion:\nsanctions")],
    "crude_oil": [("sanctions", "jp_2022_05_oil_in_principle", "Oil ban\n'in principle'")],
    "coal": [("sanctions", "jp_2022_04_coal_investment_imports", "Coal\nphase-out")],
}
#: Events the Japanese poll chart marks.
POLL_EVENTS = [("sanctions", "jp_2022_02_first_package", "Invasion of Ukraine")]
#: The span of the cooperation drive shaded on the sanctions chart: (table, id) of its start and end.
COOPERATION_SPAN = (("cooperation", "eight_point_plan_proposed"), ("cooperation", "joint_econ_russia_withdraws"))

COMMODITY_LABELS = {"lng": "LNG", "crude_oil": "Crude oil", "coal_all": "Coal, all kinds", "thermal_coal": "Thermal coal",
                    "coking_coal": "Coking coal"}
PROJECT_LABELS = {"sakhalin_1": "Sakhalin-1", "sakhalin_2": "Sakhalin-2", "arctic_lng_2": "Arctic LNG 2"}
COUNTRY_NAMES = {"JP": "Japan", "US": "United States", "IN": "India", "RU": "Russia", "GB": "United Kingdom",
                 "FR": "France", "CN": "China"}
PROGRAMME_LABELS = {
    "visa_free_exchanges": "Visa-free exchanges",
    "free_visits": "Free visits (former residents)",
    "grave_visits": "Grave visits\n(air trips from 2017)",
    "eight_point_plan": "Eight-point plan",
    "joint_economic_activities": "Joint economic activities\non the islands",
}
STAGES = ["agreed", "happened", "setback", "stopped"]
STAGE_LABELS = {"agreed": "agreed or planned", "happened": "took place", "setback": "postponed or suspended",
                "stopped": "stopped"}
PAIR_LABELS = {"france_germany": "France–Germany", "japan_russia": "Japan–Russia (USSR)"}


# ----------------------------------------------------------------------------------------------------
# picking values for the prose


def pick(frame: pd.DataFrame, column: str, **where):
    """The one value of ``column`` in the row matching every ``where`` condition; raises otherwise.

    ``pick(trade, "value", year=2016, flow="japan_exports", currency="USD")`` — for gluing numbers into
    prose, where silently taking the first of several rows would hide a disagreement between sources.
    A condition whose value is a string that starts with ``~`` matches rows whose column contains the rest.
    """
    rows = frame
    for col, want in where.items():
        if isinstance(want, str) and want.startswith("~"):
            rows = rows[rows[col].str.contains(want[1:], regex=False)]
        else:
            rows = rows[rows[col] == want]
    if len(rows) != 1:
        raise LookupError(f"{len(rows)} rows match {where} (need exactly one)")
    value = rows[column].iloc[0]
    return float(value) if isinstance(value, numbers.Real) and not isinstance(value, bool) else value


# ----------------------------------------------------------------------------------------------------
# events


def event(tables: dict[str, pd.DataFrame], table: str, event_id: str) -> pd.Series:
    """The row of ``tables[table]`` with ``id == event_id``; KeyError names a missing id."""
    frame = tables[table]
    rows = frame[frame["id"] == event_id]
    if len(rows) != 1:
        raise KeyError(f"{table}.csv has {len(rows)} rows with id {event_id!r}")
    return rows.iloc[0]


def events(tables: dict[str, pd.DataFrame], spec: list[tuple[str, str, str]]) -> pd.DataFrame:
    """Resolve (table, id, label) triples into a frame of id, date, label, table (dates from the data)."""
    records = [{"table": t, "id": i, "label": label, "date": event(tables, t, i)["date"]} for t, i, label in spec]
    return pd.DataFrame.from_records(records, columns=["table", "id", "label", "date"])


def _event_line(ax, when, label: str | None, gid: str, *, y: float = 0.98, ha: str = "left", size: float = 8):
    """A dashed vertical line at ``when`` with an optional label at the top of the axes (axes fraction ``y``)."""
    from kurils import style

    line = ax.axvline(when, color=style.MUTED, linestyle=(0, (4, 3)), linewidth=0.9, zorder=1)
    line.set_gid(gid)
    if label:
        dx = pd.Timedelta(days=45) if ha == "left" else -pd.Timedelta(days=45)
        txt = ax.text(when + dx, y, label, transform=ax.get_xaxis_transform(), ha=ha, va="top", fontsize=size,
                      color=style.INK, linespacing=1.1)
        txt.set_gid(gid)
    return line


def legend_below(fig, handles, *, ncol: int = 2, fontsize: float = 8.2, gap_pt: float = 4.0, **kwargs):
    """A legend in its own (invisible) axes just under everything drawn, so the source line goes below it.

    ``style.add_source`` places the source line under the lowest axes; a figure legend would collide
    with it, a legend held by an axes does not.
    """
    renderer = fig.canvas.get_renderer()
    boxes = [ax.get_tightbbox(renderer) for ax in fig.axes if ax.get_visible()]
    bottom = min(b.y0 for b in boxes) / fig.bbox.height
    left = min(b.x0 for b in boxes) / fig.bbox.width
    gap = gap_pt * fig.dpi / 72 / fig.bbox.height
    lax = fig.add_axes([max(left, 0.0), bottom - gap - 0.01, 0.9, 0.01])
    lax.axis("off")
    lax.legend(handles=handles, loc="upper left", ncol=ncol, fontsize=fontsize, borderaxespad=0, frameon=False, **kwargs)
    return lax


def annotation_ids(fig) -> set[str]:
    """Every ``gid`` set on an artist of the figure (the ids of the events and peaks annotated on it)."""
    return {a.get_gid() for a in fig.findobj() if a.get_gid()}


# ----------------------------------------------------------------------------------------------------
# trade


def in_billions(trade: pd.DataFrame) -> pd.Series:
    """Trade values in billions of their own currency (million -> billion; never a currency change)."""
    factor = trade["unit"].map({"million": 1e-3, "billion": 1.0})
    if factor.isna().any():
        raise ValueError(f"unknown unit(s): {sorted(set(trade.loc[factor.isna(), 'unit']))}")
    return (trade["value"].astype(float) * factor).astype(float)


def period_midpoint(year, period: str) -> pd.Timestamp:
    """Where a yearly value is drawn: 1 July for a calendar year, 1 October for a fiscal year (April-March)."""
    if period == "calendar":
        return pd.Timestamp(int(year), 7, 1)
    if period == "fiscal":
        return pd.Timestamp(int(year), 10, 1)
    raise ValueError(f"period {period!r} has no place on a time axis")


def trade_chart_rows(trade: pd.DataFrame) -> pd.DataFrame:
    """The rows the trade chart draws: calendar and fiscal rows, one per year, flow, currency and period.

    Where several rows compete, the reporter earliest in :data:`REPORTER_PREFERENCE` wins, within one
    reporter the source kind earliest in :data:`KIND_PREFERENCE` (the statistics table over a report of
    it), and within one reporter and kind the final figure over a provisional one (a row whose note says
    "provisional" loses to one whose note does not: the Ministry of Finance's final 2024 imports over the
    provisional sum of its monthly file); a tie that remains raises, because the choice would then be
    arbitrary. Adds ``value_bn`` (billions of the row's own currency) and ``x`` (the drawing date).
    """
    rows = trade[trade["period"].isin(PERIODS_CHARTED)].copy()
    kind_rank = rows["source_kind"].map({k: i for i, k in enumerate(KIND_PREFERENCE)}).fillna(len(KIND_PREFERENCE))
    provisional = _provisional(rows).astype(int)
    rows["rank"] = (rows["reporter"].map({r: i for i, r in enumerate(REPORTER_PREFERENCE)}) * 100 + kind_rank * 2
                    + provisional)
    key = ["year", "flow", "currency", "period"]
    rows = rows.sort_values(key + ["rank"])
    best = rows.groupby(key, sort=False)["rank"].transform("min")
    rows = rows[rows["rank"] == best]
    if rows.duplicated(key).any():
        dup = rows[rows.duplicated(key, keep=False)]
        raise ValueError(f"two rows from the same reporter compete for one point:\n{dup[key + ['source_url']]}")
    rows["value_bn"] = in_billions(rows)
    rows["x"] = [period_midpoint(y, p) for y, p in zip(rows["year"], rows["period"])]
    return rows.drop(columns="rank").reset_index(drop=True)


def usd_peak(trade: pd.DataFrame) -> dict:
    """The calendar year with the highest total trade in US dollars among charted rows with both flows.

    Returns year, total, exports, imports (USD billion) and the source title of the imports row.
    """
    rows = trade_chart_rows(trade)
    usd = rows[(rows["currency"] == "USD") & (rows["period"] == "calendar")]
    wide = usd.pivot_table(index="year", columns="flow", values="value_bn", aggfunc="first").dropna()
    if wide.empty:
        raise ValueError("no calendar year has both flows in US dollars")
    wide["total"] = wide["japan_exports"] + wide["japan_imports"]
    year = int(wide["total"].idxmax())
    source = usd[(usd["year"] == year) & (usd["flow"] == "japan_imports")]["source_title"].iloc[0]
    return {"year": year, "total": float(wide.at[year, "total"]), "exports": float(wide.at[year, "japan_exports"]),
            "imports": float(wide.at[year, "japan_imports"]), "source_title": source}


def _series_segments(xs: list, years: list[int]):
    """Split a yearly series into runs of consecutive years (solid) and the gaps between runs (dotted)."""
    solid, gaps = [], []
    run = [0]
    for i in range(1, len(years)):
        if years[i] - years[i - 1] == 1:
            run.append(i)
        else:
            solid.append(run)
            gaps.append((i - 1, i))
            run = [i]
    solid.append(run)
    return solid, gaps


def _draw_trade_panel(ax, rows: pd.DataFrame) -> None:
    from kurils import style

    colours = {"japan_exports": style.ROLE_COLOURS["japan"], "japan_imports": style.ROLE_COLOURS["russia"]}
    for (reporter, flow, period), grp in rows.groupby(["reporter", "flow", "period"], sort=True):
        grp = grp.sort_values("year")
        xs, ys, years = list(grp["x"]), list(grp["value_bn"]), [int(y) for y in grp["year"]]
        colour = colours[flow]
        hollow = period == "fiscal"
        # fiscal points are never joined, to each other or to calendar points; "unstated" is a mix of
        # unrelated press figures, not a series, so its points are not joined either
        if not hollow and reporter != "unstated":
            solid, gaps = _series_segments(xs, years)
            for run in solid:
                if len(run) > 1:
                    ax.plot([xs[i] for i in run], [ys[i] for i in run], color=colour, linewidth=1.6, zorder=2)
            # a missing year is left as a gap in the line (issue 13): nothing is drawn across ``gaps``
        ax.plot(xs, ys, linestyle="none", marker=REPORTER_MARKERS[reporter], markersize=5.5,
                markerfacecolor="white" if hollow else colour, markeredgecolor=colour, markeredgewidth=1.2, zorder=3)


def trade_is_provisional(trade: pd.DataFrame, year: int, reporter: str = "japan_customs") -> bool:
    """Whether the reporter's calendar-year figure for ``year`` that the chart draws is still provisional:
    the chosen rows' notes say so (the Ministry of Finance revises a year's figures until its final release
    in the following November). A provisional row that a final one replaces does not count."""
    chosen = trade_chart_rows(trade)
    chosen = chosen[(chosen["year"] == year) & (chosen["reporter"] == reporter) & (chosen["period"] == "calendar")]
    return bool(_provisional(chosen).any())


def _provisional(rows: pd.DataFrame) -> pd.Series:
    """Rows whose note says the figure is provisional."""
    return rows["note"].fillna("").str.contains("provisional", case=False)


def series_gaps(covered, years=None) -> list[tuple[int, int]]:
    """Runs of consecutive years of ``years`` (default ``TRADE_YEARS``, 1995–2025) missing from ``covered``.

    ``series_gaps([1995, 1996, 2000], range(1995, 2002))`` -> ``[(1997, 1999), (2001, 2001)]``.
    """
    have = {int(y) for y in covered}
    return year_runs(y for y in (TRADE_YEARS if years is None else years) if y not in have)


def trade_chart(trade: pd.DataFrame, tables: dict[str, pd.DataFrame]):
    """Japan's exports to and imports from Russia: yen (top, the book's series) and US dollars (bottom).

    Both panels span 1995–2025 on one time axis and never mix currencies. One marker shape per
    statistical basis (reporter), one colour per flow; solid lines join consecutive calendar years of one
    reporter, fiscal years are hollow and unconnected. Any year of 1995–2025 in which the book's series
    (:data:`TRADE_SERIES`) has no sourced figure is shaded in the yen panel (``gid`` ``"gap:<first>-<last>"``)
    and named in the legend, so a missing year shows as a gap, never as an interpolated line (with the
    series complete, nothing is shaded). The yen peak (``gid`` ``"jpy-peak:<year>"``), the US-dollar peak
    and the events in :data:`TRADE_EVENTS` are annotated.
    """
    import matplotlib.dates as mdates
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    from kurils import style

    rows = trade_chart_rows(trade)
    ev = events(tables, TRADE_EVENTS)
    peak = usd_peak(trade)
    fig, (ax_jpy, ax_usd) = plt.subplots(2, 1, figsize=(8.0, 6.8), sharex=True,
                                         gridspec_kw={"height_ratios": [1, 1.2], "hspace": 0.3})
    for ax, cur, head in ((ax_jpy, "JPY", 1.5), (ax_usd, "USD", 1.3)):
        sub = rows[rows["currency"] == cur]
        _draw_trade_panel(ax, sub)
        ax.set_ylim(0, sub["value_bn"].max() * head)
    ax_usd.set_xlim(*TRADE_XLIM)
    ax_usd.xaxis.set_major_locator(mdates.YearLocator(5))
    ax_usd.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
    ax_jpy.set_ylabel("Yen, billion\n(current prices)")
    ax_usd.set_ylabel("US dollars, billion\n(current prices)")
    ax_jpy.set_title("In yen: the book's series, Japan's Ministry of Finance (calendar years)", loc="left", fontsize=10)
    gaps = series_gaps(trade_coverage(trade)["covered"])
    ax_usd.set_title("In US dollars: other statistical bases, for comparison", loc="left", fontsize=10)
    ax_usd.set_xlabel("Year (calendar; hollow markers: fiscal year)")
    for first, last in gaps:
        gid = f"gap:{first}-{last}"
        band = ax_jpy.axvspan(pd.Timestamp(first, 1, 1), pd.Timestamp(last, 12, 31), color=style.MUTED, alpha=0.12,
                              linewidth=0, zorder=0)
        band.set_gid(gid)
        if last - first >= 4:
            mid = pd.Timestamp(first, 1, 1) + (pd.Timestamp(last, 12, 31) - pd.Timestamp(first, 1, 1)) / 2
            note = ax_jpy.text(mid, 0.42, f"{first}–{last}: no Ministry of Finance\nfigure in yen could be read",
                               transform=ax_jpy.get_xaxis_transform(), ha="center", va="center", fontsize=8.5,
                               color=style.INK, linespacing=1.15)
            note.set_gid(gid)
    for _, e in ev.iterrows():
        _event_line(ax_jpy, e["date"], e["label"], f"event:{e['id']}", ha="right")
        _event_line(ax_usd, e["date"], None, f"event:{e['id']}")
    jp = jpy_peak(trade)
    jx = period_midpoint(jp["year"], "calendar")
    jy = float(rows[(rows["currency"] == "JPY") & (rows["year"] == jp["year"]) & (rows["period"] == "calendar")
                    & (rows["flow"] == "japan_imports")]["value_bn"].iloc[0])
    note = ax_jpy.annotate(f"{jp['year']}: ¥{jp['total']:,.0f} bn in all,\nthe high point in yen",
                           xy=(jx, jy), xytext=(pd.Timestamp(1999, 1, 1), jy * 1.02),
                           fontsize=8.5, color=style.INK, ha="left", va="center",
                           arrowprops={"arrowstyle": "->", "color": style.MUTED, "linewidth": 0.8,
                                       "shrinkA": 2, "shrinkB": 4})
    note.set_gid(f"jpy-peak:{jp['year']}")
    px = period_midpoint(peak["year"], "calendar")
    note = ax_usd.annotate(f"{peak['year']}: USD {peak['total']:.1f} bn in all,\nthe high point in dollars",
                           xy=(px, peak["imports"]), xytext=(pd.Timestamp(2003, 1, 1), peak["imports"] * 0.93),
                           fontsize=8.5, color=style.INK, ha="left", va="center",
                           arrowprops={"arrowstyle": "->", "color": style.MUTED, "linewidth": 0.8,
                                       "shrinkA": 2, "shrinkB": 4})
    note.set_gid(f"peak:{peak['year']}")
    colours = {"japan_exports": style.ROLE_COLOURS["japan"], "japan_imports": style.ROLE_COLOURS["russia"]}
    handles = [Line2D([], [], color=colours[f], linewidth=1.6, label=FLOW_LABELS[f]) for f in FLOW_LABELS]
    present = [r for r in REPORTER_PREFERENCE if r in set(rows["reporter"])]
    handles += [Line2D([], [], linestyle="none", marker=REPORTER_MARKERS[r], color=style.MUTED, markersize=5.5,
                       label=REPORTER_LABELS[r]) for r in present]
    handles += [Line2D([], [], linestyle="none", marker="o", markerfacecolor="white", markeredgecolor=style.MUTED,
                       markersize=5.5, label="fiscal year (April–March), not joined to calendar years")]
    if gaps:
        handles.append(Patch(facecolor=style.MUTED, alpha=0.12, label="no yen figure from the Ministry of Finance (a gap)"))
    legend_below(fig, handles, ncol=2, handlelength=2.2, columnspacing=1.2)
    return fig


def trade_disagreements(trade: pd.DataFrame) -> pd.DataFrame:
    """Rows that share a year and flow with another row in the same currency: what each source says."""
    key = ["year", "flow", "currency"]
    shown = trade_chart_rows(trade)[key + ["period", "source_url"]].assign(shown=True)
    dup = trade[trade.duplicated(key, keep=False)].merge(shown, on=key + ["period", "source_url"], how="left")
    dup["shown"] = dup["shown"].fillna(False).astype(bool)
    out = pd.DataFrame({
        "Year": dup["year"].astype(int),
        "Flow": dup["flow"].map(FLOW_LABELS),
        "Value": [f"{c} {v:,.1f} {u}" for c, v, u in zip(dup["currency"], dup["value"].astype(float), dup["unit"])],
        "Period": dup["period"],
        "Basis": dup["reporter"].map(REPORTER_LABELS),
        "Source": dup["source_title"],
        "On the chart": dup["shown"].map({True: "yes", False: "no"}),
    })
    return out.sort_values(["Year", "Flow", "On the chart"], ascending=[True, True, False]).reset_index(drop=True)


# ----------------------------------------------------------------------------------------------------
# energy and projects

ENERGY_PANELS = [("lng", ["lng"]), ("crude_oil", ["crude_oil"]), ("coal", ["thermal_coal", "coal_all", "coking_coal"])]
COMMODITY_MARKERS = {"lng": "o", "crude_oil": "o", "thermal_coal": "o", "coal_all": "s", "coking_coal": "^"}
PERIOD_STYLE = {"calendar": "filled", "fiscal": "hollow", "partial": "hollow", "unspecified": "hollow"}


def energy_with_shares(energy: pd.DataFrame) -> pd.DataFrame:
    """``energy`` with the shares a statistics table implies but does not state.

    Where a row gives Russia's volume and Japan's total volume from the same table (``total_volume``) and
    no ``share_pct``, the share is computed here, ``100 * volume / total_volume``, never stored in the CSV.
    ``share_computed`` marks those rows. Rows that state a share keep it as their source gives it. A frame
    that already went through this function is returned as it is (a second pass would see the computed
    shares as stated ones).
    """
    out = energy.copy()
    if "share_computed" in out:
        return out
    total = out["total_volume"].astype(float) if "total_volume" in out else pd.Series(float("nan"), index=out.index)
    computed = out["share_pct"].isna() & out["volume"].notna() & total.gt(0)
    out["share_pct"] = out["share_pct"].astype(float)
    out.loc[computed, "share_pct"] = 100 * out.loc[computed, "volume"].astype(float) / total[computed]
    out["share_computed"] = computed
    return out


def _energy_x(rows: pd.DataFrame) -> list[pd.Timestamp]:
    """Where a row is drawn: as :func:`period_midpoint` places a fiscal year, every other period (calendar,
    part of a year, not stated) as a calendar year."""
    return [period_midpoint(y, "fiscal" if p == "fiscal" else "calendar") for y, p in zip(rows["year"], rows["period"])]


def energy_shares(energy: pd.DataFrame) -> pd.DataFrame:
    """Rows with a share (stated or computed, :func:`energy_with_shares`), with the drawing date
    (calendar: 1 July; fiscal: 1 October; else 1 July)."""
    energy = energy_with_shares(energy)
    rows = energy[energy["share_pct"].notna()].copy()
    rows["x"] = _energy_x(rows)
    rows["share_pct"] = rows["share_pct"].astype(float)
    return rows.reset_index(drop=True)


def energy_share_chart(energy: pd.DataFrame, tables: dict[str, pd.DataFrame]):
    """Russia's share of Japan's LNG, crude-oil and coal imports, plus coal volumes from Russia.

    One panel per fuel with every sourced share; a fourth panel gives coal import volumes from Russia.
    Filled markers are calendar years; hollow markers fiscal years, part-years or unstated periods
    (labelled in the tables). Only the calendar-year series computed from Japan Customs volumes
    (``share_computed``) is joined by a thin line, and only between consecutive years; the other
    sources' points stay unjoined beside it.
    """
    import matplotlib.dates as mdates
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D

    from kurils import style

    full = energy_with_shares(energy)
    rows = energy_shares(full)
    colours = {"lng": style.OKABE_ITO["blue"], "crude_oil": style.OKABE_ITO["vermillion"],
               "thermal_coal": style.OKABE_ITO["bluish_green"], "coal_all": style.OKABE_ITO["black"],
               "coking_coal": style.OKABE_ITO["orange"]}
    fig, axes = plt.subplots(4, 1, figsize=(8.0, 8.0), sharex=True, gridspec_kw={"hspace": 0.45})
    top = max(14.0, float(rows["share_pct"].max()) * 1.15)

    def dots(ax, frame, column, commodity):
        for period, grp in frame.groupby("period"):
            filled = PERIOD_STYLE[period] == "filled"
            ax.plot(grp["x"], grp[column].astype(float), linestyle="none", marker=COMMODITY_MARKERS[commodity],
                    markersize=6, markerfacecolor=colours[commodity] if filled else "white",
                    markeredgecolor=colours[commodity], markeredgewidth=1.3, zorder=3)

    titles = {"lng": "LNG: Russia's share of Japan's imports", "crude_oil": "Crude oil: Russia's share of Japan's imports",
              "coal": "Coal: Russia's share of Japan's imports"}
    def series_line(ax, frame, column, commodity):
        cal = frame[frame["share_computed"] & (frame["period"] == "calendar")].sort_values("year")
        for a, b in year_runs(cal["year"].astype(int).tolist()):
            run = cal[cal["year"].between(a, b)]
            ax.plot(run["x"], run[column].astype(float), color=colours[commodity], linewidth=1.0, alpha=0.7, zorder=2)

    for ax, (panel, commodities) in zip(axes, ENERGY_PANELS):
        for c in commodities:
            series_line(ax, rows[rows["commodity"] == c], "share_pct", c)
            dots(ax, rows[rows["commodity"] == c], "share_pct", c)
        ax.set_ylim(0, top)
        ax.set_ylabel("% of imports")
        ax.set_title(titles[panel], fontsize=10.5)
    coal_handles = [Line2D([], [], linestyle="none", marker=COMMODITY_MARKERS[c], color=colours[c], markersize=6,
                           label=COMMODITY_LABELS[c]) for c in ["thermal_coal", "coal_all", "coking_coal"]]
    axes[2].legend(handles=coal_handles, loc="upper left", fontsize=8, ncol=3)

    ax = axes[3]
    coal = full[full["commodity"].isin(["coal_all", "thermal_coal"]) & (full["volume_unit"] == "million_tonnes")
                & full["volume"].notna()].copy()
    coal["x"] = _energy_x(coal)
    for c in ["thermal_coal", "coal_all"]:
        series_line(ax, coal[coal["commodity"] == c], "volume", c)
        dots(ax, coal[coal["commodity"] == c], "volume", c)
    ax.set_ylim(0, float(coal["volume"].max()) * 1.3)
    ax.set_ylabel("million tonnes")
    ax.set_title("Coal: imports from Russia by volume", fontsize=10.5)

    for ax, panel in zip(axes, ["lng", "crude_oil", "coal", "coal"]):
        for _, e in events(tables, ENERGY_EVENTS[panel]).iterrows():
            _event_line(ax, e["date"], e["label"], f"event:{e['id']}", ha="left", y=0.97, size=7.8)
    axes[-1].set_xlim(pd.Timestamp(2005, 1, 1), pd.Timestamp(2026, 1, 1))
    axes[-1].xaxis.set_major_locator(mdates.YearLocator(2))
    axes[-1].xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
    axes[-1].set_xlabel("Year")
    legend = [Line2D([], [], linestyle="none", marker="o", color=style.MUTED, markersize=6, label="calendar year"),
              Line2D([], [], linestyle="none", marker="o", markerfacecolor="white", markeredgecolor=style.MUTED,
                     markersize=6, label="fiscal year, part of a year or period not stated (see table)"),
              Line2D([], [], color=style.MUTED, linewidth=1.0, label="line: Japan Customs series, calendar years")]
    legend_below(fig, legend, ncol=2)
    return fig


def energy_volumes(energy: pd.DataFrame) -> pd.DataFrame:
    """Import volumes from Russia as the other sources give them (each in its own unit), for a table.

    The Japan Customs series (rows with ``total_volume``) has its own table, :func:`customs_energy_table`.
    """
    units = {"million_tonnes": "million tonnes", "million_kl": "million kilolitres", "thousand_kl": "thousand kilolitres",
             "million_barrels": "million barrels", "thousand_bpd": "thousand barrels a day"}
    series = energy["total_volume"].notna() if "total_volume" in energy else False
    rows = energy[energy["volume"].notna() & ~series].sort_values(["commodity", "year", "period"])
    return pd.DataFrame({
        "Fuel": rows["commodity"].map(COMMODITY_LABELS),
        "Year": rows["year"].astype(int),
        "Period": rows["period"],
        "Volume from Russia": rows["volume"].astype(float),
        "Unit": rows["volume_unit"].map(units),
        "Source": rows["source_title"],
    }).reset_index(drop=True)


#: The Customs series' columns: (commodity, heading of the volume column).
CUSTOMS_COLUMNS = [("lng", "LNG from Russia (Mt)"), ("crude_oil", "Crude oil from Russia (million kl)"),
                   ("coal_all", "Coal from Russia (Mt)")]


def customs_energy_table(energy: pd.DataFrame) -> pd.DataFrame:
    """Calendar years of the Japan Customs series: Russia's volume and computed share of each fuel.

    One row per year; for each fuel the volume from Russia and its share (%) of Japan's imports from all
    countries, both from the same Customs table (:func:`energy_with_shares`).
    """
    rows = energy_with_shares(energy)
    rows = rows[rows["share_computed"] & (rows["period"] == "calendar")]
    out = pd.DataFrame({"Year": sorted(rows["year"].astype(int).unique())})
    for commodity, heading in CUSTOMS_COLUMNS:
        one = rows[rows["commodity"] == commodity]
        one = one.set_index(one["year"].astype(int))
        if one.index.duplicated().any():
            raise ValueError(f"two Customs rows for one year of {commodity}")
        out[heading] = out["Year"].map(one["volume"].astype(float))
        out[f"{heading.split(' from ')[0]}: share (%)"] = out["Year"].map(one["share_pct"])
    return out


def latest_stakes(projects: pd.DataFrame) -> pd.DataFrame:
    """One row per project and partner: the latest status."""
    rows = projects.sort_values("as_of").groupby(["project", "partner"], sort=False).tail(1)
    order = {p: i for i, p in enumerate(PROJECT_LABELS)}
    rows = rows.assign(_p=rows["project"].map(order), _s=-rows["stake_pct"].astype(float).fillna(-1))
    return rows.sort_values(["_p", "_s", "partner"]).drop(columns=["_p", "_s"]).reset_index(drop=True)


def stake_totals(projects: pd.DataFrame) -> pd.Series:
    """Sum of the latest stakes per project (percent); 100 when every partner's stake is sourced."""
    return latest_stakes(projects).groupby("project")["stake_pct"].sum().astype(float)


def stake_table(projects: pd.DataFrame) -> pd.DataFrame:
    """The stake table for the page: project, partner, country, stake, latest status and its date."""
    rows = latest_stakes(projects)
    return pd.DataFrame({
        "Project": rows["project"].map(PROJECT_LABELS),
        "Partner": rows["partner"],
        "Country": rows["partner_country"].map(COUNTRY_NAMES),
        "Stake (% of project)": rows["stake_pct"].astype(float),
        "Latest status found": rows["status"],
        "As of": rows["as_of"].dt.strftime("%Y-%m-%d"),
    })


# ----------------------------------------------------------------------------------------------------
# sanctions and cooperation

SIDE_GROUPS = [("Japan", ["JP"]), ("G7, United States, EU", ["G7", "US", "EU"]), ("Russia", ["RU"])]
#: How each imposing side is named in a group header (only the sides present in the data are named).
SIDE_NAMES = {"JP": "Japan", "G7": "G7", "US": "United States", "EU": "EU", "RU": "Russia"}
SIDE_COLOURS = {"JP": "japan", "RU": "russia", "US": "usa", "G7": "usa", "EU": "usa"}


def sanctions_chart(sanctions: pd.DataFrame, tables: dict[str, pd.DataFrame]):
    """Every measure on its own row, by date: Japan's measures, allied measures, Russia's counter-measures.

    Labels sit beside their markers, so nothing overlaps however dense a month is; the period of the
    cooperation drive (from :data:`COOPERATION_SPAN`) is shaded for context.
    """
    import matplotlib.dates as mdates
    import matplotlib.pyplot as plt

    from kurils import style

    rows = []
    for name, sides in SIDE_GROUPS:
        grp = sanctions[sanctions["imposed_by"].isin(sides)].sort_values(["date", "id"])
        present = [SIDE_NAMES[s] for s in sides if s in set(grp["imposed_by"])]
        rows.append(("header", ", ".join(present) if len(sides) > 1 and present else name, None, None, None))
        rows += [("event", r["label"], r["date"], r["imposed_by"], r["id"]) for _, r in grp.iterrows()]
    height = 0.9 + 0.215 * len(rows)
    fig, ax = plt.subplots(figsize=(8.0, height))
    n = len(rows)
    right = pd.Timestamp(2026, 7, 1)
    for i, (kind, label, when, side, eid) in enumerate(rows):
        y = n - i
        if kind == "header":
            ax.text(pd.Timestamp(2013, 7, 1), y, label, fontsize=9.5, fontweight="bold", va="center", color=style.INK)
            continue
        colour = style.ROLE_COLOURS[SIDE_COLOURS[side]]
        ax.plot([when], [y], marker="o", markersize=5, color=colour, zorder=3, linestyle="none")
        left_side = when > pd.Timestamp(2024, 6, 1)
        dx = pd.Timedelta(days=-60 if left_side else 60)
        txt = ax.text(when + dx, y, f"{label} ({when.strftime('%b %Y')})", fontsize=8.2, va="center",
                      ha="right" if left_side else "left", color=style.INK)
        txt.set_gid(f"event:{eid}")
    (t0, i0), (t1, i1) = COOPERATION_SPAN
    start, end = event(tables, t0, i0)["date"], event(tables, t1, i1)["date"]
    span = ax.axvspan(start, end, color=style.OKABE_ITO["sky_blue"], alpha=0.16, linewidth=0, zorder=0)
    span.set_gid(f"event:{i0}")
    ax.text(start + (end - start) / 2, n + 0.9, "Cooperation drive:\neight-point plan to Russia's withdrawal",
            ha="center", va="top", fontsize=7.8, color=style.INK).set_gid(f"event:{i1}")
    ax.set_xlim(pd.Timestamp(2013, 6, 1), right)
    ax.set_ylim(0.3, n + 1.0)
    ax.set_yticks([])
    ax.spines["left"].set_visible(False)
    ax.grid(axis="y", visible=False)
    ax.grid(axis="x", visible=True)
    ax.xaxis.set_major_locator(mdates.YearLocator(1))
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
    ax.tick_params(axis="x", labelsize=8.5)
    ax.set_xlabel("Date of announcement or entry into force (one row per measure)")
    return fig


#: Short marker labels on the cooperation chart, by event code (None: marker without a label, to keep
#: clusters readable; the table under the chart lists every event).
EVENT_SHORT = {
    "framework_agreed": "framework", "cumulative_participants": "visits begin", "first_visit": "first visit",
    "proposed": "proposed", "minister_appointed": "minister", "work_programme": "work plan",
    "agreed_to_negotiate": "talks agreed", "priority_projects_agreed": "five areas", "business_mission": "mission",
    "timeline": None, "business_models_agreed": "tourism, waste", "pilot_tour_announced": None,
    "pilot_tour_postponed": None, "pilot_tour_held": "pilot tour", "suspended_covid": "COVID-19",
    "ended_by_russia": "Russia quits", "suspended_by_russia": "Russia halts", "terminated_by_russia": "ended",
    "agreed": "agreed", "first_flight": "1st flight", "second_flight": "2nd flight",
}
COOP_EARLY = (pd.Timestamp(1990, 7, 1), pd.Timestamp(2000, 7, 1))
COOP_LATE = (pd.Timestamp(2016, 1, 1), pd.Timestamp(2023, 1, 1))


def _place_labels(fig, cooperation: pd.DataFrame, lanes: list[str], axes) -> None:
    """Short labels beside the cooperation markers, each at the first offset where it overlaps no other label."""
    from kurils import style

    renderer = fig.canvas.get_renderer()
    placed = []
    for i, prog in enumerate(lanes):
        y = len(lanes) - i
        grp = cooperation[cooperation["programme"] == prog].sort_values(["date", "id"])
        for _, r in grp.iterrows():
            short = EVENT_SHORT.get(r["event"], r["event"].replace("_", " "))
            if short is None:
                continue
            ax = axes[0] if r["date"] < COOP_EARLY[1] else axes[1]
            for dy in (7, -7, 16, -16):
                ann = ax.annotate(short, xy=(r["date"], y), xytext=(0, dy), textcoords="offset points", ha="center",
                                  va="bottom" if dy > 0 else "top", fontsize=7.4, color=style.INK)
                box = ann.get_window_extent(renderer).expanded(1.08, 1.05)
                if not any(box.overlaps(other) for other in placed):
                    placed.append(box)
                    break
                ann.remove()
            else:
                raise ValueError(f"no free place for the label of {r['id']}")


def cooperation_chart(cooperation: pd.DataFrame):
    """One lane per programme: when it was agreed, what took place, setbacks and when it stopped.

    The time axis is broken: 1991-2000 (the visit programmes begin) and 2016-2022 (the cooperation
    drive and its end); nothing in the data falls between. Each lane's grey bar runs from its first to
    its last dated event.
    """
    import matplotlib.dates as mdates
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D

    from kurils import style

    outside = cooperation[~(cooperation["date"].between(*COOP_EARLY) | cooperation["date"].between(*COOP_LATE))]
    if len(outside):
        raise ValueError(f"events outside the chart's two windows: {list(outside['id'])}")
    markers = {"agreed": "D", "happened": "o", "setback": "v", "stopped": "X"}
    colours = {"agreed": style.OKABE_ITO["blue"], "happened": style.OKABE_ITO["bluish_green"],
               "setback": style.OKABE_ITO["orange"], "stopped": style.OKABE_ITO["vermillion"]}
    lanes = list(PROGRAMME_LABELS)
    fig, (ax0, ax1) = plt.subplots(1, 2, figsize=(8.0, 4.6), sharey=True,
                                   gridspec_kw={"width_ratios": [1, 2.6], "wspace": 0.05})
    for i, prog in enumerate(lanes):
        y = len(lanes) - i
        grp = cooperation[cooperation["programme"] == prog].sort_values(["date", "id"])
        for ax in (ax0, ax1):
            ax.plot([grp["date"].min(), grp["date"].max()], [y, y], color="#C8C8C8", linewidth=3,
                    solid_capstyle="butt", zorder=1)
        for stage, sub in grp.groupby("stage"):
            for ax in (ax0, ax1):
                ax.plot(sub["date"], [y] * len(sub), linestyle="none", marker=markers[stage], markersize=7,
                        color=colours[stage], markeredgecolor="white", markeredgewidth=0.6, zorder=3)
    ax0.set_xlim(*COOP_EARLY)
    ax1.set_xlim(*COOP_LATE)
    ax0.set_ylim(0.35, len(lanes) + 0.65)
    _place_labels(fig, cooperation, lanes, (ax0, ax1))
    ax0.set_xticks([pd.Timestamp(y, 1, 1) for y in (1991, 1995)])
    ax1.xaxis.set_major_locator(mdates.YearLocator(1))
    for ax in (ax0, ax1):
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
        ax.grid(axis="y", visible=False)
        ax.grid(axis="x", visible=True)
    ax1.spines["left"].set_visible(False)
    ax1.tick_params(axis="y", length=0)
    ax0.spines["right"].set_visible(False)
    for ax, x in ((ax0, 1.0), (ax1, 0.0)):  # break marks between the two windows
        ax.plot([x, x], [-0.015, 0.015], transform=ax.transAxes, color=style.MUTED, linewidth=0.8, clip_on=False)
    ax0.set_yticks(range(len(lanes), 0, -1), [PROGRAMME_LABELS[p] for p in lanes], fontsize=9)
    ax1.set_xlabel("Date (axis broken: no events in the data 2001–2015)")
    handles = [Line2D([], [], linestyle="none", marker=markers[s], color=colours[s], markersize=7, label=STAGE_LABELS[s])
               for s in STAGES]
    legend_below(fig, handles, ncol=4)
    return fig


def cooperation_table(cooperation: pd.DataFrame) -> pd.DataFrame:
    """Every cooperation event for the page: date (at its precision), programme, stage, what happened."""
    from kurils import text

    rows = cooperation.sort_values(["date", "id"])
    return pd.DataFrame({
        "Date": [text.fmt_date(d, p) for d, p in zip(rows["date"], rows["date_precision"])],
        "Programme": rows["programme"].map(PROGRAMME_LABELS).str.replace("\n", " "),
        "Stage": rows["stage"].map(STAGE_LABELS),
        "What happened": rows["summary"],
    }).reset_index(drop=True)


# ----------------------------------------------------------------------------------------------------
# polls


def poll_totals(polls: pd.DataFrame) -> pd.Series:
    """Sum of the shares of distinct answers per question and fieldwork date (one value per answer)."""
    per_answer = polls.groupby(["question_id", "fieldwork_date", "answer"])["share_pct"].max()
    return per_answer.groupby(level=["question_id", "fieldwork_date"]).sum().astype(float)


def poll_series(polls: pd.DataFrame, question_id: str, answer_en: str) -> pd.DataFrame:
    """One answer of one question over time (first row per fieldwork date), sorted by date."""
    rows = polls[(polls["question_id"] == question_id) & (polls["answer_en"] == answer_en)]
    return rows.sort_values("fieldwork_date").drop_duplicates("fieldwork_date").reset_index(drop=True)


def wrap_cjk(text: str, width: int = 26) -> str:
    """Wrap Japanese text (no spaces) into lines of at most ``width`` characters, breaking after 、，。 where possible."""
    lines, line = [], ""
    for chunk in _cjk_chunks(text):
        if line and len(line) + len(chunk) > width:
            lines.append(line)
            line = ""
        while len(chunk) > width:
            lines.append(chunk[:width])
            chunk = chunk[width:]
        line += chunk
    if line:
        lines.append(line)
    return "\n".join(lines)


def _cjk_chunks(text: str) -> list[str]:
    chunks, cur = [], ""
    for ch in text:
        cur += ch
        if ch in "、，,。」":
            chunks.append(cur)
            cur = ""
    return chunks + ([cur] if cur else [])


def _question_header(ax, polls: pd.DataFrame, question_id: str) -> None:
    """Title = the English rendering; subtitle = the original wording, or why it is missing."""
    import textwrap

    from kurils import style

    q = polls[polls["question_id"] == question_id].iloc[0]
    original = q["question"] if pd.notna(q["question"]) else ""
    if q["wording"] == "verbatim_assumed":
        sub = wrap_cjk(f"「{original}」") + "\n(as read for 2016; assumed unchanged)"
    elif original:
        sub = wrap_cjk(f"「{original}」")
    else:
        sub = "(original wording not retrieved: paraphrase)"
    text = ax.text(0.0, 1.02, sub, transform=ax.transAxes, fontsize=7.6, color=style.MUTED, va="bottom", ha="left",
                   linespacing=1.25)
    lines = sub.count("\n") + 1
    ax.set_title(textwrap.fill(q["question_en"], 38), fontsize=9.5, pad=6 + 10.5 * lines)
    return text


def japan_poll_chart(polls: pd.DataFrame, tables: dict[str, pd.DataFrame]):
    """Cabinet Office surveys: affinity toward Russia (left) and views of relations (right), with wording.

    Filled markers: face-to-face interviews; hollow markers: mail survey; the survey-mode change and
    the invasion of Ukraine are marked.
    """
    import matplotlib.dates as mdates
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D

    from kurils import style

    panels = [("jp_cao_affinity_russia", [("feel affinity", style.ROLE_COLOURS["russia"]),
                                          ("do not feel affinity", style.OKABE_ITO["orange"])]),
              ("jp_cao_relations_russia", [("relations are good", style.ROLE_COLOURS["russia"]),
                                           ("relations are not good", style.OKABE_ITO["orange"])])]
    fig, axes = plt.subplots(1, 2, figsize=(8.0, 4.6), sharey=True, gridspec_kw={"wspace": 0.12})
    ev = events(tables, POLL_EVENTS)
    for ax, (qid, answers) in zip(axes, panels):
        for answer, colour in answers:
            s = poll_series(polls, qid, answer)
            if s.empty:
                continue
            # lines join rounds of the same survey mode only; a dotted line bridges the change of mode;
            # a missing annual wave (fiscal year) leaves a gap, nothing is drawn across it
            fy = cao_fiscal_year(s["fieldwork_date"]).tolist()
            for k in range(1, len(s)):
                a, b = s.iloc[k - 1], s.iloc[k]
                if fy[k] - fy[k - 1] > 1:
                    continue
                same = (a["mode"] == "mail") == (b["mode"] == "mail")
                ax.plot([a["fieldwork_date"], b["fieldwork_date"]], [a["share_pct"], b["share_pct"]], color=colour,
                        linewidth=1.3 if same else 0.9, linestyle="-" if same else (0, (1, 2)), zorder=2)
            ax.plot([], [], color=colour, linewidth=1.3, label=answer)
            for mode, grp in s.groupby("mode"):
                ax.plot(grp["fieldwork_date"], grp["share_pct"], linestyle="none", marker="o", markersize=6,
                        markerfacecolor="white" if mode == "mail" else colour, markeredgecolor=colour,
                        markeredgewidth=1.3, zorder=3)
            last = s.iloc[-1]
            ax.text(last["fieldwork_date"] + pd.Timedelta(days=150), last["share_pct"], f"{last['share_pct']:.1f}",
                    fontsize=8, va="center", color=colour)
        q = polls[polls["question_id"] == qid]
        f2f = q[q["mode"] == "face_to_face"]["fieldwork_date"]
        mail = q[q["mode"] == "mail"]["fieldwork_date"]
        if len(f2f) and len(mail):
            ax.axvspan(f2f.max() + pd.Timedelta(days=30), mail.min() - pd.Timedelta(days=30), color="#EEEEEE",
                       linewidth=0, zorder=0)
            ax.text(f2f.max() + (mail.min() - f2f.max()) / 2, 38, "survey mode\nchanged:\nface-to-face\n→ mail",
                    ha="center", va="center", fontsize=7.5, color=style.MUTED)
        for _, e in ev.iterrows():
            _event_line(ax, e["date"], e["label"], f"event:{e['id']}", ha="right", y=0.995, size=7.8)
        _question_header(ax, polls, qid)
        ax.set_xlim(pd.Timestamp(2010, 6, 1), pd.Timestamp(2026, 9, 1))
        ax.xaxis.set_major_locator(mdates.YearLocator(3))
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
        ax.set_xlabel("Start of fieldwork")
        ax.legend(loc="center left", fontsize=8, bbox_to_anchor=(-0.02, 0.6))
    axes[0].set_ylim(0, 100)
    axes[0].set_ylabel("Share of respondents (%)")
    mode_handles = [Line2D([], [], linestyle="none", marker="o", color=style.MUTED, markersize=6, label="face-to-face interviews or mode not stated"),
                    Line2D([], [], linestyle="none", marker="o", markerfacecolor="white", markeredgecolor=style.MUTED,
                           markersize=6, label="mail survey"),
                    Line2D([], [], color=style.MUTED, linewidth=0.9, linestyle=(0, (1, 2)), label="across the change of mode")]
    legend_below(fig, mode_handles, ncol=3)
    return fig


RU_ANSWER_GROUPS = {
    "rather support a handover": "toward Japan", "support a handover for a peace treaty": "toward Japan",
    "belong to Japan": "toward Japan", "should be agreed between the two countries": "negotiate",
    "rather oppose a handover": "toward Russia", "oppose a handover": "toward Russia",
    "belong to Russia and always will": "toward Russia", "hard to say": "unsure",
}


def russia_poll_chart(polls: pd.DataFrame):
    """Russian polls on the islands: one stacked bar per poll, answers in each poll's own categories."""
    import textwrap

    import matplotlib.pyplot as plt

    from kurils import style

    colours = {"toward Japan": style.ROLE_COLOURS["japan"], "negotiate": style.OKABE_ITO["bluish_green"],
               "toward Russia": style.ROLE_COLOURS["russia"], "unsure": style.ROLE_COLOURS["neutral"]}
    qids = ["levada_transfer", "vciom_transfer", "mofa_ru_belonging"]
    rows = polls[polls["question_id"].isin(qids)]
    bars = []
    for qid in qids:
        for date, grp in rows[rows["question_id"] == qid].groupby("fieldwork_date"):
            first = grp.iloc[0]
            when = date.strftime("%b %Y")
            pollster = first["pollster"].split(" (")[0]
            if "commissioned" in first["pollster"]:
                pollster = "Poll for " + pollster
            bars.append((qid, f"{pollster}, {when}", grp.drop_duplicates("answer_en")))
    fig, ax = plt.subplots(figsize=(8.0, 4.6))
    y = len(bars) + len(qids)
    yticks, ylabels = [], []
    last_q = None
    for qid, label, grp in bars:
        if qid != last_q:
            q = grp.iloc[0]["question_en"]
            ax.text(0, y, textwrap.fill(q, 100), fontsize=8, color=style.MUTED, va="center", style="italic")
            y -= 1
            last_q = qid
        left = 0.0
        order = ["toward Japan", "negotiate", "unsure", "toward Russia"]
        grp = grp.assign(group=grp["answer_en"].map(RU_ANSWER_GROUPS))
        grp = grp.assign(order=grp["group"].map({g: i for i, g in enumerate(order)})).sort_values("order")
        for _, r in grp.iterrows():
            w = float(r["share_pct"])
            ax.barh(y, w, left=left, height=0.62, color=colours[r["group"]], edgecolor="white", linewidth=0.6)
            if w >= 6:
                ax.text(left + w / 2, y, f"{w:.0f}%", ha="center", va="center", fontsize=8,
                        color="white")
            else:
                ax.text(left + w + 0.8, y, f"{w:.0f}%", ha="left", va="center", fontsize=8, color=style.INK)
            left += w
        yticks.append(y)
        ylabels.append(label)
        y -= 1
    ax.set_yticks(yticks, ylabels, fontsize=8.5)
    ax.set_xlim(0, 100)
    ax.set_ylim(y + 0.4, len(bars) + len(qids) + 0.9)
    ax.grid(axis="y", visible=False)
    ax.grid(axis="x", visible=True)
    ax.set_xlabel("Share of respondents (%); the rest of each bar: answers not reported")
    from matplotlib.patches import Patch

    labels = {"toward Japan": "for a handover / islands belong to Japan", "negotiate": "should be agreed by both countries",
              "unsure": "hard to say", "toward Russia": "against a handover / islands belong to Russia"}
    ax.legend(handles=[Patch(color=colours[g], label=labels[g]) for g in labels], loc="upper left",
              bbox_to_anchor=(0.0, -0.14), ncol=2, fontsize=8.2)
    return fig


def poll_table(polls: pd.DataFrame, country: str) -> pd.DataFrame:
    """Every poll row of one country with its question wording, for a table under the chart."""
    rows = polls[polls["country"] == country].sort_values(["question_id", "fieldwork_date", "share_pct"],
                                                           ascending=[True, True, False])
    fmt = {"day": "%d %b %Y", "month": "%b %Y"}
    return pd.DataFrame({
        "Pollster": rows["pollster"],
        "Fieldwork from": [d.strftime(fmt[p]) for d, p in zip(rows["fieldwork_date"], rows["date_precision"])],
        "Mode": rows["mode"].str.replace("_", "-"),
        "Question (original)": rows["question"].fillna("").replace("", "–"),
        "Question (English)": rows["question_en"],
        "Answer": rows["answer"] + " — " + rows["answer_en"],
        "Share (%)": rows["share_pct"].astype(float),
    }).reset_index(drop=True)


# ----------------------------------------------------------------------------------------------------
# the analogy

MILESTONE_LABELS = {
    "ecsc_treaty_signed": "Coal and Steel Community treaty",
    "frg_joins_nato": "West Germany joins NATO",
    "saar_referendum": "Saar referendum",
    "saar_treaty_signed": "Saar Treaty",
    "saar_joins_frg": "Saar joins West Germany",
    "saar_customs_union_with_france_ends": "Saar leaves French customs area",
    "elysee_treaty_signed": "Élysée Treaty",
    "joint_declaration_signed": "Soviet–Japanese Joint Declaration",
    "eight_point_plan_proposed": "Eight-point plan",
    "russia_halts_peace_talks": "Russia halts peace-treaty talks",
}


def milestones(analogy: pd.DataFrame) -> pd.DataFrame:
    """Dated milestones with years since the end of the war in the pair's theatre, computed from the dates.

    The war's end is each pair's ``war_end`` milestone (8 May 1945 in Europe, 2 September 1945 for Japan);
    intervals are exact day counts divided by 365.25.
    """
    ms = analogy[analogy["kind"] == "milestone"].copy()
    ends = ms[ms["indicator"] == "war_end"].set_index("pair")["date"]
    if set(ends.index) != set(ms["pair"]):
        raise ValueError("every pair needs a war_end milestone")
    ms = ms[ms["indicator"] != "war_end"]
    ms["war_end"] = ms["pair"].map(ends)
    ms["years_since_war"] = (ms["date"] - ms["war_end"]).dt.days / 365.25
    ms["label"] = ms["indicator"].map(MILESTONE_LABELS).fillna(ms["indicator"])
    return ms.sort_values(["pair", "date"]).reset_index(drop=True)


def indicator(analogy: pd.DataFrame, pair: str, name: str, year: int | None = None) -> float:
    """One indicator value; raises unless exactly one row matches."""
    rows = analogy[(analogy["kind"] == "indicator") & (analogy["pair"] == pair) & (analogy["indicator"] == name)]
    if year is not None:
        rows = rows[rows["year"] == year]
    if len(rows) != 1:
        raise KeyError(f"{len(rows)} rows for {pair}/{name}/{year}")
    return float(rows["value"].iloc[0])


#: Trade-dependence bars of the analogy figure: (pair, indicator, year, label).
TRADE_SHARES = [
    ("france_germany", "share_of_exports_france_to_germany_pct", 2014, "Germany in France's exports, 2014"),
    ("france_germany", "share_of_imports_france_from_germany_pct", 2014, "Germany in France's imports, 2014"),
    ("france_germany", "share_of_exports_germany_to_france_pct", 2014, "France in Germany's exports, 2014"),
    ("japan_russia", "share_of_total_trade_japan_with_russia_pct", 2012, "Russia in Japan's total trade, 2012"),
    ("japan_russia", "share_of_imports_japan_from_russia_pct", 2021, "Russia in Japan's imports, 2021"),
    ("japan_russia", "share_of_total_trade_russia_with_japan_pct", 2012, "Japan in Russia's total trade, 2012"),
]


def analogy_chart(analogy: pd.DataFrame, polls: pd.DataFrame):
    """France–Germany and Japan–Russia side by side on three comparable measures.

    (a) years from the end of the war to each milestone (computed from dates); (b) the partner's share
    of each side's trade; (c) opinion on the territory: the Saar vote of 1955 and Russian national polls.
    """
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch

    from kurils import style

    colours = {"france_germany": style.OKABE_ITO["bluish_green"], "japan_russia": style.OKABE_ITO["vermillion"]}
    fig, axes = plt.subplots(3, 1, figsize=(6.4, 10.0), gridspec_kw={"height_ratios": [1.8, 1.5, 0.75], "hspace": 0.6})
    ax = axes[0]
    ms = milestones(analogy)
    ms = ms[ms["indicator"] != "saar_customs_union_with_france_ends"]
    ms = ms.assign(_o=ms["pair"].map({"france_germany": 0, "japan_russia": 1})).sort_values(["_o", "date"])
    ys = list(range(len(ms), 0, -1))
    for y, (_, r) in zip(ys, ms.iterrows()):
        ax.plot([0, r["years_since_war"]], [y, y], color=colours[r["pair"]], linewidth=1.2, alpha=0.55, zorder=2)
        ax.plot([r["years_since_war"]], [y], "o", color=colours[r["pair"]], markersize=6, zorder=3)
        ax.text(r["years_since_war"] + 1.2, y, f"{r['years_since_war']:.1f}", va="center", fontsize=8)
    ax.set_yticks(ys, style.wrap_labels([f"{r['label']} ({r['date'].year})" for _, r in ms.iterrows()], 34), fontsize=8.2)
    ax.set_xlim(0, 85)
    ax.set_ylim(0.4, len(ms) + 0.6)
    ax.grid(axis="y", visible=False)
    ax.grid(axis="x", visible=True)
    from kurils import text

    ends = ms.drop_duplicates("pair").set_index("pair")["war_end"]
    ax.set_xlabel(f"Years after the end of the war\n(Europe: {text.fmt_date(ends['france_germany'])}; "
                  f"Japan: {text.fmt_date(ends['japan_russia'])})")
    ax.set_title("(a) From the end of the war to each milestone", fontsize=11)
    ax.legend(handles=[Patch(color=colours[p], label=PAIR_LABELS[p]) for p in colours], loc="center right", fontsize=8.5)

    ax = axes[1]
    labels, values, cols = [], [], []
    for pair, name, year, label in TRADE_SHARES:
        labels.append(label)
        values.append(indicator(analogy, pair, name, year))
        cols.append(colours[pair])
    ys = list(range(len(labels), 0, -1))
    ax.barh(ys, values, color=cols, height=0.62)
    for y, v in zip(ys, values):
        ax.text(v + 0.25, y, f"{v:g}%", va="center", fontsize=8)
    ax.set_yticks(ys, style.wrap_labels(labels, 34), fontsize=8.5)
    ax.set_xlim(0, max(values) * 1.18)
    ax.grid(axis="y", visible=False)
    ax.grid(axis="x", visible=True)
    ax.set_xlabel("Partner's share of the country's trade\n(% of the value of trade, current prices)")
    ax.set_title("(b) How much the partners trade with each other", fontsize=11)

    ax = axes[2]
    levada = polls[(polls["question_id"] == "levada_transfer") & (polls["answer_en"] == "rather support a handover")]
    levada = levada.sort_values("fieldwork_date").iloc[-1]
    vciom = polls[(polls["question_id"] == "vciom_transfer") & (polls["answer_en"] == "support a handover for a peace treaty")].iloc[0]
    ref = ms.set_index("indicator").loc["saar_referendum", "date"]
    bars = [(f"Saar voters who rejected the European statute, {ref.year}\n(the vote that opened the way back to Germany)",
             indicator(analogy, "france_germany", "saar_statute_against_pct", ref.year), "france_germany"),
            (f"Russians for handing over some islands\n(Levada, {levada['fieldwork_date'].strftime('%b %Y')}, national sample)",
             float(levada["share_pct"]), "japan_russia"),
            (f"Russians for a handover for a peace treaty\n(VCIOM, {vciom['fieldwork_date'].strftime('%b %Y')}, national sample)",
             float(vciom["share_pct"]), "japan_russia")]
    ys = [3, 2, 1]
    ax.barh(ys, [b[1] for b in bars], color=[colours[b[2]] for b in bars], height=0.62)
    for y, (_, v, _) in zip(ys, bars):
        ax.text(v + 1, y, f"{v:g}%", va="center", fontsize=8)
    ax.set_yticks(ys, style.wrap_labels([b[0].replace("\n", " ") for b in bars], 38), fontsize=8)
    ax.set_xlim(0, 100)
    ax.grid(axis="y", visible=False)
    ax.grid(axis="x", visible=True)
    ax.set_xlabel("Share of valid votes or of respondents (%)\n— different questions and populations")
    ax.set_title("(c) Who wants the territory to change hands", fontsize=11)
    return fig


def milestone_table(analogy: pd.DataFrame) -> pd.DataFrame:
    """The dated milestones of both pairs with the computed years since the end of the war."""
    from kurils import text

    ms = milestones(analogy)
    return pd.DataFrame({
        "Pair": ms["pair"].map(PAIR_LABELS),
        "Milestone": ms["label"],
        "Date": [text.fmt_date(d, p) for d, p in zip(ms["date"], ms["date_precision"])],
        "Years after the war (computed)": ms["years_since_war"].astype(float),
        "Source": ms["source_title"],
    })


# ---------------------------------------------------------------------------
# continuity of the series the argument rests on (issue 13, item 4)

#: The one reporter chosen for the continuous trade series: Japan's own trade statistics (Ministry of
#: Finance, 財務省貿易統計), in yen, the currency they are compiled in, by calendar year: the official series
#: issue 13 names first. 2021–2025 come from the Ministry's annual table by country, 1995–2020 are sums of
#: the twelve months of Japan Customs' monthly Russia files (scripts/customs_trade_years.py). Any year of
#: 1995–2025 without both flows would be a named gap on the page.
TRADE_SERIES = {"reporter": "japan_customs", "currency": "JPY", "period": "calendar"}
#: The second reporter, for cross-checking: Russia's Ministry of Economic Development and Trade as
#: tabulated by ERINA, US dollars, calendar years (after the book's series it holds the most years of both
#: flows, 1995–2001; in those years both flows imply the same yen-dollar rate within about 1 %, so it
#: tracks the Ministry of Finance's figures, as ERINA says).
TRADE_CROSSCHECK = {"reporter": "russia_medt", "currency": "USD", "period": "calendar"}
TRADE_YEARS = range(1995, 2026)
#: Cabinet Office survey on diplomacy: one wave per Japanese fiscal year (a January wave belongs to
#: the fiscal year before, as the January 2016 wave stands for fiscal 2015).
CAO_YEARS = range(2010, 2026)
ENERGY_YEARS = range(2010, 2026)
ENERGY_SERIES = {"lng": ("lng",), "crude_oil": ("crude_oil",), "coal": ("coal_all", "thermal_coal")}


def year_runs(years) -> list[tuple[int, int]]:
    """Runs of consecutive years, first and last: ``[1995, 1996, 1997, 2000]`` -> ``[(1995, 1997), (2000, 2000)]``."""
    runs: list[tuple[int, int]] = []
    for y in sorted({int(y) for y in years}):
        if runs and y == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], y)
        else:
            runs.append((y, y))
    return runs


def year_ranges(years) -> str:
    """``[1995, 1996, 1997, 2000]`` -> ``'1995–1997, 2000'``; ``'none'`` when empty."""
    runs = year_runs(years)
    return ", ".join(f"{a}" if a == b else f"{a}–{b}" for a, b in runs) if runs else "none"


def series_rows(rows: pd.DataFrame, series: dict | None = None) -> pd.DataFrame:
    """The rows of one reporter, currency and period (``series``, default :data:`TRADE_SERIES`)."""
    for col, val in (series or TRADE_SERIES).items():
        rows = rows[rows[col] == val]
    return rows


def trade_series_years(trade: pd.DataFrame, series: dict | None = None) -> dict[str, list[int]]:
    """Years 1995–2025 in which one reporter, currency and period (``series``) gives both flows."""
    rows = series_rows(trade, series)
    both = rows.groupby("year")["flow"].nunique()
    covered = sorted(int(y) for y in both[both == 2].index if int(y) in TRADE_YEARS)
    return {"covered": covered, "missing": [y for y in TRADE_YEARS if y not in covered]}


def trade_coverage(trade: pd.DataFrame) -> dict:
    """Years of :data:`TRADE_SERIES` with both flows, and the years 1995–2025 without them."""
    return trade_series_years(trade, TRADE_SERIES)


def trade_reporter_coverage(trade: pd.DataFrame) -> pd.DataFrame:
    """For every reporter, currency and calendar/fiscal period: how many years 1995–2025 have both flows.

    Sorted by that count. Press figures whose basis is not named (``unstated``) are a mix of sources, not a
    reporter, and are left out.
    """
    records = []
    for (reporter, currency, period), _ in trade.groupby(["reporter", "currency", "period"], sort=True):
        if period not in PERIODS_CHARTED or reporter == "unstated":
            continue
        cov = trade_series_years(trade, {"reporter": reporter, "currency": currency, "period": period})
        records.append({"reporter": reporter, "currency": currency, "period": period,
                        "years": len(cov["covered"]), "covered": year_ranges(cov["covered"])})
    out = pd.DataFrame.from_records(records, columns=["reporter", "currency", "period", "years", "covered"])
    return out.sort_values(["years", "reporter"], ascending=[False, True]).reset_index(drop=True)


def trade_reporter_table(trade: pd.DataFrame) -> pd.DataFrame:
    """:func:`trade_reporter_coverage` with readable labels, the chosen series marked, for the page."""
    cov = trade_reporter_coverage(trade)
    chosen = ((cov["reporter"] == TRADE_SERIES["reporter"]) & (cov["currency"] == TRADE_SERIES["currency"])
              & (cov["period"] == TRADE_SERIES["period"]))
    xcheck = ((cov["reporter"] == TRADE_CROSSCHECK["reporter"]) & (cov["currency"] == TRADE_CROSSCHECK["currency"])
              & (cov["period"] == TRADE_CROSSCHECK["period"]))
    role = pd.Series("", index=cov.index).mask(chosen, "book's series").mask(xcheck, "cross-check")
    order = role.map({"book's series": 0, "cross-check": 1}).fillna(2).sort_values(kind="stable").index
    cov, role = cov.loc[order], role.loc[order]
    return pd.DataFrame({
        "Reporter (statistical basis)": cov["reporter"].map(REPORTER_LABELS),
        "Currency": cov["currency"],
        "Year basis": cov["period"],
        "Years with both flows": cov["years"].astype(int),
        "Which years": cov["covered"],
        "Role": role,
    })


def cao_fiscal_year(fieldwork: pd.Series) -> pd.Series:
    """The Japanese fiscal year of a survey wave (January–March belongs to the year before)."""
    dates = pd.to_datetime(fieldwork)
    return (dates.dt.year - (dates.dt.month <= 3).astype(int)).astype(int)


def cao_affinity_coverage(polls: pd.DataFrame) -> dict:
    """Fiscal years 2010–2025 with a Cabinet Office 'feel affinity' share for Russia, and those without."""
    rows = polls[(polls["question_id"] == "jp_cao_affinity_russia") & (polls["answer_en"] == "feel affinity")]
    fy = set(cao_fiscal_year(rows["fieldwork_date"]).tolist())
    covered = sorted(y for y in fy if y in CAO_YEARS)
    return {"covered": covered, "missing": [y for y in CAO_YEARS if y not in covered]}


def energy_coverage(energy: pd.DataFrame) -> dict[str, dict]:
    """Per fuel: calendar years 2010–2025 with a share of Japan's imports from Russia, and those without."""
    energy = energy_with_shares(energy)
    cal = energy[(energy["period"] == "calendar") & energy["share_pct"].notna()]
    out = {}
    for fuel, commodities in ENERGY_SERIES.items():
        years = set(int(y) for y in cal.loc[cal["commodity"].isin(commodities), "year"])
        covered = sorted(y for y in years if y in ENERGY_YEARS)
        out[fuel] = {"covered": covered, "missing": [y for y in ENERGY_YEARS if y not in covered]}
    return out


def coverage_numbers(tables: dict[str, pd.DataFrame]) -> dict:
    """The coverage phrases the page glues: covered and missing years of each continuous series."""
    out = {}
    tc = trade_coverage(tables["trade"])
    out["trade_covered"], out["trade_missing"] = year_ranges(tc["covered"]), year_ranges(tc["missing"])
    out["trade_n_missing"] = len(tc["missing"])
    out["trade_n_covered"] = len(tc["covered"])
    xc = trade_series_years(tables["trade"], TRADE_CROSSCHECK)
    out["trade_xcheck_covered"], out["trade_xcheck_missing"] = year_ranges(xc["covered"]), year_ranges(xc["missing"])
    out["trade_xcheck_n_covered"] = len(xc["covered"])
    cc = cao_affinity_coverage(tables["polls"])
    out["cao_covered"], out["cao_missing"] = year_ranges(cc["covered"]), year_ranges(cc["missing"])
    out["cao_n_missing"] = len(cc["missing"])
    # the October 2014 share is derived from the January 2016 wave's share and its reported change
    aff = tables["polls"][(tables["polls"]["question_id"] == "jp_cao_affinity_russia")
                          & (tables["polls"]["answer_en"] == "feel affinity")]
    out["cao_jan2016_share"] = pick(aff, "share_pct", fieldwork_date="2016-01-01")
    out["cao_2014_drop"] = pick(aff, "share_pct", fieldwork_date="2014-10-01") - out["cao_jan2016_share"]
    for fuel, cov in energy_coverage(tables["energy"]).items():
        out[f"energy_{fuel}_covered"] = year_ranges(cov["covered"])
        out[f"energy_{fuel}_missing"] = year_ranges(cov["missing"])
    return out


# ----------------------------------------------------------------------------------------------------
# the exercises: functions whose parameters the reader changes in a visible cell


def poll_trend(polls: pd.DataFrame, question_id: str = "jp_cao_affinity_russia", answer_en: str = "feel affinity",
               *, event_date=None) -> pd.DataFrame:
    """One answer of one poll question, wave by wave: date, mode, share and the change from the wave before.

    ``question_id`` and ``answer_en`` name a question and answer of ``polls.csv`` (the defaults are the
    Cabinet Office's affinity series). With ``event_date`` a column says whether each wave was in the
    field before or after it. Raises KeyError, naming the answers that exist, for an unknown pair.
    """
    rows = poll_series(polls, question_id, answer_en)
    if rows.empty:
        known = polls.loc[polls["question_id"] == question_id, "answer_en"].drop_duplicates().tolist()
        raise KeyError(f"no rows for {question_id!r} / {answer_en!r}; answers of that question: {known}")
    share = rows["share_pct"].astype(float)
    out = pd.DataFrame({
        "Fieldwork from": rows["fieldwork_date"].dt.strftime("%Y-%m-%d"),
        "Mode": rows["mode"].str.replace("_", "-"),
        "Share (%)": share,
        "Change, points": share.diff().round(1),
    })
    if event_date is not None:
        out["Wave"] = ["after" if d >= pd.Timestamp(event_date) else "before" for d in rows["fieldwork_date"]]
    return out


def poll_shift(polls: pd.DataFrame, question_id: str, answer_en: str, event_date) -> dict:
    """The last wave before ``event_date`` and the first after it: dates, modes, shares, change and ratio."""
    rows = poll_series(polls, question_id, answer_en)
    when = pd.Timestamp(event_date)
    before, after = rows[rows["fieldwork_date"] < when], rows[rows["fieldwork_date"] >= when]
    if before.empty or after.empty:
        raise ValueError(f"{question_id!r} / {answer_en!r} has no wave on both sides of {when.date()}")
    a, b = before.iloc[-1], after.iloc[0]
    return {"before": float(a["share_pct"]), "after": float(b["share_pct"]),
            "before_date": a["fieldwork_date"], "after_date": b["fieldwork_date"],
            "same_mode": a["mode"] == b["mode"], "change": float(b["share_pct"]) - float(a["share_pct"]),
            "ratio": float(a["share_pct"]) / float(b["share_pct"]) if float(b["share_pct"]) else float("inf")}


def implied_rates(trade: pd.DataFrame) -> pd.DataFrame:
    """Yen per US dollar implied where the book's yen series and a dollar row give the same year, flow and period.

    Not an exchange rate the book sources: the ratio of two figures for the same flow. The yen figure is
    the one the chart draws for the Ministry of Finance (:data:`TRADE_SERIES`'s reporter; for fiscal 2022
    its fiscal yen row); the dollar figure is the one the chart draws for that year, flow and period among
    reporters that name their basis (press figures with no named basis are left out). So there is one
    rate per year, period and flow, and ``usd_reporter`` says whose dollars they are. Empty when no year
    holds both currencies.
    """
    cols = ["year", "period", "flow", "usd_reporter", "jpy_bn", "usd_bn", "yen_per_usd"]
    rows = trade_chart_rows(trade[trade["reporter"] != "unstated"])
    yen = rows[(rows["currency"] == "JPY") & (rows["reporter"] == TRADE_SERIES["reporter"])]
    usd = rows[rows["currency"] == "USD"]
    both = yen.merge(usd, on=["year", "period", "flow"], suffixes=("_jpy", "_usd"))
    if both.empty:
        return pd.DataFrame(columns=cols)
    both = both.sort_values(["year", "period", "flow"]).reset_index(drop=True)
    return pd.DataFrame({"year": both["year"].astype(int), "period": both["period"], "flow": both["flow"],
                         "usd_reporter": both["reporter_usd"], "jpy_bn": both["value_bn_jpy"].astype(float),
                         "usd_bn": both["value_bn_usd"].astype(float),
                         "yen_per_usd": (both["value_bn_jpy"] / both["value_bn_usd"]).astype(float).round(2)})


def series_totals(trade: pd.DataFrame, series: dict | None = None) -> pd.Series:
    """Total trade (exports + imports, billions of the series' currency) by year, for the years in which
    one reporter, currency and period (default :data:`TRADE_SERIES`) gives both flows, as the chart draws them."""
    rows = series_rows(trade_chart_rows(trade), series)
    wide = rows.pivot_table(index="year", columns="flow", values="value_bn", aggfunc="first")
    wide = wide.dropna(subset=[f for f in FLOW_LABELS if f in wide.columns])
    if set(FLOW_LABELS) - set(wide.columns):
        return pd.Series(dtype=float, name="total")
    total = (wide["japan_exports"] + wide["japan_imports"]).astype(float)
    total.index = total.index.astype(int)
    return total.rename("total")


def jpy_peak(trade: pd.DataFrame) -> dict:
    """The year of the book's yen series (:data:`TRADE_SERIES`) with the highest total trade, its total and
    the total of the year before (yen billions)."""
    totals = series_totals(trade)
    if totals.empty:
        raise ValueError("the book's yen series has no year with both flows")
    year = int(totals.idxmax())
    return {"year": year, "total": float(totals[year]),
            "prev_year": year - 1, "prev_total": float(totals.get(year - 1, float("nan")))}


def spliced_totals(trade: pd.DataFrame, rate_from: str = "japan_imports", *, all_years: bool = False) -> pd.DataFrame:
    """What converting the book's yen series into dollars would show, each year at its own implied rate.

    For every calendar year of :data:`TRADE_SERIES` (Ministry of Finance, yen), the yen total divided by
    that year's rate from :func:`implied_rates` for ``rate_from`` (``"japan_imports"`` or
    ``"japan_exports"``), beside the dollar total the chart draws for the same year (the same reporter as
    the rate, both flows). Years without a calendar rate for that flow stay unconverted (the data hold no
    exchange rate). A demonstration of why the book does **not** convert: where the dollar figures come
    from another reporter the two flows imply different rates, and the converted series, and even its
    peak year, depend on which flow's rate is used. Only the converted years are returned unless
    ``all_years`` (then every year of the series, unconverted ones empty). Raises ValueError when
    ``rate_from`` has no rate.
    """
    rates = implied_rates(trade)
    rates = rates[(rates["flow"] == rate_from) & (rates["period"] == "calendar")].set_index("year")
    if rates.empty:
        flows = sorted(set(implied_rates(trade)["flow"]))
        raise ValueError(f"no implied rates for {rate_from!r} in calendar years; flows with a rate: {flows}")
    totals = series_totals(trade)
    reported = {}
    for reporter in set(rates["usd_reporter"]):
        usd = series_totals(trade[trade["reporter"] != "unstated"],
                            {"reporter": reporter, "currency": "USD", "period": "calendar"})
        reported |= {int(y): v for y, v in usd.items() if y in rates.index and rates.at[y, "usd_reporter"] == reporter}
    out = []
    for year, yen in totals.items():
        rate = float(rates.at[year, "yen_per_usd"]) if year in rates.index else float("nan")
        converted = yen / rate if rate == rate else float("nan")
        rep = reported.get(int(year), float("nan"))
        out.append({"Year": int(year), "Yen bn": round(yen, 1),
                    "Yen per USD used": rate,
                    "Dollars from": REPORTER_LABELS[rates.at[year, "usd_reporter"]] if year in rates.index else "–",
                    "USD bn, converted": round(converted, 2), "USD bn, as reported": round(rep, 2),
                    "Converted vs reported, %": round(100 * (converted / rep - 1), 1) if rep == rep else float("nan")})
    table = pd.DataFrame.from_records(out)
    if not all_years:
        table = table.dropna(subset=["Yen per USD used"]).reset_index(drop=True)
    return table


def energy_series(energy: pd.DataFrame, commodity: str = "lng") -> pd.DataFrame:
    """Every sourced share of Russia in Japan's imports of one fuel (``lng``, ``crude_oil``, ``coal_all``,
    ``thermal_coal``, ``coking_coal``), by year, with its period, basis and source."""
    if commodity not in COMMODITY_LABELS:
        raise KeyError(f"unknown commodity {commodity!r}; choose from {sorted(COMMODITY_LABELS)}")
    energy = energy_with_shares(energy)
    rows = energy[(energy["commodity"] == commodity) & energy["share_pct"].notna()]
    rows = rows.sort_values(["year", "period", "share_pct"])
    return pd.DataFrame({
        "Year": rows["year"].astype(int),
        "Period": rows["period"],
        "Share of Japan's imports (%)": rows["share_pct"].astype(float).round(2),
        "Basis": rows["share_basis"].where(~rows["share_computed"], rows["share_basis"] + " (computed from Customs volumes)"),
        "Source": rows["source_title"],
    }).reset_index(drop=True)


#: The poll answers the exercise's solution compares across the invasion (question id, answer).
SHIFT_SERIES = {"aff": ("jp_cao_affinity_russia", "feel affinity"),
                "good": ("jp_cao_relations_russia", "relations are good")}


def exercise_numbers(tables: dict[str, pd.DataFrame]) -> dict:
    """Numbers the exercises' solutions glue: poll shifts across the invasion, implied yen rates."""
    out = {}
    invasion = event(tables, "sanctions", "jp_2022_02_first_package")["date"]
    for key, (qid, answer) in SHIFT_SERIES.items():
        s = poll_shift(tables["polls"], qid, answer, invasion)
        out[f"shift_{key}_before"], out[f"shift_{key}_after"] = s["before"], s["after"]
        out[f"shift_{key}_ratio"] = s["ratio"]
        out[f"shift_{key}_years"] = f"{s['before_date'].year} and {s['after_date'].year}"
    trade = tables["trade"]
    rates = implied_rates(trade)
    cal = rates[rates["period"] == "calendar"].pivot(index="year", columns="flow", values="yen_per_usd").dropna()
    gap = (cal.max(axis=1) / cal.min(axis=1) - 1) * 100
    reporter = rates[rates["period"] == "calendar"].drop_duplicates("year").set_index("year")["usd_reporter"]
    out["fx_n_years"] = len(cal)
    out["fx_years"] = year_ranges(cal.index)
    medt = gap[reporter.reindex(gap.index) == TRADE_CROSSCHECK["reporter"]]
    out["fx_xcheck_gap_max"] = float(medt.max())
    worst = int(gap.idxmax())
    out["fx_gap_year"], out["fx_gap_pct"] = worst, float(gap[worst])
    out["fx_gap_basis"] = REPORTER_LABELS[reporter[worst]]
    out["fx_imports"] = float(cal.at[worst, "japan_imports"])
    out["fx_exports"] = float(cal.at[worst, "japan_exports"])
    for flow in ("japan_imports", "japan_exports"):
        sp = spliced_totals(trade, rate_from=flow).set_index("Year")
        word = flow.split("_")[1]
        out[f"fx_peak_{word}"] = int(sp["USD bn, converted"].idxmax())
        out[f"fx_peak_usd_{word}"] = float(sp["USD bn, converted"].max())
        out[f"fx_gap_usd_{word}"] = float(sp.at[worst, "USD bn, converted"])
    return out


# ----------------------------------------------------------------------------------------------------
# the page's key numbers (everything the prose glues)

#: Events whose dates the prose cites as ``d_<id>``, by table (cut to the precision the source gives).
DATED_EVENTS = {
    "cooperation": ["visa_free_framework_1991", "eight_point_plan_proposed", "minister_for_russia_econ_coop",
                    "nagato_joint_econ_agreement", "joint_econ_five_projects", "pilot_tour_postponed",
                    "pilot_tour_held", "joint_econ_russia_withdraws", "visa_free_agreements_terminated",
                    "grave_visits_by_air_first", "visa_free_2020_cancelled", "joint_econ_spring_target"],
    "sanctions": ["jp_2014_03_crimea_talks_freeze", "jp_2014_09_banks_arms", "jp_2022_02_first_package",
                  "jp_2022_04_mfn_law", "jp_2022_05_oil_in_principle", "jp_2022_12_price_cap",
                  "ru_2022_03_unfriendly_list", "ru_2022_03_peace_talks_visa_free", "ru_2022_05_entry_ban_63",
                  "ru_2022_06_fishing_agreement", "ru_2022_06_sakhalin2_decree", "ru_2022_10_sakhalin1_decree",
                  "ru_2022_07_entry_ban_384_mps", "us_2022_11_sakhalin2_exemption", "us_2023_11_arctic_lng2",
                  "us_2025_10_energy_pressure"],
}
#: Milestones of the analogy whose years since the war (``yrs_<id>``) and dates (``m_<id>``) the prose cites.
MILESTONE_YEARS = ["ecsc_treaty_signed", "saar_joins_frg", "elysee_treaty_signed", "joint_declaration_signed",
                   "eight_point_plan_proposed", "russia_halts_peace_talks", "frg_joins_nato"]
MILESTONE_DATES = ["saar_referendum", "saar_treaty_signed", "saar_joins_frg", "joint_declaration_signed",
                   "frg_joins_nato", "ecsc_treaty_signed"]


def trade_numbers(trade: pd.DataFrame, analogy: pd.DataFrame) -> dict:
    """Trade figures the page cites: the Russian ministry series' range, the dollar peak, single years."""
    out = {}
    erina = trade[trade["reporter"] == "russia_medt"]
    erina_bn = in_billions(erina)
    out["erina_first"] = int(erina["year"].min())
    out["erina_last"] = int(erina["year"].max())
    out["erina_imp_min"] = erina_bn[erina["flow"] == "japan_imports"].min()
    out["erina_imp_max"] = erina_bn[erina["flow"] == "japan_imports"].max()
    out["erina_exp_max"] = erina_bn[erina["flow"] == "japan_exports"].max()
    out["share_2001"] = indicator(analogy, "japan_russia", "share_of_total_trade_japan_with_russia_pct", 2001)
    peak = usd_peak(trade)
    out["peak_year"], out["peak_total"], out["peak_imports"] = peak["year"], peak["total"], peak["imports"]
    usd = dict(currency="USD", period="calendar", reporter="japan_customs")
    for y in (2014, 2016, 2020):
        out[f"usd_total_{y}"] = (pick(trade, "value", year=y, flow="japan_exports", **usd)
                                 + pick(trade, "value", year=y, flow="japan_imports", **usd))
    jpy = trade[trade["currency"] == "JPY"].assign(value_bn=lambda f: in_billions(f))
    # the book's series as the chart draws it: the Ministry's statistics, its final figure where a
    # provisional one is also held (2024 imports)
    mof = series_rows(trade_chart_rows(trade))
    out["imp_2021_mof"] = pick(mof, "value_bn", year=2021, flow="japan_imports")
    out["imp_2021_prelim"] = pick(jpy, "value_bn", year=2021, flow="japan_imports", reporter="japan_customs",
                                  source_kind="press")
    out["imp_2021_other"] = pick(jpy, "value_bn", year=2021, flow="japan_imports", reporter="unstated")
    out["imp_fy2022"] = pick(jpy, "value_bn", year=2022, flow="japan_imports", period="fiscal")
    out["exp_fy2022"] = pick(jpy, "value_bn", year=2022, flow="japan_exports", period="fiscal")
    for y in (2021, 2022, 2023, 2024, 2025):
        out[f"imp_{y}"] = pick(mof, "value_bn", year=y, flow="japan_imports")
        out[f"exp_{y}"] = pick(mof, "value_bn", year=y, flow="japan_exports")
    out["mof_last_year"] = int(mof["year"].max())
    # "provisional" or "final", as the chosen rows' notes say: the prose follows the data when the
    # Ministry's final figures for the last year replace the provisional ones
    status = {True: "provisional", False: "final"}
    out["mof_last_year_status"] = status[trade_is_provisional(trade, out["mof_last_year"])]
    out["mof_2025_status"] = status[trade_is_provisional(trade, 2025)]
    out["mof_first_year"] = int(mof["year"].min())
    stats = jpy[(jpy["reporter"] == "japan_customs") & (jpy["period"] == "calendar") & (jpy["source_kind"] == "statistics")]
    out["imp_2024_provisional"] = pick(stats, "value_bn", year=2024, flow="japan_imports", note="~Provisional")
    out["imp_2024_revision_pct"] = 100 * (out["imp_2024"] / out["imp_2024_provisional"] - 1)
    jp = jpy_peak(trade)
    out["jpy_peak_year"], out["jpy_peak_total"] = jp["year"], jp["total"]
    out["jpy_peak_prev_year"], out["jpy_peak_prev_total"] = jp["prev_year"], jp["prev_total"]
    totals = series_totals(trade)
    out["jpy_total_2001"], out["jpy_total_2008"], out["jpy_total_2009"] = (float(totals[y]) for y in (2001, 2008, 2009))
    out["jpy_total_2021"], out["jpy_total_2022"] = float(totals[2021]), float(totals[2022])
    out["jpy_total_2016"], out["jpy_total_2020"] = float(totals[2016]), float(totals[2020])
    after = totals[totals.index > jp["year"]]
    out["jpy_after_peak_max_year"], out["jpy_after_peak_max"] = int(after.idxmax()), float(after.max())
    out["jpy_peak_to_latest_pct"] = 100 * (1 - float(totals.iloc[-1]) / jp["total"])
    out["jpy_latest_year"] = int(totals.index[-1])
    ru = trade[(trade["reporter"] == "russia_official") & (trade["year"] == 2013)]
    out["ru_2013_imp"] = pick(ru, "value", flow="japan_imports")
    out["ru_2013_exp"] = pick(ru, "value", flow="japan_exports")
    out["ru_2013_total"] = out["ru_2013_imp"] + out["ru_2013_exp"]
    out["imp_share_2021"] = indicator(analogy, "japan_russia", "share_of_imports_japan_from_russia_pct", 2021)
    return out


def energy_share_numbers(energy: pd.DataFrame) -> dict:
    """Russia's shares of Japan's fuel imports (and coal volumes) that the chapter and the summary quote."""
    energy = energy_with_shares(energy)
    # The prose quotes Japan Customs' own volumes (kind ``statistics``) wherever the series has the year;
    # the other sources of the same year stay in the chart and the tables as cross-checks.
    stats = energy[energy["source_kind"] == "statistics"]
    cal = stats[stats["period"] == "calendar"]
    out = {
        "lng_2013": pick(cal, "share_pct", year=2013, commodity="lng"),
        "lng_2021": pick(cal, "share_pct", year=2021, commodity="lng"),
        "lng_2023": pick(cal, "share_pct", year=2023, commodity="lng"),
        "lng_fy2023": pick(stats, "share_pct", year=2023, commodity="lng", period="fiscal"),
        "crude_2013": pick(cal, "share_pct", year=2013, commodity="crude_oil"),
        "crude_2021": pick(cal, "share_pct", year=2021, commodity="crude_oil"),
        "thermal_2021": pick(cal, "share_pct", year=2021, commodity="thermal_coal"),
        "crude_2025": pick(energy, "share_pct", year=2025, commodity="crude_oil", period="partial",
                           source_url="~globalbanking"),
        "coal_2021": pick(cal, "share_pct", year=2021, commodity="coal_all"),
        "coal_mt_2022": pick(cal, "volume", year=2022, commodity="coal_all"),
        "lng_2024": pick(cal, "share_pct", year=2024, commodity="lng"),
        "coal_2024": pick(cal, "share_pct", year=2024, commodity="coal_all"),
        "year_coal_peak": int(cal[cal["commodity"] == "coal_all"].sort_values("share_pct")["year"].iloc[-1]),
        "coal_peak": float(cal[cal["commodity"] == "coal_all"]["share_pct"].max()),
        "year_crude_peak": int(cal[cal["commodity"] == "crude_oil"].sort_values("share_pct")["year"].iloc[-1]),
        "crude_peak": float(cal[cal["commodity"] == "crude_oil"]["share_pct"].max()),
    }
    return out


def energy_numbers(energy: pd.DataFrame, projects: pd.DataFrame) -> dict:
    """Russia's shares of Japan's fuel imports and Japanese (and Gazprom's) stakes in the projects."""
    out = energy_share_numbers(energy)
    latest = projects.sort_values("as_of").drop_duplicates(["project", "partner"], keep="last")
    for name, project, partner in [("sodeco", "sakhalin_1", "~SODECO (Sakhalin"), ("mitsui", "sakhalin_2", "~Mitsui"),
                                   ("mitsubishi", "sakhalin_2", "~Mitsubishi"), ("jarc", "arctic_lng_2", "~J-Arc"),
                                   ("gazprom", "sakhalin_2", "Gazprom")]:
        out[f"stake_{name}"] = pick(latest, "stake_pct", project=project, partner=partner)
    return out


def event_dates(tables: dict[str, pd.DataFrame]) -> dict:
    """``d_<id>``: the date of every event in :data:`DATED_EVENTS`, cut to the precision its source gives."""
    from kurils import text

    out = {}
    for table, ids in DATED_EVENTS.items():
        for event_id in ids:
            row = event(tables, table, event_id)
            out[f"d_{event_id}"] = text.fmt_date(row["date"], row["date_precision"])
    return out


def cooperation_numbers(cooperation: pd.DataFrame, sanctions: pd.DataFrame) -> dict:
    """Visa-free participants and the pilot tour's size; sanctions packages by who imposed them and year."""
    out = {"visa_free_total": pick(cooperation, "value", id="visa_free_participants_total"),
           "pilot_n": pick(cooperation, "value", id="pilot_tour_held")}
    year = sanctions["date"].dt.year
    for who, y in [("JP", 2014), ("JP", 2022), ("RU", 2022)]:
        out[f"n_{who.lower()}_{y}"] = int(((sanctions["imposed_by"] == who) & (year == y)).sum())
    return out


def poll_numbers(polls: pd.DataFrame) -> dict:
    """Shares from the Japanese Cabinet Office, Levada, VCIOM and Russia's foreign ministry polls."""
    def share(question_id, answer_en, fieldwork_date=None):
        where = {"fieldwork_date": fieldwork_date} if fieldwork_date else {}
        return pick(polls, "share_pct", question_id=question_id, answer_en=answer_en, **where)

    affinity, relations = "jp_cao_affinity_russia", "jp_cao_relations_russia"
    levada, vciom, mofa = "levada_transfer", "vciom_transfer", "mofa_ru_belonging"
    return {
        "aff_2016": share(affinity, "feel affinity", "2016-10-27"),
        "aff_2021": share(affinity, "feel affinity", "2021-09-30"),
        "aff_2022": share(affinity, "feel affinity", "2022-10-06"),
        "aff_2023": share(affinity, "feel affinity", "2023-09-01"),
        "nofeel_2023": share(affinity, "do not feel affinity", "2023-09-01"),
        "good_2016": share(relations, "relations are good", "2016-10-27"),
        "good_2023": share(relations, "relations are good", "2023-09-01"),
        "good_2025": share(relations, "relations are good", "2025-09-25"),
        "lev_2016": share(levada, "rather support a handover", "2016-05-01"),
        "lev_for_2018": share(levada, "rather support a handover", "2018-11-22"),
        "lev_against_2018": share(levada, "rather oppose a handover", "2018-11-22"),
        "vciom_against": share(vciom, "oppose a handover"),
        "vciom_for": share(vciom, "support a handover for a peace treaty"),
        "mofa_russia_2019": share(mofa, "belong to Russia and always will", "2019-02-01"),
        "mofa_agree_2019": share(mofa, "should be agreed between the two countries", "2019-02-01"),
        "mofa_japan_2019": share(mofa, "belong to Japan", "2019-02-01"),
    }


def analogy_numbers(analogy: pd.DataFrame) -> dict:
    """The Franco-German and Saar figures, years since the war of each milestone, and its date."""
    from kurils import text

    def ind(pair, name, year):
        return indicator(analogy, pair, name, year)

    out = {
        "saar_against": ind("france_germany", "saar_statute_against_pct", 1955),
        "saar_turnout": ind("france_germany", "saar_statute_turnout_pct", 1955),
        "meetings": ind("france_germany", "de_gaulle_adenauer_meetings", 1963),
        "fg_exp": ind("france_germany", "share_of_exports_france_to_germany_pct", 2014),
        "gf_exp": ind("france_germany", "share_of_exports_germany_to_france_pct", 2014),
        "jr_total_2012": ind("japan_russia", "share_of_total_trade_japan_with_russia_pct", 2012),
        "rj_total_2012": ind("japan_russia", "share_of_total_trade_russia_with_japan_pct", 2012),
    }
    ms = milestones(analogy).set_index("indicator")
    for key in MILESTONE_YEARS:
        out[f"yrs_{key}"] = ms.at[key, "years_since_war"]
    for key in MILESTONE_DATES:
        out[f"m_{key}"] = text.fmt_date(ms.at[key, "date"], ms.at[key, "date_precision"])
    out["m_saar_customs_end"] = text.fmt_date(ms.at["saar_customs_union_with_france_ends", "date"], "year")
    out["days_saar_after_decl"] = (ms.at["saar_treaty_signed", "date"] - ms.at["joint_declaration_signed", "date"]).days
    return out


def key_numbers(tables: dict[str, pd.DataFrame]) -> dict:
    """Every number, date and phrase the chapter's prose glues (name -> number or phrase).

    ``tables`` holds the chapter's tables (trade, energy, projects, sanctions, cooperation, polls,
    analogy); the currency line reads all of them.

    Numbers are for ``{glue:text}`` with a format spec, phrases (dates already cut to their source's
    precision, year ranges, the currency line) for ``{glue:md}``; ``text.glue_all`` glues them all.
    """
    from kurils import text

    t = tables
    return {
        "current_to": text.data_current_to(*t.values()),
        **trade_numbers(t["trade"], t["analogy"]),
        **energy_numbers(t["energy"], t["projects"]),
        **event_dates(t),
        **cooperation_numbers(t["cooperation"], t["sanctions"]),
        **poll_numbers(t["polls"]),
        **coverage_numbers(t),
        **analogy_numbers(t["analogy"]),
        **exercise_numbers(t),
    }
