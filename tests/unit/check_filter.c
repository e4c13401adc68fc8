/* SPDX-License-Identifier: ISC */
/*
 * check_filter.c: sandbox/filter_parse.c and filter.c.  A table of
 * policy lines with their exact errors; compiled filters installed in
 * forked children prove that what must die dies with SIGSYS, what is
 * refused gets its errno, and the rest works.  Runs from the repository
 * top (reads policy/).
 */
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <check.h>
#include <errno.h>
#include <linux/seccomp.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sandbox.h"

#define T_FNAME		"t.policy"
#define T_DEFAULT	"policy/default.policy"
#define T_STRICT	"policy/strict.policy"
#define T_X32_BIT	0x40000000L

struct parse_case {
	const char	*pc_text;
	size_t		 pc_len;	/* 0: strlen(pc_text) */
	const char	*pc_err;	/* NULL: must parse */
	size_t		 pc_nrules;
};

static const struct parse_case parse_cases[] = {
	{ "", 0, NULL, 0 },
	{ "# only a comment\n\n   \t\n", 0, NULL, 0 },
	{ "allow read # why\n", 0, NULL, 1 },
	{ "allow read", 0, NULL, 1 },
	{ "allow read\r\n", 0, NULL, 1 },
	{ "default allow\n", 0, NULL, 0 },
	{ "default errno EACCES\n", 0, NULL, 0 },
	{ "deny-kill ptrace # never\nkill bpf\n", 0, NULL, 2 },
	{ "errno 13 read\n", 0, NULL, 1 },
	{ "allow ioctl arg1 == 5\nallow ioctl arg1 == 6\n", 0, NULL, 2 },
	{ "allow ioctl arg1 &0xffffffff == TIOCSTI\n", 0, NULL, 1 },
	{ "allow ioctl arg1 & 0xff == 0x12\n", 0, NULL, 1 },
	{ "allow clone arg0 &CLONE_NEWNS|CLONE_NEWPID == 0\n", 0, NULL, 1 },
	{ "allow write arg0 == 1 arg2 < 10\n", 0, NULL, 1 },
	{ "allow read arg0 == 1 arg1 != 1 arg2 < 1 arg3 <= 1 arg4 > 1 "
	  "arg5 >= 1\n", 0, NULL, 1 },
	{ "allow socketcall # i386 only\n", 0, NULL, 1 },
	{ "default kill\ndefault allow\n", 0,
	  T_FNAME ":2: duplicate 'default' (first at line 1)", 0 },
	{ "default allow junk\n", 0, T_FNAME ":1: junk after default action",
	  0 },
	{ "allow nosuchcall\n", 0, T_FNAME ":1: unknown syscall 'nosuchcall'",
	  0 },
	{ "permit read\n", 0, T_FNAME ":1: unknown action 'permit'", 0 },
	{ "errno\n", 0, T_FNAME ":1: errno needs a value", 0 },
	{ "errno EBOGUS read\n", 0, T_FNAME ":1: unknown errno 'EBOGUS'", 0 },
	{ "errno 0 read\n", 0, T_FNAME ":1: unknown errno '0'", 0 },
	{ "errno 4096 read\n", 0, T_FNAME ":1: unknown errno '4096'", 0 },
	{ "allow\n", 0, T_FNAME ":1: missing syscall name", 0 },
	{ "allow Read\n", 0, T_FNAME ":1: bad syscall name 'Read'", 0 },
	{ "allow read\nallow read\n", 0,
	  T_FNAME ":2: duplicate rule for read (first at line 1)", 0 },
	{ "allow ioctl arg1 == 5\nallow ioctl\n", 0, T_FNAME ":2: rule for "
	  "ioctl conflicts with line 1: an unconditional rule must be alone",
	  0 },
	{ "allow ioctl\nkill ioctl arg1 == 5\n", 0, T_FNAME ":2: rule for "
	  "ioctl conflicts with line 1: an unconditional rule must be alone",
	  0 },
	{ "allow ioctl arg1 == 5\nerrno EPERM ioctl arg1 == 5\n", 0,
	  T_FNAME ":2: duplicate rule for ioctl (first at line 1)", 0 },
	{ "allow write arg2 < 10 arg0 == 1\nallow write arg0 == 1 arg2 < 10\n",
	  0, T_FNAME ":2: duplicate rule for write (first at line 1)", 0 },
	{ "allow ioctl arg6 == 1\n", 0,
	  T_FNAME ":1: bad argument 'arg6' (want arg0..arg5)", 0 },
	{ "allow read junk\n", 0,
	  T_FNAME ":1: bad argument 'junk' (want arg0..arg5)", 0 },
	{ "allow ioctl arg1 =~ 1\n", 0, T_FNAME ":1: bad operator on arg1", 0 },
	{ "allow ioctl arg1\n", 0, T_FNAME ":1: bad operator on arg1", 0 },
	{ "allow ioctl arg1 ==\n", 0, T_FNAME ":1: bad value on arg1", 0 },
	{ "allow ioctl arg1 == BOGUS\n", 0, T_FNAME ":1: bad value on arg1",
	  0 },
	{ "allow ioctl arg1 == -1\n", 0, T_FNAME ":1: bad value on arg1", 0 },
	{ "allow ioctl arg1 == 18446744073709551616\n", 0,
	  T_FNAME ":1: bad value on arg1", 0 },
	{ "allow ioctl arg1 == 1|\n", 0, T_FNAME ":1: bad value on arg1", 0 },
	{ "allow ioctl arg1 &0xff != 1\n", 0,
	  T_FNAME ":1: a mask on arg1 needs '=='", 0 },
	{ "allow ioctl arg1 &zz == 1\n", 0, T_FNAME ":1: bad mask on arg1", 0 },
	{ "allow ioctl arg1 &\n", 0, T_FNAME ":1: bad mask on arg1", 0 },
	{ "allow ioctl arg1 == 1 arg1 == 2\n", 0,
	  T_FNAME ":1: arg1 compared twice", 0 },
	{ "allow read arg0 == 1 arg1 == 1 arg2 == 1 arg3 == 1 arg4 == 1 "
	  "arg5 == 1 arg0 == 2\n", 0, T_FNAME ":1: too many conditions", 0 },
	{ "allow read\x01\n", 0, T_FNAME ":1: control character 0x01", 0 },
	{ "allow read\n\nallow re\0ad\n", 23,
	  T_FNAME ":3: control character 0x00", 0 },
	{ "\n\n\nallow bogus # x\n", 0,
	  T_FNAME ":4: unknown syscall 'bogus'", 0 },
	{ "a b c d e f g h i j k l m n o p q r s t u v w x y z a b c d e f g\n",
	  0, T_FNAME ":1: too many words", 0 },
};

