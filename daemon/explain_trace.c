/* SPDX-License-Identifier: ISC */
/*
 * explain_trace.c: the tracer of --explain-jail.  Root on the host, it
 * follows the process it was given and everything that process starts
 * (ptrace's fork, clone and exec events); once a process has exec'd the
 * script it is stopped at each system call, and a call that named an
 * absolute path and failed with ENOENT is looked up in the jail (through
 * /proc/PID/root, never leaving it) and on the host (stat only: nothing
 * the script names is ever opened on the host).  Trusts nothing the
 * traced processes hold: paths are read bounded and only compared.
 */
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>

#include <linux/audit.h>
#include <linux/openat2.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <seccomp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "explain.h"

#define TRACE_TRACEES_MAX	512
#define TRACE_HOPS_MAX		8	/* dangling symlinks followed */
#define TRACE_KILL_GRACE_SEC	5

/* the calls that name a path, and which argument holds it */
struct trace_call {
	long		 tc_nr;
	int		 tc_arg;
};

static const struct trace_call trace_calls[] = {
#ifdef SYS_open
	{ SYS_open, 0 }, { SYS_creat, 0 }, { SYS_stat, 0 }, { SYS_lstat, 0 },
	{ SYS_access, 0 }, { SYS_readlink, 0 }, { SYS_mkdir, 0 },
#endif
	{ SYS_openat, 1 }, { SYS_openat2, 1 }, { SYS_newfstatat, 1 },
	{ SYS_statx, 1 }, { SYS_faccessat, 1 }, { SYS_faccessat2, 1 },
	{ SYS_execve, 0 }, { SYS_execveat, 1 }, { SYS_readlinkat, 1 },
	{ SYS_chdir, 0 }, { SYS_truncate, 0 }, { SYS_mkdirat, 1 },
};

/*
 * What no bind should show: the jail's own /proc and /dev, and the
 * kernel's /sys.  /tmp is looked at: the script's own files there are
 * missing on the host too, data of the operator's there may be bound.
 */
static const char *const trace_ignored[] = {
	"/proc", "/dev", "/sys"
};

struct tracee {
	pid_t		 t_pid;
	int		 t_calls;	/* stopped at each system call */
	int		 t_in_call;
	long		 t_nr;
	long		 t_last_nr;	/* kept past its exit stop */
	unsigned long long t_args[6];
};

struct trace {
	struct tracee		 tr_t[TRACE_TRACEES_MAX];
	size_t			 tr_n;
	pid_t			 tr_root;	/* the one given */
	const struct explain_watch *tr_watch;
	struct explain_found	*tr_found;
};

static volatile sig_atomic_t	trace_alarm;

static void
trace_on_alarm(int sig)
{
	trace_alarm = 1;
}

static struct tracee *
trace_find(struct trace *tr, pid_t pid)
{
	size_t	i;

	for (i = 0; i < tr->tr_n; i++)
		if (tr->tr_t[i].t_pid == pid)
			return &tr->tr_t[i];
	return NULL;
}

/* the parent (or, for a thread, the leader) of pid, from /proc */
static pid_t
trace_parent_of(pid_t pid)
{
	char	 path[64], line[256];
	FILE	*f;
	long	 tgid = 0, ppid = 0;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	if ((f = fopen(path, "re")) == NULL)
		return 0;
	while (fgets(line, sizeof(line), f) != NULL) {
		if (strncmp(line, "Tgid:", 5) == 0)
			tgid = strtol(line + 5, NULL, 10);
		else if (strncmp(line, "PPid:", 5) == 0)
			ppid = strtol(line + 5, NULL, 10);
	}
	fclose(f);
	return (pid_t)(tgid != 0 && tgid != pid ? tgid : ppid);
}

/* a process seen for the first time: traced call by call as its parent */
static struct tracee *
trace_add(struct trace *tr, pid_t pid, const struct tracee *parent)
{
	struct tracee	*t;

	if ((t = trace_find(tr, pid)) != NULL)
		return t;
	if (tr->tr_n >= TRACE_TRACEES_MAX)
		return NULL;
	if (parent == NULL)
		parent = trace_find(tr, trace_parent_of(pid));
	t = &tr->tr_t[tr->tr_n++];
	memset(t, 0, sizeof(*t));
	t->t_pid = pid;
	t->t_calls = parent != NULL && parent->t_calls;
	return t;
}

