/*
 * /api/v1/queues (the axes; admins add, rename, deactivate), and the
 * reference lists the forms need: /priorities, /states, /organisations
 * and /agents (the last two for agents).
 */
#include "helpdesk.h"

#include <string.h>

#include <cjson/cJSON.h>

#include "api.h"
#include "json.h"
#include "queue-store.h"
#include "reply.h"
#include "request.h"
#include "router.h"
#include "ticket.h"
#include "user.h"
#include "worker.h"

static cJSON *
api_queue_json(const struct queue_row *q, bool agent, bool admin)
{
	cJSON	*o = cJSON_CreateObject(), *c;

	cJSON_AddStringToObject(o, "code", q->code);
	cJSON_AddStringToObject(o, "name", q->name);
	cJSON_AddStringToObject(o, "description", q->description);
	if (admin)
		cJSON_AddBoolToObject(o, "active", q->active);
	if (agent) {
		c = cJSON_AddObjectToObject(o, "counts");
		cJSON_AddNumberToObject(c, "new", (double)q->counts[TST_NEW]);
		cJSON_AddNumberToObject(c, "open", (double)q->counts[TST_OPEN]);
		cJSON_AddNumberToObject(c, "pending", (double)q->counts[TST_PENDING]);
		cJSON_AddNumberToObject(c, "closed", (double)(q->counts[TST_CLOSED] +
		    q->counts[TST_MERGED]));
	}
	return (o);
}

void
api_queues_list(struct hd_req *r)
{
	static const char *const allowed[] = { "all", NULL };
	struct queue_list	 l;
	enum hd_result		 res;
	const char		*bad, *all = request_query(r, "all");
	bool			 agent = user_has_role(r->user, ROLE_AGENT);
	bool			 admin = user_has_role(r->user, ROLE_ADMIN);
	size_t			 i;
	cJSON			*o, *arr;

	if (request_query_allowed(r, allowed, &bad) != 0 || (all != NULL &&
	    strcmp(all, "yes") != 0 && strcmp(all, "no") != 0)) {
		reply_error(r, 400, "bad_request", "Only all=yes is understood.");
		return;
	}
	/* Inactive queues are listed for admins only, who may reactivate them. */
	if ((res = queue_store_list(r->w->db, admin && all != NULL &&
	    strcmp(all, "yes") == 0, agent, &l)) != HD_OK) {
		reply_result(r, res, NULL);
		return;
	}
	o = cJSON_CreateObject();
	arr = cJSON_AddArrayToObject(o, "queues");
	for (i = 0; i < l.n; i++)
		cJSON_AddItemToArray(arr, api_queue_json(&l.items[i], agent, admin));
	queue_list_free(&l);
	reply_json(r, 200, o);
}

/* Reply with one queue as admins see it. */
static void
api_queues_reply(struct hd_req *r, int status, const char *code)
{
	struct queue_row	q;
	enum hd_result		res;
	cJSON			*o;

	if ((res = queue_store_get(r->w->db, code, &q)) != HD_OK) {
		reply_result(r, res, res == HD_NOTFOUND ? "No such queue." : NULL);
		return;
	}
	o = cJSON_CreateObject();
	cJSON_AddItemToObject(o, "queue", api_queue_json(&q, false, true));
	queue_row_clear(&q);
	reply_json(r, status, o);
}

/* name and description: one line each, name not blank. */
static int
api_queues_texts(struct hd_req *r, const cJSON *body, bool name_required,
    const char **name, const char **description)
{
	char	err[256];

	if (json_get_string(body, "name", name_required, 1, QUEUE_NAME_MAX, name,
	    err, sizeof(err)) < 0 || json_get_string(body, "description", false,
	    0, QUEUE_DESCRIPTION_MAX, description, err, sizeof(err)) < 0) {
		reply_error(r, 400, "bad_request", "%s", err);
		return (-1);
	}
	if ((*name != NULL && (!ticket_text_is_line(*name) ||
	    ticket_text_is_blank(*name))) ||
	    (*description != NULL && !ticket_text_is_line(*description))) {
		reply_error(r, 400, "bad_request",
		    "name and description must be one line of text.");
		return (-1);
	}
	return (0);
}

