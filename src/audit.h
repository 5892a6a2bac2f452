/*
 * The authentication audit trail (table auth_audit): logins and their
 * failures, logouts, token creation and revocation, access lost. Never a
 * password or a token.
 */
#ifndef AUDIT_H
#define AUDIT_H

#include <stdint.h>

#include "helpdesk.h"

struct db;
struct hd_req;

#define AUDIT_LOGIN_SUCCESS	"login.success"
#define AUDIT_LOGIN_FAILURE	"login.failure"
#define AUDIT_LOGOUT		"logout"
#define AUDIT_TOKEN_CREATE	"token.create"
#define AUDIT_TOKEN_REVOKE	"token.revoke"
#define AUDIT_ACCESS_REVOKED	"access.revoked"

/*
 * Record one event: login (canonical when known, else as typed, cut to
 * the column), user id (0 when unknown), client address, reason or NULL.
 * A failure is logged and returned; callers carry on regardless.
 */
enum hd_result	audit_record(struct db *, const char *, const char *, int64_t,
		    const char *, const char *);
/*
 * The log line of an authentication event (auth.success, auth.failure,
 * auth.throttled, session.logout, session.revoked, token.created,
 * token.revoked): request id, user, address, method, path, reason.
 */
void		audit_log(struct hd_req *, int, const char *, const char *,
		    const char *);
/* Copy at most max code points of s (valid UTF-8) into buf of len bytes. */
void		audit_clip(char *, size_t, const char *, long);

#endif
