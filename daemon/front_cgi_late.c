/* SPDX-License-Identifier: ISC */
/*
 * front_cgi_late.c: the end of a relay, in the front.  The connection
 * lets go of it (a kill only if the client left an incomplete response);
 * a script that has answered runs on, and a late relay follows what it
 * still writes until it ends.  A script's stderr goes to the log as
 * warnings, escaped, with a hint when it hit the jail (cgi_hint.c); its
 * tail is kept for --debug pages.  Trusts no byte of the script's.
 */
#include <sys/epoll.h>

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgi_hint.h"
#include "front.h"
#include "front_cgi_priv.h"
#include "log.h"
#include "msg.h"

/* relays whose response is over and whose script may still write */
static struct front_cgi	*front_cgi_late;

/* the script is to end now, if it may still run; DONE will follow */
void
front_cgi_kill(struct front_cgi *fc)
{
	struct msg_exec_kill	 ek = { 0 };

	if (!fc->fc_launched || fc->fc_done)
		return;
	if (front_exec_cancel(fc->fc_reqid))
		fc->fc_done = 1;	/* never sent: nothing runs */
	else
		front_exec_send(MSG_EXEC_KILL, fc->fc_reqid, &ek, sizeof(ek),
		    NULL, 0);
}

/*
 * The connection is done with its relay (the response is complete or
 * failed, or the connection closes).  The script is not killed here: if
 * it may still write, a late relay logs its stderr until it ends.
 */
void
front_cgi_release(struct front_conn *c)
{
	struct front_cgi	*fc = c->c_cgi;

	if (fc == NULL)
		return;
	c->c_cgi = NULL;
	front_ev_del(&fc->fc_in);
	if (!fc->fc_out_drop)
		front_ev_del(&fc->fc_out);
	free(fc->fc_obuf);
	free(fc->fc_resp);
	front_cgi_body_free(fc);
	fc->fc_obuf = NULL;
	fc->fc_resp = NULL;
	if (!fc->fc_launched || (!fc->fc_done &&
	    front_exec_cancel(fc->fc_reqid)))
		fc->fc_done = 1;	/* never sent: nothing runs */
	if (fc->fc_done)
		front_cgi_late_end(fc);
	else
		front_cgi_late_add(fc);
}

/*
 * The connection closes under its relay: the client is gone (or too
 * slow, or the front stops).  A script whose response is incomplete is
 * killed; one that has answered is left to finish under its timeout.
 */
void
front_cgi_abort(struct front_conn *c)
{
	if (c->c_cgi == NULL)
		return;
	if (!c->c_cgi->fc_answered)
		front_cgi_kill(c->c_cgi);
	front_cgi_release(c);
}

/* the jail as the hints see it, from the configuration */
static void
front_cgi_hint_jail(struct cgi_hint_jail *hj, const char **binds)
{
	size_t	i;

	for (i = 0; i < front_cfg->cf_nbind && i < CONFIG_BIND_MAX; i++)
		binds[i] = front_cfg->cf_bind[i].cb_dst;
	hj->hj_docroot = front_cfg->cf_root;
	hj->hj_binds = binds;
	hj->hj_nbinds = i;
	hj->hj_network = front_cfg->cf_script_network;
}

/*
 * One line of the script's stderr to the parent's log, as a warning.  Not
 * through log_warnx(), which would take the line as a C string (cut at a
 * NUL) and escape our escapes again: escaped once here, whole, as log.c
 * would.  A long line is cut before its hint, never the hint.
 */
static int
front_cgi_log_stderr(struct front_cgi *fc, const char *line, size_t len)
{
	struct msg_log		 ml;
	struct cgi_hint_jail	 hj;
	const char		*binds[CONFIG_BIND_MAX], *hint;
	char			 esc[MSG_LOG_TEXT_MAX];
	char			 script[MSG_LOG_TEXT_MAX / 4], note[512] = "";
	size_t			 room;

	front_cgi_hint_jail(&hj, binds);
	if ((hint = cgi_hint_stderr(&hj, line, len)) != NULL)
		(void)snprintf(note, sizeof(note), " (hint: %s)", hint);
	log_escape(script, sizeof(script), fc->fc_script,
	    strlen(fc->fc_script));
	memset(&ml, 0, sizeof(ml));
	ml.ml_level = LOG_LVL_WARN;
	(void)snprintf(ml.ml_text, sizeof(ml.ml_text), "cgi[%llu] %s: ",
	    (unsigned long long)fc->fc_reqid, script);
	room = sizeof(ml.ml_text) - strlen(ml.ml_text) - strlen(note);
	log_escape(esc, room < sizeof(esc) ? room : sizeof(esc), line, len);
	(void)strlcat(ml.ml_text, esc, sizeof(ml.ml_text));
	(void)strlcat(ml.ml_text, note, sizeof(ml.ml_text));
	return log_send_parent(MSG_LOG, fc->fc_reqid, &ml, sizeof(ml));
}

