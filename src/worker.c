/*
 * Worker threads (memcached's LIBEVENT_THREAD, our way): each runs its own
 * event_base with an evhttp bound to a dup() of the listening socket, so
 * the kernel spreads connections and a blocking MariaDB or LDAP call only
 * stalls its own worker.
 */
#include "helpdesk.h"

#include <sys/time.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>
#include <event2/http.h>
#include <event2/listener.h>
#include <mysql.h>

#include "conf.h"
#include "db.h"
#include "directory.h"
#include "json.h"
#include "log.h"
#include "router.h"
#include "util.h"
#include "worker.h"
#include "xmalloc.h"

/* How often a stopping worker looks whether its replies are out. */
#define WORKER_DRAIN_TICK_US	20000
/* A stopping worker waits this long without new requests before it exits. */
#define WORKER_QUIET_US		200000
/* After accept() fails for want of descriptors, accepting pauses this long. */
#define WORKER_ACCEPT_PAUSE_US	100000
/* And says so at most this often. */
#define WORKER_ACCEPT_WARN_US	10000000

static __thread struct worker *worker_self;

const int64_t metrics_bucket_us[METRICS_NBUCKETS] = {
	250, 500, 1000, 2500, 5000, 10000, 25000, 50000, 100000, 250000,
	1000000, 5000000
};

struct worker *
worker_current(void)
{
	return (worker_self);
}

/* A reply has been written out completely. */
static void
worker_complete_cb(struct evhttp_request *req HD_UNUSED, void *arg)
{
	struct worker	*w = arg;

	if (__atomic_load_n(&w->inflight, __ATOMIC_RELAXED) > 0)
		__atomic_fetch_sub(&w->inflight, 1, __ATOMIC_RELAXED);
}

void
worker_request_begin(struct worker *w, struct evhttp_request *req)
{
	__atomic_fetch_add(&w->inflight, 1, __ATOMIC_RELAXED);
	w->last_dispatch_us = util_mono_us();
	evhttp_request_set_on_complete_cb(req, worker_complete_cb, w);
}

/* While stopping: leave the loop once every reply is out, or at the deadline. */
static void
worker_drain_cb(evutil_socket_t fd HD_UNUSED, short ev HD_UNUSED, void *arg)
{
	struct worker	*w = arg;
	int64_t		 now = util_mono_us();
	struct timeval	 tv = { 0, WORKER_DRAIN_TICK_US };

	if ((w->inflight == 0 && now - w->last_dispatch_us >= WORKER_QUIET_US) ||
	    now >= w->stop_deadline_us) {
		if (w->inflight > 0)
			log_warn("stopping with %d replies still unsent", w->inflight);
		event_base_loopexit(w->base, NULL);
		return;
	}
	evtimer_add(w->drain_ev, &tv);
}

/*
 * accept() failed with something other than EAGAIN: EMFILE, ENFILE or
 * ENOBUFS, all of which last a while. libevent's listener would retry at
 * once, forever, logging each time (a full CPU and megabytes of log per
 * second). Pause this worker's listener instead; the kernel keeps the
 * connections in the backlog until descriptors are free again. Runs in
 * the worker's thread; arg is the evhttp, so the worker is worker_self.
 */
static void
worker_accept_error_cb(struct evconnlistener *lev, void *arg HD_UNUSED)
{
	struct worker	*w = worker_self;
	struct timeval	 tv = { 0, WORKER_ACCEPT_PAUSE_US };
	int		 err = EVUTIL_SOCKET_ERROR();
	int64_t		 now = util_mono_us();

	evconnlistener_disable(lev);
	if (w == NULL)
		return;
	if (w->accept_warned_us == 0 ||
	    now - w->accept_warned_us >= WORKER_ACCEPT_WARN_US) {
		log_warn("accept: %s; pausing new connections for %d ms",
		    evutil_socket_error_to_string(err),
		    WORKER_ACCEPT_PAUSE_US / 1000);
		w->accept_warned_us = now;
	}
	evtimer_add(w->accept_ev, &tv);
}

static void
worker_accept_resume_cb(evutil_socket_t fd HD_UNUSED, short ev HD_UNUSED,
    void *arg)
{
	struct worker	*w = arg;

	if (w->bound != NULL && !w->stopping)
		evconnlistener_enable(evhttp_bound_socket_get_listener(w->bound));
}

