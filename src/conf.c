/*
 * Configuration: the table of every key (section, name, type, bounds,
 * default, field) and a small INI reader that reports every problem as
 * "file:line: message" before the daemon refuses to start.
 */
#include "helpdesk.h"

#include <sys/stat.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"
#include "log.h"
#include "netaddr.h"
#include "util.h"
#include "xmalloc.h"

#ifndef HD_DATADIR
#define HD_DATADIR "/usr/share/gid-helpdesk"
#endif

struct conf cfg;

enum conf_type { CONF_STR, CONF_INT, CONF_BOOL, CONF_ENUM };

struct conf_key {
	const char	*section;
	const char	*name;
	enum conf_type	 type;
	long long	 min;		/* CONF_INT */
	long long	 max;
	const char	*def;		/* default, as it would be written */
	const char	*choices;	/* CONF_ENUM: "a|b|c" */
	size_t		 offset;
	size_t		 secret;	/* the file names a secret: where its content goes */
};

#define S(sec, key, def, field) \
	{ sec, key, CONF_STR, 0, 0, def, NULL, offsetof(struct conf, field), 0 }
#define F(sec, key, def, field, secret) \
	{ sec, key, CONF_STR, 0, 0, def, NULL, offsetof(struct conf, field), \
	    offsetof(struct conf, secret) }
#define I(sec, key, min, max, def, field) \
	{ sec, key, CONF_INT, min, max, def, NULL, offsetof(struct conf, field), 0 }
#define B(sec, key, def, field) \
	{ sec, key, CONF_BOOL, 0, 0, def, NULL, offsetof(struct conf, field), 0 }
#define E(sec, key, choices, def, field) \
	{ sec, key, CONF_ENUM, 0, 0, def, choices, offsetof(struct conf, field), 0 }

/* Every key the daemon knows; etc/gid-helpdesk.conf.sample documents each. */
static const struct conf_key conf_keys[] = {
	S("server", "listen", "127.0.0.1:8080", listen),
	I("server", "workers", 0, 256, "0", workers),
	S("server", "html_root", HD_DATADIR "/html", html_root),
	S("server", "log_file", "", log_file),
	E("server", "log_level", "error|warn|info|debug", "info", log_level),
	I("server", "max_body_size", 1024, 64 << 20, "1048576", max_body_size),
	I("server", "max_header_size", 1024, 1 << 20, "16384", max_header_size),
	I("server", "timeout", 1, 3600, "15", timeout),
	I("server", "shutdown_timeout", 0, 600, "10", shutdown_timeout),
	S("server", "metrics_allow", "127.0.0.1 ::1", metrics_allow),
	S("server", "trusted_proxies", "", trusted_proxies),
	S("server", "origin", "", origin),

	S("database", "host", "127.0.0.1", db_host),
	I("database", "port", 1, 65535, "3306", db_port),
	S("database", "socket", "", db_socket),
	S("database", "name", "gid_helpdesk", db_name),
	S("database", "user", "gid_helpdesk", db_user),
	F("database", "password_file", "", db_password_file, db_password),
	S("database", "admin_user", "", db_admin_user),
	F("database", "admin_password_file", "", db_admin_password_file, db_admin_password),
	I("database", "connect_timeout", 1, 300, "3", db_connect_timeout),
	I("database", "read_timeout", 1, 3600, "30", db_read_timeout),
	I("database", "write_timeout", 1, 3600, "30", db_write_timeout),
	S("database", "ssl_ca", "", db_ssl_ca),

	S("ldap", "uri", "ldap://127.0.0.1:389", ldap_uri),
	S("ldap", "bind_dn", "", ldap_bind_dn),
	F("ldap", "bind_password_file", "", ldap_bind_password_file, ldap_bind_password),
	S("ldap", "user_base", "", ldap_user_base),
	S("ldap", "user_filter", "(&(objectClass=inetOrgPerson)(uid=%s))", ldap_user_filter),
	S("ldap", "login_attribute", "uid", ldap_login_attribute),
	S("ldap", "referent_group", "", ldap_referent_group),
	S("ldap", "agent_group", "", ldap_agent_group),
	S("ldap", "admin_group", "", ldap_admin_group),
	E("ldap", "group_membership", "auto|memberof|search", "auto", ldap_group_membership),
	S("ldap", "member_attribute", "member", ldap_member_attribute),
	S("ldap", "name_attribute", "cn", ldap_name_attribute),
	S("ldap", "mail_attribute", "mail", ldap_mail_attribute),
	S("ldap", "organisation_attribute", "ou", ldap_organisation_attribute),
	S("ldap", "phone_attribute", "telephoneNumber", ldap_phone_attribute),
	B("ldap", "start_tls", "no", ldap_start_tls),
	S("ldap", "ca_file", "", ldap_ca_file),
	B("ldap", "tls_require_cert", "yes", ldap_tls_require_cert),
	I("ldap", "network_timeout", 1, 300, "3", ldap_network_timeout),
	I("ldap", "timeout", 1, 300, "5", ldap_timeout),
	I("ldap", "page_size", 10, 10000, "500", ldap_page_size),

	I("session", "idle_timeout", 1, 86400 * 30, "1800", session_idle_timeout),
	I("session", "absolute_timeout", 1, 86400 * 90, "36000", session_absolute_timeout),
	B("session", "cookie_secure", "no", session_cookie_secure),
	I("session", "recheck_interval", 1, 86400, "900", session_recheck_interval),

	B("login", "throttle", "yes", login_throttle),
	I("login", "max_failures", 1, 1000, "5", login_max_failures),
	I("login", "max_failures_per_address", 1, 100000, "30", login_max_failures_address),
	I("login", "window", 1, 86400, "900", login_window),

	I("tickets", "system_id", 0, 99, "10", tickets_system_id),
	I("tickets", "max_article_size", 1024, 16 << 20, "65536", tickets_max_article_size),
	I("tickets", "max_attachment_size", 1024, 64 << 20, "10485760", tickets_max_attachment_size),
	B("tickets", "organisation_visibility", "no", tickets_organisation_visibility),
	I("tickets", "upload_ttl", 60, 86400 * 7, "3600", tickets_upload_ttl),
	I("tickets", "idempotency_ttl", 3600, 86400 * 30, "86400", tickets_idempotency_ttl),
	S("tickets", "import_account", "", tickets_import_account),
};

