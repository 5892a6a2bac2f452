/*
 * The users and organisations tables as copies of the directory: create
 * or update a person from a directory entry (at login and in the sync),
 * disable one who lost access, and read one back.
 */
#ifndef USER_STORE_H
#define USER_STORE_H

#include <stdbool.h>
#include <stdint.h>

#include "helpdesk.h"

struct db;
struct directory_entry;
struct user;

enum user_store_change {
	USER_UNCHANGED,
	USER_CREATED,
	USER_UPDATED,
};

/*
 * Create or update the row of the entry's canonical login (and its
 * organisation). at_login also stamps last_login. *id gets the user id,
 * *change what was done (both may be NULL).
 */
enum hd_result	user_store_upsert(struct db *, const struct directory_entry *,
		    bool, int64_t *, enum user_store_change *);
/* The user with its organisation's name; caller frees with user_free. */
enum hd_result	user_store_get(struct db *, int64_t, struct user **);
/* The id of login and whether it is active; HD_NOTFOUND when unknown. */
enum hd_result	user_store_find(struct db *, const char *, int64_t *, bool *);
/*
 * Access lost (no group, gone from the directory): the row is kept with
 * its tickets but made inactive, and every session and token of it ends.
 * *changed tells whether it was active until now (may be NULL).
 */
enum hd_result	user_store_disable(struct db *, int64_t, bool *);
enum hd_result	user_store_set_roles(struct db *, int64_t, unsigned);
enum hd_result	user_store_set_lang(struct db *, int64_t, const char *);
/* The DN and login kept for user id; caller frees both. */
enum hd_result	user_store_directory(struct db *, int64_t, char **, char **);

#endif
