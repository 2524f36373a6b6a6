"""The book as a course text (issue 17): every chapter's objectives, questions and key terms, every
data chapter's exercises and their solutions, the course page's reading paths.

The parser and the reading times are tested on small synthetic chapters; the acceptance tests read
the real chapters; the tests that take ``site`` read the built book (``make book`` first), as in
tests/test_readers.py.
"""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import nbformat
import pytest

from conftest import prose_glue_names
from kurils import course, data, meta, quality

ROOT = Path(__file__).resolve().parents[1]

GLOSSARY = """\
# Glossary

```{glossary}
Northern Territories
  Japan's name for the four islands.

Lesser Kuril Ridge
  Shikotan and the Habomai islets.

Bastion
  A protected sea area for missile submarines.
```
"""

EXERCISE = """\
```{{exercise-start}}
:label: ex-toy-{slug}
```

Change `depth_rule` below.

```{{code-cell}} ipython3
depth_rule = "shallowest"   # try "deepest"
print(depth_rule)
```

```{{exercise-end}}
```

```{{solution-start}} ex-toy-{slug}
:class: dropdown
```
{solution}
With the deepest figures, more exits count.

```{{solution-end}}
```
"""

SOLUTION_CELL = """
```{code-cell} ipython3
print("deepest")
```
"""


def toy_chapter(*, objectives: int = 3, other_side: bool = True, questions: int = 4, terms=None,
                exercises: int = 2, solution_code: bool = True, glued_time: bool = True) -> str:
    """A synthetic chapter with the course apparatus, each part adjustable to break one rule."""
    terms = ["Northern Territories", "Lesser Kuril Ridge", "Bastion"] if terms is None else terms
    objs = "\n".join(f"{i}. explain point {i} of the toy evidence" for i in range(1, objectives + 1))
    time = "{glue:text}`reading_minutes`" if glued_time else "12"
    qs = [f"{i}. What does Figure {i} show, and why?" for i in range(1, questions + 1)]
    if other_side and qs:
        qs[-1] = f"{questions}. **Argue the other side.** Make Moscow's case from the straits table,\n   with the evidence."
    exs = "\n".join(EXERCISE.format(slug=f"e{i}", solution=SOLUTION_CELL if solution_code else "")
                    for i in range(1, exercises + 1))
    return textwrap.dedent(f"""\
        ---
        jupytext:
          text_representation:
            extension: .md
        ---

        # A toy chapter

        *{{glue:md}}`current_to`.*

        :::{{admonition}} In this chapter
        :class: kurils-overview

        **Objectives.** After this chapter you will be able to:

        {{objs}}

        **Prerequisites.**

        | Concept | Importance | Notes |
        |---|---|---|
        | {{doc}}`history` | Necessary | the 1956 Joint Declaration |
        | Reading a map | Helpful | scale and projection |

        **Time to read:** about {time} minutes, without the exercises.
        :::

        Some prose about straits and [a link](https://example.org/long/address) here.

        :::{{admonition}} About these figures
        :class: note kurils-about

        A caveat.
        :::

        ## Exercises

        {{exs}}

        ## Questions for discussion

        {{qs}}

        ## Key terms

        {{terms}}
        """).replace("{objs}", objs).replace("{exs}", exs).replace("{qs}", "\n".join(qs)).replace(
        "{terms}", ", ".join(f"{{term}}`{t}`" for t in terms))


def write(tmp_path: Path, text: str, name: str = "toy") -> Path:
    (tmp_path / "book").mkdir(exist_ok=True)
    (tmp_path / "book" / "glossary.md").write_text(GLOSSARY, encoding="utf-8")
    (tmp_path / "book" / f"{name}.md").write_text(text, encoding="utf-8")
    return tmp_path


# --- the parser on synthetic chapters --------------------------------------------------------------