/* Errors are gathered in one growing string, one line each. */
struct conf_errors {
	char	*buf;
	size_t	 len;
	int	 count;
};

static void HD_PRINTFLIKE(4, 5)
conf_error(struct conf_errors *e, const char *file, int line, const char *fmt, ...)
{
	char	 msg[1024];
	char	*lineb;
	int	 n;
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (line > 0)
		n = xasprintf(&lineb, "%s:%d: %s\n", file, line, msg);
	else
		n = xasprintf(&lineb, "%s: %s\n", file, msg);
	e->buf = xrealloc(e->buf, e->len + (size_t)n + 1);
	memcpy(e->buf + e->len, lineb, (size_t)n + 1);
	e->len += (size_t)n;
	e->count++;
	free(lineb);
}

static char **
conf_str_field(struct conf *c, const struct conf_key *k)
{
	return ((char **)(void *)((char *)c + k->offset));
}

/* Check and store one value; returns a static reason on failure. */
static const char *
conf_set(struct conf *c, const struct conf_key *k, const char *value)
{
	long long	 n;
	const char	*errstr;
	const char	*p;
	size_t		 len;

	switch (k->type) {
	case CONF_STR:
		free(*conf_str_field(c, k));
		*conf_str_field(c, k) = xstrdup(value);
		return (NULL);
	case CONF_INT:
		if (util_strtonum(value, k->min, k->max, &n, &errstr) != 0)
			return (errstr);
		*(int *)(void *)((char *)c + k->offset) = (int)n;
		return (NULL);
	case CONF_BOOL:
		if (strcmp(value, "yes") == 0 || strcmp(value, "true") == 0 ||
		    strcmp(value, "on") == 0 || strcmp(value, "1") == 0)
			*(bool *)(void *)((char *)c + k->offset) = true;
		else if (strcmp(value, "no") == 0 || strcmp(value, "false") == 0 ||
		    strcmp(value, "off") == 0 || strcmp(value, "0") == 0)
			*(bool *)(void *)((char *)c + k->offset) = false;
		else
			return ("expected yes or no");
		return (NULL);
	case CONF_ENUM:
		len = strlen(value);
		for (p = k->choices; p != NULL; p = strchr(p, '|')) {
			if (*p == '|')
				p++;
			if (strncmp(p, value, len) == 0 &&
			    (p[len] == '|' || p[len] == '\0')) {
				free(*conf_str_field(c, k));
				*conf_str_field(c, k) = xstrdup(value);
				return (NULL);
			}
		}
		return ("not one of the allowed values");
	}
	return ("unknown type");
}

