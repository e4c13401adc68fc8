/* SPDX-License-Identifier: ISC */
/*
 * sandbox.h: everything that confines a script, as the executor uses it.
 * sandbox_init() runs once at executor start (as root, before its own
 * privileges are reduced); sandbox_spawn() per request applies the layers
 * in the order of DESIGN.md, one function per kernel facility.
 */
#ifndef CGIJAIL_SANDBOX_H
#define CGIJAIL_SANDBOX_H

#include <linux/filter.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/resource.h>
#include <sys/types.h>

#include "config.h"

#define SANDBOX_POLICY_MAX	CONFIG_CGIDIR_MAX
#define SANDBOX_RLIMIT_MAX	10
#define SBX_EXEC_ALSO_MAX	4	/* interpreter, ld.so, and theirs */

/* the steps, in the order spawn_child() runs them; a failure names one */
enum sandbox_step {
	SBX_STEP_NONE = 0,
	SBX_STEP_CGROUP,	/* per-request cgroup create/limit/join */
	SBX_STEP_CLONE,		/* namespaces, signals, session, hostname */
	SBX_STEP_FDS,		/* stdio on 0-2, our own three, close the rest */
	SBX_STEP_MOUNTS,	/* /proc, /tmp, what /tmp hides, idmapped rw */
	SBX_STEP_USERDIR,	/* a student's tree in place of the docroot */
	SBX_STEP_SCRIPT,	/* the validated file bound over its own path */
	SBX_STEP_USERDIR_RW,	/* a student's writable directory */
	SBX_STEP_RLIMITS,
	SBX_STEP_USERNS,	/* into the slot's user namespace */
	SBX_STEP_BOUNDING,	/* the bounding set emptied (again: setns) */
	SBX_STEP_SECUREBITS,	/* ambient cleared, securebits locked */
	SBX_STEP_IDENTITY,	/* groups, gid, uid, verify */
	SBX_STEP_CAPS,		/* every capability set emptied */
	SBX_STEP_NNP,		/* no_new_privs, parent-death signal */
	SBX_STEP_LANDLOCK,
	SBX_STEP_CWD,		/* the script's directory */
	SBX_STEP_SECCOMP,
	SBX_STEP_EXEC,
	SBX_STEP_MAX
};

/* a compiled seccomp policy (BPF for the native arch) */
struct filter_prog {
	struct sock_filter	*fp_insns;
	unsigned short		 fp_len;
	int			 fp_has_floor;	/* floor merged in */
	int			 fp_exec_self;	/* "exec self": landlock */
	char			 fp_name[PATH_MAX];
	/*
	 * The same filter as two stacked ones (filter_split.c), or NULL:
	 * the outer installed once by a spawner, the inner by each child.
	 */
	struct sock_filter	*fp_outer;
	struct sock_filter	*fp_inner;
	unsigned short		 fp_outer_len;
	unsigned short		 fp_inner_len;
};

/* one precomputed setrlimit for the child */
struct sandbox_rlimit {
	int		 sr_resource;
	struct rlimit	 sr_lim;
};

/* the rlimits of one set of limits, and /tmp's tmpfs options */
struct sandbox_rlimits {
	struct sandbox_rlimit	 sl_rlim[SANDBOX_RLIMIT_MAX];
	size_t			 sl_n;
	char			 sl_tmp_opts[96];
};

/*
 * A student of userdir (the table's account of the same index): its
 * scripts run as su_uid/su_gid through a user namespace that maps that
 * uid to itself, and see su_path, a detached tree made in the jail's
 * mount namespace at init, cloned for each request.  Its limits are the
 * configuration's or lower (userdir-limits).
 */
struct sandbox_user {
	uid_t			 su_uid;
	gid_t			 su_gid;
	int			 su_userns;
	int			 su_tree;	/* -1: could not be opened, */
	const char		*su_why;	/* and why */
	const char		*su_path;	/* HOME/DIR, in the table */
	const struct config_limits *su_limits;
	struct sandbox_rlimits	 su_rl;
	/* the jail's passwd, then its group, naming the student too */
	char			*su_etc;
	size_t			 su_passwd_len, su_group_len;
};

