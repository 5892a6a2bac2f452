/* Unit tests: route matching (patterns, parameters, 404 versus 405). */
#include "helpdesk.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "router.h"

static void h(struct hd_req *r HD_UNUSED) { }

static const struct route table[] = {
	{ M_GET, "/healthz", 0, h, "healthz" },
	{ M_GET | M_POST, "/api/v1/tickets", 0, h, "tickets" },
	{ M_GET | M_PATCH, "/api/v1/tickets/{number}", 0, h, "ticket" },
	{ M_POST, "/api/v1/tickets/{number}/articles", 0, h, "articles" },
	{ M_GET, "/api/v1/attachments/{id}", 0, h, "attachment" },
	{ M_GET, "/*", 0, h, "static" },
};
static const int ntable = (int)(sizeof(table) / sizeof(table[0]));

static int
match(const char *path, unsigned method, const char **params, unsigned *allowed)
{
	static char	buf[256];

	strcpy(buf, path);
	return (router_match(table, ntable, path, method, buf, params, allowed));
}

static void
test_exact_and_params(void **state HD_UNUSED)
{
	const char	*p[ROUTE_MAX_PARAMS] = { NULL };
	unsigned	 allowed;

	assert_int_equal(match("/healthz", M_GET, p, &allowed), 0);
	assert_int_equal(match("/api/v1/tickets", M_POST, p, &allowed), 1);
	assert_int_equal(match("/api/v1/tickets/2024051710000011", M_PATCH, p,
	    &allowed), 2);
	assert_string_equal(p[0], "2024051710000011");
	assert_int_equal(match("/api/v1/tickets/77/articles", M_POST, p,
	    &allowed), 3);
	assert_string_equal(p[0], "77");
}

static void
test_head_follows_get(void **state HD_UNUSED)
{
	const char	*p[ROUTE_MAX_PARAMS];
	unsigned	 allowed;

	assert_int_equal(match("/healthz", M_HEAD, p, &allowed), 0);
}

static void
test_method_not_allowed(void **state HD_UNUSED)
{
	const char	*p[ROUTE_MAX_PARAMS];
	unsigned	 allowed;

	assert_int_equal(match("/api/v1/tickets/5", M_DELETE, p, &allowed), -1);
	assert_int_equal(allowed, M_GET | M_HEAD | M_PATCH);
	assert_int_equal(match("/healthz", M_POST, p, &allowed), -1);
	assert_int_equal(allowed, M_GET | M_HEAD);
}

static void
test_not_found(void **state HD_UNUSED)
{
	const char	*p[ROUTE_MAX_PARAMS];
	unsigned	 allowed;

	/* The catch-all serves files, never anything under /api/. */
	assert_int_equal(match("/api/v1/nothing", M_GET, p, &allowed), -1);
	assert_int_equal(allowed, 0);
	assert_int_equal(match("/api/v1/tickets/", M_GET, p, &allowed), -1);
	assert_int_equal(match("/api/v1/tickets/5/articles/x", M_POST, p,
	    &allowed), -1);
	assert_int_equal(match("/app.js", M_GET, p, &allowed), 5);
	assert_int_equal(match("/app.js", M_POST, p, &allowed), -1);
	assert_int_equal(allowed, M_GET | M_HEAD);
}

/* Every route of routes.c has its path in doc/api.yaml. */
static void
test_every_route_documented(void **state HD_UNUSED)
{
	const char	*src = getenv("GIDHD_SRCDIR");
	char		 path[1024], want[256];
	char		*doc;
	FILE		*fp;
	long		 size;
	int		 i;

	snprintf(path, sizeof(path), "%s/doc/api.yaml", src != NULL ? src : "..");
	fp = fopen(path, "r");
	assert_non_null(fp);
	fseek(fp, 0, SEEK_END);
	size = ftell(fp);
	fseek(fp, 0, SEEK_SET);
	doc = calloc(1, (size_t)size + 1);
	assert_int_equal(fread(doc, 1, (size_t)size, fp), (size_t)size);
	fclose(fp);
	for (i = 0; i < routes_count; i++) {
		const char *p = routes[i].pattern;

		if (strcmp(p, "/*") == 0)
			continue;
		if (strncmp(p, "/api/v1", 7) == 0)
			p += 7;
		snprintf(want, sizeof(want), "\n  %s:\n", p);
		if (strstr(doc, want) == NULL)
			fail_msg("route %s is not documented in doc/api.yaml",
			    routes[i].pattern);
	}
	free(doc);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exact_and_params),
		cmocka_unit_test(test_head_follows_get),
		cmocka_unit_test(test_method_not_allowed),
		cmocka_unit_test(test_not_found),
		cmocka_unit_test(test_every_route_documented),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
