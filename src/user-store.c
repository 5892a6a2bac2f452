/*
 * Users and organisations as the directory describes them. The login
 * attribute is the key (users.login is unique and compares without case,
 * so "ALICE" and "alice" are one row); every other column follows the
 * directory. Rows are never deleted: tickets keep pointing at them.
 */
#include "helpdesk.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "directory.h"
#include "session.h"
#include "user-store.h"
#include "user.h"
#include "xmalloc.h"

/* Columns of STMT_USER_BY_LOGIN. */
enum { U_ID, U_LOGIN, U_DN, U_NAME, U_EMAIL, U_PHONE, U_ORG, U_ROLES, U_ACTIVE };

static int
user_store_same(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return (a == b);
	return (strcmp(a, b) == 0);
}

/* The id of the organisation named name, created when new; 0 for none. */
static enum hd_result
user_store_organisation(struct db *db, const char *name, int64_t *id)
{
	struct db_res	*res = NULL;
	enum hd_result	 rc;
	int		 attempt;

	*id = 0;
	if (name == NULL || *name == '\0')
		return (HD_OK);
	for (attempt = 0; attempt < 3; attempt++) {
		if ((rc = db_exec(db, STMT_ORG_BY_CODE, &res, "s", name)) != HD_OK)
			return (rc);
		if (db_res_next(res)) {
			bool renamed = strcmp(db_res_str(res, 1), name) != 0;

			*id = db_res_int(res, 0);
			db_res_free(res);
			/* The code compares without case; the name shows it as now written. */
			if (renamed)
				return (db_exec(db, STMT_ORG_RENAME, NULL, "si", name,
				    *id));
			return (HD_OK);
		}
		db_res_free(res);
		res = NULL;
		rc = db_exec(db, STMT_ORG_INSERT, NULL, "ss", name, name);
		/* Another worker created it meanwhile: read it again. */
		if (rc != HD_OK && rc != HD_CONFLICT)
			return (rc);
	}
	return (HD_CONFLICT);
}

enum hd_result
user_store_upsert(struct db *db, const struct directory_entry *e,
    bool at_login, int64_t *idp, enum user_store_change *chg)
{
	struct db_res		*res = NULL;
	enum user_store_change	 change = USER_UNCHANGED;
	enum hd_result		 rc;
	int64_t			 org = 0, id = 0, roles = e->roles;
	int			 attempt;
	bool			 same;

	if ((rc = user_store_organisation(db, e->organisation, &org)) != HD_OK)
		return (rc);
	for (attempt = 0; attempt < 3; attempt++) {
		if ((rc = db_exec(db, STMT_USER_BY_LOGIN, &res, "s",
		    e->login)) != HD_OK)
			return (rc);
		if (db_res_next(res)) {
			id = db_res_int(res, U_ID);
			same = user_store_same(db_res_str(res, U_LOGIN), e->login) &&
			    user_store_same(db_res_str(res, U_DN), e->dn) &&
			    user_store_same(db_res_str(res, U_NAME), e->name) &&
			    user_store_same(db_res_str(res, U_EMAIL), e->email) &&
			    user_store_same(db_res_str(res, U_PHONE), e->phone) &&
			    db_res_int(res, U_ORG) == org &&
			    db_res_int(res, U_ROLES) == roles &&
			    db_res_int(res, U_ACTIVE) == 1;
			db_res_free(res);
			if (!same) {
				rc = db_exec(db, STMT_USER_UPDATE, NULL, "sssssIii",
				    e->login, e->dn, e->name, e->email, e->phone,
				    org != 0 ? &org : NULL, roles, id);
				if (rc != HD_OK)
					return (rc);
				change = USER_UPDATED;
			}
			if (at_login && (rc = db_exec(db, STMT_USER_LOGGED_IN, NULL,
			    "i", id)) != HD_OK)
				return (rc);
			break;
		}
		db_res_free(res);
		res = NULL;
		rc = db_exec(db, STMT_USER_INSERT, NULL, "sssssIii", e->login,
		    e->dn, e->name, e->email, e->phone, org != 0 ? &org : NULL,
		    roles, (int64_t)(at_login ? 1 : 0));
		if (rc == HD_CONFLICT)
			continue;	/* created meanwhile: update it instead */
		if (rc != HD_OK)
			return (rc);
		change = USER_CREATED;
		if ((rc = user_store_find(db, e->login, &id, NULL)) != HD_OK)
			return (rc);
		break;
	}
	if (id == 0)
		return (HD_CONFLICT);
	if (idp != NULL)
		*idp = id;
	if (chg != NULL)
		*chg = change;
	return (HD_OK);
}

