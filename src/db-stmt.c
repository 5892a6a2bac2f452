/*
 * All SQL of the daemon, one statement per id. Parameters are always bound
 * (?); nothing here is ever built from input.
 */
#include "helpdesk.h"

#include "db-stmt.h"

/* The user columns that every lookup returns in this order (session.c). */
#define USER_COLUMNS \
	"u.id, u.login, u.name, u.email, u.phone, u.organisation_id, o.name," \
	" u.roles, u.lang"

/*
 * Tickets (ticket-store.c, upload-store.c, queue-store.c).
 *
 * Every query that reads a ticket carries the visibility rule in its
 * WHERE (SECURITY.md R-AC-1; the same rule as ticket_actor_sees in
 * ticket.c). Its four parameters are: is the caller an agent (0/1), the
 * caller's user id, is [tickets] organisation_visibility on (0/1), the
 * caller's organisation id (0 when none). MariaDB re-optimises a prepared
 * statement at each execution with the values bound, so the branches
 * that do not apply fold away and the indexes of sql/003-tickets.sql are
 * used (checked with EXPLAIN on a million tickets).
 */
#define TICKET_VISIBLE \
	"(? = 1 OR t.customer_id = ? OR (? = 1 AND t.organisation_id = ?))"
#define RFC3339(col)	"DATE_FORMAT(" col ", '%Y-%m-%dT%H:%i:%sZ')"

/* The columns of a ticket as the API shows it (enum ticket_col in ticket-store.c). */
#define TICKET_COLUMNS \
	"t.id, t.tn, t.title, q.code, q.name, t.priority_id, t.state_id," \
	" t.customer_id, cu.login, cu.name, t.organisation_id, o.name," \
	" ow.login, ow.name, t.requester, " RFC3339("t.created") ", " \
	RFC3339("t.changed") ", " RFC3339("t.first_response") ", " \
	RFC3339("t.closed") ", t.version"
/*
 * LEFT JOINs although every ticket has a queue and a customer (foreign
 * keys): they keep tickets the first table of the plan, so that ORDER BY
 * and LIMIT walk a tickets index instead of sorting a join.
 */
#define TICKET_FROM \
	" FROM tickets t LEFT JOIN queues q ON q.id = t.queue_id" \
	" LEFT JOIN users cu ON cu.id = t.customer_id" \
	" LEFT JOIN organisations o ON o.id = t.organisation_id" \
	" LEFT JOIN users ow ON ow.id = t.owner_id"

/*
 * The filters of GET /tickets but the state and the search, with their
 * parameters: queue id (NULL = any) twice, priority (NULL = any) twice,
 * owner mode (0 any, 1 me, 2 nobody), the same mode, the caller's id, the
 * mode again, organisation id (NULL = any) twice, customer id (NULL =
 * any) twice, a ticket number (NULL = any) twice.
 */
#define TICKET_FILTERS \
	" AND (? IS NULL OR t.queue_id = ?)" \
	" AND (? IS NULL OR t.priority_id = ?)" \
	" AND (? = 0 OR (? = 1 AND t.owner_id = ?) OR (? = 2 AND t.owner_id IS NULL))" \
	" AND (? IS NULL OR t.organisation_id = ?)" \
	" AND (? IS NULL OR t.customer_id = ?)" \
	" AND (? IS NULL OR t.tn = ?)"
/*
 * The full-text search, in the articles a caller may read (their subject,
 * the title for the first one, and body): the boolean-mode terms, and
 * is-agent, so that internal notes are never searched for a référent.
 * A condition of its own (not inside an OR), so that MariaDB starts from
 * the few matching articles (a semi-join) rather than from every ticket.
 */
#define TICKET_SEARCH \
	" AND t.id IN (SELECT a.ticket_id FROM articles a WHERE" \
	" MATCH(a.subject, a.body) AGAINST (? IN BOOLEAN MODE)" \
	" AND (a.internal = 0 OR ? = 1))"
/*
 * The state filter: include closed (0/1), include open (0/1); "open"
 * means closed IS NULL, which holds exactly while the state's type is
 * neither closed nor merged.
 */
#define TICKET_STATE_FILTER \
	" AND (? = 1 OR t.closed IS NULL) AND (? = 1 OR t.closed IS NOT NULL)"
#define TICKET_LIST(order) \
	"SELECT " TICKET_COLUMNS TICKET_FROM " WHERE " TICKET_VISIBLE \
	TICKET_STATE_FILTER TICKET_FILTERS " ORDER BY " order " LIMIT ? OFFSET ?"
#define TICKET_SEARCH_LIST(order) \
	"SELECT " TICKET_COLUMNS TICKET_FROM " WHERE " TICKET_VISIBLE \
	TICKET_STATE_FILTER TICKET_FILTERS TICKET_SEARCH " ORDER BY " order \
	" LIMIT ? OFFSET ?"
/* The same filters without the state: the open and closed counts. */
#define TICKET_COUNT(search) \
	"SELECT COALESCE(SUM(t.closed IS NULL), 0)," \
	" COALESCE(SUM(t.closed IS NOT NULL), 0) FROM tickets t WHERE " \
	TICKET_VISIBLE TICKET_FILTERS search

/* The columns of an article (enum article_col in ticket-store.c). */
#define ARTICLE_COLUMNS \
	"a.id, a.sender, u.login, u.name, a.internal, a.body, " RFC3339("a.created")
/* A token as GET /api/v1/tokens shows it (token.c). */
#define RFC3339(col)	"DATE_FORMAT(" col ", '%Y-%m-%dT%H:%i:%sZ')"
#define TOKEN_COLUMNS \
	"id, name, " RFC3339("created") ", " RFC3339("expires") ", " \
	RFC3339("last_used")


/*
 * Reports (report.c, report-store.c). Every report is one SELECT under a
 * time limit, with its period, its axis (a queue code or NULL) and a row
 * cap (max_rows + 1, so that too many rows can be told from just enough)
 * bound. The time limit must be a literal: MariaDB refuses a parameter
 * there.
 */
#define REPORT_TIME_LIMIT	"10"
/* Room for the sorted lists of PCT_LIST (see below). */
#define PCT_LIST_MAX		"268435456"
#define REPORT_LIMITS \
	"SET STATEMENT max_statement_time=" REPORT_TIME_LIMIT "," \
	" group_concat_max_len=" PCT_LIST_MAX "," \
	" tmp_table_size=67108864, max_heap_table_size=67108864 FOR "
