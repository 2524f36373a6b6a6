"""Locate the book's root folder (the one holding data/datapackage.json).

Notebooks run with their own folder as working directory (book/), tests may run on a copy of the
repository, and the package is installed in editable mode. The root is therefore found, in order,
from the KURILS_ROOT environment variable, by walking up from the working directory, and finally
next to the package source.
"""

from __future__ import annotations

import os
from pathlib import Path

MARKER = Path("data") / "datapackage.json"


def book_root(start: Path | None = None) -> Path:
    """Return the repository root that holds ``data/datapackage.json``.

    Raises FileNotFoundError naming the places searched when no root is found.
    """
    env = os.environ.get("KURILS_ROOT")
    if env:
        root = Path(env).resolve()
        if (root / MARKER).is_file():
            return root
        raise FileNotFoundError(f"KURILS_ROOT={env} has no {MARKER}")
    here = (start or Path.cwd()).resolve()
    for candidate in (here, *here.parents):
        if (candidate / MARKER).is_file():
            return candidate
    package_root = Path(__file__).resolve().parents[2]
    if (package_root / MARKER).is_file():
        return package_root
    raise FileNotFoundError(f"no {MARKER} above {here} nor at {package_root}")


def data_dir(start: Path | None = None) -> Path:
    """Return the data/ folder of the book."""
    return book_root(start) / "data"
