/* SPDX-License-Identifier: ISC */
/*
 * config_kw_sandbox.c: the keywords of the scripts' sandbox (timeout,
 * limit, jail-bind, jail-bind-rw, max-scripts, landlock,
 * landlock-min-abi, script-uid-range).  Pure, like config_kw.c, whose
 * table names these handlers; trusts no word of a line.
 */
#include <sys/types.h>

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "config.h"
#include "config_priv.h"

struct config_limit {
	const char	*lk_name;
	size_t		 lk_off;	/* in struct config_limits */
	int		 lk_size;	/* K/M/G suffixes allowed */
	uint64_t	 lk_lo;
	uint64_t	 lk_hi;
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

int
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

/* "1M-16T, a size with K, M, G or T" or "1-86400" */
static const char *
config_limit_range(const struct config_limit *lk, char *buf, size_t bufsz)
{
	char	lo[CONFIG_SIZE_STR], hi[CONFIG_SIZE_STR];

	if (lk->lk_size)
		(void)snprintf(buf, bufsz, "%s-%s, a size with K, M, G or T",
		    config_size_str(lk->lk_lo, lo),
		    config_size_str(lk->lk_hi, hi));
	else
		(void)snprintf(buf, bufsz, "%llu-%llu",
		    (unsigned long long)lk->lk_lo,
		    (unsigned long long)lk->lk_hi);
	return buf;
}

int
config_kw_limit(struct config_ctx *cx, const struct config_line *ln,
    const struct config_keyword *kw)
{
	const struct config_limit	*lk;
	const char			*val = ln->ln_argv[2];
	uint64_t			 v = 0;
	size_t				 i;
	int				 bad;
	char				 range[3 * CONFIG_SIZE_STR + 32];

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
		return config_err(cx, "limit %s: '%s' is %s (expected %s)",
		    lk->lk_name, config_show(cx, val), bad ? "invalid" :
		    "out of range", config_limit_range(lk, range,
		    sizeof(range)));
	memcpy((char *)&cx->cx_cf->cf_limits + lk->lk_off, &v, sizeof(v));
	return 0;
}

/* the jail's own mount points: a bind over one would undo the jail */
static const char *const config_bind_refused[] = {
	"/", "/proc", "/dev", "/tmp"
};

/* one path of a bind line, without trailing slashes */
static int
config_bind_path(struct config_ctx *cx, const char *what, char *dst,
    size_t dstsz, const char *src)
{
	size_t	len;

	if (config_set_path(cx, what, dst, dstsz, src, 0) == -1)
		return -1;
	for (len = strlen(dst); len > 1 && dst[len - 1] == '/'; len--)
		dst[len - 1] = '\0';
	return 0;
}

int
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
	if (config_bind_path(cx, what, cb->cb_src, sizeof(cb->cb_src),
	    ln->ln_argv[1]) == -1 || config_bind_path(cx, what, cb->cb_dst,
	    sizeof(cb->cb_dst), ln->ln_argv[ln->ln_argc > 2 ? 2 : 1]) == -1)
		return -1;
	for (i = 0; i < CONFIG_NITEMS(config_bind_refused); i++)
		if (strcmp(cb->cb_dst, config_bind_refused[i]) == 0)
			return config_err(cx, "%s: target '%s' is one of the "
			    "jail's own mount points (/, /proc, /dev, /tmp); "
			    "bind below it or elsewhere", what, cb->cb_dst);
	for (i = 0; i < cf->cf_nbind; i++)
		if (strcmp(cf->cf_bind[i].cb_dst, cb->cb_dst) == 0)
			return config_err(cx, "%s: target '%s' given twice",
			    what, config_show(cx, cb->cb_dst));
	cb->cb_rw = strcmp(what, "jail-bind-rw") == 0;
	cb->cb_line = config_here(cx);
	cf->cf_nbind++;
	return 0;
}

/* max-scripts, remembered where: script-uid-range must hold as many */
int
config_kw_max_scripts(struct config_ctx *cx, const struct config_line *ln,
    const struct config_keyword *kw)
{
	if (config_kw_int(cx, ln, kw) == -1)
		return -1;
	cx->cx_cf->cf_max_scripts_line = config_here(cx);
	return 0;
}

/* "landlock off" is said at every start; remembered where for errors */
int
config_kw_landlock(struct config_ctx *cx, const struct config_line *ln,
    const struct config_keyword *kw)
{
	if (config_kw_flag(cx, ln, kw) == -1)
		return -1;
	cx->cx_cf->cf_landlock_line = config_here(cx);
	return 0;
}

/* 0 would mean "landlock optional": that is spelled "landlock off" */
int
config_kw_landlock_abi(struct config_ctx *cx, const struct config_line *ln,
    const struct config_keyword *kw)
{
	long long	v;

	if (strcmp(ln->ln_argv[1], "0") == 0)
		return config_err(cx, "%s: ABI 0 is no landlock at all; to run "
		    "scripts without it, say 'landlock off'", kw->kw_name);
	if (config_number(cx, kw->kw_name, ln->ln_argv[1], kw->kw_lo,
	    kw->kw_hi, &v) == -1)
		return -1;
	cx->cx_cf->cf_landlock_min_abi = (int)v;
	cx->cx_cf->cf_landlock_line = config_here(cx);
	return 0;
}

/*
 * script-uid-range FIRST-LAST: host uids no other process uses.  Above
 * 65535 (the classic range, and 65534 = nobody), (uid_t)-1 left out.
 */
int
config_kw_uid_range(struct config_ctx *cx, const struct config_line *ln,
    const struct config_keyword *kw)
{
	const char	*arg = ln->ln_argv[1], *dash = strchr(arg, '-');
	char		 first[16];
	long long	 lo, hi;
	size_t		 n = dash != NULL ? (size_t)(dash - arg) : 0;

	if (dash == NULL || n == 0 || n >= sizeof(first))
		return config_err(cx, "%s: '%s' is not FIRST-LAST (e.g. "
		    "%u-%u)", kw->kw_name, config_show(cx, arg),
		    CONFIG_UID_FIRST, CONFIG_UID_FIRST + CONFIG_UID_COUNT - 1);
	memcpy(first, arg, n);
	first[n] = '\0';
	if (config_number(cx, kw->kw_name, first, 65536, UINT32_MAX - 1,
	    &lo) == -1 || config_number(cx, kw->kw_name, dash + 1, 65536,
	    UINT32_MAX - 1, &hi) == -1)
		return -1;
	if (hi < lo)
		return config_err(cx, "%s: LAST %lld is below FIRST %lld",
		    kw->kw_name, hi, lo);
	cx->cx_cf->cf_script_uid_first = (uid_t)lo;
	cx->cx_cf->cf_script_uid_count = (uint32_t)(hi - lo + 1);
	cx->cx_cf->cf_script_uid_line = config_here(cx);
	return 0;
}
