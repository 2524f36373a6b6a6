"""Scholarship on the dispute: ``data/literature.csv`` as BibTeX entries and as the Further reading page.

Each row of the table is one book or article whose details were confirmed on the page in its
``source_url``. :func:`bib_entries` gives ``scripts/make_bib.py`` the fields of a proper
``@book``/``@article``/``@incollection`` entry per row (keyed by the row's ``key``, so chapters cite
``{cite:p}`hasegawa1998```), and :func:`reading_list` renders the annotated, grouped list that
``book/further_reading.md`` shows.
"""

from __future__ import annotations

import re

import pandas as pd

from kurils.text import md, md_link
from kurils.text import md_escape as esc

TABLE = "literature"

#: Sections of the Further reading page, in page order: group value -> heading.
GROUPS = {
    "overview": "Overviews and histories",
    "negotiations": "The negotiations",
    "law": "Law, the 1945–1956 record and settlement models",
    "security": "Security",
    "economy_society": "Economy, society and identity",
    "ru_ja": "Russian and Japanese scholarship",
}

#: Fields each entry type must have (``author`` may be replaced by ``editor`` for books).
REQUIRED = {
    "book": ("title", "year", "publisher"),
    "article": ("author", "title", "journal", "year"),
    "incollection": ("author", "title", "booktitle", "publisher", "year"),
}

LANGUAGES = {"en": "English", "ja": "Japanese", "ru": "Russian"}


def load(root=None) -> pd.DataFrame:
    """The validated table (``data/literature.csv``)."""
    from kurils import data

    return data.load(TABLE, root)


def _present(value) -> bool:
    return value is not None and not pd.isna(value) and str(value).strip() != ""


def isbn13_valid(isbn: str) -> bool:
    """True when ``isbn`` is 13 digits (hyphens allowed) with a correct ISBN-13 check digit."""
    digits = re.sub(r"[-\s]", "", str(isbn))
    if not re.fullmatch(r"97[89]\d{10}", digits):
        return False
    return sum(int(d) * (1 if i % 2 == 0 else 3) for i, d in enumerate(digits)) % 10 == 0


def missing_fields(row: pd.Series) -> list[str]:
    """Fields the row's entry type requires that are empty (a book needs an author or an editor)."""
    missing = [f for f in REQUIRED[row["entry_type"]] if not _present(row.get(f))]
    if row["entry_type"] == "book" and not (_present(row.get("author")) or _present(row.get("editor"))):
        missing.append("author or editor")
    return missing


def chapters_of(row: pd.Series) -> list[str]:
    """The book pages (file stems) the work supports."""
    return [c for c in str(row["chapters"]).split(";") if c]


def bib_entries(frame: pd.DataFrame) -> list[tuple[str, dict]]:
    """(key, fields) for every row, in table order; ``fields['type']`` is the BibTeX entry type.

    Fields are BibTeX's standard ones; ``bibsource`` records the page on which the details were
    confirmed (styles ignore it; :func:`kurils.meta.bibliography_keys` reads it).
    """
    out = []
    for _, row in frame.iterrows():
        fields: dict[str, str] = {"type": str(row["entry_type"])}
        for col in ("author", "editor", "title", "journal", "booktitle", "publisher", "address", "series",
                    "volume", "volumes", "pages", "isbn", "doi"):
            if _present(row.get(col)):
                fields[col] = str(row[col])
        if _present(row.get("issue")):
            fields["number"] = str(row["issue"])
        fields["year"] = str(int(row["year"]))
        if "pages" in fields:
            fields["pages"] = fields["pages"].replace("-", "--")
        if "doi" in fields:
            fields["url"] = f"https://doi.org/{fields['doi']}"
        notes = []
        if _present(row.get("title_en")):
            notes.append(f"[{row['title_en']}]")
        if str(row["language"]) != "en":
            notes.append(f"In {LANGUAGES[str(row['language'])]}")
        if _present(row.get("volumes")):
            notes.append(f"{int(row['volumes'])} vols")
        if notes:
            fields["note"] = ". ".join(notes)
        fields["language"] = str(row["language"])
        fields["bibsource"] = str(row["source_url"])
        out.append((str(row["key"]), fields))
    return out


