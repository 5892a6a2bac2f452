/*
 * Unit tests: attachment.c: hostile file names (SECURITY.md test 49),
 * the Content-Disposition header, and the server-decided content type
 * (test 48).
 */
#include "helpdesk.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "attachment.h"
#include "util.h"

static void
check_clean(const char *in, size_t len, const char *want)
{
	char	*got = attachment_name_clean(in, len);

	if (strcmp(got, want) != 0)
		fail_msg("clean(%s) = \"%s\", not \"%s\"", in, got, want);
	free(got);
}

static void
test_clean_hostile_names(void **state HD_UNUSED)
{
	check_clean("rapport.pdf", 11, "rapport.pdf");
	check_clean("../../x", 7, "_.._x");
	check_clean("..\\..\\x", 7, "_.._x");
	check_clean("a\r\nSet-Cookie: z=1", 18, "aSet-Cookie_ z=1");
	check_clean("a\";x=.html", 10, "a_;x=.html");
	check_clean(".htaccess", 9, "htaccess");
	check_clean("", 0, "fichier");
	check_clean("...", 3, "fichier");
	check_clean(" \t", 2, "fichier");
	check_clean("a\0b", 3, "ab");
	/* U+202E RIGHT-TO-LEFT OVERRIDE ("gpj.exe" shown reversed). */
	check_clean("photo\xe2\x80\xae" "gpj.exe", 15, "photogpj.exe");
	check_clean("x\xe2\x81\xa6y", 5, "xy");		/* U+2066 */
	check_clean("a\xef\xbb\xbf" "b", 5, "ab");	/* BOM */
	check_clean("C1\xc2\x85" "x", 5, "C1x");	/* NEL */
	/* Invalid UTF-8 bytes are dropped. */
	check_clean("caf\xe9.txt", 8, "caf.txt");
	/* Decomposed accents are composed (NFC). */
	check_clean("e\xcc\x81" "te\xcc\x81.doc", 11, "\xc3\xa9t\xc3\xa9.doc");
	check_clean("franc\xcc\xa7" "ais", 10, "fran\xc3\xa7" "ais");
	check_clean("Nume\xcc\x81ro.pdf ", 13, "Num\xc3\xa9ro.pdf");
	check_clean("a:b*c?d<e>f|g/h", 15, "a_b_c_d_e_f_g_h");
	check_clean("note.", 5, "note");
}

static void
test_clean_caps_length(void **state HD_UNUSED)
{
	char	 big[10240 + 8];
	char	*got;

	memset(big, 'a', 10240);
	memcpy(big + 10240, ".pdf", 5);
	got = attachment_name_clean(big, strlen(big));
	assert_int_equal(strlen(got), ATTACHMENT_NAME_MAX);
	assert_string_equal(got + ATTACHMENT_NAME_MAX - 4, ".pdf");
	free(got);
	/* Multi-byte characters are never cut in half. */
	for (size_t i = 0; i < 300; i++)
		memcpy(big + i * 2, "\xc3\xa9", 2);
	got = attachment_name_clean(big, 600);
	assert_true(strlen(got) <= ATTACHMENT_NAME_MAX);
	assert_true(util_utf8_count(got, strlen(got)) > 0);
	free(got);
	/* A long extension is not an extension. */
	memset(big, 'b', 300);
	memcpy(big + 300, ".abcdefghijklmnopqrstuvwxyz", 28);
	got = attachment_name_clean(big, strlen(big));
	assert_int_equal(strlen(got), ATTACHMENT_NAME_MAX);
	free(got);
}

/*
 * A name cut to the limit must keep the rules of any clean name: no
 * trailing space or dot, and cleaning it again changes nothing. Found by
 * fuzz/attachment-fuzz: a cut falling after a space left it at the end.
 */
