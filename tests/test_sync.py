"""gid-helpdesk sync (issue 3) against a directory of 5,000 generated people
on a slapd of its own whose size limit (1,000) is below the population,
so that only paged results can read everyone; and a database of its own,
so that disabling people never touches the other tests' users."""

import os
import re
import subprocess
import time

import pytest
import requests

import stack as stackmod
from conftest import ADMIN, DEMO_PASSWORD, api, base_conf, login, write_conf

SUFFIX = stackmod.SUFFIX
PEOPLE = "ou=people," + SUFFIX
GROUPS = "ou=groups," + SUFFIX
SYNC_DB = "gid_helpdesk_sync"
N = 5000
OUTSIDERS = 50
# Demo2026! (the demo directory's hash)
PASSWORD_HASH = "{SSHA}n18ykt5cdn/eE62Vj/N0/ANAg3dc5dOq"
SERVICE_HASH = "{SSHA}nWqcGCjqbYbDsTqWLF5iHRzsX4iixU/Z"
SUMMARY = re.compile(r"sync: created (\d+), updated (\d+), disabled (\d+), "
                     r"unchanged (\d+)")


def uid(i):
    return "g.%04d" % i


def roles_of(i):
    """Who is in which group: 4,000 referents, 900 agents (10 of them also
    referents), 100 admins; the last OUTSIDERS people are in none."""
    r = 0
    if i < 4000:
        r |= 1
    if 3990 <= i < 4900:
        r |= 2
    if 4900 <= i < N:
        r |= 4
    return r


def generate_ldif(path):
    out = ["dn: %s\nobjectClass: dcObject\nobjectClass: organization\ndc: tgr\n"
           "o: Tr\u00e9sorerie G\u00e9n\u00e9rale du Royaume\n" % SUFFIX]
    for ou in ("people", "groups", "services"):
        out.append("dn: ou=%s,%s\nobjectClass: organizationalUnit\nou: %s\n"
                   % (ou, SUFFIX, ou))
    out.append("dn: %s\nobjectClass: organizationalRole\nobjectClass: "
               "simpleSecurityObject\ncn: helpdesk\nuserPassword: %s\n"
               % (stackmod.SERVICE_DN, SERVICE_HASH))
    for i in range(N + OUTSIDERS):
        out.append("dn: uid=%s,%s\nobjectClass: inetOrgPerson\nuid: %s\n"
                   "sn: G\u00e9n\u00e9r\u00e9e %04d\ncn: Personne G\u00e9n\u00e9r\u00e9e %04d\n"
                   "mail: %s@tgr.gov.ma\nou: TP Bureau %02d\nuserPassword: %s\n"
                   % (uid(i), PEOPLE, uid(i), i, i, uid(i), i % 20, PASSWORD_HASH))
    for cn, bit in (("gid-referents", 1), ("gid-agents", 2), ("gid-admins", 4)):
        members = "".join("member: uid=%s,%s\n" % (uid(i), PEOPLE)
                          for i in range(N) if roles_of(i) & bit)
        out.append("dn: cn=%s,%s\nobjectClass: groupOfNames\ncn: %s\n%s"
                   % (cn, GROUPS, cn, members))
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(out))


class SyncEnv:
    def __init__(self, stack, slapd, conf_path, extra):
        self.stack = stack
        self.slapd = slapd
        self.conf_path = conf_path
        self.extra = extra

    def sql(self, statements):
        out = self.stack.db.sql(statements, database=SYNC_DB)
        return [line.split("\t") for line in out.splitlines() if line]

    def run(self, conf=None, *args):
        t = time.monotonic()
        r = subprocess.run([ADMIN, "-c", conf or self.conf_path, "sync"] + list(args),
                           capture_output=True, text=True, timeout=600)
        r.elapsed = time.monotonic() - t
        return r

    def summary(self, r):
        m = SUMMARY.search(r.stdout)
        assert m and r.returncode == 0, (r.returncode, r.stdout, r.stderr)
        return tuple(int(x) for x in m.groups())


