/* SPDX-License-Identifier: ISC */
/*
 * explain_binds.c: what --explain-jail found, turned into jail-bind
 * lines.  Pure: strings in, strings out, no I/O.  Trusts nothing in the
 * paths (a traced script chose them): they are only compared and copied.
 */
#include <stdlib.h>
#include <string.h>

#include "explain.h"

int
explain_binds_add(struct explain_found *ef, const struct explain_path *ep)
{
	size_t	 i;

	for (i = 0; i < ef->ef_npath; i++)
		if (strcmp(ef->ef_path[i].ep_path, ep->ep_path) == 0) {
			ef->ef_path[i].ep_rw |= ep->ep_rw;
			return 0;
		}
	if (ef->ef_npath >= EXPLAIN_PATHS_MAX) {
		ef->ef_dropped++;
		return -1;
	}
	ef->ef_path[ef->ef_npath++] = *ep;
	return 0;
}

/*
 * Files that libraries and the example applications look for and do
 * without: a line for them would only be noise.  The jail's /etc has
 * passwd and group, which glibc's defaults read; it has no network to
 * configure.
 */
static const struct {
	const char	*eo_path;
	const char	*eo_why;
} explain_optional[] = {
	{ "/etc/nsswitch.conf", "glibc's default reads /etc/passwd and "
	    "/etc/group, which the jail has" },
	{ "/etc/host.conf", "resolver settings; scripts have no network" },
	{ "/etc/resolv.conf", "resolver settings; scripts have no network" },
	{ "/etc/hosts", "host names; scripts have no network" },
	{ "/etc/gai.conf", "address sorting; scripts have no network" },
	{ "/etc/ld.so.preload", "the loader's preloads: none is right" },
	{ "/etc/locale.alias", "locale name aliases: the C locale needs "
	    "none" },
	{ "/etc/ssl/openssl.cnf", "OpenSSL's built-in defaults apply" },
	{ "/etc/gitconfig", "git's system-wide settings: git has defaults" },
	{ "/etc/manpath.config", "man2html's built-in path has "
	    "/usr/share/man and /usr/local/share/man" },
};

const char *
explain_binds_optional(const char *path)
{
	size_t	i;

	for (i = 0; i < sizeof(explain_optional) /
	    sizeof(explain_optional[0]); i++)
		if (strcmp(path, explain_optional[i].eo_path) == 0)
			return explain_optional[i].eo_why;
	return NULL;
}

int
explain_binds_plain(const char *path)
{
	static const char	 ok[] = "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._+,:@=/-";

	return path[0] == '/' && strspn(path, ok) == strlen(path);
}

/* components of an absolute path: "/" 0, "/srv" 1, "/srv/git" 2 */
static size_t
explain_binds_depth(const char *path)
{
	size_t	n = 0;

	for (; *path != '\0'; path++)
		if (*path == '/' && path[1] != '\0')
			n++;
	return n;
}

/* a is dir itself or below it */
static int
explain_binds_under(const char *a, const char *dir)
{
	size_t	n = strlen(dir);

	if (strcmp(dir, "/") == 0)
		return 1;
	return strncmp(a, dir, n) == 0 && (a[n] == '\0' || a[n] == '/');
}

/* the working set: each line and the jail base it may not reach */
struct explain_cand {
	char		 ec_path[PATH_MAX];
	const char	*ec_base;
	int		 ec_live;
	int		 ec_rw;		/* never merged or covered */
	uid_t		 ec_owner;
};

/*
 * One merge: the deepest directory that holds two or more live
 * candidates, that the jail does not have (below the base of one of
 * them) and that is at least two levels down, replaces them.  1 if a
 * merge was made.
 */
static int
explain_binds_merge(struct explain_cand *c, size_t n)
{
	char	 dir[PATH_MAX], best[PATH_MAX] = "", *slash;
	size_t	 i, j, k, under;

	for (i = 0; i < n; i++) {
		if (!c[i].ec_live || c[i].ec_rw)
			continue;
		strlcpy(dir, c[i].ec_path, sizeof(dir));
		while ((slash = strrchr(dir, '/')) != NULL && slash != dir) {
			*slash = '\0';
			if (explain_binds_depth(dir) < 2 ||
			    explain_binds_under(c[i].ec_base, dir))
				break;
			for (under = 0, j = 0; j < n; j++)
				if (c[j].ec_live && !c[j].ec_rw && j != i &&
				    explain_binds_under(c[j].ec_path, dir))
					under++;
			if (under == 0)
				continue;
			if (strlen(dir) > strlen(best))
				strlcpy(best, dir, sizeof(best));
			break;
		}
	}
	if (best[0] == '\0')
		return 0;
	for (k = n, j = 0; j < n; j++)
		if (c[j].ec_live && !c[j].ec_rw &&
		    explain_binds_under(c[j].ec_path, best)) {
			c[j].ec_live = 0;
			if (k == n)
				k = j;
		}
	strlcpy(c[k].ec_path, best, sizeof(c[k].ec_path));
	c[k].ec_live = 1;
	return 1;
}

static int
explain_binds_cmp(const void *a, const void *b)
{
	const struct explain_line	*x = a, *y = b;

	return strcmp(x->el_path, y->el_path);
}

/* out[0..nout) gets c's live lines, once each */
static size_t
explain_binds_emit(const struct explain_cand *c, size_t n,
    struct explain_line *out, size_t max)
{
	size_t	 i, j, nout = 0;

	for (i = 0; i < n && nout < max; i++) {
		if (!c[i].ec_live)
			continue;
		for (j = 0; j < nout; j++)
			if (strcmp(out[j].el_path, c[i].ec_path) == 0)
				break;
		if (j < nout) {
			out[j].el_rw |= c[i].ec_rw;
			continue;
		}
		strlcpy(out[nout].el_path, c[i].ec_path, PATH_MAX);
		out[nout].el_owner = c[i].ec_owner;
		out[nout++].el_rw = c[i].ec_rw;
	}
	qsort(out, nout, sizeof(*out), explain_binds_cmp);
	return nout;
}

size_t
explain_binds_lines(const struct explain_found *ef, struct explain_line *out,
    size_t max)
{
	struct explain_cand	*c;
	size_t			 i, j, n = ef->ef_npath, nout;

	if (n == 0 || (c = calloc(n, sizeof(*c))) == NULL)
		return 0;
	for (i = 0; i < n; i++) {
		strlcpy(c[i].ec_path, ef->ef_path[i].ep_path,
		    sizeof(c[i].ec_path));
		c[i].ec_base = ef->ef_path[i].ep_jail_base;
		c[i].ec_rw = ef->ef_path[i].ep_rw;
		c[i].ec_owner = ef->ef_path[i].ep_owner;
		c[i].ec_live = explain_binds_optional(c[i].ec_path) == NULL;
	}
	for (i = 0; i < n && explain_binds_merge(c, n); i++)
		;
	/* a read-only line below another line's directory adds nothing */
	for (i = 0; i < n; i++)
		for (j = 0; j < n && c[i].ec_live && !c[i].ec_rw; j++)
			if (j != i && c[j].ec_live &&
			    strcmp(c[i].ec_path, c[j].ec_path) != 0 &&
			    explain_binds_under(c[i].ec_path, c[j].ec_path))
				c[i].ec_live = 0;
	nout = explain_binds_emit(c, n, out, max);
	free(c);
	return nout;
}
