/* SPDX-License-Identifier: ISC */
/*
 * echo.c: the benchmarks' POST echo CGI program: reads CONTENT_LENGTH
 * bytes (at most ECHO_MAX) from stdin and writes them back as the body.
 * Runs as a script under each server; trusts only its own bound.
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define ECHO_MAX	(1024 * 1024)

static char	 echo_buf[ECHO_MAX];

static int
echo_write(const char *p, size_t len)
{
	ssize_t	 n;

	for (; len > 0; p += n, len -= (size_t)n)
		if ((n = write(1, p, len)) <= 0)
			return -1;
	return 0;
}

int
main(void)
{
	const char	*cl = getenv("CONTENT_LENGTH");
	char		 head[128];
	size_t		 want, got = 0;
	ssize_t		 n;
	int		 hlen;

	want = cl != NULL ? strtoul(cl, NULL, 10) : 0;
	if (want > ECHO_MAX)
		want = ECHO_MAX;
	while (got < want && (n = read(0, echo_buf + got, want - got)) > 0)
		got += (size_t)n;
	hlen = snprintf(head, sizeof(head), "Content-Type: "
	    "application/octet-stream\r\nContent-Length: %zu\r\n\r\n", got);
	if (echo_write(head, (size_t)hlen) == -1 ||
	    echo_write(echo_buf, got) == -1)
		return 1;
	return 0;
}