/*
 * The axis filter (one queue code, or NULL for all) on a view's queue
 * code, and on a ticket's queue id. Not "(? IS NULL OR col = ?)": after an
 * execution with a code, MariaDB 10.11 keeps the column out of the ORDER
 * BY of the next executions of the prepared statement, whatever they
 * bind (rows of a view came back unsorted; tests/test_reports.py checks).
 */
#define REPORT_QUEUE(col)	" AND " col " = COALESCE(?, " col ")"
#define REPORT_QUEUE_ID(col) \
	" AND " col " = COALESCE((SELECT id FROM queues WHERE code = ?), " col ")"
/*
 * PERCENTILE_CONT(f) of a group: its n values sorted into one list by
 * GROUP_CONCAT, the values at ranks floor and ceil of 1 + f(n - 1) taken
 * from it, then the linear interpolation between them, rounded to the
 * second (integers and DECIMAL: exact, halves away from zero). Over a
 * million tickets this is about twice as fast as ROW_NUMBER() and COUNT()
 * windows, and those five times faster than MariaDB's PERCENTILE_CONT. A
 * list longer than PCT_LIST_MAX (some 25 million values) would be cut:
 * the figure is then NULL, never wrong.
 */
#define PCT_LIST(value) \
	"GROUP_CONCAT(" value " ORDER BY " value " SEPARATOR ',')"
#define PCT_AT(list, rank) \
	"CAST(SUBSTRING_INDEX(SUBSTRING_INDEX(" list ", ',', " rank "), ','," \
	" -1) AS SIGNED)"
#define PCT_LO(f, n)	"FLOOR(1 + " f " * (" n " - 1))"
#define PCT_HI(f, n)	"CEIL(1 + " f " * (" n " - 1))"
#define PCT(f, list, n) \
	"IF(LENGTH(" list ") < " PCT_LIST_MAX ", ROUND(" \
	PCT_AT(list, PCT_LO(f, n)) " + (" f " * (" n " - 1) - FLOOR(" f \
	" * (" n " - 1))) * (" PCT_AT(list, PCT_HI(f, n)) " - " \
	PCT_AT(list, PCT_LO(f, n)) ")), NULL)"
/*
 * The tickets closed now: a state of type closed (sql/003-tickets.sql,
 * src/ticket.c: 4 closed successful, 5 closed unsuccessful), not merged.
 * Literal ids, not a join with ticket_states: with the join MariaDB reads
 * every closed ticket through the state index instead of the period's
 * through tickets_report_closed (1.8 s instead of 0.4 s for a year).
 */
#define CLOSED_STATES		"t.state_id IN (4, 5)"
#define STATE_CLOSED_KO		"5"
/* The same by name, as history rows keep them (report_reopened does too). */
#define CLOSED_NAMES		"('closed successful', 'closed unsuccessful')"
#define CLOSED_NAMES_MERGED \
	"('closed successful', 'closed unsuccessful', 'merged')"
/*
 * Count, median and 90th percentile of value per axis and priority, for
 * the tickets (tickets t) matching cond whose column when falls in the
 * period [?, ?), of one axis or all.
 */
#define REPORT_TIMES(cond, when, value) \
	REPORT_LIMITS "SELECT q.code, q.name, g.priority_id, p.name, g.n, " \
	PCT("0.5", "g.l", "g.n") ", " PCT("0.9", "g.l", "g.n") \
	" FROM (SELECT t.queue_id, t.priority_id, COUNT(*) AS n, " \
	PCT_LIST(value) " AS l FROM tickets t WHERE " cond " t." when " >= ?" \
	" AND t." when " < ?" REPORT_QUEUE_ID("t.queue_id") \
	" GROUP BY t.queue_id, t.priority_id) g" \
	" JOIN queues q ON q.id = g.queue_id" \
	" JOIN priorities p ON p.id = g.priority_id" \
	" ORDER BY q.position, q.code, g.priority_id LIMIT ?"
#define RESOLUTION_SECONDS	"TIMESTAMPDIFF(SECOND, t.created, t.closed)"
#define RESPONSE_SECONDS	"TIMESTAMPDIFF(SECOND, t.created, t.first_response)"
/* The activity views grouped by week or month (the columns of report.c). */
#define REPORT_ACTIVITY(bucket) \
	REPORT_LIMITS "SELECT " bucket ", queue, MIN(queue_name), priority," \
	" MIN(priority_name), SUM(created), SUM(closed)," \
	" SUM(closed_unsuccessful), SUM(reopened) FROM report_activity_daily" \
	" WHERE day >= ? AND day <= ?" REPORT_QUEUE("queue") \
	" GROUP BY " bucket ", queue, priority ORDER BY " bucket \
	", queue, priority LIMIT ?"

