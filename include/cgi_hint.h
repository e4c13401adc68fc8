/* SPDX-License-Identifier: ISC */
/*
 * cgi_hint.h: what a line of a script's stderr says about the jail, as a
 * hint for whoever reads the log (cgi_hint.c, pure).  Front role.
 */
#ifndef CGIJAIL_CGI_HINT_H
#define CGIJAIL_CGI_HINT_H

#include <stddef.h>

/* what the jail shows a script besides the system paths it always has */
struct cgi_hint_jail {
	const char		*hj_docroot;	/* absolute */
	const char *const	*hj_binds;	/* jail-bind(-rw) targets */
	size_t			 hj_nbinds;
	int			 hj_network;	/* script-network on */
};

/*
 * The hint for one stderr line of len bytes (any bytes, no NUL needed),
 * or NULL when the line is none of the jail's doing: a static sentence
 * naming the keyword that changes it.
 */
const char	*cgi_hint_stderr(const struct cgi_hint_jail *, const char *line,
		    size_t len);
/* 1 if the absolute path of len bytes is one the jail shows, else 0 */
int		 cgi_hint_in_jail(const struct cgi_hint_jail *,
		    const char *path, size_t len);

#endif
