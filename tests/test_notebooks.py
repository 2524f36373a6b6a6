"""Readers rerun chapters outside the book: each one executes on its own, offline, without errors.

`make test` has just executed every chapter in `make book`: myst-nb ran each notebook in a fresh kernel
with book/ as its working directory and stored the executed notebook in the jupyter-cache
(_build/.jupyter_cache). When that cache holds an execution of exactly the notebook jupytext reads from
the chapter (jupyter-cache's own hash: every code cell's source and metadata, and the kernelspec), and
the cache belongs to the current data/ and src/kurils/ (the inputs stamp kurils.sphinx_ext writes), a
second execution would run the same code in the same kind of kernel on the same inputs, so the test
checks that execution's outputs instead of repeating it (about 3 minutes on two cores). Otherwise (no
build yet, an edited chapter or data, or ``KURILS_STANDALONE=execute``) it executes the chapter itself.
The checks are the same either way: no error output, nothing on stderr, a valid notebook.
"""

from __future__ import annotations

import os
from pathlib import Path

import jupytext
import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = sorted((ROOT / "book").glob("*.md"))
CACHE = ROOT / "_build" / ".jupyter_cache"


def _cache():
    """The build's execution cache, if it was made from the current data/ and src/kurils/, else None."""
    from kurils import sphinx_ext

    stamp = ROOT / "_build" / sphinx_ext.HASH_FILE
    if os.environ.get("KURILS_STANDALONE") == "execute" or not CACHE.is_dir() or not stamp.is_file():
        return None
    if stamp.read_text().strip() != sphinx_ext.inputs_hash(ROOT):
        return None
    from jupyter_cache import get_cache

    return get_cache(CACHE)


@pytest.fixture(scope="module")
def cache():
    return _cache()


def executed(chapter: Path, cache) -> tuple[nbformat.NotebookNode, str]:
    """The chapter as a reader's notebook (jupytext), executed: by the build if it ran exactly this code
    on the current inputs, else here, in a fresh kernel with book/ as the working directory."""
    notebook = jupytext.read(chapter)
    if not any(cell.cell_type == "code" for cell in notebook.cells):
        return notebook, "no code cells"  # prose only (glossary, API page): nothing to execute
    if cache is not None:
        try:
            record = cache.match_cache_notebook(notebook)
        except KeyError:
            pass
        else:
            _, merged = cache.merge_match_into_notebook(notebook)
            return merged, f"build execution {record.pk}"
    NotebookClient(notebook, timeout=300, kernel_name="python3",
                   resources={"metadata": {"path": str(chapter.parent)}}).execute()
    return notebook, "executed here"


@pytest.mark.parametrize("chapter", CHAPTERS, ids=[c.stem for c in CHAPTERS])
def test_chapter_runs_standalone(chapter, cache):
    notebook, how = executed(chapter, cache)
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert all(cell.get("execution_count") for cell in code), (chapter.name, how, "a code cell did not run")
    for cell in code:
        for output in cell.get("outputs", []):
            assert output.get("output_type") != "error", (chapter.name, how, cell.source[:200])
            assert output.get("name") != "stderr", (chapter.name, how, output.get("text", "")[:500])
    nbformat.validate(notebook)


def test_a_changed_chapter_is_executed_not_taken_from_the_cache(cache, tmp_path):
    """The shortcut cannot hide a failure: a chapter whose code differs from every cached execution
    matches nothing and runs for real (here: a cell that raises fails the run)."""
    if cache is None:
        pytest.skip("no execution cache from `make book` for the current inputs: every chapter runs for real")
    chapter = tmp_path / "islands.md"
    text = (ROOT / "book" / "islands.md").read_text(encoding="utf-8")
    marker = "```{code-cell} ipython3\n:tags: [remove-cell]\n\n"
    chapter.write_text(text.replace(marker, marker + 'raise RuntimeError("not cached")\n', 1), encoding="utf-8")
    with pytest.raises(KeyError):
        cache.match_cache_notebook(jupytext.read(chapter))
    with pytest.raises(Exception, match="not cached"):
        executed(chapter, cache)
