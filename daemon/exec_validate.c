/* SPDX-License-Identifier: ISC */
/*
 * exec_validate.c: may this script run?  The executor's own check of what
 * the front asks for, never trusting its routing: beneath a configured CGI
 * directory (or a cgi-route target), one directory at a time with
 * openat2(RESOLVE_BENEATH), suEXEC's ownership and mode rules.
 * Executor role; trusts only the configuration.
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
exec_match(const struct config *cfg, const char *script, size_t *policy,
    char *base, size_t basesz, const char **rest)
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
	for (i = 0; i < cfg->cf_nroute; i++)
		if (strcmp(script, cfg->cf_route[i].cr_script) == 0) {
			*policy = 0;
			*rest = script + 1;
			strlcpy(base, ".", basesz);
			return 0;
		}
	return -1;
}

static int
exec_openat2(int dirfd, const char *path, uint64_t flags)
{
	struct open_how	how;
	int		fd, tries;

	memset(&how, 0, sizeof(how));
	how.flags = flags | O_PATH | O_CLOEXEC;
	how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
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

/* the script user must not be able to replace anything in the path */
static enum msg_exec_result
exec_check_dir(const struct exec_ctx *ex, int fd, const char **why)
{
	struct stat	st;

	if (fstat(fd, &st) == -1) {
		*why = "cannot stat directory";
		return MSG_EXEC_FAILED;
	}
	if (st.st_mode & S_IWOTH) {
		*why = "directory writable by other";
		return MSG_EXEC_FORBIDDEN;
	}
	if (st.st_uid == ex->ex_sb->sb_uid) {
		*why = "directory owned by the script user";
		return MSG_EXEC_FORBIDDEN;
	}
	return MSG_EXEC_OK;
}

static enum msg_exec_result
exec_check_file(const struct exec_ctx *ex, int fd, int interp, const char **why)
{
	struct stat	st;

	*why = NULL;
	if (fstat(fd, &st) == -1)
		*why = "cannot stat";
	else if (S_ISDIR(st.st_mode))
		*why = "is a directory";
	else if (!S_ISREG(st.st_mode))
		*why = "not a regular file";
	/* nobody is neither owner nor group: only the "other" bits count */
	else if (!interp && !(st.st_mode & S_IXOTH))
		*why = "not executable";
	else if (interp && !(st.st_mode & S_IROTH))
		*why = "not readable by the script user";
	else if (st.st_mode & (S_ISUID | S_ISGID))
		*why = "setuid or setgid";
	else if (st.st_mode & (S_IWGRP | S_IWOTH))
		*why = "writable by group/other";
	else if (st.st_uid == ex->ex_sb->sb_uid)
		*why = "owned by the script user";
	return *why == NULL ? MSG_EXEC_OK : MSG_EXEC_FORBIDDEN;
}

/*
 * Open base, then each directory below it one component at a time, each
 * beneath the previous: a symlink cannot lead out of the CGI directory,
 * and every directory on the way is checked.  Returns the file's fd.
 */
static enum msg_exec_result
exec_walk(const struct exec_ctx *ex, const char *base, const char *rest,
    int interp, const char **why, int *err)
{
	char			 comp[NAME_MAX + 1];
	enum msg_exec_result	 res;
	size_t			 len;
	int			 fd, nfd;

	fd = exec_openat2(ex->ex_docroot_fd, base, O_DIRECTORY);
	for (;;) {
		if (fd == -1) {
			*err = errno;
			return exec_open_error(*err, why);
		}
		if ((res = exec_check_dir(ex, fd, why)) != MSG_EXEC_OK) {
			close(fd);
			*err = EACCES;
			return res;
		}
		if ((len = strcspn(rest, "/")) > NAME_MAX) {
			close(fd);
			*err = ENAMETOOLONG;
			return exec_open_error(*err, why);
		}
		memcpy(comp, rest, len);
		comp[len] = '\0';
		if (rest[len] == '\0')
			break;
		nfd = exec_openat2(fd, comp, O_DIRECTORY);
		close(fd);
		fd = nfd;
		rest += len + 1;
	}
	nfd = exec_openat2(fd, comp, 0);
	close(fd);
	if (nfd == -1) {
		*err = errno;
		return exec_open_error(*err, why);
	}
	res = exec_check_file(ex, nfd, interp, why);
	close(nfd);
	*err = res == MSG_EXEC_OK ? 0 : EACCES;
	return res;
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
	const char	*docroot = ex->ex_sb->sb_docroot, *rest;
	char		 base[CONFIG_URLPATH_MAX], *slash;
	int		 n;

	*err = EACCES;
	if (!exec_path_clean(script)) {
		*why = "not a normalised path";
		return MSG_EXEC_FORBIDDEN;
	}
	if (exec_match(ex->ex_cfg, script, &sc->sc_policy, base, sizeof(base),
	    &rest) == -1) {
		*why = "not beneath a CGI directory";
		return MSG_EXEC_FORBIDDEN;
	}
	sc->sc_interp = exec_interpreter(ex->ex_cfg, script);
	n = snprintf(sc->sc_file, sizeof(sc->sc_file), "%s%s",
	    strcmp(docroot, "/") == 0 ? "" : docroot, script);
	if (n < 0 || (size_t)n >= sizeof(sc->sc_file)) {
		*err = ENAMETOOLONG;
		*why = "path too long";
		return MSG_EXEC_NOTFOUND;
	}
	strlcpy(sc->sc_cwd, sc->sc_file, sizeof(sc->sc_cwd));
	slash = strrchr(sc->sc_cwd, '/');
	slash[slash == sc->sc_cwd ? 1 : 0] = '\0';
	return exec_walk(ex, base, rest, sc->sc_interp != NULL, why, err);
}
