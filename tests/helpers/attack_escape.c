/* SPDX-License-Identifier: ISC */
/*
 * attack_escape.c: hostile CGI program for tests/attacks (script user, in
 * the sandbox; trusts nothing).  QUERY_STRING "PROBE[:PID,...]": one escape
 * attempt, then "probe=NAME rc=N errno=E" lines; a kill leaves no answer.
 */
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <linux/io_uring.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define X32_SYSCALL_BIT		0x40000000L
#define I386_NR_GETPID		20
#define KEYCTL_GET_KEYRING_ID	0
#define KEY_SPEC_SESSION	(-3)
#define PIDS_MAX		16

static char	 out[16384];
static size_t	 outlen;
static pid_t	 pids[PIDS_MAX];
static int	 npids;
/* what process_vm_readv would steal from the parent */
static volatile char secret[16] = "attack-secret";

static void
say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void
say(const char *fmt, ...)
{
	va_list	ap;
	int	n;

	if (outlen >= sizeof(out))
		return;
	va_start(ap, fmt);
	n = vsnprintf(out + outlen, sizeof(out) - outlen, fmt, ap);
	va_end(ap);
	if (n > 0)
		outlen += (size_t)n < sizeof(out) - outlen ? (size_t)n :
		    sizeof(out) - outlen - 1;
}

static void
result(const char *name, long rc, int err)
{
	/* int 0x80 returns -errno itself instead of setting errno */
	if (rc < 0 && rc > -4096 && err == 0)
		err = (int)-rc;
	say("probe=%s rc=%ld errno=%d\n", name, rc, err);
}

#define TRY(name, call) do {						\
	long	 r_;							\
									\
	errno = 0;							\
	r_ = (long)(call);						\
	result((name), r_, errno);					\
} while (0)

static long
do_int80(void)
{
	long	ret = I386_NR_GETPID;

	__asm__ volatile ("int $0x80" : "+a"(ret) : :
	    "r8", "r9", "r10", "r11", "memory", "cc");
	return ret;
}

/*
 * TIOCSTI pushes input into a terminal: on stdio (pipes here), then on a
 * pseudo-terminal of our own, the only terminal a script could reach.
 */
static void
probe_tiocsti(unsigned long hi, int pty)
{
	char	 c = 'x';
	int	 m, s, fd;

	if (!pty) {
		for (fd = 0; fd < 3; fd++)
			TRY(hi ? "tiocsti-high-stdio" : "tiocsti-stdio",
			    syscall(SYS_ioctl, fd, hi | TIOCSTI, &c));
		return;
	}
	if ((m = posix_openpt(O_RDWR | O_NOCTTY)) == -1) {
		result("ptmx", -1, errno);
		return;
	}
	if (grantpt(m) == -1 || unlockpt(m) == -1 ||
	    (s = open(ptsname(m), O_RDWR | O_NOCTTY)) == -1) {
		result("pts", -1, errno);
		close(m);
		return;
	}
	TRY(hi ? "tiocsti-high-pty" : "tiocsti-pty",
	    syscall(SYS_ioctl, s, hi | TIOCSTI, &c));
	close(s);
	close(m);
}

/* a child of ours attacks us, its parent: same uid, same namespace */
static void
probe_parent(int how)
{
	struct iovec	 l, r;
	char		 buf[sizeof(secret)];
	pid_t		 pid, me = getpid();
	int		 st, p[2];
	long		 rc[2];

	if (pipe(p) == -1 || (pid = fork()) == -1) {
		result("fork", -1, errno);
		return;
	}
	if (pid == 0) {
		errno = 0;
		if (how == 0)
			rc[0] = ptrace(PTRACE_ATTACH, me, 0, 0);
		else {
			l.iov_base = buf;
			l.iov_len = sizeof(buf);
			r.iov_base = (void *)secret;
			r.iov_len = sizeof(buf);
			rc[0] = process_vm_readv(me, &l, 1, &r, 1, 0);
		}
		rc[1] = errno;
		(void)write(p[1], rc, sizeof(rc));
		_exit(0);
	}
	close(p[1]);
	if (read(p[0], rc, sizeof(rc)) != sizeof(rc))
		rc[0] = -2, rc[1] = 0;
	close(p[0]);
	waitpid(pid, &st, 0);
	if (WIFSIGNALED(st))
		say("probe=%s killed=%d\n", how ? "vm-readv-parent" :
		    "ptrace-parent", WTERMSIG(st));
	else
		result(how ? "vm-readv-parent" : "ptrace-parent", rc[0],
		    (int)rc[1]);
}

static void
probe_bpf(void)
{
	union bpf_attr	a;

	memset(&a, 0, sizeof(a));
	a.map_type = BPF_MAP_TYPE_ARRAY;
	a.key_size = 4;
	a.value_size = 4;
	a.max_entries = 1;
	TRY("bpf", syscall(SYS_bpf, BPF_MAP_CREATE, &a, sizeof(a)));
}

static void
probe_io_uring(void)
{
	struct io_uring_params	p;

	memset(&p, 0, sizeof(p));
	TRY("io_uring", syscall(SYS_io_uring_setup, 4, &p));
}

static void
probe_vm_readv(void)
{
	struct iovec	 l, r;
	char		 buf[64];
	int		 i;

	l.iov_base = buf;
	l.iov_len = sizeof(buf);
	r.iov_base = (void *)0x400000;
	r.iov_len = sizeof(buf);
	TRY("vm-readv-1", process_vm_readv(1, &l, 1, &r, 1, 0));
	for (i = 0; i < npids; i++)
		TRY("vm-readv-pid", process_vm_readv(pids[i], &l, 1, &r, 1,
		    0));
}

