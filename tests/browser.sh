#!/bin/sh
# The portal's end-to-end tests as one automake test: tests/browser/run.py
# starts the real daemon against the private slapd and MariaDB (the stack
# of scripts/check when GIDHD_STACK_DIR is set), runs tests/browser/
# portal.test.mjs (playwright-core driving Debian's headless chromium) and
# prints TAP, one line per case. Screenshots go to tests/screenshots/ under
# the build directory.
srcdir=${GIDHD_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
builddir=${GIDHD_BUILDDIR:-$(pwd)}
export GIDHD_SRCDIR="$srcdir" GIDHD_BUILDDIR="$builddir"
if ! /usr/bin/python3 -c 'import pytest, requests' 2>/dev/null; then
	echo "1..0 # SKIP python3-pytest and python3-requests are not installed (scripts/deps installs them)"
	exit 0
fi
/usr/bin/python3 -B "$srcdir/tests/browser/run.py"
rc=$?
# run.py prints its own plan; a crash before it must still fail the test.
if [ "$rc" != 0 ]; then
	echo "not ok - tests/browser/run.py exited with status $rc"
	echo "1..1"
fi
exit 0