static void
front_cgi_stderr_line(struct front_cgi *fc, const char *line, size_t len)
{
	size_t	tl;
	int	logged;

	logged = fc->fc_err_logged < FRONT_STDERR_MAX &&
	    front_cgi_log_stderr(fc, line, len) == 0;
	if (!logged)
		fc->fc_err_dropped += len + 1;
	fc->fc_err_logged += len + 1;
	/* the tail, for --debug pages, and for the log past the cap */
	tl = strlen(fc->fc_tail);
	if (len >= CGI_TAIL_MAX)
		len = CGI_TAIL_MAX - 1;
	if (tl + len + 1 >= CGI_TAIL_MAX) {
		size_t cut = tl + len + 1 - (CGI_TAIL_MAX - 1);

		memmove(fc->fc_tail, fc->fc_tail + cut, tl - cut + 1);
		tl -= cut;
		fc->fc_tail_cut = 1;
	}
	memcpy(fc->fc_tail + tl, line, len);
	fc->fc_tail[tl + len] = '\n';
	fc->fc_tail[tl + len + 1] = '\0';
	fc->fc_tail_unlogged = logged ? 0 : fc->fc_tail_unlogged + len + 1;
	if (fc->fc_tail_unlogged > tl + len + 1)
		fc->fc_tail_unlogged = tl + len + 1;
}

/*
 * Past the cap: how much was not logged, then the whole lines of the
 * tail that were not (a traceback comes last); those are not counted.
 */
static void
front_cgi_stderr_lost(struct front_cgi *fc)
{
	const char	*t = fc->fc_tail, *end = t + strlen(t), *p, *nl;
	size_t		 tail;

	p = end - fc->fc_tail_unlogged;
	if (p == t && fc->fc_tail_cut && (nl = memchr(p, '\n',
	    (size_t)(end - p))) != NULL)
		p = nl + 1;		/* cut by the tail's bound: not whole */
	tail = (size_t)(end - p);
	if (tail > fc->fc_err_dropped)
		tail = 0;		/* cannot be: then log none of it */
	front_cgi_log(fc, LOG_LVL_WARN, "%zu more bytes of stderr not "
	    "logged%s", fc->fc_err_dropped - tail, tail > 0 ?
	    "; its last lines follow" : "");
	for (end = p + tail; p < end; p = nl + 1) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			break;
		(void)front_cgi_log_stderr(fc, p, (size_t)(nl - p));
	}
}

/* stderr ended, or the script did: the partial line, what was lost */
static void
front_cgi_stderr_end(struct front_cgi *fc)
{
	if (fc->fc_elen > 0)
		front_cgi_stderr_line(fc, fc->fc_ebuf, fc->fc_elen);
	fc->fc_elen = 0;
	if (fc->fc_err_dropped > 0)
		front_cgi_stderr_lost(fc);
	fc->fc_err_dropped = 0;
	front_ev_del(&fc->fc_err);
}

/* one read of stderr: 1 if bytes came (more may), else 0 */
int
front_cgi_read_stderr(struct front_cgi *fc)
{
	char	*nl;
	ssize_t	 n;
	size_t	 len;

	n = read(fc->fc_err.fe_fd, fc->fc_ebuf + fc->fc_elen,
	    sizeof(fc->fc_ebuf) - fc->fc_elen);
	if (n == -1 && (errno == EAGAIN || errno == EINTR))
		return 0;
	if (n <= 0) {
		front_cgi_stderr_end(fc);
		return 0;
	}
	fc->fc_elen += (size_t)n;
	while ((nl = memchr(fc->fc_ebuf, '\n', fc->fc_elen)) != NULL) {
		len = (size_t)(nl - fc->fc_ebuf);
		front_cgi_stderr_line(fc, fc->fc_ebuf, len);
		memmove(fc->fc_ebuf, nl + 1, fc->fc_elen - len - 1);
		fc->fc_elen -= len + 1;
	}
	if (fc->fc_elen == sizeof(fc->fc_ebuf)) {	/* over-long line */
		front_cgi_stderr_line(fc, fc->fc_ebuf, fc->fc_elen);
		fc->fc_elen = 0;
	}
	return 1;
}

