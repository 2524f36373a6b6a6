"""The negotiations chapter: the meetings register, joint documents, proposals and the Bluebook's wording.

Every number the chapter states comes from :func:`key_numbers`. Terms of office are read from
``leaders.csv`` (through :func:`kurils.history.terms`), never copied into the register.
"""

from __future__ import annotations

import html

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from markupsafe import Markup
from matplotlib.patches import Patch

from kurils import history, style

TABLES = ["meetings", "meeting_counts", "documents", "proposals", "bluebook_wording", "settlement_polls",
          "leaders", "legal_instruments", "scenarios", "polls"]

#: The five coded features of a joint document, with a short label for the matrix.
FEATURES = {
    "names_all_four": "Names all four islands",
    "refers_1956": "Refers to the 1956 Declaration",
    "refers_tokyo": "Refers to the Tokyo Declaration",
    "deadline": "Sets a date for the treaty",
    "joint_economic": "Joint economic activity",
}

#: What must appear in a document's excerpt for a feature to be flagged (any one term of each group).
#: names_all_four needs one spelling of every island; the others need any one of their terms.
ISLAND_NAMES = {
    "etorofu": ("択捉", "Etorofu", "Iturup", "Итуруп"),
    "kunashiri": ("国後", "Kunashiri", "Kunashir", "Кунашир"),
    "shikotan": ("色丹", "Shikotan", "Шикотан"),
    "habomai": ("歯舞", "Habomai", "Хабомаи"),
}
FEATURE_TERMS = {
    "refers_1956": ("1956", "日ソ共同宣言"),
    "refers_tokyo": ("東京宣言", "Tokyo Declaration", "Tokyo Communique", "Токийск"),
    "deadline": ("2000年まで", "by the end of the 20th century", "by 2000", "до 2000"),
    "joint_economic": ("共同経済活動", "joint economic", "совместн"),
}

BLUEBOOK_PHRASES = {
    "illegally_occupied": "不法占拠 'illegally occupied'",
    "inherent_territory": "固有の領土 'inherent territory'",
    "belong_to_japan": "日本に帰属 'belong to Japan'",
    "sovereign_islands": "主権を有する島々 'islands under Japan's sovereignty'",
}

#: Formats that are not meetings in person (left out of the tallies sources state).
REMOTE = ("phone call", "video")

LEVEL_COLOURS = {"leaders": style.OKABE_ITO["vermillion"], "foreign_ministers": style.OKABE_ITO["blue"]}
LEVEL_LABELS = {"leaders": "Leaders", "foreign_ministers": "Foreign ministers"}


# ------------------------------------------------------------------------------------- meetings

def _ordinal(n: int) -> str:
    """1st, 2nd, 3rd, 4th … 11th, 12th, 13th, 21st, 22nd …"""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _a(title: str, url: str):
    """An HTML link for a page table (tables are rendered as HTML, so Markdown links would not work); a
    markupsafe.Markup of escaped parts, which kurils.text.table keeps as HTML (text added to it is escaped)."""
    from kurils.text import link

    return link(url, title)


def leader_names(leaders: pd.DataFrame) -> dict[str, str]:
    """leaders.csv id -> the person's name (one person can hold several ids)."""
    return dict(zip(leaders["id"], leaders["name"]))


def with_people(meetings: pd.DataFrame, leaders: pd.DataFrame) -> pd.DataFrame:
    """The register with the names of the two sides (leaders from leaders.csv, ministers as recorded)."""
    names = leader_names(leaders)
    out = meetings.copy()
    out["japan_person"] = out["japan_side"].map(names).fillna(out["japan_minister"])
    out["russia_person"] = out["russia_side"].map(names).fillna(out["russia_minister"])
    return out


def duplicate_meetings(meetings: pd.DataFrame) -> list[str]:
    """Ids of rows that repeat another row's level, pair and day (only day-precision dates can clash)."""
    day = meetings[meetings["date_precision"] == "day"]
    keys = ["level", "date", "japan_side", "russia_side", "japan_minister", "russia_minister"]
    dup = day[day.fillna("").duplicated(keys, keep=False)]
    return sorted(dup["id"])


