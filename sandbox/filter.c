/*
 * filter.c: seccomp policies.  Policy text is parsed into a rule list
 * (pure, unit-tested and fuzzed), then libseccomp turns it into BPF once,
 * at executor start.  The policy text is trusted only as far as its syntax
 * checks go; the always-kill floor is policy text built in here.
 */
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/seccomp.h>
#include <seccomp.h>

#include "sandbox.h"
#include "filter_data.h"

#define FILTER_LINE_MAX		1024
#define FILTER_WORDS_MAX	32
#define FILTER_FILE_MAX		(1 << 20)

static int __attribute__((format(printf, 5, 6)))
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

static int
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

void
filter_policy_free(struct filter_policy *fpo)
{
	free(fpo->fpo_rules);
	fpo->fpo_rules = NULL;
	fpo->fpo_nrules = fpo->fpo_cap = 0;
}

static uint32_t
filter_scmp_action(enum filter_action act, int e)
{
	if (act == FILTER_ACT_ALLOW)
		return SCMP_ACT_ALLOW;
	return act == FILTER_ACT_ERRNO ? SCMP_ACT_ERRNO((uint32_t)e) :
	    SCMP_ACT_KILL_PROCESS;
}

static void
filter_scmp_cmp(const struct filter_cmp *fc, struct scmp_arg_cmp *sc)
{
	static const enum scmp_compare ops[] = {
		[FILTER_OP_EQ] = SCMP_CMP_EQ, [FILTER_OP_NE] = SCMP_CMP_NE,
		[FILTER_OP_LT] = SCMP_CMP_LT, [FILTER_OP_LE] = SCMP_CMP_LE,
		[FILTER_OP_GT] = SCMP_CMP_GT, [FILTER_OP_GE] = SCMP_CMP_GE,
		[FILTER_OP_MASKED_EQ] = SCMP_CMP_MASKED_EQ,
	};

	/* libseccomp: MASKED_EQ takes (mask, value), the others (value) */
	sc->arg = fc->fc_arg;
	sc->op = ops[fc->fc_op];
	sc->datum_a = fc->fc_op == FILTER_OP_MASKED_EQ ? fc->fc_mask :
	    fc->fc_value;
	sc->datum_b = fc->fc_op == FILTER_OP_MASKED_EQ ? fc->fc_value : 0;
}

/*
 * A new context for the native architecture only: any other (i386 via
 * int 0x80, x32 via the 0x40000000 bit) gets KILL_PROCESS.  NNP is ours
 * to set, in the child, so libseccomp must not.
 */
static scmp_filter_ctx
filter_ctx(uint32_t defact)
{
	scmp_filter_ctx	 ctx;

	if ((ctx = seccomp_init(defact)) == NULL)
		return NULL;
	if (seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH,
	    SCMP_ACT_KILL_PROCESS) != 0 ||
	    seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0) != 0 ||
	    seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2) != 0) {
		seccomp_release(ctx);
		return NULL;
	}
	return ctx;
}

/* libseccomp 2.5 exports only to an fd: go through a memfd */
static int
filter_export(scmp_filter_ctx ctx, struct filter_prog *fp)
{
	off_t	 size;
	int	 fd, r = -1;

	if ((fd = memfd_create("cgijail-bpf", MFD_CLOEXEC)) == -1)
		return -1;
	if (seccomp_export_bpf(ctx, fd) != 0 ||
	    (size = lseek(fd, 0, SEEK_CUR)) <= 0 ||
	    size % (off_t)sizeof(struct sock_filter) != 0 ||
	    size / (off_t)sizeof(struct sock_filter) > BPF_MAXINSNS) {
		errno = EINVAL;
		goto out;
	}
	if ((fp->fp_insns = malloc((size_t)size)) == NULL)
		goto out;
	if (pread(fd, fp->fp_insns, (size_t)size, 0) != size) {
		free(fp->fp_insns);
		fp->fp_insns = NULL;
		errno = EIO;
		goto out;
	}
	fp->fp_len = (unsigned short)(size / (off_t)sizeof(struct sock_filter));
	r = 0;
out:
	(void)close(fd);
	return r;
}

/*
 * Merging the floor into a policy saves one filter attach per script
 * (~150 us on this machine kind).  It is done only where the result is
 * provably what stacking gives; otherwise the floor is installed apart.
 */
static int
filter_rank(const struct filter_rule *fr)
{
	return fr->fr_action == FILTER_ACT_KILL ? 3 :
	    fr->fr_action == FILTER_ACT_ERRNO ? 2 : 1;
}

