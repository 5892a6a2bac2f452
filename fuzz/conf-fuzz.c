/*
 * Fuzz target: the configuration reader (conf_load_buffer), which reports
 * every problem with its line. Properties: it never crashes or leaks,
 * success means no error text, failure means some. Secret files named by
 * *_file keys are served from memory (the link wraps fopen), so that an
 * input naming /dev/stdin or /proc cannot hang or read the machine.
 */
#include "helpdesk.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"
#include "fuzz.h"
#include "log.h"

FILE	*__real_fopen(const char *, const char *);
FILE	*__wrap_fopen(const char *, const char *);
long	 __real_sysconf(int);
long	 __wrap_sysconf(int);

static char	fuzz_secret[] = "fuzz-secret\nsecond line\n";

/* Paths under /fuzz/ are a small secret file; everything else is absent. */
FILE *
__wrap_fopen(const char *path, const char *mode)
{
	if (strncmp(path, "/fuzz/", 6) == 0 && strcmp(mode, "r") == 0)
		return (fmemopen(fuzz_secret, sizeof(fuzz_secret) - 1, "r"));
	errno = ENOENT;
	return (NULL);
}

/* The CPU count (workers = 0) without reading /sys at every input. */
long
__wrap_sysconf(int name)
{
	if (name == _SC_NPROCESSORS_ONLN)
		return (2);
	return (__real_sysconf(name));
}

int
LLVMFuzzerInitialize(int *argc HD_UNUSED, char ***argv HD_UNUSED)
{
	/* Warnings about loose permissions would fill the output. */
	(void)log_open(NULL, LOG_ERR);
	return (0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct conf	 c;
	char		*errors = NULL;
	int		 rc;

	conf_defaults(&c);
	rc = conf_load_buffer(&c, "fuzz.conf", (const char *)data, size, &errors);
	FUZZ_CHECK(rc == 0 ? errors == NULL : errors != NULL && *errors != '\0');
	if (rc == 0) {
		FUZZ_CHECK(c.listen_host != NULL && c.listen_port > 0);
		FUZZ_CHECK(c.workers >= 1 && c.workers <= 256);
		FUZZ_CHECK(c.session_idle_timeout <= c.session_absolute_timeout);
	}
	free(errors);
	conf_free(&c);
	return (0);
}
