/*
 * Logging in against the directory, search-then-bind (SECURITY.md 2.9):
 * the service account finds exactly one entry with the escaped login, the
 * password is checked by a bind as that entry's DN on a handle used for
 * nothing else, and the roles come from the three groups. Also the look-up
 * of a known DN for the periodic re-check of sessions.
 */
#include "helpdesk.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#include <ldap.h>

#include "conf.h"
#include "directory.h"
#include "log.h"
#include "util.h"
#include "xmalloc.h"

const char *
directory_failure_name(enum directory_failure f)
{
	switch (f) {
	case DF_NONE: return ("none");
	case DF_BAD_INPUT: return ("bad_input");
	case DF_UNKNOWN_LOGIN: return ("unknown_login");
	case DF_AMBIGUOUS: return ("ambiguous_login");
	case DF_WRONG_PASSWORD: return ("wrong_password");
	case DF_BIND_REFUSED: return ("bind_refused");
	case DF_NO_LOGIN_ATTRIBUTE: return ("unusable_entry");
	}
	return ("unknown");
}

/* A login worth sending to the directory: short, UTF-8, no controls. */
static int
directory_login_acceptable(const char *login)
{
	size_t		 len = strlen(login);
	long		 n = util_utf8_count(login, len);
	const char	*p;

	if (n < 1 || n > DIRECTORY_LOGIN_MAX)
		return (0);
	for (p = login; *p != '\0'; p++) {
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return (0);
	}
	return (1);
}

/* Whether a password may be sent: 1 to the limit, UTF-8, no NUL. */
static int
directory_password_acceptable(const char *pw, size_t len)
{
	long	n;

	if (pw == NULL || len == 0 || memchr(pw, '\0', len) != NULL)
		return (0);
	n = util_utf8_count(pw, len);
	return (n >= 1 && n <= DIRECTORY_PASSWORD_MAX);
}

/*
 * When no entry was found, do what a wrong password costs anyway (a new
 * connection and a bind that fails), so that the answer takes about as
 * long and nobody can tell from the timing which logins exist. The DN
 * cannot exist and the password is random: nothing of the user's is sent.
 */
static void
directory_login_decoy(void)
{
	LDAP		*ld;
	unsigned char	 rnd[16];
	char		 hex[33], pw[33], *dn;
	int		 rc;

	util_random_bytes(rnd, sizeof(rnd));
	util_hex_encode(hex, rnd, sizeof(rnd));
	util_random_bytes(rnd, sizeof(rnd));
	util_hex_encode(pw, rnd, sizeof(rnd));
	xasprintf(&dn, "cn=gidhd-decoy-%s,%s", hex, cfg.ldap_user_base);
	if ((ld = directory_connect(&rc)) != NULL) {
		(void)directory_bind(ld, dn, pw, strlen(pw));
		ldap_unbind_ext_s(ld, NULL, NULL);
	}
	explicit_bzero(pw, sizeof(pw));
	free(dn);
}

/*
 * Check the password with a bind as dn on a fresh handle, unbound at once:
 * a bind changes who the connection is, so it is never shared.
 */
static enum hd_result
directory_login_bind(const char *dn, const char *password, size_t len,
    enum directory_failure *why)
{
	LDAP	*ld;
	int	 rc;

	if ((ld = directory_connect(&rc)) == NULL)
		return (HD_UNAVAILABLE);
	rc = directory_bind(ld, dn, password, len);
	ldap_unbind_ext_s(ld, NULL, NULL);
	if (rc == LDAP_SUCCESS)
		return (HD_OK);
	if (rc == LDAP_INVALID_CREDENTIALS) {
		*why = DF_WRONG_PASSWORD;
		return (HD_UNAUTHORIZED);
	}
	if (directory_rc_is_outage(rc)) {
		log_warn("directory: bind as the user failed: %s",
		    ldap_err2string(rc));
		return (HD_UNAVAILABLE);
	}
	/* Locked by a password policy, unwilling, ...: a refusal all the same. */
	log_info("directory: bind refused for %s: %s", dn, ldap_err2string(rc));
	*why = DF_BIND_REFUSED;
	return (HD_UNAUTHORIZED);
}

enum hd_result
directory_login(const char *login, const char *password, size_t pwlen,
    struct directory_entry **out, enum directory_failure *why)
{
	LDAP			*svc = NULL;
	LDAPMessage		*res = NULL;
	struct directory_entry	*e = NULL;
	char			*attrs[DIRECTORY_ATTRS_MAX];
	char			*filter = NULL;
	struct timeval		 tv = { cfg.ldap_timeout, 0 };
	enum hd_result		 result;
	bool			 need_groups;
	int			 rc, n;

