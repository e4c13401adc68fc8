/* SPDX-License-Identifier: ISC */
/*
 * http.c: HTTP/1.1 request head parser and path normaliser (the chunked
 * body decoder is in http_chunked.c, the small RFC 9110 value helpers in
 * http_values.c).  Pure code: no I/O, no allocation.  Runs in the front;
 * every byte is hostile.
 */

#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "http.h"
#include "http_priv.h"

_Static_assert(HTTP_HEAD_MAX < UINT16_MAX, "field offsets are uint16_t");
_Static_assert(HTTP_REQ_MAX < INT32_MAX, "consumed count fits an int");

enum http_pstate {
	HP_LEAD = 0,		/* skipping empty lines */
	HP_LINE,		/* in the request line */
	HP_FIELDS,		/* in the field lines */
	HP_DONE			/* hr_result holds the verdict */
};

static const struct {
	const char		*name;
	enum http_method	 method;
} http_methods[] = {
	{ "GET", HTTP_M_GET },		{ "HEAD", HTTP_M_HEAD },
	{ "POST", HTTP_M_POST },	{ "PUT", HTTP_M_PUT },
	{ "DELETE", HTTP_M_DELETE },	{ "OPTIONS", HTTP_M_OPTIONS },
	{ "PATCH", HTTP_M_PATCH },	{ "TRACE", HTTP_M_TRACE },
	{ "CONNECT", HTTP_M_CONNECT }
};

int
http_is_token(const char *s, size_t n)
{
	size_t	i;

	if (s == NULL || n == 0)
		return 0;
	for (i = 0; i < n; i++)
		if (!http_is_tchar((unsigned char)s[i]))
			return 0;
	return 1;
}

/*
 * The scalars and each string's first byte, not the strings' 33 KiB: a
 * request's pages are written as it fills them, so an idle or half-sent
 * head costs the front a few.  Every string is read up to its NUL, the
 * fields and hr_hbuf up to hr_nfields and hr_hbuf_len: nothing of a
 * request before is readable after a reset.
 */
void
http_request_reset(struct http_request *req)
{
	memset(req, 0, offsetof(struct http_request, hr_target) + 1);
	req->hr_path[0] = '\0';
	req->hr_query[0] = '\0';
	memset(req->hr_host, 0, offsetof(struct http_request, hr_fields) -
	    offsetof(struct http_request, hr_host));
	req->hr_nfields = 0;
	req->hr_hbuf[0] = '\0';
	memset(&req->hr_hbuf_len, 0, sizeof(*req) -
	    offsetof(struct http_request, hr_hbuf_len));
	req->hr_pstate = HP_LEAD;
	req->hr_content_length = -1;
}

static int
http_port_ok(const char *p, size_t n, int need_port)
{
	size_t	i;
	long	port = 0;

	if (n == 0 || n == 1)
		return (need_port || (n == 1 && p[0] != ':')) ? -1 : 0;
	if (p[0] != ':' || n > 6)
		return -1;
	for (i = 1; i < n; i++) {
		if (!http_is_digit(p[i]))
			return -1;
		port = port * 10 + (p[i] - '0');
	}
	return port > 65535 ? -1 : 0;
}

/*
 * uri-host [":" port] into out, lowercased, port dropped.  Of RFC 3986
 * reg-name we take only unreserved characters (DNS names and IPv4): no
 * client sends sub-delims or escapes in a host, and the name ends up in
 * CGI variables and logs.  IP literals must be IPv6, without zone.
 */
static int
http_host_parse(const char *s, size_t n, int need_port, char *out,
    size_t outsz)
{
	char		 ip6[INET6_ADDRSTRLEN];
	struct in6_addr	 a;
	const char	*rb;
	size_t		 hlen, i;

	if (n > 0 && s[0] == '[') {
		if ((rb = memchr(s, ']', n)) == NULL)
			return -1;
		hlen = rb - s + 1;
		if (hlen - 2 >= sizeof(ip6))
			return -1;
		memcpy(ip6, s + 1, hlen - 2);
		ip6[hlen - 2] = '\0';
		if (inet_pton(AF_INET6, ip6, &a) != 1)
			return -1;
	} else {
		for (hlen = 0; hlen < n && s[hlen] != ':'; hlen++)
			if (!http_is_alpha(s[hlen]) &&
			    !http_is_digit(s[hlen]) &&
			    (s[hlen] == '\0' || !strchr("-._~", s[hlen])))
				return -1;
		if (hlen == 0 && n > 0)
			return -1;
	}
	if (http_port_ok(s + hlen, n - hlen, need_port) != 0 || hlen >= outsz)
		return -1;
	for (i = 0; i < hlen; i++)
		out[i] = (s[i] >= 'A' && s[i] <= 'Z') ? s[i] + 32 : s[i];
	out[hlen] = '\0';
	return 0;
}

