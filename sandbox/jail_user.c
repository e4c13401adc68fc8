/* SPDX-License-Identifier: ISC */
/*
 * jail_user.c: userdir in the jail.  At init (executor, root): each
 * student's identity (a user namespace that maps its uid and group to
 * themselves), its limits as rlimits, and its tree: HOME/DIR taken from
 * the host while the jail is built, as a detached read-only mount of the
 * jail's mount namespace, which the executor clones for each request;
 * and the top directories of the jail those trees hang below.  Per
 * request the child drops the document root, puts the student's tree at
 * its own path (nothing of another home is there), and its writable
 * directory over its own.  Trusts the configuration's table (the
 * parent's, checked again on receipt).
 */
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sandbox_priv.h"
#include "userdir.h"

#define JAIL_USER_OLD		"/oldroot"	/* jail.c's, while building */
/* the tmpfs a tree's path is made on, read-only once it is */
#define JAIL_USER_TOP_OPTS	"size=64k,nr_inodes=256,mode=0755"
#define JAIL_USER_TOP_FLAGS	(MS_NOSUID | MS_NODEV | MS_NOEXEC)
/* the one a student's passwd and group are written on: a page each */
#define JAIL_USER_ETC_OPTS	"size=8k,nr_inodes=4,mode=0755"

/*
 * The jail's passwd and group for a student's script: root and the
 * script user, as every script's jail has them, and the student, so that
 * id -un, whoami and getpwuid() name them; no classmate.  Home as passwd
 * gives it (HOME/DIR less DIR), no shell.  The group is named as the
 * host names it (here, as caps_init() names the script user's); one
 * without a name it could hold is left out, as on a host without it.
 */
