/* SPDX-License-Identifier: ISC */
/*
 * userns.c: one user namespace per script slot, made once at executor
 * start (root, host /proc still visible), each mapping the script user
 * (65534 inside, as the card says) to a host uid of its own from
 * script-uid-range, so on the host a running script shares its uid with
 * no other process: nobody else can read its /proc, signal or trace it,
 * and RLIMIT_NPROC counts one request.  The child half enters it.
 * Trusts the configuration (already validated) and the kernel.
 */
#include <sys/syscall.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sandbox_priv.h"

static int
userns_write(pid_t pid, const char *file, unsigned int inside,
    unsigned int host)
{
	char	 path[64], map[64];
	int	 fd, n, r;

	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, file);
	n = snprintf(map, sizeof(map), "%u %u 1\n", inside, host);
	if ((fd = open(path, O_WRONLY | O_CLOEXEC)) == -1)
		return -1;
	r = write(fd, map, (size_t)n) == n ? 0 : -1;
	if (close(fd) == -1)
		r = -1;
	return r;
}

/*
 * A namespace outlives its first member through the descriptor: a child
 * is made in it and waits on a pipe while we write its maps (as root in
 * the parent namespace, so setgroups stays allowed inside) and open
 * /proc/PID/ns/user; then it leaves.
 */
static int
userns_make(uid_t in_uid, gid_t in_gid, uint32_t host, int *fdp)
{
	char	 path[64], c = 0;
	pid_t	 pid;
	int	 pfd[2], fd = -1, save, st;

	if (pipe2(pfd, O_CLOEXEC) == -1)
		return -1;
	pid = (pid_t)syscall(SYS_clone, (unsigned long)(CLONE_NEWUSER |
	    SIGCHLD), 0L, 0L, 0L, 0L);
	if (pid == 0) {
		(void)close(pfd[1]);
		/* whatever read says, the pipe's end is the signal to go */
		if (read(pfd[0], &c, 1) == -1)
			_exit(1);
		_exit(0);
	}
	save = errno;
	(void)close(pfd[0]);
	if (pid == -1) {
		(void)close(pfd[1]);
		errno = save;
		return -1;
	}
	snprintf(path, sizeof(path), "/proc/%d/ns/user", (int)pid);
	if (userns_write(pid, "uid_map", in_uid, host) == 0 &&
	    userns_write(pid, "gid_map", in_gid, host) == 0)
		fd = open(path, O_RDONLY | O_CLOEXEC);
	save = errno;
	(void)close(pfd[1]);
	while (waitpid(pid, &st, 0) == -1 && errno == EINTR)
		;
	errno = save;
	*fdp = fd;
	return fd == -1 ? -1 : 0;
}

int
userns_init(struct sandbox *sb, const struct config *cfg, size_t nslots,
    char *err, size_t errsz)
{
	size_t	 i;

	if (nslots == 0 || nslots > cfg->cf_script_uid_count) {
		snprintf(err, errsz, "script-uid-range holds %u uids, "
		    "max-scripts needs %zu", cfg->cf_script_uid_count, nslots);
		return -1;
	}
	if ((sb->sb_userns = calloc(nslots, sizeof(int))) == NULL) {
		snprintf(err, errsz, "user namespaces: %s", strerror(errno));
		return -1;
	}
	sb->sb_uid_first = cfg->cf_script_uid_first;
	for (i = 0; i < nslots; i++)
		sb->sb_userns[i] = -1;
	sb->sb_nslots = nslots;
	for (i = 0; i < nslots; i++)
		if (userns_make(sb->sb_uid, sb->sb_gid,
		    sb->sb_uid_first + (uint32_t)i, &sb->sb_userns[i]) == -1) {
			snprintf(err, errsz, "user namespace for uid %u: %s",
			    sb->sb_uid_first + (unsigned int)i,
			    strerror(errno));
			return -1;
		}
	return 0;
}

void
userns_fini(struct sandbox *sb)
{
	size_t	 i;

	for (i = 0; i < sb->sb_nslots && sb->sb_userns != NULL; i++)
		if (sb->sb_userns[i] != -1)
			(void)close(sb->sb_userns[i]);
	free(sb->sb_userns);
	sb->sb_userns = NULL;
	sb->sb_nslots = 0;
}

/*
 * child, after every mount (the jail's mount namespace belongs to the
 * host's user namespace: from here on nothing in it can change).  Full
 * capabilities in the new namespace, none outside; the caller drops
 * them.
 */
int
userns_enter(int fd)
{
	return (int)syscall(SYS_setns, fd, CLONE_NEWUSER);
}