	*out = NULL;
	*why = DF_NONE;
	/* Nothing reaches the directory unless both are acceptable. */
	if (!directory_login_acceptable(login) ||
	    !directory_password_acceptable(password, pwlen)) {
		*why = DF_BAD_INPUT;
		return (HD_UNAUTHORIZED);
	}
	if ((svc = directory_service(&result)) == NULL)
		return (result);
	filter = directory_filter_build(cfg.ldap_user_filter, login,
	    strlen(login));
	directory_entry_attrs(attrs);
	/* Two at most: one is a match, two is an ambiguity. */
	rc = ldap_search_ext_s(svc, cfg.ldap_user_base, LDAP_SCOPE_SUBTREE,
	    filter, attrs, 0, NULL, NULL, &tv, 2, &res);
	if (rc == LDAP_SIZELIMIT_EXCEEDED)
		n = 2;
	else if (rc != LDAP_SUCCESS) {
		log_warn("directory: user search in %s failed: %s",
		    cfg.ldap_user_base, ldap_err2string(rc));
		result = HD_UNAVAILABLE;
		goto out;
	} else
		n = ldap_count_entries(svc, res);
	if (n != 1) {
		if (n > 1) {
			*why = DF_AMBIGUOUS;
			log_warn("directory: user_filter matches several entries"
			    " for one login; check the directory or the filter");
		} else
			*why = DF_UNKNOWN_LOGIN;
		directory_login_decoy();
		result = HD_UNAUTHORIZED;
		goto out;
	}
	if ((e = directory_entry_read(svc, ldap_first_entry(svc, res),
	    &need_groups)) == NULL) {
		*why = DF_NO_LOGIN_ATTRIBUTE;
		directory_login_decoy();
		result = HD_UNAUTHORIZED;
		goto out;
	}
	if ((result = directory_login_bind(e->dn, password, pwlen, why)) != HD_OK)
		goto out;
	/* Groups are read with the service account, after the password held. */
	if (need_groups && (result = directory_entry_group_roles(svc, e)) != HD_OK)
		goto out;
	*out = e;
	e = NULL;
	result = HD_OK;
out:
	directory_entry_free(e);
	ldap_msgfree(res);
	free(filter);
	ldap_unbind_ext_s(svc, NULL, NULL);
	return (result);
}

enum hd_result
directory_lookup_dn(const char *dn, const char *login,
    struct directory_entry **out)
{
	LDAP			*svc;
	LDAPMessage		*res = NULL;
	struct directory_entry	*e = NULL;
	char			*attrs[DIRECTORY_ATTRS_MAX];
	char			*filter;
	struct timeval		 tv = { cfg.ldap_timeout, 0 };
	enum hd_result		 result;
	bool			 need_groups;
	int			 rc;

	*out = NULL;
	if ((svc = directory_service(&result)) == NULL)
		return (result);
	directory_entry_attrs(attrs);
	/*
	 * The entry must still match user_filter with its login: a filter
	 * that leaves out disabled accounts then ends their sessions too.
	 */
	filter = directory_filter_build(cfg.ldap_user_filter, login,
	    strlen(login));
	rc = ldap_search_ext_s(svc, dn, LDAP_SCOPE_BASE, filter, attrs, 0, NULL,
	    NULL, &tv, 1, &res);
	free(filter);
	if (rc == LDAP_NO_SUCH_OBJECT ||
	    (rc == LDAP_SUCCESS && ldap_count_entries(svc, res) != 1)) {
		result = HD_NOTFOUND;
		goto out;
	}
	if (rc != LDAP_SUCCESS) {
		log_warn("directory: reading %s failed: %s", dn,
		    ldap_err2string(rc));
		result = directory_rc_is_outage(rc) ? HD_UNAVAILABLE : HD_NOTFOUND;
		goto out;
	}
	if ((e = directory_entry_read(svc, ldap_first_entry(svc, res),
	    &need_groups)) == NULL) {
		result = HD_NOTFOUND;
		goto out;
	}
	if (need_groups && (result = directory_entry_group_roles(svc, e)) != HD_OK)
		goto out;
	*out = e;
	e = NULL;
	result = HD_OK;
out:
	directory_entry_free(e);
	ldap_msgfree(res);
	ldap_unbind_ext_s(svc, NULL, NULL);
	return (result);
}
