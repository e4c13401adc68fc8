/* SPDX-License-Identifier: ISC */
/*
 * filter_split.c: a script policy (the floor merged in) as two stacked
 * filters that give every call the policy's own action: an outer one, the
 * policy with the calls of split_calls[] allowed whatever their
 * arguments, installed once by a spawner (sandbox/prep.c) and inherited by
 * each child it makes; and an inner one, those calls as the policy has
 * them and every other allowed, a few dozen instructions that each child
 * installs after its layers.  The kernel JIT-compiles the policy once per
 * spawner instead of once per child.  Pure: parsed rules in, parsed rules
 * out; the executor calls it at start, the unit tests check the result
 * against the policy on every call.  Trusts the parser's and the merge's
 * rules.
 */
#include <sys/syscall.h>

#include <stdint.h>
#include <string.h>

#include "sandbox_priv.h"

/*
 * What a spawner and a child it makes (prepared ahead, or a student's made
 * for its request) call before the inner filter: the command, the hello
 * and the request, the clone into new namespaces, the jail's mounts, a
 * student's tree, a script's copy, identity, capabilities, limits,
 * landlock, cgroups and signals, and the inner filter itself.  A call missing here
 * that a policy refuses fails the child's step, logged; it is never let
 * through.
 */
static const int split_calls[] = {
	SYS_recvmsg, SYS_sendmsg, SYS_ppoll, SYS_close, SYS_close_range,
	SYS_write, SYS_exit, SYS_exit_group, SYS_clone, SYS_clone3,
	SYS_unshare, SYS_setns, SYS_mount, SYS_umount2, SYS_pivot_root,
	SYS_chroot, SYS_chdir, SYS_fchdir, SYS_open_tree, SYS_move_mount,
	SYS_mount_setattr, SYS_fsopen, SYS_fsconfig, SYS_fsmount, SYS_mkdir,
	SYS_openat, SYS_fcntl, SYS_dup3, SYS_sethostname, SYS_setdomainname,
	SYS_setuid, SYS_setgid, SYS_setresuid, SYS_setresgid, SYS_setgroups,
	SYS_getresuid, SYS_getresgid, SYS_getgroups, SYS_setsid, SYS_capget,
	SYS_capset, SYS_prctl, SYS_prlimit64, SYS_setrlimit, SYS_seccomp,
	SYS_landlock_create_ruleset, SYS_landlock_add_rule,
	SYS_landlock_restrict_self, SYS_rt_sigaction, SYS_rt_sigprocmask,
	/* a script's copy (its spawner's, or a student's child's own) */
	SYS_fstat, SYS_newfstatat, SYS_pread64, SYS_chmod, SYS_fchmod,
};

int
filter_split_call(int nr)
{
	size_t	 i;

	for (i = 0; i < sizeof(split_calls) / sizeof(split_calls[0]); i++)
		if (split_calls[i] == nr)
			return 1;
	return 0;
}

/*
 * The arguments none of a call's conditional rules match, as one rule of
 * the default's action, in *rest; 1 if they match every call already (no
 * rule needed), 0 if *rest is it, -1 if the rules are of no shape proved
 * here.  Two shapes, the ones the merge makes: single bits of one
 * argument (CLONE_NEW*, MSG_OOB), with or without the rule for "none of
 * them"; one value of one argument, "==" and "!=" (personality).
 */
static int
split_rest(const struct filter_policy *pol, const struct merge_set *ms,
    struct filter_rule *rest)
{
	const struct filter_cmp	*c;
	uint64_t		 bits = 0, none = 0;
	size_t			 i, eq = 0, ne = 0, nbits = 0;
	unsigned int		 arg = 0;

