"""Sphinx extension: what readers take away from the site — data, notebooks and citations.

1. **The data.** Every table's CSV, ``datapackage.json``, the README and one zip of the whole package
   are published under ``data/`` in the HTML output (see :mod:`kurils.catalogue`).
2. **The notebooks.** Each executed chapter is published under ``notebooks/`` twice: as ``.ipynb``
   with its outputs (from myst-nb's ``jupyter_execute`` folder, with a first cell that says how to
   get the ``kurils`` package) and as its ``.md`` source.
3. **Citations.** Every page carries Highwire ``citation_*`` meta tags for reference managers, and
   every chapter ends with a "Cite this chapter" line, the date it was last reviewed
   (``data/chapters.csv``) and its download links.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.util import logging

LOGGER = logging.getLogger(__name__)
NOTEBOOK_DIR = "notebooks"
#: Pages that are not chapters: no cite line and no downloads.
NOT_CHAPTERS = {"genindex", "search", "py-modindex"}

FIRST_CELL = """\
**{title}** — a chapter of *{book}*, version {version}.

This notebook was executed when the book was built; its outputs are the ones on the site. To run it
again you need the book's helper package `kurils` and its pinned dependencies. On a machine with
Python 3.11 and `make`:

```bash
git clone {repository} kurils-book && cd kurils-book
make book                      # creates .venv from requirements.txt and builds the book
.venv/bin/jupyter lab          # or: make lab, then open book/{stem}.md or this notebook
```

