/*
 * The ticket store: every SQL about tickets, articles, attachments,
 * history and idempotency keys, through db_exec and the statements of
 * db-stmt.c. The rules (who may do what, which state comes next) are
 * asked of ticket.c; this file only applies them inside transactions.
 *
 * A write is one transaction: the change, its history rows and, for
 * creations, the idempotency record and the ticket number. A deadlock or
 * lock timeout (HD_RETRY) runs the whole transaction again, a few times,
 * with a growing pause. The caller acknowledges only an HD_OK, which
 * comes after COMMIT returned.
 */
#include "helpdesk.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "attachment.h"
#include "conf.h"
#include "db.h"
#include "log.h"
#include "sha256.h"
#include "ticket-store.h"
#include "util.h"
#include "xmalloc.h"

#define STORE_RETRIES	5

/* The columns of TICKET_COLUMNS (db-stmt.c). */
enum ticket_col {
	TC_ID, TC_TN, TC_TITLE, TC_QCODE, TC_QNAME, TC_PRIORITY, TC_STATE,
	TC_CUSTOMER_ID, TC_CUSTOMER_LOGIN, TC_CUSTOMER_NAME, TC_ORG_ID,
	TC_ORG_NAME, TC_OWNER_LOGIN, TC_OWNER_NAME, TC_REQUESTER, TC_CREATED,
	TC_CHANGED, TC_FIRST_RESPONSE, TC_CLOSED, TC_VERSION
};

/* The columns of ARTICLE_COLUMNS. */
enum article_col {
	AC_ID, AC_SENDER, AC_LOGIN, AC_NAME, AC_INTERNAL, AC_BODY, AC_CREATED
};

/* The columns of STMT_TICKET_LOCK. */
enum lock_col {
	LC_ID, LC_STATE, LC_VERSION, LC_QUEUE, LC_PRIORITY, LC_OWNER, LC_TITLE,
	LC_CLOSED, LC_FIRST_RESPONSE, LC_CUSTOMER, LC_ORG
};

/* The locked row of a ticket being changed. */
struct locked_ticket {
	int64_t				 id;
	const struct ticket_state	*state;
	int64_t				 version;
	int64_t				 queue_id;
	int				 priority;
	int64_t				 owner_id;	/* 0 = nobody */
	char				*title;
	char				*closed;	/* NULL or "YYYY-MM-DD HH:MM:SS" */
	char				*first_response;
};

/* The visibility parameters of TICKET_VISIBLE, in order. */
#define VIS_FMT		"iiii"
#define VIS_ARGS(a)	(int64_t)ticket_actor_is_agent(a), (a)->user_id, \
			(int64_t)(a)->organisation_visibility, (a)->organisation_id

static char *
store_dup(const char *s)
{
	return (s == NULL ? NULL : xstrdup(s));
}

static void
store_time(char *dst, const char *s)
{
	snprintf(dst, STORE_TIME_SIZE, "%s", s != NULL ? s : "");
}

/* Now as MariaDB DATETIME text, in UTC: one instant for a whole change. */
static void
store_now(char out[20])
{
	time_t		t = (time_t)(util_now_us() / 1000000);
	struct tm	tm;

	gmtime_r(&t, &tm);
	strftime(out, 20, "%Y-%m-%d %H:%M:%S", &tm);
}

/* Wait before running a transaction again: 10, 20, 40 ms... plus jitter. */
static void
store_backoff(int attempt)
{
	uint32_t	jitter;

	util_random_bytes(&jitter, sizeof(jitter));
	usleep((useconds_t)((10000U << attempt) + jitter % 10000U));
}

/* End a failed attempt: roll back whatever is open. */
static enum hd_result
store_fail(struct db *db, enum hd_result res)
{
	db_rollback(db);
	return (res);
}

static void
store_fill_ticket(struct ticket_row *t, struct db_res *r)
{
	const char	*tn = db_res_str(r, TC_TN);

	t->id = db_res_int(r, TC_ID);
	snprintf(t->tn, sizeof(t->tn), "%s", tn != NULL ? tn : "");
	t->title = store_dup(db_res_str(r, TC_TITLE));
	t->queue_code = store_dup(db_res_str(r, TC_QCODE));
	t->queue_name = store_dup(db_res_str(r, TC_QNAME));
	t->priority = (int)db_res_int(r, TC_PRIORITY);
	t->state = ticket_state_by_id((int)db_res_int(r, TC_STATE));
	if (t->state == NULL)
		t->state = ticket_state_by_id(STATE_OPEN);
	t->customer_id = db_res_int(r, TC_CUSTOMER_ID);
	t->customer_login = store_dup(db_res_str(r, TC_CUSTOMER_LOGIN));
	t->customer_name = store_dup(db_res_str(r, TC_CUSTOMER_NAME));
	t->organisation_id = db_res_int(r, TC_ORG_ID);
	t->organisation_name = store_dup(db_res_str(r, TC_ORG_NAME));
	t->owner_login = store_dup(db_res_str(r, TC_OWNER_LOGIN));
	t->owner_name = store_dup(db_res_str(r, TC_OWNER_NAME));
	t->requester = store_dup(db_res_str(r, TC_REQUESTER));
	store_time(t->created, db_res_str(r, TC_CREATED));
	store_time(t->changed, db_res_str(r, TC_CHANGED));
	store_time(t->first_response, db_res_str(r, TC_FIRST_RESPONSE));
	store_time(t->closed, db_res_str(r, TC_CLOSED));
	t->version = db_res_int(r, TC_VERSION);
}

