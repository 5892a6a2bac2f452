/*
 * Strict parsing of request bodies on top of cJSON (see json.h for what is
 * refused and why; SECURITY.md R-IN-2).
 */
#include "helpdesk.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "json.h"
#include "util.h"

/*
 * Walk the raw text once: find "\u0000" inside strings (cJSON would cut
 * the string there) and measure the nesting depth before cJSON recurses.
 */
static const char *
json_scan(const char *s, size_t len)
{
	size_t	i;
	int	depth = 0;
	bool	in_str = false;

	for (i = 0; i < len; i++) {
		char c = s[i];

		if (in_str) {
			if (c == '\\') {
				if (i + 5 < len && s[i + 1] == 'u' &&
				    s[i + 2] == '0' && s[i + 3] == '0' &&
				    s[i + 4] == '0' && s[i + 5] == '0')
					return ("a string contains \\u0000");
				i++;	/* skip the escaped character */
			} else if (c == '"')
				in_str = false;
			continue;
		}
		if (c == '"')
			in_str = true;
		else if (c == '{' || c == '[') {
			if (++depth > JSON_MAX_DEPTH)
				return ("nested too deeply");
		} else if (c == '}' || c == ']')
			depth--;
	}
	return (NULL);
}

/*
 * Refuse duplicate keys in every object of the tree, and objects too big
 * for the pairwise check to stay cheap (no schema of ours comes close).
 */
static bool
json_has_duplicates(const cJSON *o)
{
	const cJSON	*a, *b;
	int		 n = 0;

	for (a = o->child; a != NULL; a = a->next) {
		if (cJSON_IsObject(o) && ++n > JSON_MAX_KEYS)
			return (true);
		if (cJSON_IsObject(o)) {
			for (b = a->next; b != NULL; b = b->next) {
				if (a->string != NULL && b->string != NULL &&
				    strcmp(a->string, b->string) == 0)
					return (true);
			}
		}
		if ((cJSON_IsObject(a) || cJSON_IsArray(a)) &&
		    json_has_duplicates(a))
			return (true);
	}
	return (false);
}

cJSON *
json_parse_object(const char *buf, size_t len, const char **why)
{
	cJSON		*o;
	const char	*end = NULL;

	*why = NULL;
	if (len == 0) {
		*why = "the body is empty";
		return (NULL);
	}
	if (util_utf8_count(buf, len) < 0) {
		*why = "the body is not valid UTF-8";
		return (NULL);
	}
	if ((*why = json_scan(buf, len)) != NULL)
		return (NULL);
	o = cJSON_ParseWithLengthOpts(buf, len, &end, 0);
	if (o == NULL) {
		*why = "the body is not valid JSON";
		return (NULL);
	}
	while (end != NULL && end < buf + len &&
	    (*end == ' ' || *end == '\t' || *end == '\r' || *end == '\n'))
		end++;
	if (end != buf + len) {
		*why = "unexpected data after the JSON value";
		cJSON_Delete(o);
		return (NULL);
	}
	if (!cJSON_IsObject(o)) {
		*why = "the body must be a JSON object";
		cJSON_Delete(o);
		return (NULL);
	}
	if (json_has_duplicates(o)) {
		*why = "a key appears twice, or an object has too many keys";
		cJSON_Delete(o);
		return (NULL);
	}
	return (o);
}

int
json_check_keys(const cJSON *o, const char *const *allowed, const char **bad)
{
	const cJSON		*a;
	const char *const	*k;

	for (a = o->child; a != NULL; a = a->next) {
		for (k = allowed; *k != NULL; k++) {
			if (strcmp(*k, a->string) == 0)
				break;
		}
		if (*k == NULL) {
			*bad = a->string;
			return (-1);
		}
	}
	return (0);
}

int
json_get_string(const cJSON *o, const char *key, bool required, long min_cp,
    long max_cp, const char **out, char *err, size_t errlen)
{
	const cJSON	*v = cJSON_GetObjectItemCaseSensitive(o, key);
	long		 n;

	*out = NULL;
	if (v == NULL || cJSON_IsNull(v)) {
		if (!required)
			return (0);
		snprintf(err, errlen, "%s is required", key);
		return (-1);
	}
	if (!cJSON_IsString(v) || v->valuestring == NULL) {
		snprintf(err, errlen, "%s must be a string", key);
		return (-1);
	}
	n = util_utf8_count(v->valuestring, strlen(v->valuestring));
	if (n < 0) {
		snprintf(err, errlen, "%s is not valid text", key);
		return (-1);
	}
	if (n < min_cp) {
		if (min_cp == 1)
			snprintf(err, errlen, "%s must not be empty", key);
		else
			snprintf(err, errlen, "%s must have at least %ld characters",
			    key, min_cp);
		return (-1);
	}
	if (n > max_cp) {
		snprintf(err, errlen, "%s must have at most %ld characters", key,
		    max_cp);
		return (-1);
	}
	*out = v->valuestring;
	return (1);
}

int
json_get_int(const cJSON *o, const char *key, bool required, int64_t min,
    int64_t max, int64_t *out, char *err, size_t errlen)
{
	const cJSON	*v = cJSON_GetObjectItemCaseSensitive(o, key);
	double		 d;

	if (v == NULL || cJSON_IsNull(v)) {
		if (!required)
			return (0);
		snprintf(err, errlen, "%s is required", key);
		return (-1);
	}
	if (!cJSON_IsNumber(v)) {
		snprintf(err, errlen, "%s must be a number", key);
		return (-1);
	}
	d = v->valuedouble;
	/*
	 * cJSON keeps a double: refuse fractions, and magnitudes beyond 2^53
	 * where the number may have been rounded to another integer (and
	 * where, at 2^63, the conversion would be undefined).
	 */
	if (!isfinite(d) || floor(d) != d || fabs(d) > JSON_MAX_EXACT_INT ||
	    (int64_t)d < min || (int64_t)d > max) {
		snprintf(err, errlen, "%s must be an integer from %lld to %lld",
		    key, (long long)(min < -JSON_MAX_EXACT_INT ?
		    -JSON_MAX_EXACT_INT : min), (long long)(max > JSON_MAX_EXACT_INT ?
		    JSON_MAX_EXACT_INT : max));
		return (-1);
	}
	*out = (int64_t)d;
	return (1);
}

int
json_get_bool(const cJSON *o, const char *key, bool required, bool *out,
    char *err, size_t errlen)
{
	const cJSON	*v = cJSON_GetObjectItemCaseSensitive(o, key);

	if (v == NULL || cJSON_IsNull(v)) {
		if (!required)
			return (0);
		snprintf(err, errlen, "%s is required", key);
		return (-1);
	}
	if (!cJSON_IsBool(v)) {
		snprintf(err, errlen, "%s must be true or false", key);
		return (-1);
	}
	*out = cJSON_IsTrue(v);
	return (1);
}