static const char *const db_stmt_text[DB_STMT_MAX] = {
	[STMT_PING] = "SELECT 1",

	[STMT_SESSION_INSERT] =
	    "INSERT INTO sessions (token_hash, user_id, csrf_token, created,"
	    " last_seen, expires, checked, client_ip, user_agent)"
	    " VALUES (?, ?, ?, UTC_TIMESTAMP(), UTC_TIMESTAMP(),"
	    " UTC_TIMESTAMP() + INTERVAL ? SECOND, UTC_TIMESTAMP(), ?, ?)",
	[STMT_SESSION_LOOKUP] =
	    "SELECT s.id, s.csrf_token,"
	    " TIMESTAMPDIFF(SECOND, s.checked, UTC_TIMESTAMP()),"
	    " TIMESTAMPDIFF(SECOND, s.last_seen, UTC_TIMESTAMP()), " USER_COLUMNS
	    " FROM sessions s JOIN users u ON u.id = s.user_id"
	    " LEFT JOIN organisations o ON o.id = u.organisation_id"
	    " WHERE s.token_hash = ? AND s.expires > UTC_TIMESTAMP()"
	    " AND s.last_seen > UTC_TIMESTAMP() - INTERVAL ? SECOND"
	    " AND u.active = 1",
	[STMT_SESSION_TOUCH] =
	    "UPDATE sessions SET last_seen = UTC_TIMESTAMP() WHERE id = ?",
	[STMT_SESSION_DELETE] =
	    "DELETE FROM sessions WHERE token_hash = ?",
	[STMT_SESSION_DELETE_USER] =
	    "DELETE FROM sessions WHERE user_id = ?",
	[STMT_SESSION_CHECKED] =
	    "UPDATE sessions SET checked = UTC_TIMESTAMP() WHERE id = ?",
	[STMT_SESSION_PURGE] =
	    "DELETE FROM sessions WHERE expires < UTC_TIMESTAMP()"
	    " OR last_seen < UTC_TIMESTAMP() - INTERVAL ? SECOND LIMIT 1000",
	[STMT_SESSION_COUNT] =
	    "SELECT COUNT(*) FROM sessions WHERE expires > UTC_TIMESTAMP()"
	    " AND last_seen > UTC_TIMESTAMP() - INTERVAL ? SECOND",
	[STMT_TOKEN_LOOKUP] =
	    "SELECT t.id, NULL,"
	    " TIMESTAMPDIFF(SECOND, COALESCE(t.checked, t.created), UTC_TIMESTAMP()),"
	    " IFNULL(TIMESTAMPDIFF(SECOND, t.last_used, UTC_TIMESTAMP()), 86400), "
	    USER_COLUMNS
	    " FROM api_tokens t JOIN users u ON u.id = t.user_id"
	    " LEFT JOIN organisations o ON o.id = u.organisation_id"
	    " WHERE t.token_hash = ? AND t.revoked IS NULL"
	    " AND (t.expires IS NULL OR t.expires > UTC_TIMESTAMP())"
	    " AND u.active = 1",
	[STMT_TOKEN_TOUCH] =
	    "UPDATE api_tokens SET last_used = UTC_TIMESTAMP() WHERE id = ?",
	[STMT_TOKEN_REVOKE_USER] =
	    "UPDATE api_tokens SET revoked = UTC_TIMESTAMP()"
	    " WHERE user_id = ? AND revoked IS NULL",

	/* ---- reference data (queue-store.c) ---- */
	[STMT_QUEUE_LIST] =
	    "SELECT id, code, name, description, active FROM queues"
	    " WHERE (active = 1 OR ? = 1) ORDER BY position, id",
	[STMT_QUEUE_COUNTS] =
	    "SELECT queue_id, state_id, COUNT(*) FROM tickets"
	    " GROUP BY queue_id, state_id",
	[STMT_QUEUE_BY_CODE] =
	    "SELECT id, code, name, description, active FROM queues WHERE code = ?",
	[STMT_QUEUE_CODE_BY_ID] =
	    "SELECT code FROM queues WHERE id = ?",
	[STMT_QUEUE_INSERT] =
	    "INSERT INTO queues (code, name, description, position, created, changed)"
	    " SELECT ?, ?, ?, COALESCE(MAX(position), 0) + 1, UTC_TIMESTAMP(),"
	    " UTC_TIMESTAMP() FROM queues",
	[STMT_QUEUE_UPDATE] =
	    "UPDATE queues SET name = COALESCE(?, name),"
	    " description = COALESCE(?, description), active = COALESCE(?, active),"
	    " changed = UTC_TIMESTAMP() WHERE code = ?",
	[STMT_PRIORITY_LIST] =
	    "SELECT id, name FROM priorities ORDER BY id",
	[STMT_STATE_LIST] =
	    "SELECT s.name, st.name FROM ticket_states s"
	    " JOIN ticket_state_types st ON st.id = s.type_id ORDER BY s.id",
	[STMT_ORGANISATION_LIST] =
	    "SELECT id, name FROM organisations ORDER BY name, id",
	[STMT_AGENT_LIST] =
	    "SELECT login, name FROM users WHERE active = 1 AND (roles & 6) <> 0"
	    " ORDER BY name, login",
	[STMT_AGENT_BY_LOGIN] =
	    "SELECT id FROM users WHERE login = ? AND active = 1 AND (roles & 6) <> 0",
	[STMT_USER_LOGIN_BY_ID] =
	    "SELECT login FROM users WHERE id = ?",
	[STMT_USER_BY_EMAIL] =
	    "SELECT id, organisation_id, roles, login FROM users"
	    " WHERE email = ? AND email <> '' ORDER BY active DESC, id LIMIT 1",
	[STMT_USER_ENSURE_SYSTEM] =
	    "INSERT IGNORE INTO users (login, dn, name, email, roles, active)"
	    " VALUES (?, '', ?, '', 0, 0)",

	/* ---- tickets (ticket-store.c) ---- */
	[STMT_TICKET_GET] =
	    "SELECT " TICKET_COLUMNS TICKET_FROM " WHERE t.tn = ? AND " TICKET_VISIBLE,
	/* Only the ticket row is locked (FOR UPDATE would lock joined rows too). */
	[STMT_TICKET_LOCK] =
	    "SELECT t.id, t.state_id, t.version, t.queue_id, t.priority_id,"
	    " t.owner_id, t.title, t.closed, t.first_response, t.customer_id,"
	    " t.organisation_id FROM tickets t WHERE t.tn = ? AND " TICKET_VISIBLE
	    " FOR UPDATE",
	[STMT_TICKET_LIST_NUMBER_ASC] = TICKET_LIST("t.tn ASC"),
	[STMT_TICKET_LIST_NUMBER_DESC] = TICKET_LIST("t.tn DESC"),
	[STMT_TICKET_LIST_CREATED_ASC] = TICKET_LIST("t.created ASC, t.id ASC"),
	[STMT_TICKET_LIST_CREATED_DESC] = TICKET_LIST("t.created DESC, t.id DESC"),
	[STMT_TICKET_LIST_CHANGED_ASC] = TICKET_LIST("t.changed ASC, t.id ASC"),
	[STMT_TICKET_LIST_CHANGED_DESC] = TICKET_LIST("t.changed DESC, t.id DESC"),
	[STMT_TICKET_LIST_PRIORITY_ASC] =
	    TICKET_LIST("t.priority_id ASC, t.changed ASC, t.id ASC"),
	[STMT_TICKET_LIST_PRIORITY_DESC] =
	    TICKET_LIST("t.priority_id DESC, t.changed DESC, t.id DESC"),
	[STMT_TICKET_LIST_TITLE_ASC] = TICKET_LIST("t.title ASC, t.id ASC"),
	[STMT_TICKET_LIST_TITLE_DESC] = TICKET_LIST("t.title DESC, t.id DESC"),
	[STMT_TICKET_LIST_STATE_ASC] =
	    TICKET_LIST("t.state_id ASC, t.changed ASC, t.id ASC"),
	[STMT_TICKET_LIST_STATE_DESC] =
	    TICKET_LIST("t.state_id DESC, t.changed DESC, t.id DESC"),
	[STMT_TICKET_SEARCH_NUMBER_ASC] = TICKET_SEARCH_LIST("t.tn ASC"),
	[STMT_TICKET_SEARCH_NUMBER_DESC] = TICKET_SEARCH_LIST("t.tn DESC"),
	[STMT_TICKET_SEARCH_CREATED_ASC] =
	    TICKET_SEARCH_LIST("t.created ASC, t.id ASC"),
	[STMT_TICKET_SEARCH_CREATED_DESC] =
	    TICKET_SEARCH_LIST("t.created DESC, t.id DESC"),
	[STMT_TICKET_SEARCH_CHANGED_ASC] =
	    TICKET_SEARCH_LIST("t.changed ASC, t.id ASC"),
	[STMT_TICKET_SEARCH_CHANGED_DESC] =
	    TICKET_SEARCH_LIST("t.changed DESC, t.id DESC"),
	[STMT_TICKET_SEARCH_PRIORITY_ASC] =
	    TICKET_SEARCH_LIST("t.priority_id ASC, t.changed ASC, t.id ASC"),
	[STMT_TICKET_SEARCH_PRIORITY_DESC] =
	    TICKET_SEARCH_LIST("t.priority_id DESC, t.changed DESC, t.id DESC"),
	[STMT_TICKET_SEARCH_TITLE_ASC] = TICKET_SEARCH_LIST("t.title ASC, t.id ASC"),
	[STMT_TICKET_SEARCH_TITLE_DESC] =
	    TICKET_SEARCH_LIST("t.title DESC, t.id DESC"),
	[STMT_TICKET_SEARCH_STATE_ASC] =
	    TICKET_SEARCH_LIST("t.state_id ASC, t.changed ASC, t.id ASC"),
	[STMT_TICKET_SEARCH_STATE_DESC] =
	    TICKET_SEARCH_LIST("t.state_id DESC, t.changed DESC, t.id DESC"),
	[STMT_TICKET_COUNT] = TICKET_COUNT(""),
	[STMT_TICKET_SEARCH_COUNT] = TICKET_COUNT(TICKET_SEARCH),
	/*
	 * The counts kept per queue, priority and open/closed (004): queue id
	 * (NULL = any) twice, priority (NULL = any) twice.
	 */
	[STMT_TICKET_COUNTS_READ] =
	    "SELECT COALESCE(SUM(IF(closed = 0, n, 0)), 0),"
	    " COALESCE(SUM(IF(closed = 1, n, 0)), 0) FROM ticket_counts"
	    " WHERE (? IS NULL OR queue_id = ?) AND (? IS NULL OR priority_id = ?)",
	/*
	 * A référent's own tickets without filters ("Mes tickets"): only
	 * columns of tickets_customer, so the index alone answers. The
	 * general count names every filter's column and so reads each row.
	 */
	[STMT_TICKET_COUNT_OWN] =
	    "SELECT COALESCE(SUM(closed IS NULL), 0),"
	    " COALESCE(SUM(closed IS NOT NULL), 0) FROM tickets"
	    " WHERE customer_id = ?",
	[STMT_TICKET_COUNTS_ADD] =
	    "INSERT INTO ticket_counts (queue_id, priority_id, closed, n)"
	    " VALUES (?, ?, ?, ?) ON DUPLICATE KEY UPDATE n = n + VALUES(n)",
	/* tn stays NULL until the end of the creating transaction (see 003). */
	[STMT_TICKET_INSERT] =
	    "INSERT INTO tickets (title, queue_id, priority_id, state_id,"
	    " customer_id, organisation_id, requester, created, changed, closed,"
	    " version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)",
	[STMT_TICKET_SET_NUMBER] =
	    "UPDATE tickets SET tn = ? WHERE id = ?",
	[STMT_TICKET_UPDATE] =
	    "UPDATE tickets SET title = ?, queue_id = ?, priority_id = ?,"
	    " state_id = ?, owner_id = ?, closed = ?, first_response = ?,"
	    " changed = ?, version = version + 1 WHERE id = ?",
	[STMT_TICKET_TOUCH] =
	    "UPDATE tickets SET changed = GREATEST(changed, ?),"
	    " version = version + 1 WHERE id = ?",
	[STMT_TICKET_TN_BY_ID] =
	    "SELECT tn, state_id FROM tickets WHERE id = ?",
	/* The day's counter: the row lock serialises, a rollback gives it back. */
	[STMT_COUNTER_NEXT] =
	    "INSERT INTO ticket_counters (day, counter) VALUES (?, LAST_INSERT_ID(1))"
	    " ON DUPLICATE KEY UPDATE counter = LAST_INSERT_ID(counter + 1)",
	[STMT_ARTICLE_INSERT] =
	    "INSERT INTO articles (ticket_id, sender, author_id, internal, subject,"
	    " body, created) VALUES (?, ?, ?, ?, ?, ?, ?)",
	[STMT_ARTICLE_LIST] =
	    "SELECT " ARTICLE_COLUMNS " FROM articles a"
	    " JOIN users u ON u.id = a.author_id"
	    " WHERE a.ticket_id = ? AND (a.internal = 0 OR ? = 1)"
	    " ORDER BY a.created, a.id",
	[STMT_ARTICLE_GET] =
	    "SELECT " ARTICLE_COLUMNS " FROM articles a"
	    " JOIN users u ON u.id = a.author_id WHERE a.id = ? AND a.ticket_id = ?",
	/* The search finds a ticket by its title through its first article. */
	[STMT_ARTICLE_FIRST_SUBJECT] =
	    "UPDATE articles SET subject = ? WHERE ticket_id = ?"
	    " ORDER BY created, id LIMIT 1",
	[STMT_ATTACHMENT_LIST] =
	    "SELECT at.id, at.article_id, at.filename, at.size, at.content_type,"
	    " at.sha256 FROM attachments at JOIN articles a ON a.id = at.article_id"
	    " WHERE at.ticket_id = ? AND (a.internal = 0 OR ? = 1) ORDER BY at.id",
	/* The bytes move inside the server; the upload must be the caller's. */
	[STMT_ATTACHMENT_FROM_UPLOAD] =
	    "INSERT INTO attachments (article_id, ticket_id, filename, content_type,"
	    " size, sha256, content, created) SELECT ?, ?, filename, content_type,"
	    " size, sha256, content, ? FROM uploads WHERE id = ? AND user_id = ?",
	[STMT_ATTACHMENT_INSERT] =
	    "INSERT INTO attachments (article_id, ticket_id, filename, content_type,"
	    " size, sha256, content, created) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
	[STMT_HISTORY_INSERT] =
	    "INSERT INTO ticket_history (ticket_id, type, actor_id, article_id,"
	    " internal, old_value, new_value, created) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
	[STMT_HISTORY_LIST] =
	    "SELECT h.type, u.login, u.name, " RFC3339("h.created") ","
	    " h.old_value, h.new_value FROM ticket_history h"
	    " JOIN users u ON u.id = h.actor_id"
	    " WHERE h.ticket_id = ? AND (h.internal = 0 OR ? = 1) ORDER BY h.id",
	/*
	 * A key in flight holds its row lock until its transaction ends: do
	 * not wait for it (the caller answers 409).
	 */
	[STMT_IDEM_INSERT] =
	    "SET STATEMENT innodb_lock_wait_timeout = 0 FOR"
	    " INSERT INTO idempotency_keys (user_id, idem_key, request_hash, created)"
	    " VALUES (?, ?, ?, UTC_TIMESTAMP())",
	[STMT_IDEM_LOOKUP] =
	    "SELECT request_hash, response_code, ticket_id, article_id,"
	    " created < UTC_TIMESTAMP() - INTERVAL ? SECOND FROM idempotency_keys"
	    " WHERE user_id = ? AND idem_key = ?",
	[STMT_IDEM_DELETE_EXPIRED] =
	    "DELETE FROM idempotency_keys WHERE user_id = ? AND idem_key = ?"
	    " AND created < UTC_TIMESTAMP() - INTERVAL ? SECOND",
	[STMT_IDEM_DONE] =
	    "UPDATE idempotency_keys SET response_code = ?, ticket_id = ?,"
	    " article_id = ? WHERE user_id = ? AND idem_key = ?",
	[STMT_IDEM_PURGE] =
	    "DELETE FROM idempotency_keys"
	    " WHERE created < UTC_TIMESTAMP() - INTERVAL ? SECOND LIMIT 1000",
	[STMT_IMPORT_SEEN] =
	    "SELECT ticket_id FROM imported_messages WHERE message_hash = ?",
	[STMT_IMPORT_RECORD] =
	    "INSERT INTO imported_messages (message_hash, ticket_id, article_id,"
	    " imported) VALUES (?, ?, ?, UTC_TIMESTAMP())",

	/* ---- uploads and downloads (upload-store.c) ---- */
	[STMT_UPLOAD_INSERT] =
	    "INSERT INTO uploads (id, user_id, filename, content_type, size, sha256,"
	    " content, created, expires) VALUES (?, ?, ?, ?, ?, ?, ?,"
	    " UTC_TIMESTAMP(), UTC_TIMESTAMP() + INTERVAL ? SECOND)",
	/* Locked: two requests naming one upload cannot both take it. */
	[STMT_UPLOAD_TAKE] =
	    "SELECT filename FROM uploads WHERE id = ? AND user_id = ?"
	    " AND expires > UTC_TIMESTAMP() FOR UPDATE",
	[STMT_UPLOAD_DELETE] =
	    "DELETE FROM uploads WHERE id = ?",
	[STMT_UPLOAD_PURGE] =
	    "DELETE FROM uploads WHERE expires < UTC_TIMESTAMP() LIMIT 100",
	/* Attachment, article and ticket together, with both visibility rules. */
	[STMT_ATTACHMENT_DOWNLOAD] =
	    "SELECT at.filename, at.content_type, at.content FROM attachments at"
	    " JOIN articles a ON a.id = at.article_id"
	    " JOIN tickets t ON t.id = a.ticket_id AND t.id = at.ticket_id"
	    " WHERE at.id = ? AND (a.internal = 0 OR ? = 1) AND " TICKET_VISIBLE,
	/* ---- reports (report.c names them; report-store.c runs them) ---- */
	[STMT_REPORT_ACTIVITY_DAILY] =
	    REPORT_LIMITS "SELECT day, queue, queue_name, priority, priority_name,"
	    " created, closed, closed_unsuccessful, reopened"
	    " FROM report_activity_daily WHERE day >= ? AND day <= ?"
	    REPORT_QUEUE("queue") " ORDER BY day, queue, priority LIMIT ?",
	[STMT_REPORT_ACTIVITY_WEEKLY] = REPORT_ACTIVITY("iso_week, week_start"),
	[STMT_REPORT_ACTIVITY_MONTHLY] = REPORT_ACTIVITY("month"),
	[STMT_REPORT_BACKLOG] =
	    REPORT_LIMITS "SELECT queue, queue_name, lt_1d, d1_3, d3_7, d7_30,"
	    " gt_30d, total FROM report_backlog WHERE 1 = 1" REPORT_QUEUE("queue")
	    " ORDER BY position, queue LIMIT ?",
	[STMT_REPORT_RESPONSE_TIMES] =
	    REPORT_TIMES("", "first_response", RESPONSE_SECONDS),
	[STMT_REPORT_RESOLUTION_TIMES] =
	    REPORT_TIMES(CLOSED_STATES " AND", "closed", RESOLUTION_SECONDS),
	/*
	 * Per office: opened in the period, open now, closed in the period
	 * and their median resolution time; 0 stands for "no office".
	 */
	[STMT_REPORT_ORGANISATIONS] =
	    REPORT_LIMITS "SELECT o.name, SUM(x.opened), SUM(x.open_now),"
	    " SUM(x.closed), MAX(x.median) FROM ("
	    "SELECT COALESCE(t.organisation_id, 0) AS org, COUNT(*) AS opened,"
	    " 0 AS open_now, 0 AS closed, NULL AS median FROM tickets t"
	    " WHERE t.created >= ? AND t.created < ?" REPORT_QUEUE_ID("t.queue_id")
	    " GROUP BY org"
	    " UNION ALL SELECT COALESCE(t.organisation_id, 0) AS org, 0, COUNT(*),"
	    " 0, NULL FROM tickets t WHERE t.closed IS NULL"
	    REPORT_QUEUE_ID("t.queue_id") " GROUP BY org"
	    " UNION ALL SELECT g.org, 0, 0, g.n, " PCT("0.5", "g.l", "g.n")
	    " FROM (SELECT COALESCE(t.organisation_id, 0) AS org, COUNT(*) AS n, "
	    PCT_LIST(RESOLUTION_SECONDS) " AS l FROM tickets t WHERE "
	    CLOSED_STATES " AND t.closed >= ? AND t.closed < ?"
	    REPORT_QUEUE_ID("t.queue_id") " GROUP BY org) g"
	    ") x LEFT JOIN organisations o ON o.id = x.org"
	    " GROUP BY x.org, o.name ORDER BY o.name IS NULL, o.name, x.org"
	    " LIMIT ?",
	/*
	 * Agents and administrators (and whoever owns open tickets or wrote
	 * as the support centre in the period): open tickets owned now,
	 * replies, internal notes and closings in the period.
	 */
	[STMT_REPORT_AGENTS] =
	    REPORT_LIMITS "SELECT u.login, u.name, COALESCE(o.n, 0),"
	    " COALESCE(a.replies, 0), COALESCE(a.notes, 0), COALESCE(a.closed, 0)"
	    " FROM users u LEFT JOIN (SELECT t.owner_id, COUNT(*) AS n"
	    " FROM tickets t WHERE t.closed IS NULL AND t.owner_id IS NOT NULL"
	    REPORT_QUEUE_ID("t.queue_id") " GROUP BY t.owner_id) o"
	    " ON o.owner_id = u.id LEFT JOIN (SELECT r.user_id,"
	    " SUM(r.replies) AS replies, SUM(r.notes) AS notes,"
	    " SUM(r.closed) AS closed FROM report_agent_daily r"
	    " WHERE r.day >= ? AND r.day <= ?" REPORT_QUEUE_ID("r.queue_id")
	    " GROUP BY r.user_id) a ON a.user_id = u.id"
	    " WHERE ((u.roles & 6) <> 0 AND u.active = 1) OR o.n IS NOT NULL"
	    " OR a.replies + a.notes > 0 ORDER BY u.name, u.login LIMIT ?",
	[STMT_REPORT_REOPENED] =
	    REPORT_LIMITS "SELECT reopened, number, queue, queue_name, priority,"
	    " priority_name, organisation, by_login, from_state, to_state"
	    " FROM report_reopened WHERE reopened >= ? AND reopened < ?"
	    REPORT_QUEUE("queue") " ORDER BY reopened, number LIMIT ?",
	[STMT_REPORT_CLOSED_UNSUCCESSFUL] =
	    REPORT_LIMITS "SELECT closed, number, queue, queue_name, priority,"
	    " priority_name, organisation, owner, created, resolution_seconds"
	    " FROM report_closed_unsuccessful WHERE closed >= ? AND closed < ?"
	    REPORT_QUEUE("queue") " ORDER BY closed, number LIMIT ?",

	/*
	 * The refresh of the summaries (sql/004-reports.sql): the state row
	 * locked without waiting (another daemon is at it: skip), with the
	 * last look at changed tickets (and five minutes before it: a
	 * transaction still open then has committed since), now, and the
	 * highest ids now.
	 */
	[STMT_REPORT_STATE_LOCK] =
	    "SELECT tickets_mark, history_mark, articles_mark, tickets_seen,"
	    " history_seen, articles_seen,"
	    " DATE_FORMAT(changed_mark, '%Y-%m-%d %H:%i:%s'),"
	    " DATE_FORMAT(changed_mark - INTERVAL 300 SECOND, '%Y-%m-%d %H:%i:%s'),"
	    " DATE_FORMAT(UTC_TIMESTAMP(), '%Y-%m-%d %H:%i:%s'),"
	    " (SELECT COALESCE(MAX(id), 0) FROM tickets),"
	    " (SELECT COALESCE(MAX(id), 0) FROM ticket_history),"
	    " (SELECT COALESCE(MAX(id), 0) FROM articles)"
	    " FROM report_state WHERE id = 1 FOR UPDATE SKIP LOCKED",
	[STMT_REPORT_STATE_SAVE] =
	    "UPDATE report_state SET tickets_mark = ?, history_mark = ?,"
	    " articles_mark = ?, tickets_seen = ?, history_seen = ?,"
	    " articles_seen = ?, changed_mark = ? WHERE id = 1",
	[STMT_REPORT_STATE_REFRESHED] =
	    "UPDATE report_state SET refreshed = UTC_TIMESTAMP() WHERE id = 1",
	[STMT_REPORT_STATUS] =
	    "SELECT (SELECT COUNT(*) FROM report_dirty_days),"
	    " DATE_FORMAT(refreshed, '%Y-%m-%dT%H:%i:%sZ') FROM report_state"
	    " WHERE id = 1",
	/* The days of new tickets (ids in (?, ?]): created, closed, answered. */
	[STMT_REPORT_DIRTY_TICKETS] =
	    "INSERT IGNORE INTO report_dirty_days (day) SELECT DISTINCT DATE(x.d)"
	    " FROM (SELECT created AS d FROM tickets WHERE id > ? AND id <= ?"
	    " UNION ALL SELECT closed FROM tickets WHERE id > ? AND id <= ?"
	    " UNION ALL SELECT first_response FROM tickets WHERE id > ? AND id <= ?"
	    ") x WHERE x.d IS NOT NULL",
	[STMT_REPORT_TOUCHED_CLEAR] =
	    "DELETE FROM report_touched",
	[STMT_REPORT_TOUCHED_ADD] =
	    "INSERT IGNORE INTO report_touched (ticket_id)"
	    " SELECT id FROM tickets WHERE changed >= ?",
	/*
	 * The days of changed tickets: theirs, and those of every history
	 * row and article of theirs (a reopening takes the ticket out of the
	 * day of its earlier closing; a new axis moves all its counts).
	 */
	[STMT_REPORT_DIRTY_TOUCHED] =
	    "INSERT IGNORE INTO report_dirty_days (day) SELECT DISTINCT DATE(x.d)"
	    " FROM (SELECT t.created AS d FROM tickets t"
	    " JOIN report_touched r ON r.ticket_id = t.id"
	    " UNION ALL SELECT t.closed FROM tickets t"
	    " JOIN report_touched r ON r.ticket_id = t.id"
	    " UNION ALL SELECT t.first_response FROM tickets t"
	    " JOIN report_touched r ON r.ticket_id = t.id"
	    " UNION ALL SELECT h.created FROM ticket_history h"
	    " JOIN report_touched r ON r.ticket_id = h.ticket_id"
	    " UNION ALL SELECT a.created FROM articles a"
	    " JOIN report_touched r ON r.ticket_id = a.ticket_id"
	    ") x WHERE x.d IS NOT NULL",
	[STMT_REPORT_DIRTY_HISTORY] =
	    "INSERT IGNORE INTO report_dirty_days (day) SELECT DISTINCT"
	    " DATE(created) FROM ticket_history WHERE id > ? AND id <= ?",
	[STMT_REPORT_DIRTY_ARTICLES] =
	    "INSERT IGNORE INTO report_dirty_days (day) SELECT DISTINCT"
	    " DATE(created) FROM articles WHERE id > ? AND id <= ?",
	/* Everything (report-refresh --full), and the days summaries hold. */
	[STMT_REPORT_DIRTY_ALL] =
	    "INSERT IGNORE INTO report_dirty_days (day) SELECT DISTINCT DATE(x.d)"
	    " FROM (SELECT created AS d FROM tickets"
	    " UNION ALL SELECT closed FROM tickets"
	    " UNION ALL SELECT first_response FROM tickets"
	    " UNION ALL SELECT created FROM ticket_history"
	    " UNION ALL SELECT created FROM articles"
	    " UNION ALL SELECT day FROM report_daily"
	    " UNION ALL SELECT day FROM report_agent_daily"
	    " UNION ALL SELECT month FROM report_times_monthly"
	    " UNION ALL SELECT month FROM report_org_monthly"
	    ") x WHERE x.d IS NOT NULL",
	/* The dirty days of the latest month that has some. */
	[STMT_REPORT_DIRTY_MONTH] =
	    "SELECT DATE_FORMAT(day, '%Y-%m-%d') FROM report_dirty_days"
	    " WHERE day >= (SELECT MAX(day) - INTERVAL (DAYOFMONTH(MAX(day)) - 1)"
	    " DAY FROM report_dirty_days) ORDER BY day",
	[STMT_REPORT_DIRTY_DONE] =
	    "DELETE FROM report_dirty_days WHERE day = ?",
	[STMT_REPORT_DAILY_DELETE] =
	    "DELETE FROM report_daily WHERE day = ?",
	/*
	 * One day [?, ?) of report_daily: creations, closings (tickets
	 * closed now, last closed that day) and reopenings, per axis and
	 * priority. STRAIGHT_JOIN here and below: the day's rows first, then
	 * their tickets, never the other way round.
	 */
	[STMT_REPORT_DAILY_FILL] =
	    "INSERT INTO report_daily (day, queue_id, priority_id, created, closed,"
	    " closed_unsuccessful, reopened) SELECT ?, x.queue_id, x.priority_id,"
	    " SUM(x.c), SUM(x.cl), SUM(x.ko), SUM(x.ro) FROM ("
	    "SELECT t.queue_id, t.priority_id, 1 AS c, 0 AS cl, 0 AS ko, 0 AS ro"
	    " FROM tickets t WHERE t.created >= ? AND t.created < ?"
	    " UNION ALL SELECT t.queue_id, t.priority_id, 0, 1,"
	    " t.state_id = " STATE_CLOSED_KO ", 0 FROM tickets t WHERE "
	    CLOSED_STATES " AND t.closed >= ? AND t.closed < ?"
	    " UNION ALL SELECT t.queue_id, t.priority_id, 0, 0, 0, 1"
	    " FROM ticket_history h STRAIGHT_JOIN tickets t ON t.id = h.ticket_id"
	    " WHERE h.created >= ? AND h.created < ? AND h.type = 'state'"
	    " AND h.old_value IN " CLOSED_NAMES
	    " AND h.new_value NOT IN " CLOSED_NAMES_MERGED
	    ") x GROUP BY x.queue_id, x.priority_id",
	[STMT_REPORT_AGENT_DELETE] =
	    "DELETE FROM report_agent_daily WHERE day = ?",
	/* One day of report_agent_daily: articles as the support centre, closings. */
	[STMT_REPORT_AGENT_FILL] =
	    "INSERT INTO report_agent_daily (day, user_id, queue_id, replies, notes,"
	    " closed) SELECT ?, x.user_id, x.queue_id, SUM(x.r), SUM(x.n),"
	    " SUM(x.c) FROM (SELECT a.author_id AS user_id, t.queue_id,"
	    " a.internal = 0 AS r, a.internal <> 0 AS n, 0 AS c FROM articles a"
	    " STRAIGHT_JOIN tickets t ON t.id = a.ticket_id WHERE a.created >= ?"
	    " AND a.created < ? AND a.sender = 'agent'"
	    " UNION ALL SELECT h.actor_id, t.queue_id, 0, 0, 1 FROM ticket_history h"
	    " STRAIGHT_JOIN tickets t ON t.id = h.ticket_id WHERE h.created >= ?"
	    " AND h.created < ? AND h.type IN ('state', 'created')"
	    " AND h.new_value IN " CLOSED_NAMES
	    ") x GROUP BY x.user_id, x.queue_id",
	[STMT_REPORT_TIMES_DELETE] =
	    "DELETE FROM report_times_monthly WHERE month = ?",
	/* One month [?, ?) of report_times_monthly: resolution, first response. */
	[STMT_REPORT_TIMES_FILL] =
	    "SET STATEMENT group_concat_max_len=" PCT_LIST_MAX " FOR"
	    " INSERT INTO report_times_monthly (month, measure, queue_id,"
	    " priority_id, tickets, median_seconds, p90_seconds)"
	    " SELECT ?, g.measure, g.queue_id, g.priority_id, g.n, "
	    PCT("0.5", "g.l", "g.n") ", " PCT("0.9", "g.l", "g.n")
	    " FROM (SELECT 'resolution' AS measure, t.queue_id, t.priority_id,"
	    " COUNT(*) AS n, " PCT_LIST(RESOLUTION_SECONDS) " AS l FROM tickets t"
	    " WHERE " CLOSED_STATES " AND t.closed >= ? AND t.closed < ?"
	    " GROUP BY t.queue_id, t.priority_id"
	    " UNION ALL SELECT 'first_response', t.queue_id, t.priority_id,"
	    " COUNT(*), " PCT_LIST(RESPONSE_SECONDS) " FROM tickets t"
	    " WHERE t.first_response >= ? AND t.first_response < ?"
	    " GROUP BY t.queue_id, t.priority_id) g",
	[STMT_REPORT_ORG_DELETE] =
	    "DELETE FROM report_org_monthly WHERE month = ?",
	/* One month of report_org_monthly: opened, closed, median resolution. */
	[STMT_REPORT_ORG_FILL] =
	    "SET STATEMENT group_concat_max_len=" PCT_LIST_MAX " FOR"
	    " INSERT INTO report_org_monthly (month, organisation_id, opened, closed,"
	    " median_resolution_seconds) SELECT ?, x.org, SUM(x.opened),"
	    " SUM(x.closed), MAX(x.median) FROM ("
	    "SELECT COALESCE(t.organisation_id, 0) AS org, COUNT(*) AS opened,"
	    " 0 AS closed, NULL AS median FROM tickets t WHERE t.created >= ?"
	    " AND t.created < ? GROUP BY org"
	    " UNION ALL SELECT g.org, 0, g.n, " PCT("0.5", "g.l", "g.n")
	    " FROM (SELECT COALESCE(t.organisation_id, 0) AS org, COUNT(*) AS n, "
	    PCT_LIST(RESOLUTION_SECONDS) " AS l FROM tickets t WHERE "
	    CLOSED_STATES " AND t.closed >= ? AND t.closed < ? GROUP BY org) g"
	    ") x GROUP BY x.org",

	[STMT_SESSION_DELETE_ID] =
	    "DELETE FROM sessions WHERE id = ?",
	[STMT_TOKEN_CHECKED] =
	    "UPDATE api_tokens SET checked = UTC_TIMESTAMP() WHERE id = ?",

	[STMT_TOKEN_INSERT] =
	    "INSERT INTO api_tokens (token_hash, user_id, name, created, expires,"
	    " checked) VALUES (?, ?, ?, UTC_TIMESTAMP(),"
	    " UTC_TIMESTAMP() + INTERVAL ? DAY, UTC_TIMESTAMP())",
	[STMT_TOKEN_BY_HASH] =
	    "SELECT " TOKEN_COLUMNS " FROM api_tokens WHERE token_hash = ?",
	[STMT_TOKEN_LIST] =
	    "SELECT " TOKEN_COLUMNS " FROM api_tokens"
	    " WHERE user_id = ? AND revoked IS NULL ORDER BY id",
	[STMT_TOKEN_COUNT_ACTIVE] =
	    "SELECT COUNT(*) FROM api_tokens WHERE user_id = ?"
	    " AND revoked IS NULL"
	    " AND (expires IS NULL OR expires > UTC_TIMESTAMP())",
	[STMT_TOKEN_REVOKE] =
	    "UPDATE api_tokens SET revoked = UTC_TIMESTAMP()"
	    " WHERE id = ? AND user_id = ? AND revoked IS NULL",

	[STMT_USER_GET] =
	    "SELECT " USER_COLUMNS " FROM users u"
	    " LEFT JOIN organisations o ON o.id = u.organisation_id"
	    " WHERE u.id = ?",
	[STMT_USER_BY_LOGIN] =
	    "SELECT id, login, dn, name, email, phone, organisation_id, roles,"
	    " active FROM users WHERE login = ?",
	[STMT_USER_INSERT] =
	    "INSERT INTO users (login, dn, name, email, phone, organisation_id,"
	    " roles, active, created, changed, last_login)"
	    " VALUES (?, ?, ?, ?, ?, ?, ?, 1, UTC_TIMESTAMP(), UTC_TIMESTAMP(),"
	    " IF(? = 1, UTC_TIMESTAMP(), NULL))",
	[STMT_USER_UPDATE] =
	    "UPDATE users SET login = ?, dn = ?, name = ?, email = ?, phone = ?,"
	    " organisation_id = ?, roles = ?, active = 1, disabled = NULL,"
	    " changed = UTC_TIMESTAMP() WHERE id = ?",
	[STMT_USER_LOGGED_IN] =
	    "UPDATE users SET last_login = UTC_TIMESTAMP() WHERE id = ?",
	[STMT_USER_DISABLE] =
	    "UPDATE users SET active = 0, roles = 0, disabled = UTC_TIMESTAMP(),"
	    " changed = UTC_TIMESTAMP() WHERE id = ? AND active = 1",
	[STMT_USER_SET_ROLES] =
	    "UPDATE users SET roles = ?, changed = UTC_TIMESTAMP() WHERE id = ?",
	[STMT_USER_SET_LANG] =
	    "UPDATE users SET lang = ? WHERE id = ?",
	[STMT_USER_DIRECTORY] =
	    "SELECT dn, login FROM users WHERE id = ?",
	[STMT_USER_ACTIVE_LIST] =
	    "SELECT id, login FROM users WHERE active = 1",
	[STMT_ORG_BY_CODE] =
	    "SELECT id, name FROM organisations WHERE code = ?",
	[STMT_ORG_INSERT] =
	    "INSERT INTO organisations (code, name, created, changed)"
	    " VALUES (?, ?, UTC_TIMESTAMP(), UTC_TIMESTAMP())",
	[STMT_ORG_RENAME] =
	    "UPDATE organisations SET name = ?, changed = UTC_TIMESTAMP()"
	    " WHERE id = ?",

	/*
	 * One indexed query for both limits: the failures of this login from
	 * this address, of the address, and when the oldest of each leaves
	 * the window (seconds from now).
	 */
	[STMT_THROTTLE_COUNT] =
	    "SELECT COALESCE(SUM(login = ? AND cleared = 0), 0),"
	    " TIMESTAMPDIFF(SECOND, UTC_TIMESTAMP(),"
	    "  MIN(IF(login = ? AND cleared = 0, created, NULL))"
	    "  + INTERVAL ? SECOND),"
	    " COUNT(*),"
	    " TIMESTAMPDIFF(SECOND, UTC_TIMESTAMP(), MIN(created) + INTERVAL ? SECOND)"
	    " FROM login_failures"
	    " WHERE client_ip = ? AND created > UTC_TIMESTAMP() - INTERVAL ? SECOND",
	[STMT_THROTTLE_FAIL] =
	    "INSERT INTO login_failures (login, client_ip, created)"
	    " VALUES (?, ?, UTC_TIMESTAMP())",
	[STMT_THROTTLE_CLEAR] =
	    "UPDATE login_failures SET cleared = 1"
	    " WHERE client_ip = ? AND login = ? AND cleared = 0",
	[STMT_THROTTLE_PURGE] =
	    "DELETE FROM login_failures"
	    " WHERE created < UTC_TIMESTAMP() - INTERVAL ? SECOND LIMIT 1000",
	[STMT_AUDIT_INSERT] =
	    "INSERT INTO auth_audit (created, event, login, user_id, client_ip,"
	    " reason) VALUES (UTC_TIMESTAMP(), ?, ?, ?, ?, ?)",
};

const char *
db_stmt_sql(enum db_stmt_id id)
{
	return (db_stmt_text[id]);
}
