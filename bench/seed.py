#!/usr/bin/python3
"""Bulk seeding for the benchmarks: a directory of N people (LDIF for
slapadd), the same people as rows of users and organisations, and tickets
with their articles, history rows and day counters, made inside MariaDB
with INSERT ... SELECT from the Sequence engine (no file goes through the
client, nothing goes through the API).

    seed.py ldif --out FILE [--users 10000]
    seed.py users --stack DIR [--users 10000]
    seed.py tickets --stack DIR --upto N [--from M]

Tickets are numbered by age: rank r = 1 is the newest (created
yesterday), and rank r is (r - 1) // PER_DAY days older. Growing from M to
N tickets adds older, mostly closed ones, as years of history would; the
open tickets, the bench référent's 200 tickets and the zoom tickets lie
in the newest 10,000 and are the same at every size.
"""

import argparse
import os
import re
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SRCDIR = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(SRCDIR, "tests"))
import stack as stackmod  # noqa: E402

SUFFIX = stackmod.SUFFIX
PEOPLE = "ou=people," + SUFFIX
DEMO_LDIF = os.path.join(SRCDIR, "etc", "demo", "directory.ldif")
GROUPS = {"referent": "gid-referents", "agent": "gid-agents",
          "admin": "gid-admins"}
ROLE_BITS = {"referent": 1, "agent": 2, "admin": 4}

# Tickets per day of history, and how many of the newest are "recent"
# (mostly still open). The referent's tickets: one rank in REF_STEP among
# the newest REF_SPAN, so 200 of them at any size of 10,000 or more.
PER_DAY = 1000
RECENT = 3000
REF_SPAN = 10000
REF_STEP = 50
SYSTEM_ID = "10"
BODIES = 4096
AGENTS = 60
ADMINS = 2

BENCH_REFERENT = "ref.00001"
BENCH_AGENT = "agent.b001"
BENCH_ADMIN = "admin.b001"
PASSWORD = "Demo2026!"

FIRST = ("Amina Youssef Karim Nadia Hassan Salma Mehdi Fatima Omar Rachid "
         "Jamal Leila Samir Khadija Hamza Meryem Anas Sanaa Driss Imane "
         "Tarik Houda Yassine Zineb Adil Souad Nabil Hind Reda Asmae").split()
LAST = ("Benali Idrissi Ouazzani Chraibi Bennani Alaoui Tazi Berrada Lahlou "
        "Amrani Fassi Sqalli Hamdi Naciri Kettani Zahraoui Benjelloun Tahiri "
        "Slaoui Bouzid Cherkaoui Lamrani Skalli Kadiri Benkirane Filali "
        "Mernissi Guessous Hajji Sebti").split()
CITIES = ("Rabat Casablanca-Anfa Fès Marrakech Tanger Agadir Oujda Meknès "
          "Kénitra Tétouan Safi El Jadida Nador Béni Mellal Khouribga Settat "
          "Larache Khemisset Taza Errachidia Ouarzazate Laâyoune Dakhla "
          "Guelmim Essaouira Taroudant Berkane Azilal Ifrane Sidi-Kacem "
          "Mohammedia Salé Témara Berrechid Tiznit Chefchaouen Al-Hoceima "
          "Khénifra Sefrou Figuig").split()
MINISTRIES = ("Santé;Éducation nationale;Équipement;Intérieur;Justice;"
              "Agriculture;Finances;Habitat;Culture;Jeunesse et sports;"
              "Enseignement supérieur;Affaires étrangères;Industrie;Tourisme;"
              "Transport;Énergie;Pêche maritime;Eaux et forêts").split(";")

TITLE_A = ["Rejet du visa de l'engagement", "Erreur à la liquidation",
           "Blocage de l'ordonnancement", "Crédits insuffisants sur la rubrique",
           "Impossible de valider le mandat", "Compte utilisateur verrouillé",
           "Demande d'inscription", "Lenteurs à la connexion",
           "Ordre de virement rejeté", "Fournisseur introuvable",
           "Écart de consommation des crédits", "Habilitation manquante",
           "Certificat expiré", "Retour de règlement", "Nomenclature erronée",
           "Délégation de crédits non reçue", "Virement de crédits en attente",
           "Pièce justificative refusée", "Message d'erreur inconnu",
           "Double paiement signalé"]
