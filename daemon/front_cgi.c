/* SPDX-License-Identifier: ISC */
/*
 * front_cgi.c: the CGI relay, in the front.  Makes the script's three
 * pipes, asks the executor to run it (typed fields only), streams the
 * request body in (and drops the rest of one the script left unread),
 * follows the executor's word on the script, and writes the page of a
 * failure (with --debug, saying why); what the script writes back is
 * front_cgi_out.c's, the end of a relay front_cgi_late.c's.  Trusts no
 * client.
 */
#include <sys/epoll.h>
#include <sys/socket.h>

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "front.h"
#include "front_cgi_priv.h"
#include "log.h"
#include "msg.h"
#include "page_style.h"
#include "proc.h"

static void	front_cgi_body_events(struct front_conn *);

/* the connection whose relay runs the script of reqid */
struct front_conn *
front_cgi_lookup(uint64_t reqid)
{
	struct front_conn	*c;

	for (c = front_conns; c != NULL; c = c->c_next)
		if (c->c_cgi != NULL && c->c_cgi->fc_reqid == reqid &&
		    !c->c_dead)
			return c;
	return NULL;
}

/* "cgi[ID] /script: message", with the request id in the line's rid */
void
front_cgi_log(struct front_cgi *fc, enum log_level lvl, const char *fmt, ...)
{
	char	msg[MSG_LOG_TEXT_MAX];
	va_list	ap;

	va_start(ap, fmt);
	(void)vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log_set_reqid(fc->fc_reqid);
	log_line_fmt(lvl, "cgi[%llu] %s: %s", (unsigned long long)fc->fc_reqid,
	    fc->fc_script, msg);
	log_set_reqid(0);
}

/* request headers for HTTP_*: names [A-Za-z0-9-] only, as msg.h says */
static void
front_cgi_pack_headers(const struct http_request *r, char *dst, size_t dstsz,
    int authenticated)
{
	size_t	 i, off = 0, nl, vl, alen = 0;
	const char *n, *v, *auth;
	char	 host[HTTP_HOST_MAX + 8];

	/* RFC 9112 3.2.2: the target's authority is the Host */
	auth = http_target_authority(r, &alen);
	if (auth != NULL && alen < sizeof(host)) {
		memcpy(host, auth, alen);
		host[alen] = '\0';
	} else
		auth = NULL;
	for (i = 0; i < r->hr_nfields; i++) {
		n = http_field_name(r, i);
		v = http_field_value(r, i);
		if (auth != NULL && strcasecmp(n, "Host") == 0)
			v = host;
		nl = strlen(n);
		vl = strlen(v);
		if (nl == 0 || nl > 64 || strspn(n, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
		    "abcdefghijklmnopqrstuvwxyz0123456789-") != nl)
			continue;
		/* the password cgijail checked never reaches the script */
		if (authenticated && strcasecmp(n, "Authorization") == 0)
			continue;
		if (off + nl + vl + 3 > dstsz)
			break;
		memcpy(dst + off, n, nl + 1);
		off += nl + 1;
		memcpy(dst + off, v, vl + 1);
		off += vl + 1;
	}
	dst[off] = '\0';
}

