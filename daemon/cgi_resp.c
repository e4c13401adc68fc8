/* SPDX-License-Identifier: ISC */
/*
 * cgi_resp.c: the CGI/1.1 (RFC 3875) response header parser, and the
 * end and status of an nph- script's head, without I/O.  Runs in the
 * front on a script's stdout, which it trusts not at all.
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cgi_priv.h"
#include "cgi_resp.h"

#define CGI_TCHARS		"!#$%&'*+-.^_`|~0123456789" \
				"ABCDEFGHIJKLMNOPQRSTUVWXYZ" \
				"abcdefghijklmnopqrstuvwxyz"

enum cgi_resp_state {
	CGI_RS_HEAD = 0,
	CGI_RS_DONE,
	CGI_RS_MALFORMED
};

/*
 * Response fields the front owns: hop-by-hop fields describe the
 * connection the front frames, Date and Server it writes itself.
 */
static const char *const cgi_resp_dropped[] = {
	"Connection", "Keep-Alive", "Proxy-Connection", "TE", "Trailer",
	"Upgrade", "Date", "Server"
};

/* ---- response: one field ------------------------------------------- */

static int
cgi_is_token(const char *s, size_t len)
{
	size_t	 i;

	if (len == 0)
		return 0;
	for (i = 0; i < len; i++)
		if (s[i] == '\0' || strchr(CGI_TCHARS, s[i]) == NULL)
			return 0;
	return 1;
}

