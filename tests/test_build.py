"""The build cannot lie: it fails on a raising cell or bad data, refreshes on data edits, runs offline,
escapes data text, and makes a print-ready PDF with its own fonts.

These tests build throw-away copies of the repository (sharing the built .venv), so they do not
disturb _build/. Builds are shared: session-scoped fixtures build each state once and several tests
read it. Most copies build only the islands chapter (with the pages it links to); one copy builds the
whole book and its PDF with the network cut.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

from conftest import ROOT, copy_repo, html_pages, run

pytestmark = pytest.mark.build

PAYLOAD = "<script>alert(1)</script> [click me](https://evil.example/phish)"
#: The PDF was 219–223 pages for 15 pages of content with every h2 starting a page; print styles
#: brought that to 125 (about 8.3 per page of content). The budget grows with the book: 9 per page.
PDF_PAGES_PER_DOCUMENT = 9


def _first_code_cell_gets(path: Path, line: str) -> None:
    text = path.read_text(encoding="utf-8")
    marker = "```{code-cell} ipython3\n:tags: [remove-cell]\n\n"
    assert marker in text, path
    path.write_text(text.replace(marker, marker + line + "\n", 1), encoding="utf-8")


def _no_traceback_published(site: Path) -> None:
    for page in html_pages(site):
        assert "Traceback" not in page.read_text(encoding="utf-8"), page


def _only_islands_chapter(repo: Path) -> None:
    """A representative chapter plus the pages the intro and that chapter link to. Cross-references from
    those pages to pages left out (e.g. the bibliography's link to Further reading) become plain text
    in this copy, so the -W build stays about the islands chapter."""
    chapters = ["islands", "references", "cite"]
    (repo / "_toc.yml").write_text("format: jb-book\nroot: book/intro\nparts:\n  - caption: The dispute\n"
                                   "    chapters:\n" + "".join(f"      - file: book/{c}\n" for c in chapters),
                                   encoding="utf-8")
    kept = {"intro", *chapters}
    outside: set[str] = set()
    for md in (repo / "book").glob("*.md"):
        if md.stem not in kept:
            outside |= {md.stem, *re.findall(r"^\(([\w-]+)\)=", md.read_text(encoding="utf-8"), flags=re.M)}
    role = re.compile(r"\{(?:ref|doc)\}`(?:([^`<]*?)\s*<)?([\w/-]+)>?`")
    for stem in kept:
        path = repo / "book" / f"{stem}.md"
        text = path.read_text(encoding="utf-8")
        path.write_text(role.sub(lambda m: (m.group(1) or m.group(2)) if m.group(2) in outside else m.group(0), text),
                        encoding="utf-8")


def _islands_copy(dest: Path) -> Path:
    repo = copy_repo(dest)
    _only_islands_chapter(repo)
    return repo


def _images(repo: Path) -> dict[str, bytes]:
    folder = repo / "_build" / "html" / "_images"
    return {p.name: p.read_bytes() for p in folder.iterdir() if p.suffix in (".png", ".svg")}


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

@dataclass
class IslandsPair:
    first: Path
    second: Path
    images: tuple[dict[str, bytes], dict[str, bytes]]


@pytest.fixture(scope="session")
def islands_pair(tmp_path_factory) -> IslandsPair:
    """Two clean islands-only builds of identical copies. Their figures are read at once; then the first
    copy gets a no-op rebuild and an edit (fixtures below), the second a raising cell."""
    base = tmp_path_factory.mktemp("pair")
    repos = [_islands_copy(base / name) for name in ("first", "second")]
    images = []
    for repo in repos:
        made = run(["make", "book"], repo)
        assert made.returncode == 0, made.stdout[-3000:]
        images.append(_images(repo))
    return IslandsPair(repos[0], repos[1], (images[0], images[1]))


@pytest.fixture(scope="session")
def noop_rebuild(islands_pair) -> subprocess.CompletedProcess:
    """`make book` again on the first copy with nothing changed."""
    made = run(["make", "book"], islands_pair.first)
    assert made.returncode == 0, made.stdout[-3000:]
    return made


@pytest.fixture(scope="session")
def edited_islands(islands_pair, noop_rebuild) -> tuple[Path, str, str]:
    """The first copy after one edit of two CSVs and a rebuild: a value changed (3168 -> 3999 km²), and a
    cell given markup and a markdown link to another host. Returns (repo, page before, build log)."""
    repo = islands_pair.first
    before = (repo / "_build" / "html" / "book" / "islands.html").read_text(encoding="utf-8")
    facts = repo / "data" / "island_facts.csv"
    text = facts.read_text(encoding="utf-8")
    assert "etorofu,area_km2,3168," in text
    facts.write_text(text.replace("etorofu,area_km2,3168,", "etorofu,area_km2,3999,"), encoding="utf-8")
    islands = repo / "data" / "islands.csv"
    text = islands.read_text(encoding="utf-8")
    assert ",Итуруп,Iturup," in text
    islands.write_text(text.replace(",Итуруп,Iturup,", f',Итуруп,"{PAYLOAD}",', 1), encoding="utf-8")
    made = run(["make", "book"], repo)
    assert made.returncode == 0, made.stdout[-3000:]
    return repo, before, made.stdout


@pytest.fixture(scope="session")
def offline_book(offline_build) -> Path:
    """The whole book and its PDF, built with the network cut (one copy; the PDF reuses the HTML
    build's execution cache). The build starts in the background when the session starts
    (conftest.BackgroundBuild); the tests that read it run last."""
    made = offline_build.wait()
    assert made.returncode == 0, made.stdout[-4000:]
    return offline_build.repo


@pytest.fixture(scope="session")
def pdf(offline_book) -> Path:
    path = offline_book / "_build" / "simplepdf" / "kurils-book.pdf"
    assert path.is_file()
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

def test_raising_cell_fails_make_book_and_plain_jupyter_book(islands_pair):
    repo = islands_pair.second  # built once already: only the edited chapter runs again
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


# ------------------------------------------------------------------------------------------------
# Determinism, freshness, caching
# ------------------------------------------------------------------------------------------------

def test_two_clean_builds_write_byte_identical_figures(islands_pair):
    first, second = islands_pair.images
    assert len(first) >= 3
    assert first == second


def test_noop_rebuild_reads_nothing_and_skips_validation(noop_rebuild):
    made = noop_rebuild
    assert "validation skipped" in made.stdout
    assert re.search(r"updating environment: .*0 added, 0 changed, 0 removed", made.stdout), made.stdout[-3000:]
    assert "Executing notebook" not in made.stdout


def test_editing_a_csv_value_changes_the_built_page(edited_islands):
    repo, before, log = edited_islands
    assert "3,168" in before and "3,999" not in before
    assert "[kurils] validated" in log, "an edited CSV must be validated again"
    after = (repo / "_build" / "html" / "book" / "islands.html").read_text(encoding="utf-8")
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
    repo, _, _ = edited_islands
    html = (repo / "_build" / "html" / "book" / "islands.html").read_text(encoding="utf-8")
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
    for title in titles:
        for number, page in enumerate(pdf_pages):
            top = _squash(" ".join(_body_lines(page)[:6]))
            # header (page number, running title), then the chapter heading itself
            if top.count(_squash(title)) >= 2:
                starts[title] = number
                break
    assert set(starts) == set(titles), f"no page opens with: {sorted(set(titles) - set(starts))}"
    ordered = sorted(starts.items(), key=lambda kv: kv[1])
    end = len(pdf_pages) - 1 if "Created using Sphinx" in pdf_pages[-1] else len(pdf_pages)  # the back cover
    for (title, first), (_, nxt) in zip(ordered, ordered[1:] + [("", end)]):
        for number in range(first + 1, nxt):
            head = _body_lines(pdf_pages[number])[:3]
            if head:  # full-page figures still carry the header
                assert _squash(title) in _squash(" ".join(head)), f"page {number + 1}: header {head} should name {title!r}"


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