static int
front_cgi_fill_req(struct front_conn *c, struct msg_exec_req *er,
    const char *script, const char *path_info, const char *query,
    int64_t clen)
{
	const struct http_request	*r = c->c_req;
	const char			*ct;

	memset(er, 0, sizeof(*er));
	ct = http_field_get(r, "Content-Type");
	if (strlcpy(er->er_method, r->hr_method_str, sizeof(er->er_method)) >=
	    sizeof(er->er_method) ||
	    strlcpy(er->er_script, script, sizeof(er->er_script)) >=
	    sizeof(er->er_script) ||
	    strlcpy(er->er_path_info, path_info, sizeof(er->er_path_info)) >=
	    sizeof(er->er_path_info) ||
	    strlcpy(er->er_query, query, sizeof(er->er_query)) >=
	    sizeof(er->er_query) ||
	    strlcpy(er->er_request_uri, r->hr_target,
	    sizeof(er->er_request_uri)) >= sizeof(er->er_request_uri) ||
	    strlcpy(er->er_content_type, ct ? ct : "",
	    sizeof(er->er_content_type)) >= sizeof(er->er_content_type))
		return -1;
	snprintf(er->er_protocol, sizeof(er->er_protocol), "HTTP/1.%d",
	    r->hr_minor);
	/* no Host: "" and cgi.c names the local address, bracketed */
	strlcpy(er->er_server_name, r->hr_host, sizeof(er->er_server_name));
	strlcpy(er->er_peer_addr, c->c_peer_addr, sizeof(er->er_peer_addr));
	front_conn_local(c);
	strlcpy(er->er_local_addr, c->c_local_addr,
	    sizeof(er->er_local_addr));
	er->er_peer_port = c->c_peer_port;
	er->er_local_port = c->c_local_port;
	er->er_flags = c->c_tls != NULL ? MSG_EXEC_F_TLS : 0;
	if (c->c_auth != 0) {
		er->er_flags |= MSG_EXEC_F_AUTH;
		strlcpy(er->er_remote_user, c->c_auth_user,
		    sizeof(er->er_remote_user));
	}
	er->er_content_length = clen;
	front_cgi_pack_headers(r, er->er_headers, sizeof(er->er_headers),
	    c->c_auth != 0);
	return 0;
}

static int
front_cgi_pipes(struct front_cgi *fc, int child[3])
{
	int	in[2], out[2], err[2];

	if (pipe2(in, O_CLOEXEC) == -1)
		return -1;
	if (pipe2(out, O_CLOEXEC) == -1) {
		close(in[0]);
		close(in[1]);
		return -1;
	}
	if (pipe2(err, O_CLOEXEC) == -1) {
		close(in[0]);
		close(in[1]);
		close(out[0]);
		close(out[1]);
		return -1;
	}
	/* only our ends are non-blocking: the script gets ordinary pipes */
	fcntl(in[1], F_SETFL, O_NONBLOCK);
	fcntl(out[0], F_SETFL, O_NONBLOCK);
	fcntl(err[0], F_SETFL, O_NONBLOCK);
	fc->fc_in.fe_fd = in[1];
	fc->fc_out.fe_fd = out[0];
	fc->fc_err.fe_fd = err[0];
	child[0] = in[0];
	child[1] = out[1];
	child[2] = err[1];
	return 0;
}

/* a new relay for c; NULL when memory is short (the caller closes) */
static struct front_cgi *
front_cgi_new(struct front_conn *c, const char *script, const char *path_info,
    const char *query)
{
	struct front_cgi	*fc;
	const char		*base;

	if ((fc = calloc(1, sizeof(*fc))) == NULL)
		return NULL;
	fc->fc_in = (struct front_ev){ .fe_kind = FRONT_EV_CGI_IN, .fe_fd = -1,
	    .fe_conn = c };
	fc->fc_out = (struct front_ev){ .fe_kind = FRONT_EV_CGI_OUT,
	    .fe_fd = -1, .fe_conn = c };
	fc->fc_err = (struct front_ev){ .fe_kind = FRONT_EV_CGI_ERR,
	    .fe_fd = -1, .fe_conn = c };
	fc->fc_resp_left = -1;
	fc->fc_reqid = c->c_reqid;
	/*
	 * A normalised path never holds "//", but path_resolve()
	 * hands the tail after a file over with its slash doubled.
	 */
	while (path_info[0] == '/' && path_info[1] == '/')
		path_info++;
	/* RFC 3875 5: "nph-" scripts speak HTTP to the client themselves */
	base = strrchr(script, '/');
	fc->fc_nph = strncmp(base != NULL ? base + 1 : script, "nph-", 4) ==
	    0;
	/* the router's buffers are no larger: nothing is ever cut here */
	if (strlcpy(fc->fc_script, script, sizeof(fc->fc_script)) >=
	    sizeof(fc->fc_script) || strlcpy(fc->fc_path_info, path_info,
	    sizeof(fc->fc_path_info)) >= sizeof(fc->fc_path_info) ||
	    strlcpy(fc->fc_query, query, sizeof(fc->fc_query)) >=
	    sizeof(fc->fc_query)) {
		free(fc);
		errno = ENAMETOOLONG;
		return NULL;
	}
	return fc;
}

