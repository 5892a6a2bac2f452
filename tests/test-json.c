/*
 * Unit tests: json.c, the strict request-body parser and typed getters;
 * json-write.c, which must write what cJSON_PrintUnformatted writes.
 */
#include "helpdesk.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <cjson/cJSON.h>

#include "json.h"

static cJSON *
parse(const char *s)
{
	const char	*why;

	return (json_parse_object(s, strlen(s), &why));
}

static void
test_accepts_objects(void **state HD_UNUSED)
{
	cJSON	*o = parse(" {\"title\":\"caf\xc3\xa9\",\"n\":3} \n");

	assert_non_null(o);
	cJSON_Delete(o);
}

static void
test_refuses(void **state HD_UNUSED)
{
	static const char *const bad[] = {
		"",
		"{\"a\":1",				/* truncated */
		"[1,2]",				/* not an object */
		"\"x\"",
		"{\"a\":1}garbage",			/* trailing */
		"{\"a\":1}{}",
		"{\"title\":\"a\",\"title\":\"b\"}",	/* duplicate */
		"{\"o\":{\"k\":1,\"k\":2}}",		/* nested duplicate */
		"{\"a\":\"x\\u0000y\"}",		/* NUL */
		"{\"a\":\"\xff\"}",			/* bad UTF-8 */
		"{\"a\":[[[[[[[[[1]]]]]]]]]}",		/* too deep */
	};
	size_t	i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cJSON *o = parse(bad[i]);

		if (o != NULL)
			fail_msg("accepted: %s", bad[i]);
	}
}

static void
test_escaped_backslash_is_not_nul(void **state HD_UNUSED)
{
	/* "\\u0000" is a backslash followed by text, not a NUL. */
	cJSON	*o = parse("{\"a\":\"\\\\u0000\"}");

	assert_non_null(o);
	assert_string_equal(cJSON_GetObjectItemCaseSensitive(o, "a")->valuestring,
	    "\\u0000");
	cJSON_Delete(o);
}

static void
test_many_keys_refused(void **state HD_UNUSED)
{
	char	buf[4096];
	size_t	n = 0;
	int	i;

	n += (size_t)snprintf(buf + n, sizeof(buf) - n, "{");
	for (i = 0; i < 100; i++)
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s\"k%d\":1",
		    i ? "," : "", i);
	snprintf(buf + n, sizeof(buf) - n, "}");
	assert_null(parse(buf));
}

static void
test_getters(void **state HD_UNUSED)
{
	cJSON		*o = parse("{\"title\":\"\xf0\x9f\x98\x80\xf0\x9f\x98\x80\","
	    "\"p\":3,\"f\":2.5,\"big\":1e400,\"b\":true,\"s\":5,\"Title\":\"x\"}");
	const char	*s;
	int64_t		 n;
	bool		 b;
	char		 err[128];

	assert_non_null(o);
	/* Two emoji are two characters, whatever their bytes. */
	assert_int_equal(json_get_string(o, "title", true, 1, 2, &s, err,
	    sizeof(err)), 1);
	assert_int_equal(json_get_string(o, "title", true, 1, 1, &s, err,
	    sizeof(err)), -1);
	assert_string_equal(err, "title must have at most 1 characters");
	assert_int_equal(json_get_string(o, "missing", false, 1, 2, &s, err,
	    sizeof(err)), 0);
	assert_int_equal(json_get_string(o, "missing", true, 1, 2, &s, err,
	    sizeof(err)), -1);
	assert_int_equal(json_get_string(o, "s", true, 1, 2, &s, err,
	    sizeof(err)), -1);
	assert_int_equal(json_get_int(o, "p", true, 1, 5, &n, err, sizeof(err)), 1);
	assert_int_equal(n, 3);
	assert_int_equal(json_get_int(o, "p", true, 4, 5, &n, err, sizeof(err)), -1);
	assert_int_equal(json_get_int(o, "f", true, 1, 5, &n, err, sizeof(err)), -1);
	assert_int_equal(json_get_int(o, "big", true, 1, 5, &n, err, sizeof(err)), -1);
	assert_int_equal(json_get_bool(o, "b", true, &b, err, sizeof(err)), 1);
	assert_true(b);
	assert_int_equal(json_get_bool(o, "p", true, &b, err, sizeof(err)), -1);
	cJSON_Delete(o);
}

/*
 * cJSON keeps numbers as doubles: beyond 2^53 a number may have been
 * rounded (9007199254740993 reads as ...992, another id), and at 2^63
 * the conversion to int64_t is undefined. Found by fuzz/json-fuzz.
 */