WORDS = ("le la les un une des du de au aux et ou mais donc car pour par sur "
         "dans avec sans sous entre engagement mandat liquidation visa "
         "ordonnancement crédits rubrique budget exercice fournisseur "
         "paiement virement rejet retour compte utilisateur habilitation "
         "connexion certificat mot passe écran erreur message bouton "
         "saisie validation pièce justificative montant dirhams date "
         "numéro référence trésorerie ordonnateur sous-ordonnateur SEGMA "
         "marché bon commande facture décompte avenant délai urgent merci "
         "bonjour cordialement veuillez trouver ci-joint capture impossible "
         "bloqué depuis hier matin aujourd'hui encore toujours après avant "
         "nouveau ancien relance traitement dossier demande réponse agent "
         "service centre assistance GID application navigateur poste "
         "réseau lenteur coupure session expirée identifiant signalé").split()


def ldif_escape(v):
    return v


def people(n_users):
    """The directory's people as dicts, the demo's first."""
    demo = demo_people()
    out = list(demo)
    orgs = ["TP " + c for c in CITIES] + ["TM " + m for m in MINISTRIES]
    gen = n_users - len(demo)
    roles = (["agent"] * AGENTS + ["admin"] * ADMINS)
    for i in range(gen):
        if i < gen - len(roles):
            login = "ref.%05d" % (i + 1)
            role = "referent"
        else:
            role = roles[i - (gen - len(roles))]
            k = i - (gen - len(roles)) + 1
            login = ("agent.b%03d" % k if role == "agent"
                     else "admin.b%03d" % (k - AGENTS))
        first = FIRST[(i * 7) % len(FIRST)]
        last = LAST[(i * 13 + i // len(FIRST)) % len(LAST)]
        out.append({
            "login": login, "first": first, "last": last,
            "cn": "%s %s" % (first, last),
            "mail": login + "@tgr.gov.ma",
            "phone": "+212 5%02d %02d %02d %02d" % (i % 100, (i // 100) % 100,
                                                  (i * 3) % 100, (i * 7) % 100),
            "ou": orgs[(i * 31) % len(orgs)] if role == "referent"
            else "Centre d'assistance GID",
            "roles": [role], "password": None,
        })
    return out


def parse_ldif(path):
    recs, cur = [], []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith("#"):
                continue
            if line == "":
                if cur:
                    recs.append(cur)
                cur = []
                continue
            if line.startswith(" ") and cur:
                cur[-1] = cur[-1] + line[1:]
                continue
            cur.append(line)
    if cur:
        recs.append(cur)
    return recs


def attrs_of(rec):
    out = []
    for line in rec:
        k, _, v = line.partition(":")
        out.append((k, v.lstrip(" ")))
    return out


def demo_people():
    """The demo directory's people, with their roles from its groups."""
    recs = [attrs_of(r) for r in parse_ldif(DEMO_LDIF)]
    members = {}
    for r in recs:
        d = dict(r)
        if "groupOfNames" in [v for k, v in r if k == "objectClass"]:
            role = [k for k, g in GROUPS.items() if g == d.get("cn")]
            for k, v in r:
                if k == "member" and role:
                    members.setdefault(v, []).append(role[0])
    out = []
    for r in recs:
        d = dict(r)
        if "inetOrgPerson" not in [v for k, v in r if k == "objectClass"]:
            continue
        out.append({"login": d["uid"], "first": d.get("givenName", ""),
                    "last": d.get("sn", ""), "cn": d.get("cn", ""),
                    "mail": d.get("mail", ""), "phone": d.get("telephoneNumber"),
                    "ou": d.get("ou"), "roles": members.get(d["dn"], []),
                    "password": d.get("userPassword")})
    return out


def demo_password_hash():
    for r in parse_ldif(DEMO_LDIF):
        d = dict(attrs_of(r))
        if d.get("uid") == "a.benali":
            return d["userPassword"]
    raise SystemExit("seed: no a.benali in the demo LDIF")


def cmd_ldif(args):
    """The demo directory without its groups, N people, then the groups."""
    pw = demo_password_hash()
    ppl = people(args.users)
    demo_logins = {p["login"] for p in demo_people()}
    with open(args.out, "w", encoding="utf-8") as out:
        for r in parse_ldif(DEMO_LDIF):
            a = attrs_of(r)
            if "groupOfNames" in [v for k, v in a if k == "objectClass"]:
                continue
            out.write("\n".join(r) + "\n\n")
        for p in ppl:
            if p["login"] in demo_logins:
                continue
            out.write("dn: uid=%s,%s\nobjectClass: inetOrgPerson\nuid: %s\n"
                      "givenName: %s\nsn: %s\ncn: %s\ndisplayName: %s\n"
                      "mail: %s\nou: %s\ntelephoneNumber: %s\n"
                      "userPassword: %s\n\n" % (
                          p["login"], PEOPLE, p["login"], p["first"], p["last"],
                          p["cn"], p["cn"], p["mail"], p["ou"], p["phone"], pw))
        for role, cn in GROUPS.items():
            out.write("dn: cn=%s,ou=groups,%s\nobjectClass: groupOfNames\n"
                      "cn: %s\n" % (cn, SUFFIX, cn))
            for p in ppl:
                if role in p["roles"]:
                    out.write("member: uid=%s,%s\n" % (p["login"], PEOPLE))
            out.write("\n")
    print("seed: %s: %d people" % (args.out, len(ppl)))


def sql_str(v):
    if v is None:
        return "NULL"
    return "'" + v.replace("\\", "\\\\").replace("'", "''") + "'"


def run_sql(st, sql):
    return st.db.sql(sql, database=stackmod.DB_NAME)


def cmd_users(args):
    """users and organisations exactly as a login or a sync would write them."""
    st = stackmod.Stack.load(args.stack)
    ppl = people(args.users)
    orgs = []
    for p in ppl:
        if p["ou"] and p["ou"] not in orgs:
            orgs.append(p["ou"])
    org_id = {o: i + 1 for i, o in enumerate(orgs)}
    rows = []
    for i, p in enumerate(ppl):
        roles = sum(ROLE_BITS[r] for r in set(p["roles"]))
        rows.append("(%d,%s,%s,%s,%s,%s,%s,%d,1,'fr')" % (
            i + 1, sql_str(p["login"]), sql_str("uid=%s,%s" % (p["login"], PEOPLE)),
            sql_str(p["cn"]), sql_str(p["mail"]), sql_str(p["phone"]),
            str(org_id[p["ou"]]) if p["ou"] else "NULL", roles))
    sql = ["SET foreign_key_checks = 0, unique_checks = 0;", "BEGIN;",
           "INSERT INTO organisations (id, code, name) VALUES " +
           ",".join("(%d,%s,%s)" % (org_id[o], sql_str(o), sql_str(o)) for o in orgs)
           + ";"]
    for k in range(0, len(rows), 2000):
        sql.append("INSERT INTO users (id, login, dn, name, email, phone,"
                   " organisation_id, roles, active, lang) VALUES " +
                   ",".join(rows[k:k + 2000]) + ";")
    sql.append("COMMIT;")
    run_sql(st, "\n".join(sql))
    print("seed: %d users, %d organisations" % (len(rows), len(orgs)))


def ids_of(st, where):
    out = run_sql(st, "SELECT MIN(id), MAX(id), COUNT(*) FROM users WHERE %s" % where)
    lo, hi, n = out.split()
    return int(lo), int(hi), int(n)


def h(expr, k):
    """A deterministic pseudo-random 32-bit number from expr and a salt."""
    return "CRC32(CONCAT(%s, ':%s'))" % (expr, k)


def pick(expr, k, items):
    return "ELT(1 + %s %% %d, %s)" % (h(expr, k), len(items),
                                      ", ".join(sql_str(x) for x in items))


def weighted(expr, k, table):
    """CASE over cumulative percentages: table = [(upto, value), ...]."""
    hv = "(%s %% 100)" % h(expr, k)
    parts = " ".join("WHEN %s < %d THEN %s" % (hv, upto, v) for upto, v in table[:-1])
    return "CASE %s ELSE %s END" % (parts, table[-1][1])


def words(expr, k, lo, hi):
    """lo..hi words of WORDS, chosen by hashes of expr."""
    n = "(%d + %s %% %d)" % (lo, h(expr, k), hi - lo + 1)
    parts = ["IF(%s > %d, %s, NULL)" % (n, i, pick(expr, "%s%d" % (k, i), WORDS))
             for i in range(hi)]
    return "CONCAT_WS(' ', %s)" % ", ".join(parts)


def checksum_sql(s):
    """Znuny's DateChecksum check digit of the 15 digits in s (ticket-number.c)."""
    terms = " + ".join("SUBSTR(%s, %d, 1) * %d" % (s, p + 1, 1 if p % 2 == 0 else 2)
                       for p in range(15))
    return "IF(10 - (%s) %% 10 = 10, 1, 10 - (%s) %% 10)" % (terms, terms)


def cmd_tickets(args):
    st = stackmod.Stack.load(args.stack)
    lo, hi = args.from_ + 1, args.upto
    if hi < lo:
        print("seed: nothing to add")
        return
    ref = run_sql(st, "SELECT id FROM users WHERE login = %s" %
                  sql_str(BENCH_REFERENT)).strip()
    if not ref:
        raise SystemExit("seed: no user %s (run seed.py users first)" % BENCH_REFERENT)
    ref = int(ref)
    r_lo, r_hi, r_n = ids_of(st, "roles = 1 AND login LIKE 'ref.%'")
    a_lo, a_hi, a_n = ids_of(st, "(roles & 2) <> 0 AND login LIKE 'agent.b%'")
    has_subject = "subject" in run_sql(st, "SHOW COLUMNS FROM articles")
    t0 = time.time()
    # One 'created' ticket per rank r. Customers: the bench référent for
    # one rank in REF_STEP among the newest REF_SPAN, else any other.
    customer = ("IF(r <= %d AND r %% %d = 1, %d, %d + %s %% %d)" % (
        REF_SPAN, REF_STEP, ref, r_lo + 1 if ref == r_lo else r_lo,
        h("r", "c"), r_n - 1))
    state = ("IF(r <= %d, %s, %s)" % (
        RECENT,
        weighted("r", "s", [(15, 1), (55, 2), (70, 3), (92, 4), (100, 5)]),
        "CASE WHEN %s %% 1000 < 5 THEN 2 WHEN %s %% 1000 < 8 THEN 3"
        " WHEN %s %% 1000 < 950 THEN 4 ELSE 5 END" % ((h("r", "s"),) * 3)))
    narticles = "(1 + %s %% 8)" % h("r", "n")
    day = "(UTC_DATE() - INTERVAL (1 + (r - 1) DIV %d) DAY)" % PER_DAY
    counter = "(%d - (r - 1) %% %d)" % (PER_DAY, PER_DAY)
    created = "(%s + INTERVAL ((%s - 1) * %d + %s %% %d) SECOND)" % (
        day, counter, 86400 // PER_DAY, h("r", "t"), 86400 // PER_DAY)
    base = """
SELECT r, {customer} AS customer, {state} AS state_id,
  {narticles} AS n, {created} AS created,
  CONCAT(DATE_FORMAT({day}, '%Y%m%d'), '{sysid}', LPAD({counter}, 5, '0')) AS tn15
FROM (SELECT seq AS r FROM seq_{lo}_to_{hi}) s0""".format(customer=customer, state=state, narticles=narticles,
                                created=created, day=day, sysid=SYSTEM_ID,
                                counter=counter, lo=lo, hi=hi)
    last_article = "(x.created + INTERVAL (x.n - 1) HOUR)"
    closed = ("IF(x.state_id IN (4, 5), LEAST(UTC_TIMESTAMP(), %s + INTERVAL"
              " (600 + %s %% 259200) SECOND), NULL)" % (last_article, h("x.r", "cl")))
    first_resp = ("IF(x.state_id = 1, NULL, LEAST(UTC_TIMESTAMP(), x.created +"
                  " INTERVAL (300 + %s %% 7200) SECOND))" % h("x.r", "fr"))
    title = "CONCAT(%s, ' n° ', 10000 + %s %% 90000)" % (pick("x.r", "ti", TITLE_A),
                                                          h("x.r", "tn"))
    tickets = """
INSERT INTO tickets (id, tn, title, queue_id, priority_id, state_id,
  customer_id, organisation_id, owner_id, requester, created, changed,
  first_response, closed, version)
SELECT x.r, CONCAT(x.tn15, {chk}), {title}, {queue}, {prio}, x.state_id,
  x.customer, u.organisation_id,
  IF(x.state_id = 1, NULL, {a_lo} + {hagent} % {a_n}),
  IF({hreq} % 2 = 0, CONCAT('Ordonnateur ', {hreq} % 500), NULL),
  x.created,
  LEAST(UTC_TIMESTAMP(), GREATEST({last_article}, COALESCE({closed}, x.created))),
  {first_resp}, {closed}, x.n + IF(x.state_id IN (4, 5), 1, 0)
FROM ({base}) x JOIN users u ON u.id = x.customer""".format(
        chk=checksum_sql("x.tn15"), title=title,
        queue=weighted("x.r", "q", [(30, 1), (45, 2), (60, 3), (78, 4), (88, 5),
                                    (95, 6), (100, 7)]),
        prio=weighted("x.r", "p", [(5, 1), (20, 2), (75, 3), (93, 4), (100, 5)]),
        a_lo=a_lo, hagent=h("x.r", "o"), a_n=a_n, hreq=h("x.r", "rq"),
        last_article=last_article, closed=closed, first_resp=first_resp,
        base=base)
    # Articles: ids (ticket - 1) * 8 + k, so the first one's id is known.
    # Odd k: the référent; even k: an agent, one in five an internal note.
    # The first carries the title as its subject (as the daemon writes it).
    # Bodies come from a pool of BODIES texts made once (4 to 16 words).
    articles = """
INSERT INTO articles (id, ticket_id, sender, author_id, internal, {subject_col}
  body, created)
SELECT (t.id - 1) * 8 + s.seq, t.id,
  IF(s.seq % 2 = 1, 'referent', 'agent'),
  IF(s.seq % 2 = 1, t.customer_id, COALESCE(t.owner_id, {a_lo})),
  IF(s.seq % 2 = 0 AND {hint} % 5 = 0, 1, 0), {subject_val}
  b.body,
  LEAST(UTC_TIMESTAMP(), t.created + INTERVAL (s.seq - 1) HOUR)
FROM tickets t JOIN seq_1_to_8 s ON s.seq <= 1 + {hn} % 8
JOIN bench_seed_bodies b ON b.id = {hbody} % {nbodies}
WHERE t.id BETWEEN {lo} AND {hi}""".format(
        a_lo=a_lo, hint=h("t.id * 8 + s.seq", "in"), hbody=h("t.id * 8 + s.seq", "b"),
        nbodies=BODIES, hn=h("t.id", "n"), lo=lo, hi=hi,
        subject_col="subject," if has_subject else "",
        subject_val="IF(s.seq = 1, t.title, NULL)," if has_subject else "")
    bodies = """
CREATE TABLE IF NOT EXISTS bench_seed_bodies (id INT PRIMARY KEY, body TEXT NOT NULL)
  ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
INSERT IGNORE INTO bench_seed_bodies SELECT seq, {body} FROM seq_0_to_{last}""".format(
        body=words("seq", "w", 4, 16), last=BODIES - 1)
    history = """
INSERT INTO ticket_history (ticket_id, type, actor_id, article_id, internal,
  old_value, new_value, created)
SELECT t.id, 'created', t.customer_id, (t.id - 1) * 8 + 1, 0, NULL, 'new', t.created
FROM tickets t WHERE t.id BETWEEN {lo} AND {hi}""".format(lo=lo, hi=hi)
    counters = """
INSERT INTO ticket_counters (day, counter)
SELECT DATE_FORMAT(UTC_DATE() - INTERVAL (1 + d.seq) DAY, '%Y%m%d'), {per_day}
FROM seq_{dlo}_to_{dhi} d
ON DUPLICATE KEY UPDATE counter = GREATEST(counter, VALUES(counter))""".format(
        per_day=PER_DAY, dlo=(lo - 1) // PER_DAY, dhi=(hi - 1) // PER_DAY)
    pre = "SET SESSION time_zone = '+00:00', foreign_key_checks = 0, unique_checks = 0;\n"
    fts = fulltext_keys(st) if args.rebuild_fulltext else []
    if fts:
        run_sql(st, pre + "".join("ALTER TABLE %s DROP INDEX %s;\n" % (t, k)
                                  for t, k, _ in fts))
    steps = [("bodies", bodies), ("tickets", tickets), ("articles", articles),
             ("history", history), ("counters", counters)]
    for name, sql in steps:
        t1 = time.time()
        run_sql(st, pre + "BEGIN;\n" + sql + ";\nCOMMIT;\n")
        print("seed: %s %d..%d in %.1f s" % (name, lo, hi, time.time() - t1),
              flush=True)
    for t, k, definition in fts:
        t1 = time.time()
        run_sql(st, pre + "ALTER TABLE %s ADD %s;\n" % (t, definition))
        print("seed: %s.%s rebuilt in %.1f s" % (t, k, time.time() - t1), flush=True)
    # The kept counts (sql/005), when this schema has them, as its
    # migration would have computed them.
    if run_sql(st, "SHOW TABLES LIKE 'ticket_counts'").strip():
        run_sql(st, "BEGIN; DELETE FROM ticket_counts;"
                " INSERT INTO ticket_counts (queue_id, priority_id, closed, n)"
                " SELECT queue_id, priority_id, closed IS NOT NULL, COUNT(*)"
                " FROM tickets GROUP BY queue_id, priority_id, closed IS NOT NULL;"
                " COMMIT;")
    run_sql(st, "DROP TABLE IF EXISTS bench_seed_bodies;"
            " ANALYZE TABLE tickets, articles, ticket_history;")
    print("seed: tickets %d..%d in %.1f s" % (lo, hi, time.time() - t0))


def fulltext_keys(st):
    """(table, key, definition) of each FULLTEXT key, as the migrations made it."""
    out = []
    for table in ("tickets", "articles"):
        create = run_sql(st, "SHOW CREATE TABLE %s" % table)
        for m in re.finditer(r"(FULLTEXT KEY `([^`]+)` \([^)]*\))", create):
            out.append((table, m.group(2), m.group(1)))
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("ldif")
    p.add_argument("--out", required=True)
    p.add_argument("--users", type=int, default=10000)
    p = sub.add_parser("users")
    p.add_argument("--stack", required=True)
    p.add_argument("--users", type=int, default=10000)
    p = sub.add_parser("tickets")
    p.add_argument("--stack", required=True)
    p.add_argument("--upto", type=int, required=True)
    p.add_argument("--from", dest="from_", type=int, default=0)
    p.add_argument("--rebuild-fulltext", action="store_true",
                   help="drop the FULLTEXT keys while loading, then build them again")
    args = ap.parse_args()
    {"ldif": cmd_ldif, "users": cmd_users, "tickets": cmd_tickets}[args.cmd](args)


if __name__ == "__main__":
    main()
