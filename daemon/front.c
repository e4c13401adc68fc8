/* SPDX-License-Identifier: ISC */
/*
 * front.c: the front role.  The only process that reads client bytes:
 * unprivileged, no capabilities, its whole file system the document root
 * (read-only, landlocked), under its own seccomp filter.  Setup, then one
 * epoll loop: accept (a PROXY header first from a trusted balancer, a
 * TLS handshake on a tls listener), read and parse requests for
 * front_route.c, timeouts, dispatch of every event; a connection's own
 * services are front_conn.c's.  Trusts no client.
 */
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/timerfd.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "confine.h"
#include "daemon.h"
#include "front.h"
#include "log.h"
#include "mime.h"
#include "msg.h"
#include "proc.h"
#include "static.h"

#define FRONT_LISTEN_MAX	(32 + 1)	/* and the metrics listener */
#define FRONT_EVENTS		64

struct config		*front_cfg;
int			 front_docroot_fd = -1;
static struct front_ev	 front_listen[FRONT_LISTEN_MAX];
static unsigned		 front_listen_opts[FRONT_LISTEN_MAX];
static int		 front_listen_nodelay[FRONT_LISTEN_MAX];
static size_t		 front_nlisten;
static struct front_ev	 front_parent_ev, front_timer_ev;
static int		 front_listen_paused;
static uint64_t		 front_next_reqid;
static uint64_t		 front_stop_deadline;


static void
front_handle_request(struct front_conn *c)
{
	struct http_request	*r = c->c_req;

	front_shed_track(c, FRONT_SHED_NONE);	/* being served */
	c->c_redirects = 0;	/* local redirects are counted per request */
	c->c_head_only = r->hr_method == HTTP_M_HEAD;
	if (c->c_metrics) {
		front_metrics_serve(c);	/* never a document or a script */
		return;
	}
	if (r->hr_method == HTTP_M_UNKNOWN || r->hr_method == HTTP_M_CONNECT) {
		front_error(c, 501);
		return;
	}
	if (r->hr_content_length > 0 &&
	    (uint64_t)r->hr_content_length > front_cfg->cf_max_body_bytes) {
		front_error(c, 413);
		return;
	}
	if (front_auth_request(c) != 0)
		return;		/* answered, or the verifier is asked */
	front_route(c, r->hr_path, r->hr_query, 0);
}

static void
front_process(struct front_conn *c)
{
	int	rc;

	c->c_in_process = 1;
	while (!c->c_dead && c->c_state == FRONT_S_HEAD && c->c_inlen > 0) {
		if (!c->c_head_started) {
			/* its id from its first byte: refusals have one too */
			c->c_head_started = 1;
			c->c_reqid = ++front_next_reqid;
			front_shed_track(c, FRONT_SHED_HEAD);
			c->c_start_us = front_now_us();
			c->c_deadline_ms = front_now_ms() +
			    FRONT_HEAD_TIMEOUT_MS;
		}
		if (c->c_proxy_sniff && front_proxy_sniff(c) != 0)
			break;
		rc = http_parse_request(c->c_req, c->c_in, c->c_inlen);
		if (rc == 0) {
			if (c->c_inlen >= FRONT_IN_MAX)
				front_error(c, 431);
			break;
		}
		if (rc < 0) {
			c->c_close_after = 1;
			front_error(c, -rc);
			break;
		}
		memmove(c->c_in, c->c_in + rc, c->c_inlen - (size_t)rc);
		c->c_inlen -= (size_t)rc;
		front_handle_request(c);
	}
	c->c_in_process = 0;
}

static void
front_client_readable(struct front_conn *c)
{
	char	drop[4096];
	ssize_t	n;

	if (c->c_state == FRONT_S_DISCARD) {
		n = recv(c->c_ev.fe_fd, drop, sizeof(drop), 0);
		if (n == 0 || (n == -1 && errno != EAGAIN && errno != EINTR))
			front_conn_close(c);
		else if (n > 0)
			front_metrics_in(c, (size_t)n);
		return;
	}
	if (c->c_state == FRONT_S_CGI) {
		front_cgi_client_readable(c);
		return;
	}
	if (c->c_state != FRONT_S_HEAD || c->c_inlen >= FRONT_IN_MAX) {
		/* pipelined bytes wait; do not spin on them */
		front_ev_set(&c->c_ev, c->c_state == FRONT_S_RESPOND ?
		    EPOLLOUT : 0);
		return;
	}
	if (front_conn_recv(c) > 0)
		front_process(c);
}

