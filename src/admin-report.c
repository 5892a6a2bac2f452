/*
 * gid-helpdesk report, report-refresh and report-user: a report printed
 * as CSV or JSON (the rows of report-store.c, the formats of report.c,
 * as the API gives them), the summaries brought up to date at once, and
 * the read-only reporting account of the SQL views.
 */
#include "helpdesk.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <event2/buffer.h>
#include <mysql.h>

#include "admin.h"
#include "conf.h"
#include "db.h"
#include "report-store.h"
#include "report.h"
#include "ticket.h"
#include "util.h"
#include "xmalloc.h"

/* The reporting account's limits (CREATE USER ... WITH). */
#define REPORT_USER_CONNECTIONS	"10"
#define REPORT_USER_STATEMENT_TIME	"60"
#define REPORT_USER_MAX		32
#define REPORT_HOST_MAX		60
#define REPORT_PASSWORD_MIN	12
#define REPORT_PASSWORD_MAX	128

static void
admin_report_usage(void)
{
	fprintf(stderr, "usage: gid-helpdesk report NAME [--from YYYY-MM-DD] "
	    "[--to YYYY-MM-DD]\n\t[--queue CODE] [--format csv|json] [--bom] "
	    "[--max-rows N]\n       gid-helpdesk report --list\n");
}

/* The names, one a line, with what they show (for bench/ and scripts). */
static void
admin_report_list(void)
{
	const struct report_def	*d;
	size_t			 i;

	for (i = 0; (d = report_at(i)) != NULL; i++)
		printf("%-20s %s\n", d->name, d->title_en);
}

/* Write the whole buffer to standard output; -1 on a write error. */
static int
admin_report_write(struct evbuffer *b)
{
	while (evbuffer_get_length(b) > 0) {
		if (evbuffer_write(b, STDOUT_FILENO) < 0) {
			if (errno == EINTR)
				continue;
			return (-1);
		}
	}
	return (0);
}

int
admin_report(int argc, char **argv)
{
	const struct report_def	*d = NULL;
	const char		*from = NULL, *to = NULL, *queue = NULL;
	const char		*format = "csv", *why, *errstr;
	struct report_period	 p;
	struct report_rows	 rows;
	struct db_params	 dp;
	struct db		*db = NULL;
	struct evbuffer		*b = NULL;
	enum hd_result		 res;
	long long		 max_rows = cfg.reports_max_rows;
	bool			 bom = false;
	char			*json;
	cJSON			*o;
	int			 i, rc = 1;

	memset(&rows, 0, sizeof(rows));
	if (argc == 2 && strcmp(argv[1], "--list") == 0) {
		admin_report_list();
		return (0);
	}
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--from") == 0 && i + 1 < argc)
			from = argv[++i];
		else if (strcmp(argv[i], "--to") == 0 && i + 1 < argc)
			to = argv[++i];
		else if (strcmp(argv[i], "--queue") == 0 && i + 1 < argc)
			queue = argv[++i];
		else if (strcmp(argv[i], "--format") == 0 && i + 1 < argc)
			format = argv[++i];
		else if (strcmp(argv[i], "--bom") == 0)
			bom = true;
		else if (strcmp(argv[i], "--max-rows") == 0 && i + 1 < argc) {
			if (util_strtonum(argv[++i], 1, 10000000, &max_rows,
			    &errstr) != 0) {
				fprintf(stderr, "report: --max-rows: %s\n", errstr);
				return (2);
			}
		} else if (argv[i][0] != '-' && d == NULL) {
			if ((d = report_find(argv[i])) == NULL) {
				fprintf(stderr, "report: no report %s; these are:\n",
				    argv[i]);
				admin_report_list();
				return (2);
			}
		} else {
			admin_report_usage();
			return (2);
		}
	}
	if (d == NULL || (strcmp(format, "csv") != 0 &&
	    strcmp(format, "json") != 0)) {
		admin_report_usage();
		return (2);
	}
	if (report_period_parse(from, to, util_now_us() / 1000000, &p,
	    &why) != 0) {
		fprintf(stderr, "report: %s\n", why);
		return (2);
	}
	if (queue != NULL && (*queue == '\0' || strlen(queue) > QUEUE_CODE_MAX)) {
		fprintf(stderr, "report: unknown queue\n");
		return (2);
	}
	/* The daemon's account: a report only reads. */
	db_params_from_conf(&dp);
	db = db_create(&dp);
	if (db_connect(db) != HD_OK) {
		fprintf(stderr, "report: cannot connect to the database\n");
		goto out;
	}
	res = report_store_run(db, d, &p, queue, (size_t)max_rows, &rows, &why);
	if (res != HD_OK) {
		fprintf(stderr, "report: %s\n", why != NULL ? why :
		    "the report failed (see the log)");
		goto out;
	}
	b = evbuffer_new();
	if (strcmp(format, "csv") == 0)
		report_csv(&rows, bom, b);
	else {
		o = report_json(&rows);
		json = cJSON_PrintUnformatted(o);
		cJSON_Delete(o);
		if (json != NULL) {
			evbuffer_add(b, json, strlen(json));
			evbuffer_add(b, "\n", 1);
			cJSON_free(json);
		}
	}
	if (admin_report_write(b) != 0) {
		fprintf(stderr, "report: writing: %s\n", strerror(errno));
		goto out;
	}
	rc = 0;