static void
store_free_ticket_fields(struct ticket_row *t)
{
	size_t	i;

	free(t->title);
	free(t->queue_code);
	free(t->queue_name);
	free(t->customer_login);
	free(t->customer_name);
	free(t->organisation_name);
	free(t->owner_login);
	free(t->owner_name);
	free(t->requester);
	for (i = 0; i < t->narticles; i++) {
		free(t->articles[i].author_login);
		free(t->articles[i].author_name);
		free(t->articles[i].body);
	}
	free(t->articles);
	for (i = 0; i < t->nattachments; i++) {
		free(t->attachments[i].filename);
		free(t->attachments[i].content_type);
	}
	free(t->attachments);
}

void
ticket_row_free(struct ticket_row *t)
{
	if (t == NULL)
		return;
	store_free_ticket_fields(t);
	free(t);
}

void
ticket_list_free(struct ticket_list *l)
{
	size_t	i;

	for (i = 0; i < l->n; i++)
		store_free_ticket_fields(&l->items[i]);
	free(l->items);
	memset(l, 0, sizeof(*l));
}

void
history_list_free(struct history_list *h)
{
	size_t	i;

	for (i = 0; i < h->n; i++) {
		free(h->items[i].type);
		free(h->items[i].actor_login);
		free(h->items[i].actor_name);
		free(h->items[i].old_value);
		free(h->items[i].new_value);
	}
	free(h->items);
	memset(h, 0, sizeof(*h));
}

const struct article_row *
ticket_row_article(const struct ticket_row *t, int64_t id)
{
	size_t	i;

	for (i = 0; i < t->narticles; i++) {
		if (t->articles[i].id == id)
			return (&t->articles[i]);
	}
	return (NULL);
}

/* The articles and attachments of a loaded ticket that the actor may see. */
static enum hd_result
store_load_articles(struct db *db, const struct ticket_actor *a,
    struct ticket_row *t)
{
	struct db_res	*r = NULL;
	enum hd_result	 res;
	size_t		 i, j, n;
	int64_t		 agent = ticket_actor_is_agent(a);

	if ((res = db_exec(db, STMT_ATTACHMENT_LIST, &r, "ii", t->id,
	    agent)) != HD_OK)
		return (res);
	n = db_res_count(r);
	t->attachments = xcalloc(n + 1, sizeof(*t->attachments));
	for (i = 0; i < n && db_res_next(r); i++) {
		struct attachment_row *at = &t->attachments[i];
		const char *sum = db_res_str(r, 5);

		at->id = db_res_int(r, 0);
		at->article_id = db_res_int(r, 1);
		at->filename = store_dup(db_res_str(r, 2));
		at->size = db_res_int(r, 3);
		at->content_type = store_dup(db_res_str(r, 4));
		snprintf(at->sha256, sizeof(at->sha256), "%s", sum != NULL ? sum : "");
	}
	t->nattachments = i;
	db_res_free(r);

	if ((res = db_exec(db, STMT_ARTICLE_LIST, &r, "ii", t->id,
	    agent)) != HD_OK)
		return (res);
	n = db_res_count(r);
	t->articles = xcalloc(n + 1, sizeof(*t->articles));
	for (i = 0; i < n && db_res_next(r); i++) {
		struct article_row *ar = &t->articles[i];
		const char *sender = db_res_str(r, AC_SENDER);

		ar->id = db_res_int(r, AC_ID);
		if (sender == NULL || ticket_sender_parse(sender, &ar->sender) != 0)
			ar->sender = SENDER_SYSTEM;
		ar->author_login = store_dup(db_res_str(r, AC_LOGIN));
		ar->author_name = store_dup(db_res_str(r, AC_NAME));
		ar->internal = db_res_int(r, AC_INTERNAL) != 0;
		ar->body = store_dup(db_res_str(r, AC_BODY));
		store_time(ar->created, db_res_str(r, AC_CREATED));
		/* The attachments of this article, in the order they came. */
		for (j = 0; j < t->nattachments; j++) {
			if (t->attachments[j].article_id != ar->id)
				continue;
			if (ar->attachments == NULL)
				ar->attachments = &t->attachments[j];
			ar->nattachments++;
		}
	}
	t->narticles = i;
	db_res_free(r);
	return (HD_OK);
}

enum hd_result
ticket_store_get(struct db *db, const struct ticket_actor *a, const char *tn,
    bool with_articles, struct ticket_row **out)
{
	struct db_res		*r = NULL;
	struct ticket_row	*t;
	enum hd_result		 res;

	*out = NULL;
	if (!ticket_number_wellformed(tn))
		return (HD_NOTFOUND);
	if ((res = db_exec(db, STMT_TICKET_GET, &r, "s" VIS_FMT, tn,
	    VIS_ARGS(a))) != HD_OK)
		return (res);
	if (!db_res_next(r)) {
		db_res_free(r);
		return (HD_NOTFOUND);
	}
	t = xcalloc(1, sizeof(*t));
	store_fill_ticket(t, r);
	db_res_free(r);
	/* The SQL decided; the model agrees or the ticket stays hidden. */
	if (!ticket_actor_sees(a, t->customer_id, t->organisation_id)) {
		log_err("tickets: %s: visibility rules disagree for user %lld",
		    tn, (long long)a->user_id);
		ticket_row_free(t);
		return (HD_NOTFOUND);
	}
	if (with_articles && (res = store_load_articles(db, a, t)) != HD_OK) {
		ticket_row_free(t);
		return (res);
	}
	*out = t;
	return (HD_OK);
}

