"""Reports: the views of sql/004-reports.sql checked figure by figure on a
dataset with known answers, written with plain SQL at fixed times in 2021
(no other test writes there): counts per day, ISO week and month, the
boundaries of days, weeks, months and backlog ages, medians and 90th
percentiles, per office, per agent, reopenings; the same from another
time zone; the summaries kept by the incremental refresh equal to a full
recomputation; the read-only reporting account; the API (admins only,
JSON and CSV) and the command line.

Expected figures are written out by hand below, from the dataset, not
computed by the code under test.
"""

import calendar
import csv
import io
import json
import os
import subprocess
import tempfile
import time

import pytest

import stack as stackmod
from conftest import ADMIN as ADMIN_TOOL, base_conf, sql_tickets_changed_by_hand, write_conf
from ticketlib import (ADMIN, AGENT, REFERENT_A, api, is_error, new_ticket,
                       sql, who)

QUEUE = "rptq"          # an inactive axis of this module's own
ORG_A = "Rapport Test Office A"
ORG_B = "Rapport Test Office B"
STATE = {"new": 1, "open": 2, "pending": 3, "ok": 4, "ko": 5, "merged": 6}
# The backlog's "now" for the boundary checks: 2021-06-15 12:00:00 UTC.
NOW0 = calendar.timegm((2021, 6, 15, 12, 0, 0))


def q(v):
    """A SQL literal (test data only)."""
    if v is None:
        return "NULL"
    if isinstance(v, int):
        return str(v)
    return "'" + str(v).replace("\\", "\\\\").replace("'", "''") + "'"


def ts(epoch):
    return time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(epoch))


def at(s, plus=0):
    """'2021-04-10 00:00:00' plus seconds, as DATETIME text."""
    return ts(calendar.timegm(time.strptime(s, "%Y-%m-%d %H:%M:%S")) + plus)


class Data:
    """The SQL that writes the dataset."""

    def __init__(self):
        self.stmts = []

    def ticket(self, tn, queue, prio, state, created, closed=None,
               first_response=None, org=None, owner=None, customer="rpt.ref1"):
        self.stmts.append(
            "INSERT INTO tickets (tn, title, queue_id, priority_id, state_id,"
            " customer_id, organisation_id, owner_id, created, changed,"
            " first_response, closed) VALUES (%s, %s, (SELECT id FROM queues"
            " WHERE code = %s), %d, %d, (SELECT id FROM users WHERE login = %s),"
            " %s, %s, %s, %s, %s, %s);" % (
                q(tn), q("Rapport " + tn), q(queue), prio, STATE[state],
                q(customer),
                "(SELECT id FROM organisations WHERE name = %s)" % q(org)
                if org else "NULL",
                "(SELECT id FROM users WHERE login = %s)" % q(owner)
                if owner else "NULL",
                q(created), q(closed or created), q(first_response), q(closed)))
        # Every ticket has its first message (other tests check that none
        # is without one).
        self.article(tn, customer, created, sender="referent")

    def history(self, tn, actor, created, old, new, type_="state"):
        self.stmts.append(
            "INSERT INTO ticket_history (ticket_id, type, actor_id, old_value,"
            " new_value, created) VALUES ((SELECT id FROM tickets WHERE tn = %s),"
            " %s, (SELECT id FROM users WHERE login = %s), %s, %s, %s);" % (
                q(tn), q(type_), q(actor), q(old), q(new), q(created)))

    def article(self, tn, author, created, sender="agent", internal=0):
        self.stmts.append(
            "INSERT INTO articles (ticket_id, sender, author_id, internal, body,"
            " created) VALUES ((SELECT id FROM tickets WHERE tn = %s), %s,"
            " (SELECT id FROM users WHERE login = %s), %d, 'Réponse', %s);" % (
                q(tn), q(sender), q(author), internal, q(created)))


