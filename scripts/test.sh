#!/usr/bin/env bash
# `make test` after `make sysdeps` and `make venv`: builds the book once, with the network cut, then runs
# the tests. On two cores:
#   1. the islands-only copy's builds (tests/islands_chain.py: its own execution of the islands chapter,
#      a no-op rebuild, a data edit, a raising cell) need nothing from this tree's build, so they start
#      first, in the background, and run beside `make book`;
#   2. `make book` runs in a network namespace holding only the loopback interface (tests/offline_build.py
#      finds how: as root or in a user namespace), so this build is the offline build; the namespace's
#      interfaces are written to _build/.kurils-no-network as the proof;
#   3. `make pdf` starts in the background, also offline: it reuses the HTML build's environment and
#      execution cache, so no chapter is executed a second time;
#   4. pytest runs (the slowest tests listed), reading both background jobs through the folders handed
#      to it; the tests that read the PDF run last and wait for it.
# Where the network cannot be cut, `make book` builds with the network and the offline tests fail saying
# why. The background jobs are stopped and their folders removed when this script ends, whatever happened.
set -euo pipefail
cd "$(dirname "$0")/.."
py=.venv/bin/python
work=$(mktemp -d "${TMPDIR:-/tmp}/kurils-test-XXXXXX")
cleanup() {
  # CPU the background jobs used (not counted in this script's own times: they run in their own sessions)
  if [ -f "$work/islands/cpu" ]; then echo "islands-only builds: $(cat "$work/islands/cpu") s of CPU"; fi
  if [ -f "$work/offline/times" ]; then echo "offline PDF build: $(tail -n 1 "$work/offline/times") (CPU user, system)"; fi
  "$py" tests/islands_chain.py stop "$work/islands" || true
  "$py" tests/offline_build.py stop "$work/offline" || true
  rm -rf "$work"
}
trap cleanup EXIT

started=$SECONDS
"$py" tests/islands_chain.py start "$work/islands"
export KURILS_ISLANDS_CHAIN="$work/islands"

rm -f _build/.kurils-no-network
if netcut=$("$py" tests/offline_build.py netcut); then
  $netcut sh -c 'ip link set lo up && mkdir -p _build && ip -o link show > _build/.kurils-no-network &&
                 exec make --no-print-directory book'
  "$py" tests/offline_build.py pdf "$work/offline"
  export KURILS_OFFLINE_BUILD="$work/offline"
else
  echo "scripts/test.sh: $netcut. Building with the network; the offline tests will fail." >&2
  make --no-print-directory book
fi

echo "scripts/test.sh: the book built in $((SECONDS - started)) s; the tests start"
"$py" -m pytest --durations=25 "$@"
