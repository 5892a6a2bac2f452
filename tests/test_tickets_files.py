"""Uploads and attachments (SECURITY.md 1.8, tests 47 to 50): the bytes
and their SHA-256 come back identical, sizes are bounded, names are
cleaned, the type is decided by the server, downloads never render as
our page, and attachments follow the ticket's visibility."""

import hashlib
import os
import re
import socket

import pytest

from ticketlib import (AGENT, REFERENT_A, REFERENT_B, api, counts, is_error,
                       new_ticket, sql, who)

DOWNLOAD_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "sandbox; default-src 'none'; base-uri 'none'; "
                               "frame-ancestors 'none'; form-action 'none'",
    "Cross-Origin-Resource-Policy": "same-origin",
}


def upload(s, name, data, expect=201, ctype="application/octet-stream"):
    r = api(s, "POST", "/api/v1/uploads", params={"filename": name}, data=data,
            headers={"Content-Type": ctype})
    assert r.status_code == expect, (r.status_code, r.text)
    return r.json()["upload"] if expect == 201 else r


def raw_headers(daemon, s, path):
    """The response head as bytes, to check header lines one by one."""
    cookie = "; ".join("%s=%s" % (c.name, c.value) for c in s.cookies)
    req = ("GET %s HTTP/1.1\r\nHost: x\r\nConnection: close\r\nCookie: %s\r\n\r\n"
           % (path, cookie)).encode()
    with socket.create_connection(("127.0.0.1", daemon.port), timeout=10) as c:
        c.sendall(req)
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = c.recv(65536)
            if not chunk:
                break
            data += chunk
    return data.split(b"\r\n\r\n", 1)[0].split(b"\r\n")


@pytest.fixture(scope="module")
def a(daemon):
    return who(daemon, REFERENT_A)


def test_round_trip_bytes_and_sha256(daemon, a, stack):
    data = os.urandom(300 * 1024) + bytes(range(256))
    digest = hashlib.sha256(data).hexdigest()
    u = upload(a, "relevé de compte.bin", data)
    assert u["size"] == len(data) and u["sha256"] == digest
    assert re.fullmatch(r"[0-9a-f]{32}", u["id"])
    assert u["filename"] == "relevé de compte.bin"
    assert u["content_type"] == "application/octet-stream"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", u["expires"])
    t = new_ticket(a, attachments=[u["id"]])
    att = t["articles"][0]["attachments"][0]
    assert att["filename"] == "relevé de compte.bin" and att["size"] == len(data)
    assert att["sha256"] == digest
    r = api(a, "GET", "/api/v1/attachments/%d" % att["id"])
    assert r.status_code == 200
    assert r.content == data and hashlib.sha256(r.content).hexdigest() == digest
    for k, v in DOWNLOAD_HEADERS.items():
        assert r.headers[k] == v, k
    assert r.headers["Content-Type"] == "application/octet-stream"
    assert r.headers["Content-Disposition"] == (
        "attachment; filename=\"relev_ de compte.bin\"; "
        "filename*=UTF-8''relev%C3%A9%20de%20compte.bin")
    # The upload is used up: it is gone from the uploads table.
    assert sql(stack, "SELECT COUNT(*) FROM uploads WHERE id = '%s';" % u["id"]) == [["0"]]
    # And attached to an article later, by an agent, with its history row.
    ag = who(daemon, AGENT)
    u2 = upload(ag, "réponse.pdf", b"%PDF-1.7\n...")
    r = api(ag, "POST", "/api/v1/tickets/%s/articles" % t["number"],
            json={"body": "Voir le document.", "attachments": [u2["id"]]})
    assert r.status_code == 201
    assert r.json()["article"]["attachments"][0]["content_type"] == "application/pdf"
    hist = api(a, "GET", "/api/v1/tickets/%s/history" % t["number"]).json()["history"]
    assert [h["new"] for h in hist if h["type"] == "attachment"] == [
        "relevé de compte.bin", "réponse.pdf"]


def test_size_limit(make_daemon, stack):
    d = make_daemon({"tickets": {"max_attachment_size": "4096"}})
    s = who(d, REFERENT_A)
    before = counts(stack)
    r = upload(s, "gros.bin", b"x" * 4097, expect=413)
    is_error(r, 413, "payload_too_large")
    assert counts(stack).adds_nothing_to(before)
    u = upload(s, "juste.bin", b"x" * 4096)
    assert u["size"] == 4096
    # Far beyond the limit: refused before the handler, the server lives on.
    r = api(s, "POST", "/api/v1/uploads", params={"filename": "énorme.bin"},
            data=b"y" * (2 << 20))
    assert r.status_code == 413
    assert d.get("/healthz").status_code == 200
    d.stop()


HOSTILE = [
    ("../../x", "_.._x"),
    ("..\\..\\x", "_.._x"),
    ("a\r\nSet-Cookie: z=1", "aSet-Cookie_ z=1"),
    ("a\";x=.html", "a_;x=.html"),
    ("photo\u202egpj.exe", "photogpj.exe"),
    (".htaccess", "htaccess"),
    ("...", "fichier"),
    ("e\u0301te\u0301.txt", "\u00e9t\u00e9.txt"),
    ("tab\there", "tabhere"),
    ("x" * 10240 + ".pdf", "x" * 251 + ".pdf"),
]


