/*
 * Liveness (/healthz), readiness (/readyz: MariaDB and the directory both
 * answer) and the Prometheus metrics (/metrics, local addresses only).
 */
#include "helpdesk.h"

#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <event2/buffer.h>

#include "api.h"
#include "conf.h"
#include "db.h"
#include "directory.h"
#include "reply.h"
#include "router.h"
#include "server.h"
#include "worker.h"

void
api_health_live(struct hd_req *r)
{
	cJSON	*o = cJSON_CreateObject();

	cJSON_AddStringToObject(o, "status", "ok");
	reply_json(r, 200, o);
}

void
api_health_ready(struct hd_req *r)
{
	enum hd_result	 db = db_ping(r->w->db);
	enum hd_result	 dir = directory_ping();
	cJSON		*o, *e;

	if (db == HD_OK && dir == HD_OK) {
		o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "status", "ok");
		cJSON_AddStringToObject(o, "database", "ok");
		cJSON_AddStringToObject(o, "directory", "ok");
		reply_json(r, 200, o);
		return;
	}
	o = cJSON_CreateObject();
	e = cJSON_AddObjectToObject(o, "error");
	cJSON_AddStringToObject(e, "code", "unavailable");
	cJSON_AddStringToObject(e, "message",
	    db != HD_OK && dir != HD_OK ? "database and directory unavailable" :
	    db != HD_OK ? "database unavailable" : "directory unavailable");
	cJSON_AddStringToObject(o, "database", db == HD_OK ? "ok" : "unavailable");
	cJSON_AddStringToObject(o, "directory", dir == HD_OK ? "ok" : "unavailable");
	reply_header(r, "Retry-After", "5");
	reply_json(r, 503, o);
}

/* Sum the workers' counters (each under its own lock). */
static void
api_health_metrics_http(struct evbuffer *b)
{
	static const char *const classes[MS_NSTATUS] = { "2xx", "3xx", "4xx", "5xx" };
	struct route_metrics	 sum;
	struct worker		*w;
	int			 i, k, c;
	uint64_t		 cum;

	evbuffer_add_printf(b,
	    "# HELP gidhd_http_requests_total Requests answered, by route and status class.\n"
	    "# TYPE gidhd_http_requests_total counter\n");
	for (i = 0; i < routes_count; i++) {
		memset(&sum, 0, sizeof(sum));
		for (k = 0; (w = server_worker(k)) != NULL; k++) {
			pthread_mutex_lock(&w->metrics.lock);
			for (c = 0; c < MS_NSTATUS; c++)
				sum.count[c] += w->metrics.routes[i].count[c];
			pthread_mutex_unlock(&w->metrics.lock);
		}
		for (c = 0; c < MS_NSTATUS; c++) {
			if (sum.count[c] != 0)
				evbuffer_add_printf(b, "gidhd_http_requests_total"
				    "{route=\"%s\",code=\"%s\"} %llu\n", routes[i].name,
				    classes[c], (unsigned long long)sum.count[c]);
		}
	}
	evbuffer_add_printf(b,
	    "# HELP gidhd_http_request_duration_seconds Time from a complete request to its reply.\n"
	    "# TYPE gidhd_http_request_duration_seconds histogram\n");
	for (i = 0; i < routes_count; i++) {
		memset(&sum, 0, sizeof(sum));
		for (k = 0; (w = server_worker(k)) != NULL; k++) {
			pthread_mutex_lock(&w->metrics.lock);
			for (c = 0; c <= METRICS_NBUCKETS; c++)
				sum.buckets[c] += w->metrics.routes[i].buckets[c];
			sum.sum_us += w->metrics.routes[i].sum_us;
			pthread_mutex_unlock(&w->metrics.lock);
		}
		cum = 0;
		for (c = 0; c < METRICS_NBUCKETS; c++) {
			cum += sum.buckets[c];
			evbuffer_add_printf(b, "gidhd_http_request_duration_seconds_bucket"
			    "{route=\"%s\",le=\"%g\"} %llu\n", routes[i].name,
			    (double)metrics_bucket_us[c] / 1e6, (unsigned long long)cum);
		}
		cum += sum.buckets[METRICS_NBUCKETS];
		evbuffer_add_printf(b, "gidhd_http_request_duration_seconds_bucket"
		    "{route=\"%s\",le=\"+Inf\"} %llu\n", routes[i].name,
		    (unsigned long long)cum);
		evbuffer_add_printf(b, "gidhd_http_request_duration_seconds_sum"
		    "{route=\"%s\"} %.6f\n", routes[i].name, (double)sum.sum_us / 1e6);
		evbuffer_add_printf(b, "gidhd_http_request_duration_seconds_count"
		    "{route=\"%s\"} %llu\n", routes[i].name, (unsigned long long)cum);
	}
}