/* the body is known (or absent): ask the executor to run the script */
static void
front_cgi_launch(struct front_conn *c, int64_t clen)
{
	struct front_cgi	*fc = c->c_cgi;
	struct msg_exec_req	*er;
	int			 child[3], rc;

	if ((er = malloc(sizeof(*er))) == NULL) {
		front_cgi_fail(c, 503, "out of memory");
		return;
	}
	if (front_cgi_fill_req(c, er, fc->fc_script, fc->fc_path_info,
	    fc->fc_query, clen) == -1) {
		free(er);
		front_cgi_fail(c, 414, "a request field is too long for the "
		    "executor");
		return;
	}
	if (front_cgi_pipes(fc, child) == -1) {
		free(er);
		front_cgi_fail(c, 503, "no pipes for the script");
		return;
	}
	/* queued in order if the executor's queue is full; fds are given */
	rc = front_exec_send(MSG_EXEC_REQ, fc->fc_reqid, er, sizeof(*er),
	    child, 3);
	free(er);
	if (rc == -1) {
		front_cgi_log(fc, LOG_LVL_WARN, "executor channel: %s",
		    strerror(errno));
		front_cgi_fail(c, 503, "executor channel");
		return;
	}
	fc->fc_launched = 1;
	front_shed_track(c, FRONT_SHED_NONE);	/* being served */
	front_ev_set(&fc->fc_out, EPOLLIN);
	front_ev_set(&fc->fc_err, EPOLLIN);
	front_cgi_body_events(c);
	c->c_deadline_ms = 0;	/* the executor owns the script's time */
}

/*
 * What a script's body must hold before it starts: all of it, or as much
 * as c_in holds (FRONT_IN_MAX, 24 KiB), the rest then streamed.  Until
 * then no script runs, so a body that does not come holds no script
 * slot (max-scripts), only its connection: under the head's clock, and
 * shed like one still sending its head.
 */
static int
front_cgi_body_ahead(const struct front_conn *c)
{
	const struct front_cgi	*fc = c->c_cgi;

	return fc->fc_body_left == 0 ||
	    (uint64_t)fc->fc_body_left <= c->c_inlen ||
	    c->c_inlen >= FRONT_IN_MAX;
}

/* a body still coming before its script starts: its clock, its queue */
static void
front_cgi_await_body(struct front_conn *c)
{
	front_shed_track(c, FRONT_SHED_HEAD);
	front_ev_set(&c->c_ev, EPOLLIN | EPOLLRDHUP);
	c->c_deadline_ms = front_now_ms() + FRONT_BODY_TIMEOUT_MS;
}

/*
 * A client that asked waits for this before it sends its body: sent
 * before any body is read (none has come yet), so never after a byte of
 * the final response.  -1: the connection died sending it.
 */
static int
front_cgi_continue(struct front_conn *c)
{
	const struct http_request	*r = c->c_req;

	if (!r->hr_expect_continue || r->hr_minor != 1 || c->c_inlen != 0)
		return 0;
	front_out_append(c, "HTTP/1.1 100 Continue\r\n\r\n", 25);
	front_flush(c);
	return c->c_dead ? -1 : 0;
}

/* bytes of it came: the script starts once enough are in */
static void
front_cgi_body_came(struct front_conn *c)
{
	struct front_cgi	*fc = c->c_cgi;

	if (!front_cgi_body_ahead(c)) {
		front_cgi_await_body(c);	/* its clock starts again */
		return;
	}
	fc->fc_awaiting = 0;
	front_cgi_launch(c, c->c_req->hr_content_length);
}

/* FRONT_BODY_TIMEOUT_MS without a byte of a body whose script waits */
void
front_cgi_body_timeout(struct front_conn *c)
{
	c->c_deadline_ms = 0;
	front_cgi_fail(c, 408, "the request body stopped coming");
}

/*
 * What the de-chunked bodies may hold at once, all connections together:
 * twice max-body, at least FRONT_BODIES_MIN.  One more gets 503.
 */
static size_t	front_cgi_bodies;

