/* SPDX-License-Identifier: ISC */
/*
 * check_cgi_resp.c: unit tests for cgi_resp.c, the script response
 * parser and nph- heads.  Pure: no sockets, no processes, table-driven.
 * Builds against daemon/cgi_resp.c alone.
 */

#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgi_resp.h"

#define nitems(a)	(sizeof(a) / sizeof((a)[0]))

/* big: static, and CK_FORK gives each test a fresh copy */
static struct cgi_response	cr;

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
cgi_resp_suite(void)
{
	Suite	*s = suite_create("cgi_resp");
	TCase	*tc;

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

	sr = srunner_create(cgi_resp_suite());
	srunner_run_all(sr, CK_NORMAL);
	nfail = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nfail == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
