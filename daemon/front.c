/*
 * front.c: the front role.  The only process that reads client bytes:
 * unprivileged, no capabilities, chrooted to an empty directory, under
 * its own seccomp filter.  One epoll loop: accept, parse HTTP/1.1, serve
 * static files, hand CGI requests to front_cgi.c.  Trusts no client.
 */
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "confine.h"
#include "daemon.h"
#include "front.h"
#include "log.h"
#include "msg.h"
#include "proc.h"
#include "static.h"

#define FRONT_LISTEN_MAX	32
#define FRONT_EVENTS		64

struct config		*front_cfg;
int			 front_exec_fd = -1;
static int		 front_epfd = -1;
int			 front_docroot_fd = -1;
static struct front_ev	 front_listen[FRONT_LISTEN_MAX];
static size_t		 front_nlisten;
static struct front_ev	 front_exec_ev, front_parent_ev, front_timer_ev;
static struct front_conn *front_conns;
static struct front_conn *front_dead;
static struct front_cgi	*front_dead_cgi;
static int		 front_nconns;
static uint64_t		 front_next_reqid;
static int		 front_stopping;
static uint64_t		 front_stop_deadline;

uint64_t
front_now_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

uint64_t
front_now_us(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

int
front_ev_set(struct front_ev *ev, uint32_t events)
{
	struct epoll_event	ee = { .events = events, .data.ptr = ev };
	int			op;

	if (ev->fe_fd == -1 || ev->fe_events == events)
		return 0;
	op = ev->fe_events == 0 ? EPOLL_CTL_ADD : EPOLL_CTL_MOD;
	if (events == 0) {
		epoll_ctl(front_epfd, EPOLL_CTL_DEL, ev->fe_fd, NULL);
		ev->fe_events = 0;
		return 0;
	}
	if (epoll_ctl(front_epfd, op, ev->fe_fd, &ee) == -1)
		return -1;
	ev->fe_events = events;
	return 0;
}

/*
 * Messages to the executor that did not fit in its socket queue (a
 * SEQPACKET pair holds only net.unix.max_dgram_qlen messages): kept in
 * order and sent when the channel is writable again.
 */
struct front_outmsg {
	struct front_outmsg	*om_next;
	int			 om_type;
	uint64_t		 om_reqid;
	size_t			 om_len;
	int			 om_fds[MSG_FDS_MAX];
	int			 om_nfds;
	char			 om_payload[];
};
static struct front_outmsg	*front_outq, **front_outq_tail = &front_outq;

static void
front_outmsg_free(struct front_outmsg *om)
{
	int	i;

	for (i = 0; i < om->om_nfds; i++)
		close(om->om_fds[i]);
	free(om);
}

int
front_exec_send(int type, uint64_t reqid, const void *payload, size_t len,
    int *fds, int nfds)
{
	struct front_outmsg	*om;
	int			 i, rc = -1;

	if (front_outq == NULL) {
		rc = msg_send(front_exec_fd, type, reqid, payload, len, fds,
		    nfds);
		if (rc == 0 || errno != EAGAIN) {
			for (i = 0; i < nfds; i++)
				close(fds[i]);
			return rc;
		}
	}
	if ((om = malloc(sizeof(*om) + len)) == NULL) {
		for (i = 0; i < nfds; i++)
			close(fds[i]);
		return -1;
	}
	om->om_next = NULL;
	om->om_type = type;
	om->om_reqid = reqid;
	om->om_len = len;
	om->om_nfds = nfds;
	for (i = 0; i < nfds; i++)
		om->om_fds[i] = fds[i];
	memcpy(om->om_payload, payload, len);
	*front_outq_tail = om;
	front_outq_tail = &om->om_next;
	front_ev_set(&front_exec_ev, EPOLLIN | EPOLLOUT);
	return 0;
}

int
front_exec_cancel(uint64_t reqid)
{
	struct front_outmsg	**pp, *om;

	for (pp = &front_outq; (om = *pp) != NULL; pp = &om->om_next) {
		if (om->om_reqid != reqid || om->om_type != MSG_EXEC_REQ)
			continue;
		*pp = om->om_next;
		if (front_outq_tail == &om->om_next)
			front_outq_tail = pp;
		front_outmsg_free(om);
		return 1;
	}
	return 0;
}

void
front_exec_writable(void)
{
	struct front_outmsg	*om;

	while ((om = front_outq) != NULL) {
		if (msg_send(front_exec_fd, om->om_type, om->om_reqid,
		    om->om_payload, om->om_len, om->om_fds, om->om_nfds) ==
		    -1) {
			if (errno == EAGAIN)
				return;
			fatal("executor channel");
		}
		front_outq = om->om_next;
		if (front_outq == NULL)
			front_outq_tail = &front_outq;
		front_outmsg_free(om);
	}
	front_ev_set(&front_exec_ev, EPOLLIN);
}

struct front_conn *
front_cgi_conns(void)
{
	return front_conns;
}

void
front_ev_del(struct front_ev *ev)
{
	if (ev->fe_fd == -1)
		return;
	front_ev_set(ev, 0);
	close(ev->fe_fd);
	ev->fe_fd = -1;
}

int
front_out_append(struct front_conn *c, const void *buf, size_t len)
{
	char	*nout;
	size_t	 need, cap;

	if (c->c_outoff == c->c_outlen)
		c->c_outoff = c->c_outlen = 0;
	need = c->c_outlen + len;
	if (need > c->c_outcap) {
		cap = c->c_outcap ? c->c_outcap : FRONT_OUT_MAX;
		while (cap < need)
			cap *= 2;
		if ((nout = realloc(c->c_out, cap)) == NULL)
			return -1;
		c->c_out = nout;
		c->c_outcap = cap;
	}
	memcpy(c->c_out + c->c_outlen, buf, len);
	c->c_outlen += len;
	return 0;
}

int
front_out_printf(struct front_conn *c, const char *fmt, ...)
{
	char	buf[4096];
	va_list	ap;
	int	n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(buf))
		return -1;
	return front_out_append(c, buf, (size_t)n);
}

