/* Unit tests: request.c's pure parsers (Cookie header values, query strings). */
#include "helpdesk.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "request.h"
#include "router.h"

static int
scan(const char *header, char *buf, size_t len, int *found)
{
	*found = 0;
	return (request_cookie_scan(header, "gidhd_session", buf, len, found));
}

static void
test_cookie_found(void **state HD_UNUSED)
{
	char	buf[16];
	int	found;

	assert_int_equal(scan("a=1; gidhd_session=abc ; b=2", buf, sizeof(buf),
	    &found), 0);
	assert_int_equal(found, 1);
	assert_string_equal(buf, "abc");
	assert_int_equal(scan("gidhd_session=", buf, sizeof(buf), &found), 0);
	assert_int_equal(found, 1);
	assert_string_equal(buf, "");
}

static void
test_cookie_lookalikes_ignored(void **state HD_UNUSED)
{
	char	buf[16];
	int	found;

	/* Other names that start or end like ours, and spaces before '='. */
	assert_int_equal(scan("xgidhd_session=1; gidhd_session2=2; "
	    "gidhd_session =3; ;;", buf, sizeof(buf), &found), 0);
	assert_int_equal(found, 0);
	assert_int_equal(scan("", buf, sizeof(buf), &found), 0);
	assert_int_equal(found, 0);
}

static void
test_cookie_refused(void **state HD_UNUSED)
{
	char	buf[4];
	int	found;

	/* A planted duplicate, and a value that does not fit. */
	assert_int_equal(scan("gidhd_session=a; gidhd_session=b", buf,
	    sizeof(buf), &found), -1);
	assert_int_equal(scan("gidhd_session=abcd", buf, sizeof(buf), &found), -1);
	assert_int_equal(scan("gidhd_session=abc", buf, sizeof(buf), &found), 0);
}


static int
parse_query(struct hd_req *r, const char *qs)
{
	const char	*why;
	int		 rc;

	request_free_query(r);
	rc = request_parse_query(r, qs, &why);
	assert_true(rc == 0 ? why == NULL : why != NULL);
	return (rc);
}

static void
test_query(void **state HD_UNUSED)
{
	struct hd_req	r;

	memset(&r, 0, sizeof(r));
	assert_int_equal(parse_query(&r, "q=caf%C3%A9+au+lait&&state=open&e="), 0);
	assert_int_equal(r.nquery, 3);
	assert_string_equal(request_query(&r, "q"), "caf\xc3\xa9 au lait");
	assert_string_equal(request_query(&r, "state"), "open");
	assert_string_equal(request_query(&r, "e"), "");
	assert_null(request_query(&r, "missing"));
	assert_int_equal(parse_query(&r, "a=%00"), -1);
	assert_int_equal(parse_query(&r, "a=b&a=c"), -1);
	assert_int_equal(parse_query(&r, "a=%zz"), -1);
	assert_int_equal(parse_query(&r, "a=%4"), -1);
	assert_int_equal(parse_query(&r, "a=%ff"), -1);
	assert_int_equal(parse_query(&r, "%61=1&a=2"), -1);
	request_free_query(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cookie_found),
		cmocka_unit_test(test_cookie_lookalikes_ignored),
		cmocka_unit_test(test_cookie_refused),
		cmocka_unit_test(test_query),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
