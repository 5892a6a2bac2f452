/*
 * The report catalogue and what is pure about reports: the period, the
 * rows, JSON and CSV. Each report is one view-backed SELECT of db-stmt.c;
 * its columns here are the names users see in JSON, CSV headers and the
 * portal (sql/004-reports.sql documents what each figure means).
 */
#include "helpdesk.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>
#include <event2/buffer.h>

#include "report.h"
#include "util.h"
#include "xmalloc.h"

/* The counts of the activity reports, after their bucket and axis columns. */
#define ACTIVITY_COLUMNS \
	{ "queue", RT_TEXT }, { "queue_name", RT_TEXT }, \
	{ "priority", RT_INT }, { "priority_name", RT_TEXT }, \
	{ "created", RT_INT }, { "closed", RT_INT }, \
	{ "closed_unsuccessful", RT_INT }, { "reopened", RT_INT }
#define TIMES_COLUMNS \
	{ "queue", RT_TEXT }, { "queue_name", RT_TEXT }, \
	{ "priority", RT_INT }, { "priority_name", RT_TEXT }, \
	{ "tickets", RT_INT }, { "median_seconds", RT_INT }, \
	{ "p90_seconds", RT_INT }

static const struct report_def report_defs[] = {
	{ "activity_daily",
	  "Tickets créés et clos par jour",
	  "Tickets created and closed per day",
	  "Par jour (UTC), axe et priorité : tickets créés, clos (dernière "
	  "clôture ce jour-là, toujours clos), dont clos sans succès, et "
	  "réouvertures.",
	  "Per UTC day, axis and priority: tickets created, closed (last "
	  "closed that day and still closed), of which closed unsuccessful, "
	  "and reopenings.",
	  STMT_REPORT_ACTIVITY_DAILY, "FTql", true, 9,
	  { { "day", RT_DATE }, ACTIVITY_COLUMNS } },
	{ "activity_weekly",
	  "Tickets créés et clos par semaine",
	  "Tickets created and closed per week",
	  "Par semaine ISO (du lundi au dimanche, UTC), axe et priorité ; "
	  "seuls les jours de la période comptent.",
	  "Per ISO week (Monday to Sunday, UTC), axis and priority; only the "
	  "days of the period count.",
	  STMT_REPORT_ACTIVITY_WEEKLY, "FTql", true, 10,
	  { { "iso_week", RT_TEXT }, { "week_start", RT_DATE },
	    ACTIVITY_COLUMNS } },
	{ "activity_monthly",
	  "Tickets créés et clos par mois",
	  "Tickets created and closed per month",
	  "Par mois (UTC), axe et priorité ; seuls les jours de la période "
	  "comptent.",
	  "Per UTC month, axis and priority; only the days of the period "
	  "count.",
	  STMT_REPORT_ACTIVITY_MONTHLY, "FTql", true, 9,
	  { { "month", RT_DATE }, ACTIVITY_COLUMNS } },
	{ "backlog",
	  "Tickets ouverts par ancienneté",
	  "Open tickets by age",
	  "Par axe, les tickets ouverts maintenant selon leur âge : moins "
	  "d'un jour, 1 à 3, 3 à 7, 7 à 30, 30 jours et plus. La période ne "
	  "s'applique pas.",
	  "Per axis, the tickets open now by age: under one day, 1 to 3, 3 to "
	  "7, 7 to 30, 30 days and more. The period does not apply.",
	  STMT_REPORT_BACKLOG, "ql", false, 8,
	  { { "queue", RT_TEXT }, { "queue_name", RT_TEXT },
	    { "lt_1d", RT_INT }, { "d1_3", RT_INT }, { "d3_7", RT_INT },
	    { "d7_30", RT_INT }, { "gt_30d", RT_INT }, { "total", RT_INT } } },
	{ "response_times",
	  "Délai de première réponse",
	  "First-response time",
	  "Par axe et priorité, les tickets dont la première réponse du "
	  "centre est venue dans la période : nombre, médiane et 90e "
	  "centile du délai, en secondes.",
	  "Per axis and priority, the tickets first answered by the support "
	  "centre in the period: count, median and 90th percentile of the "
	  "delay, in seconds.",
	  STMT_REPORT_RESPONSE_TIMES, "ftql", true, 7,
	  { TIMES_COLUMNS } },
	{ "resolution_times",
	  "Délai de résolution",
	  "Resolution time",
	  "Par axe et priorité, les tickets clos dans la période (et "
	  "toujours clos) : nombre, médiane et 90e centile de la durée entre "
	  "création et clôture, en secondes.",
	  "Per axis and priority, the tickets closed in the period (and still "
	  "closed): count, median and 90th percentile of the time from "
	  "creation to closing, in seconds.",
	  STMT_REPORT_RESOLUTION_TIMES, "ftql", true, 7,
	  { TIMES_COLUMNS } },
	{ "organisations",
	  "Par trésorerie",
	  "Per treasury office",
	  "Par organisation : tickets ouverts dans la période, ouverts "
	  "maintenant, clos dans la période et leur délai de résolution "
	  "médian (secondes).",
	  "Per organisation: tickets opened in the period, open now, closed "
	  "in the period and their median resolution time (seconds).",
	  STMT_REPORT_ORGANISATIONS, "ftqqftql", true, 5,
	  { { "organisation", RT_TEXT }, { "opened", RT_INT },
	    { "open_now", RT_INT }, { "closed", RT_INT },
	    { "median_resolution_seconds", RT_INT } } },
	{ "agents",
	  "Charge des agents",
	  "Agent workload",
	  "Par agent : tickets ouverts dont il est propriétaire maintenant, "
	  "réponses écrites, notes internes et clôtures dans la période.",
	  "Per agent: open tickets owned now, replies written, internal notes "
	  "and closings in the period.",
	  STMT_REPORT_AGENTS, "qFTql", true, 6,
	  { { "login", RT_TEXT }, { "name", RT_TEXT },
	    { "open_owned", RT_INT }, { "replies", RT_INT },
	    { "notes", RT_INT }, { "closed", RT_INT } } },
	{ "reopened",
	  "Tickets réouverts",
	  "Reopened tickets",
	  "Chaque réouverture dans la période : un ticket clos remis dans "
	  "un état ni clos ni fusionné.",
	  "Each reopening in the period: a closed ticket set to a state "
	  "neither closed nor merged.",
	  STMT_REPORT_REOPENED, "ftql", true, 10,
	  { { "reopened", RT_TIME }, { "number", RT_TEXT },
	    { "queue", RT_TEXT }, { "queue_name", RT_TEXT },
	    { "priority", RT_INT }, { "priority_name", RT_TEXT },
	    { "organisation", RT_TEXT }, { "by_login", RT_TEXT },
	    { "from_state", RT_TEXT }, { "to_state", RT_TEXT } } },
	{ "closed_unsuccessful",
	  "Tickets clos sans succès",
	  "Tickets closed unsuccessful",
	  "Les tickets clos sans succès dont la clôture est dans la période.",
	  "The tickets closed unsuccessful whose closing is in the period.",
	  STMT_REPORT_CLOSED_UNSUCCESSFUL, "ftql", true, 10,
	  { { "closed", RT_TIME }, { "number", RT_TEXT },
	    { "queue", RT_TEXT }, { "queue_name", RT_TEXT },
	    { "priority", RT_INT }, { "priority_name", RT_TEXT },
	    { "organisation", RT_TEXT }, { "owner", RT_TEXT },
	    { "created", RT_TIME }, { "resolution_seconds", RT_INT } } },
};

