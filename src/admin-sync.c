/*
 * gid-helpdesk sync: make the users and organisations tables match the
 * directory. Every member of the three groups is created or updated;
 * every active user who left the directory or all groups is disabled (the
 * row and its tickets stay, its sessions and tokens end). Nothing is
 * written before the whole directory was read, so a failure half-way
 * changes nothing; running it again changes nothing either.
 */
#include "helpdesk.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "admin.h"
#include "audit.h"
#include "conf.h"
#include "db.h"
#include "directory.h"
#include "log.h"
#include "user-store.h"
#include "xmalloc.h"

/* Users written per transaction. */
#define SYNC_BATCH	500

struct sync_counts {
	int	created;
	int	updated;
	int	disabled;
	int	unchanged;
};

static int
admin_sync_cmp(const void *a, const void *b)
{
	const struct directory_entry *const *x = a, *const *y = b;

	return (strcasecmp((*x)->login, (*y)->login));
}

/*
 * Sort by login and set aside every login found more than once (two
 * entries for one person is what a login refuses too): one entry of each
 * goes to *amb so that its user is left as it is, neither updated nor
 * disabled. *n shrinks accordingly.
 */
static void
admin_sync_dedupe(struct directory_entry **v, size_t *n,
    struct directory_entry ***amb, size_t *namb)
{
	size_t	i, j, k, out = 0;

	if (*n > 1)
		qsort(v, *n, sizeof(*v), admin_sync_cmp);
	for (i = 0; i < *n; i = j) {
		for (j = i + 1; j < *n && strcasecmp(v[i]->login, v[j]->login) == 0;
		    j++)
			;
		if (j - i == 1) {
			v[out++] = v[i];
			continue;
		}
		fprintf(stderr, "sync: %zu entries have the login %s; it is left"
		    " as it is\n", j - i, v[i]->login);
		*amb = xreallocarray(*amb, *namb + 1, sizeof(**amb));
		(*amb)[(*namb)++] = v[i];
		for (k = i + 1; k < j; k++)
			directory_entry_free(v[k]);
	}
	*n = out;
}

/* Write one batch of entries in a transaction, counting what changed. */
static enum hd_result
admin_sync_batch(struct db *db, struct directory_entry **v, size_t n,
    struct sync_counts *c)
{
	struct sync_counts	 local;
	enum user_store_change	 chg;
	enum hd_result		 res = HD_OK;
	size_t			 i;
	int			 attempt;

	for (attempt = 0; attempt < 3; attempt++) {
		local = *c;
		if ((res = db_begin(db)) != HD_OK)
			return (res);
		for (i = 0; i < n; i++) {
			if ((res = user_store_upsert(db, v[i], false, NULL,
			    &chg)) != HD_OK)
				break;
			if (chg == USER_CREATED)
				local.created++;
			else if (chg == USER_UPDATED)
				local.updated++;
			else
				local.unchanged++;
		}
		if (res == HD_OK)
			res = db_commit(db);
		else
			db_rollback(db);
		if (res != HD_RETRY)
			break;
	}
	if (res == HD_OK)
		*c = local;
	return (res);
}

/* Whether login is one of the n sorted entries of v. */
static bool
admin_sync_has(struct directory_entry **v, size_t n, const char *login)
{
	struct directory_entry	 key, *kp = &key;

	if (n == 0)
		return (false);
	memset(&key, 0, sizeof(key));
	key.login = (char *)(uintptr_t)login;
	return (bsearch(&kp, v, n, sizeof(*v), admin_sync_cmp) != NULL);
}

/*
 * Disable the active users whose login is neither among the members v nor
 * among the ambiguous logins amb.
 */
