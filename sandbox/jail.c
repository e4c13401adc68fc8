/* SPDX-License-Identifier: ISC */
/*
 * jail.c: the scripts' file system view.  At init the executor (root)
 * builds it once in a private mount namespace and pivot_roots into it,
 * the bubblewrap way; per request the child only adds /proc and /tmp
 * (and, for a student's script, its tree: jail_user.c; for an
 * interpreted one, its frozen copy: jail_script.c).  Trusts the
 * configuration (already validated) and the host's /usr.  Rootless, root
 * is that of the executor's own user namespace (rootless.c: the flags the
 * kernel locks, a /proc under each script's).
 */
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sandbox_priv.h"

#define JAIL_BASE	"/tmp"		/* host path, hidden in our namespace */
#define JAIL_OLD_REL	"oldroot"
#define JAIL_NEW_REL	"newroot"
#define JAIL_OLD	"/" JAIL_OLD_REL
#define JAIL_NEW	"/" JAIL_NEW_REL
#define JAIL_BASE_OPTS	"size=64k,nr_inodes=16,mode=0755"
#define JAIL_ROOT_OPTS	"size=4m,nr_inodes=4096,mode=0755"
#define JAIL_COPY_MAX	(4 << 20)	/* ld.so.cache is ~50 KiB */
#define JAIL_RO		(MS_RDONLY | MS_NOSUID | MS_NODEV)
#define JAIL_RW		(MS_NOSUID | MS_NODEV)

/* what the dynamic loader and interpreters need; absent ones are skipped */
static const char *const jail_sysdirs[] = {
	"/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"
};
static const char *const jail_devs[] = {
	"null", "zero", "full", "random", "urandom"
};

struct jail_src {
	char	js_path[PATH_MAX];	/* realpath on the host */
	int	js_isdir;
};

static int
jail_fail(char *err, size_t errsz, const char *what, const char *path)
{
	snprintf(err, errsz, "jail: %s %s: %s", what, path, strerror(errno));
	return -1;
}

