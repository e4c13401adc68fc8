/*
 * config.c: the configuration file and the command line, into struct config.
 * Pure (no file I/O): the parent parses the text it read, children re-parse
 * the sealed copy.  Trusts nothing in the text; every error is FILE:LINE.
 */
#include <sys/types.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <vis.h>

#include "config.h"

#define CONFIG_LINE_MAX		4096	/* bytes, without the newline */
#define CONFIG_ARGS_MAX		16	/* tokens kept per line */
#define CONFIG_SHOW_MAX		48	/* bytes of a bad value echoed back */
#define CONFIG_USER_MAX		32	/* useradd's limit */
#define CONFIG_KIB		1024ULL
#define CONFIG_MIB		(1024ULL * CONFIG_KIB)
#define CONFIG_GIB		(1024ULL * CONFIG_MIB)
#define CONFIG_TIB		(1024ULL * CONFIG_GIB)
#define CONFIG_ALNUM		"0123456789abcdefghijklmnopqrstuvwxyz" \
				"ABCDEFGHIJKLMNOPQRSTUVWXYZ"
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

struct config_limit {
	const char	*lk_name;
	size_t		 lk_off;	/* in struct config_limits */
	int		 lk_size;	/* K/M/G suffixes allowed */
	uint64_t	 lk_lo;
	uint64_t	 lk_hi;
};

/* set by cgijail for every request; a config line must not shadow them */
static const char *const config_meta_vars[] = {
	"AUTH_TYPE", "CONTENT_LENGTH", "CONTENT_TYPE", "GATEWAY_INTERFACE",
	"PATH_INFO", "PATH_TRANSLATED", "QUERY_STRING", "REMOTE_ADDR",
	"REMOTE_HOST", "REMOTE_IDENT", "REMOTE_USER", "REQUEST_METHOD",
	"SCRIPT_NAME", "SERVER_NAME", "SERVER_PORT", "SERVER_PROTOCOL",
	"SERVER_SOFTWARE", "REQUEST_URI", "SCRIPT_FILENAME", "DOCUMENT_ROOT",
	"SERVER_ADDR", "REQUEST_SCHEME", "HTTPS", "REDIRECT_STATUS",
	"REMOTE_PORT", "PATH"
};

/*
 * Lower bounds keep a script runnable (ld.so needs a few descriptors; a
 * tmpfs of size 0 would be unlimited), upper bounds catch a lost digit.
 */
#define CONFIG_LIM(f)	offsetof(struct config_limits, f)
static const struct config_limit config_limits[] = {
	{ "cpu", CONFIG_LIM(lim_cpu_sec), 0, 1, 86400 },
	{ "memory", CONFIG_LIM(lim_memory_bytes), 1, CONFIG_MIB,
	    16 * CONFIG_TIB },
	{ "processes", CONFIG_LIM(lim_processes), 0, 1, 65536 },
	{ "file-size", CONFIG_LIM(lim_file_size_bytes), 1, 0,
	    16 * CONFIG_TIB },
	{ "open-files", CONFIG_LIM(lim_open_files), 0, 8, 1048576 },
	{ "tmp", CONFIG_LIM(lim_tmp_bytes), 1, 64 * CONFIG_KIB, CONFIG_TIB },
};

static int	config_err(struct config_ctx *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));

static int
config_err(struct config_ctx *cx, const char *fmt, ...)
{
	char	msg[CONFIG_ERR_MAX];
	va_list	ap;

	if (cx->cx_err == NULL || cx->cx_errsz == 0)
		return -1;
	va_start(ap, fmt);
	(void)vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (cx->cx_line == 0)
		(void)snprintf(cx->cx_err, cx->cx_errsz, "command line: %s",
		    msg);
	else
		(void)snprintf(cx->cx_err, cx->cx_errsz, "%s:%zu: %s",
		    cx->cx_fname, cx->cx_line, msg);
	return -1;
}

/* a bad value, escaped and shortened, for an error message */
static const char *
config_show(struct config_ctx *cx, const char *s)
{
	size_t	len = strlen(s);

	(void)strvisx(cx->cx_show, s, len > CONFIG_SHOW_MAX ?
	    CONFIG_SHOW_MAX : len, VIS_OCTAL | VIS_CSTYLE | VIS_TAB | VIS_NL);
	if (len > CONFIG_SHOW_MAX)
		(void)strlcat(cx->cx_show, "...", sizeof(cx->cx_show));
	return cx->cx_show;
}

static int
config_copy(struct config_ctx *cx, const char *what, char *dst, size_t dstsz,
    const char *src)
{
	if (strlcpy(dst, src, dstsz) < dstsz)
		return 0;
	dst[0] = '\0';
	return config_err(cx, "%s: too long (max %zu bytes)", what, dstsz - 1);
}

