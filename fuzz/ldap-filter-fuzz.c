/*
 * Fuzz target: RFC 4515 escaping of filter values (directory_filter_escape
 * and directory_filter_build, directory-filter.c), checked against
 * libldap's own filter parser, the code that turns our filter into the
 * BER that slapd receives. Properties, for any bytes x:
 *  - the escaped text has no raw NUL ( ) * and every backslash starts \XX;
 *  - libldap's unescaping gives x back, byte for byte;
 *  - "(uid=" escape(x) ")" parses into one equalityMatch whose value is
 *    exactly x (never a substring, presence or other filter), and the
 *    configured template (&(objectClass=...)(uid=%s)) into an AND of two
 *    equalities, the second with value x.
 */
#include "helpdesk.h"

#include <ctype.h>
#include <string.h>

#include <lber.h>
#include <ldap.h>

#include "directory.h"
#include "fuzz.h"
#include "xmalloc.h"

/* Exported by libldap 2.5 (ldap_pvt.h, which Debian does not install). */
int		ldap_pvt_put_filter(BerElement *, const char *);
ber_slen_t	ldap_pvt_filter_value_unescape(char *);

#define LDAP_FILTER_EQ_TAG	0xa3UL	/* [3] equalityMatch */
#define LDAP_FILTER_AND_TAG	0xa0UL	/* [0] and */

static void
check_escaped(const char *esc)
{
	const char	*p;

	for (p = esc; *p != '\0'; p++) {
		FUZZ_CHECK(*p != '(' && *p != ')' && *p != '*');
		if (*p == '\\') {
			FUZZ_CHECK(isxdigit((unsigned char)p[1]) &&
			    isxdigit((unsigned char)p[2]));
			p += 2;
		}
	}
}

/* Encode filter with libldap; the BER, or NULL if libldap refuses it. */
static BerElement *
encode(const char *filter, struct berval *bv)
{
	BerElement	*ber = ber_alloc_t(LBER_USE_DER);
	BerElement	*in;

	FUZZ_CHECK(ber != NULL);
	if (ldap_pvt_put_filter(ber, filter) == -1) {
		ber_free(ber, 1);
		return (NULL);
	}
	FUZZ_CHECK(ber_flatten2(ber, bv, 1) == 0);
	ber_free(ber, 1);
	in = ber_init(bv);
	FUZZ_CHECK(in != NULL);
	return (in);
}

/* The next element must be an equalityMatch of attr with value x. */
static void
expect_equality(BerElement *ber, const char *attr, const char *x, size_t len)
{
	struct berval	a, v;
	ber_len_t	blen;

	FUZZ_CHECK(ber_peek_tag(ber, &blen) == LDAP_FILTER_EQ_TAG);
	FUZZ_CHECK(ber_scanf(ber, "{mm}", &a, &v) != LBER_ERROR);
	FUZZ_CHECK(a.bv_len == strlen(attr) && memcmp(a.bv_val, attr, a.bv_len) == 0);
	FUZZ_CHECK(v.bv_len == len && (len == 0 || memcmp(v.bv_val, x, len) == 0));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char	*x = (const char *)data;
	char		*esc, *copy, *filter;
	struct berval	 bv;
	BerElement	*ber;
	ber_slen_t	 n;
	ber_len_t	 blen;

	esc = directory_filter_escape(x, size);
	check_escaped(esc);

	copy = xstrdup(esc);
	n = ldap_pvt_filter_value_unescape(copy);
	FUZZ_CHECK(n == (ber_slen_t)size && memcmp(copy, x, size) == 0);
	free(copy);

	/* An empty value is an equality with an empty value, too. */
	xasprintf(&filter, "(uid=%s)", esc);
	ber = encode(filter, &bv);
	FUZZ_CHECK(ber != NULL);
	expect_equality(ber, "uid", x, size);
	ber_free(ber, 1);
	ber_memfree(bv.bv_val);
	free(filter);

	filter = directory_filter_build("(&(objectClass=inetOrgPerson)(uid=%s))",
	    x, size);
	ber = encode(filter, &bv);
	FUZZ_CHECK(ber != NULL);
	FUZZ_CHECK(ber_peek_tag(ber, &blen) == LDAP_FILTER_AND_TAG);
	FUZZ_CHECK(ber_skip_tag(ber, &blen) == LDAP_FILTER_AND_TAG);
	expect_equality(ber, "objectClass", "inetOrgPerson", 13);
	expect_equality(ber, "uid", x, size);
	FUZZ_CHECK(ber_peek_tag(ber, &blen) == LBER_DEFAULT);
	ber_free(ber, 1);
	ber_memfree(bv.bv_val);
	free(filter);
	free(esc);
	return (0);
}
