"""Versions of the book: what changed in each (``data/changelog.csv``), which findings moved, and
when each chapter was last reviewed (``data/chapters.csv``).

A moved finding names the data cell it concerns — ``table``, ``row_key`` (``column=value`` pairs
joined by ``;``) and ``column`` — with its value in the previous version (``before``) and in this one
(``after``), as written in the CSV. Table ``*`` stands for a book-wide figure of :func:`book_metrics`
(tables and rows of evidence, the source mix, rows on blocked hosts). Both ends can be checked: the
current end against the data as it stands (:func:`cell`), the earlier end against the data of an
earlier release read from git (:func:`tables_at`).
"""

from __future__ import annotations

import io
import re
import subprocess
from pathlib import Path

import pandas as pd

from kurils.paths import book_root

#: ``table`` value of a book-wide figure (see :func:`book_metrics`).
BOOK = "*"


def _raw(text: str) -> pd.DataFrame:
    return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)


def current_tables(root: Path | None = None) -> dict[str, pd.DataFrame]:
    """Every CSV of ``data/`` as written (all columns text, empty cells ``""``), by table name."""
    folder = (root or book_root()) / "data"
    return {p.stem: _raw(p.read_text(encoding="utf-8")) for p in sorted(folder.glob("*.csv"))}


def tables_at(commit: str, root: Path | None = None) -> dict[str, pd.DataFrame]:
    """Every CSV of ``data/`` as it stood at a git commit (needs the repository's ``.git``)."""
    root = root or book_root()

    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=True).stdout

    names = [n for n in git("ls-tree", "--name-only", commit, "data/").split() if n.endswith(".csv")]
    return {Path(n).stem: _raw(git("show", f"{commit}:{n}")) for n in names}


def book_metrics(tables: dict[str, pd.DataFrame]) -> dict[str, str]:
    """Book-wide figures the changelog compares, as text: ``evidence_tables``, ``evidence_rows``,
    ``strong_pct`` and ``weak_pct`` (one decimal; see :mod:`kurils.sources`) and ``blocked_rows``.
    Tables in :data:`kurils.sources.NOT_EVIDENCE_TABLES` are left out. Without a ``source_kind``
    column (before version 0.2.0) the shares are empty."""
    from kurils import sources

    evidence = {n: f for n, f in tables.items() if n not in sources.NOT_EVIDENCE_TABLES}
    urls = [str(u) for f in evidence.values() for u in f["source_url"]]
    out = {
        "evidence_tables": str(len(evidence)),
        "evidence_rows": str(sum(len(f) for f in evidence.values())),
        "blocked_rows": str(sum(bool(sources.blocked_reason(u)) for u in urls)),
        "strong_pct": "",
        "weak_pct": "",
    }
    if evidence and all("source_kind" in f.columns for f in evidence.values()):
        summary = sources.summary(sources.kind_table(evidence))
        out["strong_pct"] = f"{summary['strong_share'] * 100:.1f}"
        out["weak_pct"] = f"{summary['weak_share'] * 100:.1f}"
    return out


def select(frame: pd.DataFrame, row_key: str) -> pd.DataFrame:
    """Rows of ``frame`` matching ``row_key`` (``column=value`` pairs joined by ``;``)."""
    mask = pd.Series(True, index=frame.index)
    for pair in str(row_key).split(";"):
        column, _, value = pair.partition("=")
        if column not in frame.columns:
            raise KeyError(f"row_key {row_key!r}: no column {column!r}")
        mask &= frame[column].astype(str) == value
    return frame[mask]


def cell(tables: dict[str, pd.DataFrame], table: str, row_key: str, column: str) -> str:
    """The value a changelog row points to, as written in the CSV: ``""`` when the table or row is
    absent. Table :data:`BOOK` reads :func:`book_metrics`. Several matching rows must agree."""
    if table == BOOK:
        return book_metrics(tables)[column]
    if table not in tables:
        return ""
    rows = select(tables[table], row_key)
    values = set(rows[column]) if column in rows.columns else set()
    if len(values) > 1:
        raise ValueError(f"{table} {row_key}: {len(rows)} rows disagree on {column}: {sorted(values)}")
    return values.pop() if values else ""


def version_key(version: str) -> tuple[int, ...]:
    """``"0.10.2"`` -> ``(0, 10, 2)``, for ordering versions."""
    return tuple(int(part) for part in str(version).split("."))


