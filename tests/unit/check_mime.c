/* SPDX-License-Identifier: ISC */
/*
 * check_mime.c: unit tests for daemon/mime.c: the built-in table, a
 * mime.types file written to a temporary directory, hostile text.
 * Needs mime.c, http.c, libbsd and Check.
 */
#include <sys/types.h>
#include <sys/stat.h>

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mime.h"

static char		test_root[64];
static int		test_root_fd = -1;

static void
test_write(const char *rel, const char *data, size_t len, mode_t mode)
{
	int fd;

	if ((fd = openat(test_root_fd, rel, O_WRONLY | O_CREAT | O_TRUNC,
	    0644)) == -1 || write(fd, data, len) != (ssize_t)len ||
	    fchmod(fd, mode) == -1 || close(fd) == -1) {
		perror(rel);
		exit(2);
	}
}

static const struct {
	const char	*name;
	const char	*type;
} mime_builtin_cases[] = {
	{ "index.html",		"text/html" },
	{ "OLD.HTM",		"text/html" },
	{ "a/b.c/style.css",	"text/css" },
	{ "app.JS",		"text/javascript" },
	{ "mod.mjs",		"text/javascript" },
	{ "data.json",		"application/json" },
	{ "README.md",		"text/plain" },
	{ "notes.txt",		"text/plain" },
	{ "logo.svg",		"image/svg+xml" },
	{ "p.Jpeg",		"image/jpeg" },
	{ "p.png",		"image/png" },
	{ "m.wasm",		"application/wasm" },
	{ "f.woff2",		"font/woff2" },
	{ "x.tar.gz",		"application/gzip" },
	{ "v.webm",		"video/webm" },
	{ "s.mp3",		"audio/mpeg" },
	{ "noext",		"application/octet-stream" },
	{ ".bashrc",		"application/octet-stream" },
	{ "dir/.profile",	"application/octet-stream" },
	{ "trailing.",		"application/octet-stream" },
	{ "dot.d/noext",	"application/octet-stream" },
	{ "x.extensiontoolong1", "application/octet-stream" },
	{ "x.exe",		"application/octet-stream" },
	{ "",			"application/octet-stream" },
};

START_TEST(test_mime_builtin)
{
	ck_assert_str_eq(mime_type(mime_builtin_cases[_i].name),
	    mime_builtin_cases[_i].type);
}
END_TEST

static const char test_mime_text[] =
    "# test mime.types\n"
    "text/x-foo\tfoo Foo2   # trailing comment\n"
    "application/x-bar bar baz\r\n"
    "notatype  qux\n"
    "text/x-dup dup\n"
    "text/x-dup2 dup\n"
    "image/x-long extensiontoolong123 ok1\n"
    "text/plain htm\n"
    "text/x-bad\"q bq\n"
    "    \n"
    "text/x-last last";

static const struct {
	const char	*name;
	const char	*type;
} mime_file_cases[] = {
	{ "a.foo",	"text/x-foo" },
	{ "a.FOO2",	"text/x-foo" },
	{ "a.bar",	"application/x-bar" },
	{ "a.baz",	"application/x-bar" },
	{ "a.qux",	"application/octet-stream" },
	{ "a.dup",	"text/x-dup" },
	{ "a.ok1",	"image/x-long" },
	{ "a.htm",	"text/plain" },		/* the file beats built-in */
	{ "a.bq",	"application/octet-stream" },
	{ "a.last",	"text/x-last" },
	{ "a.png",	"image/png" },		/* built-in fills the gaps */
	{ "a.comment",	"application/octet-stream" },
};

START_TEST(test_mime_load_file)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/mime.types.%d", test_root,
	    (int)getpid());
	test_write(strrchr(path, '/') + 1, test_mime_text,
	    sizeof(test_mime_text) - 1, 0644);
	ck_assert_int_eq(mime_load(path), 0);
	unlink(path);
	ck_assert_str_eq(mime_type(mime_file_cases[_i].name),
	    mime_file_cases[_i].type);
}
END_TEST

START_TEST(test_mime_load_failures_keep_table)
{
	char path[256];
	char *big;

	ck_assert_int_eq(mime_parse("text/x-foo foo\n", 15), 0);
	ck_assert_int_eq(mime_load("/nonexistent/mime.types"), -1);
	ck_assert_int_eq(errno, ENOENT);
	ck_assert_int_eq(mime_load(test_root), -1);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_ptr_nonnull(big = malloc(1024 * 1024 + 1));
	memset(big, ' ', 1024 * 1024 + 1);
	snprintf(path, sizeof(path), "%s/big.%d", test_root, (int)getpid());
	test_write(strrchr(path, '/') + 1, big, 1024 * 1024 + 1, 0644);
	ck_assert_int_eq(mime_load(path), -1);
	ck_assert_int_eq(errno, EFBIG);
	ck_assert_int_eq(mime_parse(big, 1024 * 1024 + 1), -1);
	unlink(path);
	free(big);
	ck_assert_str_eq(mime_type("x.foo"), "text/x-foo");
	ck_assert_str_eq(mime_type("x.html"), "text/html");
}
END_TEST

START_TEST(test_mime_parse_hostile)
{
	static const char nul[] = "text/x-a a\0b\ntext/x-c\0 c\ntext/x-d d";
	char *many;
	size_t i, len = 0;

	ck_assert_int_eq(mime_parse(NULL, 0), 0);
	ck_assert_str_eq(mime_type("a.css"), "text/css");
	ck_assert_int_eq(mime_parse(nul, sizeof(nul) - 1), 0);
	ck_assert_str_eq(mime_type("x.a"), "application/octet-stream");
	ck_assert_str_eq(mime_type("x.c"), "application/octet-stream");
	ck_assert_str_eq(mime_type("x.d"), "text/x-d");
	/* more extensions than the cap: refused whole, table kept */
	ck_assert_ptr_nonnull(many = malloc(9000 * 8 + 16));
	len = snprintf(many, 16, "text/x-m");
	for (i = 0; i < 9000; i++)
		len += snprintf(many + len, 9, " e%05zu", i);
	ck_assert_int_eq(mime_parse(many, len), -1);
	ck_assert_int_eq(errno, EFBIG);
	free(many);
	ck_assert_str_eq(mime_type("x.d"), "text/x-d");
	ck_assert_str_eq(mime_type("x.e00001"),
	    "application/octet-stream");
}
END_TEST

static Suite *
mime_suite(void)
{
	Suite *s = suite_create("mime");
	TCase *tc;

	tc = tcase_create("mime");
	tcase_add_loop_test(tc, test_mime_builtin, 0,
	    sizeof(mime_builtin_cases) / sizeof(mime_builtin_cases[0]));
	tcase_add_loop_test(tc, test_mime_load_file, 0,
	    sizeof(mime_file_cases) / sizeof(mime_file_cases[0]));
	tcase_add_test(tc, test_mime_load_failures_keep_table);
	tcase_add_test(tc, test_mime_parse_hostile);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr;
	int failed;

	strlcpy(test_root, "/tmp/check_mime.XXXXXX", sizeof(test_root));
	if (mkdtemp(test_root) == NULL || (test_root_fd = open(test_root,
	    O_PATH | O_DIRECTORY | O_CLOEXEC)) == -1) {
		perror("mkdtemp");
		return 2;
	}
	sr = srunner_create(mime_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	close(test_root_fd);
	(void)rmdir(test_root);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
