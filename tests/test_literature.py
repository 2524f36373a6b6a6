"""Scholarship (data/literature.csv): complete entries, valid ISBNs and DOIs, keys in references.bib,
an annotation for every work, and a Further reading page that lists them all."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from kurils import literature, meta

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def works() -> pd.DataFrame:
    return literature.load()


def test_between_ten_and_twenty_works_in_every_group(works):
    assert 10 <= len(works) <= 20
    assert set(works["group"]) == set(literature.GROUPS), set(literature.GROUPS) - set(works["group"])


def test_every_entry_has_the_fields_its_type_requires(works):
    problems = {row["key"]: literature.missing_fields(row) for _, row in works.iterrows()}
    assert not {k: v for k, v in problems.items() if v}


def test_keys_are_unique_and_do_not_collide_with_data_source_keys(works):
    assert works["key"].is_unique
    # data-source keys are 'table-row'; a work's key is surname + year, so the two cannot clash
    assert works["key"].str.fullmatch(r"[a-z]+\d{4}[a-z]?").all()


def test_isbns_have_valid_check_digits(works):
    bad = [isbn for isbn in works["isbn"].dropna() if not literature.isbn13_valid(isbn)]
    assert not bad


@pytest.mark.parametrize("isbn,ok", [("9784121018250", True), ("978-0-8248-7262-5", True),
                                     ("9780415413212", False), ("4121018257", False), ("", False)])
def test_isbn_check_digit_rule(isbn, ok):
    assert literature.isbn13_valid(isbn) is ok


def test_dois_are_bare_and_well_formed(works):
    dois = works["doi"].dropna()
    assert dois.str.fullmatch(r"10\.\d{4,9}/\S+").all(), list(dois)
    assert not dois.str.contains("doi.org").any()


def test_every_work_has_an_annotation_of_one_or_two_sentences(works):
    for key, note in zip(works["key"], works["annotation"]):
        assert isinstance(note, str) and len(note) >= 60, key
        sentences = [s for s in re.split(r"(?<=[.!?])\s+", note.strip()) if s]
        assert 1 <= len(sentences) <= 2, (key, sentences)


def test_non_english_titles_carry_an_english_rendering(works):
    foreign = works[works["language"] != "en"]
    assert foreign["title_en"].notna().all(), list(foreign.loc[foreign["title_en"].isna(), "key"])


def test_chapters_named_are_pages_of_the_book(works):
    for _, row in works.iterrows():
        for stem in literature.chapters_of(row):
            assert (ROOT / "book" / f"{stem}.md").is_file(), (row["key"], stem)


def test_every_work_is_in_references_bib_with_its_type(works):
    bib = (ROOT / "references.bib").read_text(encoding="utf-8")
    for key, kind in zip(works["key"], works["entry_type"]):
        assert re.search(rf"^@{kind}\{{{key},$", bib, flags=re.M), key
    assert set(works["key"]) <= meta.bibliography_entry_keys()


def test_bib_entries_carry_the_confirming_page_and_doi_links(works):
    entries = dict(literature.bib_entries(works))
    for _, row in works.iterrows():
        fields = entries[row["key"]]
        assert fields["bibsource"] == row["source_url"]
        if pd.notna(row["doi"]):
            assert fields["url"] == f"https://doi.org/{row['doi']}"
        if pd.notna(row["pages"]):
            assert "--" in fields["pages"] or fields["pages"].isdigit()


def test_missing_fields_catches_an_incomplete_entry():
    row = pd.Series({"entry_type": "article", "author": "X, Y", "title": "T", "journal": None, "year": 2000})
    assert literature.missing_fields(row) == ["journal"]
    book = pd.Series({"entry_type": "book", "author": None, "editor": None, "title": "T", "year": 2000,
                      "publisher": "P"})
    assert literature.missing_fields(book) == ["author or editor"]


def test_reading_list_has_every_work_once_under_its_group(works):
    lists = literature.reading_list(works)
    assert list(lists) == list(literature.GROUPS)
    for _, row in works.iterrows():
        hits = [g for g, body in lists.items() if f"{{cite:p}}`{row['key']}`" in body]
        assert hits == [row["group"]], row["key"]


def test_further_reading_page_has_a_heading_and_a_list_per_group():
    page = (ROOT / "book" / "further_reading.md").read_text(encoding="utf-8")
    headings = re.findall(r"^## (.+)$", page, flags=re.M)
    assert [h for h in headings if h in literature.GROUPS.values()] == list(literature.GROUPS.values())
    for group in literature.GROUPS:
        assert f"```{{glue:md}} reading_{group}\n:format: myst\n```" in page, group


def test_literature_is_left_out_of_the_source_kind_shares(works):
    from kurils import sources

    kinds = sources.kind_table({"literature": works})
    assert kinds.empty


def test_a_page_that_cites_a_work_is_among_the_chapters_it_supports(works):
    chapters = {row["key"]: literature.chapters_of(row) for _, row in works.iterrows()}
    cited = 0
    for page in (ROOT / "book").glob("*.md"):
        if page.stem == "further_reading":
            continue
        for group in re.findall(r"\{cite:[pt]\}`([^`]+)`", page.read_text(encoding="utf-8")):
            for key in (k.strip() for k in group.split(",")):
                if key in chapters:
                    cited += 1
                    assert page.stem in chapters[key], (page.name, key)
    assert cited >= 5  # the chapters cite the scholarship where it supports the text
