#!/usr/bin/python3
"""Time every report over a large database (one million tickets by default).

    bench/reports.py [--build DIR] [--tickets N] [--runs 3] [--dir DIR] [--keep]
                     [--full-refresh]

A throwaway MariaDB of its own (loopback port, data under --dir, default
build/reports-bench), the migrations of sql/, then N tickets with their
articles and history rows made inside MariaDB with INSERT ... SELECT from
the Sequence engine (about 1,000 tickets a day, the newest yesterday; 2% of
the older ones still open, 8% closed unsuccessful, 3% of the closed ones
reopened once), the summaries built with "gid-helpdesk report-refresh",
then each report timed through "gid-helpdesk report NAME" (the code the
API runs, with process start and connection) for three periods: the
default (the last 30 days), the last 365 days, and everything; and each
SQL view read whole with the mariadb client, as a reporting account would.
The median of --runs runs is printed. With --dir pointing at a database a
previous run kept (--keep), seeding is skipped.

The report names (for bench/run and scripts): gid-helpdesk report --list.
Build with -O2 and no sanitizers for figures worth quoting, e.g.
    mkdir -p build/rel && cd build/rel && ../../configure CFLAGS=-O2 && make
"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SRCDIR = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(SRCDIR, "tests"))
import stack as stackmod  # noqa: E402

VIEWS = ["report_activity_daily", "report_activity_weekly",
         "report_activity_monthly", "report_backlog",
         "report_response_times_monthly", "report_resolution_times_monthly",
         "report_organisations", "report_organisations_monthly",
         "report_agents", "report_agents_daily"]


def seed_sql(n):
    h = lambda expr, salt: "CRC32(CONCAT(%s, '%s'))" % (expr, salt)  # noqa: E731
    return """
SET SESSION time_zone = '+00:00', foreign_key_checks = 0, unique_checks = 0;
INSERT INTO organisations (id, code, name)
SELECT seq, CONCAT('bench-', seq), CONCAT('TP Bench ', seq) FROM seq_1_to_60;
INSERT INTO users (id, login, dn, name, organisation_id, roles)
SELECT seq, CONCAT('bref.', seq), CONCAT('uid=bref.', seq), CONCAT('Référent ', seq),
  1 + seq % 60, 1 FROM seq_1_to_2000;
INSERT INTO users (id, login, dn, name, roles)
SELECT seq, CONCAT('bagent.', seq), CONCAT('uid=bagent.', seq), CONCAT('Agent ', seq), 2
FROM seq_2001_to_2040;
BEGIN;
INSERT INTO tickets (id, tn, title, queue_id, priority_id, state_id, customer_id,
  organisation_id, owner_id, created, changed, first_response, closed, version)
SELECT x.r, CONCAT('B', x.r), 'bench', 1 + {hq} % 7, 1 + {hp} % 5, x.st, x.cust,
  1 + x.cust % 60, IF(x.st = 1, NULL, 2001 + {ho} % 40), x.created, x.created,
  IF(x.st = 1, NULL, x.created + INTERVAL (300 + {hf} % 172800) SECOND),
  IF(x.st IN (4, 5), LEAST(UTC_TIMESTAMP(), x.created + INTERVAL (600 + {hc} % 1728000) SECOND), NULL), 1
FROM (SELECT seq AS r, 1 + {hu} % 2000 AS cust,
  UTC_DATE() - INTERVAL (seq * 86 + {ht} % 86) SECOND AS created,
  IF(seq <= 5000, 1 + {hs} % 3, IF({hs} % 100 < 2, 2, IF({hs} % 100 < 10, 5, 4))) AS st
  FROM seq_1_to_{n}) x;
COMMIT;
BEGIN;
INSERT INTO articles (ticket_id, sender, author_id, internal, body, created)
SELECT t.id, IF(s.seq % 2 = 1, 'referent', 'agent'),
  IF(s.seq % 2 = 1, t.customer_id, COALESCE(t.owner_id, 2001)),
  IF(s.seq = 4 AND {hi} % 5 = 0, 1, 0), 'Bonjour, le mandat est bloqué.',
  CASE s.seq WHEN 1 THEN t.created WHEN 2 THEN t.first_response
    ELSE COALESCE(t.first_response, t.created) + INTERVAL s.seq HOUR END