/* A queue by code: id and whether it takes new tickets. HD_NOTFOUND if none. */
static enum hd_result
store_queue(struct db *db, const char *code, int64_t *id, bool *active)
{
	struct db_res	*r = NULL;
	enum hd_result	 res;

	/* Codes are ASCII: anything else is unknown (and never reaches SQL). */
	if (!ticket_queue_code_ok(code))
		return (HD_NOTFOUND);
	if ((res = db_exec(db, STMT_QUEUE_BY_CODE, &r, "s", code)) != HD_OK)
		return (res);
	if (!db_res_next(r)) {
		db_res_free(r);
		return (HD_NOTFOUND);
	}
	*id = db_res_int(r, 0);
	*active = db_res_int(r, 4) != 0;
	db_res_free(r);
	return (HD_OK);
}

/*
 * A user id by login (0 when unknown; column 0 of either statement);
 * agents only when agent is set.
 */
static enum hd_result
store_user_id(struct db *db, const char *login, bool agent, int64_t *id)
{
	struct db_res	*r = NULL;
	enum hd_result	 res;

	*id = 0;
	if ((res = db_exec(db, agent ? STMT_AGENT_BY_LOGIN : STMT_USER_BY_LOGIN,
	    &r, "s", login)) != HD_OK)
		return (res);
	if (db_res_next(r))
		*id = db_res_int(r, 0);
	db_res_free(r);
	return (HD_OK);
}

/* The list, q taken as a ticket number (number) or as words. */
static enum hd_result
store_list(struct db *db, const struct ticket_actor *a,
    const struct ticket_filter *f, bool number, struct ticket_list *out,
    const char **why)
{
	struct db_res	*r = NULL;
	enum hd_result	 res;
	int64_t		 queue_id = 0, customer_id = 0, prio = f->priority;
	int64_t		 org = f->organisation_id, mode = f->owner;
	int64_t		 agent = ticket_actor_is_agent(a);
	int64_t		 limit = f->per_page, offset;
	const int64_t	*qp = NULL, *pp = NULL, *op = NULL, *cp = NULL;
	char		*terms = NULL;
	const char	*qtn = NULL;
	bool		 active;
	size_t		 i, n;
	enum db_stmt_id	 id;

	memset(out, 0, sizeof(*out));
	*why = NULL;
	if (f->queue != NULL) {
		res = store_queue(db, f->queue, &queue_id, &active);
		if (res == HD_NOTFOUND) {
			*why = "Unknown queue.";
			return (HD_INVALID);
		}
		if (res != HD_OK)
			return (res);
		qp = &queue_id;
	}
	if (f->customer != NULL) {
		/* An unknown login matches nothing (ids start at 1). */
		if ((res = store_user_id(db, f->customer, false,
		    &customer_id)) != HD_OK)
			return (res);
		cp = &customer_id;
	}
	if (prio != 0)
		pp = &prio;
	if (org != 0)
		op = &org;
	/* A ticket number is looked up; words are searched in the articles. */
	if (f->q != NULL && number)
		qtn = f->q;
	else if (f->q != NULL && (terms = ticket_search_terms(f->q)) == NULL) {
		/* Nothing searchable ("%", stop words): nothing found. */
		out->items = xcalloc(1, sizeof(*out->items));
		return (HD_OK);
	}
	offset = (f->page - 1) * f->per_page;
	id = (enum db_stmt_id)((terms != NULL ? STMT_TICKET_SEARCH_NUMBER_ASC :
	    STMT_TICKET_LIST_NUMBER_ASC) + (int)f->sort * 2 + (f->desc ? 1 : 0));
	if (terms != NULL)
		res = db_exec(db, id, &r, VIS_FMT "ii" "IIIIiiiiIIIIss" "si" "ii",
		    VIS_ARGS(a), (int64_t)f->include_closed,
		    (int64_t)f->include_open, qp, qp, pp, pp, mode, mode, a->user_id,
		    mode, op, op, cp, cp, qtn, qtn, terms, agent, limit, offset);
	else
		res = db_exec(db, id, &r, VIS_FMT "ii" "IIIIiiiiIIIIss" "ii",
		    VIS_ARGS(a), (int64_t)f->include_closed,
		    (int64_t)f->include_open, qp, qp, pp, pp, mode, mode, a->user_id,
		    mode, op, op, cp, cp, qtn, qtn, limit, offset);
	if (res != HD_OK)
		goto out;
	n = db_res_count(r);
	out->items = xcalloc(n + 1, sizeof(*out->items));
	for (i = 0; i < n && db_res_next(r); i++)
		store_fill_ticket(&out->items[i], r);
	out->n = i;
	db_res_free(r);
	r = NULL;
	if (terms != NULL)
		res = db_exec(db, STMT_TICKET_SEARCH_COUNT, &r, VIS_FMT
		    "IIIIiiiiIIIIss" "si", VIS_ARGS(a), qp, qp, pp, pp, mode, mode,
		    a->user_id, mode, op, op, cp, cp, qtn, qtn, terms, agent);
	else
		res = db_exec(db, STMT_TICKET_COUNT, &r, VIS_FMT "IIIIiiiiIIIIss",
		    VIS_ARGS(a), qp, qp, pp, pp, mode, mode, a->user_id, mode, op,
		    op, cp, cp, qtn, qtn);
	if (res != HD_OK)
		goto out;
	if (db_res_next(r)) {
		out->open = db_res_int(r, 0);
		out->closed = db_res_int(r, 1);
	}
	out->total = (f->include_open ? out->open : 0) +
	    (f->include_closed ? out->closed : 0);
out:
	db_res_free(r);
	free(terms);
	if (res != HD_OK)
		ticket_list_free(out);
	return (res);
}

