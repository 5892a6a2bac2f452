/*
 * /api/v1/uploads (a raw body, its name in the query) and
 * /api/v1/attachments/{id} (the bytes, as a download that no browser
 * renders as our page: SECURITY.md R-UP-2).
 */
#include "helpdesk.h"

#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <event2/buffer.h>

#include "api.h"
#include "attachment.h"
#include "conf.h"
#include "reply.h"
#include "request.h"
#include "router.h"
#include "ticket-json.h"
#include "upload-store.h"
#include "user.h"
#include "util.h"
#include "worker.h"

void
api_uploads_create(struct hd_req *r)
{
	static const char *const allowed[] = { "filename", NULL };
	const unsigned char	*body;
	const char		*bad, *raw;
	struct upload_row	 u;
	enum hd_result		 res;
	size_t			 len;
	char			*name;
	cJSON			*o;

	if (request_query_allowed(r, allowed, &bad) != 0) {
		reply_error(r, 400, "bad_request", "Unknown parameter %.64s.", bad);
		return;
	}
	body = request_body(r, &len);
	if (len > (size_t)cfg.tickets_max_attachment_size) {
		reply_error(r, 413, "payload_too_large",
		    "A file may have at most %d bytes.",
		    cfg.tickets_max_attachment_size);
		return;
	}
	if ((raw = request_query(r, "filename")) == NULL || *raw == '\0') {
		reply_error(r, 400, "bad_request", "filename is required.");
		return;
	}
	/* Linear work on a name that [server] max_header_size bounds. */
	name = attachment_name_clean(raw, strlen(raw));
	res = upload_store_create(r->w->db, r->user->id, name, body, len, &u);
	if (res != HD_OK) {
		reply_result(r, res, NULL);
		free(name);
		return;
	}
	o = cJSON_CreateObject();
	cJSON_AddItemToObject(o, "upload", ticket_json_upload(&u));
	free(name);
	reply_json(r, 201, o);
}

void
api_attachments_get(struct hd_req *r)
{
	struct ticket_actor	 a;
	struct attachment_file	 f;
	struct evbuffer		*buf;
	enum hd_result		 res;
	const char		*errstr;
	long long		 id;
	char			*disposition;

	/* A bad id is just another attachment that does not exist. */
	if (util_strtonum(r->params[0], 1, (1LL << 53), &id, &errstr) != 0) {
		reply_error(r, 404, "not_found", "No such attachment.");
		return;
	}
	ticket_actor_init(&a, r->user, cfg.tickets_organisation_visibility);
	if ((res = upload_store_download(r->w->db, &a, id, &f)) != HD_OK) {
		if (res == HD_NOTFOUND)
			reply_error(r, 404, "not_found", "No such attachment.");
		else
			reply_result(r, res, NULL);
		return;
	}
	disposition = attachment_disposition(f.filename);
	reply_header(r, "Content-Disposition", disposition);
	/*
	 * base-uri, frame-ancestors and form-action do not fall back to
	 * default-src: named, so that no other site can frame a download.
	 */
	reply_header(r, "Content-Security-Policy", "sandbox; default-src 'none'; "
	    "base-uri 'none'; frame-ancestors 'none'; form-action 'none'");
	reply_header(r, "Cache-Control", "private, no-store");
	buf = evbuffer_new();
	evbuffer_add(buf, f.data, f.len);
	reply_buffer(r, 200, attachment_download_type(f.content_type), buf);
	evbuffer_free(buf);
	free(disposition);
	attachment_file_clear(&f);
}
