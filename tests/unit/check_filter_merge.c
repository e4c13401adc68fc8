/* SPDX-License-Identifier: ISC */
/*
 * check_filter_merge.c: sandbox/filter_merge.c.  A script's filter with
 * the floor (and the network floor) merged in must treat every call as
 * the stacked filters do: for a table of policies and calls, each call
 * runs in a forked child under the stacked filters, under the merged
 * one, and under the floor alone, and the outcomes are compared.
 * Runs from the repository top (reads policy/).
 */
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sandbox.h"
#include "../../sandbox/sandbox_priv.h"
#include "unit_policy.h"

#define T_DEFAULT	"policy/default.policy"
#define T_STRICT	"policy/strict.policy"
#define T_EXIT		"allow exit_group\nallow exit\n"

/* calls whose every outcome is harmless in a child about to exit */
static const struct {
	const char	*c_name;
	long		 c_nr;
	long		 c_a[4];
} calls[] = {
	{ "socket(INET)", SYS_socket, { AF_INET, SOCK_STREAM, 0, 0 } },
	{ "socket(INET6)", SYS_socket, { AF_INET6, SOCK_DGRAM, 0, 0 } },
	{ "socket(UNIX)", SYS_socket, { AF_UNIX, SOCK_STREAM, 0, 0 } },
	{ "socket(NETLINK)", SYS_socket, { AF_NETLINK, SOCK_RAW, 0, 0 } },
	{ "socket(UNSPEC)", SYS_socket, { AF_UNSPEC, SOCK_STREAM, 0, 0 } },
	{ "socketpair(INET)", SYS_socketpair, { AF_INET, SOCK_STREAM, 0, 0 } },
	{ "inotify_init1", SYS_inotify_init1, { 0, 0, 0, 0 } },
	{ "sendto(-1, OOB)", SYS_sendto, { -1, 0, 0, MSG_OOB } },
	{ "sendto(-1)", SYS_sendto, { -1, 0, 0, MSG_DONTWAIT } },
	{ "ioctl(-1, TIOCSTI)", SYS_ioctl, { -1, TIOCSTI, 0, 0 } },
	{ "ioctl(-1, FIONREAD)", SYS_ioctl, { -1, FIONREAD, 0, 0 } },
	{ "personality(query)", SYS_personality, { 0xffffffffL, 0, 0, 0 } },
	{ "personality(LINUX)", SYS_personality, { 0, 0, 0, 0 } },
	{ "keyctl(-1)", SYS_keyctl, { -1, 0, 0, 0 } },
	{ "bpf(-1)", SYS_bpf, { -1, 0, 0, 0 } },
	{ "getpid", SYS_getpid, { 0, 0, 0, 0 } },
	{ "mknod(NULL)", SYS_mknod, { 0, 0, 0, 0 } },
};
#define NCALLS	(sizeof(calls) / sizeof(calls[0]))

/* policies: shipped, and ones aimed at each branch of the merge */
static const struct {
	const char	*p_file;	/* or */
	const char	*p_text;
} policies[] = {
	{ T_DEFAULT, NULL },
	{ T_STRICT, NULL },
	/* a stricter default than the floor's errno rules */
	{ NULL, "default kill\n" T_EXIT "allow sendto\n"
	  "allow socket arg0 == AF_UNIX\n"
	  "allow personality arg0 == 0xffffffff\n" },
	/* errno ties with the floor, allow on the network floor's calls */
	{ NULL, "default allow\nerrno EACCES socket arg0 == AF_INET\n"
	  "allow ioctl arg1 == FIONREAD\nerrno EACCES inotify_init1\n" },
	{ NULL, "default errno EPERM\n" T_EXIT "allow getpid\n"
	  "allow socket arg0 == AF_INET6\nkill sendto\nallow keyctl\n" },
	/* not mergeable: the floor's socket rules have no complement */
	{ NULL, "default allow\nerrno EACCES socket\n" },
	{ NULL, "default errno EACCES\n" T_EXIT "allow inotify_init1\n"
	  "allow bpf\nerrno ENOENT ioctl\nallow personality\n" },
	{ NULL, "default allow\nkill socket\nerrno EACCES sendto\n" },
};
#define NPOLICIES	(sizeof(policies) / sizeof(policies[0]))

static struct filter_prog	 t_floor_own, t_nonet_own;

