"""The claims ledger: the opinion essay the book grew out of, checked claim by claim against the data.

``data/claims.csv`` holds one row per claim of the essay *Japan's Policy on the Russian Federation*
(c. 2021–22), paraphrased in the book's own words, with its kind (fact, attribution, opinion,
forecast), a verdict, a finding and the evidence behind it.

**Findings are templates.** Every number and date in a finding is a placeholder — ``{share_of_four:.1f}``,
``{talks_halted}`` — that :func:`render_findings` fills from :func:`numbers`, which computes each value
from the chapters' tables. No digit is typed in a finding (:func:`problems` checks it), so a corrected
CSV changes the ledger on the next build. Two placeholders come from the claim's own row:
``{claimed}`` (the number the essay states, ``claimed_value``) and ``{source_date}``.

**Evidence references** are separated by semicolons:

* ``table:key`` — rows of a data table. ``key`` is the row's ``id``; for a table keyed on several
  columns it is the leading primary-key values joined with ``/`` (``island_facts:habomai/area_km2``).
  It resolves when at least one row matches.
* ``doc:label`` — a chapter by its MyST label (``doc:legal``).
* ``fig:name`` — a figure by its name (``fig:fig-legal-penalties``).

**Verdicts** for claims with a checkable number or date are recomputed from the data by the rules
in :data:`RULES`; the verdict stored in the CSV must agree with them. Other verdicts are cited: the
finding and the evidence say why.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from markupsafe import Markup

from kurils import data, style
from kurils.paths import book_root
from kurils.text import fmt_date

KINDS = ("fact", "attribution", "opinion", "forecast")
#: Verdicts in the order the page and the chart show them.
VERDICTS = ("accurate", "partly_accurate", "inaccurate", "unverifiable", "opinion", "outdated")
VERDICT_LABELS = {"accurate": "Accurate", "partly_accurate": "Partly accurate", "inaccurate": "Inaccurate",
                  "unverifiable": "Unverifiable", "opinion": "Opinion", "outdated": "Outdated"}
#: Okabe–Ito colours (neutral grey for "unverifiable"); black text on each passes WCAG AA (4.5:1).
VERDICT_COLOURS = {
    "accurate": style.OKABE_ITO["bluish_green"],
    "partly_accurate": style.OKABE_ITO["orange"],
    "inaccurate": style.OKABE_ITO["vermillion"],
    "unverifiable": style.ROLE_COLOURS["neutral"],
    "opinion": style.OKABE_ITO["sky_blue"],
    "outdated": style.OKABE_ITO["reddish_purple"],
}
BADGE_TEXT = "#000000"
#: What each verdict means, in the words the page uses.
VERDICT_MEANINGS = {
    "accurate": "The data or a cited source confirm the claim as stated.",
    "partly_accurate": "The core of the claim holds, but it overstates, leaves out a condition that matters, or only "
                       "part of it is supported.",
    "inaccurate": "The data contradict the claim.",
    "unverifiable": "No source read for the book settles the claim either way.",
    "opinion": "A judgement or interpretation. Evidence can inform it but not settle it, so the ledger lists the "
               "evidence for and against instead of a verdict.",
    "outdated": "Accurate when the essay was written, overtaken by events since.",
}
KIND_LABELS = {"fact": "fact", "attribution": "attribution", "opinion": "opinion", "forecast": "forecast"}

#: Tables the findings draw their numbers from (evidence may reference others too).
NUMBER_TABLES = ("island_facts", "region_facts", "penalties", "legal_instruments", "legal_positions", "timeline",
                 "leaders", "sanctions", "cooperation", "precedents", "population", "military_sites", "straits",
                 "analogy")
#: A stated share counts as "about" the computed one when within this fraction of it.
ABOUT_TOLERANCE = 0.2
#: Note prefix of a claim whose source was read for the ledger itself (not a row of another table).
OWN_SOURCE = "Source found for the ledger"
#: Where the stated exception of the constitutional clause shows in its Russian text.
BORDER_EXCEPTION = "делимитац"

_PLACEHOLDER = re.compile(r"\{[^{}]*\}")


# --------------------------------------------------------------------------------------------------
# Loading and references
# --------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Ref:
    """One evidence reference: ``kind`` is table, doc or fig; ``key`` is empty for doc and fig."""

    kind: str
    target: str
    key: str
    raw: str


def parse_evidence(text) -> list[Ref]:
    """Split an ``evidence`` cell into references; raise ValueError on a malformed one."""
    refs = []
    if text is None or (not isinstance(text, str) and pd.isna(text)):
        return refs
    for raw in (part.strip() for part in str(text).split(";")):
        if not raw:
            continue
        prefix, sep, rest = raw.partition(":")
        if not sep or not rest:
            raise ValueError(f"evidence reference {raw!r} is not of the form table:key, doc:label or fig:name")
        if prefix in ("doc", "fig"):
            refs.append(Ref(prefix, rest, "", raw))
        else:
            refs.append(Ref("table", prefix, rest, raw))
    return refs


def referenced_tables(claims: pd.DataFrame) -> list[str]:
    """Names of the tables the ledger's evidence refers to, in first-use order."""
    seen: dict[str, None] = {}
    for text in claims["evidence"]:
        for ref in parse_evidence(text):
            if ref.kind == "table":
                seen.setdefault(ref.target)
    return list(seen)


def load_tables(root: Path | None = None) -> dict[str, pd.DataFrame]:
    """The ledger and every table it needs (for numbers or evidence), validated, from ``root`` (data/)."""
    claims = data.load("claims", root)
    names = list(dict.fromkeys([*NUMBER_TABLES, *referenced_tables(claims)]))
    known = set(data.table_names(root))
    tables = {"claims": claims}
    tables.update({name: data.load(name, root) for name in names if name in known})
    return tables


@dataclass
class BookIndex:
    """What the chapters define: labels, figure names, titles, and which tables each chapter loads."""

    labels: dict[str, str] = field(default_factory=dict)     # label -> page stem
    figures: dict[str, str] = field(default_factory=dict)    # figure name -> page stem
    titles: dict[str, str] = field(default_factory=dict)     # page stem -> first heading
    loads: dict[str, list[str]] = field(default_factory=dict)  # table -> page stems, in book order


def _module_tables(text: str, alias: str) -> tuple[str, ...]:
    """The ``TABLES`` of the kurils module a page imports under ``alias`` (``okhotsk as ok``, ``history``)."""
    import importlib

    for line in re.findall(r"^from kurils import (.+)$", text, flags=re.M):
        for item in line.split(","):
            parts = item.split(" as ")
            name, short = parts[0].strip(), parts[-1].strip()
            if short == alias:
                return tuple(getattr(importlib.import_module(f"kurils.{name}"), "TABLES", ()))
    return ()


