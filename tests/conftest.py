"""Shared fixtures: the repository root, the built site, and throw-away copies of the repository."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

from offline_build import ENV_VAR, BackgroundBuild, copy_repo  # noqa: F401  (copy_repo: for the tests)

ROOT = Path(__file__).resolve().parents[1]
SITE = ROOT / "_build" / "html"


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def site() -> Path:
    """The built HTML site; `make test` builds it first. Fails (not skips) when it is missing."""
    if not (SITE / "index.html").is_file():
        pytest.fail("_build/html is missing: run `make test` (it builds the book first) or `make book`")
    return SITE


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
    """Glue names the chapter's prose pastes, minus those its notebook glues itself (citations) and
    those every chapter takes from kurils.course (its reading time): what the chapter's module must give."""
    from kurils import course

    source = (ROOT / "book" / f"{chapter}.md").read_text(encoding="utf-8")
    names = set(re.findall(r"\{glue(?::(?:text|md|figure))?\}`([A-Za-z0-9_]+)", source))
    glued_in_notebook = set(re.findall(r'glue_citations\("([A-Za-z0-9_]+)"', source))
    return names - glued_in_notebook - set(course.key_numbers(chapter))


@pytest.fixture()
def data_copy(tmp_path: Path) -> Path:
    """A writable copy of data/ (without the geodata) so a test can corrupt or edit one file."""
    import shutil

    dest = tmp_path / "data"
    shutil.copytree(ROOT / "data", dest, ignore=shutil.ignore_patterns("geo"))
    return dest


def first_cell_lines(chapter: str) -> int:
    """Non-blank lines of the chapter's first remove-cell cell (imports and loading only)."""
    source = (ROOT / "book" / f"{chapter}.md").read_text(encoding="utf-8")
    cell = re.search(r"```\{code-cell\} ipython3\n:tags: \[remove-cell\]\n(.*?)\n```", source, re.S).group(1)
    return len([line for line in cell.splitlines() if line.strip()])


# ------------------------------------------------------------------------------------------------
# The offline whole-book + PDF build (tests/offline_build.py) runs in the background: `make test`
# starts it beside `make book`; a plain pytest run starts it when the session starts. Tests that read it
# are moved to the end and wait for it there.
# ------------------------------------------------------------------------------------------------

OFFLINE_FIXTURES = {"offline_book", "pdf", "pdf_pages"}


def _start_offline_build(config) -> BackgroundBuild:
    import tempfile

    handed = os.environ.get(ENV_VAR)
    build = BackgroundBuild.adopt(Path(handed)) if handed else None
    if build is None:
        build = BackgroundBuild.start(Path(tempfile.mkdtemp(prefix="kurils-offline-")))
    config._kurils_offline = build
    return build


def _uses(item, names: set[str]) -> bool:
    return bool(names & set(getattr(item, "fixturenames", ())))


@pytest.hookimpl(trylast=True)  # after -m/-k deselection: start only when such a test will run
def pytest_collection_modifyitems(session, config, items):
    """Tests that read a background job's result run last, so the job works while the others run: the
    browser's page checks, then the offline-build and PDF tests."""
    if config.option.collectonly:
        return
    offline = [item for item in items if _uses(item, OFFLINE_FIXTURES)]
    visiting = [item for item in items if _uses(item, {"visits"}) and not _uses(item, OFFLINE_FIXTURES)]
    later = {id(item) for item in offline + visiting}
    items[:] = [item for item in items if id(item) not in later] + visiting + offline
    if offline:
        _start_offline_build(config)


def islands_chain_for(config):
    """The islands-only copy's builds (tests/islands_chain.py): the ones `make test` started beside
    `make book` (KURILS_ISLANDS_CHAIN), else started now in a background process."""
    from islands_chain import ENV_VAR as CHAIN_VAR
    from islands_chain import IslandsChain

    chain = getattr(config, "_kurils_islands", None)
    if chain is None:
        handed = os.environ.get(CHAIN_VAR)
        chain = IslandsChain.adopt(Path(handed)) if handed else None
        config._kurils_islands = chain if chain is not None else IslandsChain.start()
    return config._kurils_islands


@pytest.hookimpl(trylast=True)
def pytest_collection_finish(session):
    """The islands-only copy's builds start at once (unless `make test` started them already) when a
    selected test reads them, so they run beside the tests that come before."""
    from islands_chain import FIXTURES

    if session.config.option.collectonly:
        return
    if any(_uses(item, FIXTURES) for item in session.items):
        islands_chain_for(session.config)
    _start_browser_visits(session)


def _start_browser_visits(session) -> None:
    """The browser visits every page the selected tests check (test_browser.BackgroundVisits) start now,
    in background threads, when the site is built and Chromium is there (else the tests say why)."""
    visiting = [item for item in session.items if _uses(item, {"visits"})]
    if not visiting or not (SITE / "index.html").is_file():
        return
    module = visiting[0].module
    if Path(module.CHROMIUM).exists():
        session.config._kurils_visits = module.BackgroundVisits(module.visited_paths(session.items))


def pytest_sessionfinish(session, exitstatus):
    """Background jobs this session started end here; those `make test` handed over end with it."""
    from islands_chain import ENV_VAR as CHAIN_VAR

    def handed(job, var: str) -> bool:
        return bool(os.environ.get(var)) and Path(os.environ[var]).resolve() == job.folder.resolve()

    chain = getattr(session.config, "_kurils_islands", None)
    if chain is not None and not handed(chain, CHAIN_VAR):
        chain.cleanup()
    build = getattr(session.config, "_kurils_offline", None)
    if build is not None and not handed(build, ENV_VAR):
        build.stop()
    visits = getattr(session.config, "_kurils_visits", None)
    if visits is not None:
        visits.close()


@pytest.fixture(scope="session")
def offline_build(request) -> BackgroundBuild:
    build = getattr(request.config, "_kurils_offline", None)
    return build if build is not None else _start_offline_build(request.config)


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
