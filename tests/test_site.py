"""The built site offline: internal links and anchors resolve, pages stay light, no tracebacks.

External links are listed in _build/external-links.txt (not fetched: the build and tests are offline).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlparse

from conftest import SITE, html_pages

PAGE_BUDGET = 1.5e6   # bytes: one page's HTML plus the images it loads
SITE_BUDGET = 25e6    # bytes: the whole site a reader browses (pages, styles, images, fonts, code pages)
#: Downloads are fetched only on request, so they have their own budget: the executed notebooks
#: (outputs included) and the data package (every CSV once, plus the zip).
DOWNLOAD_DIRS = ("notebooks", "data")
DOWNLOAD_BUDGET = 12e6


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs, self.srcs, self.ids = [], [], set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.add(attrs["id"])
        if tag == "a" and attrs.get("href"):
            self.hrefs.append(attrs["href"])
        if tag in ("img", "script") and attrs.get("src"):
            self.srcs.append(attrs["src"])
        if tag == "link" and attrs.get("href"):
            self.srcs.append(attrs["href"])


def _parse(path: Path) -> _Links:
    parser = _Links()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def test_internal_links_and_anchors_resolve(site):
    # _static/ holds theme templates (e.g. webpack-macros.html), not pages
    parsed = {p: _parse(p) for p in site.rglob("*.html") if "_static" not in p.relative_to(site).parts}
    broken, external = [], set()
    for page, links in parsed.items():
        for ref in links.hrefs + links.srcs:
            url = urlparse(ref)
            if url.scheme in ("http", "https"):
                external.add(ref)
                continue
            if url.scheme in ("mailto", "data", "javascript") or ref.startswith("#") and not ref[1:]:
                continue
            target = page if not url.path else (page.parent / unquote(url.path)).resolve()
            if target.is_dir():
                target = target / "index.html"
            if not target.exists():
                broken.append(f"{page.relative_to(site)} -> {ref}")
                continue
            if url.fragment and target.suffix == ".html":
                ids = parsed[target].ids if target in parsed else _parse(target).ids
                if unquote(url.fragment) not in ids:
                    broken.append(f"{page.relative_to(site)} -> {ref} (no such anchor)")
    (site.parent / "external-links.txt").write_text("\n".join(sorted(external)) + "\n", encoding="utf-8")
    assert broken == [], broken


def test_every_page_stays_within_the_weight_budget(site):
    for page in html_pages(site):
        links = _parse(page)
        images = {(page.parent / unquote(urlparse(s).path)).resolve() for s in links.srcs
                  if not urlparse(s).scheme and re.search(r"\.(png|svg|jpe?g|gif|webp)$", urlparse(s).path)}
        weight = page.stat().st_size + sum(i.stat().st_size for i in images if i.exists())
        assert weight <= PAGE_BUDGET, f"{page.relative_to(site)}: {weight / 1e6:.2f} MB"


def test_whole_site_stays_within_the_budget(site):
    files = [p for p in site.rglob("*") if p.is_file()]
    downloads = sum(p.stat().st_size for p in files if p.relative_to(site).parts[0] in DOWNLOAD_DIRS)
    total = sum(p.stat().st_size for p in files) - downloads
    assert total <= SITE_BUDGET, f"site is {total / 1e6:.1f} MB without the downloads"
    assert 0 < downloads <= DOWNLOAD_BUDGET, f"downloads (notebooks, data) are {downloads / 1e6:.1f} MB"


def test_no_page_publishes_a_traceback_or_warning(site):
    for page in html_pages(site):
        text = page.read_text(encoding="utf-8")
        assert "Traceback (most recent call last)" not in text, page
        assert not re.search(r"\b(UserWarning|DeprecationWarning|FutureWarning)\b", text), page


def test_every_chapter_states_when_its_data_is_current(site):
    """Every page whose notebook reads the data says how current it is (glossary, how-to-cite do not)."""
    book = Path(__file__).resolve().parents[1] / "book"
    data_pages = [md.stem for md in book.glob("*.md") if "data.load(" in md.read_text(encoding="utf-8")]
    assert len(data_pages) >= 6
    for stem in data_pages:
        page = site / "book" / f"{stem}.html"
        assert "Sources read up to" in page.read_text(encoding="utf-8"), page.name


def test_figures_fit_the_page_column_so_text_keeps_its_size(site):
    """A figure wider than the column is shrunk, and its 9-pt labels with it: keep files within MAX_WIDTH_IN."""
    from PIL import Image

    from kurils.style import MAX_WIDTH_IN

    referenced = set()
    for page in html_pages(site):
        referenced |= {(page.parent / unquote(urlparse(src).path)).resolve() for src in _parse(page).srcs
                       if "_images/" in src}
    assert referenced, "no figures found"
    for image in sorted(referenced):  # _images/ may also hold files of earlier builds
        if image.suffix == ".svg":
            match = re.search(r'<svg[^>]*\swidth="([\d.]+)pt"', image.read_text(encoding="utf-8")[:2000])
            assert match, image.name
            assert float(match.group(1)) / 72 <= MAX_WIDTH_IN, f"{image.name}: {float(match.group(1)) / 72:.1f} in"
        elif image.suffix == ".png":
            with Image.open(image) as im:
                assert im.width / 150 <= MAX_WIDTH_IN, f"{image.name}: {im.width / 150:.1f} in at 150 dpi"


def test_the_site_root_redirects_with_its_icon_title_and_a_link(site):
    # Without an icon link a browser asks for /favicon.ico, which the site does not have (a 404 at its
    # front door, seen as a flaky console error in the browser tests); an icon file would be cut off by
    # the refresh, so the icon is an empty inline one that costs no request.
    root = (site / "index.html").read_text(encoding="utf-8")
    assert '<meta http-equiv="Refresh" content="0; url=book/intro.html" />' in root
    assert '<link rel="icon" href="data:,">' in root
    assert '<a href="book/intro.html">' in root and "<title>" in root and '<html lang="en">' in root
