/* SPDX-License-Identifier: ISC */
/*
 * fuzz_cgi_hint.c: libFuzzer target for cgi_hint_stderr(), which the
 * front runs on every line of a script's hostile stderr.  The line is
 * read only within its length (an exact-size copy for ASan), the answer
 * is a hint naming a keyword or none, and the same for the same bytes.
 */

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cgi_hint.h"

#define FUZZ_ASSERT(x)	do { if (!(x)) abort(); } while (0)

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const char *const fuzz_binds[] = { "/srv/data", "/var/tmp/x/", "/" };

static void
fuzz_check_hint(const char *h)
{
	if (h == NULL)
		return;
	FUZZ_ASSERT(strstr(h, "`jail-bind") != NULL ||
	    strstr(h, "`script-network on`") != NULL);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cgi_hint_jail	 jail = { "/srv/site", fuzz_binds, 2, 0 };
	const char		*h, *again;
	char			*line;

	if ((line = malloc(size ? size : 1)) == NULL)
		return 0;
	memcpy(line, data, size);
	h = cgi_hint_stderr(&jail, line, size);
	fuzz_check_hint(h);
	again = cgi_hint_stderr(&jail, line, size);
	FUZZ_ASSERT(h == again);
	/* with the network on, never the network's hint */
	jail.hj_network = 1;
	again = cgi_hint_stderr(&jail, line, size);
	fuzz_check_hint(again);
	FUZZ_ASSERT(again == NULL || strstr(again, "script-network") == NULL);
	/* a jail that shows "/" has nothing outside it */
	jail.hj_nbinds = 3;
	FUZZ_ASSERT(size == 0 || line[0] != '/' ||
	    cgi_hint_in_jail(&jail, line, size) == 1);
	free(line);
	return 0;
}
