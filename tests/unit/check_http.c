/* SPDX-License-Identifier: ISC */
/*
 * check_http.c: Check suite for daemon/http.c, the pure HTTP module.
 * Table-driven, no sockets: each malformed class maps to its exact status,
 * and every valid request parses the same whole, byte by byte or split.
 */

#include <sys/mman.h>

#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "http.h"

#define LIT(s)	s, sizeof(s) - 1

static struct http_request	req_a, req_b;

/*
 * Requests.  st 0 = complete, consumed == len; else the -status.
 * For st 0 the fields after it are checked (path NULL = not checked).
 */
struct req_case {
	const char		*raw;
	size_t			 len;
	int			 st;
	enum http_method	 method;
	const char		*path;
	const char		*query;
	const char		*host;
	int			 keepalive;
	int			 chunked;
	int64_t			 clen;
	int			 expect;
};

#define H11	" HTTP/1.1\r\nHost: a\r\n"
#define BAD(s, st)	{ LIT(s), -(st), 0, NULL, NULL, NULL, 0, 0, 0, 0 }

static const struct req_case req_cases[] = {
	/* valid */
	{ LIT("GET / HTTP/1.1\r\nHost: a\r\n\r\n"), 0, HTTP_M_GET,
	    "/", "", "a", 1, 0, -1, 0 },
	{ LIT("GET /index.html?x=1&y=2 HTTP/1.1\r\nHost: Example.COM:8080"
	    "\r\n\r\n"), 0, HTTP_M_GET, "/index.html", "x=1&y=2",
	    "example.com", 1, 0, -1, 0 },
	{ LIT("\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n"), 0, HTTP_M_GET,
	    "/", "", "a", 1, 0, -1, 0 },
	{ LIT("\nGET /x HTTP/1.1\nHost: a\n\n"), 0, HTTP_M_GET,
	    "/x", "", "a", 1, 0, -1, 0 },
	{ LIT("GET / HTTP/1.0\r\n\r\n"), 0, HTTP_M_GET, "/", "", "",
	    0, 0, -1, 0 },
	{ LIT("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"), 0,
	    HTTP_M_GET, "/", "", "", 1, 0, -1, 0 },
	{ LIT("GET /" H11 "Connection: close\r\n\r\n"), 0, HTTP_M_GET,
	    "/", "", "a", 0, 0, -1, 0 },
	{ LIT("GET /" H11 "Connection: Keep-Alive, CLOSE\r\n\r\n"), 0,
	    HTTP_M_GET, "/", "", "a", 0, 0, -1, 0 },
	{ LIT("GET /" H11 "Connection: ,, keep-alive ,\r\n\r\n"), 0,
	    HTTP_M_GET, "/", "", "a", 1, 0, -1, 0 },
	{ LIT("GET /" H11 "Connection: a\r\nConnection: close\r\n\r\n"), 0,
	    HTTP_M_GET, "/", "", "a", 0, 0, -1, 0 },
	{ LIT("POST /cgi-bin/x" H11 "Content-Length: 42\r\n\r\n"), 0,
	    HTTP_M_POST, "/cgi-bin/x", "", "a", 1, 0, 42, 0 },
	{ LIT("POST /" H11 "Content-Length: 007\r\n\r\n"), 0,
	    HTTP_M_POST, "/", "", "a", 1, 0, 7, 0 },
	{ LIT("PUT /x" H11 "Content-Length: 9223372036854775807\r\n\r\n"),
	    0, HTTP_M_PUT, "/x", "", "a", 1, 0, INT64_MAX, 0 },
	{ LIT("DELETE /x" H11 "Content-Length: 0\r\n\r\n"), 0,
	    HTTP_M_DELETE, "/x", "", "a", 1, 0, 0, 0 },
	{ LIT("POST /" H11 "Transfer-Encoding: chunked\r\n\r\n"), 0,
	    HTTP_M_POST, "/", "", "a", 1, 1, -1, 0 },
	{ LIT("POST /" H11 "Transfer-Encoding:  CHUNKED \r\n\r\n"), 0,
	    HTTP_M_POST, "/", "", "a", 1, 1, -1, 0 },
	{ LIT("POST /" H11 "Expect: 100-continue\r\nContent-Length: 5\r\n"
	    "\r\n"), 0, HTTP_M_POST, "/", "", "a", 1, 0, 5, 1 },
	{ LIT("GET /" H11 "Expect: 100-Continue\r\n\r\n"), 0, HTTP_M_GET,
	    "/", "", "a", 1, 0, -1, 1 },
	{ LIT("POST / HTTP/1.0\r\nExpect: something\r\n\r\n"), 0,
	    HTTP_M_POST, "/", "", "", 0, 0, -1, 0 },
	{ LIT("GET http://Example.org:80/a/../b?q HTTP/1.1\r\nHost: other"
	    "\r\n\r\n"), 0, HTTP_M_GET, "/b", "q", "example.org",
	    1, 0, -1, 0 },
	{ LIT("GET HTTPS://h HTTP/1.1\r\nHost: h\r\n\r\n"), 0, HTTP_M_GET,
	    "/", "", "h", 1, 0, -1, 0 },
	{ LIT("GET http://h?x HTTP/1.1\r\nHost: h\r\n\r\n"), 0, HTTP_M_GET,
	    "/", "x", "h", 1, 0, -1, 0 },
	{ LIT("GET http://[::1]:8/ HTTP/1.0\r\n\r\n"), 0, HTTP_M_GET,
	    "/", "", "[::1]", 0, 0, -1, 0 },
	{ LIT("OPTIONS *" H11 "\r\n"), 0, HTTP_M_OPTIONS, "*", "", "a",
	    1, 0, -1, 0 },
	{ LIT("CONNECT Example.com:443 HTTP/1.1\r\nHost: example.com:443"
	    "\r\n\r\n"), 0, HTTP_M_CONNECT, "", "", "example.com",
	    1, 0, -1, 0 },
	{ LIT("BREW /pot" H11 "\r\n"), 0, HTTP_M_UNKNOWN, "/pot", "", "a",
	    1, 0, -1, 0 },
	{ LIT("get /" H11 "\r\n"), 0, HTTP_M_UNKNOWN, "/", "", "a",
	    1, 0, -1, 0 },
	{ LIT("HEAD / HTTP/1.1\r\nHost: [::1]:8000\r\n\r\n"), 0,
	    HTTP_M_HEAD, "/", "", "[::1]", 1, 0, -1, 0 },
	{ LIT("GET / HTTP/1.1\r\nHost: [2001:DB8::A]\r\n\r\n"), 0,
	    HTTP_M_GET, "/", "", "[2001:db8::a]", 1, 0, -1, 0 },
	{ LIT("GET / HTTP/1.1\r\nHost: 192.168.0.1:\r\n\r\n"), 0,
	    HTTP_M_GET, "/", "", "192.168.0.1", 1, 0, -1, 0 },
	{ LIT("GET / HTTP/1.1\r\nHost:\r\n\r\n"), 0, HTTP_M_GET, "/", "",
	    "", 1, 0, -1, 0 },
	{ LIT("GET / HTTP/1.1\r\nHost: \t spaced \t \r\n\r\n"), 0,
	    HTTP_M_GET, "/", "", "spaced", 1, 0, -1, 0 },
	{ LIT("GET / HTTP/1.1\r\nHost: a.b-c_d~.\r\n\r\n"), 0, HTTP_M_GET,
	    "/", "", "a.b-c_d~.", 1, 0, -1, 0 },
	{ LIT("GET /a%20b" H11 "\r\n"), 0, HTTP_M_GET, "/a b", "", "a",
	    1, 0, -1, 0 },
	{ LIT("GET //x//y/" H11 "\r\n"), 0, HTTP_M_GET, "/x/y/", "", "a",
	    1, 0, -1, 0 },
	{ LIT("PATCH /?a=b%zz" H11 "\r\n"), 0, HTTP_M_PATCH, "/", "a=b%zz",
	    "a", 1, 0, -1, 0 },
	{ LIT("TRACE /~u/{x}|^\\" H11 "\r\n"), 0, HTTP_M_TRACE,
	    "/~u/{x}|^\\", "", "a", 1, 0, -1, 0 },
	{ LIT("GET /" H11 "X-Obs: caf\xc3\xa9\r\nX-Empty:\r\n\r\n"), 0,
	    HTTP_M_GET, "/", "", "a", 1, 0, -1, 0 },
	{ LIT("GET / HTTP/1.1\r\nhOST: a\r\n\r\n"), 0, HTTP_M_GET, "/", "",
	    "a", 1, 0, -1, 0 },
	/* request line */
	BAD("GET  /" H11 "\r\n", 400),
	BAD("GET /  HTTP/1.1\r\nHost: a\r\n\r\n", 400),
	BAD("GET / HTTP/1.1 \r\nHost: a\r\n\r\n", 400),
	BAD("GET\t/" H11 "\r\n", 400),
	BAD(" GET /" H11 "\r\n", 400),
	BAD("GET /a b" H11 "\r\n", 400),
	BAD("GET /\r\n\r\n", 400),
	BAD("GET\r\n\r\n", 400),
	BAD("GET / http/1.1\r\nHost: a\r\n\r\n", 400),
	BAD("GET / HTTP/1.1x\r\nHost: a\r\n\r\n", 400),
	BAD("GET / HTTP/11\r\nHost: a\r\n\r\n", 400),
	BAD("GET / HTTP/1.\r\nHost: a\r\n\r\n", 400),
	BAD("GET / HTTP/x.1\r\nHost: a\r\n\r\n", 400),
	BAD("GET / HTTP/1.1\r\r\nHost: a\r\n\r\n", 400),
	BAD("G(T /" H11 "\r\n", 400),
	BAD("GE\"T /" H11 "\r\n", 400),
	BAD("GET / HTTP/2.0\r\nHost: a\r\n\r\n", 505),
	BAD("GET / HTTP/1.2\r\nHost: a\r\n\r\n", 505),
	BAD("GET / HTTP/0.9\r\nHost: a\r\n\r\n", 505),
	BAD("GET / HTTP/9.9\r\n", 505),
	BAD("ABCDEFGHIJKLMNOPQRSTUVWXYZ012345 /" H11 "\r\n", 501),
	/* target */
	BAD("GET /a#frag" H11 "\r\n", 400),
	BAD("GET /\x7f" H11 "\r\n", 400),
	BAD("GET /\xff" H11 "\r\n", 400),
	BAD("GET /a\tb" H11 "\r\n", 400),
	BAD("GET /%2e%2e/x" H11 "\r\n", 400),
	BAD("GET /cgi-bin/.%2e/.%2e/bin/sh" H11 "\r\n", 400),
	BAD("GET /a%2fb" H11 "\r\n", 400),
	BAD("GET /%00" H11 "\r\n", 400),
	BAD("GET /%zz" H11 "\r\n", 400),
	BAD("GET /%%32%65" H11 "\r\n", 400),
	BAD("GET *" H11 "\r\n", 400),
	BAD("GET example.com:80" H11 "\r\n", 400),
	BAD("GET relative" H11 "\r\n", 400),
	BAD("CONNECT /" H11 "\r\n", 400),
	BAD("CONNECT example.com" H11 "\r\n", 400),
	BAD("CONNECT :443" H11 "\r\n", 400),
	BAD("GET ftp://x/" H11 "\r\n", 400),
	BAD("GET http:///x" H11 "\r\n", 400),
	BAD("GET http://u@h/" H11 "\r\n", 400),
	BAD("GET http://h:99999/" H11 "\r\n", 400),
	BAD("GET http:/h/" H11 "\r\n", 400),
	/* CR, LF, NUL */
	BAD("GET / HTTP/1.1\rHost: a\r\n\r\n", 400),
	BAD("GET /" H11 "X: a\rb\r\n\r\n", 400),
	BAD("GET /" H11 "\r\r\n", 400),
	BAD("\rGET /" H11 "\r\n", 400),
	BAD("GET /\0" H11 "\r\n", 400),
	BAD("GET /" H11 "X: a\0b\r\n\r\n", 400),
	BAD("\r\n\0GET /" H11 "\r\n", 400),
	BAD("GET /" H11 "\0\r\n\r\n", 400),
	/* field lines */
	BAD("GET / HTTP/1.1\r\nHost : a\r\n\r\n", 400),
	BAD("GET /" H11 "X\t: v\r\n\r\n", 400),
	BAD("GET /" H11 " X: folded\r\n\r\n", 400),
	BAD("GET /" H11 "X: v\r\n\tfolded\r\n\r\n", 400),
	BAD("GET / HTTP/1.1\r\n Host: a\r\n\r\n", 400),
	BAD("GET /" H11 "NoColon\r\n\r\n", 400),
	BAD("GET /" H11 ": novalue\r\n\r\n", 400),
	BAD("GET /" H11 "X: a\x01" "b\r\n\r\n", 400),
	BAD("GET /" H11 "X: a\x7f\r\n\r\n", 400),
	BAD("GET /" H11 "X: a\x1b[2J\r\n\r\n", 400),
	BAD("GET /" H11 "X\x80: v\r\n\r\n", 400),
	BAD("GET /" H11 "X(y): v\r\n\r\n", 400),
	/* Host */
	BAD("GET / HTTP/1.1\r\n\r\n", 400),
	BAD("GET /" H11 "Host: a\r\n\r\n", 400),
	BAD("GET / HTTP/1.0\r\nHost: a\r\nHost: b\r\n\r\n", 400),
	BAD("GET http://h/ HTTP/1.1\r\n\r\n", 400),
	BAD("GET / HTTP/1.1\r\nHost: a b\r\n\r\n", 400),
	BAD("GET / HTTP/1.1\r\nHost: a/b\r\n\r\n", 400),
	BAD("GET / HTTP/1.1\r\nHost: [::1\r\n\r\n", 400),
	BAD("GET / HTTP/1.1\r\nHost: [zz]\r\n\r\n", 400),
	BAD("GET / HTTP/1.1\r\nHost: [::1]x\r\n\r\n", 400),
	BAD("GET / HTTP/1.1\r\nHost: [fe80::1%25eth0]\r\n\r\n", 400),
	BAD("GET / HTTP/1.1\r\nHost: a:99999\r\n\r\n", 400),
	BAD("GET / HTTP/1.1\r\nHost: a:123456\r\n\r\n", 400),
	BAD("GET / HTTP/1.1\r\nHost: a:8x\r\n\r\n", 400),
	BAD("GET / HTTP/1.1\r\nHost: a:1:2\r\n\r\n", 400),
	BAD("GET / HTTP/1.1\r\nHost: :80\r\n\r\n", 400),
	BAD("GET / HTTP/1.1\r\nHost: ex%41mple\r\n\r\n", 400),
	BAD("GET / HTTP/1.1\r\nHost: u@b\r\n\r\n", 400),
	BAD("GET / HTTP/1.1\r\nHost: a,b\r\n\r\n", 400),
	/* framing */
	BAD("POST /" H11 "Content-Length: -1\r\n\r\n", 400),
	BAD("POST /" H11 "Content-Length: +1\r\n\r\n", 400),
	BAD("POST /" H11 "Content-Length: 1,1\r\n\r\n", 400),
	BAD("POST /" H11 "Content-Length: 1 1\r\n\r\n", 400),
	BAD("POST /" H11 "Content-Length:\r\n\r\n", 400),
	BAD("POST /" H11 "Content-Length: 0x10\r\n\r\n", 400),
	BAD("POST /" H11 "Content-Length: 9223372036854775808\r\n\r\n",
	    400),
	BAD("POST /" H11 "Content-Length: 99999999999999999999999\r\n\r\n",
	    400),
	BAD("POST /" H11 "Content-Length: 5\r\nContent-Length: 5\r\n\r\n",
	    400),
	BAD("POST /" H11 "Transfer-Encoding: gzip\r\n\r\n", 400),
	BAD("POST /" H11 "Transfer-Encoding: chunked, gzip\r\n\r\n", 400),
	BAD("POST /" H11 "Transfer-Encoding: chunked;q=1\r\n\r\n", 400),
	BAD("POST /" H11 "Transfer-Encoding: chunked, chunked\r\n\r\n",
	    400),
	BAD("POST /" H11 "Transfer-Encoding: chunked,\r\n\r\n", 400),
	BAD("POST /" H11 "Transfer-Encoding:\r\n\r\n", 400),
	BAD("POST /" H11 "Transfer-Encoding: chunked\r\n"
	    "Transfer-Encoding: chunked\r\n\r\n", 400),
	BAD("POST /" H11 "Transfer-Encoding: chunked\r\n"
	    "Content-Length: 5\r\n\r\n", 400),
	BAD("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n", 400),
	BAD("POST /" H11 "Transfer-Encoding: gzip, chunked\r\n\r\n", 501),
	BAD("POST /" H11 "Transfer-Encoding: x-foo ,chunked\r\n\r\n", 501),
	BAD("POST /" H11 "Expect: 200-ok\r\n\r\n", 417),
	BAD("POST /" H11 "Expect: 100-continue, foo\r\n\r\n", 417),
	BAD("POST /" H11 "Expect: 100-continue;x=1\r\n\r\n", 417),
};
#define NREQ	(sizeof(req_cases) / sizeof(req_cases[0]))

