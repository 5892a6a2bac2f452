/*
 * Housekeeping once a minute on a thread of its own: purging expired
 * sessions and whatever else expires (uploads, idempotency keys, failed
 * logins), and bringing the report summaries up to date.
 */
#ifndef MAINTENANCE_H
#define MAINTENANCE_H

struct db;

/* Start the thread (with its own MariaDB connection); stop and join it. */
void	maintenance_start(void);
void	maintenance_stop(void);
/* One round, on the caller's connection. */
void	maintenance_run(struct db *);

#endif
