/* SPDX-License-Identifier: ISC */
/*
 * fuzz_http.c: libFuzzer target for the request head parser and the
 * chunked body decoder.  Input: one selector byte (how to split and how
 * much output room), then hostile bytes: a head, and what follows as body.
 */

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "http.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define FUZZ_OUT_MAX	(1 << 20)

static struct http_request	fz_whole, fz_split;
static char			fz_out1[FUZZ_OUT_MAX], fz_out2[FUZZ_OUT_MAX];

#define FUZZ_ASSERT(x)	do { if (!(x)) abort(); } while (0)

static int
fuzz_terminated(const char *s, size_t sz)
{
	return memchr(s, '\0', sz) != NULL;
}

/* a parsed path holds no dot segment, no '//', no control byte */
static void
fuzz_check_path(const char *p)
{
	size_t	n = strlen(p), i;

	if (strcmp(p, "*") == 0 || p[0] == '\0')
		return;
	FUZZ_ASSERT(p[0] == '/');
	FUZZ_ASSERT(strstr(p, "//") == NULL);
	FUZZ_ASSERT(strstr(p, "/./") == NULL && strstr(p, "/../") == NULL);
	FUZZ_ASSERT(!(n >= 2 && strcmp(p + n - 2, "/.") == 0));
	FUZZ_ASSERT(!(n >= 3 && strcmp(p + n - 3, "/..") == 0));
	for (i = 0; i < n; i++)
		FUZZ_ASSERT((unsigned char)p[i] >= 0x20 &&
		    (unsigned char)p[i] != 0x7f);
}

static void
fuzz_check_fields(const struct http_request *r)
{
	const char	*name, *val;
	size_t		 i, j;

	FUZZ_ASSERT(r->hr_nfields <= HTTP_FIELDS_MAX);
	FUZZ_ASSERT(r->hr_hbuf_len <= sizeof(r->hr_hbuf));
	for (i = 0; i < r->hr_nfields; i++) {
		FUZZ_ASSERT(r->hr_fields[i].hf_name < r->hr_hbuf_len);
		FUZZ_ASSERT(r->hr_fields[i].hf_value < r->hr_hbuf_len);
		name = http_field_name(r, i);
		val = http_field_value(r, i);
		FUZZ_ASSERT(http_is_token(name, strlen(name)));
		for (j = 0; val[j] != '\0'; j++)
			FUZZ_ASSERT(val[j] == '\t' ||
			    ((unsigned char)val[j] >= 0x20 && val[j] != 0x7f));
		FUZZ_ASSERT(j == 0 || (val[0] != ' ' && val[j - 1] != ' '));
	}
	FUZZ_ASSERT(http_field_name(r, r->hr_nfields) == NULL);
}

static void
fuzz_check_request(const struct http_request *r)
{
	size_t	i;

	FUZZ_ASSERT(fuzz_terminated(r->hr_method_str,
	    sizeof(r->hr_method_str)));
	FUZZ_ASSERT(http_is_token(r->hr_method_str,
	    strlen(r->hr_method_str)));
	FUZZ_ASSERT(fuzz_terminated(r->hr_target, sizeof(r->hr_target)));
	FUZZ_ASSERT(fuzz_terminated(r->hr_path, sizeof(r->hr_path)));
	FUZZ_ASSERT(fuzz_terminated(r->hr_query, sizeof(r->hr_query)));
	FUZZ_ASSERT(fuzz_terminated(r->hr_host, sizeof(r->hr_host)));
	FUZZ_ASSERT(r->hr_minor == 0 || r->hr_minor == 1);
	FUZZ_ASSERT(r->hr_keepalive == 0 || r->hr_keepalive == 1);
	FUZZ_ASSERT(r->hr_content_length >= -1);
	FUZZ_ASSERT(!r->hr_chunked || r->hr_content_length == -1);
	FUZZ_ASSERT(!r->hr_chunked || r->hr_minor == 1);
	FUZZ_ASSERT(r->hr_minor == 0 || http_field_get(r, "host") != NULL);
	for (i = 0; r->hr_host[i] != '\0'; i++)
		FUZZ_ASSERT(r->hr_host[i] < 'A' || r->hr_host[i] > 'Z');
	fuzz_check_path(r->hr_path);
	fuzz_check_fields(r);
}

static void
fuzz_same(const struct http_request *a, const struct http_request *b)
{
	FUZZ_ASSERT(a->hr_method == b->hr_method);
	FUZZ_ASSERT(strcmp(a->hr_target, b->hr_target) == 0);
	FUZZ_ASSERT(strcmp(a->hr_path, b->hr_path) == 0);
	FUZZ_ASSERT(strcmp(a->hr_query, b->hr_query) == 0);
	FUZZ_ASSERT(strcmp(a->hr_host, b->hr_host) == 0);
	FUZZ_ASSERT(a->hr_content_length == b->hr_content_length);
	FUZZ_ASSERT(a->hr_chunked == b->hr_chunked);
	FUZZ_ASSERT(a->hr_keepalive == b->hr_keepalive);
	FUZZ_ASSERT(a->hr_expect_continue == b->hr_expect_continue);
	FUZZ_ASSERT(a->hr_hbuf_len == b->hr_hbuf_len);
	FUZZ_ASSERT(memcmp(a->hr_hbuf, b->hr_hbuf, a->hr_hbuf_len) == 0);
}

static int
fuzz_status_ok(int rc, size_t len)
{
	if (rc > 0)
		return (size_t)rc <= len;
	return rc == 0 || rc == -400 || rc == -414 || rc == -417 ||
	    rc == -431 || rc == -501 || rc == -505;
}

