/* SPDX-License-Identifier: ISC */
/*
 * front_conn.c: a client connection's own services, in the front: event
 * registration, a request's buffers (an idle connection holds none), the
 * output buffer and its flush, status heads and fixed error pages, the
 * access log line, the end of a request, the close.
 * Its bytes go through plain recv/send/sendfile or, on a TLS connection,
 * through front_tls.c.  Front role; calls back up only through c_ops.
 * Trusts no client.
 */
#include <sys/epoll.h>
#include <sys/sendfile.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "front.h"
#include "log.h"
#include "msg.h"
#include "page_style.h"
#include "static.h"
#include "version.h"

int			 front_epfd = -1;
struct front_conn	*front_conns;
int			 front_nconns;
uint64_t		 front_recvs;
int			 front_stopping;
static struct front_conn *front_dead;
static struct front_cgi	*front_dead_cgi;

/*
 * A request's buffers: its head as it arrives (then body bytes on their
 * way to a script) and the parser's state.  A connection holds them from
 * the first byte of a request until it is idle again: an idle keep-alive
 * connection costs its struct alone, and no output buffer either.  What
 * is released waits for the end of the epoll batch (a caller up the
 * stack may still read the request), then is kept for reuse, up to
 * FRONT_SPARE_MAX of each kind: a busy front neither allocates per
 * request nor gives pages back only to fault them in again.
 */
#define FRONT_SPARE_MAX	32

struct front_bufs {
	struct http_request	 fb_req;
	struct front_bufs	*fb_next;	/* released, or spare */
	char			 fb_in[FRONT_IN_MAX];
};

static struct front_bufs *front_bufs_released;	/* in this batch */
static struct front_bufs *front_bufs_spare;
static size_t		 front_bufs_nspare;
static char		*front_out_spare[FRONT_SPARE_MAX];	/* FRONT_OUT_MAX */
static size_t		 front_out_nspare;

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

	if (ev->fe_kind == FRONT_EV_CLIENT && ev->fe_conn != NULL &&
	    ev->fe_conn->c_tls != NULL)
		events = front_tls_events(ev->fe_conn, events);
	if (ev->fe_deferred) {
		ev->fe_events = events;		/* front_ev_commit() asks */
		return 0;
	}
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

/* a deferred registration made: what its owner asked for meanwhile */
int
front_ev_commit(struct front_ev *ev)
{
	uint32_t	events = ev->fe_events;

	if (!ev->fe_deferred)
		return 0;
	ev->fe_deferred = 0;
	ev->fe_events = 0;
	return front_ev_set(ev, events);
}

void
front_ev_del(struct front_ev *ev)
{
	if (ev->fe_fd == -1)
		return;
	/* a client socket is the front's alone: its close takes it out */
	ev->fe_deferred = 0;
	if (ev->fe_kind == FRONT_EV_CLIENT)
		ev->fe_events = 0;
	else
		front_ev_set(ev, 0);
	close(ev->fe_fd);
	ev->fe_fd = -1;
}

int
front_conn_bufs(struct front_conn *c)
{
	struct front_bufs	*b;

	if (c->c_bufs != NULL)
		return 0;
	if ((b = front_bufs_spare) != NULL) {
		front_bufs_spare = b->fb_next;
		front_bufs_nspare--;
	} else if ((b = malloc(sizeof(*b))) == NULL)
		return -1;
	http_request_reset(&b->fb_req);
	c->c_bufs = b;
	c->c_in = b->fb_in;
	c->c_inlen = 0;
	c->c_req = &b->fb_req;
	return 0;
}

/* idle (nothing buffered either way) or closed: its buffers go */
static void
front_conn_release(struct front_conn *c)
{
	if (c->c_bufs != NULL) {
		c->c_bufs->fb_next = front_bufs_released;
		front_bufs_released = c->c_bufs;
		c->c_bufs = NULL;
		c->c_in = NULL;
		c->c_req = NULL;
	}
	if (c->c_out != NULL && c->c_outcap == FRONT_OUT_MAX &&
	    front_out_nspare < FRONT_SPARE_MAX)
		front_out_spare[front_out_nspare++] = c->c_out;
	else
		free(c->c_out);
	c->c_out = NULL;
	c->c_outcap = c->c_outlen = c->c_outoff = 0;
}

