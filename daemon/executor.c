/*
 * executor.c: the executor role, privileged but deaf.  Re-validates each
 * run request of the front, spawns the script through the sandbox,
 * enforces its timeout, reports how it ended.  Trusts neither the front
 * (every request is checked again) nor the scripts.
 */
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cgi_env.h"
#include "config.h"
#include "confine.h"
#include "daemon.h"
#include "executor.h"
#include "log.h"
#include "msg.h"
#include "proc.h"
#include "sandbox.h"

#define EXEC_QUEUE_MAX		256	/* requests waiting for a slot */
#define EXEC_QUEUE_WAIT_SEC	10	/* then they get MSG_EXEC_BUSY */
#define EXEC_SCRIPTS_CAP	1024	/* sanity bound on max-scripts */
#define EXEC_REAP_WAIT_MS	2000	/* bounded wait for killed children */
#define EXEC_READ_BATCH		16	/* front messages per wakeup */
#define EXEC_SEND_WAIT_MS	2000	/* a front that reads nothing */
#define EXEC_FD_RESERVE		64	/* fds kept free for the rest */
#define EXEC_REASON_MAX	sizeof(((struct msg_exec_started *)0)->es_reason)

/* epoll tags: kind in the top bits, then child slot and generation */
enum exec_ev {
	EXEC_EV_FRONT = 1,
	EXEC_EV_PARENT,
	EXEC_EV_TICK,
	EXEC_EV_PIDFD,
	EXEC_EV_TIMER
};

struct exec_child {
	int			 ec_used;
	uint32_t		 ec_gen;
	uint64_t		 ec_reqid;
	struct sandbox_child	 ec_sch;
	int			 ec_timerfd;	/* -1: no timeout */
	int			 ec_kill;	/* 0 or an enum msg_exec_end */
	const char		*ec_kill_why;
	struct timespec		 ec_start;
	uint64_t		 ec_cpu_usec;	/* user + system, once reaped */
	char			 ec_script[MSG_SCRIPT_MAX];
};

struct exec_queued {
	struct msg_exec_req	 eq_req;
	uint64_t		 eq_reqid;
	int			 eq_fds[MSG_FDS_MAX];
	struct timespec		 eq_since;
};

struct exec {
	struct config		*ex_cfg;
	struct sandbox		 ex_sb;
	int			 ex_docroot_fd;
	int			 ex_epfd;
	int			 ex_front;
	int			 ex_parent;
	uint32_t		 ex_parent_events;
	int			 ex_tick;
	int			 ex_front_gone;
	int			 ex_stopping;
	int			 ex_in_queue_run;
	struct exec_child	*ex_child;
	size_t			 ex_nslots;	/* = max-scripts */
	size_t			 ex_nrunning;
	uint32_t		 ex_gen;
	struct exec_queued	*ex_queue[EXEC_QUEUE_MAX];
	size_t			 ex_qlen;
	size_t			 ex_qmax;
	struct cgi_env		 ex_env;
	union {
		struct msg_exec_req	 req;
		char			 buf[MSG_PAYLOAD_MAX];
	}			 ex_rx;
};

static struct exec	 exec_state;

static void	exec_refuse(struct exec *, uint64_t, const char *,
		    enum msg_exec_result, int, const char *);
static void	exec_child_reap(struct exec *, struct exec_child *, int);
static void	exec_queue_run(struct exec *);
static void	exec_finish(struct exec *, const char *)
		    __attribute__((noreturn));

/* "cgi[ID] /cgi-bin/x: ..." with the request id on the log line too */
static void __attribute__((format(printf, 4, 5)))
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

static uint64_t
exec_usec_since(const struct timespec *t0)
{
	struct timespec	now;
	int64_t		us;

	clock_gettime(CLOCK_MONOTONIC, &now);
	us = (int64_t)(now.tv_sec - t0->tv_sec) * 1000000 +
	    (now.tv_nsec - t0->tv_nsec) / 1000;
	return us < 0 ? 0 : (uint64_t)us;
}