def pair_counts(meetings: pd.DataFrame, leaders: pd.DataFrame) -> pd.DataFrame:
    """Leaders' meetings per pair of persons (not per term): Japanese leader, Soviet/Russian leader, count."""
    people = with_people(meetings[meetings["level"] == "leaders"], leaders)
    people["remote"] = people["format"].isin(REMOTE)
    counts = (people.groupby(["japan_person", "russia_person"])
              .agg(meetings=("remote", lambda r: int((~r).sum())), calls=("remote", "sum")).reset_index())
    counts["calls"] = counts["calls"].astype(int)
    return counts.sort_values(["meetings", "japan_person"], ascending=[False, True]).reset_index(drop=True)


def count_check(meetings: pd.DataFrame, counts: pd.DataFrame, leaders: pd.DataFrame) -> pd.DataFrame:
    """For each count a source states ("the 24th meeting"), the register's own count of that pair's
    meetings up to and including that meeting, and the difference (stated minus register).

    Only meetings in person are counted, as the Japanese tallies do (phone calls and video links are not)."""
    in_person = meetings[(meetings["level"] == "leaders") & ~meetings["format"].isin(REMOTE)]
    people = with_people(in_person, leaders).set_index("id")
    rows = []
    for _, c in counts.iterrows():
        m = people.loc[c["as_of_meeting"]]
        same = people[(people["japan_person"] == c["pair_japan"]) & (people["russia_person"] == c["pair_russia"])
                      & (people["date"] <= m["date"])]
        rows.append({"id": c["id"], "meeting": c["as_of_meeting"], "date": m["date"], "place": m["place"],
                     "stated": int(c["stated_count"]), "register": len(same),
                     "missing": int(c["stated_count"]) - len(same), "source_title": c["source_title"],
                     "source_url": c["source_url"]})
    return pd.DataFrame(rows).sort_values("date").reset_index(drop=True)


def count_check_table(check: pd.DataFrame) -> pd.DataFrame:
    """:func:`count_check` for the page."""
    return pd.DataFrame({
        "Meeting": [f"{history.fmt_event_date(d, 'day', short=True)}, {p}" for d, p in zip(check["date"], check["place"])],
        "Source says": [_ordinal(n) for n in check["stated"]],
        "Register to that day": check["register"],
        "Not in the register": check["missing"],
        "Source": [_a(t, u) for t, u in zip(check["source_title"], check["source_url"])],
    })


def per_year(meetings: pd.DataFrame) -> pd.DataFrame:
    """Meetings per calendar year and level (columns leaders, foreign_ministers), years without any as 0."""
    years = meetings["date"].dt.year
    table = pd.crosstab(years, meetings["level"]).reindex(columns=list(LEVEL_COLOURS), fill_value=0)
    full = range(int(years.min()), int(years.max()) + 1)
    return table.reindex(full, fill_value=0)


#: Ways to group the register in :func:`meetings_by`: a column of the register (with the two sides'
#: persons from :func:`with_people`) or ``"decade"``.
GROUPINGS = ("decade", "year", "level", "place", "host_country", "format", "japan_person", "russia_person",
             "territory_on_agenda")


