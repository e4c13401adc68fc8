/* SPDX-License-Identifier: ISC */
/*
 * check_cgi_env.c: unit tests for cgi_env.c, the CGI environment builder.
 * Pure: no sockets, no processes, table-driven.  Builds against
 * daemon/cgi_env.c alone.
 */

#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgi_env.h"

#define nitems(a)	(sizeof(a) / sizeof((a)[0]))
#define CGI_PATH_EXPECTED	"/usr/local/bin:/usr/bin:/bin"

/* big: static, and CK_FORK gives each test a fresh copy */
static struct cgi_env		env;
static struct msg_exec_req	req;
static struct config		cf;

/* ---- environment fixtures ------------------------------------------ */

#define SETF(f, s)	ck_assert_uint_lt(strlcpy((f), (s), sizeof(f)), \
			    sizeof(f))

static void
set_headers(const char *list, size_t len)
{
	ck_assert_uint_lt(len, sizeof(req.er_headers) - 1);
	memset(req.er_headers, 0, sizeof(req.er_headers));
	memcpy(req.er_headers, list, len);
}

#define GET_HEADERS	"Host\0example.org:8000\0User-Agent\0curl/8.0\0" \
			"Accept\0*/*\0"

static void
req_get(void)
{
	memset(&req, 0, sizeof(req));
	memset(&cf, 0, sizeof(cf));
	SETF(req.er_method, "GET");
	SETF(req.er_script, "/cgi-bin/env.py");
	SETF(req.er_query, "a=1&b=2");
	SETF(req.er_request_uri, "/cgi-bin/env.py?a=1&b=2");
	SETF(req.er_protocol, "HTTP/1.1");
	SETF(req.er_server_name, "example.org");
	SETF(req.er_peer_addr, "192.0.2.7");
	SETF(req.er_local_addr, "192.0.2.1");
	req.er_peer_port = 51234;
	req.er_local_port = 8000;
	req.er_content_length = -1;
	set_headers(GET_HEADERS, sizeof(GET_HEADERS) - 1);
}

static void
req_post(void)
{
	req_get();
	SETF(req.er_method, "POST");
	SETF(req.er_script, "/cgi-bin/form");
	SETF(req.er_path_info, "/a/b c");
	SETF(req.er_query, "");
	SETF(req.er_request_uri, "/cgi-bin/form/a/b%20c");
	SETF(req.er_protocol, "HTTP/1.0");
	SETF(req.er_server_name, "");
	SETF(req.er_content_type, "application/x-www-form-urlencoded");
	req.er_content_length = 11;
	req.er_flags = MSG_EXEC_F_TLS;
	req.er_local_port = 443;
	set_headers("Content-Type\0application/x-www-form-urlencoded\0"
	    "Content-Length\0" "11\0Transfer-Encoding\0chunked\0",
	    sizeof("Content-Type\0application/x-www-form-urlencoded\0"
	    "Content-Length\0" "11\0Transfer-Encoding\0chunked\0") - 1);
}

static void
req_ipv6(void)
{
	req_get();
	SETF(req.er_server_name, "");
	SETF(req.er_peer_addr, "2001:db8::5");
	SETF(req.er_local_addr, "::1");
	SETF(req.er_path_info, "/x");
	req.er_peer_port = 40000;
	req.er_local_port = 8080;
}

struct env_case {
	const char	*name;
	const char	*value;		/* NULL: must be absent */
};

static const struct env_case get_cases[] = {
	{ "GATEWAY_INTERFACE", "CGI/1.1" },
	{ "SERVER_SOFTWARE", CGI_SERVER_SOFTWARE },
	{ "SERVER_PROTOCOL", "HTTP/1.1" },
	{ "REQUEST_METHOD", "GET" },
	{ "SCRIPT_NAME", "/cgi-bin/env.py" },
	{ "PATH_INFO", NULL },
	{ "PATH_TRANSLATED", NULL },
	{ "QUERY_STRING", "a=1&b=2" },
	{ "REQUEST_URI", "/cgi-bin/env.py?a=1&b=2" },
	{ "SCRIPT_FILENAME", "/srv/www/cgi-bin/env.py" },
	{ "DOCUMENT_ROOT", "/srv/www" },
	{ "SERVER_NAME", "example.org" },
	{ "SERVER_PORT", "8000" },
	{ "SERVER_ADDR", "192.0.2.1" },
	{ "REMOTE_ADDR", "192.0.2.7" },
	{ "REMOTE_HOST", "192.0.2.7" },
	{ "REMOTE_PORT", "51234" },
	{ "REQUEST_SCHEME", "http" },
	{ "HTTPS", NULL },
	{ "REDIRECT_STATUS", "200" },
	{ "CONTENT_LENGTH", NULL },
	{ "CONTENT_TYPE", NULL },
	{ "AUTH_TYPE", NULL },
	{ "REMOTE_USER", NULL },
	{ "REMOTE_IDENT", NULL },
	{ "PATH", "/usr/local/bin:/usr/bin:/bin" },
	{ "HTTP_HOST", "example.org:8000" },
	{ "HTTP_USER_AGENT", "curl/8.0" },
	{ "HTTP_ACCEPT", "*/*" },
	{ "HTTP_PROXY", NULL },
};