enum hd_result
ticket_store_list(struct db *db, const struct ticket_actor *a,
    const struct ticket_filter *f, struct ticket_list *out,
    const char **why)
{
	enum hd_result	res;

	if (f->q == NULL || !ticket_number_wellformed(f->q))
		return (store_list(db, a, f, false, out, why));
	/* Digits that are no ticket's number may be a mandate's, in a text. */
	res = store_list(db, a, f, true, out, why);
	if (res != HD_OK || out->open + out->closed > 0)
		return (res);
	ticket_list_free(out);
	return (store_list(db, a, f, false, out, why));
}

/* One history row, in the transaction of its change. */
static enum hd_result
store_history(struct db *db, int64_t ticket_id, const char *type,
    int64_t actor, int64_t article_id, bool internal, const char *old_value,
    const char *new_value, const char *now)
{
	return (db_exec(db, STMT_HISTORY_INSERT, NULL, "isiIisss", ticket_id,
	    type, actor, article_id != 0 ? &article_id : NULL, (int64_t)internal,
	    old_value, new_value, now));
}

/*
 * Attach the uploads (by id, the actor's own, not expired) and the files
 * (bytes) to an article, each with its history row.
 */
static enum hd_result
store_attach(struct db *db, const struct ticket_actor *a, int64_t ticket_id,
    int64_t article_id, bool internal, const char *const *uploads,
    size_t nuploads, const struct store_file *files, size_t nfiles,
    const char *now, const char **why)
{
	struct db_res	*r = NULL;
	enum hd_result	 res;
	char		*name;
	char		 sum[SHA256_LEN * 2 + 1];
	size_t		 i;

	for (i = 0; i < nuploads; i++) {
		if ((res = db_exec(db, STMT_UPLOAD_TAKE, &r, "si", uploads[i],
		    a->user_id)) != HD_OK)
			return (res);
		if (!db_res_next(r)) {
			db_res_free(r);
			*why = "An attachment names an unknown or expired upload.";
			return (HD_INVALID);
		}
		name = store_dup(db_res_str(r, 0));
		db_res_free(r);
		r = NULL;
		res = db_exec(db, STMT_ATTACHMENT_FROM_UPLOAD, NULL, "iissi",
		    article_id, ticket_id, now, uploads[i], a->user_id);
		if (res == HD_OK)
			res = store_history(db, ticket_id, "attachment", a->user_id,
			    article_id, internal, NULL, name, now);
		if (res == HD_OK)
			res = db_exec(db, STMT_UPLOAD_DELETE, NULL, "s", uploads[i]);
		free(name);
		if (res != HD_OK)
			return (res);
	}
	for (i = 0; i < nfiles; i++) {
		const struct store_file *f = &files[i];

		sha256_hex(f->data, f->len, sum);
		res = db_exec(db, STMT_ATTACHMENT_INSERT, NULL, "iissisbs",
		    article_id, ticket_id, f->filename,
		    attachment_sniff(f->data, f->len, f->filename),
		    (int64_t)f->len, sum, f->data, f->len, now);
		if (res == HD_OK)
			res = store_history(db, ticket_id, "attachment", a->user_id,
			    article_id, internal, NULL, f->filename, now);
		if (res != HD_OK)
			return (res);
	}
	return (HD_OK);
}

/*
 * Take the idempotency key inside the open transaction. HD_OK: ours, go
 * on. Otherwise the transaction is rolled back and: *replayed with the
 * ids the key already made, HD_UNPROCESSABLE (another request), HD_CONFLICT
 * (in flight), HD_RETRY (an expired key was removed: run again).
 */
static enum hd_result
store_idem_take(struct db *db, const struct ticket_actor *a,
    const struct idempotency *idem, int64_t *ticket_id, int64_t *article_id,
    bool *replayed, const char **why)
{
	struct db_res	*r = NULL;
	enum hd_result	 res;
	bool		 same, expired, done;

	res = db_exec(db, STMT_IDEM_INSERT, NULL, "isb", a->user_id, idem->key,
	    idem->hash, sizeof(idem->hash));
	if (res == HD_OK)
		return (HD_OK);
	db_rollback(db);
	if (res == HD_RETRY) {
		/* The row is locked: its first request is still running. */
		*why = "A request with this Idempotency-Key is in progress.";
		return (HD_CONFLICT);
	}
	if (res != HD_CONFLICT)
		return (res);
	if ((res = db_exec(db, STMT_IDEM_LOOKUP, &r, "iis",
	    (int64_t)cfg.tickets_idempotency_ttl, a->user_id, idem->key)) != HD_OK)
		return (res);
	if (!db_res_next(r)) {
		db_res_free(r);
		return (HD_RETRY);	/* purged in between */
	}
	same = db_res_len(r, 0) == SHA256_LEN &&
	    memcmp(db_res_str(r, 0), idem->hash, SHA256_LEN) == 0;
	done = !db_res_null(r, 1);
	*ticket_id = db_res_int(r, 2);
	*article_id = db_res_int(r, 3);
	expired = db_res_int(r, 4) != 0;
	db_res_free(r);
	if (expired) {
		/* Past its time: the key is new again. */
		res = db_exec(db, STMT_IDEM_DELETE_EXPIRED, NULL, "isi",
		    a->user_id, idem->key, (int64_t)cfg.tickets_idempotency_ttl);
		return (res == HD_OK ? HD_RETRY : res);
	}
	if (!same) {
		*why = "This Idempotency-Key was used for another request.";
		return (HD_UNPROCESSABLE);
	}
	if (!done) {
		*why = "A request with this Idempotency-Key is in progress.";
		return (HD_CONFLICT);
	}
	*replayed = true;
	return (HD_OK);
}

