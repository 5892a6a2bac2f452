/*
 * The floor of the benchmarks: a bare evhttp server shaped like
 * gid-helpdeskd (N threads, each with its own event_base, evhttp on a dup()
 * of one listening socket, MariaDB connection and LDAP handles) that does,
 * per request, only the one thing a request of each kind cannot avoid:
 *
 *   GET /a?id=N        one primary-key SELECT of a ticket (prepared once)
 *   GET /b             one single-row INSERT in its own (durable) transaction
 *   GET /c?login=L     one LDAP search (uid=L) as the service account, then
 *                      a bind as the entry found (on a second handle)
 *   GET /d             a static file: open, fstat, evbuffer_add_file
 *
 * Measured in the same run on the same MariaDB and slapd, it tells what the
 * daemon's numbers should be compared with. Not part of the product.
 *
 *   floor -p PORT -t THREADS -S DB_SOCKET|-H DB_HOST -P DB_PORT -D DB
 *         -u DB_USER -w DB_PASSWORD_FILE -l LDAP_URI -b BIND_DN
 *         -W BIND_PASSWORD_FILE -B USER_BASE -k USER_PASSWORD -f FILE
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <event2/thread.h>
#include <ldap.h>
#include <mysql.h>

#define FLOOR_MAX_THREADS	256

struct floor_conf {
	int		 port;
	int		 threads;
	const char	*db_socket, *db_host, *db_name, *db_user;
	char		*db_password;
	int		 db_port;
	const char	*ldap_uri, *bind_dn, *user_base, *user_password;
	char		*bind_password;
	const char	*file;
};

struct floor_thread {
	pthread_t		 thread;
	int			 id;
	struct event_base	*base;
	struct evhttp		*http;
	MYSQL			*my;
	MYSQL_STMT		*select;
	MYSQL_STMT		*insert;
	LDAP			*svc;		/* bound as the service account */
	LDAP			*user;		/* rebound as each user */
	unsigned long long	 n;
};

static struct floor_conf	 conf;
static struct floor_thread	 threads[FLOOR_MAX_THREADS];

static void
die(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	fprintf(stderr, "floor: ");
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n");
	va_end(ap);
	exit(1);
}

/* The first line of a secret file. */
static char *
read_secret(const char *path)
{
	char	 buf[512];
	FILE	*fp;

	if ((fp = fopen(path, "r")) == NULL)
		die("%s: %s", path, strerror(errno));
	if (fgets(buf, sizeof(buf), fp) == NULL)
		buf[0] = '\0';
	fclose(fp);
	buf[strcspn(buf, "\r\n")] = '\0';
	return (strdup(buf));
}

static void
reply(struct evhttp_request *req, int code, const char *fmt, ...)
{
	struct evbuffer	*b = evhttp_request_get_output_buffer(req);
	va_list		 ap;

	va_start(ap, fmt);
	evbuffer_add_vprintf(b, fmt, ap);
	va_end(ap);
	evhttp_add_header(evhttp_request_get_output_headers(req), "Content-Type",
	    "application/json");
	evhttp_send_reply(req, code, code == 200 ? "OK" : "Error", NULL);
}

static const char *
query_param(struct evhttp_request *req, const char *key, struct evkeyvalq *q)
{
	const char	*query = evhttp_uri_get_query(
	    evhttp_request_get_evhttp_uri(req));

	if (query == NULL || evhttp_parse_query_str(query, q) != 0)
		return (NULL);
	return (evhttp_find_header(q, key));
}

/* (a) One primary-key SELECT of a ticket. */
static void
floor_select(struct floor_thread *t, struct evhttp_request *req)
{
	struct evkeyvalq	 q = { 0 };
	const char		*v = query_param(req, "id", &q);
	long long		 id = v != NULL ? atoll(v) : 1, state = 0;
	char			 tn[40], title[1024];
	unsigned long		 tnlen = 0, titlelen = 0;
	MYSQL_BIND		 p[1], r[3];
	int			 rc;

	memset(p, 0, sizeof(p));
	p[0].buffer_type = MYSQL_TYPE_LONGLONG;
	p[0].buffer = &id;
	memset(r, 0, sizeof(r));
	r[0].buffer_type = MYSQL_TYPE_STRING;
	r[0].buffer = tn;
	r[0].buffer_length = sizeof(tn) - 1;
	r[0].length = &tnlen;
	r[1].buffer_type = MYSQL_TYPE_STRING;
	r[1].buffer = title;
	r[1].buffer_length = sizeof(title) - 1;
	r[1].length = &titlelen;
	r[2].buffer_type = MYSQL_TYPE_LONGLONG;
	r[2].buffer = &state;
	if (mysql_stmt_bind_param(t->select, p) != 0 ||
	    mysql_stmt_execute(t->select) != 0 ||
	    mysql_stmt_bind_result(t->select, r) != 0 ||
	    mysql_stmt_store_result(t->select) != 0) {
		reply(req, 500, "{\"error\":\"%s\"}\n", mysql_stmt_error(t->select));
		goto out;
	}
	rc = mysql_stmt_fetch(t->select);
	mysql_stmt_free_result(t->select);
	if (rc != 0 && rc != MYSQL_DATA_TRUNCATED) {
		reply(req, 404, "{\"error\":\"not found\"}\n");
		goto out;
	}
	tn[tnlen < sizeof(tn) ? tnlen : sizeof(tn) - 1] = '\0';
	title[titlelen < sizeof(title) ? titlelen : sizeof(title) - 1] = '\0';
	reply(req, 200, "{\"number\":\"%s\",\"state\":%lld,\"title_length\":%lu}\n",
	    tn, state, titlelen);
out:
	evhttp_clear_headers(&q);
}

