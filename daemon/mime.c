/* SPDX-License-Identifier: ISC */
/*
 * mime.c: a file's type by its extension: a built-in table, and the
 * system's mime.types read once before the chroot.  Runs in the front,
 * for static files; a type reaches a header only if it is token/token.
 */
#include <sys/types.h>
#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "http.h"
#include "mime.h"

#define MIME_FILE_MAX		(1024 * 1024)
#define MIME_ENTRIES_MAX	8192
#define MIME_EXT_MAX		16	/* with the NUL */
#define MIME_TYPE_MAX		128	/* with the NUL */
#define MIME_DEFAULT_TYPE	"application/octet-stream"

struct mime_ent {
	char		 me_ext[MIME_EXT_MAX];	/* lowercase */
	const char	*me_type;
	size_t		 me_order;	/* file order: first mention wins */
};

/*
 * Sorted by extension: bsearch'd.  md is text/plain, not text/markdown:
 * browsers download the latter, and people want to read a README.
 */
static const struct mime_ent mime_builtin[] = {
	{ "css", "text/css", 0 }, { "csv", "text/csv", 0 },
	{ "gif", "image/gif", 0 }, { "gz", "application/gzip", 0 },
	{ "htm", "text/html", 0 }, { "html", "text/html", 0 },
	{ "ico", "image/x-icon", 0 }, { "jpeg", "image/jpeg", 0 },
	{ "jpg", "image/jpeg", 0 }, { "js", "text/javascript", 0 },
	{ "json", "application/json", 0 }, { "md", "text/plain", 0 },
	{ "mjs", "text/javascript", 0 }, { "mp3", "audio/mpeg", 0 },
	{ "mp4", "video/mp4", 0 }, { "ogg", "audio/ogg", 0 },
	{ "pdf", "application/pdf", 0 }, { "png", "image/png", 0 },
	{ "svg", "image/svg+xml", 0 }, { "tar", "application/x-tar", 0 },
	{ "txt", "text/plain", 0 }, { "wasm", "application/wasm", 0 },
	{ "webm", "video/webm", 0 }, { "webp", "image/webp", 0 },
	{ "woff", "font/woff", 0 }, { "woff2", "font/woff2", 0 },
	{ "xml", "text/xml", 0 }, { "zip", "application/zip", 0 },
};

static struct mime_ent	*mime_tab;
static size_t		 mime_n;
static char		*mime_pool;

static int
mime_cmp(const void *a, const void *b)
{
	const struct mime_ent *x = a, *y = b;
	int c;

	if ((c = strcmp(x->me_ext, y->me_ext)) != 0)
		return c;
	return (x->me_order > y->me_order) - (x->me_order < y->me_order);
}

static int
mime_cmp_ext(const void *key, const void *ent)
{
	return strcmp(key, ((const struct mime_ent *)ent)->me_ext);
}

/* RFC 6838 names are token "/" token; anything else never reaches a header */
static int
mime_type_ok(const char *s, size_t len)
{
	const char *slash;

	if (len == 0 || len >= MIME_TYPE_MAX ||
	    (slash = memchr(s, '/', len)) == NULL)
		return 0;
	return http_is_token(s, slash - s) &&
	    http_is_token(slash + 1, len - (slash - s) - 1);
}

/* lowercase into ext; 0, or -1 when not [A-Za-z0-9+_.-]{1,15} */
static int
mime_ext_copy(char *ext, const char *s, size_t len)
{
	size_t i;

	if (len == 0 || len >= MIME_EXT_MAX)
		return -1;
	for (i = 0; i < len; i++) {
		if (!isalnum((unsigned char)s[i]) && s[i] != '+' &&
		    s[i] != '-' && s[i] != '_' && s[i] != '.')
			return -1;
		ext[i] = tolower((unsigned char)s[i]);
	}
	ext[len] = '\0';
	return 0;
}

/* next whitespace-separated token in [*p, end); 0 when none is left */
static size_t
mime_token(const char **p, const char *end, const char **tok)
{
	const char *s = *p;

	/* memchr, not strchr: a NUL in the text is no separator */
	while (s < end && memchr(" \t\r\v\f", *s, 5) != NULL)
		s++;
	*tok = s;
	while (s < end && memchr(" \t\r\v\f", *s, 5) == NULL)
		s++;
	*p = s;
	return s - *tok;
}

/* one line; the type goes to the pool only if an extension uses it */
static int
mime_line(const char *p, const char *end, char *pool, size_t *poollen,
    struct mime_ent **tab, size_t *n, size_t *cap)
{
	const char *type, *ext;
	size_t typelen, extlen;
	struct mime_ent *ent;
	char *t = pool + *poollen;
	int used = 0;

