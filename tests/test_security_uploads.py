"""Hostile-input suite, uploads and downloads (SECURITY.md §9, T47-T50).
The issues' flow: POST /api/v1/uploads?filename=NAME with the raw bytes,
then the upload id in a new ticket's "attachments", then GET
/api/v1/attachments/{id}."""

import http.client
import socket
import time
import urllib.parse

import pytest

from conftest import api
from hostile import (connect, login_or_skip, needs, new_ticket, rss_kb, split_answer,
                     status_of)

LIMIT = 65536


@pytest.fixture(scope="module")
def up(make_daemon):
    """A daemon with a small attachment limit, a référent logged in."""
    d = make_daemon({"tickets": {"max_attachment_size": str(LIMIT)}})
    s = login_or_skip(d, "n.chraibi")
    needs(d, "POST", "/api/v1/uploads")
    needs(d, "POST", "/api/v1/tickets")
    s.daemon = d
    yield s
    d.stop()


def upload(s, name, data, ctype="application/octet-stream"):
    return api(s, "POST", "/api/v1/uploads?filename=" + urllib.parse.quote(name, safe=""),
               data=data, headers={"Content-Type": ctype})


def attach(s, upload_id, title="T48"):
    t = new_ticket(s, title=title, attachments=[upload_id])
    return t["articles"][0]["attachments"][0]


def raw_download(s, att_id):
    """The status and every header line as sent (duplicates kept), and the body."""
    c = http.client.HTTPConnection("127.0.0.1", s.daemon.port, timeout=15)
    c.request("GET", "/api/v1/attachments/%s" % att_id,
              headers={"Cookie": "gidhd_session=" + s.cookies.get("gidhd_session")})
    r = c.getresponse()
    out = (r.status, r.getheaders(), r.read())
    c.close()
    return out


def test_t47_upload_size_limit(up):
    d = up.daemon
    assert upload(up, "exact.bin", b"x" * LIMIT).status_code == 201
    r = upload(up, "over.bin", b"x" * (LIMIT + 1))
    assert r.status_code == 413, r.status_code
    # Far over evhttp's own limit with Expect: 100-continue: the 413 comes
    # before any body is sent.
    s = connect(d, timeout=10)
    s.sendall(("POST /api/v1/uploads?filename=big.bin HTTP/1.1\r\nHost: x\r\n"
               "Content-Type: application/octet-stream\r\nExpect: 100-continue\r\n"
               "Content-Length: %d\r\nCookie: gidhd_session=%s\r\nX-CSRF-Token: %s\r\n\r\n"
               % (64 << 20, up.cookies.get("gidhd_session"),
                  up.headers["X-CSRF-Token"])).encode())
    answer = s.recv(4096)
    s.close()
    assert status_of(answer) == 413, answer[:100]
    # Memory: ten uploads just over the limit at once cost well under
    # twice the limit each.
    rss0 = rss_kb(d.proc.pid)
    socks = []
    for _ in range(10):
        c = connect(d, timeout=10)
        c.sendall(("POST /api/v1/uploads?filename=x.bin HTTP/1.1\r\nHost: x\r\n"
                   "Content-Length: %d\r\n\r\n" % (LIMIT + 1)).encode() + b"y" * LIMIT)
        socks.append(c)
    time.sleep(0.5)
    grew = rss_kb(d.proc.pid) - rss0
    for c in socks:
        c.close()
    assert grew < 10 * 2 * LIMIT // 1024 + 8 * 1024, "RSS grew by %d KiB" % grew


HTML = b"<html><script>alert(document.cookie)</script></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
POLYGLOT = b"GIF89a/*\x00\x00\x00\x00*/=1;<script>alert(1)</script>"


def test_t48_content_never_renders_as_ours(up):
    for name, data, claimed in (("picture.png", HTML, "image/png"),
                                ("report.pdf", b"%PDF-1.4\n<script>alert(1)</script>",
                                 "application/pdf"),
                                ("drawing.svg", SVG, "image/svg+xml"),
                                ("anim.gif", POLYGLOT, "image/gif"),
                                ("page.html", HTML, "text/html")):
        r = upload(up, name, data, claimed)
        assert r.status_code in (201, 400, 415), (name, r.status_code)
        if r.status_code != 201:
            continue
        stored = r.json()["upload"]["content_type"]
        assert stored not in ("text/html", "image/svg+xml", "application/xhtml+xml",
                              "text/javascript"), (name, stored)
        att = attach(up, r.json()["upload"]["id"])
        st, headers, body = raw_download(up, att["id"])
        h = {k.lower(): v for k, v in headers}
        assert st == 200 and body == data
        assert h["content-disposition"].startswith("attachment")
        assert h["x-content-type-options"] == "nosniff"
        assert "sandbox" in h["content-security-policy"]
        ctype = h["content-type"].split(";")[0].strip().lower()
        assert ctype in ("application/octet-stream", "image/png", "image/jpeg",
                         "image/gif", "application/pdf", "text/plain"), (name, ctype)
        if data in (HTML, SVG):
            assert ctype in ("application/octet-stream", "text/plain"), (name, ctype)


HOSTILE_NAMES = ["../../x", "..\\..\\x", "a\r\nSet-Cookie: z=1", 'a";x=.html',
                 "n" * 10240, "a\x00b.txt", "gpj.\u202eexe", ".htaccess", "",
                 "CON", "r\u00e9sum\u00e9 \U0001F600.pdf", "a/b/c.txt", "%2e%2e%2fx"]


def test_t49_hostile_file_names(up):
    for name in HOSTILE_NAMES:
        r = upload(up, name, b"content of " + name.encode("utf-8", "replace")[:20])
        assert r.status_code in (201, 400), (name[:20], r.status_code)
        if r.status_code != 201:
            continue
        stored = r.json()["upload"]["filename"]
        for bad in ("/", "\\", "\r", "\n", '"', "\x00", "\u202e"):
            assert bad not in stored, (name[:20], stored)
        assert not stored.startswith(".") and stored != ""
        assert len(stored.encode("utf-8")) <= 255
        att = attach(up, r.json()["upload"]["id"], title="T49")
        st, headers, _ = raw_download(up, att["id"])
        assert st == 200
        names = [k.lower() for k, _ in headers]
        assert names.count("content-disposition") == 1, headers
        assert "set-cookie" not in names
        cd = dict((k.lower(), v) for k, v in headers)["content-disposition"]
        assert "\r" not in cd and "\n" not in cd
        assert cd.startswith('attachment; filename="')
        if any(ord(ch) > 127 for ch in stored):
            assert "filename*=UTF-8''" in cd, cd


def test_t50_download_headers(up):
    r = upload(up, "notes.txt", b"plain text", "text/plain")
    assert r.status_code == 201
    att = attach(up, r.json()["upload"]["id"], title="T50")
    st, headers, body = raw_download(up, att["id"])
    h = {k.lower(): v for k, v in headers}
    assert st == 200 and body == b"plain text"
    assert h["content-disposition"].startswith("attachment")
    assert h["x-content-type-options"] == "nosniff"
    assert "sandbox" in h["content-security-policy"]
    assert h["cross-origin-resource-policy"] == "same-origin"
    assert "no-store" in h.get("cache-control", "") or "private" in h.get("cache-control", "")
