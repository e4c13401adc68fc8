/* SPDX-License-Identifier: ISC */
/*
 * config_kw.c: one handler per configuration keyword (the userdir and
 * sandbox ones have files of their own), and the table that names them
 * with their argument counts.  Pure, like config.c, which hands each
 * handler one line split into words; trusts none of them.
 */
#include <sys/types.h>
#include <sys/un.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "config_priv.h"

#define CONFIG_USER_MAX		32	/* useradd's limit */
#define CONFIG_ALNUM		"0123456789abcdefghijklmnopqrstuvwxyz" \
				"ABCDEFGHIJKLMNOPQRSTUVWXYZ"

/* set by cgijail for every request; a config line must not shadow them */
static const char *const config_meta_vars[] = {
	"AUTH_TYPE", "CONTENT_LENGTH", "CONTENT_TYPE", "GATEWAY_INTERFACE",
	"PATH_INFO", "PATH_TRANSLATED", "QUERY_STRING", "REMOTE_ADDR",
	"REMOTE_HOST", "REMOTE_IDENT", "REMOTE_USER", "REQUEST_METHOD",
	"SCRIPT_NAME", "SERVER_NAME", "SERVER_PORT", "SERVER_PROTOCOL",
	"SERVER_SOFTWARE", "REQUEST_URI", "SCRIPT_FILENAME", "DOCUMENT_ROOT",
	"SERVER_ADDR", "REQUEST_SCHEME", "HTTPS", "REDIRECT_STATUS",
	"REMOTE_PORT"
};

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

int
config_set_path(struct config_ctx *cx, const char *what, char *dst,
    size_t dstsz, const char *src, int url)
{
	const char	*why;

	if ((why = config_path_error(src, url)) != NULL)
		return config_err(cx, "%s: '%s' %s", what,
		    config_show(cx, src), why);
	return config_copy(cx, what, dst, dstsz, src);
}

int
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

int
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

/*
 * ADDRESS:PORT, [IPv6]:PORT or PORT in one word: the address into addr
 * (what config_listen_addr() takes) and the port into port, or -1.
 */
static int
config_listen_split(struct config_ctx *cx, const char *word, char *addr,
    size_t addrsz, const char **port)
{
	const char	*colon;
	size_t		 n;

	if (strspn(word, "0123456789") == strlen(word)) {
		(void)strlcpy(addr, "*", addrsz);
		*port = word;
		return 0;
	}
	if (word[0] == '[')
		colon = strstr(word, "]:") != NULL ? strstr(word, "]:") + 1 :
		    NULL;
	else
		colon = strchr(word, ':') == strrchr(word, ':') ?
		    strchr(word, ':') : NULL;
	if (colon == NULL || colon[1] == '\0')
		return config_err(cx, "listen: no port in '%s' (expected "
		    "ADDRESS PORT, ADDRESS:PORT, [IPv6]:PORT or PORT)",
		    config_show(cx, word));
	if ((n = (size_t)(colon - word)) >= addrsz)
		return config_err(cx, "listen: bad address in '%s'",
		    config_show(cx, word));
	memcpy(addr, word, n);
	addr[n] = '\0';
	*port = colon + 1;
	return 0;
}

/*
 * listen ADDRESS PORT, or one word (ADDRESS:PORT, [IPv6]:PORT, PORT);
 * then options.  A second word that is an option means the one-word form.
 */
