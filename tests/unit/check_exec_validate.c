/* SPDX-License-Identifier: ISC */
/*
 * check_exec_validate.c: unit tests for daemon/exec_validate.c, the
 * executor's own "may this script run?", on a temporary tree: modes,
 * owners, CGI directories and cgi-routes, symlinks in and out, interpreter
 * lines, missing files.  Runs as any user; a case that needs chown says
 * so and is skipped when not root.
 */
#include <sys/stat.h>

#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "executor.h"
#include "msg.h"
#include "sandbox.h"

#define TEST_INTERP	"/usr/bin/python3"

static char		test_root[64];
static int		test_root_fd = -1;
static uid_t		test_script_uid;	/* never the test's own uid */
static struct config	test_cfg;
static struct sandbox	test_sb;

/* ---- fixture: the document root ---- */

/*
 * f file, d directory, p FIFO (each then chmod'ed to mode, whatever the
 * umask), l symlink to data ("=" prefix: the absolute path of the rest
 * beneath the root).
 */
static const struct {
	char		 kind;
	const char	*name;
	const char	*data;
	mode_t		 mode;
} test_tree[] = {
	{ 'd', "cgi-bin", NULL, 0755 },
	{ 'f', "cgi-bin/ok.sh", NULL, 0755 },
	{ 'f', "cgi-bin/noexec.sh", NULL, 0644 },
	{ 'f', "cgi-bin/ownerx.sh", NULL, 0744 },
	{ 'f', "cgi-bin/groupx.sh", NULL, 0754 },
	{ 'f', "cgi-bin/groupw.sh", NULL, 0775 },
	{ 'f', "cgi-bin/otherw.sh", NULL, 0757 },
	{ 'f', "cgi-bin/setuid.sh", NULL, 04755 },
	{ 'f', "cgi-bin/setgid.sh", NULL, 02755 },
	{ 'f', "cgi-bin/mine.sh", NULL, 0755 },		/* chowned as root */
	{ 'p', "cgi-bin/fifo", NULL, 0755 },
	{ 'd', "cgi-bin/sub", NULL, 0755 },
	{ 'f', "cgi-bin/sub/ok.sh", NULL, 0755 },
	{ 'd', "cgi-bin/worldw", NULL, 0777 },
	{ 'f', "cgi-bin/worldw/ok.sh", NULL, 0755 },
	{ 'd', "cgi-bin/strict", NULL, 0755 },
	{ 'f', "cgi-bin/strict/ok.sh", NULL, 0755 },
	/* interpreter lines: .py runs /usr/bin/python3 FILE */
	{ 'f', "cgi-bin/app.py", NULL, 0644 },
	{ 'f', "cgi-bin/exec.py", NULL, 0755 },
	{ 'f', "cgi-bin/private.py", NULL, 0640 },
	{ 'f', "cgi-bin/writable.py", NULL, 0646 },
	{ 'f', "cgi-bin/app.pl", NULL, 0644 },
	{ 'f', "cgi-bin/app.py.txt", NULL, 0644 },
	{ 'd', "cgi-bin/dir.py", NULL, 0755 },
	{ 'f', "cgi-bin/dir.py/run", NULL, 0644 },
	/* symlinks: in the same directory, into a subdirectory, out */
	{ 'l', "cgi-bin/link.sh", "ok.sh", 0 },
	{ 'l', "cgi-bin/deeplink.sh", "sub/ok.sh", 0 },
	{ 'l', "cgi-bin/sublink", "sub", 0 },
	{ 'l', "cgi-bin/noexeclink.sh", "noexec.sh", 0 },
	{ 'l', "cgi-bin/sub/up.sh", "../ok.sh", 0 },
	{ 'l', "cgi-bin/out.sh", "../outside.sh", 0 },
	{ 'l', "cgi-bin/abs.sh", "=cgi-bin/ok.sh", 0 },
	{ 'l', "cgi-bin/bin-sh", "/bin/sh", 0 },
	{ 'l', "cgi-bin/outdir", "../notcgi", 0 },
	{ 'l', "cgi-bin/loop.sh", "loop.sh", 0 },
	{ 'l', "cgi-bin/dangling.sh", "nothere.sh", 0 },
	/* outside any CGI directory */
	{ 'f', "outside.sh", NULL, 0755 },
	{ 'd', "notcgi", NULL, 0755 },
	{ 'f', "notcgi/x.sh", NULL, 0755 },
	{ 'f', "routed.sh", NULL, 0755 },
	/* CGI directories that are links, in and out of the root */
	{ 'l', "linkcgi", "cgi-bin", 0 },
	{ 'l', "escapecgi", "..", 0 },
	{ 'd', "wcgi", NULL, 0777 },
	{ 'f', "wcgi/ok.sh", NULL, 0755 },
};

