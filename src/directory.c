/*
 * Connections to the directory: every handle gets protocol v3, network and
 * operation timeouts, no referral chasing, and TLS with certificate checks
 * (ldaps:// or StartTLS, never a silent fall back to plain text). The URI
 * list is tried in order by libldap, which gives the failover.
 */
#include "helpdesk.h"

#include <string.h>
#include <sys/time.h>

#include <ldap.h>

#include "conf.h"
#include "directory.h"
#include "log.h"
#include "util.h"

#define DIRECTORY_PING_CACHE_US	2000000

static __thread int64_t		directory_ping_at;
static __thread enum hd_result	directory_ping_last = HD_UNAVAILABLE;

/*
 * A new handle on the configured URIs with every option set and, when
 * asked, StartTLS done. The caller unbinds it. NULL with *rc on failure.
 */
LDAP *
directory_connect(int *rc)
{
	LDAP		*ld = NULL;
	int		 v3 = LDAP_VERSION3, zero = 0, req;
	struct timeval	 net = { cfg.ldap_network_timeout, 0 };
	struct timeval	 op = { cfg.ldap_timeout, 0 };

	if ((*rc = ldap_initialize(&ld, cfg.ldap_uri)) != LDAP_SUCCESS) {
		log_err("directory: bad uri \"%s\": %s", cfg.ldap_uri,
		    ldap_err2string(*rc));
		return (NULL);
	}
	ldap_set_option(ld, LDAP_OPT_PROTOCOL_VERSION, &v3);
	ldap_set_option(ld, LDAP_OPT_REFERRALS, LDAP_OPT_OFF);
	ldap_set_option(ld, LDAP_OPT_NETWORK_TIMEOUT, &net);
	ldap_set_option(ld, LDAP_OPT_TIMEOUT, &op);
	req = cfg.ldap_tls_require_cert ? LDAP_OPT_X_TLS_HARD : LDAP_OPT_X_TLS_NEVER;
	ldap_set_option(ld, LDAP_OPT_X_TLS_REQUIRE_CERT, &req);
	if (cfg.ldap_ca_file[0] != '\0')
		ldap_set_option(ld, LDAP_OPT_X_TLS_CACERTFILE, cfg.ldap_ca_file);
	/* Options set on a handle only count once it has its own TLS context. */
	ldap_set_option(ld, LDAP_OPT_X_TLS_NEWCTX, &zero);
	if (cfg.ldap_start_tls &&
	    (*rc = ldap_start_tls_s(ld, NULL, NULL)) != LDAP_SUCCESS) {
		log_warn("directory: StartTLS failed: %s", ldap_err2string(*rc));
		ldap_unbind_ext_s(ld, NULL, NULL);
		return (NULL);
	}
	*rc = LDAP_SUCCESS;
	return (ld);
}

/*
 * Simple bind with an explicit length, refusing an empty password before
 * any traffic: an empty simple bind is an unauthenticated bind, which many
 * servers accept as anonymous.
 */
int
directory_bind(LDAP *ld, const char *dn, const char *password, size_t len)
{
	struct berval	cred;

	if (dn == NULL || *dn == '\0' || password == NULL || len == 0)
		return (LDAP_INVALID_CREDENTIALS);
	cred.bv_val = (char *)(uintptr_t)password;
	cred.bv_len = len;
	return (ldap_sasl_bind_s(ld, dn, LDAP_SASL_SIMPLE, &cred, NULL, NULL,
	    NULL));
}

/* A handle bound as the service account, or NULL with the reason in *res. */
LDAP *
directory_service(enum hd_result *res)
{
	LDAP	*ld;
	int	 rc;

	if ((ld = directory_connect(&rc)) == NULL) {
		*res = HD_UNAVAILABLE;
		return (NULL);
	}
	rc = directory_bind(ld, cfg.ldap_bind_dn, cfg.ldap_bind_password,
	    cfg.ldap_bind_password != NULL ? strlen(cfg.ldap_bind_password) : 0);
	if (rc != LDAP_SUCCESS) {
		log_warn("directory: service bind as %s failed: %s",
		    cfg.ldap_bind_dn, ldap_err2string(rc));
		ldap_unbind_ext_s(ld, NULL, NULL);
		/* A wrong service password is an outage, not the user's fault. */
		*res = HD_UNAVAILABLE;
		return (NULL);
	}
	*res = HD_OK;
	return (ld);
}

enum hd_result
directory_ping(void)
{
	LDAP		*ld;
	enum hd_result	 res;
	int64_t		 now = util_mono_us();

	if (directory_ping_at != 0 && now - directory_ping_at < DIRECTORY_PING_CACHE_US)
		return (directory_ping_last);
	if ((ld = directory_service(&res)) != NULL)
		ldap_unbind_ext_s(ld, NULL, NULL);
	directory_ping_at = util_mono_us();
	directory_ping_last = res;
	return (res);
}

/*
 * Whether a libldap result means that the directory failed us (no server,
 * a timeout, a TLS failure, an overloaded server) rather than refused the
 * request: the first gives 503, the second an answer about the request.
 */
bool
directory_rc_is_outage(int rc)
{
	if (rc < 0)	/* client side: server down, timeout, connect, TLS */
		return (true);
	switch (rc) {
	case LDAP_OPERATIONS_ERROR:
	case LDAP_PROTOCOL_ERROR:
	case LDAP_TIMELIMIT_EXCEEDED:
	case LDAP_ADMINLIMIT_EXCEEDED:
	case LDAP_UNAVAILABLE_CRITICAL_EXTENSION:
	case LDAP_CONFIDENTIALITY_REQUIRED:
	case LDAP_BUSY:
	case LDAP_UNAVAILABLE:
	case LDAP_LOOP_DETECT:
	case LDAP_OTHER:
		return (true);
	default:
		return (false);
	}
}
