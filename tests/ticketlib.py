"""Helpers shared by the ticket test modules (tests/test_tickets*.py)."""

import uuid

from conftest import api, login, sql  # noqa: F401

REFERENT_A = "a.benali"       # TP Rabat
REFERENT_A2 = "y.elidrissi"   # TP Rabat, the same office as A
REFERENT_B = "k.ouazzani"     # TP Casablanca-Anfa
AGENT = "agent.hamdi"
AGENT2 = "agent.naciri"
ADMIN = "admin.benzaari"

TABLES = ("tickets", "articles", "attachments", "ticket_history", "uploads",
          "idempotency_keys")


def who(daemon, user):
    """A logged-in session of user (users exist once they logged in)."""
    return login(daemon, user)


def marker():
    """A unique word to find this test's tickets again."""
    return "m" + uuid.uuid4().hex[:12]


def new_ticket(s, title=None, body="Le mandat est bloqué au visa.", queue="depense",
               priority=3, expect=201, headers=None, **extra):
    """POST /tickets; returns the ticket (or the response when expect differs)."""
    doc = {"title": title or "Ticket " + marker(), "queue": queue,
           "priority": priority, "body": body}
    doc.update(extra)
    r = api(s, "POST", "/api/v1/tickets", json=doc, headers=headers)
    assert r.status_code == expect, (r.status_code, r.text)
    return r.json()["ticket"] if expect == 201 else r


# Tables whose expired rows the daemons' maintenance tick deletes at any time.
PURGED = {"uploads": "id", "idempotency_keys": "id"}


class Snapshot:
    """What the ticket tables hold, to check that a refused request wrote
    nothing. Rows that a daemon's periodic purge removes in the meantime
    (expired uploads, idempotency keys) do not count as a change."""

    def __init__(self, stack):
        q = " UNION ALL ".join("SELECT '%s', COUNT(*) FROM %s" % (t, t)
                               for t in TABLES if t not in PURGED)
        self.counts = {name: int(n) for name, n in sql(stack, q + ";")}
        self.keys = {t: {row[0] for row in sql(stack, "SELECT %s FROM %s;" % (k, t))}
                     for t, k in PURGED.items()}

    def adds_nothing_to(self, before):
        """True when this (later) snapshot has no row that before lacked."""
        return (self.counts == before.counts and
                all(self.keys[t] <= before.keys[t] for t in PURGED))

    def __repr__(self):
        return "Snapshot(%r, %r)" % (self.counts, {t: len(k) for t, k in self.keys.items()})


def counts(stack):
    """A Snapshot of the ticket tables, to check that a refused request wrote nothing."""
    return Snapshot(stack)


def is_error(r, status, code=None):
    """A JSON error of the contract's shape."""
    assert r.status_code == status, (r.status_code, r.text)
    assert r.headers["Content-Type"].startswith("application/json"), r.headers
    err = r.json()["error"]
    assert set(err) == {"code", "message"} and err["message"], err
    if code is not None:
        assert err["code"] == code, err
    return err
