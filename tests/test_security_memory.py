"""Hostile-input suite, memory safety and fuzzing (SECURITY.md §9, T71-T72),
with R-IN-1's CI grep: no SQL text is ever built at run time."""

import glob
import os
import re
import signal
import subprocess
import time

import pytest
import requests

import stack as stackmod
from conftest import BUILDDIR, DAEMON, SRCDIR, Daemon
from hostile import raw, request, status_of, statuses

QUERY_FUNCS = ("mysql_query", "mysql_real_query", "mysql_send_query",
               "mysql_query_start", "mysql_real_query_start", "mysql_send_query_start")


def sources():
    for path in sorted(glob.glob(os.path.join(SRCDIR, "src", "*.c"))):
        with open(path) as f:
            yield os.path.basename(path), f.read()


# The one exception: "gid-helpdesk report-user" (admin-report.c) manages a
# MariaDB account, and CREATE USER, GRANT and DROP USER take no bound
# parameters. It writes those three only, with names it checked to plain
# characters and the password escaped by mysql_real_escape_string
# (test_reports.py::test_reporting_account refuses hostile names).
ACCOUNT_FILE = "admin-report.c"
ACCOUNT_SQL = re.compile(r"(CREATE USER '%s'@'%s' IDENTIFIED BY '%s' |"
                         r"GRANT SELECT ON `%s`\.`%s` TO '%s'@'%s'\"|"
                         r"DROP USER '%s'@'%s'\")")


def test_t71_no_sql_built_from_strings():
    """R-IN-1: mysql_query and friends only with a string literal, and only
    in db.c (its transaction keywords); the migration runner (migrate.c)
    runs the SQL files of sql/. Prepared statements come from db-stmt.c's
    table of literals. No printf-family call writes SQL."""
    call = re.compile(r"\b(%s)\s*\(\s*[^,]+,\s*([^,)]+)" % "|".join(QUERY_FUNCS))
    sqlfmt = re.compile(r'\b(v?s?n?printf|xasprintf|evbuffer_add_printf)\s*\([^;]*"\s*'
                        r'(SELECT|INSERT|UPDATE|DELETE|REPLACE|CREATE|DROP|ALTER|SET)\s',
                        re.S)
    for name, text in sources():
        for m in call.finditer(text):
            line = text.count("\n", 0, m.start()) + 1
            if name in ("migrate.c", ACCOUNT_FILE):
                continue
            assert name == "db.c", "%s:%d: %s outside db.c" % (name, line, m.group(1))
            assert m.group(2).strip().startswith('"'), \
                "%s:%d: %s with a non-constant string" % (name, line, m.group(1))
        for m in sqlfmt.finditer(text):
            line = text.count("\n", 0, m.start()) + 1
            if name == ACCOUNT_FILE and ACCOUNT_SQL.match(text, m.start(2)):
                continue
            pytest.fail("%s:%d: SQL written with %s" % (name, line, m.group(1)))
        if name not in ("db.c", "migrate.c"):
            assert "mysql_stmt_prepare" not in text, name
    with open(os.path.join(SRCDIR, "src", "db.c")) as f:
        db = f.read()
    prep = re.findall(r"mysql_stmt_prepare\s*\(\s*\w+\s*,\s*(\w+)", db)
    assert prep == ["sql"] and "const char	*sql = db_stmt_sql(id);" in db
    with open(os.path.join(SRCDIR, "src", "db-stmt.c")) as f:
        table = f.read()
    assert "static const char *const db_stmt_text" in table
    assert not re.search(r"printf|strcat|strcpy|memcpy", table)


def asan_build():
    r = subprocess.run(["nm", "-D", DAEMON], capture_output=True, text=True)
    return "__asan_init" in r.stdout or "__asan_" in r.stdout


def test_t71_suite_runs_under_sanitizers():
    """scripts/check builds with --enable-sanitizers; make distcheck's own
    build does not (it checks packaging), and says so here."""
    if not asan_build():
        pytest.skip("this build has no sanitizers (make distcheck's); scripts/check's has")
    r = subprocess.run(["nm", "-D", DAEMON], capture_output=True, text=True)
    assert "__ubsan_handle" in r.stdout
    assert "detect_leaks=1" in os.environ.get("ASAN_OPTIONS", "")


