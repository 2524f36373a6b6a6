"""What keeps rebuilds fast without changing what they check (issue 18): the PDF builder is registered
without importing WeasyPrint, so HTML builds and no-op rebuilds do not pay its start-up; `make book`
runs Jupyter Book without the rfc3987_syntax import that no book build uses (scripts/jb.py)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def test_the_book_extensions_do_not_import_weasyprint():
    """Every extension _config.yml lists, imported in a fresh interpreter, leaves WeasyPrint unloaded."""
    extensions = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))["sphinx"]["config"]["extensions"]
    assert "kurils.sphinx_ext" in extensions
    assert not any(e.startswith("sphinx_simplepdf") for e in extensions), "kurils.sphinx_ext registers the PDF builder"
    code = ("import importlib, sys\n"
            f"for name in {extensions!r}: importlib.import_module(name)\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('weasyprint', 'sass', 'sphinx_simplepdf')))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "[]", done.stdout


class _Recorder:
    def __init__(self):
        self.values, self.builders = [], []

    def add_config_value(self, name, default, rebuild, types=()):
        self.values.append((name, default, rebuild, types))

    def add_builder(self, builder):
        self.builders.append(builder)

    def connect(self, *args, **kwargs):
        pass


def test_the_stand_in_registers_what_sphinx_simplepdf_registers():
    """Same configuration values (names, defaults, rebuild and types) as the installed sphinx-simplepdf,
    so an upgrade that adds one is noticed, and a builder under the same name."""
    from sphinx_simplepdf.builders import simplepdf

    from kurils import sphinx_ext

    real, ours = _Recorder(), _Recorder()
    simplepdf.setup(real)
    sphinx_ext.setup(ours)
    assert [v for v in ours.values if v[0].startswith("simplepdf_")] == real.values
    assert [b.name for b in ours.builders] == [b.name for b in real.builders] == ["simplepdf"]


def test_make_book_runs_jupyter_book_without_rfc3987_syntax():
    """scripts/jb.py is Jupyter Book's own command line (same --help), and its start-up leaves the
    grammar-compiling module and lark unloaded; the Makefile builds through it."""
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "JUPYTER_BOOK := $(BIN)/python scripts/jb.py" in makefile
    assert makefile.count("$(JUPYTER_BOOK) build .") == 2  # book and pdf
    ours = subprocess.run([sys.executable, str(ROOT / "scripts" / "jb.py"), "build", "--help"], capture_output=True,
                          text=True, timeout=300, cwd=ROOT)
    theirs = subprocess.run([str(Path(sys.executable).parent / "jupyter-book"), "build", "--help"],
                            capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert ours.returncode == theirs.returncode == 0, ours.stderr[-2000:]
    assert ours.stdout == theirs.stdout
    code = ("import runpy, sys\nsys.argv = ['jb', '--version']\n"
            "try:\n    runpy.run_path(%r, run_name='__main__')\nexcept SystemExit:\n    pass\n"
            "import jupyter_book.config, jsonschema\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('rfc3987_syntax', 'lark') and sys.modules[m]))"
            % str(ROOT / "scripts" / "jb.py"))
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().splitlines()[-1] == "[]", done.stdout


def test_no_schema_a_build_validates_uses_the_skipped_iri_formats():
    """rfc3987_syntax only gives jsonschema the "iri" and "iri-reference" formats: no schema that Jupyter
    Book, nbformat, jupyter-cache, myst-nb or frictionless ship uses them, so leaving it out changes no
    validation in a build."""
    import importlib.util

    checked = 0
    for package in ("jupyter_book", "nbformat", "jupyter_cache", "myst_nb", "frictionless", "sphinx_external_toc",
                    "jsonschema_specifications"):
        folder = Path(importlib.util.find_spec(package).origin).parent
        for schema in folder.rglob("*.json"):
            text = schema.read_text(encoding="utf-8", errors="replace")
            checked += 1
            assert not re.search(r'"format"\s*:\s*"iri', text), schema
    assert checked >= 10


def _jb_namespace() -> dict:
    import runpy
    import warnings

    with warnings.catch_warnings():  # Jupyter Book's command line uses a class Click deprecates
        warnings.simplefilter("ignore", DeprecationWarning)
        return runpy.run_path(str(ROOT / "scripts" / "jb.py"), run_name="jb")


def test_build_jobs_default_to_a_core_each_and_follow_the_setting(monkeypatch):
    import os

    jb = _jb_namespace()
    monkeypatch.delenv("KURILS_BUILD_JOBS", raising=False)
    assert jb["build_jobs"]() == max(1, min(os.cpu_count() or 1, 4))
    monkeypatch.setenv("KURILS_BUILD_JOBS", "1")
    assert jb["build_jobs"]() == 1
    monkeypatch.setenv("KURILS_BUILD_JOBS", "3")
    assert jb["build_jobs"]() == 3


def test_make_book_reads_pages_in_parallel(tmp_path):
    """Sphinx as `make book` creates it (the real _config.yml and extensions, two jobs) allows parallel
    reading and writing, so no extension sends it back to a serial read (a warning, a failure under -W);
    and the execution cache's database exists before any page is read."""
    import os

    code = ("import runpy, sys\nimport sphinx.application as sa\n"
            "def report(self, *args, **kwargs):\n"
            "    print('PARALLEL', self.parallel, self.is_parallel_allowed('read'), self.is_parallel_allowed('write'))\n"
            "    raise SystemExit(0)\n"
            "sa.Sphinx.build = report\n"
            f"sys.argv = ['jupyter-book', 'build', '.', '--path-output', {str(tmp_path)!r}, '--builder', 'html', '-W']\n"
            "runpy.run_path('scripts/jb.py', run_name='__main__')\n")
    env = {**os.environ, "KURILS_BUILD_JOBS": "2"}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300, cwd=ROOT, env=env)
    assert done.returncode == 0, (done.stdout + done.stderr)[-3000:]
    assert "PARALLEL 2 True True" in done.stdout, done.stdout[-3000:]
    assert "serial" not in done.stderr, done.stderr[-3000:]
    assert (tmp_path / "_build" / ".jupyter_cache" / "global.db").is_file()


