"""Hostile-input suite, data integrity, database and reliability (SECURITY.md
§9, T58-T66), with issue 8's "no acknowledged ticket lost" fault test
(T58). The shared MariaDB is stopped, killed and restarted here: every
test puts it back (and records its new PID for scripts/check's stop)."""

import hashlib
import os
import re
import signal
import subprocess
import threading
import time
import uuid

import pytest
import requests

import stack as stackmod
from conftest import BUILDDIR, api, sql
from hostile import (connect, first_queue, login_or_skip, make_ca, make_cert, needs,
                     request, skip_ha, status_of, wait_for)


def restart_db(stack, sig=signal.SIGTERM):
    """Stop (or kill) the shared MariaDB and start it again on its port."""
    stack.db.stop(sig)
    stack.db.start()
    stack.save()


def wait_ready(d, timeout=60):
    assert wait_for(lambda: d.get("/readyz").status_code == 200, timeout=timeout), \
        d.get("/readyz").text


# ---------------------------------------------------------------- T58 / issue §2

def test_t58_no_acknowledged_ticket_lost(make_daemon, stack):
    """A client creates tickets with an attachment, retrying each with the
    same Idempotency-Key, while the daemon is kill -9'd and restarted
    twice and MariaDB once. Bounded: 3,000 requests or 60 s. Afterwards
    every 201 exists with its first article and attachment, no ticket
    lacks its first article, no key made two tickets, and every 503 said
    Retry-After."""
    d = make_daemon({"server": {"workers": "2"}})
    s = login_or_skip(d, "j.elfassi")
    needs(d, "POST", "/api/v1/tickets")
    needs(d, "POST", "/api/v1/uploads")
    queue = first_queue(s)
    run = uuid.uuid4().hex[:8]
    acked = {}                      # key -> (number, body, sha256)
    counts = {"requests": 0, "201": 0, "503": 0, "503_no_retry_after": 0,
              "conn_errors": 0, "other": []}
    stop = threading.Event()
    t_start = time.time()

    done_faults = []
    last_request = [0.0]

    def call(method, path, **kw):
        counts["requests"] += 1
        last_request[0] = time.time()
        try:
            r = api(s, method, path, timeout=20, **kw)
        except requests.RequestException:
            counts["conn_errors"] += 1
            time.sleep(0.1)
            return None
        if r.status_code == 503:
            counts["503"] += 1
            if not r.headers.get("Retry-After"):
                counts["503_no_retry_after"] += 1
            time.sleep(0.1)
        elif r.status_code >= 500 or r.status_code in (400, 401, 403, 404, 422):
            counts["other"].append((path, r.status_code, r.text[:200]))
        return r

    deadline = t_start + 90     # retries of the last ticket end here

    def client(k):
        i = 0
        while counts["requests"] < 3000 and time.time() - t_start < 60:
            key = "%s-%d-%d" % (run, k, i)
            content = ("attachment %s " % key).encode() * 10
            body = "first article of %s" % key
            upload = None
            while upload is None and time.time() < deadline:
                r = call("POST", "/api/v1/uploads?filename=%s.txt" % key, data=content,
                         headers={"Content-Type": "text/plain"})
                if r is not None and r.status_code == 201:
                    upload = r.json()["upload"]["id"]
                elif r is not None and r.status_code != 503:
                    break           # recorded by call(): not retried
            if upload is None:
                return
            fields = {"title": "T58 %s" % key, "queue": queue, "priority": 3,
                      "body": body, "attachments": [upload]}
            while time.time() < deadline:
                r = call("POST", "/api/v1/tickets", json=fields,
                         headers={"Idempotency-Key": key})
                if r is None or r.status_code == 503:
                    continue        # the same key again
                if r.status_code in (200, 201):
                    acked[key] = (r.json()["ticket"]["number"], body,
                                  hashlib.sha256(content).hexdigest())
                    counts["201"] += 1
                    break
                if r.status_code == 409:
                    time.sleep(0.2)     # the first attempt is still in flight
                    continue
                return              # anything else is recorded by call()
            i += 1

    def faults():
        # At fixed points of the load, so that all three fall inside it.
        for at, what in ((300, "daemon"), (1100, "mariadb"), (1900, "daemon")):
            while counts["requests"] < at and time.time() - t_start < 55:
                if stop.wait(0.05):
                    return
            if what == "daemon":
                d.proc.send_signal(signal.SIGKILL)
                d.proc.wait()
                d.log.close()
                d.proc = None
                time.sleep(0.5)
                d.start()
            else:
                stack.db.stop(signal.SIGKILL)
                time.sleep(1)
                stack.db.start()
                stack.save()
            done_faults.append((what, time.time()))

    threads = [threading.Thread(target=client, args=(k,)) for k in range(2)]
    ft = threading.Thread(target=faults)
    for t in threads + [ft]:
        t.start()
    ft.join(120)
    for t in threads:
        t.join(120)
    stop.set()
    assert not ft.is_alive() and not any(t.is_alive() for t in threads)
    wait_ready(d)
    summary = ("T58: %(requests)d requests, %(201)d acknowledged, %(503)d answered 503, "
               "%(conn_errors)d connection errors" % counts)
    art = os.path.join(BUILDDIR, "tests", "artifacts")
    os.makedirs(art, exist_ok=True)
    with open(os.path.join(art, "t58-no-ticket-lost.txt"), "w") as f:
        f.write(summary + "\nfaults: %s\n" % ", ".join(
            "%s at %.1f s" % (w, t - t_start) for w, t in done_faults))
    # The three faults happened while the clients were still creating.
    assert [w for w, _ in done_faults] == ["daemon", "mariadb", "daemon"], done_faults
    assert last_request[0] > done_faults[-1][1], "the load ended before the last fault"
    assert counts["conn_errors"] > 0 and counts["503"] > 0, summary
    assert counts["201"] > 20, counts
    assert counts["503_no_retry_after"] == 0, counts
    # No 500, and no retry refused (a 4xx to the same key and body).
    assert counts["other"] == [], counts["other"][:5]
    # Every acknowledged ticket is there, whole.
    for key, (number, body, digest) in acked.items():
        r = api(s, "GET", "/api/v1/tickets/" + number)
        assert r.status_code == 200, (key, number, r.status_code)
        t = r.json()["ticket"]
        assert t["title"] == "T58 " + key
        assert t["articles"][0]["body"] == body
        assert [a["sha256"] for a in t["articles"][0]["attachments"]] == [digest]
    # No key made two tickets; no ticket without its first article.
    dup = sql(stack, "SELECT title, COUNT(*) FROM tickets WHERE title LIKE 'T58 %s-%%' "
              "GROUP BY title HAVING COUNT(*) > 1" % run)
    assert dup == [], dup[:5]
    orphans = sql(stack, "SELECT COUNT(*) FROM tickets t WHERE NOT EXISTS "
                  "(SELECT 1 FROM articles a WHERE a.ticket_id = t.id)")
    assert orphans == [["0"]]
    orphan_att = sql(stack, "SELECT COUNT(*) FROM attachments x WHERE NOT EXISTS "
                     "(SELECT 1 FROM articles a WHERE a.id = x.article_id)")
    assert orphan_att == [["0"]]


