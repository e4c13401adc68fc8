/* SPDX-License-Identifier: ISC */
/*
 * exec_validate.c: may this script run?  The executor's own check of what
 * the front asks for, never trusting its routing: beneath a configured CGI
 * directory (or a cgi-route target), its links resolved by our own walk,
 * every directory on the real path checked, suEXEC's ownership and mode
 * rules (a student's script, userdir: beneath a CGI directory of the
 * student's tree, owned by that student, nobody else may write it or a
 * directory on its way); the file that passed is the descriptor that
 * will run.  Executor role; trusts only the configuration.
 */
#include <sys/stat.h>
#include <sys/syscall.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "executor.h"
#include "msg.h"
#include "path.h"
#include "sandbox.h"

/* a normalised absolute path: no empty, "." or ".." segment */
static int
exec_path_clean(const char *p)
{
	const char	*seg;
	size_t		 len;

	if (p[0] != '/')
		return 0;
	while (*p == '/') {
		seg = ++p;
		len = strcspn(seg, "/");
		if (len == 0 || (len == 1 && seg[0] == '.') ||
		    (len == 2 && seg[0] == '.' && seg[1] == '.'))
			return 0;
		p = seg + len;
	}
	return 1;
}

/*
 * Where the front says the script is must be where the configuration
 * allows scripts: beneath a cgi-dir (the longest match picks the
 * policy), or exactly a cgi-route target (policy 0).  Sets the base
 * directory relative to the docroot and the rest of the path.
 */
static int
exec_match(const struct config *cfg, const char *script, int routes,
    size_t *policy, char *base, size_t basesz, const char **rest)
{
	const char	*u;
	size_t		 i, ulen, best = SIZE_MAX;

	for (i = 0; i < cfg->cf_ncgidir && i < SANDBOX_POLICY_MAX; i++) {
		u = cfg->cf_cgidir[i].cd_urlpath;
		ulen = strlen(u);
		while (ulen > 0 && u[ulen - 1] == '/')
			ulen--;
		if (strncmp(script, u, ulen) != 0 || script[ulen] != '/' ||
		    script[ulen + 1] == '\0' ||
		    (best != SIZE_MAX && ulen <= best))
			continue;
		best = ulen;
		*policy = i;
		*rest = script + ulen + 1;
		strlcpy(base, ulen == 0 ? "." : u + 1,
		    ulen == 0 ? basesz : ulen);	/* no leading '/' */
	}
	if (best != SIZE_MAX)
		return 0;
	for (i = 0; routes && i < cfg->cf_nroute; i++)
		if (strcmp(script, cfg->cf_route[i].cr_script) == 0) {
			*policy = 0;
			*rest = script + 1;
			strlcpy(base, ".", basesz);
			return 0;
		}
	return -1;
}

/* the root's path: the document root, or the student's tree */
static const char *
exec_root(const struct exec_ctx *ex)
{
	return ex->ex_root != NULL ? ex->ex_root : ex->ex_sb->sb_docroot;
}

/* one name (or ".") beneath dirfd, never through a link */
static int
exec_openat2(int dirfd, const char *path, uint64_t flags, int pathonly)
{
	struct open_how	how;
	int		fd, tries;

	memset(&how, 0, sizeof(how));
	how.flags = flags | O_NOFOLLOW | O_CLOEXEC | (pathonly ? O_PATH : 0);
	how.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS |
	    RESOLVE_NO_MAGICLINKS;
	/* EAGAIN: a concurrent rename made ".." ambiguous; retry a little */
	for (tries = 0; tries < 4; tries++) {
		fd = (int)syscall(SYS_openat2, dirfd, path, &how, sizeof(how));
		if (fd != -1 || (errno != EAGAIN && errno != EINTR))
			break;
	}
	return fd;
}

static enum msg_exec_result
exec_open_error(int err, const char **why)
{
	switch (err) {
	case ENOENT:
	case ENOTDIR:
	case ENAMETOOLONG:
		*why = "no such file";
		return MSG_EXEC_NOTFOUND;
	case EXDEV:
		*why = "resolves outside its CGI directory";
		return MSG_EXEC_FORBIDDEN;
	case ELOOP:
		*why = "symbolic link loop or magic link";
		return MSG_EXEC_FORBIDDEN;
	case EACCES:
	case EPERM:
		*why = "permission denied";
		return MSG_EXEC_FORBIDDEN;
	default:
		*why = "cannot open";
		return MSG_EXEC_FAILED;
	}
}

