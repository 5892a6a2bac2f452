/*
 * Logging: one JSON object per line on stderr (journald keeps it) or in a
 * file reopened on SIGHUP. Never pass passwords, tokens or cookies here.
 */
#ifndef LOG_H
#define LOG_H

#include "helpdesk.h"

struct cJSON;

enum log_level { LOG_ERR = 0, LOG_WARN, LOG_INFO, LOG_DEBUG };

/* Open the log: path NULL or "" means stderr. Returns -1 with errno set. */
int	 log_open(const char *path, enum log_level);
/* Reopen the file after logrotate moved it (SIGHUP); stderr stays as is. */
void	 log_reopen(void);
void	 log_close(void);
/* Name the calling thread in its log lines ("main", "w3"). Borrowed, static. */
void	 log_set_thread(const char *);
const char *log_thread(void);

void	 log_debug(const char *, ...) HD_PRINTFLIKE(1, 2);
void	 log_info(const char *, ...) HD_PRINTFLIKE(1, 2);
void	 log_warn(const char *, ...) HD_PRINTFLIKE(1, 2);
void	 log_err(const char *, ...) HD_PRINTFLIKE(1, 2);
/* Write an event object as one line; adds ts, level, thread. Consumes obj. */
void	 log_event(enum log_level, struct cJSON *obj);

/* Log and exit(1): for start-up failures and bugs, never on the request path. */
void	 fatal(const char *, ...) HD_PRINTFLIKE(1, 2) HD_DEAD;	/* appends strerror(errno) */
void	 fatalx(const char *, ...) HD_PRINTFLIKE(1, 2) HD_DEAD;

#endif
