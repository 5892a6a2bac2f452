"""Tickets through the JSON API: reference lists, creation and numbers,
zoom, list and search, the reopen rule, If-Match, history rows for every
change, queue administration, and text stored verbatim."""

import datetime
import re

import pytest

from ticketlib import (ADMIN, AGENT, AGENT2, REFERENT_A, REFERENT_B, api,
                       counts, is_error, marker, new_ticket, sql, who)

SEVEN_AXES = [
    ("depense", "Gestion de la dépense"),
    ("credits", "Gestion des crédits"),
    ("utilisateurs", "Gestion des utilisateurs (dont les demandes d'inscription)"),
    ("connexion", "Problèmes de connexion"),
    ("reglement", "Règlement"),
    ("referentiel", "Référentiel"),
    ("autres", "Autres"),
]


def checksum(digits):
    """Znuny's DateChecksum check digit, written again here."""
    total, mult = 0, 1
    for d in digits:
        total += mult * int(d)
        mult = 2 if mult == 1 else 1
    c = 10 - total % 10
    return 1 if c == 10 else c


@pytest.fixture(scope="module")
def people(daemon):
    return {u: who(daemon, u) for u in (REFERENT_A, REFERENT_B, AGENT, AGENT2, ADMIN)}


def test_reference_lists(people):
    a, agent = people[REFERENT_A], people[AGENT]
    r = api(a, "GET", "/api/v1/queues")
    assert r.status_code == 200
    queues = r.json()["queues"]
    assert [(q["code"], q["name"]) for q in queues][:7] == SEVEN_AXES
    assert all(q["description"] for q in queues)
    assert "counts" not in queues[0]
    counted = api(agent, "GET", "/api/v1/queues").json()["queues"][0]
    assert set(counted["counts"]) == {"new", "open", "pending", "closed"}
    assert api(a, "GET", "/api/v1/priorities").json() == {"priorities": [
        {"id": 1, "name": "very low"}, {"id": 2, "name": "low"},
        {"id": 3, "name": "normal"}, {"id": 4, "name": "high"},
        {"id": 5, "name": "very high"}]}
    assert api(a, "GET", "/api/v1/states").json() == {"states": [
        {"name": "new", "type": "new"}, {"name": "open", "type": "open"},
        {"name": "pending reminder", "type": "pending"},
        {"name": "closed successful", "type": "closed"},
        {"name": "closed unsuccessful", "type": "closed"},
        {"name": "merged", "type": "merged"}]}
    # Offices and agents are for agents.
    is_error(api(a, "GET", "/api/v1/organisations"), 403, "forbidden")
    is_error(api(a, "GET", "/api/v1/agents"), 403, "forbidden")
    orgs = api(agent, "GET", "/api/v1/organisations").json()["organisations"]
    assert any(o["name"] == "TP Rabat" for o in orgs)
    agents = api(agent, "GET", "/api/v1/agents").json()["agents"]
    logins = [x["login"] for x in agents]
    assert AGENT in logins and ADMIN in logins and REFERENT_A not in logins


def test_create_number_zoom_and_location(people, stack):
    a = people[REFERENT_A]
    m = marker()
    r = api(a, "POST", "/api/v1/tickets", json={
        "title": "Mandat bloqué " + m, "queue": "depense", "priority": 4,
        "body": "Bonjour,\nle mandat 2026/17 est bloqué au visa.",
        "requester": "SEGMA Hôpital Ibn Sina"})
    assert r.status_code == 201, r.text
    t = r.json()["ticket"]
    tn = t["number"]
    assert r.headers["Location"] == "/api/v1/tickets/" + tn
    # DateChecksum: today (UTC), system id 10, a 5-digit counter, the check digit.
    today = datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%d")
    assert re.fullmatch(r"\d{16}", tn), tn
    assert tn[:8] == today and tn[8:10] == "10"
    assert int(tn[-1]) == checksum(tn[:-1])
    assert t["title"] == "Mandat bloqué " + m
    assert t["queue"] == {"code": "depense", "name": "Gestion de la dépense"}
    assert t["priority"] == {"id": 4, "name": "high"}
    assert t["state"] == {"name": "new", "type": "new"}
    assert t["customer"]["login"] == REFERENT_A
    assert t["organisation"]["name"] == "TP Rabat"
    assert t["owner"] is None and t["first_response"] is None and t["closed"] is None
    assert t["requester"] == "SEGMA Hôpital Ibn Sina"
    assert t["version"] == 1
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", t["created"])
    first = t["articles"][0]
    assert first["body"] == "Bonjour,\nle mandat 2026/17 est bloqué au visa."
    assert first["sender"] == "referent" and first["internal"] is False
    assert first["author"]["login"] == REFERENT_A
    z = api(a, "GET", "/api/v1/tickets/" + tn)
    assert z.status_code == 200 and z.headers["ETag"] == '"1"'
    assert z.json()["ticket"]["articles"] == t["articles"]
    # The counter row and the number agree.
    counter = sql(stack, "SELECT counter FROM ticket_counters WHERE day = '%s';" % today)
    assert int(counter[0][0]) >= int(tn[10:15])


