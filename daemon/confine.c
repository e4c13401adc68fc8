/* SPDX-License-Identifier: ISC */
/*
 * confine.c: each role's own confinement, one ordered list of checked
 * steps per role, run once at its start.  The front: the document root as
 * its whole file system (confine_fs.c), its own user, no capabilities,
 * landlock, policy/front.policy.  The executor (after
 * sandbox_init()): the few capabilities a spawn needs and
 * policy/executor.policy.  Any failure is fatal.  Trusts the configuration.
 * Rootless, the front first enters a user namespace of its own.
 */
#include <sys/capability.h>
#include <sys/mount.h>
#include <sys/prctl.h>

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "confine.h"
#include "log.h"
#include "sandbox.h"
#include "userdir.h"

/* the front's uid/gid when neither `user` nor _cgijail exists */
#define CONFINE_FRONT_FALLBACK_ID	64990

/* the sanitizer runtime's own calls are allowed in its builds only */
#ifdef __SANITIZE_ADDRESS__
#define CONFINE_FRONT_NPOLICY	2
#else
#define CONFINE_FRONT_NPOLICY	1
#endif

/*
 * The front's identity: `user` from the config (name), else the
 * dedicated _cgijail account, else a reserved numeric id.  Never root,
 * never the scripts' uid.
 */
static int
confine_front_identity(const char *user, uid_t script_uid, uid_t *uid,
    gid_t *gid, char *err, size_t errsz)
{
	struct passwd	*pw;

	if (user[0] != '\0') {
		if ((pw = getpwnam(user)) == NULL) {
			snprintf(err, errsz, "user %s: no such user", user);
			return -1;
		}
	} else
		pw = getpwnam("_cgijail");
	if (pw != NULL) {
		*uid = pw->pw_uid;
		*gid = pw->pw_gid;
	} else {
		*uid = CONFINE_FRONT_FALLBACK_ID;
		*gid = CONFINE_FRONT_FALLBACK_ID;
	}
	if (*uid == 0 || *gid == 0) {
		snprintf(err, errsz, "the front must not run as root");
		return -1;
	}
	if (*uid == script_uid) {
		snprintf(err, errsz, "the front must not share the scripts' "
		    "uid %u", (unsigned)script_uid);
		return -1;
	}
	return 0;
}

/*
 * Rootless, the front is uid in a user namespace of its own, where the
 * kernel denies setgroups: the groups cgijail was started with stay
 * (unmapped: nogroup inside), and that it is denied is checked.
 */
static int
confine_drop_identity(uid_t uid, gid_t gid)
{
	uid_t	ru, eu, su;
	gid_t	rg, eg, sg;
	int	rootless = rootless_active();

	if (uid == 0 || gid == 0) {
		errno = EPERM;
		return -1;
	}
	if (rootless && (setgroups(0, NULL) != -1 || errno != EPERM)) {
		errno = ENOTRECOVERABLE;
		return -1;
	}
	if ((!rootless && setgroups(0, NULL) == -1) ||
	    setresgid(gid, gid, gid) == -1 ||
	    setresuid(uid, uid, uid) == -1)
		return -1;
	if (getresuid(&ru, &eu, &su) == -1 || getresgid(&rg, &eg, &sg) == -1)
		return -1;
	if (ru != uid || eu != uid || su != uid ||
	    rg != gid || eg != gid || sg != gid) {
		errno = EPERM;
		return -1;
	}
	if ((!rootless && getgroups(0, NULL) != 0) || setuid(0) != -1) {
		errno = EPERM;
		return -1;
	}
	return 0;
}

/* ambient, inheritable, permitted, effective: all empty */
static int
confine_clear_caps(void)
{
	cap_t	caps;

	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) == -1)
		return -1;
	if ((caps = cap_init()) == NULL)
		return -1;
	if (cap_set_proc(caps) == -1) {
		cap_free(caps);
		return -1;
	}
	cap_free(caps);
	return 0;
}

/* every capability set must be empty: checked, not assumed */
static int
confine_verify_no_caps(void)
{
	cap_t	caps, empty;
	int	diff;

	if ((caps = cap_get_proc()) == NULL)
		return -1;
	if ((empty = cap_init()) == NULL) {
		cap_free(caps);
		return -1;
	}
	diff = cap_compare(caps, empty);
	cap_free(caps);
	cap_free(empty);
	if (diff != 0 || prctl(PR_CAPBSET_READ, CAP_SYS_ADMIN, 0, 0, 0) != 0)
		return -1;
	return 0;
}

