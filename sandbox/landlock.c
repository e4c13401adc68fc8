/* SPDX-License-Identifier: ISC */
/*
 * landlock.c: a second wall behind the read-only mounts: read everywhere,
 * write only to /tmp, /dev/null, jail-bind-rw targets and a student's
 * userdir-writable directory, execute
 * everywhere or (a policy's "exec self") only the script and what starts
 * it, no TCP, no signal or abstract socket out of the domain.  Required
 * at a minimum ABI unless the configuration turns it off; probed at
 * init, built in the child once its /tmp exists (rules name inodes).
 */
#include <sys/syscall.h>

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "sandbox_priv.h"

/* Debian 12's headers stop at ABI 2; the kernel here speaks 7 */
#define LL_CREATE_VERSION	(1U << 0)
#define LL_RULE_PATH_BENEATH	1
#define LL_FS_EXECUTE		(1ULL << 0)
#define LL_FS_WRITE_FILE	(1ULL << 1)
#define LL_FS_READ_FILE		(1ULL << 2)
#define LL_FS_READ_DIR		(1ULL << 3)
#define LL_FS_ABI1		((1ULL << 13) - 1)	/* through MAKE_SYM */
#define LL_FS_REFER		(1ULL << 13)		/* ABI 2 */
#define LL_FS_TRUNCATE		(1ULL << 14)		/* ABI 3 */
#define LL_FS_IOCTL_DEV		(1ULL << 15)		/* ABI 5 */
#define LL_NET_BIND_TCP		(1ULL << 0)		/* ABI 4 */
#define LL_NET_CONNECT_TCP	(1ULL << 1)
#define LL_SCOPE_ABSTRACT_UNIX	(1ULL << 0)		/* ABI 6 */
#define LL_SCOPE_SIGNAL		(1ULL << 1)
#define LL_FS_READ		(LL_FS_EXECUTE | LL_FS_READ_FILE | \
	LL_FS_READ_DIR)
/* rights that make sense on a single file (the rest need a directory) */
#define LL_FS_FILE		(LL_FS_EXECUTE | LL_FS_WRITE_FILE | \
	LL_FS_READ_FILE | LL_FS_TRUNCATE | LL_FS_IOCTL_DEV)

struct landlock_rs_attr {
	uint64_t	 lra_fs;
	uint64_t	 lra_net;
	uint64_t	 lra_scoped;
};

struct landlock_pb_attr {
	uint64_t	 lpa_allowed;
	int32_t		 lpa_parent_fd;
} __attribute__((packed));

int
landlock_probe(void)
{
	long	 abi;

	abi = syscall(SYS_landlock_create_ruleset, NULL, 0,
	    LL_CREATE_VERSION);
	return abi < 0 ? 0 : (int)abi;
}

static uint64_t
landlock_fs_rights(int abi)
{
	uint64_t	 fs = LL_FS_ABI1;

	if (abi >= 2)
		fs |= LL_FS_REFER;
	if (abi >= 3)
		fs |= LL_FS_TRUNCATE;
	if (abi >= 5)
		fs |= LL_FS_IOCTL_DEV;
	return fs;
}

/* child: allow rights (masked to what the ruleset handles) below path */
static int
landlock_allow(int rfd, const char *path, uint64_t rights, uint64_t handled)
{
	struct landlock_pb_attr	 pb;
	int			 fd, r, save;

	if ((fd = open(path, O_PATH | O_CLOEXEC)) == -1)
		return -1;
	memset(&pb, 0, sizeof(pb));
	pb.lpa_allowed = rights & handled;
	pb.lpa_parent_fd = fd;
	r = (int)syscall(SYS_landlock_add_rule, rfd, LL_RULE_PATH_BENEATH,
	    &pb, 0);
	save = errno;
	(void)close(fd);
	errno = save;
	return r;
}

/* child: one more right on one file, by descriptor */
static int
landlock_allow_fd(int rfd, int fd, uint64_t rights, uint64_t handled)
{
	struct landlock_pb_attr	 pb;

	memset(&pb, 0, sizeof(pb));
	pb.lpa_allowed = rights & handled;
	pb.lpa_parent_fd = fd;
	return (int)syscall(SYS_landlock_add_rule, rfd, LL_RULE_PATH_BENEATH,
	    &pb, 0);
}

