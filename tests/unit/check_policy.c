/* SPDX-License-Identifier: ISC */
/*
 * check_policy.c: the shipped seccomp policies of policy/, one per role.
 * The binary embeds the files as they are; every rule says why; the
 * executor kills nothing the floor does not; each compiled policy matches
 * its golden pseudo filter code in tests/unit/golden/, so that a policy
 * change shows in review (CHECK_POLICY_GOLDEN=write, i.e. `make golden`,
 * rewrites them); the role filters kill and allow what they say.
 * Runs from the repository top (reads policy/ and tests/unit/golden/).
 */
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sandbox.h"

#define T_GOLDEN_DIR	"tests/unit/golden/"
#define T_X32_BIT	0x40000000L
#define T_FILE_MAX	(1 << 20)

#define P_DEFAULT	"policy/default.policy"
#define P_STRICT	"policy/strict.policy"
#define P_FLOOR		"policy/floor.policy"
#define P_NONET		"policy/floor-nonet.policy"
#define P_FRONT		"policy/front.policy"
#define P_AUTH		"policy/auth.policy"
#define P_FRONT_SAN	"policy/front-sanitizer.policy"
#define P_EXECUTOR	"policy/executor.policy"

/* a whole file, NUL-terminated; NULL if it cannot be read */
static char *
t_read(const char *path, size_t *lenp)
{
	char	*buf;
	ssize_t	 n;
	int	 fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return NULL;
	buf = malloc(T_FILE_MAX + 1);
	ck_assert_ptr_nonnull(buf);
	n = read(fd, buf, T_FILE_MAX + 1);
	(void)close(fd);
	ck_assert_int_ge(n, 0);
	ck_assert_int_le(n, T_FILE_MAX);
	buf[n] = '\0';
	*lenp = (size_t)n;
	return buf;
}

static char *
t_read_policy(const char *path, size_t *lenp)
{
	char	*text;

	text = t_read(path, lenp);
	ck_assert_msg(text != NULL, "%s: %s", path, strerror(errno));
	return text;
}

static void
t_parse(const char *path, struct filter_policy *fpo)
{
	char	 err[FILTER_ERR_MAX], *text;
	size_t	 len;

	text = t_read_policy(path, &len);
	ck_assert_msg(filter_parse(text, len, path, fpo, err,
	    sizeof(err)) == 0, "%s", err);
	free(text);
}

/* ---- the embedded texts and their reasons ---------------------------- */

static const struct {
	const char	*em_path;
	const char	*em_text;
	const size_t	*em_len;
} embedded[] = {
	{ P_DEFAULT, sandbox_default_policy, &sandbox_default_policy_len },
	{ P_FLOOR, sandbox_floor_policy, &sandbox_floor_policy_len },
	{ P_NONET, sandbox_floor_nonet_policy,
	  &sandbox_floor_nonet_policy_len },
	{ P_FRONT, sandbox_front_policy, &sandbox_front_policy_len },
	{ P_FRONT_SAN, sandbox_front_sanitizer_policy,
	  &sandbox_front_sanitizer_policy_len },
	{ P_EXECUTOR, sandbox_executor_policy, &sandbox_executor_policy_len },
	{ P_AUTH, sandbox_auth_policy, &sandbox_auth_policy_len },
};

/* the binary carries each file as it is in the tree */
START_TEST(test_policy_embedded_is_the_file)
{
	char	*text;
	size_t	 len;

	text = t_read_policy(embedded[_i].em_path, &len);
	ck_assert_uint_eq(*embedded[_i].em_len, len);
	ck_assert_msg(memcmp(embedded[_i].em_text, text, len) == 0,
	    "%s: the embedded copy differs", embedded[_i].em_path);
	ck_assert_int_eq(embedded[_i].em_text[len], '\0');
	free(text);
}
END_TEST