START_TEST(test_filter_parse_table)
{
	const struct parse_case	*pc = &parse_cases[_i];
	struct filter_policy	 fpo;
	char			 err[FILTER_ERR_MAX];
	size_t			 len;
	int			 r;

	len = pc->pc_len != 0 ? pc->pc_len : strlen(pc->pc_text);
	err[0] = '\0';
	r = filter_parse(pc->pc_text, len, T_FNAME, &fpo, err, sizeof(err));
	if (pc->pc_err == NULL) {
		ck_assert_msg(r == 0, "case %d: %s", _i, err);
		ck_assert_uint_eq(fpo.fpo_nrules, pc->pc_nrules);
		filter_policy_free(&fpo);
	} else {
		ck_assert_int_eq(r, -1);
		ck_assert_str_eq(err, pc->pc_err);
		ck_assert_ptr_null(fpo.fpo_rules);
	}
}
END_TEST

static void
parse_ok(const char *text, struct filter_policy *fpo)
{
	char	 err[FILTER_ERR_MAX] = "";

	ck_assert_msg(filter_parse(text, strlen(text), T_FNAME, fpo, err,
	    sizeof(err)) == 0, "%s", err);
}

START_TEST(test_filter_parse_fields)
{
	struct filter_policy	 fpo;
	const struct filter_rule *fr;

	parse_ok("default errno EACCES\n# c\nkill ioctl arg1 &0xffffffff == "
	    "TIOCSTI # typing\nerrno ENOSYS clone3\nallow write arg2 < 10 "
	    "arg0 == 1 #   \n", &fpo);
	ck_assert_int_eq(fpo.fpo_default, FILTER_ACT_ERRNO);
	ck_assert_int_eq(fpo.fpo_default_errno, EACCES);
	ck_assert_int_eq(fpo.fpo_default_line, 1);
	ck_assert_uint_eq(fpo.fpo_nrules, 3);
	fr = &fpo.fpo_rules[0];
	ck_assert_int_eq(fr->fr_line, 3);
	ck_assert_str_eq(fr->fr_name, "ioctl");
	ck_assert_int_eq(fr->fr_syscall, SYS_ioctl);
	ck_assert_int_eq(fr->fr_action, FILTER_ACT_KILL);
	ck_assert_int_eq(fr->fr_has_reason, 1);
	ck_assert_uint_eq(fr->fr_ncmp, 1);
	ck_assert_uint_eq(fr->fr_cmp[0].fc_arg, 1);
	ck_assert_int_eq(fr->fr_cmp[0].fc_op, FILTER_OP_MASKED_EQ);
	ck_assert_uint_eq(fr->fr_cmp[0].fc_mask, 0xffffffffULL);
	ck_assert_uint_eq(fr->fr_cmp[0].fc_value, TIOCSTI);
	fr = &fpo.fpo_rules[1];
	ck_assert_int_eq(fr->fr_action, FILTER_ACT_ERRNO);
	ck_assert_int_eq(fr->fr_errno, ENOSYS);
	ck_assert_int_eq(fr->fr_has_reason, 0);
	/* conditions come out sorted by argument */
	fr = &fpo.fpo_rules[2];
	ck_assert_int_eq(fr->fr_has_reason, 0);
	ck_assert_uint_eq(fr->fr_cmp[0].fc_arg, 0);
	ck_assert_int_eq(fr->fr_cmp[0].fc_op, FILTER_OP_EQ);
	ck_assert_uint_eq(fr->fr_cmp[1].fc_arg, 2);
	ck_assert_int_eq(fr->fr_cmp[1].fc_op, FILTER_OP_LT);
	ck_assert_uint_eq(fr->fr_cmp[1].fc_value, 10);
	filter_policy_free(&fpo);

	parse_ok("", &fpo);
	ck_assert_int_eq(fpo.fpo_default, FILTER_ACT_ERRNO);
	ck_assert_int_eq(fpo.fpo_default_errno, EPERM);
	ck_assert_int_eq(fpo.fpo_default_line, 0);
	filter_policy_free(&fpo);

	parse_ok("allow clone arg0 &CLONE_NEWNS|CLONE_NEWPID|0x1 == 0\n", &fpo);
	ck_assert_uint_eq(fpo.fpo_rules[0].fr_cmp[0].fc_mask,
	    CLONE_NEWNS | CLONE_NEWPID | 0x1);
	filter_policy_free(&fpo);
}
END_TEST

