/* SPDX-License-Identifier: ISC */
/*
 * exec_queue.c: requests that wait for a free slot (max-scripts), first
 * come first served, each for at most EXEC_QUEUE_WAIT_SEC; a student's
 * that waits for its own scripts to end (userdir-max-scripts) lets the
 * others pass, and waits EXEC_USER_WAIT_SEC at most.  Executor role; the
 * queued descriptors are closed on every way out.
 */
#include <sys/timerfd.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "exec_priv.h"

void
exec_tick_arm(struct exec *ex, int on)
{
	struct itimerspec	its;

	/* each second also while a retired spawner is still to reap */
	on = on || ex->ex_sweeping;
	memset(&its, 0, sizeof(its));
	if (on) {
		its.it_value.tv_sec = 1;
		its.it_interval.tv_sec = 1;
	}
	timerfd_settime(ex->ex_tick, 0, &its, NULL);
}

struct exec_queued *
exec_queue_take(struct exec *ex, size_t i)
{
	struct exec_queued	*q = ex->ex_queue[i];

	memmove(&ex->ex_queue[i], &ex->ex_queue[i + 1],
	    (ex->ex_qlen - i - 1) * sizeof(ex->ex_queue[0]));
	if (--ex->ex_qlen == 0)
		exec_tick_arm(ex, 0);
	return q;
}

void
exec_queue_drop(struct exec *ex, size_t i, enum msg_exec_result res,
    int err, const char *why)
{
	struct exec_queued	*q = exec_queue_take(ex, i);

	exec_refuse(ex, q->eq_reqid, q->eq_req.er_script, res, err,
	    why);
	exec_close_fds(q->eq_fds, MSG_FDS_MAX);
	free(q);
}

int
exec_queue_push(struct exec *ex, uint64_t reqid,
    const struct msg_exec_req *req, const int *fds, ssize_t user)
{
	struct exec_queued	*q;

	if (ex->ex_qlen >= ex->ex_qmax || (q = malloc(sizeof(*q))) == NULL)
		return -1;
	memcpy(&q->eq_req, req, sizeof(q->eq_req));
	memcpy(q->eq_fds, fds, sizeof(q->eq_fds));
	q->eq_reqid = reqid;
	q->eq_user = user;
	clock_gettime(CLOCK_MONOTONIC, &q->eq_since);
	ex->ex_queue[ex->ex_qlen++] = q;
	if (ex->ex_qlen == 1)
		exec_tick_arm(ex, 1);
	return 0;
}

/*
 * The oldest that may start, while slots are free: one whose student
 * runs as many as it may stays, and the next one goes.  Whenever a slot
 * is free, every request still queued waits for its own student.
 */
void
exec_queue_run(struct exec *ex)
{
	struct exec_queued	*q;
	size_t			 i = 0;

	/* a start that ends at once reaps and comes back here: no recursion */
	if (ex->ex_in_queue_run)
		return;
	ex->ex_in_queue_run = 1;
	while (!ex->ex_stopping && i < ex->ex_qlen &&
	    ex->ex_nrunning < ex->ex_nslots) {
		if (!exec_userdir_may_start(ex, ex->ex_queue[i]->eq_user)) {
			i++;
			continue;
		}
		q = exec_queue_take(ex, i);
		exec_start(ex, q->eq_reqid, &q->eq_req, q->eq_fds);
		free(q);
	}
	ex->ex_in_queue_run = 0;
}

/*
 * Each waits at most EXEC_QUEUE_WAIT_SEC for a slot, or, while its
 * student runs as many scripts as it may, EXEC_USER_WAIT_SEC.
 */
void
exec_queue_expire(struct exec *ex)
{
	const struct exec_queued	*q;
	uint64_t			 ticks, us;
	size_t				 i = 0;

	if (read(ex->ex_tick, &ticks, sizeof(ticks)) != sizeof(ticks))
		return;
	if (ex->ex_sweeping)
		exec_prep_sweep(ex);
	while (i < ex->ex_qlen) {
		q = ex->ex_queue[i];
		us = exec_usec_since(&q->eq_since);
		if (!exec_userdir_may_start(ex, q->eq_user) &&
		    us >= (uint64_t)EXEC_USER_WAIT_SEC * 1000000)
			exec_queue_drop(ex, i, MSG_EXEC_BUSY, EBUSY,
			    "userdir-max-scripts reached, waited too long");
		else if (us >= (uint64_t)EXEC_QUEUE_WAIT_SEC * 1000000)
			exec_queue_drop(ex, i, MSG_EXEC_BUSY, EBUSY,
			    "max-scripts reached, waited too long");
		else
			i++;
	}
}

ssize_t
exec_queue_find(const struct exec *ex, uint64_t reqid)
{
	size_t	i;

	for (i = 0; i < ex->ex_qlen; i++)
		if (ex->ex_queue[i]->eq_reqid == reqid)
			return (ssize_t)i;
	return -1;
}