def book_index(book_dir: Path | None = None, *, exclude: tuple[str, ...] = ("claims",)) -> BookIndex:
    """Scan ``book/*.md`` for labels ``(label)=``, figure ``name:``s, titles and ``data.load("table")`` calls.

    Pages are ordered as in ``_toc.yml`` (others after, by name); ``exclude`` leaves out pages, by
    default this one, so that evidence points to the chapters that hold it.
    """
    book_dir = book_dir or book_root() / "book"
    toc = book_dir.parent / "_toc.yml"
    order = re.findall(r"file:\s*book/([\w-]+)", toc.read_text(encoding="utf-8")) if toc.is_file() else []
    pages = sorted(book_dir.glob("*.md"), key=lambda p: (order.index(p.stem) if p.stem in order else len(order), p.stem))
    index = BookIndex()
    for page in pages:
        if page.stem in exclude:
            continue
        text = page.read_text(encoding="utf-8")
        for label in re.findall(r"^\(([\w-]+)\)=\s*$", text, flags=re.M):
            index.labels[label] = page.stem
        for name in re.findall(r"^\s+name:\s*(fig-[\w-]+)\s*$", text, flags=re.M):
            index.figures[name] = page.stem
        title = re.search(r"^# (.+)$", text, flags=re.M)
        index.titles[page.stem] = title.group(1).strip() if title else page.stem
        for table in re.findall(r"""data\.load\(\s*["'](\w+)["']""", text):
            index.loads.setdefault(table, [])
            if page.stem not in index.loads[table]:
                index.loads[table].append(page.stem)
        # a chapter that loads a list of tables by name: {name: data.load(name) for name in names},
        # the list named (names = [...]) or written in place (for name in [...])
        listed_names = []
        for var in re.findall(r"data\.load\((\w+)\)\s+for\s+\1\s+in\s+(\w+)", text):
            listed = re.search(rf"^{var[1]}\s*=\s*\[([^\]]*)\]", text, flags=re.M)
            listed_names += re.findall(r"""["'](\w+)["']""", listed.group(1)) if listed else []
        for _, inline in re.findall(r"data\.load\((\w+)\)\s+for\s+\1\s+in\s+\[([^\]]*)\]", text):
            listed_names += re.findall(r"""["'](\w+)["']""", inline)
        # or the list a chapter module declares: for name in ok.TABLES (module imported from kurils)
        for _, alias in re.findall(r"data\.load\((\w+)\)\s+for\s+\1\s+in\s+(\w+)\.TABLES\b", text):
            listed_names += list(_module_tables(text, alias))
        for table in listed_names:
            index.loads.setdefault(table, [])
            if page.stem not in index.loads[table]:
                index.loads[table].append(page.stem)
    return index


def _key_columns(name: str, root: Path | None = None) -> list[str]:
    return list(data.resource_descriptor(name, root)["schema"]["primaryKey"])


def _as_key(value) -> str:
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d")
    return str(value)


def matching_rows(ref: Ref, tables: dict[str, pd.DataFrame], root: Path | None = None) -> pd.DataFrame:
    """Rows of ``ref``'s table whose leading primary-key values equal the reference's key parts."""
    frame = tables[ref.target]
    columns = _key_columns(ref.target, root)
    parts = ref.key.split("/")
    if len(parts) > len(columns):
        return frame.iloc[0:0]
    mask = pd.Series(True, index=frame.index)
    for column, part in zip(columns, parts):
        mask &= frame[column].map(_as_key) == part
    return frame[mask]


def unresolved(claims: pd.DataFrame, tables: dict[str, pd.DataFrame], index: BookIndex,
               root: Path | None = None) -> list[str]:
    """Every evidence reference that does not resolve, as 'claim id: reference (why)'."""
    out = []
    for cid, text in zip(claims["id"], claims["evidence"]):
        try:
            refs = parse_evidence(text)
        except ValueError as exc:
            out.append(f"{cid}: {exc}")
            continue
        for ref in refs:
            if ref.kind == "doc" and ref.target not in index.labels:
                out.append(f"{cid}: {ref.raw} (no page has the label)")
            elif ref.kind == "fig" and ref.target not in index.figures:
                out.append(f"{cid}: {ref.raw} (no figure has the name)")
            elif ref.kind == "table":
                if ref.target not in tables:
                    out.append(f"{cid}: {ref.raw} (no such table)")
                elif matching_rows(ref, tables, root).empty:
                    out.append(f"{cid}: {ref.raw} (no matching row)")
    return out


def evidence_rows(claims: pd.DataFrame, tables: dict[str, pd.DataFrame], root: Path | None = None) -> dict[str, pd.DataFrame]:
    """The rows the ledger cites, per table (for the page's source list)."""
    out: dict[str, list[pd.DataFrame]] = {}
    for text in claims["evidence"]:
        for ref in parse_evidence(text):
            if ref.kind == "table":
                out.setdefault(ref.target, []).append(matching_rows(ref, tables, root))
    return {name: pd.concat(frames).drop_duplicates() for name, frames in out.items()}


# --------------------------------------------------------------------------------------------------
# Numbers for the findings
# --------------------------------------------------------------------------------------------------

def _row(frame: pd.DataFrame, row_id: str, column: str = "id") -> pd.Series:
    rows = frame[frame[column] == row_id]
    if len(rows) != 1:
        raise LookupError(f"{len(rows)} rows with {column} = {row_id!r} (need exactly one)")
    return rows.iloc[0]


def _date(frame: pd.DataFrame, row_id: str, column: str = "date", precision_column: str | None = "date_precision") -> str:
    row = _row(frame, row_id)
    precision = row[precision_column] if precision_column and precision_column in row and pd.notna(row[precision_column]) else "day"
    return fmt_date(row[column], precision)


def official_area(facts: pd.DataFrame, island_id: str) -> float:
    """Japan's official area of an island (MOFA's table of the 2020 survey), in km²."""
    rows = facts[(facts["island_id"] == island_id) & (facts["metric"] == "area_km2")
                 & facts["source_url"].str.contains("mofa.go.jp", regex=False)]
    if len(rows) != 1:
        raise LookupError(f"{len(rows)} MOFA area rows for {island_id!r}")
    return float(rows["value"].iloc[0])


