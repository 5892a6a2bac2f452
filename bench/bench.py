#!/usr/bin/python3
"""The benchmark driver (bench/run calls it after building): a private
slapd + MariaDB (tests/stack.py), the directory and the tickets seeded in
bulk (bench/seed.py), the floor program (bench/floor.c) and the daemon
side by side, wrk through bench/wrk.lua at each connection count, then
one table: requests/s, p50/p99, the ratio to the matching floor, the
daemon's peak RSS; cross-checked with GET /metrics, written to
bench/results/.
"""

import argparse
import datetime
import http.client
import json
import os
import platform
import re
import shutil
import signal
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SRCDIR = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(SRCDIR, "tests"))
sys.path.insert(0, HERE)
import stack as stackmod  # noqa: E402
import seed  # noqa: E402

PASSWORD = seed.PASSWORD
MIB = 1024 * 1024

# The floors: what one request of each kind cannot beat.
FLOORS = {
    "a": "one primary-key SELECT",
    "b": "one INSERT, own transaction",
    "c": "one LDAP search + bind",
    "d": "static file, evbuffer_add_file",
}

# The targets of issue 7, as (scenario, floor ratio, p99 limit in ms).
TARGETS = {
    "zoom": (0.25, 10.0), "mine": (0.25, 10.0), "queue": (0.25, 10.0),
    "create": (0.30, None), "login": (0.50, None), "static": (0.80, None),
}
GROWTH = ("zoom", "mine", "queue")
RSS_LIMIT_MIB = 64


def log(msg):
    print(msg, flush=True)


def free_port():
    return stackmod.free_port()


class Http:
    """A tiny client for the set-up requests (not for measuring)."""

    def __init__(self, port):
        self.port = port

    def request(self, method, path, body=None, headers=None):
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        h = dict(headers or {})
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            h["Content-Type"] = "application/json"
        c.request(method, path, body=data, headers=h)
        r = c.getresponse()
        out = r.read()
        c.close()
        return r.status, dict(r.getheaders()), out


def login(port, user):
    """A session for user: (cookie header value, CSRF token)."""
    st, hdrs, body = Http(port).request("POST", "/api/v1/session",
                                        {"login": user, "password": PASSWORD})
    if st != 200:
        raise RuntimeError("login %s: %d %s" % (user, st, body[:200]))
    cookie = hdrs.get("Set-Cookie", "").split(";")[0]
    return cookie, json.loads(body)["csrf_token"]


def proc_hwm_kib(pid):
    """VmHWM (peak resident set) of pid in KiB, 0 if unknown."""
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def proc_cpu_s(pid):
    """CPU seconds (user + system, all threads) used so far by pid."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return 0.0


def read_metrics(port):
    """{(route, code): count} and {route: (sum_seconds, count)} from /metrics."""
    try:
        st, _, body = Http(port).request("GET", "/metrics")
    except OSError:
        return {}, {}
    if st != 200:
        return {}, {}
    counts, lat = {}, {}
    for line in body.decode().splitlines():
        m = re.match(r'gidhd_http_requests_total\{route="([^"]+)",code="([^"]+)"\} (\d+)', line)
        if m:
            counts[(m.group(1), m.group(2))] = int(m.group(3))
            continue
        m = re.match(r'gidhd_http_request_duration_seconds_(sum|count)\{route="([^"]+)"\} ([0-9.e+]+)', line)
        if m:
            s, c = lat.get(m.group(2), (0.0, 0))
            if m.group(1) == "sum":
                s = float(m.group(3))
            else:
                c = int(float(m.group(3)))
            lat[m.group(2)] = (s, c)
    return counts, lat


class Runner:
    def __init__(self, args):
        self.args = args
        self.build = os.path.abspath(args.build)
        self.work = os.path.join(self.build, "run")
        self.stack = None
        self.daemon = None
        self.daemon_port = None
        self.floor = None
        self.floor_port = None
        self.results = []
        self.skipped = []
        self.growth = {}
        self.hwm_kib = 0
        self.notes = []
        self.seed_seconds = 0.0

    # ------------------------------------------------------------ services
    def stack_up(self):
        sd = os.path.join(self.work, "stack")
        stackmod.Stack.load(sd).down() if os.path.exists(
            os.path.join(sd, "stack.json")) else None
        ldif = os.path.join(self.work, "directory.ldif")
        os.makedirs(self.work, exist_ok=True)
        subprocess.run([sys.executable, os.path.join(HERE, "seed.py"), "ldif",
                        "--out", ldif, "--users", str(self.args.users)], check=True)
        t0 = time.time()
        self.stack = stackmod.Stack(sd).up(
            [ldif], durable=True, slapd_debug="none",
            mariadb_options=["--innodb-buffer-pool-size=%s" % self.args.buffer_pool,
                             "--innodb-log-file-size=512M",
                             # Index builds (the FULLTEXT keys) sort in
                             # memory rather than in merge passes.
                             "--innodb-sort-buffer-size=64M",
                             "--max-prepared-stmt-count=65528"])
        log("stack: slapd %s, mariadb port %d (%.1f s)" % (
            self.stack.slapd.uri, self.stack.db.port, time.time() - t0))

    def write_conf(self, port, workers):
        st = self.stack
        path = os.path.join(self.work, "gid-helpdesk.conf")
        with open(path, "w") as f:
            f.write("""; written by bench/bench.py
