/*
 * The mbox splitter: a message starts at a line "From " at the start of
 * the file or after an empty line; inside a message, ">From ", ">>From "
 * and so on lose one ">" (mboxrd; for mboxo files this only touches
 * lines that were quoted when written).
 */
#include "helpdesk.h"

#include <string.h>

#include "mbox.h"
#include "xmalloc.h"

void
mbox_init(struct mbox *m, const char *buf, size_t len)
{
	m->buf = buf;
	m->len = len;
	m->pos = 0;
}

/* Whether the line at p starts a message (p is at a line start). */
static int
mbox_is_separator(const struct mbox *m, size_t p)
{
	if (m->len - p < 5 || memcmp(m->buf + p, "From ", 5) != 0)
		return (0);
	if (p == 0)
		return (1);
	/* After an empty line: "\n\n" or "\r\n\r\n". */
	if (p >= 2 && m->buf[p - 1] == '\n' && m->buf[p - 2] == '\n')
		return (1);
	return (p >= 3 && m->buf[p - 1] == '\n' && m->buf[p - 2] == '\r' &&
	    m->buf[p - 3] == '\n');
}

/* The end of the line starting at p (just past its '\n', or the end). */
static size_t
mbox_line_end(const struct mbox *m, size_t p)
{
	const char	*nl = memchr(m->buf + p, '\n', m->len - p);

	return (nl == NULL ? m->len : (size_t)(nl - m->buf) + 1);
}

char *
mbox_next(struct mbox *m, size_t *len, char **from_line)
{
	size_t	 p, end, start, body_end, n, q;
	char	*out;

	*from_line = NULL;
	/* Skip anything before the first separator (there should be nothing). */
	p = m->pos;
	while (p < m->len && !mbox_is_separator(m, p))
		p = mbox_line_end(m, p);
	if (p >= m->len) {
		m->pos = m->len;
		return (NULL);
	}
	end = mbox_line_end(m, p);
	n = end - p;
	while (n > 0 && (m->buf[p + n - 1] == '\n' || m->buf[p + n - 1] == '\r'))
		n--;
	*from_line = xstrndup(m->buf + p, n);
	start = end;
	/* The message runs to the next separator. */
	for (p = start; p < m->len && !mbox_is_separator(m, p);)
		p = mbox_line_end(m, p);
	m->pos = p;
	body_end = p;
	/* The empty line before the next "From " (or the end) belongs to the mbox. */
	n = body_end;
	if (n > start && m->buf[n - 1] == '\n') {
		n--;
		if (n > start && m->buf[n - 1] == '\r')
			n--;
		if (n > start && m->buf[n - 1] == '\n')
			body_end = n;
	}
	out = xmalloc(body_end - start + 1);
	n = 0;
	for (p = start; p < body_end; p = end) {
		end = mbox_line_end(m, p);
		if (end > body_end)
			end = body_end;
		q = p;
		/* ">From ", ">>From " ...: drop one '>'. */
		while (q < end && m->buf[q] == '>')
			q++;
		if (q > p && end - q >= 5 && memcmp(m->buf + q, "From ", 5) == 0)
			p++;
		memcpy(out + n, m->buf + p, end - p);
		n += end - p;
	}
	out[n] = '\0';
	*len = n;
	return (out);
}
