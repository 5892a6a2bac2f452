/* Unit tests: cutting logins to their column size in audit.c. */
#include "helpdesk.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "audit.h"
#include "util.h"

static void
test_clip_code_points(void **state HD_UNUSED)
{
	char	buf[64];

	audit_clip(buf, sizeof(buf), "a.benali", 190);
	assert_string_equal(buf, "a.benali");
	audit_clip(buf, sizeof(buf), "a.benali", 3);
	assert_string_equal(buf, "a.b");
	/* Three code points of two bytes each. */
	audit_clip(buf, sizeof(buf), "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9", 3);
	assert_string_equal(buf, "\xc3\xa9\xc3\xa9\xc3\xa9");
	audit_clip(buf, sizeof(buf), NULL, 10);
	assert_string_equal(buf, "");
	audit_clip(buf, sizeof(buf), "abc", 0);
	assert_string_equal(buf, "");
}

/* The buffer's size wins over the count, and no sequence is ever cut. */
static void
test_clip_buffer(void **state HD_UNUSED)
{
	char	buf[6];

	audit_clip(buf, sizeof(buf), "abcdefgh", 100);
	assert_string_equal(buf, "abcde");
	audit_clip(buf, sizeof(buf), "ab\xe2\x9c\x93" "cd", 100);
	assert_string_equal(buf, "ab\xe2\x9c\x93");
	audit_clip(buf, sizeof(buf), "abc\xe2\x9c\x93", 100);
	assert_string_equal(buf, "abc");
	assert_true(util_utf8_count(buf, strlen(buf)) >= 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_clip_code_points),
		cmocka_unit_test(test_clip_buffer),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