def test_markup_and_sql_stored_verbatim(people, stack):
    a, agent = people[REFERENT_A], people[AGENT]
    title = "<script>alert(1)</script> '; DROP TABLE tickets; -- %_\\"
    body = "\"><img src=x onerror=alert(1)>\n</textarea><svg onload=alert(1)>\n" \
           "{{7*7}} javascript:alert(1) ';DROP TABLE t;-- /* \\ % _"
    requester = "Robert'); DROP TABLE users;--"
    t = new_ticket(a, title=title, body=body, requester=requester)
    for s in (a, agent):
        z = api(s, "GET", "/api/v1/tickets/" + t["number"]).json()["ticket"]
        assert z["title"] == title and z["requester"] == requester
        assert z["articles"][0]["body"] == body
    row = sql(stack, "SELECT HEX(title) FROM tickets WHERE tn = '%s';" % t["number"])
    assert bytes.fromhex(row[0][0]).decode() == title
    assert sql(stack, "SELECT COUNT(*) FROM users;")[0][0] != "0"
    r = api(agent, "POST", "/api/v1/tickets/%s/articles" % t["number"],
            json={"body": "<b>gras</b> & 'quote'"})
    assert r.json()["article"]["body"] == "<b>gras</b> & 'quote'"


def test_list_hides_closed_and_counts(people):
    a = people[REFERENT_A]
    m = marker()
    t1 = new_ticket(a, title="Liste un " + m)
    t2 = new_ticket(a, title="Liste deux " + m)
    r = api(a, "PATCH", "/api/v1/tickets/" + t2["number"], json={"state": "closed successful"})
    assert r.status_code == 200 and r.json()["ticket"]["state"]["type"] == "closed"
    assert r.json()["ticket"]["closed"] is not None

    def numbers(state):
        r = api(a, "GET", "/api/v1/tickets", params={"state": state, "q": m,
                                                     "per_page": 100})
        assert r.status_code == 200, r.text
        return r.json(), {x["number"] for x in r.json()["tickets"]}

    body, got = numbers("open")
    assert got == {t1["number"]}
    assert body["total"] == 1 and body["counts"] == {"open": 1, "closed": 1}
    _, got = numbers("closed")
    assert got == {t2["number"]}
    body, got = numbers("all")
    assert got == {t1["number"], t2["number"]} and body["total"] == 2
    # The default is the open tickets, as in Znuny's customer portal.
    r = api(a, "GET", "/api/v1/tickets", params={"q": m})
    assert {x["number"] for x in r.json()["tickets"]} == {t1["number"]}
    assert "articles" not in r.json()["tickets"][0]


