/* SPDX-License-Identifier: ISC */
/*
 * check_userdir.c: unit tests for userdir.c: user names, table paths,
 * the account table the parent hands the roles (each field checked, no
 * limit above the configuration's, sorted, formatted back the same), and
 * the teacher's userdir-limits file (every error's whole "FILE:LINE:
 * message").  Table-driven, no file system.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "userdir.h"

#define T_FILE	"t.limits"
#define T_HEAD	USERDIR_TEXT_MAGIC "\n"
/* an account line as the parent writes it, with the default limits */
#define T_ACCT(name, uid, path) name " " #uid " " #uid " 4 10 536870912 64 " \
	"67108864 256 16777216 " path "\n"

static struct config	t_cf;

static void
t_setup(void)
{
	config_defaults(&t_cf);
	(void)strlcpy(t_cf.cf_userdir, "public_html", sizeof(t_cf.cf_userdir));
}

static const struct {
	const char	*nc_name;
	int		 nc_ok;
} name_cases[] = {
	{ "alice", 1 }, { "a.b-c_d", 1 }, { "A1", 1 }, { "_x", 1 },
	{ "", 0 }, { "-x", 0 }, { ".", 0 }, { "..", 0 }, { "a/b", 0 },
	{ "a b", 0 }, { "a~b", 0 }, { "al\xc3\xa9", 0 },
	{ "abcdefghijklmnopqrstuvwxyz012345", 1 },	/* 32 */
	{ "abcdefghijklmnopqrstuvwxyz0123456", 0 },	/* 33 */
};

START_TEST(test_userdir_names)
{
	const char	*n = name_cases[_i].nc_name;

	ck_assert_msg(userdir_name_ok(n, strlen(n)) == name_cases[_i].nc_ok,
	    "%s", n);
}
END_TEST

static const struct {
	const char	*pc_path;
	const char	*pc_why;	/* NULL: fine */
} path_cases[] = {
	{ "/home/alice/public_html", NULL },
	{ "/public_html", NULL },
	{ "/", "not an absolute path below /" },
	{ "home/x", "not an absolute path below /" },
	{ "/a//b", "not a clean path (an empty, '.' or '..' part)" },
	{ "/a/./b", "not a clean path (an empty, '.' or '..' part)" },
	{ "/a/../b", "not a clean path (an empty, '.' or '..' part)" },
	{ "/a/b/", "not a clean path (an empty, '.' or '..' part)" },
	{ "/my home/x", "a blank, a control or a non-ASCII character in the "
	    "path" },
	{ "/h\xc3\xa9/x", "a blank, a control or a non-ASCII character in the "
	    "path" },
};

START_TEST(test_userdir_paths)
{
	const char	*why = userdir_path_error(path_cases[_i].pc_path);

	if (path_cases[_i].pc_why == NULL)
		ck_assert_msg(why == NULL, "%s: %s", path_cases[_i].pc_path,
		    why);
	else
		ck_assert_str_eq(why != NULL ? why : "(null)",
		    path_cases[_i].pc_why);
}
END_TEST

