"""The lock, the conda environment and the top-level requirements agree."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def _pins(path: Path) -> dict[str, str]:
    pins = {}
    for line in path.read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            name, _, version = line.partition("==")
            assert version, f"{path.name}: {line!r} is not an exact pin"
            pins[name.lower().replace("_", "-")] = version
    return pins


def test_every_lock_line_is_an_exact_pin():
    assert len(_pins(ROOT / "requirements.txt")) > 50


def test_environment_yml_lists_the_lock_exactly():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    assert "conda-forge" in env["channels"]
    assert "python=3.11" in env["dependencies"]
    pip_section = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    conda_pins = {}
    for line in pip_section:
        name, _, version = line.partition("==")
        conda_pins[name.lower().replace("_", "-")] = version
    assert conda_pins == _pins(ROOT / "requirements.txt")


def test_top_level_requirements_are_in_the_lock():
    lock = _pins(ROOT / "requirements.txt")
    for line in (ROOT / "requirements.in").read_text().splitlines():
        line = line.split("#")[0].strip()
        if line:
            name = re.split(r"[=<>!~\[]", line)[0].lower().replace("_", "-")
            assert name in lock, f"{name} missing from requirements.txt: run `make lock`"


def test_running_on_python_311():
    assert sys.version_info[:2] == (3, 11)
