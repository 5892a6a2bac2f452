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
