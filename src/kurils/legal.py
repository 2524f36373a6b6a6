"""Tables and figures for the chapter "The legal constraints on a settlement".

The chapter reads five tables (see ``data/datapackage.json``):

* ``legal_instruments`` – treaties, declarations and laws, one row per instrument and article;
* ``legal_effects`` – for each instrument and settlement option, what the wording says and, where a
  government or commentator has stated one, their reading (each reading cites ``legal_positions``);
* ``legal_positions`` – stated readings: Tokyo, Moscow, Washington and named commentators;
* ``penalties`` – Russian sanctions for calls to alienate territory and for alienation itself;
* ``precedents`` – Russia's negotiated border settlements with China and Norway.

Nothing here invents a value: functions select, reshape and draw what the tables hold.
"""

from __future__ import annotations

import html

import numpy as np
import pandas as pd
from markupsafe import Markup

from kurils.text import link

#: The tables the chapter loads: its own five, Japan's official island areas, and the law-of-the-sea section's.
TABLES = ["legal_instruments", "legal_effects", "legal_positions", "penalties", "precedents", "island_facts",
          "sea_law", "straits", "scenarios", "islands", "specified_straits"]

#: Instruments whose dates the prose gives: glue name -> (instrument id, date column).
INSTRUMENT_DATES = {
    "art67_signed": ("ru_constitution_art67_2_1_ru", "date_signed"),
    "art67_in_force": ("ru_constitution_art67_2_1_ru", "date_in_force"),
    "art280_2_signed": ("ru_criminal_code_art280_2", "date_signed"),
    "koap_in_force": ("ru_koap_art20_3_2", "date_in_force"),
    "art280_1_in_force": ("ru_criminal_code_art280_1", "date_in_force"),
    "extremism_signed": ("ru_extremism_law_amendment_2020", "date_signed"),
    "decl1956_signed": ("jp_ussr_joint_declaration_1956_art9", "date_signed"),
    "decl1956_in_force": ("jp_ussr_joint_declaration_1956_art9", "date_in_force"),
    "memo1960_date": ("soviet_memorandum_1960_01_27", "date_signed"),
}
#: Penalty rows whose range (``<id>_min``, ``<id>_max``) or maximum only (``<id>_max``) the prose gives.
PENALTY_RANGES = ["koap_20_3_2_p1_citizen", "koap_20_3_2_p1_official", "koap_20_3_2_p1_legal_entity",
                  "koap_20_3_2_p2_citizen", "koap_20_3_2_p2_official", "koap_20_3_2_p2_legal_entity",
                  "uk_280_1_2020_fine", "uk_280_1_2014_fine", "uk_280_1_433fz_fine", "uk_280_2_prison"]
PENALTY_MAXIMA = ["uk_280_1_2020_prison", "uk_280_1_part2_prison", "uk_280_1_2014_prison", "uk_280_1_433fz_prison",
                  "uk_280_1_433fz_compulsory_works"]
#: Positions the prose dates (``<id>_date``).
POSITION_DATES = ["russia_zakharova_2021", "russia_mfa_2022", "russia_lavrov_2019_recognition",
                  "russia_zakharova_2018_memoranda", "japan_aso_2006_equal_area"]
#: Precedents the chart shows: the whole 2004 China-Russia settlement and the Barents Sea treaty.
SHOWN_PRECEDENTS = ["cn_ru_2004_supplementary_total", "no_ru_2010_barents"]
PRECEDENT_SIGNED = ["cn_ussr_1991_eastern_section", "cn_ru_2004_supplementary_total", "cn_ru_2008_additional_protocol",
                    "no_ru_2010_barents"]
PRECEDENT_AREAS = ["cn_ru_2004_supplementary_total", "cn_ru_2004_khabarovsk_section_rt", "cn_ru_2004_khabarovsk_chinanews",
                   "no_ru_2010_barents"]
PRECEDENT_TO_A = ["cn_ru_2004_khabarovsk_section_rt", "cn_ru_2008_additional_protocol"]


