/*
 * front_filter.c: the front's own seccomp allow-list, installed last in
 * its privilege drop.  Anything not listed kills the front (the parent
 * restarts it): no exec, no new sockets, no ptrace, no namespace calls.
 */
#include <errno.h>
#include <seccomp.h>
#include <stddef.h>
#include <string.h>

#include "log.h"

struct front_allow {
	int		 fa_nr;
	const char	*fa_why;
};

static const struct front_allow front_allowed[] = {
	{ SCMP_SYS(read),		"pipes, timerfd, signal-free reads" },
	{ SCMP_SYS(write),		"pipes to scripts" },
	{ SCMP_SYS(readv),		"libc" },
	{ SCMP_SYS(writev),		"libc" },
	{ SCMP_SYS(close),		"every descriptor it owns" },
	{ SCMP_SYS(epoll_wait),		"the event loop" },
	{ SCMP_SYS(epoll_pwait),	"the event loop" },
	{ SCMP_SYS(epoll_ctl),		"the event loop" },
	{ SCMP_SYS(accept4),		"new clients on inherited sockets" },
	{ SCMP_SYS(recvfrom),		"client bytes" },
	{ SCMP_SYS(sendto),		"response bytes" },
	{ SCMP_SYS(recvmsg),		"IPC from parent and executor" },
	{ SCMP_SYS(sendmsg),		"IPC, pipe fds to the executor" },
	{ SCMP_SYS(sendfile),		"static files" },
	{ SCMP_SYS(shutdown),		"lingering close" },
	{ SCMP_SYS(getsockname),	"SERVER_ADDR" },
	{ SCMP_SYS(getpeername),	"libc" },
	{ SCMP_SYS(setsockopt),		"TCP_NODELAY" },
	{ SCMP_SYS(openat2),		"files beneath the docroot dirfd" },
	{ SCMP_SYS(openat),		"libc fdopendir helpers; chroot is empty" },
	{ SCMP_SYS(fstat),		"file metadata" },
	{ SCMP_SYS(newfstatat),		"file metadata" },
	{ SCMP_SYS(statx),		"file metadata" },
	{ SCMP_SYS(getdents64),		"autoindex" },
	{ SCMP_SYS(readlinkat),		"resolving request symlinks" },
	{ SCMP_SYS(lseek),		"libc" },
	{ SCMP_SYS(pipe2),		"script stdio" },
	{ SCMP_SYS(fcntl),		"O_NONBLOCK" },
	{ SCMP_SYS(mmap),		"malloc" },
	{ SCMP_SYS(munmap),		"malloc" },
	{ SCMP_SYS(mremap),		"realloc" },
	{ SCMP_SYS(brk),		"malloc" },
	{ SCMP_SYS(madvise),		"malloc" },
	{ SCMP_SYS(mprotect),		"malloc arenas" },
	{ SCMP_SYS(clock_gettime),	"timeouts (vDSO fallback)" },
	{ SCMP_SYS(gettimeofday),	"Date header (vDSO fallback)" },
	{ SCMP_SYS(time),		"Date header (vDSO fallback)" },
	{ SCMP_SYS(timerfd_settime),	"the tick" },
	{ SCMP_SYS(rt_sigreturn),	"signal return" },
	{ SCMP_SYS(rt_sigprocmask),	"libc" },
	{ SCMP_SYS(rt_sigaction),	"libc" },
	{ SCMP_SYS(futex),		"libc locks" },
	{ SCMP_SYS(getpid),		"libc" },
	{ SCMP_SYS(gettid),		"abort()" },
	{ SCMP_SYS(tgkill),		"abort() on a failed assertion" },
	{ SCMP_SYS(getrandom),		"malloc hardening" },
	{ SCMP_SYS(restart_syscall),	"kernel" },
	{ SCMP_SYS(exit),		"exit" },
	{ SCMP_SYS(exit_group),		"exit" },
#ifdef __SANITIZE_ADDRESS__
	/* the sanitizer runtime's own needs, only in sanitizer builds */
	{ SCMP_SYS(sigaltstack),	"sanitizer" },
	{ SCMP_SYS(prctl),		"sanitizer" },
	{ SCMP_SYS(sched_yield),	"sanitizer" },
	{ SCMP_SYS(prlimit64),		"sanitizer" },
	{ SCMP_SYS(readlink),		"sanitizer" },
	{ SCMP_SYS(pread64),		"sanitizer" },
	{ SCMP_SYS(nanosleep),		"sanitizer" },
	{ SCMP_SYS(clock_nanosleep),	"sanitizer" },
	{ SCMP_SYS(uname),		"sanitizer" },
#endif
};

void	front_filter_install(void);

void
front_filter_install(void)
{
	scmp_filter_ctx	ctx;
	size_t		i;
	int		rc;

	if ((ctx = seccomp_init(SCMP_ACT_KILL_PROCESS)) == NULL)
		fatalx("seccomp_init failed");
	/* x32 and i386 calls are not in the allow-list: they are killed */
	for (i = 0; i < sizeof(front_allowed) / sizeof(front_allowed[0]);
	    i++) {
		rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW,
		    front_allowed[i].fa_nr, 0);
		if (rc < 0)
			fatalx("seccomp_rule_add %d: %s", front_allowed[i].fa_nr,
			    strerror(-rc));
	}
	if ((rc = seccomp_load(ctx)) < 0)
		fatalx("seccomp_load: %s", strerror(-rc));
	seccomp_release(ctx);
}
