/*
 * One mail message, read for the import of the old mailbox: headers,
 * MIME structure, transfer encodings, charsets, the text body and the
 * files. Nothing here fails on bad input: what cannot be read is dropped
 * or kept as bytes, so one broken mail never stops an import.
 */
#include "helpdesk.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mail.h"
#include "util.h"
#include "xmalloc.h"

#define MAIL_MAX_DEPTH		8
#define MAIL_MAX_HEADERS	256

struct mail_header {
	char	*name;
	char	*value;		/* unfolded, raw bytes */
};

struct mail_entity {
	struct mail_header	 h[MAIL_MAX_HEADERS];
	int			 nh;
	const char		*body;
	size_t			 body_len;
};

/* A growing string. */
struct mail_buf {
	char	*s;
	size_t	 len;
	size_t	 cap;
};

static void
mail_buf_add(struct mail_buf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		b->cap = (b->len + n + 1) * 2;
		b->s = xrealloc(b->s, b->cap);
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

static void
mail_buf_addc(struct mail_buf *b, char c)
{
	mail_buf_add(b, &c, 1);
}

static void
mail_buf_put_cp(struct mail_buf *b, uint32_t cp)
{
	char	u[4];

	if (cp == 0)
		return;
	if (cp < 0x80) {
		u[0] = (char)cp;
		mail_buf_add(b, u, 1);
	} else if (cp < 0x800) {
		u[0] = (char)(0xc0 | cp >> 6);
		u[1] = (char)(0x80 | (cp & 0x3f));
		mail_buf_add(b, u, 2);
	} else if (cp < 0x10000) {
		u[0] = (char)(0xe0 | cp >> 12);
		u[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		u[2] = (char)(0x80 | (cp & 0x3f));
		mail_buf_add(b, u, 3);
	} else {
		u[0] = (char)(0xf0 | cp >> 18);
		u[1] = (char)(0x80 | (cp >> 12 & 0x3f));
		u[2] = (char)(0x80 | (cp >> 6 & 0x3f));
		u[3] = (char)(0x80 | (cp & 0x3f));
		mail_buf_add(b, u, 4);
	}
}

static char *
mail_buf_take(struct mail_buf *b)
{
	if (b->s == NULL)
		return (xstrdup(""));
	return (b->s);
}

/* ---------------------------------------------------------------- charsets */

static const uint16_t mail_cp1252[32] = {
	0x20ac, '?', 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021,
	0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, '?', 0x017d, '?',
	'?', 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014,
	0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, '?', 0x017e, 0x0178,
};

enum mail_charset { CS_UTF8, CS_CP1252, CS_LATIN9, CS_UNKNOWN };

static enum mail_charset
mail_charset_of(const char *name)
{
	static const char *const utf8[] = { "utf-8", "utf8", "us-ascii",
	    "ascii", "ansi_x3.4-1968", NULL };
	static const char *const latin1[] = { "iso-8859-1", "iso8859-1",
	    "iso_8859-1", "latin1", "latin-1", "l1", "windows-1252", "cp1252",
	    "x-cp1252", NULL };
	static const char *const latin9[] = { "iso-8859-15", "iso8859-15",
	    "iso_8859-15", "latin9", "latin-9", NULL };
	const char *const	*p;

	if (name == NULL || *name == '\0')
		return (CS_UNKNOWN);
	for (p = utf8; *p != NULL; p++)
		if (strcasecmp(name, *p) == 0)
			return (CS_UTF8);
	for (p = latin1; *p != NULL; p++)
		if (strcasecmp(name, *p) == 0)
			return (CS_CP1252);
	for (p = latin9; *p != NULL; p++)
		if (strcasecmp(name, *p) == 0)
			return (CS_LATIN9);
	return (CS_UNKNOWN);
}

/* Single-byte text to UTF-8 (windows-1252 is a superset of ISO-8859-1 in practice). */
static void
mail_single_byte(struct mail_buf *b, const unsigned char *s, size_t len,
    bool latin9)
{
	size_t		i;
	uint32_t	cp;

	for (i = 0; i < len; i++) {
		cp = s[i];
		if (cp >= 0x80 && cp < 0xa0)
			cp = mail_cp1252[cp - 0x80];
		else if (latin9) {
			switch (cp) {
			case 0xa4: cp = 0x20ac; break;
			case 0xa6: cp = 0x0160; break;
			case 0xa8: cp = 0x0161; break;
			case 0xb4: cp = 0x017d; break;
			case 0xb8: cp = 0x017e; break;
			case 0xbc: cp = 0x0152; break;
			case 0xbd: cp = 0x0153; break;
			case 0xbe: cp = 0x0178; break;
			}
		}
		mail_buf_put_cp(b, cp);
	}
}

char *
mail_to_utf8(const char *s, size_t len, const char *charset)
{
	struct mail_buf		 b = { NULL, 0, 0 };
	enum mail_charset	 cs = mail_charset_of(charset);
	size_t			 i;

	if (cs == CS_UTF8 || cs == CS_UNKNOWN) {
		/* Valid UTF-8 (NUL bytes aside) is kept; else it was not UTF-8. */
		bool ok = true;
		struct mail_buf tmp = { NULL, 0, 0 };

		for (i = 0; i < len; i++)
			if (s[i] != '\0')
				mail_buf_addc(&tmp, s[i]);
		if (tmp.s != NULL && util_utf8_count(tmp.s, tmp.len) < 0)
			ok = false;
		if (ok)
			return (mail_buf_take(&tmp));
		free(tmp.s);
		cs = CS_CP1252;
	}
	mail_single_byte(&b, (const unsigned char *)s, len, cs == CS_LATIN9);
	return (mail_buf_take(&b));
}

/* ---------------------------------------------------------------- encodings */

static int
mail_hex(int c)
{
	if (c >= '0' && c <= '9')
		return (c - '0');
	if (c >= 'A' && c <= 'F')
		return (c - 'A' + 10);
	if (c >= 'a' && c <= 'f')
		return (c - 'a' + 10);
	return (-1);
}

/* Quoted-printable; underscore is a space in RFC 2047 "Q" words. */
static unsigned char *
mail_qp(const char *s, size_t len, size_t *out_len, bool q_word)
{
	unsigned char	*out = xmalloc(len + 1), *o = out;
	size_t		 i;
	int		 h1, h2;

	for (i = 0; i < len; i++) {
		if (s[i] == '=') {
			if (i + 1 < len && s[i + 1] == '\n') {
				i++;
				continue;
			}
			if (i + 2 < len && s[i + 1] == '\r' && s[i + 2] == '\n') {
				i += 2;
				continue;
			}
			if (i + 2 < len && (h1 = mail_hex(s[i + 1])) >= 0 &&
			    (h2 = mail_hex(s[i + 2])) >= 0) {
				*o++ = (unsigned char)(h1 << 4 | h2);
				i += 2;
				continue;
			}
			*o++ = '=';
		} else if (q_word && s[i] == '_')
			*o++ = ' ';
		else
			*o++ = (unsigned char)s[i];
	}
	*o = '\0';
	*out_len = (size_t)(o - out);
	return (out);
}

unsigned char *
mail_decode_qp(const char *s, size_t len, size_t *out_len)
{
	return (mail_qp(s, len, out_len, false));
}

unsigned char *
mail_decode_base64(const char *s, size_t len, size_t *out_len)
{
	unsigned char	*out = xmalloc(len / 4 * 3 + 4), *o = out;
	uint32_t	 acc = 0;
	int		 bits = 0, v;
	size_t		 i;

	for (i = 0; i < len; i++) {
		char c = s[i];

		if (c >= 'A' && c <= 'Z')
			v = c - 'A';
		else if (c >= 'a' && c <= 'z')
			v = c - 'a' + 26;
		else if (c >= '0' && c <= '9')
			v = c - '0' + 52;
		else if (c == '+' || c == '-')
			v = 62;
		else if (c == '/' || c == '_')
			v = 63;
		else if (c == '=')
			break;
		else
			continue;
		acc = acc << 6 | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			*o++ = (unsigned char)(acc >> bits & 0xff);
		}
	}
	*o = '\0';
	*out_len = (size_t)(o - out);
	return (out);
}

/* ---------------------------------------------------------------- headers */

/* Decode one encoded word =?cs?E?text?= at s; its length in *used, or NULL. */
static char *
mail_encoded_word(const char *s, size_t *used)
{
	const char	*cs, *q1, *q2, *end;
	char		 charset[64];
	unsigned char	*raw;
	size_t		 rawlen;
	char		*out, *star;

	if (strncmp(s, "=?", 2) != 0)
		return (NULL);
	cs = s + 2;
	if ((q1 = strchr(cs, '?')) == NULL || q1 - cs >= (long)sizeof(charset) ||
	    q1 == cs)
		return (NULL);
	if ((q1[1] != 'B' && q1[1] != 'b' && q1[1] != 'Q' && q1[1] != 'q') ||
	    q1[2] != '?')
		return (NULL);
	q2 = q1 + 3;
	if ((end = strstr(q2, "?=")) == NULL)
		return (NULL);
	memcpy(charset, cs, (size_t)(q1 - cs));
	charset[q1 - cs] = '\0';
	/* RFC 2231 language: charset*lang */
	if ((star = strchr(charset, '*')) != NULL)
		*star = '\0';
	if (q1[1] == 'B' || q1[1] == 'b')
		raw = mail_decode_base64(q2, (size_t)(end - q2), &rawlen);
	else
		raw = mail_qp(q2, (size_t)(end - q2), &rawlen, true);
	out = mail_to_utf8((const char *)raw, rawlen, charset);
	free(raw);
	*used = (size_t)(end + 2 - s);
	return (out);
}

char *
mail_decode_header(const char *v)
{
	struct mail_buf	 b = { NULL, 0, 0 }, raw = { NULL, 0, 0 };
	const char	*p = v, *ws;
	char		*w, *plain;
	size_t		 used;
	bool		 last_encoded = false;

	while (*p != '\0') {
		if ((w = mail_encoded_word(p, &used)) != NULL) {
			/* Raw text before it, then the word itself. */
			if (raw.len > 0) {
				plain = mail_to_utf8(raw.s, raw.len, NULL);
				mail_buf_add(&b, plain, strlen(plain));
				free(plain);
				raw.len = 0;
			}
			mail_buf_add(&b, w, strlen(w));
			free(w);
			p += used;
			last_encoded = true;
			continue;
		}
		/* White space between two encoded words is dropped. */
		if (last_encoded && (*p == ' ' || *p == '\t')) {
			for (ws = p; *ws == ' ' || *ws == '\t'; ws++)
				;
			if ((w = mail_encoded_word(ws, &used)) != NULL) {
				free(w);
				p = ws;
				continue;
			}
		}
		last_encoded = false;
		mail_buf_addc(&raw, *p == '\t' ? ' ' : *p);
		p++;
	}
	if (raw.len > 0) {
		plain = mail_to_utf8(raw.s, raw.len, NULL);
		mail_buf_add(&b, plain, strlen(plain));
		free(plain);
	}
	free(raw.s);
	return (mail_buf_take(&b));
}

/* Read the header block at buf; e->body points past the empty line. */
static void
mail_entity_parse(struct mail_entity *e, const char *buf, size_t len)
{
	size_t		 p = 0, end, vstart;
	const char	*nl, *colon;
	char		*name;
	struct mail_buf	 val;

	memset(e, 0, sizeof(*e));
	while (p < len) {
		nl = memchr(buf + p, '\n', len - p);
		end = nl != NULL ? (size_t)(nl - buf) : len;
		/* The empty line ends the headers. */
		if (end == p || (end == p + 1 && buf[p] == '\r')) {
			p = nl != NULL ? end + 1 : len;
			break;
		}
		colon = memchr(buf + p, ':', end - p);
		if (colon == NULL || buf[p] == ' ' || buf[p] == '\t') {
			/* Not a header: a body without headers, or stray text. */
			if (e->nh == 0)
				break;
			p = nl != NULL ? end + 1 : len;
			continue;
		}
		memset(&val, 0, sizeof(val));
		name = xstrndup(buf + p, (size_t)(colon - (buf + p)));
		vstart = (size_t)(colon - buf) + 1;
		for (;;) {
			size_t vend = end;

			if (vend > vstart && buf[vend - 1] == '\r')
				vend--;
			mail_buf_add(&val, buf + vstart, vend - vstart);
			p = nl != NULL ? end + 1 : len;
			/* A line starting with white space continues the header. */
			if (p >= len || (buf[p] != ' ' && buf[p] != '\t'))
				break;
			nl = memchr(buf + p, '\n', len - p);
			end = nl != NULL ? (size_t)(nl - buf) : len;
			vstart = p;
		}
		if (e->nh < MAIL_MAX_HEADERS) {
			e->h[e->nh].name = name;
			e->h[e->nh].value = xstrdup(val.s != NULL ?
			    util_trim(val.s) : "");
			e->nh++;
		} else
			free(name);
		free(val.s);
	}
	e->body = buf + (p > len ? len : p);
	e->body_len = p > len ? 0 : len - p;
}

static void
mail_entity_free(struct mail_entity *e)
{
	int	i;

	for (i = 0; i < e->nh; i++) {
		free(e->h[i].name);
		free(e->h[i].value);
	}
}

/* The first header of that name (raw value), or NULL. Borrowed. */
static const char *
mail_header(const struct mail_entity *e, const char *name)
{
	int	i;

	for (i = 0; i < e->nh; i++) {
		if (strcasecmp(e->h[i].name, name) == 0)
			return (e->h[i].value);
	}
	return (NULL);
}

/*
 * The value of a MIME parameter (boundary, charset, name, filename) in a
 * Content-Type or Content-Disposition value; RFC 2231 "name*=cs''pct" is
 * decoded to UTF-8. Caller frees; NULL when absent.
 */
static char *
mail_param(const char *v, const char *want)
{
	const char	*p = v, *k, *ke, *vs;
	struct mail_buf	 b;
	size_t		 wl = strlen(want);
	bool		 ext;

	if (v == NULL)
		return (NULL);
	while ((p = strchr(p, ';')) != NULL) {
		p++;
		while (*p == ' ' || *p == '\t')
			p++;
		k = p;
		while (*p != '\0' && *p != '=' && *p != ';')
			p++;
		if (*p != '=')
			continue;
		ke = p;
		while (ke > k && (ke[-1] == ' ' || ke[-1] == '\t'))
			ke--;
		ext = ke > k && ke[-1] == '*';
		if ((size_t)(ke - k - ext) != wl || strncasecmp(k, want, wl) != 0) {
			/* Skip a quoted value so that its ';' do not confuse us. */
			p++;
			while (*p == ' ')
				p++;
			if (*p == '"') {
				for (p++; *p != '\0' && *p != '"'; p++)
					if (*p == '\\' && p[1] != '\0')
						p++;
			}
			continue;
		}
		p++;
		while (*p == ' ' || *p == '\t')
			p++;
		memset(&b, 0, sizeof(b));
		if (*p == '"') {
			for (p++; *p != '\0' && *p != '"'; p++) {
				if (*p == '\\' && p[1] != '\0')
					p++;
				mail_buf_addc(&b, *p);
			}
		} else {
			for (vs = p; *p != '\0' && *p != ';' && *p != ' ' &&
			    *p != '\t'; p++)
				;
			mail_buf_add(&b, vs, (size_t)(p - vs));
		}
		if (b.s == NULL)
			return (xstrdup(""));
		if (ext) {
			/* charset'lang'percent-encoded */
			char *q1 = strchr(b.s, '\''), *q2, *dec;
			struct mail_buf raw = { NULL, 0, 0 };

			if (q1 != NULL && (q2 = strchr(q1 + 1, '\'')) != NULL) {
				*q1 = '\0';
				for (k = q2 + 1; *k != '\0'; k++) {
					int h1, h2;

					if (*k == '%' && (h1 = mail_hex(k[1])) >= 0 &&
					    (h2 = mail_hex(k[2])) >= 0) {
						mail_buf_addc(&raw, (char)(h1 << 4 | h2));
						k += 2;
					} else
						mail_buf_addc(&raw, *k);
				}
				dec = mail_to_utf8(raw.s != NULL ? raw.s : "",
				    raw.len, b.s);
				free(raw.s);
				free(b.s);
				return (dec);
			}
		}
		{
			char *dec = mail_decode_header(b.s);

			free(b.s);
			return (dec);
		}
	}
	return (NULL);
}

/* "text/plain; charset=..." -> "text/plain" in lower case, into buf. */
static void
mail_media_type(const char *v, char *buf, size_t len)
{
	size_t	i = 0;

	if (v == NULL) {
		snprintf(buf, len, "text/plain");
		return;
	}
	while (*v == ' ')
		v++;
	for (; *v != '\0' && *v != ';' && *v != ' ' && i + 1 < len; v++)
		buf[i++] = (char)tolower((unsigned char)*v);
	buf[i] = '\0';
	if (strchr(buf, '/') == NULL)
		snprintf(buf, len, "text/plain");
}

/* ---------------------------------------------------------------- dates */

int
mail_parse_date(const char *s, int64_t *out)
{
	static const char *const months[] = { "jan", "feb", "mar", "apr",
	    "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec" };
	static const struct { const char *name; int off; } zones[] = {
		{ "UT", 0 }, { "UTC", 0 }, { "GMT", 0 }, { "Z", 0 },
		{ "EST", -500 }, { "EDT", -400 }, { "CST", -600 },
		{ "CDT", -500 }, { "MST", -700 }, { "MDT", -600 },
		{ "PST", -800 }, { "PDT", -700 }, { "CET", 100 },
		{ "CEST", 200 },
	};
	char		 buf[128], mon[16], zone[16], iso[32], *p, *q;
	int		 day, year, h, mi, sec = 0, n, m, off = 0, depth = 0;
	int64_t		 t;
	size_t		 i;

	/* Drop comments and the day name. */
	for (p = buf, q = (char *)(uintptr_t)s; *q != '\0' &&
	    p < buf + sizeof(buf) - 1; q++) {
		if (*q == '(')
			depth++;
		else if (*q == ')' && depth > 0)
			depth--;
		else if (depth == 0)
			*p++ = *q;
	}
	*p = '\0';
	p = buf;
	while (*p == ' ' || *p == '\t')
		p++;
	if ((q = strchr(p, ',')) != NULL)
		p = q + 1;
	zone[0] = '\0';
	n = 0;
	if (sscanf(p, " %d %15s %d %d:%d:%d %15s%n", &day, mon, &year, &h, &mi,
	    &sec, zone, &n) < 6) {
		sec = 0;
		zone[0] = '\0';
		if (sscanf(p, " %d %15s %d %d:%d %15s", &day, mon, &year, &h, &mi,
		    zone) < 5)
			return (-1);
	}
	for (m = 0; m < 12; m++) {
		if (strncasecmp(mon, months[m], 3) == 0)
			break;
	}
	if (m == 12)
		return (-1);
	if (year < 50)
		year += 2000;
	else if (year < 1000)
		year += 1900;
	if (zone[0] == '+' || zone[0] == '-') {
		if (strlen(zone) != 5 || strspn(zone + 1, "0123456789") != 4)
			return (-1);
		off = atoi(zone + 1);
		if (zone[0] == '-')
			off = -off;
	} else {
		for (i = 0; i < HD_NELEM(zones); i++) {
			if (strcasecmp(zone, zones[i].name) == 0) {
				off = zones[i].off;
				break;
			}
		}
	}
	snprintf(iso, sizeof(iso), "%04d-%02d-%02d %02d:%02d:%02d", year, m + 1,
	    day, h, mi, sec > 59 ? 59 : sec);
	if (util_time_parse(iso, &t) != 0)
		return (-1);
	t -= (int64_t)(off / 100) * 3600 + (int64_t)(off % 100) * 60;
	*out = t;
	return (0);
}

int
mail_parse_from_line(const char *s, int64_t *out)
{
	static const char *const months[] = { "Jan", "Feb", "Mar", "Apr",
	    "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	const char	*p;
	char		 wday[8], mon[8], iso[32];
	int		 day, h, mi, sec, year, m;

	if (strncmp(s, "From ", 5) != 0)
		return (-1);
	/* "From sender Day Mon DD HH:MM:SS YYYY": the date follows the sender. */
	p = s + 5;
	while (*p == ' ')
		p++;
	while (*p != '\0' && *p != ' ')
		p++;
	if (sscanf(p, " %3s %3s %d %d:%d:%d %d", wday, mon, &day, &h, &mi, &sec,
	    &year) != 7)
		return (-1);
	for (m = 0; m < 12; m++) {
		if (strcmp(mon, months[m]) == 0)
			break;
	}
	if (m == 12)
		return (-1);
	snprintf(iso, sizeof(iso), "%04d-%02d-%02d %02d:%02d:%02d", year, m + 1,
	    day, h, mi, sec > 59 ? 59 : sec);
	return (util_time_parse(iso, out));
}

/* ---------------------------------------------------------------- addresses */

static char *
mail_strip(const char *s, size_t n)
{
	while (n > 0 && (*s == ' ' || *s == '\t' || *s == '"')) {
		s++;
		n--;
	}
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '"'))
		n--;
	return (xstrndup(s, n));
}

