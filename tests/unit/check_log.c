/* SPDX-License-Identifier: ISC */
/*
 * check_log.c: unit tests for daemon/log.c's log_escape(): its output is
 * strnvisx(3)'s with the flags it documents, byte for byte, whether a
 * text takes the plain-ASCII fast path or not (every byte alone, every
 * pair of them, request lines, truncation).  Needs log.c, libbsd and
 * Check.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include <vis.h>

#include "log.h"
#include "msg.h"

#define T_FLAGS	(VIS_OCTAL | VIS_CSTYLE | VIS_TAB | VIS_NL | VIS_DQ)

/* what log_escape() must give: strnvisx, then cut to dstsz */
static void
t_expect(char *dst, size_t dstsz, const char *src, size_t len)
{
	char	buf[4 * MSG_LOG_TEXT_MAX + 1];

	if (len > MSG_LOG_TEXT_MAX)
		len = MSG_LOG_TEXT_MAX;
	if (strnvisx(buf, sizeof(buf), src, len, T_FLAGS) == -1)
		buf[sizeof(buf) - 1] = '\0';
	strlcpy(dst, buf, dstsz);
}

static void
t_same(const char *src, size_t len, size_t dstsz)
{
	char	got[4 * MSG_LOG_TEXT_MAX + 1], want[sizeof(got)];

	memset(got, 'Z', sizeof(got));
	log_escape(got, dstsz, src, len);
	t_expect(want, dstsz, src, len);
	ck_assert_msg(strcmp(got, want) == 0, "%zu bytes from 0x%02x: "
	    "\"%s\", strnvisx gives \"%s\"", len,
	    len ? (unsigned char)src[0] : 0, got, want);
}

START_TEST(test_log_escape_every_byte_and_pair)
{
	char	s[2];
	int	a, b;

	for (a = 0; a < 256; a++) {
		s[0] = (char)a;
		t_same(s, 1, 64);
		for (b = 0; b < 256; b++) {
			s[1] = (char)b;
			t_same(s, 2, 64);
		}
	}
}
END_TEST

START_TEST(test_log_escape_lines_and_cuts)
{
	static const char *lines[] = {
		"GET /4k.bin HTTP/1.1", "-", "curl/7.88.1",
		"GET /a b\"c\\d HTTP/1.0", "Mozilla/5.0 (X11; Linux x86_64)",
		"GET /\x7f\x80\xff HTTP/1.1", "caf\xc3\xa9", "tab\there",
		"",
	};
	size_t	i, cut;

	for (i = 0; i < sizeof(lines) / sizeof(lines[0]); i++)
		for (cut = 1; cut < 40; cut++)
			t_same(lines[i], strlen(lines[i]), cut);
}
END_TEST

START_TEST(test_log_escape_long_text_is_bounded)
{
	char	*s;

	ck_assert_ptr_nonnull(s = malloc(MSG_LOG_TEXT_MAX + 100));
	memset(s, 'a', MSG_LOG_TEXT_MAX + 100);
	t_same(s, MSG_LOG_TEXT_MAX + 100, 4 * MSG_LOG_TEXT_MAX + 1);
	s[10] = '\n';
	t_same(s, MSG_LOG_TEXT_MAX + 100, 4 * MSG_LOG_TEXT_MAX + 1);
	free(s);
}
END_TEST

static Suite *
log_suite(void)
{
	Suite	*s = suite_create("log");
	TCase	*tc = tcase_create("escape");

	tcase_add_test(tc, test_log_escape_every_byte_and_pair);
	tcase_add_test(tc, test_log_escape_lines_and_cuts);
	tcase_add_test(tc, test_log_escape_long_text_is_bounded);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner	*sr;
	int	 failed;

	sr = srunner_create(log_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
