/* SPDX-License-Identifier: ISC */
/*
 * ns.c: namespaces.  The executor (root, at init) moves itself into one
 * empty network namespace that every script shares; each child then gets
 * its own pid, mount, ipc and uts namespace from clone().  Trusts nothing
 * but the kernel; the child half runs between clone and execve.
 * Rootless, root is that of the executor's own user namespace.
 */
#include <sys/syscall.h>
#include <sys/wait.h>

#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "sandbox_priv.h"

#define NS_HOSTNAME	"cgijail"
#define NS_NSIG		64

/* the kernel's struct sigaction on x86_64 and most others */
struct ns_ksigaction {
	void		(*nk_handler)(int);
	unsigned long	  nk_flags;
	void		(*nk_restorer)(void);
	uint64_t	  nk_mask;
};

/*
 * Creating a network namespace costs ~150 us (PERFORMANCE.md), so it is
 * made once here and inherited by every child: no interface is up, not
 * even loopback, so a script can reach nothing.
 */
int
ns_net_isolate(const struct config *cfg, char *err, size_t errsz)
{
	if (cfg->cf_script_network)
		return 0;
	if (unshare(CLONE_NEWNET) == -1) {
		snprintf(err, errsz, "unshare(CLONE_NEWNET): %s",
		    strerror(errno));
		return -1;
	}
	return 0;
}

/*
 * The child shares our memory until execve: a signal handler of the
 * executor running in it would scribble on the executor's state.  Block
 * everything across clone(); the child resets handlers before unblocking.
 */
void
ns_signals_block(uint64_t *old)
{
	uint64_t	 all = ~(uint64_t)0;

	(void)syscall(SYS_rt_sigprocmask, SIG_SETMASK, &all, old,
	    sizeof(all));
}

void
ns_signals_restore(const uint64_t *old)
{
	(void)syscall(SYS_rt_sigprocmask, SIG_SETMASK, old, NULL,
	    sizeof(*old));
}

/*
 * Executor, at init: which signals it does not leave at their default
 * (it ignores SIGPIPE and the stop signals; a sanitizer catches more).
 * Bit sig-1 set for each; the child resets only those, one call each
 * instead of 64.  Dispositions are set before the sandbox starts and
 * never after.
 */
uint64_t
ns_signals_changed(void)
{
	struct ns_ksigaction	 cur;
	uint64_t		 set = 0;
	int			 sig;

	for (sig = 1; sig <= NS_NSIG; sig++) {
		if (sig == SIGKILL || sig == SIGSTOP)
			continue;
		/* unreadable: reset it anyway */
		if (syscall(SYS_rt_sigaction, sig, NULL, &cur,
		    sizeof(cur.nk_mask)) == -1 || cur.nk_handler != SIG_DFL)
			set |= (uint64_t)1 << (sig - 1);
	}
	return set;
}

/*
 * Child: those dispositions back to default (an ignored SIGPIPE must not
 * leak into the script), an empty mask, a session of its own so no
 * terminal can signal it, and a hostname that says where it runs.
 */
int
ns_child_enter(uint64_t changed)
{
	struct ns_ksigaction	 dfl;
	uint64_t		 none = 0;
	int			 sig;

	memset(&dfl, 0, sizeof(dfl));
	dfl.nk_handler = SIG_DFL;
	for (sig = 1; sig <= NS_NSIG; sig++) {
		if ((changed & ((uint64_t)1 << (sig - 1))) == 0)
			continue;
		if (syscall(SYS_rt_sigaction, sig, &dfl, NULL,
		    sizeof(dfl.nk_mask)) == -1)
			return -1;
	}
	if (syscall(SYS_rt_sigprocmask, SIG_SETMASK, &none, NULL,
	    sizeof(none)) == -1)
		return -1;
	if (syscall(SYS_setsid) == -1)
		return -1;
	return (int)syscall(SYS_sethostname, NS_HOSTNAME,
	    sizeof(NS_HOSTNAME) - 1);
}

/* --check: can a child of ours unshare this namespace?  1 yes, 0 no */
int
ns_probe(int flag)
{
	pid_t	 pid;
	int	 status;

	if ((pid = fork()) == -1)
		return 0;
	/* rootless: in a user namespace of its own, as the roles are */
	if (pid == 0)
		_exit((rootless_active() && rootless_enter(0, 0) == -1) ||
		    unshare(flag) == -1 ? 1 : 0);
	while (waitpid(pid, &status, 0) == -1)
		if (errno != EINTR)
			return 0;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}