static int
more_parse(const char *text, struct filter_policy *fpo, char *err)
{
	return filter_parse_more(text, strlen(text), "more.policy", fpo, err,
	    FILTER_ERR_MAX);
}

/* a further text adds rules, never a default, and its errors name it */
START_TEST(test_filter_parse_more)
{
	struct filter_policy	 fpo;
	char			 err[FILTER_ERR_MAX];

	parse_ok("default kill\nallow read\n", &fpo);
	ck_assert_int_eq(more_parse("# extras\nallow write # w\n", &fpo,
	    err), 0);
	ck_assert_int_eq(fpo.fpo_default, FILTER_ACT_KILL);
	ck_assert_uint_eq(fpo.fpo_nrules, 2);
	ck_assert_str_eq(fpo.fpo_rules[1].fr_name, "write");
	ck_assert_int_eq(fpo.fpo_rules[1].fr_line, 2);
	ck_assert_int_eq(fpo.fpo_rules[1].fr_has_reason, 1);
	filter_policy_free(&fpo);

	parse_ok("allow read\n", &fpo);
	ck_assert_int_eq(more_parse("allow write\ndefault allow\n", &fpo,
	    err), -1);
	ck_assert_str_eq(err, "more.policy:2: only the first text may set "
	    "the default");
	ck_assert_ptr_null(fpo.fpo_rules);

	parse_ok("allow read\n", &fpo);
	ck_assert_int_eq(more_parse("\nallow read\n", &fpo, err), -1);
	ck_assert_str_eq(err, "more.policy:2: duplicate rule for read (first "
	    "at line 1)");
	ck_assert_ptr_null(fpo.fpo_rules);

	parse_ok("allow read\n", &fpo);
	ck_assert_int_eq(more_parse("allow bogus\n", &fpo, err), -1);
	ck_assert_str_eq(err, "more.policy:1: unknown syscall 'bogus'");
	ck_assert_ptr_null(fpo.fpo_rules);
}
END_TEST