/* status line, Date, Server, Connection; the caller adds the rest */
void
front_begin_head(struct front_conn *c, int status, const char *reason)
{
	char	date[40];
	int	minor = c->c_req ? c->c_req->hr_minor : 1;

	c->c_status = status;
	http_date_format(time(NULL), date, sizeof(date));
	front_out_printf(c, "HTTP/1.%d %d %s\r\nDate: %s\r\n"
	    "Server: " CGI_SERVER_SOFTWARE "\r\n", minor, status,
	    reason && reason[0] ? reason : http_reason(status), date);
	if (c->c_close_after || front_stopping || !c->c_req ||
	    !c->c_req->hr_keepalive) {
		c->c_close_after = 1;
		front_out_printf(c, "Connection: close\r\n");
	} else if (minor == 0)
		front_out_printf(c, "Connection: keep-alive\r\n");
}

/* fixed error pages: never a path, never script output */
void
front_error(struct front_conn *c, int status)
{
	char	body[256];
	int	n;

	if (status == 400 || status == 408 || status == 413 ||
	    status == 414 || status == 431 || status == 501 ||
	    status == 505 || status == 503)
		c->c_close_after = 1;
	n = snprintf(body, sizeof(body), "<!DOCTYPE html>\n<html><head>"
	    "<title>%d %s</title></head><body><h1>%d %s</h1></body>"
	    "</html>\n", status, http_reason(status), status,
	    http_reason(status));
	front_begin_head(c, status, NULL);
	if (status == 405)
		front_out_printf(c, "Allow: GET, HEAD\r\n");
	front_out_printf(c, "Content-Type: text/html\r\n"
	    "Content-Length: %d\r\n\r\n", n);
	if (!c->c_head_only)
		front_out_append(c, body, (size_t)n);
	c->c_body_bytes = c->c_head_only ? 0 : (uint64_t)n;
	c->c_state = FRONT_S_RESPOND;
	front_flush(c);
}

