/* SPDX-License-Identifier: ISC */
/*
 * spawn.c: the sandbox as one ordered list.  sandbox_init() runs once in
 * the executor (root, full capabilities); sandbox_spawn() clones each
 * script with CLONE_VM|CLONE_VFORK and applies every layer, one line per
 * step, before execve.  Trusts the executor's already validated request.
 */
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sandbox_priv.h"

#define SPAWN_STACK_SIZE	(128 * 1024)
#define SPAWN_DEFAULT_NAME	"policy/default.policy (built in)"
#define SPAWN_FLAGS		(CLONE_VM | CLONE_VFORK | CLONE_PIDFD | \
	NS_CLONE_FLAGS | SIGCHLD)

/* shared with the child through CLONE_VM; lives on the parent's stack */
struct spawn_ctx {
	const struct sandbox		*sc_sb;
	const struct sandbox_spawn	*sc_ss;
	struct sandbox_failure		*sc_fail;
	int				 sc_cgfds[LIMITS_CG_FDS];
};

static const char *const spawn_step_names[SBX_STEP_MAX] = {
	[SBX_STEP_NONE] = "none",
	[SBX_STEP_CGROUP] = "cgroup",
	[SBX_STEP_CLONE] = "clone/namespaces",
	[SBX_STEP_MOUNTS] = "mounts",
	[SBX_STEP_RLIMITS] = "rlimits",
	[SBX_STEP_SECUREBITS] = "securebits",
	[SBX_STEP_IDENTITY] = "identity",
	[SBX_STEP_CAPS] = "capabilities",
	[SBX_STEP_NNP] = "no_new_privs",
	[SBX_STEP_LANDLOCK] = "landlock",
	[SBX_STEP_SECCOMP] = "seccomp",
	[SBX_STEP_FDS] = "fds",
	[SBX_STEP_CWD] = "chdir",
	[SBX_STEP_EXEC] = "execve",
};

const char *
sandbox_step_name(enum sandbox_step step)
{
	if ((unsigned int)step >= SBX_STEP_MAX)
		return "unknown";
	return spawn_step_names[step];
}

/*
 * The child shares the executor's memory on a stack of its own, under
 * its rlimits and seccomp filter: in a sanitizer build, ASan's hook
 * before a noreturn call would try to map memory there and crash it.
 */
#define SPAWN_CHILD_CODE	__attribute__((no_sanitize("address")))

/* child: tell the suspended parent which step failed, and why */
static void __attribute__((noreturn)) SPAWN_CHILD_CODE
spawn_die(struct spawn_ctx *sc, enum sandbox_step step)
{
	sc->sc_fail->sf_errno = errno;
	sc->sc_fail->sf_step = step;
	_exit(127);
}

#define SPAWN_STEP(sc, step, call) do {					\
	if ((call) == -1)						\
		spawn_die((sc), (step));				\
} while (0)

/*
 * child: the pipes on 0-2 (moving any already there out of the way) and
 * nothing else: the executor's descriptors are gone before any layer
 * opens one of its own (under load the executor holds more than the
 * script's RLIMIT_NOFILE, and a copy of them would leave it no room).
 */
static int
spawn_fds(const struct sandbox_spawn *ss)
{
	int	 fds[3] = { ss->ss_stdin, ss->ss_stdout, ss->ss_stderr };
	int	 i;

	for (i = 0; i < 3; i++)
		if (fds[i] < 3 && (fds[i] = (int)syscall(SYS_fcntl, fds[i],
		    F_DUPFD, 3)) == -1)
			return -1;
	for (i = 0; i < 3; i++)
		if (syscall(SYS_dup3, fds[i], i, 0) == -1)
			return -1;
	return (int)syscall(SYS_close_range, 3, ~0U, 0);
}

/*
 * child: DESIGN.md "The sandbox", in order, but for the descriptors:
 * closed first, not last; nothing here may allocate
 */