def dataset():
    d = Data()
    # ---- March 2021: activity per day, week and month, reopenings.
    d.ticket("RPT-01", "depense", 3, "ok", "2021-03-01 00:00:00",
             closed="2021-03-02 00:00:00")
    d.ticket("RPT-02", "depense", 3, "ko", "2021-03-01 23:59:59",
             closed="2021-03-03 12:00:00")
    d.ticket("RPT-03", "depense", 5, "open", "2021-03-02 10:00:00",
             owner="rpt.agent1")
    d.ticket("RPT-04", "connexion", 3, "ok", "2021-03-07 23:00:00",
             closed="2021-03-08 01:00:00")
    d.history("RPT-04", "rpt.agent1", "2021-03-08 01:00:00", "open",
              "closed successful")
    d.ticket("RPT-05", "connexion", 3, "ok", "2021-02-28 23:59:59",
             closed="2021-03-01 00:00:00")
    # Closed, reopened by its référent, closed again: counted on its last
    # closing day only, and one reopening.
    d.ticket("RPT-06", "depense", 3, "ok", "2021-03-01 12:00:00",
             closed="2021-03-05 12:00:00")
    d.history("RPT-06", "rpt.agent1", "2021-03-02 12:00:00", "open",
              "closed successful")
    d.history("RPT-06", "rpt.ref1", "2021-03-03 09:00:00", "closed successful",
              "open")
    d.history("RPT-06", "rpt.agent1", "2021-03-05 12:00:00", "open",
              "closed successful")
    # Merged: created, never closed nor open.
    d.ticket("RPT-07", "depense", 3, "merged", "2021-03-02 08:00:00",
             closed="2021-03-02 09:00:00")
    d.history("RPT-07", "rpt.agent1", "2021-03-02 09:00:00", "open", "merged")
    d.ticket("RPT-08", "autres", 2, "pending", "2021-03-04 10:00:00")
    d.article("RPT-08", "rpt.agent2", "2021-03-04 10:30:00")
    d.history("RPT-08", "rpt.agent2", "2021-03-04 11:00:00",
              "closed unsuccessful", "pending reminder")
    # Sunday 2021-01-03 is in ISO week 2020-W53, Monday 01-04 in 2021-W01.
    d.ticket("RPT-09", "autres", 2, "ok", "2021-01-03 12:00:00",
             closed="2021-01-04 12:00:00")

    # ---- April 2021: response and resolution times, offices, agents.
    for i, (res, fr) in enumerate([(100, 30), (200, 60), (300, 90), (400, 1000)]):
        d.ticket("RPT-1%d" % i, "depense", 2, "ok", "2021-04-10 00:00:00",
                 closed=at("2021-04-10 00:00:00", res),
                 first_response=at("2021-04-10 00:00:00", fr))
    # Closed on the first second of May; answered in April.
    d.ticket("RPT-14", "depense", 2, "ok", "2021-04-20 00:00:00",
             closed="2021-05-01 00:00:00", first_response="2021-04-20 00:00:05")
    d.ticket("RPT-15", "depense", 4, "ok", "2021-04-11 00:00:00",
             closed="2021-04-11 00:00:10")
    d.ticket("RPT-16", "depense", 4, "ok", "2021-04-11 00:00:00",
             closed="2021-04-11 00:00:11")
    for k in range(1, 11):
        d.ticket("RPT-2%d" % (k - 1), "connexion", 1, "ok",
                 "2021-04-12 00:00:00", closed=at("2021-04-12 00:00:00", 60 * k))
    d.ticket("RPT-30", "referentiel", 1, "ok", "2021-04-05 00:00:00",
             closed="2021-04-05 00:01:40", org=ORG_A)
    d.ticket("RPT-31", "referentiel", 1, "ko", "2021-04-06 00:00:00",
             closed="2021-04-06 00:05:00", org=ORG_A)
    d.ticket("RPT-32", "referentiel", 1, "ok", "2021-04-07 00:00:00",
             closed="2021-04-07 00:00:50", org=ORG_B, customer="rpt.ref2")
    d.ticket("RPT-33", "referentiel", 1, "open", "2021-04-08 00:00:00",
             org=ORG_A, owner="rpt.agent1")
    d.ticket("RPT-34", "referentiel", 1, "new", "2021-01-15 00:00:00", org=ORG_A)
    d.ticket("RPT-35", "referentiel", 1, "merged", "2021-04-09 00:00:00",
             closed="2021-04-09 01:00:00", org=ORG_B, customer="rpt.ref2")
    # The agents' April: agent1 three replies and a note on depense
    # tickets and two closings; agent2 one closing (connexion); a former
    # agent one reply; a référent closing their own ticket is no agent.
    d.article("RPT-10", "rpt.agent1", "2021-04-10 00:00:30")
    d.article("RPT-11", "rpt.agent1", "2021-04-10 00:01:00")
    d.article("RPT-12", "rpt.agent1", "2021-04-10 00:01:30")
    d.article("RPT-13", "rpt.agent1", "2021-04-10 00:05:00", internal=1)
    d.article("RPT-10", "rpt.ref1", "2021-04-10 00:00:10", sender="referent")
    d.history("RPT-10", "rpt.agent1", "2021-04-10 00:01:40", "open",
              "closed successful")
    d.history("RPT-11", "rpt.agent1", "2021-04-10 00:03:20", "open",
              "closed successful")
    d.history("RPT-20", "rpt.agent2", "2021-04-12 00:01:00", "open",
              "closed successful")
    d.history("RPT-30", "rpt.ref1", "2021-04-05 00:01:40", "open",
              "closed successful")
    d.article("RPT-15", "rpt.former", "2021-04-11 00:00:05")

    # ---- The backlog of QUEUE at NOW0: ages at each bucket's edges.
    for tn, age, state in [("RPT-B1", 0, "open"), ("RPT-B2", 86399, "open"),
                           ("RPT-B3", 86400, "open"), ("RPT-B4", 259199, "open"),
                           ("RPT-B5", 259200, "open"),
                           ("RPT-B6", 604799, "pending"),
                           ("RPT-B7", 604800, "new"),
                           ("RPT-B8", 2591999, "open"),
                           ("RPT-B9", 2592000, "open")]:
        d.ticket(tn, QUEUE, 3, state, ts(NOW0 - age))
    d.ticket("RPT-BA", QUEUE, 3, "ok", ts(NOW0 - 100), closed=ts(NOW0 - 50))
    d.ticket("RPT-BB", QUEUE, 3, "merged", ts(NOW0 - 100), closed=ts(NOW0 - 50))
    return d.stmts


SETUP = """
INSERT IGNORE INTO organisations (code, name) VALUES
 ('rpt-office-a', %(a)s), ('rpt-office-b', %(b)s);
INSERT IGNORE INTO users (login, dn, name, organisation_id, roles, active) VALUES
 ('rpt.ref1', 'uid=rpt.ref1', 'Rpt Ref One', (SELECT id FROM organisations WHERE code = 'rpt-office-a'), 1, 1),
 ('rpt.ref2', 'uid=rpt.ref2', 'Rpt Ref Two', (SELECT id FROM organisations WHERE code = 'rpt-office-b'), 1, 1),
 ('rpt.agent1', 'uid=rpt.agent1', 'Rpt Agent One', NULL, 2, 1),
 ('rpt.agent2', 'uid=rpt.agent2', 'Rpt Agent Two', NULL, 2, 1),
 ('rpt.former', 'uid=rpt.former', 'Rpt Former Agent', NULL, 0, 0);
INSERT IGNORE INTO queues (code, name, description, active, position)
 VALUES (%(queue)s, 'Rapports (test)', 'The reports tests', 0, 200);
DELETE FROM ticket_history WHERE ticket_id IN (SELECT id FROM tickets WHERE tn LIKE 'RPT-%%');
DELETE FROM articles WHERE ticket_id IN (SELECT id FROM tickets WHERE tn LIKE 'RPT-%%');
DELETE FROM tickets WHERE tn LIKE 'RPT-%%';
""" % {"a": q(ORG_A), "b": q(ORG_B), "queue": q(QUEUE)}


