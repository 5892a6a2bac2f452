/*
 * Uploads and downloads: the bytes live in MariaDB (LONGBLOB) under a
 * random 128-bit id; the name the user gave is metadata only (SECURITY.md
 * R-UP-1), and the type is decided from the bytes (R-UP-2).
 */
#include "helpdesk.h"

#include <stdlib.h>
#include <string.h>

#include "attachment.h"
#include "conf.h"
#include "db.h"
#include "ticket.h"
#include "upload-store.h"
#include "util.h"
#include "xmalloc.h"

enum hd_result
upload_store_create(struct db *db, int64_t user_id, const char *filename,
    const unsigned char *data, size_t len, struct upload_row *out)
{
	unsigned char	raw[16];

	memset(out, 0, sizeof(*out));
	util_random_bytes(raw, sizeof(raw));
	util_hex_encode(out->id, raw, sizeof(raw));
	out->filename = filename;
	out->content_type = attachment_sniff(data, len, filename);
	out->size = (int64_t)len;
	sha256_hex(data, len, out->sha256);
	util_time_rfc3339(out->expires, sizeof(out->expires), util_now_us() +
	    (int64_t)cfg.tickets_upload_ttl * 1000000);
	return (db_exec(db, STMT_UPLOAD_INSERT, NULL, "sissisbi", out->id,
	    user_id, filename, out->content_type, out->size, out->sha256, data,
	    len, (int64_t)cfg.tickets_upload_ttl));
}

enum hd_result
upload_store_download(struct db *db, const struct ticket_actor *a, int64_t id,
    struct attachment_file *out)
{
	struct db_res	*r = NULL;
	enum hd_result	 res;
	int64_t		 agent = ticket_actor_is_agent(a);

	memset(out, 0, sizeof(*out));
	if ((res = db_exec(db, STMT_ATTACHMENT_DOWNLOAD, &r, "iiiiii", id, agent,
	    agent, a->user_id, (int64_t)a->organisation_visibility,
	    a->organisation_id)) != HD_OK)
		return (res);
	if (!db_res_next(r)) {
		db_res_free(r);
		return (HD_NOTFOUND);
	}
	out->filename = xstrdup(db_res_str(r, 0) != NULL ? db_res_str(r, 0) :
	    "fichier");
	out->content_type = xstrdup(db_res_str(r, 1) != NULL ?
	    db_res_str(r, 1) : "application/octet-stream");
	out->len = db_res_len(r, 2);
	out->data = xmemdup(db_res_null(r, 2) ? "" : db_res_str(r, 2),
	    out->len + 1);
	db_res_free(r);
	return (HD_OK);
}

void
attachment_file_clear(struct attachment_file *f)
{
	free(f->filename);
	free(f->content_type);
	free(f->data);
	memset(f, 0, sizeof(*f));
}
