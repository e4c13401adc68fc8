/* SPDX-License-Identifier: ISC */
/*
 * parent.c: the root process.  Opens the listening sockets and the
 * logs, starts the front and the executor, then only supervises them and
 * writes the log lines they send: a role that fails by itself before both
 * said they are ready fails the start (exit 1); otherwise both restart.
 * It never reads a byte from the network.  Trusts neither child: their
 * messages are validated like any input.  Rootless, it is the user who
 * started it, in no namespace of its own.
 */
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "config_load.h"
#include "daemon.h"
#include "log.h"
#include "msg.h"
#include "parent_priv.h"
#include "proc.h"
#include "userdir.h"

#define PARENT_BACKOFF_MAX_MS	5000
#define PARENT_RETIRED_MAX	16	/* old generations still draining */
/* after a failed first start, the other role gets this long to stop */
#define PARENT_START_FAIL_MS	2000
#define PARENT_REASON_MAX	512

struct parent_child {
	enum proc_role	 pc_role;
	pid_t		 pc_pid;	/* 0 = not running */
	pid_t		 pc_logpid;	/* its lines', even after its end */
	int		 pc_chan;	/* our end of the channel, -1 */
	int		 pc_ready;	/* MSG_READY came */
	int		 pc_killed;	/* by us (SIGKILL) */
	/* its last error line of the first start: why it did not start */
	char		 pc_reason[PARENT_REASON_MAX];
};

struct parent {
	struct config		*p_cfg;
	char			**p_argv;
	int			 p_exe_fd;
	int			 p_config_fd;
	struct parent_listen	 p_lis;
	int			 p_keys_fd;	/* the front's: keys.c */
	struct parent_metrics	 p_mx;		/* its listener, its counters */
	int			 p_epfd;
	int			 p_sigfd;
	int			 p_timerfd;
	struct parent_child	 p_front;
	struct parent_child	 p_exec;
	struct parent_child	 p_retired[PARENT_RETIRED_MAX];
	int			 p_stopping;
	int			 p_started;	/* both roles were ready once */
	int			 p_reloading;	/* READY=1 when the new pair is */
	int			 p_exit;	/* parent_main()'s status */
	enum proc_role		 p_first_dead;	/* of a failed start */
	char			 p_fail[PARENT_REASON_MAX + 64];
	int			 p_restart_pending;
	unsigned		 p_backoff_ms;
	struct timespec		 p_last_start;
};

static int	parent_dispatch_child(struct parent *, struct parent_child *);
static void	parent_stop(struct parent *);

static int
parent_config_memfd(const char *text, size_t len)
{
	int	fd;

	fd = memfd_create("cgijail.conf", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (fd == -1)
		return -1;
	if (write(fd, text, len) != (ssize_t)len ||
	    fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE | F_SEAL_SHRINK |
	    F_SEAL_GROW | F_SEAL_SEAL) == -1) {
		close(fd);
		return -1;
	}
	return fd;
}

static int
parent_park(int fd)
{
	int	nfd;

	if ((nfd = fcntl(fd, F_DUPFD_CLOEXEC, PARENT_FD_PARK)) == -1)
		fatal("fcntl");
	close(fd);
	return nfd;
}

static void
parent_watch(struct parent *p, int fd)
{
	struct epoll_event	ev = { .events = EPOLLIN, .data.fd = fd };

	if (epoll_ctl(p->p_epfd, EPOLL_CTL_ADD, fd, &ev) == -1)
		fatal("epoll_ctl");
}

