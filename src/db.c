/*
 * The worker's MariaDB connection: connect with safe options, run cached
 * prepared statements with printf-like parameter binding, buffer results,
 * and recover from a server that went away by reconnecting and preparing
 * again (never MYSQL_OPT_RECONNECT, which replays writes blindly).
 */
#include "helpdesk.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <mysql.h>
#include <errmsg.h>
#include <mysqld_error.h>

#include "conf.h"
#include "db.h"
#include "log.h"
#include "util.h"
#include "xmalloc.h"

#define DB_MAX_PARAMS		32
/* After a failed connect, answer 503 at once for this long. */
#define DB_RETRY_DELAY_US	500000

struct db {
	struct db_params	 p;
	MYSQL			*my;
	MYSQL_STMT		*stmts[DB_STMT_MAX];
	bool			 in_txn;
	/*
	 * The connection was lost inside a transaction: every statement
	 * until the caller's rollback (or next begin) fails, so that none of
	 * them runs, on a new connection, outside the transaction it
	 * belonged to.
	 */
	bool			 txn_lost;
	int64_t			 last_fail_us;
	bool			 ever_connected;
	struct db_stats		 stats;
};

struct db_res {
	MYSQL_STMT	*stmt;
	unsigned	 ncols;
	MYSQL_BIND	*bind;
	char		**buf;
	unsigned long	*len;
	my_bool		*isnull;
	size_t		 rows;
};

void
db_params_from_conf(struct db_params *p)
{
	memset(p, 0, sizeof(*p));
	p->host = cfg.db_host;
	p->port = cfg.db_port;
	p->socket = cfg.db_socket;
	p->name = cfg.db_name;
	p->user = cfg.db_user;
	p->password = cfg.db_password;
	p->ssl_ca = cfg.db_ssl_ca;
	p->connect_timeout = cfg.db_connect_timeout;
	p->read_timeout = cfg.db_read_timeout;
	p->write_timeout = cfg.db_write_timeout;
}

struct db *
db_create(const struct db_params *p)
{
	struct db	*db;

	db = xcalloc(1, sizeof(*db));
	db->p = *p;
	return (db);
}

/* Drop the connection and every statement prepared on it. */
static void
db_disconnect(struct db *db)
{
	unsigned	i;

	for (i = 0; i < DB_STMT_MAX; i++) {
		if (db->stmts[i] != NULL)
			mysql_stmt_close(db->stmts[i]);
		db->stmts[i] = NULL;
	}
	if (db->my != NULL)
		mysql_close(db->my);
	db->my = NULL;
	db->in_txn = false;
}

void
db_free(struct db *db)
{
	if (db == NULL)
		return;
	db_disconnect(db);
	free(db);
}

/* True for the errors after which the connection cannot be used again. */
static bool
db_errno_is_lost(unsigned int e)
{
	switch (e) {
	case CR_SERVER_GONE_ERROR:
	case CR_SERVER_LOST:
	case CR_CONNECTION_ERROR:
	case CR_CONN_HOST_ERROR:
	case CR_SERVER_LOST_EXTENDED:
	case CR_COMMANDS_OUT_OF_SYNC:
	case ER_CONNECTION_KILLED:
	case ER_SERVER_SHUTDOWN:
	case 4031:	/* ER_CLIENT_INTERACTION_TIMEOUT */
	case CR_UNKNOWN_ERROR:
		return (true);
	default:
		return (false);
	}
}

