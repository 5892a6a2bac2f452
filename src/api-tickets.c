/*
 * /api/v1/tickets: list and search, create (with Idempotency-Key), zoom,
 * change (with If-Match), add an article, history. Each handler checks
 * its input with ticket.c, asks ticket-store.c and replies once.
 */
#include "helpdesk.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "api.h"
#include "conf.h"
#include "db.h"
#include "log.h"
#include "reply.h"
#include "request.h"
#include "router.h"
#include "sha256.h"
#include "ticket-json.h"
#include "ticket-store.h"
#include "ticket.h"
#include "user.h"
#include "util.h"
#include "worker.h"

#define TICKETS_PER_PAGE	25
#define TICKETS_PER_PAGE_MAX	100
#define TICKETS_SEARCH_MAX	200	/* code points of q */

static void
api_tickets_actor(struct hd_req *r, struct ticket_actor *a)
{
	ticket_actor_init(a, r->user, cfg.tickets_organisation_visibility);
}

/*
 * A ticket that is absent or hidden: one answer for both (R-AC-2), and a
 * log line, so that someone walking through numbers shows in the log.
 */
static void
api_tickets_not_found(struct hd_req *r, const char *tn)
{
	cJSON	*ev = cJSON_CreateObject();

	cJSON_AddStringToObject(ev, "event", "ticket.not_found");
	cJSON_AddStringToObject(ev, "req_id", r->id);
	cJSON_AddStringToObject(ev, "user", r->user->login);
	cJSON_AddStringToObject(ev, "number", tn);
	log_event(LOG_INFO, ev);
	reply_error(r, 404, "not_found", "No such ticket.");
}

/* Reply to a store result other than HD_OK, with the store's reason if any. */
static void
api_tickets_fail(struct hd_req *r, enum hd_result res, const char *why,
    const char *tn)
{
	if (res == HD_NOTFOUND && tn != NULL)
		api_tickets_not_found(r, tn);
	else
		reply_result(r, res, why);
}

static void
api_tickets_etag(struct hd_req *r, int64_t version)
{
	char	etag[32];

	snprintf(etag, sizeof(etag), "\"%lld\"", (long long)version);
	reply_header(r, "ETag", etag);
}

/* Reply with the zoom of a ticket (after a change, or for GET). */
static void
api_tickets_reply_ticket(struct hd_req *r, int status, const char *tn,
    bool zoom)
{
	struct ticket_actor	 a;
	struct ticket_row	*t = NULL;
	enum hd_result		 res;
	cJSON			*o;

	api_tickets_actor(r, &a);
	if ((res = ticket_store_get(r->w->db, &a, tn, zoom, &t)) != HD_OK) {
		api_tickets_fail(r, res, NULL, tn);
		return;
	}
	o = cJSON_CreateObject();
	cJSON_AddItemToObject(o, "ticket", ticket_json(t, zoom));
	api_tickets_etag(r, t->version);
	ticket_row_free(t);
	reply_json(r, status, o);
}

/* A decimal query parameter within bounds; -1 after replying 400. */
static int
api_tickets_query_int(struct hd_req *r, const char *name, long long min,
    long long max, int64_t *out)
{
	const char	*v = request_query(r, name), *errstr;
	long long	 n;

	if (v == NULL)
		return (0);
	if (util_strtonum(v, min, max, &n, &errstr) != 0) {
		reply_error(r, 400, "bad_request", "%s must be a number from %lld "
		    "to %lld.", name, min, max);
		return (-1);
	}
	*out = n;
	return (1);
}

/* Which of the allowed words a query parameter is; -1 after replying 400. */
static int
api_tickets_query_enum(struct hd_req *r, const char *name,
    const char *const *words, int def)
{
	const char	*v = request_query(r, name);
	int		 i;

	if (v == NULL)
		return (def);
	for (i = 0; words[i] != NULL; i++) {
		if (strcmp(v, words[i]) == 0)
			return (i);
	}
	reply_error(r, 400, "bad_request", "%s has an unknown value.", name);
	return (-1);
}

