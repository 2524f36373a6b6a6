#!/usr/bin/env bash
# `make test` after `make sysdeps` and `make venv`: builds the book, then runs the tests.
# The tests' offline whole-book + PDF build (tests/offline_build.py: a copy of the tree built with the
# network cut) starts in the background first, so it runs on the second core while `make book` runs on
# the first. pytest is handed its folder and waits for it only in the tests that read it; it is stopped
# and removed when this script ends, whatever happened.
set -euo pipefail
cd "$(dirname "$0")/.."
offline=$(mktemp -d "${TMPDIR:-/tmp}/kurils-offline-XXXXXX")
trap '.venv/bin/python tests/offline_build.py stop "$offline"' EXIT
.venv/bin/python tests/offline_build.py start "$offline"
make --no-print-directory book
KURILS_OFFLINE_BUILD="$offline" .venv/bin/python -m pytest --durations=25 "$@"