struct sandbox_failure {
	enum sandbox_step	 sf_step;
	int			 sf_errno;
};

struct sandbox {
	const struct config	*sb_cfg;
	uid_t			 sb_uid;		/* script user */
	gid_t			 sb_gid;
	char			 sb_user[CONFIG_NAME_MAX];
	char			 sb_group[CONFIG_NAME_MAX];
	char			 sb_docroot[PATH_MAX];	/* realpath */
	int			 sb_docroot_under_tmp;
	int			 sb_bind_isdir[CONFIG_BIND_MAX];
	/* cgroups: dirfds of our parent group per controller, -1 if none */
	int			 sb_cg_version;		/* 0 none, 1, 2 */
	int			 sb_cg_pids_fd;
	int			 sb_cg_mem_fd;
	int			 sb_cg_cpu_fd;
	int			 sb_cg2_fd;
	int			 sb_cg_cpu_procs_fd;	/* v1 cpu, shared */
	int			 sb_cg_memsw;		/* memsw/swap.max */
	char			 sb_cg_name[32];	/* "cgijail.<pid>" */
	struct limits_slot	*sb_cg_slot;		/* limits_slot.c */
	size_t			 sb_cg_nslots;
	int			 sb_landlock_abi;	/* 0 = none */
	struct filter_prog	 sb_policy[SANDBOX_POLICY_MAX];
	size_t			 sb_npolicy;
	/*
	 * always-kill filter (with script-network off, also no AF_INET or
	 * AF_INET6 socket), stacked under a policy it is not merged into
	 */
	struct filter_prog	 sb_floor;
	/* one user namespace per slot, for its host uid sb_uids[slot] */
	int			*sb_userns;
	uid_t			*sb_uids;
	size_t			 sb_nslots;
	int			 sb_uid_lockfd;	/* the uids we hold */
	/* precomputed for the child, which may not allocate or format */
	int			 sb_cap_last;
	uint64_t		 sb_sig_reset;	/* ns_signals_changed() */
	struct sandbox_rlimits	 sb_rl;
	/* userdir: one per account of the configuration's table */
	struct sandbox_user	*sb_users;
	size_t			 sb_nusers;
	/* the jail's mount namespace, the executor's: where a spawner goes
	 * back to from a script child's, whose copy it made (prep.c) */
	int			 sb_mntns;
	char			*sb_stack;		/* the child's, spawn.c */
	char			*sb_stack_map;		/* with its guard page */
	int			 sb_inited;
	/* children prepared ahead, one per slot at most (prep.c) */
	struct sandbox_prep	*sb_prep;		/* sb_nslots */
	struct sandbox_spawner	*sb_spawner;
	size_t			 sb_nspawner;
	uint64_t		 sb_spawners_replaced;	/* sweep's count */
	/* whose spawners make a policy's children: the first one alike */
	size_t			 sb_prep_owner[SANDBOX_POLICY_MAX];
	uint32_t		 sb_prep_policies;	/* bit i: may */
	int			 sb_prep_scripts;	/* copies: may */
	/* one found dead when a request came (SBX_STEP_NONE: none) */
	struct sandbox_failure	 sb_prep_lost;
};

/* a slot's prepared child, as the executor knows it (prep.c) */
enum sandbox_prep_state {
	SBX_PREP_NONE = 0,
	SBX_PREP_ASKED,		/* its spawner has it; it has not said hello */
	SBX_PREP_READY		/* it said hello: its pid and pidfd are known */
};

struct sandbox_prep {
	enum sandbox_prep_state	 sp_state;
	size_t			 sp_policy;
	int			 sp_script;	/* for a script, not a program */
	size_t			 sp_spawner;
	pid_t			 sp_spawner_pid; /* not one in its place */
	int			 sp_chan;	/* its hello, then its request */
	int			 sp_status;	/* as sch_statusfd */
	pid_t			 sp_pid;
	int			 sp_pidfd;
	int			 sp_cg_slot;	/* as sch_cg_slot */
};

/*
 * a process that makes children, one at a time: prepared ones, or
 * (students) students' children when their request comes
 */