static void
check_req_fields(const struct req_case *c, const struct http_request *r)
{
	ck_assert_int_eq(r->hr_method, c->method);
	ck_assert_str_eq(r->hr_path, c->path);
	ck_assert_str_eq(r->hr_query, c->query);
	ck_assert_str_eq(r->hr_host, c->host);
	ck_assert_int_eq(r->hr_keepalive, c->keepalive);
	ck_assert_int_eq(r->hr_chunked, c->chunked);
	ck_assert_int_eq(r->hr_content_length, c->clen);
	ck_assert_int_eq(r->hr_expect_continue, c->expect);
}

static void
check_req_same(const struct http_request *a, const struct http_request *b)
{
	ck_assert_int_eq(a->hr_method, b->hr_method);
	ck_assert_str_eq(a->hr_method_str, b->hr_method_str);
	ck_assert_int_eq(a->hr_minor, b->hr_minor);
	ck_assert_str_eq(a->hr_target, b->hr_target);
	ck_assert_str_eq(a->hr_path, b->hr_path);
	ck_assert_str_eq(a->hr_query, b->hr_query);
	ck_assert_str_eq(a->hr_host, b->hr_host);
	ck_assert_int_eq(a->hr_keepalive, b->hr_keepalive);
	ck_assert_int_eq(a->hr_chunked, b->hr_chunked);
	ck_assert_int_eq(a->hr_content_length, b->hr_content_length);
	ck_assert_int_eq(a->hr_expect_continue, b->hr_expect_continue);
	ck_assert_uint_eq(a->hr_nfields, b->hr_nfields);
	ck_assert_uint_eq(a->hr_hbuf_len, b->hr_hbuf_len);
	ck_assert_mem_eq(a->hr_hbuf, b->hr_hbuf, a->hr_hbuf_len);
}

