/*
 * Schema migrations: sql/NNN-name.sql applied in order, each recorded in
 * schema_migrations, so running it twice changes nothing.
 */
#ifndef MIGRATE_H
#define MIGRATE_H

struct db_params;

/* Apply every pending file of dir; prints what it does. 0 or -1. */
int	migrate_run(const struct db_params *, const char *, int);

#endif