/* (b) One single-row INSERT, committed on its own (autocommit, durable). */
static void
floor_insert(struct floor_thread *t, struct evhttp_request *req)
{
	MYSQL_BIND	p[2];
	long long	tid = t->id;
	char		text[] = "Le visa de l'engagement est rejeté sans motif.";
	unsigned long	len = sizeof(text) - 1;

	memset(p, 0, sizeof(p));
	p[0].buffer_type = MYSQL_TYPE_LONGLONG;
	p[0].buffer = &tid;
	p[1].buffer_type = MYSQL_TYPE_STRING;
	p[1].buffer = text;
	p[1].buffer_length = len;
	p[1].length = &len;
	if (mysql_stmt_bind_param(t->insert, p) != 0 ||
	    mysql_stmt_execute(t->insert) != 0) {
		reply(req, 500, "{\"error\":\"%s\"}\n", mysql_stmt_error(t->insert));
		return;
	}
	reply(req, 201, "{\"id\":%llu}\n",
	    (unsigned long long)mysql_stmt_insert_id(t->insert));
}

static LDAP *
floor_ldap_open(void)
{
	LDAP	*ld;
	int	 v3 = LDAP_VERSION3;

	if (ldap_initialize(&ld, conf.ldap_uri) != LDAP_SUCCESS)
		die("ldap_initialize %s", conf.ldap_uri);
	ldap_set_option(ld, LDAP_OPT_PROTOCOL_VERSION, &v3);
	ldap_set_option(ld, LDAP_OPT_REFERRALS, LDAP_OPT_OFF);
	return (ld);
}

static int
floor_bind(LDAP *ld, const char *dn, const char *pw)
{
	struct berval	cred;

	cred.bv_val = (char *)pw;
	cred.bv_len = strlen(pw);
	return (ldap_sasl_bind_s(ld, dn, LDAP_SASL_SIMPLE, &cred, NULL, NULL,
	    NULL));
}

/* (c) One LDAP search as the service account, then a bind as the entry. */
static void
floor_ldap(struct floor_thread *t, struct evhttp_request *req)
{
	struct evkeyvalq	 q = { 0 };
	const char		*login = query_param(req, "login", &q);
	char			 filter[256];
	char			*attrs[] = { "uid", "cn", "mail", "ou", NULL };
	char			*dn = NULL;
	LDAPMessage		*res = NULL;
	int			 rc;

	if (login == NULL || strspn(login, "abcdefghijklmnopqrstuvwxyz0123456789.") !=
	    strlen(login)) {
		reply(req, 400, "{\"error\":\"login\"}\n");
		goto out;
	}
	snprintf(filter, sizeof(filter), "(&(objectClass=inetOrgPerson)(uid=%s))",
	    login);
	rc = ldap_search_ext_s(t->svc, conf.user_base, LDAP_SCOPE_SUBTREE, filter,
	    attrs, 0, NULL, NULL, NULL, 2, &res);
	if (rc != LDAP_SUCCESS || ldap_count_entries(t->svc, res) != 1) {
		reply(req, 401, "{\"error\":\"search %d\"}\n", rc);
		goto out;
	}
	dn = ldap_get_dn(t->svc, ldap_first_entry(t->svc, res));
	if ((rc = floor_bind(t->user, dn, conf.user_password)) != LDAP_SUCCESS) {
		reply(req, 401, "{\"error\":\"bind %d\"}\n", rc);
		goto out;
	}
	reply(req, 200, "{\"dn\":\"%s\"}\n", dn);
out:
	ldap_memfree(dn);
	ldap_msgfree(res);
	evhttp_clear_headers(&q);
}

