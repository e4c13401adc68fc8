/* SPDX-License-Identifier: ISC */
/*
 * check_filter_split: a policy split in two (sandbox/filter_split.c) must
 * give every call what the policy whole gives.  Each compiled filter is
 * run here, in a classic-BPF interpreter for the instructions libseccomp
 * emits (an unknown one fails the test), on every syscall number of both
 * architectures libseccomp names, x32's too, with arguments made from
 * every value and mask the policy's rules compare, each single bit of the
 * first three arguments, and fixed pseudo-random words; the two stacked
 * filters are combined as the kernel does (the lowest action wins, the
 * newer filter on a tie).  And what is not proved splits into nothing.
 */
#include <sys/syscall.h>

#include <check.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sandbox.h"
#include "../../sandbox/sandbox_priv.h"
#include "bpf_run.h"
#include "unit_policy.h"

#define T_DEFAULT	"policy/default.policy"
#define T_AUTH		"policy/auth.policy"
#define T_NARGS		6
#define T_NRMAX		512
#define T_VECMAX	2048

static const struct {
	const char		*p_file;	/* or */
	const char		*p_text;
	enum filter_floor	 p_floor;
	int			 p_splits;
} policies[] = {
	{ T_DEFAULT, NULL, FILTER_FLOOR, 1 },
	{ T_DEFAULT, NULL, FILTER_FLOOR_NONET, 1 },
	{ T_AUTH, NULL, FILTER_FLOOR, 1 },
	/* every call of the list refused, with its own errno or a kill */
	{ NULL, "default errno EACCES\nallow exit_group\nallow write\n"
	  "kill mount\nerrno ENOENT setuid\n", FILTER_FLOOR, 1 },
	/* allowed by default, conditions on calls of the list */
	{ NULL, "default allow\nerrno EACCES prctl arg0 == 38\n"
	  "kill setresuid arg0 == 0\n", FILTER_FLOOR, 1 },
	/* a single value refused on a call of the list: its complement */
	{ NULL, "default kill\nallow exit_group\nallow write\n"
	  "errno ENOENT prctl arg0 == 15\n", FILTER_FLOOR, 1 },
	/* clone for threads only: no complement proved, not split */
	{ NULL, "default errno EPERM\nallow exit_group\n"
	  "allow clone arg0 &CLONE_THREAD|CLONE_NEW_ANY == CLONE_THREAD\n",
	  FILTER_FLOOR, 0 },
};
#define NPOLICIES	(sizeof(policies) / sizeof(policies[0]))

/* the program's return for one call; aborts on what it does not know */
static uint32_t
t_run(const struct sock_filter *f, unsigned short len,
    const struct seccomp_data *sd)
{
	uint32_t	 ret;

	if (bpf_run(f, len, sd, &ret) == -1)
		ck_abort_msg("BPF instruction %u: not interpreted, or a load "
		    "beyond seccomp_data, or the end of the program", ret);
	return ret;
}

/* as the kernel stacks them: the lowest action; a tie, the newer one */
static uint32_t
t_stacked(const struct filter_prog *fp, const struct seccomp_data *sd)
{
	return bpf_stacked(t_run(fp->fp_outer, fp->fp_outer_len, sd),
	    t_run(fp->fp_inner, fp->fp_inner_len, sd));
}

static char *
t_text(size_t p, size_t *lenp)
{
	return unit_policy_text(policies[p].p_file, policies[p].p_text, lenp);
}

static uint64_t	 t_vec[T_VECMAX];
static size_t	 t_nvec;

static void
t_add(uint64_t v)
{
	size_t	 i;

	for (i = 0; i < t_nvec; i++)
		if (t_vec[i] == v)
			return;
	if (t_nvec < T_VECMAX)
		t_vec[t_nvec++] = v;
}

/* argument values: the rules' own, around them, bits, noise */
static void
t_values_of(const struct filter_policy *pol);

/* the policy's values, the floor's and the network floor's */
static void
t_values(const struct filter_policy *pol)
{
	struct filter_policy	 fl;
	char			 err[FILTER_ERR_MAX];

	t_nvec = 0;
	t_values_of(pol);
	ck_assert_int_eq(filter_parse(sandbox_floor_policy,
	    sandbox_floor_policy_len, "floor", &fl, err, sizeof(err)), 0);
	t_values_of(&fl);
	filter_policy_free(&fl);
	ck_assert_int_eq(filter_parse(sandbox_floor_nonet_policy,
	    sandbox_floor_nonet_policy_len, "nonet", &fl, err, sizeof(err)),
	    0);
	t_values_of(&fl);
	filter_policy_free(&fl);
}

static void
t_values_of(const struct filter_policy *pol)
{
	const struct filter_cmp	*c;
	uint64_t		 r = 0x9e3779b97f4a7c15ULL;
	size_t			 i, j;
	int			 b;

	t_add(0);
	t_add(~0ULL);
	for (b = 0; b < 64; b++)
		t_add(1ULL << b);
	for (i = 0; pol != NULL && i < pol->fpo_nrules; i++)
		for (j = 0; j < pol->fpo_rules[i].fr_ncmp; j++) {
			c = &pol->fpo_rules[i].fr_cmp[j];
			t_add(c->fc_value);
			t_add(c->fc_value + 1);
			t_add(c->fc_value - 1);
			t_add(c->fc_mask);
			t_add(~c->fc_mask);
			t_add(c->fc_value | ~c->fc_mask);
			t_add(c->fc_value ^ (c->fc_mask & (0 - c->fc_mask)));
		}
	for (i = 0; i < 32; i++) {
		r ^= r << 13;
		r ^= r >> 7;
		r ^= r << 17;
		t_add(r);
	}
}

