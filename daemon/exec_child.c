/* SPDX-License-Identifier: ISC */
/*
 * exec_child.c: a script's life in the executor: validate, build its
 * environment, spawn it through the sandbox (a student's, userdir: in its
 * own tree, as itself), arm its timeout, kill it, reap it and report how
 * it ended.  Executor role; trusts neither the front's request
 * (validated again) nor the script.
 */
#include <sys/epoll.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "exec_priv.h"
#include "executor.h"

struct exec_child *
exec_child_by_reqid(struct exec *ex, uint64_t reqid)
{
	size_t	i;

	for (i = 0; i < ex->ex_nslots; i++)
		if (ex->ex_child[i].ec_used &&
		    ex->ex_child[i].ec_reqid == reqid)
			return &ex->ex_child[i];
	return NULL;
}

/* the pidfd and status fd are the sandbox's: sandbox_release() */
static void
exec_child_free(struct exec *ex, struct exec_child *c)
{
	if (c->ec_timerfd != -1) {
		epoll_ctl(ex->ex_epfd, EPOLL_CTL_DEL, c->ec_timerfd, NULL);
		close(c->ec_timerfd);
		c->ec_timerfd = -1;
	}
	c->ec_used = 0;
	ex->ex_nrunning--;
	exec_userdir_count(ex, c->ec_user, -1);
	c->ec_user = EXEC_USER_NONE;
}

/* the child's timer: first the bound on its start, then its timeout */
static int
exec_arm(struct exec_child *c, uint64_t sec)
{
	struct itimerspec	its;

	memset(&its, 0, sizeof(its));
	its.it_value.tv_sec = sec > INT32_MAX ? INT32_MAX : (time_t)sec;
	return timerfd_settime(c->ec_timerfd, 0, &its, NULL);
}

static void
exec_start_failed(struct exec *ex, struct exec_child *c,
    const struct sandbox_failure *fail)
{
	const char	*step = sandbox_step_name(fail->sf_step);
	char		 reason[1024], hint[512];

	/* its start timer's kill: no step failed, it was not let run */
	if (fail->sf_step == SBX_STEP_EXEC && fail->sf_errno == ETIMEDOUT) {
		snprintf(reason, sizeof(reason), "did not start within %d s",
		    EXEC_START_MAX_SEC);
		exec_reqlog(LOG_LVL_WARN, c->ec_reqid, c->ec_script,
		    "%s: killed before its exec (stopped, or the machine too "
		    "busy)", reason);
		exec_metrics_start_failed(ex);
		exec_reply_started(ex, c->ec_reqid, MSG_EXEC_FAILED,
		    ETIMEDOUT, reason);
		return;
	}
	exec_hint_failure(c, fail->sf_step, fail->sf_errno, hint,
	    sizeof(hint));
	/* the front's copy is cut to es_reason; the log has all of it */
	if (fail->sf_step == SBX_STEP_EXEC)
		snprintf(reason, sizeof(reason), "exec failed: %s%s%s",
		    strerror(fail->sf_errno), hint[0] ? ": " : "", hint);
	else
		snprintf(reason, sizeof(reason), "%s: %s", step,
		    strerror(fail->sf_errno));
	exec_reqlog(LOG_LVL_WARN, c->ec_reqid, c->ec_script,
	    "sandbox step %s failed: %s%s%s", step, strerror(fail->sf_errno),
	    hint[0] ? "; " : "", hint);
	exec_metrics_start_failed(ex);
	exec_reply_started(ex, c->ec_reqid, MSG_EXEC_FAILED,
	    fail->sf_errno, reason);
}

static int
exec_child_watch(struct exec *ex, struct exec_child *c, size_t slot)
{
	struct epoll_event	ev = { .events = EPOLLIN };

	ev.data.u64 = exec_tag(EXEC_EV_PIDFD, slot, c->ec_gen);
	if (epoll_ctl(ex->ex_epfd, EPOLL_CTL_ADD, c->ec_sch.sch_pidfd,
	    &ev) == -1)
		return -1;
	ev.data.u64 = exec_tag(EXEC_EV_STATUS, slot, c->ec_gen);
	if (epoll_ctl(ex->ex_epfd, EPOLL_CTL_ADD, c->ec_sch.sch_statusfd,
	    &ev) == -1)
		return -1;
	ev.data.u64 = exec_tag(EXEC_EV_TIMER, slot, c->ec_gen);
	if (epoll_ctl(ex->ex_epfd, EPOLL_CTL_ADD, c->ec_timerfd, &ev) == -1)
		return -1;
	return exec_arm(c, EXEC_START_MAX_SEC);
}

