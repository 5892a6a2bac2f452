/*
 * Included first by every .c file: build configuration, common macros and
 * the result codes that travel from the model to the HTTP status.
 */
#ifndef HELPDESK_H
#define HELPDESK_H

#include "config.h"

#include <stddef.h>
#include <stdint.h>

#define HD_PRINTFLIKE(a, b)	__attribute__((format(printf, a, b)))
#define HD_DEAD			__attribute__((noreturn))
#define HD_UNUSED		__attribute__((unused))
#define HD_NELEM(a)		(sizeof(a) / sizeof((a)[0]))

/*
 * What a model or store function tells its caller. Handlers turn these
 * into HTTP statuses in one place (reply_result in reply.c).
 */
enum hd_result {
	HD_OK = 0,
	HD_INVALID,		/* 400: the request is malformed or a value is out of range */
	HD_UNAUTHORIZED,	/* 401: no valid session or token */
	HD_FORBIDDEN,		/* 403: authenticated, not allowed */
	HD_NOTFOUND,		/* 404: absent, or not visible to this user */
	HD_CONFLICT,		/* 409: a unique key or a concurrent request */
	HD_PRECONDITION,	/* 412: If-Match does not hold */
	HD_TOOLARGE,		/* 413: a body or a field over its limit */
	HD_UNSUPPORTED,		/* 415: wrong Content-Type */
	HD_UNPROCESSABLE,	/* 422: well-formed, but not acceptable (idempotency mismatch) */
	HD_THROTTLED,		/* 429: too many attempts */
	HD_INTERNAL,		/* 500: a bug or an unexpected backend answer */
	HD_UNAVAILABLE,		/* 503: MariaDB or the directory cannot be reached */
	HD_RETRY,		/* internal: a deadlock or lock timeout, run the transaction again */
};

#endif /* HELPDESK_H */