static void
trace_remove(struct trace *tr, pid_t pid)
{
	struct tracee	*t = trace_find(tr, pid);

	if (t != NULL)
		*t = tr->tr_t[--tr->tr_n];
}

/* a NUL-terminated string of the tracee, read a page at a time */
static int
trace_read_string(pid_t pid, unsigned long long addr, char *buf,
    size_t bufsz)
{
	struct iovec	 local, remote;
	size_t		 got = 0, want;
	ssize_t		 n;
	long		 page = sysconf(_SC_PAGESIZE);

	while (got < bufsz - 1) {
		want = (size_t)page - (size_t)((addr + got) % (size_t)page);
		if (want > bufsz - 1 - got)
			want = bufsz - 1 - got;
		local.iov_base = buf + got;
		local.iov_len = want;
		remote.iov_base = (void *)(uintptr_t)(addr + got);
		remote.iov_len = want;
		if ((n = process_vm_readv(pid, &local, 1, &remote, 1, 0)) <= 0)
			return -1;
		if (memchr(buf + got, '\0', (size_t)n) != NULL)
			return 0;
		got += (size_t)n;
	}
	errno = ENAMETOOLONG;
	return -1;
}

/* "/a/./b//c/../d" -> "/a/b/d", in place; the path is absolute */
static void
trace_normalize(char *p)
{
	char	*out = p, *in = p, *seg;
	size_t	 len;

	while (*in != '\0') {
		while (*in == '/')
			in++;
		seg = in;
		while (*in != '\0' && *in != '/')
			in++;
		len = (size_t)(in - seg);
		if (len == 0 || (len == 1 && seg[0] == '.'))
			continue;
		if (len == 2 && seg[0] == '.' && seg[1] == '.') {
			while (out > p && *--out != '/')
				;
			continue;
		}
		*out++ = '/';
		memmove(out, seg, len);
		out += len;
	}
	if (out == p)
		*out++ = '/';
	*out = '\0';
}

static int
trace_ignored_path(const char *p)
{
	size_t	i, n;

	if (strcmp(p, "/") == 0)
		return 1;
	for (i = 0; i < sizeof(trace_ignored) / sizeof(trace_ignored[0]);
	    i++) {
		n = strlen(trace_ignored[i]);
		if (strncmp(p, trace_ignored[i], n) == 0 &&
		    (p[n] == '\0' || p[n] == '/'))
			return 1;
	}
	return 0;
}

/* open path inside the jail whose root is rootfd, never leaving it */
static int
trace_jail_open(int rootfd, const char *path, int nofollow)
{
	struct open_how	 how;

	memset(&how, 0, sizeof(how));
	how.flags = O_PATH | O_CLOEXEC | (nofollow ? O_NOFOLLOW : 0);
	how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
	return (int)syscall(SYS_openat2, rootfd, path, &how, sizeof(how));
}

static int
trace_jail_has(int rootfd, const char *path)
{
	int	fd = trace_jail_open(rootfd, path, 0);

	if (fd == -1)
		return 0;
	close(fd);
	return 1;
}

