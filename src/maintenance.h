/*
 * Housekeeping that runs once a minute in one worker: purging expired
 * sessions and whatever else expires (uploads, idempotency keys).
 */
#ifndef MAINTENANCE_H
#define MAINTENANCE_H

struct db;

void	maintenance_run(struct db *);

#endif