static int
req_expected(const struct req_case *c)
{
	return c->st == 0 ? (int)c->len : c->st;
}

START_TEST(test_http_request_table)
{
	const struct req_case	*c = &req_cases[_i];
	int			 rc;

	http_request_reset(&req_a);
	rc = http_parse_request(&req_a, c->raw, c->len);
	ck_assert_msg(rc == req_expected(c), "case %d: got %d want %d",
	    _i, rc, req_expected(c));
	if (c->st == 0)
		check_req_fields(c, &req_a);
	/* the verdict is sticky */
	ck_assert_int_eq(http_parse_request(&req_a, c->raw, c->len), rc);
}
END_TEST

START_TEST(test_http_request_bytewise)
{
	const struct req_case	*c = &req_cases[_i];
	size_t			 n;
	int			 rc = 0;

	http_request_reset(&req_a);
	http_request_reset(&req_b);
	ck_assert_int_eq(http_parse_request(&req_a, c->raw, c->len),
	    req_expected(c));
	for (n = 0; n <= c->len && rc == 0; n++) {
		rc = http_parse_request(&req_b, c->raw, n);
		if (rc == 0)
			ck_assert_uint_eq(req_b.hr_scan, n);
	}
	ck_assert_msg(rc == req_expected(c), "case %d: bytewise %d", _i, rc);
	if (rc > 0)
		check_req_same(&req_a, &req_b);
}
END_TEST

START_TEST(test_http_request_split)
{
	const struct req_case	*c = &req_cases[_i];
	size_t			 k;
	int			 rc;

	for (k = 0; k < c->len; k++) {
		http_request_reset(&req_b);
		rc = http_parse_request(&req_b, c->raw, k);
		if (rc == 0)
			rc = http_parse_request(&req_b, c->raw, c->len);
		ck_assert_msg(rc == req_expected(c), "case %d split %zu: %d",
		    _i, k, rc);
	}
}
END_TEST

START_TEST(test_http_pipelined)
{
	static const char	stream[] =
	    "GET /a HTTP/1.1\r\nHost: a\r\n\r\n"
	    "\r\nPOST /b HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nxyz"
	    "GET /c HTTP/1.0\n\n"
	    "GET /d HTTP/1.1\r\nHost: a\r\n\r\nGET /e";
	static const char *const paths[] = { "/a", "/b", "/c", "/d" };
	size_t	off = 0, len = sizeof(stream) - 1, i, n;
	int	rc;

	for (i = 0; i < 4; i++) {
		/* byte by byte, as a slow client would send it */
		http_request_reset(&req_a);
		for (n = 0, rc = 0; rc == 0 && off + n <= len; n++)
			rc = http_parse_request(&req_a, stream + off, n);
		ck_assert_int_gt(rc, 0);
		ck_assert_str_eq(req_a.hr_path, paths[i]);
		off += rc;
		if (req_a.hr_content_length > 0)
			off += req_a.hr_content_length;
	}
	http_request_reset(&req_a);
	ck_assert_int_eq(http_parse_request(&req_a, stream + off, len - off),
	    0);
	ck_assert_str_eq(stream + off, "GET /e");
}
END_TEST

static char	bigbuf[HTTP_REQ_MAX + 64];

static size_t
put(size_t at, const char *s)
{
	memcpy(bigbuf + at, s, strlen(s));
	return at + strlen(s);
}

static size_t
fill(size_t at, int c, size_t n)
{
	memset(bigbuf + at, c, n);
	return at + n;
}

struct limit_case {
	size_t	lead;		/* LFs before the request line */
	size_t	method;		/* method length ('A's) */
	size_t	target;		/* target length, '/' then 'a's */
	int	end_line;	/* finish the request line */
	size_t	xlen;		/* length of one "X: bbb" field, 0 = none */
	size_t	nfields;	/* extra "F: v" fields */
	int	end_head;
	int	st;		/* expected: 0 = complete, else -status */
};

static const struct limit_case limit_cases[] = {
	{ 0, 3, HTTP_TARGET_MAX, 1, 0, 0, 1, 0 },
	{ 0, 3, HTTP_TARGET_MAX + 1, 0, 0, 0, 0, -414 },
	{ 0, 3, HTTP_TARGET_MAX + 1, 1, 0, 0, 1, -414 },
	{ 0, HTTP_METHOD_MAX, 2, 1, 0, 0, 1, 0 },
	{ 0, HTTP_METHOD_MAX + 1, 0, 0, 0, 0, 0, -501 },
	{ HTTP_LEAD_MAX - 1, 3, 1, 1, 0, 0, 1, 0 },
	{ HTTP_LEAD_MAX, 3, 1, 1, 0, 0, 1, -400 },
	{ HTTP_LEAD_MAX + 5, 0, 0, 0, 0, 0, 0, -400 },
	/* header block = "Host: a\r\n" 9 + field + "\r\n" 2 */
	{ 0, 3, 1, 1, HTTP_HEAD_MAX - 11, 0, 1, 0 },
	{ 0, 3, 1, 1, HTTP_HEAD_MAX - 10, 0, 1, -431 },
	{ 0, 3, 1, 1, HTTP_HEAD_MAX + 50, 0, 0, -431 },
	{ 0, 3, 1, 1, 0, HTTP_FIELDS_MAX - 1, 1, 0 },
	{ 0, 3, 1, 1, 0, HTTP_FIELDS_MAX, 1, -431 },
	{ 0, 3, 1, 1, 0, HTTP_FIELDS_MAX + 5, 0, -431 },
	/* the worst case still decides within HTTP_REQ_MAX bytes */
	{ HTTP_LEAD_MAX - 1, HTTP_METHOD_MAX, HTTP_TARGET_MAX, 1,
	    HTTP_HEAD_MAX, 0, 0, -431 },
};