START_TEST(test_filter_parse_limits)
{
	struct filter_policy	 fpo;
	char			*text, err[FILTER_ERR_MAX], line[64];
	size_t			 cap = (FILTER_RULES_MAX + 2) * 40, off = 0;
	int			 i, n;

	/* one line over the maximum length */
	text = malloc(2048);
	ck_assert_ptr_nonnull(text);
	memset(text, 'a', 2047);
	text[2047] = '\n';
	ck_assert_int_eq(filter_parse(text, 2048, T_FNAME, &fpo, err,
	    sizeof(err)), -1);
	ck_assert_str_eq(err, T_FNAME ":1: line too long");
	free(text);

	/* one rule over the maximum count */
	text = malloc(cap);
	ck_assert_ptr_nonnull(text);
	for (i = 0; i <= FILTER_RULES_MAX; i++) {
		n = snprintf(line, sizeof(line), "allow ioctl arg1 == %d\n", i);
		memcpy(text + off, line, (size_t)n);
		off += (size_t)n;
	}
	ck_assert_int_eq(filter_parse(text, off, T_FNAME, &fpo, err,
	    sizeof(err)), -1);
	snprintf(line, sizeof(line), T_FNAME ":%d: too many rules (max %d)",
	    FILTER_RULES_MAX + 1, FILTER_RULES_MAX);
	ck_assert_str_eq(err, line);
	free(text);

	/* a tiny error buffer truncates but stays a C string */
	ck_assert_int_eq(filter_parse("bogus\n", 6, T_FNAME, &fpo, err, 8),
	    -1);
	ck_assert_uint_eq(strlen(err), 7);
}
END_TEST

/* every shipped policy compiles, and every rule says why it is there */
START_TEST(test_filter_shipped_policies)
{
	static const char *const files[] = { T_DEFAULT, T_STRICT };
	struct filter_policy	 fpo;
	struct filter_prog	 fp;
	char			 err[FILTER_ERR_MAX], *text;
	size_t			 i;
	FILE			*f;
	long			 len;

	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		ck_assert_msg(filter_compile_file(files[i], FILTER_FLOOR, &fp,
		    err, sizeof(err)) == 0, "%s", err);
		ck_assert_uint_gt(fp.fp_len, 10);
		ck_assert_uint_le(fp.fp_len, BPF_MAXINSNS);
		ck_assert_str_eq(fp.fp_name, files[i]);
		filter_free(&fp);
		ck_assert_ptr_null(fp.fp_insns);

		f = fopen(files[i], "r");
		ck_assert_ptr_nonnull(f);
		ck_assert_int_eq(fseek(f, 0, SEEK_END), 0);
		len = ftell(f);
		rewind(f);
		text = malloc((size_t)len);
		ck_assert_ptr_nonnull(text);
		ck_assert_uint_eq(fread(text, 1, (size_t)len, f), (size_t)len);
		fclose(f);
		ck_assert_int_eq(filter_parse(text, (size_t)len, files[i], &fpo,
		    err, sizeof(err)), 0);
		for (size_t j = 0; j < fpo.fpo_nrules; j++)
			ck_assert_msg(fpo.fpo_rules[j].fr_has_reason,
			    "%s:%d: rule without a reason", files[i],
			    fpo.fpo_rules[j].fr_line);
		ck_assert_int_ne(fpo.fpo_default_line, 0);
		filter_policy_free(&fpo);
		free(text);
	}
}
END_TEST

