"""`make book` and `make pdf` run Jupyter Book's command line through this file: it is exactly
`jupyter-book ARGS`, without one import that cost about 1.2 s of every build, no-op rebuilds included.

jupyter_book.config imports jsonschema, and jsonschema imports the optional package rfc3987_syntax when
it is installed (it is in the lock because JupyterLab's jupyter-events asks for
jsonschema[format-nongpl]) only to check the "iri" and "iri-reference" string formats; importing it
compiles 38 lark grammars. Nothing a book build validates uses those formats (Jupyter Book's
_config.yml schema and the JSON-Schema meta-schemas, nbformat, frictionless: tests/test_build_speed.py
checks), so the module is marked absent here, which jsonschema handles as not installed.

It also passes Sphinx a number of parallel jobs, which Jupyter Book's command line cannot: the pages
are read (and their notebooks executed) in that many processes. KURILS_BUILD_JOBS sets the number;
the default is one a core, at most 4 (the book's 23 pages give Sphinx no more than a few batches).
`KURILS_BUILD_JOBS=1` reads serially. Plain `jupyter-book build .` gives the same book, slower.
"""

import os
import sys

sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[assignment]  # absent: jsonschema skips its iri checks

import jupyter_book.sphinx  # noqa: E402
from sphinx.errors import SphinxParallelError  # noqa: E402
from jupyter_book.cli.main import main  # noqa: E402  (looks build_sphinx up when it runs: it gets the one below)


def build_jobs() -> int:
    """Sphinx's parallel jobs for this build (KURILS_BUILD_JOBS, else a core each, at most 4)."""
    configured = os.environ.get("KURILS_BUILD_JOBS", "").strip()
    return max(1, int(configured)) if configured else max(1, min(os.cpu_count() or 1, 4))


def _build_sphinx(*args, _build=jupyter_book.sphinx.build_sphinx, **kwargs):
    """Jupyter Book's build, with the jobs above. When a page fails in a reading process, Sphinx reports
    only the exception's first line (for a notebook: "ExecutionError: book/<page>.md") and drops the
    process's log, which held the failing cell: the process's traceback, which holds it too (the
    cell's source and error, chained), is printed here."""
    result = _build(*args, **{**kwargs, "jobs": build_jobs()})
    if isinstance(result, SphinxParallelError):
        print(result.traceback, file=sys.stderr)
    return result


jupyter_book.sphinx.build_sphinx = _build_sphinx

if __name__ == "__main__":
    sys.argv[0] = "jupyter-book"
    sys.exit(main())