static void
t_setup(void)
{
	char			 err[FILTER_ERR_MAX];
	struct filter_src	 floor = { "floor", sandbox_floor_policy,
	    sandbox_floor_policy_len };
	struct filter_src	 nonet = { "floor-nonet",
	    sandbox_floor_nonet_policy, sandbox_floor_nonet_policy_len };

	ck_assert_msg(filter_compile_own(&floor, 1, &t_floor_own, err,
	    sizeof(err)) == 0, "%s", err);
	ck_assert_msg(filter_compile_own(&nonet, 1, &t_nonet_own, err,
	    sizeof(err)) == 0, "%s", err);
}

static void
t_teardown(void)
{
	filter_free(&t_floor_own);
	filter_free(&t_nonet_own);
}

static char *
t_text(size_t p, size_t *lenp)
{
	return unit_policy_text(policies[p].p_file, policies[p].p_text, lenp);
}

/* the child's outcome: a wait status; exit code = errno, 0 = no error */
static int
t_run(const struct filter_prog *const *fps, size_t nfp, size_t c)
{
	pid_t	 pid;
	long	 r;
	size_t	 i;
	int	 status;

	pid = fork();
	ck_assert_int_ne(pid, -1);
	if (pid == 0) {
		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1)
			_exit(250);
		for (i = 0; i < nfp; i++)
			if (filter_install(fps[i]) == -1)
				_exit(251);
		errno = 0;
		r = syscall(calls[c].c_nr, calls[c].c_a[0], calls[c].c_a[1],
		    calls[c].c_a[2], calls[c].c_a[3]);
		_exit(r == -1 ? (errno & 0xff) : 0);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_msg(!WIFEXITED(status) || WEXITSTATUS(status) < 250,
	    "%s: the filters did not install", calls[c].c_name);
	return status;
}

static int
t_is_errno(int status)
{
	return WIFEXITED(status) && WEXITSTATUS(status) != 0;
}

/*
 * _i: policy * 2 + (network floor?).  Every call: the merged filter's
 * outcome is the stacked filters'; where both refuse with an errno, the
 * floor's errno may stand in for the policy's (what merging promises).
 */
START_TEST(test_merged_is_stacked)
{
	const struct filter_prog	*stacked[3], *merged[2], *floor[2];
	struct filter_prog		 own, mine, fl;
	enum filter_floor		 ff;
	struct filter_src		 src;
	char				 err[FILTER_ERR_MAX], *text;
	size_t				 p = (size_t)_i / 2, c, n = 0, len;
	int				 s, m, f;

	ff = _i % 2 ? FILTER_FLOOR_NONET : FILTER_FLOOR;
	text = t_text(p, &len);
	src = (struct filter_src){ "t", text, len };
	ck_assert_msg(filter_compile_own(&src, 1, &own, err, sizeof(err)) ==
	    0, "%s", err);
	ck_assert_msg(filter_compile_script(text, len, "t", ff, &mine, err,
	    sizeof(err)) == 0, "%s", err);
	ck_assert_msg(filter_compile_floor(ff, &fl, err, sizeof(err)) == 0,
	    "%s", err);
	if (ff == FILTER_FLOOR_NONET)
		stacked[n++] = &t_nonet_own;
	stacked[n++] = &t_floor_own;
	stacked[n++] = &own;
	merged[0] = &fl;
	merged[1] = &mine;
	floor[0] = &fl;
	for (c = 0; c < NCALLS; c++) {
		s = t_run(stacked, n, c);
		m = mine.fp_has_floor ? t_run(&merged[1], 1, c) :
		    t_run(merged, 2, c);
		if (s == m)
			continue;
		f = t_run(floor, 1, c);
		ck_assert_msg(t_is_errno(s) && t_is_errno(m) && m == f,
		    "policy %zu (%s), %s: stacked %#x, merged %#x, floor %#x",
		    p, ff == FILTER_FLOOR_NONET ? "no network" : "network",
		    calls[c].c_name, s, m, f);
	}
	filter_free(&own);
	filter_free(&mine);
	filter_free(&fl);
	free(text);
}
END_TEST

/* the point of merging: the shipped policies attach one filter */
START_TEST(test_shipped_policies_merge)
{
	static const enum filter_floor	 ffs[] = { FILTER_FLOOR,
					    FILTER_FLOOR_NONET };
	struct filter_prog		 fp;
	char				 err[FILTER_ERR_MAX], *text;
	size_t				 p, i, len;

	for (p = 0; p < 2; p++)
		for (i = 0; i < 2; i++) {
			text = t_text(p, &len);
			ck_assert_msg(filter_compile_script(text, len, "t",
			    ffs[i], &fp, err, sizeof(err)) == 0, "%s", err);
			ck_assert_msg(fp.fp_has_floor, "%s with %s: not "
			    "merged", policies[p].p_file, i ? "the network "
			    "floor" : "the floor");
			filter_free(&fp);
			free(text);
		}
}
END_TEST