void
conf_defaults(struct conf *c)
{
	const struct conf_key	*k;

	memset(c, 0, sizeof(*c));
	for (k = conf_keys; k < conf_keys + HD_NELEM(conf_keys); k++) {
		if (conf_set(c, k, k->def) != NULL)
			fatalx("bad default for %s.%s", k->section, k->name);
	}
}

static const struct conf_key *
conf_find(const char *section, const char *name)
{
	const struct conf_key	*k;

	for (k = conf_keys; k < conf_keys + HD_NELEM(conf_keys); k++) {
		if (strcmp(k->section, section) == 0 && strcmp(k->name, name) == 0)
			return (k);
	}
	return (NULL);
}

static bool
conf_section_known(const char *section)
{
	const struct conf_key	*k;

	for (k = conf_keys; k < conf_keys + HD_NELEM(conf_keys); k++) {
		if (strcmp(k->section, section) == 0)
			return (true);
	}
	return (false);
}

/*
 * Cut an inline comment: ';' or '#' at the start of the value or after a
 * space. A value in double quotes keeps everything between them.
 */
static char *
conf_value(char *v, bool *bad_quote)
{
	char	*p;

	*bad_quote = false;
	v = util_trim(v);
	if (*v == '"') {
		if ((p = strchr(v + 1, '"')) == NULL) {
			*bad_quote = true;
			return (v);
		}
		*p = '\0';
		p = util_trim(p + 1);
		if (*p != '\0' && *p != ';' && *p != '#')
			*bad_quote = true;
		return (v + 1);
	}
	if (*v == ';' || *v == '#')
		return (v + strlen(v));
	for (p = v; *p != '\0'; p++) {
		if ((*p == ';' || *p == '#') && (p[-1] == ' ' || p[-1] == '\t')) {
			*p = '\0';
			break;
		}
	}
	return (util_trim(v));
}

/* Read a secret file: the first line, without its newline. */
static char *
conf_read_secret(const char *path, const char **why, bool *loose)
{
	FILE		*fp;
	struct stat	 st;
	char		 buf[4096];
	char		*secret;
	size_t		 n;

	*loose = false;
	if ((fp = fopen(path, "r")) == NULL) {
		*why = strerror(errno);
		return (NULL);
	}
	if (fstat(fileno(fp), &st) == 0 && (st.st_mode & 077) != 0)
		*loose = true;
	n = fread(buf, 1, sizeof(buf) - 1, fp);
	if (ferror(fp)) {
		*why = strerror(errno);
		fclose(fp);
		return (NULL);
	}
	fclose(fp);
	buf[n] = '\0';
	buf[strcspn(buf, "\r\n")] = '\0';
	if (n == sizeof(buf) - 1) {
		explicit_bzero(buf, sizeof(buf));
		*why = "secret is longer than 4095 bytes";
		return (NULL);
	}
	secret = xstrdup(buf);
	explicit_bzero(buf, sizeof(buf));
	return (secret);
}

/* The line a key was set on (0 when it kept its default). */
static int
conf_line_of(const int *lines, size_t offset)
{
	const struct conf_key	*k;

	for (k = conf_keys; k < conf_keys + HD_NELEM(conf_keys); k++) {
		if (k->offset == offset)
			return (lines[k - conf_keys]);
	}
	return (0);
}