/* a role's own policy: compiled, installed (one prctl), freed */
static int
confine_filter(const struct filter_src *src, size_t nsrc, char *err,
    size_t errsz)
{
	struct filter_prog	 fp;
	int			 r;

	if (filter_compile_own(src, nsrc, &fp, err, errsz) == -1)
		return -1;
	if ((r = filter_install(&fp)) == -1)
		snprintf(err, errsz, "%s: %s", fp.fp_name, strerror(errno));
	filter_free(&fp);
	return r;
}

/*
 * userdir: each student's tree as a descriptor of a detached read-only
 * mount (nosuid, nodev, noexec): the front reaches them by descriptor,
 * never by a path, so its root stays the document root.  One that cannot
 * be opened now is -1 (a 404, as for anyone not served), and said.
 */
static void
confine_front_trees(const struct config *cfg, struct confine_ident *id)
{
	const struct userdir_table	*ut = cfg->cf_userdir_table;
	const char			*why;
	size_t				 i;

	id->ci_trees = NULL;
	id->ci_ntrees = 0;
	if (ut == NULL || ut->ut_n == 0)
		return;
	if ((id->ci_trees = calloc(ut->ut_n, sizeof(int))) == NULL)
		fatal("userdir trees");
	for (i = 0; i < ut->ut_n; i++) {
		id->ci_trees[i] = userdir_tree_open("", &ut->ut_acct[i],
		    cfg->cf_userdir, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV |
		    MOUNT_ATTR_NOEXEC, &why);
		if (id->ci_trees[i] == -1)
			log_warnx("userdir: %s: %s: %s: not served",
			    ut->ut_acct[i].ua_name, ut->ut_acct[i].ua_path,
			    why);
	}
	id->ci_ntrees = ut->ut_n;
}

/*
 * The front, as root, first: its identity from the host's passwd database
 * (NSS must not be loaded from the document root), the students' trees,
 * then the document root as its whole file system.  Nothing of the host
 * is opened after this.  Rootless (never with userdir), "root" is that of
 * a user namespace of the front's own, in which it already is its uid: the
 * one host uid there is, mapped alone.
 */
void
confine_front_root(const struct config *cfg, struct confine_ident *id)
{
	struct passwd		*pw;
	uid_t			 script_uid = 65534;
	char			 err[FILTER_ERR_MAX];

	if ((pw = getpwnam(cfg->cf_script_user)) != NULL)
		script_uid = pw->pw_uid;
	if (confine_front_identity(cfg->cf_user, script_uid, &id->ci_uid,
	    &id->ci_gid, err, sizeof(err)) == -1)
		fatalx("%s", err);
	confine_front_trees(cfg, id);
	if (rootless_active() && (rootless_enter(id->ci_uid, id->ci_gid) ==
	    -1 || prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) == -1))
		fatal("rootless: the front's user namespace");
	if (confine_fs_root(cfg->cf_root, err, sizeof(err)) == -1)
		fatalx("front root: %s", err);
}

/* the front's drop, in order; each step checked, none optional */
void
confine_front(const struct config *cfg, const struct confine_ident *id)
{
	struct filter_src	 pol[] = {
		{ "policy/front.policy (built in)", sandbox_front_policy,
		    sandbox_front_policy_len },
		{ "policy/front-sanitizer.policy (built in)",
		    sandbox_front_sanitizer_policy,
		    sandbox_front_sanitizer_policy_len },
	};
	char			 err[FILTER_ERR_MAX];
	int			 abi;

	if (caps_bound_clear() == -1)
		fatal("capability bounding set");
	if (confine_drop_identity(id->ci_uid, id->ci_gid) == -1)
		fatal("drop to uid %u", (unsigned)id->ci_uid);
	if (confine_clear_caps() == -1 || confine_verify_no_caps() == -1)
		fatal("capabilities");
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1)
		fatal("no_new_privs");
	if (!cfg->cf_landlock)
		abi = 0;	/* the configuration said so; warned at start */
	else if ((abi = confine_fs_landlock(id->ci_trees, id->ci_ntrees, err,
	    sizeof(err))) == -1)
		fatalx("front %s", err);
	/* a kernel below the minimum is a start that does not happen */
	if (cfg->cf_landlock && abi < cfg->cf_landlock_min_abi)
		fatalx("front: landlock ABI %d is below the minimum %d "
		    "(landlock-min-abi; `landlock off` runs without)", abi,
		    cfg->cf_landlock_min_abi);
	if (confine_filter(pol, CONFINE_FRONT_NPOLICY, err, sizeof(err)) == -1)
		fatalx("seccomp: %s", err);
	log_debug("front running as uid %u, its root the document root "
	    "(read-only), landlock ABI %d, seccomp on", (unsigned)id->ci_uid,
	    abi);
}