def _authors_text(names: str) -> str:
    """'Family, Given and Family, Given' -> 'Given Family and Given Family' (for the reading list)."""
    people = []
    for name in str(names).split(" and "):
        family, _, given = name.partition(",")
        people.append(f"{given.strip()} {family.strip()}".strip())
    return ", ".join(people[:-1]) + (" and " if len(people) > 1 else "") + people[-1]


def reference_text(row: pd.Series) -> md:
    """One entry of the reading list in Markdown: who, year, *title*, where published, ISBN/DOI.

    Every field is data text, escaped (:func:`kurils.text.md_escape`); only the italics and the DOI
    link are markdown."""
    if _present(row.get("author")):
        who = _authors_text(row["author"])
    else:
        who = _authors_text(row["editor"]) + (" (eds)" if " and " in str(row["editor"]) else " (ed.)")
    title = str(row["title"])
    if _present(row.get("title_en")):
        title += f" [{row['title_en']}]"
    title = esc(title)
    parts = [f"{esc(who)} ({int(row['year'])})."]
    if row["entry_type"] == "article":
        where = f"“{title}.” *{esc(row['journal'])}*"
        if _present(row.get("volume")):
            where += f" {esc(row['volume'])}"
        if _present(row.get("issue")):
            where += f", no. {esc(row['issue'])}"
        if _present(row.get("pages")):
            where += f": {esc(str(row['pages']).replace('-', '–'))}"
        parts.append(where + ".")
    else:
        if row["entry_type"] == "incollection":
            parts.append(f"“{title}.” In *{esc(row['booktitle'])}*.")
        else:
            vols = f" {int(row['volumes'])} vols." if _present(row.get("volumes")) else ""
            parts.append(f"*{title}*.{vols}")
        pub = f"{row['address']}: {row['publisher']}" if _present(row.get("address")) else str(row["publisher"])
        if _present(row.get("series")):
            pub += f" ({row['series']})"
        parts.append(esc(pub) + ".")
    if _present(row.get("isbn")):
        parts.append(f"ISBN {esc(row['isbn'])}.")
    if _present(row.get("doi")):
        parts.append(f"{md_link('https://doi.org/' + str(row['doi']), 'doi:' + str(row['doi']))}.")
    if str(row["language"]) != "en":
        parts.append(f"In {LANGUAGES[str(row['language'])]}.")
    return md(" ".join(parts))


def reading_list(frame: pd.DataFrame, titles: dict[str, str] | None = None) -> dict[str, md]:
    """The Further reading page's lists: group -> MyST Markdown, entries by year, each annotated.

    ``titles`` maps page stems to chapter titles, for the "Supports" line (default: the stems).
    The page gives each group's heading (:data:`GROUPS`) and glues its list under it. The rows'
    text (reference, annotation, source title) is escaped; keys and stems are validated ids.
    """
    titles = titles or {}
    out = {}
    for group in GROUPS:
        rows = frame[frame["group"] == group].sort_values(["year", "key"])
        lines = []
        for _, row in rows.iterrows():
            supports = ", ".join(f"{{doc}}`{titles.get(c, c)} <{c}>`" for c in chapters_of(row))
            lines += [f"- {reference_text(row)} {{cite:p}}`{row['key']}`", "",
                      f"  {esc(row['annotation'])}", "",
                      f"  *Supports:* {supports}. *Details confirmed at:* "
                      f"{md_link(row['source_url'], row['source_title'])}.", ""]
        out[group] = md("\n".join(lines).rstrip() + "\n")
    return out


def counts(frame: pd.DataFrame) -> dict[str, int]:
    """Numbers the page states: works, books, articles, works in Japanese or Russian."""
    return {
        "n_works": len(frame),
        "n_books": int((frame["entry_type"] == "book").sum()),
        "n_articles": int((frame["entry_type"] == "article").sum()),
        "n_ja_ru": int(frame["language"].isin(["ja", "ru"]).sum()),
    }