def area_shares(facts: pd.DataFrame, region_facts: pd.DataFrame) -> dict:
    """Habomai + Shikotan as a share of the four islands and of the whole Kuril chain.

    The four islands' areas are Japan's official figures (MOFA). The chain's total comes from
    ``region_facts`` rows with subject 'Kuril Islands' and metric 'land_area'; sources disagree, so
    the share is given for every sourced total (``chain_shares``, by row id) and as a range.
    """
    habomai, shikotan = official_area(facts, "habomai"), official_area(facts, "shikotan")
    four = official_area(facts, "northern_territories")
    two = habomai + shikotan
    chain = region_facts[(region_facts["subject"] == "Kuril Islands") & (region_facts["metric"] == "land_area")]
    if chain.empty:
        raise LookupError("no sourced total land area of the Kuril Islands in region_facts")
    totals = {rid: float(v) for rid, v in zip(chain["id"], chain["value"])}
    shares = {rid: 100 * two / total for rid, total in totals.items()}
    return {
        "habomai_km2": habomai, "shikotan_km2": shikotan, "two_km2": two, "four_km2": four,
        "share_of_four": 100 * two / four,
        "chain_totals": totals, "chain_shares": shares,
        "chain_low_km2": min(totals.values()), "chain_high_km2": max(totals.values()),
        "share_of_chain_low": min(shares.values()), "share_of_chain_high": max(shares.values()),
    }


def strait_access(straits: pd.DataFrame, islands_changing: tuple[str, ...] = ("kunashiri", "etorofu")) -> dict:
    """Exits from the Sea of Okhotsk to the Pacific bordered by the given islands, and the effect of a transfer.

    Uses the okhotsk chapter's rule (:mod:`kurils.okhotsk`): a strait with Russian land on both
    shores is Russian-controlled; an exit is deep when its whole route is deeper than 1,000 m.
    """
    from kurils import okhotsk

    summary = okhotsk.strait_summary(straits)
    exits = okhotsk.pacific_exits(summary)
    deep = exits & (summary["exit_depth_class"] == "deep")
    bordered = summary["side_a"].isin(islands_changing) | summary["side_b"].isin(islands_changing)
    control = okhotsk.control_by_scenario(summary, {"now": (), "after": islands_changing})
    counts = okhotsk.scenario_counts(summary, control)
    names = [okhotsk.STRAIT_LABELS.get(s, summary.at[s, "name_en"]) for s in summary.index[deep & bordered]]
    return {
        "n_exits": int(exits.sum()), "n_bordered": int((exits & bordered).sum()),
        "n_deep": int(deep.sum()), "n_deep_bordered": int((deep & bordered).sum()),
        "deep_bordered_names": okhotsk.join_and(names),
        "russian_now": counts["now"]["russian"], "russian_after": counts["after"]["russian"],
        "deep_now": counts["now"]["russian_deep"], "deep_after": counts["after"]["russian_deep"],
    }


def numbers(tables: dict[str, pd.DataFrame]) -> dict:
    """Every value the findings use, computed from the tables: numbers as numbers, dates as phrases."""
    from kurils import economy, history, legal

    t = tables
    tl, pos, inst, pen = t["timeline"], t["legal_positions"], t["legal_instruments"], t["penalties"]
    coop, sanc, prec, sites = t["cooperation"], t["sanctions"], t["precedents"], t["military_sites"]
    v: dict = {}

    # talks
    halt = _row(tl, "russia_ends_talks_2022")["date"]
    summits = tl.loc[tl["category"] == "summit", "date"]
    v["talks_halted"] = _date(tl, "russia_ends_talks_2022")
    v["talks_halt_exists"] = True
    v["summits_after_halt"] = int((summits > halt).sum())
    v["last_summit"] = fmt_date(summits.max())
    v["no_plans_date"] = _date(pos, "russia_zakharova_2024")
    v["eight_point_date"] = _date(coop, "eight_point_plan_proposed")
    v["pilot_n"] = float(_row(coop, "pilot_tour_held")["value"])
    v["coop_withdrawn"] = _date(coop, "joint_econ_russia_withdraws")
    v["lavrov_recognition_date"] = _date(pos, "russia_lavrov_2019_recognition")
    v["lavrov_date"] = _date(pos, "russia_lavrov_2019_not_discussed")
    v["peskov_date"] = _date(pos, "russia_peskov_2018")
    v["zakharova_2021_date"] = _date(pos, "russia_zakharova_2021")
    v["irkutsk_date"] = _date(pos, "russia_putin_2001_art9")
    # the negotiations chapter's proposals and the perspectives' statements (issue 14)
    if "proposals" in t:
        v["friendship_treaty_date"] = _date(t["proposals"], "putin_friendship_treaty_2000")
        v["no_preconditions_date"] = _date(t["proposals"], "putin_no_preconditions_2018")
        v["no_bases_date"] = _date(t["proposals"], "abe_no_bases_2018")
    if "positions" in t:
        v["putin_joint_date"] = _date(t["positions"], "moscow_putin_2016_joint_activity")

    # constitution and penalties
    art67 = legal.instrument(inst, "ru_constitution_art67_2_1_ru")
    v["art67_in_force"] = fmt_date(art67["date_in_force"])
    v["art67_year"] = int(art67["date_in_force"].year)
    v["art67_has_exception"] = BORDER_EXCEPTION in str(art67["excerpt"])
    act = legal.penalty(pen, "uk_280_2_prison")
    v["act_min"], v["act_max"] = float(act["min_value"]), float(act["max_value"])
    for name, pid in [("call_fine", "koap_20_3_2_p1_citizen"), ("media_fine", "koap_20_3_2_p2_citizen")]:
        row = legal.penalty(pen, pid)
        v[f"{name}_min"], v[f"{name}_max"] = float(row["min_value"]), float(row["max_value"])
    v["repeat_prison_max"] = float(legal.penalty(pen, "uk_280_1_2020_prison")["max_value"])
    current = legal.current_penalties(pen)
    speech = current[current["stage"].isin(["first_call", "repeat_call", "call"])]
    v["speech_prison_max"] = float(speech.loc[speech["penalty_kind"] == "imprisonment", "max_value"].max())
    v["first_call_penalised"] = bool((current["stage"] == "first_call").any())
    v["repeat_call_penalised"] = bool((current["stage"] == "repeat_call").any())
    v["koap_in_force"] = fmt_date(legal.instrument(inst, "ru_koap_art20_3_2")["date_in_force"])

    # 1956 and 1960
    decl = legal.instrument(inst, "jp_ussr_joint_declaration_1956_art9")
    v["decl_signed"], v["decl_in_force"] = fmt_date(decl["date_signed"]), fmt_date(decl["date_in_force"])
    v["decl_year"], v["decl_status"] = int(decl["date_signed"].year), str(decl["status"])
    v["memo_1960"] = fmt_date(legal.instrument(inst, "soviet_memorandum_1960_01_27")["date_signed"])

    # areas
    shares = area_shares(t["island_facts"], t["region_facts"])
    v.update({k: val for k, val in shares.items() if not isinstance(val, dict)})
    v["chain_shares"], v["chain_totals"] = shares["chain_shares"], shares["chain_totals"]

    # 1991
    ussr = _row(tl, "ussr_dissolved_1991")
    v["ussr_end"], v["ussr_year"] = _date(tl, "ussr_dissolved_1991"), int(ussr["date"].year)

    # precedents
    for key, pid in [("cn_2004", "cn_ru_2004_supplementary_total"), ("no_2010", "no_ru_2010_barents")]:
        row = _row(prec, pid)
        v[f"{key}_signed"] = fmt_date(row["date_signed"])
        v[f"{key}_km2"] = float(row["area_in_dispute_km2"])

    # the people and the stakes
    people = history.people_numbers(t["population"], t["island_facts"])
    v["alive"], v["alive_date"] = people["alive_last"], fmt_date(people["alive_last_date"], people["alive_last_precision"])
    v["residents_1945"] = people["residents_1945"]
    nt45 = t["island_facts"]
    nt45 = nt45[(nt45["island_id"] == "northern_territories") & (nt45["metric"] == "population_1945")]
    v["pop_1945_date"] = fmt_date(nt45["as_of"].iloc[0], nt45["as_of_precision"].iloc[0])
    v["takaichi_graves_date"] = _date(tl, "takaichi_grave_visits_2025")
    v["fishing_date"] = _date(tl, "fishing_agreement_1998")
    bastion = _row(sites, "iturup_bastion")
    v["missiles_since"] = fmt_date(bastion["since"], bastion["since_precision"])

    # sanctions, the US and China
    v["jp_sanctions_2022"] = _date(sanc, "jp_2022_02_first_package")
    v["sochi_date"] = _date(tl, "sochi_2016")
    v["nagato_date"] = _date(tl, "nagato_2016")
    v["bessent_date"] = _date(sanc, "us_2025_10_energy_pressure")

    # submarines and straits
    rf = t["region_facts"]
    jmod = _row(rf, "far_east_delta3_2021_jmod")
    v["jmod_year"] = fmt_date(jmod["as_of"], "year")
    v["delta3"] = float(jmod["value"])
    v["borei"] = float(_row(rf, "far_east_borei_2021_jmod")["value"])
    v["nevskiy_date"] = _date(rf, "borei_nevskiy_arrival", "as_of", "as_of_precision")
    v.update(strait_access(t["straits"]))

    # France and Germany
    ms = economy.milestones(t["analogy"]).set_index("indicator")
    fg = ms[ms["pair"] == "france_germany"]
    v["ecsc_years"] = float(fg.at["ecsc_treaty_signed", "years_since_war"])
    v["nato_date"] = fmt_date(fg.at["frg_joins_nato", "date"], fg.at["frg_joins_nato", "date_precision"])
    v["saar_against"] = economy.indicator(t["analogy"], "france_germany", "saar_statute_against_pct", 1955)

    # Kishida's term
    kishida = _row(t["leaders"], "jp_kishida_fumio")
    start, end = kishida["start"], kishida["end"]
    v["kishida_start"], v["kishida_end"] = fmt_date(start), fmt_date(end)
    v["n_summits_kishida"] = int(summits.between(start, end, inclusive="left").sum())
    v["halt_in_kishida"] = bool(start <= halt < end)
    in_term = sanc["date"].between(start, end, inclusive="left")
    v["n_jp_measures"] = int((in_term & (sanc["imposed_by"] == "JP")).sum())
    v["n_ru_measures"] = int((in_term & (sanc["imposed_by"] == "RU")).sum())
    v["kishida_entry_ban"] = _date(sanc, "ru_2022_05_entry_ban_63")
    return v


