/* SPDX-License-Identifier: ISC */
/*
 * userns.c: one user namespace per script slot, made once at executor
 * start (root, host /proc still visible), each mapping the script user
 * (65534 inside, as the card says) to a host uid of its own from
 * script-uid-range, so on the host a running script shares its uid with
 * no other process: nobody else can read its /proc, signal or trace it,
 * and RLIMIT_NPROC counts one request.  Which uids are whose is kept in
 * byte-range locks on one file, so another instance or the next
 * generation after a reload never takes a uid in use.  userdir: a
 * student's namespace maps that student's uid and group to themselves
 * (suEXEC's model: the script is the student).  Rootless, the one host
 * uid there is stands behind every slot (no range, no lock).  The child
 * half enters it.  Trusts the configuration (already validated) and the
 * kernel.
 */
#include <sys/stat.h>
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
userns_make(uid_t in_uid, gid_t in_gid, uid_t host_uid, gid_t host_gid,
    int *fdp)
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
	if (userns_write(pid, "uid_map", in_uid, host_uid) == 0 &&
	    userns_write(pid, "gid_map", in_gid, host_gid) == 0)
		fd = open(path, O_RDONLY | O_CLOEXEC);
	save = errno;
	(void)close(pfd[1]);
	while (waitpid(pid, &st, 0) == -1 && errno == EINTR)
		;
	errno = save;
	*fdp = fd;
	return fd == -1 ? -1 : 0;
}

/* the file whose byte N, locked, says host uid N is a running daemon's */
int
userns_lock_open(int flags)
{
	if (mkdir(USERNS_LOCK_DIR, 0755) == -1 && errno != EEXIST)
		return -1;
	return open(USERNS_LOCK_FILE, flags | O_CLOEXEC | O_NOFOLLOW, 0600);
}

static int
userns_lock(int fd, uid_t uid, int cmd, short type)
{
	struct flock	 fl;

	memset(&fl, 0, sizeof(fl));
	fl.l_type = type;
	fl.l_whence = SEEK_SET;
	fl.l_start = (off_t)uid;
	fl.l_len = 1;
	if (fcntl(fd, cmd, &fl) == -1)
		return -1;
	return cmd == F_OFD_GETLK ? fl.l_type != F_UNLCK : 0;
}

/* 1 if another daemon holds uid, 0 if not, -1 on error */
int
userns_uid_held(int fd, uid_t uid)
{
	return userns_lock(fd, uid, F_OFD_GETLK, F_WRLCK);
}

/* the next uid of the range that no other daemon holds, now ours */
static int
userns_claim(const struct sandbox *sb, const struct config *cfg,
    uint32_t *next, uid_t *uid)
{
	for (; *next < cfg->cf_script_uid_count; (*next)++) {
		*uid = cfg->cf_script_uid_first + *next;
		if (userns_lock(sb->sb_uid_lockfd, *uid, F_OFD_SETLK,
		    F_WRLCK) == 0) {
			(*next)++;
			return 0;
		}
		if (errno != EAGAIN && errno != EACCES)
			return -1;
	}
	errno = EUSERS;
	return -1;
}

/*
 * Rootless, each slot's namespace maps the script user to the executor's
 * own uid 0 (the one host uid there is): no range, no lock.  A namespace
 * per slot still counts each request's processes apart for RLIMIT_NPROC.
 */
int
userns_init(struct sandbox *sb, const struct config *cfg, size_t nslots,
    char *err, size_t errsz)
{
	uint32_t	 next = 0;
	size_t		 i;
	int		 rootless = rootless_active();

	sb->sb_uid_lockfd = -1;
	if ((sb->sb_userns = calloc(nslots, sizeof(int))) == NULL ||
	    (sb->sb_uids = calloc(nslots, sizeof(uid_t))) == NULL ||
	    (!rootless && (sb->sb_uid_lockfd = userns_lock_open(O_RDWR |
	    O_CREAT)) == -1)) {
		snprintf(err, errsz, "script uids (%s): %s", USERNS_LOCK_FILE,
		    strerror(errno));
		return -1;
	}
	for (i = 0; i < nslots; i++)
		sb->sb_userns[i] = -1;
	sb->sb_nslots = nslots;
	for (i = 0; i < nslots; i++) {
		if (rootless) {
			sb->sb_uids[i] = rootless_uid();
			if (userns_make(sb->sb_uid, sb->sb_gid, 0, 0,
			    &sb->sb_userns[i]) == -1)
				break;
			continue;
		}
		if (userns_claim(sb, cfg, &next, &sb->sb_uids[i]) == -1) {
			snprintf(err, errsz, "script-uid-range: %zu uids free "
			    "of the %zu max-scripts needs (other cgijail "
			    "instances hold the rest): %s", i, nslots,
			    strerror(errno));
			return -1;
		}
		if (userns_make(sb->sb_uid, sb->sb_gid, sb->sb_uids[i],
		    sb->sb_uids[i], &sb->sb_userns[i]) == -1)
			break;
	}
	if (i < nslots) {
		snprintf(err, errsz, "user namespace for uid %u: %s",
		    (unsigned int)sb->sb_uids[i], strerror(errno));
		return -1;
	}
	return 0;
}

/* a student's: its uid and group, each mapped to itself */
int
userns_identity(uid_t uid, gid_t gid, int *fd)
{
	return userns_make(uid, gid, uid, gid, fd);
}

void
userns_fini(struct sandbox *sb)
{
	size_t	 i;

	for (i = 0; i < sb->sb_nslots && sb->sb_userns != NULL; i++)
		if (sb->sb_userns[i] != -1)
			(void)close(sb->sb_userns[i]);
	free(sb->sb_userns);
	free(sb->sb_uids);
	sb->sb_userns = NULL;
	sb->sb_uids = NULL;
	sb->sb_nslots = 0;
	/* the uids are free again once the last holder of the file goes */
	if (sb->sb_uid_lockfd != -1)
		(void)close(sb->sb_uid_lockfd);
	sb->sb_uid_lockfd = -1;
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