static void
front_access_log(struct front_conn *c)
{
	struct msg_access	 ma;
	struct http_request	*r = c->c_req;
	char			 ts[64], rl[3 * 1024], ua[512], ref[512];
	const char		*v;
	struct tm		 tm;
	time_t			 now = time(NULL);

	if (c->c_logged || c->c_status == 0)
		return;
	c->c_logged = 1;
	gmtime_r(&now, &tm);
	strftime(ts, sizeof(ts), "%d/%b/%Y:%H:%M:%S +0000", &tm);
	if (r != NULL && r->hr_target[0] != '\0') {
		char	raw[1024];
		int	n;

		n = snprintf(raw, sizeof(raw), "%s %s HTTP/1.%d",
		    r->hr_method_str, r->hr_target, r->hr_minor);
		if (n < 0)
			n = 0;
		log_escape(rl, sizeof(rl), raw, (size_t)n < sizeof(raw) ?
		    (size_t)n : sizeof(raw) - 1);
		v = http_field_get(r, "User-Agent");
		log_escape(ua, sizeof(ua), v ? v : "-", v ? strlen(v) : 1);
		v = http_field_get(r, "Referer");
		log_escape(ref, sizeof(ref), v ? v : "-", v ? strlen(v) : 1);
	} else {
		strlcpy(rl, "-", sizeof(rl));
		strlcpy(ua, "-", sizeof(ua));
		strlcpy(ref, "-", sizeof(ref));
	}
	memset(&ma, 0, sizeof(ma));
	if (snprintf(ma.ma_line, sizeof(ma.ma_line), "%s - - [%s] \"%s\" %d %llu "
	    "\"%.500s\" \"%.500s\" rid=%llu us=%llu", c->c_peer_addr, ts, rl,
	    c->c_status, (unsigned long long)c->c_body_bytes, ref, ua,
	    (unsigned long long)c->c_reqid,
	    (unsigned long long)(front_now_us() - c->c_start_us)) < 0)
		return;
	log_send_parent(MSG_ACCESS, c->c_reqid, &ma, sizeof(ma));
}

void
front_conn_close(struct front_conn *c)
{
	if (c->c_cgi != NULL)
		front_cgi_abort(c);
	front_access_log(c);
	front_ev_del(&c->c_ev);
	if (c->c_file_fd != -1)
		close(c->c_file_fd);
	if (c->c_prev)
		c->c_prev->c_next = c->c_next;
	else
		front_conns = c->c_next;
	if (c->c_next)
		c->c_next->c_prev = c->c_prev;
	front_nconns--;
	/* freed after this epoll batch: later events may still name it */
	c->c_dead = 1;
	c->c_next = front_dead;
	front_dead = c;
}

/* CGI relays are freed after the batch too: their events may be in it */
void
front_defer_free(struct front_cgi *fc)
{
	fc->fc_next_dead = front_dead_cgi;
	front_dead_cgi = fc;
}

static void
front_reap_dead(void)
{
	struct front_conn	*c;
	struct front_cgi	*fc;

	while ((fc = front_dead_cgi) != NULL) {
		front_dead_cgi = fc->fc_next_dead;
		free(fc);
	}
	while ((c = front_dead) != NULL) {
		front_dead = c->c_next;
		free(c->c_out);
		free(c->c_req);
		free(c->c_cgi);
		free(c);
	}
}

/* after a refused body: stop sending, read and drop what comes, close */
static void
front_linger(struct front_conn *c)
{
	shutdown(c->c_ev.fe_fd, SHUT_WR);
	c->c_state = FRONT_S_DISCARD;
	c->c_deadline_ms = front_now_ms() + 2000;
	front_ev_set(&c->c_ev, EPOLLIN);
}

static void front_process(struct front_conn *);

