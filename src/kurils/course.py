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
    key_terms: list[str]  # the glossary entries linked ({term}`shown <entry>` gives the entry)
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
        key_terms=[target or shown for shown, target in
                   re.findall(r"\{term\}`([^`<]+?)(?:\s*<([^>]+)>)?`", _section(text, "Key terms"))],
        exercises=_exercises(text),
        about_boxes=len(re.findall(r"^:::\{admonition\} About these figures", text, re.M)),
    )


def key_numbers(chapter: str, root: Path | None = None) -> dict:
    """The course numbers a chapter's prose glues: ``reading_minutes``."""
    return {"reading_minutes": reading_minutes(chapter, root)}


# --- what a chapter still lacks ------------------------------------------------------------------

#: Fewest and most learning objectives in a chapter's "In this chapter" box (issue 17).
OBJECTIVES = (3, 5)
#: Fewest and most questions for discussion at the end of a chapter.
QUESTIONS = (4, 8)
#: Fewest key terms, each an entry of the glossary.
MIN_KEY_TERMS = 3
#: Fewest exercises in a data chapter, each with a visible code cell and a solution with a code cell.
MIN_EXERCISES = 2


def glossary_terms(root: Path | None = None) -> set[str]:
    """The terms of the ``{glossary}`` block in ``book/glossary.md`` (the lines a definition follows)."""
    text = source("glossary", root)
    block = re.search(r"^```\{glossary\}\n(.*?)^```\s*$", text, re.S | re.M)
    if not block:
        return set()
    lines = block.group(1).splitlines()
    return {line.strip() for line, following in zip(lines, lines[1:] + [""])
            if line.strip() and not line.startswith(" ") and following.startswith("  ")}


def problems(chapter: str, root: Path | None = None, *, data_chapter: bool | None = None) -> list[str]:
    """What ``book/<chapter>.md`` lacks of the course apparatus, one message per gap (empty: complete).

    ``data_chapter`` defaults to membership of :data:`DATA_CHAPTERS`; data chapters also need
    :data:`MIN_EXERCISES` exercises, each with a visible code cell and a solution with a code cell.
    """
    a = apparatus(chapter, root)
    data_chapter = chapter in DATA_CHAPTERS if data_chapter is None else data_chapter
    out = []
    lo, hi = OBJECTIVES
    if not lo <= len(a.objectives) <= hi:
        out.append(f"{chapter}: {len(a.objectives)} objectives in the 'In this chapter' box (want {lo}-{hi})")
    if a.prerequisites < 1:
        out.append(f"{chapter}: no prerequisite row in the 'In this chapter' box")
    if not a.has_time_to_read:
        out.append(f"{chapter}: no '**Time to read:**' line in the 'In this chapter' box")
    elif "{glue:text}`reading_minutes`" not in _overview(source(chapter, root)):
        out.append(f"{chapter}: the time to read is not glued from course.key_numbers (reading_minutes)")
    lo, hi = QUESTIONS
    if not lo <= len(a.questions) <= hi:
        out.append(f"{chapter}: {len(a.questions)} questions for discussion (want {lo}-{hi})")
    if a.other_side_questions < 1:
        out.append(f"{chapter}: no question starts with '**Argue the other side.**'")
    if len(a.key_terms) < MIN_KEY_TERMS:
        out.append(f"{chapter}: {len(a.key_terms)} key terms (want at least {MIN_KEY_TERMS})")
    known = {term.lower() for term in glossary_terms(root)}  # Sphinx matches glossary terms without case
    unknown = sorted(term for term in a.key_terms if term.lower() not in known)
    if unknown:
        out.append(f"{chapter}: key terms not in the glossary: {unknown}")
    if data_chapter:
        if len(a.exercises) < MIN_EXERCISES:
            out.append(f"{chapter}: {len(a.exercises)} exercises (want at least {MIN_EXERCISES})")
        for ex in a.exercises:
            if not ex.has_code:
                out.append(f"{chapter}: exercise {ex.label} has no visible code cell")
            if not ex.solution_cells:
                out.append(f"{chapter}: exercise {ex.label} has no solution with a code cell")
    return out


