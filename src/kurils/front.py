"""Front and back matter: the argument in brief, the six perspectives and the conclusion.

Three pages read the whole book's data rather than one chapter's:

* ``book/summary.md`` glues the key numbers of every chapter (:func:`key_numbers`, :func:`kurils.text.glue_all`);
* ``book/perspectives.md`` sets out the statements of Tokyo, Moscow, Beijing, Washington, the former
  residents and the Ainu (``data/positions.csv``, plus the government statements already quoted in
  ``data/legal_positions.csv``, see :func:`statements`);
* ``book/conclusion.md`` weighs the settlement options (:func:`options_table`) with the same numbers.

Every number comes from a table through the chapters' own helpers (``kurils.islands``, ``history``,
``legal``, ``okhotsk``, ``economy``); nothing here types a value.
"""

from __future__ import annotations

import html
import math
import re
from functools import lru_cache
from urllib.parse import urlparse

import pandas as pd
from markupsafe import Markup

from kurils import data, economy, history, islands, legal, okhotsk, text

#: The seven perspectives, in the order the pages show them.
ACTORS = {
    "tokyo": "Tokyo",
    "moscow": "Moscow",
    "beijing": "Beijing",
    "washington": "Washington",
    "former_residents": "The former residents",
    "ainu": "The Ainu",
    "current_residents": "The islands' residents",
}
CAPITALS = ("tokyo", "moscow", "beijing", "washington")
TOPICS = {
    "sovereignty": "Sovereignty and title",
    "1956_declaration": "The 1956 Declaration",
    "peace_treaty": "The peace treaty and the talks",
    "military": "Military",
    "economic_cooperation": "Economic cooperation",
    "sanctions": "Sanctions",
    "other": "Other",
}
#: legal_positions.side -> actor, and legal_positions.topic -> topic, for showing both tables together.
LEGAL_ACTORS = {"japan": "tokyo", "russia": "moscow", "united_states": "washington"}
LEGAL_TOPICS = {
    "sovereignty": "sovereignty", "war_outcome": "sovereignty", "san_francisco": "sovereignty",
    "declaration_1956": "1956_declaration", "memorandum_1960": "1956_declaration", "alliance": "military",
    "art67": "sovereignty", "penalties": "other", "talks": "peace_treaty",
}
LANGUAGES = {"en": "English", "ja": "Japanese", "ru": "Russian", "zh": "Chinese"}
#: The statement shown for each actor in the side-by-side cards (the book's choice: a core position,
#: in the speaker's words, as recent as the data allow).
KEY_QUOTES = {
    "tokyo": "tokyo_mofa_basic_policy",
    "moscow": "moscow_zakharova_2019_olympics",
    "beijing": "beijing_zhao_2021_07",
    "washington": "washington_emanuel_2022",
    "former_residents": "former_residents_fukao_2023",
    "ainu": "ainu_pirika_2005",
    "current_residents": "residents_remezovskaya_2019",
}
#: Chapters the front and back matter summarise (file names under book/).
CHAPTERS = ("islands", "history", "negotiations", "legal", "okhotsk", "economy")
MAX_WORDS = 40

_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


# ----------------------------------------------------------------------------------------------------
# Quotes


def word_count(quote: str) -> int:
    """Words in a quote, for the book's 40-word limit on quotations.

    Words are runs of letters or digits between spaces or dashes; in Japanese and Chinese, which are
    written without spaces, every two characters (kanji, kana, hanzi) count as one word, roughly
    their density against English. Punctuation and the omission mark […] do not count.
    """
    cjk = len(_CJK.findall(quote))
    rest = _CJK.sub(" ", quote)
    words = [w for w in re.split(r"[\s—–]+", rest) if re.search(r"\w", w)]
    return len(words) + math.ceil(cjk / 2)


def long_quotes(frame: pd.DataFrame, columns=("quote", "quote_en"), limit: int = MAX_WORDS) -> list[str]:
    """'id: column (n words)' for every quote longer than ``limit`` words."""
    out = []
    for col in columns:
        for rid, value in zip(frame["id"], frame[col]):
            if isinstance(value, str) and word_count(value) > limit:
                out.append(f"{rid}: {col} ({word_count(value)} words)")
    return out