int
mail_parse_address(const char *v, char **name, char **addr)
{
	const char	*lt, *gt, *lp, *rp;
	char		*raw_name = NULL, *a, *p;

	*name = NULL;
	*addr = NULL;
	if ((lt = strchr(v, '<')) != NULL && (gt = strchr(lt, '>')) != NULL) {
		a = mail_strip(lt + 1, (size_t)(gt - lt - 1));
		raw_name = mail_strip(v, (size_t)(lt - v));
	} else if ((lp = strchr(v, '(')) != NULL &&
	    (rp = strchr(lp, ')')) != NULL) {
		a = mail_strip(v, (size_t)(lp - v));
		raw_name = mail_strip(lp + 1, (size_t)(rp - lp - 1));
	} else {
		const char *comma = strchr(v, ',');

		a = mail_strip(v, comma != NULL ? (size_t)(comma - v) : strlen(v));
	}
	for (p = a; *p != '\0'; p++)
		*p = (char)tolower((unsigned char)*p);
	/* Controls, or raw 8-bit bytes that are not UTF-8, make no address. */
	if (strchr(a, '@') == NULL || strpbrk(a, " \t\r\n\v\f") != NULL ||
	    util_utf8_count(a, strlen(a)) < 0) {
		free(a);
		free(raw_name);
		return (-1);
	}
	*addr = a;
	if (raw_name != NULL && *raw_name != '\0')
		*name = mail_decode_header(raw_name);
	free(raw_name);
	return (0);
}

