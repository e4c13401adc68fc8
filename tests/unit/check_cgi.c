/*
 * check_cgi.c: unit tests for cgi.c, the CGI environment builder and the
 * script response parser.  Pure: no sockets, no processes, table-driven.
 * Builds against daemon/cgi.c alone.
 */

#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgi.h"

#define nitems(a)	(sizeof(a) / sizeof((a)[0]))
#define CGI_PATH_EXPECTED	"/usr/local/bin:/usr/bin:/bin"

/* big: static, and CK_FORK gives each test a fresh copy */
static struct cgi_env		env;
static struct msg_exec_req	req;
static struct config		cf;
static struct cgi_response	cr;

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

/* ---- response parser: the table ---------------------------------------- */

enum { MORE = 0, DONE = 1, BAD = -1 };

struct resp_case {
	const char	*head;		/* the header block */
	size_t		 hlen;
	const char	*body;		/* follows; never consumed */
	size_t		 blen;
	int		 rc;		/* DONE: returns hlen */
	int		 kind;
	int		 status;
	const char	*reason;
	int64_t		 clen;
	const char	*location;
	const char	*fields;	/* "name: value\n"... */
	const char	*why;		/* substring, when BAD */
};

#define OK(h, b, k, st, rs, cl, loc, fl) \
	{ h, sizeof(h) - 1, b, sizeof(b) - 1, DONE, k, st, rs, cl, loc, fl, \
	    NULL }
#define DOC(h, b, st, rs, fl) \
	OK(h, b, CGI_RESP_DOCUMENT, st, rs, -1, NULL, fl)
#define ERR(h, w) \
	{ h, sizeof(h) - 1, "", 0, BAD, 0, 0, "", -1, NULL, "", w }
#define NEED(h) \
	{ h, sizeof(h) - 1, "", 0, MORE, 0, 0, "", -1, NULL, "", NULL }

#define LR	CGI_RESP_LOCAL_REDIRECT
#define CR	CGI_RESP_CLIENT_REDIRECT
#define CT	"Content-Type: a/b\n"
#define CTF	CT	/* as it comes back from the fields */

