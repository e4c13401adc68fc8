/* SPDX-License-Identifier: ISC */
/*
 * config_load.c: a configuration from its sources: the defaults, the file
 * (or the copy the parent sealed into a memfd for a re-executed role), the
 * command line; then the checks that need the file system and the user
 * database (the parent's, before it binds).  Runs in every role at start
 * and in the parent on SIGHUP; trusts no byte of the file.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "config_load.h"
#include "config_priv.h"
#include "keys.h"
#include "log.h"
#include "proc.h"
#include "sandbox.h"
#include "userdir.h"

#define CONFIG_LOAD_MAX	(1024 * 1024)

/* what config_load_file() last read, for config_load_reload() */
static struct config_load_src	config_load_last;

/* read a whole file (config) into a NUL-terminated buffer */
static char *
config_load_read_fd(int fd, size_t *lenp)
{
	char	*buf = NULL, *nbuf;
	size_t	 len = 0, cap = 0;
	ssize_t	 n;

	for (;;) {
		if (len + 4096 + 1 > cap) {
			cap = cap ? cap * 2 : 8192;
			if (cap > CONFIG_LOAD_MAX + 8192) {
				free(buf);
				errno = EFBIG;
				return NULL;
			}
			if ((nbuf = realloc(buf, cap)) == NULL) {
				free(buf);
				return NULL;
			}
			buf = nbuf;
		}
		n = pread(fd, buf + len, cap - len - 1, (off_t)len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			free(buf);
			return NULL;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	buf[len] = '\0';
	*lenp = len;
	return buf;
}

/* the config text: from -c FILE (parent) or the sealed memfd (child) */
static char *
config_load_text(const struct config_load_src *src, size_t *len,
    char *err, size_t errsz)
{
	char	*text;
	int	 fd;

	if (src->cls_sealed) {
		if ((text = config_load_read_fd(PROC_FD_CONFIG, len)) == NULL)
			snprintf(err, errsz, "config memfd: %s",
			    strerror(errno));
		return text;
	}
	if (src->cls_path == NULL) {
		*len = 0;
		return strdup("");
	}
	if ((fd = open(src->cls_path, O_RDONLY | O_CLOEXEC)) == -1) {
		snprintf(err, errsz, "%s:0: cannot open: %s", src->cls_path,
		    strerror(errno));
		return NULL;
	}
	if ((text = config_load_read_fd(fd, len)) == NULL)
		snprintf(err, errsz, "%s:0: cannot read: %s", src->cls_path,
		    strerror(errno));
	close(fd);
	return text;
}

/* defaults, file, command line: the one way a configuration is made */
static int
config_load_sources(const struct config_load_src *src, struct config *cfg,
    char **textp, size_t *lenp, char *err, size_t errsz)
{
	char	*text;
	size_t	 len;

	const char	*table = NULL;
	size_t		 clen;

	if ((text = config_load_text(src, &len, err, errsz)) == NULL)
		return -1;
	/* sealed: the configuration, a NUL, the parent's userdir table */
	clen = len;
	if (src->cls_sealed && (table = memchr(text, '\0', len)) != NULL)
		clen = (size_t)(table++ - text);
	config_defaults(cfg);
	if (config_parse(cfg, text, clen, src->cls_path ? src->cls_path :
	    "(none)", err, errsz) == -1 ||
	    config_apply_cli(cfg, &src->cls_cli, err, errsz) == -1 ||
	    (table != NULL && userdir_parse(table, len - clen - 1, cfg,
	    &cfg->cf_userdir_table, err, errsz) == -1)) {
		free(text);
		return -1;
	}
	config_finish(cfg);
	cfg->cf_file = src->cls_path;
	*textp = text;
	*lenp = len;
	return 0;
}

/*
 * Parent: the students userdir serves (userdir_load.c), and the text the
 * roles get: the configuration, a NUL (never in a configuration: a line
 * with one is an error), the table.
 */
int
config_load_userdir(struct config *cfg, char **text, size_t *len, char *err,
    size_t errsz)
{
	char	*t, *nt;
	size_t	 tl;

	if (userdir_load(cfg, err, errsz) == -1)
		return -1;
	if (cfg->cf_userdir_table == NULL)
		return 0;
	if (userdir_format(cfg->cf_userdir_table, &t, &tl) == -1 ||
	    (nt = realloc(*text, *len + 1 + tl)) == NULL) {
		(void)snprintf(err, errsz, "userdir: out of memory");
		return -1;
	}
	nt[*len] = '\0';
	memcpy(nt + *len + 1, t, tl);
	free(t);
	*text = nt;
	*len += 1 + tl;
	return 0;
}

int
config_load_file(const struct config_load_src *src, struct config *cfg,
    char **text, size_t *len, char *err, size_t errsz)
{
	config_load_last = *src;
	return config_load_sources(&config_load_last, cfg, text, len, err,
	    errsz);
}

/* parent, on SIGHUP: the same sources again, checked the same way */
int
config_load_reload(struct config *cfg, char **text, size_t *len, char *err,
    size_t errsz)
{
	if (config_load_sources(&config_load_last, cfg, text, len, err,
	    errsz) == -1)
		return -1;
	if (config_load_validate(cfg, err, errsz) == -1 ||
	    config_load_userdir(cfg, text, len, err, errsz) == -1) {
		free(*text);
		*text = NULL;
		return -1;
	}
	return 0;
}

/* where a value comes from: "FILE:LINE", the command line, a default */
const char *
config_load_where(const struct config *cfg, size_t line, char *buf,
    size_t bufsz)
{
	if (line == CONFIG_LINE_CLI)
		return "command line";
	if (line == 0 || cfg->cf_file == NULL)
		return "cgijail";
	(void)snprintf(buf, bufsz, "%s:%zu", cfg->cf_file, line);
	return buf;
}

int
config_load_err(const struct config *cfg, size_t line, char *err,
    size_t errsz, const char *fmt, ...)
{
	char	where[PATH_MAX + 32], msg[CONFIG_ERR_MAX];
	va_list	ap;

	va_start(ap, fmt);
	(void)vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	(void)snprintf(err, errsz, "%s: %s", config_load_where(cfg, line,
	    where, sizeof(where)), msg);
	return -1;
}

static int
config_load_check_root(const struct config *cfg, char *err, size_t errsz)
{
	struct stat	st;

	if (stat(cfg->cf_root, &st) == -1)
		return config_load_err(cfg, cfg->cf_root_line, err, errsz,
		    "root %s: %s", cfg->cf_root, strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return config_load_err(cfg, cfg->cf_root_line, err, errsz,
		    "root %s: not a directory", cfg->cf_root);
	return 0;
}

/* an account that exists and is not root; its uid into *uid */
static int
config_load_check_user(const struct config *cfg, const char *kw,
    const char *name, size_t line, uid_t *uid, char *err, size_t errsz)
{
	struct passwd	*pw;

	errno = 0;
	if ((pw = getpwnam(name)) == NULL)
		return config_load_err(cfg, line, err, errsz, "%s %s: %s%s",
		    kw, name, errno != 0 ? strerror(errno) : "no such user",
		    line == 0 ? " (the default; name an existing user with "
		    "a script-user line)" : "");
	if (pw->pw_uid == 0 || pw->pw_gid == 0)
		return config_load_err(cfg, line, err, errsz, "%s %s: has uid "
		    "or gid 0, the powers of root", kw, name);
	*uid = pw->pw_uid;
	return 0;
}

static int
config_load_check_users(const struct config *cfg, char *err, size_t errsz)
{
	uid_t	front, script;

	if (config_load_check_user(cfg, "script-user", cfg->cf_script_user,
	    cfg->cf_script_user_line, &script, err, errsz) == -1)
		return -1;
	if (cfg->cf_user[0] == '\0')
		return 0;
	if (config_load_check_user(cfg, "user", cfg->cf_user,
	    cfg->cf_user_line, &front, err, errsz) == -1)
		return -1;
	if (front == script)
		return config_load_err(cfg, cfg->cf_user_line, err, errsz,
		    "user %s: has the uid %u of script-user %s; the front and "
		    "the scripts must run as different users", cfg->cf_user,
		    (unsigned)front, cfg->cf_script_user);
	return 0;
}

/*
 * A jail-bind-rw directory the script user does not own takes no new
 * file: the bind is idmapped to the script user, and the kernel refuses
 * to create in a directory whose owner the idmap cannot map, whatever
 * its mode.  Allowed (files below may be the script user's), but said.
 * Rootless, the bind is plain (no idmap): the host's modes decide.
 */
static void
config_load_warn_rw(const struct config *cfg, const struct config_bind *cb,
    const struct stat *st)
{
	struct passwd	*pw;
	char		 where[PATH_MAX + 32];

	if (!cb->cb_rw || !S_ISDIR(st->st_mode) || rootless_active() ||
	    (pw = getpwnam(cfg->cf_script_user)) == NULL ||
	    st->st_uid == pw->pw_uid)
		return;
	log_warnx("%s: jail-bind-rw %s: owned by uid %u, not by script-user "
	    "%s: a script cannot create a file in it (the bind maps only %s's "
	    "files); give it to %s (install -d -o %s) or bind one it owns",
	    config_load_where(cfg, cb->cb_line, where, sizeof(where)),
	    cb->cb_src, (unsigned)st->st_uid, cfg->cf_script_user,
	    cfg->cf_script_user, cfg->cf_script_user, cfg->cf_script_user);
}

/* jail-bind sources exist (the targets were checked by the parser) */
static int
config_load_check_binds(const struct config *cfg, char *err, size_t errsz)
{
	const struct config_bind	*cb;
	struct stat			 st;
	size_t				 i;

	for (i = 0; i < cfg->cf_nbind; i++) {
		cb = &cfg->cf_bind[i];
		if (stat(cb->cb_src, &st) == -1)
			return config_load_err(cfg, cb->cb_line, err, errsz,
			    "%s %s: %s", cb->cb_rw ? "jail-bind-rw" :
			    "jail-bind", cb->cb_src, strerror(errno));
		config_load_warn_rw(cfg, cb, &st);
	}
	return 0;
}

/* an interpreter is an executable regular file */
static int
config_load_check_interps(const struct config *cfg, char *err, size_t errsz)
{
	const struct config_interp	*ci;
	struct stat			 st;
	size_t				 i;

	for (i = 0; i < cfg->cf_ninterp; i++) {
		ci = &cfg->cf_interp[i];
		if (stat(ci->ci_path, &st) == -1)
			return config_load_err(cfg, ci->ci_line, err, errsz,
			    "interpreter %s %s: %s", ci->ci_ext, ci->ci_path,
			    strerror(errno));
		if (!S_ISREG(st.st_mode) || (st.st_mode & 0111) == 0)
			return config_load_err(cfg, ci->ci_line, err, errsz,
			    "interpreter %s %s: not an executable file",
			    ci->ci_ext, ci->ci_path);
	}
	return 0;
}

/* every policy file compiles as the executor will compile it */
static int
config_load_check_policies(const struct config *cfg, char *err,
    size_t errsz)
{
	const struct config_cgidir	*cd;
	struct filter_prog		 prog;
	char				 why[FILTER_ERR_MAX];
	size_t				 i;

	for (i = 0; i < cfg->cf_ncgidir; i++) {
		cd = &cfg->cf_cgidir[i];
		if (cd->cd_policy[0] == '\0')
			continue;
		why[0] = '\0';
		if (filter_compile_file(cd->cd_policy, FILTER_FLOOR, &prog, why,
		    sizeof(why)) == -1)
			return config_load_err(cfg, cd->cd_line, err, errsz,
			    "cgi-dir %s: policy %s", cd->cd_urlpath,
			    why[0] != '\0' ? why : "does not compile");
		filter_free(&prog);
	}
	return 0;
}

/* authenticate only where passwords cannot be read on the way */
static int
config_load_check_auth(const struct config *cfg, char *err, size_t errsz)
{
	char	why[CONFIG_ERR_MAX / 2];
	size_t	line;

	if (config_auth_listeners(cfg, &line, why, sizeof(why)) == -1)
		return config_load_err(cfg, line, err, errsz, "%s", why);
	return 0;
}

/* the TLS files read and checked as the parent will seal them */
static int
config_load_check_keys(const struct config *cfg, char *err, size_t errsz)
{
	struct keys	k;

	if (keys_load(cfg, &k, err, errsz) == -1)
		return -1;
	keys_free(&k);
	return 0;
}

/* a log file's directory exists: the parent creates only the file */
static int
config_load_check_log(const struct config *cfg, const char *kw,
    const char *path, size_t line, char *err, size_t errsz)
{
	char		 dir[PATH_MAX];
	const char	*slash;
	struct stat	 st;

	if (path[0] != '/')
		return 0;	/* stderr, syslog */
	slash = strrchr(path, '/');
	(void)snprintf(dir, sizeof(dir), "%.*s", slash == path ? 1 :
	    (int)(slash - path), path);
	if (stat(dir, &st) == -1)
		return config_load_err(cfg, line, err, errsz, "%s %s: %s: %s",
		    kw, path, dir, strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return config_load_err(cfg, line, err, errsz, "%s %s: %s: not "
		    "a directory", kw, path, dir);
	return 0;
}

/*
 * What the roles will need, resolved now: an error here is FILE:LINE
 * before anything is bound, never a role that fails at its start.
 */
int
config_load_validate(const struct config *cfg, char *err, size_t errsz)
{
	char	where[PATH_MAX + 32];

	if (config_metrics_check(cfg, config_load_where(cfg,
	    cfg->cf_metrics_line, where, sizeof(where)), err, errsz) == -1 ||
	    config_load_check_root(cfg, err, errsz) == -1 ||
	    config_load_check_auth(cfg, err, errsz) == -1 ||
	    config_load_check_users(cfg, err, errsz) == -1 ||
	    config_load_check_binds(cfg, err, errsz) == -1 ||
	    config_load_check_interps(cfg, err, errsz) == -1 ||
	    config_load_check_policies(cfg, err, errsz) == -1 ||
	    config_load_check_log(cfg, "access-log", cfg->cf_access_log,
	    cfg->cf_access_log_line, err, errsz) == -1 ||
	    config_load_check_log(cfg, "error-log", cfg->cf_error_log,
	    cfg->cf_error_log_line, err, errsz) == -1 ||
	    config_load_check_keys(cfg, err, errsz) == -1)
		return -1;
	return 0;
}
