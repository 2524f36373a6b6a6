"""The build cannot lie: it fails on a raising cell or bad data, refreshes on data edits, runs offline,
escapes data text, and makes a print-ready PDF with its own fonts.

These tests build throw-away copies of the repository (sharing the built .venv), so they do not
disturb _build/. Builds are shared: session-scoped fixtures build each state once and several tests
read it, and nothing is built twice to prove one thing:
- one islands-only copy (the islands chapter with the pages it links to) is built, rebuilt with
  nothing changed, rebuilt after a data edit, then given a raising cell, in that order;
- the islands-only copy's first build executes the islands chapter independently of `make book`: its
  figures are compared with the site's, byte for byte;
- `make test` builds the site itself with the network cut, and then its PDF, offline, in the background
  (scripts/test.sh, tests/offline_build.py); a plain pytest run builds a copy offline instead.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

from conftest import ROOT, copy_repo, html_pages, islands_chain_for, run
from islands_chain import PAYLOAD, IslandsChain, page_images

pytestmark = pytest.mark.build

#: The PDF was 219–223 pages for 15 pages of content with every h2 starting a page; print styles
#: brought that to 125 (about 8.3 per page of content), and 175 for 21 documents. Two-column
#: bibliography and chapter source lists (the entry running on after its number) and figures at most
#: 11 cm high brought the 21 documents to 146 pages (7.0 each). The course apparatus (objectives,
#: exercises, questions, key terms) and two new pages brought 23 documents to 191 pages; printing
#: exercises without their outputs and solutions as a pointer to the website brought that to 178
#: (7.7 each). Tighter print CSS (margins, leading, admonitions in single spacing, figures at most 8 cm,
#: the weak-row list without its notes, chapter source lists left to the bibliography's numbered
#: entries) brought it to 126 (5.5 each). Budget: 130 pages for today's 23 documents (issue 18: "about
#: 130 pages or fewer"); a new chapter adds about 5.6.
PDF_PAGES_PER_DOCUMENT = 130 / 23


def _no_traceback_published(site: Path) -> None:
    for page in html_pages(site):
        assert "Traceback" not in page.read_text(encoding="utf-8"), page


def _chapter_titles(repo: Path) -> list[str]:
    toc = yaml.safe_load((repo / "_toc.yml").read_text())
    files = [toc["root"]] + [c["file"] for part in toc["parts"] for c in part["chapters"]]
    titles = []
    for name in files:
        text = (repo / f"{name}.md").read_text(encoding="utf-8")
        titles.append(re.search(r"^# (.+)$", text, re.M).group(1).strip())
    return titles


# ------------------------------------------------------------------------------------------------
# Shared builds
# ------------------------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def islands_chain(request) -> IslandsChain:
    """The islands-only copy and its builds in turn (tests/islands_chain.py), started in the background
    beside `make book` by `make test`, or when the session starts."""
    return islands_chain_for(request.config).result()


@pytest.fixture(scope="session")
def islands_copy(islands_chain) -> Path:
    """The copy, built from scratch (its own execution of every page it holds)."""
    made = islands_chain.first
    assert made.returncode == 0, made.stdout[:12000]  # islands_chain.failure_summary: why first
    return islands_chain.repo


@pytest.fixture(scope="session")
def noop_rebuild(islands_chain, islands_copy) -> subprocess.CompletedProcess:
    """`make book` again on the copy with nothing changed."""
    made = islands_chain.noop
    assert made.returncode == 0, made.stdout[-3000:]
    return made


@pytest.fixture(scope="session")
def edited_islands(islands_chain, noop_rebuild) -> tuple[Path, str, str, str]:
    """The copy after one edit of two CSVs and a rebuild: a value changed (3168 -> 3999 km²), and a
    cell given markup and a markdown link to another host. Returns (repo, page before, build log, page
    after); the page texts were read between the steps, as the raising cell rebuilds the copy later."""
    made = islands_chain.edited
    assert made.returncode == 0, made.stdout[:12000]  # islands_chain.failure_summary: why first
    return islands_chain.repo, islands_chain.before, made.stdout, islands_chain.after


@pytest.fixture(scope="session")
def offline_book(offline_build) -> Path:
    """The whole book built with the network cut. Under `make test` that is the site itself: its
    `make book` ran in a network namespace holding only the loopback interface (scripts/test.sh), which
    it recorded. A plain pytest run builds a copy from scratch offline instead (tests/offline_build.py).
    The tests that read it run last."""
    if offline_build.in_tree:
        if offline_build.error:
            pytest.fail(offline_build.error)
        interfaces = offline_build.site_proof().splitlines()
        assert len(interfaces) == 1 and re.match(r"\d+: lo:", interfaces[0]), \
            f"`make book` did not run with only the loopback interface: {interfaces}"
        return offline_build.repo
    made = offline_build.wait()
    assert made.returncode == 0, made.stdout[-4000:]
    return offline_build.repo


@pytest.fixture(scope="session")
def pdf(offline_book, offline_build) -> Path:
    """The PDF, built with the network cut from the offline build's environment and execution cache
    (`make pdf` after `make book`: no chapter executes again)."""
    made = offline_build.wait()
    assert made.returncode == 0, made.stdout[-4000:]
    path = offline_book / "_build" / "simplepdf" / "kurils-book.pdf"
    assert path.is_file()
    if offline_build.in_tree:
        assert "Executing notebook" not in made.stdout, "the PDF build executed a chapter again"
    return path


def _pdftotext(pdf: Path, *args: str) -> str:
    tool = shutil.which("pdftotext")
    if not tool:
        pytest.fail("pdftotext (poppler-utils) is needed to read the PDF: run `make sysdeps`")
    return subprocess.run([tool, "-enc", "UTF-8", *args, str(pdf), "-"], capture_output=True, text=True,
                          check=True, timeout=300).stdout


@pytest.fixture(scope="session")
def pdf_pages(pdf) -> list[str]:
    """The PDF's text page by page, as poppler reads it (independent of the machine's fonts: the PDF
    embeds its fonts with their Unicode maps)."""
    return _pdftotext(pdf).split("\f")[:-1]


# ------------------------------------------------------------------------------------------------
# The site as `make test` built it
# ------------------------------------------------------------------------------------------------

def test_built_site_has_the_islands_page(site):
    page = (site / "book" / "islands.html").read_text(encoding="utf-8")
    assert (site / "index.html").is_file()
    assert page.count("<img") >= 3
    assert "Computed from Natural Earth" in page and "5,003" in page and "17,291" in page
    _no_traceback_published(site)


def test_no_page_shows_escaped_markup_as_text(site):
    """The flip side of escaping: HTML that code built on purpose (links, line breaks) is not shown as
    text because a cell lost its Markup marking on the way."""
    for page in html_pages(site):
        if "_modules" in page.relative_to(site).parts:
            continue  # the API's source listings show code, where escaped tags are meant
        text = page.read_text(encoding="utf-8")
        for tag in ("&lt;a href=", "&lt;br&gt;", "&lt;small&gt;", "&lt;strong&gt;", "&lt;q lang="):
            assert tag not in text, f"{page.name}: {tag}"


# ------------------------------------------------------------------------------------------------
# Failures fail
# ------------------------------------------------------------------------------------------------

def test_raising_cell_fails_make_book_and_plain_jupyter_book(islands_chain, edited_islands):
    made, plain = islands_chain.raised, islands_chain.plain
    assert made.returncode != 0, made.stdout[-3000:]
    assert "injected failure" in made.stdout
    assert islands_chain.raised_tracebacks == []
    assert plain.returncode != 0, plain.stdout[-3000:]
    assert islands_chain.plain_tracebacks == []


def test_corrupt_csv_fails_the_build_naming_file_line_and_column(tmp_path):
    repo = copy_repo(tmp_path / "repo")
    path = repo / "data" / "islands.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(",45.054,", ",north,"), encoding="utf-8")
    made = run(["make", "book"], repo)
    assert made.returncode != 0
    assert re.search(r'data/islands\.csv, line 3, column "lat"', made.stdout), made.stdout[-3000:]


# ------------------------------------------------------------------------------------------------
# Determinism, freshness, caching
# ------------------------------------------------------------------------------------------------

def test_independent_executions_write_byte_identical_figures(site, islands_chain):
    """`make book` and the islands-only copy's first build (tests/islands_chain.py) execute the islands
    chapter independently: another copy and path, another table of contents, another process, each
    from an empty execution cache. Every page they share shows the same figures, byte for byte: the
    maps (PNG) and the charts (SVG). A figure that changes between runs (a date, a random id, an
    unordered set in a label) fails here."""
    here, there = page_images(site), islands_chain.first_images
    assert "book/islands.html" in there and there.keys() <= here.keys(), sorted(there)
    shown = [name for images in there.values() for name, _ in images]
    assert len(shown) >= 3 and {Path(name).suffix for name in shown} >= {".png", ".svg"}, shown
    for page, images in there.items():
        assert [name for name, _ in here[page]] == [name for name, _ in images], f"{page}: other figures"
        assert here[page] == images, page


def test_noop_rebuild_reads_nothing_and_skips_validation(noop_rebuild):
    made = noop_rebuild
    assert "validation skipped" in made.stdout
    assert re.search(r"updating environment: .*0 added, 0 changed, 0 removed", made.stdout), made.stdout[-3000:]
    assert "Executing notebook" not in made.stdout
    # nothing was read, so the numbers and the formatted bibliography are the saved ones (kurils.sphinx_ext)
    for kept in ("formatted bibliography kept", "section and figure numbers kept"):
        assert f"[kurils] no page re-read: {kept}" in made.stdout, kept


def test_editing_a_csv_value_changes_the_built_page(edited_islands):
    _, before, log, after = edited_islands
    assert "3,168" in before and "3,999" not in before
    assert "[kurils] validated" in log, "an edited CSV must be validated again"
    assert "no page re-read" not in log, "pages were read: numbers and bibliography must be derived again"
    assert "3,999" in after


# ------------------------------------------------------------------------------------------------
# Data text is text
# ------------------------------------------------------------------------------------------------

class _Page(HTMLParser):
    def __init__(self):
        super().__init__()
        self.text, self.scripts, self.hrefs, self._in_script = [], [], [], False

    def handle_starttag(self, tag, attrs):
        self._in_script = tag == "script"
        if tag == "a":
            self.hrefs.append(dict(attrs).get("href", ""))

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        (self.scripts if self._in_script else self.text).append(data)


def test_markup_and_markdown_in_a_data_cell_render_as_text(edited_islands):
    html = edited_islands[3]
    page = _Page()
    page.feed(html)
    shown = "".join(page.text)
    assert PAYLOAD in shown, "the cell's text must be shown as typed"
    assert not any("alert(1)" in s for s in page.scripts), "the data became a script"
    assert not any("evil.example" in h for h in page.hrefs), "the markdown link became a link"
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


# ------------------------------------------------------------------------------------------------
# Offline, and the PDF
# ------------------------------------------------------------------------------------------------

def test_book_builds_with_no_network(offline_book):
    assert (offline_book / "_build" / "html" / "book" / "islands.html").is_file()
    _no_traceback_published(offline_book / "_build" / "html")


def test_pdf_has_every_chapter_in_its_outline(pdf, offline_book):
    from pypdf import PdfReader

    reader = PdfReader(pdf)
    outline, stack = [], list(reader.outline)
    while stack:
        item = stack.pop()
        stack.extend(item) if isinstance(item, list) else outline.append(item.title)
    squashed = {_squash(t) for t in outline}  # smartquotes turn ' into ’ in the outline
    for title in _chapter_titles(offline_book):
        assert _squash(title) in squashed, f"{title!r} missing from the PDF outline"
    assert pdf.stat().st_size > 100_000


def test_pdf_stays_near_its_content(pdf_pages, offline_book):
    chapters = len(_chapter_titles(offline_book))
    assert 2 * chapters < len(pdf_pages) <= PDF_PAGES_PER_DOCUMENT * chapters, (len(pdf_pages), chapters)


def test_pdf_text_extracts_with_kanji_and_table_rows(pdf_pages):
    text = "\n".join(pdf_pages)
    assert "Traceback" not in text and "Sources read up to" in text
    assert "(Etorofu-tō)" in text, "table rows missing from the PDF (the names table on the islands page)"
    for name in ("択捉島", "国後島", "色丹島", "北方領土", "Итуруп"):
        assert name in text, f"{name} does not extract from the PDF"


def test_pdf_prints_no_screen_controls(pdf_pages):
    text = "\n".join(pdf_pages)
    for control in ("Show code cell", "Hide code cell", "Copy to clipboard", "Skip to main content",
                    "Toggle navigation", "Back to top"):
        assert control not in text, control


def _body_lines(page: str) -> list[str]:
    return [line.strip() for line in page.splitlines() if line.strip()]


def _squash(text: str) -> str:
    """Letters and digits only: a heading wrapped at its hyphen ("Franco-" / "German") still matches."""
    return re.sub(r"\W", "", text).lower()


def test_chapters_start_pages_and_name_the_running_header(pdf_pages, offline_book):
    """Each chapter's title opens a page, and the pages of a chapter carry its title in the header."""
    titles = _chapter_titles(offline_book)[1:]  # the root page follows the contents on its own page
    starts = {}
    cursor = 0
    for title in titles:  # the PDF follows the table of contents, so each chapter is sought after the last
        for number in range(cursor, len(pdf_pages)):
            lines = [line for line in _body_lines(pdf_pages[number]) if not line.isdigit()]  # the page number
            # the running header names the chapter, and the next lines open with its heading (a page that
            # merely mentions a title twice near its top, as the course page does, is not a start)
            if lines and _squash(title) in _squash(lines[0]) and _squash(" ".join(lines[1:4])).startswith(_squash(title)):
                starts[title] = cursor = number
                break
    assert set(starts) == set(titles), f"no page opens with: {sorted(set(titles) - set(starts))}"
    ordered = sorted(starts.items(), key=lambda kv: kv[1])
    end = len(pdf_pages) - 1 if "Created using Sphinx" in pdf_pages[-1] else len(pdf_pages)  # the back cover
    for (title, first), (_, nxt) in zip(ordered, ordered[1:] + [("", end)]):
        for number in range(first + 1, nxt):
            head = _body_lines(pdf_pages[number])[:3]
            if head:  # full-page figures still carry the header
                assert _squash(title) in _squash(" ".join(head)), f"page {number + 1}: header {head} should name {title!r}"