static size_t
front_cgi_bodies_max(void)
{
	uint64_t	max = 2 * front_cfg->cf_max_body_bytes;

	if (max < FRONT_BODIES_MIN)
		max = FRONT_BODIES_MIN;
	return max > SIZE_MAX ? SIZE_MAX : (size_t)max;
}

/* room for 16 KiB more of a de-chunked body: 0, or -1 (a status set) */
static int
front_cgi_body_grow(struct front_cgi *fc, int *status)
{
	uint64_t	 limit = front_cfg->cf_max_body_bytes + 16384;
	size_t		 cap;
	char		*nb;

	if (fc->fc_body_cap - fc->fc_body_len >= 16384)
		return 0;
	/* doubling, but never past what max-body can need */
	cap = fc->fc_body_cap ? fc->fc_body_cap * 2 : 65536;
	if (cap > limit)
		cap = (size_t)limit;
	if (cap - fc->fc_body_len < 16384) {
		*status = 413;		/* http_chunked_decode() says first */
		return -1;
	}
	if (cap - fc->fc_body_cap > front_cgi_bodies_max() - front_cgi_bodies) {
		*status = 503;
		return -1;
	}
	if ((nb = realloc(fc->fc_body, cap)) == NULL) {
		*status = 503;
		return -1;
	}
	front_cgi_bodies += cap - fc->fc_body_cap;
	fc->fc_body = nb;
	fc->fc_body_cap = cap;
	return 0;
}

/* its de-chunked body given back */
void
front_cgi_body_free(struct front_cgi *fc)
{
	front_cgi_bodies -= fc->fc_body_cap;
	free(fc->fc_body);
	fc->fc_body = NULL;
	fc->fc_body_cap = fc->fc_body_len = fc->fc_body_off = 0;
}

/*
 * A chunked body is de-chunked into memory first (up to max-body), so
 * the script gets an exact CONTENT_LENGTH (DESIGN.md, decisions).
 */
static void
front_cgi_dechunk(struct front_conn *c)
{
	struct front_cgi	*fc = c->c_cgi;
	size_t			 used, outlen;
	int			 rc, status;

	for (;;) {
		if (front_cgi_body_grow(fc, &status) == -1) {
			c->c_close_after = 1;
			front_cgi_fail(c, status, status == 503 ? "the front "
			    "holds as many chunked bodies as it may" :
			    "chunked request body too large");
			return;
		}
		outlen = fc->fc_body_cap - fc->fc_body_len;
		rc = http_chunked_decode(&fc->fc_dechunk, c->c_in, c->c_inlen,
		    &used, fc->fc_body + fc->fc_body_len, &outlen,
		    front_cfg->cf_max_body_bytes);
		memmove(c->c_in, c->c_in + used, c->c_inlen - used);
		c->c_inlen -= used;
		fc->fc_body_len += outlen;
		if (rc < 0) {
			c->c_close_after = 1;
			front_cgi_fail(c, -rc, "bad chunked request body");
			return;
		}
		if (rc == 1)
			break;
		if (used == 0 && outlen == 0) {
			/* more input needed */
			front_ev_set(&c->c_ev, EPOLLIN | EPOLLRDHUP);
			c->c_deadline_ms = front_now_ms() + FRONT_IO_TIMEOUT_MS;
			return;
		}
	}
	fc->fc_collecting = 0;
	fc->fc_body_left = (int64_t)fc->fc_body_len;
	front_cgi_launch(c, (int64_t)fc->fc_body_len);
}

void
front_cgi_start(struct front_conn *c, const char *script,
    const char *path_info, const char *query)
{
	struct http_request	*r = c->c_req;
	struct front_cgi	*fc;

	/*
	 * The relay consumes the body, so a new request's connection goes
	 * on; a redirect's hop keeps the verdict on the first one's body.
	 */
	if (front_cgi_new_request(c))
		c->c_close_after = 0;
	if ((fc = front_cgi_new(c, script, path_info, query)) == NULL) {
		if (errno == ENAMETOOLONG)
			front_error(c, 414);
		else
			front_conn_close(c);
		return;
	}
	c->c_cgi = fc;
	c->c_state = FRONT_S_CGI;
	if (r->hr_chunked) {
		fc->fc_collecting = 1;
		front_shed_track(c, FRONT_SHED_HEAD);
		http_chunked_init(&fc->fc_dechunk);
		if (front_cgi_continue(c) == -1)
			return;
		front_cgi_dechunk(c);
		return;
	}
	fc->fc_body_left = r->hr_content_length > 0 ?
	    r->hr_content_length : 0;
	if (front_cgi_body_ahead(c)) {
		front_cgi_launch(c, r->hr_content_length);
		return;
	}
	fc->fc_awaiting = 1;
	if (front_cgi_continue(c) == -1)
		return;
	front_cgi_await_body(c);
}