static const struct {
	const char	*tc_text;
	const char	*tc_err;	/* NULL: parses */
	size_t		 tc_n;
} table_cases[] = {
	{ T_HEAD, NULL, 0 },
	{ T_HEAD T_ACCT("alice", 1001, "/home/alice/public_html")
	    T_ACCT("bob", 1002, "/var/tmp/h/bob/public_html"), NULL, 2 },
	{ T_HEAD "alice 1001 1001 1 3 1048576 1 4096 8 65536 /h/a/public_html\n",
	    NULL, 1 },
	{ "", "userdir table line 1: no " USERDIR_TEXT_MAGIC " line", 0 },
	{ "cgijail-userdir 2\n", "userdir table line 1: no "
	    USERDIR_TEXT_MAGIC " line", 0 },
	{ T_HEAD "alice 1001 1001\n", "userdir table line 2: not 11 words",
	    0 },
	{ T_HEAD "alice 1001 1001 4 10 536870912 64 67108864 256 16777216 "
	    "/h/a x\n", "userdir table line 2: not 11 words", 0 },
	{ T_HEAD T_ACCT("-alice", 1001, "/h/a"), "userdir table line 2: a bad "
	    "user name", 0 },
	{ T_HEAD T_ACCT("root", 0, "/root/public_html"), "userdir table line "
	    "2: a uid below userdir-min-uid, or a group root", 0 },
	{ T_HEAD T_ACCT("daemon", 999, "/h/d"), "userdir table line 2: a uid "
	    "below userdir-min-uid, or a group root", 0 },
	{ T_HEAD "alice 1001 0 4 10 536870912 64 67108864 256 16777216 /h/a\n",
	    "userdir table line 2: a uid below userdir-min-uid, or a group "
	    "root", 0 },
	{ T_HEAD "alice 1001 1001 5 10 536870912 64 67108864 256 16777216 "
	    "/h/a\n", "userdir table line 2: max-scripts out of range", 0 },
	{ T_HEAD "alice 1001 1001 0 10 536870912 64 67108864 256 16777216 "
	    "/h/a\n", "userdir table line 2: max-scripts out of range", 0 },
	{ T_HEAD "alice 1001 1001 4 11 536870912 64 67108864 256 16777216 "
	    "/h/a\n", "userdir table line 2: a limit above the configuration's",
	    0 },
	{ T_HEAD "alice 1001 1001 4 10 536870912 64 0 256 16777216 /h/a\n",
	    "userdir table line 2: a limit above the configuration's", 0 },
	{ T_HEAD "alice 1001 1001 4 10 536870912 64 67108864 256 33554432 "
	    "/h/a\n", "userdir table line 2: a limit above the configuration's",
	    0 },
	{ T_HEAD "alice 1001 1001 4 x 536870912 64 67108864 256 16777216 /h/a\n",
	    "userdir table line 2: a bad number", 0 },
	{ T_HEAD "alice 4294967296 1001 4 10 536870912 64 67108864 256 "
	    "16777216 /h/a\n", "userdir table line 2: a bad number", 0 },
	{ T_HEAD T_ACCT("alice", 1001, "/h/../a"), "userdir table line 2: not "
	    "a clean path (an empty, '.' or '..' part)", 0 },
	{ T_HEAD T_ACCT("bob", 1002, "/h/b") T_ACCT("alice", 1001, "/h/a"),
	    "userdir table line 3: names not sorted, or one twice", 0 },
	{ T_HEAD T_ACCT("bob", 1002, "/h/b") T_ACCT("bob", 1003, "/h/c"),
	    "userdir table line 3: names not sorted, or one twice", 0 },
};

START_TEST(test_userdir_table)
{
	struct userdir_table	*ut = NULL;
	const char		*text = table_cases[_i].tc_text;
	char			 err[256];
	int			 r;

	t_setup();
	memset(err, 'X', sizeof(err));
	r = userdir_parse(text, strlen(text), &t_cf, &ut, err, sizeof(err));
	if (table_cases[_i].tc_err != NULL) {
		ck_assert_msg(r == -1, "accepted: %s", text);
		ck_assert_str_eq(err, table_cases[_i].tc_err);
		return;
	}
	ck_assert_msg(r == 0, "%s: %s", text, err);
	ck_assert_uint_eq(ut->ut_n, table_cases[_i].tc_n);
	userdir_free(ut);
}
END_TEST

START_TEST(test_userdir_table_nul_and_long_lines)
{
	struct userdir_table	*ut = NULL;
	char			 text[4096], err[256];
	size_t			 n;

	t_setup();
	n = (size_t)snprintf(text, sizeof(text), "%s", T_HEAD
	    T_ACCT("alice", 1001, "/h/a"));
	text[n - 3] = '\0';
	ck_assert_int_eq(userdir_parse(text, n, &t_cf, &ut, err, sizeof(err)),
	    -1);
	ck_assert_str_eq(err, "userdir table line 2: too long, or a NUL byte");
	memset(text, 'a', sizeof(text));
	memcpy(text, T_HEAD, sizeof(T_HEAD) - 1);
	ck_assert_int_eq(userdir_parse(text, sizeof(text), &t_cf, &ut, err,
	    sizeof(err)), -1);
	ck_assert_str_eq(err, "userdir table line 2: too long, or a NUL byte");
}
END_TEST

