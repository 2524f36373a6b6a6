#!/usr/bin/env bash
# The system packages the book needs beyond Python 3.11 and make, checked (and installed) by
# `make sysdeps`, which `make pdf` and `make test` run first.
#
#   scripts/sysdeps.sh [venv|pdf|test]     (default: test, the superset)
#
# A package counts as present when dpkg lists it as installed. When some are missing:
#   * as root, `apt-get update` and then `apt-get install -y` of exactly the missing ones;
#   * otherwise, stop at once (exit 2) printing the exact command to run, changing nothing.
# KURILS_SYSDEPS_DRY_RUN=1 prints what would be installed and exits 2 when anything is missing.
set -euo pipefail

profile="${1:-test}"

# WeasyPrint (the PDF) draws text with Pango through fontconfig; fontconfig needs one font of its
# own, even though the book's text faces are bundled under _static/fonts/.
PDF_PACKAGES=(libpango-1.0-0 libpangoft2-1.0-0 fontconfig fonts-dejavu-core)
# Tests: Debian's Chromium (browser tests, no browser download), poppler-utils (pdftotext and
# pdftoppm read the PDF), util-linux (unshare) and iproute2 (ip) to cut the network.
TEST_PACKAGES=(chromium poppler-utils util-linux iproute2)

# Debian's own python3.11 creates virtual environments only with python3.11-venv (ensurepip); a
# Python built from source or by pyenv has it already. Checked for every profile.
VENV_PACKAGES=()
python="${PYTHON:-$(command -v python3.11 || command -v python3 || true)}"
if [ -n "$python" ] && ! "$python" -c 'import ensurepip' >/dev/null 2>&1; then
  VENV_PACKAGES=("python3.11-venv")
fi

case "$profile" in
  venv) wanted=("${VENV_PACKAGES[@]}") ;;
  pdf) wanted=("${VENV_PACKAGES[@]}" "${PDF_PACKAGES[@]}") ;;
  test) wanted=("${VENV_PACKAGES[@]}" "${PDF_PACKAGES[@]}" "${TEST_PACKAGES[@]}") ;;
  *) echo "usage: $0 [venv|pdf|test]" >&2; exit 64 ;;
esac
[ "${#wanted[@]}" -eq 0 ] && exit 0

if ! command -v dpkg-query >/dev/null 2>&1; then
  echo "sysdeps: no dpkg-query: this is not Debian or Ubuntu. Install the equivalents of:" >&2
  echo "  ${wanted[*]}" >&2
  exit 2
fi

missing=()
for pkg in "${wanted[@]}"; do
  status="$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null || true)"
  [ "$status" = "installed" ] || missing+=("$pkg")
done

if [ "${#missing[@]}" -eq 0 ]; then
  echo "sysdeps ($profile): all ${#wanted[@]} system packages present"
  exit 0
fi

command_line="apt-get install -y ${missing[*]}"
if [ "${KURILS_SYSDEPS_DRY_RUN:-0}" = "1" ]; then
  echo "sysdeps ($profile): missing ${missing[*]}; would run: apt-get update && $command_line" >&2
  exit 2
fi
if [ "$(id -u)" -ne 0 ]; then
  {
    echo "sysdeps ($profile): missing system packages: ${missing[*]}"
    echo "Run this once, then the make command again:"
    echo
    echo "  sudo apt-get update && sudo $command_line"
    echo
  } >&2
  exit 2
fi

echo "sysdeps ($profile): installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get -o DPkg::Lock::Timeout=300 update -qq
apt-get -o DPkg::Lock::Timeout=300 install -y -qq "${missing[@]}" >/dev/null
echo "sysdeps ($profile): installed ${missing[*]}"
