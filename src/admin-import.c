/*
 * gid-helpdesk import FILE.mbox: the claims of the old mailbox become
 * tickets, keeping their original date, sender and text. A mail whose
 * subject carries a known ticket number ([Ticket#...]) becomes an article
 * of that ticket. Senders are found among the users by mail address;
 * unknown senders' mails go to [tickets] import_account (or the built-in
 * "_import" account) with the address kept as the requester. Every mail
 * is one transaction that also records its Message-ID, so a second run
 * imports nothing twice and an interrupted run can simply be run again.
 */
#include "helpdesk.h"

#include <sys/mman.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "admin.h"
#include "attachment.h"
#include "conf.h"
#include "db.h"
#include "mail.h"
#include "mbox.h"
#include "sha256.h"
#include "ticket-store.h"
#include "ticket.h"
#include "user.h"
#include "util.h"
#include "xmalloc.h"

#define IMPORT_ACCOUNT		"_import"
#define IMPORT_ACCOUNT_NAME	"Import de l'ancienne messagerie"
#define IMPORT_NO_SUBJECT	"(sans objet)"
#define IMPORT_NO_TEXT		"(message sans texte)"
#define IMPORT_CUT_NOTE		"\n\n[Message tronqué à l'import : le texte " \
				"complet est dans la pièce jointe message-original.eml]"

struct import_stats {
	int	messages;
	int	tickets;
	int	articles;
	int	skipped;
	int	failed;
	int	files_dropped;
};

struct import_opts {
	const char	*queue;
	int		 state_id;
	int64_t		 fallback_id;	/* the account of unknown senders */
};

/* A sender as the import knows it. */
struct import_sender {
	struct ticket_actor	 actor;
	bool			 known;
	bool			 agent;
};

/*
 * Keep at most max code points of s on one line (the checks of the API
 * apply to imported titles too), adding an ellipsis when cut. s is valid
 * UTF-8 (mail.c makes it so). Caller frees.
 */
static char *
import_line(const char *s, long max)
{
	const unsigned char	*p = (const unsigned char *)s;
	char			*out = xmalloc(strlen(s) + 4), *o = out;
	long			 n = 0;
	size_t			 len, i;
	uint32_t		 cp;

	while (*p != '\0') {
		if (*p < 0x80) {
			len = 1;
			cp = *p;
		} else if ((*p & 0xe0) == 0xc0) {
			len = 2;
			cp = *p & 0x1f;
		} else if ((*p & 0xf0) == 0xe0) {
			len = 3;
			cp = *p & 0x0f;
		} else {
			len = 4;
			cp = *p & 0x07;
		}
		for (i = 1; i < len && p[i] != '\0'; i++)
			cp = cp << 6 | (p[i] & 0x3f);
		len = i;
		/* Controls become spaces; C1 controls and line separators go. */
		if ((cp >= 0x7f && cp <= 0x9f) || cp == 0x2028 || cp == 0x2029) {
			p += len;
			continue;
		}
		if (n == max - 1 && p[len] != '\0') {
			memcpy(o, "\xe2\x80\xa6", 3);	/* an ellipsis */
			o += 3;
			break;
		}
		if (cp < 0x20)
			*o++ = ' ';
		else {
			memcpy(o, p, len);
			o += len;
		}
		p += len;
		n++;
	}
	*o = '\0';
	return (out);
}

/* The body, at most max bytes, cut on a character boundary; *cut if so. */
static char *
import_body(const char *s, size_t max, bool *cut)
{
	size_t	len = strlen(s), keep;
	char	*out;

	*cut = false;
	if (ticket_text_is_blank(s))
		return (xstrdup(IMPORT_NO_TEXT));
	/* The new lines that end a mail are no part of its text. */
	while (len > 0 && (s[len - 1] == '\n' || s[len - 1] == ' ' ||
	    s[len - 1] == '\t'))
		len--;
	if (len <= max)
		return (xstrndup(s, len));
	*cut = true;
	keep = max > sizeof(IMPORT_CUT_NOTE) ? max - sizeof(IMPORT_CUT_NOTE) : 0;
	while (keep > 0 && ((unsigned char)s[keep] & 0xc0) == 0x80)
		keep--;
	out = xmalloc(keep + sizeof(IMPORT_CUT_NOTE));
	memcpy(out, s, keep);
	memcpy(out + keep, IMPORT_CUT_NOTE, sizeof(IMPORT_CUT_NOTE));
	return (out);
}

/* Find the sender among the users; else the fallback account. */
static enum hd_result
import_sender(struct db *db, const struct mail *m,
    const struct import_opts *o, struct import_sender *s)
{
	struct db_res	*r = NULL;
	enum hd_result	 res;

	memset(s, 0, sizeof(*s));
	if (m->from_addr != NULL) {
		if ((res = db_exec(db, STMT_USER_BY_EMAIL, &r, "s",
		    m->from_addr)) != HD_OK)
			return (res);
		if (db_res_next(r)) {
			s->known = true;
			s->actor.user_id = db_res_int(r, 0);
			s->actor.organisation_id = db_res_int(r, 1);
			s->actor.roles = (unsigned)db_res_int(r, 2);
			s->agent = ticket_actor_is_agent(&s->actor);
		}
		db_res_free(r);
	}
	if (!s->known)
		s->actor.user_id = o->fallback_id;
	return (HD_OK);
}

