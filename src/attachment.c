/*
 * Attachment names and types: the pure half of uploads and downloads.
 * The bytes themselves live in MariaDB (upload-store.c).
 */
#include "helpdesk.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "attachment.h"
#include "xmalloc.h"

/* Decode one code point; -1 and one byte consumed when the bytes are not UTF-8. */
static long
attachment_utf8_next(const unsigned char *s, size_t len, size_t *used)
{
	uint32_t	cp;
	size_t		more, i;

	*used = 1;
	if (s[0] < 0x80)
		return (s[0]);
	if ((s[0] & 0xe0) == 0xc0) {
		cp = s[0] & 0x1f;
		more = 1;
	} else if ((s[0] & 0xf0) == 0xe0) {
		cp = s[0] & 0x0f;
		more = 2;
	} else if ((s[0] & 0xf8) == 0xf0) {
		cp = s[0] & 0x07;
		more = 3;
	} else
		return (-1);
	if (more >= len)
		return (-1);
	for (i = 1; i <= more; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return (-1);
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((more == 1 && cp < 0x80) || (more == 2 && cp < 0x800) ||
	    (more == 3 && cp < 0x10000) || cp > 0x10ffff ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return (-1);
	*used = more + 1;
	return ((long)cp);
}

static size_t
attachment_utf8_put(char *out, uint32_t cp)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return (1);
	}
	if (cp < 0x800) {
		out[0] = (char)(0xc0 | cp >> 6);
		out[1] = (char)(0x80 | (cp & 0x3f));
		return (2);
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xe0 | cp >> 12);
		out[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		return (3);
	}
	out[0] = (char)(0xf0 | cp >> 18);
	out[1] = (char)(0x80 | (cp >> 12 & 0x3f));
	out[2] = (char)(0x80 | (cp >> 6 & 0x3f));
	out[3] = (char)(0x80 | (cp & 0x3f));
	return (4);
}

/*
 * Compose a base letter and a combining mark into one code point (NFC)
 * for the accents of French and the other Latin-1 letters; 0 if none.
 */
static uint32_t
attachment_compose(uint32_t base, uint32_t mark)
{
	static const struct {
		uint32_t	mark;
		const char	*bases;
		const char	*composed;	/* Latin-1 code points, same order */
	} tab[] = {
		{ 0x300, "AEIOUaeiou", "\xc0\xc8\xcc\xd2\xd9\xe0\xe8\xec\xf2\xf9" },
		{ 0x301, "AEIOUYaeiouy", "\xc1\xc9\xcd\xd3\xda\xdd\xe1\xe9\xed\xf3\xfa\xfd" },
		{ 0x302, "AEIOUaeiou", "\xc2\xca\xce\xd4\xdb\xe2\xea\xee\xf4\xfb" },
		{ 0x303, "ANOano", "\xc3\xd1\xd5\xe3\xf1\xf5" },
		{ 0x308, "AEIOUaeiouy", "\xc4\xcb\xcf\xd6\xdc\xe4\xeb\xef\xf6\xfc\xff" },
		{ 0x30a, "Aa", "\xc5\xe5" },
		{ 0x327, "Cc", "\xc7\xe7" },
	};
	const char	*p;
	size_t		 i;

	if (base >= 0x80)
		return (0);
	for (i = 0; i < HD_NELEM(tab); i++) {
		if (tab[i].mark != mark)
			continue;
		if ((p = strchr(tab[i].bases, (int)base)) == NULL || base == 0)
			return (0);
		return ((unsigned char)tab[i].composed[p - tab[i].bases]);
	}
	return (0);
}

/* Characters that never belong in a stored name. */
static bool
attachment_drop(uint32_t cp)
{
	return (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) ||
	    cp == 0x061c || (cp >= 0x200b && cp <= 0x200f) ||
	    (cp >= 0x2028 && cp <= 0x202e) || (cp >= 0x2060 && cp <= 0x2069) ||
	    cp == 0xfeff || (cp >= 0xfff9 && cp <= 0xfffb));
}

char *
attachment_name_clean(const char *raw, size_t len)
{
	const unsigned char	*s = (const unsigned char *)raw;
	uint32_t		*cps, c;
	size_t			 i, n = 0, used, start, end, olen, ext, stem;
	char			*out, *o;
	long			 cp;

	cps = xreallocarray(NULL, len + 1, sizeof(*cps));
	for (i = 0; i < len; i += used) {
		if ((cp = attachment_utf8_next(s + i, len - i, &used)) < 0)
			continue;
		c = (uint32_t)cp;
		if (attachment_drop(c))
			continue;
		if (strchr("/\\:*?\"<>|", (int)c) != NULL && c < 0x80)
			c = '_';
		if (n > 0 && c >= 0x300 && c <= 0x36f) {
			uint32_t k = attachment_compose(cps[n - 1], c);

			if (k != 0) {
				cps[n - 1] = k;
				continue;
			}
		}
		cps[n++] = c;
	}
	/* No leading dots (hidden files, "..") or spaces; no trailing either. */
	for (start = 0; start < n && (cps[start] == '.' || cps[start] == ' ');
	    start++)
		;
	for (end = n; end > start && (cps[end - 1] == '.' ||
	    cps[end - 1] == ' '); end--)
		;
	out = xmalloc((end - start) * 4 + sizeof("fichier"));
	for (o = out, i = start; i < end; i++)
		o += attachment_utf8_put(o, cps[i]);
	*o = '\0';
	free(cps);
	olen = (size_t)(o - out);
	if (olen == 0) {
		memcpy(out, "fichier", sizeof("fichier"));
		return (out);
	}
	if (olen <= ATTACHMENT_NAME_MAX)
		return (out);
	/* Too long: keep a short extension, cut the stem on a character boundary. */
	ext = 0;
	for (i = olen; i > 0 && olen - i < 16; i--) {
		if (out[i - 1] == '.') {
			ext = olen - (i - 1);
			break;
		}
	}
	stem = ATTACHMENT_NAME_MAX - ext;
	while (stem > 0 && (out[stem] & 0xc0) == 0x80)
		stem--;
	/* A cut that ends the name on a space or a dot: those go too. */
	while (ext == 0 && stem > 0 && (out[stem - 1] == ' ' || out[stem - 1] == '.'))
		stem--;
	memmove(out + stem, out + olen - ext, ext);
	out[stem + ext] = '\0';
	return (out);
}