/* the end of a batch: what was released is kept for reuse, or freed */
static void
front_conn_release_batch(void)
{
	struct front_bufs	*b;

	while ((b = front_bufs_released) != NULL) {
		front_bufs_released = b->fb_next;
		if (front_bufs_nspare < FRONT_SPARE_MAX) {
			b->fb_next = front_bufs_spare;
			front_bufs_spare = b;
			front_bufs_nspare++;
		} else
			free(b);
	}
}

/* an output buffer again: a spare one if there is */
static void
front_out_unspare(struct front_conn *c)
{
	if (c->c_out == NULL && front_out_nspare > 0) {
		c->c_out = front_out_spare[--front_out_nspare];
		c->c_outcap = FRONT_OUT_MAX;
	}
}

/* room for len more bytes in the output buffer */
static int
front_out_reserve(struct front_conn *c, size_t len)
{
	char	*nout;
	size_t	 need, cap;

	if (c->c_outoff == c->c_outlen)
		c->c_outoff = c->c_outlen = 0;
	need = c->c_outlen + len;
	front_out_unspare(c);
	if (need > c->c_outcap) {
		cap = c->c_outcap ? c->c_outcap : FRONT_OUT_MAX;
		while (cap < need)
			cap *= 2;
		if ((nout = realloc(c->c_out, cap)) == NULL)
			return -1;
		c->c_out = nout;
		c->c_outcap = cap;
	}
	return 0;
}

