"""Personal API tokens (issue 3): created from a session, shown once,
stored hashed, Bearer authentication without CSRF, expiry, revocation, the
limit per user, and the audit trail."""

import hashlib
import re

import pytest
import requests

from conftest import api, login, sql


@pytest.fixture(scope="module")
def d(make_daemon):
    return make_daemon()


@pytest.fixture(scope="module", autouse=True)
def clean_tokens(stack):
    sql(stack, "UPDATE api_tokens t JOIN users u ON u.id = t.user_id"
        " SET t.revoked = UTC_TIMESTAMP() WHERE u.login = 't.token'"
        " AND t.revoked IS NULL")
    yield


def bearer(d, secret, method="GET", path="/api/v1/me", **kw):
    h = kw.pop("headers", {})
    h["Authorization"] = "Bearer " + secret
    return requests.request(method, d.url + path, headers=h, timeout=10, **kw)


def create(s, name="script", **extra):
    body = {"name": name}
    body.update(extra)
    r = api(s, "POST", "/api/v1/tokens", json=body)
    assert r.status_code == 201, r.text
    return r


def test_token_lifecycle(d, stack):
    s = login(d, "t.token")
    r = create(s, "nightly export")
    t = r.json()["token"]
    assert set(t) == {"id", "name", "created", "expires", "last_used", "secret"}
    assert t["name"] == "nightly export"
    assert t["expires"] is None and t["last_used"] is None
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", t["created"])
    assert re.fullmatch(r"gidhd_[A-Za-z0-9_-]{43}", t["secret"])
    assert r.headers["Location"] == "/api/v1/tokens/%d" % t["id"]

    # Listed without its secret.
    listed = api(s, "GET", "/api/v1/tokens").json()["tokens"]
    mine = [x for x in listed if x["id"] == t["id"]]
    assert mine and "secret" not in mine[0]
    assert t["secret"] not in api(s, "GET", "/api/v1/tokens").text

    # A script acts as the user, and needs no CSRF token for writes.
    me = bearer(d, t["secret"])
    assert me.status_code == 200
    assert me.json()["user"]["login"] == "t.token"
    assert me.json()["csrf_token"] is None
    r = bearer(d, t["secret"], "PATCH", "/api/v1/me", json={"lang": "en"})
    assert r.status_code == 200 and r.json()["user"]["lang"] == "en"
    used = [x for x in api(s, "GET", "/api/v1/tokens").json()["tokens"]
            if x["id"] == t["id"]][0]
    assert used["last_used"] is not None

    # Stored as SHA-256 of the whole value only.
    digest = hashlib.sha256(t["secret"].encode()).hexdigest()
    rows = sql(stack, "SELECT HEX(token_hash) FROM api_tokens WHERE id = %d" % t["id"])
    assert rows == [[digest.upper()]]
    assert sql(stack, "SELECT COUNT(*) FROM api_tokens WHERE name LIKE '%%%s%%'"
               % t["secret"][6:20]) == [["0"]]

    # Revoked: stops working at once; a second revocation finds nothing.
    assert api(s, "DELETE", "/api/v1/tokens/%d" % t["id"]).status_code == 204
    r = bearer(d, t["secret"])
    assert r.status_code == 401
    assert r.json()["error"]["code"] == "unauthorized"
    assert api(s, "DELETE", "/api/v1/tokens/%d" % t["id"]).status_code == 404
    assert not [x for x in api(s, "GET", "/api/v1/tokens").json()["tokens"]
                if x["id"] == t["id"]]
    events = sql(stack, "SELECT event, reason FROM auth_audit WHERE reason = '%d'"
                 " AND event LIKE 'token.%%' ORDER BY id" % t["id"])
    assert events == [["token.create", str(t["id"])], ["token.revoke", str(t["id"])]]


