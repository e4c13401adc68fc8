/* SPDX-License-Identifier: ISC */
/*
 * userdir_load.c: which students are served as /~NAME/, resolved by the
 * parent (root) from the passwd database at start, for -n and on SIGHUP:
 * accounts from userdir-min-uid up (never root, nobody, the scripts' or
 * the front's uids) whose HOME/DIR is a directory of their own that
 * nobody else may write, reached without following a link they made;
 * with the limits the teacher's userdir-limits file lowers.  Trusts the
 * passwd database, not the homes, and the limits file only once it is
 * the teacher's.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "config_load.h"
#include "sandbox.h"
#include "userdir.h"

#define USERDIR_LIMITS_FILE_MAX	(1024 * 1024)
#define USERDIR_LIMITS_MAX	4096	/* lines of the limits file */
#define USERDIR_UID_NOBODY	65534
#define USERDIR_FRONT_ID	64990	/* confine.c's fallback */

/* what the jail needs for itself: a tree cannot be shown below these */
static const char *const userdir_jail_dirs[] = {
	"usr", "bin", "sbin", "lib", "lib32", "lib64", "libx32", "etc",
	"dev", "proc"
};

/* one line of the limits file, kept */
struct userdir_lim {
	char		ul_name[USERDIR_NAME_MAX + 1];
	char		ul_kind[16];
	size_t		ul_line;
	int		ul_used;
	struct userdir_limit ul_lim;
};

struct userdir_load {
	const struct config	*ud_cfg;
	struct userdir_table	*ud_ut;
	struct userdir_lim	*ud_lim;
	size_t			 ud_nlim;
	size_t			 ud_cap;
	const char		*ud_limits_file;
	char			 ud_docroot[PATH_MAX];
	uid_t			 ud_front_uid;
	int			 ud_full;	/* USERDIR_MAX said once */
};

/* a line of the limits file: kept, once per account and kind */
static int
userdir_load_limit(void *arg, const struct userdir_limit *l, char *err,
    size_t errsz)
{
	struct userdir_load	*ud = arg;
	struct userdir_lim	*nl;
	size_t			 i;

	for (i = 0; i < ud->ud_nlim; i++)
		if (strcmp(ud->ud_lim[i].ul_name, l->ul_name) == 0 &&
		    strcmp(ud->ud_lim[i].ul_kind, l->ul_kind) == 0) {
			(void)snprintf(err, errsz, "%s:%zu: limit %s %s: given "
			    "twice (line %zu)", ud->ud_limits_file, l->ul_line,
			    l->ul_name, l->ul_kind, ud->ud_lim[i].ul_line);
			return -1;
		}
	if (ud->ud_nlim >= USERDIR_LIMITS_MAX) {
		(void)snprintf(err, errsz, "%s:%zu: more than %d limit lines",
		    ud->ud_limits_file, l->ul_line, USERDIR_LIMITS_MAX);
		return -1;
	}
	if (ud->ud_nlim == ud->ud_cap) {
		ud->ud_cap = ud->ud_cap ? ud->ud_cap * 2 : 16;
		if ((nl = reallocarray(ud->ud_lim, ud->ud_cap,
		    sizeof(*nl))) == NULL) {
			(void)snprintf(err, errsz, "%s: out of memory",
			    ud->ud_limits_file);
			return -1;
		}
		ud->ud_lim = nl;
	}
	nl = &ud->ud_lim[ud->ud_nlim++];
	memset(nl, 0, sizeof(*nl));
	(void)strlcpy(nl->ul_name, l->ul_name, sizeof(nl->ul_name));
	(void)strlcpy(nl->ul_kind, l->ul_kind, sizeof(nl->ul_kind));
	nl->ul_line = l->ul_line;
	nl->ul_lim = *l;
	nl->ul_lim.ul_name = nl->ul_name;
	nl->ul_lim.ul_kind = nl->ul_kind;
	return 0;
}

