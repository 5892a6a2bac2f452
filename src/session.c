/*
 * Sessions and API tokens: create, look up with one indexed query, touch,
 * end. The database only ever sees SHA-256 of a token.
 */
#include "helpdesk.h"

#include <stdio.h>
#include <string.h>

#include "conf.h"
#include "db.h"
#include "session.h"
#include "sha256.h"
#include "user.h"
#include "util.h"
#include "xmalloc.h"

/* Columns of STMT_SESSION_LOOKUP and STMT_TOKEN_LOOKUP. */
enum { C_ID, C_CSRF, C_CHECKED_AGE, C_SEEN_AGE, C_USER };

int
session_token_wellformed(const char *s, size_t len)
{
	size_t	i;

	if (len != UTIL_TOKEN_LEN)
		return (0);
	for (i = 0; i < len; i++) {
		char c = s[i];

		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '_'))
			return (0);
	}
	return (1);
}

enum hd_result
session_create(struct db *db, int64_t user_id, const char *ip,
    const char *agent, char token[UTIL_TOKEN_LEN + 1],
    char csrf[UTIL_TOKEN_LEN + 1])
{
	unsigned char	 hash[SHA256_LEN];
	char		 ua[256];
	enum hd_result	 res;

	util_token_new(token);
	util_token_new(csrf);
	sha256(token, UTIL_TOKEN_LEN, hash);
	/* Keep whole UTF-8 sequences when cutting a long User-Agent. */
	snprintf(ua, sizeof(ua), "%s", agent != NULL ? agent : "");
	while (util_utf8_count(ua, strlen(ua)) < 0 && ua[0] != '\0')
		ua[strlen(ua) - 1] = '\0';
	res = db_exec(db, STMT_SESSION_INSERT, NULL, "bisiss", hash,
	    sizeof(hash), (int64_t)user_id, csrf,
	    (int64_t)cfg.session_absolute_timeout, ip != NULL ? ip : "", ua);
	explicit_bzero(hash, sizeof(hash));
	return (res);
}

static char *
session_strdup_or_null(const char *s)
{
	return (s == NULL ? NULL : xstrdup(s));
}

/* Read the user and session columns of the current row. */
static void
session_fill(struct db_res *res, struct user **out, struct session *s)
{
	struct user	*u;
	const char	*lang;

	memset(s, 0, sizeof(*s));
	if (db_res_str(res, C_CSRF) != NULL) {
		s->id = db_res_int(res, C_ID);
		snprintf(s->csrf, sizeof(s->csrf), "%s", db_res_str(res, C_CSRF));
	} else
		s->token_id = db_res_int(res, C_ID);
	s->checked_age = db_res_int(res, C_CHECKED_AGE);

	u = xcalloc(1, sizeof(*u));
	u->id = db_res_int(res, C_USER);
	u->login = xstrdup(db_res_str(res, C_USER + 1));
	u->name = xstrdup(db_res_str(res, C_USER + 2));
	u->email = xstrdup(db_res_str(res, C_USER + 3));
	u->phone = session_strdup_or_null(db_res_str(res, C_USER + 4));
	u->organisation_id = db_res_int(res, C_USER + 5);
	u->organisation = session_strdup_or_null(db_res_str(res, C_USER + 6));
	u->roles = (unsigned)db_res_int(res, C_USER + 7);
	lang = db_res_str(res, C_USER + 8);
	snprintf(u->lang, sizeof(u->lang), "%s", lang != NULL ? lang : "fr");
	*out = u;
}

/*
 * Write last_seen at most every few seconds, so that a busy user does not
 * turn every read into a write; a tenth of the idle timeout keeps the
 * error on the timeout small.
 */
static int64_t
session_touch_interval(void)
{
	int64_t	i = cfg.session_idle_timeout / 10;

	return (i > 60 ? 60 : i);
}

enum hd_result
session_lookup(struct db *db, const char *token, struct user **u,
    struct session *s)
{
	unsigned char	 hash[SHA256_LEN];
	struct db_res	*res = NULL;
	enum hd_result	 rc;
	int64_t		 seen_age;