static const struct env_case post_cases[] = {
	{ "REQUEST_METHOD", "POST" },
	{ "SERVER_PROTOCOL", "HTTP/1.0" },
	{ "SCRIPT_NAME", "/cgi-bin/form" },
	{ "PATH_INFO", "/a/b c" },
	{ "PATH_TRANSLATED", "/srv/www/a/b c" },
	{ "QUERY_STRING", "" },
	{ "REQUEST_URI", "/cgi-bin/form/a/b%20c" },
	{ "DOCUMENT_ROOT", "/srv/www/" },
	{ "SCRIPT_FILENAME", "/srv/www/cgi-bin/form" },
	{ "SERVER_NAME", "192.0.2.1" },
	{ "SERVER_PORT", "443" },
	{ "REQUEST_SCHEME", "https" },
	{ "HTTPS", "on" },
	{ "CONTENT_LENGTH", "11" },
	{ "CONTENT_TYPE", "application/x-www-form-urlencoded" },
	{ "HTTP_CONTENT_LENGTH", NULL },
	{ "HTTP_CONTENT_TYPE", NULL },
	{ "HTTP_TRANSFER_ENCODING", NULL },
	{ "HTTP_HOST", NULL },
	{ "REDIRECT_STATUS", "200" },
	{ "GATEWAY_INTERFACE", "CGI/1.1" },
};

static const struct env_case ipv6_cases[] = {
	{ "REMOTE_ADDR", "2001:db8::5" },
	{ "REMOTE_HOST", "2001:db8::5" },
	{ "REMOTE_PORT", "40000" },
	{ "SERVER_ADDR", "::1" },
	{ "SERVER_NAME", "[::1]" },
	{ "SERVER_PORT", "8080" },
	{ "PATH_INFO", "/x" },
	{ "PATH_TRANSLATED", "/x" },
	{ "DOCUMENT_ROOT", "/" },
};

static void
check_env_case(const struct env_case *c)
{
	const char	*v = cgi_env_get(&env, c->name);

	if (c->value == NULL)
		ck_assert_msg(v == NULL, "%s should be absent, is '%s'",
		    c->name, v);
	else {
		ck_assert_msg(v != NULL, "%s missing", c->name);
		ck_assert_str_eq(v, c->value);
	}
}

START_TEST(test_env_get_table)
{
	req_get();
	ck_assert_int_eq(cgi_env_build(&env, &req, &cf,
	    "/srv/www/cgi-bin/env.py", "/srv/www"), 0);
	check_env_case(&get_cases[_i]);
}
END_TEST

START_TEST(test_env_post_table)
{
	req_post();
	ck_assert_int_eq(cgi_env_build(&env, &req, &cf,
	    "/srv/www/cgi-bin/form", "/srv/www/"), 0);
	check_env_case(&post_cases[_i]);
}
END_TEST

START_TEST(test_env_ipv6_table)
{
	req_ipv6();
	ck_assert_int_eq(cgi_env_build(&env, &req, NULL,
	    "/cgi-bin/env.py", "/"), 0);
	check_env_case(&ipv6_cases[_i]);
}
END_TEST

START_TEST(test_env_post_empty_body_has_length_zero)
{
	req_post();
	req.er_content_length = 0;
	SETF(req.er_content_type, "");
	ck_assert_int_eq(cgi_env_build(&env, &req, &cf, "/f", "/srv"), 0);
	ck_assert_str_eq(cgi_env_get(&env, "CONTENT_LENGTH"), "0");
	ck_assert_ptr_null(cgi_env_get(&env, "CONTENT_TYPE"));
}
END_TEST

