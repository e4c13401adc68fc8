/* SPDX-License-Identifier: ISC */
/*
 * check_auth.c: unit tests for daemon/auth.c: the htpasswd parser (every
 * line checked, bcrypt and yescrypt only, the line at fault named), the
 * Authorization field parser (strict base64, user and password bounds)
 * and the realm quoted for WWW-Authenticate.  Table-driven, no I/O.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth.h"

#define BCRYPT	"$2y$05$abcdefghijklmnopqrstuuABCDEFGHIJKLMNOPQRSTUVWXYZ01234"
#define BCRYPTB	"$2b$12$abcdefghijklmnopqrstuuABCDEFGHIJKLMNOPQRSTUVWXYZ01234"
#define YES	"$y$j9T$cAhhqzqodSzxy0NNrOw.91$" \
		"WGNRvl4QQ6Qx.dCNPC/IwmzG2o3OCFXTEOVdIJXxerC"

struct file_case {
	const char	*fc_text;
	int		 fc_rc;
	size_t		 fc_n;		/* users when 0 */
	const char	*fc_err;	/* a part of the error when -1 */
};

static const struct file_case file_cases[] = {
	{ "alice:" BCRYPT "\n", 0, 1, NULL },
	{ "alice:" BCRYPT, 0, 1, NULL },		/* no last newline */
	{ "alice:" BCRYPT "\r\n", 0, 1, NULL },
	{ "# staff\n\nalice:" BCRYPT "\nbob:" YES "\ncarol:" BCRYPTB "\n", 0,
	    3, NULL },
	{ "", -1, 0, "f:1: no user" },
	{ "# nobody\n", -1, 0, "f:1: no user" },
	{ "alice:" BCRYPT "\nbob\n", -1, 0, "f:2: not user:hash" },
	{ ":" BCRYPT "\n", -1, 0, "f:1: an empty user name" },
	{ "al ice:" BCRYPT "\n", -1, 0, "f:1: a blank" },
	{ "alice:" BCRYPT " \n", -1, 0, "f:1: a blank" },
	{ "al\tice:" BCRYPT "\n", -1, 0, "f:1: a blank" },
	{ "\xc3\xa9:" BCRYPT "\n", -1, 0, "f:1: a blank or a byte" },
	{ "alice:" BCRYPT "\nalice:" YES "\n", -1, 0, "f:2: this user" },
	{ "alice:" BCRYPT ":x\n", -1, 0, "f:1: more than one ':'" },
	{ "alice:$apr1$abcdefgh$0123456789012345678901\n", -1, 0,
	    "f:1: an MD5 hash" },
	{ "alice:$1$abc$def\n", -1, 0, "f:1: an MD5 hash" },
	{ "alice:{SHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g=\n", -1, 0,
	    "f:1: a SHA-1 hash" },
	{ "alice:$6$salt$hash\n", -1, 0, "f:1: a hash type" },
	{ "alice:$5$salt$hash\n", -1, 0, "f:1: a hash type" },
	{ "alice:$2a$05$abcdefghijklmnopqrstuuABCDEFGHIJKLMNOPQRSTUVWXYZ01234\n",
	    -1, 0, "f:1: a hash type" },
	{ "alice:abJnggxhB/yWI\n", -1, 0, "f:1: not a bcrypt" },
	{ "alice:secret\n", -1, 0, "f:1: not a bcrypt" },
	{ "alice:\n", -1, 0, "f:1: not a bcrypt" },
	{ "alice:$2y$03$abcdefghijklmnopqrstuuABCDEFGHIJKLMNOPQRSTUVWXYZ01234\n",
	    -1, 0, "a malformed bcrypt" },		/* cost below 4 */
	{ "alice:$2y$32$abcdefghijklmnopqrstuuABCDEFGHIJKLMNOPQRSTUVWXYZ01234\n",
	    -1, 0, "a malformed bcrypt" },
	{ "alice:$2y$05$abcdefghijklmnopqrstuuABCDEFGHIJKLMNOPQRSTUVWXYZ0123\n",
	    -1, 0, "a malformed bcrypt" },		/* one short */
	{ "alice:$2y$05$abcdefghijklmnopqrstuuABCDEFGHIJKLMNOPQRSTUVWXYZ012!4\n",
	    -1, 0, "a malformed bcrypt" },
	{ "alice:$y$j9T$cAhhqzqodSzxy0NNrOw.91$short\n", -1, 0,
	    "a malformed yescrypt" },
	{ "alice:$y$$cAhhqzqodSzxy0NNrOw.91$"
	    "WGNRvl4QQ6Qx.dCNPC/IwmzG2o3OCFXTEOVdIJXxerC\n", -1, 0,
	    "a malformed yescrypt" },
	{ "alice:$y$j9T$" "WGNRvl4QQ6Qx.dCNPC/IwmzG2o3OCFXTEOVdIJXxerC\n", -1,
	    0, "a malformed yescrypt" },
	{ "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa:"
	    BCRYPT "\n", -1, 0, "longer than 64" },
	{ "alice:" BCRYPT "\n\0bob:" BCRYPT "\n", -1, 0, "f:2: a NUL" },
};