/* (d) A static file, sent with evbuffer_add_file (sendfile). */
static void
floor_file(struct floor_thread *t, struct evhttp_request *req)
{
	struct evbuffer	*b = evhttp_request_get_output_buffer(req);
	struct stat	 st;
	int		 fd;

	(void)t;
	if ((fd = open(conf.file, O_RDONLY | O_CLOEXEC)) == -1 ||
	    fstat(fd, &st) != 0) {
		if (fd != -1)
			close(fd);
		evhttp_send_error(req, 404, NULL);
		return;
	}
	evhttp_add_header(evhttp_request_get_output_headers(req), "Content-Type",
	    "text/html; charset=utf-8");
	if (st.st_size == 0 || evbuffer_add_file(b, fd, 0, st.st_size) != 0)
		close(fd);
	evhttp_send_reply(req, 200, "OK", NULL);
}

static void
floor_dispatch_cb(struct evhttp_request *req, void *arg)
{
	struct floor_thread	*t = arg;
	const char		*path = evhttp_uri_get_path(
	    evhttp_request_get_evhttp_uri(req));

	t->n++;
	if (path == NULL || path[0] != '/' || path[1] == '\0' || path[2] != '\0') {
		evhttp_send_error(req, 404, NULL);
		return;
	}
	switch (path[1]) {
	case 'a': floor_select(t, req); break;
	case 'b': floor_insert(t, req); break;
	case 'c': floor_ldap(t, req); break;
	case 'd': floor_file(t, req); break;
	default: evhttp_send_error(req, 404, NULL); break;
	}
}

/* A prepared statement, or NULL when the table is missing and may be. */
static MYSQL_STMT *
floor_prepare(MYSQL *my, const char *sql, int may_fail)
{
	MYSQL_STMT	*s;

	if ((s = mysql_stmt_init(my)) == NULL)
		die("mysql_stmt_init");
	if (mysql_stmt_prepare(s, sql, strlen(sql)) != 0) {
		if (may_fail) {
			mysql_stmt_close(s);
			return (NULL);
		}
		die("prepare \"%s\": %s", sql, mysql_stmt_error(s));
	}
	return (s);
}

/* The same connection options as the daemon's db.c. */
static void
floor_connect(struct floor_thread *t)
{
	my_bool		 off = 0;
	unsigned int	 timeout = 10;

	if ((t->my = mysql_init(NULL)) == NULL)
		die("mysql_init");
	mysql_optionsv(t->my, MYSQL_SET_CHARSET_NAME, "utf8mb4");
	mysql_optionsv(t->my, MYSQL_INIT_COMMAND,
	    "SET SESSION sql_mode='STRICT_TRANS_TABLES,ERROR_FOR_DIVISION_BY_ZERO,"
	    "NO_ENGINE_SUBSTITUTION,NO_ZERO_DATE,NO_ZERO_IN_DATE',"
	    " time_zone='+00:00', tx_isolation='READ-COMMITTED'");
	mysql_optionsv(t->my, MYSQL_OPT_RECONNECT, &off);
	mysql_optionsv(t->my, MYSQL_OPT_LOCAL_INFILE, &off);
	mysql_optionsv(t->my, MYSQL_OPT_READ_TIMEOUT, &timeout);
	mysql_optionsv(t->my, MYSQL_OPT_WRITE_TIMEOUT, &timeout);
	if (mysql_real_connect(t->my, conf.db_host, conf.db_user, conf.db_password,
	    conf.db_name, (unsigned)conf.db_port, conf.db_socket,
	    CLIENT_FOUND_ROWS) == NULL)
		die("connect: %s", mysql_error(t->my));
	/* Before the tickets schema exists, a user's row stands in. */
	t->select = floor_prepare(t->my,
	    "SELECT tn, title, state_id FROM tickets WHERE id = ?", 1);
	if (t->select == NULL)
		t->select = floor_prepare(t->my,
		    "SELECT login, name, roles FROM users WHERE id = ?", 0);
	t->insert = floor_prepare(t->my,
	    "INSERT INTO bench_floor (thread, body, created)"
	    " VALUES (?, ?, UTC_TIMESTAMP())", 0);
}

static void *
floor_thread_main(void *arg)
{
	struct floor_thread	*t = arg;
	int			 rc;

	mysql_thread_init();
	floor_connect(t);
	t->svc = floor_ldap_open();
	if ((rc = floor_bind(t->svc, conf.bind_dn, conf.bind_password)) !=
	    LDAP_SUCCESS)
		die("service bind: %s", ldap_err2string(rc));
	t->user = floor_ldap_open();
	event_base_dispatch(t->base);
	mysql_stmt_close(t->select);
	mysql_stmt_close(t->insert);
	mysql_close(t->my);
	ldap_unbind_ext_s(t->svc, NULL, NULL);
	ldap_unbind_ext_s(t->user, NULL, NULL);
	mysql_thread_end();
	return (NULL);
}