/* AUTH_TYPE and REMOTE_USER: only with the flag the front sets */
START_TEST(test_env_remote_user_only_when_authenticated)
{
	req_get();
	SETF(req.er_remote_user, "alice");
	ck_assert_int_eq(cgi_env_build(&env, &req, &cf, "/f", "/srv"), 0);
	ck_assert_ptr_null(cgi_env_get(&env, "REMOTE_USER"));
	ck_assert_ptr_null(cgi_env_get(&env, "AUTH_TYPE"));
	req.er_flags |= MSG_EXEC_F_AUTH;
	ck_assert_int_eq(cgi_env_build(&env, &req, &cf, "/f", "/srv"), 0);
	ck_assert_str_eq(cgi_env_get(&env, "REMOTE_USER"), "alice");
	ck_assert_str_eq(cgi_env_get(&env, "AUTH_TYPE"), "Basic");
	SETF(req.er_remote_user, "");
	ck_assert_int_eq(cgi_env_build(&env, &req, &cf, "/f", "/srv"), 0);
	ck_assert_ptr_null(cgi_env_get(&env, "REMOTE_USER"));
}
END_TEST

/* RFC 3875 4.1.3: CONTENT_TYPE describes a body; none, no type */
START_TEST(test_env_content_type_needs_a_body)
{
	req_post();
	req.er_content_length = -1;
	ck_assert_int_eq(cgi_env_build(&env, &req, &cf, "/f", "/srv"), 0);
	ck_assert_ptr_null(cgi_env_get(&env, "CONTENT_TYPE"));
	ck_assert_ptr_null(cgi_env_get(&env, "CONTENT_LENGTH"));
	ck_assert_ptr_null(cgi_env_get(&env, "HTTP_CONTENT_TYPE"));
	req.er_content_length = 0;
	ck_assert_int_eq(cgi_env_build(&env, &req, &cf, "/f", "/srv"), 0);
	ck_assert_str_eq(cgi_env_get(&env, "CONTENT_TYPE"),
	    "application/x-www-form-urlencoded");
}
END_TEST

/* SERVER_NAME: the Host, else the local address (IPv6 in brackets) */
static const struct {
	const char	*host;
	const char	*local;
	const char	*want;
} server_name_cases[] = {
	{ "example.org", "192.0.2.1", "example.org" },
	{ "[2001:db8::1]", "::1", "[2001:db8::1]" },
	{ "", "192.0.2.1", "192.0.2.1" },
	{ "", "::1", "[::1]" },
	{ "", "2001:db8:0:0:0:0:0:ffff", "[2001:db8:0:0:0:0:0:ffff]" },
	{ "", "0000:0000:0000:0000:0000:ffff:255.255.255.255",
	    "[0000:0000:0000:0000:0000:ffff:255.255.255.255]" },
};

START_TEST(test_env_server_name_table)
{
	req_get();
	SETF(req.er_server_name, server_name_cases[_i].host);
	SETF(req.er_local_addr, server_name_cases[_i].local);
	ck_assert_int_eq(cgi_env_build(&env, &req, &cf, "/f", "/srv"), 0);
	ck_assert_str_eq(cgi_env_get(&env, "SERVER_NAME"),
	    server_name_cases[_i].want);
	ck_assert_str_eq(cgi_env_get(&env, "SERVER_ADDR"),
	    server_name_cases[_i].local);
}
END_TEST

START_TEST(test_env_get_distinguishes_prefixes)
{
	req_ipv6();
	ck_assert_int_eq(cgi_env_build(&env, &req, &cf, "/f", "/srv"), 0);
	/* PATH_INFO comes first in envp; PATH must not match it */
	ck_assert_str_eq(cgi_env_get(&env, "PATH"), CGI_PATH_EXPECTED);
	ck_assert_str_eq(cgi_env_get(&env, "PATH_TRANSLATED"), "/srv/x");
	ck_assert_ptr_null(cgi_env_get(&env, "PATH_"));
	ck_assert_ptr_null(cgi_env_get(&env, "HTTP"));
}
END_TEST

/* ---- environment: header mapping ----------------------------------- */

