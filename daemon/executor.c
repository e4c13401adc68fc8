/* SPDX-License-Identifier: ISC */
/*
 * executor.c: the executor role, privileged but deaf: its setup, its
 * replies to the front, the messages it takes, its event loop and its
 * end.  A script's life is exec_child.c, the wait queue exec_queue.c,
 * the counters for /metrics exec_metrics.c.
 * Trusts neither the front (every request is checked again) nor the
 * scripts.
 */
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/timerfd.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "confine.h"
#include "daemon.h"
#include "exec_priv.h"
#include "proc.h"

static struct exec	 exec_state;

static void	exec_finish(struct exec *, const char *)
		    __attribute__((noreturn));

/* "cgi[ID] /cgi-bin/x: ..." with the request id on the log line too */
void __attribute__((format(printf, 4, 5)))
exec_reqlog(enum log_level lvl, uint64_t reqid, const char *script,
    const char *fmt, ...)
{
	char	buf[MSG_LOG_TEXT_MAX];
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	log_set_reqid(reqid);
	log_line_fmt(lvl, "cgi[%llu] %s: %s", (unsigned long long)reqid,
	    script, buf);
	log_set_reqid(0);
}

uint64_t
exec_usec_since(const struct timespec *t0)
{
	struct timespec	now;
	int64_t		us;

	clock_gettime(CLOCK_MONOTONIC, &now);
	us = (int64_t)(now.tv_sec - t0->tv_sec) * 1000000 +
	    (now.tv_nsec - t0->tv_nsec) / 1000;
	return us < 0 ? 0 : (uint64_t)us;
}

uint64_t
exec_tag(enum exec_ev kind, size_t slot, uint32_t gen)
{
	return (uint64_t)kind << 48 | (uint64_t)slot << 32 | gen;
}

void
exec_close_fds(int *fds, int nfds)
{
	int	i;

	for (i = 0; i < nfds; i++)
		if (fds[i] != -1) {
			close(fds[i]);
			fds[i] = -1;
		}
}


static void
exec_setup_process(void)
{
	static const int	 sigs[] = { SIGPIPE, SIGINT, SIGTERM, SIGHUP,
				    SIGUSR1, SIGUSR2 };
	struct rlimit		 rl;
	size_t			 i;

	prctl(PR_SET_NAME, "cgijail-exec", 0, 0, 0);
	/* never outlive the parent: it is what restarts and stops us */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) == -1)
		fatal("PR_SET_PDEATHSIG");
	/*
	 * A terminal's ^C or a service manager's SIGTERM reaches the whole
	 * group; the parent stops us in order (MSG_SHUTDOWN, then the
	 * front's EOF).  The sandbox resets every disposition in the child.
	 */
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		signal(sigs[i], SIG_IGN);
	/* an inherited SIG_IGN would auto-reap and break waitid() */
	signal(SIGCHLD, SIG_DFL);
	/* queued requests hold three fds each */
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

static void
exec_sandbox_init(struct exec *ex)
{
	const char	*paths[SANDBOX_POLICY_MAX];
	char		 err[FILTER_ERR_MAX + 256];
	size_t		 i, n;

	n = ex->ex_cfg->cf_ncgidir;
	if (n > SANDBOX_POLICY_MAX)
		n = SANDBOX_POLICY_MAX;
	for (i = 0; i < n; i++)
		paths[i] = ex->ex_cfg->cf_cgidir[i].cd_policy;
	/* cgi-route targets use policy 0: make sure there is one */
	if (n == 0)
		paths[n++] = "";
	/* rootless: root of a user namespace of our own, for what follows */
	if (rootless_active() && (rootless_enter(0, 0) == -1 ||
	    prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) == -1))
		fatal("rootless: the executor's user namespace");
	err[0] = '\0';
	if (sandbox_init(&ex->ex_sb, ex->ex_cfg, paths, n, ex->ex_nslots, err,
	    sizeof(err)) == -1)
		fatalx("sandbox: %s", err[0] ? err : "initialisation failed");
	/* the jail shows the document root at its own absolute path */
	ex->ex_docroot_fd = open(ex->ex_sb.sb_docroot,
	    O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (ex->ex_docroot_fd == -1)
		fatal("document root %s", ex->ex_sb.sb_docroot);
}