def meetings_by(meetings: pd.DataFrame, leaders: pd.DataFrame, *, by: str = "decade",
                in_person: bool = False) -> pd.DataFrame:
    """Meetings in the register counted by one grouping (see :data:`GROUPINGS`), one column per level.

    ``in_person=True`` leaves out phone calls and video links, as the Japanese tallies do. Rows are in
    order for ``decade`` and ``year``, otherwise largest total first.
    """
    if by not in GROUPINGS:
        raise ValueError(f"unknown grouping {by!r}; choose one of {', '.join(GROUPINGS)}")
    rows = meetings[~meetings["format"].isin(REMOTE)] if in_person else meetings
    people = with_people(rows, leaders)
    people["year"] = people["date"].dt.year
    people["decade"] = (people["year"] // 10 * 10).astype(str) + "s"
    table = pd.crosstab(people[by].fillna("not recorded"), people["level"])
    table = table.reindex(columns=list(LEVEL_COLOURS), fill_value=0).rename_axis(index=by, columns=None)
    table["total"] = table.sum(axis=1)
    if by in ("decade", "year"):
        return table.sort_index()
    return table.sort_values(["total"], ascending=False, kind="stable")


def longest_gap(meetings: pd.DataFrame, level: str | None = None) -> tuple[pd.Series, pd.Series, float]:
    """The two consecutive meetings (at one level, or any) furthest apart, and the gap in years."""
    rows = meetings if level is None else meetings[meetings["level"] == level]
    rows = rows.sort_values("date").reset_index(drop=True)
    gaps = rows["date"].diff()
    i = int(gaps.idxmax())
    return rows.iloc[i - 1], rows.iloc[i], gaps.iloc[i].days / 365.25


def meetings_chart(meetings: pd.DataFrame, leaders: pd.DataFrame, *, current_to=None):
    """Meetings per year by level (stacked bars), with the terms of prime ministers and of Soviet and
    Russian leaders as bands underneath, read from leaders.csv."""
    current_to = pd.Timestamp(current_to or meetings["date"].max())
    table = per_year(meetings)
    start_year = int(table.index.min())
    fig, (ax, bx) = plt.subplots(2, 1, figsize=(style.MAX_WIDTH_IN, 5.6), sharex=True,
                                 gridspec_kw={"height_ratios": [3, 1.3], "hspace": 0.08})
    bottom = np.zeros(len(table))
    for level, colour in LEVEL_COLOURS.items():
        ax.bar(table.index, table[level], bottom=bottom, color=colour, width=0.8, label=LEVEL_LABELS[level])
        bottom += table[level].to_numpy()
    ax.set_ylabel("Meetings in the register")
    ax.legend(loc="upper left", frameon=False)
    ax.yaxis.get_major_locator().set_params(integer=True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    terms = history.terms(leaders, current_to)
    lanes = {"Japan: prime minister": 1, "USSR: party leader, president": 0, "Russia: president": 0}
    colours = {1: [style.OKABE_ITO["vermillion"], "#f3b48f"], 0: [style.OKABE_ITO["blue"], "#8fb8d9"]}
    for y in (0, 1):
        rows = terms[terms["lane"].map(lanes) == y].sort_values("start").reset_index(drop=True)
        for k, r in rows.iterrows():
            s = max(r["start"].year + r["start"].day_of_year / 366, start_year - 0.5)
            e = r["end"].year + r["end"].day_of_year / 366
            if e <= start_year - 0.5:
                continue
            bx.barh(y, e - s, left=s, height=0.8, color=colours[y][k % 2], edgecolor="white", linewidth=0.4)
            if e - s >= 4.5:
                bx.text((s + e) / 2, y, r["name"].split()[0] if y == 1 else r["name"].split()[-1],
                        ha="center", va="center", fontsize=7, color="white" if k % 2 == 0 else style.INK)
    bx.set_yticks([0, 1], ["USSR / Russia", "Japan (PM)"])
    bx.set_ylim(-0.6, 1.6)
    bx.set_xlim(start_year - 0.8, current_to.year + 1)
    for side in ("top", "right"):
        bx.spines[side].set_visible(False)
    bx.set_xlabel("Year")
    return fig


# ------------------------------------------------------------------------------------ documents

def excerpt_for(documents: pd.DataFrame, instruments: pd.DataFrame) -> pd.Series:
    """Each document's excerpt: its own, or else the one of its legal_instruments row."""
    inst = dict(zip(instruments["id"], instruments["excerpt"].astype("object").fillna("")))
    own = documents["excerpt"].astype("object").fillna("")
    linked = documents["instrument_id"].astype("object").map(inst).astype("object").fillna("")
    return own.where(own.str.len() > 0, linked)


def backs(feature: str, excerpt: str) -> bool:
    """Whether an excerpt contains what the feature needs."""
    if feature == "names_all_four":
        return all(any(n in excerpt for n in names) for names in ISLAND_NAMES.values())
    return any(t in excerpt for t in FEATURE_TERMS[feature])


def unbacked_flags(documents: pd.DataFrame, instruments: pd.DataFrame) -> list[tuple[str, str]]:
    """(document id, feature) for every flag set true whose excerpt does not show the feature."""
    texts = excerpt_for(documents, instruments)
    bad = []
    for (_, d), text in zip(documents.iterrows(), texts):
        for f in FEATURES:
            if d[f] is True and not backs(f, text):
                bad.append((d["id"], f))
    return bad


def matrix(documents: pd.DataFrame) -> pd.DataFrame:
    """Documents (rows, by date) x features: 1 present, 0 not in the passage read, NaN not read."""
    docs = documents.sort_values("date")
    m = docs[list(FEATURES)].astype("float")
    m.index = [n if n.startswith(str(d.year)) else f"{d.year} {n}" for d, n in zip(docs["date"], docs["short_name"])]
    return m


def matrix_chart(documents: pd.DataFrame):
    """The language matrix: one row per document in date order, one column per feature."""
    m = matrix(documents)
    fig, ax = plt.subplots(figsize=(style.MAX_WIDTH_IN, 0.34 * len(m) + 1.6))
    present, absent = style.OKABE_ITO["bluish_green"], "#F2F2F2"
    for i, (_, row) in enumerate(m.iterrows()):
        for j, v in enumerate(row):
            if np.isnan(v):
                ax.add_patch(plt.Rectangle((j - 0.45, i - 0.4), 0.9, 0.8, facecolor="white", edgecolor=style.MUTED,
                                           hatch="///", linewidth=0.5))
            else:
                ax.add_patch(plt.Rectangle((j - 0.45, i - 0.4), 0.9, 0.8, facecolor=present if v else absent,
                                           edgecolor="white"))
                if v:
                    ax.text(j, i, "✓", ha="center", va="center", color="white", fontsize=9, fontweight="bold")
    ax.set_xlim(-0.5, len(FEATURES) - 0.5)
    ax.set_ylim(len(m) - 0.5, -0.5)
    ax.set_xticks(range(len(FEATURES)), style.wrap_labels(list(FEATURES.values()), 14), fontsize=8)
    ax.xaxis.tick_top()
    ax.set_yticks(range(len(m)), m.index, fontsize=8)
    for side in ax.spines.values():
        side.set_visible(False)
    ax.tick_params(length=0)
    ax.legend(handles=[Patch(facecolor=present, label="in the text read"),
                       Patch(facecolor=absent, label="not in the passage read"),
                       Patch(facecolor="white", edgecolor=style.MUTED, hatch="///", label="text not read")],
              loc="upper center", bbox_to_anchor=(0.5, -0.02), ncol=3, frameon=False, fontsize=8)
    # the document names sit left of the grid: give them room inside the figure's width, so the saved
    # (tightly cropped) figure stays within the page column
    fig.subplots_adjust(left=0.36, right=0.99)
    return fig


# --------------------------------------------------------------------------------------- bluebook

def bluebook_changes(bluebook: pd.DataFrame) -> pd.DataFrame:
    """Editions where a phrase's use changed from the previous known edition: phrase, year, dropped/restored."""
    rows = []
    for phrase in BLUEBOOK_PHRASES:
        known = bluebook[["year", phrase]].dropna().sort_values("year")
        prev = None
        for _, r in known.iterrows():
            if prev is not None and bool(r[phrase]) != prev:
                rows.append({"phrase": phrase, "year": int(r["year"]), "change": "restored" if r[phrase] else "dropped"})
            prev = bool(r[phrase])
    return pd.DataFrame(rows, columns=["phrase", "year", "change"])


def bluebook_chart(bluebook: pd.DataFrame):
    """Which phrases each Bluebook edition used: filled (used), pale (absent), blank (not known)."""
    fig, ax = plt.subplots(figsize=(style.MAX_WIDTH_IN, 2.6))
    colour = style.OKABE_ITO["vermillion"]
    years = bluebook["year"].astype(int)
    for i, phrase in enumerate(BLUEBOOK_PHRASES):
        for y, v in zip(years, bluebook[phrase]):
            if pd.isna(v):
                continue
            ax.add_patch(plt.Rectangle((y - 0.42, i - 0.35), 0.84, 0.7, facecolor=colour if v else "#EDEDED",
                                       edgecolor="white"))
    for _, c in bluebook_changes(bluebook).iterrows():
        i = list(BLUEBOOK_PHRASES).index(c["phrase"])
        ax.annotate(c["change"], (c["year"], i - 0.38), xytext=(0, 2), textcoords="offset points",
                    ha="center", va="bottom", fontsize=7, color=style.INK)
    ax.set_xlim(years.min() - 0.6, years.max() + 0.6)
    ax.set_ylim(len(BLUEBOOK_PHRASES) - 0.5, -0.9)
    ax.set_yticks(range(len(BLUEBOOK_PHRASES)), style.wrap_labels(list(BLUEBOOK_PHRASES.values()), 24), fontsize=8)
    ax.set_xticks(range(int(years.min()), int(years.max()) + 1, 2))
    ax.set_xlabel("Edition (year)")
    for side in ax.spines.values():
        side.set_visible(False)
    ax.legend(handles=[Patch(facecolor=colour, label="used"), Patch(facecolor="#EDEDED", label="absent (as the press states)"),
                       Patch(facecolor="white", edgecolor=style.MUTED, label="not known")],
              loc="upper center", bbox_to_anchor=(0.5, -0.28), ncol=3, frameon=False, fontsize=8)
    fig.subplots_adjust(left=0.3, right=0.99)  # phrase labels inside the figure's width (see matrix_chart)
    return fig


# -------------------------------------------------------------------------------------- proposals

def proposals_table(proposals: pd.DataFrame, scenarios: pd.DataFrame) -> pd.DataFrame:
    """Proposals for the page, with the computed option (linked to the scenarios page) or why none applies."""
    names = dict(zip(scenarios["id"], scenarios["name"]))
    def option(r):
        if pd.notna(r["scenario_id"]):
            text = _a(names[r["scenario_id"]], "scenarios.html")
            return text + (f" — {r['geometry_note']}" if pd.notna(r["geometry_note"]) else "")
        return f"No map: {r['geometry_note']}"
    p = proposals.sort_values("date")
    def terms(r):
        parts = [f"<b>{html.escape(r['name'])}.</b>", f"Land: {html.escape(r['land_terms'])}.",
                 f"Sovereignty: {html.escape(r['sovereignty_terms'])}."]
        for label, col in (("Timing", "timing"), ("Conditions", "conditions")):
            if isinstance(r[col], str):
                parts.append(f"{label}: {html.escape(r[col])}.")
        return Markup(" ".join(parts))  # every data part escaped above
    return pd.DataFrame({
        "When": [history.fmt_event_date(d, pr, short=True) for d, pr in zip(p["date"], p["date_precision"])],
        "Who": p["proposer"], "The formula": [terms(r) for _, r in p.iterrows()],
        "Made; fate": [f"{a.replace('_', ' ')}; {b.replace('_', ' ')}" for a, b in zip(p["publicity"], p["status"])],
        "Computed option": [option(r) for _, r in p.iterrows()],
        "Source": [_a(t, u) for t, u in zip(p["source_title"], p["source_url"])],
    })


def documents_table(documents: pd.DataFrame) -> pd.DataFrame:
    """Documents for the page: date, name, summary, excerpt and source."""
    d = documents.sort_values("date")
    return pd.DataFrame({
        "Date": [history.fmt_event_date(x, "day", short=True) for x in d["date"]],
        "Document": d["title"], "Summary (book's words)": d["summary"],
        "Excerpt": [e if isinstance(e, str) and e else (f"see legal_instruments: {i}" if isinstance(i, str) else "—")
                    for e, i in zip(d["excerpt"], d["instrument_id"])],
        "Source": [_a(t, u) for t, u in zip(d["source_title"], d["source_url"])],
    })


# ------------------------------------------------------------------------------------ key numbers

#: The tables whose sources the chapter lists (its own tables; the others are borrowed from other chapters).
OWN_TABLES = ["meetings", "meeting_counts", "documents", "proposals", "bluebook_wording", "settlement_polls"]

#: Citation glue name -> (table, row ids, column holding the ids; None = every row of the table).
CITATIONS = {
    "cite_1956": ("documents", ["jd_1956"], "id"),
    "cite_1973": ("meetings", ["l1973_moscow", "f1975_moscow", "f1976_tokyo", "f1984_moscow", "f1986_moscow",
                               "f1972_moscow"], "id"),
    "cite_1991": ("documents", ["communique_1991", "tokyo_1993"], "id"),
    "cite_1997": ("meetings", ["l1997_krasnoyarsk", "l1998_kawana", "l2000_tokyo"], "id"),
    "cite_kawana": ("proposals", ["kawana_1998", "putin_friendship_treaty_2000"], "id"),
    "cite_2001": ("proposals", ["irkutsk_parallel_2001"], "id"),
    "cite_irkutsk": ("documents", ["irkutsk_2001", "statement_2000"], "id"),
    "cite_2005": ("meetings", ["l2005_tokyo", "l2006_hanoi", "l2009_italy"], "id"),
    "cite_aso": ("proposals", ["aso_equal_area_2006"], "id"),
    "cite_abe": ("meetings", ["l2013_moscow", "l2016_nagato", "l2018_singapore", "l2019_vladivostok"], "id"),
    "cite_counts": ("meeting_counts", None, "id"),
    "cite_bluebook": ("bluebook_wording", None, "source_url"),
    "cite_residents": ("settlement_polls", ["vciom_2019_02_russia"], "id"),
    "cite_nikkei": ("settlement_polls", ["nikkei_2018_11_two_first"], "id"),
}


def citation_rows(t: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """The rows behind each cited passage, by citation glue name (for ``text.glue_citations``)."""
    out = {}
    for name, (table, ids, column) in CITATIONS.items():
        frame = t[table]
        out[name] = frame if ids is None else frame[frame[column].isin(ids)]
    return out


def key_numbers(t: dict[str, pd.DataFrame]) -> dict:
    """Every number and date the chapter states, computed from the tables, and the page's currency line."""
    from kurils import text

    return {"current_to": text.data_current_to(*(t[n] for n in OWN_TABLES)), **_numbers(t), **_exercise_numbers(t)}


def _exercise_numbers(t: dict[str, pd.DataFrame]) -> dict:
    """What the exercises' solutions state: meetings in person by host country (the USSR or Russia, Japan,
    a third country), meetings by decade, and the answers to MOFA's commissioned Russian poll of 2019."""
    meetings, leaders = t["meetings"], t["leaders"]
    host = meetings_by(meetings, leaders, by="host_country", in_person=True)["total"]
    decade = meetings_by(meetings, leaders)["total"]
    mofa = poll_answers(t["settlement_polls"], t["polls"], question="mofa_ru_belonging").set_index("answer")["share_pct"]
    return {
        "host_moscow_side": int(host.reindex(["SU", "RU"], fill_value=0).sum()), "host_japan": int(host.get("JP", 0)),
        "host_third": int(host.drop(["SU", "RU", "JP", "not recorded"], errors="ignore").sum()),
        "busiest_decade": decade.idxmax(), "busiest_decade_n": int(decade.max()),
        "mofa_ru_agree": float(mofa["should be agreed between the two countries"]),
        "mofa_ru_russia": float(mofa["belong to Russia and always will"]),
        "mofa_ru_japan": float(mofa["belong to Japan"]),
    }


def _numbers(t: dict[str, pd.DataFrame]) -> dict:
    meetings, leaders = t["meetings"], t["leaders"]
    lead = meetings[meetings["level"] == "leaders"]
    fm = meetings[meetings["level"] == "foreign_ministers"]
    pairs = pair_counts(meetings, leaders)
    abe_putin = pairs[(pairs["japan_person"] == "Abe Shinzō") & (pairs["russia_person"] == "Vladimir Putin")]
    check = count_check(meetings, t["meeting_counts"], leaders)
    last_check = check.iloc[-1]
    lead_9122 = lead[(lead["date"] >= "1991-01-01") & (lead["date"] < "2023-01-01")]
    gap_a, gap_b, gap_years = longest_gap(meetings)
    lgap_a, lgap_b, lgap_years = longest_gap(lead)
    docs = t["documents"]
    coded = docs[docs["coverage"] != "not_read"]
    props = t["proposals"]
    bb = t["bluebook_wording"]
    changes = bluebook_changes(bb)
    res = t["settlement_polls"]
    residents = res[res["poll_id"] == "vciom_residents_2019"]
    nikkei = res[res["poll_id"] == "nikkei_2018_11"].set_index("id")["share_pct"]
    polls = t["polls"]
    levada = polls[(polls["question_id"] == "levada_transfer") & (polls["answer_en"] == "rather oppose a handover")]
    vciom = polls[(polls["question_id"] == "vciom_transfer") & (polls["answer_en"] == "oppose a handover")]
    return {
        "n_meetings": len(meetings), "n_leaders": len(lead), "n_fm": len(fm),
        "n_leaders_9122": len(lead_9122),
        "n_leaders_day": int((lead["date_precision"] == "day").sum()),
        "n_abe_putin": int(abe_putin["meetings"].iloc[0]) if len(abe_putin) else 0,
        "check_stated": int(last_check["stated"]), "check_register": int(last_check["register"]),
        "check_missing": int(last_check["missing"]), "check_date": last_check["date"],
        "n_count_checks": len(check), "max_missing": int(check["missing"].max()),
        "check_first": int(check["stated"].min()),
        "n_calls": int(lead["format"].isin(REMOTE).sum()),
        "first_meeting": meetings["date"].min(), "last_leaders": lead["date"].max(),
        "gap_years": gap_years, "gap_from": gap_a["date"], "gap_to": gap_b["date"],
        "lgap_years": lgap_years, "lgap_from": lgap_a["date"], "lgap_to": lgap_b["date"],
        "n_fm_1973_1991": int(((fm["date"] > "1973-10-10") & (fm["date"] < "1991-04-16")).sum()),
        "n_documents": len(docs), "n_coded": len(coded),
        "n_names_four": int((docs["names_all_four"] == True).sum()),  # noqa: E712 (nullable booleans)
        "n_refers_1956": int((docs["refers_1956"] == True).sum()),  # noqa: E712
        "n_proposals": len(props), "n_proposals_map": int(props["scenario_id"].notna().sum()),
        "n_proposals_rejected": int((props["status"] == "rejected").sum()),
        "n_bluebook_years": len(bb), "n_bluebook_changes": len(changes),
        "illegal_restored": int(changes[(changes["phrase"] == "illegally_occupied") & (changes["change"] == "restored")]["year"].max()),
        "residents_russia": float(residents.loc[residents["id"] == "vciom_2019_02_russia", "share_pct"].iloc[0]),
        "residents_n": int(residents["sample_size"].iloc[0]),
        "nikkei_two_first": float(nikkei["nikkei_2018_11_two_first"]),
        "nikkei_four": float(nikkei["nikkei_2018_11_four"]),
        "nikkei_two_only": float(nikkei["nikkei_2018_11_two_only"]),
        "levada_oppose_2018": float(levada.loc[levada["fieldwork_date"] == levada["fieldwork_date"].max(), "share_pct"].iloc[0]),
        "vciom_oppose_2018": float(vciom["share_pct"].iloc[0]),
    }


# ------------------------------------------------------------------------------------------ polls

def poll_questions(settlement_polls: pd.DataFrame, polls: pd.DataFrame) -> pd.DataFrame:
    """Every poll question in the data that :func:`poll_answers` can show: its id, pollster, who was
    asked, the fieldwork dates and the question (the English rendering where the table has one)."""
    rows = []
    for pid, g in settlement_polls.groupby("poll_id", sort=False):
        r = g.iloc[0]
        rows.append({"question": pid, "pollster": r["pollster"], "asked": r["population"],
                     "fieldwork": ", ".join(sorted({f"{r['fieldwork_start']:%Y-%m}"})), "wording": r["question"]})
    for qid, g in polls.groupby("question_id", sort=False):
        r = g.iloc[0]
        rows.append({"question": qid, "pollster": r["pollster"], "asked": {"JP": "Japan", "RU": "Russia"}.get(r["country"], r["country"]),
                     "fieldwork": ", ".join(sorted({f"{d:%Y-%m}" for d in g["fieldwork_date"]})), "wording": r["question_en"]})
    return pd.DataFrame(rows).set_index("question")


def poll_answers(settlement_polls: pd.DataFrame, polls: pd.DataFrame, *, question: str = "nikkei_2018_11",
                 fieldwork=None) -> pd.DataFrame:
    """The answers to one poll question, largest share first.

    ``question`` is a ``poll_id`` of settlement_polls.csv or a ``question_id`` of polls.csv (see
    :func:`poll_questions`). A polls.csv question asked more than once shows its latest fieldwork unless
    ``fieldwork`` names a date. The shares are those the source reports; answers not reported are missing.
    """
    if question in set(settlement_polls["poll_id"]):
        g = settlement_polls[settlement_polls["poll_id"] == question]
        out = pd.DataFrame({"answer": g["answer"], "share_pct": g["share_pct"].astype(float),
                            "fieldwork": g["fieldwork_end"].dt.date, "sample": g["sample_size"],
                            "source": g["source_title"]})
    elif question in set(polls["question_id"]):
        g = polls[polls["question_id"] == question]
        when = pd.Timestamp(fieldwork) if fieldwork is not None else g["fieldwork_date"].max()
        g = g[g["fieldwork_date"] == when].drop_duplicates("answer_en")
        if g.empty:
            raise KeyError(f"{question!r} was not asked on {when:%Y-%m-%d}")
        out = pd.DataFrame({"answer": g["answer_en"], "share_pct": g["share_pct"].astype(float),
                            "fieldwork": g["fieldwork_date"].dt.date, "sample": g["sample_size"],
                            "source": g["source_title"]})
    else:
        raise KeyError(f"no poll question {question!r}; see poll_questions()")
    return out.sort_values("share_pct", ascending=False).reset_index(drop=True)


def opinion_rows(settlement_polls: pd.DataFrame, polls: pd.DataFrame) -> pd.DataFrame:
    """One bar per answer for the chapter's opinion chart: Japan (Nikkei, November 2018), Russia's
    national polls on a handover (latest Levada and VCIOM rows in polls.csv), the islands' residents (VCIOM 2019)."""
    rows = []
    nk = settlement_polls[settlement_polls["poll_id"] == "nikkei_2018_11"]
    for _, r in nk.iterrows():
        rows.append({"group": "Japan: how to settle (Nikkei, Nov 2018)", "answer": r["answer"].split("(")[-1].rstrip(")"),
                     "share": r["share_pct"]})
    for qid, label in (("levada_transfer", "Russia: hand islands over? (Levada, Nov 2018)"),
                       ("vciom_transfer", "Russia: hand islands over? (VCIOM, Nov 2018)")):
        q = polls[polls["question_id"] == qid]
        q = q[q["fieldwork_date"] == q["fieldwork_date"].max()].drop_duplicates("answer_en")
        for _, r in q.iterrows():
            rows.append({"group": label, "answer": r["answer_en"], "share": r["share_pct"]})
    res = settlement_polls[settlement_polls["poll_id"] == "vciom_residents_2019"]
    for _, r in res.iterrows():
        rows.append({"group": "Islands' residents (VCIOM, Feb 2019)", "answer": r["answer"].split("(")[-1].rstrip(")"),
                     "share": r["share_pct"]})
    return pd.DataFrame(rows)


def opinion_chart(settlement_polls: pd.DataFrame, polls: pd.DataFrame):
    """Horizontal bars, one panel per poll, so that answers are never compared across different questions."""
    rows = opinion_rows(settlement_polls, polls)
    groups = list(dict.fromkeys(rows["group"]))
    fig, axes = plt.subplots(len(groups), 1, figsize=(style.MAX_WIDTH_IN, 1.05 * len(rows) / 2 + 1.2), sharex=True,
                             gridspec_kw={"height_ratios": [len(rows[rows["group"] == g]) for g in groups]})
    for ax, g, colour in zip(axes, groups, style.PALETTE):
        sub = rows[rows["group"] == g]
        ax.barh(range(len(sub)), sub["share"], color=colour)
        ax.set_yticks(range(len(sub)), style.wrap_labels(list(sub["answer"]), 34), fontsize=8)
        ax.invert_yaxis()
        for i, v in enumerate(sub["share"]):
            ax.text(v + 1, i, f"{v:.0f}%", va="center", fontsize=8)
        ax.set_title(g, loc="left", fontsize=9)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
    axes[-1].set_xlim(0, 105)
    axes[-1].set_xlabel("Share of respondents (%)")
    fig.subplots_adjust(left=0.33, right=0.97)  # answer labels inside the figure's width (see matrix_chart)
    return fig