struct hdr_case {
	const char	*list;	/* "Name\0Value\0..."; zero padding ends it */
	size_t		 len;
	int		 pass_auth;
	int		 rc;
	const char	*var;
	const char	*value;	/* NULL: must be absent */
	int		 nhttp;	/* HTTP_* variables expected, -1: any */
};

#define HL(s)	s, sizeof(s) - 1

static const struct hdr_case hdr_cases[] = {
	{ HL("User-Agent\0curl/8\0"), 0, 0, "HTTP_USER_AGENT", "curl/8", 1 },
	{ HL("x-foo\0a\0X-FOO\0b\0"), 0, 0, "HTTP_X_FOO", "a, b", 1 },
	{ HL("Accept\0a\0Host\0h\0accept\0b\0ACCEPT\0c\0"), 0, 0,
	    "HTTP_ACCEPT", "a, b, c", 2 },
	{ HL("Host\0a\0Proxy\0p\0Host\0b\0"), 0, 0, "HTTP_HOST", "a, b", 1 },
	{ HL("Cookie\0a=1\0cookie\0b=2\0"), 0, 0, "HTTP_COOKIE",
	    "a=1; b=2", 1 },
	{ HL("Cookie\0a=1\0"), 0, 0, "HTTP_COOKIE", "a=1", 1 },
	{ HL("Proxy\0http://evil:1/\0"), 0, 0, "HTTP_PROXY", NULL, 0 },
	{ HL("proxy\0x\0PROXY\0y\0"), 1, 0, "HTTP_PROXY", NULL, 0 },
	{ HL("Authorization\0Basic eA==\0"), 0, 0, "HTTP_AUTHORIZATION",
	    NULL, 0 },
	{ HL("Authorization\0Basic eA==\0"), 1, 0, "HTTP_AUTHORIZATION",
	    "Basic eA==", 1 },
	{ HL("Authorization\0a\0authorization\0b\0"), 1, 0,
	    "HTTP_AUTHORIZATION", "a, b", 1 },
	{ HL("Proxy-Authorization\0Basic eQ==\0"), 1, 0,
	    "HTTP_PROXY_AUTHORIZATION", NULL, 0 },
	{ HL("Proxy-Authorization\0Basic eQ==\0"), 0, 0,
	    "HTTP_PROXY_AUTHORIZATION", NULL, 0 },
	{ HL("Content-Length\0" "5\0"), 0, 0, "HTTP_CONTENT_LENGTH", NULL, 0 },
	{ HL("Content-Type\0text/plain\0"), 0, 0, "HTTP_CONTENT_TYPE",
	    NULL, 0 },
	{ HL("Transfer-Encoding\0chunked\0"), 0, 0, "HTTP_TRANSFER_ENCODING",
	    NULL, 0 },
	{ HL("Connection\0keep-alive\0"), 0, 0, "HTTP_CONNECTION",
	    "keep-alive", 1 },
	{ HL("X_Foo\0a\0X-Foo\0b\0"), 0, 0, "HTTP_X_FOO", "b", 1 },
	{ HL("X.Foo\0a\0"), 0, 0, "HTTP_X.FOO", NULL, 0 },
	{ HL("X Y\0a\0"), 0, 0, "HTTP_X Y", NULL, 0 },
	{ HL("X\xc3\xa9\0v\0"), 0, 0, "HTTP_X\xc3\xa9", NULL, 0 },
	{ HL("X=Y\0v\0"), 0, 0, "HTTP_X", NULL, 0 },
	{ HL("X-Empty\0\0"), 0, 0, "HTTP_X_EMPTY", "", 1 },
	{ HL("X-Tab\0a\tb\0"), 0, 0, "HTTP_X_TAB", "a\tb", 1 },
	{ HL("X-Utf8\0caf\xc3\xa9\0"), 0, 0, "HTTP_X_UTF8", "caf\xc3\xa9",
	    1 },
	{ HL("0-9\0d\0"), 0, 0, "HTTP_0_9", "d", 1 },
	{ HL("Http-Proxy\0x\0"), 0, 0, "HTTP_HTTP_PROXY", "x", 1 },
	{ HL("X-Forwarded-For\0 1.2.3.4\0"), 0, 0, "HTTP_X_FORWARDED_FOR",
	    " 1.2.3.4", 1 },
	{ HL("X-Bad\0a\rb\0"), 0, -1, NULL, NULL, 0 },
	{ HL("X-Bad\0a\nb\0"), 0, -1, NULL, NULL, 0 },
	{ HL("X-Bad\0a\x7f\0"), 0, -1, NULL, NULL, 0 },
	{ HL("X-Bad\0\x01\0"), 0, -1, NULL, NULL, 0 },
	{ HL(""), 0, 0, "HTTP_HOST", NULL, 0 },
};

