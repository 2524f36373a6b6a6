"""Versions (issue 17): the changelog, the findings that moved, and each chapter's last review.

Both ends of every moved finding are checked: the newer against the data as it stands, the older
against the data of the release before, read from git (skipped in a copy without ``.git``).
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest
import yaml

from kurils import course, data, meta, readers_ext, sources, versions

ROOT = Path(__file__).resolve().parents[1]
HAS_GIT = (ROOT / ".git").exists() and shutil.which("git") is not None
needs_git = pytest.mark.skipif(not HAS_GIT, reason="needs the repository's git history")


@pytest.fixture(scope="module")
def log() -> pd.DataFrame:
    return data.load("changelog")


@pytest.fixture(scope="module")
def chapters() -> pd.DataFrame:
    return data.load("chapters")


def _git(*args: str) -> str:
    return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=True).stdout


def release_commit(date) -> str:
    """The state of the repository at the end of a release day: its last commit on or before it."""
    day = pd.Timestamp(date).strftime("%Y-%m-%d")
    commit = _git("rev-list", "-1", f"--before={day} 23:59:59 +0000", "HEAD").strip()
    assert commit, f"no commit on or before {day}"
    return commit


# --- the functions, on toy tables -------------------------------------------------------------------

TOY = {
    "straits": pd.DataFrame({"id": ["a", "b"], "depth": ["10", "20"], "source_url": ["https://x.org/1", "https://x.org/2"],
                             "source_title": ["t", "t"], "source_kind": ["official", "encyclopaedia"], "note": ["", "searched"]}),
    "energy": pd.DataFrame({"year": ["2021", "2021", "2022"], "kind": ["coal", "coal", "coal"], "share": ["5", "5", "6"],
                            "source_url": ["https://wikimili.com/a", "https://x.org/3", "https://x.org/4"],
                            "source_title": ["t"] * 3, "source_kind": ["other", "press", "press"], "note": [""] * 3}),
    "changelog": pd.DataFrame({"source_url": ["data/x.csv"], "source_title": ["t"], "source_kind": ["other"], "note": [""]}),
}


def test_cell_reads_one_value_and_empty_for_a_missing_row_or_table():
    assert versions.cell(TOY, "straits", "id=b", "depth") == "20"
    assert versions.cell(TOY, "energy", "year=2021;kind=coal", "share") == "5"  # two rows that agree
    assert versions.cell(TOY, "straits", "id=zz", "depth") == ""
    assert versions.cell(TOY, "islands", "id=a", "depth") == ""
    with pytest.raises(KeyError, match="no column 'nope'"):
        versions.cell(TOY, "straits", "nope=1", "depth")


def test_cell_refuses_rows_that_disagree():
    frames = {"energy": TOY["energy"].assign(share=["5", "7", "6"])}
    with pytest.raises(ValueError, match="2 rows disagree on share"):
        versions.cell(frames, "energy", "year=2021;kind=coal", "share")


def test_book_metrics_count_evidence_only_and_the_mix():
    m = versions.book_metrics(TOY)
    assert m == {"evidence_tables": "2", "evidence_rows": "5", "blocked_rows": "1", "strong_pct": "20.0", "weak_pct": "40.0"}
    assert versions.cell(TOY, versions.BOOK, "", "strong_pct") == "20.0"
    no_kinds = {n: f.drop(columns="source_kind") for n, f in TOY.items()}
    assert versions.book_metrics(no_kinds)["strong_pct"] == ""


def test_releases_are_ordered_by_version_number_not_text():
    toy = pd.DataFrame({"version": ["0.9.0", "0.10.0", "0.9.0", "1.0.0"],
                        "date": pd.to_datetime(["2026-01-01", "2026-02-01", "2026-01-01", "2026-03-01"])})
    assert versions.releases(toy)["version"].tolist() == ["1.0.0", "0.10.0", "0.9.0"]
    assert versions.version_key("0.10.2") > versions.version_key("0.9.9")


def test_key_numbers_cover_every_name_the_changelog_page_glues(log, chapters):
    from conftest import prose_glue_names

    numbers = versions.key_numbers(log, chapters)
    names = prose_glue_names("changelog")
    assert len(names) >= 6 and names <= set(numbers), sorted(names - set(numbers))
    assert numbers["version"] == str(meta.citation()["version"]) and numbers["previous_version"] == "0.1.0"
    assert numbers["n_findings_moved"] == len(versions.findings(log[log["version"] == numbers["version"]])) >= 10
    assert numbers["current_to"].startswith("Sources read up to ")


def test_findings_table_shows_a_dash_for_a_missing_value(log):
    table = versions.findings_table(log, meta.citation()["version"])
    assert len(table) == len(versions.findings(log[log["version"] == meta.citation()["version"]])) > 0
    # A dropped row (empty after-value) shows as a dash: blank the after-value of one real finding.
    dropped = log.copy()
    moved = dropped.index[(dropped["version"] == meta.citation()["version"]) & (dropped["table"] == "trade")][0]
    dropped.loc[moved, "after"] = None
    assert "—" in versions.findings_table(dropped, meta.citation()["version"])["After"].tolist()
    changes = versions.changes_table(log, meta.citation()["version"])
    assert len(changes) + len(table) == (log["version"] == meta.citation()["version"]).sum()


# --- the changelog against CITATION.cff and the data -----------------------------------------------

def test_the_current_version_has_its_row_and_date(log):
    book = meta.citation()
    rel = versions.releases(log)
    assert rel.iloc[0]["version"] == str(book["version"]), "the newest version of the changelog is CITATION.cff's"
    assert rel.iloc[0]["date"] == pd.Timestamp(book["date-released"])
    assert rel["version"].is_unique, "one date per version"
    assert rel["date"].is_monotonic_decreasing and rel["date"].is_unique


@needs_git
def test_every_version_of_citation_cff_history_has_its_rows(log):
    history = _git("log", "-p", "--format=", "--", "CITATION.cff")
    released = set(re.findall(r'^[+ ]version: "([^"]+)"', history, flags=re.M)) | {str(meta.citation()["version"])}
    dates = {r.version: r.date for r in versions.releases(log).itertuples()}
    assert released <= set(dates), sorted(released - set(dates))
    for found in re.findall(r'^[+ ]date-released: "([^"]+)"', history, flags=re.M):
        assert pd.Timestamp(found) in set(dates.values()), found


def test_the_data_package_carries_the_book_version():
    package = json.loads((ROOT / "data" / "datapackage.json").read_text(encoding="utf-8"))
    assert package["version"] == str(meta.citation()["version"])


def test_newest_value_of_every_moved_finding_is_the_data_as_it_stands(log):
    current = versions.current_tables()
    moved = versions.findings(log).copy()
    moved["_v"] = moved["version"].map(versions.version_key)
    newest = moved.sort_values("_v").groupby(["table", "row_key", "column"], dropna=False).tail(1)
    assert len(newest) >= 10
    for row in newest.itertuples():
        key = "" if pd.isna(row.row_key) else row.row_key
        after = "" if pd.isna(row.after) else row.after
        assert versions.cell(current, row.table, key, row.column) == after, (row.id, row.column)


@needs_git
def test_older_value_of_every_moved_finding_is_the_data_of_the_release_before(log):
    rel = versions.releases(log)
    cache: dict[str, dict] = {}
    for row in versions.findings(log).itertuples():
        earlier = rel[rel["version"].map(versions.version_key) < versions.version_key(row.version)]
        assert len(earlier), f"{row.id}: a finding moves from a version before the first"
        commit = release_commit(earlier.iloc[0]["date"])
        if commit not in cache:
            cache[commit] = versions.tables_at(commit)
        tables = cache[commit]
        if row.table == versions.BOOK and row.column in ("strong_pct", "weak_pct") and versions.book_metrics(tables)[row.column] == "":
            tables = _kinds_assigned_after(commit, tables)
        key = "" if pd.isna(row.row_key) else row.row_key
        before = "" if pd.isna(row.before) else row.before
        assert versions.cell(tables, row.table, key, row.column) == before, (row.id, row.column)


def _kinds_assigned_after(commit: str, tables: dict) -> dict:
    """A release without ``source_kind``: the first later commit that gives every row a kind, checked
    to hold the same rows from the same sources (kinds assigned, nothing re-sourced)."""
    for later in _git("rev-list", "--reverse", f"{commit}..HEAD", "--", "data/").split():
        after = versions.tables_at(later)
        if versions.book_metrics(after)["strong_pct"]:
            break
    else:
        pytest.fail("no commit assigns source kinds")
    assert set(after) == set(tables)
    for name, frame in tables.items():
        assert after[name]["source_url"].tolist() == frame["source_url"].tolist(), name
    return after


def test_editorial_tables_are_not_evidence_and_not_in_the_bibliography(log, chapters):
    assert {"changelog", "chapters", "literature"} <= set(sources.NOT_EVIDENCE_TABLES)
    assert all(sources.NOT_EVIDENCE_REASONS[t] for t in sources.NOT_EVIDENCE_TABLES)
    kinds = sources.kind_table({"changelog": log, "chapters": chapters, "trade": data.load("trade")})
    assert set(kinds["table"]) == {"trade"}
    keys = meta.bibliography_keys()
    assert not (set(log["source_url"]) | set(chapters["source_url"])) & set(keys)
    for url in set(log["source_url"]) | set(chapters["source_url"]):
        assert (ROOT / url).exists(), f"{url}: the repository file a row points to is missing"


# --- last reviewed --------------------------------------------------------------------------------

def test_every_course_chapter_has_a_review_date_not_in_the_future(chapters, log):
    assert set(course.CHAPTERS) <= set(chapters["chapter"]), sorted(set(course.CHAPTERS) - set(chapters["chapter"]))
    assert set(chapters["chapter"]) <= {p.stem for p in (ROOT / "book").glob("*.md")}
    assert (chapters["last_reviewed"] <= pd.Timestamp(dt.date.today())).all()
    dates = {r.version: r.date for r in versions.releases(log).itertuples()}
    for row in chapters.itertuples():
        assert row.version in dates, f"{row.chapter}: version {row.version} is not in the changelog"
        assert row.last_reviewed <= dates[row.version], f"{row.chapter}: reviewed after its version was released"
        assert versions.version_key(row.version) <= versions.version_key(str(meta.citation()["version"]))


def test_last_reviewed_line_names_the_date_version_and_changelog(chapters):
    line = readers_ext.last_reviewed_line("okhotsk")
    reviewed, version = versions.last_reviewed(chapters, "okhotsk")
    assert f"{reviewed.day} {reviewed:%B %Y}" in line and f"version {version}" in line
    assert 'href="../book/changelog.html"' in line
    assert "changelog.html" not in readers_ext.last_reviewed_line("okhotsk", changelog=False)
    assert readers_ext.last_reviewed_line("glossary") == ""


def test_chapter_footer_on_the_built_page_shows_the_last_review(site, chapters):
    for row in chapters.itertuples():
        page = (site / "book" / f"{row.chapter}.html").read_text(encoding="utf-8")
        footer = page.split('class="kurils-chapter-footer"')[-1]
        assert 'class="kurils-last-reviewed"' in footer, row.chapter
        assert f"{row.last_reviewed.day} {row.last_reviewed:%B %Y}" in footer, row.chapter


def test_changelog_page_shows_every_version_and_every_moved_finding(site, log):
    page = (site / "book" / "changelog.html").read_text(encoding="utf-8")
    for release in versions.releases(log).itertuples():
        assert f"Version {release.version}, released" in page, release.version
    import html as _html

    text = _html.unescape(page)
    for row in versions.findings(log).itertuples():
        assert row.finding in text, row.id
    assert "kurils-about" in page
