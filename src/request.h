/*
 * Reading a request: headers, cookies, query parameters, the body with its
 * size limit, and a JSON body parsed under the strict rules of json.c.
 */
#ifndef REQUEST_H
#define REQUEST_H

#include <stdbool.h>
#include <stddef.h>

#include "helpdesk.h"

struct hd_req;
struct cJSON;

/* A request header; borrowed from evhttp, valid during the request. */
const char	*request_header(struct hd_req *, const char *);
/*
 * The value of cookie name, copied into buf; returns -1 when absent, too
 * long, or present more than once (a planted duplicate is refused).
 */
int		 request_cookie(struct hd_req *, const char *, char *, size_t);
/*
 * The same on one Cookie header value, without evhttp (unit tests, the
 * fuzzer): *found counts the occurrences of name; -1 on a second one or
 * a value that does not fit in buf.
 */
int		 request_cookie_scan(const char *, const char *, char *, size_t,
		     int *);
/* A query parameter (decoded, unique, valid UTF-8); NULL when absent. */
const char	*request_query(struct hd_req *, const char *);
/*
 * Parse the raw query string into r->query: percent-decoding checked,
 * no NUL, valid UTF-8, no duplicate names. Returns -1 with a reason.
 */
int		 request_parse_query(struct hd_req *, const char *, const char **);
/* Free what request_parse_query put in r->query. */
void		 request_free_query(struct hd_req *);
/* Check every query name against a NULL-terminated list; -1 and *bad if not. */
int		 request_query_allowed(struct hd_req *, const char *const *,
		     const char **);
/* The body, contiguous; *len gets its size. Borrowed from evhttp. */
const unsigned char *request_body(struct hd_req *, size_t *);
/*
 * Parse the body as a JSON object (json.c rules). On failure it replies
 * with 400 itself and returns NULL; the caller just returns. The object
 * belongs to the caller (cJSON_Delete).
 */
struct cJSON	*request_json(struct hd_req *);
/* Whether Content-Type is the given media type (parameters ignored). */
bool		 request_content_type_is(struct hd_req *, const char *);

#endif