# --------------------------------------------------------------------------------------------------
# Computed verdicts
# --------------------------------------------------------------------------------------------------

def about(stated: float, computed: float, tolerance: float = ABOUT_TOLERANCE) -> bool:
    """Whether a stated 'about' figure is within ``tolerance`` (a fraction) of the computed value."""
    return abs(stated - computed) <= tolerance * abs(computed)


def _area_verdict(v: dict, claimed: float) -> str:
    chain = [about(claimed, share) for share in v["chain_shares"].values()]
    if all(chain):
        return "accurate"
    if any(chain) or about(claimed, v["share_of_four"]):
        return "partly_accurate"
    return "inaccurate"


def _access_verdict(v: dict, claimed) -> str:
    if v["n_bordered"] == v["n_exits"]:
        return "accurate"
    return "partly_accurate" if v["n_bordered"] > 0 else "inaccurate"


def _kishida_verdict(v: dict, claimed) -> str:
    if v["n_summits_kishida"] > 0:
        return "inaccurate"  # talks went on: no lull
    return "partly_accurate" if v["halt_in_kishida"] else "accurate"  # a break is more than a lull


def _year_verdict(key: str, extra: str | None = None):
    def rule(v: dict, claimed) -> str:
        ok = claimed is not None and int(claimed) == v[key] and (extra is None or v[extra])
        return "accurate" if ok else "inaccurate"
    return rule


#: Claims whose verdict is computed from the data: id -> rule(values, claimed_value) -> verdict.
RULES = {
    "talks_dying": lambda v, c: "accurate" if v["talks_halt_exists"] and v["summits_after_halt"] == 0 else "inaccurate",
    "constitution_bans_concession": lambda v, c: ("inaccurate" if c is None or int(c) != v["art67_year"]
                                                  else "partly_accurate" if v["art67_has_exception"] else "accurate"),
    "ten_years_for_supporters": lambda v, c: "accurate" if c is not None and c <= v["speech_prison_max"] else "inaccurate",
    "law_bans_public_calls": lambda v, c: ("accurate" if v["first_call_penalised"] and v["repeat_call_penalised"]
                                           else "partly_accurate" if v["first_call_penalised"] or v["repeat_call_penalised"]
                                           else "inaccurate"),
    "joint_declaration_two_islands": lambda v, c: ("accurate" if c is not None and int(c) == v["decl_year"]
                                                   and v["decl_status"] == "in_force" else "inaccurate"),
    "two_islands_five_percent": lambda v, c: _area_verdict(v, float(c)),
    "ussr_collapsed_1991": _year_verdict("ussr_year"),
    "kunashir_iturup_control_access": _access_verdict,
    "kishida_lull": _kishida_verdict,
}


def _claimed(value):
    return None if value is None or pd.isna(value) else float(value)


def computed_verdicts(claims: pd.DataFrame, values: dict) -> dict[str, str]:
    """Verdicts recomputed from the data, for every claim that has a rule in :data:`RULES`."""
    out = {}
    for row in claims.itertuples():
        if row.id in RULES:
            out[row.id] = RULES[row.id](values, _claimed(row.claimed_value))
    return out


