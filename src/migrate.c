/*
 * The migration runner. The SQL comes from our own files, never from
 * input, so it goes through the text protocol with multi-statements: this
 * and the transaction keywords in db.c are the only non-prepared SQL.
 */
#include "helpdesk.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mysql.h>

#include "db.h"
#include "migrate.h"
#include "sha256.h"
#include "xmalloc.h"

static int
migrate_name_cmp(const void *a, const void *b)
{
	return (strcmp(*(char *const *)a, *(char *const *)b));
}

/* The NNN-name.sql files of dir, sorted; caller frees each and the array. */
static char **
migrate_list(const char *dir, int *count)
{
	DIR		*d;
	struct dirent	*de;
	char		**names = NULL;
	int		 n = 0;
	size_t		 len;

	if ((d = opendir(dir)) == NULL)
		return (NULL);
	while ((de = readdir(d)) != NULL) {
		len = strlen(de->d_name);
		if (len < 8 || strcmp(de->d_name + len - 4, ".sql") != 0 ||
		    de->d_name[0] < '0' || de->d_name[0] > '9' ||
		    de->d_name[1] < '0' || de->d_name[1] > '9' ||
		    de->d_name[2] < '0' || de->d_name[2] > '9' || de->d_name[3] != '-')
			continue;
		names = xreallocarray(names, (size_t)n + 1, sizeof(*names));
		names[n++] = xstrdup(de->d_name);
	}
	closedir(d);
	if (n > 0)
		qsort(names, (size_t)n, sizeof(*names), migrate_name_cmp);
	*count = n;
	return (names);
}

static char *
migrate_read(const char *path, size_t *len)
{
	FILE	*fp;
	char	*buf = NULL;
	long	 size;

	if ((fp = fopen(path, "r")) == NULL)
		return (NULL);
	if (fseek(fp, 0, SEEK_END) == 0 && (size = ftell(fp)) >= 0 &&
	    fseek(fp, 0, SEEK_SET) == 0) {
		buf = xmalloc((size_t)size + 1);
		*len = fread(buf, 1, (size_t)size, fp);
		buf[*len] = '\0';
	}
	fclose(fp);
	return (buf);
}

/* Run every statement of a multi-statement text, draining each result. */
static int
migrate_exec(MYSQL *my, const char *sql, size_t len)
{
	MYSQL_RES	*res;
	int		 status;

	if (mysql_real_query(my, sql, (unsigned long)len) != 0)
		return (-1);
	do {
		if ((res = mysql_store_result(my)) != NULL)
			mysql_free_result(res);
		else if (mysql_field_count(my) != 0)
			return (-1);
		if ((status = mysql_next_result(my)) > 0)
			return (-1);
	} while (status == 0);
	return (0);
}

/* Whether version is recorded; -1 on error. */
static int
migrate_applied(MYSQL *my, const char *version)
{
	MYSQL_STMT	*st;
	MYSQL_BIND	 b;
	unsigned long	 len = strlen(version);
	int		 found = -1;
	static const char sql[] =
	    "SELECT 1 FROM schema_migrations WHERE version = ?";

	if ((st = mysql_stmt_init(my)) == NULL)
		return (-1);
	memset(&b, 0, sizeof(b));
	b.buffer_type = MYSQL_TYPE_STRING;
	b.buffer = (void *)(uintptr_t)version;
	b.buffer_length = len;
	b.length = &len;
	if (mysql_stmt_prepare(st, sql, sizeof(sql) - 1) == 0 &&
	    mysql_stmt_bind_param(st, &b) == 0 && mysql_stmt_execute(st) == 0 &&
	    mysql_stmt_store_result(st) == 0)
		found = mysql_stmt_num_rows(st) > 0;
	mysql_stmt_close(st);
	return (found);
}