/*
 * With --debug, an error page says why: the executor's refusal or how
 * the script ended, the tail of its stderr, and the request id; all of
 * it escaped (the tail is the script's).  NULL: nothing to say.
 */
static char *
front_cgi_debug_text(const struct front_cgi *fc, int status, const char *why)
{
	char		 ewhy[6 * 512 + 1], etail[6 * CGI_TAIL_MAX + 1], *page;
	const char	*reason = http_reason(status);

	if (why == NULL)
		why = "";
	if (why[0] == '\0' && fc->fc_tail[0] == '\0')
		return NULL;
	if (http_html_escape(ewhy, sizeof(ewhy), why) == -1)
		ewhy[0] = '\0';
	if (http_html_escape(etail, sizeof(etail), fc->fc_tail) == -1)
		etail[0] = '\0';
	if (asprintf(&page, "<!DOCTYPE html>\n<html lang=\"en\"><head>"
	    "<meta charset=\"utf-8\"><title>%d %s</title>\n%s"
	    "</head><body><h1>%d %s</h1>\n<p>%s</p>\n<pre>%s</pre>\n"
	    "<p class=\"rid\">cgijail request id %llu (--debug: this page "
	    "shows why)</p></body></html>\n", status, reason, PAGE_STYLE,
	    status, reason, ewhy, etail,
	    (unsigned long long)fc->fc_reqid) == -1)
		return NULL;
	return page;
}

static void
front_cgi_debug_page(struct front_conn *c, int status, const char *page)
{
	size_t	n = strlen(page);

	front_begin_head(c, status, NULL);
	front_out_printf(c, "Content-Type: text/html\r\nContent-Length: "
	    "%zu\r\n\r\n", n);
	if (!c->c_head_only) {
		front_out_append(c, page, n);
		c->c_body_bytes = (uint64_t)n;
	}
	c->c_state = FRONT_S_RESPOND;
	front_flush(c);
}

/*
 * The script is done with the request body, read or not.  What of it is
 * already in memory is dropped, so the next request on the connection
 * still parses from its first byte; if some is still on the wire, the
 * connection cannot be reused (unread body: no next request).
 */
void
front_cgi_drop_body(struct front_conn *c)
{
	struct front_cgi	*fc = c->c_cgi;
	size_t			 n;

	if (fc == NULL)
		return;
	if (fc->fc_body != NULL && !fc->fc_collecting)
		fc->fc_body_left = 0;	/* de-chunked: all read already */
	else if (fc->fc_body_left > 0 && !fc->fc_collecting &&
	    (uint64_t)fc->fc_body_left <= c->c_inlen) {
		n = (size_t)fc->fc_body_left;
		memmove(c->c_in, c->c_in + n, c->c_inlen - n);
		c->c_inlen -= n;
		fc->fc_body_left = 0;
	}
	if (fc->fc_body_left > 0 || fc->fc_collecting)
		c->c_close_after = 1;
}

/* body bytes the client has still to send: those a drain would wait for */
int64_t
front_cgi_body_unsent(const struct front_conn *c)
{
	const struct front_cgi	*fc = c->c_cgi;

	if (fc->fc_body != NULL || fc->fc_collecting ||
	    (uint64_t)fc->fc_body_left <= c->c_inlen)
		return 0;
	return fc->fc_body_left - (int64_t)c->c_inlen;
}