/*
 * A student's directory: nobody but the student (or root) may replace
 * what is in it, as suEXEC has it; no group either, however private.
 */
static enum msg_exec_result
exec_check_user_dir(const struct exec_ctx *ex, const struct stat *st,
    const char **why)
{
	if (st->st_mode & (S_IWGRP | S_IWOTH))
		*why = "directory writable by group or others";
	else if (st->st_uid != ex->ex_user->su_uid && st->st_uid != 0)
		*why = "directory owned by another user";
	else
		return MSG_EXEC_OK;
	return MSG_EXEC_FORBIDDEN;
}

/* the script user must not be able to replace anything in the path */
static enum msg_exec_result
exec_check_dir(const struct exec_ctx *ex, int fd, const char **why)
{
	struct stat	st;

	if (fstat(fd, &st) == -1) {
		*why = "cannot stat directory";
		return MSG_EXEC_FAILED;
	}
	if (ex->ex_user != NULL)
		return exec_check_user_dir(ex, &st, why);
	if (st.st_mode & S_IWOTH) {
		*why = "directory writable by other";
		return MSG_EXEC_FORBIDDEN;
	}
	if (st.st_uid == ex->ex_sb->sb_uid && !rootless_active()) {
		*why = "directory owned by the script user";
		return MSG_EXEC_FORBIDDEN;
	}
	return MSG_EXEC_OK;
}

/* a student's script: its own, and its own alone to change (suEXEC) */
static enum msg_exec_result
exec_check_user_file(const struct exec_ctx *ex, const struct stat *st,
    int interp, const char **why)
{
	*why = NULL;
	if (S_ISDIR(st->st_mode))
		*why = "is a directory";
	else if (!S_ISREG(st->st_mode))
		*why = "not a regular file";
	else if (st->st_uid != ex->ex_user->su_uid)
		*why = "not owned by the student";
	else if (!interp && !(st->st_mode & S_IXUSR))
		*why = "not executable";
	else if (interp && !(st->st_mode & S_IRUSR))
		*why = "not readable by the student";
	else if (st->st_mode & (S_ISUID | S_ISGID))
		*why = "setuid or setgid";
	else if (st->st_mode & (S_IWGRP | S_IWOTH))
		*why = "writable by group/other";
	return *why == NULL ? MSG_EXEC_OK : MSG_EXEC_FORBIDDEN;
}

static enum msg_exec_result
exec_check_file(const struct exec_ctx *ex, const struct stat *st, int interp,
    const char **why)
{
	if (ex->ex_user != NULL)
		return exec_check_user_file(ex, st, interp, why);
	*why = NULL;
	if (S_ISDIR(st->st_mode))
		*why = "is a directory";
	else if (!S_ISREG(st->st_mode))
		*why = "not a regular file";
	/* nobody is neither owner nor group: only the "other" bits count */
	else if (!interp && !(st->st_mode & S_IXOTH))
		*why = "not executable";
	else if (interp && !(st->st_mode & S_IROTH))
		*why = "not readable by the script user";
	else if (st->st_mode & (S_ISUID | S_ISGID))
		*why = "setuid or setgid";
	else if (st->st_mode & (S_IWGRP | S_IWOTH))
		*why = "writable by group/other";
	/* rootless, every file is the script user's on the host: the
	 * read-only jail and landlock keep a script from rewriting it */
	else if (st->st_uid == ex->ex_sb->sb_uid && !rootless_active())
		*why = "owned by the script user";
	return *why == NULL ? MSG_EXEC_OK : MSG_EXEC_FORBIDDEN;
}

/*
 * Walk rel, a path already resolved (no symlink left), from dirfd one
 * directory at a time, refusing any link a rename may have put there
 * since, checking every directory entered.  On success *dirfd is the
 * last directory and *last the final component (NULL when rel names no
 * component: dirfd itself is the result).
 */
static enum msg_exec_result
exec_walk_dirs(const struct exec_ctx *ex, int *dirfd, const char *rel,
    char *comp, const char **last, const char **why, int *err)
{
	enum msg_exec_result	 res;
	size_t			 len;
	int			 nfd;

	*last = NULL;
	for (;;) {
		if ((res = exec_check_dir(ex, *dirfd, why)) != MSG_EXEC_OK) {
			*err = res == MSG_EXEC_FAILED ? errno : EACCES;
			return res;
		}
		while (*rel == '/')
			rel++;
		if (*rel == '\0')
			return MSG_EXEC_OK;
		if ((len = strcspn(rel, "/")) > NAME_MAX) {
			*err = ENAMETOOLONG;
			return exec_open_error(*err, why);
		}
		memcpy(comp, rel, len);
		comp[len] = '\0';
		rel += len;
		if (rel[strspn(rel, "/")] == '\0') {
			*last = comp;
			return MSG_EXEC_OK;
		}
		nfd = exec_openat2(*dirfd, comp, O_DIRECTORY, 1);
		if (nfd == -1) {
			*err = errno;
			return exec_open_error(*err, why);
		}
		close(*dirfd);
		*dirfd = nfd;
	}
}

