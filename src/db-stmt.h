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
	STMT_TOKEN_LOOKUP,
	STMT_TOKEN_TOUCH,
	STMT_TOKEN_REVOKE_USER,

	DB_STMT_MAX
};

/* The SQL text of id; borrowed, static. */
const char	*db_stmt_sql(enum db_stmt_id);

#endif
