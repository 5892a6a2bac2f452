#!/usr/bin/python3
"""The browser tests' harness, run by tests/browser.sh: the real daemon on a
free port against the private slapd and MariaDB (scripts/check's stack when
GIDHD_STACK_DIR is set, else one of our own, stopped at the end), then
portal.test.mjs and the other *.test.mjs files (reports.test.mjs) in Node,
which drive Debian's chromium with playwright-core and print TAP. Their
lines are passed on, renumbered, followed by one case of our own: the
daemon stopped with status 0 and a clean sanitizer log.

playwright-core is installed from npm when missing, into a git-ignored
node_modules next to package.json (or under the build directory when the
source tree is read-only, as in make distcheck). Browsers are never
downloaded: the tests use /usr/bin/chromium.
"""

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile

import requests

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
import conftest  # noqa: E402  (the integration harness: Daemon, migrate)
import stack as stackmod  # noqa: E402

SRCDIR = conftest.SRCDIR
BUILDDIR = conftest.BUILDDIR
CHROMIUM = os.environ.get("GIDHD_CHROMIUM", "/usr/bin/chromium")
NODE = shutil.which("node")
TIMEOUT = int(os.environ.get("GIDHD_BROWSER_TIMEOUT", "900"))


def out(line):
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def skip_all(reason):
    out("1..0 # SKIP %s" % reason)
    sys.exit(0)


def log(msg):
    sys.stderr.write("browser: %s\n" % msg)
    sys.stderr.flush()


def playwright_dir():
    """The directory whose node_modules holds playwright-core, installing it
    when missing; None when npm cannot."""
    with open(os.path.join(HERE, "package.json")) as f:
        version = json.load(f)["dependencies"]["playwright-core"]
    for d in (HERE, os.path.join(BUILDDIR, "tests", "browser")):
        pkg = os.path.join(d, "node_modules", "playwright-core", "package.json")
        if os.path.exists(pkg):
            with open(pkg) as f:
                if json.load(f).get("version") == version:
                    return d
    npm = shutil.which("npm")
    if npm is None:
        return None
    for d in (HERE, os.path.join(BUILDDIR, "tests", "browser")):
        try:
            os.makedirs(d, exist_ok=True)
            if not os.access(d, os.W_OK):
                continue
            if d != HERE:
                shutil.copy(os.path.join(HERE, "package.json"), d)
        except OSError:
            continue
        log("installing playwright-core %s into %s/node_modules" % (version, d))
        # No lock file: it would name the registry's host; the version is pinned.
        r = subprocess.run([npm, "install", "--prefix", d, "--no-package-lock",
                            "--no-audit", "--no-fund", "--loglevel=error"],
                           cwd=d, stdout=sys.stderr, stderr=sys.stderr)
        if r.returncode == 0:
            return d
    return None


def api_missing(daemon):
    """Why the API the portal needs is not all there yet, or None."""
    probes = [
        ("POST", "/api/v1/session", "needs POST /api/v1/session from the auth branch"),
        ("GET", "/api/v1/me", "needs GET /api/v1/me from the auth branch"),
        ("GET", "/api/v1/tickets", "needs the tickets API (/api/v1/tickets) from the tickets branch"),
        ("POST", "/api/v1/uploads", "needs POST /api/v1/uploads from the tickets branch"),
        ("GET", "/api/v1/queues", "needs GET /api/v1/queues from the tickets branch"),
    ]
    for method, path, reason in probes:
        r = daemon.request(method, path, json={} if method == "POST" else None)
        if r.status_code == 404:
            return reason
    return None


def no_access_login():
    """A person of the test directory with a password and no group."""
    path = os.path.join(SRCDIR, "tests", "data", "directory-test.ldif")
    try:
        with open(path) as f:
            return "t.nogroup" if "uid: t.nogroup" in f.read() else None
    except OSError:
        return None


def test_scripts():
    """portal.test.mjs first, then the other *.test.mjs files of this directory."""
    names = sorted(f for f in os.listdir(HERE) if f.endswith(".test.mjs"))
    names.sort(key=lambda f: f != "portal.test.mjs")
    return [os.path.join(HERE, f) for f in names]


def selected():
    """GIDHD_PYTEST_K picks tests by name: run ours only when it names them."""
    k = os.environ.get("GIDHD_PYTEST_K", "")
    return not k or "browser" in k or "portal" in k or "report" in k


