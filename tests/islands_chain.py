"""The islands-only copy that tests/test_build.py rebuilds in turn, run in a background thread.

One throw-away copy of the repository builds only the islands chapter (with the pages it links to),
then, in this order:
1. `make book` (the copy starts with `make book`'s execution cache when that matches the current data/
   and src/kurils/, so this build reads the pages without executing them again);
2. `make book` again with nothing changed (the no-op rebuild);
3. an edit of two CSVs (a value 3168 -> 3999 km², and a cell given markup and a markdown link to
   another host), then `make book` (the data changed: the execution cache is emptied, every page of the
   copy executes for real);
4. a raising first cell in the islands chapter, then `make book`, and plain `jupyter-book build .`
   after removing the built pages and doctrees (the unchanged pages' executions stay cached).

Each step is a subprocess, so the thread only waits: the chain runs beside the rest of the test session
(started when the session starts, see conftest.py), and the tests read what each step left.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
import threading
from pathlib import Path

from offline_build import ROOT, copy_repo

PAYLOAD = "<script>alert(1)</script> [click me](https://evil.example/phish)"
FIXTURES = {"islands_chain", "islands_copy", "noop_rebuild", "edited_islands", "raised_islands"}


def run(cmd: list[str] | str, cwd: Path, *, timeout: int = 600, shell: bool = False) -> subprocess.CompletedProcess:
    """Run a command, capturing stdout and stderr together as text."""
    import os

    env = {k: v for k, v in os.environ.items() if k not in ("KURILS_ROOT",)}
    return subprocess.run(cmd, cwd=cwd, shell=shell, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                          timeout=timeout, env=env)


def first_code_cell_gets(path: Path, line: str) -> None:
    text = path.read_text(encoding="utf-8")
    marker = "```{code-cell} ipython3\n:tags: [remove-cell]\n\n"
    assert marker in text, path
    path.write_text(text.replace(marker, marker + line + "\n", 1), encoding="utf-8")


def pages_with_traceback(site: Path) -> list[str]:
    """Content pages of a built site that publish a traceback ([] when nothing was built)."""
    if not site.exists():
        return []
    skip = {"search.html", "genindex.html"}
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html")
                  if p.name not in skip and "_static" not in p.parts and "Traceback" in p.read_text(encoding="utf-8"))


def only_islands_chapter(repo: Path) -> None:
    """A representative chapter plus the pages the intro and that chapter link to. Cross-references from
    those pages to pages left out (e.g. the bibliography's link to Further reading) become plain text
    in this copy, so the -W build stays about the islands chapter."""
    chapters = ["islands", "references", "cite", "glossary"]   # glossary: the {term} roles of Key terms
    (repo / "_toc.yml").write_text("format: jb-book\nroot: book/intro\nparts:\n  - caption: The dispute\n"
                                   "    chapters:\n" + "".join(f"      - file: book/{c}\n" for c in chapters),
                                   encoding="utf-8")
    kept = {"intro", *chapters}
    outside: set[str] = set()
    for md in (repo / "book").glob("*.md"):
        if md.stem not in kept:
            outside |= {md.stem, *re.findall(r"^\(([\w-]+)\)=", md.read_text(encoding="utf-8"), flags=re.M)}
    role = re.compile(r"\{(?:ref|doc)\}`(?:([^`<]*?)\s*<)?([\w/-]+)>?`")
    for stem in kept:
        path = repo / "book" / f"{stem}.md"
        text = path.read_text(encoding="utf-8")
        path.write_text(role.sub(lambda m: (m.group(1) or m.group(2)) if m.group(2) in outside else m.group(0), text),
                        encoding="utf-8")


def seed_execution_cache(repo: Path) -> bool:
    """Give a copy `make book`'s execution cache and its inputs stamp when they belong to the current
    data/ and src/kurils/: chapters whose code is unchanged then are not executed again in the copy. A
    copy whose data or code differs clears the cache itself (kurils.sphinx_ext), so nothing stale is used."""
    from kurils import sphinx_ext

    build = ROOT / "_build"
    stamp = build / sphinx_ext.HASH_FILE
    if not ((build / ".jupyter_cache").is_dir() and stamp.is_file()
            and stamp.read_text().strip() == sphinx_ext.inputs_hash(ROOT)):
        return False
    (repo / "_build").mkdir(exist_ok=True)
    shutil.copytree(build / ".jupyter_cache", repo / "_build" / ".jupyter_cache")
    shutil.copy2(stamp, repo / "_build" / sphinx_ext.HASH_FILE)
    return True


class IslandsChain(threading.Thread):
    """The four steps above; each result is kept (None: the step did not run because an earlier one failed)."""

    def __init__(self):
        super().__init__(daemon=True, name="islands-chain")
        self.folder = Path(tempfile.mkdtemp(prefix="kurils-islands-"))
        self.repo = self.folder / "repo"
        self.error: BaseException | None = None
        self.first = self.noop = self.edited = self.raised = self.plain = None
        self.before = self.after = None
        self.raised_tracebacks: list[str] = []
        self.plain_tracebacks: list[str] = []

    def _page(self) -> str:
        return (self.repo / "_build" / "html" / "book" / "islands.html").read_text(encoding="utf-8")

    def run(self) -> None:
        try:
            self._steps()
        except BaseException as exc:  # noqa: BLE001 - handed to the tests
            self.error = exc

    def _steps(self) -> None:
        repo = copy_repo(self.repo)
        only_islands_chapter(repo)
        seed_execution_cache(repo)
        self.first = run(["make", "book"], repo)
        if self.first.returncode:
            return
        self.noop = run(["make", "book"], repo)
        if self.noop.returncode:
            return
        # the edit
        self.before = self._page()
        facts = repo / "data" / "island_facts.csv"
        text = facts.read_text(encoding="utf-8")
        assert "etorofu,area_km2,3168," in text
        facts.write_text(text.replace("etorofu,area_km2,3168,", "etorofu,area_km2,3999,"), encoding="utf-8")
        islands = repo / "data" / "islands.csv"
        text = islands.read_text(encoding="utf-8")
        assert ",Итуруп,Iturup," in text
        islands.write_text(text.replace(",Итуруп,Iturup,", f',Итуруп,"{PAYLOAD}",', 1), encoding="utf-8")
        self.edited = run(["make", "book"], repo)
        if self.edited.returncode:
            return
        self.after = self._page()
        # the raising cell: only the chapter given the raise runs again
        first_code_cell_gets(repo / "book" / "islands.md", 'raise RuntimeError("injected failure")')
        self.raised = run(["make", "book"], repo)
        self.raised_tracebacks = pages_with_traceback(repo / "_build" / "html")
        # plain jupyter-book reads every page afresh; the unchanged pages' executions stay cached
        for folder in ("html", ".doctrees", "jupyter_execute"):
            shutil.rmtree(repo / "_build" / folder, ignore_errors=True)
        self.plain = run([str(repo / ".venv" / "bin" / "jupyter-book"), "build", "."], repo)
        self.plain_tracebacks = pages_with_traceback(repo / "_build" / "html")

    def result(self, timeout: int = 1800) -> "IslandsChain":
        self.join(timeout)
        if self.is_alive():
            raise TimeoutError(f"the islands builds did not end within {timeout} s")
        if self.error is not None:
            raise self.error
        return self

    def cleanup(self) -> None:
        self.join(1800)
        shutil.rmtree(self.folder, ignore_errors=True)
