/* SPDX-License-Identifier: ISC */
/*
 * config_priv.h: what config.c (lines, words, the command line) and
 * config_kw*.c (one handler per keyword) share.  Pure, like them.
 */
#ifndef CGIJAIL_CONFIG_PRIV_H
#define CGIJAIL_CONFIG_PRIV_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"

#define CONFIG_LINE_MAX		4096	/* bytes, without the newline */
#define CONFIG_ARGS_MAX		16	/* tokens kept per line */
#define CONFIG_SHOW_MAX		48	/* bytes of a bad value echoed back */
#define CONFIG_KIB		1024ULL
#define CONFIG_MIB		(1024ULL * CONFIG_KIB)
#define CONFIG_GIB		(1024ULL * CONFIG_MIB)
#define CONFIG_TIB		(1024ULL * CONFIG_GIB)
#define CONFIG_SIZE_STR		24	/* "18446744073709551615", "16T" */
#define CONFIG_NITEMS(a)	(sizeof(a) / sizeof((a)[0]))

struct config_ctx {
	struct config	*cx_cf;
	const char	*cx_fname;
	size_t		 cx_line;	/* 0: the command line */
	char		*cx_err;
	size_t		 cx_errsz;
	char		 cx_show[4 * CONFIG_SHOW_MAX + 4];
};

/*
 * One line, split.  Tokens are NUL-terminated copies in ln_buf; ln_argv[0]
 * is the keyword (or the option, for the command line) and labels errors.
 */
struct config_line {
	char		 ln_buf[CONFIG_LINE_MAX + 1];
	const char	*ln_argv[CONFIG_ARGS_MAX];
	const char	*ln_raw[CONFIG_ARGS_MAX];	/* starts in the text */
	int		 ln_quoted[CONFIG_ARGS_MAX];
	size_t		 ln_argc;	/* tokens kept */
	size_t		 ln_total;	/* tokens seen */
	const char	*ln_end;	/* where a comment or the line ends */
};

struct config_keyword {
	const char	*kw_name;
	size_t		 kw_min;	/* arguments after the keyword */
	size_t		 kw_max;
	int		(*kw_fn)(struct config_ctx *,
			    const struct config_line *,
			    const struct config_keyword *);
	size_t		 kw_off;	/* field of the generic handlers */
	long long	 kw_lo;		/* range of a number */
	long long	 kw_hi;
};

/* config.c: errors name FILE:LINE (or the command line) */
int	config_err(struct config_ctx *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
/* a bad value, escaped and shortened, for an error message */
const char *config_show(struct config_ctx *, const char *);
int	config_copy(struct config_ctx *, const char *what, char *dst,
	    size_t dstsz, const char *src);
int	config_number(struct config_ctx *, const char *what, const char *s,
	    long long lo, long long hi, long long *out);
/* a size as a person writes it: 16T, 64K, 1000 */
const char *config_size_str(uint64_t, char buf[CONFIG_SIZE_STR]);
/* the line a value set now comes from: a file's, or CONFIG_LINE_CLI */
size_t	config_here(const struct config_ctx *);

/* config_kw.c: a clean absolute path (url: a URL path) into dst */
int	config_set_path(struct config_ctx *, const char *what, char *dst,
	    size_t dstsz, const char *src, int url);
/* config_kw.c: the keyword called name, or NULL */
const struct config_keyword *config_keyword(const char *name);
/* config_kw.c: the table's keyword at index i, NULL past its end */
const struct config_keyword *config_keyword_at(size_t i);
/* config_kw.c: what one keyword cannot check alone, after the last line */
int	config_kw_check(struct config_ctx *);
/* config_kw.c: the generic handlers, and a path checked as one */
int	config_kw_flag(struct config_ctx *, const struct config_line *,
	    const struct config_keyword *);
int	config_kw_int(struct config_ctx *, const struct config_line *,
	    const struct config_keyword *);
int	config_set_path(struct config_ctx *, const char *what, char *dst,
	    size_t dstsz, const char *src, int url);

/* config_kw_sandbox.c: the keywords of the scripts' sandbox */
int	config_kw_timeout(struct config_ctx *, const struct config_line *,
	    const struct config_keyword *);
int	config_kw_limit(struct config_ctx *, const struct config_line *,
	    const struct config_keyword *);
int	config_kw_bind(struct config_ctx *, const struct config_line *,
	    const struct config_keyword *);
int	config_kw_max_scripts(struct config_ctx *,
	    const struct config_line *, const struct config_keyword *);
int	config_kw_landlock(struct config_ctx *, const struct config_line *,
	    const struct config_keyword *);
int	config_kw_landlock_abi(struct config_ctx *,
	    const struct config_line *, const struct config_keyword *);
int	config_kw_uid_range(struct config_ctx *, const struct config_line *,
	    const struct config_keyword *);

/* config_listen.c: listen's options from ln_argv[first] on, into cl */
int	config_listen_opts(struct config_ctx *, const struct config_line *,
	    size_t first, struct config_listen *);
/* config_listen.c: tls-certificate, tls-key, tls-ocsp-staple; proxy-from */
int	config_kw_tls_file(struct config_ctx *, const struct config_line *,
	    const struct config_keyword *);
int	config_kw_proxy_from(struct config_ctx *, const struct config_line *,
	    const struct config_keyword *);
/* config_listen.c: what a tls or proxy-protocol listener needs */
int	config_listen_check(struct config_ctx *);

/* config_kw_auth.c: authenticate [PREFIX] REALM with FILE */
int	config_kw_auth(struct config_ctx *, const struct config_line *,
	    const struct config_keyword *);
/*
 * config_kw_auth.c: authenticate on a listener without tls is refused
 * unless authenticate-insecure says so: 0, or -1 with the line in *line
 * and why in why.  Run on the final listeners (after -b and PORT).
 */
int	config_auth_listeners(const struct config *, size_t *line, char *why,
	    size_t whysz);
/* config_kw_userdir.c: the userdir keywords, and their check across lines */
int	config_kw_userdir(struct config_ctx *, const struct config_line *,
	    const struct config_keyword *);
int	config_kw_userdir_uid(struct config_ctx *, const struct config_line *,
	    const struct config_keyword *);
int	config_kw_userdir_scripts(struct config_ctx *,
	    const struct config_line *, const struct config_keyword *);
int	config_kw_userdir_writable(struct config_ctx *,
	    const struct config_line *, const struct config_keyword *);
int	config_kw_userdir_debug(struct config_ctx *,
	    const struct config_line *, const struct config_keyword *);
int	config_kw_userdir_limits(struct config_ctx *,
	    const struct config_line *, const struct config_keyword *);
int	config_kw_userdir_check(struct config_ctx *);
/* config_kw_metrics.c: metrics ADDRESS PORT [non-loopback] */
int	config_kw_metrics(struct config_ctx *, const struct config_line *,
	    const struct config_keyword *);

#endif
