/* SPDX-License-Identifier: ISC */
/*
 * check_limits.c: unit tests for sandbox/limits.c's cgroup v2 leaf move
 * on a fake cgroupfs tree (this project's hosts run hybrid v1, where the
 * v2 no-internal-processes rule cannot be seen): the processes of our
 * group are written, one per write, into LIMITS_CG_LEAF/cgroup.procs,
 * and an empty group is left alone.  Runs as any user.
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
#include "../../sandbox/sandbox_priv.h"

static char	t_root[64];
static int	t_fd = -1;

static void
t_write(const char *name, const char *text)
{
	int	 fd;

	fd = openat(t_fd, name, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
}

static int
t_rm(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	return remove(path);
}

static void
t_setup(void)
{
	strlcpy(t_root, "/tmp/check_limits.XXXXXX", sizeof(t_root));
	ck_assert_ptr_nonnull(mkdtemp(t_root));
	t_fd = open(t_root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	ck_assert_int_ge(t_fd, 0);
}

static void
t_teardown(void)
{
	close(t_fd);
	nftw(t_root, t_rm, 8, FTW_DEPTH | FTW_PHYS);
}

/*
 * A fake cgroup.procs is a plain file: the group's never empties as the
 * kernel's would, so every round moves both pids again (one write each,
 * no newline: cgroupfs takes one pid per write) until the rounds are
 * spent and the group is reported busy.
 */
START_TEST(test_limits_v2_leaf_moves_every_process)
{
	char	 buf[256];
	ssize_t	 n;
	int	 fd;

	t_write("cgroup.procs", "1234\n5678\n");
	ck_assert_int_eq(mkdirat(t_fd, LIMITS_CG_LEAF, 0755), 0);
	t_write(LIMITS_CG_LEAF "/cgroup.procs", "");
	/* the kernel moves a pid out of the group on the leaf write */
	ck_assert_int_eq(limits_v2_leaf(t_fd), -1);
	ck_assert_int_eq(errno, EBUSY);	/* a plain file never empties */
	fd = openat(t_fd, LIMITS_CG_LEAF "/cgroup.procs", O_RDONLY);
	ck_assert_int_ge(fd, 0);
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	ck_assert_int_gt(n, 0);
	buf[n] = '\0';
	/* one write per pid (each round reopens the file at 0) */
	ck_assert_str_eq(buf, "12345678");
}
END_TEST

START_TEST(test_limits_v2_leaf_empty_group_untouched)
{
	struct stat	 st;

	t_write("cgroup.procs", "");
	ck_assert_int_eq(limits_v2_leaf(t_fd), 0);
	ck_assert_int_eq(fstatat(t_fd, LIMITS_CG_LEAF, &st, 0), -1);
	ck_assert_int_eq(errno, ENOENT);
}
END_TEST

START_TEST(test_limits_v2_leaf_unreadable_group_fails)
{
	ck_assert_int_eq(limits_v2_leaf(t_fd), -1);
	ck_assert_int_eq(errno, ENOENT);
}
END_TEST

static Suite *
limits_suite(void)
{
	Suite	*s = suite_create("limits");
	TCase	*tc = tcase_create("v2 leaf");

	tcase_add_checked_fixture(tc, t_setup, t_teardown);
	tcase_add_test(tc, test_limits_v2_leaf_moves_every_process);
	tcase_add_test(tc, test_limits_v2_leaf_empty_group_untouched);
	tcase_add_test(tc, test_limits_v2_leaf_unreadable_group_fails);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner	*sr = srunner_create(limits_suite());
	int	 failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