def cell_code(cell: str) -> str:
    """The code of a ``{code-cell}`` block as it reaches the notebook: fence, options and tags removed."""
    lines = cell.splitlines()[1:-1]
    if lines and lines[0].strip() == "---":  # a YAML option block
        end = lines.index("---", 1) if "---" in lines[1:] else 0
        lines = lines[end + 1:]
    while lines and re.match(r"^:[a-z-]+:", lines[0]):
        lines = lines[1:]
    return "\n".join(lines).strip()


# --- reading paths (book/course.md) --------------------------------------------------------------

@dataclass(frozen=True)
class Step:
    """One session or week of a reading path: its title and the pages read for it, in order."""

    title: str
    pages: tuple[str, ...]


#: The course page's three reading paths: a one-session overview, a four-week unit and a
#: research-methods path through the claims ledger and the sources page.
PATHS: dict[str, tuple[Step, ...]] = {
    "overview": (Step("One session: the dispute in outline", ("summary", "conclusion")),),
    "unit": (
        Step("Week 1: the islands and how the dispute arose", ("islands", "history")),
        Step("Week 2: negotiations and the law", ("negotiations", "legal")),
        Step("Week 3: strategy and money", ("okhotsk", "security", "economy")),
        Step("Week 4: settlements and who says what", ("scenarios", "perspectives", "conclusion")),
    ),
    "methods": (
        Step("Session 1: claims and the evidence behind them", ("claims",)),
        Step("Session 2: where the numbers come from", ("sources", "data")),
    ),
}


def paths() -> dict[str, tuple[Step, ...]]:
    """The reading paths (:data:`PATHS`): path name -> its steps."""
    return PATHS


def step_minutes(step: Step, root: Path | None = None) -> int:
    """Minutes to read a step's pages (:func:`reading_minutes` summed)."""
    return sum(reading_minutes(page, root) for page in step.pages)


def path_minutes(name: str, root: Path | None = None) -> int:
    """Minutes to read every page of a path, without the exercises."""
    return sum(step_minutes(step, root) for step in PATHS[name])


def page_numbers(root: Path | None = None, *, tables: dict | None = None) -> dict:
    """What the course page glues: the reading speed (``words_per_minute``), ``<path>_minutes`` per
    path, ``week<n>_minutes`` per week of the unit, ``methods<n>_minutes`` per session of the methods
    path, ``minutes_<page>`` per page a path reads and, given the tables the page reads, its currency
    line (``current_to``)."""
    from kurils import text

    numbers = {"words_per_minute": WORDS_PER_MINUTE}
    if tables:
        numbers["current_to"] = text.data_current_to(*tables.values())
    numbers |= {f"{name}_minutes": path_minutes(name, root) for name in PATHS}
    numbers |= {f"week{i}_minutes": step_minutes(s, root) for i, s in enumerate(PATHS["unit"], 1)}
    numbers |= {f"methods{i}_minutes": step_minutes(s, root) for i, s in enumerate(PATHS["methods"], 1)}
    pages = dict.fromkeys(p for steps in PATHS.values() for s in steps for p in s.pages)
    numbers |= {f"minutes_{page}": reading_minutes(page, root) for page in [*CHAPTERS, *pages]}
    return numbers


def schedule(chapters, titles: dict[str, str], root: Path | None = None):
    """The course page's table: one row per chapter of :data:`CHAPTERS`, in reading order, with its
    title (linked), minutes to read and the date and version of its last review (``chapters``: the
    table ``data/chapters.csv``; a chapter without a row shows a dash)."""
    import pandas as pd

    from kurils import text, versions

    rows = []
    for chapter in CHAPTERS:
        reviewed = versions.last_reviewed(chapters, chapter)
        rows.append({
            "Chapter": text.link(f"{chapter}.html", titles.get(chapter, chapter)),
            "Minutes to read": reading_minutes(chapter, root),
            "Last reviewed": text.fmt_date(reviewed[0]) if reviewed else "–",
            "In version": reviewed[1] if reviewed else "–",
        })
    return pd.DataFrame(rows)
