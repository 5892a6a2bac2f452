/*
 * Where every request goes: evhttp calls router_dispatch_cb, which builds
 * the struct hd_req, decodes and checks the URL, matches the route table
 * (routes.c), applies the gates the route asks for (body size, media
 * type, authentication, role, CSRF and origin), calls the handler, makes
 * sure exactly one reply went out, and writes the access-log line.
 */
#include "helpdesk.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cjson/cJSON.h>
#include <event2/buffer.h>
#include <event2/http.h>
#include <event2/http_struct.h>

#include "conf.h"
#include "log.h"
#include "netaddr.h"
#include "reply.h"
#include "request.h"
#include "router.h"
#include "session-recheck.h"
#include "session.h"
#include "user.h"
#include "util.h"
#include "worker.h"
#include "xmalloc.h"

/* A random prefix per process, so request ids from restarts differ. */
static uint32_t	router_boot_id;

static unsigned
router_method(enum evhttp_cmd_type t, const char **name)
{
	switch (t) {
	case EVHTTP_REQ_GET: *name = "GET"; return (M_GET);
	case EVHTTP_REQ_HEAD: *name = "HEAD"; return (M_HEAD);
	case EVHTTP_REQ_POST: *name = "POST"; return (M_POST);
	case EVHTTP_REQ_PUT: *name = "PUT"; return (M_PUT);
	case EVHTTP_REQ_PATCH: *name = "PATCH"; return (M_PATCH);
	case EVHTTP_REQ_DELETE: *name = "DELETE"; return (M_DELETE);
	case EVHTTP_REQ_OPTIONS: *name = "OPTIONS"; return (0);
	case EVHTTP_REQ_TRACE: *name = "TRACE"; return (0);
	case EVHTTP_REQ_CONNECT: *name = "CONNECT"; return (0);
	default: *name = "?"; return (0);
	}
}

/* Match one pattern; on success params get (offset, length) pairs. */
static int
router_match_one(const char *pattern, const char *path, size_t *off,
    size_t *len, int *nparams)
{
	const char	*p = pattern, *s = path;
	int		 n = 0;

	*nparams = 0;
	for (;;) {
		if (*p == '*' && p[1] == '\0')
			return (strncmp(path, "/api/", 5) == 0 ? -1 : 0);
		if (*p == '{') {
			const char *end = strchr(s, '/');
			size_t seglen = end != NULL ? (size_t)(end - s) : strlen(s);

			if (seglen == 0 || n == ROUTE_MAX_PARAMS)
				return (-1);
			off[n] = (size_t)(s - path);
			len[n] = seglen;
			n++;
			s += seglen;
			p = strchr(p, '}') + 1;
			continue;
		}
		if (*p != *s)
			return (-1);
		if (*p == '\0')
			break;
		p++;
		s++;
	}
	*nparams = n;
	return (0);
}

int
router_match(const struct route *table, int count, const char *path,
    unsigned method, char *buf, const char **params, unsigned *allowed)
{
	size_t	off[ROUTE_MAX_PARAMS], len[ROUTE_MAX_PARAMS];
	int	i, j, n;

	*allowed = 0;
	for (i = 0; i < count; i++) {
		const struct route *rt = &table[i];
		unsigned m = rt->methods;

		if (router_match_one(rt->pattern, path, off, len, &n) != 0)
			continue;
		if (m & M_GET)
			m |= M_HEAD;
		*allowed |= m;
		if ((m & method) == 0)
			continue;
		for (j = 0; j < n; j++) {
			buf[off[j] + len[j]] = '\0';
			params[j] = buf + off[j];
		}
		return (i);
	}
	return (-1);
}