static void
test_make(size_t i)
{
	const char	*name = test_tree[i].name, *data = test_tree[i].data;
	char		 abs[256];
	int		 fd, rc = 0;

	switch (test_tree[i].kind) {
	case 'f':
		if ((fd = openat(test_root_fd, name, O_WRONLY | O_CREAT |
		    O_EXCL | O_CLOEXEC, 0600)) == -1 ||
		    write(fd, "#!/bin/sh\n", 10) != 10 || close(fd) == -1)
			rc = -1;
		break;
	case 'd':
		rc = mkdirat(test_root_fd, name, 0700);
		break;
	case 'p':
		rc = mkfifoat(test_root_fd, name, 0600);
		break;
	default:
		if (data[0] == '=') {
			snprintf(abs, sizeof(abs), "%s/%s", test_root,
			    data + 1);
			data = abs;
		}
		rc = symlinkat(data, test_root_fd, name);
		break;
	}
	if (rc == 0 && test_tree[i].kind != 'l')
		rc = fchmodat(test_root_fd, name, test_tree[i].mode, 0);
	if (rc == -1) {
		perror(name);
		exit(2);
	}
}

static void
test_build_root(void)
{
	struct stat	st;
	size_t		i;

	strlcpy(test_root, "/tmp/check_exec_validate.XXXXXX",
	    sizeof(test_root));
	if (mkdtemp(test_root) == NULL || chmod(test_root, 0755) == -1 ||
	    (test_root_fd = open(test_root, O_PATH | O_DIRECTORY |
	    O_CLOEXEC)) == -1) {
		perror(test_root);
		exit(2);
	}
	for (i = 0; i < sizeof(test_tree) / sizeof(test_tree[0]); i++)
		test_make(i);
	/* a set-id bit the kernel refused would turn two cases into OK */
	if (fstatat(test_root_fd, "cgi-bin/setuid.sh", &st, 0) == -1 ||
	    (st.st_mode & S_ISUID) == 0 ||
	    fstatat(test_root_fd, "cgi-bin/setgid.sh", &st, 0) == -1 ||
	    (st.st_mode & S_ISGID) == 0) {
		fprintf(stderr, "check_exec_validate: no set-id bits\n");
		exit(2);
	}
}

static int
test_rm_one(const char *path, const struct stat *st, int flag,
    struct FTW *ftw)
{
	return remove(path);
}

/*
 * Only what exec_validate_script() reads: the CGI directories (policy i
 * is the i-th; the longer match wins, listed first or not), a cgi-route
 * target, one interpreter line; the script user and the document root.
 */
