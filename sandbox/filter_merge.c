/* SPDX-License-Identifier: ISC */
/*
 * filter_merge.c: folding the floor (policy/floor.policy, and with
 * script-network off policy/floor-nonet.policy) into a script's policy,
 * so that a script attaches one seccomp filter instead of two or three.
 * Pure: parsed rules in, parsed rules out; the executor (at start),
 * config checks and the unit tests call it.  Trusts the parser's rules.
 *
 * Stacked filters give a call the strictest action of any of them (kill,
 * then errno, then allow).  The merged filter gives the same action for
 * every call, or the texts are not merged (-1) and the floor is installed
 * as a filter of its own.  Where both refuse with an errno, the merged
 * filter returns the floor's (its values say why: "Network is
 * unreachable", "Address family not supported").
 */
#include <stdint.h>
#include <string.h>

#include "sandbox_priv.h"

static int
merge_rank(enum filter_action act)
{
	return act == FILTER_ACT_KILL ? 3 : act == FILTER_ACT_ERRNO ? 2 : 1;
}

/* the floor rule f's conditions, with what stacking gives: p or f's */
static struct filter_rule
merge_combine(const struct filter_rule *f, enum filter_action pact,
    int perrno)
{
	struct filter_rule	 r = *f;

	if (merge_rank(pact) > merge_rank(f->fr_action)) {
		r.fr_action = pact;
		r.fr_errno = perrno;
	}
	return r;
}

static int
merge_same_action(const struct filter_rule *a, const struct filter_rule *b)
{
	return a->fr_action == b->fr_action &&
	    (a->fr_action != FILTER_ACT_ERRNO || a->fr_errno == b->fr_errno);
}

static int
merge_same_cmps(const struct filter_rule *a, const struct filter_rule *b)
{
	return a->fr_ncmp == b->fr_ncmp && memcmp(a->fr_cmp, b->fr_cmp,
	    a->fr_ncmp * sizeof(a->fr_cmp[0])) == 0;
}

/* can no call satisfy both comparisons?  Only the floor's forms count */
static int
merge_disjoint_cmp(const struct filter_cmp *f, const struct filter_cmp *p)
{
	if (f->fc_arg != p->fc_arg)
		return 0;
	if (f->fc_op == FILTER_OP_MASKED_EQ && p->fc_op == FILTER_OP_EQ)
		return (p->fc_value & f->fc_mask) != f->fc_value;
	if (f->fc_op == FILTER_OP_MASKED_EQ && p->fc_op == FILTER_OP_MASKED_EQ)
		return ((f->fc_value ^ p->fc_value) & f->fc_mask &
		    p->fc_mask) != 0;
	if (f->fc_op == FILTER_OP_NE && p->fc_op == FILTER_OP_EQ)
		return p->fc_value == f->fc_value;
	if (f->fc_op == FILTER_OP_EQ && p->fc_op == FILTER_OP_EQ)
		return p->fc_value != f->fc_value;
	if (f->fc_op == FILTER_OP_GT && p->fc_op == FILTER_OP_EQ)
		return p->fc_value <= f->fc_value;
	return 0;
}

static int
merge_disjoint(const struct filter_rule *f, const struct filter_rule *p)
{
	unsigned int	 i, j;

	for (i = 0; i < f->fr_ncmp; i++)
		for (j = 0; j < p->fr_ncmp; j++)
			if (merge_disjoint_cmp(&f->fr_cmp[i], &p->fr_cmp[j]))
				return 1;
	return 0;
}

/* a single bit of an argument set: "argN &BIT == BIT" */
int
filter_cmp_is_bit(const struct filter_cmp *c)
{
	return c->fc_op == FILTER_OP_MASKED_EQ && c->fc_mask != 0 &&
	    c->fc_value == c->fc_mask && (c->fc_mask & (c->fc_mask - 1)) == 0;
}

/* the rules of one syscall, as pointers into a policy */
void
merge_collect(const struct filter_policy *fpo, int nr, struct merge_set *ms)
{
	size_t	 i;

	ms->ms_n = 0;
	ms->ms_uncond = NULL;
	for (i = 0; i < fpo->fpo_nrules; i++) {
		if (fpo->fpo_rules[i].fr_syscall != nr)
			continue;
		ms->ms_rule[ms->ms_n++] = &fpo->fpo_rules[i];
		if (fpo->fpo_rules[i].fr_ncmp == 0)
			ms->ms_uncond = &fpo->fpo_rules[i];
	}
}

/*
 * The policy's unconditional non-kill rule becomes "whatever the floor
 * leaves over": the complement of the floor's conditional rules, where
 * one comparison says it: one "!=" (personality), or single-bit masks on
 * one argument (clone's CLONE_NEW*, MSG_OOB, seccomp's listener): then
 * none of those bits.  Anything else is not merged (-1).
 */
static int
merge_rest(struct filter_rule *r, const struct merge_set *fl)
{
	const struct filter_cmp	*c;
	struct filter_cmp	 rest = { 0, 0, 0, 0 };
	size_t			 i, n = 0;

	for (i = 0; i < fl->ms_n; i++) {
		if (fl->ms_rule[i]->fr_ncmp != 1)
			return -1;
		c = &fl->ms_rule[i]->fr_cmp[0];
		if (c->fc_op == FILTER_OP_NE && n == 0) {
			rest = (struct filter_cmp){ c->fc_arg, FILTER_OP_EQ, 0,
			    c->fc_value };
			n = SIZE_MAX;
			continue;
		}
		if (!filter_cmp_is_bit(c) || n == SIZE_MAX ||
		    (n > 0 && c->fc_arg != rest.fc_arg))
			return -1;
		rest = (struct filter_cmp){ c->fc_arg, FILTER_OP_MASKED_EQ,
		    rest.fc_mask | c->fc_mask, 0 };
		n++;
	}
	if (n == 0)
		return -1;
	r->fr_cmp[0] = rest;
	r->fr_ncmp = 1;
	return 0;
}

