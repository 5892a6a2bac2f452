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
	[STMT_LAST_INSERT_ID] =
	    "SELECT LAST_INSERT_ID()",
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