void
exec_watch(struct exec *ex, int op, int fd, uint32_t events, uint64_t tag)
{
	struct epoll_event	ev = { .events = events, .data.u64 = tag };

	if (epoll_ctl(ex->ex_epfd, op, fd, &ev) == -1)
		fatal("epoll_ctl");
}

/* watch the parent channel for writability only while lines wait */
static void
exec_watch_log(struct exec *ex)
{
	uint32_t	want = EPOLLIN | (log_pending() ? EPOLLOUT : 0);

	if (want != ex->ex_parent_events) {
		exec_watch(ex, EPOLL_CTL_MOD, ex->ex_parent, want,
		    exec_tag(EXEC_EV_PARENT, 0, 0));
		ex->ex_parent_events = want;
	}
}

/* slots for max-scripts children; a queue that cannot exhaust our fds */
static void
exec_setup_tables(struct exec *ex)
{
	struct rlimit	rl;
	size_t		n, fds, i;

	n = ex->ex_cfg->cf_max_scripts < 1 ? 1 :
	    (size_t)ex->ex_cfg->cf_max_scripts;
	n = n > EXEC_SCRIPTS_CAP ? EXEC_SCRIPTS_CAP : n;
	fds = getrlimit(RLIMIT_NOFILE, &rl) == 0 ? rl.rlim_cur : 1024;
	fds = fds > EXEC_FD_RESERVE + 4 ? fds - EXEC_FD_RESERVE : 4;
	/* a child holds a pidfd, a status pipe, a timerfd and its user
	 * namespace; a queued request 3 pipes */
	n = n > fds / 4 ? fds / 4 : n;
	ex->ex_nslots = n;
	ex->ex_qmax = (fds - 4 * n) / MSG_FDS_MAX;
	ex->ex_qmax = ex->ex_qmax > EXEC_QUEUE_MAX ? EXEC_QUEUE_MAX :
	    ex->ex_qmax;
	if ((ex->ex_child = calloc(n, sizeof(*ex->ex_child))) == NULL)
		fatal("executor tables");
	for (i = 0; i < n; i++) {
		ex->ex_child[i].ec_timerfd = -1;
		ex->ex_child[i].ec_user = EXEC_USER_NONE;
	}
}

static void
exec_setup_events(struct exec *ex)
{
	ex->ex_front = PROC_FD_PEER;
	ex->ex_parent = PROC_FD_PARENT;
	/* never block on a peer: log lines wait in log.c's queue */
	if (fcntl(ex->ex_front, F_SETFL, O_NONBLOCK) == -1 ||
	    fcntl(ex->ex_parent, F_SETFL, O_NONBLOCK) == -1)
		fatal("channels");
	if ((ex->ex_epfd = epoll_create1(EPOLL_CLOEXEC)) == -1 ||
	    (ex->ex_tick = timerfd_create(CLOCK_MONOTONIC,
	    TFD_NONBLOCK | TFD_CLOEXEC)) == -1)
		fatal("executor events");
	exec_watch(ex, EPOLL_CTL_ADD, ex->ex_front, EPOLLIN,
	    exec_tag(EXEC_EV_FRONT, 0, 0));
	exec_watch(ex, EPOLL_CTL_ADD, ex->ex_parent, EPOLLIN,
	    exec_tag(EXEC_EV_PARENT, 0, 0));
	ex->ex_parent_events = EPOLLIN;
	exec_watch(ex, EPOLL_CTL_ADD, ex->ex_tick, EPOLLIN,
	    exec_tag(EXEC_EV_TICK, 0, 0));
	exec_metrics_setup(ex);
}

/* ---- replies to the front ------------------------------------------ */