/* a dangling symlink at p in the jail: p becomes what it points to */
static int
trace_follow_dangling(int rootfd, char *p, size_t psz)
{
	char	 target[PATH_MAX], *slash;
	ssize_t	 n;
	int	 fd;

	if ((fd = trace_jail_open(rootfd, p, 1)) == -1)
		return 0;
	n = readlinkat(fd, "", target, sizeof(target) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	target[n] = '\0';
	if (target[0] != '/') {
		if ((slash = strrchr(p, '/')) != NULL)
			slash[1] = '\0';
		if (strlcat(p, target, psz) >= psz)
			return 0;
	} else if (strlcpy(p, target, psz) >= psz)
		return 0;
	trace_normalize(p);
	return 1;
}

/* the deepest ancestor of p that the jail has */
static void
trace_jail_base(int rootfd, const char *p, char *base, size_t basesz)
{
	char	*slash;

	strlcpy(base, p, basesz);
	while ((slash = strrchr(base, '/')) != NULL) {
		if (slash == base) {
			base[1] = '\0';
			return;
		}
		*slash = '\0';
		if (trace_jail_has(rootfd, base))
			return;
	}
}

/* the directory a file was to be made in: jail-bind-rw, if the host has it */
static void
trace_missing_dir(struct trace *tr, int rootfd, const char *p,
    const char *call)
{
	struct explain_path	 ep;
	struct stat		 st;
	char			*slash;

	memset(&ep, 0, sizeof(ep));
	strlcpy(ep.ep_path, p, sizeof(ep.ep_path));
	if ((slash = strrchr(ep.ep_path, '/')) == NULL || slash == ep.ep_path)
		return;
	*slash = '\0';
	if (trace_ignored_path(ep.ep_path) || trace_jail_has(rootfd,
	    ep.ep_path) || stat(ep.ep_path, &st) == -1 ||
	    !S_ISDIR(st.st_mode))
		return;
	trace_jail_base(rootfd, ep.ep_path, ep.ep_jail_base,
	    sizeof(ep.ep_jail_base));
	strlcpy(ep.ep_call, call, sizeof(ep.ep_call));
	ep.ep_rw = 1;
	ep.ep_owner = st.st_uid;
	ep.ep_others_read = 1;
	(void)explain_binds_add(tr->tr_found, &ep);
}

/*
 * An absolute path the script did not find: in the jail, on the host?
 * create: the call would have made it (O_CREAT, mkdir).
 */
static void
trace_missing(struct trace *tr, pid_t pid, const char *call,
    const char *path, int create)
{
	struct explain_path	 ep;
	struct stat		 st;
	char			 root[64];
	int			 rootfd, hop;

	snprintf(root, sizeof(root), "/proc/%d/root", (int)pid);
	if ((rootfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC)) == -1)
		return;
	memset(&ep, 0, sizeof(ep));
	strlcpy(ep.ep_path, path, sizeof(ep.ep_path));
	trace_normalize(ep.ep_path);
	for (hop = 0; hop < TRACE_HOPS_MAX; hop++) {
		if (trace_ignored_path(ep.ep_path) ||
		    trace_jail_has(rootfd, ep.ep_path))
			goto done;
		if (!trace_follow_dangling(rootfd, ep.ep_path,
		    sizeof(ep.ep_path)))
			break;
	}
	if (stat(ep.ep_path, &st) == -1) {
		if (create)
			trace_missing_dir(tr, rootfd, ep.ep_path, call);
		else
			tr->tr_found->ef_host_missing++;
		goto done;
	}
	trace_jail_base(rootfd, ep.ep_path, ep.ep_jail_base,
	    sizeof(ep.ep_jail_base));
	strlcpy(ep.ep_call, call, sizeof(ep.ep_call));
	ep.ep_owner = st.st_uid;
	ep.ep_others_read = S_ISDIR(st.st_mode) ?
	    (st.st_mode & (S_IROTH | S_IXOTH)) == (S_IROTH | S_IXOTH) :
	    (st.st_mode & S_IROTH) != 0;
	(void)explain_binds_add(tr->tr_found, &ep);
done:
	close(rootfd);
}

static void
trace_denied(struct trace *tr, long nr, int killed)
{
	struct explain_found	*ef = tr->tr_found;
	char			*name;
	size_t			 i;

	if ((name = seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE,
	    (int)nr)) == NULL)
		return;
	for (i = 0; i < ef->ef_ndenied; i++)
		if (strcmp(ef->ef_denied[i].ed_name, name) == 0 &&
		    ef->ef_denied[i].ed_killed == killed)
			break;
	if (i == ef->ef_ndenied && i < EXPLAIN_DENIED_MAX) {
		strlcpy(ef->ef_denied[i].ed_name, name,
		    sizeof(ef->ef_denied[i].ed_name));
		ef->ef_denied[i].ed_killed = killed;
		ef->ef_ndenied++;
	}
	if (i < ef->ef_ndenied)
		ef->ef_denied[i].ed_count++;
	free(name);
}