/* start executor and front with fresh channels */
static void
parent_start_children(struct parent *p)
{
	int	pf[2], pe[2], fe[2];
	int	lfds[PARENT_LISTEN_MAX + 1];
	size_t	i, n;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pf) == -1 ||
	    socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pe) == -1 ||
	    socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, fe) == -1)
		fatal("socketpair");
	for (i = 0; i < 2; i++) {
		pf[i] = parent_park(pf[i]);
		pe[i] = parent_park(pe[i]);
		fe[i] = parent_park(fe[i]);
	}
	for (n = 0; n < p->p_lis.pl_n; n++)
		lfds[n] = p->p_lis.pl_fd[n];
	/* the front tells it from the others by the configuration's address */
	if (p->p_mx.pm_fd != -1)
		lfds[n++] = p->p_mx.pm_fd;

	p->p_exec.pc_pid = proc_start_role(p->p_exe_fd, PROC_EXECUTOR,
	    p->p_argv, pe[1], fe[1], p->p_config_fd, -1, NULL, 0);
	if (p->p_exec.pc_pid == -1)
		fatal("start executor");
	p->p_front.pc_pid = proc_start_role(p->p_exe_fd, PROC_FRONT,
	    p->p_argv, pf[1], fe[0], p->p_config_fd, p->p_keys_fd, lfds, n);
	if (p->p_front.pc_pid == -1)
		fatal("start front");
	close(pf[1]);
	close(pe[1]);
	close(fe[0]);
	close(fe[1]);
	p->p_front.pc_chan = pf[0];
	p->p_exec.pc_chan = pe[0];
	p->p_front.pc_logpid = p->p_front.pc_pid;
	p->p_exec.pc_logpid = p->p_exec.pc_pid;
	p->p_front.pc_ready = p->p_exec.pc_ready = 0;
	p->p_front.pc_killed = p->p_exec.pc_killed = 0;
	p->p_front.pc_reason[0] = p->p_exec.pc_reason[0] = '\0';
	fcntl(pf[0], F_SETFL, O_NONBLOCK);
	fcntl(pe[0], F_SETFL, O_NONBLOCK);
	parent_watch(p, pf[0]);
	parent_watch(p, pe[0]);
	parent_metrics_send(&p->p_mx, pf[0]);
	clock_gettime(CLOCK_MONOTONIC, &p->p_last_start);
	log_debug("started executor %d, front %d", (int)p->p_exec.pc_pid,
	    (int)p->p_front.pc_pid);
}

/* its end is then ours: never a failed start, whatever it was doing */
static void
parent_kill(struct parent_child *c)
{
	if (c->pc_pid > 0) {
		(void)kill(c->pc_pid, SIGKILL);
		c->pc_killed = 1;
	}
}

static void
parent_close_chan(struct parent *p, struct parent_child *c)
{
	if (c->pc_chan != -1) {
		epoll_ctl(p->p_epfd, EPOLL_CTL_DEL, c->pc_chan, NULL);
		close(c->pc_chan);
		c->pc_chan = -1;
	}
}

static void
parent_arm_timer(struct parent *p, unsigned ms)
{
	struct itimerspec	its;

	memset(&its, 0, sizeof(its));
	its.it_value.tv_sec = ms / 1000;
	its.it_value.tv_nsec = (long)(ms % 1000) * 1000000 + 1;
	timerfd_settime(p->p_timerfd, 0, &its, NULL);
}

/*
 * A role ended before both were ready: the daemon did not start.  The
 * same configuration on the same host would fail the same way, so there
 * is no second try: the other role is stopped, and the parent exits 1
 * with the reason (parent_say_start_failed(), once both are gone).
 */
static void
parent_start_failed(struct parent *p, struct parent_child *c, int status)
{
	if (c->pc_reason[0] == '\0')
		(void)snprintf(c->pc_reason, sizeof(c->pc_reason),
		    WIFSIGNALED(status) ? "killed by signal %d" :
		    "exited with status %d", WIFSIGNALED(status) ?
		    WTERMSIG(status) : WEXITSTATUS(status));
	p->p_exit = 1;
	p->p_first_dead = c->pc_role;
	parent_stop(p);
	parent_arm_timer(p, PARENT_START_FAIL_MS);
}

/*
 * The reason: the last error of a role that never got ready (the other
 * one often only saw its peer go), else of the one that ended first.
 */
