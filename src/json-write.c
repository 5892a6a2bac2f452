/*
 * JSON output: a cJSON tree written in one pass into a buffer that each
 * thread keeps and reuses, byte for byte what cJSON_PrintUnformatted
 * writes. Every reply and every log line goes through it; cJSON's own
 * printer grew a fresh buffer by reallocation for each and printed every
 * number with sprintf and read it back with sscanf, which profiles of the
 * list views showed as a large share of the daemon's time.
 */
#include "helpdesk.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "json.h"
#include "xmalloc.h"

/* A buffer larger than this after a reply is given back rather than kept. */
#define JSON_WRITE_KEEP	(256 * 1024)

struct json_out {
	char	*buf;
	size_t	 len;
	size_t	 size;
};

static __thread struct json_out	json_scratch;

static void
json_out_reserve(struct json_out *o, size_t n)
{
	size_t	size;

	if (o->len + n <= o->size)
		return;
	size = o->size != 0 ? o->size : 4096;
	while (size < o->len + n)
		size *= 2;
	o->buf = xrealloc(o->buf, size);
	o->size = size;
}

static void
json_out_add(struct json_out *o, const char *s, size_t n)
{
	json_out_reserve(o, n);
	memcpy(o->buf + o->len, s, n);
	o->len += n;
}

static void
json_out_char(struct json_out *o, char c)
{
	json_out_reserve(o, 1);
	o->buf[o->len++] = c;
}

/* A string as cJSON escapes it: quote, backslash, the C escapes, \u00XX. */
static void
json_out_string(struct json_out *o, const char *s)
{
	const unsigned char	*p = (const unsigned char *)(s != NULL ? s : "");
	const unsigned char	*run;
	char			 esc[8];

	json_out_char(o, '"');
	for (run = p; *p != '\0'; p++) {
		if (*p >= 32 && *p != '"' && *p != '\\')
			continue;
		json_out_add(o, (const char *)run, (size_t)(p - run));
		run = p + 1;
		switch (*p) {
		case '"': json_out_add(o, "\\\"", 2); break;
		case '\\': json_out_add(o, "\\\\", 2); break;
		case '\b': json_out_add(o, "\\b", 2); break;
		case '\f': json_out_add(o, "\\f", 2); break;
		case '\n': json_out_add(o, "\\n", 2); break;
		case '\r': json_out_add(o, "\\r", 2); break;
		case '\t': json_out_add(o, "\\t", 2); break;
		default:
			snprintf(esc, sizeof(esc), "\\u%04x", *p);
			json_out_add(o, esc, 6);
			break;
		}
	}
	json_out_add(o, (const char *)run, (size_t)(p - run));
	json_out_char(o, '"');
}

/* cJSON's test that 15 digits gave the number back (to a rounding). */
static int
json_same_double(double a, double b)
{
	double	max = fabs(a) > fabs(b) ? fabs(a) : fabs(b);

	return (fabs(a - b) <= max * DBL_EPSILON);
}

/*
 * A number as cJSON prints it: integers that fit an int as such (done
 * here without printf), otherwise %1.15g, or %1.17g when 15 digits do not
 * give the same double back; NaN and infinities as null. Negative zero
 * goes through %g, which keeps its sign as cJSON does ("-0").
 */
static void
json_out_number(struct json_out *o, const cJSON *item)
{
	double		 d = item->valuedouble;
	char		 num[32], *p;
	long long	 v;
	double		 back = 0;
	int		 n;

	if (isnan(d) || isinf(d)) {
		json_out_add(o, "null", 4);
		return;
	}
	if (d == (double)item->valueint && !(d == 0 && signbit(d))) {
		v = item->valueint;
		p = num + sizeof(num);
		do {
			*--p = (char)('0' + (v < 0 ? -(v % 10) : v % 10));
			v /= 10;
		} while (v != 0);
		if (item->valueint < 0)
			*--p = '-';
		json_out_add(o, p, (size_t)(num + sizeof(num) - p));
		return;
	}
	n = snprintf(num, sizeof(num), "%1.15g", d);
	if (sscanf(num, "%lg", &back) != 1 || !json_same_double(back, d))
		n = snprintf(num, sizeof(num), "%1.17g", d);
	if (n > 0 && (size_t)n < sizeof(num))
		json_out_add(o, num, (size_t)n);
	else
		json_out_add(o, "null", 4);
}

static void
json_out_value(struct json_out *o, const cJSON *item)
{
	const cJSON	*c;

	switch (item->type & 0xff) {
	case cJSON_NULL:
		json_out_add(o, "null", 4);
		break;
	case cJSON_False:
		json_out_add(o, "false", 5);
		break;
	case cJSON_True:
		json_out_add(o, "true", 4);
		break;
	case cJSON_Number:
		json_out_number(o, item);
		break;
	case cJSON_Raw:
		if (item->valuestring != NULL)
			json_out_add(o, item->valuestring, strlen(item->valuestring));
		break;
	case cJSON_String:
		json_out_string(o, item->valuestring);
		break;
	case cJSON_Array:
		json_out_char(o, '[');
		for (c = item->child; c != NULL; c = c->next) {
			json_out_value(o, c);
			if (c->next != NULL)
				json_out_char(o, ',');
		}
		json_out_char(o, ']');
		break;
	case cJSON_Object:
		json_out_char(o, '{');
		for (c = item->child; c != NULL; c = c->next) {
			json_out_string(o, c->string);
			json_out_char(o, ':');
			json_out_value(o, c);
			if (c->next != NULL)
				json_out_char(o, ',');
		}
		json_out_char(o, '}');
		break;
	default:
		json_out_add(o, "null", 4);
		break;
	}
}

const char *
json_write(const cJSON *item, size_t *len)
{
	struct json_out	*o = &json_scratch;

	/* One very large reply does not stay in memory for the worker's life. */
	if (o->size > JSON_WRITE_KEEP) {
		free(o->buf);
		memset(o, 0, sizeof(*o));
	}
	o->len = 0;
	json_out_value(o, item);
	json_out_char(o, '\0');
	*len = o->len - 1;
	return (o->buf);
}

void
json_write_thread_end(void)
{
	free(json_scratch.buf);
	memset(&json_scratch, 0, sizeof(json_scratch));
}
