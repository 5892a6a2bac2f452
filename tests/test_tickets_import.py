"""gid-helpdesk import FILE.mbox: the old mailbox becomes tickets, with the
original dates, senders, texts (quoted-printable, base64, UTF-8,
ISO-8859-1, windows-1252, HTML) and files; a subject with a known ticket
number adds an article; a second run imports nothing twice."""

import hashlib
import os
import subprocess

import pytest

from conftest import ADMIN as ADMIN_TOOL
from ticketlib import AGENT, REFERENT_A, REFERENT_B, api, counts, marker, sql, who

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURE = os.path.join(HERE, "data", "import-2009.mbox")
PDF = b"%PDF-1.4\n% etat des credits\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def run_import(daemon, *args):
    return subprocess.run([ADMIN_TOOL, "-c", daemon.conf_path, "import"] + list(args),
                          capture_output=True, text=True, timeout=120)


def unique_copy(src, dst, run):
    """The fixture with its Message-IDs and bytes made unique to this run, so
    that a stack that already imported it still sees new mail."""
    with open(src, "rb") as f:
        data = f.read()
    data = data.replace(b"@tp-rabat.tgr.gov.ma>", b".%s@tp-rabat.tgr.gov.ma>" % run)
    data = data.replace(b"@example.ma>\nDate", b".%s@example.ma>\nDate" % run)
    data = data.replace(b"@tp-casa.tgr.gov.ma>", b".%s@tp-casa.tgr.gov.ma>" % run)
    data = data.replace(b"\nDate: ", b"\nX-Run: %s\nDate: " % run)
    with open(dst, "wb") as f:
        f.write(data)


def mbox(path, *mails):
    with open(path, "wb") as f:
        for m in mails:
            f.write(m.strip(b"\n") + b"\n\n")


@pytest.fixture(scope="module")
def sessions(daemon):
    # Users exist once they logged in: the senders of the fixture.
    return {u: who(daemon, u) for u in (REFERENT_A, REFERENT_B, "h.bennani", AGENT)}


def new_tickets(stack, after):
    rows = sql(stack, "SELECT tn FROM tickets WHERE id > %d ORDER BY id;" % after)
    return [r[0] for r in rows]


def last_id(stack):
    return int(sql(stack, "SELECT COALESCE(MAX(id), 0) FROM tickets;")[0][0])