int
front_out_append(struct front_conn *c, const void *buf, size_t len)
{
	if (front_out_reserve(c, len) == -1)
		return -1;
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

/* the Date field, and the access line's time: formatted once a second */
static const char *
front_clock_text(int access)
{
	static char	date[40], ts[64];
	static time_t	when = -1;
	time_t		now = time(NULL);
	struct tm	tm;

	if (now != when) {
		http_date_format(now, date, sizeof(date));
		if (gmtime_r(&now, &tm) == NULL || strftime(ts, sizeof(ts),
		    "%d/%b/%Y:%H:%M:%S +0000", &tm) == 0)
			strlcpy(ts, "-", sizeof(ts));
		when = now;
	}
	return access ? ts : date;
}

/* status line, Date, Server, Connection; the caller adds the rest */
void
front_begin_head(struct front_conn *c, int status, const char *reason)
{
	int	minor = c->c_req ? c->c_req->hr_minor : 1;

	c->c_status = status;
	front_out_printf(c, "HTTP/1.%d %d %s\r\nDate: %s\r\n"
	    "Server: " CGIJAIL_SOFTWARE "\r\n", minor, status,
	    reason && reason[0] ? reason : http_reason(status),
	    front_clock_text(0));
	if (c->c_close_after || front_stopping || !c->c_req ||
	    !c->c_req->hr_keepalive) {
		c->c_close_after = 1;
		front_out_printf(c, "Connection: close\r\n");
	} else if (minor == 0)
		front_out_printf(c, "Connection: keep-alive\r\n");
}

/* one plain sentence for whoever reads the page; never a path */
static const char *
front_error_blurb(int status)
{
	switch (status) {
	case 400: return "The request was not valid HTTP.";
	case 401: return "This page needs a user name and password.";
	case 403: return "This page may not be shown.";
	case 404: return "There is nothing at this address.";
	case 405: return "This address does not take that method.";
	case 408: return "The request took too long to arrive.";
	case 413: return "The request is larger than this server takes.";
	case 414: return "The address is longer than this server takes.";
	case 429: return "Too many failed attempts. Please try again later.";
	case 431: return "The request's header is larger than this server "
		    "takes.";
	case 503: return "The server is busy. Please try again shortly.";
	case 504: return "The program behind this page took too long.";
	}
	if (status >= 500)
		return "The server could not answer this request.";
	return "This request cannot be answered.";
}

/* --debug, or userdir-debug for a student's request */
int
front_debug(const struct front_conn *c)
{
	return front_cfg->cf_debug || (front_cfg->cf_userdir_debug &&
	    c->c_userdir);
}

/*
 * The page: status, with --debug why (HTML-escaped, it may quote a
 * request or a script), and the request id of the access line, so that
 * whoever sees the page can tell whoever reads the log.  NULL without
 * memory.
 */
static char *
front_error_page(const struct front_conn *c, int status, const char *why,
    int *len)
{
	char	*page, *esc = NULL;
	size_t	 escsz;

	if (why != NULL && why[0] != '\0' && front_debug(c)) {
		escsz = strlen(why) * 6 + 1;	/* "&quot;" per byte */
		if ((esc = malloc(escsz)) != NULL &&
		    http_html_escape(esc, escsz, why) == -1) {
			free(esc);
			esc = NULL;
		}
	}
	*len = asprintf(&page, "<!DOCTYPE html>\n<html lang=\"en\"><head>"
	    "<meta charset=\"utf-8\"><title>%d %s</title>\n%s"
	    "</head><body><h1>%d %s</h1>\n<p>%s</p>\n%s%s%s"
	    "<p class=\"rid\">cgijail request id %llu</p></body></html>\n",
	    status, http_reason(status), PAGE_STYLE, status,
	    http_reason(status), front_error_blurb(status), esc ? "<pre>" : "", esc ? esc : "",
	    esc ? "</pre>\n" : "", (unsigned long long)c->c_reqid);
	free(esc);
	return *len < 0 ? NULL : page;
}

/* fixed error pages: never a path or script output, but with --debug */
void
front_error_why(struct front_conn *c, int status, const char *why)
{
	front_error_hdr(c, status, why, NULL);
}

void
front_error_hdr(struct front_conn *c, int status, const char *why,
    const char *hdr)
{
	char	*page;
	int	 n;

	front_shed_track(c, FRONT_SHED_NONE);	/* being answered */
	if (status == 400 || status == 408 || status == 413 ||
	    status == 414 || status == 431 || status == 501 ||
	    status == 505 || status == 503)
		c->c_close_after = 1;
	if ((page = front_error_page(c, status, why, &n)) == NULL) {
		front_conn_close(c);	/* out of memory: no page at all */
		return;
	}
	front_begin_head(c, status, NULL);
	if (status == 405)
		front_out_printf(c, "Allow: GET, HEAD\r\n");
	if (hdr != NULL)
		front_out_append(c, hdr, strlen(hdr));
	front_out_printf(c, "Content-Type: text/html\r\n"
	    "Content-Length: %d\r\n\r\n", n);
	if (!c->c_head_only)
		front_out_append(c, page, (size_t)n);
	free(page);
	c->c_body_bytes = c->c_head_only ? 0 : (uint64_t)n;
	c->c_state = FRONT_S_RESPOND;
	front_flush(c);
}

void
front_error(struct front_conn *c, int status)
{
	front_error_why(c, status, NULL);
}

/* a line about request c, under its id */
void
front_log(struct front_conn *c, enum log_level lvl, const char *fmt, ...)
{
	va_list	ap;

	log_set_reqid(c->c_reqid);
	va_start(ap, fmt);
	log_vline(lvl, fmt, ap);
	va_end(ap);
	log_set_reqid(0);
}

static void
front_access_log(struct front_conn *c)
{
	char			 line[MSG_ACCESS_MAX];
	struct http_request	*r = c->c_req;
	char			 rl[3 * 1024], ua[512], ref[512];
	const char		*v;

	if (c->c_logged || c->c_status == 0)
		return;
	c->c_logged = 1;
	front_metrics_request(c);
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
	if (snprintf(line, sizeof(line), "%s - - [%s] \"%s\" %d %llu "
	    "\"%.500s\" \"%.500s\" rid=%llu us=%llu", c->c_peer_addr,
	    front_clock_text(1), rl,
	    c->c_status, (unsigned long long)c->c_body_bytes, ref, ua,
	    (unsigned long long)c->c_reqid,
	    (unsigned long long)(front_now_us() - c->c_start_us)) < 0)
		return;
	log_access_add(line);
}

/* the file being sent: closed, or given back to the cache */
static void
front_file_close(struct front_conn *c)
{
	if (c->c_file_ent != NULL)
		static_cache_release(c->c_file_ent);
	else if (c->c_file_fd != -1)
		close(c->c_file_fd);
	c->c_file_ent = NULL;
	c->c_file_fd = -1;
}

/* a new connection joins the list; front_conn_close() takes it out */
void
front_conn_add(struct front_conn *c)
{
	c->c_next = front_conns;
	if (front_conns)
		front_conns->c_prev = c;
	front_conns = c;
	front_nconns++;
}

void
front_conn_close(struct front_conn *c)
{
	if (c->c_cgi != NULL)
		c->c_ops->co_relay_close(c);
	front_access_log(c);
	front_shed_forget(c);
	/* between requests nothing is cut short: TLS may say it ends */
	if (c->c_tls != NULL)
		front_tls_end(c, c->c_state == FRONT_S_HEAD);
	front_metrics_forget(c);
	front_ev_del(&c->c_ev);
	front_file_close(c);
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

/* after each epoll batch: what was closed in it is freed now */
void
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
		front_conn_release(c);
		free(c->c_cgi);
		free(c);
	}
	front_conn_release_batch();
}

