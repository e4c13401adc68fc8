/* SPDX-License-Identifier: ISC */
/*
 * check_cgi_hint.c: unit tests for daemon/cgi_hint.c: stderr lines of
 * real interpreters (python, sh, perl, php, node, curl), with and without
 * the jail's doing, paths in and out of the jail, hostile bytes.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "cgi_hint.h"

#define ROFS	"read-only"
#define GONE	"outside the jail"
#define NET	"network is off"

static const char *const test_binds[] = { "/srv/data", "/var/tmp/x/" };
static const struct cgi_hint_jail test_jail = {
	"/srv/site", test_binds, 2, 0
};
static const struct cgi_hint_jail test_jail_net = {
	"/srv/site/", NULL, 0, 1
};

static const struct {
	const char	*line;
	const char	*hint;	/* a word of the hint, or NULL: none */
	const char	*keyword;	/* the keyword it must name */
} hint_cases[] = {
	/* the read-only file system, whoever says it */
	{ "OSError: [Errno 30] Read-only file system: '/srv/site/out.txt'",
	    ROFS, "`jail-bind-rw DIR`" },
	{ "sh: 1: cannot create /srv/site/x: Read-only file system", ROFS,
	    "jail-bind-rw" },
	{ "Error: EROFS: read-only file system, open '/srv/site/a'", ROFS,
	    "jail-bind-rw" },
	/* a host path the jail does not show */
	{ "FileNotFoundError: [Errno 2] No such file or directory: "
	    "'/var/tmp/cgijail-ready-x/data.txt'", GONE, "`jail-bind DIR`" },
	{ "cat: /home/alice/notes.txt: No such file or directory", GONE,
	    "jail-bind" },
	{ "Can't open /opt/app/conf.ini: No such file or directory at "
	    "x.pl line 3.", GONE, "jail-bind" },
	{ "PHP Warning:  fopen(/etc/myapp.conf): Failed to open stream: No "
	    "such file or directory in /srv/site/cgi-bin/x.php on line 2",
	    GONE, "jail-bind" },
	{ "Error: ENOENT: no such file or directory, open '/root/x'", GONE,
	    "jail-bind" },
	{ "/srv/site/cgi-bin/x.sh: 3: /opt/tool: No such file or directory",
	    GONE, "jail-bind" },
	/* missing, but inside the jail: not the jail's doing */
	{ "FileNotFoundError: [Errno 2] No such file or directory: "
	    "'/srv/site/data/missing.txt'", NULL, NULL },
	{ "cat: /tmp/x: No such file or directory", NULL, NULL },
	{ "cat: /srv/data/sub/x: No such file or directory", NULL, NULL },
	{ "cat: /var/tmp/x/y: No such file or directory", NULL, NULL },
	{ "ls: /usr/share/foo: No such file or directory", NULL, NULL },
	{ "ls: /lib64/x.so: No such file or directory", NULL, NULL },
	{ "open /etc/passwd: No such file or directory", NULL, NULL },
	{ "open /etc: No such file or directory", NULL, NULL },
	{ "open /: No such file or directory", NULL, NULL },
	{ "/usr/bin/env: 'python': No such file or directory", NULL, NULL },
	{ "cat: notes.txt: No such file or directory", NULL, NULL },
	{ "No such file or directory", NULL, NULL },
	/* a prefix that is not a parent, a URL, a path glued to a word */
	{ "cat: /srv/site2/x: No such file or directory", GONE, "jail-bind" },
	{ "cat: /usrlocal/x: No such file or directory", GONE, "jail-bind" },
	{ "curl: http://host/x: No such file or directory", NULL, NULL },
	{ "cat: a/opt/x: No such file or directory", NULL, NULL },
	{ "open /etc/shadow: No such file or directory", GONE, "jail-bind" },
	/* the network, off */
	{ "OSError: [Errno 101] Network is unreachable", NET,
	    "`script-network on`" },
	{ "socket.gaierror: [Errno -3] Temporary failure in name resolution",
	    NET, "script-network" },
	{ "socket.gaierror: [Errno -2] Name or service not known", NET,
	    "script-network" },
	{ "curl: (6) Could not resolve host: example.com", NET,
	    "script-network" },
	{ "Error: connect ENETUNREACH 192.0.2.1:80", NET, "script-network" },
	{ "Error: getaddrinfo EAI_AGAIN example.com", NET, "script-network" },
	/* nothing to say */
	{ "Traceback (most recent call last):", NULL, NULL },
	{ "PermissionError: [Errno 13] Permission denied: '/srv/site/x'",
	    NULL, NULL },
	{ "", NULL, NULL },
	{ "Read-only", NULL, NULL },
};

