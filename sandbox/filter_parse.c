/* SPDX-License-Identifier: ISC */
/*
 * filter_parse.c: seccomp policy text into a rule list.  Pure: no system
 * call, no libseccomp context; unit-tested and fuzzed.  Runs in the
 * executor at start and in the front and executor for their own policies.
 * Trusts the text only as far as its syntax checks go.
 */
#include <assert.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <seccomp.h>

#include "filter_data.h"

#define FILTER_LINE_MAX		1024
#define FILTER_WORDS_MAX	32

int
filter_err(char *err, size_t errsz, const char *fname, int line,
    const char *fmt, ...)
{
	char	 msg[512];
	va_list	 ap;

	va_start(ap, fmt);
	(void)vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (errsz > 0)
		(void)snprintf(err, errsz, "%s:%d: %s", fname, line, msg);
	return -1;
}

static int
filter_lookup(const struct filter_name *tab, size_t n, const char *name,
    uint64_t *v)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (strcmp(tab[i].fn_name, name) == 0) {
			*v = tab[i].fn_value;
			return 0;
		}
	return -1;
}

/* an unsigned number (decimal, 0x hex, 0 octal) filling the whole word */
static int
filter_number(const char *s, uint64_t *v)
{
	unsigned long long	 n;
	char			*end;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	n = strtoull(s, &end, 0);
	if (errno != 0 || *end != '\0')
		return -1;
	*v = n;
	return 0;
}

/* NAME|0x10|NAME: numbers and constants or'ed together */
static int
filter_value(const char *word, uint64_t *v)
{
	char		 buf[FILTER_LINE_MAX], *part, *rest;
	uint64_t	 one;

	if (strlcpy(buf, word, sizeof(buf)) >= sizeof(buf) || *word == '\0')
		return -1;
	*v = 0;
	for (rest = buf; (part = strsep(&rest, "|")) != NULL; *v |= one)
		if (filter_number(part, &one) == -1 &&
		    filter_lookup(filter_consts, FILTER_NELEM(filter_consts),
		    part, &one) == -1)
			return -1;
	return 0;
}

/* "allow" | "deny-kill" | "kill" | "errno NAME"; advances *i */
static int
filter_action(char **w, int nw, int *i, struct filter_rule *fr,
    char *msg, size_t msgsz)
{
	uint64_t	 e;

	if (*i >= nw) {
		snprintf(msg, msgsz, "missing action");
		return -1;
	}
	if (strcmp(w[*i], "allow") == 0)
		fr->fr_action = FILTER_ACT_ALLOW;
	else if (strcmp(w[*i], "deny-kill") == 0 || strcmp(w[*i], "kill") == 0)
		fr->fr_action = FILTER_ACT_KILL;
	else if (strcmp(w[*i], "errno") == 0) {
		if (++*i >= nw) {
			snprintf(msg, msgsz, "errno needs a value");
			return -1;
		}
		if (filter_lookup(filter_errnos, FILTER_NELEM(filter_errnos),
		    w[*i], &e) == -1 && (filter_number(w[*i], &e) == -1 ||
		    e < 1 || e > 4095)) {
			snprintf(msg, msgsz, "unknown errno '%.64s'", w[*i]);
			return -1;
		}
		fr->fr_action = FILTER_ACT_ERRNO;
		fr->fr_errno = (int)e;
	} else {
		snprintf(msg, msgsz, "unknown action '%.64s'", w[*i]);
		return -1;
	}
	++*i;
	return 0;
}

static int
filter_syscall(const char *name, struct filter_rule *fr, char *msg,
    size_t msgsz)
{
	size_t	 n = strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789_");

	if (name[n] != '\0' || n == 0 || n >= sizeof(fr->fr_name)) {
		snprintf(msg, msgsz, "bad syscall name '%.64s'", name);
		return -1;
	}
	fr->fr_syscall = seccomp_syscall_resolve_name(name);
	if (fr->fr_syscall == __NR_SCMP_ERROR) {
		snprintf(msg, msgsz, "unknown syscall '%s'", name);
		return -1;
	}
	(void)strlcpy(fr->fr_name, name, sizeof(fr->fr_name));
	return 0;
}

