/*
 * The ticket model, without I/O: states and priorities, who may see and
 * change what, the state a ticket moves to, and the validation of what
 * clients send. The store (ticket-store.c) runs the SQL; the handlers
 * (api-tickets.c) call both.
 */
#ifndef TICKET_H
#define TICKET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "helpdesk.h"

struct cJSON;
struct user;

/* State types and states, as in Znuny; the ids match sql/003-tickets.sql. */
enum ticket_state_type {
	TST_NEW = 1,
	TST_OPEN,
	TST_PENDING,
	TST_CLOSED,
	TST_MERGED,
};

#define STATE_NEW		1
#define STATE_OPEN		2
#define STATE_PENDING		3
#define STATE_CLOSED_OK		4
#define STATE_CLOSED_KO		5
#define STATE_MERGED		6

struct ticket_state {
	int			 id;
	const char		*name;
	enum ticket_state_type	 type;
};

/* Who wrote an article. */
enum article_sender {
	SENDER_REFERENT,
	SENDER_AGENT,
	SENDER_SYSTEM,
};

/* The person acting, as far as ticket rules care. */
struct ticket_actor {
	int64_t		user_id;
	int64_t		organisation_id;	/* 0 when none */
	unsigned	roles;			/* ROLE_* of user.h */
	bool		organisation_visibility; /* [tickets] organisation_visibility */
};

/* Fields of a PATCH. */
#define TICKET_SET_STATE	0x01
#define TICKET_SET_PRIORITY	0x02
#define TICKET_SET_QUEUE	0x04
#define TICKET_SET_OWNER	0x08
#define TICKET_SET_TITLE	0x10

/* Limits of the input, in code points unless said otherwise. */
#define TICKET_TITLE_MAX	200
#define TICKET_REQUESTER_MAX	200
#define TICKET_MAX_UPLOADS	20
#define UPLOAD_ID_LEN		32	/* 128 random bits in hex */
#define IDEMPOTENCY_KEY_MAX	128
#define QUEUE_CODE_MAX		32
#define QUEUE_NAME_MAX		100
#define QUEUE_DESCRIPTION_MAX	255
#define SEARCH_MAX_WORDS	8

/* The states, by id or by name; NULL when unknown. Static. */
const struct ticket_state *ticket_state_by_id(int);
const struct ticket_state *ticket_state_by_name(const char *);
/* "new", "open", "pending", "closed", "merged". Static. */
const char	*ticket_state_type_name(enum ticket_state_type);
/* Whether the state ends the ticket's life (closed or merged). */
bool		 ticket_state_is_final(const struct ticket_state *);
/* "very low" ... "very high" for 1 to 5; NULL otherwise. Static. */
const char	*ticket_priority_name(int);
/* "referent", "agent", "system". Static. */
const char	*ticket_sender_name(enum article_sender);
int		 ticket_sender_parse(const char *, enum article_sender *);

/* Fill a from the logged-in user and the visibility setting. */
void		 ticket_actor_init(struct ticket_actor *, const struct user *,
		     bool);
/* Agents and admins: every ticket, internal notes, every field. */
bool		 ticket_actor_is_agent(const struct ticket_actor *);
/*
 * Whether a may see a ticket of this customer and organisation (0 = none).
 * The same rule is written into every ticket query (db-stmt.c); this copy
 * documents it and is checked again after a load.
 */
bool		 ticket_actor_sees(const struct ticket_actor *, int64_t, int64_t);
/* The sender type of the actor's articles. */
enum article_sender ticket_actor_sender(const struct ticket_actor *);

/*
 * Whether a may change these fields (TICKET_SET_*): HD_OK or HD_FORBIDDEN
 * with a reason for the user.
 */
enum hd_result	 ticket_check_patch(const struct ticket_actor *, unsigned,
		     const char **);
/*
 * Whether a may move a ticket from one state to another: HD_OK,
 * HD_FORBIDDEN (not for this role), HD_INVALID (a state nobody sets by
 * hand) or HD_CONFLICT (a merged ticket), with a reason.
 */
enum hd_result	 ticket_check_state_change(const struct ticket_actor *,
		     const struct ticket_state *, const struct ticket_state *,
		     const char **);
/* Whether a may add an article (internal or not) to a ticket in state cur. */
enum hd_result	 ticket_check_article(const struct ticket_actor *, bool,
		     const struct ticket_state *, const char **);
/*
 * The state a ticket takes when a adds an article, or NULL when it keeps
 * its state: a référent's follow-up reopens a closed or pending ticket (as
 * Znuny does), an agent's reply opens a new one; internal notes change
 * nothing.
 */
const struct ticket_state *ticket_state_after_article(
		     const struct ticket_actor *, bool, const struct ticket_state *);
/* Whether this article is an answer of the support centre (first response). */
bool		 ticket_article_answers(const struct ticket_actor *, bool);

/* Text checks: one line without control characters; only white space. */
bool		 ticket_text_is_line(const char *);
bool		 ticket_text_is_blank(const char *);
/* Whether s is an upload id (32 lowercase hex digits). */
bool		 ticket_upload_id_ok(const char *);
/* Whether s may be an Idempotency-Key: 1 to 128 visible ASCII characters. */
bool		 ticket_idempotency_key_ok(const char *);
/* Whether s may be a queue code: [a-z][a-z0-9_-]{1,31}. */
bool		 ticket_queue_code_ok(const char *);
/*
 * If-Match: "5", W/"5" or 5 give 0 and the version; "*" gives 1 (any
 * version); anything else -1.
 */
int		 ticket_parse_if_match(const char *, int64_t *);

/*
 * The body of POST /tickets, checked. Strings are borrowed from the cJSON
 * object. On failure returns -1, *res is HD_INVALID or HD_TOOLARGE and err
 * holds a sentence for the user.
 */
struct ticket_new_input {
	const char	*title;
	const char	*queue;
	int		 priority;
	const char	*body;
	const char	*requester;		/* NULL when absent or empty */
	const char	*uploads[TICKET_MAX_UPLOADS];
	size_t		 nuploads;
};
int		 ticket_parse_new(const struct cJSON *, size_t,
		     struct ticket_new_input *, enum hd_result *, char *, size_t);

/* The body of POST /tickets/{number}/articles, checked the same way. */
struct article_input {
	const char	*body;
	bool		 internal;
	bool		 internal_given;
	const char	*uploads[TICKET_MAX_UPLOADS];
	size_t		 nuploads;
};
int		 ticket_parse_article(const struct cJSON *, size_t,
		     struct article_input *, enum hd_result *, char *, size_t);

/* The body of PATCH /tickets/{number}; owner NULL with the bit set = nobody. */
struct ticket_patch_input {
	unsigned	 fields;		/* TICKET_SET_* */
	const char	*state;
	int		 priority;
	const char	*queue;
	const char	*owner;
	const char	*title;
};
int		 ticket_parse_patch(const struct cJSON *,
		     struct ticket_patch_input *, enum hd_result *, char *, size_t);

/*
 * Turn what a person typed into a MariaDB boolean-mode full-text query:
 * every word of 3 characters or more (InnoDB's minimum token size) that is
 * not a stop word becomes "+word*", so that an article (its subject, the
 * title for the first one, and body) must hold all of them, as a prefix.
 * Operators typed by the user are never passed on.
 * Returns NULL when no word is left (the caller then matches nothing but
 * a ticket number). Caller frees.
 */
char		*ticket_search_terms(const char *);

#endif