/* "GET, HEAD, POST" for the Allow header. */
static void
router_allow_header(unsigned m, char *buf, size_t len)
{
	static const struct { unsigned bit; const char *name; } names[] = {
		{ M_GET, "GET" }, { M_HEAD, "HEAD" }, { M_POST, "POST" },
		{ M_PUT, "PUT" }, { M_PATCH, "PATCH" }, { M_DELETE, "DELETE" },
	};
	size_t	i;

	buf[0] = '\0';
	for (i = 0; i < HD_NELEM(names); i++) {
		if (m & names[i].bit) {
			if (buf[0] != '\0')
				strncat(buf, ", ", len - strlen(buf) - 1);
			strncat(buf, names[i].name, len - strlen(buf) - 1);
		}
	}
}

/*
 * The client address: the TCP peer, or the last X-Forwarded-For entry
 * when the peer is one of our trusted proxies (the one it appended).
 */
static void
router_client_ip(struct hd_req *r)
{
	struct evhttp_connection	*con = evhttp_request_get_connection(r->req);
	char				*addr = NULL;
	ev_uint16_t			 port = 0;
	const char			*xff, *last;

	r->client_ip[0] = '\0';
	if (con != NULL)
		evhttp_connection_get_peer(con, &addr, &port);
	snprintf(r->client_ip, sizeof(r->client_ip), "%s", addr != NULL ? addr : "");
	if (cfg.trusted_proxies[0] == '\0' ||
	    !netaddr_in_list(r->client_ip, cfg.trusted_proxies))
		return;
	if ((xff = request_header(r, "X-Forwarded-For")) == NULL)
		return;
	last = strrchr(xff, ',');
	last = last != NULL ? last + 1 : xff;
	while (*last == ' ')
		last++;
	if (netaddr_valid(last))
		snprintf(r->client_ip, sizeof(r->client_ip), "%s", last);
}

/*
 * Same-origin check for writes (defence in depth behind the CSRF token):
 * an Origin header must name this site; without one, Sec-Fetch-Site must
 * not say the request came from elsewhere.
 */
static int
router_origin_ok(struct hd_req *r)
{
	const char	*origin = request_header(r, "Origin");
	const char	*host = request_header(r, "Host");
	const char	*site = request_header(r, "Sec-Fetch-Site");
	const char	*rest;

	if (origin == NULL) {
		if (site == NULL)
			return (1);
		return (strcmp(site, "same-origin") == 0 || strcmp(site, "none") == 0);
	}
	if (cfg.origin[0] != '\0')
		return (strcmp(origin, cfg.origin) == 0);
	if (host == NULL)
		return (0);
	if (strncmp(origin, "http://", 7) == 0)
		rest = origin + 7;
	else if (strncmp(origin, "https://", 8) == 0)
		rest = origin + 8;
	else
		return (0);
	return (strcasecmp(rest, host) == 0);
}

/*
 * Authenticate from a Bearer token or the session cookie: one indexed
 * query, plus a directory re-check once every recheck_interval.
 */
static enum hd_result
router_authenticate(struct hd_req *r)
{
	const char	*auth = request_header(r, "Authorization");
	char		 cookie[128];
	enum hd_result	 res;

	if (auth != NULL) {
		if (strncasecmp(auth, "Bearer ", 7) != 0)
			return (HD_UNAUTHORIZED);
		res = session_lookup_token(r->w->db, auth + 7, &r->user,
		    &r->session);
	} else {
		if (request_cookie(r, SESSION_COOKIE, cookie, sizeof(cookie)) != 0)
			return (HD_UNAUTHORIZED);
		res = session_lookup(r->w->db, cookie, &r->user, &r->session);
		explicit_bzero(cookie, sizeof(cookie));
	}
	if (res == HD_OK &&
	    r->session.checked_age >= cfg.session_recheck_interval)
		res = session_recheck(r);
	return (res);
}