static size_t
count_http(void)
{
	size_t	 i, n = 0;

	for (i = 0; i < env.ce_n; i++)
		if (strncmp(env.ce_envp[i], "HTTP_", 5) == 0)
			n++;
	return n;
}

START_TEST(test_env_header_table)
{
	const struct hdr_case	*c = &hdr_cases[_i];
	const char		*v;

	req_get();
	set_headers(c->list, c->len);
	cf.cf_pass_authorization = c->pass_auth;
	ck_assert_int_eq(cgi_env_build(&env, &req, &cf, "/f", "/srv"),
	    c->rc);
	if (c->rc == -1) {
		ck_assert_uint_eq(env.ce_n, 0);
		ck_assert_ptr_null(env.ce_envp[0]);
		return;
	}
	v = cgi_env_get(&env, c->var);
	if (c->value == NULL)
		ck_assert_msg(v == NULL, "%s present: '%s'", c->var, v);
	else {
		ck_assert_msg(v != NULL, "%s missing", c->var);
		ck_assert_str_eq(v, c->value);
	}
	if (c->nhttp >= 0)
		ck_assert_uint_eq(count_http(), (size_t)c->nhttp);
}
END_TEST

/* ---- environment: setenv -------------------------------------------- */

struct setenv_case {
	const char	*name;
	const char	*value;
	int		 rc;
};

static const struct setenv_case setenv_cases[] = {
	{ "TZ", "UTC", 0 },
	{ "LANG", "C.UTF-8", 0 },
	{ "My_Var1", "a b  c=d", 0 },
	{ "_X", "", 0 },
	{ "PATH_INFO", "/fake", -1 },
	{ "path_info", "/fake", -1 },
	{ "PATH", "/tmp", -1 },
	{ "AUTH_TYPE", "Basic", -1 },
	{ "REMOTE_USER", "root", -1 },
	{ "HTTPS", "on", -1 },
	{ "HTTP_X", "1", -1 },
	{ "HTTP_PROXY", "http://evil/", -1 },
	{ "http_proxy", "http://evil/", -1 },
	{ "SERVER_SOFTWARE", "x", -1 },
	{ "1ABC", "x", -1 },
	{ "A-B", "x", -1 },
	{ "A=B", "x", -1 },
	{ "", "x", -1 },
};

START_TEST(test_env_setenv_table)
{
	const struct setenv_case	*c = &setenv_cases[_i];

	req_get();
	SETF(cf.cf_setenv[0].cs_name, c->name);
	SETF(cf.cf_setenv[0].cs_value, c->value);
	cf.cf_nsetenv = 1;
	ck_assert_int_eq(cgi_env_build(&env, &req, &cf, "/f", "/srv"),
	    c->rc);
	if (c->rc == 0) {
		ck_assert_str_eq(cgi_env_get(&env, c->name), c->value);
		/* setenv lines come last */
		ck_assert_str_eq(env.ce_envp[env.ce_n - 1] + strlen(c->name) +
		    1, c->value);
	} else
		ck_assert_uint_eq(env.ce_n, 0);
}
END_TEST

START_TEST(test_env_setenv_duplicate_refused)
{
	req_get();
	SETF(cf.cf_setenv[0].cs_name, "TZ");
	SETF(cf.cf_setenv[0].cs_value, "UTC");
	SETF(cf.cf_setenv[1].cs_name, "TZ");
	SETF(cf.cf_setenv[1].cs_value, "CET");
	cf.cf_nsetenv = 2;
	ck_assert_int_eq(cgi_env_build(&env, &req, &cf, "/f", "/srv"), -1);
	cf.cf_nsetenv = CONFIG_SETENV_MAX + 1;
	ck_assert_int_eq(cgi_env_build(&env, &req, &cf, "/f", "/srv"), -1);
	cf.cf_nsetenv = 1;
	memset(cf.cf_setenv[0].cs_value, 'v', sizeof(cf.cf_setenv[0].cs_value));
	ck_assert_int_eq(cgi_env_build(&env, &req, &cf, "/f", "/srv"), -1);
}
END_TEST