/* what the connection layer calls back up for */
static const struct front_conn_ops front_client_ops = {
	.co_next_request = front_process,
	.co_output_drained = front_cgi_output_drained,
	.co_relay_close = front_cgi_abort,
};

/*
 * A new connection's state, listed; NULL without memory.  TCP_NODELAY
 * comes with the socket from a listener that has it (front_setup); its
 * local address is asked for only when a script needs it.
 */
static struct front_conn *
front_conn_new(int fd, const struct sockaddr_storage *ss, int nodelay)
{
	struct front_conn	*c;
	int			 one = 1;

	/* its request's buffers come with the request's first byte */
	if ((c = calloc(1, sizeof(*c))) == NULL)
		return NULL;
	if (!nodelay)
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	c->c_ev = (struct front_ev){ .fe_kind = FRONT_EV_CLIENT, .fe_fd = fd,
	    .fe_conn = c };
	c->c_file_fd = -1;
	c->c_ops = &front_client_ops;
	front_conn_addr(ss, c->c_peer_addr, sizeof(c->c_peer_addr),
	    &c->c_peer_port);
	front_conn_add(c);
	return c;
}

/* out of descriptors with nothing to shed: wait for the next tick */
static void
front_listen_pause(void)
{
	size_t	i;

	for (i = 0; i < front_nlisten; i++)
		front_ev_set(&front_listen[i], 0);
	front_listen_paused = 1;
}

/*
 * Its listener's options: a PROXY header first from a trusted sender (one
 * from any other is refused), then TLS or the request.  Both are bounded
 * by the head timeout.
 */
static void
front_conn_start(struct front_conn *c, unsigned opts,
    const struct sockaddr_storage *ss)
{
	c->c_listen_opts = opts;
	if ((opts & CONFIG_LISTEN_PROXY) && front_proxy_trusted(ss)) {
		c->c_state = FRONT_S_PROXY;
		if (front_ev_set(&c->c_ev, EPOLLIN) == -1)
			front_conn_close(c);
		return;
	}
	c->c_proxy_sniff = (opts & CONFIG_LISTEN_PROXY) != 0;
	if (opts & CONFIG_LISTEN_TLS) {
		front_conn_open(c);
		return;
	}
	if (front_conn_first_recv(c) > 0)
		front_process(c);
	if (!c->c_dead && front_ev_commit(&c->c_ev) == -1)
		front_conn_close(c);
}

/*
 * Every connection is accepted; a limit reached sheds another one
 * (front_shed.c).  Only with nothing to shed is the new one closed.
 */
static void
front_accept(struct front_ev *lev)
{
	struct sockaddr_storage	 ss;
	socklen_t		 len;
	struct front_conn	*c;
	int			 fd, i, rc;
	/* a scrape neither sheds a client nor is shed (front_metrics.c) */
	int			 scrape = lev->fe_fd == front_metrics_fd;

	for (i = 0; i < 64; i++) {
		len = sizeof(ss);
		fd = accept4(lev->fe_fd, (struct sockaddr *)&ss, &len,
		    SOCK_NONBLOCK | SOCK_CLOEXEC);
		/* the kept files' descriptors go before any client */
		if (fd == -1 && (errno == EMFILE || errno == ENFILE) &&
		    !scrape && (static_cache_clear() > 0 || front_shed_one()))
			continue;
		if (fd == -1) {
			if (errno == EMFILE || errno == ENFILE ||
			    errno == ENOBUFS || errno == ENOMEM)
				front_listen_pause();
			return;
		}
		if ((c = front_conn_new(fd, &ss,
		    front_listen_nodelay[lev - front_listen])) == NULL) {
			close(fd);
			continue;
		}
		if (scrape)
			rc = front_metrics_admit(c);
		else {
			front_mx.fm_accepted++;
			rc = front_shed_admit(c, &ss);
		}
		if (rc == -1) {
			front_conn_close(c);
			continue;
		}
		c->c_deadline_ms = front_now_ms() + FRONT_HEAD_TIMEOUT_MS;
		front_conn_start(c, front_listen_opts[lev - front_listen], &ss);
	}
}