static const struct resp_case resp_cases[] = {
	/* documents */
	DOC("Content-Type: text/plain\n\n", "hello", 200, "",
	    "Content-Type: text/plain\n"),
	DOC("Content-Type: text/plain\r\n\r\n", "hello\r\n", 200, "",
	    "Content-Type: text/plain\n"),
	DOC("Content-Type: text/plain\r\nX-A: 1\n\r\n", "", 200, "",
	    "Content-Type: text/plain\nX-A: 1\n"),
	DOC("Content-Type: a/b\n\n", "x\n\ny\0z\r\n\r\n", 200, "", CTF),
	DOC("Status: 404 Not Found\nContent-Type: text/html\n\n", "<p>", 404,
	    "Not Found", "Content-Type: text/html\n"),
	DOC("Status: 201\n" CT "\n", "", 201, "", CTF),
	DOC("Status: 599 X\n" CT "\n", "", 599, "X", CTF),
	DOC("Status: 200 OK\r\n" CT "\r\n", "", 200, "OK", CTF),
	DOC("Status: 500 It broke  badly\n" CT "\n", "", 500,
	    "It broke  badly", CTF),
	DOC("Status: 204\n\n", "", 204, "", ""),
	DOC("Status: 304 Not Modified\r\n\r\n", "", 304, "Not Modified", ""),
	DOC("Status: 204\n" CT "\n", "", 204, "", CTF),
	DOC("status: 500 Oops\ncontent-type: text/plain\n\n", "", 500, "Oops",
	    "content-type: text/plain\n"),
	DOC("STATUS: 403\nCONTENT-TYPE: x/y\n\n", "", 403, "",
	    "CONTENT-TYPE: x/y\n"),
	DOC("Content-Type:text/plain\n\n", "", 200, "",
	    "Content-Type: text/plain\n"),
	DOC("Content-Type: \t text/html; charset=utf-8 \t\n\n", "", 200, "",
	    "Content-Type: text/html; charset=utf-8\n"),
	DOC("X-Tab: a\tb\n" CT "\n", "", 200, "", "X-Tab: a\tb\n" CTF),
	DOC("X-U: caf\xc3\xa9\n" CT "\n", "", 200, "",
	    "X-U: caf\xc3\xa9\n" CTF),
	DOC("X-Empty:\n" CT "\n", "", 200, "", "X-Empty: \n" CTF),
	DOC("X-Empty: \t \n" CT "\n", "", 200, "", "X-Empty: \n" CTF),
	DOC("X!#$%&'*+-.^_`|~: v\n" CT "\n", "", 200, "",
	    "X!#$%&'*+-.^_`|~: v\n" CTF),
	DOC("X-A: b: c\n" CT "\n", "", 200, "", "X-A: b: c\n" CTF),
	DOC("Set-Cookie: a=1\n" CT "Set-Cookie: b=2\nset-cookie: c=3\n\n",
	    "", 200, "", "Set-Cookie: a=1\n" CTF "Set-Cookie: b=2\n"
	    "set-cookie: c=3\n"),
	/* hop-by-hop, Date and Server dropped */
	DOC(CT "Connection: close\nKeep-Alive: 5\nUpgrade: h2c\nTE: trailers\n"
	    "Trailer: X\nProxy-Connection: x\nX-Keep: 1\n\n", "", 200, "",
	    CTF "X-Keep: 1\n"),
	DOC(CT "Date: Mon, 01 Jan 2024 00:00:00 GMT\nServer: evil/1\n\n", "",
	    200, "", CTF),
	DOC("connection: close\nSERVER: x\ndate: y\n" CT "\n", "", 200, "",
	    CTF),
	DOC("Connection-X: 1\nServer-Timing: a\n" CT "\n", "", 200, "",
	    "Connection-X: 1\nServer-Timing: a\n" CTF),
	/* Content-Length kept out of the fields */
	OK(CT "Content-Length: 42\n\n", "0123456789", CGI_RESP_DOCUMENT, 200,
	    "", 42, NULL, CTF),
	OK("Content-Length: 000042\n" CT "\n", "", CGI_RESP_DOCUMENT, 200, "",
	    42, NULL, CTF),
	OK("Content-Length: 0\n" CT "\n", "", CGI_RESP_DOCUMENT, 200, "", 0,
	    NULL, CTF),
	OK("Content-Length: 9223372036854775807\n" CT "\n", "",
	    CGI_RESP_DOCUMENT, 200, "", INT64_MAX, NULL, CTF),
	OK("Content-Length: 000000000000000000000007\n" CT "\n", "",
	    CGI_RESP_DOCUMENT, 200, "", 7, NULL, CTF),
	/* redirects */
	OK("Location: /other?x=1\n\n", "", LR, 200, "", -1, "/other?x=1", ""),
	OK("Location: /x\r\n\r\n", "", LR, 200, "", -1, "/x", ""),
	OK("Location: /x\n" CT "X-A: b\n\n", "ignored", LR, 200, "", -1, "/x",
	    CTF "X-A: b\n"),
	OK("Status: 301 Moved Permanently\nLocation: /new\n\n", "", CR, 301,
	    "Moved Permanently", -1, "/new", ""),
	OK("Location: https://example.org/\n\n", "", CR, 302, "", -1,
	    "https://example.org/", ""),
	OK("location: http://e.org/a?b#c\nStatus: 303 See Other\n\n", "", CR,
	    303, "See Other", -1, "http://e.org/a?b#c", ""),
	OK("Location: https://e.org/\n" CT "\n", "<a>", CR, 302, "", -1,
	    "https://e.org/", CTF),
	OK("Location: mailto:a@b\n\n", "", CR, 302, "", -1, "mailto:a@b", ""),
	OK("Location: x-my+scheme.1:stuff\n\n", "", CR, 302, "", -1,
	    "x-my+scheme.1:stuff", ""),
	OK("Status: 307\nLocation: https://e.org/\n\n", "", CR, 307, "", -1,
	    "https://e.org/", ""),
	OK("Location: //other.example/x\n\n", "", LR, 200, "", -1,
	    "//other.example/x", ""),
	/* malformed: framing */
	ERR("\n", "no Content-Type"),
	ERR("\r\n", "no Content-Type"),
	ERR("X-A: 1\n\n", "no Content-Type"),
	ERR("Status: 200 OK\n\n", "no Content-Type"),
	ERR("Status: 404\r\n\r\n", "no Content-Type"),
	ERR("Content-Type: a/b\rX: y\n\n", "bare CR"),
	ERR("Content-Type: a/b\r\r\n\n", "bare CR"),
	ERR("\rContent-Type: a/b\n\n", "bare CR"),
	ERR(CT "\r\r\n", "bare CR"),
	ERR("Content-Type: a\0b\n\n", "NUL"),
	ERR("Conte\0nt-Type: a/b\n\n", "NUL"),
	ERR(CT "\0\n", "NUL"),
	ERR("\0", "NUL"),
	ERR(CT " folded\n\n", "obs-fold"),
	ERR(CT "\tfolded\n\n", "obs-fold"),
	ERR(" Content-Type: a/b\n\n", "obs-fold"),
	ERR("Content-Type a/b\n\n", "without ':'"),
	ERR(CT "garbage\n\n", "without ':'"),
	ERR("HTTP/1.1 200 OK\n" CT "\n", "without ':'"),
	ERR("Content Type: a/b\n\n", "field name"),
	ERR("Content-Type : a/b\n\n", "field name"),
	ERR(": a/b\n\n", "field name"),
	ERR("X\"Y: v\n" CT "\n", "field name"),
	ERR("X(Y): v\n" CT "\n", "field name"),
	ERR("X\xc3\xa9: v\n" CT "\n", "field name"),
	ERR("X-A: a\x01" "b\n" CT "\n", "control character"),
	ERR("X-A: a\x7f\n" CT "\n", "control character"),
	ERR("X-A: \x1b[31mred\n" CT "\n", "control character"),
	ERR("X-A: a\x0b" "b\n" CT "\n", "control character"),
	/* malformed: CGI fields */
	ERR("Status: 200\nStatus: 200\n" CT "\n", "duplicate Status"),
	ERR(CT "content-type: c/d\n\n", "duplicate Content-Type"),
	ERR("Location: /a\nLocation: /b\n\n", "duplicate Location"),
	ERR("Content-Length: 1\nContent-Length: 1\n" CT "\n",
	    "duplicate Content-Length"),
	ERR("Content-Type:   \n\n", "empty Content-Type"),
	ERR("Status: 99\n" CT "\n", "bad Status"),
	ERR("Status: 600 X\n" CT "\n", "out of range"),
	ERR("Status: 000\n" CT "\n", "out of range"),
	ERR("Status: 100 Continue\n" CT "\n", "out of range"),
	ERR("Status: 101 Switching Protocols\n" CT "\n", "out of range"),
	ERR("Status: abc\n" CT "\n", "bad Status"),
	ERR("Status: 2000\n" CT "\n", "bad Status"),
	ERR("Status: 200OK\n" CT "\n", "bad Status"),
	ERR("Status: 20\n" CT "\n", "bad Status"),
	ERR("Status:\n" CT "\n", "bad Status"),
	ERR("Status: 200\tOK\n" CT "\n", "bad Status"),
	ERR("Status: -200\n" CT "\n", "bad Status"),
	ERR("Status: 2a0\n" CT "\n", "bad Status"),
	ERR("Status: +20\n" CT "\n", "bad Status"),
	ERR("Status: 200 caf\xc3\xa9\n" CT "\n", "bad Status reason"),
	ERR("Status: 200 a\tb\n" CT "\n", "bad Status reason"),
	ERR("Content-Length: -1\n" CT "\n", "bad Content-Length"),
	ERR("Content-Length: 1 2\n" CT "\n", "bad Content-Length"),
	ERR("Content-Length: +5\n" CT "\n", "bad Content-Length"),
	ERR("Content-Length: 0x10\n" CT "\n", "bad Content-Length"),
	ERR("Content-Length: 1.0\n" CT "\n", "bad Content-Length"),
	ERR("Content-Length:\n" CT "\n", "bad Content-Length"),
	ERR("Content-Length: 1,1\n" CT "\n", "bad Content-Length"),
	ERR("Content-Length: 9223372036854775808\n" CT "\n", "too large"),
	ERR("Content-Length: 99999999999999999999\n" CT "\n", "too large"),
	ERR("Transfer-Encoding: chunked\n" CT "\n", "Transfer-Encoding"),
	ERR("transfer-encoding: identity\n" CT "\n", "Transfer-Encoding"),
	/* malformed: Location */
	ERR("Location: relative/x\n\n", "Location neither"),
	ERR("Location: 1http://x/\n\n", "Location neither"),
	ERR("Location: ://x\n\n", "Location neither"),
	ERR("Location: http//x\n\n", "Location neither"),
	ERR("Location: ?x=1\n\n", "Location neither"),
	ERR("Location: #frag\n\n", "Location neither"),
	ERR("Location: /a b\n\n", "bad Location"),
	ERR("Location: /a\tb\n\n", "bad Location"),
	ERR("Location:\n\n", "bad Location"),
	ERR("Location: /x\nStatus: 200\n\n", "non-3xx"),
	ERR("Location: /x\nStatus: 404\n" CT "\n", "non-3xx"),
	ERR("Location: https://e.org/\nStatus: 200 OK\n" CT "\n", "non-3xx"),
	ERR("Status: 201 Created\nLocation: http://e.org/1\n" CT "\n",
	    "non-3xx"),
	/* incomplete */
	NEED(""),
	NEED("Content-Type: a/b"),
	NEED("Content-Type: a/b\n"),
	NEED("Content-Type: a/b\r"),
	NEED("Content-Type: a/b\r\n"),
	NEED("Content-Type: a/b\r\n\r"),
	NEED("Status: 999\r"),
	NEED("X-A: \x01"),
};