# --------------------------------------------------------------------------------------------------
# Findings
# --------------------------------------------------------------------------------------------------

def placeholders(template: str) -> list[str]:
    """Field names used by a finding template."""
    return [name for _, name, _, _ in string.Formatter().parse(template) if name]


def typed_digits(template: str) -> list[str]:
    """Digits typed in a template outside its placeholders (there should be none)."""
    return re.findall(r"\d+", _PLACEHOLDER.sub("", template))


def row_values(row) -> dict:
    """The placeholders a claim's own row supplies: ``claimed`` and ``source_date``."""
    claimed = _claimed(row["claimed_value"])
    date = row["source_date"]
    return {"claimed": claimed, "source_date": fmt_date(date) if pd.notna(date) else None}


def render_findings(claims: pd.DataFrame, values: dict) -> pd.Series:
    """Each claim's finding with its placeholders filled (index: claim id)."""
    out = {}
    for _, row in claims.iterrows():
        out[row["id"]] = str(row["finding"]).format(**values, **row_values(row))
    return pd.Series(out, name="finding")


def problems(claims: pd.DataFrame, tables: dict[str, pd.DataFrame], values: dict, index: BookIndex,
             root: Path | None = None) -> list[str]:
    """Everything wrong with the ledger: bad references, typed digits, missing values, verdicts that disagree."""
    out = list(unresolved(claims, tables, index, root))
    computed = computed_verdicts(claims, values)
    for _, row in claims.iterrows():
        cid, template = row["id"], str(row["finding"])
        if digits := typed_digits(template):
            out.append(f"{cid}: digits typed in the finding outside placeholders: {digits}")
        own = row_values(row)
        for name in placeholders(template):
            base = name.split(".")[0].split("[")[0]
            if base not in values and (base not in own or own[base] is None):
                out.append(f"{cid}: placeholder {{{name}}} has no value")
        if (row["kind"] == "opinion") != (row["verdict"] == "opinion"):
            out.append(f"{cid}: an opinion (and only an opinion) gets the verdict 'opinion'")
        if cid in computed and computed[cid] != row["verdict"]:
            out.append(f"{cid}: stored verdict {row['verdict']!r} but the data give {computed[cid]!r}")
        if not parse_evidence(row["evidence"]) and not str(row["note"]).startswith(OWN_SOURCE):
            out.append(f"{cid}: no evidence reference and no source found for the ledger")
    return out


def check(claims: pd.DataFrame, tables: dict[str, pd.DataFrame], values: dict, index: BookIndex,
          root: Path | None = None) -> None:
    """Raise ValueError listing every problem (:func:`problems`); the page calls this before showing anything."""
    found = problems(claims, tables, values, index, root)
    if found:
        raise ValueError("claims ledger: " + "; ".join(found))


# --------------------------------------------------------------------------------------------------
# The page: badges, the ledger table, the chart
# --------------------------------------------------------------------------------------------------

def badge(verdict: str) -> Markup:
    """A verdict as a coloured label with its name in words (colour is never the only cue)."""
    return Markup(f'<span class="kurils-verdict" style="background:{VERDICT_COLOURS[verdict]};color:{BADGE_TEXT};'
            f'padding:0.1em 0.45em;border-radius:0.3em;white-space:nowrap;font-weight:600">'
            f'{VERDICT_LABELS[verdict]}</span>')


