/* SPDX-License-Identifier: ISC */
/*
 * check_proc_stat.c: unit tests for check_stat_going() (sandbox/check.c),
 * which reads one task's /proc stat line when a start looks for processes
 * that use script-uid-range: a task that has ended (zombie, dead), has
 * begun its exit (PF_EXITING) or has SIGKILL pending is going, and holds
 * its uid no more; any other is not.  The name may hold anything a
 * process chooses, a fake state and fields too; a line cut short is no
 * stat line.  Then real lines: this process, a sleeping child, a zombie.
 * Runs as any user.
 */
#include <sys/wait.h>

#include <check.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../sandbox/sandbox_priv.h"

#define T_PF_EXITING	0x4ULL
#define T_PF_KTHREAD	0x00200000ULL
#define T_PF_RANDOMIZE	0x00400000ULL

/*
 * A stat line as Linux 6.1 prints it: 52 fields, with the name, state,
 * flags and pending signals given; tpgid, priority and nice negative as
 * they may be.
 */
static void
t_line(char *buf, size_t bufsz, const char *name, char state,
    unsigned long long flags, unsigned long long sigpend)
{
	int	 n;

	n = snprintf(buf, bufsz, "4242 (%s) %c 1 4242 4242 0 -1 %llu 120 0 0 "
	    "0 3 1 0 0 -100 -20 1 0 987654 2306048 220 18446744073709551615 "
	    "94000000000000 94000000004096 140720000000000 0 0 %llu 0 0 0 0 0 "
	    "17 1 99 1 0 0 0 94000000012288 94000000016384 94000001000000 "
	    "140720000010000 140720000010020 140720000010020 140720000020000 "
	    "0\n", name, state, flags, sigpend);
	ck_assert_int_gt(n, 0);
	ck_assert_uint_lt((size_t)n, bufsz);
}

struct t_case {
	const char		*tc_name;
	char			 tc_state;
	unsigned long long	 tc_flags;
	unsigned long long	 tc_sigpend;
	int			 tc_want;
};

static const struct t_case t_cases[] = {
	/* running, sleeping, stopped, traced, in the disk: may run on */
	{ "sleep", 'S', T_PF_RANDOMIZE, 0, 0 },
	{ "sleep", 'R', T_PF_RANDOMIZE, 0, 0 },
	{ "sleep", 'D', T_PF_RANDOMIZE, 0, 0 },
	{ "sleep", 'T', T_PF_RANDOMIZE, 0, 0 },
	{ "sleep", 't', T_PF_RANDOMIZE, 0, 0 },
	{ "sleep", 'I', T_PF_KTHREAD, 0, 0 },
	/* other signals pending, SIGKILL's neighbours among them */
	{ "sleep", 'S', 0, (1ULL << (SIGHUP - 1)) | (1ULL << (SIGUSR1 - 1)) |
	    (1ULL << (SIGBUS - 1)) | (1ULL << (SIGTERM - 1)), 0 },
	{ "sleep", 'S', ~T_PF_EXITING & 0xffffffffULL, 0x7fffffffULL &
	    ~(1ULL << (SIGKILL - 1)), 0 },
	/* ended */
	{ "sleep", 'Z', T_PF_EXITING, 0, 1 },
	{ "sleep", 'X', T_PF_EXITING, 0, 1 },
	{ "sleep", 'x', T_PF_EXITING, 0, 1 },
	{ "cgijail-spawn", 'Z', 0, 0, 1 },
	/* ending: its exit has begun, or SIGKILL waits for it */
	{ "cgijail-spawn", 'D', T_PF_EXITING | T_PF_RANDOMIZE, 0, 1 },
	{ "cgijail-spawn", 'R', T_PF_EXITING, 0, 1 },
	{ "cgijail-spawn", 'S', T_PF_RANDOMIZE, 1ULL << (SIGKILL - 1), 1 },
	{ "cgijail-spawn", 't', 0, (1ULL << (SIGKILL - 1)) |
	    (1ULL << (SIGTERM - 1)), 1 },
	/* a name is the process's to choose: it fakes nothing */
	{ "evil) Z 1 1 1 0 -1 4 (", 'S', 0, 0, 0 },
	{ "a) S 1 1 1 0 -1 4 (", 'Z', 0, 0, 1 },
	{ ") )", 'S', 0, 0, 0 },
	{ "", 'S', 0, 0, 0 },
	{ " ", 'R', T_PF_EXITING, 0, 1 },
};

