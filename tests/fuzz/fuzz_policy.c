/* SPDX-License-Identifier: ISC */
/*
 * fuzz_policy.c: libFuzzer target for the seccomp policy parser and
 * compiler (sandbox/filter_parse.c, filter.c).  Any input must either
 * fail with a "fuzz.policy:LINE: message" error and no rules, or parse
 * into rules that respect every documented bound and compile into
 * well-formed BPF.  A policy that splits in two (filter_split.c: the
 * outer part a spawner installs, the inner one each child adds) must
 * give every call what the policy whole gives: both are run here on the
 * calls the policy names and a few others, with the values its rules
 * compare and single bits in each argument.
 */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sys/syscall.h>

#include <linux/audit.h>
#include <linux/filter.h>
#include <seccomp.h>

#include "sandbox.h"
#include "../unit/bpf_run.h"

#define FUZZ_NAME	"fuzz.policy"
#define FUZZ_NRS	64	/* calls compared, at most */
#define FUZZ_VALS	32	/* argument values, at most */

/* what the policy's rules name and compare, for the split's check */
static uint64_t		 fuzz_nr[FUZZ_NRS];
static size_t		 fuzz_nnr;
static uint64_t		 fuzz_val[FUZZ_VALS];
static size_t		 fuzz_nval;

/* v into set[] (*n of max), once */
static void
fuzz_add(uint64_t *set, size_t *n, size_t max, uint64_t v)
{
	size_t	 i;

	for (i = 0; i < *n; i++)
		if (set[i] == v)
			return;
	if (*n < max)
		set[(*n)++] = v;
}

#define fuzz_add_nr(nr)	fuzz_add(fuzz_nr, &fuzz_nnr, FUZZ_NRS, \
			    (uint64_t)(nr))
#define fuzz_add_val(v)	fuzz_add(fuzz_val, &fuzz_nval, FUZZ_VALS, (v))

/* a policy's calls (only those with conditions: cond) and values */
static void
fuzz_collect_rules(const struct filter_policy *fpo, int cond)
{
	const struct filter_cmp	*c;
	size_t			 i, j;

	for (i = 0; i < fpo->fpo_nrules; i++) {
		if (cond && fpo->fpo_rules[i].fr_ncmp == 0)
			continue;
		fuzz_add_nr(fpo->fpo_rules[i].fr_syscall);
		for (j = 0; j < fpo->fpo_rules[i].fr_ncmp; j++) {
			c = &fpo->fpo_rules[i].fr_cmp[j];
			fuzz_add_val(c->fc_value);
			fuzz_add_val(c->fc_value + 1);
			fuzz_add_val(c->fc_value - 1);
			fuzz_add_val(c->fc_value | ~c->fc_mask);
		}
	}
}

/*
 * The calls and values of a parsed policy, then the floors' conditional
 * ones (merged into what the fuzzed policy compiles to), and some calls
 * of no rule: the default's, and the inner list's.
 */
static void
fuzz_collect(const struct filter_policy *fpo)
{
	static struct filter_policy	 floor[2];
	static int			 parsed;
	char				 err[FILTER_ERR_MAX];

	if (!parsed) {
		assert(filter_parse(sandbox_floor_policy,
		    sandbox_floor_policy_len, "floor", &floor[0], err,
		    sizeof(err)) == 0);
		assert(filter_parse(sandbox_floor_nonet_policy,
		    sandbox_floor_nonet_policy_len, "nonet", &floor[1], err,
		    sizeof(err)) == 0);
		parsed = 1;
	}
	fuzz_nnr = fuzz_nval = 0;
	fuzz_add_val(0);
	fuzz_add_val(~0ULL);
	fuzz_collect_rules(fpo, 0);
	fuzz_collect_rules(&floor[0], 1);
	fuzz_collect_rules(&floor[1], 1);
	fuzz_add_nr(SYS_read);
	fuzz_add_nr(SYS_getpid);
	fuzz_add_nr(SYS_clone);
	fuzz_add_nr(SYS_prctl);
	fuzz_add_nr(SYS_mount);
	fuzz_add_nr(SYS_bpf);
	fuzz_add_nr(511);	/* none yet */
}

