#!/usr/bin/env bash
# Build CampusNet for Linux with PyInstaller, then smoke-test what was built.
#
#     packaging/build_linux.sh            # build dist/campusnet/ and test it
#     packaging/build_linux.sh --no-test  # build only
#
# The result is the folder dist/campusnet/ (the program is dist/campusnet/campusnet); packaging/linux/install.sh
# installs it. The smoke test (packaging/smoke_test.py) runs the built program against snmpsim serving a shared
# device recording ($CAMPUSNET_SHARED, else the repository's sibling folder shared/) and, where installed, net-snmp's
# snmpd for SNMPv3; it renders a PDF report off screen and opens the desktop app on Qt's offscreen platform.
# Prints the build time, the folder's size and the start times. Exits non-zero with a message on any failure.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

fail() {
    echo "build_linux.sh: $*" >&2
    exit 1
}

run_tests=1
case "${1:-}" in
    "") ;;
    --no-test) run_tests=0 ;;
    *) fail "unknown option '$1' (use --no-test or nothing)" ;;
esac

command -v uv >/dev/null 2>&1 || fail "uv is not installed (https://docs.astral.sh/uv/)"
[ "$(uname -s)" = "Linux" ] || fail "this script builds on Linux; on Windows use packaging/build_windows.ps1"

echo "== building dist/campusnet with PyInstaller"
rm -rf build/campusnet dist/campusnet
start=$(date +%s)
uv run --quiet pyinstaller --noconfirm --clean --log-level WARN packaging/campusnet.spec ||
    fail "PyInstaller failed (see the messages above)"
built=$(($(date +%s) - start))
program="dist/campusnet/campusnet"
[ -x "$program" ] || fail "PyInstaller finished but $program is missing"
echo "built in ${built} s"

if [ "$run_tests" = 1 ]; then
    echo "== smoke test of $program"
    uv run --quiet python packaging/smoke_test.py "$program" || fail "smoke test failed"
fi

echo "== result"
echo "build time: ${built} s"
echo "size: $(du -sh dist/campusnet | cut -f1) (dist/campusnet)"