static size_t
limit_build(const struct limit_case *c)
{
	size_t	at = 0, i;

	at = fill(at, '\n', c->lead);
	at = fill(at, 'A', c->method);
	if (c->target > 0)
		at = fill(put(put(at, " "), "/"), 'a', c->target - 1);
	if (!c->end_line)
		return at;
	at = put(at, " HTTP/1.1\r\nHost: a\r\n");
	if (c->xlen > 0) {
		at = fill(put(at, "X: "), 'b', c->xlen - 5);
		if (c->end_head)
			at = put(at, "\r\n");
	}
	for (i = 0; i < c->nfields; i++)
		at = put(at, "F: v\r\n");
	if (c->end_head)
		at = put(at, "\r\n");
	return at > HTTP_REQ_MAX ? HTTP_REQ_MAX : at;
}

START_TEST(test_http_limits)
{
	const struct limit_case	*c = &limit_cases[_i];
	size_t			 len = limit_build(c);
	int			 rc, want;

	want = c->st == 0 ? (int)len : c->st;
	http_request_reset(&req_a);
	rc = http_parse_request(&req_a, bigbuf, len);
	ck_assert_msg(rc == want, "limit case %d: %d want %d", _i, rc, want);
	if (c->st == 0)
		ck_assert_uint_lt(len, HTTP_REQ_MAX);
}
END_TEST

START_TEST(test_http_host_too_long)
{
	size_t	at;

	at = put(0, "GET / HTTP/1.1\r\nHost: ");
	at = put(fill(at, 'h', HTTP_HOST_MAX), "\r\n\r\n");
	http_request_reset(&req_a);
	ck_assert_int_eq(http_parse_request(&req_a, bigbuf, at), (int)at);
	ck_assert_uint_eq(strlen(req_a.hr_host), HTTP_HOST_MAX);
	at = put(0, "GET / HTTP/1.1\r\nHost: ");
	at = put(fill(at, 'h', HTTP_HOST_MAX + 1), "\r\n\r\n");
	http_request_reset(&req_a);
	ck_assert_int_eq(http_parse_request(&req_a, bigbuf, at), -400);
}
END_TEST

START_TEST(test_http_field_access)
{
	static const char	raw[] = "GET / HTTP/1.1\r\nHost: a\r\n"
	    "X-One:  1 \r\nx-one: 2\r\nEmpty:\r\n\r\n";

	http_request_reset(&req_a);
	ck_assert_int_gt(http_parse_request(&req_a, raw, sizeof(raw) - 1), 0);
	ck_assert_uint_eq(req_a.hr_nfields, 4);
	ck_assert_str_eq(http_field_get(&req_a, "X-ONE"), "1");
	ck_assert_str_eq(http_field_get(&req_a, "empty"), "");
	ck_assert_ptr_null(http_field_get(&req_a, "X-Two"));
	ck_assert_str_eq(http_field_name(&req_a, 2), "x-one");
	ck_assert_str_eq(http_field_value(&req_a, 2), "2");
	ck_assert_ptr_null(http_field_name(&req_a, 4));
	ck_assert_ptr_null(http_field_value(&req_a, (size_t)-1));
	ck_assert_int_eq(req_a.hr_minor, 1);
	ck_assert_str_eq(req_a.hr_method_str, "GET");
}
END_TEST

/* a reset over another request's bytes leaves none of them readable */
START_TEST(test_http_reset_dirty)
{
	static const char	raw[] = "GET /b HTTP/1.0\r\n\r\n";

	memset(&req_a, 0xa5, sizeof(req_a));
	http_request_reset(&req_a);
	ck_assert_str_eq(req_a.hr_method_str, "");
	ck_assert_str_eq(req_a.hr_target, "");
	ck_assert_str_eq(req_a.hr_path, "");
	ck_assert_str_eq(req_a.hr_query, "");
	ck_assert_str_eq(req_a.hr_host, "");
	ck_assert_uint_eq(req_a.hr_nfields, 0);
	ck_assert_int_eq(req_a.hr_content_length, -1);
	ck_assert_int_eq(http_parse_request(&req_a, raw, sizeof(raw) - 1),
	    (int)sizeof(raw) - 1);
	ck_assert_str_eq(req_a.hr_method_str, "GET");
	ck_assert_str_eq(req_a.hr_path, "/b");
	ck_assert_str_eq(req_a.hr_query, "");
	ck_assert_str_eq(req_a.hr_host, "");
	ck_assert_int_eq(req_a.hr_keepalive, 0);
	ck_assert_int_eq(req_a.hr_chunked, 0);
	ck_assert_int_eq(req_a.hr_expect_continue, 0);
	ck_assert_ptr_null(http_field_get(&req_a, "Host"));
}
END_TEST

/*
 * A size, not a time: a reset writes the scalars and each string's first
 * byte, so a fresh request (the front's idle and half-sent heads) has few
 * of its pages in memory: counted with mincore() on fresh anonymous pages.
 */
START_TEST(test_http_reset_pages)
{
	size_t			 pg = (size_t)sysconf(_SC_PAGESIZE), len, i, n;
	unsigned char		 vec[64];
	struct http_request	*r;
	void			*m;

	len = (sizeof(*r) + pg - 1) / pg * pg;
	ck_assert_uint_le(len / pg, sizeof(vec));
	m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
	    -1, 0);
	ck_assert_ptr_ne(m, MAP_FAILED);
	r = m;
	http_request_reset(r);
	ck_assert_int_eq(mincore(m, len, vec), 0);
	for (i = n = 0; i < len / pg; i++)
		n += vec[i] & 1;
	ck_assert_msg(n <= 5, "a reset request has %zu of its %zu pages in "
	    "memory", n, len / pg);
	munmap(m, len);
}
END_TEST

struct path_case {
	const char	*raw;
	int		 st;
	const char	*out;
};