/* the whole program's answer and the stacked pair's, for one call */
static void
fuzz_same(const struct filter_prog *fp, const struct seccomp_data *sd)
{
	uint32_t	 whole, outer, inner;

	assert(bpf_run(fp->fp_insns, fp->fp_len, sd, &whole) == 0);
	assert(bpf_run(fp->fp_outer, fp->fp_outer_len, sd, &outer) == 0);
	assert(bpf_run(fp->fp_inner, fp->fp_inner_len, sd, &inner) == 0);
	assert(whole == bpf_stacked(outer, inner));
}

static void
fuzz_check_split(const struct filter_prog *fp)
{
	struct seccomp_data	 sd;
	size_t			 i, v, a;
	int			 b;

	if (fp->fp_outer == NULL)
		return;
	assert(fp->fp_inner != NULL && fp->fp_outer_len > 0 &&
	    fp->fp_inner_len > 0);
	for (i = 0; i < fuzz_nnr; i++) {
		memset(&sd, 0, sizeof(sd));
		sd.arch = AUDIT_ARCH_X86_64;
		sd.nr = (int)fuzz_nr[i];
		fuzz_same(fp, &sd);
		sd.nr = (int)(fuzz_nr[i] | 0x40000000);	/* x32 */
		fuzz_same(fp, &sd);
		sd.arch = AUDIT_ARCH_I386;
		sd.nr = (int)fuzz_nr[i];
		fuzz_same(fp, &sd);
		sd.arch = AUDIT_ARCH_X86_64;
		sd.nr = (int)fuzz_nr[i];
		for (a = 0; a < 6; a++) {
			for (v = 0; v < fuzz_nval; v++) {
				memset(sd.args, 0, sizeof(sd.args));
				sd.args[a] = fuzz_val[v];
				/* and another argument at once, for two */
				sd.args[(a + 1) % 6] = fuzz_val[(v * 7) %
				    fuzz_nval];
				fuzz_same(fp, &sd);
			}
			for (b = 0; b < 64; b += 7) {
				memset(sd.args, 0, sizeof(sd.args));
				sd.args[a] = 1ULL << b;
				fuzz_same(fp, &sd);
			}
		}
	}
}

static size_t
fuzz_lines(const uint8_t *data, size_t size)
{
	size_t	 i, n = 1;

	for (i = 0; i < size; i++)
		if (data[i] == '\n')
			n++;
	return n;
}

static void
fuzz_check_error(const char *err, size_t size, const uint8_t *data,
    const struct filter_policy *fpo)
{
	char	*end;
	long	 line;

	assert(memchr(err, '\0', FILTER_ERR_MAX) != NULL);
	assert(strncmp(err, FUZZ_NAME ":", sizeof(FUZZ_NAME)) == 0);
	line = strtol(err + sizeof(FUZZ_NAME), &end, 10);
	assert(line >= 1 && (size_t)line <= fuzz_lines(data, size));
	assert(end[0] == ':' && end[1] == ' ' && end[2] != '\0');
	assert(fpo->fpo_rules == NULL && fpo->fpo_nrules == 0);
}

