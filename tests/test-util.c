/* Unit tests: util.c and sha256.c (pure helpers). */
#include "helpdesk.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "sha256.h"
#include "util.h"

static void
test_sha256_vectors(void **state HD_UNUSED)
{
	char	hex[65];
	char	million[1001];
	struct sha256 c;
	unsigned char d[32];
	int	i;

	sha256_hex("", 0, hex);
	assert_string_equal(hex,
	    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	sha256_hex("abc", 3, hex);
	assert_string_equal(hex,
	    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 56, hex);
	assert_string_equal(hex,
	    "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
	/* One million 'a', fed in odd-sized pieces. */
	memset(million, 'a', sizeof(million));
	sha256_init(&c);
	for (i = 0; i < 1000; i++)
		sha256_update(&c, million, i % 2 ? 999 : 1001);
	sha256_final(&c, d);
	util_hex_encode(hex, d, 32);
	assert_string_equal(hex,
	    "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

static void
test_base64url(void **state HD_UNUSED)
{
	char	out[16];

	util_base64url_encode(out, (const unsigned char *)"f", 1);
	assert_string_equal(out, "Zg");
	util_base64url_encode(out, (const unsigned char *)"fo", 2);
	assert_string_equal(out, "Zm8");
	util_base64url_encode(out, (const unsigned char *)"foo", 3);
	assert_string_equal(out, "Zm9v");
	util_base64url_encode(out, (const unsigned char *)"\xfb\xff", 2);
	assert_string_equal(out, "-_8");
	assert_int_equal(UTIL_B64URL_LEN(32), 43);
}

static void
test_tokens_differ(void **state HD_UNUSED)
{
	char	a[UTIL_TOKEN_LEN + 1], b[UTIL_TOKEN_LEN + 1];

	util_token_new(a);
	util_token_new(b);
	assert_int_equal(strlen(a), 43);
	assert_string_not_equal(a, b);
}

static void
test_strtonum(void **state HD_UNUSED)
{
	long long	 v;
	const char	*e;

	assert_int_equal(util_strtonum("42", 0, 100, &v, &e), 0);
	assert_int_equal(v, 42);
	assert_int_equal(util_strtonum("-1", 0, 100, &v, &e), -1);
	assert_string_equal(e, "too small");
	assert_int_equal(util_strtonum("101", 0, 100, &v, &e), -1);
	assert_string_equal(e, "too large");
	assert_int_equal(util_strtonum("1x", 0, 100, &v, &e), -1);
	assert_int_equal(util_strtonum(" 1", 0, 100, &v, &e), -1);
	assert_int_equal(util_strtonum("+1", 0, 100, &v, &e), -1);
	assert_int_equal(util_strtonum("", 0, 100, &v, &e), -1);
	assert_int_equal(util_strtonum("99999999999999999999", 0, 100, &v, &e), -1);
}

static void
test_utf8(void **state HD_UNUSED)
{
	assert_int_equal(util_utf8_count("abc", 3), 3);
	assert_int_equal(util_utf8_count("\xc3\xa9t\xc3\xa9", 5), 3);	/* été */
	assert_int_equal(util_utf8_count("\xf0\x9f\x98\x80", 4), 1);	/* emoji */
	assert_int_equal(util_utf8_count("\xc3", 1), -1);		/* truncated */
	assert_int_equal(util_utf8_count("\xc0\xaf", 2), -1);		/* overlong */
	assert_int_equal(util_utf8_count("\xed\xa0\x80", 3), -1);	/* surrogate */
	assert_int_equal(util_utf8_count("\xf4\x90\x80\x80", 4), -1);	/* > U+10FFFF */
	assert_int_equal(util_utf8_count("a\0b", 3), -1);		/* NUL */
	assert_int_equal(util_utf8_count("\xff", 1), -1);
}

static void
test_time(void **state HD_UNUSED)
{
	int64_t	t;
	char	buf[32];

	assert_int_equal(util_time_parse("1970-01-01", &t), 0);
	assert_int_equal(t, 0);
	assert_int_equal(util_time_parse("2009-05-18T08:30:00Z", &t), 0);
	assert_int_equal(t, 1242635400);
	util_time_rfc3339(buf, sizeof(buf), t * 1000000);
	assert_string_equal(buf, "2009-05-18T08:30:00Z");
	assert_int_equal(util_time_parse("2024-02-29", &t), 0);
	assert_int_equal(util_time_parse("2023-02-29", &t), -1);
	assert_int_equal(util_time_parse("2023-13-01", &t), -1);
	assert_int_equal(util_time_parse("2023-1-01", &t), -1);
	assert_int_equal(util_time_parse("2023-01-01T10:00:00+01:00", &t), -1);
}

static void
test_ct_equal(void **state HD_UNUSED)
{
	assert_true(util_ct_equal("abcd", "abcd", 4));
	assert_false(util_ct_equal("abcd", "abce", 4));
	assert_true(util_ct_equal("", "", 0));
}

static void
test_trim(void **state HD_UNUSED)
{
	char	s[] = "  hello \t\r";

	assert_string_equal(util_trim(s), "hello");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sha256_vectors),
		cmocka_unit_test(test_base64url),
		cmocka_unit_test(test_tokens_differ),
		cmocka_unit_test(test_strtonum),
		cmocka_unit_test(test_utf8),
		cmocka_unit_test(test_time),
		cmocka_unit_test(test_ct_equal),
		cmocka_unit_test(test_trim),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
