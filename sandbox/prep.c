/* SPDX-License-Identifier: ISC */
/*
 * prep.c: children prepared ahead.  A child is made before its request
 * comes and applies every layer of spawn.c up to and including its
 * seccomp filter; then it waits on a socket for one request (its stdio,
 * the validated file, its directory, argv and environment) and execs.
 * A script's child cannot make the script's copy itself, which its
 * request names: the copy is a mount, and the child has left the host's
 * user namespace by then.  Its spawner makes it: root still, it enters
 * the child's mount namespace, which no script has run in, mounts the
 * copy there, goes back to its own and tells the child, which execs the
 * interpreter.  Each child serves one request and no other.
 *
 * A student's child is never made ahead (whose would it be?), but its
 * spawner makes it when its request comes: spawners of their own (userdir
 * on) clone it, it says hello, takes the request at once and then takes
 * the steps of a child the executor makes itself (spawn_child()), under
 * the inner filter only.  The executor waits for no exec of a student's
 * child, which the student's own processes may stop: its spawner sleeps
 * on it instead, and is busy until sandbox_spawner_done().
 *
 * Spawners make them: processes forked from the executor once it is
 * confined, which do nothing else.  A spawner clones its child sharing
 * its memory, so nothing is copied and the exec drops nothing, and then
 * sleeps in ppoll until the child has exec'd or died (the end of file of
 * its status pipe), for as long as the child waits for a request; it
 * touches nothing the child uses meanwhile, not even errno (raw calls),
 * but when a call of a script's copy fails (the child then dies of that
 * failure, whose errno it is sent).
 * Not CLONE_VFORK: a vfork wait is uninterruptible and would count in
 * the load average for as long as the child waits.  Each spawner serves
 * one policy: when it splits (filter_split.c), the spawner installs its
 * outer filter once and each child only the small inner one, so that the
 * kernel compiles the policy once per spawner, not once per child.  The
 * child is the executor's (CLONE_PARENT) and says hello to it first: the
 * kernel attaches its pid (SO_PASSCRED), and the executor, which alone
 * can reap it, opens its pidfd.  The executor then supervises it like any
 * other, through the pidfd and the status pipe.
 *
 * Trusts: the executor (a spawner's only peer, root like it); a child
 * takes its request from the executor alone, through a socket pair made
 * for it, and checks it anyway.
 */
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "sandbox_priv.h"

#define PREP_FLAGS	(CLONE_PARENT | CLONE_VM | NS_CLONE_FLAGS)
#define PREP_NFDS	4		/* stdin, stdout, stderr, the file */
/*
 * a command's: socket, status pipe both ends, user namespace, cgroups,
 * and a student's tree and writable directory
 */
#define PREP_CMD_FDS	(4 + LIMITS_CG_FDS + 2)
#define PREP_ARGV_MAX	3		/* a program's argv: itself, NULL */
#define PREP_ENV_MAX	512
#define PREP_DATA_MAX	(96 * 1024)	/* cwd, argv, environment */
#define PREP_MAGIC	0x63676a70U	/* "cgjp" */
#define PREP_MAGIC_COPY	0x63676a63U	/* "cgjc" */
#define PREP_HELLO_MS	2000		/* a discard waits this at most */
#define PREP_NAME	"cgijail-spawn"
#define PREP_POLICIES	4		/* policies with their own spawners */

/*
 * executor -> spawner: make a child for this slot, for a program or for
 * a script; along come its socket end, the status pipe's write and read
 * ends, the slot's user namespace (a student's: theirs) and its
 * cgroup.procs files (bit i of pc_cgmask: the i-th is there), then a
 * student's tree and its writable directory (pc_rw)
 */
struct prep_cmd {
	uint32_t	pc_slot;
	uint32_t	pc_policy;
	uint32_t	pc_cgmask;
	uint32_t	pc_nfds;
	uint32_t	pc_script;	/* 1: for a script, 0: a program */
	uint32_t	pc_user;	/* 1 + a student's index, 0: none */
	uint32_t	pc_rw;		/* 1: the student's writable dir */
};

/*
 * executor -> spawner, with a script's request to its child: the copy is
 * to be made, of the validated file (which comes along) at the script's
 * path, NUL-ended
 */
struct prep_copy {
	uint32_t	cp_magic;
	uint32_t	cp_slot;
	char		cp_script[PATH_MAX];
};

/* a spawner's command or copy (the message's length tells which) */
union prep_order {
	struct prep_cmd		po_cmd;
	struct prep_copy	po_copy;
};

/*
 * child -> spawner, once its jail is made: its mount namespace, as a
 * descriptor; spawner -> child, once the copy is made: 0, or the errno
 * of the step that failed
 */
struct prep_note {
	uint32_t	pn_magic;
	int32_t		pn_err;
};

/* child -> executor, first: hello (the kernel adds its credentials) */
struct prep_hello {
	uint32_t	ph_magic;
};

/*
 * executor -> child: the request; strings NUL-ended, one after another:
 * the directory, the file to execve and the script (a script's; empty
 * for a program, which is exec'd by its descriptor), argv[], envp[]
 */
struct prep_req {
	uint32_t	rq_magic;
	uint32_t	rq_argc;
	uint32_t	rq_envc;
	uint32_t	rq_len;
	char		rq_data[PREP_DATA_MAX];
};
#define PREP_REQ_HEAD	3		/* cwd, path, script */

/*
 * The child's request and its pointers: in the spawner's memory, which
 * its one child at a time shares while the spawner waits for it.
 */
static struct prep_req	 prep_rx;
static char		*prep_head[PREP_REQ_HEAD];	/* cwd, path, script */
static char		*prep_argv[PREP_ARGV_MAX + 1];
static char		*prep_envp[PREP_ENV_MAX + 1];
/* a spawner's incoming order */
static union prep_order	 prep_order;
/* the executor's outgoing request and copy order, made in place */
static struct prep_req	 prep_tx;
static struct prep_copy	 prep_copy_tx;
/* a spawner's: its policy's outer filter is on (its children's too) */
static int		 prep_outer_on;
/* a student's child's writable directory, where it shows in the jail */
static char		 prep_rw_path[PATH_MAX];

/* a message of one buffer, with room for control data (or none) */
static void
prep_msg(struct msghdr *msg, struct iovec *iov, void *cbuf, size_t cbuflen)
{
	memset(msg, 0, sizeof(*msg));
	msg->msg_iov = iov;
	msg->msg_iovlen = 1;
	msg->msg_control = cbuflen > 0 ? cbuf : NULL;
	msg->msg_controllen = cbuflen;
}

/* one message with up to nfds descriptors; -1 with errno */
static ssize_t
prep_send(int fd, const void *buf, size_t len, const int *fds, size_t nfds)
{
	union {
		struct cmsghdr	 hdr;
		char		 buf[CMSG_SPACE(sizeof(int) * PREP_CMD_FDS)];
	}		 cm;
	struct iovec	 iov = { (void *)(uintptr_t)buf, len };
	struct msghdr	 msg;
	struct cmsghdr	*c;

	if (nfds > PREP_CMD_FDS) {
		errno = EINVAL;
		return -1;
	}
	memset(&cm, 0, sizeof(cm));
	prep_msg(&msg, &iov, cm.buf, nfds > 0 ? CMSG_SPACE(sizeof(int) *
	    nfds) : 0);
	if (nfds > 0) {
		c = CMSG_FIRSTHDR(&msg);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int) * nfds);
		memcpy(CMSG_DATA(c), fds, sizeof(int) * nfds);
	}
	return sendmsg(fd, &msg, MSG_NOSIGNAL);
}

/*
 * One message of at most len bytes (its length is returned) with min_fds
 * to nfds descriptors (close on exec; how many in *got), else -1: a cut
 * one (EBADMSG), EOF (errno 0).  Raw system calls: the child calls it,
 * after its filter.
 */
