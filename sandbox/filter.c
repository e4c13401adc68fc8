/* SPDX-License-Identifier: ISC */
/*
 * filter.c: parsed seccomp policies (filter_parse.c) into BPF through
 * libseccomp, once, at role start: each script policy with the always-kill
 * floor merged in where provably the same (filter_merge.c), the floor
 * itself, each role's own policy.  Installing is one prctl, async-signal-safe.  Runs in the
 * executor and the front; trusts the rules the parser let through.
 */
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/seccomp.h>
#include <seccomp.h>

#include "sandbox_priv.h"

#define FILTER_FILE_MAX		(1 << 20)
#define FILTER_FLOOR_NAME	"policy/floor.policy (built in)"
#define FILTER_NONET_NAME	"policy/floor-nonet.policy (built in)"

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
filter_export(scmp_filter_ctx ctx, struct sock_filter **insns,
    unsigned short *len)
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
	if ((*insns = malloc((size_t)size)) == NULL)
		goto out;
	if (pread(fd, *insns, (size_t)size, 0) != size) {
		free(*insns);
		*insns = NULL;
		errno = EIO;
		goto out;
	}
	*len = (unsigned short)(size / (off_t)sizeof(struct sock_filter));
	r = 0;
out:
	(void)close(fd);
	return r;
}

/*
 * The floor's rules: policy/floor.policy, and with script-network off
 * policy/floor-nonet.policy's too (rules on calls the floor leaves alone,
 * or on other socket families).
 */
static int
filter_floor_rules(enum filter_floor ff, struct filter_policy *fl, char *err,
    size_t errsz)
{
	struct filter_policy	 nonet;
	size_t			 i;

	if (filter_parse(sandbox_floor_policy, sandbox_floor_policy_len,
	    FILTER_FLOOR_NAME, fl, err, errsz) == -1)
		return -1;
	if (ff != FILTER_FLOOR_NONET)
		return 0;
	if (filter_parse(sandbox_floor_nonet_policy,
	    sandbox_floor_nonet_policy_len, FILTER_NONET_NAME, &nonet, err,
	    errsz) == -1) {
		filter_policy_free(fl);
		return -1;
	}
	for (i = 0; i < nonet.fpo_nrules; i++)
		if (filter_push(fl, &nonet.fpo_rules[i]) == -1) {
			snprintf(err, errsz, "%s: out of memory",
			    FILTER_NONET_NAME);
			filter_policy_free(&nonet);
			filter_policy_free(fl);
			return -1;
		}
	filter_policy_free(&nonet);
	return 0;
}

/* a libseccomp context holding the rules, or NULL with err set */
static scmp_filter_ctx
filter_build(const struct filter_policy *fpo, const char *fname, char *err,
    size_t errsz)
{
	const struct filter_rule	*fr;
	struct scmp_arg_cmp		 sc[FILTER_ARGS_MAX];
	scmp_filter_ctx			 ctx;
	uint32_t			 defact, act;
	size_t				 i, j;
	int				 r;

	defact = filter_scmp_action(fpo->fpo_default, fpo->fpo_default_errno);
	if ((ctx = filter_ctx(defact)) == NULL) {
		(void)filter_err(err, errsz, fname, 0, "seccomp_init failed");
		return NULL;
	}
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
			(void)filter_err(err, errsz, fname, fr->fr_line,
			    "libseccomp refused the rule for %s: %s",
			    fr->fr_name, strerror(-r));
			return NULL;
		}
	}
	return ctx;
}

/*
 * The texts parsed in order (the first names the policy), with the floor
 * merged in if asked and provably the same; *merged says whether it was.
 */
