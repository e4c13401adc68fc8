/* SPDX-License-Identifier: ISC */
/*
 * config_kw_userdir.c: the userdir keywords (userdir, userdir-min-uid,
 * userdir-max-scripts, userdir-writable, userdir-debug, userdir-limits)
 * and what they cannot check alone.  Pure, like config_kw.c, whose table
 * names these handlers; trusts no word of a line.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "config.h"
#include "config_priv.h"

/*
 * NULL, or why p is no plain relative path: what a home directory's
 * DIR, or a tree's SUBDIR, may be.  Printable ASCII without blanks (the
 * account table the parent hands its children keeps paths in one word),
 * no empty, "." or ".." component, no leading or trailing '/'.
 */
static const char *
config_userdir_rel_error(const char *p)
{
	const char	*seg;
	size_t		 n;

	if (p[0] == '\0')
		return "is empty";
	if (p[0] == '/')
		return "must be relative to the home directory";
	for (seg = p; ; seg += n + 1) {
		n = strcspn(seg, "/");
		if (n == 0)
			return "must not contain '//' or end in '/'";
		if ((n == 1 && seg[0] == '.') ||
		    (n == 2 && seg[0] == '.' && seg[1] == '.'))
			return "must not contain '.' or '..' components";
		if (seg[n] == '\0')
			break;
	}
	for (; *p != '\0'; p++)
		if ((unsigned char)*p <= 0x20 || (unsigned char)*p >= 0x7f)
			return "must be printable ASCII without blanks";
	return NULL;
}

static int
config_userdir_rel(struct config_ctx *cx, const struct config_line *ln,
    char *dst, size_t *line)
{
	const char	*why;

	if ((why = config_userdir_rel_error(ln->ln_argv[1])) != NULL)
		return config_err(cx, "%s: '%s' %s", ln->ln_argv[0],
		    config_show(cx, ln->ln_argv[1]), why);
	*line = config_here(cx);
	return config_copy(cx, ln->ln_argv[0], dst, CONFIG_USERDIR_MAX,
	    ln->ln_argv[1]);
}

/* userdir DIR: /~NAME/ is HOME/DIR */
int
config_kw_userdir(struct config_ctx *cx, const struct config_line *ln,
    const struct config_keyword *kw)
{
	return config_userdir_rel(cx, ln, cx->cx_cf->cf_userdir,
	    &cx->cx_cf->cf_userdir_line);
}

/* userdir-min-uid N: accounts below are system accounts (never root) */
int
config_kw_userdir_uid(struct config_ctx *cx, const struct config_line *ln,
    const struct config_keyword *kw)
{
	long long	v;

	if (config_number(cx, kw->kw_name, ln->ln_argv[1], kw->kw_lo,
	    kw->kw_hi, &v) == -1)
		return -1;
	cx->cx_cf->cf_userdir_min_uid = (uid_t)v;
	return 0;
}

/* userdir-max-scripts N: one student's scripts running at once */
int
config_kw_userdir_scripts(struct config_ctx *cx, const struct config_line *ln,
    const struct config_keyword *kw)
{
	long long	v;

	if (config_number(cx, kw->kw_name, ln->ln_argv[1], kw->kw_lo,
	    kw->kw_hi, &v) == -1)
		return -1;
	cx->cx_cf->cf_userdir_max_scripts = (int)v;
	return 0;
}

/* userdir-writable SUBDIR: HOME/DIR/SUBDIR, read-write for its student */
int
config_kw_userdir_writable(struct config_ctx *cx, const struct config_line *ln,
    const struct config_keyword *kw)
{
	return config_userdir_rel(cx, ln, cx->cx_cf->cf_userdir_writable,
	    &cx->cx_cf->cf_userdir_writable_line);
}

/* userdir-debug on|off: --debug's pages, for /~NAME/ requests only */
int
config_kw_userdir_debug(struct config_ctx *cx, const struct config_line *ln,
    const struct config_keyword *kw)
{
	if (strcmp(ln->ln_argv[1], "on") == 0)
		cx->cx_cf->cf_userdir_debug = 1;
	else if (strcmp(ln->ln_argv[1], "off") == 0)
		cx->cx_cf->cf_userdir_debug = 0;
	else
		return config_err(cx, "%s: expected 'on' or 'off', not '%s'",
		    ln->ln_argv[0], config_show(cx, ln->ln_argv[1]));
	return 0;
}

/*
 * userdir-limits FILE: the teacher's file of per-student `limit` lines,
 * read by the parent (userdir_load.c); here only its name.
 */
int
config_kw_userdir_limits(struct config_ctx *cx, const struct config_line *ln,
    const struct config_keyword *kw)
{
	const char	*p = ln->ln_argv[1], *c;

	if (p[0] != '/')
		return config_err(cx, "%s: '%s' must be an absolute path",
		    kw->kw_name, config_show(cx, p));
	for (c = p; *c != '\0'; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			return config_err(cx, "%s: control character in the "
			    "path", kw->kw_name);
	cx->cx_cf->cf_userdir_limits_line = config_here(cx);
	return config_copy(cx, kw->kw_name, cx->cx_cf->cf_userdir_limits,
	    sizeof(cx->cx_cf->cf_userdir_limits), p);
}

/*
 * After the last line: what only means something with userdir is an
 * error without it (named at its own line), so it is never ignored.
 */
int
config_kw_userdir_check(struct config_ctx *cx)
{
	const struct config	*cf = cx->cx_cf;

	if (cf->cf_userdir[0] != '\0')
		return 0;
	if (cf->cf_userdir_writable[0] != '\0') {
		cx->cx_line = cf->cf_userdir_writable_line;
		return config_err(cx, "userdir-writable without userdir");
	}
	if (cf->cf_userdir_limits[0] != '\0') {
		cx->cx_line = cf->cf_userdir_limits_line;
		return config_err(cx, "userdir-limits without userdir");
	}
	return 0;
}