static ssize_t SPAWN_NO_ASAN
prep_recv(int fd, void *buf, size_t len, int *fds, size_t min_fds,
    size_t nfds, size_t *gotp)
{
	union {
		struct cmsghdr	 hdr;
		char		 buf[CMSG_SPACE(sizeof(int) * PREP_CMD_FDS)];
	}		 cm;
	struct iovec	 iov = { buf, len };
	struct msghdr	 msg;
	struct cmsghdr	*c;
	size_t		 i, got = 0;
	long		 n;

	prep_msg(&msg, &iov, cm.buf, sizeof(cm.buf));
	n = syscall(SYS_recvmsg, fd, &msg, MSG_CMSG_CLOEXEC);
	if (n <= 0) {
		if (n == 0)
			errno = 0;
		return -1;
	}
	for (c = CMSG_FIRSTHDR(&msg); c != NULL; c = CMSG_NXTHDR(&msg, c)) {
		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		got = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (i = 0; i < got && i < nfds; i++)
			memcpy(&fds[i], CMSG_DATA(c) + i * sizeof(int),
			    sizeof(int));
		for (; i < got; i++) {
			int	 extra;

			memcpy(&extra, CMSG_DATA(c) + i * sizeof(int),
			    sizeof(int));
			(void)syscall(SYS_close, extra);
		}
	}
	if (got < min_fds || got > nfds ||
	    (msg.msg_flags & (MSG_TRUNC | MSG_CTRUNC))) {
		for (i = 0; i < got && i < nfds; i++)
			(void)syscall(SYS_close, fds[i]);
		errno = EBADMSG;
		return -1;
	}
	if (gotp != NULL)
		*gotp = got;
	return n;
}

/*
 * child, after its filter: take the request, put its descriptors in
 * place (0-2, the file at SPAWN_FD_EXEC: over the socket's copies), go
 * to its directory, exec.  The request is the executor's, checked
 * anyway: a count or length out of bounds is a failure, not a guess.
 */
static int SPAWN_NO_ASAN
prep_child_request(int sock, int *fds)
{
	size_t	 argc, envc, i, off = 0, len;
	ssize_t	 n;
	char	*p;

	if ((n = prep_recv(sock, &prep_rx, sizeof(prep_rx), fds, PREP_NFDS,
	    PREP_NFDS, NULL)) == -1)
		return -1;
	argc = prep_rx.rq_argc;
	envc = prep_rx.rq_envc;
	len = prep_rx.rq_len;
	if ((size_t)n < offsetof(struct prep_req, rq_data) ||
	    (size_t)n - offsetof(struct prep_req, rq_data) != len ||
	    prep_rx.rq_magic != PREP_MAGIC || argc == 0 ||
	    argc > PREP_ARGV_MAX || envc > PREP_ENV_MAX || len == 0 ||
	    len > sizeof(prep_rx.rq_data) || prep_rx.rq_data[len - 1] != '\0')
		goto bad;
	/* cwd, path, script, then argc + envc strings, nothing after */
	for (i = 0; i < PREP_REQ_HEAD + argc + envc; i++) {
		if (off >= len)
			goto bad;
		p = prep_rx.rq_data + off;
		if (i < PREP_REQ_HEAD)
			prep_head[i] = p;
		else if (i < PREP_REQ_HEAD + argc)
			prep_argv[i - PREP_REQ_HEAD] = p;
		else
			prep_envp[i - PREP_REQ_HEAD - argc] = p;
		while (off < len && prep_rx.rq_data[off] != '\0')
			off++;
		off++;
	}
	if (off != len)
		goto bad;
	prep_argv[argc] = NULL;
	prep_envp[envc] = NULL;
	return 0;
bad:
	for (i = 0; i < PREP_NFDS; i++)
		(void)syscall(SYS_close, fds[i]);
	errno = EBADMSG;
	return -1;
}

static int SPAWN_NO_ASAN
prep_child_fds(const int *fds)
{
	static const int	 to[PREP_NFDS] = { 0, 1, 2, SPAWN_FD_EXEC };
	size_t			 i;

	/* every received one is above SPAWN_FD_USERNS: no source is hit */
	for (i = 0; i < PREP_NFDS; i++)
		if (syscall(SYS_dup3, fds[i], to[i], i < 3 ? 0 : O_CLOEXEC) ==
		    -1)
			return -1;
	for (i = 0; i < PREP_NFDS; i++)
		(void)syscall(SYS_close, fds[i]);
	return 0;
}

/* under the outer filter, the inner one gives the policy whole */
static int SPAWN_NO_ASAN
prep_seccomp(const struct sandbox *sb, size_t policy)
{
	return spawn_seccomp(sb, policy, prep_outer_on);
}

/*
 * child of a script, its jail made: its mount namespace to its spawner,
 * which makes the script's copy there once the request has come
 */
static int SPAWN_NO_ASAN
prep_child_ns(void)
{
	const struct prep_note	 note = { PREP_MAGIC_COPY, 0 };
	int			 fd, r;

	fd = (int)syscall(SYS_openat, AT_FDCWD, "/proc/self/ns/mnt",
	    O_RDONLY | O_CLOEXEC);
	if (fd == -1)
		return -1;
	r = prep_send(SPAWN_FD_COPY, &note, sizeof(note), &fd, 1) == -1 ?
	    -1 : 0;
	(void)syscall(SYS_close, fd);
	return r;
}

/* child of a script, its request taken: the copy is made, or why not */
static int SPAWN_NO_ASAN
prep_child_copied(void)
{
	struct prep_note	 note;
	ssize_t			 n;

	n = prep_recv(SPAWN_FD_COPY, &note, sizeof(note), NULL, 0, 0, NULL);
	if (n != (ssize_t)sizeof(note) || note.pn_magic != PREP_MAGIC_COPY) {
		/* its spawner died, or said something else */
		errno = n == -1 && errno != 0 ? errno : EPIPE;
		return -1;
	}
	if (note.pn_err != 0) {
		errno = note.pn_err > 0 ? note.pn_err : EIO;
		return -1;
	}
	return 0;
}

/*
 * child: hello first, as root, before any step; a failed hello means the
 * executor is gone: nothing to prepare for.  Then every layer and its
 * filter, and it takes its request.  A script's child hands its mount
 * namespace to its spawner first, between its jail and its user, and
 * once its request has come waits for its spawner to have made the
 * script's copy there, before its directory (which may be in the copy's
 * overlay) and its execve of the file the request names (an
 * interpreter, or the script's copy itself).
 */
static void SPAWN_NO_ASAN __attribute__((noreturn))
prep_child(const struct sandbox *sb, const struct sandbox_spawn *ss,
    const struct spawn_arg *sa)
{
	const struct prep_hello	 hello = { PREP_MAGIC };
	const int		 st = SPAWN_FD_STATUS;
	int			 fds[PREP_NFDS];

	if (prep_send(ss->ss_stdin, &hello, sizeof(hello), NULL, 0) == -1)
		_exit(127);
	spawn_layers_jail(sb, ss, sa);
	if (!ss->ss_execat)
		SPAWN_STEP(st, SBX_STEP_MOUNTS, prep_child_ns());
	spawn_layers_user(sb, ss);
	SPAWN_STEP(st, SBX_STEP_SECCOMP, prep_seccomp(sb, ss->ss_policy));
	/* ready: from here on, only what the request needs */
	if (prep_child_request(0, fds) == -1) {
		if (errno == 0)		/* the executor went away: no request */
			_exit(0);
		spawn_die(st, SBX_STEP_FDS);
	}
	if (!ss->ss_execat)
		SPAWN_STEP(st, SBX_STEP_SCRIPT, prep_child_copied());
	SPAWN_STEP(st, SBX_STEP_FDS, prep_child_fds(fds));
	SPAWN_STEP(st, SBX_STEP_CWD, (int)syscall(SYS_chdir, prep_head[0]));
	if (!ss->ss_execat)
		(void)syscall(SYS_execve, prep_head[1], prep_argv, prep_envp);
	else
		(void)syscall(SYS_execveat, SPAWN_FD_EXEC, "", prep_argv,
		    prep_envp, AT_EMPTY_PATH);
	spawn_die(st, SBX_STEP_EXEC);
}

static int SPAWN_NO_ASAN
prep_entry(void *arg)
{
	const struct spawn_arg	*sa = arg;

	prep_child(sa->sa_sb, sa->sa_ss, sa);
}

