/* SPDX-License-Identifier: ISC */
/*
 * cgi_env.h: the CGI/1.1 (RFC 3875) environment of a script.
 * cgi_env_build() runs in the executor on a validated msg_exec_req.
 * No I/O, no allocation.
 */
#ifndef CGIJAIL_CGI_ENV_H
#define CGIJAIL_CGI_ENV_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "msg.h"
#include "version.h"

#define CGI_ENV_MAX		256		/* variables */
#define CGI_ENV_BUF		(64 * 1024)	/* bytes of "NAME=value\0" */
/* SERVER_SOFTWARE, and the front's Server: field */
#define CGI_SERVER_SOFTWARE	CGIJAIL_SOFTWARE

struct cgi_env {
	char		*ce_envp[CGI_ENV_MAX + 1];	/* NULL-terminated */
	size_t		 ce_n;
	char		 ce_buf[CGI_ENV_BUF];
	size_t		 ce_used;
};

/*
 * Build the environment from a validated request: the RFC 3875
 * meta-variables, PATH, HTTP_* (minus Proxy, Authorization unless
 * configured, Proxy-Authorization, Content-Length/-Type, Transfer-Encoding;
 * repeated fields merged with ", ", Cookie with "; "), then the config's
 * setenv lines.  script_filename: absolute file; docroot: absolute; cf may
 * be NULL (no setenv, no Authorization).  0, or -1 when a field is not
 * NUL-terminated, er_headers is malformed, a setenv name is not allowed, or
 * it does not fit; after -1 the environment is empty, never truncated.
 */
int	cgi_env_build(struct cgi_env *, const struct msg_exec_req *,
	    const struct config *, const char *script_filename,
	    const char *docroot);
/* value of NAME, or NULL */
const char *cgi_env_get(const struct cgi_env *, const char *name);

#endif