FROM tickets t JOIN seq_1_to_4 s ON s.seq <= 1 + {hn} % 4
  AND (s.seq = 1 OR t.first_response IS NOT NULL);
COMMIT;
BEGIN;
INSERT INTO ticket_history (ticket_id, type, actor_id, new_value, created)
SELECT id, 'created', customer_id, 'new', created FROM tickets;
INSERT INTO ticket_history (ticket_id, type, actor_id, old_value, new_value, created)
SELECT id, 'state', owner_id, 'new', 'open', first_response FROM tickets
WHERE first_response IS NOT NULL;
INSERT INTO ticket_history (ticket_id, type, actor_id, old_value, new_value, created)
SELECT id, 'state', owner_id, 'open', 'closed successful', first_response + INTERVAL 1 HOUR
FROM tickets WHERE closed > first_response + INTERVAL 3 HOUR AND {hr} % 100 < 3;
INSERT INTO ticket_history (ticket_id, type, actor_id, old_value, new_value, created)
SELECT id, 'state', customer_id, 'closed successful', 'open', first_response + INTERVAL 2 HOUR
FROM tickets WHERE closed > first_response + INTERVAL 3 HOUR AND {hr} % 100 < 3;
INSERT INTO ticket_history (ticket_id, type, actor_id, old_value, new_value, created)
SELECT id, 'state', COALESCE(owner_id, customer_id), 'open',
  IF(state_id = 4, 'closed successful', 'closed unsuccessful'), closed