/* The next number of a day, taken in the open transaction. */
static enum hd_result
store_next_number(struct db *db, const char *now, char *tn)
{
	struct db_res	*r = NULL;
	enum hd_result	 res;
	char		 day[9];
	int64_t		 counter;

	/* "YYYY-MM-DD ..." -> "YYYYMMDD" */
	memcpy(day, now, 4);
	memcpy(day + 4, now + 5, 2);
	memcpy(day + 6, now + 8, 2);
	day[8] = '\0';
	if ((res = db_exec(db, STMT_COUNTER_NEXT, NULL, "s", day)) != HD_OK)
		return (res);
	if ((res = db_exec(db, STMT_LAST_INSERT_ID, &r, "")) != HD_OK)
		return (res);
	counter = db_res_next(r) ? db_res_int(r, 0) : 0;
	db_res_free(r);
	if (ticket_number_format(tn, day, cfg.tickets_system_id, counter) != 0) {
		log_err("tickets: cannot make a number for %s, counter %lld", day,
		    (long long)counter);
		return (HD_INTERNAL);
	}
	return (HD_OK);
}

/* The number of a ticket by id (after a replay). */
static enum hd_result
store_number_of(struct db *db, int64_t id, char *tn)
{
	struct db_res	*r = NULL;
	enum hd_result	 res;

	if ((res = db_exec(db, STMT_TICKET_TN_BY_ID, &r, "i", id)) != HD_OK)
		return (res);
	if (!db_res_next(r) || db_res_null(r, 0)) {
		db_res_free(r);
		return (HD_NOTFOUND);
	}
	snprintf(tn, TICKET_NUMBER_SIZE, "%s", db_res_str(r, 0));
	db_res_free(r);
	return (HD_OK);
}

static enum hd_result
store_create_once(struct db *db, const struct ticket_actor *a,
    const struct ticket_create *c, const struct idempotency *idem,
    int64_t queue_id, char *tn, bool *replayed, const char **why)
{
	const struct ticket_state	*state;
	enum article_sender		 sender;
	enum hd_result			 res;
	char				 nowbuf[20];
	const char			*now;
	int64_t				 ticket_id = 0, article_id = 0;
	int64_t				 org = a->organisation_id;

	store_now(nowbuf);
	now = c->created != NULL ? c->created : nowbuf;
	state = ticket_state_by_id(c->state_id != 0 ? c->state_id : STATE_NEW);
	sender = c->sender_set ? c->sender : ticket_actor_sender(a);
	if ((res = db_begin(db)) != HD_OK)
		return (res);
	if (idem != NULL) {
		res = store_idem_take(db, a, idem, &ticket_id, &article_id,
		    replayed, why);
		if (res != HD_OK || *replayed) {
			if (res == HD_OK)
				res = store_number_of(db, ticket_id, tn);
			return (res);
		}
	}
	res = db_exec(db, STMT_TICKET_INSERT, NULL, "siiiiIssss", c->title,
	    queue_id, (int64_t)c->priority, (int64_t)state->id, a->user_id,
	    org != 0 ? &org : NULL, c->requester, now, now,
	    ticket_state_is_final(state) ? now : NULL);
	if (res != HD_OK)
		return (store_fail(db, res));
	ticket_id = (int64_t)db_insert_id(db);
	res = db_exec(db, STMT_ARTICLE_INSERT, NULL, "isiisss", ticket_id,
	    ticket_sender_name(sender), a->user_id, (int64_t)0, c->title, c->body,
	    now);
	if (res != HD_OK)
		return (store_fail(db, res));
	article_id = (int64_t)db_insert_id(db);
	if (ticket_id <= 0 || article_id <= 0) {
		log_err("tickets: no insert id after creating a ticket");
		return (store_fail(db, HD_INTERNAL));
	}
	res = store_history(db, ticket_id, "created", a->user_id, article_id,
	    false, NULL, state->name, now);
	if (res == HD_OK)
		res = store_attach(db, a, ticket_id, article_id, false, c->uploads,
		    c->nuploads, c->files, c->nfiles, now, why);
	if (res == HD_OK && c->message_hash != NULL)
		res = db_exec(db, STMT_IMPORT_RECORD, NULL, "sii", c->message_hash,
		    ticket_id, article_id);
	/* The number last: the day's counter row is the lock all creations share. */
	if (res == HD_OK)
		res = store_next_number(db, now, tn);
	if (res == HD_OK)
		res = db_exec(db, STMT_TICKET_SET_NUMBER, NULL, "si", tn, ticket_id);
	if (res == HD_OK && idem != NULL)
		res = db_exec(db, STMT_IDEM_DONE, NULL, "iiIis", (int64_t)201,
		    ticket_id, NULL, a->user_id, idem->key);
	if (res != HD_OK)
		return (store_fail(db, res));
	return (db_commit(db));
}

