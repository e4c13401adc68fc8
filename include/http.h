/* SPDX-License-Identifier: ISC */
/*
 * http.h: the HTTP/1.1 request parser and response helpers (RFC 9110/9112).
 * http.c, http_chunked.c and http_values.c are pure: bytes in, struct out,
 * no I/O, no allocation.
 * Runs in the front, on hostile bytes.
 */
#ifndef CGIJAIL_HTTP_H
#define CGIJAIL_HTTP_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#define HTTP_TARGET_MAX		8192	/* longer request-target: 414 */
#define HTTP_HEAD_MAX		8192	/* longer header block: 431 */
#define HTTP_FIELDS_MAX		100	/* more fields: 431 */
#define HTTP_HOST_MAX		255
#define HTTP_LEAD_MAX		256	/* bytes before the request line: 400 */
#define HTTP_METHOD_MAX		31	/* longer method token: 501 */
#define HTTP_CHUNK_LINE_MAX	4096	/* chunk-size or trailer line: 400 */
/*
 * A complete head is shorter than this; once len >= HTTP_REQ_MAX the parser
 * has returned non-zero, so a front buffer of this size never stalls.
 */
#define HTTP_REQ_MAX	(HTTP_LEAD_MAX + HTTP_METHOD_MAX + 1 + \
			    HTTP_TARGET_MAX + 1 + 8 + 2 + HTTP_HEAD_MAX)

enum http_method {
	HTTP_M_UNKNOWN = 0,	/* a valid token we do not implement: 501 */
	HTTP_M_GET,
	HTTP_M_HEAD,
	HTTP_M_POST,
	HTTP_M_PUT,
	HTTP_M_DELETE,
	HTTP_M_OPTIONS,
	HTTP_M_PATCH,
	HTTP_M_TRACE,
	HTTP_M_CONNECT
};

struct http_field {
	uint16_t	hf_name;	/* offset in hr_hbuf, NUL-terminated */
	uint16_t	hf_value;	/* offset, NUL-terminated, trimmed */
};

/* http_request_reset() clears the scalars by this order: keep it */
struct http_request {
	enum http_method	hr_method;
	char			hr_method_str[32];
	int			hr_minor;	/* 0 or 1 (HTTP/1.x) */
	/* raw target; decoded, normalised path; raw query without '?';
	 * host lowercased, without port, IPv6 in brackets */
	char			hr_target[HTTP_TARGET_MAX + 1];
	char			hr_path[HTTP_TARGET_MAX + 1];
	char			hr_query[HTTP_TARGET_MAX + 1];
	char			hr_host[HTTP_HOST_MAX + 1];	/* no port */
	int			hr_keepalive;	/* Connection + version */
	int			hr_chunked;	/* Transfer-Encoding: chunked */
	int64_t			hr_content_length;	/* -1 = absent */
	int			hr_expect_continue;
	struct http_field	hr_fields[HTTP_FIELDS_MAX];
	size_t			hr_nfields;
	char			hr_hbuf[HTTP_HEAD_MAX + 1];
	size_t			hr_hbuf_len;
	size_t			hr_scan;	/* parser's resume point */
	/* the rest is the parser's private state */
	int			hr_pstate;
	int			hr_result;	/* sticky verdict */
	int			hr_cr;		/* last byte was CR */
	int			hr_nsp;		/* SPs in request line */
	size_t			hr_partlen;	/* its current part */
	size_t			hr_line;	/* current line start */
	size_t			hr_tgt;		/* target offset */
	size_t			hr_ver;		/* version offset */
	size_t			hr_head;	/* first field offset */
};