static const struct path_case path_cases[] = {
	{ "/", 0, "/" },		{ "/a", 0, "/a" },
	{ "/a/", 0, "/a/" },		{ "//", 0, "/" },
	{ "///a//b//", 0, "/a/b/" },	{ "/./", 0, "/" },
	{ "/.", 0, "/" },		{ "/a/.", 0, "/a/" },
	{ "/a/..", 0, "/" },		{ "/a/../", 0, "/" },
	{ "/x/../y", 0, "/y" },		{ "/a/b/../../c", 0, "/c" },
	{ "/a//..//b", 0, "/b" },	{ "/a/./b/./c", 0, "/a/b/c" },
	{ "/a/b/..", 0, "/a/" },	{ "/dir/", 0, "/dir/" },
	{ "/..", -400, "" },		{ "/../", -400, "" },
	{ "/a/../..", -400, "" },	{ "//../a", -400, "" },
	{ "/cgi-bin/.%2e/.%2e/.%2e/.%2e/bin/sh", -400, "" },
	{ "/cgi-bin/%2e%2e/%2e%2e/etc/passwd", -400, "" },
	{ "/cgi-bin/.%2e/x", 0, "/x" },
	{ "/cgi-bin/.%2E/x", 0, "/x" },
	{ "/icons/.%%32%65/x", -400, "" },
	{ "/%%32%65", -400, "" },
	{ "/%252e%252e/x", 0, "/%2e%2e/x" },
	{ "/%252f", 0, "/%2f" },
	{ "/%2e", 0, "/" },		{ "/%2E%2E", -400, "" },
	{ "/a%2fb", -400, "" },		{ "/a%2Fb", -400, "" },
	{ "/a%5cb", 0, "/a\\b" },	{ "/a\\..\\b", 0, "/a\\..\\b" },
	{ "/%00", -400, "" },		{ "/a%0ab", -400, "" },
	{ "/a%0d", -400, "" },		{ "/a%7f", -400, "" },
	{ "/a%1f", -400, "" },		{ "/a%20b", 0, "/a b" },
	{ "/a b", -400, "" },		{ "/a\tb", -400, "" },
	{ "/a\x7f", -400, "" },		{ "/a\x01", -400, "" },
	{ "/%", -400, "" },		{ "/%4", -400, "" },
	{ "/%g0", -400, "" },		{ "/%0g", -400, "" },
	{ "/%c0%ae%c0%ae/x", 0, "/\xc0\xae\xc0\xae/x" },
	{ "/...", 0, "/..." },		{ "/a/.../", 0, "/a/.../" },
	{ "/a./b..", 0, "/a./b.." },	{ "/test.sh.", 0, "/test.sh." },
	{ "/x/..../", 0, "/x/..../" },	{ "/.hidden", 0, "/.hidden" },
	{ "", -400, "" },		{ "a/b", -400, "" },
	{ ".", -400, "" },		{ "/%41%42%7e", 0, "/AB~" },
	{ "/\xff\xfe", 0, "/\xff\xfe" },
	{ "/a?b", 0, "/a?b" },
};
#define NPATH	(sizeof(path_cases) / sizeof(path_cases[0]))

START_TEST(test_http_path_table)
{
	const struct path_case	*c = &path_cases[_i];
	char			 out[256];
	int			 rc;

	memset(out, 'Z', sizeof(out));
	rc = http_path_normalize(c->raw, strlen(c->raw), out, sizeof(out));
	ck_assert_msg(rc == c->st, "path %s: %d", c->raw, rc);
	ck_assert_str_eq(out, c->out);
}
END_TEST

START_TEST(test_http_path_outsz)
{
	char	out[8];

	ck_assert_int_eq(http_path_normalize("/abcdef", 7, out, 8), 0);
	ck_assert_str_eq(out, "/abcdef");
	ck_assert_int_eq(http_path_normalize("/abcdefg", 8, out, 8), -400);
	ck_assert_str_eq(out, "");
	ck_assert_int_eq(http_path_normalize("/abcde/", 7, out, 8), 0);
	ck_assert_str_eq(out, "/abcde/");
	ck_assert_int_eq(http_path_normalize("/abcdef/", 8, out, 8), -400);
	ck_assert_int_eq(http_path_normalize("/", 1, out, 1), -400);
	ck_assert_int_eq(out[0], '\0');
	ck_assert_int_eq(http_path_normalize("/", 1, out, 2), 0);
	/* segments are decoded in place: outsz > len always suffices */
	ck_assert_int_eq(http_path_normalize("/a/../b", 7, out, 8), 0);
	ck_assert_str_eq(out, "/b");
	ck_assert_int_eq(http_path_normalize("/a/../b", 7, out, 4), -400);
	/* len, not the NUL, bounds the input */
	ck_assert_int_eq(http_path_normalize("/ab/../x", 3, out, 8), 0);
	ck_assert_str_eq(out, "/ab");
	ck_assert_int_eq(http_path_normalize("/%2", 2, out, 8), -400);
}
END_TEST

struct chunk_case {
	const char	*in;
	size_t		 len;
	int		 st;	/* 1 done, 0 need more, <0 error */
	const char	*out;	/* for st >= 0 */
	size_t		 outlen;
	size_t		 rest;	/* bytes left unconsumed when done */
	uint64_t	 max;	/* 0 = 1 MiB */
};

#define CK(s, st, out, rest)	{ LIT(s), st, LIT(out), rest, 0 }
#define CKE(s, st)		{ LIT(s), st, LIT(""), 0, 0 }
#define CKM(s, st, out, max)	{ LIT(s), st, LIT(out), 0, max }

static const struct chunk_case chunk_cases[] = {
	CK("0\r\n\r\n", 1, "", 0),
	CK("5\r\nhello\r\n0\r\n\r\n", 1, "hello", 0),
	CK("5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n", 1, "hello world", 0),
	CK("A\r\n0123456789\r\n0\r\n\r\n", 1, "0123456789", 0),
	CK("a\n0123456789\n0\n\n", 1, "0123456789", 0),
	CK("5;ext=1\r\nhello\r\n0;last\r\n\r\n", 1, "hello", 0),
	CK("5 \t;ext\r\nhello\r\n0\r\n\r\n", 1, "hello", 0),
	CK("5;a=\"q s\"\r\nhello\r\n0\r\n\r\n", 1, "hello", 0),
	CK("0\r\nX-Trailer: v\r\n\r\n", 1, "", 0),
	CK("0\r\nA: 1\r\nB:\n\n", 1, "", 0),
	CK("0000000000000005\r\nhello\r\n0\r\n\r\n", 1, "hello", 0),
	CK("0\r\n\r\nGET /", 1, "", 5),
	CK("3\r\n\r\n\0\r\n0\r\n\r\n", 1, "\r\n\0", 0),
	CK("5\r\nhello\r\n", 0, "hello", 0),
	CK("5\r\nhel", 0, "hel", 0),
	CK("", 0, "", 0),
	CK("0\r\nX: 1\r\n", 0, "", 0),
	CKE("00000000000000005\r\n", -400),
	CKE("\r\n", -400),
	CKE(";x\r\n", -400),
	CKE("g\r\n", -400),
	CKE("-5\r\n", -400),
	CKE("0x5\r\n", -400),
	CKE("+5\r\n", -400),
	CKE("5\r\nhelloX\r\n", -400),
	CKE("5\r\nhello\rX", -400),
	CKE("5 \r\nhello\r\n", -400),
	CKE("5\0\r\n", -400),
	CKE("5;a\x01\r\n", -400),
	CKE("5\rX", -400),
	CKE("0\r\nBad Trailer: v\r\n\r\n", -400),
	CKE("0\r\n: v\r\n\r\n", -400),
	CKE("0\r\nX: v\x01\r\n\r\n", -400),
	CKE("0\r\nX: v\rY", -400),
	CKE("0\r\nnocolon\r\n\r\n", -400),
	CKE("0\r\n\rX", -400),
	CKE("0\r\n folded: x\r\n\r\n", -400),
	CKE("ffffffffffffffff\r\n", -413),
	CKM("b\r\nhello world\r\n0\r\n\r\n", -413, "", 10),
	CKM("5\r\nhello\r\n6\r\n world\r\n", -413, "", 10),
	CKM("5\r\nhello\r\n0\r\n\r\n", 1, "hello", 5),
};
#define NCHUNK	(sizeof(chunk_cases) / sizeof(chunk_cases[0]))

/*
 * Feed in[0..len) the way the front does: `step` more input bytes per
 * call, unconsumed bytes kept, `room` output bytes per call.
 */
static int
chunk_run(const struct chunk_case *c, size_t step, size_t room, char *out,
    size_t *outn, size_t *used)
{
	struct http_chunked	hc;
	size_t			avail = 0, pos = 0, u, o;
	uint64_t		max = c->max ? c->max : 1 << 20;
	int			rc;

	http_chunked_init(&hc);
	*outn = 0;
	for (;;) {
		avail = avail + step > c->len ? c->len : avail + step;
		o = room;
		rc = http_chunked_decode(&hc, c->in + pos, avail - pos, &u,
		    out + *outn, &o, max);
		ck_assert_uint_le(u, avail - pos);
		ck_assert_uint_le(o, room);
		pos += u;
		*outn += o;
		*used = pos;
		if (rc != 0 || (avail == c->len && u == 0 && o == 0))
			return rc;
	}
}

