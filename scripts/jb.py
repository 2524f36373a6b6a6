"""`make book` and `make pdf` run Jupyter Book's command line through this file: it is exactly
`jupyter-book ARGS`, without one import that cost about 1.2 s of every build, no-op rebuilds included.

jupyter_book.config imports jsonschema, and jsonschema imports the optional package rfc3987_syntax when
it is installed (it is in the lock because JupyterLab's jupyter-events asks for
jsonschema[format-nongpl]) only to check the "iri" and "iri-reference" string formats; importing it
compiles 38 lark grammars. Nothing a book build validates uses those formats (Jupyter Book's
_config.yml schema and the JSON-Schema meta-schemas, nbformat, frictionless: tests/test_build_speed.py
checks), so the module is marked absent here, which jsonschema handles as not installed. Plain
`jupyter-book build .` gives the same book, a second slower.
"""

import sys

sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[assignment]  # absent: jsonschema skips its iri checks

from jupyter_book.cli.main import main  # noqa: E402

if __name__ == "__main__":
    sys.argv[0] = "jupyter-book"
    sys.exit(main())