/* "argN OP VALUE" or "argN &MASK == VALUE"; advances *i */
static int
filter_cond(char **w, int nw, int *i, struct filter_cmp *fc, char *msg,
    size_t msgsz)
{
	const char	*arg = w[*i], *mask;
	uint64_t	 op;

	if (strncmp(arg, "arg", 3) != 0 || arg[3] < '0' || arg[3] > '5' ||
	    arg[4] != '\0') {
		snprintf(msg, msgsz, "bad argument '%.64s' (want arg0..arg5)",
		    arg);
		return -1;
	}
	fc->fc_arg = (unsigned int)(arg[3] - '0');
	fc->fc_mask = 0;
	if (++*i < nw && w[*i][0] == '&') {
		mask = w[*i][1] != '\0' ? w[*i] + 1 : ++*i < nw ? w[*i] : "";
		if (filter_value(mask, &fc->fc_mask) == -1) {
			snprintf(msg, msgsz, "bad mask on %s", arg);
			return -1;
		}
		if (++*i >= nw || strcmp(w[*i], "==") != 0) {
			snprintf(msg, msgsz, "a mask on %s needs '=='", arg);
			return -1;
		}
		fc->fc_op = FILTER_OP_MASKED_EQ;
	} else if (*i >= nw || filter_lookup(filter_ops,
	    FILTER_NELEM(filter_ops), w[*i], &op) == -1) {
		snprintf(msg, msgsz, "bad operator on %s", arg);
		return -1;
	} else
		fc->fc_op = (enum filter_op)op;
	if (++*i >= nw || filter_value(w[*i], &fc->fc_value) == -1) {
		snprintf(msg, msgsz, "bad value on %s", arg);
		return -1;
	}
	++*i;
	return 0;
}

static int
filter_cmp_order(const void *a, const void *b)
{
	const struct filter_cmp	*x = a, *y = b;

	return (int)x->fc_arg - (int)y->fc_arg;
}

/* syscall and conditions after the action */
static int
filter_rule_body(char **w, int nw, int i, struct filter_rule *fr,
    char *msg, size_t msgsz)
{
	unsigned int	 seen = 0;

	if (i >= nw) {
		snprintf(msg, msgsz, "missing syscall name");
		return -1;
	}
	if (filter_syscall(w[i++], fr, msg, msgsz) == -1)
		return -1;
	while (i < nw) {
		if (fr->fr_ncmp >= FILTER_ARGS_MAX) {
			snprintf(msg, msgsz, "too many conditions");
			return -1;
		}
		if (filter_cond(w, nw, &i, &fr->fr_cmp[fr->fr_ncmp], msg,
		    msgsz) == -1)
			return -1;
		/* libseccomp refuses two comparisons of one argument */
		if (seen & (1U << fr->fr_cmp[fr->fr_ncmp].fc_arg)) {
			snprintf(msg, msgsz, "arg%u compared twice",
			    fr->fr_cmp[fr->fr_ncmp].fc_arg);
			return -1;
		}
		seen |= 1U << fr->fr_cmp[fr->fr_ncmp++].fc_arg;
	}
	qsort(fr->fr_cmp, fr->fr_ncmp, sizeof(fr->fr_cmp[0]),
	    filter_cmp_order);
	return 0;
}

/* no padding in a condition, so equal conditions compare equal bytes */
static_assert(sizeof(struct filter_cmp) == 24, "filter_cmp has padding");

static int
filter_same_cmps(const struct filter_rule *a, const struct filter_rule *b)
{
	return a->fr_ncmp == b->fr_ncmp && memcmp(a->fr_cmp, b->fr_cmp,
	    a->fr_ncmp * sizeof(a->fr_cmp[0])) == 0;
}

/*
 * libseccomp silently lets an unconditional rule shadow every other rule
 * of its syscall, so any such overlap is an error in the file instead.
 */