out:
	if (b != NULL)
		evbuffer_free(b);
	report_rows_free(&rows);
	db_free(db);
	return (rc);
}

int
admin_report_refresh(int argc, char **argv)
{
	struct report_refresh_stats	 st;
	struct db_params		 dp;
	struct db			*db;
	enum hd_result			 res;
	int				 flags = REPORT_REFRESH_NOW;
	int				 rc = 1;

	if (argc == 2 && strcmp(argv[1], "--full") == 0)
		flags |= REPORT_REFRESH_FULL;
	else if (argc != 1) {
		fprintf(stderr, "usage: gid-helpdesk report-refresh [--full]\n");
		return (2);
	}
	db_params_from_conf(&dp);
	db = db_create(&dp);
	if (db_connect(db) != HD_OK) {
		fprintf(stderr, "report-refresh: cannot connect to the database\n");
		goto out;
	}
	/* Until done; if a daemon is at it, wait for it and go on. */
	for (;;) {
		if ((res = report_store_refresh(db, -1, flags, &st)) != HD_OK) {
			fprintf(stderr, "report-refresh: failed (%d)\n", (int)res);
			goto out;
		}
		if (!st.busy)
			break;
		sleep(1);
	}
	printf("report-refresh: %zu days and %zu months recomputed\n", st.days,
	    st.months);
	rc = 0;
out:
	db_free(db);
	return (rc);
}

/* A user or host name that needs no quoting beyond '...'. */
static bool
admin_report_name_ok(const char *s, size_t max, const char *extra)
{
	size_t	i, n = strlen(s);

	if (n == 0 || n > max)
		return (false);
	for (i = 0; i < n; i++) {
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
		    (s[i] >= '0' && s[i] <= '9') || s[i] == '_' ||
		    strchr(extra, s[i]) != NULL))
			return (false);
	}
	return (true);
}

/* The password of the new account: from a file (its first line), or new. */
static char *
admin_report_password(const char *path)
{
	char		 buf[REPORT_PASSWORD_MAX + 2];
	unsigned char	 raw[24];
	char		*pw;
	FILE		*fp;
	size_t		 n;

	if (path == NULL) {
		util_random_bytes(raw, sizeof(raw));
		pw = xmalloc(UTIL_B64URL_LEN(sizeof(raw)) + 1);
		util_base64url_encode(pw, raw, sizeof(raw));
		explicit_bzero(raw, sizeof(raw));
		return (pw);
	}
	if ((fp = fopen(path, "r")) == NULL) {
		fprintf(stderr, "report-user: %s: %s\n", path, strerror(errno));
		return (NULL);
	}
	if (fgets(buf, sizeof(buf), fp) == NULL)
		buf[0] = '\0';
	fclose(fp);
	n = strcspn(buf, "\r\n");
	buf[n] = '\0';
	if (n < REPORT_PASSWORD_MIN || n > REPORT_PASSWORD_MAX ||
	    util_utf8_count(buf, n) < 0) {
		fprintf(stderr, "report-user: the password must be %d to %d "
		    "characters of UTF-8 on the first line of %s\n",
		    REPORT_PASSWORD_MIN, REPORT_PASSWORD_MAX, path);
		explicit_bzero(buf, sizeof(buf));
		return (NULL);
	}
	pw = xstrdup(buf);
	explicit_bzero(buf, sizeof(buf));
	return (pw);
}