/* would the call have made the file (O_CREAT), or the directory? */
static int
trace_creates(const struct tracee *t)
{
	struct open_how	 how;
	struct iovec	 local, remote;

	switch (t->t_nr) {
#ifdef SYS_open
	case SYS_open:
		return (t->t_args[1] & O_CREAT) != 0;
	case SYS_creat:
	case SYS_mkdir:
		return 1;
#endif
	case SYS_openat:
		return (t->t_args[2] & O_CREAT) != 0;
	case SYS_mkdirat:
		return 1;
	case SYS_openat2:
		local.iov_base = &how;
		local.iov_len = sizeof(how.flags);
		remote.iov_base = (void *)(uintptr_t)t->t_args[2];
		remote.iov_len = sizeof(how.flags);
		return process_vm_readv(t->t_pid, &local, 1, &remote, 1, 0) ==
		    (ssize_t)sizeof(how.flags) && (how.flags & O_CREAT) != 0;
	}
	return 0;
}

/* a path the script looked at, below a bind an earlier run added */
static void
trace_used(struct trace *tr, const char *path)
{
	const struct explain_watch	*ew = tr->tr_watch;
	char				 p[PATH_MAX];
	size_t				 i, n;

	strlcpy(p, path, sizeof(p));
	trace_normalize(p);
	for (i = 0; i < ew->ew_nbinds; i++) {
		n = strlen(ew->ew_binds[i]);
		if (strncmp(p, ew->ew_binds[i], n) == 0 &&
		    (p[n] == '\0' || p[n] == '/'))
			tr->tr_found->ef_used[i] = 1;
	}
}

/* a system call returned: was it a path the jail lacks, or a denial? */
static void
trace_call_done(struct trace *tr, struct tracee *t, long long rval)
{
	const struct explain_watch	*ew = tr->tr_watch;
	char				 path[PATH_MAX], *name;
	size_t				 i;

	if (t->t_nr >= 0 && (size_t)t->t_nr < ew->ew_ndenied &&
	    ew->ew_denied[t->t_nr] && rval == -ew->ew_errno)
		trace_denied(tr, t->t_nr, 0);
	if (rval != -ENOENT && ew->ew_nbinds == 0)
		return;
	for (i = 0; i < sizeof(trace_calls) / sizeof(trace_calls[0]); i++)
		if (trace_calls[i].tc_nr == t->t_nr)
			break;
	if (i == sizeof(trace_calls) / sizeof(trace_calls[0]) ||
	    trace_read_string(t->t_pid, t->t_args[trace_calls[i].tc_arg],
	    path, sizeof(path)) == -1 || path[0] != '/')
		return;
	trace_used(tr, path);
	if (rval != -ENOENT)
		return;
	name = seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE,
	    (int)t->t_nr);
	trace_missing(tr, t->t_pid, name != NULL ? name : "?", path,
	    trace_creates(t));
	free(name);
}

static void
trace_syscall_stop(struct trace *tr, struct tracee *t)
{
	struct __ptrace_syscall_info	 si;
	int				 i;

	memset(&si, 0, sizeof(si));
	if (ptrace(PTRACE_GET_SYSCALL_INFO, t->t_pid, sizeof(si), &si) <= 0)
		return;
	if (si.op == PTRACE_SYSCALL_INFO_ENTRY) {
		/* the floor kills every other architecture first */
		t->t_in_call = si.arch == AUDIT_ARCH_X86_64;
		t->t_nr = t->t_last_nr = (long)si.entry.nr;
		for (i = 0; i < 6; i++)
			t->t_args[i] = si.entry.args[i];
	} else if (si.op == PTRACE_SYSCALL_INFO_EXIT && t->t_in_call) {
		t->t_in_call = 0;
		trace_call_done(tr, t, si.exit.rval);
	}
}

/* resume t: call by call once it runs the script, else to its next event */
static void
trace_resume(struct tracee *t, int sig)
{
	(void)ptrace(t->t_calls ? PTRACE_SYSCALL : PTRACE_CONT, t->t_pid,
	    0, (void *)(long)sig);
}