static uint64_t
exec_tag(enum exec_ev kind, size_t slot, uint32_t gen)
{
	return (uint64_t)kind << 48 | (uint64_t)slot << 32 | gen;
}

static void
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
	err[0] = '\0';
	if (sandbox_init(&ex->ex_sb, ex->ex_cfg, paths, n, err,
	    sizeof(err)) == -1)
		fatalx("sandbox: %s", err[0] ? err : "initialisation failed");
	/* the jail shows the document root at its own absolute path */
	ex->ex_docroot_fd = open(ex->ex_sb.sb_docroot,
	    O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (ex->ex_docroot_fd == -1)
		fatal("document root %s", ex->ex_sb.sb_docroot);
}

static void
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
	/* a child holds a pidfd and a timerfd, a queued request 3 pipes */
	n = n > fds / 2 ? fds / 2 : n;
	ex->ex_nslots = n;
	ex->ex_qmax = (fds - 2 * n) / MSG_FDS_MAX;
	ex->ex_qmax = ex->ex_qmax > EXEC_QUEUE_MAX ? EXEC_QUEUE_MAX :
	    ex->ex_qmax;
	if ((ex->ex_child = calloc(n, sizeof(*ex->ex_child))) == NULL)
		fatal("executor tables");
	for (i = 0; i < n; i++)
		ex->ex_child[i].ec_timerfd = -1;
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
}

/* ---- replies to the front ------------------------------------------ */

/*
 * Replies are a few hundred bytes and the front reads them from its
 * event loop; one that takes none for seconds is broken, and waiting
 * longer would stall every timeout here.  It is treated as gone.
 */
static void
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

static void
exec_reply_started(struct exec *ex, uint64_t reqid, enum msg_exec_result res,
    pid_t pid, int err, const char *reason)
{
	struct msg_exec_started	es;

	memset(&es, 0, sizeof(es));
	es.es_result = res;
	es.es_pid = pid;
	es.es_errno = err;
	strlcpy(es.es_reason, reason, sizeof(es.es_reason));
	exec_send(ex, MSG_EXEC_STARTED, reqid, &es, sizeof(es));
}

/* every refusal is answered and logged with its reason */
static void
exec_refuse(struct exec *ex, uint64_t reqid, const char *script,
    enum msg_exec_result res, int err, const char *reason)
{
	static const char *const what[MSG_EXEC_RESULT_MAX] = {
		"started", "not found", "forbidden", "failed", "busy"
	};
	enum log_level	lvl;

	exec_reply_started(ex, reqid, res, 0, err, reason);
	lvl = res == MSG_EXEC_NOTFOUND ? LOG_LVL_INFO : LOG_LVL_WARN;
	exec_reqlog(lvl, reqid, script, "%s: %s",
	    (int)res >= 0 && res < MSG_EXEC_RESULT_MAX ? what[res] : "?",
	    reason);
}

/* ---- running children ---------------------------------------------- */

static struct exec_child *
exec_child_by_reqid(struct exec *ex, uint64_t reqid)
{
	size_t	i;

	for (i = 0; i < ex->ex_nslots; i++)
		if (ex->ex_child[i].ec_used &&
		    ex->ex_child[i].ec_reqid == reqid)
			return &ex->ex_child[i];
	return NULL;
}

static struct exec_child *
exec_child_alloc(struct exec *ex)
{
	size_t	i;

	for (i = 0; i < ex->ex_nslots; i++)
		if (!ex->ex_child[i].ec_used)
			return &ex->ex_child[i];
	return NULL;
}

/* the pidfd is the sandbox's: sandbox_release() closes it */
static void
exec_child_free(struct exec *ex, struct exec_child *c)
{
	if (c->ec_timerfd != -1) {
		close(c->ec_timerfd);
		c->ec_timerfd = -1;
	}
	c->ec_used = 0;
	ex->ex_nrunning--;
}

static int
exec_arm_timeout(struct exec *ex, struct exec_child *c)
{
	struct itimerspec	its;
	uint64_t		sec = ex->ex_cfg->cf_timeout_sec;

	if (sec == 0)
		return 0;
	memset(&its, 0, sizeof(its));
	its.it_value.tv_sec = sec > INT32_MAX ? INT32_MAX : (time_t)sec;
	return timerfd_settime(c->ec_timerfd, 0, &its, NULL);
}

