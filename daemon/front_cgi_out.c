/* SPDX-License-Identifier: ISC */
/*
 * front_cgi_out.c: what a script writes to stdout, in the front.  It is
 * hostile: the CGI head is parsed (cgi_resp.c) and turned into an HTTP
 * head, the body framed for the client with backpressure and cut at its
 * own Content-Length, a local redirect routed anew, an nph- script passed
 * through; the end of the response is decided here.
 */
#include <sys/epoll.h>
#include <sys/socket.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "front.h"
#include "front_cgi_priv.h"
#include "log.h"
#include "msg.h"

#define CGI_REDIRECTS_MAX	10

/* the request whose local redirect was routed last */
static uint64_t	front_cgi_redirect_rid;

/* a local redirect's head was read: the rest of the output is not ours */
int
front_cgi_redirect_pending(const struct front_cgi *fc)
{
	return fc->fc_resp != NULL && !fc->fc_head_sent && !fc->fc_nph &&
	    fc->fc_resp->cr_kind == CGI_RESP_LOCAL_REDIRECT;
}

/*
 * Is this script start a new request, or a local redirect's next hop?
 * The redirect count is per request, but front.c never resets it.
 */
int
front_cgi_new_request(struct front_conn *c)
{
	if (c->c_reqid == front_cgi_redirect_rid)
		return 0;
	c->c_redirects = 0;
	return 1;
}

/* the HTTP head from the script's parsed CGI head */
static void
front_cgi_send_head(struct front_conn *c)
{
	struct front_cgi	*fc = c->c_cgi;
	struct cgi_response	*cr = fc->fc_resp;
	size_t			 i;
	int			 nobody = cr->cr_status == 204 ||
	    cr->cr_status == 304 || cr->cr_status < 200;

	/*
	 * HTTP/1.0 and no Content-Length: the body ends with the connection,
	 * which the head must say, even to a client that asked to keep it.
	 * So must it when more of the request body is still to come than
	 * would be read and dropped if the script leaves it unread.
	 */
	if ((!nobody && cr->cr_content_length < 0 &&
	    c->c_req->hr_minor == 0 && !c->c_head_only) ||
	    front_cgi_body_unsent(c) > CGI_DRAIN_MAX)
		c->c_close_after = 1;
	front_begin_head(c, cr->cr_status, cr->cr_reason);
	if (cr->cr_location != NULL)
		front_out_printf(c, "Location: %s\r\n", cr->cr_location);
	for (i = 0; i < cr->cr_nfields; i++)
		front_out_printf(c, "%s: %s\r\n", cgi_field_name(cr, i),
		    cgi_field_value(cr, i));
	if (nobody) {
		fc->fc_resp_left = 0;
	} else if (cr->cr_content_length >= 0) {
		front_out_printf(c, "Content-Length: %lld\r\n",
		    (long long)cr->cr_content_length);
		fc->fc_resp_left = cr->cr_content_length;
	} else if (c->c_req->hr_minor >= 1) {
		/* even on a closing connection: only chunks can show a cut */
		front_out_printf(c, "Transfer-Encoding: chunked\r\n");
		fc->fc_chunked = 1;
	}
	/* else close-delimited: front_begin_head() said "Connection: close" */
	front_out_append(c, "\r\n", 2);
	fc->fc_head_sent = 1;
	if (c->c_head_only || nobody) {
		fc->fc_resp_left = 0;
		fc->fc_out_drop = 1;	/* a body it may write: no SIGPIPE */
	}
}

/* body bytes from the script, framed for the client */
static void
front_cgi_body(struct front_conn *c, const char *buf, size_t len)
{
	struct front_cgi	*fc = c->c_cgi;
	char			 hex[24];
	int			 st;

	if (len == 0)
		return;
	/* no body may follow these heads: dropped, the framing holds */
	st = fc->fc_nph ? 0 : fc->fc_resp->cr_status;
	if (!fc->fc_nph && (c->c_head_only || st == 204 || st == 304))
		return;
	if (fc->fc_resp_left >= 0) {
		/* the excess is dropped: the response ends where it said */
		if ((int64_t)len > fc->fc_resp_left) {
			front_cgi_log(fc, LOG_LVL_WARN, "body longer than its "
			    "Content-Length, the rest dropped");
			len = (size_t)fc->fc_resp_left;
		}
		fc->fc_resp_left -= (int64_t)len;
	}
	if (len == 0)
		return;
	if (fc->fc_chunked) {
		snprintf(hex, sizeof(hex), "%zx\r\n", len);
		front_out_append(c, hex, strlen(hex));
	}
	front_out_append(c, buf, len);
	if (fc->fc_chunked)
		front_out_append(c, "\r\n", 2);
	c->c_body_bytes += len;
}