static void
test_ctx_init(struct exec_ctx *ex)
{
	static const char *const dirs[] = {
		"/cgi-bin/strict", "/cgi-bin", "/linkcgi", "/escapecgi",
		"/wcgi",
	};
	size_t	i;

	memset(&test_cfg, 0, sizeof(test_cfg));
	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
		strlcpy(test_cfg.cf_cgidir[i].cd_urlpath, dirs[i],
		    sizeof(test_cfg.cf_cgidir[i].cd_urlpath));
	test_cfg.cf_ncgidir = i;
	strlcpy(test_cfg.cf_route[0].cr_prefix, "/app",
	    sizeof(test_cfg.cf_route[0].cr_prefix));
	strlcpy(test_cfg.cf_route[0].cr_script, "/routed.sh",
	    sizeof(test_cfg.cf_route[0].cr_script));
	test_cfg.cf_nroute = 1;
	strlcpy(test_cfg.cf_interp[0].ci_ext, ".py",
	    sizeof(test_cfg.cf_interp[0].ci_ext));
	strlcpy(test_cfg.cf_interp[0].ci_path, TEST_INTERP,
	    sizeof(test_cfg.cf_interp[0].ci_path));
	test_cfg.cf_ninterp = 1;

	memset(&test_sb, 0, sizeof(test_sb));
	test_sb.sb_cfg = &test_cfg;
	test_sb.sb_uid = test_script_uid;
	strlcpy(test_sb.sb_docroot, test_root, sizeof(test_sb.sb_docroot));

	ex->ex_cfg = &test_cfg;
	ex->ex_sb = &test_sb;
	ex->ex_docroot_fd = test_root_fd;
	ex->ex_user = NULL;
	ex->ex_root = NULL;
	ex->ex_prefix = 0;
}

static int
test_count_fds(void)
{
	DIR	*d;
	int	 n = 0;

	if ((d = opendir("/proc/self/fd")) == NULL)
		return -1;
	while (readdir(d) != NULL)
		n++;
	closedir(d);
	return n;
}

/* ---- the table ---- */

/* allowed: policy index, interpreter or not, the real file beneath root */
#define ALLOW(s, pol, interp, real) \
	{ s, MSG_EXEC_OK, NULL, 0, pol, interp, real }
#define DENY(s, why, err) \
	{ s, MSG_EXEC_FORBIDDEN, why, err, 0, 0, NULL }
#define MISSING(s, err) \
	{ s, MSG_EXEC_NOTFOUND, "no such file", err, 0, 0, NULL }

#define R_OUT	"resolves outside its CGI directory"
#define R_NOTX	"not executable"
#define R_WR	"writable by group/other"
#define R_SETID	"setuid or setgid"
#define R_WDIR	"directory writable by other"
#define R_CGI	"not beneath a CGI directory"
#define R_NORM	"not a normalised path"

