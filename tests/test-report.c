/* Unit tests: report.c (the catalogue, periods, JSON and CSV of reports). */
#include "helpdesk.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <cjson/cJSON.h>
#include <event2/buffer.h>

#include "report.h"
#include "xmalloc.h"

/* 2026-12-04 16:12:35 UTC */
#define NOW	1796400755LL

static void
test_catalogue(void **state HD_UNUSED)
{
	const struct report_def	*d;
	size_t			 i, c, nq;
	const char		*p;

	assert_true(report_count() >= 10);
	for (i = 0; (d = report_at(i)) != NULL; i++) {
		/* Names are the views' without report_, safe in file names. */
		assert_true(strspn(d->name, "abcdefghijklmnopqrstuvwxyz_") ==
		    strlen(d->name));
		assert_ptr_equal(report_find(d->name), d);
		assert_non_null(d->title_fr);
		assert_non_null(d->title_en);
		assert_string_equal(report_title(d, "en"), d->title_en);
		assert_string_equal(report_title(d, "fr"), d->title_fr);
		assert_true(d->ncolumns > 0 && d->ncolumns <= REPORT_MAX_COLUMNS);
		for (c = 0; c < d->ncolumns; c++)
			assert_non_null(d->columns[c].name);
		/* Every statement ends with its row cap and filters by axis. */
		assert_int_equal(d->params[strlen(d->params) - 1], 'l');
		for (nq = 0, p = d->params; *p != '\0'; p++) {
			assert_non_null(strchr("ftFTql", *p));
			nq += *p == 'q';
		}
		assert_true(nq >= 1);
		assert_true(strlen(d->params) <= REPORT_MAX_PARAMS);
	}
	assert_int_equal(i, report_count());
	assert_null(report_find("nope"));
	assert_null(report_find(""));
	assert_null(report_at(report_count()));
	assert_false(report_find("backlog")->uses_period);
	assert_true(report_find("activity_daily")->uses_period);
}

static void
test_days(void **state HD_UNUSED)
{
	int64_t	d;
	char	out[11];

	assert_true(report_day_parse("1970-01-01", &d));
	assert_int_equal(d, 0);
	assert_true(report_day_parse("2024-02-29", &d));
	report_day_format(d, out);
	assert_string_equal(out, "2024-02-29");
	report_day_format(d + 1, out);
	assert_string_equal(out, "2024-03-01");
	assert_false(report_day_parse("2026-02-29", &d));
	assert_false(report_day_parse("2026-13-01", &d));
	assert_false(report_day_parse("2026-1-01", &d));
	assert_false(report_day_parse("2026-01-01T00:00:00Z", &d));
	assert_false(report_day_parse(" 2026-01-01", &d));
	assert_false(report_day_parse("+026-01-01", &d));
	assert_false(report_day_parse("2026/01/01", &d));
	assert_false(report_day_parse("1969-12-31", &d));
	assert_false(report_day_parse("9999-01-01", &d));
	assert_true(report_day_parse("9998-12-31", &d));
	assert_false(report_day_parse("", &d));
}

static void
test_period(void **state HD_UNUSED)
{
	struct report_period	p;
	const char		*why;

	/* Defaults: the 30 days ending today (UTC). */
	assert_int_equal(report_period_parse(NULL, NULL, NOW, &p, &why), 0);
	assert_string_equal(p.to, "2026-12-04");
	assert_string_equal(p.from, "2026-11-05");
	assert_string_equal(p.from_ts, "2026-11-05 00:00:00");
	assert_string_equal(p.end_ts, "2026-12-05 00:00:00");
	/* Both days included; the end is the next midnight, across a year. */
	assert_int_equal(report_period_parse("2026-12-01", "2026-12-31", NOW, &p,
	    &why), 0);
	assert_string_equal(p.end_ts, "2027-01-01 00:00:00");
	assert_int_equal(report_period_parse("2026-12-31", "2026-12-31", NOW, &p,
	    &why), 0);
	assert_string_equal(p.from_ts, "2026-12-31 00:00:00");
	assert_string_equal(p.end_ts, "2027-01-01 00:00:00");
	/* Only to: 30 days ending there; only from: up to today. */
	assert_int_equal(report_period_parse(NULL, "2026-03-01", NOW, &p, &why), 0);
	assert_string_equal(p.from, "2026-01-31");
	assert_int_equal(report_period_parse("2026-01-01", NULL, NOW, &p, &why), 0);
	assert_string_equal(p.to, "2026-12-04");
	/* A from in the future alone is a one-day period. */
	assert_int_equal(report_period_parse("2027-01-05", NULL, NOW, &p, &why), 0);
	assert_string_equal(p.to, "2027-01-05");
	/* Refused. */
	assert_int_equal(report_period_parse("2026-12-02", "2026-12-01", NOW, &p,
	    &why), -1);
	assert_non_null(why);
	assert_int_equal(report_period_parse("yesterday", NULL, NOW, &p, &why), -1);
	assert_int_equal(report_period_parse(NULL, "2026-12-32", NOW, &p, &why), -1);
	assert_int_equal(report_period_parse("", NULL, NOW, &p, &why), -1);
}