/*
 * The request just answered was the client's last (it did not ask to
 * keep the connection, and RFC 9112 9.6 forbids it to send another), it
 * had no body, and nothing came after it: no byte of the client's can be
 * unread, so closing now sends a FIN after the response, never a reset,
 * and there is nothing to wait for.  Anything else lingers: bytes may
 * still be on their way, and a close with some unread would reset the
 * connection under the response.  TLS says it ends first (front_linger).
 */
static int
front_conn_client_done(const struct front_conn *c)
{
	const struct http_request	*r = c->c_req;

	return c->c_tls == NULL && c->c_inlen == 0 && r != NULL &&
	    r->hr_result > 0 && !r->hr_keepalive &&
	    r->hr_content_length <= 0 && !r->hr_chunked;
}

/* after a refused body: stop sending, read and drop what comes, close */
static void
front_linger(struct front_conn *c)
{
	if (c->c_tls != NULL)
		front_tls_notify(c);	/* then what comes is dropped raw */
	shutdown(c->c_ev.fe_fd, SHUT_WR);
	front_shed_track(c, FRONT_SHED_NONE);	/* closing by itself */
	c->c_state = FRONT_S_DISCARD;
	c->c_deadline_ms = front_now_ms() + 2000;
	front_ev_set(&c->c_ev, EPOLLIN);
}

/*
 * Client bytes into c_in (it has room): 1 with more bytes, 0 when there
 * are none yet, -1 when the client is gone (the connection is closed).
 */
int
front_conn_recv(struct front_conn *c)
{
	ssize_t	n;

	if (front_conn_bufs(c) == -1) {
		front_conn_close(c);
		return -1;
	}
	if (c->c_tls != NULL)
		n = front_tls_recv(c, c->c_in + c->c_inlen,
		    FRONT_IN_MAX - c->c_inlen);
	else
		n = recv(c->c_ev.fe_fd, c->c_in + c->c_inlen,
		    FRONT_IN_MAX - c->c_inlen, 0);
	if (n == -1 && (errno == EAGAIN || errno == EINTR))
		return 0;
	if (n <= 0) {
		front_conn_close(c);
		return -1;
	}
	front_metrics_in(c, (size_t)n);
	c->c_inlen += (size_t)n;
	c->c_rgen = ++front_recvs;
	return 1;
}