static int
http_version(const char *v, size_t n, int *minor)
{
	if (n != 8 || memcmp(v, "HTTP/", 5) != 0 || !http_is_digit(v[5]) ||
	    v[6] != '.' || !http_is_digit(v[7]))
		return -400;
	if (v[5] != '1' || (v[7] != '0' && v[7] != '1'))
		return -505;
	*minor = v[7] - '0';
	return 0;
}

/* p[0..n) is a path and maybe "?query"; the target chars are checked */
static int
http_origin_form(struct http_request *req, const char *p, size_t n)
{
	const char	*q;
	size_t		 plen;

	q = memchr(p, '?', n);
	plen = q != NULL ? (size_t)(q - p) : n;
	if (q != NULL) {
		memcpy(req->hr_query, q + 1, n - plen - 1);
		req->hr_query[n - plen - 1] = '\0';
	}
	if (plen == 0) {
		p = "/";
		plen = 1;
	}
	if (http_path_normalize(p, plen, req->hr_path,
	    sizeof(req->hr_path)) != 0)
		return -400;
	return 0;
}

/* RFC 9112 3.2.2: the target's authority replaces the Host field */
static int
http_absolute_form(struct http_request *req, const char *t, size_t n)
{
	size_t	off, alen;

	if (n >= 7 && strncasecmp(t, "http://", 7) == 0)
		off = 7;
	else if (n >= 8 && strncasecmp(t, "https://", 8) == 0)
		off = 8;
	else
		return -400;
	for (alen = 0; off + alen < n; alen++)
		if (t[off + alen] == '/' || t[off + alen] == '?')
			break;
	/* an empty host is invalid for http (RFC 9110 4.2.1); no userinfo */
	if (alen == 0 || memchr(t + off, '@', alen) != NULL)
		return -400;
	if (http_host_parse(t + off, alen, 0, req->hr_host,
	    sizeof(req->hr_host)) != 0)
		return -400;
	return http_origin_form(req, t + off + alen, n - off - alen);
}

static int
http_target_parse(struct http_request *req, size_t n)
{
	const char	*t = req->hr_target;

	if (t[0] == '/') {
		if (req->hr_method == HTTP_M_CONNECT)
			return -400;
		return http_origin_form(req, t, n);
	}
	if (req->hr_method == HTTP_M_CONNECT) {
		if (http_host_parse(t, n, 1, req->hr_host,
		    sizeof(req->hr_host)) != 0 || req->hr_host[0] == '\0')
			return -400;
		return 0;
	}
	if (n == 1 && t[0] == '*') {
		if (req->hr_method != HTTP_M_OPTIONS)
			return -400;
		strlcpy(req->hr_path, "*", sizeof(req->hr_path));
		return 0;
	}
	return http_absolute_form(req, t, n);
}

/*
 * An absolute-form target's authority (host and port as sent, which
 * http_absolute_form() checked), for what replaces the Host field (RFC
 * 9112 3.2.2); NULL for every other form.
 */
const char *
http_target_authority(const struct http_request *req, size_t *len)
{
	const char	*t = req->hr_target;
	size_t		 off;

	if (t[0] == '/' || t[0] == '*' || req->hr_method == HTTP_M_CONNECT)
		return NULL;
	if (strncasecmp(t, "http://", 7) == 0)
		off = 7;
	else if (strncasecmp(t, "https://", 8) == 0)
		off = 8;
	else
		return NULL;
	*len = strcspn(t + off, "/?");
	return *len > 0 ? t + off : NULL;
}