/*
 * child of a student's request, made when it came: hello first, as
 * root, as any child of a spawner; then the request, which is there
 * already; then spawn_child(), the very steps of a child the executor
 * makes itself, in its order: the jail, the script's copy (as root
 * still: no spawner's help), the student's identity and the rest, under
 * the inner filter only when its spawner has the outer one on.  The
 * student may stop it once it has their uid: only its spawner waits for
 * it meanwhile, and its start timer ends it.
 */
static void SPAWN_NO_ASAN __attribute__((noreturn))
prep_student_child(const struct sandbox *sb, const struct sandbox_spawn *ss0,
    const struct spawn_arg *sa0)
{
	const struct prep_hello	 hello = { PREP_MAGIC };
	struct sandbox_spawn	 ss = *ss0;
	struct spawn_arg	 sa = *sa0;
	int			 fds[PREP_NFDS];

	if (prep_send(ss0->ss_stdin, &hello, sizeof(hello), NULL, 0) == -1)
		_exit(127);
	if (prep_child_request(ss0->ss_stdin, fds) == -1)
		spawn_die(sa0->sa_statusfd, SBX_STEP_FDS);
	ss.ss_stdin = fds[0];
	ss.ss_stdout = fds[1];
	ss.ss_stderr = fds[2];
	ss.ss_exec_fd = fds[3];
	ss.ss_cwd = prep_head[0];
	ss.ss_path = ss.ss_execat ? NULL : prep_head[1];
	ss.ss_script = ss.ss_execat ? NULL : prep_head[2];
	ss.ss_argv = prep_argv;
	ss.ss_envp = prep_envp;
	sa.sa_ss = &ss;
	spawn_child(sb, &ss, &sa);
}

static int SPAWN_NO_ASAN
prep_student_entry(void *arg)
{
	const struct spawn_arg	*sa = arg;

	prep_student_child(sa->sa_sb, sa->sa_ss, sa);
}

/*
 * spawner: a script's copy, in its child's mount namespace, from the
 * validated file; 0 or the errno of what failed.  Then back to the
 * jail's namespace, the executor's: a spawner that could not would make
 * its next children from a script's, so it tells the child and ends.
 */
static int32_t
prep_copy_make(const struct sandbox *sb, int ns, const struct prep_copy *cp,
    int file, int chan)
{
	const struct prep_note	 fail = { PREP_MAGIC_COPY, EIO };
	int32_t			 err = 0;

	if (syscall(SYS_setns, ns, CLONE_NEWNS) == -1)
		return errno;
	if (jail_child_script(sb, sb->sb_docroot, cp->cp_script, file) == -1)
		err = errno != 0 ? errno : EIO;
	if (syscall(SYS_setns, sb->sb_mntns, CLONE_NEWNS) == -1) {
		(void)prep_send(chan, &fail, sizeof(fail), NULL, 0);
		_exit(1);
	}
	return err;
}

/* spawner: the child's mount namespace, which it hands over; -1 if none */
static int
prep_take_ns(int chan)
{
	struct prep_note	 note;
	int			 nsfd;

	if (prep_recv(chan, &note, sizeof(note), &nsfd, 1, 1, NULL) !=
	    (ssize_t)sizeof(note))
		return -1;
	if (note.pn_magic != PREP_MAGIC_COPY) {
		(void)close(nsfd);
		return -1;
	}
	return nsfd;
}

/*
 * spawner: the executor's next order, if it is a copy for this child:
 * 2, the copy made (or not) and told to the child; 1 if there was none
 * (a wake-up for nothing, or a copy for another, dropped); 0 if the
 * order is not a copy (a command for the next child, left for the
 * spawner's loop once this child has gone) or at the executor's end.
 */
static int
prep_copy_serve(const struct sandbox *sb, const struct prep_cmd *pc, int cmd,
    int chan, int *ns)
{
	const struct prep_copy	*cp = &prep_order.po_copy;
	struct prep_note	 note = { PREP_MAGIC_COPY, 0 };
	uint32_t		 magic;
	size_t			 got = 0;
	ssize_t			 n;
	int			 file = -1;

	n = (ssize_t)syscall(SYS_recvfrom, cmd, &magic, sizeof(magic),
	    MSG_PEEK | MSG_DONTWAIT, NULL, NULL);
	if (n == -1)
		return errno == EAGAIN || errno == EINTR ? 1 : 0;
	if (n != (ssize_t)sizeof(magic) || magic != PREP_MAGIC_COPY)
		return 0;
	n = prep_recv(cmd, &prep_order, sizeof(prep_order), &file, 0, 1,
	    &got);
	if (n != (ssize_t)sizeof(*cp) || got != 1 || cp->cp_slot !=
	    pc->pc_slot || memchr(cp->cp_script, '\0',
	    sizeof(cp->cp_script)) == NULL) {
		if (got == 1)
			(void)close(file);
		return n == -1 && errno == 0 ? 0 : 1;
	}
	/* the child hands over its namespace once its jail is made */
	if (*ns == -1 && (*ns = prep_take_ns(chan)) == -1) {
		(void)close(file);
		return 2;	/* it died: nobody to copy for */
	}
	note.pn_err = prep_copy_make(sb, *ns, cp, file, chan);
	(void)prep_send(chan, &note, sizeof(note), NULL, 0);
	(void)close(file);
	return 2;
}

/*
 * spawner, while its child lives: wait for its exec or its end; a
 * script's child also hands over its mount namespace, and the executor
 * orders its copy.  The order comes before any command for the next
 * child (one channel, in order); it never comes for a child that is
 * discarded unused.  A program's child has no channel to us (chan -1).
 */
static void
prep_wait(const struct sandbox *sb, const struct prep_cmd *pc, int cmd,
    int chan, int status)
{
	struct pollfd	 pfd[3] = { { status, 0, 0 }, { chan, POLLIN, 0 },
			    { chan != -1 ? cmd : -1, POLLIN, 0 } };
	int		 ns = -1;

	for (;;) {
		if (syscall(SYS_ppoll, pfd, 3, NULL, NULL, 0) < 1)
			continue;
		if (pfd[0].revents != 0)
			break;		/* exec'd or died */
		if (pfd[1].revents != 0) {
			if (ns == -1)
				ns = prep_take_ns(chan);
			pfd[1].fd = -1;	/* one message, or its end */
		}
		if (pfd[2].revents != 0 &&
		    prep_copy_serve(sb, pc, cmd, chan, &ns) != 1)
			pfd[2].fd = -1;	/* one copy, or none to come */
	}
	if (ns != -1)
		(void)close(ns);
}

/*
 * spawner: one child for the command's slot, and sleep until it has
 * exec'd or died: until no one holds the status pipe's write end (the
 * child's copy goes at its exec or its end, after its memory, ours, has
 * been let go).  Events 0: only that end is reported, not the record a
 * failed step leaves for the executor.  Its socket end stands in for its
 * stdio and its file until the request replaces them; a script's child
 * also has a channel to us.  A student's child takes its request at
 * once and makes its script's copy itself.  A clone that fails is
 * written on the status pipe like any failed step.
 */