/* a free slot with its timer, before anything runs; NULL on error */
static struct exec_child *
exec_child_claim(struct exec *ex, uint64_t reqid, const char *script,
    const struct exec_script *sc, ssize_t user)
{
	struct exec_child	*c;
	ssize_t			 pol = -1;
	int			 scr;

	/* of the document root: a child made ahead may take it */
	scr = sc->sc_interp != NULL || sc->sc_kind != EXEC_KIND_ELF;
	if (user < 0) {
		pol = (ssize_t)sc->sc_policy;
		if (pol == ex->ex_prep_policy && scr == ex->ex_prep_script)
			ex->ex_prep_streak++;
		else
			ex->ex_prep_streak = 1;
		ex->ex_prep_policy = pol;
		ex->ex_prep_script = scr;
	}
	if ((c = exec_prep_slot(ex, pol, scr)) == NULL)
		fatalx("no free child slot");	/* callers checked */
	if ((c->ec_timerfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK |
	    TFD_CLOEXEC)) == -1)
		return NULL;
	memset(&c->ec_sch, 0, sizeof(c->ec_sch));
	c->ec_sch.sch_pidfd = c->ec_sch.sch_statusfd = -1;
	c->ec_used = 1;
	c->ec_started = 0;
	c->ec_gen = ++ex->ex_gen;
	c->ec_reqid = reqid;
	c->ec_kill = 0;
	c->ec_kill_why = NULL;
	c->ec_cpu_usec = 0;
	strlcpy(c->ec_script, script, sizeof(c->ec_script));
	c->ec_kind = sc->sc_kind;
	strlcpy(c->ec_interp, sc->sc_interp != NULL ? sc->sc_interp : "",
	    sizeof(c->ec_interp));
	memcpy(c->ec_head, sc->sc_head, sizeof(c->ec_head));
	ex->ex_nrunning++;
	c->ec_user = user;
	exec_userdir_count(ex, user, 1);
	clock_gettime(CLOCK_MONOTONIC, &c->ec_start);
	return c;
}

/*
 * What runs: a program is exec'd through the very descriptor that was
 * validated; a script's path (bound over itself in the child) is given
 * to its interpreter, the `interpreter` line's or the kernel's for #!.
 */
static void
exec_spawn_args(const struct exec_script *sc, char **argv,
    struct sandbox_spawn *ss)
{
	/* never anything from the query string (CVE-2012-1823) */
	/* execve's argv is char *const[] for history's sake: not written */
	argv[0] = sc->sc_interp != NULL ? (char *)sc->sc_interp :
	    (char *)sc->sc_file;
	argv[1] = sc->sc_interp != NULL ? (char *)sc->sc_file : NULL;
	argv[2] = NULL;
	ss->ss_exec_fd = sc->sc_fd;
	ss->ss_execat = sc->sc_interp == NULL && sc->sc_kind == EXEC_KIND_ELF;
	ss->ss_path = argv[0];
	ss->ss_script = sc->sc_file;
	ss->ss_argv = argv;
	ss->ss_cwd = sc->sc_cwd;
	ss->ss_policy = sc->sc_policy;
}

/*
 * userdir: the student, and this request's copies of its tree and of its
 * writable directory (rwfd, validated), for the child to put in place.
 * 0, or -1 with errno.
 */
static int
exec_spawn_user(struct exec *ex, ssize_t u, int rwfd,
    struct sandbox_spawn *ss, char *rwpath, size_t rwpathsz)
{
	ss->ss_tree = ss->ss_rw = -1;
	if (u < 0)
		return 0;
	ss->ss_user = &ex->ex_sb.sb_users[u];
	if ((size_t)snprintf(rwpath, rwpathsz, "%s/%s", ss->ss_user->su_path,
	    ex->ex_cfg->cf_userdir_writable) >= rwpathsz) {
		errno = ENAMETOOLONG;
		return -1;
	}
	ss->ss_rw_path = rwpath;
	return sandbox_user_clone(ss->ss_user, rwfd, &ss->ss_tree, &ss->ss_rw);
}