/*
 * The teacher's file: a regular file owned by root (or by whoever owns
 * the configuration file) that nobody else may write, so that no
 * student can raise a limit; then its lines.
 */
static int
userdir_load_limits(struct userdir_load *ud, char *err, size_t errsz)
{
	const struct config	*cfg = ud->ud_cfg;
	const char		*path = cfg->cf_userdir_limits;
	struct stat		 st, cst;
	char			*buf = NULL;
	ssize_t			 n;
	int			 fd, r = -1;

	ud->ud_limits_file = path;
	if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC |
	    O_NONBLOCK)) == -1)
		return config_load_err(cfg, cfg->cf_userdir_limits_line, err,
		    errsz, "userdir-limits %s: %s", path, strerror(errno));
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		(void)config_load_err(cfg, cfg->cf_userdir_limits_line, err,
		    errsz, "userdir-limits %s: not a regular file", path);
		goto out;
	}
	if ((st.st_mode & (S_IWGRP | S_IWOTH)) || (st.st_uid != 0 &&
	    (cfg->cf_file == NULL || stat(cfg->cf_file, &cst) == -1 ||
	    cst.st_uid != st.st_uid))) {
		(void)config_load_err(cfg, cfg->cf_userdir_limits_line, err,
		    errsz, "userdir-limits %s: must be owned by root (or by "
		    "the configuration file's owner) and not writable by group "
		    "or others: a student could raise a limit", path);
		goto out;
	}
	if (st.st_size > USERDIR_LIMITS_FILE_MAX ||
	    (buf = malloc((size_t)st.st_size + 1)) == NULL) {
		(void)config_load_err(cfg, cfg->cf_userdir_limits_line, err,
		    errsz, "userdir-limits %s: too large", path);
		goto out;
	}
	if ((n = read(fd, buf, (size_t)st.st_size)) < 0) {
		(void)config_load_err(cfg, cfg->cf_userdir_limits_line, err,
		    errsz, "userdir-limits %s: %s", path, strerror(errno));
		goto out;
	}
	r = userdir_limits_parse(buf, (size_t)n, path, cfg,
	    userdir_load_limit, ud, err, errsz);
out:
	free(buf);
	(void)close(fd);
	return r;
}

/*
 * Why HOME/DIR cannot be shown in a jail at path (jail: where it will
 * be, else where it really is), or NULL: never over what the jail needs
 * for itself, never inside or around the document root.
 */
static const char *
userdir_load_place(const struct userdir_load *ud, const char *path, int jail)
{
	const char	*top = path + 1;
	size_t		 i, n = strcspn(top, "/"), dl = strlen(ud->ud_docroot);
	size_t		 pl = strlen(path);

	for (i = 0; jail && i < sizeof(userdir_jail_dirs) /
	    sizeof(userdir_jail_dirs[0]); i++)
		if (strlen(userdir_jail_dirs[i]) == n &&
		    strncmp(top, userdir_jail_dirs[i], n) == 0)
			return "below a directory the jail needs for itself";
	if (strncmp(path, ud->ud_docroot, dl) == 0 && (path[dl] == '/' ||
	    path[dl] == '\0'))
		return "inside the document root";
	if (strncmp(ud->ud_docroot, path, pl) == 0 && ud->ud_docroot[pl] == '/')
		return "holds the document root";
	return NULL;
}

/* the directory of an account, opened without following its links */
static int
userdir_load_open(const struct passwd *pw, const char *dir)
{
	int	 hfd;

	if ((hfd = open(pw->pw_dir, O_PATH | O_DIRECTORY | O_CLOEXEC)) == -1)
		return -1;
	return userdir_tree_beneath(hfd, dir);
}

/*
 * NULL: serve it (*a filled); else why not.  *quiet: no note, for what
 * is no account of a student or has no DIR at all.
 */
static const char *
userdir_load_check(struct userdir_load *ud, const struct passwd *pw,
    struct userdir_account *a, int *quiet)
{
	const struct config	*cfg = ud->ud_cfg;
	char			 real[PATH_MAX], proc[32];
	const char		*why;
	struct stat		 st;
	ssize_t			 n;
	int			 fd, r;