struct sandbox_spawner {
	int			 sw_fd;		/* -1: gone */
	pid_t			 sw_pid;
	ssize_t			 sw_slot;	/* whose child it makes, or -1 */
	size_t			 sw_policy;	/* the one its children run */
	int			 sw_students;	/* for students' requests only */
	/* gone or given up: to reap, with the channel of a child it may
	 * still make for the request it did not answer in time (or -1) */
	int			 sw_retired;
	int			 sw_late;
};

struct sandbox_spawn {
	int		 ss_stdin;
	int		 ss_stdout;
	int		 ss_stderr;
	int		 ss_exec_fd;	/* the validated file (O_RDONLY) */
	int		 ss_execat;	/* 1: execveat(ss_exec_fd), a program */
	const char	*ss_path;	/* else: the file to execve */
	const char	*ss_script;	/* the script, bound over itself */
	char *const	*ss_argv;
	char *const	*ss_envp;
	const char	*ss_cwd;	/* the script's directory */
	size_t		 ss_policy;	/* index into sb_policy */
	size_t		 ss_slot;	/* < sb_nslots: its uid and namespace */
	/* exec self: the interpreters that may run too (NULL-ended) */
	const char	*ss_exec_also[SBX_EXEC_ALSO_MAX + 1];
	uint64_t	 ss_reqid;
	/*
	 * userdir: the student (NULL: the document root), this request's
	 * clone of its tree and of its writable directory (-1: none, at
	 * ss_rw_path), from sandbox_user_clone()
	 */
	const struct sandbox_user *ss_user;
	int		 ss_tree;
	int		 ss_rw;
	const char	*ss_rw_path;
};


struct sandbox_child {
	int		 sch_prepared;	/* a prepared child took it */
	int		 sch_spawned;	/* a spawner made it for it */
	/* 1 + the spawner that sleeps on it until its exec, or 0 */
	int		 sch_spawner;
	pid_t		 sch_spawner_pid; /* that one, not one in its place */
	pid_t		 sch_pid;
	int		 sch_pidfd;	/* closed by sandbox_release() */
	int		 sch_statusfd;	/* a failure record, or EOF at exec */
	uint64_t	 sch_reqid;
	int		 sch_cg_slot;	/* its slot's cgroups, or -1 */
};

/*
 * Once, as root in the executor: resolve the script user, probe cgroups,
 * unshare the mount (and unless script-network, network) namespace, build
 * the jail tree and pivot_root into it, compile every policy.
 * Policies: policy_paths[i] for cgi-dir i ("" = default policy).
 * On return the calling process lives in the jail's mount namespace.
 */
int	sandbox_init(struct sandbox *, const struct config *,
	    const char *const *policy_paths, size_t npolicies, size_t nslots,
	    char *err, size_t errsz);
/*
 * Per request: starts the child and returns at once: 0 with *child
 * filled, or -1 with *fail filled.  The child applies every layer on its
 * own; sch_statusfd (non-blocking) becomes readable when it has exec'd
 * or failed: then sandbox_started() says which.  The caller waits for
 * its end through sch_pidfd (waitid(P_PIDFD)).
 */
int	sandbox_spawn(struct sandbox *, const struct sandbox_spawn *,
	    struct sandbox_child *, struct sandbox_failure *);
/* 1: it exec'd; 0: not yet; -1: a step failed (*fail).  Closes the fd. */
int	sandbox_started(struct sandbox_child *, struct sandbox_failure *);
/*
 * userdir, per request in the executor: a clone of the student's tree
 * (*tree) and, when rwfd is not -1 (an O_PATH descriptor beneath
 * su_tree, the validated userdir-writable directory), of that directory,
 * read-write but noexec (*rw, else -1).  0, or -1 with errno.
 */
int	sandbox_user_clone(const struct sandbox_user *, int rwfd, int *tree,
	    int *rw);