def normalise(quote: str) -> str:
    """A quote reduced to letters and digits, lower case, for spotting the same words in two tables."""
    return re.sub(r"[\W_]+", "", str(quote)).lower()


def rule_problems(positions: pd.DataFrame, legal_positions: pd.DataFrame) -> list[str]:
    """Rules of positions.csv beyond its schema; an empty list when all hold.

    Translations: a quote not in English has an English rendering and says whose; one in English has
    none; a rendering from another page names it. Dates: a date has a precision and vice versa. Quotes:
    at most 40 words, and none repeats (or contains, or is contained in) a quote of legal_positions.
    """
    problems = long_quotes(positions)
    for _, r in positions.iterrows():
        rid, lang = r["id"], r["quote_lang"]
        has_en = pd.notna(r["quote_en"]) and r["quote_en"] != ""
        by = r["quote_en_by"] if pd.notna(r["quote_en_by"]) else None
        if lang != "en" and not (has_en and by):
            problems.append(f"{rid}: quote in {lang} needs quote_en and quote_en_by")
        if lang == "en" and (has_en or by):
            problems.append(f"{rid}: English quote needs no quote_en/quote_en_by")
        if (by == "other") != pd.notna(r["quote_en_url"]):
            problems.append(f"{rid}: quote_en_url is required exactly when quote_en_by is 'other'")
        if pd.isna(r["date"]) != pd.isna(r["date_precision"]):
            problems.append(f"{rid}: date and date_precision go together")
    theirs = [(i, normalise(q)) for i, q in zip(legal_positions["id"], legal_positions["excerpt"]) if pd.notna(q)]
    for rid, quote in zip(positions["id"], positions["quote"]):
        mine = normalise(quote)
        for lid, other in theirs:
            if len(other) > 8 and (other in mine or mine in other):
                problems.append(f"{rid}: repeats the quote of legal_positions row {lid}")
    return problems


# ----------------------------------------------------------------------------------------------------
# The perspectives page


def from_legal(legal_positions: pd.DataFrame) -> pd.DataFrame:
    """Government statements with a verbatim excerpt from legal_positions, in the columns of positions.

    Commentators and statements without a quote are left out; topics are mapped with ``LEGAL_TOPICS``.
    The legal table has no English renderings, so ``quote_en`` stays empty for its Japanese and
    Russian excerpts (its summary says what they mean).
    """
    rows = legal_positions[legal_positions["side"].isin(list(LEGAL_ACTORS)) & legal_positions["excerpt"].notna()]
    return pd.DataFrame({
        "id": rows["id"], "actor": rows["side"].map(LEGAL_ACTORS), "speaker": rows["speaker"],
        "date": rows["date"], "date_precision": rows["date_precision"], "topic": rows["topic"].map(LEGAL_TOPICS),
        "quote": rows["excerpt"], "quote_lang": rows["excerpt_language"], "quote_is_translation": pd.NA,
        "quote_en": pd.NA, "quote_en_by": pd.NA, "quote_en_url": pd.NA, "summary": rows["summary"],
        "source_url": rows["source_url"], "source_title": rows["source_title"], "accessed": rows["accessed"],
        "note": rows["note"], "table": "legal_positions",
    }).reset_index(drop=True)


def statements(positions: pd.DataFrame, legal_positions: pd.DataFrame) -> pd.DataFrame:
    """Both tables' statements, by actor (in ``ACTORS`` order) and date (undated last)."""
    mine = positions.assign(table="positions")
    both = pd.concat([mine, from_legal(legal_positions)], ignore_index=True)
    both["_order"] = both["actor"].map({a: i for i, a in enumerate(ACTORS)})
    return both.sort_values(["_order", "date", "id"], na_position="last").drop(columns="_order").reset_index(drop=True)


def date_label(date, precision) -> str:
    """'20 February 2026', 'June 1992', '1955' or 'undated'."""
    if pd.isna(date):
        return "undated"
    return text.fmt_date(date, precision if isinstance(precision, str) else "day")