static void
chunk_check(const struct chunk_case *c, size_t step, size_t room)
{
	char	out[64];
	size_t	outn, used;
	int	rc;

	rc = chunk_run(c, step, room, out, &outn, &used);
	ck_assert_msg(rc == c->st, "chunk case %.40s step %zu room %zu: %d",
	    c->in, step, room, rc);
	if (c->st < 0)
		return;
	ck_assert_uint_eq(outn, c->outlen);
	ck_assert_mem_eq(out, c->out, outn);
	if (c->st == 1)
		ck_assert_uint_eq(used, c->len - c->rest);
}

START_TEST(test_http_chunked_table)
{
	const struct chunk_case	*c = &chunk_cases[_i];
	size_t			 k;

	chunk_check(c, c->len + 1, 64);
	chunk_check(c, 1, 64);
	chunk_check(c, c->len + 1, 1);
	chunk_check(c, 1, 1);
	for (k = 2; k < c->len; k++)
		chunk_check(c, k, 3);
}
END_TEST

START_TEST(test_http_chunked_split)
{
	const struct chunk_case	*c = &chunk_cases[_i];
	struct http_chunked	 hc;
	char			 out[64];
	size_t			 k, u1, u2, o1, o2;
	int			 rc;

	/* two calls at every boundary, the second with what was left */
	for (k = 0; k <= c->len; k++) {
		http_chunked_init(&hc);
		o1 = sizeof(out);
		rc = http_chunked_decode(&hc, c->in, k, &u1, out, &o1,
		    c->max ? c->max : 1 << 20);
		u2 = o2 = 0;
		if (rc == 0) {
			o2 = sizeof(out) - o1;
			rc = http_chunked_decode(&hc, c->in + u1, c->len - u1,
			    &u2, out + o1, &o2, c->max ? c->max : 1 << 20);
		}
		ck_assert_msg(rc == c->st, "split %zu: %d", k, rc);
		if (rc == 1)
			ck_assert_uint_eq(u1 + u2, c->len - c->rest);
		if (rc >= 0) {
			ck_assert_uint_eq(o1 + o2, c->outlen);
			ck_assert_mem_eq(out, c->out, o1 + o2);
		}
	}
	/* done and error states are sticky */
	o1 = sizeof(out);
	if (c->st != 0)
		ck_assert_int_eq(http_chunked_decode(&hc, "0\r\n\r\n", 5, &u1,
		    out, &o1, 1 << 20), c->st);
}
END_TEST

START_TEST(test_http_chunked_long_lines)
{
	static const struct chunk_case	 ext = CKE("", -400);
	struct chunk_case		 c = ext;
	size_t				 at;

	/* a chunk-size line of exactly the limit is fine, one more is not */
	at = fill(put(0, "1;"), 'e', HTTP_CHUNK_LINE_MAX - 2);
	at = put(at, "\r\nx\r\n0\r\n\r\n");
	c.in = bigbuf;
	c.len = at;
	c.st = 1;
	c.out = "x";
	c.outlen = 1;
	chunk_check(&c, at, 64);
	at = fill(put(0, "1;"), 'e', HTTP_CHUNK_LINE_MAX - 1);
	c.len = put(at, "\r\n");
	c.st = -400;
	chunk_check(&c, c.len, 64);
	at = fill(put(0, "0\r\nX: "), 'v', HTTP_CHUNK_LINE_MAX);
	c.len = put(at, "\r\n\r\n");
	chunk_check(&c, c.len, 64);
	/* many short trailer lines are bounded as a whole */
	for (at = put(0, "0\r\n"); at < HTTP_HEAD_MAX + 100; )
		at = put(at, "X: 1234567\r\n");
	c.len = put(at, "\r\n");
	chunk_check(&c, c.len, 64);
}
END_TEST

struct date_case {
	const char	*s;
	int		 st;
	time_t		 t;
};

static const struct date_case date_cases[] = {
	{ "Sun, 06 Nov 1994 08:49:37 GMT", 0, 784111777 },
	{ "Sunday, 06-Nov-94 08:49:37 GMT", 0, 784111777 },
	{ "Sun Nov  6 08:49:37 1994", 0, 784111777 },
	{ "Sun Nov 16 08:49:37 1994", 0, 784975777 },
	{ "Sun Nov 06 08:49:37 1994", 0, 784111777 },
	{ "Thu, 01 Jan 1970 00:00:00 GMT", 0, 0 },
	{ "Wed, 31 Dec 1969 23:59:59 GMT", 0, -1 },
	{ "Tue, 29 Feb 2000 12:00:00 GMT", 0, 951825600 },
	{ "Thursday, 06-Nov-69 00:00:00 GMT", 0, 3150921600 },
	{ "Friday, 06-Nov-70 00:00:00 GMT", 0, 26697600 },
	{ "Sun, 06 Nov 1994 08:49:60 GMT", 0, 784111800 },
	{ "Fri, 31 Dec 9999 23:59:59 GMT", 0, 253402300799 },
	{ "Tue, 19 Jan 2038 03:14:08 GMT", 0, 2147483648 },
	{ "Thu, 29 Feb 2001 00:00:00 GMT", -1, 0 },
	{ "Mon, 29 Feb 1900 00:00:00 GMT", -1, 0 },
	{ "Sun, 31 Apr 1994 00:00:00 GMT", -1, 0 },
	{ "Sun, 00 Nov 1994 08:49:37 GMT", -1, 0 },
	{ "Sun, 06 Nov 1994 24:00:00 GMT", -1, 0 },
	{ "Sun, 06 Nov 1994 08:60:00 GMT", -1, 0 },
	{ "Sun, 06 Nov 1994 08:49:61 GMT", -1, 0 },
	{ "Sun, 06 Nov 1994 08:49:37 UTC", -1, 0 },
	{ "Sun, 06 Nov 1994 08:49:37 GMT ", -1, 0 },
	{ " Sun, 06 Nov 1994 08:49:37 GMT", -1, 0 },
	{ "sun, 06 Nov 1994 08:49:37 GMT", -1, 0 },
	{ "Sun, 06 nov 1994 08:49:37 GMT", -1, 0 },
	{ "Sun, 6 Nov 1994 08:49:37 GMT", -1, 0 },
	{ "Sun, 06 Nov 94 08:49:37 GMT", -1, 0 },
	{ "Sun, 06 Foo 1994 08:49:37 GMT", -1, 0 },
	{ "Sun, +6 Nov 1994 08:49:37 GMT", -1, 0 },
	{ "Sun, 06 Nov 1994 8:49:37 GMT", -1, 0 },
	{ "Sun, 06 Nov 1994 08-49-37 GMT", -1, 0 },
	{ "Xyz, 06 Nov 1994 08:49:37 GMT", -1, 0 },
	{ "Sunday, 06-Nov-1994 08:49:37 GMT", -1, 0 },
	{ "Sunday, 06 Nov 94 08:49:37 GMT", -1, 0 },
	{ "Sundae, 06-Nov-94 08:49:37 GMT", -1, 0 },
	{ "Sun Nov 6 08:49:37 1994", -1, 0 },
	{ "Sun Nov  6 08:49:37 94", -1, 0 },
	{ "", -1, 0 },
	{ "Sun", -1, 0 },
};
#define NDATE	(sizeof(date_cases) / sizeof(date_cases[0]))

START_TEST(test_http_date_parse_table)
{
	const struct date_case	*c = &date_cases[_i];
	time_t			 t = 12345;

	ck_assert_msg(http_date_parse(c->s, &t) == c->st, "date %s", c->s);
	if (c->st == 0)
		ck_assert_int_eq(t, c->t);
}
END_TEST