static const struct {
	const char		*script;
	enum msg_exec_result	 res;
	const char		*why;		/* when not OK */
	int			 err;
	size_t			 policy;	/* when OK */
	int			 interp;	/* when OK: TEST_INTERP */
	const char		*real;		/* when OK, beneath the root */
} validate_cases[] = {
	/* allowed */
	ALLOW("/cgi-bin/ok.sh",			1, 0, "/cgi-bin/ok.sh"),
	ALLOW("/cgi-bin/sub/ok.sh",		1, 0, "/cgi-bin/sub/ok.sh"),
	ALLOW("/cgi-bin/strict/ok.sh",		0, 0, "/cgi-bin/strict/ok.sh"),
	ALLOW("/routed.sh",			0, 0, "/routed.sh"),
	/* modes: the script user is neither owner nor group */
	DENY("/cgi-bin/noexec.sh",		R_NOTX, EACCES),
	DENY("/cgi-bin/ownerx.sh",		R_NOTX, EACCES),
	DENY("/cgi-bin/groupx.sh",		R_NOTX, EACCES),
	DENY("/cgi-bin/groupw.sh",		R_WR, EACCES),
	DENY("/cgi-bin/otherw.sh",		R_WR, EACCES),
	DENY("/cgi-bin/setuid.sh",		R_SETID, EACCES),
	DENY("/cgi-bin/setgid.sh",		R_SETID, EACCES),
	DENY("/cgi-bin/fifo",			"not a regular file", EACCES),
	DENY("/cgi-bin/sub",			"is a directory", EACCES),
	DENY("/cgi-bin/worldw/ok.sh",		R_WDIR, EACCES),
	DENY("/wcgi/ok.sh",			R_WDIR, EACCES),
	/* interpreter lines: readable is enough, on the last name only */
	ALLOW("/cgi-bin/app.py",		1, 1, "/cgi-bin/app.py"),
	ALLOW("/cgi-bin/exec.py",		1, 1, "/cgi-bin/exec.py"),
	DENY("/cgi-bin/private.py",	"not readable by the script user",
	    EACCES),
	DENY("/cgi-bin/writable.py",		R_WR, EACCES),
	DENY("/cgi-bin/app.pl",			R_NOTX, EACCES),
	DENY("/cgi-bin/app.py.txt",		R_NOTX, EACCES),
	DENY("/cgi-bin/dir.py/run",		R_NOTX, EACCES),
	/* outside a CGI directory (a cgi-route is its target only), or
	 * not normalised */
	DENY("/outside.sh",			R_CGI, EACCES),
	DENY("/notcgi/x.sh",			R_CGI, EACCES),
	DENY("/cgi-bin",			R_CGI, EACCES),
	DENY("/cgi-binx/ok.sh",			R_CGI, EACCES),
	DENY("/app/ok.sh",			R_CGI, EACCES),
	DENY("/",				R_NORM, EACCES),
	DENY("",				R_NORM, EACCES),
	DENY("cgi-bin/ok.sh",			R_NORM, EACCES),
	DENY("/cgi-bin/",			R_NORM, EACCES),
	DENY("/cgi-bin//ok.sh",			R_NORM, EACCES),
	DENY("/cgi-bin/./ok.sh",		R_NORM, EACCES),
	DENY("/cgi-bin/../outside.sh",		R_NORM, EACCES),
	DENY("/cgi-bin/sub/../ok.sh",		R_NORM, EACCES),
	/* symlinks: followed only while they stay beneath the CGI
	 * directory; the file's own checks apply to the target, every
	 * directory on its real path is checked */
	ALLOW("/cgi-bin/link.sh",		1, 0, "/cgi-bin/ok.sh"),
	ALLOW("/cgi-bin/deeplink.sh",		1, 0, "/cgi-bin/sub/ok.sh"),
	ALLOW("/cgi-bin/sublink/ok.sh",		1, 0, "/cgi-bin/sub/ok.sh"),
	ALLOW("/linkcgi/ok.sh",			2, 0, "/cgi-bin/ok.sh"),
	DENY("/cgi-bin/noexeclink.sh",		R_NOTX, EACCES),
	ALLOW("/cgi-bin/sub/up.sh",		1, 0, "/cgi-bin/ok.sh"),
	DENY("/cgi-bin/out.sh",			R_OUT, EXDEV),
	DENY("/cgi-bin/abs.sh",			R_OUT, EXDEV),
	DENY("/cgi-bin/bin-sh",			R_OUT, EXDEV),
	DENY("/cgi-bin/outdir/x.sh",		R_OUT, EXDEV),
	DENY("/escapecgi/x.sh",			R_OUT, EXDEV),
	DENY("/cgi-bin/loop.sh",	"symbolic link loop or magic link",
	    ELOOP),
	/* missing */
	MISSING("/cgi-bin/nothere.sh",		ENOENT),
	MISSING("/cgi-bin/nodir/x.sh",		ENOENT),
	MISSING("/cgi-bin/dangling.sh",		ENOENT),
	MISSING("/cgi-bin/ok.sh/x",		ENOTDIR),
	MISSING("/linkcgi/nothere.sh",		ENOENT),
};

