/* SPDX-License-Identifier: ISC */
/*
 * exec_prep.c: which slots hold a child prepared ahead, and for which
 * policy and kind, a program's or a script's (sandbox/prep.c makes
 * them).  Once a program or a script of the document root has run, after
 * each turn of the loop with nothing queued, up to EXEC_PREPARED children
 * of the policy and kind last used are asked for, in the
 * highest free slots, one per free spawner (EXEC_SPAWNERS).  Under load
 * too: a child applies its layers in its spawner's time, on whichever
 * core is free, while the executor goes on with other requests; made on
 * the request's path instead, the executor waits for each child's layers
 * in turn.  One slot at least is left without (none with max-scripts
 * 1); while scripts run, never in the last free slots, which a request
 * would have to take back.  A request takes a slot whose child fits it,
 * else a slot without one, else one whose child is then discarded.
 * Executor role.
 */
#include <sys/epoll.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "exec_priv.h"

/* which spawner is which, for --debug (and the tests that look) */
static void
exec_prep_log_spawners(const struct exec *ex)
{
	const struct sandbox	*sb = &ex->ex_sb;
	char			 pids[2][128] = { "", "" }, pid[16];
	size_t			 i;

	/* pids[0]: those that prepare ahead, pids[1]: students' */
	for (i = 0; i < sb->sb_nspawner; i++) {
		(void)snprintf(pid, sizeof(pid), " %d",
		    (int)sb->sb_spawner[i].sw_pid);
		(void)strlcat(pids[sb->sb_spawner[i].sw_students != 0], pid,
		    sizeof(pids[0]));
	}
	log_debug("spawners: for children prepared ahead%s; for students' "
	    "requests%s", pids[0], pids[1][0] != '\0' ? pids[1] : " none");
}

void
exec_prep_init(struct exec *ex)
{
	char	 err[256];

	ex->ex_prep_policy = -1;	/* none until a program has run */
	if (ex->ex_nslots <= 1)
		return;
	if (sandbox_prep_start(&ex->ex_sb, EXEC_SPAWNERS,
	    ex->ex_sb.sb_nusers > 0 ? EXEC_SPAWNERS_USERDIR : 0, err,
	    sizeof(err)) == -1)
		log_info("scripts start when their request comes: %s", err);
	else {
		exec_prep_log_spawners(ex);
		if (!sandbox_prep_scripts_ok(&ex->ex_sb))
			log_info("interpreted scripts start when their request "
			    "comes: no entering their children's mount "
			    "namespaces (setns: CAP_SYS_CHROOT)");
	}
}

/*
 * Each second while a spawner is retired (sandbox_prep_sweep()): what
 * has ended is reaped, and each spawner reaped is replaced.
 */
void
exec_prep_sweep(struct exec *ex)
{
	struct sandbox	*sb = &ex->ex_sb;
	uint64_t	 before = sb->sb_spawners_replaced;

	if (sandbox_prep_sweep(sb) == 0) {
		ex->ex_sweeping = 0;
		exec_tick_arm(ex, ex->ex_qlen > 0);
	}
	if (sb->sb_spawners_replaced != before) {
		log_info("replaced %llu spawner(s) that ended or stopped "
		    "answering",
		    (unsigned long long)(sb->sb_spawners_replaced - before));
		exec_prep_log_spawners(ex);
	}
}

/*
 * Out of the epoll set before anything may close it: epoll watches the
 * file, and a student's child may hold a copy of it for a moment.
 */
void
exec_prep_unwatch(struct exec *ex, size_t slot)
{
	enum sandbox_prep_state	 st;

	st = sandbox_prep_state(&ex->ex_sb, slot, NULL, NULL);
	if (st != SBX_PREP_NONE)
		(void)epoll_ctl(ex->ex_epfd, EPOLL_CTL_DEL, st ==
		    SBX_PREP_ASKED ? ex->ex_sb.sb_prep[slot].sp_chan :
		    ex->ex_sb.sb_prep[slot].sp_pidfd, NULL);
}

/* its hello on its socket while it is asked for; then its end */
static void
exec_prep_watch(struct exec *ex, size_t slot)
{
	enum sandbox_prep_state	 st;

	st = sandbox_prep_state(&ex->ex_sb, slot, NULL, NULL);
	if (st != SBX_PREP_NONE)
		exec_watch(ex, EPOLL_CTL_ADD, st == SBX_PREP_ASKED ?
		    ex->ex_sb.sb_prep[slot].sp_chan :
		    ex->ex_sb.sb_prep[slot].sp_pidfd, EPOLLIN,
		    exec_tag(EXEC_EV_PREP, slot, 0));
}

/*
 * One that died before its request: the same steps would fail for the
 * next, so after EXEC_PREP_FAILS in a row none are made.
 */
static void
exec_prep_failed(struct exec *ex, size_t slot,
    const struct sandbox_failure *fail)
{
	++ex->ex_prep_failed;
	if (fail->sf_step == SBX_STEP_NONE)
		log_warnx("a child prepared in slot %zu ended before its "
		    "request%s", slot, ex->ex_prep_failed >= EXEC_PREP_FAILS ?
		    "; no more are prepared" : "");
	else
		log_warnx("a child prepared in slot %zu failed at %s: %s%s",
		    slot, sandbox_step_name(fail->sf_step),
		    strerror(fail->sf_errno), ex->ex_prep_failed >=
		    EXEC_PREP_FAILS ? "; no more are prepared" : "");
}