static int
jail_user_etc(const struct sandbox *sb, const struct config *cfg,
    const struct userdir_account *a, struct sandbox_user *su)
{
	const struct group	*gr;
	const char		*hp = a->ua_path;
	char			 pw[USERDIR_PATH_MAX + 256], gb[256];
	size_t			 plen = strlen(a->ua_path);
	size_t			 dlen = strlen(cfg->cf_userdir);
	int			 home, n, m;

	/* HOME/DIR as the table has it; "/DIR" is a home of "/"; a home
	 * with a ':' (which a passwd file cannot hold) is none */
	home = plen > dlen + 1 ? (int)(plen - dlen - 1) : 1;
	if (memchr(a->ua_path, ':', (size_t)home) != NULL) {
		hp = "/nonexistent";
		home = (int)strlen(hp);
	}
	n = snprintf(pw, sizeof(pw), "root:x:0:0::/:/usr/sbin/nologin\n"
	    "%s:x:%u:%u:%s:/nonexistent:/usr/sbin/nologin\n"
	    "%s:x:%u:%u:%s:%.*s:/usr/sbin/nologin\n", sb->sb_user,
	    (unsigned)sb->sb_uid, (unsigned)sb->sb_gid, sb->sb_user,
	    a->ua_name, (unsigned)a->ua_uid, (unsigned)a->ua_gid, a->ua_name,
	    home, hp);
	gr = getgrgid(a->ua_gid);
	if (gr != NULL && userdir_name_ok(gr->gr_name, strlen(gr->gr_name)))
		m = snprintf(gb, sizeof(gb), "root:x:0:\n%s:x:%u:\n%s:x:%u:\n",
		    sb->sb_group, (unsigned)sb->sb_gid, gr->gr_name,
		    (unsigned)a->ua_gid);
	else
		m = snprintf(gb, sizeof(gb), "root:x:0:\n%s:x:%u:\n",
		    sb->sb_group, (unsigned)sb->sb_gid);
	if (n < 0 || (size_t)n >= sizeof(pw) || m < 0 ||
	    (size_t)m >= sizeof(gb)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if ((su->su_etc = malloc((size_t)n + (size_t)m)) == NULL)
		return -1;
	memcpy(su->su_etc, pw, (size_t)n);
	memcpy(su->su_etc + n, gb, (size_t)m);
	su->su_passwd_len = (size_t)n;
	su->su_group_len = (size_t)m;
	return 0;
}

/* identities and limits: before the jail (the namespaces need /proc) */
int
jail_user_init(struct sandbox *sb, const struct config *cfg, char *err,
    size_t errsz)
{
	const struct userdir_table	*ut = cfg->cf_userdir_table;
	const struct userdir_account	*a;
	struct sandbox_user		*su;
	uint64_t			 nproc;
	size_t				 i;

	if (ut == NULL || ut->ut_n == 0)
		return 0;
	if ((sb->sb_users = calloc(ut->ut_n, sizeof(*su))) == NULL) {
		snprintf(err, errsz, "userdir: %s", strerror(errno));
		return -1;
	}
	for (i = 0; i < ut->ut_n; i++)
		sb->sb_users[i].su_userns = sb->sb_users[i].su_tree = -1;
	sb->sb_nusers = ut->ut_n;
	for (i = 0; i < ut->ut_n; i++) {
		a = &ut->ut_acct[i];
		su = &sb->sb_users[i];
		su->su_uid = a->ua_uid;
		su->su_gid = a->ua_gid;
		su->su_path = a->ua_path;
		su->su_limits = &a->ua_limits;
		/* one uid for all its scripts: each may have its processes */
		nproc = a->ua_limits.lim_processes * (uint64_t)a->ua_max_scripts;
		if (limits_rlimit_set(&su->su_rl, &a->ua_limits, nproc, err,
		    errsz) == -1)
			return -1;
		if (jail_user_etc(sb, cfg, a, su) == -1) {
			snprintf(err, errsz, "userdir: %s: the jail's passwd: "
			    "%s", a->ua_name, strerror(errno));
			return -1;
		}
		if (userns_identity(su->su_uid, su->su_gid, &su->su_userns) ==
		    -1) {
			snprintf(err, errsz, "userdir: %s: user namespace for "
			    "uid %u: %s", a->ua_name, (unsigned)a->ua_uid,
			    strerror(errno));
			return -1;
		}
	}
	return 0;
}

/* "/top" of an absolute path into buf */
static void
jail_user_top(const char *path, char *buf, size_t bufsz)
{
	size_t	n = strcspn(path + 1, "/");

	(void)snprintf(buf, bufsz, "/%.*s", (int)n, path + 1);
}

/*
 * While jail.c builds (the host at /oldroot, in the jail's own mount
 * namespace): each tree as a detached mount made here, so that only this
 * namespace may clone it; and the directory each one's path starts with.
 * A tree that cannot be opened now is -1, its reason in su_why.
 */
int
jail_user_build(struct sandbox *sb, const struct config *cfg, char *err,
    size_t errsz)
{
	struct sandbox_user	*su;
	char			 top[PATH_MAX];
	size_t			 i;

	for (i = 0; i < sb->sb_nusers; i++) {
		su = &sb->sb_users[i];
		jail_user_top(su->su_path, top, sizeof(top));
		if (!jail_under_tmp(su->su_path) &&
		    jail_mkpath(top, S_IFDIR) == -1) {
			snprintf(err, errsz, "userdir: mkdir %s: %s", top,
			    strerror(errno));
			return -1;
		}
		su->su_tree = userdir_tree_open(JAIL_USER_OLD,
		    &cfg->cf_userdir_table->ut_acct[i], cfg->cf_userdir,
		    MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV, &su->su_why);
	}
	return 0;
}

void
jail_user_fini(struct sandbox *sb)
{
	size_t	 i;

	for (i = 0; i < sb->sb_nusers; i++) {
		if (sb->sb_users[i].su_userns != -1)
			(void)close(sb->sb_users[i].su_userns);
		if (sb->sb_users[i].su_tree != -1)
			(void)close(sb->sb_users[i].su_tree);
		free(sb->sb_users[i].su_etc);
	}
	free(sb->sb_users);
	sb->sb_users = NULL;
	sb->sb_nusers = 0;
}

/* executor, per request: this request's copies, made in the jail's ns */
int
sandbox_user_clone(const struct sandbox_user *su, int rwfd, int *tree,
    int *rw)
{
	struct mount_attr	 ma;
	int			 save;

	*tree = *rw = -1;
	if (su->su_tree == -1) {
		errno = ENOENT;
		return -1;
	}
	if ((*tree = (int)syscall(SYS_open_tree, su->su_tree, "",
	    OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH |
	    AT_RECURSIVE)) == -1)
		return -1;
	if (rwfd == -1)
		return 0;
	memset(&ma, 0, sizeof(ma));
	ma.attr_clr = MOUNT_ATTR_RDONLY;
	ma.attr_set = MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC;
	if ((*rw = (int)syscall(SYS_open_tree, rwfd, "", OPEN_TREE_CLONE |
	    OPEN_TREE_CLOEXEC | AT_EMPTY_PATH)) == -1 ||
	    syscall(SYS_mount_setattr, *rw, "", AT_EMPTY_PATH, &ma,
	    sizeof(ma)) == -1) {
		save = errno;
		if (*rw != -1)
			(void)close(*rw);
		(void)close(*tree);
		*tree = *rw = -1;
		errno = save;
		return -1;
	}
	return 0;
}

/*
 * child, after its /proc and /tmp: the student's passwd and group, each
 * a file of a small tmpfs stacked over /tmp for the moment it takes to
 * write them and bind each, read-only, over the jail's; the tmpfs is
 * then gone from every path, and the script's /tmp is its own again.
 */
static int
jail_user_child_etc(const struct sandbox_user *su)
{
	static const char *const src[2] = { "/tmp/passwd", "/tmp/group" };
	static const char *const dst[2] = { "/etc/passwd", "/etc/group" };
	const char	*text[2] = { su->su_etc,
			    su->su_etc + su->su_passwd_len };
	const size_t	 len[2] = { su->su_passwd_len, su->su_group_len };
	ssize_t		 w;
	int		 fd, i;

	if (mount("cgijail", "/tmp", "tmpfs", JAIL_USER_TOP_FLAGS,
	    JAIL_USER_ETC_OPTS) == -1)
		return -1;
	for (i = 0; i < 2; i++) {
		if ((fd = (int)syscall(SYS_openat, AT_FDCWD, src[i], O_WRONLY |
		    O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644)) == -1)
			return -1;
		w = syscall(SYS_write, fd, text[i], len[i]);
		(void)syscall(SYS_close, fd);
		if (w != (ssize_t)len[i]) {
			errno = w == -1 ? errno : ENOSPC;
			return -1;
		}
		if (mount(src[i], dst[i], NULL, MS_BIND, NULL) == -1 ||
		    mount(NULL, dst[i], NULL, MS_REMOUNT | MS_BIND | MS_RDONLY |
		    JAIL_USER_TOP_FLAGS, NULL) == -1)
			return -1;
	}
	return umount2("/tmp", MNT_DETACH);
}

/*
 * child, after its /proc and /tmp: its passwd and group; the document
 * root gone (below /tmp it was never put back); then the tree at its own
 * path: below /tmp on the private tmpfs, else below a small tmpfs over
 * the path's top directory (which hides whatever else the jail has
 * there), read-only once made.
 */
int
jail_user_child_tree(const struct sandbox *sb, const struct sandbox_spawn *ss,
    int tree)
{
	const char	*path = ss->ss_user->su_path;
	char		 top[PATH_MAX];

	if (jail_user_child_etc(ss->ss_user) == -1 ||
	    (!sb->sb_docroot_under_tmp && umount2(sb->sb_docroot,
	    MNT_DETACH) == -1))
		return -1;
	if (jail_under_tmp(path))
		return jail_child_mkpath(path, 1) == -1 ? -1 :
		    jail_child_attach(tree, path);
	jail_user_top(path, top, sizeof(top));
	if (strcmp(top, path) == 0)
		return jail_child_attach(tree, path);
	if (mount("cgijail", top, "tmpfs", JAIL_USER_TOP_FLAGS,
	    JAIL_USER_TOP_OPTS) == -1 || jail_child_mkpath(path, 1) == -1 ||
	    jail_child_attach(tree, path) == -1)
		return -1;
	return mount(NULL, top, NULL, MS_REMOUNT | MS_RDONLY |
	    JAIL_USER_TOP_FLAGS, NULL);
}

/* child, after the script's overlay: the writable directory on top */
int
jail_user_child_rw(const struct sandbox_spawn *ss, int rw)
{
	if (ss->ss_rw == -1)
		return 0;
	return jail_child_attach(rw, ss->ss_rw_path);
}
