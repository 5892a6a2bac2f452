"""Who sees and changes which ticket (SECURITY.md 1.3, tests 27 to 32):
référent A, a colleague of A's office, référent B of another office,
an agent and an admin, with [tickets] organisation_visibility off and on.
Another's ticket answers 404 with the same bytes as a missing one, and
internal notes never reach a référent in any response."""

import pytest

from ticketlib import (ADMIN, AGENT, REFERENT_A, REFERENT_A2, REFERENT_B,
                       api, counts, is_error, marker, new_ticket, sql, who)

MISSING = "2000010110000011"   # well formed, never made (year 2000)
ENDPOINTS = ("zoom", "history", "article", "patch", "attachment")


def upload(s, name="preuve.txt", data=b"une preuve"):
    r = api(s, "POST", "/api/v1/uploads", params={"filename": name}, data=data)
    assert r.status_code == 201, r.text
    return r.json()["upload"]["id"]


def world(d):
    """Sessions and tickets: A's (with an attachment and an agent's internal
    note carrying a file), A2's (same office), B's (another office)."""
    s = {u: who(d, u) for u in (REFERENT_A, REFERENT_A2, REFERENT_B, AGENT, ADMIN)}
    m = marker()
    t = {}
    for u in (REFERENT_A, REFERENT_A2, REFERENT_B):
        t[u] = new_ticket(s[u], title="Matrice %s %s" % (u, m), body="texte " + m,
                          attachments=[upload(s[u])])
    r = api(s[AGENT], "POST", "/api/v1/tickets/%s/articles" % t[REFERENT_A]["number"],
            json={"body": "secret interne " + m, "internal": True,
                  "attachments": [upload(s[AGENT], "interne.txt", b"interne")]})
    assert r.status_code == 201, r.text
    note = r.json()["article"]
    return s, t, note, m


def call(s, endpoint, tn, att_id):
    if endpoint == "zoom":
        return api(s, "GET", "/api/v1/tickets/" + tn)
    if endpoint == "history":
        return api(s, "GET", "/api/v1/tickets/%s/history" % tn)
    if endpoint == "article":
        return api(s, "POST", "/api/v1/tickets/%s/articles" % tn, json={"body": "suivi"})
    if endpoint == "patch":
        return api(s, "PATCH", "/api/v1/tickets/" + tn, json={"state": "closed successful"})
    return api(s, "GET", "/api/v1/attachments/%d" % att_id)


def check_matrix(d, visible):
    """visible[actor] = the owners of the tickets actor may reach."""
    s, t, note, m = world(d)
    missing_body = {e: call(s[AGENT], e, MISSING, 999999999).content for e in ENDPOINTS}
    for e in ENDPOINTS:
        assert b"not_found" in missing_body[e], (e, missing_body[e])
    for actor, allowed in visible.items():
        for owner, ticket in t.items():
            att = ticket["articles"][0]["attachments"][0]["id"]
            for e in ENDPOINTS:
                r = call(s[actor], e, ticket["number"], att)
                if owner in allowed:
                    assert 200 <= r.status_code < 300, (actor, owner, e, r.text)
                else:
                    assert r.status_code == 404, (actor, owner, e, r.text)
                    # The same bytes as a ticket that does not exist.
                    assert r.content == missing_body[e], (actor, owner, e)
    return s, t, note, m


def test_matrix_without_office_visibility(daemon):
    check_matrix(daemon, {
        REFERENT_A: {REFERENT_A},
        REFERENT_A2: {REFERENT_A2},
        REFERENT_B: {REFERENT_B},
        AGENT: {REFERENT_A, REFERENT_A2, REFERENT_B},
        ADMIN: {REFERENT_A, REFERENT_A2, REFERENT_B},
    })


@pytest.fixture(scope="module")
def office_daemon(make_daemon):
    return make_daemon({"tickets": {"organisation_visibility": "yes"}})


def test_matrix_with_office_visibility(office_daemon):
    s, t, note, m = check_matrix(office_daemon, {
        REFERENT_A: {REFERENT_A, REFERENT_A2},
        REFERENT_A2: {REFERENT_A, REFERENT_A2},
        REFERENT_B: {REFERENT_B},
        AGENT: {REFERENT_A, REFERENT_A2, REFERENT_B},
    })
    # Lists follow the same rule.
    r = api(s[REFERENT_A2], "GET", "/api/v1/tickets", params={"q": m, "state": "all"})
    owners = {x["customer"]["login"] for x in r.json()["tickets"]}
    assert owners == {REFERENT_A, REFERENT_A2}
    # The colleague never sees the internal note either.
    z = api(s[REFERENT_A2], "GET", "/api/v1/tickets/" + t[REFERENT_A]["number"]).json()
    assert all(not a["internal"] for a in z["ticket"]["articles"])
    assert note["id"] not in [a["id"] for a in z["ticket"]["articles"]]


