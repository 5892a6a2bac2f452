/*
 * The log: JSON lines, one per event, written with a single fwrite under a
 * lock so that lines from several workers never interleave. cJSON does the
 * escaping, so a CR/LF in a user name cannot forge a line.
 */
#include "helpdesk.h"

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>
#include <event2/event.h>

#include "json.h"
#include "log.h"
#include "util.h"

static pthread_mutex_t	 log_lock = PTHREAD_MUTEX_INITIALIZER;
static FILE		*log_fp;
static char		*log_path;
static enum log_level	 log_level = LOG_INFO;
static __thread const char *log_thread_name = "main";

static const char *const log_level_names[] = { "error", "warn", "info", "debug" };

static void	log_vwrite(enum log_level, const char *, va_list, int)
		    HD_PRINTFLIKE(2, 0);

/* Route libevent's own warnings into our log. */
static void
log_libevent_cb(int severity, const char *msg)
{
	switch (severity) {
	case EVENT_LOG_DEBUG:
		log_debug("libevent: %s", msg);
		break;
	case EVENT_LOG_MSG:
		log_info("libevent: %s", msg);
		break;
	case EVENT_LOG_WARN:
		log_warn("libevent: %s", msg);
		break;
	default:
		log_err("libevent: %s", msg);
		break;
	}
}

int
log_open(const char *path, enum log_level level)
{
	FILE	*fp;

	log_level = level;
	event_set_log_callback(log_libevent_cb);
	if (path == NULL || *path == '\0') {
		setvbuf(stderr, NULL, _IOLBF, 0);
		return (0);
	}
	if ((fp = fopen(path, "a")) == NULL)
		return (-1);
	setvbuf(fp, NULL, _IOLBF, 0);
	pthread_mutex_lock(&log_lock);
	if (log_fp != NULL)
		fclose(log_fp);
	log_fp = fp;
	free(log_path);
	log_path = strdup(path);
	pthread_mutex_unlock(&log_lock);
	return (0);
}

void
log_reopen(void)
{
	FILE	*fp;

	pthread_mutex_lock(&log_lock);
	if (log_path != NULL && (fp = fopen(log_path, "a")) != NULL) {
		setvbuf(fp, NULL, _IOLBF, 0);
		fclose(log_fp);
		log_fp = fp;
	}
	pthread_mutex_unlock(&log_lock);
	log_info("log reopened");
}

void
log_close(void)
{
	pthread_mutex_lock(&log_lock);
	if (log_fp != NULL)
		fclose(log_fp);
	log_fp = NULL;
	free(log_path);
	log_path = NULL;
	pthread_mutex_unlock(&log_lock);
}

void
log_set_thread(const char *name)
{
	log_thread_name = name;
}

const char *
log_thread(void)
{
	return (log_thread_name);
}

/* The length of the valid UTF-8 sequence at s (1 to 4), or 0. */
static size_t
log_utf8_seq(const unsigned char *s, size_t left)
{
	size_t	n;

	if (s[0] < 0x80)
		n = 1;
	else if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4;
	else
		return (0);
	if (n > left || util_utf8_count((const char *)s, n) != 1)
		return (0);
	return (n);
}

/*
 * cJSON copies the bytes of strings as they are, so a request target with
 * bytes that are not UTF-8 would make its access line invalid JSON, which
 * log parsers reject: a way to keep a request out of the log's readers.
 * Such bytes become U+FFFD. Returns NULL when the line is clean (the
 * usual case) or memory is short; else a new line for the caller to free.
 */
static char *
log_utf8_clean(const char *line, size_t len)
{
	const unsigned char	*s = (const unsigned char *)line;
	size_t			 i = 0, o = 0, n;
	char			*out;

	if (util_utf8_count(line, len) >= 0)
		return (NULL);
	if ((out = malloc(len * 3 + 1)) == NULL)
		return (NULL);
	while (i < len) {
		if ((n = log_utf8_seq(s + i, len - i)) == 0) {
			memcpy(out + o, "\xef\xbf\xbd", 3);
			o += 3;
			i++;
		} else {
			memcpy(out + o, s + i, n);
			o += n;
			i += n;
		}
	}
	out[o] = '\0';
	return (out);
}

/* Print obj as one line; consumes obj. */
static void
log_emit(enum log_level level, cJSON *obj)
{
	char		 ts[40];
	const char	*line;
	char		*clean;
	size_t		 len;
	FILE		*fp;
	cJSON		*out;

	/* ts, level and thread come first so that a human can read the file. */
	out = cJSON_CreateObject();
	util_time_rfc3339(ts, sizeof(ts), util_now_us());
	cJSON_AddStringToObject(out, "ts", ts);
	cJSON_AddStringToObject(out, "level", log_level_names[level]);
	cJSON_AddStringToObject(out, "thread", log_thread_name);
	while (obj != NULL && obj->child != NULL) {
		cJSON *item = cJSON_DetachItemViaPointer(obj, obj->child);
		cJSON_AddItemToObject(out, item->string, item);
	}
	cJSON_Delete(obj);
	line = json_write(out, &len);
	clean = log_utf8_clean(line, len);
	pthread_mutex_lock(&log_lock);
	fp = log_fp != NULL ? log_fp : stderr;
	if (clean != NULL)
		fputs(clean, fp);
	else
		fwrite(line, 1, len, fp);
	fputc('\n', fp);
	pthread_mutex_unlock(&log_lock);
	free(clean);
	cJSON_Delete(out);
}

void
log_event(enum log_level level, cJSON *obj)
{
	if (level > log_level) {
		cJSON_Delete(obj);
		return;
	}
	log_emit(level, obj);
}

static void
log_vwrite(enum log_level level, const char *fmt, va_list ap, int with_errno)
{
	char	 msg[2048];
	int	 saved = errno;
	cJSON	*obj;
	size_t	 len;

	if (level > log_level)
		return;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (with_errno) {
		len = strlen(msg);
		snprintf(msg + len, sizeof(msg) - len, ": %s", strerror(saved));
	}
	obj = cJSON_CreateObject();
	cJSON_AddStringToObject(obj, "msg", msg);
	log_emit(level, obj);
	errno = saved;
}

void
log_debug(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	log_vwrite(LOG_DEBUG, fmt, ap, 0);
	va_end(ap);
}

void
log_info(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	log_vwrite(LOG_INFO, fmt, ap, 0);
	va_end(ap);
}

void
log_warn(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	log_vwrite(LOG_WARN, fmt, ap, 0);
	va_end(ap);
}

void
log_err(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	log_vwrite(LOG_ERR, fmt, ap, 0);
	va_end(ap);
}

void
fatal(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	log_vwrite(LOG_ERR, fmt, ap, 1);
	va_end(ap);
	exit(1);
}

void
fatalx(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	log_vwrite(LOG_ERR, fmt, ap, 0);
	va_end(ap);
	exit(1);
}