def test_apparatus_reads_every_part_of_a_complete_chapter(tmp_path):
    root = write(tmp_path, toy_chapter())
    a = course.apparatus("toy", root)
    assert a.objectives == [f"explain point {i} of the toy evidence" for i in (1, 2, 3)]
    assert a.prerequisites == 2 and a.has_time_to_read
    assert len(a.questions) == 4 and a.other_side_questions == 1
    assert a.questions[-1].endswith("with the evidence.")  # a continued line joins its item
    assert a.key_terms == ["Northern Territories", "Lesser Kuril Ridge", "Bastion"]
    assert [e.label for e in a.exercises] == ["ex-toy-e1", "ex-toy-e2"]
    assert all(e.has_code and len(e.solution_cells) == 1 for e in a.exercises)
    assert a.about_boxes == 1
    assert course.problems("toy", root, data_chapter=True) == []


def test_a_chapter_without_the_apparatus_is_reported_part_by_part(tmp_path):
    root = write(tmp_path, "# Bare\n\nJust prose.\n")
    found = "\n".join(course.problems("bare", write(tmp_path, "# Bare\n\nJust prose.\n", "bare"), data_chapter=True))
    for part in ("objectives", "prerequisite", "Time to read", "questions for discussion", "Argue the other side",
                 "key terms", "exercises"):
        assert part in found, part
    assert course.apparatus("toy", root).objectives == []


@pytest.mark.parametrize("broken, expected", [
    ({"other_side": False}, "no question starts with '**Argue the other side.**'"),
    ({"solution_code": False}, "exercise ex-toy-e1 has no solution with a code cell"),
    ({"objectives": 2}, "2 objectives"),
    ({"objectives": 6}, "6 objectives"),
    ({"questions": 9}, "9 questions for discussion"),
    ({"terms": ["Northern Territories", "Bastion"]}, "2 key terms"),
    ({"terms": ["Northern Territories", "Bastion", "Sea of Okhotsk"]}, "not in the glossary: ['Sea of Okhotsk']"),
    ({"exercises": 1}, "1 exercises"),
    ({"glued_time": False}, "not glued from course.key_numbers"),
])
def test_each_broken_rule_is_reported(tmp_path, broken, expected):
    root = write(tmp_path, toy_chapter(**broken))
    found = course.problems("toy", root, data_chapter=True)
    assert any(expected in p for p in found), found


def test_exercises_are_not_required_of_a_chapter_without_data(tmp_path):
    root = write(tmp_path, toy_chapter(exercises=0))
    assert course.problems("toy", root, data_chapter=False) == []
    assert course.problems("toy", root, data_chapter=True) == ["toy: 0 exercises (want at least 2)"]


def test_key_terms_name_their_glossary_entry_and_ignore_case(tmp_path):
    text = toy_chapter(terms=[]).rstrip() + "\n{term}`the ridge <Lesser Kuril Ridge>`, {term}`northern territories`, {term}`Bastion`\n"
    root = write(tmp_path, text)
    assert course.apparatus("toy", root).key_terms == ["Lesser Kuril Ridge", "northern territories", "Bastion"]
    assert course.problems("toy", root, data_chapter=True) == []


def test_glossary_terms_are_the_entry_lines_of_the_glossary_block(tmp_path):
    root = write(tmp_path, "# x\n")
    assert course.glossary_terms(root) == {"Northern Territories", "Lesser Kuril Ridge", "Bastion"}
    real = course.glossary_terms()
    assert {"Northern Territories", "Kuril Islands", "1956 Joint Declaration"} <= real
    assert not any(term.startswith(("Japan's", "The ")) for term in real)  # definitions are not terms


def test_solution_cells_keep_their_code_without_the_fence_or_options():
    cell = "```{code-cell} ipython3\n:tags: [hide-input]\n\nok.deep_exits(straits)\n```"
    assert course.cell_code(cell) == "ok.deep_exits(straits)"
    yaml_cell = "```{code-cell} ipython3\n---\ntags: [x]\n---\na = 1\nb = 2\n```"
    assert course.cell_code(yaml_cell) == "a = 1\nb = 2"


# --- reading times ---------------------------------------------------------------------------------