START_TEST(test_http_date_format)
{
	static const time_t	ts[] = { 0, 784111777, 951825600, 2147483648,
	    253402300799, -1 };
	char			buf[30], small[29];
	time_t			t;
	size_t			i;

	http_date_format(784111777, buf, sizeof(buf));
	ck_assert_str_eq(buf, "Sun, 06 Nov 1994 08:49:37 GMT");
	http_date_format(0, buf, sizeof(buf));
	ck_assert_str_eq(buf, "Thu, 01 Jan 1970 00:00:00 GMT");
	for (i = 0; i < sizeof(ts) / sizeof(ts[0]); i++) {
		http_date_format(ts[i], buf, sizeof(buf));
		ck_assert_uint_eq(strlen(buf), 29);
		ck_assert_int_eq(http_date_parse(buf, &t), 0);
		ck_assert_int_eq(t, ts[i]);
	}
	memset(small, 'x', sizeof(small));
	http_date_format(0, small, sizeof(small));
	ck_assert_str_eq(small, "");
	/* a year with five digits has no IMF-fixdate */
	http_date_format(253402300800, buf, sizeof(buf));
	ck_assert_str_eq(buf, "");
}
END_TEST

struct range_case {
	const char	*s;
	off_t		 size;
	int		 st;
	off_t		 off, len;
};

static const struct range_case range_cases[] = {
	{ "bytes=0-499", 1000, 1, 0, 500 },
	{ "bytes=500-999", 1000, 1, 500, 500 },
	{ "bytes=500-", 1000, 1, 500, 500 },
	{ "bytes=-100", 1000, 1, 900, 100 },
	{ "bytes=-2000", 1000, 1, 0, 1000 },
	{ "bytes=-1000", 1000, 1, 0, 1000 },
	{ "bytes=0-0", 1000, 1, 0, 1 },
	{ "bytes=999-", 1000, 1, 999, 1 },
	{ "bytes=999-999", 1000, 1, 999, 1 },
	{ "bytes=100-5000", 1000, 1, 100, 900 },
	{ "bytes=0-99999999999999999999999", 1000, 1, 0, 1000 },
	{ "bytes=-99999999999999999999999", 1000, 1, 0, 1000 },
	{ "BYTES=0-1", 1000, 1, 0, 2 },
	{ "bytes= 0-1 ", 1000, 1, 0, 2 },
	{ "bytes=1000-", 1000, -416, 0, 0 },
	{ "bytes=1000-2000", 1000, -416, 0, 0 },
	{ "bytes=99999999999999999999-", 1000, -416, 0, 0 },
	{ "bytes=-0", 1000, -416, 0, 0 },
	{ "bytes=0-", 0, -416, 0, 0 },
	{ "bytes=-5", 0, -416, 0, 0 },
	{ "bytes=5-4", 1000, -1, 0, 0 },
	{ "bytes=", 1000, -1, 0, 0 },
	{ "bytes=-", 1000, -1, 0, 0 },
	{ "bytes=abc", 1000, -1, 0, 0 },
	{ "bytes=1-2x", 1000, -1, 0, 0 },
	{ "bytes=1", 1000, -1, 0, 0 },
	{ "bytes=--5", 1000, -1, 0, 0 },
	{ "bytes=+1-2", 1000, -1, 0, 0 },
	{ "bytes", 1000, -1, 0, 0 },
	{ "", 1000, -1, 0, 0 },
	{ "bytes=0-1", -1, -1, 0, 0 },
	{ "bytes=0-1,3-4", 1000, 0, 0, 0 },
	{ "bytes=0-1, junk", 1000, 0, 0, 0 },
	{ "items=0-1", 1000, 0, 0, 0 },
};
#define NRANGE	(sizeof(range_cases) / sizeof(range_cases[0]))

START_TEST(test_http_range_table)
{
	const struct range_case	*c = &range_cases[_i];
	off_t			 off = -7, len = -7;

	ck_assert_msg(http_range_parse(c->s, c->size, &off, &len) == c->st,
	    "range %s", c->s);
	if (c->st == 1) {
		ck_assert_int_eq(off, c->off);
		ck_assert_int_eq(len, c->len);
	}
}
END_TEST

struct etag_case {
	const char	*inm;
	const char	*etag;
	int		 match;
};

static const struct etag_case etag_cases[] = {
	{ "\"abc\"", "\"abc\"", 1 },
	{ "W/\"abc\"", "\"abc\"", 1 },
	{ "\"abc\"", "W/\"abc\"", 1 },
	{ "\"x\", \"abc\"", "\"abc\"", 1 },
	{ "\"x\",W/\"abc\" ,\"y\"", "\"abc\"", 1 },
	{ "\"x\" , \"y\"", "\"abc\"", 0 },
	{ "*", "\"abc\"", 1 },
	{ " * ", "\"abc\"", 1 },
	{ "*, \"abc\"", "\"abc\"", 0 },
	{ "abc", "\"abc\"", 0 },
	{ "\"ab\"", "\"abc\"", 0 },
	{ "\"abcd\"", "\"abc\"", 0 },
	{ "\"ABC\"", "\"abc\"", 0 },
	{ "\"a,b\"", "\"a,b\"", 1 },
	{ "\"abc", "\"abc\"", 0 },
	{ "", "\"abc\"", 0 },
	{ "\"x\" junk, \"abc\"", "\"abc\"", 0 },
	{ "w/\"abc\"", "\"abc\"", 0 },
	{ "\"\"", "\"\"", 1 },
	{ "\"a b\"", "\"a b\"", 0 },
	{ "*", "abc", 0 },
	{ "\"abc\"", "\"abc\"x", 0 },
};
#define NETAG	(sizeof(etag_cases) / sizeof(etag_cases[0]))

START_TEST(test_http_etag_table)
{
	const struct etag_case	*c = &etag_cases[_i];

	ck_assert_msg(http_etag_match(c->inm, c->etag) == c->match,
	    "etag %s vs %s", c->inm, c->etag);
}
END_TEST

START_TEST(test_http_etag_null)
{
	ck_assert_int_eq(http_etag_match(NULL, "\"a\""), 0);
	ck_assert_int_eq(http_etag_match("*", NULL), 0);
	ck_assert_int_eq(http_etag_match_strong(NULL, "\"a\""), 0);
	ck_assert_int_eq(http_etag_match_strong("*", NULL), 0);
}
END_TEST

/* RFC 9112 3.2.2: an absolute-form target's authority, as sent */
static const struct {
	const char	*raw;
	const char	*auth;		/* NULL: none */
} authority_cases[] = {
	{ "GET http://target.example:81/a?q HTTP/1.1\r\nHost: o\r\n\r\n",
	    "target.example:81" },
	{ "GET HTTP://Up.Case/ HTTP/1.1\r\nHost: o\r\n\r\n", "Up.Case" },
	{ "GET https://[::1]:8443?x HTTP/1.1\r\nHost: o\r\n\r\n",
	    "[::1]:8443" },
	{ "GET http://h HTTP/1.1\r\nHost: o\r\n\r\n", "h" },
	{ "GET /a HTTP/1.1\r\nHost: o\r\n\r\n", NULL },
	{ "OPTIONS * HTTP/1.1\r\nHost: o\r\n\r\n", NULL },
	{ "CONNECT h:443 HTTP/1.1\r\nHost: h\r\n\r\n", NULL },
};
#define NAUTH	(sizeof(authority_cases) / sizeof(authority_cases[0]))

START_TEST(test_http_target_authority)
{
	const char	*a;
	size_t		 n = 0;
	int		 rc;

	http_request_reset(&req_a);
	rc = http_parse_request(&req_a, authority_cases[_i].raw,
	    strlen(authority_cases[_i].raw));
	ck_assert_int_gt(rc, 0);
	a = http_target_authority(&req_a, &n);
	if (authority_cases[_i].auth == NULL)
		ck_assert_ptr_null(a);
	else {
		ck_assert_ptr_nonnull(a);
		ck_assert_uint_eq(n, strlen(authority_cases[_i].auth));
		ck_assert_int_eq(memcmp(a, authority_cases[_i].auth, n), 0);
	}
}
END_TEST