/*
 * RFC 3875 6.2.2: the front answers the new path itself, as a GET with
 * no body.  The Location is the script's, so it is checked like a
 * request-target before it reaches the router (or the executor, which
 * would die of a field it must not accept).
 */
static int
front_cgi_redirect_target(struct front_conn *c, const char *loc,
    char *path, size_t pathsz)
{
	struct http_request	*r = c->c_req;
	const unsigned char	*p;
	const char		*q;
	size_t			 plen, qlen;

	for (p = (const unsigned char *)loc; *p != '\0'; p++)
		if (*p < 0x21 || *p > 0x7e)
			return 500;
	if (strlen(loc) > HTTP_TARGET_MAX)
		return 500;
	/* a fragment is the client's business, never part of the path */
	plen = strcspn(loc, "?#");
	q = loc[plen] == '?' ? loc + plen + 1 : "";
	qlen = strcspn(q, "#");
	if (qlen >= sizeof(r->hr_query))
		return 500;
	/* above the root, %2F, %00: names nothing that can be served */
	if (http_path_normalize(loc, plen, path, pathsz) != 0)
		return 404;
	memcpy(r->hr_query, q, qlen);
	r->hr_query[qlen] = '\0';
	return 0;
}

void
front_cgi_local_redirect(struct front_conn *c)
{
	struct front_cgi	*fc = c->c_cgi;
	struct http_request	*r = c->c_req;
	char			 path[HTTP_TARGET_MAX + 1];
	int			 st;

	if (++c->c_redirects > CGI_REDIRECTS_MAX) {
		front_cgi_log(fc, LOG_LVL_WARN, "too many local redirects");
		front_cgi_fail(c, 500, "too many local redirects");
		return;
	}
	if ((st = front_cgi_redirect_target(c, fc->fc_resp->cr_location,
	    path, sizeof(path))) != 0) {
		front_cgi_log(fc, LOG_LVL_WARN, "local redirect to a bad "
		    "path");
		front_cgi_fail(c, st, "local redirect to a bad path");
		return;
	}
	front_cgi_drop_body(c);
	front_cgi_release(c);	/* the script is gone: DONE came */
	strlcpy(r->hr_path, path, sizeof(r->hr_path));
	if (r->hr_method != HTTP_M_HEAD) {
		r->hr_method = HTTP_M_GET;
		strlcpy(r->hr_method_str, "GET", sizeof(r->hr_method_str));
	}
	r->hr_content_length = -1;
	r->hr_chunked = 0;
	r->hr_expect_continue = 0;
	c->c_state = FRONT_S_HEAD;
	front_cgi_redirect_rid = c->c_reqid;
	front_route(c, r->hr_path, r->hr_query, c->c_redirects);
}

/* the head went out: what followed it in fc_obuf is the body's start */
static void
front_cgi_head_done(struct front_conn *c, size_t bodyoff)
{
	struct front_cgi	*fc = c->c_cgi;

	front_cgi_body(c, fc->fc_obuf + bodyoff, fc->fc_olen - bodyoff);
	free(fc->fc_obuf);
	fc->fc_obuf = NULL;
	fc->fc_olen = 0;
}

static void
front_cgi_parse_head(struct front_conn *c)
{
	struct front_cgi	*fc = c->c_cgi;
	const char		*why = "";
	char			 msg[256];
	int			 rc;

	rc = cgi_parse_response(fc->fc_resp, fc->fc_obuf, fc->fc_olen, &why);
	if (rc == 0) {
		if (fc->fc_olen >= CGI_RESP_HEAD_MAX)
			rc = -1, why = "response header block too large";
		else
			return;
	}
	if (rc < 0) {
		front_cgi_log(fc, LOG_LVL_WARN, "malformed response header: "
		    "%s", why);
		(void)snprintf(msg, sizeof(msg), "malformed response header: "
		    "%s", why);
		front_cgi_fail(c, 500, msg);
		return;
	}
	if (fc->fc_resp->cr_kind == CGI_RESP_LOCAL_REDIRECT) {
		/*
		 * The rest of its output is read and dropped.  The executor
		 * knows scripts by request id, so the next one of this
		 * request starts only once DONE says this one is gone.
		 */
		front_ev_del(&fc->fc_in);
		free(fc->fc_obuf);
		fc->fc_obuf = NULL;
		fc->fc_olen = 0;
		if (fc->fc_done)
			front_cgi_local_redirect(c);
		return;
	}
	front_cgi_send_head(c);
	front_cgi_head_done(c, (size_t)rc);
}

