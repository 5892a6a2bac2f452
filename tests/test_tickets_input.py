"""Bad input (the issue's list, SECURITY.md tests 33 to 36): each answer is
a 4xx with the JSON error shape, and nothing is written."""

import json

import pytest

from ticketlib import (AGENT, REFERENT_A, api, counts, is_error, marker,
                       new_ticket, sql, who)

GOOD = {"title": "Titre", "queue": "depense", "priority": 3, "body": "Texte"}


def with_(**kw):
    doc = dict(GOOD)
    for k, v in kw.items():
        if v is None:
            doc.pop(k, None)
        else:
            doc[k] = v
    return json.dumps(doc).encode()


@pytest.fixture(scope="module")
def a(daemon):
    return who(daemon, REFERENT_A)


@pytest.fixture(scope="module")
def agent(daemon):
    return who(daemon, AGENT)


BAD_CREATES = [
    ("empty title", with_(title=""), 400),
    ("blank title", with_(title="   "), 400),
    ("300-character title", with_(title="x" * 300), 400),
    ("201-character title", with_(title="é" * 201), 400),
    ("title on two lines", with_(title="a\nb"), 400),
    ("title not a string", with_(title=12), 400),
    ("unknown queue", with_(queue="nope"), 400),
    ("queue with accents", with_(queue="dépense"), 400),
    ("queue of another case", with_(queue="DEPENSE"), 400),
    ("priority 0", with_(priority=0), 400),
    ("priority 9", with_(priority=9), 400),
    ("priority 2.5", with_(priority=2.5), 400),
    ("priority as text", with_(priority="3"), 400),
    ("priority 1e400", b'{"title":"t","queue":"depense","priority":1e400,"body":"b"}', 400),
    ("missing body", with_(body=None), 400),
    ("empty body", with_(body=""), 400),
    ("body null", b'{"title":"t","queue":"depense","priority":3,"body":null}', 400),
    ("missing queue", with_(queue=None), 400),
    ("broken JSON", b'{"title":"t","queue":"depense",', 400),
    ("trailing garbage", with_() + b"}garbage", 400),
    ("invalid UTF-8", b'{"title":"caf\xe9","queue":"depense","priority":3,"body":"b"}', 400),
    ("a JSON array", b'[{"title":"t"}]', 400),
    ("a JSON string", b'"ticket"', 400),
    ("empty body bytes", b"", 400),
    ("duplicate keys", b'{"title":"a","title":"b","queue":"depense","priority":3,"body":"b"}', 400),
    ("Title in capitals", with_(Title="x"), 400),
    ("unknown field", with_(state="closed successful"), 400),
    ("customer given", with_(customer="k.ouazzani"), 400),
    ("NUL in a string", b'{"title":"a\\u0000b","queue":"depense","priority":3,"body":"b"}', 400),
    ("deep nesting", b'{"title":' + b"[" * 2000 + b"]" * 2000 + b"}", 400),
    ("attachments not a list", with_(attachments="abc"), 400),
    ("attachment id malformed", with_(attachments=["../../etc/passwd"]), 400),
    ("unknown upload", with_(attachments=["0" * 32]), 400),
    ("requester too long", with_(requester="r" * 201), 400),
    ("oversize body (64 KiB + 1)", with_(body="x" * 65537), 413),
    ("body over the request limit (1 MiB)", with_(body="x" * (1 << 20)), 413),
]


@pytest.mark.parametrize("name,data,status", BAD_CREATES, ids=[b[0] for b in BAD_CREATES])
def test_bad_creation_writes_nothing(a, stack, name, data, status):
    before = counts(stack)
    r = api(a, "POST", "/api/v1/tickets", data=data,
            headers={"Content-Type": "application/json"})
    is_error(r, status)
    assert counts(stack).adds_nothing_to(before), name


@pytest.mark.parametrize("ctype", [None, "text/plain", "application/x-www-form-urlencoded",
                                   "multipart/form-data; boundary=x"])
def test_wrong_content_type_is_415(a, stack, ctype):
    before = counts(stack)
    headers = {"Content-Type": ctype} if ctype else {}
    r = a.post(a.base + "/api/v1/tickets", data=with_(), headers=headers)
    if ctype is None:
        # requests sends no Content-Type for bytes.
        assert "Content-Type" not in r.request.headers
    is_error(r, 415, "unsupported_media_type")
    assert counts(stack).adds_nothing_to(before)