static int
filter_conflict(const struct filter_policy *fpo, const struct filter_rule *fr,
    char *msg, size_t msgsz)
{
	const struct filter_rule	*o;
	size_t				 i;

	for (i = 0; i < fpo->fpo_nrules; i++) {
		o = &fpo->fpo_rules[i];
		if (o->fr_syscall != fr->fr_syscall)
			continue;
		if (filter_same_cmps(o, fr)) {
			snprintf(msg, msgsz, "duplicate rule for %s (first at "
			    "line %d)", fr->fr_name, o->fr_line);
			return -1;
		}
		if (o->fr_ncmp == 0 || fr->fr_ncmp == 0) {
			snprintf(msg, msgsz, "rule for %s conflicts with line "
			    "%d: an unconditional rule must be alone",
			    fr->fr_name, o->fr_line);
			return -1;
		}
	}
	return 0;
}

int
filter_push(struct filter_policy *fpo, const struct filter_rule *fr)
{
	struct filter_rule	*n;
	size_t			 cap;

	if (fpo->fpo_nrules == fpo->fpo_cap) {
		cap = fpo->fpo_cap == 0 ? 64 : fpo->fpo_cap * 2;
		if ((n = reallocarray(fpo->fpo_rules, cap, sizeof(*n))) ==
		    NULL)
			return -1;
		fpo->fpo_rules = n;
		fpo->fpo_cap = cap;
	}
	fpo->fpo_rules[fpo->fpo_nrules++] = *fr;
	return 0;
}

static int
filter_add(struct filter_policy *fpo, const struct filter_rule *fr,
    char *msg, size_t msgsz)
{
	if (filter_conflict(fpo, fr, msg, msgsz) == -1)
		return -1;
	if (fpo->fpo_nrules >= FILTER_RULES_MAX) {
		snprintf(msg, msgsz, "too many rules (max %d)",
		    FILTER_RULES_MAX);
		return -1;
	}
	if (filter_push(fpo, fr) == -1) {
		snprintf(msg, msgsz, "out of memory");
		return -1;
	}
	return 0;
}

static int
filter_default(struct filter_policy *fpo, char **w, int nw, int line,
    char *msg, size_t msgsz)
{
	struct filter_rule	 fr;
	int			 i = 1;

	if (fpo->fpo_default_line != 0) {
		snprintf(msg, msgsz, "duplicate 'default' (first at line %d)",
		    fpo->fpo_default_line);
		return -1;
	}
	memset(&fr, 0, sizeof(fr));
	if (filter_action(w, nw, &i, &fr, msg, msgsz) == -1)
		return -1;
	if (i != nw) {
		snprintf(msg, msgsz, "junk after default action");
		return -1;
	}
	fpo->fpo_default = fr.fr_action;
	fpo->fpo_default_errno = fr.fr_errno;
	fpo->fpo_default_line = line;
	return 0;
}

/* one line, comment already cut off at '#' */
/*
 * "exec self": the script may run itself (and the interpreter its #!
 * line or an `interpreter` line names) and nothing else; landlock's
 * execute right says so, per request, beside this filter.
 */
static int
filter_exec_self(struct filter_policy *fpo, char **w, int nw, int line,
    char *msg, size_t msgsz)
{
	if (nw != 2 || strcmp(w[1], "self") != 0) {
		snprintf(msg, msgsz, "exec takes one word: exec self");
		return -1;
	}
	if (fpo->fpo_exec_self != 0) {
		snprintf(msg, msgsz, "duplicate exec self (first at line %d)",
		    fpo->fpo_exec_self);
		return -1;
	}
	fpo->fpo_exec_self = line;
	return 0;
}

static int
filter_line(struct filter_policy *fpo, char *text, int line,
    int has_reason, char *msg, size_t msgsz)
{
	struct filter_rule	 fr;
	char			*w[FILTER_WORDS_MAX], *word;
	int			 nw = 0, i = 0;

	while ((word = strsep(&text, " \t")) != NULL) {
		if (*word == '\0')
			continue;
		if (nw == FILTER_WORDS_MAX) {
			snprintf(msg, msgsz, "too many words");
			return -1;
		}
		w[nw++] = word;
	}
	if (nw == 0)
		return 0;
	if (strcmp(w[0], "default") == 0)
		return filter_default(fpo, w, nw, line, msg, msgsz);
	if (strcmp(w[0], "exec") == 0)
		return filter_exec_self(fpo, w, nw, line, msg, msgsz);
	memset(&fr, 0, sizeof(fr));
	fr.fr_line = line;
	fr.fr_has_reason = has_reason;
	if (filter_action(w, nw, &i, &fr, msg, msgsz) == -1 ||
	    filter_rule_body(w, nw, i, &fr, msg, msgsz) == -1)
		return -1;
	return filter_add(fpo, &fr, msg, msgsz);
}