START_TEST(test_cgi_hint_table)
{
	const char	*line = hint_cases[_i].line, *h;

	h = cgi_hint_stderr(&test_jail, line, strlen(line));
	if (hint_cases[_i].hint == NULL) {
		ck_assert_msg(h == NULL, "%s: hint %s", line, h);
		return;
	}
	ck_assert_msg(h != NULL, "%s: no hint", line);
	ck_assert_msg(strstr(h, hint_cases[_i].hint) != NULL, "%s: %s", line,
	    h);
	ck_assert_msg(strstr(h, hint_cases[_i].keyword) != NULL, "%s: %s",
	    line, h);
}
END_TEST

START_TEST(test_cgi_hint_network_on)
{
	static const char *const lines[] = {
		"OSError: [Errno 101] Network is unreachable",
		"socket.gaierror: [Errno -3] Temporary failure in name "
		    "resolution",
	};
	static const char gone[] = "cat: /srv/site/x: No such file or "
	    "directory";
	size_t	i;

	/* with script-network on, an unreachable network is the host's */
	for (i = 0; i < sizeof(lines) / sizeof(lines[0]); i++)
		ck_assert_ptr_null(cgi_hint_stderr(&test_jail_net, lines[i],
		    strlen(lines[i])));
	/* a docroot written with a trailing slash still holds its files */
	ck_assert_ptr_null(cgi_hint_stderr(&test_jail_net, gone, strlen(gone)));
}
END_TEST

static const struct {
	const char	*path;
	int		 in;
} in_jail_cases[] = {
	{ "/", 1 }, { "/etc", 1 }, { "/etc/passwd", 1 }, { "/etc/group", 1 },
	{ "/etc/ld.so.cache", 1 }, { "/etc/localtime", 1 },
	{ "/etc/alternatives/python", 1 }, { "/etc/hosts", 0 },
	{ "/etc/passwd.bak", 0 }, { "/usr", 1 }, { "/usr/bin/python3", 1 },
	{ "/bin/sh", 1 }, { "/sbin/x", 1 }, { "/lib/x", 1 }, { "/lib64/x", 1 },
	{ "/lib32/x", 1 }, { "/libx32/x", 1 }, { "/libfoo/x", 0 },
	{ "/dev/null", 1 }, { "/proc/self", 1 }, { "/tmp/a/b", 1 },
	{ "/srv/site", 1 }, { "/srv/site/cgi-bin/x", 1 }, { "/srv/sitex", 0 },
	{ "/srv", 0 }, { "/srv/data/a", 1 }, { "/var/tmp/x", 1 },
	{ "/var/tmp/xy", 0 }, { "/var/tmp", 0 }, { "/home/u", 0 },
	{ "relative", 0 }, { "", 0 },
};

START_TEST(test_cgi_hint_in_jail)
{
	const char	*p = in_jail_cases[_i].path;

	ck_assert_msg(cgi_hint_in_jail(&test_jail, p, strlen(p)) ==
	    in_jail_cases[_i].in, "%s", p);
}
END_TEST

/* bytes the script chose: NULs, no terminator, every byte value */
START_TEST(test_cgi_hint_hostile)
{
	char	buf[600];
	size_t	i;

	static const char nul[] = "Read-only\0file system";
	static const char cut[] = "cat: /opt/x: No such file or directory";

	ck_assert_ptr_null(cgi_hint_stderr(&test_jail, nul, sizeof(nul) - 1));
	/* the line ends where its length says, not at a NUL */
	ck_assert_ptr_null(cgi_hint_stderr(&test_jail, cut, 20));
	ck_assert_ptr_nonnull(cgi_hint_stderr(&test_jail, cut,
	    sizeof(cut) - 1));
	for (i = 0; i < sizeof(buf); i++)
		buf[i] = (char)(i * 7);
	(void)cgi_hint_stderr(&test_jail, buf, sizeof(buf));
	memset(buf, '/', sizeof(buf));
	(void)cgi_hint_stderr(&test_jail, buf, sizeof(buf));
	ck_assert_ptr_null(cgi_hint_stderr(&test_jail, buf, 0));
}
END_TEST

static Suite *
cgi_hint_suite(void)
{
	Suite	*s = suite_create("cgi_hint");
	TCase	*tc = tcase_create("cgi_hint");

	tcase_add_loop_test(tc, test_cgi_hint_table, 0,
	    sizeof(hint_cases) / sizeof(hint_cases[0]));
	tcase_add_test(tc, test_cgi_hint_network_on);
	tcase_add_loop_test(tc, test_cgi_hint_in_jail, 0,
	    sizeof(in_jail_cases) / sizeof(in_jail_cases[0]));
	tcase_add_test(tc, test_cgi_hint_hostile);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner	*sr = srunner_create(cgi_hint_suite());
	int	 failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
