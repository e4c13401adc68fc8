/* SPDX-License-Identifier: ISC */
/*
 * rootless.c: rootless mode, cgijail started by an ordinary user.  The
 * mode itself (latched from the uid cgijail was started with, before any
 * namespace changes what getuid() says), a user namespace of a role's
 * own with the one mapping the kernel lets an unprivileged process write
 * (its own uid and gid, setgroups denied, as bubblewrap does), the
 * start's probe of exactly that, and why a kernel refuses it, with the
 * sysctl named.  Parent, front and executor; trusts the kernel.
 */
#include <sys/mount.h>
#include <sys/statvfs.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sandbox_priv.h"

#define ROOTLESS_PORT_START \
	"/proc/sys/net/ipv4/ip_unprivileged_port_start"
#define ROOTLESS_PORT_DEFAULT	1024

static struct {
	int	rl_on;		/* -1 until rootless_latch() */
	uid_t	rl_uid;		/* the ids it was started with */
	gid_t	rl_gid;
} rootless = { -1, 0, 0 };

struct rootless_record {
	int	rr_step;
	int	rr_errno;
};

/* first thing in main(), in every process: its uid decides the mode */
void
rootless_latch(void)
{
	rootless.rl_uid = geteuid();
	rootless.rl_gid = getegid();
	rootless.rl_on = rootless.rl_uid != 0;
}

/* async-signal-safe: a read of what was latched */
int
rootless_active(void)
{
	return rootless.rl_on == 1;
}

uid_t
rootless_uid(void)
{
	return rootless.rl_uid;
}

static int
rootless_write(const char *path, const char *text)
{
	size_t	 len = strlen(text);
	ssize_t	 n;
	int	 fd;

	if ((fd = open(path, O_WRONLY | O_CLOEXEC)) == -1)
		return -1;
	n = write(fd, text, len);
	if (close(fd) == -1 || n != (ssize_t)len)
		return -1;
	return 0;
}

/*
 * In the user namespace just made: in_uid/in_gid inside are the ids
 * cgijail was started with outside, the only map an unprivileged
 * process may write, and only once setgroups is denied (for good, in
 * every namespace made below this one too).
 */
static int
rootless_maps(uid_t in_uid, gid_t in_gid)
{
	char	 map[64];

	if (rootless_write("/proc/self/setgroups", "deny\n") == -1)
		return -1;
	(void)snprintf(map, sizeof(map), "%u %u 1\n", (unsigned)in_uid,
	    (unsigned)rootless.rl_uid);
	if (rootless_write("/proc/self/uid_map", map) == -1)
		return -1;
	(void)snprintf(map, sizeof(map), "%u %u 1\n", (unsigned)in_gid,
	    (unsigned)rootless.rl_gid);
	if (rootless_write("/proc/self/gid_map", map) == -1)
		return -1;
	if (geteuid() != in_uid || getegid() != in_gid) {
		errno = EPERM;
		return -1;
	}
	return 0;
}

/*
 * A user namespace of the caller's own in which it is in_uid/in_gid:
 * full capabilities in it and in what it makes, none outside.  Needs
 * /proc; 0, or -1 with errno.
 */
int
rootless_enter(uid_t in_uid, gid_t in_gid)
{
	if (unshare(CLONE_NEWUSER) == -1)
		return -1;
	return rootless_maps(in_uid, in_gid);
}

/*
 * The flags the kernel locked on a bind of a host mount into a mount
 * namespace of our user namespace: a remount that dropped one would be
 * refused, so the jail keeps them (they only ever restrict).  0 when not
 * rootless: a start as root sets the flags it asks for, as before.
 */
unsigned long
rootless_locked_flags(const char *path)
{
	struct statvfs	 sv;
	unsigned long	 fl = 0;

	if (!rootless_active() || statvfs(path, &sv) == -1)
		return 0;
	fl |= (sv.f_flag & ST_RDONLY) ? MS_RDONLY : 0;
	fl |= (sv.f_flag & ST_NOSUID) ? MS_NOSUID : 0;
	fl |= (sv.f_flag & ST_NODEV) ? MS_NODEV : 0;
	fl |= (sv.f_flag & ST_NOEXEC) ? MS_NOEXEC : 0;
	return fl;
}

/*
 * In the executor's jail: a child of a user namespace may mount a /proc
 * of its own only where a proc is already wholly visible in its mount
 * namespace.  The host's (hostproc) is bound at target, read-only; each
 * script's own /proc then covers it, and no script can unmount it.
 */
int
rootless_proc_under(const char *hostproc, const char *target)
{
	if (mount(hostproc, target, NULL, MS_BIND | MS_REC, NULL) == -1)
		return -1;
	return mount(NULL, target, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY |
	    MS_NOSUID | MS_NODEV | MS_NOEXEC | rootless_locked_flags(target),
	    NULL);
}

/* net.ipv4.ip_unprivileged_port_start: ports below it need root */
int
rootless_port_start(void)
{
	char	 buf[32];
	ssize_t	 n;
	int	 fd, v;

	if ((fd = open(ROOTLESS_PORT_START, O_RDONLY | O_CLOEXEC)) == -1)
		return ROOTLESS_PORT_DEFAULT;
	n = read(fd, buf, sizeof(buf) - 1);
	(void)close(fd);
	if (n <= 0)
		return ROOTLESS_PORT_DEFAULT;
	buf[n] = '\0';
	v = (int)strtol(buf, NULL, 10);
	return v < 0 ? 0 : v;
}