	for (i = 0; i < ms->ms_n; i++) {
		if (ms->ms_rule[i]->fr_ncmp != 1)
			return -1;
		c = &ms->ms_rule[i]->fr_cmp[0];
		if (i > 0 && c->fc_arg != arg)
			return -1;
		arg = c->fc_arg;
		if (filter_cmp_is_bit(c)) {
			bits |= c->fc_mask;
			nbits++;
		} else if (c->fc_op == FILTER_OP_MASKED_EQ &&
		    c->fc_value == 0 && c->fc_mask != 0 && none == 0)
			none = c->fc_mask;
		else if (c->fc_op == FILTER_OP_EQ && eq == 0)
			eq = i + 1;
		else if (c->fc_op == FILTER_OP_NE && ne == 0)
			ne = i + 1;
		else
			return -1;
	}
	*rest = *ms->ms_rule[0];
	rest->fr_action = pol->fpo_default;
	rest->fr_errno = pol->fpo_default_errno;
	rest->fr_ncmp = 1;
	if (nbits > 0 && eq == 0 && ne == 0) {
		if (none != 0)
			return none == bits ? 1 : -1;
		rest->fr_cmp[0] = (struct filter_cmp){ arg, FILTER_OP_MASKED_EQ,
		    bits, 0 };
		return 0;
	}
	if (nbits > 0 || none != 0 ||
	    ms->ms_n != (size_t)(eq != 0) + (size_t)(ne != 0))
		return -1;
	if (eq != 0 && ne != 0)
		return ms->ms_rule[eq - 1]->fr_cmp[0].fc_value ==
		    ms->ms_rule[ne - 1]->fr_cmp[0].fc_value ? 1 : -1;
	c = &ms->ms_rule[eq != 0 ? eq - 1 : ne - 1]->fr_cmp[0];
	rest->fr_cmp[0] = (struct filter_cmp){ arg, eq != 0 ? FILTER_OP_NE :
	    FILTER_OP_EQ, 0, c->fc_value };
	return 0;
}

/* one call of the list into the inner filter: the policy's action, all */
static int
split_inner(const struct filter_policy *pol, int nr, struct merge_set *ms,
    struct filter_policy *inner)
{
	struct filter_rule	 r;
	size_t			 i;
	int			 cover;

	merge_collect(pol, nr, ms);
	if (ms->ms_n == 0) {
		if (pol->fpo_default == FILTER_ACT_ALLOW)
			return 0;
		memset(&r, 0, sizeof(r));
		r.fr_syscall = nr;
		(void)strlcpy(r.fr_name, "(split)", sizeof(r.fr_name));
		r.fr_action = pol->fpo_default;
		r.fr_errno = pol->fpo_default_errno;
		return filter_push(inner, &r);
	}
	/* the parser keeps an unconditional rule alone; the merge too */
	if (ms->ms_uncond != NULL)
		return ms->ms_n == 1 ? filter_push(inner, ms->ms_uncond) : -1;
	cover = pol->fpo_default == FILTER_ACT_ALLOW ? 1 :
	    split_rest(pol, ms, &r);
	if (cover == -1)
		return -1;
	for (i = 0; i < ms->ms_n; i++)
		if (filter_push(inner, ms->ms_rule[i]) == -1)
			return -1;
	return cover == 1 ? 0 : filter_push(inner, &r);
}

/* the outer filter: the policy, each call of the list allowed */
static int
split_outer(const struct filter_policy *pol, struct filter_policy *outer)
{
	struct filter_rule	 r;
	size_t			 i;

	for (i = 0; i < pol->fpo_nrules; i++)
		if (!filter_split_call(pol->fpo_rules[i].fr_syscall) &&
		    filter_push(outer, &pol->fpo_rules[i]) == -1)
			return -1;
	if (pol->fpo_default == FILTER_ACT_ALLOW)
		return 0;
	memset(&r, 0, sizeof(r));
	(void)strlcpy(r.fr_name, "(split)", sizeof(r.fr_name));
	r.fr_action = FILTER_ACT_ALLOW;
	for (i = 0; i < sizeof(split_calls) / sizeof(split_calls[0]); i++) {
		r.fr_syscall = split_calls[i];
		if (filter_push(outer, &r) == -1)
			return -1;
	}
	return 0;
}

/*
 * pol as outer and inner, or -1 (nothing allocated) when a call of the
 * list has rules of a shape whose complement is not proved here: its
 * children then install pol itself.
 */
int
filter_split_policy(const struct filter_policy *pol,
    struct filter_policy *outer, struct filter_policy *inner)
{
	struct merge_set	 ms;
	size_t			 i;

	memset(outer, 0, sizeof(*outer));
	memset(inner, 0, sizeof(*inner));
	outer->fpo_default = pol->fpo_default;
	outer->fpo_default_errno = pol->fpo_default_errno;
	inner->fpo_default = FILTER_ACT_ALLOW;
	for (i = 0; i < sizeof(split_calls) / sizeof(split_calls[0]); i++)
		if (split_inner(pol, split_calls[i], &ms, inner) == -1)
			goto fail;
	if (split_outer(pol, outer) == -1)
		goto fail;
	return 0;
fail:
	filter_policy_free(outer);
	filter_policy_free(inner);
	return -1;
}
