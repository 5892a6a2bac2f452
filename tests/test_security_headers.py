"""Hostile-input suite, XSS, CSRF and headers (SECURITY.md §9, T41-T46)."""

import glob
import os
import re

import pytest
import requests

import stack as stackmod
from conftest import SRCDIR, api
from hostile import (CSP_DIRECTIVES, SECURITY_HEADERS, endpoint_answers, is_library_page,
                     login_or_skip,
                     needs, new_ticket, post_login, raw, request, split_answer,
                     status_of)


def test_t41_stored_xss_in_a_browser():
    pytest.skip("T41 runs in the browser suite (tests/browser.sh, case 'T41: a title "
                "of <img src=x onerror=alert(1)> ...' of tests/browser/portal.test.mjs), "
                "which drives Chromium; the API side (JSON, nosniff, CSP on every answer) "
                "is T45")


# ---------------------------------------------------------------- T42

def c_calls(text, name):
    """The argument lists of every call of name in C source text."""
    out = []
    for m in re.finditer(r"\b%s\s*\(" % re.escape(name), text):
        depth, i, args, cur = 1, m.end(), [], ""
        while depth and i < len(text):
            c = text[i]
            if c == '"':
                j = i + 1
                while text[j] != '"':
                    j += 2 if text[j] == "\\" else 1
                cur += text[i:j + 1]
                i = j + 1
                continue
            if c in "([":
                depth += 1
            elif c in ")]":
                depth -= 1
                if depth == 0:
                    break
            if c == "," and depth == 1:
                args.append(cur.strip())
                cur = ""
            else:
                cur += c
            i += 1
        args.append(cur.strip())
        out.append((text.count("\n", 0, m.start()) + 1, args))
    return out


CONSTANT_REASON = re.compile(r'^("([^"\\]|\\.)*"|NULL|reply_phrase\s*\(.*\))$', re.S)


def test_t42_no_input_in_reason_phrases():
    """evhttp_send_error writes its reason into HTML unescaped (2.1.12), and
    evhttp_send_reply into the status line: only string literals, NULL or
    reply_phrase() (a switch of literals) may be passed. A CI grep."""
    found = 0
    for path in sorted(glob.glob(os.path.join(SRCDIR, "src", "*.c"))):
        with open(path) as f:
            text = f.read()
        for fn, pos in (("evhttp_send_error", 2), ("evhttp_send_reply", 2),
                        ("evhttp_send_reply_start", 2)):
            for line, args in c_calls(text, fn):
                found += 1
                assert len(args) > pos, (path, line, args)
                assert CONSTANT_REASON.match(args[pos]), \
                    "%s:%d: %s with a non-constant reason %r" % (
                        os.path.basename(path), line, fn, args[pos])
    assert found >= 1
    with open(os.path.join(SRCDIR, "src", "reply.c")) as f:
        reply = f.read()
    phrase = reply[reply.index("reply_phrase(int status)"):]
    phrase = phrase[:phrase.index("\n}\n")]
    # reply_phrase returns literals only.
    for ret in re.findall(r"return\s*\((.*?)\);", phrase):
        assert re.match(r'^"[^"]*"$', ret.strip()), ret


def test_t42_errors_reflect_nothing(daemon):
    evil = "<script>alert(1)</script>"
    for path in ("/nope/" + evil, "/api/v1/" + evil, "/api/v1/tickets/" + evil,
                 "/%3Cscript%3Ealert(1)%3C/script%3E"):
        r = daemon.get(path)
        assert r.status_code in (400, 401, 404), (path, r.status_code)
        assert b"<script" not in r.content.lower() and b"%3cscript" not in r.content.lower()
        assert r.headers["Content-Type"] == "application/json; charset=utf-8"
    for data in (b"GET /" + evil.encode() + b" HTTP/9.9\r\n\r\n",
                 b"<script>alert(1)</script> / HTTP/1.1\r\n\r\n",
                 b"GET / HTTP/1.1\r\nHost: x\r\nX: " + b"<script>" * 3000 + b"\r\n\r\n"):
        answer = raw(daemon, data)
        assert b"<script" not in answer.lower(), answer[:200]
        assert b"alert" not in answer


# ---------------------------------------------------------------- T43-T44