/* ---- environment: limits and hostile input ---------------------------- */

START_TEST(test_env_overflow_bytes_is_error_not_truncation)
{
	static char	 list[MSG_HEADERS_MAX];
	size_t		 i, len = 0;

	req_get();
	memset(req.er_query, 'q', sizeof(req.er_query) - 1);
	memset(req.er_request_uri, 'u', sizeof(req.er_request_uri) - 1);
	memset(req.er_path_info, 'p', sizeof(req.er_path_info) - 1);
	req.er_path_info[0] = '/';
	for (i = 0; i < CONFIG_SETENV_MAX; i++) {
		(void)snprintf(cf.cf_setenv[i].cs_name,
		    sizeof(cf.cf_setenv[i].cs_name), "V%zu", i);
		memset(cf.cf_setenv[i].cs_value, 'v',
		    sizeof(cf.cf_setenv[i].cs_value) - 1);
	}
	cf.cf_nsetenv = CONFIG_SETENV_MAX;
	/* 8+8+4+4 KiB of fields, 32 KiB of setenv, 15 KiB of headers */
	for (i = 0; i < 15; i++) {
		len += (size_t)snprintf(list + len, sizeof(list) - len,
		    "H%zu%c", i, '\0');
		memset(list + len, 'h', 1000);
		len += 1000;
		list[len++] = '\0';
	}
	set_headers(list, len);
	ck_assert_int_eq(cgi_env_build(&env, &req, &cf, "/f", "/srv"), -1);
	ck_assert_uint_eq(env.ce_n, 0);
	ck_assert_uint_eq(env.ce_used, 0);
	ck_assert_ptr_null(env.ce_envp[0]);
}
END_TEST

START_TEST(test_env_overflow_count)
{
	char	 list[MSG_HEADERS_MAX];
	size_t	 len = 0, i;

	req_get();
	for (i = 0; i < CGI_ENV_MAX; i++)
		len += (size_t)snprintf(list + len, sizeof(list) - len,
		    "N%zu%cv%c", i, '\0', '\0');
	set_headers(list, len);
	ck_assert_int_eq(cgi_env_build(&env, &req, &cf, "/f", "/srv"), -1);
	ck_assert_uint_eq(env.ce_n, 0);
}
END_TEST

/*
 * Fill the buffer to its last byte (extra 0) or one past it (extra 1)
 * with one header value; returns the value's length.
 */
static size_t
env_fill_to(size_t extra)
{
	static char	 list[MSG_HEADERS_MAX];
	size_t		 i, base, vlen;

	req_get();
	memset(req.er_query, 'q', sizeof(req.er_query) - 1);
	memset(req.er_request_uri, 'u', sizeof(req.er_request_uri) - 1);
	for (i = 0; i < CONFIG_SETENV_MAX; i++) {
		(void)snprintf(cf.cf_setenv[i].cs_name,
		    sizeof(cf.cf_setenv[i].cs_name), "V%zu", i);
		memset(cf.cf_setenv[i].cs_value, 'v',
		    sizeof(cf.cf_setenv[i].cs_value) - 1);
	}
	cf.cf_nsetenv = CONFIG_SETENV_MAX;
	set_headers("", 0);
	ck_assert_int_eq(cgi_env_build(&env, &req, &cf, "/f", "/srv"), 0);
	base = env.ce_used;
	/* "HTTP_X=" + value + NUL */
	vlen = CGI_ENV_BUF - base - 8 + extra;
	ck_assert_uint_lt(vlen + 4, sizeof(list));
	memcpy(list, "X\0", 2);
	memset(list + 2, 'x', vlen);
	list[2 + vlen] = '\0';
	set_headers(list, vlen + 3);
	return vlen;
}

START_TEST(test_env_exact_fit)
{
	size_t	 vlen;

	vlen = env_fill_to(0);
	ck_assert_int_eq(cgi_env_build(&env, &req, &cf, "/f", "/srv"), 0);
	ck_assert_uint_eq(env.ce_used, CGI_ENV_BUF);
	ck_assert_uint_eq(strlen(cgi_env_get(&env, "HTTP_X")), vlen);
	/* the last setenv line is still whole */
	ck_assert_int_eq(strncmp(env.ce_envp[env.ce_n - 1], "V31=", 4), 0);
	ck_assert_uint_eq(strlen(env.ce_envp[env.ce_n - 1]),
	    4 + CONFIG_VALUE_MAX - 1);
}
END_TEST