static char *
user_store_dup(const char *s)
{
	return (s == NULL ? NULL : xstrdup(s));
}

enum hd_result
user_store_get(struct db *db, int64_t id, struct user **out)
{
	struct db_res	*res = NULL;
	struct user	*u;
	enum hd_result	 rc;
	const char	*lang;

	*out = NULL;
	if ((rc = db_exec(db, STMT_USER_GET, &res, "i", id)) != HD_OK)
		return (rc);
	if (!db_res_next(res)) {
		db_res_free(res);
		return (HD_NOTFOUND);
	}
	/* The columns of USER_COLUMNS (db-stmt.c). */
	u = xcalloc(1, sizeof(*u));
	u->id = db_res_int(res, 0);
	u->login = xstrdup(db_res_str(res, 1));
	u->name = xstrdup(db_res_str(res, 2));
	u->email = xstrdup(db_res_str(res, 3));
	u->phone = user_store_dup(db_res_str(res, 4));
	u->organisation_id = db_res_int(res, 5);
	u->organisation = user_store_dup(db_res_str(res, 6));
	u->roles = (unsigned)db_res_int(res, 7);
	lang = db_res_str(res, 8);
	snprintf(u->lang, sizeof(u->lang), "%s", lang != NULL ? lang : "fr");
	db_res_free(res);
	*out = u;
	return (HD_OK);
}

enum hd_result
user_store_find(struct db *db, const char *login, int64_t *id, bool *active)
{
	struct db_res	*res = NULL;
	enum hd_result	 rc;

	*id = 0;
	if ((rc = db_exec(db, STMT_USER_BY_LOGIN, &res, "s", login)) != HD_OK)
		return (rc);
	if (!db_res_next(res)) {
		db_res_free(res);
		return (HD_NOTFOUND);
	}
	*id = db_res_int(res, U_ID);
	if (active != NULL)
		*active = db_res_int(res, U_ACTIVE) == 1;
	db_res_free(res);
	return (HD_OK);
}

enum hd_result
user_store_disable(struct db *db, int64_t id, bool *changed)
{
	enum hd_result	rc;

	if ((rc = db_exec(db, STMT_USER_DISABLE, NULL, "i", id)) != HD_OK)
		return (rc);
	if (changed != NULL)
		*changed = db_affected_rows(db) > 0;
	/* Even when it was inactive already: nothing of it may stay open. */
	return (session_delete_user(db, id));
}

enum hd_result
user_store_set_roles(struct db *db, int64_t id, unsigned roles)
{
	return (db_exec(db, STMT_USER_SET_ROLES, NULL, "ii", (int64_t)roles, id));
}

enum hd_result
user_store_set_lang(struct db *db, int64_t id, const char *lang)
{
	return (db_exec(db, STMT_USER_SET_LANG, NULL, "si", lang, id));
}

enum hd_result
user_store_directory(struct db *db, int64_t id, char **dn, char **login)
{
	struct db_res	*res = NULL;
	enum hd_result	 rc;

	*dn = *login = NULL;
	if ((rc = db_exec(db, STMT_USER_DIRECTORY, &res, "i", id)) != HD_OK)
		return (rc);
	if (!db_res_next(res)) {
		db_res_free(res);
		return (HD_NOTFOUND);
	}
	*dn = xstrdup(db_res_str(res, 0));
	*login = xstrdup(db_res_str(res, 1));
	db_res_free(res);
	return (HD_OK);
}