Run it from the repository's `book/` folder so that `kurils` finds `data/`.
"""


def _repository(app: Sphinx) -> str:
    url = (app.config.html_theme_options or {}).get("repository_url") or ""
    return url or "<the repository's address, set in _config.yml as repository.url>"


def chapter_notebook(src: Path, title: str, stem: str, app: Sphinx) -> dict:
    """The executed notebook with a first markdown cell naming the book and how to get ``kurils``."""
    from kurils import meta

    nb = json.loads(src.read_text(encoding="utf-8"))
    book = meta.citation()
    cell = {"cell_type": "markdown", "id": "kurils-how-to-run", "metadata": {},
            "source": FIRST_CELL.format(title=title, book=book["title"], version=book["version"],
                                        repository=_repository(app), stem=stem)}
    nb["cells"] = [cell] + [c for c in nb["cells"] if c.get("id") != "kurils-how-to-run"]
    return nb


def _page_title(context: dict) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", context.get("title") or "")).strip()


def _chapter_footer(app: Sphinx, pagename: str, title: str) -> str:
    from kurils import meta

    stem = Path(pagename).name
    depth = pagename.count("/")
    up = "../" * depth
    links = []
    if (Path(app.outdir) / NOTEBOOK_DIR / f"{stem}.ipynb").exists() or _executed(app, pagename) is not None:
        links.append(f'<a href="{up}{NOTEBOOK_DIR}/{stem}.ipynb" download>notebook with outputs (.ipynb)</a>')
    if (Path(app.srcdir) / f"{pagename}.md").exists():
        links.append(f'<a href="{up}{NOTEBOOK_DIR}/{stem}.md" download>source (.md)</a>')
    apa = meta.apa_chapter(title, url=_public_url(app, pagename))
    apa_html = html.escape(apa).replace("*", "")  # the book title is italic below
    book_title = html.escape(meta.citation()["title"])
    apa_html = apa_html.replace(book_title, f"<em>{book_title}</em>", 1)
    parts = [f'<p class="kurils-cite-chapter"><strong>Cite this chapter:</strong> {apa_html} '
             f'(<a href="{up}book/cite.html">How to cite</a>)</p>']
    reviewed = last_reviewed_line(stem, up, changelog="book/changelog" in app.env.found_docs)
    if reviewed:
        parts.append(reviewed)
    if links:
        parts.append('<p class="kurils-downloads"><strong>Download this chapter:</strong> ' + " · ".join(links) + "</p>")
    return '<div class="kurils-chapter-footer">' + "".join(parts) + "</div>"


def _public_url(app: Sphinx, pagename: str, suffix: str = ".html") -> str | None:
    """The page's public address, when the site's (html_baseurl, set by the publishing workflow) is known."""
    base = (app.config.html_baseurl or "").rstrip("/")
    return f"{base}/{pagename}{suffix}" if base else None


def last_reviewed_line(stem: str, up: str = "../", *, changelog: bool = True) -> str:
    """The footer's "Last reviewed" line for a chapter with a row in ``data/chapters.csv`` (else ""),
    linking the changelog when the build has it (a partial build may leave it out)."""
    from kurils import data, text, versions

    found = versions.last_reviewed(data.load("chapters"), stem)
    if found is None:
        return ""
    day, version = found
    link = f' (<a href="{up}book/changelog.html">what changed</a>)' if changelog else ""
    return (f'<p class="kurils-last-reviewed"><strong>Last reviewed:</strong> {text.fmt_date(day)}, '
            f'in version {html.escape(version)}{link}</p>')


def _executed(app: Sphinx, pagename: str) -> Path | None:
    path = Path(app.outdir).parent / "jupyter_execute" / f"{pagename}.ipynb"
    return path if path.is_file() else None


def _on_html_page_context(app: Sphinx, pagename, templatename, context, doctree) -> None:
    from kurils import meta

    if doctree is None or pagename in NOT_CHAPTERS:
        return
    title = _page_title(context)
    page_url = _public_url(app, pagename)
    pdf_url = _public_url(app, "kurils-book", ".pdf")   # the workflow publishes the PDF at the site's root
    tags = "".join(f'<meta name="{name}" content="{html.escape(value, quote=True)}" />\n'
                   for name, value in meta.highwire_tags(title, page_url=page_url, pdf_url=pdf_url))
    context["metatags"] = context.get("metatags", "") + tags
    if pagename.startswith("book/") and context.get("body"):
        context["body"] += _chapter_footer(app, pagename, title)


#: Written next to the site when the downloads were last published: the inputs hash they were made from.
PUBLISHED_STAMP = ".kurils-downloads.sha256"


def _downloads_current(app: Sphinx, stamp: Path) -> bool:
    """Whether the downloads written by the last build still stand: this build read and removed no page
    (kurils.sphinx_ext notes every page read or removed; an edit under data/ or src/kurils/ makes
    every page re-read) and data/ and src/kurils/ hash as they did when the downloads were written.
    A no-op rebuild then skips about 0.9 s of importing pandas and rewriting the same files."""
    from kurils import sphinx_ext

    if "kurils.sphinx_ext" not in app.extensions or sphinx_ext.pages_changed(app):
        return False
    return stamp.is_file() and stamp.read_text().strip() == app.config.kurils_inputs_hash


def _on_build_finished(app: Sphinx, exception) -> None:
    if exception is not None or app.builder.name != "html":
        return
    out = Path(app.outdir)
    stamp = out.parent / PUBLISHED_STAMP
    if _downloads_current(app, stamp):
        LOGGER.info("[kurils] no page re-read: data downloads and chapter notebooks kept")
        return
    stamp.unlink(missing_ok=True)
    from kurils import catalogue

    catalogue.publish(out, Path(app.confdir) / "data")
    target = out / NOTEBOOK_DIR
    target.mkdir(exist_ok=True)
    for docname in sorted(app.env.found_docs):
        if not docname.startswith("book/"):
            continue
        stem = Path(docname).name
        source = Path(app.srcdir) / f"{docname}.md"
        if source.is_file():
            (target / f"{stem}.md").write_bytes(source.read_bytes())
        executed = _executed(app, docname)
        if executed is not None:
            title = app.env.titles[docname].astext() if docname in app.env.titles else stem
            nb = chapter_notebook(executed, title, stem, app)
            (target / f"{stem}.ipynb").write_text(json.dumps(nb, ensure_ascii=False, indent=1, sort_keys=True) + "\n",
                                                  encoding="utf-8")
    stamp.write_text(app.config.kurils_inputs_hash + "\n")


API_PLACEHOLDER = "<!-- kurils-api-modules -->"


def public_modules() -> list[str]:
    """Every module of the ``kurils`` package (the API page documents each), in name order."""
    import pkgutil

    import kurils

    return sorted(f"kurils.{m.name}" for m in pkgutil.iter_modules(kurils.__path__) if not m.name.startswith("_"))


def _on_source_read(app: Sphinx, docname: str, source: list[str]) -> None:
    """Fill the API page with one automodule block per module, so a new module cannot be left out."""
    if API_PLACEHOLDER not in source[0]:
        return
    blocks = []
    for module in public_modules():
        blocks.append(f"## `{module}`\n\n```{{eval-rst}}\n.. automodule:: {module}\n   :members:\n"
                      f"   :member-order: bysource\n```\n")
    if app.builder.name == "simplepdf":
        # the reference is for the site, with [source] links; the printed book says where to find it
        source[0] = source[0].replace(API_PLACEHOLDER, "The reference itself is on the book's website.\n")
        return
    source[0] = source[0].replace(API_PLACEHOLDER, "\n".join(blocks))


def _note_api_builder(app: Sphinx, env, docnames: list[str]) -> None:
    """env-before-read-docs: record which builder reads the API page, whose content depends on it. This
    runs in the main process: a note made while reading would stay in the reading process when pages
    are read in parallel, and the PDF build would print the site's whole reference."""
    if "book/api" in docnames:
        env.kurils_api_builder = app.builder.name


def _api_outdated(app: Sphinx, env, added, changed, removed) -> list[str]:
    """Re-read the API page when the builder differs from the one that last read it: HTML and PDF
    share the doctrees, and the page's content differs between them."""
    last = getattr(env, "kurils_api_builder", None)
    return ["book/api"] if "book/api" in env.found_docs and last not in (None, app.builder.name) else []


def setup(app: Sphinx) -> dict:
    """Register the extension's event handlers with Sphinx."""
    app.connect("source-read", _on_source_read)
    app.connect("env-get-outdated", _api_outdated)
    app.connect("env-before-read-docs", _note_api_builder)
    app.connect("html-page-context", _on_html_page_context)
    app.connect("build-finished", _on_build_finished)
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}
