/*
 * The reports: the catalogue (name, titles, columns, the statement of
 * db-stmt.c and the order of its parameters), the period a report covers,
 * the rows it returned, and their two formats, JSON and CSV. No I/O here
 * (tests/test-report.c); report-store.c runs the statements, and the API
 * (api-reports.c) and the command line (admin-report.c) share both.
 */
#ifndef REPORT_H
#define REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "helpdesk.h"
#include "db-stmt.h"

struct cJSON;
struct evbuffer;

/* What a column holds, for JSON types and CSV cells. */
enum report_type {
	RT_TEXT,	/* a string; CSV guards it against formulas */
	RT_INT,		/* an integer (JSON number) */
	RT_DATE,	/* "YYYY-MM-DD" (UTC day) */
	RT_TIME,	/* "YYYY-MM-DD HH:MM:SS" in UTC; RFC 3339 in JSON */
};

struct report_column {
	const char		*name;
	enum report_type	 type;
};

#define REPORT_MAX_COLUMNS	12
#define REPORT_MAX_PARAMS	16

struct report_def {
	const char			*name;
	const char			*title_fr;
	const char			*title_en;
	const char			*description_fr;
	const char			*description_en;
	enum db_stmt_id			 stmt;
	/*
	 * The parameters of stmt in order: f the period's first second and
	 * t the second after it ("YYYY-MM-DD 00:00:00"), F and T its first
	 * and last day ("YYYY-MM-DD"), q the axis (queue code or NULL), l
	 * the row cap.
	 */
	const char			*params;
	/* false: a snapshot of now, the period does not apply (backlog) */
	bool				 uses_period;
	size_t				 ncolumns;
	struct report_column		 columns[REPORT_MAX_COLUMNS];
};

/* The period: days [from, to], both included, UTC. */
struct report_period {
	char	from[11];	/* "YYYY-MM-DD" */
	char	to[11];
	char	from_ts[20];	/* "YYYY-MM-DD 00:00:00" */
	char	end_ts[20];	/* the day after to, 00:00:00 */
};

#define REPORT_DEFAULT_DAYS	30

/* The rows of a report, as text (NULL for SQL NULL), row after row. */
struct report_rows {
	const struct report_def	*def;
	size_t			 nrows;
	char			**cells;	/* nrows * def->ncolumns */
};

/* The catalogue, in the order GET /api/v1/reports lists it. */
const struct report_def	*report_at(size_t);
size_t			 report_count(void);
/* A report by name; NULL when there is none. */
const struct report_def	*report_find(const char *);
const char		*report_title(const struct report_def *, const char *);
const char		*report_description(const struct report_def *,
			     const char *);

/*
 * The period from the from and to parameters (either may be NULL:
 * to defaults to today, from to REPORT_DEFAULT_DAYS days ending at to).
 * today is a UTC time in seconds. Returns 0, or -1 with *why.
 */
int	report_period_parse(const char *, const char *, int64_t,
	    struct report_period *, const char **);
/* Whether s is a real day "YYYY-MM-DD" (1970 to 9998); *days since 1970. */
bool	report_day_parse(const char *, int64_t *);
/* Days since 1970-01-01 as "YYYY-MM-DD" (11 bytes). */
void	report_day_format(int64_t, char *);

void	report_rows_free(struct report_rows *);
/* {"columns":[...],"rows":[[...]]}; the caller owns the tree. */
struct cJSON *report_json(const struct report_rows *);
/*
 * RFC 4180: a header row, CRLF line ends, fields quoted when they hold a
 * comma, a quote or a line break; UTF-8 with a byte order mark when bom
 * is set (Excel reads UTF-8 only with it). A text cell that a spreadsheet
 * would take for a formula (= + - @ tab CR first) gets a leading '.
 */
void	report_csv(const struct report_rows *, bool, struct evbuffer *);
/* "gid-helpdesk-NAME-FROM-TO.EXT" (ASCII: names are). */
void	report_filename(const struct report_def *, const struct report_period *,
	    const char *, char *, size_t);

#endif