/*
 * Replies are a few hundred bytes and the front reads them from its
 * event loop; one that takes none for seconds is broken, and waiting
 * longer would stall every timeout here.  It is treated as gone.
 */
void
exec_send(struct exec *ex, enum msg_type type, uint64_t reqid,
    const void *p, size_t len)
{
	struct pollfd	pfd = { .fd = ex->ex_front, .events = POLLOUT };
	struct timespec	t0;
	int		left;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (!ex->ex_front_gone) {
		if (msg_send(ex->ex_front, type, reqid, p, len, NULL, 0) == 0)
			return;
		left = EXEC_SEND_WAIT_MS - (int)(exec_usec_since(&t0) / 1000);
		if ((errno == EAGAIN || errno == EWOULDBLOCK ||
		    errno == ENOBUFS || errno == EINTR) && left > 0) {
			poll(&pfd, 1, left);
			continue;
		}
		/* a front that exited (stop, crash) is the parent's to report */
		if (errno != EPIPE && errno != ECONNRESET)
			log_warn("front channel");
		ex->ex_front_gone = 1;
	}
}

void
exec_reply_started(struct exec *ex, uint64_t reqid, enum msg_exec_result res,
    int err, const char *reason)
{
	struct msg_exec_started	es;

	memset(&es, 0, sizeof(es));	/* es_pid 0: no script runs */
	es.es_result = res;
	es.es_errno = err;
	strlcpy(es.es_reason, reason, sizeof(es.es_reason));
	exec_send(ex, MSG_EXEC_STARTED, reqid, &es, sizeof(es));
}

/* every refusal is answered and logged with its reason */
void
exec_refuse(struct exec *ex, uint64_t reqid, const char *script,
    enum msg_exec_result res, int err, const char *reason)
{
	static const char *const what[MSG_EXEC_RESULT_MAX] = {
		"started", "not found", "forbidden", "failed", "busy"
	};
	enum log_level	lvl;

	exec_reply_started(ex, reqid, res, err, reason);
	exec_metrics_refused(ex, res);
	lvl = res == MSG_EXEC_NOTFOUND ? LOG_LVL_INFO : LOG_LVL_WARN;
	exec_reqlog(lvl, reqid, script, "%s: %s",
	    (int)res >= 0 && res < MSG_EXEC_RESULT_MAX ? what[res] : "?",
	    reason);
}

/* ---- messages ------------------------------------------------------- */

static void
exec_handle_req(struct exec *ex, uint64_t reqid, const struct msg_exec_req *req,
    int *fds, int nfds)
{
	ssize_t	 u;

	if (nfds != MSG_FDS_MAX)
		fatalx("protocol violation: exec request with %d fds", nfds);
	if (reqid == 0 || memchr(req->er_script, '\0',
	    sizeof(req->er_script)) == NULL)
		fatalx("protocol violation: bad exec request");
	if (exec_child_by_reqid(ex, reqid) != NULL ||
	    exec_queue_find(ex, reqid) != -1)
		fatalx("protocol violation: duplicate request id %llu",
		    (unsigned long long)reqid);
	u = exec_userdir_of(ex, req->er_script);
	/* a free slot means that whatever waits, waits for its student */
	if (ex->ex_stopping)
		exec_refuse(ex, reqid, req->er_script, MSG_EXEC_BUSY,
		    ESHUTDOWN, "shutting down");
	else if (ex->ex_nrunning < ex->ex_nslots &&
	    exec_userdir_may_start(ex, u)) {
		exec_start(ex, reqid, req, fds);
		return;
	} else if (!exec_userdir_may_start(ex, u) &&
	    exec_userdir_queue_full(ex, u))
		exec_refuse(ex, reqid, req->er_script, MSG_EXEC_BUSY, EBUSY,
		    "userdir-max-scripts reached, too many of the student's "
		    "requests waiting");
	else if (exec_queue_push(ex, reqid, req, fds, u) == 0)
		return;		/* the queue owns the fds now */
	else
		exec_refuse(ex, reqid, req->er_script, MSG_EXEC_BUSY,
		    EBUSY, "max-scripts reached, queue full");
	exec_close_fds(fds, nfds);
}