/* s[0..n) are all ASCII digits (s need not be NUL-terminated) */
static int
cgi_all_digits(const char *s, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

/* copy s[0..n) into cr_buf as a C string; its offset in *off */
static int
cgi_resp_store(struct cgi_response *cr, const char *s, size_t n,
    uint32_t *off)
{
	if (n >= sizeof(cr->cr_buf) - cr->cr_buf_len)
		return -1;
	memcpy(cr->cr_buf + cr->cr_buf_len, s, n);
	cr->cr_buf[cr->cr_buf_len + n] = '\0';
	*off = (uint32_t)cr->cr_buf_len;
	cr->cr_buf_len += n + 1;
	return 0;
}

static int
cgi_resp_forward(struct cgi_response *cr, const char *name, size_t nlen,
    const char *value, size_t vlen, const char **why)
{
	struct cgi_field	*f;

	if (cr->cr_nfields >= CGI_RESP_FIELDS_MAX) {
		*why = "too many header fields";
		return -1;
	}
	f = &cr->cr_fields[cr->cr_nfields];
	if (cgi_resp_store(cr, name, nlen, &f->cf_name) == -1 ||
	    cgi_resp_store(cr, value, vlen, &f->cf_value) == -1) {
		*why = "header block too large";
		return -1;
	}
	cr->cr_nfields++;
	return 0;
}

/* "NNN" or "NNN reason", NNN in 200-599: a 1xx would be read as interim */
static int
cgi_resp_status(struct cgi_response *cr, const char *v, size_t len,
    const char **why)
{
	size_t	 i;

	if (cr->cr_has_status) {
		*why = "duplicate Status";
		return -1;
	}
	if (len < 3 || (len > 3 && v[3] != ' ') || !cgi_all_digits(v, 3)) {
		*why = "bad Status";
		return -1;
	}
	cr->cr_status = (v[0] - '0') * 100 + (v[1] - '0') * 10 + (v[2] - '0');
	if (cr->cr_status < 200 || cr->cr_status > 599) {
		*why = "Status out of range";
		return -1;
	}
	if (len > 3 && len - 4 >= sizeof(cr->cr_reason)) {
		*why = "Status reason too long";
		return -1;
	}
	for (i = 4; i < len; i++) {
		if ((unsigned char)v[i] < 0x20 || (unsigned char)v[i] > 0x7e) {
			*why = "bad Status reason";
			return -1;
		}
	}
	if (len > 3) {
		memcpy(cr->cr_reason, v + 4, len - 4);
		cr->cr_reason[len - 4] = '\0';
	}
	cr->cr_has_status = 1;
	return 0;
}

/* into *clen, which is -1 until a first Content-Length */
static int
cgi_resp_clen(int64_t *clen, const char *v, size_t len, const char **why)
{
	char		 num[20];
	const char	*errstr;

	if (*clen != -1) {
		*why = "duplicate Content-Length";
		return -1;
	}
	/* strtonum() alone would take a sign and leading blanks */
	if (len == 0 || !cgi_all_digits(v, len)) {
		*why = "bad Content-Length";
		return -1;
	}
	for (; len > 1 && *v == '0'; v++, len--)
		continue;
	if (len >= sizeof(num)) {
		*why = "Content-Length too large";
		return -1;
	}
	memcpy(num, v, len);
	num[len] = '\0';
	*clen = strtonum(num, 0, INT64_MAX, &errstr);
	if (errstr != NULL) {
		*clen = -1;
		*why = "Content-Length too large";
		return -1;
	}
	return 0;
}

static int
cgi_resp_location(struct cgi_response *cr, const char *v, size_t len,
    const char **why)
{
	uint32_t	 off;

	if (cr->cr_location != NULL) {
		*why = "duplicate Location";
		return -1;
	}
	/* a URI never holds blanks; it keeps a local redirect unambiguous */
	if (len == 0 || memchr(v, ' ', len) != NULL ||
	    memchr(v, '\t', len) != NULL) {
		*why = "bad Location";
		return -1;
	}
	if (cgi_resp_store(cr, v, len, &off) == -1) {
		*why = "header block too large";
		return -1;
	}
	cr->cr_location = cr->cr_buf + off;
	return 0;
}

static int
cgi_resp_field(struct cgi_response *cr, const char *name, size_t nlen,
    const char *v, size_t vlen, const char **why)
{
	if (cgi_name_is(name, nlen, "Status"))
		return cgi_resp_status(cr, v, vlen, why);
	if (cgi_name_is(name, nlen, "Location"))
		return cgi_resp_location(cr, v, vlen, why);
	if (cgi_name_is(name, nlen, "Content-Length"))
		return cgi_resp_clen(&cr->cr_content_length, v, vlen, why);
	if (cgi_name_is(name, nlen, "Transfer-Encoding")) {
		/* a script that frames its own body would be framed twice */
		*why = "Transfer-Encoding from a script";
		return -1;
	}
	if (cgi_name_is(name, nlen, "Content-Type")) {
		if (cr->cr_has_ctype) {
			*why = "duplicate Content-Type";
			return -1;
		}
		if (vlen == 0) {
			*why = "empty Content-Type";
			return -1;
		}
		cr->cr_has_ctype = 1;
	} else if (cgi_name_in(name, nlen, cgi_resp_dropped,
	    nitems(cgi_resp_dropped)))
		return 0;
	return cgi_resp_forward(cr, name, nlen, v, vlen, why);
}

/*
 * A field line p[0..len), neither empty nor holding its line end: the
 * name is p[0..*nlen), the value, trimmed, *v[0..*vlen).  0 or -1.
 */
static int
cgi_split_field(const char *p, size_t len, size_t *nlen, const char **v,
    size_t *vlen, const char **why)
{
	const char	*colon;
	size_t		 i;

	if (p[0] == ' ' || p[0] == '\t') {
		*why = "obs-fold in header block";
		return -1;
	}
	if ((colon = memchr(p, ':', len)) == NULL) {
		*why = "header line without ':'";
		return -1;
	}
	*nlen = colon - p;
	if (!cgi_is_token(p, *nlen)) {
		*why = "bad header field name";
		return -1;
	}
	*v = colon + 1;
	*vlen = len - *nlen - 1;
	for (; *vlen > 0 && (**v == ' ' || **v == '\t'); (*v)++, (*vlen)--)
		continue;
	for (; *vlen > 0 && ((*v)[*vlen - 1] == ' ' ||
	    (*v)[*vlen - 1] == '\t'); (*vlen)--)
		continue;
	for (i = 0; i < *vlen; i++) {
		if (((unsigned char)(*v)[i] < 0x20 && (*v)[i] != '\t') ||
		    (*v)[i] == 0x7f) {
			*why = "control character in header value";
			return -1;
		}
	}
	return 0;
}

/*
 * One line p[0..len) without its LF (no NUL, CR only right before the
 * LF): 1 = the empty line ending the block, 0 = a field, -1 = malformed.
 */
static int
cgi_resp_line(struct cgi_response *cr, const char *p, size_t len,
    const char **why)
{
	const char	*v;
	size_t		 nlen, vlen;

	if (len > 0 && p[len - 1] == '\r')
		len--;
	if (len == 0)
		return 1;
	if (cgi_split_field(p, len, &nlen, &v, &vlen, why) == -1)
		return -1;
	if (++cr->cr_nseen > CGI_RESP_FIELDS_MAX) {
		*why = "too many header fields";
		return -1;
	}
	return cgi_resp_field(cr, p, nlen, v, vlen, why);
}

/* ---- response: the block -------------------------------------------- */

static int
cgi_is_absolute_uri(const char *s)
{
	size_t	 n;

	if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z')))
		return 0;
	n = strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789+.-");
	return s[n] == ':';
}

static int
cgi_resp_redirect(struct cgi_response *cr, const char **why)
{
	if (cr->cr_location[0] == '/') {
		if (!cr->cr_has_status) {
			cr->cr_kind = CGI_RESP_LOCAL_REDIRECT;
			cr->cr_status = 200;
			return 0;
		}
	} else if (!cgi_is_absolute_uri(cr->cr_location)) {
		*why = "Location neither a local path nor an absolute URI";
		return -1;
	}
	if (!cr->cr_has_status)
		cr->cr_status = 302;
	else if (cr->cr_status / 100 != 3) {
		*why = "Location with a non-3xx Status";
		return -1;
	}
	cr->cr_kind = CGI_RESP_CLIENT_REDIRECT;
	return 0;
}

/* RFC 3875 6.2: which of the three responses the fields make */
static int
cgi_resp_classify(struct cgi_response *cr, const char **why)
{
	if (cr->cr_location != NULL)
		return cgi_resp_redirect(cr, why);
	if (!cr->cr_has_status)
		cr->cr_status = 200;
	/* 204 and 304 carry no body, so no type to declare */
	if (!cr->cr_has_ctype && cr->cr_status != 204 &&
	    cr->cr_status != 304) {
		*why = "no Content-Type";
		return -1;
	}
	cr->cr_kind = CGI_RESP_DOCUMENT;
	return 0;
}

static int
cgi_resp_fail(struct cgi_response *cr, const char **why, const char *reason)
{
	cr->cr_state = CGI_RS_MALFORMED;
	cr->cr_why = reason;
	*why = reason;
	return -1;
}

void
cgi_response_reset(struct cgi_response *cr)
{
	cr->cr_kind = CGI_RESP_DOCUMENT;
	cr->cr_status = 200;
	cr->cr_reason[0] = '\0';
	cr->cr_has_ctype = 0;
	cr->cr_content_length = -1;
	cr->cr_location = NULL;
	cr->cr_nfields = 0;
	cr->cr_buf[0] = '\0';
	cr->cr_buf_len = 0;
	cr->cr_scan = 0;
	cr->cr_line = 0;
	cr->cr_nseen = 0;
	cr->cr_has_status = 0;
	cr->cr_state = CGI_RS_HEAD;
	cr->cr_why = NULL;
}

/*
 * Bytes are judged one by one from cr_scan on, so the answer and its
 * reason depend only on the bytes, never on how the script's writes were
 * split; a CR at the end of the data waits for the byte after it.
 */
int
cgi_parse_response(struct cgi_response *cr, const char *buf, size_t len,
    const char **why)
{
	const char	*reason = NULL;
	size_t		 i;
	int		 r;

	if (why == NULL)
		why = &reason;
	if (cr->cr_state == CGI_RS_DONE)
		return (int)cr->cr_scan;
	if (cr->cr_state != CGI_RS_HEAD) {
		*why = cr->cr_why;
		return -1;
	}
	if (len < cr->cr_scan || (buf == NULL && len > 0))
		return cgi_resp_fail(cr, why, "input shrank between calls");
	for (i = cr->cr_scan; i < len; i++) {
		if (i >= CGI_RESP_HEAD_MAX)
			return cgi_resp_fail(cr, why, "header block too large");
		if (buf[i] == '\0')
			return cgi_resp_fail(cr, why, "NUL in header block");
		if (buf[i] == '\r') {
			if (i + 1 == len)
				break;
			if (buf[i + 1] != '\n')
				return cgi_resp_fail(cr, why,
				    "bare CR in header block");
			continue;
		}
		if (buf[i] != '\n')
			continue;
		r = cgi_resp_line(cr, buf + cr->cr_line, i - cr->cr_line,
		    &reason);
		if (r == -1)
			return cgi_resp_fail(cr, why, reason);
		cr->cr_line = i + 1;
		if (r == 1) {
			cr->cr_scan = i + 1;
			if (cgi_resp_classify(cr, &reason) == -1)
				return cgi_resp_fail(cr, why, reason);
			cr->cr_state = CGI_RS_DONE;
			return (int)cr->cr_scan;
		}
	}
	cr->cr_scan = i;
	return 0;
}

const char *
cgi_field_name(const struct cgi_response *cr, size_t i)
{
	if (i >= cr->cr_nfields || i >= CGI_RESP_FIELDS_MAX)
		return NULL;
	return cr->cr_buf + cr->cr_fields[i].cf_name;
}

const char *
cgi_field_value(const struct cgi_response *cr, size_t i)
{
	if (i >= cr->cr_nfields || i >= CGI_RESP_FIELDS_MAX)
		return NULL;
	return cr->cr_buf + cr->cr_fields[i].cf_value;
}

/* ---- nph- heads ------------------------------------------------------- */

size_t
cgi_nph_head_end(const char *buf, size_t len, size_t from)
{
	size_t	 i;

	for (i = from; i < len; i++)
		if (buf[i] == '\n' && ((i >= 1 && buf[i - 1] == '\n') ||
		    (i >= 2 && buf[i - 1] == '\r' && buf[i - 2] == '\n')))
			return i + 1;
	return 0;
}

/* "HTTP/1.x NNN[ reason]": a final status, as a client would take it */
static int
cgi_nph_status(const char *p, size_t len, int *status)
{
	size_t	 i;

	if (len < 12 || (memcmp(p, "HTTP/1.0 ", 9) != 0 &&
	    memcmp(p, "HTTP/1.1 ", 9) != 0) || !cgi_all_digits(p + 9, 3) ||
	    (len > 12 && p[12] != ' '))
		return -1;
	*status = (p[9] - '0') * 100 + (p[10] - '0') * 10 + (p[11] - '0');
	for (i = 13; i < len; i++)
		if (((unsigned char)p[i] < 0x20 && p[i] != '\t') ||
		    p[i] == 0x7f)
			return -1;
	return *status >= 200 && *status <= 599 ? 0 : -1;
}

/* a field line of an nph head: only framing matters to us */
static int
cgi_nph_field(const char *p, size_t len, int64_t *clen, const char **why)
{
	const char	*v;
	size_t		 nlen, vlen;

	if (cgi_split_field(p, len, &nlen, &v, &vlen, why) == -1)
		return -1;
	if (cgi_name_is(p, nlen, "Transfer-Encoding")) {
		*why = "Transfer-Encoding in an nph head";
		return -1;
	}
	if (cgi_name_is(p, nlen, "Content-Length"))
		return cgi_resp_clen(clen, v, vlen, why);
	return 0;
}

int
cgi_parse_nph(const char *head, size_t len, int *status, int64_t *clen,
    const char **why)
{
	const char	*p = head, *end = head + len, *nl;
	size_t		 n, nfields = 0;

	*clen = -1;
	*why = "nph head without its empty line";
	if (memchr(head, '\0', len) != NULL) {
		*why = "NUL in nph head";
		return -1;
	}
	for (; p < end && (nl = memchr(p, '\n', end - p)) != NULL;
	    p = nl + 1) {
		n = nl - p;
		if (n > 0 && p[n - 1] == '\r')
			n--;
		if (memchr(p, '\r', n) != NULL) {
			*why = "bare CR in nph head";
			return -1;
		}
		if (p == head) {
			if (cgi_nph_status(p, n, status) == -1) {
				*why = "bad nph status line";
				return -1;
			}
		} else if (n == 0) {
			if (nl + 1 == end)
				return 0;
			*why = "bytes after the nph head's empty line";
			return -1;
		} else if (++nfields > CGI_RESP_FIELDS_MAX) {
			*why = "too many header fields";
			return -1;
		} else if (cgi_nph_field(p, n, clen, why) == -1)
			return -1;
	}
	return -1;
}