/* split off "# reason"; refuse control bytes outside of it */
static int
filter_split(char *buf, size_t n, int *has_reason, char *msg, size_t msgsz)
{
	char	*hash, *r;
	size_t	 i;

	if (n > 0 && buf[n - 1] == '\r')
		buf[--n] = '\0';
	for (i = 0; i < n; i++)
		if (((unsigned char)buf[i] < 0x20 && buf[i] != '\t') ||
		    buf[i] == 0x7f) {
			snprintf(msg, msgsz, "control character 0x%02x",
			    (unsigned char)buf[i]);
			return -1;
		}
	*has_reason = 0;
	if ((hash = strchr(buf, '#')) != NULL) {
		*hash = '\0';
		for (r = hash + 1; *r == ' ' || *r == '\t'; r++)
			;
		*has_reason = *r != '\0';
	}
	return 0;
}

int
filter_parse(const char *text, size_t len, const char *fname,
    struct filter_policy *fpo, char *err, size_t errsz)
{
	char		 buf[FILTER_LINE_MAX], msg[256];
	const char	*p = text, *end = text + len, *eol;
	size_t		 n;
	int		 line = 0, has_reason;

	memset(fpo, 0, sizeof(*fpo));
	fpo->fpo_default = FILTER_ACT_ERRNO;
	fpo->fpo_default_errno = EPERM;
	while (p < end) {
		line++;
		eol = memchr(p, '\n', (size_t)(end - p));
		n = (size_t)((eol != NULL ? eol : end) - p);
		if (n >= sizeof(buf)) {
			snprintf(msg, sizeof(msg), "line too long");
			goto fail;
		}
		memcpy(buf, p, n);
		buf[n] = '\0';
		p += n + (eol != NULL);
		if (filter_split(buf, n, &has_reason, msg, sizeof(msg)) == -1 ||
		    filter_line(fpo, buf, line, has_reason, msg,
		    sizeof(msg)) == -1)
			goto fail;
	}
	return 0;
fail:
	filter_policy_free(fpo);
	return filter_err(err, errsz, fname, line, "%s", msg);
}

/*
 * A further text's rules, added to a parsed policy as if they stood at
 * its end (a sanitizer build's extras).  Only the first text may set the
 * default.  On an error both are freed.
 */
int
filter_parse_more(const char *text, size_t len, const char *fname,
    struct filter_policy *fpo, char *err, size_t errsz)
{
	struct filter_policy	 more;
	char			 msg[256];
	size_t			 i;
	int			 line;

	if (filter_parse(text, len, fname, &more, err, errsz) == -1) {
		filter_policy_free(fpo);
		return -1;
	}
	line = more.fpo_default_line;
	if (line != 0)
		snprintf(msg, sizeof(msg), "only the first text may set the "
		    "default");
	if (line == 0 && (line = more.fpo_exec_self) != 0)
		snprintf(msg, sizeof(msg), "only the first text may say exec "
		    "self");
	for (i = 0; line == 0 && i < more.fpo_nrules; i++)
		if (filter_add(fpo, &more.fpo_rules[i], msg,
		    sizeof(msg)) == -1)
			line = more.fpo_rules[i].fr_line;
	filter_policy_free(&more);
	if (line == 0)
		return 0;
	filter_policy_free(fpo);
	return filter_err(err, errsz, fname, line, "%s", msg);
}

void
filter_policy_free(struct filter_policy *fpo)
{
	free(fpo->fpo_rules);
	fpo->fpo_rules = NULL;
	fpo->fpo_nrules = fpo->fpo_cap = 0;
}