static int
floor_listen(int port)
{
	struct sockaddr_in	sin;
	int			fd, on = 1;

	if ((fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		die("socket: %s", strerror(errno));
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
	/* As the daemon: no Nagle wait between the headers and a sendfile. */
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((unsigned short)port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) != 0 ||
	    listen(fd, 1024) != 0)
		die("listen on %d: %s", port, strerror(errno));
	evutil_make_socket_nonblocking(fd);
	return (fd);
}

static void
floor_signal_cb(evutil_socket_t sig, short ev, void *arg)
{
	(void)sig;
	(void)ev;
	event_base_loopbreak(arg);
}

static void
usage(void)
{
	fprintf(stderr, "usage: floor -p port -t threads [-S socket | -H host -P port]"
	    " -D db -u user -w password_file -l ldap_uri -b bind_dn"
	    " -W bind_password_file -B user_base -k user_password -f file\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	struct event_base	*main_base;
	struct event		*sigterm, *sigint;
	sigset_t		 all, old;
	int			 ch, fd, i;

	conf.threads = 8;
	conf.db_host = "127.0.0.1";
	while ((ch = getopt(argc, argv, "p:t:S:H:P:D:u:w:l:b:W:B:k:f:")) != -1) {
		switch (ch) {
		case 'p': conf.port = atoi(optarg); break;
		case 't': conf.threads = atoi(optarg); break;
		case 'S': conf.db_socket = optarg; break;
		case 'H': conf.db_host = optarg; break;
		case 'P': conf.db_port = atoi(optarg); break;
		case 'D': conf.db_name = optarg; break;
		case 'u': conf.db_user = optarg; break;
		case 'w': conf.db_password = read_secret(optarg); break;
		case 'l': conf.ldap_uri = optarg; break;
		case 'b': conf.bind_dn = optarg; break;
		case 'W': conf.bind_password = read_secret(optarg); break;
		case 'B': conf.user_base = optarg; break;
		case 'k': conf.user_password = optarg; break;
		case 'f': conf.file = optarg; break;
		default: usage();
		}
	}
	if (conf.port <= 0 || conf.threads < 1 || conf.threads > FLOOR_MAX_THREADS ||
	    conf.db_name == NULL || conf.db_user == NULL || conf.ldap_uri == NULL ||
	    conf.bind_dn == NULL || conf.bind_password == NULL ||
	    conf.user_base == NULL || conf.user_password == NULL || conf.file == NULL)
		usage();

	if (evthread_use_pthreads() != 0)
		die("evthread_use_pthreads");
	signal(SIGPIPE, SIG_IGN);
	if (mysql_library_init(0, NULL, NULL) != 0)
		die("mysql_library_init");
	fd = floor_listen(conf.port);
	if ((main_base = event_base_new()) == NULL)
		die("event_base_new");
	sigterm = evsignal_new(main_base, SIGTERM, floor_signal_cb, main_base);
	sigint = evsignal_new(main_base, SIGINT, floor_signal_cb, main_base);
	evsignal_add(sigterm, NULL);
	evsignal_add(sigint, NULL);

	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	for (i = 0; i < conf.threads; i++) {
		struct floor_thread *t = &threads[i];

		t->id = i;
		if ((t->base = event_base_new()) == NULL ||
		    (t->http = evhttp_new(t->base)) == NULL)
			die("evhttp_new");
		evhttp_set_gencb(t->http, floor_dispatch_cb, t);
		if (evhttp_accept_socket_with_handle(t->http, dup(fd)) == NULL)
			die("evhttp_accept_socket_with_handle");
		if (pthread_create(&t->thread, NULL, floor_thread_main, t) != 0)
			die("pthread_create");
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	fprintf(stderr, "floor: listening on 127.0.0.1:%d with %d threads\n",
	    conf.port, conf.threads);

	event_base_dispatch(main_base);

	for (i = 0; i < conf.threads; i++)
		event_base_loopbreak(threads[i].base);
	for (i = 0; i < conf.threads; i++) {
		pthread_join(threads[i].thread, NULL);
		evhttp_free(threads[i].http);
		event_base_free(threads[i].base);
	}
	close(fd);
	event_free(sigterm);
	event_free(sigint);
	event_base_free(main_base);
	mysql_library_end();
	return (0);
}