static void
trace_stopped(struct trace *tr, pid_t pid, int status)
{
	struct tracee	*t, *kid;
	unsigned long	 msg;
	int		 sig = WSTOPSIG(status), event = status >> 16;

	if ((t = trace_add(tr, pid, NULL)) == NULL) {
		/* too many to follow: it runs on untraced */
		(void)ptrace(PTRACE_DETACH, pid, 0, 0);
		return;
	}
	if (sig == (SIGTRAP | 0x80)) {
		trace_syscall_stop(tr, t);
		sig = 0;
	} else if (event == PTRACE_EVENT_FORK || event == PTRACE_EVENT_VFORK ||
	    event == PTRACE_EVENT_CLONE) {
		if (ptrace(PTRACE_GETEVENTMSG, pid, 0, &msg) == 0 &&
		    (kid = trace_add(tr, (pid_t)msg, t)) != NULL)
			kid->t_calls = t->t_calls;
		sig = 0;
	} else if (event == PTRACE_EVENT_EXEC) {
		t->t_calls = 1;		/* the script, or what it runs */
		t->t_in_call = 0;
		sig = 0;
	} else if (event != 0)
		sig = 0;		/* PTRACE_EVENT_STOP: a start, a stop */
	trace_resume(t, sig);
}

/*
 * A seccomp kill skips the call, stops at its exit like any other, then
 * the process dies of SIGSYS (a signal ptrace cannot stop): the call it
 * died in is the last one it entered.
 */
static void
trace_ended(struct trace *tr, pid_t pid, int status)
{
	struct tracee	*t = trace_find(tr, pid);

	if (t != NULL && t->t_calls && WIFSIGNALED(status) &&
	    WTERMSIG(status) == SIGSYS)
		trace_denied(tr, t->t_last_nr, 1);
	trace_remove(tr, pid);
}

/* the timeout: every traced process but the root dies */
static void
trace_kill_all(struct trace *tr)
{
	size_t	i;

	for (i = 0; i < tr->tr_n; i++)
		if (tr->tr_t[i].t_pid != tr->tr_root)
			(void)kill(tr->tr_t[i].t_pid, SIGKILL);
}

static int
trace_loop(struct trace *tr, unsigned int timeout_sec)
{
	pid_t	pid;
	int	status, killed = 0;

	alarm(timeout_sec);
	for (;;) {
		if (trace_alarm) {
			trace_alarm = 0;
			if (killed++)
				(void)kill(tr->tr_root, SIGKILL);
			else {
				tr->tr_found->ef_timed_out = 1;
				trace_kill_all(tr);
			}
			alarm(TRACE_KILL_GRACE_SEC);
		}
		if ((pid = waitpid(-1, &status, __WALL)) == -1) {
			if (errno == EINTR)
				continue;
			if (errno == ECHILD)
				break;
			return -1;
		}
		if (WIFSTOPPED(status))
			trace_stopped(tr, pid, status);
		else if (WIFEXITED(status) || WIFSIGNALED(status)) {
			trace_ended(tr, pid, status);
			if (pid == tr->tr_root)
				break;
		}
	}
	alarm(0);
	return 0;
}

int
explain_trace(pid_t pid, const struct explain_watch *ew,
    struct explain_found *ef)
{
	struct trace		*tr;
	struct sigaction	 sa, old;
	int			 r;

	if ((tr = calloc(1, sizeof(*tr))) == NULL)
		return -1;
	tr->tr_root = pid;
	tr->tr_watch = ew;
	tr->tr_found = ef;
	tr->tr_n = 1;
	tr->tr_t[0].t_pid = pid;
	memset(&sa, 0, sizeof(sa));
	/* no SA_RESTART: the alarm wakes waitpid() */
	sa.sa_handler = trace_on_alarm;
	sigemptyset(&sa.sa_mask);
	trace_alarm = 0;
	if (sigaction(SIGALRM, &sa, &old) == -1) {
		free(tr);
		return -1;
	}
	r = trace_loop(tr, ew->ew_timeout_sec);
	(void)sigaction(SIGALRM, &old, NULL);
	free(tr);
	return r;
}