def test_a_page_failing_in_a_reading_process_shows_its_cause(capsys):
    """Sphinx reports a worker's failure by its first line only; jb.py prints the worker's traceback,
    which holds the failing cell's error."""
    from sphinx.errors import SphinxParallelError

    jb = _jb_namespace()
    worker_traceback = "Traceback (most recent call last):\n  ...\nValueError: the cell's own error\n"
    failure = SphinxParallelError("myst_nb.core.execute.base.ExecutionError: book/islands.md", worker_traceback)
    seen = {}

    def failing_build(*args, **kwargs):
        seen.update(kwargs)
        return failure

    assert jb["_build_sphinx"]("src", "out", _build=failing_build) is failure
    assert seen["jobs"] == jb["build_jobs"]()
    assert "ValueError: the cell's own error" in capsys.readouterr().err
    assert jb["_build_sphinx"]("src", "out", _build=lambda *a, **k: None) is None
    assert capsys.readouterr().err == ""


def test_the_api_page_notes_its_builder_before_pages_are_read():
    """The note that makes the PDF build re-read the API page (its printed form is one line) is made in
    the main process, before reading: made while reading, it stayed in a reading process, and the PDF
    printed the site's whole reference (45 pages)."""
    from types import SimpleNamespace

    from kurils import readers_ext

    env = SimpleNamespace(found_docs={"book/api", "book/intro"})
    html, pdf = (SimpleNamespace(builder=SimpleNamespace(name=name)) for name in ("html", "simplepdf"))
    readers_ext._note_api_builder(html, env, ["book/intro"])
    assert not hasattr(env, "kurils_api_builder")
    readers_ext._note_api_builder(html, env, ["book/api", "book/intro"])
    assert readers_ext._api_outdated(pdf, env, set(), set(), set()) == ["book/api"]
    assert readers_ext._api_outdated(html, env, set(), set(), set()) == []


def test_a_build_that_read_no_page_keeps_the_downloads(tmp_path):
    """The downloads (data files, zip, chapter notebooks) are written again only when a page was read or
    removed, or data/ or src/kurils/ changed since they were written; else the build keeps them."""
    from types import SimpleNamespace

    from kurils import readers_ext

    out = tmp_path / "html"
    out.mkdir()
    app = SimpleNamespace(builder=SimpleNamespace(name="html"), outdir=str(out), confdir=str(ROOT), srcdir=str(ROOT),
                          env=SimpleNamespace(found_docs=set(), titles={}),
                          config=SimpleNamespace(kurils_inputs_hash="first"), extensions={"kurils.sphinx_ext": None})
    islands = out / "data" / "islands.csv"

    def build(**state):
        vars(app).update(state)
        readers_ext._on_build_finished(app, None)

    build()  # no stamp yet: published
    assert islands.is_file() and (tmp_path / readers_ext.PUBLISHED_STAMP).read_text().strip() == "first"
    islands.unlink()
    build()  # nothing changed: kept as it was (the deleted file shows nothing was written)
    assert not islands.exists()
    build(_kurils_pages_changed=True)  # a page was read
    assert islands.is_file()
    islands.unlink()
    build(_kurils_pages_changed=False, config=SimpleNamespace(kurils_inputs_hash="second"))  # data/ changed
    assert islands.is_file()
    islands.unlink()
    build(extensions={})  # without kurils.sphinx_ext nothing says whether pages were read: always written
    assert islands.is_file()