static void
front_timeouts(void)
{
	struct front_conn	*c, *next;
	uint64_t		 now = front_now_ms(), ticks;
	size_t			 i;

	if (read(front_timer_ev.fe_fd, &ticks, sizeof(ticks)) == -1 &&
	    errno != EAGAIN)
		fatal("timerfd");
	front_shed_tick();
	if (front_listen_paused && !front_stopping) {
		front_listen_paused = 0;
		for (i = 0; i < front_nlisten; i++)
			front_ev_set(&front_listen[i], EPOLLIN);
	}
	for (c = front_conns; c != NULL; c = next) {
		next = c->c_next;
		if (c->c_deadline_ms == 0 || now < c->c_deadline_ms)
			continue;
		if (c->c_state == FRONT_S_HEAD && c->c_inlen > 0) {
			c->c_deadline_ms = 0;
			front_error(c, 408);
		} else if (c->c_state == FRONT_S_CGI && c->c_cgi != NULL &&
		    c->c_cgi->fc_awaiting)
			front_cgi_body_timeout(c);
		else if (c->c_state == FRONT_S_CGI && c->c_cgi != NULL &&
		    !c->c_cgi->fc_collecting && c->c_outlen == c->c_outoff)
			front_cgi_deadline(c);	/* the relay's own clock */
		else
			front_conn_close(c);
	}
	if (front_stopping && (front_nconns == 0 ||
	    now >= front_stop_deadline))
		exit(0);
}

/*
 * Bytes the client has sent that the front has not read: a request under
 * way.  Closing the socket over them would reset the connection, and the
 * client would have neither its answer nor a clean close to retry on.
 */
static int
front_conn_unread(const struct front_conn *c)
{
	char	 b;

	return front_tls_unread(c) ||
	    recv(c->c_ev.fe_fd, &b, 1, MSG_PEEK | MSG_DONTWAIT) > 0;
}

static void
front_begin_stop(void)
{
	struct front_conn	*c, *next;
	size_t			 i;

	if (front_stopping)
		return;
	front_stopping = 1;
	front_stop_deadline = front_now_ms() + DAEMON_GRACE_MS;
	for (i = 0; i < front_nlisten; i++)
		front_ev_del(&front_listen[i]);
	/*
	 * Idle keep-alive connections go now (a client retries a request
	 * on a reused connection), unless a request has arrived on one
	 * unread; one just accepted has had no chance to send its request
	 * yet: it gets its answer, or the deadline.
	 */
	for (c = front_conns; c != NULL; c = next) {
		next = c->c_next;
		if (c->c_state == FRONT_S_HEAD && c->c_inlen == 0 &&
		    c->c_served > 0 && !front_conn_unread(c))
			front_conn_close(c);
		else
			c->c_close_after = 1;
	}
	if (front_nconns == 0)
		exit(0);
}

static void
front_dispatch_parent(void)
{
	struct msg_hdr	hdr;
	char		buf[MSG_PAYLOAD_MAX];
	int		fds[MSG_FDS_MAX], nfds, rc;

	rc = proc_recv(front_parent_ev.fe_fd, PROC_PARENT, &hdr, buf, fds,
	    &nfds);
	if (rc == -1 && (errno == EAGAIN || errno == EINTR))
		return;
	if (rc <= 0)
		exit(0);	/* the parent is gone: so are we */
	if (hdr.mh_type == MSG_SHUTDOWN)
		front_begin_stop();
	else if (hdr.mh_type == MSG_METRICS_PARENT)
		front_metrics_from_parent(buf);
}