/* Map a server error to a result; a lost connection is dropped here. */
static enum hd_result
db_error(struct db *db, unsigned int e, const char *msg, const char *what)
{
	__atomic_fetch_add(&db->stats.errors, 1, __ATOMIC_RELAXED);
	if (db_errno_is_lost(e)) {
		log_warn("database: %s: connection lost (%u %s)", what, e, msg);
		if (db->in_txn)
			db->txn_lost = true;
		db_disconnect(db);
		return (HD_UNAVAILABLE);
	}
	switch (e) {
	case ER_DUP_ENTRY:
	case ER_DUP_ENTRY_WITH_KEY_NAME:
		return (HD_CONFLICT);
	case ER_LOCK_DEADLOCK:
	case ER_LOCK_WAIT_TIMEOUT:
		log_info("database: %s: %s, retrying the transaction", what, msg);
		return (HD_RETRY);
	case ER_DATA_TOO_LONG:
	case ER_TRUNCATED_WRONG_VALUE_FOR_FIELD:
	case ER_NO_REFERENCED_ROW_2:
	case ER_BAD_NULL_ERROR:
	case ER_WARN_DATA_OUT_OF_RANGE:
		log_warn("database: %s: refused data (%u %s)", what, e, msg);
		return (HD_INVALID);
	case ER_STATEMENT_TIMEOUT:
	case ER_QUERY_INTERRUPTED:
		log_warn("database: %s: interrupted (%u %s)", what, e, msg);
		return (HD_UNAVAILABLE);
	default:
		log_err("database: %s: %u %s", what, e, msg);
		return (HD_INTERNAL);
	}
}

enum hd_result
db_connect(struct db *db)
{
	MYSQL			*my;
	unsigned int		 u;
	my_bool			 off = 0, on = 1;
	const struct db_params	*p = &db->p;
	unsigned long		 flags = CLIENT_FOUND_ROWS;

	db_disconnect(db);
	if ((my = mysql_init(NULL)) == NULL)
		fatalx("mysql_init: out of memory");
	mysql_optionsv(my, MYSQL_SET_CHARSET_NAME, "utf8mb4");
	/* Run on connect and on any reconnect: strict data, UTC, one isolation. */
	mysql_optionsv(my, MYSQL_INIT_COMMAND,
	    "SET SESSION sql_mode='STRICT_TRANS_TABLES,ERROR_FOR_DIVISION_BY_ZERO,"
	    "NO_ENGINE_SUBSTITUTION,NO_ZERO_DATE,NO_ZERO_IN_DATE',"
	    " time_zone='+00:00',"
	    " tx_isolation='READ-COMMITTED'");
	mysql_optionsv(my, MYSQL_OPT_RECONNECT, &off);
	mysql_optionsv(my, MYSQL_OPT_LOCAL_INFILE, &off);
	u = (unsigned int)p->connect_timeout;
	mysql_optionsv(my, MYSQL_OPT_CONNECT_TIMEOUT, &u);
	u = (unsigned int)p->read_timeout;
	mysql_optionsv(my, MYSQL_OPT_READ_TIMEOUT, &u);
	u = (unsigned int)p->write_timeout;
	mysql_optionsv(my, MYSQL_OPT_WRITE_TIMEOUT, &u);
	if (p->ssl_ca != NULL && *p->ssl_ca != '\0') {
		mysql_optionsv(my, MYSQL_OPT_SSL_CA, p->ssl_ca);
		mysql_optionsv(my, MYSQL_OPT_SSL_VERIFY_SERVER_CERT, &on);
	}
	if (p->multi_statements)
		flags |= CLIENT_MULTI_STATEMENTS;
	if (mysql_real_connect(my, p->host, p->user, p->password, p->name,
	    (unsigned int)p->port, p->socket != NULL && *p->socket != '\0' ?
	    p->socket : NULL, flags) == NULL) {
		log_warn("database: cannot connect to %s: %s",
		    p->socket != NULL && *p->socket != '\0' ? p->socket : p->host,
		    mysql_error(my));
		mysql_close(my);
		__atomic_fetch_add(&db->stats.errors, 1, __ATOMIC_RELAXED);
		db->last_fail_us = util_mono_us();
		return (HD_UNAVAILABLE);
	}
	db->my = my;
	if (db->ever_connected)
		__atomic_fetch_add(&db->stats.reconnects, 1, __ATOMIC_RELAXED);
	db->ever_connected = true;
	db->last_fail_us = 0;
	return (HD_OK);
}

/* Make sure there is a connection; fail fast for a while after a failure. */
static enum hd_result
db_ensure(struct db *db)
{
	if (db->my != NULL)
		return (HD_OK);
	if (db->last_fail_us != 0 &&
	    util_mono_us() - db->last_fail_us < DB_RETRY_DELAY_US)
		return (HD_UNAVAILABLE);
	return (db_connect(db));
}