[server]
listen = 127.0.0.1:{port}
workers = {workers}
html_root = {html}
log_file = {log}
log_level = info
[database]
host = 127.0.0.1
port = {dbport}
name = {dbname}
user = {dbuser}
password_file = {dbsecret}
[ldap]
uri = {uri}
bind_dn = {binddn}
bind_password_file = {ldapsecret}
user_base = ou=people,{suffix}
referent_group = cn=gid-referents,ou=groups,{suffix}
agent_group = cn=gid-agents,ou=groups,{suffix}
admin_group = cn=gid-admins,ou=groups,{suffix}
[login]
throttle = no
""".format(port=port, workers=workers, html=os.path.join(SRCDIR, "html"),
           log=os.path.join(self.work, "daemon.log"), dbport=st.db.port,
           dbname=stackmod.DB_NAME, dbuser=stackmod.DB_USER,
           dbsecret=os.path.join(st.dir, "db.secret"), uri=st.slapd.uri,
           binddn=stackmod.SERVICE_DN, ldapsecret=os.path.join(st.dir, "ldap.secret"),
           suffix=stackmod.SUFFIX))
        return path

    def migrate_and_seed_users(self):
        conf = self.write_conf(1, 1)
        r = subprocess.run([os.path.join(self.build, "gid-helpdesk"), "-c", conf,
                            "migrate", "--sql-dir", os.path.join(SRCDIR, "sql")],
                           capture_output=True, text=True)
        if r.returncode != 0:
            raise RuntimeError("migrate: " + r.stderr + r.stdout)
        self.run_seed("users", "--users", str(self.args.users))
        # The rows must be what a sync (or a login) would write: nothing to do.
        r = subprocess.run([os.path.join(self.build, "gid-helpdesk"), "-c", conf,
                            "sync"], capture_output=True, text=True)
        log("seed: check against the directory: " + r.stdout.strip())
        if r.returncode != 0 or "created 0, updated 0" not in r.stdout:
            raise RuntimeError("users differ from the directory: " + r.stdout + r.stderr)
        self.stack.db.sql("CREATE TABLE IF NOT EXISTS bench_floor ("
                          " id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,"
                          " thread INT NOT NULL, body VARCHAR(255) NOT NULL,"
                          " created DATETIME NOT NULL) ENGINE=InnoDB"
                          " DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci",
                          database=stackmod.DB_NAME)

    def has_tickets(self):
        out = self.stack.db.sql("SHOW TABLES LIKE 'tickets'", database=stackmod.DB_NAME)
        return out.strip() != ""

    def run_seed(self, *argv):
        t0 = time.time()
        r = subprocess.run([sys.executable, os.path.join(HERE, "seed.py")] + list(argv)
                           + ["--stack", self.stack.dir])
        if r.returncode != 0:
            raise RuntimeError("seed.py %s failed" % argv[0])
        self.seed_seconds += time.time() - t0

    def seed_tickets(self, upto, frm):
        argv = ["tickets", "--upto", str(upto), "--from", str(frm)]
        # Building the FULLTEXT keys once, sorted, beats row-by-row upkeep
        # for large loads.
        if upto - frm >= 200000:
            argv.append("--rebuild-fulltext")
        self.run_seed(*argv)
        # The report summaries, when this build has them, built whole as
        # after any bulk load (README), before a daemon's tick would.
        admin = os.path.join(self.build, "gid-helpdesk")
        r = subprocess.run([admin], capture_output=True, text=True)
        usage = r.stdout + r.stderr
        if "report-refresh" in usage:
            t0 = time.time()
            r = subprocess.run([admin, "-c", self.write_conf(1, 1), "report-refresh",
                                "--full"], capture_output=True, text=True)
            if r.returncode != 0:
                raise RuntimeError("report-refresh: " + r.stderr + r.stdout)
            self.seed_seconds += time.time() - t0
            log("seed: report summaries rebuilt in %.1f s" % (time.time() - t0))

    def start_daemon(self):
        self.daemon_port = free_port()
        conf = self.write_conf(self.daemon_port, self.args.workers)
        self.daemon = subprocess.Popen(
            [self.args.daemon or os.path.join(self.build, "gid-helpdeskd"), "-c", conf],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=open(os.path.join(self.work, "daemon.stderr"), "ab"))
        self.wait_ready(self.daemon_port, "/readyz", self.daemon)

    def stop_daemon(self):
        if self.daemon is not None:
            self.hwm_kib = max(self.hwm_kib, proc_hwm_kib(self.daemon.pid))
            stackmod.stop_pid(self.daemon.pid)
            self.daemon = None

    def start_floor(self):
        st = self.stack
        self.floor_port = free_port()
        self.floor = subprocess.Popen(
            [os.path.join(self.build, "floor"), "-p", str(self.floor_port),
             "-t", str(self.args.workers), "-H", "127.0.0.1", "-P", str(st.db.port),
             "-D", stackmod.DB_NAME, "-u", stackmod.DB_USER,
             "-w", os.path.join(st.dir, "db.secret"), "-l", st.slapd.uri,
             "-b", stackmod.SERVICE_DN, "-W", os.path.join(st.dir, "ldap.secret"),
             "-B", "ou=people," + stackmod.SUFFIX, "-k", PASSWORD,
             "-f", self.static_file],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=open(os.path.join(self.work, "floor.stderr"), "ab"))
        self.wait_ready(self.floor_port, "/d", self.floor)

    def stop_floor(self):
        if self.floor is not None:
            stackmod.stop_pid(self.floor.pid)
            self.floor = None

    def wait_ready(self, port, path, proc):
        deadline = time.time() + 30
        while time.time() < deadline:
            if proc.poll() is not None:
                raise RuntimeError("server exited with %s" % proc.returncode)
            try:
                if Http(port).request("GET", path)[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.1)
        raise RuntimeError("server on port %d not ready" % port)

    def stop_all(self):
        self.stop_daemon()
        self.stop_floor()
        if self.stack is not None:
            self.stack.down()
            self.stack = None

    # ------------------------------------------------------------ wrk
    def files(self, name, lines):
        path = os.path.join(self.work, name)
        with open(path, "w") as f:
            for line in lines:
                f.write(line + "\n")
        return path

    def wrk(self, port, conns, seconds, paths, method="GET", bodies=None,
            headers=None):
        env = dict(os.environ)
        env["BENCH_METHOD"] = method
        env["BENCH_PATHS"] = paths
        env["BENCH_BODIES"] = bodies or ""
        env["BENCH_HEADERS"] = headers or ""
        threads = min(2, conns)
        r = subprocess.run(["wrk", "-t%d" % threads, "-c%d" % conns,
                            "-d%ds" % seconds, "--timeout", "10s",
                            "-s", os.path.join(HERE, "wrk.lua"),
                            "http://127.0.0.1:%d" % port],
                           env=env, capture_output=True, text=True)
        for line in reversed(r.stdout.splitlines()):
            if line.startswith("{"):
                return json.loads(line)
        raise RuntimeError("wrk: no result: %s %s" % (r.stdout[-500:], r.stderr[-500:]))

    def measure(self, port, conns, sc, route=None, proc=None, warm=True,
                duration=None):
        """Warm up (unless warm is false), then one measured wrk run."""
        if warm and self.args.warmup > 0:
            self.wrk(port, conns, self.args.warmup, sc["paths"], sc.get("method", "GET"),
                     sc.get("bodies"), sc.get("headers"))
        before = read_metrics(port) if route else ({}, {})
        # CPU per request of the server measured, MariaDB and slapd: unlike
        # requests/s, barely moved by what else the machine runs.
        server = proc if proc is not None else self.floor
        pids = [server.pid if server else 0, self.stack.db.pid, self.stack.slapd.pid]
        cpu0 = [proc_cpu_s(p) for p in pids]
        res = self.wrk(port, conns, duration or self.args.duration, sc["paths"],
                       sc.get("method", "GET"), sc.get("bodies"), sc.get("headers"))
        cpu1 = [proc_cpu_s(p) for p in pids]
        after = read_metrics(port) if route else ({}, {})
        secs = res["duration_us"] / 1e6
        e = res["errors"]
        out = {"rps": res["requests"] / secs if secs > 0 else 0.0,
               "p50_ms": res["latency_us"]["p50"] / 1000.0,
               "p99_ms": res["latency_us"]["p99"] / 1000.0,
               "mean_ms": res["latency_us"]["mean"] / 1000.0,
               "requests": res["requests"],
               "errors": e["connect"] + e["read"] + e["write"] + e["status"] + e["timeout"],
               "non2xx": e["status"], "conns": conns}
        n = max(res["requests"], 1)
        out["cpu_us"] = [(b - a) * 1e6 / n for a, b in zip(cpu0, cpu1)]
        if route:
            c0, l0 = before
            c1, l1 = after
            n = sum(v - c0.get(k, 0) for k, v in c1.items() if k[0] == route)
            s1, k1 = l1.get(route, (0.0, 0))
            s0, k0 = l0.get(route, (0.0, 0))
            out["metrics_count"] = n
            out["metrics_mean_ms"] = ((s1 - s0) / (k1 - k0) * 1000.0) if k1 > k0 else None
        if proc is not None:
            out["hwm_mib"] = proc_hwm_kib(proc.pid) / 1024.0
        return out

    # ------------------------------------------------------------ scenarios
    def pick_static_file(self):
        """The largest file of the portal: the heaviest asset a browser loads."""
        best = None
        root = os.path.join(SRCDIR, "html")
        for d, _, names in os.walk(root):
            for n in names:
                p = os.path.join(d, n)
                if n.startswith(".") or not os.path.isfile(p):
                    continue
                if best is None or os.path.getsize(p) > os.path.getsize(best):
                    best = p
        self.static_file = best
        self.static_path = "/" + os.path.relpath(best, root)

    def floor_scenarios(self):
        # Ticket ids, or user ids while there is no tickets table.
        nt = self.n_tickets or self.args.users
        ids = [str((i * 7919) % nt + 1) for i in range(1, 20001)]
        refs = self.referent_logins()
        return {
            "a": {"paths": self.files("floor-a.txt", ["/a?id=" + i for i in ids])},
            "b": {"paths": self.files("floor-b.txt", ["/b"])},
            "c": {"paths": self.files("floor-c.txt", ["/c?login=" + r for r in refs])},
            "d": {"paths": self.files("floor-d.txt", ["/d"])},
        }

    def referent_logins(self):
        out = self.stack.db.sql("SELECT login FROM users WHERE login LIKE 'ref.%%'"
                                " ORDER BY id LIMIT %d" % 5000, database=stackmod.DB_NAME)
        return out.split()

    def daemon_scenarios(self):
        """Each scenario: name, route (for /metrics), floor kind, wrk setup.
        A scenario that cannot run yet says why in self.skipped."""
        port = self.daemon_port
        sql = lambda q: self.stack.db.sql(q, database=stackmod.DB_NAME)
        ref_cookie, ref_csrf = login(port, seed.BENCH_REFERENT)
        ref_h = self.files("h-referent.txt", ["Cookie: " + ref_cookie])
        ref_hw = self.files("h-referent-write.txt", [
            "Cookie: " + ref_cookie, "X-CSRF-Token: " + ref_csrf,
            "Content-Type: application/json"])
        sc = []
        sc.append({"name": "static", "route": "static", "floor": "d",
                   "what": "GET %s (%d bytes)" % (self.static_path,
                                                  os.path.getsize(self.static_file)),
                   "paths": self.files("p-static.txt", [self.static_path])})
        sc.append({"name": "me", "route": "me", "floor": "a",
                   "what": "GET /api/v1/me", "headers": ref_h,
                   "paths": self.files("p-me.txt", ["/api/v1/me"])})
        if self.tickets_api:
            ag_cookie, _ = login(port, seed.BENCH_AGENT)
            ag_h = self.files("h-agent.txt", ["Cookie: " + ag_cookie])
            n_mine = sql("SELECT COUNT(*), SUM(closed IS NULL) FROM tickets t JOIN users u"
                         " ON u.id = t.customer_id WHERE u.login = '%s'"
                         % seed.BENCH_REFERENT).split()
            sc.append({"name": "mine", "route": "tickets", "floor": "a",
                       "what": "Mes tickets: GET /api/v1/tickets?state=open (%s tickets, %s open)"
                       % tuple(n_mine), "headers": ref_h,
                       "paths": self.files("p-mine.txt", ["/api/v1/tickets?state=open"])})
            zoom = sql("SELECT t.tn FROM tickets t JOIN users u ON u.id = t.customer_id"
                       " WHERE u.login = '%s' AND (SELECT COUNT(*) FROM articles a"
                       " WHERE a.ticket_id = t.id AND a.internal = 0) = 5"
                       " ORDER BY t.id LIMIT 20" % seed.BENCH_REFERENT).split()
            if zoom:
                sc.append({"name": "zoom", "route": "ticket", "floor": "a",
                           "what": "GET /api/v1/tickets/{number}, 5 articles (%d tickets)"
                           % len(zoom), "headers": ref_h,
                           "paths": self.files("p-zoom.txt", ["/api/v1/tickets/" + t
                                                              for t in zoom])})
            else:
                self.skipped.append(("zoom", "no ticket of the référent has 5 articles"))
            sc.append({"name": "queue", "route": "tickets", "floor": "a",
                       "what": "agent: GET /api/v1/tickets?state=open&queue=connexion"
                       "&sort=created&order=asc", "headers": ag_h,
                       "paths": self.files("p-queue.txt", [
                           "/api/v1/tickets?state=open&queue=connexion&sort=created&order=asc"])})
            body = json.dumps({"title": "Rejet du visa de l'engagement n° 4711",
                               "queue": "depense", "priority": 3,
                               "body": "Bonjour, le visa de l'engagement 4711 est rejeté"
                               " sans motif depuis ce matin. Merci de vérifier."},
                              ensure_ascii=False)
            sc.append({"name": "create", "route": "ticket_create", "floor": "b",
                       "what": "POST /api/v1/tickets", "method": "POST",
                       "headers": ref_hw,
                       "paths": self.files("p-create.txt", ["/api/v1/tickets"]),
                       "bodies": self.files("b-create.txt", [body])})
        else:
            for n in ("mine", "zoom", "queue", "create"):
                self.skipped.append((n, "this build has no tickets API (GET /api/v1/tickets"
                                     " answers 404)"))
        refs = self.referent_logins()
        sc.append({"name": "login", "route": "session_create", "floor": "c",
                   "what": "POST /api/v1/session (%d référents in turn)" % len(refs),
                   "method": "POST",
                   "headers": self.files("h-login.txt", ["Content-Type: application/json"]),
                   "paths": self.files("p-login.txt", ["/api/v1/session"]),
                   "bodies": self.files("b-login.txt", [
                       json.dumps({"login": r, "password": PASSWORD}) for r in refs])})
        sc += self.report_scenarios()
        return sc

    def report_scenarios(self):
        port = self.daemon_port
        try:
            cookie, _ = login(port, seed.BENCH_ADMIN)
        except RuntimeError as e:
            self.skipped.append(("reports", "no admin session: %s" % e))
            return []
        h = self.files("h-admin.txt", ["Cookie: " + cookie])
        st, _, body = Http(port).request("GET", "/api/v1/reports",
                                         headers={"Cookie": cookie})
        if st == 404:
            self.skipped.append(("reports", "this build has no report views yet"
                                 " (GET /api/v1/reports answers 404; issue 6)"))
            return []
        if st != 200:
            self.skipped.append(("reports", "GET /api/v1/reports answered %d" % st))
            return []
        out = []
        for rep in json.loads(body).get("reports", []):
            name = rep["name"]
            out.append({"name": "report:" + name, "route": "report", "floor": "a",
                        "conns": [self.args.report_conns
                                  if self.args.report_conns in self.args.conns
                                  else max(self.args.conns)],
                        "duration": self.args.report_duration,
                        "what": "GET /api/v1/reports/%s" % name, "headers": h,
                        "paths": self.files("p-report-%s.txt" % name,
                                            ["/api/v1/reports/" + name])})
        if not out:
            self.skipped.append(("reports", "GET /api/v1/reports lists none"))
        return out

    # ------------------------------------------------------------ phases
    def phase_growth(self):
        """zoom, Mes tickets and the queue view at the small size, top conns."""
        conns = max(self.args.conns)
        self.start_daemon()
        try:
            for sc in self.daemon_scenarios():
                if sc["name"] in GROWTH:
                    r = self.measure(self.daemon_port, conns, sc, sc["route"], self.daemon)
                    self.growth[sc["name"]] = r
                    log("growth @%d tickets: %-6s c=%d %8.0f req/s  p99 %.2f ms"
                        "  CPU us/req %s" % (
                        self.n_tickets, sc["name"], conns, r["rps"], r["p99_ms"],
                        "/".join("%.0f" % x for x in r["cpu_us"])))
        finally:
            self.stop_daemon()
        self.skipped = []

    def phase_main(self):
        self.start_floor()
        self.start_daemon()
        floors = self.floor_scenarios()
        scenarios = self.daemon_scenarios()
        if self.args.only:
            keep = self.args.only.split(",")
            scenarios = [s for s in scenarios if s["name"] in keep or
                         s["name"].split(":")[0] in keep]
        floor_res = {}
        for kind in ("d", "a", "b", "c"):
            mine = [s for s in scenarios if s["floor"] == kind]
            if not mine:
                continue
            # One warm-up per scenario, before its first connection count.
            for i, c in enumerate(self.args.conns):
                r = self.measure(self.floor_port, c, floors[kind], warm=i == 0)
                floor_res[(kind, c)] = r
                log("floor (%s) %-30s c=%-2d %8.0f req/s  p50 %.2f  p99 %.2f ms"
                    "  CPU us/req %s%s" % (
                    kind, FLOORS[kind], c, r["rps"], r["p50_ms"], r["p99_ms"],
                    "/".join("%.0f" % x for x in r["cpu_us"]),
                    "  ERRORS %d" % r["errors"] if r["errors"] else ""))
                self.results.append(dict(r, name="floor (%s)" % kind, floor=None,
                                         what=FLOORS[kind], ratio=None))
            for sc in mine:
                for i, c in enumerate(sc.get("conns", self.args.conns)):
                    r = self.measure(self.daemon_port, c, sc, sc["route"], self.daemon,
                                     warm=i == 0, duration=sc.get("duration"))
                    f = floor_res[(kind, c)]
                    r.update(name=sc["name"], floor=kind, what=sc["what"],
                             ratio=r["rps"] / f["rps"] if f["rps"] else None)
                    self.results.append(r)
                    log("%-16s c=%-2d %8.0f req/s  p50 %.2f  p99 %.2f ms  x%.2f of (%s)"
                        "  RSS %.1f MiB  CPU us/req %s%s" % (
                            sc["name"], c, r["rps"], r["p50_ms"], r["p99_ms"],
                            r["ratio"] or 0, kind, r.get("hwm_mib", 0),
                            "/".join("%.0f" % x for x in r["cpu_us"]),
                            "  ERRORS %d" % r["errors"] if r["errors"] else ""))
        self.stop_daemon()
        self.stop_floor()

    def serve(self):
        """For profiling: the floor and the daemon stay up until a signal."""
        self.start_floor()
        self.start_daemon()
        sc = self.daemon_scenarios()
        info = {"daemon_port": self.daemon_port, "daemon_pid": self.daemon.pid,
                "floor_port": self.floor_port, "floor_pid": self.floor.pid,
                "db_socket": self.stack.db.socket, "work": self.work,
                "scenarios": {x["name"]: {k: x.get(k) for k in (
                    "paths", "bodies", "headers", "method")} for x in sc}}
        with open(os.path.join(self.work, "serve.json"), "w") as f:
            json.dump(info, f, indent=1)
        log("serving: %s (stop with SIGTERM or Ctrl-C)" % os.path.join(
            self.work, "serve.json"))
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass

    def run(self):
        a = self.args
        self.load_before = os.getloadavg()
        self.started = datetime.datetime.now(datetime.timezone.utc)
        self.pick_static_file()
        self.stack_up()
        self.migrate_and_seed_users()
        self.tickets_api = self.has_tickets()
        self.n_tickets = 0
        if self.tickets_api:
            small = a.growth_from if 0 < a.growth_from < a.tickets else a.tickets
            self.seed_tickets(small, 0)
            self.n_tickets = small
            if small < a.tickets:
                self.phase_growth()
                self.seed_tickets(a.tickets, small)
                self.n_tickets = a.tickets
        else:
            self.notes.append("no tickets table on this build: ticket scenarios skipped")
        if self.args.serve:
            self.serve()
            return
        self.phase_main()
        self.load_after = os.getloadavg()
        self.finished = datetime.datetime.now(datetime.timezone.utc)


# ---------------------------------------------------------------- reporting

def machine():
    cpu = "?"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    mem = 0
    with open("/proc/meminfo") as f:
        mem = int(f.readline().split()[1]) // 1024
    ver = subprocess.run(["mariadbd", "--version"], capture_output=True, text=True).stdout
    m = re.search(r"Ver (\S+)", ver)
    return "%s, %d cores, %d MiB RAM, Linux %s, MariaDB %s" % (
        cpu, os.cpu_count(), mem, platform.release(), m.group(1) if m else "?")


def fmt_rows(rn):
    out = []
    for r in rn.results:
        out.append([
            r["name"], str(r["conns"]), "%.0f" % r["rps"], "%.2f" % r["p50_ms"],
            "%.2f" % r["p99_ms"],
            "%.2f × (%s)" % (r["ratio"], r["floor"]) if r.get("ratio") is not None else "—",
            "%.1f" % r["hwm_mib"] if "hwm_mib" in r else "—",
            str(r["errors"]) if r["errors"] else "0",
            "/".join("%.0f" % x for x in r.get("cpu_us", [])) or "—",
            str(r["metrics_count"]) if "metrics_count" in r else "—",
        ])
    return out


HEAD = ["scenario", "conns", "req/s", "p50 ms", "p99 ms", "ratio to floor",
        "peak RSS MiB", "errors", "CPU µs/req server/db/ldap", "/metrics count"]


def text_table(rows):
    w = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h)
         for i, h in enumerate(HEAD)]
    line = lambda cells: "  ".join(c.ljust(w[i]) if i == 0 else c.rjust(w[i])
                                   for i, c in enumerate(cells))
    return "\n".join([line(HEAD), line(["-" * x for x in w])] + [line(r) for r in rows])


def md_table(rows):
    out = ["| " + " | ".join(HEAD) + " |",
           "|" + "|".join("---" if i == 0 else "---:" for i in range(len(HEAD))) + "|"]
    for r in rows:
        out.append("| " + " | ".join(r) + " |")
    return "\n".join(out)


def targets(rn):
    """(target, verdict, detail) for each target of issue 7."""
    out = []
    top = max(rn.args.conns)
    by = {(r["name"], r["conns"]): r for r in rn.results}
    for name, (ratio, p99) in TARGETS.items():
        r = by.get((name, top))
        if r is None:
            out.append((name, "not measured", dict(rn.skipped).get(name, "")))
            continue
        ok = r["ratio"] is not None and r["ratio"] >= ratio and \
            (p99 is None or r["p99_ms"] < p99) and r["errors"] == 0
        det = "%.2f × floor (%s) at %d connections (target ≥ %.2f)" % (
            r["ratio"] or 0, r["floor"], top, ratio)
        f = by.get(("floor (%s)" % r["floor"], top))
        if f is not None and sum(r.get("cpu_us", [])) > 0:
            det += "; by CPU per request %.2f" % (sum(f["cpu_us"]) / sum(r["cpu_us"]))
        if p99 is not None:
            det += ", p99 %.2f ms (target < %.0f)" % (r["p99_ms"], p99)
        if r["errors"]:
            det += ", %d errors" % r["errors"]
        out.append((name, "met" if ok else "NOT met", det))
    for name in GROWTH:
        small, big = rn.growth.get(name), by.get((name, top))
        if small is None or big is None:
            out.append(("growth " + name, "not measured",
                        "needs --tickets above --growth-from"))
            continue
        k = big["rps"] / small["rps"] if small["rps"] else 0
        # The same in CPU per request (daemon + MariaDB), which the load
        # of the machine, different in the two runs, moves much less.
        cs, cb = sum(small.get("cpu_us", [])), sum(big.get("cpu_us", []))
        kc = cs / cb if cb else 0
        out.append(("growth " + name, "met" if k >= 0.8 else "NOT met",
                    "%.0f req/s at %d tickets, %.0f at %d: %.2f (target ≥ 0.80);"
                    " CPU per request %.0f µs at %d, %.0f µs at %d: %.2f" % (
                        big["rps"], rn.n_tickets, small["rps"], rn.args.growth_from, k,
                        cb, rn.n_tickets, cs, rn.args.growth_from, kc)))
    hwm = max([rn.hwm_kib / 1024.0] + [r.get("hwm_mib", 0) for r in rn.results])
    out.append(("memory", "met" if hwm < RSS_LIMIT_MIB else "NOT met",
                "peak RSS %.1f MiB (VmHWM; target < %d MiB)" % (hwm, RSS_LIMIT_MIB)))
    return out


def report(rn, out_dir):
    rows = fmt_rows(rn)
    stamp = rn.started.strftime("%Y-%m-%d %H:%M UTC")
    mach = machine()
    head = ("gid-helpdesk benchmark, %s\nmachine: %s\nload average before %.2f, after %.2f"
            " (other work on the machine shares the cores)\n"
            "tickets: %d, directory users: %d, workers and floor threads: %d,"
            " %d s per run after %d s of warm-up, seeding %.0f s, total %.0f s" % (
                stamp, mach, rn.load_before[0], rn.load_after[0], rn.n_tickets,
                rn.args.users, rn.args.workers, rn.args.duration, rn.args.warmup,
                rn.seed_seconds, (rn.finished - rn.started).total_seconds()))
    floors = "\n".join("floor (%s): %s" % (k, v) for k, v in FLOORS.items())
    what = "\n".join("%s: %s" % (n, w) for n, w in dict(
        (r["name"], r["what"]) for r in rn.results if not r["name"].startswith("floor")).items())
    skipped = "\n".join("skipped %s: %s" % s for s in rn.skipped)
    tg = "\n".join("%-14s %-12s %s" % t for t in targets(rn))
    growth = "\n".join("growth: %s at %d tickets, %d connections: %.0f req/s, p99 %.2f ms" % (
        n, rn.args.growth_from, r["conns"], r["rps"], r["p99_ms"])
        for n, r in rn.growth.items())
    xcheck = []
    for r in rn.results:
        if r.get("metrics_count") is not None and r["requests"]:
            d = r["metrics_count"] - r["requests"]
            if abs(d) > r["conns"] * 2 + 2:
                xcheck.append("%s c=%d: wrk counted %d, /metrics %d" % (
                    r["name"], r["conns"], r["requests"], r["metrics_count"]))
    xline = ("/metrics agrees with wrk on every daemon run (counts within the requests"
             " in flight)" if not xcheck else "/metrics disagrees: " + "; ".join(xcheck))
    text = "\n\n".join(x for x in [head, text_table(rows), tg, growth, xline, skipped,
                                   floors, what] if x) + "\n"
    print("\n" + text)
    os.makedirs(out_dir, exist_ok=True)
    base = os.path.join(out_dir, rn.started.strftime("%Y%m%d-%H%M%S"))
    with open(base + ".txt", "w") as f:
        f.write(text)
    with open(base + ".json", "w") as f:
        json.dump({"date": stamp, "machine": mach, "load": [rn.load_before, rn.load_after],
                   "args": vars(rn.args), "tickets": rn.n_tickets, "results": rn.results,
                   "growth": rn.growth, "skipped": rn.skipped,
                   "targets": targets(rn)}, f, indent=1, default=str)
    md = ("Measured %s on %s (load average %.2f before, %.2f after); %d tickets, %d"
          " directory users, %d workers, %d s per run.\n\n%s\n\n%s\n" % (
              stamp, mach, rn.load_before[0], rn.load_after[0], rn.n_tickets,
              rn.args.users, rn.args.workers, rn.args.duration, md_table(rows),
              "\n".join("- %s: **%s**, %s" % t for t in targets(rn))))
    with open(base + ".md", "w") as f:
        f.write(md)
    shutil.copyfile(base + ".md", os.path.join(out_dir, "latest.md"))
    log("results: %s.{txt,json,md}" % base)
    return rn


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--build", required=True, help="the -O2 build directory")
    ap.add_argument("--tickets", type=int, default=1000000)
    ap.add_argument("--growth-from", type=int, default=10000,
                    help="also measure zoom, list and queue at this size first (0: no)")
    ap.add_argument("--users", type=int, default=10000)
    ap.add_argument("--duration", type=int, default=10)
    ap.add_argument("--warmup", type=int, default=2)
    ap.add_argument("--conns", default="1,8,32")
    # The daemon's own default (workers = 0): 4 x cores; the floor gets as many.
    ap.add_argument("--workers", type=int, default=4 * (os.cpu_count() or 1))
    ap.add_argument("--buffer-pool", default="2G")
    # Ten report views at three connection counts would double the run:
    # each is measured once, at 8 connections, for 5 s (the default period,
    # the last 30 days, as the portal asks).
    ap.add_argument("--report-conns", type=int, default=8)
    ap.add_argument("--report-duration", type=int, default=5)
    ap.add_argument("--out", default=os.path.join(HERE, "results"))
    ap.add_argument("--daemon", default="",
                    help="another gid-helpdeskd to measure (A/B of a change)")
    ap.add_argument("--only", default="",
                    help="comma-separated scenarios to run (default: all)")
    ap.add_argument("--serve", action="store_true",
                    help="seed, start the floor and the daemon, and wait (profiling)")
    ap.add_argument("--keep", action="store_true",
                    help="leave the stack's data in place (it is always stopped)")
    args = ap.parse_args()
    args.conns = [int(c) for c in args.conns.split(",")]
    rn = Runner(args)

    def on_signal(sig, frame):
        raise KeyboardInterrupt()
    signal.signal(signal.SIGTERM, on_signal)
    ok = False
    try:
        rn.run()
        if args.serve:
            return 0
        report(rn, args.out)
        ok = all(r["errors"] == 0 for r in rn.results)
    finally:
        rn.stop_all()
        if not args.keep:
            shutil.rmtree(os.path.join(rn.work, "stack"), ignore_errors=True)
    print("bench: %s" % ("PASS" if ok else "FAIL (errors in some runs, see above)"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