	*quiet = 1;
	if (!userdir_name_ok(pw->pw_name, strlen(pw->pw_name)) ||
	    pw->pw_uid < cfg->cf_userdir_min_uid || pw->pw_uid == 0 ||
	    pw->pw_uid == USERDIR_UID_NOBODY || pw->pw_uid == 65535 ||
	    pw->pw_uid == (uid_t)-1 || pw->pw_dir[0] != '/')
		return "not a student's account";
	r = snprintf(a->ua_path, sizeof(a->ua_path), "%s/%s",
	    strcmp(pw->pw_dir, "/") == 0 ? "" : pw->pw_dir, cfg->cf_userdir);
	if ((fd = userdir_load_open(pw, cfg->cf_userdir)) == -1) {
		*quiet = errno == ENOENT;
		return errno == ENOENT ? "no directory" : errno == ELOOP ||
		    errno == EXDEV ? "a symbolic link, or on another file "
		    "system than the home directory" : errno == ENOTDIR ?
		    "not a directory" : strerror(errno);
	}
	*quiet = 0;
	(void)snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	n = readlink(proc, real, sizeof(real) - 1);
	r = r < 0 || (size_t)r >= sizeof(a->ua_path) || n <= 0 ||
	    fstat(fd, &st) == -1 ? -1 : 0;
	(void)close(fd);
	if (r == -1)
		return "path too long";
	real[n] = '\0';
	/* shown at HOME/DIR in a jail; where it really is: not the root's */
	if ((why = userdir_path_error(a->ua_path)) != NULL ||
	    (why = userdir_load_place(ud, a->ua_path, 1)) != NULL ||
	    (why = userdir_load_place(ud, real, 0)) != NULL)
		return why;
	if (st.st_uid != pw->pw_uid)
		return "owned by another user";
	if (st.st_mode & (S_IWGRP | S_IWOTH))
		return "writable by group or others";
	if (pw->pw_gid == 0)
		return "its primary group is root";
	if (pw->pw_uid >= cfg->cf_script_uid_first && pw->pw_uid -
	    cfg->cf_script_uid_first < cfg->cf_script_uid_count)
		return "its uid is one of script-uid-range";
	if (pw->pw_uid == ud->ud_front_uid)
		return "its uid is the front's";
	(void)strlcpy(a->ua_name, pw->pw_name, sizeof(a->ua_name));
	a->ua_uid = pw->pw_uid;
	a->ua_gid = pw->pw_gid;
	a->ua_max_scripts = cfg->cf_userdir_max_scripts;
	a->ua_limits = cfg->cf_limits;
	return NULL;
}

/* one account of the database: served, a note, or nothing */
static int
userdir_load_account(struct userdir_load *ud, const struct passwd *pw,
    size_t *cap)
{
	struct userdir_table	*ut = ud->ud_ut;
	struct userdir_account	 a, *na;
	const char		*why;
	size_t			 i;
	int			 quiet;

	memset(&a, 0, sizeof(a));
	if ((why = userdir_load_check(ud, pw, &a, &quiet)) != NULL) {
		if (!quiet)
			userdir_note(ut, "%s: %s: %s: not served", pw->pw_name,
			    a.ua_path, why);
		return 0;
	}
	for (i = 0; i < ut->ut_n; i++)
		if (ut->ut_acct[i].ua_uid == a.ua_uid ||
		    strcmp(ut->ut_acct[i].ua_name, a.ua_name) == 0) {
			userdir_note(ut, "%s: %s: uid %u is %s's already: not "
			    "served", a.ua_name, a.ua_path, (unsigned)a.ua_uid,
			    ut->ut_acct[i].ua_name);
			return 0;
		}
	if (ut->ut_n >= USERDIR_MAX) {
		if (!ud->ud_full++)
			userdir_note(ut, "more than %d students: %s and the "
			    "ones after it are not served", USERDIR_MAX,
			    a.ua_name);
		return 0;
	}
	if (ut->ut_n == *cap) {
		*cap = *cap ? *cap * 2 : 64;
		if ((na = reallocarray(ut->ut_acct, *cap, sizeof(*na))) ==
		    NULL)
			return -1;
		ut->ut_acct = na;
	}
	ut->ut_acct[ut->ut_n++] = a;
	return 0;
}

