/*
 * Fuzz target: the strict JSON body parser (json_parse_object) and the
 * typed getters every handler uses. Properties: an accepted body is an
 * object without duplicate keys, not deeper than JSON_MAX_DEPTH, with
 * valid UTF-8 and no NUL in keys and strings; an integer the getter
 * returns is exactly the number that was sent; printing an accepted
 * object and parsing it again is accepted too, and json_write prints it
 * byte for byte as cJSON does.
 */
#include "helpdesk.h"

#include <limits.h>
#include <stdbool.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "fuzz.h"
#include "json.h"
#include "util.h"

static void
check_tree(const cJSON *o, int depth)
{
	const cJSON	*a, *b;

	FUZZ_CHECK(depth <= JSON_MAX_DEPTH);
	for (a = o->child; a != NULL; a = a->next) {
		if (cJSON_IsObject(o)) {
			FUZZ_CHECK(a->string != NULL);
			FUZZ_CHECK(util_utf8_count(a->string, strlen(a->string)) >= 0);
			for (b = a->next; b != NULL; b = b->next)
				FUZZ_CHECK(strcmp(a->string, b->string) != 0);
		}
		if (cJSON_IsString(a))
			FUZZ_CHECK(util_utf8_count(a->valuestring,
			    strlen(a->valuestring)) >= 0);
		if (cJSON_IsObject(a) || cJSON_IsArray(a))
			check_tree(a, depth + 1);
	}
}

/* Every getter on every key, with wide and narrow bounds. */
static void
check_getters(const cJSON *o)
{
	const cJSON	*a, *v;
	const char	*s;
	int64_t		 n;
	bool		 b;
	char		 err[256];
	int		 rc;

	for (a = o->child; a != NULL; a = a->next) {
		v = cJSON_GetObjectItemCaseSensitive(o, a->string);
		FUZZ_CHECK(v == a);
		rc = json_get_string(o, a->string, true, 0, LONG_MAX, &s, err,
		    sizeof(err));
		FUZZ_CHECK(rc != 0);
		if (rc == 1) {
			FUZZ_CHECK(s != NULL && s == a->valuestring);
			FUZZ_CHECK(util_utf8_count(s, strlen(s)) >= 0);
			rc = json_get_string(o, a->string, true, 1, 3, &s, err,
			    sizeof(err));
			FUZZ_CHECK(rc == -1 || util_utf8_count(s, strlen(s)) <= 3);
		} else
			FUZZ_CHECK(err[0] != '\0');
		rc = json_get_int(o, a->string, true, INT64_MIN, INT64_MAX, &n,
		    err, sizeof(err));
		if (rc == 1)
			FUZZ_CHECK((double)n == a->valuedouble);
		rc = json_get_int(o, a->string, false, -5, 5, &n, err, sizeof(err));
		FUZZ_CHECK(rc != 1 || (n >= -5 && n <= 5));
		rc = json_get_bool(o, a->string, true, &b, err, sizeof(err));
		FUZZ_CHECK(rc != 1 || cJSON_IsBool(a));
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const none[] = { NULL };
	const char	*why, *bad, *written;
	char		*printed;
	size_t		 written_len;
	cJSON		*o, *again;

	o = json_parse_object((const char *)data, size, &why);
	if (o == NULL) {
		FUZZ_CHECK(why != NULL);
		return (0);
	}
	FUZZ_CHECK(cJSON_IsObject(o));
	check_tree(o, 1);
	check_getters(o);
	bad = NULL;
	FUZZ_CHECK(json_check_keys(o, none, &bad) == (o->child != NULL ? -1 : 0));
	FUZZ_CHECK(o->child == NULL || bad == o->child->string);
	/*
	 * Our own output is always acceptable input, and json_write (every
	 * reply and log line) writes exactly what cJSON's printer does.
	 */
	if ((printed = cJSON_PrintUnformatted(o)) != NULL) {
		written = json_write(o, &written_len);
		FUZZ_CHECK(written_len == strlen(printed));
		FUZZ_CHECK(memcmp(written, printed, written_len) == 0);
		again = json_parse_object(printed, strlen(printed), &why);
		FUZZ_CHECK(again != NULL);
		cJSON_Delete(again);
		cJSON_free(printed);
	}
	cJSON_Delete(o);
	return (0);
}