def main():
    if not selected():
        skip_all("not selected by GIDHD_PYTEST_K=%s (the browser tests are named portal)"
                 % os.environ.get("GIDHD_PYTEST_K"))
    if NODE is None:
        skip_all("node is not installed (scripts/deps installs it)")
    if not os.access(CHROMIUM, os.X_OK):
        skip_all("%s is not installed (scripts/deps installs Debian's chromium)" % CHROMIUM)
    if not os.access(conftest.DAEMON, os.X_OK):
        skip_all("%s is not built" % conftest.DAEMON)
    pwdir = playwright_dir()
    if pwdir is None:
        skip_all("playwright-core is not installed and npm could not install it")

    st, own = conftest.stack_open(os.path.join(BUILDDIR, "tests", "browser-stack"))
    if own is not None:
        log("started a private stack in %s" % own.dir)
    daemon = None
    nodir = None
    try:
        conftest.migrate(st)
        daemon = conftest.Daemon(st).start()
        log("daemon on %s (log %s)" % (daemon.url, daemon.log_path))
        reason = api_missing(daemon)
        if reason:
            rc = daemon.stop()
            daemon = None
            skip_all(reason)
        shots = os.environ.get("GIDHD_SCREENSHOTS",
                               os.path.join(BUILDDIR, "tests", "screenshots"))
        os.makedirs(shots, exist_ok=True)
        env = dict(os.environ)
        env.update({"GIDHD_URL": daemon.url + "/", "GIDHD_SCREENSHOTS": shots,
                    "GIDHD_PLAYWRIGHT_DIR": pwdir, "GIDHD_CHROMIUM": CHROMIUM})
        # A second daemon whose directory is a closed port: login gives 503.
        dead = stackmod.free_port()
        nodir = conftest.Daemon(st, dict(ldap={
            "uri": "ldap://127.0.0.1:%d" % dead, "network_timeout": "1",
            "timeout": "1"})).start()
        env["GIDHD_URL_NO_DIRECTORY"] = nodir.url + "/"
        nogroup = no_access_login()
        if nogroup:
            env["GIDHD_NO_ACCESS_LOGIN"] = nogroup
        # Other test files (reports.test.mjs) may refresh the report
        # summaries with the admin tool, against this daemon's database.
        env.update({"GIDHD_CONF": daemon.conf_path, "GIDHD_ADMIN_TOOL": conftest.ADMIN})
        n = 0
        for script in test_scripts():
            lines = []
            try:
                p = subprocess.run([NODE, script], env=env, stdout=subprocess.PIPE,
                                   stderr=sys.stderr, text=True, timeout=TIMEOUT)
                node_out, node_rc = p.stdout, p.returncode
            except subprocess.TimeoutExpired as e:
                node_out = e.stdout.decode() if isinstance(e.stdout, bytes) else (e.stdout or "")
                node_rc = "timeout after %ds" % TIMEOUT
            for line in node_out.splitlines():
                if line.startswith("ok ") or line.startswith("not ok "):
                    lines.append(line)
                elif line.startswith("#"):
                    lines.append(line)
                elif line.strip() and not line.startswith("1.."):
                    sys.stderr.write(line + "\n")
            for line in lines:
                if line.startswith("#"):
                    out(line)
                    continue
                n += 1
                ok, rest = ("not ok", line[7:]) if line.startswith("not ok ") else ("ok", line[3:])
                rest = rest.split(" ", 1)[1] if rest.split(" ", 1)[0].isdigit() else rest
                out("%s %d %s" % (ok, n, rest))
            if node_rc != 0:
                n += 1
                out("not ok %d - %s ended with status %s" % (n, os.path.basename(script), node_rc))
        for what, dd in (("the daemon", daemon), ("the daemon without directory", nodir)):
            rc = dd.stop()
            errs = dd.sanitizer_errors()
            n += 1
            if rc == 0 and not errs:
                out("ok %d - portal: %s stopped with status 0 and no sanitizer error" % (n, what))
            else:
                out("not ok %d - portal: %s stopped with status %s, sanitizer: %s (log %s)"
                    % (n, what, rc, errs[:3], dd.log_path))
        daemon = nodir = None
        out("1..%d" % n)
    finally:
        for dd in (daemon, nodir):
            if dd is not None:
                dd.stop()
        if own is not None:
            own.down()


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, lambda *a: sys.exit(1))
    main()
