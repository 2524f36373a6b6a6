"""The Sources and their quality page: which tables each chapter reads (derived from the chapters'
code), per-chapter shares, the weak-row list, the blocked-host list and the method text."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from kurils import data, quality, sources

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def chapters() -> dict[str, list[str]]:
    return quality.chapter_tables()


def test_chapters_are_the_pages_outside_the_reference_part():
    pages = quality.chapter_pages()
    assert pages[0] == "summary" and "conclusion" in pages
    assert not {"glossary", "gazetteer", "references", "sources", "further_reading", "cite"} & set(pages)


def test_chapter_tables_follow_the_chapters_data_load_calls(chapters):
    assert {"timeline", "boundaries", "population", "leaders"} <= set(chapters["history"])
    assert {"straits", "military_sites", "weapon_systems"} <= set(chapters["okhotsk"])
    assert {"trade", "energy", "polls"} <= set(chapters["economy"])  # loaded by a list of names
    assert "claims" in chapters["claims"]                            # through claims.load_tables()
    assert {"trade", "positions"} <= set(chapters["summary"])        # through front.key_numbers()
    known = set(data.table_names())
    for page, names in chapters.items():
        assert names, page
        assert set(names) <= known, (page, set(names) - known)


def _toy_book(tmp_path: Path, page_code: str) -> Path:
    (tmp_path / "book").mkdir()
    (tmp_path / "_toc.yml").write_text("format: jb-book\nroot: book/intro\nparts:\n"
                                       "  - caption: The dispute\n    chapters:\n      - file: book/one\n"
                                       "  - caption: Reference\n    chapters:\n      - file: book/back\n",
                                       encoding="utf-8")
    (tmp_path / "book" / "one.md").write_text(f"# One\n\n```{{code-cell}} ipython3\n{page_code}\n```\n",
                                             encoding="utf-8")
    (tmp_path / "book" / "back.md").write_text('# Back\n\nx = data.load("trade")\n', encoding="utf-8")
    return tmp_path


def test_chapter_tables_change_when_a_chapter_loads_another_table(tmp_path):
    root = _toy_book(tmp_path, 'a = data.load("straits")\nnames = ["trade", "polls"]\n'
                               't = {name: data.load(name) for name in names}\nv = helper.thing()')
    found = quality.chapter_tables(root, helpers={r"helper\.thing\(\)": lambda: ["energy"]})
    assert found == {"one": ["energy", "polls", "straits", "trade"]}  # back matter is not a chapter


def test_chapter_shares_add_up_to_one_and_count_rows(kinds, chapters):
    shares = quality.chapter_shares(kinds, chapters)
    assert (shares[list(sources.KINDS)].sum(axis=1).round(9) == 1).all()
    for page, names in chapters.items():
        assert shares.at[page, "rows"] == kinds["table"].isin(names).sum()
    assert list(shares.index) == [p for p in quality.chapter_pages() if p in shares.index]


def test_chapter_shares_on_toy_rows():
    kinds = pd.DataFrame({"table": ["a", "a", "b", "b"], "source_kind": ["official", "press", "other", "other"],
                          "host": "x", "source_url": "u", "source_title": "t", "note": ""})
    shares = quality.chapter_shares(kinds, {"one": ["a"], "two": ["a", "b"]})
    assert shares.at["one", "official"] == 0.5 and shares.at["one", "rows"] == 2
    assert shares.at["two", "other"] == 0.5 and shares.at["two", "rows"] == 4


def test_key_numbers_are_sources_summary_with_the_targets(tables, kinds):
    numbers = quality.key_numbers(tables)
    summary = sources.summary(kinds)
    assert numbers["rows"] == summary["rows"] and numbers["strong_share"] == summary["strong_share"]
    assert numbers["strong_verdict"] == ("meets" if summary["strong_share"] >= sources.TARGET_STRONG_MIN else "misses")
    assert numbers["weak_verdict"] == ("meets" if summary["weak_share"] <= sources.TARGET_WEAK_MAX else "misses")
    assert numbers["n_blocked_hosts"] == len(sources.BLOCKED_HOSTS)
    assert "literature" not in set(kinds["table"])


def test_weak_rows_are_weak_kinds_or_state_media_outside_own_statements(tables):
    weak = quality.weak_rows(tables)
    assert set(weak["source_kind"]) <= {*sources.WEAK_KINDS, "state_media"}
    expected = sum(int(f["source_kind"].isin(sources.WEAK_KINDS).sum()) for n, f in tables.items()
                   if n not in sources.NOT_EVIDENCE_TABLES)
    assert (weak["source_kind"] != "state_media").sum() == expected
    shown = quality.weak_rows_display(weak)
    assert len(shown) == len(weak)


def test_state_media_own_statement_is_not_listed_as_weak():
    own = pd.DataFrame({"actor": ["moscow", "tokyo"], "source_url": ["https://tass.com/a", "https://tass.com/b"],
                        "source_title": "t", "source_kind": "state_media", "note": ["", "no other source: searched x"]})
    weak = quality.weak_rows({"positions": own})
    assert list(weak["reason"]) == ["no other source: searched x"]


def test_blocked_hosts_table_lists_every_host_once_with_its_reason():
    table = quality.blocked_hosts_table()
    listed = [h.strip() for cell in table["Blocked hosts"] for h in cell.split(",")]
    assert sorted(listed) == sorted(sources.BLOCKED_HOSTS)
    assert set(table["Reason"]) == set(sources.BLOCKED_HOSTS.values())
    assert table["Hosts"].sum() == len(sources.BLOCKED_HOSTS)


def test_method_text_comes_from_the_sources_docstring():
    defs = quality.kind_definitions()
    assert list(defs) == list(sources.KINDS)
    rules = quality.rules_text()
    assert "state-media rule" in rules and "Blocked hosts" in rules
    assert "``" not in rules and ":data:" not in rules


@pytest.mark.parametrize("title,language", [("北方領土問題", "Japanese"), ("Курильские острова", "Russian"),
                                            ("The Kuril Islands", "English or other")])
def test_title_language(title, language):
    assert quality.title_language(title) == language


def test_shares_chart_draws_one_bar_per_chapter(kinds, chapters):
    import matplotlib.pyplot as plt

    shares = quality.chapter_shares(kinds, chapters)
    fig = quality.shares_chart(shares, quality.page_titles())
    ax = fig.axes[0]
    assert len(ax.get_yticklabels()) == len(shares)
    assert len(ax.patches) == len(shares) * len(sources.KINDS)
    plt.close(fig)


def test_whole_book_row_counts_each_row_once(kinds, chapters):
    shares = quality.with_overall(quality.chapter_shares(kinds, chapters), kinds)
    assert shares.index[0] == quality.OVERALL and shares.iloc[0]["rows"] == len(kinds)
    summary = sources.summary(kinds)
    assert abs(shares.iloc[0][list(sources.STRONG_KINDS)].sum() - summary["strong_share"]) < 1e-12


def test_key_numbers_cover_every_name_the_page_glues(tables):
    """Every {glue:text}/{glue:md} name on the Sources page comes from quality.key_numbers."""
    import re

    from kurils import front

    page = (ROOT / "book" / "sources.md").read_text(encoding="utf-8")
    cited = set(re.findall(r'glue_citations\(\s*"([a-z0-9_]+)"', page))
    names = front.glue_names(page) - cited
    numbers = quality.key_numbers(tables)
    assert len(names) > 15, "glue names not parsed"
    assert names <= set(numbers), f"glued but not computed: {sorted(names - set(numbers))}"
    assert "text.glue_all(quality.key_numbers(tables))" in page


def test_key_numbers_on_the_real_tables(tables, kinds, chapters):
    numbers = quality.key_numbers(tables)
    # every chapter in the book's contents reads at least one table, and each counts once
    assert numbers["n_chapters"] == len(quality.chapter_shares(kinds, chapters)) == len(quality.chapter_pages())
    langs = quality.languages(kinds).set_index("Title in")["Sources"]
    assert numbers["sources_japanese"] == langs["Japanese"] > 0 and numbers["sources_russian"] == langs["Russian"] > 0
    assert 0 < numbers["n_searched_japanese"] <= numbers["n_searched"] <= numbers["rows"]
    assert numbers["rules"] == quality.rules_text()
    assert numbers["current_to"].startswith("Sources read up to ")
    for share in ("strong_pct", "weak_pct", "press_pct", "state_media_pct"):
        assert 0 <= numbers[share] <= 100, share
    assert numbers["strong_pct"] + numbers["weak_pct"] + numbers["press_pct"] + numbers["state_media_pct"] <= 100 + 1e-9