/* ---------------------------------------------------------------- HTML */

static const struct {
	const char	*name;
	uint32_t	 cp;
} mail_entities[] = {
	{ "amp", '&' }, { "lt", '<' }, { "gt", '>' }, { "quot", '"' },
	{ "apos", '\'' }, { "nbsp", 0xa0 }, { "eacute", 0xe9 },
	{ "egrave", 0xe8 }, { "ecirc", 0xea }, { "agrave", 0xe0 },
	{ "acirc", 0xe2 }, { "ccedil", 0xe7 }, { "ocirc", 0xf4 },
	{ "ucirc", 0xfb }, { "ugrave", 0xf9 }, { "icirc", 0xee },
	{ "iuml", 0xef }, { "euml", 0xeb }, { "Eacute", 0xc9 },
	{ "laquo", 0xab }, { "raquo", 0xbb }, { "euro", 0x20ac },
	{ "rsquo", 0x2019 }, { "lsquo", 0x2018 }, { "hellip", 0x2026 },
	{ "oelig", 0x153 }, { "deg", 0xb0 },
};

char *
mail_html_to_text(const char *s)
{
	struct mail_buf	 b = { NULL, 0, 0 };
	const char	*p = s, *e;
	char		 tag[16];
	size_t		 i, n;
	bool		 space = false;

	while (*p != '\0') {
		if (*p == '<') {
			bool close = p[1] == '/';

			for (i = 0, e = p + 1 + close; isalnum((unsigned char)*e) &&
			    i + 1 < sizeof(tag); e++)
				tag[i++] = (char)tolower((unsigned char)*e);
			tag[i] = '\0';
			if (!close && (strcmp(tag, "script") == 0 ||
			    strcmp(tag, "style") == 0 || strcmp(tag, "head") == 0)) {
				char end[24];

				snprintf(end, sizeof(end), "</%s", tag);
				e = strcasestr(p, end);
				p = e != NULL ? e : p + strlen(p);
				continue;
			}
			if ((e = strchr(p, '>')) == NULL)
				break;
			p = e + 1;
			if (strcmp(tag, "br") == 0 || strcmp(tag, "p") == 0 ||
			    strcmp(tag, "div") == 0 || strcmp(tag, "tr") == 0 ||
			    strcmp(tag, "li") == 0 || strcmp(tag, "blockquote") == 0 ||
			    (tag[0] == 'h' && tag[1] >= '1' && tag[1] <= '6')) {
				while (b.len > 0 && b.s[b.len - 1] == ' ')
					b.len--;
				if (!(b.len >= 2 && b.s[b.len - 1] == '\n' &&
				    b.s[b.len - 2] == '\n') && b.len > 0)
					mail_buf_addc(&b, '\n');
				space = false;
			} else if (tag[0] != '\0')
				space = b.len > 0 && b.s[b.len - 1] != '\n';
			continue;
		}
		if (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n') {
			space = b.len > 0 && b.s[b.len - 1] != '\n';
			p++;
			continue;
		}
		if (space) {
			mail_buf_addc(&b, ' ');
			space = false;
		}
		if (*p == '&') {
			uint32_t cp = 0;

			if (p[1] == '#') {
				char *end;
				unsigned long v = p[2] == 'x' || p[2] == 'X' ?
				    strtoul(p + 3, &end, 16) : strtoul(p + 2, &end, 10);

				if (*end == ';' && v > 0 && v <= 0x10ffff &&
				    !(v >= 0xd800 && v <= 0xdfff)) {
					mail_buf_put_cp(&b, (uint32_t)v);
					p = end + 1;
					continue;
				}
			}
			for (i = 0; i < HD_NELEM(mail_entities); i++) {
				n = strlen(mail_entities[i].name);
				if (strncmp(p + 1, mail_entities[i].name, n) == 0 &&
				    p[1 + n] == ';') {
					cp = mail_entities[i].cp;
					p += n + 2;
					break;
				}
			}
			if (cp != 0) {
				mail_buf_put_cp(&b, cp == 0xa0 ? ' ' : cp);
				continue;
			}
		}
		mail_buf_addc(&b, *p++);
	}
	while (b.len > 0 && (b.s[b.len - 1] == '\n' || b.s[b.len - 1] == ' '))
		b.s[--b.len] = '\0';
	return (mail_buf_take(&b));
}