START_TEST(test_filter_compile_errors)
{
	struct filter_prog	 fp;
	char			 err[FILTER_ERR_MAX];

	ck_assert_int_eq(filter_compile_text("allow bogus\n", 12, "x.policy",
	    &fp, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "x.policy:1: unknown syscall 'bogus'");
	ck_assert_ptr_null(fp.fp_insns);
	ck_assert_int_eq(filter_compile_file("policy/does-not-exist",
	    FILTER_FLOOR, &fp, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "policy/does-not-exist: No such file or "
	    "directory");
	ck_assert_int_eq(filter_compile_file("policy", FILTER_FLOOR, &fp, err,
	    sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "not a regular file"));
	/* a rule that only restates the default is dropped, not refused */
	ck_assert_int_eq(filter_compile_text("errno EPERM socket\nkill bpf\n",
	    27, "x.policy", &fp, err, sizeof(err)), 0);
	filter_free(&fp);
	ck_assert_int_eq(filter_compile_text("default kill\nallow exit_group\n",
	    30, "x.policy", &fp, err, sizeof(err)), 0);
	filter_free(&fp);
	ck_assert_int_eq(filter_install(&fp), -1);
	ck_assert_int_eq(errno, EINVAL);
}
END_TEST

/* ---- installed filters, each in a forked child ---------------------- */

enum probe_expect {
	EXPECT_SIGSYS,
	EXPECT_OK,
	EXPECT_EPERM,
	EXPECT_ENOSYS,
	EXPECT_EAFNOSUPPORT,
	EXPECT_ENETUNREACH
};

struct probe {
	const char		*pr_name;
	long			 pr_nr;
	long			 pr_a[4];
	enum probe_expect	 pr_expect;
};

#define T_AF_VSOCK	40	/* not in every libc's headers */
#define T_AF_ALG	38
#define T_NEW_LISTENER	8	/* SECCOMP_FILTER_FLAG_NEW_LISTENER */

static const struct probe probes[] = {
	{ "ptrace", SYS_ptrace, { PTRACE_TRACEME, 0, 0, 0 }, EXPECT_SIGSYS },
	{ "unshare(NEWUSER)", SYS_unshare, { CLONE_NEWUSER, 0, 0, 0 },
	  EXPECT_SIGSYS },
	{ "unshare(FILES)", SYS_unshare, { CLONE_FILES, 0, 0, 0 },
	  EXPECT_SIGSYS },
	{ "ioctl(TIOCSTI)", SYS_ioctl, { 0, TIOCSTI, 0, 0 }, EXPECT_SIGSYS },
	{ "ioctl(TIOCSTI|1<<32)", SYS_ioctl,
	  { 0, (long)(TIOCSTI | 0x100000000ULL), 0, 0 }, EXPECT_SIGSYS },
	{ "ioctl(TIOCLINUX)", SYS_ioctl, { 0, 0x541C, 0, 0 }, EXPECT_SIGSYS },
	{ "keyctl", SYS_keyctl, { 0, 0, 0, 0 }, EXPECT_SIGSYS },
	{ "add_key", SYS_add_key, { 0, 0, 0, 0 }, EXPECT_SIGSYS },
	{ "bpf", SYS_bpf, { 0, 0, 0, 0 }, EXPECT_SIGSYS },
	{ "mount", SYS_mount, { 0, 0, 0, 0 }, EXPECT_SIGSYS },
	{ "umount2", SYS_umount2, { 0, 0, 0, 0 }, EXPECT_SIGSYS },
	{ "chroot", SYS_chroot, { 0, 0, 0, 0 }, EXPECT_SIGSYS },
	{ "setns", SYS_setns, { 0, 0, 0, 0 }, EXPECT_SIGSYS },
	{ "clone(NEWNS)", SYS_clone, { CLONE_NEWNS | SIGCHLD, 0, 0, 0 },
	  EXPECT_SIGSYS },
	{ "clone(NEWNET)", SYS_clone, { CLONE_NEWNET | SIGCHLD, 0, 0, 0 },
	  EXPECT_SIGSYS },
	{ "personality(LINUX32)", SYS_personality, { 0x0008, 0, 0, 0 },
	  EXPECT_SIGSYS },
	{ "perf_event_open", SYS_perf_event_open, { 0, 0, 0, 0 },
	  EXPECT_SIGSYS },
	{ "io_uring_setup", SYS_io_uring_setup, { 0, 0, 0, 0 },
	  EXPECT_SIGSYS },
	{ "process_vm_readv", SYS_process_vm_readv, { 1, 0, 0, 0 },
	  EXPECT_SIGSYS },
	{ "userfaultfd", SYS_userfaultfd, { 0, 0, 0, 0 }, EXPECT_SIGSYS },
	{ "init_module", SYS_init_module, { 0, 0, 0, 0 }, EXPECT_SIGSYS },
	{ "settimeofday", SYS_settimeofday, { 0, 0, 0, 0 }, EXPECT_SIGSYS },
	{ "open_by_handle_at", SYS_open_by_handle_at, { 0, 0, 0, 0 },
	  EXPECT_SIGSYS },
	{ "fsopen", SYS_fsopen, { 0, 0, 0, 0 }, EXPECT_SIGSYS },
	{ "x32 getpid", T_X32_BIT | SYS_getpid, { 0, 0, 0, 0 },
	  EXPECT_SIGSYS },
	/* the network floor (script-network off), then the floor */
	{ "socket(INET)", SYS_socket, { AF_INET, SOCK_STREAM, 0, 0 },
	  EXPECT_ENETUNREACH },
	{ "socket(INET6)", SYS_socket, { AF_INET6, SOCK_DGRAM, 0, 0 },
	  EXPECT_ENETUNREACH },
	{ "socket(NETLINK)", SYS_socket, { AF_NETLINK, SOCK_RAW, 0, 0 },
	  EXPECT_EAFNOSUPPORT },
	{ "socket(VSOCK)", SYS_socket, { T_AF_VSOCK, SOCK_STREAM, 0, 0 },
	  EXPECT_EAFNOSUPPORT },
	{ "socket(ALG)", SYS_socket, { T_AF_ALG, SOCK_SEQPACKET, 0, 0 },
	  EXPECT_EAFNOSUPPORT },
	{ "socket(PACKET)", SYS_socket, { AF_PACKET, SOCK_RAW, 0, 0 },
	  EXPECT_EAFNOSUPPORT },
	{ "socket(UNIX)", SYS_socket, { AF_UNIX, SOCK_STREAM, 0, 0 },
	  EXPECT_OK },
	{ "sendto(MSG_OOB)", SYS_sendto, { -1, 0, 0, MSG_OOB }, EXPECT_SIGSYS },
	{ "sendto(MSG_OOB|DONTWAIT)", SYS_sendto,
	  { -1, 0, 0, MSG_OOB | MSG_DONTWAIT }, EXPECT_SIGSYS },
	{ "sendto", SYS_sendto, { -1, 0, 0, MSG_DONTWAIT }, EXPECT_OK },
	{ "recvmsg(MSG_OOB)", SYS_recvmsg, { -1, 0, MSG_OOB, 0 },
	  EXPECT_SIGSYS },
	{ "seccomp(NEW_LISTENER)", SYS_seccomp,
	  { SECCOMP_SET_MODE_FILTER, T_NEW_LISTENER, 0, 0 }, EXPECT_SIGSYS },
	{ "inotify_init1", SYS_inotify_init1, { 0, 0, 0, 0 }, EXPECT_EPERM },
	{ "mknod", SYS_mknod, { 0, 0, 0, 0 }, EXPECT_EPERM },
	{ "setuid", SYS_setuid, { 0, 0, 0, 0 }, EXPECT_EPERM },
	{ "socketpair(INET)", SYS_socketpair, { AF_INET, SOCK_STREAM, 0, 0 },
	  EXPECT_EAFNOSUPPORT },
	{ "clone3", SYS_clone3, { 0, 0, 0, 0 }, EXPECT_ENOSYS },
	{ "getpid", SYS_getpid, { 0, 0, 0, 0 }, EXPECT_OK },
	{ "personality(query)", SYS_personality, { 0xffffffffL, 0, 0, 0 },
	  EXPECT_OK },
	{ "ioctl(FIONREAD)", SYS_ioctl, { 0, FIONREAD, 0, 0 }, EXPECT_OK },
	{ "close(-1)", SYS_close, { -1, 0, 0, 0 }, EXPECT_OK },
};

/* an allow-everything policy the floor cannot be merged into */
#define T_LOOSE	"default allow\nallow ioctl\nallow clone\nallow personality\n"

/* a hostile policy allowing floored calls, with the floor merged in */
#define T_HOSTILE	"default allow\nallow ptrace\nallow unshare\n" \
	"allow mount\nallow clone\nallow personality\nallow clone3\n" \
	"allow keyctl\nallow bpf\nallow ioctl arg1 == FIONREAD\n"

static struct filter_prog	 t_floor, t_nonet, t_policy, t_loose,
				 t_hostile, t_strict;

static void
filters_setup(void)
{
	char			 err[FILTER_ERR_MAX];
	struct filter_src	 nonet = { "floor-nonet",
	    sandbox_floor_nonet_policy, sandbox_floor_nonet_policy_len };

	ck_assert_msg(filter_compile_floor(FILTER_FLOOR, &t_floor, err,
	    sizeof(err)) == 0, "%s", err);
	ck_assert_msg(filter_compile_own(&nonet, 1, &t_nonet, err,
	    sizeof(err)) == 0, "%s", err);
	ck_assert_msg(filter_compile_file(T_DEFAULT, FILTER_FLOOR, &t_policy,
	    err, sizeof(err)) == 0, "%s", err);
	ck_assert_msg(filter_compile_file(T_STRICT, FILTER_FLOOR, &t_strict,
	    err, sizeof(err)) == 0, "%s", err);
	ck_assert_msg(filter_compile_text(T_LOOSE, strlen(T_LOOSE), "loose",
	    &t_loose, err, sizeof(err)) == 0, "%s", err);
	ck_assert_msg(filter_compile_text(T_HOSTILE, strlen(T_HOSTILE),
	    "hostile", &t_hostile, err, sizeof(err)) == 0, "%s", err);
}

static void
filters_teardown(void)
{
	filter_free(&t_floor);
	filter_free(&t_nonet);
	filter_free(&t_policy);
	filter_free(&t_loose);
	filter_free(&t_hostile);
	filter_free(&t_strict);
}

/* child: exit 0 when the call behaved as expected (if it survived) */
static void __attribute__((noreturn))
probe_child(const struct probe *pr, const struct filter_prog *policy)
{
	long	 r;
	int	 ok;

	/* as a script gets them with script-network off */
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1 ||
	    filter_install(&t_nonet) == -1 ||
	    (policy == NULL ? filter_install(&t_floor) :
	    filter_install_policy(&t_floor, policy)) == -1)
		_exit(90);
	errno = 0;
	r = syscall(pr->pr_nr, pr->pr_a[0], pr->pr_a[1], pr->pr_a[2],
	    pr->pr_a[3]);
	switch (pr->pr_expect) {
	case EXPECT_EPERM:
		ok = r == -1 && errno == EPERM;
		break;
	case EXPECT_ENOSYS:
		ok = r == -1 && errno == ENOSYS;
		break;
	case EXPECT_EAFNOSUPPORT:
		ok = r == -1 && errno == EAFNOSUPPORT;
		break;
	case EXPECT_ENETUNREACH:
		ok = r == -1 && errno == ENETUNREACH;
		break;
	default:
		/* allowed: any answer but the filter's EPERM */
		ok = !(r == -1 && errno == EPERM);
		break;
	}
	_exit(ok ? 0 : 91);
}

static int
probe_run(const struct probe *pr, const struct filter_prog *policy)
{
	pid_t	 pid;
	int	 status;

	pid = fork();
	ck_assert_int_ne(pid, -1);
	if (pid == 0)
		probe_child(pr, policy);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	return status;
}

START_TEST(test_filter_default_policy_probe)
{
	const struct probe	*pr = &probes[_i];
	int			 status;

	ck_assert_int_eq(t_policy.fp_has_floor, 1);
	status = probe_run(pr, &t_policy);
	if (pr->pr_expect == EXPECT_SIGSYS)
		ck_assert_msg(WIFSIGNALED(status) && WTERMSIG(status) == SIGSYS,
		    "%s: not killed by SIGSYS (status %#x)", pr->pr_name,
		    status);
	else
		ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		    "%s: unexpected result (status %#x)", pr->pr_name, status);
}
END_TEST

