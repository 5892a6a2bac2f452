/*
 * Fuzz target: DNs brought to a comparable form (directory_dn_canonical,
 * used to compare a user's DN with group members). Properties: a DN that
 * comes out parses with libldap, keeps its number of RDNs, and is a fixed
 * point (canonical of canonical is itself), so that two spellings of one
 * DN compare equal and a different DN never collapses into it by a
 * second pass.
 */
#include "helpdesk.h"

#include <string.h>

#include <ldap.h>

#include "directory.h"
#include "fuzz.h"

static int
rdn_count(const char *dn, unsigned flags)
{
	LDAPDN	parsed = NULL;
	int	n;

	if (ldap_str2dn(dn, &parsed, flags) != LDAP_SUCCESS)
		return (-1);
	for (n = 0; parsed != NULL && parsed[n] != NULL; n++)
		;
	ldap_dnfree(parsed);
	return (n);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	*dn, *canon, *again;
	int	 n;

	dn = strndup((const char *)data, size);
	canon = directory_dn_canonical(dn);
	if (canon != NULL) {
		n = rdn_count(dn, LDAP_DN_FORMAT_LDAP);
		FUZZ_CHECK(n >= 0);
		FUZZ_CHECK(rdn_count(canon, LDAP_DN_FORMAT_LDAPV3) == n);
		again = directory_dn_canonical(canon);
		FUZZ_CHECK(again != NULL && strcmp(again, canon) == 0);
		free(again);
	}
	free(canon);
	free(dn);
	return (0);
}
