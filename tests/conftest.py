"""Integration harness: the real gid-helpdeskd against the private slapd and
MariaDB of tests/stack.py. Each test module gets a daemon (or starts its
own with other settings); every daemon is stopped by PID at the end and
must exit 0 with a clean sanitizer log.

Results are also written as TAP to $GIDHD_TAP_FILE for automake.
"""

import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time

import pytest
import requests

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import stack as stackmod  # noqa: E402

SRCDIR = os.environ.get("GIDHD_SRCDIR", stackmod.SRCDIR)
BUILDDIR = os.environ.get("GIDHD_BUILDDIR", os.path.join(SRCDIR, "build", "dev"))
DAEMON = os.path.join(BUILDDIR, "gid-helpdeskd")
ADMIN = os.path.join(BUILDDIR, "gid-helpdesk")
DEMO_PASSWORD = "Demo2026!"
DEMO_LDIF = os.path.join(SRCDIR, "etc", "demo", "directory.ldif")
TEST_LDIF = os.path.join(SRCDIR, "tests", "data", "directory-test.ldif")
SANITIZER_RE = re.compile(r"ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:")

# Every daemon started in this run, and every secret a test was handed
# (session cookies, CSRF tokens, API tokens): the hostile suite's T26
# greps all the logs for them at the end (test_security_sessions.py).
DAEMONS = []
SECRETS_SEEN = set()


def pytest_configure(config):
    config.addinivalue_line("markers", "run_last: run after every other test")


def pytest_collection_modifyitems(session, config, items):
    """Tests marked run_last (those that read what the whole run left) go last."""
    items.sort(key=lambda item: item.get_closest_marker("run_last") is not None)


# ---------------------------------------------------------------- TAP output

_tap = []


def pytest_runtest_logreport(report):
    if report.when == "call" or (report.when == "setup" and report.outcome != "passed"):
        name = report.nodeid.replace("#", "_")
        if report.outcome == "passed":
            _tap.append("ok - %s" % name)
        elif report.outcome == "skipped":
            reason = ""
            if isinstance(report.longrepr, tuple):
                reason = report.longrepr[2]
            _tap.append("ok - %s # SKIP %s" % (name, reason.replace("\n", " ")))
        else:
            _tap.append("not ok - %s" % name)
    elif report.when == "teardown" and report.outcome == "failed":
        _tap.append("not ok - %s (teardown)" % report.nodeid)


def pytest_sessionfinish(session, exitstatus):
    path = os.environ.get("GIDHD_TAP_FILE")
    if not path:
        return
    with open(path, "w") as f:
        f.write("1..%d\n" % len(_tap))
        for i, line in enumerate(_tap, 1):
            ok, rest = line.split(" - ", 1)
            f.write("%s %d - %s\n" % (ok, i, rest))


# ---------------------------------------------------------------- the stack

def stack_open(private_dir):
    """The running stack (scripts/check's, GIDHD_STACK_DIR), or one of our
    own started in private_dir. Returns (stack, own): own is the stack the
    caller must bring down, None when it is scripts/check's."""
    d = os.environ.get("GIDHD_STACK_DIR")
    if d and os.path.exists(os.path.join(d, "stack.json")):
        return stackmod.Stack.load(d), None
    ldifs = [DEMO_LDIF]
    if os.path.exists(TEST_LDIF):
        ldifs.append(TEST_LDIF)
    st = stackmod.Stack(private_dir).up(ldifs)
    return st, st


@pytest.fixture(scope="session")
def stack():
    """The running stack (started by scripts/check), or one of our own."""
    st, own = stack_open(os.path.join(BUILDDIR, "tests", "stack"))
    try:
        migrate(st)
    except BaseException:
        # A failed migration must not leave our slapd and MariaDB running.
        if own is not None:
            own.down()
        raise
    yield st
    if own is not None:
        own.down()


