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