/* Split "host:port" or "[v6]:port"; returns -1 when malformed. */
static int
conf_split_listen(struct conf *c)
{
	char		*s, *colon, *host;
	long long	 port;
	const char	*errstr;

	s = xstrdup(c->listen);
	if ((colon = strrchr(s, ':')) == NULL) {
		free(s);
		return (-1);
	}
	*colon = '\0';
	host = s;
	if (*host == '[') {
		size_t len = strlen(host);

		if (len < 3 || host[len - 1] != ']') {
			free(s);
			return (-1);
		}
		host[len - 1] = '\0';
		host++;
	}
	if (*host == '\0' ||
	    util_strtonum(colon + 1, 1, 65535, &port, &errstr) != 0) {
		free(s);
		return (-1);
	}
	free(c->listen_host);
	c->listen_host = xstrdup(host);
	c->listen_port = (int)port;
	free(s);
	return (0);
}

int
conf_load_buffer(struct conf *c, const char *name, const char *data,
    size_t len, char **errors)
{
	struct conf_errors	 e = { NULL, 0, 0 };
	const struct conf_key	*k;
	char			 section[64] = "";
	char			*copy, *line, *next, *eq, *key, *value;
	int			 lineno = 0;
	int			 lines[HD_NELEM(conf_keys)];
	bool			 bad_quote, loose;
	const char		*why;
	struct stat		 st;
	long			 ncpu;
	char			 bad[64];

	memset(lines, 0, sizeof(lines));
	copy = xmalloc(len + 1);
	memcpy(copy, data, len);
	copy[len] = '\0';
	if (strlen(copy) != len)
		conf_error(&e, name, 0, "file contains a NUL byte");

	for (line = copy; line != NULL && e.count < 100; line = next) {
		lineno++;
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		if (strlen(line) > 4096) {
			conf_error(&e, name, lineno, "line too long");
			continue;
		}
		line = util_trim(line);
		if (*line == '\0' || *line == ';' || *line == '#')
			continue;
		if (*line == '[') {
			char *end = strchr(line, ']');

			if (end == NULL || *util_trim(end + 1) != '\0' ||
			    (size_t)(end - line - 1) >= sizeof(section)) {
				conf_error(&e, name, lineno, "malformed section header");
				section[0] = '\0';
				continue;
			}
			*end = '\0';
			snprintf(section, sizeof(section), "%s", util_trim(line + 1));
			if (!conf_section_known(section)) {
				conf_error(&e, name, lineno, "unknown section [%s]",
				    section);
				section[0] = '\0';
			}
			continue;
		}
		if ((eq = strchr(line, '=')) == NULL) {
			conf_error(&e, name, lineno, "expected key = value");
			continue;
		}
		*eq = '\0';
		key = util_trim(line);
		value = conf_value(eq + 1, &bad_quote);
		if (section[0] == '\0') {
			conf_error(&e, name, lineno, "key %s outside a known section",
			    key);
			continue;
		}
		if ((k = conf_find(section, key)) == NULL) {
			conf_error(&e, name, lineno, "unknown key %s in [%s]", key,
			    section);
			continue;
		}
		if (bad_quote) {
			conf_error(&e, name, lineno, "%s: unbalanced quotes", key);
			continue;
		}
		if (lines[k - conf_keys] != 0) {
			conf_error(&e, name, lineno, "%s already set on line %d", key,
			    lines[k - conf_keys]);
			continue;
		}
		lines[k - conf_keys] = lineno;
		if ((why = conf_set(c, k, value)) != NULL)
			conf_error(&e, name, lineno, "%s: bad value \"%s\": %s", key,
			    value, why);
	}
	free(copy);

	/* Checks that need the whole file, reported at the key's line. */
#define LINE_OF(field) conf_line_of(lines, offsetof(struct conf, field))
	if (conf_split_listen(c) != 0)
		conf_error(&e, name, LINE_OF(listen),
		    "listen: expected host:port, got \"%s\"", c->listen);
	if (c->workers == 0) {
		ncpu = sysconf(_SC_NPROCESSORS_ONLN);
		c->workers = ncpu > 0 ? (int)(ncpu * 4 > 256 ? 256 : ncpu * 4) : 4;
	}
	if (stat(c->html_root, &st) != 0 || !S_ISDIR(st.st_mode))
		conf_error(&e, name, LINE_OF(html_root),
		    "html_root: %s is not a directory", c->html_root);
	for (k = conf_keys; k < conf_keys + HD_NELEM(conf_keys); k++) {
		char **dst, *path;

		if (k->secret == 0 || *(path = *conf_str_field(c, k)) == '\0')
			continue;
		dst = (char **)(void *)((char *)c + k->secret);
		xfree_secret(*dst);
		if ((*dst = conf_read_secret(path, &why, &loose)) == NULL)
			conf_error(&e, name, lines[k - conf_keys],
			    "%s: cannot read %s: %s", k->name, path, why);
		else if (loose)
			log_warn("%s: %s can be read by group or others",
			    k->name, path);
	}
	if (!netaddr_list_valid(c->metrics_allow, bad, sizeof(bad)))
		conf_error(&e, name, LINE_OF(metrics_allow),
		    "metrics_allow: \"%s\" is not an address or CIDR", bad);
	if (!netaddr_list_valid(c->trusted_proxies, bad, sizeof(bad)))
		conf_error(&e, name, LINE_OF(trusted_proxies),
		    "trusted_proxies: \"%s\" is not an address or CIDR", bad);
	if (c->session_idle_timeout > c->session_absolute_timeout)
		conf_error(&e, name, LINE_OF(session_idle_timeout),
		    "idle_timeout is longer than absolute_timeout");
	if (strstr(c->ldap_user_filter, "%s") == NULL ||
	    strstr(strstr(c->ldap_user_filter, "%s") + 2, "%s") != NULL ||
	    strchr(c->ldap_user_filter, '%') != strstr(c->ldap_user_filter, "%s"))
		conf_error(&e, name, LINE_OF(ldap_user_filter),
		    "user_filter must contain %%s exactly once and no other %%");
#undef LINE_OF

	*errors = e.buf;
	return (e.count == 0 ? 0 : -1);
}