/*
 * Parse a request head from buf[0..len).  Call again with more bytes (the
 * same buf prefix plus new data) while it returns 0; hr_scan lets it resume
 * without rescanning.  Leading empty lines are skipped (RFC 9112 2.2).
 * Returns 0 = need more, >0 = head complete and that many bytes consumed,
 * <0 = -STATUS to answer (400, 414, 417, 431, 501, 505) and then close.
 * Call http_request_reset() before the first call for each request.
 * The verdict is sticky: calling again returns it.  A request with a
 * method longer than HTTP_METHOD_MAX is -501; a valid unknown method is
 * HTTP_M_UNKNOWN with a positive return (the front answers 501).
 * Decisions: Content-Length twice is 400 even if equal; Transfer-Encoding
 * must be exactly "chunked" (a coding list ending in chunked is 501,
 * anything else 400, any TE in HTTP/1.0 is 400); Expect other than
 * 100-continue is 417 (ignored in HTTP/1.0).  hr_host keeps IPv6 brackets.
 * "OPTIONS *" gives hr_path "*", CONNECT host:port gives hr_path "".
 * The target must be visible ASCII without '#'; a Host must be an IPv6
 * literal or a name of [A-Za-z0-9._~-] (no escapes, no sub-delims).
 */
void	http_request_reset(struct http_request *);
int	http_parse_request(struct http_request *, const char *buf, size_t len);

/* first field with that name (case-insensitive), or NULL */
const char *http_field_get(const struct http_request *, const char *name);
/* an absolute-form target's authority as sent (*len bytes), else NULL */
const char *http_target_authority(const struct http_request *, size_t *len);
/* field name/value by index */
const char *http_field_name(const struct http_request *, size_t);
const char *http_field_value(const struct http_request *, size_t);

/*
 * Percent-decode (once) and normalise an origin-form path: '.' and '..'
 * segments resolved, '//' collapsed.  Rejects %2F, %00, bad escapes and
 * '..' above the root.  out is NUL-terminated. 0 or -400.
 * Also rejected: raw bytes < 0x21 or 0x7f, decoded bytes < 0x20 or 0x7f,
 * a raw path not starting with '/', a result not fitting outsz (segments
 * are decoded in place: outsz > len always suffices).  A final empty, '.'
 * or '..' segment leaves a trailing '/'.
 */
int	http_path_normalize(const char *raw, size_t len, char *out,
	    size_t outsz);

/* incremental chunked body decoder (RFC 9112 7.1) */
struct http_chunked {
	int		hc_state;
	uint64_t	hc_left;	/* bytes left in this chunk */
	uint64_t	hc_total;	/* decoded so far */
	size_t		hc_linelen;	/* size/trailer line length guard */
	int		hc_digits;	/* hex digits of the size */
	int		hc_error;	/* sticky -400 or -413 */
	size_t		hc_trailer;	/* trailer bytes with CRLFs */
};
void	http_chunked_init(struct http_chunked *);
/*
 * Decode from in[0..inlen) into out (at most *outlen bytes; set to bytes
 * written).  *consumed = input bytes used.  Returns 0 = need more input (or
 * output room), 1 = body complete (trailers consumed), -400 = bad framing,
 * -413 when the decoded total would exceed max_total.
 */
int	http_chunked_decode(struct http_chunked *, const char *in, size_t inlen,
	    size_t *consumed, char *out, size_t *outlen, uint64_t max_total);

const char *http_reason(int status);
/* IMF-fixdate into buf[30]; "" if bufsz < 30 or the year has not 4 digits */
void	http_date_format(time_t, char *buf, size_t bufsz);
/* IMF-fixdate, RFC 850 (yy < 70 is 20yy) and asctime forms; 0 or -1 */
int	http_date_parse(const char *, time_t *);
/*
 * One "bytes=" range against a size.  Returns 1 (satisfiable: *off,*len),
 * 0 (ignore the header: multiple ranges or not bytes), -416 unsatisfiable,
 * -1 malformed (ignore, per RFC 9110 14.2).  Any range of an empty file
 * is -416; a last-pos past the end is clamped.
 */
int	http_range_parse(const char *, off_t size, off_t *off, off_t *len);
/* true if the If-None-Match list matches etag (weak comparison) */
int	http_etag_match(const char *inm, const char *etag);
/* true if the If-Match list matches etag (strong: no W/ on either side) */
int	http_etag_match_strong(const char *im, const char *etag);
/* "token" check: tchar+ (RFC 9110 5.6.2) */
int	http_is_token(const char *, size_t);
/* HTML-escape into dst; returns bytes written or -1 if too small */
int	http_html_escape(char *dst, size_t dstsz, const char *src);

#endif