/*
 * The script failed after its head went out.  A chunked body is left
 * unterminated and a Content-Length unmet; a close-delimited one (1.0,
 * nph) has no end marker to withhold, so the connection is reset rather
 * than closed: a clean FIN would pass the cut body off as whole.  The
 * script is not killed: its stdout is over, and it may still be at work.
 */
void
front_cgi_cut(struct front_conn *c)
{
	struct front_cgi	*fc = c->c_cgi;
	struct linger		 l = { 1, 0 };

	if (!fc->fc_chunked && fc->fc_resp_left < 0)
		(void)setsockopt(c->c_ev.fe_fd, SOL_SOCKET, SO_LINGER, &l,
		    sizeof(l));
	front_cgi_release(c);
	front_conn_close(c);
}

/*
 * No head, and stdout is over: a fixed page, and a line that says why
 * (not "exit N" or "killed ...": those are the executor's own lines).
 */
static void
front_cgi_no_head(struct front_conn *c)
{
	struct front_cgi	*fc = c->c_cgi;
	char			 why[128];
	const char		*sig;

	if (!fc->fc_done)
		(void)snprintf(why, sizeof(why), "no response header: the "
		    "script closed its stdout");
	else if (fc->fc_end == MSG_END_TIMEOUT)
		(void)snprintf(why, sizeof(why), "no response header: the "
		    "script timed out after %llu s",
		    (unsigned long long)front_cfg->cf_timeout_sec);
	else if (fc->fc_end == MSG_END_SIGNAL) {
		sig = sigabbrev_np(fc->fc_code);
		(void)snprintf(why, sizeof(why), "no response header: the "
		    "script was killed by signal %d (SIG%s)", fc->fc_code,
		    sig != NULL ? sig : "?");
	} else if (fc->fc_end == MSG_END_EXIT)
		(void)snprintf(why, sizeof(why), "no response header: the "
		    "script exited with status %d", fc->fc_code);
	else
		(void)snprintf(why, sizeof(why), "no response header: the "
		    "script was killed");
	front_cgi_log(fc, LOG_LVL_WARN, "%s", why);
	front_cgi_fail(c, fc->fc_done && fc->fc_end == MSG_END_TIMEOUT ?
	    front_cfg->cf_timeout_status : 500, why);
}

/*
 * The script's stdout ended.  A local redirect waits for DONE (the next
 * script of the request runs only once this one is gone); a short body
 * is cut.  Otherwise the end is judged once DONE says how the script
 * ended, or once CGI_EOF_WAIT_MS show that it lives on: a script that
 * closes its stdout and goes on working has answered, and is never
 * killed for it.
 */
void
front_cgi_stdout_eof(struct front_conn *c)
{
	struct front_cgi	*fc = c->c_cgi;

	fc->fc_out_eof = 1;
	front_ev_del(&fc->fc_out);
	if (front_cgi_redirect_pending(fc)) {
		if (fc->fc_done)
			front_cgi_local_redirect(c);
		return;		/* else front_cgi_done() comes back */
	}
	if (fc->fc_head_sent && fc->fc_resp_left > 0) {
		front_cgi_log(fc, LOG_LVL_WARN, "body shorter than its "
		    "Content-Length");
		front_cgi_cut(c);
		return;
	}
	if (!fc->fc_done) {
		fc->fc_wait_ms = front_now_ms() + CGI_EOF_WAIT_MS;
		if (c->c_outlen == c->c_outoff)
			c->c_deadline_ms = fc->fc_wait_ms;
		return;		/* front_cgi_done() or the deadline */
	}
	front_cgi_stdout_judge(c);
}

/*
 * stdout is over and DONE has come, or has not in CGI_EOF_WAIT_MS.  A
 * body without a Content-Length is whole only if the script was not cut
 * short (by a signal, a limit or the timeout), which DONE tells; its
 * exit code is its own business, as for any CGI server.
 */
void
front_cgi_stdout_judge(struct front_conn *c)
{
	struct front_cgi	*fc = c->c_cgi;

	fc->fc_wait_ms = 0;
	if (!fc->fc_head_sent) {
		front_cgi_no_head(c);
		return;
	}
	if (fc->fc_resp_left < 0 && fc->fc_done &&
	    fc->fc_end != MSG_END_EXIT) {
		front_cgi_log(fc, LOG_LVL_WARN, "%s after its response head, "
		    "body cut", fc->fc_end == MSG_END_TIMEOUT ? "timed out" :
		    fc->fc_end == MSG_END_SIGNAL ? "killed by a signal" :
		    "killed");
		front_cgi_cut(c);
		return;
	}
	if (fc->fc_chunked && !c->c_head_only)
		front_out_append(c, "0\r\n\r\n", 5);
	front_cgi_answered(c);
}

