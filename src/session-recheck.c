/*
 * Re-checking a session's user against the directory. The common case
 * costs nothing: the session look-up already returns how long ago the
 * directory was asked, and only an old answer leads here.
 */
#include "helpdesk.h"

#include <stdlib.h>
#include <strings.h>

#include "audit.h"
#include "conf.h"
#include "db.h"
#include "directory.h"
#include "log.h"
#include "router.h"
#include "session-recheck.h"
#include "user-store.h"
#include "user.h"
#include "util.h"
#include "worker.h"

/*
 * After the directory failed, a worker leaves re-checks alone this long,
 * so that an outage does not add a timeout to every request.
 */
#define RECHECK_PAUSE_US	(10 * 1000000LL)

static __thread int64_t	recheck_pause_until;

static void
session_recheck_count_error(struct hd_req *r)
{
	if (r->w == NULL)
		return;
	pthread_mutex_lock(&r->w->metrics.lock);
	r->w->metrics.ldap_errors++;
	pthread_mutex_unlock(&r->w->metrics.lock);
}

enum hd_result
session_recheck(struct hd_req *r)
{
	struct directory_entry	*e = NULL;
	struct user		*u = r->user;
	char			*dn = NULL, *login = NULL;
	const char		*why = NULL;
	enum hd_result		 res;

	if (util_mono_us() < recheck_pause_until)
		return (HD_OK);
	if (user_store_directory(r->w->db, u->id, &dn, &login) != HD_OK) {
		res = HD_OK;	/* the database failed: the next request tries */
		goto out;
	}
	res = directory_lookup_dn(dn, login, &e);
	if (res == HD_UNAVAILABLE) {
		recheck_pause_until = util_mono_us() + RECHECK_PAUSE_US;
		session_recheck_count_error(r);
		log_warn("directory unreachable: sessions go on unchecked for now");
		res = HD_OK;
		goto out;
	}
	if (res == HD_NOTFOUND)
		why = "left_directory";
	else if (e->roles == 0)
		why = "no_group";
	if (why != NULL) {
		(void)user_store_disable(r->w->db, u->id, NULL);
		(void)audit_record(r->w->db, AUDIT_ACCESS_REVOKED, u->login, u->id,
		    r->client_ip, why);
		audit_log(r, LOG_INFO, "session.revoked", u->login, why);
		user_free(r->user);
		r->user = NULL;
		res = HD_UNAUTHORIZED;
		goto out;
	}
	/* Same person: bring the copy up to date (a renamed login keeps its row). */
	if (strcasecmp(e->login, u->login) == 0)
		res = user_store_upsert(r->w->db, e, false, NULL, NULL);
	else
		res = user_store_set_roles(r->w->db, u->id, e->roles);
	if (res == HD_OK) {
		u->roles = e->roles;
		if (r->session.id != 0)
			(void)session_mark_checked(r->w->db, r->session.id);
		else
			(void)session_mark_token_checked(r->w->db, r->session.token_id);
	}
	res = HD_OK;
out:
	directory_entry_free(e);
	free(dn);
	free(login);
	return (res);
}