void
api_tickets_list(struct hd_req *r)
{
	static const char *const allowed[] = { "state", "queue", "priority", "q",
	    "owner", "organisation", "customer", "sort", "order", "page",
	    "per_page", NULL };
	static const char *const states[] = { "open", "closed", "all", NULL };
	static const char *const owners[] = { "any", "me", "nobody", NULL };
	static const char *const sorts[] = { "number", "created", "changed",
	    "priority", "title", "state", NULL };
	static const char *const orders[] = { "asc", "desc", NULL };
	struct ticket_actor	 a;
	struct ticket_filter	 f;
	struct ticket_list	 l;
	enum hd_result		 res;
	const char		*bad, *why, *v;
	int64_t			 n;
	int			 st, ow, so, od;
	size_t			 i;
	cJSON			*o, *arr, *counts;

	if (request_query_allowed(r, allowed, &bad) != 0) {
		reply_error(r, 400, "bad_request", "Unknown parameter %.64s.", bad);
		return;
	}
	memset(&f, 0, sizeof(f));
	if ((st = api_tickets_query_enum(r, "state", states, 0)) < 0 ||
	    (ow = api_tickets_query_enum(r, "owner", owners, 0)) < 0 ||
	    (so = api_tickets_query_enum(r, "sort", sorts, 2)) < 0 ||
	    (od = api_tickets_query_enum(r, "order", orders, 1)) < 0)
		return;
	f.include_open = st != 1;
	f.include_closed = st != 0;
	f.owner = (enum ticket_owner_filter)ow;
	f.sort = (enum ticket_sort)so;
	f.desc = od == 1;
	f.page = 1;
	f.per_page = TICKETS_PER_PAGE;
	if (api_tickets_query_int(r, "priority", 1, 5, &n) < 0)
		return;
	f.priority = request_query(r, "priority") != NULL ? (int)n : 0;
	if (api_tickets_query_int(r, "organisation", 1, INT32_MAX,
	    &f.organisation_id) < 0 ||
	    api_tickets_query_int(r, "page", 1, 1000000, &f.page) < 0 ||
	    api_tickets_query_int(r, "per_page", 1, TICKETS_PER_PAGE_MAX,
	    &f.per_page) < 0)
		return;
	if ((v = request_query(r, "queue")) != NULL) {
		if (*v == '\0' || strlen(v) > QUEUE_CODE_MAX) {
			reply_error(r, 400, "bad_request", "Unknown queue.");
			return;
		}
		f.queue = v;
	}
	if ((v = request_query(r, "customer")) != NULL) {
		if (*v == '\0' || strlen(v) > 190) {
			reply_error(r, 400, "bad_request", "customer must be a login.");
			return;
		}
		f.customer = v;
	}
	if ((v = request_query(r, "q")) != NULL && *v != '\0') {
		if (util_utf8_count(v, strlen(v)) > TICKETS_SEARCH_MAX) {
			reply_error(r, 400, "bad_request", "q must have at most %d "
			    "characters.", TICKETS_SEARCH_MAX);
			return;
		}
		f.q = v;
	}
	api_tickets_actor(r, &a);
	if ((res = ticket_store_list(r->w->db, &a, &f, &l, &why)) != HD_OK) {
		reply_result(r, res, why);
		return;
	}
	o = cJSON_CreateObject();
	arr = cJSON_AddArrayToObject(o, "tickets");
	for (i = 0; i < l.n; i++)
		cJSON_AddItemToArray(arr, ticket_json(&l.items[i], false));
	cJSON_AddNumberToObject(o, "total", (double)l.total);
	cJSON_AddNumberToObject(o, "page", (double)f.page);
	cJSON_AddNumberToObject(o, "per_page", (double)f.per_page);
	counts = cJSON_AddObjectToObject(o, "counts");
	cJSON_AddNumberToObject(counts, "open", (double)l.open);
	cJSON_AddNumberToObject(counts, "closed", (double)l.closed);
	ticket_list_free(&l);
	reply_json(r, 200, o);
}

