/* SPDX-License-Identifier: ISC */
/*
 * path.c: resolve the symlinks of a path ourselves, beneath a directory,
 * so that every decision is made on where the bytes really are: the
 * front routes on it (a link named /alias.txt pointing into cgi-bin/ must
 * never serve a script's source), the executor validates and runs the
 * real file; and the front's test of a path against a CGI directory as a
 * case-insensitive file system would see it.  Front and executor; trusts
 * neither the path nor the tree's symlinks.
 */
#include <sys/stat.h>
#include <sys/syscall.h>

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <string.h>
#include <unistd.h>

#include "path.h"

/* open one already-canonical path without following anything */
static int
path_open(int rootfd, const char *path)
{
	struct open_how	how = { .flags = O_PATH | O_NOFOLLOW | O_CLOEXEC,
	    .resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS |
	    RESOLVE_NO_MAGICLINKS };

	return (int)syscall(SYS_openat2, rootfd, path[1] ? path + 1 : ".",
	    &how, sizeof(how));
}

/* drop the last component of a canonical path ("/a/b" -> "/a") */
static int
path_up(char *res)
{
	char	*slash;

	if (strcmp(res, "/") == 0) {
		errno = EXDEV;	/* above the root */
		return -1;
	}
	slash = strrchr(res, '/');
	if (slash == res)
		slash[1] = '\0';
	else
		*slash = '\0';
	return 0;
}

/* rest := target + rest, in place */
static int
path_splice(char *rest, size_t restsz, const char *target,
    size_t tlen)
{
	size_t	rlen = strlen(rest);

	/* rest is "" or starts with '/': no separator to add */
	if (tlen + rlen + 1 > restsz) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memmove(rest + tlen, rest, rlen + 1);
	memcpy(rest, target, tlen);
	return 0;
}

/* append component to the canonical path */
static int
path_push(char *res, size_t ressz, const char *comp, size_t len)
{
	size_t	rl = strlen(res);

	if (rl + 1 + len + 1 > ressz) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if (rl > 1)
		res[rl++] = '/';
	memcpy(res + rl, comp, len);
	res[rl + len] = '\0';
	return 0;
}

/*
 * One walk from the root: pw_out is resolved and canonical, pw_comp the
 * next component of what is still to go in pw_rest (a link's target is
 * spliced in there, ahead of the rest).
 */
struct path_walk {
	int		 pw_rootfd;
	char		*pw_out;
	size_t		 pw_outsz;
	char		 pw_rest[PATH_RESOLVE_MAX + 1];
	const char	*pw_comp;
	int		 pw_links;
};

/* what one step of the walk says: go on, stop here, or fail (errno) */
enum path_step {
	PATH_NEXT,
	PATH_STOP,
	PATH_ERR
};

/* the component at pw_comp (len bytes) is a symlink, open as fd */
static enum path_step
path_follow(struct path_walk *w, int fd, size_t len)
{
	char	target[PATH_RESOLVE_MAX + 1];
	ssize_t	tl;

	tl = readlinkat(fd, "", target, sizeof(target) - 1);
	close(fd);
	if (tl <= 0 || ++w->pw_links > PATH_LINKS_MAX) {
		errno = tl <= 0 ? EIO : ELOOP;
		return PATH_ERR;
	}
	if (target[0] == '/') {
		errno = EXDEV;	/* absolute: not beneath by design */
		return PATH_ERR;
	}
	path_up(w->pw_out);
	w->pw_comp += len;
	memmove(w->pw_rest, w->pw_comp, strlen(w->pw_comp) + 1);
	if (path_splice(w->pw_rest, sizeof(w->pw_rest), target,
	    (size_t)tl) == -1)
		return PATH_ERR;
	w->pw_comp = w->pw_rest;
	return PATH_NEXT;
}

/* "." stays, ".." climbs (never above the root) */
static enum path_step
path_dots(struct path_walk *w, size_t len)
{
	if (len == 2 && path_up(w->pw_out) == -1)
		return PATH_ERR;
	w->pw_comp += len;
	return PATH_NEXT;
}

