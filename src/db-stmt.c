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
	    "SELECT t.id, NULL, 0,"
	    " TIMESTAMPDIFF(SECOND, COALESCE(t.last_used, t.created), UTC_TIMESTAMP()), "
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
};

const char *
db_stmt_sql(enum db_stmt_id id)
{
	return (db_stmt_text[id]);
}