/* the role policies say why for every rule; only the extras lack a default */
START_TEST(test_policy_roles_give_reasons)
{
	static const char *const files[] = { P_FLOOR, P_NONET, P_FRONT,
	    P_FRONT_SAN, P_EXECUTOR, P_AUTH };
	struct filter_policy	 fpo;
	size_t			 i, j;

	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		t_parse(files[i], &fpo);
		ck_assert_uint_gt(fpo.fpo_nrules, 0);
		for (j = 0; j < fpo.fpo_nrules; j++)
			ck_assert_msg(fpo.fpo_rules[j].fr_has_reason,
			    "%s:%d: rule without a reason", files[i],
			    fpo.fpo_rules[j].fr_line);
		if (strcmp(files[i], P_FRONT_SAN) == 0)
			ck_assert_int_eq(fpo.fpo_default_line, 0);
		else
			ck_assert_int_ne(fpo.fpo_default_line, 0);
		filter_policy_free(&fpo);
	}
}
END_TEST

/* ---- the executor inside the floor ------------------------------------ */

static int
t_same_cmps(const struct filter_rule *a, const struct filter_rule *b)
{
	return a->fr_ncmp == b->fr_ncmp && memcmp(a->fr_cmp, b->fr_cmp,
	    a->fr_ncmp * sizeof(a->fr_cmp[0])) == 0;
}

/* does the floor kill every call this rule matches? */
static int
t_floor_kills(const struct filter_policy *fl, const struct filter_rule *r)
{
	const struct filter_rule	*f;
	size_t				 i;

	for (i = 0; i < fl->fpo_nrules; i++) {
		f = &fl->fpo_rules[i];
		if (f->fr_syscall == r->fr_syscall &&
		    f->fr_action == FILTER_ACT_KILL &&
		    (f->fr_ncmp == 0 || t_same_cmps(f, r)))
			return 1;
	}
	return 0;
}

/*
 * Scripts inherit the executor's filter: it may only kill what the floor
 * kills anyway, or a script policy could not allow what it says it does.
 */
START_TEST(test_policy_executor_kills_within_floor)
{
	struct filter_policy	 ex, fl;
	const struct filter_rule *r;
	size_t			 i, nkill = 0;

	t_parse(P_EXECUTOR, &ex);
	t_parse(P_FLOOR, &fl);
	ck_assert_int_eq(ex.fpo_default, FILTER_ACT_ALLOW);
	ck_assert_int_eq(fl.fpo_default, FILTER_ACT_ALLOW);
	for (i = 0; i < ex.fpo_nrules; i++) {
		r = &ex.fpo_rules[i];
		if (r->fr_action == FILTER_ACT_ALLOW)
			continue;
		ck_assert_msg(r->fr_action == FILTER_ACT_KILL &&
		    t_floor_kills(&fl, r), P_EXECUTOR ":%d: %s is not "
		    "killed by " P_FLOOR, r->fr_line, r->fr_name);
		nkill++;
	}
	ck_assert_uint_gt(nkill, 0);
	filter_policy_free(&ex);
	filter_policy_free(&fl);
}
END_TEST

/* ---- golden pseudo filter code ----------------------------------------- */

static const struct {
	const char	*gc_name;	/* tests/unit/golden/NAME.pfc */
	enum filter_floor gc_floor;	/* a script policy: its floor */
	const char	*gc_src[2];
} golden_cases[] = {
	{ "front", FILTER_FLOOR_NONE, { P_FRONT, NULL } },
	{ "front-sanitizer", FILTER_FLOOR_NONE, { P_FRONT, P_FRONT_SAN } },
	{ "executor", FILTER_FLOOR_NONE, { P_EXECUTOR, NULL } },
	{ "auth", FILTER_FLOOR_NONE, { P_AUTH, NULL } },
	{ "floor", FILTER_FLOOR_NONE, { P_FLOOR, NULL } },
	{ "floor-nonet", FILTER_FLOOR_NONE, { P_NONET, NULL } },
	{ "default", FILTER_FLOOR, { P_DEFAULT, NULL } },
	{ "default-nonet", FILTER_FLOOR_NONET, { P_DEFAULT, NULL } },
	{ "strict", FILTER_FLOOR, { P_STRICT, NULL } },
	{ "strict-nonet", FILTER_FLOOR_NONET, { P_STRICT, NULL } },
};

