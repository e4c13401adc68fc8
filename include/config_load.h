/* SPDX-License-Identifier: ISC */
/*
 * config_load.h: a configuration from its sources, and the checks that
 * need the file system.  Every role loads at start; the parent again on
 * SIGHUP.
 */
#ifndef CGIJAIL_CONFIG_LOAD_H
#define CGIJAIL_CONFIG_LOAD_H

#include <stddef.h>
#include <stdio.h>

#include "config.h"

/* where a configuration comes from */
struct config_load_src {
	struct config_cli	 cls_cli;	/* applied last, wins */
	const char		*cls_path;	/* -c FILE, or NULL: none */
	int			 cls_sealed;	/* 1: PROC_FD_CONFIG (a child) */
};

/*
 * Defaults, then the file (or the sealed copy), then the command line:
 * the one way a configuration is made.  0 with the text read in *text
 * (malloc'd, *len bytes, for the parent to seal for its children), or -1
 * with the reason in err.  The sources are kept for config_load_reload().
 */
int	config_load_file(const struct config_load_src *, struct config *,
	    char **text, size_t *len, char *err, size_t errsz);
/* parent, SIGHUP: the same sources again, checked the same way */
int	config_load_reload(struct config *, char **text, size_t *len,
	    char *err, size_t errsz);
/*
 * What the roles will need, resolved and checked by the parent before it
 * binds (and by -n): the document root, both accounts, the jail-bind
 * sources, the interpreters, the policy files, the log directories, the
 * TLS files.  -1 with "FILE:LINE: message" (or "command line: ...",
 * "cgijail: ..." for a default).
 */
int	config_load_validate(const struct config *, char *err, size_t errsz);
/*
 * Parent, after config_load_validate(): the students userdir serves,
 * resolved (userdir_load()), and their table appended to *text after a
 * NUL for the roles.  -1 with FILE:LINE in err (the limits file).
 */
int	config_load_userdir(struct config *, char **text, size_t *len,
	    char *err, size_t errsz);
/*
 * config_dump.c, for -n: every keyword with its value, defaults included,
 * as a configuration file that parses back to the same settings
 */
void	config_dump(FILE *, const struct config *);
/* "FILE:LINE", "command line" or "cgijail" (a default) for a value's line */
const char *config_load_where(const struct config *, size_t line, char *buf,
	    size_t bufsz);
/* "WHERE: message" into err, WHERE as config_load_where() says; -1 */
int	config_load_err(const struct config *, size_t line, char *err,
	    size_t errsz, const char *fmt, ...)
	    __attribute__((format(printf, 5, 6)));

#endif
