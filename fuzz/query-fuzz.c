/*
 * Fuzz target: the query-string decoder (request_parse_query). Properties:
 * an accepted query has at most REQ_MAX_QUERY names, no duplicates, no NUL
 * and only valid UTF-8; encoding what was decoded and decoding it again
 * gives the same parameters.
 */
#include "helpdesk.h"

#include <string.h>

#include <event2/buffer.h>
#include <event2/http.h>

#include "fuzz.h"
#include "request.h"
#include "router.h"
#include "util.h"


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hd_req	 r, r2;
	struct evbuffer	*b;
	const char	*why;
	char		*qs, *k, *v, *again;
	int		 i, j;

	/* evhttp hands the router a C string. */
	qs = strndup((const char *)data, size);
	memset(&r, 0, sizeof(r));
	if (request_parse_query(&r, qs, &why) != 0) {
		FUZZ_CHECK(why != NULL);
		request_free_query(&r);
		free(qs);
		return (0);
	}
	FUZZ_CHECK(r.nquery <= REQ_MAX_QUERY);
	b = evbuffer_new();
	for (i = 0; i < r.nquery; i++) {
		k = r.query[i].key;
		v = r.query[i].value;
		FUZZ_CHECK(util_utf8_count(k, strlen(k)) >= 0);
		FUZZ_CHECK(util_utf8_count(v, strlen(v)) >= 0);
		for (j = 0; j < i; j++)
			FUZZ_CHECK(strcmp(r.query[j].key, k) != 0);
		FUZZ_CHECK(request_query(&r, k) == v);
		k = evhttp_uriencode(k, -1, 1);
		v = evhttp_uriencode(v, -1, 1);
		evbuffer_add_printf(b, "%s%s=%s", i > 0 ? "&" : "", k, v);
		free(k);
		free(v);
	}
	evbuffer_add(b, "", 1);
	again = (char *)evbuffer_pullup(b, -1);
	memset(&r2, 0, sizeof(r2));
	FUZZ_CHECK(request_parse_query(&r2, again, &why) == 0);
	FUZZ_CHECK(r2.nquery == r.nquery);
	for (i = 0; i < r.nquery; i++) {
		FUZZ_CHECK(strcmp(r.query[i].key, r2.query[i].key) == 0);
		FUZZ_CHECK(strcmp(r.query[i].value, r2.query[i].value) == 0);
	}
	request_free_query(&r2);
	evbuffer_free(b);
	request_free_query(&r);
	free(qs);
	return (0);
}