START_TEST(test_userdir_format_and_lookup)
{
	static const char	 text[] = T_HEAD
	    T_ACCT("alice", 1001, "/home/alice/public_html")
	    T_ACCT("bob", 1002, "/home/bob/public_html")
	    T_ACCT("carol", 1003, "/srv/home/carol/public_html");
	struct userdir_table	*ut = NULL;
	const struct userdir_account *a;
	char			 err[256], *out;
	size_t			 len;

	t_setup();
	ck_assert_int_eq(userdir_parse(text, sizeof(text) - 1, &t_cf, &ut, err,
	    sizeof(err)), 0);
	ck_assert_int_eq(userdir_format(ut, &out, &len), 0);
	ck_assert_uint_eq(len, sizeof(text) - 1);
	ck_assert(memcmp(out, text, len) == 0);
	free(out);
	a = userdir_lookup(ut, "bob/cgi-bin", 3);
	ck_assert_ptr_nonnull(a);
	ck_assert_str_eq(a->ua_path, "/home/bob/public_html");
	ck_assert_uint_eq(a->ua_uid, 1002);
	ck_assert_uint_eq(userdir_index(ut, a), 1);
	ck_assert_ptr_null(userdir_lookup(ut, "bo", 2));
	ck_assert_ptr_null(userdir_lookup(ut, "bobby", 5));
	ck_assert_ptr_null(userdir_lookup(ut, "", 0));
	ck_assert_ptr_null(userdir_lookup(ut, "..", 2));
	ck_assert_ptr_null(userdir_lookup(NULL, "bob", 3));
	ck_assert_ptr_nonnull(userdir_lookup(ut, "carol", 5));
	ck_assert_ptr_nonnull(userdir_lookup(ut, "alice", 5));
	userdir_free(ut);
}
END_TEST

struct t_lims {
	char	tl_seen[1024];
	size_t	tl_n;
};

static int
t_limit(void *arg, const struct userdir_limit *l, char *err, size_t errsz)
{
	struct t_lims	*tl = arg;
	size_t		 n = strlen(tl->tl_seen);

	(void)snprintf(tl->tl_seen + n, sizeof(tl->tl_seen) - n,
	    "%s%s:%zu:%s=%llu", n ? "," : "", l->ul_name, l->ul_line,
	    l->ul_kind, (unsigned long long)l->ul_value);
	tl->tl_n++;
	return 0;
}

static const struct {
	const char	*lc_text;
	const char	*lc_err;	/* NULL: parses, then lc_seen */
	const char	*lc_seen;
} limits_cases[] = {
	{ "", NULL, "" },
	{ "# the teacher's\n\n  \t\nlimit alice cpu 3 # lowered\n", NULL,
	    "alice:4:cpu=3" },
	{ "limit alice memory 128M\r\nlimit bob max-scripts 1\n"
	    "limit bob file-size 1M\nlimit c.d open-files 40\nlimit e tmp 1M\n"
	    "limit f processes 1", NULL, "alice:1:memory=134217728,bob:2:"
	    "max-scripts=1,bob:3:file-size=1048576,c.d:4:open-files=40,e:5:"
	    "tmp=1048576,f:6:processes=1" },
	{ "limit alice cpu 10\n", NULL, "alice:1:cpu=10" },
	{ "\nlimit alice cpu 20\n", T_FILE ":2: limit alice cpu 20: above the "
	    "configuration's 10 (this file only lowers a student's limits)",
	    NULL },
	{ "limit alice memory 1G\n", T_FILE ":1: limit alice memory 1G: above "
	    "the configuration's 512M (this file only lowers a student's "
	    "limits)", NULL },
	{ "limit alice file-size 0\n", T_FILE ":1: limit alice file-size 0: "
	    "above the configuration's 64M (this file only lowers a student's "
	    "limits)", NULL },
	{ "limit alice max-scripts 5\n", T_FILE ":1: limit alice max-scripts "
	    "5: above the configuration's 4 (this file only lowers a student's "
	    "limits)", NULL },
	{ "limit alice max-scripts 0\n", T_FILE ":1: limit max-scripts: '0' "
	    "is too small (expected 1-4096)", NULL },
	{ "limit alice cpu x\n", T_FILE ":1: limit cpu: 'x' is invalid "
	    "(expected 1-86400)", NULL },
	{ "limit alice cpu 0\n", T_FILE ":1: limit cpu: '0' is out of range "
	    "(expected 1-86400)", NULL },
	{ "limit alice nonsense 1\n", T_FILE ":1: limit: unknown limit "
	    "'nonsense' (cpu, memory, processes, file-size, open-files, tmp, "
	    "max-scripts)", NULL },
	{ "limit -alice cpu 1\n", T_FILE ":1: limit: '-alice' is not a user "
	    "name", NULL },
	{ "limit alice cpu\n", T_FILE ":1: expected `limit NAME KIND VALUE`",
	    NULL },
	{ "limit alice cpu 1 2\n", T_FILE ":1: expected `limit NAME KIND "
	    "VALUE`", NULL },
	{ "cpu alice 1 2\n", T_FILE ":1: expected `limit NAME KIND VALUE`",
	    NULL },
	{ "limit a cpu 1\nlimit\x01 b cpu 1\n", T_FILE ":2: control character "
	    "0x01 in line", NULL },
};

