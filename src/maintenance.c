/*
 * Periodic purges, and the report summaries brought up to date. Each
 * statement deletes a bounded batch, and the refresh stops after its
 * time budget; the next tick continues.
 *
 * The rounds run on a thread of their own with its own MariaDB
 * connection, not on a worker: a refresh may take up to [reports]
 * refresh_budget (1 s by default), and on a worker's event loop it held
 * every client of that worker as long.
 */
#include "helpdesk.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <time.h>

#include <mysql.h>

#include "conf.h"
#include "db.h"
#include "json.h"
#include "log.h"
#include "maintenance.h"
#include "report-store.h"

#define MAINTENANCE_INTERVAL	60	/* seconds */

static pthread_t	maintenance_thread;
static pthread_mutex_t	maintenance_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t	maintenance_cond;
static bool		maintenance_stopping;
static bool		maintenance_started;

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

/* Sleep until the next round; false once asked to stop. */
static bool
maintenance_wait(void)
{
	struct timespec	until;
	bool		go;

	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_sec += MAINTENANCE_INTERVAL;
	pthread_mutex_lock(&maintenance_lock);
	while (!maintenance_stopping &&
	    pthread_cond_timedwait(&maintenance_cond, &maintenance_lock,
	    &until) != ETIMEDOUT)
		;
	go = !maintenance_stopping;
	pthread_mutex_unlock(&maintenance_lock);
	return (go);
}

static void *
maintenance_main(void *arg HD_UNUSED)
{
	struct db_params	 p;
	struct db		*db;

	log_set_thread("maintenance");
	mysql_thread_init();
	db_params_from_conf(&p);
	/* Connected at the first round, and again after a failure. */
	db = db_create(&p);
	while (maintenance_wait())
		maintenance_run(db);
	db_free(db);
	json_write_thread_end();
	mysql_thread_end();
	return (NULL);
}

void
maintenance_start(void)
{
	pthread_condattr_t	attr;

	/* The interval must not follow changes of the wall clock. */
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&maintenance_cond, &attr);
	pthread_condattr_destroy(&attr);
	maintenance_stopping = false;
	if (pthread_create(&maintenance_thread, NULL, maintenance_main,
	    NULL) != 0)
		fatalx("pthread_create failed");
	maintenance_started = true;
}

void
maintenance_stop(void)
{
	if (!maintenance_started)
		return;
	pthread_mutex_lock(&maintenance_lock);
	maintenance_stopping = true;
	pthread_cond_signal(&maintenance_cond);
	pthread_mutex_unlock(&maintenance_lock);
	pthread_join(maintenance_thread, NULL);
	pthread_cond_destroy(&maintenance_cond);
	maintenance_started = false;
}
