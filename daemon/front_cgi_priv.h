/* SPDX-License-Identifier: ISC */
/*
 * front_cgi_priv.h: what the two halves of the CGI relay share, and
 * nothing else includes: front_cgi.c (request, body, executor messages)
 * and front_cgi_out.c (the script's stdout and stderr).  Front role.
 */
#ifndef CGIJAIL_FRONT_CGI_PRIV_H
#define CGIJAIL_FRONT_CGI_PRIV_H

#include "cgi_resp.h"
#include "front.h"
#include "log.h"

/* stderr kept for --debug pages */
#define CGI_TAIL_MAX	2048

/* front_cgi.c */
void	front_cgi_log(struct front_conn *, enum log_level, const char *,
	    ...) __attribute__((format(printf, 3, 4)));
void	front_cgi_fail(struct front_conn *, int status);
void	front_cgi_finish(struct front_conn *);
void	front_cgi_drop_body(struct front_conn *);
void	front_cgi_kill(struct front_conn *);

/* front_cgi_out.c */
void	front_cgi_read_stdout(struct front_conn *);
void	front_cgi_stdout_eof(struct front_conn *);
int	front_cgi_read_stderr(struct front_conn *);
void	front_cgi_drain_stderr(struct front_conn *);
void	front_cgi_local_redirect(struct front_conn *);
int	front_cgi_redirect_pending(const struct front_cgi *);
int	front_cgi_new_request(struct front_conn *);

#endif
