/*
 * The ticket model: the tables of states and priorities, the rules of who
 * sees and changes what (SECURITY.md R-AC-1 to R-AC-3), the moves between
 * states, and the validation of request bodies. No I/O here: every
 * function is covered by tests/test-ticket.c.
 */
#include "helpdesk.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cjson/cJSON.h>

#include "json.h"
#include "ticket.h"
#include "user.h"
#include "util.h"
#include "xmalloc.h"

static const struct ticket_state ticket_states[] = {
	{ STATE_NEW, "new", TST_NEW },
	{ STATE_OPEN, "open", TST_OPEN },
	{ STATE_PENDING, "pending reminder", TST_PENDING },
	{ STATE_CLOSED_OK, "closed successful", TST_CLOSED },
	{ STATE_CLOSED_KO, "closed unsuccessful", TST_CLOSED },
	{ STATE_MERGED, "merged", TST_MERGED },
};

static const char *const ticket_priorities[] = {
	NULL, "very low", "low", "normal", "high", "very high",
};

const struct ticket_state *
ticket_state_by_id(int id)
{
	size_t	i;

	for (i = 0; i < HD_NELEM(ticket_states); i++) {
		if (ticket_states[i].id == id)
			return (&ticket_states[i]);
	}
	return (NULL);
}

const struct ticket_state *
ticket_state_by_name(const char *name)
{
	size_t	i;

	for (i = 0; i < HD_NELEM(ticket_states); i++) {
		if (strcmp(ticket_states[i].name, name) == 0)
			return (&ticket_states[i]);
	}
	return (NULL);
}

const char *
ticket_state_type_name(enum ticket_state_type t)
{
	switch (t) {
	case TST_NEW: return ("new");
	case TST_OPEN: return ("open");
	case TST_PENDING: return ("pending");
	case TST_CLOSED: return ("closed");
	case TST_MERGED: return ("merged");
	}
	return ("open");
}

bool
ticket_state_is_final(const struct ticket_state *s)
{
	return (s->type == TST_CLOSED || s->type == TST_MERGED);
}

const char *
ticket_priority_name(int id)
{
	if (id < 1 || id > 5)
		return (NULL);
	return (ticket_priorities[id]);
}

const char *
ticket_sender_name(enum article_sender s)
{
	switch (s) {
	case SENDER_REFERENT: return ("referent");
	case SENDER_AGENT: return ("agent");
	case SENDER_SYSTEM: return ("system");
	}
	return ("system");
}

int
ticket_sender_parse(const char *s, enum article_sender *out)
{
	if (strcmp(s, "referent") == 0)
		*out = SENDER_REFERENT;
	else if (strcmp(s, "agent") == 0)
		*out = SENDER_AGENT;
	else if (strcmp(s, "system") == 0)
		*out = SENDER_SYSTEM;
	else
		return (-1);
	return (0);
}

void
ticket_actor_init(struct ticket_actor *a, const struct user *u,
    bool organisation_visibility)
{
	memset(a, 0, sizeof(*a));
	a->user_id = u->id;
	a->organisation_id = u->organisation_id;
	a->roles = u->roles;
	a->organisation_visibility = organisation_visibility;
}

bool
ticket_actor_is_agent(const struct ticket_actor *a)
{
	return ((a->roles & (ROLE_AGENT | ROLE_ADMIN)) != 0);
}

bool
ticket_actor_sees(const struct ticket_actor *a, int64_t customer_id,
    int64_t organisation_id)
{
	if (ticket_actor_is_agent(a))
		return (true);
	if (a->user_id != 0 && customer_id == a->user_id)
		return (true);
	return (a->organisation_visibility && a->organisation_id != 0 &&
	    organisation_id == a->organisation_id);
}

enum article_sender
ticket_actor_sender(const struct ticket_actor *a)
{
	return (ticket_actor_is_agent(a) ? SENDER_AGENT : SENDER_REFERENT);
}