def cli(daemon, *args, conf=None, check=True):
    r = subprocess.run([ADMIN_TOOL, "-c", conf or daemon.conf_path] + list(args),
                       capture_output=True, text=True, timeout=300)
    if check:
        assert r.returncode == 0, (args, r.returncode, r.stdout, r.stderr)
    return r


def refresh(daemon, *extra):
    r = cli(daemon, "report-refresh", *extra)
    assert "recomputed" in r.stdout, r.stdout
    return r


@pytest.fixture(scope="module")
def data(stack, daemon):
    sql(stack, SETUP + "\n".join(dataset()))
    # Tickets of now, for the backlog as the API sees it.
    sql(stack, "\n".join(
        "INSERT INTO tickets (tn, title, queue_id, priority_id, state_id,"
        " customer_id, created, changed) VALUES ('%s', 'Rapport', (SELECT id"
        " FROM queues WHERE code = '%s'), 3, 2, (SELECT id FROM users WHERE"
        " login = 'rpt.ref1'), UTC_TIMESTAMP() - INTERVAL %d HOUR,"
        " UTC_TIMESTAMP()); INSERT INTO articles (ticket_id, sender, author_id,"
        " body, created) SELECT id, 'referent', customer_id, 'Message', created"
        " FROM tickets WHERE tn = '%s';" % (tn, QUEUE, hours, tn)
        for tn, hours in [("RPT-L1", 12), ("RPT-L2", 48), ("RPT-L3", 240)]))
    sql_tickets_changed_by_hand(stack)
    refresh(daemon)
    yield True
    # Some tests below change states and priorities by SQL too.
    sql_tickets_changed_by_hand(stack)


def rows(stack, query, tz="+00:00", timestamp=None):
    pre = "SET time_zone = '%s';" % tz
    if timestamp is not None:
        pre += " SET timestamp = %d;" % timestamp
    return [tuple(None if v == "NULL" else v for v in r)
            for r in sql(stack, pre + query)]


@pytest.fixture(scope="module")
def admin(daemon, data):
    return who(daemon, ADMIN)


def report(s, name, expect=200, **params):
    r = api(s, "GET", "/api/v1/reports/" + name, params=params)
    assert r.status_code == expect, (r.status_code, r.text)
    return r.json() if expect == 200 and params.get("format") != "csv" else r


def project(doc, *cols):
    idx = [doc["columns"].index(c) for c in cols]
    return [tuple(row[i] for i in idx) for row in doc["rows"]]


# ------------------------------------------------------------------ views

DAILY = [
    ("2021-01-03", "autres", 2, 1, 0, 0, 0),
    ("2021-01-04", "autres", 2, 0, 1, 0, 0),
    ("2021-01-15", "referentiel", 1, 1, 0, 0, 0),
    ("2021-02-28", "connexion", 3, 1, 0, 0, 0),
    ("2021-03-01", "connexion", 3, 0, 1, 0, 0),
    ("2021-03-01", "depense", 3, 3, 0, 0, 0),
    ("2021-03-02", "depense", 3, 1, 1, 0, 0),
    ("2021-03-02", "depense", 5, 1, 0, 0, 0),
    ("2021-03-03", "depense", 3, 0, 1, 1, 1),
    ("2021-03-04", "autres", 2, 1, 0, 0, 1),
    ("2021-03-05", "depense", 3, 0, 1, 0, 0),
    ("2021-03-07", "connexion", 3, 1, 0, 0, 0),
    ("2021-03-08", "connexion", 3, 0, 1, 0, 0),
]
WEEKLY = [
    ("2020-W53", "2020-12-28", "autres", 2, 1, 0, 0, 0),
    ("2021-W01", "2021-01-04", "autres", 2, 0, 1, 0, 0),
    ("2021-W02", "2021-01-11", "referentiel", 1, 1, 0, 0, 0),
    ("2021-W08", "2021-02-22", "connexion", 3, 1, 0, 0, 0),
    ("2021-W09", "2021-03-01", "autres", 2, 1, 0, 0, 1),
    ("2021-W09", "2021-03-01", "connexion", 3, 1, 1, 0, 0),
    ("2021-W09", "2021-03-01", "depense", 3, 4, 3, 1, 1),
    ("2021-W09", "2021-03-01", "depense", 5, 1, 0, 0, 0),
    ("2021-W10", "2021-03-08", "connexion", 3, 0, 1, 0, 0),
]
MONTHLY = [
    ("2021-01-01", "autres", 2, 1, 1, 0, 0),
    ("2021-01-01", "referentiel", 1, 1, 0, 0, 0),
    ("2021-02-01", "connexion", 3, 1, 0, 0, 0),
    ("2021-03-01", "autres", 2, 1, 0, 0, 1),
    ("2021-03-01", "connexion", 3, 1, 2, 0, 0),
    ("2021-03-01", "depense", 3, 4, 3, 1, 1),
    ("2021-03-01", "depense", 5, 1, 0, 0, 0),
]
# (queue, priority, tickets, median, p90) of April 2021.
RESOLUTION_APRIL = [
    ("depense", 2, 4, 250, 370),            # 100 200 300 400
    ("depense", 4, 2, 11, 11),              # 10 11: 10.5 and 10.9 rounded
    ("connexion", 1, 10, 330, 546),         # 60 .. 600
    ("referentiel", 1, 3, 100, 260),        # 50 100 300
]
RESPONSE_APRIL = [("depense", 2, 5, 60, 636)]   # 5 30 60 90 1000


def ints(rows_):
    return [tuple(int(v) if isinstance(v, str) and v.lstrip("-").isdigit()
                  else v for v in r) for r in rows_]