def key_numbers(tables: dict[str, pd.DataFrame]) -> dict:
    """Everything the chapter glues, by glue name: dates of the instruments, positions and precedents the
    prose names; the penalty ranges; Japan's official land areas and the equal-split arithmetic; the
    precedents' areas; the law-of-the-sea section's numbers (``sea_*``, from kurils.sea_law); and the
    page's currency line."""
    from kurils import islands, sea_law, text

    inst, pos, pen, prec = (tables[n] for n in ["legal_instruments", "legal_positions", "penalties", "precedents"])
    positions, precedents = pos.set_index("id"), prec.set_index("id")
    area = islands.official(tables["island_facts"], "area_km2")
    out = {"current_to": text.data_current_to(inst, tables["legal_effects"], pos, pen, prec)}
    out |= {name: text.fmt_date(instrument(inst, iid)[col]) for name, (iid, col) in INSTRUMENT_DATES.items()}
    out |= {"n_instruments": len(inst), "n_positions": len(pos)}
    for pid in PENALTY_RANGES:
        row = penalty(pen, pid)
        out |= {f"{pid}_min": row["min_value"], f"{pid}_max": row["max_value"]}
    out |= {f"{pid}_max": penalty(pen, pid)["max_value"] for pid in PENALTY_MAXIMA}
    out |= {f"{pid}_date": text.fmt_date(positions.at[pid, "date"], positions.at[pid, "date_precision"])
            for pid in POSITION_DATES}
    out |= {"area_total": area["northern_territories"],
            "share_two": 100 * (area["habomai"] + area["shikotan"]) / area["northern_territories"]}
    out |= {f"split_{key}": value for key, value in equal_split(area).items()}
    out |= {f"{pid}_signed": text.fmt_date(precedents.at[pid, "date_signed"]) for pid in PRECEDENT_SIGNED}
    out |= {f"{pid}_in_force": text.fmt_date(precedents.at[pid, "date_in_force"]) for pid in SHOWN_PRECEDENTS}
    out |= {f"{pid}_area": precedents.at[pid, "area_in_dispute_km2"] for pid in PRECEDENT_AREAS}
    out |= {f"{pid}_to_a": precedents.at[pid, "area_to_a_km2"] for pid in PRECEDENT_TO_A}
    out["kurils_vs_cn"] = area["northern_territories"] / precedents.at["cn_ru_2004_supplementary_total", "area_in_dispute_km2"]
    return out | sea_law.page_numbers(tables)


#: Settlement options: the territorial outcome of a peace treaty (ids as in legal_effects.option).
OPTIONS = {
    "status_quo": "Status quo: all four stay with Russia",
    "two_islands": "Two islands: Habomai and Shikotan to Japan",
    "two_plus_alpha": "Two plus alpha: those two, plus an arrangement on Kunashiri and Etorofu",
    "equal_split": "Equal split: the disputed land divided about in half",
    "all_four": "All four islands to Japan",
}
#: Two-line column heads for the matrix figure.
OPTION_HEADS = {
    "status_quo": "Status quo\n(all four Russian)",
    "two_islands": "Two islands\n(Habomai, Shikotan)",
    "two_plus_alpha": "Two plus\nalpha",
    "equal_split": "Equal split\n(about half each)",
    "all_four": "All four\nto Japan",
}
#: Effects in order from most to least permissive: (label in figures and tables, fill colour, text colour).
EFFECTS = {
    "allows": ("allows", "#009E73", "#000000"),          # Okabe-Ito bluish green
    "leaves_open": ("silent", "#EEEEEE", "#222222"),     # light grey: the text decides nothing
    "conditions": ("conditional", "#E69F00", "#000000"),  # Okabe-Ito orange
    "disputed": ("disputed", "#CC79A7", "#000000"),      # Okabe-Ito reddish purple (the book's 'disputed' role)
    "blocks": ("rules out", "#000000", "#FFFFFF"),
}
READINGS = {"wording": "Wording", "tokyo": "Tokyo", "moscow": "Moscow", "commentator": "Commentary"}
_FIGURE_READINGS = {**READINGS, "commentator": "Expert"}  # shorter, to fit a matrix cell
#: Instruments in the forbids/allows matrix, in date order.
MATRIX_INSTRUMENTS = [
    "sf_peace_treaty_art2c",
    "jp_ussr_joint_declaration_1956_art9",
    "soviet_memorandum_1960_01_27",
    "jp_northern_territories_act_1982_art2",
    "tokyo_declaration_1993_para2",
    "ru_constitution_art67_2_1_ru",
    "ru_criminal_code_art280_2",
]
STAGES = {
    "first_call": "First public call (administrative offence, KoAP 20.3.2)",
    "repeat_call": "Repeat call within a year of an administrative penalty (crime, UK 280.1)",
    "call": "Any public call (crime, UK 280.1, wording before December 2020)",
    "act": "Alienation of territory or other acts against territorial integrity (crime, UK 280.2)",
}
SUBJECTS = {"citizen": "citizens", "official": "officials", "legal_entity": "legal entities", "individual": "individuals"}
LANGUAGES = {"en": "English", "ja": "Japanese", "ru": "Russian"}


