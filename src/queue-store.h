/*
 * Queues (the axes) and the small reference lists (priorities, states,
 * offices, agents) in MariaDB.
 */
#ifndef QUEUE_STORE_H
#define QUEUE_STORE_H

#include <stdbool.h>
#include <stdint.h>

#include "helpdesk.h"
#include "db-stmt.h"

struct db;
struct cJSON;

struct queue_row {
	int64_t		 id;
	char		*code;
	char		*name;
	char		*description;
	bool		 active;
	int64_t		 counts[6];	/* by state type (enum ticket_state_type) */
};

struct queue_list {
	struct queue_row	*items;
	size_t			 n;
};

/* The queues in display order; inactive ones too if asked; counts if asked. */
enum hd_result	queue_store_list(struct db *, bool, bool, struct queue_list *);
void		queue_list_free(struct queue_list *);
/* One queue by code into *q (caller frees with queue_row_clear); HD_NOTFOUND. */
enum hd_result	queue_store_get(struct db *, const char *, struct queue_row *);
void		queue_row_clear(struct queue_row *);
/* A new queue, placed last; HD_CONFLICT when the code or name exists. */
enum hd_result	queue_store_create(struct db *, const char *, const char *,
		    const char *);
/*
 * Rename, describe, (de)activate: NULL leaves a field as it is.
 * HD_NOTFOUND, HD_CONFLICT (the name exists).
 */
enum hd_result	queue_store_update(struct db *, const char *, const char *,
		    const char *, const int64_t *);
/*
 * A two-column reference list (STMT_PRIORITY_LIST, STMT_STATE_LIST,
 * STMT_ORGANISATION_LIST, STMT_AGENT_LIST) as a JSON array of objects
 * {k1: column 0, k2: column 1}; column 0 is a number when k1_int.
 */
enum hd_result	queue_store_pairs(struct db *, enum db_stmt_id, const char *,
		    bool, const char *, struct cJSON **);

#endif