static void
front_dispatch(struct front_ev *ev, uint32_t events)
{
	struct front_conn	*c = ev->fe_conn;

	if (ev->fe_fd == -1 || (c != NULL && c->c_dead) ||
	    ((ev->fe_kind == FRONT_EV_CGI_IN || ev->fe_kind ==
	    FRONT_EV_CGI_OUT || ev->fe_kind == FRONT_EV_CGI_ERR) &&
	    (c->c_cgi == NULL || (ev != &c->c_cgi->fc_in &&
	    ev != &c->c_cgi->fc_out && ev != &c->c_cgi->fc_err))))
		return;
	switch (ev->fe_kind) {
	case FRONT_EV_LISTEN:
		front_accept(ev);
		break;
	case FRONT_EV_CLIENT:
		if (c->c_state == FRONT_S_PROXY) {
			front_proxy_readable(c);
			break;
		}
		if (c->c_state == FRONT_S_TLS) {
			front_tls_handshake(c);
			break;
		}
		if (c->c_tls != NULL)
			events = front_tls_ready(c, events);
		if (c->c_state == FRONT_S_CGI && c->c_cgi != NULL &&
		    c->c_cgi->fc_body_left == 0 &&
		    (events & (EPOLLRDHUP | EPOLLHUP | EPOLLERR))) {
			front_conn_close(c);	/* client gone: kill script */
			break;
		}
		if (events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR))
			front_client_readable(c);
		if ((events & EPOLLOUT) && !c->c_dead)
			front_flush(c);
		break;
	case FRONT_EV_CGI_IN:
	case FRONT_EV_CGI_OUT:
	case FRONT_EV_CGI_ERR:
		front_cgi_event(c, ev, events);
		break;
	case FRONT_EV_LATE_OUT:
	case FRONT_EV_LATE_ERR:
		front_cgi_late_event(ev, events);
		break;
	case FRONT_EV_EXEC:
		if (events & EPOLLOUT)
			front_exec_writable();
		if (events & (EPOLLIN | EPOLLHUP | EPOLLERR))
			front_cgi_dispatch_exec();
		break;
	case FRONT_EV_PARENT:
		if (events & EPOLLOUT)
			log_flush();
		if (events & (EPOLLIN | EPOLLHUP | EPOLLERR))
			front_dispatch_parent();
		break;
	case FRONT_EV_TIMER:
		front_timeouts();
		break;
	case FRONT_EV_AUTH:
		front_auth_dispatch();
		break;
	}
}

/* every connection needs a descriptor: the soft limit up to the hard one */
static void
front_raise_nofile(void)
{
	struct rlimit	rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &rl) == -1)
			log_warn("RLIMIT_NOFILE");
	}
}

/*
 * Everything that needs root or the host's file system happens here,
 * before the drop: the listening sockets (inherited), mime types, then
 * the front's own root (the document root) and its dirfd, opened after
 * that pivot so that no descriptor reaches above it.
 */
