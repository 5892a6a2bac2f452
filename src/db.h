/*
 * One MariaDB connection per worker thread, with its prepared statements
 * cached by id (db-stmt.c). The only module that calls libmariadb apart
 * from the migration runner.
 *
 * Ownership: a struct db belongs to one thread. A struct db_res returned by
 * db_exec belongs to the caller (db_res_free) and must be freed before the
 * same statement id runs again; its strings are borrowed from it.
 */
#ifndef DB_H
#define DB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "helpdesk.h"
#include "db-stmt.h"

struct db;
struct db_res;

/* Connection parameters; strings are borrowed from the configuration. */
struct db_params {
	const char	*host;
	int		 port;
	const char	*socket;
	const char	*name;
	const char	*user;
	const char	*password;
	const char	*ssl_ca;
	int		 connect_timeout;
	int		 read_timeout;
	int		 write_timeout;
	bool		 multi_statements;	/* migrations only */
};

/* Fill p from cfg (the daemon's account). */
void		 db_params_from_conf(struct db_params *);
/* A handle, not yet connected: the first use connects. */
struct db	*db_create(const struct db_params *);
void		 db_free(struct db *);
/* Connect now (or again); HD_OK or HD_UNAVAILABLE. */
enum hd_result	 db_connect(struct db *);
/* A round trip to the server, reconnecting if needed. */
enum hd_result	 db_ping(struct db *);

/*
 * Run statement id. fmt describes the parameters, one letter each:
 *   i  int64_t           I  const int64_t * (NULL gives SQL NULL)
 *   s  const char *      (NULL gives SQL NULL)
 *   b  const void *, size_t (a blob)
 * When res is not NULL and the statement returns rows, *res receives them.
 * Returns HD_OK, HD_CONFLICT (duplicate key), HD_RETRY (deadlock or lock
 * timeout: rerun the transaction), HD_INVALID (data refused by the server),
 * HD_UNAVAILABLE (the server went away) or HD_INTERNAL.
 */
enum hd_result	 db_exec(struct db *, enum db_stmt_id, struct db_res **,
		     const char *, ...);
/* One parameter of db_execv: type 'i' (i) or 's' (s; NULL gives SQL NULL). */
struct db_param {
	char		 type;
	int64_t		 i;
	const char	*s;
};
/* db_exec with the parameters in an array, for statements chosen at run time. */
enum hd_result	 db_execv(struct db *, enum db_stmt_id, struct db_res **,
		     const struct db_param *, size_t);
uint64_t	 db_affected_rows(struct db *);
uint64_t	 db_insert_id(struct db *);

enum hd_result	 db_begin(struct db *);
enum hd_result	 db_commit(struct db *);
/* Roll back if a transaction is open; safe on a broken connection. */
void		 db_rollback(struct db *);
bool		 db_in_transaction(struct db *);

/* Rows: db_res_next moves to the next row (false at the end). */
bool		 db_res_next(struct db_res *);
size_t		 db_res_count(const struct db_res *);
bool		 db_res_null(const struct db_res *, unsigned);
/* The column as text (NUL-terminated); NULL for SQL NULL. Borrowed. */
const char	*db_res_str(const struct db_res *, unsigned);
size_t		 db_res_len(const struct db_res *, unsigned);
int64_t		 db_res_int(const struct db_res *, unsigned);
void		 db_res_free(struct db_res *);

/* Counters for /metrics. */
struct db_stats {
	uint64_t	errors;
	uint64_t	reconnects;
};
void		 db_get_stats(const struct db *, struct db_stats *);
/* MariaDB's thread id of this connection, for tests that kill it. */
unsigned long	 db_thread_id(struct db *);

#endif
