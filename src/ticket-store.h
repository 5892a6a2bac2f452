/*
 * The tickets in MariaDB: load (always through the visibility rule),
 * list and search, create, add articles, change, history. Every write is
 * one transaction holding the change and its history rows, retried
 * whole on a deadlock, and reported only after COMMIT returned.
 *
 * Ownership: the rows returned belong to the caller (ticket_row_free,
 * ticket_list_free, history_list_free); their strings with them.
 */
#ifndef TICKET_STORE_H
#define TICKET_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "helpdesk.h"
#include "sha256.h"
#include "ticket.h"
#include "ticket-number.h"

struct db;

/* "YYYY-MM-DDTHH:MM:SSZ" and a NUL; empty for SQL NULL. */
#define STORE_TIME_SIZE	24

struct attachment_row {
	int64_t		 id;
	int64_t		 article_id;
	char		*filename;
	char		*content_type;
	int64_t		 size;
	char		 sha256[SHA256_LEN * 2 + 1];
};

struct article_row {
	int64_t			 id;
	enum article_sender	 sender;
	char			*author_login;
	char			*author_name;
	bool			 internal;
	char			*body;
	char			 created[STORE_TIME_SIZE];
	struct attachment_row	*attachments;	/* borrowed from the ticket */
	size_t			 nattachments;
};

struct ticket_row {
	int64_t				 id;
	char				 tn[TICKET_NUMBER_SIZE];
	char				*title;
	char				*queue_code;
	char				*queue_name;
	int				 priority;
	const struct ticket_state	*state;
	int64_t				 customer_id;
	char				*customer_login;
	char				*customer_name;
	int64_t				 organisation_id;	/* 0 when none */
	char				*organisation_name;
	char				*owner_login;		/* NULL when none */
	char				*owner_name;
	char				*requester;		/* NULL when none */
	char				 created[STORE_TIME_SIZE];
	char				 changed[STORE_TIME_SIZE];
	char				 first_response[STORE_TIME_SIZE];
	char				 closed[STORE_TIME_SIZE];
	int64_t				 version;
	/* The zoom only: */
	struct article_row		*articles;
	size_t				 narticles;
	struct attachment_row		*attachments;	/* of every article */
	size_t				 nattachments;
};

struct ticket_list {
	struct ticket_row	*items;
	size_t			 n;
	int64_t			 total;		/* of the state asked for */
	int64_t			 open;
	int64_t			 closed;
};

/* What GET /tickets asks for. Strings borrowed. */
enum ticket_sort { SORT_NUMBER, SORT_CREATED, SORT_CHANGED, SORT_PRIORITY,
	SORT_TITLE, SORT_STATE };
enum ticket_owner_filter { OWNER_ANY, OWNER_ME, OWNER_NOBODY };
struct ticket_filter {
	bool			 include_open;
	bool			 include_closed;
	const char		*queue;		/* code, NULL = any */
	int			 priority;	/* 0 = any */
	enum ticket_owner_filter owner;
	int64_t			 organisation_id; /* 0 = any */
	const char		*customer;	/* login, NULL = any */
	const char		*q;		/* NULL = no search */
	enum ticket_sort	 sort;
	bool			 desc;
	int64_t			 page;		/* from 1 */
	int64_t			 per_page;
};

/* An Idempotency-Key and the hash of the request it came with. */
struct idempotency {
	const char	*key;
	unsigned char	 hash[SHA256_LEN];
};

/* A file given as bytes (the import); name already cleaned. */
struct store_file {
	const char		*filename;
	const unsigned char	*data;
	size_t			 len;
};

/* A new ticket. The customer is the actor (user and office). */
struct ticket_create {
	const char			*title;
	const char			*queue;		/* code */
	int				 priority;
	const char			*body;
	const char			*requester;	/* NULL = none */
	const char *const		*uploads;	/* upload ids of the actor */
	size_t				 nuploads;
	/* The import only: */
	bool				 sender_set;	/* else from the actor */
	enum article_sender		 sender;
	int				 state_id;	/* 0 = new */
	const char			*created;	/* "YYYY-MM-DD HH:MM:SS" UTC, NULL = now */
	const struct store_file		*files;
	size_t				 nfiles;
	const char			*message_hash;	/* imported_messages */
	bool				 any_queue;	/* an inactive queue too */
};

/* A new article. */
struct article_create {
	const char		*body;
	bool			 internal;
	const char *const	*uploads;
	size_t			 nuploads;
	/* The import only: */
	const char		*subject;	/* the mail's; NULL = none */
	bool			 sender_set;
	enum article_sender	 sender;
	const char		*created;	/* NULL = now */
	const struct store_file	*files;
	size_t			 nfiles;
	const char		*message_hash;
	bool			 keep_state;	/* no reopening */
};

struct history_row {
	char	*type;
	char	*actor_login;
	char	*actor_name;
	char	 created[STORE_TIME_SIZE];
	char	*old_value;
	char	*new_value;
};

struct history_list {
	struct history_row	*items;
	size_t			 n;
};

/*
 * One ticket by number, NULL-free: HD_OK with *out, or HD_NOTFOUND when it
 * does not exist or the actor may not see it (the same answer). With
 * articles, the zoom: every article the actor may see, with attachments.
 */
enum hd_result	ticket_store_get(struct db *, const struct ticket_actor *,
		    const char *, bool, struct ticket_row **);
/* The list and the counts; *why gets a reason for HD_INVALID (unknown queue). */
enum hd_result	ticket_store_list(struct db *, const struct ticket_actor *,
		    const struct ticket_filter *, struct ticket_list *,
		    const char **);
/*
 * Create a ticket, its first article, its attachments, its history and
 * the idempotency record (idem may be NULL) in one transaction. tn gets
 * the number. *replayed is true when the key had already made this ticket
 * (nothing new was written). Errors: HD_INVALID with *why (unknown queue,
 * unknown upload), HD_UNPROCESSABLE (key reused with another request),
 * HD_CONFLICT (key in flight), HD_UNAVAILABLE.
 */
enum hd_result	ticket_store_create(struct db *, const struct ticket_actor *,
		    const struct ticket_create *, const struct idempotency *,
		    char *, bool *, const char **);
/*
 * Add an article to a visible ticket, with the reopen rule and the first
 * response, in one transaction; *article_id gets its id.
 */
enum hd_result	ticket_store_add_article(struct db *,
		    const struct ticket_actor *, const char *,
		    const struct article_create *, const struct idempotency *,
		    int64_t *, bool *, const char **);
/*
 * Change a visible ticket. if_match is the version the client saw, or -1.
 * HD_PRECONDITION when it moved on; HD_FORBIDDEN, HD_INVALID, HD_CONFLICT
 * with *why.
 */
enum hd_result	ticket_store_patch(struct db *, const struct ticket_actor *,
		    const char *, const struct ticket_patch_input *, int64_t,
		    const char **);
/* The history of a visible ticket (without internal rows for référents). */
enum hd_result	ticket_store_history(struct db *, const struct ticket_actor *,
		    const char *, struct history_list *);

/* Whether a mail was imported already (imported_messages). */
enum hd_result	ticket_store_imported(struct db *, const char *, bool *);
/* The article of a loaded zoom with this id, or NULL. Borrowed. */
const struct article_row *ticket_row_article(const struct ticket_row *, int64_t);

void		ticket_row_free(struct ticket_row *);
void		ticket_list_free(struct ticket_list *);
void		history_list_free(struct history_list *);

#endif