static int SPAWN_CHILD_CODE
spawn_child(void *arg)
{
	struct spawn_ctx		*sc = arg;
	const struct sandbox		*sb = sc->sc_sb;
	const struct sandbox_spawn	*ss = sc->sc_ss;

	SPAWN_STEP(sc, SBX_STEP_CLONE, ns_child_enter());
	SPAWN_STEP(sc, SBX_STEP_CGROUP, limits_cgroup_join(sc->sc_cgfds));
	SPAWN_STEP(sc, SBX_STEP_FDS, spawn_fds(ss));
	SPAWN_STEP(sc, SBX_STEP_MOUNTS, jail_child_mounts(sb));
	SPAWN_STEP(sc, SBX_STEP_RLIMITS, limits_rlimit_apply(sb));
	SPAWN_STEP(sc, SBX_STEP_SECUREBITS, caps_lock(sb->sb_cap_last));
	SPAWN_STEP(sc, SBX_STEP_IDENTITY, caps_set_identity(sb->sb_uid,
	    sb->sb_gid));
	SPAWN_STEP(sc, SBX_STEP_CAPS, caps_clear_all());
	SPAWN_STEP(sc, SBX_STEP_NNP, caps_no_new_privs());
	SPAWN_STEP(sc, SBX_STEP_LANDLOCK, landlock_restrict(sb));
	SPAWN_STEP(sc, SBX_STEP_CWD, (int)syscall(SYS_chdir, ss->ss_cwd));
	SPAWN_STEP(sc, SBX_STEP_SECCOMP, filter_install_policy(&sb->sb_floor,
	    &sb->sb_policy[ss->ss_policy]));
	(void)syscall(SYS_execve, ss->ss_path, ss->ss_argv, ss->ss_envp);
	spawn_die(sc, SBX_STEP_EXEC);
}

static int
spawn_fail(struct sandbox_failure *fail, enum sandbox_step step, int e)
{
	fail->sf_step = step;
	fail->sf_errno = e;
	return -1;
}

int
sandbox_spawn(struct sandbox *sb, const struct sandbox_spawn *ss,
    struct sandbox_child *ch, struct sandbox_failure *fail)
{
	struct spawn_ctx	 sc;
	siginfo_t		 si;
	uint64_t		 oldmask;
	pid_t			 pid;
	int			 pidfd = -1, save;

	memset(ch, 0, sizeof(*ch));
	ch->sch_pid = ch->sch_pidfd = -1;
	ch->sch_reqid = ss->ss_reqid;
	fail->sf_step = SBX_STEP_NONE;
	fail->sf_errno = 0;
	if (!sb->sb_inited || ss->ss_policy >= sb->sb_npolicy ||
	    ss->ss_path == NULL || ss->ss_argv == NULL ||
	    ss->ss_envp == NULL || ss->ss_cwd == NULL)
		return spawn_fail(fail, SBX_STEP_CLONE, EINVAL);
	if (limits_cgroup_create(sb, ch, sc.sc_cgfds) == -1)
		return spawn_fail(fail, SBX_STEP_CGROUP, errno);
	sc.sc_sb = sb;
	sc.sc_ss = ss;
	sc.sc_fail = fail;
	ns_signals_block(&oldmask);
	pid = clone(spawn_child, sb->sb_stack + sb->sb_stack_size,
	    SPAWN_FLAGS, &sc, &pidfd);
	save = errno;
	ns_signals_restore(&oldmask);
	limits_cgroup_close(sb, sc.sc_cgfds);
	if (pid == -1) {
		(void)limits_cgroup_release(sb, ch);
		return spawn_fail(fail, SBX_STEP_CLONE, save);
	}
	if (fail->sf_step != SBX_STEP_NONE) {
		/* vfork: the child has exited already; reap it now */
		while (waitid(P_PIDFD, (id_t)pidfd, &si, WEXITED) == -1 &&
		    errno == EINTR)
			;
		(void)close(pidfd);
		(void)limits_cgroup_release(sb, ch);
		return -1;
	}
	ch->sch_pid = pid;
	ch->sch_pidfd = pidfd;
	return 0;
}

/* the child is pid 1 of its namespace: its death takes everything along */
int
sandbox_kill(struct sandbox *sb, struct sandbox_child *ch)
{
	if (ch->sch_pidfd < 0) {
		errno = EBADF;
		return -1;
	}
	return (int)syscall(SYS_pidfd_send_signal, ch->sch_pidfd, SIGKILL,
	    NULL, 0);
}

uint32_t
sandbox_release(struct sandbox *sb, struct sandbox_child *ch)
{
	uint32_t	 flags;

	flags = limits_cgroup_release(sb, ch);
	if (ch->sch_pidfd >= 0)
		(void)close(ch->sch_pidfd);
	ch->sch_pidfd = -1;
	return flags;
}

