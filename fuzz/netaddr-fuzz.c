/*
 * Fuzz target: addresses and CIDR lists (metrics_allow, trusted_proxies,
 * the X-Forwarded-For entry). The input is "address\nlist". Properties:
 * a valid address is in a list made of itself, and stays in when other
 * valid entries are added; a list that is valid reports no bad entry.
 */
#include "helpdesk.h"

#include <string.h>

#include "fuzz.h"
#include "netaddr.h"
#include "xmalloc.h"

static void
check_entries(const char *list)
{
	char	*copy, *p, *entry;

	copy = xstrdup(list);
	for (p = copy; (entry = strsep(&p, " ,\t")) != NULL;) {
		if (*entry == '\0')
			continue;
		/* No address or CIDR is that long: it must not pass cut short. */
		FUZZ_CHECK(strlen(entry) < 64);
	}
	free(copy);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	*copy, *ip, *list, *both;
	char	 bad[64], empty[1] = "";
	bool	 list_ok;

	copy = strndup((const char *)data, size);
	ip = copy;
	if ((list = strchr(copy, '\n')) != NULL)
		*list++ = '\0';
	else
		list = empty;
	bad[0] = '\0';
	list_ok = netaddr_list_valid(list, bad, sizeof(bad));
	FUZZ_CHECK(list_ok ? bad[0] == '\0' : bad[0] != '\0');
	/* A list is valid only if every entry, whole, is an address or CIDR. */
	if (list_ok)
		check_entries(list);
	(void)netaddr_in_list(ip, list);
	if (netaddr_valid(ip)) {
		FUZZ_CHECK(strcspn(ip, " ,\t") == strlen(ip));
		FUZZ_CHECK(netaddr_list_valid(ip, bad, sizeof(bad)));
		FUZZ_CHECK(netaddr_in_list(ip, ip));
		if (list_ok) {
			xasprintf(&both, "%s %s", list, ip);
			FUZZ_CHECK(netaddr_in_list(ip, both));
			free(both);
		}
	}
	free(copy);
	return (0);
}