void
front_request_done(struct front_conn *c)
{
	front_access_log(c);
	if (c->c_file_fd != -1) {
		close(c->c_file_fd);
		c->c_file_fd = -1;
	}
	if (c->c_close_after || front_stopping) {
		front_linger(c);
		return;
	}
	c->c_state = FRONT_S_HEAD;
	c->c_status = 0;
	c->c_logged = 0;
	c->c_head_only = 0;
	c->c_body_bytes = 0;
	c->c_head_started = 0;
	c->c_outlen = c->c_outoff = 0;
	http_request_reset(c->c_req);
	c->c_deadline_ms = front_now_ms() + FRONT_IDLE_TIMEOUT_MS;
	front_ev_set(&c->c_ev, EPOLLIN);
	/* pipelined requests: front_process's loop goes on by itself */
	if (c->c_inlen > 0 && !c->c_in_process)
		front_process(c);
}

void
front_flush(struct front_conn *c)
{
	ssize_t	n;

	while (c->c_outoff < c->c_outlen) {
		n = send(c->c_ev.fe_fd, c->c_out + c->c_outoff,
		    c->c_outlen - c->c_outoff, MSG_NOSIGNAL);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && errno == EAGAIN)
			goto wait;
		if (n <= 0) {
			front_conn_close(c);
			return;
		}
		c->c_outoff += (size_t)n;
		c->c_deadline_ms = front_now_ms() + FRONT_IO_TIMEOUT_MS;
	}
	c->c_outoff = c->c_outlen = 0;
	while (c->c_file_left > 0) {
		n = sendfile(c->c_ev.fe_fd, c->c_file_fd, &c->c_file_off,
		    c->c_file_left > (1 << 20) ? (1 << 20) :
		    (size_t)c->c_file_left);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && errno == EAGAIN)
			goto wait;
		if (n <= 0) {	/* file shrank or socket error: abort */
			front_conn_close(c);
			return;
		}
		c->c_file_left -= n;
		c->c_deadline_ms = front_now_ms() + FRONT_IO_TIMEOUT_MS;
	}
	if (c->c_state == FRONT_S_CGI) {
		front_ev_set(&c->c_ev, EPOLLRDHUP | (c->c_cgi != NULL &&
		    c->c_cgi->fc_body_left > 0 ? EPOLLIN : 0));
		front_cgi_output_drained(c);
		return;
	}
	if (c->c_state == FRONT_S_RESPOND)
		front_request_done(c);
	return;
wait:
	front_ev_set(&c->c_ev, c->c_state == FRONT_S_CGI ? EPOLLRDHUP |
	    EPOLLOUT | (c->c_cgi != NULL && c->c_cgi->fc_body_left > 0 ?
	    EPOLLIN : 0) : EPOLLOUT);
}

static void
front_handle_request(struct front_conn *c)
{
	struct http_request	*r = c->c_req;

	c->c_reqid = ++front_next_reqid;
	c->c_redirects = 0;	/* local redirects are counted per request */
	c->c_head_only = r->hr_method == HTTP_M_HEAD;
	if (r->hr_method == HTTP_M_UNKNOWN || r->hr_method == HTTP_M_CONNECT) {
		front_error(c, 501);
		return;
	}
	if (r->hr_content_length > 0 &&
	    (uint64_t)r->hr_content_length > front_cfg->cf_max_body_bytes) {
		front_error(c, 413);
		return;
	}
	front_route(c, r->hr_path, r->hr_query, 0);
}

