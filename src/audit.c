/*
 * Writing the authentication audit trail. One row per event, in UTC; a
 * row that cannot be written is logged, and the request goes on (the
 * log line of the event is there anyway).
 */
#include "helpdesk.h"

#include <string.h>

#include <cjson/cJSON.h>

#include "audit.h"
#include "db.h"
#include "log.h"
#include "router.h"

/* Size of auth_audit.login and login_failures.login, in code points. */
#define AUDIT_LOGIN_MAX	190

void
audit_clip(char *buf, size_t len, const char *s, long max)
{
	const unsigned char	*p = (const unsigned char *)(s != NULL ? s : "");
	size_t			 i = 0, seq;
	long			 n = 0;

	/* Whole sequences only, while both the count and the buffer allow. */
	while (p[i] != '\0') {
		for (seq = 1; (p[i + seq] & 0xc0) == 0x80; seq++)
			;
		if (n == max || i + seq >= len)
			break;
		i += seq;
		n++;
	}
	memcpy(buf, p, i);
	buf[i] = '\0';
}

enum hd_result
audit_record(struct db *db, const char *event, const char *login,
    int64_t user_id, const char *ip, const char *reason)
{
	char		 clipped[AUDIT_LOGIN_MAX * 4 + 1];
	enum hd_result	 res;

	audit_clip(clipped, sizeof(clipped), login, AUDIT_LOGIN_MAX);
	res = db_exec(db, STMT_AUDIT_INSERT, NULL, "ssIss", event, clipped,
	    user_id != 0 ? &user_id : NULL, ip != NULL ? ip : "", reason);
	if (res != HD_OK)
		log_warn("audit: could not record %s for %s", event, clipped);
	return (res);
}

void
audit_log(struct hd_req *r, int level, const char *event, const char *user,
    const char *reason)
{
	char	 clipped[AUDIT_LOGIN_MAX * 4 + 1];
	cJSON	*o = cJSON_CreateObject();

	/* cJSON escapes what a hostile login holds (CR, LF, quotes). */
	audit_clip(clipped, sizeof(clipped), user != NULL ? user : "-",
	    AUDIT_LOGIN_MAX);
	cJSON_AddStringToObject(o, "event", event);
	cJSON_AddStringToObject(o, "req_id", r->id);
	cJSON_AddStringToObject(o, "user", clipped);
	cJSON_AddStringToObject(o, "src_ip", r->client_ip);
	cJSON_AddStringToObject(o, "method", r->method_name);
	cJSON_AddStringToObject(o, "path", r->path != NULL ? r->path : "-");
	if (reason != NULL)
		cJSON_AddStringToObject(o, "reason", reason);
	log_event((enum log_level)level, o);
}