static void
parent_say_start_failed(struct parent *p)
{
	struct parent_child	*c = NULL;

	if (!p->p_exec.pc_ready && p->p_exec.pc_reason[0] != '\0')
		c = &p->p_exec;
	else if (!p->p_front.pc_ready && p->p_front.pc_reason[0] != '\0')
		c = &p->p_front;
	else
		c = p->p_first_dead == PROC_FRONT ? &p->p_front : &p->p_exec;
	(void)snprintf(p->p_fail, sizeof(p->p_fail), "not started: the %s "
	    "failed at its start%s%s", proc_role_name(c->pc_role),
	    c->pc_reason[0] != '\0' ? ": " : "", c->pc_reason);
	log_line_fmt(LOG_LVL_ERR, "%s", p->p_fail);
	parent_notify("STATUS=%s", p->p_fail);
	/* that went to the error log: say it where cgijail was started */
	if (p->p_cfg->cf_error_log[0] != '\0')
		fprintf(stderr, "cgijail: %s\n", p->p_fail);
}

/*
 * Did the role end by itself: an exit, or a fault of its own (a seccomp
 * violation, a crash)?  Any other signal came from outside (an operator,
 * the OOM killer) and ends a start no more than it ends a running role.
 */
static int
parent_own_end(int status)
{
	if (!WIFSIGNALED(status))
		return 1;
	switch (WTERMSIG(status)) {
	case SIGSYS:
	case SIGSEGV:
	case SIGBUS:
	case SIGILL:
	case SIGFPE:
	case SIGABRT:
	case SIGTRAP:
		return 1;
	default:
		return 0;
	}
}

/*
 * One child died: the pair is restarted together, with backoff, or, if
 * they never were both ready, the start has failed.
 */
static void
parent_child_died(struct parent *p, struct parent_child *c, int status)
{
	struct parent_child	*other;
	struct timespec		 now;
	long			 up_ms;
	pid_t			 pid = c->pc_pid;

	/* its last lines first: they say why (the pid is reaped: no kill) */
	c->pc_pid = 0;
	while (c->pc_chan != -1 && parent_dispatch_child(p, c) == 1)
		;
	if (WIFSIGNALED(status))
		log_warnx("%s (pid %d) killed by signal %d%s",
		    proc_role_name(c->pc_role), (int)pid,
		    WTERMSIG(status), WTERMSIG(status) == SIGSYS ?
		    " (SIGSYS: a system call outside its seccomp filter)" : "");
	else if (WEXITSTATUS(status) != 0 || !p->p_stopping)
		log_warnx("%s (pid %d) exited with status %d",
		    proc_role_name(c->pc_role), (int)pid,
		    WEXITSTATUS(status));
	parent_close_chan(p, c);
	if (p->p_stopping)
		return;
	/*
	 * Before its MSG_READY a role only ends by failing (it looks at its
	 * peer only afterwards), unless we or someone else killed it.
	 */
	if (!p->p_started && !c->pc_ready && !c->pc_killed &&
	    parent_own_end(status)) {
		parent_start_failed(p, c, status);
		return;
	}
	other = c == &p->p_front ? &p->p_exec : &p->p_front;
	if (other->pc_pid > 0) {
		/*
		 * The other one sees its peer channel close and exits by
		 * itself, after killing its scripts and removing their
		 * cgroups; SIGKILL only if it has not within 2 s.
		 */
		p->p_restart_pending = 1;
		parent_arm_timer(p, 2000);
		return;
	}
	clock_gettime(CLOCK_MONOTONIC, &now);
	up_ms = (now.tv_sec - p->p_last_start.tv_sec) * 1000 +
	    (now.tv_nsec - p->p_last_start.tv_nsec) / 1000000;
	if (up_ms > 10000)
		p->p_backoff_ms = 0;
	else
		p->p_backoff_ms = p->p_backoff_ms ?
		    p->p_backoff_ms * 2 : 100;
	if (p->p_backoff_ms > PARENT_BACKOFF_MAX_MS)
		p->p_backoff_ms = PARENT_BACKOFF_MAX_MS;
	log_info("restarting front and executor in %u ms", p->p_backoff_ms);
	p->p_restart_pending = 1;
	parent_arm_timer(p, p->p_backoff_ms);
}