static void
exec_spawn(struct exec *ex, uint64_t reqid, const char *script,
    const struct exec_script *sc, const int *fds, ssize_t u, int rwfd)
{
	struct sandbox_failure	 fail = { SBX_STEP_NONE, 0 };
	struct sandbox_spawn	 ss;
	struct exec_child	*c;
	char			*argv[3], also[SBX_EXEC_ALSO_MAX][PATH_MAX];
	char			 rwpath[PATH_MAX];
	int			 rc;

	if ((c = exec_child_claim(ex, reqid, script, sc, u)) == NULL) {
		exec_refuse(ex, reqid, script, MSG_EXEC_FAILED, errno,
		    "no timer for the timeout");
		return;
	}
	memset(&ss, 0, sizeof(ss));
	if (exec_spawn_user(ex, u, rwfd, &ss, rwpath, sizeof(rwpath)) == -1) {
		exec_refuse(ex, reqid, script, MSG_EXEC_FAILED, errno,
		    "cannot give the script the student's tree");
		exec_child_free(ex, c);
		return;
	}
	ss.ss_stdin = fds[0];
	ss.ss_stdout = fds[1];
	ss.ss_stderr = fds[2];
	ss.ss_envp = ex->ex_env.ce_envp;
	ss.ss_slot = (size_t)(c - ex->ex_child);
	ss.ss_reqid = reqid;
	exec_spawn_args(sc, argv, &ss);
	if (ex->ex_sb.sb_policy[sc->sc_policy].fp_exec_self)
		exec_also(sc, also, ss.ss_exec_also);
	exec_prep_unwatch(ex, ss.ss_slot);
	rc = sandbox_spawn(&ex->ex_sb, &ss, &c->ec_sch, &fail);
	exec_prep_spawned(ex, ss.ss_slot, rc == 0 && c->ec_sch.sch_prepared);
	/* the child has its own copies of the trees */
	if (ss.ss_tree != -1)
		(void)close(ss.ss_tree);
	if (ss.ss_rw != -1)
		(void)close(ss.ss_rw);
	if (rc == -1) {
		exec_start_failed(ex, c, &fail);
		exec_child_free(ex, c);
		return;
	}
	if (exec_child_watch(ex, c, ss.ss_slot) == -1) {
		/* it cannot be supervised: it must not run */
		log_warn("cgi[%llu] supervise", (unsigned long long)reqid);
		exec_child_kill(ex, c, MSG_END_KILLED, "cannot supervise");
		exec_child_reap(ex, c, 0);
	}
}

/*
 * May it run, and in what: validation against the document root or the
 * student's tree (userdir), then a student's writable directory.
 */
static enum msg_exec_result
exec_check(struct exec *ex, const struct msg_exec_req *req, ssize_t u,
    struct exec_script *sc, int *rwfd, const char **why, int *err)
{
	struct exec_ctx		 ctx;
	enum msg_exec_result	 res;

	*rwfd = -1;
	sc->sc_fd = -1;
	sc->sc_file[0] = '\0';
	if (u == EXEC_USER_UNKNOWN) {
		*err = ENOENT;
		*why = "no such user directory";
		return MSG_EXEC_NOTFOUND;
	}
	exec_userdir_ctx(ex, u, &ctx);
	res = exec_validate_script(&ctx, req->er_script, sc, why, err);
	if (res == MSG_EXEC_OK && (res = exec_userdir_writable(ex, u, rwfd,
	    why, err)) != MSG_EXEC_OK)
		exec_script_close(sc);
	return res;
}

/* validate, build the environment, spawn; the fds are ours to close */
void
exec_start(struct exec *ex, uint64_t reqid, const struct msg_exec_req *req,
    int *fds)
{
	struct exec_script	 sc;
	enum msg_exec_result	 res;
	const char		*why = "invalid";
	char			 reason[512];
	ssize_t			 u = exec_userdir_of(ex, req->er_script);
	int			 err = 0, rwfd;

	res = exec_check(ex, req, u, &sc, &rwfd, &why, &err);
	if (res != MSG_EXEC_OK) {
		exec_hint_refusal(req->er_script, sc.sc_file, why, ex->ex_cfg,
		    reason, sizeof(reason));
		exec_refuse(ex, reqid, req->er_script, res, err, reason);
	} else if (cgi_env_build(&ex->ex_env, req, ex->ex_cfg, sc.sc_file,
	    u >= 0 ? ex->ex_sb.sb_users[u].su_path : ex->ex_sb.sb_docroot) ==
	    -1)
		exec_refuse(ex, reqid, req->er_script, MSG_EXEC_FAILED,
		    E2BIG, "environment too large");
	else
		exec_spawn(ex, reqid, req->er_script, &sc, fds, u, rwfd);
	if (res == MSG_EXEC_OK)
		exec_script_close(&sc);
	if (rwfd != -1)
		(void)close(rwfd);
	exec_close_fds(fds, MSG_FDS_MAX);
}

