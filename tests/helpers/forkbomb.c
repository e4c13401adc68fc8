/* SPDX-License-Identifier: ISC */
/*
 * forkbomb.c: a CGI program (script user, in the sandbox) that forks
 * without end, every child too, retrying a refused fork after 1 ms.  It
 * never answers: the pids limit must hold it, the timeout must end it.
 */
#include <time.h>
#include <unistd.h>

int
main(void)
{
	const struct timespec	 ms = { 0, 1000000 };

	for (;;)
		if (fork() == -1)
			nanosleep(&ms, NULL);
}