const struct report_def *
report_at(size_t i)
{
	return (i < HD_NELEM(report_defs) ? &report_defs[i] : NULL);
}

size_t
report_count(void)
{
	return (HD_NELEM(report_defs));
}

const struct report_def *
report_find(const char *name)
{
	size_t	i;

	for (i = 0; i < HD_NELEM(report_defs); i++) {
		if (strcmp(report_defs[i].name, name) == 0)
			return (&report_defs[i]);
	}
	return (NULL);
}

const char *
report_title(const struct report_def *d, const char *lang)
{
	return (lang != NULL && strcmp(lang, "en") == 0 ? d->title_en :
	    d->title_fr);
}

const char *
report_description(const struct report_def *d, const char *lang)
{
	return (lang != NULL && strcmp(lang, "en") == 0 ? d->description_en :
	    d->description_fr);
}

bool
report_day_parse(const char *s, int64_t *days)
{
	int64_t	secs;
	int	i;

	if (strlen(s) != 10)
		return (false);
	for (i = 0; i < 10; i++) {
		if (i == 4 || i == 7) {
			if (s[i] != '-')
				return (false);
		} else if (!isdigit((unsigned char)s[i]))
			return (false);
	}
	/* The day after the last one must be a day too. */
	if (strcmp(s, "9998-12-31") > 0 || util_time_parse(s, &secs) != 0)
		return (false);
	*days = secs / 86400;
	return (true);
}