/*
 * The CGI directory (base, beneath the document root) and the script
 * beneath it, each resolved by our own walk: links are followed only
 * while they stay beneath, and every directory on the real path is
 * checked, not only the ones the URL names.  Fills sc_file with the
 * real path and returns with *dirfd the script's directory and comp its
 * name.
 */
static enum msg_exec_result
exec_resolve(const struct exec_ctx *ex, const char *base, const char *rest,
    struct exec_script *sc, int *dirfd, char *comp, const char **why,
    int *err)
{
	char			 rbase[PATH_RESOLVE_MAX], rrest[PATH_RESOLVE_MAX];
	char			 buf[PATH_MAX];
	const char		*last;
	enum msg_exec_result	 res;
	int			 n;

	if ((size_t)snprintf(buf, sizeof(buf), "/%s", strcmp(base, ".") ?
	    base : "") >= sizeof(buf) ||
	    path_resolve(ex->ex_docroot_fd, buf, rbase, sizeof(rbase)) == -1) {
		*err = errno;
		return exec_open_error(*err, why);
	}
	if ((*dirfd = exec_openat2(ex->ex_docroot_fd, ".", O_DIRECTORY,
	    1)) == -1) {
		*err = errno;
		return exec_open_error(*err, why);
	}
	res = exec_walk_dirs(ex, dirfd, rbase, comp, &last, why, err);
	if (res == MSG_EXEC_OK && last != NULL) {
		/* the CGI directory itself is the last component */
		n = exec_openat2(*dirfd, last, O_DIRECTORY, 1);
		close(*dirfd);
		if ((*dirfd = n) == -1) {
			*err = errno;
			return exec_open_error(*err, why);
		}
		res = exec_check_dir(ex, *dirfd, why);
		*err = res == MSG_EXEC_OK ? 0 : EACCES;
	}
	if (res != MSG_EXEC_OK)
		return res;
	if ((size_t)snprintf(buf, sizeof(buf), "/%s", rest) >= sizeof(buf) ||
	    path_resolve(*dirfd, buf, rrest, sizeof(rrest)) == -1) {
		*err = errno;
		return exec_open_error(*err, why);
	}
	res = exec_walk_dirs(ex, dirfd, rrest, comp, &last, why, err);
	if (res != MSG_EXEC_OK)
		return res;
	if (last == NULL) {
		*err = EACCES;
		*why = "is a directory";
		return MSG_EXEC_FORBIDDEN;
	}
	n = snprintf(sc->sc_file, sizeof(sc->sc_file), "%s%s%s",
	    strcmp(exec_root(ex), "/") == 0 ? "" : exec_root(ex),
	    strcmp(rbase, "/") == 0 ? "" : rbase, rrest);
	if (n < 0 || (size_t)n >= sizeof(sc->sc_file)) {
		*err = ENAMETOOLONG;
		return exec_open_error(*err, why);
	}
	return MSG_EXEC_OK;
}

/* what kind of program: the first bytes, kept for the exec's hints */
static void
exec_read_head(struct exec_script *sc)
{
	ssize_t	 n;
	char	*nl;

	n = pread(sc->sc_fd, sc->sc_head, sizeof(sc->sc_head) - 1, 0);
	sc->sc_headlen = n < 0 ? 0 : (size_t)n;
	sc->sc_head[sc->sc_headlen] = '\0';
	if (sc->sc_headlen >= 4 && memcmp(sc->sc_head, "\177ELF", 4) == 0)
		sc->sc_kind = EXEC_KIND_ELF;
	else if (sc->sc_headlen >= 2 && memcmp(sc->sc_head, "#!", 2) == 0) {
		sc->sc_kind = EXEC_KIND_SHEBANG;
		/* only the #! line is kept */
		if ((nl = memchr(sc->sc_head, '\n', sc->sc_headlen)) != NULL) {
			*nl = '\0';
			sc->sc_headlen = (size_t)(nl - sc->sc_head);
		}
	} else
		sc->sc_kind = EXEC_KIND_OTHER;
}