START_TEST(test_env_one_byte_over)
{
	env_fill_to(1);
	ck_assert_int_eq(cgi_env_build(&env, &req, &cf, "/f", "/srv"), -1);
	ck_assert_uint_eq(env.ce_n, 0);
}
END_TEST

/* each string field, unterminated, makes the build fail */
static const size_t field_off[] = {
	offsetof(struct msg_exec_req, er_method),
	offsetof(struct msg_exec_req, er_script),
	offsetof(struct msg_exec_req, er_path_info),
	offsetof(struct msg_exec_req, er_query),
	offsetof(struct msg_exec_req, er_request_uri),
	offsetof(struct msg_exec_req, er_protocol),
	offsetof(struct msg_exec_req, er_server_name),
	offsetof(struct msg_exec_req, er_content_type),
	offsetof(struct msg_exec_req, er_peer_addr),
	offsetof(struct msg_exec_req, er_local_addr),
	offsetof(struct msg_exec_req, er_headers),
};
static const size_t field_size[] = {
	MSG_METHOD_MAX, MSG_SCRIPT_MAX, MSG_PATHINFO_MAX, MSG_QUERY_MAX,
	MSG_URI_MAX, MSG_PROTO_MAX, MSG_HOST_MAX, MSG_CTYPE_MAX, MSG_ADDR_MAX,
	MSG_ADDR_MAX, MSG_HEADERS_MAX
};

START_TEST(test_env_unterminated_field)
{
	req_get();
	memset((char *)&req + field_off[_i], 'A', field_size[_i]);
	ck_assert_int_eq(cgi_env_build(&env, &req, &cf, "/f", "/srv"), -1);
	ck_assert_uint_eq(env.ce_n, 0);
	ck_assert_ptr_null(env.ce_envp[0]);
}
END_TEST

START_TEST(test_env_header_list_runs_off)
{
	req_get();
	/* a name whose value has no NUL before the end of the array */
	memset(req.er_headers, 'v', sizeof(req.er_headers));
	memcpy(req.er_headers, "X-A\0", 4);
	ck_assert_int_eq(cgi_env_build(&env, &req, &cf, "/f", "/srv"), -1);
	/* "Name\0Value\0" filling the array exactly, no final empty name */
	memset(req.er_headers, 'v', sizeof(req.er_headers));
	memcpy(req.er_headers, "X-A\0", 4);
	req.er_headers[sizeof(req.er_headers) - 1] = '\0';
	ck_assert_int_eq(cgi_env_build(&env, &req, &cf, "/f", "/srv"), -1);
	ck_assert_int_eq(cgi_env_build(&env, NULL, &cf, "/f", "/srv"), -1);
	req_get();
	ck_assert_int_eq(cgi_env_build(&env, &req, &cf, NULL, "/srv"), -1);
	ck_assert_int_eq(cgi_env_build(&env, &req, &cf, "/f", NULL), -1);
}
END_TEST

/* ---- environment: nothing outside the allowed set ---------------------- */

static const char *const allowed[] = {
	"GATEWAY_INTERFACE", "SERVER_SOFTWARE", "SERVER_PROTOCOL",
	"REQUEST_METHOD", "SCRIPT_NAME", "PATH_INFO", "PATH_TRANSLATED",
	"QUERY_STRING", "REQUEST_URI", "SCRIPT_FILENAME", "DOCUMENT_ROOT",
	"SERVER_NAME", "SERVER_PORT", "SERVER_ADDR", "REMOTE_ADDR",
	"REMOTE_HOST", "REMOTE_PORT", "REQUEST_SCHEME", "HTTPS",
	"REDIRECT_STATUS", "CONTENT_LENGTH", "CONTENT_TYPE", "PATH",
	"TZ" /* the setenv line of the scenario */
};
static const char *const forbidden_http[] = {
	"HTTP_PROXY", "HTTP_AUTHORIZATION", "HTTP_PROXY_AUTHORIZATION",
	"HTTP_CONTENT_LENGTH", "HTTP_CONTENT_TYPE", "HTTP_TRANSFER_ENCODING"
};

#define HOSTILE	"Proxy\0a\0Authorization\0b\0Proxy-Authorization\0c\0" \
		"Content-Length\0" "1\0Content-Type\0d\0" \
		"Transfer-Encoding\0e\0" \
		"X_Y\0f\0LD_PRELOAD\0g\0X-Ok\0h\0x-ok\0i\0"

