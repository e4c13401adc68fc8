/* SPDX-License-Identifier: ISC */
/*
 * hello.c: the benchmarks' static C hello CGI program (and spawncost's
 * binary): one write of a header and a line, nothing read.  Runs as a
 * script under each server; trusts nothing, reads nothing.
 */
#include <unistd.h>

int
main(void)
{
	static const char	 msg[] =
	    "Content-Type: text/plain\r\n\r\nhello\n";

	return write(1, msg, sizeof(msg) - 1) == sizeof(msg) - 1 ? 0 : 1;
}