static int
spawn_policies(struct sandbox *sb, const char *const *paths, size_t n,
    char *err, size_t errsz)
{
	size_t	 i;

	if (n > SANDBOX_POLICY_MAX) {
		snprintf(err, errsz, "too many policies (max %d)",
		    SANDBOX_POLICY_MAX);
		return -1;
	}
	if (filter_compile_floor(&sb->sb_floor, err, errsz) == -1)
		return -1;
	/* no cgi-dir given: index 0 still means the default policy */
	for (i = 0; i < (n == 0 ? 1 : n); i++, sb->sb_npolicy++) {
		if (n > 0 && paths[i] != NULL && paths[i][0] != '\0') {
			if (filter_compile_file(paths[i], &sb->sb_policy[i],
			    err, errsz) == -1)
				return -1;
			continue;
		}
		if (filter_compile_text(sandbox_default_policy,
		    sandbox_default_policy_len,
		    SPAWN_DEFAULT_NAME, &sb->sb_policy[i], err, errsz) == -1)
			return -1;
	}
	return 0;
}

static int
spawn_docroot(struct sandbox *sb, const struct config *cfg, char *err,
    size_t errsz)
{
	if (realpath(cfg->cf_root[0] != '\0' ? cfg->cf_root : ".",
	    sb->sb_docroot) == NULL) {
		snprintf(err, errsz, "document root %s: %s", cfg->cf_root,
		    strerror(errno));
		return -1;
	}
	sb->sb_docroot_under_tmp = strncmp(sb->sb_docroot, "/tmp/", 5) == 0;
	return 0;
}

/* one stack for every child (vfork: one at a time), guard page below */
static int
spawn_stack(struct sandbox *sb, char *err, size_t errsz)
{
	size_t	 guard = (size_t)sysconf(_SC_PAGESIZE);
	char	*p;

	p = mmap(NULL, SPAWN_STACK_SIZE + guard, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
	if (p == MAP_FAILED || mprotect(p, guard, PROT_NONE) == -1) {
		snprintf(err, errsz, "clone stack: %s", strerror(errno));
		if (p != MAP_FAILED)
			(void)munmap(p, SPAWN_STACK_SIZE + guard);
		return -1;
	}
	sb->sb_stack = p + guard;
	sb->sb_stack_size = SPAWN_STACK_SIZE;
	return 0;
}

/*
 * Host paths (user, docroot, policies, cgroups, bind sources) are all
 * resolved before jail_build() pivots away from the host.  On failure
 * the executor may be half inside the jail: it must exit.
 */
int
sandbox_init(struct sandbox *sb, const struct config *cfg,
    const char *const *policy_paths, size_t npolicies, char *err,
    size_t errsz)
{
	memset(sb, 0, sizeof(*sb));
	sb->sb_cfg = cfg;
	sb->sb_cg_pids_fd = sb->sb_cg_mem_fd = sb->sb_cg_cpu_fd = -1;
	sb->sb_cg2_fd = sb->sb_cg_cpu_procs_fd = -1;
	if (caps_init(sb, cfg, err, errsz) == -1 ||
	    spawn_docroot(sb, cfg, err, errsz) == -1 ||
	    limits_rlimit_init(sb, &cfg->cf_limits, err, errsz) == -1 ||
	    spawn_policies(sb, policy_paths, npolicies, err, errsz) == -1 ||
	    limits_cgroup_init(sb, err, errsz) == -1)
		goto fail;
	sb->sb_landlock_abi = landlock_probe();
	if (ns_net_isolate(cfg, err, errsz) == -1 ||
	    jail_build(sb, cfg, err, errsz) == -1)
		goto fail;
	if (caps_bound_clear() == -1) {
		snprintf(err, errsz, "emptying the capability bounding set: "
		    "%s", strerror(errno));
		goto fail;
	}
	if (spawn_stack(sb, err, errsz) == -1)
		goto fail;
	sb->sb_inited = 1;
	return 0;
fail:
	sandbox_fini(sb);
	return -1;
}

void
sandbox_fini(struct sandbox *sb)
{
	size_t	 i;

	limits_cgroup_fini(sb);
	for (i = 0; i < SANDBOX_POLICY_MAX; i++)
		filter_free(&sb->sb_policy[i]);
	sb->sb_npolicy = 0;
	filter_free(&sb->sb_floor);
	if (sb->sb_stack != NULL) {
		size_t	 guard = (size_t)sysconf(_SC_PAGESIZE);

		(void)munmap(sb->sb_stack - guard, sb->sb_stack_size + guard);
		sb->sb_stack = NULL;
	}
	sb->sb_inited = 0;
}
