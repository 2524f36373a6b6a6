"""Sphinx extension: keep built pages honest about the data and code behind them.

1. **No stale numbers.** Sphinx's incremental build and jupyter-cache key on a notebook's own text,
   so an edit to a CSV under data/ or to this package would leave old outputs in place. This
   extension hashes data/ and src/kurils/; when the hash differs from the previous build it empties
   the execution cache and, through a config value that triggers a full re-read, re-executes every
   chapter. An unchanged tree keeps the fast cached rebuild.
2. **Bad data never reaches a page.** Every table is validated before any page is read; a problem
   stops the build with a message naming the file, the line and the column. A passed validation is
   stamped with the inputs hash (plus the lock, which pins the validator): while neither changes, a
   rebuild skips the ~1.4 s of validation, and any edit under data/ or src/kurils/ validates again.
3. **Accessible output.** Small fixes to generated HTML that axe-core flags (see the handlers).
4. **The PDF builder, loaded only for the PDF.** ``sphinx_simplepdf.builders.simplepdf`` imports
   WeasyPrint, libsass and BeautifulSoup at module level: about a second of start-up that every HTML
   build and every no-op rebuild paid for a builder it never used. This extension registers the same
   configuration values (so the ``simplepdf_*`` settings in _config.yml stay known to HTML builds,
   where an unknown value is a warning and -W a failure) and a stand-in builder named ``simplepdf``
   that imports the real one when Sphinx creates it, that is, only for ``make pdf``.
5. **A no-op rebuild recomputes nothing that depends only on the pages.** After reading, Sphinx
   re-derives section and figure numbers by loading every page's doctree (about 0.7 s), and
   sphinxcontrib-bibtex formats all ~1,000 bibliography entries again (about 1.2 s), even when no page
   was read. When no page was read or removed in this build, and the .bib files are the ones the last
   full pass used, both would compute what the saved environment already holds: they are skipped,
   and the build logs "[kurils] no page re-read". Any page read, removed, or a changed .bib file runs
   both as before.
6. **The site root is a whole page.** ``index.html``, the redirect to the first page, is written here
   with a title, a visible link and an empty inline icon (see ``_write_root_redirect``).
7. **Pages read side by side.** ``scripts/jb.py`` runs Sphinx with parallel reading, and myst-nb
   executes each notebook as its page is read, so on two cores two chapters execute at once (a clean
   build takes about a third less time). Sphinx reads serially, with a warning that -W turns into a
   failure, if any extension does not declare itself safe: two that Jupyter Book loads do not, and are
   safe (see ``UNDECLARED_PARALLEL_SAFE``). The execution cache's database is created before Sphinx
   starts its reading processes, so two of them never race to create its tables.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.errors import ExtensionError
from sphinx.util import logging

LOGGER = logging.getLogger(__name__)
HASH_FILE = ".kurils-inputs.sha256"
VALIDATED_FILE = ".kurils-validated.sha256"


def inputs_hash(root: Path) -> str:
    """sha256 over the paths and bytes of every file under data/ and src/kurils/ (sorted)."""
    digest = hashlib.sha256()
    files = [p for p in (root / "data").rglob("*") if p.is_file()]
    files += [p for p in (root / "src" / "kurils").rglob("*.py") if p.is_file()]
    for path in sorted(files):
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()


def _cache_dir(app: Sphinx) -> Path:
    configured = app.config.nb_execution_cache_path
    return Path(configured) if configured else Path(app.outdir).parent / ".jupyter_cache"


def _on_config_inited(app: Sphinx, config) -> None:
    root = Path(app.confdir)
    current = inputs_hash(root)
    config.kurils_inputs_hash = current  # rebuild="env": a change re-reads every document
    stamp = Path(app.outdir).parent / HASH_FILE
    previous = stamp.read_text().strip() if stamp.is_file() else None
    if previous != current:
        cache = _cache_dir(app)
        if cache.exists():
            LOGGER.info(f"[kurils] data/ or src/ changed: clearing execution cache {cache}")
            shutil.rmtree(cache)
        stamp.parent.mkdir(parents=True, exist_ok=True)
        stamp.write_text(current + "\n")


def _link_assets_for_pdf(app: Sphinx) -> None:
    """The PDF builder renders the root page (book/intro) with paths relative to the output root;
    link book/_static and book/_images to the real folders so WeasyPrint finds styles and figures."""
    out = Path(app.outdir)
    for name in ("_static", "_images"):
        (out / name).mkdir(parents=True, exist_ok=True)
        link = out / Path(app.config.root_doc).parent / name
        link.parent.mkdir(parents=True, exist_ok=True)
        if not link.exists():
            link.symlink_to(Path("..") / name)


def validation_key(root: Path, inputs: str) -> str:
    """What a passed validation depends on: data/ and src/kurils/ (the inputs hash) and the lock."""
    lock = root / "requirements.txt"
    digest = hashlib.sha256(inputs.encode())
    digest.update(lock.read_bytes() if lock.is_file() else b"")
    return digest.hexdigest()


def _on_builder_inited(app: Sphinx) -> None:
    if app.builder.name == "simplepdf":
        _link_assets_for_pdf(app)

    root = Path(app.confdir)
    key = validation_key(root, app.config.kurils_inputs_hash or inputs_hash(root))
    stamp = Path(app.outdir).parent / VALIDATED_FILE
    if stamp.is_file() and stamp.read_text().strip() == key:
        LOGGER.info("[kurils] data/ and src/kurils/ unchanged since they last validated: validation skipped")
        return
    stamp.unlink(missing_ok=True)
    from kurils import data  # pandas and frictionless load only when validation runs

    try:
        counts = data.validate_all(root / "data")
    except data.DataValidationError as exc:
        raise ExtensionError(f"[kurils] data validation failed, nothing was built.\n{exc}") from exc
    stamp.parent.mkdir(parents=True, exist_ok=True)
    stamp.write_text(key + "\n")
    LOGGER.info(f"[kurils] validated {len(counts)} tables, {sum(counts.values())} rows")


def _on_html_page_context(app: Sphinx, pagename, templatename, context, doctree) -> None:
    """docutils wraps bibliography entries in role="list" while the entries are not list items, an
    ARIA error (axe: aria-required-children) that screen readers announce as an empty list."""
    body = context.get("body")
    if body and 'role="list" class="citation-list"' in body:
        context["body"] = body.replace('<div role="list" class="citation-list">', '<div class="citation-list">')


#: sphinx_simplepdf.builders.simplepdf.setup's configuration values: (name, default, rebuild, types).
#: tests/test_build_speed.py checks that the installed sphinx-simplepdf registers exactly these.
SIMPLEPDF_CONFIG = [
    ("simplepdf_vars", {}, "html", [dict]),
    ("simplepdf_file_name", None, "html", [str]),
    ("simplepdf_debug", False, "html", bool),
    ("simplepdf_weasyprint_timeout", None, "html", [int]),
    ("simplepdf_weasyprint_retries", 0, "html", [int]),
    ("simplepdf_weasyprint_flags", None, "html", [list]),
    ("simplepdf_weasyprint_filter", [], "html", [list]),
    ("simplepdf_use_weasyprint_api", None, "html", [bool]),
    ("simplepdf_theme", "simplepdf_theme", "html", [str]),
    ("simplepdf_theme_options", {}, "html", [dict]),
    ("simplepdf_sidebars", {"**": ["localtoc.html"]}, "html", [dict]),
]


class LazySimplePdfBuilder:
    """Stands in for sphinx-simplepdf's builder in Sphinx's registry; creating it creates the real one."""

    name = "simplepdf"

    def __new__(cls, app: Sphinx, env):
        from sphinx_simplepdf.builders.simplepdf import SimplePdfBuilder  # WeasyPrint loads here

        return SimplePdfBuilder(app, env)


# ------------------------------------------------------------------------------------------------
# 5. No-op rebuilds: skip re-deriving numbers and citations when no page was read (see the docstring)
# ------------------------------------------------------------------------------------------------

def _note_page_change(app: Sphinx, *args) -> None:
    """doctree-read (a page was read) and env-purge-doc (a page was changed or removed)."""
    app._kurils_pages_changed = True


def pages_changed(app: Sphinx) -> bool:
    """Whether this build has read or removed a page so far (both are noted in the main process: Sphinx
    purges every page it will read before its reading processes start)."""
    return getattr(app, "_kurils_pages_changed", False)


def _bib_key(app: Sphinx) -> str:
    digest = hashlib.sha256()
    for name in app.config.bibtex_bibfiles or ():
        path = Path(app.confdir) / name
        digest.update(path.read_bytes() if path.is_file() else b"missing")
    return digest.hexdigest()


def _unless_pages_changed(handler, what: str, *, bib: bool = False):
    """Wrap an env-updated / env-get-updated listener: skipped when no page was read or removed (and,
    for the bibliography, the .bib files are unchanged since it last ran)."""

    def listener(app: Sphinx, env, *args):
        key = _bib_key(app) if bib else None
        unchanged = not pages_changed(app) and (
            not bib or getattr(env, "kurils_bib_key", None) == key)
        if unchanged:
            LOGGER.info(f"[kurils] no page re-read: {what} kept from the last build")
            return []
        result = handler(app, env, *args)
        if bib:
            env.kurils_bib_key = key
        return result

    listener.__wrapped__ = handler
    return listener


def _skip_unchanged_passes(app: Sphinx) -> None:
    """builder-inited: every extension and collector has connected its listeners by now."""
    from sphinx.environment.collectors.toctree import TocTreeCollector

    for event, test, what, bib in (
            ("env-get-updated", lambda h: isinstance(getattr(h, "__self__", None), TocTreeCollector),
             "section and figure numbers", False),
            ("env-updated", lambda h: getattr(h, "__module__", "") == "sphinxcontrib.bibtex"
             and getattr(h, "__name__", "") == "env_updated", "formatted bibliography", True)):
        listeners = app.events.listeners.get(event, [])
        for i, found in enumerate(listeners):
            if test(found.handler) and not hasattr(found.handler, "__wrapped__"):
                listeners[i] = found._replace(handler=_unless_pages_changed(found.handler, what, bib=bib))


#: Extensions Jupyter Book loads that do not declare whether Sphinx may read pages in parallel, with
#: why they may: sphinx_multitoc_numbering replaces a method of Sphinx's toctree collector, which runs in
#: the main process after reading; sphinx_jupyterbook_latex adds transforms that act on LaTeX builds
#: only. Neither keeps state of its own in the environment.
UNDECLARED_PARALLEL_SAFE = ("sphinx_multitoc_numbering", "sphinx_jupyterbook_latex")


def _allow_parallel_read(app: Sphinx) -> None:
    """builder-inited: declare the extensions above safe, and create the execution cache's database."""
    for name in UNDECLARED_PARALLEL_SAFE:
        extension = app.extensions.get(name)
        if extension is not None:
            extension.parallel_read_safe = extension.parallel_write_safe = True
    if app.parallel > 1 and app.config.nb_execution_mode == "cache":
        from jupyter_cache import get_cache

        get_cache(_cache_dir(app)).db  # opening the database creates the folder and its tables when missing


