"""Sessions (issue 3): /me, CSRF on writes, logout, forged and junk
cookies, idle and absolute timeouts, fixation, storage as a hash, and the
periodic re-check of the directory (roles follow, access lost ends every
session and token)."""

import hashlib
import time

import pytest
import requests

import stack as stackmod
from conftest import DEMO_PASSWORD, api, login, sql

PEOPLE = "ou=people," + stackmod.SUFFIX
GROUPS = "ou=groups," + stackmod.SUFFIX


@pytest.fixture(scope="module")
def d(make_daemon):
    return make_daemon()


def cookie_get(d, value, path="/api/v1/me"):
    return requests.get(d.url + path, cookies={"gidhd_session": value}, timeout=10)


def test_me_and_csrf_token(d):
    s = login(d, "y.elidrissi")
    r = api(s, "GET", "/api/v1/me")
    assert r.status_code == 200
    assert r.json()["user"] == s.user
    assert r.json()["csrf_token"] == s.headers["X-CSRF-Token"]
    assert r.headers["Cache-Control"] == "no-store"
    assert d.get("/api/v1/me").status_code == 401


def test_forged_and_junk_cookies_are_401(d):
    s = login(d, "y.elidrissi")
    real = s.cookies["gidhd_session"]
    for value in ("A" * 43, real[:-1] + ("A" if real[-1] != "A" else "B"),
                  real[:42], real + "A", "' OR 1=1 --", "%00" * 10, "x" * 8192,
                  "n\u00f6t-ascii", ""):
        r = cookie_get(d, value)
        assert r.status_code in (401, 400), value[:20]
        if r.status_code == 401:
            assert r.json()["error"]["code"] == "unauthorized"
    # Two cookies of the same name: refused, never a guess.
    r = requests.get(d.url + "/api/v1/me", timeout=10, headers={
        "Cookie": "gidhd_session=%s; gidhd_session=%s" % (real, "A" * 43)})
    assert r.status_code == 401
    assert "internal" not in d.log_text()


def test_logout_then_replay(d, stack):
    s = login(d, "y.elidrissi")
    token = s.cookies["gidhd_session"]
    assert api(s, "GET", "/api/v1/session").status_code == 405
    r = api(s, "DELETE", "/api/v1/session")
    assert r.status_code == 204
    assert "Max-Age=0" in r.headers["Set-Cookie"]
    assert r.headers["Clear-Site-Data"] == '"cookies"'
    assert cookie_get(d, token).status_code == 401
    h = hashlib.sha256(token.encode()).hexdigest()
    assert sql(stack, "SELECT COUNT(*) FROM sessions WHERE token_hash = UNHEX('%s')"
               % h) == [["0"]]


def test_writes_need_the_csrf_token(d):
    s = login(d, "y.elidrissi")
    csrf = s.headers.pop("X-CSRF-Token")
    for h in ({}, {"X-CSRF-Token": "A" * 43}, {"X-CSRF-Token": csrf[:-1]}):
        r = api(s, "PATCH", "/api/v1/me", json={"lang": "en"}, headers=h)
        assert r.status_code == 403
        assert r.json()["error"]["code"] == "csrf"
        assert api(s, "DELETE", "/api/v1/session", headers=h).status_code == 403
    r = api(s, "PATCH", "/api/v1/me", json={"lang": "en"},
            headers={"X-CSRF-Token": csrf, "Origin": "http://evil.example"})
    assert r.status_code == 403
    r = api(s, "PATCH", "/api/v1/me", json={"lang": "en"},
            headers={"X-CSRF-Token": csrf})
    assert r.status_code == 200
    assert api(s, "GET", "/api/v1/me").status_code == 200


def test_patch_me_lang(d):
    s = login(d, "y.elidrissi")
    r = api(s, "PATCH", "/api/v1/me", json={"lang": "en"})
    assert r.status_code == 200
    assert set(r.json()) == {"user"}
    assert r.json()["user"]["lang"] == "en"
    assert api(s, "GET", "/api/v1/me").json()["user"]["lang"] == "en"
    for body in ({"lang": "de"}, {"lang": "EN"}, {"lang": 1}, {"lang": "fr", "x": 1},
                 {"name": "Someone Else"}):
        r = api(s, "PATCH", "/api/v1/me", json=body)
        assert r.status_code == 400, body
    r = api(s, "PATCH", "/api/v1/me", json={"lang": "fr"})
    assert r.json()["user"]["lang"] == "fr"
    # Other sessions of the same user see it.
    assert login(d, "y.elidrissi").user["lang"] == "fr"