static char	 rbuf[CGI_RESP_HEAD_MAX * 2];

static size_t
resp_input(const struct resp_case *c)
{
	ck_assert_uint_le(c->hlen + c->blen, sizeof(rbuf));
	memcpy(rbuf, c->head, c->hlen);
	memcpy(rbuf + c->hlen, c->body, c->blen);
	return c->hlen + c->blen;
}

/* the forwarded fields as "name: value\n"... */
static const char *
resp_fields(const struct cgi_response *r)
{
	static char	 out[CGI_RESP_HEAD_MAX * 2];
	size_t		 i, len = 0;

	out[0] = '\0';
	for (i = 0; i < r->cr_nfields; i++)
		len += (size_t)snprintf(out + len, sizeof(out) - len,
		    "%s: %s\n", cgi_field_name(r, i), cgi_field_value(r, i));
	ck_assert_ptr_null(cgi_field_name(r, r->cr_nfields));
	ck_assert_ptr_null(cgi_field_value(r, r->cr_nfields));
	return out;
}

static void
resp_check(const struct resp_case *c, const struct cgi_response *r, int rc,
    const char *why)
{
	if (c->rc == BAD) {
		ck_assert_int_eq(rc, -1);
		ck_assert_ptr_nonnull(why);
		ck_assert_msg(strstr(why, c->why) != NULL,
		    "why '%s', want '%s'", why, c->why);
		return;
	}
	if (c->rc == MORE) {
		ck_assert_int_eq(rc, 0);
		return;
	}
	ck_assert_msg(rc == (int)c->hlen, "rc %d (%s), want %zu", rc,
	    rc == -1 ? why : "", c->hlen);
	ck_assert_int_eq(r->cr_kind, c->kind);
	ck_assert_int_eq(r->cr_status, c->status);
	ck_assert_str_eq(r->cr_reason, c->reason);
	ck_assert_int_eq(r->cr_content_length, c->clen);
	if (c->location == NULL)
		ck_assert_ptr_null(r->cr_location);
	else
		ck_assert_str_eq(r->cr_location, c->location);
	ck_assert_str_eq(resp_fields(r), c->fields);
}