START_TEST(test_auth_file_table)
{
	const struct file_case	*fc = &file_cases[_i];
	struct auth_file	 af;
	char			 err[256];
	size_t			 len = strlen(fc->fc_text);
	int			 rc;

	/* the one case with a NUL inside carries it */
	if (strstr(fc->fc_text, "\n") != NULL && fc->fc_err != NULL &&
	    strstr(fc->fc_err, "NUL") != NULL)
		len = strlen(fc->fc_text) + 1 + strlen(fc->fc_text +
		    strlen(fc->fc_text) + 1);
	err[0] = '\0';
	rc = auth_file_parse(fc->fc_text, len, "f", &af, err, sizeof(err));
	ck_assert_msg(rc == fc->fc_rc, "case %d: rc %d: %s", _i, rc, err);
	if (rc == 0) {
		ck_assert_uint_eq(af.af_n, fc->fc_n);
		ck_assert_ptr_nonnull(auth_file_find(&af, "alice"));
		ck_assert_ptr_null(auth_file_find(&af, "alic"));
		ck_assert_ptr_null(auth_file_find(&af, "alicee"));
		auth_file_free(&af);
	} else {
		ck_assert_msg(strstr(err, fc->fc_err) != NULL,
		    "case %d: '%s' not in '%s'", _i, fc->fc_err, err);
		ck_assert_uint_eq(af.af_n, 0);
		ck_assert_ptr_null(af.af_users);
	}
}
END_TEST

START_TEST(test_auth_file_finds_each_user)
{
	const char	*text = "alice:" BCRYPT "\nbob:" YES "\n";
	struct auth_file af;
	char		 err[128];
	const struct auth_user *u;

	ck_assert_int_eq(auth_file_parse(text, strlen(text), "f", &af, err,
	    sizeof(err)), 0);
	u = auth_file_find(&af, "bob");
	ck_assert_ptr_nonnull(u);
	ck_assert_str_eq(u->au_hash, YES);
	ck_assert_str_eq(auth_file_find(&af, "alice")->au_hash, BCRYPT);
	auth_file_free(&af);
}
END_TEST

struct basic_case {
	const char	*bc_field;
	int		 bc_ok;
	const char	*bc_user;
	const char	*bc_pass;	/* or a part of why when not ok */
};

static const struct basic_case basic_cases[] = {
	/* alice:wonderland */
	{ "Basic YWxpY2U6d29uZGVybGFuZA==", 1, "alice", "wonderland" },
	{ "basic YWxpY2U6d29uZGVybGFuZA==", 1, "alice", "wonderland" },
	{ "BASIC \t YWxpY2U6d29uZGVybGFuZA==  ", 1, "alice", "wonderland" },
	/* a:b:c: the first colon splits */
	{ "Basic YTpiOmM=", 1, "a", "b:c" },
	/* a: (empty password) */
	{ "Basic YTo=", 1, "a", "" },
	/* Aladdin:open sesame (RFC 7617) */
	{ "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==", 1, "Aladdin", "open sesame" },
	{ "Basic", 0, NULL, "not the Basic" },
	{ "Basic ", 0, NULL, "not base64" },
	{ "Basicx YTpi", 0, NULL, "not the Basic" },
	{ "Bearer YTpi", 0, NULL, "not the Basic" },
	{ "Digest username=\"a\"", 0, NULL, "not the Basic" },
	{ "Basic YTpi YTpi", 0, NULL, "not base64" },
	{ "Basic YWxpY2U6d29uZGVybGFuZA=", 0, NULL, "not base64" },
	{ "Basic YWxpY2U6d29uZGVybGFuZA", 0, NULL, "not base64" },
	{ "Basic YWxp!2U6d29uZGVybGFuZA==", 0, NULL, "not base64" },
	{ "Basic YW=pY2U6", 0, NULL, "not base64" },
	{ "Basic ====", 0, NULL, "not base64" },
	{ "Basic YTpiZ===", 0, NULL, "not base64" },
	{ "Basic YTpj", 1, "a", "c" },
	/* non-canonical padding bits: "YTpk" is a:d, "YTq=" leaves bits */
	{ "Basic YTr=", 0, NULL, "not base64" },
	{ "Basic YWxpY2U=", 0, NULL, "no ':'" },	/* alice */
	{ "Basic OmI=", 0, NULL, "an empty user" },	/* :b */
	{ "Basic YSBiOmM=", 0, NULL, "outside 0x21-0x7e" },	/* a b:c */
	{ "Basic YQBiOmM=", 0, NULL, "a NUL" },		/* a\0b:c */
	{ "Basic YTpiAGM=", 0, NULL, "a NUL" },		/* a:b\0c */
	{ "Basic w6k6eA==", 0, NULL, "outside 0x21-0x7e" },	/* é:x */
};

