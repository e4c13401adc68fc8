/* SPDX-License-Identifier: ISC */
/*
 * userdir.c: the table of students served as /~NAME/, as text and back
 * (the parent writes it after the configuration in the sealed memfd,
 * each role reads it), looked up by name; and the teacher's
 * userdir-limits file, line by line.  Pure; trusts neither text: every
 * field is checked, every limit must be at most the configuration's.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "config_priv.h"
#include "userdir.h"

#define USERDIR_LINE_MAX	(USERDIR_PATH_MAX + 256)
#define USERDIR_FIELDS		10	/* name and numbers; then the path */
#define USERDIR_WORDS_MAX	8	/* of a limits file line */
#define USERDIR_ALNUM		"0123456789abcdefghijklmnopqrstuvwxyz" \
				"ABCDEFGHIJKLMNOPQRSTUVWXYZ"

/* the kinds of a limits file line: `limit`'s own, and max-scripts */
#define USERDIR_LIM(f)	offsetof(struct config_limits, f)
static const struct {
	const char	*uk_name;
	size_t		 uk_off;
	int		 uk_zero_unlimited;	/* 0 means no limit */
	int		 uk_size;		/* shown as 512M */
} userdir_kinds[] = {
	{ "cpu", USERDIR_LIM(lim_cpu_sec), 0, 0 },
	{ "memory", USERDIR_LIM(lim_memory_bytes), 0, 1 },
	{ "processes", USERDIR_LIM(lim_processes), 0, 0 },
	{ "file-size", USERDIR_LIM(lim_file_size_bytes), 1, 1 },
	{ "open-files", USERDIR_LIM(lim_open_files), 0, 0 },
	{ "tmp", USERDIR_LIM(lim_tmp_bytes), 0, 1 },
};

int
userdir_name_ok(const char *name, size_t len)
{
	size_t	i;

	if (len == 0 || len > USERDIR_NAME_MAX || name[0] == '-' ||
	    (len <= 2 && strncmp(name, "..", len) == 0))
		return 0;
	for (i = 0; i < len; i++)
		if (strchr(USERDIR_ALNUM "_.-", name[i]) == NULL ||
		    name[i] == '\0')
			return 0;
	return 1;
}