def test_new_session_at_every_login_and_fixation(d):
    a = login(d, "y.elidrissi")
    b = login(d, "y.elidrissi")
    assert a.cookies["gidhd_session"] != b.cookies["gidhd_session"]
    assert api(a, "GET", "/api/v1/me").status_code == 200
    assert api(b, "GET", "/api/v1/me").status_code == 200
    # A session sent along with a login ends: nobody can plant one.
    planted = a.cookies["gidhd_session"]
    r = requests.post(d.url + "/api/v1/session", timeout=10,
                      cookies={"gidhd_session": planted},
                      json={"login": "y.elidrissi", "password": DEMO_PASSWORD})
    assert r.status_code == 200
    assert r.cookies["gidhd_session"] != planted
    assert cookie_get(d, planted).status_code == 401
    # An attacker's made-up value is not adopted either.
    chosen = "Q" * 43
    r = requests.post(d.url + "/api/v1/session", timeout=10,
                      cookies={"gidhd_session": chosen},
                      json={"login": "y.elidrissi", "password": DEMO_PASSWORD})
    assert r.cookies["gidhd_session"] != chosen
    assert cookie_get(d, chosen).status_code == 401


def test_sessions_are_stored_as_hashes(d, stack):
    s = login(d, "y.elidrissi")
    token = s.cookies["gidhd_session"]
    h = hashlib.sha256(token.encode()).hexdigest()
    rows = sql(stack, "SELECT user_agent, client_ip, csrf_token FROM sessions"
               " WHERE token_hash = UNHEX('%s')" % h)
    assert len(rows) == 1
    assert rows[0][1] == "127.0.0.1"
    assert "python-requests" in rows[0][0]
    assert rows[0][2] == s.headers["X-CSRF-Token"]
    dump = sql(stack, "SELECT HEX(token_hash), csrf_token, user_agent FROM sessions")
    assert not any(token in " ".join(row) for row in dump)
    assert not any(token.encode().hex().upper() in row[0] for row in dump)


def test_session_lookup_is_one_indexed_row(d, stack):
    """The common case of the gate reads one row by its unique key."""
    s = login(d, "y.elidrissi")
    h = hashlib.sha256(s.cookies["gidhd_session"].encode()).hexdigest()
    plan = sql(stack, "EXPLAIN SELECT s.id FROM sessions s JOIN users u ON"
               " u.id = s.user_id LEFT JOIN organisations o ON"
               " o.id = u.organisation_id WHERE s.token_hash = UNHEX('%s')"
               " AND s.expires > UTC_TIMESTAMP() AND u.active = 1" % h)
    tables = {row[2]: row for row in plan}
    assert tables["s"][3] == "const" and tables["s"][5] == "sessions_token"
    assert tables["u"][3] == "const"


def test_idle_timeout(make_daemon, stack):
    di = make_daemon({"session": {"idle_timeout": "2", "absolute_timeout": "60"}})
    s = login(di, "t.session")
    token = s.cookies["gidhd_session"]
    assert api(s, "GET", "/api/v1/me").status_code == 200
    time.sleep(3.2)
    assert api(s, "GET", "/api/v1/me").status_code == 401
    h = hashlib.sha256(token.encode()).hexdigest()
    assert sql(stack, "SELECT COUNT(*) FROM sessions WHERE token_hash = UNHEX('%s')"
               % h) == [["0"]]
    # Its maintenance purges, every minute, every session of the shared
    # database idle for 2 s: it must not outlive this test.
    assert di.stop() == 0


def test_absolute_timeout(make_daemon):
    da = make_daemon({"session": {"idle_timeout": "3", "absolute_timeout": "5"}})
    s = login(da, "t.session")
    start = time.monotonic()
    codes = []
    while time.monotonic() - start < 8:
        codes.append((round(time.monotonic() - start, 1),
                      api(s, "GET", "/api/v1/me").status_code))
        time.sleep(0.5)
    early = [c for t, c in codes if t < 3.8]
    late = [c for t, c in codes if t > 6.2]
    assert early and set(early) == {200}, codes
    assert late and set(late) == {401}, codes
    assert da.stop() == 0      # see test_idle_timeout