START_TEST(test_auth_basic_table)
{
	const struct basic_case	*bc = &basic_cases[_i];
	char			 user[AUTH_USER_MAX + 1], pass[AUTH_PASS_MAX + 1];
	const char		*why;
	enum auth_basic		 r;

	r = auth_basic_parse(bc->bc_field, user, pass, &why);
	if (bc->bc_ok) {
		ck_assert_msg(r == AUTH_BASIC_OK, "case %d: %s", _i, why);
		ck_assert_str_eq(user, bc->bc_user);
		ck_assert_str_eq(pass, bc->bc_pass);
	} else {
		ck_assert_msg(r == AUTH_BASIC_MALFORMED && why != NULL &&
		    strstr(why, bc->bc_pass) != NULL, "case %d: %s", _i,
		    why ? why : "(ok)");
		ck_assert_str_eq(user, "");
		ck_assert_str_eq(pass, "");
	}
}
END_TEST

/* base64 of user ":" pass, made here */
static void
t_b64(const unsigned char *in, size_t n, char *out)
{
	static const char	 a[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghij"
	    "klmnopqrstuvwxyz0123456789+/";
	size_t			 i, o = 0;
	uint32_t		 v;

	for (i = 0; i < n; i += 3) {
		v = (uint32_t)in[i] << 16 | (i + 1 < n ? in[i + 1] << 8 : 0) |
		    (i + 2 < n ? in[i + 2] : 0);
		out[o++] = a[v >> 18 & 63];
		out[o++] = a[v >> 12 & 63];
		out[o++] = i + 1 < n ? a[v >> 6 & 63] : '=';
		out[o++] = i + 2 < n ? a[v & 63] : '=';
	}
	out[o] = '\0';
}

/* the bounds: 64-byte user and 256-byte password in, one more out */
START_TEST(test_auth_basic_bounds)
{
	unsigned char	 raw[AUTH_USER_MAX + AUTH_PASS_MAX + 8];
	char		 field[AUTH_FIELD_MAX * 2], user[AUTH_USER_MAX + 1];
	char		 pass[AUTH_PASS_MAX + 1];
	const char	*why;
	size_t		 ul, pl;

	for (ul = AUTH_USER_MAX; ul <= AUTH_USER_MAX + 1; ul++)
		for (pl = AUTH_PASS_MAX; pl <= AUTH_PASS_MAX + 1; pl++) {
			memset(raw, 'u', ul);
			raw[ul] = ':';
			memset(raw + ul + 1, 'p', pl);
			memcpy(field, "Basic ", 6);
			t_b64(raw, ul + 1 + pl, field + 6);
			ck_assert_int_eq(auth_basic_parse(field, user, pass,
			    &why), ul == AUTH_USER_MAX && pl == AUTH_PASS_MAX ?
			    AUTH_BASIC_OK : AUTH_BASIC_MALFORMED);
			ck_assert_uint_eq(strlen(user) + strlen(pass),
			    ul == AUTH_USER_MAX && pl == AUTH_PASS_MAX ?
			    AUTH_USER_MAX + AUTH_PASS_MAX : 0);
		}
	memset(field, 'A', sizeof(field) - 1);
	memcpy(field, "Basic ", 6);
	field[sizeof(field) - 1] = '\0';
	ck_assert_int_eq(auth_basic_parse(field, user, pass, &why),
	    AUTH_BASIC_MALFORMED);
	ck_assert_ptr_nonnull(strstr(why, "longer than any"));
}
END_TEST

START_TEST(test_auth_realm_quote)
{
	char	buf[16];

	ck_assert_int_eq(auth_realm_quote("staff", buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "\"staff\"");
	ck_assert_int_eq(auth_realm_quote("a\"b\\c", buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "\"a\\\"b\\\\c\"");
	ck_assert_int_eq(auth_realm_quote("", buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "\"\"");
	ck_assert_int_eq(auth_realm_quote("a\nb", buf, sizeof(buf)), -1);
	ck_assert_int_eq(auth_realm_quote("a\x7f", buf, sizeof(buf)), -1);
	/* 13 characters and two quotes and the NUL: 16 */
	ck_assert_int_eq(auth_realm_quote("0123456789abc", buf,
	    sizeof(buf)), 0);
	ck_assert_int_eq(auth_realm_quote("0123456789abcd", buf,
	    sizeof(buf)), -1);
	ck_assert_int_eq(auth_realm_quote("0123456789ab\"", buf,
	    sizeof(buf)), -1);
}
END_TEST

static Suite *
auth_suite(void)
{
	Suite	*s = suite_create("auth");
	TCase	*tc = tcase_create("core");

	tcase_add_loop_test(tc, test_auth_file_table, 0,
	    sizeof(file_cases) / sizeof(file_cases[0]));
	tcase_add_test(tc, test_auth_file_finds_each_user);
	tcase_add_loop_test(tc, test_auth_basic_table, 0,
	    sizeof(basic_cases) / sizeof(basic_cases[0]));
	tcase_add_test(tc, test_auth_basic_bounds);
	tcase_add_test(tc, test_auth_realm_quote);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner	*sr;
	int	 failed;

	sr = srunner_create(auth_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
