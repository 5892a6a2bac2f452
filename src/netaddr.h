/*
 * IP addresses and CIDR lists from the configuration (metrics_allow,
 * trusted_proxies).
 */
#ifndef NETADDR_H
#define NETADDR_H

#include <stdbool.h>
#include <stddef.h>

/* Whether s is a literal IPv4 or IPv6 address. */
bool	netaddr_valid(const char *);
/* Whether ip is in a space- or comma-separated list of addresses and CIDRs. */
bool	netaddr_in_list(const char *, const char *);
/* Whether every entry of the list parses; *bad gets the first that does not. */
bool	netaddr_list_valid(const char *, char *, size_t);

#endif
