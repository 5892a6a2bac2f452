/*
 * The request as our code sees it, and the route table that maps a method
 * and a path pattern to a handler with the gates it needs (routes.c).
 */
#ifndef ROUTER_H
#define ROUTER_H

#include <stdbool.h>
#include <stdint.h>

#include "helpdesk.h"
#include "session.h"

struct evhttp_request;
struct worker;
struct user;

#define ROUTE_AUTH	0x0001	/* a session cookie or a Bearer token */
#define ROUTE_AGENT	0x0002	/* agent or admin */
#define ROUTE_ADMIN	0x0004	/* admin */
#define ROUTE_JSON	0x0008	/* a body, if any, must be application/json */
#define ROUTE_UPLOAD	0x0010	/* body up to [tickets] max_attachment_size */
#define ROUTE_LOGIN	0x0020	/* unauthenticated write: Origin checked, no CSRF token */
#define ROUTE_LOCAL	0x0040	/* only from [server] metrics_allow */
#define ROUTE_STATIC	0x0080	/* files from html_root */

#define ROUTE_MAX_PARAMS	4
#define REQ_MAX_QUERY		32

/* The methods a route may accept (a subset of evhttp's). */
#define M_GET		0x01
#define M_POST		0x02
#define M_PUT		0x04
#define M_PATCH		0x08
#define M_DELETE	0x10
#define M_HEAD		0x20	/* implied by M_GET */

struct hd_req;
typedef void route_handler(struct hd_req *);

struct route {
	unsigned	 methods;
	const char	*pattern;	/* "/api/v1/tickets/{number}" */
	unsigned	 flags;
	route_handler	*handler;
	const char	*name;		/* for logs and metrics */
};

struct req_param {
	char	*key;
	char	*value;
};

/*
 * One request, on the dispatcher's stack for the duration of the handler.
 * Strings are owned by the struct and freed by the router.
 */
struct hd_req {
	struct evhttp_request	*req;
	struct worker		*w;
	unsigned		 method;	/* M_* */
	const char		*method_name;
	char			*path;		/* percent-decoded */
	const char		*params[ROUTE_MAX_PARAMS];
	char			*pathbuf;	/* params point into it */
	struct req_param	 query[REQ_MAX_QUERY];
	int			 nquery;
	char			 id[24];	/* X-Request-Id */
	char			 client_ip[64];
	int64_t			 start_us;	/* monotonic */
	const struct route	*route;
	int			 route_index;

	struct user		*user;		/* NULL until authenticated */
	struct session		 session;	/* valid when user != NULL */

	int			 status;	/* what was sent */
	size_t			 bytes;
	bool			 replied;
};

/* The table (routes.c) and its size. */
extern const struct route	routes[];
extern const int		routes_count;

/* evhttp's generic callback: every request enters here. arg is the worker. */
void	router_dispatch_cb(struct evhttp_request *, void *);
/*
 * Match method and path against a table. Returns the route index or -1;
 * *allowed gets the methods of the routes whose pattern matched (for 405).
 * buf is a copy of the path; params receive pointers into it.
 */
int	router_match(const struct route *, int, const char *, unsigned, char *,
	    const char **, unsigned *);

#endif
