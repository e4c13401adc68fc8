/* SPDX-License-Identifier: ISC */
/*
 * fuzz_cgi_response.c: libFuzzer target for cgi_parse_response(), which
 * the front runs on a script's hostile stdout.  Checks the invariants of
 * every answer, and that feeding the same bytes in pieces (split where the
 * input's hash says) gives exactly the same answer.
 */

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cgi_resp.h"

#define FUZZ_ASSERT(x)	do { if (!(x)) abort(); } while (0)

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static struct cgi_response	whole, pieces;

static const char *const never_forwarded[] = {
	"Status", "Location", "Content-Length", "Transfer-Encoding",
	"Connection", "Keep-Alive", "Proxy-Connection", "TE", "Trailer",
	"Upgrade", "Date", "Server"
};

static int
fuzz_is_token(const char *s)
{
	if (*s == '\0')
		return 0;
	return s[strspn(s, "!#$%&'*+-.^_`|~0123456789"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")] == '\0';
}

/* a NUL-terminated string starting at off, wholly inside cr_buf_len */
static const char *
fuzz_buf_str(const struct cgi_response *cr, size_t off)
{
	FUZZ_ASSERT(off < cr->cr_buf_len);
	FUZZ_ASSERT(memchr(cr->cr_buf + off, '\0', cr->cr_buf_len - off) !=
	    NULL);
	return cr->cr_buf + off;
}

static void
fuzz_check_field(const struct cgi_response *cr, size_t i)
{
	const char	*n, *v;
	size_t		 j, vlen;

	n = fuzz_buf_str(cr, cr->cr_fields[i].cf_name);
	v = fuzz_buf_str(cr, cr->cr_fields[i].cf_value);
	FUZZ_ASSERT(n == cgi_field_name(cr, i));
	FUZZ_ASSERT(v == cgi_field_value(cr, i));
	FUZZ_ASSERT(fuzz_is_token(n));
	for (j = 0; j < sizeof(never_forwarded) / sizeof(never_forwarded[0]);
	    j++)
		FUZZ_ASSERT(strcasecmp(n, never_forwarded[j]) != 0);
	vlen = strlen(v);
	for (j = 0; j < vlen; j++)
		FUZZ_ASSERT(((unsigned char)v[j] >= 0x20 || v[j] == '\t') &&
		    v[j] != 0x7f);
	if (vlen > 0) {
		FUZZ_ASSERT(v[0] != ' ' && v[0] != '\t');
		FUZZ_ASSERT(v[vlen - 1] != ' ' && v[vlen - 1] != '\t');
	}
}

static void
fuzz_check_done(const struct cgi_response *cr, const uint8_t *d, int rc)
{
	size_t	 i, n = (size_t)rc;

	FUZZ_ASSERT(n <= CGI_RESP_HEAD_MAX && d[n - 1] == '\n');
	FUZZ_ASSERT(memchr(d, '\0', n) == NULL);
	/* it ends at the first empty line */
	FUZZ_ASSERT(n == 1 || d[n - 2] == '\n' ||
	    (d[n - 2] == '\r' && (n == 2 || d[n - 3] == '\n')));
	FUZZ_ASSERT(cr->cr_status >= 200 && cr->cr_status <= 599);
	FUZZ_ASSERT(strlen(cr->cr_reason) < sizeof(cr->cr_reason));
	for (i = 0; cr->cr_reason[i] != '\0'; i++)
		FUZZ_ASSERT(cr->cr_reason[i] >= 0x20 &&
		    cr->cr_reason[i] <= 0x7e);
	FUZZ_ASSERT(cr->cr_content_length >= -1);
	FUZZ_ASSERT(cr->cr_buf_len <= sizeof(cr->cr_buf));
	FUZZ_ASSERT(cr->cr_nfields <= CGI_RESP_FIELDS_MAX);
	for (i = 0; i < cr->cr_nfields; i++)
		fuzz_check_field(cr, i);
	FUZZ_ASSERT(cgi_field_name(cr, cr->cr_nfields) == NULL);
	switch (cr->cr_kind) {
	case CGI_RESP_DOCUMENT:
		FUZZ_ASSERT(cr->cr_location == NULL);
		FUZZ_ASSERT(cr->cr_has_ctype || cr->cr_status == 204 ||
		    cr->cr_status == 304);
		break;
	case CGI_RESP_LOCAL_REDIRECT:
		FUZZ_ASSERT(cr->cr_location != NULL);
		FUZZ_ASSERT(cr->cr_location[0] == '/');
		break;
	case CGI_RESP_CLIENT_REDIRECT:
		FUZZ_ASSERT(cr->cr_location != NULL);
		FUZZ_ASSERT(cr->cr_status / 100 == 3);
		break;
	default:
		abort();
	}
	if (cr->cr_location != NULL) {
		FUZZ_ASSERT(cr->cr_location >= cr->cr_buf);
		(void)fuzz_buf_str(cr, cr->cr_location - cr->cr_buf);
		FUZZ_ASSERT(strpbrk(cr->cr_location, " \t") == NULL);
	}
}

static void
fuzz_check_same(const struct cgi_response *a, int ra, const char *wa,
    const struct cgi_response *b, int rb, const char *wb)
{
	size_t	 i;

	FUZZ_ASSERT(ra == rb);
	if (ra == -1)
		FUZZ_ASSERT(strcmp(wa, wb) == 0);
	if (ra <= 0)
		return;
	FUZZ_ASSERT(a->cr_kind == b->cr_kind);
	FUZZ_ASSERT(a->cr_status == b->cr_status);
	FUZZ_ASSERT(strcmp(a->cr_reason, b->cr_reason) == 0);
	FUZZ_ASSERT(a->cr_content_length == b->cr_content_length);
	FUZZ_ASSERT((a->cr_location == NULL) == (b->cr_location == NULL));
	if (a->cr_location != NULL)
		FUZZ_ASSERT(strcmp(a->cr_location, b->cr_location) == 0);
	FUZZ_ASSERT(a->cr_nfields == b->cr_nfields);
	for (i = 0; i < a->cr_nfields; i++) {
		FUZZ_ASSERT(strcmp(cgi_field_name(a, i),
		    cgi_field_name(b, i)) == 0);
		FUZZ_ASSERT(strcmp(cgi_field_value(a, i),
		    cgi_field_value(b, i)) == 0);
	}
}

/* piece lengths from an FNV-1a hash of the input: reproducible */
static int
fuzz_parse_in_pieces(const uint8_t *d, size_t size, const char **why)
{
	uint32_t	 h = 2166136261u;
	size_t		 i, len = 0;
	int		 rc = 0;

	for (i = 0; i < size; i++)
		h = (h ^ d[i]) * 16777619u;
	cgi_response_reset(&pieces);
	while (rc == 0 && len < size) {
		h = h * 1103515245u + 12345u;
		len += (h >> 16) % 4 == 0 ? (h >> 8) % 4096 : 1 + (h >> 8) % 8;
		if (len > size)
			len = size;
		rc = cgi_parse_response(&pieces, (const char *)d, len, why);
	}
	if (size == 0)
		rc = cgi_parse_response(&pieces, (const char *)d, 0, why);
	return rc;
}

int
LLVMFuzzerTestOneInput(const uint8_t *d, size_t size)
{
	const char	*why = NULL, *why2 = NULL;
	int		 rc, rc2;

	cgi_response_reset(&whole);
	rc = cgi_parse_response(&whole, (const char *)d, size, &why);
	FUZZ_ASSERT(rc >= -1 && (size_t)(rc < 0 ? 0 : rc) <= size);
	if (rc == -1)
		FUZZ_ASSERT(why != NULL && why[0] != '\0');
	else if (rc == 0) {
		/* no end yet: so no NUL, no empty line, and within the limit */
		FUZZ_ASSERT(size <= CGI_RESP_HEAD_MAX);
		FUZZ_ASSERT(memchr(d, '\0', size) == NULL);
		FUZZ_ASSERT(memmem(d, size, "\n\n", 2) == NULL);
		FUZZ_ASSERT(memmem(d, size, "\n\r\n", 3) == NULL);
		FUZZ_ASSERT(size == 0 || d[0] != '\n');
		FUZZ_ASSERT(size < 2 || d[0] != '\r' || d[1] != '\n');
	} else
		fuzz_check_done(&whole, d, rc);
	/* a finished parser answers the same again */
	FUZZ_ASSERT(cgi_parse_response(&whole, (const char *)d, size,
	    &why2) == rc);
	rc2 = fuzz_parse_in_pieces(d, size, &why2);
	fuzz_check_same(&whole, rc, why, &pieces, rc2, why2);
	return 0;
}