void
front_request_done(struct front_conn *c)
{
	front_access_log(c);
	c->c_served++;
	front_file_close(c);
	if (c->c_close_after || front_stopping) {
		if (front_conn_client_done(c))
			front_conn_close(c);
		else
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
	if (c->c_inlen > 0)
		http_request_reset(c->c_req);	/* a pipelined request's */
	else
		front_conn_release(c);	/* idle: the struct alone */
	c->c_deadline_ms = front_now_ms() + FRONT_IDLE_TIMEOUT_MS;
	/* idle keep-alive, or the head of a pipelined request */
	front_shed_track(c, c->c_inlen > 0 ? FRONT_SHED_HEAD :
	    FRONT_SHED_IDLE);
	front_ev_set(&c->c_ev, EPOLLIN);
	/* pipelined requests: the parser's loop goes on by itself */
	if (c->c_inlen > 0 && !c->c_in_process)
		c->c_ops->co_next_request(c);
}

/*
 * Is the client gone?  Asked while nothing is to be read from it: what
 * it sent meanwhile stays for later (peeked, or kept by front_tls.c).
 */
int
front_conn_gone(struct front_conn *c)
{
	char	probe;
	ssize_t	n;

	if (c->c_tls != NULL)
		return front_tls_gone(c);
	n = recv(c->c_ev.fe_fd, &probe, 1, MSG_PEEK);
	return n == 0 || (n == -1 && errno != EAGAIN && errno != EINTR);
}

/*
 * A plain connection just accepted: its request is most often there
 * already, so it is read at once, and the socket joins the epoll set only
 * if it must wait (for its request, a send, a script, its next request):
 * one answered and closed at once never joins it.  With nothing yet, its
 * buffers go back until its first byte.  1: bytes came (parse them).
 */
int
front_conn_first_recv(struct front_conn *c)
{
	int	r;

	c->c_state = FRONT_S_HEAD;
	c->c_ev.fe_deferred = 1;
	c->c_ev.fe_events = EPOLLIN;
	if ((r = front_conn_recv(c)) == 0)
		front_conn_release(c);
	return r;
}

/* the PROXY header is read, or none is due: TLS first, or the request */
void
front_conn_open(struct front_conn *c)
{
	if ((c->c_listen_opts & CONFIG_LISTEN_TLS) &&
	    front_tls_start(c) == -1) {
		front_conn_close(c);
		return;
	}
	if (!(c->c_listen_opts & CONFIG_LISTEN_TLS))
		c->c_state = FRONT_S_HEAD;
	if (front_ev_set(&c->c_ev, EPOLLIN) == -1)
		front_conn_close(c);
}

/*
 * TLS cannot use sendfile: the next piece of the file is read into the
 * output buffer, a record's worth, and written from there.  -1 if the
 * file shrank or memory is short.
 */
static int
front_conn_file_chunk(struct front_conn *c)
{
	size_t	len = c->c_file_left > 16384 ? 16384 :
		    (size_t)c->c_file_left;
	ssize_t	n;

	if (front_out_reserve(c, len) == -1)
		return -1;
	n = pread(c->c_file_fd, c->c_out + c->c_outlen, len, c->c_file_off);
	if (n <= 0)
		return -1;
	c->c_outlen += (size_t)n;
	c->c_file_off += n;
	c->c_file_left -= n;
	return 0;
}

/*
 * MSG_MORE when the file follows the head, or when the response is the
 * connection's last: its FIN (front_linger) leaves in the same segment.
 */
static ssize_t
front_conn_send(struct front_conn *c, const void *buf, size_t len)
{
	int	more;

	if (c->c_tls != NULL)
		return front_tls_send(c, buf, len);
	more = c->c_file_left > 0 || (c->c_close_after &&
	    c->c_state == FRONT_S_RESPOND);
	return send(c->c_ev.fe_fd, buf, len, MSG_NOSIGNAL |
	    (more ? MSG_MORE : 0));
}

void
front_flush(struct front_conn *c)
{
	ssize_t	n;

more:
	while (c->c_outoff < c->c_outlen) {
		n = front_conn_send(c, c->c_out + c->c_outoff,
		    c->c_outlen - c->c_outoff);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && errno == EAGAIN)
			goto wait;
		if (n <= 0) {
			front_conn_close(c);
			return;
		}
		c->c_outoff += (size_t)n;
		front_metrics_out(c, (size_t)n);
		c->c_deadline_ms = front_now_ms() + FRONT_IO_TIMEOUT_MS;
	}
	c->c_outoff = c->c_outlen = 0;
	if (c->c_tls != NULL && c->c_file_left > 0) {
		if (front_conn_file_chunk(c) == -1) {
			front_conn_close(c);
			return;
		}
		goto more;
	}
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
		front_metrics_out(c, (size_t)n);
		c->c_deadline_ms = front_now_ms() + FRONT_IO_TIMEOUT_MS;
	}
	if (c->c_state == FRONT_S_CGI) {
		front_ev_set(&c->c_ev, EPOLLRDHUP | (c->c_cgi != NULL &&
		    c->c_cgi->fc_body_left > 0 ? EPOLLIN : 0));
		c->c_ops->co_output_drained(c);
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

/* an address as text and its port; IPv4-mapped IPv6 as IPv4 */
void
front_conn_addr(const struct sockaddr_storage *ss, char *dst, size_t dstsz,
    uint16_t *port)
{
	if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const void *)ss;

		if (IN6_IS_ADDR_V4MAPPED(&s6->sin6_addr))
			inet_ntop(AF_INET, &s6->sin6_addr.s6_addr[12], dst,
			    dstsz);
		else
			inet_ntop(AF_INET6, &s6->sin6_addr, dst, dstsz);
		*port = ntohs(s6->sin6_port);
	} else {
		const struct sockaddr_in *s4 = (const void *)ss;

		inet_ntop(AF_INET, &s4->sin_addr, dst, dstsz);
		*port = ntohs(s4->sin_port);
	}
}

/* the local address, asked for once, when a script needs it */
void
front_conn_local(struct front_conn *c)
{
	struct sockaddr_storage	ls;
	socklen_t		len = sizeof(ls);

	if (c->c_local_addr[0] != '\0')
		return;
	if (getsockname(c->c_ev.fe_fd, (struct sockaddr *)&ls, &len) == -1)
		memset(&ls, 0, sizeof(ls));
	front_conn_addr(&ls, c->c_local_addr, sizeof(c->c_local_addr),
	    &c->c_local_port);
}
