/*
 * Allocators that never return NULL: out of memory is fatal. Use them at
 * start-up and on the request path alike; a worker that cannot allocate a
 * few bytes cannot do anything useful either.
 */
#ifndef XMALLOC_H
#define XMALLOC_H

#include <stddef.h>

#include "helpdesk.h"

void	*xmalloc(size_t);
void	*xcalloc(size_t, size_t);
void	*xrealloc(void *, size_t);
void	*xreallocarray(void *, size_t, size_t);
char	*xstrdup(const char *);
char	*xstrndup(const char *, size_t);
void	*xmemdup(const void *, size_t);
int	 xasprintf(char **, const char *, ...) HD_PRINTFLIKE(2, 3);
/* Wipe then free a secret (password, token); NULL does nothing. */
void	 xfree_secret(char *);

#endif