static void
exec_spawn_failed(struct exec *ex, uint64_t reqid, const char *script,
    const struct sandbox_failure *fail)
{
	const char	*step = sandbox_step_name(fail->sf_step), *hint = "";
	char		 reason[EXEC_REASON_MAX];

	/* the file was checked: ENOENT now is a missing #! interpreter */
	if (fail->sf_step == SBX_STEP_EXEC && fail->sf_errno == ENOENT)
		hint = " (bad #! interpreter?)";
	if (fail->sf_step == SBX_STEP_EXEC)
		snprintf(reason, sizeof(reason), "exec failed: %s%s",
		    strerror(fail->sf_errno), hint);
	else
		snprintf(reason, sizeof(reason), "%s: %s", step,
		    strerror(fail->sf_errno));
	exec_reqlog(LOG_LVL_WARN, reqid, script,
	    "sandbox step %s failed: %s%s", step, strerror(fail->sf_errno),
	    hint);
	exec_reply_started(ex, reqid, MSG_EXEC_FAILED, 0, fail->sf_errno,
	    reason);
}

/* the pidfd and the timeout go into the loop; else the child dies now */
static int
exec_child_watch(struct exec *ex, struct exec_child *c, size_t slot)
{
	struct epoll_event	ev = { .events = EPOLLIN };

	ev.data.u64 = exec_tag(EXEC_EV_PIDFD, slot, c->ec_gen);
	if (epoll_ctl(ex->ex_epfd, EPOLL_CTL_ADD, c->ec_sch.sch_pidfd,
	    &ev) == -1)
		return -1;
	if (c->ec_timerfd == -1)
		return 0;
	ev.data.u64 = exec_tag(EXEC_EV_TIMER, slot, c->ec_gen);
	if (epoll_ctl(ex->ex_epfd, EPOLL_CTL_ADD, c->ec_timerfd, &ev) == -1 ||
	    exec_arm_timeout(ex, c) == -1)
		return -1;
	return 0;
}

/* a free slot with its timer, before anything runs; NULL if no timer */
static struct exec_child *
exec_child_claim(struct exec *ex, uint64_t reqid, const char *script)
{
	struct exec_child	*c;

	if ((c = exec_child_alloc(ex)) == NULL)
		fatalx("no free child slot");	/* callers checked */
	c->ec_timerfd = -1;
	if (ex->ex_cfg->cf_timeout_sec > 0 && (c->ec_timerfd = timerfd_create(
	    CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC)) == -1)
		return NULL;
	memset(&c->ec_sch, 0, sizeof(c->ec_sch));
	c->ec_sch.sch_pidfd = -1;
	c->ec_used = 1;
	c->ec_gen = ++ex->ex_gen;
	c->ec_reqid = reqid;
	c->ec_kill = 0;
	c->ec_kill_why = NULL;
	c->ec_cpu_usec = 0;
	strlcpy(c->ec_script, script, sizeof(c->ec_script));
	ex->ex_nrunning++;
	clock_gettime(CLOCK_MONOTONIC, &c->ec_start);
	return c;
}

static void
exec_spawn(struct exec *ex, uint64_t reqid, const char *script,
    struct exec_script *sc, const int *fds)
{
	struct sandbox_failure	 fail = { SBX_STEP_NONE, 0 };
	struct sandbox_spawn	 ss;
	struct exec_child	*c;
	struct timespec		 t0;
	char			*argv[3];