void
api_queues_create(struct hd_req *r)
{
	static const char *const keys[] = { "code", "name", "description", NULL };
	const char	*bad, *code, *name = NULL, *description = NULL;
	char		 err[256];
	enum hd_result	 res;
	cJSON		*body;

	if ((body = request_json(r)) == NULL)
		return;
	if (json_check_keys(body, keys, &bad) != 0) {
		reply_error(r, 400, "bad_request", "unknown field %.64s", bad);
		goto out;
	}
	if (json_get_string(body, "code", true, 1, QUEUE_CODE_MAX, &code, err,
	    sizeof(err)) < 0) {
		reply_error(r, 400, "bad_request", "%s", err);
		goto out;
	}
	if (!ticket_queue_code_ok(code)) {
		reply_error(r, 400, "bad_request", "code must be 2 to 32 of a-z, "
		    "0-9, - and _, starting with a letter.");
		goto out;
	}
	if (api_queues_texts(r, body, true, &name, &description) != 0)
		goto out;
	res = queue_store_create(r->w->db, code, name, description);
	if (res == HD_CONFLICT)
		reply_error(r, 409, "conflict",
		    "A queue with this code or name exists.");
	else if (res != HD_OK)
		reply_result(r, res, NULL);
	else
		api_queues_reply(r, 201, code);
out:
	cJSON_Delete(body);
}

void
api_queues_patch(struct hd_req *r)
{
	static const char *const keys[] = { "name", "description", "active",
	    NULL };
	const char	*bad, *name = NULL, *description = NULL;
	char		 err[256];
	enum hd_result	 res;
	bool		 active;
	int64_t		 act;
	int		 rc;
	cJSON		*body;

	if ((body = request_json(r)) == NULL)
		return;
	if (json_check_keys(body, keys, &bad) != 0) {
		reply_error(r, 400, "bad_request", "unknown field %.64s", bad);
		goto out;
	}
	if (api_queues_texts(r, body, false, &name, &description) != 0)
		goto out;
	if ((rc = json_get_bool(body, "active", false, &active, err,
	    sizeof(err))) < 0) {
		reply_error(r, 400, "bad_request", "%s", err);
		goto out;
	}
	if (name == NULL && description == NULL && rc == 0) {
		reply_error(r, 400, "bad_request", "nothing to change");
		goto out;
	}
	act = active;
	res = queue_store_update(r->w->db, r->params[0], name, description,
	    rc == 1 ? &act : NULL);
	if (res == HD_NOTFOUND)
		reply_error(r, 404, "not_found", "No such queue.");
	else if (res == HD_CONFLICT)
		reply_error(r, 409, "conflict", "A queue with this name exists.");
	else if (res != HD_OK)
		reply_result(r, res, NULL);
	else
		api_queues_reply(r, 200, r->params[0]);
out:
	cJSON_Delete(body);
}

/* One reference list under key. */
static void
api_reference(struct hd_req *r, enum db_stmt_id id, const char *key,
    const char *k1, bool k1_int, const char *k2)
{
	enum hd_result	 res;
	cJSON		*arr, *o;

	if ((res = queue_store_pairs(r->w->db, id, k1, k1_int, k2, &arr)) !=
	    HD_OK) {
		reply_result(r, res, NULL);
		return;
	}
	o = cJSON_CreateObject();
	cJSON_AddItemToObject(o, key, arr);
	reply_json(r, 200, o);
}

void
api_priorities_list(struct hd_req *r)
{
	api_reference(r, STMT_PRIORITY_LIST, "priorities", "id", true, "name");
}

void
api_states_list(struct hd_req *r)
{
	api_reference(r, STMT_STATE_LIST, "states", "name", false, "type");
}

void
api_organisations_list(struct hd_req *r)
{
	api_reference(r, STMT_ORGANISATION_LIST, "organisations", "id", true,
	    "name");
}

void
api_agents_list(struct hd_req *r)
{
	api_reference(r, STMT_AGENT_LIST, "agents", "login", false, "name");
}