/*
 * The file itself: looked at without opening it (a FIFO would block, a
 * device could act), then opened for reading as the same inode; that
 * descriptor is what runs (execveat), or what the child binds over its
 * path for an interpreter.
 */
static enum msg_exec_result
exec_open_file(const struct exec_ctx *ex, int dirfd, const char *name,
    struct exec_script *sc, const char **why, int *err)
{
	enum msg_exec_result	 res;
	struct stat		 st;
	int			 fd;

	if ((fd = exec_openat2(dirfd, name, 0, 1)) == -1) {
		*err = errno;
		return exec_open_error(*err, why);
	}
	if (fstat(fd, &sc->sc_st) == -1) {
		*err = errno;
		close(fd);
		*why = "cannot stat";
		return MSG_EXEC_FAILED;
	}
	close(fd);
	if ((res = exec_check_file(ex, &sc->sc_st, sc->sc_interp != NULL,
	    why)) != MSG_EXEC_OK) {
		*err = EACCES;
		return res;
	}
	if ((fd = exec_openat2(dirfd, name, O_RDONLY | O_NONBLOCK, 0)) == -1) {
		*err = errno;
		return exec_open_error(*err, why);
	}
	if (fstat(fd, &st) == -1 || st.st_dev != sc->sc_st.st_dev ||
	    st.st_ino != sc->sc_st.st_ino) {
		close(fd);
		*err = ESTALE;
		*why = "changed while it was checked";
		return MSG_EXEC_FORBIDDEN;
	}
	sc->sc_fd = fd;
	exec_read_head(sc);
	*err = 0;
	return MSG_EXEC_OK;
}

/* an `interpreter .EXT PATH` line for this file name, or NULL */
static const char *
exec_interpreter(const struct config *cfg, const char *script)
{
	const char	*slash, *dot;
	size_t		 i;

	slash = strrchr(script, '/');
	dot = strrchr(slash != NULL ? slash : script, '.');
	if (dot == NULL)
		return NULL;
	for (i = 0; i < cfg->cf_ninterp; i++)
		if (strcmp(dot, cfg->cf_interp[i].ci_ext) == 0)
			return cfg->cf_interp[i].ci_path;
	return NULL;
}

enum msg_exec_result
exec_validate_script(const struct exec_ctx *ex, const char *script,
    struct exec_script *sc, const char **why, int *err)
{
	const char		*rest;
	char			 base[CONFIG_URLPATH_MAX], comp[NAME_MAX + 1];
	char			*slash;
	enum msg_exec_result	 res;
	int			 dirfd = -1;

	*err = EACCES;
	sc->sc_fd = -1;
	if (!exec_path_clean(script)) {
		*why = "not a normalised path";
		return MSG_EXEC_FORBIDDEN;
	}
	/* a student's: "/~NAME" off, and no cgi-route in a tree */
	if (ex->ex_user != NULL && (strlen(script) <= ex->ex_prefix ||
	    script[ex->ex_prefix] != '/')) {
		*why = "not in the student's tree";
		return MSG_EXEC_FORBIDDEN;
	}
	if (exec_match(ex->ex_cfg, script + ex->ex_prefix, ex->ex_user == NULL,
	    &sc->sc_policy, base, sizeof(base), &rest) == -1) {
		*why = "not beneath a CGI directory";
		return MSG_EXEC_FORBIDDEN;
	}
	sc->sc_interp = exec_interpreter(ex->ex_cfg, script);
	if (strlen(exec_root(ex)) + strlen(script) >= sizeof(sc->sc_file)) {
		*err = ENAMETOOLONG;
		*why = "path too long";
		return MSG_EXEC_NOTFOUND;
	}
	res = exec_resolve(ex, base, rest, sc, &dirfd, comp, why, err);
	if (res == MSG_EXEC_OK)
		res = exec_open_file(ex, dirfd, comp, sc, why, err);
	if (dirfd != -1)
		close(dirfd);
	if (res != MSG_EXEC_OK)
		return res;
	strlcpy(sc->sc_cwd, sc->sc_file, sizeof(sc->sc_cwd));
	slash = strrchr(sc->sc_cwd, '/');
	slash[slash == sc->sc_cwd ? 1 : 0] = '\0';
	return MSG_EXEC_OK;
}

void
exec_script_close(struct exec_script *sc)
{
	if (sc->sc_fd != -1)
		close(sc->sc_fd);
	sc->sc_fd = -1;
}
