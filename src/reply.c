/*
 * Replies: every response leaves through reply_send, which adds the
 * security headers and the request id and records status and size for
 * the access log. The reason phrase is always one of ours, never input.
 */
#include "helpdesk.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <event2/buffer.h>
#include <event2/http.h>

#include "conf.h"
#include "log.h"
#include "reply.h"
#include "router.h"
#include "worker.h"

static const char *
reply_phrase(int status)
{
	switch (status) {
	case 200: return ("OK");
	case 201: return ("Created");
	case 204: return ("No Content");
	case 304: return ("Not Modified");
	case 400: return ("Bad Request");
	case 401: return ("Unauthorized");
	case 403: return ("Forbidden");
	case 404: return ("Not Found");
	case 405: return ("Method Not Allowed");
	case 409: return ("Conflict");
	case 412: return ("Precondition Failed");
	case 413: return ("Payload Too Large");
	case 415: return ("Unsupported Media Type");
	case 422: return ("Unprocessable Content");
	case 429: return ("Too Many Requests");
	case 500: return ("Internal Server Error");
	case 503: return ("Service Unavailable");
	default: return ("Unknown");
	}
}

void
reply_header(struct hd_req *r, const char *name, const char *value)
{
	evhttp_add_header(evhttp_request_get_output_headers(r->req), name, value);
}

/* Send with the headers every response carries. buf is emptied, not freed. */
static void
reply_send(struct hd_req *r, int status, struct evbuffer *buf)
{
	struct evkeyvalq	*h = evhttp_request_get_output_headers(r->req);

	if (r->replied) {
		log_err("request %s: a second reply (%d) was refused", r->id, status);
		return;
	}
	evhttp_add_header(h, "X-Request-Id", r->id);
	evhttp_add_header(h, "X-Content-Type-Options", "nosniff");
	/* A handler may set a stricter policy (attachments: a sandbox). */
	if (evhttp_find_header(h, "Content-Security-Policy") == NULL)
		evhttp_add_header(h, "Content-Security-Policy",
		    "default-src 'self'; script-src 'self'; style-src 'self'; "
		    "img-src 'self' data:; connect-src 'self'; object-src 'none'; "
		    "base-uri 'none'; frame-ancestors 'none'; form-action 'self'");
	evhttp_add_header(h, "Referrer-Policy", "same-origin");
	evhttp_add_header(h, "Cross-Origin-Opener-Policy", "same-origin");
	evhttp_add_header(h, "Cross-Origin-Resource-Policy", "same-origin");
	if (cfg.session_cookie_secure)
		evhttp_add_header(h, "Strict-Transport-Security",
		    "max-age=31536000; includeSubDomains");
	if (evhttp_find_header(h, "Cache-Control") == NULL)
		evhttp_add_header(h, "Cache-Control", "no-store");
	/* A stopping worker closes kept-alive connections after this reply. */
	if (r->w != NULL && r->w->stopping &&
	    evhttp_find_header(h, "Connection") == NULL)
		evhttp_add_header(h, "Connection", "close");
	r->status = status;
	r->bytes = buf != NULL ? evbuffer_get_length(buf) : 0;
	r->replied = true;
	evhttp_send_reply(r->req, status, reply_phrase(status), buf);
}

void
reply_json(struct hd_req *r, int status, cJSON *obj)
{
	struct evbuffer	*buf;
	char		*s;

	s = cJSON_PrintUnformatted(obj);
	cJSON_Delete(obj);
	if (s == NULL) {
		reply_error(r, 500, "internal", "could not encode the response");
		return;
	}
	buf = evbuffer_new();
	evbuffer_add(buf, s, strlen(s));
	cJSON_free(s);
	reply_header(r, "Content-Type", "application/json; charset=utf-8");
	reply_send(r, status, buf);
	evbuffer_free(buf);
}

void
reply_error(struct hd_req *r, int status, const char *code, const char *fmt, ...)
{
	char	 msg[512];
	va_list	 ap;
	cJSON	*o, *e;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	o = cJSON_CreateObject();
	e = cJSON_AddObjectToObject(o, "error");
	cJSON_AddStringToObject(e, "code", code);
	cJSON_AddStringToObject(e, "message", msg);
	if (status == 503 || status == 429) {
		struct evkeyvalq *h = evhttp_request_get_output_headers(r->req);

		if (evhttp_find_header(h, "Retry-After") == NULL)
			evhttp_add_header(h, "Retry-After", status == 503 ? "5" : "60");
	}
	reply_json(r, status, o);
}

int
reply_status_of(enum hd_result res)
{
	switch (res) {
	case HD_OK: return (200);
	case HD_INVALID: return (400);
	case HD_UNAUTHORIZED: return (401);
	case HD_FORBIDDEN: return (403);
	case HD_NOTFOUND: return (404);
	case HD_CONFLICT: return (409);
	case HD_PRECONDITION: return (412);
	case HD_TOOLARGE: return (413);
	case HD_UNSUPPORTED: return (415);
	case HD_UNPROCESSABLE: return (422);
	case HD_THROTTLED: return (429);
	case HD_UNAVAILABLE: return (503);
	case HD_RETRY:
	case HD_INTERNAL:
	default: return (500);
	}
}

void
reply_result(struct hd_req *r, enum hd_result res, const char *message)
{
	static const struct {
		enum hd_result	 res;
		const char	*code;
		const char	*message;
	} map[] = {
		{ HD_INVALID, "bad_request", "The request is not valid." },
		{ HD_UNAUTHORIZED, "unauthorized", "Authentication is required." },
		{ HD_FORBIDDEN, "forbidden", "You are not allowed to do this." },
		{ HD_NOTFOUND, "not_found", "Not found." },
		{ HD_CONFLICT, "conflict", "A conflicting request is in progress." },
		{ HD_PRECONDITION, "precondition_failed",
		  "The resource was changed by someone else; reload it." },
		{ HD_TOOLARGE, "payload_too_large", "The request is too large." },
		{ HD_UNSUPPORTED, "unsupported_media_type",
		  "Content-Type must be application/json." },
		{ HD_UNPROCESSABLE, "unprocessable",
		  "The request cannot be processed." },
		{ HD_THROTTLED, "too_many_requests",
		  "Too many attempts; try again later." },
		{ HD_UNAVAILABLE, "unavailable",
		  "The service is temporarily unavailable; try again shortly." },
		{ HD_INTERNAL, "internal", "An internal error occurred." },
		{ HD_RETRY, "internal", "An internal error occurred." },
	};
	size_t	i;

	for (i = 0; i < HD_NELEM(map); i++) {
		if (map[i].res == res) {
			reply_error(r, reply_status_of(res), map[i].code, "%s",
			    message != NULL ? message : map[i].message);
			return;
		}
	}
	reply_error(r, 500, "internal", "An internal error occurred.");
}

void
reply_buffer(struct hd_req *r, int status, const char *content_type,
    struct evbuffer *buf)
{
	if (content_type != NULL)
		reply_header(r, "Content-Type", content_type);
	reply_send(r, status, buf);
}

void
reply_empty(struct hd_req *r, int status)
{
	reply_send(r, status, NULL);
}
