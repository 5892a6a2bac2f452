"""Acknowledged means stored (SECURITY.md 6.2, tests 58 and 62): the
daemon's MariaDB connections are killed again and again while clients
create tickets and retry with their Idempotency-Key. Every key ends with
exactly one ticket, every 201 is in the database, and no failed attempt
leaves a partial ticket behind."""

import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest

from ticketlib import REFERENT_A, api, marker, sql, who


def max_connection_id(stack):
    return int(sql(stack, "SELECT COALESCE(MAX(id), 0) FROM information_schema.processlist;")[0][0])


@pytest.fixture(scope="module")
def fault_daemon(make_daemon, stack):
    # Only this daemon's connections are killed: those opened after it started.
    floor = max_connection_id(stack)
    d = make_daemon({"server": {"workers": "2"}})
    return d, floor


def test_killed_connections_leave_no_partial_ticket(fault_daemon, stack):
    d, floor = fault_daemon
    sessions = [who(d, REFERENT_A) for _ in range(4)]
    m = marker()
    stop = threading.Event()
    kills = {"n": 0}

    def killer():
        while not stop.is_set():
            rows = sql(stack, "SELECT id FROM information_schema.processlist WHERE"
                              " user = 'gid_helpdesk' AND id > %d;" % floor)
            for (cid,) in rows:
                try:
                    sql(stack, "KILL CONNECTION %s;" % cid)
                    kills["n"] += 1
                except RuntimeError:
                    pass    # it went away by itself
            time.sleep(0.03)

    enough = threading.Event()

    def client(i):
        done = []
        j = 0
        while not enough.is_set():
            j += 1
            key = str(uuid.uuid4())
            doc = {"title": "Panne %s %d-%d" % (m, i, j), "queue": "connexion",
                   "priority": 3, "body": "Essai %d-%d" % (i, j)}
            for attempt in range(60):
                try:
                    r = api(sessions[i], "POST", "/api/v1/tickets", json=doc,
                            headers={"Idempotency-Key": key})
                except Exception:   # noqa: BLE001 - a reset connection is a failure like a 503
                    time.sleep(0.05)
                    continue
                if r.status_code == 201:
                    done.append((doc["title"], r.json()["ticket"]["number"]))
                    break
                assert r.status_code in (409, 503), (r.status_code, r.text)
                assert r.json()["error"]["code"] in ("conflict", "unavailable")
                time.sleep(0.05)
            else:
                raise AssertionError("key %s never got its ticket" % key)
        return done

    k = threading.Thread(target=killer)
    k.start()
    try:
        with ThreadPoolExecutor(4) as pool:
            futures = [pool.submit(client, i) for i in range(4)]
            # Keep creating until the connections were killed many times.
            deadline = time.time() + 60
            while kills["n"] < 30 and time.time() < deadline:
                time.sleep(0.1)
            stop.set()
            enough.set()
            results = [x for f in futures for x in f.result()]
    finally:
        stop.set()
        enough.set()
        k.join()
    assert kills["n"] >= 30
    assert len(results) >= 8
    # Every acknowledged ticket exists once, with its number, its first
    # article and its "created" row; nothing else was made.
    rows = sql(stack, "SELECT t.title, t.tn,"
                      " (SELECT COUNT(*) FROM articles a WHERE a.ticket_id = t.id),"
                      " (SELECT COUNT(*) FROM ticket_history h WHERE h.ticket_id = t.id)"
                      " FROM tickets t WHERE t.title LIKE 'Panne %s %%';" % m)
    assert sorted((r[0], r[1]) for r in rows) == sorted(results)
    assert all(r[2] == "1" and r[3] == "1" for r in rows), rows
    assert sql(stack, "SELECT COUNT(*) FROM tickets WHERE tn IS NULL;") == [["0"]]
    assert sql(stack, "SELECT COUNT(*) FROM tickets t WHERE NOT EXISTS"
                      " (SELECT 1 FROM articles a WHERE a.ticket_id = t.id);") == [["0"]]
    # The daemon serves normally afterwards.
    r = api(sessions[0], "GET", "/api/v1/tickets", params={"q": m, "per_page": "100"})
    assert r.status_code == 200 and r.json()["total"] == len(results)
