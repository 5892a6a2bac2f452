/*
 * The reports' SQL. Running a report binds its period, axis and row cap
 * in the order its catalogue entry (report.c) gives, under the time limit
 * its statement carries (db-stmt.c), and copies the rows out.
 *
 * Refreshing the summaries (sql/004-reports.sql) is idempotent: a day is
 * never updated by adding to its counts, it is recomputed whole from the
 * base tables. Which days: those of tickets, history rows and articles
 * with ids above the marks of the last refresh (new rows, whatever wrote
 * them: the daemon, an import, a bulk load), and every day of the tickets
 * changed since the last refresh (the daemon sets "changed" at every
 * change; a reopening, a new axis or priority touch days long past).
 * A tick looks at ids only up to the highest there were at the previous
 * tick, a minute ago, so that a transaction that took a lower id but
 * committed after a higher one is not passed over; and at changes from
 * five minutes before its last look, for the same reason.
 */
#include "helpdesk.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "log.h"
#include "report-store.h"
#include "report.h"
#include "ticket.h"
#include "util.h"
#include "xmalloc.h"

/* New ids looked at per table and step (a bulk load is taken in slices). */
#define REFRESH_CHUNK		100000

static char *
store_dup(const char *s)
{
	return (s == NULL ? NULL : xstrdup(s));
}

/* Whether queue is a known axis; HD_INVALID when not. */
static enum hd_result
report_store_queue(struct db *db, const char *queue)
{
	struct db_res	*r = NULL;
	enum hd_result	 res;
	bool		 found;

	if (!ticket_queue_code_ok(queue))
		return (HD_INVALID);
	if ((res = db_exec(db, STMT_QUEUE_BY_CODE, &r, "s", queue)) != HD_OK)
		return (res);
	found = db_res_next(r);
	db_res_free(r);
	return (found ? HD_OK : HD_INVALID);
}

enum hd_result
report_store_run(struct db *db, const struct report_def *d,
    const struct report_period *p, const char *queue, size_t max_rows,
    struct report_rows *out, const char **why)
{
	struct db_param	 params[REPORT_MAX_PARAMS];
	struct db_res	*r = NULL;
	enum hd_result	 res;
	size_t		 n, i, c, np;
	const char	*s;

	*why = NULL;
	memset(out, 0, sizeof(*out));
	out->def = d;
	if (queue != NULL && (res = report_store_queue(db, queue)) != HD_OK) {
		if (res == HD_INVALID)
			*why = "Unknown queue.";
		return (res);
	}
	memset(params, 0, sizeof(params));
	for (np = 0, s = d->params; *s != '\0'; s++, np++) {
		if (np == REPORT_MAX_PARAMS)
			fatalx("report %s: too many parameters", d->name);
		params[np].type = 's';
		switch (*s) {
		case 'f':
			params[np].s = p->from_ts;
			break;
		case 't':
			params[np].s = p->end_ts;
			break;
		case 'F':
			params[np].s = p->from;
			break;
		case 'T':
			params[np].s = p->to;
			break;
		case 'q':
			params[np].s = queue;
			break;
		case 'l':
			params[np].type = 'i';
			params[np].i = (int64_t)max_rows + 1;
			break;
		default:
			fatalx("report %s: unknown parameter %c", d->name, *s);
		}
	}
	if ((res = db_execv(db, d->stmt, &r, params, np)) != HD_OK) {
		if (res == HD_UNAVAILABLE)
			*why = "The report could not be computed in time; try a "
			    "shorter period or one axis.";
		return (res);
	}
	n = db_res_count(r);
	if (n > max_rows) {
		db_res_free(r);
		*why = "The report has too many rows; choose a shorter period "
		    "or one axis.";
		return (HD_TOOLARGE);
	}
	out->cells = xcalloc(n * d->ncolumns + 1, sizeof(*out->cells));
	for (i = 0; i < n && db_res_next(r); i++) {
		for (c = 0; c < d->ncolumns; c++)
			out->cells[i * d->ncolumns + c] =
			    store_dup(db_res_str(r, (unsigned)c));
	}
	out->nrows = i;
	db_res_free(r);
	return (HD_OK);
}

/* The marks of the last refresh and the state of things now. */
struct refresh_marks {
	int64_t	mark[3];	/* tickets, history, articles: looked at */
	int64_t	seen[3];	/* the highest ids at the last look */
	int64_t	max[3];		/* the highest ids now */
	char	since[20];	/* changed tickets from here */
	char	now[20];
};

/*
 * Mark the days of new and changed rows dirty, and move the marks: ids
 * above the marks up to the highest seen at the last look (or now, with
 * upto_now), a slice at a time.
 */