/*
 * The child exec'd: the timeout starts.  The front is not told: it waits
 * for nothing but the script's output and DONE (a 100 Continue went out
 * before the body was read), so a STARTED would only wake it, once per
 * request, for nothing; only a start that failed is sent.
 */
static void
exec_child_running(struct exec *ex, struct exec_child *c)
{
	uint64_t	sec = ex->ex_cfg->cf_timeout_sec, spent;

	c->ec_started = 1;
	spent = exec_usec_since(&c->ec_start);
	exec_metrics_spawned(ex, spent);
	/* clone to execve, every layer applied (bench/cgi.sh reads this) */
	exec_reqlog(LOG_LVL_DEBUG, c->ec_reqid, c->ec_script, "started, pid "
	    "%d, spawn %llu us%s", (int)c->ec_sch.sch_pid,
	    (unsigned long long)spent, c->ec_sch.sch_prepared ?
	    ", prepared ahead" : c->ec_sch.sch_spawned ?
	    ", made by a spawner" : "");
	if (c->ec_kill == 0)
		(void)exec_arm(c, sec == 0 ? 0 : sec > spent / 1000000 ?
		    sec - spent / 1000000 : 1);
}

/*
 * Read the status pipe (sandbox_started(): 0 not yet, 1 exec'd, -1 a
 * step failed), taking it out of the epoll set first, while the number
 * is still ours: epoll watches the file, not the number, and a child
 * being cloned holds a copy of every descriptor until its close_range(),
 * so a registration left behind by close() keeps firing for nobody (the
 * loop then spins).  rewatch: put it back when it had nothing yet.
 */
static int
exec_child_read_status(struct exec *ex, struct exec_child *c,
    struct sandbox_failure *fail, int rewatch)
{
	struct epoll_event	ev = { .events = EPOLLIN };
	int			fd = c->ec_sch.sch_statusfd, r;

	if (fd != -1)
		(void)epoll_ctl(ex->ex_epfd, EPOLL_CTL_DEL, fd, NULL);
	r = sandbox_started(&c->ec_sch, fail);
	if (r == 0 && rewatch && c->ec_sch.sch_statusfd != -1) {
		ev.data.u64 = exec_tag(EXEC_EV_STATUS,
		    (size_t)(c - ex->ex_child), c->ec_gen);
		if (epoll_ctl(ex->ex_epfd, EPOLL_CTL_ADD,
		    c->ec_sch.sch_statusfd, &ev) == -1)
			fatal("epoll_ctl");
	}
	return r;
}

/* killed by us for its client or the stop, not for its time */
static int
exec_child_cancelled(const struct exec_child *c)
{
	return c->ec_kill != 0 && c->ec_kill != MSG_END_TIMEOUT;
}

