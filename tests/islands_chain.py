"""The islands-only copy that tests/test_build.py rebuilds in turn, run in a background process.

One throw-away copy of the repository builds only the islands chapter (with the pages it links to),
then, in this order:
1. `make book` from scratch: every page of the copy executes, independently of `make book` in the
   repository (another copy, path and process), and the figures it writes are kept for the
   reproducibility test, which compares them byte for byte with the site's;
2. `make book` again with nothing changed (the no-op rebuild);
3. an edit of two CSVs (a value 3168 -> 3999 km², and a cell given markup and a markdown link to
   another host), then `make book` (the data changed: the execution cache is emptied, every page of the
   copy executes again);
4. a raising first cell in the islands chapter, then `make book`, and plain `jupyter-book build .`
   after removing the built pages and doctrees (the unchanged pages' executions stay cached).

The steps need nothing from the repository's own build, so `make test` (scripts/test.sh) starts them
beside `make book`, on the second core: ``python tests/islands_chain.py start FOLDER``, handing FOLDER to
pytest (KURILS_ISLANDS_CHAIN); a plain pytest run starts them when the session starts (conftest.py).
Each step is a subprocess; the results (logs, the page before and after the edit, the figures) are
written to FOLDER/result.pickle, which the tests read.
"""

from __future__ import annotations

import os
import pickle
import re
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from offline_build import ROOT, copy_repo  # noqa: E402

PAYLOAD = "<script>alert(1)</script> [click me](https://evil.example/phish)"
FIXTURES = {"islands_chain", "islands_copy", "noop_rebuild", "edited_islands", "raised_islands"}
ENV_VAR = "KURILS_ISLANDS_CHAIN"


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


def failure_summary(output: str, repo: Path) -> str:
    """A failed build's output with the lines that say why first, and myst-nb's saved execution
    tracebacks (_build/html/reports/), which the copy's removal would otherwise lose."""
    why = [line for line in output.splitlines() if re.search(r"failed|Error|error:|saved in", line)]
    reports = sorted((repo / "_build" / "html" / "reports").rglob("*.log"))
    saved = [f"--- {r.relative_to(repo)}\n{r.read_text(encoding='utf-8', errors='replace')[-4000:]}" for r in reports]
    return "\n".join(["why:", *why[:40], *saved, "--- output:", output[-3000:]])


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


def page_images(site: Path) -> dict[str, list[tuple[str, bytes]]]:
    """Every content page's figures in order: (file name, bytes). Names are content hashes, bytes compared too."""
    skip = {"search.html", "genindex.html"}
    found = {}
    for page in sorted(site.rglob("*.html")):
        if page.name in skip or "_static" in page.parts:
            continue
        srcs = re.findall(r'<img[^>]*\ssrc="([^"]*_images/[^"]+)"', page.read_text(encoding="utf-8"))
        found[page.relative_to(site).as_posix()] = [
            (Path(src).name, (page.parent / src).resolve().read_bytes()) for src in srcs]
    return found


RESULTS = ("first", "noop", "edited", "raised", "plain", "before", "after", "first_images", "raised_tracebacks",
           "plain_tracebacks", "error")