START_TEST(test_resp_table)
{
	const struct resp_case	*c = &resp_cases[_i];
	const char		*why = NULL;
	size_t			 len;
	int			 rc;

	len = resp_input(c);
	cgi_response_reset(&cr);
	rc = cgi_parse_response(&cr, rbuf, len, &why);
	resp_check(c, &cr, rc, why);
	/* asking again changes nothing */
	why = NULL;
	ck_assert_int_eq(cgi_parse_response(&cr, rbuf, len, &why), rc);
	if (rc == -1)
		ck_assert_ptr_nonnull(why);
}
END_TEST

/* split in two at every byte, and fed byte by byte: the same answer */
START_TEST(test_resp_table_split)
{
	const struct resp_case	*c = &resp_cases[_i];
	const char		*why;
	size_t			 len, k, n;
	int			 rc;

	len = resp_input(c);
	for (k = 0; k <= len; k++) {
		why = NULL;
		cgi_response_reset(&cr);
		rc = cgi_parse_response(&cr, rbuf, k, &why);
		if (rc == 0)
			rc = cgi_parse_response(&cr, rbuf, len, &why);
		resp_check(c, &cr, rc, why);
	}
	why = NULL;
	cgi_response_reset(&cr);
	for (n = 0, rc = 0; n <= len && rc == 0; n++)
		rc = cgi_parse_response(&cr, rbuf, n, &why);
	resp_check(c, &cr, rc, why);
}
END_TEST