/* can no call satisfy both conditions?  Only the floor's forms count */
static int
filter_disjoint_cmp(const struct filter_cmp *f, const struct filter_cmp *p)
{
	if (f->fc_arg != p->fc_arg)
		return 0;
	if (f->fc_op == FILTER_OP_MASKED_EQ && p->fc_op == FILTER_OP_EQ)
		return (p->fc_value & f->fc_mask) != f->fc_value;
	if (f->fc_op == FILTER_OP_MASKED_EQ && p->fc_op == FILTER_OP_MASKED_EQ)
		return ((f->fc_value ^ p->fc_value) & f->fc_mask &
		    p->fc_mask) != 0;
	if (f->fc_op == FILTER_OP_NE && p->fc_op == FILTER_OP_EQ)
		return p->fc_value == f->fc_value;
	return 0;
}

static int
filter_disjoint(const struct filter_rule *f, const struct filter_rule *p)
{
	unsigned int	 i, j;

	for (i = 0; i < f->fr_ncmp; i++)
		for (j = 0; j < p->fr_ncmp; j++)
			if (filter_disjoint_cmp(&f->fr_cmp[i], &p->fr_cmp[j]))
				return 1;
	return 0;
}

/* an unconditional rule becomes "whatever the floor leaves over" */
static int
filter_rest(struct filter_rule *fr)
{
	static const struct filter_cmp	 clone = { 0, FILTER_OP_MASKED_EQ,
	    FILTER_CLONE_NEW, 0 };
	static const struct filter_cmp	 pers = { 0, FILTER_OP_EQ, 0,
	    FILTER_PERS_QUERY };

	if (strcmp(fr->fr_name, "clone") == 0)
		fr->fr_cmp[0] = clone;
	else if (strcmp(fr->fr_name, "personality") == 0)
		fr->fr_cmp[0] = pers;
	else
		return -1;
	fr->fr_ncmp = 1;
	return 0;
}

/* a policy rule against the floor's rules for its syscall */
static int
filter_merge_rule(const struct filter_rule *pr,
    const struct filter_policy *fl, struct filter_policy *out)
{
	const struct filter_rule	*fr;
	struct filter_rule		 r = *pr;
	size_t				 i;

	for (i = 0; i < fl->fpo_nrules; i++) {
		fr = &fl->fpo_rules[i];
		if (fr->fr_syscall != pr->fr_syscall)
			continue;
		/* an unconditional floor rule is settled below */
		if (fr->fr_ncmp == 0)
			return pr->fr_ncmp != 0 &&
			    filter_rank(pr) > filter_rank(fr) ? -1 : 0;
		if (pr->fr_ncmp == 0 && pr->fr_action != FILTER_ACT_KILL)
			return filter_rest(&r) == -1 ? -1 :
			    filter_push(out, &r);
		if (pr->fr_ncmp != 0 && !filter_disjoint(fr, pr))
			return -1;
	}
	return filter_push(out, &r);
}

/* a floor rule; an unconditional policy rule may only make it stricter */
static int
filter_merge_floor(const struct filter_rule *fr,
    const struct filter_policy *pol, struct filter_policy *out)
{
	const struct filter_rule	*pr;
	struct filter_rule		 r = *fr;
	size_t				 i;

	for (i = 0; i < pol->fpo_nrules; i++) {
		pr = &pol->fpo_rules[i];
		if (pr->fr_syscall != fr->fr_syscall || pr->fr_ncmp != 0)
			continue;
		if (fr->fr_ncmp != 0 && pr->fr_action == FILTER_ACT_KILL)
			return 0;	/* the policy kills every call */
		if (fr->fr_ncmp == 0 && filter_rank(pr) > filter_rank(fr)) {
			r.fr_action = pr->fr_action;
			r.fr_errno = pr->fr_errno;
		}
	}
	return filter_push(out, &r);
}

static int
filter_merge(const struct filter_policy *pol, struct filter_policy *out)
{
	struct filter_policy	 fl;
	size_t			 i;
	int			 r = -1;

	memset(out, 0, sizeof(*out));
	out->fpo_default = pol->fpo_default;
	out->fpo_default_errno = pol->fpo_default_errno;
	if (filter_parse(filter_floor_text, sizeof(filter_floor_text) - 1,
	    "floor", &fl, NULL, 0) == -1)
		return -1;
	for (i = 0; i < pol->fpo_nrules; i++)
		if (filter_merge_rule(&pol->fpo_rules[i], &fl, out) == -1)
			goto out;
	for (i = 0; i < fl.fpo_nrules; i++)
		if (filter_merge_floor(&fl.fpo_rules[i], pol, out) == -1)
			goto out;
	r = 0;
out:
	filter_policy_free(&fl);
	if (r == -1)
		filter_policy_free(out);
	return r;
}

static int
filter_build(const struct filter_policy *fpo, const char *fname,
    struct filter_prog *fp, char *err, size_t errsz)
{
	const struct filter_rule	*fr;
	struct scmp_arg_cmp		 sc[FILTER_ARGS_MAX];
	scmp_filter_ctx			 ctx;
	uint32_t			 defact, act;
	size_t				 i, j;
	int				 r;