def test_import_mailbox(daemon, stack, sessions, tmp_path):
    agent = sessions[AGENT]
    run = marker().encode()
    box = str(tmp_path / "old.mbox")
    unique_copy(FIXTURE, box, run)
    start = last_id(stack)
    r = run_import(daemon, box)
    assert r.returncode == 0, r.stderr
    assert ("import: 5 messages: 5 tickets created, 0 articles added, "
            "0 already imported, 0 failed") in r.stdout
    tns = new_tickets(stack, start)
    assert len(tns) == 5
    got = [api(agent, "GET", "/api/v1/tickets/" + tn).json()["ticket"] for tn in tns]
    t1, t2, t3, t4, t5 = got
    # 1: UTF-8 quoted-printable, a known référent, the date kept (in UTC).
    assert t1["title"] == "Mandat bloqué au visa"
    assert t1["customer"]["login"] == REFERENT_A
    assert t1["organisation"]["name"] == "TP Rabat"
    assert t1["created"] == "2009-05-18T09:22:33Z"
    assert t1["number"].startswith("20090518")
    assert t1["state"]["name"] == "new" and t1["queue"]["code"] == "autres"
    a1 = t1["articles"][0]
    assert "Le mandat n° 2009/0412 est bloqué au visa du contrôleur depuis lundi." in a1["body"]
    assert a1["sender"] == "referent" and a1["created"] == "2009-05-18T09:22:33Z"
    # 2: ISO-8859-1 base64 from an unknown sender: the import account, the
    # address as requester; only agents see it.
    assert t2["title"] == "Problème de connexion"
    assert t2["customer"]["login"] == "_import"
    assert t2["requester"] == "Directeur SEGMA <segma.rabat@example.ma>"
    assert "impossible de me connecter à GID" in t2["articles"][0]["body"]
    assert "« mot de passe expiré »" in t2["articles"][0]["body"]
    assert t2["created"] == "2009-05-19T08:05:00Z"
    r = api(sessions[REFERENT_A], "GET", "/api/v1/tickets/" + t2["number"])
    assert r.status_code == 404
    # 3: windows-1252 8bit text and a PDF file; the sender's address in
    # another case still finds the user.
    assert t3["title"] == "Virement de crédits refusé"
    assert t3["customer"]["login"] == REFERENT_B
    assert t3["articles"][0]["body"] == "Le virement de crédits est refusé – voir l'état joint."
    att = t3["articles"][0]["attachments"]
    assert [(x["filename"], x["content_type"], x["size"]) for x in att] == [
        ("état crédits.pdf", "application/pdf", len(PDF))]
    assert att[0]["sha256"] == hashlib.sha256(PDF).hexdigest()
    assert api(agent, "GET", "/api/v1/attachments/%d" % att[0]["id"]).content == PDF
    # 4: HTML only, no Message-ID: text without markup or script.
    assert t4["customer"]["login"] == "h.bennani"
    body = t4["articles"][0]["body"]
    assert "La rubrique 3.1.2 n'apparaît pas dans le référentiel." in body
    assert "Merci & bonne journée" in body
    assert "<" not in body and "alert" not in body
    # 5: a subject naming an unknown ticket makes a new one; ">From" unquoted.
    assert t5["title"] == "RE: [Ticket#2009010110000099] Ancienne demande"
    assert "\nFrom the old ticket: nothing happened." in t5["articles"][0]["body"]
    # History: one "created" row each, dated like the mail.
    h = api(agent, "GET", "/api/v1/tickets/%s/history" % t1["number"]).json()["history"]
    assert [(x["type"], x["created"]) for x in h] == [("created", "2009-05-18T09:22:33Z")]

    # A second run imports nothing.
    before = counts(stack)
    r = run_import(daemon, box)
    assert r.returncode == 0, r.stderr
    assert "5 messages: 0 tickets created, 0 articles added, 5 already imported" in r.stdout
    assert counts(stack).adds_nothing_to(before)

    # Replies naming a ticket become its articles, with their dates and
    # senders; the state stays (history is history).
    follow = str(tmp_path / "follow.mbox")
    mbox(follow, b"""From hamdi@tgr.gov.ma Tue May 19 15:00:00 2009
Message-ID: <reply1.%s@tgr.gov.ma>
Date: Tue, 19 May 2009 15:00:00 +0000
From: Said Hamdi <hamdi@tgr.gov.ma>
Subject: RE: [Ticket#%s] Mandat bloque au visa
Content-Type: text/plain; charset=utf-8

Le visa est d\xc3\xa9bloqu\xc3\xa9.""" % (run, t1["number"].encode()),
         b"""From a.benali@tgr.gov.ma Wed May 20 08:00:00 2009
Message-ID: <reply2.%s@tgr.gov.ma>
Date: Wed, 20 May 2009 08:00:00 +0000
From: a.benali@tgr.gov.ma
Subject: TR: Ticket#%s

Merci, c'est bon.""" % (run, t1["number"].encode()))
    start = last_id(stack)
    r = run_import(daemon, follow)
    assert r.returncode == 0, r.stderr
    assert "2 messages: 0 tickets created, 2 articles added" in r.stdout
    assert new_tickets(stack, start) == []
    z = api(agent, "GET", "/api/v1/tickets/" + t1["number"]).json()["ticket"]
    arts = [(x["sender"], x["author"]["login"], x["created"], x["body"]) for x in z["articles"]]
    assert arts[1:] == [
        ("agent", AGENT, "2009-05-19T15:00:00Z", "Le visa est débloqué."),
        ("referent", REFERENT_A, "2009-05-20T08:00:00Z", "Merci, c'est bon.")]
    assert z["state"]["name"] == "new" and z["changed"] == "2009-05-20T08:00:00Z"
    h = api(agent, "GET", "/api/v1/tickets/%s/history" % t1["number"]).json()["history"]
    assert [(x["type"], x["actor"]["login"], x["created"]) for x in h][1:] == [
        ("article", AGENT, "2009-05-19T15:00:00Z"),
        ("article", REFERENT_A, "2009-05-20T08:00:00Z")]


def test_import_options_and_errors(daemon, stack, sessions, tmp_path):
    run = marker().encode()
    box = str(tmp_path / "closed.mbox")
    mbox(box, b"""From a.benali@tgr.gov.ma Mon Jun  1 10:00:00 2009
Message-ID: <closed.%s@tgr.gov.ma>
Date: Mon, 1 Jun 2009 10:00:00 +0000
From: a.benali@tgr.gov.ma
Subject: Ancienne demande close

Texte.""" % run)
    start = last_id(stack)
    r = run_import(daemon, "--queue", "depense", "--state", "closed successful", box)
    assert r.returncode == 0, r.stderr
    (tn,) = new_tickets(stack, start)
    t = api(sessions[AGENT], "GET", "/api/v1/tickets/" + tn).json()["ticket"]
    assert t["queue"]["code"] == "depense"
    assert t["state"]["name"] == "closed successful"
    assert t["closed"] == "2009-06-01T10:00:00Z"
    # Usage errors.
    assert run_import(daemon).returncode == 2
    assert run_import(daemon, "--state", "merged", box).returncode == 2
    assert run_import(daemon, "--state", "nope", box).returncode == 2
    r = run_import(daemon, str(tmp_path / "missing.mbox"))
    assert r.returncode == 1 and "missing.mbox" in r.stderr
    # An unknown queue fails every mail, and says so.
    other = str(tmp_path / "other.mbox")
    mbox(other, b"""From x@y Mon Jun  1 10:00:00 2009
Message-ID: <q.%s@y>
From: x@y
Subject: s

b""" % run)
    before = counts(stack)
    r = run_import(daemon, "--queue", "nope", other)
    assert r.returncode == 1 and "1 failed" in r.stdout and "Unknown queue" in r.stderr
    assert counts(stack).adds_nothing_to(before)