def host(url: str) -> str:
    """The site of a URL without 'www.': 'mofa.go.jp'."""
    return urlparse(url).netloc.removeprefix("www.")


def _link(url: str, label: str, title: str | None = None) -> str:
    return text.link(url, label, title)


def translation_label(row: pd.Series) -> str:
    """Who rendered the English: the source, another page (linked), or this book."""
    by = row["quote_en_by"]
    if by == "book":
        return "translation: this book"
    if by == "source":
        return "translation: the source"
    if by == "other":
        return "translation: " + _link(row["quote_en_url"], host(row["quote_en_url"]))
    return ""


def quote_html(row: pd.Series) -> Markup:
    """The quote as published (marked with its language), then the English rendering and whose it is."""
    lang = row["quote_lang"]
    out = f'<q lang="{html.escape(lang)}">{html.escape(row["quote"])}</q>'
    flag = row.get("quote_is_translation")
    if pd.notna(flag) and bool(flag):
        out += f"<br><small>(published in {LANGUAGES[lang]} translation)</small>"
    if isinstance(row["quote_en"], str) and row["quote_en"]:
        out += f'<br><small><q lang="en">{html.escape(row["quote_en"])}</q> ({translation_label(row)})</small>'
    elif lang != "en":
        out += "<br><small>(no English rendering in the data; see the summary)</small>"
    return Markup(out)  # built from escaped parts: kurils.text.table keeps it as HTML


def actor_table(statements_: pd.DataFrame, actor: str) -> pd.DataFrame:
    """One actor's statements for a page: when, who and where (linked to the source), the words, our summary."""
    rows = statements_[statements_["actor"] == actor]
    return pd.DataFrame({
        "When and who": [Markup(f"<strong>{html.escape(date_label(d, p))}</strong><br>{html.escape(s)}<br>"
                                f"<small>Source: {_link(u, host(u), t)}</small>")
                         for d, p, s, u, t in zip(rows["date"], rows["date_precision"], rows["speaker"],
                                                  rows["source_url"], rows["source_title"])],
        "In their words": [quote_html(r) for _, r in rows.iterrows()],
        "In our words": [Markup(html.escape(s) + (" <small>(also in the legal chapter)</small>" if t == "legal_positions" else ""))
                         for s, t in zip(rows["summary"], rows["table"])],
    })


def wrapping_table(frame: pd.DataFrame, *, uid: str, caption: str):
    """A page table (:func:`kurils.text.table`) whose last column wraps like the others.

    The book's stylesheet keeps a table's last column on one line (dates, links); these tables end
    with prose or a long count, which must wrap to keep the table within the page on phones.
    """
    return text.table(frame, uid=uid, caption=caption).set_table_styles(
        [{"selector": "td:last-child", "props": "white-space: normal;"},
         {"selector": "td", "props": "overflow-wrap: break-word;"}], overwrite=False)


def statements_table(statements_: pd.DataFrame, actor: str, *, caption: str):
    """:func:`actor_table` as a page table, its prose columns wrapping."""
    return wrapping_table(actor_table(statements_, actor), uid=f"perspectives-{actor.replace('_', '-')}",
                          caption=caption).set_table_styles(
        [{"selector": "td:first-child", "props": "width: 25%;"}], overwrite=False)


#: Short column heads for the topic table.
SHORT_ACTORS = {"tokyo": "Tokyo", "moscow": "Moscow", "beijing": "Beijing", "washington": "Washington",
                "former_residents": "Former residents", "ainu": "Ainu", "current_residents": "Residents"}


def in_period(statements_: pd.DataFrame, since=None, until=None) -> pd.DataFrame:
    """The statements dated from ``since`` (inclusive) to ``until`` (exclusive); both ``None``: all of them.

    Bounds are anything ``pd.Timestamp`` reads, or a year as an int (``2022`` is 1 January 2022).
    Once a bound is given, undated statements are left out: they cannot be placed in a period.
    """
    if since is None and until is None:
        return statements_
    dates = statements_["date"]
    keep = dates.notna()
    if since is not None:
        keep &= dates >= pd.Timestamp(str(since))
    if until is not None:
        keep &= dates < pd.Timestamp(str(until))
    return statements_[keep]


