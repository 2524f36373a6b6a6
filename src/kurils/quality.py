"""The "Sources and their quality" page: which tables each chapter reads, the mix of source kinds
per chapter and overall, the rows still on weak sources, and the method, all computed from the data
when the book is built (the numbers change whenever a row is re-sourced).

The rules themselves (kinds, blocked hosts, the state-media rule, the targets) live in
:mod:`kurils.sources`; this module only measures and presents them.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import pandas as pd
from markupsafe import Markup
import yaml

from kurils import sources
from kurils.text import link, md
from kurils.paths import book_root

#: Parts of ``_toc.yml`` whose pages are chapters (the Reference part is back matter).
CHAPTER_PARTS = ("Overview", "The dispute", "Assessment")

def _front_tables() -> list[str]:
    from kurils import front

    return list(front.tables())


def _claims_tables() -> list[str]:
    from kurils import claims

    return list(claims.load_tables())


#: Helper calls through which a page loads tables (a regular expression matched against the page's
#: text) and the function that names those tables: the names come from the helper, not a copy here.
#: ``front.key_numbers()`` and ``front.perspective_values()`` read ``front.tables()`` when given none.
HELPER_LOADS = {
    r"front\.(tables|key_numbers|perspective_values)\(\)": _front_tables,
    r"claims\.load_tables\(\)": _claims_tables,
}

#: Kind order and colours of the chart: strong kinds in blues and greens, press in sky blue,
#: state media in orange, weak kinds in vermillion and purple (Okabe–Ito throughout).
KIND_COLOURS = {
    "official": "#0072B2", "legal_text": "#004B75", "statistics": "#56B4E9", "scholarly": "#009E73",
    "think_tank": "#7FCFB9", "press": "#F0E442", "state_media": "#E69F00", "encyclopaedia": "#D55E00",
    "other": "#CC79A7",
}


def chapter_pages(root: Path | None = None) -> list[str]:
    """Page stems of the chapters (the parts in :data:`CHAPTER_PARTS` of ``_toc.yml``), in book order."""
    toc = yaml.safe_load(((root or book_root()) / "_toc.yml").read_text(encoding="utf-8"))
    pages = []
    for part in toc.get("parts", []):
        if part.get("caption") in CHAPTER_PARTS:
            pages += [c["file"].split("/")[-1] for c in part.get("chapters", [])]
    return pages


def chapter_tables(root: Path | None = None, *, helpers: dict | None = None) -> dict[str, list[str]]:
    """Chapter stem -> names of the tables it reads, from the page's own code.

    Direct ``data.load("name")`` calls and loads by a list of names are found by
    :func:`kurils.claims.book_index`; pages that load through a helper (``front.tables()``,
    ``claims.load_tables()``) get the tables that helper returns (:data:`HELPER_LOADS`).
    """
    from kurils import claims

    root = root or book_root()
    helpers = HELPER_LOADS if helpers is None else helpers
    index = claims.book_index(root / "book", exclude=())
    out: dict[str, list[str]] = {}
    for page in chapter_pages(root):
        names = [table for table, pages in index.loads.items() if page in pages]
        text = (root / "book" / f"{page}.md").read_text(encoding="utf-8")
        for pattern, loader in helpers.items():
            if re.search(pattern, text):
                names += [n for n in loader() if n not in names]
        out[page] = sorted(dict.fromkeys(names))
    return out


def page_titles(root: Path | None = None) -> dict[str, str]:
    """Page stem -> first heading (for labels and links)."""
    from kurils import claims

    return claims.book_index((root or book_root()) / "book", exclude=()).titles


def chapter_kinds(kinds: pd.DataFrame, chapters: dict[str, list[str]]) -> pd.DataFrame:
    """One row per (chapter, data row of a table it reads): the basis of the per-chapter shares.

    A table read by several chapters counts in each of them; tables left out of the shares
    (:data:`kurils.sources.NOT_EVIDENCE_TABLES`) are not in ``kinds`` and so count nowhere.
    """
    frames = [kinds[kinds["table"].isin(names)].assign(chapter=page) for page, names in chapters.items()]
    return pd.concat(frames, ignore_index=True)


def chapter_shares(kinds: pd.DataFrame, chapters: dict[str, list[str]]) -> pd.DataFrame:
    """Share of rows (0–1) by source kind per chapter, chapters in book order, plus a ``rows`` column."""
    per = chapter_kinds(kinds, chapters)
    shares = sources.shares(per, by="chapter").reindex([c for c in chapters if c in set(per["chapter"])])
    shares["rows"] = per.groupby("chapter").size().reindex(shares.index)
    return shares


#: Label of the whole-book row added by :func:`with_overall`.
OVERALL = "All tables (each row once)"


def with_overall(shares: pd.DataFrame, kinds: pd.DataFrame) -> pd.DataFrame:
    """``shares`` with a first row for the whole book, each data row counted once (index :data:`OVERALL`)."""
    overall = sources.shares(kinds)
    overall.index = [OVERALL]
    overall["rows"] = len(kinds)
    return pd.concat([overall, shares])


def shares_chart(shares: pd.DataFrame, titles: dict[str, str] | None = None):
    """Stacked horizontal bars: one bar per chapter (first at the top), segments by source kind."""
    import matplotlib.pyplot as plt

    from kurils import style

    titles = titles or {}
    labels = [f"{titles.get(c, c)} ({int(n)} rows)" for c, n in zip(shares.index, shares["rows"])]
    fig, ax = plt.subplots(figsize=(8.6, 0.55 * len(shares) + 1.9))
    y = list(range(len(shares)))[::-1]
    left = pd.Series(0.0, index=shares.index)
    for kind in sources.KINDS:
        values = shares[kind] * 100
        ax.barh(y, values, left=left * 100, color=KIND_COLOURS[kind], edgecolor="white", linewidth=0.6,
                label=sources.KIND_LABELS[kind], height=0.7)
        left += shares[kind]
    ax.set_yticks(y, style.wrap_labels(labels, 38))
    ax.set_xlim(0, 100)
    ax.set_xlabel("Share of rows (%)")
    ax.axvline(sources.TARGET_STRONG_MIN * 100, color=style.INK, linestyle="--", linewidth=1)
    ax.text(sources.TARGET_STRONG_MIN * 100, len(shares) - 0.35,
            f" target: official to think tank ≥ {sources.TARGET_STRONG_MIN:.0%}", fontsize=8, va="bottom",
            color=style.INK)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    below = 0.75 / (0.55 * max(len(shares), 1))  # about 0.75 in under the axes, whatever the bar count
    ax.legend(ncol=5, loc="upper center", bbox_to_anchor=(0.45, -below),
              frameon=False, fontsize=8, handlelength=1.2, columnspacing=1.0)
    fig.tight_layout()
    return fig


def shares_table(shares: pd.DataFrame, titles: dict[str, str] | None = None) -> pd.DataFrame:
    """The chart's numbers as a page table: percent per kind, strong and weak totals, rows."""
    titles = titles or {}
    out = pd.DataFrame({"Chapter": [titles.get(c, c) for c in shares.index], "Rows": shares["rows"].astype(int)})
    for kind in sources.KINDS:
        out[sources.KIND_LABELS[kind]] = (shares[kind] * 100).round(0).astype(int)
    out["Strong kinds"] = (shares[list(sources.STRONG_KINDS)].sum(axis=1) * 100).round(0).astype(int)
    out["Encyclopaedia + other"] = (shares[list(sources.WEAK_KINDS)].sum(axis=1) * 100).round(0).astype(int)
    return out.reset_index(drop=True)


