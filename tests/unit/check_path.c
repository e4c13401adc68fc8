/* SPDX-License-Identifier: ISC */
/*
 * check_path.c: unit tests for daemon/path.c, the front's and executor's own
 * symlink resolution beneath the document root, on a temporary tree: links
 * inside and pointing out, absolute and relative, "..", loops, over-long
 * chains, missing components, a file used as a directory.  Runs as any user.
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

#include "path.h"

#define TEST_CHAIN	41	/* one more link than the resolver follows */
#define TEST_GROW	3000	/* link target that lengthens the path */

static char	test_root[64];
static int	test_root_fd = -1;

/* ---- fixture: the document root ---- */

/*
 * f file, d directory, p FIFO, l symlink to data ("=" prefix: the
 * absolute path of the rest beneath the root).
 */
static const struct {
	char		 kind;
	const char	*name;
	const char	*data;
} test_tree[] = {
	{ 'f', "file.txt", NULL },
	{ 'p', "fifo", NULL },
	{ 'd', "dir", NULL },
	{ 'f', "dir/inner.txt", NULL },
	{ 'd', "dir/sub", NULL },
	{ 'f', "dir/sub/deep.txt", NULL },
	{ 'd', "cgi-bin", NULL },
	{ 'f', "cgi-bin/script.sh", NULL },
	/* relative links that stay inside */
	{ 'l', "alias.txt", "cgi-bin/script.sh" },
	{ 'l', "dirlink", "dir" },
	{ 'l', "dirslash", "dir/" },
	{ 'l', "dot", "." },
	{ 'l', "dir/up", "../file.txt" },
	{ 'l', "dir/back", "../dir/sub/deep.txt" },
	{ 'l', "dir/sub/top", "../../cgi-bin" },
	{ 'l', "dir/sub/self", "./../sub/./deep.txt" },
	{ 'l', "dir/linkchain", "up" },
	/* links that point out, or absolute ones */
	{ 'l', "up", ".." },
	{ 'l', "escape", "../etc/passwd" },
	{ 'l', "dir/escape", "../../file.txt" },
	{ 'l', "dir/sub/escape", "../../../dir" },
	{ 'l', "abs", "/etc/passwd" },
	{ 'l', "absin", "=file.txt" },
	{ 'l', "absroot", "/" },
	/* dangling and looping links */
	{ 'l', "dangling", "nothere" },
	{ 'l', "loop_a", "loop_b" },
	{ 'l', "loop_b", "loop_a" },
	{ 'l', "self", "self" },
	{ 'l', "selfdir", "selfdir/x" },
	{ 'd', "chain", NULL },
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
		    O_EXCL | O_CLOEXEC, 0644)) == -1 || close(fd) == -1)
			rc = -1;
		break;
	case 'd':
		rc = mkdirat(test_root_fd, name, 0755);
		break;
	case 'p':
		rc = mkfifoat(test_root_fd, name, 0644);
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
	if (rc == -1) {
		perror(name);
		exit(2);
	}
}

/*
 * chain/l00 -> l01 -> ... -> l40 -> ../file.txt: from l01 the resolver
 * follows 40 links (its limit, as the kernel's), from l00 one too many.
 * grow -> grow/xxx...: each turn lengthens the path by TEST_GROW bytes.
 */
static void
test_make_chains(void)
{
	char	name[32], target[TEST_GROW + 8];
	int	i;

	for (i = 0; i < TEST_CHAIN; i++) {
		snprintf(name, sizeof(name), "chain/l%02d", i);
		if (i + 1 < TEST_CHAIN)
			snprintf(target, sizeof(target), "l%02d", i + 1);
		else
			strlcpy(target, "../file.txt", sizeof(target));
		if (symlinkat(target, test_root_fd, name) == -1) {
			perror(name);
			exit(2);
		}
	}
	memcpy(target, "grow/", 5);
	memset(target + 5, 'x', TEST_GROW);
	target[5 + TEST_GROW] = '\0';
	if (symlinkat(target, test_root_fd, "grow") == -1) {
		perror("grow");
		exit(2);
	}
}

