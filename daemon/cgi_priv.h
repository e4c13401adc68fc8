/* SPDX-License-Identifier: ISC */
/*
 * cgi_priv.h: what cgi_env.c and cgi_resp.c share, field-name matching.
 * static inline, so that neither links the other: the executor builds
 * environments and never parses a response.  Pure.
 */
#ifndef CGIJAIL_CGI_PRIV_H
#define CGIJAIL_CGI_PRIV_H

#include <stddef.h>
#include <string.h>
#include <strings.h>

#define nitems(a)	(sizeof(a) / sizeof((a)[0]))

/* name[0..len) (need not be NUL-terminated) equals want, any case */
static inline int
cgi_name_is(const char *name, size_t len, const char *want)
{
	return strlen(want) == len && strncasecmp(name, want, len) == 0;
}

static inline int
cgi_name_in(const char *name, size_t len, const char *const *list,
    size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (cgi_name_is(name, len, list[i]))
			return 1;
	return 0;
}

#endif
