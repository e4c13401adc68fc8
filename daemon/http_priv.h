/* SPDX-License-Identifier: ISC */
/*
 * http_priv.h: the character classes of RFC 9110/9112 that http.c,
 * http_chunked.c and http_values.c share.  static inline: each pure module
 * stays a file of its own.
 */
#ifndef CGIJAIL_HTTP_PRIV_H
#define CGIJAIL_HTTP_PRIV_H

#include <string.h>

/* Locale-free character classes: the C library's depend on setlocale. */
static inline int
http_is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static inline int
http_is_alpha(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static inline int
http_is_tchar(int c)
{
	return http_is_alpha(c) || http_is_digit(c) ||
	    (c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

static inline int
http_hexval(int c)
{
	if (http_is_digit(c))
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* field-value bytes: VCHAR, obs-text, SP, HT (RFC 9110 5.5) */
static inline int
http_is_vbyte(int c)
{
	return c == '\t' || (c >= 0x20 && c != 0x7f);
}

#endif
