/*
 * The user record: freeing it, naming its roles and shaping it as JSON.
 */
#include "helpdesk.h"

#include <stdlib.h>

#include <cjson/cJSON.h>

#include "user.h"

void
user_free(struct user *u)
{
	if (u == NULL)
		return;
	free(u->login);
	free(u->name);
	free(u->email);
	free(u->phone);
	free(u->organisation);
	free(u);
}

const char *
user_role_name(unsigned role)
{
	switch (role) {
	case ROLE_REFERENT:
		return ("referent");
	case ROLE_AGENT:
		return ("agent");
	case ROLE_ADMIN:
		return ("admin");
	default:
		return ("none");
	}
}

int
user_has_role(const struct user *u, unsigned role)
{
	if (u == NULL)
		return (0);
	if (role == ROLE_AGENT)
		return ((u->roles & (ROLE_AGENT | ROLE_ADMIN)) != 0);
	return ((u->roles & role) != 0);
}

cJSON *
user_to_json(const struct user *u)
{
	static const unsigned	 all[] = { ROLE_REFERENT, ROLE_AGENT, ROLE_ADMIN };
	cJSON			*o, *roles;
	size_t			 i;

	o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "id", (double)u->id);
	cJSON_AddStringToObject(o, "login", u->login != NULL ? u->login : "");
	cJSON_AddStringToObject(o, "name", u->name != NULL ? u->name : "");
	cJSON_AddStringToObject(o, "email", u->email != NULL ? u->email : "");
	if (u->phone != NULL)
		cJSON_AddStringToObject(o, "phone", u->phone);
	else
		cJSON_AddNullToObject(o, "phone");
	if (u->organisation != NULL)
		cJSON_AddStringToObject(o, "organisation", u->organisation);
	else
		cJSON_AddNullToObject(o, "organisation");
	roles = cJSON_AddArrayToObject(o, "roles");
	for (i = 0; i < HD_NELEM(all); i++) {
		if (u->roles & all[i])
			cJSON_AddItemToArray(roles,
			    cJSON_CreateString(user_role_name(all[i])));
	}
	cJSON_AddStringToObject(o, "lang", u->lang);
	return (o);
}