/* a failure before the response head: a fixed page (--debug: says why) */
void
front_cgi_fail(struct front_conn *c, int status, const char *why)
{
	struct front_cgi	*fc = c->c_cgi;
	char			*page = NULL;

	front_cgi_drop_body(c);
	if (fc != NULL && front_debug(c)) {
		front_cgi_take_stderr(fc);
		page = front_cgi_debug_text(fc, status, why);
	}
	front_cgi_release(c);
	c->c_state = FRONT_S_RESPOND;
	if (page != NULL)
		front_cgi_debug_page(c, status, page);
	else
		front_error(c, status);
	free(page);
}

/* the response is complete, the body consumed or given up: back to HTTP */
void
front_cgi_finish(struct front_conn *c)
{
	front_cgi_drop_body(c);
	front_cgi_release(c);
	c->c_state = FRONT_S_RESPOND;
	front_ev_set(&c->c_ev, EPOLLOUT);
	front_flush(c);
}

/*
 * The response is complete: all of it is in c_out.  The script is left
 * to finish, its stdin and stdout closed (a late write gets EPIPE or
 * SIGPIPE; after a HEAD, 204 or 304 its stdout is read and dropped).
 * What is left of the body is read and dropped, so the next request on
 * the connection parses (more than CGI_DRAIN_MAX, and the head said
 * Connection: close), then the connection goes on.
 */
void
front_cgi_answered(struct front_conn *c)
{
	struct front_cgi	*fc = c->c_cgi;

	fc->fc_answered = 1;
	fc->fc_wait_ms = 0;
	front_ev_del(&fc->fc_in);
	if (!fc->fc_out_drop)
		front_ev_del(&fc->fc_out);
	if (fc->fc_body != NULL)
		fc->fc_body_left = 0;	/* de-chunked: all read already */
	if (fc->fc_body_left > 0 && !c->c_close_after && !front_stopping) {
		c->c_deadline_ms = front_now_ms() + FRONT_IO_TIMEOUT_MS;
		front_cgi_write_stdin(c);	/* drops what c_in holds */
		return;
	}
	front_cgi_finish(c);
}

/*
 * Who waits for what while a body is relayed: stdin wants EPOLLOUT when
 * we hold bytes for it (none left: it is closed, the script's EOF); the
 * client is read while c_in has room, and written while output waits.
 * Every path through the relay ends here, so no wait is ever lost.
 */
static void
front_cgi_body_events(struct front_conn *c)
{
	struct front_cgi	*fc = c->c_cgi;
	uint32_t		 ev = EPOLLRDHUP;

	if (fc->fc_body_left == 0)
		front_ev_del(&fc->fc_in);
	else if (fc->fc_in.fe_fd != -1)
		front_ev_set(&fc->fc_in, fc->fc_body != NULL ||
		    c->c_inlen > 0 ? EPOLLOUT : 0);
	if (fc->fc_body == NULL && fc->fc_body_left > 0 &&
	    c->c_inlen < FRONT_IN_MAX)
		ev |= EPOLLIN;
	if (c->c_outlen > c->c_outoff)
		ev |= EPOLLOUT;
	front_ev_set(&c->c_ev, ev);
	/*
	 * A running script waits for the rest of its body: the client has
	 * FRONT_BODY_TIMEOUT_MS for each next byte (not while the script is
	 * the one that does not read, nor once it has answered).
	 */
	if (fc->fc_answered)
		return;
	if (!(ev & EPOLLIN) || fc->fc_body_left <= (int64_t)c->c_inlen)
		fc->fc_stall_ms = 0;
	else if (fc->fc_stall_ms == 0)
		fc->fc_stall_ms = front_now_ms() + FRONT_BODY_TIMEOUT_MS;
	if (c->c_outlen == c->c_outoff)
		front_cgi_arm(c);
}

/*
 * The relay's own clock: the DONE awaited after its stdout ended, or the
 * next byte of its body, whichever is first (none: the executor's).
 */
void
front_cgi_arm(struct front_conn *c)
{
	const struct front_cgi	*fc = c->c_cgi;
	uint64_t		 d = fc->fc_wait_ms;

	if (fc->fc_stall_ms != 0 && (d == 0 || fc->fc_stall_ms < d))
		d = fc->fc_stall_ms;
	c->c_deadline_ms = d;
}

