/*
 * API tokens: "gidhd_" and 43 base64url characters of getrandom(2). The
 * database keeps SHA-256 of the whole value, so neither a leaked table
 * nor the log yields a usable token.
 */
#include "helpdesk.h"

#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "db.h"
#include "sha256.h"
#include "token.h"
#include "util.h"

/* Columns of TOKEN_COLUMNS (db-stmt.c). */
enum { T_ID, T_NAME, T_CREATED, T_EXPIRES, T_LAST_USED };

static void
token_add_time(cJSON *o, const char *key, const char *value)
{
	if (value != NULL)
		cJSON_AddStringToObject(o, key, value);
	else
		cJSON_AddNullToObject(o, key);
}

/* The current row as {"id","name","created","expires","last_used"}. */
static cJSON *
token_row_json(struct db_res *res)
{
	cJSON	*o = cJSON_CreateObject();

	cJSON_AddNumberToObject(o, "id", (double)db_res_int(res, T_ID));
	cJSON_AddStringToObject(o, "name", db_res_str(res, T_NAME));
	token_add_time(o, "created", db_res_str(res, T_CREATED));
	token_add_time(o, "expires", db_res_str(res, T_EXPIRES));
	token_add_time(o, "last_used", db_res_str(res, T_LAST_USED));
	return (o);
}

enum hd_result
token_create(struct db *db, int64_t user_id, const char *name, int64_t days,
    char secret[TOKEN_LEN + 1], cJSON **out)
{
	unsigned char	 hash[SHA256_LEN];
	char		 raw[UTIL_TOKEN_LEN + 1];
	struct db_res	*res = NULL;
	enum hd_result	 rc;

	*out = NULL;
	if ((rc = db_exec(db, STMT_TOKEN_COUNT_ACTIVE, &res, "i",
	    user_id)) != HD_OK)
		return (rc);
	if (db_res_next(res) && db_res_int(res, 0) >= TOKEN_MAX_ACTIVE) {
		db_res_free(res);
		return (HD_CONFLICT);
	}
	db_res_free(res);
	res = NULL;

	util_token_new(raw);
	snprintf(secret, TOKEN_LEN + 1, TOKEN_PREFIX "%s", raw);
	explicit_bzero(raw, sizeof(raw));
	sha256(secret, TOKEN_LEN, hash);
	rc = db_exec(db, STMT_TOKEN_INSERT, NULL, "bisI", hash, sizeof(hash),
	    user_id, name, days > 0 ? &days : NULL);
	if (rc == HD_OK)
		rc = db_exec(db, STMT_TOKEN_BY_HASH, &res, "b", hash, sizeof(hash));
	explicit_bzero(hash, sizeof(hash));
	if (rc != HD_OK) {
		explicit_bzero(secret, TOKEN_LEN + 1);
		return (rc);
	}
	if (!db_res_next(res)) {
		db_res_free(res);
		explicit_bzero(secret, TOKEN_LEN + 1);
		return (HD_INTERNAL);
	}
	*out = token_row_json(res);
	db_res_free(res);
	return (HD_OK);
}

enum hd_result
token_list(struct db *db, int64_t user_id, cJSON **out)
{
	struct db_res	*res = NULL;
	enum hd_result	 rc;
	cJSON		*o, *a;

	*out = NULL;
	if ((rc = db_exec(db, STMT_TOKEN_LIST, &res, "i", user_id)) != HD_OK)
		return (rc);
	o = cJSON_CreateObject();
	a = cJSON_AddArrayToObject(o, "tokens");
	while (db_res_next(res))
		cJSON_AddItemToArray(a, token_row_json(res));
	db_res_free(res);
	*out = o;
	return (HD_OK);
}

enum hd_result
token_revoke(struct db *db, int64_t user_id, int64_t id)
{
	enum hd_result	rc;

	if ((rc = db_exec(db, STMT_TOKEN_REVOKE, NULL, "ii", id, user_id)) != HD_OK)
		return (rc);
	return (db_affected_rows(db) > 0 ? HD_OK : HD_NOTFOUND);
}
