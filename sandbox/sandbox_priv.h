/* SPDX-License-Identifier: ISC */
/*
 * sandbox_priv.h: the interfaces between the sandbox/ files, one kernel
 * facility each.  Functions marked "child" run between clone and
 * execve, in the executor's memory while it waits (spawn.c): raw
 * syscalls only, no allocation, no stdio, no lock; they return 0 or -1
 * with errno set.
 */
#ifndef CGIJAIL_SANDBOX_PRIV_H
#define CGIJAIL_SANDBOX_PRIV_H

#include <sched.h>
#include <stdint.h>
#include <stdio.h>

#include "config.h"
#include "sandbox.h"

/* per request; the network namespace is the shared one from init */
#define NS_CLONE_FLAGS	(CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWIPC | \
	CLONE_NEWUTS)

/* spawn.c: what a child is, for prep.c's prepared children too */
/* the child's own descriptors, after its stdio, before anything opens */
#define SPAWN_FD_STATUS		3	/* the failure record's pipe */
#define SPAWN_FD_EXEC		4	/* the validated file */
#define SPAWN_FD_USERNS		5	/* the slot's user namespace */
#define SPAWN_FD_TREE		6	/* userdir: the student's tree */
/* a child prepared for a script (never a student's): its spawner */
#define SPAWN_FD_COPY		6
#define SPAWN_FD_RW		7	/* userdir: its writable directory */
#define SPAWN_FD_FIRST_FREE	8

/*
 * The executor's own long-lived descriptors (a user namespace and four
 * cgroup files per slot, a student's tree) are moved up to 1024 (half
 * the descriptor limit if that is below 2048), so that a child sharing
 * its table copies only the ones below: the request's.
 */
#define SPAWN_FD_ASIDE		1024

/* the child's own stack, below it a page that faults on overflow */
#define SPAWN_STACK_SIZE	(256 * 1024)

/* what the child is given: it runs on its own stack, in our memory */
struct spawn_arg {
	const struct sandbox		*sa_sb;
	const struct sandbox_spawn	*sa_ss;
	const int			*sa_cgfds;
	int				 sa_statusfd;
	int				 sa_userns;	/* the slot's, or -1 */
	int				 sa_shared;	/* CLONE_FILES */
	int				 sa_copyfd;	/* prep.c's, or -1 */
	/* its spawner's outer filter is on: it installs the inner one */
	int				 sa_inner;
};

/* what a failing step writes on the status pipe */
struct spawn_record {
	int32_t		 sr_step;
	int32_t		 sr_errno;
};

/*
 * The functions that end the child (by _exit or by exec) are left out of
 * ASan: before a call that does not return it would clear the stack it
 * knows, the executor's, and warn on the script's stderr that the child's
 * is another.  What they call is still checked.
 */
#define SPAWN_NO_ASAN	__attribute__((no_sanitize_address))


#define SPAWN_STEP(fd, step, call) do {					\
	if ((call) == -1)						\
		spawn_die((fd), (step));				\
} while (0)

void	spawn_die(int statusfd, enum sandbox_step)
	    __attribute__((noreturn));				/* child */
int	spawn_fds(const struct sandbox_spawn *, const struct spawn_arg *);
							/* child */
int	spawn_seccomp(const struct sandbox *, size_t policy, int inner);
							/* child */
void	spawn_child(const struct sandbox *, const struct sandbox_spawn *,
	    const struct spawn_arg *) __attribute__((noreturn));	/* child */
void	spawn_layers_jail(const struct sandbox *,
	    const struct sandbox_spawn *, const struct spawn_arg *);
void	spawn_layers_user(const struct sandbox *,
	    const struct sandbox_spawn *);			/* child */
/* userns -1: a dup of the slot's (or the student's own) */
int	spawn_arg_init(struct spawn_arg *, const struct sandbox *,
	    const struct sandbox_spawn *, const int *cgfds, int statusfd,
	    int userns);
int	spawn_check(const struct sandbox *, const struct sandbox_spawn *);

/* prep.c: children prepared ahead (the executor's side) */
int	prep_take(struct sandbox *, const struct sandbox_spawn *,
	    struct sandbox_child *, struct sandbox_failure *);
/* a student's child, made by a spawner now: 0, 1 failed, -1 not here */
int	prep_student(struct sandbox *, const struct sandbox_spawn *,
	    struct sandbox_child *, struct sandbox_failure *);

/* ns.c */
int	ns_net_isolate(const struct config *, char *, size_t);
void	ns_signals_block(uint64_t *old);
void	ns_signals_restore(const uint64_t *old);
uint64_t ns_signals_changed(void);
int	ns_child_enter(uint64_t changed);		/* child */
int	ns_probe(int flag);

/* jail.c */
int	jail_build(struct sandbox *, const struct config *, char *, size_t);
int	jail_child_mounts(const struct sandbox *,
	    const struct sandbox_spawn *, int userns);	/* child */
int	jail_under_tmp(const char *path);
int	jail_path(char *, size_t, const char *prefix, const char *path);
int	jail_mkpath(const char *path, mode_t kind);	/* at init */
int	jail_child_mkpath(const char *path, int isdir);	/* child */
int	jail_child_clone(const char *path);		/* child */
int	jail_child_attach(int tree, const char *path);	/* child */