enum hd_result
db_ping(struct db *db)
{
	enum hd_result	res;

	if ((res = db_ensure(db)) != HD_OK)
		return (res);
	if (mysql_ping(db->my) != 0) {
		res = db_error(db, mysql_errno(db->my), mysql_error(db->my), "ping");
		if (res == HD_UNAVAILABLE && db_connect(db) == HD_OK)
			return (HD_OK);
		return (HD_UNAVAILABLE);
	}
	return (HD_OK);
}

/* The cached statement for id, prepared on first use. */
static MYSQL_STMT *
db_stmt_get(struct db *db, enum db_stmt_id id, enum hd_result *res)
{
	MYSQL_STMT	*stmt;
	const char	*sql = db_stmt_sql(id);
	my_bool		 on = 1;

	if (db->stmts[id] != NULL)
		return (db->stmts[id]);
	if ((stmt = mysql_stmt_init(db->my)) == NULL)
		fatalx("mysql_stmt_init: out of memory");
	if (mysql_stmt_prepare(stmt, sql, strlen(sql)) != 0) {
		*res = db_error(db, mysql_stmt_errno(stmt), mysql_stmt_error(stmt),
		    "prepare");
		log_err("database: could not prepare statement %d", (int)id);
		mysql_stmt_close(stmt);
		return (NULL);
	}
	mysql_stmt_attr_set(stmt, STMT_ATTR_UPDATE_MAX_LENGTH, &on);
	db->stmts[id] = stmt;
	return (stmt);
}

/* Bind the parameters described by fmt; returns -1 on a bad fmt (a bug). */
static int
db_bind_params(MYSQL_BIND *bind, int64_t *ints, my_bool *nulls,
    unsigned long *lens, const char *fmt, va_list ap)
{
	unsigned	 n = 0;
	const char	*f;

	for (f = fmt; *f != '\0'; f++, n++) {
		MYSQL_BIND *b = &bind[n];

		if (n >= DB_MAX_PARAMS)
			return (-1);
		memset(b, 0, sizeof(*b));
		switch (*f) {
		case 'i':
			ints[n] = va_arg(ap, int64_t);
			b->buffer_type = MYSQL_TYPE_LONGLONG;
			b->buffer = &ints[n];
			break;
		case 'I': {
			const int64_t *v = va_arg(ap, const int64_t *);

			b->buffer_type = MYSQL_TYPE_LONGLONG;
			if (v == NULL) {
				nulls[n] = 1;
				b->is_null = &nulls[n];
			} else {
				ints[n] = *v;
				b->buffer = &ints[n];
			}
			break;
		}
		case 's': {
			const char *s = va_arg(ap, const char *);

			b->buffer_type = MYSQL_TYPE_STRING;
			if (s == NULL) {
				nulls[n] = 1;
				b->is_null = &nulls[n];
			} else {
				b->buffer = (void *)(uintptr_t)s;
				lens[n] = strlen(s);
				b->buffer_length = lens[n];
				b->length = &lens[n];
			}
			break;
		}
		case 'b': {
			const void *v = va_arg(ap, const void *);

			lens[n] = (unsigned long)va_arg(ap, size_t);
			b->buffer_type = MYSQL_TYPE_BLOB;
			b->buffer = (void *)(uintptr_t)(v == NULL ? "" : v);
			b->buffer_length = lens[n];
			b->length = &lens[n];
			break;
		}
		default:
			return (-1);
		}
	}
	return ((int)n);
}

/* Buffer the whole result and bind every column as text. */
static enum hd_result
db_res_fetch_all(struct db *db, MYSQL_STMT *stmt, MYSQL_RES *meta,
    struct db_res **out)
{
	struct db_res	*r;
	MYSQL_FIELD	*fields;
	unsigned	 i;
	size_t		 size;