START_TEST(test_stat_line_says_going)
{
	const struct t_case	*tc = &t_cases[_i];
	char			 buf[1024];

	t_line(buf, sizeof(buf), tc->tc_name, tc->tc_state, tc->tc_flags,
	    tc->tc_sigpend);
	ck_assert_msg(check_stat_going(buf) == tc->tc_want,
	    "case %d: %s: want %d", _i, buf, tc->tc_want);
}
END_TEST

/* every cut of a live line before its pending signals is no stat line */
START_TEST(test_cut_lines_are_no_stat_lines)
{
	char	 buf[1024], cut[1024];
	size_t	 n, end;
	int	 field = 0;

	t_line(buf, sizeof(buf), "sleep", 'S', 0, 1ULL << (SIGKILL - 1));
	ck_assert_int_eq(check_stat_going(buf), 1);
	/* the end of field 31 (pending signals): 28 fields after the state */
	for (end = (size_t)(strrchr(buf, ')') - buf) + 3; field < 29; end++)
		if (buf[end] == ' ')
			field++;
	for (n = 0; n + 1 < end; n++) {
		memcpy(cut, buf, n);
		cut[n] = '\0';
		ck_assert_msg(check_stat_going(cut) == -1, "cut at %zu: '%s'",
		    n, cut);
	}
	ck_assert_int_eq(check_stat_going("garbage"), -1);
	ck_assert_int_eq(check_stat_going("1 (x)"), -1);
	ck_assert_int_eq(check_stat_going("1 (x) S"), -1);
	ck_assert_int_eq(check_stat_going("1 (x) S 1 1 1 0 -1 x"), -1);
	ck_assert_int_eq(check_stat_going("1 (x) S 1 1 1 0 - 4"), -1);
	ck_assert_int_eq(check_stat_going("1 (x) S  1 1 1 0 -1 4"), -1);
}
END_TEST

static int
t_read_stat(pid_t pid, char *buf, size_t bufsz)
{
	char	 path[64];
	FILE	*fp;
	size_t	 n;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if ((fp = fopen(path, "r")) == NULL)
		return -1;
	n = fread(buf, 1, bufsz - 1, fp);
	fclose(fp);
	buf[n] = '\0';
	return n > 0 ? 0 : -1;
}

/* the kernel's own lines: this process and a sleeping child run on */
START_TEST(test_real_lines)
{
	char	 buf[1024];
	pid_t	 pid;
	int	 st, i;

	ck_assert_int_eq(t_read_stat(getpid(), buf, sizeof(buf)), 0);
	ck_assert_msg(check_stat_going(buf) == 0, "%s", buf);
	if ((pid = fork()) == 0) {
		pause();
		_exit(0);
	}
	ck_assert_int_gt(pid, 0);
	ck_assert_int_eq(t_read_stat(pid, buf, sizeof(buf)), 0);
	ck_assert_msg(check_stat_going(buf) == 0, "%s", buf);
	ck_assert_int_eq(kill(pid, SIGKILL), 0);
	/* ended and not reaped: a zombie, up to 5 s for it to get there */
	for (i = 0; i < 500; i++) {
		ck_assert_int_eq(t_read_stat(pid, buf, sizeof(buf)), 0);
		if (strstr(buf, ") Z ") != NULL)
			break;
		usleep(10000);
	}
	ck_assert_msg(check_stat_going(buf) == 1, "%s", buf);
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
}
END_TEST

static Suite *
proc_stat_suite(void)
{
	Suite	*s = suite_create("proc_stat");
	TCase	*tc = tcase_create("going");

	tcase_add_loop_test(tc, test_stat_line_says_going, 0,
	    (int)(sizeof(t_cases) / sizeof(t_cases[0])));
	tcase_add_test(tc, test_cut_lines_are_no_stat_lines);
	tcase_add_test(tc, test_real_lines);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner	*sr = srunner_create(proc_stat_suite());
	int	 failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