static void
fuzz_check_rule(const struct filter_rule *fr, size_t lines)
{
	unsigned int	 i;

	assert(fr->fr_line >= 1 && (size_t)fr->fr_line <= lines);
	assert(memchr(fr->fr_name, '\0', sizeof(fr->fr_name)) != NULL);
	assert(fr->fr_name[0] != '\0');
	assert(seccomp_syscall_resolve_name(fr->fr_name) == fr->fr_syscall);
	assert(fr->fr_action >= FILTER_ACT_ALLOW &&
	    fr->fr_action <= FILTER_ACT_KILL);
	if (fr->fr_action == FILTER_ACT_ERRNO)
		assert(fr->fr_errno >= 1 && fr->fr_errno <= 4095);
	assert(fr->fr_ncmp <= FILTER_ARGS_MAX);
	for (i = 0; i < fr->fr_ncmp; i++) {
		assert(fr->fr_cmp[i].fc_arg < FILTER_ARGS_MAX);
		assert(fr->fr_cmp[i].fc_op >= FILTER_OP_EQ &&
		    fr->fr_cmp[i].fc_op <= FILTER_OP_MASKED_EQ);
		/* sorted, each argument once */
		if (i > 0)
			assert(fr->fr_cmp[i - 1].fc_arg < fr->fr_cmp[i].fc_arg);
	}
}

/* every jump lands inside the program and the program ends in a return */
static void
fuzz_check_bpf(const struct filter_prog *fp)
{
	const struct sock_filter	*in;
	size_t				 i, n = fp->fp_len;

	assert(fp->fp_insns != NULL && n > 0 && n <= BPF_MAXINSNS);
	for (i = 0; i < n; i++) {
		in = &fp->fp_insns[i];
		if (BPF_CLASS(in->code) != BPF_JMP)
			continue;
		if (BPF_OP(in->code) == BPF_JA)
			assert(i + 1 + in->k < n);
		else
			assert(i + 1 + in->jt < n && i + 1 + in->jf < n);
	}
	assert(BPF_CLASS(fp->fp_insns[n - 1].code) == BPF_RET);
}

static void
fuzz_compile(const uint8_t *data, size_t size)
{
	struct filter_prog	 a, b;
	char			 err[FILTER_ERR_MAX];

	if (filter_compile_text((const char *)data, size, FUZZ_NAME, &a, err,
	    sizeof(err)) == -1) {
		/* libseccomp may still refuse; the message must be ours */
		assert(strncmp(err, FUZZ_NAME ":", sizeof(FUZZ_NAME)) == 0);
		assert(a.fp_insns == NULL);
		return;
	}
	fuzz_check_bpf(&a);
	/* compiling is deterministic: the same text gives the same BPF */
	assert(filter_compile_text((const char *)data, size, FUZZ_NAME, &b,
	    err, sizeof(err)) == 0);
	assert(a.fp_len == b.fp_len);
	assert(memcmp(a.fp_insns, b.fp_insns, a.fp_len *
	    sizeof(a.fp_insns[0])) == 0);
	filter_free(&a);
	filter_free(&b);
	/* the network floor merged in too (filter_merge.c) */
	assert(filter_compile_script((const char *)data, size, FUZZ_NAME,
	    FILTER_FLOOR_NONET, &b, err, sizeof(err)) == 0);
	fuzz_check_bpf(&b);
	fuzz_check_split(&b);
	filter_free(&b);
}

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct filter_policy	 fpo;
	char			 err[FILTER_ERR_MAX];
	size_t			 i, lines = fuzz_lines(data, size);

	memset(err, 'X', sizeof(err));
	if (filter_parse((const char *)data, size, FUZZ_NAME, &fpo, err,
	    sizeof(err)) == -1) {
		fuzz_check_error(err, size, data, &fpo);
		return 0;
	}
	assert(fpo.fpo_nrules <= FILTER_RULES_MAX);
	assert(fpo.fpo_nrules <= fpo.fpo_cap);
	assert(fpo.fpo_default >= FILTER_ACT_ALLOW &&
	    fpo.fpo_default <= FILTER_ACT_KILL);
	assert(fpo.fpo_default_line >= 0 &&
	    (size_t)fpo.fpo_default_line <= lines);
	for (i = 0; i < fpo.fpo_nrules; i++)
		fuzz_check_rule(&fpo.fpo_rules[i], lines);
	fuzz_collect(&fpo);
	filter_policy_free(&fpo);
	assert(fpo.fpo_rules == NULL);
	fuzz_compile(data, size);
	return 0;
}
