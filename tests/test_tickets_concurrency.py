"""Ticket numbers under concurrency and retried POSTs (SECURITY.md 4.6,
6.2, 6.3; tests 60 and 61): parallel creations never collide and never
skip, and an Idempotency-Key makes a retry return the first ticket."""

import threading
import uuid
from concurrent.futures import ThreadPoolExecutor

from ticketlib import (REFERENT_A, REFERENT_A2, REFERENT_B, api, counts,
                       is_error, marker, new_ticket, sql, who)


def test_forty_parallel_creations_get_consecutive_numbers(daemon, stack):
    users = [REFERENT_A, REFERENT_A2, REFERENT_B]
    sessions = [who(daemon, users[i % 3]) for i in range(40)]
    m = marker()
    start = threading.Barrier(40)

    def create(i):
        start.wait()
        r = api(sessions[i], "POST", "/api/v1/tickets", json={
            "title": "Parallèle %d %s" % (i, m), "queue": "reglement",
            "priority": 1 + i % 5, "body": "création %d" % i})
        return r.status_code, r.json()

    with ThreadPoolExecutor(40) as pool:
        results = list(pool.map(create, range(40)))
    assert [s for s, _ in results] == [201] * 40, results
    numbers = [b["ticket"]["number"] for _, b in results]
    assert len(set(numbers)) == 40
    # Per day (the test may straddle midnight UTC), counters are consecutive.
    by_day = {}
    for n in numbers:
        by_day.setdefault(n[:8], []).append(int(n[10:-1]))
    for day, cs in by_day.items():
        assert sorted(cs) == list(range(min(cs), min(cs) + len(cs))), (day, sorted(cs))
    # Each ticket exists once, with its first article and its "created" row.
    rows = sql(stack, "SELECT t.tn, (SELECT COUNT(*) FROM articles a WHERE a.ticket_id = t.id),"
                      " (SELECT COUNT(*) FROM ticket_history h WHERE h.ticket_id = t.id"
                      " AND h.type = 'created') FROM tickets t WHERE t.title LIKE '%%%s';" % m)
    assert sorted(r[0] for r in rows) == sorted(numbers)
    assert all(r[1] == "1" and r[2] == "1" for r in rows)
    assert int(sql(stack, "SELECT COUNT(*) FROM tickets WHERE tn IS NULL;")[0][0]) == 0


def test_same_key_same_body_same_ticket(daemon, stack):
    a = who(daemon, REFERENT_A)
    key = str(uuid.uuid4())
    doc = {"title": "Idempotent " + marker(), "queue": "depense", "priority": 3,
           "body": "Une seule fois."}
    r1 = api(a, "POST", "/api/v1/tickets", json=doc, headers={"Idempotency-Key": key})
    assert r1.status_code == 201
    before = counts(stack)
    # The same key and body, even spelled differently (white space, quotes
    # of a structured-field string): the first ticket, nothing new.
    body = b'{ "title" : %s, "queue":"depense","priority":3, "body":"Une seule fois."}' % (
        '"%s"' % doc["title"]).encode()
    for hdr in (key, '"%s"' % key):
        r = a.post(a.base + "/api/v1/tickets", data=body,
                   headers={"Idempotency-Key": hdr, "Content-Type": "application/json"})
        assert r.status_code == 201, r.text
        assert r.headers["Idempotent-Replayed"] == "true"
        assert r.json()["ticket"]["number"] == r1.json()["ticket"]["number"]
        assert r.headers["Location"] == r1.headers["Location"]
    assert counts(stack).adds_nothing_to(before)
    # Another body with that key: 422, nothing written.
    r = api(a, "POST", "/api/v1/tickets", json=dict(doc, priority=4),
            headers={"Idempotency-Key": key})
    is_error(r, 422, "unprocessable")
    assert counts(stack).adds_nothing_to(before)
    # Keys belong to their user: B may use the same key for a ticket of B's.
    b = who(daemon, REFERENT_B)
    r = api(b, "POST", "/api/v1/tickets", json=doc, headers={"Idempotency-Key": key})
    assert r.status_code == 201 and "Idempotent-Replayed" not in r.headers
    assert r.json()["ticket"]["number"] != r1.json()["ticket"]["number"]
    # A malformed key is refused.
    for bad in ("", "a b", "é", "x" * 129):
        r = api(a, "POST", "/api/v1/tickets", json=doc,
                headers={"Idempotency-Key": bad.encode()})
        is_error(r, 400)


