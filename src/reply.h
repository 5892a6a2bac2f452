/*
 * Answering a request: JSON replies (which consume their tree), JSON
 * errors of the shape {"error":{"code","message"}}, files and bytes, all
 * with the security headers. A request is answered exactly once.
 */
#ifndef REPLY_H
#define REPLY_H

#include <stddef.h>

#include "helpdesk.h"

struct hd_req;
struct cJSON;
struct evbuffer;

/* Add a response header before replying (value copied). */
void	reply_header(struct hd_req *, const char *, const char *);
/* Send obj as JSON with status; consumes obj. */
void	reply_json(struct hd_req *, int, struct cJSON *);
/* Send a JSON error; the message is for users, never backend text. */
void	reply_error(struct hd_req *, int, const char *, const char *, ...)
	    HD_PRINTFLIKE(4, 5);
/* Map a result to its status and default message (message may be NULL). */
void	reply_result(struct hd_req *, enum hd_result, const char *);
/* Send buf (emptied, still owned by the caller) with a content type. */
void	reply_buffer(struct hd_req *, int, const char *, struct evbuffer *);
/* Send a status without a body (204, 304). */
void	reply_empty(struct hd_req *, int);
/* The HTTP status of a result. */
int	reply_status_of(enum hd_result);

#endif