def instrument_label(row: pd.Series, *, year: bool = True) -> str:
    """'Japan-Soviet Joint Declaration (1956), Art. 9 (para 9)' from an instrument row."""
    from kurils.text import fmt_date

    has_article = isinstance(row["article"], str) and bool(row["article"])
    if pd.isna(row["date_signed"]) or not (year or not has_article):
        when = ""
    elif has_article:
        when = f" ({pd.Timestamp(row['date_signed']).year})"
    else:  # no article to tell two documents of one year apart (the 1960 memoranda): give the day
        when = f" of {fmt_date(row['date_signed'])}"
    article = f", {row['article']}" if has_article else ""
    return f"{row['short_name']}{when}{article}"


def instrument(instruments: pd.DataFrame, instrument_id: str) -> pd.Series:
    """One instrument row by id; KeyError names the id when it is not in the table."""
    rows = instruments.set_index("id")
    if instrument_id not in rows.index:
        raise KeyError(f"no instrument {instrument_id!r} in legal_instruments")
    return rows.loc[instrument_id]


def penalty(penalties: pd.DataFrame, penalty_id: str) -> pd.Series:
    """One penalty row by id (min_value, max_value, unit, …)."""
    rows = penalties.set_index("id")
    if penalty_id not in rows.index:
        raise KeyError(f"no penalty {penalty_id!r} in penalties")
    return rows.loc[penalty_id]


#: Wordings of the penalty rows (data/penalties.csv ``wording``), oldest first.
WORDINGS = ("2014_433fz", "2014_274fz_to_2020", "as_amended_2020")


def current_penalties(penalties: pd.DataFrame, *, wording: str = "as_amended_2020",
                      kinds: tuple[str, ...] | None = ("fine", "imprisonment")) -> pd.DataFrame:
    """Sanctions in one wording of the law (default: as amended in 2020) and of the given kinds
    (default: fines in RUB and prison terms in years; ``None``: every kind)."""
    if wording not in WORDINGS:
        raise ValueError(f"wording must be one of {WORDINGS}, not {wording!r}")
    keep = penalties["wording"] == wording
    if kinds is not None:
        keep &= penalties["penalty_kind"].isin(list(kinds))
    return penalties[keep].reset_index(drop=True)


#: Short names of the stages, for tables with little room.
STAGES_SHORT = {"first_call": "first call (KoAP 20.3.2)", "repeat_call": "repeat call (UK 280.1)",
                "call": "any call (UK 280.1, before Dec. 2020)", "act": "alienation (UK 280.2)"}
KIND_NAMES = {"fine": "fine", "imprisonment": "prison", "compulsory_works": "compulsory works",
              "deprivation_of_right": "ban on holding certain posts or activities"}


def sanctions_table(penalties: pd.DataFrame, *, wording: str = "as_amended_2020",
                    kinds: tuple[str, ...] | None = ("fine", "imprisonment")) -> pd.DataFrame:
    """The sanctions of one wording as a readable table: offence, channel, who, sanction and its range.

    Arguments as :func:`current_penalties`; one row per penalty row, in the table's order.
    """
    rows = current_penalties(penalties, wording=wording, kinds=kinds)
    channel = rows["channel"].map({"media_internet": "media or internet", "general": "other"}).fillna("any")
    return pd.DataFrame({
        "Offence": rows["stage"].map(STAGES_SHORT),
        "Channel": channel,
        "Who": rows["subject"].map(SUBJECTS),
        "Sanction": rows["penalty_kind"].map(KIND_NAMES).fillna(rows["penalty_kind"]),
        "Range": [("up to " if pd.isna(lo) else f"{lo:,.0f}–") + f"{hi:,.0f} {_UNITS.get(u, u)}"
                  for lo, hi, u in zip(rows["min_value"], rows["max_value"], rows["unit"])],
    })