static int
config_number(struct config_ctx *cx, const char *what, const char *s,
    long long lo, long long hi, long long *out)
{
	const char	*errstr = "invalid";

	/* strtonum alone would take blanks and a sign */
	if (s[0] != '\0' && strspn(s, "0123456789") == strlen(s)) {
		*out = strtonum(s, lo, hi, &errstr);
		if (errstr == NULL)
			return 0;
	}
	return config_err(cx, "%s: '%s' is %s (expected %lld-%lld)", what,
	    config_show(cx, s), errstr, lo, hi);
}

int
config_parse_size(const char *s, uint64_t *out)
{
	uint64_t	 v = 0, mult = 1;
	size_t		 i;

	if (s == NULL || s[0] < '0' || s[0] > '9')
		return -1;
	for (i = 0; s[i] >= '0' && s[i] <= '9'; i++) {
		if (v > (UINT64_MAX - (uint64_t)(s[i] - '0')) / 10)
			return -1;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	if (s[i] == 'k' || s[i] == 'K')
		mult = CONFIG_KIB;
	else if (s[i] == 'm' || s[i] == 'M')
		mult = CONFIG_MIB;
	else if (s[i] == 'g' || s[i] == 'G')
		mult = CONFIG_GIB;
	else if (s[i] != '\0')
		return -1;
	if ((mult > 1 && s[i + 1] != '\0') || v > UINT64_MAX / mult)
		return -1;
	*out = v * mult;
	return 0;
}

/*
 * NULL, or why p is no clean absolute path.  URL paths (url) are compared
 * with decoded request paths, so they are kept plainer still.
 */
static const char *
config_path_error(const char *p, int url)
{
	const char	*seg, *slash;
	size_t		 n;

	if (p[0] != '/')
		return url ? "must start with '/'" : "must be an absolute path";
	if (url && strstr(p, "..") != NULL)
		return "must not contain '..'";
	for (seg = p + 1; ; seg = slash + 1) {
		slash = strchr(seg, '/');
		n = slash ? (size_t)(slash - seg) : strlen(seg);
		if (n == 0 && slash != NULL)
			return "must not contain '//'";
		if (n > 0 && n <= 2 && strncmp(seg, "..", n) == 0)
			return "must not contain '.' or '..' components";
		if (slash == NULL)
			break;
	}
	for (; *p != '\0'; p++) {
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return "must not contain control characters";
		if (url && strchr(" ?#%\\\"", *p) != NULL)
			return "must not contain spaces or ?#%\\\"";
	}
	return NULL;
}

static int
config_set_path(struct config_ctx *cx, const char *what, char *dst,
    size_t dstsz, const char *src, int url)
{
	const char	*why;

	if ((why = config_path_error(src, url)) != NULL)
		return config_err(cx, "%s: '%s' %s", what,
		    config_show(cx, src), why);
	return config_copy(cx, what, dst, dstsz, src);
}

static int
config_kw_flag(struct config_ctx *cx, const struct config_line *ln,
    const struct config_keyword *kw)
{
	int	*field = (int *)(void *)((char *)cx->cx_cf + kw->kw_off);

	if (strcmp(ln->ln_argv[1], "on") == 0)
		*field = 1;
	else if (strcmp(ln->ln_argv[1], "off") == 0)
		*field = 0;
	else
		return config_err(cx, "%s: expected 'on' or 'off', not '%s'",
		    ln->ln_argv[0], config_show(cx, ln->ln_argv[1]));
	return 0;
}

static int
config_kw_int(struct config_ctx *cx, const struct config_line *ln,
    const struct config_keyword *kw)
{
	int		*field;
	long long	 v;

	if (kw->kw_off == offsetof(struct config, cf_timeout_status) &&
	    strcmp(ln->ln_argv[1], "500") != 0 &&
	    strcmp(ln->ln_argv[1], "504") != 0)
		return config_err(cx, "%s: expected 500 or 504, not '%s'",
		    kw->kw_name, config_show(cx, ln->ln_argv[1]));
	if (config_number(cx, ln->ln_argv[0], ln->ln_argv[1], kw->kw_lo,
	    kw->kw_hi, &v) == -1)
		return -1;
	field = (int *)(void *)((char *)cx->cx_cf + kw->kw_off);
	*field = (int)v;
	return 0;
}

/* "*", "localhost", an IPv4 literal or an IPv6 literal, maybe in [] */
static int
config_listen_addr(struct config_ctx *cx, const char *what, const char *addr,
    char *host, size_t hostsz)
{
	struct in6_addr	a6;
	size_t		len = strlen(addr);

	host[0] = '\0';
	if (strcmp(addr, "*") == 0)
		return 0;
	if (len > 2 && len < hostsz && addr[0] == '[' && addr[len - 1] == ']') {
		memcpy(host, addr + 1, len - 2);
		host[len - 2] = '\0';
		if (inet_pton(AF_INET6, host, &a6) == 1)
			return 0;
	} else if (len < hostsz && (strcmp(addr, "localhost") == 0 ||
	    inet_pton(AF_INET, addr, &a6) == 1 ||
	    inet_pton(AF_INET6, addr, &a6) == 1)) {
		(void)strlcpy(host, addr, hostsz);
		return 0;
	}
	return config_err(cx, "%s: bad address '%s' (expected *, localhost "
	    "or an IP address)", what, config_show(cx, addr));
}

static int
config_kw_listen(struct config_ctx *cx, const struct config_line *ln,
    const struct config_keyword *kw)
{
	struct config		*cf = cx->cx_cf;
	struct config_listen	*cl = &cf->cf_listen[cf->cf_nlisten];
	long long		 port;
	size_t			 i;

	if (ln->ln_argc > 3 && (strcmp(ln->ln_argv[3], "tls") == 0 ||
	    strcmp(ln->ln_argv[3], "proxy-protocol") == 0))
		return config_err(cx, "'%s' is not supported yet",
		    ln->ln_argv[3]);
	if (ln->ln_argc > 3)
		return config_err(cx, "listen: unknown option '%s'",
		    config_show(cx, ln->ln_argv[3]));
	if (cf->cf_nlisten >= CONFIG_LISTEN_MAX)
		return config_err(cx, "too many listen lines (max %d)",
		    CONFIG_LISTEN_MAX);
	if (config_listen_addr(cx, ln->ln_argv[0], ln->ln_argv[1],
	    cl->cl_addr, sizeof(cl->cl_addr)) == -1 ||
	    config_number(cx, ln->ln_argv[0], ln->ln_argv[2], 1, 65535,
	    &port) == -1)
		return -1;
	(void)snprintf(cl->cl_port, sizeof(cl->cl_port), "%lld", port);
	for (i = 0; i < cf->cf_nlisten; i++)
		if (strcmp(cf->cf_listen[i].cl_addr, cl->cl_addr) == 0 &&
		    strcmp(cf->cf_listen[i].cl_port, cl->cl_port) == 0)
			return config_err(cx, "%s: address and port given "
			    "twice", ln->ln_argv[0]);
	cf->cf_nlisten++;
	return 0;
}

/* the caller resolves a relative root against its working directory */
static int
config_kw_root(struct config_ctx *cx, const struct config_line *ln,
    const struct config_keyword *kw)
{
	const char	*dir = ln->ln_argv[1], *p;

	for (p = dir; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return config_err(cx, "%s: control character in "
			    "directory", ln->ln_argv[0]);
	if (dir[0] == '\0')
		return config_err(cx, "%s: empty directory", ln->ln_argv[0]);
	return config_copy(cx, ln->ln_argv[0], cx->cx_cf->cf_root,
	    sizeof(cx->cx_cf->cf_root), dir);
}

/* one index line replaces the list: names are tried in the given order */
static int
config_kw_index(struct config_ctx *cx, const struct config_line *ln,
    const struct config_keyword *kw)
{
	struct config	*cf = cx->cx_cf;
	const char	*name;
	size_t		 i;

	for (i = 1; i < ln->ln_argc; i++) {
		name = ln->ln_argv[i];
		if (name[0] == '\0' || strpbrk(name, "/\t") != NULL ||
		    strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
			return config_err(cx, "index: '%s' is not a file name",
			    config_show(cx, name));
		if (config_copy(cx, "index", cf->cf_index[i - 1],
		    sizeof(cf->cf_index[i - 1]), name) == -1)
			return -1;
	}
	cf->cf_nindex = ln->ln_argc - 1;
	return 0;
}

static int
config_kw_max_body(struct config_ctx *cx, const struct config_line *ln,
    const struct config_keyword *kw)
{
	uint64_t	v;

	if (config_parse_size(ln->ln_argv[1], &v) == -1 || v > INT64_MAX)
		return config_err(cx, "max-body: bad size '%s' (a number with "
		    "an optional K, M or G)", config_show(cx, ln->ln_argv[1]));
	cx->cx_cf->cf_max_body_bytes = v;
	return 0;
}

/* stored without a trailing '/'; "/" itself would make every file a script */
static int
config_kw_cgidir(struct config_ctx *cx, const struct config_line *ln,
    const struct config_keyword *kw)
{
	struct config		*cf = cx->cx_cf;
	struct config_cgidir	*cd = &cf->cf_cgidir[cf->cf_ncgidir];
	const char		*what = ln->ln_argv[0];
	size_t			 i, len;

	if (cf->cf_ncgidir >= CONFIG_CGIDIR_MAX)
		return config_err(cx, "too many cgi-dir lines (max %d)",
		    CONFIG_CGIDIR_MAX);
	if (config_set_path(cx, what, cd->cd_urlpath, sizeof(cd->cd_urlpath),
	    ln->ln_argv[1], 1) == -1)
		return -1;
	len = strlen(cd->cd_urlpath);
	if (len == 1)
		return config_err(cx, "%s: '/' would make every file a "
		    "script; use cgi-route", what);
	if (cd->cd_urlpath[len - 1] == '/')
		cd->cd_urlpath[len - 1] = '\0';
	for (i = 0; i < cf->cf_ncgidir; i++)
		if (strcmp(cf->cf_cgidir[i].cd_urlpath, cd->cd_urlpath) == 0)
			return config_err(cx, "%s: '%s' given twice", what,
			    config_show(cx, cd->cd_urlpath));
	cd->cd_policy[0] = '\0';
	if (ln->ln_argc > 2 && config_set_path(cx, what, cd->cd_policy,
	    sizeof(cd->cd_policy), ln->ln_argv[2], 0) == -1)
		return -1;
	cf->cf_ncgidir++;
	return 0;
}

static int
config_kw_route(struct config_ctx *cx, const struct config_line *ln,
    const struct config_keyword *kw)
{
	struct config		*cf = cx->cx_cf;
	struct config_route	*cr = &cf->cf_route[cf->cf_nroute];
	size_t			 i;

	if (cf->cf_nroute >= CONFIG_ROUTE_MAX)
		return config_err(cx, "too many cgi-route lines (max %d)",
		    CONFIG_ROUTE_MAX);
	if (config_set_path(cx, "cgi-route", cr->cr_prefix,
	    sizeof(cr->cr_prefix), ln->ln_argv[1], 1) == -1 ||
	    config_set_path(cx, "cgi-route", cr->cr_script,
	    sizeof(cr->cr_script), ln->ln_argv[2], 1) == -1)
		return -1;
	if (cr->cr_script[strlen(cr->cr_script) - 1] == '/')
		return config_err(cx, "cgi-route: script '%s' is a directory",
		    config_show(cx, cr->cr_script));
	for (i = 0; i < cf->cf_nroute; i++)
		if (strcmp(cf->cf_route[i].cr_prefix, cr->cr_prefix) == 0)
			return config_err(cx, "cgi-route: '%s' given twice",
			    config_show(cx, cr->cr_prefix));
	cf->cf_nroute++;
	return 0;
}

static int
config_kw_interp(struct config_ctx *cx, const struct config_line *ln,
    const struct config_keyword *kw)
{
	struct config		*cf = cx->cx_cf;
	struct config_interp	*ci = &cf->cf_interp[cf->cf_ninterp];
	const char		*ext = ln->ln_argv[1];
	size_t			 i;

	if (cf->cf_ninterp >= CONFIG_INTERP_MAX)
		return config_err(cx, "too many interpreter lines (max %d)",
		    CONFIG_INTERP_MAX);
	if (ext[0] != '.' || ext[1] == '\0' ||
	    strspn(ext + 1, CONFIG_ALNUM) != strlen(ext + 1))
		return config_err(cx, "interpreter: bad extension '%s' "
		    "(expected .[A-Za-z0-9]+)", config_show(cx, ext));
	if (config_copy(cx, "interpreter", ci->ci_ext, sizeof(ci->ci_ext),
	    ext) == -1 || config_set_path(cx, "interpreter", ci->ci_path,
	    sizeof(ci->ci_path), ln->ln_argv[2], 0) == -1)
		return -1;
	for (i = 0; i < cf->cf_ninterp; i++)
		if (strcmp(cf->cf_interp[i].ci_ext, ext) == 0)
			return config_err(cx, "interpreter: '%s' given twice",
			    ext);
	cf->cf_ninterp++;
	return 0;
}

/* NULL, or why NAME may not be set from the config */
static const char *
config_setenv_name_error(const char *name)
{
	size_t	i;

	if (name[0] == '\0' || (name[0] >= '0' && name[0] <= '9') ||
	    strspn(name, CONFIG_ALNUM "_") != strlen(name))
		return "is not a variable name ([A-Za-z_][A-Za-z0-9_]*)";
	for (i = 0; i < CONFIG_NITEMS(config_meta_vars); i++)
		if (strcmp(name, config_meta_vars[i]) == 0)
			return "is a CGI meta-variable that cgijail sets";
	if (strncasecmp(name, "HTTP_", 5) == 0)
		return "is reserved for request headers (HTTP_*)";
	if (strncasecmp(name, "LD_", 3) == 0)
		return "would change how the dynamic loader runs every "
		    "script (LD_*)";
	return NULL;
}

/*
 * The value is the rest of the line after the name.  Unquoted, it is taken
 * verbatim up to a '#' (a comment, as everywhere) with trailing blanks
 * trimmed; to keep a '#' or edge blanks, quote the whole value.  A quote
 * anywhere else is an error, so what is stored is never a guess.
 */
static int
config_setenv_value(struct config_ctx *cx, const struct config_line *ln,
    char *dst, size_t dstsz)
{
	const char	*start = ln->ln_raw[2], *end = ln->ln_end;

	if (ln->ln_quoted[2] && ln->ln_total > 3)
		return config_err(cx, "setenv: text after the quoted value");
	if (ln->ln_quoted[2])
		return config_copy(cx, "setenv: value", dst, dstsz,
		    ln->ln_argv[2]);
	while (end > start && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	if (memchr(start, '"', (size_t)(end - start)) != NULL)
		return config_err(cx, "setenv: quote the whole value or none "
		    "of it");
	if ((size_t)(end - start) >= dstsz)
		return config_err(cx, "setenv: value: too long (max %zu "
		    "bytes)", dstsz - 1);
	memcpy(dst, start, (size_t)(end - start));
	dst[end - start] = '\0';
	return 0;
}

static int
config_kw_setenv(struct config_ctx *cx, const struct config_line *ln,
    const struct config_keyword *kw)
{
	struct config		*cf = cx->cx_cf;
	struct config_setenv	*cs = &cf->cf_setenv[cf->cf_nsetenv];
	const char		*name = ln->ln_argv[1], *why;
	size_t			 i;

	if (cf->cf_nsetenv >= CONFIG_SETENV_MAX)
		return config_err(cx, "too many setenv lines (max %d)",
		    CONFIG_SETENV_MAX);
	if ((why = config_setenv_name_error(name)) != NULL)
		return config_err(cx, "setenv: '%s' %s", config_show(cx, name),
		    why);
	for (i = 0; i < cf->cf_nsetenv; i++)
		if (strcmp(cf->cf_setenv[i].cs_name, name) == 0)
			return config_err(cx, "setenv: '%s' given twice", name);
	if (config_copy(cx, "setenv: name", cs->cs_name, sizeof(cs->cs_name),
	    name) == -1 || config_setenv_value(cx, ln, cs->cs_value,
	    sizeof(cs->cs_value)) == -1)
		return -1;
	cf->cf_nsetenv++;
	return 0;
}

/* a login name; root, or one user for both roles, undoes the separation */
static int
config_kw_user(struct config_ctx *cx, const struct config_line *ln,
    const struct config_keyword *kw)
{
	struct config	*cf = cx->cx_cf;
	const char	*name = ln->ln_argv[1], *other;
	char		*dst = (char *)cf + kw->kw_off;
	size_t		 len = strlen(name);

	if (len == 0 || len > CONFIG_USER_MAX || name[0] == '-' ||
	    strspn(name, CONFIG_ALNUM "_.-") != len)
		return config_err(cx, "%s: '%s' is not a user name",
		    kw->kw_name, config_show(cx, name));
	if (strcmp(name, "root") == 0)
		return config_err(cx, "%s: must not be root", kw->kw_name);
	other = dst == cf->cf_user ? cf->cf_script_user : cf->cf_user;
	if (strcmp(name, other) == 0)
		return config_err(cx, "%s: the front and the scripts must run "
		    "as different users", kw->kw_name);
	return config_copy(cx, kw->kw_name, dst, CONFIG_NAME_MAX, name);
}

static int
config_kw_timeout(struct config_ctx *cx, const struct config_line *ln,
    const struct config_keyword *kw)
{
	long long	v;

	if (config_number(cx, ln->ln_argv[0], ln->ln_argv[1], 0, 86400,
	    &v) == -1)
		return -1;
	cx->cx_cf->cf_timeout_sec = (uint64_t)v;
	return 0;
}

static int
config_kw_limit(struct config_ctx *cx, const struct config_line *ln,
    const struct config_keyword *kw)
{
	const struct config_limit	*lk;
	const char			*val = ln->ln_argv[2];
	uint64_t			 v = 0;
	size_t				 i;
	int				 bad;

	for (i = 0; i < CONFIG_NITEMS(config_limits); i++)
		if (strcmp(ln->ln_argv[1], config_limits[i].lk_name) == 0)
			break;
	if (i == CONFIG_NITEMS(config_limits))
		return config_err(cx, "limit: unknown limit '%s' (cpu, memory, "
		    "processes, file-size, open-files, tmp)",
		    config_show(cx, ln->ln_argv[1]));
	lk = &config_limits[i];
	bad = config_parse_size(val, &v) == -1 ||
	    (!lk->lk_size && strspn(val, "0123456789") != strlen(val));
	if (bad || v < lk->lk_lo || v > lk->lk_hi)
		return config_err(cx, "limit %s: '%s' is %s (expected "
		    "%llu-%llu%s)", lk->lk_name, config_show(cx, val),
		    bad ? "invalid" : "out of range",
		    (unsigned long long)lk->lk_lo,
		    (unsigned long long)lk->lk_hi,
		    lk->lk_size ? " bytes, K/M/G allowed" : "");
	memcpy((char *)&cx->cx_cf->cf_limits + lk->lk_off, &v, sizeof(v));
	return 0;
}

static int
config_kw_bind(struct config_ctx *cx, const struct config_line *ln,
    const struct config_keyword *kw)
{
	struct config		*cf = cx->cx_cf;
	struct config_bind	*cb = &cf->cf_bind[cf->cf_nbind];
	const char		*what = kw->kw_name;
	size_t			 i;

	if (cf->cf_nbind >= CONFIG_BIND_MAX)
		return config_err(cx, "too many jail-bind lines (max %d)",
		    CONFIG_BIND_MAX);
	if (config_set_path(cx, what, cb->cb_src, sizeof(cb->cb_src),
	    ln->ln_argv[1], 0) == -1 || config_set_path(cx, what, cb->cb_dst,
	    sizeof(cb->cb_dst), ln->ln_argv[ln->ln_argc > 2 ? 2 : 1], 0) == -1)
		return -1;
	if (strcmp(cb->cb_dst, "/") == 0)
		return config_err(cx, "%s: cannot mount over the jail's /",
		    what);
	for (i = 0; i < cf->cf_nbind; i++)
		if (strcmp(cf->cf_bind[i].cb_dst, cb->cb_dst) == 0)
			return config_err(cx, "%s: target '%s' given twice",
			    what, config_show(cx, cb->cb_dst));
	cb->cb_rw = strcmp(what, "jail-bind-rw") == 0;
	cf->cf_nbind++;
	return 0;
}

static int
config_kw_log(struct config_ctx *cx, const struct config_line *ln,
    const struct config_keyword *kw)
{
	char	*dst = (char *)cx->cx_cf + kw->kw_off;

	if (strcmp(ln->ln_argv[1], "syslog") == 0)
		return config_copy(cx, kw->kw_name, dst, PATH_MAX, "syslog");
	return config_set_path(cx, kw->kw_name, dst, PATH_MAX,
	    ln->ln_argv[1], 0);
}

#define CONFIG_OFF(f)	offsetof(struct config, f)
#define CONFIG_NOTYET	0, 0, NULL, 0, 0, 0

static const struct config_keyword config_keywords[] = {
	{ "listen", 2, 4, config_kw_listen, 0, 0, 0 },
	{ "proxy-from", CONFIG_NOTYET },
	{ "tls-certificate", CONFIG_NOTYET },
	{ "tls-key", CONFIG_NOTYET },
	{ "max-connections", 1, 1, config_kw_int,
	    CONFIG_OFF(cf_max_connections), 1, 1048576 },
	{ "root", 1, 1, config_kw_root, 0, 0, 0 },
	{ "index", 1, CONFIG_INDEX_MAX, config_kw_index, 0, 0, 0 },
	{ "autoindex", 1, 1, config_kw_flag, CONFIG_OFF(cf_autoindex), 0, 0 },
	{ "max-body", 1, 1, config_kw_max_body, 0, 0, 0 },
	{ "userdir", CONFIG_NOTYET },
	{ "cgi-dir", 1, 2, config_kw_cgidir, 0, 0, 0 },
	{ "cgi-route", 2, 2, config_kw_route, 0, 0, 0 },
	{ "interpreter", 2, 2, config_kw_interp, 0, 0, 0 },
	{ "setenv", 2, SIZE_MAX, config_kw_setenv, 0, 0, 0 },
	{ "pass-authorization", 1, 1, config_kw_flag,
	    CONFIG_OFF(cf_pass_authorization), 0, 0 },
	{ "max-scripts", 1, 1, config_kw_int, CONFIG_OFF(cf_max_scripts),
	    1, 4096 },
	{ "debug", 1, 1, config_kw_flag, CONFIG_OFF(cf_debug), 0, 0 },
	{ "user", 1, 1, config_kw_user, CONFIG_OFF(cf_user), 0, 0 },
	{ "script-user", 1, 1, config_kw_user, CONFIG_OFF(cf_script_user),
	    0, 0 },
	{ "timeout", 1, 1, config_kw_timeout, 0, 0, 0 },
	{ "timeout-status", 1, 1, config_kw_int,
	    CONFIG_OFF(cf_timeout_status), 500, 504 },
	{ "limit", 2, 2, config_kw_limit, 0, 0, 0 },
	{ "jail-bind", 1, 2, config_kw_bind, 0, 0, 0 },
	{ "jail-bind-rw", 1, 2, config_kw_bind, 0, 0, 0 },
	{ "script-network", 1, 1, config_kw_flag,
	    CONFIG_OFF(cf_script_network), 0, 0 },
	{ "access-log", 1, 1, config_kw_log, CONFIG_OFF(cf_access_log), 0, 0 },
	{ "error-log", 1, 1, config_kw_log, CONFIG_OFF(cf_error_log), 0, 0 },
};

static const struct config_keyword *
config_keyword(const char *name)
{
	size_t	i;

	for (i = 0; i < CONFIG_NITEMS(config_keywords); i++)
		if (strcmp(name, config_keywords[i].kw_name) == 0)
			return &config_keywords[i];
	return NULL;
}

/*
 * One word at *pp into *out: 1, 0 at the end of the line or a '#', -1 on
 * error.  A word is "quoted" (no escapes inside) or a run of other bytes.
 */
static int
config_token(struct config_ctx *cx, const char **pp, const char *end,
    char *out, size_t *outlen, int *quoted)
{
	const char	*p = *pp, *q;

	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	*pp = p;
	if (p == end || *p == '#')
		return 0;
	if ((*quoted = *p == '"')) {
		if ((q = memchr(p + 1, '"', (size_t)(end - p - 1))) == NULL)
			return config_err(cx, "unterminated quote");
		*outlen = (size_t)(q++ - p - 1);
		if (q < end && *q != ' ' && *q != '\t' && *q != '#')
			return config_err(cx, "text after a closing quote");
	} else {
		q = p;
		while (q < end && *q != ' ' && *q != '\t' && *q != '#')
			if (*q++ == '"')
				return config_err(cx, "quote inside a word");
		*outlen = (size_t)(q - p);
	}
	memcpy(out, p + *quoted, *outlen);
	out[*outlen] = '\0';
	*pp = q;
	return 1;
}

/* every word is checked, the first CONFIG_ARGS_MAX are kept */
static int
config_split(struct config_ctx *cx, const char *p, const char *end,
    struct config_line *ln)
{
	char	*out = ln->ln_buf;
	size_t	 len = 0;
	int	 quoted = 0, rc;

	ln->ln_argc = ln->ln_total = 0;
	while ((rc = config_token(cx, &p, end, out, &len, &quoted)) == 1) {
		if (ln->ln_argc < CONFIG_ARGS_MAX) {
			ln->ln_argv[ln->ln_argc] = out;
			ln->ln_raw[ln->ln_argc] = p - len - 2 * quoted;
			ln->ln_quoted[ln->ln_argc++] = quoted;
			out += len + 1;
		}
		ln->ln_total++;
	}
	ln->ln_end = p;
	return rc;
}

static int
config_dispatch(struct config_ctx *cx, const struct config_line *ln)
{
	const struct config_keyword	*kw;
	const char			*name = ln->ln_argv[0];

	if ((kw = config_keyword(name)) == NULL)
		return config_err(cx, "unknown keyword '%s'",
		    config_show(cx, name));
	if (kw->kw_fn == NULL)
		return config_err(cx, "'%s' is not supported yet", name);
	if (ln->ln_total - 1 < kw->kw_min)
		return config_err(cx, "missing argument for '%s'", name);
	if (ln->ln_total - 1 > kw->kw_max)
		return config_err(cx, "too many arguments for '%s'", name);
	return kw->kw_fn(cx, ln, kw);
}

static int
config_line(struct config_ctx *cx, const char *p, size_t len)
{
	struct config_line	ln;
	size_t			i;

	if (len > CONFIG_LINE_MAX)
		return config_err(cx, "line too long (max %d bytes)",
		    CONFIG_LINE_MAX);
	if (memchr(p, '\0', len) != NULL)
		return config_err(cx, "NUL byte in line");
	if (len > 0 && p[len - 1] == '\r')
		len--;
	for (i = 0; i < len; i++)
		if (((unsigned char)p[i] < 0x20 && p[i] != '\t') ||
		    p[i] == 0x7f)
			return config_err(cx, "control character 0x%02x in "
			    "line", (unsigned char)p[i]);
	if (config_split(cx, p, p + len, &ln) == -1)
		return -1;
	return ln.ln_total == 0 ? 0 : config_dispatch(cx, &ln);
}

void
config_defaults(struct config *cf)
{
	memset(cf, 0, sizeof(*cf));
	cf->cf_max_connections = 1024;
	cf->cf_max_per_client = 64;
	(void)strlcpy(cf->cf_index[0], "index.html", sizeof(cf->cf_index[0]));
	cf->cf_nindex = 1;
	cf->cf_max_body_bytes = 64 * CONFIG_MIB;
	cf->cf_max_scripts = 64;
	(void)strlcpy(cf->cf_script_user, "nobody",
	    sizeof(cf->cf_script_user));
	cf->cf_timeout_sec = 30;
	cf->cf_timeout_status = 500;
	cf->cf_limits.lim_cpu_sec = 10;
	cf->cf_limits.lim_memory_bytes = 512 * CONFIG_MIB;
	cf->cf_limits.lim_processes = 64;
	cf->cf_limits.lim_file_size_bytes = 64 * CONFIG_MIB;
	cf->cf_limits.lim_open_files = 256;
	cf->cf_limits.lim_tmp_bytes = 16 * CONFIG_MIB;
}

/* on error cf is partly updated: parse into a scratch copy to keep the old */
int
config_parse(struct config *cf, const char *text, size_t len,
    const char *fname, char *err, size_t errsz)
{
	struct config_ctx	 cx;
	const char		*nl;
	size_t			 off = 0, eol;

	memset(&cx, 0, sizeof(cx));
	cx.cx_cf = cf;
	cx.cx_fname = fname != NULL ? fname : "(config)";
	cx.cx_err = err;
	cx.cx_errsz = errsz;
	if (err != NULL && errsz > 0)
		err[0] = '\0';
	while (text != NULL && off < len) {
		cx.cx_line++;
		nl = memchr(text + off, '\n', len - off);
		eol = nl != NULL ? (size_t)(nl - text) : len;
		if (config_line(&cx, text + off, eol - off) == -1)
			return -1;
		off = eol + 1;
	}
	return 0;
}

/* runs keyword kwname's handler on command-line words, labelled by opt */
static int
config_cli_kw(struct config_ctx *cx, const char *kwname, const char *opt,
    const char *a1, const char *a2)
{
	struct config_line	ln;

	memset(&ln, 0, sizeof(ln));
	ln.ln_argv[0] = opt;
	ln.ln_argv[1] = a1;
	ln.ln_argv[2] = a2;
	ln.ln_argc = ln.ln_total = a2 != NULL ? 3 : 2;
	return config_keyword(kwname)->kw_fn(cx, &ln, config_keyword(kwname));
}

/*
 * The command line wins.  -b or PORT makes the listen list exactly one
 * entry (-b or all interfaces, PORT or 8000); --cgi-dir replaces the list.
 */
int
config_apply_cli(struct config *cf, const struct config_cli *cli, char *err,
    size_t errsz)
{
	struct config_ctx	cx;
	long long		port;
	size_t			i;

	memset(&cx, 0, sizeof(cx));
	cx.cx_cf = cf;
	cx.cx_err = err;
	cx.cx_errsz = errsz;
	if (cli->cli_port != NULL && config_number(&cx, "PORT", cli->cli_port,
	    1, 65535, &port) == -1)
		return -1;
	if (cli->cli_address != NULL || cli->cli_port != NULL) {
		cf->cf_nlisten = 0;
		if (config_cli_kw(&cx, "listen", "-b", cli->cli_address ?
		    cli->cli_address : "*", cli->cli_port ? cli->cli_port :
		    "8000") == -1)
			return -1;
	}
	if ((cli->cli_root != NULL && config_cli_kw(&cx, "root", "-d",
	    cli->cli_root, NULL) == -1) || (cli->cli_timeout != NULL &&
	    config_cli_kw(&cx, "timeout", "-t", cli->cli_timeout, NULL) == -1))
		return -1;
	if (cli->cli_ncgidir > CONFIG_CGIDIR_MAX)
		return config_err(&cx, "too many --cgi-dir (max %d)",
		    CONFIG_CGIDIR_MAX);
	if (cli->cli_ncgidir > 0)
		cf->cf_ncgidir = 0;
	for (i = 0; i < cli->cli_ncgidir; i++)
		if (config_cli_kw(&cx, "cgi-dir", "--cgi-dir",
		    cli->cli_cgidir[i], NULL) == -1)
			return -1;
	if (cli->cli_debug)
		cf->cf_debug = 1;
	return 0;
}

void
config_finish(struct config *cf)
{
	if (cf->cf_nlisten == 0) {
		memset(&cf->cf_listen[0], 0, sizeof(cf->cf_listen[0]));
		(void)strlcpy(cf->cf_listen[0].cl_port, "8000",
		    sizeof(cf->cf_listen[0].cl_port));
		cf->cf_nlisten = 1;
	}
	if (cf->cf_root[0] == '\0')
		(void)strlcpy(cf->cf_root, ".", sizeof(cf->cf_root));
	if (cf->cf_ncgidir == 0) {
		memset(&cf->cf_cgidir[0], 0, 2 * sizeof(cf->cf_cgidir[0]));
		(void)strlcpy(cf->cf_cgidir[0].cd_urlpath, "/cgi-bin",
		    sizeof(cf->cf_cgidir[0].cd_urlpath));
		(void)strlcpy(cf->cf_cgidir[1].cd_urlpath, "/htbin",
		    sizeof(cf->cf_cgidir[1].cd_urlpath));
		cf->cf_ncgidir = 2;
	}
}