/* a sysctl below sysdir ("kernel/unprivileged_userns_clone") as a
 * number, or -1 if it is not there */
static long
rootless_sysctl(const char *sysdir, const char *name)
{
	char	 path[PATH_MAX], buf[32], *end;
	ssize_t	 n;
	long	 v;
	int	 fd;

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", sysdir, name) >=
	    sizeof(path) || (fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	(void)close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	v = strtol(buf, &end, 10);
	return end == buf || v < 0 ? -1 : v;
}

static const char *
rootless_step_name(int step)
{
	switch (step) {
	case ROOTLESS_USERNS:
		return "a user namespace";
	case ROOTLESS_MAPS:
		return "its uid and gid maps";
	case ROOTLESS_MOUNTNS:
		return "a mount namespace in it";
	default:
		return "a mount in it";
	}
}

/*
 * Why the kernel refused step (a rootless_step) with errnum, from the
 * sysctls under sysdir (/proc/sys; a test gives its own tree): the one
 * that forbids unprivileged user namespaces, named with how root lifts
 * it, else what was refused and what else may forbid it.
 */
void
rootless_explain(const char *sysdir, int step, int errnum, char *buf,
    size_t bufsz)
{
	long	 clone, max, aa;

	clone = rootless_sysctl(sysdir, "kernel/unprivileged_userns_clone");
	max = rootless_sysctl(sysdir, "user/max_user_namespaces");
	aa = rootless_sysctl(sysdir,
	    "kernel/apparmor_restrict_unprivileged_userns");
	if (clone == 0)
		(void)snprintf(buf, bufsz, "kernel.unprivileged_userns_clone "
		    "is 0 (as root: sysctl -w "
		    "kernel.unprivileged_userns_clone=1)");
	else if (max == 0)
		(void)snprintf(buf, bufsz, "user.max_user_namespaces is 0 (as "
		    "root: sysctl -w user.max_user_namespaces=15000)");
	else if (step == ROOTLESS_USERNS && errnum == ENOSPC)
		(void)snprintf(buf, bufsz, "user.max_user_namespaces (%ld) "
		    "are all in use, or namespaces nest too deep", max);
	else if (aa == 1)
		(void)snprintf(buf, bufsz, "kernel.apparmor_restrict_"
		    "unprivileged_userns is 1: AppArmor leaves an unconfined "
		    "program no capability in its user namespace (as root: "
		    "sysctl -w kernel.apparmor_restrict_unprivileged_userns=0, "
		    "or give cgijail an AppArmor profile that allows userns)");
	else
		(void)snprintf(buf, bufsz, "the kernel refused %s (%s), and "
		    "neither kernel.unprivileged_userns_clone, "
		    "user.max_user_namespaces nor "
		    "kernel.apparmor_restrict_unprivileged_userns says why: a "
		    "container's seccomp profile or a security module may "
		    "forbid them", rootless_step_name(step), strerror(errnum));
}

/* the probe's child: what a role does first; its record, then exit */
static void __attribute__((noreturn))
rootless_probe_child(int fd)
{
	struct rootless_record	 rec = { ROOTLESS_OK, 0 };

	if (unshare(CLONE_NEWUSER) == -1)
		rec.rr_step = ROOTLESS_USERNS;
	else if (rootless_maps(0, 0) == -1)
		rec.rr_step = ROOTLESS_MAPS;
	else if (unshare(CLONE_NEWNS) == -1)
		rec.rr_step = ROOTLESS_MOUNTNS;
	else if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == -1 ||
	    mount("cgijail", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV,
	    "size=4k") == -1)
		rec.rr_step = ROOTLESS_MOUNT;
	rec.rr_errno = errno;
	_exit(write(fd, &rec, sizeof(rec)) == sizeof(rec) ? 0 : 1);
}

/*
 * Before a rootless start binds anything: can this process have a user
 * namespace of its own, and a mount in it?  0, or -1 with the reason in
 * err: "cgijail: ...", the sysctl named.
 */
int
rootless_probe(char *err, size_t errsz)
{
	struct rootless_record	 rec = { ROOTLESS_USERNS, 0 };
	char			 why[512];
	pid_t			 pid;
	int			 pfd[2], st;
	ssize_t			 n = -1;

	if (pipe2(pfd, O_CLOEXEC) == -1 || (pid = fork()) == -1) {
		(void)snprintf(err, errsz, "cgijail: rootless probe: %s",
		    strerror(errno));
		return -1;
	}
	if (pid == 0) {
		(void)close(pfd[0]);
		rootless_probe_child(pfd[1]);
	}
	(void)close(pfd[1]);
	while ((n = read(pfd[0], &rec, sizeof(rec))) == -1 && errno == EINTR)
		;
	(void)close(pfd[0]);
	while (waitpid(pid, &st, 0) == -1 && errno == EINTR)
		;
	if (n != (ssize_t)sizeof(rec)) {
		rec.rr_step = ROOTLESS_USERNS;
		rec.rr_errno = EIO;
	}
	if (rec.rr_step == ROOTLESS_OK)
		return 0;
	rootless_explain("/proc/sys", rec.rr_step, rec.rr_errno, why,
	    sizeof(why));
	(void)snprintf(err, errsz, "cgijail: started by uid %u, not root, so "
	    "in rootless mode, which needs an unprivileged user namespace, "
	    "and this kernel forbids them: %s; or start cgijail as root",
	    (unsigned)rootless.rl_uid, why);
	return -1;
}
