/* SPDX-License-Identifier: ISC */
/*
 * attack_hog.c: hostile CGI program for tests/attacks (script user, in the
 * sandbox; trusts nothing) that exhausts the resource QUERY_STRING names:
 * mem, tmpfill, fsize, fds, flood; then "NAME got=N errno=E" if alive.
 */
#include <sys/mman.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MIB		(1024L * 1024L)
#define MEM_STEP	(32 * MIB)
#define MEM_MAX		(4096 * MIB)	/* far past any sane limit */
#define FLOOD_BYTES	(10240 * MIB)	/* 10 GiB */

static char	 chunk[1 << 16];

static void
answer(const char *what, long got, int err)
{
	printf("Content-Type: text/plain\r\n\r\n%s got=%ld errno=%d\n", what,
	    got, err);
}

/* touch every page, so an overcommitting kernel cannot pretend */
static void
hog_mem(void)
{
	long	 got = 0;
	char	*p;

	while (got < MEM_MAX) {
		p = mmap(NULL, MEM_STEP, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED) {
			answer("mem", got, errno);
			return;
		}
		memset(p, 0xa5, MEM_STEP);
		got += MEM_STEP;
	}
	answer("mem", got, 0);
}

/* write one file until the kernel says no; SIGXFSZ would hide EFBIG */
static void
hog_file(const char *what, const char *path)
{
	long	 got = 0;
	ssize_t	 n;
	int	 fd, err = 0;

	signal(SIGXFSZ, SIG_IGN);
	memset(chunk, 'f', sizeof(chunk));
	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600)) == -1) {
		answer(what, -1, errno);
		return;
	}
	while (got < MEM_MAX) {
		if ((n = write(fd, chunk, sizeof(chunk))) <= 0) {
			err = n == 0 ? EIO : errno;
			break;
		}
		got += n;
	}
	close(fd);
	answer(what, got, err);
}

static void
hog_fds(void)
{
	long	 got = 0;
	int	 fd;

	while (got < 1000000) {
		if ((fd = open("/dev/null", O_RDONLY)) == -1) {
			answer("fds", got, errno);
			return;
		}
		got++;
	}
	answer("fds", got, 0);
}

/* 10 GiB to a client that does not read: backpressure must hold it */
static void
hog_flood(void)
{
	long	 sent = 0;
	ssize_t	 n;

	memset(chunk, 'z', sizeof(chunk));
	printf("Content-Type: application/octet-stream\r\n\r\n");
	fflush(stdout);
	while (sent < FLOOD_BYTES) {
		if ((n = write(1, chunk, sizeof(chunk))) <= 0)
			_exit(1);
		sent += n;
	}
}

int
main(void)
{
	const char	*q = getenv("QUERY_STRING");

	if (q == NULL)
		q = "";
	if (strcmp(q, "mem") == 0)
		hog_mem();
	else if (strcmp(q, "tmpfill") == 0)
		hog_file("tmpfill", "/tmp/fill");
	else if (strcmp(q, "fsize") == 0)
		hog_file("fsize", "/tmp/big");
	else if (strcmp(q, "fds") == 0)
		hog_fds();
	else if (strcmp(q, "flood") == 0)
		hog_flood();
	else
		answer("unknown", -1, EINVAL);
	return 0;
}
