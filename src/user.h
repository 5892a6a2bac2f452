/*
 * A person as the helpdesk knows them: the local copy of a directory entry
 * (users table), with the roles that the directory groups give.
 */
#ifndef USER_H
#define USER_H

#include <stdint.h>

#include "helpdesk.h"

#define ROLE_REFERENT	0x1
#define ROLE_AGENT	0x2
#define ROLE_ADMIN	0x4

struct cJSON;

struct user {
	int64_t		 id;
	char		*login;
	char		*name;
	char		*email;
	char		*phone;
	int64_t		 organisation_id;	/* 0 when none */
	char		*organisation;		/* its name, or NULL */
	unsigned	 roles;			/* ROLE_* */
	char		 lang[8];		/* "fr" or "en" */
};

void		 user_free(struct user *);
/* "referent", "agent", "admin" for one ROLE_* bit. Static. */
const char	*user_role_name(unsigned);
/* Whether the user holds role, where admin implies agent. */
int		 user_has_role(const struct user *, unsigned);
/* {"id","login","name","email","phone","organisation","roles":[...],"lang"}. */
struct cJSON	*user_to_json(const struct user *);

#endif