enum hd_result
ticket_store_create(struct db *db, const struct ticket_actor *a,
    const struct ticket_create *c, const struct idempotency *idem, char *tn,
    bool *replayed, const char **why)
{
	enum hd_result	res;
	int64_t		queue_id;
	bool		active;
	int		attempt;

	*replayed = false;
	*why = NULL;
	tn[0] = '\0';
	res = store_queue(db, c->queue, &queue_id, &active);
	if (res == HD_NOTFOUND || (res == HD_OK && !active && !c->any_queue)) {
		*why = res == HD_NOTFOUND ? "Unknown queue." :
		    "This queue takes no new tickets.";
		return (HD_INVALID);
	}
	if (res != HD_OK)
		return (res);
	for (attempt = 0; attempt < STORE_RETRIES; attempt++) {
		res = store_create_once(db, a, c, idem, queue_id, tn, replayed,
		    why);
		if (res != HD_RETRY)
			break;
		store_backoff(attempt);
	}
	if (res == HD_RETRY)
		log_warn("tickets: creation still deadlocked after %d attempts",
		    STORE_RETRIES);
	return (res);
}

/* Lock a visible ticket for a change. HD_NOTFOUND when there is none. */
static enum hd_result
store_lock(struct db *db, const struct ticket_actor *a, const char *tn,
    struct locked_ticket *lt)
{
	struct db_res	*r = NULL;
	enum hd_result	 res;

	memset(lt, 0, sizeof(*lt));
	if ((res = db_exec(db, STMT_TICKET_LOCK, &r, "s" VIS_FMT, tn,
	    VIS_ARGS(a))) != HD_OK)
		return (res);
	if (!db_res_next(r)) {
		db_res_free(r);
		return (HD_NOTFOUND);
	}
	lt->id = db_res_int(r, LC_ID);
	lt->state = ticket_state_by_id((int)db_res_int(r, LC_STATE));
	lt->version = db_res_int(r, LC_VERSION);
	lt->queue_id = db_res_int(r, LC_QUEUE);
	lt->priority = (int)db_res_int(r, LC_PRIORITY);
	lt->owner_id = db_res_int(r, LC_OWNER);
	lt->title = store_dup(db_res_str(r, LC_TITLE));
	lt->closed = store_dup(db_res_str(r, LC_CLOSED));
	lt->first_response = store_dup(db_res_str(r, LC_FIRST_RESPONSE));
	if (lt->state == NULL || !ticket_actor_sees(a, db_res_int(r, LC_CUSTOMER),
	    db_res_int(r, LC_ORG))) {
		log_err("tickets: %s: unknown state or visibility mismatch", tn);
		db_res_free(r);
		return (HD_NOTFOUND);
	}
	db_res_free(r);
	return (HD_OK);
}

static void
store_unlock_free(struct locked_ticket *lt)
{
	free(lt->title);
	free(lt->closed);
	free(lt->first_response);
	memset(lt, 0, sizeof(*lt));
}

/*
 * Write the locked ticket back with its new values: state (closed set
 * while the state is final, kept when it already was), first response,
 * changed, version + 1.
 */
static enum hd_result
store_update(struct db *db, const struct locked_ticket *lt,
    const struct ticket_state *state, int64_t queue_id, int priority,
    int64_t owner_id, const char *title, const char *first_response,
    const char *now)
{
	const char	*closed = NULL;

	if (ticket_state_is_final(state))
		closed = lt->closed != NULL ? lt->closed : now;
	return (db_exec(db, STMT_TICKET_UPDATE, NULL, "siiiIsssi", title,
	    queue_id, (int64_t)priority, (int64_t)state->id,
	    owner_id != 0 ? &owner_id : NULL, closed, first_response, now,
	    lt->id));
}

struct article_job {
	const struct ticket_actor	*a;
	const char			*tn;
	const struct article_create	*c;
	const struct idempotency	*idem;
	int64_t				*article_id;
	bool				*replayed;
	const char			**why;
};