int
jail_path(char *dst, size_t dstsz, const char *prefix, const char *path)
{
	if ((size_t)snprintf(dst, dstsz, "%s%s", prefix, path) >= dstsz) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

/*
 * One component below dfd, created if missing.  Creation is only allowed
 * on our own tmpfs (dev), so a bind target can never add a file to a host
 * directory bound earlier; a symlink is never followed.
 */
static int
jail_mkat(int dfd, const char *name, mode_t kind, dev_t dev)
{
	struct stat	 st;
	int		 fd, r;

	fd = openat(dfd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (fd == -1 && errno == ENOENT) {
		if (fstat(dfd, &st) == -1)
			return -1;
		if (st.st_dev != dev) {
			errno = EXDEV;
			return -1;
		}
		if (kind == S_IFDIR)
			r = mkdirat(dfd, name, 0755);
		else if ((r = openat(dfd, name, O_CREAT | O_EXCL | O_WRONLY |
		    O_NOFOLLOW | O_CLOEXEC, 0644)) != -1)
			r = close(r);
		if (r == -1)
			return -1;
		fd = openat(dfd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	}
	if (fd == -1)
		return -1;
	if (fstat(fd, &st) == -1 || (kind == S_IFDIR) != S_ISDIR(st.st_mode)) {
		r = S_ISLNK(st.st_mode) ? ELOOP : S_ISDIR(st.st_mode) ?
		    EISDIR : ENOTDIR;
		(void)close(fd);
		errno = r;
		return -1;
	}
	return fd;
}

/* mkdir -p (and touch the leaf if kind is not S_IFDIR) below /newroot */
int
jail_mkpath(const char *path, mode_t kind)
{
	char		 buf[PATH_MAX], *p, *next;
	struct stat	 st;
	int		 dfd, fd, last;

	if (strlcpy(buf, path, sizeof(buf)) >= sizeof(buf)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if ((dfd = open(JAIL_NEW, O_PATH | O_DIRECTORY | O_CLOEXEC)) == -1)
		return -1;
	if (fstat(dfd, &st) == -1)
		goto fail;
	for (p = buf; *p == '/'; p++)
		;
	while (*p != '\0') {
		if ((next = strchr(p, '/')) != NULL)
			for (*next++ = '\0'; *next == '/'; next++)
				;
		last = next == NULL || *next == '\0';
		if (strcmp(p, ".") == 0 || strcmp(p, "..") == 0) {
			errno = EINVAL;
			goto fail;
		}
		fd = jail_mkat(dfd, p, last ? kind : S_IFDIR, st.st_dev);
		(void)close(dfd);
		if ((dfd = fd) == -1)
			return -1;
		p = last ? "" : next;
	}
	(void)close(dfd);
	return 0;
fail:
	(void)close(dfd);
	return -1;
}

/* bind host src at dst in the new root, then apply the mount flags */
static int
jail_bind(const char *src, const char *dst, unsigned long flags,
    char *err, size_t errsz)
{
	char	 s[PATH_MAX + 16], d[PATH_MAX + 16];

	if (jail_path(s, sizeof(s), JAIL_OLD, src) == -1 ||
	    jail_path(d, sizeof(d), JAIL_NEW, dst) == -1)
		return jail_fail(err, errsz, "bind", src);
	if (mount(s, d, NULL, MS_BIND, NULL) == -1)
		return jail_fail(err, errsz, "bind", src);
	/* a bind ignores flags: only a remount makes it read-only */
	if (mount(NULL, d, NULL, MS_REMOUNT | MS_BIND | flags |
	    rootless_locked_flags(d), NULL) == -1)
		return jail_fail(err, errsz, "remount", dst);
	return 0;
}

/*
 * a private /tmp tmpfs as base: new root at /newroot, host at /oldroot;
 * the new mount namespace kept open (by the host's /proc, which the jail
 * has not)
 */
static int
jail_enter_base(struct sandbox *sb, char *err, size_t errsz)
{
	if (unshare(CLONE_NEWNS) == -1)
		return jail_fail(err, errsz, "unshare", "mount namespace");
	if ((sb->sb_mntns = open("/proc/self/ns/mnt", O_RDONLY |
	    O_CLOEXEC)) == -1)
		return jail_fail(err, errsz, "open", "/proc/self/ns/mnt");
	/* nothing we mount may propagate back to the host */
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == -1)
		return jail_fail(err, errsz, "make private", "/");
	if (mount("cgijail", JAIL_BASE, "tmpfs", MS_NOSUID | MS_NODEV,
	    JAIL_BASE_OPTS) == -1 || chdir(JAIL_BASE) == -1)
		return jail_fail(err, errsz, "tmpfs", JAIL_BASE);
	if (mkdir(JAIL_NEW_REL, 0755) == -1 || mkdir(JAIL_OLD_REL, 0755) == -1)
		return jail_fail(err, errsz, "mkdir in", JAIL_BASE);
	if (mount("cgijail", JAIL_NEW_REL, "tmpfs", MS_NOSUID | MS_NODEV,
	    JAIL_ROOT_OPTS) == -1)
		return jail_fail(err, errsz, "tmpfs", JAIL_NEW);
	if (syscall(SYS_pivot_root, ".", JAIL_OLD_REL) == -1)
		return jail_fail(err, errsz, "pivot_root", JAIL_BASE);
	if (chdir("/") == -1)
		return jail_fail(err, errsz, "chdir", "/");
	return 0;
}

/* /usr read-only; /bin and friends as the same symlink or bind */
static int
jail_system(char *err, size_t errsz)
{
	char		 src[PATH_MAX + 16], dst[PATH_MAX + 16];
	char		 target[PATH_MAX];
	struct stat	 st;
	ssize_t		 n;
	size_t		 i;

	for (i = 0; i < sizeof(jail_sysdirs) / sizeof(jail_sysdirs[0]); i++) {
		if (jail_path(src, sizeof(src), JAIL_OLD, jail_sysdirs[i]) ==
		    -1 || jail_path(dst, sizeof(dst), JAIL_NEW,
		    jail_sysdirs[i]) == -1)
			return jail_fail(err, errsz, "path", jail_sysdirs[i]);
		if (lstat(src, &st) == -1) {
			if (errno == ENOENT)
				continue;
			return jail_fail(err, errsz, "stat", jail_sysdirs[i]);
		}
		if (S_ISLNK(st.st_mode)) {
			if ((n = readlink(src, target, sizeof(target) - 1)) ==
			    -1)
				return jail_fail(err, errsz, "readlink", src);
			target[n] = '\0';
			if (symlink(target, dst) == -1)
				return jail_fail(err, errsz, "symlink", dst);
		} else if (S_ISDIR(st.st_mode)) {
			if (jail_mkpath(jail_sysdirs[i], S_IFDIR) == -1)
				return jail_fail(err, errsz, "mkdir", dst);
			if (jail_bind(jail_sysdirs[i], jail_sysdirs[i],
			    JAIL_RO, err, errsz) == -1)
				return -1;
		}
	}
	return 0;
}

static int
jail_write(int dfd, const char *name, const char *buf, size_t len)
{
	ssize_t	 n;
	int	 fd;

	fd = openat(dfd, name, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW |
	    O_CLOEXEC, 0644);
	if (fd == -1)
		return -1;
	while (len > 0) {
		if ((n = write(fd, buf, len)) == -1) {
			if (errno == EINTR)
				continue;
			(void)close(fd);
			return -1;
		}
		buf += n;
		len -= (size_t)n;
	}
	return close(fd);
}

/* copy a host file (missing is fine) or recreate its symlink */
static int
jail_copy(int dfd, const char *srcdir, const char *name)
{
	char		 src[PATH_MAX], target[PATH_MAX], *buf;
	struct stat	 st;
	ssize_t		 n;
	int		 fd, r;

	if (jail_path(src, sizeof(src), srcdir, name) == -1)
		return -1;
	if (lstat(src, &st) == -1)
		return errno == ENOENT ? 0 : -1;
	if (S_ISLNK(st.st_mode)) {
		if ((n = readlink(src, target, sizeof(target) - 1)) == -1)
			return -1;
		target[n] = '\0';
		return symlinkat(target, dfd, name);
	}
	if (!S_ISREG(st.st_mode))
		return 0;
	if (st.st_size > JAIL_COPY_MAX) {
		errno = EFBIG;
		return -1;
	}
	if ((buf = malloc((size_t)st.st_size + 1)) == NULL)
		return -1;
	r = -1;
	if ((fd = open(src, O_RDONLY | O_CLOEXEC)) != -1) {
		if ((n = read(fd, buf, (size_t)st.st_size + 1)) != -1)
			r = jail_write(dfd, name, buf, (size_t)n);
		(void)close(fd);
	}
	free(buf);
	return r;
}

/* /etc/alternatives is a directory of symlinks: recreate them */
static int
jail_alternatives(int etcfd)
{
	struct dirent	*de;
	DIR		*d;
	int		 afd, r = 0;

	if ((d = opendir(JAIL_OLD "/etc/alternatives")) == NULL)
		return errno == ENOENT ? 0 : -1;
	if (mkdirat(etcfd, "alternatives", 0755) == -1 ||
	    (afd = openat(etcfd, "alternatives", O_PATH | O_DIRECTORY |
	    O_CLOEXEC)) == -1) {
		(void)closedir(d);
		return -1;
	}
	while (r == 0 && (de = readdir(d)) != NULL)
		if (de->d_type == DT_LNK)
			r = jail_copy(afd, JAIL_OLD "/etc/alternatives/",
			    de->d_name);
	(void)closedir(d);
	(void)close(afd);
	return r;
}

/* a fresh /etc: the loader cache, the zone, and a passwd naming two ids */
static int
jail_etc(const struct sandbox *sb, char *err, size_t errsz)
{
	char	 buf[512];
	int	 etcfd, n;

	if (jail_mkpath("/etc", S_IFDIR) == -1 ||
	    (etcfd = open(JAIL_NEW "/etc", O_PATH | O_DIRECTORY |
	    O_CLOEXEC)) == -1)
		return jail_fail(err, errsz, "mkdir", "/etc");
	n = snprintf(buf, sizeof(buf), "root:x:0:0::/:/usr/sbin/nologin\n"
	    "%s:x:%u:%u:%s:/nonexistent:/usr/sbin/nologin\n", sb->sb_user,
	    (unsigned)sb->sb_uid, (unsigned)sb->sb_gid, sb->sb_user);
	if (n < 0 || (size_t)n >= sizeof(buf) ||
	    jail_write(etcfd, "passwd", buf, (size_t)n) == -1)
		goto fail;
	n = snprintf(buf, sizeof(buf), "root:x:0:\n%s:x:%u:\n", sb->sb_group,
	    (unsigned)sb->sb_gid);
	if (n < 0 || (size_t)n >= sizeof(buf) ||
	    jail_write(etcfd, "group", buf, (size_t)n) == -1 ||
	    jail_copy(etcfd, JAIL_OLD "/etc/", "ld.so.cache") == -1 ||
	    jail_copy(etcfd, JAIL_OLD "/etc/", "localtime") == -1 ||
	    jail_alternatives(etcfd) == -1)
		goto fail;
	(void)close(etcfd);
	return 0;
fail:
	(void)close(etcfd);
	return jail_fail(err, errsz, "populate", "/etc");
}

/* /dev: a few harmless nodes bound from the host, fd links, no tty */
static int
jail_dev(char *err, size_t errsz)
{
	static const char *const links[][2] = {
		{ "/proc/self/fd", JAIL_NEW "/dev/fd" },
		{ "/proc/self/fd/0", JAIL_NEW "/dev/stdin" },
		{ "/proc/self/fd/1", JAIL_NEW "/dev/stdout" },
		{ "/proc/self/fd/2", JAIL_NEW "/dev/stderr" },
	};
	char	 path[64];
	size_t	 i;

	for (i = 0; i < sizeof(jail_devs) / sizeof(jail_devs[0]); i++) {
		if (jail_path(path, sizeof(path), "/dev/", jail_devs[i]) == -1)
			return jail_fail(err, errsz, "path", jail_devs[i]);
		if (jail_mkpath(path, S_IFREG) == -1)
			return jail_fail(err, errsz, "create", path);
		if (jail_bind(path, path, MS_RDONLY | MS_NOSUID | MS_NOEXEC,
		    err, errsz) == -1)
			return -1;
	}
	for (i = 0; i < sizeof(links) / sizeof(links[0]); i++)
		if (symlink(links[i][0], links[i][1]) == -1)
			return jail_fail(err, errsz, "symlink", links[i][1]);
	if (jail_mkpath("/proc", S_IFDIR) == -1 ||
	    jail_mkpath("/tmp", S_IFDIR) == -1)
		return jail_fail(err, errsz, "mkdir", "/proc, /tmp");
	/* rootless: its own /proc for each script needs one under it */
	if (rootless_active() && rootless_proc_under(JAIL_OLD "/proc",
	    JAIL_NEW "/proc") == -1)
		return jail_fail(err, errsz, "bind", "/proc");
	return 0;
}

/*
 * dst must be absolute and not where the child mounts its own things:
 * not "/", not /proc or below (a fresh /proc covers it), not /dev or /tmp
 * themselves.  Below /tmp is fine: the child brings it back over its
 * private /tmp, as it does a document root there.
 */
static int
jail_target_ok(const char *dst)
{
	if (dst[0] != '/' || dst[1] == '\0')
		return 0;
	if (strncmp(dst, "/proc", 5) == 0 && (dst[5] == '\0' ||
	    dst[5] == '/'))
		return 0;
	return strcmp(dst, "/dev") != 0 && strcmp(dst, "/tmp") != 0;
}

int
jail_under_tmp(const char *path)
{
	return strncmp(path, JAIL_BASE "/", sizeof(JAIL_BASE)) == 0;
}

static int
jail_docroot(const struct sandbox *sb, char *err, size_t errsz)
{
	if (strcmp(sb->sb_docroot, "/") == 0 ||
	    strcmp(sb->sb_docroot, "/tmp") == 0) {
		snprintf(err, errsz, "jail: document root %s cannot be "
		    "bound into the jail", sb->sb_docroot);
		return -1;
	}
	if (jail_mkpath(sb->sb_docroot, S_IFDIR) == -1)
		return jail_fail(err, errsz, "mkdir", sb->sb_docroot);
	return jail_bind(sb->sb_docroot, sb->sb_docroot, JAIL_RO, err, errsz);
}

/* jail-bind sources, resolved on the host before the first pivot */
static int
jail_resolve_binds(const struct config *cfg, struct jail_src *js,
    char *err, size_t errsz)
{
	struct stat	 st;
	size_t		 i;

	for (i = 0; i < cfg->cf_nbind; i++) {
		if (realpath(cfg->cf_bind[i].cb_src, js[i].js_path) == NULL ||
		    stat(js[i].js_path, &st) == -1)
			return jail_fail(err, errsz, "jail-bind source",
			    cfg->cf_bind[i].cb_src);
		js[i].js_isdir = S_ISDIR(st.st_mode);
		if (!jail_target_ok(cfg->cf_bind[i].cb_dst)) {
			snprintf(err, errsz, "jail: jail-bind target %s: "
			    "must be absolute and not /, /tmp, /dev or in /proc",
			    cfg->cf_bind[i].cb_dst);
			return -1;
		}
	}
	return 0;
}

static int
jail_binds(const struct config *cfg, const struct jail_src *js,
    char *err, size_t errsz)
{
	const struct config_bind	*cb;
	size_t				 i;

	for (i = 0; i < cfg->cf_nbind; i++) {
		cb = &cfg->cf_bind[i];
		if (jail_mkpath(cb->cb_dst, js[i].js_isdir ? S_IFDIR :
		    S_IFREG) == -1)
			return jail_fail(err, errsz, "jail-bind target",
			    cb->cb_dst);
		if (jail_bind(js[i].js_path, cb->cb_dst, cb->cb_rw ? JAIL_RW :
		    JAIL_RO, err, errsz) == -1)
			return -1;
	}
	return 0;
}

/* root read-only, host detached, then pivot into /newroot for good */
static int
jail_finish(char *err, size_t errsz)
{
	int	 oldfd;

	if (mount(NULL, JAIL_NEW, NULL, MS_REMOUNT | MS_BIND | JAIL_RO,
	    NULL) == -1)
		return jail_fail(err, errsz, "remount", JAIL_NEW);
	if (umount2(JAIL_OLD, MNT_DETACH) == -1)
		return jail_fail(err, errsz, "umount", JAIL_OLD);
	if ((oldfd = open("/", O_DIRECTORY | O_RDONLY | O_CLOEXEC)) == -1)
		return jail_fail(err, errsz, "open", "/");
	/* pivot_root(".", ".") stacks the base on top; detach it from below */
	if (chdir(JAIL_NEW) == -1 || syscall(SYS_pivot_root, ".", ".") == -1 ||
	    fchdir(oldfd) == -1 || umount2(".", MNT_DETACH) == -1 ||
	    chdir("/") == -1) {
		(void)close(oldfd);
		return jail_fail(err, errsz, "pivot_root", JAIL_NEW);
	}
	(void)close(oldfd);
	return 0;
}

int
jail_build(struct sandbox *sb, const struct config *cfg, char *err,
    size_t errsz)
{
	struct jail_src	*js;
	size_t		 i;
	int		 r = -1;

	if ((js = calloc(cfg->cf_nbind + 1, sizeof(*js))) == NULL)
		return jail_fail(err, errsz, "allocate", "bind table");
	if (jail_resolve_binds(cfg, js, err, errsz) == -1)
		goto out;
	for (i = 0; i < cfg->cf_nbind; i++)
		sb->sb_bind_isdir[i] = js[i].js_isdir;
	if (jail_enter_base(sb, err, errsz) == -1 ||
	    jail_system(err, errsz) == -1 ||
	    jail_etc(sb, err, errsz) == -1 ||
	    jail_dev(err, errsz) == -1 ||
	    jail_docroot(sb, err, errsz) == -1 ||
	    jail_binds(cfg, js, err, errsz) == -1 ||
	    jail_user_build(sb, cfg, err, errsz) == -1 ||
	    jail_finish(err, errsz) == -1)
		goto out;
	r = 0;
out:
	free(js);
	return r;
}

/* child: mkdir -p in the private /tmp, the leaf a file when !isdir */
int
jail_child_mkpath(const char *path, int isdir)
{
	char	 buf[PATH_MAX];
	size_t	 i, n = strlen(path);
	int	 fd;

	if (n >= sizeof(buf)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(buf, path, n + 1);
	for (i = 1; i <= n; i++) {
		if (buf[i] != '/' && buf[i] != '\0')
			continue;
		buf[i] = '\0';
		if (i == n && !isdir) {
			fd = (int)syscall(SYS_openat, AT_FDCWD, buf, O_WRONLY |
			    O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644);
			if (fd == -1 && errno != EEXIST)
				return -1;
			if (fd != -1)
				(void)syscall(SYS_close, fd);
		} else if (syscall(SYS_mkdir, buf, 0755) == -1 &&
		    errno != EEXIST)
			return -1;
		buf[i] = i == n ? '\0' : '/';
	}
	return 0;
}

/* child: a detached copy of the mount tree at path */
int
jail_child_clone(const char *path)
{
	return (int)syscall(SYS_open_tree, AT_FDCWD, path, OPEN_TREE_CLONE |
	    OPEN_TREE_CLOEXEC | AT_RECURSIVE);
}

/*
 * child: a detached tree now owned, on disk, by the script user: the
 * slot's user namespace maps the script user to this request's host uid,
 * so what it writes belongs to the script user, as configured, while no
 * two requests share a uid on the host.
 */
static int
jail_child_idmap(int tree, int userns)
{
	struct mount_attr	 ma;

	memset(&ma, 0, sizeof(ma));
	ma.attr_set = MOUNT_ATTR_IDMAP;
	ma.userns_fd = (uint64_t)userns;
	return (int)syscall(SYS_mount_setattr, tree, "", AT_EMPTY_PATH |
	    AT_RECURSIVE, &ma, sizeof(ma));
}

int
jail_child_attach(int tree, const char *path)
{
	int	 r;

	r = (int)syscall(SYS_move_mount, tree, "", AT_FDCWD, path,
	    MOVE_MOUNT_F_EMPTY_PATH);
	(void)syscall(SYS_close, tree);
	return r;
}

/*
 * child: what the private /tmp would hide (a document root and
 * jail-binds below /tmp) is copied before the tmpfs goes on, and put
 * back, at the same path, after; rw binds get the request's idmap.  A
 * student's script never gets the document root back.
 */
static int
jail_child_tmp(const struct sandbox *sb, const struct sandbox_spawn *ss,
    int userns)
{
	const struct config	*cfg = sb->sb_cfg;
	int			 docroot = -1, trees[CONFIG_BIND_MAX];
	size_t			 i;

	for (i = 0; i < cfg->cf_nbind; i++)
		trees[i] = -1;
	if (sb->sb_docroot_under_tmp && ss->ss_user == NULL &&
	    (docroot = jail_child_clone(sb->sb_docroot)) == -1)
		return -1;
	for (i = 0; i < cfg->cf_nbind; i++)
		if (jail_under_tmp(cfg->cf_bind[i].cb_dst) &&
		    (trees[i] = jail_child_clone(cfg->cf_bind[i].cb_dst)) == -1)
			return -1;
	if (mount("tmpfs", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC,
	    ss->ss_user != NULL ? ss->ss_user->su_rl.sl_tmp_opts :
	    sb->sb_rl.sl_tmp_opts) == -1)
		return -1;
	if (docroot != -1 && (jail_child_mkpath(sb->sb_docroot, 1) == -1 ||
	    jail_child_attach(docroot, sb->sb_docroot) == -1))
		return -1;
	for (i = 0; i < cfg->cf_nbind; i++) {
		if (trees[i] == -1)
			continue;
		if ((cfg->cf_bind[i].cb_rw && !rootless_active() &&
		    jail_child_idmap(trees[i], userns) == -1) ||
		    jail_child_mkpath(cfg->cf_bind[i].cb_dst,
		    sb->sb_bind_isdir[i]) == -1 ||
		    jail_child_attach(trees[i], cfg->cf_bind[i].cb_dst) == -1)
			return -1;
	}
	return 0;
}

/*
 * child: the rw binds elsewhere get the request's idmap too.  Rootless,
 * the kernel idmaps no host mount for us; none is needed: the one host
 * uid there is reads as the script user in its namespace.
 */
static int
jail_child_rw(const struct sandbox *sb, int userns)
{
	const struct config	*cfg = sb->sb_cfg;
	size_t			 i;
	int			 tree;

	for (i = 0; i < cfg->cf_nbind && !rootless_active(); i++) {
		if (!cfg->cf_bind[i].cb_rw ||
		    jail_under_tmp(cfg->cf_bind[i].cb_dst))
			continue;
		if ((tree = jail_child_clone(cfg->cf_bind[i].cb_dst)) == -1)
			return -1;
		if (jail_child_idmap(tree, userns) == -1) {
			(void)syscall(SYS_close, tree);
			return -1;
		}
		if (jail_child_attach(tree, cfg->cf_bind[i].cb_dst) == -1)
			return -1;
	}
	return 0;
}

/* child, in its own mount namespace (a copy of the jail) */
int
jail_child_mounts(const struct sandbox *sb, const struct sandbox_spawn *ss,
    int userns)
{
	if (mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC,
	    NULL) == -1)
		return -1;
	if (jail_child_tmp(sb, ss, userns) == -1)
		return -1;
	return jail_child_rw(sb, userns);
}

/*
 * At init: an rw bind whose file system cannot be idmapped would fail
 * every request; say so now.  Tried on a detached copy with slot 0.
 */
int
jail_probe_idmap(const struct sandbox *sb, const struct config *cfg,
    char *err, size_t errsz)
{
	size_t	 i;
	int	 tree, r;

	for (i = 0; i < cfg->cf_nbind && !rootless_active(); i++) {
		if (!cfg->cf_bind[i].cb_rw)
			continue;
		if ((tree = jail_child_clone(cfg->cf_bind[i].cb_dst)) == -1)
			return jail_fail(err, errsz, "clone", cfg->cf_bind[i].cb_dst);
		r = jail_child_idmap(tree, sb->sb_userns[0]);
		(void)close(tree);
		if (r == -1) {
			snprintf(err, errsz, "jail-bind-rw %s: its file system "
			    "cannot be idmapped (%s): scripts could not own "
			    "what they write there", cfg->cf_bind[i].cb_src,
			    strerror(errno));
			return -1;
		}
	}
	return 0;
}

/* --check: can a private mount namespace pivot_root?  1 yes, 0 no */
int
jail_probe_pivot(void)
{
	pid_t	 pid;
	int	 status;

	if ((pid = fork()) == -1)
		return 0;
	if (pid == 0) {
		if ((rootless_active() && rootless_enter(0, 0) == -1) ||
		    unshare(CLONE_NEWNS) == -1 ||
		    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == -1 ||
		    mount("cgijail", JAIL_BASE, "tmpfs", 0, JAIL_BASE_OPTS) ==
		    -1 || chdir(JAIL_BASE) == -1 || mkdir("old", 0700) == -1 ||
		    syscall(SYS_pivot_root, ".", "old") == -1)
			_exit(1);
		_exit(0);
	}
	while (waitpid(pid, &status, 0) == -1)
		if (errno != EINTR)
			return 0;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}
