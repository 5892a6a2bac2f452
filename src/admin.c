/*
 * gid-helpdesk -c FILE COMMAND [ARGS]: schema migrations, directory sync,
 * imports, reports, tokens. Each command is a function in the table below.
 */
#include "helpdesk.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <mysql.h>

#include "admin.h"
#include "conf.h"
#include "db.h"
#include "log.h"
#include "migrate.h"

#ifndef HD_SYSCONFDIR
#define HD_SYSCONFDIR "/etc"
#endif
#ifndef HD_DATADIR
#define HD_DATADIR "/usr/share/gid-helpdesk"
#endif

static const struct admin_cmd admin_cmds[] = {
	{ "migrate", "migrate [--sql-dir DIR]", admin_migrate },
	{ "import", "import [--queue CODE] [--state NAME] FILE.mbox", admin_import },
	{ "sync", "sync [--allow-empty]", admin_sync },
};

void
admin_db_params(struct db_params *p)
{
	db_params_from_conf(p);
	if (cfg.db_admin_user[0] != '\0') {
		p->user = cfg.db_admin_user;
		p->password = cfg.db_admin_password;
	}
}

int
admin_migrate(int argc, char **argv)
{
	struct db_params	 p;
	const char		*dir = getenv("GIDHD_SQL_DIR");

	if (dir == NULL)
		dir = HD_DATADIR "/sql";
	if (argc == 3 && strcmp(argv[1], "--sql-dir") == 0)
		dir = argv[2];
	else if (argc != 1) {
		fprintf(stderr, "usage: gid-helpdesk migrate [--sql-dir DIR]\n");
		return (2);
	}
	admin_db_params(&p);
	return (migrate_run(&p, dir, 1) == 0 ? 0 : 1);
}

static void HD_DEAD
usage(void)
{
	size_t	i;

	fprintf(stderr, "usage: gid-helpdesk [-c file] command [args]\ncommands:\n");
	for (i = 0; i < HD_NELEM(admin_cmds); i++)
		fprintf(stderr, "  %s\n", admin_cmds[i].usage);
	exit(2);
}

int
main(int argc, char **argv)
{
	const char	*path = HD_SYSCONFDIR "/gid-helpdesk/gid-helpdesk.conf";
	char		*errors = NULL;
	size_t		 i;
	int		 ch, rc;

	while ((ch = getopt(argc, argv, "+c:V")) != -1) {
		switch (ch) {
		case 'c':
			path = optarg;
			break;
		case 'V':
			printf("gid-helpdesk %s\n", PACKAGE_VERSION);
			return (0);
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1)
		usage();
	for (i = 0; i < HD_NELEM(admin_cmds); i++) {
		if (strcmp(argv[0], admin_cmds[i].name) == 0)
			break;
	}
	if (i == HD_NELEM(admin_cmds))
		usage();

	conf_defaults(&cfg);
	if (conf_load(&cfg, path, &errors) != 0) {
		fputs(errors, stderr);
		fprintf(stderr, "%s: configuration refused\n", path);
		free(errors);
		return (1);
	}
	/* The admin tool prints to the terminal; only warnings go to the log. */
	log_open(NULL, LOG_WARN);
	if (mysql_library_init(0, NULL, NULL) != 0) {
		fprintf(stderr, "mysql_library_init failed\n");
		return (1);
	}
	rc = admin_cmds[i].run(argc, argv);
	mysql_library_end();
	conf_free(&cfg);
	return (rc);
}