	if ((c = exec_child_claim(ex, reqid, script)) == NULL) {
		exec_refuse(ex, reqid, script, MSG_EXEC_FAILED, errno,
		    "no timer for the timeout");
		return;
	}
	/* never anything from the query string (CVE-2012-1823) */
	/* execve's argv is char *const[] for history's sake: not written */
	argv[0] = sc->sc_interp != NULL ? (char *)sc->sc_interp : sc->sc_file;
	argv[1] = sc->sc_interp != NULL ? sc->sc_file : NULL;
	argv[2] = NULL;
	ss = (struct sandbox_spawn){ fds[0], fds[1], fds[2], argv[0], argv,
	    ex->ex_env.ce_envp, sc->sc_cwd, sc->sc_policy, reqid };
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (sandbox_spawn(&ex->ex_sb, &ss, &c->ec_sch, &fail) == -1) {
		c->ec_sch.sch_pidfd = -1;
		exec_child_free(ex, c);
		exec_spawn_failed(ex, reqid, script, &fail);
		return;
	}
	if (exec_child_watch(ex, c, (size_t)(c - ex->ex_child)) == -1) {
		/* it cannot be supervised: it must not run */
		log_warn("cgi[%llu] supervise", (unsigned long long)reqid);
		sandbox_kill(&ex->ex_sb, &c->ec_sch);
		c->ec_kill = MSG_END_KILLED;
		c->ec_kill_why = "cannot supervise";
	}
	exec_reply_started(ex, reqid, MSG_EXEC_OK, c->ec_sch.sch_pid, 0, "");
	/* clone to execve, every layer applied (bench/cgi.sh reads this) */
	exec_reqlog(LOG_LVL_DEBUG, reqid, script, "started, pid %d, spawn "
	    "%llu us", (int)c->ec_sch.sch_pid,
	    (unsigned long long)exec_usec_since(&t0));
	if (c->ec_kill == MSG_END_KILLED)
		exec_child_reap(ex, c, 0);
}

/* validate, build the environment, spawn; the fds are ours to close */
static void
exec_start(struct exec *ex, uint64_t reqid, const struct msg_exec_req *req,
    int *fds)
{
	struct exec_ctx		 ctx = { ex->ex_cfg, &ex->ex_sb,
	    ex->ex_docroot_fd };
	struct exec_script	 sc;
	enum msg_exec_result	 res;
	const char		*why = "invalid";
	int			 err = 0;

	res = exec_validate_script(&ctx, req->er_script, &sc, &why, &err);
	if (res != MSG_EXEC_OK)
		exec_refuse(ex, reqid, req->er_script, res, err, why);
	else if (cgi_env_build(&ex->ex_env, req, ex->ex_cfg, sc.sc_file,
	    ex->ex_sb.sb_docroot) == -1)
		exec_refuse(ex, reqid, req->er_script, MSG_EXEC_FAILED,
		    E2BIG, "environment too large");
	else
		exec_spawn(ex, reqid, req->er_script, &sc, fds);
	exec_close_fds(fds, MSG_FDS_MAX);
}

static const char *
exec_signal_why(int sig, uint32_t flags, int cpu_spent)
{
	if (sig == SIGSYS)
		return "seccomp policy violation";
	if (sig == SIGKILL && (flags & MSG_DONE_F_OOM))
		return "memory limit";
	/*
	 * The script is the init of its pid namespace, which the kernel
	 * never lets die of SIGXCPU: the hard limit's SIGKILL a second
	 * later is what ends it, so only its CPU time tells.
	 */
	if (sig == SIGXCPU || (sig == SIGKILL && cpu_spent))
		return "CPU time limit";
	if (sig == SIGXFSZ)
		return "file size limit";
	return NULL;
}