def test_list_filters_sort_and_pages(people):
    a, agent = people[REFERENT_A], people[AGENT]
    m = marker()
    made = [new_ticket(a, title="%s %s" % (letter, m), queue=q, priority=p)
            for letter, q, p in (("Bravo", "credits", 2), ("Alpha", "depense", 5),
                                 ("Charlie", "credits", 2))]
    r = api(a, "GET", "/api/v1/tickets", params={"q": m, "sort": "title", "order": "asc"})
    assert [x["title"].split()[0] for x in r.json()["tickets"]] == ["Alpha", "Bravo", "Charlie"]
    r = api(a, "GET", "/api/v1/tickets", params={"q": m, "sort": "title", "order": "desc",
                                                 "per_page": 2, "page": 2})
    body = r.json()
    assert [x["title"].split()[0] for x in body["tickets"]] == ["Alpha"]
    assert body["total"] == 3 and body["page"] == 2 and body["per_page"] == 2
    r = api(a, "GET", "/api/v1/tickets", params={"q": m, "queue": "credits"})
    assert {x["title"].split()[0] for x in r.json()["tickets"]} == {"Bravo", "Charlie"}
    r = api(a, "GET", "/api/v1/tickets", params={"q": m, "priority": "5"})
    assert [x["number"] for x in r.json()["tickets"]] == [made[1]["number"]]
    r = api(a, "GET", "/api/v1/tickets", params={"q": m, "sort": "priority", "order": "desc"})
    assert r.json()["tickets"][0]["priority"]["id"] == 5
    r = api(a, "GET", "/api/v1/tickets", params={"q": m, "sort": "created", "order": "asc"})
    assert [x["number"] for x in r.json()["tickets"]] == [t["number"] for t in made]
    r = api(a, "GET", "/api/v1/tickets", params={"q": m, "sort": "number", "order": "desc"})
    assert [x["number"] for x in r.json()["tickets"]] == sorted(
        (t["number"] for t in made), reverse=True)
    # Agents: owner = me / nobody, and the customer and office filters.
    api(agent, "PATCH", "/api/v1/tickets/" + made[0]["number"], json={"owner": AGENT})
    r = api(agent, "GET", "/api/v1/tickets", params={"q": m, "owner": "me"})
    assert [x["number"] for x in r.json()["tickets"]] == [made[0]["number"]]
    r = api(agent, "GET", "/api/v1/tickets", params={"q": m, "owner": "nobody"})
    assert len(r.json()["tickets"]) == 2
    r = api(agent, "GET", "/api/v1/tickets", params={"q": m, "customer": REFERENT_A})
    assert len(r.json()["tickets"]) == 3
    r = api(agent, "GET", "/api/v1/tickets", params={"q": m, "customer": REFERENT_B})
    assert r.json()["tickets"] == []
    org = made[0]["organisation"]["id"]
    r = api(agent, "GET", "/api/v1/tickets", params={"q": m, "organisation": str(org)})
    assert len(r.json()["tickets"]) == 3


def test_search_titles_bodies_and_numbers(people):
    a, agent = people[REFERENT_A], people[AGENT]
    m = marker()
    t1 = new_ticket(a, title="Habilitation refusée " + m, body="rien")
    t2 = new_ticket(a, title="Autre " + m,
                    body="Le certificat électronique a expiré (mandat 20260412000123).")

    def search(s, q):
        r = api(s, "GET", "/api/v1/tickets", params={"q": q, "state": "all",
                                                     "per_page": 100})
        assert r.status_code == 200, r.text
        return {x["number"] for x in r.json()["tickets"]}

    assert search(a, "habilitation " + m) == {t1["number"]}
    assert search(a, "certificat " + m) == {t2["number"]}
    assert search(a, "électronique " + m) == {t2["number"]}
    assert search(a, "certif " + m) == {t2["number"]}      # a prefix
    assert search(a, t1["number"]) == {t1["number"]}       # a ticket number
    assert search(a, "20260412000123") == {t2["number"]}   # digits of no ticket
    # '%' and '_' are not wildcards, operators are not passed on.
    assert search(a, "%") == set()
    assert search(a, "_") == set()
    assert search(a, "-habilitation +" + m) == {t1["number"]}
    assert search(agent, "certificat " + m) == {t2["number"]}
    # A new title is found, the old one no more (a follow-up keeps its words).
    r = api(agent, "PATCH", "/api/v1/tickets/" + t1["number"],
            json={"title": "Accès refusé " + m})
    assert r.status_code == 200
    assert search(a, "accès " + m) == {t1["number"]}
    assert search(a, "habilitation " + m) == set()
    # Common words alone find nothing rather than everything.
    assert search(a, "bonjour merci") == set()