enum hd_result
ticket_check_patch(const struct ticket_actor *a, unsigned fields,
    const char **why)
{
	*why = NULL;
	if (ticket_actor_is_agent(a))
		return (HD_OK);
	/* A référent closes or reopens; the support centre sorts the rest. */
	if (fields & ~TICKET_SET_STATE) {
		*why = "A référent may only close or reopen a ticket.";
		return (HD_FORBIDDEN);
	}
	return (HD_OK);
}

enum hd_result
ticket_check_state_change(const struct ticket_actor *a,
    const struct ticket_state *from, const struct ticket_state *to,
    const char **why)
{
	*why = NULL;
	if (from->id == to->id)
		return (HD_OK);
	if (from->type == TST_MERGED) {
		*why = "A merged ticket cannot change state.";
		return (HD_CONFLICT);
	}
	if (to->type == TST_MERGED) {
		*why = "The state merged is set by merging tickets.";
		return (HD_INVALID);
	}
	if (ticket_actor_is_agent(a))
		return (HD_OK);
	/* "Problème résolu", or a reopening of a closed ticket. */
	if (to->id == STATE_CLOSED_OK)
		return (HD_OK);
	if (to->id == STATE_OPEN && from->type == TST_CLOSED)
		return (HD_OK);
	*why = "A référent may only close or reopen a ticket.";
	return (HD_FORBIDDEN);
}

enum hd_result
ticket_check_article(const struct ticket_actor *a, bool internal,
    const struct ticket_state *cur, const char **why)
{
	*why = NULL;
	if (internal && !ticket_actor_is_agent(a)) {
		*why = "Only agents write internal notes.";
		return (HD_FORBIDDEN);
	}
	if (cur->type == TST_MERGED) {
		*why = "This ticket was merged into another; write there.";
		return (HD_CONFLICT);
	}
	return (HD_OK);
}

const struct ticket_state *
ticket_state_after_article(const struct ticket_actor *a, bool internal,
    const struct ticket_state *cur)
{
	if (internal || cur->type == TST_MERGED)
		return (NULL);
	if (!ticket_actor_is_agent(a)) {
		if (cur->type == TST_CLOSED || cur->type == TST_PENDING)
			return (ticket_state_by_id(STATE_OPEN));
		return (NULL);
	}
	if (cur->type == TST_NEW)
		return (ticket_state_by_id(STATE_OPEN));
	return (NULL);
}

bool
ticket_article_answers(const struct ticket_actor *a, bool internal)
{
	return (!internal && ticket_actor_is_agent(a));
}

/* The next code point of s (valid UTF-8 assumed, checked before). */
static uint32_t
ticket_utf8_next(const unsigned char **sp)
{
	const unsigned char	*s = *sp;
	uint32_t		 cp;
	int			 more, i;

	if (*s < 0x80) {
		*sp = s + 1;
		return (*s);
	}
	if ((*s & 0xe0) == 0xc0) {
		cp = *s & 0x1f;
		more = 1;
	} else if ((*s & 0xf0) == 0xe0) {
		cp = *s & 0x0f;
		more = 2;
	} else {
		cp = *s & 0x07;
		more = 3;
	}
	for (i = 1; i <= more && s[i] != '\0'; i++)
		cp = cp << 6 | (s[i] & 0x3f);
	*sp = s + i;
	return (cp);
}

bool
ticket_text_is_line(const char *s)
{
	const unsigned char	*p = (const unsigned char *)s;
	uint32_t		 cp;

	if (util_utf8_count(s, strlen(s)) < 0)
		return (false);
	while (*p != '\0') {
		cp = ticket_utf8_next(&p);
		if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) ||
		    cp == 0x2028 || cp == 0x2029)
			return (false);
	}
	return (true);
}

bool
ticket_text_is_blank(const char *s)
{
	const unsigned char	*p = (const unsigned char *)s;
	uint32_t		 cp;

	while (*p != '\0') {
		cp = ticket_utf8_next(&p);
		if (!(cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' ||
		    cp == 0x0b || cp == 0x0c || cp == 0xa0 || cp == 0x3000 ||
		    (cp >= 0x2000 && cp <= 0x200b) || cp == 0x202f ||
		    cp == 0x205f || cp == 0xfeff))
			return (false);
	}
	return (true);
}

