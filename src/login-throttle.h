/*
 * Throttling of failed logins (R-AUTH-4), counted in MariaDB so that all
 * daemons share the counts: [login] max_failures per (login, client
 * address) and max_failures_per_address per address, within [login]
 * window. A throttled attempt is answered 429 without asking the
 * directory; nothing ever locks an account for good.
 */
#ifndef LOGIN_THROTTLE_H
#define LOGIN_THROTTLE_H

#include "helpdesk.h"

struct db;

/*
 * HD_OK when the attempt may go on; HD_THROTTLED with the seconds to wait
 * in *retry_after; a database failure as it came.
 */
enum hd_result	login_throttle_check(struct db *, const char *, const char *,
		    int *);
/* Count one failure of login (as typed) from address. */
enum hd_result	login_throttle_fail(struct db *, const char *, const char *);
/* A success: the pair's failures no longer count (the address's still do). */
enum hd_result	login_throttle_clear(struct db *, const char *, const char *);

#endif