static void
api_health_metrics_backends(struct evbuffer *b)
{
	static const char *const outcomes[4] = {
		"success", "failure", "throttled", "unavailable"
	};
	struct worker	*w;
	struct db_stats	 st;
	uint64_t	 errors = 0, reconnects = 0, ldap = 0, logins[4] = { 0 };
	int		 k, c;

	evbuffer_add_printf(b,
	    "# HELP gidhd_inflight_requests Requests dispatched and not yet fully written, per worker.\n"
	    "# TYPE gidhd_inflight_requests gauge\n");
	for (k = 0; (w = server_worker(k)) != NULL; k++) {
		evbuffer_add_printf(b, "gidhd_inflight_requests{worker=\"%d\"} %d\n",
		    k, __atomic_load_n(&w->inflight, __ATOMIC_RELAXED));
		if (w->db != NULL) {
			db_get_stats(w->db, &st);
			errors += st.errors;
			reconnects += st.reconnects;
		}
		pthread_mutex_lock(&w->metrics.lock);
		for (c = 0; c < 4; c++)
			logins[c] += w->metrics.logins[c];
		ldap += w->metrics.ldap_errors;
		pthread_mutex_unlock(&w->metrics.lock);
	}
	evbuffer_add_printf(b,
	    "# HELP gidhd_db_errors_total MariaDB errors seen by the workers.\n"
	    "# TYPE gidhd_db_errors_total counter\n"
	    "gidhd_db_errors_total %llu\n"
	    "# HELP gidhd_db_reconnects_total New MariaDB connections after a lost one.\n"
	    "# TYPE gidhd_db_reconnects_total counter\n"
	    "gidhd_db_reconnects_total %llu\n"
	    "# HELP gidhd_ldap_errors_total Directory errors (unreachable, timeouts, TLS).\n"
	    "# TYPE gidhd_ldap_errors_total counter\n"
	    "gidhd_ldap_errors_total %llu\n"
	    "# HELP gidhd_logins_total Login attempts by outcome.\n"
	    "# TYPE gidhd_logins_total counter\n",
	    (unsigned long long)errors, (unsigned long long)reconnects,
	    (unsigned long long)ldap);
	for (c = 0; c < 4; c++)
		evbuffer_add_printf(b, "gidhd_logins_total{outcome=\"%s\"} %llu\n",
		    outcomes[c], (unsigned long long)logins[c]);
}

void
api_health_metrics(struct hd_req *r)
{
	struct evbuffer	*b = evbuffer_new();
	struct db_res	*res = NULL;

	api_health_metrics_http(b);
	api_health_metrics_backends(b);
	if (db_exec(r->w->db, STMT_SESSION_COUNT, &res, "i",
	    (int64_t)cfg.session_idle_timeout) == HD_OK && db_res_next(res))
		evbuffer_add_printf(b,
		    "# HELP gidhd_sessions_open Sessions neither expired nor idle.\n"
		    "# TYPE gidhd_sessions_open gauge\n"
		    "gidhd_sessions_open %lld\n", (long long)db_res_int(res, 0));
	db_res_free(res);
	reply_buffer(r, 200, "text/plain; version=0.0.4; charset=utf-8", b);
	evbuffer_free(b);
}