char *
attachment_disposition(const char *name)
{
	static const char	 hex[] = "0123456789ABCDEF";
	const unsigned char	*s = (const unsigned char *)name;
	size_t			 len = strlen(name), i, used;
	char			*ascii, *pct, *out, *a, *p;
	long			 cp;

	ascii = a = xmalloc(len + 1);
	pct = p = xmalloc(len * 3 + 1);
	for (i = 0; i < len; i += used) {
		cp = attachment_utf8_next(s + i, len - i, &used);
		if (cp >= 0x20 && cp < 0x7f && cp != '"' && cp != '\\' &&
		    cp != '%')
			*a++ = (char)cp;
		else
			*a++ = '_';
	}
	*a = '\0';
	for (i = 0; i < len; i++) {
		unsigned char c = s[i];

		/* RFC 8187 attr-char */
		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || strchr("!#$&+-.^_`|~", c) != NULL) {
			if (c != '\0')
				*p++ = (char)c;
		} else {
			*p++ = '%';
			*p++ = hex[c >> 4];
			*p++ = hex[c & 15];
		}
	}
	*p = '\0';
	xasprintf(&out, "attachment; filename=\"%s\"; filename*=UTF-8''%s",
	    ascii, pct);
	free(ascii);
	free(pct);
	return (out);
}

/* The extension of a name, lower case, into buf ("" when none). */
static void
attachment_extension(const char *name, char *buf, size_t len)
{
	const char	*dot = name != NULL ? strrchr(name, '.') : NULL;
	size_t		 i;

	buf[0] = '\0';
	if (dot == NULL || strlen(dot + 1) >= len)
		return;
	for (i = 0; dot[1 + i] != '\0'; i++)
		buf[i] = (char)((dot[1 + i] >= 'A' && dot[1 + i] <= 'Z') ?
		    dot[1 + i] + 32 : dot[1 + i]);
	buf[i] = '\0';
}

/*
 * Whether the bytes read as text: UTF-8, no NUL, few controls. Only the
 * first part of a large file is read (cut, a sequence may be incomplete).
 */
static bool
attachment_is_text(const unsigned char *b, size_t len, bool cut)
{
	size_t	i, used;
	long	cp;

	if (len == 0)
		return (false);
	for (i = 0; i < len; i += used) {
		cp = attachment_utf8_next(b + i, len - i, &used);
		if (cp < 0 && cut && len - i < 4)
			break;
		if (cp < 0 || (cp < 0x20 && cp != '\t' && cp != '\n' &&
		    cp != '\r' && cp != '\f') || cp == 0x7f)
			return (false);
	}
	return (true);
}

const char *
attachment_sniff(const unsigned char *b, size_t len, const char *name)
{
	static const struct {
		const char	*ext;
		const char	*type;
	} zipped[] = {
		{ "docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document" },
		{ "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" },
		{ "pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation" },
		{ "odt", "application/vnd.oasis.opendocument.text" },
		{ "ods", "application/vnd.oasis.opendocument.spreadsheet" },
		{ "odp", "application/vnd.oasis.opendocument.presentation" },
	}, ole[] = {
		{ "doc", "application/msword" },
		{ "xls", "application/vnd.ms-excel" },
		{ "ppt", "application/vnd.ms-powerpoint" },
		{ "msg", "application/vnd.ms-outlook" },
	};
	char	ext[8];
	size_t	i;

	attachment_extension(name, ext, sizeof(ext));
	if (len >= 5 && memcmp(b, "%PDF-", 5) == 0)
		return ("application/pdf");
	if (len >= 8 && memcmp(b, "\x89PNG\r\n\x1a\n", 8) == 0)
		return ("image/png");
	if (len >= 3 && memcmp(b, "\xff\xd8\xff", 3) == 0)
		return ("image/jpeg");
	if (len >= 6 && (memcmp(b, "GIF87a", 6) == 0 ||
	    memcmp(b, "GIF89a", 6) == 0))
		return ("image/gif");
	if (len >= 4 && memcmp(b, "PK\x03\x04", 4) == 0) {
		for (i = 0; i < HD_NELEM(zipped); i++) {
			if (strcmp(ext, zipped[i].ext) == 0)
				return (zipped[i].type);
		}
		return ("application/zip");
	}
	if (len >= 8 && memcmp(b, "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 8) == 0) {
		for (i = 0; i < HD_NELEM(ole); i++) {
			if (strcmp(ext, ole[i].ext) == 0)
				return (ole[i].type);
		}
		return ("application/octet-stream");
	}
	/* Text of any kind (HTML and SVG included) is only ever plain text. */
	if (attachment_is_text(b, len > 65536 ? 65536 : len, len > 65536))
		return ("text/plain");
	return ("application/octet-stream");
}

const char *
attachment_download_type(const char *stored)
{
	if (strcmp(stored, "image/png") == 0 || strcmp(stored, "image/jpeg") == 0 ||
	    strcmp(stored, "image/gif") == 0)
		return (stored);
	return ("application/octet-stream");
}
