/* SPDX-License-Identifier: ISC */
/*
 * sysprobe.c: a CGI program (script user, in the sandbox) that makes the
 * one system call QUERY_STRING (or argv[1], unconfined) names and answers
 * "probe=NAME rc=N errno=E"; a call the filter kills leaves no answer.
 */
#include <sys/inotify.h>
#include <sys/ioctl.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <linux/filter.h>
#include <linux/seccomp.h>

#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define X32_SYSCALL_BIT		0x40000000L
#define I386_NR_GETPID		20
#define X86_64_NR_GETPID	39
#define KEYCTL_GET_ID		0
#define KEY_SPEC_SESSION	(-3)
#define BPF_PROG_LOAD_CMD	5

struct probe {
	const char	*p_name;
	long		(*p_fn)(void);
};

/* a 32-bit system call from this 64-bit process: seccomp sees i386 */
static long
probe_int80(void)
{
	long	 ret = I386_NR_GETPID;

	__asm__ volatile ("int $0x80" : "+a"(ret) : :
	    "r8", "r9", "r10", "r11", "memory", "cc");
	return ret;
}

/* the x32 ABI: the same getpid with bit 30 set in the number */
static long
probe_x32(void)
{
	return syscall(X32_SYSCALL_BIT | X86_64_NR_GETPID);
}

static long
probe_getpid(void)
{
	return syscall(SYS_getpid);
}

static long
probe_traceme(void)
{
	return syscall(SYS_ptrace, PTRACE_TRACEME, 0, 0, 0);
}

/* attach to a child of our own: the easiest target there is */
static long
probe_attach(void)
{
	long	 r;
	pid_t	 pid;

	if ((pid = fork()) == -1)
		return -1;
	if (pid == 0) {
		pause();
		_exit(0);
	}
	r = syscall(SYS_ptrace, PTRACE_ATTACH, pid, 0, 0);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	return r;
}

static long
probe_mount(void)
{
	return syscall(SYS_mount, "none", "/tmp", "tmpfs", 0L, NULL);
}

static long
probe_unshare_user(void)
{
	return syscall(SYS_unshare, CLONE_NEWUSER);
}

/* clone(CLONE_NEWUSER): a child that got through leaves at once */
static long
probe_clone_user(void)
{
	long	 r;

	r = syscall(SYS_clone, (long)(CLONE_NEWUSER | SIGCHLD), 0L, 0L, 0L,
	    0L);
	if (r == 0)
		_exit(0);
	if (r > 0)
		waitpid((pid_t)r, NULL, 0);
	return r;
}

static long
probe_keyctl(void)
{
	return syscall(SYS_keyctl, KEYCTL_GET_ID, KEY_SPEC_SESSION, 0L);
}

static long
probe_bpf(void)
{
	return syscall(SYS_bpf, BPF_PROG_LOAD_CMD, NULL, 0L);
}

static long
probe_kexec(void)
{
	return syscall(SYS_kexec_load, 0L, 0L, NULL, 0L);
}

static long
probe_tiocsti(void)
{
	char	 c = 'x';

	return syscall(SYS_ioctl, 0L, (unsigned long)TIOCSTI, &c);
}

/* the kernel only looks at the low 32 bits of the ioctl command */
static long
probe_tiocsti_high(void)
{
	char	 c = 'x';

	return syscall(SYS_ioctl, 0L, 0xffffffff00000000UL | TIOCSTI, &c);
}

static long
probe_setuid0(void)
{
	return syscall(SYS_setuid, 0);
}

static long
probe_chroot(void)
{
	return syscall(SYS_chroot, "/tmp");
}

/* file watching on the jail's view of the host (other clients' reads) */
static long
probe_inotify(void)
{
	long	 fd;

	if ((fd = syscall(SYS_inotify_init1, IN_CLOEXEC)) < 0)
		return fd;
	return syscall(SYS_inotify_add_watch, fd, "/", IN_ALL_EVENTS);
}

/* out-of-band data on a unix socket: a garbage-collector attack class */
static long
probe_msg_oob(void)
{
	int	 sv[2];

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == -1)
		return -1;
	return syscall(SYS_sendto, sv[0], "x", 1L, (long)MSG_OOB, NULL, 0L);
}

