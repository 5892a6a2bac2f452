/*
 * Every SQL statement the daemon runs, named by an id. The text lives in
 * one table in db-stmt.c so that all SQL can be reviewed in one place.
 */
#ifndef DB_STMT_H
#define DB_STMT_H

enum db_stmt_id {
	/* health */
	STMT_PING,

	/* sessions and tokens (session.c, token.c) */
	STMT_SESSION_INSERT,
	STMT_SESSION_LOOKUP,
	STMT_SESSION_TOUCH,
	STMT_SESSION_DELETE,
	STMT_SESSION_DELETE_USER,
	STMT_SESSION_CHECKED,
	STMT_SESSION_PURGE,
	STMT_SESSION_COUNT,
	STMT_SESSION_DELETE_ID,
	STMT_TOKEN_LOOKUP,
	STMT_TOKEN_TOUCH,
	STMT_TOKEN_REVOKE_USER,
	STMT_TOKEN_CHECKED,

	/* API tokens (token.c) */
	STMT_TOKEN_INSERT,
	STMT_TOKEN_BY_HASH,
	STMT_TOKEN_LIST,
	STMT_TOKEN_COUNT_ACTIVE,
	STMT_TOKEN_REVOKE,

	/* users and organisations from the directory (user-store.c) */
	STMT_USER_GET,
	STMT_USER_BY_LOGIN,
	STMT_USER_INSERT,
	STMT_USER_UPDATE,
	STMT_USER_LOGGED_IN,
	STMT_USER_DISABLE,
	STMT_USER_SET_ROLES,
	STMT_USER_SET_LANG,
	STMT_USER_DIRECTORY,
	STMT_USER_ACTIVE_LIST,
	STMT_ORG_BY_CODE,
	STMT_ORG_INSERT,
	STMT_ORG_RENAME,

	/* login throttling (login-throttle.c) and the audit trail (audit.c) */
	STMT_THROTTLE_COUNT,
	STMT_THROTTLE_FAIL,
	STMT_THROTTLE_CLEAR,
	STMT_THROTTLE_PURGE,
	STMT_AUDIT_INSERT,

	DB_STMT_MAX
};

/* The SQL text of id; borrowed, static. */
const char	*db_stmt_sql(enum db_stmt_id);

#endif
