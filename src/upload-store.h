/*
 * Uploads (files waiting to be named in a ticket or article) and the
 * download of attachments, in MariaDB.
 */
#ifndef UPLOAD_STORE_H
#define UPLOAD_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "helpdesk.h"
#include "sha256.h"
#include "ticket.h"

struct db;

struct upload_row {
	char		 id[UPLOAD_ID_LEN + 1];
	const char	*filename;	/* borrowed from the caller */
	const char	*content_type;	/* static */
	int64_t		 size;
	char		 sha256[SHA256_LEN * 2 + 1];
	char		 expires[24];
};

struct attachment_file {
	char		*filename;
	char		*content_type;
	unsigned char	*data;
	size_t		 len;
};

/*
 * Store the bytes under a new random id for user_id, with the name
 * (cleaned already) and the type the server decides; *out describes it.
 */
enum hd_result	upload_store_create(struct db *, int64_t, const char *,
		    const unsigned char *, size_t, struct upload_row *);
/*
 * An attachment the actor may see (its ticket visible, its article not an
 * internal note for a référent); HD_NOTFOUND otherwise. Caller frees
 * with attachment_file_clear.
 */
enum hd_result	upload_store_download(struct db *, const struct ticket_actor *,
		    int64_t, struct attachment_file *);
void		attachment_file_clear(struct attachment_file *);

#endif