def instruments_at(instruments: pd.DataFrame, on) -> pd.DataFrame:
    """The texts of the instruments table that existed on a date, and their standing on it.

    ``on`` is a date (a string such as ``"2019-12-31"`` or a Timestamp). A text counts when it was signed
    (or made) on or before that day. Standing: "in force" once its entry-into-force date has passed,
    "signed, not yet in force" before; texts without an entry-into-force date keep the table's status
    ("political", "disputed", or "in force (date not in the data)"). A provision the table gives in two
    languages (ids ending ``_ru`` and ``_en``) is shown once, in the original. Index: the text's label.
    """
    from kurils.text import fmt_date

    day = pd.Timestamp(on)
    ids = set(instruments["id"])
    translation = instruments["id"].map(lambda i: i.endswith("_en") and f"{i[:-3]}_ru" in ids)
    rows = instruments[(pd.to_datetime(instruments["date_signed"]) <= day) & ~translation].copy()

    def standing(r) -> str:
        if not pd.isna(r["date_in_force"]):
            return "in force" if pd.Timestamp(r["date_in_force"]) <= day else "signed, not yet in force"
        return {"political": "political declaration", "disputed": "force disputed",
                "in_force": "in force (date not in the data)"}.get(r["status"], r["status"])

    out = pd.DataFrame({
        "Text": [instrument_label(r) for _, r in rows.iterrows()],
        "Level": rows["level"].str.replace("_", " "),
        "Signed": [fmt_date(d) for d in rows["date_signed"]],
        "In force from": [fmt_date(d) if not pd.isna(d) else "–" for d in rows["date_in_force"]],
        f"Standing on {fmt_date(day)}": [standing(r) for _, r in rows.iterrows()],
    })
    return out.drop_duplicates("Text").set_index("Text")


#: Versions of Criminal Code Art. 280.1 (public calls), oldest first: (label, law that set the wording).
WORDINGS_280_1 = {
    "2014_433fz": "Law 433-FZ of 28 December 2013 (in force from May 2014)",
    "2014_274fz_to_2020": "Law 274-FZ of 21 July 2014",
    "as_amended_2020": "December 2020 laws (repeat call after an administrative penalty)",
}
_UNITS = {"RUB": "roubles", "years": "years", "hours": "hours"}


def _sanction(rows: pd.DataFrame, kind: str) -> str:
    """'100,000–300,000 roubles' or 'up to 4 years' for one kind of sanction; 'not recorded' when absent."""
    hit = rows[rows["penalty_kind"] == kind]
    if hit.empty:
        return "not recorded"
    r = hit.iloc[0]
    hi = f"{r['max_value']:,.0f} {_UNITS[r['unit']]}"
    return f"up to {hi}" if pd.isna(r["min_value"]) else f"{r['min_value']:,.0f}–{hi}"


def art280_1_history(penalties: pd.DataFrame) -> pd.DataFrame:
    """Sanctions of Art. 280.1 part 1 (calls not made through the media) in each wording, oldest first.

    One row per wording in ``WORDINGS_280_1``: the fine, the compulsory works (hours) and the prison term, each
    read from data/penalties.csv; 'not recorded' where no sourced row gives that sanction.
    """
    calls = penalties[(penalties["instrument_id"] == "ru_criminal_code_art280_1")
                      & (penalties["channel"].isna() | (penalties["channel"] == "general"))
                      & (penalties["part"].isna() | (penalties["part"] == 1))]
    out = []
    for wording, label in WORDINGS_280_1.items():
        rows = calls[calls["wording"] == wording]
        if rows.empty:
            raise ValueError(f"no Art. 280.1 part 1 rows in wording {wording!r}")
        out.append({"Wording": label, "Fine": _sanction(rows, "fine"),
                    "Compulsory works": _sanction(rows, "compulsory_works"),
                    "Prison": _sanction(rows, "imprisonment")})
    return pd.DataFrame(out)