static void
prep_clone(struct sandbox *sb, const struct prep_cmd *pc, const int *fds,
    size_t nfds, int cmd)
{
	struct sandbox_spawn	 ss;
	struct spawn_arg	 sa;
	struct {
		int32_t		 step;
		int32_t		 err;
	}			 rec = { SBX_STEP_CLONE, 0 };
	int			 cgfds[LIMITS_CG_FDS], chan[2] = { -1, -1 };
	size_t			 i, next = 4;
	long			 pid = -1;

	for (i = 0; i < LIMITS_CG_FDS; i++)
		cgfds[i] = (pc->pc_cgmask & (1U << i)) && next < nfds ?
		    fds[next++] : -1;
	memset(&ss, 0, sizeof(ss));
	ss.ss_stdin = ss.ss_stdout = ss.ss_stderr = fds[0];
	ss.ss_exec_fd = fds[0];
	ss.ss_execat = !pc->pc_script;
	ss.ss_policy = pc->pc_policy;
	ss.ss_slot = pc->pc_slot;
	ss.ss_tree = ss.ss_rw = -1;
	if (pc->pc_user != 0) {
		/* the table is the executor's at our fork: it never changes */
		ss.ss_user = &sb->sb_users[pc->pc_user - 1];
		ss.ss_tree = fds[next++];
		ss.ss_rw = pc->pc_rw ? fds[next++] : -1;
		ss.ss_rw_path = prep_rw_path;
		if ((size_t)snprintf(prep_rw_path, sizeof(prep_rw_path),
		    "%s/%s", ss.ss_user->su_path,
		    sb->sb_cfg->cf_userdir_writable) >= sizeof(prep_rw_path))
			rec.err = ENAMETOOLONG;
	}
	(void)spawn_arg_init(&sa, sb, &ss, cgfds, fds[1], fds[3]);
	sa.sa_shared = 0;
	sa.sa_inner = prep_outer_on;
	if (rec.err == 0 && pc->pc_user != 0) {
		pid = clone(prep_student_entry, sb->sb_stack +
		    SPAWN_STACK_SIZE, PREP_FLAGS, &sa);
		if (pid == -1)
			rec.err = errno;
	} else if (rec.err == 0 && pc->pc_script && socketpair(AF_UNIX,
	    SOCK_SEQPACKET | SOCK_CLOEXEC, 0, chan) == -1)
		rec.err = errno;
	else if (rec.err == 0) {
		sa.sa_copyfd = chan[1];
		pid = clone(prep_entry, sb->sb_stack + SPAWN_STACK_SIZE,
		    PREP_FLAGS, &sa);
		if (pid == -1)
			rec.err = errno;
	}
	if (pid == -1)
		(void)syscall(SYS_write, fds[1], &rec, sizeof(rec));
	/* the child runs in our memory: raw calls, errno untouched */
	for (i = 0; i < nfds; i++)
		if (i != 2)
			(void)syscall(SYS_close, fds[i]);
	if (chan[1] != -1)
		(void)syscall(SYS_close, chan[1]);
	if (pid != -1)
		prep_wait(sb, pc, cmd, chan[0], fds[2]);
	if (chan[0] != -1)
		(void)syscall(SYS_close, chan[0]);
	(void)syscall(SYS_close, fds[2]);
}

static int
prep_cmd_ok(const struct sandbox *sb, const struct prep_cmd *pc,
    size_t policy, size_t nfds)
{
	return pc->pc_slot < sb->sb_nslots && pc->pc_policy < sb->sb_npolicy &&
	    sb->sb_prep_owner[pc->pc_policy] == policy &&
	    (sb->sb_prep_policies & (1U << pc->pc_policy)) &&
	    pc->pc_cgmask < (1U << LIMITS_CG_FDS) && pc->pc_nfds == nfds &&
	    pc->pc_script <= 1 && pc->pc_user <= sb->sb_nusers &&
	    pc->pc_rw <= (pc->pc_user != 0) &&
	    nfds == 4 + (size_t)__builtin_popcount(pc->pc_cgmask) +
	    (pc->pc_user != 0) + pc->pc_rw;
}

/*
 * a spawner: a child of its policy per command, until the executor
 * closes its end.  Every signal stays blocked: nothing interrupts its
 * sleep, no handler of the executor's runs in it or in a child before
 * its reset.  Its policy's outer filter, if it has one and the inner
 * one is under half the whole, from the start: it and every child it
 * makes run under it (no new privileges first, as any filter needs); if
 * that fails, its children install the whole one.
 */
static void __attribute__((noreturn))
prep_spawner(struct sandbox *sb, int fd, size_t policy)
{
	const struct filter_prog	*fp = &sb->sb_policy[policy];
	struct prep_cmd			 pc;
	uint64_t			 oldmask;
	ssize_t				 n;
	int				 fds[PREP_CMD_FDS];
	size_t				 i, got;

	(void)prctl(PR_SET_NAME, PREP_NAME, 0, 0, 0);
	ns_signals_block(&oldmask);
	/* a small policy is as quick to compile whole */
	if (fp->fp_outer != NULL && fp->fp_inner != NULL &&
	    fp->fp_inner_len < fp->fp_len / 2 && caps_no_new_privs() == 0 &&
	    filter_install_bpf(fp->fp_outer, fp->fp_outer_len) == 0)
		prep_outer_on = 1;
	for (;;) {
		n = prep_recv(fd, &prep_order, sizeof(prep_order), fds, 1,
		    PREP_CMD_FDS, &got);
		/*
		 * the executor's EOF ends it; a copy whose child died before
		 * we read it is dropped; anything else is a broken peer
		 */
		if (n == (ssize_t)sizeof(prep_order.po_copy) &&
		    prep_order.po_copy.cp_magic == PREP_MAGIC_COPY) {
			for (i = 0; i < got; i++)
				(void)close(fds[i]);
			continue;
		}
		if (n != (ssize_t)sizeof(prep_order.po_cmd))
			_exit(n == -1 && errno == 0 ? 0 : 1);
		/* ours: a copy order for its child comes in the same place */
		pc = prep_order.po_cmd;
		if (prep_cmd_ok(sb, &pc, policy, got))
			prep_clone(sb, &pc, fds, got, fd);
		else
			for (i = 0; i < got; i++)
				(void)close(fds[i]);
	}
}

/*
 * May this policy's children take their request after the filter?  A
 * throwaway child installs it and makes the very calls, with the very
 * flags, that a prepared child makes then: recvmsg with descriptors,
 * dup3 both ways, close, chdir, a write for a failure record, and an
 * execveat that fails (of /dev/null) rather than run.  A policy that
 * kills or refuses any of them gets no prepared children.
 */
static int
prep_probe(const struct sandbox *sb, size_t policy)
{
	struct prep_cmd	 pc;
	int		 sv[2], fds[2], st[2], status;
	char		*argv[] = { (char *)"probe", NULL };
	pid_t		 pid;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) == -1)
		return 0;
	if (pipe2(st, O_CLOEXEC) == -1) {
		(void)close(sv[0]);
		(void)close(sv[1]);
		return 0;
	}
	fds[0] = fds[1] = st[1];
	memset(&pc, 0, sizeof(pc));
	if ((pid = fork()) == 0) {
		int	 got[2], nul;

		if (prep_send(sv[0], &pc, sizeof(pc), fds, 2) == -1 ||
		    (nul = open("/dev/null", O_RDONLY | O_CLOEXEC)) == -1 ||
		    caps_no_new_privs() == -1 ||
		    spawn_seccomp(sb, policy, 0) == -1)
			_exit(2);
		if (prep_recv(sv[1], &pc, sizeof(pc), got, 2, 2, NULL) !=
		    (ssize_t)sizeof(pc) ||
		    syscall(SYS_dup3, got[0], 10, 0) == -1 ||
		    syscall(SYS_dup3, got[1], 11, O_CLOEXEC) == -1 ||
		    syscall(SYS_close, got[0]) == -1 ||
		    syscall(SYS_chdir, "/") == -1 ||
		    syscall(SYS_write, st[1], "", 0) == -1)
			_exit(3);
		if (syscall(SYS_execveat, nul, "", argv, argv,
		    AT_EMPTY_PATH) != -1 || errno != EACCES)
			_exit(4);
		_exit(0);
	}
	(void)close(sv[0]);
	(void)close(sv[1]);
	(void)close(st[0]);
	(void)close(st[1]);
	if (pid == -1)
		return 0;
	while (waitpid(pid, &status, 0) == -1)
		if (errno != EINTR)
			return 0;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

/*
 * May a spawner enter a script child's mount namespace to make its copy,
 * and come back?  A throwaway child, confined as a spawner is, joins the
 * jail's namespace, which it is in already: the same permission checks,
 * nothing changed.
 */
