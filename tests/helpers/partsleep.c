/* SPDX-License-Identifier: ISC */
/*
 * partsleep.c: a CGI program (script user, in the sandbox) that writes
 * its head and "part one", then, unless QUERY_STRING is "cold", sleeps
 * 30 s before it ends, so that its response is under way for that long.
 * Trusts nothing it finds.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int
main(void)
{
	const char	*q = getenv("QUERY_STRING");
	struct timespec	 ts = { 30, 0 };

	printf("Content-Type: text/plain\r\n\r\npart one\n");
	if (fflush(stdout) == EOF)
		return 1;
	if (q == NULL || strcmp(q, "cold") != 0)
		while (nanosleep(&ts, &ts) == -1)
			;
	return 0;
}