static int
filter_load(const struct filter_src *src, size_t nsrc, enum filter_floor ff,
    struct filter_policy *out, int *merged, int *exec_self, char *err,
    size_t errsz)
{
	struct filter_policy	 fl, both;
	size_t			 i;

	*merged = 0;
	*exec_self = 0;
	if (filter_parse(src[0].fs_text, src[0].fs_len, src[0].fs_name, out,
	    err, errsz) == -1)
		return -1;
	for (i = 1; i < nsrc; i++)
		if (filter_parse_more(src[i].fs_text, src[i].fs_len,
		    src[i].fs_name, out, err, errsz) == -1)
			return -1;
	*exec_self = out->fpo_exec_self != 0;
	if (ff == FILTER_FLOOR_NONE)
		return 0;
	if (filter_floor_rules(ff, &fl, err, errsz) == -1) {
		filter_policy_free(out);
		return -1;
	}
	*merged = filter_merge(out, &fl, &both) == 0;
	filter_policy_free(&fl);
	if (*merged) {
		filter_policy_free(out);
		*out = both;
	}
	return 0;
}

static scmp_filter_ctx
filter_prepare(const struct filter_src *src, size_t nsrc,
    enum filter_floor ff, int *merged, int *exec_self, char *err,
    size_t errsz)
{
	struct filter_policy	 fpo;
	scmp_filter_ctx		 ctx;

	if (filter_load(src, nsrc, ff, &fpo, merged, exec_self, err,
	    errsz) == -1)
		return NULL;
	ctx = filter_build(&fpo, src[0].fs_name, err, errsz);
	filter_policy_free(&fpo);
	return ctx;
}

static int
filter_finish_to(scmp_filter_ctx ctx, struct sock_filter **insns,
    unsigned short *len, const char *name, char *err, size_t errsz)
{
	int	 r, save;

	r = filter_export(ctx, insns, len);
	save = errno;
	seccomp_release(ctx);
	if (r == -1)
		return filter_err(err, errsz, name, 0, "exporting BPF: %s",
		    strerror(save));
	return 0;
}

static int
filter_finish(scmp_filter_ctx ctx, struct filter_prog *fp, const char *name,
    char *err, size_t errsz)
{
	return filter_finish_to(ctx, &fp->fp_insns, &fp->fp_len, name, err,
	    errsz);
}

/*
 * The policy as two stacked filters too (filter_split.c), when the floor
 * is merged into it and the split is proved: else fp_outer stays NULL.
 */
static int
filter_compile_split(const struct filter_policy *fpo, struct filter_prog *fp,
    char *err, size_t errsz)
{
	struct filter_policy	 outer, inner;
	scmp_filter_ctx		 oc = NULL, ic = NULL;
	int			 r = -1;

	if (!fp->fp_has_floor || filter_split_policy(fpo, &outer, &inner) == -1)
		return 0;
	if ((oc = filter_build(&outer, fp->fp_name, err, errsz)) == NULL ||
	    (ic = filter_build(&inner, fp->fp_name, err, errsz)) == NULL)
		goto out;
	r = filter_finish_to(oc, &fp->fp_outer, &fp->fp_outer_len,
	    fp->fp_name, err, errsz);
	oc = NULL;
	if (r == 0)
		r = filter_finish_to(ic, &fp->fp_inner, &fp->fp_inner_len,
		    fp->fp_name, err, errsz);
	ic = NULL;
out:
	if (oc != NULL)
		seccomp_release(oc);
	if (ic != NULL)
		seccomp_release(ic);
	filter_policy_free(&outer);
	filter_policy_free(&inner);
	return r;
}

static int
filter_compile(const struct filter_src *src, size_t nsrc,
    enum filter_floor ff, struct filter_prog *fp, char *err, size_t errsz)
{
	struct filter_policy	 fpo;
	scmp_filter_ctx		 ctx;
	int			 r;

	memset(fp, 0, sizeof(*fp));
	(void)strlcpy(fp->fp_name, src[0].fs_name, sizeof(fp->fp_name));
	if (filter_load(src, nsrc, ff, &fpo, &fp->fp_has_floor,
	    &fp->fp_exec_self, err, errsz) == -1)
		return -1;
	if ((ctx = filter_build(&fpo, src[0].fs_name, err, errsz)) == NULL) {
		filter_policy_free(&fpo);
		return -1;
	}
	r = filter_finish(ctx, fp, src[0].fs_name, err, errsz);
	if (r == 0)
		r = filter_compile_split(&fpo, fp, err, errsz);
	filter_policy_free(&fpo);
	if (r == -1)
		filter_free(fp);
	return r;
}

