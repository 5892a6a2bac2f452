/*
 * The route table: every URL the daemon answers, with its methods and the
 * gates the router applies before the handler runs. Read this file to find
 * where a request goes. Order matters only for the catch-all at the end.
 */
#include "helpdesk.h"

#include "api.h"
#include "router.h"

const struct route routes[] = {
	{ M_GET, "/healthz", 0, api_health_live, "healthz" },
	{ M_GET, "/readyz", 0, api_health_ready, "readyz" },
	{ M_GET, "/metrics", ROUTE_LOCAL, api_health_metrics, "metrics" },

	/* Logging in and out, the user, the user's API tokens. */
	{ M_POST, "/api/v1/session", ROUTE_JSON | ROUTE_LOGIN,
	    api_session_create, "session_create" },
	{ M_DELETE, "/api/v1/session", ROUTE_AUTH | ROUTE_JSON,
	    api_session_delete, "session_delete" },
	{ M_GET, "/api/v1/me", ROUTE_AUTH, api_me_get, "me" },
	{ M_PATCH, "/api/v1/me", ROUTE_AUTH | ROUTE_JSON, api_me_patch,
	    "me_update" },
	{ M_GET, "/api/v1/tokens", ROUTE_AUTH, api_tokens_list, "tokens" },
	{ M_POST, "/api/v1/tokens", ROUTE_AUTH | ROUTE_JSON, api_tokens_create,
	    "token_create" },
	{ M_DELETE, "/api/v1/tokens/{id}", ROUTE_AUTH, api_tokens_revoke,
	    "token_revoke" },

	/* Everything else that is not under /api/ is a file of the portal. */
	{ M_GET, "/*", ROUTE_STATIC, static_serve, "static" },
};

const int routes_count = (int)HD_NELEM(routes);