/*
 * An nph- script's own head, passed on as it is once it is whole and
 * valid.  Its body ends where that head says (Content-Length, or no
 * body for HEAD, 204 and 304), else with the connection, which ends
 * with it in any case: nothing the script writes after the end of its
 * response may answer the client's next request.
 */
static void
front_cgi_nph_head(struct front_conn *c, size_t from)
{
	struct front_cgi	*fc = c->c_cgi;
	const char		*why = "nph head too large";
	size_t			 end;
	int64_t			 clen;
	int			 st;

	if ((end = cgi_nph_head_end(fc->fc_obuf, fc->fc_olen, from)) == 0 &&
	    fc->fc_olen < CGI_RESP_HEAD_MAX)
		return;
	if (end == 0 || cgi_parse_nph(fc->fc_obuf, end, &st, &clen,
	    &why) == -1) {
		front_cgi_log(fc, LOG_LVL_WARN, "malformed nph head: %s", why);
		front_cgi_fail(c, 500, "malformed nph head");
		return;
	}
	c->c_status = st;
	c->c_close_after = 1;
	front_out_append(c, fc->fc_obuf, end);
	fc->fc_head_sent = 1;
	fc->fc_resp_left = clen;
	if (c->c_head_only || st == 204 || st == 304) {
		fc->fc_resp_left = 0;
		fc->fc_out_drop = 1;	/* a body it may write: no SIGPIPE */
	}
	front_cgi_head_done(c, end);
}

/* read the head into fc_obuf (allocated on first use): bytes or -1 */
static ssize_t
front_cgi_read_head(struct front_conn *c)
{
	struct front_cgi	*fc = c->c_cgi;

	if (fc->fc_obuf == NULL &&
	    (fc->fc_obuf = malloc(CGI_RESP_HEAD_MAX + 1)) == NULL)
		return -2;
	if (fc->fc_resp == NULL &&
	    (fc->fc_resp = malloc(sizeof(*fc->fc_resp))) == NULL)
		return -2;
	if (fc->fc_olen == 0)
		cgi_response_reset(fc->fc_resp);
	return read(fc->fc_out.fe_fd, fc->fc_obuf + fc->fc_olen,
	    CGI_RESP_HEAD_MAX - fc->fc_olen);
}

/* after the response: what an answered script still writes is dropped */
static void
front_cgi_drop_stdout(struct front_conn *c)
{
	struct front_cgi	*fc = c->c_cgi;
	char			 buf[16384];
	ssize_t			 n;

	n = read(fc->fc_out.fe_fd, buf, sizeof(buf));
	if (n == 0 || (n == -1 && errno != EAGAIN && errno != EINTR))
		front_ev_del(&fc->fc_out);
}

void
front_cgi_read_stdout(struct front_conn *c)
{
	struct front_cgi	*fc = c->c_cgi;
	char			 buf[16384];
	ssize_t			 n;
	size_t			 seen = fc->fc_olen;

	if (fc->fc_answered) {
		front_cgi_drop_stdout(c);
		return;
	}
	if (!fc->fc_head_sent && !front_cgi_redirect_pending(fc))
		n = front_cgi_read_head(c);
	else
		n = read(fc->fc_out.fe_fd, buf, sizeof(buf));
	if (n == -2) {
		front_cgi_fail(c, 500, "out of memory");
		return;
	}
	if (n == -1 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		front_cgi_stdout_eof(c);
		return;
	}
	if (front_cgi_redirect_pending(fc))
		return;		/* the rest of a redirect: dropped */
	if (!fc->fc_head_sent) {
		fc->fc_olen += (size_t)n;
		if (fc->fc_nph)
			front_cgi_nph_head(c, seen);
		else
			front_cgi_parse_head(c);
	} else
		front_cgi_body(c, buf, (size_t)n);
	/* failed, or redirected: the relay is another's now, or none */
	if (c->c_cgi != fc || c->c_dead)
		return;
	if (fc->fc_head_sent && fc->fc_resp_left == 0) {
		front_cgi_answered(c);	/* all of its Content-Length */
		return;
	}
	/* backpressure: a slow client slows the script */
	if (c->c_outlen - c->c_outoff >= FRONT_OUT_MAX)
		front_ev_set(&fc->fc_out, 0);
	front_flush(c);
}

void
front_cgi_output_drained(struct front_conn *c)
{
	struct front_cgi	*fc = c->c_cgi;

	if (fc == NULL)
		return;
	if (fc->fc_out.fe_fd != -1)
		front_ev_set(&fc->fc_out, EPOLLIN);
	if (fc->fc_wait_ms != 0 || fc->fc_stall_ms != 0)
		front_cgi_arm(c);	/* flush moved it */
}