START_TEST(test_exec_validate_table)
{
	struct exec_ctx		 ex;
	struct exec_script	 sc;
	enum msg_exec_result	 res;
	const char		*why = NULL, *s = validate_cases[_i].script;
	char			 want[PATH_MAX];
	int			 err = -1;

	test_ctx_init(&ex);
	memset(&sc, 0, sizeof(sc));
	res = exec_validate_script(&ex, s, &sc, &why, &err);
	ck_assert_msg(res == validate_cases[_i].res, "%s: result %d (%s), "
	    "want %d", s, res, why ? why : "-", validate_cases[_i].res);
	ck_assert_msg(err == validate_cases[_i].err, "%s: errno %d, want %d",
	    s, err, validate_cases[_i].err);
	if (res != MSG_EXEC_OK) {
		ck_assert_ptr_nonnull(why);
		ck_assert_msg(strcmp(why, validate_cases[_i].why) == 0,
		    "%s: \"%s\", want \"%s\"", s, why, validate_cases[_i].why);
		return;
	}
	ck_assert_uint_eq(sc.sc_policy, validate_cases[_i].policy);
	if (validate_cases[_i].interp)
		ck_assert_str_eq(sc.sc_interp, TEST_INTERP);
	else
		ck_assert_ptr_null(sc.sc_interp);
	/* SCRIPT_FILENAME is the real file, as the front routes on it */
	snprintf(want, sizeof(want), "%s%s", test_root,
	    validate_cases[_i].real);
	ck_assert_str_eq(sc.sc_file, want);
	*strrchr(want, '/') = '\0';
	ck_assert_str_eq(sc.sc_cwd, want);
	ck_assert_int_ge(sc.sc_fd, 0);
	exec_script_close(&sc);
}
END_TEST

/* the longest CGI directory picks the policy, whatever the order */
START_TEST(test_exec_validate_longest_match)
{
	struct exec_ctx		 ex;
	struct exec_script	 sc;
	struct config_cgidir	 cd;
	const char		*why = NULL;
	int			 err = -1;

	test_ctx_init(&ex);
	cd = test_cfg.cf_cgidir[0];
	test_cfg.cf_cgidir[0] = test_cfg.cf_cgidir[1];
	test_cfg.cf_cgidir[1] = cd;
	ck_assert_int_eq(exec_validate_script(&ex, "/cgi-bin/strict/ok.sh",
	    &sc, &why, &err), MSG_EXEC_OK);
	ck_assert_uint_eq(sc.sc_policy, 1);
	exec_script_close(&sc);
	ck_assert_int_eq(exec_validate_script(&ex, "/cgi-bin/ok.sh", &sc,
	    &why, &err), MSG_EXEC_OK);
	ck_assert_uint_eq(sc.sc_policy, 0);
	exec_script_close(&sc);
}
END_TEST

/* ---- owners ---- */

/* every directory on the way is the script user's: it could swap them */
START_TEST(test_exec_validate_dir_owned_by_script_user)
{
	struct exec_ctx		 ex;
	struct exec_script	 sc;
	const char		*why = NULL;
	int			 err = -1;

	test_ctx_init(&ex);
	test_sb.sb_uid = geteuid();	/* the tree is ours */
	ck_assert_int_eq(exec_validate_script(&ex, "/cgi-bin/ok.sh", &sc,
	    &why, &err), MSG_EXEC_FORBIDDEN);
	ck_assert_str_eq(why, "directory owned by the script user");
	ck_assert_int_eq(err, EACCES);
}
END_TEST

/* a script the script user owns could be rewritten by any of its runs */
START_TEST(test_exec_validate_file_owned_by_script_user)
{
	struct exec_ctx		 ex;
	struct exec_script	 sc;
	const char		*why = NULL;
	int			 err = -1;

	if (geteuid() != 0) {
		printf("check_exec_validate: skipped "
		    "file_owned_by_script_user: chown needs root\n");
		return;
	}
	test_ctx_init(&ex);
	ck_assert_int_eq(fchownat(test_root_fd, "cgi-bin/mine.sh",
	    test_script_uid, (gid_t)-1, 0), 0);
	ck_assert_int_eq(exec_validate_script(&ex, "/cgi-bin/mine.sh", &sc,
	    &why, &err), MSG_EXEC_FORBIDDEN);
	ck_assert_str_eq(why, "owned by the script user");
	ck_assert_int_eq(err, EACCES);
	/* the same file, owned by root again, runs */
	ck_assert_int_eq(fchownat(test_root_fd, "cgi-bin/mine.sh", 0,
	    (gid_t)-1, 0), 0);
	ck_assert_int_eq(exec_validate_script(&ex, "/cgi-bin/mine.sh", &sc,
	    &why, &err), MSG_EXEC_OK);
	exec_script_close(&sc);
}
END_TEST