/* strict.policy: no child process, no other program; the floor kills */
static const struct probe strict_probes[] = {
	{ "fork", SYS_fork, { 0, 0, 0, 0 }, EXPECT_EPERM },
	{ "vfork", SYS_vfork, { 0, 0, 0, 0 }, EXPECT_EPERM },
	{ "clone(process)", SYS_clone, { SIGCHLD, 0, 0, 0 }, EXPECT_EPERM },
	{ "clone3", SYS_clone3, { 0, 0, 0, 0 }, EXPECT_ENOSYS },
	{ "ptrace", SYS_ptrace, { PTRACE_TRACEME, 0, 0, 0 }, EXPECT_SIGSYS },
	{ "unshare(NEWUSER)", SYS_unshare, { CLONE_NEWUSER, 0, 0, 0 },
	  EXPECT_SIGSYS },
	{ "getpid", SYS_getpid, { 0, 0, 0, 0 }, EXPECT_OK },
};

START_TEST(test_filter_strict_policy_probe)
{
	const struct probe	*pr = &strict_probes[_i];
	int			 status;

	status = probe_run(pr, &t_strict);
	if (pr->pr_expect == EXPECT_SIGSYS)
		ck_assert_msg(WIFSIGNALED(status) && WTERMSIG(status) == SIGSYS,
		    "%s: not killed by SIGSYS (status %#x)", pr->pr_name,
		    status);
	else
		ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		    "%s: unexpected result (status %#x)", pr->pr_name, status);
}
END_TEST

