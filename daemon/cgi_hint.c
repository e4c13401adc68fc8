/* SPDX-License-Identifier: ISC */
/*
 * cgi_hint.c: hints for a script's stderr lines that show it hit the
 * jail (a path outside it, the read-only file system, the network that is
 * off), naming the keyword that changes it.  Pure; trusts no byte of the
 * line, which is the script's.
 */
#include <string.h>
#include <strings.h>

#include "cgi_hint.h"

/* what every jail shows (sandbox/jail.c), beside /tmp and the binds */
static const char *const cgi_hint_shown[] = {
	"/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32",
	"/dev", "/proc", "/tmp", "/etc/passwd", "/etc/group",
	"/etc/ld.so.cache", "/etc/localtime", "/etc/alternatives"
};

/* bytes that may stand before a path in a message, and after it */
#define CGI_HINT_BEFORE	" \t'\"`(:=<[,"
#define CGI_HINT_AFTER	" \t'\"`):,;>]"

static int	cgi_hint_outside(const struct cgi_hint_jail *, const char *,
		    size_t);
static int	cgi_hint_net_off(const struct cgi_hint_jail *, const char *,
		    size_t);

/* a line holding hr_match (any case) gets hr_hint if hr_applies agrees */
static const struct cgi_hint_rule {
	const char	*hr_match;
	int		(*hr_applies)(const struct cgi_hint_jail *,
			    const char *, size_t);
	const char	*hr_hint;
} cgi_hint_rules[] = {
	{ "read-only file system", NULL,
	    "the file system is read-only for scripts outside /tmp; "
	    "`jail-bind-rw DIR` makes a host directory writable" },
	{ "no such file or directory", cgi_hint_outside,
	    "the file is outside the jail; `jail-bind DIR` shows a host "
	    "directory to scripts" },
	{ "network is unreachable", cgi_hint_net_off, NULL },
	{ "ENETUNREACH", cgi_hint_net_off, NULL },
	{ "temporary failure in name resolution", cgi_hint_net_off, NULL },
	{ "name or service not known", cgi_hint_net_off, NULL },
	{ "could not resolve host", cgi_hint_net_off, NULL },
	{ "EAI_AGAIN", cgi_hint_net_off, NULL },
};
#define CGI_HINT_NETWORK	"the network is off for scripts; " \
	"`script-network on` enables it"

/* does s (slen bytes) hold needle, in any case of ASCII? */
static int
cgi_hint_has(const char *s, size_t slen, const char *needle)
{
	size_t	n = strlen(needle), i;

	for (i = 0; n <= slen && i <= slen - n; i++)
		if (strncasecmp(s + i, needle, n) == 0)	/* stops at NUL */
			return 1;
	return 0;
}

/* is path (len bytes) dir itself or beneath it?  dir may end in '/' */
static int
cgi_hint_under(const char *path, size_t len, const char *dir)
{
	size_t	n;

	if (dir == NULL || dir[0] != '/')
		return 0;
	n = strlen(dir);
	while (n > 1 && dir[n - 1] == '/')
		n--;
	if (n == 1)
		return 1;	/* "/" shows everything */
	return len >= n && memcmp(path, dir, n) == 0 &&
	    (len == n || path[n] == '/');
}

int
cgi_hint_in_jail(const struct cgi_hint_jail *hj, const char *path,
    size_t len)
{
	size_t	i;

	if (len == 0 || path[0] != '/')
		return 0;
	/* "/" and "/etc" are directories of every jail */
	if (len == 1 || (len == 4 && memcmp(path, "/etc", 4) == 0) ||
	    (len == 5 && memcmp(path, "/etc/", 5) == 0))
		return 1;
	for (i = 0; i < sizeof(cgi_hint_shown) / sizeof(cgi_hint_shown[0]);
	    i++)
		if (cgi_hint_under(path, len, cgi_hint_shown[i]))
			return 1;
	if (cgi_hint_under(path, len, hj->hj_docroot))
		return 1;
	for (i = 0; i < hj->hj_nbinds; i++)
		if (cgi_hint_under(path, len, hj->hj_binds[i]))
			return 1;
	return 0;
}

/* is c one of set's bytes (a NUL never is)? */
static int
cgi_hint_oneof(char c, const char *set)
{
	return c != '\0' && strchr(set, c) != NULL;
}

/*
 * Does the line name an absolute path the jail does not show?  A path
 * starts with '/' at the start of the line or after a separator, and
 * ends at a separator; "//" (a URL's authority) is no path.
 */
static int
cgi_hint_outside(const struct cgi_hint_jail *hj, const char *line,
    size_t len)
{
	size_t	i, end;

	for (i = 0; i < len; i = end) {
		end = i + 1;
		if (line[i] != '/' || (i > 0 &&
		    !cgi_hint_oneof(line[i - 1], CGI_HINT_BEFORE)))
			continue;
		while (end < len && line[end] != '\0' &&
		    !cgi_hint_oneof(line[end], CGI_HINT_AFTER))
			end++;
		if (end - i < 2 || line[i + 1] == '/')
			continue;
		if (!cgi_hint_in_jail(hj, line + i, end - i))
			return 1;
	}
	return 0;
}

static int
cgi_hint_net_off(const struct cgi_hint_jail *hj, const char *line,
    size_t len)
{
	return !hj->hj_network;
}

const char *
cgi_hint_stderr(const struct cgi_hint_jail *hj, const char *line, size_t len)
{
	const struct cgi_hint_rule	*r;
	size_t				 i;

	for (i = 0; i < sizeof(cgi_hint_rules) / sizeof(cgi_hint_rules[0]);
	    i++) {
		r = &cgi_hint_rules[i];
		if (!cgi_hint_has(line, len, r->hr_match))
			continue;
		if (r->hr_applies != NULL && !r->hr_applies(hj, line, len))
			continue;
		return r->hr_hint != NULL ? r->hr_hint : CGI_HINT_NETWORK;
	}
	return NULL;
}
