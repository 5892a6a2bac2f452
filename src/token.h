/*
 * Personal API tokens for scripts ("Authorization: Bearer gidhd_..."):
 * created by a logged-in user, shown once, stored as SHA-256 only, with
 * an optional expiry, revocable; session.c looks them up.
 */
#ifndef TOKEN_H
#define TOKEN_H

#include <stdint.h>

#include "helpdesk.h"
#include "session.h"

struct db;
struct cJSON;

/* Active (neither revoked nor expired) tokens a user may hold at once. */
#define TOKEN_MAX_ACTIVE	20
/* Longest name, in code points (api_tokens.name). */
#define TOKEN_NAME_MAX		100

/*
 * Create a token for user_id named name, expiring after days (0 = never).
 * secret receives the value to show once; *out the token as JSON (caller
 * frees). HD_CONFLICT when the user already holds TOKEN_MAX_ACTIVE.
 */
enum hd_result	token_create(struct db *, int64_t, const char *, int64_t,
		    char secret[TOKEN_LEN + 1], struct cJSON **);
/* {"tokens":[...]} of user_id, not revoked; caller frees *out. */
enum hd_result	token_list(struct db *, int64_t, struct cJSON **);
/* Revoke token id of user_id; HD_NOTFOUND when not theirs or revoked. */
enum hd_result	token_revoke(struct db *, int64_t, int64_t);

#endif