/*
 * The password verifier (auth_verify.c), forked by the front as root
 * before the front's own drop: the front's identity, no capability, no
 * new privileges, killed with the front, and policy/auth.policy, which
 * allows no call that names a file or makes a socket.  It cannot log (it
 * holds no channel): a failed step is its exit, which the front sees.
 */
void
confine_auth(const struct confine_ident *id)
{
	struct filter_src	 pol[] = {
		{ "policy/auth.policy (built in)", sandbox_auth_policy,
		    sandbox_auth_policy_len },
		{ "policy/front-sanitizer.policy (built in)",
		    sandbox_front_sanitizer_policy,
		    sandbox_front_sanitizer_policy_len },
	};
	char			 err[FILTER_ERR_MAX];

	if (caps_bound_clear() == -1 ||
	    confine_drop_identity(id->ci_uid, id->ci_gid) == -1 ||
	    confine_clear_caps() == -1 || confine_verify_no_caps() == -1 ||
	    prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1 ||
	    prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) == -1)
		_exit(4);
	/* the front may have gone before the death signal was armed */
	if (getppid() == 1)
		_exit(0);
	if (confine_filter(pol, CONFINE_FRONT_NPOLICY, err, sizeof(err)) == -1)
		_exit(5);
}

/*
 * What a spawn needs, and nothing else (sandbox/: the jail is built in
 * sandbox_init(), before this).  The child drops all of these itself
 * before execve; here they bound what a compromised executor holds.
 * Not kept: CAP_FOWNER (no chmod of others' files), CAP_SYS_RESOURCE
 * (limits are only ever lowered).
 */
static const cap_value_t confine_exec_keep[] = {
	CAP_SYS_ADMIN,		/* clone namespaces, mount /proc and /tmp */
	CAP_SYS_CHROOT,		/* a spawner enters a script child's mount
				 * namespace to make its copy (setns) */
	CAP_SETUID,		/* become the script user */
	CAP_SETGID,		/* its group, no supplementary groups */
	CAP_SETPCAP,		/* the child empties its bounding set */
	CAP_KILL,		/* kill scripts that run as another uid */
	CAP_DAC_READ_SEARCH,	/* validate scripts in 0700 trees */
	CAP_DAC_OVERRIDE,	/* rmdir our cgroups: v1 roots are 0555 */
};
#define CONFINE_EXEC_NKEEP	\
	(sizeof(confine_exec_keep) / sizeof(confine_exec_keep[0]))

/* permitted and effective: the kept ones it has; ambient: none */
static int
confine_exec_caps(void)
{
	cap_flag_value_t	 v;
	cap_t			 cur, want = NULL;
	cap_value_t		 c;
	size_t			 i;
	int			 r = -1;

	if ((cur = cap_get_proc()) == NULL || (want = cap_init()) == NULL)
		goto out;
	for (i = 0; i < CONFINE_EXEC_NKEEP; i++) {
		c = confine_exec_keep[i];
		if (cap_get_flag(cur, c, CAP_PERMITTED, &v) == -1 ||
		    v != CAP_SET)
			log_warnx("capability %s not available",
			    cap_to_name(c));
		else if (cap_set_flag(want, CAP_PERMITTED, 1, &c,
		    CAP_SET) == -1 || cap_set_flag(want, CAP_EFFECTIVE, 1, &c,
		    CAP_SET) == -1)
			goto out;
	}
	if (cap_reset_ambient() == -1 || cap_set_proc(want) == -1)
		goto out;
	r = 0;
out:
	cap_free(cur);
	cap_free(want);
	return r;
}

/* the executor's reduction, in order, once sandbox_init() is done */
void
confine_executor(void)
{
	struct filter_src	 pol = { "policy/executor.policy (built in)",
	    sandbox_executor_policy, sandbox_executor_policy_len };
	char			 err[FILTER_ERR_MAX];

	if (caps_bound_clear() == -1)
		fatal("capability bounding set");
	if (confine_exec_caps() == -1)
		fatal("capabilities");
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1)
		fatal("PR_SET_NO_NEW_PRIVS");
	if (confine_filter(&pol, 1, err, sizeof(err)) == -1)
		fatalx("seccomp: %s", err);
}