/* ---------------------------------------------------------------- MIME walk */

struct mail_walk {
	struct mail	*m;
	struct mail_buf	 plain;
	bool		 have_plain;
	char		*html;
	int		 parts;
};

/* The decoded bytes of a leaf entity. */
static unsigned char *
mail_entity_bytes(const struct mail_entity *e, size_t *len)
{
	const char	*cte = mail_header(e, "Content-Transfer-Encoding");

	if (cte != NULL && strncasecmp(cte, "base64", 6) == 0)
		return (mail_decode_base64(e->body, e->body_len, len));
	if (cte != NULL && strncasecmp(cte, "quoted-printable", 16) == 0)
		return (mail_decode_qp(e->body, e->body_len, len));
	*len = e->body_len;
	return (xmemdup(e->body, e->body_len + 1));
}

/* Text for an article: LF line ends, no controls but tab and new line. */
static char *
mail_clean_text(char *s)
{
	char	*r, *w;

	for (r = w = s; *r != '\0'; r++) {
		if (*r == '\r') {
			if (r[1] != '\n')
				*w++ = '\n';
			continue;
		}
		if ((unsigned char)*r < 0x20 && *r != '\n' && *r != '\t')
			continue;
		if (*r == 0x7f)
			continue;
		*w++ = *r;
	}
	*w = '\0';
	return (s);
}