bool
ticket_upload_id_ok(const char *s)
{
	return (strlen(s) == UPLOAD_ID_LEN &&
	    strspn(s, "0123456789abcdef") == UPLOAD_ID_LEN);
}

bool
ticket_idempotency_key_ok(const char *s)
{
	size_t	n = strlen(s), i;

	if (n == 0 || n > IDEMPOTENCY_KEY_MAX)
		return (false);
	for (i = 0; i < n; i++) {
		if (s[i] < 0x21 || s[i] > 0x7e)
			return (false);
	}
	return (true);
}

bool
ticket_queue_code_ok(const char *s)
{
	size_t	n = strlen(s);

	if (n < 2 || n > QUEUE_CODE_MAX || s[0] < 'a' || s[0] > 'z')
		return (false);
	return (strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789_-") == n);
}

int
ticket_parse_if_match(const char *s, int64_t *version)
{
	const char	*errstr;
	char		 buf[24];
	long long	 v;
	size_t		 n;

	while (*s == ' ')
		s++;
	if (strcmp(s, "*") == 0)
		return (1);
	if (strncmp(s, "W/", 2) == 0)
		s += 2;
	n = strlen(s);
	while (n > 0 && s[n - 1] == ' ')
		n--;
	if (n >= 2 && s[0] == '"' && s[n - 1] == '"') {
		s++;
		n -= 2;
	}
	if (n == 0 || n >= sizeof(buf))
		return (-1);
	memcpy(buf, s, n);
	buf[n] = '\0';
	if (util_strtonum(buf, 1, INT32_MAX, &v, &errstr) != 0)
		return (-1);
	*version = v;
	return (0);
}

/* Read "attachments": an array of distinct upload ids. */
static int
ticket_parse_uploads(const cJSON *o, const char **ids, size_t *n, char *err,
    size_t errlen)
{
	const cJSON	*a = cJSON_GetObjectItemCaseSensitive(o, "attachments");
	const cJSON	*v;
	size_t		 i;

	*n = 0;
	if (a == NULL || cJSON_IsNull(a))
		return (0);
	if (!cJSON_IsArray(a)) {
		snprintf(err, errlen, "attachments must be a list of upload ids");
		return (-1);
	}
	cJSON_ArrayForEach(v, a) {
		if (!cJSON_IsString(v) || !ticket_upload_id_ok(v->valuestring)) {
			snprintf(err, errlen,
			    "attachments must be a list of upload ids");
			return (-1);
		}
		if (*n == TICKET_MAX_UPLOADS) {
			snprintf(err, errlen, "at most %d attachments at a time",
			    TICKET_MAX_UPLOADS);
			return (-1);
		}
		for (i = 0; i < *n; i++) {
			if (strcmp(ids[i], v->valuestring) == 0) {
				snprintf(err, errlen,
				    "an upload is named twice in attachments");
				return (-1);
			}
		}
		ids[(*n)++] = v->valuestring;
	}
	return (0);
}

/* The text of an article: present, not blank, at most max bytes. */
static int
ticket_parse_body(const cJSON *o, size_t max, const char **body,
    enum hd_result *res, char *err, size_t errlen)
{
	*res = HD_INVALID;
	if (json_get_string(o, "body", true, 1, 1L << 30, body, err,
	    errlen) < 0)
		return (-1);
	if (strlen(*body) > max) {
		*res = HD_TOOLARGE;
		snprintf(err, errlen, "body is longer than %zu bytes", max);
		return (-1);
	}
	if (ticket_text_is_blank(*body)) {
		snprintf(err, errlen, "body must not be empty");
		return (-1);
	}
	return (0);
}

/* A one-line text field: title, requester. */
static int
ticket_parse_line(const cJSON *o, const char *key, bool required, long max,
    const char **out, char *err, size_t errlen)
{
	int	rc;

	if ((rc = json_get_string(o, key, required, required ? 1 : 0, max, out,
	    err, errlen)) <= 0)
		return (rc);
	if (!ticket_text_is_line(*out)) {
		snprintf(err, errlen, "%s must be one line of text", key);
		return (-1);
	}
	if (required && ticket_text_is_blank(*out)) {
		snprintf(err, errlen, "%s must not be empty", key);
		return (-1);
	}
	return (1);
}

int
ticket_parse_new(const cJSON *o, size_t max_body, struct ticket_new_input *in,
    enum hd_result *res, char *err, size_t errlen)
{
	static const char *const keys[] = { "title", "queue", "priority", "body",
	    "requester", "attachments", NULL };
	const char	*bad;
	int64_t		 prio;

	memset(in, 0, sizeof(*in));
	*res = HD_INVALID;
	if (json_check_keys(o, keys, &bad) != 0) {
		snprintf(err, errlen, "unknown field %.64s", bad);
		return (-1);
	}
	if (ticket_parse_line(o, "title", true, TICKET_TITLE_MAX, &in->title,
	    err, errlen) < 0)
		return (-1);
	if (json_get_string(o, "queue", true, 1, QUEUE_CODE_MAX, &in->queue,
	    err, errlen) < 0)
		return (-1);
	if (json_get_int(o, "priority", true, 1, 5, &prio, err, errlen) < 0)
		return (-1);
	in->priority = (int)prio;
	if (ticket_parse_line(o, "requester", false, TICKET_REQUESTER_MAX,
	    &in->requester, err, errlen) < 0)
		return (-1);
	if (in->requester != NULL && ticket_text_is_blank(in->requester))
		in->requester = NULL;
	if (ticket_parse_uploads(o, in->uploads, &in->nuploads, err,
	    errlen) < 0)
		return (-1);
	return (ticket_parse_body(o, max_body, &in->body, res, err, errlen));
}

int
ticket_parse_article(const cJSON *o, size_t max_body, struct article_input *in,
    enum hd_result *res, char *err, size_t errlen)
{
	static const char *const keys[] = { "body", "internal", "attachments",
	    NULL };
	const char	*bad;
	int		 rc;

	memset(in, 0, sizeof(*in));
	*res = HD_INVALID;
	if (json_check_keys(o, keys, &bad) != 0) {
		snprintf(err, errlen, "unknown field %.64s", bad);
		return (-1);
	}
	if ((rc = json_get_bool(o, "internal", false, &in->internal, err,
	    errlen)) < 0)
		return (-1);
	in->internal_given = rc == 1;
	if (ticket_parse_uploads(o, in->uploads, &in->nuploads, err,
	    errlen) < 0)
		return (-1);
	return (ticket_parse_body(o, max_body, &in->body, res, err, errlen));
}

int
ticket_parse_patch(const cJSON *o, struct ticket_patch_input *in,
    enum hd_result *res, char *err, size_t errlen)
{
	static const char *const keys[] = { "state", "priority", "queue",
	    "owner", "title", NULL };
	const char	*bad;
	const cJSON	*owner;
	int64_t		 prio;
	int		 rc;

	memset(in, 0, sizeof(*in));
	*res = HD_INVALID;
	if (json_check_keys(o, keys, &bad) != 0) {
		snprintf(err, errlen, "unknown field %.64s", bad);
		return (-1);
	}
	if ((rc = json_get_string(o, "state", false, 1, 50, &in->state, err,
	    errlen)) < 0)
		return (-1);
	if (rc == 1)
		in->fields |= TICKET_SET_STATE;
	if ((rc = json_get_int(o, "priority", false, 1, 5, &prio, err,
	    errlen)) < 0)
		return (-1);
	if (rc == 1) {
		in->fields |= TICKET_SET_PRIORITY;
		in->priority = (int)prio;
	}
	if ((rc = json_get_string(o, "queue", false, 1, QUEUE_CODE_MAX,
	    &in->queue, err, errlen)) < 0)
		return (-1);
	if (rc == 1)
		in->fields |= TICKET_SET_QUEUE;
	/* owner: a login, or null for nobody. */
	owner = cJSON_GetObjectItemCaseSensitive(o, "owner");
	if (owner != NULL) {
		if (!cJSON_IsNull(owner) && json_get_string(o, "owner", true, 1,
		    190, &in->owner, err, errlen) < 0)
			return (-1);
		in->fields |= TICKET_SET_OWNER;
	}
	if ((rc = ticket_parse_line(o, "title", false, TICKET_TITLE_MAX,
	    &in->title, err, errlen)) < 0)
		return (-1);
	if (rc == 1) {
		if (ticket_text_is_blank(in->title)) {
			snprintf(err, errlen, "title must not be empty");
			return (-1);
		}
		in->fields |= TICKET_SET_TITLE;
	}
	if (in->fields == 0) {
		snprintf(err, errlen, "nothing to change");
		return (-1);
	}
	return (0);
}

/*
 * Whether a code point belongs to a word as InnoDB's full-text parser
 * sees it (letters, digits, underscore); punctuation, symbols and spaces
 * separate words.
 */
static bool
ticket_word_char(uint32_t cp)
{
	if (cp < 0x80)
		return ((cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') ||
		    (cp >= '0' && cp <= '9') || cp == '_');
	if (cp < 0xc0 || cp == 0xd7 || cp == 0xf7)
		return (false);
	/* General punctuation, symbols, arrows, box drawing... */
	if ((cp >= 0x2000 && cp <= 0x2bff) || (cp >= 0x3000 && cp <= 0x303f) ||
	    (cp >= 0xfe30 && cp <= 0xfe4f) || (cp >= 0xff00 && cp <= 0xff0f) ||
	    cp == 0xfeff || (cp >= 0x1f000 && cp <= 0x1faff))
		return (false);
	return (true);
}

/*
 * Words not worth a search: InnoDB's default stop words of three letters
 * or more (shorter ones are not indexed at all), and the French words
 * found in nearly every message, which would make InnoDB walk the whole
 * index for nothing.
 */
static bool
ticket_stop_word(const char *w, size_t len)
{
	static const char *const stop[] = { "about", "are", "com", "for",
	    "from", "how", "that", "the", "this", "was", "what", "when",
	    "where", "who", "will", "with", "und", "www",
	    "aux", "avec", "bien", "bonjour", "ces", "cette", "cordialement",
	    "dans", "des", "elle", "est", "les", "leur", "madame", "mais",
	    "merci", "monsieur", "nos", "notre", "nous", "par", "pas", "plus",
	    "pour", "que", "qui", "salutations", "ses", "son", "sont", "sur",
	    "une", "vos", "votre", "vous" };
	size_t	i;

	for (i = 0; i < HD_NELEM(stop); i++) {
		if (strlen(stop[i]) == len && strncasecmp(stop[i], w, len) == 0)
			return (true);
	}
	return (false);
}

char *
ticket_search_terms(const char *q)
{
	const unsigned char	*p = (const unsigned char *)q, *start, *prev;
	char			*out;
	size_t			 len = 0, cap, wlen;
	long			 ncp;
	int			 words = 0;
	uint32_t		 cp;

	if (util_utf8_count(q, strlen(q)) < 0)
		return (NULL);
	cap = strlen(q) + 3 * SEARCH_MAX_WORDS + 1;
	out = xmalloc(cap);
	out[0] = '\0';
	while (*p != '\0' && words < SEARCH_MAX_WORDS) {
		prev = p;
		cp = ticket_utf8_next(&p);
		if (!ticket_word_char(cp))
			continue;
		start = prev;
		ncp = 1;
		for (;;) {
			prev = p;
			if (*p == '\0')
				break;
			cp = ticket_utf8_next(&p);
			if (!ticket_word_char(cp)) {
				p = prev;
				break;
			}
			ncp++;
		}
		wlen = (size_t)(p - start);
		/* Too short or too long to be in the index, or a stop word. */
		if (ncp < 3 || ncp > 84 ||
		    ticket_stop_word((const char *)start, wlen))
			continue;
		if (len > 0)
			out[len++] = ' ';
		out[len++] = '+';
		memcpy(out + len, start, wlen);
		len += wlen;
		out[len++] = '*';
		out[len] = '\0';
		words++;
	}
	if (words == 0) {
		free(out);
		return (NULL);
	}
	return (out);
}