/* ---- response parser: limits ------------------------------------------- */

/* a block of exactly size bytes: CT, X-Pad: ..., empty line */
static size_t
big_block(size_t size, const char *eol)
{
	size_t	 len, pad;

	len = (size_t)snprintf(rbuf, sizeof(rbuf), "Content-Type: a/b%sX-Pad: ",
	    eol);
	pad = size - len - 2 * strlen(eol);
	memset(rbuf + len, 'p', pad);
	len += pad;
	len += (size_t)snprintf(rbuf + len, sizeof(rbuf) - len, "%s%s", eol,
	    eol);
	ck_assert_uint_eq(len, size);
	memcpy(rbuf + len, "BODY\n\n", 6);
	return len;
}

START_TEST(test_resp_head_max_exact)
{
	const char	*why = NULL;
	size_t		 len;

	len = big_block(CGI_RESP_HEAD_MAX, _i ? "\r\n" : "\n");
	cgi_response_reset(&cr);
	ck_assert_int_eq(cgi_parse_response(&cr, rbuf, len + 6, &why),
	    CGI_RESP_HEAD_MAX);
	ck_assert_uint_eq(cr.cr_nfields, 2);
	ck_assert_uint_eq(strlen(cgi_field_value(&cr, 1)),
	    CGI_RESP_HEAD_MAX - (_i ? 30 : 27));
	/* the same in 4 KiB reads */
	cgi_response_reset(&cr);
	for (len = 4096; len < CGI_RESP_HEAD_MAX; len += 4096)
		ck_assert_int_eq(cgi_parse_response(&cr, rbuf, len, &why), 0);
	ck_assert_int_eq(cgi_parse_response(&cr, rbuf, CGI_RESP_HEAD_MAX + 6,
	    &why), CGI_RESP_HEAD_MAX);
}
END_TEST