static void
exec_log_outcome(const struct exec *ex, const struct exec_child *c,
    const struct msg_exec_done *ed)
{
	const char	*why, *abbrev;
	char		 sig[64];
	uint64_t	 cpu_sec = ex->ex_cfg->cf_limits.lim_cpu_sec;
	unsigned long long us = (unsigned long long)ed->ed_usec;

	if (ed->ed_end == MSG_END_EXIT) {
		exec_reqlog(LOG_LVL_INFO, c->ec_reqid, c->ec_script,
		    "exit %d (%llu us)", ed->ed_code, us);
		return;
	}
	if (ed->ed_end == MSG_END_TIMEOUT) {
		exec_reqlog(LOG_LVL_INFO, c->ec_reqid, c->ec_script,
		    "timed out after %llu s, killed (%llu us)",
		    (unsigned long long)ex->ex_cfg->cf_timeout_sec, us);
		return;
	}
	if (ed->ed_end == MSG_END_KILLED) {
		exec_reqlog(LOG_LVL_INFO, c->ec_reqid, c->ec_script,
		    "killed: %s (%llu us)", c->ec_kill_why, us);
		return;
	}
	abbrev = sigabbrev_np(ed->ed_code);
	why = exec_signal_why(ed->ed_code, ed->ed_flags, cpu_sec > 0 &&
	    c->ec_cpu_usec / 1000000 >= cpu_sec);
	if (why != NULL && ed->ed_code == SIGKILL)
		strlcpy(sig, why, sizeof(sig));
	else
		snprintf(sig, sizeof(sig), "SIG%s%s%s",
		    abbrev != NULL ? abbrev : "?", why != NULL ? ": " : "",
		    why != NULL ? why : "");
	exec_reqlog(LOG_LVL_INFO, c->ec_reqid, c->ec_script,
	    "killed by signal %d (%s)%s (%llu us)", ed->ed_code, sig,
	    ed->ed_flags & MSG_DONE_F_PIDS ? ", process limit reached" : "",
	    us);
}

/* how it ended: our kill only if it really died of our SIGKILL */
static void
exec_done_from(const struct exec_child *c, const siginfo_t *si,
    struct msg_exec_done *ed)
{
	ed->ed_code = si->si_status;
	if (si->si_code == CLD_EXITED)
		ed->ed_end = MSG_END_EXIT;
	else if (c->ec_kill != 0 && si->si_status == SIGKILL)
		ed->ed_end = c->ec_kill;
	else
		ed->ed_end = MSG_END_SIGNAL;
}

/* waitid(2) with the resource usage that the libc wrapper leaves out */
static int
exec_waitid(int pidfd, siginfo_t *si, int options, uint64_t *cpu_usec)
{
	struct rusage	ru;
	int		r;

	memset(&ru, 0, sizeof(ru));
	r = (int)syscall(SYS_waitid, P_PIDFD, pidfd, si, options, &ru);
	*cpu_usec = (uint64_t)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) *
	    1000000 + (uint64_t)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec);
	return r;
}

/*
 * The child (pid 1 of its namespace, so everything it started is gone
 * too) ended: reap, release its cgroups, report, start the next one.
 * nohang: from the event loop; 0: wait for a child we just killed.
 */
static void
exec_child_reap(struct exec *ex, struct exec_child *c, int nohang)
{
	struct msg_exec_done	ed;
	siginfo_t		si;
	uint32_t		sbx;

	memset(&si, 0, sizeof(si));
	if (exec_waitid(c->ec_sch.sch_pidfd, &si, WEXITED |
	    (nohang ? WNOHANG : 0), &c->ec_cpu_usec) == -1) {
		if (errno == EINTR || errno == EAGAIN)
			return;
		/* nothing left to wait for: report it as killed */
		log_warn("cgi[%llu] waitid", (unsigned long long)c->ec_reqid);
		si.si_code = CLD_KILLED;
		si.si_status = SIGKILL;
	} else if (si.si_pid == 0)
		return;		/* not yet */
	memset(&ed, 0, sizeof(ed));
	ed.ed_usec = exec_usec_since(&c->ec_start);
	epoll_ctl(ex->ex_epfd, EPOLL_CTL_DEL, c->ec_sch.sch_pidfd, NULL);
	sbx = sandbox_release(&ex->ex_sb, &c->ec_sch);
	ed.ed_flags = (sbx & SBX_DONE_OOM ? MSG_DONE_F_OOM : 0) |
	    (sbx & SBX_DONE_PIDS ? MSG_DONE_F_PIDS : 0);
	c->ec_sch.sch_pidfd = -1;
	exec_done_from(c, &si, &ed);
	exec_send(ex, MSG_EXEC_DONE, c->ec_reqid, &ed, sizeof(ed));
	exec_log_outcome(ex, c, &ed);
	exec_child_free(ex, c);
	exec_queue_run(ex);
}

