/*
 * Logging in and out, and the logged-in user: POST and DELETE
 * /api/v1/session, GET and PATCH /api/v1/me. A login is throttled first,
 * then checked against the directory (directory-login.c), then the user's
 * row is brought up to date and a new session opened.
 */
#include "helpdesk.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "api.h"
#include "audit.h"
#include "conf.h"
#include "db.h"
#include "directory.h"
#include "json.h"
#include "log.h"
#include "login-throttle.h"
#include "reply.h"
#include "request.h"
#include "router.h"
#include "session.h"
#include "user-store.h"
#include "user.h"
#include "worker.h"

/* Slots of struct worker_metrics logins[]. */
enum { LOGIN_SUCCESS, LOGIN_FAILURE, LOGIN_THROTTLED, LOGIN_UNAVAILABLE };

#define MSG_INVALID	"Invalid login or password."
#define MSG_NO_ACCESS	"Your directory account is valid, but it is in none of " \
	"the helpdesk's groups. Ask your administrator for access."
#define MSG_THROTTLED	"Too many failed attempts; try again later."
#define MSG_DIRECTORY	"The directory (LDAP) cannot be reached, so nobody can " \
	"log in right now; try again in a few minutes."

static void
api_session_count(struct hd_req *r, int outcome, bool ldap_error)
{
	pthread_mutex_lock(&r->w->metrics.lock);
	r->w->metrics.logins[outcome]++;
	if (ldap_error)
		r->w->metrics.ldap_errors++;
	pthread_mutex_unlock(&r->w->metrics.lock);
}

/*
 * {"user": USER} with status; for the login and GET /me (with_csrf), what
 * the portal keeps too: "csrf_token" (csrf or null) and "limits", the
 * configured sizes it checks before sending, so that it refuses what the
 * daemon would refuse, whatever the install.
 */
static void
api_session_reply_user(struct hd_req *r, int status, const struct user *u,
    const char *csrf, bool with_csrf)
{
	cJSON	*o = cJSON_CreateObject(), *limits;

	cJSON_AddItemToObject(o, "user", user_to_json(u));
	if (with_csrf) {
		limits = cJSON_AddObjectToObject(o, "limits");
		cJSON_AddNumberToObject(limits, "max_attachment_size",
		    (double)cfg.tickets_max_attachment_size);
		cJSON_AddNumberToObject(limits, "max_article_size",
		    (double)cfg.tickets_max_article_size);
		if (csrf != NULL && *csrf != '\0')
			cJSON_AddStringToObject(o, "csrf_token", csrf);
		else
			cJSON_AddNullToObject(o, "csrf_token");
	}
	reply_json(r, status, o);
}

/* A refused login: counted, audited, logged, answered 401. */
static void
api_session_refuse(struct hd_req *r, const char *login,
    enum directory_failure why)
{
	const char	*reason = directory_failure_name(why);

	(void)login_throttle_fail(r->w->db, login, r->client_ip);
	(void)audit_record(r->w->db, AUDIT_LOGIN_FAILURE, login, 0, r->client_ip,
	    reason);
	audit_log(r, LOG_INFO, "auth.failure", login, reason);
	api_session_count(r, LOGIN_FAILURE, false);
	reply_error(r, 401, "invalid_credentials", MSG_INVALID);
}

/* Valid credentials, but in no group: a user we know loses access. */
static void
api_session_no_access(struct hd_req *r, const struct directory_entry *e)
{
	int64_t	id;
	bool	active;

	if (user_store_find(r->w->db, e->login, &id, &active) == HD_OK)
		(void)user_store_disable(r->w->db, id, NULL);
	(void)audit_record(r->w->db, AUDIT_LOGIN_FAILURE, e->login, 0,
	    r->client_ip, "no_access");
	audit_log(r, LOG_INFO, "auth.failure", e->login, "no_access");
	api_session_count(r, LOGIN_FAILURE, false);
	reply_error(r, 403, "no_access", MSG_NO_ACCESS);
}

/* How many times a login's transaction runs after a deadlock. */
#define LOGIN_TXN_ATTEMPTS	3