START_TEST(test_userdir_limits)
{
	struct t_lims	tl;
	const char	*text = limits_cases[_i].lc_text;
	char		err[CONFIG_ERR_MAX];
	int		r;

	t_setup();
	memset(&tl, 0, sizeof(tl));
	memset(err, 'X', sizeof(err));
	r = userdir_limits_parse(text, strlen(text), T_FILE, &t_cf, t_limit,
	    &tl, err, sizeof(err));
	if (limits_cases[_i].lc_err != NULL) {
		ck_assert_msg(r == -1, "accepted: %s", text);
		ck_assert_str_eq(err, limits_cases[_i].lc_err);
		return;
	}
	ck_assert_msg(r == 0, "%s: %s", text, err);
	ck_assert_str_eq(tl.tl_seen, limits_cases[_i].lc_seen);
}
END_TEST

START_TEST(test_userdir_limit_apply)
{
	struct userdir_account	a;
	struct userdir_limit	l;

	t_setup();
	memset(&a, 0, sizeof(a));
	a.ua_limits = t_cf.cf_limits;
	a.ua_max_scripts = 4;
	memset(&l, 0, sizeof(l));
	l.ul_off = offsetof(struct config_limits, lim_open_files);
	l.ul_value = 40;
	userdir_limit_apply(&a, &l);
	ck_assert_uint_eq(a.ua_limits.lim_open_files, 40);
	ck_assert_uint_eq(a.ua_limits.lim_cpu_sec, 10);
	l.ul_scripts = 1;
	l.ul_value = 1;
	userdir_limit_apply(&a, &l);
	ck_assert_int_eq(a.ua_max_scripts, 1);
	ck_assert_uint_eq(a.ua_limits.lim_open_files, 40);
}
END_TEST

START_TEST(test_userdir_notes_are_bounded)
{
	struct userdir_table	ut;
	size_t			i;

	memset(&ut, 0, sizeof(ut));
	for (i = 0; i < USERDIR_NOTES_MAX + 5; i++)
		userdir_note(&ut, "note %zu %s", i, "x");
	ck_assert_uint_eq(ut.ut_nnotes, USERDIR_NOTES_MAX);
	ck_assert_uint_eq(ut.ut_notes_dropped, 5);
	ck_assert_str_eq(ut.ut_notes[3], "note 3 x");
	free(ut.ut_notes);
}
END_TEST

static Suite *
userdir_suite(void)
{
	Suite	*s = suite_create("userdir");
	TCase	*tc = tcase_create("userdir");

	tcase_add_loop_test(tc, test_userdir_names, 0,
	    sizeof(name_cases) / sizeof(name_cases[0]));
	tcase_add_loop_test(tc, test_userdir_paths, 0,
	    sizeof(path_cases) / sizeof(path_cases[0]));
	tcase_add_loop_test(tc, test_userdir_table, 0,
	    sizeof(table_cases) / sizeof(table_cases[0]));
	tcase_add_test(tc, test_userdir_table_nul_and_long_lines);
	tcase_add_test(tc, test_userdir_format_and_lookup);
	tcase_add_loop_test(tc, test_userdir_limits, 0,
	    sizeof(limits_cases) / sizeof(limits_cases[0]));
	tcase_add_test(tc, test_userdir_limit_apply);
	tcase_add_test(tc, test_userdir_notes_are_bounded);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner	*sr = srunner_create(userdir_suite());
	int	 failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
