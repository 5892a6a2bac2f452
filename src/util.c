/*
 * Pure helpers shared by every module; nothing here touches the network or
 * the database, so all of it is covered by tests/test-util.c.
 */
#include "helpdesk.h"

#include <sys/random.h>

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "util.h"

int64_t
util_now_us(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ((int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000);
}

int64_t
util_mono_us(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000);
}

void
util_time_rfc3339(char *buf, size_t len, int64_t us)
{
	time_t		t = (time_t)(us / 1000000);
	struct tm	tm;

	gmtime_r(&t, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant). */
static int64_t
util_days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t		era;
	unsigned	yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return (era * 146097 + (int64_t)doe - 719468);
}

int
util_time_parse(const char *s, int64_t *out)
{
	static const unsigned mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	unsigned	y, mo, d, h = 0, mi = 0, sec = 0;
	int		n = 0;
	size_t		len = strlen(s);

	if (len == 10) {
		if (sscanf(s, "%4u-%2u-%2u%n", &y, &mo, &d, &n) != 3 || n != 10)
			return (-1);
	} else if (len == 20 || len == 19) {
		if (sscanf(s, "%4u-%2u-%2u%*1[T ]%2u:%2u:%2u%n", &y, &mo, &d, &h,
		    &mi, &sec, &n) != 6 || n != 19)
			return (-1);
		if (len == 20 && s[19] != 'Z')
			return (-1);
	} else
		return (-1);
	if (s[4] != '-' || s[7] != '-')
		return (-1);
	if (y < 1970 || y > 9999 || mo < 1 || mo > 12 || d < 1 ||
	    d > mdays[mo - 1] || h > 23 || mi > 59 || sec > 60)
		return (-1);
	if (mo == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return (-1);
	*out = util_days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec;
	return (0);
}

int
util_strtonum(const char *s, long long min, long long max, long long *out,
    const char **errstr)
{
	char		*end;
	long long	 v;

	*errstr = NULL;
	if (s == NULL || *s == '\0' || min > max) {
		*errstr = "invalid";
		return (-1);
	}
	/* No leading spaces or '+': "12" only, as a human would write it. */
	if (!(*s == '-' || (*s >= '0' && *s <= '9'))) {
		*errstr = "invalid";
		return (-1);
	}
	errno = 0;
	v = strtoll(s, &end, 10);
	if (*end != '\0' || end == s) {
		*errstr = "invalid";
		return (-1);
	}
	if ((errno == ERANGE && v == LLONG_MIN) || v < min) {
		*errstr = "too small";
		return (-1);
	}
	if ((errno == ERANGE && v == LLONG_MAX) || v > max) {
		*errstr = "too large";
		return (-1);
	}
	*out = v;
	return (0);
}

void
util_random_bytes(void *buf, size_t len)
{
	unsigned char	*p = buf;
	ssize_t		 n;

	while (len > 0) {
		n = getrandom(p, len, 0);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			fatal("getrandom");
		}
		p += n;
		len -= (size_t)n;
	}
}

void
util_base64url_encode(char *out, const unsigned char *in, size_t len)
{
	static const char	 tab[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	size_t			 i;
	uint32_t		 v;

	for (i = 0; i + 2 < len; i += 3) {
		v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 | in[i + 2];
		*out++ = tab[v >> 18 & 63];
		*out++ = tab[v >> 12 & 63];
		*out++ = tab[v >> 6 & 63];
		*out++ = tab[v & 63];
	}
	if (len - i == 1) {
		v = (uint32_t)in[i] << 16;
		*out++ = tab[v >> 18 & 63];
		*out++ = tab[v >> 12 & 63];
	} else if (len - i == 2) {
		v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8;
		*out++ = tab[v >> 18 & 63];
		*out++ = tab[v >> 12 & 63];
		*out++ = tab[v >> 6 & 63];
	}
	*out = '\0';
}

void
util_hex_encode(char *out, const unsigned char *in, size_t len)
{
	static const char	hex[] = "0123456789abcdef";
	size_t			i;

	for (i = 0; i < len; i++) {
		*out++ = hex[in[i] >> 4];
		*out++ = hex[in[i] & 15];
	}
	*out = '\0';
}

void
util_token_new(char out[UTIL_TOKEN_LEN + 1])
{
	unsigned char	raw[32];

	util_random_bytes(raw, sizeof(raw));
	util_base64url_encode(out, raw, sizeof(raw));
	explicit_bzero(raw, sizeof(raw));
}

bool
util_ct_equal(const void *a, const void *b, size_t len)
{
	const volatile unsigned char	*x = a, *y = b;
	unsigned char			 d = 0;
	size_t				 i;

	for (i = 0; i < len; i++)
		d |= x[i] ^ y[i];
	return (d == 0);
}

long
util_utf8_count(const char *s, size_t len)
{
	const unsigned char	*p = (const unsigned char *)s, *end = p + len;
	long			 n = 0;
	uint32_t		 cp;
	int			 more;

	while (p < end) {
		if (*p == 0)
			return (-1);
		if (*p < 0x80) {
			p++;
			n++;
			continue;
		}
		if ((*p & 0xe0) == 0xc0) {
			cp = *p & 0x1f;
			more = 1;
		} else if ((*p & 0xf0) == 0xe0) {
			cp = *p & 0x0f;
			more = 2;
		} else if ((*p & 0xf8) == 0xf0) {
			cp = *p & 0x07;
			more = 3;
		} else
			return (-1);
		if (end - p <= more)
			return (-1);
		for (int i = 1; i <= more; i++) {
			if ((p[i] & 0xc0) != 0x80)
				return (-1);
			cp = cp << 6 | (p[i] & 0x3f);
		}
		/* Overlong forms, surrogates and values past U+10FFFF. */
		if ((more == 1 && cp < 0x80) || (more == 2 && cp < 0x800) ||
		    (more == 3 && cp < 0x10000) || cp > 0x10ffff ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			return (-1);
		p += more + 1;
		n++;
	}
	return (n);
}

char *
util_trim(char *s)
{
	char	*end;

	while (*s == ' ' || *s == '\t')
		s++;
	end = s + strlen(s);
	while (end > s && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
		*--end = '\0';
	return (s);
}