static int
prep_probe_setns(const struct sandbox *sb)
{
	int	 status;
	pid_t	 pid;

	if ((pid = fork()) == -1)
		return 0;
	if (pid == 0)
		_exit(setns(sb->sb_mntns, CLONE_NEWNS) == 0 ? 0 : 1);
	while (waitpid(pid, &status, 0) == -1)
		if (errno != EINTR)
			return 0;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

int
sandbox_prep_scripts_ok(const struct sandbox *sb)
{
	return sb->sb_prep != NULL && sb->sb_prep_scripts;
}

int
sandbox_prep_policy_ok(const struct sandbox *sb, size_t policy)
{
	return sb->sb_prep != NULL && policy < sb->sb_npolicy &&
	    (sb->sb_prep_policies & (1U << policy)) != 0;
}

/*
 * One spawner, forked now; -1 with errno.  It keeps no descriptor of
 * ours but its channel and the jail's mount namespace (a child copies
 * its table: the smaller the better; what a child needs comes with each
 * command).
 */
static int
prep_fork(struct sandbox *sb, struct sandbox_spawner *sw, size_t policy)
{
	int	 sv[2];
	pid_t	 pid;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) == -1)
		return -1;
	if ((pid = fork()) == -1) {
		(void)close(sv[0]);
		(void)close(sv[1]);
		return -1;
	}
	if (pid == 0) {
		if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) == -1 ||
		    getppid() == 1)
			_exit(1);
		/* and the jail's namespace, to come back to from a child's */
		if (sb->sb_mntns != sv[1] + 1 && dup3(sb->sb_mntns, sv[1] + 1,
		    O_CLOEXEC) == -1)
			_exit(1);
		sb->sb_mntns = sv[1] + 1;
		if (sv[1] > 3)
			(void)close_range(3, (unsigned int)sv[1] - 1, 0);
		(void)close_range((unsigned int)sv[1] + 2, ~0U, 0);
		prep_spawner(sb, sv[1], policy);
	}
	(void)close(sv[1]);
	sw->sw_fd = sv[0];
	sw->sw_pid = pid;
	sw->sw_slot = -1;
	sw->sw_policy = policy;
	sw->sw_retired = 0;
	sw->sw_late = -1;
	return 0;
}

/*
 * A spawner used no more: it ends on its channel's EOF (or has ended:
 * its channel broke), to be reaped and replaced (sandbox_prep_sweep())
 */
static void
prep_retire(struct sandbox_spawner *sw)
{
	(void)close(sw->sw_fd);
	sw->sw_fd = -1;
	sw->sw_retired = 1;
}

/* to a spawner: one whose channel is broken (it has ended) is retired */
static ssize_t
prep_send_spawner(struct sandbox_spawner *sw, const void *buf, size_t len,
    const int *fds, size_t nfds)
{
	ssize_t	 r;
	int	 save;

	if ((r = prep_send(sw->sw_fd, buf, len, fds, nfds)) == -1 &&
	    (errno == EPIPE || errno == ECONNRESET)) {
		save = errno;
		prep_retire(sw);
		errno = save;
	}
	return r;
}

/* the same filters, whole and split: one policy's spawners serve both */
static int
prep_alike(const struct filter_prog *a, const struct filter_prog *b)
{
	return a->fp_len == b->fp_len && a->fp_outer_len == b->fp_outer_len &&
	    a->fp_inner_len == b->fp_inner_len &&
	    a->fp_has_floor == b->fp_has_floor &&
	    a->fp_exec_self == b->fp_exec_self &&
	    memcmp(a->fp_insns, b->fp_insns, a->fp_len *
	    sizeof(*a->fp_insns)) == 0 &&
	    (a->fp_outer == NULL) == (b->fp_outer == NULL) &&
	    (a->fp_outer == NULL || (memcmp(a->fp_outer, b->fp_outer,
	    a->fp_outer_len * sizeof(*a->fp_outer)) == 0 &&
	    memcmp(a->fp_inner, b->fp_inner, a->fp_inner_len *
	    sizeof(*a->fp_inner)) == 0));
}

/*
 * n spawners for each policy whose children may take their request after
 * their filter, for the first PREP_POLICIES of them, and nstudents more
 * for students' requests; a policy alike an earlier one (two CGI
 * directories of the default policy) shares its.
 */
int
sandbox_prep_start(struct sandbox *sb, size_t n, size_t nstudents,
    char *err, size_t errsz)
{
	size_t	 i, j, npol = 0;

	for (i = 0; i < sb->sb_npolicy && i < 32; i++) {
		sb->sb_prep_owner[i] = i;
		for (j = 0; j < i; j++)
			if (prep_alike(&sb->sb_policy[i], &sb->sb_policy[j])) {
				sb->sb_prep_owner[i] = sb->sb_prep_owner[j];
				break;
			}
		if (sb->sb_prep_owner[i] != i) {
			if (sb->sb_prep_policies & (1U << sb->sb_prep_owner[i]))
				sb->sb_prep_policies |= 1U << i;
		} else if (npol < PREP_POLICIES &&
		    !sb->sb_policy[i].fp_exec_self && prep_probe(sb, i)) {
			sb->sb_prep_policies |= 1U << i;
			npol++;
		}
	}
	sb->sb_prep_scripts = prep_probe_setns(sb);
	if (sb->sb_prep_policies == 0) {
		snprintf(err, errsz, "no policy lets a child take its request "
		    "after its filter (recvmsg, dup3, close, chdir, write, "
		    "execveat), or each says exec self");
		return -1;
	}
	if ((sb->sb_prep = calloc(sb->sb_nslots, sizeof(*sb->sb_prep))) ==
	    NULL || (sb->sb_spawner = calloc((n + nstudents) * npol,
	    sizeof(*sb->sb_spawner))) == NULL) {
		snprintf(err, errsz, "the spawners: %s", strerror(errno));
		sandbox_prep_stop(sb);
		return -1;
	}
	for (i = 0; i < sb->sb_nslots; i++)
		sb->sb_prep[i].sp_chan = sb->sb_prep[i].sp_status =
		    sb->sb_prep[i].sp_pidfd = sb->sb_prep[i].sp_cg_slot = -1;
	for (i = 0; i < sb->sb_npolicy && i < 32; i++)
		for (j = 0; j < n + nstudents && sb->sb_prep_owner[i] == i &&
		    (sb->sb_prep_policies & (1U << i)); j++) {
			if (prep_fork(sb, &sb->sb_spawner[sb->sb_nspawner],
			    i) == -1) {
				snprintf(err, errsz, "a spawner: %s",
				    strerror(errno));
				sandbox_prep_stop(sb);
				return -1;
			}
			sb->sb_spawner[sb->sb_nspawner++].sw_students = j >= n;
		}
	return 0;
}

/*
 * A command to spawner sw, pc filled but for its descriptors: a socket
 * pair for the child's hello (ours with SO_PASSCRED: the kernel tells its
 * pid, as we see it), its status pipe (our end non-blocking: a record is
 * read only once it is there), the user namespace, the slot's cgroup
 * files, and a student's tree and writable directory (-1: none).  Our
 * ends go in sp; 0, or -1 with errno and nothing left open.
 */
static int
prep_command(struct sandbox_spawner *sw, struct prep_cmd *pc, int userns,
    const int *cgfds, int tree, int rw, struct sandbox_prep *sp)
{
	int	 sv[2], st[2], fds[PREP_CMD_FDS], on = 1, save;
	size_t	 i, nfds = 4;
	ssize_t	 r;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) == -1)
		return -1;
	if (pipe2(st, O_CLOEXEC) == -1) {
		save = errno;
		(void)close(sv[0]);
		(void)close(sv[1]);
		errno = save;
		return -1;
	}
	(void)fcntl(st[0], F_SETFL, O_NONBLOCK);
	(void)setsockopt(sv[0], SOL_SOCKET, SO_PASSCRED, &on, sizeof(on));
	fds[0] = sv[1];
	fds[1] = st[1];
	fds[2] = st[0];
	fds[3] = userns;
	for (i = 0; i < LIMITS_CG_FDS; i++)
		if (cgfds[i] != -1) {
			pc->pc_cgmask |= 1U << i;
			fds[nfds++] = cgfds[i];
		}
	if (tree != -1)
		fds[nfds++] = tree;
	if (rw != -1)
		fds[nfds++] = rw;
	pc->pc_nfds = (uint32_t)nfds;
	r = prep_send_spawner(sw, pc, sizeof(*pc), fds, nfds);
	save = errno;
	(void)close(sv[1]);
	(void)close(st[1]);
	if (r == -1) {
		(void)close(sv[0]);
		(void)close(st[0]);
		errno = save;
		return -1;
	}
	sp->sp_chan = sv[0];
	sp->sp_status = st[0];
	return 0;
}