/* its hello, or its end before a request came */
void
exec_prep_event(struct exec *ex, size_t slot)
{
	struct sandbox_failure	 fail;

	if (slot >= ex->ex_nslots ||
	    sandbox_prep_state(&ex->ex_sb, slot, NULL, NULL) ==
	    SBX_PREP_NONE)
		return;		/* a stale event */
	exec_prep_unwatch(ex, slot);
	if (sandbox_prep_event(&ex->ex_sb, slot, &fail) == -1) {
		exec_prep_failed(ex, slot, &fail);
		return;
	}
	exec_prep_watch(ex, slot);
}

/*
 * After a spawn: one taken ends a run of failures; one found dead when
 * its request came adds to it.
 */
void
exec_prep_spawned(struct exec *ex, size_t slot, int taken)
{
	struct sandbox_failure	*lost = &ex->ex_sb.sb_prep_lost;

	if (taken)
		ex->ex_prep_failed = 0;
	if (lost->sf_step == SBX_STEP_NONE && lost->sf_errno == 0)
		return;
	exec_prep_failed(ex, slot, lost);
	lost->sf_step = SBX_STEP_NONE;
	lost->sf_errno = 0;
}

/*
 * a free slot for a request, of a program or a script: policy -1 when no
 * prepared child fits it
 */
struct exec_child *
exec_prep_slot(struct exec *ex, ssize_t policy, int script)
{
	const struct sandbox	*sb = &ex->ex_sb;
	enum sandbox_prep_state	 st;
	ssize_t			 none = -1, other = -1;
	size_t			 i, pol;
	int			 scr;

	for (i = 0; i < ex->ex_nslots; i++) {
		if (ex->ex_child[i].ec_used)
			continue;
		st = sandbox_prep_state(sb, i, &pol, &scr);
		if (st == SBX_PREP_READY && policy >= 0 &&
		    pol == (size_t)policy && scr == script)
			return &ex->ex_child[i];
		if (st == SBX_PREP_NONE && none == -1)
			none = (ssize_t)i;
		else if (st != SBX_PREP_NONE && other == -1)
			other = (ssize_t)i;
	}
	if (none == -1)
		none = other;
	return none == -1 ? NULL : &ex->ex_child[none];
}

/* one waiting child that is not of the kind last used goes: 1, else 0 */
static int
exec_prep_make_way(struct exec *ex)
{
	size_t	 i, pol;
	int	 scr;

	for (i = 0; i < ex->ex_nslots; i++) {
		if (ex->ex_child[i].ec_used || sandbox_prep_state(&ex->ex_sb,
		    i, &pol, &scr) != SBX_PREP_READY ||
		    (pol == (size_t)ex->ex_prep_policy &&
		    scr == ex->ex_prep_script))
			continue;
		exec_prep_unwatch(ex, i);
		sandbox_prep_discard(&ex->ex_sb, i);
		return 1;
	}
	return 0;
}

void
exec_prep_refill(struct exec *ex)
{
	struct sandbox		*sb = &ex->ex_sb;
	enum sandbox_prep_state	 st;
	size_t			 i, pol, mine = 0, all = 0;
	int			 scr;

	if (ex->ex_qlen > 0 || ex->ex_stopping ||
	    ex->ex_prep_failed >= EXEC_PREP_FAILS || ex->ex_prep_policy < 0 ||
	    !sandbox_prep_policy_ok(sb, (size_t)ex->ex_prep_policy) ||
	    (ex->ex_prep_script && !sandbox_prep_scripts_ok(sb)) ||
	    (ex->ex_nrunning > 0 &&
	    ex->ex_nslots - ex->ex_nrunning <= 2 * EXEC_PREPARED))
		return;
	for (i = 0; i < ex->ex_nslots; i++) {
		st = sandbox_prep_state(sb, i, &pol, &scr);
		if (st == SBX_PREP_NONE)
			continue;
		all++;
		if (pol == (size_t)ex->ex_prep_policy &&
		    scr == ex->ex_prep_script)
			mine++;
	}
	/*
	 * Another policy's children, or the other kind's, wait for their own
	 * requests, within 2x; one slot at least is left without any.  With
	 * no room left for one of the kind asked for twice in a row, one of
	 * theirs makes way (requests that alternate keep theirs).
	 */
	if (mine == 0 && ex->ex_prep_streak >= 2 && (all >= 2 *
	    EXEC_PREPARED || all + 1 >= ex->ex_nslots) &&
	    exec_prep_make_way(ex))
		all--;
	for (i = ex->ex_nslots; i-- > 0 && mine < EXEC_PREPARED &&
	    all < 2 * EXEC_PREPARED && all + 1 < ex->ex_nslots;) {
		if (ex->ex_child[i].ec_used ||
		    sandbox_prep_state(sb, i, NULL, NULL) != SBX_PREP_NONE)
			continue;
		if (sandbox_prep_ask(sb, i, (size_t)ex->ex_prep_policy,
		    ex->ex_prep_script) == -1) {
			if (errno != EBUSY)
				log_warn("preparing a child in slot %zu", i);
			return;
		}
		exec_prep_watch(ex, i);
		mine++;
		all++;
	}
}