/*
 * Read the Idempotency-Key header (quotes of a structured-field string
 * allowed) and hash the request it comes with: method, path and the body
 * as parsed (so that white space does not matter). 0 without a key, 1
 * with one, -1 after replying 400.
 */
static int
api_tickets_idempotency(struct hd_req *r, const cJSON *body,
    struct idempotency *idem, char *keybuf, size_t keylen)
{
	const char	*v = request_header(r, "Idempotency-Key");
	struct sha256	 c;
	char		*canon;
	size_t		 n;

	if (v == NULL)
		return (0);
	n = strlen(v);
	if (n >= 2 && v[0] == '"' && v[n - 1] == '"') {
		v++;
		n -= 2;
	}
	if (n == 0 || n >= keylen) {
		reply_error(r, 400, "bad_request", "Idempotency-Key must have 1 to "
		    "%d visible ASCII characters.", IDEMPOTENCY_KEY_MAX);
		return (-1);
	}
	memcpy(keybuf, v, n);
	keybuf[n] = '\0';
	if (!ticket_idempotency_key_ok(keybuf)) {
		reply_error(r, 400, "bad_request", "Idempotency-Key must have 1 to "
		    "%d visible ASCII characters.", IDEMPOTENCY_KEY_MAX);
		return (-1);
	}
	canon = cJSON_PrintUnformatted(body);
	sha256_init(&c);
	sha256_update(&c, r->method_name, strlen(r->method_name));
	sha256_update(&c, " ", 1);
	sha256_update(&c, r->path, strlen(r->path));
	sha256_update(&c, "\n", 1);
	if (canon != NULL)
		sha256_update(&c, canon, strlen(canon));
	sha256_final(&c, idem->hash);
	cJSON_free(canon);
	idem->key = keybuf;
	return (1);
}

void
api_tickets_create(struct hd_req *r)
{
	struct ticket_new_input	 in;
	struct ticket_create	 c;
	struct ticket_actor	 a;
	struct idempotency	 idem;
	enum hd_result		 res;
	char			 err[256], key[IDEMPOTENCY_KEY_MAX + 1];
	char			 tn[TICKET_NUMBER_SIZE], location[64];
	const char		*why;
	bool			 replayed;
	int			 has_key;
	cJSON			*body;

	if ((body = request_json(r)) == NULL)
		return;
	if (ticket_parse_new(body, (size_t)cfg.tickets_max_article_size, &in,
	    &res, err, sizeof(err)) != 0) {
		reply_result(r, res, err);
		goto out;
	}
	if ((has_key = api_tickets_idempotency(r, body, &idem, key,
	    sizeof(key))) < 0)
		goto out;
	memset(&c, 0, sizeof(c));
	c.title = in.title;
	c.queue = in.queue;
	c.priority = in.priority;
	c.body = in.body;
	c.requester = in.requester;
	c.uploads = in.uploads;
	c.nuploads = in.nuploads;
	api_tickets_actor(r, &a);
	res = ticket_store_create(r->w->db, &a, &c, has_key ? &idem : NULL, tn,
	    &replayed, &why);
	if (res != HD_OK) {
		reply_result(r, res, why);
		goto out;
	}
	snprintf(location, sizeof(location), "/api/v1/tickets/%s", tn);
	reply_header(r, "Location", location);
	if (replayed)
		reply_header(r, "Idempotent-Replayed", "true");
	api_tickets_reply_ticket(r, 201, tn, true);
out:
	cJSON_Delete(body);
}

void
api_tickets_get(struct hd_req *r)
{
	api_tickets_reply_ticket(r, 200, r->params[0], true);
}