/* a running script's body stopped coming: it is killed, the client told */
static void
front_cgi_body_stalled(struct front_conn *c)
{
	struct front_cgi	*fc = c->c_cgi;

	front_cgi_log(fc, LOG_LVL_WARN, "the request body stopped coming "
	    "(%d s without a byte): script killed",
	    FRONT_BODY_TIMEOUT_MS / 1000);
	front_cgi_kill(fc);
	if (fc->fc_head_sent)
		front_cgi_cut(c);
	else
		front_cgi_fail(c, 408, "the request body stopped coming");
}

/*
 * Request body to the script's stdin: from c_in as it arrives, or from
 * the de-chunked buffer.  If the script stops reading, or has answered,
 * the rest is dropped (but still consumed, so the next request parses).
 */
void
front_cgi_write_stdin(struct front_conn *c)
{
	struct front_cgi	*fc = c->c_cgi;
	const char		*src = fc->fc_body ? fc->fc_body +
	    fc->fc_body_off : c->c_in;
	size_t			 len = fc->fc_body ? fc->fc_body_len -
	    fc->fc_body_off : c->c_inlen;
	ssize_t			 n;

	if ((int64_t)len > fc->fc_body_left)
		len = (size_t)fc->fc_body_left;
	if (len > 0 && fc->fc_in.fe_fd != -1) {
		n = write(fc->fc_in.fe_fd, src, len);
		if (n == -1 && (errno == EAGAIN || errno == EINTR))
			len = 0;	/* pipe full: wait for EPOLLOUT */
		else if (n == -1)
			front_ev_del(&fc->fc_in);	/* gone: drop it all */
		else
			len = (size_t)n;
	}
	if (fc->fc_body != NULL)
		fc->fc_body_off += len;
	else {
		memmove(c->c_in, c->c_in + len, c->c_inlen - len);
		c->c_inlen -= len;
	}
	fc->fc_body_left -= (int64_t)len;
	if (fc->fc_answered && fc->fc_body_left == 0)
		front_cgi_finish(c);	/* the body is drained: go on */
	else
		front_cgi_body_events(c);
}

void
front_cgi_client_readable(struct front_conn *c)
{
	struct front_cgi	*fc = c->c_cgi;

	if (fc != NULL && fc->fc_collecting) {
		if (front_conn_recv(c) > 0)
			front_cgi_dechunk(c);
		return;
	}
	if (fc != NULL && fc->fc_awaiting) {
		if (front_conn_recv(c) > 0)
			front_cgi_body_came(c);
		return;
	}
	if (fc == NULL || fc->fc_body_left == 0 || fc->fc_body != NULL ||
	    c->c_inlen >= FRONT_IN_MAX) {
		/* only a hang-up is expected here: is the client gone? */
		if (front_conn_gone(c))
			front_conn_close(c);
		else
			front_ev_set(&c->c_ev, EPOLLRDHUP |
			    (c->c_outlen > c->c_outoff ? EPOLLOUT : 0));
		return;
	}
	/* a client gone mid-body is closed by the connection layer */
	if (front_conn_recv(c) <= 0)
		return;
	/* a drain's time is the client's; the next byte has its own clock */
	if (fc->fc_answered)
		c->c_deadline_ms = front_now_ms() + FRONT_IO_TIMEOUT_MS;
	fc->fc_stall_ms = 0;
	front_cgi_write_stdin(c);
}

void
front_cgi_event(struct front_conn *c, struct front_ev *ev, uint32_t events)
{
	if (c->c_cgi == NULL)
		return;
	if (ev->fe_kind == FRONT_EV_CGI_IN)
		front_cgi_write_stdin(c);
	else if (ev->fe_kind == FRONT_EV_CGI_OUT)
		front_cgi_read_stdout(c);
	else
		(void)front_cgi_read_stderr(c->c_cgi);
}

static int
front_cgi_result_status(int result)
{
	switch (result) {
	case MSG_EXEC_NOTFOUND:
		return 404;
	case MSG_EXEC_FORBIDDEN:
		return 403;
	case MSG_EXEC_BUSY:
		return 503;
	default:
		return 500;
	}
}

