/* Unit tests: address lists for metrics_allow and trusted_proxies. */
#include "helpdesk.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "netaddr.h"

static void
test_lists(void **state HD_UNUSED)
{
	char	bad[64];

	assert_true(netaddr_in_list("127.0.0.1", "127.0.0.1 ::1"));
	assert_true(netaddr_in_list("::1", "127.0.0.1 ::1"));
	assert_false(netaddr_in_list("10.0.0.1", "127.0.0.1 ::1"));
	assert_true(netaddr_in_list("10.1.2.3", "10.0.0.0/8"));
	assert_false(netaddr_in_list("11.1.2.3", "10.0.0.0/8"));
	assert_true(netaddr_in_list("192.168.1.130", "192.168.1.128/25,::1"));
	assert_false(netaddr_in_list("192.168.1.127", "192.168.1.128/25"));
	assert_true(netaddr_in_list("::ffff:127.0.0.1", "127.0.0.1"));
	assert_false(netaddr_in_list("not-an-ip", "0.0.0.0/0"));
	assert_false(netaddr_in_list("127.0.0.1", ""));
	assert_true(netaddr_list_valid("10.0.0.0/8 ::1", bad, sizeof(bad)));
	assert_false(netaddr_list_valid("10.0.0.0/33", bad, sizeof(bad)));
	assert_string_equal(bad, "10.0.0.0/33");
	assert_false(netaddr_list_valid("localhost", bad, sizeof(bad)));
	assert_true(netaddr_valid("2001:db8::1"));
	assert_false(netaddr_valid("10.0.0.0/8"));
}

/*
 * An IPv4-mapped IPv6 address is the IPv4 address, whichever side of the
 * match it is on and however it is written. Found by fuzz/netaddr-fuzz:
 * "::ffff:10.0.0.1" was not in the list "::ffff:10.0.0.1".
 */
static void
test_v4_mapped(void **state HD_UNUSED)
{
	assert_true(netaddr_in_list("::ffff:10.0.0.1", "::ffff:10.0.0.1"));
	assert_true(netaddr_in_list("10.0.0.1", "::ffff:10.0.0.1"));
	assert_true(netaddr_in_list("10.1.2.3", "::ffff:10.0.0.0/104"));
	assert_false(netaddr_in_list("11.1.2.3", "::ffff:10.0.0.0/104"));
	assert_true(netaddr_in_list("::FFFF:10.1.2.3", "10.0.0.0/8"));
	assert_true(netaddr_in_list("::ffff:a01:203", "10.0.0.0/8"));
	assert_false(netaddr_in_list("::ffff:10.1.2.3", "::1"));
}

/*
 * A list entry too long for the parser's buffer was cut short and the cut
 * version parsed: "10.0.0.0/000...08" (64 bytes) became "10.0.0.0/000...0",
 * a /0 that trusts every address. Found by fuzz/netaddr-fuzz.
 */
static void
test_long_entry_refused(void **state HD_UNUSED)
{
	char	list[128], bad[64];

	snprintf(list, sizeof(list), "10.0.0.0/%054d", 8);
	assert_int_equal(strlen(list), 63);
	assert_true(netaddr_list_valid(list, bad, sizeof(bad)));
	assert_true(netaddr_in_list("10.9.9.9", list));
	assert_false(netaddr_in_list("192.168.1.1", list));
	snprintf(list, sizeof(list), "10.0.0.0/%055d", 8);
	assert_false(netaddr_list_valid(list, bad, sizeof(bad)));
	assert_false(netaddr_in_list("192.168.1.1", list));
	assert_false(netaddr_in_list("10.9.9.9", list));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lists),
		cmocka_unit_test(test_v4_mapped),
		cmocka_unit_test(test_long_entry_refused),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
