/* Unit tests: the configuration reader and its error messages. */
#include "helpdesk.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "conf.h"

static int
load(struct conf *c, const char *text, char **errors)
{
	conf_defaults(c);
	return (conf_load_buffer(c, "test.conf", text, strlen(text), errors));
}

static void
test_defaults_and_values(void **state HD_UNUSED)
{
	struct conf	 c;
	char		*errors = NULL;

	assert_int_equal(load(&c,
	    "; comment\n"
	    "[server]\n"
	    "listen = 127.0.0.1:8080        ; host:port\n"
	    "workers = 3\n"
	    "html_root = /\n"
	    "[ldap]\n"
	    "uri = ldap://a:389 ldap://b:389   ; tried in order\n"
	    "user_filter = (&(objectClass=inetOrgPerson)(uid=%s))\n"
	    "start_tls = yes\n"
	    "[session]\n"
	    "cookie_secure = on\n", &errors), 0);
	assert_null(errors);
	assert_string_equal(c.listen_host, "127.0.0.1");
	assert_int_equal(c.listen_port, 8080);
	assert_int_equal(c.workers, 3);
	assert_string_equal(c.ldap_uri, "ldap://a:389 ldap://b:389");
	assert_true(c.ldap_start_tls);
	assert_true(c.session_cookie_secure);
	assert_int_equal(c.session_idle_timeout, 1800);
	assert_int_equal(c.tickets_system_id, 10);
	conf_free(&c);
}

static void
test_every_error_with_its_line(void **state HD_UNUSED)
{
	struct conf	 c;
	char		*errors = NULL;

	assert_int_equal(load(&c,
	    "[server]\n"
	    "html_root = /\n"
	    "listen = nowhere\n"		/* 3 */
	    "workers = many\n"			/* 4 */
	    "colour = blue\n"			/* 5 */
	    "[nope]\n"				/* 6 */
	    "[session]\n"
	    "cookie_secure = perhaps\n"		/* 8 */
	    "idle_timeout = 10\n"
	    "idle_timeout = 20\n"		/* 10 */
	    "[database]\n"
	    "password_file = /nonexistent/secret\n"	/* 12 */
	    "just text\n", &errors), -1);	/* 13 */
	assert_non_null(errors);
	assert_non_null(strstr(errors, "test.conf:3: listen"));
	assert_non_null(strstr(errors, "test.conf:4: workers: bad value"));
	assert_non_null(strstr(errors, "test.conf:5: unknown key colour in [server]"));
	assert_non_null(strstr(errors, "test.conf:6: unknown section [nope]"));
	assert_non_null(strstr(errors, "test.conf:8: cookie_secure"));
	assert_non_null(strstr(errors, "test.conf:10: idle_timeout already set on line 9"));
	assert_non_null(strstr(errors, "test.conf:12: password_file: cannot read"));
	assert_non_null(strstr(errors, "test.conf:13: expected key = value"));
	free(errors);
	conf_free(&c);
}

static void
test_bounds_and_filter(void **state HD_UNUSED)
{
	struct conf	 c;
	char		*errors = NULL;

	assert_int_equal(load(&c, "[server]\nhtml_root = /\nworkers = 1000\n"
	    "[ldap]\nuser_filter = (uid=%s)(cn=%s)\n", &errors), -1);
	assert_non_null(strstr(errors, "test.conf:3: workers: bad value \"1000\": too large"));
	assert_non_null(strstr(errors, "test.conf:5: user_filter must contain %s exactly once"));
	free(errors);
	conf_free(&c);
}

static void
test_secret_file(void **state HD_UNUSED)
{
	struct conf	 c;
	char		*errors = NULL;
	char		 path[] = "/tmp/gidhd-secret-XXXXXX", text[256];
	int		 fd;

	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "s3cr et;@\xc3\xa9\n", 11), 11);
	close(fd);
	snprintf(text, sizeof(text),
	    "[server]\nhtml_root = /\n[ldap]\nbind_password_file = %s\n", path);
	assert_int_equal(load(&c, text, &errors), 0);
	assert_string_equal(c.ldap_bind_password, "s3cr et;@\xc3\xa9");
	unlink(path);
	conf_free(&c);
}

/* Read the sample with its paths blanked, so that it loads anywhere. */
static char *
sample_text(void)
{
	const char	*src = getenv("GIDHD_SRCDIR");
	char		 path[1024], line[1024];
	char		*out = NULL;
	size_t		 len = 0;
	FILE		*fp;

	snprintf(path, sizeof(path), "%s/etc/gid-helpdesk.conf.sample",
	    src != NULL ? src : "..");
	if ((fp = fopen(path, "r")) == NULL)
		return (NULL);
	while (fgets(line, sizeof(line), fp) != NULL) {
		if (strncmp(line, "html_root", 9) == 0)
			strcpy(line, "html_root = /\n");
		else if (strstr(line, "_file =") != NULL && line[0] != ';')
			*strchr(line, '=') = '\0', strcat(line, "=\n");
		out = realloc(out, len + strlen(line) + 1);
		memcpy(out + len, line, strlen(line) + 1);
		len += strlen(line);
	}
	fclose(fp);
	return (out);
}

static void
test_sample_documents_every_key(void **state HD_UNUSED)
{
	struct conf	 c;
	char		*text = sample_text(), *errors = NULL, want[160], sect[80];
	const char	*key, *section, *at;
	size_t		 i;

	assert_non_null(text);
	/* Every key of the sample is known ... */
	if (load(&c, text, &errors) != 0)
		fail_msg("the sample does not load:\n%s", errors);
	conf_free(&c);
	/* ... and every known key is in the sample, in its section. */
	for (i = 0; (key = conf_key_at(i, &section)) != NULL; i++) {
		snprintf(sect, sizeof(sect), "\n[%s]\n", section);
		snprintf(want, sizeof(want), "\n%s =", key);
		at = strstr(text, sect);
		if (at == NULL || strstr(at, want) == NULL)
			fail_msg("%s.%s is not in the sample", section, key);
	}
	free(text);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults_and_values),
		cmocka_unit_test(test_every_error_with_its_line),
		cmocka_unit_test(test_bounds_and_filter),
		cmocka_unit_test(test_secret_file),
		cmocka_unit_test(test_sample_documents_every_key),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
