/*
 * The configuration: one INI file, every key declared once in the table in
 * conf.c with its type, bounds and default. Read-only after start-up.
 */
#ifndef CONF_H
#define CONF_H

#include <stdbool.h>
#include <stddef.h>

#include "helpdesk.h"

struct conf {
	char	*path;			/* the file it came from */

	/* [server] */
	char	*listen;		/* host:port as written */
	char	*listen_host;		/* split by conf_load */
	int	 listen_port;
	int	 workers;		/* 0 = 4 x cores, resolved by conf_load */
	char	*html_root;
	char	*log_file;
	char	*log_level;
	int	 max_body_size;		/* JSON and form bodies */
	int	 max_header_size;
	int	 timeout;		/* seconds of inactivity on a connection */
	int	 shutdown_timeout;
	char	*metrics_allow;
	char	*trusted_proxies;
	char	*origin;

	/* [database] */
	char	*db_host;
	int	 db_port;
	char	*db_socket;
	char	*db_name;
	char	*db_user;
	char	*db_password_file;
	char	*db_password;		/* read from db_password_file */
	char	*db_admin_user;		/* migrations; empty = db_user */
	char	*db_admin_password_file;
	char	*db_admin_password;
	int	 db_connect_timeout;
	int	 db_read_timeout;
	int	 db_write_timeout;
	char	*db_ssl_ca;

	/* [ldap] */
	char	*ldap_uri;
	char	*ldap_bind_dn;
	char	*ldap_bind_password_file;
	char	*ldap_bind_password;	/* read from ldap_bind_password_file */
	char	*ldap_user_base;
	char	*ldap_user_filter;
	char	*ldap_login_attribute;
	char	*ldap_referent_group;
	char	*ldap_agent_group;
	char	*ldap_admin_group;
	char	*ldap_group_membership;	/* auto | memberof | search */
	char	*ldap_member_attribute;
	char	*ldap_name_attribute;
	char	*ldap_mail_attribute;
	char	*ldap_organisation_attribute;
	char	*ldap_phone_attribute;
	bool	 ldap_start_tls;
	char	*ldap_ca_file;
	bool	 ldap_tls_require_cert;
	int	 ldap_network_timeout;
	int	 ldap_timeout;
	int	 ldap_page_size;

	/* [session] */
	int	 session_idle_timeout;
	int	 session_absolute_timeout;
	bool	 session_cookie_secure;
	int	 session_recheck_interval;

	/* [login] */
	bool	 login_throttle;
	int	 login_max_failures;
	int	 login_max_failures_address;
	int	 login_window;

	/* [tickets] */
	int	 tickets_system_id;
	int	 tickets_max_article_size;
	int	 tickets_max_attachment_size;
	bool	 tickets_organisation_visibility;
	int	 tickets_upload_ttl;
	int	 tickets_idempotency_ttl;
	char	*tickets_import_account;	/* login; "" = the built-in _import */
};

/* The running daemon's configuration; written once in main, then read-only. */
extern struct conf cfg;

/* Fill c with every default. */
void	conf_defaults(struct conf *);
/*
 * Load path into c (after conf_defaults). On failure returns -1 and
 * *errors holds every problem, one "file:line: message" per line; the
 * caller frees it. Secret files are read here.
 */
int	conf_load(struct conf *, const char *, char **);
/* Parse from memory instead of a file (tests, fuzzing); name is for messages. */
int	conf_load_buffer(struct conf *, const char *, const char *, size_t,
	    char **);
void	conf_free(struct conf *);
/* The i-th key of the table and its section; NULL past the end (tests). */
const char *conf_key_at(size_t, const char **);
/* Print every key with its value (secrets masked) for -t. */
void	conf_dump(const struct conf *);

#endif
