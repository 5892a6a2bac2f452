/*
 * Text that goes into LDAP requests: filter values escaped per RFC 4515
 * (so that a login such as "*" or "x)(uid=*" is a value and never filter
 * syntax), the user filter built from its template, and DNs brought to a
 * form that can be compared.
 */
#include "helpdesk.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ldap.h>

#include "directory.h"
#include "util.h"
#include "xmalloc.h"

/* Whether byte c must be written as \XX inside a filter value. */
static int
directory_filter_must_escape(unsigned char c, int utf8)
{
	if (c == '\0' || c == '(' || c == ')' || c == '*' || c == '\\')
		return (1);
	/* Not required by the RFC, but nothing legitimate needs them raw. */
	if (c < 0x20 || c == 0x7f)
		return (1);
	return (c >= 0x80 && !utf8);
}

/*
 * Escape every special byte. Valid UTF-8 is kept as is (the RFC allows
 * it); otherwise every byte >= 0x80 is escaped too, as the RFC demands.
 */
char *
directory_filter_escape(const char *in, size_t len)
{
	static const char	 hex[] = "0123456789abcdef";
	const unsigned char	*p = (const unsigned char *)in;
	char			*out, *o;
	size_t			 i;
	int			 utf8;

	/* util_utf8_count refuses NUL, which is escaped anyway: look past it. */
	utf8 = 1;
	for (i = 0; i < len; ) {
		size_t	n = strnlen((const char *)p + i, len - i);

		if (n > 0 && util_utf8_count((const char *)p + i, n) < 0)
			utf8 = 0;
		i += n + 1;
	}
	out = o = xmalloc(len * 3 + 1);
	for (i = 0; i < len; i++) {
		if (directory_filter_must_escape(p[i], utf8)) {
			*o++ = '\\';
			*o++ = hex[p[i] >> 4];
			*o++ = hex[p[i] & 0xf];
		} else
			*o++ = (char)p[i];
	}
	*o = '\0';
	return (out);
}

char *
directory_filter_build(const char *template, const char *value, size_t len)
{
	const char	*at = strstr(template, "%s");
	char		*esc, *out;

	/* conf.c makes sure of exactly one %s; this is only a guard. */
	if (at == NULL)
		return (xstrdup(template));
	esc = directory_filter_escape(value, len);
	xasprintf(&out, "%.*s%s%s", (int)(at - template), template, esc, at + 2);
	free(esc);
	return (out);
}

char *
directory_dn_canonical(const char *dn)
{
	char	*norm = NULL, *out, *p;
	LDAPDN	 check = NULL;

	if (dn == NULL || ldap_dn_normalize(dn, LDAP_DN_FORMAT_LDAP, &norm,
	    LDAP_DN_FORMAT_LDAPV3) != LDAP_SUCCESS || norm == NULL)
		return (NULL);
	/*
	 * libldap 2.5.13 can write a form that is no DN ("cn=#\r" gives
	 * "cn=#": a leading '#' left unescaped): such a form is not compared.
	 */
	if (ldap_str2dn(norm, &check, LDAP_DN_FORMAT_LDAPV3) != LDAP_SUCCESS) {
		ldap_memfree(norm);
		return (NULL);
	}
	ldap_dnfree(check);
	out = xstrdup(norm);
	ldap_memfree(norm);
	/*
	 * Attribute types and the values of the usual naming attributes
	 * (cn, uid, ou, dc) compare without case; only ASCII is folded.
	 */
	for (p = out; *p != '\0'; p++) {
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	}
	return (out);
}
