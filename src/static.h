/*
 * The portal's files from html_root: MIME types, ETag and 304, and never a
 * byte from outside the root (dot segments, encoded slashes, symlinks).
 */
#ifndef STATIC_H
#define STATIC_H

#include <stddef.h>

struct hd_req;

/* Resolve the root once at start-up (fatal if it does not exist). */
void		 static_init(const char *);
void		 static_free(void);
/* Route handler for GET/HEAD of any non-API path. */
void		 static_serve(struct hd_req *);
/*
 * Check a decoded URL path for serving: starts with '/', no empty, "."
 * or ".." segments, no hidden files, no backslash. Returns 0 when safe.
 */
int		 static_path_ok(const char *);
/* The Content-Type for a file name; static string. */
const char	*static_mime_type(const char *);

#endif
