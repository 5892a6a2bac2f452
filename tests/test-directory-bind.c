/*
 * Unit tests: directory.c's guard on simple binds (SECURITY.md §9 T3). A
 * simple bind with a DN and an empty password is an "unauthenticated"
 * bind that many servers accept as anonymous (RFC 4513 §5.1.2); the
 * wrapper must refuse it before any traffic. The handle points at a port
 * where nothing listens: a bind that went out would fail with
 * LDAP_SERVER_DOWN, a refusal before the network gives
 * LDAP_INVALID_CREDENTIALS; a control shows a real attempt does go out.
 */
#include "helpdesk.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>
#include <ldap.h>

#include "directory.h"

#define NOWHERE	"ldap://127.0.0.1:9"
#define DN	"uid=a.benali,ou=people,dc=tgr,dc=gov,dc=ma"

static void
test_t03_empty_password_refused_before_traffic(void **state HD_UNUSED)
{
	LDAP	*ld = NULL;

	assert_int_equal(ldap_initialize(&ld, NOWHERE), LDAP_SUCCESS);
	assert_int_equal(directory_bind(ld, DN, "", 0), LDAP_INVALID_CREDENTIALS);
	/* A password whose length says empty, whatever its bytes. */
	assert_int_equal(directory_bind(ld, DN, "secret", 0),
	    LDAP_INVALID_CREDENTIALS);
	assert_int_equal(directory_bind(ld, DN, NULL, 6), LDAP_INVALID_CREDENTIALS);
	/* An empty or missing DN is an anonymous bind: refused too. */
	assert_int_equal(directory_bind(ld, "", "secret", 6),
	    LDAP_INVALID_CREDENTIALS);
	assert_int_equal(directory_bind(ld, NULL, "secret", 6),
	    LDAP_INVALID_CREDENTIALS);
	/* The control: a real attempt does reach for the network. */
	assert_int_not_equal(directory_bind(ld, DN, "secret", 6),
	    LDAP_INVALID_CREDENTIALS);
	ldap_unbind_ext_s(ld, NULL, NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_t03_empty_password_refused_before_traffic),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
