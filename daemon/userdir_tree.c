/* SPDX-License-Identifier: ISC */
/*
 * userdir_tree.c: a student's HOME/DIR as a detached mount of its own
 * (open_tree), reached without following a link below the home (the
 * host's own links on the way to it are followed, within the host's
 * root), checked once more to be the student's own directory that nobody
 * else may write, then read-only with the given flags.  ".." at the root of a detached
 * mount stays there: the descriptor reaches that tree and nothing above.
 * The front (static files) and the executor (its scripts' jails) open
 * their own, as root at their start.  Trusts the table, not the homes.
 */
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "userdir.h"

/*
 * The home directory as the host names it, its links followed within
 * root (the host's "/", wherever it is now: an absolute link such as
 * /home -> /srv/home means the host's /srv), then DIR below it: no link,
 * no other file system.
 */
static int
userdir_tree_dir(const char *root, const char *home, const char *dir)
{
	struct open_how	 how;
	int		 rfd, hfd, save;

	if ((rfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC)) == -1)
		return -1;
	memset(&how, 0, sizeof(how));
	how.flags = O_PATH | O_DIRECTORY | O_CLOEXEC;
	how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
	hfd = (int)syscall(SYS_openat2, rfd, home[1] != '\0' ? home + 1 : ".",
	    &how, sizeof(how));
	save = errno;
	(void)close(rfd);
	errno = save;
	if (hfd == -1)
		return -1;
	return userdir_tree_beneath(hfd, dir);
}

int
userdir_tree_beneath(int hfd, const char *dir)
{
	struct open_how	 how;
	int		 fd, save;

	memset(&how, 0, sizeof(how));
	how.flags = O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;
	how.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS |
	    RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV;
	fd = (int)syscall(SYS_openat2, hfd, dir, &how, sizeof(how));
	save = errno;
	(void)close(hfd);
	errno = save;
	return fd;
}

/* the clone, read-only and attrs (MOUNT_ATTR_*) all the way down */
static int
userdir_tree_clone(int fd, unsigned int attrs)
{
	struct mount_attr	 ma;
	int			 tree, save;

	tree = (int)syscall(SYS_open_tree, fd, "", OPEN_TREE_CLONE |
	    OPEN_TREE_CLOEXEC | AT_EMPTY_PATH | AT_RECURSIVE);
	if (tree == -1)
		return -1;
	memset(&ma, 0, sizeof(ma));
	ma.attr_set = MOUNT_ATTR_RDONLY | attrs;
	if (syscall(SYS_mount_setattr, tree, "", AT_EMPTY_PATH |
	    AT_RECURSIVE, &ma, sizeof(ma)) == -1) {
		save = errno;
		(void)close(tree);
		errno = save;
		return -1;
	}
	return tree;
}

int
userdir_tree_open(const char *prefix, const struct userdir_account *a,
    const char *dir, unsigned int attrs, const char **why)
{
	char		 home[PATH_MAX];
	size_t		 pl = strlen(a->ua_path), dl = strlen(dir);
	struct stat	 st;
	int		 fd, tree;

	*why = "HOME/DIR does not end in DIR";
	if (dl + 1 >= pl || strcmp(a->ua_path + pl - dl, dir) != 0 ||
	    a->ua_path[pl - dl - 1] != '/')
		return -1;
	(void)snprintf(home, sizeof(home), "/%.*s", (int)(pl - dl - 1),
	    a->ua_path + 1);
	*why = "cannot open it (a link, or gone)";
	if ((fd = userdir_tree_dir(prefix[0] != '\0' ? prefix : "/", home,
	    dir)) == -1)
		return -1;
	*why = fstat(fd, &st) == -1 ? "cannot stat it" :
	    st.st_uid != a->ua_uid ? "owned by another user" :
	    (st.st_mode & (S_IWGRP | S_IWOTH)) ? "writable by group or "
	    "others" : NULL;
	if (*why != NULL) {
		(void)close(fd);
		errno = EPERM;
		return -1;
	}
	tree = userdir_tree_clone(fd, attrs);
	*why = tree == -1 ? "cannot clone it as a mount" : NULL;
	(void)close(fd);
	return tree;
}
