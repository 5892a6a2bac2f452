/*
 * /api/v1/reports (admins): the list of reports, and one report over a
 * period and an axis as JSON or CSV. The rows come from report-store.c,
 * the formats from report.c, the same as "gid-helpdesk report".
 */
#include "helpdesk.h"

#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <event2/buffer.h>

#include "api.h"
#include "conf.h"
#include "reply.h"
#include "report-store.h"
#include "report.h"
#include "request.h"
#include "router.h"
#include "ticket.h"
#include "user.h"
#include "util.h"
#include "worker.h"

void
api_reports_list(struct hd_req *r)
{
	const struct report_def	*d;
	const char		*bad;
	size_t			 i;
	cJSON			*o, *arr, *item;

	if (request_query_allowed(r, (const char *const[]){ NULL }, &bad) != 0) {
		reply_error(r, 400, "bad_request", "Unknown parameter %.64s.", bad);
		return;
	}
	o = cJSON_CreateObject();
	arr = cJSON_AddArrayToObject(o, "reports");
	for (i = 0; (d = report_at(i)) != NULL; i++) {
		item = cJSON_CreateObject();
		cJSON_AddStringToObject(item, "name", d->name);
		cJSON_AddStringToObject(item, "title", report_title(d,
		    r->user->lang));
		cJSON_AddStringToObject(item, "description",
		    report_description(d, r->user->lang));
		cJSON_AddItemToArray(arr, item);
	}
	reply_json(r, 200, o);
}

/* Reply with the rows as CSV, an attachment with the report's file name. */
static void
api_reports_csv(struct hd_req *r, const struct report_rows *rows,
    const struct report_period *p)
{
	struct evbuffer	*b = evbuffer_new();
	char		 name[128], disp[192];

	report_filename(rows->def, p, "csv", name, sizeof(name));
	snprintf(disp, sizeof(disp), "attachment; filename=\"%s\"", name);
	report_csv(rows, true, b);
	reply_header(r, "Content-Disposition", disp);
	reply_buffer(r, 200, "text/csv; charset=utf-8; header=present", b);
	evbuffer_free(b);
}

void
api_reports_get(struct hd_req *r)
{
	static const char *const allowed[] = { "from", "to", "queue", "format",
	    NULL };
	const struct report_def	*d;
	struct report_period	 p;
	struct report_rows	 rows;
	enum hd_result		 res;
	const char		*bad, *why, *queue, *format;
	bool			 csv;

	if ((d = report_find(r->params[0])) == NULL) {
		reply_error(r, 404, "not_found", "No such report.");
		return;
	}
	if (request_query_allowed(r, allowed, &bad) != 0) {
		reply_error(r, 400, "bad_request", "Unknown parameter %.64s.", bad);
		return;
	}
	format = request_query(r, "format");
	if (format != NULL && strcmp(format, "json") != 0 &&
	    strcmp(format, "csv") != 0) {
		reply_error(r, 400, "bad_request", "format must be json or csv.");
		return;
	}
	csv = format != NULL && strcmp(format, "csv") == 0;
	if (report_period_parse(request_query(r, "from"),
	    request_query(r, "to"), util_now_us() / 1000000, &p, &why) != 0) {
		reply_error(r, 400, "bad_request", "%s", why);
		return;
	}
	if ((queue = request_query(r, "queue")) != NULL && *queue == '\0')
		queue = NULL;
	if (queue != NULL && strlen(queue) > QUEUE_CODE_MAX) {
		reply_error(r, 400, "bad_request", "Unknown queue.");
		return;
	}
	res = report_store_run(r->w->db, d, &p, queue,
	    (size_t)cfg.reports_max_rows, &rows, &why);
	switch (res) {
	case HD_OK:
		break;
	case HD_TOOLARGE:
		reply_error(r, 422, "too_many_rows", "%s (more than %d)", why,
		    cfg.reports_max_rows);
		return;
	default:
		reply_result(r, res, why);
		return;
	}
	if (csv)
		api_reports_csv(r, &rows, &p);
	else
		reply_json(r, 200, report_json(&rows));
	report_rows_free(&rows);
}