int
sandbox_prep_ask(struct sandbox *sb, size_t slot, size_t policy, int script)
{
	struct sandbox_spawner	*sw = NULL;
	struct sandbox_prep	*sp;
	struct sandbox_child	 ch;
	struct prep_cmd		 pc;
	int			 cgfds[LIMITS_CG_FDS], save;
	size_t			 i;

	if (!sandbox_prep_policy_ok(sb, policy) || slot >= sb->sb_nslots ||
	    sb->sb_prep[slot].sp_state != SBX_PREP_NONE ||
	    (script && !sb->sb_prep_scripts)) {
		errno = EINVAL;
		return -1;
	}
	for (i = 0; i < sb->sb_nspawner && sw == NULL; i++)
		if (sb->sb_spawner[i].sw_fd != -1 &&
		    sb->sb_spawner[i].sw_slot == -1 &&
		    !sb->sb_spawner[i].sw_students &&
		    sb->sb_spawner[i].sw_policy == sb->sb_prep_owner[policy])
			sw = &sb->sb_spawner[i];
	if (sw == NULL) {
		errno = EBUSY;
		return -1;
	}
	sp = &sb->sb_prep[slot];
	memset(&ch, 0, sizeof(ch));
	memset(&pc, 0, sizeof(pc));
	if (limits_cgroup_create(sb, NULL, &ch, slot, cgfds) == -1)
		return -1;
	pc.pc_slot = (uint32_t)slot;
	pc.pc_policy = (uint32_t)policy;
	pc.pc_script = script != 0;
	if (prep_command(sw, &pc, sb->sb_userns[slot], cgfds, -1, -1,
	    sp) == -1) {
		save = errno;
		(void)limits_cgroup_release(sb, &ch);
		errno = save;
		return -1;
	}
	(void)fcntl(sp->sp_chan, F_SETFL, O_NONBLOCK);
	sw->sw_slot = (ssize_t)slot;
	sp->sp_state = SBX_PREP_ASKED;
	sp->sp_policy = policy;
	sp->sp_script = script != 0;
	sp->sp_spawner = (size_t)(sw - sb->sb_spawner);
	sp->sp_spawner_pid = sw->sw_pid;
	sp->sp_cg_slot = ch.sch_cg_slot;
	sp->sp_pid = -1;
	sp->sp_pidfd = -1;
	return 0;
}

/*
 * Its spawner is free again once its child is taken or gone: until then
 * it sleeps on that child, and a command would wait in its socket.
 */
static void
prep_release_spawner(struct sandbox *sb, struct sandbox_prep *sp)
{
	struct sandbox_spawner	*sw;

	if (sp->sp_spawner >= sb->sb_nspawner)
		return;		/* the spawners are stopped */
	sw = &sb->sb_spawner[sp->sp_spawner];
	if (sw->sw_pid == sp->sp_spawner_pid && sw->sw_slot == sp - sb->sb_prep)
		sw->sw_slot = -1;
}

/* the slot back to nothing; its child, if any, was reaped or never was */
static void
prep_clear(struct sandbox *sb, struct sandbox_prep *sp)
{
	struct sandbox_child	 ch;

	prep_release_spawner(sb, sp);
	memset(&ch, 0, sizeof(ch));
	ch.sch_cg_slot = sp->sp_cg_slot;
	(void)limits_cgroup_release(sb, &ch);
	if (sp->sp_chan != -1)
		(void)close(sp->sp_chan);
	if (sp->sp_status != -1)
		(void)close(sp->sp_status);
	if (sp->sp_pidfd != -1)
		(void)close(sp->sp_pidfd);
	sp->sp_chan = sp->sp_status = sp->sp_pidfd = sp->sp_cg_slot = -1;
	sp->sp_pid = -1;
	sp->sp_state = SBX_PREP_NONE;
}

/*
 * The hello, with the pid the kernel attaches: 1, 0 not yet, -1.  The
 * child is ours and not reaped, so its pid cannot have been reused: the
 * pidfd opened from it is its.
 */
static int
prep_read_hello(struct sandbox_prep *sp)
{
	union {
		struct cmsghdr	 hdr;
		char		 buf[CMSG_SPACE(sizeof(struct ucred))];
	}			 cm;
	struct prep_hello	 hello;
	struct iovec		 iov = { &hello, sizeof(hello) };
	struct msghdr		 msg;
	struct cmsghdr		*c;
	struct ucred		 cred;
	int			 havecred = 0, pidfd;
	ssize_t			 n;

	prep_msg(&msg, &iov, cm.buf, sizeof(cm.buf));
	if ((n = recvmsg(sp->sp_chan, &msg, MSG_CMSG_CLOEXEC |
	    MSG_DONTWAIT)) == -1)
		return errno == EAGAIN || errno == EINTR ? 0 : -1;
	for (c = CMSG_FIRSTHDR(&msg); c != NULL; c = CMSG_NXTHDR(&msg, c))
		if (c->cmsg_level == SOL_SOCKET &&
		    c->cmsg_type == SCM_CREDENTIALS &&
		    c->cmsg_len == CMSG_LEN(sizeof(cred))) {
			memcpy(&cred, CMSG_DATA(c), sizeof(cred));
			havecred = 1;
		}
	if (n != (ssize_t)sizeof(hello) || hello.ph_magic != PREP_MAGIC ||
	    !havecred || cred.pid <= 0 || cred.uid != geteuid() ||
	    (msg.msg_flags & (MSG_TRUNC | MSG_CTRUNC)))
		return -1;
	if ((pidfd = (int)syscall(SYS_pidfd_open, cred.pid, 0)) == -1)
		return -1;
	sp->sp_pidfd = pidfd;
	sp->sp_pid = cred.pid;
	return 1;
}

/*
 * What the status pipe says of a child that died before its request:
 * the step that failed, or SBX_STEP_NONE (killed, or never made).
 */
static void
prep_failure(const struct sandbox_prep *sp, struct sandbox_failure *fail)
{
	struct {
		int32_t		 step;
		int32_t		 err;
	}		 rec;

	fail->sf_step = SBX_STEP_NONE;
	fail->sf_errno = 0;
	if (read(sp->sp_status, &rec, sizeof(rec)) == (ssize_t)sizeof(rec) &&
	    rec.step > SBX_STEP_NONE && rec.step < SBX_STEP_MAX &&
	    rec.err >= 0) {
		fail->sf_step = (enum sandbox_step)rec.step;
		fail->sf_errno = rec.err;
	}
}

/* a ready child that is gone already: reaped, its slot free; 1, else 0 */
static int
prep_dead(struct sandbox *sb, struct sandbox_prep *sp,
    struct sandbox_failure *fail)
{
	struct pollfd	 pfd = { sp->sp_pidfd, POLLIN, 0 };

	if (poll(&pfd, 1, 0) != 1)
		return 0;
	prep_failure(sp, fail);
	(void)syscall(SYS_waitid, P_PIDFD, sp->sp_pidfd, NULL, WEXITED, NULL);
	prep_clear(sb, sp);
	return 1;
}

int
sandbox_prep_event(struct sandbox *sb, size_t slot,
    struct sandbox_failure *fail)
{
	struct sandbox_prep	*sp;
	int			 r;

	if (sb->sb_prep == NULL || slot >= sb->sb_nslots)
		return 0;
	sp = &sb->sb_prep[slot];
	if (sp->sp_state == SBX_PREP_READY)
		return prep_dead(sb, sp, fail) ? -1 : 0;
	if (sp->sp_state != SBX_PREP_ASKED ||
	    (r = prep_read_hello(sp)) == 0)
		return 0;
	if (r == 1) {
		sp->sp_state = SBX_PREP_READY;
		return 1;
	}
	prep_failure(sp, fail);
	prep_clear(sb, sp);
	return -1;
}

enum sandbox_prep_state
sandbox_prep_state(const struct sandbox *sb, size_t slot, size_t *policy,
    int *script)
{
	if (sb->sb_prep == NULL || slot >= sb->sb_nslots)
		return SBX_PREP_NONE;
	if (policy != NULL)
		*policy = sb->sb_prep[slot].sp_policy;
	if (script != NULL)
		*script = sb->sb_prep[slot].sp_script;
	return sb->sb_prep[slot].sp_state;
}

