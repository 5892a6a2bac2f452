"""Hostile-input suite, access control (SECURITY.md §9, T27-T32). The
issues address tickets by number and attachments by id at
/api/v1/attachments/{id}; référents see their own tickets (with
[tickets] organisation_visibility = no, the default), agents see all."""

import pytest

from conftest import api, sql
from hostile import endpoint_answers, login_or_skip, needs, new_ticket

NOT_A_NUMBER = "2099123110999999"


def body_of(r):
    return r.status_code, r.content


@pytest.fixture(scope="module")
def actors(daemon):
    """Two référents of different offices, an agent, an admin; a ticket of A."""
    a = login_or_skip(daemon, "a.benali")
    needs(daemon, "POST", "/api/v1/tickets")
    b = login_or_skip(daemon, "k.ouazzani")
    agent = login_or_skip(daemon, "agent.naciri")
    admin = login_or_skip(daemon, "admin.benzaari")
    ticket = new_ticket(a, title="T27 ticket of A", body="private to A")
    return {"a": a, "b": b, "agent": agent, "admin": admin, "ticket": ticket}


def test_t27_idor_matrix(actors):
    a, b, agent = actors["a"], actors["b"], actors["agent"]
    n = actors["ticket"]["number"]
    cases = [
        ("GET", "/api/v1/tickets/%s", None),
        ("GET", "/api/v1/tickets/%s/history", None),
        ("POST", "/api/v1/tickets/%s/articles", {"body": "from B"}),
        ("PATCH", "/api/v1/tickets/%s", {"state": "closed successful"}),
    ]
    for method, path, body in cases:
        # B gets exactly what a ticket that does not exist gives.
        theirs = api(b, method, path % n, json=body)
        missing = api(b, method, path % NOT_A_NUMBER, json=body)
        assert theirs.status_code == 404, (method, path, theirs.status_code)
        assert body_of(theirs) == body_of(missing), (method, path)
        # The owner and an agent are allowed.
        for who in (a, agent):
            if method == "GET":
                assert api(who, method, path % n).status_code == 200, (method, path)
    assert api(a, "GET", "/api/v1/tickets/" + n).json()["ticket"]["state"]["type"] != "closed"
    assert len(api(a, "GET", "/api/v1/tickets/" + n).json()["ticket"]["articles"]) == 1


def test_t28_sequential_sweep(actors):
    a, b = actors["a"], actors["b"]
    n = int(actors["ticket"]["number"])
    mine = {t["number"] for t in api(b, "GET", "/api/v1/tickets?state=all&per_page=100")
            .json()["tickets"]}
    seen = set()
    for k in range(n - 100, n + 100):
        r = api(b, "GET", "/api/v1/tickets/%d" % k)
        assert r.status_code in (200, 404, 429), r.status_code
        if r.status_code == 200:
            seen.add(r.json()["ticket"]["number"])
    assert str(n) not in seen
    assert seen <= mine
    assert api(a, "GET", "/api/v1/tickets/%d" % n).status_code == 200


def test_t29_attachment_of_another_ticket(daemon, actors):
    needs(daemon, "POST", "/api/v1/uploads")
    a, b = actors["a"], actors["b"]
    up = api(a, "POST", "/api/v1/uploads?filename=a.txt", data=b"secret of A",
             headers={"Content-Type": "text/plain"})
    assert up.status_code == 201, up.text
    t = new_ticket(a, title="T29", attachments=[up.json()["upload"]["id"]])
    att = t["articles"][0]["attachments"][0]["id"]
    assert api(a, "GET", "/api/v1/attachments/%s" % att).content == b"secret of A"
    theirs = api(b, "GET", "/api/v1/attachments/%s" % att)
    missing = api(b, "GET", "/api/v1/attachments/999999999")
    assert theirs.status_code == 404
    assert body_of(theirs) == body_of(missing)
    # An upload id of A's cannot be attached by B either.
    up2 = api(a, "POST", "/api/v1/uploads?filename=b.txt", data=b"x",
              headers={"Content-Type": "text/plain"})
    r = api(b, "POST", "/api/v1/tickets", json={
        "title": "steal", "queue": t["queue"]["code"], "priority": 3, "body": "x",
        "attachments": [up2.json()["upload"]["id"]]})
    assert r.status_code in (400, 404, 422), r.status_code


def test_t30_mass_assignment(actors, stack):
    a = actors["a"]
    n = actors["ticket"]["number"]
    before = sql(stack, "SELECT * FROM tickets WHERE tn='%s'" % n)
    for body in ({"owner": "agent.naciri"}, {"queue": "credits"}, {"priority": 5},
                 {"title": "renamed"}, {"customer": "k.ouazzani"}, {"created": "2020-01-01T00:00:00Z"},
                 {"number": "1"}, {"version": 99}, {"state": "open", "unknown": 1}):
        r = api(a, "PATCH", "/api/v1/tickets/" + n, json=body)
        assert r.status_code in (400, 403), (body, r.status_code, r.text)
    assert sql(stack, "SELECT * FROM tickets WHERE tn='%s'" % n) == before
    r = api(a, "POST", "/api/v1/tickets/%s/articles" % n, json={"body": "x", "internal": True})
    assert r.status_code in (400, 403), r.text


def test_t31_function_level(daemon, actors):
    a, agent = actors["a"], actors["agent"]

    def exists(method, path):
        return endpoint_answers(daemon, method, path)
    for method, path, body in (("GET", "/api/v1/organisations", None),
                               ("GET", "/api/v1/agents", None),
                               ("GET", "/api/v1/reports", None),
                               ("POST", "/api/v1/queues", {"code": "evil", "name": "Evil"}),
                               ("PATCH", "/api/v1/queues/depense", {"active": False})):
        if not exists(method, path):
            continue        # not merged yet (reports come with their own issue)
        r = api(a, method, path, json=body)
        assert r.status_code == 403, (method, path, r.status_code)
    for method, path, body in (("GET", "/api/v1/reports", None),
                               ("POST", "/api/v1/queues", {"code": "evil", "name": "Evil"})):
        if exists(method, path):
            assert api(agent, method, path, json=body).status_code == 403, (method, path)
    assert api(agent, "GET", "/api/v1/organisations").status_code == 200


def test_t32_search_filters(actors):
    a, b = actors["a"], actors["b"]
    for params in ({"customer": "a.benali"}, {"state": "all", "customer": "a.benali"},
                   {"owner": "any", "state": "all"}, {"organisation": "1", "state": "all"},
                   {"q": "T27", "state": "all"}):
        r = api(b, "GET", "/api/v1/tickets", params=params)
        assert r.status_code in (200, 400, 403), (params, r.status_code)
        if r.status_code == 200:
            for t in r.json()["tickets"]:
                assert t["customer"]["login"] == "k.ouazzani", (params, t["number"])