static void
parent_reap_retired(struct parent *p, pid_t pid)
{
	size_t	i;

	for (i = 0; i < PARENT_RETIRED_MAX; i++)
		if (p->p_retired[i].pc_pid == pid) {
			log_debug("retired %s %d is done",
			    proc_role_name(p->p_retired[i].pc_role), (int)pid);
			p->p_retired[i].pc_pid = 0;
			parent_close_chan(p, &p->p_retired[i]);
		}
}

/*
 * Everything that ended, then what it means.  A role that was never
 * ready goes first: the other one may only have lost its peer.
 */
static void
parent_reap(struct parent *p)
{
	struct parent_child	*role[2] = { &p->p_front, &p->p_exec };
	int			 status[2], dead[2] = { 0, 0 }, st, first, k;
	size_t			 i;
	pid_t			 pid;

	while ((pid = waitpid(-1, &st, WNOHANG)) > 0) {
		for (i = 0; i < 2; i++)
			if (pid == role[i]->pc_pid) {
				dead[i] = 1;
				status[i] = st;
			}
		parent_reap_retired(p, pid);
	}
	first = dead[1] && !role[1]->pc_ready;
	for (i = 0; i < 2; i++) {
		k = i == 0 ? first : !first;
		if (dead[k])
			parent_child_died(p, role[k], status[k]);
	}
}

static int
parent_retired_alive(const struct parent *p)
{
	size_t	i;

	for (i = 0; i < PARENT_RETIRED_MAX; i++)
		if (p->p_retired[i].pc_pid > 0)
			return 1;
	return 0;
}

/* the running pair drains with the old configuration, then exits */
static int
parent_retire(struct parent *p, struct parent_child *c)
{
	struct msg_shutdown	ms = { .ms_grace_ms = DAEMON_GRACE_MS };
	size_t			i;

	if (c->pc_pid == 0)
		return 0;
	for (i = 0; i < PARENT_RETIRED_MAX; i++)
		if (p->p_retired[i].pc_pid == 0)
			break;
	if (i == PARENT_RETIRED_MAX)
		return -1;
	if (c->pc_chan != -1)
		msg_send(c->pc_chan, MSG_SHUTDOWN, 0, &ms, sizeof(ms), NULL, 0);
	p->p_retired[i] = *c;
	c->pc_pid = 0;
	c->pc_chan = -1;
	return 0;
}

/*
 * SIGHUP: a new configuration gets a new front and executor; the old ones
 * finish what they have.  A broken file changes nothing (-1).
 */
static int
parent_reload_apply(struct parent *p)
{
	struct config	*ncfg;
	char		 err[CONFIG_ERR_MAX], *text;
	size_t		 len;
	int		 fd, kfd = -1;

	if ((ncfg = calloc(1, sizeof(*ncfg))) == NULL)
		return -1;
	text = NULL;
	if (config_load_reload(ncfg, &text, &len, err, sizeof(err)) == -1 ||
	    parent_check_landlock(ncfg, err, sizeof(err)) == -1 ||
	    parent_check_uids(ncfg, p->p_cfg, err, sizeof(err)) == -1 ||
	    parent_metrics_reload_check(&p->p_mx, ncfg, err,
	    sizeof(err)) == -1 ||
	    (kfd = parent_keys_seal(ncfg, p->p_lis.pl_opts, p->p_lis.pl_n, err,
	    sizeof(err))) == -1) {
		log_warnx("reload failed, still serving the previous "
		    "configuration: %s", err);
		free(text);
		userdir_free(ncfg->cf_userdir_table);
		free(ncfg);
		return -1;
	}
	fd = parent_config_memfd(text, len);
	free(text);
	if (fd == -1 || p->p_front.pc_pid == 0 || p->p_exec.pc_pid == 0 ||
	    parent_retire(p, &p->p_front) == -1 ||
	    parent_retire(p, &p->p_exec) == -1) {
		log_warnx("reload not possible now, try again");
		if (fd != -1)
			close(fd);
		close(kfd);
		userdir_free(ncfg->cf_userdir_table);
		free(ncfg);
		return -1;
	}
	if (!parent_same_listen(p->p_cfg, ncfg))
		log_warnx("reload: listen addresses and options change only "
		    "on a restart");
	close(p->p_keys_fd);
	p->p_keys_fd = parent_park(kfd);
	if (log_open_files(ncfg->cf_access_log, ncfg->cf_access_syslog,
	    ncfg->cf_error_log, ncfg->cf_error_syslog) == -1)
		log_warn("reload: log files");
	close(p->p_config_fd);
	p->p_config_fd = parent_park(fd);
	userdir_free(p->p_cfg->cf_userdir_table);
	free(p->p_cfg);
	p->p_cfg = ncfg;
	p->p_mx.pm_counts.mp_reloads++;
	parent_start_children(p);
	log_info("configuration reloaded");
	parent_log_userdir(ncfg);
	return 0;
}

