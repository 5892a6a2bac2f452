/*
 * Attachments without I/O: cleaning the file name a client or a mail gave
 * (SECURITY.md R-UP-1), the Content-Disposition of a download (RFC 6266,
 * RFC 8187), and the content type the server decides from the bytes
 * (R-UP-2: never the client's word).
 */
#ifndef ATTACHMENT_H
#define ATTACHMENT_H

#include <stdbool.h>
#include <stddef.h>

#include "helpdesk.h"

/* The longest stored name, in bytes. */
#define ATTACHMENT_NAME_MAX	255

/*
 * A safe file name from untrusted bytes: invalid UTF-8, controls, bidi
 * and zero-width characters dropped, / \ : * ? " < > | replaced by _,
 * common decomposed accents composed (NFC for French), leading dots and
 * spaces and trailing dots and spaces removed, at most 255 bytes (the
 * extension kept when it is short). Never empty ("fichier"). Caller frees.
 */
char		*attachment_name_clean(const char *, size_t);
/*
 * The Content-Disposition value for a download of a cleaned name:
 * attachment; filename="ascii fallback"; filename*=UTF-8''percent-encoded.
 * Caller frees.
 */
char		*attachment_disposition(const char *);
/*
 * The content type of these bytes, decided by their magic numbers (PDF,
 * PNG, JPEG, GIF, ZIP and the office formats inside it by extension, OLE2
 * office files, plain UTF-8 text); application/octet-stream otherwise.
 * Static string.
 */
const char	*attachment_sniff(const unsigned char *, size_t, const char *);
/*
 * The Content-Type a download is served with: the stored type only for
 * the raster images whose magic bytes were checked, else
 * application/octet-stream. Static string or the argument.
 */
const char	*attachment_download_type(const char *);

#endif