/* jail_script.c: an interpreted script's frozen copy at its own path */
int	jail_child_script(const struct sandbox *, const char *root,
	    const char *path, int fd);			/* child */

/* jail_user.c: userdir, the students' trees and identities */
int	jail_user_init(struct sandbox *, const struct config *, char *,
	    size_t);
int	jail_user_build(struct sandbox *, const struct config *, char *,
	    size_t);
void	jail_user_fini(struct sandbox *);
int	jail_user_child_tree(const struct sandbox *,
	    const struct sandbox_spawn *, int tree);	/* child */
int	jail_user_child_rw(const struct sandbox_spawn *, int rw); /* child */
int	jail_probe_idmap(const struct sandbox *, const struct config *,
	    char *, size_t);
int	jail_probe_pivot(void);

/* limits.c */
#define LIMITS_CG_FDS	3	/* cgroup.procs fds a child writes "0" to */
struct limits_cg_probe {
	int	lcp_version;		/* 0, 1, 2 */
	int	lcp_pids;
	int	lcp_memory;
	int	lcp_cpu;
};
/* v2: where the daemon's own processes go, so its group can delegate */
#define LIMITS_CG_LEAF	"cgijail.daemon"
void	limits_cgroup_probe(struct limits_cg_probe *);
int	limits_v2_leaf(int gfd);
int	limits_cgroup_try(const struct config *, char *, size_t);
int	limits_cgroup_init(struct sandbox *, char *, size_t);
void	limits_cgroup_fini(struct sandbox *);
ssize_t	limits_read_at(int dfd, const char *path, char *buf, size_t bufsz);
int	limits_write_at(int dfd, const char *path, const char *val);
uint64_t limits_key_value(const char *buf, const char *key);
/* limits_slot.c: one group per slot, made at start */
int	limits_slots_init(struct sandbox *, size_t nslots, char *, size_t);
void	limits_slots_fini(struct sandbox *);
int	limits_cgroup_create(struct sandbox *, const struct config_limits *,
	    struct sandbox_child *, size_t slot, int procfds[LIMITS_CG_FDS]);
int	limits_cgroup_join(const int procfds[LIMITS_CG_FDS]);	/* child */
void	limits_slots_fds(struct sandbox *, void (*)(int *));
uint32_t limits_cgroup_release(struct sandbox *, struct sandbox_child *);
int	limits_rlimit_init(struct sandbox *, const struct config_limits *,
	    char *, size_t);
int	limits_rlimit_set(struct sandbox_rlimits *,
	    const struct config_limits *, uint64_t nproc, char *, size_t);
int	limits_rlimit_apply(const struct sandbox_rlimits *);	/* child */

/* userns.c */
int	userns_init(struct sandbox *, const struct config *, size_t nslots,
	    char *, size_t);
/* a namespace mapping uid and gid to themselves (a student's): *fd */
int	userns_identity(uid_t, gid_t, int *fd);
void	userns_fini(struct sandbox *);
int	userns_enter(int fd);				/* child */

/* caps.c */
int	caps_init(struct sandbox *, const struct config *, char *, size_t);
int	caps_bound_drop(int cap_last);			/* child */
int	caps_lock(int cap_last);			/* child */
int	caps_set_identity(uid_t, gid_t);		/* child */
int	caps_clear_all(void);				/* child */
int	caps_no_new_privs(void);			/* child */

/* filter_parse.c, filter.c */
#define FILTER_PERS_QUERY	0xffffffffULL	/* personality(): read only */
#define FILTER_CLONE_NEW	(CLONE_NEWNS | CLONE_NEWCGROUP | \
	CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWUSER | CLONE_NEWPID | \
	CLONE_NEWNET)
/* "fname:line: message" into err; returns -1 */
int	filter_err(char *err, size_t errsz, const char *fname, int line,
	    const char *fmt, ...) __attribute__((format(printf, 5, 6)));
int	filter_push(struct filter_policy *, const struct filter_rule *);
/* filter_merge.c, for filter_split.c too: the rules of one syscall */
struct merge_set {
	const struct filter_rule	*ms_rule[FILTER_RULES_MAX];
	size_t				 ms_n;
	const struct filter_rule	*ms_uncond;	/* alone if set */
};
void	merge_collect(const struct filter_policy *, int nr,
	    struct merge_set *);
int	filter_cmp_is_bit(const struct filter_cmp *);

/* rootless.c: what the jail does differently in a user namespace */
unsigned long	rootless_locked_flags(const char *path);
int	rootless_proc_under(const char *hostproc, const char *target);

/*
 * check.c: one line of --check; whether a task's /proc stat line says it
 * has ended or is ending (1), may run on (0), or is no stat line (-1);
 * check_rootless.c: its rootless lines
 */
int	check_stat_going(const char *stat);
void	check_line(FILE *, const char *layer, const char *state,
	    const char *note);
int	check_rootless_mode(FILE *);
int	check_rootless_cgroups(FILE *, const struct config *);
void	check_rootless_terms(FILE *);

/* landlock.c */
int	landlock_probe(void);
int	landlock_restrict(const struct sandbox *,
	    const struct sandbox_spawn *, int exec_self, int execfd); /* child */

#endif