/*
 * child: read everywhere; write in /tmp, /dev/null, the rw binds and a
 * student's writable directory; execute everywhere, or (exec self) only
 * the validated file and the interpreters that start it.
 */
static int
landlock_rules(const struct sandbox *sb, int rfd, uint64_t fs,
    const struct sandbox_spawn *ss, int exec_self, int execfd)
{
	const struct config	*cfg = sb->sb_cfg;
	uint64_t		 x = exec_self ? ~LL_FS_EXECUTE : ~0ULL;
	size_t			 i;

	if (landlock_allow(rfd, "/", LL_FS_READ & x, fs) == -1 ||
	    landlock_allow(rfd, "/tmp", fs & x, fs) == -1 ||
	    landlock_allow(rfd, "/dev/null", LL_FS_FILE & x, fs) == -1)
		return -1;
	for (i = 0; i < cfg->cf_nbind; i++)
		if (cfg->cf_bind[i].cb_rw && landlock_allow(rfd,
		    cfg->cf_bind[i].cb_dst, fs & x, fs) == -1 &&
		    (errno != EINVAL || landlock_allow(rfd,
		    cfg->cf_bind[i].cb_dst, LL_FS_FILE & x, fs) == -1))
			return -1;
	if (ss->ss_user != NULL && ss->ss_rw != -1 && landlock_allow(rfd,
	    ss->ss_rw_path, fs & x, fs) == -1)
		return -1;
	/*
	 * A student's program is exec'd by its descriptor, which names the
	 * executor's detached copy of the tree, beneath no rule: its own
	 * (an exec opens the file for reading too).
	 */
	if (ss->ss_user != NULL && ss->ss_execat && landlock_allow_fd(rfd,
	    execfd, LL_FS_EXECUTE | LL_FS_READ_FILE, fs) == -1)
		return -1;
	if (!exec_self)
		return 0;
	if (landlock_allow_fd(rfd, execfd, LL_FS_EXECUTE,
	    fs) == -1)
		return -1;
	for (i = 0; i < SBX_EXEC_ALSO_MAX && ss->ss_exec_also[i] != NULL;
	    i++)
		if (landlock_allow(rfd, ss->ss_exec_also[i], LL_FS_EXECUTE,
		    fs) == -1)
			return -1;
	return 0;
}

/* child: after the identity and no_new_privs, before seccomp */
int
landlock_restrict(const struct sandbox *sb, const struct sandbox_spawn *ss,
    int exec_self, int execfd)
{
	struct landlock_rs_attr	 attr;
	size_t			 size;
	int			 abi = sb->sb_landlock_abi, rfd, r, save;

	/* off only where the configuration says so (and no exec self) */
	if (!sb->sb_cfg->cf_landlock && !exec_self)
		return 0;
	/* sandbox_init() refused to start below the minimum ABI */
	if (!sb->sb_cfg->cf_landlock || abi <= 0) {
		errno = ENOSYS;
		return -1;
	}
	memset(&attr, 0, sizeof(attr));
	attr.lra_fs = landlock_fs_rights(abi);
	size = sizeof(attr.lra_fs);
	if (abi >= 4) {
		if (!sb->sb_cfg->cf_script_network)
			attr.lra_net = LL_NET_BIND_TCP | LL_NET_CONNECT_TCP;
		size = offsetof(struct landlock_rs_attr, lra_scoped);
	}
	if (abi >= 6) {
		attr.lra_scoped = LL_SCOPE_SIGNAL;
		if (!sb->sb_cfg->cf_script_network)
			attr.lra_scoped |= LL_SCOPE_ABSTRACT_UNIX;
		size = sizeof(attr);
	}
	if ((rfd = (int)syscall(SYS_landlock_create_ruleset, &attr, size,
	    0)) == -1)
		return -1;
	r = landlock_rules(sb, rfd, attr.lra_fs, ss, exec_self, execfd);
	if (r == 0)
		r = (int)syscall(SYS_landlock_restrict_self, rfd, 0);
	save = errno;
	(void)close(rfd);
	errno = save;
	return r;
}