ROOT_REDIRECT = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{title}</title>
<meta http-equiv="Refresh" content="0; url={target}" />
<link rel="canonical" href="{target}">
<link rel="icon" href="data:,">
</head>
<body>
<p><a href="{target}">{title}</a></p>
</body>
</html>
"""


def _write_root_redirect(app: Sphinx, exception: Exception | None) -> None:
    """The site root's index.html: a redirect to the first page, as sphinx-external-toc writes it, but a
    whole page: a title, a link for readers whose browser does not follow the refresh, and an empty
    inline icon. Without an icon link a browser asks for /favicon.ico, which the site does not have (a
    404 at the site's front door); a real icon file would be fetched and then cut off by the refresh.
    Runs before sphinx-external-toc's handler, which then leaves the file alone."""
    if exception is not None or app.builder.name != "html":
        return
    from html import escape

    target = f"{app.config.root_doc}.html"
    page = ROOT_REDIRECT.format(target=escape(target), title=escape(app.config.html_title or app.config.project))
    index = Path(app.outdir) / "index.html"
    if not index.is_file() or index.read_text(encoding="utf-8") != page:
        index.write_text(page, encoding="utf-8")


def setup(app: Sphinx) -> dict:
    """Register the build guards, and the PDF builder without importing it, with Sphinx."""
    for name, default, rebuild, types in SIMPLEPDF_CONFIG:
        app.add_config_value(name, default, rebuild, types=types)
    app.add_builder(LazySimplePdfBuilder)
    app.add_config_value("kurils_inputs_hash", "", "env")
    app.connect("config-inited", _on_config_inited)
    app.connect("builder-inited", _on_builder_inited)
    app.connect("html-page-context", _on_html_page_context)
    app.connect("doctree-read", _note_page_change)
    app.connect("env-purge-doc", _note_page_change)
    app.connect("builder-inited", _skip_unchanged_passes)
    app.connect("builder-inited", _allow_parallel_read)
    app.connect("build-finished", _write_root_redirect, priority=400)
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}