static int
config_kw_listen(struct config_ctx *cx, const struct config_line *ln,
    const struct config_keyword *kw)
{
	struct config		*cf = cx->cx_cf;
	struct config_listen	*cl = &cf->cf_listen[cf->cf_nlisten];
	const char		*addr = ln->ln_argv[1], *portstr = NULL;
	char			 word[sizeof(cl->cl_addr) + 3];
	long long		 port;
	size_t			 i, nopt = 3;

	if (ln->ln_argc > 2 && strcmp(ln->ln_argv[2], "tls") != 0 &&
	    strcmp(ln->ln_argv[2], "proxy-protocol") != 0)
		portstr = ln->ln_argv[2];
	else {
		if (config_listen_split(cx, ln->ln_argv[1], word,
		    sizeof(word), &portstr) == -1)
			return -1;
		addr = word;
		nopt = 2;
	}
	if (cf->cf_nlisten >= CONFIG_LISTEN_MAX)
		return config_err(cx, "too many listen lines (max %d)",
		    CONFIG_LISTEN_MAX);
	if (config_listen_opts(cx, ln, nopt, cl) == -1)
		return -1;
	if (config_listen_addr(cx, ln->ln_argv[0], addr, cl->cl_addr,
	    sizeof(cl->cl_addr)) == -1 || config_number(cx, ln->ln_argv[0],
	    portstr, 1, 65535, &port) == -1)
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
	cx->cx_cf->cf_root_line = config_here(cx);
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
		    "an optional K, M, G or T)", config_show(cx,
		    ln->ln_argv[1]));
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
	cd->cd_line = config_here(cx);
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
	ci->ci_line = config_here(cx);
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
	if (strcmp(name, "PATH") == 0)
		return "is set by cgijail (/usr/local/bin:/usr/bin:/bin in "
		    "the jail); call other programs by their full path";
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
	if (dst == cf->cf_user)
		cf->cf_user_line = config_here(cx);
	else
		cf->cf_script_user_line = config_here(cx);
	return config_copy(cx, kw->kw_name, dst, CONFIG_NAME_MAX, name);
}

/*
 * After the last line: every running script needs a uid of its own.  The
 * error names the later of the two lines, the one just written.
 */
int
config_kw_check(struct config_ctx *cx)
{
	const struct config	*cf = cx->cx_cf;
	unsigned		 first = cf->cf_script_uid_first;
	unsigned		 count = cf->cf_script_uid_count;

	if (config_listen_check(cx) == -1 ||
	    config_kw_userdir_check(cx) == -1)
		return -1;
	if (count >= (unsigned)cf->cf_max_scripts)
		return 0;
	cx->cx_line = cf->cf_script_uid_line > cf->cf_max_scripts_line ?
	    cf->cf_script_uid_line : cf->cf_max_scripts_line;
	return config_err(cx, "script-uid-range %u-%u holds %u uids, fewer "
	    "than max-scripts %d: each running script needs a uid of its "
	    "own; widen the range or lower max-scripts", first,
	    first + count - 1, count, cf->cf_max_scripts);
}

/*
 * access-log, error-log: a file, "stderr" (the default) or "syslog" with
 * its socket (/dev/log unless given).  The last line wins, all of it.
 */
static int
config_kw_log(struct config_ctx *cx, const struct config_line *ln,
    const struct config_keyword *kw)
{
	struct config	*cf = cx->cx_cf;
	char		*dst = (char *)cf + kw->kw_off, *sock;
	const char	*what = kw->kw_name, *arg = ln->ln_argv[1];
	int		 access = dst == cf->cf_access_log;

	sock = access ? cf->cf_access_syslog : cf->cf_error_syslog;
	sock[0] = '\0';
	*(access ? &cf->cf_access_log_line : &cf->cf_error_log_line) =
	    config_here(cx);
	if (strcmp(arg, "syslog") == 0)
		return config_copy(cx, what, dst, PATH_MAX, "syslog") == -1 ||
		    (ln->ln_argc > 2 && config_set_path(cx, what, sock,
		    sizeof(((struct sockaddr_un *)0)->sun_path),
		    ln->ln_argv[2], 0) == -1) ? -1 : 0;
	if (ln->ln_argc > 2)
		return config_err(cx, "%s: a second argument (a socket) only "
		    "after 'syslog'", what);
	if (strcmp(arg, "stderr") == 0)
		return config_copy(cx, what, dst, PATH_MAX, "");
	return config_set_path(cx, what, dst, PATH_MAX, arg, 0);
}

#define CONFIG_OFF(f)	offsetof(struct config, f)
#define CONFIG_NOTYET	0, 0, NULL, 0, 0, 0