void
api_tickets_patch(struct hd_req *r)
{
	struct ticket_patch_input	 in;
	struct ticket_actor		 a;
	enum hd_result			 res;
	const char			*why, *im;
	char				 err[256];
	int64_t				 if_match = -1;
	int				 rc;
	cJSON				*body;

	if ((body = request_json(r)) == NULL)
		return;
	if (ticket_parse_patch(body, &in, &res, err, sizeof(err)) != 0) {
		reply_error(r, 400, "bad_request", "%s", err);
		goto out;
	}
	if ((im = request_header(r, "If-Match")) != NULL) {
		if ((rc = ticket_parse_if_match(im, &if_match)) < 0) {
			reply_error(r, 400, "bad_request",
			    "If-Match must be the ETag of the ticket.");
			goto out;
		}
		if (rc == 1)
			if_match = -1;
	}
	api_tickets_actor(r, &a);
	res = ticket_store_patch(r->w->db, &a, r->params[0], &in, if_match, &why);
	if (res != HD_OK) {
		api_tickets_fail(r, res, why, r->params[0]);
		goto out;
	}
	api_tickets_reply_ticket(r, 200, r->params[0], false);
out:
	cJSON_Delete(body);
}

void
api_tickets_add_article(struct hd_req *r)
{
	struct article_input	 in;
	struct article_create	 c;
	struct ticket_actor	 a;
	struct ticket_row	*t = NULL;
	const struct article_row *ar;
	struct idempotency	 idem;
	enum hd_result		 res;
	char			 err[256], key[IDEMPOTENCY_KEY_MAX + 1];
	const char		*why;
	int64_t			 article_id;
	bool			 replayed;
	int			 has_key;
	cJSON			*body, *o;

	if ((body = request_json(r)) == NULL)
		return;
	if (ticket_parse_article(body, (size_t)cfg.tickets_max_article_size, &in,
	    &res, err, sizeof(err)) != 0) {
		reply_result(r, res, err);
		goto out;
	}
	if ((has_key = api_tickets_idempotency(r, body, &idem, key,
	    sizeof(key))) < 0)
		goto out;
	memset(&c, 0, sizeof(c));
	c.body = in.body;
	c.internal = in.internal;
	c.uploads = in.uploads;
	c.nuploads = in.nuploads;
	api_tickets_actor(r, &a);
	res = ticket_store_add_article(r->w->db, &a, r->params[0], &c,
	    has_key ? &idem : NULL, &article_id, &replayed, &why);
	if (res != HD_OK) {
		api_tickets_fail(r, res, why, r->params[0]);
		goto out;
	}
	if ((res = ticket_store_get(r->w->db, &a, r->params[0], true, &t)) !=
	    HD_OK) {
		api_tickets_fail(r, res, NULL, r->params[0]);
		goto out;
	}
	if ((ar = ticket_row_article(t, article_id)) == NULL) {
		reply_result(r, HD_INTERNAL, NULL);
		goto out;
	}
	o = cJSON_CreateObject();
	cJSON_AddItemToObject(o, "article", ticket_json_article(ar));
	cJSON_AddItemToObject(o, "ticket", ticket_json(t, false));
	api_tickets_etag(r, t->version);
	if (replayed)
		reply_header(r, "Idempotent-Replayed", "true");
	reply_json(r, 201, o);
out:
	ticket_row_free(t);
	cJSON_Delete(body);
}

void
api_tickets_history(struct hd_req *r)
{
	struct ticket_actor	 a;
	struct history_list	 h;
	enum hd_result		 res;
	cJSON			*o;

	api_tickets_actor(r, &a);
	if ((res = ticket_store_history(r->w->db, &a, r->params[0], &h)) !=
	    HD_OK) {
		api_tickets_fail(r, res, NULL, r->params[0]);
		return;
	}
	o = cJSON_CreateObject();
	cJSON_AddItemToObject(o, "history", ticket_json_history(&h));
	history_list_free(&h);
	reply_json(r, 200, o);
}
