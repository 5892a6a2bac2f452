/*
 * Reading a mailbox file (mbox, the mboxo and mboxrd variants): split it
 * into messages and undo the ">From " quoting. Pure; the parsing of each
 * message is mail.c's job.
 */
#ifndef MBOX_H
#define MBOX_H

#include <stddef.h>

#include "helpdesk.h"

struct mbox {
	const char	*buf;
	size_t		 len;
	size_t		 pos;
};

/* Start reading buf (borrowed: it must outlive the reader). */
void	 mbox_init(struct mbox *, const char *, size_t);
/*
 * The next message without its "From " line, with ">From " unquoted, and
 * that "From " line in *from_line (both NUL-terminated; caller frees).
 * NULL at the end.
 */
char	*mbox_next(struct mbox *, size_t *, char **);

#endif