def base_conf(st, port, extra=None):
    """A configuration for a daemon on port against stack st."""
    conf = {
        "server": {"listen": "127.0.0.1:%d" % port, "workers": "2",
                   "html_root": os.path.join(SRCDIR, "html"),
                   "shutdown_timeout": "10"},
        "database": {"host": "127.0.0.1", "port": str(st.db.port),
                     "name": stackmod.DB_NAME, "user": stackmod.DB_USER,
                     "password_file": os.path.join(st.dir, "db.secret"),
                     "connect_timeout": "2", "read_timeout": "10",
                     "write_timeout": "10"},
        "ldap": {"uri": st.slapd.uri, "bind_dn": stackmod.SERVICE_DN,
                 "bind_password_file": os.path.join(st.dir, "ldap.secret"),
                 "user_base": "ou=people," + stackmod.SUFFIX,
                 "referent_group": "cn=gid-referents,ou=groups," + stackmod.SUFFIX,
                 "agent_group": "cn=gid-agents,ou=groups," + stackmod.SUFFIX,
                 "admin_group": "cn=gid-admins,ou=groups," + stackmod.SUFFIX,
                 "network_timeout": "2", "timeout": "3"},
        # Every test client is 127.0.0.1: the per-address limit would let
        # one suite's deliberate failures throttle the next suite's logins.
        # Tests of that limit set their own.
        "login": {"max_failures_per_address": "100000"},
    }
    for section, keys in (extra or {}).items():
        conf.setdefault(section, {}).update(keys)
    return conf


def write_conf(path, conf):
    with open(path, "w") as f:
        for section, keys in conf.items():
            f.write("[%s]\n" % section)
            for k, v in keys.items():
                f.write("%s = %s\n" % (k, v))


def migrate(st):
    d = tempfile.mkdtemp(prefix="gidhd-migrate-")
    path = os.path.join(d, "migrate.conf")
    write_conf(path, base_conf(st, 1))
    r = subprocess.run([ADMIN, "-c", path, "migrate", "--sql-dir",
                        os.path.join(SRCDIR, "sql")], capture_output=True,
                       text=True)
    assert r.returncode == 0, r.stderr + r.stdout


# ---------------------------------------------------------------- the daemon

