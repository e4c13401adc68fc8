/* SPDX-License-Identifier: ISC */
/*
 * check_explain.c: unit tests for daemon/explain_binds.c, the pure part
 * of --explain-jail: paths found (with the deepest directory the jail
 * has above each) in, jail-bind lines out.  Table-driven, no I/O.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "explain.h"

#define CASE_PATHS	8
#define CASE_LINES	6

/* "path|base" ("rw:" in front: a directory to write in); lines "+" rw */
static const struct {
	const char	*name;
	const char	*found[CASE_PATHS];
	const char	*lines[CASE_LINES];
} cases[] = {
	{ "one file", { "/etc/cgitrc|/etc" }, { "/etc/cgitrc" } },
	{ "two files in /etc stay two (the jail has /etc)",
	    { "/etc/cgitrc|/etc", "/etc/gitweb.conf|/etc" },
	    { "/etc/cgitrc", "/etc/gitweb.conf" } },
	{ "siblings under a directory the jail lacks merge",
	    { "/etc/php/8.2/cgi/php.ini|/etc",
	      "/etc/php/8.2/cgi/conf.d|/etc" },
	    { "/etc/php/8.2/cgi" } },
	{ "merges climb while the jail lacks the directory",
	    { "/etc/php/8.2/cgi/php.ini|/etc",
	      "/etc/php/8.2/cgi/conf.d|/etc",
	      "/etc/php/8.2/mods-available/pdo.ini|/etc",
	      "/etc/php/8.2/mods-available/ctype.ini|/etc" },
	    { "/etc/php/8.2" } },
	{ "never a directory one level down (/srv)",
	    { "/srv/git|/", "/srv/www|/" }, { "/srv/git", "/srv/www" } },
	{ "two levels down is fine",
	    { "/srv/git/a.git|/", "/srv/git/b.git|/" }, { "/srv/git" } },
	{ "never the jail's own directory",
	    { "/usr/local/x/a|/usr/local", "/usr/local/x/b|/usr/local/x" },
	    { "/usr/local/x" } },
	{ "a base at the directory blocks the merge",
	    { "/opt/app/a|/opt/app", "/opt/app/b|/opt/app" },
	    { "/opt/app/a", "/opt/app/b" } },
	{ "a path below another line adds nothing",
	    { "/srv/git|/", "/srv/git/demo.git/HEAD|/" }, { "/srv/git" } },
	{ "optional files get no line",
	    { "/etc/nsswitch.conf|/etc", "/etc/ld.so.preload|/etc" },
	    { NULL } },
	{ "a directory to write in: its own rw line, never merged",
	    { "rw:/var/lib/php/sessions|/", "/var/lib/php/x.ini|/" },
	    { "+/var/lib/php/sessions", "/var/lib/php/x.ini" } },
	{ "sorted, deduplicated",
	    { "/srv/b/file|/", "/srv/a/file|/", "/srv/b/file|/" },
	    { "/srv/a/file", "/srv/b/file" } },
};

static void
case_fill(struct explain_found *ef, size_t c)
{
	struct explain_path	 ep;
	const char		*spec, *bar;
	size_t			 i;

	memset(ef, 0, sizeof(*ef));
	for (i = 0; i < CASE_PATHS && (spec = cases[c].found[i]) != NULL;
	    i++) {
		memset(&ep, 0, sizeof(ep));
		if (strncmp(spec, "rw:", 3) == 0) {
			ep.ep_rw = 1;
			spec += 3;
		}
		bar = strchr(spec, '|');
		ck_assert_ptr_nonnull(bar);
		snprintf(ep.ep_path, sizeof(ep.ep_path), "%.*s",
		    (int)(bar - spec), spec);
		strlcpy(ep.ep_jail_base, bar + 1, sizeof(ep.ep_jail_base));
		strlcpy(ep.ep_call, "openat", sizeof(ep.ep_call));
		ck_assert_int_eq(explain_binds_add(ef, &ep), 0);
	}
}

START_TEST(test_explain_binds_lines_table)
{
	static struct explain_found	 ef;
	struct explain_line		 out[CASE_LINES + 2];
	size_t				 n, i;
	const char			*want;
	int				 rw;

	case_fill(&ef, (size_t)_i);
	n = explain_binds_lines(&ef, out, CASE_LINES + 2);
	for (i = 0; i < CASE_LINES && cases[_i].lines[i] != NULL; i++) {
		want = cases[_i].lines[i];
		ck_assert_msg(i < n, "%s: line %zu missing (%zu lines)",
		    cases[_i].name, i, n);
		rw = want[0] == '+';
		ck_assert_msg(strcmp(out[i].el_path, want + rw) == 0 &&
		    out[i].el_rw == rw, "%s: line %zu: %s%s, expected %s",
		    cases[_i].name, i, out[i].el_rw ? "+" : "", out[i].el_path,
		    want);
	}
	ck_assert_msg(n == i, "%s: %zu lines, expected %zu", cases[_i].name,
	    n, i);
}
END_TEST

START_TEST(test_explain_binds_add_is_bounded)
{
	static struct explain_found	 ef;
	struct explain_path		 ep;
	size_t				 i;

	memset(&ef, 0, sizeof(ef));
	memset(&ep, 0, sizeof(ep));
	strlcpy(ep.ep_jail_base, "/", sizeof(ep.ep_jail_base));
	for (i = 0; i < EXPLAIN_PATHS_MAX + 5; i++) {
		snprintf(ep.ep_path, sizeof(ep.ep_path), "/srv/p%zu", i);
		(void)explain_binds_add(&ef, &ep);
	}
	ck_assert_uint_eq(ef.ef_npath, EXPLAIN_PATHS_MAX);
	ck_assert_uint_eq(ef.ef_dropped, 5);
	/* the same path again is no new entry, and no drop */
	ck_assert_int_eq(explain_binds_add(&ef, &ef.ef_path[0]), 0);
	ck_assert_uint_eq(ef.ef_dropped, 5);
}
END_TEST

START_TEST(test_explain_binds_plain)
{
	ck_assert_int_eq(explain_binds_plain("/srv/git/a-b_c.d+e@f"), 1);
	ck_assert_int_eq(explain_binds_plain("/srv/with space"), 0);
	ck_assert_int_eq(explain_binds_plain("/srv/q\"uote"), 0);
	ck_assert_int_eq(explain_binds_plain("/srv/hash#x"), 0);
	ck_assert_int_eq(explain_binds_plain("relative"), 0);
	ck_assert_int_eq(explain_binds_plain("/srv/nl\n"), 0);
	ck_assert_ptr_nonnull(explain_binds_optional("/etc/nsswitch.conf"));
	ck_assert_ptr_null(explain_binds_optional("/etc/cgitrc"));
}
END_TEST

static Suite *
explain_suite(void)
{
	Suite	*s = suite_create("explain");
	TCase	*tc = tcase_create("binds");

	tcase_add_loop_test(tc, test_explain_binds_lines_table, 0,
	    (int)(sizeof(cases) / sizeof(cases[0])));
	tcase_add_test(tc, test_explain_binds_add_is_bounded);
	tcase_add_test(tc, test_explain_binds_plain);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner	*sr;
	int	 failed;

	sr = srunner_create(explain_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