static int
userdir_load_cmp(const void *a, const void *b)
{
	return strcmp(((const struct userdir_account *)a)->ua_name,
	    ((const struct userdir_account *)b)->ua_name);
}

/* every limit line on its account; one for nobody served is a note */
static void
userdir_load_apply(struct userdir_load *ud)
{
	const struct userdir_account	*a;
	struct userdir_lim		*l;
	size_t				 i;

	for (i = 0; i < ud->ud_nlim; i++) {
		l = &ud->ud_lim[i];
		a = userdir_lookup(ud->ud_ut, l->ul_name, strlen(l->ul_name));
		if (a == NULL) {
			userdir_note(ud->ud_ut, "%s:%zu: %s is not served "
			    "(no such account, or no directory): line "
			    "ignored", ud->ud_limits_file, l->ul_line,
			    l->ul_name);
			continue;
		}
		userdir_limit_apply(&ud->ud_ut->ut_acct[userdir_index(
		    ud->ud_ut, a)], &l->ul_lim);
	}
}

static uid_t
userdir_load_front_uid(const struct config *cfg)
{
	struct passwd	*pw;

	pw = getpwnam(cfg->cf_user[0] != '\0' ? cfg->cf_user : "_cgijail");
	return pw != NULL ? pw->pw_uid : USERDIR_FRONT_ID;
}

int
userdir_load(struct config *cfg, char *err, size_t errsz)
{
	struct userdir_load	 ud;
	struct passwd		*pw;
	size_t			 cap = 0;
	int			 r = -1;

	userdir_free(cfg->cf_userdir_table);
	cfg->cf_userdir_table = NULL;
	if (cfg->cf_userdir[0] == '\0')
		return 0;
	/* each student's scripts run as that student: root's work */
	if (rootless_active())
		return config_load_err(cfg, cfg->cf_userdir_line, err, errsz,
		    "userdir %s: needs cgijail started as root, which runs "
		    "each student's scripts as that student; started by an "
		    "ordinary user (rootless), serve your own directory with "
		    "root instead", cfg->cf_userdir);
	memset(&ud, 0, sizeof(ud));
	ud.ud_cfg = cfg;
	if (realpath(cfg->cf_root, ud.ud_docroot) == NULL)
		return config_load_err(cfg, cfg->cf_root_line, err, errsz,
		    "root %s: %s", cfg->cf_root, strerror(errno));
	ud.ud_front_uid = userdir_load_front_uid(cfg);
	if ((ud.ud_ut = calloc(1, sizeof(*ud.ud_ut))) == NULL)
		return config_load_err(cfg, cfg->cf_userdir_line, err, errsz,
		    "userdir: out of memory");
	if (cfg->cf_userdir_limits[0] != '\0' &&
	    userdir_load_limits(&ud, err, errsz) == -1)
		goto out;
	setpwent();
	while ((pw = getpwent()) != NULL)
		if (userdir_load_account(&ud, pw, &cap) == -1) {
			endpwent();
			(void)config_load_err(cfg, cfg->cf_userdir_line, err,
			    errsz, "userdir: out of memory");
			goto out;
		}
	endpwent();
	if (ud.ud_ut->ut_n > 0)
		qsort(ud.ud_ut->ut_acct, ud.ud_ut->ut_n,
		    sizeof(ud.ud_ut->ut_acct[0]), userdir_load_cmp);
	userdir_load_apply(&ud);
	cfg->cf_userdir_table = ud.ud_ut;
	ud.ud_ut = NULL;
	r = 0;
out:
	userdir_free(ud.ud_ut);
	free(ud.ud_lim);
	return r;
}