static void mail_walk_entity(struct mail_walk *, const char *, size_t, int);

static void
mail_add_file(struct mail_walk *w, char *name, unsigned char *data, size_t len)
{
	struct mail	*m = w->m;

	if (m->nfiles == MAIL_MAX_FILES) {
		m->files_dropped++;
		free(name);
		free(data);
		return;
	}
	m->files[m->nfiles].filename = name;
	m->files[m->nfiles].data = data;
	m->files[m->nfiles].len = len;
	m->nfiles++;
}

/* Split a multipart body on its boundary and walk each part. */
static void
mail_walk_multipart(struct mail_walk *w, const struct mail_entity *e,
    const char *boundary, int depth)
{
	const char	*p = e->body, *end = e->body + e->body_len;
	const char	*part = NULL, *line_end;
	size_t		 bl = strlen(boundary);

	while (p < end) {
		line_end = memchr(p, '\n', (size_t)(end - p));
		if (line_end == NULL)
			line_end = end;
		if ((size_t)(line_end - p) >= bl + 2 && p[0] == '-' &&
		    p[1] == '-' && strncmp(p + 2, boundary, bl) == 0) {
			bool last = (size_t)(line_end - p) >= bl + 4 &&
			    p[bl + 2] == '-' && p[bl + 3] == '-';

			if (part != NULL) {
				/* The CRLF before the delimiter belongs to it. */
				const char *pe = p;

				if (pe > part && pe[-1] == '\n')
					pe--;
				if (pe > part && pe[-1] == '\r')
					pe--;
				mail_walk_entity(w, part, (size_t)(pe - part),
				    depth + 1);
			}
			if (last)
				return;
			part = line_end < end ? line_end + 1 : end;
		}
		p = line_end < end ? line_end + 1 : end;
	}
	/* A missing closing delimiter: take the last part as it is. */
	if (part != NULL && part < end)
		mail_walk_entity(w, part, (size_t)(end - part), depth + 1);
}

