"""The build cannot lie: it fails on a raising cell or bad data, refreshes on data edits, runs offline.

These tests build throw-away copies of the repository (sharing the built .venv), so they do not
disturb _build/. Each copy builds only what it needs; together they take a minute or two.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml

from conftest import copy_repo, html_pages, run

pytestmark = pytest.mark.build


def _first_code_cell_gets(path: Path, line: str) -> None:
    text = path.read_text(encoding="utf-8")
    marker = "```{code-cell} ipython3\n:tags: [remove-cell]\n\n"
    assert marker in text, path
    path.write_text(text.replace(marker, marker + line + "\n", 1), encoding="utf-8")


def _no_traceback_published(site: Path) -> None:
    for page in html_pages(site):
        assert "Traceback" not in page.read_text(encoding="utf-8"), page


def test_built_site_has_the_islands_page(site):
    page = (site / "book" / "islands.html").read_text(encoding="utf-8")
    assert (site / "index.html").is_file()
    assert page.count("<img") >= 3
    assert "Computed from Natural Earth" in page and "5,003" in page and "17,291" in page
    _no_traceback_published(site)


def test_raising_cell_fails_make_book_and_plain_jupyter_book(tmp_path):
    repo = copy_repo(tmp_path / "repo")
    _first_code_cell_gets(repo / "book" / "islands.md", 'raise RuntimeError("injected failure")')
    made = run(["make", "book"], repo)
    assert made.returncode != 0, made.stdout[-3000:]
    assert "injected failure" in made.stdout
    if (repo / "_build" / "html").exists():
        _no_traceback_published(repo / "_build" / "html")
    shutil.rmtree(repo / "_build", ignore_errors=True)
    plain = run([str(repo / ".venv" / "bin" / "jupyter-book"), "build", "."], repo)
    assert plain.returncode != 0, plain.stdout[-3000:]
    if (repo / "_build" / "html").exists():
        _no_traceback_published(repo / "_build" / "html")


def test_corrupt_csv_fails_the_build_naming_file_line_and_column(tmp_path):
    repo = copy_repo(tmp_path / "repo")
    path = repo / "data" / "islands.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(",45.054,", ",north,"), encoding="utf-8")
    made = run(["make", "book"], repo)
    assert made.returncode != 0
    assert re.search(r'data/islands\.csv, line 3, column "lat"', made.stdout), made.stdout[-3000:]


def test_editing_a_csv_value_changes_the_built_page(tmp_path):
    repo = copy_repo(tmp_path / "repo", with_build=True)
    before = (repo / "_build" / "html" / "book" / "islands.html").read_text(encoding="utf-8")
    assert "3,168" in before and "3,999" not in before
    facts = repo / "data" / "island_facts.csv"
    facts.write_text(facts.read_text(encoding="utf-8").replace("etorofu,area_km2,3168,", "etorofu,area_km2,3999,"),
                     encoding="utf-8")
    made = run(["make", "book"], repo)
    assert made.returncode == 0, made.stdout[-3000:]
    after = (repo / "_build" / "html" / "book" / "islands.html").read_text(encoding="utf-8")
    assert "3,999" in after


def test_book_builds_with_no_network(tmp_path):
    if not shutil.which("unshare") or not shutil.which("ip"):
        pytest.fail("unshare and ip (util-linux, iproute2) are needed to cut the network")
    repo = copy_repo(tmp_path / "repo")
    made = run("unshare --net sh -c 'ip link set lo up && make book'", repo, shell=True)
    assert made.returncode == 0, made.stdout[-4000:]
    assert (repo / "_build" / "html" / "book" / "islands.html").is_file()


def _only_islands_chapter(repo: Path) -> None:
    """A representative chapter plus the pages the intro and that chapter link to."""
    (repo / "_toc.yml").write_text("format: jb-book\nroot: book/intro\nparts:\n  - caption: The dispute\n"
                                   "    chapters:\n      - file: book/islands\n      - file: book/references\n"
                                   "      - file: book/cite\n", encoding="utf-8")


def test_two_clean_builds_write_byte_identical_figures(tmp_path):
    images = []
    for name in ("first", "second"):
        repo = copy_repo(tmp_path / name)
        _only_islands_chapter(repo)
        made = run(["make", "book"], repo)
        assert made.returncode == 0, made.stdout[-3000:]
        folder = repo / "_build" / "html" / "_images"
        images.append({p.name: p.read_bytes() for p in folder.iterdir() if p.suffix in (".png", ".svg")})
    assert len(images[0]) >= 3
    assert images[0] == images[1]


def _chapter_titles(repo: Path) -> list[str]:
    toc = yaml.safe_load((repo / "_toc.yml").read_text())
    files = [toc["root"]] + [c["file"] for part in toc["parts"] for c in part["chapters"]]
    titles = []
    for name in files:
        text = (repo / f"{name}.md").read_text(encoding="utf-8")
        titles.append(re.search(r"^# (.+)$", text, re.M).group(1).strip())
    return titles


def test_pdf_builds_offline_with_every_chapter(tmp_path):
    from pypdf import PdfReader

    repo = copy_repo(tmp_path / "repo")
    made = run("unshare --net sh -c 'ip link set lo up && make pdf'", repo, shell=True)
    assert made.returncode == 0, made.stdout[-4000:]
    pdf = repo / "_build" / "simplepdf" / "kurils-book.pdf"
    assert pdf.stat().st_size > 100_000
    reader = PdfReader(pdf)
    outline, stack = [], list(reader.outline)
    while stack:
        item = stack.pop()
        stack.extend(item) if isinstance(item, list) else outline.append(item.title)
    for title in _chapter_titles(repo):
        assert title in outline, f"{title!r} missing from the PDF outline"
    assert len(reader.pages) > 2 * len(_chapter_titles(repo))
    text = "".join(page.extract_text() for page in reader.pages)
    assert "Traceback" not in text and "Sources read up to" in text
    assert "(Etorofu-tō)" in text, "table rows missing from the PDF (the names table on the islands page)"