/* s escaped for a '...' literal; caller frees. */
static char *
admin_report_escape(MYSQL *my, const char *s)
{
	size_t	 n = strlen(s);
	char	*out = xmalloc(n * 2 + 1);

	mysql_real_escape_string(my, out, s, (unsigned long)n);
	return (out);
}

/* Run one statement of ours; prints the server's error. 0 or -1. */
static int
admin_report_query(MYSQL *my, const char *sql, const char *what)
{
	if (mysql_real_query(my, sql, (unsigned long)strlen(sql)) == 0)
		return (0);
	fprintf(stderr, "report-user: %s: %s\n", what, mysql_error(my));
	return (-1);
}

/* The report views of the database: every view named report_*. */
static char **
admin_report_views(MYSQL *my, size_t *n)
{
	static const char sql[] = "SELECT TABLE_NAME FROM information_schema.VIEWS"
	    " WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME LIKE 'report\\_%'"
	    " ORDER BY TABLE_NAME";
	MYSQL_RES	*res;
	MYSQL_ROW	 row;
	char		**v = NULL;

	*n = 0;
	if (mysql_real_query(my, sql, sizeof(sql) - 1) != 0 ||
	    (res = mysql_store_result(my)) == NULL) {
		fprintf(stderr, "report-user: listing the views: %s\n",
		    mysql_error(my));
		return (NULL);
	}
	while ((row = mysql_fetch_row(res)) != NULL) {
		v = xreallocarray(v, *n + 1, sizeof(*v));
		v[(*n)++] = xstrdup(row[0]);
	}
	mysql_free_result(res);
	return (v);
}

/*
 * The account with SELECT on each report view and nothing else. The views
 * run with their definer's rights, so the account reads through them what
 * it may never read directly. Names are checked to plain characters and
 * the password escaped: account statements take no bound parameters.
 */
static int
admin_report_user_create(MYSQL *my, const char *name, const char *host,
    const char *password_file)
{
	char		*pw = NULL, *epw = NULL, *sql = NULL;
	char		**views = NULL;
	size_t		 nviews = 0, i, len;
	int		 rc = -1;

	if ((views = admin_report_views(my, &nviews)) == NULL || nviews == 0) {
		fprintf(stderr, "report-user: no report views (run gid-helpdesk "
		    "migrate first)\n");
		goto out;
	}
	if ((pw = admin_report_password(password_file)) == NULL)
		goto out;
	epw = admin_report_escape(my, pw);
	len = strlen(epw) + 512;
	sql = xmalloc(len);
	snprintf(sql, len, "CREATE USER '%s'@'%s' IDENTIFIED BY '%s' WITH"
	    " MAX_USER_CONNECTIONS " REPORT_USER_CONNECTIONS
	    " MAX_STATEMENT_TIME " REPORT_USER_STATEMENT_TIME, name, host, epw);
	if (admin_report_query(my, sql, "creating the account") != 0)
		goto out;
	for (i = 0; i < nviews; i++) {
		snprintf(sql, len, "GRANT SELECT ON `%s`.`%s` TO '%s'@'%s'",
		    cfg.db_name, views[i], name, host);
		if (admin_report_query(my, sql, views[i]) != 0) {
			snprintf(sql, len, "DROP USER '%s'@'%s'", name, host);
			(void)admin_report_query(my, sql, "undoing");
			goto out;
		}
	}
	printf("report-user: '%s'@'%s' may read %zu views of %s:\n", name, host,
	    nviews, cfg.db_name);
	for (i = 0; i < nviews; i++)
		printf("  %s\n", views[i]);
	if (password_file == NULL)
		printf("password: %s\n", pw);
	rc = 0;
out:
	if (sql != NULL) {
		explicit_bzero(sql, strlen(sql));
		free(sql);
	}
	if (epw != NULL) {
		explicit_bzero(epw, strlen(epw));
		free(epw);
	}
	if (pw != NULL) {
		explicit_bzero(pw, strlen(pw));
		free(pw);
	}
	for (i = 0; i < nviews; i++)
		free(views[i]);
	free(views);
	return (rc);
}

