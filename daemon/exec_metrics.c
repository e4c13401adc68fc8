/* SPDX-License-Identifier: ISC */
/*
 * exec_metrics.c: the executor's counters for /metrics: how the scripts
 * that ran ended, refusals, failed starts, the spawn-time histogram,
 * scripts running and queued.  Plain integers bumped where things
 * happen; the front gets them in one message per batch, at most every
 * EXEC_METRICS_BATCH_MS while they change and never while idle.
 * Executor role; trusts nothing it is sent.
 */
#include <sys/epoll.h>
#include <sys/timerfd.h>

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "exec_priv.h"

#define EXEC_METRICS_BATCH_MS	250

static_assert(EXEC_SCRIPTS_CAP <= MSG_MX_RUNNING_MAX &&
    EXEC_QUEUE_MAX <= MSG_MX_QUEUED_MAX, "the gauges' bounds");

static const uint64_t	exec_metrics_bounds[MSG_MX_SPAWN_BUCKETS - 1] =
    MSG_MX_SPAWN_BOUNDS_US;

/* its timer: armed when something changed, the batch goes when it fires */
void
exec_metrics_setup(struct exec *ex)
{
	if ((ex->ex_mx_timerfd = timerfd_create(CLOCK_MONOTONIC,
	    TFD_NONBLOCK | TFD_CLOEXEC)) == -1)
		fatal("metrics timer");
	exec_watch(ex, EPOLL_CTL_ADD, ex->ex_mx_timerfd, EPOLLIN,
	    exec_tag(EXEC_EV_METRICS, 0, 0));
}

/* a script exec'd, usec after its clone */
void
exec_metrics_spawned(struct exec *ex, uint64_t usec)
{
	size_t	i;

	for (i = 0; i < MSG_MX_SPAWN_BUCKETS - 1; i++)
		if (usec <= exec_metrics_bounds[i])
			break;
	ex->ex_mx.mx_spawn[i]++;
	ex->ex_mx.mx_spawn_usec += usec;
	ex->ex_mx_dirty = 1;
}

/*
 * How a script that ran ended, as its log line says it (exec_child.c):
 * SIGSYS is its filter; a limit is the memory cgroup's kill, the CPU or
 * file size limit, or a fork the pids cgroup refused (unless it still
 * exited 0).
 */
void
exec_metrics_ended(struct exec *ex, const struct exec_child *c,
    const struct msg_exec_done *ed)
{
	uint64_t	cpu_sec = ex->ex_cfg->cf_limits.lim_cpu_sec;
	int		limit, k;

	limit = (ed->ed_flags & (MSG_DONE_F_OOM | MSG_DONE_F_PIDS)) != 0 ||
	    (cpu_sec > 0 && c->ec_cpu_usec / 1000000 >= cpu_sec);
	if (ed->ed_end == MSG_END_TIMEOUT)
		k = MSG_MX_TIMEOUT;
	else if (ed->ed_end == MSG_END_KILLED)
		k = MSG_MX_KILLED;
	else if (ed->ed_end == MSG_END_EXIT)
		k = ed->ed_code == 0 ? MSG_MX_EXIT_ZERO : ed->ed_flags &
		    MSG_DONE_F_PIDS ? MSG_MX_LIMIT : MSG_MX_EXIT_NONZERO;
	else if (ed->ed_code == SIGSYS)
		k = MSG_MX_SECCOMP;
	else if (limit || ed->ed_code == SIGXCPU || ed->ed_code == SIGXFSZ)
		k = MSG_MX_LIMIT;
	else
		k = MSG_MX_SIGNAL;
	ex->ex_mx.mx_ended[k]++;
	ex->ex_mx_dirty = 1;
}

/* a refusal (exec_refuse()): FAILED is a start that failed */
void
exec_metrics_refused(struct exec *ex, enum msg_exec_result res)
{
	if (res == MSG_EXEC_NOTFOUND)
		ex->ex_mx.mx_refused[MSG_MX_NOT_FOUND]++;
	else if (res == MSG_EXEC_FORBIDDEN)
		ex->ex_mx.mx_refused[MSG_MX_FORBIDDEN]++;
	else if (res == MSG_EXEC_BUSY)
		ex->ex_mx.mx_refused[MSG_MX_BUSY]++;
	else
		ex->ex_mx.mx_start_failed++;
	ex->ex_mx_dirty = 1;
}

/* accepted, but it never reached its exec (a sandbox step, exec itself) */
void
exec_metrics_start_failed(struct exec *ex)
{
	ex->ex_mx.mx_start_failed++;
	ex->ex_mx_dirty = 1;
}

/* after each turn of the loop: a change starts a batch, if none is due */
void
exec_metrics_flush(struct exec *ex)
{
	struct itimerspec	its;

	if (ex->ex_mx_armed || ex->ex_front_gone || (!ex->ex_mx_dirty &&
	    ex->ex_nrunning == ex->ex_mx.mx_running &&
	    ex->ex_qlen == ex->ex_mx.mx_queued))
		return;
	memset(&its, 0, sizeof(its));
	its.it_value.tv_nsec = EXEC_METRICS_BATCH_MS * 1000000L;
	if (timerfd_settime(ex->ex_mx_timerfd, 0, &its, NULL) == 0)
		ex->ex_mx_armed = 1;
}

/* the batch is due: the counters as they are now, to the front */
void
exec_metrics_send(struct exec *ex)
{
	uint64_t	ticks;

	if (read(ex->ex_mx_timerfd, &ticks, sizeof(ticks)) != sizeof(ticks))
		return;
	ex->ex_mx_armed = 0;
	if (ex->ex_front_gone)
		return;
	ex->ex_mx.mx_running = (uint32_t)ex->ex_nrunning;
	ex->ex_mx.mx_queued = (uint32_t)ex->ex_qlen;
	/* a full channel: the next turn of the loop tries again */
	if (msg_send(ex->ex_front, MSG_METRICS_EXEC, 0, &ex->ex_mx,
	    sizeof(ex->ex_mx), NULL, 0) == 0)
		ex->ex_mx_dirty = 0;
	else if (errno == EINVAL || errno == EMSGSIZE)
		log_warn("metrics to the front");	/* ours: a bug */
}
