/*
 * forkbomb.c: a CGI program (script user, in the sandbox) that forks
 * without end: every process keeps forking, and a refused fork is retried
 * after a millisecond.  Never answers; the sandbox must contain it and the
 * executor's timeout must end it.
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