static void
test_clean_cut_keeps_the_rules(void **state HD_UNUSED)
{
	static const char	 ends[] = " .";
	char			 big[400];
	char			*got, *again;
	size_t			 len, e, at;

	/* The 255th byte, where the cut falls, is a space or a dot. */
	for (e = 0; e < 2; e++) {
		for (at = 253; at <= 255; at++) {
			memset(big, 'a', sizeof(big));
			big[at - 1] = ends[e];
			got = attachment_name_clean(big, sizeof(big));
			len = strlen(got);
			assert_true(len >= 1 && len <= ATTACHMENT_NAME_MAX);
			assert_true(got[len - 1] != ' ' && got[len - 1] != '.');
			again = attachment_name_clean(got, len);
			assert_string_equal(again, got);
			free(again);
			free(got);
		}
	}
}

static void
test_disposition(void **state HD_UNUSED)
{
	char	*d;

	d = attachment_disposition("rapport.pdf");
	assert_string_equal(d, "attachment; filename=\"rapport.pdf\"; "
	    "filename*=UTF-8''rapport.pdf");
	free(d);
	d = attachment_disposition("\xc3\xa9tat des cr\xc3\xa9" "dits 100%.xlsx");
	assert_string_equal(d, "attachment; filename=\"_tat des cr_dits 100_.xlsx\"; "
	    "filename*=UTF-8''%C3%A9tat%20des%20cr%C3%A9dits%20100%25.xlsx");
	free(d);
	/* Nothing in a name can end the header or the quoted string. */
	d = attachment_disposition("a;b=c'd");
	assert_string_equal(d, "attachment; filename=\"a;b=c'd\"; "
	    "filename*=UTF-8''a%3Bb%3Dc%27d");
	assert_null(strchr(d, '\r'));
	assert_null(strchr(d, '\n'));
	free(d);
}

static void
test_sniff(void **state HD_UNUSED)
{
	static const unsigned char png[] = "\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
	static const unsigned char gif_html[] =
	    "GIF89a<html><script>alert(1)</script></html>";

	assert_string_equal(attachment_sniff((const unsigned char *)"%PDF-1.7\n",
	    9, "x.pdf"), "application/pdf");
	assert_string_equal(attachment_sniff(png, sizeof(png) - 1, "x.png"),
	    "image/png");
	assert_string_equal(attachment_sniff((const unsigned char *)"\xff\xd8\xff\xe0",
	    4, "x.jpg"), "image/jpeg");
	/* The name does not decide: HTML named .png is text. */
	assert_string_equal(attachment_sniff((const unsigned char *)
	    "<html><script>alert(1)</script>", 31, "x.png"), "text/plain");
	assert_int_equal(strlen("<html><script>alert(1)</script>"), 31);
	assert_string_equal(attachment_sniff((const unsigned char *)
	    "<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"/>",
	    strlen("<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"/>"),
	    "x.svg"), "text/plain");
	assert_string_equal(attachment_sniff((const unsigned char *)
	    "%!PS garbage\x01\x02", 14, "x.pdf"), "application/octet-stream");
	/* A GIF/HTML polyglot is a GIF, served with nosniff and a sandbox. */
	assert_string_equal(attachment_sniff(gif_html, sizeof(gif_html) - 1,
	    "x.html"), "image/gif");
	assert_string_equal(attachment_sniff((const unsigned char *)"PK\x03\x04xx",
	    6, "Budget.XLSX"),
	    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
	assert_string_equal(attachment_sniff((const unsigned char *)"PK\x03\x04xx",
	    6, "a.zip"), "application/zip");
	assert_string_equal(attachment_sniff((const unsigned char *)
	    "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 8, "old.doc"), "application/msword");
	assert_string_equal(attachment_sniff((const unsigned char *)"", 0, "e"),
	    "application/octet-stream");
	assert_string_equal(attachment_download_type("image/gif"), "image/gif");
	assert_string_equal(attachment_download_type("text/plain"),
	    "application/octet-stream");
	assert_string_equal(attachment_download_type("application/pdf"),
	    "application/octet-stream");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_clean_hostile_names),
		cmocka_unit_test(test_clean_caps_length),
		cmocka_unit_test(test_clean_cut_keeps_the_rules),
		cmocka_unit_test(test_disposition),
		cmocka_unit_test(test_sniff),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