static void
exec_child_kill(struct exec *ex, struct exec_child *c, int end,
    const char *why)
{
	siginfo_t	si;

	/*
	 * Already ended by itself (a limit, a crash) and not yet reaped: its
	 * own end is the story to log, not this late request to kill it.
	 */
	memset(&si, 0, sizeof(si));
	if (syscall(SYS_waitid, P_PIDFD, c->ec_sch.sch_pidfd, &si,
	    WEXITED | WNOHANG | WNOWAIT, NULL) == 0 && si.si_pid != 0)
		return;
	if (c->ec_kill == 0) {
		c->ec_kill = end;
		c->ec_kill_why = why;
	}
	if (sandbox_kill(&ex->ex_sb, &c->ec_sch) == -1 && errno != ESRCH)
		exec_reqlog(LOG_LVL_WARN, c->ec_reqid, c->ec_script,
		    "kill: %s", strerror(errno));
}

static void
exec_child_timeout(struct exec *ex, struct exec_child *c)
{
	uint64_t	ticks;

	if (read(c->ec_timerfd, &ticks, sizeof(ticks)) != sizeof(ticks))
		return;
	exec_child_kill(ex, c, MSG_END_TIMEOUT, "timeout");
}

/* ---- the wait queue ------------------------------------------------- */

static void
exec_tick_arm(struct exec *ex, int on)
{
	struct itimerspec	its;

	memset(&its, 0, sizeof(its));
	if (on) {
		its.it_value.tv_sec = 1;
		its.it_interval.tv_sec = 1;
	}
	timerfd_settime(ex->ex_tick, 0, &its, NULL);
}

static struct exec_queued *
exec_queue_take(struct exec *ex, size_t i)
{
	struct exec_queued	*q = ex->ex_queue[i];

	memmove(&ex->ex_queue[i], &ex->ex_queue[i + 1],
	    (ex->ex_qlen - i - 1) * sizeof(ex->ex_queue[0]));
	if (--ex->ex_qlen == 0)
		exec_tick_arm(ex, 0);
	return q;
}

static void
exec_queue_drop(struct exec *ex, size_t i, enum msg_exec_result res,
    int err, const char *why)
{
	struct exec_queued	*q = exec_queue_take(ex, i);

	exec_refuse(ex, q->eq_reqid, q->eq_req.er_script, res, err,
	    why);
	exec_close_fds(q->eq_fds, MSG_FDS_MAX);
	free(q);
}

static int
exec_queue_push(struct exec *ex, uint64_t reqid,
    const struct msg_exec_req *req, const int *fds)
{
	struct exec_queued	*q;

	if (ex->ex_qlen >= ex->ex_qmax || (q = malloc(sizeof(*q))) == NULL)
		return -1;
	memcpy(&q->eq_req, req, sizeof(q->eq_req));
	memcpy(q->eq_fds, fds, sizeof(q->eq_fds));
	q->eq_reqid = reqid;
	clock_gettime(CLOCK_MONOTONIC, &q->eq_since);
	ex->ex_queue[ex->ex_qlen++] = q;
	if (ex->ex_qlen == 1)
		exec_tick_arm(ex, 1);
	return 0;
}

static void
exec_queue_run(struct exec *ex)
{
	struct exec_queued	*q;

	/* a start that ends at once reaps and comes back here: no recursion */
	if (ex->ex_in_queue_run)
		return;
	ex->ex_in_queue_run = 1;
	while (!ex->ex_stopping && ex->ex_qlen > 0 &&
	    ex->ex_nrunning < ex->ex_nslots) {
		q = exec_queue_take(ex, 0);
		exec_start(ex, q->eq_reqid, &q->eq_req, q->eq_fds);
		free(q);
	}
	ex->ex_in_queue_run = 0;
}