	defact = filter_scmp_action(fpo->fpo_default, fpo->fpo_default_errno);
	if ((ctx = filter_ctx(defact)) == NULL)
		return filter_err(err, errsz, fname, 0, "seccomp_init failed");
	for (i = 0; i < fpo->fpo_nrules; i++) {
		fr = &fpo->fpo_rules[i];
		act = filter_scmp_action(fr->fr_action, fr->fr_errno);
		/* another arch's syscall, or a line restating the default */
		if (fr->fr_syscall < 0 || act == defact)
			continue;
		for (j = 0; j < fr->fr_ncmp; j++)
			filter_scmp_cmp(&fr->fr_cmp[j], &sc[j]);
		if ((r = seccomp_rule_add_array(ctx, act, fr->fr_syscall,
		    fr->fr_ncmp, sc)) != 0) {
			seccomp_release(ctx);
			return filter_err(err, errsz, fname, fr->fr_line,
			    "libseccomp refused the rule for %s: %s",
			    fr->fr_name, strerror(-r));
		}
	}
	r = filter_export(ctx, fp);
	seccomp_release(ctx);
	if (r == -1)
		return filter_err(err, errsz, fname, 0, "exporting BPF: %s",
		    strerror(errno));
	return 0;
}

static int
filter_compile(const char *text, size_t len, const char *fname,
    struct filter_prog *fp, int with_floor, char *err, size_t errsz)
{
	struct filter_policy	 fpo, merged;
	int			 r;

	memset(fp, 0, sizeof(*fp));
	(void)strlcpy(fp->fp_name, fname, sizeof(fp->fp_name));
	if (filter_parse(text, len, fname, &fpo, err, errsz) == -1)
		return -1;
	if (with_floor && filter_merge(&fpo, &merged) == 0) {
		fp->fp_has_floor = 1;
		r = filter_build(&merged, fname, fp, err, errsz);
		filter_policy_free(&merged);
	} else
		r = filter_build(&fpo, fname, fp, err, errsz);
	filter_policy_free(&fpo);
	return r;
}

int
filter_compile_text(const char *text, size_t len, const char *fname,
    struct filter_prog *fp, char *err, size_t errsz)
{
	return filter_compile(text, len, fname, fp, 1, err, errsz);
}

static char *
filter_read(const char *path, size_t *lenp, char *err, size_t errsz)
{
	struct stat	 st;
	char		*text = NULL;
	ssize_t		 n;
	int		 fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1 ||
	    fstat(fd, &st) == -1) {
		snprintf(err, errsz, "%s: %s", path, strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode) || st.st_size > FILTER_FILE_MAX) {
		snprintf(err, errsz, "%s: not a regular file of at most %d "
		    "bytes", path, FILTER_FILE_MAX);
		goto out;
	}
	if ((text = malloc((size_t)st.st_size + 1)) == NULL ||
	    (n = read(fd, text, (size_t)st.st_size + 1)) == -1 ||
	    n > st.st_size) {
		snprintf(err, errsz, "%s: read failed or file grew", path);
		free(text);
		text = NULL;
		goto out;
	}
	*lenp = (size_t)n;
out:
	if (fd != -1)
		(void)close(fd);
	return text;
}

int
filter_compile_file(const char *path, struct filter_prog *fp, char *err,
    size_t errsz)
{
	char	*text;
	size_t	 len;
	int	 r;

	memset(fp, 0, sizeof(*fp));
	if ((text = filter_read(path, &len, err, errsz)) == NULL)
		return -1;
	r = filter_compile_text(text, len, path, fp, err, errsz);
	free(text);
	return r;
}

int
filter_compile_floor(struct filter_prog *fp, char *err, size_t errsz)
{
	return filter_compile(filter_floor_text, sizeof(filter_floor_text) - 1,
	    "(always-kill floor)", fp, 0, err, errsz);
}

/* async-signal-safe: the child calls this between clone and execve */
int
filter_install(const struct filter_prog *fp)
{
	struct sock_fprog	 prog;

	if (fp->fp_insns == NULL || fp->fp_len == 0) {
		errno = EINVAL;
		return -1;
	}
	prog.len = fp->fp_len;
	prog.filter = fp->fp_insns;
	return (int)syscall(SYS_prctl, PR_SET_SECCOMP, SECCOMP_MODE_FILTER,
	    &prog, 0, 0);
}

/* child: the floor first unless the policy has it compiled in */
int
filter_install_policy(const struct filter_prog *floor,
    const struct filter_prog *policy)
{
	if (!policy->fp_has_floor && filter_install(floor) == -1)
		return -1;
	return filter_install(policy);
}

void
filter_free(struct filter_prog *fp)
{
	free(fp->fp_insns);
	fp->fp_insns = NULL;
	fp->fp_len = 0;
}