def key_numbers(tables: dict[str, pd.DataFrame]) -> dict:
    """Everything the page glues (name -> number or phrase), from every table in ``tables``.

    :func:`kurils.sources.summary` plus the targets, counts and verdicts; how many rows record a search
    (:func:`searched_notes`); sources whose title is in Japanese or Russian (:func:`languages`); the
    number of chapters that read data; the method's rules (:func:`rules_text`) and the currency line.
    """
    from kurils import text

    kinds = sources.kind_table(tables)
    langs = languages(kinds).set_index("Title in")["Sources"]
    numbers = dict(sources.summary(kinds))
    numbers.update(searched_notes(kinds))
    numbers.update({
        "current_to": text.data_current_to(*tables.values()),
        "rules": rules_text(),
        "sources_japanese": int(langs.get("Japanese", 0)),
        "sources_russian": int(langs.get("Russian", 0)),
        "n_chapters": len(chapter_shares(kinds, chapter_tables())),
    })
    numbers.update({
        "strong_pct": numbers["strong_share"] * 100,
        "weak_pct": numbers["weak_share"] * 100,
        "state_media_pct": numbers["state_media_share"] * 100,
        "press_pct": numbers["press_share"] * 100,
        "target_strong_pct": sources.TARGET_STRONG_MIN * 100,
        "target_weak_pct": sources.TARGET_WEAK_MAX * 100,
        "strong_verdict": "meets" if numbers["strong_share"] >= sources.TARGET_STRONG_MIN else "misses",
        "weak_verdict": "meets" if numbers["weak_share"] <= sources.TARGET_WEAK_MAX else "misses",
        "n_tables": int(kinds["table"].nunique()),
        "n_blocked_hosts": len(sources.BLOCKED_HOSTS),
        "n_weak_rows": len(weak_rows(tables)),
    })
    return numbers