def test_t59_app_killed_behind_haproxy():
    skip_ha("T59 kill -9 of an app server under load through HAProxy")


# ---------------------------------------------------------------- T60-T62

def test_t60_idempotency_semantics(daemon, stack):
    s = login_or_skip(daemon, "y.elidrissi")
    needs(daemon, "POST", "/api/v1/tickets")
    key = "t60-" + uuid.uuid4().hex
    body = {"title": "T60 " + key, "queue": first_queue(s), "priority": 2, "body": "x"}
    r1 = api(s, "POST", "/api/v1/tickets", json=body, headers={"Idempotency-Key": key})
    assert r1.status_code == 201, r1.text
    r2 = api(s, "POST", "/api/v1/tickets", json=body, headers={"Idempotency-Key": key})
    assert r2.status_code in (200, 201)
    assert r2.json()["ticket"]["number"] == r1.json()["ticket"]["number"]
    other = dict(body, body="another body")
    r3 = api(s, "POST", "/api/v1/tickets", json=other, headers={"Idempotency-Key": key})
    assert r3.status_code == 422, r3.text
    assert sql(stack, "SELECT COUNT(*) FROM tickets WHERE title='T60 %s'" % key) == [["1"]]
    # Keys are per user: another user's same key is another ticket.
    s2 = login_or_skip(daemon, "a.benali")
    r4 = api(s2, "POST", "/api/v1/tickets", json=body, headers={"Idempotency-Key": key})
    assert r4.status_code == 201
    assert r4.json()["ticket"]["number"] != r1.json()["ticket"]["number"]
    # Two at once with a fresh key: one ticket, the other 409 or the replay.
    key2 = "t60b-" + uuid.uuid4().hex
    body2 = dict(body, title="T60 " + key2)
    results = []

    def post():
        results.append(api(s, "POST", "/api/v1/tickets", json=body2,
                           headers={"Idempotency-Key": key2}))
    ts = [threading.Thread(target=post) for _ in range(2)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    assert sorted(r.status_code for r in results) in ([200, 201], [201, 201], [201, 409]), \
        [r.status_code for r in results]
    assert sql(stack, "SELECT COUNT(*) FROM tickets WHERE title='T60 %s'" % key2) == [["1"]]


def test_t61_concurrent_numbering(daemon, stack):
    s = login_or_skip(daemon, "h.bennani")
    needs(daemon, "POST", "/api/v1/tickets")
    queue = first_queue(s)
    run = uuid.uuid4().hex[:8]
    numbers, errors = [], []
    lock = threading.Lock()

    def create(k):
        for i in range(25):
            r = api(s, "POST", "/api/v1/tickets", json={
                "title": "T61 %s %d-%d" % (run, k, i), "queue": queue, "priority": 3,
                "body": "x"})
            with lock:
                if r.status_code == 201:
                    numbers.append(r.json()["ticket"]["number"])
                else:
                    errors.append(r.status_code)
    ts = [threading.Thread(target=create, args=(k,)) for k in range(8)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    assert not errors, errors[:5]
    assert len(numbers) == 200 and len(set(numbers)) == 200
    assert sql(stack, "SELECT COUNT(*), COUNT(DISTINCT tn) FROM tickets WHERE title LIKE "
               "'T61 %s %%'" % run) == [["200", "200"]]


def test_t62_connection_killed_mid_transaction(make_daemon, stack):
    """The daemon's connection is KILLed while its creating transaction
    waits at a known point: instead of a test-only delay hook in the
    daemon, an admin session holds the row of the kept counts that a
    creation updates near its end (after the ticket, its first article and
    history are written), so the request waits there; the connection
    waiting on it is killed. The request gets 503 with Retry-After, the
    database holds nothing of it, and the retry with the same
    Idempotency-Key makes exactly one ticket."""
    d = make_daemon({"server": {"workers": "1"}})
    s = login_or_skip(d, "j.elfassi")
    needs(d, "POST", "/api/v1/tickets")
    queue = first_queue(s)
    run = uuid.uuid4().hex[:8]
    # The counts row of (queue, priority 4, open) exists once one such ticket does.
    r = api(s, "POST", "/api/v1/tickets", json={"title": "T62 first %s" % run, "queue": queue,
                                                "priority": 4, "body": "first"})
    assert r.status_code == 201, r.text
    qid = sql(stack, "SELECT id FROM queues WHERE code = '%s'" % queue)[0][0]
    holder = subprocess.Popen(
        ["mariadb", "--no-defaults", "-S", stack.db.socket, "-uroot", "-N", "-B",
         stackmod.DB_NAME], stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE, text=True)
    title = "T62 killed %s" % run
    key = "t62-%s" % run
    body = {"title": title, "queue": queue, "priority": 4, "body": "killed mid-transaction"}
    answer = {}
    try:
        holder.stdin.write("BEGIN;\nSELECT n FROM ticket_counts WHERE queue_id = %s AND "
                           "priority_id = 4 AND closed = 0 FOR UPDATE;\n" % qid)
        holder.stdin.flush()
        assert wait_for(lambda: sql(stack, "SELECT COUNT(*) FROM information_schema.INNODB_TRX"
                                    " WHERE trx_rows_locked > 0") != [["0"]]), \
            "the admin session did not take the row"

        def create():
            answer["r"] = api(s, "POST", "/api/v1/tickets", json=body,
                              headers={"Idempotency-Key": key}, timeout=30)

        t = threading.Thread(target=create)
        t.start()
        waiting = wait_for(lambda: sql(
            stack, "SELECT ID FROM information_schema.PROCESSLIST WHERE USER = '%s'"
            " AND INFO LIKE 'INSERT INTO ticket_counts%%'" % stackmod.DB_USER))
        assert waiting, "the creation never reached the kept counts"
        # Mid-transaction: the ticket row is written but not committed.
        assert sql(stack, "SET SESSION TRANSACTION ISOLATION LEVEL READ UNCOMMITTED; "
                   "SELECT COUNT(*) FROM tickets WHERE title = '%s'" % title) == [["1"]]
        sql(stack, "KILL CONNECTION %s" % waiting[0][0])
        t.join(30)
        assert not t.is_alive()
    finally:
        holder.stdin.write("ROLLBACK;\n")
        holder.stdin.close()
        holder.wait(timeout=30)
    r = answer["r"]
    assert r.status_code == 503, (r.status_code, r.text)
    assert r.json()["error"]["code"] == "unavailable"
    assert r.headers.get("Retry-After")
    # Nothing of the request was kept: no ticket, no article, no history.
    assert sql(stack, "SELECT COUNT(*) FROM tickets WHERE title = '%s'" % title) == [["0"]]
    assert sql(stack, "SELECT COUNT(*) FROM articles WHERE body = 'killed mid-transaction'") \
        == [["0"]]
    # The same key again: one ticket, whole (no auto-reconnect replayed anything).
    r2 = api(s, "POST", "/api/v1/tickets", json=body, headers={"Idempotency-Key": key})
    assert r2.status_code == 201, r2.text
    r3 = api(s, "POST", "/api/v1/tickets", json=body, headers={"Idempotency-Key": key})
    assert r3.status_code in (200, 201) and \
        r3.json()["ticket"]["number"] == r2.json()["ticket"]["number"]
    assert sql(stack, "SELECT COUNT(*) FROM tickets WHERE title = '%s'" % title) == [["1"]]
    t2 = api(s, "GET", "/api/v1/tickets/" + r2.json()["ticket"]["number"]).json()["ticket"]
    assert t2["articles"][0]["body"] == "killed mid-transaction"


# ---------------------------------------------------------------- T63-T66

def test_t63_database_unreachable_at_start(make_daemon, stack):
    stack.db.stop()
    try:
        d = make_daemon({"database": {"connect_timeout": "2"}})
        t0 = time.time()
        r = d.get("/readyz")
        assert r.status_code == 503 and r.json()["database"] == "unavailable"
        assert time.time() - t0 < 2 + 1
        assert r.headers.get("Retry-After")
        # What needs no database is served; what does is 503, not 500.
        assert d.get("/healthz").status_code == 200
        assert d.get("/metrics").status_code == 200
    finally:
        stack.db.start()
        stack.save()
    wait_ready(d)
    assert "gidhd_sessions_open" in d.get("/metrics").text
    assert d.stop() == 0


def test_t64_database_certificate_checked(make_daemon, stack, tmp_path):
    """A MariaDB with TLS, its certificate from ca1 for 127.0.0.1: trusted
    with ca1, refused with ca2 (no connection, 503)."""
    ca1, ca2 = make_ca(str(tmp_path), "dbca1"), make_ca(str(tmp_path), "dbca2")
    crt, key = make_cert(str(tmp_path), "db", ca1, san="IP:127.0.0.1")
    db = stackmod.Mariadb(str(tmp_path / "tlsdb"), extra_args=[
        "--ssl-ca=" + ca1[0], "--ssl-cert=" + crt, "--ssl-key=" + key])
    db.setup()
    db.start()
    try:
        db.create_database()
        ok = make_daemon({"database": {"port": str(db.port), "ssl_ca": ca1[0]}})
        assert ok.get("/readyz").json()["database"] == "ok"
        bad = make_daemon({"database": {"port": str(db.port), "ssl_ca": ca2[0]}})
        r = bad.get("/readyz")
        assert r.status_code == 503 and r.json()["database"] == "unavailable"
        assert re.search(r"database: cannot connect.*(SSL|TLS|certificate)", bad.log_text(),
                         re.I)
        ok.stop()
        bad.stop()
    finally:
        db.stop()


def init_commands(stack):
    rows = sql(stack, "SELECT thread_id, command_type, argument FROM mysql.general_log "
               "WHERE user_host LIKE '%%[%s]%%'" % stackmod.DB_USER)
    connects = {r[0] for r in rows if r[1] == "Connect"}
    inits = {r[0] for r in rows if r[1] == "Query" and r[2].startswith("SET SESSION sql_mode=")
             and "STRICT_TRANS_TABLES" in r[2] and "time_zone='+00:00'" in r[2]}
    return connects, inits


def test_t65_every_connection_strict_utf8mb4_utc(make_daemon, stack):
    stack.db.sql("SET GLOBAL log_output='TABLE'; TRUNCATE mysql.general_log; "
                 "SET GLOBAL general_log=1;")
    try:
        d = make_daemon({"server": {"workers": "2"}})
        for _ in range(10):
            d.get("/readyz")
        # Kill the daemon's connections: the new ones set the mode again.
        ids = stack.db.sql("SELECT id FROM information_schema.processlist WHERE user='%s'"
                           % stackmod.DB_USER).split()
        assert ids
        for i in ids:
            stack.db.sql("KILL CONNECTION %s" % i)
        time.sleep(0.6)
        for _ in range(20):
            d.get("/metrics")
        connects, inits = init_commands(stack)
        # New connections after the kill (the others' daemons are idle and
        # reconnect lazily), and not one without the init command.
        assert connects - set(ids), (connects, ids)
        assert connects <= inits, "connections without the init command: %s" % (
            connects - inits)
        d.stop()
    finally:
        stack.db.sql("SET GLOBAL general_log=0; TRUNCATE mysql.general_log;")


def test_t65_four_byte_round_trip(daemon, stack):
    needs(daemon, "POST", "/api/v1/session")
    agent = "probe \U0001F600 \U00020000 caf\u00e9"
    r = requests.post(daemon.url + "/api/v1/session", timeout=15,
                      json={"login": "a.benali", "password": "Demo2026!"},
                      headers={"Origin": daemon.url, "User-Agent": agent.encode("utf-8")})
    assert r.status_code == 200
    from conftest import SECRETS_SEEN
    token = r.cookies.get("gidhd_session")
    SECRETS_SEEN.add(token)
    rows = sql(stack, "SELECT HEX(user_agent) FROM sessions WHERE token_hash = "
               "UNHEX(SHA2('%s', 256))" % token)
    assert rows == [[agent.encode("utf-8").hex().upper()]]


def test_t66_statements_prepared_again_after_kill_9(make_daemon, stack):
    d = make_daemon({"server": {"workers": "2"}})
    for _ in range(10):
        assert "gidhd_sessions_open" in d.get("/metrics").text
    # A crash, crash recovery, and no request in between: each worker's
    # next statement meets a dead connection and a stale handle.
    restart_db(stack, signal.SIGKILL)
    assert wait_for(lambda: stack.db.sql("SELECT 1").strip() == "1", timeout=30)
    time.sleep(0.6)
    for i in range(20):
        r = requests.get(d.url + "/metrics", headers={"Connection": "close"}, timeout=15)
        assert r.status_code == 200
        assert "gidhd_sessions_open" in r.text, "request %d got no answer from the database" % i
    prepared = int(stack.db.sql("SHOW GLOBAL STATUS LIKE 'Com_stmt_prepare'").split()[1])
    assert prepared >= 2, prepared
    assert "database: " in d.log_text()     # the lost connection was noticed and logged
    assert d.stop() == 0