def test_expired_key_makes_a_new_ticket(daemon, stack):
    a = who(daemon, REFERENT_A)
    key = "expire-" + uuid.uuid4().hex
    doc = {"title": "Expiré " + marker(), "queue": "depense", "priority": 3, "body": "x"}
    first = api(a, "POST", "/api/v1/tickets", json=doc, headers={"Idempotency-Key": key})
    assert first.status_code == 201
    sql(stack, "UPDATE idempotency_keys SET created = created - INTERVAL 2 DAY"
               " WHERE idem_key = '%s';" % key)
    again = api(a, "POST", "/api/v1/tickets", json=doc, headers={"Idempotency-Key": key})
    assert again.status_code == 201 and "Idempotent-Replayed" not in again.headers
    assert again.json()["ticket"]["number"] != first.json()["ticket"]["number"]
    assert sql(stack, "SELECT COUNT(*) FROM idempotency_keys WHERE idem_key = '%s';" % key) == [["1"]]


def test_concurrent_same_key_one_ticket(daemon, stack):
    """Requests in flight with one key: one ticket; the others get 409 or,
    once it is done, the same ticket. A large attachment keeps the first
    transaction open long enough for others to meet its key."""
    a = who(daemon, REFERENT_A)
    saw_conflict = False
    for attempt in range(3):
        up = api(a, "POST", "/api/v1/uploads", params={"filename": "gros.bin"},
                 data=b"\0" * (6 << 20))
        assert up.status_code == 201
        key = "conc-" + uuid.uuid4().hex
        doc = {"title": "Concurrent " + marker(), "queue": "depense", "priority": 3,
               "body": "x", "attachments": [up.json()["upload"]["id"]]}
        sessions = [who(daemon, REFERENT_A) for _ in range(8)]
        start = threading.Barrier(8)

        def post(i):
            start.wait()
            r = api(sessions[i], "POST", "/api/v1/tickets", json=doc,
                    headers={"Idempotency-Key": key})
            return r.status_code, r.json()

        with ThreadPoolExecutor(8) as pool:
            results = list(pool.map(post, range(8)))
        statuses = sorted(s for s, _ in results)
        assert set(statuses) <= {201, 409}, results
        assert statuses.count(201) >= 1
        made = {b["ticket"]["number"] for s, b in results if s == 201}
        assert len(made) == 1
        for s, b in results:
            if s == 409:
                assert b["error"]["code"] == "conflict"
        n = sql(stack, "SELECT COUNT(*) FROM tickets WHERE title = '%s';" % doc["title"])
        assert n == [["1"]]
        if 409 in statuses:
            saw_conflict = True
            break
    assert saw_conflict, "no request ever met the key in flight"


def test_idempotent_article(daemon, stack):
    a = who(daemon, REFERENT_A)
    tn = new_ticket(a)["number"]
    key = str(uuid.uuid4())
    r1 = api(a, "POST", "/api/v1/tickets/%s/articles" % tn, json={"body": "Relance"},
             headers={"Idempotency-Key": key})
    assert r1.status_code == 201
    before = counts(stack)
    r2 = api(a, "POST", "/api/v1/tickets/%s/articles" % tn, json={"body": "Relance"},
             headers={"Idempotency-Key": key})
    assert r2.status_code == 201 and r2.headers["Idempotent-Replayed"] == "true"
    assert r2.json()["article"]["id"] == r1.json()["article"]["id"]
    assert counts(stack).adds_nothing_to(before)
    # The same key on another ticket is another request.
    other = new_ticket(a)["number"]
    before = counts(stack)
    is_error(api(a, "POST", "/api/v1/tickets/%s/articles" % other, json={"body": "Relance"},
                 headers={"Idempotency-Key": key}), 422)
    assert counts(stack).adds_nothing_to(before)