def _row_id(table: str, frame: pd.DataFrame, idx) -> str:
    """A row's primary-key values joined by '/', or its CSV line when the table has no key."""
    from kurils import data

    key = data.resource_descriptor(table).get("schema", {}).get("primaryKey", [])
    if not key or not set(key) <= set(frame.columns):
        return f"line {idx + 2}"
    values = []
    for col in (c for c in key if c not in ("source_url", "source_title", "accessed", "source_kind")):
        value = frame.at[idx, col]
        values.append(value.strftime("%Y-%m-%d") if isinstance(value, pd.Timestamp) else str(value))
    return "/".join(values)


def own_statement(table: str, row: pd.Series) -> bool:
    """True when a state-media row records a statement of the state that controls the outlet."""
    actor_col, actor_states = sources.STATEMENT_ACTORS.get(table, (None, {}))
    if not actor_col or actor_col not in row.index:
        return False
    return sources.state_of_outlet(row["source_url"]) == actor_states.get(str(row[actor_col]))


def weak_rows(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Rows still on weak sources, each with its reason (the row's note).

    Weak: encyclopaedia or other, and state media outside its own state's statements. Tables left
    out of the shares (:data:`kurils.sources.NOT_EVIDENCE_TABLES`) are left out here too.
    """
    rows = []
    for name, frame in tables.items():
        if name in sources.NOT_EVIDENCE_TABLES:
            continue
        for idx, row in frame.iterrows():
            kind = str(row["source_kind"])
            if kind in sources.WEAK_KINDS or (kind == "state_media" and not own_statement(name, row)):
                note = row.get("note")
                rows.append({
                    "table": name, "row": _row_id(name, frame, idx), "source_kind": kind,
                    "host": sources.host(row["source_url"]), "source_url": row["source_url"],
                    "source_title": row["source_title"],
                    "reason": "" if note is None or pd.isna(note) else str(note),
                })
    return pd.DataFrame(rows, columns=["table", "row", "source_kind", "host", "source_url", "source_title", "reason"])


def weak_rows_display(weak: pd.DataFrame) -> pd.DataFrame:
    """The weak rows as a page table: table and row, kind, linked source, reason."""
    return pd.DataFrame({
        "Table and row": [Markup(f"{html.escape(t)}<br><small>{html.escape(r)}</small>")
                          for t, r in zip(weak["table"], weak["row"])],
        "Kind": weak["source_kind"].map(sources.KIND_LABELS),
        "Source": [link(u, h) for h, u in zip(weak["host"], weak["source_url"])],
        "Reason (the row's note)": [r if r else "– (no note yet)" for r in weak["reason"]],  # text: escaped by the table
    }).reset_index(drop=True)


def weak_rows_by_table(weak: pd.DataFrame) -> pd.DataFrame:
    """Counts of weak rows per table and kind (the summary above the full list)."""
    counts = weak.groupby(["table", "source_kind"]).size().unstack(fill_value=0)
    counts = counts.rename(columns=sources.KIND_LABELS)
    counts["All"] = counts.sum(axis=1)
    return counts.sort_values("All", ascending=False).reset_index().rename(columns={"table": "Table"})


def blocked_hosts_table() -> pd.DataFrame:
    """Every blocked host with its reason, grouped by reason (from :data:`kurils.sources.BLOCKED_HOSTS`)."""
    frame = pd.DataFrame(sorted(sources.BLOCKED_HOSTS.items()), columns=["Host", "Reason"])
    return (frame.groupby("Reason", sort=False)["Host"].apply(lambda h: ", ".join(sorted(h)))
            .reset_index().assign(Hosts=lambda f: f["Host"].str.count(",") + 1)
            [["Reason", "Hosts", "Host"]].rename(columns={"Host": "Blocked hosts"})
            .sort_values("Hosts", ascending=False).reset_index(drop=True))


def _rst_to_myst(text: str) -> str:
    """The few reStructuredText forms the docstring uses, as MyST Markdown."""
    text = re.sub(r":data:`([^`]+)`", r"`\1`", text)
    return re.sub(r"``([^`]+)``", r"`\1`", text)


def kind_definitions() -> dict[str, str]:
    """Kind -> its definition, read from the kinds list in :mod:`kurils.sources`' docstring."""
    found = re.findall(r"^``(\w+)``\s+(.+)$", sources.__doc__, flags=re.M)
    return {kind: _rst_to_myst(text.strip()) for kind, text in found}


def rules_text() -> md:
    """The rule paragraphs of :mod:`kurils.sources`' docstring (state media, blocked hosts), as MyST
    (markdown written in the code, not data text: glued as it is)."""
    paragraphs = [p.strip() for p in sources.__doc__.split("\n\n")]
    rules = [" ".join(p.split()) for p in paragraphs if p.startswith("**")]
    return md("\n\n".join(_rst_to_myst(p) for p in rules))


def kinds_display() -> pd.DataFrame:
    """The kinds as a table: label, definition, whether it counts toward the strong-kinds target."""
    defs = kind_definitions()
    return pd.DataFrame({
        "Kind": [sources.KIND_LABELS[k] for k in sources.KINDS],
        "Definition": [defs.get(k, "") for k in sources.KINDS],
        "Counts as": ["strong" if k in sources.STRONG_KINDS else "weak" if k in sources.WEAK_KINDS
                      else "neither" for k in sources.KINDS],
    })


#: Scripts by which a source's title shows the language it was read in.
SCRIPT_PATTERNS = {"Japanese": r"[\u3040-\u30ff\u4e00-\u9fff]", "Russian": r"[\u0400-\u04ff]"}


def title_language(title: str) -> str:
    """'Japanese' or 'Russian' when the title is in that script, else 'English or other'."""
    for language, pattern in SCRIPT_PATTERNS.items():
        if re.search(pattern, str(title)):
            return language
    return "English or other"


def languages(kinds: pd.DataFrame) -> pd.DataFrame:
    """Distinct sources and rows by the script of their title (a lower bound on non-English reading:
    a Japanese or Russian page recorded under an English title counts as English)."""
    sources_ = kinds.drop_duplicates("source_url").assign(language=lambda f: f["source_title"].map(title_language))
    rows = kinds.assign(language=kinds["source_title"].map(title_language))
    out = pd.DataFrame({"Sources": sources_["language"].value_counts(), "Rows": rows["language"].value_counts()})
    order = [*SCRIPT_PATTERNS, "English or other"]
    return out.reindex([o for o in order if o in out.index]).fillna(0).astype(int).rename_axis("Title in").reset_index()


def searched_notes(kinds: pd.DataFrame) -> dict[str, int]:
    """How many rows record in their note that a search was made, and in which languages it says."""
    notes = kinds["note"].fillna("").astype(str)
    searched = notes[notes.str.contains("searched", case=False)]
    out = {"n_searched": len(searched)}
    for language in ("Japanese", "Russian", "English"):
        out[f"n_searched_{language.lower()}"] = int(searched.str.contains(language, case=False).sum())
    return out
