/*
 * proc.c: role names, starting a role (fork + re-exec of our own binary
 * with its descriptors at fixed numbers), receiving from a peer role (a
 * protocol violation ends the receiver), and dropping privileges.
 * Runs in the parent (start) and in each child (receive, drop).
 */
#include <sys/capability.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/close_range.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "msg.h"
#include "proc.h"

static const char *const proc_names[PROC_MAX] = {
	"parent", "front", "executor"
};

const char *
proc_role_name(enum proc_role role)
{
	if ((int)role < 0 || role >= PROC_MAX)
		return "unknown";
	return proc_names[role];
}

int
proc_role_from_name(const char *name)
{
	int	i;

	for (i = 0; i < PROC_MAX; i++)
		if (strcmp(name, proc_names[i]) == 0)
			return i;
	return -1;
}

int
proc_recv(int sock, enum proc_role from, struct msg_hdr *hdr, void *payload,
    int *fds, int *nfds)
{
	const char	*why;
	int		 rc;

	rc = msg_recv_checked(sock, from, hdr, payload, fds, nfds, &why);
	if (rc == -2)
		fatalx("protocol violation from %s: %s",
		    proc_role_name(from), why);
	if (rc == -1 && errno != EINTR && errno != EAGAIN &&
	    errno != EWOULDBLOCK && errno != ENOBUFS && errno != ENOMEM)
		fatal("recvmsg from %s", proc_role_name(from));
	return rc;
}

/* move fd to target in a child about to exec; fds above target are free */
static int
proc_place_fd(int fd, int target)
{
	if (fd == target)
		return fcntl(fd, F_SETFD, 0);
	return dup2(fd, target) == -1 ? -1 : 0;
}

/*
 * Fork and re-exec our binary (exe_fd) as `role`: fresh ASLR and a clean
 * address space for each role.  Descriptors land at the PROC_FD_* numbers.
 * All source fds must be above PROC_FD_LISTEN + nlisten (the caller
 * arranges this with F_DUPFD_CLOEXEC).
 */
pid_t
proc_start_role(int exe_fd, enum proc_role role, char *const argv[],
    int parent_fd, int peer_fd, int config_fd, const int *listen_fds,
    size_t nlisten)
{
	char	 rolearg[32];
	char	**nargv;
	size_t	 i, argc;
	pid_t	 pid;

	for (argc = 0; argv[argc] != NULL; argc++)
		;
	nargv = reallocarray(NULL, argc + 2, sizeof(char *));
	if (nargv == NULL)
		return -1;
	snprintf(rolearg, sizeof(rolearg), "--role=%s", proc_role_name(role));
	nargv[0] = argv[0];
	nargv[1] = rolearg;
	for (i = 1; i <= argc; i++)
		nargv[i + 1] = argv[i];

	switch ((pid = fork())) {
	case -1:
		free(nargv);
		return -1;
	case 0:
		break;
	default:
		free(nargv);
		return pid;
	}
	/* child: only async-signal-safe calls until fexecve */
	if (proc_place_fd(parent_fd, PROC_FD_PARENT) == -1 ||
	    proc_place_fd(peer_fd, PROC_FD_PEER) == -1 ||
	    proc_place_fd(config_fd, PROC_FD_CONFIG) == -1)
		_exit(127);
	for (i = 0; i < nlisten; i++)
		if (proc_place_fd(listen_fds[i], PROC_FD_LISTEN + (int)i) == -1)
			_exit(127);
	if (proc_place_fd(exe_fd, PROC_FD_LISTEN + (int)nlisten) == -1)
		_exit(127);
	if (close_range(PROC_FD_LISTEN + (unsigned)nlisten + 1, ~0U, 0) == -1)
		_exit(127);
	fcntl(PROC_FD_LISTEN + (int)nlisten, F_SETFD, FD_CLOEXEC);
	fexecve(PROC_FD_LISTEN + (int)nlisten, nargv, environ);
	_exit(127);
}