static void
test_build_root(void)
{
	size_t	i;

	strlcpy(test_root, "/tmp/check_path.XXXXXX", sizeof(test_root));
	if (mkdtemp(test_root) == NULL || (test_root_fd = open(test_root,
	    O_PATH | O_DIRECTORY | O_CLOEXEC)) == -1) {
		perror(test_root);
		exit(2);
	}
	for (i = 0; i < sizeof(test_tree) / sizeof(test_tree[0]); i++)
		test_make(i);
	test_make_chains();
}

static int
test_rm_one(const char *path, const struct stat *st, int flag,
    struct FTW *ftw)
{
	return remove(path);
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

/* the path as requested -> 0 and the resolved path, or -errno */
static const struct {
	const char	*path;
	int		 rc;		/* 0 or -errno */
	const char	*out;		/* when rc == 0 */
} path_cases[] = {
	/* plain components */
	{ "/",	0,	"/" },
	{ "/file.txt",	0,	"/file.txt" },
	{ "/dir",	0,	"/dir" },
	{ "/dir/",	0,	"/dir/" },
	{ "/dir/sub/deep.txt",	0,	"/dir/sub/deep.txt" },
	{ "//dir//inner.txt",	0,	"/dir/inner.txt" },
	{ "/./dir/./inner.txt",	0,	"/dir/inner.txt" },
	{ "/dir/../file.txt",	0,	"/file.txt" },
	{ "/dir/sub/../../cgi-bin/",	0,	"/cgi-bin/" },
	{ "/..",	-EXDEV,	NULL },
	{ "/dir/../..",	-EXDEV,	NULL },
	{ "/dir/../../file.txt",	-EXDEV,	NULL },
	/* relative links inside: routed by where the bytes are */
	{ "/alias.txt",	0,	"/cgi-bin/script.sh" },
	{ "/dirlink",	0,	"/dir" },
	{ "/dirlink/",	0,	"/dir/" },
	{ "/dirlink/inner.txt",	0,	"/dir/inner.txt" },
	{ "/dirslash/inner.txt",	0,	"/dir/inner.txt" },
	{ "/dot",	0,	"/" },
	{ "/dot/dot/file.txt",	0,	"/file.txt" },
	{ "/dir/up",	0,	"/file.txt" },
	{ "/dir/back",	0,	"/dir/sub/deep.txt" },
	{ "/dir/sub/top/script.sh",	0,	"/cgi-bin/script.sh" },
	{ "/dirlink/sub/top/script.sh",	0,	"/cgi-bin/script.sh" },
	{ "/dir/sub/self",	0,	"/dir/sub/deep.txt" },
	{ "/dir/linkchain",	0,	"/file.txt" },
	/* links pointing out of the root, and absolute links */
	{ "/up",	-EXDEV,	NULL },
	{ "/up/file.txt",	-EXDEV,	NULL },
	{ "/escape",	-EXDEV,	NULL },
	{ "/dir/escape",	-EXDEV,	NULL },
	{ "/dirlink/escape",	-EXDEV,	NULL },
	{ "/dir/sub/escape/inner.txt",	-EXDEV,	NULL },
	{ "/abs",	-EXDEV,	NULL },
	{ "/absin",	-EXDEV,	NULL },
	{ "/absroot/file.txt",	-EXDEV,	NULL },
	/* loops and over-long chains */
	{ "/loop_a",	-ELOOP,	NULL },
	{ "/self",	-ELOOP,	NULL },
	{ "/self/x",	-ELOOP,	NULL },
	{ "/chain/l01",	0,	"/file.txt" },
	{ "/chain/l00",	-ELOOP,	NULL },
	{ "/selfdir",	-ELOOP,	NULL },
	{ "/grow",	-ENAMETOOLONG,	NULL },
	/* missing components: the rest is kept for the 404 */
	{ "/missing",	0,	"/missing" },
	{ "/missing/x/y",	0,	"/missing/x/y" },
	{ "/dir/missing",	0,	"/dir/missing" },
	{ "/dirlink/missing/x",	0,	"/dir/missing/x" },
	{ "/dir/missing/",	0,	"/dir/missing/" },
	{ "/dangling",	0,	"/nothere" },
	/* a file (or FIFO) used as a directory: the rest is PATH_INFO */
	{ "/file.txt/more",	0,	"/file.txt/more" },
	{ "/file.txt/more/",	0,	"/file.txt/more/" },
	{ "/cgi-bin/script.sh/a/b",	0,	"/cgi-bin/script.sh/a/b" },
	{ "/alias.txt/info",	0,	"/cgi-bin/script.sh/info" },
	{ "/file.txt/alias.txt",	0,	"/file.txt/alias.txt" },
	{ "/file.txt/../../x",	0,	"/file.txt/../../x" },
	{ "/fifo/x",	0,	"/fifo/x" },
};

/* the table speaks 0 or -errno; the function returns 0 or -1 + errno */
static int
resolve(int rootfd, const char *path, char *out, size_t outsz)
{
	errno = 0;
	if (path_resolve(rootfd, path, out, outsz) == 0)
		return 0;
	return errno == 0 ? -1000 : -errno;
}

START_TEST(test_path_table)
{
	char		 out[PATH_RESOLVE_MAX + 1];
	const char	*want = path_cases[_i].out;
	int		 rc;

	memset(out, 'Z', sizeof(out));
	rc = resolve(test_root_fd, path_cases[_i].path, out,
	    sizeof(out));
	ck_assert_msg(rc == path_cases[_i].rc, "%s: rc %d, want %d",
	    path_cases[_i].path, rc, path_cases[_i].rc);
	if (rc != 0)
		return;
	ck_assert_msg(strcmp(out, want) == 0, "%s: \"%s\", want \"%s\"",
	    path_cases[_i].path, out, want);
}
END_TEST

/* ---- lengths ---- */

START_TEST(test_path_too_long)
{
	char	*path, out[PATH_RESOLVE_MAX + 1];
	size_t	 n;

	/* a path longer than any request-target */
	n = PATH_RESOLVE_MAX + 1;
	ck_assert_ptr_nonnull(path = malloc(n + 1));
	memset(path, 'a', n);
	memcpy(path, "/dir/", 5);
	path[n] = '\0';
	ck_assert_int_eq(resolve(test_root_fd, path, out,
	    sizeof(out)), -ENAMETOOLONG);
	/* the longest one is fine: a missing name, kept as is */
	path[PATH_RESOLVE_MAX] = '\0';
	ck_assert_int_eq(resolve(test_root_fd, path, out,
	    sizeof(out)), 0);
	ck_assert_str_eq(out, path);
	free(path);
}
END_TEST

/* an out buffer too small for the answer is an error, never a cut path */
static const struct {
	const char	*path;
	size_t		 outsz;
	int		 rc;
} outsz_cases[] = {
	{ "/",			0,	-ENAMETOOLONG },
	{ "/",			1,	-ENAMETOOLONG },
	{ "/",			2,	0 },
	/* the first component reserves a '/' it does not write: one byte
	 * more than needed, a 414 where a 404 would do */
	{ "/file.txt",		10,	-ENAMETOOLONG },
	{ "/file.txt",		11,	0 },
	{ "/dir/inner.txt",	14,	-ENAMETOOLONG },
	{ "/dir/inner.txt",	15,	0 },
	{ "/dirlink/inner.txt",	14,	-ENAMETOOLONG },	/* resolved */
	{ "/dirlink/inner.txt",	15,	0 },
	{ "/missing/tail",	13,	-ENAMETOOLONG },
	{ "/missing/tail",	14,	0 },
	{ "/file.txt/info",	14,	-ENAMETOOLONG },
	{ "/file.txt/info",	15,	0 },
};

START_TEST(test_path_outsz)
{
	char	out[64];
	int	rc;

	memset(out, 'Z', sizeof(out));
	rc = resolve(test_root_fd, outsz_cases[_i].path, out,
	    outsz_cases[_i].outsz);
	ck_assert_msg(rc == outsz_cases[_i].rc, "%s in %zu: rc %d, want %d",
	    outsz_cases[_i].path, outsz_cases[_i].outsz, rc,
	    outsz_cases[_i].rc);
	if (rc == 0)
		ck_assert_uint_lt(strlen(out), outsz_cases[_i].outsz);
	/* nothing written past the size given */
	ck_assert_int_eq(out[outsz_cases[_i].outsz], 'Z');
}
END_TEST

/* every case, twice, leaves no descriptor open */
START_TEST(test_path_no_fd_leak)
{
	char	out[PATH_RESOLVE_MAX + 1];
	size_t	i;
	int	before, pass;

	before = test_count_fds();
	ck_assert_int_gt(before, 0);
	for (pass = 0; pass < 2; pass++)
		for (i = 0; i < sizeof(path_cases) / sizeof(path_cases[0]);
		    i++)
			(void)resolve(test_root_fd,
			    path_cases[i].path, out, sizeof(out));
	ck_assert_int_eq(test_count_fds(), before);
}
END_TEST

/* ---- the case-insensitive CGI directory matcher (pure) ---- */

static const struct {
	const char	*path;
	const char	*dir;
	int		 under;
} nocase_cases[] = {
	{ "/cgi-bin/run.sh",		"/cgi-bin",	1 },
	{ "/CGI-BIN/run.sh",		"/cgi-bin",	1 },
	{ "/Cgi-Bin/run.sh",		"/cgi-bin",	1 },
	{ "/CGI-bin",			"/cgi-bin",	1 },
	{ "/cgi-BIN/",			"/cgi-bin",	1 },
	{ "/cgi-bin/a/b/c",		"/CGI-BIN/",	1 },	/* dir's slash */
	{ "/cgi-bin2/run.sh",		"/cgi-bin",	0 },	/* a prefix only */
	{ "/cgi-bi",			"/cgi-bin",	0 },
	{ "/cgi_bin/run.sh",		"/cgi-bin",	0 },
	{ "/x/cgi-bin/run.sh",		"/cgi-bin",	0 },	/* leading only */
	{ "/",				"/cgi-bin",	0 },
	{ "",				"/cgi-bin",	0 },
	{ "/App/Sub/x",			"/app/sub",	1 },
	{ "/app/subx",			"/app/sub",	0 },
	{ "/anything",			"/",		1 },
	/* U+212A KELVIN SIGN folds to k, U+017F LONG S to s */
	{ "/\xe2\x84\xaagi/x",		"/kgi",		1 },
	{ "/\xc5\xbf" "cripts/x",		"/scripts",	1 },
	{ "/\xc5\xbf" "CRIPTS",		"/Scripts",	1 },
	{ "/\xe2\x84gi/x",		"/kgi",		0 },	/* cut short */
	{ "/\xc5/x",			"/s",		0 },
	/* other non-ASCII bytes compare as they are */
	{ "/caf\xc3\xa9/x",	"/caf\xc3\xa9",	1 },
	{ "/CAF\xc3\xa9/x",		"/caf\xc3\xa9",	1 },
	{ "/caf\xc3\x89/x",		"/caf\xc3\xa9",	0 },
	{ "/cgi-bin\xc5\xbf",		"/cgi-bin",	0 },
};

START_TEST(test_path_under_nocase)
{
	const char	*dir = nocase_cases[_i].dir;

	ck_assert_msg(path_under_nocase(nocase_cases[_i].path, dir,
	    strlen(dir)) == nocase_cases[_i].under, "%s in %s: expected %d",
	    nocase_cases[_i].path, dir, nocase_cases[_i].under);
}
END_TEST

/* only dirlen bytes of dir count */
START_TEST(test_path_under_nocase_dirlen)
{
	ck_assert_int_eq(path_under_nocase("/CGI/x", "/cgi-bin", 4), 1);
	ck_assert_int_eq(path_under_nocase("/CGI-BIN/x", "/cgi-bin",
	    4), 0);
	ck_assert_int_eq(path_under_nocase("/x", "/cgi-bin", 0), 1);
}
END_TEST

static Suite *
path_suite(void)
{
	Suite	*s = suite_create("path");
	TCase	*tc;

	tc = tcase_create("resolve");
	tcase_add_loop_test(tc, test_path_table, 0,
	    sizeof(path_cases) / sizeof(path_cases[0]));
	tcase_add_test(tc, test_path_too_long);
	tcase_add_loop_test(tc, test_path_outsz, 0,
	    sizeof(outsz_cases) / sizeof(outsz_cases[0]));
	tcase_add_test(tc, test_path_no_fd_leak);
	suite_add_tcase(s, tc);
	tc = tcase_create("nocase");
	tcase_add_loop_test(tc, test_path_under_nocase, 0,
	    sizeof(nocase_cases) / sizeof(nocase_cases[0]));
	tcase_add_test(tc, test_path_under_nocase_dirlen);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner	*sr;
	int	 failed;

	test_build_root();
	sr = srunner_create(path_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	close(test_root_fd);
	nftw(test_root, test_rm_one, 16, FTW_DEPTH | FTW_PHYS);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