def test_activity_views(stack, data):
    got = rows(stack, "SELECT day, queue, priority, created, closed,"
               " closed_unsuccessful, reopened FROM report_activity_daily"
               " WHERE day BETWEEN '2021-01-01' AND '2021-03-31'"
               " ORDER BY day, queue, priority;")
    assert ints(got) == DAILY
    got = rows(stack, "SELECT iso_week, week_start, queue, priority, created,"
               " closed, closed_unsuccessful, reopened FROM report_activity_weekly"
               " WHERE week_start BETWEEN '2020-12-28' AND '2021-03-29'"
               " ORDER BY week_start, queue, priority;")
    assert ints(got) == WEEKLY
    got = rows(stack, "SELECT month, queue, priority, created, closed,"
               " closed_unsuccessful, reopened FROM report_activity_monthly"
               " WHERE month BETWEEN '2021-01-01' AND '2021-03-01'"
               " ORDER BY month, queue, priority;")
    assert ints(got) == MONTHLY


def test_views_in_other_time_zones(stack, data):
    """DATETIME is never converted: a client in +05:00 or -11:00 sees UTC days."""
    query = ("SELECT day, queue, priority, created, closed FROM"
             " report_activity_daily WHERE day BETWEEN '2021-02-28' AND"
             " '2021-03-01' ORDER BY day, queue, priority;")
    utc = rows(stack, query)
    assert ints(utc) == [r[:5] for r in DAILY[3:6]]
    for tz in ("+05:00", "-11:00"):
        assert rows(stack, query, tz=tz) == utc
        assert rows(stack, "SELECT reopened FROM report_reopened WHERE number"
                    " = 'RPT-06';", tz=tz) == [("2021-03-03 09:00:00",)]
        assert rows(stack, "SELECT lt_1d, d1_3, d3_7, d7_30, gt_30d, total FROM"
                    " report_backlog WHERE queue = '%s';" % QUEUE, tz=tz,
                    timestamp=NOW0) == [("5", "2", "2", "2", "1", "12")]


def test_backlog_buckets_at_their_edges(stack, data):
    # Exactly 1, 3, 7 and 30 days are in the older bucket; closed and
    # merged tickets are no backlog. The three tickets of today are in
    # NOW0's future: a negative age counts as under a day.
    got = rows(stack, "SELECT queue, lt_1d, d1_3, d3_7, d7_30, gt_30d, total"
               " FROM report_backlog WHERE queue = '%s';" % QUEUE,
               timestamp=NOW0)
    assert ints(got) == [(QUEUE, 2 + 3, 2, 2, 2, 1, 9 + 3)]
    # One second later each edge ticket has moved on.
    got = rows(stack, "SELECT lt_1d, d1_3, d3_7, d7_30, gt_30d FROM"
               " report_backlog WHERE queue = '%s';" % QUEUE,
               timestamp=NOW0 + 1)
    assert ints(got) == [(1 + 3, 2, 2, 2, 2)]
    # A second earlier each is one bucket younger (and B1 not created yet).
    got = rows(stack, "SELECT lt_1d, d1_3, d3_7, d7_30, gt_30d FROM"
               " report_backlog WHERE queue = '%s';" % QUEUE,
               timestamp=NOW0 - 1)
    assert ints(got) == [(3 + 3, 2, 2, 2, 0)]


def test_times_monthly_views(stack, data):
    got = rows(stack, "SELECT queue, priority, tickets, median_seconds,"
               " p90_seconds FROM report_resolution_times_monthly WHERE month ="
               " '2021-04-01' AND queue IN ('depense', 'connexion',"
               " 'referentiel') ORDER BY FIELD(queue, 'depense', 'connexion',"
               " 'referentiel'), priority;")
    assert ints(got) == RESOLUTION_APRIL
    got = rows(stack, "SELECT queue, priority, tickets, median_seconds,"
               " p90_seconds FROM report_response_times_monthly WHERE month ="
               " '2021-04-01';")
    assert ints(got) == RESPONSE_APRIL
    # The first second of May is May's.
    got = rows(stack, "SELECT queue, priority, tickets, median_seconds,"
               " p90_seconds FROM report_resolution_times_monthly WHERE month ="
               " '2021-05-01';")
    assert ints(got) == [("depense", 2, 1, 950400, 950400)]


def test_ticket_times_view(stack, data):
    got = rows(stack, "SELECT number, state_type, first_response_seconds,"
               " resolution_seconds FROM report_ticket_times WHERE number IN"
               " ('RPT-02', 'RPT-03', 'RPT-07', 'RPT-13') ORDER BY number;")
    assert ints(got) == [("RPT-02", "closed", None, 129601),
                         ("RPT-03", "open", None, None),
                         ("RPT-07", "merged", None, None),
                         ("RPT-13", "closed", 1000, 400)]
    # The example of the view's header comment runs and agrees.
    got = rows(stack, "SELECT DISTINCT queue, PERCENTILE_CONT(0.5) WITHIN GROUP"
               " (ORDER BY resolution_seconds) OVER (PARTITION BY queue),"
               " PERCENTILE_CONT(0.9) WITHIN GROUP (ORDER BY resolution_seconds)"
               " OVER (PARTITION BY queue) FROM report_ticket_times WHERE"
               " state_type = 'closed' AND closed >= '2021-04-12' AND closed <"
               " '2021-04-13';")
    assert [(r[0], float(r[1]), float(r[2])) for r in got] == [
        ("connexion", 330.0, 546.0)]


def test_organisation_views(stack, data):
    got = rows(stack, "SELECT month, organisation, opened, closed,"
               " median_resolution_seconds FROM report_organisations_monthly"
               " WHERE organisation IN (%s, %s) ORDER BY month, organisation;"
               % (q(ORG_A), q(ORG_B)))
    assert ints(got) == [("2021-01-01", ORG_A, 1, 0, None),
                         ("2021-04-01", ORG_A, 3, 2, 200),
                         ("2021-04-01", ORG_B, 2, 1, 50)]
    got = rows(stack, "SELECT organisation, opened, open_now, closed FROM"
               " report_organisations WHERE organisation IN (%s, %s) ORDER BY"
               " organisation;" % (q(ORG_A), q(ORG_B)))
    assert ints(got) == [(ORG_A, 4, 2, 2), (ORG_B, 2, 0, 1)]