/* The scanner has checked the bytes of each part; check the shape. */
static int
http_reqline_end(struct http_request *req, const char *buf, size_t start,
    size_t end)
{
	size_t	mlen, tlen, i;
	int	rc;

	if (req->hr_nsp != 2)
		return -400;
	mlen = req->hr_tgt - 1 - start;
	tlen = req->hr_ver - 1 - req->hr_tgt;
	if ((rc = http_version(buf + req->hr_ver, end - req->hr_ver,
	    &req->hr_minor)) != 0)
		return rc;
	memcpy(req->hr_method_str, buf + start, mlen);
	req->hr_method_str[mlen] = '\0';
	req->hr_method = HTTP_M_UNKNOWN;
	for (i = 0; i < sizeof(http_methods) / sizeof(http_methods[0]); i++)
		if (strcmp(req->hr_method_str, http_methods[i].name) == 0)
			req->hr_method = http_methods[i].method;
	memcpy(req->hr_target, buf + req->hr_tgt, tlen);
	req->hr_target[tlen] = '\0';
	return http_target_parse(req, tlen);
}

/* One request-line byte other than CR and LF; single SP separators. */
static int
http_reqline_byte(struct http_request *req, unsigned char c, size_t i)
{
	if (c == ' ') {
		if (req->hr_partlen == 0 || req->hr_nsp == 2)
			return -400;
		if (++req->hr_nsp == 1)
			req->hr_tgt = i + 1;
		else
			req->hr_ver = i + 1;
		req->hr_partlen = 0;
		return 0;
	}
	req->hr_partlen++;
	switch (req->hr_nsp) {
	case 0:
		if (!http_is_tchar(c))
			return -400;
		return req->hr_partlen > HTTP_METHOD_MAX ? -501 : 0;
	case 1:
		/* visible ASCII; '#' starts a fragment, never sent */
		if (c < 0x21 || c >= 0x7f || c == '#')
			return -400;
		return req->hr_partlen > HTTP_TARGET_MAX ? -414 : 0;
	default:
		return req->hr_partlen > 8 ? -400 : 0;
	}
}

static int
http_field_store(struct http_request *req, const char *name, size_t nlen,
    const char *val, size_t vlen)
{
	char	*h = req->hr_hbuf;
	size_t	 at = req->hr_hbuf_len;

	if (req->hr_nfields >= HTTP_FIELDS_MAX)
		return -431;
	if (nlen + vlen + 2 > sizeof(req->hr_hbuf) - at)
		return -431;
	memcpy(h + at, name, nlen);
	h[at + nlen] = '\0';
	memcpy(h + at + nlen + 1, val, vlen);
	h[at + nlen + 1 + vlen] = '\0';
	req->hr_fields[req->hr_nfields].hf_name = (uint16_t)at;
	req->hr_fields[req->hr_nfields].hf_value = (uint16_t)(at + nlen + 1);
	req->hr_nfields++;
	req->hr_hbuf_len = at + nlen + vlen + 2;
	return 0;
}

static int
http_field_line(struct http_request *req, const char *line, size_t n)
{
	const char	*colon, *v;
	size_t		 nlen, vlen, i;

	/* obs-fold, or whitespace before the first field (RFC 9112 2.2) */
	if (line[0] == ' ' || line[0] == '\t')
		return -400;
	if ((colon = memchr(line, ':', n)) == NULL)
		return -400;
	nlen = colon - line;
	if (!http_is_token(line, nlen))
		return -400;
	v = colon + 1;
	vlen = n - nlen - 1;
	while (vlen > 0 && (v[0] == ' ' || v[0] == '\t')) {
		v++;
		vlen--;
	}
	while (vlen > 0 && (v[vlen - 1] == ' ' || v[vlen - 1] == '\t'))
		vlen--;
	for (i = 0; i < vlen; i++)
		if (!http_is_vbyte((unsigned char)v[i]))
			return -400;
	return http_field_store(req, line, nlen, v, vlen);
}

/*
 * Next element of a comma list (RFC 9110 5.6.1), OWS trimmed; empty
 * elements are skipped.  Returns 0 at the end of the list.
 */
static int
http_list_next(const char **sp, const char **elem, size_t *elen)
{
	const char	*s = *sp + strspn(*sp, " \t,");
	size_t		 n;

	if (*s == '\0')
		return 0;
	n = strcspn(s, ",");
	*sp = s + n;
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	*elem = s;
	*elen = n;
	return 1;
}

static int
http_elem_is(const char *e, size_t n, const char *word)
{
	return n == strlen(word) && strncasecmp(e, word, n) == 0;
}

