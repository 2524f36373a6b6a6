"""`make sysdeps` (scripts/sysdeps.sh) on a machine that lacks system packages, without touching it.

A fresh machine is simulated by a PATH whose first folder holds fake ``dpkg-query`` (reports the
packages of the test as not installed), ``apt-get`` (records its calls, installs nothing) and ``id``
(claims root or not). When the tests run as root, the non-root case is also run for real as
``nobody`` (setpriv), so no faked user id is involved there.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import tempfile
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "sysdeps.sh"
ALL = ["libpango-1.0-0", "libpangoft2-1.0-0", "fontconfig", "fonts-dejavu-core", "chromium", "poppler-utils",
       "util-linux", "iproute2"]


@pytest.fixture()
def machine():
    """A world-readable folder with the script and a bin/ of fakes; missing packages are configurable."""
    folder = Path(tempfile.mkdtemp(prefix="kurils-sysdeps-"))
    os.chmod(folder, 0o755)
    (folder / "bin").mkdir(mode=0o755)
    shutil.copy(SCRIPT, folder / "sysdeps.sh")
    log = folder / "apt.log"
    log.touch()
    os.chmod(log, 0o666)

    def fake(name: str, body: str) -> None:
        path = folder / "bin" / name
        path.write_text("#!/bin/sh\n" + body + "\n", encoding="utf-8")
        path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH | stat.S_IRGRP | stat.S_IROTH)

    def run(missing: list[str], *, uid: int | None = None, real_nobody: bool = False, profile: str = "test"):
        cases = "\n".join(f'  {p}) exit 1 ;;' for p in missing)
        fake("dpkg-query", f'pkg="$(eval echo \\${{$#}})"\ncase "$pkg" in\n{cases}\nesac\nprintf installed')
        fake("apt-get", f'echo "apt-get $*" >> {log}')
        fake("python-ok", "exit 0")  # stands for a Python with ensurepip
        if uid is not None:
            fake("id", f'echo {uid}')
        elif (folder / "bin" / "id").exists():
            (folder / "bin" / "id").unlink()
        env = {"PATH": f"{folder / 'bin'}:/usr/sbin:/usr/bin:/sbin:/bin", "PYTHON": str(folder / "bin" / "python-ok"),
               "HOME": str(folder), "LANG": "C.UTF-8"}
        cmd = ["bash", str(folder / "sysdeps.sh"), profile]
        if real_nobody:
            cmd = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", *cmd]
        done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=60)
        return done, log.read_text(encoding="utf-8").splitlines()

    yield run
    shutil.rmtree(folder, ignore_errors=True)


def test_nothing_missing_does_nothing(machine):
    done, apt = machine([], uid=0)
    assert done.returncode == 0, done.stderr
    assert "all 8 system packages present" in done.stdout
    assert apt == []


def test_not_root_stops_at_once_naming_the_exact_command(machine):
    done, apt = machine(["chromium", "poppler-utils"], uid=1000)
    assert done.returncode == 2
    assert "  sudo apt-get update && sudo apt-get install -y chromium poppler-utils\n" in done.stderr
    assert apt == [], "a non-root run must not call apt-get"


@pytest.mark.skipif(os.geteuid() != 0 or not shutil.which("setpriv"), reason="needs root to become nobody")
def test_not_root_for_real_as_nobody(machine):
    done, apt = machine(["chromium", "iproute2"], real_nobody=True)
    assert done.returncode == 2, done.stdout + done.stderr
    assert "sudo apt-get update && sudo apt-get install -y chromium iproute2" in done.stderr
    assert apt == []


def test_root_updates_then_installs_exactly_the_missing_packages(machine):
    done, apt = machine(["fonts-dejavu-core", "chromium"], uid=0)
    assert done.returncode == 0, done.stderr
    assert len(apt) == 2
    assert apt[0].startswith("apt-get") and " update" in apt[0]
    assert " install -y " in apt[1] and apt[1].endswith("fonts-dejavu-core chromium")


def test_pdf_profile_asks_only_for_what_the_pdf_needs(machine):
    done, _ = machine(["libpangoft2-1.0-0", "chromium"], uid=1000, profile="pdf")
    assert done.returncode == 2
    assert "sudo apt-get install -y libpangoft2-1.0-0\n" in done.stderr and "chromium" not in done.stderr


def test_make_test_runs_sysdeps_before_anything_else():
    """`make test` depends on the check, and `make pdf` on its PDF part (dry run: nothing executes)."""
    root = SCRIPT.parents[1]
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MAKELEVEL", "MFLAGS", "MAKEOVERRIDES")}

    def first_step(target: str) -> str:
        out = subprocess.run(["make", "-n", "--no-print-directory", target], cwd=root, capture_output=True, text=True,
                             timeout=60, env=env).stdout
        return out.splitlines()[0]

    assert first_step("test") == "bash scripts/sysdeps.sh test"
    assert first_step("pdf") == "bash scripts/sysdeps.sh pdf"
    ci = (root / ".ci" / "run").read_text(encoding="utf-8")
    assert "apt-get install" not in ci and "\nmake test || status=$?\n" in ci
