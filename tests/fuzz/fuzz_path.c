/* SPDX-License-Identifier: ISC */
/*
 * fuzz_path.c: libFuzzer target for http_path_normalize(), the gate
 * between a hostile request-target and the file system.  Input: one byte
 * choosing the output size, then the raw path.
 */

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define FUZZ_ASSERT(x)	do { if (!(x)) abort(); } while (0)

/* a normalised path: rooted, no empty or dot segment, no control byte */
static void
fuzz_check_normal(const char *p, size_t rawlen)
{
	size_t	n = strlen(p), i;

	FUZZ_ASSERT(p[0] == '/');
	FUZZ_ASSERT(n <= rawlen);
	FUZZ_ASSERT(strstr(p, "//") == NULL);
	FUZZ_ASSERT(strstr(p, "/./") == NULL && strstr(p, "/../") == NULL);
	FUZZ_ASSERT(!(n >= 2 && strcmp(p + n - 2, "/.") == 0));
	FUZZ_ASSERT(!(n >= 3 && strcmp(p + n - 3, "/..") == 0));
	for (i = 0; i < n; i++)
		FUZZ_ASSERT((unsigned char)p[i] >= 0x20 &&
		    (unsigned char)p[i] != 0x7f);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char	*raw = (const char *)data + 1;
	char		*out, *big, *again;
	size_t		 len, outsz;
	int		 rc, rcbig;

	if (size < 1)
		return 0;
	len = size - 1;
	/* an exact-size heap buffer, so ASan sees any write past it */
	outsz = (data[0] & 1) ? len + 1 : (size_t)(data[0] >> 1);
	out = malloc(outsz > 0 ? outsz : 1);
	big = malloc(len + 1);
	again = malloc(len + 1);
	if (out == NULL || big == NULL || again == NULL)
		abort();
	rc = http_path_normalize(raw, len, out, outsz);
	rcbig = http_path_normalize(raw, len, big, len + 1);
	FUZZ_ASSERT(rc == 0 || rc == -400);
	FUZZ_ASSERT(rcbig == 0 || rcbig == -400);
	if (outsz > 0)
		FUZZ_ASSERT(memchr(out, '\0', outsz) != NULL);
	FUZZ_ASSERT(rc == 0 || outsz == 0 || out[0] == '\0');
	/* a small buffer may fail, never succeed differently */
	if (rc == 0)
		FUZZ_ASSERT(rcbig == 0 && strcmp(out, big) == 0);
	if (rcbig == 0) {
		fuzz_check_normal(big, len);
		/* without escapes or spaces left, normalising is idempotent */
		if (strpbrk(big, "% ") == NULL) {
			FUZZ_ASSERT(http_path_normalize(big, strlen(big),
			    again, len + 1) == 0);
			FUZZ_ASSERT(strcmp(again, big) == 0);
		}
	} else
		FUZZ_ASSERT(big[0] == '\0');
	free(out);
	free(big);
	free(again);
	return 0;
}