@pytest.fixture(scope="module")
def env(stack, make_slapd, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("sync")
    ldif = str(tmp / "people.ldif")
    generate_ldif(ldif)
    s = make_slapd("sync", ldifs=[ldif],
                   sizelimit="size.soft=1000 size.hard=1000 size.prtotal=unlimited")
    stack.db.sql("DROP DATABASE IF EXISTS %s;"
                 " CREATE DATABASE %s CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;"
                 " GRANT ALL ON %s.* TO '%s'@'127.0.0.1';"
                 " GRANT ALL ON %s.* TO '%s'@'localhost';"
                 % (SYNC_DB, SYNC_DB, SYNC_DB, stackmod.DB_USER, SYNC_DB,
                    stackmod.DB_USER))
    extra = {"database": {"name": SYNC_DB},
             "ldap": {"uri": s.uri, "page_size": "500"}}
    conf = str(tmp / "sync.conf")
    write_conf(conf, base_conf(stack, 1, extra))
    r = subprocess.run([ADMIN, "-c", conf, "migrate", "--sql-dir",
                        os.path.join(stackmod.SRCDIR, "sql")],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    yield SyncEnv(stack, s, conf, extra)
    stack.db.sql("DROP DATABASE IF EXISTS %s" % SYNC_DB)


def test_the_directory_needs_paging(env):
    """Proof that the test means something: one plain search of everyone
    stops at slapd's size limit."""
    r = subprocess.run(["ldapsearch", "-x", "-H", env.slapd.uri, "-D",
                        stackmod.SERVICE_DN, "-w", stackmod.SERVICE_PW, "-b",
                        PEOPLE, "(uid=*)", "1.1"], capture_output=True, text=True)
    assert r.returncode == 4, r.stderr      # sizeLimitExceeded


def test_sync_creates_everyone(env):
    r = env.run()
    assert env.summary(r) == (N, 0, 0, 0)
    print("sync of %d people: %.1f s" % (N, r.elapsed))
    assert env.sql("SELECT COUNT(*), SUM(active) FROM users") == [[str(N), str(N)]]
    assert env.sql("SELECT COUNT(*) FROM organisations") == [["20"]]
    rows = dict((row[0], row[1:]) for row in env.sql(
        "SELECT u.login, u.roles, u.name, o.name, u.dn, u.last_login IS NULL"
        " FROM users u JOIN organisations o ON o.id = u.organisation_id"
        " WHERE u.login IN ('g.0000', 'g.3995', 'g.4500', 'g.4999')"))
    assert rows["g.0000"] == ["1", "Personne G\u00e9n\u00e9r\u00e9e 0000", "TP Bureau 00",
                              "uid=g.0000," + PEOPLE, "1"]
    assert rows["g.3995"][0] == "3"
    assert rows["g.4500"][0] == "2"
    assert rows["g.4999"][0] == "4"
    # People in no group are not created.
    assert env.sql("SELECT COUNT(*) FROM users WHERE login >= 'g.%04d'" % N) == [["0"]]
    # The pages are visible at slapd: more than one search with the control.
    log = open(env.slapd.log_path()).read()
    assert len(re.findall(r'SRCH base="%s"' % re.escape(PEOPLE), log)) >= N // 500


def test_sync_again_changes_nothing(env):
    before = env.sql("SELECT MAX(changed), COUNT(*) FROM users")
    assert env.summary(env.run()) == (0, 0, 0, N)
    assert env.sql("SELECT MAX(changed), COUNT(*) FROM users") == before


def test_sync_updates_what_changed(env):
    env.slapd.modify("dn: uid=g.0001,%s\nchangetype: modify\nreplace: cn\n"
                     "cn: Nouveau Nom\n-\nreplace: ou\nou: TP Nouvelle\n" % PEOPLE)
    assert env.summary(env.run()) == (0, 1, 0, N - 1)
    assert env.sql("SELECT u.name, o.name FROM users u JOIN organisations o"
                   " ON o.id = u.organisation_id WHERE u.login = 'g.0001'") == \
        [["Nouveau Nom", "TP Nouvelle"]]
    assert env.summary(env.run()) == (0, 0, 0, N)


def test_sync_disables_who_left(env, make_daemon):
    d = make_daemon(env.extra)
    gone = login(d, "g.0002")           # removed from every group
    deleted = login(d, "g.0003")        # deleted from the directory
    stays = login(d, "g.0004")
    tok = api(gone, "POST", "/api/v1/tokens", json={"name": "cron"})
    assert tok.status_code == 201
    secret = tok.json()["token"]["secret"]
    env.slapd.modify("dn: cn=gid-referents,%s\nchangetype: modify\ndelete: member\n"
                     "member: uid=g.0002,%s\nmember: uid=g.0003,%s\n\n"
                     "dn: uid=g.0003,%s\nchangetype: delete\n"
                     % (GROUPS, PEOPLE, PEOPLE, PEOPLE))
    r = env.run()
    assert env.summary(r) == (0, 0, 2, N - 2)
    assert "disabled g.0002" in r.stdout and "disabled g.0003" in r.stdout
    # Their sessions and tokens ended; their rows (and tickets) stay.
    assert api(gone, "GET", "/api/v1/me").status_code == 401
    assert api(deleted, "GET", "/api/v1/me").status_code == 401
    assert requests.get(d.url + "/api/v1/me", timeout=10,
                        headers={"Authorization": "Bearer " + secret}).status_code == 401
    assert api(stays, "GET", "/api/v1/me").status_code == 200
    assert env.sql("SELECT login, active, roles FROM users WHERE login IN"
                   " ('g.0002', 'g.0003') ORDER BY login") == \
        [["g.0002", "0", "0"], ["g.0003", "0", "0"]]
    assert env.sql("SELECT COUNT(*) FROM sessions s JOIN users u ON u.id = s.user_id"
                   " WHERE u.login IN ('g.0002', 'g.0003')") == [["0"]]
    assert env.sql("SELECT COUNT(*) FROM api_tokens t JOIN users u ON u.id = t.user_id"
                   " WHERE u.login = 'g.0002' AND t.revoked IS NULL") == [["0"]]
    assert env.sql("SELECT COUNT(*) FROM auth_audit WHERE event = 'access.revoked'"
                   " AND reason = 'sync'") == [["2"]]
    # Idempotent: nothing more to do.
    assert env.summary(env.run()) == (0, 0, 0, N - 2)
    # Back in a group: enabled again by the next sync.
    env.slapd.modify("dn: cn=gid-referents,%s\nchangetype: modify\nadd: member\n"
                     "member: uid=g.0002,%s\n" % (GROUPS, PEOPLE))
    assert env.summary(env.run()) == (0, 1, 0, N - 2)
    assert env.sql("SELECT active, roles FROM users WHERE login = 'g.0002'") == [["1", "1"]]
    assert login(d, "g.0002").user["roles"] == ["referent"]


def test_sync_fails_loudly_and_changes_nothing(env, tmp_path):
    before = env.sql("SELECT COUNT(*), SUM(active), MAX(changed) FROM users")
    cases = {
        "dead": {"uri": "ldap://127.0.0.1:%d" % stackmod.free_port()},
        "missing-group": {"agent_group": "cn=gid-nobody," + GROUPS},
        # Nobody under this base: it would disable everyone.
        "empty": {"user_base": "ou=services," + SUFFIX},
    }
    for name, ldap in cases.items():
        extra = {"database": dict(env.extra["database"]),
                 "ldap": dict(env.extra["ldap"], **ldap)}
        conf = str(tmp_path / (name + ".conf"))
        write_conf(conf, base_conf(env.stack, 1, extra))
        r = env.run(conf)
        assert r.returncode != 0, (name, r.stdout)
        assert "sync:" in r.stderr, (name, r.stderr)
        assert "sync: created" not in r.stdout, name
    assert "refusing to disable" in r.stderr
    assert env.sql("SELECT COUNT(*), SUM(active), MAX(changed) FROM users") == before
    r = subprocess.run([ADMIN, "-c", env.conf_path, "sync", "--bogus"],
                       capture_output=True, text=True)
    assert r.returncode == 2


def test_sync_leaves_an_ambiguous_login_alone(env):
    """Two entries with one login: neither updated nor disabled (a login
    would refuse them too)."""
    env.slapd.modify("dn: ou=annex,%s\nchangetype: add\nobjectClass: "
                     "organizationalUnit\nou: annex\n\n"
                     "dn: uid=g.0005,ou=annex,%s\nchangetype: add\nobjectClass: "
                     "inetOrgPerson\nuid: g.0005\nsn: Twin\ncn: Twin\n\n"
                     "dn: cn=gid-agents,%s\nchangetype: modify\nadd: member\n"
                     "member: uid=g.0005,ou=annex,%s\n" % (PEOPLE, PEOPLE, GROUPS, PEOPLE))
    before = env.sql("SELECT dn, name, active, roles FROM users WHERE login = 'g.0005'")
    r = env.run()
    # g.0003 is gone for good, g.0005 set aside: N - 2 unchanged.
    assert env.summary(r) == (0, 0, 0, N - 2)
    assert "2 entries have the login g.0005" in r.stderr
    assert env.sql("SELECT dn, name, active, roles FROM users WHERE login = 'g.0005'") \
        == before


def test_sync_by_memberof_agrees_with_group_search(stack, make_slapd, tmp_path):
    """The demo and test directory with memberOf (dynlist): a sync that reads
    memberOf, then one that reads the groups, find the same people with the
    same roles."""
    s = make_slapd("sync-memberof", modules="moduleload dynlist",
                   extra_global="include /etc/ldap/schema/dyngroup.schema",
                   overlays="overlay dynlist\n"
                   "dynlist-attrset groupOfURLs memberURL member+memberOf@groupOfNames")
    db = SYNC_DB + "_mo"
    stack.db.sql("DROP DATABASE IF EXISTS %s; CREATE DATABASE %s CHARACTER SET utf8mb4"
                 " COLLATE utf8mb4_unicode_ci; GRANT ALL ON %s.* TO '%s'@'127.0.0.1';"
                 % (db, db, db, stackmod.DB_USER))
    try:
        confs = {}
        for mode in ("memberof", "search"):
            confs[mode] = str(tmp_path / (mode + ".conf"))
            write_conf(confs[mode], base_conf(stack, 1, {
                "database": {"name": db},
                "ldap": {"uri": s.uri, "group_membership": mode}}))
        r = subprocess.run([ADMIN, "-c", confs["memberof"], "migrate", "--sql-dir",
                            os.path.join(stackmod.SRCDIR, "sql")],
                           capture_output=True, text=True)
        assert r.returncode == 0, r.stderr
        runs = {}
        for mode in ("memberof", "search"):
            r = subprocess.run([ADMIN, "-c", confs[mode], "sync"],
                               capture_output=True, text=True, timeout=120)
            m = SUMMARY.search(r.stdout)
            assert r.returncode == 0 and m, (mode, r.stdout, r.stderr)
            runs[mode] = tuple(int(x) for x in m.groups())
            assert "2 entries have the login t.dup" in r.stderr
        created = runs["memberof"][0]
        assert created >= 20
        assert runs["memberof"] == (created, 0, 0, 0)
        assert runs["search"] == (0, 0, 0, created)
        out = stack.db.sql("SELECT login, roles FROM users WHERE login IN"
                           " ('t.multi', 't.js', 'admin.benzaari', 'a.benali')"
                           " ORDER BY login", database=db)
        assert out.split("\n")[:4] == ["a.benali\t1", "admin.benzaari\t4",
                                       "t.js\t2", "t.multi\t3"]
        assert stack.db.sql("SELECT COUNT(*) FROM users WHERE login IN"
                            " ('t.nogroup', 't.dup', 't.js2')", database=db).strip() == "0"
    finally:
        stack.db.sql("DROP DATABASE IF EXISTS %s" % db)