def test_agent_views(stack, data):
    got = rows(stack, "SELECT day, login, queue, replies, notes, closed FROM"
               " report_agents_daily WHERE login LIKE 'rpt.%' ORDER BY day, login;")
    assert ints(got) == [
        ("2021-03-02", "rpt.agent1", "depense", 0, 0, 1),
        ("2021-03-04", "rpt.agent2", "autres", 1, 0, 0),
        ("2021-03-05", "rpt.agent1", "depense", 0, 0, 1),
        ("2021-03-08", "rpt.agent1", "connexion", 0, 0, 1),
        ("2021-04-10", "rpt.agent1", "depense", 3, 1, 2),
        ("2021-04-11", "rpt.former", "depense", 1, 0, 0),
        ("2021-04-12", "rpt.agent2", "connexion", 0, 0, 1),
    ]
    got = rows(stack, "SELECT login, active, open_owned FROM report_agents"
               " WHERE login LIKE 'rpt.%' ORDER BY login;")
    assert ints(got) == [("rpt.agent1", 1, 2), ("rpt.agent2", 1, 0)]


def test_reopened_and_unsuccessful_views(stack, data):
    got = rows(stack, "SELECT reopened, number, queue, by_login, from_state,"
               " to_state FROM report_reopened WHERE number LIKE 'RPT-%'"
               " ORDER BY reopened;")
    assert got == [
        ("2021-03-03 09:00:00", "RPT-06", "depense", "rpt.ref1",
         "closed successful", "open"),
        ("2021-03-04 11:00:00", "RPT-08", "autres", "rpt.agent2",
         "closed unsuccessful", "pending reminder")]
    got = rows(stack, "SELECT closed, number, organisation, resolution_seconds"
               " FROM report_closed_unsuccessful WHERE number LIKE 'RPT-%'"
               " ORDER BY closed;")
    assert ints(got) == [("2021-03-03 12:00:00", "RPT-02", None, 129601),
                         ("2021-04-06 00:05:00", "RPT-31", ORG_A, 300)]


# --------------------------------------------------------- incremental

SUMMARIES = ("report_daily", "report_agent_daily", "report_times_monthly",
             "report_org_monthly")


def snapshot(stack):
    return {t: sql(stack, "SELECT * FROM %s ORDER BY 1, 2, 3;" % t)
            for t in SUMMARIES}


def test_refresh_follows_changes_and_equals_a_full_recompute(stack, daemon, data):
    # A reopening as the daemon writes it (changed set, a history row):
    # the day of its closing loses it, the day of the reopening gains one.
    sql(stack, "UPDATE tickets SET state_id = 2, closed = NULL, changed ="
        " UTC_TIMESTAMP() WHERE tn = 'RPT-04';"
        " INSERT INTO ticket_history (ticket_id, type, actor_id, old_value,"
        " new_value, created) VALUES ((SELECT id FROM tickets WHERE tn ="
        " 'RPT-04'), 'state', (SELECT id FROM users WHERE login = 'rpt.ref1'),"
        " 'closed successful', 'open', '2021-03-09 08:00:00');")
    try:
        refresh(daemon)
        got = rows(stack, "SELECT day, created, closed, reopened FROM"
                   " report_activity_daily WHERE queue = 'connexion' AND day"
                   " BETWEEN '2021-03-07' AND '2021-03-09' ORDER BY day;")
        assert ints(got) == [("2021-03-07", 1, 0, 0), ("2021-03-09", 0, 0, 1)]
        before = snapshot(stack)
        assert before["report_daily"]
        refresh(daemon, "--full")
        assert snapshot(stack) == before
    finally:
        # RPT-04 back as the other tests expect it.
        sql(stack, "UPDATE tickets SET state_id = 4, closed ="
            " '2021-03-08 01:00:00', changed = UTC_TIMESTAMP() WHERE tn ="
            " 'RPT-04'; DELETE FROM ticket_history WHERE created ="
            " '2021-03-09 08:00:00' AND ticket_id = (SELECT id FROM tickets"
            " WHERE tn = 'RPT-04');")
        refresh(daemon, "--full")
    got = rows(stack, "SELECT day, closed, reopened FROM report_activity_daily"
               " WHERE queue = 'connexion' AND day BETWEEN '2021-03-08' AND"
               " '2021-03-09' ORDER BY day;")
    assert ints(got) == [("2021-03-08", 1, 0)]


# --------------------------------------------------------------- the API

def test_api_list_and_access(daemon, admin, data):
    r = api(admin, "GET", "/api/v1/reports")
    assert r.status_code == 200
    reports = r.json()["reports"]
    names = [x["name"] for x in reports]
    assert names == ["activity_daily", "activity_weekly", "activity_monthly",
                     "backlog", "response_times", "resolution_times",
                     "organisations", "agents", "reopened",
                     "closed_unsuccessful"]
    assert all(set(x) == {"name", "title", "description"} and x["title"]
               and x["description"] for x in reports)
    for user in (REFERENT_A, AGENT):
        s = who(daemon, user)
        for path in ("/api/v1/reports", "/api/v1/reports/backlog",
                     "/api/v1/reports/activity_daily?format=csv"):
            is_error(api(s, "GET", path), 403, "forbidden")
    assert daemon.get("/api/v1/reports").status_code == 401
    assert daemon.get("/api/v1/reports/backlog").status_code == 401
    is_error(api(admin, "GET", "/api/v1/reports/nope"), 404, "not_found")


@pytest.mark.parametrize("query,why", [
    ("from=2021-13-01", "from"), ("to=2021-02-30", "to"),
    ("from=2021-03-02&to=2021-03-01", "after"), ("format=xml", "format"),
    ("bogus=1", "bogus"), ("queue=nope", "queue"), ("from=yesterday", "from"),
    ("queue=" + "x" * 40, "queue"), ("from=2021-03-01&from=2021-03-02", ""),
])
def test_api_bad_parameters(admin, query, why):
    err = is_error(api(admin, "GET", "/api/v1/reports/activity_daily?" + query),
                   400, "bad_request")
    assert why in err["message"].lower() or why in err["message"]


