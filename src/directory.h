/*
 * The directory (LDAP): the only module that speaks LDAP. Logins
 * (search-then-bind), group membership, health checks and the sync.
 */
#ifndef DIRECTORY_H
#define DIRECTORY_H

#include <stddef.h>

#include "helpdesk.h"

typedef struct ldap LDAP;

/*
 * Whether a directory server answers a bind as the service account, tried
 * over the configured URIs. Cached for two seconds per thread.
 */
enum hd_result	directory_ping(void);
/*
 * A new handle on the configured URIs with options and TLS set; NULL with
 * the libldap code in *rc. The caller frees it with ldap_unbind_ext_s.
 */
LDAP		*directory_connect(int *);
/* Simple bind; an empty DN or password is refused before any traffic. */
int		 directory_bind(LDAP *, const char *, const char *, size_t);
/* A handle bound as the service account; NULL and *res on failure. */
LDAP		*directory_service(enum hd_result *);

#endif