/*
 * Everything a successful login writes, in one transaction so that it
 * costs one durable commit instead of one per statement: the user's row
 * (from the directory entry e), a fresh session (fixation-proof: a session
 * that came with the request ends), the throttle's clearing and the audit
 * row. On HD_OK the caller owns *u and token/csrf hold the new session.
 */
static enum hd_result
api_session_store(struct hd_req *r, const struct directory_entry *e,
    const char *typed, struct user **u, char token[UTIL_TOKEN_LEN + 1],
    char csrf[UTIL_TOKEN_LEN + 1])
{
	struct db	*db = r->w->db;
	char		 old[128];
	bool		 has_old;
	int64_t		 id;
	enum hd_result	 res;
	int		 attempt;

	has_old = request_cookie(r, SESSION_COOKIE, old, sizeof(old)) == 0;
	for (attempt = 0; attempt < LOGIN_TXN_ATTEMPTS; attempt++) {
		*u = NULL;
		if ((res = db_begin(db)) != HD_OK)
			break;
		if ((res = user_store_upsert(db, e, true, &id, NULL)) != HD_OK)
			log_warn("login of %s: the user row could not be written",
			    e->login);
		if (res == HD_OK && has_old)
			res = session_delete(db, old);
		if (res == HD_OK)
			res = session_create(db, id, r->client_ip,
			    request_header(r, "User-Agent"), token, csrf);
		if (res == HD_OK)
			res = user_store_get(db, id, u);
		if (res == HD_OK)
			res = login_throttle_clear(db, typed, r->client_ip);
		if (res == HD_OK)
			res = audit_record(db, AUDIT_LOGIN_SUCCESS, (*u)->login,
			    (*u)->id, r->client_ip, NULL);
		if (res == HD_OK && (res = db_commit(db)) == HD_OK)
			break;
		db_rollback(db);
		user_free(*u);
		*u = NULL;
		if (res != HD_RETRY)
			break;
	}
	explicit_bzero(old, sizeof(old));
	return (res);
}

/* A login that passed the directory: store it, set the cookie, 200. */
static void
api_session_open(struct hd_req *r, const struct directory_entry *e,
    const char *typed)
{
	struct user	*u = NULL;
	char		 cookie[160];
	char		 token[UTIL_TOKEN_LEN + 1], csrf[UTIL_TOKEN_LEN + 1];
	enum hd_result	 res;

	if ((res = api_session_store(r, e, typed, &u, token, csrf)) != HD_OK) {
		reply_result(r, res, NULL);
		goto out;
	}
	audit_log(r, LOG_INFO, "auth.success", u->login, NULL);
	api_session_count(r, LOGIN_SUCCESS, false);
	session_cookie(cookie, sizeof(cookie), token);
	reply_header(r, "Set-Cookie", cookie);
	api_session_reply_user(r, 200, u, csrf, true);
out:
	explicit_bzero(token, sizeof(token));
	explicit_bzero(cookie, sizeof(cookie));
	explicit_bzero(csrf, sizeof(csrf));
	user_free(u);
}