static void
front_cgi_started(struct front_conn *c, const struct msg_exec_started *es)
{
	struct front_cgi	*fc = c->c_cgi;
	char			 why[256];

	if (es->es_result != MSG_EXEC_OK) {
		fc->fc_done = 1;	/* nothing runs: nothing to kill */
		/*
		 * Its head went out already (the executor's word comes on
		 * its own channel, the script's output on its pipe): no
		 * error page can follow, only a body cut short, if it is
		 * not whole yet.
		 */
		if (fc->fc_head_sent) {
			if (fc->fc_answered)
				return;
			front_cgi_log(fc, LOG_LVL_WARN, "the executor says it "
			    "did not start, after its response head: %s; "
			    "body cut", es->es_reason);
			front_cgi_cut(c);
			return;
		}
		(void)snprintf(why, sizeof(why), "the executor did not run "
		    "the script: %s", es->es_reason);
		front_cgi_fail(c, front_cgi_result_status(es->es_result), why);
		return;
	}
	/*
	 * Started: nothing more to do.  A 100 Continue went out before its
	 * body was read (front_cgi_start()), never after: a script starts
	 * only once the client sends its body.
	 */
}

static void
front_cgi_done(struct front_conn *c, const struct msg_exec_done *ed)
{
	struct front_cgi	*fc = c->c_cgi;

	fc->fc_done = 1;
	fc->fc_end = ed->ed_end;
	fc->fc_code = ed->ed_code;
	fc->fc_flags = ed->ed_flags;
	if (front_cgi_redirect_pending(fc))
		front_cgi_local_redirect(c);	/* it waited for this */
	else if (fc->fc_out_eof && !fc->fc_answered)
		front_cgi_stdout_judge(c);	/* so did this */
}

/* a relay whose connection has moved on hears of its script's end */
static void
front_cgi_late_message(uint64_t reqid, int type,
    const struct msg_exec_started *es)
{
	struct front_cgi	*fc;

	if ((fc = front_cgi_late_lookup(reqid)) == NULL)
		return;		/* that request is already over */
	if (type == MSG_EXEC_DONE || (type == MSG_EXEC_STARTED &&
	    es->es_result != MSG_EXEC_OK))
		front_cgi_late_end(fc);
}

void
front_cgi_dispatch_exec(void)
{
	struct msg_hdr		 hdr;
	union {
		struct msg_exec_started	st;
		struct msg_exec_done	dn;
		char			buf[MSG_PAYLOAD_MAX];
	}			 pl;
	struct front_conn	*c;
	int			 fds[MSG_FDS_MAX], nfds, rc, i;

	for (i = 0; i < 64; i++) {
		rc = proc_recv(front_exec_fd, PROC_EXECUTOR, &hdr, &pl, fds,
		    &nfds);
		if (rc == -1 && (errno == EAGAIN || errno == EINTR))
			return;
		if (rc <= 0)
			fatalx("executor channel closed");
		if (hdr.mh_type == MSG_METRICS_EXEC)
			front_metrics_from_exec(&pl);
		else if ((c = front_cgi_lookup(hdr.mh_reqid)) == NULL)
			front_cgi_late_message(hdr.mh_reqid, hdr.mh_type,
			    &pl.st);
		else if (hdr.mh_type == MSG_EXEC_STARTED)
			front_cgi_started(c, &pl.st);
		else if (hdr.mh_type == MSG_EXEC_DONE)
			front_cgi_done(c, &pl.dn);
	}
}

/*
 * The connection's deadline passed while its relay waits (front.c's
 * tick, the output sent): for the rest of a body after the answer, for
 * the DONE of a script that closed its stdout, or (no deadline of ours)
 * for the script, whose time is the executor's.
 */
void
front_cgi_deadline(struct front_conn *c)
{
	struct front_cgi	*fc = c->c_cgi;

	if (fc->fc_answered) {
		front_cgi_release(c);	/* the body never came: give up */
		front_conn_close(c);
	} else if (fc->fc_wait_ms != 0 && front_now_ms() >= fc->fc_wait_ms)
		front_cgi_stdout_judge(c);	/* it lives on: it answered */
	else if (fc->fc_stall_ms != 0 && front_now_ms() >= fc->fc_stall_ms)
		front_cgi_body_stalled(c);
	else
		front_cgi_arm(c);
}
