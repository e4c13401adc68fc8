/* SPDX-License-Identifier: ISC */
/*
 * spawn.c: the sandbox as one ordered list.  sandbox_init() runs once in
 * the executor (root, full capabilities); sandbox_spawn() starts each
 * script as a child of its own that applies every layer, one line per
 * step, and execs the very file that was validated; a failing step is
 * reported on a close-on-exec pipe, whose end of file says the exec
 * happened.  The child shares the executor's memory and the executor
 * waits for its exec (CLONE_VM | CLONE_VFORK): nothing is copied for a
 * child that is about to exec; a student's child is the exception
 * (spawn_flags()), made by a spawner (prep.c) when one is free.  Trusts
 * the executor's already validated request.
 */
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <sanitizer/asan_interface.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sandbox_priv.h"

#define SPAWN_DEFAULT_NAME	"policy/default.policy (built in)"
#define SPAWN_FLAGS		(CLONE_PIDFD | NS_CLONE_FLAGS)

static const char *const spawn_step_names[SBX_STEP_MAX] = {
	[SBX_STEP_NONE] = "none",
	[SBX_STEP_CGROUP] = "cgroup",
	[SBX_STEP_CLONE] = "clone/namespaces",
	[SBX_STEP_FDS] = "fds",
	[SBX_STEP_MOUNTS] = "mounts",
	[SBX_STEP_USERDIR] = "userdir tree",
	[SBX_STEP_SCRIPT] = "script bind",
	[SBX_STEP_USERDIR_RW] = "userdir writable directory",
	[SBX_STEP_RLIMITS] = "rlimits",
	[SBX_STEP_USERNS] = "user namespace",
	[SBX_STEP_BOUNDING] = "bounding set",
	[SBX_STEP_SECUREBITS] = "securebits",
	[SBX_STEP_IDENTITY] = "identity",
	[SBX_STEP_CAPS] = "capabilities",
	[SBX_STEP_NNP] = "no_new_privs",
	[SBX_STEP_LANDLOCK] = "landlock",
	[SBX_STEP_SECCOMP] = "seccomp",
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

/* child: tell the executor which step failed, and why, then die */
void SPAWN_NO_ASAN __attribute__((noreturn))
spawn_die(int statusfd, enum sandbox_step step)
{
	struct spawn_record	 rec = { (int32_t)step, (int32_t)errno };

	(void)syscall(SYS_write, statusfd, &rec, sizeof(rec));
	_exit(127);
}

/*
 * child: the pipes on 0-2, our own three descriptors at fixed numbers
 * above them, and nothing else: the executor's descriptors are gone
 * before any layer opens one of its own (under load the executor holds
 * more than the script's RLIMIT_NOFILE).  A child that shares the
 * executor's table first takes a copy of it up to its highest source,
 * which leaves out what spawn_fds_aside() moved; nothing in the shared
 * table is changed.  Moves are made through fds above every source, so
 * no source is overwritten.
 */
int
spawn_fds(const struct sandbox_spawn *ss, const struct spawn_arg *sa)
{
	const int	 shared = sa->sa_shared;
	int		 src[SPAWN_FD_FIRST_FREE] = { ss->ss_stdin,
		    ss->ss_stdout, ss->ss_stderr, sa->sa_statusfd,
		    ss->ss_exec_fd, sa->sa_userns,
		    ss->ss_user != NULL ? ss->ss_tree : sa->sa_copyfd,
		    ss->ss_user != NULL ? ss->ss_rw : -1 };
	int		 i, top = SPAWN_FD_FIRST_FREE - 1;

	for (i = 0; i < SPAWN_FD_FIRST_FREE; i++)
		if (src[i] > top)
			top = src[i];
	if (shared && syscall(SYS_close_range, (unsigned int)top + 1, ~0U,
	    CLOSE_RANGE_UNSHARE) == -1)
		return -1;
	for (i = 0; i < SPAWN_FD_FIRST_FREE; i++)
		if (src[i] != -1 && src[i] < SPAWN_FD_FIRST_FREE &&
		    (src[i] = (int)syscall(SYS_fcntl, src[i], F_DUPFD_CLOEXEC,
		    SPAWN_FD_FIRST_FREE)) == -1)
			return -1;
	for (i = 0; i < SPAWN_FD_FIRST_FREE; i++)
		if (src[i] == -1)
			(void)syscall(SYS_close, i);
		else if (syscall(SYS_dup3, src[i], i, i < 3 ? 0 :
		    O_CLOEXEC) == -1)
			return -1;
	return (int)syscall(SYS_close_range, SPAWN_FD_FIRST_FREE, ~0U, 0);
}

/*
 * child: the floor unless merged in, the policy; one prctl each.  Under
 * its spawner's outer filter (inner), the inner one gives the policy
 * whole (filter_split.c).
 */
int
spawn_seccomp(const struct sandbox *sb, size_t policy, int inner)
{
	const struct filter_prog	*fp = &sb->sb_policy[policy];

	if (inner)
		return filter_install_bpf(fp->fp_inner, fp->fp_inner_len);
	return filter_install_policy(&sb->sb_floor, fp);
}

static int
spawn_exec(const struct sandbox_spawn *ss)
{
	if (ss->ss_execat)
		return (int)syscall(SYS_execveat, SPAWN_FD_EXEC, "",
		    ss->ss_argv, ss->ss_envp, AT_EMPTY_PATH);
	return (int)syscall(SYS_execve, ss->ss_path, ss->ss_argv,
	    ss->ss_envp);
}

/*
 * child: DESIGN.md "The sandbox", in order, up to landlock, but for the
 * descriptors (closed first, not last) and the user namespace (entered
 * once the mounts are done, which need the host's; setns gives a full
 * bounding set and default securebits in it, so both are dropped after
 * it).  Raw system calls, no allocation.  Returns only if all applied.
 * In three parts: the jail (namespaces, cgroups, descriptors, mounts),
 * which does not depend on the script; a script's copy, which does; and
 * what makes the child the script's user, which does not again.  A child
 * prepared for a script (prep.c) applies the first and the last ahead,
 * and its spawner makes the copy once the request has come.
 */
void SPAWN_NO_ASAN
spawn_layers_jail(const struct sandbox *sb, const struct sandbox_spawn *ss,
    const struct spawn_arg *sa)
{
	const int			 statusfd = sa->sa_statusfd;
	const int			 st = SPAWN_FD_STATUS;

	SPAWN_STEP(statusfd, SBX_STEP_CLONE, ns_child_enter(sb->sb_sig_reset));
	SPAWN_STEP(statusfd, SBX_STEP_CGROUP, limits_cgroup_join(sa->sa_cgfds));
	SPAWN_STEP(statusfd, SBX_STEP_FDS, spawn_fds(ss, sa));
	SPAWN_STEP(st, SBX_STEP_MOUNTS, jail_child_mounts(sb, ss,
	    SPAWN_FD_USERNS));
	if (ss->ss_user != NULL)
		SPAWN_STEP(st, SBX_STEP_USERDIR, jail_user_child_tree(sb, ss,
		    SPAWN_FD_TREE));
}

/* child, still root in the host's user namespace: a script's copy */
static void SPAWN_NO_ASAN
spawn_layer_script(const struct sandbox *sb, const struct sandbox_spawn *ss)
{
	const struct sandbox_user	*su = ss->ss_user;

	if (!ss->ss_execat)
		SPAWN_STEP(SPAWN_FD_STATUS, SBX_STEP_SCRIPT, jail_child_script(
		    sb, su != NULL ? su->su_path : sb->sb_docroot,
		    ss->ss_script, SPAWN_FD_EXEC));
}

void SPAWN_NO_ASAN
spawn_layers_user(const struct sandbox *sb, const struct sandbox_spawn *ss)
{
	const struct sandbox_user	*su = ss->ss_user;
	const int			 st = SPAWN_FD_STATUS;

	if (su != NULL)
		SPAWN_STEP(st, SBX_STEP_USERDIR_RW, jail_user_child_rw(ss,
		    SPAWN_FD_RW));
	SPAWN_STEP(st, SBX_STEP_RLIMITS, limits_rlimit_apply(su != NULL ?
	    &su->su_rl : &sb->sb_rl));
	SPAWN_STEP(st, SBX_STEP_USERNS, userns_enter(SPAWN_FD_USERNS));
	SPAWN_STEP(st, SBX_STEP_BOUNDING, caps_bound_drop(sb->sb_cap_last));
	SPAWN_STEP(st, SBX_STEP_SECUREBITS, caps_lock(sb->sb_cap_last));
	SPAWN_STEP(st, SBX_STEP_IDENTITY, caps_set_identity(su != NULL ?
	    su->su_uid : sb->sb_uid, su != NULL ? su->su_gid : sb->sb_gid));
	SPAWN_STEP(st, SBX_STEP_CAPS, caps_clear_all());
	SPAWN_STEP(st, SBX_STEP_NNP, caps_no_new_privs());
	SPAWN_STEP(st, SBX_STEP_LANDLOCK, landlock_restrict(sb, ss,
	    sb->sb_policy[ss->ss_policy].fp_exec_self, SPAWN_FD_EXEC));
}

/*
 * child: every layer, the script's directory, the filter, its exec; a
 * student's child that a spawner makes (prep.c) takes the same steps
 */
void SPAWN_NO_ASAN __attribute__((noreturn))
spawn_child(const struct sandbox *sb, const struct sandbox_spawn *ss,
    const struct spawn_arg *sa)
{
	const int	 st = SPAWN_FD_STATUS;

	spawn_layers_jail(sb, ss, sa);
	spawn_layer_script(sb, ss);
	spawn_layers_user(sb, ss);
	SPAWN_STEP(st, SBX_STEP_CWD, (int)syscall(SYS_chdir, ss->ss_cwd));
	SPAWN_STEP(st, SBX_STEP_SECCOMP, spawn_seccomp(sb, ss->ss_policy,
	    sa->sa_inner));
	(void)spawn_exec(ss);
	spawn_die(st, SBX_STEP_EXEC);
}

static int SPAWN_NO_ASAN
spawn_entry(void *arg)
{
	const struct spawn_arg	*sa = arg;

	spawn_child(sa->sa_sb, sa->sa_ss, sa);
}

/*
 * Shared memory and a vfork wait, so that nothing is copied for a child
 * that is about to exec (a copy faulted on every page the executor then
 * wrote: tests/load/test_exec_faults.py).  Waiting is safe only while
 * nobody outside can stop the child before its exec: a docroot script's
 * uid is its slot's alone (sandbox/userns.c) and the child is not
 * dumpable once it has it.  A student's child takes the student's uid,
 * which the student's own processes may signal: a SIGSTOP between that
 * and the exec would freeze the executor in the wait.  So a spawner for
 * students makes it (prep.c), which sleeps on it in the executor's stead;
 * only when none is free does it get a copy here.  A stopped one is its
 * start timer's to kill, either way.
 */
static int
spawn_flags(const struct sandbox_spawn *ss)
{
	return SPAWN_FLAGS | SIGCHLD | (ss->ss_user == NULL ?
	    CLONE_VM | CLONE_VFORK | CLONE_FILES : 0);
}

static int
spawn_fail(struct sandbox_failure *fail, enum sandbox_step step, int e)
{
	fail->sf_step = step;
	fail->sf_errno = e;
	return -1;
}

int
spawn_check(const struct sandbox *sb, const struct sandbox_spawn *ss)
{
	return sb->sb_inited && ss->ss_policy < sb->sb_npolicy &&
	    ss->ss_slot < sb->sb_nslots && ss->ss_exec_fd >= 0 &&
	    (ss->ss_execat || (ss->ss_path != NULL &&
	    ss->ss_script != NULL)) && ss->ss_argv != NULL &&
	    ss->ss_envp != NULL && ss->ss_cwd != NULL &&
	    (ss->ss_user == NULL || (ss->ss_tree >= 0 &&
	    (ss->ss_rw == -1 || ss->ss_rw_path != NULL)));
}

/*
 * What the child is given, on the stack it will run on; the slot's user
 * namespace is lent at a low number, among the request's descriptors,
 * for a child that copies only those.  0, or -1 with errno.
 */
int
spawn_arg_init(struct spawn_arg *sa, const struct sandbox *sb,
    const struct sandbox_spawn *ss, const int *cgfds, int statusfd,
    int userns)
{
	/* the last child's frames, which never returned, left their marks */
	ASAN_UNPOISON_MEMORY_REGION(sb->sb_stack, SPAWN_STACK_SIZE);
	sa->sa_sb = sb;
	sa->sa_ss = ss;
	sa->sa_cgfds = cgfds;
	sa->sa_statusfd = statusfd;
	sa->sa_shared = ss->ss_user == NULL;
	sa->sa_copyfd = -1;
	sa->sa_inner = 0;
	if (userns != -1)
		sa->sa_userns = userns;
	else
		sa->sa_userns = ss->ss_user != NULL ? ss->ss_user->su_userns :
		    fcntl(sb->sb_userns[ss->ss_slot], F_DUPFD_CLOEXEC, 0);
	return sa->sa_userns == -1 ? -1 : 0;
}

int
sandbox_spawn(struct sandbox *sb, const struct sandbox_spawn *ss,
    struct sandbox_child *ch, struct sandbox_failure *fail)
{
	struct spawn_arg	 sa;
	uint64_t		 oldmask;
	int			 cgfds[LIMITS_CG_FDS], st[2], pidfd = -1;
	long			 pid;
	int			 save, r;

	memset(ch, 0, sizeof(*ch));
	ch->sch_pid = ch->sch_pidfd = ch->sch_statusfd = -1;
	ch->sch_cg_slot = -1;
	ch->sch_reqid = ss->ss_reqid;
	fail->sf_step = SBX_STEP_NONE;
	fail->sf_errno = 0;
	if (!spawn_check(sb, ss))
		return spawn_fail(fail, SBX_STEP_CLONE, EINVAL);
	/* a child made ready for this slot: it needs only the request */
	if (prep_take(sb, ss, ch, &sb->sb_prep_lost) == 0)
		return 0;
	/* a student's: made by a spawner now, if one is free */
	if ((r = prep_student(sb, ss, ch, fail)) != -1)
		return r == 0 ? 0 : -1;
	if (pipe2(st, O_CLOEXEC) == -1)
		return spawn_fail(fail, SBX_STEP_CLONE, errno);
	if (limits_cgroup_create(sb, ss->ss_user != NULL ?
	    ss->ss_user->su_limits : NULL, ch, ss->ss_slot, cgfds) == -1) {
		save = errno;
		(void)close(st[0]);
		(void)close(st[1]);
		return spawn_fail(fail, SBX_STEP_CGROUP, save);
	}
	if (spawn_arg_init(&sa, sb, ss, cgfds, st[1], -1) == -1) {
		save = errno;
		(void)close(st[0]);
		(void)close(st[1]);
		(void)limits_cgroup_release(sb, ch);
		return spawn_fail(fail, SBX_STEP_FDS, save);
	}
	/* no handler of ours may run in the child before it resets them */
	ns_signals_block(&oldmask);
	pid = clone(spawn_entry, sb->sb_stack + SPAWN_STACK_SIZE,
	    spawn_flags(ss), &sa, &pidfd);
	save = errno;
	ns_signals_restore(&oldmask);
	(void)close(st[1]);
	if (ss->ss_user == NULL)
		(void)close(sa.sa_userns);
	if (pid == -1) {
		(void)close(st[0]);
		(void)limits_cgroup_release(sb, ch);
		return spawn_fail(fail, SBX_STEP_CLONE, save);
	}
	(void)fcntl(st[0], F_SETFL, O_NONBLOCK);
	ch->sch_pid = (pid_t)pid;
	ch->sch_pidfd = pidfd;
	ch->sch_statusfd = st[0];
	return 0;
}

int
sandbox_started(struct sandbox_child *ch, struct sandbox_failure *fail)
{
	struct spawn_record	 rec;
	ssize_t			 n;

	if (ch->sch_statusfd < 0)
		return 1;
	n = read(ch->sch_statusfd, &rec, sizeof(rec));
	if (n == -1 && (errno == EAGAIN || errno == EINTR))
		return 0;
	(void)close(ch->sch_statusfd);
	ch->sch_statusfd = -1;
	if (n == 0)
		return 1;	/* closed on exec */
	if (n == (ssize_t)sizeof(rec) && rec.sr_step > SBX_STEP_NONE &&
	    rec.sr_step < SBX_STEP_MAX && rec.sr_errno >= 0)
		return spawn_fail(fail, (enum sandbox_step)rec.sr_step,
		    rec.sr_errno);
	return spawn_fail(fail, SBX_STEP_EXEC, n == -1 ? errno : EIO);
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

	sandbox_spawner_done(sb, ch);
	flags = limits_cgroup_release(sb, ch);
	if (ch->sch_pidfd >= 0)
		(void)close(ch->sch_pidfd);
	ch->sch_pidfd = -1;
	if (ch->sch_statusfd >= 0)
		(void)close(ch->sch_statusfd);
	ch->sch_statusfd = -1;
	return flags;
}

static int
spawn_policies(struct sandbox *sb, const char *const *paths, size_t n,
    char *err, size_t errsz)
{
	enum filter_floor	 ff = sb->sb_cfg->cf_script_network ?
				    FILTER_FLOOR : FILTER_FLOOR_NONET;
	size_t			 i;

	if (n > SANDBOX_POLICY_MAX) {
		snprintf(err, errsz, "too many policies (max %d)",
		    SANDBOX_POLICY_MAX);
		return -1;
	}
	if (filter_compile_floor(ff, &sb->sb_floor, err, errsz) == -1)
		return -1;
	/* no cgi-dir given: index 0 still means the default policy */
	for (i = 0; i < (n == 0 ? 1 : n); i++, sb->sb_npolicy++) {
		if (n > 0 && paths[i] != NULL && paths[i][0] != '\0') {
			if (filter_compile_file(paths[i], ff,
			    &sb->sb_policy[i], err, errsz) == -1)
				return -1;
			continue;
		}
		if (filter_compile_script(sandbox_default_policy,
		    sandbox_default_policy_len, SPAWN_DEFAULT_NAME, ff,
		    &sb->sb_policy[i], err, errsz) == -1)
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

/*
 * Landlock below the configured minimum ABI (none at all is ABI 0) is a
 * start that does not happen, not a layer quietly dropped; and a policy
 * that says "exec self" needs it whatever the configuration says.
 */
static int
spawn_landlock_ok(const struct sandbox *sb, const struct config *cfg,
    char *err, size_t errsz)
{
	size_t	 i;

	if (cfg->cf_landlock && sb->sb_landlock_abi == 0) {
		snprintf(err, errsz, "landlock ABI 0: this kernel has no "
		    "landlock; `landlock off` runs without it");
		return -1;
	}
	if (cfg->cf_landlock && sb->sb_landlock_abi < cfg->cf_landlock_min_abi) {
		snprintf(err, errsz, "landlock ABI %d is below the minimum %d "
		    "(landlock-min-abi); `landlock-min-abi %d` accepts this "
		    "kernel's, `landlock off` runs without", sb->sb_landlock_abi,
		    cfg->cf_landlock_min_abi, sb->sb_landlock_abi);
		return -1;
	}
	for (i = 0; i < sb->sb_npolicy; i++)
		if (sb->sb_policy[i].fp_exec_self && (!cfg->cf_landlock ||
		    sb->sb_landlock_abi < 1)) {
			snprintf(err, errsz, "%s says exec self, which needs "
			    "landlock (landlock is %s)", sb->sb_policy[i].fp_name,
			    cfg->cf_landlock ? "not in this kernel" : "off");
			return -1;
		}
	return 0;
}

static int	 spawn_aside = SPAWN_FD_ASIDE;

/* one long-lived descriptor up to spawn_aside, if the limit allows */
static void
spawn_fd_aside(int *fd)
{
	int	 nfd;

	if (*fd < 0 || *fd >= spawn_aside ||
	    (nfd = fcntl(*fd, F_DUPFD_CLOEXEC, spawn_aside)) == -1)
		return;		/* where it is, a child copies it: still right */
	(void)close(*fd);
	*fd = nfd;
}

static void
spawn_fds_aside(struct sandbox *sb)
{
	struct rlimit	 rl;
	size_t		 i;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < 2 *
	    SPAWN_FD_ASIDE)
		spawn_aside = (int)(rl.rlim_cur / 2);

	for (i = 0; i < sb->sb_nslots; i++)
		spawn_fd_aside(&sb->sb_userns[i]);
	for (i = 0; i < sb->sb_nusers; i++) {
		spawn_fd_aside(&sb->sb_users[i].su_userns);
		spawn_fd_aside(&sb->sb_users[i].su_tree);
	}
	limits_slots_fds(sb, spawn_fd_aside);
	spawn_fd_aside(&sb->sb_mntns);
}

/* the child's stack, made once: the guard page below it stays PROT_NONE */
static int
spawn_stack_init(struct sandbox *sb, char *err, size_t errsz)
{
	size_t	 guard = (size_t)sysconf(_SC_PAGESIZE);
	char	*p;

	p = mmap(NULL, guard + SPAWN_STACK_SIZE, PROT_NONE, MAP_PRIVATE |
	    MAP_ANONYMOUS | MAP_STACK, -1, 0);
	if (p == MAP_FAILED || mprotect(p + guard, SPAWN_STACK_SIZE,
	    PROT_READ | PROT_WRITE) == -1) {
		snprintf(err, errsz, "the spawn stack: %s", strerror(errno));
		if (p != MAP_FAILED)
			(void)munmap(p, guard + SPAWN_STACK_SIZE);
		return -1;
	}
	sb->sb_stack_map = p;
	sb->sb_stack = p + guard;
	return 0;
}

/*
 * Host paths (user, docroot, policies, cgroups, bind sources) are all
 * resolved before jail_build() pivots away from the host.  On failure
 * the executor may be half inside the jail: it must exit.
 */
int
sandbox_init(struct sandbox *sb, const struct config *cfg,
    const char *const *policy_paths, size_t npolicies, size_t nslots,
    char *err, size_t errsz)
{
	memset(sb, 0, sizeof(*sb));
	sb->sb_cfg = cfg;
	sb->sb_sig_reset = ns_signals_changed();
	sb->sb_cg_pids_fd = sb->sb_cg_mem_fd = sb->sb_cg_cpu_fd = -1;
	sb->sb_cg2_fd = sb->sb_cg_cpu_procs_fd = -1;
	sb->sb_mntns = -1;
	if (spawn_stack_init(sb, err, errsz) == -1 ||
	    caps_init(sb, cfg, err, errsz) == -1 ||
	    spawn_docroot(sb, cfg, err, errsz) == -1 ||
	    limits_rlimit_init(sb, &cfg->cf_limits, err, errsz) == -1 ||
	    spawn_policies(sb, policy_paths, npolicies, err, errsz) == -1 ||
	    limits_cgroup_init(sb, err, errsz) == -1 ||
	    limits_slots_init(sb, nslots, err, errsz) == -1)
		goto fail;
	sb->sb_landlock_abi = landlock_probe();
	if (spawn_landlock_ok(sb, cfg, err, errsz) == -1)
		goto fail;
	/* the user namespaces need the host's /proc: before the jail */
	if (userns_init(sb, cfg, nslots, err, errsz) == -1 ||
	    jail_user_init(sb, cfg, err, errsz) == -1 ||
	    ns_net_isolate(cfg, err, errsz) == -1 ||
	    jail_build(sb, cfg, err, errsz) == -1 ||
	    jail_probe_idmap(sb, cfg, err, errsz) == -1)
		goto fail;
	spawn_fds_aside(sb);
	if (caps_bound_clear() == -1) {
		snprintf(err, errsz, "emptying the capability bounding set: "
		    "%s", strerror(errno));
		goto fail;
	}
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

	limits_slots_fini(sb);
	limits_cgroup_fini(sb);
	for (i = 0; i < SANDBOX_POLICY_MAX; i++)
		filter_free(&sb->sb_policy[i]);
	sb->sb_npolicy = 0;
	filter_free(&sb->sb_floor);
	jail_user_fini(sb);
	userns_fini(sb);
	free(sb->sb_prep);
	sb->sb_prep = NULL;
	if (sb->sb_mntns != -1)
		(void)close(sb->sb_mntns);
	sb->sb_mntns = -1;
	if (sb->sb_stack_map != NULL)
		(void)munmap(sb->sb_stack_map, (size_t)(sb->sb_stack -
		    sb->sb_stack_map) + SPAWN_STACK_SIZE);
	sb->sb_stack_map = sb->sb_stack = NULL;
	sb->sb_inited = 0;
}
