/*
 * Start-up and shutdown order (memcached's stop_threads, tmux's signals as
 * events): the main thread owns the listening socket and a base that only
 * carries signal events; workers do all the HTTP work.
 */
#include "helpdesk.h"

#include <sys/socket.h>
#include <sys/types.h>

#include <netinet/in.h>
#include <netinet/tcp.h>

#include <netdb.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>
#include <event2/thread.h>
#include <event2/util.h>
#include <mysql.h>

#include "conf.h"
#include "log.h"
#include "maintenance.h"
#include "server.h"
#include "static.h"
#include "worker.h"
#include "xmalloc.h"

static struct worker	*server_workers;

/* A listening socket with a backlog larger than evhttp's fixed 128. */
static int
server_listen(const char *host, int port)
{
	struct addrinfo	 hints, *res, *ai;
	char		 portstr[16];
	int		 fd = -1, on = 1, rc;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	snprintf(portstr, sizeof(portstr), "%d", port);
	if ((rc = getaddrinfo(host, portstr, &hints, &res)) != 0)
		fatalx("listen %s:%d: %s", host, port, gai_strerror(rc));
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC,
		    ai->ai_protocol);
		if (fd == -1)
			continue;
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
		/*
		 * No Nagle (accepted sockets inherit it on Linux): a static
		 * file goes out as headers, then sendfile; the file's last
		 * segment otherwise waits for the client's delayed ACK of the
		 * headers, 40 ms for every file on a kept-alive connection.
		 */
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
		if (bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 &&
		    listen(fd, 1024) == 0)
			break;
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd == -1)
		fatal("listen %s:%d", host, port);
	evutil_make_socket_nonblocking(fd);
	return (fd);
}

static void
server_signal_cb(evutil_socket_t sig, short ev HD_UNUSED, void *arg)
{
	struct event_base	*base = arg;

	switch (sig) {
	case SIGHUP:
		log_reopen();
		break;
	case SIGTERM:
	case SIGINT:
		log_info("signal %d: stopping", (int)sig);
		event_base_loopbreak(base);
		break;
	}
}

int
server_run(void)
{
	struct event_base	*base;
	struct event		*sigs[3];
	const int		 signums[3] = { SIGTERM, SIGINT, SIGHUP };
	sigset_t		 all, old;
	int			 fd, i;

	if (evthread_use_pthreads() != 0)
		fatalx("evthread_use_pthreads failed");
	signal(SIGPIPE, SIG_IGN);
	if (mysql_library_init(0, NULL, NULL) != 0)
		fatalx("mysql_library_init failed");
	static_init(cfg.html_root);

	fd = server_listen(cfg.listen_host, cfg.listen_port);
	if ((base = event_base_new()) == NULL)
		fatalx("event_base_new failed");
	for (i = 0; i < 3; i++) {
		sigs[i] = evsignal_new(base, signums[i], server_signal_cb, base);
		evsignal_add(sigs[i], NULL);
	}

	/* Workers inherit a blocked mask: only this thread takes signals. */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	server_workers = xcalloc((size_t)cfg.workers, sizeof(*server_workers));
	for (i = 0; i < cfg.workers; i++)
		worker_start(&server_workers[i], i, fd);
	maintenance_start();
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	log_info("listening on %s:%d with %d workers", cfg.listen_host,
	    cfg.listen_port, cfg.workers);

	event_base_dispatch(base);

	/* Stop accepting everywhere first, then wait for the replies. */
	for (i = 0; i < cfg.workers; i++)
		worker_stop(&server_workers[i]);
	/* The socket stops listening once the workers have closed their dups. */
	close(fd);
	for (i = 0; i < cfg.workers; i++)
		worker_join(&server_workers[i]);
	maintenance_stop();
	free(server_workers);
	server_workers = NULL;
	for (i = 0; i < 3; i++)
		event_free(sigs[i]);
	event_base_free(base);
	static_free();
	mysql_library_end();
	log_info("stopped");
	return (0);
}

/* Metrics read every worker; NULL before start or after stop. */
struct worker *
server_worker(int i)
{
	if (server_workers == NULL || i < 0 || i >= cfg.workers)
		return (NULL);
	return (&server_workers[i]);
}