static int
migrate_record(MYSQL *my, const char *version, const char *checksum)
{
	MYSQL_STMT	*st;
	MYSQL_BIND	 b[2];
	unsigned long	 l0 = strlen(version), l1 = strlen(checksum);
	int		 rc = -1;
	static const char sql[] = "INSERT INTO schema_migrations"
	    " (version, checksum, applied) VALUES (?, ?, UTC_TIMESTAMP())";

	if ((st = mysql_stmt_init(my)) == NULL)
		return (-1);
	memset(b, 0, sizeof(b));
	b[0].buffer_type = b[1].buffer_type = MYSQL_TYPE_STRING;
	b[0].buffer = (void *)(uintptr_t)version;
	b[0].buffer_length = l0;
	b[0].length = &l0;
	b[1].buffer = (void *)(uintptr_t)checksum;
	b[1].buffer_length = l1;
	b[1].length = &l1;
	if (mysql_stmt_prepare(st, sql, sizeof(sql) - 1) == 0 &&
	    mysql_stmt_bind_param(st, b) == 0 && mysql_stmt_execute(st) == 0)
		rc = 0;
	mysql_stmt_close(st);
	return (rc);
}

int
migrate_run(const struct db_params *p, const char *dir, int verbose)
{
	static const char create[] =
	    "CREATE TABLE IF NOT EXISTS schema_migrations ("
	    " version VARCHAR(190) NOT NULL PRIMARY KEY,"
	    " checksum CHAR(64) NOT NULL,"
	    " applied DATETIME NOT NULL"
	    ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4";
	MYSQL		*my;
	unsigned int	 timeout = (unsigned int)p->connect_timeout;
	char		**names;
	char		 path[4096], sum[SHA256_LEN * 2 + 1];
	char		*sql;
	size_t		 len = 0;
	int		 n = 0, i, rc = -1, applied = 0, done;

	if ((names = migrate_list(dir, &n)) == NULL && n == 0) {
		fprintf(stderr, "migrate: cannot read %s: %s\n", dir,
		    errno ? strerror(errno) : "no migrations");
		return (-1);
	}
	if ((my = mysql_init(NULL)) == NULL)
		return (-1);
	mysql_optionsv(my, MYSQL_SET_CHARSET_NAME, "utf8mb4");
	mysql_optionsv(my, MYSQL_OPT_CONNECT_TIMEOUT, &timeout);
	mysql_optionsv(my, MYSQL_INIT_COMMAND, "SET SESSION time_zone='+00:00'");
	if (mysql_real_connect(my, p->host, p->user, p->password, p->name,
	    (unsigned int)p->port, p->socket != NULL && *p->socket != '\0' ?
	    p->socket : NULL, CLIENT_MULTI_STATEMENTS) == NULL) {
		fprintf(stderr, "migrate: cannot connect: %s\n", mysql_error(my));
		goto out;
	}
	if (mysql_query(my, create) != 0) {
		fprintf(stderr, "migrate: %s\n", mysql_error(my));
		goto out;
	}
	for (i = 0; i < n; i++) {
		if ((done = migrate_applied(my, names[i])) < 0) {
			fprintf(stderr, "migrate: %s\n", mysql_error(my));
			goto out;
		}
		if (done) {
			if (verbose)
				printf("  %s: already applied\n", names[i]);
			continue;
		}
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		if ((sql = migrate_read(path, &len)) == NULL) {
			fprintf(stderr, "migrate: cannot read %s\n", path);
			goto out;
		}
		sha256_hex(sql, len, sum);
		if (migrate_exec(my, sql, len) != 0) {
			fprintf(stderr, "migrate: %s: %s\n", names[i], mysql_error(my));
			free(sql);
			goto out;
		}
		free(sql);
		if (migrate_record(my, names[i], sum) != 0) {
			fprintf(stderr, "migrate: recording %s: %s\n", names[i],
			    mysql_error(my));
			goto out;
		}
		printf("  %s: applied\n", names[i]);
		applied++;
	}
	printf("migrate: %d applied, %d already there\n", applied, n - applied);
	rc = 0;
out:
	mysql_close(my);
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return (rc);
}
