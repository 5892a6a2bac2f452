"""Logging in against the directory (issue 3): search-then-bind with escaped
filters, the answers 200/401/403/429/503, roles from the groups, cookie
flags, throttling, audit, LDAP transport (failover, ldaps, StartTLS, a
wrong CA). People of tests/data/directory-test.ldif have the password
Demo2026! unless said otherwise.

Failed logins are sent with an X-Forwarded-For address of their own
(the daemon trusts 127.0.0.1 as a proxy), so that this module's failures
never throttle the logins of other tests, which all come from 127.0.0.1.
"""

import itertools
import os
import re
import statistics
import subprocess
import time

import pytest
import requests

import stack as stackmod
from conftest import DEMO_PASSWORD, SlapdLog, api, login, sql

SUFFIX = stackmod.SUFFIX
PEOPLE = "ou=people," + SUFFIX
SPECIAL_PASSWORD = "pa ss;w@rd \u00e9\u2713 \u5bc6\u7801 ok"
LONG_PASSWORD = "correct horse battery staple " * 4
INVALID = {"error": {"code": "invalid_credentials",
                     "message": "Invalid login or password."}}
USER_KEYS = {"id", "login", "name", "email", "phone", "organisation", "roles",
             "lang"}
_addr = itertools.count(1)


def fresh_ip():
    """A client address no other request used (10.3.x.y)."""
    n = next(_addr)
    return "10.3.%d.%d" % (n // 250, n % 250 + 1)


def post_login(d, user, password=DEMO_PASSWORD, ip=None, **kw):
    headers = kw.pop("headers", {})
    headers.setdefault("X-Forwarded-For", ip or fresh_ip())
    return requests.post(d.url + "/api/v1/session",
                         json={"login": user, "password": password},
                         headers=headers, timeout=20, **kw)


@pytest.fixture(scope="module")
def d(make_daemon):
    return make_daemon({"server": {"trusted_proxies": "127.0.0.1"}})


@pytest.fixture(scope="module", autouse=True)
def forget_failures(stack):
    """Leave no failure counts behind for the tests that come after."""
    yield
    sql(stack, "DELETE FROM login_failures")


def ldap_conf(uri, **extra):
    conf = {"uri": uri}
    conf.update(extra)
    return {"ldap": conf, "server": {"trusted_proxies": "127.0.0.1"}}


# ------------------------------------------------------------ success

def test_login_answer_and_session(d, stack):
    r = post_login(d, "a.benali")
    assert r.status_code == 200, r.text
    body = r.json()
    assert set(body) == {"user", "csrf_token", "limits"}
    # The portal checks sizes against these: the daemon's [tickets] defaults here.
    assert body["limits"] == {"max_attachment_size": 10485760, "max_article_size": 65536}
    u = body["user"]
    assert set(u) == USER_KEYS
    assert u["login"] == "a.benali"
    assert u["name"] == "Amina Benali"
    assert u["email"] == "a.benali@tgr.gov.ma"
    assert u["phone"] == "+212 537 00 01 01"
    assert u["organisation"] == "TP Rabat"
    assert u["roles"] == ["referent"]
    assert u["lang"] in ("fr", "en")
    assert re.fullmatch(r"[A-Za-z0-9_-]{43}", body["csrf_token"])
    cookie = r.cookies.get("gidhd_session")
    assert cookie and re.fullmatch(r"[A-Za-z0-9_-]{43}", cookie)
    me = requests.get(d.url + "/api/v1/me", cookies={"gidhd_session": cookie},
                      timeout=10)
    assert me.status_code == 200
    assert me.json()["user"] == u
    assert me.json()["csrf_token"] == body["csrf_token"]
    assert me.json()["limits"] == body["limits"]
    rows = sql(stack, "SELECT u.dn, o.name, u.last_login IS NOT NULL FROM users u"
               " JOIN organisations o ON o.id = u.organisation_id"
               " WHERE u.login = 'a.benali'")
    assert rows == [["uid=a.benali," + PEOPLE, "TP Rabat", "1"]]


def test_limits_follow_the_configuration(make_daemon):
    """GET /me and the login give the configured sizes, not the defaults."""
    d2 = make_daemon({"tickets": {"max_attachment_size": "2048",
                                  "max_article_size": "4096"}})
    r = post_login(d2, "a.benali")
    assert r.status_code == 200, r.text
    assert r.json()["limits"] == {"max_attachment_size": 2048, "max_article_size": 4096}
    me = requests.get(d2.url + "/api/v1/me", cookies=r.cookies, timeout=10)
    assert me.json()["limits"] == r.json()["limits"]


def test_special_password_and_accents(d):
    r = post_login(d, "t.special", SPECIAL_PASSWORD)
    assert r.status_code == 200, r.text
    u = r.json()["user"]
    assert u["name"] == "\u00c9lo\u00efse \u00c7a\u00efd-Lef\u00e8vre"
    assert u["organisation"] == "TP F\u00e8s"
    assert r.headers["Content-Type"] == "application/json; charset=utf-8"
    # The password is checked exactly as typed: no trimming, no case change.
    for wrong in (SPECIAL_PASSWORD.strip() + " ", SPECIAL_PASSWORD[:-1],
                  SPECIAL_PASSWORD.upper(), " " + SPECIAL_PASSWORD,
                  SPECIAL_PASSWORD.replace("\u00e9", "e")):
        assert post_login(d, "t.special", wrong).status_code == 401, wrong


def test_long_pass_phrase(d):
    assert len(LONG_PASSWORD) > 64
    assert post_login(d, "t.longpass", LONG_PASSWORD).status_code == 200
    # Its trailing space is part of it.
    assert post_login(d, "t.longpass", LONG_PASSWORD.rstrip()).status_code == 401


@pytest.mark.parametrize("user,password", [
    ("a.benali", "wrong-password"),
    ("a.benali", ""),
    ("", DEMO_PASSWORD),
    ("nobody.here", DEMO_PASSWORD),
    ("*", DEMO_PASSWORD),
    ("k*", DEMO_PASSWORD),
    ("a.benali*", DEMO_PASSWORD),
    ("a.ben*li", DEMO_PASSWORD),
    ("x)(uid=*", DEMO_PASSWORD),
    ("admin)(|(uid=*", DEMO_PASSWORD),
    ("*)(uid=*))(|(uid=*", DEMO_PASSWORD),
    ("a.benali)(|(uid=*)", DEMO_PASSWORD),
    ("\\", DEMO_PASSWORD),
    ("a.benal\\69", DEMO_PASSWORD),
    ("a.benali\n", DEMO_PASSWORD),
    ("x" * 129, DEMO_PASSWORD),
    ("a.benali", "p" * 1025),
])
def test_refused_with_the_same_answer(d, user, password):
    r = post_login(d, user, password)
    assert r.status_code == 401, (user, r.text)
    assert r.json() == INVALID
    assert "gidhd_session" not in r.cookies


def test_filters_are_escaped_at_slapd(d, stack):
    log = SlapdLog(stack.slapd)
    assert post_login(d, "k*").status_code == 401
    assert post_login(d, "x)(uid=*").status_code == 401
    text = log.text()
    assert "(uid=k\\2A)" in text or "(uid=k\\2a)" in text, text[-2000:]
    assert re.search(r"\(uid=x\\29\\28uid=\\2[aA]\)", text), text[-2000:]


def test_uid_with_a_star_logs_in(d):
    r = post_login(d, "t.st*r")
    assert r.status_code == 200, r.text
    assert r.json()["user"]["login"] == "t.st*r"
    # The star is a character, not a wildcard.
    assert post_login(d, "t.st*").status_code == 401
    assert post_login(d, "t.s*r").status_code == 401


def test_case_variants_are_one_user(d, stack):
    for typed in ("A.BENALI", "A.Benali", "a.benali"):
        r = post_login(d, typed)
        assert r.status_code == 200, typed
        assert r.json()["user"]["login"] == "a.benali"
    assert sql(stack, "SELECT COUNT(*) FROM users WHERE login = 'a.benali'") == [["1"]]


def test_referral_is_not_followed(d):
    """An entry that is a referral comes back as a search reference, which
    is not an entry and is not chased: the login fails."""
    r = post_login(d, "t.referral")
    assert r.status_code == 401
    assert r.json() == INVALID


def test_ambiguous_login_is_refused_and_logged(d, stack):
    r = post_login(d, "t.dup")
    assert r.status_code == 401
    assert r.json() == INVALID
    assert "several entries" in d.log_text()
    assert sql(stack, "SELECT COUNT(*) FROM users WHERE login = 't.dup'") == [["0"]]


def test_nul_in_the_password_is_refused(d):
    for body in ('{"login":"a.benali","password":"Demo2026!\\u0000junk"}',
                 '{"login":"a.benali\\u0000","password":"Demo2026!"}',
                 '{"login":"a.benali","password":"\\u0000"}'):
        r = requests.post(d.url + "/api/v1/session", data=body, timeout=10,
                          headers={"Content-Type": "application/json",
                                   "X-Forwarded-For": fresh_ip()})
        assert r.status_code in (400, 401), body
        assert "gidhd_session" not in r.cookies


def test_malformed_requests(d):
    url = d.url + "/api/v1/session"
    h = {"X-Forwarded-For": fresh_ip()}
    cases = [
        {"login": "a.benali"},
        {"password": DEMO_PASSWORD},
        {"login": "a.benali", "password": DEMO_PASSWORD, "remember": True},
        {"login": 12, "password": DEMO_PASSWORD},
        {"login": "a.benali", "password": ["Demo2026!"]},
    ]
    for body in cases:
        r = requests.post(url, json=body, headers=h, timeout=10)
        assert r.status_code == 400, body
        assert r.json()["error"]["code"] == "bad_request"
    r = requests.post(url, data="login=a.benali&password=Demo2026!", timeout=10,
                      headers=dict(h, **{"Content-Type":
                                         "application/x-www-form-urlencoded"}))
    assert r.status_code == 415
    r = requests.post(url, data="{", headers=dict(h, **{"Content-Type":
                                                        "application/json"}),
                      timeout=10)
    assert r.status_code == 400
    assert requests.get(url, timeout=10).status_code == 405


def test_login_from_another_site_is_refused(d):
    r = post_login(d, "a.benali", headers={"Origin": "http://evil.example"})
    assert r.status_code == 403
    assert "gidhd_session" not in r.cookies


# ------------------------------------------------------------ roles

@pytest.mark.parametrize("user,roles", [
    ("a.benali", ["referent"]),
    ("agent.hamdi", ["agent"]),
    ("admin.benzaari", ["admin"]),
    ("t.multi", ["referent", "agent"]),
    ("t.js", ["agent"]),
])
def test_roles_from_groups(d, user, roles):
    r = post_login(d, user)
    assert r.status_code == 200, r.text
    assert r.json()["user"]["roles"] == roles


@pytest.mark.parametrize("user", ["t.nogroup", "t.js2"])
def test_valid_user_in_no_group_gets_403(d, stack, user):
    r = post_login(d, user)
    assert r.status_code == 403
    err = r.json()["error"]
    assert err["code"] == "no_access"
    assert "group" in err["message"]
    assert "gidhd_session" not in r.cookies
    assert sql(stack, "SELECT COUNT(*) FROM users WHERE login = '%s'" % user) == [["0"]]


def test_roles_from_memberof(make_slapd, make_daemon):
    """group_membership = memberof: slapd's dynlist overlay computes memberOf;
    the groups themselves are never searched."""
    s = make_slapd("memberof", modules="moduleload dynlist",
                   extra_global="include /etc/ldap/schema/dyngroup.schema",
                   overlays="overlay dynlist\n"
                   "dynlist-attrset groupOfURLs memberURL member+memberOf@groupOfNames")
    dm = make_daemon(ldap_conf(s.uri, group_membership="memberof"))
    log = SlapdLog(s)
    for user, roles in (("t.multi", ["referent", "agent"]), ("t.js", ["agent"]),
                        ("admin.benzaari", ["admin"])):
        r = post_login(dm, user)
        assert r.status_code == 200, r.text
        assert r.json()["user"]["roles"] == roles
    assert post_login(dm, "t.nogroup").status_code == 403
    assert 'base="cn=gid-' not in log.text()
    # auto reads memberOf too, when the server gives it.
    da = make_daemon(ldap_conf(s.uri))
    log = SlapdLog(s)
    assert post_login(da, "t.multi").json()["user"]["roles"] == ["referent", "agent"]
    assert 'base="cn=gid-' not in log.text()


def test_roles_by_group_search(d, stack):
    """Without memberOf (the shared slapd has no overlay) the groups are
    searched with the user's DN, filter-escaped."""
    log = SlapdLog(stack.slapd)
    assert post_login(d, "t.js").status_code == 200
    text = log.text()
    assert 'base="cn=gid-agents,ou=groups,' + SUFFIX + '"' in text
    # The DN's own escape (\2C or \,) is escaped again: its backslash is \5c.
    assert re.search(r"\(member=cn=smith\\5c(2c|,) john\+uid=t\.js,", text, re.I), \
        text[-3000:]


# ------------------------------------------------------------ cookie

def test_cookie_flags(d, make_daemon):
    r = post_login(d, "a.benali")
    sc = r.headers["Set-Cookie"]
    parts = [p.strip() for p in sc.split(";")]
    assert parts[0].startswith("gidhd_session=")
    assert "HttpOnly" in parts
    assert "SameSite=Strict" in parts
    assert "Path=/" in parts
    assert not any(p.lower().startswith("domain") for p in parts)
    assert "Secure" not in parts
    assert r.headers["Cache-Control"] == "no-store"
    ds = make_daemon({"session": {"cookie_secure": "yes"}})
    raw = requests.post(ds.url + "/api/v1/session", timeout=10,
                        json={"login": "a.benali", "password": DEMO_PASSWORD})
    assert "Secure" in [p.strip() for p in raw.headers["Set-Cookie"].split(";")]
    assert "max-age" in raw.headers["Strict-Transport-Security"]


# ------------------------------------------------------------ enumeration

def test_unknown_login_and_wrong_password_look_the_same(d, stack):
    """Same status, same body, about the same time (RT CVE-2021-38562). On
    loopback the directory's round trips cost little, so the test also
    checks that both cost the directory the same work: a search as the
    service account, then a failed bind on another connection (the one
    each worker keeps for checking passwords)."""
    for user in ("y.elidrissi", "no.such.person"):
        log = SlapdLog(stack.slapd)
        assert post_login(d, user, "not-the-password").status_code == 401
        text = log.text()
        searches = re.findall(r'conn=(\d+) op=\d+ SRCH base="ou=people,', text)
        failed = re.findall(r"conn=(\d+) op=\d+ RESULT tag=97 err=49", text)
        assert len(searches) == 1 and len(failed) == 1, (user, text)
        assert searches[0] != failed[0], (user, text)
    def timed(user):
        t = time.monotonic()
        r = post_login(d, user, "not-the-password")
        return r, time.monotonic() - t

    known, unknown = [], []
    for _ in range(15):
        r1, t1 = timed("y.elidrissi")
        r2, t2 = timed("no.such.person")
        assert r1.status_code == r2.status_code == 401
        assert r1.content == r2.content
        known.append(t1)
        unknown.append(t2)
    mk, mu = statistics.median(known), statistics.median(unknown)
    print("median wrong password %.1f ms, unknown login %.1f ms" % (mk * 1e3, mu * 1e3))
    assert abs(mk - mu) < max(0.010, 0.5 * max(mk, mu)), (mk, mu)


# ------------------------------------------------------------ throttling

def test_throttled_after_five_failures_without_asking_slapd(d, stack):
    ip = fresh_ip()
    dn = "uid=t.throttle," + PEOPLE
    log = SlapdLog(stack.slapd)
    codes = []
    for _ in range(12):
        r = post_login(d, "t.throttle", "wrong", ip=ip)
        codes.append(r.status_code)
        if r.status_code == 429:
            assert r.json()["error"]["code"] == "too_many_attempts"
            wait = int(r.headers["Retry-After"])
            assert 1 <= wait <= 900
    assert codes == [401] * 5 + [429] * 7, codes
    text = log.text()
    # Only the five attempts before the throttle reached the directory.
    assert len(re.findall(r"SRCH base=.*\(uid=t\.throttle\)", text)) == 5
    assert len(re.findall(r'BIND dn="%s"' % re.escape(dn), text)) == 5
    # The right password from the same address waits too...
    r = post_login(d, "t.throttle", ip=ip)
    assert r.status_code == 429
    # ...but the person is not locked out from elsewhere.
    assert post_login(d, "t.throttle", ip=fresh_ip()).status_code == 200
    # Case and space variants count as the same login.
    for variant in ("T.Throttle", "  t.throttle", "t.throttle "):
        assert post_login(d, variant, "wrong", ip=ip).status_code == 429, variant
    rows = sql(stack, "SELECT COUNT(*) FROM auth_audit WHERE event = 'login.failure'"
               " AND reason = 'throttled' AND client_ip = '%s'" % ip)
    assert int(rows[0][0]) >= 10
    events = [e for e in d.log_events() if e.get("event") == "auth.throttled"]
    assert any(e.get("src_ip") == ip for e in events)
    metrics = d.get("/metrics").text
    m = re.search(r'gidhd_logins_total\{outcome="throttled"\} (\d+)', metrics)
    assert m and int(m.group(1)) >= 8


def test_success_clears_the_pair(d):
    ip = fresh_ip()
    for _ in range(4):
        assert post_login(d, "t.throttle", "wrong", ip=ip).status_code == 401
    assert post_login(d, "t.throttle", ip=ip).status_code == 200
    for _ in range(4):
        assert post_login(d, "t.throttle", "wrong", ip=ip).status_code == 401


def test_throttled_per_address(make_daemon):
    dt = make_daemon({"server": {"trusted_proxies": "127.0.0.1"},
                      "login": {"max_failures_per_address": "6"}})
    ip = fresh_ip()
    for i in range(6):
        assert post_login(dt, "nobody%d" % i, "x", ip=ip).status_code == 401
    r = post_login(dt, "a.benali", ip=ip)
    assert r.status_code == 429
    assert int(r.headers["Retry-After"]) >= 1
    assert post_login(dt, "a.benali", ip=fresh_ip()).status_code == 200


def test_throttle_can_be_turned_off(make_daemon):
    dt = make_daemon({"server": {"trusted_proxies": "127.0.0.1"},
                      "login": {"throttle": "no"}})
    ip = fresh_ip()
    for _ in range(7):
        assert post_login(dt, "t.throttle", "wrong", ip=ip).status_code == 401


# ------------------------------------------------------------ audit and logs

def test_audit_trail(d, stack):
    ip = fresh_ip()
    assert post_login(d, "o.lahlou", "nope", ip=ip).status_code == 401
    r = post_login(d, "o.lahlou", ip=ip)
    assert r.status_code == 200
    s = requests.Session()
    s.cookies.update(r.cookies)
    s.headers["X-CSRF-Token"] = r.json()["csrf_token"]
    s.headers["X-Forwarded-For"] = ip
    assert s.delete(d.url + "/api/v1/session", timeout=10).status_code == 204
    assert post_login(d, "t.nogroup", ip=ip).status_code == 403
    rows = sql(stack, "SELECT event, login, IFNULL(reason, '-'), user_id IS NULL"
               " FROM auth_audit WHERE client_ip = '%s' ORDER BY id" % ip)
    assert rows == [
        ["login.failure", "o.lahlou", "wrong_password", "1"],
        ["login.success", "o.lahlou", "-", "0"],
        ["logout", "o.lahlou", "-", "0"],
        ["login.failure", "t.nogroup", "no_access", "1"],
    ]
    created = sql(stack, "SELECT TIMESTAMPDIFF(SECOND, MIN(created), UTC_TIMESTAMP())"
                  " FROM auth_audit WHERE client_ip = '%s'" % ip)
    assert 0 <= int(created[0][0]) < 60
    events = [e for e in d.log_events() if e.get("src_ip") == ip and
              e.get("event", "").startswith(("auth.", "session."))]
    assert [e["event"] for e in events] == ["auth.failure", "auth.success",
                                            "session.logout", "auth.failure"]
    assert events[0]["reason"] == "wrong_password"
    assert events[3]["reason"] == "no_access"


def test_metrics_count_logins(d):
    text = d.get("/metrics").text
    for outcome in ("success", "failure"):
        m = re.search(r'gidhd_logins_total\{outcome="%s"\} (\d+)' % outcome, text)
        assert m and int(m.group(1)) > 0, outcome


def test_no_secrets_in_the_log(d):
    r = post_login(d, "t.special", SPECIAL_PASSWORD)
    assert r.status_code == 200
    text = d.log_text()
    for secret in (SPECIAL_PASSWORD, DEMO_PASSWORD, LONG_PASSWORD.strip(),
                   r.cookies["gidhd_session"], r.json()["csrf_token"],
                   stackmod.SERVICE_PW):
        assert secret not in text
    assert "Cookie" not in text


# ------------------------------------------------------------ the directory

def test_empty_password_never_reaches_the_directory(make_slapd, make_daemon):
    """This slapd allows unauthenticated binds (allow bind_anon_dn), as
    many servers do: only the daemon's own check stops an empty password."""
    s = make_slapd("anon", extra_global="allow bind_anon_dn")
    dn = "uid=a.benali," + PEOPLE
    # The server would accept it: an empty-password bind "succeeds".
    r = subprocess.run(["ldapwhoami", "-x", "-H", s.uri, "-D", dn, "-w", ""],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    da = make_daemon(ldap_conf(s.uri))
    log = SlapdLog(s)
    r = post_login(da, "a.benali", "")
    assert r.status_code == 401
    assert r.json() == INVALID
    assert 'BIND dn="%s"' % dn not in log.text()
    assert "SRCH" not in log.text()
    assert any(e.get("event") == "auth.failure" and e.get("reason") == "bad_input"
               for e in da.log_events())


def test_directory_down_503_while_sessions_go_on(make_slapd, make_daemon):
    s = make_slapd("outage")
    dd = make_daemon(dict(ldap_conf(s.uri), session={"recheck_interval": "1"}))
    sess = login(dd, "a.benali")
    s.stop()
    try:
        t = time.monotonic()
        r = post_login(dd, "y.elidrissi")
        assert time.monotonic() - t < 5
        assert r.status_code == 503
        err = r.json()["error"]
        assert err["code"] == "directory_unavailable"
        assert "directory" in err["message"].lower()
        assert r.headers.get("Retry-After")
        # Existing sessions keep working, re-check due or not.
        time.sleep(1.5)
        for _ in range(3):
            me = api(sess, "GET", "/api/v1/me")
            assert me.status_code == 200
            assert me.json()["user"]["login"] == "a.benali"
        assert api(sess, "PATCH", "/api/v1/me", json={"lang": "fr"}).status_code == 200
        m = re.search(r'gidhd_logins_total\{outcome="unavailable"\} (\d+)',
                      dd.get("/metrics").text)
        assert m and int(m.group(1)) >= 1
        assert int(re.search(r"gidhd_ldap_errors_total (\d+)",
                             dd.get("/metrics").text).group(1)) >= 1
    finally:
        s.start()
    assert post_login(dd, "y.elidrissi").status_code == 200


def test_hung_directory_times_out(make_slapd, make_daemon):
    """A slapd that accepts connections and never answers (SIGSTOP): the
    login gives up after [ldap] timeout, and the worker is free again."""
    s = make_slapd("hung")
    dd = make_daemon(ldap_conf(s.uri, network_timeout="1", timeout="2"))
    assert post_login(dd, "a.benali").status_code == 200
    s.suspend()
    try:
        t = time.monotonic()
        r = post_login(dd, "y.elidrissi")
        elapsed = time.monotonic() - t
        assert r.status_code == 503
        assert r.json()["error"]["code"] == "directory_unavailable"
        assert 1.5 < elapsed < 6, elapsed
        for _ in range(4):
            assert dd.get("/healthz", timeout=2).status_code == 200
    finally:
        s.resume()
    assert post_login(dd, "y.elidrissi").status_code == 200


def test_first_uri_dead_second_alive(stack, make_daemon):
    dead = stackmod.free_port()
    dd = make_daemon(ldap_conf("ldap://127.0.0.1:%d %s" % (dead, stack.slapd.uri)))
    t = time.monotonic()
    r = post_login(dd, "a.benali")
    assert r.status_code == 200, r.text
    assert time.monotonic() - t < 5


def test_wrong_service_password_is_503(stack, make_daemon, tmp_path):
    secret = tmp_path / "wrong.secret"
    secret.write_text("not-the-service-password\n")
    os.chmod(secret, 0o600)
    dd = make_daemon(ldap_conf(stack.slapd.uri, bind_password_file=str(secret)))
    r = post_login(dd, "a.benali")
    assert r.status_code == 503
    assert r.json()["error"]["code"] == "directory_unavailable"


@pytest.fixture(scope="module")
def tls_slapd(make_slapd, cert_authority):
    return make_slapd("tls", cert=cert_authority.issue("slapd-tls"))


def test_ldaps_and_starttls(tls_slapd, cert_authority, make_daemon):
    ca = cert_authority.cert
    dd = make_daemon(ldap_conf(tls_slapd.ldaps_uri, ca_file=ca))
    assert post_login(dd, "t.special", SPECIAL_PASSWORD).status_code == 200
    ds = make_daemon(ldap_conf(tls_slapd.uri, ca_file=ca, start_tls="yes"))
    assert post_login(ds, "a.benali").status_code == 200
    text = open(tls_slapd.log_path()).read()
    assert "STARTTLS" in text


def test_ldaps_failover_first_dead(tls_slapd, cert_authority, make_daemon):
    """libldap 2.5.13 had a double close when the first of several TLS URIs
    fails (ITS#10101); this runs under AddressSanitizer."""
    dead = stackmod.free_port()
    dd = make_daemon(ldap_conf("ldaps://127.0.0.1:%d %s" % (dead, tls_slapd.ldaps_uri),
                               ca_file=cert_authority.cert))
    for _ in range(3):
        assert post_login(dd, "a.benali").status_code == 200


@pytest.mark.parametrize("case", ["other-ca", "wrong-host"])
def test_certificate_not_trusted_is_refused(case, stack, make_slapd, make_daemon,
                                            cert_authority):
    """A server whose certificate ca_file did not sign, or that names another
    host: no bind is sent (not even the service account's), login is 503."""
    if case == "other-ca":
        other = stackmod.CertAuthority(os.path.join(stack.dir, "other-ca"),
                                       name="somebody else's CA")
        cert = other.issue("slapd-other")
    else:
        cert = cert_authority.issue("slapd-wrong-host", hosts=("ldap.elsewhere.example",))
    s = make_slapd("tls-" + case, cert=cert)
    log = SlapdLog(s)
    for conf in (ldap_conf(s.ldaps_uri, ca_file=cert_authority.cert),
                 ldap_conf(s.uri, ca_file=cert_authority.cert, start_tls="yes")):
        dd = make_daemon(conf)
        r = post_login(dd, "a.benali")
        assert r.status_code == 503, conf
        assert r.json()["error"]["code"] == "directory_unavailable"
    text = log.text()
    assert "ACCEPT" in text                         # the daemon reached it...
    assert not re.search(r" BIND dn=", text), text  # ...and sent no bind


def test_starttls_refused_means_no_plain_bind(stack, make_daemon):
    """StartTLS asked of a server without TLS: 503, never a plain-text bind."""
    log = SlapdLog(stack.slapd)
    dd = make_daemon(ldap_conf(stack.slapd.uri, start_tls="yes"))
    r = post_login(dd, "y.elidrissi")
    assert r.status_code == 503
    text = log.text()
    assert "EXT oid=1.3.6.1.4.1.1466.20037" in text     # StartTLS, refused
    assert 'BIND dn="%s"' % stackmod.SERVICE_DN not in text
