/*
 * Reading one Internet message (RFC 5322, MIME): the headers the import
 * needs (Message-ID, Date, From, Subject, decoded from RFC 2047), the text
 * body in UTF-8 (quoted-printable and base64 undone; UTF-8, US-ASCII,
 * ISO-8859-1, ISO-8859-15 and windows-1252 read; HTML reduced to text
 * when there is no plain part), and the attached files. Pure code.
 */
#ifndef MAIL_H
#define MAIL_H

#include <stddef.h>
#include <stdint.h>

#include "helpdesk.h"

#define MAIL_MAX_FILES	32

struct mail_file {
	char		*filename;	/* as the mail names it, UTF-8 */
	unsigned char	*data;
	size_t		 len;
};

struct mail {
	char			*message_id;	/* without <>; NULL when absent */
	char			*subject;	/* UTF-8, one line; "" when absent */
	char			*from_name;	/* UTF-8; NULL when absent */
	char			*from_addr;	/* lower case; NULL when absent */
	int64_t			 date;		/* Unix time; 0 when unknown */
	char			*body;		/* UTF-8 text, LF line ends */
	struct mail_file	 files[MAIL_MAX_FILES];
	size_t			 nfiles;
	size_t			 files_dropped;	/* past MAIL_MAX_FILES */
};

/* Parse a message; never fails (what cannot be read stays empty). */
struct mail	*mail_parse(const char *, size_t);
void		 mail_free(struct mail *);

/* The pieces, for the tests. Returned strings are the caller's. */
/* Bytes in a charset to valid UTF-8 (unknown: UTF-8 if valid, else windows-1252). */
char		*mail_to_utf8(const char *, size_t, const char *);
/* An unfolded header value with RFC 2047 encoded words decoded, as UTF-8. */
char		*mail_decode_header(const char *);
/* RFC 5322 date to Unix time; -1 when unreadable. */
int		 mail_parse_date(const char *, int64_t *);
/* The date of an mbox "From " line (asctime form); -1 when unreadable. */
int		 mail_parse_from_line(const char *, int64_t *);
/* "Name <addr>", "addr (Name)" or "addr": name (may be NULL) and address. */
int		 mail_parse_address(const char *, char **, char **);
/* Transfer decodings; the result is NUL-terminated, *out_len excludes it. */
unsigned char	*mail_decode_qp(const char *, size_t, size_t *);
unsigned char	*mail_decode_base64(const char *, size_t, size_t *);
/* HTML to plain text: tags dropped, block ends as new lines, entities decoded. */
char		*mail_html_to_text(const char *);

#endif