def test_t43_cross_site_writes_refused(daemon):
    needs(daemon, "POST", "/api/v1/session")
    evil = "http://evil.test"
    r = post_login(daemon, "l.sqalli", "Demo2026!", headers={"Origin": evil})
    assert r.status_code == 403 and "set-cookie" not in r.headers
    r = post_login(daemon, "l.sqalli", "Demo2026!", headers={"Origin": "null"})
    assert r.status_code == 403
    r = requests.post(daemon.url + "/api/v1/session", timeout=15,
                      json={"login": "l.sqalli", "password": "Demo2026!"},
                      headers={"Sec-Fetch-Site": "cross-site"})
    assert r.status_code == 403
    s = login_or_skip(daemon, "l.sqalli")
    lang = api(s, "GET", "/api/v1/me").json()["user"]["lang"]
    other = "en" if lang == "fr" else "fr"
    # The right token from the wrong origin; no token from the right one.
    assert api(s, "PATCH", "/api/v1/me", json={"lang": other},
               headers={"Origin": evil}).status_code == 403
    csrf = s.headers.pop("X-CSRF-Token")
    assert api(s, "PATCH", "/api/v1/me", json={"lang": other}).status_code == 403
    assert api(s, "PATCH", "/api/v1/me", json={"lang": other},
               headers={"X-CSRF-Token": "A" * 43}).status_code == 403
    assert api(s, "DELETE", "/api/v1/session").status_code == 403
    s.headers["X-CSRF-Token"] = csrf
    assert api(s, "GET", "/api/v1/me").json()["user"]["lang"] == lang
    assert api(s, "DELETE", "/api/v1/session", headers={"Origin": evil}).status_code == 403
    assert api(s, "GET", "/api/v1/me").status_code == 200
    # Both right: allowed.
    r = api(s, "PATCH", "/api/v1/me", json={"lang": other}, headers={"Origin": daemon.url})
    assert r.status_code == 200 and r.json()["user"]["lang"] == other
    api(s, "PATCH", "/api/v1/me", json={"lang": lang})


def test_t43_cross_site_ticket_creation(daemon, stack):
    s = login_or_skip(daemon, "l.sqalli")
    needs(daemon, "POST", "/api/v1/tickets")
    from conftest import sql
    before = sql(stack, "SELECT COUNT(*) FROM tickets")
    body = {"title": "T43", "queue": "depense", "priority": 3, "body": "x"}
    assert api(s, "POST", "/api/v1/tickets", json=body,
               headers={"Origin": "http://evil.test"}).status_code == 403
    csrf = s.headers.pop("X-CSRF-Token")
    assert api(s, "POST", "/api/v1/tickets", json=body).status_code == 403
    s.headers["X-CSRF-Token"] = csrf
    assert sql(stack, "SELECT COUNT(*) FROM tickets") == before


def test_t44_cors_simple_request_refused(daemon):
    s = login_or_skip(daemon, "l.sqalli")
    lang = api(s, "GET", "/api/v1/me").json()["user"]["lang"]
    other = "en" if lang == "fr" else "fr"
    csrf = s.headers.pop("X-CSRF-Token")
    for ct in ("text/plain", "application/x-www-form-urlencoded", "multipart/form-data"):
        r = api(s, "PATCH", "/api/v1/me", data='{"lang":"%s"}' % other,
                headers={"Content-Type": ct})
        assert r.status_code in (403, 415), (ct, r.status_code)
        r = api(s, "POST", "/api/v1/tickets", data='{"title":"x"}',
                headers={"Content-Type": ct})
        assert r.status_code in (403, 404, 415), (ct, r.status_code)
    s.headers["X-CSRF-Token"] = csrf
    assert api(s, "GET", "/api/v1/me").json()["user"]["lang"] == lang


# ---------------------------------------------------------------- T45

ROUTE_RE = re.compile(r'\{\s*((?:M_[A-Z]+\s*\|?\s*)+),\s*"([^"]+)"')
METHOD_NAMES = {"M_GET": ["GET", "HEAD"], "M_POST": ["POST"], "M_PUT": ["PUT"],
                "M_PATCH": ["PATCH"], "M_DELETE": ["DELETE"], "M_HEAD": ["HEAD"]}


def route_table():
    """(methods, path) for every entry of src/routes.c, parameters filled."""
    with open(os.path.join(SRCDIR, "src", "routes.c")) as f:
        text = f.read()
    out = []
    for methods, pattern in ROUTE_RE.findall(text):
        names = []
        for m in re.findall(r"M_[A-Z]+", methods):
            names += METHOD_NAMES[m]
        path = re.sub(r"\{[^}]+\}", "1", pattern).replace("/*", "/index.html")
        out.append((names, path))
    assert len(out) >= 4
    return out


def check_headers(r, what, tls=False):
    h = r.headers
    for k, v in SECURITY_HEADERS.items():
        assert h.get(k) == v, (what, k, h.get(k))
    csp = h.get("Content-Security-Policy", "")
    for d in CSP_DIRECTIVES:
        # default-src 'none' covers object-src; base-uri and frame-ancestors
        # do not fall back to default-src and must be there themselves.
        if d == "object-src 'none'" and "default-src 'none'" in csp:
            continue
        assert d in csp, (what, d, csp)
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert h.get("X-Request-Id"), what
    if r.status_code not in (204, 304):
        ct = h.get("Content-Type", "")
        assert ct, what
        if ct.startswith(("text/", "application/json")):
            assert "charset=utf-8" in ct.lower(), (what, ct)
    if tls:
        assert "max-age=31536000" in h.get("Strict-Transport-Security", ""), what
    # Portal files revalidate (no-cache); everything else is never stored.
    static = r.status_code in (200, 304) and "/api/" not in r.url and "ETag" in h
    want = "no-cache" if static else "no-store"
    assert want in h.get("Cache-Control", ""), (what, h.get("Cache-Control"))


