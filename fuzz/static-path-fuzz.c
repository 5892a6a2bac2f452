/*
 * Fuzz target: the static-file path check (static_path_ok) and the MIME
 * table. Properties: an accepted path starts with '/', has no backslash,
 * no empty segment (but "/"), and no segment starting with '.', so no
 * "..", "." or hidden file can ever be opened under html_root.
 */
#include "helpdesk.h"

#include <string.h>

#include "fuzz.h"
#include "static.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char		*path;
	const char	*seg, *end;

	/* The router hands over the decoded path as a C string. */
	path = strndup((const char *)data, size);
	FUZZ_CHECK(static_mime_type(path) != NULL);
	if (static_path_ok(path) == 0) {
		FUZZ_CHECK(path[0] == '/');
		FUZZ_CHECK(strchr(path, '\\') == NULL);
		FUZZ_CHECK(strstr(path, "/.") == NULL);
		FUZZ_CHECK(strcmp(path, "/") == 0 || strstr(path, "//") == NULL);
		FUZZ_CHECK(strcmp(path, "/") == 0 || path[strlen(path) - 1] != '/');
		for (seg = path + 1; *seg != '\0'; seg = end + 1) {
			FUZZ_CHECK(strncmp(seg, "..", 2) != 0);
			if ((end = strchr(seg, '/')) == NULL)
				break;
		}
	}
	free(path);
	return (0);
}
