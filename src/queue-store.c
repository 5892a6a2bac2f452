/*
 * Queues and reference lists: the SQL behind /queues, /priorities,
 * /states, /organisations and /agents.
 */
#include "helpdesk.h"

#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "db.h"
#include "queue-store.h"
#include "ticket.h"
#include "xmalloc.h"

static char *
queue_dup(const char *s)
{
	return (xstrdup(s != NULL ? s : ""));
}

static void
queue_fill(struct queue_row *q, struct db_res *r)
{
	memset(q, 0, sizeof(*q));
	q->id = db_res_int(r, 0);
	q->code = queue_dup(db_res_str(r, 1));
	q->name = queue_dup(db_res_str(r, 2));
	q->description = queue_dup(db_res_str(r, 3));
	q->active = db_res_int(r, 4) != 0;
}

void
queue_row_clear(struct queue_row *q)
{
	free(q->code);
	free(q->name);
	free(q->description);
	memset(q, 0, sizeof(*q));
}

void
queue_list_free(struct queue_list *l)
{
	size_t	i;

	for (i = 0; i < l->n; i++)
		queue_row_clear(&l->items[i]);
	free(l->items);
	memset(l, 0, sizeof(*l));
}

enum hd_result
queue_store_list(struct db *db, bool all, bool counts, struct queue_list *out)
{
	struct db_res	*r = NULL;
	enum hd_result	 res;
	size_t		 i, n;

	memset(out, 0, sizeof(*out));
	if ((res = db_exec(db, STMT_QUEUE_LIST, &r, "i", (int64_t)all)) != HD_OK)
		return (res);
	n = db_res_count(r);
	out->items = xcalloc(n + 1, sizeof(*out->items));
	for (i = 0; i < n && db_res_next(r); i++)
		queue_fill(&out->items[i], r);
	out->n = i;
	db_res_free(r);
	if (!counts)
		return (HD_OK);
	if ((res = db_exec(db, STMT_QUEUE_COUNTS, &r, "")) != HD_OK) {
		queue_list_free(out);
		return (res);
	}
	while (db_res_next(r)) {
		int64_t qid = db_res_int(r, 0);
		const struct ticket_state *s = ticket_state_by_id(
		    (int)db_res_int(r, 1));

		for (i = 0; s != NULL && i < out->n; i++) {
			if (out->items[i].id == qid)
				out->items[i].counts[s->type] += db_res_int(r, 2);
		}
	}
	db_res_free(r);
	return (HD_OK);
}

enum hd_result
queue_store_get(struct db *db, const char *code, struct queue_row *q)
{
	struct db_res	*r = NULL;
	enum hd_result	 res;

	memset(q, 0, sizeof(*q));
	if (!ticket_queue_code_ok(code))
		return (HD_NOTFOUND);
	if ((res = db_exec(db, STMT_QUEUE_BY_CODE, &r, "s", code)) != HD_OK)
		return (res);
	if (!db_res_next(r)) {
		db_res_free(r);
		return (HD_NOTFOUND);
	}
	queue_fill(q, r);
	db_res_free(r);
	return (HD_OK);
}

enum hd_result
queue_store_create(struct db *db, const char *code, const char *name,
    const char *description)
{
	return (db_exec(db, STMT_QUEUE_INSERT, NULL, "sss", code, name,
	    description != NULL ? description : ""));
}

enum hd_result
queue_store_update(struct db *db, const char *code, const char *name,
    const char *description, const int64_t *active)
{
	struct queue_row	q;
	enum hd_result		res;

	if ((res = queue_store_get(db, code, &q)) != HD_OK)
		return (res);
	queue_row_clear(&q);
	return (db_exec(db, STMT_QUEUE_UPDATE, NULL, "ssIs", name, description,
	    active, code));
}

enum hd_result
queue_store_pairs(struct db *db, enum db_stmt_id id, const char *k1,
    bool k1_int, const char *k2, cJSON **out)
{
	struct db_res	*r = NULL;
	enum hd_result	 res;
	cJSON		*arr, *o;
	const char	*v;

	*out = NULL;
	if ((res = db_exec(db, id, &r, "")) != HD_OK)
		return (res);
	arr = cJSON_CreateArray();
	while (db_res_next(r)) {
		o = cJSON_CreateObject();
		if (k1_int)
			cJSON_AddNumberToObject(o, k1, (double)db_res_int(r, 0));
		else
			cJSON_AddStringToObject(o, k1, (v = db_res_str(r, 0)) != NULL ?
			    v : "");
		cJSON_AddStringToObject(o, k2, (v = db_res_str(r, 1)) != NULL ?
		    v : "");
		cJSON_AddItemToArray(arr, o);
	}
	db_res_free(r);
	*out = arr;
	return (HD_OK);
}