def test_reopen_rule_and_first_response(people, stack):
    a, agent = people[REFERENT_A], people[AGENT]
    t = new_ticket(a)
    tn = t["number"]
    # An internal note is no answer and changes nothing.
    r = api(agent, "POST", "/api/v1/tickets/%s/articles" % tn,
            json={"body": "à vérifier", "internal": True})
    assert r.status_code == 201
    assert r.json()["ticket"]["state"]["name"] == "new"
    assert r.json()["ticket"]["first_response"] is None
    # The agent's reply opens the ticket and is the first response.
    r = api(agent, "POST", "/api/v1/tickets/%s/articles" % tn, json={"body": "Corrigé."})
    assert r.status_code == 201
    assert r.json()["article"]["sender"] == "agent"
    assert r.json()["ticket"]["state"]["name"] == "open"
    first = r.json()["ticket"]["first_response"]
    assert first is not None
    # The agent closes; another agent reply leaves it closed.
    r = api(agent, "PATCH", "/api/v1/tickets/" + tn, json={"state": "closed successful"})
    assert r.json()["ticket"]["state"]["name"] == "closed successful"
    closed_at = r.json()["ticket"]["closed"]
    r = api(agent, "POST", "/api/v1/tickets/%s/articles" % tn, json={"body": "Pour info."})
    assert r.json()["ticket"]["state"]["name"] == "closed successful"
    assert r.json()["ticket"]["closed"] == closed_at
    # The référent's follow-up reopens it.
    r = api(a, "POST", "/api/v1/tickets/%s/articles" % tn, json={"body": "Toujours bloqué."})
    assert r.status_code == 201
    assert r.json()["article"]["sender"] == "referent"
    after = r.json()["ticket"]
    assert after["state"] == {"name": "open", "type": "open"}
    assert after["closed"] is None and after["first_response"] == first
    hist = api(agent, "GET", "/api/v1/tickets/%s/history" % tn).json()["history"]
    last_state = [h for h in hist if h["type"] == "state"][-1]
    assert (last_state["old"], last_state["new"]) == ("closed successful", "open")
    assert last_state["actor"]["login"] == REFERENT_A
    # A pending ticket is reopened by the référent as well.
    api(agent, "PATCH", "/api/v1/tickets/" + tn, json={"state": "pending reminder"})
    r = api(a, "POST", "/api/v1/tickets/%s/articles" % tn, json={"body": "Des nouvelles ?"})
    assert r.json()["ticket"]["state"]["name"] == "open"
    rows = sql(stack, "SELECT closed IS NULL, state_id FROM tickets WHERE tn = '%s';" % tn)
    assert rows == [["1", "2"]]


def test_referent_closes_and_reopens_only(people, stack):
    a = people[REFERENT_A]
    t = new_ticket(a)
    tn = t["number"]
    before = counts(stack)
    for patch in ({"state": "pending reminder"}, {"state": "closed unsuccessful"},
                  {"owner": AGENT}, {"queue": "credits"}, {"priority": 5},
                  {"title": "autre titre"}, {"state": "open", "priority": 1}):
        r = api(a, "PATCH", "/api/v1/tickets/" + tn, json=patch)
        is_error(r, 403, "forbidden")
    r = api(a, "POST", "/api/v1/tickets/%s/articles" % tn,
            json={"body": "note", "internal": True})
    is_error(r, 403, "forbidden")
    assert counts(stack).adds_nothing_to(before)
    r = api(a, "PATCH", "/api/v1/tickets/" + tn, json={"state": "closed successful"})
    assert r.status_code == 200 and r.json()["ticket"]["state"]["name"] == "closed successful"
    r = api(a, "PATCH", "/api/v1/tickets/" + tn, json={"state": "open"})
    assert r.status_code == 200 and r.json()["ticket"]["state"]["name"] == "open"
    # "merged" is never set by hand.
    r = api(people[AGENT], "PATCH", "/api/v1/tickets/" + tn, json={"state": "merged"})
    is_error(r, 400)


