/* SPDX-License-Identifier: ISC */
/*
 * confine_fs.c: the front's file system view.  As root, before its drop:
 * a mount namespace of its own whose root is the document root, read-only,
 * nosuid, nodev, noexec, with the host's tree detached; then landlock:
 * read-only beneath that root, no TCP, signals and abstract sockets kept
 * in the domain; the students' trees (userdir_tree.c) get the same
 * read-only rule, by descriptor.  Front role only; trusts the
 * configuration.
 */
#include <sys/mount.h>
#include <sys/syscall.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "confine.h"

/* the kernel's landlock ABI, whatever the headers of the build know */
#define CONFINE_LL_VERSION	(1U << 0)
#define CONFINE_LL_PATH_BENEATH	1
#define CONFINE_LL_READ_FILE	(1ULL << 2)
#define CONFINE_LL_READ_DIR	(1ULL << 3)
#define CONFINE_LL_FS_ABI1	((1ULL << 13) - 1)	/* through MAKE_SYM */
#define CONFINE_LL_FS_REFER	(1ULL << 13)		/* ABI 2 */
#define CONFINE_LL_FS_TRUNCATE	(1ULL << 14)		/* ABI 3 */
#define CONFINE_LL_FS_IOCTL_DEV	(1ULL << 15)		/* ABI 5 */
#define CONFINE_LL_NET_BIND	(1ULL << 0)		/* ABI 4 */
#define CONFINE_LL_NET_CONNECT	(1ULL << 1)
#define CONFINE_LL_SCOPE_UNIX	(1ULL << 0)		/* ABI 6 */
#define CONFINE_LL_SCOPE_SIGNAL	(1ULL << 1)

/* the document root's mount flags in the front's namespace */
#define CONFINE_FS_ATTR		(MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | \
	MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC)
#define CONFINE_FS_MS		(MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC)

struct confine_ll_ruleset {
	uint64_t	 clr_fs;
	uint64_t	 clr_net;
	uint64_t	 clr_scoped;
};

struct confine_ll_beneath {
	uint64_t	 clb_allowed;
	int32_t		 clb_parent_fd;
} __attribute__((packed));

static int
confine_fs_fail(char *err, size_t errsz, const char *what, const char *path)
{
	snprintf(err, errsz, "%s %s: %s", what, path, strerror(errno));
	return -1;
}

/*
 * The document root bound onto itself with everything mounted beneath it,
 * then read-only, nosuid, nodev, noexec all the way down.  A kernel
 * without mount_setattr() (before 5.12) gets the top mount only: what is
 * mounted beneath the document root is then not seen at all.
 */
static int
confine_fs_bind_ro(const char *root, char *err, size_t errsz)
{
	struct mount_attr	ma;

	if (mount(root, root, NULL, MS_BIND | MS_REC, NULL) == -1)
		return confine_fs_fail(err, errsz, "bind", root);
	memset(&ma, 0, sizeof(ma));
	ma.attr_set = CONFINE_FS_ATTR;
	if (syscall(SYS_mount_setattr, AT_FDCWD, root, AT_RECURSIVE, &ma,
	    sizeof(ma)) == 0)
		return 0;
	if (errno != ENOSYS)
		return confine_fs_fail(err, errsz, "read-only", root);
	if (umount2(root, MNT_DETACH) == -1 ||
	    mount(root, root, NULL, MS_BIND, NULL) == -1 ||
	    mount(NULL, root, NULL, MS_REMOUNT | MS_BIND | CONFINE_FS_MS,
	    NULL) == -1)
		return confine_fs_fail(err, errsz, "read-only", root);
	return 0;
}

/*
 * As root, before any descriptor of the document root is opened: after
 * this "/" is the document root and no path names anything else.  Files
 * the front needs from the host (mime.types, the passwd database) must
 * be read before.
 */
