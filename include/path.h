/* SPDX-License-Identifier: ISC */
/*
 * path.h: a path resolved beneath a directory descriptor by our own walk
 * (daemon/path.c), so a decision is made on where the bytes really are.
 * Used by the front (routing) and the executor (script validation).
 */
#ifndef CGIJAIL_PATH_H
#define CGIJAIL_PATH_H

#include <stddef.h>

#define PATH_RESOLVE_MAX	8192	/* longest path: a request-target */
#define PATH_LINKS_MAX		40	/* as the kernel's MAXSYMLINKS */

/*
 * path: normalised, starts with '/'.  out: the same location beneath
 * rootfd with every symlink resolved (relative links only; an absolute
 * link or one that climbs out is refused), up to the first component
 * that is not a directory; the rest (PATH_INFO, or a missing tail) is
 * kept as is.  0, or -1 with errno set (EXDEV: out of the tree;
 * ENAMETOOLONG, ELOOP...).
 */
int	path_resolve(int rootfd, const char *path, char *out, size_t outsz);

/* path in dir (dirlen bytes), case-insensitively as a casefold fs: 1/0 */
int	path_under_nocase(const char *path, const char *dir, size_t dirlen);

#endif
