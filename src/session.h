/*
 * Sessions and API tokens, stored in MariaDB as SHA-256 hashes only: the
 * cookie or Bearer value never reaches the database or the log.
 */
#ifndef SESSION_H
#define SESSION_H

#include <stddef.h>
#include <stdint.h>

#include "helpdesk.h"
#include "util.h"

struct db;
struct user;

#define SESSION_COOKIE		"gidhd_session"
#define TOKEN_PREFIX		"gidhd_"
#define TOKEN_LEN		(sizeof(TOKEN_PREFIX) - 1 + UTIL_TOKEN_LEN)

struct session {
	int64_t		id;		/* sessions.id; 0 for a Bearer token */
	int64_t		token_id;	/* api_tokens.id; 0 for a cookie */
	char		csrf[UTIL_TOKEN_LEN + 1];
	int64_t		checked_age;	/* seconds since the directory was asked */
};

/*
 * Open a session for user_id. token receives the cookie value and csrf
 * the CSRF token. ip and agent are recorded (agent truncated).
 */
enum hd_result	session_create(struct db *, int64_t, const char *, const char *,
		    char token[UTIL_TOKEN_LEN + 1], char csrf[UTIL_TOKEN_LEN + 1]);
/*
 * The session behind a cookie value: HD_OK with *u (caller frees) and *s,
 * HD_UNAUTHORIZED when unknown, expired or idle too long.
 */
enum hd_result	session_lookup(struct db *, const char *, struct user **,
		    struct session *);
/* The same for "Authorization: Bearer <token>". */
enum hd_result	session_lookup_token(struct db *, const char *, struct user **,
		    struct session *);
/* End the session behind a cookie value (logout). */
enum hd_result	session_delete(struct db *, const char *);
/* End session id (logout of the request's own session). */
enum hd_result	session_delete_id(struct db *, int64_t);
/* End every session and revoke every token of a user (lost access). */
enum hd_result	session_delete_user(struct db *, int64_t);
/* Mark that the directory confirmed the user's access just now. */
enum hd_result	session_mark_checked(struct db *, int64_t);
/* The same for an API token. */
enum hd_result	session_mark_token_checked(struct db *, int64_t);
/* Set-Cookie value: the token, or an expired cookie when token is NULL. */
void		session_cookie(char *, size_t, const char *);
/* Whether a cookie or Bearer value has the shape of one of ours. */
int		session_token_wellformed(const char *, size_t);

#endif
