/*
 * Fuzz target: raw bytes into the real HTTP front end. A real evhttp
 * (libevent 2.1.12, the daemon's limits from worker_http_new) accepts a
 * connection on an abstract AF_UNIX socket, so each input travels through
 * evhttp's own accept, request-line, header and body parsing into our
 * router, route table, gates and handlers (SECURITY.md §6.1 (a)); the
 * input is written, then the client half-closes and reads every answer.
 * evhttp_get_request, which would take a socketpair directly, is not
 * exported by 2.1.12. MariaDB and the directory are configured to fail
 * at once (no network), which exercises the 503 paths.
 *
 * Properties: no crash or sanitizer report, every answer starts with an
 * HTTP/1.x status line, and none is a 500 (a handler that forgot to
 * reply, a bug).
 */
#include "helpdesk.h"

#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>
#include <event2/http.h>
#include <mysql.h>

#include "conf.h"
#include "db.h"
#include "fuzz.h"
#include "log.h"
#include "router.h"
#include "static.h"
#include "worker.h"
#include "xmalloc.h"

#ifndef FUZZ_HTML_ROOT
#define FUZZ_HTML_ROOT "html"
#endif

/* How many loop turns a connection may take before it is dropped. */
#define FUZZ_MAX_TURNS	4000
#define FUZZ_OUT_MAX	(1 << 20)
/* How evhttp's own error page starts (http.c ERR_FORMAT). */
#define LIBPAGE		"\r\n\r\n<HTML><HEAD>\n<TITLE>"

static struct worker		 fuzz_worker;
static struct sockaddr_un	 fuzz_sun;
static socklen_t		 fuzz_sunlen;
static char			*fuzz_out;

static void
set_str(char **field, const char *value)
{
	free(*field);
	*field = xstrdup(value);
}

int
LLVMFuzzerInitialize(int *argc HD_UNUSED, char ***argv HD_UNUSED)
{
	struct worker		*w = &fuzz_worker;
	struct db_params	 p;
	int			 fd;
	char			 name[64];

	signal(SIGPIPE, SIG_IGN);
	(void)log_open(NULL, LOG_ERR);
	conf_defaults(&cfg);
	set_str(&cfg.html_root, FUZZ_HTML_ROOT);
	/* Backends that fail at once: no socket, no bind DN (no traffic). */
	set_str(&cfg.db_host, "localhost");
	set_str(&cfg.db_socket, "/nonexistent/gidhd-fuzz.sock");
	set_str(&cfg.ldap_uri, "ldap://127.0.0.1:1");
	set_str(&cfg.trusted_proxies, "127.0.0.1");
	cfg.workers = 1;
	if (mysql_library_init(0, NULL, NULL) != 0)
		abort();
	static_init(cfg.html_root);

	w->id = 0;
	snprintf(w->name, sizeof(w->name), "fz");
	pthread_mutex_init(&w->metrics.lock, NULL);
	w->metrics.routes = xcalloc((size_t)routes_count,
	    sizeof(*w->metrics.routes));
	if ((w->base = event_base_new()) == NULL)
		abort();
	w->http = worker_http_new(w->base, w);
	db_params_from_conf(&p);
	w->db = db_create(&p);

	/* An abstract socket: nothing on disk, private to this process. */
	memset(&fuzz_sun, 0, sizeof(fuzz_sun));
	fuzz_sun.sun_family = AF_UNIX;
	snprintf(name, sizeof(name), "gidhd-http-fuzz-%ld", (long)getpid());
	memcpy(fuzz_sun.sun_path + 1, name, strlen(name));
	fuzz_sunlen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 +
	    strlen(name));
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd == -1 || bind(fd, (struct sockaddr *)&fuzz_sun, fuzz_sunlen) != 0 ||
	    listen(fd, 16) != 0)
		abort();
	if (evhttp_accept_socket_with_handle(w->http, fd) == NULL)
		abort();
	fuzz_out = xmalloc(FUZZ_OUT_MAX + 1);
	return (0);
}

/* A property failed: show what the server answered, then abort. */
static void
fail_answers(const char *what, const char *out, size_t len)
{
	fprintf(stderr, "http-fuzz: %s; the server answered (%zu bytes):\n",
	    what, len);
	fwrite(out, 1, len > 2048 ? 2048 : len, stderr);
	fputc('\n', stderr);
	abort();
}

/* Check what the server sent back on one connection. */
static void
check_answers(const char *out, size_t len)
{
	const char	*p;

	if (len == 0)
		return;
	/*
	 * evhttp answers a request line it cannot parse (bad version, unknown
	 * method) itself, before our code runs, with its constant HTML page
	 * and whatever version it read ("HTTP/-1.-1 400"): a 2.1.12 quirk
	 * (SECURITY.md, "What evhttp 2.1.12 does itself").
	 */
	if (len >= 5 && memcmp(out, "HTTP/", 5) == 0 &&
	    memmem(out, len, LIBPAGE, sizeof(LIBPAGE) - 1) != NULL &&
	    memmem(out, len, "X-Request-Id", 12) == NULL)
		return;
	if (len < 12 || memcmp(out, "HTTP/1.", 7) != 0)
		fail_answers("not an HTTP/1.x status line", out, len);
	for (p = out; (p = memmem(p, len - (size_t)(p - out), "HTTP/1.", 7)) != NULL;
	    p += 7) {
		if ((size_t)(out + len - p) >= 12 && memcmp(p + 9, "500", 3) == 0)
			fail_answers("a 500 answer", out, len);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct worker	*w = &fuzz_worker;
	size_t		 off = 0, outlen = 0;
	ssize_t		 n;
	bool		 shut = false, eof = false;
	int		 c, turn;
	char		 buf[16384];

	c = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (c == -1)
		abort();
	if (connect(c, (struct sockaddr *)&fuzz_sun, fuzz_sunlen) != 0 &&
	    errno != EINPROGRESS && errno != EAGAIN)
		abort();
	for (turn = 0; turn < FUZZ_MAX_TURNS && !eof; turn++) {
		if (off < size) {
			n = write(c, data + off, size - off);
			if (n > 0)
				off += (size_t)n;
			else if (n == -1 && errno != EAGAIN)
				off = size;	/* the server closed on us */
		} else if (!shut) {
			shutdown(c, SHUT_WR);
			shut = true;
		}
		event_base_loop(w->base, EVLOOP_NONBLOCK);
		while ((n = read(c, buf, sizeof(buf))) > 0) {
			if (outlen + (size_t)n <= FUZZ_OUT_MAX) {
				memcpy(fuzz_out + outlen, buf, (size_t)n);
				outlen += (size_t)n;
			}
		}
		if (n == 0 || (n == -1 && errno != EAGAIN))
			eof = true;
	}
	close(c);
	/* Let evhttp see the close and free its side of the connection. */
	for (turn = 0; turn < 4; turn++)
		event_base_loop(w->base, EVLOOP_NONBLOCK);
	check_answers(fuzz_out, outlen);
	return (0);
}