static void
probe_ptrace(void)
{
	int	i;

	TRY("ptrace-1", ptrace(PTRACE_ATTACH, 1, 0, 0));
	for (i = 0; i < npids; i++)
		TRY("ptrace-pid", ptrace(PTRACE_ATTACH, pids[i], 0, 0));
}

static void
probe_kill(void)
{
	int	i;

	for (i = 0; i < npids; i++)
		TRY("kill-pid", kill(pids[i], SIGKILL));
	/* everything we may signal; we are our namespace's init */
	TRY("kill-all", kill(-1, SIGKILL));
}

static void
probe_proc_exe(void)
{
	const char	*self = getenv("SCRIPT_FILENAME");

	TRY("exe-wronly", open("/proc/self/exe", O_WRONLY));
	TRY("exe-rdwr", open("/proc/self/exe", O_RDWR | O_APPEND));
	TRY("exe-trunc", open("/proc/self/exe", O_WRONLY | O_TRUNC));
	if (self != NULL) {
		TRY("script-write", open(self, O_WRONLY | O_APPEND));
		TRY("script-unlink", unlink(self));
		TRY("script-chmod", chmod(self, 0777));
	}
}

/* every process this one can see, and the others' /proc entries */
static void
probe_procs(void)
{
	struct dirent	*de;
	DIR		*d;
	char		 path[64], comm[64];
	ssize_t		 n;
	int		 i, fd;

	if ((d = opendir("/proc")) == NULL) {
		result("opendir", -1, errno);
		return;
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] < '0' || de->d_name[0] > '9')
			continue;
		if (strlen(de->d_name) > 12)
			continue;
		snprintf(path, sizeof(path), "/proc/%.12s/comm", de->d_name);
		comm[0] = '\0';
		if ((fd = open(path, O_RDONLY)) != -1) {
			n = read(fd, comm, sizeof(comm) - 1);
			comm[n > 0 ? n - 1 : 0] = '\0';
			close(fd);
		}
		say("proc=%s comm=%s\n", de->d_name, comm);
	}
	closedir(d);
	for (i = 0; i < npids; i++) {
		snprintf(path, sizeof(path), "/proc/%d/environ", (int)pids[i]);
		TRY("proc-environ", open(path, O_RDONLY));
		snprintf(path, sizeof(path), "/proc/%d/status", (int)pids[i]);
		TRY("proc-status", open(path, O_RDONLY));
		TRY("signal-0", kill(pids[i], 0));
	}
}

/* the helpers link no libbsd: a bounded strtol per comma-separated pid */
static void
parse_pids(const char *s)
{
	char	*end;
	long	 v;

	while (*s != '\0' && npids < PIDS_MAX) {
		errno = 0;
		v = strtol(s, &end, 10);
		if (end == s || errno != 0)
			return;
		if (v >= 2 && v <= 4194304)
			pids[npids++] = (pid_t)v;
		s = *end == ',' ? end + 1 : end;
		if (*end != ',' && *end != '\0')
			return;
	}
}

static void
run(const char *q)
{
	if (strcmp(q, "x32") == 0)
		TRY("x32", syscall(X32_SYSCALL_BIT | SYS_getpid));
	else if (strcmp(q, "int80") == 0)
		TRY("int80", do_int80());
	else if (strncmp(q, "tiocsti", 7) == 0)
		probe_tiocsti(strstr(q, "-high") ? 0xffffffff00000000UL : 0,
		    strstr(q, "-pty") != NULL);
	else if (strcmp(q, "unshare-user") == 0)
		TRY("unshare-user", unshare(CLONE_NEWUSER));
	else if (strcmp(q, "ptrace") == 0)
		probe_ptrace();
	else if (strcmp(q, "ptrace-parent") == 0)
		probe_parent(0);
	else if (strcmp(q, "vm-readv") == 0)
		probe_vm_readv();
	else if (strcmp(q, "vm-readv-parent") == 0)
		probe_parent(1);
	else if (strcmp(q, "mount") == 0)
		TRY("mount", mount("none", "/tmp", "tmpfs", 0, NULL));
	else if (strcmp(q, "bpf") == 0)
		probe_bpf();
	else if (strcmp(q, "keyctl") == 0)
		TRY("keyctl", syscall(SYS_keyctl, KEYCTL_GET_KEYRING_ID,
		    KEY_SPEC_SESSION, 1));
	else if (strcmp(q, "io_uring") == 0)
		probe_io_uring();
	else if (strcmp(q, "kill") == 0)
		probe_kill();
	else if (strcmp(q, "proc-exe") == 0)
		probe_proc_exe();
	else if (strcmp(q, "procs") == 0)
		probe_procs();
	else
		say("unknown probe\n");
}

int
main(int argc, char *argv[])
{
	const char	*q = argc > 1 ? argv[1] : getenv("QUERY_STRING");
	char		 name[64];
	size_t		 n;

	if (q == NULL)
		q = "";
	n = strcspn(q, ":");
	if (n >= sizeof(name))
		n = sizeof(name) - 1;
	memcpy(name, q, n);
	name[n] = '\0';
	if (q[n] == ':')
		parse_pids(q + n + 1);
	run(name);
	printf("Content-Type: text/plain\r\n\r\n%s", out);
	return 0;
}
