/*
 * The periodic directory re-check of an authenticated request's user
 * (R-SES-5): every [session] recheck_interval per session or token, the
 * directory is asked whether the person is still there and in which
 * groups. Roles follow; someone in no group any more loses every session
 * and token at once.
 */
#ifndef SESSION_RECHECK_H
#define SESSION_RECHECK_H

#include "helpdesk.h"

struct hd_req;

/*
 * Called by the router's gate after a successful look-up. HD_OK to go on
 * (r->user->roles may have changed), HD_UNAUTHORIZED when access is gone
 * (r->user is then freed and NULL). While the directory is unreachable,
 * existing sessions go on as they were.
 */
enum hd_result	session_recheck(struct hd_req *);

#endif