def walk(d, session=None, tls=False):
    seen = 0
    send = session.request if session is not None else requests.request
    for methods, path in route_table():
        for m in methods:
            kw = {"timeout": 15}
            if m in ("POST", "PUT", "PATCH"):
                kw["json"] = {}
            r = send(m, d.url + path, **kw)
            check_headers(r, "%s %s -> %d" % (m, path, r.status_code), tls)
            assert r.status_code < 500 or r.status_code == 503, (m, path, r.status_code)
            seen += 1
    return seen


def test_t45_security_headers_on_every_answer(daemon, make_daemon):
    assert walk(daemon) >= 4
    # The errors our router makes: 404, 405, 413, 400, and 503 from a
    # daemon whose database does not answer.
    for r in (daemon.get("/api/v1/nothing"), daemon.get("/nope.html"),
              daemon.request("POST", "/healthz"), daemon.request("DELETE", "/"),
              daemon.request("GET", "/healthz", data=b"x" * (2 << 20)),
              daemon.get("/healthz?a=1&a=2"), daemon.get("/%ff"),
              daemon.request("OPTIONS", "/"), daemon.get("/index.html"),
              daemon.get("/", headers={"If-None-Match": daemon.get("/").headers["ETag"]})):
        check_headers(r, "%s %s -> %d" % (r.request.method, r.request.url, r.status_code))
    nodb = make_daemon({"database": {"port": str(stackmod.free_port())}})
    r = nodb.get("/readyz")
    assert r.status_code == 503
    check_headers(r, "readyz without a database")
    nodb.stop()
    # HSTS when the site is served over TLS (cookie_secure = yes says so).
    tls = make_daemon({"session": {"cookie_secure": "yes"}})
    walk(tls, tls=True)
    check_headers(tls.get("/nope"), "404 over TLS", tls=True)
    tls.stop()


def test_t45_headers_when_logged_in(daemon):
    s = login_or_skip(daemon, "admin.benzaari")
    for methods, path in route_table():
        if "GET" in methods:
            r = api(s, "GET", path)
            check_headers(r, "GET %s as admin -> %d" % (path, r.status_code))
            assert "no-store" in r.headers.get("Cache-Control", "") or \
                not path.startswith("/api/"), path
    # An attachment download, which has its own CSP (sandbox): it must
    # still forbid framing and <base> (they do not fall back to default-src).
    if endpoint_answers(daemon, "POST", "/api/v1/uploads"):
        r = api(s, "POST", "/api/v1/uploads?filename=t45.txt", data=b"t45",
                headers={"Content-Type": "text/plain"})
        assert r.status_code == 201, r.text
        t = new_ticket(s, title="T45", attachments=[r.json()["upload"]["id"]])
        att = t["articles"][0]["attachments"][0]["id"]
        r = api(s, "GET", "/api/v1/attachments/%s" % att)
        assert r.status_code == 200
        check_headers(r, "an attachment download")


def test_t45_library_pages_carry_no_input(daemon):
    """The answers evhttp makes itself, before our code (bad request line,
    headers over max_header_size, a body over its limit, unknown methods),
    cannot carry our headers in 2.1.12 (R-HDR-2: the reverse proxy adds
    them). They must be constant: no byte of the request in them."""
    marker = "zq7<b>x"
    for data, want in (
            (("GET /%s HTTP/9.9\r\n\r\n" % marker).encode(), 400),
            (request("GET", "/", headers=["X-%s: %s" % ("a", "b" * 20000)]), 400),
            (request("POST", "/healthz", headers=["Content-Length: 99999999"]), 413),
            (request("FOO", "/" + marker), 501),
            (b"GARBAGE " + marker.encode() + b"\r\n\r\n", 400)):
        answer = raw(daemon, data)
        assert status_of(answer) == want, answer[:120]
        assert is_library_page(answer), answer[:300]
        st, headers, body = split_answer(answer)
        assert marker.encode() not in answer
        assert headers["content-type"][0].startswith("text/html")


def test_t46_framing_blocked_in_a_browser(daemon):
    """The header half: frame-ancestors 'none' on every answer is asserted
    by T45. The browser half is in the browser suite (Chromium)."""
    assert "frame-ancestors 'none'" in daemon.get("/").headers["Content-Security-Policy"]
    pytest.skip("T46's browser half runs in the browser suite (tests/browser.sh, case "
                "'T46: a page of another loopback origin cannot frame the portal' of "
                "tests/browser/portal.test.mjs); the header is asserted here and by T45")
