/* SPDX-License-Identifier: ISC */
/*
 * http_chunked.c: the chunked request body decoder (RFC 9112 7.1),
 * incremental and bounded.  Pure code: no I/O, no allocation.  Runs in
 * the front on a client's body; every byte is hostile.
 */

#include <stdint.h>
#include <string.h>

#include "http.h"
#include "http_priv.h"

enum http_cstate {
	HC_SIZE = 0,		/* chunk-size hex digits */
	HC_BWS,			/* whitespace before a ';' */
	HC_EXT,			/* chunk extensions, ignored */
	HC_SIZE_LF,		/* CR seen at the end of the size line */
	HC_DATA,
	HC_DATA_CR,		/* CRLF after the data */
	HC_DATA_LF,
	HC_TRAILER,		/* trailer field name, or the last empty line */
	HC_TRAILER_VAL,
	HC_TRAILER_LF,
	HC_DONE,
	HC_ERROR
};

void
http_chunked_init(struct http_chunked *hc)
{
	memset(hc, 0, sizeof(*hc));
	hc->hc_state = HC_SIZE;
}

static int
http_chunked_size_end(struct http_chunked *hc, uint64_t max_total)
{
	hc->hc_linelen = 0;
	hc->hc_digits = 0;
	if (hc->hc_left == 0) {
		hc->hc_state = HC_TRAILER;
		return 0;
	}
	/* refuse before reading the data: the size line says enough */
	if (hc->hc_total > max_total || hc->hc_left > max_total - hc->hc_total)
		return -413;
	hc->hc_state = HC_DATA;
	return 0;
}

static int
http_chunked_size(struct http_chunked *hc, unsigned char c, uint64_t max)
{
	int	v;

	if (c != '\r' && c != '\n' && ++hc->hc_linelen > HTTP_CHUNK_LINE_MAX)
		return -400;
	if (hc->hc_state == HC_SIZE && (v = http_hexval(c)) >= 0) {
		/* 16 hex digits fill a uint64_t: more would overflow */
		if (hc->hc_digits++ == 16)
			return -400;
		hc->hc_left = hc->hc_left << 4 | (uint64_t)v;
		return 0;
	}
	if (hc->hc_digits == 0)
		return -400;
	if (c == '\r' && hc->hc_state != HC_BWS) {
		hc->hc_state = HC_SIZE_LF;
		return 0;
	}
	if (c == '\n' && hc->hc_state != HC_BWS)
		return http_chunked_size_end(hc, max);
	if (hc->hc_state == HC_EXT)
		return http_is_vbyte(c) ? 0 : -400;
	if (c == ';')
		hc->hc_state = HC_EXT;
	else if (c == ' ' || c == '\t')
		hc->hc_state = HC_BWS;
	else
		return -400;
	return 0;
}

/* Trailer fields are checked for shape, bounded and discarded. */
static int
http_chunked_trailer(struct http_chunked *hc, unsigned char c)
{
	if (++hc->hc_trailer > HTTP_HEAD_MAX)
		return -400;
	if (hc->hc_state == HC_TRAILER_LF || c == '\n') {
		if (c != '\n' || (hc->hc_state == HC_TRAILER &&
		    hc->hc_linelen > 0))
			return -400;
		if (hc->hc_linelen == 0) {
			hc->hc_state = HC_DONE;
			return 1;
		}
		hc->hc_linelen = 0;
		hc->hc_state = HC_TRAILER;
		return 0;
	}
	if (c == '\r') {
		if (hc->hc_state == HC_TRAILER && hc->hc_linelen > 0)
			return -400;
		hc->hc_state = HC_TRAILER_LF;
		return 0;
	}
	if (++hc->hc_linelen > HTTP_CHUNK_LINE_MAX)
		return -400;
	if (hc->hc_state == HC_TRAILER_VAL)
		return http_is_vbyte(c) ? 0 : -400;
	if (c == ':' && hc->hc_linelen > 1)
		hc->hc_state = HC_TRAILER_VAL;
	else if (!http_is_tchar(c))
		return -400;
	return 0;
}

static int
http_chunked_byte(struct http_chunked *hc, unsigned char c, uint64_t max)
{
	switch (hc->hc_state) {
	case HC_SIZE:
	case HC_BWS:
	case HC_EXT:
		return http_chunked_size(hc, c, max);
	case HC_SIZE_LF:
		return c == '\n' ? http_chunked_size_end(hc, max) : -400;
	case HC_DATA_CR:
		if (c == '\r') {
			hc->hc_state = HC_DATA_LF;
			return 0;
		}
		/* FALLTHROUGH */
	case HC_DATA_LF:
		if (c != '\n')
			return -400;
		hc->hc_state = HC_SIZE;
		return 0;
	default:
		return http_chunked_trailer(hc, c);
	}
}

int
http_chunked_decode(struct http_chunked *hc, const char *in, size_t inlen,
    size_t *consumed, char *out, size_t *outlen, uint64_t max_total)
{
	size_t	i = 0, o = 0, room = *outlen, n;
	int	rc = 0;

	*consumed = 0;
	*outlen = 0;
	if (hc->hc_state == HC_DONE)
		return 1;
	if (hc->hc_state == HC_ERROR)
		return hc->hc_error;
	while (rc == 0 && i < inlen) {
		if (hc->hc_state != HC_DATA) {
			rc = http_chunked_byte(hc, (unsigned char)in[i++],
			    max_total);
			continue;
		}
		n = inlen - i < room - o ? inlen - i : room - o;
		if (n > hc->hc_left)
			n = hc->hc_left;
		if (n == 0)
			break;
		memcpy(out + o, in + i, n);
		i += n;
		o += n;
		hc->hc_left -= n;
		hc->hc_total += n;
		if (hc->hc_left == 0)
			hc->hc_state = HC_DATA_CR;
	}
	*consumed = i;
	*outlen = o;
	if (rc < 0) {
		hc->hc_state = HC_ERROR;
		hc->hc_error = rc;
	}
	return rc;
}