def topic_counts(statements_: pd.DataFrame, since=None, until=None) -> pd.DataFrame:
    """How many statements each actor has on each topic (rows: topics with any statement, then all; columns: actors).

    ``since`` and ``until`` restrict the count to a period (:func:`in_period`); every actor keeps its
    column, with zeros where it has no statement in the period.
    """
    statements_ = in_period(statements_, since, until)
    table = pd.crosstab(statements_["topic"].map(TOPICS), statements_["actor"].map(SHORT_ACTORS))
    table = table.reindex(index=[t for t in TOPICS.values() if t in table.index], columns=list(SHORT_ACTORS.values()))
    table = table.fillna(0).astype(int)
    table.loc["All topics"] = table.sum(axis=0)
    return table.rename_axis(None, axis=0).rename_axis(None, axis=1).reset_index(names="Topic")


#: Wordings to look for in the statements: a name -> a case-insensitive pattern in the four languages of the
#: quotes (English, Russian, Japanese, Chinese in simplified and traditional characters). Characters no quote
#: uses are written as Unicode escapes, so that the book's subset fonts need not carry them.
WORDINGS = {
    "war": r"\bwars?\b|войн|戦\u4e89|大戦|\u6218\u4e89|戰爭",
    "sovereignty": r"sovereign|суверен|主権|主\u6743|主\u6b0a",
    "inherent": r"inherent|integral|固有|исконн|неотъемлем",
    "peace treaty": r"peace treaty|мирн\w* договор|平和条約|和平条\u7ea6|和約",
    "occupation": r"occup|оккуп|占領|占\u9886|\u4f54領",
}


def wording_counts(statements_: pd.DataFrame, wording: str = "war", columns=("quote", "quote_en")) -> pd.DataFrame:
    """How many of each actor's statements use a wording, in the quote as published or its English rendering.

    ``wording`` is a name in :data:`WORDINGS` or a regular expression of one's own (case-insensitive).
    One row per actor in :data:`ACTORS` order: its statements (``Quotes``), how many use the wording, and
    the share in per cent (short column names, so that the table fits a phone).
    The quotes are short excerpts chosen for the page, not whole speeches: a count says what the page
    shows, not how often a government uses the words.
    """
    pattern = WORDINGS.get(wording, wording)
    words = statements_[list(columns)].fillna("").astype(str).agg(" ".join, axis=1)
    hit = words.str.contains(pattern, case=False, regex=True)
    total = statements_.groupby("actor").size().reindex(list(ACTORS), fill_value=0)
    using = statements_[hit].groupby("actor").size().reindex(list(ACTORS), fill_value=0)
    share = (100 * using / total.where(total > 0)).round(0).astype("Int64")  # no statements: shown as –
    return pd.DataFrame({"Perspective": [ACTORS[a] for a in ACTORS], "Quotes": total.to_numpy(),
                         f"Using “{wording}”": using.to_numpy(), "%": share.to_numpy()})


def card_md(row: pd.Series) -> text.md:
    """A statement as markdown for a card: the quote, its English, then who and when, linked.

    The quote, translation and speaker are data text, escaped (:func:`kurils.text.md_escape`)."""
    esc = text.md_escape
    parts = [f"“{esc(row['quote'])}”"]
    if isinstance(row["quote_en"], str) and row["quote_en"]:
        parts.append(f"*“{esc(row['quote_en'])}”*")
    parts.append(f"— {esc(row['speaker'])}, {esc(date_label(row['date'], row['date_precision']))} "
                 f"({text.md_link(row['source_url'], host(row['source_url']))})")
    return text.md("\n\n".join(parts))