def test_api_activity(admin, data):
    for name, cols, want, period in [
            ("activity_daily", ("day", "queue", "priority"), DAILY,
             ("2021-01-01", "2021-03-31")),
            ("activity_weekly", ("iso_week", "week_start", "queue", "priority"),
             WEEKLY, ("2020-12-28", "2021-03-14")),
            ("activity_monthly", ("month", "queue", "priority"), MONTHLY,
             ("2021-01-01", "2021-03-31"))]:
        doc = report(admin, name, **{"from": period[0], "to": period[1]})
        got = project(doc, *(cols + ("created", "closed", "closed_unsuccessful",
                                     "reopened")))
        assert got == want, name
    # Only the days of the period count: a week cut in two.
    doc = report(admin, "activity_weekly", **{"from": "2021-03-03",
                                               "to": "2021-03-03"})
    assert project(doc, "iso_week", "queue", "priority", "closed",
                   "closed_unsuccessful", "reopened") == [
        ("2021-W09", "depense", 3, 1, 1, 1)]
    # One axis.
    doc = report(admin, "activity_monthly", **{"from": "2021-03-01",
                                                "to": "2021-03-31",
                                                "queue": "connexion"})
    assert project(doc, "month", "queue", "created", "closed") == [
        ("2021-03-01", "connexion", 1, 2)]
    assert doc["columns"][:3] == ["month", "queue", "queue_name"]


def test_api_times_and_the_period_edge(admin, data):
    april = {"from": "2021-04-01", "to": "2021-04-30"}
    doc = report(admin, "resolution_times", **april)
    assert doc["columns"] == ["queue", "queue_name", "priority", "priority_name",
                              "tickets", "median_seconds", "p90_seconds"]
    assert project(doc, "queue", "priority", "tickets", "median_seconds",
                   "p90_seconds") == RESOLUTION_APRIL
    doc = report(admin, "response_times", **april)
    assert project(doc, "queue", "priority", "tickets", "median_seconds",
                   "p90_seconds") == RESPONSE_APRIL
    # Up to May 1st included: RPT-14, closed at 00:00:00 that day, comes in.
    doc = report(admin, "resolution_times", queue="depense",
                 **{"from": "2021-04-01", "to": "2021-05-01"})
    assert project(doc, "queue", "priority", "tickets", "median_seconds",
                   "p90_seconds") == [("depense", 2, 5, 300, 570400),
                                      ("depense", 4, 2, 11, 11)]


def test_api_organisations_agents_lists(admin, data):
    april = {"from": "2021-04-01", "to": "2021-04-30"}
    doc = report(admin, "organisations", **april)
    mine = [r for r in project(doc, "organisation", "opened", "open_now",
                               "closed", "median_resolution_seconds")
            if r[0] in (ORG_A, ORG_B)]
    assert mine == [(ORG_A, 3, 2, 2, 200), (ORG_B, 2, 0, 1, 50)]
    doc = report(admin, "agents", **april)
    mine = [r for r in project(doc, "login", "open_owned", "replies", "notes",
                               "closed") if r[0].startswith("rpt.")]
    assert mine == [("rpt.agent1", 2, 3, 1, 2), ("rpt.agent2", 0, 0, 0, 1),
                    ("rpt.former", 0, 1, 0, 0)]
    doc = report(admin, "agents", queue="depense", **april)
    mine = [r for r in project(doc, "login", "open_owned", "replies", "notes",
                               "closed") if r[0].startswith("rpt.")]
    assert mine == [("rpt.agent1", 1, 3, 1, 2), ("rpt.agent2", 0, 0, 0, 0),
                    ("rpt.former", 0, 1, 0, 0)]
    doc = report(admin, "reopened", **{"from": "2021-03-01", "to": "2021-03-31"})
    assert doc["rows"] == [
        ["2021-03-03T09:00:00Z", "RPT-06", "depense", doc["rows"][0][3], 3,
         "normal", None, "rpt.ref1", "closed successful", "open"],
        ["2021-03-04T11:00:00Z", "RPT-08", "autres", doc["rows"][1][3], 2, "low",
         None, "rpt.agent2", "closed unsuccessful", "pending reminder"]]
    doc = report(admin, "closed_unsuccessful", **april)
    assert project(doc, "closed", "number", "organisation", "created",
                   "resolution_seconds") == [
        ("2021-04-06T00:05:00Z", "RPT-31", ORG_A, "2021-04-06T00:00:00Z", 300)]


def test_api_backlog_now(admin, data):
    # Live: the three tickets of now, and the 2021 ones all past 30 days.
    doc = report(admin, "backlog", queue=QUEUE)
    assert project(doc, "queue", "lt_1d", "d1_3", "d3_7", "d7_30", "gt_30d",
                   "total") == [(QUEUE, 1, 1, 0, 1, 9, 12)]
    # The period does not apply to a snapshot.
    assert report(admin, "backlog", queue=QUEUE, **{"from": "2021-01-01"}) == doc


def test_api_csv(admin, data):
    params = {"from": "2021-01-01", "to": "2021-03-31", "format": "csv"}
    r = report(admin, "activity_daily", **params)
    assert r.headers["Content-Type"].startswith("text/csv; charset=utf-8")
    assert r.headers["Content-Disposition"] == (
        'attachment; filename="gid-helpdesk-activity_daily-2021-01-01-'
        '2021-03-31.csv"')
    body = r.content
    assert body.startswith(b"\xef\xbb\xbf")
    assert body.endswith(b"\r\n") and b"\n" not in body.replace(b"\r\n", b"")
    table = list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline="")))
    doc = report(admin, "activity_daily", **{"from": "2021-01-01",
                                              "to": "2021-03-31"})
    assert table[0] == doc["columns"]
    assert table[1:] == [["" if v is None else str(v) for v in row]
                         for row in doc["rows"]]
    assert "Gestion de la dépense" in [row[2] for row in table[1:]]
    # Times as the spreadsheet reads them, NULL as an empty field.
    r = report(admin, "reopened", **{"from": "2021-03-01", "to": "2021-03-31",
                                     "format": "csv"})
    table = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"),
                                        newline="")))
    assert table[1][0] == "2021-03-03 09:00:00" and table[1][6] == ""