/* Runs in the worker: stop accepting, then drain. */
static void
worker_stop_cb(evutil_socket_t fd HD_UNUSED, short ev HD_UNUSED, void *arg)
{
	struct worker	*w = arg;
	struct timeval	 tv = { 0, 0 };

	if (w->stopping)
		return;
	w->stopping = true;
	evtimer_del(w->accept_ev);
	if (w->bound != NULL)
		evhttp_del_accept_socket(w->http, w->bound);	/* closes our dup */
	w->bound = NULL;
	w->stop_deadline_us = util_mono_us() +
	    (int64_t)cfg.shutdown_timeout * 1000000;
	evtimer_add(w->drain_ev, &tv);
}

static void *
worker_main(void *arg)
{
	struct worker		*w = arg;
	struct db_params	 p;

	worker_self = w;
	log_set_thread(w->name);
	mysql_thread_init();
	db_params_from_conf(&p);
	w->db = db_create(&p);
	/* A database that is down at start-up is not fatal: /readyz says so. */
	(void)db_connect(w->db);

	event_base_dispatch(w->base);

	evhttp_free(w->http);
	w->http = NULL;
	db_free(w->db);
	w->db = NULL;
	directory_thread_end();
	json_write_thread_end();
	mysql_thread_end();
	return (NULL);
}

/*
 * The evhttp of a worker with every limit the daemon runs with; the HTTP
 * fuzzer builds its server here too, so that it fuzzes what runs.
 */
struct evhttp *
worker_http_new(struct event_base *base, struct worker *w)
{
	struct evhttp	*http;

	if ((http = evhttp_new(base)) == NULL)
		fatalx("evhttp_new failed");
	/*
	 * Limits: headers and the largest body any route takes (an upload);
	 * routes with smaller limits answer 413 themselves in the router.
	 */
	evhttp_set_max_headers_size(http, (ev_ssize_t)cfg.max_header_size);
	evhttp_set_max_body_size(http, (ev_ssize_t)(
	    cfg.tickets_max_attachment_size > cfg.max_body_size ?
	    cfg.tickets_max_attachment_size : cfg.max_body_size) + 65536);
	evhttp_set_timeout(http, cfg.timeout);
	/* Every method reaches the router, which answers 405 with Allow. */
	evhttp_set_allowed_methods(http, EVHTTP_REQ_GET | EVHTTP_REQ_POST |
	    EVHTTP_REQ_HEAD | EVHTTP_REQ_PUT | EVHTTP_REQ_DELETE |
	    EVHTTP_REQ_OPTIONS | EVHTTP_REQ_TRACE | EVHTTP_REQ_CONNECT |
	    EVHTTP_REQ_PATCH);
	evhttp_set_default_content_type(http, "text/plain; charset=utf-8");
	evhttp_set_gencb(http, router_dispatch_cb, w);
	return (http);
}

void
worker_start(struct worker *w, int id, int listen_fd)
{
	int		fd;

	w->id = id;
	snprintf(w->name, sizeof(w->name), "w%d", id);
	pthread_mutex_init(&w->metrics.lock, NULL);
	w->metrics.routes = xcalloc((size_t)routes_count,
	    sizeof(*w->metrics.routes));
	if ((w->base = event_base_new()) == NULL)
		fatalx("event_base_new failed");
	w->http = worker_http_new(w->base, w);
	/*
	 * Each evhttp closes its listener's fd when freed, so each gets its
	 * own dup() and none closes the fd of another.
	 */
	if ((fd = dup(listen_fd)) == -1)
		fatal("dup");
	if ((w->bound = evhttp_accept_socket_with_handle(w->http, fd)) == NULL)
		fatalx("evhttp_accept_socket_with_handle failed");
	w->accept_ev = evtimer_new(w->base, worker_accept_resume_cb, w);
	evconnlistener_set_error_cb(evhttp_bound_socket_get_listener(w->bound),
	    worker_accept_error_cb);
	w->stop_ev = event_new(w->base, -1, 0, worker_stop_cb, w);
	w->drain_ev = evtimer_new(w->base, worker_drain_cb, w);
	if (pthread_create(&w->thread, NULL, worker_main, w) != 0)
		fatalx("pthread_create failed");
}

void
worker_stop(struct worker *w)
{
	event_active(w->stop_ev, EV_READ, 0);
}

void
worker_join(struct worker *w)
{
	pthread_join(w->thread, NULL);
	event_free(w->stop_ev);
	event_free(w->drain_ev);
	event_free(w->accept_ev);
	event_base_free(w->base);
	pthread_mutex_destroy(&w->metrics.lock);
	free(w->metrics.routes);
}