int
filter_compile_script(const char *text, size_t len, const char *fname,
    enum filter_floor ff, struct filter_prog *fp, char *err, size_t errsz)
{
	struct filter_src	 src = { fname, text, len };

	return filter_compile(&src, 1, ff, fp, err, errsz);
}

int
filter_compile_text(const char *text, size_t len, const char *fname,
    struct filter_prog *fp, char *err, size_t errsz)
{
	return filter_compile_script(text, len, fname, FILTER_FLOOR, fp, err,
	    errsz);
}

int
filter_compile_own(const struct filter_src *src, size_t nsrc,
    struct filter_prog *fp, char *err, size_t errsz)
{
	return filter_compile(src, nsrc, FILTER_FLOOR_NONE, fp, err, errsz);
}

/* the same rules as filter_compile() as libseccomp's pseudo filter code */
int
filter_export_pfc(const struct filter_src *src, size_t nsrc,
    enum filter_floor ff, int fd, char *err, size_t errsz)
{
	scmp_filter_ctx	 ctx;
	int		 merged, exec_self, r;

	if ((ctx = filter_prepare(src, nsrc, ff, &merged, &exec_self, err,
	    errsz)) == NULL)
		return -1;
	r = seccomp_export_pfc(ctx, fd);
	seccomp_release(ctx);
	if (r != 0)
		return filter_err(err, errsz, src[0].fs_name, 0,
		    "exporting PFC: %s", strerror(-r));
	return 0;
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
filter_compile_file(const char *path, enum filter_floor ff,
    struct filter_prog *fp, char *err, size_t errsz)
{
	char	*text;
	size_t	 len;
	int	 r;

	memset(fp, 0, sizeof(*fp));
	if ((text = filter_read(path, &len, err, errsz)) == NULL)
		return -1;
	r = filter_compile_script(text, len, path, ff, fp, err, errsz);
	free(text);
	return r;
}

/* the floor alone (with the network floor's rules if asked) */
int
filter_compile_floor(enum filter_floor ff, struct filter_prog *fp, char *err,
    size_t errsz)
{
	struct filter_policy	 fl;
	scmp_filter_ctx		 ctx;

	memset(fp, 0, sizeof(*fp));
	(void)strlcpy(fp->fp_name, FILTER_FLOOR_NAME, sizeof(fp->fp_name));
	if (filter_floor_rules(ff, &fl, err, errsz) == -1)
		return -1;
	ctx = filter_build(&fl, FILTER_FLOOR_NAME, err, errsz);
	filter_policy_free(&fl);
	if (ctx == NULL)
		return -1;
	return filter_finish(ctx, fp, FILTER_FLOOR_NAME, err, errsz);
}

/* async-signal-safe: the child calls this between clone and execve */
int
filter_install_bpf(const struct sock_filter *insns, unsigned short len)
{
	struct sock_fprog	 prog;

	if (insns == NULL || len == 0) {
		errno = EINVAL;
		return -1;
	}
	prog.len = len;
	prog.filter = (struct sock_filter *)(uintptr_t)insns;
	return (int)syscall(SYS_prctl, PR_SET_SECCOMP, SECCOMP_MODE_FILTER,
	    &prog, 0, 0);
}

int
filter_install(const struct filter_prog *fp)
{
	return filter_install_bpf(fp->fp_insns, fp->fp_len);
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
	free(fp->fp_outer);
	free(fp->fp_inner);
	fp->fp_insns = fp->fp_outer = fp->fp_inner = NULL;
	fp->fp_len = fp->fp_outer_len = fp->fp_inner_len = 0;
}
