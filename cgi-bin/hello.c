/* SPDX-License-Identifier: ISC */
/*
 * hello.c: a compiled CGI program (built by `make` into cgi-bin/hello-c).
 */
#include <stdio.h>
#include <stdlib.h>

int
main(void)
{
	const char	*q = getenv("QUERY_STRING");

	printf("Content-Type: text/plain\r\n\r\n");
	printf("Hello from C. QUERY_STRING has %zu bytes.\n",
	    q ? (size_t)snprintf(NULL, 0, "%s", q) : (size_t)0);
	return 0;
}
