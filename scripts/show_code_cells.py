"""Make every result cell's code reachable: `remove-input` becomes `hide-input` in the chapters.

The reader then gets the theme's "Show code" toggle on every figure and table; only imports and
loading stay `remove-cell`. Idempotent: run it after adding chapters or cells
(tests/test_readers.py fails while a chapter still has a `remove-input` cell).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

BOOK = Path(__file__).resolve().parents[1] / "book"
TAG = re.compile(r"^(\s*:?tags:\s*\[[^\]]*?)\bremove-input\b", re.M)


def convert(text: str) -> str:
    """The chapter text with every remove-input tag replaced by hide-input."""
    return TAG.sub(r"\1hide-input", text)


def main(paths: list[Path]) -> int:
    changed = 0
    for path in paths:
        text = path.read_text(encoding="utf-8")
        new = convert(text)
        if new != text:
            path.write_text(new, encoding="utf-8")
            changed += 1
    print(f"{changed} chapter(s) changed")
    return 0


if __name__ == "__main__":
    sys.exit(main([Path(p) for p in sys.argv[1:]] or sorted(BOOK.glob("*.md"))))