int
admin_report_user(int argc, char **argv)
{
	struct db_params	 p;
	MYSQL			*my = NULL;
	const char		*name = NULL, *host = "%", *pwfile = NULL;
	char			 sql[256];
	unsigned int		 timeout;
	bool			 create;
	int			 i, rc = 1;

	if (argc < 3 || (strcmp(argv[1], "create") != 0 &&
	    strcmp(argv[1], "drop") != 0))
		goto usage;
	create = strcmp(argv[1], "create") == 0;
	name = argv[2];
	for (i = 3; i < argc; i++) {
		if (strcmp(argv[i], "--host") == 0 && i + 1 < argc)
			host = argv[++i];
		else if (create && strcmp(argv[i], "--password-file") == 0 &&
		    i + 1 < argc)
			pwfile = argv[++i];
		else
			goto usage;
	}
	if (!admin_report_name_ok(name, REPORT_USER_MAX, ".-") ||
	    !admin_report_name_ok(host, REPORT_HOST_MAX, ".-:%") ||
	    !admin_report_name_ok(cfg.db_name, 64, "$")) {
		fprintf(stderr, "report-user: a name is letters, digits, '_', "
		    "'.' and '-' (at most %d); a host adds ':' and '%%'\n",
		    REPORT_USER_MAX);
		return (2);
	}
	/* Never the daemon's own accounts. */
	if (strcmp(name, cfg.db_user) == 0 || strcmp(name, cfg.db_admin_user) == 0 ||
	    strcmp(name, "root") == 0 || strncmp(name, "mariadb.", 8) == 0) {
		fprintf(stderr, "report-user: %s is not a reporting account\n",
		    name);
		return (2);
	}
	admin_db_params(&p);
	if ((my = mysql_init(NULL)) == NULL)
		return (1);
	timeout = (unsigned int)p.connect_timeout;
	mysql_optionsv(my, MYSQL_SET_CHARSET_NAME, "utf8mb4");
	mysql_optionsv(my, MYSQL_OPT_CONNECT_TIMEOUT, &timeout);
	if (p.ssl_ca != NULL && *p.ssl_ca != '\0') {
		my_bool on = 1;

		mysql_optionsv(my, MYSQL_OPT_SSL_CA, p.ssl_ca);
		mysql_optionsv(my, MYSQL_OPT_SSL_VERIFY_SERVER_CERT, &on);
	}
	if (mysql_real_connect(my, p.host, p.user, p.password, p.name,
	    (unsigned int)p.port, p.socket != NULL && *p.socket != '\0' ?
	    p.socket : NULL, 0) == NULL) {
		fprintf(stderr, "report-user: cannot connect: %s\n",
		    mysql_error(my));
		goto out;
	}
	if (create)
		rc = admin_report_user_create(my, name, host, pwfile) == 0 ? 0 : 1;
	else {
		snprintf(sql, sizeof(sql), "DROP USER '%s'@'%s'", name, host);
		if (admin_report_query(my, sql, "dropping the account") == 0) {
			printf("report-user: '%s'@'%s' dropped\n", name, host);
			rc = 0;
		}
	}
out:
	mysql_close(my);
	return (rc);
usage:
	fprintf(stderr, "usage: gid-helpdesk report-user create NAME [--host HOST]"
	    " [--password-file FILE]\n       gid-helpdesk report-user drop NAME"
	    " [--host HOST]\n");
	return (2);
}