const struct userdir_account *
userdir_lookup(const struct userdir_table *ut, const char *name, size_t len)
{
	size_t	lo = 0, hi, mid;
	int	c;

	if (ut == NULL || !userdir_name_ok(name, len))
		return NULL;
	hi = ut->ut_n;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		c = strncmp(name, ut->ut_acct[mid].ua_name, len);
		if (c == 0 && ut->ut_acct[mid].ua_name[len] != '\0')
			c = -1;
		if (c == 0)
			return &ut->ut_acct[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

size_t
userdir_index(const struct userdir_table *ut, const struct userdir_account *a)
{
	return (size_t)(a - ut->ut_acct);
}

const char *
userdir_path_error(const char *p)
{
	const char	*seg;
	size_t		 n;

	if (p[0] != '/' || p[1] == '\0')
		return "not an absolute path below /";
	if (strlen(p) >= USERDIR_PATH_MAX)
		return "path too long";
	for (seg = p + 1; ; seg += n + 1) {
		n = strcspn(seg, "/");
		if (n == 0 || (n == 1 && seg[0] == '.') ||
		    (n == 2 && seg[0] == '.' && seg[1] == '.'))
			return "not a clean path (an empty, '.' or '..' part)";
		if (seg[n] == '\0')
			break;
	}
	for (; *p != '\0'; p++)
		if ((unsigned char)*p <= 0x20 || (unsigned char)*p >= 0x7f)
			return "a blank, a control or a non-ASCII character in "
			    "the path";
	return NULL;
}

void
userdir_note(struct userdir_table *ut, const char *fmt, ...)
{
	va_list	ap;
	void	*n;

	if (ut->ut_nnotes >= USERDIR_NOTES_MAX) {
		ut->ut_notes_dropped++;
		return;
	}
	if (ut->ut_nnotes == 0) {
		if ((n = calloc(USERDIR_NOTES_MAX, USERDIR_NOTE_MAX)) == NULL) {
			ut->ut_notes_dropped++;
			return;
		}
		ut->ut_notes = n;
	}
	va_start(ap, fmt);
	(void)vsnprintf(ut->ut_notes[ut->ut_nnotes++], USERDIR_NOTE_MAX, fmt,
	    ap);
	va_end(ap);
}

void
userdir_free(struct userdir_table *ut)
{
	if (ut == NULL)
		return;
	free(ut->ut_acct);
	free(ut->ut_notes);
	free(ut);
}

/* one account's line; n bytes into buf, or -1 */
static int
userdir_format_one(const struct userdir_account *a, char *buf, size_t bufsz)
{
	const struct config_limits	*l = &a->ua_limits;
	int				 n;

	n = snprintf(buf, bufsz, "%s %u %u %d %llu %llu %llu %llu %llu %llu "
	    "%s\n", a->ua_name, (unsigned)a->ua_uid, (unsigned)a->ua_gid,
	    a->ua_max_scripts, (unsigned long long)l->lim_cpu_sec,
	    (unsigned long long)l->lim_memory_bytes,
	    (unsigned long long)l->lim_processes,
	    (unsigned long long)l->lim_file_size_bytes,
	    (unsigned long long)l->lim_open_files,
	    (unsigned long long)l->lim_tmp_bytes, a->ua_path);
	return n < 0 || (size_t)n >= bufsz ? -1 : n;
}

int
userdir_format(const struct userdir_table *ut, char **text, size_t *len)
{
	char	*buf;
	size_t	 cap, off, i;
	int	 n;

	cap = sizeof(USERDIR_TEXT_MAGIC) + 1 + ut->ut_n * USERDIR_LINE_MAX;
	if ((buf = malloc(cap)) == NULL)
		return -1;
	off = (size_t)snprintf(buf, cap, "%s\n", USERDIR_TEXT_MAGIC);
	for (i = 0; i < ut->ut_n; i++) {
		if ((n = userdir_format_one(&ut->ut_acct[i], buf + off,
		    cap - off)) == -1) {
			free(buf);
			return -1;
		}
		off += (size_t)n;
	}
	*text = buf;
	*len = off;
	return 0;
}

/* a decimal number in [lo, hi], the whole word */
static int
userdir_num(const char *s, uint64_t lo, uint64_t hi, uint64_t *out)
{
	uint64_t	v = 0;
	size_t		i;

	if (s[0] == '\0' || strspn(s, "0123456789") != strlen(s) ||
	    strlen(s) > 20)
		return -1;
	for (i = 0; s[i] != '\0'; i++) {
		if (v > (UINT64_MAX - (uint64_t)(s[i] - '0')) / 10)
			return -1;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	if (v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

/* split a line (NUL-terminated copy) into at most max words */
static size_t
userdir_words(char *line, char **w, size_t max)
{
	size_t	n = 0;
	char	*p;

	for (p = line; *p != '\0' && n <= max; ) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '\0' || *p == '#')
			break;
		if (n == max)
			return max + 1;
		w[n++] = p;
		p += strcspn(p, " \t");
		if (*p != '\0')
			*p++ = '\0';
	}
	return n;
}

/* is v (0: unlimited, where that is the kind's meaning) within max? */
static int
userdir_within(uint64_t v, uint64_t max, int zero_unlimited)
{
	if (zero_unlimited && max == 0)
		return 1;
	if (zero_unlimited && v == 0)
		return 0;
	return v <= max;
}

/* an account's limits: each at most the configuration's */
static const char *
userdir_limits_check(const struct config_limits *l,
    const struct config_limits *cf)
{
	uint64_t	v, max;
	size_t		i;

	for (i = 0; i < CONFIG_NITEMS(userdir_kinds); i++) {
		memcpy(&v, (const char *)l + userdir_kinds[i].uk_off,
		    sizeof(v));
		memcpy(&max, (const char *)cf + userdir_kinds[i].uk_off,
		    sizeof(max));
		if (!userdir_within(v, max, userdir_kinds[i].uk_zero_unlimited))
			return userdir_kinds[i].uk_name;
	}
	return NULL;
}

/* one account line of the table text */
static int
userdir_parse_one(char *line, const struct config *cfg,
    struct userdir_account *a, const char **why)
{
	char			*w[USERDIR_FIELDS + 2];
	struct config_limits	*l = &a->ua_limits;
	uint64_t		 v[USERDIR_FIELDS];
	size_t			 i;

	*why = "not 11 words";
	if (userdir_words(line, w, USERDIR_FIELDS + 1) != USERDIR_FIELDS + 1)
		return -1;
	*why = "a bad user name";
	if (!userdir_name_ok(w[0], strlen(w[0])))
		return -1;
	*why = "a bad number";
	for (i = 1; i < USERDIR_FIELDS; i++)
		if (userdir_num(w[i], 0, i < 3 ? UINT32_MAX - 1 : UINT64_MAX,
		    &v[i]) == -1)
			return -1;
	*why = "a uid below userdir-min-uid, or a group root";
	if (v[1] < cfg->cf_userdir_min_uid || v[1] == 0 || v[2] == 0)
		return -1;
	*why = "max-scripts out of range";
	if (v[3] < 1 || v[3] > (uint64_t)cfg->cf_userdir_max_scripts)
		return -1;
	if ((*why = userdir_path_error(w[USERDIR_FIELDS])) != NULL)
		return -1;
	(void)strlcpy(a->ua_name, w[0], sizeof(a->ua_name));
	(void)strlcpy(a->ua_path, w[USERDIR_FIELDS], sizeof(a->ua_path));
	a->ua_uid = (uid_t)v[1];
	a->ua_gid = (gid_t)v[2];
	a->ua_max_scripts = (int)v[3];
	l->lim_cpu_sec = v[4];
	l->lim_memory_bytes = v[5];
	l->lim_processes = v[6];
	l->lim_file_size_bytes = v[7];
	l->lim_open_files = v[8];
	l->lim_tmp_bytes = v[9];
	*why = "a limit above the configuration's";
	return userdir_limits_check(l, &cfg->cf_limits) == NULL ? 0 : -1;
}

/* the next line of text into buf: 1, 0 at the end, -1 too long or NUL */
static int
userdir_next_line(const char *text, size_t len, size_t *off, char *buf,
    size_t bufsz)
{
	const char	*nl;
	size_t		 n;

	if (*off >= len)
		return 0;
	nl = memchr(text + *off, '\n', len - *off);
	n = nl != NULL ? (size_t)(nl - text) - *off : len - *off;
	if (n >= bufsz || memchr(text + *off, '\0', n) != NULL)
		return -1;
	memcpy(buf, text + *off, n);
	buf[n] = '\0';
	*off += n + (nl != NULL);
	return 1;
}

int
userdir_parse(const char *text, size_t len, const struct config *cfg,
    struct userdir_table **out, char *err, size_t errsz)
{
	struct userdir_table	*ut;
	char			 line[USERDIR_LINE_MAX];
	const char		*why = "too long, or a NUL byte";
	size_t			 off = 0, lineno = 1, cap = 0;
	void			*na;
	int			 r;

	if ((ut = calloc(1, sizeof(*ut))) == NULL) {
		(void)snprintf(err, errsz, "userdir table: out of memory");
		return -1;
	}
	if (userdir_next_line(text, len, &off, line, sizeof(line)) != 1 ||
	    strcmp(line, USERDIR_TEXT_MAGIC) != 0) {
		why = "no " USERDIR_TEXT_MAGIC " line";
		goto bad;
	}
	for (;;) {
		lineno++;
		why = "too long, or a NUL byte";
		if ((r = userdir_next_line(text, len, &off, line,
		    sizeof(line))) != 1)
			break;
		why = "more than USERDIR_MAX accounts";
		if (ut->ut_n >= USERDIR_MAX)
			goto bad;
		if (ut->ut_n == cap) {
			cap = cap ? cap * 2 : 16;
			if ((na = reallocarray(ut->ut_acct, cap,
			    sizeof(*ut->ut_acct))) == NULL) {
				why = "out of memory";
				goto bad;
			}
			ut->ut_acct = na;
		}
		memset(&ut->ut_acct[ut->ut_n], 0, sizeof(ut->ut_acct[0]));
		if (userdir_parse_one(line, cfg, &ut->ut_acct[ut->ut_n],
		    &why) == -1)
			goto bad;
		why = "names not sorted, or one twice";
		if (ut->ut_n > 0 && strcmp(ut->ut_acct[ut->ut_n - 1].ua_name,
		    ut->ut_acct[ut->ut_n].ua_name) >= 0)
			goto bad;
		ut->ut_n++;
	}
	if (r == -1)
		goto bad;
	*out = ut;
	return 0;
bad:
	(void)snprintf(err, errsz, "userdir table line %zu: %s", lineno, why);
	userdir_free(ut);
	return -1;
}

void
userdir_limit_apply(struct userdir_account *a, const struct userdir_limit *l)
{
	if (l->ul_scripts)
		a->ua_max_scripts = (int)l->ul_value;
	else
		memcpy((char *)&a->ua_limits + l->ul_off, &l->ul_value,
		    sizeof(l->ul_value));
}

/*
 * `limit NAME KIND VALUE`: the value parsed by the configuration's own
 * `limit` keyword (same units, bounds and messages), then held against
 * the configuration's.
 */
static int
userdir_limits_line(struct config_ctx *cx, char **w, size_t n,
    const struct config *cfg, struct userdir_limit *ul)
{
	const struct config_keyword	*kw = config_keyword("limit");
	struct config_line		 ln;
	uint64_t			 max;
	long long			 v;
	size_t				 i;
	char				 show[CONFIG_SIZE_STR];

	if (n != 4 || strcmp(w[0], "limit") != 0)
		return config_err(cx, "expected `limit NAME KIND VALUE`");
	if (!userdir_name_ok(w[1], strlen(w[1])))
		return config_err(cx, "limit: '%s' is not a user name",
		    config_show(cx, w[1]));
	ul->ul_name = w[1];
	ul->ul_kind = w[2];
	if ((ul->ul_scripts = strcmp(w[2], "max-scripts") == 0)) {
		if (config_number(cx, "limit max-scripts", w[3], 1, 4096,
		    &v) == -1)
			return -1;
		if (v > cfg->cf_userdir_max_scripts)
			return config_err(cx, "limit %s max-scripts %lld: above "
			    "the configuration's %d (this file only lowers a "
			    "student's limits)", w[1], v,
			    cfg->cf_userdir_max_scripts);
		ul->ul_value = (uint64_t)v;
		return 0;
	}
	for (i = 0; i < CONFIG_NITEMS(userdir_kinds); i++)
		if (strcmp(w[2], userdir_kinds[i].uk_name) == 0)
			break;
	memset(&ln, 0, sizeof(ln));
	ln.ln_argv[0] = "limit";
	ln.ln_argv[1] = w[2];
	ln.ln_argv[2] = w[3];
	ln.ln_argc = ln.ln_total = 3;
	if (i == CONFIG_NITEMS(userdir_kinds))
		return config_err(cx, "limit: unknown limit '%s' (cpu, memory, "
		    "processes, file-size, open-files, tmp, max-scripts)",
		    config_show(cx, w[2]));
	if (kw == NULL || kw->kw_fn(cx, &ln, kw) == -1)
		return -1;
	ul->ul_off = userdir_kinds[i].uk_off;
	memcpy(&ul->ul_value, (const char *)&cx->cx_cf->cf_limits + ul->ul_off,
	    sizeof(ul->ul_value));
	memcpy(&max, (const char *)&cfg->cf_limits + ul->ul_off, sizeof(max));
	if (!userdir_within(ul->ul_value, max,
	    userdir_kinds[i].uk_zero_unlimited))
		return config_err(cx, "limit %s %s %s: above the "
		    "configuration's %s (this file only lowers a student's "
		    "limits)", w[1], w[2], config_show(cx, w[3]),
		    userdir_kinds[i].uk_size ? config_size_str(max, show) :
		    (snprintf(show, sizeof(show), "%llu",
		    (unsigned long long)max), show));
	return 0;
}

int
userdir_limits_parse(const char *text, size_t len, const char *fname,
    const struct config *cfg,
    int (*fn)(void *, const struct userdir_limit *, char *, size_t),
    void *arg, char *err, size_t errsz)
{
	struct config_ctx	 cx;
	struct userdir_limit	 ul;
	char			 line[CONFIG_LINE_MAX + 1], *w[USERDIR_WORDS_MAX];
	size_t			 off = 0, n, i;
	int			 r = -1, more;

	memset(&cx, 0, sizeof(cx));
	cx.cx_fname = fname;
	cx.cx_err = err;
	cx.cx_errsz = errsz;
	if ((cx.cx_cf = calloc(1, sizeof(*cx.cx_cf))) == NULL) {
		(void)snprintf(err, errsz, "%s: out of memory", fname);
		return -1;
	}
	for (;;) {
		cx.cx_line++;
		if ((more = userdir_next_line(text, len, &off, line,
		    sizeof(line))) == 0)
			break;
		if (more == -1) {
			(void)config_err(&cx, "line too long, or a NUL byte");
			goto out;
		}
		if ((i = strlen(line)) > 0 && line[i - 1] == '\r')
			line[i - 1] = '\0';
		for (i = 0; line[i] != '\0'; i++)
			if (((unsigned char)line[i] < 0x20 && line[i] != '\t') ||
			    line[i] == 0x7f) {
				(void)config_err(&cx, "control character 0x%02x "
				    "in line", (unsigned char)line[i]);
				goto out;
			}
		if ((n = userdir_words(line, w, USERDIR_WORDS_MAX - 1)) == 0)
			continue;
		memset(&ul, 0, sizeof(ul));
		ul.ul_line = cx.cx_line;
		if (userdir_limits_line(&cx, w, n, cfg, &ul) == -1 ||
		    fn(arg, &ul, err, errsz) == -1)
			goto out;
	}
	r = 0;
out:
	free(cx.cx_cf);
	return r;
}