class Daemon:
    """One gid-helpdeskd process on a free port."""

    def __init__(self, st, extra=None):
        self.stack = st
        self.port = stackmod.free_port()
        self.dir = tempfile.mkdtemp(prefix="gidhd-daemon-")
        self.conf_path = os.path.join(self.dir, "gid-helpdesk.conf")
        self.log_path = os.path.join(self.dir, "daemon.log")
        self.conf = base_conf(st, self.port, extra)
        write_conf(self.conf_path, self.conf)
        self.proc = None
        self.url = "http://127.0.0.1:%d" % self.port
        DAEMONS.append(self)

    def start(self, wait=True):
        self.log = open(self.log_path, "ab")
        env = dict(os.environ)
        self.proc = subprocess.Popen([DAEMON, "-c", self.conf_path],
                                     stdout=self.log, stderr=self.log,
                                     stdin=subprocess.DEVNULL, env=env)
        if wait:
            stackmod.wait_port(self.port, timeout=20, proc=self.proc)
            deadline = time.time() + 10
            while time.time() < deadline:
                try:
                    if requests.get(self.url + "/healthz", timeout=2).status_code == 200:
                        break
                except requests.RequestException:
                    pass
                time.sleep(0.05)
        return self

    def stop(self, sig=signal.SIGTERM, timeout=30):
        """Stop and return the exit status."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        try:
            rc = self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            rc = self.proc.wait()
        self.proc = None
        self.log.close()
        return rc

    def kill(self):
        return self.stop(signal.SIGKILL)

    def log_text(self):
        with open(self.log_path, "rb") as f:
            return f.read().decode("utf-8", "replace")

    def log_events(self):
        """The JSON lines of the log, parsed."""
        out = []
        for line in self.log_text().splitlines():
            if line.startswith("{"):
                try:
                    out.append(json.loads(line))
                except ValueError:
                    pass
        return out

    def sanitizer_errors(self):
        return [l for l in self.log_text().splitlines() if SANITIZER_RE.search(l)]

    def get(self, path, **kw):
        kw.setdefault("timeout", 10)
        return requests.get(self.url + path, **kw)

    def request(self, method, path, **kw):
        kw.setdefault("timeout", 10)
        return requests.request(method, self.url + path, **kw)


@pytest.fixture(scope="session")
def make_daemon(stack):
    """Start daemons with extra settings; all are stopped and checked at the end."""
    started = []

    def make(extra=None, start=True):
        d = Daemon(stack, extra)
        started.append(d)
        return d.start() if start else d

    yield make
    problems = []
    for d in started:
        rc = d.stop()
        errs = d.sanitizer_errors()
        if errs:
            problems.append("%s: %s" % (d.log_path, errs[:3]))
        if rc not in (None, 0, -signal.SIGKILL):
            problems.append("%s: exit status %s" % (d.log_path, rc))
    assert not problems, problems


@pytest.fixture(scope="module")
def daemon(make_daemon):
    """A daemon with default test settings, shared by a module."""
    return make_daemon()


@pytest.fixture(scope="session")
def make_slapd(stack):
    """Start private slapds under the stack directory (the demo and test
    directory unless ldifs is given; other keywords go to stack.Slapd);
    all are stopped at the end. For tests that stop, break or change a
    directory without touching the shared one."""
    started = []

    def make(name, ldifs=None, **kw):
        s = stackmod.Slapd(os.path.join(stack.dir, "slapd-" + name),
                           ldifs=[DEMO_LDIF, TEST_LDIF] if ldifs is None else ldifs,
                           **kw)
        s.setup()
        s.start()
        started.append(s)
        return s

    yield make
    for s in started:
        s.stop()


@pytest.fixture(scope="session")
def cert_authority(stack):
    """A test CA made at run time; .issue(name) signs server certificates."""
    return stackmod.CertAuthority(os.path.join(stack.dir, "ca"))


class SlapdLog:
    """What a slapd did since this object was made (its -d stats log)."""

    def __init__(self, slapd):
        self.path = slapd.log_path()
        time.sleep(0.2)     # let earlier lines reach the file first
        self.offset = os.path.getsize(self.path)

    def text(self):
        time.sleep(0.2)     # slapd writes its log lines asynchronously
        with open(self.path, "rb") as f:
            f.seek(self.offset)
            return f.read().decode("utf-8", "replace")

    def count(self, pattern):
        return len(re.findall(pattern, self.text()))


def sql(st, statements):
    """Run SQL as root in the helpdesk database; rows as lists of strings."""
    out = st.db.sql(statements, database=stackmod.DB_NAME)
    return [line.split("\t") for line in out.splitlines() if line != ""]


def sql_tickets_changed_by_hand(st):
    """After tickets were written by SQL rather than through the daemon:
    rebuild the counts it keeps (sql/005-ticket-counts.sql is idempotent
    and says so), as an administrator would."""
    with open(os.path.join(SRCDIR, "sql", "005-ticket-counts.sql")) as f:
        sql(st, f.read())


# ---------------------------------------------------------------- clients

def login(daemon, user, password=DEMO_PASSWORD, expect=200):
    """Log in through POST /api/v1/session; returns a requests.Session that
    carries the cookie and sends X-CSRF-Token on every request."""
    s = requests.Session()
    r = s.post(daemon.url + "/api/v1/session", json={"login": user, "password": password},
               timeout=15)
    assert r.status_code == expect, (user, r.status_code, r.text)
    if expect == 200:
        s.headers["X-CSRF-Token"] = r.json()["csrf_token"]
        s.user = r.json()["user"]
        SECRETS_SEEN.add(r.json()["csrf_token"])
        SECRETS_SEEN.update(c.value for c in s.cookies if c.value)
    s.base = daemon.url
    return s


def api(s, method, path, **kw):
    """A call on a logged-in session: api(s, "GET", "/api/v1/me")."""
    kw.setdefault("timeout", 15)
    return s.request(method, s.base + path, **kw)