/* the client is gone; an unknown id may just have ended */
static void
exec_handle_kill(struct exec *ex, uint64_t reqid)
{
	struct exec_child	*c;
	ssize_t			 i;

	if ((c = exec_child_by_reqid(ex, reqid)) != NULL)
		exec_child_kill(ex, c, MSG_END_KILLED, "client gone");
	else if ((i = exec_queue_find(ex, reqid)) != -1)
		exec_queue_drop(ex, (size_t)i, MSG_EXEC_FAILED, ECANCELED,
		    "cancelled while queued: client gone");
}

static void
exec_dispatch_front(struct exec *ex)
{
	struct msg_hdr	hdr;
	int		fds[MSG_FDS_MAX], nfds, n, rc, spawns = 0;

	for (n = 0; n < EXEC_READ_BATCH; n++) {
		nfds = 0;
		rc = proc_recv(ex->ex_front, PROC_FRONT, &hdr, &ex->ex_rx,
		    fds, &nfds);
		if (rc == -1)
			return;		/* transient; proc_recv is fatal else */
		if (rc == 0)
			exec_finish(ex, "front channel closed");
		if (hdr.mh_type == MSG_EXEC_REQ) {
			exec_handle_req(ex, hdr.mh_reqid, &ex->ex_rx.req, fds,
			    nfds);
			/* a spawn waited for its exec: the children's news */
			if (++spawns == EXEC_SPAWN_BATCH)
				return;
		} else if (hdr.mh_type == MSG_EXEC_KILL && nfds == 0)
			exec_handle_kill(ex, hdr.mh_reqid);
		else
			fatalx("protocol violation: message type %u from "
			    "the front", (unsigned)hdr.mh_type);
	}
}

/*
 * MSG_SHUTDOWN changes nothing here: the front drains its requests for
 * the grace period, then exits, and its EOF ends us (exec_finish).
 */
static void
exec_dispatch_parent(struct exec *ex)
{
	struct msg_hdr	hdr;
	int		fds[MSG_FDS_MAX], nfds = 0, rc;

	rc = proc_recv(ex->ex_parent, PROC_PARENT, &hdr, &ex->ex_rx, fds,
	    &nfds);
	if (rc == -1)
		return;
	if (rc == 0)
		exec_finish(ex, "parent channel closed");
	if (hdr.mh_type != MSG_SHUTDOWN || nfds != 0)
		fatalx("protocol violation: message type %u from the parent",
		    (unsigned)hdr.mh_type);
	log_debug("shutdown requested: serving until the front exits");
}

/* ---- the end -------------------------------------------------------- */

/* wait (bounded) for killed children so their cgroups can go */
static void
exec_reap_all(struct exec *ex, int ms)
{
	struct pollfd	*pfd;
	struct timespec	 t0;
	size_t		 i;
	int		 left;

	if ((pfd = calloc(ex->ex_nslots, sizeof(*pfd))) == NULL)
		return;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (ex->ex_nrunning > 0) {
		left = ms - (int)(exec_usec_since(&t0) / 1000);
		if (left <= 0)
			break;
		for (i = 0; i < ex->ex_nslots; i++) {
			pfd[i].fd = ex->ex_child[i].ec_used ?
			    ex->ex_child[i].ec_sch.sch_pidfd : -1;
			pfd[i].events = POLLIN;
		}
		if (poll(pfd, ex->ex_nslots, left) == -1 && errno != EINTR)
			break;
		for (i = 0; i < ex->ex_nslots; i++)
			if (ex->ex_child[i].ec_used && pfd[i].revents)
				exec_child_reap(ex, &ex->ex_child[i], 1);
	}
	free(pfd);
	if (ex->ex_nrunning > 0)
		log_warnx("%zu scripts still running at exit",
		    ex->ex_nrunning);
}