START_TEST(test_resp_head_max_plus_one)
{
	const char	*why = NULL;
	size_t		 len, n;
	int		 rc = 0;

	len = big_block(CGI_RESP_HEAD_MAX + 1, _i ? "\r\n" : "\n");
	cgi_response_reset(&cr);
	ck_assert_int_eq(cgi_parse_response(&cr, rbuf, len, &why), -1);
	ck_assert_str_eq(why, "header block too large");
	cgi_response_reset(&cr);
	for (n = 0; n <= len && rc == 0; n += 1000)
		rc = cgi_parse_response(&cr, rbuf, n, &why);
	if (rc == 0)
		rc = cgi_parse_response(&cr, rbuf, len, &why);
	ck_assert_int_eq(rc, -1);
	ck_assert_str_eq(why, "header block too large");
}
END_TEST

START_TEST(test_resp_endless_line)
{
	const char	*why = NULL;

	memset(rbuf, 'A', sizeof(rbuf));
	cgi_response_reset(&cr);
	ck_assert_int_eq(cgi_parse_response(&cr, rbuf, 1000, &why), 0);
	ck_assert_int_eq(cgi_parse_response(&cr, rbuf, CGI_RESP_HEAD_MAX,
	    &why), 0);
	ck_assert_int_eq(cgi_parse_response(&cr, rbuf, CGI_RESP_HEAD_MAX + 1,
	    &why), -1);
	ck_assert_str_eq(why, "header block too large");
	cgi_response_reset(&cr);
	ck_assert_int_eq(cgi_parse_response(&cr, rbuf, sizeof(rbuf), NULL),
	    -1);
}
END_TEST

/* n field lines (the last one Content-Type) */
static size_t
many_fields(size_t n, const char *name)
{
	size_t	 i, len = 0;

	for (i = 0; i + 1 < n; i++)
		len += (size_t)snprintf(rbuf + len, sizeof(rbuf) - len,
		    "%s: %zu\n", name, i);
	len += (size_t)snprintf(rbuf + len, sizeof(rbuf) - len, CT "\n");
	return len;
}

START_TEST(test_resp_fields_max)
{
	const char	*why = NULL;
	size_t		 len;

	len = many_fields(CGI_RESP_FIELDS_MAX, "Set-Cookie");
	cgi_response_reset(&cr);
	ck_assert_int_eq(cgi_parse_response(&cr, rbuf, len, &why), (int)len);
	ck_assert_uint_eq(cr.cr_nfields, CGI_RESP_FIELDS_MAX);
	ck_assert_str_eq(cgi_field_value(&cr, 98), "98");

	len = many_fields(CGI_RESP_FIELDS_MAX + 1, "Set-Cookie");
	cgi_response_reset(&cr);
	ck_assert_int_eq(cgi_parse_response(&cr, rbuf, len, &why), -1);
	ck_assert_str_eq(why, "too many header fields");

	/* dropped lines count too: the limit bounds work, not output */
	len = many_fields(CGI_RESP_FIELDS_MAX + 1, "Date");
	cgi_response_reset(&cr);
	ck_assert_int_eq(cgi_parse_response(&cr, rbuf, len, &why), -1);
	ck_assert_str_eq(why, "too many header fields");
}
END_TEST

START_TEST(test_resp_reason_length)
{
	const char	*why = NULL;
	size_t		 len;

	len = (size_t)snprintf(rbuf, sizeof(rbuf), "Status: 200 ");
	memset(rbuf + len, 'r', 127 + _i);
	len += 127 + _i;
	len += (size_t)snprintf(rbuf + len, sizeof(rbuf) - len, "\n" CT "\n");
	cgi_response_reset(&cr);
	if (_i == 0) {
		ck_assert_int_eq(cgi_parse_response(&cr, rbuf, len, &why),
		    (int)len);
		ck_assert_uint_eq(strlen(cr.cr_reason), 127);
	} else {
		ck_assert_int_eq(cgi_parse_response(&cr, rbuf, len, &why), -1);
		ck_assert_str_eq(why, "Status reason too long");
	}
}
END_TEST

