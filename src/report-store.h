/*
 * The reports' SQL: running one report (its statement of db-stmt.c, its
 * parameters bound, under a time limit and a row cap) into rows that the
 * API and the command line format, and bringing the summary tables of
 * sql/004-reports.sql up to date.
 */
#ifndef REPORT_STORE_H
#define REPORT_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "helpdesk.h"

struct db;
struct report_def;
struct report_period;
struct report_rows;

/*
 * Run report d for the period and axis (a queue code, or NULL for all)
 * into *out (report_rows_free). More than max_rows rows is HD_TOOLARGE;
 * an unknown queue HD_INVALID; the statement's time limit HD_UNAVAILABLE.
 * *why (static) says why when it can.
 */
enum hd_result	report_store_run(struct db *, const struct report_def *,
		    const struct report_period *, const char *, size_t,
		    struct report_rows *, const char **);

/* What a refresh did. */
struct report_refresh_stats {
	size_t	steps;		/* transactions that did work */
	size_t	days;		/* days recomputed */
	size_t	months;		/* months recomputed */
	size_t	pending;	/* days still to do */
	bool	busy;		/* another connection was refreshing */
};

#define REPORT_REFRESH_FULL	0x1	/* first mark every day that holds anything */
#define REPORT_REFRESH_NOW	0x2	/* new ids up to now, not to the last look */

/*
 * Bring the summaries up to date: look for new and changed tickets,
 * articles and history rows, then recompute their days, one month per
 * transaction, until nothing is left or budget_us has passed (at least
 * one step; budget_us < 0: no limit). The daemon's tick gives no flags;
 * gid-helpdesk report-refresh gives REPORT_REFRESH_NOW, and with --full
 * REPORT_REFRESH_FULL too.
 */
enum hd_result	report_store_refresh(struct db *, int64_t, int,
		    struct report_refresh_stats *);

#endif
