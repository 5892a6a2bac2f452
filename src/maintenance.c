/*
 * Periodic purges, and the report summaries brought up to date. Each
 * statement deletes a bounded batch, and the refresh stops after its
 * time budget, so that a long backlog never holds a worker for long; the
 * next tick continues.
 */
#include "helpdesk.h"

#include "conf.h"
#include "db.h"
#include "log.h"
#include "maintenance.h"
#include "report-store.h"

/* The report summaries: the days touched since the last tick. */
static void
maintenance_reports(struct db *db)
{
	struct report_refresh_stats	st;
	enum hd_result			res;

	if (cfg.reports_refresh_budget <= 0)
		return;
	res = report_store_refresh(db, (int64_t)cfg.reports_refresh_budget *
	    1000, 0, &st);
	if (res != HD_OK)
		log_warn("reports: the summaries could not be refreshed (%d)",
		    (int)res);
	else if (st.days > 0)
		log_debug("reports: %zu days and %zu months recomputed, %zu "
		    "days pending", st.days, st.months, st.pending);
}

void
maintenance_run(struct db *db)
{
	(void)db_exec(db, STMT_SESSION_PURGE, NULL, "i",
	    (int64_t)cfg.session_idle_timeout);
	/* Idempotency keys past [tickets] idempotency_ttl; expired uploads. */
	(void)db_exec(db, STMT_IDEM_PURGE, NULL, "i",
	    (int64_t)cfg.tickets_idempotency_ttl);
	(void)db_exec(db, STMT_UPLOAD_PURGE, NULL, "");
	/* Failed logins are only counted within the window. */
	(void)db_exec(db, STMT_THROTTLE_PURGE, NULL, "i",
	    (int64_t)cfg.login_window);
	maintenance_reports(db);
}
