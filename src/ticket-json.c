/*
 * The JSON shapes of tickets and their parts. Every text goes out as a
 * JSON string, exactly as stored: markup and SQL-looking text are data.
 */
#include "helpdesk.h"

#include <cjson/cJSON.h>

#include "ticket-json.h"
#include "ticket-store.h"
#include "upload-store.h"

static void
tj_add_string_or_null(cJSON *o, const char *k, const char *v)
{
	if (v != NULL && *v != '\0')
		cJSON_AddStringToObject(o, k, v);
	else
		cJSON_AddNullToObject(o, k);
}

static cJSON *
tj_person(const char *login, const char *name)
{
	cJSON	*o = cJSON_CreateObject();

	cJSON_AddStringToObject(o, "login", login != NULL ? login : "");
	cJSON_AddStringToObject(o, "name", name != NULL ? name : "");
	return (o);
}

cJSON *
ticket_json_article(const struct article_row *a)
{
	cJSON	*o = cJSON_CreateObject(), *arr, *x;
	size_t	 i;

	cJSON_AddNumberToObject(o, "id", (double)a->id);
	cJSON_AddStringToObject(o, "sender", ticket_sender_name(a->sender));
	cJSON_AddItemToObject(o, "author", tj_person(a->author_login,
	    a->author_name));
	cJSON_AddBoolToObject(o, "internal", a->internal);
	cJSON_AddStringToObject(o, "body", a->body != NULL ? a->body : "");
	cJSON_AddStringToObject(o, "created", a->created);
	arr = cJSON_AddArrayToObject(o, "attachments");
	for (i = 0; i < a->nattachments; i++) {
		const struct attachment_row *at = &a->attachments[i];

		x = cJSON_CreateObject();
		cJSON_AddNumberToObject(x, "id", (double)at->id);
		cJSON_AddStringToObject(x, "filename", at->filename);
		cJSON_AddNumberToObject(x, "size", (double)at->size);
		cJSON_AddStringToObject(x, "content_type", at->content_type);
		cJSON_AddStringToObject(x, "sha256", at->sha256);
		cJSON_AddItemToArray(arr, x);
	}
	return (o);
}

cJSON *
ticket_json(const struct ticket_row *t, bool with_articles)
{
	cJSON	*o = cJSON_CreateObject(), *x, *arr;
	size_t	 i;

	cJSON_AddStringToObject(o, "number", t->tn);
	cJSON_AddStringToObject(o, "title", t->title != NULL ? t->title : "");
	x = cJSON_AddObjectToObject(o, "queue");
	cJSON_AddStringToObject(x, "code", t->queue_code);
	cJSON_AddStringToObject(x, "name", t->queue_name);
	x = cJSON_AddObjectToObject(o, "priority");
	cJSON_AddNumberToObject(x, "id", t->priority);
	cJSON_AddStringToObject(x, "name", ticket_priority_name(t->priority) !=
	    NULL ? ticket_priority_name(t->priority) : "");
	x = cJSON_AddObjectToObject(o, "state");
	cJSON_AddStringToObject(x, "name", t->state->name);
	cJSON_AddStringToObject(x, "type", ticket_state_type_name(t->state->type));
	cJSON_AddItemToObject(o, "customer", tj_person(t->customer_login,
	    t->customer_name));
	if (t->organisation_id != 0) {
		x = cJSON_AddObjectToObject(o, "organisation");
		cJSON_AddNumberToObject(x, "id", (double)t->organisation_id);
		cJSON_AddStringToObject(x, "name", t->organisation_name != NULL ?
		    t->organisation_name : "");
	} else
		cJSON_AddNullToObject(o, "organisation");
	if (t->owner_login != NULL)
		cJSON_AddItemToObject(o, "owner", tj_person(t->owner_login,
		    t->owner_name));
	else
		cJSON_AddNullToObject(o, "owner");
	tj_add_string_or_null(o, "requester", t->requester);
	cJSON_AddStringToObject(o, "created", t->created);
	cJSON_AddStringToObject(o, "changed", t->changed);
	tj_add_string_or_null(o, "first_response", t->first_response);
	tj_add_string_or_null(o, "closed", t->closed);
	cJSON_AddNumberToObject(o, "version", (double)t->version);
	if (with_articles) {
		arr = cJSON_AddArrayToObject(o, "articles");
		for (i = 0; i < t->narticles; i++)
			cJSON_AddItemToArray(arr, ticket_json_article(&t->articles[i]));
	}
	return (o);
}

cJSON *
ticket_json_history(const struct history_list *h)
{
	cJSON	*arr = cJSON_CreateArray(), *o;
	size_t	 i;

	for (i = 0; i < h->n; i++) {
		o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "type", h->items[i].type);
		cJSON_AddItemToObject(o, "actor", tj_person(h->items[i].actor_login,
		    h->items[i].actor_name));
		cJSON_AddStringToObject(o, "created", h->items[i].created);
		if (h->items[i].old_value != NULL)
			cJSON_AddStringToObject(o, "old", h->items[i].old_value);
		else
			cJSON_AddNullToObject(o, "old");
		if (h->items[i].new_value != NULL)
			cJSON_AddStringToObject(o, "new", h->items[i].new_value);
		else
			cJSON_AddNullToObject(o, "new");
		cJSON_AddItemToArray(arr, o);
	}
	return (arr);
}

cJSON *
ticket_json_upload(const struct upload_row *u)
{
	cJSON	*o = cJSON_CreateObject();

	cJSON_AddStringToObject(o, "id", u->id);
	cJSON_AddStringToObject(o, "filename", u->filename);
	cJSON_AddNumberToObject(o, "size", (double)u->size);
	cJSON_AddStringToObject(o, "content_type", u->content_type);
	cJSON_AddStringToObject(o, "sha256", u->sha256);
	cJSON_AddStringToObject(o, "expires", u->expires);
	return (o);
}