def perspective_values(t: dict[str, pd.DataFrame] | None = None) -> dict:
    """Everything the perspectives page glues: counts, the cards, the former residents' numbers, the data date."""
    t = t or tables()
    positions, legal_positions = t["positions"], t["legal_positions"]
    both = statements(positions, legal_positions)
    people = history.people_numbers(t["population"], t["island_facts"])
    key = positions.set_index("id")
    values: dict = {
        "current_to": text.data_current_to(positions, legal_positions),
        "n_positions": len(positions),
        "n_legal_quotes": int((both["table"] == "legal_positions").sum()),
        "n_statements": len(both),
        "n_book_translations": int((positions["quote_en_by"] == "book").sum()),
        "n_undated": int(positions["date"].isna().sum()),
        "n_published_translations": int(positions["quote_is_translation"].fillna(False).sum()),
        "alive_last": people["alive_last"],
        "alive_last_date": text.fmt_date(people["alive_last_date"], people["alive_last_precision"]),
        "age_at_alive_last": people["age_at_alive_last"], "age_at_alive_last_text": people["age_at_alive_last_text"],
        "pop45_total": people["residents_1945"],
    }
    for actor in ACTORS:
        values[f"n_{actor}"] = int((both["actor"] == actor).sum())
        values[f"card_{actor}"] = card_md(key.loc[KEY_QUOTES[actor]])
    # the exercises' readings: who speaks after the break of 2022, and who speaks of the war
    recent = in_period(both, since=BREAK_YEAR)
    values["n_since_break"] = len(recent)
    values["quiet_since_break"] = _actors_phrase(a for a in ACTORS if a not in set(recent["actor"]))
    war = wording_counts(both, "war").set_index("Perspective")["Using “war”"]
    values["war_wording_actors"] = _actors_phrase(a for a in ACTORS if war[ACTORS[a]] > 0)
    return values


#: The year Moscow broke off the peace-treaty talks: the period bound the exercises start from.
BREAK_YEAR = 2022


def _actors_phrase(actors) -> str:
    """'Moscow and Beijing', 'the Ainu and the islands' residents' (ACTORS labels, lower-case 'the'), or 'none'."""
    labels = [ACTORS[a][0].lower() + ACTORS[a][1:] if ACTORS[a].startswith("The ") else ACTORS[a] for a in actors]
    return okhotsk.join_and(labels) if labels else "none"


# ----------------------------------------------------------------------------------------------------
# Key numbers for the summary and the conclusion


@lru_cache(maxsize=1)
def _tables() -> dict[str, pd.DataFrame]:
    names = ["island_facts", "population", "timeline", "legal_effects", "legal_positions", "penalties", "precedents",
             "straits", "trade", "energy", "polls", "cooperation", "analogy", "positions",
             "meetings", "meeting_counts", "documents", "proposals", "bluebook_wording", "settlement_polls",
             "leaders", "legal_instruments", "scenarios"]
    return {n: data.load(n) for n in names}


def tables() -> dict[str, pd.DataFrame]:
    """The validated tables the three pages read (loaded once per kernel)."""
    return dict(_tables())


def trade_years(trade: pd.DataFrame, reporter: str = "japan_customs") -> pd.DataFrame:
    """Calendar years with both flows in one currency from one reporter: exports, imports, total (billions).

    Where one reporter has several rows for a year (the Ministry's table and a press report of its
    preliminary release), the row the economy chapter's chart draws is used (economy.trade_chart_rows).
    """
    rows = economy.trade_chart_rows(trade)
    rows = rows[(rows["reporter"] == reporter) & (rows["period"] == "calendar")]
    wide = rows.pivot_table(index=["year", "currency"], columns="flow", values="value_bn", aggfunc="first").dropna()
    wide["total"] = wide["japan_exports"] + wide["japan_imports"]
    return wide.reset_index()


def money(billions: float, currency: str) -> str:
    """An amount in billions with its currency, as the economy chapter writes it: '¥1,435.5 bn', 'USD 34.8 bn'."""
    return f"¥{billions:,.1f} bn" if currency == "JPY" else f"{currency} {billions:,.1f} bn"


def _exit_scenarios() -> dict[str, tuple]:
    return {**okhotsk.SCENARIOS, "three_islands": ("habomai", "shikotan", "kunashiri")}


def exit_counts(straits: pd.DataFrame) -> dict[str, dict[str, int]]:
    """Okhotsk–Pacific exits Russian on both shores, per scenario of the Okhotsk chapter plus
    ``three_islands`` (Habomai, Shikotan and Kunashiri: the part of an equal split kept whole)."""
    summary = okhotsk.strait_summary(straits)
    return okhotsk.scenario_counts(summary, okhotsk.control_by_scenario(summary, _exit_scenarios()))


