/*
 * A person's directory entry as the helpdesk keeps it: the configured
 * attributes read as checked UTF-8 and cut to their column sizes, and the
 * roles from the three groups, through memberOf or a search of the groups.
 */
#include "helpdesk.h"

#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#include <ldap.h>

#include "conf.h"
#include "directory.h"
#include "log.h"
#include "user.h"
#include "util.h"
#include "xmalloc.h"

/* Column sizes (code points) of users and organisations, sql/001-core.sql. */
#define DE_LOGIN_MAX	190
#define DE_DN_MAX	1024
#define DE_NAME_MAX	255
#define DE_EMAIL_MAX	255
#define DE_PHONE_MAX	64
#define DE_ORG_MAX	190

void
directory_entry_free(struct directory_entry *e)
{
	if (e == NULL)
		return;
	free(e->dn);
	free(e->login);
	free(e->name);
	free(e->email);
	free(e->phone);
	free(e->organisation);
	free(e);
}

void
directory_entry_attrs(char *attrs[DIRECTORY_ATTRS_MAX])
{
	int	n = 0;

	attrs[n++] = cfg.ldap_login_attribute;
	attrs[n++] = cfg.ldap_name_attribute;
	attrs[n++] = cfg.ldap_mail_attribute;
	attrs[n++] = cfg.ldap_phone_attribute;
	attrs[n++] = cfg.ldap_organisation_attribute;
	if (strcmp(cfg.ldap_group_membership, "search") != 0)
		attrs[n++] = (char *)(uintptr_t)"memberOf";
	attrs[n] = NULL;
}

/* Cut s (valid UTF-8) after max code points, never inside a sequence. */
static void
directory_entry_clip(char *s, long max)
{
	unsigned char	*p = (unsigned char *)s;
	long		 n = 0;

	while (*p != '\0') {
		if ((*p & 0xc0) != 0x80) {
			if (n == max) {
				*p = '\0';
				return;
			}
			n++;
		}
		p++;
	}
}

/*
 * The first value of attr as a C string: NULL when absent, empty, or not
 * valid UTF-8 (a NUL inside is not valid either).
 */
static char *
directory_entry_value(LDAP *ld, LDAPMessage *e, const char *attr)
{
	struct berval	**vals;
	char		 *out = NULL;

	if (attr == NULL || *attr == '\0')
		return (NULL);
	if ((vals = ldap_get_values_len(ld, e, attr)) == NULL)
		return (NULL);
	if (vals[0] != NULL && vals[0]->bv_len > 0 &&
	    util_utf8_count(vals[0]->bv_val, vals[0]->bv_len) >= 0)
		out = xstrndup(vals[0]->bv_val, vals[0]->bv_len);
	ldap_value_free_len(vals);
	return (out);
}

/* The ROLE_* bit of a canonical group DN, or 0. */
static unsigned
directory_entry_role_of(const char *canon)
{
	static const struct {
		unsigned	 role;
		size_t		 offset;
	} groups[] = {
		{ ROLE_REFERENT, offsetof(struct conf, ldap_referent_group) },
		{ ROLE_AGENT, offsetof(struct conf, ldap_agent_group) },
		{ ROLE_ADMIN, offsetof(struct conf, ldap_admin_group) },
	};
	unsigned	 roles = 0;
	size_t		 i;
	char		*g;

	for (i = 0; i < HD_NELEM(groups); i++) {
		const char *dn = *(char *const *)(const void *)
		    ((const char *)&cfg + groups[i].offset);

		if (dn == NULL || *dn == '\0')
			continue;
		if ((g = directory_dn_canonical(dn)) == NULL)
			continue;
		if (strcmp(g, canon) == 0)
			roles |= groups[i].role;
		free(g);
	}
	return (roles);
}

/* Roles from the memberOf values; -1 when the entry has none. */
static int
directory_entry_memberof(LDAP *ld, LDAPMessage *e)
{
	struct berval	**vals;
	unsigned	  roles = 0;
	char		 *dn, *canon;
	int		  i;

	if ((vals = ldap_get_values_len(ld, e, "memberOf")) == NULL)
		return (-1);
	for (i = 0; vals[i] != NULL; i++) {
		dn = xstrndup(vals[i]->bv_val, vals[i]->bv_len);
		if ((canon = directory_dn_canonical(dn)) != NULL)
			roles |= directory_entry_role_of(canon);
		free(canon);
		free(dn);
	}
	ldap_value_free_len(vals);
	return ((int)roles);
}