/* If-Match: strong comparison (RFC 9110 13.1.2's table, and lists) */
static const struct etag_case etag_strong_cases[] = {
	{ "\"1\"", "\"1\"", 1 },
	{ "W/\"1\"", "\"1\"", 0 },
	{ "\"1\"", "W/\"1\"", 0 },
	{ "W/\"1\"", "W/\"1\"", 0 },
	{ "W/\"1\"", "W/\"2\"", 0 },
	{ "\"1\"", "\"2\"", 0 },
	{ "W/\"1\", \"1\"", "\"1\"", 1 },
	{ "\"x\", \"1\" , \"y\"", "\"1\"", 1 },
	{ "*", "\"1\"", 1 },
	{ "*", "W/\"1\"", 1 },
	{ "\"1\" junk", "\"1\"", 1 },
	{ "junk, \"1\"", "\"1\"", 0 },
	{ "", "\"1\"", 0 },
};
#define NETAG_STRONG	(sizeof(etag_strong_cases) / \
			    sizeof(etag_strong_cases[0]))

START_TEST(test_http_etag_strong_table)
{
	const struct etag_case	*c = &etag_strong_cases[_i];

	ck_assert_msg(http_etag_match_strong(c->inm, c->etag) == c->match,
	    "strong etag %s vs %s", c->inm, c->etag);
}
END_TEST

static const struct {
	const char	*in;
	const char	*out;
} escape_cases[] = {
	{ "", "" },
	{ "abc", "abc" },
	{ "<script>", "&lt;script&gt;" },
	{ "a&b", "a&amp;b" },
	{ "\"'", "&quot;&#39;" },
	{ "&amp;", "&amp;amp;" },
	{ "caf\xc3\xa9", "caf\xc3\xa9" },
	{ "<a href='x'>", "&lt;a href=&#39;x&#39;&gt;" },
};
#define NESCAPE	(sizeof(escape_cases) / sizeof(escape_cases[0]))

START_TEST(test_http_escape_table)
{
	char	dst[64];
	size_t	n = strlen(escape_cases[_i].out);

	ck_assert_int_eq(http_html_escape(dst, sizeof(dst),
	    escape_cases[_i].in), (int)n);
	ck_assert_str_eq(dst, escape_cases[_i].out);
	/* exactly enough room, then one byte short */
	ck_assert_int_eq(http_html_escape(dst, n + 1, escape_cases[_i].in),
	    (int)n);
	if (n > 0) {
		ck_assert_int_eq(http_html_escape(dst, n,
		    escape_cases[_i].in), -1);
		ck_assert_str_eq(dst, "");
	}
	ck_assert_int_eq(http_html_escape(dst, 0, escape_cases[_i].in), -1);
}
END_TEST

static const struct {
	int		 status;
	const char	*text;
} reason_cases[] = {
	{ 100, "Continue" }, { 101, "Switching Protocols" }, { 200, "OK" },
	{ 201, "Created" }, { 202, "Accepted" }, { 204, "No Content" },
	{ 206, "Partial Content" }, { 301, "Moved Permanently" },
	{ 302, "Found" }, { 303, "See Other" }, { 304, "Not Modified" },
	{ 307, "Temporary Redirect" }, { 308, "Permanent Redirect" },
	{ 400, "Bad Request" }, { 401, "Unauthorized" },
	{ 403, "Forbidden" }, { 404, "Not Found" },
	{ 405, "Method Not Allowed" }, { 406, "Not Acceptable" },
	{ 408, "Request Timeout" }, { 409, "Conflict" }, { 410, "Gone" },
	{ 411, "Length Required" }, { 412, "Precondition Failed" },
	{ 413, "Content Too Large" }, { 414, "URI Too Long" },
	{ 415, "Unsupported Media Type" }, { 416, "Range Not Satisfiable" },
	{ 417, "Expectation Failed" }, { 421, "Misdirected Request" },
	{ 422, "Unprocessable Content" }, { 426, "Upgrade Required" },
	{ 428, "Precondition Required" }, { 429, "Too Many Requests" },
	{ 431, "Request Header Fields Too Large" },
	{ 500, "Internal Server Error" }, { 501, "Not Implemented" },
	{ 502, "Bad Gateway" }, { 503, "Service Unavailable" },
	{ 504, "Gateway Timeout" }, { 505, "HTTP Version Not Supported" },
	{ 0, "Unknown" }, { 299, "Unknown" }, { -400, "Unknown" },
	{ 999, "Unknown" },
};
#define NREASON	(sizeof(reason_cases) / sizeof(reason_cases[0]))

START_TEST(test_http_reason_table)
{
	ck_assert_str_eq(http_reason(reason_cases[_i].status),
	    reason_cases[_i].text);
}
END_TEST

static const struct {
	const char	*s;
	int		 ok;
} token_cases[] = {
	{ "GET", 1 }, { "x-y_z.~!#$%&'*+^`|09", 1 }, { "", 0 },
	{ "a b", 0 }, { "a:b", 0 }, { "a\"b", 0 }, { "(x)", 0 },
	{ "caf\xc3\xa9", 0 }, { "a,b", 0 }, { "{}", 0 }, { "a\tb", 0 },
	{ "a/b", 0 }, { "a=b", 0 }, { "a\x7f", 0 },
};
#define NTOKEN	(sizeof(token_cases) / sizeof(token_cases[0]))

START_TEST(test_http_token_table)
{
	const char	*s = token_cases[_i].s;

	ck_assert_int_eq(http_is_token(s, strlen(s)), token_cases[_i].ok);
}
END_TEST

START_TEST(test_http_token_len)
{
	/* the length, not the NUL, bounds the token */
	ck_assert_int_eq(http_is_token("ab cd", 2), 1);
	ck_assert_int_eq(http_is_token("ab\0cd", 5), 0);
	ck_assert_int_eq(http_is_token(NULL, 3), 0);
}
END_TEST

static Suite *
http_suite(void)
{
	Suite	*s = suite_create("http");
	TCase	*tc;

	tc = tcase_create("request");
	tcase_add_loop_test(tc, test_http_request_table, 0, NREQ);
	tcase_add_loop_test(tc, test_http_request_bytewise, 0, NREQ);
	tcase_add_loop_test(tc, test_http_request_split, 0, NREQ);
	tcase_add_test(tc, test_http_pipelined);
	tcase_add_loop_test(tc, test_http_limits, 0,
	    sizeof(limit_cases) / sizeof(limit_cases[0]));
	tcase_add_test(tc, test_http_host_too_long);
	tcase_add_test(tc, test_http_field_access);
	tcase_add_test(tc, test_http_reset_dirty);
	tcase_add_test(tc, test_http_reset_pages);
	suite_add_tcase(s, tc);
	tc = tcase_create("path");
	tcase_add_loop_test(tc, test_http_path_table, 0, NPATH);
	tcase_add_test(tc, test_http_path_outsz);
	suite_add_tcase(s, tc);
	tc = tcase_create("chunked");
	tcase_add_loop_test(tc, test_http_chunked_table, 0, NCHUNK);
	tcase_add_loop_test(tc, test_http_chunked_split, 0, NCHUNK);
	tcase_add_test(tc, test_http_chunked_long_lines);
	suite_add_tcase(s, tc);
	tc = tcase_create("helpers");
	tcase_add_loop_test(tc, test_http_date_parse_table, 0, NDATE);
	tcase_add_test(tc, test_http_date_format);
	tcase_add_loop_test(tc, test_http_range_table, 0, NRANGE);
	tcase_add_loop_test(tc, test_http_etag_table, 0, NETAG);
	tcase_add_test(tc, test_http_etag_null);
	tcase_add_loop_test(tc, test_http_etag_strong_table, 0, NETAG_STRONG);
	tcase_add_loop_test(tc, test_http_target_authority, 0, NAUTH);
	tcase_add_loop_test(tc, test_http_escape_table, 0, NESCAPE);
	tcase_add_loop_test(tc, test_http_reason_table, 0, NREASON);
	tcase_add_loop_test(tc, test_http_token_table, 0, NTOKEN);
	tcase_add_test(tc, test_http_token_len);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner	*sr = srunner_create(http_suite());
	int	 nfail;

	srunner_run_all(sr, CK_NORMAL);
	nfail = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nfail == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