FROM tickets WHERE closed IS NOT NULL;
COMMIT;
ANALYZE TABLE tickets, articles, ticket_history;
""".format(n=n, hq=h("x.r", "q"), hp=h("x.r", "p"), ho=h("x.r", "o"),
           hf=h("x.r", "f"), hc=h("x.r", "c"), hu=h("seq", "u"), ht=h("seq", "t"),
           hs=h("seq", "s"), hi=h("t.id", "i"), hn=h("t.id", "n"), hr=h("id", "r"))


def log(msg):
    print("reports-bench: %s" % msg, flush=True)


def timed(argv, **kw):
    t0 = time.monotonic()
    r = subprocess.run(argv, capture_output=True, **kw)
    dt = time.monotonic() - t0
    if r.returncode != 0:
        raise RuntimeError("%s: %s" % (" ".join(argv), r.stderr.decode()[-500:]))
    return dt, r.stdout


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--build", default=None,
                    help="build directory with gid-helpdesk (build/rel, build/bench or build/dev)")
    ap.add_argument("--tickets", type=int, default=1000000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--dir", default=os.path.join(SRCDIR, "build", "reports-bench"))
    ap.add_argument("--keep", action="store_true", help="leave the database on disk")
    ap.add_argument("--full-refresh", action="store_true",
                    help="time report-refresh --full (every summary again) too")
    args = ap.parse_args()
    build = args.build or next((os.path.join(SRCDIR, "build", b) for b in ("rel", "bench", "dev")
                                if os.path.exists(os.path.join(SRCDIR, "build", b, "gid-helpdesk"))),
                               None)
    if build is None:
        sys.exit("reports-bench: no gid-helpdesk built (give --build)")
    tool = os.path.join(build, "gid-helpdesk")
    dbdir = os.path.join(args.dir, "mariadb")
    fresh = not os.path.exists(os.path.join(dbdir, "data", "gid_helpdesk"))
    # A buffer pool for a million tickets; commits need not be durable here.
    db = stackmod.Mariadb(dbdir, durable=False, extra_args=[
        "--innodb-buffer-pool-size=1G", "--innodb-log-file-size=512M",
        "--tmpdir=" + dbdir])
    if fresh:
        db.setup()
    db.start()
    try:
        if fresh:
            db.create_database()
        secret = os.path.join(args.dir, "db.secret")
        with open(secret, "w") as f:
            f.write(stackmod.DB_PASSWORD + "\n")
        os.chmod(secret, 0o600)
        conf = os.path.join(args.dir, "bench.conf")
        with open(conf, "w") as f:
            f.write("[server]\nhtml_root = %s\n[database]\nhost = 127.0.0.1\n"
                    "port = %d\nname = %s\nuser = %s\npassword_file = %s\n"
                    "read_timeout = 600\n[reports]\nmax_rows = 1000000\n" % (
                        os.path.join(SRCDIR, "html"), db.port, stackmod.DB_NAME,
                        stackmod.DB_USER, secret))
        sqldir = os.path.join(SRCDIR, "sql")
        if fresh:
            # The tables first, the seed, then the reports' migration (as on
            # a database that grew before it): its indexes are built once.
            tmp = os.path.join(args.dir, "sql-before")
            shutil.rmtree(tmp, ignore_errors=True)
            os.makedirs(tmp)
            for f in sorted(os.listdir(sqldir)):
                if f.endswith(".sql") and f < "004":
                    shutil.copy(os.path.join(sqldir, f), tmp)
            timed([tool, "-c", conf, "migrate", "--sql-dir", tmp])
            log("seeding %d tickets..." % args.tickets)
            t0 = time.monotonic()
            db.sql(seed_sql(args.tickets), database=stackmod.DB_NAME)
            log("seeded in %.0f s" % (time.monotonic() - t0))
        dt, _ = timed([tool, "-c", conf, "migrate", "--sql-dir", sqldir])
        log("migrate (004-reports on the seeded tables: indexes): %.1f s" % dt)
        dt, out = timed([tool, "-c", conf, "report-refresh"])
        log("report-refresh: %.1f s (%s)" % (dt, out.decode().strip()))
        if args.full_refresh:
            dt, out = timed([tool, "-c", conf, "report-refresh", "--full"])
            log("report-refresh --full: %.1f s (%s)" % (dt, out.decode().strip()))
        counts = db.sql("SELECT COUNT(*) FROM tickets; SELECT COUNT(*) FROM articles;"
                        " SELECT COUNT(*) FROM ticket_history;",
                        database=stackmod.DB_NAME).split()
        log("tickets %s, articles %s, history rows %s" % tuple(counts))
        names = [line.split()[0] for line in
                 timed([tool, "-c", conf, "report", "--list"])[1].decode().splitlines()]
        periods = [("default (30 days)", []),
                   ("365 days", ["--from", time.strftime("%Y-%m-%d", time.gmtime(time.time() - 364 * 86400))]),
                   ("everything", ["--from", "1970-01-01"])]
        print()
        print("%-22s %14s %14s %14s   rows (all)" % ("report (CLI, median s)",
                                                   *[p[0] for p in periods]))
        for name in names:
            cells, rows = [], 0
            for _, extra in periods:
                ts = []
                for _ in range(args.runs):
                    try:
                        dt, out = timed([tool, "-c", conf, "report", name, "--format",
                                         "csv"] + extra)
                    except RuntimeError as e:
                        log("%s %s: %s" % (name, extra, str(e).splitlines()[-1]))
                        ts = None
                        break
                    ts.append(dt)
                    rows = out.count(b"\r\n") - 1
                cells.append("%14.3f" % statistics.median(ts) if ts else "%14s" % "failed")
            print("%-22s %s %s %s   %d" % (name, *cells, rows))
        print()
        print("%-34s %10s   rows" % ("view read whole (mariadb, median s)", ""))
        for view in VIEWS:
            ts = []
            for _ in range(args.runs):
                dt, out = timed(["mariadb", "--no-defaults", "-S", db.socket, "-uroot", "-N", "-B",
                                 stackmod.DB_NAME, "-e", "SELECT * FROM %s" % view])
                ts.append(dt)
            print("%-34s %10.3f   %d" % (view, statistics.median(ts), out.count(b"\n")))
    finally:
        db.stop()
        if not args.keep:
            shutil.rmtree(args.dir, ignore_errors=True)


if __name__ == "__main__":
    main()