static enum hd_result
admin_sync_disable(struct db *db, struct directory_entry **v, size_t n,
    struct directory_entry **amb, size_t namb, struct sync_counts *c,
    int allow_empty)
{
	struct db_res		*res = NULL;
	enum hd_result		 rc;
	const char		*login;
	int64_t			*ids = NULL;
	char			**logins = NULL;
	size_t			 nids = 0, i;
	bool			 changed;

	if ((rc = db_exec(db, STMT_USER_ACTIVE_LIST, &res, "")) != HD_OK)
		return (rc);
	while (db_res_next(res)) {
		login = db_res_str(res, 1);
		if (admin_sync_has(v, n, login) || admin_sync_has(amb, namb, login))
			continue;
		ids = xreallocarray(ids, nids + 1, sizeof(*ids));
		logins = xreallocarray(logins, nids + 1, sizeof(*logins));
		ids[nids] = db_res_int(res, 0);
		logins[nids++] = xstrdup(login);
	}
	db_res_free(res);
	/* An empty answer is more likely a broken directory than an empty office. */
	if (n == 0 && nids > 0 && !allow_empty) {
		fprintf(stderr, "sync: the directory lists nobody in the three groups;"
		    " refusing to disable %zu users (use --allow-empty if that is"
		    " right)\n", nids);
		rc = HD_INVALID;
		goto out;
	}
	for (i = 0; i < nids; i++) {
		if ((rc = user_store_disable(db, ids[i], &changed)) != HD_OK)
			goto out;
		(void)audit_record(db, AUDIT_ACCESS_REVOKED, logins[i], ids[i], "",
		    "sync");
		printf("sync: disabled %s\n", logins[i]);
		c->disabled++;
	}
	rc = HD_OK;
out:
	for (i = 0; i < nids; i++)
		free(logins[i]);
	free(logins);
	free(ids);
	return (rc);
}

int
admin_sync(int argc, char **argv)
{
	struct directory_entry	**v = NULL, **amb = NULL;
	struct sync_counts	  c;
	struct db_params	  p;
	struct db		 *db = NULL;
	enum hd_result		  res;
	char			 *cause = NULL;
	size_t			  n = 0, namb = 0, i;
	int			  allow_empty = 0, rc = 1;

	memset(&c, 0, sizeof(c));
	if (argc == 2 && strcmp(argv[1], "--allow-empty") == 0)
		allow_empty = 1;
	else if (argc != 1) {
		fprintf(stderr, "usage: gid-helpdesk sync [--allow-empty]\n");
		return (2);
	}
	if ((res = directory_sync_read(&v, &n, &cause)) != HD_OK) {
		fprintf(stderr, "sync: %s\n", cause != NULL ? cause : "failed");
		free(cause);
		return (1);
	}
	admin_sync_dedupe(v, &n, &amb, &namb);

	/* The daemon's account: the sync only reads and writes rows. */
	db_params_from_conf(&p);
	db = db_create(&p);
	if (db_connect(db) != HD_OK) {
		fprintf(stderr, "sync: cannot connect to the database\n");
		goto out;
	}
	for (i = 0; i < n; i += SYNC_BATCH) {
		if ((res = admin_sync_batch(db, v + i,
		    n - i < SYNC_BATCH ? n - i : SYNC_BATCH, &c)) != HD_OK) {
			fprintf(stderr, "sync: writing users failed (%d); nothing"
			    " was disabled\n", (int)res);
			goto out;
		}
	}
	if (admin_sync_disable(db, v, n, amb, namb, &c, allow_empty) != HD_OK)
		goto out;
	printf("sync: created %d, updated %d, disabled %d, unchanged %d\n",
	    c.created, c.updated, c.disabled, c.unchanged);
	rc = 0;
out:
	if (rc != 0)
		printf("sync: failed after created %d, updated %d, disabled %d,"
		    " unchanged %d\n", c.created, c.updated, c.disabled,
		    c.unchanged);
	db_free(db);
	for (i = 0; i < n; i++)
		directory_entry_free(v[i]);
	free(v);
	for (i = 0; i < namb; i++)
		directory_entry_free(amb[i]);
	free(amb);
	return (rc);
}