static void
mail_walk_entity(struct mail_walk *w, const char *buf, size_t len, int depth)
{
	struct mail_entity	 e;
	const char		*ct, *cd;
	char			 type[64];
	char			*boundary = NULL, *charset = NULL, *name = NULL;
	char			*text;
	unsigned char		*bytes;
	size_t			 n;
	bool			 attachment;

	if (depth > MAIL_MAX_DEPTH)
		return;
	mail_entity_parse(&e, buf, len);
	w->parts++;
	ct = mail_header(&e, "Content-Type");
	cd = mail_header(&e, "Content-Disposition");
	mail_media_type(ct, type, sizeof(type));
	if (strncmp(type, "multipart/", 10) == 0 &&
	    (boundary = mail_param(ct, "boundary")) != NULL && *boundary != '\0') {
		mail_walk_multipart(w, &e, boundary, depth);
		goto out;
	}
	name = mail_param(cd, "filename");
	if (name == NULL)
		name = mail_param(ct, "name");
	attachment = name != NULL || (cd != NULL &&
	    strncasecmp(cd, "attachment", 10) == 0);
	if (strcmp(type, "message/rfc822") == 0) {
		mail_add_file(w, name != NULL ? name : xstrdup("message.eml"),
		    xmemdup(e.body, e.body_len + 1), e.body_len);
		name = NULL;
		goto out;
	}
	bytes = mail_entity_bytes(&e, &n);
	if (!attachment && strcmp(type, "text/plain") == 0) {
		charset = mail_param(ct, "charset");
		text = mail_clean_text(mail_to_utf8((char *)bytes, n, charset));
		free(bytes);
		if (w->have_plain && *text != '\0')
			mail_buf_add(&w->plain, "\n\n", 2);
		mail_buf_add(&w->plain, text, strlen(text));
		w->have_plain = true;
		free(text);
		goto out;
	}
	if (!attachment && strcmp(type, "text/html") == 0 && w->html == NULL) {
		charset = mail_param(ct, "charset");
		text = mail_to_utf8((char *)bytes, n, charset);
		free(bytes);
		w->html = mail_clean_text(mail_html_to_text(text));
		free(text);
		goto out;
	}
	if (!attachment && strncmp(type, "text/", 5) == 0) {
		free(bytes);
		goto out;
	}
	mail_add_file(w, name != NULL ? name : xstrdup("piece-jointe"), bytes, n);
	name = NULL;
out:
	free(boundary);
	free(charset);
	free(name);
	mail_entity_free(&e);
}