def exit_changes(straits: pd.DataFrame) -> dict[str, list[str]]:
    """Per scenario (as :func:`exit_counts`): the straits in the data whose status differs from today."""
    summary = okhotsk.strait_summary(straits)
    control = okhotsk.control_by_scenario(summary, _exit_scenarios())
    return {name: okhotsk.strait_changes(control, name) for name in control.columns}


def key_numbers(t: dict[str, pd.DataFrame] | None = None) -> dict:
    """Every value the summary and conclusion pages glue, by name: numbers, dates and short phrases.

    Names say where a value comes from; the unit is in the prose. Dates are Timestamps (day
    precision) or ready-made strings where the source gives less.
    """
    t = t or tables()
    facts, pop, tl = t["island_facts"], t["population"], t["timeline"]
    v: dict = {"current_to": text.data_current_to(*t.values())}

    # the islands
    area = islands.official(facts, "area_km2")
    v["area_total"] = float(area["northern_territories"])
    for island_id in islands.FOUR:
        v[f"area_{island_id}"] = float(area[island_id])
    v["share_two"] = 100 * (area["habomai"] + area["shikotan"]) / area["northern_territories"]
    v["share_etorofu"] = 100 * area["etorofu"] / area["northern_territories"]
    v["pop45_total"] = float(islands.official(facts, "population_1945")["northern_territories"])
    recent = facts[(facts["metric"] == "population") & (facts["island_id"] == "northern_territories")].iloc[0]
    v["recent_total"] = float(recent["value"])
    v["recent_as_of"] = text.fmt_date(recent["as_of"], recent["as_of_precision"])

    # history: people and turning points
    people = history.people_numbers(pop, facts)
    for key in ["alive_first", "alive_first_date", "alive_last", "alive_last_date", "alive_last_share",
                "age_at_alive_last"]:
        v[key] = people[key]
    v["alive_last_date"] = text.fmt_date(people["alive_last_date"], people["alive_last_precision"])
    v["age_at_alive_last_text"] = people["age_at_alive_last_text"]  # "over 89" when the source gives a lower bound only
    if "alive_prelim" in people:
        v["alive_prelim"], v["alive_prelim_date"] = people["alive_prelim"], people["alive_prelim_date"]
    for event_id in ["treaty_shimoda_1855", "habomai_occupied_1945", "joint_declaration_signed_1956",
                     "soviet_memorandum_1960", "constitution_2020", "russia_ends_talks_2022", "singapore_2018",
                     "takaichi_nt_day_2026"]:
        v[f"date_{event_id}"] = history.event_date(tl, event_id)
    v["n_events"] = len(tl)
    two = history.bilateral(tl)
    v["n_bilateral_postwar"] = int((two["date"] >= pd.Timestamp("1945-09-01")).sum())

    # the law
    split = legal.equal_split(area)
    for key, value in split.items():
        v[f"split_{key}"] = value
    pen = t["penalties"]
    for pid in ["koap_20_3_2_p1_citizen", "koap_20_3_2_p2_citizen", "uk_280_1_2020_fine", "uk_280_2_prison"]:
        row = legal.penalty(pen, pid)
        v[f"{pid}_min"], v[f"{pid}_max"] = float(row["min_value"]), float(row["max_value"])
    v["uk_280_1_2020_prison_max"] = float(legal.penalty(pen, "uk_280_1_2020_prison")["max_value"])
    aso = t["legal_positions"].set_index("id").loc["japan_aso_2006_equal_area"]  # the equal split floated in the Diet
    v["aso_equal_area_date"] = text.fmt_date(aso["date"], aso["date_precision"])
    prec = t["precedents"].set_index("id")
    v["cn_ru_2004_area"] = float(prec.at["cn_ru_2004_supplementary_total", "area_in_dispute_km2"])
    v["no_ru_2010_area"] = float(prec.at["no_ru_2010_barents", "area_in_dispute_km2"])
    v["kurils_vs_cn"] = v["area_total"] / v["cn_ru_2004_area"]

    # the sea
    counts = exit_counts(t["straits"])
    for name in ["status_quo", "habomai_shikotan", "three_islands", "etorofu", "all_four"]:
        for k, value in counts[name].items():
            v[f"exits_{name}_{k}"] = value
    # the straits Habomai and Shikotan border: their status changes with the 1956 handover
    changed = exit_changes(t["straits"])["habomai_shikotan"]
    v["straits_two_islands_changed"] = okhotsk.join_and(okhotsk.STRAIT_LABELS[s] + " Strait" for s in changed)
    v["n_straits_two_islands_changed"] = len(changed)

    # the economy
    trade, energy, polls = t["trade"], t["energy"], t["polls"]
    peak = economy.usd_peak(trade)
    v["peak_year"], v["peak_total"] = peak["year"], peak["total"]
    years = trade_years(trade)
    latest = years.sort_values("year").iloc[-1]
    v["trade_latest_year"], v["trade_latest_total"] = int(latest["year"]), float(latest["total"])
    before = years[(years["currency"] == latest["currency"]) & (years["year"] < 2022)].sort_values("year").iloc[-1]
    v["trade_prewar_year"], v["trade_prewar_total"] = int(before["year"]), float(before["total"])
    v["trade_fall_pct"] = 100 * (1 - latest["total"] / before["total"])
    v["peak_money"] = money(peak["total"], "USD")
    # the high point in Japan's own yen statistics (one reporter, 1995-2025), which differs from the dollar one
    jp = economy.jpy_peak(trade)
    v["jpy_peak_year"], v["jpy_peak_total"] = jp["year"], jp["total"]
    v["jpy_peak_money"] = money(jp["total"], "JPY")
    v["trade_latest_money"] = money(latest["total"], latest["currency"]) + (
        " (provisional)" if economy.trade_is_provisional(trade, int(latest["year"])) else "")
    v["trade_prewar_money"] = money(before["total"], before["currency"])
    v["share_of_japan_trade_2012"] = economy.indicator(t["analogy"], "japan_russia",
                                                        "share_of_total_trade_japan_with_russia_pct", 2012)
    # the same energy shares the economy chapter glues (Japan Customs volumes where the series has the year)
    shares = economy.energy_share_numbers(energy)
    v.update({name: shares[name] for name in ["lng_2021", "lng_2023", "crude_2021", "crude_2025"]})
    lev = lambda d, a: economy.pick(polls, "share_pct", question_id="levada_transfer", answer_en=a, fieldwork_date=d)
    v["lev_2016"] = lev("2016-05-01", "rather support a handover")
    v["lev_for_2018"] = lev("2018-11-22", "rather support a handover")
    v["lev_against_2018"] = lev("2018-11-22", "rather oppose a handover")
    v["aff_2023"] = economy.pick(polls, "share_pct", question_id="jp_cao_affinity_russia", answer_en="feel affinity",
                                 fieldwork_date="2023-09-01")
    coop = t["cooperation"]
    v["visa_free_total"] = economy.pick(coop, "value", id="visa_free_participants_total")
    v["pilot_n"] = economy.pick(coop, "value", id="pilot_tour_held")
    pilot = coop[coop["id"] == "pilot_tour_held"].iloc[0]
    v["pilot_date"] = text.fmt_date(pilot["date"], pilot["date_precision"])
    ms = economy.milestones(t["analogy"]).set_index("indicator")
    v["yrs_saar_joins_frg"] = float(ms.at["saar_joins_frg", "years_since_war"])
    v["yrs_russia_halts_peace_talks"] = float(ms.at["russia_halts_peace_talks", "years_since_war"])

    # the negotiations (its chapter's key numbers, prefixed)
    from kurils import negotiations

    neg = negotiations.key_numbers({name: t[name] for name in negotiations.TABLES})
    for key in ("n_meetings", "n_abe_putin", "n_proposals", "lgap_from", "lgap_to", "n_fm_1973_1991"):
        v[f"neg_{key}"] = neg[key]
    return v