	*u = NULL;
	if (!session_token_wellformed(token, strlen(token)))
		return (HD_UNAUTHORIZED);
	sha256(token, UTIL_TOKEN_LEN, hash);
	rc = db_exec(db, STMT_SESSION_LOOKUP, &res, "bi", hash, sizeof(hash),
	    (int64_t)cfg.session_idle_timeout);
	if (rc != HD_OK)
		return (rc);
	if (!db_res_next(res)) {
		db_res_free(res);
		/* Expired or idle: remove the row now rather than at the purge. */
		(void)db_exec(db, STMT_SESSION_DELETE, NULL, "b", hash, sizeof(hash));
		return (HD_UNAUTHORIZED);
	}
	session_fill(res, u, s);
	seen_age = db_res_int(res, C_SEEN_AGE);
	db_res_free(res);
	if (seen_age >= session_touch_interval())
		(void)db_exec(db, STMT_SESSION_TOUCH, NULL, "i", s->id);
	return (HD_OK);
}

enum hd_result
session_lookup_token(struct db *db, const char *bearer, struct user **u,
    struct session *s)
{
	unsigned char	 hash[SHA256_LEN];
	struct db_res	*res = NULL;
	enum hd_result	 rc;
	size_t		 plen = sizeof(TOKEN_PREFIX) - 1;
	int64_t		 used_age;

	*u = NULL;
	if (strncmp(bearer, TOKEN_PREFIX, plen) != 0 ||
	    !session_token_wellformed(bearer + plen, strlen(bearer + plen)))
		return (HD_UNAUTHORIZED);
	sha256(bearer, TOKEN_LEN, hash);
	if ((rc = db_exec(db, STMT_TOKEN_LOOKUP, &res, "b", hash,
	    sizeof(hash))) != HD_OK)
		return (rc);
	if (!db_res_next(res)) {
		db_res_free(res);
		return (HD_UNAUTHORIZED);
	}
	session_fill(res, u, s);
	used_age = db_res_int(res, C_SEEN_AGE);
	db_res_free(res);
	if (used_age >= 60)
		(void)db_exec(db, STMT_TOKEN_TOUCH, NULL, "i", s->token_id);
	return (HD_OK);
}

enum hd_result
session_delete(struct db *db, const char *token)
{
	unsigned char	hash[SHA256_LEN];

	if (!session_token_wellformed(token, strlen(token)))
		return (HD_OK);
	sha256(token, UTIL_TOKEN_LEN, hash);
	return (db_exec(db, STMT_SESSION_DELETE, NULL, "b", hash, sizeof(hash)));
}

enum hd_result
session_delete_id(struct db *db, int64_t id)
{
	return (db_exec(db, STMT_SESSION_DELETE_ID, NULL, "i", id));
}

enum hd_result
session_delete_user(struct db *db, int64_t user_id)
{
	enum hd_result	rc;

	if ((rc = db_exec(db, STMT_SESSION_DELETE_USER, NULL, "i", user_id)) != HD_OK)
		return (rc);
	return (db_exec(db, STMT_TOKEN_REVOKE_USER, NULL, "i", user_id));
}

enum hd_result
session_mark_checked(struct db *db, int64_t session_id)
{
	return (db_exec(db, STMT_SESSION_CHECKED, NULL, "i", session_id));
}

enum hd_result
session_mark_token_checked(struct db *db, int64_t token_id)
{
	return (db_exec(db, STMT_TOKEN_CHECKED, NULL, "i", token_id));
}

void
session_cookie(char *buf, size_t len, const char *token)
{
	const char	*secure = cfg.session_cookie_secure ? "; Secure" : "";

	/*
	 * SameSite=Strict: the portal is one origin and no other site links
	 * into a logged-in action; a link from a mail opens the login page
	 * first, then the ticket.
	 */
	if (token == NULL)
		snprintf(buf, len, SESSION_COOKIE "=; Path=/; HttpOnly; "
		    "SameSite=Strict; Max-Age=0%s", secure);
	else
		snprintf(buf, len, SESSION_COOKIE "=%s; Path=/; HttpOnly; "
		    "SameSite=Strict%s", token, secure);
}
