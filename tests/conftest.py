"""Shared fixtures: the repository root, the built site, and throw-away copies of the repository."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SITE = ROOT / "_build" / "html"
IGNORED = shutil.ignore_patterns(".venv", "_build", ".git", ".pytest_cache", "__pycache__", "*.egg-info")


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def site() -> Path:
    """The built HTML site; `make test` builds it first. Fails (not skips) when it is missing."""
    if not (SITE / "index.html").is_file():
        pytest.fail("_build/html is missing: run `make test` (it builds the book first) or `make book`")
    return SITE


def copy_repo(dest: Path, *, with_build: bool = False) -> Path:
    """Copy the working tree to ``dest`` (sharing the built .venv by symlink); optionally the build too."""
    shutil.copytree(ROOT, dest, ignore=IGNORED)
    os.symlink(ROOT / ".venv", dest / ".venv")
    if with_build:
        shutil.copytree(ROOT / "_build", dest / "_build", symlinks=True)
    return dest


def run(cmd: list[str] | str, cwd: Path, *, timeout: int = 600, shell: bool = False) -> subprocess.CompletedProcess:
    """Run a command, capturing stdout and stderr together as text."""
    env = {k: v for k, v in os.environ.items() if k not in ("KURILS_ROOT",)}
    return subprocess.run(cmd, cwd=cwd, shell=shell, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                          timeout=timeout, env=env)


def html_pages(site: Path) -> list[Path]:
    """Every content page of a built site (Sphinx's search/genindex pages excluded)."""
    skip = {"search.html", "genindex.html"}
    return sorted(p for p in site.rglob("*.html") if p.name not in skip and "_static" not in p.parts)


def prose_glue_names(chapter: str) -> set[str]:
    """Glue names the chapter's prose pastes, minus those its notebook glues itself (citations)."""
    source = (ROOT / "book" / f"{chapter}.md").read_text(encoding="utf-8")
    names = set(re.findall(r"\{glue(?::(?:text|md|figure))?\}`([A-Za-z0-9_]+)", source))
    glued_in_notebook = set(re.findall(r'glue_citations\("([A-Za-z0-9_]+)"', source))
    return names - glued_in_notebook


def first_cell_lines(chapter: str) -> int:
    """Non-blank lines of the chapter's first remove-cell cell (imports and loading only)."""
    source = (ROOT / "book" / f"{chapter}.md").read_text(encoding="utf-8")
    cell = re.search(r"```\{code-cell\} ipython3\n:tags: \[remove-cell\]\n(.*?)\n```", source, re.S).group(1)
    return len([line for line in cell.splitlines() if line.strip()])


# ------------------------------------------------------------------------------------------------
# The offline whole-book + PDF build (tests/test_build.py) runs in the background from the start of
# the session: it is one process using about one core, so on two cores the rest of the suite runs
# beside it instead of after it. Tests that read it are moved to the end and wait for it there.
# ------------------------------------------------------------------------------------------------

OFFLINE_FIXTURES = {"offline_book", "pdf", "pdf_pages"}
OFFLINE_COMMAND = "unshare --net sh -c 'ip link set lo up && make book && make pdf'"


class BackgroundBuild:
    def __init__(self, command: str):
        import tempfile

        self.folder = Path(tempfile.mkdtemp(prefix="kurils-offline-"))
        self.repo = copy_repo(self.folder / "repo")
        self.log = self.folder / "build.log"
        self.error = None
        self.proc = None
        if not shutil.which("unshare") or not shutil.which("ip"):
            self.error = "unshare and ip (util-linux, iproute2) are needed to cut the network: run `make sysdeps`"
            return
        env = {k: v for k, v in os.environ.items() if k not in ("KURILS_ROOT",)}
        with open(self.log, "w", encoding="utf-8") as out:
            self.proc = subprocess.Popen(command, cwd=self.repo, shell=True, stdout=out, stderr=subprocess.STDOUT,
                                         env=env, start_new_session=True)

    def wait(self, timeout: int = 1800) -> subprocess.CompletedProcess:
        if self.error:
            pytest.fail(self.error)
        code = self.proc.wait(timeout=timeout)
        return subprocess.CompletedProcess(OFFLINE_COMMAND, code, self.log.read_text(encoding="utf-8"), None)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, 15)  # our own child's process group only
            self.proc.wait(timeout=60)
        shutil.rmtree(self.folder, ignore_errors=True)


@pytest.hookimpl(trylast=True)  # after -m/-k deselection: start only when such a test will run
def pytest_collection_modifyitems(session, config, items):
    offline = [item for item in items if OFFLINE_FIXTURES & set(getattr(item, "fixturenames", ()))]
    if not offline or config.option.collectonly:
        return
    others = [item for item in items if item not in offline]
    items[:] = others + offline
    config._kurils_offline = BackgroundBuild(OFFLINE_COMMAND)


def pytest_sessionfinish(session, exitstatus):
    build = getattr(session.config, "_kurils_offline", None)
    if build is not None:
        build.stop()


@pytest.fixture(scope="session")
def offline_build(request) -> BackgroundBuild:
    build = getattr(request.config, "_kurils_offline", None)
    if build is None:  # collected by another route: start it now
        build = request.config._kurils_offline = BackgroundBuild(OFFLINE_COMMAND)
    return build


# Every table of the data package and the source kind of every row, loaded once for the session
# (the sources and quality tests share them; a test module's own ``tables`` fixture takes precedence).
@pytest.fixture(scope="session")
def tables():
    from kurils import data

    return {name: data.load(name) for name in data.table_names()}


@pytest.fixture(scope="session")
def kinds(tables):
    from kurils import sources

    return sources.kind_table(tables)