/* "chunked" alone is accepted; a list ending in it names a coding we lack */
static int
http_te_parse(struct http_request *req, const char *v)
{
	const char	*e;
	size_t		 n;
	int		 count = 0, nchunked = 0, last = 0;

	if (strcasecmp(v, "chunked") == 0) {
		req->hr_chunked = 1;
		return 0;
	}
	while (http_list_next(&v, &e, &n)) {
		if (!http_is_token(e, n))
			return -400;
		last = http_elem_is(e, n, "chunked");
		nchunked += last;
		count++;
	}
	return (count > 1 && last && nchunked == 1) ? -501 : -400;
}

static int
http_cl_parse(struct http_request *req, const char *v)
{
	int64_t	n = 0;

	if (*v == '\0')
		return -400;
	for (; *v != '\0'; v++) {
		if (!http_is_digit(*v) || n > (INT64_MAX - (*v - '0')) / 10)
			return -400;
		n = n * 10 + (*v - '0');
	}
	req->hr_content_length = n;
	return 0;
}

/* count fields called name; *last = the value of the last one */
static size_t
http_field_count(const struct http_request *req, const char *name,
    const char **last)
{
	size_t	i, n = 0;

	for (i = 0; i < req->hr_nfields; i++) {
		if (strcasecmp(http_field_name(req, i), name) == 0) {
			*last = http_field_value(req, i);
			n++;
		}
	}
	return n;
}

/* Duplicates are 400 even when equal: one rule, no smuggling by repetition */
static int
http_framing(struct http_request *req)
{
	const char	*cl = NULL, *te = NULL;
	size_t		 ncl, nte;

	ncl = http_field_count(req, "content-length", &cl);
	nte = http_field_count(req, "transfer-encoding", &te);
	if (ncl > 1 || nte > 1 || (ncl > 0 && nte > 0))
		return -400;
	if (nte > 0)
		return req->hr_minor == 0 ? -400 : http_te_parse(req, te);
	if (ncl > 0)
		return http_cl_parse(req, cl);
	return 0;
}

/* RFC 9112 3.2: one valid Host, required in 1.1 even with absolute-form */
static int
http_host_field(struct http_request *req)
{
	const char	*v = NULL;
	char		 host[HTTP_HOST_MAX + 1];
	size_t		 n;

	n = http_field_count(req, "host", &v);
	if (n > 1 || (n == 0 && req->hr_minor == 1))
		return -400;
	if (n == 0)
		return 0;
	if (http_host_parse(v, strlen(v), 0, host, sizeof(host)) != 0)
		return -400;
	if (req->hr_host[0] == '\0')
		strlcpy(req->hr_host, host, sizeof(req->hr_host));
	return 0;
}

static int
http_conn_expect(struct http_request *req)
{
	const char	*v, *e;
	size_t		 i, n;
	int		 closing = 0, keep = 0;

	for (i = 0; i < req->hr_nfields; i++) {
		v = http_field_value(req, i);
		if (strcasecmp(http_field_name(req, i), "connection") == 0) {
			while (http_list_next(&v, &e, &n)) {
				closing |= http_elem_is(e, n, "close");
				keep |= http_elem_is(e, n, "keep-alive");
			}
		} else if (strcasecmp(http_field_name(req, i), "expect") == 0 &&
		    req->hr_minor == 1) {
			/* RFC 9110 10.1.1: HTTP/1.0 expectations are ignored */
			while (http_list_next(&v, &e, &n)) {
				if (!http_elem_is(e, n, "100-continue"))
					return -417;
				req->hr_expect_continue = 1;
			}
		}
	}
	req->hr_keepalive = !closing && (req->hr_minor == 1 || keep);
	return 0;
}

static int
http_head_end(struct http_request *req)
{
	int	rc;

	if ((rc = http_framing(req)) != 0)
		return rc;
	if ((rc = http_host_field(req)) != 0)
		return rc;
	return http_conn_expect(req);
}

static int
http_line_end(struct http_request *req, const char *buf, size_t i)
{
	size_t	start = req->hr_line, end = i - req->hr_cr;
	int	rc;

	req->hr_cr = 0;
	req->hr_line = i + 1;
	switch (req->hr_pstate) {
	case HP_LEAD:
		return 0;
	case HP_LINE:
		req->hr_pstate = HP_FIELDS;
		req->hr_head = i + 1;
		return http_reqline_end(req, buf, start, end);
	default:
		if (end > start)
			return http_field_line(req, buf + start, end - start);
		if ((rc = http_head_end(req)) != 0)
			return rc;
		return (int)(i + 1);
	}
}

/*
 * One byte of the head; limits are enforced here, byte by byte, so an
 * over-long target or header block is refused before its end arrives.
 */
