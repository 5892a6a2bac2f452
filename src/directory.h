/*
 * The directory (LDAP): the only module that speaks LDAP. Logins
 * (search-then-bind), group membership, health checks and the sync.
 */
#ifndef DIRECTORY_H
#define DIRECTORY_H

#include <stdbool.h>
#include <stddef.h>

#include "helpdesk.h"

typedef struct ldap LDAP;
typedef struct ldapmsg LDAPMessage;

/* The longest login and password accepted before any LDAP traffic. */
#define DIRECTORY_LOGIN_MAX	128	/* code points */
#define DIRECTORY_PASSWORD_MAX	1024	/* code points */

/*
 * A person as the directory describes them: the entry found by a login, a
 * re-check or the sync. Every string is valid UTF-8, owned by the struct
 * and already cut to the size of its column in users/organisations.
 */
struct directory_entry {
	char		*dn;
	char		*login;		/* [ldap] login_attribute, canonical */
	char		*name;
	char		*email;
	char		*phone;		/* NULL when absent */
	char		*organisation;	/* NULL when absent */
	unsigned	 roles;		/* ROLE_* from the three groups */
};

/* Why a login failed, for the audit table and the log (never for users). */
enum directory_failure {
	DF_NONE = 0,
	DF_BAD_INPUT,		/* empty, too long, control characters */
	DF_UNKNOWN_LOGIN,	/* no entry */
	DF_AMBIGUOUS,		/* more than one entry */
	DF_WRONG_PASSWORD,
	DF_BIND_REFUSED,	/* another refusal of the bind (locked, ...) */
	DF_NO_LOGIN_ATTRIBUTE,	/* the entry lacks login_attribute */
};

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
/*
 * The worker's kept service handle (*reused) or a new one; give it back
 * with directory_service_release, keep = false after an outage so that
 * the next caller connects again. The same pair for the handle that only
 * checks passwords. directory_thread_end unbinds what a thread kept.
 */
LDAP		*directory_service_acquire(enum hd_result *, bool *);
void		 directory_service_release(LDAP *, bool);
LDAP		*directory_bind_acquire(int *, bool *);
void		 directory_bind_release(LDAP *, bool);
void		 directory_thread_end(void);
/* Whether a libldap result code means the server, not the request, failed. */
bool		 directory_rc_is_outage(int);

/* directory-filter.c */
/*
 * A filter assertion value escaped per RFC 4515: NUL ( ) * \ always,
 * control bytes too, and bytes >= 0x80 when the input is not valid UTF-8.
 * The caller frees the result.
 */
char		*directory_filter_escape(const char *, size_t);
/* The template with its one "%s" replaced by the escaped value; caller frees. */
char		*directory_filter_build(const char *, const char *, size_t);
/*
 * A DN in a form fit for comparing (RFC 4514 normalised, ASCII lower
 * case); NULL when it does not parse. The caller frees it.
 */
char		*directory_dn_canonical(const char *);

/* directory-entry.c */
void		 directory_entry_free(struct directory_entry *);
/* The attributes every user search asks for, into a NULL-terminated array. */
#define DIRECTORY_ATTRS_MAX	8
void		 directory_entry_attrs(char *[DIRECTORY_ATTRS_MAX]);
/*
 * Read entry e of a search on ld into a struct directory_entry (roles
 * from memberOf when configured and present, else *need_groups is set).
 * NULL when the entry lacks the login attribute.
 */
struct directory_entry *directory_entry_read(LDAP *, LDAPMessage *, bool *);
/*
 * The role each group of [ldap] gives, in one table for the login and
 * the sync; a group not configured has an empty or NULL dn.
 */
struct directory_role_group {
	unsigned	 role;
	const char	*dn;
};
#define DIRECTORY_ROLE_GROUPS	3
void		 directory_role_groups(
		    struct directory_role_group[DIRECTORY_ROLE_GROUPS]);
/*
 * Roles by searching each configured group for member=<dn>, on the
 * service handle. HD_OK or HD_UNAVAILABLE.
 */
enum hd_result	 directory_entry_group_roles(LDAP *, struct directory_entry *);

/* directory-login.c */
/*
 * Search-then-bind: HD_OK with *out (caller frees; its roles may be 0),
 * HD_UNAUTHORIZED with *why, or HD_UNAVAILABLE when no server answers.
 * The password is not copied and not kept.
 */
enum hd_result	 directory_login(const char *, const char *, size_t,
		     struct directory_entry **, enum directory_failure *);
/*
 * The entry at dn, if it still matches user_filter for login, as the
 * service account sees it now (a session re-check): HD_OK with *out,
 * HD_NOTFOUND when it is gone, HD_UNAVAILABLE.
 */
enum hd_result	 directory_lookup_dn(const char *, const char *,
		     struct directory_entry **);
/* The name of a failure for logs and the audit table. Static. */
const char	*directory_failure_name(enum directory_failure);

/* directory-sync.c */
/*
 * Everyone under user_base matching user_filter (any login) who is in one
 * of the three groups, read in pages of [ldap] page_size. HD_OK with an
 * array of *n entries in *out (the caller frees each, then the array);
 * otherwise HD_UNAVAILABLE or HD_INVALID with a sentence in *cause (the
 * caller frees it) and nothing in *out.
 */
enum hd_result	 directory_sync_read(struct directory_entry ***, size_t *,
		     char **);

#endif
