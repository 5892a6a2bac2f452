/*
 * gid-helpdeskd: read the configuration, then hand over to server.c.
 * Runs in the foreground and logs to stderr, as systemd expects.
 */
#include "helpdesk.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"
#include "log.h"
#include "server.h"

#ifndef HD_SYSCONFDIR
#define HD_SYSCONFDIR "/etc"
#endif

static void HD_DEAD
usage(void)
{
	fprintf(stderr, "usage: gid-helpdeskd [-tV] [-c file]\n"
	    "  -c file  configuration (default " HD_SYSCONFDIR "/gid-helpdesk/gid-helpdesk.conf)\n"
	    "  -t       check the configuration and exit\n"
	    "  -V       print the version and exit\n");
	exit(2);
}

static enum log_level
main_log_level(const char *s)
{
	if (strcmp(s, "error") == 0)
		return (LOG_ERR);
	if (strcmp(s, "warn") == 0)
		return (LOG_WARN);
	if (strcmp(s, "debug") == 0)
		return (LOG_DEBUG);
	return (LOG_INFO);
}

int
main(int argc, char **argv)
{
	const char	*path = HD_SYSCONFDIR "/gid-helpdesk/gid-helpdesk.conf";
	char		*errors = NULL;
	int		 ch, check = 0;

	while ((ch = getopt(argc, argv, "c:tV")) != -1) {
		switch (ch) {
		case 'c':
			path = optarg;
			break;
		case 't':
			check = 1;
			break;
		case 'V':
			printf("gid-helpdeskd %s\n", PACKAGE_VERSION);
			return (0);
		default:
			usage();
		}
	}
	if (optind != argc)
		usage();

	conf_defaults(&cfg);
	if (conf_load(&cfg, path, &errors) != 0) {
		fputs(errors, stderr);
		fprintf(stderr, "%s: configuration refused\n", path);
		free(errors);
		conf_free(&cfg);
		return (1);
	}
	if (check) {
		printf("%s: configuration ok\n", path);
		conf_free(&cfg);
		return (0);
	}
	if (log_open(cfg.log_file, main_log_level(cfg.log_level)) != 0) {
		fprintf(stderr, "%s: cannot open log_file %s\n", path, cfg.log_file);
		return (1);
	}
	log_info("gid-helpdeskd %s starting", PACKAGE_VERSION);
	ch = server_run();
	conf_free(&cfg);
	log_close();
	return (ch);
}
