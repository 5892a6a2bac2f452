/*
 * The route handlers, one file per resource (api-*.c). Each takes the
 * request, checks its input, calls the model and replies exactly once.
 */
#ifndef API_H
#define API_H

struct hd_req;

/* api-health.c */
void	api_health_live(struct hd_req *);
void	api_health_ready(struct hd_req *);
void	api_health_metrics(struct hd_req *);

/* api-tickets.c */
void	api_tickets_list(struct hd_req *);
void	api_tickets_create(struct hd_req *);
void	api_tickets_get(struct hd_req *);
void	api_tickets_patch(struct hd_req *);
void	api_tickets_add_article(struct hd_req *);
void	api_tickets_history(struct hd_req *);

/* api-queues.c */
void	api_queues_list(struct hd_req *);
void	api_queues_create(struct hd_req *);
void	api_queues_patch(struct hd_req *);
void	api_priorities_list(struct hd_req *);
void	api_states_list(struct hd_req *);
void	api_organisations_list(struct hd_req *);
void	api_agents_list(struct hd_req *);

/* api-uploads.c */
void	api_uploads_create(struct hd_req *);
void	api_attachments_get(struct hd_req *);
/* api-session.c */
void	api_session_create(struct hd_req *);
void	api_session_delete(struct hd_req *);
void	api_me_get(struct hd_req *);
void	api_me_patch(struct hd_req *);

/* api-tokens.c */
void	api_tokens_list(struct hd_req *);
void	api_tokens_create(struct hd_req *);
void	api_tokens_revoke(struct hd_req *);

/* static.c */
void	static_serve(struct hd_req *);

#endif