def test_prose_words_leave_out_code_fences_options_and_link_targets():
    text = ("---\njupytext: {}\n---\n# Title here\n\n```{code-cell} ipython3\n:tags: [remove-cell]\nx = 1 + 2\n```\n\n"
            "Read [the page](https://example.org/a/b/c) and {glue:text}`n_rows:,.0f` rows.\n\n"
            ":::{admonition} Note\n:class: note\nOne two.\n:::\n")
    # "Title here" / "Read the page and x rows" / "One two" (a directive's fence line, title and all, is left out)
    assert course.prose_words(text) == 2 + 6 + 2


@pytest.mark.parametrize("words, minutes", [(10, 5), (1000, 5), (1001, 10), (2000, 10), (2001, 15), (4000, 20)])
def test_reading_minutes_round_up_to_five_at_the_reading_speed(tmp_path, words, minutes):
    assert course.WORDS_PER_MINUTE == 200
    root = write(tmp_path, "# " + " ".join(["word"] * words) + "\n")
    assert course.reading_minutes("toy", root) == minutes


def test_code_cells_add_no_reading_time(tmp_path):
    code = "```{code-cell} ipython3\n" + "x = 1\n" * 5000 + "```\n"
    root = write(tmp_path, "# Short\n\n" + code)
    assert course.reading_minutes("toy", root) == 5
    assert course.key_numbers("toy", root) == {"reading_minutes": 5}


# --- reading paths and the course page ------------------------------------------------------------

def test_paths_are_three_with_a_four_week_unit_and_real_pages():
    paths = course.paths()
    assert list(paths) == ["overview", "unit", "methods"]
    assert len(paths["unit"]) == 4 and all(s.title.startswith(f"Week {i}") for i, s in enumerate(paths["unit"], 1))
    toc = (ROOT / "_toc.yml").read_text(encoding="utf-8")
    for steps in paths.values():
        for step in steps:
            for page in step.pages:
                assert (ROOT / "book" / f"{page}.md").is_file() and f"book/{page}\n" in toc, page
    assert {"claims", "sources"} <= {p for s in paths["methods"] for p in s.pages}
    unit = [p for s in paths["unit"] for p in s.pages]
    assert set(course.DATA_CHAPTERS) - {"claims"} <= set(unit) and len(unit) == len(set(unit))


def test_path_minutes_sum_the_pages(tmp_path, monkeypatch):
    for name, words in (("a", 900), ("b", 1500), ("c", 2500)):
        write(tmp_path, "# " + " ".join(["w"] * words) + "\n", name)
    monkeypatch.setitem(course.PATHS, "toy", (course.Step("one", ("a", "b")), course.Step("two", ("c",))))
    assert course.step_minutes(course.PATHS["toy"][0], tmp_path) == 5 + 10
    assert course.path_minutes("toy", tmp_path) == 5 + 10 + 15


def test_page_numbers_cover_every_name_the_course_page_glues():
    numbers = course.page_numbers(tables={"chapters": data.load("chapters")})
    assert numbers["current_to"].startswith("Sources read up to ")
    assert "current_to" not in course.page_numbers()
    names = prose_glue_names("course")
    assert len(names) > 10, "glue names not parsed"
    assert names <= set(numbers), sorted(names - set(numbers))
    assert numbers["unit_minutes"] == sum(numbers[f"week{i}_minutes"] for i in range(1, 5))
    assert numbers["overview_minutes"] == numbers["minutes_summary"] + numbers["minutes_conclusion"]
    assert numbers["minutes_okhotsk"] == course.reading_minutes("okhotsk")
    assert numbers["words_per_minute"] == course.WORDS_PER_MINUTE


def test_course_page_has_three_paths_an_assignment_per_chapter_and_the_citation_call():
    page = (ROOT / "book" / "course.md").read_text(encoding="utf-8")
    assert "text.glue_all(course.page_numbers(tables=" in page
    for heading in ("### A one-session overview", "### A four-week unit", "### A research-methods path"):
        assert heading in page, heading
    for week in range(1, 5):
        assert f"**Week {week}:" in page and f"{{glue:text}}`week{week}_minutes`" in page
    assignments = page.split("## An assignment for each chapter")[1].split("\n## ")[0]
    for chapter in course.CHAPTERS:
        assert re.search(rf"^- \*\*\{{doc\}}`(?:[^`<]+<)?{chapter}>?`\.\*\*", assignments, re.M), chapter
    for step in [s for steps in course.paths().values() for s in steps]:
        for p in step.pages:
            assert re.search(rf"\{{doc\}}`(?:[^`<]+<)?{p}>?`", page), p
    # the citation comes from kurils.meta, in a visible cell, not re-implemented here
    assert re.search(r"```\{code-cell\} ipython3\n[^`\n]*meta\.apa_chapter\(", page)
    assert "{doc}`cite`" in page and "{doc}`changelog`" in page