struct directory_entry *
directory_entry_read(LDAP *ld, LDAPMessage *msg, bool *need_groups)
{
	struct directory_entry	*e;
	char			*dn;
	int			 roles;

	*need_groups = false;
	if ((dn = ldap_get_dn(ld, msg)) == NULL)
		return (NULL);
	e = xcalloc(1, sizeof(*e));
	if (util_utf8_count(dn, strlen(dn)) < 0 ||
	    util_utf8_count(dn, strlen(dn)) > DE_DN_MAX) {
		log_warn("directory: an entry's DN is too long or not UTF-8");
		ldap_memfree(dn);
		goto bad;
	}
	e->dn = xstrdup(dn);
	ldap_memfree(dn);
	/* The login is a key: it is refused, never cut, when too long. */
	e->login = directory_entry_value(ld, msg, cfg.ldap_login_attribute);
	if (e->login == NULL ||
	    util_utf8_count(e->login, strlen(e->login)) > DE_LOGIN_MAX) {
		log_warn("directory: %s has no usable %s", e->dn,
		    cfg.ldap_login_attribute);
		goto bad;
	}
	if ((e->name = directory_entry_value(ld, msg,
	    cfg.ldap_name_attribute)) == NULL)
		e->name = xstrdup(e->login);
	directory_entry_clip(e->name, DE_NAME_MAX);
	if ((e->email = directory_entry_value(ld, msg,
	    cfg.ldap_mail_attribute)) == NULL)
		e->email = xstrdup("");
	directory_entry_clip(e->email, DE_EMAIL_MAX);
	if ((e->phone = directory_entry_value(ld, msg,
	    cfg.ldap_phone_attribute)) != NULL)
		directory_entry_clip(e->phone, DE_PHONE_MAX);
	if ((e->organisation = directory_entry_value(ld, msg,
	    cfg.ldap_organisation_attribute)) != NULL)
		directory_entry_clip(e->organisation, DE_ORG_MAX);

	if (strcmp(cfg.ldap_group_membership, "search") == 0)
		*need_groups = true;
	else if ((roles = directory_entry_memberof(ld, msg)) >= 0)
		e->roles = (unsigned)roles;
	else if (strcmp(cfg.ldap_group_membership, "auto") == 0)
		*need_groups = true;
	/* memberof without any memberOf value: in no group. */
	return (e);
bad:
	directory_entry_free(e);
	return (NULL);
}

void
directory_role_groups(struct directory_role_group g[DIRECTORY_ROLE_GROUPS])
{
	g[0].role = ROLE_REFERENT;
	g[0].dn = cfg.ldap_referent_group;
	g[1].role = ROLE_AGENT;
	g[1].dn = cfg.ldap_agent_group;
	g[2].role = ROLE_ADMIN;
	g[2].dn = cfg.ldap_admin_group;
}

enum hd_result
directory_entry_group_roles(LDAP *ld, struct directory_entry *e)
{
	struct directory_role_group	 groups[DIRECTORY_ROLE_GROUPS];
	char		*attrs[] = { (char *)(uintptr_t)LDAP_NO_ATTRS, NULL };
	struct timeval	 tv = { cfg.ldap_timeout, 0 };
	LDAPMessage	*res;
	char		*filter, *esc;
	size_t		 i;
	int		 rc;

	e->roles = 0;
	directory_role_groups(groups);
	/* The DN is a filter value here, so it is filter-escaped (RFC 4515). */
	esc = directory_filter_escape(e->dn, strlen(e->dn));
	xasprintf(&filter, "(%s=%s)", cfg.ldap_member_attribute, esc);
	free(esc);
	for (i = 0; i < HD_NELEM(groups); i++) {
		if (groups[i].dn == NULL || *groups[i].dn == '\0')
			continue;
		res = NULL;
		rc = ldap_search_ext_s(ld, groups[i].dn, LDAP_SCOPE_BASE, filter,
		    attrs, 0, NULL, NULL, &tv, 1, &res);
		if (rc == LDAP_SUCCESS && ldap_count_entries(ld, res) == 1)
			e->roles |= groups[i].role;
		ldap_msgfree(res);
		if (rc == LDAP_SUCCESS)
			continue;
		if (rc == LDAP_NO_SUCH_OBJECT) {
			log_warn("directory: group %s does not exist", groups[i].dn);
			continue;
		}
		log_warn("directory: searching group %s: %s", groups[i].dn,
		    ldap_err2string(rc));
		free(filter);
		return (HD_UNAVAILABLE);
	}
	free(filter);
	return (HD_OK);
}