def test_token_expiry(d, stack):
    s = login(d, "t.token")
    t = create(s, "short", expires_in_days=1).json()["token"]
    assert t["expires"] is not None and t["expires"] > t["created"]
    assert bearer(d, t["secret"]).status_code == 200
    sql(stack, "UPDATE api_tokens SET expires = UTC_TIMESTAMP() - INTERVAL 1 SECOND"
        " WHERE id = %d" % t["id"])
    assert bearer(d, t["secret"]).status_code == 401


@pytest.mark.parametrize("body", [
    {},
    {"name": ""},
    {"name": "x" * 101},
    {"name": 5},
    {"name": "ok", "expires_in_days": 0},
    {"name": "ok", "expires_in_days": 3651},
    {"name": "ok", "expires_in_days": "7"},
    {"name": "ok", "expires_in_days": 1.5},
    {"name": "ok", "scope": "all"},
])
def test_token_input_is_checked(d, body):
    s = login(d, "t.token")
    r = api(s, "POST", "/api/v1/tokens", json=body)
    assert r.status_code == 400, body
    assert r.json()["error"]["code"] == "bad_request"


def test_token_cannot_create_tokens(d):
    s = login(d, "t.token")
    t = create(s).json()["token"]
    r = bearer(d, t["secret"], "POST", "/api/v1/tokens", json={"name": "child"})
    assert r.status_code == 403
    # It can still list and revoke, itself included.
    assert bearer(d, t["secret"], "GET", "/api/v1/tokens").status_code == 200
    assert bearer(d, t["secret"], "DELETE",
                  "/api/v1/tokens/%d" % t["id"]).status_code == 204
    assert bearer(d, t["secret"]).status_code == 401


def test_tokens_of_others_are_out_of_reach(d):
    a = login(d, "t.token")
    b = login(d, "y.elidrissi")
    t = create(a, "mine").json()["token"]
    assert api(b, "DELETE", "/api/v1/tokens/%d" % t["id"]).status_code == 404
    assert t["id"] not in [x["id"] for x in api(b, "GET", "/api/v1/tokens").json()["tokens"]]
    assert bearer(d, t["secret"]).status_code == 200
    for bad in ("0", "-1", "abc", "99999999999999999999"):
        assert api(a, "DELETE", "/api/v1/tokens/" + bad).status_code == 404


def test_at_most_twenty_active_tokens(d, stack):
    s = login(d, "t.token")
    sql(stack, "UPDATE api_tokens t JOIN users u ON u.id = t.user_id"
        " SET t.revoked = UTC_TIMESTAMP() WHERE u.login = 't.token'"
        " AND t.revoked IS NULL")
    for i in range(20):
        create(s, "t%d" % i)
    r = api(s, "POST", "/api/v1/tokens", json={"name": "one too many"})
    assert r.status_code == 409
    assert r.json()["error"]["code"] == "too_many_tokens"
    first = api(s, "GET", "/api/v1/tokens").json()["tokens"][0]
    assert api(s, "DELETE", "/api/v1/tokens/%d" % first["id"]).status_code == 204
    create(s, "room again")


@pytest.mark.parametrize("value", [
    "Bearer ", "Bearer gidhd_", "Bearer gidhd_" + "A" * 43,
    "Bearer " + "A" * 49, "Bearer gidhd_" + "A" * 42 + "%",
    "Basic dC50b2tlbjpEZW1vMjAyNiE=", "Bearer gidhd_' OR 1=1 --",
])
def test_bad_bearer_values_are_401(d, value):
    r = requests.get(d.url + "/api/v1/me", headers={"Authorization": value},
                     timeout=10)
    assert r.status_code == 401
    assert r.json()["error"]["code"] == "unauthorized"


def test_tokens_need_a_login(d):
    assert d.get("/api/v1/tokens").status_code == 401
    r = requests.post(d.url + "/api/v1/tokens", json={"name": "x"}, timeout=10)
    assert r.status_code == 401
    # A cookie session writes only with its CSRF token.
    s = login(d, "t.token")
    del s.headers["X-CSRF-Token"]
    r = api(s, "POST", "/api/v1/tokens", json={"name": "x"})
    assert r.status_code == 403
    assert r.json()["error"]["code"] == "csrf"
