"""Every page of the built site in real headless Chromium: no console errors, no third parties,
no cookies, meaningful alt text, no serious accessibility violations, usable on a phone.

Chromium is Debian's (/usr/bin/chromium), driven by playwright without a browser download.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import shutil
import threading
from pathlib import Path
from urllib.parse import urlparse

import pytest

from conftest import SITE, html_pages

pytestmark = pytest.mark.browser

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--disable-default-apps"]
#: Browser storage the theme writes for its own display: colour mode and sidebar scroll position.
ALLOWED_LOCAL = {"mode", "theme"}
ALLOWED_SESSION = {"sidebar-scroll-top"}
PHONE = {"width": 390, "height": 844}


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep pytest output clean
        pass


@pytest.fixture(scope="module")
def server(site):
    handler = functools.partial(_QuietHandler, directory=str(site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is required (apt-get install chromium); .ci/run installs it")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


PAGES = [p.relative_to(SITE).as_posix() for p in html_pages(SITE)] if (SITE / "index.html").exists() else []


@contextlib.contextmanager
def _visit(browser, url: str, viewport=None):
    """Open a page in a fresh context (closed afterwards); record console and page errors and requests."""
    context = browser.new_context(viewport=viewport or {"width": 1280, "height": 900})
    page = context.new_page()
    record = {"errors": [], "requests": []}
    page.on("console", lambda m: record["errors"].append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: record["errors"].append(str(e)))
    page.on("request", lambda r: record["requests"].append(r.url))
    page.on("requestfailed", lambda r: record["errors"].append(f"failed: {r.url}"))
    page.goto(url, wait_until="networkidle")
    target = _redirect_target(url)
    if target:  # a meta-refresh page (index.html): evaluate the page it lands on, not mid-navigation
        page.wait_for_url(target)
        page.wait_for_load_state("networkidle")
    try:
        yield context, page, record
    finally:
        context.close()


def _redirect_target(url: str) -> str | None:
    """Where a meta-refresh page sends the reader (absolute URL), read from the built file."""
    import re
    from urllib.parse import urljoin

    path = SITE / urlparse(url).path.lstrip("/")
    match = re.search(r'http-equiv="Refresh" content="0; url=([^"]+)"', path.read_text(encoding="utf-8"), re.I)
    return urljoin(url, match.group(1)) if match else None


def test_site_has_pages():
    assert len(PAGES) >= 3, "site not built"


@pytest.mark.parametrize("path", PAGES)
def test_page_is_clean_local_and_private(browser, server, path):
    with _visit(browser, f"{server}/{path}") as (context, page, record):
        assert record["errors"] == [], record["errors"]
        foreign = [u for u in record["requests"] if urlparse(u).hostname not in ("127.0.0.1",) and not u.startswith("data:")]
        assert foreign == [], foreign
        assert context.cookies() == []
        local = set(page.evaluate("Object.keys(localStorage)"))
        session = set(page.evaluate("Object.keys(sessionStorage)"))
        assert local <= ALLOWED_LOCAL, local
        assert session <= ALLOWED_SESSION, session


@pytest.mark.parametrize("path", PAGES)
def test_images_have_meaningful_alt_text(browser, server, path):
    with _visit(browser, f"{server}/{path}") as (context, page, _):
        images = page.eval_on_selector_all("img", "els => els.map(e => [e.getAttribute('src'), e.getAttribute('alt')])")
        for src, alt in images:
            assert alt and len(alt.split()) >= 5, f"{src}: alt {alt!r} is not a description"
            assert not alt.lower().endswith((".png", ".svg", ".jpg")) and "_images" not in alt and "jupyter_execute" not in alt, alt


@pytest.mark.parametrize("path", PAGES)
def test_no_serious_accessibility_violations(browser, server, path):
    from axe_playwright_python.sync_playwright import Axe

    with _visit(browser, f"{server}/{path}") as (context, page, _):
        results = Axe().run(page)
        bad = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3]) for v in results.response["violations"]
               if v["impact"] in ("serious", "critical")]
        assert bad == [], bad


@pytest.mark.parametrize("path", PAGES)
def test_page_fits_a_phone_without_horizontal_scroll(browser, server, path):
    with _visit(browser, f"{server}/{path}", viewport=PHONE) as (context, page, _):
        scroll, client = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        assert scroll <= client + 1, f"body scrolls sideways: {scroll}px content in {client}px"