def test_schedule_lists_every_chapter_with_its_time_and_review():
    chapters = data.load("chapters")
    table = course.schedule(chapters, quality.page_titles())
    assert len(table) == len(course.CHAPTERS)
    assert table["Minutes to read"].tolist() == [course.reading_minutes(c) for c in course.CHAPTERS]
    assert 'href="okhotsk.html"' in str(table.loc[course.CHAPTERS.index("okhotsk"), "Chapter"])
    assert (table["Last reviewed"] != "–").all()
    no_rows = course.schedule(chapters.iloc[0:0], {})
    assert (no_rows["Last reviewed"] == "–").all()


# --- the chapters (acceptance of issue 17) ---------------------------------------------------------

@pytest.mark.parametrize("chapter", course.CHAPTERS)
def test_chapter_has_objectives_questions_and_key_terms(chapter):
    assert course.problems(chapter, data_chapter=False) == []


@pytest.mark.parametrize("chapter", course.DATA_CHAPTERS)
def test_data_chapter_has_exercises_with_code_and_solutions(chapter):
    found = [p for p in course.problems(chapter, data_chapter=True) if "exercise" in p]
    assert found == []


def test_exercise_labels_are_unique_across_the_book():
    labels = [e.label for c in course.CHAPTERS for e in course.apparatus(c).exercises]
    assert len(labels) == len(set(labels))
    assert all(re.fullmatch(r"ex-[a-z]+-[a-z0-9-]+", label) for label in labels), labels


# --- the built book: every solution cell ran, every solution is folded ------------------------------

def _solution_cells(chapter: str) -> list[tuple[str, str]]:
    return [(e.label, course.cell_code(cell)) for e in course.apparatus(chapter).exercises for cell in e.solution_cells]


@pytest.mark.parametrize("chapter", course.DATA_CHAPTERS)
def test_every_solution_cell_ran_without_error(site, chapter):
    """The executed notebook the site publishes holds every solution cell, with an execution count and
    no error output (the build raises on errors; this checks the solutions were executed at all)."""
    cells = _solution_cells(chapter)
    assert cells, f"{chapter}: no solution cells"
    nb = nbformat.read(site / "notebooks" / f"{chapter}.ipynb", as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    for label, source in cells:
        matches = [c for c in code if c.source.strip() == source]
        assert matches, f"{chapter}: a solution cell of {label} is not in the executed notebook"
        for c in matches:
            assert c.execution_count is not None, f"{chapter}: a solution cell of {label} did not run"
            errors = [o for o in c.get("outputs", []) if o.get("output_type") == "error"]
            assert not errors, f"{chapter}, {label}: {errors[0].get('ename')}: {errors[0].get('evalue')}"


@pytest.mark.parametrize("chapter", course.DATA_CHAPTERS)
def test_every_exercise_has_one_folded_solution_on_the_page(site, chapter):
    page = (site / "book" / f"{chapter}.html").read_text(encoding="utf-8")
    exercises = course.apparatus(chapter).exercises
    assert len(re.findall(r'class="solution dropdown', page)) == len(exercises) >= course.MIN_EXERCISES
    for e in exercises:
        assert f'id="{e.label}"' in page, e.label
    assert "Traceback" not in page


def test_course_and_changelog_pages_are_built(site):
    course_page = (site / "book" / "course.html").read_text(encoding="utf-8")
    for heading in ("A one-session overview", "A four-week unit", "A research-methods path"):
        assert heading in course_page
    assert meta.citation()["version"] in course_page
    assert 'href="changelog.html"' in course_page
