"""The offline whole-book + PDF build that tests/test_build.py reads, run in the background.

One copy of the working tree (no _build/, sharing .venv) builds the whole book from scratch, then its
PDF, inside a network namespace with only the loopback interface. It is one process using about one
core. `make test` starts it before `make book`, so the two whole-book builds run side by side on two
cores, and hands its folder to pytest (KURILS_OFFLINE_BUILD); a plain `pytest` run starts it when the
session starts. Tests that read it run last and wait for it.

Command line (the Makefile's test target): ``python tests/offline_build.py start|stop FOLDER``.
"""

from __future__ import annotations

import os
import shlex
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
IGNORED = shutil.ignore_patterns(".venv", "_build", ".git", ".pytest_cache", "__pycache__", "*.egg-info")
COMMAND = "unshare --net sh -c 'ip link set lo up && make book && make pdf'"
ENV_VAR = "KURILS_OFFLINE_BUILD"


def copy_repo(dest: Path, *, with_build: bool = False) -> Path:
    """Copy the working tree to ``dest`` (sharing the built .venv by symlink); optionally the build too."""
    shutil.copytree(ROOT, dest, ignore=IGNORED)
    os.symlink(ROOT / ".venv", dest / ".venv")
    if with_build:
        shutil.copytree(ROOT / "_build", dest / "_build", symlinks=True)
    return dest


class BackgroundBuild:
    """A build in ``folder``: repo/ (the copy), build.log, pid, and rc (its exit status, once it ended)."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.repo = self.folder / "repo"
        self.log = self.folder / "build.log"
        self.error = None
        if not shutil.which("unshare") or not shutil.which("ip"):
            self.error = "unshare and ip (util-linux, iproute2) are needed to cut the network: run `make sysdeps`"

    @classmethod
    def start(cls, folder: Path) -> "BackgroundBuild":
        build = cls(folder)
        if build.error:
            return build
        copy_repo(build.repo)
        env = {k: v for k, v in os.environ.items() if k not in ("KURILS_ROOT", ENV_VAR)}
        rc = shlex.quote(str(build.folder / "rc"))
        script = f"{COMMAND} > {shlex.quote(str(build.log))} 2>&1; echo $? > {rc}.tmp && mv {rc}.tmp {rc}"
        proc = subprocess.Popen(["sh", "-c", script], cwd=build.repo, env=env, start_new_session=True,
                                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        (build.folder / "pid").write_text(f"{proc.pid}\n")
        return build

    @classmethod
    def adopt(cls, folder: Path) -> "BackgroundBuild | None":
        """The build `make test` started, if ``folder`` holds one."""
        build = cls(folder)
        return build if (build.folder / "pid").is_file() and build.repo.is_dir() else None

    def wait(self, timeout: int = 1800) -> subprocess.CompletedProcess:
        if self.error:
            import pytest

            pytest.fail(self.error)
        rc = self.folder / "rc"
        deadline = time.monotonic() + timeout
        while not rc.is_file():
            if time.monotonic() > deadline:
                raise TimeoutError(f"the offline build did not end within {timeout} s: {self.log}")
            time.sleep(0.5)
        return subprocess.CompletedProcess(COMMAND, int(rc.read_text().strip()), self.log.read_text(encoding="utf-8"),
                                           None)

    def stop(self) -> None:
        """End the build if it still runs (its own process group only) and remove its folder."""
        pid_file = self.folder / "pid"
        if pid_file.is_file() and not (self.folder / "rc").is_file():
            try:
                os.killpg(int(pid_file.read_text().strip()), signal.SIGTERM)
            except (ProcessLookupError, PermissionError):
                pass
            for _ in range(120):
                if (self.folder / "rc").is_file():
                    break
                time.sleep(0.5)
        shutil.rmtree(self.folder, ignore_errors=True)


if __name__ == "__main__":
    action, folder = sys.argv[1], Path(sys.argv[2])
    if action == "start":
        started = BackgroundBuild.start(folder)
        print(f"offline whole-book + PDF build started in the background: {started.folder}"
              if not started.error else f"offline build not started: {started.error}")
    elif action == "stop":
        BackgroundBuild(folder).stop()
    else:
        sys.exit(f"usage: {sys.argv[0]} start|stop FOLDER")
