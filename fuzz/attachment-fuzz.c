/*
 * Fuzz target: attachment file names and downloads (attachment.c): the
 * name a client or a mail gives, cleaned (SECURITY.md R-UP-1), and the
 * Content-Disposition made from it (RFC 6266, RFC 8187). Properties: a
 * clean name is valid UTF-8, 1 to 255 bytes, without controls, path or
 * shell characters, bidi overrides, leading dots or spaces, and cleaning
 * it again changes nothing; the header value has no CR, LF or NUL, its
 * quoted fallback no quote or backslash, and its filename* part decodes
 * to the clean name exactly. The type sniffed from the bytes is never
 * one a browser would run (HTML, SVG, JavaScript).
 */
#include "helpdesk.h"

#include <ctype.h>
#include <string.h>

#include "attachment.h"
#include "fuzz.h"
#include "util.h"
#include "xmalloc.h"

/* The code point at s (valid UTF-8), and its length in *n. */
static unsigned
cp_at(const unsigned char *s, size_t *n)
{
	if (s[0] < 0x80) {
		*n = 1;
		return (s[0]);
	}
	if (s[0] < 0xe0) {
		*n = 2;
		return (((s[0] & 0x1fU) << 6) | (s[1] & 0x3fU));
	}
	if (s[0] < 0xf0) {
		*n = 3;
		return (((s[0] & 0x0fU) << 12) | ((s[1] & 0x3fU) << 6) | (s[2] & 0x3fU));
	}
	*n = 4;
	return (((s[0] & 0x07U) << 18) | ((s[1] & 0x3fU) << 12) |
	    ((s[2] & 0x3fU) << 6) | (s[3] & 0x3fU));
}

static void
check_name(const char *name)
{
	const unsigned char	*p = (const unsigned char *)name;
	size_t			 len = strlen(name), n;
	unsigned		 c;

	FUZZ_CHECK(len >= 1 && len <= ATTACHMENT_NAME_MAX);
	FUZZ_CHECK(util_utf8_count(name, len) > 0);
	FUZZ_CHECK(name[0] != '.' && name[0] != ' ');
	FUZZ_CHECK(name[len - 1] != '.' && name[len - 1] != ' ');
	for (; *p != '\0'; p += n) {
		c = cp_at(p, &n);
		FUZZ_CHECK(c >= 0x20 && c != 0x7f && !(c >= 0x80 && c < 0xa0));
		FUZZ_CHECK(strchr("/\\:*?\"<>|", (int)c) == NULL || c >= 0x80);
		FUZZ_CHECK(!(c >= 0x202a && c <= 0x202e) && !(c >= 0x2066 && c <= 0x2069));
		FUZZ_CHECK(c != 0x200e && c != 0x200f && c != 0x061c);
	}
}

static int
hexval(int c)
{
	return (isdigit(c) ? c - '0' : tolower(c) - 'a' + 10);
}

static void
check_disposition(const char *cd, const char *name)
{
	const char	*p, *star;
	char		*decoded, *o;

	FUZZ_CHECK(strpbrk(cd, "\r\n") == NULL);
	FUZZ_CHECK(strncmp(cd, "attachment; filename=\"", 22) == 0);
	p = cd + 22;
	while (*p != '"') {
		FUZZ_CHECK(*p != '\0' && *p != '\\' && (unsigned char)*p < 0x80 &&
		    (unsigned char)*p >= 0x20);
		p++;
	}
	star = strstr(p, "; filename*=UTF-8''");
	FUZZ_CHECK(star == p + 1);
	p = star + 19;
	decoded = o = xmalloc(strlen(p) + 1);
	for (; *p != '\0'; p++) {
		if (*p == '%') {
			FUZZ_CHECK(isxdigit((unsigned char)p[1]) &&
			    isxdigit((unsigned char)p[2]));
			*o++ = (char)(hexval((unsigned char)p[1]) * 16 +
			    hexval((unsigned char)p[2]));
			p += 2;
		} else {
			/* RFC 8187 attr-char */
			FUZZ_CHECK(isalnum((unsigned char)*p) ||
			    strchr("!#$&+-.^_`|~", *p) != NULL);
			*o++ = *p;
		}
	}
	*o = '\0';
	FUZZ_CHECK(strcmp(decoded, name) == 0);
	free(decoded);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char		*name, *again, *cd;
	const char	*type;

	name = attachment_name_clean((const char *)data, size);
	check_name(name);
	again = attachment_name_clean(name, strlen(name));
	FUZZ_CHECK(strcmp(again, name) == 0);
	cd = attachment_disposition(name);
	check_disposition(cd, name);
	type = attachment_sniff(data, size, name);
	FUZZ_CHECK(type != NULL && strstr(type, "html") == NULL &&
	    strstr(type, "svg") == NULL && strstr(type, "javascript") == NULL);
	type = attachment_download_type(type);
	FUZZ_CHECK(strcmp(type, "application/octet-stream") == 0 ||
	    strncmp(type, "image/", 6) == 0);
	free(cd);
	free(again);
	free(name);
	return (0);
}