void
api_session_create(struct hd_req *r)
{
	static const char *const keys[] = { "login", "password", NULL };
	struct directory_entry	*e = NULL;
	enum directory_failure	 why;
	enum hd_result		 res;
	cJSON			*o;
	const unsigned char	*body;
	const char		*login, *password, *bad;
	char			 err[160], retry[16];
	size_t			 blen;
	int			 wait;

	o = request_json(r);
	/* The password is in the body: wipe it there at once, parsed or not. */
	body = request_body(r, &blen);
	explicit_bzero((void *)(uintptr_t)body, blen);
	if (o == NULL)
		return;
	if (json_check_keys(o, keys, &bad) != 0) {
		reply_error(r, 400, "bad_request", "Unknown field: %s.", bad);
		goto out;
	}
	/* Lengths are checked by directory_login, which answers 401 for them. */
	if (json_get_string(o, "login", true, 0, LONG_MAX, &login, err,
	    sizeof(err)) < 0 || json_get_string(o, "password", true, 0, LONG_MAX,
	    &password, err, sizeof(err)) < 0) {
		reply_error(r, 400, "bad_request", "%s.", err);
		goto out;
	}

	res = login_throttle_check(r->w->db, login, r->client_ip, &wait);
	if (res == HD_THROTTLED) {
		(void)audit_record(r->w->db, AUDIT_LOGIN_FAILURE, login, 0,
		    r->client_ip, "throttled");
		audit_log(r, LOG_WARN, "auth.throttled", login, "throttled");
		api_session_count(r, LOGIN_THROTTLED, false);
		snprintf(retry, sizeof(retry), "%d", wait);
		reply_header(r, "Retry-After", retry);
		reply_error(r, 429, "too_many_attempts", MSG_THROTTLED);
		goto out;
	}
	if (res != HD_OK) {
		reply_result(r, res, NULL);
		goto out;
	}

	res = directory_login(login, password, strlen(password), &e, &why);
	explicit_bzero((void *)(uintptr_t)password, strlen(password));
	switch (res) {
	case HD_OK:
		break;
	case HD_UNAUTHORIZED:
		api_session_refuse(r, login, why);
		goto out;
	default:
		(void)audit_record(r->w->db, AUDIT_LOGIN_FAILURE, login, 0,
		    r->client_ip, "directory_unavailable");
		audit_log(r, LOG_WARN, "auth.failure", login,
		    "directory_unavailable");
		api_session_count(r, LOGIN_UNAVAILABLE, true);
		reply_error(r, 503, "directory_unavailable", MSG_DIRECTORY);
		goto out;
	}
	if (e->roles == 0) {
		api_session_no_access(r, e);
		goto out;
	}
	api_session_open(r, e, login);
out:
	directory_entry_free(e);
	cJSON_Delete(o);
}

void
api_session_delete(struct hd_req *r)
{
	char	cookie[160];

	if (r->session.id == 0) {
		reply_error(r, 400, "bad_request", "This request carries an API "
		    "token, not a session; revoke tokens with "
		    "DELETE /api/v1/tokens/{id}.");
		return;
	}
	(void)session_delete_id(r->w->db, r->session.id);
	(void)audit_record(r->w->db, AUDIT_LOGOUT, r->user->login, r->user->id,
	    r->client_ip, NULL);
	audit_log(r, LOG_INFO, "session.logout", r->user->login, NULL);
	session_cookie(cookie, sizeof(cookie), NULL);
	reply_header(r, "Set-Cookie", cookie);
	reply_header(r, "Clear-Site-Data", "\"cookies\"");
	reply_empty(r, 204);
}

void
api_me_get(struct hd_req *r)
{
	/* The portal reads the CSRF token here after a reload. */
	api_session_reply_user(r, 200, r->user,
	    r->session.id != 0 ? r->session.csrf : NULL, true);
}

void
api_me_patch(struct hd_req *r)
{
	static const char *const keys[] = { "lang", NULL };
	cJSON		*o;
	const char	*lang, *bad;
	char		 err[160];
	enum hd_result	 res;
	int		 has;

	if ((o = request_json(r)) == NULL)
		return;
	if (json_check_keys(o, keys, &bad) != 0) {
		reply_error(r, 400, "bad_request", "Unknown field: %s.", bad);
		goto out;
	}
	if ((has = json_get_string(o, "lang", false, 2, 2, &lang, err,
	    sizeof(err))) < 0 || (has == 1 && strcmp(lang, "fr") != 0 &&
	    strcmp(lang, "en") != 0)) {
		reply_error(r, 400, "bad_request", "lang must be \"fr\" or \"en\".");
		goto out;
	}
	if (has == 1) {
		if ((res = user_store_set_lang(r->w->db, r->user->id,
		    lang)) != HD_OK) {
			reply_result(r, res, NULL);
			goto out;
		}
		snprintf(r->user->lang, sizeof(r->user->lang), "%s", lang);
	}
	api_session_reply_user(r, 200, r->user, NULL, false);
out:
	cJSON_Delete(o);
}