static void
front_process(struct front_conn *c)
{
	int	rc;

	c->c_in_process = 1;
	while (!c->c_dead && c->c_state == FRONT_S_HEAD && c->c_inlen > 0) {
		if (!c->c_head_started) {
			c->c_head_started = 1;
			c->c_start_us = front_now_us();
			c->c_deadline_ms = front_now_ms() +
			    FRONT_HEAD_TIMEOUT_MS;
		}
		rc = http_parse_request(c->c_req, c->c_in, c->c_inlen);
		if (rc == 0) {
			if (c->c_inlen >= sizeof(c->c_in))
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
		return;
	}
	if (c->c_state == FRONT_S_CGI) {
		front_cgi_client_readable(c);
		return;
	}
	if (c->c_state != FRONT_S_HEAD || c->c_inlen >= sizeof(c->c_in)) {
		/* pipelined bytes wait; do not spin on them */
		front_ev_set(&c->c_ev, c->c_state == FRONT_S_RESPOND ?
		    EPOLLOUT : 0);
		return;
	}
	n = recv(c->c_ev.fe_fd, c->c_in + c->c_inlen,
	    sizeof(c->c_in) - c->c_inlen, 0);
	if (n == -1 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		front_conn_close(c);
		return;
	}
	c->c_inlen += (size_t)n;
	front_process(c);
}

static void
front_conn_addrs(struct front_conn *c, const struct sockaddr_storage *ss)
{
	struct sockaddr_storage	 ls;
	socklen_t		 len = sizeof(ls);
	const struct sockaddr_storage *a[2] = { ss, &ls };
	char			*dst[2] = { c->c_peer_addr, c->c_local_addr };
	uint16_t		*port[2] = { &c->c_peer_port, &c->c_local_port };
	int			 i;

	if (getsockname(c->c_ev.fe_fd, (struct sockaddr *)&ls, &len) == -1)
		memset(&ls, 0, sizeof(ls));
	for (i = 0; i < 2; i++) {
		if (a[i]->ss_family == AF_INET6) {
			const struct sockaddr_in6 *s6 = (const void *)a[i];

			if (IN6_IS_ADDR_V4MAPPED(&s6->sin6_addr))
				inet_ntop(AF_INET, &s6->sin6_addr.s6_addr[12],
				    dst[i], 64);
			else
				inet_ntop(AF_INET6, &s6->sin6_addr, dst[i], 64);
			*port[i] = ntohs(s6->sin6_port);
		} else {
			const struct sockaddr_in *s4 = (const void *)a[i];

			inet_ntop(AF_INET, &s4->sin_addr, dst[i], 64);
			*port[i] = ntohs(s4->sin_port);
		}
	}
}

static int
front_peer_count(const char *addr)
{
	struct front_conn	*c;
	int			 n = 0;

	for (c = front_conns; c != NULL; c = c->c_next)
		if (strcmp(c->c_peer_addr, addr) == 0)
			n++;
	return n;
}

static void
front_accept(struct front_ev *lev)
{
	struct sockaddr_storage	 ss;
	socklen_t		 len;
	struct front_conn	*c;
	int			 fd, i, one = 1;

	for (i = 0; i < 64; i++) {
		len = sizeof(ss);
		fd = accept4(lev->fe_fd, (struct sockaddr *)&ss, &len,
		    SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd == -1)
			return;
		if (front_nconns >= front_cfg->cf_max_connections ||
		    (c = calloc(1, sizeof(*c))) == NULL) {
			close(fd);
			continue;
		}
		if ((c->c_req = malloc(sizeof(*c->c_req))) == NULL) {
			free(c);
			close(fd);
			continue;
		}
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		http_request_reset(c->c_req);
		c->c_ev = (struct front_ev){ FRONT_EV_CLIENT, fd, 0, c };
		c->c_file_fd = -1;
		front_conn_addrs(c, &ss);
		c->c_next = front_conns;
		if (front_conns)
			front_conns->c_prev = c;
		front_conns = c;
		front_nconns++;
		if (front_peer_count(c->c_peer_addr) >
		    front_cfg->cf_max_per_client) {
			front_conn_close(c);
			continue;
		}
		c->c_deadline_ms = front_now_ms() + FRONT_HEAD_TIMEOUT_MS;
		if (front_ev_set(&c->c_ev, EPOLLIN) == -1)
			front_conn_close(c);
	}
}

static void
front_timeouts(void)
{
	struct front_conn	*c, *next;
	uint64_t		 now = front_now_ms(), ticks;

	if (read(front_timer_ev.fe_fd, &ticks, sizeof(ticks)) == -1 &&
	    errno != EAGAIN)
		fatal("timerfd");
	for (c = front_conns; c != NULL; c = next) {
		next = c->c_next;
		if (c->c_deadline_ms == 0 || now < c->c_deadline_ms)
			continue;
		if (c->c_state == FRONT_S_HEAD && c->c_inlen > 0) {
			c->c_deadline_ms = 0;
			front_error(c, 408);
		} else if (c->c_state == FRONT_S_CGI && c->c_cgi != NULL &&
		    !c->c_cgi->fc_collecting && c->c_outlen == c->c_outoff)
			c->c_deadline_ms = 0;	/* waiting on the script */
		else
			front_conn_close(c);
	}
	if (front_stopping && (front_nconns == 0 ||
	    now >= front_stop_deadline))
		exit(0);
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
	for (c = front_conns; c != NULL; c = next) {
		next = c->c_next;
		if (c->c_state == FRONT_S_HEAD && c->c_inlen == 0)
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

	rc = msg_recv(front_parent_ev.fe_fd, PROC_PARENT, &hdr, buf, fds,
	    &nfds);
	if (rc == -1 && (errno == EAGAIN || errno == EINTR))
		return;
	if (rc <= 0)
		exit(0);	/* the parent is gone: so are we */
	if (hdr.mh_type == MSG_SHUTDOWN)
		front_begin_stop();
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
	}
}

/*
 * Everything that needs root or the file system happens here, before the
 * drop: the docroot dirfd, mime types, the listening sockets (inherited).
 */
static void
front_setup(void)
{
	struct itimerspec	 its = { { 1, 0 }, { 1, 0 } };
	int			 fd, tfd;

	int			 on;
	socklen_t		 len;
	size_t			 i;

	/* the listening sockets first: they are every fd from 6 upward */
	for (fd = PROC_FD_LISTEN; fcntl(fd, F_GETFD) != -1 &&
	    front_nlisten < FRONT_LISTEN_MAX; fd++) {
		len = sizeof(on);
		if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &on, &len) ==
		    -1 || !on)
			fatalx("fd %d is not a listening socket", fd);
		fcntl(fd, F_SETFD, FD_CLOEXEC);
		front_listen[front_nlisten++] =
		    (struct front_ev){ FRONT_EV_LISTEN, fd, 0, NULL };
	}
	if ((front_docroot_fd = open(front_cfg->cf_root, O_PATH |
	    O_DIRECTORY | O_CLOEXEC)) == -1)
		fatal("document root %s", front_cfg->cf_root);
	static_mime_load("/etc/mime.types");
	if ((front_epfd = epoll_create1(EPOLL_CLOEXEC)) == -1)
		fatal("epoll_create1");
	for (i = 0; i < front_nlisten; i++)
		front_ev_set(&front_listen[i], EPOLLIN);
	if ((tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK |
	    TFD_CLOEXEC)) == -1 || timerfd_settime(tfd, 0, &its, NULL) == -1)
		fatal("timerfd");
	front_exec_fd = PROC_FD_PEER;
	fcntl(PROC_FD_PEER, F_SETFL, O_NONBLOCK);
	fcntl(PROC_FD_PARENT, F_SETFL, O_NONBLOCK);
	front_exec_ev = (struct front_ev){ FRONT_EV_EXEC, PROC_FD_PEER, 0,
	    NULL };
	front_parent_ev = (struct front_ev){ FRONT_EV_PARENT, PROC_FD_PARENT,
	    0, NULL };
	front_timer_ev = (struct front_ev){ FRONT_EV_TIMER, tfd, 0, NULL };
	front_ev_set(&front_exec_ev, EPOLLIN);
	front_ev_set(&front_parent_ev, EPOLLIN);
	front_ev_set(&front_timer_ev, EPOLLIN);
}

void
front_main(struct config *cfg)
{
	struct epoll_event	evs[FRONT_EVENTS];
	int			i, n;

	front_cfg = cfg;
	prctl(PR_SET_NAME, "cgijail-front", 0, 0, 0);
	prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	signal(SIGPIPE, SIG_IGN);
	front_setup();
	confine_front(front_cfg);
	for (;;) {
		n = epoll_wait(front_epfd, evs, FRONT_EVENTS, -1);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			fatal("epoll_wait");
		for (i = 0; i < n; i++)
			front_dispatch(evs[i].data.ptr, evs[i].events);
		front_reap_dead();
		/* queued log lines go out when the parent can take them */
		front_ev_set(&front_parent_ev, EPOLLIN |
		    (log_pending() ? EPOLLOUT : 0));
	}
}
