/*
 * The user's API tokens: GET and POST /api/v1/tokens, DELETE
 * /api/v1/tokens/{id}. The secret is in the answer to the POST and
 * nowhere else, ever.
 */
#include "helpdesk.h"

#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "api.h"
#include "audit.h"
#include "json.h"
#include "log.h"
#include "reply.h"
#include "request.h"
#include "router.h"
#include "token.h"
#include "user.h"
#include "util.h"
#include "worker.h"

/* The longest expiry one may ask for: ten years. */
#define TOKEN_MAX_DAYS	3650

void
api_tokens_list(struct hd_req *r)
{
	cJSON		*o;
	enum hd_result	 res;

	if ((res = token_list(r->w->db, r->user->id, &o)) != HD_OK) {
		reply_result(r, res, NULL);
		return;
	}
	reply_json(r, 200, o);
}

void
api_tokens_create(struct hd_req *r)
{
	static const char *const keys[] = { "name", "expires_in_days", NULL };
	cJSON		*o, *t = NULL, *out;
	const char	*name, *bad;
	char		 err[160], secret[TOKEN_LEN + 1], id[24], loc[64];
	int64_t		 days = 0;
	enum hd_result	 res;

	if ((o = request_json(r)) == NULL)
		return;
	/*
	 * A token makes tokens only through a person's session: a leaked
	 * token cannot breed others that outlive its revocation.
	 */
	if (r->session.id == 0) {
		reply_error(r, 403, "forbidden",
		    "API tokens are created from a logged-in session.");
		goto out;
	}
	if (json_check_keys(o, keys, &bad) != 0) {
		reply_error(r, 400, "bad_request", "Unknown field: %s.", bad);
		goto out;
	}
	if (json_get_string(o, "name", true, 1, TOKEN_NAME_MAX, &name, err,
	    sizeof(err)) < 0 || json_get_int(o, "expires_in_days", false, 1,
	    TOKEN_MAX_DAYS, &days, err, sizeof(err)) < 0) {
		reply_error(r, 400, "bad_request", "%s.", err);
		goto out;
	}
	res = token_create(r->w->db, r->user->id, name, days, secret, &t);
	if (res == HD_CONFLICT) {
		reply_error(r, 409, "too_many_tokens", "You already hold %d active "
		    "tokens; revoke one first.", TOKEN_MAX_ACTIVE);
		goto out;
	}
	if (res != HD_OK) {
		reply_result(r, res, NULL);
		goto out;
	}
	snprintf(id, sizeof(id), "%lld", (long long)cJSON_GetNumberValue(
	    cJSON_GetObjectItemCaseSensitive(t, "id")));
	(void)audit_record(r->w->db, AUDIT_TOKEN_CREATE, r->user->login,
	    r->user->id, r->client_ip, id);
	audit_log(r, LOG_INFO, "token.created", r->user->login, id);
	cJSON_AddStringToObject(t, "secret", secret);
	explicit_bzero(secret, sizeof(secret));
	out = cJSON_CreateObject();
	cJSON_AddItemToObject(out, "token", t);
	snprintf(loc, sizeof(loc), "/api/v1/tokens/%s", id);
	reply_header(r, "Location", loc);
	reply_json(r, 201, out);
out:
	cJSON_Delete(o);
}

void
api_tokens_revoke(struct hd_req *r)
{
	long long	 id;
	const char	*errstr;
	enum hd_result	 res;

	if (util_strtonum(r->params[0], 1, INT64_MAX, &id, &errstr) != 0) {
		reply_error(r, 404, "not_found", "No such token.");
		return;
	}
	res = token_revoke(r->w->db, r->user->id, (int64_t)id);
	if (res == HD_NOTFOUND) {
		reply_error(r, 404, "not_found", "No such token.");
		return;
	}
	if (res != HD_OK) {
		reply_result(r, res, NULL);
		return;
	}
	(void)audit_record(r->w->db, AUDIT_TOKEN_REVOKE, r->user->login,
	    r->user->id, r->client_ip, r->params[0]);
	audit_log(r, LOG_INFO, "token.revoked", r->user->login, r->params[0]);
	reply_empty(r, 204);
}