class Steps:
    """The four steps above, run in this process (``islands_chain.py run FOLDER``); each result is kept
    (None: the step did not run because an earlier one failed)."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.repo = self.folder / "repo"
        self.first = self.noop = self.edited = self.raised = self.plain = None
        self.before = self.after = None
        self.first_images: dict[str, list[tuple[str, bytes]]] = {}
        self.raised_tracebacks: list[str] = []
        self.plain_tracebacks: list[str] = []
        self.error: str | None = None

    def _page(self) -> str:
        return (self.repo / "_build" / "html" / "book" / "islands.html").read_text(encoding="utf-8")

    def run(self) -> None:
        try:
            self._steps()
        except BaseException:  # noqa: BLE001 - handed to the tests
            self.error = traceback.format_exc()
        used = [resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)]
        (self.folder / "cpu").write_text(f"{sum(u.ru_utime + u.ru_stime for u in used):.1f}\n")
        done = self.folder / "result.pickle"
        with open(done.with_suffix(".tmp"), "wb") as out:
            pickle.dump({name: getattr(self, name) for name in RESULTS}, out)
        os.replace(done.with_suffix(".tmp"), done)

    def _steps(self) -> None:
        repo = copy_repo(self.repo)
        only_islands_chapter(repo)
        self.first = run(["make", "book"], repo)
        if self.first.returncode:
            self.first.stdout = failure_summary(self.first.stdout, repo)
            return
        self.first_images = page_images(repo / "_build" / "html")
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


class IslandsChain:
    """The steps in a background process (its own process group) writing FOLDER/result.pickle."""

    def __init__(self, folder: Path | None = None):
        self.folder = Path(folder) if folder else Path(tempfile.mkdtemp(prefix="kurils-islands-"))
        self.repo = self.folder / "repo"
        self.log = self.folder / "chain.log"
        self._loaded = False

    @classmethod
    def start(cls, folder: Path | None = None) -> "IslandsChain":
        chain = cls(folder)
        chain.folder.mkdir(parents=True, exist_ok=True)
        env = {k: v for k, v in os.environ.items() if k not in ("KURILS_ROOT", ENV_VAR)}
        with open(chain.log, "wb") as log:
            proc = subprocess.Popen([sys.executable, str(Path(__file__).resolve()), "run", str(chain.folder)],
                                    cwd=ROOT, env=env, start_new_session=True, stdin=subprocess.DEVNULL,
                                    stdout=log, stderr=subprocess.STDOUT)
        (chain.folder / "pid").write_text(f"{proc.pid}\n")
        chain._proc = proc
        return chain

    @classmethod
    def adopt(cls, folder: Path) -> "IslandsChain | None":
        """The chain `make test` started, if ``folder`` holds one."""
        chain = cls(folder)
        return chain if (chain.folder / "pid").is_file() else None

    def _alive(self) -> bool:
        proc = getattr(self, "_proc", None)
        if proc is not None:
            return proc.poll() is None
        try:
            os.kill(int((self.folder / "pid").read_text()), 0)
        except (OSError, ValueError):
            return False
        return True

    def result(self, timeout: int = 1800) -> "IslandsChain":
        used = [resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)]
        (self.folder / "cpu").write_text(f"{sum(u.ru_utime + u.ru_stime for u in used):.1f}\n")
        done = self.folder / "result.pickle"
        deadline = time.monotonic() + timeout
        while not done.is_file():
            if not self._alive() and not done.is_file():
                time.sleep(1)  # the file is renamed into place just before the process ends
                if not done.is_file():
                    log = self.log.read_text(encoding="utf-8", errors="replace") if self.log.is_file() else ""
                    raise RuntimeError(f"the islands builds ended without results: {log[-3000:]}")
            if time.monotonic() > deadline:
                raise TimeoutError(f"the islands builds did not end within {timeout} s")
            time.sleep(0.5)
        if not self._loaded:
            with open(done, "rb") as f:
                self.__dict__.update(pickle.load(f))
            self._loaded = True
        if self.error is not None:
            raise RuntimeError(f"the islands builds failed:\n{self.error}")
        return self

    def cleanup(self) -> None:
        """End the steps if they still run (their own process group only) and remove the folder."""
        pid_file = self.folder / "pid"
        if pid_file.is_file() and not (self.folder / "result.pickle").is_file() and self._alive():
            try:
                os.killpg(int(pid_file.read_text().strip()), signal.SIGTERM)
            except (ProcessLookupError, PermissionError, ValueError):
                pass
            time.sleep(1)
        shutil.rmtree(self.folder, ignore_errors=True)


if __name__ == "__main__":
    action, where = sys.argv[1], Path(sys.argv[2])
    if action == "run":
        Steps(where).run()
    elif action == "start":
        IslandsChain.start(where)
        print(f"islands-only builds started in the background: {where}")
    elif action == "stop":
        IslandsChain(where).cleanup()
    else:
        sys.exit(f"usage: {sys.argv[0]} run|start|stop FOLDER")
