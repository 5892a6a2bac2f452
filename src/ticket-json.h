/*
 * Tickets, articles, history and uploads as the API shows them (the
 * contract in doc/api.yaml). Pure: rows in, cJSON out (the caller owns
 * the tree).
 */
#ifndef TICKET_JSON_H
#define TICKET_JSON_H

#include <stdbool.h>

#include "helpdesk.h"

struct cJSON;
struct ticket_row;
struct article_row;
struct history_list;
struct upload_row;

/* TICKET; with articles when the row was loaded for a zoom and asked for. */
struct cJSON	*ticket_json(const struct ticket_row *, bool);
/* ARTICLE */
struct cJSON	*ticket_json_article(const struct article_row *);
/* [{"type","actor":{"login","name"},"created","old","new"}] */
struct cJSON	*ticket_json_history(const struct history_list *);
/* {"id","filename","size","content_type","sha256","expires"} */
struct cJSON	*ticket_json_upload(const struct upload_row *);

#endif
