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


def _serve(site: Path) -> tuple[str, http.server.ThreadingHTTPServer]:
    """The built site on a local port, served from a thread: its address and the server."""
    handler = functools.partial(_QuietHandler, directory=str(site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{httpd.server_address[1]}", httpd


@pytest.fixture(scope="module")
def server(site):
    url, httpd = _serve(site)
    yield url
    httpd.shutdown()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is required: run `make sysdeps` (installs it as root, else prints the command)")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


PAGES = [p.relative_to(SITE).as_posix() for p in html_pages(SITE)] if (SITE / "index.html").exists() else []


def _open(page, url: str) -> None:
    page.goto(url, wait_until="networkidle")
    target = _redirect_target(url)
    if target:  # a meta-refresh page (index.html): evaluate the page it lands on, not mid-navigation
        page.wait_for_url(target)
        page.wait_for_load_state("networkidle")


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
    _open(page, url)
    try:
        yield context, page, record
    finally:
        context.close()


def _redirect_target(url: str) -> str | None:
    """Where a meta-refresh page sends the reader (absolute URL), read from the built file."""
    import re
    from urllib.parse import urljoin

    path = SITE / urlparse(url).path.lstrip("/")
    # the tag itself, not its text quoted in a page (kurils.sphinx_ext's template, in its source listing)
    match = re.search(r'<meta http-equiv="Refresh" content="0; url=([^"]+)"', path.read_text(encoding="utf-8"), re.I)
    return urljoin(url, match.group(1)) if match else None


def test_site_has_pages():
    assert len(PAGES) >= 3, "site not built"


#: One fresh browser context per page, shared by every check below (a visit costs a page load, the
#: theme's scripts and, at desktop width, an axe run): the checks stay separate tests. The page is
#: loaded at desktop width for the desktop checks, then the window is narrowed to a phone's width and the
#: page measured again once its layout settles. This replaced a second load at phone width (about a
#: second a page): on 2026-12-06 both gave the same widths on all 54 pages, the theme lays the page out
#: by CSS media queries alone, and test_phone_check_finds_a_page_that_scrolls_sideways shows the
#: measurement catching content wider than the phone.
_AXE_SKIP = ("serious", "critical")
#: Two Chromiums visit the pages side by side, each driven from its own thread with its own playwright
#: instance: the axe runs are CPU-bound, so on two cores the visits take about half as long. Every page
#: still gets its own fresh context, and the checks read the same records as before.
WORKERS = 2


#: axe-core's colour-contrast rule costs 85-90 % of an axe run and grows faster than the page: on the API
#: page (about 12,000 text elements, most of them repeated signature parts) it took 90 s of a 105 s run,
#: on a module's source listing 45 of 50 s. Most of those elements are the same rendering repeated: one
#: code token class, one signature part, one table cell style. So the rule checks one element of every
#: kind of text rendering on the page: every element with text is grouped by what its contrast depends on
#: (visible or not; colour, size, weight, shadow and text fill; and, for the element and every ancestor,
#: background colour and image, opacity, blending, filters, clipping, stacking, visibility and display),
#: and the first of each group is marked for the rule. Two elements in one group draw the same colour over
#: the same backgrounds at the same size, so they pass or fail together. Every other rule still checks
#: every element; test_contrast_check_finds_low_contrast_text shows the sampled rule failing.
CONTRAST_SAMPLE_JS = """() => {
  const chains = new Map();
  const chain = (el) => {
    if (!el) return "";
    let found = chains.get(el);
    if (found === undefined) {
      const cs = getComputedStyle(el);
      found = [cs.backgroundColor, cs.backgroundImage, cs.opacity, cs.mixBlendMode, cs.filter, cs.backdropFilter,
               cs.position, cs.zIndex, cs.overflow, cs.clip, cs.clipPath, cs.visibility, cs.display].join(",")
              + "|" + chain(el.parentElement);
      chains.set(el, found);
    }
    return found;
  };
  const seen = new Set();
  let texts = 0;
  for (const el of document.body.querySelectorAll("*")) {
    if (![...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim())) continue;
    texts++;
    const cs = getComputedStyle(el);
    const key = [el.getClientRects().length > 0, cs.color, cs.fontSize, cs.fontWeight, cs.textShadow,
                 cs.webkitTextStrokeColor, cs.webkitTextFillColor, chain(el)].join(";");
    if (!seen.has(key)) {
      seen.add(key);
      el.setAttribute("data-kurils-contrast", "");
    }
  }
  return [texts, seen.size];
}"""


def _axe(page) -> list:
    """axe-core's serious and critical violations on the loaded page (colour contrast on one element of
    every kind of text rendering, see above), once its web fonts have loaded."""
    from axe_playwright_python.sync_playwright import Axe

    page.evaluate("document.fonts.ready.then(() => true)")
    page.evaluate(Axe().axe_script)
    texts, kinds = page.evaluate(CONTRAST_SAMPLE_JS)
    assert 0 < kinds <= texts, (kinds, texts)
    page.evaluate("axe.configure({rules: [{id: 'color-contrast', selector: '[data-kurils-contrast]'}]})")
    response = page.evaluate("axe.run({resultTypes: ['violations']})")
    return [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
            for v in response["violations"] if v["impact"] in _AXE_SKIP]


def _visit_page(browser, server, path: str) -> dict:
    url = f"{server}/{path}"
    with _visit(browser, url) as (context, page, record):
        # what the page itself did, taken before axe runs (axe re-fetches stylesheets for its checks)
        desktop = {"errors": list(record["errors"]), "requests": list(record["requests"])}
        desktop["cookies"] = context.cookies()
        desktop["local"] = set(page.evaluate("Object.keys(localStorage)"))
        desktop["session"] = set(page.evaluate("Object.keys(sessionStorage)"))
        desktop["images"] = page.eval_on_selector_all(
            "img", "els => els.map(e => [e.getAttribute('src'), e.getAttribute('alt')])")
        desktop["axe"] = _axe(page)
        phone = {"widths": _phone_widths(page)}
    return {"desktop": desktop, "phone": phone}


def _phone_widths(page) -> list[int]:
    """Narrow the window to a phone's width; once fonts and layout have settled (two animation frames),
    the document's scrolling width and the window's width."""
    page.set_viewport_size(PHONE)
    page.evaluate("document.fonts.ready.then(() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r))))")
    return page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")


class BackgroundVisits:
    """Every page this run's tests check, visited once, in background threads: conftest starts the
    visits when collection ends, so the two Chromiums work while the main thread runs the other tests
    (the page checks come last and read the records). Largest pages first, shared out to the workers as
    they free up; the site is served from a server of its own."""

    def __init__(self, paths) -> None:
        import queue

        self.server, self.httpd = _serve(SITE)
        self.todo: queue.Queue[str] = queue.Queue()
        for path in sorted(paths, key=lambda p: -(SITE / p).stat().st_size):
            self.todo.put(path)
        self.results: dict[str, dict | BaseException] = {}
        self.threads = [threading.Thread(target=self._work, daemon=True) for _ in range(WORKERS)]
        for t in self.threads:
            t.start()

    def _work(self) -> None:
        import queue

        from playwright.sync_api import sync_playwright

        try:
            with sync_playwright() as p:
                b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
                try:
                    while True:
                        try:
                            path = self.todo.get_nowait()
                        except queue.Empty:
                            return
                        try:
                            self.results[path] = _visit_page(b, self.server, path)
                        except Exception as exc:  # reported by that page's tests
                            self.results[path] = exc
                finally:
                    b.close()
        except Exception as exc:  # Chromium did not start: every page still waiting reports it
            with contextlib.suppress(queue.Empty):
                while True:
                    self.results[self.todo.get_nowait()] = exc

    def wait(self) -> dict[str, dict | BaseException]:
        for t in self.threads:
            t.join()
        return self.results

    def close(self) -> None:
        """At the session's end (also an interrupted one): no new page is started; the server stops."""
        import queue

        with contextlib.suppress(queue.Empty):
            while True:
                self.todo.get_nowait()
        self.httpd.shutdown()
        self.httpd.server_close()


def visited_paths(items) -> set[str]:
    """The pages the selected tests check (every page when they are not parametrised by page)."""
    params = [getattr(getattr(item, "callspec", None), "params", {}) for item in items
              if "visits" in getattr(item, "fixturenames", ())]
    return {p["path"] for p in params if "path" in p} or set(PAGES)


@pytest.fixture(scope="module")
def visits(request) -> dict[str, dict | BaseException]:
    """The records of the background visits (started now if conftest did not start them)."""
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is required: run `make sysdeps` (installs it as root, else prints the command)")
    background = getattr(request.config, "_kurils_visits", None)
    if background is None:
        background = request.config._kurils_visits = BackgroundVisits(visited_paths(request.session.items))
    return background.wait()


def _record(visits, path: str, viewport: str) -> dict:
    found = visits.get(path)
    if found is None:
        pytest.fail(f"{path} was not visited (a browser worker stopped)")
    if isinstance(found, BaseException):
        raise found
    return found[viewport]


def _desktop(visits, path: str) -> dict:
    return _record(visits, path, "desktop")


def _phone(visits, path: str) -> dict:
    return _record(visits, path, "phone")


@pytest.mark.parametrize("path", PAGES)
def test_page_is_clean_local_and_private(visits, path):
    record = _desktop(visits, path)
    assert record["errors"] == [], record["errors"]
    foreign = [u for u in record["requests"] if urlparse(u).hostname not in ("127.0.0.1",) and not u.startswith("data:")]
    assert foreign == [], foreign
    assert record["cookies"] == []
    assert record["local"] <= ALLOWED_LOCAL, record["local"]
    assert record["session"] <= ALLOWED_SESSION, record["session"]


@pytest.mark.parametrize("path", PAGES)
def test_images_have_meaningful_alt_text(visits, path):
    for src, alt in _desktop(visits, path)["images"]:
        assert alt and len(alt.split()) >= 5, f"{src}: alt {alt!r} is not a description"
        assert not alt.lower().endswith((".png", ".svg", ".jpg")) and "_images" not in alt and "jupyter_execute" not in alt, alt


@pytest.mark.parametrize("path", PAGES)
def test_no_serious_accessibility_violations(visits, path):
    bad = _desktop(visits, path)["axe"]
    assert bad == [], bad


@pytest.mark.parametrize("path", ["_modules/kurils/islands.html", "book/islands.html"])
def test_contrast_check_finds_low_contrast_text(browser, server, path):
    """The sampled colour-contrast check still fails: one kind of text (code names in the source listing,
    table cells on the chapter) given a pale grey on white is reported, with the rest of the page passing."""
    with _visit(browser, f"{server}/{path}") as (_, page, _record):
        assert not [v for v in _axe(page) if v[0] == "color-contrast"]
        page.add_style_tag(content=".highlight .n, td { color: #bbbbbb !important; }")
        page.evaluate("document.querySelectorAll('[data-kurils-contrast]').forEach(e => e.removeAttribute('data-kurils-contrast'))")
        found = [v for v in _axe(page) if v[0] == "color-contrast"]
    assert found and found[0][1] == "serious", found


@pytest.mark.parametrize("path", PAGES)
def test_page_fits_a_phone_without_horizontal_scroll(visits, path):
    scroll, client = _phone(visits, path)["widths"]
    assert scroll <= client + 1, f"body scrolls sideways: {scroll}px content in {client}px"


def test_phone_check_finds_a_page_that_scrolls_sideways(browser, server):
    """The phone measurement catches content wider than a phone: a 600 px wide block in a chapter."""
    with _visit(browser, f"{server}/book/islands.html") as (_, page, _record):
        page.evaluate("document.querySelector('main').insertAdjacentHTML('afterbegin', "
                      "'<div style=\"width: 600px; height: 10px\"></div>')")
        scroll, client = _phone_widths(page)
    assert client == PHONE["width"] and scroll > client + 1, (scroll, client)


def _fonts_drawing(page, selector: str) -> list[dict]:
    """The fonts Chromium actually used to draw a node's text (DevTools: CSS.getPlatformFontsForNode)."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument", {"depth": -1})["root"]["nodeId"]
    node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
    assert node, selector
    return cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]


@pytest.mark.parametrize("viewport", [{"width": 1280, "height": 900}, PHONE], ids=["1280px", "390px"])
def test_kanji_in_the_straits_table_draw_with_the_bundled_font(browser, server, viewport):
    """No empty boxes on a machine without Japanese fonts: the table's kanji come from the webfont."""
    with _visit(browser, f"{server}/book/okhotsk.html", viewport=viewport) as (context, page, _):
        page.wait_for_function("document.fonts.status === 'loaded'")
        cell = page.evaluate("""() => {
            const cells = [...document.querySelectorAll('#T_okhotsk-straits td')];
            const i = cells.findIndex(td => /[\u3040-\u30ff\u4e00-\u9fff]/.test(td.textContent));
            if (i >= 0) cells[i].setAttribute('data-kanji-cell', '1');
            return i >= 0 ? cells[i].textContent : null;
        }""")
        assert cell, "no Japanese text in the straits table"
        fonts = _fonts_drawing(page, "td[data-kanji-cell]")
        used = {f["familyName"]: f for f in fonts}
        assert "Kurils Gothic JP" in used, fonts
        assert used["Kurils Gothic JP"]["isCustomFont"], fonts
        assert all(f["isCustomFont"] for f in fonts), f"a system font drew part of {cell!r}: {fonts}"