def instruments_table(instruments: pd.DataFrame) -> pd.DataFrame:
    """The instruments for a page: name and article, dates, the verbatim excerpt and the book's summary."""
    from kurils.text import fmt_date

    def when(value) -> str:
        return fmt_date(value) if pd.notna(value) else "–"

    def excerpt(row) -> Markup:
        if not isinstance(row["excerpt"], str) or not row["excerpt"]:
            return Markup("<em>(no text seen; see note in the data)</em>")
        language = LANGUAGES.get(row["excerpt_language"], "")
        tag = f" <small>[{html.escape(language)}]</small>" if language and language != "English" else ""
        return Markup(f"“{html.escape(row['excerpt'])}”{tag}")

    rows = instruments.sort_values("date_signed", kind="stable", na_position="last")  # ties keep the table order
    return pd.DataFrame({
        "Instrument": [instrument_label(r, year=False) for _, r in rows.iterrows()],  # text: the table escapes it
        "Signed or issued": [when(v) for v in rows["date_signed"]],
        "In force": [when(v) for v in rows["date_in_force"]],
        "Excerpt (verbatim)": [excerpt(r) for _, r in rows.iterrows()],
        "What it does (our summary)": rows["summary"].to_list(),
        "Standing": rows["status"].str.replace("_", " ").to_list(),
    })


def effects_matrix(effects: pd.DataFrame, reading: str = "wording",
                   instruments_order: list[str] | None = None) -> pd.DataFrame:
    """Effect of each instrument (rows) on each option (columns) for one reading; NaN where none is recorded."""
    rows = effects[effects["reading"] == reading]
    matrix = rows.pivot(index="instrument_id", columns="option", values="effect")
    order = instruments_order or [i for i in MATRIX_INSTRUMENTS if i in matrix.index]
    return matrix.reindex(index=order, columns=list(OPTIONS))


def other_readings(effects: pd.DataFrame) -> pd.DataFrame:
    """Stated readings that differ from the wording: instrument_id, option, reading, effect, position_id, wording."""
    wording = effects[effects["reading"] == "wording"].set_index(["instrument_id", "option"])["effect"]
    others = effects[effects["reading"] != "wording"].copy()
    others["wording"] = [wording.get((i, o)) for i, o in zip(others["instrument_id"], others["option"])]
    return others[others["effect"] != others["wording"]].reset_index(drop=True)


def matrix_figure(effects: pd.DataFrame, instruments: pd.DataFrame):
    """Grid of instruments × options coloured by what the wording says; differing stated readings in each cell."""
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch, Rectangle

    from kurils import style

    matrix = effects_matrix(effects)
    differing = other_readings(effects)
    labels = style.wrap_labels([instrument_label(instrument(instruments, i)) for i in matrix.index], 24)
    n_rows, n_cols = matrix.shape
    fig, ax = plt.subplots(figsize=(7.0, 0.82 * n_rows + 1.9))
    for r, instrument_id in enumerate(matrix.index):
        for c, option in enumerate(matrix.columns):
            effect = matrix.at[instrument_id, option]
            if pd.isna(effect):
                continue
            label, fill, ink = EFFECTS[effect]
            ax.add_patch(Rectangle((c + 0.03, r + 0.04), 0.94, 0.92, facecolor=fill, edgecolor="white", linewidth=1.5))
            extra = differing[(differing["instrument_id"] == instrument_id) & (differing["option"] == option)]
            lines = [f"{_FIGURE_READINGS[x.reading]}: {EFFECTS[x.effect][0]}" for x in extra.itertuples()]
            y_main = r + 0.5 - 0.13 * len(lines)
            ax.text(c + 0.5, y_main, label, ha="center", va="center", fontsize=9.5, fontweight="bold", color=ink)
            for k, line in enumerate(lines):
                ax.text(c + 0.5, y_main + 0.25 * (k + 1), line, ha="center", va="center", fontsize=7.2, color=ink)
    ax.set_xlim(0, n_cols)
    ax.set_ylim(n_rows, 0)
    ax.set_xticks(np.arange(n_cols) + 0.5, [OPTION_HEADS[o] for o in matrix.columns], fontsize=9)
    ax.xaxis.tick_top()
    ax.set_yticks(np.arange(n_rows) + 0.5, labels, fontsize=9)
    ax.tick_params(length=0)
    ax.grid(False)
    for side in ("left", "bottom", "top", "right"):
        ax.spines[side].set_visible(False)
    handles = [Patch(facecolor=fill, edgecolor="#999999", label=label) for label, fill, _ in EFFECTS.values()]
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.02), ncol=len(handles), fontsize=9,
              title="What the wording says about the option\n(smaller lines: stated readings that differ)",
              title_fontsize=9)
    ax.set_title("Settlement options (as the outcome of a peace treaty)", fontsize=10.5, pad=34, loc="center")
    return fig


