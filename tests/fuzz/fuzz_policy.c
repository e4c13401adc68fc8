/* SPDX-License-Identifier: ISC */
/*
 * fuzz_policy.c: libFuzzer target for the seccomp policy parser and
 * compiler (sandbox/filter_parse.c, filter.c).  Any input must either
 * fail with a "fuzz.policy:LINE: message" error and no rules, or parse
 * into rules that respect every documented bound and compile into
 * well-formed BPF.
 */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <linux/filter.h>
#include <seccomp.h>

#include "sandbox.h"

#define FUZZ_NAME	"fuzz.policy"

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
	filter_policy_free(&fpo);
	assert(fpo.fpo_rules == NULL);
	fuzz_compile(data, size);
	return 0;
}