/* the compiled policy as libseccomp's pseudo filter code */
static char *
t_pfc(size_t gc, size_t *lenp)
{
	struct filter_src	 src[2];
	char			 err[FILTER_ERR_MAX], *pfc;
	size_t			 n;
	off_t			 size;
	int			 fd;

	for (n = 0; n < 2 && golden_cases[gc].gc_src[n] != NULL; n++) {
		src[n].fs_name = golden_cases[gc].gc_src[n];
		src[n].fs_text = t_read_policy(src[n].fs_name, &src[n].fs_len);
	}
	fd = memfd_create("pfc", MFD_CLOEXEC);
	ck_assert_int_ne(fd, -1);
	ck_assert_msg(filter_export_pfc(src, n, golden_cases[gc].gc_floor,
	    fd, err, sizeof(err)) == 0, "%s", err);
	while (n-- > 0)
		free((char *)src[n].fs_text);
	size = lseek(fd, 0, SEEK_END);
	ck_assert_int_gt(size, 0);
	pfc = malloc((size_t)size + 1);
	ck_assert_ptr_nonnull(pfc);
	ck_assert_int_eq(pread(fd, pfc, (size_t)size, 0), size);
	pfc[size] = '\0';
	(void)close(fd);
	*lenp = (size_t)size;
	return pfc;
}

/* 1-based number of the first line that differs */
static int
t_first_diff_line(const char *a, const char *b)
{
	int	 line = 1;

	for (; *a != '\0' && *a == *b; a++, b++)
		if (*a == '\n')
			line++;
	return line;
}

START_TEST(test_policy_golden_pfc)
{
	const char	*mode = getenv("CHECK_POLICY_GOLDEN");
	char		 path[256], *pfc, *want;
	size_t		 len, wlen;
	FILE		*f;

	(void)snprintf(path, sizeof(path), T_GOLDEN_DIR "%s.pfc",
	    golden_cases[_i].gc_name);
	pfc = t_pfc((size_t)_i, &len);
	if (mode != NULL && strcmp(mode, "write") == 0) {
		ck_assert_ptr_nonnull(f = fopen(path, "w"));
		ck_assert_uint_eq(fwrite(pfc, 1, len, f), len);
		ck_assert_int_eq(fclose(f), 0);
		free(pfc);
		return;
	}
	want = t_read(path, &wlen);
	ck_assert_msg(want != NULL, "%s: %s; run `make golden` to create it",
	    path, strerror(errno));
	ck_assert_msg(wlen == len && memcmp(want, pfc, len) == 0,
	    "%s differs from what %s%s%s compiles to, from line %d on: if "
	    "the policy change is intended, run `make golden` and review "
	    "the diff", path, golden_cases[_i].gc_src[0],
	    golden_cases[_i].gc_src[1] != NULL ? " + " : "",
	    golden_cases[_i].gc_src[1] != NULL ? golden_cases[_i].gc_src[1] :
	    "", t_first_diff_line(want, pfc));
	free(want);
	free(pfc);
}
END_TEST

/* ---- the role filters, installed in a forked child ----------------------- */

struct role_probe {
	const char	*rp_name;
	long		 rp_nr;
	long		 rp_a[3];
	int		 rp_killed;	/* else: survives, any answer */
};

static const struct role_probe front_probes[] = {
	{ "socket(INET)", SYS_socket, { AF_INET, SOCK_STREAM, 0 }, 1 },
	{ "execve", SYS_execve, { 0, 0, 0 }, 1 },
	{ "ptrace", SYS_ptrace, { PTRACE_TRACEME, 0, 0 }, 1 },
	{ "clone", SYS_clone, { SIGCHLD, 0, 0 }, 1 },
	{ "x32 getpid", T_X32_BIT | SYS_getpid, { 0, 0, 0 }, 1 },
	{ "getpid", SYS_getpid, { 0, 0, 0 }, 0 },
	{ "close(-1)", SYS_close, { -1, 0, 0 }, 0 },
	{ "accept4(-1)", SYS_accept4, { -1, 0, 0 }, 0 },
};

