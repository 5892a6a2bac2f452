/*
 * Periodic purges. Each statement deletes a bounded batch so that a long
 * backlog never holds a worker for long; the next tick continues.
 */
#include "helpdesk.h"

#include "conf.h"
#include "db.h"
#include "maintenance.h"

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
}
