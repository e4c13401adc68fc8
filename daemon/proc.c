/* SPDX-License-Identifier: ISC */
/*
 * proc.c: role names, starting a role (fork + re-exec of our own binary
 * with its descriptors at fixed numbers), and receiving from a peer role
 * (a protocol violation ends the receiver).  Starting runs in the parent;
 * each role then confines itself (confine.c) and says it is ready.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/close_range.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "msg.h"
#include "proc.h"

/* a sanitizer build keeps stderr for the sanitizer's own reports */
#if defined(__SANITIZE_ADDRESS__)
#define PROC_KEEP_STDERR	1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define PROC_KEEP_STDERR	1
#endif
#endif
#ifndef PROC_KEEP_STDERR
#define PROC_KEEP_STDERR	0
#endif

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

/*
 * A role is set up and confined: until the parent has this from both, a
 * role that ends is a failed start of the daemon (exit 1), not a crash.
 * Queued behind the role's log lines, so its reasons arrive first.
 */
void
proc_ready(void)
{
	struct msg_ready	mr;

	memset(&mr, 0, sizeof(mr));
	if (log_send_parent(MSG_READY, 0, &mr, sizeof(mr)) == -1)
		fatalx("cannot tell the parent that this role is ready");
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

/* *fd to the lowest free number >= min, close-on-exec; the old one closed */
static int
proc_move_up(int *fd, int min)
{
	int	nfd;

	if ((nfd = fcntl(*fd, F_DUPFD_CLOEXEC, min)) == -1)
		return -1;
	close(*fd);
	*fd = nfd;
	return 0;
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
 * stdin, stdout and (but in a sanitizer build) stderr of a role become
 * /dev/null: a compromised role must not write into the daemon's log
 * file or the operator's terminal; it logs through the parent.
 */
static int
proc_null_stdio(int nullfd)
{
	int	fd;

	for (fd = 0; fd <= (PROC_KEEP_STDERR ? 1 : 2); fd++)
		if (dup2(nullfd, fd) == -1)
			return -1;
	return 0;
}

/*
 * Fork and re-exec our binary (exe_fd) as `role`: fresh ASLR and a clean
 * address space for each role.  Descriptors land at the PROC_FD_* numbers,
 * /dev/null on the stdio.  All source fds must be above PROC_FD_LISTEN +
 * nlisten (the caller arranges this with F_DUPFD_CLOEXEC).
 */
pid_t
proc_start_role(int exe_fd, enum proc_role role, char *const argv[],
    int parent_fd, int peer_fd, int config_fd, int keys_fd,
    const int *listen_fds, size_t nlisten)
{
	char	 rolearg[32];
	char	**nargv;
	size_t	 i, argc;
	pid_t	 pid;
	int	 nullfd;

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
	/* above every target number, as the caller's fds are */
	if ((nullfd = open("/dev/null", O_RDWR | O_CLOEXEC)) == -1 ||
	    (nullfd <= PROC_FD_LISTEN + (int)nlisten && proc_move_up(&nullfd,
	    PROC_FD_LISTEN + (int)nlisten + 1) == -1)) {
		if (nullfd != -1)
			close(nullfd);
		free(nargv);
		return -1;
	}

	switch ((pid = fork())) {
	case -1:
		close(nullfd);
		free(nargv);
		return -1;
	case 0:
		break;
	default:
		close(nullfd);
		free(nargv);
		return pid;
	}
	/* child: only async-signal-safe calls until fexecve */
	if (proc_null_stdio(nullfd) == -1 ||
	    proc_place_fd(parent_fd, PROC_FD_PARENT) == -1 ||
	    proc_place_fd(peer_fd, PROC_FD_PEER) == -1 ||
	    proc_place_fd(config_fd, PROC_FD_CONFIG) == -1 ||
	    (keys_fd != -1 && proc_place_fd(keys_fd, PROC_FD_KEYS) == -1))
		_exit(127);
	if (keys_fd == -1)
		(void)close(PROC_FD_KEYS);	/* whatever the parent had there */
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