/*
 * Children prepared ahead (sandbox/prep.c): each waits for one request,
 * which sandbox_spawn() then hands it when the slot and the request fit
 * (of the document root, under a policy that lets the child take the
 * request after its filter).  One for a program, exec'd by its
 * descriptor, has every layer applied; so has one for a script, whose
 * copy its spawner makes in the child's mount namespace once the request
 * has come.  Spawners, processes forked from the executor, make them;
 * they are the executor's children (CLONE_PARENT).
 * sandbox_prep_start(): n spawners, which keep no descriptor of ours
 * but their channel and the jail's mount namespace, for the policies
 * that allow it, and nstudents more that make students' children when
 * their request comes (sandbox_spawn(), never ahead: whose would it
 * be?); -1 with err when none can.
 * sandbox_prep_scripts_ok(): may a spawner enter a child's mount
 * namespace (it needs CAP_SYS_CHROOT, which an old unit file may not
 * give)?  If not, scripts start when their request comes.
 */
int	sandbox_prep_start(struct sandbox *, size_t n, size_t nstudents,
	    char *err, size_t errsz);
/*
 * A student's child that a spawner made has exec'd, or failed, or is
 * reaped: its spawner, which slept on it, is free for the next one.
 * sandbox_release() calls it too.
 */
void	sandbox_spawner_done(struct sandbox *, struct sandbox_child *);
int	sandbox_prep_policy_ok(const struct sandbox *, size_t policy);
int	sandbox_prep_scripts_ok(const struct sandbox *);
/*
 * Ask for a child in a free slot, for a program or (script) a script:
 * 0, or -1 (EBUSY: no spawner is free).
 * Then watch sp_chan for its hello while it is SBX_PREP_ASKED, sp_pidfd
 * for its end once SBX_PREP_READY (sandbox_prep_event()), until
 * sandbox_spawn() or sandbox_prep_discard() takes the slot.
 */
int	sandbox_prep_ask(struct sandbox *, size_t slot, size_t policy,
	    int script);
/*
 * What was watched spoke: its hello (1: it is ready; 0: nothing yet), or
 * its end before its request (-1: *fail says where, SBX_STEP_NONE if it
 * left no record; reaped, the slot free).
 */
int	sandbox_prep_event(struct sandbox *, size_t slot,
	    struct sandbox_failure *fail);
enum sandbox_prep_state sandbox_prep_state(const struct sandbox *,
	    size_t slot, size_t *policy, int *script);
/* the slot is needed otherwise: its child is killed and reaped */
void	sandbox_prep_discard(struct sandbox *, size_t slot);
/*
 * Spawners gone or given up (one that did not answer a student's request
 * in time) and what they made late: how many are still to reap; each
 * call reaps what has ended, without waiting, and forks a spawner in
 * the place of each one reaped (sb_spawners_replaced counts them).
 * Call while it says > 0.
 */
int	sandbox_prep_retired(const struct sandbox *);
int	sandbox_prep_sweep(struct sandbox *);
/* at the executor's end: the spawners and every waiting child go */
void	sandbox_prep_stop(struct sandbox *);
/* kill the whole pid namespace of a child (SIGKILL to its pid 1) */
int	sandbox_kill(struct sandbox *, struct sandbox_child *);
/* sandbox_release(): the limits a child hit */
#define SBX_DONE_OOM		0x1	/* memory cgroup hit its limit */
#define SBX_DONE_PIDS		0x2	/* pids cgroup refused a fork */

/*
 * After the child was reaped: remove its cgroups, report limit hits
 * (SBX_DONE_*), close sch_pidfd.
 */
uint32_t sandbox_release(struct sandbox *, struct sandbox_child *);
/* at executor exit: remove the parent cgroups, free the policies */
void	sandbox_fini(struct sandbox *);
const char *sandbox_step_name(enum sandbox_step);
/* --check: print each layer and whether it will be used; 0 = all usable */
int	sandbox_check(FILE *, const struct config *);
/*
 * check.c, for the parent before it binds (and the executor at its
 * start): the kernel's landlock ABI into *abi; -1 with the reason (the
 * ABI found, the minimum, how to lower or turn it off) when landlock is
 * on and the ABI is below landlock-min-abi.
 */
int	sandbox_check_landlock(const struct config *, int *abi, char *err,
	    size_t errsz);