int
conf_load(struct conf *c, const char *path, char **errors)
{
	FILE	*fp;
	char	*data = NULL;
	size_t	 len = 0, n;
	char	 buf[8192];
	int	 rc;

	*errors = NULL;
	if ((fp = fopen(path, "r")) == NULL) {
		xasprintf(errors, "%s: cannot open: %s\n", path, strerror(errno));
		return (-1);
	}
	while ((n = fread(buf, 1, sizeof(buf), fp)) > 0) {
		if (len + n > 1 << 20) {
			fclose(fp);
			free(data);
			xasprintf(errors, "%s: larger than 1 MiB\n", path);
			return (-1);
		}
		data = xrealloc(data, len + n + 1);
		memcpy(data + len, buf, n);
		len += n;
	}
	fclose(fp);
	free(c->path);
	c->path = xstrdup(path);
	rc = conf_load_buffer(c, path, data == NULL ? "" : data, len, errors);
	free(data);
	return (rc);
}

void
conf_free(struct conf *c)
{
	const struct conf_key	*k;

	for (k = conf_keys; k < conf_keys + HD_NELEM(conf_keys); k++) {
		if (k->type == CONF_STR || k->type == CONF_ENUM)
			free(*conf_str_field(c, k));
	}
	free(c->path);
	free(c->listen_host);
	for (k = conf_keys; k < conf_keys + HD_NELEM(conf_keys); k++) {
		if (k->secret != 0)
			xfree_secret(*(char **)(void *)((char *)c + k->secret));
	}
	memset(c, 0, sizeof(*c));
}

void
conf_dump(const struct conf *c)
{
	const struct conf_key	*k;
	const char		*last = "";

	for (k = conf_keys; k < conf_keys + HD_NELEM(conf_keys); k++) {
		const char *base = (const char *)c + k->offset;

		if (strcmp(last, k->section) != 0)
			printf("%s[%s]\n", *last ? "\n" : "", k->section);
		last = k->section;
		switch (k->type) {
		case CONF_STR:
		case CONF_ENUM:
			printf("%s = %s\n", k->name, *(char *const *)(const void *)base);
			break;
		case CONF_INT:
			printf("%s = %d\n", k->name, *(const int *)(const void *)base);
			break;
		case CONF_BOOL:
			printf("%s = %s\n", k->name,
			    *(const bool *)(const void *)base ? "yes" : "no");
			break;
		}
	}
}

const char *
conf_key_at(size_t i, const char **section)
{
	if (i >= HD_NELEM(conf_keys))
		return (NULL);
	*section = conf_keys[i].section;
	return (conf_keys[i].name);
}
