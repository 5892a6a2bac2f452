/*
 * Reading what the client sent: headers, cookies, a strictly decoded query
 * string and the body (whole, size already bounded by evhttp and router).
 */
#include "helpdesk.h"

#include <sys/queue.h>

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cjson/cJSON.h>
#include <event2/buffer.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#include "json.h"
#include "reply.h"
#include "request.h"
#include "router.h"
#include "util.h"
#include "xmalloc.h"

const char *
request_header(struct hd_req *r, const char *name)
{
	return (evhttp_find_header(evhttp_request_get_input_headers(r->req),
	    name));
}

int
request_cookie_scan(const char *header, const char *name, char *buf,
    size_t len, int *found)
{
	const char	*p, *end;
	size_t		 nlen = strlen(name), vlen;

	for (p = header; *p != '\0';) {
		while (*p == ' ' || *p == ';')
			p++;
		end = strchr(p, ';');
		if (end == NULL)
			end = p + strlen(p);
		if ((size_t)(end - p) > nlen && strncmp(p, name, nlen) == 0 &&
		    p[nlen] == '=') {
			vlen = (size_t)(end - p) - nlen - 1;
			while (vlen > 0 && p[nlen + vlen] == ' ')
				vlen--;
			if ((*found)++ > 0 || vlen >= len)
				return (-1);
			memcpy(buf, p + nlen + 1, vlen);
			buf[vlen] = '\0';
		}
		p = end;
	}
	return (0);
}

int
request_cookie(struct hd_req *r, const char *name, char *buf, size_t len)
{
	struct evkeyvalq	*h = evhttp_request_get_input_headers(r->req);
	struct evkeyval		*kv;
	int			 found = 0;

	TAILQ_FOREACH(kv, h, next) {
		if (strcasecmp(kv->key, "Cookie") != 0)
			continue;
		if (request_cookie_scan(kv->value, name, buf, len, &found) != 0)
			return (-1);
	}
	return (found == 1 ? 0 : -1);
}

const char *
request_query(struct hd_req *r, const char *name)
{
	int	i;

	for (i = 0; i < r->nquery; i++) {
		if (strcmp(r->query[i].key, name) == 0)
			return (r->query[i].value);
	}
	return (NULL);
}

/* Decode one percent-encoded component ('+' is a space); NULL if bad. */
static char *
request_decode(const char *s, size_t len)
{
	char	*out, *o;
	char	 hex[3] = { 0, 0, 0 };
	size_t	 i;

	out = o = xmalloc(len + 1);
	for (i = 0; i < len; i++) {
		if (s[i] == '%') {
			if (i + 2 >= len) {
				free(out);
				return (NULL);
			}
			if (!isxdigit((unsigned char)s[i + 1]) ||
			    !isxdigit((unsigned char)s[i + 2])) {
				free(out);
				return (NULL);
			}
			hex[0] = s[i + 1];
			hex[1] = s[i + 2];
			*o++ = (char)strtol(hex, NULL, 16);
			i += 2;
		} else if (s[i] == '+')
			*o++ = ' ';
		else
			*o++ = s[i];
	}
	*o = '\0';
	/* An embedded %00 or bytes that are not UTF-8 are refused. */
	if (util_utf8_count(out, (size_t)(o - out)) < 0 ||
	    strlen(out) != (size_t)(o - out)) {
		free(out);
		return (NULL);
	}
	return (out);
}

void
request_free_query(struct hd_req *r)
{
	int	i;

	for (i = 0; i < r->nquery; i++) {
		free(r->query[i].key);
		free(r->query[i].value);
	}
	r->nquery = 0;
}

int
request_parse_query(struct hd_req *r, const char *qs, const char **why)
{
	const char	*p, *amp, *eq;
	char		*k, *v;
	int		 i;

	*why = NULL;
	if (qs == NULL)
		return (0);
	for (p = qs; *p != '\0'; p = *amp ? amp + 1 : amp) {
		if ((amp = strchr(p, '&')) == NULL)
			amp = p + strlen(p);
		if (amp == p)
			continue;
		if ((eq = memchr(p, '=', (size_t)(amp - p))) == NULL)
			eq = amp;
		k = request_decode(p, (size_t)(eq - p));
		v = request_decode(eq < amp ? eq + 1 : eq,
		    eq < amp ? (size_t)(amp - eq - 1) : 0);
		if (k == NULL || v == NULL) {
			free(k);
			free(v);
			*why = "malformed query string";
			return (-1);
		}
		for (i = 0; i < r->nquery; i++) {
			if (strcmp(r->query[i].key, k) == 0) {
				free(k);
				free(v);
				*why = "a query parameter appears twice";
				return (-1);
			}
		}
		if (r->nquery == REQ_MAX_QUERY) {
			free(k);
			free(v);
			*why = "too many query parameters";
			return (-1);
		}
		r->query[r->nquery].key = k;
		r->query[r->nquery].value = v;
		r->nquery++;
	}
	return (0);
}

int
request_query_allowed(struct hd_req *r, const char *const *allowed,
    const char **bad)
{
	const char *const	*a;
	int			 i;

	for (i = 0; i < r->nquery; i++) {
		for (a = allowed; *a != NULL; a++) {
			if (strcmp(*a, r->query[i].key) == 0)
				break;
		}
		if (*a == NULL) {
			*bad = r->query[i].key;
			return (-1);
		}
	}
	return (0);
}

const unsigned char *
request_body(struct hd_req *r, size_t *len)
{
	struct evbuffer	*b = evhttp_request_get_input_buffer(r->req);

	*len = evbuffer_get_length(b);
	if (*len == 0)
		return ((const unsigned char *)"");
	return (evbuffer_pullup(b, -1));
}

bool
request_content_type_is(struct hd_req *r, const char *type)
{
	const char	*ct = request_header(r, "Content-Type");
	size_t		 n = strlen(type);

	if (ct == NULL || strncasecmp(ct, type, n) != 0)
		return (false);
	return (ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ');
}

cJSON *
request_json(struct hd_req *r)
{
	const unsigned char	*body;
	size_t			 len;
	const char		*why;
	cJSON			*o;

	body = request_body(r, &len);
	if ((o = json_parse_object((const char *)body, len, &why)) == NULL) {
		reply_error(r, 400, "bad_request", "%s", why);
		return (NULL);
	}
	return (o);
}