glue_all = text.glue_all  # one glue loop for the book (kept here for the pages that call front.glue_all)


# ----------------------------------------------------------------------------------------------------
# The conclusion: settlement options side by side

#: Options of the legal chapter -> the Okhotsk scenario whose exit counts apply, and a qualifier for the count.
OPTION_EXITS = {
    "status_quo": ("status_quo", ""),
    "two_islands": ("habomai_shikotan", ""),
    "two_plus_alpha": ("habomai_shikotan", ""),
    "equal_split": ("three_islands", " or fewer"),
    "all_four": ("all_four", ""),
}
#: Short names of the options for the table (the legal chapter's OPTIONS describe them in full).
OPTION_NAMES = {"status_quo": "Status quo", "two_islands": "Two islands", "two_plus_alpha": "Two plus alpha",
                "equal_split": "Equal split", "all_four": "All four"}


def land_share(option: str, values: dict) -> str:
    """Share of the disputed land that would pass to Japan under an option (Japan's official areas)."""
    if option == "two_plus_alpha":
        return f"{values['share_two']:.1f} % and an arrangement"
    shares = {"status_quo": 0.0, "two_islands": values["share_two"], "equal_split": 50.0, "all_four": 100.0}
    return f"{shares[option]:.1f} %" if 0 < shares[option] < 100 else f"{shares[option]:.0f} %"