static void
t_compare(const struct filter_prog *fp, uint32_t arch, uint32_t nr,
    size_t *n)
{
	struct seccomp_data	 sd;
	uint32_t		 whole, split;
	size_t			 i, a;

	for (a = 0; a < 3; a++)
		for (i = 0; i < t_nvec; i++) {
			memset(&sd, 0, sizeof(sd));
			sd.nr = (int)nr;
			sd.arch = arch;
			sd.args[a] = t_vec[i];
			/* and the others at once, for rules on two */
			sd.args[(a + 1) % T_NARGS] = t_vec[(i * 7) % t_nvec];
			sd.args[(a + 3) % T_NARGS] = t_vec[(i * 13) % t_nvec];
			whole = t_run(fp->fp_insns, fp->fp_len, &sd);
			split = t_stacked(fp, &sd);
			if (whole != split)
				ck_abort_msg("arch %#x nr %u args "
				    "%#llx %#llx %#llx: whole %#x, split %#x",
				    arch, nr, (unsigned long long)sd.args[0],
				    (unsigned long long)sd.args[1],
				    (unsigned long long)sd.args[2], whole,
				    split);
			++*n;
		}
}

START_TEST(test_split_gives_every_call_its_action)
{
	struct filter_src	 src;
	struct filter_policy	 pol;
	struct filter_prog	 fp;
	char			 err[FILTER_ERR_MAX], *text;
	size_t			 len, n = 0;
	uint32_t		 nr;

	text = t_text((size_t)_i, &len);
	src.fs_name = "test";
	src.fs_text = text;
	src.fs_len = len;
	ck_assert_msg(filter_compile_script(text, len, "test",
	    policies[_i].p_floor, &fp, err, sizeof(err)) == 0, "%s", err);
	if (!policies[_i].p_splits) {
		ck_assert_ptr_null(fp.fp_outer);
		ck_assert_ptr_null(fp.fp_inner);
		goto out;
	}
	ck_assert_int_eq(fp.fp_has_floor, 1);
	ck_assert_ptr_nonnull(fp.fp_outer);
	ck_assert_ptr_nonnull(fp.fp_inner);
	/* the point, for the default policy: a child compiles a fifth */
	if (policies[_i].p_file != NULL && strcmp(policies[_i].p_file,
	    T_DEFAULT) == 0)
		ck_assert_uint_lt(fp.fp_inner_len * 4, fp.fp_len);
	ck_assert_int_eq(filter_parse(src.fs_text, src.fs_len, src.fs_name,
	    &pol, err, sizeof(err)), 0);
	t_values(&pol);
	filter_policy_free(&pol);
	for (nr = 0; nr < T_NRMAX; nr++) {
		t_compare(&fp, AUDIT_ARCH_X86_64, nr, &n);
		t_compare(&fp, AUDIT_ARCH_X86_64, nr | 0x40000000U, &n);
		t_compare(&fp, AUDIT_ARCH_I386, nr, &n);
	}
	t_compare(&fp, AUDIT_ARCH_X86_64, 0xffffffffU, &n);
	ck_assert_uint_gt(n, 100000);
out:
	filter_free(&fp);
	free(text);
}
END_TEST

/* the default policy's inner filter is those calls only, not the policy */
START_TEST(test_split_inner_is_the_list)
{
	struct filter_policy	 pol, outer, inner;
	char			 err[FILTER_ERR_MAX], *text;
	size_t			 len, i;

	text = t_text(0, &len);
	ck_assert_int_eq(filter_parse(text, len, "default", &pol, err,
	    sizeof(err)), 0);
	ck_assert_int_eq(filter_split_policy(&pol, &outer, &inner), 0);
	ck_assert_int_eq(inner.fpo_default, FILTER_ACT_ALLOW);
	ck_assert_uint_gt(inner.fpo_nrules, 0);
	for (i = 0; i < inner.fpo_nrules; i++)
		ck_assert_msg(filter_split_call(inner.fpo_rules[i].fr_syscall),
		    "%s in the inner filter", inner.fpo_rules[i].fr_name);
	for (i = 0; i < outer.fpo_nrules; i++)
		ck_assert_msg(!filter_split_call(
		    outer.fpo_rules[i].fr_syscall) ||
		    (outer.fpo_rules[i].fr_action == FILTER_ACT_ALLOW &&
		    outer.fpo_rules[i].fr_ncmp == 0),
		    "%s restricted in the outer filter",
		    outer.fpo_rules[i].fr_name);
	filter_policy_free(&outer);
	filter_policy_free(&inner);
	filter_policy_free(&pol);
	free(text);
}
END_TEST

static Suite *
split_suite(void)
{
	Suite	*s = suite_create("filter_split");
	TCase	*tc;

	tc = tcase_create("split");
	tcase_add_loop_test(tc, test_split_gives_every_call_its_action, 0,
	    (int)NPOLICIES);
	tcase_add_test(tc, test_split_inner_is_the_list);
	tcase_set_timeout(tc, 120);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner	*sr;
	int	 failed;

	sr = srunner_create(split_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