void
report_day_format(int64_t days, char *out)
{
	time_t		t = (time_t)(days * 86400);
	struct tm	tm;

	gmtime_r(&t, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

int
report_period_parse(const char *from, const char *to, int64_t now,
    struct report_period *p, const char **why)
{
	int64_t	f, t;

	*why = NULL;
	memset(p, 0, sizeof(*p));
	if (to != NULL) {
		if (!report_day_parse(to, &t)) {
			*why = "to must be a day, YYYY-MM-DD.";
			return (-1);
		}
	} else
		t = now / 86400;
	if (from != NULL) {
		if (!report_day_parse(from, &f)) {
			*why = "from must be a day, YYYY-MM-DD.";
			return (-1);
		}
	} else
		f = t - (REPORT_DEFAULT_DAYS - 1);
	if (from != NULL && to == NULL && f > t)
		t = f;
	if (f > t) {
		*why = "from must not be after to.";
		return (-1);
	}
	if (f < 0)
		f = 0;
	report_day_format(f, p->from);
	report_day_format(t, p->to);
	snprintf(p->from_ts, sizeof(p->from_ts), "%s 00:00:00", p->from);
	report_day_format(t + 1, p->end_ts);
	memcpy(p->end_ts + 10, " 00:00:00", 10);
	return (0);
}

void
report_rows_free(struct report_rows *rows)
{
	size_t	i, n;

	if (rows == NULL || rows->cells == NULL)
		return;
	n = rows->nrows * rows->def->ncolumns;
	for (i = 0; i < n; i++)
		free(rows->cells[i]);
	free(rows->cells);
	rows->cells = NULL;
	rows->nrows = 0;
}

/* One cell as JSON: numbers, RFC 3339 times, strings, null. */
static cJSON *
report_json_cell(enum report_type type, const char *v)
{
	char	buf[24];

	if (v == NULL)
		return (cJSON_CreateNull());
	switch (type) {
	case RT_INT:
		/* Counts and seconds: far below 2^53, exact as doubles. */
		return (cJSON_CreateNumber((double)strtoll(v, NULL, 10)));
	case RT_TIME:
		if (strlen(v) == 19 && v[10] == ' ') {
			snprintf(buf, sizeof(buf), "%.10sT%sZ", v, v + 11);
			return (cJSON_CreateString(buf));
		}
		return (cJSON_CreateString(v));
	case RT_DATE:
	case RT_TEXT:
	default:
		return (cJSON_CreateString(v));
	}
}

cJSON *
report_json(const struct report_rows *rows)
{
	const struct report_def	*d = rows->def;
	cJSON			*o, *cols, *arr, *row;
	size_t			 r, c;

	o = cJSON_CreateObject();
	cols = cJSON_AddArrayToObject(o, "columns");
	for (c = 0; c < d->ncolumns; c++)
		cJSON_AddItemToArray(cols, cJSON_CreateString(d->columns[c].name));
	arr = cJSON_AddArrayToObject(o, "rows");
	for (r = 0; r < rows->nrows; r++) {
		row = cJSON_CreateArray();
		for (c = 0; c < d->ncolumns; c++)
			cJSON_AddItemToArray(row, report_json_cell(d->columns[c].type,
			    rows->cells[r * d->ncolumns + c]));
		cJSON_AddItemToArray(arr, row);
	}
	return (o);
}

/* One CSV field, quoted when RFC 4180 asks, guarded when a formula. */
static void
report_csv_field(struct evbuffer *b, enum report_type type, const char *v)
{
	const char	*p;
	bool		 guard, quote;

	if (v == NULL)
		return;
	/* OWASP "CSV injection": =1+1 must stay text in a spreadsheet. */
	guard = type == RT_TEXT && (*v == '=' || *v == '+' || *v == '-' ||
	    *v == '@' || *v == '\t' || *v == '\r');
	quote = strpbrk(v, ",\"\r\n") != NULL;
	if (quote)
		evbuffer_add(b, "\"", 1);
	if (guard)
		evbuffer_add(b, "'", 1);
	if (!quote) {
		evbuffer_add(b, v, strlen(v));
		return;
	}
	for (p = v; *p != '\0'; p++) {
		if (*p == '"')
			evbuffer_add(b, "\"\"", 2);
		else
			evbuffer_add(b, p, 1);
	}
	evbuffer_add(b, "\"", 1);
}

void
report_csv(const struct report_rows *rows, bool bom, struct evbuffer *b)
{
	const struct report_def	*d = rows->def;
	size_t			 r, c;

	if (bom)
		evbuffer_add(b, "\xef\xbb\xbf", 3);
	for (c = 0; c < d->ncolumns; c++) {
		if (c > 0)
			evbuffer_add(b, ",", 1);
		report_csv_field(b, RT_INT, d->columns[c].name);
	}
	evbuffer_add(b, "\r\n", 2);
	for (r = 0; r < rows->nrows; r++) {
		for (c = 0; c < d->ncolumns; c++) {
			if (c > 0)
				evbuffer_add(b, ",", 1);
			report_csv_field(b, d->columns[c].type,
			    rows->cells[r * d->ncolumns + c]);
		}
		evbuffer_add(b, "\r\n", 2);
	}
}

void
report_filename(const struct report_def *d, const struct report_period *p,
    const char *ext, char *out, size_t len)
{
	if (d->uses_period)
		snprintf(out, len, "gid-helpdesk-%s-%s-%s.%s", d->name, p->from,
		    p->to, ext);
	else
		snprintf(out, len, "gid-helpdesk-%s-%s.%s", d->name, p->to, ext);
}
