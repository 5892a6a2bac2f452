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

/* static.c */
void	static_serve(struct hd_req *);

#endif
