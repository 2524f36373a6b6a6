"""The offline builds and the PDF that tests/test_build.py reads, run in the background.

`make test` (scripts/test.sh) builds the site itself with the network cut: `make book` runs inside a
network namespace that holds only the loopback interface (`netcut`), after writing the namespace's
interfaces to _build/.kurils-no-network as the proof. That build is the offline build: the book is
executed once. Then ``python tests/offline_build.py pdf FOLDER`` starts `make pdf` in the same tree, also
with the network cut, in the background beside pytest: the PDF builder reuses the HTML build's
environment and execution cache, so no notebook runs twice. FOLDER is handed to pytest
(KURILS_OFFLINE_BUILD); the tests that read the PDF run last and wait for it.

A plain pytest run (no FOLDER handed) builds a copy instead: ``start FOLDER`` copies the working tree
(no _build/, sharing .venv) and builds the whole book from scratch and then its PDF, with the network
cut, in the background from the start of the session.

Where the network cannot be cut (no unshare or ip, or no network namespaces: neither root nor
unprivileged user namespaces), nothing is built offline and the offline tests fail saying why.

Command line: ``python tests/offline_build.py netcut|pdf FOLDER|start FOLDER|stop FOLDER``.
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
ENV_VAR = "KURILS_OFFLINE_BUILD"
#: The proof `make test` leaves that its `make book` ran with the network cut: the namespace's interfaces.
PROOF = Path("_build") / ".kurils-no-network"
#: Network namespaces: as root, else inside a user namespace where the caller maps to root.
NETCUTS = (("unshare", "--net"), ("unshare", "--map-root-user", "--net"))
NO_NETCUT = ("cannot cut the network here: unshare and ip (util-linux, iproute2: run `make sysdeps`) and network "
             "namespaces (root, or unprivileged user namespaces) are needed")


def netcut() -> tuple[str, ...] | None:
    """The command prefix that runs a command with only the loopback interface, or None."""
    if not shutil.which("unshare") or not shutil.which("ip"):
        return None
    for prefix in NETCUTS:
        probe = subprocess.run([*prefix, "sh", "-c", "ip link set lo up"], stdin=subprocess.DEVNULL,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=60)
        if probe.returncode == 0:
            return prefix
    return None


def offline(command: str, prefix: tuple[str, ...]) -> str:
    """A shell command line that runs ``command`` in a new network namespace with loopback up."""
    return " ".join(prefix) + " sh -c " + shlex.quote(f"ip link set lo up && {command}")


def copy_repo(dest: Path, *, with_build: bool = False) -> Path:
    """Copy the working tree to ``dest`` (sharing the built .venv by symlink); optionally the build too."""
    shutil.copytree(ROOT, dest, ignore=IGNORED)
    os.symlink(ROOT / ".venv", dest / ".venv")
    if with_build:
        shutil.copytree(ROOT / "_build", dest / "_build", symlinks=True)
    return dest


class BackgroundBuild:
    """A build recorded in ``folder``: build.log, pid, rc (its exit status, once it ended) and, for the
    PDF of the working tree, a file ``in-tree``. ``repo`` is the tree it builds (the copy, or ROOT)."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.in_tree = (self.folder / "in-tree").is_file()
        self.repo = ROOT if self.in_tree else self.folder / "repo"
        self.log = self.folder / "build.log"
        self.error = (self.folder / "error").read_text() if (self.folder / "error").is_file() else None
        self.command = "make pdf" if self.in_tree else "make book && make pdf"

    def _launch(self, prefix: tuple[str, ...]) -> None:
        env = {k: v for k, v in os.environ.items() if k not in ("KURILS_ROOT", ENV_VAR)}
        rc = shlex.quote(str(self.folder / "rc"))
        # `times`: the CPU the build used (its second line: user and system time of the children)
        script = (f"{offline(self.command, prefix)} > {shlex.quote(str(self.log))} 2>&1; "
                  f"echo $? > {rc}.tmp; times > {shlex.quote(str(self.folder / 'times'))}; mv {rc}.tmp {rc}")
        proc = subprocess.Popen(["sh", "-c", script], cwd=self.repo, env=env, start_new_session=True,
                                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        (self.folder / "pid").write_text(f"{proc.pid}\n")

    @classmethod
    def _prepare(cls, folder: Path, *, in_tree: bool) -> tuple["BackgroundBuild", tuple[str, ...] | None]:
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        if in_tree:
            (folder / "in-tree").write_text("make pdf in the working tree, after its offline make book\n")
        prefix = netcut()
        if prefix is None:
            (folder / "error").write_text(NO_NETCUT)
        return cls(folder), prefix

    @classmethod
    def start(cls, folder: Path) -> "BackgroundBuild":
        """A copy of the working tree: the whole book from scratch, then its PDF, offline."""
        build, prefix = cls._prepare(folder, in_tree=False)
        if prefix is not None:
            copy_repo(build.repo)
            build._launch(prefix)
        return build

    @classmethod
    def start_pdf(cls, folder: Path) -> "BackgroundBuild":
        """`make pdf` in the working tree (after `make test`'s offline `make book`), offline."""
        build, prefix = cls._prepare(folder, in_tree=True)
        if prefix is not None:
            build._launch(prefix)
        return build

    @classmethod
    def adopt(cls, folder: Path) -> "BackgroundBuild | None":
        """The build `make test` started, if ``folder`` holds one."""
        build = cls(folder)
        return build if (build.folder / "pid").is_file() or build.error else None

    def site_proof(self) -> str:
        """For the in-tree build: the interfaces `make book` saw (only loopback when the network was cut)."""
        proof = ROOT / PROOF
        return proof.read_text(encoding="utf-8") if proof.is_file() else ""

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
        return subprocess.CompletedProcess(self.command, int(rc.read_text().strip()),
                                           self.log.read_text(encoding="utf-8"), None)

    def stop(self) -> None:
        """End the build if it still runs (its own process group only) and remove its folder (the
        working tree's PDF stays: it is `make pdf`'s output)."""
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
        shutil.rmtree(self.folder, ignore_errors=True)  # the record (and a copy), never the working tree


if __name__ == "__main__":
    action = sys.argv[1] if len(sys.argv) > 1 else ""
    if action == "netcut":  # the prefix, for scripts/test.sh; exit 1 when the network cannot be cut
        found = netcut()
        print(" ".join(found) if found else NO_NETCUT)
        sys.exit(0 if found else 1)
    elif action in ("start", "pdf") and len(sys.argv) == 3:
        started = (BackgroundBuild.start if action == "start" else BackgroundBuild.start_pdf)(Path(sys.argv[2]))
        what = "offline whole-book + PDF build (a copy)" if action == "start" else "offline PDF build"
        print(f"{what} started in the background: {started.folder}" if not started.error
              else f"{what} not started: {started.error}")
    elif action == "stop" and len(sys.argv) == 3:
        BackgroundBuild(Path(sys.argv[2])).stop()
    else:
        sys.exit(f"usage: {sys.argv[0]} netcut | start FOLDER | pdf FOLDER | stop FOLDER")