def releases(log: pd.DataFrame) -> pd.DataFrame:
    """One row per version of the changelog (``version``, ``date``), newest first."""
    out = log[["version", "date"]].drop_duplicates().copy()
    out["_key"] = out["version"].map(version_key)
    return out.sort_values("_key", ascending=False).drop(columns="_key").reset_index(drop=True)


def findings(log: pd.DataFrame) -> pd.DataFrame:
    """The changelog rows that record a moved finding (``finding`` not empty)."""
    return log[log["finding"].fillna("").astype(str).str.strip() != ""]


def changes_table(log: pd.DataFrame, version: str) -> pd.DataFrame:
    """What changed in ``version``, for the page: area and change, findings left to :func:`findings_table`."""
    rows = log[(log["version"] == version)]
    rows = rows[~rows.index.isin(findings(log).index)]
    return pd.DataFrame({"Area": rows["area"].to_numpy(), "What changed": rows["change"].to_numpy()})


def _shown(value):
    """A before/after value for the page: a dash when empty; an ISO date on one line (kurils.css)."""
    from kurils import text

    value = "" if pd.isna(value) else str(value)
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return text.html(f'<span class="kurils-nowrap">{value}</span>')
    return value if value else "—"


def findings_table(log: pd.DataFrame, version: str) -> pd.DataFrame:
    """The findings that moved in ``version``: the finding (with the data cell it names, escaped),
    its value before and after, and why."""
    from kurils import text

    rows = findings(log)
    rows = rows[rows["version"] == version]
    where = [("the whole data package" if t == BOOK else f"{t}.csv, " + str(k).replace(";", "; "))
             for t, k in zip(rows["table"], rows["row_key"])]
    return pd.DataFrame({
        "Finding": [text.html(f"{text.html_escape(f)}<br><small>{text.html_escape(w)}</small>")
                    for f, w in zip(rows["finding"], where)],
        "Before": [_shown(v) for v in rows["before"]],
        "After": [_shown(v) for v in rows["after"]],
        "Why": rows["change"].to_numpy(),
    })


def last_reviewed(chapters: pd.DataFrame, chapter: str) -> tuple[pd.Timestamp, str] | None:
    """(date, version) of the chapter's last review from ``data/chapters.csv``, or None for a page
    without a row."""
    rows = chapters[chapters["chapter"] == chapter]
    if rows.empty:
        return None
    row = rows.iloc[0]
    return pd.Timestamp(row["last_reviewed"]), str(row["version"])


def key_numbers(log: pd.DataFrame, chapters: pd.DataFrame) -> dict:
    """What the changelog page glues: the currency line, the current version and its date, the
    previous one, the counts of changes and moved findings in the current version, and the latest
    review date."""
    from kurils import meta, text

    book = meta.citation()
    rel = releases(log)
    current = str(book["version"])
    previous = rel[rel["version"].map(version_key) < version_key(current)]
    now = log[log["version"] == current]
    return {
        "current_to": text.data_current_to(log, chapters),
        "version": current,
        "released": text.fmt_date(book["date-released"]),
        "previous_version": str(previous.iloc[0]["version"]) if len(previous) else "",
        "n_versions": len(rel),
        "n_changes": len(now) - len(findings(now)),
        "n_findings_moved": len(findings(now)),
        "latest_review": text.fmt_date(chapters["last_reviewed"].max()),
    }


def reviews_table(chapters: pd.DataFrame, titles: dict[str, str]) -> pd.DataFrame:
    """The changelog page's review table: each chapter of ``data/chapters.csv`` in reading order
    (:data:`kurils.course.CHAPTERS` first), linked, with the date, the version and what was reviewed."""
    from kurils import course, text

    order = {c: i for i, c in enumerate(course.CHAPTERS)}
    rows = chapters.assign(_o=chapters["chapter"].map(lambda c: order.get(c, len(order)))).sort_values(["_o", "chapter"])
    return pd.DataFrame({
        "Chapter": [text.link(f"{c}.html", titles.get(c, c)) for c in rows["chapter"]],
        "Last reviewed": [text.fmt_date(d) for d in rows["last_reviewed"]],
        "In version": rows["version"].astype(str).to_list(),
        "What the review covered": rows["review"].astype(str).to_list(),
    })
