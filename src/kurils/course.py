"""The book as a course text: reading times, and the parts every chapter must have.

Each chapter opens with an "In this chapter" box (objectives, prerequisites, time to read) and closes
with exercises (``sphinx-exercise``, solutions folded), questions for discussion and key terms. The
functions here read a chapter's MyST source so that the tests, the course page and the chapters
themselves agree on what is there; nothing here is specific to one chapter.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path

from kurils.paths import book_root

#: Silent-reading speed for expository English prose, in words per minute. A deliberately slow
#: figure: readers of this book also read tables, captions and figures.
WORDS_PER_MINUTE = 200

#: Chapters that carry the course apparatus, in reading order.
CHAPTERS = ("summary", "islands", "history", "negotiations", "legal", "okhotsk", "security",
            "economy", "scenarios", "perspectives", "claims", "conclusion")
#: Chapters built on data and code: each has at least two exercises with runnable solutions.
DATA_CHAPTERS = ("islands", "history", "negotiations", "legal", "okhotsk", "security", "economy",
                 "scenarios", "perspectives", "claims")

_CODE_CELL = re.compile(r"^```\{code-cell\}[^\n]*\n.*?^```\s*$", re.S | re.M)
_FENCE = re.compile(r"^(```|:::)[^\n]*$", re.M)
_OPTION = re.compile(r"^:[a-z-]+:.*$", re.M)
_ROLE = re.compile(r"\{[a-z:-]+\}`([^`]*)`")
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")


def source(chapter: str, root: Path | None = None) -> str:
    """The MyST source of ``book/<chapter>.md``."""
    return ((root or book_root()) / "book" / f"{chapter}.md").read_text(encoding="utf-8")


def prose_words(text: str) -> int:
    """Words a reader reads: code cells, fences, directive options, link targets and the jupytext
    header are left out; a role such as ``{glue:text}`x``` counts as one word."""
    text = re.sub(r"\A---\n.*?\n---\n", "", text, flags=re.S)
    text = _CODE_CELL.sub(" ", text)
    text = _FENCE.sub(" ", text)
    text = _OPTION.sub(" ", text)
    text = _LINK.sub(r"\1", text)
    text = _ROLE.sub("x", text)
    return len(re.findall(r"[\w'’-]+", text))


def reading_minutes(chapter: str, root: Path | None = None) -> int:
    """Minutes to read the chapter's prose at :data:`WORDS_PER_MINUTE`, rounded up to 5 minutes."""
    minutes = prose_words(source(chapter, root)) / WORDS_PER_MINUTE
    return max(5, 5 * math.ceil(minutes / 5))


@dataclass
class Exercise:
    """One exercise of a chapter: its label, whether it holds a visible code cell, and its solution's
    code cells (the sources, in order)."""

    label: str
    has_code: bool
    solution_cells: list[str] = field(default_factory=list)


@dataclass
class Apparatus:
    """What a chapter's source holds of the course apparatus (see the module docstring)."""

    objectives: list[str]
    prerequisites: int
    has_time_to_read: bool
    questions: list[str]
    other_side_questions: int
    key_terms: list[str]
    exercises: list[Exercise]
    about_boxes: int


def _section(text: str, heading: str) -> str:
    match = re.search(rf"^## {re.escape(heading)}\s*$(.*?)(?=^## |\Z)", text, re.S | re.M)
    return match.group(1) if match else ""


def _numbered(block: str) -> list[str]:
    items, current = [], None
    for line in block.splitlines():
        start = re.match(r"^\d+\.\s+(.*)$", line)
        if start:
            current = start.group(1)
            items.append(current)
        elif current is not None and line.startswith("   ") and line.strip():
            items[-1] += " " + line.strip()
        elif not line.strip():
            current = None
    return items


def _overview(text: str) -> str:
    match = re.search(r"^:::\{admonition\} In this chapter\n(.*?)^:::\s*$", text, re.S | re.M)
    return match.group(1) if match else ""


def _exercises(text: str) -> list[Exercise]:
    found = []
    for match in re.finditer(r"^```\{exercise-start\}[^\n]*\n:label: ([\w-]+)\n(.*?)^```\{exercise-end\}",
                             text, re.S | re.M):
        label, body = match.group(1), match.group(2)
        solution = re.search(rf"^```\{{solution-start\}} {re.escape(label)}\n(.*?)^```\{{solution-end\}}",
                             text, re.S | re.M)
        cells = _CODE_CELL.findall(solution.group(1)) if solution else []
        found.append(Exercise(label, bool(_CODE_CELL.search(body)), cells))
    return found


def apparatus(chapter: str, root: Path | None = None) -> Apparatus:
    """Parse the course apparatus of ``book/<chapter>.md``."""
    text = source(chapter, root)
    box = _overview(text)
    objectives = _numbered(box.split("**Prerequisites")[0]) if box else []
    prerequisites = len([row for row in box.splitlines() if row.startswith("|")]) - 2 if box else 0
    questions = _numbered(_section(text, "Questions for discussion"))
    return Apparatus(
        objectives=objectives,
        prerequisites=max(prerequisites, 0),
        has_time_to_read="**Time to read:**" in box,
        questions=questions,
        other_side_questions=sum(q.startswith("**Argue the other side.**") for q in questions),
        key_terms=re.findall(r"\{term\}`([^`<]+?)(?:\s*<[^>]+>)?`", _section(text, "Key terms")),
        exercises=_exercises(text),
        about_boxes=len(re.findall(r"^:::\{admonition\} About these figures", text, re.M)),
    )


def key_numbers(chapter: str, root: Path | None = None) -> dict:
    """The course numbers a chapter's prose glues: ``reading_minutes``."""
    return {"reading_minutes": reading_minutes(chapter, root)}