/* rule level: the output of filter_merge for small cases */
static const struct {
	const char	*mc_text;
	int		 mc_merged;
	const char	*mc_call;	/* its rule in the output */
	unsigned int	 mc_ncmp;
	enum filter_action mc_action;
	int		 mc_errno;
} merge_cases[] = {
	/* the policy's default is stricter than the floor's errno */
	{ "default kill\nallow exit_group\n", 1, "inotify_init1", 0,
	  FILTER_ACT_KILL, 0 },
	/* the floor's errno where the policy's default is an errno too */
	{ "default errno EACCES\n", 1, "inotify_init1", 0,
	  FILTER_ACT_ERRNO, EPERM },
	/* an allowed call the floor refuses: the floor's */
	{ "default allow\nallow inotify_init1\n", 1, "inotify_init1", 0,
	  FILTER_ACT_ERRNO, EPERM },
	/* conditional allows of an unconditional floor errno: one rule */
	{ "default allow\nallow inotify_init1 arg0 == 0\n", 1,
	  "inotify_init1", 0, FILTER_ACT_ERRNO, EPERM },
	/* ... unless the default is stricter: calls differ, not merged */
	{ "default kill\nallow inotify_init1 arg0 == 0\n", 0, NULL, 0, 0, 0 },
	/* the same condition as the network floor: one rule, its errno */
	{ "default allow\nallow socket arg0 == AF_INET\n", 1, "socket", 1,
	  FILTER_ACT_ERRNO, ENETUNREACH },
	/* an overlapping but different condition: not merged */
	{ "default allow\nallow socket arg0 > 1\n", 0, NULL, 0, 0, 0 },
	/* the policy kills every call of it: only its rule */
	{ "default allow\nkill sendto\n", 1, "sendto", 0, FILTER_ACT_KILL,
	  0 },
};

START_TEST(test_merge_rules)
{
	struct filter_policy	 pol, fl, nonet, out;
	const struct filter_rule *r;
	char			 err[FILTER_ERR_MAX];
	size_t			 i, n = 0;

	ck_assert_int_eq(filter_parse(merge_cases[_i].mc_text,
	    strlen(merge_cases[_i].mc_text), "t", &pol, err, sizeof(err)), 0);
	ck_assert_int_eq(filter_parse(sandbox_floor_policy,
	    sandbox_floor_policy_len, "floor", &fl, err, sizeof(err)), 0);
	ck_assert_int_eq(filter_parse(sandbox_floor_nonet_policy,
	    sandbox_floor_nonet_policy_len, "nonet", &nonet, err,
	    sizeof(err)), 0);
	for (i = 0; i < nonet.fpo_nrules; i++)
		ck_assert_int_eq(filter_push(&fl, &nonet.fpo_rules[i]), 0);
	ck_assert_int_eq(filter_merge(&pol, &fl, &out) == 0,
	    merge_cases[_i].mc_merged);
	if (merge_cases[_i].mc_merged) {
		for (i = 0; i < out.fpo_nrules; i++) {
			r = &out.fpo_rules[i];
			if (strcmp(r->fr_name, merge_cases[_i].mc_call) != 0 ||
			    r->fr_ncmp != merge_cases[_i].mc_ncmp)
				continue;
			if (merge_cases[_i].mc_ncmp == 1 &&
			    r->fr_cmp[0].fc_value != AF_INET)
				continue;
			ck_assert_int_eq(r->fr_action,
			    merge_cases[_i].mc_action);
			if (r->fr_action == FILTER_ACT_ERRNO)
				ck_assert_int_eq(r->fr_errno,
				    merge_cases[_i].mc_errno);
			n++;
		}
		ck_assert_uint_eq(n, 1);
		filter_policy_free(&out);
	}
	filter_policy_free(&pol);
	filter_policy_free(&fl);
	filter_policy_free(&nonet);
}
END_TEST

static Suite *
merge_suite(void)
{
	Suite	*s = suite_create("filter_merge");
	TCase	*tc;

	tc = tcase_create("rules");
	tcase_add_loop_test(tc, test_merge_rules, 0,
	    (int)(sizeof(merge_cases) / sizeof(merge_cases[0])));
	suite_add_tcase(s, tc);
	tc = tcase_create("installed");
	tcase_add_checked_fixture(tc, t_setup, t_teardown);
	tcase_add_loop_test(tc, test_merged_is_stacked, 0,
	    (int)(2 * NPOLICIES));
	tcase_add_test(tc, test_shipped_policies_merge);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner	*sr;
	int	 failed;

	sr = srunner_create(merge_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
