/* SPDX-License-Identifier: ISC */
/*
 * config.c: the configuration file and the command line, into struct config.
 * Pure (no file I/O): the parent parses the text it read, children re-parse
 * the sealed copy.  Trusts nothing in the text; every error is FILE:LINE.
 * Lines and words are split here; each keyword's handler is in config_kw.c.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <vis.h>

#include "config.h"
#include "config_priv.h"

int
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
const char *
config_show(struct config_ctx *cx, const char *s)
{
	size_t	len = strlen(s);

	(void)strvisx(cx->cx_show, s, len > CONFIG_SHOW_MAX ?
	    CONFIG_SHOW_MAX : len, VIS_OCTAL | VIS_CSTYLE | VIS_TAB | VIS_NL);
	if (len > CONFIG_SHOW_MAX)
		(void)strlcat(cx->cx_show, "...", sizeof(cx->cx_show));
	return cx->cx_show;
}

int
config_copy(struct config_ctx *cx, const char *what, char *dst, size_t dstsz,
    const char *src)
{
	if (strlcpy(dst, src, dstsz) < dstsz)
		return 0;
	dst[0] = '\0';
	return config_err(cx, "%s: too long (max %zu bytes)", what, dstsz - 1);
}

int
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

size_t
config_here(const struct config_ctx *cx)
{
	return cx->cx_line == 0 ? CONFIG_LINE_CLI : cx->cx_line;
}

const char *
config_size_str(uint64_t v, char buf[CONFIG_SIZE_STR])
{
	static const char	units[] = "KMGT";
	int			u = -1;

	while (v != 0 && v % 1024 == 0 && u < 3) {
		v /= 1024;
		u++;
	}
	if (u < 0)
		(void)snprintf(buf, CONFIG_SIZE_STR, "%llu",
		    (unsigned long long)v);
	else
		(void)snprintf(buf, CONFIG_SIZE_STR, "%llu%c",
		    (unsigned long long)v, units[u]);
	return buf;
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
	else if (s[i] == 't' || s[i] == 'T')
		mult = CONFIG_TIB;
	else if (s[i] != '\0')
		return -1;
	if ((mult > 1 && s[i + 1] != '\0') || v > UINT64_MAX / mult)
		return -1;
	*out = v * mult;
	return 0;
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
	cf->cf_max_per_client = 256;
	(void)strlcpy(cf->cf_index[0], "index.html", sizeof(cf->cf_index[0]));
	cf->cf_nindex = 1;
	cf->cf_max_body_bytes = 64 * CONFIG_MIB;
	cf->cf_max_scripts = 64;
	cf->cf_landlock = 1;
	cf->cf_landlock_min_abi = 6;
	cf->cf_cgroup = 1;
	/* just past systemd-nspawn's container range: 1024 uids */
	cf->cf_script_uid_first = 1879048192;
	cf->cf_script_uid_count = 1024;
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
	cf->cf_script_uid_first = CONFIG_UID_FIRST;
	cf->cf_script_uid_count = CONFIG_UID_COUNT;
	cf->cf_landlock = 1;
	cf->cf_landlock_min_abi = CONFIG_LANDLOCK_ABI;
	cf->cf_cgroup = 1;
	cf->cf_userdir_min_uid = 1000;
	cf->cf_userdir_max_scripts = 4;
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
	return config_kw_check(&cx);
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
		cf->cf_listen_default = 1;
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
