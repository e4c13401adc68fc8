/* SPDX-License-Identifier: ISC */
/*
 * check_rootless.c: unit tests for sandbox/rootless.c's account of why a
 * kernel refuses an unprivileged user namespace: each row is a fake
 * /proc/sys tree (kernel.unprivileged_userns_clone, user.max_user_
 * namespaces, kernel.apparmor_restrict_unprivileged_userns, each absent
 * or set), a failed step and its errno, and the words the message must
 * and must not hold.  The one sysctl that forbids it is named with how
 * root lifts it; none named means the kernel gave no such reason.
 * Runs as any user.
 */
#include <sys/stat.h>

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sandbox.h"

#define T_ABSENT	NULL

struct t_case {
	const char	*tc_clone;	/* kernel/unprivileged_... */
	const char	*tc_max;	/* user/max_user_namespaces */
	const char	*tc_aa;		/* kernel/apparmor_... */
	int		 tc_step;
	int		 tc_errno;
	const char	*tc_want[3];	/* each in the message */
	const char	*tc_not;	/* never in it (NULL: no check) */
};

static const struct t_case t_cases[] = {
	/* Debian's and Ubuntu's switch */
	{ "0\n", "15000\n", T_ABSENT, ROOTLESS_USERNS, EPERM,
	    { "kernel.unprivileged_userns_clone is 0",
	      "sysctl -w kernel.unprivileged_userns_clone=1", NULL },
	    "max_user_namespaces" },
	/* the switch every kernel has */
	{ T_ABSENT, "0\n", T_ABSENT, ROOTLESS_USERNS, ENOSPC,
	    { "user.max_user_namespaces is 0",
	      "sysctl -w user.max_user_namespaces=", NULL },
	    "unprivileged_userns_clone" },
	/* both off: the first one lifted is not enough, it is named */
	{ "0\n", "0\n", T_ABSENT, ROOTLESS_USERNS, EPERM,
	    { "kernel.unprivileged_userns_clone is 0", NULL, NULL }, NULL },
	/* a limit reached, not a switch */
	{ "1\n", "100\n", T_ABSENT, ROOTLESS_USERNS, ENOSPC,
	    { "user.max_user_namespaces (100) are all in use",
	      "nest too deep", NULL }, "is 0" },
	/* AppArmor: the namespace is made, but is worth nothing */
	{ T_ABSENT, "15000\n", "1\n", ROOTLESS_MAPS, EPERM,
	    { "kernel.apparmor_restrict_unprivileged_userns is 1",
	      "AppArmor", NULL }, NULL },
	{ T_ABSENT, "15000\n", "1\n", ROOTLESS_MOUNT, EPERM,
	    { "kernel.apparmor_restrict_unprivileged_userns is 1", NULL,
	      NULL }, NULL },
	/* every switch on: no sysctl is blamed, the step and errno are */
	{ "1\n", "15000\n", "0\n", ROOTLESS_USERNS, EPERM,
	    { "the kernel refused a user namespace (Operation not permitted)",
	      "seccomp profile", NULL }, " is 0" },
	{ T_ABSENT, T_ABSENT, T_ABSENT, ROOTLESS_MOUNT, EPERM,
	    { "the kernel refused a mount in it",
	      "kernel.unprivileged_userns_clone",
	      "kernel.apparmor_restrict_unprivileged_userns" }, " is 1" },
	{ T_ABSENT, T_ABSENT, T_ABSENT, ROOTLESS_MOUNTNS, EINVAL,
	    { "the kernel refused a mount namespace in it (Invalid argument)",
	      NULL, NULL }, NULL },
	/* what is no number is no reason */
	{ "x\n", "-1\n", "", ROOTLESS_MAPS, EPERM,
	    { "the kernel refused its uid and gid maps", NULL, NULL }, " is " },
};

static char	t_root[64];

static int
t_rm(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	return remove(path);
}

static void
t_setup(void)
{
	char	 dir[128];

	strlcpy(t_root, "/tmp/check_rootless.XXXXXX", sizeof(t_root));
	ck_assert_ptr_nonnull(mkdtemp(t_root));
	snprintf(dir, sizeof(dir), "%s/kernel", t_root);
	ck_assert_int_eq(mkdir(dir, 0755), 0);
	snprintf(dir, sizeof(dir), "%s/user", t_root);
	ck_assert_int_eq(mkdir(dir, 0755), 0);
}

static void
t_teardown(void)
{
	nftw(t_root, t_rm, 8, FTW_DEPTH | FTW_PHYS);
}

static void
t_sysctl(const char *name, const char *value)
{
	char	 path[256];
	int	 fd;

	snprintf(path, sizeof(path), "%s/%s", t_root, name);
	(void)unlink(path);
	if (value == T_ABSENT)
		return;
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, value, strlen(value)),
	    (ssize_t)strlen(value));
	close(fd);
}

START_TEST(test_rootless_explain_names_the_sysctl)
{
	const struct t_case	*tc = &t_cases[_i];
	char			 msg[1024];
	size_t			 w;

	t_sysctl("kernel/unprivileged_userns_clone", tc->tc_clone);
	t_sysctl("user/max_user_namespaces", tc->tc_max);
	t_sysctl("kernel/apparmor_restrict_unprivileged_userns", tc->tc_aa);
	memset(msg, 'X', sizeof(msg));
	rootless_explain(t_root, tc->tc_step, tc->tc_errno, msg, sizeof(msg));
	ck_assert_ptr_nonnull(memchr(msg, '\0', sizeof(msg)));
	for (w = 0; w < 3 && tc->tc_want[w] != NULL; w++)
		ck_assert_msg(strstr(msg, tc->tc_want[w]) != NULL,
		    "row %d: no \"%s\" in \"%s\"", _i, tc->tc_want[w], msg);
	if (tc->tc_not != NULL)
		ck_assert_msg(strstr(msg, tc->tc_not) == NULL,
		    "row %d: \"%s\" in \"%s\"", _i, tc->tc_not, msg);
}
END_TEST

/* a short buffer is cut, never overrun */
START_TEST(test_rootless_explain_fits_a_short_buffer)
{
	char	 msg[16];

	t_sysctl("kernel/unprivileged_userns_clone", "0\n");
	memset(msg, 'X', sizeof(msg));
	rootless_explain(t_root, ROOTLESS_USERNS, EPERM, msg, 8);
	ck_assert_str_eq(msg, "kernel.");
	ck_assert_int_eq(msg[8], 'X');
}
END_TEST

static Suite *
rootless_suite(void)
{
	Suite	*s = suite_create("rootless");
	TCase	*tc = tcase_create("explain");

	tcase_add_checked_fixture(tc, t_setup, t_teardown);
	tcase_add_loop_test(tc, test_rootless_explain_names_the_sysctl, 0,
	    (int)(sizeof(t_cases) / sizeof(t_cases[0])));
	tcase_add_test(tc, test_rootless_explain_fits_a_short_buffer);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner	*sr = srunner_create(rootless_suite());
	int	 failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
