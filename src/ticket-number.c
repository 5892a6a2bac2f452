/*
 * Znuny's DateChecksum ticket numbers: formatting, the check digit, and
 * finding a number in a mail subject. The counter is taken in the creating
 * transaction by ticket-store.c.
 */
#include "helpdesk.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "ticket-number.h"

int
ticket_number_checksum(const char *s, size_t len)
{
	unsigned	sum = 0, mult = 1;
	size_t		i;

	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return (-1);
		sum += mult * (unsigned)(s[i] - '0');
		mult = mult == 1 ? 2 : 1;
	}
	sum = 10 - sum % 10;
	return (sum == 10 ? 1 : (int)sum);
}

void
ticket_number_day(char day[9], int64_t t)
{
	time_t		tt = (time_t)t;
	struct tm	tm;
	char		buf[32];

	gmtime_r(&tt, &tm);
	snprintf(buf, sizeof(buf), "%04d%02d%02d", (tm.tm_year + 1900) % 10000,
	    tm.tm_mon + 1, tm.tm_mday);
	memcpy(day, buf, 8);
	day[8] = '\0';
}

int
ticket_number_format(char *buf, const char *day, int system_id,
    int64_t counter)
{
	int	n, c;

	if (strlen(day) != 8 || strspn(day, "0123456789") != 8 ||
	    system_id < 0 || system_id > 99 || counter < 1)
		return (-1);
	/* As Znuny: the system id as it is written, the counter padded to 5. */
	n = snprintf(buf, TICKET_NUMBER_SIZE, "%s%d%05lld", day, system_id,
	    (long long)counter);
	if (n < 0 || n >= TICKET_NUMBER_MAX)
		return (-1);
	if ((c = ticket_number_checksum(buf, (size_t)n)) < 0)
		return (-1);
	buf[n] = (char)('0' + c);
	buf[n + 1] = '\0';
	return (0);
}

bool
ticket_number_wellformed(const char *s)
{
	size_t	len = strlen(s);

	return (len >= TICKET_NUMBER_MIN && len <= TICKET_NUMBER_MAX &&
	    strspn(s, "0123456789") == len);
}

int
ticket_number_find(const char *subject, char *out)
{
	static const char	 tag[] = "ticket#";
	const char		*p;
	size_t			 n;

	for (p = subject; *p != '\0'; p++) {
		if (strncasecmp(p, tag, sizeof(tag) - 1) != 0)
			continue;
		p += sizeof(tag) - 1;
		n = strspn(p, "0123456789");
		if (n < TICKET_NUMBER_MIN || n > TICKET_NUMBER_MAX)
			continue;
		/* The digits end the number: "Ticket#123abc" is not one. */
		if (p[n] != '\0' && p[n] != ']' && p[n] != ' ' && p[n] != ')' &&
		    p[n] != ',' && p[n] != ':' && p[n] != '\t')
			continue;
		memcpy(out, p, n);
		out[n] = '\0';
		return (0);
	}
	return (-1);
}