static int
in_list(const char *name, size_t len, const char *const *l, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (strlen(l[i]) == len && strncmp(name, l[i], len) == 0)
			return 1;
	return 0;
}

START_TEST(test_env_only_allowed_names)
{
	const char	*e, *eq;
	size_t		 i, j, len;

	switch (_i) {
	case 0:
		req_get();
		break;
	case 1:
		req_post();
		break;
	case 2:
		req_ipv6();
		break;
	default:
		req_post();
		set_headers(HOSTILE, sizeof(HOSTILE) - 1);
		break;
	}
	SETF(cf.cf_setenv[0].cs_name, "TZ");
	SETF(cf.cf_setenv[0].cs_value, "UTC");
	cf.cf_nsetenv = 1;
	ck_assert_int_eq(cgi_env_build(&env, &req, &cf, "/f", "/srv"), 0);
	ck_assert_ptr_null(env.ce_envp[env.ce_n]);
	ck_assert_uint_le(env.ce_used, CGI_ENV_BUF);
	for (i = 0; i < env.ce_n; i++) {
		e = env.ce_envp[i];
		ck_assert(e >= env.ce_buf && e < env.ce_buf + env.ce_used);
		ck_assert_ptr_nonnull(eq = strchr(e, '='));
		len = eq - e;
		if (len > 5 && strncmp(e, "HTTP_", 5) == 0) {
			ck_assert_msg(!in_list(e, len, forbidden_http,
			    nitems(forbidden_http)), "forbidden %s", e);
			ck_assert_uint_eq(strspn(e, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
			    "0123456789_"), len);
		} else
			ck_assert_msg(in_list(e, len, allowed, nitems(allowed)),
			    "unexpected %s", e);
		for (j = 0; j < i; j++)
			ck_assert_msg(strncmp(env.ce_envp[j], e, len + 1) != 0,
			    "duplicate %s", e);
	}
	if (_i == 3) {
		ck_assert_str_eq(cgi_env_get(&env, "HTTP_X_OK"), "h, i");
		/* '_' is not a header name character: dropped */
		ck_assert_ptr_null(cgi_env_get(&env, "HTTP_LD_PRELOAD"));
		ck_assert_ptr_null(cgi_env_get(&env, "LD_PRELOAD"));
		ck_assert_ptr_null(cgi_env_get(&env, "HTTP_X_Y"));
		ck_assert_uint_eq(count_http(), 1);
	}
}
END_TEST

static Suite *
cgi_env_suite(void)
{
	Suite	*s = suite_create("cgi_env");
	TCase	*tc;

	tc = tcase_create("env");
	tcase_add_loop_test(tc, test_env_get_table, 0, nitems(get_cases));
	tcase_add_loop_test(tc, test_env_post_table, 0, nitems(post_cases));
	tcase_add_loop_test(tc, test_env_ipv6_table, 0, nitems(ipv6_cases));
	tcase_add_test(tc, test_env_post_empty_body_has_length_zero);
	tcase_add_test(tc, test_env_get_distinguishes_prefixes);
	tcase_add_test(tc, test_env_content_type_needs_a_body);
	tcase_add_test(tc, test_env_remote_user_only_when_authenticated);
	tcase_add_loop_test(tc, test_env_server_name_table, 0,
	    nitems(server_name_cases));
	tcase_add_loop_test(tc, test_env_header_table, 0, nitems(hdr_cases));
	tcase_add_loop_test(tc, test_env_setenv_table, 0,
	    nitems(setenv_cases));
	tcase_add_test(tc, test_env_setenv_duplicate_refused);
	tcase_add_test(tc, test_env_overflow_bytes_is_error_not_truncation);
	tcase_add_test(tc, test_env_overflow_count);
	tcase_add_test(tc, test_env_exact_fit);
	tcase_add_test(tc, test_env_one_byte_over);
	tcase_add_loop_test(tc, test_env_unterminated_field, 0,
	    nitems(field_off));
	tcase_add_test(tc, test_env_header_list_runs_off);
	tcase_add_loop_test(tc, test_env_only_allowed_names, 0, 4);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner	*sr;
	int	 nfail;

	sr = srunner_create(cgi_env_suite());
	srunner_run_all(sr, CK_NORMAL);
	nfail = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nfail == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
