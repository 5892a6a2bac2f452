/* Unit tests: ticket-number.c, Znuny's DateChecksum numbers. */
#include "helpdesk.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "ticket-number.h"

/* The vectors of the issue. */
static void
test_checksum_vectors(void **state HD_UNUSED)
{
	assert_int_equal(ticket_number_checksum("202405171000001", 15), 1);
	assert_int_equal(ticket_number_checksum("202405171000003", 15), 9);
	assert_int_equal(ticket_number_checksum("202405171000010", 15), 1);
	/* sum % 10 == 0 gives 10, written 1. */
	assert_int_equal(ticket_number_checksum("0", 1), 1);
	assert_int_equal(ticket_number_checksum("55", 2), 5);
	assert_int_equal(ticket_number_checksum("12a", 3), -1);
}

static void
test_format(void **state HD_UNUSED)
{
	char	buf[TICKET_NUMBER_SIZE];

	assert_int_equal(ticket_number_format(buf, "20240517", 10, 1), 0);
	assert_string_equal(buf, "2024051710000011");
	assert_int_equal(ticket_number_format(buf, "20240517", 10, 3), 0);
	assert_string_equal(buf, "2024051710000039");
	assert_int_equal(ticket_number_format(buf, "20240517", 10, 10), 0);
	assert_string_equal(buf, "2024051710000101");
	/* The counter grows past five digits rather than wrapping. */
	assert_int_equal(ticket_number_format(buf, "20240517", 10, 123456), 0);
	assert_string_equal(buf, "20240517101234569");
	/* The system id as written, as Znuny does. */
	assert_int_equal(ticket_number_format(buf, "20240517", 7, 1), 0);
	assert_string_equal(buf, "202405177000014");
	assert_int_equal(ticket_number_format(buf, "2024051", 10, 1), -1);
	assert_int_equal(ticket_number_format(buf, "2024051x", 10, 1), -1);
	assert_int_equal(ticket_number_format(buf, "20240517", 100, 1), -1);
	assert_int_equal(ticket_number_format(buf, "20240517", 10, 0), -1);
	assert_int_equal(ticket_number_format(buf, "20240517", 10,
	    1000000000000LL), -1);
}

static void
test_day(void **state HD_UNUSED)
{
	char	day[9];

	ticket_number_day(day, 0);
	assert_string_equal(day, "19700101");
	ticket_number_day(day, 1715904000);	/* 2024-05-17T00:00:00Z */
	assert_string_equal(day, "20240517");
	ticket_number_day(day, 1715903999);
	assert_string_equal(day, "20240516");
}

static void
test_wellformed(void **state HD_UNUSED)
{
	assert_true(ticket_number_wellformed("2024051710000011"));
	assert_true(ticket_number_wellformed("12345678901"));
	assert_false(ticket_number_wellformed("1234567890"));
	assert_false(ticket_number_wellformed("123456789012345678901"));
	assert_false(ticket_number_wellformed("abc"));
	assert_false(ticket_number_wellformed("2024051710000011 "));
	assert_false(ticket_number_wellformed("-2024051710000011"));
	assert_false(ticket_number_wellformed(""));
}

static void
test_find_in_subject(void **state HD_UNUSED)
{
	char	n[TICKET_NUMBER_SIZE];

	assert_int_equal(ticket_number_find("RE: [Ticket#2024051710000011] "
	    "Mandat bloqué", n), 0);
	assert_string_equal(n, "2024051710000011");
	assert_int_equal(ticket_number_find("tr: ticket#2009051810000021", n), 0);
	assert_string_equal(n, "2009051810000021");
	assert_int_equal(ticket_number_find("Ticket#123", n), -1);
	assert_int_equal(ticket_number_find("Ticket#2024051710000011x", n), -1);
	assert_int_equal(ticket_number_find("Rien à voir", n), -1);
	/* The first well-formed one wins. */
	assert_int_equal(ticket_number_find("Ticket#1 Ticket#20240517100000111",
	    n), 0);
	assert_string_equal(n, "20240517100000111");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_checksum_vectors),
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_day),
		cmocka_unit_test(test_wellformed),
		cmocka_unit_test(test_find_in_subject),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