int
confine_fs_root(const char *docroot, char *err, size_t errsz)
{
	char	root[PATH_MAX];

	if (realpath(docroot, root) == NULL)
		return confine_fs_fail(err, errsz, "document root", docroot);
	if (strcmp(root, "/") == 0) {
		snprintf(err, errsz, "document root /: the front's root "
		    "would be the host's own");
		return -1;
	}
	if (unshare(CLONE_NEWNS) == -1)
		return confine_fs_fail(err, errsz, "unshare", "mount namespace");
	/* nothing done here may propagate back to the host */
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == -1)
		return confine_fs_fail(err, errsz, "make private", "/");
	if (confine_fs_bind_ro(root, err, errsz) == -1)
		return -1;
	/* pivot_root(".", ".") stacks the old root on top: detach it */
	if (chdir(root) == -1 || syscall(SYS_pivot_root, ".", ".") == -1 ||
	    umount2(".", MNT_DETACH) == -1 || chdir("/") == -1)
		return confine_fs_fail(err, errsz, "pivot_root", root);
	return 0;
}

/* every file system right this ABI knows: all handled, so all denied */
static uint64_t
confine_fs_ll_handled(int abi)
{
	uint64_t	fs = CONFINE_LL_FS_ABI1;

	if (abi >= 2)
		fs |= CONFINE_LL_FS_REFER;
	if (abi >= 3)
		fs |= CONFINE_LL_FS_TRUNCATE;
	if (abi >= 5)
		fs |= CONFINE_LL_FS_IOCTL_DEV;
	return fs;
}

/* read files and list directories beneath fd */
static int
confine_fs_ll_read(int rfd, int fd)
{
	struct confine_ll_beneath	pb;

	memset(&pb, 0, sizeof(pb));
	pb.clb_allowed = CONFINE_LL_READ_FILE | CONFINE_LL_READ_DIR;
	pb.clb_parent_fd = fd;
	return (int)syscall(SYS_landlock_add_rule, rfd,
	    CONFINE_LL_PATH_BENEATH, &pb, 0);
}

/* the ruleset: "/" and the students' trees, read-only, no more */
static int
confine_fs_ll_rules(int rfd, const int *trees, size_t ntrees, char *err,
    size_t errsz)
{
	size_t	i;
	int	fd, r;

	if ((fd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC)) == -1)
		return confine_fs_fail(err, errsz, "open", "/");
	r = confine_fs_ll_read(rfd, fd);
	if (r == -1)
		(void)confine_fs_fail(err, errsz, "landlock rule", "/");
	(void)close(fd);
	for (i = 0; r == 0 && i < ntrees; i++)
		if (trees[i] != -1 && (r = confine_fs_ll_read(rfd,
		    trees[i])) == -1)
			(void)confine_fs_fail(err, errsz, "landlock rule",
			    "a student's tree");
	return r;
}

/*
 * Needs no_new_privs.  Returns the ABI applied (0: the kernel offers no
 * landlock), or -1 with err when a call the ABI supports failed.
 */
int
confine_fs_landlock(const int *trees, size_t ntrees, char *err, size_t errsz)
{
	struct confine_ll_ruleset	attr;
	size_t				size;
	int				abi, rfd, r;

	abi = (int)syscall(SYS_landlock_create_ruleset, NULL, 0,
	    CONFINE_LL_VERSION);
	if (abi <= 0)
		return 0;
	memset(&attr, 0, sizeof(attr));
	attr.clr_fs = confine_fs_ll_handled(abi);
	size = sizeof(attr.clr_fs);
	if (abi >= 4) {
		/* the front only accepts on sockets it inherited */
		attr.clr_net = CONFINE_LL_NET_BIND | CONFINE_LL_NET_CONNECT;
		size = offsetof(struct confine_ll_ruleset, clr_scoped);
	}
	if (abi >= 6) {
		attr.clr_scoped = CONFINE_LL_SCOPE_UNIX |
		    CONFINE_LL_SCOPE_SIGNAL;
		size = sizeof(attr);
	}
	if ((rfd = (int)syscall(SYS_landlock_create_ruleset, &attr, size,
	    0)) == -1)
		return confine_fs_fail(err, errsz, "landlock", "ruleset");
	r = confine_fs_ll_rules(rfd, trees, ntrees, err, errsz);
	if (r == 0 && (r = (int)syscall(SYS_landlock_restrict_self, rfd,
	    0)) == -1)
		(void)confine_fs_fail(err, errsz, "landlock", "restrict_self");
	(void)close(rfd);
	return r == -1 ? -1 : abi;
}