void
sandbox_prep_discard(struct sandbox *sb, size_t slot)
{
	struct sandbox_failure	 fail;
	struct sandbox_prep	*sp;
	struct pollfd		 pfd;

	if (sb->sb_prep == NULL || slot >= sb->sb_nslots)
		return;
	sp = &sb->sb_prep[slot];
	/* its pid is told by its hello: wait for it, boundedly */
	while (sp->sp_state == SBX_PREP_ASKED) {
		pfd.fd = sp->sp_chan;
		pfd.events = POLLIN;
		if (poll(&pfd, 1, PREP_HELLO_MS) <= 0 ||
		    sandbox_prep_event(sb, slot, &fail) == -1)
			break;
	}
	if (sp->sp_state == SBX_PREP_READY) {
		/* pid 1 of its namespace: SIGKILL, and all of it is gone */
		(void)syscall(SYS_pidfd_send_signal, sp->sp_pidfd, SIGKILL,
		    NULL, 0);
		(void)syscall(SYS_waitid, P_PIDFD, sp->sp_pidfd, NULL,
		    WEXITED, NULL);
	}
	if (sp->sp_state != SBX_PREP_NONE)
		prep_clear(sb, sp);
}

/* the request, as the child takes it; -1 (E2BIG) if it does not fit */
static int
prep_pack(const struct sandbox_spawn *ss)
{
	const char	*head[PREP_REQ_HEAD];
	size_t		 off = 0, n, i;
	char *const	*v;
	int		 pass;

	head[0] = ss->ss_cwd;
	head[1] = ss->ss_execat ? "" : ss->ss_path;
	head[2] = ss->ss_execat ? "" : ss->ss_script;
	memset(&prep_tx, 0, offsetof(struct prep_req, rq_data));
	prep_tx.rq_magic = PREP_MAGIC;
	for (pass = 0; pass < 3; pass++) {
		v = pass == 1 ? ss->ss_argv : ss->ss_envp;
		for (i = 0; pass == 0 ? i < PREP_REQ_HEAD : v[i] != NULL;
		    i++) {
			const char	*s = pass == 0 ? head[i] : v[i];

			n = strlen(s) + 1;
			if (n > sizeof(prep_tx.rq_data) - off ||
			    (pass == 1 && i >= PREP_ARGV_MAX) ||
			    (pass == 2 && i >= PREP_ENV_MAX)) {
				errno = E2BIG;
				return -1;
			}
			memcpy(prep_tx.rq_data + off, s, n);
			off += n;
		}
		if (pass == 1)
			prep_tx.rq_argc = (uint32_t)i;
		else if (pass == 2)
			prep_tx.rq_envc = (uint32_t)i;
	}
	prep_tx.rq_len = (uint32_t)off;
	return 0;
}

/*
 * The spawner that made sp's child is there still (not one in its place,
 * nor ended: its channel hung up, it is retired now)?
 */
static int
prep_spawner_there(struct sandbox *sb, const struct sandbox_prep *sp)
{
	struct sandbox_spawner	*sw;
	struct pollfd		 pfd;

	if (sp->sp_spawner >= sb->sb_nspawner)
		return 0;
	sw = &sb->sb_spawner[sp->sp_spawner];
	if (sw->sw_fd == -1 || sw->sw_pid != sp->sp_spawner_pid)
		return 0;
	pfd.fd = sw->sw_fd;
	pfd.events = 0;
	pfd.revents = 0;
	if (poll(&pfd, 1, 0) == 1 && (pfd.revents & (POLLHUP | POLLERR))) {
		prep_retire(sw);
		return 0;
	}
	return 1;
}

/* the order for a script's copy, to the spawner of the slot's child */
static int
prep_order_copy(struct sandbox *sb, const struct sandbox_prep *sp,
    const struct sandbox_spawn *ss)
{
	if (!prep_spawner_there(sb, sp)) {
		errno = ESRCH;
		return -1;
	}
	memset(&prep_copy_tx, 0, sizeof(prep_copy_tx));
	prep_copy_tx.cp_magic = PREP_MAGIC_COPY;
	prep_copy_tx.cp_slot = (uint32_t)ss->ss_slot;
	(void)strlcpy(prep_copy_tx.cp_script, ss->ss_script,
	    sizeof(prep_copy_tx.cp_script));
	return prep_send_spawner(&sb->sb_spawner[sp->sp_spawner],
	    &prep_copy_tx, sizeof(prep_copy_tx), &ss->ss_exec_fd, 1) == -1 ?
	    -1 : 0;
}

/*
 * sandbox_spawn(): the slot's prepared child takes the request if both
 * fit; 0 with *ch filled, or -1: spawn the usual way (a child in the
 * slot that does not fit is discarded first; one found dead leaves its
 * failure in *fail, for the caller to tell).  A child that dies after
 * this look has left its failure record: it is reported like any child
 * whose step failed.
 */
int
prep_take(struct sandbox *sb, const struct sandbox_spawn *ss,
    struct sandbox_child *ch, struct sandbox_failure *fail)
{
	struct sandbox_prep	*sp;
	int			 fds[PREP_NFDS];

	if (sb->sb_prep == NULL || ss->ss_slot >= sb->sb_nslots)
		return -1;
	sp = &sb->sb_prep[ss->ss_slot];
	if (sp->sp_state == SBX_PREP_NONE)
		return -1;
	if (sp->sp_state != SBX_PREP_READY || ss->ss_user != NULL ||
	    sp->sp_script != !ss->ss_execat || (!ss->ss_execat &&
	    (ss->ss_path == NULL || ss->ss_script == NULL ||
	    strlen(ss->ss_script) >= sizeof(prep_copy_tx.cp_script))) ||
	    sp->sp_policy != ss->ss_policy ||
	    (sp->sp_script && !prep_spawner_there(sb, sp)) ||
	    ss->ss_stdin < 0 || ss->ss_stdout < 0 || ss->ss_stderr < 0 ||
	    prep_pack(ss) == -1) {
		/* a script's child whose spawner is gone gets no copy */
		sandbox_prep_discard(sb, ss->ss_slot);
		return -1;
	}
	/* gone since (its end not yet seen): the request starts as before */
	if (prep_dead(sb, sp, fail))
		return -1;
	fds[0] = ss->ss_stdin;
	fds[1] = ss->ss_stdout;
	fds[2] = ss->ss_stderr;
	fds[3] = ss->ss_exec_fd;
	/*
	 * A script's copy is its spawner's to make, first: it sets about it
	 * while the child takes the request.  EPIPE: the child died
	 * preparing, and its record says why.  Any other failure leaves it
	 * waiting for nothing: it is killed, and reported so, rather than
	 * left to its start timer.
	 */
	if ((!ss->ss_execat && prep_order_copy(sb, sp, ss) == -1) ||
	    (prep_send(sp->sp_chan, &prep_tx, offsetof(struct prep_req,
	    rq_data) + prep_tx.rq_len, fds, PREP_NFDS) == -1 &&
	    errno != EPIPE))
		(void)syscall(SYS_pidfd_send_signal, sp->sp_pidfd, SIGKILL,
		    NULL, 0);
	ch->sch_prepared = 1;
	ch->sch_pid = sp->sp_pid;
	ch->sch_pidfd = sp->sp_pidfd;
	ch->sch_statusfd = sp->sp_status;
	ch->sch_cg_slot = sp->sp_cg_slot;
	prep_release_spawner(sb, sp);
	(void)close(sp->sp_chan);
	sp->sp_chan = sp->sp_status = sp->sp_pidfd = sp->sp_cg_slot = -1;
	sp->sp_pid = -1;
	sp->sp_state = SBX_PREP_NONE;
	return 0;
}

/* a free spawner for students' children of the policy, or NULL */
static struct sandbox_spawner *
prep_student_spawner(struct sandbox *sb, size_t policy)
{
	size_t	 i;

	for (i = 0; i < sb->sb_nspawner; i++)
		if (sb->sb_spawner[i].sw_fd != -1 &&
		    sb->sb_spawner[i].sw_slot == -1 &&
		    sb->sb_spawner[i].sw_students &&
		    sb->sb_spawner[i].sw_policy == sb->sb_prep_owner[policy])
			return &sb->sb_spawner[i];
	return NULL;
}

/*
 * The child's hello (it comes before any step, as root: nobody can stop
 * it before that), within PREP_HELLO_MS: 1, else 0 with *fail filled
 * from the status pipe (a clone that failed) or, if there is no record,
 * as a spawner that does not answer, which is not used again.
 */