/* what scripts go without at this ABI (to warn of), or NULL: nothing */
const char *sandbox_check_landlock_lacks(const struct config *, int abi);
/* a process that runs with a uid of script-uid-range */
struct sandbox_uid_user {
	uid_t	 su_uid;
	pid_t	 su_pid;
	char	 su_comm[64];	/* its name, escaped (vis) */
};
/* sandbox/userns.c: which script uids running daemons hold */
#define USERNS_LOCK_DIR		"/run/cgijail"
#define USERNS_LOCK_FILE	"/run/cgijail/script-uids.lock"
int	userns_lock_open(int flags);
int	userns_uid_held(int fd, uid_t uid);
/*
 * Which processes run with a uid (real, effective, saved or fs) of
 * script-uid-range that no running cgijail holds (another instance, or
 * the generation a reload replaces), leaving out [skip_first,
 * skip_first + skip_count)?  Up to nusers, one per uid, into users;
 * returns how many, or -1 if /proc is unreadable.
 */
int	sandbox_check_uids(const struct config *, uid_t skip_first,
	    uint32_t skip_count, struct sandbox_uid_user *users,
	    size_t nusers);

/*
 * rootless.c: rootless mode, cgijail started by an ordinary user.
 * rootless_latch() runs first in main() in every process (the uid it was
 * started with decides); rootless_active() is async-signal-safe.
 * rootless_enter(): a user namespace of the caller's own in which it is
 * in_uid/in_gid, the ids it was started with outside (-1 with errno).
 * rootless_probe(): may this process have one, and mount in it?  -1
 * with a message naming the sysctl that forbids it; rootless_explain()
 * words that from the sysctls below sysdir for a failed step.
 * rootless_port_start(): net.ipv4.ip_unprivileged_port_start.
 */
enum rootless_step {
	ROOTLESS_OK = 0,
	ROOTLESS_USERNS,	/* unshare(CLONE_NEWUSER) */
	ROOTLESS_MAPS,		/* setgroups deny, uid_map, gid_map */
	ROOTLESS_MOUNTNS,	/* unshare(CLONE_NEWNS) in it */
	ROOTLESS_MOUNT		/* a tmpfs in that mount namespace */
};
void	rootless_latch(void);
int	rootless_active(void);
uid_t	rootless_uid(void);
int	rootless_enter(uid_t in_uid, gid_t in_gid);
int	rootless_probe(char *err, size_t errsz);
void	rootless_explain(const char *sysdir, int step, int errnum,
	    char *buf, size_t bufsz);
int	rootless_port_start(void);
/*
 * limits.c, rootless: is our cgroup delegated to our uid (writable)?
 * 1 with the group used in where, 0 with the group that is not, -1 with
 * why there is none (no pids controller).
 */
int	limits_cgroup_delegated(char *where, size_t wheresz);

/*
 * caps.c: empty the capability bounding set and read it back (needs
 * CAP_SETPCAP); the executor's init and the front's drop both use it.
 * 0, or -1 with errno.
 */
int	caps_bound_clear(void);

/*
 * filter_parse.c: policy text -> rules (pure, unit-tested and fuzzed);
 * filter.c: rules -> BPF, and installing it.  The policies are policy/.
 */
#define FILTER_ERR_MAX		(PATH_MAX + 256)
#define FILTER_RULES_MAX	1024
#define FILTER_ARGS_MAX		6
#define FILTER_NAME_MAX		48

enum filter_action {
	FILTER_ACT_ALLOW = 1,
	FILTER_ACT_ERRNO,	/* fr_errno */
	FILTER_ACT_KILL		/* SECCOMP_RET_KILL_PROCESS: SIGSYS */
};

enum filter_op {
	FILTER_OP_EQ = 1,
	FILTER_OP_NE,
	FILTER_OP_LT,
	FILTER_OP_LE,
	FILTER_OP_GT,
	FILTER_OP_GE,
	FILTER_OP_MASKED_EQ	/* (arg & fc_mask) == fc_value */
};

struct filter_cmp {
	unsigned int	 fc_arg;	/* 0..5 */
	enum filter_op	 fc_op;
	uint64_t	 fc_mask;
	uint64_t	 fc_value;
};

struct filter_rule {
	int			 fr_line;
	int			 fr_syscall;	/* native nr (<0: other arch) */
	char			 fr_name[FILTER_NAME_MAX];
	enum filter_action	 fr_action;
	int			 fr_errno;
	struct filter_cmp	 fr_cmp[FILTER_ARGS_MAX];
	unsigned int		 fr_ncmp;
	int			 fr_has_reason;	/* "# why" on the line */
};

