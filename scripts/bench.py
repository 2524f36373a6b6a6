"""`make bench`: how long the book takes to build and to rerun, on this machine.

Works in a temporary copy of the repository (sharing .venv) so your _build/ is left alone. Prints:
clean build, no-op rebuild, rebuild after editing one chapter's code (and which chapters re-executed),
and each chapter's standalone execution time (jupytext + nbclient, as a reader reruns it).
"""

from __future__ import annotations

import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import jupytext
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]


def _build(repo: Path) -> tuple[float, str]:
    start = time.perf_counter()
    done = subprocess.run(["make", "book"], cwd=repo, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    elapsed = time.perf_counter() - start
    if done.returncode:
        sys.exit(done.stdout[-4000:])
    return elapsed, done.stdout


def _executed(log: str) -> list[str]:
    return sorted(set(re.findall(r"book/(\w+)\.md: Executing notebook", log)))


def _reread(log: str) -> list[str]:
    """Pages Sphinx read again (the 'reading sources... [ n%] book/x' lines)."""
    plain = re.sub(r"\x1b\[[0-9;]*m", "", log)
    return sorted(set(re.findall(r"reading sources\.\.\. \[\s*\d+%\] (\S+)", plain)))


def main() -> None:
    standalone = "--builds-only" not in sys.argv[1:]  # --builds-only: skip the per-chapter runs
    tmp = Path(tempfile.mkdtemp(prefix="kurils-bench-"))
    repo = tmp / "repo"
    shutil.copytree(ROOT, repo, ignore=shutil.ignore_patterns(".venv", "_build", ".git", ".pytest_cache", "__pycache__"))
    os.symlink(ROOT / ".venv", repo / ".venv")
    try:
        clean, log = _build(repo)
        chapters = _executed(log)
        noop, noop_log = _build(repo)
        target = repo / "book" / "islands.md"
        text = target.read_text(encoding="utf-8")
        target.write_text(text.replace(":tags: [remove-cell]\n\n", ":tags: [remove-cell]\n\n# bench edit\n", 1), encoding="utf-8")
        edited, log = _build(repo)
        rerun = _executed(log)
        load = os.getloadavg()
        print(f"date: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; load average at the end "
              f"{load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} (1/5/15 min)")
        print(f"machine: {os.cpu_count()} cores, {platform.platform()}, Python {platform.python_version()}")
        print(f"clean build ({len(chapters)} notebooks executed): {clean:6.1f} s")
        print(f"no-op rebuild:                         {noop:6.1f} s  ({100 * noop / clean:.1f} % of clean; "
              f"pages re-read: {', '.join(_reread(noop_log)) or 'none'}; "
              f"validation {'skipped' if 'validation skipped' in noop_log else 'RUN'})")
        print(f"rebuild after editing book/islands.md: {edited:6.1f} s  (re-executed: {', '.join(rerun) or 'none'})")
        if standalone:
            print("standalone execution (jupytext + nbclient):")
        for chapter in sorted((repo / "book").glob("*.md")) if standalone else []:
            notebook = jupytext.read(chapter)
            start = time.perf_counter()
            NotebookClient(notebook, timeout=600, kernel_name="python3",
                           resources={"metadata": {"path": str(chapter.parent)}}).execute()
            print(f"  {chapter.name:<22} {time.perf_counter() - start:6.1f} s")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