def readings_table(effects: pd.DataFrame, positions: pd.DataFrame, instruments: pd.DataFrame) -> pd.DataFrame:
    """Where a stated reading differs from the wording: the instrument, the option, each reading and who said it."""
    diff = other_readings(effects)
    pos = positions.set_index("id")

    def who(position_id: str) -> str:
        row = pos.loc[position_id]
        when = f", {pd.Timestamp(row['date']).year}" if pd.notna(row["date"]) else ""
        return f"{row['speaker']}{when}"

    records = []
    for (instrument_id, reading, effect, position_id), group in diff.groupby(
            ["instrument_id", "reading", "effect", "position_id"], sort=False):
        options = [o for o in OPTIONS if o in set(group["option"])]
        wording = group["wording"].iloc[0] if group["wording"].nunique() == 1 else "varies"
        records.append({
            "Instrument": instrument_label(instrument(instruments, instrument_id)),
            "Options": "; ".join(OPTIONS[o].split(":")[0] for o in options),
            "Wording": EFFECTS[wording][0] if wording in EFFECTS else wording,
            "Reading": READINGS[reading],
            "Says": EFFECTS[effect][0],
            "Who (see the positions table)": who(position_id),
        })
    return pd.DataFrame.from_records(records)


def positions_table(positions: pd.DataFrame, sides: list[str], topics: list[str] | None = None) -> pd.DataFrame:
    """Statements of the given sides: who, when, our summary and the short verbatim quote (if any), linked."""
    from kurils.text import fmt_date

    rows = positions[positions["side"].isin(sides)]
    if topics:
        rows = rows[rows["topic"].isin(topics)]
    rows = rows.sort_values(["date", "id"], na_position="last")

    def when(row) -> str:
        if pd.isna(row["date"]):
            return "–"
        return fmt_date(row["date"], row["date_precision"] if isinstance(row["date_precision"], str) else "day")

    def said(row) -> Markup:
        text = html.escape(row["summary"])
        if isinstance(row["excerpt"], str) and row["excerpt"]:
            text += f"<br><small>Quote: “{html.escape(row['excerpt'])}”</small>"
        return Markup(text)

    return pd.DataFrame({
        "Who": rows["speaker"].to_list(),
        "When": [when(r) for _, r in rows.iterrows()],
        "What they say (summary; quote verbatim)": [said(r) for _, r in rows.iterrows()],
        "Source": [link(u, t) for u, t in zip(rows["source_url"], rows["source_title"])],
    })


def _range_label(lo, hi, unit: str) -> str:
    scale, suffix = (1000.0, "k") if unit == "RUB" else (1.0, "")
    hi_s = f"{hi / scale:,.0f}{suffix}"
    return f"up to {hi_s}" if pd.isna(lo) else f"{lo / scale:,.0f}–{hi_s}"