static void
front_setup(struct confine_ident *id)
{
	struct itimerspec	 its = { { 1, 0 }, { 1, 0 } };
	int			 fd, tfd, on;
	socklen_t		 len;
	size_t			 i;

	/* the listening sockets first: they are every fd from 7 upward */
	for (fd = PROC_FD_LISTEN; fcntl(fd, F_GETFD) != -1 &&
	    front_nlisten < FRONT_LISTEN_MAX; fd++) {
		len = sizeof(on);
		if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &on, &len) ==
		    -1 || !on)
			fatalx("fd %d is not a listening socket", fd);
		fcntl(fd, F_SETFD, FD_CLOEXEC);
		/* accepted sockets inherit it: no setsockopt per client */
		on = 1;
		front_listen_nodelay[front_nlisten] = setsockopt(fd,
		    IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on)) == 0;
		if (front_metrics_listener(fd))
			front_metrics_fd = fd;
		front_listen[front_nlisten++] =
		    (struct front_ev){ .fe_kind = FRONT_EV_LISTEN, .fe_fd = fd };
	}
	/* what each of them is, and the TLS keys: read once, then closed */
	front_tls_init(PROC_FD_KEYS, front_listen_opts, FRONT_LISTEN_MAX,
	    &i);
	/* the metrics listener comes last, plain, and has no options */
	if (i != front_nlisten - (front_metrics_fd != -1))
		fatalx("%zu listening sockets, options for %zu", front_nlisten,
		    i);
	/* the parent passes it whenever the configuration has one */
	if (front_cfg->cf_metrics_addr[0] != '\0' && front_metrics_fd == -1)
		fatalx("metrics %s %s: no listener from the parent",
		    front_cfg->cf_metrics_addr, front_cfg->cf_metrics_port);
	front_metrics_init();
	mime_load("/etc/mime.types");
	front_shed_init();
	front_raise_nofile();
	confine_front_root(front_cfg, id);
	front_userdir_init(id->ci_trees, id->ci_ntrees);
	if ((front_docroot_fd = open("/", O_PATH | O_DIRECTORY |
	    O_CLOEXEC)) == -1)
		fatal("document root %s", front_cfg->cf_root);
	static_cache_init(front_docroot_fd);
	if ((front_epfd = epoll_create1(EPOLL_CLOEXEC)) == -1)
		fatal("epoll_create1");
	front_auth_start(id);	/* still root: it confines itself */
	for (i = 0; i < front_nlisten; i++)
		front_ev_set(&front_listen[i], EPOLLIN);
	if ((tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK |
	    TFD_CLOEXEC)) == -1 || timerfd_settime(tfd, 0, &its, NULL) == -1)
		fatal("timerfd");
	front_exec_fd = PROC_FD_PEER;
	fcntl(PROC_FD_PEER, F_SETFL, O_NONBLOCK);
	fcntl(PROC_FD_PARENT, F_SETFL, O_NONBLOCK);
	front_exec_ev = (struct front_ev){ .fe_kind = FRONT_EV_EXEC,
	    .fe_fd = PROC_FD_PEER };
	front_parent_ev = (struct front_ev){ .fe_kind = FRONT_EV_PARENT,
	    .fe_fd = PROC_FD_PARENT };
	front_timer_ev = (struct front_ev){ .fe_kind = FRONT_EV_TIMER,
	    .fe_fd = tfd };
	front_ev_set(&front_exec_ev, EPOLLIN);
	front_ev_set(&front_parent_ev, EPOLLIN);
	front_ev_set(&front_timer_ev, EPOLLIN);
}

void
front_main(struct config *cfg)
{
	struct epoll_event	 evs[FRONT_EVENTS];
	struct confine_ident	 id;
	struct front_conn	*c;
	size_t			 pending;
	int			 i, n;

	front_cfg = cfg;
	prctl(PR_SET_NAME, "cgijail-front", 0, 0, 0);
	prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	signal(SIGPIPE, SIG_IGN);
	front_setup(&id);
	confine_front(front_cfg, &id);
	proc_ready();
	for (;;) {
		/*
		 * TLS plaintext already read waits for no event, nor do
		 * access lines not yet sent: no sleep
		 */
		n = epoll_wait(front_epfd, evs, FRONT_EVENTS,
		    front_tls_npending() > 0 || log_access_waiting() ? 0 : -1);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			fatal("epoll_wait");
		for (i = 0; i < n; i++)
			front_dispatch(evs[i].data.ptr, evs[i].events);
		pending = front_tls_npending();
		while ((c = front_tls_next_pending(&pending)) != NULL)
			front_dispatch(&c->c_ev, EPOLLIN);
		front_route_checks();
		front_reap_dead();
		/*
		 * the access lines of this turn and of those before it in
		 * one message to the parent: once a turn finds nothing to
		 * do, or once they are due (a busy loop would otherwise send
		 * one message for every two or three lines)
		 */
		if (n == 0 || log_access_due())
			log_access_flush();
		/* queued log lines go out when the parent can take them */
		front_ev_set(&front_parent_ev, EPOLLIN |
		    (log_pending() ? EPOLLOUT : 0));
	}
}