/* the floor alone: kills the same, lets everything else through */
START_TEST(test_filter_floor_alone)
{
	static const struct probe socket_ok = { "socket(UNIX)", SYS_socket,
	    { AF_UNIX, SOCK_STREAM, 0, 0 }, EXPECT_OK };
	static const struct probe clone3_nosys = { "clone3", SYS_clone3,
	    { 0, 0, 0, 0 }, EXPECT_ENOSYS };
	int	 status;

	status = probe_run(&probes[0], NULL);
	ck_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGSYS);
	status = probe_run(&socket_ok, NULL);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	status = probe_run(&clone3_nosys, NULL);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}
END_TEST

/*
 * Policies that allow floored calls: stacked (every ioctl allowed) or
 * merged (the rest): the floor wins either way.
 */
START_TEST(test_filter_loose_policies)
{
	const struct probe	*pr = &probes[_i / 2];
	int			 status;

	ck_assert_int_eq(t_loose.fp_has_floor, 0);
	ck_assert_int_eq(t_hostile.fp_has_floor, 1);
	status = probe_run(pr, _i % 2 ? &t_hostile : &t_loose);
	if (pr->pr_expect == EXPECT_SIGSYS)
		ck_assert_msg(WIFSIGNALED(status) && WTERMSIG(status) == SIGSYS,
		    "%s: not killed by SIGSYS (status %#x)", pr->pr_name,
		    status);
	else
		ck_assert_msg(!WIFSIGNALED(status), "%s: killed (status %#x)",
		    pr->pr_name, status);
}
END_TEST