static long
probe_msg_oob_sendmsg(void)
{
	struct msghdr	 m;
	struct iovec	 iov = { "x", 1 };
	int		 sv[2];

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == -1)
		return -1;
	memset(&m, 0, sizeof(m));
	m.msg_iov = &iov;
	m.msg_iovlen = 1;
	return syscall(SYS_sendmsg, sv[0], &m, (long)MSG_OOB);
}

/* a filter whose notifications a supervisor in the script would get */
static long
probe_seccomp_listener(void)
{
	struct sock_filter	 insn = BPF_STMT(BPF_RET | BPF_K,
				    SECCOMP_RET_ALLOW);
	struct sock_fprog	 prog = { 1, &insn };

	return syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER,
	    SECCOMP_FILTER_FLAG_NEW_LISTENER, &prog);
}

static long
probe_socket(int family, int type)
{
	return syscall(SYS_socket, family, type, 0);
}

static long
probe_af_vsock(void)
{
	return probe_socket(40, SOCK_STREAM);		/* AF_VSOCK */
}

static long
probe_af_alg(void)
{
	return probe_socket(38, SOCK_SEQPACKET);	/* AF_ALG */
}

static long
probe_af_netlink(void)
{
	return probe_socket(16, SOCK_RAW);		/* AF_NETLINK */
}

static long
probe_af_packet(void)
{
	return probe_socket(17, SOCK_RAW);		/* AF_PACKET */
}

static long
probe_af_unix(void)
{
	return probe_socket(AF_UNIX, SOCK_STREAM);
}

/* run another program than this one (strict: only itself may run) */
static long
probe_exec_other(void)
{
	char	*argv[] = { "/bin/true", NULL }, *envp[] = { NULL };
	long	 r;
	pid_t	 pid;
	int	 st;

	if ((pid = fork()) == -1)
		return syscall(SYS_execve, argv[0], argv, envp);
	if (pid == 0) {
		syscall(SYS_execve, argv[0], argv, envp);
		_exit(errno == 0 ? 126 : errno);
	}
	if (waitpid(pid, &st, 0) == -1)
		return -1;
	r = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	if (r == 0)
		return 0;
	errno = (int)(r < 126 ? r : EPERM);
	return -1;
}

static const struct probe probes[] = {
	{ "getpid", probe_getpid },
	{ "ptrace-traceme", probe_traceme },
	{ "ptrace-attach", probe_attach },
	{ "mount", probe_mount },
	{ "unshare-user", probe_unshare_user },
	{ "clone-newuser", probe_clone_user },
	{ "keyctl", probe_keyctl },
	{ "bpf", probe_bpf },
	{ "kexec_load", probe_kexec },
	{ "tiocsti", probe_tiocsti },
	{ "tiocsti-high", probe_tiocsti_high },
	{ "int80", probe_int80 },
	{ "x32", probe_x32 },
	{ "setuid0", probe_setuid0 },
	{ "chroot", probe_chroot },
	{ "inotify", probe_inotify },
	{ "msg-oob", probe_msg_oob },
	{ "msg-oob-sendmsg", probe_msg_oob_sendmsg },
	{ "seccomp-listener", probe_seccomp_listener },
	{ "af-vsock", probe_af_vsock },
	{ "af-alg", probe_af_alg },
	{ "af-netlink", probe_af_netlink },
	{ "af-packet", probe_af_packet },
	{ "af-unix", probe_af_unix },
	{ "exec-other", probe_exec_other },
};

int
main(int argc, char *argv[])
{
	const char	*q = argc > 1 ? argv[1] : getenv("QUERY_STRING");
	size_t		 i;
	long		 rc;
	int		 err;

	if (q == NULL)
		q = "";
	for (i = 0; i < sizeof(probes) / sizeof(probes[0]); i++) {
		if (strcmp(q, probes[i].p_name) != 0)
			continue;
		errno = 0;
		rc = probes[i].p_fn();
		err = errno;
		/* int 0x80 returns -errno itself instead of setting errno */
		if (rc < 0 && rc > -4096 && err == 0)
			err = (int)-rc;
		printf("Content-Type: text/plain\r\n\r\n"
		    "probe=%s rc=%ld errno=%d\n", q, rc, err);
		return 0;
	}
	printf("Status: 400 Bad Request\r\nContent-Type: text/plain\r\n\r\n"
	    "unknown probe\n");
	return 0;
}