static int
prep_student_hello(struct sandbox_spawner *sw, struct sandbox_prep *sp,
    struct sandbox_failure *fail)
{
	struct pollfd	 pfd = { sp->sp_chan, POLLIN, 0 };

	if (poll(&pfd, 1, PREP_HELLO_MS) == 1 && prep_read_hello(sp) == 1)
		return 1;
	prep_failure(sp, fail);
	if (fail->sf_step == SBX_STEP_NONE) {
		fail->sf_step = SBX_STEP_CLONE;
		fail->sf_errno = ETIMEDOUT;
		prep_retire(sw);
	}
	return 0;
}

/*
 * sandbox_spawn(): a student's child, made by a free spawner for
 * students now (never ahead: whose would it be?), instead of by a copy
 * of the executor.  0 with *ch filled; 1 failed, *fail says why and
 * nothing runs; -1 not here (no such spawner is free, a policy or a
 * request that a spawner's child cannot take): the usual way.  The
 * request follows the child's hello; the spawner sleeps on the child
 * until it has exec'd or died, and is busy until sandbox_spawner_done().
 */
int
prep_student(struct sandbox *sb, const struct sandbox_spawn *ss,
    struct sandbox_child *ch, struct sandbox_failure *fail)
{
	struct sandbox_spawner	*sw;
	struct sandbox_prep	 sp;
	struct prep_cmd		 pc;
	int			 cgfds[LIMITS_CG_FDS], req[PREP_NFDS];

	if (sb->sb_prep == NULL || ss->ss_user == NULL ||
	    ss->ss_user < sb->sb_users ||
	    ss->ss_user >= sb->sb_users + sb->sb_nusers ||
	    !sandbox_prep_policy_ok(sb, ss->ss_policy) ||
	    ss->ss_exec_also[0] != NULL || ss->ss_stdin < 0 ||
	    ss->ss_stdout < 0 || ss->ss_stderr < 0 ||
	    (sw = prep_student_spawner(sb, ss->ss_policy)) == NULL ||
	    prep_pack(ss) == -1)
		return -1;
	memset(&pc, 0, sizeof(pc));
	memset(&sp, 0, sizeof(sp));
	if (limits_cgroup_create(sb, ss->ss_user->su_limits, ch, ss->ss_slot,
	    cgfds) == -1) {
		fail->sf_step = SBX_STEP_CGROUP;
		fail->sf_errno = errno;
		return 1;
	}
	pc.pc_slot = (uint32_t)ss->ss_slot;
	pc.pc_policy = (uint32_t)ss->ss_policy;
	pc.pc_script = !ss->ss_execat;
	pc.pc_user = (uint32_t)(ss->ss_user - sb->sb_users) + 1;
	pc.pc_rw = ss->ss_rw != -1;
	if (prep_command(sw, &pc, ss->ss_user->su_userns, cgfds, ss->ss_tree,
	    ss->ss_rw, &sp) == -1) {
		/* nothing was made: the usual way then (a spawner gone) */
		(void)limits_cgroup_release(sb, ch);
		return -1;
	}
	sw->sw_slot = (ssize_t)ss->ss_slot;
	if (!prep_student_hello(sw, &sp, fail)) {
		/*
		 * A child that says hello later is ours to reap, its pid
		 * unknown until then: the spawner that did not answer keeps
		 * its channel (sandbox_prep_sweep())
		 */
		sw->sw_slot = -1;
		if (sw->sw_retired && sw->sw_late == -1)
			sw->sw_late = sp.sp_chan;
		else
			(void)close(sp.sp_chan);
		(void)close(sp.sp_status);
		(void)limits_cgroup_release(sb, ch);
		return 1;
	}
	req[0] = ss->ss_stdin;
	req[1] = ss->ss_stdout;
	req[2] = ss->ss_stderr;
	req[3] = ss->ss_exec_fd;
	/* a child that cannot have its request must not wait for it */
	if (prep_send(sp.sp_chan, &prep_tx, offsetof(struct prep_req,
	    rq_data) + prep_tx.rq_len, req, PREP_NFDS) == -1 &&
	    errno != EPIPE)
		(void)syscall(SYS_pidfd_send_signal, sp.sp_pidfd, SIGKILL,
		    NULL, 0);
	(void)close(sp.sp_chan);
	ch->sch_spawned = 1;
	ch->sch_spawner = (int)(sw - sb->sb_spawner) + 1;
	ch->sch_spawner_pid = sw->sw_pid;
	ch->sch_pid = sp.sp_pid;
	ch->sch_pidfd = sp.sp_pidfd;
	ch->sch_statusfd = sp.sp_status;
	return 0;
}

void
sandbox_spawner_done(struct sandbox *sb, struct sandbox_child *ch)
{
	if (ch->sch_spawner > 0 && (size_t)ch->sch_spawner <= sb->sb_nspawner &&
	    sb->sb_spawner[ch->sch_spawner - 1].sw_pid == ch->sch_spawner_pid)
		sb->sb_spawner[ch->sch_spawner - 1].sw_slot = -1;
	ch->sch_spawner = 0;
}

int
sandbox_prep_retired(const struct sandbox *sb)
{
	size_t	 i;
	int	 n = 0;

	for (i = 0; i < sb->sb_nspawner; i++)
		n += sb->sb_spawner[i].sw_retired != 0;
	return n;
}

/*
 * A late child's hello names it (its pid cannot be another's meanwhile:
 * nobody but us reaps it): killed and reaped.  Its channel at EOF says
 * none will come.  Then the spawner, once it has read its own EOF, and
 * a new one forked in its place, as at the start.
 */
int
sandbox_prep_sweep(struct sandbox *sb)
{
	struct sandbox_spawner	*sw;
	struct sandbox_prep	 sp;
	size_t			 i;
	pid_t			 w;
	int			 r, students;

	for (i = 0; i < sb->sb_nspawner; i++) {
		sw = &sb->sb_spawner[i];
		if (!sw->sw_retired)
			continue;
		if (sw->sw_late != -1) {
			memset(&sp, 0, sizeof(sp));
			sp.sp_chan = sw->sw_late;
			if ((r = prep_read_hello(&sp)) == 1) {
				(void)syscall(SYS_pidfd_send_signal,
				    sp.sp_pidfd, SIGKILL, NULL, 0);
				(void)syscall(SYS_waitid, P_PIDFD, sp.sp_pidfd,
				    NULL, WEXITED, NULL);
				(void)close(sp.sp_pidfd);
			}
			if (r == 0)
				continue;
			(void)close(sw->sw_late);
			sw->sw_late = -1;
		}
		w = waitpid(sw->sw_pid, NULL, WNOHANG);
		if (w != sw->sw_pid && (w != -1 || errno != ECHILD))
			continue;
		/* in its place, another (if none can be made, one fewer) */
		sw->sw_retired = 0;
		sw->sw_pid = -1;
		students = sw->sw_students;
		if (prep_fork(sb, sw, sw->sw_policy) == 0) {
			sw->sw_students = students;
			sb->sb_spawners_replaced++;
		}
	}
	return sandbox_prep_retired(sb);
}

void
sandbox_prep_stop(struct sandbox *sb)
{
	size_t	 i;

	/*
	 * Each waiting child is killed and reaped, out of its slot's cgroup
	 * before the cgroups go (sandbox_fini()); then each spawner reads
	 * EOF and exits.
	 */
	for (i = 0; sb->sb_prep != NULL && i < sb->sb_nslots; i++)
		if (sb->sb_prep[i].sp_state != SBX_PREP_NONE)
			sandbox_prep_discard(sb, i);
	for (i = 0; i < sb->sb_nspawner; i++) {
		if (sb->sb_spawner[i].sw_fd != -1) {
			(void)close(sb->sb_spawner[i].sw_fd);
			sb->sb_spawner[i].sw_fd = -1;
		}
		if (sb->sb_spawner[i].sw_late != -1) {
			(void)close(sb->sb_spawner[i].sw_late);
			sb->sb_spawner[i].sw_late = -1;
		}
	}
	free(sb->sb_spawner);
	sb->sb_spawner = NULL;
	sb->sb_nspawner = 0;
}