def effect_label(effects: pd.DataFrame, instrument_id: str, option: str, reading: str = "wording") -> str:
    """What a text does to an option under a reading (label as in the legal chapter), or '–'."""
    rows = effects[(effects["instrument_id"] == instrument_id) & (effects["option"] == option)
                   & (effects["reading"] == reading)]
    if rows.empty:
        return "–"
    return ", ".join(legal.EFFECTS[e][0] for e in rows["effect"].unique())


def options_table(values: dict, effects: pd.DataFrame) -> pd.DataFrame:
    """The five settlement options with land share, what the key texts say and the Okhotsk exits.

    Exits count Okhotsk–Pacific exits with Russian land on both shores. Two plus alpha is counted as
    two islands (the arrangement moves no land); the equal split as Habomai, Shikotan and Kunashiri,
    whose counts the part of Etorofu/Iturup that also moves can only lower ("or fewer").
    """
    records = []
    for option in legal.OPTIONS:
        scenario, qualifier = OPTION_EXITS[option]
        wording = effect_label(effects, "ru_constitution_art67_2_1_ru", option)
        moscow = effect_label(effects, "ru_constitution_art67_2_1_ru", option, "moscow")
        records.append({
            "Option": OPTION_NAMES[option],
            "Land to Japan": land_share(option, values),
            "1956 Declaration": effect_label(effects, "jp_ussr_joint_declaration_1956_art9", option),
            "Russia's Constitution": wording + ("" if moscow == "–" else f"; Moscow: {moscow}"),
            "Exits Russian on both shores": (f"{values[f'exits_{scenario}_russian']} of "
                                             f"{values[f'exits_{scenario}_total']} (deep: "
                                             f"{values[f'exits_{scenario}_russian_deep']} of "
                                             f"{values[f'exits_{scenario}_deep']}){qualifier}"),
        })
    return pd.DataFrame.from_records(records)


def doc_links(page_text: str) -> list[str]:
    """Targets of every {doc} link in a page's MyST text (``{doc}`legal``` or ``{doc}`text <legal>```)."""
    out = []
    for target in re.findall(r"\{doc\}`([^`]+)`", page_text):
        m = re.search(r"<([^>]+)>\s*$", target)
        out.append((m.group(1) if m else target).strip())
    return out


def glue_names(page_text: str) -> set[str]:
    """Names pasted by {glue:text}, {glue:md} and {glue} roles and glue directives in a page (format specs stripped)."""
    roles = re.findall(r"\{glue(?::text|:md|:any)?\}`([^`:]+)(?::[^`]*)?`", page_text)
    directives = re.findall(r"^```\{glue(?::text|:md|:any|:figure)?\}\s+(\S+)", page_text, flags=re.M)
    return set(roles) | set(directives)