@pytest.mark.parametrize("given,stored", HOSTILE, ids=[h[1][:20] for h in HOSTILE])
def test_hostile_file_names(daemon, a, given, stored):
    u = upload(a, given, b"contenu")
    assert u["filename"] == stored
    t = new_ticket(a, attachments=[u["id"]])
    att = t["articles"][0]["attachments"][0]
    assert att["filename"] == stored
    lines = raw_headers(daemon, a, "/api/v1/attachments/%d" % att["id"])
    assert lines[0].startswith(b"HTTP/1.1 200")
    cd = [l for l in lines if l.lower().startswith(b"content-disposition:")]
    assert len(cd) == 1, lines
    assert not any(l.lower().startswith(b"set-cookie") for l in lines)
    value = cd[0].split(b":", 1)[1].strip().decode("ascii")
    m = re.fullmatch(r'attachment; filename="([\x20-\x7e]*)"; filename\*=UTF-8\'\'([A-Za-z0-9!#$&+\-.^_`|~%]*)', value)
    assert m, value
    assert '"' not in m.group(1) and "\\" not in m.group(1)
    from urllib.parse import unquote
    assert unquote(m.group(2), encoding="utf-8") == stored


def test_empty_or_missing_names(a):
    is_error(upload(a, "", b"x", expect=400), 400)
    r = api(a, "POST", "/api/v1/uploads", data=b"x")
    is_error(r, 400)
    r = api(a, "POST", "/api/v1/uploads", params={"filename": "a", "other": "b"}, data=b"x")
    is_error(r, 400)
    r = a.post(a.base + "/api/v1/uploads?filename=a%00b", data=b"x")
    is_error(r, 400)


@pytest.mark.parametrize("name,data,stored,served", [
    ("image.png", b"<html><script>alert(1)</script></html>", "text/plain",
     "application/octet-stream"),
    ("doc.pdf", b"<script>alert(document.cookie)</script>", "text/plain",
     "application/octet-stream"),
    ("dessin.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
     "text/plain", "application/octet-stream"),
    ("poly.gif", b"GIF89a/*<html><script>alert(1)</script>*/", "image/gif", "image/gif"),
    ("vrai.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "image/png", "image/png"),
    ("tableau.xlsx", b"PK\x03\x04rest", "application/vnd.openxmlformats-officedocument"
     ".spreadsheetml.sheet", "application/octet-stream"),
])
def test_type_decided_by_the_server(a, name, data, stored, served):
    # The client's Content-Type is ignored.
    u = upload(a, name, data, ctype="text/html")
    assert u["content_type"] == stored
    t = new_ticket(a, attachments=[u["id"]])
    att = t["articles"][0]["attachments"][0]
    r = api(a, "GET", "/api/v1/attachments/%d" % att["id"])
    assert r.headers["Content-Type"] == served
    assert r.headers["Content-Disposition"].startswith("attachment;")
    for k, v in DOWNLOAD_HEADERS.items():
        assert r.headers[k] == v, k


def test_uploads_belong_to_their_owner_and_expire(daemon, a, stack):
    b = who(daemon, REFERENT_B)
    u = upload(a, "à moi.txt", b"a")
    before = counts(stack)
    # B cannot use A's upload, in a ticket or in an article.
    is_error(new_ticket(b, attachments=[u["id"]], expect=400), 400)
    tb = new_ticket(b)["number"]
    before = counts(stack)
    is_error(api(b, "POST", "/api/v1/tickets/%s/articles" % tb,
                 json={"body": "x", "attachments": [u["id"]]}), 400)
    assert counts(stack).adds_nothing_to(before)
    # A uses it once; the second time it is gone.
    new_ticket(a, attachments=[u["id"]])
    before = counts(stack)
    is_error(new_ticket(a, attachments=[u["id"]], expect=400), 400)
    assert counts(stack).adds_nothing_to(before)
    # An expired upload cannot be used, and the maintenance tick purges it.
    old = upload(a, "vieux.txt", b"v")
    sql(stack, "UPDATE uploads SET expires = UTC_TIMESTAMP() - INTERVAL 1 MINUTE"
               " WHERE id = '%s';" % old["id"])
    is_error(new_ticket(a, attachments=[old["id"]], expect=400), 400)


def test_attachments_follow_ticket_visibility(daemon, a):
    b = who(daemon, REFERENT_B)
    ag = who(daemon, AGENT)
    ta = new_ticket(a, attachments=[upload(a, "a.txt", b"A")["id"]])
    tb = new_ticket(b, attachments=[upload(b, "b.txt", b"B")["id"]])
    att_a = ta["articles"][0]["attachments"][0]["id"]
    att_b = tb["articles"][0]["attachments"][0]["id"]
    missing = api(a, "GET", "/api/v1/attachments/999999999")
    is_error(missing, 404)
    r = api(a, "GET", "/api/v1/attachments/%d" % att_b)
    assert r.status_code == 404 and r.content == missing.content
    assert api(b, "GET", "/api/v1/attachments/%d" % att_b).content == b"B"
    assert api(ag, "GET", "/api/v1/attachments/%d" % att_a).content == b"A"
    for bad in ("abc", "0", "-1", "1e3", "99999999999999999999"):
        r = api(a, "GET", "/api/v1/attachments/" + bad)
        assert r.status_code == 404 and r.content == missing.content, bad