static void
exec_finish(struct exec *ex, const char *why)
{
	size_t	i;

	ex->ex_stopping = 1;
	ex->ex_front_gone = 1;	/* nobody will read a reply now */
	while (ex->ex_qlen > 0)
		exec_queue_drop(ex, 0, MSG_EXEC_BUSY, ESHUTDOWN,
		    "shutting down");
	for (i = 0; i < ex->ex_nslots; i++)
		if (ex->ex_child[i].ec_used)
			exec_child_kill(ex, &ex->ex_child[i], MSG_END_KILLED,
			    "server stopping");
	exec_reap_all(ex, EXEC_REAP_WAIT_MS);
	sandbox_prep_stop(&ex->ex_sb);
	sandbox_fini(&ex->ex_sb);
	log_debug("executor exiting: %s", why);
	exit(0);
}

static void
exec_dispatch_child(struct exec *ex, uint64_t tag)
{
	enum exec_ev		 kind = (enum exec_ev)(tag >> 48);
	size_t			 slot = (size_t)(tag >> 32) & 0xffff;
	struct exec_child	*c;

	/* an earlier event of this batch may have freed the slot */
	if (slot >= ex->ex_nslots)
		return;
	c = &ex->ex_child[slot];
	if (!c->ec_used || c->ec_gen != (uint32_t)tag)
		return;
	if (kind == EXEC_EV_STATUS)
		exec_child_status(ex, c);
	else if (kind == EXEC_EV_PIDFD)
		exec_child_reap(ex, c, 1);
	else if (kind == EXEC_EV_TIMER)
		exec_child_timeout(ex, c);
}

static void __attribute__((noreturn))
exec_loop(struct exec *ex)
{
	struct epoll_event	evs[32];
	int			i, n, front;

	for (;;) {
		front = 0;
		n = epoll_wait(ex->ex_epfd, evs, 32, -1);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			fatal("epoll_wait");
		/* the children's news first: a spawn waits for its exec */
		for (i = 0; i < n; i++) {
			switch ((enum exec_ev)(evs[i].data.u64 >> 48)) {
			case EXEC_EV_FRONT:
				front = 1;
				break;
			case EXEC_EV_PARENT:
				if (evs[i].events & EPOLLOUT)
					log_flush();
				if (evs[i].events & (EPOLLIN | EPOLLHUP |
				    EPOLLERR))
					exec_dispatch_parent(ex);
				break;
			case EXEC_EV_TICK:
				exec_queue_expire(ex);
				break;
			case EXEC_EV_METRICS:
				exec_metrics_send(ex);
				break;
			case EXEC_EV_PREP:
				exec_prep_event(ex, (size_t)(evs[i].data.u64 >>
				    32) & 0xffff);
				break;
			default:
				exec_dispatch_child(ex, evs[i].data.u64);
			}
		}
		if (front)
			exec_dispatch_front(ex);
		if (ex->ex_front_gone)
			exec_finish(ex, "the front stopped reading");
		exec_prep_refill(ex);
		if (!ex->ex_sweeping && sandbox_prep_retired(&ex->ex_sb) > 0) {
			ex->ex_sweeping = 1;
			exec_tick_arm(ex, 1);
		}
		exec_watch_log(ex);
		exec_metrics_flush(ex);
	}
}

void
exec_main(struct config *cfg)
{
	struct exec	*ex = &exec_state;
	char		 cg[16];

	ex->ex_cfg = cfg;
	exec_setup_process();
	exec_setup_tables(ex);
	exec_sandbox_init(ex);
	exec_userdir_init(ex);
	confine_executor();
	exec_setup_events(ex);
	exec_prep_init(ex);
	proc_ready();
	snprintf(cg, sizeof(cg), ex->ex_sb.sb_cg_version > 0 ? "v%d" : "none",
	    ex->ex_sb.sb_cg_version);
	log_info("executor ready: cgroup %s, landlock ABI %d, script network "
	    "%s", cg, ex->ex_sb.sb_landlock_abi, cfg->cf_script_network ?
	    "on" : "off");
	exec_loop(ex);
}
