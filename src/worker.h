/*
 * A worker thread: its own event loop and evhttp accepting on a dup() of
 * the shared listening socket, its own MariaDB connection, its counters.
 * Nothing in a worker is touched by another thread except the metrics,
 * which have their own lock, and the stop event.
 */
#ifndef WORKER_H
#define WORKER_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "helpdesk.h"

struct event_base;
struct evhttp;
struct evhttp_request;
struct evhttp_bound_socket;
struct event;
struct db;

/* Latency histogram bounds in microseconds (Prometheus "le" buckets). */
#define METRICS_NBUCKETS	12
extern const int64_t metrics_bucket_us[METRICS_NBUCKETS];
/* Status classes counted per route: 2xx 3xx 4xx 5xx and a few exact codes. */
enum metrics_status { MS_2XX, MS_3XX, MS_4XX, MS_5XX, MS_NSTATUS };

struct route_metrics {
	uint64_t	count[MS_NSTATUS];
	uint64_t	buckets[METRICS_NBUCKETS + 1];	/* last is +Inf */
	uint64_t	sum_us;
};

struct worker_metrics {
	pthread_mutex_t		 lock;
	struct route_metrics	*routes;	/* routes_count entries */
	uint64_t		 logins[4];	/* success, failure, throttled, unavailable */
	uint64_t		 ldap_errors;
};

struct worker {
	int				 id;
	char				 name[8];
	pthread_t			 thread;
	struct event_base		*base;
	struct evhttp			*http;
	struct evhttp_bound_socket	*bound;
	struct event			*stop_ev;
	struct event			*drain_ev;
	struct event			*accept_ev;	/* resumes a paused listener */
	int64_t				 accept_warned_us;
	struct db			*db;

	uint64_t			 nreq;		/* for request ids */
	int				 inflight;	/* replies not yet written */
	int64_t				 last_dispatch_us;
	int64_t				 stop_deadline_us;
	bool				 stopping;
	struct worker_metrics		 metrics;
};

/* A new evhttp on base with the daemon's limits, dispatching to the router for w. */
struct evhttp *worker_http_new(struct event_base *, struct worker *);
/* Set up w (base, evhttp on a dup of fd) and start its thread. */
void	worker_start(struct worker *, int, int);
/* Ask w to stop accepting and finish; thread-safe, returns at once. */
void	worker_stop(struct worker *);
/* Wait for the thread and free what it owned. */
void	worker_join(struct worker *);
/* Called by the router around each request. */
void	worker_request_begin(struct worker *, struct evhttp_request *);
/* The calling thread's worker, or NULL in the main thread. */
struct worker *worker_current(void);

#endif