static const struct config_keyword config_keywords[] = {
	{ "listen", 1, 4, config_kw_listen, 0, 0, 0 },
	{ "proxy-from", 1, SIZE_MAX, config_kw_proxy_from, 0, 0, 0 },
	{ "tls-certificate", 1, 1, config_kw_tls_file,
	    CONFIG_OFF(cf_tls_cert), 0, 0 },
	{ "tls-key", 1, 1, config_kw_tls_file, CONFIG_OFF(cf_tls_key), 0, 0 },
	{ "tls-ocsp-staple", 1, 1, config_kw_tls_file,
	    CONFIG_OFF(cf_tls_ocsp), 0, 0 },
	{ "authenticate", 3, 4, config_kw_auth, 0, 0, 0 },
	{ "authenticate-insecure", 1, 1, config_kw_flag,
	    CONFIG_OFF(cf_auth_insecure), 0, 0 },
	{ "max-connections", 1, 1, config_kw_int,
	    CONFIG_OFF(cf_max_connections), 1, 1048576 },
	{ "max-connections-per-client", 1, 1, config_kw_int,
	    CONFIG_OFF(cf_max_per_client), 0, 1048576 },
	{ "metrics", 2, 3, config_kw_metrics, 0, 0, 0 },
	{ "root", 1, 1, config_kw_root, 0, 0, 0 },
	{ "index", 1, CONFIG_INDEX_MAX, config_kw_index, 0, 0, 0 },
	{ "autoindex", 1, 1, config_kw_flag, CONFIG_OFF(cf_autoindex), 0, 0 },
	{ "max-body", 1, 1, config_kw_max_body, 0, 0, 0 },
	{ "userdir", 1, 1, config_kw_userdir, 0, 0, 0 },
	{ "userdir-min-uid", 1, 1, config_kw_userdir_uid, 0, 1,
	    UINT32_MAX - 1 },
	{ "userdir-max-scripts", 1, 1, config_kw_userdir_scripts, 0, 1,
	    4096 },
	{ "userdir-writable", 1, 1, config_kw_userdir_writable, 0, 0, 0 },
	{ "userdir-debug", 1, 1, config_kw_userdir_debug, 0, 0, 0 },
	{ "userdir-limits", 1, 1, config_kw_userdir_limits, 0, 0, 0 },
	{ "cgi-dir", 1, 2, config_kw_cgidir, 0, 0, 0 },
	{ "cgi-route", 2, 2, config_kw_route, 0, 0, 0 },
	{ "interpreter", 2, 2, config_kw_interp, 0, 0, 0 },
	{ "setenv", 2, SIZE_MAX, config_kw_setenv, 0, 0, 0 },
	{ "pass-authorization", 1, 1, config_kw_flag,
	    CONFIG_OFF(cf_pass_authorization), 0, 0 },
	{ "max-scripts", 1, 1, config_kw_max_scripts,
	    CONFIG_OFF(cf_max_scripts), 1, 4096 },
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
	{ "script-uid-range", 1, 1, config_kw_uid_range, 0, 0, 0 },
	{ "landlock", 1, 1, config_kw_landlock, CONFIG_OFF(cf_landlock),
	    0, 0 },
	{ "landlock-min-abi", 1, 1, config_kw_landlock_abi, 0, 1, 64 },
	{ "cgroup", 1, 1, config_kw_flag, CONFIG_OFF(cf_cgroup), 0, 0 },
	{ "access-log", 1, 2, config_kw_log, CONFIG_OFF(cf_access_log), 0, 0 },
	{ "error-log", 1, 2, config_kw_log, CONFIG_OFF(cf_error_log), 0, 0 },
};

const struct config_keyword *
config_keyword(const char *name)
{
	size_t	i;

	for (i = 0; i < CONFIG_NITEMS(config_keywords); i++)
		if (strcmp(name, config_keywords[i].kw_name) == 0)
			return &config_keywords[i];
	return NULL;
}

/* the keyword at index i of the table, or NULL past its end (-n) */
const struct config_keyword *
config_keyword_at(size_t i)
{
	return i < CONFIG_NITEMS(config_keywords) ? &config_keywords[i] : NULL;
}