/* the helpers the front feeds with header values */
static void
fuzz_helpers(const struct http_request *r)
{
	static char	 buf[6 * sizeof(r->hr_target) + 1];
	const char	*v;
	char		 d[30];
	off_t		 off, len;
	time_t		 t, t2;
	size_t		 alen;
	int		 rc;

	/* an authority lies within the target, and is one */
	if ((v = http_target_authority(r, &alen)) != NULL)
		FUZZ_ASSERT(alen > 0 && v + alen <= r->hr_target +
		    strlen(r->hr_target) && memchr(v, '/', alen) == NULL &&
		    memchr(v, '?', alen) == NULL);
	if ((v = http_field_get(r, "range")) != NULL) {
		rc = http_range_parse(v, 1000, &off, &len);
		FUZZ_ASSERT(rc == 1 || rc == 0 || rc == -1 || rc == -416);
		FUZZ_ASSERT(rc != 1 || (off >= 0 && len > 0 &&
		    off + len <= 1000));
	}
	if ((v = http_field_get(r, "if-modified-since")) != NULL &&
	    http_date_parse(v, &t) == 0) {
		http_date_format(t, d, sizeof(d));
		FUZZ_ASSERT(d[0] == '\0' || (http_date_parse(d, &t2) == 0 &&
		    t2 == t));
	}
	if ((v = http_field_get(r, "if-none-match")) != NULL)
		FUZZ_ASSERT(http_etag_match(v, "W/\"x\"") ==
		    http_etag_match(v, "\"x\""));
	/* strong comparison matches only where weak does, a weak tag
	 * only as "*" does (which matches every tag) */
	if ((v = http_field_get(r, "if-match")) != NULL) {
		FUZZ_ASSERT(!http_etag_match_strong(v, "\"x\"") ||
		    http_etag_match(v, "\"x\""));
		FUZZ_ASSERT(!http_etag_match_strong(v, "W/\"x\"") ||
		    http_etag_match_strong(v, "\"x\""));
	}
	rc = http_html_escape(buf, sizeof(buf), r->hr_target);
	FUZZ_ASSERT(rc >= 0 && (size_t)rc == strlen(buf));
	FUZZ_ASSERT(strpbrk(buf, "<>\"'") == NULL);
}

/* decode in[0..len), `step` more input per call, `room` output per call */
static int
fuzz_decode(const char *in, size_t len, size_t step, size_t room,
    char *out, size_t *outn, uint64_t max)
{
	struct http_chunked	hc;
	size_t			avail = 0, pos = 0, u, o;
	int			rc;

	http_chunked_init(&hc);
	*outn = 0;
	for (;;) {
		avail = avail + step > len ? len : avail + step;
		o = room < FUZZ_OUT_MAX - *outn ? room : FUZZ_OUT_MAX - *outn;
		rc = http_chunked_decode(&hc, in + pos, avail - pos, &u,
		    out + *outn, &o, max);
		FUZZ_ASSERT(u <= avail - pos);
		FUZZ_ASSERT(o <= room);
		FUZZ_ASSERT(rc == 0 || rc == 1 || rc == -400 || rc == -413);
		FUZZ_ASSERT(hc.hc_total <= max);
		pos += u;
		*outn += o;
		FUZZ_ASSERT(hc.hc_total == *outn);
		if (rc != 0 || (avail == len && u == 0 && o == 0))
			return rc;
	}
}

static void
fuzz_chunked(const char *in, size_t len, uint8_t sel)
{
	size_t		n1, n2;
	uint64_t	max = (sel & 0x80) ? 64 : FUZZ_OUT_MAX;
	int		rc1, rc2;

	if (len > FUZZ_OUT_MAX)
		len = FUZZ_OUT_MAX;
	rc1 = fuzz_decode(in, len, len + 1, FUZZ_OUT_MAX, fz_out1, &n1, max);
	rc2 = fuzz_decode(in, len, (sel & 0x0f) + 1, ((sel >> 4) & 7) + 1,
	    fz_out2, &n2, max);
	FUZZ_ASSERT(rc1 == rc2);
	if (rc1 >= 0) {
		FUZZ_ASSERT(n1 == n2);
		FUZZ_ASSERT(memcmp(fz_out1, fz_out2, n1) == 0);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char	*buf = (const char *)data + 1;
	size_t		 len, n, step;
	int		 rc, rc2 = 0;

	if (size < 1)
		return 0;
	len = size - 1;
	step = (data[0] & 0x3f) + 1;
	http_request_reset(&fz_whole);
	rc = http_parse_request(&fz_whole, buf, len);
	FUZZ_ASSERT(fuzz_status_ok(rc, len));
	FUZZ_ASSERT(len < HTTP_REQ_MAX || rc != 0);
	FUZZ_ASSERT(http_parse_request(&fz_whole, buf, len) == rc);
	http_request_reset(&fz_split);
	for (n = 0; rc2 == 0 && n < len; ) {
		n = n + step > len ? len : n + step;
		rc2 = http_parse_request(&fz_split, buf, n);
	}
	FUZZ_ASSERT(rc == rc2);
	if (rc > 0) {
		fuzz_check_request(&fz_whole);
		fuzz_same(&fz_whole, &fz_split);
		fuzz_helpers(&fz_whole);
		fuzz_chunked(buf + rc, len - rc, data[0]);
	} else
		fuzz_chunked(buf, len, data[0]);
	return 0;
}