/* systemd hears RELOADING=1, then READY=1 once the new pair serves */
static void
parent_reload(struct parent *p)
{
	parent_notify_reloading();
	if (parent_reload_apply(p) == -1) {
		parent_notify("READY=1");
		p->p_mx.pm_counts.mp_reload_failures++;
		parent_metrics_send(&p->p_mx, p->p_front.pc_chan);
	} else
		p->p_reloading = 1;
}

static void
parent_stop(struct parent *p)
{
	struct msg_shutdown	ms = { .ms_grace_ms = DAEMON_GRACE_MS };
	size_t			i;

	if (p->p_stopping)
		return;
	p->p_stopping = 1;
	p->p_restart_pending = 0;
	log_info("stopping");
	parent_notify("STOPPING=1");
	parent_listen_close(&p->p_lis);
	parent_metrics_close(&p->p_mx);
	if (p->p_front.pc_chan != -1)
		msg_send(p->p_front.pc_chan, MSG_SHUTDOWN, 0, &ms, sizeof(ms),
		    NULL, 0);
	if (p->p_exec.pc_chan != -1)
		msg_send(p->p_exec.pc_chan, MSG_SHUTDOWN, 0, &ms, sizeof(ms),
		    NULL, 0);
	for (i = 0; i < PARENT_RETIRED_MAX; i++)
		if (p->p_retired[i].pc_chan != -1)
			msg_send(p->p_retired[i].pc_chan, MSG_SHUTDOWN, 0,
			    &ms, sizeof(ms), NULL, 0);
	/* a last deadline after which nothing is waited for */
	parent_arm_timer(p, DAEMON_GRACE_MS + 500);
}

static void
parent_dispatch_signal(struct parent *p)
{
	struct signalfd_siginfo	si;

	while (read(p->p_sigfd, &si, sizeof(si)) == sizeof(si)) {
		switch (si.ssi_signo) {
		case SIGTERM:
		case SIGINT:
			parent_stop(p);
			break;
		case SIGUSR1:
			log_reopen();
			break;
		case SIGHUP:
			if (!p->p_stopping)
				parent_reload(p);
			break;
		case SIGCHLD:
			parent_reap(p);
			break;
		}
	}
}

/* MSG_READY, once per role: the first time both are, the daemon runs */
static int
parent_child_ready(struct parent *p, struct parent_child *c)
{
	if (c->pc_ready)
		return -1;
	c->pc_ready = 1;
	log_debug("%s ready", proc_role_name(c->pc_role));
	if (!p->p_front.pc_ready || !p->p_exec.pc_ready)
		return 0;
	if (!p->p_started) {
		p->p_started = 1;
		log_debug("started");
		parent_notify("READY=1");
	} else if (p->p_reloading) {
		p->p_reloading = 0;
		parent_notify("READY=1");
	}
	return 0;
}