START_TEST(test_resp_input_shrinks)
{
	const char	*why = NULL;

	memcpy(rbuf, CT, sizeof(CT) - 1);
	cgi_response_reset(&cr);
	ck_assert_int_eq(cgi_parse_response(&cr, rbuf, 10, &why), 0);
	ck_assert_int_eq(cgi_parse_response(&cr, rbuf, 5, &why), -1);
	ck_assert_ptr_nonnull(why);
	cgi_response_reset(&cr);
	ck_assert_int_eq(cgi_parse_response(&cr, NULL, 0, &why), 0);
	ck_assert_int_eq(cgi_parse_response(&cr, NULL, 3, &why), -1);
}
END_TEST

/* ---- nph- heads -------------------------------------------------------- */

struct nph_case {
	const char	*in;		/* head, maybe a body after it */
	size_t		 len;
	size_t		 end;	/* cgi_nph_head_end(), 0: none */
	int		 rc;	/* cgi_parse_nph() on in[0..end) */
	int		 status;
	int64_t		 clen;
	const char	*why;		/* substring, when rc is -1 */
};

#define NPH(s, e, st, cl) { s, sizeof(s) - 1, e, 0, st, cl, NULL }
#define NPHBAD(s, e, w) { s, sizeof(s) - 1, e, -1, 0, -1, w }
#define H11	"HTTP/1.1 200 OK\r\n"

static const struct nph_case nph_cases[] = {
	NPH(H11 "\r\n", 19, 200, -1),
	NPH(H11 "Content-Length: 2\r\n\r\nokHTTP/1.1 200 OK\r\n\r\n", 38,
	    200, 2),
	NPH("HTTP/1.0 404 Not Found\nX-A: 1\n\nbody", 31, 404, -1),
	NPH("HTTP/1.1 299\r\n\r\n", 16, 299, -1),
	NPH("HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n", 46,
	    204, 0),
	NPH(H11 "Content-Type: text/plain\r\nSet-Cookie: a=1\r\n\r\n", 62,
	    200, -1),
	NPH("HTTP/1.1 500 a\tb\r\n\r\n", 20, 500, -1),
	NPHBAD(H11, 0, "empty line"),
	NPHBAD(H11 "X-A: 1\r\n", 0, "empty line"),
	NPHBAD("\r\n\r\n", 4, "status line"),
	NPH("HTTP/1.1 200 OK\n\n", 17, 200, -1),
	NPHBAD("HTTP/2 200 OK\r\n\r\n", 17, "status line"),
	NPHBAD("HTTP/1.1 100 Continue\r\n\r\n", 25, "status line"),
	NPHBAD("HTTP/1.1 600 X\r\n\r\n", 18, "status line"),
	NPHBAD("HTTP/1.1 20 OK\r\n\r\n", 18, "status line"),
	NPHBAD("HTTP/1.1 200OK\r\n\r\n", 18, "status line"),
	NPHBAD("HTTP/1.1 200 O\x01K\r\n\r\n", 20, "status line"),
	NPHBAD("Status: 200\r\n\r\n", 15, "status line"),
	NPHBAD(H11 "Transfer-Encoding: chunked\r\n\r\n", 47,
	    "Transfer-Encoding"),
	NPHBAD(H11 "Content-Length: 1\r\nContent-Length: 1\r\n\r\n", 57,
	    "duplicate Content-Length"),
	NPHBAD(H11 "Content-Length: -1\r\n\r\n", 39, "bad Content-Length"),
	NPHBAD(H11 "Content-Length: 99999999999999999999\r\n\r\n", 57,
	    "too large"),
	NPHBAD(H11 "X-A: 1\rX-B: 2\r\n\r\n", 34, "bare CR"),
	NPHBAD(H11 "X-A: a\0b\r\n\r\n", 29, "NUL"),
	NPHBAD(H11 "X-A: 1\r\n folded\r\n\r\n", 36, "obs-fold"),
	NPHBAD(H11 "no colon\r\n\r\n", 29, "without ':'"),
	NPHBAD(H11 "Bad Name: v\r\n\r\n", 32, "field name"),
	NPHBAD(H11 "X-A: \x1b[31m\r\n\r\n", 31, "control character"),
};