def test_api_row_cap(make_daemon, daemon, stack, data):
    # 101 reopenings on one day of July: over a cap of 100, under 1000.
    sql(stack, "INSERT INTO ticket_history (ticket_id, type, actor_id,"
        " old_value, new_value, created) SELECT (SELECT id FROM tickets WHERE"
        " tn = 'RPT-08'), 'state', (SELECT id FROM users WHERE login ="
        " 'rpt.agent2'), 'closed successful', 'open', '2021-07-01 10:00:00'"
        " FROM seq_1_to_101;")
    try:
        small = make_daemon({"reports": {"max_rows": "100"}})
        s = who(small, ADMIN)
        err = is_error(api(s, "GET", "/api/v1/reports/reopened?from=2021-07-01"
                           "&to=2021-07-01"), 422, "too_many_rows")
        assert "100" in err["message"]
        doc = report(s, "reopened", **{"from": "2021-07-02", "to": "2021-07-31"})
        assert doc["rows"] == []
        big = make_daemon({"reports": {"max_rows": "1000"}})
        doc = report(who(big, ADMIN), "reopened", **{"from": "2021-07-01",
                                                     "to": "2021-07-01"})
        assert len(doc["rows"]) == 101
        small.stop()
        big.stop()
    finally:
        sql(stack, "DELETE FROM ticket_history WHERE created ="
            " '2021-07-01 10:00:00';")
        refresh(daemon, "--full")


def test_api_follows_the_tickets(daemon, stack, data):
    """Deltas of today through the API, the summaries refreshed by the CLI."""
    ref, agent, admin = who(daemon, REFERENT_A), who(daemon, AGENT), who(daemon, ADMIN)
    today = time.strftime("%Y-%m-%d", time.gmtime())

    def today_row(prio):
        doc = report(admin, "activity_daily", queue="autres",
                     **{"from": today, "to": today})
        for r in project(doc, "priority", "created", "closed", "reopened"):
            if r[0] == prio:
                return r[1:]
        return (0, 0, 0)

    refresh(daemon)
    before1, before2 = today_row(1), today_row(2)
    t = new_ticket(ref, queue="autres", priority=1)
    tn = t["number"]
    refresh(daemon)
    assert today_row(1) == (before1[0] + 1, before1[1], before1[2])
    r = api(agent, "PATCH", "/api/v1/tickets/" + tn,
            json={"state": "closed successful"})
    assert r.status_code == 200, r.text
    refresh(daemon)
    assert today_row(1) == (before1[0] + 1, before1[1] + 1, before1[2])
    # The référent answers: reopened, no longer closed.
    r = api(ref, "POST", "/api/v1/tickets/%s/articles" % tn,
            json={"body": "Toujours bloqué."})
    assert r.status_code == 201 and r.json()["ticket"]["state"]["name"] == "open"
    refresh(daemon)
    assert today_row(1) == (before1[0] + 1, before1[1], before1[2] + 1)
    # Another priority moves every count of the ticket.
    r = api(agent, "PATCH", "/api/v1/tickets/" + tn, json={"priority": 2})
    assert r.status_code == 200, r.text
    refresh(daemon)
    assert today_row(1) == before1
    assert today_row(2) == (before2[0] + 1, before2[1], before2[2] + 1)


def test_api_order_after_a_filtered_run(make_daemon, data):
    """One worker, so one connection and one prepared statement: a report
    run for one axis, then for all, still comes sorted (MariaDB kept the
    filtered column out of ORDER BY with "(? IS NULL OR col = ?)")."""
    one = make_daemon({"server": {"workers": "1"}})
    s = who(one, ADMIN)
    period = {"from": "2021-01-01", "to": "2021-03-31"}
    for name, key in [("activity_daily", ("day", "queue", "priority")),
                      ("activity_monthly", ("month", "queue", "priority")),
                      ("reopened", ("reopened", "number"))]:
        report(s, name, queue="autres", **period)
        got = project(report(s, name, **period), *key)
        assert got == sorted(got), name
        assert len({r[1] for r in got}) >= 2, name
    one.stop()


# ---------------------------------------------------------- command line

def test_cli_report(daemon, admin, data):
    r = cli(daemon, "report", "--list")
    names = [line.split()[0] for line in r.stdout.splitlines()]
    assert "activity_daily" in names and "backlog" in names and len(names) == 10
    args = ["report", "activity_daily", "--from", "2021-01-01", "--to",
            "2021-03-31", "--format", "csv", "--bom"]
    out = subprocess.run([ADMIN_TOOL, "-c", daemon.conf_path] + args,
                         capture_output=True, timeout=60)
    assert out.returncode == 0, out.stderr
    api_csv = report(admin, "activity_daily", format="csv",
                     **{"from": "2021-01-01", "to": "2021-03-31"}).content
    assert out.stdout == api_csv
    # Without --bom, for scripts; JSON as the API gives it.
    r = cli(daemon, *args[:-1])
    assert r.stdout.startswith("day,queue,")
    r = cli(daemon, "report", "resolution_times", "--from", "2021-04-01", "--to",
            "2021-04-30", "--format", "json")
    assert json.loads(r.stdout) == report(admin, "resolution_times", **{
        "from": "2021-04-01", "to": "2021-04-30"})
    for bad in (["report"], ["report", "nope"], ["report", "backlog", "--format",
                                                  "xml"],
                ["report", "backlog", "--from", "2021-02-30"]):
        assert cli(daemon, *bad, check=False).returncode == 2, bad
    r = cli(daemon, "report", "backlog", "--queue", "nope", check=False)
    assert r.returncode == 1 and "Unknown queue" in r.stderr


