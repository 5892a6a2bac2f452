/* Unit tests: the static path checks and MIME types. */
#include "helpdesk.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "static.h"

static void
test_path_ok(void **state HD_UNUSED)
{
	assert_int_equal(static_path_ok("/index.html"), 0);
	assert_int_equal(static_path_ok("/"), 0);
	assert_int_equal(static_path_ok("/js/app.js"), 0);
	assert_int_equal(static_path_ok("/../etc/passwd"), -1);
	assert_int_equal(static_path_ok("/js/../../etc/passwd"), -1);
	assert_int_equal(static_path_ok("/./index.html"), -1);
	assert_int_equal(static_path_ok("//etc/passwd"), -1);
	assert_int_equal(static_path_ok("/js//app.js"), -1);
	assert_int_equal(static_path_ok("/.git/config"), -1);
	assert_int_equal(static_path_ok("/..\\..\\x"), -1);
	assert_int_equal(static_path_ok("/js/"), -1);
	assert_int_equal(static_path_ok("index.html"), -1);
	assert_int_equal(static_path_ok("/.."), -1);
}

static void
test_mime(void **state HD_UNUSED)
{
	assert_string_equal(static_mime_type("/x/index.html"),
	    "text/html; charset=utf-8");
	assert_string_equal(static_mime_type("app.js"),
	    "text/javascript; charset=utf-8");
	assert_string_equal(static_mime_type("style.css"), "text/css; charset=utf-8");
	assert_string_equal(static_mime_type("README"), "application/octet-stream");
	assert_string_equal(static_mime_type("a.b/c"), "application/octet-stream");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_path_ok),
		cmocka_unit_test(test_mime),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