/* needs CAP_SETPCAP: call before giving up root */
int
proc_drop_bounding(void)
{
	int	c;

	for (c = 0; c <= 63; c++) {
		if (prctl(PR_CAPBSET_READ, c, 0, 0, 0) == -1)
			break;
		if (prctl(PR_CAPBSET_DROP, c, 0, 0, 0) == -1)
			return -1;
	}
	return 0;
}

/* ambient, inheritable, permitted, effective: all empty */
int
proc_clear_caps(void)
{
	cap_t	caps;

	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) == -1)
		return -1;
	if ((caps = cap_init()) == NULL)
		return -1;
	if (cap_set_proc(caps) == -1) {
		cap_free(caps);
		return -1;
	}
	cap_free(caps);
	return 0;
}

int
proc_drop_all_caps(void)
{
	if (proc_drop_bounding() == -1)
		return -1;
	return proc_clear_caps();
}

/* every capability set must be empty: checked, not assumed */
int
proc_verify_no_caps(void)
{
	cap_t	caps, empty;
	int	diff;

	if ((caps = cap_get_proc()) == NULL)
		return -1;
	if ((empty = cap_init()) == NULL) {
		cap_free(caps);
		return -1;
	}
	diff = cap_compare(caps, empty);
	cap_free(caps);
	cap_free(empty);
	if (diff != 0 || prctl(PR_CAPBSET_READ, CAP_SYS_ADMIN, 0, 0, 0) != 0)
		return -1;
	return 0;
}

int
proc_drop_identity(uid_t uid, gid_t gid)
{
	uid_t	ru, eu, su;
	gid_t	rg, eg, sg;

	if (uid == 0 || gid == 0) {
		errno = EPERM;
		return -1;
	}
	if (setgroups(0, NULL) == -1 ||
	    setresgid(gid, gid, gid) == -1 ||
	    setresuid(uid, uid, uid) == -1)
		return -1;
	if (getresuid(&ru, &eu, &su) == -1 || getresgid(&rg, &eg, &sg) == -1)
		return -1;
	if (ru != uid || eu != uid || su != uid ||
	    rg != gid || eg != gid || sg != gid) {
		errno = EPERM;
		return -1;
	}
	if (getgroups(0, NULL) != 0 || setuid(0) != -1) {
		errno = EPERM;
		return -1;
	}
	return 0;
}

/*
 * The front's identity: `user` from the config (name), else the
 * dedicated _cgijail account, else a reserved numeric id.  Never root,
 * never the scripts' uid.
 */
int
proc_front_identity(const char *user, uid_t script_uid, uid_t *uid,
    gid_t *gid, char *err, size_t errsz)
{
	struct passwd	*pw;

	if (user[0] != '\0') {
		if ((pw = getpwnam(user)) == NULL) {
			snprintf(err, errsz, "user %s: no such user", user);
			return -1;
		}
	} else
		pw = getpwnam("_cgijail");
	if (pw != NULL) {
		*uid = pw->pw_uid;
		*gid = pw->pw_gid;
	} else {
		*uid = PROC_FRONT_FALLBACK_ID;
		*gid = PROC_FRONT_FALLBACK_ID;
	}
	if (*uid == 0 || *gid == 0) {
		snprintf(err, errsz, "the front must not run as root");
		return -1;
	}
	if (*uid == script_uid) {
		snprintf(err, errsz, "the front must not share the scripts' "
		    "uid %u", (unsigned)script_uid);
		return -1;
	}
	return 0;
}

/* chroot into an empty, root-owned directory that nobody can write */
int
proc_chroot_empty(const char *dir)
{
	struct stat	st;

	if (mkdir("/run/cgijail", 0755) == -1 && errno != EEXIST)
		return -1;
	if (mkdir(dir, 0755) == -1 && errno != EEXIST)
		return -1;
	if (lstat(dir, &st) == -1)
		return -1;
	if (!S_ISDIR(st.st_mode) || st.st_uid != 0 ||
	    (st.st_mode & (S_IWGRP | S_IWOTH)) != 0 || st.st_nlink != 2) {
		errno = EPERM;
		return -1;
	}
	if (chroot(dir) == -1 || chdir("/") == -1)
		return -1;
	return 0;
}