static const struct role_probe exec_probes[] = {
	{ "ptrace", SYS_ptrace, { PTRACE_TRACEME, 0, 0 }, 1 },
	{ "bpf", SYS_bpf, { 0, 0, 0 }, 1 },
	{ "kexec_load", SYS_kexec_load, { 0, 0, 0 }, 1 },
	{ "x32 getpid", T_X32_BIT | SYS_getpid, { 0, 0, 0 }, 1 },
	{ "socket(UNIX)", SYS_socket, { AF_UNIX, SOCK_STREAM, 0 }, 0 },
	{ "mount(NULL)", SYS_mount, { 0, 0, 0 }, 0 },
	{ "getpid", SYS_getpid, { 0, 0, 0 }, 0 },
};

/* SIGSYS, or the exit status of a child that made the call and lived */
static int
t_role_probe(const char *path, const struct role_probe *rp)
{
	struct filter_src	 src;
	struct filter_prog	 fp;
	char			 err[FILTER_ERR_MAX];
	pid_t			 pid;
	int			 status;

	src.fs_name = path;
	src.fs_text = t_read_policy(path, &src.fs_len);
	ck_assert_msg(filter_compile_own(&src, 1, &fp, err, sizeof(err)) ==
	    0, "%s", err);
	free((char *)src.fs_text);
	ck_assert_int_eq(fp.fp_has_floor, 0);
	if ((pid = fork()) == 0) {
		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1 ||
		    filter_install(&fp) == -1)
			(void)syscall(SYS_exit_group, 90);
		(void)syscall(rp->rp_nr, rp->rp_a[0], rp->rp_a[1],
		    rp->rp_a[2]);
		/* no _exit(): a sanitizer's exit hooks would be killed */
		(void)syscall(SYS_exit_group, 0);
	}
	ck_assert_int_ne(pid, -1);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	filter_free(&fp);
	return status;
}

static void
t_role_expect(const char *path, const struct role_probe *rp)
{
	int	 status = t_role_probe(path, rp);

	if (rp->rp_killed)
		ck_assert_msg(WIFSIGNALED(status) && WTERMSIG(status) == SIGSYS,
		    "%s: %s not killed by SIGSYS (status %#x)", path,
		    rp->rp_name, status);
	else
		ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		    "%s: %s did not survive (status %#x)", path, rp->rp_name,
		    status);
}

START_TEST(test_policy_front_probe)
{
	t_role_expect(P_FRONT, &front_probes[_i]);
}
END_TEST

START_TEST(test_policy_executor_probe)
{
	t_role_expect(P_EXECUTOR, &exec_probes[_i]);
}
END_TEST

#define T_NELEM(a)	((int)(sizeof(a) / sizeof((a)[0])))

static Suite *
policy_suite(void)
{
	Suite	*s = suite_create("policy");
	TCase	*tc;

	tc = tcase_create("shipped");
	tcase_add_loop_test(tc, test_policy_embedded_is_the_file, 0,
	    T_NELEM(embedded));
	tcase_add_test(tc, test_policy_roles_give_reasons);
	tcase_add_test(tc, test_policy_executor_kills_within_floor);
	tcase_add_loop_test(tc, test_policy_golden_pfc, 0,
	    T_NELEM(golden_cases));
	suite_add_tcase(s, tc);

	tc = tcase_create("roles");
	tcase_add_loop_test(tc, test_policy_front_probe, 0,
	    T_NELEM(front_probes));
	tcase_add_loop_test(tc, test_policy_executor_probe, 0,
	    T_NELEM(exec_probes));
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner	*sr;
	int	 failed;

	sr = srunner_create(policy_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