/* ---- lengths and leaks ---- */

/* a name longer than NAME_MAX, a path longer than PATH_MAX: not found */
START_TEST(test_exec_validate_too_long)
{
	struct exec_ctx		 ex;
	struct exec_script	 sc;
	const char		*why = NULL;
	char			 s[PATH_MAX + 64];
	size_t			 n;
	int			 err = -1;

	test_ctx_init(&ex);
	n = (size_t)snprintf(s, sizeof(s), "/cgi-bin/");
	memset(s + n, 'a', NAME_MAX + 1);
	s[n + NAME_MAX + 1] = '\0';
	ck_assert_int_eq(exec_validate_script(&ex, s, &sc, &why, &err),
	    MSG_EXEC_NOTFOUND);
	ck_assert_str_eq(why, "no such file");
	ck_assert_int_eq(err, ENAMETOOLONG);

	/* many short directories: longer than SCRIPT_FILENAME can hold */
	n = (size_t)snprintf(s, sizeof(s), "/cgi-bin");
	while (n + 2 < PATH_MAX + 32) {
		memcpy(s + n, "/d", 2);
		n += 2;
	}
	s[n] = '\0';
	ck_assert_int_eq(exec_validate_script(&ex, s, &sc, &why, &err),
	    MSG_EXEC_NOTFOUND);
	ck_assert_str_eq(why, "path too long");
	ck_assert_int_eq(err, ENAMETOOLONG);
}
END_TEST

/* every case leaves no descriptor open */
START_TEST(test_exec_validate_no_fd_leak)
{
	struct exec_ctx		 ex;
	struct exec_script	 sc;
	const char		*why;
	size_t			 i;
	int			 before, err;

	test_ctx_init(&ex);
	before = test_count_fds();
	ck_assert_int_gt(before, 0);
	for (i = 0; i < sizeof(validate_cases) / sizeof(validate_cases[0]);
	    i++)
		if (exec_validate_script(&ex, validate_cases[i].script, &sc,
		    &why, &err) == MSG_EXEC_OK)
			exec_script_close(&sc);
	ck_assert_int_eq(test_count_fds(), before);
}
END_TEST

static Suite *
exec_validate_suite(void)
{
	Suite	*s = suite_create("exec_validate");
	TCase	*tc;

	tc = tcase_create("validate");
	tcase_set_timeout(tc, 10);	/* a FIFO opened to read would hang */
	tcase_add_loop_test(tc, test_exec_validate_table, 0,
	    sizeof(validate_cases) / sizeof(validate_cases[0]));
	tcase_add_test(tc, test_exec_validate_longest_match);
	tcase_add_test(tc, test_exec_validate_dir_owned_by_script_user);
	tcase_add_test(tc, test_exec_validate_file_owned_by_script_user);
	tcase_add_test(tc, test_exec_validate_too_long);
	tcase_add_test(tc, test_exec_validate_no_fd_leak);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner	*sr;
	int	 failed;

	/* nobody's uid, unless that is who runs the tests */
	test_script_uid = geteuid() == 65534 ? 65533 : 65534;
	test_build_root();
	sr = srunner_create(exec_validate_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	close(test_root_fd);
	nftw(test_root, test_rm_one, 16, FTW_DEPTH | FTW_PHYS);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