/* The gates of a route, in order. Returns 0 to go on, -1 after replying. */
static int
router_gate(struct hd_req *r)
{
	const struct route	*rt = r->route;
	size_t			 len;
	bool			 writes = (r->method & (M_GET | M_HEAD)) == 0;
	const char		*csrf;
	enum hd_result		 res;

	if ((rt->flags & ROUTE_LOCAL) &&
	    !netaddr_in_list(r->client_ip, cfg.metrics_allow)) {
		reply_error(r, 403, "forbidden", "Not allowed from this address.");
		return (-1);
	}
	(void)request_body(r, &len);
	if (!(rt->flags & ROUTE_UPLOAD) && len > (size_t)cfg.max_body_size) {
		reply_error(r, 413, "payload_too_large",
		    "The body is larger than %d bytes.", cfg.max_body_size);
		return (-1);
	}
	if ((rt->flags & ROUTE_JSON) && writes && r->method != M_DELETE &&
	    !request_content_type_is(r, "application/json")) {
		reply_result(r, HD_UNSUPPORTED, NULL);
		return (-1);
	}
	if ((rt->flags & ROUTE_LOGIN) && !router_origin_ok(r)) {
		reply_error(r, 403, "forbidden", "Cross-site request refused.");
		return (-1);
	}
	if (!(rt->flags & ROUTE_AUTH))
		return (0);
	if ((res = router_authenticate(r)) != HD_OK) {
		if (res == HD_UNAUTHORIZED)
			reply_error(r, 401, "unauthorized",
			    "Your session has expired or you are not logged in.");
		else
			reply_result(r, res, NULL);
		return (-1);
	}
	/* A cookie can be sent by another site's page: writes prove otherwise. */
	if (writes && r->session.id != 0) {
		csrf = request_header(r, "X-CSRF-Token");
		if (csrf == NULL || strlen(csrf) != UTIL_TOKEN_LEN ||
		    !util_ct_equal(csrf, r->session.csrf, UTIL_TOKEN_LEN)) {
			reply_error(r, 403, "csrf", "Missing or wrong CSRF token.");
			return (-1);
		}
		if (!router_origin_ok(r)) {
			reply_error(r, 403, "forbidden", "Cross-site request refused.");
			return (-1);
		}
	}
	if (((rt->flags & ROUTE_AGENT) && !user_has_role(r->user, ROLE_AGENT)) ||
	    ((rt->flags & ROUTE_ADMIN) && !user_has_role(r->user, ROLE_ADMIN))) {
		reply_error(r, 403, "forbidden", "Your role does not allow this.");
		return (-1);
	}
	return (0);
}

static enum metrics_status
router_status_class(int status)
{
	if (status >= 500)
		return (MS_5XX);
	if (status >= 400)
		return (MS_4XX);
	if (status >= 300)
		return (MS_3XX);
	return (MS_2XX);
}

/* Count the request for /metrics and write the access-log line. */
static void
router_finish(struct hd_req *r, const char *raw_path)
{
	int64_t			 us = util_mono_us() - r->start_us;
	struct route_metrics	*m;
	cJSON			*o;
	int			 b;

	if (r->route_index >= 0) {
		pthread_mutex_lock(&r->w->metrics.lock);
		m = &r->w->metrics.routes[r->route_index];
		m->count[router_status_class(r->status)]++;
		for (b = 0; b < METRICS_NBUCKETS && us > metrics_bucket_us[b]; b++)
			;
		m->buckets[b]++;
		m->sum_us += (uint64_t)us;
		pthread_mutex_unlock(&r->w->metrics.lock);
	}
	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "event", "access");
	cJSON_AddStringToObject(o, "req_id", r->id);
	cJSON_AddStringToObject(o, "src_ip", r->client_ip);
	cJSON_AddStringToObject(o, "user", r->user != NULL ? r->user->login : "-");
	cJSON_AddStringToObject(o, "method", r->method_name);
	cJSON_AddStringToObject(o, "path", raw_path);
	cJSON_AddStringToObject(o, "route", r->route != NULL ? r->route->name : "-");
	cJSON_AddNumberToObject(o, "status", r->status);
	cJSON_AddNumberToObject(o, "bytes", (double)r->bytes);
	cJSON_AddNumberToObject(o, "us", (double)us);
	log_event(LOG_INFO, o);
}

