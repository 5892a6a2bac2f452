/*
 * Address matching for the few places that trust a peer by its address.
 */
#include "helpdesk.h"

#include <arpa/inet.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netaddr.h"
#include "util.h"

struct netaddr {
	int		family;
	unsigned char	bytes[16];
	int		bits;
};

static const unsigned char v4mapped[12] = {
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff
};

static int
netaddr_parse(const char *s, struct netaddr *a, bool allow_prefix)
{
	char		 buf[64];
	char		*slash;
	long long	 bits;
	const char	*errstr;

	if (strlen(s) >= sizeof(buf))
		return (-1);
	snprintf(buf, sizeof(buf), "%s", s);
	slash = strchr(buf, '/');
	if (slash != NULL) {
		if (!allow_prefix)
			return (-1);
		*slash++ = '\0';
	}
	memset(a, 0, sizeof(*a));
	if (inet_pton(AF_INET, buf, a->bytes) == 1) {
		a->family = AF_INET;
		a->bits = 32;
	} else if (inet_pton(AF_INET6, buf, a->bytes) == 1) {
		a->family = AF_INET6;
		a->bits = 128;
	} else
		return (-1);
	if (slash != NULL) {
		if (util_strtonum(slash, 0, a->bits, &bits, &errstr) != 0)
			return (-1);
		a->bits = (int)bits;
	}
	/*
	 * ::ffff:a.b.c.d is an IPv4 address (the kernel shows IPv4 peers so
	 * on an IPv6 socket): compare it as one, however it was written.
	 */
	if (a->family == AF_INET6 && a->bits >= 96 &&
	    memcmp(a->bytes, v4mapped, sizeof(v4mapped)) == 0) {
		memmove(a->bytes, a->bytes + 12, 4);
		memset(a->bytes + 4, 0, 12);
		a->family = AF_INET;
		a->bits -= 96;
	}
	return (0);
}

bool
netaddr_valid(const char *s)
{
	struct netaddr	a;

	return (netaddr_parse(s, &a, false) == 0);
}

static bool
netaddr_match(const struct netaddr *net, const struct netaddr *ip)
{
	int	full = net->bits / 8, rest = net->bits % 8;

	if (net->family != ip->family)
		return (false);
	if (memcmp(net->bytes, ip->bytes, (size_t)full) != 0)
		return (false);
	if (rest == 0)
		return (true);
	return (((net->bytes[full] ^ ip->bytes[full]) &
	    (unsigned char)(0xff << (8 - rest))) == 0);
}

/*
 * Call fn on each entry of a list; stops when fn returns true. The buffer
 * is twice what the parser takes, so that an entry cut short here is
 * still too long to parse: a cut entry must fail, never match.
 */
static bool
netaddr_each(const char *list, bool (*fn)(const char *, void *), void *arg)
{
	char	 entry[128];
	size_t	 len;

	while (*list != '\0') {
		list += strspn(list, " ,\t");
		len = strcspn(list, " ,\t");
		if (len == 0)
			break;
		if (len >= sizeof(entry))
			len = sizeof(entry) - 1;
		memcpy(entry, list, len);
		entry[len] = '\0';
		list += len;
		if (fn(entry, arg))
			return (true);
	}
	return (false);
}

static bool
netaddr_entry_matches(const char *entry, void *arg)
{
	const struct netaddr	*ip = arg;
	struct netaddr		 net;

	return (netaddr_parse(entry, &net, true) == 0 && netaddr_match(&net, ip));
}

bool
netaddr_in_list(const char *ip, const char *list)
{
	struct netaddr	a;

	if (netaddr_parse(ip, &a, false) != 0)
		return (false);
	return (netaddr_each(list, netaddr_entry_matches, &a));
}

struct netaddr_bad {
	char	*buf;
	size_t	 len;
};

static bool
netaddr_entry_bad(const char *entry, void *arg)
{
	struct netaddr_bad	*b = arg;
	struct netaddr		 net;

	if (netaddr_parse(entry, &net, true) == 0)
		return (false);
	snprintf(b->buf, b->len, "%s", entry);
	return (true);
}

bool
netaddr_list_valid(const char *list, char *bad, size_t len)
{
	struct netaddr_bad	b = { bad, len };

	return (!netaddr_each(list, netaddr_entry_bad, &b));
}
