/*
 * Strict JSON input: what cJSON accepts leniently (duplicate keys, case-
 * insensitive lookups, \u0000, huge numbers, deep nesting) is refused at
 * the edge, and typed getters check bounds so handlers get clean values.
 */
#ifndef JSON_H
#define JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "helpdesk.h"

struct cJSON;

#define JSON_MAX_DEPTH	8
#define JSON_MAX_KEYS	64
/* The largest integer a double holds exactly (2^53 - 1); json_get_int's limit. */
#define JSON_MAX_EXACT_INT	9007199254740991LL

/*
 * Parse buf as one JSON object. Refused: invalid UTF-8, \u0000 in a
 * string, trailing bytes, nesting deeper than JSON_MAX_DEPTH, duplicate
 * keys, a top level that is not an object. Returns NULL with a static
 * reason on failure; the object belongs to the caller.
 */
struct cJSON	*json_parse_object(const char *, size_t, const char **);

/* Refuse any key not in the NULL-terminated list; *bad gets the first. */
int		 json_check_keys(const struct cJSON *, const char *const *,
		     const char **);

/*
 * Typed getters. Each returns 1 when the key is present and valid, 0 when
 * absent (allowed only if !required, else an error), -1 on error with a
 * message in err (a user-facing sentence naming the field).
 */
int	json_get_string(const struct cJSON *, const char *, bool, long, long,
	    const char **, char *, size_t);
int	json_get_int(const struct cJSON *, const char *, bool, int64_t, int64_t,
	    int64_t *, char *, size_t);
int	json_get_bool(const struct cJSON *, const char *, bool, bool *, char *,
	    size_t);

/* json-write.c */
/*
 * item written as cJSON_PrintUnformatted would write it, into a buffer
 * the calling thread keeps: valid until the thread's next json_write.
 * *len gets the length (the text is also NUL-terminated).
 */
const char	*json_write(const struct cJSON *, size_t *);
/* Free the calling thread's buffer (a worker that ends). */
void		 json_write_thread_end(void);

#endif