/* The account of unknown senders: the configured login, or _import. */
static int
import_fallback(struct db *db, int64_t *id)
{
	struct db_res	*r = NULL;
	const char	*login = cfg.tickets_import_account;

	if (login[0] == '\0') {
		login = IMPORT_ACCOUNT;
		if (db_exec(db, STMT_USER_ENSURE_SYSTEM, NULL, "ss", login,
		    IMPORT_ACCOUNT_NAME) != HD_OK)
			return (-1);
	}
	if (db_exec(db, STMT_USER_BY_LOGIN, &r, "s", login) != HD_OK)
		return (-1);
	if (!db_res_next(r)) {
		db_res_free(r);
		fprintf(stderr, "import: [tickets] import_account %s is not a "
		    "user yet (it must log in once, or run gid-helpdesk sync)\n",
		    login);
		return (-1);
	}
	*id = db_res_int(r, 0);
	db_res_free(r);
	return (0);
}

/* Import one message; returns the result and counts it. */
static enum hd_result
import_one(struct db *db, const struct import_opts *o, const char *raw,
    size_t rawlen, const char *from_line, struct import_stats *st)
{
	struct mail		*m = mail_parse(raw, rawlen);
	struct import_sender	 s;
	struct store_file	 files[MAIL_MAX_FILES + 1];
	struct ticket_actor	 seer;
	struct ticket_row	*t = NULL;
	enum hd_result		 res;
	char			 hash[SHA256_LEN * 2 + 1], when[32];
	char			 tn[TICKET_NUMBER_SIZE], *names[MAIL_MAX_FILES + 1];
	char			*title = NULL, *body = NULL, *requester = NULL;
	char			*who = NULL;
	const char		*why = NULL;
	size_t			 nfiles = 0, i;
	int64_t			 date = m->date, article_id;
	bool			 seen, cut, replayed;
	time_t			 tt;
	struct tm		 tm;

	memset(names, 0, sizeof(names));
	/* The Message-ID identifies a mail; without one, its bytes do. */
	if (m->message_id != NULL)
		sha256_hex(m->message_id, strlen(m->message_id), hash);
	else
		sha256_hex(raw, rawlen, hash);
	if ((res = ticket_store_imported(db, hash, &seen)) != HD_OK)
		goto out;
	if (seen) {
		st->skipped++;
		goto out;
	}
	if ((res = import_sender(db, m, o, &s)) != HD_OK)
		goto out;
	if (date == 0 && (from_line == NULL ||
	    mail_parse_from_line(from_line, &date) != 0))
		date = util_now_us() / 1000000;
	tt = (time_t)date;
	gmtime_r(&tt, &tm);
	strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &tm);
	body = import_body(m->body, (size_t)cfg.tickets_max_article_size, &cut);
	for (i = 0; i < m->nfiles; i++) {
		if (m->files[i].len > (size_t)cfg.tickets_max_attachment_size) {
			st->files_dropped++;
			continue;
		}
		names[nfiles] = attachment_name_clean(m->files[i].filename,
		    strlen(m->files[i].filename));
		files[nfiles].filename = names[nfiles];
		files[nfiles].data = m->files[i].data;
		files[nfiles].len = m->files[i].len;
		nfiles++;
	}
	st->files_dropped += (int)m->files_dropped;
	/* Nothing is lost: a text too long for an article is kept whole. */
	if (cut && rawlen <= (size_t)cfg.tickets_max_attachment_size) {
		names[nfiles] = xstrdup("message-original.eml");
		files[nfiles].filename = names[nfiles];
		files[nfiles].data = (const unsigned char *)raw;
		files[nfiles].len = rawlen;
		nfiles++;
	}

	/* A follow-up of a ticket we know? Everything is visible to the import. */
	memset(&seer, 0, sizeof(seer));
	seer.roles = ROLE_ADMIN;
	if (ticket_number_find(m->subject, tn) == 0 &&
	    (res = ticket_store_get(db, &seer, tn, false, &t)) == HD_OK) {
		struct article_create c;
		struct ticket_actor a = s.actor;

		memset(&c, 0, sizeof(c));
		title = import_line(m->subject, TICKET_TITLE_MAX);
		c.subject = title;
		c.body = body;
		c.sender_set = true;
		c.sender = s.agent ? SENDER_AGENT : SENDER_REFERENT;
		c.created = when;
		c.files = files;
		c.nfiles = nfiles;
		c.message_hash = hash;
		c.keep_state = true;
		/* The sender writes; the import sees every ticket. */
		a.roles |= ROLE_ADMIN;
		res = ticket_store_add_article(db, &a, tn, &c, NULL, &article_id,
		    &replayed, &why);
		if (res == HD_OK)
			st->articles++;
		goto out;
	}
	if (res != HD_OK && res != HD_NOTFOUND)
		goto out;
	{
		struct ticket_create c;

		memset(&c, 0, sizeof(c));
		title = import_line(*m->subject != '\0' ? m->subject :
		    IMPORT_NO_SUBJECT, TICKET_TITLE_MAX);
		if (ticket_text_is_blank(title)) {
			free(title);
			title = xstrdup(IMPORT_NO_SUBJECT);
		}
		if (!s.known && m->from_addr != NULL) {
			if (m->from_name != NULL)
				xasprintf(&who, "%s <%s>", m->from_name, m->from_addr);
			else
				who = xstrdup(m->from_addr);
			requester = import_line(who, TICKET_REQUESTER_MAX);
		}
		c.title = title;
		c.queue = o->queue;
		c.priority = 3;
		c.body = body;
		c.requester = requester;
		c.sender_set = true;
		c.sender = s.agent ? SENDER_AGENT : SENDER_REFERENT;
		c.state_id = o->state_id;
		c.created = when;
		c.files = files;
		c.nfiles = nfiles;
		c.message_hash = hash;
		c.any_queue = true;
		res = ticket_store_create(db, &s.actor, &c, NULL, tn, &replayed,
		    &why);
		if (res == HD_OK)
			st->tickets++;
	}
