/*
 * Reading the whole population of the helpdesk for "gid-helpdesk sync":
 * every entry under user_base that matches user_filter (for any login) and
 * is in one of the three groups. Entries come in pages (RFC 2696, [ldap]
 * page_size), so that directories whose size limit is below the number
 * of people still give everyone.
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
#include "user.h"
#include "xmalloc.h"

/* A group member, by canonical DN, with the roles its groups give. */
struct sync_member {
	char		*dn;
	unsigned	 roles;
};

struct sync_members {
	struct sync_member	*v;
	size_t			 n;
};

static int
sync_member_cmp(const void *a, const void *b)
{
	return (strcmp(((const struct sync_member *)a)->dn,
	    ((const struct sync_member *)b)->dn));
}

static void
sync_members_free(struct sync_members *m)
{
	size_t	i;

	for (i = 0; i < m->n; i++)
		free(m->v[i].dn);
	free(m->v);
	m->v = NULL;
	m->n = 0;
}

/*
 * Read the member values of one group into m. A group that does not exist
 * is an error: taking it for empty would disable all of its people.
 */
static enum hd_result
sync_read_group(LDAP *ld, const char *group, unsigned role,
    struct sync_members *m, char **cause)
{
	char		*attrs[2];
	struct timeval	 tv = { cfg.ldap_timeout, 0 };
	LDAPMessage	*res = NULL, *e;
	struct berval	**vals;
	char		*dn, *canon;
	int		 rc, i;

	attrs[0] = cfg.ldap_member_attribute;
	attrs[1] = NULL;
	rc = ldap_search_ext_s(ld, group, LDAP_SCOPE_BASE, "(objectClass=*)",
	    attrs, 0, NULL, NULL, &tv, 1, &res);
	if (rc != LDAP_SUCCESS || (e = ldap_first_entry(ld, res)) == NULL) {
		xasprintf(cause, "cannot read group %s: %s", group,
		    rc == LDAP_SUCCESS ? "not found" : ldap_err2string(rc));
		ldap_msgfree(res);
		return (directory_rc_is_outage(rc) ? HD_UNAVAILABLE : HD_INVALID);
	}
	if ((vals = ldap_get_values_len(ld, e, cfg.ldap_member_attribute)) != NULL) {
		for (i = 0; vals[i] != NULL; i++) {
			dn = xstrndup(vals[i]->bv_val, vals[i]->bv_len);
			if ((canon = directory_dn_canonical(dn)) != NULL) {
				m->v = xreallocarray(m->v, m->n + 1, sizeof(*m->v));
				m->v[m->n].dn = canon;
				m->v[m->n].roles = role;
				m->n++;
			}
			free(dn);
		}
		ldap_value_free_len(vals);
	}
	ldap_msgfree(res);
	return (HD_OK);
}

/* All three groups, sorted by DN with the roles of one DN merged. */
static enum hd_result
sync_read_groups(LDAP *ld, struct sync_members *m, char **cause)
{
	struct directory_role_group	 groups[DIRECTORY_ROLE_GROUPS];
	enum hd_result			 res;
	size_t				 i, j;

	directory_role_groups(groups);
	for (i = 0; i < HD_NELEM(groups); i++) {
		if (groups[i].dn == NULL || *groups[i].dn == '\0')
			continue;
		if ((res = sync_read_group(ld, groups[i].dn, groups[i].role, m,
		    cause)) != HD_OK)
			return (res);
	}
	if (m->n == 0)
		return (HD_OK);
	qsort(m->v, m->n, sizeof(*m->v), sync_member_cmp);
	for (i = 0, j = 1; j < m->n; j++) {
		if (strcmp(m->v[i].dn, m->v[j].dn) == 0) {
			m->v[i].roles |= m->v[j].roles;
			free(m->v[j].dn);
		} else
			m->v[++i] = m->v[j];
	}
	m->n = i + 1;
	return (HD_OK);
}

static unsigned
sync_roles_of(const struct sync_members *m, const char *dn)
{
	struct sync_member	 key, *found;
	char			*canon;
	unsigned		 roles = 0;

	if (m->n == 0 || (canon = directory_dn_canonical(dn)) == NULL)
		return (0);
	key.dn = canon;
	if ((found = bsearch(&key, m->v, m->n, sizeof(*m->v),
	    sync_member_cmp)) != NULL)
		roles = found->roles;
	free(canon);
	return (roles);
}

/*
 * The search filter: user_filter for any login and, when membership is
 * read from memberOf, only members of the three groups.
 */
static char *
sync_filter(void)
{
	const char	*groups[] = { cfg.ldap_referent_group, cfg.ldap_agent_group,
			    cfg.ldap_admin_group };
	const char	*at = strstr(cfg.ldap_user_filter, "%s");
	char		*any, *out, *esc, *part, *ors = xstrdup("");
	size_t		 i;

	xasprintf(&any, "%.*s*%s", (int)(at - cfg.ldap_user_filter),
	    cfg.ldap_user_filter, at + 2);
	if (strcmp(cfg.ldap_group_membership, "memberof") != 0) {
		free(ors);
		return (any);
	}
	for (i = 0; i < HD_NELEM(groups); i++) {
		if (groups[i] == NULL || *groups[i] == '\0')
			continue;
		esc = directory_filter_escape(groups[i], strlen(groups[i]));
		xasprintf(&part, "%s(memberOf=%s)", ors, esc);
		free(esc);
		free(ors);
		ors = part;
	}
	xasprintf(&out, "(&%s(|%s))", any, ors);
	free(any);
	free(ors);
	return (out);
}