/*
 * What a child sent, up to 64 messages: 1 if more may wait, else 0.  A
 * child that broke the protocol or went away is killed, then restarted.
 */
static int
parent_dispatch_child(struct parent *p, struct parent_child *c)
{
	struct msg_hdr		 hdr;
	union {
		struct msg_log		log;
		struct msg_access	acc;
		char			buf[MSG_PAYLOAD_MAX];
	}			 pl;
	const char		*why = NULL;
	int			 fds[MSG_FDS_MAX], nfds, rc, n;

	for (n = 0; n < 64; n++) {
		rc = msg_recv_checked(c->pc_chan, c->pc_role, &hdr, &pl, fds,
		    &nfds, &why);
		if (rc == -1 && (errno == EAGAIN || errno == EINTR))
			return 0;
		if (rc == 1 && hdr.mh_type == MSG_READY &&
		    parent_child_ready(p, c) == -1) {
			rc = -2;
			why = "MSG_READY twice";
		}
		if (rc <= 0) {
			if (rc == -2)
				log_warnx("protocol violation from %s: %s",
				    proc_role_name(c->pc_role), why);
			parent_close_chan(p, c);
			/* at EOF it is leaving: no wait, and not our doing */
			if (rc == 0 && c->pc_pid > 0)
				(void)kill(c->pc_pid, SIGKILL);
			else
				parent_kill(c);
			return 0;
		}
		if (hdr.mh_type == MSG_LOG && pl.log.ml_level == LOG_LVL_ERR &&
		    !p->p_started && (c == &p->p_front || c == &p->p_exec))
			(void)strlcpy(c->pc_reason, pl.log.ml_text,
			    sizeof(c->pc_reason));
		if (hdr.mh_type == MSG_LOG)
			log_emit(pl.log.ml_level, proc_role_name(c->pc_role),
			    (long)c->pc_logpid, hdr.mh_reqid, pl.log.ml_text);
		else if (hdr.mh_type == MSG_ACCESS)
			log_emit_access(pl.acc.ma_lines, pl.acc.ma_len,
			    (long)c->pc_logpid);
	}
	return 1;
}

static void
parent_dispatch_retired(struct parent *p, int fd)
{
	size_t	i;

	for (i = 0; i < PARENT_RETIRED_MAX; i++)
		if (p->p_retired[i].pc_chan == fd && fd != -1) {
			(void)parent_dispatch_child(p, &p->p_retired[i]);
			return;
		}
}

static void
parent_dispatch_timer(struct parent *p)
{
	uint64_t	ticks;
	size_t		i;

	if (read(p->p_timerfd, &ticks, sizeof(ticks)) != sizeof(ticks))
		return;
	if (p->p_stopping) {
		parent_kill(&p->p_front);
		parent_kill(&p->p_exec);
		for (i = 0; i < PARENT_RETIRED_MAX; i++)
			parent_kill(&p->p_retired[i]);
		return;
	}
	if (!p->p_restart_pending)
		return;
	if (p->p_front.pc_pid == 0 && p->p_exec.pc_pid == 0) {
		p->p_restart_pending = 0;
		p->p_mx.pm_counts.mp_restarts++;
		parent_start_children(p);
		return;
	}
	parent_kill(&p->p_front);
	parent_kill(&p->p_exec);
}

static void
parent_setup_events(struct parent *p)
{
	sigset_t	mask;

	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGHUP);
	sigaddset(&mask, SIGUSR1);
	sigaddset(&mask, SIGCHLD);
	if (sigprocmask(SIG_BLOCK, &mask, NULL) == -1)
		fatal("sigprocmask");
	signal(SIGPIPE, SIG_IGN);
	if ((p->p_sigfd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC)) ==
	    -1 || (p->p_epfd = epoll_create1(EPOLL_CLOEXEC)) == -1 ||
	    (p->p_timerfd = timerfd_create(CLOCK_MONOTONIC,
	    TFD_NONBLOCK | TFD_CLOEXEC)) == -1)
		fatal("parent events");
	parent_watch(p, p->p_sigfd);
	parent_watch(p, p->p_timerfd);
}