def test_pdf_contents_give_each_chapters_first_page(pdf, pdf_pages, offline_book):
    """The table of contents' page numbers (CSS target-counter) name the page each chapter opens on
    (they were one too low: the anchor stayed at the foot of the previous chapter's last page)."""
    contents = next(n for n, page in enumerate(pdf_pages) if "Table of Contents" in page) + 1
    lines = _pdftotext(pdf, "-layout", "-f", str(contents), "-l", str(contents)).splitlines()
    numbers = {_squash(m.group(1)): int(m.group(2)) for m in map(re.compile(r"^\s*(\S.*?)\s{2,}(\d+)\s*$").match, lines) if m}
    for title in _chapter_titles(offline_book)[1:]:  # the root page is not listed
        assert _squash(title) in numbers, f"{title!r} missing from the table of contents"
        page = pdf_pages[numbers[_squash(title)] - 1]
        lines_ = [line for line in _body_lines(page) if not line.isdigit()]
        assert _squash(" ".join(lines_[1:4])).startswith(_squash(title)), \
            f"contents give page {numbers[_squash(title)]} for {title!r}, which opens with {lines_[:4]}"


def test_pdf_embeds_only_the_bundled_fonts(pdf):
    from pypdf import PdfReader

    reader = PdfReader(pdf)
    fonts = {}
    for page in reader.pages:
        for font in (page.get("/Resources", {}).get("/Font", {}) or {}).values():
            font = font.get_object()
            fonts[str(font["/BaseFont"])] = font
    names = sorted(fonts)
    for family in ("Kurils-Sans-Print", "Kurils-Gothic-JP-Print", "Kurils-Mono-Print"):
        assert any(family in n for n in names), (family, names)
    for name, font in fonts.items():
        descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"] if "/DescendantFonts" in font \
            else font.get("/FontDescriptor")
        assert descriptor is not None and any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")), \
            f"{name} is not embedded"
        # the theme's icon font is the only face the book does not bundle itself
        assert "Kurils" in name or "fontawesome" in name, f"{name}: a font the book does not bundle"


def test_every_cjk_character_in_the_pdf_is_covered_by_the_bundled_font(pdf_pages):
    sys.path.insert(0, str(ROOT / "scripts"))
    import make_fonts
    from fontTools.ttLib import TTFont

    fonts = ROOT / "_static" / "fonts"
    covered = set(TTFont(fonts / "kurils-gothic-jp.ttf").getBestCmap()) | set(
        TTFont(fonts / "kurils-gothic-sc.otf").getBestCmap())
    cjk = {c for page in pdf_pages for c in page if make_fonts.is_cjk(c)}
    assert len(cjk) > 100, "the PDF should carry the book's Japanese names"
    assert {c for c in cjk if ord(c) not in covered} == set()