static enum hd_result
refresh_collect(struct db *db, const struct refresh_marks *m, bool upto_now,
    bool *more)
{
	enum hd_result	res;
	int64_t		lo[3], hi[3], limit;
	int		i;

	*more = false;
	for (i = 0; i < 3; i++) {
		limit = upto_now || m->seen[i] > m->max[i] ? m->max[i] : m->seen[i];
		lo[i] = m->mark[i] < limit ? m->mark[i] : limit;
		hi[i] = limit - lo[i] > REFRESH_CHUNK ? lo[i] + REFRESH_CHUNK : limit;
		if (hi[i] < limit)
			*more = true;
	}
	if ((res = db_exec(db, STMT_REPORT_DIRTY_TICKETS, NULL, "iiiiii", lo[0],
	    hi[0], lo[0], hi[0], lo[0], hi[0])) != HD_OK ||
	    (res = db_exec(db, STMT_REPORT_TOUCHED_CLEAR, NULL, "")) != HD_OK ||
	    (res = db_exec(db, STMT_REPORT_TOUCHED_ADD, NULL, "s",
	    m->since)) != HD_OK ||
	    (res = db_exec(db, STMT_REPORT_DIRTY_TOUCHED, NULL, "")) != HD_OK ||
	    (res = db_exec(db, STMT_REPORT_DIRTY_HISTORY, NULL, "ii", lo[1],
	    hi[1])) != HD_OK ||
	    (res = db_exec(db, STMT_REPORT_DIRTY_ARTICLES, NULL, "ii", lo[2],
	    hi[2])) != HD_OK ||
	    (res = db_exec(db, STMT_REPORT_TOUCHED_CLEAR, NULL, "")) != HD_OK)
		return (res);
	return (db_exec(db, STMT_REPORT_STATE_SAVE, NULL, "iiiiiis", hi[0],
	    hi[1], hi[2], m->max[0], m->max[1], m->max[2], m->now));
}

/* "YYYY-MM-DD" plus days, as "YYYY-MM-DD 00:00:00". */
static void
refresh_midnight(const char *day, int64_t plus, char out[20])
{
	int64_t	d = 0;

	(void)report_day_parse(day, &d);
	report_day_format(d + plus, out);
	memcpy(out + 10, " 00:00:00", 10);
}

/* Recompute one day of report_daily and report_agent_daily. */
static enum hd_result
refresh_day(struct db *db, const char *day)
{
	enum hd_result	res;
	char		d0[20], d1[20];

	refresh_midnight(day, 0, d0);
	refresh_midnight(day, 1, d1);
	if ((res = db_exec(db, STMT_REPORT_DAILY_DELETE, NULL, "s", day)) !=
	    HD_OK ||
	    (res = db_exec(db, STMT_REPORT_DAILY_FILL, NULL, "sssssss", day, d0,
	    d1, d0, d1, d0, d1)) != HD_OK ||
	    (res = db_exec(db, STMT_REPORT_AGENT_DELETE, NULL, "s", day)) !=
	    HD_OK ||
	    (res = db_exec(db, STMT_REPORT_AGENT_FILL, NULL, "sssss", day, d0,
	    d1, d0, d1)) != HD_OK)
		return (res);
	return (db_exec(db, STMT_REPORT_DIRTY_DONE, NULL, "s", day));
}

/* Recompute the month of day in report_times_monthly and report_org_monthly. */
static enum hd_result
refresh_month(struct db *db, const char *day)
{
	enum hd_result	res;
	char		month[11], m0[20], m1[20];
	int		y, mo;

	if (sscanf(day, "%4d-%2d", &y, &mo) != 2)
		return (HD_INTERNAL);
	snprintf(month, sizeof(month), "%04d-%02d-01", y, mo);
	snprintf(m0, sizeof(m0), "%s 00:00:00", month);
	if (mo == 12)
		snprintf(m1, sizeof(m1), "%04d-01-01 00:00:00", y + 1);
	else
		snprintf(m1, sizeof(m1), "%04d-%02d-01 00:00:00", y, mo + 1);
	if ((res = db_exec(db, STMT_REPORT_TIMES_DELETE, NULL, "s", month)) !=
	    HD_OK ||
	    (res = db_exec(db, STMT_REPORT_TIMES_FILL, NULL, "sssss", month, m0,
	    m1, m0, m1)) != HD_OK ||
	    (res = db_exec(db, STMT_REPORT_ORG_DELETE, NULL, "s", month)) !=
	    HD_OK)
		return (res);
	return (db_exec(db, STMT_REPORT_ORG_FILL, NULL, "sssss", month, m0, m1,
	    m0, m1));
}

