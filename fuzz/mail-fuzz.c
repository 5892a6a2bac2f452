/*
 * Fuzz target: the mailbox importer's reading (mbox.c, mail.c): an mbox
 * file split into messages, each parsed (headers, RFC 2047 words, MIME
 * parts, quoted-printable and base64, charsets, HTML reduced to text).
 * Properties: every message lies within the input, every text the
 * importer stores is valid UTF-8 without NUL, the subject, the address
 * and the Message-ID are one line each,
 * and no more than MAIL_MAX_FILES files are kept.
 */
#include "helpdesk.h"

#include <stdbool.h>
#include <string.h>

#include "fuzz.h"
#include "mail.h"
#include "mbox.h"
#include "util.h"

static void
check_text(const char *s, bool one_line)
{
	if (s == NULL)
		return;
	FUZZ_CHECK(util_utf8_count(s, strlen(s)) >= 0);
	if (one_line)
		FUZZ_CHECK(strpbrk(s, "\r\n") == NULL);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mbox	 mb;
	struct mail	*m;
	char		*msg, *from;
	size_t		 len, total = 0, i;
	int		 count = 0;

	mbox_init(&mb, (const char *)data, size);
	while (count < 64 && (msg = mbox_next(&mb, &len, &from)) != NULL) {
		total += len;
		FUZZ_CHECK(total <= size);
		m = mail_parse(msg, len);
		FUZZ_CHECK(m != NULL);
		check_text(m->subject, true);
		check_text(m->from_name, false);	/* the importer makes it one line */
		check_text(m->from_addr, true);
		check_text(m->message_id, true);
		check_text(m->body, false);
		FUZZ_CHECK(m->nfiles <= MAIL_MAX_FILES);
		/* File names go through attachment_name_clean (attachment-fuzz). */
		for (i = 0; i < m->nfiles; i++)
			check_text(m->files[i].filename, false);
		mail_free(m);
		free(msg);
		free(from);
		count++;
	}
	return (0);
}