/* Rows of report name from a table of strings (NULL = SQL NULL). */
static void
rows_of(struct report_rows *rows, const char *name, size_t nrows,
    const char *const *cells)
{
	size_t	i, n;

	rows->def = report_find(name);
	assert_non_null(rows->def);
	rows->nrows = nrows;
	n = nrows * rows->def->ncolumns;
	rows->cells = xcalloc(n + 1, sizeof(*rows->cells));
	for (i = 0; i < n; i++)
		rows->cells[i] = cells[i] != NULL ? xstrdup(cells[i]) : NULL;
}

static char *
csv_of(const struct report_rows *rows, bool bom)
{
	struct evbuffer	*b = evbuffer_new();
	size_t		 n;
	char		*s;

	report_csv(rows, bom, b);
	n = evbuffer_get_length(b);
	s = xmalloc(n + 1);
	evbuffer_remove(b, s, n);
	s[n] = '\0';
	evbuffer_free(b);
	return (s);
}

static void
test_json(void **state HD_UNUSED)
{
	static const char *const cells[] = {
		"2026-11-30 23:59:59", "2026113010000017", "depense",
		"Gestion de la dépense", "3", "normal", NULL, "agent.hamdi",
		"closed successful", "open",
	};
	struct report_rows	 rows;
	cJSON			*o, *row, *cols;
	char			*s;

	rows_of(&rows, "reopened", 1, cells);
	o = report_json(&rows);
	cols = cJSON_GetObjectItemCaseSensitive(o, "columns");
	assert_int_equal(cJSON_GetArraySize(cols), 10);
	assert_string_equal(cJSON_GetArrayItem(cols, 0)->valuestring, "reopened");
	row = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(o, "rows"), 0);
	/* Times in RFC 3339, numbers as numbers, NULL as null, text as is. */
	assert_string_equal(cJSON_GetArrayItem(row, 0)->valuestring,
	    "2026-11-30T23:59:59Z");
	assert_true(cJSON_IsString(cJSON_GetArrayItem(row, 1)));
	assert_true(cJSON_IsNumber(cJSON_GetArrayItem(row, 4)));
	assert_int_equal(cJSON_GetArrayItem(row, 4)->valueint, 3);
	assert_true(cJSON_IsNull(cJSON_GetArrayItem(row, 6)));
	assert_string_equal(cJSON_GetArrayItem(row, 3)->valuestring,
	    "Gestion de la dépense");
	s = cJSON_PrintUnformatted(o);
	assert_non_null(strstr(s, "\"rows\":[["));
	cJSON_free(s);
	cJSON_Delete(o);
	report_rows_free(&rows);
	assert_null(rows.cells);
	report_rows_free(&rows);	/* twice: harmless */
}

static void
test_csv(void **state HD_UNUSED)
{
	static const char *const cells[] = {
		"TP \"Rabat\", centre", "2", "1", "0", "3600",
		"=HYPERLINK(\"http://x\")", "0", "0", "0", NULL,
		"Ligne 1\nLigne 2", "1", "1", "1", "7",
		"-2+3", "0", "0", "0", "5",
	};
	struct report_rows	 rows;
	char			*s;

	rows_of(&rows, "organisations", 4, cells);
	s = csv_of(&rows, true);
	assert_string_equal(s,
	    "\xef\xbb\xbf"
	    "organisation,opened,open_now,closed,median_resolution_seconds\r\n"
	    "\"TP \"\"Rabat\"\", centre\",2,1,0,3600\r\n"
	    "\"'=HYPERLINK(\"\"http://x\"\")\",0,0,0,\r\n"
	    "\"Ligne 1\nLigne 2\",1,1,1,7\r\n"
	    "'-2+3,0,0,0,5\r\n");
	free(s);
	s = csv_of(&rows, false);
	assert_int_equal(strncmp(s, "organisation,", 13), 0);
	free(s);
	report_rows_free(&rows);

	/* No rows: the header alone. */
	rows_of(&rows, "backlog", 0, cells);
	s = csv_of(&rows, false);
	assert_string_equal(s,
	    "queue,queue_name,lt_1d,d1_3,d3_7,d7_30,gt_30d,total\r\n");
	free(s);
	report_rows_free(&rows);
}

static void
test_filename(void **state HD_UNUSED)
{
	struct report_period	p;
	const char		*why;
	char			name[128];

	assert_int_equal(report_period_parse("2026-11-01", "2026-11-30", NOW,
	    &p, &why), 0);
	report_filename(report_find("activity_daily"), &p, "csv", name,
	    sizeof(name));
	assert_string_equal(name,
	    "gid-helpdesk-activity_daily-2026-11-01-2026-11-30.csv");
	report_filename(report_find("backlog"), &p, "csv", name, sizeof(name));
	assert_string_equal(name, "gid-helpdesk-backlog-2026-11-30.csv");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_catalogue),
		cmocka_unit_test(test_days),
		cmocka_unit_test(test_period),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_csv),
		cmocka_unit_test(test_filename),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