void
router_dispatch_cb(struct evhttp_request *req, void *arg)
{
	struct hd_req			 r;
	struct worker			*w = arg;
	const struct evhttp_uri		*uri;
	const char			*raw_path, *why;
	size_t				 dlen;
	unsigned			 allowed;
	char				 allow[64];

	if (router_boot_id == 0)
		util_random_bytes(&router_boot_id, sizeof(router_boot_id));
	memset(&r, 0, sizeof(r));
	r.req = req;
	r.w = w;
	r.route_index = -1;
	r.start_us = util_mono_us();
	snprintf(r.id, sizeof(r.id), "%08x%02x%08llx", router_boot_id,
	    (unsigned)w->id & 0xff, (unsigned long long)++w->nreq);
	worker_request_begin(w, req);
	r.method = router_method(evhttp_request_get_command(req), &r.method_name);
	router_client_ip(&r);

	/*
	 * libevent 2.1.12 parses "HTTP/4294967295.255" into a wrapped-around
	 * version and would answer with it; only 1.0 and 1.1 are spoken here.
	 */
	if (req->major != 1 || (req->minor != 0 && req->minor != 1)) {
		req->major = 1;
		req->minor = 1;
		raw_path = "-";
		reply_header(&r, "Connection", "close");
		reply_error(&r, 400, "bad_request", "Unsupported HTTP version.");
		goto out;
	}
	uri = evhttp_request_get_evhttp_uri(req);
	raw_path = uri != NULL ? evhttp_uri_get_path(uri) : NULL;
	if (raw_path == NULL || raw_path[0] != '/') {
		raw_path = "-";
		/* CONNECT's target has no path; the method is what is refused. */
		if (r.method == 0) {
			reply_header(&r, "Allow", "GET, HEAD");
			reply_error(&r, 405, "method_not_allowed",
			    "Method %s is not allowed here.", r.method_name);
		} else
			reply_error(&r, 400, "bad_request", "Malformed request target.");
		goto out;
	}
	/* Encoded slashes and backslashes have no use here but to confuse. */
	if (strcasestr(raw_path, "%2f") != NULL || strcasestr(raw_path, "%5c") != NULL ||
	    strchr(raw_path, '\\') != NULL) {
		reply_error(&r, 400, "bad_request", "Malformed path.");
		goto out;
	}
	r.path = evhttp_uridecode(raw_path, 0, &dlen);
	if (r.path == NULL || strlen(r.path) != dlen ||
	    util_utf8_count(r.path, dlen) < 0) {
		reply_error(&r, 400, "bad_request", "Malformed path.");
		goto out;
	}
	if (request_parse_query(&r, evhttp_uri_get_query(uri), &why) != 0) {
		reply_error(&r, 400, "bad_request", "%s", why);
		goto out;
	}
	r.pathbuf = xstrdup(r.path);
	r.route_index = router_match(routes, routes_count, r.path, r.method,
	    r.pathbuf, r.params, &allowed);
	if (r.route_index < 0) {
		/* Known path, other method (or TRACE and friends): 405 with Allow. */
		if (allowed != 0 || r.method == 0) {
			router_allow_header(allowed != 0 ? allowed : M_GET | M_HEAD,
			    allow, sizeof(allow));
			reply_header(&r, "Allow", allow);
			reply_error(&r, 405, "method_not_allowed",
			    "Method %s is not allowed here.", r.method_name);
		} else
			reply_error(&r, 404, "not_found", "No such resource.");
		goto out;
	}
	r.route = &routes[r.route_index];
	if (router_gate(&r) != 0)
		goto out;
	r.route->handler(&r);
	if (!r.replied) {
		log_err("request %s: handler %s sent no reply", r.id, r.route->name);
		reply_error(&r, 500, "internal", "An internal error occurred.");
	}
out:
	if (!r.replied)
		reply_error(&r, 500, "internal", "An internal error occurred.");
	router_finish(&r, raw_path);
	user_free(r.user);
	explicit_bzero(&r.session, sizeof(r.session));
	request_free_query(&r);
	free(r.path);
	free(r.pathbuf);
}