/* one component: look at what it names in the tree */
static enum path_step
path_step(struct path_walk *w)
{
	struct stat	 st;
	size_t		 len;
	int		 fd, saved;

	while (*w->pw_comp == '/')
		w->pw_comp++;
	if (*w->pw_comp == '\0')
		return PATH_STOP;
	len = strcspn(w->pw_comp, "/");
	if ((len == 1 && w->pw_comp[0] == '.') ||
	    (len == 2 && w->pw_comp[0] == '.' && w->pw_comp[1] == '.'))
		return path_dots(w, len);
	if (path_push(w->pw_out, w->pw_outsz, w->pw_comp, len) == -1)
		return PATH_ERR;
	if ((fd = path_open(w->pw_rootfd, w->pw_out)) == -1) {
		path_up(w->pw_out);
		return PATH_STOP;	/* missing: the rest is for 404 */
	}
	if (fstat(fd, &st) == -1) {
		saved = errno;
		close(fd);
		errno = saved;
		return PATH_ERR;
	}
	if (S_ISLNK(st.st_mode))
		return path_follow(w, fd, len);
	close(fd);
	w->pw_comp += len;
	/* a file: the rest is PATH_INFO */
	return S_ISDIR(st.st_mode) ? PATH_NEXT : PATH_STOP;
}

/*
 * After the walk: the unresolved tail (PATH_INFO or missing) verbatim,
 * and a trailing slash of path, which means "directory": kept for the
 * index.
 */
static int
path_tail(const char *path, const char *comp, char *out, size_t outsz)
{
	size_t	len;

	if (*comp != '\0') {
		if ((comp[0] != '/' && strcmp(out, "/") != 0 &&
		    strlcat(out, "/", outsz) >= outsz) ||
		    strlcat(out, comp[0] == '/' && strcmp(out, "/") == 0 ?
		    comp + 1 : comp, outsz) >= outsz) {
			errno = ENAMETOOLONG;
			return -1;
		}
	}
	len = strlen(path);
	if (len > 1 && path[len - 1] == '/' && strcmp(out, "/") != 0 &&
	    out[strlen(out) - 1] != '/')
		strlcat(out, "/", outsz);
	return 0;
}

/* see path.h */
int
path_resolve(int rootfd, const char *path, char *out, size_t outsz)
{
	struct path_walk	w = { .pw_rootfd = rootfd, .pw_out = out,
	    .pw_outsz = outsz };
	enum path_step	step;

	if (strlcpy(w.pw_rest, path, sizeof(w.pw_rest)) >= sizeof(w.pw_rest) ||
	    outsz < 2) {
		errno = ENAMETOOLONG;
		return -1;
	}
	strlcpy(out, "/", outsz);
	w.pw_comp = w.pw_rest;
	while ((step = path_step(&w)) == PATH_NEXT)
		;
	if (step == PATH_ERR)
		return -1;
	return path_tail(path, w.pw_comp, out, outsz);
}

/*
 * One character of *s as a case-insensitive file system folds it, for
 * the characters that fold to ASCII: ASCII letters, and the two others
 * whose folding (with NFD) ends in an ASCII letter, U+212A KELVIN SIGN
 * (k) and U+017F LATIN SMALL LETTER LONG S (s).  Any other byte is
 * itself.  *s moves past the character.
 */
static unsigned char
path_fold(const char **s)
{
	const unsigned char	*p = (const unsigned char *)*s;

	if (p[0] == 0xe2 && p[1] == 0x84 && p[2] == 0xaa) {
		*s += 3;
		return 'k';
	}
	if (p[0] == 0xc5 && p[1] == 0xbf) {
		*s += 2;
		return 's';
	}
	*s += 1;
	return p[0] >= 'A' && p[0] <= 'Z' ? p[0] - 'A' + 'a' : p[0];
}

/*
 * Does path lie in dir (its first dirlen bytes; trailing slashes of dir
 * do not count), comparing as a case-insensitive file system would?  1 or
 * 0.  Pure: the router's guard against serving a CGI directory's scripts
 * as files through another spelling of its name.
 */
int
path_under_nocase(const char *path, const char *dir, size_t dirlen)
{
	const char	*end;

	while (dirlen > 0 && dir[dirlen - 1] == '/')
		dirlen--;
	if (dirlen == 0)
		return 1;	/* "/" holds everything */
	for (end = dir + dirlen; dir < end; )
		if (*path == '\0' || path_fold(&path) !=
		    path_fold(&dir))
			return 0;
	return dir == end && (*path == '\0' || *path == '/');
}