def valgrind_scenario(d):
    """A short tour of what the daemon does today, for valgrind."""
    for path in ("/healthz", "/readyz", "/metrics", "/", "/index.html", "/nope",
                 "/api/v1/nothing", "/%ff", "/healthz?a=1&a=2", "/healthz?q=%00"):
        d.get(path, timeout=60)
    d.request("POST", "/healthz", timeout=60)
    d.request("OPTIONS", "/", timeout=60)
    d.request("GET", "/healthz", data=b"x" * (2 << 20), timeout=60)
    for data in (b"GET / HTTP/4294967295.255\r\n\r\n", b"GARBAGE\r\n\r\n",
                 request("GET", "/", headers=["X: " + "a" * 20000]),
                 request("POST", "/healthz", headers=["Content-Length: 99999999"]),
                 b"POST /healthz HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                 b"+5\r\nhello\r\n0\r\n\r\n",
                 b"".join(request("GET", "/healthz", close=False) for _ in range(10)) +
                 request("GET", "/nope")):
        raw(d, data, timeout=60)
    s = requests.Session()
    for _ in range(20):
        s.get(d.url + "/healthz", timeout=60)
    r = requests.post(d.url + "/api/v1/session", timeout=60, headers={"Origin": d.url},
                      json={"login": "a.benali", "password": "Demo2026!"})
    if r.status_code == 200:
        s.cookies.update(r.cookies)
        s.headers["X-CSRF-Token"] = r.json()["csrf_token"]
        for path in ("/api/v1/me", "/api/v1/queues", "/api/v1/tickets"):
            s.get(d.url + path, timeout=60)


def test_t71_valgrind_scenario(stack, tmp_path):
    """valgrind --tool=memcheck over a short scenario: no invalid read or
    write, no definite leak. Needs a build without ASan (valgrind cannot
    run ASan binaries): scripts/valgrind makes build/valgrind and runs
    this test there; scripts/check reports it on its own line."""
    if asan_build():
        pytest.skip("an ASan build; scripts/valgrind runs this on build/valgrind "
                    "(scripts/check: the 'valgrind' line)")
    if not os.path.exists("/usr/bin/valgrind"):
        pytest.skip("valgrind is not installed (scripts/deps installs it)")
    d = Daemon(stack, {"server": {"workers": "2", "shutdown_timeout": "30"}})
    vlog = str(tmp_path / "valgrind.log")
    supp = os.path.join(SRCDIR, "tests", "valgrind.supp")
    cmd = ["valgrind", "--tool=memcheck", "--error-exitcode=99", "--leak-check=full",
           "--errors-for-leak-kinds=definite", "--show-leak-kinds=definite",
           "--track-origins=yes", "--log-file=" + vlog, "--suppressions=" + supp,
           DAEMON, "-c", d.conf_path]
    log = open(d.log_path, "ab")
    d.proc = subprocess.Popen(cmd, stdout=log, stderr=log, stdin=subprocess.DEVNULL)
    d.log = log
    try:
        stackmod.wait_port(d.port, timeout=120, proc=d.proc)
        valgrind_scenario(d)
    finally:
        d.proc.send_signal(signal.SIGTERM)
        rc = d.proc.wait(timeout=120)
        log.close()
        d.proc = None
    with open(vlog) as f:
        report = f.read()
    assert not re.search(r"Invalid (read|write|free)|uninitialised|Mismatched free|"
                         r"definitely lost: [1-9]", report), report[-4000:]
    assert rc == 0, "exit status %d; %s" % (rc, report[-3000:])
    assert "ERROR SUMMARY: 0 errors" in report, report[-2000:]


def test_t72_fuzz_targets_with_corpora():
    """Every parser of untrusted bytes has a libFuzzer target with a
    committed seed corpus; scripts/check runs each; when build/fuzz exists
    every seed is replayed as a regression test."""
    targets = sorted(os.path.basename(p)[:-len("-fuzz.c")]
                     for p in glob.glob(os.path.join(SRCDIR, "fuzz", "*-fuzz.c")))
    assert {"conf", "cookie", "http", "json", "netaddr", "query", "static-path"} <= set(targets)
    with open(os.path.join(SRCDIR, "Makefile.am")) as f:
        makefile = f.read()
    with open(os.path.join(SRCDIR, "scripts", "check")) as f:
        check = f.read()
    assert "scripts/fuzz\" all" in check
    for t in targets:
        corpus = os.path.join(SRCDIR, "fuzz", "corpus", t)
        assert os.path.isdir(corpus) and os.listdir(corpus), t
        assert "fuzz/%s-fuzz \\" % t in makefile or "fuzz/%s-fuzz\n" % t in makefile, t
    ran = 0
    for t in targets:
        prog = os.path.join(SRCDIR, "build", "fuzz", "fuzz", t + "-fuzz")
        if not os.path.exists(prog):
            continue
        r = subprocess.run([prog, "-runs=0", os.path.join(SRCDIR, "fuzz", "corpus", t)],
                           capture_output=True, text=True, timeout=300)
        assert r.returncode == 0, (t, r.stderr[-2000:])
        ran += 1
    print("T72: %d targets, seeds replayed for %d" % (len(targets), ran))