static enum hd_result
store_article_once(struct db *db, struct article_job *j)
{
	const struct ticket_actor	*a = j->a;
	const struct article_create	*c = j->c;
	const struct ticket_state	*next = NULL;
	struct locked_ticket		 lt;
	enum article_sender		 sender;
	enum hd_result			 res;
	char				 nowbuf[20], idbuf[24];
	const char			*now, *first;
	int64_t				 ticket_id = 0, article_id = 0;

	store_now(nowbuf);
	now = c->created != NULL ? c->created : nowbuf;
	sender = c->sender_set ? c->sender : ticket_actor_sender(a);
	if ((res = db_begin(db)) != HD_OK)
		return (res);
	if (j->idem != NULL) {
		res = store_idem_take(db, a, j->idem, &ticket_id, &article_id,
		    j->replayed, j->why);
		if (res != HD_OK || *j->replayed) {
			*j->article_id = article_id;
			return (res);
		}
	}
	if ((res = store_lock(db, a, j->tn, &lt)) != HD_OK)
		return (store_fail(db, res));
	if ((res = ticket_check_article(a, c->internal, lt.state, j->why)) !=
	    HD_OK)
		goto fail;
	res = db_exec(db, STMT_ARTICLE_INSERT, NULL, "isiisss", lt.id,
	    ticket_sender_name(sender), a->user_id, (int64_t)c->internal,
	    c->subject, c->body, now);
	if (res != HD_OK)
		goto fail;
	article_id = (int64_t)db_insert_id(db);
	snprintf(idbuf, sizeof(idbuf), "%lld", (long long)article_id);
	if ((res = store_history(db, lt.id, "article", a->user_id, article_id,
	    c->internal, NULL, idbuf, now)) != HD_OK)
		goto fail;
	if ((res = store_attach(db, a, lt.id, article_id, c->internal,
	    c->uploads, c->nuploads, c->files, c->nfiles, now, j->why)) != HD_OK)
		goto fail;
	if (c->keep_state) {
		/* The import: history is history, the state stays. */
		res = db_exec(db, STMT_TICKET_TOUCH, NULL, "si", now, lt.id);
	} else {
		next = ticket_state_after_article(a, c->internal, lt.state);
		first = lt.first_response;
		if (first == NULL && ticket_article_answers(a, c->internal))
			first = now;
		res = store_update(db, &lt, next != NULL ? next : lt.state,
		    lt.queue_id, lt.priority, lt.owner_id, lt.title, first, now);
		if (res == HD_OK && next != NULL && next != lt.state)
			res = store_history(db, lt.id, "state", a->user_id,
			    article_id, false, lt.state->name, next->name, now);
	}
	if (res == HD_OK && c->message_hash != NULL)
		res = db_exec(db, STMT_IMPORT_RECORD, NULL, "sii", c->message_hash,
		    lt.id, article_id);
	if (res == HD_OK && j->idem != NULL)
		res = db_exec(db, STMT_IDEM_DONE, NULL, "iiIis", (int64_t)201,
		    lt.id, &article_id, a->user_id, j->idem->key);
	if (res != HD_OK)
		goto fail;
	store_unlock_free(&lt);
	if ((res = db_commit(db)) == HD_OK)
		*j->article_id = article_id;
	return (res);
fail:
	store_unlock_free(&lt);
	return (store_fail(db, res));
}

enum hd_result
ticket_store_add_article(struct db *db, const struct ticket_actor *a,
    const char *tn, const struct article_create *c,
    const struct idempotency *idem, int64_t *article_id, bool *replayed,
    const char **why)
{
	struct article_job	 j = { a, tn, c, idem, article_id, replayed, why };
	enum hd_result		 res = HD_NOTFOUND;
	int			 attempt;

	*article_id = 0;
	*replayed = false;
	*why = NULL;
	if (!ticket_number_wellformed(tn))
		return (HD_NOTFOUND);
	for (attempt = 0; attempt < STORE_RETRIES; attempt++) {
		if ((res = store_article_once(db, &j)) != HD_RETRY)
			break;
		store_backoff(attempt);
	}
	return (res);
}

/* A login by user id, for history rows; NULL when none. Caller frees. */
static enum hd_result
store_login_of(struct db *db, int64_t id, char **login)
{
	struct db_res	*r = NULL;
	enum hd_result	 res;

	*login = NULL;
	if (id == 0)
		return (HD_OK);
	if ((res = db_exec(db, STMT_USER_LOGIN_BY_ID, &r, "i", id)) != HD_OK)
		return (res);
	if (db_res_next(r))
		*login = store_dup(db_res_str(r, 0));
	db_res_free(r);
	return (HD_OK);
}

static enum hd_result
store_queue_code_of(struct db *db, int64_t id, char **code)
{
	struct db_res	*r = NULL;
	enum hd_result	 res;

	*code = NULL;
	if ((res = db_exec(db, STMT_QUEUE_CODE_BY_ID, &r, "i", id)) != HD_OK)
		return (res);
	if (db_res_next(r))
		*code = store_dup(db_res_str(r, 0));
	db_res_free(r);
	return (HD_OK);
}

/* What a PATCH resolved before its transaction. */
struct patch_job {
	const struct ticket_actor	*a;
	const char			*tn;
	const struct ticket_patch_input	*in;
	const struct ticket_state	*state;
	int64_t				 queue_id;
	int64_t				 owner_id;
	int64_t				 if_match;
	const char			**why;
};