def test_length_boundaries_in_code_points(a, stack):
    # 200 four-byte characters (emoji, CJK Extension B): accepted, read back
    # byte for byte; one more is refused.
    for ch in ("\U0001F600", "\U00020000", "é", "x"):
        title = ch * 200
        t = new_ticket(a, title=title)
        assert t["title"] == title
        z = api(a, "GET", "/api/v1/tickets/" + t["number"]).json()["ticket"]
        assert z["title"] == title
        row = sql(stack, "SELECT HEX(title) FROM tickets WHERE tn = '%s';" % t["number"])
        assert bytes.fromhex(row[0][0]) == title.encode()
        before = counts(stack)
        is_error(new_ticket(a, title=ch * 201, expect=400), 400)
        assert counts(stack).adds_nothing_to(before)
    # A body of exactly the limit in bytes is fine.
    t = new_ticket(a, body="é" * (65536 // 2))
    assert len(t["articles"][0]["body"].encode()) == 65536


def test_unknown_and_malformed_numbers(a, agent, stack):
    before = counts(stack)
    for tn in ("2000010110000011", "20000101100000", "abc", "2024-05-17",
               "1" * 25, "-1", "0x10", "%20", "2024051710000011;DROP"):
        for method, path, doc in (("GET", "", None), ("GET", "/history", None),
                                  ("PATCH", "", {"priority": 1}),
                                  ("POST", "/articles", {"body": "x"})):
            r = api(agent, method, "/api/v1/tickets/" + tn + path, json=doc)
            is_error(r, 404, "not_found")
    assert counts(stack).adds_nothing_to(before)


def test_bad_articles_and_patches(a, agent, stack):
    tn = new_ticket(a)["number"]
    before = counts(stack)
    for doc, status in (({}, 400), ({"body": ""}, 400), ({"body": 5}, 400),
                        ({"body": "x", "internal": "yes"}, 400),
                        ({"body": "x", "sender": "agent"}, 400),
                        ({"body": "x", "attachments": ["f" * 32]}, 400),
                        ({"body": "x" * 65537}, 413)):
        is_error(api(a, "POST", "/api/v1/tickets/%s/articles" % tn, json=doc), status)
    for doc in ({}, {"state": "closed"}, {"state": "Open"}, {"state": 2},
                {"priority": 0}, {"priority": 6}, {"queue": "nope"}, {"queue": "Autres"},
                {"owner": "nobody.at.all"}, {"owner": REFERENT_A}, {"title": ""},
                {"title": "x" * 201}, {"title": "a\tb"}, {"unknown": 1}):
        is_error(api(agent, "PATCH", "/api/v1/tickets/" + tn, json=doc), 400)
    r = agent.patch(agent.base + "/api/v1/tickets/" + tn, data=b"[1]",
                    headers={"Content-Type": "application/json"})
    is_error(r, 400)
    assert counts(stack).adds_nothing_to(before)


def test_bad_list_parameters(a):
    for params in ({"state": "bogus"}, {"priority": "0"}, {"priority": "x"},
                   {"per_page": "1000"}, {"per_page": "0"}, {"page": "0"},
                   {"page": "-1"}, {"sort": "id"}, {"order": "up"},
                   {"owner": "someone"}, {"organisation": "x"}, {"queue": "nope"},
                   {"queue": "dépense"}, {"status": "open"}, {"q": "x" * 201}):
        is_error(api(a, "GET", "/api/v1/tickets", params=params), 400)
    # Parameters given twice and NUL bytes are refused by the router.
    is_error(a.get(a.base + "/api/v1/tickets?state=open&state=closed"), 400)
    is_error(a.get(a.base + "/api/v1/tickets?q=a%00b"), 400)


def test_sql_looking_queries_are_only_text(a):
    m = marker()
    t = new_ticket(a, title="Requête %s 100%% o'clock" % m)
    for q in ("' OR 1=1 --", "%", "%%", "_", "\\", "/*", "*/", "; -- ;",
              "\" OR \"\"=\"", "+-<>()~*\"@"):
        r = api(a, "GET", "/api/v1/tickets", params={"q": q, "state": "all"})
        assert r.status_code == 200, (q, r.text)
        assert r.json()["tickets"] == [], q
    r = api(a, "GET", "/api/v1/tickets", params={"q": m + " o'clock", "state": "all"})
    assert [x["number"] for x in r.json()["tickets"]] == [t["number"]]


def test_writes_need_the_csrf_token(daemon, a, stack):
    before = counts(stack)
    headers = {"X-CSRF-Token": ""}
    r = a.post(a.base + "/api/v1/tickets", json=GOOD, headers=headers)
    is_error(r, 403)
    assert counts(stack).adds_nothing_to(before)