def penalties_chart(penalties: pd.DataFrame):
    """Fines (thousand RUB) and prison terms (years) in the current wording: calls first, then repeat calls, then acts."""
    import matplotlib.pyplot as plt

    from kurils import style

    current = current_penalties(penalties)
    colours = {"first_call": style.OKABE_ITO["sky_blue"], "repeat_call": style.OKABE_ITO["blue"], "act": "#000000"}
    fines = current[current["penalty_kind"] == "fine"].copy()
    prison = current[current["penalty_kind"] == "imprisonment"].copy()
    order = {"first_call": 0, "repeat_call": 1, "act": 2}
    fines = fines.sort_values(["stage", "channel", "min_value"], key=lambda s: s.map(order) if s.name == "stage" else s,
                              na_position="first")
    prison = prison.sort_values("stage", key=lambda s: s.map(order))

    def fine_label(row) -> str:
        if row["stage"] == "first_call":
            where = "via media or internet" if row["channel"] == "media_internet" else "in general"
            return f"First call {where}: {SUBJECTS[row['subject']]}"
        return "Repeat call within a year: criminal fine"

    def prison_label(row) -> str:
        return "Repeat call within a year (UK 280.1)" if row["stage"] == "repeat_call" else "Alienation of territory (UK 280.2)"

    heights = [len(fines), len(prison)]
    fig, axes = plt.subplots(2, 1, figsize=(7.2, 0.36 * sum(heights) + 2.6), gridspec_kw={"height_ratios": heights})
    for ax, frame, labeller, scale, unit_label in [
            (axes[0], fines, fine_label, 1000.0, "Fine (thousand roubles)"),
            (axes[1], prison, prison_label, 1.0, "Prison term (years)")]:
        y = np.arange(len(frame))[::-1]
        lo = frame["min_value"].astype(float).fillna(0.0).to_numpy() / scale
        hi = frame["max_value"].astype(float).to_numpy() / scale
        starts_at_zero = frame["min_value"].isna().to_numpy()
        for yi, a, b, stage, zero, row in zip(y, lo, hi, frame["stage"], starts_at_zero, frame.itertuples()):
            ax.barh(yi, b - a, left=a, height=0.62, color=colours[stage], hatch="///" if zero else None,
                    edgecolor="white" if zero else colours[stage], linewidth=0)
            ax.text(b + hi.max() * 0.012, yi, _range_label(row.min_value, row.max_value, row.unit), va="center",
                    fontsize=8.5, color=style.INK)
        ax.set_yticks(y, style.wrap_labels([labeller(r) for _, r in frame.iterrows()], 30), fontsize=9)
        ax.set_xlabel(unit_label)
        ax.set_xlim(0, hi.max() * 1.16)
        ax.grid(axis="y", visible=False)
        ax.grid(axis="x", visible=True)
    axes[0].set_title("Calls for alienating territory: fines", fontsize=11)
    axes[1].set_title("Calls and acts: prison terms", fontsize=11)
    from matplotlib.patches import Patch
    handles = [Patch(facecolor=colours[s], label=lbl) for s, lbl in
               [("first_call", "First call (administrative)"), ("repeat_call", "Repeat call within a year (criminal)"),
                ("act", "Act of alienation (criminal)")]]
    handles.append(Patch(facecolor="#BBBBBB", hatch="///", edgecolor="white", label="law sets a maximum only"))
    axes[1].legend(handles=handles, loc="upper center", bbox_to_anchor=(0.32, -0.62), ncol=2, fontsize=8.5)
    fig.tight_layout(h_pad=1.6)
    return fig


def precedents_table(precedents: pd.DataFrame) -> pd.DataFrame:
    """Settlements with their dates and areas, one row per source figure (disagreeing sources side by side)."""
    from kurils.text import fmt_date

    def when(value) -> str:
        return fmt_date(value) if pd.notna(value) else "–"

    split = {"about_half": "about half each (per source)"}
    return pd.DataFrame({
        "Settlement": precedents["instrument"].to_list(),
        "Parties": precedents["parties"].to_list(),
        "Signed": [when(v) for v in precedents["date_signed"]],
        "In force": [when(v) for v in precedents["date_in_force"]],
        "Area in dispute (km²)": precedents["area_in_dispute_km2"].astype(float).to_list(),
        "To first party (km²)": precedents["area_to_a_km2"].astype(float).to_list(),
        "First party": precedents["party_a"].to_list(),
        "Split": [split.get(s, "–") if isinstance(s, str) else "–" for s in precedents["split_reported"]],
        "Source": [link(u, t) for u, t in zip(precedents["source_url"], precedents["source_title"])],
    })