static enum hd_result
store_patch_once(struct db *db, struct patch_job *j)
{
	const struct ticket_patch_input	*in = j->in;
	const struct ticket_actor	*a = j->a;
	const struct ticket_state	*state;
	struct locked_ticket		 lt;
	enum hd_result			 res;
	char				 now[20];
	char				*old_code = NULL, *old_owner = NULL;
	const char			*title;
	int64_t				 queue_id, owner_id;
	int				 priority;

	store_now(now);
	if ((res = db_begin(db)) != HD_OK)
		return (res);
	if ((res = store_lock(db, a, j->tn, &lt)) != HD_OK)
		return (store_fail(db, res));
	if (j->if_match >= 0 && lt.version != j->if_match) {
		res = HD_PRECONDITION;
		goto fail;
	}
	state = (in->fields & TICKET_SET_STATE) ? j->state : lt.state;
	if ((res = ticket_check_state_change(a, lt.state, state, j->why)) !=
	    HD_OK)
		goto fail;
	priority = (in->fields & TICKET_SET_PRIORITY) ? in->priority :
	    lt.priority;
	queue_id = (in->fields & TICKET_SET_QUEUE) ? j->queue_id : lt.queue_id;
	owner_id = (in->fields & TICKET_SET_OWNER) ? j->owner_id : lt.owner_id;
	title = (in->fields & TICKET_SET_TITLE) ? in->title : lt.title;
	if (state == lt.state && priority == lt.priority &&
	    queue_id == lt.queue_id && owner_id == lt.owner_id &&
	    strcmp(title, lt.title) == 0) {
		/* Nothing changes: no version, no history. */
		store_unlock_free(&lt);
		db_rollback(db);
		return (HD_OK);
	}
	if ((res = store_update(db, &lt, state, queue_id, priority, owner_id,
	    title, lt.first_response, now)) != HD_OK)
		goto fail;
	if (state != lt.state && (res = store_history(db, lt.id, "state",
	    a->user_id, 0, false, lt.state->name, state->name, now)) != HD_OK)
		goto fail;
	if (priority != lt.priority && (res = store_history(db, lt.id,
	    "priority", a->user_id, 0, false, ticket_priority_name(lt.priority),
	    ticket_priority_name(priority), now)) != HD_OK)
		goto fail;
	if (queue_id != lt.queue_id) {
		char *new_code = NULL;

		if ((res = store_queue_code_of(db, lt.queue_id, &old_code)) ==
		    HD_OK && (res = store_queue_code_of(db, queue_id,
		    &new_code)) == HD_OK)
			res = store_history(db, lt.id, "queue", a->user_id, 0, false,
			    old_code, new_code, now);
		free(new_code);
		if (res != HD_OK)
			goto fail;
	}
	if (owner_id != lt.owner_id) {
		if ((res = store_login_of(db, lt.owner_id, &old_owner)) != HD_OK ||
		    (res = store_history(db, lt.id, "owner", a->user_id, 0, false,
		    old_owner, owner_id != 0 ? in->owner : NULL, now)) != HD_OK)
			goto fail;
	}
	if (strcmp(title, lt.title) != 0 && ((res = store_history(db, lt.id,
	    "title", a->user_id, 0, false, lt.title, title, now)) != HD_OK ||
	    (res = db_exec(db, STMT_ARTICLE_FIRST_SUBJECT, NULL, "si", title,
	    lt.id)) != HD_OK))
		goto fail;
	free(old_code);
	free(old_owner);
	store_unlock_free(&lt);
	return (db_commit(db));
fail:
	free(old_code);
	free(old_owner);
	store_unlock_free(&lt);
	return (store_fail(db, res));
}

enum hd_result
ticket_store_patch(struct db *db, const struct ticket_actor *a, const char *tn,
    const struct ticket_patch_input *in, int64_t if_match, const char **why)
{
	struct patch_job	 j;
	enum hd_result		 res;
	bool			 active;
	int			 attempt;

	*why = NULL;
	memset(&j, 0, sizeof(j));
	j.a = a;
	j.tn = tn;
	j.in = in;
	j.if_match = if_match;
	j.why = why;
	if (!ticket_number_wellformed(tn))
		return (HD_NOTFOUND);
	if ((res = ticket_check_patch(a, in->fields, why)) != HD_OK)
		return (res);
	if ((in->fields & TICKET_SET_STATE) &&
	    (j.state = ticket_state_by_name(in->state)) == NULL) {
		*why = "Unknown state.";
		return (HD_INVALID);
	}
	if (in->fields & TICKET_SET_QUEUE) {
		res = store_queue(db, in->queue, &j.queue_id, &active);
		if (res == HD_NOTFOUND || (res == HD_OK && !active)) {
			*why = res == HD_NOTFOUND ? "Unknown queue." :
			    "This queue takes no new tickets.";
			return (HD_INVALID);
		}
		if (res != HD_OK)
			return (res);
	}
	if ((in->fields & TICKET_SET_OWNER) && in->owner != NULL) {
		if ((res = store_user_id(db, in->owner, true, &j.owner_id)) !=
		    HD_OK)
			return (res);
		if (j.owner_id == 0) {
			*why = "The owner must be an agent.";
			return (HD_INVALID);
		}
	}
	for (attempt = 0; attempt < STORE_RETRIES; attempt++) {
		if ((res = store_patch_once(db, &j)) != HD_RETRY)
			break;
		store_backoff(attempt);
	}
	return (res);
}

enum hd_result
ticket_store_history(struct db *db, const struct ticket_actor *a,
    const char *tn, struct history_list *out)
{
	struct ticket_row	*t = NULL;
	struct db_res		*r = NULL;
	enum hd_result		 res;
	size_t			 i, n;

	memset(out, 0, sizeof(*out));
	if ((res = ticket_store_get(db, a, tn, false, &t)) != HD_OK)
		return (res);
	res = db_exec(db, STMT_HISTORY_LIST, &r, "ii", t->id,
	    (int64_t)ticket_actor_is_agent(a));
	ticket_row_free(t);
	if (res != HD_OK)
		return (res);
	n = db_res_count(r);
	out->items = xcalloc(n + 1, sizeof(*out->items));
	for (i = 0; i < n && db_res_next(r); i++) {
		struct history_row *h = &out->items[i];

		h->type = store_dup(db_res_str(r, 0));
		h->actor_login = store_dup(db_res_str(r, 1));
		h->actor_name = store_dup(db_res_str(r, 2));
		store_time(h->created, db_res_str(r, 3));
		h->old_value = store_dup(db_res_str(r, 4));
		h->new_value = store_dup(db_res_str(r, 5));
	}
	out->n = i;
	db_res_free(r);
	return (HD_OK);
}

enum hd_result
ticket_store_imported(struct db *db, const char *hash, bool *seen)
{
	struct db_res	*r = NULL;
	enum hd_result	 res;

	*seen = false;
	if ((res = db_exec(db, STMT_IMPORT_SEEN, &r, "s", hash)) != HD_OK)
		return (res);
	*seen = db_res_next(r);
	db_res_free(r);
	return (HD_OK);
}
