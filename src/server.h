/*
 * The daemon's main thread: the listening socket, the workers, the signals
 * (TERM and INT stop gracefully, HUP reopens the log).
 */
#ifndef SERVER_H
#define SERVER_H

/* Open the socket, run the workers until a stop signal; returns the exit code. */
int	server_run(void);
/* Worker i, for the metrics endpoint; NULL when out of range. */
struct worker *server_worker(int);

#endif