static int
http_scan_byte(struct http_request *req, const char *buf, size_t i)
{
	unsigned char	c = buf[i];

	if (c == '\0')
		return -400;
	if (req->hr_pstate == HP_LEAD && i >= HTTP_LEAD_MAX)
		return -400;
	if (req->hr_pstate == HP_FIELDS && i - req->hr_head >= HTTP_HEAD_MAX)
		return -431;
	if (req->hr_cr && c != '\n')
		return -400;
	if (c == '\r') {
		req->hr_cr = 1;
		return 0;
	}
	if (c == '\n')
		return http_line_end(req, buf, i);
	switch (req->hr_pstate) {
	case HP_LEAD:
		req->hr_pstate = HP_LINE;
		req->hr_line = i;
		/* FALLTHROUGH */
	case HP_LINE:
		return http_reqline_byte(req, c, i);
	default:
		if (i == req->hr_line && req->hr_nfields >= HTTP_FIELDS_MAX)
			return -431;
		return 0;
	}
}

int
http_parse_request(struct http_request *req, const char *buf, size_t len)
{
	size_t	i;
	int	rc;

	if (req->hr_pstate == HP_DONE)
		return req->hr_result;
	for (i = req->hr_scan; i < len; i++) {
		if ((rc = http_scan_byte(req, buf, i)) != 0) {
			req->hr_scan = i + 1;
			req->hr_pstate = HP_DONE;
			req->hr_result = rc;
			return rc;
		}
	}
	if (len > req->hr_scan)
		req->hr_scan = len;
	return 0;
}

const char *
http_field_get(const struct http_request *req, const char *name)
{
	size_t	i;

	for (i = 0; i < req->hr_nfields; i++)
		if (strcasecmp(http_field_name(req, i), name) == 0)
			return http_field_value(req, i);
	return NULL;
}

const char *
http_field_name(const struct http_request *req, size_t i)
{
	if (i >= req->hr_nfields)
		return NULL;
	return req->hr_hbuf + req->hr_fields[i].hf_name;
}

const char *
http_field_value(const struct http_request *req, size_t i)
{
	if (i >= req->hr_nfields)
		return NULL;
	return req->hr_hbuf + req->hr_fields[i].hf_value;
}

/* One path byte at *ip, percent-decoded once; -1 if it must be refused. */
static int
http_path_byte(const char *raw, size_t len, size_t *ip)
{
	size_t		i = *ip;
	unsigned char	c = raw[i];
	int		hi, lo;

	if (c < 0x21 || c == 0x7f)
		return -1;
	if (c != '%') {
		*ip = i + 1;
		return c;
	}
	if (len - i < 3 || (hi = http_hexval((unsigned char)raw[i + 1])) < 0 ||
	    (lo = http_hexval((unsigned char)raw[i + 2])) < 0)
		return -1;
	c = hi << 4 | lo;
	/* an encoded '/' would be a separator the resolver never saw */
	if (c == '/' || c < 0x20 || c == 0x7f)
		return -1;
	*ip = i + 3;
	return c;
}

/*
 * out[0..o) holds "/seg/seg" with no trailing slash; each segment is
 * decoded in place after it, then kept, dropped or used to pop one.
 */
int
http_path_normalize(const char *raw, size_t len, char *out, size_t outsz)
{
	size_t	i = 0, o = 0, e;
	int	c, dir = 0;

	if (outsz > 0)
		out[0] = '\0';
	if (raw == NULL || len == 0 || raw[0] != '/' || outsz < 2)
		return -400;
	while (i < len) {
		i++;
		if (o + 1 >= outsz)
			goto bad;
		out[o] = '/';
		for (e = o + 1; i < len && raw[i] != '/'; out[e++] = c)
			if ((c = http_path_byte(raw, len, &i)) < 0 ||
			    e + 1 >= outsz)
				goto bad;
		dir = e == o + 1 || (out[o + 1] == '.' && (e == o + 2 ||
		    (e == o + 3 && out[o + 2] == '.')));
		if (e == o + 3 && out[o + 1] == '.' && out[o + 2] == '.') {
			if (o == 0)
				goto bad;
			while (out[--o] != '/')
				;
		} else if (!dir)
			o = e;
	}
	if (o == 0 || dir)
		out[o++] = '/';
	out[o] = '\0';
	return 0;
bad:
	out[0] = '\0';
	return -400;
}