/*
 * What the stderr pipe holds now, for a page about to be written: a
 * pipe's worth at most, so a script that keeps writing cannot hold us.
 */
void
front_cgi_take_stderr(struct front_cgi *fc)
{
	int	i;

	for (i = 0; i < 64 && fc->fc_err.fe_fd != -1; i++)
		if (front_cgi_read_stderr(fc) == 0)
			break;
}

/* freed after this epoll batch (front_defer_free), off the late list */
static void
front_cgi_late_free(struct front_cgi *fc)
{
	struct front_cgi	**pp;

	for (pp = &front_cgi_late; *pp != NULL; pp = &(*pp)->fc_next_late)
		if (*pp == fc) {
			*pp = fc->fc_next_late;
			break;
		}
	front_ev_del(&fc->fc_in);
	front_ev_del(&fc->fc_out);
	front_ev_del(&fc->fc_err);
	free(fc->fc_obuf);
	free(fc->fc_resp);
	front_cgi_body_free(fc);
	fc->fc_obuf = NULL;
	fc->fc_resp = NULL;
	front_defer_free(fc);
}

/*
 * The script is gone (DONE, or it never ran): what its pipes hold is all
 * it wrote.  Its stderr is logged to the end, the relay freed.
 */
void
front_cgi_late_end(struct front_cgi *fc)
{
	front_cgi_take_stderr(fc);
	if (fc->fc_err.fe_fd != -1)
		front_cgi_stderr_end(fc);
	front_cgi_late_free(fc);
}

/*
 * The connection is done with a relay whose script may still write: its
 * stderr (and, after a HEAD, 204 or 304, its stdout, dropped) is read
 * here until the pipes end or the script does.  fe_conn is cleared: the
 * connection has moved on, and front.c dispatches FRONT_EV_LATE_* here.
 */
void
front_cgi_late_add(struct front_cgi *fc)
{
	if (fc->fc_out.fe_fd != -1) {
		fc->fc_out.fe_kind = FRONT_EV_LATE_OUT;
		fc->fc_out.fe_conn = NULL;
		front_ev_set(&fc->fc_out, EPOLLIN);
	}
	if (fc->fc_err.fe_fd != -1) {
		fc->fc_err.fe_kind = FRONT_EV_LATE_ERR;
		fc->fc_err.fe_conn = NULL;
		front_ev_set(&fc->fc_err, EPOLLIN);
	}
	if (fc->fc_out.fe_fd == -1 && fc->fc_err.fe_fd == -1) {
		front_cgi_late_free(fc);
		return;
	}
	fc->fc_next_late = front_cgi_late;
	front_cgi_late = fc;
}

struct front_cgi *
front_cgi_late_lookup(uint64_t reqid)
{
	struct front_cgi	*fc;

	for (fc = front_cgi_late; fc != NULL; fc = fc->fc_next_late)
		if (fc->fc_reqid == reqid)
			return fc;
	return NULL;
}

void
front_cgi_late_event(struct front_ev *ev, uint32_t events)
{
	struct front_cgi	*fc;
	char			 drop[16384];
	ssize_t			 n;

	if (ev->fe_kind == FRONT_EV_LATE_ERR) {
		fc = (struct front_cgi *)(void *)((char *)ev -
		    offsetof(struct front_cgi, fc_err));
		(void)front_cgi_read_stderr(fc);
	} else {
		fc = (struct front_cgi *)(void *)((char *)ev -
		    offsetof(struct front_cgi, fc_out));
		n = read(ev->fe_fd, drop, sizeof(drop));
		if (n == 0 || (n == -1 && errno != EAGAIN && errno != EINTR))
			front_ev_del(&fc->fc_out);
	}
	if (fc->fc_out.fe_fd == -1 && fc->fc_err.fe_fd == -1)
		front_cgi_late_free(fc);
}