def test_lists_and_searches_stay_within_rights(daemon):
    s, t, note, m = world(daemon)
    for actor, own in ((REFERENT_A, {REFERENT_A}), (REFERENT_B, {REFERENT_B}),
                       (AGENT, {REFERENT_A, REFERENT_A2, REFERENT_B})):
        for params in ({"q": m, "state": "all"},
                       {"q": m, "state": "all", "customer": REFERENT_B},
                       {"q": m, "state": "all", "customer": REFERENT_A},
                       {"q": m, "state": "all", "queue": "depense"},
                       {"q": m, "state": "all", "owner": "nobody"},
                       {"q": m, "state": "all", "sort": "title", "per_page": "100"}):
            r = api(s[actor], "GET", "/api/v1/tickets", params=params)
            assert r.status_code == 200, r.text
            got = {x["customer"]["login"] for x in r.json()["tickets"]}
            assert got <= own, (actor, params, got)
            assert r.json()["counts"]["open"] + r.json()["counts"]["closed"] == \
                r.json()["total"]
    # A référent's search never looks into internal notes.
    r = api(s[REFERENT_A], "GET", "/api/v1/tickets", params={"q": "secret interne " + m})
    assert r.json()["tickets"] == [] and r.json()["total"] == 0
    r = api(s[AGENT], "GET", "/api/v1/tickets", params={"q": "secret interne " + m})
    assert [x["number"] for x in r.json()["tickets"]] == [t[REFERENT_A]["number"]]


def test_internal_notes_never_reach_a_referent(daemon):
    s, t, note, m = world(daemon)
    tn = t[REFERENT_A]["number"]
    a, agent = s[REFERENT_A], s[AGENT]
    note_att = note["attachments"][0]["id"]
    # Zoom.
    z = api(a, "GET", "/api/v1/tickets/" + tn)
    assert b"secret interne" not in z.content and b"interne.txt" not in z.content
    assert [x["internal"] for x in z.json()["ticket"]["articles"]] == [False]
    za = api(agent, "GET", "/api/v1/tickets/" + tn).json()["ticket"]["articles"]
    assert [x["internal"] for x in za] == [False, True]
    # History: no row about the note or its file.
    h = api(a, "GET", "/api/v1/tickets/%s/history" % tn)
    assert b"interne.txt" not in h.content and str(note["id"]).encode() not in h.content
    # The note's attachment.
    is_error(api(a, "GET", "/api/v1/attachments/%d" % note_att), 404, "not_found")
    assert api(agent, "GET", "/api/v1/attachments/%d" % note_att).content == b"interne"
    # The answer to the référent's own article does not carry it either.
    r = api(a, "POST", "/api/v1/tickets/%s/articles" % tn, json={"body": "merci"})
    assert b"secret interne" not in r.content
    # Lists carry no articles at all.
    r = api(a, "GET", "/api/v1/tickets", params={"q": m})
    assert b"secret interne" not in r.content


def test_referent_cannot_write_internal_or_agent_fields(daemon, stack):
    a = who(daemon, REFERENT_A)
    tn = new_ticket(a)["number"]
    before = counts(stack)
    is_error(api(a, "POST", "/api/v1/tickets/%s/articles" % tn,
                 json={"body": "x", "internal": True}), 403, "forbidden")
    for patch in ({"owner": AGENT}, {"owner": None}, {"queue": "credits"},
                  {"priority": 1}, {"title": "t"}):
        is_error(api(a, "PATCH", "/api/v1/tickets/" + tn, json=patch), 403, "forbidden")
    # Mass assignment: fields that are not in the contract at all are 400.
    for patch in ({"status": "closed"}, {"assignee_id": 1}, {"requester_id": 2},
                  {"customer": REFERENT_B}, {"queue_id": 2}, {"created_at": "2020-01-01"},
                  {"version": 9}, {"state": "closed successful", "customer_id": 5},
                  {"number": "2024051710000011"}):
        is_error(api(a, "PATCH", "/api/v1/tickets/" + tn, json=patch), 400, "bad_request")
    assert counts(stack).adds_nothing_to(before)
    row = sql(stack, "SELECT state_id, queue_id, owner_id IS NULL, version FROM tickets"
                     " WHERE tn = '%s';" % tn)
    assert row == [["1", "1", "1", "1"]]
    # Agent-only functions.
    is_error(api(a, "GET", "/api/v1/agents"), 403)
    is_error(api(a, "GET", "/api/v1/organisations"), 403)
    is_error(api(a, "POST", "/api/v1/queues", json={"code": "zz", "name": "Z"}), 403)


def checksum(digits):
    total, mult = 0, 1
    for d in digits:
        total += mult * int(d)
        mult = 2 if mult == 1 else 1
    c = 10 - total % 10
    return 1 if c == 10 else c


def test_number_sweep_finds_only_own_and_is_logged(daemon):
    a, b = who(daemon, REFERENT_A), who(daemon, REFERENT_B)
    mine = new_ticket(a)["number"]
    theirs = new_ticket(b)["number"]
    first = int(mine[:-1]) - 40
    found = set()
    # Every valid number around today's: only A's own tickets answer.
    for n in range(first, first + 80):
        tn = str(n) + str(checksum(str(n)))
        r = api(a, "GET", "/api/v1/tickets/" + tn)
        assert r.status_code in (200, 404), r.text
        if r.status_code == 200:
            assert r.json()["ticket"]["customer"]["login"] == REFERENT_A
            found.add(tn)
    assert mine in found and theirs not in found
    assert int(theirs[:-1]) in range(first, first + 80)
    events = [e for e in daemon.log_events() if e.get("event") == "ticket.not_found"
              and e.get("user") == REFERENT_A]
    assert any(e["number"] == theirs for e in events)
