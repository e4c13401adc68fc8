/* SPDX-License-Identifier: ISC */
/*
 * jail_script.c: an interpreted script's frozen copy, per request, in a
 * read-only overlay at its own path.  Run by the spawned child, in its
 * own mount namespace, before execve.  Trusts the executor's validation
 * (the fd is the file it checked) and the configuration.
 */
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <unistd.h>

#include "sandbox_priv.h"

/*
 * child: the validated file must be what its path names for the whole
 * run: an interpreter opens the path itself, and the host may rename
 * anything in the tree meanwhile (a bind over the file would be detached
 * the moment its name were replaced).  So the document root is covered
 * by a read-only overlay whose top layer holds a copy of the validated
 * bytes at the script's path, on a tmpfs of its own: every other name is
 * the live tree, the script's is frozen, and only replacing the document
 * root itself could undo it.  Directories on the way keep their modes;
 * a jail-bind below the document root is put back on top.
 */
#define JAIL_SCRIPT_DIR		"/tmp/.cgijail-script"
#define JAIL_SCRIPT_OPTS	"size=64m,nr_inodes=64,mode=0755"

static int
jail_child_copy(int from, const char *to, const struct stat *st)
{
	char	 buf[16384];
	off_t	 off = 0;
	ssize_t	 n;
	int	 fd;

	fd = (int)syscall(SYS_openat, AT_FDCWD, to, O_WRONLY | O_CREAT |
	    O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0700);
	if (fd == -1)
		return -1;
	while ((n = (ssize_t)syscall(SYS_pread64, from, buf, sizeof(buf),
	    off)) > 0) {
		if ((ssize_t)syscall(SYS_write, fd, buf, (size_t)n) != n) {
			n = -1;
			break;
		}
		off += n;
	}
	/* inside the slot's user namespace every owner reads as nobody:
	 * the mode is what counts, and it is the original's */
	if (n == 0 && syscall(SYS_fchmod, fd, st->st_mode & 07777) == -1)
		n = -1;
	(void)syscall(SYS_close, fd);
	return n == 0 ? 0 : -1;
}

/* child: the copy's directories, each as the real one is */
static int
jail_child_copydirs(const char *docroot, const char *rel, char *top,
    size_t topsz)
{
	char		 real[PATH_MAX];
	struct stat	 st;
	size_t		 i, tl = strlen(top), dl = strlen(docroot);

	for (i = 1; rel[i] != '\0'; i++) {
		if (rel[i] != '/')
			continue;
		if (tl + i >= topsz || dl + i >= sizeof(real)) {
			errno = ENAMETOOLONG;
			return -1;
		}
		memcpy(top + tl, rel, i);
		top[tl + i] = '\0';
		memcpy(real, docroot, dl);
		memcpy(real + dl, rel, i);
		real[dl + i] = '\0';
		if (syscall(SYS_newfstatat, AT_FDCWD, real, &st, 0) == -1 ||
		    syscall(SYS_mkdir, top, 0700) == -1 ||
		    syscall(SYS_chmod, top, st.st_mode & 07777) == -1)
			return -1;
	}
	top[tl] = '\0';
	return 0;
}

/* "a\:b" for overlayfs: ':' separates its layers, '\' escapes */
static int
jail_child_escape(char *dst, size_t dstsz, const char *src)
{
	size_t	 n = 0;

	for (; *src != '\0'; src++) {
		if (n + 2 >= dstsz) {
			errno = ENAMETOOLONG;
			return -1;
		}
		if (*src == ':' || *src == '\\' || *src == ',')
			dst[n++] = '\\';
		dst[n++] = *src;
	}
	dst[n] = '\0';
	return 0;
}

static int
jail_child_overlay(const char *docroot, const char *top)
{
	char	 lower[2 * PATH_MAX + 8], esc[2 * PATH_MAX];
	size_t	 n;
	int	 fs, mnt;

	if (jail_child_escape(lower, sizeof(lower) / 2, top) == -1 ||
	    jail_child_escape(esc, sizeof(esc), docroot) == -1)
		return -1;
	n = strlen(lower);
	if (n + 1 + strlen(esc) + 1 > sizeof(lower)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	lower[n] = ':';
	memcpy(lower + n + 1, esc, strlen(esc) + 1);
	if ((fs = (int)syscall(SYS_fsopen, "overlay", FSOPEN_CLOEXEC)) == -1)
		return -1;
	if (syscall(SYS_fsconfig, fs, FSCONFIG_SET_STRING, "lowerdir", lower,
	    0) == -1 || syscall(SYS_fsconfig, fs, FSCONFIG_CMD_CREATE, NULL,
	    NULL, 0) == -1 || (mnt = (int)syscall(SYS_fsmount, fs,
	    FSMOUNT_CLOEXEC, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID |
	    MOUNT_ATTR_NODEV)) == -1) {
		(void)syscall(SYS_close, fs);
		return -1;
	}
	(void)syscall(SYS_close, fs);
	return jail_child_attach(mnt, docroot);
}

/* child: the overlay on the script's root, with any bind below it kept */
static int
jail_child_cover(const struct sandbox *sb, const char *root, const char *top)
{
	const struct config	*cfg = sb->sb_cfg;
	int			 trees[CONFIG_BIND_MAX];
	size_t			 i, dl = strlen(root);

	for (i = 0; i < cfg->cf_nbind; i++) {
		trees[i] = -1;
		if (strncmp(cfg->cf_bind[i].cb_dst, root, dl) == 0 &&
		    cfg->cf_bind[i].cb_dst[dl] == '/' &&
		    (trees[i] = jail_child_clone(cfg->cf_bind[i].cb_dst)) == -1)
			return -1;
	}
	if (jail_child_overlay(root, top) == -1)
		return -1;
	for (i = 0; i < cfg->cf_nbind; i++)
		if (trees[i] != -1 && jail_child_attach(trees[i],
		    cfg->cf_bind[i].cb_dst) == -1)
			return -1;
	return 0;
}

/* root: the document root, or the student's tree the script is in */
int
jail_child_script(const struct sandbox *sb, const char *root,
    const char *path, int fd)
{
	char		 top[PATH_MAX], file[PATH_MAX];
	const char	*rel;
	struct stat	 st;
	size_t		 dl = strlen(root);

	if (strncmp(path, root, dl) != 0 || path[dl] != '/' ||
	    syscall(SYS_fstat, fd, &st) == -1) {
		errno = EINVAL;
		return -1;
	}
	rel = path + dl;
	if (syscall(SYS_mkdir, JAIL_SCRIPT_DIR, 0755) == -1 ||
	    mount("cgijail", JAIL_SCRIPT_DIR, "tmpfs", MS_NOSUID | MS_NODEV,
	    JAIL_SCRIPT_OPTS) == -1)
		return -1;
	memcpy(top, JAIL_SCRIPT_DIR, sizeof(JAIL_SCRIPT_DIR));
	if (jail_child_copydirs(root, rel, top, sizeof(top)) == -1 ||
	    jail_path(file, sizeof(file), top, rel) == -1 ||
	    jail_child_copy(fd, file, &st) == -1)
		return -1;
	/* the copy is final: nothing, not even root here, changes it now */
	if (mount(NULL, JAIL_SCRIPT_DIR, NULL, MS_REMOUNT | MS_RDONLY |
	    MS_NOSUID | MS_NODEV, NULL) == -1)
		return -1;
	return jail_child_cover(sb, root, top);
}