static void
test_int_beyond_double_precision(void **state HD_UNUSED)
{
	cJSON		*o = parse("{\"safe\":9007199254740991,\"neg\":-9007199254740991,"
	    "\"rounded\":9007199254740993,\"two63\":9223372036854775808,"
	    "\"max\":9223372036854775807,\"min\":-9223372036854775808}");
	int64_t		 n = 0;
	char		 err[128];

	assert_non_null(o);
	assert_int_equal(json_get_int(o, "safe", true, INT64_MIN, INT64_MAX, &n,
	    err, sizeof(err)), 1);
	assert_true(n == 9007199254740991LL);
	assert_int_equal(json_get_int(o, "neg", true, INT64_MIN, INT64_MAX, &n,
	    err, sizeof(err)), 1);
	assert_true(n == -9007199254740991LL);
	assert_int_equal(json_get_int(o, "rounded", true, INT64_MIN, INT64_MAX,
	    &n, err, sizeof(err)), -1);
	assert_int_equal(json_get_int(o, "two63", true, INT64_MIN, INT64_MAX, &n,
	    err, sizeof(err)), -1);
	assert_int_equal(json_get_int(o, "max", true, INT64_MIN, INT64_MAX, &n,
	    err, sizeof(err)), -1);
	assert_int_equal(json_get_int(o, "min", true, INT64_MIN, INT64_MAX, &n,
	    err, sizeof(err)), -1);
	cJSON_Delete(o);
}

static void
test_check_keys(void **state HD_UNUSED)
{
	static const char *const allowed[] = { "title", "body", NULL };
	cJSON		*o = parse("{\"title\":\"a\",\"Title\":\"b\"}");
	const char	*bad = NULL;

	assert_int_equal(json_check_keys(o, allowed, &bad), -1);
	assert_string_equal(bad, "Title");
	cJSON_Delete(o);
}

/* json_write and cJSON_PrintUnformatted agree on tree, byte for byte. */
static void
assert_writes_like_cjson(cJSON *tree)
{
	char		*want = cJSON_PrintUnformatted(tree);
	const char	*got;
	size_t		 len;

	assert_non_null(want);
	got = json_write(tree, &len);
	assert_string_equal(got, want);
	assert_int_equal(len, strlen(want));
	cJSON_free(want);
	cJSON_Delete(tree);
}

static void
test_write_like_cjson(void **state HD_UNUSED)
{
	static const double numbers[] = {
		0, 1, -1, 42, 2147483647.0, -2147483648.0, 2147483648.0,
		-2147483649.0, 9007199254740993.0, 1e300, -1e-300, 0.1, 1.5,
		-2.25, 3.14159265358979, 1.0 / 3.0, 123456789012.0, 1e21,
		-0.0,	/* the fuzzer found cJSON prints "-0" */
	};
	cJSON	*o, *a;
	size_t	 i;
	char	 ctl[40];

	for (i = 0; i < HD_NELEM(numbers); i++)
		assert_writes_like_cjson(cJSON_CreateNumber(numbers[i]));
	for (i = 1; i < 32; i++) {
		snprintf(ctl, sizeof(ctl), "a%cb\"c\\d/\x7f\xc3\xa9", (int)i);
		assert_writes_like_cjson(cJSON_CreateString(ctl));
	}
	assert_writes_like_cjson(cJSON_CreateObject());
	assert_writes_like_cjson(cJSON_CreateArray());
	assert_writes_like_cjson(cJSON_CreateString(""));
	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "title", "Rejet du visa \"urgent\"\n");
	cJSON_AddNumberToObject(o, "version", 7);
	cJSON_AddNullToObject(o, "owner");
	cJSON_AddTrueToObject(o, "internal");
	cJSON_AddFalseToObject(o, "closed");
	a = cJSON_AddArrayToObject(o, "articles");
	cJSON_AddItemToArray(a, cJSON_CreateNumber(-3));
	cJSON_AddItemToArray(a, cJSON_CreateObject());
	cJSON_AddItemToArray(a, cJSON_CreateArray());
	cJSON_AddItemToObject(o, "k\"e\ty", cJSON_CreateString("v"));
	assert_writes_like_cjson(o);
	/* The buffer is reused: a short text after a long one is still exact. */
	assert_writes_like_cjson(cJSON_CreateString("x"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_accepts_objects),
		cmocka_unit_test(test_refuses),
		cmocka_unit_test(test_escaped_backslash_is_not_nul),
		cmocka_unit_test(test_many_keys_refused),
		cmocka_unit_test(test_getters),
		cmocka_unit_test(test_int_beyond_double_precision),
		cmocka_unit_test(test_check_keys),
		cmocka_unit_test(test_write_like_cjson),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
