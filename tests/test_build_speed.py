"""What keeps rebuilds fast without changing what they check (issue 18): the PDF builder is registered
without importing WeasyPrint, so HTML builds and no-op rebuilds do not pay its start-up."""

from __future__ import annotations

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

    def connect(self, *args):
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
