"""MariaDB gone and back: 503 while it is down, service again without a
restart of the daemon once it returns (statements prepared again)."""

import time


def wait_status(d, path, status, timeout=30):
    deadline = time.time() + timeout
    last = None
    while time.time() < deadline:
        last = d.get(path)
        if last.status_code == status:
            return last
        time.sleep(0.2)
    raise AssertionError("%s stayed %s: %s" % (path, last.status_code, last.text))


def test_readyz_follows_mariadb(make_daemon, stack):
    d = make_daemon()
    assert d.get("/readyz").status_code == 200
    # Prepared statements exist on every worker connection before the outage.
    for _ in range(8):
        d.get("/metrics")
    stack.db.stop()
    try:
        r = wait_status(d, "/readyz", 503)
        assert r.json()["error"]["code"] == "unavailable"
        assert r.json()["database"] == "unavailable"
        assert r.headers.get("Retry-After")
        # The process still serves what needs no database.
        assert d.get("/healthz").status_code == 200
    finally:
        stack.db.start()
        stack.save()
    wait_status(d, "/readyz", 200)
    # Every worker recovers, re-preparing its statements: within a second
    # (a worker waits half a second after a failed connect) every answer
    # comes from the database again.
    deadline = time.time() + 10
    good = 0
    while time.time() < deadline and good < 16:
        r = d.get("/metrics")
        good = good + 1 if "gidhd_sessions_open" in r.text else 0
        time.sleep(0.05)
    assert good == 16
    assert d.stop() == 0


def test_mariadb_hung_is_a_bounded_503(make_daemon, stack):
    """A MariaDB that stops answering (SIGSTOP: connections still open,
    nothing comes back) costs a request at most the read timeout, is
    answered 503 with Retry-After (not 500, not a hang), and the workers
    serve again when it resumes."""
    from hostile import resume, suspend
    d = make_daemon({"database": {"read_timeout": "2", "write_timeout": "2",
                                  "connect_timeout": "2"}})
    for _ in range(8):
        assert d.get("/readyz").status_code == 200
    suspend(stack.db.pid, port=stack.db.port)
    try:
        for _ in range(3):
            t0 = time.time()
            r = d.get("/readyz", timeout=30)
            elapsed = time.time() - t0
            assert r.status_code == 503, r.text
            assert r.json()["database"] == "unavailable"
            assert r.headers.get("Retry-After")
            # Connector/C retries a timed-out read once: two read timeouts.
            assert elapsed < 2 * 2 + 1.5, elapsed
        assert d.get("/healthz").status_code == 200
    finally:
        resume(stack.db.pid)
    wait_status(d, "/readyz", 200)
    assert d.stop() == 0