def contrast_ratio(foreground: str, background: str) -> float:
    """WCAG 2 contrast ratio of two '#RRGGBB' colours."""
    def luminance(hex_colour: str) -> float:
        channels = [int(hex_colour.lstrip("#")[i:i + 2], 16) / 255 for i in (0, 2, 4)]
        lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]
    hi, lo = sorted([luminance(foreground), luminance(background)], reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def _human(key: str) -> str:
    return key.replace("/", ", ").replace("_", " ")


def _dated(label: str, row: pd.Series, column: str = "date", precision: str = "date_precision") -> str:
    if column in row and pd.notna(row[column]):
        prec = row[precision] if precision in row and pd.notna(row[precision]) else "day"
        return f"{label}, {fmt_date(row[column], prec)}"
    return label


_PENALTY_STAGES = {"first_call": "First public call", "repeat_call": "Repeat call within a year",
                   "call": "Any public call (earlier wording)", "act": "Alienation of territory"}
_ANALOGY_INDICATORS = {"saar_statute_against_pct": "Saar referendum: share of votes against the statute"}


def _penalty_label(r: pd.Series) -> str:
    kind = {"fine": "fine", "imprisonment": "prison term"}.get(str(r["penalty_kind"]), _human(str(r["penalty_kind"])))
    channel = " via media or internet" if str(r["channel"]) == "media_internet" else ""
    return f"{_PENALTY_STAGES.get(str(r['stage']), str(r['stage']))}{channel}: {kind} ({_human(str(r['subject']))})"


def _effect_label(r: pd.Series, tables: dict[str, pd.DataFrame]) -> str:
    from kurils import legal

    inst = tables["legal_instruments"].set_index("id").loc[r["instrument_id"]]
    option = legal.OPTIONS.get(r["option"], _human(r["option"])).split(":")[0]
    return f"{inst['short_name']}, {inst['article']}: {option} ({r['reading']})"


def _fact_label(r: pd.Series) -> str:
    label = f"{r['subject']}: {_human(r['metric'])}"
    if pd.notna(r["value"]) and str(r["unit"]) not in ("date", "text"):
        unit = {"km2": " km²", "percent": " %", "count": ""}.get(str(r["unit"]), f" {r['unit']}")
        label += f", {float(r['value']):,.{0 if float(r['value']).is_integer() else 1}f}{unit}"
    return label


def _cooperation_label(r: pd.Series) -> str:
    from kurils import economy

    programme = economy.PROGRAMME_LABELS.get(r["programme"], _human(r["programme"])).split("\n")[0]
    return f"{programme}: {_human(r['event']).replace('russia', 'Russia')}"


def _analogy_label(r: pd.Series) -> str:
    from kurils import economy

    name = economy.MILESTONE_LABELS.get(r["indicator"]) or _ANALOGY_INDICATORS.get(r["indicator"]) or _human(r["indicator"])
    return _dated(name, r)


#: How a cited row is named in the ledger's evidence column, per table (fallback: its key in words).
ROW_LABELS = {
    "legal_instruments": lambda r, t: r["short_name"] + (f", {r['article']}" if pd.notna(r["article"]) else ""),
    "legal_positions": lambda r, t: _dated(str(r["speaker"]).split(",")[0].split(" (")[0], r),
    "legal_effects": lambda r, t: _effect_label(r, t),
    "timeline": lambda r, t: _dated(r["label"], r),
    "sanctions": lambda r, t: _dated(r["label"], r),
    "cooperation": lambda r, t: _dated(_cooperation_label(r), r),
    "penalties": lambda r, t: _penalty_label(r),
    "island_facts": lambda r, t: f"{_human(r['island_id']).title()}: {_human(r['metric']).replace('km2', 'km²')}",
    "region_facts": lambda r, t: _fact_label(r),
    "straits": lambda r, t: r["name_en"],
    "military_sites": lambda r, t: r["name"],
    "precedents": lambda r, t: _dated(r["parties"], r, "date_signed", ""),
    "analogy": lambda r, t: _analogy_label(r),
    "leaders": lambda r, t: f"{r['name']}, {r['office']}",
    "population": lambda r, t: f"{_human(r['place_id']).title()}: {_human(r['group'])}",
}


def row_label(ref: Ref, tables: dict[str, pd.DataFrame]) -> str:
    """A reader's name for a cited row (its first matching row), e.g. 'Russian Criminal Code, Art. 280.2'."""
    rows = matching_rows(ref, tables)
    if ref.target in ROW_LABELS and not rows.empty:
        try:  # a label that cannot be built falls back to the key
            return str(ROW_LABELS[ref.target](rows.iloc[0], tables))
        except (KeyError, TypeError, AttributeError):
            pass
    return _human(ref.key)


def _ref_link(ref: Ref, index: BookIndex, tables: dict[str, pd.DataFrame]) -> Markup:
    """HTML built here from escaped parts (Markup: kurils.text.table leaves it as HTML)."""
    import html

    if ref.kind == "doc":
        page = index.labels[ref.target]
        return Markup(f'Chapter: <a href="{html.escape(page, quote=True)}.html">{html.escape(index.titles[page])}</a>')
    if ref.kind == "fig":
        page = index.figures[ref.target]
        short = ref.target.removeprefix(f"fig-{page}-").replace("-", " ")
        return Markup(f'<a href="{html.escape(page, quote=True)}.html#{html.escape(ref.target, quote=True)}">Figure: '
                      f'{html.escape(short)}</a> <small>({html.escape(page)} chapter)</small>')
    pages = index.loads.get(ref.target, [])
    label = html.escape(row_label(ref, tables))
    where = f' <small>(<code>{html.escape(ref.target)}</code>)</small>'
    return Markup((f'<a href="{html.escape(pages[0], quote=True)}.html">{label}</a>' if pages else label) + where)


def ledger_table(claims: pd.DataFrame, values: dict, index: BookIndex, tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """The ledger for the page: numbered claim with its kind and verdict badge, the finding, evidence links."""
    import html

    findings = render_findings(claims, values)
    rows = []
    for number, (_, row) in enumerate(claims.iterrows(), start=1):
        refs = parse_evidence(row["evidence"])
        links = [_ref_link(ref, index, tables) for ref in refs]
        if str(row["note"]).startswith(OWN_SOURCE) or not refs:
            links.append(_source_link(row["source_title"], row["source_url"]))
        rows.append({
            "Claim (paraphrased) and verdict": Markup(
                f"<strong>{number}.</strong> {html.escape(row['claim'])}<br>"
                f"{badge(row['verdict'])} <small>({html.escape(KIND_LABELS[row['kind']])})</small>"),
            "What the data show": findings[row["id"]],  # plain text: kurils.text.table escapes it
            "Evidence": Markup("<br>").join(links),
        })
    return pd.DataFrame(rows)


def verdict_counts(claims: pd.DataFrame) -> pd.Series:
    """Number of claims per verdict, every verdict listed (zeros included), in :data:`VERDICTS` order."""
    return claims["verdict"].value_counts().reindex(list(VERDICTS), fill_value=0).astype(int)


def verdict_chart(claims: pd.DataFrame):
    """Horizontal bars: claims per verdict, each bar labelled with its count; verdict names on the axis."""
    import matplotlib.pyplot as plt

    counts = verdict_counts(claims)
    fig, ax = plt.subplots(figsize=(7.4, 3.4))
    y = list(range(len(counts)))[::-1]
    ax.barh(y, counts.to_numpy(), color=[VERDICT_COLOURS[v] for v in counts.index], edgecolor=style.INK,
            linewidth=0.6, height=0.66)
    for yi, n in zip(y, counts):
        ax.text(n + 0.15, yi, f"{n}", va="center", ha="left", fontsize=10, color=style.INK)
    ax.set_yticks(y, [VERDICT_LABELS[v] for v in counts.index], fontsize=10.5)
    ax.set_xlim(0, counts.max() + 1.2)
    ax.set_xlabel("Number of claims")
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.grid(axis="y", visible=False)
    ax.grid(axis="x", visible=True)
    ax.set_title(f"Verdicts on the essay's {len(claims)} claims", loc="left")
    fig.tight_layout()
    return fig


def _source_link(title: str, url: str) -> Markup:
    from kurils.text import link

    return link(url, title)


def area_table(values: dict, tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """The area-share arithmetic for the page: each whole with its area, its source and the two islands' share."""
    facts = tables["island_facts"]
    mofa = facts[(facts["island_id"] == "northern_territories") & (facts["metric"] == "area_km2")
                 & facts["source_url"].str.contains("mofa.go.jp", regex=False)].iloc[0]
    rows = [{"Whole": "The four disputed islands", "Area, km²": values["four_km2"],
             "Source of the area": (_source_link(mofa["source_title"], mofa["source_url"])
                                   + f" (official; survey of {fmt_date(mofa['as_of'], mofa['as_of_precision'])})"),
             "Habomai + Shikotan, km²": values["two_km2"], "Share, %": values["share_of_four"]}]
    rf = tables["region_facts"].set_index("id")
    for rid, total in sorted(values["chain_totals"].items(), key=lambda kv: kv[1]):
        basis = str(rf.at[rid, "basis"]).replace("_", " ")
        rows.append({"Whole": "The whole Kuril chain", "Area, km²": total,
                     "Source of the area": _source_link(rf.at[rid, 'source_title'], rf.at[rid, 'source_url']) + f" ({basis})",
                     "Habomai + Shikotan, km²": values["two_km2"], "Share, %": values["chain_shares"][rid]})
    return pd.DataFrame(rows)


def wrap_columns(styler, columns: dict[int, str]):
    """Let the given columns (by position) wrap, with a minimum width each (the house style keeps last columns on one line)."""
    return styler.set_table_styles([{"selector": f"td.col{i}", "props": f"white-space: normal; min-width: {width};"}
                                    for i, width in columns.items()], overwrite=False)


def method_table() -> pd.DataFrame:
    """The verdicts with their badges and meanings, for the page's note on method."""
    return pd.DataFrame({"Verdict": [badge(v) for v in VERDICTS], "Meaning": [VERDICT_MEANINGS[v] for v in VERDICTS]})


def ledger_styler(table: pd.DataFrame, *, uid: str):
    """The ledger as a page table whose three columns all wrap."""
    from kurils.text import table as page_table

    styler = page_table(table, uid=uid, caption="The essay's claims in the book's words, each with its kind, verdict, "
                                               "finding and evidence. Numbers in the findings are computed from the "
                                               "linked data.")
    styler = wrap_columns(styler, {0: "9em", 1: "13em", 2: "8.5em"})
    return styler.set_table_styles([{"selector": "td.col2", "props": "font-size: 0.9em;"}], overwrite=False)


def area_reading(values: dict, claimed: float) -> str:
    """How a stated share compares with the computed ones, in words (for the page's prose)."""
    four_ok = about(claimed, values["share_of_four"])
    chain = values["chain_shares"]
    chain_ok = [about(claimed, share) for share in chain.values()]
    if four_ok and not any(chain_ok):
        where = "matches the share of the four disputed islands, not of the chain"
    elif all(chain_ok):
        where = "matches the share of the whole chain"
    elif any(chain_ok):
        where = "matches the share of the chain by one source's total but not by the other's"
    elif max(chain.values()) < claimed < values["share_of_four"]:
        where = "falls between the two readings and matches neither"
    else:
        where = "matches neither reading"
    verdicts = {_area_verdict({**values, "chain_shares": {rid: share}}, claimed) for rid, share in chain.items()}
    tail = ("the verdict is the same whichever chain total is used" if len(verdicts) == 1
            else "the verdict depends on which chain total is right")
    return f"{where}; {tail}"


# ----------------------------------------------------------------------------------------------------
# the page's key numbers

#: Values of :func:`numbers` the page's prose cites directly (the area question, in km² and per cent).
AREA_KEYS = ("habomai_km2", "shikotan_km2", "two_km2", "four_km2", "share_of_four", "chain_low_km2", "chain_high_km2",
             "share_of_chain_low", "share_of_chain_high")


def key_numbers(tables: dict[str, pd.DataFrame]) -> dict:
    """Everything the Claims page glues (name -> number or phrase), from :func:`load_tables`' tables.

    The ledger's size, its verdicts and kinds, how many verdicts are recomputed, how much evidence it
    cites (references, rows, tables, sources found for the ledger itself), the area figures with the
    essay's claimed share and the reading of it, the tolerance of "about", and the currency line.
    """
    from kurils import text
    from kurils.sources import KINDS as source_kinds

    ledger = tables["claims"]
    values = numbers(tables)
    cited = evidence_rows(ledger, tables)
    kinds = ledger["kind"].value_counts()
    claimed_share = float(ledger.set_index("id").at["two_islands_five_percent", "claimed_value"])
    return {
        "current_to": text.data_current_to(ledger, *cited.values()),
        "n_claims": len(ledger),
        **{f"n_{verdict}": int(n) for verdict, n in verdict_counts(ledger).items()},
        **{f"n_kind_{kind}": int(kinds.get(kind, 0)) for kind in KINDS},
        "n_computed": len(computed_verdicts(ledger, values)),
        "n_refs": sum(len(parse_evidence(e)) for e in ledger["evidence"]),
        "n_rows_cited": sum(len(rows) for rows in cited.values()),
        "n_tables_cited": len(cited),
        "n_own_sources": int(ledger["note"].str.startswith(OWN_SOURCE).sum()),
        **{key: values[key] for key in AREA_KEYS},
        "claimed_share": claimed_share,
        "area_reading": area_reading(values, claimed_share),
        "about_pct": 100 * ABOUT_TOLERANCE,
        **{f"n_source_{kind}": int((ledger["source_kind"] == kind).sum()) for kind in source_kinds},
    }


# ----------------------------------------------------------------------------------------------------
# Auditing a new claim the way the ledger does (the page's method exercise)

#: Date columns whose year a claim stated in years is checked against, in order of preference.
YEAR_COLUMNS = ("date_in_force", "date_signed", "date", "as_of", "start")
#: What an audited claim may leave out, and the value it then gets.
AUDIT_DEFAULTS = {"verdict": None, "finding": "", "evidence": "", "claimed_value": None, "claimed_unit": "",
                  "source_date": pd.NaT, "note": ""}


def evidence_values(ref: Ref, tables: dict[str, pd.DataFrame], unit: str = "",
                    root: Path | None = None) -> list[dict]:
    """The values a table reference gives for checking a claim: one dict per matching row.

    A claim in years (``unit == "year"``) is checked against the year of the row's first date in
    :data:`YEAR_COLUMNS`; any other claim against the row's numeric ``value``. Each dict holds
    ``ref``, ``value`` (None when the row has nothing to check against), ``as_of`` (a phrase or '')
    and ``source_kind``.
    """
    out = []
    for _, row in matching_rows(ref, tables, root).iterrows():
        value = None
        if unit == "year":
            column = next((c for c in YEAR_COLUMNS if c in row and pd.notna(row[c])), None)
            value = int(pd.Timestamp(row[column]).year) if column else None
        elif "value" in row:
            number = pd.to_numeric(pd.Series([row["value"]]), errors="coerce").iloc[0]
            value = None if pd.isna(number) else float(number)
        as_of = ""
        if "as_of" in row and pd.notna(row["as_of"]):
            precision = row["as_of_precision"] if "as_of_precision" in row and pd.notna(row["as_of_precision"]) else "day"
            as_of = fmt_date(row["as_of"], precision)
        out.append({"ref": ref.raw, "value": value, "as_of": as_of,
                    "source_kind": str(row["source_kind"]) if "source_kind" in row else ""})
    return out


def audit_verdict(kind: str, claimed, found: list, unit: str = "", tolerance: float = ABOUT_TOLERANCE) -> str | None:
    """The verdict the data give a claim, by the ledger's rules for numbers and dates.

    An opinion gets 'opinion'. A claim with no number gets None: its verdict must be argued, not
    computed. A number with nothing in the evidence to check it against is 'unverifiable'. Otherwise
    each value found is compared with the claim — a year exactly, anything else within ``tolerance``
    (:func:`about`): 'accurate' when all agree, 'partly_accurate' when only some do (the sources
    disagree), 'inaccurate' when none does.
    """
    if kind == "opinion":
        return "opinion"
    if claimed is None or pd.isna(claimed):
        return None
    found = [v for v in found if v is not None]
    if not found:
        return "unverifiable"
    agree = [int(claimed) == int(v) if unit == "year" else about(float(claimed), v, tolerance) for v in found]
    return "accurate" if all(agree) else "partly_accurate" if any(agree) else "inaccurate"


def audit_claim(claim: dict, tables: dict[str, pd.DataFrame], *, index: BookIndex | None = None,
                values: dict | None = None, tolerance: float = ABOUT_TOLERANCE, root: Path | None = None) -> dict:
    """Check one new claim, given as a row of ``data/claims.csv`` (a dict of its columns), as the ledger does.

    Needs ``id``, ``claim`` and ``kind``; ``verdict`` is the verdict the reader expects, ``evidence`` the
    references (``table:key``, ``doc:label``, ``fig:name``), ``claimed_value`` and ``claimed_unit`` the
    number or year the claim states. Returns the evidence values found, the computed verdict
    (:func:`audit_verdict`), the finding rendered, and the ledger's problems (:func:`problems`: bad
    references, typed digits, a stored verdict the data contradict).
    """
    row = {**AUDIT_DEFAULTS, **claim}
    frame = pd.DataFrame([row])
    index = index if index is not None else book_index()
    values = values if values is not None else numbers(tables)
    unit = str(row["claimed_unit"] or "")
    found: list[dict] = []
    try:
        refs = parse_evidence(row["evidence"])
    except ValueError:
        refs = []
    for ref in refs:
        if ref.kind == "table" and ref.target in tables:
            found += evidence_values(ref, tables, unit, root)
    claimed = _claimed(row["claimed_value"])
    verdict = audit_verdict(row["kind"], claimed, [f["value"] for f in found], unit, tolerance)
    issues = problems(frame.assign(verdict=row["verdict"] or "unset"), tables, values, index, root)
    issues = [p for p in issues if "an opinion (and only an opinion)" not in p or row["verdict"]]
    if row["verdict"] and verdict and row["verdict"] != verdict:
        issues.append(f"{row['id']}: your verdict {row['verdict']!r} but the data give {verdict!r}")
    try:
        finding = render_findings(frame, values).iloc[0]
    except (KeyError, IndexError, ValueError):
        finding = str(row["finding"])
    return {"id": row["id"], "claim": row["claim"], "kind": row["kind"], "claimed": claimed, "unit": unit,
            "evidence": found, "computed_verdict": verdict, "your_verdict": row["verdict"], "finding": finding,
            "problems": issues, "tolerance": tolerance}


def _number(value: float | None, unit: str) -> str:
    if value is None:
        return "–"
    if unit == "year":
        return f"{int(value)}"
    digits = 0 if float(value).is_integer() else 1
    return f"{value:,.{digits}f}" + (f" {unit}" if unit else "")


def audit(claim: dict, tables: dict[str, pd.DataFrame], *, index: BookIndex | None = None,
          values: dict | None = None, tolerance: float = ABOUT_TOLERANCE, root: Path | None = None,
          uid: str | None = None):
    """:func:`audit_claim` as a two-column page table, one line per column of the ledger it fills.

    ``uid`` names the table's HTML id (default: from the claim's id); give two audits of one claim on
    a page different uids."""
    import html

    from kurils.text import table as page_table

    a = audit_claim(claim, tables, index=index, values=values, tolerance=tolerance, root=root)
    evidence, last_ref = [], None
    for e in a["evidence"]:  # each reference once, then one line per row it matches
        if e["ref"] != last_ref:
            evidence.append(f"<code>{html.escape(e['ref'])}</code>")
            last_ref = e["ref"]
        evidence.append(html.escape(_number(e["value"], a["unit"]))
                        + (f" (as of {html.escape(e['as_of'])})" if e["as_of"] else "")
                        + (f" <small>[{html.escape(e['source_kind'])}]</small>" if e["source_kind"] else ""))
    computed = a["computed_verdict"]
    rows = [
        ("Claim", a["claim"]),
        ("Kind", KIND_LABELS.get(a["kind"], a["kind"])),
        ("Claimed", _number(a["claimed"], a["unit"])),
        ("Values in the data", Markup("<br>".join(evidence)) if evidence else "none found"),
        ("Rule", "year must match exactly" if a["unit"] == "year"
         else f"within {100 * a['tolerance']:.0f} % of every value"),
        ("Verdict from the data", badge(computed) if computed else "not computed: argue it in the finding"),
        ("Your verdict", badge(a["your_verdict"]) if a["your_verdict"] in VERDICTS else "–"),
        ("Finding", a["finding"] or "–"),
        ("Problems", "; ".join(a["problems"]) or "none"),
    ]
    frame = pd.DataFrame(rows, columns=["Ledger column", "Audit"])
    uid = uid or f"claims-audit-{a['id']}".replace("_", "-")
    return wrap_columns(page_table(frame, uid=uid), {0: "5em", 1: "9em"}).set_table_styles(
        [{"selector": "td, td code", "props": "overflow-wrap: anywhere;"}], overwrite=False)  # long references wrap on phones


def filter_ledger(claims: pd.DataFrame, *, verdict: str | None = None, kind: str | None = None,
                  source_kind: str | None = None) -> pd.DataFrame:
    """The ledger's claims with a given verdict, kind and/or kind of source (None: any), as a short table."""
    rows = claims
    for column, wanted in (("verdict", verdict), ("kind", kind), ("source_kind", source_kind)):
        if wanted is not None:
            rows = rows[rows[column] == wanted]
    return pd.DataFrame({"Claim": rows["claim"].to_numpy(), "Kind": rows["kind"].map(KIND_LABELS).to_numpy(),
                         "Verdict": rows["verdict"].map(VERDICT_LABELS).to_numpy(),
                         "Source kind": rows["source_kind"].to_numpy()})


def verdicts_by_source_kind(claims: pd.DataFrame) -> pd.DataFrame:
    """Claims per verdict (rows, in :data:`VERDICTS` order) and kind of the claim's own source (columns, in the
    order of ``kurils.sources.KINDS``, named by their labels; kinds no claim uses are left out)."""
    from kurils.sources import KIND_LABELS, KINDS as source_kinds

    table = pd.crosstab(claims["verdict"], claims["source_kind"])
    table = table.reindex(index=list(VERDICTS), columns=[k for k in source_kinds if k in table.columns], fill_value=0)
    table.columns = [KIND_LABELS[k] for k in table.columns]
    table.index = [VERDICT_LABELS[v] for v in table.index]
    table.loc["All verdicts"] = table.sum(axis=0)
    return table.rename_axis(None, axis=0).rename_axis(None, axis=1).reset_index(names="Verdict")