START_TEST(test_nph_table)
{
	const struct nph_case	*c = &nph_cases[_i];
	const char		*why = NULL;
	size_t			 end, k;
	int64_t			 clen = 7;
	int			 status = 0, rc;

	end = cgi_nph_head_end(c->in, c->len, 0);
	ck_assert_uint_eq(end, c->end);
	/* fed in pieces from every split point: the same end */
	for (k = 0; k <= c->len; k++)
		ck_assert_uint_eq(cgi_nph_head_end(c->in, k, 0) != 0 ?
		    cgi_nph_head_end(c->in, k, 0) :
		    cgi_nph_head_end(c->in, c->len, k), c->end);
	if (end == 0)
		end = c->len;	/* parse what there is: never a head */
	rc = cgi_parse_nph(c->in, end, &status, &clen, &why);
	ck_assert_int_eq(rc, c->rc);
	if (rc == 0) {
		ck_assert_int_eq(status, c->status);
		ck_assert_int_eq(clen, c->clen);
	} else {
		ck_assert_ptr_nonnull(why);
		if (c->why != NULL)
			ck_assert_msg(strstr(why, c->why) != NULL,
			    "why '%s', want '%s'", why, c->why);
	}
}
END_TEST

/* bytes after the empty line are never part of the head */
START_TEST(test_nph_trailing_bytes_refused)
{
	static const char	 in[] = H11 "\r\nX";
	const char		*why = NULL;
	int64_t			 clen;
	int			 status;

	ck_assert_int_eq(cgi_parse_nph(in, sizeof(in) - 1, &status, &clen,
	    &why), -1);
	ck_assert_ptr_nonnull(strstr(why, "after"));
	ck_assert_int_eq(cgi_parse_nph(in, sizeof(in) - 2, &status, &clen,
	    &why), 0);
}
END_TEST

static Suite *
cgi_suite(void)
{
	Suite	*s = suite_create("cgi");
	TCase	*tc;

	tc = tcase_create("env");
	tcase_add_loop_test(tc, test_env_get_table, 0, nitems(get_cases));
	tcase_add_loop_test(tc, test_env_post_table, 0, nitems(post_cases));
	tcase_add_loop_test(tc, test_env_ipv6_table, 0, nitems(ipv6_cases));
	tcase_add_test(tc, test_env_post_empty_body_has_length_zero);
	tcase_add_test(tc, test_env_get_distinguishes_prefixes);
	tcase_add_test(tc, test_env_content_type_needs_a_body);
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

	tc = tcase_create("response");
	tcase_add_loop_test(tc, test_resp_table, 0, nitems(resp_cases));
	tcase_add_loop_test(tc, test_resp_table_split, 0,
	    nitems(resp_cases));
	tcase_add_loop_test(tc, test_resp_head_max_exact, 0, 2);
	tcase_add_loop_test(tc, test_resp_head_max_plus_one, 0, 2);
	tcase_add_test(tc, test_resp_endless_line);
	tcase_add_test(tc, test_resp_fields_max);
	tcase_add_loop_test(tc, test_resp_reason_length, 0, 2);
	tcase_add_test(tc, test_resp_input_shrinks);
	suite_add_tcase(s, tc);

	tc = tcase_create("nph");
	tcase_add_loop_test(tc, test_nph_table, 0, nitems(nph_cases));
	tcase_add_test(tc, test_nph_trailing_bytes_refused);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner	*sr;
	int	 nfail;

	sr = srunner_create(cgi_suite());
	srunner_run_all(sr, CK_NORMAL);
	nfail = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nfail == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