static void
parent_loop(struct parent *p)
{
	struct epoll_event	evs[8];
	int			i, n;

	while (!p->p_stopping || p->p_front.pc_pid > 0 ||
	    p->p_exec.pc_pid > 0 || parent_retired_alive(p)) {
		n = epoll_wait(p->p_epfd, evs, 8, -1);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			fatal("epoll_wait");
		for (i = 0; i < n; i++) {
			int fd = evs[i].data.fd;

			if (fd == p->p_sigfd)
				parent_dispatch_signal(p);
			else if (fd == p->p_timerfd)
				parent_dispatch_timer(p);
			else if (fd == p->p_front.pc_chan)
				(void)parent_dispatch_child(p, &p->p_front);
			else if (fd == p->p_exec.pc_chan)
				(void)parent_dispatch_child(p, &p->p_exec);
			else
				parent_dispatch_retired(p, fd);
		}
	}
}

int
parent_main(struct config *cfg, char **argv, const char *text, size_t len)
{
	struct parent	p;
	char		err[CONFIG_ERR_MAX];
	size_t		i;

	memset(&p, 0, sizeof(p));
	p.p_cfg = cfg;
	p.p_argv = argv;
	p.p_front.pc_role = PROC_FRONT;
	p.p_exec.pc_role = PROC_EXECUTOR;
	p.p_front.pc_chan = p.p_exec.pc_chan = -1;
	for (i = 0; i < PARENT_RETIRED_MAX; i++) {
		p.p_retired[i].pc_role = PROC_FRONT;
		p.p_retired[i].pc_chan = -1;
	}
	if (log_open_files(cfg->cf_access_log, cfg->cf_access_syslog,
	    cfg->cf_error_log, cfg->cf_error_syslog) == -1) {
		fprintf(stderr, "cgijail: access-log %s, error-log %s: %s\n",
		    cfg->cf_access_log[0] ? cfg->cf_access_log : "stderr",
		    cfg->cf_error_log[0] ? cfg->cf_error_log : "stderr",
		    strerror(errno));
		return 1;
	}
	parent_notify_init();
	if (parent_check_rootless(cfg, err, sizeof(err)) == -1 ||
	    parent_check_landlock(cfg, err, sizeof(err)) == -1 ||
	    parent_check_uids(cfg, NULL, err, sizeof(err)) == -1 ||
	    parent_listen_open(cfg, &p.p_lis, err, sizeof(err)) == -1 ||
	    parent_metrics_open(cfg, &p.p_lis, &p.p_mx, err, sizeof(err)) ==
	    -1 ||
	    (p.p_keys_fd = parent_keys_seal(cfg, p.p_lis.pl_opts,
	    p.p_lis.pl_n, err, sizeof(err))) == -1) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	if ((p.p_exe_fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC)) ==
	    -1 || (p.p_config_fd = parent_config_memfd(text, len)) == -1) {
		fprintf(stderr, "cgijail: %s\n", strerror(errno));
		return 1;
	}
	p.p_exe_fd = parent_park(p.p_exe_fd);
	p.p_config_fd = parent_park(p.p_config_fd);
	p.p_keys_fd = parent_park(p.p_keys_fd);
	for (i = 0; i < p.p_lis.pl_n; i++)
		p.p_lis.pl_fd[i] = parent_park(p.p_lis.pl_fd[i]);
	if (p.p_mx.pm_fd != -1)
		p.p_mx.pm_fd = parent_park(p.p_mx.pm_fd);
	/* orphans of our children are ours to reap, never init's */
	prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
	parent_setup_events(&p);
	parent_log_serving(cfg, &p.p_lis);
	parent_log_userdir(cfg);
	parent_metrics_log(&p.p_mx);
	parent_start_children(&p);
	parent_loop(&p);
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
	if (p.p_exit != 0)
		parent_say_start_failed(&p);
	log_info("stopped");
	return p.p_exit;
}