/* the status pipe spoke: exec'd, or a step failed (it exits by itself) */
void
exec_child_status(struct exec *ex, struct exec_child *c)
{
	struct sandbox_failure	fail;
	int			r;

	if (c->ec_started || c->ec_sch.sch_statusfd == -1)
		return;
	if ((r = exec_child_read_status(ex, c, &fail, 1)) == 0)
		return;
	/* exec'd or failed: a spawner that slept on it is free */
	sandbox_spawner_done(&ex->ex_sb, &c->ec_sch);
	/*
	 * The end of file comes with an exec and with a death alike: after
	 * our kill (its client went, the server stops, its start timed out)
	 * it cannot tell whether the child started; its reaping says it was
	 * cancelled, or did not start in time (the pipe is closed now, which
	 * sandbox_started() reads as that end).
	 */
	if (r == 1 && c->ec_kill != 0)
		return;
	if (r == 1)
		exec_child_running(ex, c);
	else {
		exec_start_failed(ex, c, &fail);
		c->ec_started = -1;	/* no DONE: the front had its answer */
	}
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

	/* failures are warnings; a 0 exit or a client's kill is not */
	if (ed->ed_end == MSG_END_EXIT) {
		exec_reqlog(ed->ed_code == 0 ? LOG_LVL_INFO : LOG_LVL_WARN,
		    c->ec_reqid, c->ec_script, "exit %d (%llu us)", ed->ed_code,
		    us);
		return;
	}
	if (ed->ed_end == MSG_END_TIMEOUT) {
		exec_reqlog(LOG_LVL_WARN, c->ec_reqid, c->ec_script,
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
	exec_reqlog(LOG_LVL_WARN, c->ec_reqid, c->ec_script,
	    "killed by signal %d (%s)%s (%llu us)", ed->ed_code, sig,
	    ed->ed_flags & MSG_DONE_F_PIDS ? ", process limit reached" : "",
	    us);
}

/*
 * How it ended, from its own wait status first: our kill only if it died
 * of a SIGKILL that neither its CPU limit (whose hard limit is also a
 * SIGKILL) nor the memory cgroup's OOM kill explains.  A kill asked for
 * while it was already dying must not take the credit.
 */
static void
exec_done_from(const struct exec *ex, const struct exec_child *c,
    const siginfo_t *si, struct msg_exec_done *ed)
{
	uint64_t	cpu_sec = ex->ex_cfg->cf_limits.lim_cpu_sec;

	ed->ed_code = si->si_status;
	if (si->si_code == CLD_EXITED)
		ed->ed_end = MSG_END_EXIT;
	else if (c->ec_kill != 0 && si->si_status == SIGKILL &&
	    !(cpu_sec > 0 && c->ec_cpu_usec / 1000000 >= cpu_sec) &&
	    !(ed->ed_flags & MSG_DONE_F_OOM))
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
 * Reaped before its status pipe spoke: it exec'd and ended at once (the
 * front hears STARTED, then DONE), or a step failed, or we killed it
 * before it could start.  0: go on to report its end; -1: it never ran.
 * The pipe's end of file may not have come yet: a spawner holds its own
 * copy of a prepared child's write end from its clone to its close, and
 * a loaded machine may not run it in between while the child takes its
 * request, execs and ends.  Only the child writes a failure record, and
 * it is dead: an empty pipe says what the end of file would.
 */
static int
exec_child_unstarted(struct exec *ex, struct exec_child *c)
{
	struct sandbox_failure	fail;
	int			r;

	if (c->ec_started != 0)
		return c->ec_started == 1 ? 0 : -1;
	if ((r = exec_child_read_status(ex, c, &fail, 0)) == 0)
		r = 1;
	if (r == 1 && c->ec_kill == 0) {
		exec_child_running(ex, c);
		return 0;
	}
	/*
	 * Killed by us before it was seen to start, no step failed: its
	 * client went or the server stops.  No failure of its own, and not
	 * said as one (a start that timed out is).
	 */
	if (r == 1 && exec_child_cancelled(c)) {
		exec_reqlog(LOG_LVL_INFO, c->ec_reqid, c->ec_script,
		    "killed before it was seen to start: %s", c->ec_kill_why);
		exec_reply_started(ex, c->ec_reqid, MSG_EXEC_FAILED,
		    ECANCELED, "killed before it started");
		return -1;
	}
	if (r == 1) {		/* what is left: its start timed out */
		fail.sf_step = SBX_STEP_EXEC;
		fail.sf_errno = ETIMEDOUT;
	}
	exec_start_failed(ex, c, &fail);
	return -1;
}

/*
 * The child (pid 1 of its namespace, so everything it started is gone
 * too) ended: reap, release its cgroups, report, start the next one.
 * nohang: from the event loop; 0: wait for a child we just killed.
 */
void
exec_child_reap(struct exec *ex, struct exec_child *c, int nohang)
{
	struct msg_exec_done	ed;
	siginfo_t		si;
	uint32_t		sbx;
	int			ran;

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
	ran = exec_child_unstarted(ex, c) == 0;
	memset(&ed, 0, sizeof(ed));
	ed.ed_usec = exec_usec_since(&c->ec_start);
	epoll_ctl(ex->ex_epfd, EPOLL_CTL_DEL, c->ec_sch.sch_pidfd, NULL);
	sbx = sandbox_release(&ex->ex_sb, &c->ec_sch);
	ed.ed_flags = (sbx & SBX_DONE_OOM ? MSG_DONE_F_OOM : 0) |
	    (sbx & SBX_DONE_PIDS ? MSG_DONE_F_PIDS : 0);
	c->ec_sch.sch_pidfd = -1;
	if (ran) {
		exec_done_from(ex, c, &si, &ed);
		exec_send(ex, MSG_EXEC_DONE, c->ec_reqid, &ed, sizeof(ed));
		exec_log_outcome(ex, c, &ed);
		exec_metrics_ended(ex, c, &ed);
	}
	exec_child_free(ex, c);
	exec_queue_run(ex);
}

void
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

void
exec_child_timeout(struct exec *ex, struct exec_child *c)
{
	uint64_t	ticks;

	if (read(c->ec_timerfd, &ticks, sizeof(ticks)) != sizeof(ticks))
		return;
	if (c->ec_started == 0)
		exec_child_kill(ex, c, MSG_END_TIMEOUT, "did not start in time");
	else
		exec_child_kill(ex, c, MSG_END_TIMEOUT, "timeout");
}
