/*
 * Fuzz target: reading the session cookie from Cookie headers
 * (request_cookie_scan). The input is one header value per line.
 * Properties: a value found fits the buffer and is exactly what follows
 * "gidhd_session=" at the start of a cookie; a second occurrence in any
 * header refuses the lot.
 */
#include "helpdesk.h"

#include <string.h>

#include "fuzz.h"
#include "request.h"
#include "session.h"

#define NAME	SESSION_COOKIE

/* Whether v appears in h as a cookie of ours: "name=v" after ';', ' ' or the start. */
static int
appears(const char *h, const char *v)
{
	const char	*p;
	size_t		 nlen = strlen(NAME), vlen = strlen(v);

	for (p = h; (p = strstr(p, NAME "=")) != NULL; p++) {
		if ((p == h || p[-1] == ' ' || p[-1] == ';') &&
		    strncmp(p + nlen + 1, v, vlen) == 0 &&
		    (p[nlen + 1 + vlen] == '\0' || p[nlen + 1 + vlen] == ';' ||
		    p[nlen + 1 + vlen] == ' '))
			return (1);
	}
	return (0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	*copy, *line, *next;
	char	 buf[64];
	int	 found = 0, rc = 0, seen = 0;

	copy = strndup((const char *)data, size);
	for (line = copy; line != NULL && rc == 0; line = next) {
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		memset(buf, 0x55, sizeof(buf));
		rc = request_cookie_scan(line, NAME, buf, sizeof(buf), &found);
		if (rc == 0 && found > seen) {
			FUZZ_CHECK(found == 1);
			FUZZ_CHECK(memchr(buf, '\0', sizeof(buf)) != NULL);
			FUZZ_CHECK(appears(line, buf));
			seen = found;
		}
	}
	FUZZ_CHECK(rc == -1 || found <= 1);
	free(copy);
	return (0);
}