struct filter_policy {
	enum filter_action	 fpo_default;
	int			 fpo_default_errno;
	int			 fpo_default_line;	/* 0 = implicit EPERM */
	int			 fpo_exec_self;		/* line of "exec self" */
	struct filter_rule	*fpo_rules;
	size_t			 fpo_nrules;
	size_t			 fpo_cap;
};

/* one policy text and the name its errors carry */
struct filter_src {
	const char	*fs_name;
	const char	*fs_text;
	size_t		 fs_len;
};

/* parse only (pure): 0, or -1 with "fname:line: message" in err */
int	filter_parse(const char *text, size_t len, const char *fname,
	    struct filter_policy *, char *err, size_t errsz);
/* add a further text's rules (it may not set the default); pure */
int	filter_parse_more(const char *text, size_t len, const char *fname,
	    struct filter_policy *, char *err, size_t errsz);
void	filter_policy_free(struct filter_policy *);
/* which floor a script's filter carries: none, the floor, or both */
enum filter_floor {
	FILTER_FLOOR_NONE,
	FILTER_FLOOR,		/* policy/floor.policy */
	FILTER_FLOOR_NONET	/* and policy/floor-nonet.policy */
};
/* a script's policy: the floor merged in where provably the same */
int	filter_compile_script(const char *text, size_t len, const char *fname,
	    enum filter_floor, struct filter_prog *, char *err, size_t errsz);
/* the same with FILTER_FLOOR */
int	filter_compile_text(const char *text, size_t len, const char *fname,
	    struct filter_prog *, char *err, size_t errsz);
int	filter_compile_file(const char *path, enum filter_floor,
	    struct filter_prog *, char *err, size_t errsz);
/* the always-kill layer alone: installed first when not merged */
int	filter_compile_floor(enum filter_floor, struct filter_prog *,
	    char *err, size_t errsz);
/* a role's own policy: nsrc >= 1 texts in order, no floor */
int	filter_compile_own(const struct filter_src *, size_t nsrc,
	    struct filter_prog *, char *err, size_t errsz);
/* what filter_compile_script or _own gives, as libseccomp PFC */
int	filter_export_pfc(const struct filter_src *, size_t nsrc,
	    enum filter_floor, int fd, char *err, size_t errsz);
/* pure (filter_merge.c): pol with the floor's rules fl, or -1 */
int	filter_merge(const struct filter_policy *pol,
	    const struct filter_policy *fl, struct filter_policy *out);
/* async-signal-safe: one prctl; needs no_new_privs or CAP_SYS_ADMIN */
int	filter_install(const struct filter_prog *);
int	filter_install_bpf(const struct sock_filter *, unsigned short len);
/*
 * pure (filter_split.c): a policy with the floor merged in as an outer
 * and an inner filter that give every call its action, or -1
 */
int	filter_split_policy(const struct filter_policy *,
	    struct filter_policy *outer, struct filter_policy *inner);
int	filter_split_call(int nr);
/* async-signal-safe: floor (unless merged into policy), then policy */
int	filter_install_policy(const struct filter_prog *floor,
	    const struct filter_prog *policy);
void	filter_free(struct filter_prog *);

/* policy/ embedded (sandbox/policy_data.S): NUL-terminated, and length */
extern const char	sandbox_default_policy[];	/* scripts */
extern const size_t	sandbox_default_policy_len;
extern const char	sandbox_floor_policy[];		/* under every script */
extern const size_t	sandbox_floor_policy_len;
extern const char	sandbox_floor_nonet_policy[];	/* network off */
extern const size_t	sandbox_floor_nonet_policy_len;
extern const char	sandbox_front_policy[];		/* the front role */
extern const size_t	sandbox_front_policy_len;
extern const char	sandbox_front_sanitizer_policy[]; /* its ASan extras */
extern const size_t	sandbox_front_sanitizer_policy_len;
extern const char	sandbox_auth_policy[];		/* password verifier */
extern const size_t	sandbox_auth_policy_len;
extern const char	sandbox_executor_policy[];	/* the executor role */
extern const size_t	sandbox_executor_policy_len;

#endif