def test_if_match_conflicts(people, stack):
    a, agent, agent2 = people[REFERENT_A], people[AGENT], people[AGENT2]
    tn = new_ticket(a)["number"]
    etag = api(agent, "GET", "/api/v1/tickets/" + tn).headers["ETag"]
    assert etag == '"1"'
    r = api(agent2, "PATCH", "/api/v1/tickets/" + tn, json={"priority": 5},
            headers={"If-Match": etag})
    assert r.status_code == 200 and r.headers["ETag"] == '"2"'
    assert r.json()["ticket"]["version"] == 2
    before = counts(stack)
    # The first agent still holds version 1: 412, nothing overwritten.
    r = api(agent, "PATCH", "/api/v1/tickets/" + tn, json={"priority": 1},
            headers={"If-Match": etag})
    is_error(r, 412, "precondition_failed")
    assert counts(stack).adds_nothing_to(before)
    assert sql(stack, "SELECT priority_id, version FROM tickets WHERE tn = '%s';" % tn) == [["5", "2"]]
    # An article changes the ticket, so its ETag too.
    r = api(a, "POST", "/api/v1/tickets/%s/articles" % tn, json={"body": "précision"})
    assert r.headers["ETag"] == '"3"'
    is_error(api(agent2, "PATCH", "/api/v1/tickets/" + tn, json={"priority": 2},
                 headers={"If-Match": '"2"'}), 412)
    for good, prio, etag in (('"3"', 3, '"4"'), ('W/"4"', 4, '"5"'), ("*", 2, '"6"')):
        r = api(agent, "PATCH", "/api/v1/tickets/" + tn, json={"priority": prio},
                headers={"If-Match": good})
        assert r.status_code == 200, (good, r.text)
        assert r.headers["ETag"] == etag
    for bad in ('"x"', '"3", "4"', ""):
        is_error(api(agent, "PATCH", "/api/v1/tickets/" + tn, json={"priority": 3},
                     headers={"If-Match": bad}), 400)
    # Without If-Match the last writer wins, as before.
    assert api(agent, "PATCH", "/api/v1/tickets/" + tn, json={"priority": 1}).status_code == 200


def test_history_row_for_every_change(people, stack):
    a, agent = people[REFERENT_A], people[AGENT]
    up = api(a, "POST", "/api/v1/uploads", params={"filename": "pièce.txt"},
             data="contenu".encode(), headers={"Content-Type": "text/plain"})
    assert up.status_code == 201, up.text
    t = new_ticket(a, title="Historique " + marker(), attachments=[up.json()["upload"]["id"]])
    tn = t["number"]
    steps = [
        ({"state": "open"}, ("state", "new", "open")),
        ({"priority": 5}, ("priority", "normal", "very high")),
        ({"queue": "credits"}, ("queue", "depense", "credits")),
        ({"owner": AGENT}, ("owner", None, AGENT)),
        ({"owner": None}, ("owner", AGENT, None)),
        ({"title": "Nouveau titre"}, ("title", t["title"], "Nouveau titre")),
    ]
    for patch, _ in steps:
        r = api(agent, "PATCH", "/api/v1/tickets/" + tn, json=patch)
        assert r.status_code == 200, (patch, r.text)
    # A PATCH that changes nothing writes nothing.
    v = api(agent, "GET", "/api/v1/tickets/" + tn).json()["ticket"]["version"]
    api(agent, "PATCH", "/api/v1/tickets/" + tn, json={"priority": 5})
    assert api(agent, "GET", "/api/v1/tickets/" + tn).json()["ticket"]["version"] == v
    r = api(agent, "POST", "/api/v1/tickets/%s/articles" % tn, json={"body": "réponse"})
    art = r.json()["article"]["id"]
    note = api(agent, "POST", "/api/v1/tickets/%s/articles" % tn,
               json={"body": "note", "internal": True}).json()["article"]["id"]
    hist = api(agent, "GET", "/api/v1/tickets/%s/history" % tn).json()["history"]
    kinds = [(h["type"], h["old"], h["new"]) for h in hist]
    assert kinds[0] == ("created", None, "new")
    assert kinds[1] == ("attachment", None, "pièce.txt")
    assert kinds[2:8] == [s[1] for s in steps]
    assert kinds[8:] == [("article", None, str(art)), ("article", None, str(note))]
    assert all(h["actor"]["login"] in (REFERENT_A, AGENT) for h in hist)
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", h["created"]) for h in hist)
    # The référent sees everything but the internal note's row.
    mine = api(a, "GET", "/api/v1/tickets/%s/history" % tn).json()["history"]
    assert [(h["type"], h["old"], h["new"]) for h in mine] == kinds[:-1]
    n = sql(stack, "SELECT COUNT(*) FROM ticket_history h JOIN tickets t ON t.id = h.ticket_id"
                   " WHERE t.tn = '%s';" % tn)
    assert int(n[0][0]) == len(hist)