/* merge decisions: merged only when provably the same as stacking */
static const struct {
	const char	*mc_text;
	int		 mc_merged;
} merge_cases[] = {
	{ "allow read\n", 1 },
	{ "allow clone\nallow personality\n", 1 },
	{ "allow ioctl arg1 == TCGETS\nallow ioctl arg1 &0xff == 0x01\n", 1 },
	{ "kill ioctl\nkill clone\nallow ptrace\nallow clone3\n", 1 },
	{ "allow clone arg0 &CLONE_THREAD|CLONE_NEW_ANY == CLONE_THREAD\n", 1 },
	{ "allow ioctl\n", 0 },
	{ "allow ioctl arg1 == TIOCSTI\n", 0 },
	{ "allow ioctl arg1 &0xff == 0x12\n", 0 },
	{ "allow ioctl arg0 == 1\n", 0 },
	{ "allow clone arg0 &CLONE_THREAD == CLONE_THREAD\n", 0 },
	{ "allow personality arg0 == 8\n", 0 },
	{ "kill clone3 arg0 == 0\n", 0 },
};

START_TEST(test_filter_merge_decision)
{
	struct filter_prog	 fp;
	char			 err[FILTER_ERR_MAX];

	ck_assert_msg(filter_compile_text(merge_cases[_i].mc_text,
	    strlen(merge_cases[_i].mc_text), "m", &fp, err, sizeof(err)) == 0,
	    "%s", err);
	ck_assert_int_eq(fp.fp_has_floor, merge_cases[_i].mc_merged);
	filter_free(&fp);
}
END_TEST

/* i386 int 0x80: killed where the kernel has ia32 emulation at all */
START_TEST(test_filter_i386_killed)
{
	pid_t	 pid;
	int	 status, with_filter;

	for (with_filter = 0; with_filter <= 1; with_filter++) {
		if ((pid = fork()) == 0) {
			/* kernel sigaction: bypass a sanitizer's handler */
			struct {
				void		(*h)(int);
				unsigned long	  f;
				void		(*r)(void);
				uint64_t	  m;
			} dfl = { SIG_DFL, 0, NULL, 0 };
			long r;

			(void)syscall(SYS_rt_sigaction, SIGSEGV, &dfl, NULL, 8);
			if (with_filter && (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0,
			    0) == -1 || filter_install_policy(&t_floor,
			    &t_policy) == -1))
				_exit(90);
			__asm__ volatile("int $0x80" : "=a"(r) : "a"(20L) :
			    "memory");
			_exit(r > 0 ? 0 : 1);
		}
		ck_assert_int_eq(waitpid(pid, &status, 0), pid);
		/* no ia32 emulation (SIGSEGV): nothing for a filter to kill */
		if (!with_filter && !(WIFEXITED(status) &&
		    WEXITSTATUS(status) == 0))
			return;
		if (with_filter)
			ck_assert(WIFSIGNALED(status) &&
			    WTERMSIG(status) == SIGSYS);
	}
}
END_TEST

static Suite *
filter_suite(void)
{
	Suite	*s = suite_create("filter");
	TCase	*tc;

	tc = tcase_create("parse");
	tcase_add_loop_test(tc, test_filter_parse_table, 0,
	    (int)(sizeof(parse_cases) / sizeof(parse_cases[0])));
	tcase_add_test(tc, test_filter_parse_fields);
	tcase_add_test(tc, test_filter_parse_more);
	tcase_add_test(tc, test_filter_parse_limits);
	suite_add_tcase(s, tc);

	tc = tcase_create("compile");
	tcase_add_test(tc, test_filter_shipped_policies);
	tcase_add_test(tc, test_filter_compile_errors);
	suite_add_tcase(s, tc);

	tc = tcase_create("install");
	tcase_add_checked_fixture(tc, filters_setup, filters_teardown);
	tcase_add_loop_test(tc, test_filter_default_policy_probe, 0,
	    (int)(sizeof(probes) / sizeof(probes[0])));
	tcase_add_loop_test(tc, test_filter_strict_policy_probe, 0,
	    (int)(sizeof(strict_probes) / sizeof(strict_probes[0])));
	tcase_add_test(tc, test_filter_floor_alone);
	tcase_add_loop_test(tc, test_filter_loose_policies, 0,
	    (int)(2 * sizeof(probes) / sizeof(probes[0])));
	tcase_add_loop_test(tc, test_filter_merge_decision, 0,
	    (int)(sizeof(merge_cases) / sizeof(merge_cases[0])));
	tcase_add_test(tc, test_filter_i386_killed);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner	*sr;
	int	 failed;

	sr = srunner_create(filter_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