	if ((typelen = mime_token(&p, end, &type)) == 0 ||
	    !mime_type_ok(type, typelen))
		return 0;
	memcpy(t, type, typelen);
	t[typelen] = '\0';
	while ((extlen = mime_token(&p, end, &ext)) != 0) {
		if (*n >= MIME_ENTRIES_MAX) {
			errno = EFBIG;
			return -1;
		}
		if (*n == *cap) {
			ent = reallocarray(*tab, *cap * 2 + 64, sizeof(*ent));
			if (ent == NULL)
				return -1;
			*tab = ent;
			*cap = *cap * 2 + 64;
		}
		ent = &(*tab)[*n];
		if (mime_ext_copy(ent->me_ext, ext, extlen) == -1)
			continue;
		ent->me_type = t;
		ent->me_order = (*n)++;
		used = 1;
	}
	if (used)
		*poollen += typelen + 1;
	return 0;
}

/* sort, keep the first mention of each extension, install */
static void
mime_install(struct mime_ent *tab, size_t n, char *pool)
{
	size_t i, j;

	if (n > 0)
		qsort(tab, n, sizeof(*tab), mime_cmp);
	for (i = j = 0; i < n; i++)
		if (j == 0 || strcmp(tab[j - 1].me_ext, tab[i].me_ext) != 0)
			tab[j++] = tab[i];
	free(mime_tab);
	free(mime_pool);
	mime_tab = tab;
	mime_n = j;
	mime_pool = pool;
}

int
mime_parse(const char *text, size_t len)
{
	struct mime_ent *tab = NULL;
	size_t n = 0, cap = 0, poollen = 0;
	const char *p, *end, *eol, *hash;
	char *pool;

	if (len > MIME_FILE_MAX) {
		errno = EFBIG;
		return -1;
	}
	/* NULL + 0 is still undefined */
	p = len == 0 ? "" : text;
	end = p + len;
	/* each type is copied at most once per line, plus its NUL */
	if ((pool = malloc(len + 1)) == NULL)
		return -1;
	while (p < end) {
		if ((eol = memchr(p, '\n', end - p)) == NULL)
			eol = end;
		if ((hash = memchr(p, '#', eol - p)) == NULL)
			hash = eol;
		if (mime_line(p, hash, pool, &poollen, &tab, &n,
		    &cap) == -1) {
			free(tab);
			free(pool);
			return -1;
		}
		if (eol == end)
			break;
		p = eol + 1;
	}
	mime_install(tab, n, pool);
	return 0;
}

/* a regular file of at most MIME_FILE_MAX bytes */
int
mime_load(const char *path)
{
	struct stat st;
	char *buf = NULL;
	ssize_t r;
	size_t len = 0;
	int fd, rc = -1, serrno;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK)) ==
	    -1 || fstat(fd, &st) == -1)
		goto done;
	errno = S_ISREG(st.st_mode) ? EFBIG : EINVAL;
	/* one byte more than allowed, to see a file that grew meanwhile */
	if (!S_ISREG(st.st_mode) || st.st_size > MIME_FILE_MAX ||
	    (buf = malloc(MIME_FILE_MAX + 1)) == NULL)
		goto done;
	while (len <= MIME_FILE_MAX && (r = read(fd, buf + len,
	    MIME_FILE_MAX + 1 - len)) != 0) {
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1)
			goto done;
		len += r;
	}
	rc = mime_parse(buf, len);
done:
	serrno = errno;
	free(buf);
	if (fd != -1)
		close(fd);
	errno = serrno;
	return rc;
}

static const char *
mime_find(const struct mime_ent *tab, size_t n, const char *ext)
{
	const struct mime_ent *e;

	if (tab == NULL || n == 0)
		return NULL;
	e = bsearch(ext, tab, n, sizeof(*tab), mime_cmp_ext);
	return e != NULL ? e->me_type : NULL;
}

const char *
mime_type(const char *filename)
{
	const char *base, *dot, *type;
	char ext[MIME_EXT_MAX];
	size_t i, len;

	if ((base = strrchr(filename, '/')) != NULL)
		base++;
	else
		base = filename;
	/* ".profile" has no extension, it is a hidden name */
	if ((dot = strrchr(base, '.')) == NULL || dot == base ||
	    (len = strlen(dot + 1)) == 0 || len >= sizeof(ext))
		return MIME_DEFAULT_TYPE;
	for (i = 0; i <= len; i++)
		ext[i] = tolower((unsigned char)dot[1 + i]);
	if ((type = mime_find(mime_tab, mime_n, ext)) ==
	    NULL && (type = mime_find(mime_builtin,
	    sizeof(mime_builtin) / sizeof(mime_builtin[0]),
	    ext)) == NULL)
		return MIME_DEFAULT_TYPE;
	return type;
}
