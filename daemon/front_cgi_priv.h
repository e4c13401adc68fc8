/* SPDX-License-Identifier: ISC */
/*
 * front_cgi_priv.h: what the parts of the CGI relay share, and nothing
 * else includes: front_cgi.c (request, body, executor messages),
 * front_cgi_out.c (the script's stdout) and front_cgi_late.c (the end of
 * a relay, the script's stderr, relays that outlive their response).
 * Front role.
 */
#ifndef CGIJAIL_FRONT_CGI_PRIV_H
#define CGIJAIL_FRONT_CGI_PRIV_H

#include "cgi_resp.h"
#include "front.h"
#include "log.h"
#include "msg.h"

/* stderr kept for --debug pages */
#define CGI_TAIL_MAX		2048
/*
 * A body the script left unread is read and dropped, so the connection
 * stays in step, up to this much still to come; more, and the response
 * says Connection: close.
 */
#define CGI_DRAIN_MAX		(1024 * 1024)
/*
 * stdout ended, the script still runs: a dying script's DONE is on its
 * way; one still alive after this closed its stdout and has answered.
 */
#define CGI_EOF_WAIT_MS		1000

/* front_cgi.c */
void	front_cgi_log(struct front_cgi *, enum log_level, const char *,
	    ...) __attribute__((format(printf, 3, 4)));
void	front_cgi_fail(struct front_conn *, int status, const char *why);
void	front_cgi_cut(struct front_conn *);
void	front_cgi_body_free(struct front_cgi *);
void	front_cgi_finish(struct front_conn *);
void	front_cgi_drop_body(struct front_conn *);
int64_t	front_cgi_body_unsent(const struct front_conn *);
void	front_cgi_write_stdin(struct front_conn *);
void	front_cgi_answered(struct front_conn *);

/* front_cgi_out.c */
void	front_cgi_read_stdout(struct front_conn *);
void	front_cgi_stdout_eof(struct front_conn *);
void	front_cgi_stdout_judge(struct front_conn *);
void	front_cgi_local_redirect(struct front_conn *);
int	front_cgi_redirect_pending(const struct front_cgi *);
int	front_cgi_new_request(struct front_conn *);

/* front_cgi_late.c */
void	front_cgi_release(struct front_conn *);
int	front_cgi_read_stderr(struct front_cgi *);
void	front_cgi_take_stderr(struct front_cgi *);
void	front_cgi_late_add(struct front_cgi *);
void	front_cgi_kill(struct front_cgi *);
struct front_cgi *front_cgi_late_lookup(uint64_t reqid);
void	front_cgi_late_end(struct front_cgi *);

#endif
