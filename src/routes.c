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

	/* Reference data (api-queues.c). */
	{ M_GET, "/api/v1/queues", ROUTE_AUTH, api_queues_list, "queues" },
	{ M_POST, "/api/v1/queues", ROUTE_AUTH | ROUTE_ADMIN | ROUTE_JSON,
	    api_queues_create, "queue_create" },
	{ M_PATCH, "/api/v1/queues/{code}", ROUTE_AUTH | ROUTE_ADMIN | ROUTE_JSON,
	    api_queues_patch, "queue_patch" },
	{ M_GET, "/api/v1/priorities", ROUTE_AUTH, api_priorities_list,
	    "priorities" },
	{ M_GET, "/api/v1/states", ROUTE_AUTH, api_states_list, "states" },
	{ M_GET, "/api/v1/organisations", ROUTE_AUTH | ROUTE_AGENT,
	    api_organisations_list, "organisations" },
	{ M_GET, "/api/v1/agents", ROUTE_AUTH | ROUTE_AGENT, api_agents_list,
	    "agents" },

	/* Tickets (api-tickets.c). */
	{ M_GET, "/api/v1/tickets", ROUTE_AUTH, api_tickets_list, "tickets" },
	{ M_POST, "/api/v1/tickets", ROUTE_AUTH | ROUTE_JSON, api_tickets_create,
	    "ticket_create" },
	{ M_GET, "/api/v1/tickets/{number}", ROUTE_AUTH, api_tickets_get,
	    "ticket" },
	{ M_PATCH, "/api/v1/tickets/{number}", ROUTE_AUTH | ROUTE_JSON,
	    api_tickets_patch, "ticket_patch" },
	{ M_POST, "/api/v1/tickets/{number}/articles", ROUTE_AUTH | ROUTE_JSON,
	    api_tickets_add_article, "ticket_article" },
	{ M_GET, "/api/v1/tickets/{number}/history", ROUTE_AUTH,
	    api_tickets_history, "ticket_history" },

	/* Files (api-uploads.c): raw bodies up to [tickets] max_attachment_size. */
	{ M_POST, "/api/v1/uploads", ROUTE_AUTH | ROUTE_UPLOAD, api_uploads_create,
	    "upload" },
	{ M_GET, "/api/v1/attachments/{id}", ROUTE_AUTH, api_attachments_get,
	    "attachment" },
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