/* Append the members among the entries of one page to the list. */
static void
sync_take_page(LDAP *ld, LDAPMessage *res, const struct sync_members *m,
    struct directory_entry ***out, size_t *n)
{
	struct directory_entry	*e;
	LDAPMessage		*msg;
	bool			 need_groups;

	for (msg = ldap_first_entry(ld, res); msg != NULL;
	    msg = ldap_next_entry(ld, msg)) {
		if ((e = directory_entry_read(ld, msg, &need_groups)) == NULL)
			continue;
		if (need_groups)
			e->roles = sync_roles_of(m, e->dn);
		if (e->roles == 0) {
			directory_entry_free(e);
			continue;
		}
		*out = xreallocarray(*out, *n + 1, sizeof(**out));
		(*out)[(*n)++] = e;
	}
}

enum hd_result
directory_sync_read(struct directory_entry ***out, size_t *n, char **cause)
{
	LDAP			*ld;
	LDAPMessage		*res = NULL;
	LDAPControl		*page = NULL, *ctrls[2], **rctrls = NULL, *pr;
	struct berval		 cookie = { 0, NULL };
	struct sync_members	 m = { NULL, 0 };
	struct timeval		 tv = { cfg.ldap_timeout, 0 };
	char			*attrs[DIRECTORY_ATTRS_MAX], *filter = NULL;
	enum hd_result		 result;
	ber_int_t		 estimate;
	int			 rc, err, pages = 0;

	*out = NULL;
	*n = 0;
	*cause = NULL;
	if ((ld = directory_service(&result)) == NULL) {
		xasprintf(cause, "no directory server answered a bind as %s",
		    cfg.ldap_bind_dn);
		return (result);
	}
	if (strcmp(cfg.ldap_group_membership, "memberof") != 0 &&
	    (result = sync_read_groups(ld, &m, cause)) != HD_OK)
		goto out;
	filter = sync_filter();
	directory_entry_attrs(attrs);
	do {
		if ((rc = ldap_create_page_control(ld, cfg.ldap_page_size,
		    &cookie, 1, &page)) != LDAP_SUCCESS) {
			xasprintf(cause, "paged results: %s", ldap_err2string(rc));
			result = HD_INTERNAL;
			goto out;
		}
		ctrls[0] = page;
		ctrls[1] = NULL;
		rc = ldap_search_ext_s(ld, cfg.ldap_user_base, LDAP_SCOPE_SUBTREE,
		    filter, attrs, 0, ctrls, NULL, &tv, 0, &res);
		ldap_control_free(page);
		page = NULL;
		if (rc != LDAP_SUCCESS) {
			xasprintf(cause, "searching %s (page %d): %s",
			    cfg.ldap_user_base, pages + 1, ldap_err2string(rc));
			result = directory_rc_is_outage(rc) ? HD_UNAVAILABLE :
			    HD_INVALID;
			goto out;
		}
		sync_take_page(ld, res, &m, out, n);
		pages++;
		ldap_memfree(cookie.bv_val);
		cookie.bv_val = NULL;
		cookie.bv_len = 0;
		rc = ldap_parse_result(ld, res, &err, NULL, NULL, NULL, &rctrls, 0);
		ldap_msgfree(res);
		res = NULL;
		if (rc != LDAP_SUCCESS || err != LDAP_SUCCESS) {
			xasprintf(cause, "searching %s: %s", cfg.ldap_user_base,
			    ldap_err2string(rc != LDAP_SUCCESS ? rc : err));
			result = HD_UNAVAILABLE;
			goto out;
		}
		pr = ldap_control_find(LDAP_CONTROL_PAGEDRESULTS, rctrls, NULL);
		if (pr != NULL && ldap_parse_pageresponse_control(ld, pr, &estimate,
		    &cookie) != LDAP_SUCCESS) {
			ldap_controls_free(rctrls);
			xasprintf(cause, "a malformed paged-results answer");
			result = HD_UNAVAILABLE;
			goto out;
		}
		ldap_controls_free(rctrls);
		rctrls = NULL;
		if (pr == NULL)
			break;	/* the server answered all at once */
	} while (cookie.bv_val != NULL && cookie.bv_len > 0);
	log_info("directory: sync read %zu members in %d pages", *n, pages);
	result = HD_OK;
out:
	if (result != HD_OK) {
		while (*n > 0)
			directory_entry_free((*out)[--*n]);
		free(*out);
		*out = NULL;
	}
	ldap_memfree(cookie.bv_val);
	ldap_msgfree(res);
	sync_members_free(&m);
	free(filter);
	ldap_unbind_ext_s(ld, NULL, NULL);
	return (result);
}
