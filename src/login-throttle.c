/*
 * Login throttling: one indexed query reads both counts before a login
 * reaches the directory; failures are inserted, successes clear the
 * pair, and the maintenance tick purges what left the window.
 */
#include "helpdesk.h"

#include <string.h>

#include "audit.h"
#include "conf.h"
#include "db.h"
#include "login-throttle.h"

/* login_failures.login holds 190 code points. */
#define THROTTLE_LOGIN_MAX	190

/*
 * The key a login is counted under: the directory ignores spaces at either
 * end of a login (RFC 4518), so " alice " must not buy more attempts than
 * "alice"; the column's collation already ignores case.
 */
static void
login_throttle_key(char *buf, size_t len, const char *login)
{
	size_t	n;

	while (*login == ' ')
		login++;
	audit_clip(buf, len, login, THROTTLE_LOGIN_MAX);
	n = strlen(buf);
	while (n > 0 && buf[n - 1] == ' ')
		buf[--n] = '\0';
}

/* Columns of STMT_THROTTLE_COUNT. */
enum { C_PAIR, C_PAIR_WAIT, C_ADDR, C_ADDR_WAIT };

enum hd_result
login_throttle_check(struct db *db, const char *login, const char *ip,
    int *retry_after)
{
	struct db_res	*res = NULL;
	enum hd_result	 rc;
	char		 key[THROTTLE_LOGIN_MAX * 4 + 1];
	int64_t		 wait = 0, window = cfg.login_window;

	*retry_after = 0;
	if (!cfg.login_throttle)
		return (HD_OK);
	login_throttle_key(key, sizeof(key), login);
	if ((rc = db_exec(db, STMT_THROTTLE_COUNT, &res, "ssiisi", key, key,
	    window, window, ip, window)) != HD_OK)
		return (rc);
	if (db_res_next(res)) {
		if (db_res_int(res, C_PAIR) >= cfg.login_max_failures)
			wait = db_res_int(res, C_PAIR_WAIT);
		if (db_res_int(res, C_ADDR) >= cfg.login_max_failures_address &&
		    db_res_int(res, C_ADDR_WAIT) > wait)
			wait = db_res_int(res, C_ADDR_WAIT);
		if (db_res_int(res, C_PAIR) >= cfg.login_max_failures ||
		    db_res_int(res, C_ADDR) >= cfg.login_max_failures_address) {
			/* Whole seconds, at least one: the client may retry then. */
			*retry_after = wait < 1 ? 1 : (int)wait;
			rc = HD_THROTTLED;
		}
	}
	db_res_free(res);
	return (rc);
}

enum hd_result
login_throttle_fail(struct db *db, const char *login, const char *ip)
{
	char	key[THROTTLE_LOGIN_MAX * 4 + 1];

	if (!cfg.login_throttle)
		return (HD_OK);
	login_throttle_key(key, sizeof(key), login);
	return (db_exec(db, STMT_THROTTLE_FAIL, NULL, "ss", key, ip));
}

enum hd_result
login_throttle_clear(struct db *db, const char *login, const char *ip)
{
	char	key[THROTTLE_LOGIN_MAX * 4 + 1];

	if (!cfg.login_throttle)
		return (HD_OK);
	login_throttle_key(key, sizeof(key), login);
	return (db_exec(db, STMT_THROTTLE_CLEAR, NULL, "ss", ip, key));
}