	if (mysql_stmt_store_result(stmt) != 0)
		return (db_error(db, mysql_stmt_errno(stmt), mysql_stmt_error(stmt),
		    "store result"));
	r = xcalloc(1, sizeof(*r));
	r->stmt = stmt;
	r->ncols = mysql_num_fields(meta);
	r->rows = (size_t)mysql_stmt_num_rows(stmt);
	fields = mysql_fetch_fields(meta);
	r->bind = xcalloc(r->ncols, sizeof(*r->bind));
	r->buf = xcalloc(r->ncols, sizeof(*r->buf));
	r->len = xcalloc(r->ncols, sizeof(*r->len));
	r->isnull = xcalloc(r->ncols, sizeof(*r->isnull));
	for (i = 0; i < r->ncols; i++) {
		/* Numbers and dates have no max_length from the server: 64 fits them. */
		size = fields[i].max_length > 64 ? fields[i].max_length : 64;
		r->buf[i] = xmalloc(size + 1);
		r->bind[i].buffer_type = MYSQL_TYPE_STRING;
		r->bind[i].buffer = r->buf[i];
		r->bind[i].buffer_length = size;
		r->bind[i].length = &r->len[i];
		r->bind[i].is_null = &r->isnull[i];
	}
	if (mysql_stmt_bind_result(stmt, r->bind) != 0) {
		db_res_free(r);
		return (db_error(db, mysql_stmt_errno(stmt), mysql_stmt_error(stmt),
		    "bind result"));
	}
	*out = r;
	return (HD_OK);
}

/* One attempt at running a statement. */
static enum hd_result
db_exec_once(struct db *db, enum db_stmt_id id, struct db_res **res,
    const char *fmt, va_list ap)
{
	MYSQL_STMT	*stmt;
	MYSQL_RES	*meta;
	MYSQL_BIND	 bind[DB_MAX_PARAMS];
	int64_t		 ints[DB_MAX_PARAMS];
	my_bool		 nulls[DB_MAX_PARAMS];
	unsigned long	 lens[DB_MAX_PARAMS];
	enum hd_result	 rc = HD_INTERNAL;
	int		 n;

	if ((rc = db_ensure(db)) != HD_OK)
		return (rc);
	if ((stmt = db_stmt_get(db, id, &rc)) == NULL)
		return (rc);
	memset(nulls, 0, sizeof(nulls));
	if ((n = db_bind_params(bind, ints, nulls, lens, fmt, ap)) < 0 ||
	    (unsigned long)n != mysql_stmt_param_count(stmt))
		fatalx("database: statement %d: parameters \"%s\" do not match",
		    (int)id, fmt);
	if (n > 0 && mysql_stmt_bind_param(stmt, bind) != 0)
		return (db_error(db, mysql_stmt_errno(stmt), mysql_stmt_error(stmt),
		    "bind"));
	if (mysql_stmt_execute(stmt) != 0)
		return (db_error(db, mysql_stmt_errno(stmt), mysql_stmt_error(stmt),
		    "execute"));
	if ((meta = mysql_stmt_result_metadata(stmt)) == NULL)
		return (HD_OK);
	if (res == NULL) {
		mysql_free_result(meta);
		mysql_stmt_free_result(stmt);
		return (HD_OK);
	}
	rc = db_res_fetch_all(db, stmt, meta, res);
	mysql_free_result(meta);
	return (rc);
}

enum hd_result
db_exec(struct db *db, enum db_stmt_id id, struct db_res **res,
    const char *fmt, ...)
{
	va_list		ap;
	enum hd_result	rc;
	bool		was_connected = db->my != NULL;
	bool		in_txn = db->in_txn;	/* a lost connection clears it */
	const char	*sql = db_stmt_sql(id);

	if (res != NULL)
		*res = NULL;
	if (db->txn_lost)
		return (HD_UNAVAILABLE);
	va_start(ap, fmt);
	rc = db_exec_once(db, id, res, fmt, ap);
	va_end(ap);
	/*
	 * A read outside a transaction is safe to run again on a new
	 * connection: the server restarted since the last request. A write
	 * is not, its outcome is unknown, so the caller answers 503.
	 */
	if (rc == HD_UNAVAILABLE && was_connected && !in_txn &&
	    strncmp(sql, "SELECT", 6) == 0) {
		db->last_fail_us = 0;
		va_start(ap, fmt);
		rc = db_exec_once(db, id, res, fmt, ap);
		va_end(ap);
	}
	return (rc);
}

