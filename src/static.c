/*
 * Static files (libevent sample/http-server.c send_document_cb, made
 * strict): the path is checked segment by segment, then the real path of
 * the file must still lie under the real root, so a symlink cannot lead
 * out of it. Files go out with sendfile through evbuffer_add_file.
 */
#include "helpdesk.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/http.h>

#include "log.h"
#include "reply.h"
#include "request.h"
#include "router.h"
#include "static.h"
#include "xmalloc.h"

static char	*static_root;
static size_t	 static_root_len;

void
static_init(const char *root)
{
	char	buf[PATH_MAX];

	if (realpath(root, buf) == NULL)
		fatal("html_root %s", root);
	free(static_root);
	static_root = xstrdup(buf);
	static_root_len = strlen(static_root);
}

void
static_free(void)
{
	free(static_root);
	static_root = NULL;
}

int
static_path_ok(const char *path)
{
	const char	*seg, *end;
	size_t		 len;

	if (path[0] != '/' || strchr(path, '\\') != NULL)
		return (-1);
	for (seg = path + 1; ; seg = end + 1) {
		end = strchr(seg, '/');
		len = end != NULL ? (size_t)(end - seg) : strlen(seg);
		/* A trailing slash is allowed only for the root itself. */
		if (len == 0 && (end != NULL || seg != path + 1))
			return (-1);
		if (len > 0 && seg[0] == '.')
			return (-1);	/* ".", "..", hidden files */
		if (end == NULL)
			break;
	}
	return (0);
}

const char *
static_mime_type(const char *name)
{
	static const struct {
		const char	*ext;
		const char	*type;
	} types[] = {
		{ ".html", "text/html; charset=utf-8" },
		{ ".css", "text/css; charset=utf-8" },
		{ ".js", "text/javascript; charset=utf-8" },
		{ ".mjs", "text/javascript; charset=utf-8" },
		{ ".json", "application/json; charset=utf-8" },
		{ ".svg", "image/svg+xml" },
		{ ".png", "image/png" },
		{ ".jpg", "image/jpeg" },
		{ ".ico", "image/x-icon" },
		{ ".woff2", "font/woff2" },
		{ ".txt", "text/plain; charset=utf-8" },
		{ ".webmanifest", "application/manifest+json" },
	};
	const char	*dot = strrchr(name, '.');
	size_t		 i;

	if (dot != NULL && strchr(dot, '/') == NULL) {
		for (i = 0; i < HD_NELEM(types); i++) {
			if (strcmp(dot, types[i].ext) == 0)
				return (types[i].type);
		}
	}
	return ("application/octet-stream");
}

static void
static_not_found(struct hd_req *r)
{
	reply_error(r, 404, "not_found", "Not found.");
}

void
static_serve(struct hd_req *r)
{
	char		 full[PATH_MAX], real[PATH_MAX], etag[64];
	const char	*path = r->path, *inm;
	struct stat	 st;
	struct evbuffer	*buf = NULL;
	int		 fd = -1;

	if (strcmp(path, "/") == 0)
		path = "/index.html";
	if (static_path_ok(path) != 0) {
		static_not_found(r);
		return;
	}
	if ((size_t)snprintf(full, sizeof(full), "%s%s", static_root, path) >=
	    sizeof(full)) {
		static_not_found(r);
		return;
	}
	/* Symlinks are followed only if they stay inside the root. */
	if (realpath(full, real) == NULL ||
	    strncmp(real, static_root, static_root_len) != 0 ||
	    real[static_root_len] != '/') {
		static_not_found(r);
		return;
	}
	if ((fd = open(real, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) == -1 ||
	    fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		if (fd != -1)
			close(fd);
		static_not_found(r);	/* directories too: no listings */
		return;
	}
	snprintf(etag, sizeof(etag), "\"%llx-%llx\"",
	    (unsigned long long)st.st_size,
	    (unsigned long long)st.st_mtim.tv_sec * 1000000000ULL +
	    (unsigned long long)st.st_mtim.tv_nsec);
	reply_header(r, "ETag", etag);
	/* Always revalidate: a new release must never mix with a cached one. */
	reply_header(r, "Cache-Control", "no-cache");
	inm = request_header(r, "If-None-Match");
	if (inm != NULL && strcmp(inm, etag) == 0) {
		close(fd);
		reply_empty(r, 304);
		return;
	}
	buf = evbuffer_new();
	if (st.st_size > 0) {
		if (evbuffer_add_file(buf, fd, 0, st.st_size) != 0) {
			evbuffer_free(buf);
			reply_error(r, 500, "internal", "could not read the file");
			return;
		}
	} else
		close(fd);	/* evbuffer_add_file owns fd only when it is added */
	reply_buffer(r, 200, static_mime_type(real), buf);
	evbuffer_free(buf);
}
