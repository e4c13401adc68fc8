/*
 * front_path.c: resolve the symlinks of a request path ourselves, beneath
 * the document root, so that every routing decision (CGI directory or
 * static, dotfile) is made on where the bytes really are.  A link named
 * /alias.txt pointing into cgi-bin/ must never serve a script's source.
 * Front role; trusts neither the request nor the tree's symlinks.
 */
#include <sys/stat.h>
#include <sys/syscall.h>

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <string.h>
#include <unistd.h>

#include "front.h"

#define FRONT_PATH_LINKS_MAX	40	/* as the kernel's MAXSYMLINKS */

/* open one already-canonical path without following anything */
static int
front_path_open(int rootfd, const char *path)
{
	struct open_how	how = { .flags = O_PATH | O_NOFOLLOW | O_CLOEXEC,
	    .resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS |
	    RESOLVE_NO_MAGICLINKS };

	return (int)syscall(SYS_openat2, rootfd, path[1] ? path + 1 : ".",
	    &how, sizeof(how));
}

/* drop the last component of a canonical path ("/a/b" -> "/a") */
static int
front_path_up(char *res)
{
	char	*slash;

	if (strcmp(res, "/") == 0)
		return -EXDEV;	/* above the root */
	slash = strrchr(res, '/');
	if (slash == res)
		slash[1] = '\0';
	else
		*slash = '\0';
	return 0;
}

/* rest := target + "/" + rest, in place */
static int
front_path_splice(char *rest, size_t restsz, const char *target,
    size_t tlen)
{
	size_t	rlen = strlen(rest);

	if (tlen + 1 + rlen + 1 > restsz)
		return -ENAMETOOLONG;
	memmove(rest + tlen + 1, rest, rlen + 1);
	memcpy(rest, target, tlen);
	rest[tlen] = '/';
	return 0;
}

/* append component to the canonical path */
static int
front_path_push(char *res, size_t ressz, const char *comp, size_t len)
{
	size_t	rl = strlen(res);

	if (rl + 1 + len + 1 > ressz)
		return -ENAMETOOLONG;
	if (rl > 1)
		res[rl++] = '/';
	memcpy(res + rl, comp, len);
	res[rl + len] = '\0';
	return 0;
}

/*
 * path: decoded, normalised, starts with '/'.  out: the same location with
 * every symlink resolved (relative links only; an absolute link or one
 * that climbs out is refused), up to the first component that is not a
 * directory; the rest (PATH_INFO, or a missing tail) is kept as is.
 * 0 or -errno.
 */
int
front_path_resolve(int rootfd, const char *path, char *out, size_t outsz)
{
	char		 rest[HTTP_TARGET_MAX + 1], target[HTTP_TARGET_MAX + 1];
	struct stat	 st;
	const char	*comp;
	size_t		 len;
	ssize_t		 tl;
	int		 fd, rc, links = 0;

	if (strlcpy(rest, path, sizeof(rest)) >= sizeof(rest) || outsz < 2)
		return -ENAMETOOLONG;
	strlcpy(out, "/", outsz);
	comp = rest;
	for (;;) {
		while (*comp == '/')
			comp++;
		if (*comp == '\0')
			break;
		len = strcspn(comp, "/");
		if (len == 1 && comp[0] == '.') {
			comp += len;
			continue;
		}
		if (len == 2 && comp[0] == '.' && comp[1] == '.') {
			if ((rc = front_path_up(out)) != 0)
				return rc;
			comp += len;
			continue;
		}
		if ((rc = front_path_push(out, outsz, comp, len)) != 0)
			return rc;
		if ((fd = front_path_open(rootfd, out)) == -1) {
			front_path_up(out);
			break;	/* missing: the rest is for 404 to say */
		}
		if (fstat(fd, &st) == -1) {
			close(fd);
			return -errno;
		}
		if (!S_ISLNK(st.st_mode)) {
			close(fd);
			comp += len;
			if (!S_ISDIR(st.st_mode))
				break;	/* a file: the rest is PATH_INFO */
			continue;
		}
		tl = readlinkat(fd, "", target, sizeof(target) - 1);
		close(fd);
		if (tl <= 0 || ++links > FRONT_PATH_LINKS_MAX)
			return tl <= 0 ? -EIO : -ELOOP;
		if (target[0] == '/')
			return -EXDEV;	/* absolute: not beneath by design */
		front_path_up(out);
		comp += len;
		memmove(rest, comp, strlen(comp) + 1);
		if ((rc = front_path_splice(rest, sizeof(rest), target,
		    (size_t)tl)) != 0)
			return rc;
		comp = rest;
	}
	if (*comp != '\0') {
		/* the unresolved tail (PATH_INFO or missing), verbatim */
		if ((comp[0] != '/' && strcmp(out, "/") != 0 &&
		    strlcat(out, "/", outsz) >= outsz) ||
		    strlcat(out, comp[0] == '/' && strcmp(out, "/") == 0 ?
		    comp + 1 : comp, outsz) >= outsz)
			return -ENAMETOOLONG;
	}
	/* a trailing slash means "directory": keep it for the index */
	len = strlen(path);
	if (len > 1 && path[len - 1] == '/' && strcmp(out, "/") != 0 &&
	    out[strlen(out) - 1] != '/')
		strlcat(out, "/", outsz);
	return 0;
}