# ----------------------------------------------------- reporting account

@pytest.fixture(scope="module")
def admin_conf(stack):
    """A configuration whose admin account may create accounts and grant."""
    stack.db.sql("CREATE USER IF NOT EXISTS 'rpt_dba'@'127.0.0.1' IDENTIFIED BY"
                 " 'rpt-dba-secret'; GRANT ALL PRIVILEGES ON *.* TO"
                 " 'rpt_dba'@'127.0.0.1' WITH GRANT OPTION;")
    d = tempfile.mkdtemp(prefix="gidhd-report-")
    with open(os.path.join(d, "dba.secret"), "w") as f:
        f.write("rpt-dba-secret\n")
    os.chmod(os.path.join(d, "dba.secret"), 0o600)
    conf = base_conf(stack, 1, {"database": {
        "admin_user": "rpt_dba",
        "admin_password_file": os.path.join(d, "dba.secret")}})
    path = os.path.join(d, "admin.conf")
    write_conf(path, conf)
    return path, d


def as_reader(stack, user, password, query):
    return subprocess.run(
        ["mariadb", "--no-defaults", "-h", "127.0.0.1", "-P", str(stack.db.port),
         "-u", user, "-p" + password, "-N", "-B", stackmod.DB_NAME, "-e", query],
        capture_output=True, text=True, timeout=60)


def test_reporting_account(stack, daemon, data, admin_conf):
    path, d = admin_conf
    pw = os.path.join(d, "reader.secret")
    with open(pw, "w") as f:
        f.write("reader-secret-2026\n")
    cli(daemon, "report-user", "drop", "rpt_reader", "--host", "127.0.0.1",
        conf=path, check=False)
    r = cli(daemon, "report-user", "create", "rpt_reader", "--host", "127.0.0.1",
            "--password-file", pw, conf=path)
    assert "report_activity_daily" in r.stdout and "password" not in r.stdout
    # The views answer, with the figures above.
    r = as_reader(stack, "rpt_reader", "reader-secret-2026",
                  "SELECT day, created FROM report_activity_daily WHERE day ="
                  " '2021-03-01' AND queue = 'depense'")
    assert r.returncode == 0, r.stderr
    assert r.stdout.split() == ["2021-03-01", "3"]
    r = as_reader(stack, "rpt_reader", "reader-secret-2026", "SHOW TABLES")
    shown = r.stdout.split()
    assert shown and all(t.startswith("report_") for t in shown), shown
    assert "report_daily" not in shown and "tickets" not in shown
    views = {t for t, in sql(stack, "SELECT TABLE_NAME FROM"
                                    " information_schema.VIEWS WHERE TABLE_SCHEMA"
                                    " = 'gid_helpdesk';")}
    assert set(shown) == views and len(views) >= 13
    for view in views:
        r = as_reader(stack, "rpt_reader", "reader-secret-2026",
                      "SELECT COUNT(*) FROM %s" % view)
        assert r.returncode == 0, (view, r.stderr)
    # Refused on every table: base tables, summaries, secrets.
    for table in ("tickets", "articles", "attachments", "users", "sessions",
                  "api_tokens", "auth_audit", "login_failures", "uploads",
                  "idempotency_keys", "ticket_history", "report_daily",
                  "report_state", "schema_migrations"):
        r = as_reader(stack, "rpt_reader", "reader-secret-2026",
                      "SELECT COUNT(*) FROM %s" % table)
        assert r.returncode != 0 and "denied" in r.stderr, (table, r.stderr)
    r = as_reader(stack, "rpt_reader", "reader-secret-2026",
                  "UPDATE report_activity_daily SET created = 0")
    assert r.returncode != 0 and "denied" in r.stderr
    # A generated password, printed once.
    cli(daemon, "report-user", "drop", "rpt_reader2", conf=path, check=False)
    r = cli(daemon, "report-user", "create", "rpt_reader2", conf=path)
    secret = r.stdout.strip().splitlines()[-1].split("password: ")[1]
    assert len(secret) == 32
    cli(daemon, "report-user", "drop", "rpt_reader2", conf=path)
    # Dropped: no more access.
    cli(daemon, "report-user", "drop", "rpt_reader", "--host", "127.0.0.1",
        conf=path)
    r = as_reader(stack, "rpt_reader", "reader-secret-2026", "SELECT 1")
    assert r.returncode != 0 and "denied" in r.stderr
    # Names that are not plain, and the daemon's own accounts, are refused.
    for name in ("x'; DROP USER root; --", "gid_helpdesk", "root", "a" * 40, ""):
        assert cli(daemon, "report-user", "create", name, conf=path,
                   check=False).returncode == 2, name
    short = os.path.join(d, "short.secret")
    with open(short, "w") as f:
        f.write("short\n")
    assert cli(daemon, "report-user", "create", "rpt_reader3", "--password-file",
               short, conf=path, check=False).returncode == 1


def test_the_daemon_refreshes_by_itself(daemon, stack, data):
    """The maintenance tick (once a minute) brings the summaries up to date."""
    sql(stack, "UPDATE tickets SET priority_id = 4, changed = UTC_TIMESTAMP()"
        " WHERE tn = 'RPT-09';")
    try:
        deadline = time.time() + 150
        got = None
        while time.time() < deadline:
            got = rows(stack, "SELECT priority FROM report_activity_daily WHERE"
                       " day = '2021-01-03' AND queue = 'autres';")
            if got == [("4",)]:
                break
            time.sleep(2)
        assert got == [("4",)]
    finally:
        sql(stack, "UPDATE tickets SET priority_id = 2, changed ="
            " UTC_TIMESTAMP() WHERE tn = 'RPT-09';")
        refresh(daemon)