uint64_t
db_affected_rows(struct db *db)
{
	return (db->my == NULL ? 0 : (uint64_t)mysql_affected_rows(db->my));
}

uint64_t
db_insert_id(struct db *db)
{
	return (db->my == NULL ? 0 : (uint64_t)mysql_insert_id(db->my));
}

enum hd_result
db_begin(struct db *db)
{
	enum hd_result	rc;

	db->txn_lost = false;
	if ((rc = db_ensure(db)) != HD_OK)
		return (rc);
	/* A connection idle since the server restarted fails here, harmlessly. */
	if (mysql_query(db->my, "START TRANSACTION") != 0) {
		rc = db_error(db, mysql_errno(db->my), mysql_error(db->my), "begin");
		if (rc != HD_UNAVAILABLE)
			return (rc);
		db->last_fail_us = 0;
		if ((rc = db_ensure(db)) != HD_OK)
			return (rc);
		if (mysql_query(db->my, "START TRANSACTION") != 0)
			return (db_error(db, mysql_errno(db->my),
			    mysql_error(db->my), "begin"));
	}
	db->in_txn = true;
	return (HD_OK);
}

enum hd_result
db_commit(struct db *db)
{
	if (db->txn_lost || db->my == NULL) {
		db->txn_lost = false;
		db->in_txn = false;
		return (HD_UNAVAILABLE);
	}
	db->in_txn = false;
	if (mysql_commit(db->my) != 0)
		return (db_error(db, mysql_errno(db->my), mysql_error(db->my),
		    "commit"));
	return (HD_OK);
}

void
db_rollback(struct db *db)
{
	db->txn_lost = false;
	if (db->my == NULL || !db->in_txn)
		return;
	db->in_txn = false;
	if (mysql_rollback(db->my) != 0)
		(void)db_error(db, mysql_errno(db->my), mysql_error(db->my),
		    "rollback");
}

bool
db_in_transaction(struct db *db)
{
	return (db->in_txn);
}

bool
db_res_next(struct db_res *r)
{
	int	rc;

	if (r == NULL)
		return (false);
	rc = mysql_stmt_fetch(r->stmt);
	if (rc == 0)
		goto ok;
	if (rc == MYSQL_DATA_TRUNCATED) {
		/* max_length was too small (cannot happen for stored results). */
		log_err("database: truncated column in a result");
		goto ok;
	}
	return (false);
ok:
	for (unsigned i = 0; i < r->ncols; i++) {
		if (!r->isnull[i])
			r->buf[i][r->len[i] < r->bind[i].buffer_length ?
			    r->len[i] : r->bind[i].buffer_length] = '\0';
	}
	return (true);
}

size_t
db_res_count(const struct db_res *r)
{
	return (r == NULL ? 0 : r->rows);
}

bool
db_res_null(const struct db_res *r, unsigned col)
{
	return (col >= r->ncols || r->isnull[col]);
}

const char *
db_res_str(const struct db_res *r, unsigned col)
{
	if (db_res_null(r, col))
		return (NULL);
	return (r->buf[col]);
}

size_t
db_res_len(const struct db_res *r, unsigned col)
{
	if (db_res_null(r, col))
		return (0);
	return (r->len[col]);
}

int64_t
db_res_int(const struct db_res *r, unsigned col)
{
	if (db_res_null(r, col))
		return (0);
	return (strtoll(r->buf[col], NULL, 10));
}

void
db_res_free(struct db_res *r)
{
	unsigned	i;

	if (r == NULL)
		return;
	mysql_stmt_free_result(r->stmt);
	for (i = 0; i < r->ncols; i++)
		free(r->buf[i]);
	free(r->buf);
	free(r->bind);
	free(r->len);
	free(r->isnull);
	free(r);
}

void
db_get_stats(const struct db *db, struct db_stats *st)
{
	/* Read from the metrics thread while the owner counts: atomics. */
	st->errors = __atomic_load_n(&db->stats.errors, __ATOMIC_RELAXED);
	st->reconnects = __atomic_load_n(&db->stats.reconnects, __ATOMIC_RELAXED);
}

unsigned long
db_thread_id(struct db *db)
{
	return (db->my == NULL ? 0 : mysql_thread_id(db->my));
}