/* FIFO: the oldest is first; each waits at most EXEC_QUEUE_WAIT_SEC */
static void
exec_queue_expire(struct exec *ex)
{
	uint64_t	ticks;

	if (read(ex->ex_tick, &ticks, sizeof(ticks)) != sizeof(ticks))
		return;
	while (ex->ex_qlen > 0 && exec_usec_since(&ex->ex_queue[0]->eq_since) >=
	    (uint64_t)EXEC_QUEUE_WAIT_SEC * 1000000)
		exec_queue_drop(ex, 0, MSG_EXEC_BUSY, EBUSY,
		    "max-scripts reached, waited too long");
}

static ssize_t
exec_queue_find(const struct exec *ex, uint64_t reqid)
{
	size_t	i;

	for (i = 0; i < ex->ex_qlen; i++)
		if (ex->ex_queue[i]->eq_reqid == reqid)
			return (ssize_t)i;
	return -1;
}

/* ---- messages ------------------------------------------------------- */

static void
exec_handle_req(struct exec *ex, uint64_t reqid, const struct msg_exec_req *req,
    int *fds, int nfds)
{
	if (nfds != MSG_FDS_MAX)
		fatalx("protocol violation: exec request with %d fds", nfds);
	if (reqid == 0 || memchr(req->er_script, '\0',
	    sizeof(req->er_script)) == NULL)
		fatalx("protocol violation: bad exec request");
	if (exec_child_by_reqid(ex, reqid) != NULL ||
	    exec_queue_find(ex, reqid) != -1)
		fatalx("protocol violation: duplicate request id %llu",
		    (unsigned long long)reqid);
	if (ex->ex_stopping)
		exec_refuse(ex, reqid, req->er_script, MSG_EXEC_BUSY,
		    ESHUTDOWN, "shutting down");
	else if (ex->ex_qlen == 0 && ex->ex_nrunning < ex->ex_nslots) {
		exec_start(ex, reqid, req, fds);
		return;
	} else if (exec_queue_push(ex, reqid, req, fds) == 0)
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
	int		fds[MSG_FDS_MAX], nfds, n, rc;

	for (n = 0; n < EXEC_READ_BATCH; n++) {
		nfds = 0;
		rc = proc_recv(ex->ex_front, PROC_FRONT, &hdr, &ex->ex_rx,
		    fds, &nfds);
		if (rc == -1)
			return;		/* transient; proc_recv is fatal else */
		if (rc == 0)
			exec_finish(ex, "front channel closed");
		if (hdr.mh_type == MSG_EXEC_REQ)
			exec_handle_req(ex, hdr.mh_reqid, &ex->ex_rx.req, fds,
			    nfds);
		else if (hdr.mh_type == MSG_EXEC_KILL && nfds == 0)
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
	if (kind == EXEC_EV_PIDFD)
		exec_child_reap(ex, c, 1);
	else if (kind == EXEC_EV_TIMER)
		exec_child_timeout(ex, c);
}

static void __attribute__((noreturn))
exec_loop(struct exec *ex)
{
	struct epoll_event	evs[32];
	int			i, n;

	for (;;) {
		n = epoll_wait(ex->ex_epfd, evs, 32, -1);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			fatal("epoll_wait");
		for (i = 0; i < n; i++) {
			switch ((enum exec_ev)(evs[i].data.u64 >> 48)) {
			case EXEC_EV_FRONT:
				exec_dispatch_front(ex);
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
			default:
				exec_dispatch_child(ex, evs[i].data.u64);
			}
		}
		if (ex->ex_front_gone)
			exec_finish(ex, "the front stopped reading");
		exec_watch_log(ex);
	}
}

void
exec_main(struct config *cfg)
{
	struct exec	*ex = &exec_state;
	char		 cg[16];

	ex->ex_cfg = cfg;
	exec_setup_process();
	exec_sandbox_init(ex);
	confine_executor();
	exec_setup_tables(ex);
	exec_setup_events(ex);
	snprintf(cg, sizeof(cg), ex->ex_sb.sb_cg_version > 0 ? "v%d" : "none",
	    ex->ex_sb.sb_cg_version);
	log_info("executor ready: cgroup %s, landlock ABI %d, script network "
	    "%s", cg, ex->ex_sb.sb_landlock_abi, cfg->cf_script_network ?
	    "on" : "off");
	exec_loop(ex);
}