struct mail *
mail_parse(const char *buf, size_t len)
{
	struct mail		*m = xcalloc(1, sizeof(*m));
	struct mail_entity	 e;
	struct mail_walk	 w;
	const char		*v;
	char			*s, *p;
	size_t			 n;

	mail_entity_parse(&e, buf, len);
	if ((v = mail_header(&e, "Message-ID")) != NULL) {
		while (*v == ' ' || *v == '<')
			v++;
		n = strcspn(v, "> \t");
		/* Compared and logged: only when it is one line of text. */
		if (n > 0 && util_utf8_count(v, n) > 0 &&
		    strcspn(v, "\r\n") >= n)
			m->message_id = xstrndup(v, n);
	}
	s = mail_decode_header((v = mail_header(&e, "Subject")) != NULL ? v : "");
	/* A title is one line. */
	for (p = s; *p != '\0'; p++) {
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = ' ';
	}
	m->subject = xstrdup(util_trim(s));
	free(s);
	if ((v = mail_header(&e, "From")) != NULL)
		(void)mail_parse_address(v, &m->from_name, &m->from_addr);
	if ((v = mail_header(&e, "Date")) == NULL ||
	    mail_parse_date(v, &m->date) != 0)
		m->date = 0;
	mail_entity_free(&e);

	memset(&w, 0, sizeof(w));
	w.m = m;
	mail_walk_entity(&w, buf, len, 0);
	if (w.have_plain) {
		m->body = mail_buf_take(&w.plain);
		free(w.html);
	} else if (w.html != NULL)
		m->body = w.html;
	else
		m->body = xstrdup("");
	return (m);
}

void
mail_free(struct mail *m)
{
	size_t	i;

	if (m == NULL)
		return;
	free(m->message_id);
	free(m->subject);
	free(m->from_name);
	free(m->from_addr);
	free(m->body);
	for (i = 0; i < m->nfiles; i++) {
		free(m->files[i].filename);
		free(m->files[i].data);
	}
	free(m);
}