# ------------------------------------------------------------ re-check

@pytest.fixture(scope="module")
def recheck(make_slapd, make_daemon):
    """A directory of this module's own, and a daemon that asks it again
    after three seconds."""
    s = make_slapd("recheck")
    dr = make_daemon({"ldap": {"uri": s.uri}, "session": {"recheck_interval": "3"}})
    return s, dr


def test_recheck_follows_roles(recheck, stack):
    s, dr = recheck
    sess = login(dr, "t.mover")
    assert sess.user["roles"] == ["agent"]
    s.modify("dn: cn=gid-agents,%s\nchangetype: modify\ndelete: member\n"
             "member: uid=t.mover,%s\n\n"
             "dn: cn=gid-referents,%s\nchangetype: modify\nadd: member\n"
             "member: uid=t.mover,%s\n" % (GROUPS, PEOPLE, GROUPS, PEOPLE))
    # Within the interval the session keeps its roles (no directory per request).
    assert api(sess, "GET", "/api/v1/me").json()["user"]["roles"] == ["agent"]
    time.sleep(3.5)
    r = api(sess, "GET", "/api/v1/me")
    assert r.status_code == 200
    assert r.json()["user"]["roles"] == ["referent"]
    assert sql(stack, "SELECT roles FROM users WHERE login = 't.mover'") == [["1"]]


def test_recheck_ends_access_of_who_left_the_groups(recheck, stack):
    s, dr = recheck
    sess = login(dr, "t.leaver")
    other = login(dr, "t.leaver")
    t = api(sess, "POST", "/api/v1/tokens", json={"name": "leaver's script"})
    assert t.status_code == 201
    secret = t.json()["token"]["secret"]
    s.modify("dn: cn=gid-referents,%s\nchangetype: modify\ndelete: member\n"
             "member: uid=t.leaver,%s\n" % (GROUPS, PEOPLE))
    time.sleep(3.5)
    r = api(sess, "GET", "/api/v1/me")
    assert r.status_code == 401
    # Every other session and every token of the person ended with it.
    assert api(other, "GET", "/api/v1/me").status_code == 401
    r = requests.get(dr.url + "/api/v1/me", timeout=10,
                     headers={"Authorization": "Bearer " + secret})
    assert r.status_code == 401
    assert sql(stack, "SELECT active, roles, disabled IS NOT NULL FROM users"
               " WHERE login = 't.leaver'") == [["0", "0", "1"]]
    assert sql(stack, "SELECT reason FROM auth_audit WHERE login = 't.leaver'"
               " AND event = 'access.revoked'") == [["no_group"]]
    # And a new login says why.
    r = requests.post(dr.url + "/api/v1/session", timeout=10,
                      json={"login": "t.leaver", "password": DEMO_PASSWORD})
    assert r.status_code == 403
    assert r.json()["error"]["code"] == "no_access"
    # Back in a group, back in: the row is active again.
    s.modify("dn: cn=gid-referents,%s\nchangetype: modify\nadd: member\n"
             "member: uid=t.leaver,%s\n" % (GROUPS, PEOPLE))
    back = login(dr, "t.leaver")
    assert back.user["roles"] == ["referent"]
    assert sql(stack, "SELECT active, disabled IS NULL FROM users"
               " WHERE login = 't.leaver'") == [["1", "1"]]


def test_recheck_ends_tokens_of_a_deleted_entry(recheck, stack):
    s, dr = recheck
    sess = login(dr, "t.session")
    t = api(sess, "POST", "/api/v1/tokens", json={"name": "gone soon"})
    secret = t.json()["token"]["secret"]
    s.modify("dn: uid=t.session,%s\nchangetype: delete\n" % PEOPLE)
    time.sleep(3.5)
    # The token is re-checked too, not only sessions.
    r = requests.get(dr.url + "/api/v1/me", timeout=10,
                     headers={"Authorization": "Bearer " + secret})
    assert r.status_code == 401
    assert api(sess, "GET", "/api/v1/me").status_code == 401
    assert sql(stack, "SELECT reason FROM auth_audit WHERE login = 't.session'"
               " AND event = 'access.revoked' ORDER BY id DESC LIMIT 1") == \
        [["left_directory"]]
    # Put the shared user back as it was for other tests.
    sql(stack, "UPDATE users SET active = 1, roles = 1, disabled = NULL"
        " WHERE login = 't.session'")