out:
	if (res != HD_OK) {
		st->failed++;
		fprintf(stderr, "import: message %d (%s): %s\n", st->messages,
		    m->message_id != NULL ? m->message_id : "no Message-ID",
		    why != NULL ? why : "database error");
	}
	for (i = 0; i < nfiles; i++)
		free(names[i]);
	ticket_row_free(t);
	free(title);
	free(body);
	free(requester);
	free(who);
	mail_free(m);
	return (res);
}

int
admin_import(int argc, char **argv)
{
	struct import_opts	 o;
	struct import_stats	 st;
	struct db_params	 p;
	struct db		*db = NULL;
	struct mbox		 box;
	struct stat		 sb;
	const struct ticket_state *state;
	const char		*path = NULL;
	char			*msg, *from;
	void			*map = NULL;
	size_t			 len;
	int			 i, fd = -1, rc = 1;

	memset(&o, 0, sizeof(o));
	memset(&st, 0, sizeof(st));
	o.queue = "autres";
	o.state_id = STATE_NEW;
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--queue") == 0 && i + 1 < argc)
			o.queue = argv[++i];
		else if (strcmp(argv[i], "--state") == 0 && i + 1 < argc) {
			if ((state = ticket_state_by_name(argv[++i])) == NULL ||
			    state->type == TST_MERGED) {
				fprintf(stderr, "import: unknown state %s\n", argv[i]);
				return (2);
			}
			o.state_id = state->id;
		} else if (argv[i][0] != '-' && path == NULL)
			path = argv[i];
		else {
			path = NULL;
			break;
		}
	}
	if (path == NULL) {
		fprintf(stderr, "usage: gid-helpdesk import [--queue CODE] "
		    "[--state NAME] FILE.mbox\n");
		return (2);
	}
	if ((fd = open(path, O_RDONLY)) < 0 || fstat(fd, &sb) != 0) {
		fprintf(stderr, "import: %s: %s\n", path, strerror(errno));
		goto out;
	}
	if (sb.st_size > 0 && (map = mmap(NULL, (size_t)sb.st_size, PROT_READ,
	    MAP_PRIVATE, fd, 0)) == MAP_FAILED) {
		map = NULL;
		fprintf(stderr, "import: %s: %s\n", path, strerror(errno));
		goto out;
	}
	admin_db_params(&p);
	db = db_create(&p);
	if (db_connect(db) != HD_OK) {
		fprintf(stderr, "import: cannot connect to the database\n");
		goto out;
	}
	if (import_fallback(db, &o.fallback_id) != 0)
		goto out;
	mbox_init(&box, map != NULL ? map : "", map != NULL ? (size_t)sb.st_size : 0);
	while ((msg = mbox_next(&box, &len, &from)) != NULL) {
		st.messages++;
		if (import_one(db, &o, msg, len, from, &st) == HD_UNAVAILABLE) {
			free(msg);
			free(from);
			fprintf(stderr, "import: the database went away; run the "
			    "import again to continue\n");
			break;
		}
		free(msg);
		free(from);
	}
	printf("import: %d messages: %d tickets created, %d articles added, "
	    "%d already imported, %d failed", st.messages, st.tickets,
	    st.articles, st.skipped, st.failed);
	if (st.files_dropped > 0)
		printf(", %d attachments left out (too large or too many)",
		    st.files_dropped);
	printf("\n");
	rc = st.failed == 0 ? 0 : 1;
out:
	db_free(db);
	if (map != NULL)
		munmap(map, (size_t)sb.st_size);
	if (fd >= 0)
		close(fd);
	return (rc);
}