/* the floor has one unconditional rule f: one rule, or no merge */
static int
merge_floor_uncond(const struct filter_policy *pol, const struct merge_set *fl,
    const struct merge_set *ps, struct filter_policy *out)
{
	const struct filter_rule	*f = fl->ms_uncond;
	struct filter_rule		 r, alt;
	size_t				 i;

	if (fl->ms_n != 1)
		return -1;
	if (ps->ms_uncond != NULL)
		r = merge_combine(f, ps->ms_uncond->fr_action,
		    ps->ms_uncond->fr_errno);
	else
		r = merge_combine(f, pol->fpo_default, pol->fpo_default_errno);
	/* every call of it must come out the same */
	for (i = 0; i < ps->ms_n; i++) {
		alt = merge_combine(f, ps->ms_rule[i]->fr_action,
		    ps->ms_rule[i]->fr_errno);
		if (!merge_same_action(&r, &alt))
			return -1;
	}
	return filter_push(out, &r);
}

/* the policy's conditional rule p against the floor's conditional ones */
static int
merge_cond(const struct filter_rule *p, const struct merge_set *fl,
    int *taken, struct filter_policy *out)
{
	const struct filter_rule	*same = NULL;
	struct filter_rule		 r;
	size_t				 j;

	for (j = 0; j < fl->ms_n; j++) {
		if (merge_same_cmps(fl->ms_rule[j], p) && same == NULL) {
			same = fl->ms_rule[j];
			taken[j] = 1;
		} else if (!merge_disjoint(fl->ms_rule[j], p))
			return -1;
	}
	if (same == NULL)
		return filter_push(out, p);
	r = merge_combine(same, p->fr_action, p->fr_errno);
	return filter_push(out, &r);
}

/* the floor has conditional rules only */
static int
merge_floor_cond(const struct filter_policy *pol, const struct merge_set *fl,
    const struct merge_set *ps, struct filter_policy *out)
{
	struct filter_rule	 r;
	enum filter_action	 act = pol->fpo_default;
	int			 e = pol->fpo_default_errno;
	int			 taken[FILTER_RULES_MAX];
	size_t			 i;

	memset(taken, 0, fl->ms_n * sizeof(taken[0]));
	if (ps->ms_uncond != NULL) {
		/* the policy kills every call: the floor adds nothing */
		if (ps->ms_uncond->fr_action == FILTER_ACT_KILL)
			return filter_push(out, ps->ms_uncond);
		r = *ps->ms_uncond;
		if (merge_rest(&r, fl) == -1 || filter_push(out, &r) == -1)
			return -1;
		act = ps->ms_uncond->fr_action;
		e = ps->ms_uncond->fr_errno;
	} else
		for (i = 0; i < ps->ms_n; i++)
			if (merge_cond(ps->ms_rule[i], fl, taken, out) == -1)
				return -1;
	/* the floor's other calls meet the policy's default (or rule) */
	for (i = 0; i < fl->ms_n; i++) {
		if (taken[i])
			continue;
		r = merge_combine(fl->ms_rule[i], act, e);
		if (filter_push(out, &r) == -1)
			return -1;
	}
	return 0;
}

static int
merge_seen(const struct filter_policy *fpo, size_t upto, int nr)
{
	size_t	 i;

	for (i = 0; i < upto; i++)
		if (fpo->fpo_rules[i].fr_syscall == nr)
			return 1;
	return 0;
}

/* one syscall, named by the policy's or the floor's rule */
static int
merge_syscall(const struct filter_policy *pol, const struct filter_policy *fl,
    int nr, struct merge_set *fs, struct merge_set *ps,
    struct filter_policy *out)
{
	size_t	 i;

	merge_collect(fl, nr, fs);
	merge_collect(pol, nr, ps);
	if (fs->ms_n == 0) {
		for (i = 0; i < ps->ms_n; i++)
			if (filter_push(out, ps->ms_rule[i]) == -1)
				return -1;
		return 0;
	}
	if (fs->ms_uncond != NULL)
		return merge_floor_uncond(pol, fs, ps, out);
	return merge_floor_cond(pol, fs, ps, out);
}

/*
 * Each syscall either policy or floor names, once.  A rule for another
 * architecture's syscall (number < 0) is never compiled: the policy's
 * pass through as they are, the floor's are dropped.
 */
int
filter_merge(const struct filter_policy *pol, const struct filter_policy *fl,
    struct filter_policy *out)
{
	struct merge_set	 fs, ps;
	size_t			 i, np = pol->fpo_nrules;
	int			 nr, r = 0;

	memset(out, 0, sizeof(*out));
	out->fpo_default = pol->fpo_default;
	out->fpo_default_errno = pol->fpo_default_errno;
	for (i = 0; r == 0 && i < np + fl->fpo_nrules; i++) {
		if (i < np) {
			nr = pol->fpo_rules[i].fr_syscall;
			if (nr < 0)
				r = filter_push(out, &pol->fpo_rules[i]);
			if (nr < 0 || merge_seen(pol, i, nr))
				continue;
		} else {
			nr = fl->fpo_rules[i - np].fr_syscall;
			if (nr < 0 || merge_seen(pol, np, nr) ||
			    merge_seen(fl, i - np, nr))
				continue;
		}
		r = merge_syscall(pol, fl, nr, &fs, &ps, out);
	}
	if (r == -1)
		filter_policy_free(out);
	return r;
}