/* The dirty days of the latest month that has some. Caller frees. */
static enum hd_result
refresh_pick(struct db *db, char ***days, size_t *n)
{
	struct db_res	*r = NULL;
	enum hd_result	 res;
	size_t		 i, count;

	*days = NULL;
	*n = 0;
	if ((res = db_exec(db, STMT_REPORT_DIRTY_MONTH, &r, "")) != HD_OK)
		return (res);
	count = db_res_count(r);
	*days = xcalloc(count + 1, sizeof(**days));
	for (i = 0; i < count && db_res_next(r); i++)
		(*days)[i] = store_dup(db_res_str(r, 0));
	*n = i;
	db_res_free(r);
	return (HD_OK);
}

/* Days still dirty; -1 when unknown. */
static int64_t
refresh_pending(struct db *db)
{
	struct db_res	*r = NULL;
	int64_t		 n = -1;

	if (db_exec(db, STMT_REPORT_STATUS, &r, "") == HD_OK && db_res_next(r))
		n = db_res_int(r, 0);
	db_res_free(r);
	return (n);
}

/*
 * One transaction: lock the state (or find another refresh at it),
 * collect, recompute the days of one month and that month. The first
 * step of a refresh looks at changes from five minutes before the last
 * look, the next ones from the previous step.
 */
static enum hd_result
refresh_step(struct db *db, int flags, bool first,
    struct report_refresh_stats *st, bool *more)
{
	struct refresh_marks	 m;
	struct db_res		*r = NULL;
	enum hd_result		 res;
	char			**days = NULL;
	const char		*since;
	size_t			 ndays = 0, i;
	bool			 collect_more = false;
	int64_t			 pending;

	*more = false;
	if ((res = db_begin(db)) != HD_OK)
		return (res);
	if ((res = db_exec(db, STMT_REPORT_STATE_LOCK, &r, "")) != HD_OK)
		goto fail;
	if (!db_res_next(r)) {
		/* Another daemon holds it: its refresh does the same work. */
		db_res_free(r);
		db_rollback(db);
		st->busy = true;
		return (HD_OK);
	}
	memset(&m, 0, sizeof(m));
	for (i = 0; i < 3; i++) {
		m.mark[i] = db_res_int(r, (unsigned)i);
		m.seen[i] = db_res_int(r, (unsigned)i + 3);
		m.max[i] = db_res_int(r, (unsigned)i + 9);
	}
	since = db_res_str(r, first ? 7 : 6);
	snprintf(m.since, sizeof(m.since), "%s", since != NULL ? since :
	    "1970-01-01 00:00:00");
	snprintf(m.now, sizeof(m.now), "%s", db_res_str(r, 8) != NULL ?
	    db_res_str(r, 8) : "1970-01-01 00:00:00");
	db_res_free(r);
	r = NULL;
	if ((flags & REPORT_REFRESH_FULL) && first &&
	    (res = db_exec(db, STMT_REPORT_DIRTY_ALL, NULL, "")) != HD_OK)
		goto fail;
	if ((res = refresh_collect(db, &m, (flags & REPORT_REFRESH_NOW) != 0,
	    &collect_more)) != HD_OK)
		goto fail;
	if ((res = refresh_pick(db, &days, &ndays)) != HD_OK)
		goto fail;
	for (i = 0; i < ndays; i++) {
		if ((res = refresh_day(db, days[i])) != HD_OK)
			goto fail;
	}
	if (ndays > 0 && (res = refresh_month(db, days[0])) != HD_OK)
		goto fail;
	pending = refresh_pending(db);
	*more = collect_more || pending != 0;
	if (!*more && (res = db_exec(db, STMT_REPORT_STATE_REFRESHED, NULL,
	    "")) != HD_OK)
		goto fail;
	if ((res = db_commit(db)) != HD_OK)
		goto out;
	st->days += ndays;
	st->months += ndays > 0;
	st->steps++;
	st->pending = pending > 0 ? (size_t)pending : 0;
	goto out;
fail:
	db_rollback(db);
out:
	for (i = 0; i < ndays; i++)
		free(days[i]);
	free(days);
	return (res);
}

enum hd_result
report_store_refresh(struct db *db, int64_t budget_us, int flags,
    struct report_refresh_stats *st)
{
	enum hd_result	res;
	int64_t		start = util_mono_us();
	bool		more = true, first = true;
	int		retries = 0;

	memset(st, 0, sizeof(*st));
	while (more) {
		res = refresh_step(db, flags, first, st, &more);
		if (res == HD_RETRY && retries++ < 3)
			continue;
		if (res != HD_OK)
			return (res);
		first = false;
		if (st->busy)
			break;
		if (budget_us >= 0 && util_mono_us() - start >= budget_us)
			break;
	}
	return (HD_OK);
}