def test_owner_must_be_an_agent(people):
    a, agent = people[REFERENT_A], people[AGENT]
    tn = new_ticket(a)["number"]
    for owner in (REFERENT_A, "nobody.here", "*"):
        is_error(api(agent, "PATCH", "/api/v1/tickets/" + tn, json={"owner": owner}), 400)
    r = api(agent, "PATCH", "/api/v1/tickets/" + tn, json={"owner": ADMIN})
    assert r.json()["ticket"]["owner"]["login"] == ADMIN


def test_queue_administration(people, stack):
    a, agent, admin = people[REFERENT_A], people[AGENT], people[ADMIN]
    code = "axe-" + marker()[1:9]
    doc = {"code": code, "name": "Axe de test " + code, "description": "Pour les tests"}
    is_error(api(a, "POST", "/api/v1/queues", json=doc), 403)
    is_error(api(agent, "POST", "/api/v1/queues", json=doc), 403)
    r = api(admin, "POST", "/api/v1/queues", json=doc)
    assert r.status_code == 201, r.text
    assert r.json()["queue"] == {"code": code, "name": doc["name"],
                                 "description": "Pour les tests", "active": True}
    is_error(api(admin, "POST", "/api/v1/queues", json=doc), 409, "conflict")
    for bad in ({"code": "Bad Code", "name": "x"}, {"code": code + "x", "name": ""},
                {"code": code + "y"}, {"code": code + "z", "name": "n", "colour": "red"}):
        is_error(api(admin, "POST", "/api/v1/queues", json=bad), 400)
    assert code in [q["code"] for q in api(a, "GET", "/api/v1/queues").json()["queues"]]
    t = new_ticket(a, queue=code)
    # Rename, deactivate: the queue leaves the lists and takes no new ticket,
    # its tickets stay.
    r = api(admin, "PATCH", "/api/v1/queues/" + code, json={"name": "Renommé " + code,
                                                            "active": False})
    assert r.status_code == 200 and r.json()["queue"]["active"] is False
    assert code not in [q["code"] for q in api(a, "GET", "/api/v1/queues").json()["queues"]]
    every = api(admin, "GET", "/api/v1/queues", params={"all": "yes"}).json()["queues"]
    assert [q for q in every if q["code"] == code][0]["active"] is False
    is_error(new_ticket(a, queue=code, expect=400), 400)
    z = api(a, "GET", "/api/v1/tickets/" + t["number"]).json()["ticket"]
    assert z["queue"] == {"code": code, "name": "Renommé " + code}
    # Never deleted: no such method, and the database refuses it too.
    assert api(admin, "DELETE", "/api/v1/queues/" + code).status_code == 405
    with pytest.raises(RuntimeError):
        sql(stack, "DELETE FROM queues WHERE code = '%s';" % code)
    r = api(admin, "PATCH", "/api/v1/queues/" + code, json={"active": True})
    assert r.json()["queue"]["active"] is True
    is_error(api(admin, "PATCH", "/api/v1/queues/nope-" + code, json={"active": True}), 404)
    is_error(api(admin, "PATCH", "/api/v1/queues/" + code, json={}), 400)
    is_error(api(a, "PATCH", "/api/v1/queues/" + code, json={"active": False}), 403)