def precedents_chart(precedents: pd.DataFrame, shown: list[str], kurils_km2: float, kurils_label: str):
    """Areas in dispute of the chosen precedent rows against the four islands' land area (log scale)."""
    import matplotlib.pyplot as plt

    from kurils import style

    rows = precedents.set_index("id").loc[shown]
    names = [f"{r.parties.replace('; ', '–')} ({pd.Timestamp(r.date_signed).year}, {r.area_kind})" for r in rows.itertuples()]
    values = rows["area_in_dispute_km2"].astype(float).to_list()
    notes = ["split about in half" if s == "about_half" else "" for s in rows["split_reported"]]
    colours = [style.ROLE_COLOURS["neutral"]] * len(rows)  # an area split between two parties: no party colour
    names.append(kurils_label)
    values.append(kurils_km2)
    notes.append("in dispute")
    colours.append(style.ROLE_COLOURS["disputed"])
    y = np.arange(len(values))[::-1]
    fig, ax = plt.subplots(figsize=(7.2, 0.55 * len(values) + 1.3))
    ax.barh(y, values, color=colours, height=0.6)
    for yi, v, note in zip(y, values, notes):
        ax.text(v * 1.15, yi, f"{v:,.0f} km²" + (f" – {note}" if note else ""), va="center", fontsize=8.5, color=style.INK)
    ax.set_xscale("log")
    ax.set_xlim(100, max(values) * 8)
    ax.xaxis.set_major_formatter(plt.FuncFormatter(lambda v, _: f"{v:,.0f}"))
    ax.set_yticks(y, style.wrap_labels(names, 24), fontsize=9)
    ax.set_xlabel("Area (km², logarithmic scale)")
    ax.grid(axis="y", visible=False)
    ax.grid(axis="x", visible=True, which="major")
    ax.set_title("Russia's split settlements and the area in dispute with Japan", fontsize=11)
    return fig


def equal_split(area: pd.Series, *, keep_whole: tuple[str, ...] = ("habomai", "shikotan", "kunashiri"),
                cut: str = "etorofu", total: str = "northern_territories") -> dict[str, float]:
    """Arithmetic of an equal split of the land: half the total, and how much of ``cut`` the other islands leave.

    ``area`` holds official areas by island id (e.g. ``islands.official(facts, "area_km2")``). Returns
    the half, the area of the islands kept whole, the part of ``cut`` needed to reach the half, and
    that part as a share of ``cut``. A pure calculation, not a proposal.
    """
    half = float(area[total]) / 2
    whole = float(area[list(keep_whole)].sum())
    part = half - whole
    if not 0 <= part <= float(area[cut]):
        raise ValueError("the islands kept whole do not leave a part of the cut island to reach half")
    return {"half_km2": half, "whole_km2": whole, "part_km2": part, "part_share_pct": 100 * part / float(area[cut])}


#: Topic groups for the side-by-side table of stated positions (label -> topics in legal_positions).
TOPIC_GROUPS = {
    "Title: the war's outcome and sovereignty": ["sovereignty", "war_outcome"],
    "The 1951 San Francisco treaty": ["san_francisco"],
    "The 1956 Declaration and the conditions on it": ["declaration_1956", "memorandum_1960", "alliance"],
    "Russia's 2020 constitutional amendment": ["art67"],
    "The talks since 2022": ["talks"],
}
SIDES = {"japan": "Tokyo", "russia": "Moscow", "united_states": "Washington"}


def _entry(row: pd.Series) -> Markup:
    """One statement as HTML: our summary, then who and when (linked to the source), then the quote if any."""
    year = f", {pd.Timestamp(row['date']).year}" if pd.notna(row["date"]) else ""
    cited = f'<a href="{html.escape(row["source_url"], quote=True)}">{html.escape(row["speaker"])}{year}</a>'
    quote = ""
    if isinstance(row["excerpt"], str) and row["excerpt"]:
        quote = f"<br><small>“{html.escape(row['excerpt'])}”</small>"
    return Markup(f"{html.escape(row['summary'])} ({cited}){quote}")


def side_by_side(positions: pd.DataFrame, sides: tuple[str, ...] = ("japan", "russia", "united_states")) -> pd.DataFrame:
    """Governments' stated positions by topic, one column per side, each statement linked to its source."""
    records = []
    for label, topics in TOPIC_GROUPS.items():
        rows = positions[positions["topic"].isin(topics)].sort_values(["date", "id"], na_position="last")
        record = {"Question": label}
        for side in sides:
            entries = [_entry(r) for _, r in rows[rows["side"] == side].iterrows()]
            record[SIDES[side]] = Markup("<br><br>").join(entries) if entries else "–"
        records.append(record)
    return pd.DataFrame.from_records(records)
