/* SPDX-License-Identifier: ISC */
/*
 * static.c: static files, directory redirects and listings, beneath the
 * document root or a student's tree (userdir: its URL prefix, /~NAME, in
 * front of every Location and listing title).  Runs in the front
 * (unprivileged, chrooted, seccomp'd).  Trusts only the root dirfd and
 * the caller's normalisation of hr_path; the request headers and every
 * name found on disk are hostile.
 */
#include <sys/types.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include <linux/openat2.h>

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "http.h"
#include "mime.h"
#include "page_style.h"
#include "static.h"

#define STATIC_LIST_MAX		10000	/* autoindex entries shown */
#define STATIC_OPEN_TRIES	4	/* openat2 EAGAIN: a racing rename */
#define STATIC_NAME_ESC		(NAME_MAX * 6 + 1)	/* "&quot;" per byte */

struct static_dirent {
	char		*sd_name;
	off_t		 sd_size;
	time_t		 sd_mtime;
	int		 sd_isdir;
};

void
static_reply_free(struct static_reply *out)
{
	if (out->sr_fd != -1 && !out->sr_shared)
		close(out->sr_fd);
	out->sr_fd = -1;
	free(out->sr_body);
	out->sr_body = NULL;
	out->sr_body_len = 0;
}

/* append one "Name: value\r\n" line; -1 (nothing added) if it won't fit */
static int __attribute__((format(printf, 2, 3)))
static_hdr_add(struct static_reply *out, const char *fmt, ...)
{
	size_t used = strlen(out->sr_headers);
	size_t room = sizeof(out->sr_headers) - used;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(out->sr_headers + used, room, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n + 2 >= room) {
		out->sr_headers[used] = '\0';
		return -1;
	}
	memcpy(out->sr_headers + used + n, "\r\n", 3);
	return 0;
}

/* an outcome without a body, and why: the caller sends its own page */
static void
static_fail(struct static_reply *out, int status, const char *why)
{
	static_reply_free(out);
	out->sr_status = status;
	out->sr_why = why;
	out->sr_off = 0;
	out->sr_len = 0;
	out->sr_headers[0] = '\0';
}

static int
static_errno_status(int error)
{
	switch (error) {
	case ENOENT:
	case ENOTDIR:
	case ENAMETOOLONG:
	case EXDEV:	/* a symlink out of the root: say nothing about it */
		return 404;
	case EACCES:
	case EPERM:
	case ELOOP:	/* also RESOLVE_NO_MAGICLINKS refusing /proc links */
	case ENXIO:	/* a unix socket */
	case ENODEV:
		return 403;
	default:
		return 500;
	}
}

/* the same errors in words, for the log and a --debug page */
static const char *
static_errno_why(int error)
{
	switch (error) {
	case ENOENT:
	case ENOTDIR:
		return "no such file or directory";
	case ENAMETOOLONG:
		return "name too long";
	case EXDEV:
		return "a symlink that leaves the document root";
	case EACCES:
	case EPERM:
		return "permission denied: the front's user may not read it, "
		    "or may not search a directory above it";
	case ELOOP:
		return "a symlink (a file is never served through one), or "
		    "too many of them";
	case ENXIO:
	case ENODEV:
		return "a socket or a device, never served";
	default:
		return "cannot open it";
	}
}

/*
 * openat2 beneath the root; EAGAIN means a racing rename: try again.
 * A file or directory that is served is never reached through a symlink:
 * the front resolved the request's links itself and routed on the real
 * path, so a link met here (an index.html pointing into cgi-bin/) is
 * refused.  Listings (O_PATH) may still look through links for metadata.
 */
static int
static_openat2(int docroot_fd, const char *rel, uint64_t flags)
{
	struct open_how how;
	int fd = -1, tries;

	memset(&how, 0, sizeof(how));
	how.flags = flags;
	how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
	if ((flags & O_PATH) == 0)
		how.resolve |= RESOLVE_NO_SYMLINKS;
	for (tries = 0; tries < STATIC_OPEN_TRIES; tries++) {
		fd = syscall(SYS_openat2, docroot_fd, rel, &how, sizeof(how));
		if (fd != -1 || (errno != EAGAIN && errno != EINTR))
			break;
	}
	return fd;
}

/*
 * O_NONBLOCK so that a FIFO never blocks the event loop.  Only regular
 * files and directories come back; else -1 and *status.  With O_PATH
 * (listings) nothing is really opened: no device driver sees an open.
 */
static int
static_open(int docroot_fd, const char *rel, int pathonly, struct stat *st,
    int *status, const char **why)
{
	uint64_t flags = O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK;
	int fd;

	if (pathonly)
		flags = O_PATH | O_CLOEXEC;
	if ((fd = static_openat2(docroot_fd, rel, flags)) == -1) {
		*status = static_errno_status(errno);
		*why = static_errno_why(errno);
		return -1;
	}
	if (fstat(fd, st) == -1) {
		*status = 500;
		*why = "cannot stat it";
		close(fd);
		return -1;
	}
	if (!S_ISREG(st->st_mode) && !S_ISDIR(st->st_mode)) {
		*status = 403;
		*why = "not a regular file or a directory, never served";
		close(fd);
		return -1;
	}
	return fd;
}

/* "dir/" + name below the root, as a relative path for openat2 */
static int
static_join(char *dst, size_t dstsz, const char *rel, const char *name)
{
	int n;

	if (strcmp(rel, ".") == 0)
		n = snprintf(dst, dstsz, "%s", name);
	else
		n = snprintf(dst, dstsz, "%s%s%s", rel,
		    rel[strlen(rel) - 1] == '/' ? "" : "/", name);
	return (n < 0 || (size_t)n >= dstsz) ? -1 : 0;
}

/*
 * If-Match (strong comparison), else If-Unmodified-Since: false is 412,
 * before any other condition (RFC 9110 13.1.1, 13.1.4, 13.2.2)
 */
static int
static_precondition_failed(const struct http_request *req, const char *etag,
    time_t mtime)
{
	const char *v;
	time_t since;

	if ((v = http_field_get(req, "If-Match")) != NULL)
		return !http_etag_match_strong(v, etag);
	if ((v = http_field_get(req, "If-Unmodified-Since")) == NULL ||
	    http_date_parse(v, &since) == -1)
		return 0;
	return mtime > since;
}

/* If-None-Match wins over If-Modified-Since (RFC 9110 13.2.2) */
static int
static_not_modified(const struct http_request *req, const char *etag,
    time_t mtime)
{
	const char *v;
	time_t since;

	if ((v = http_field_get(req, "If-None-Match")) != NULL)
		return http_etag_match(v, etag);
	if ((v = http_field_get(req, "If-Modified-Since")) == NULL ||
	    http_date_parse(v, &since) == -1)
		return 0;
	return mtime <= since;
}

/*
 * If-Range: a strong, exact ETag, or the exact Last-Modified date when it
 * is a strong validator: a second at least before the response's Date
 * (RFC 9110 13.1.5, 8.8.2.2); a file changed within its second may
 * change again, same size, under the same date.
 */
static int
static_if_range_ok(const struct http_request *req, const char *etag,
    time_t mtime)
{
	const char *v;
	time_t date;

	if ((v = http_field_get(req, "If-Range")) == NULL)
		return 1;
	if (v[0] == '"')
		return strcmp(v, etag) == 0;
	if (v[0] == 'W' && v[1] == '/')
		return 0;
	return http_date_parse(v, &date) == 0 && date == mtime &&
	    mtime < time(NULL);
}

/* 206 or 416 if a single satisfiable Range applies; else leave the 200 */
static void
static_range(const struct http_request *req, const char *etag,
    const struct stat *st, struct static_reply *out)
{
	const char *v;
	off_t off, len;
	int rc;

	if (req->hr_method != HTTP_M_GET ||
	    (v = http_field_get(req, "Range")) == NULL ||
	    !static_if_range_ok(req, etag, st->st_mtim.tv_sec))
		return;
	rc = http_range_parse(v, st->st_size, &off, &len);
	if (rc == -416) {
		static_fail(out, 416, "range not satisfiable");
		static_hdr_add(out, "Content-Range: bytes */%lld",
		    (long long)st->st_size);
		return;
	}
	/* do not trust the parser with our file offsets */
	if (rc != 1 || off < 0 || len <= 0 || off > st->st_size - len)
		return;
	if (static_hdr_add(out, "Content-Range: bytes %lld-%lld/%lld",
	    (long long)off, (long long)(off + len - 1),
	    (long long)st->st_size) == -1)
		return;
	out->sr_status = 206;
	out->sr_off = off;
	out->sr_len = len;
}

/* a file's validator and Last-Modified date */
static void
static_validators(const struct stat *st, char *etag, size_t etagsz,
    char *date, size_t datesz)
{
	snprintf(etag, etagsz, "\"%llx-%lx-%llx\"",
	    (unsigned long long)st->st_mtim.tv_sec,
	    (unsigned long)st->st_mtim.tv_nsec,
	    (unsigned long long)st->st_size);
	http_date_format(st->st_mtim.tv_sec, date, datesz);
}

/* the lines of a whole file's 200 */
static int
static_whole_lines(struct static_reply *out, const char *name,
    const char *etag, const char *date)
{
	if (static_hdr_add(out, "Content-Type: %s", mime_type(name)) == -1 ||
	    static_hdr_add(out, "Last-Modified: %s", date) == -1 ||
	    static_hdr_add(out, "ETag: %s", etag) == -1 ||
	    static_hdr_add(out, "Accept-Ranges: bytes") == -1)
		return -1;
	return 0;
}

/* a regular file already open as fd; name gives the type */
static void
static_serve_file(const struct http_request *req, int fd,
    const struct stat *st, const char *name, struct static_reply *out)
{
	char etag[80], date[40];

	out->sr_fd = fd;
	static_validators(st, etag, sizeof(etag), date, sizeof(date));
	if (static_precondition_failed(req, etag, st->st_mtim.tv_sec)) {
		static_fail(out, 412, "a precondition (If-Match, "
		    "If-Unmodified-Since) is false");
		return;
	}
	if (static_not_modified(req, etag, st->st_mtim.tv_sec)) {
		static_fail(out, 304, NULL);
		if (static_hdr_add(out, "ETag: %s", etag) == -1 ||
		    static_hdr_add(out, "Last-Modified: %s", date) == -1)
			static_fail(out, 500, "response head too long");
		return;
	}
	if (static_whole_lines(out, name, etag, date) == -1) {
		static_fail(out, 500, "response head too long");
		return;
	}
	out->sr_status = 200;
	out->sr_off = 0;
	out->sr_len = st->st_size;
	static_range(req, etag, st, out);
}

int
static_file_head(const char *name, const struct stat *st, char *buf,
    size_t bufsz)
{
	struct static_reply	tmp;
	char			etag[80], date[40];

	tmp.sr_headers[0] = '\0';
	static_validators(st, etag, sizeof(etag), date, sizeof(date));
	if (static_whole_lines(&tmp, name, etag, date) == -1 ||
	    strlcpy(buf, tmp.sr_headers, bufsz) >= bufsz) {
		buf[0] = '\0';
		return -1;
	}
	return 0;
}

/*
 * A path keeps only unreserved bytes and '/': safe in a Location field
 * and in an href, and a name like "a:b" cannot pass for a scheme.  A raw
 * query keeps all but CTL, space and 8-bit bytes, which never go in a
 * header.
 */
static int
static_pct_encode(char *dst, size_t dstsz, const char *src, int query)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *s = (const unsigned char *)src;
	size_t o = 0;
	int keep;

	for (; *s != '\0'; s++) {
		keep = query ? (*s > 0x20 && *s < 0x7f) :
		    (isalnum(*s) || strchr("-._~/", *s) != NULL);
		if (o + (keep ? 1 : 3) >= dstsz)
			return -1;
		if (keep) {
			dst[o++] = *s;
			continue;
		}
		dst[o++] = '%';
		dst[o++] = hex[*s >> 4];
		dst[o++] = hex[*s & 15];
	}
	dst[o] = '\0';
	return 0;
}

/* "/dir" is a directory: 301 to "/dir/" (with the query) */
static void
static_redirect(const struct http_request *req, const char *prefix,
    struct static_reply *out)
{
	char path[sizeof(out->sr_headers)], query[sizeof(out->sr_headers)];
	char pre[sizeof(out->sr_headers)];

	if (static_pct_encode(pre, sizeof(pre), prefix, 0) == -1 ||
	    static_pct_encode(path, sizeof(path), req->hr_path, 0) == -1 ||
	    static_pct_encode(query, sizeof(query), req->hr_query, 1) == -1 ||
	    static_hdr_add(out, "Location: %s%s/%s%s", pre, path,
	    query[0] != '\0' ? "?" : "", query) == -1) {
		static_fail(out, 414, "redirect location too long");
		return;
	}
	out->sr_status = 301;
}

/*
 * An entry for the listing, by its final target when it is a symlink; a
 * link out of the root or to a FIFO is left out (-1), as are dotfiles.
 */
static int
static_list_stat(int docroot_fd, const char *rel, DIR *d, const char *name,
    struct stat *st)
{
	char path[PATH_MAX];
	const char *why;
	int fd, status;

	if (name[0] == '.' ||
	    fstatat(dirfd(d), name, st, AT_SYMLINK_NOFOLLOW) == -1)
		return -1;
	if (S_ISLNK(st->st_mode)) {
		/* fstatat would follow it out of the root: openat2 will not */
		if (static_join(path, sizeof(path), rel, name) == -1 ||
		    (fd = static_open(docroot_fd, path, 1, st, &status,
		    &why)) == -1)
			return -1;
		close(fd);
	}
	return (S_ISREG(st->st_mode) || S_ISDIR(st->st_mode)) ? 0 : -1;
}

static int
static_list_cmp(const void *a, const void *b)
{
	return strcmp(((const struct static_dirent *)a)->sd_name,
	    ((const struct static_dirent *)b)->sd_name);
}

static void
static_list_free(struct static_dirent *ents, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(ents[i].sd_name);
	free(ents);
}

/* read, filter and sort the directory; -1 on memory or read failure */
static int
static_list_read(int docroot_fd, const char *rel, DIR *d,
    struct static_dirent **entsp, size_t *np)
{
	struct static_dirent *ents = NULL, *e;
	size_t n = 0, cap = 0;
	struct dirent *de;
	struct stat st;

	for (;;) {
		/* readdir tells an error from the end only by errno */
		errno = 0;
		if (n >= STATIC_LIST_MAX || (de = readdir(d)) == NULL)
			break;
		if (static_list_stat(docroot_fd, rel, d, de->d_name, &st) == -1)
			continue;
		if (n == cap) {
			if ((e = reallocarray(ents, cap * 2 + 32,
			    sizeof(*e))) == NULL)
				goto fail;
			ents = e;
			cap = cap * 2 + 32;
		}
		e = &ents[n];
		if ((e->sd_name = strdup(de->d_name)) == NULL)
			goto fail;
		e->sd_size = st.st_size;
		e->sd_mtime = st.st_mtim.tv_sec;
		e->sd_isdir = S_ISDIR(st.st_mode);
		n++;
	}
	if (errno != 0)
		goto fail;
	if (n > 0)
		qsort(ents, n, sizeof(*ents), static_list_cmp);
	*entsp = ents;
	*np = n;
	return 0;
fail:
	static_list_free(ents, n);
	return -1;
}

/* HTML text: control bytes become '?', then the markup characters escape */
static int
static_html_text(char *dst, size_t dstsz, const char *src)
{
	char *tmp, *p;
	int rc;

	if ((tmp = strdup(src)) == NULL)
		return -1;
	for (p = tmp; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	rc = http_html_escape(dst, dstsz, tmp);
	free(tmp);
	return rc < 0 ? -1 : 0;
}

static void
static_list_row(FILE *f, const struct static_dirent *e)
{
	char href[NAME_MAX * 3 + 1], text[STATIC_NAME_ESC], when[32];
	struct tm tm;
	const char *slash = e->sd_isdir ? "/" : "";

	if (static_pct_encode(href, sizeof(href), e->sd_name, 0) == -1 ||
	    static_html_text(text, sizeof(text), e->sd_name) == -1)
		return;
	if (gmtime_r(&e->sd_mtime, &tm) == NULL ||
	    strftime(when, sizeof(when), "%Y-%m-%d %H:%M", &tm) == 0)
		strlcpy(when, "-", sizeof(when));
	fprintf(f, "<tr><td><a href=\"%s%s\">%s%s</a></td>", href, slash,
	    text, slash);
	if (e->sd_isdir)
		fprintf(f, "<td>-</td>");
	else
		fprintf(f, "<td>%lld</td>", (long long)e->sd_size);
	fprintf(f, "<td>%s</td></tr>\n", when);
}

/* the page for prefix + req->hr_path; -1 when out of memory */
static int
static_list_render(const struct http_request *req, const char *prefix,
    const struct static_dirent *ents, size_t n, struct static_reply *out)
{
	FILE *f;
	char *title, *path;
	size_t i, titlesz = (strlen(prefix) + strlen(req->hr_path)) * 6 + 1;
	int rc;

	if ((title = malloc(titlesz)) == NULL)
		return -1;
	if (asprintf(&path, "%s%s", prefix, req->hr_path) == -1) {
		free(title);
		return -1;
	}
	rc = static_html_text(title, titlesz, path);
	free(path);
	if (rc == -1 ||
	    (f = open_memstream(&out->sr_body, &out->sr_body_len)) == NULL) {
		free(title);
		return -1;
	}
	fprintf(f, "<!DOCTYPE html>\n<html lang=\"en\"><head>"
	    "<meta charset=\"utf-8\"><title>Index of %s</title>\n%s"
	    "</head>\n<body><h1>Index of %s</h1>\n"
	    "<table>\n<tr><th>Name</th><th>Size</th><th>Last modified "
	    "(UTC)</th></tr>\n", title, PAGE_STYLE, title);
	free(title);
	if (strcmp(req->hr_path, "/") != 0)
		fprintf(f, "<tr><td><a href=\"../\">../</a></td><td>-</td>"
		    "<td></td></tr>\n");
	for (i = 0; i < n; i++)
		static_list_row(f, &ents[i]);
	fprintf(f, "</table>\n</body></html>\n");
	rc = ferror(f) ? -1 : 0;
	if (fclose(f) != 0)
		rc = -1;
	return rc;
}

/* the autoindex page; consumes dfd */
static void
static_autoindex(int docroot_fd, const char *rel, int dfd,
    const struct http_request *req, const char *prefix,
    struct static_reply *out)
{
	struct static_dirent *ents = NULL;
	size_t n = 0;
	DIR *d;
	int failed;

	if ((d = fdopendir(dfd)) == NULL) {
		close(dfd);
		static_fail(out, 500, "cannot list the directory");
		return;
	}
	failed = static_list_read(docroot_fd, rel, d, &ents, &n) == -1 ||
	    static_list_render(req, prefix, ents, n, out) == -1 ||
	    static_hdr_add(out, "Content-Type: text/html; charset=utf-8") == -1;
	closedir(d);
	static_list_free(ents, n);
	if (failed) {
		static_fail(out, 500, "cannot list the directory (out of "
		    "memory?)");
		return;
	}
	out->sr_status = 200;
	out->sr_len = out->sr_body_len;
}

/*
 * Index name i, joined to the directory's path and opened from the root
 * (so an index symlink may point anywhere beneath the root).  1: out is
 * final; 0: no such index file, try the next.
 */
static int
static_try_index(int docroot_fd, const struct config *cf, size_t i,
    const char *rel, const struct http_request *req,
    struct static_reply *out)
{
	char name[CONFIG_NAME_MAX], path[PATH_MAX];
	const char *why = NULL;
	struct stat st;
	int fd, status;

	if (memchr(cf->cf_index[i], '\0', CONFIG_NAME_MAX) == NULL)
		return 0;
	strlcpy(name, cf->cf_index[i], sizeof(name));
	if (name[0] == '\0' || name[0] == '.' || strchr(name, '/') != NULL ||
	    static_join(path, sizeof(path), rel, name) == -1)
		return 0;
	if ((fd = static_open(docroot_fd, path, 0, &st, &status,
	    &why)) == -1) {
		if (status == 404)
			return 0;
		static_fail(out, status, why);
		return 1;
	}
	if (S_ISDIR(st.st_mode)) {
		close(fd);
		return 0;
	}
	static_serve_file(req, fd, &st, name, out);
	return 1;
}

/* consumes dfd */
static void
static_serve_dir(int docroot_fd, const char *prefix, const struct config *cf,
    const struct http_request *req, const char *rel, int dfd,
    struct static_reply *out)
{
	size_t i, nindex, len = strlen(req->hr_path);

	if (len == 0 || req->hr_path[len - 1] != '/') {
		close(dfd);
		static_redirect(req, prefix, out);
		return;
	}
	nindex = cf->cf_nindex < CONFIG_INDEX_MAX ? cf->cf_nindex :
	    CONFIG_INDEX_MAX;
	for (i = 0; i < nindex; i++) {
		if (static_try_index(docroot_fd, cf, i, rel, req, out)) {
			close(dfd);
			return;
		}
	}
	if (!cf->cf_autoindex) {
		close(dfd);
		static_fail(out, 403, "a directory without an index file, and "
		    "autoindex is off");
		return;
	}
	static_autoindex(docroot_fd, rel, dfd, req, prefix, out);
}

/*
 * "/a/b" → "a/b", "/" → ".", and below a prefix "" → "." (the tree's
 * root, named without its slash: redirected).  The caller promised a
 * normalised path with no dot segment; a broken promise is a 404, not a
 * dotfile served.
 */
static int
static_relpath(const struct http_request *req, const char *prefix, char *rel,
    size_t relsz)
{
	const char *p = req->hr_path;

	if (prefix[0] != '\0' && p[0] == '\0')
		return strlcpy(rel, ".", relsz) >= relsz ? -1 : 0;
	if (memchr(p, '\0', sizeof(req->hr_path)) == NULL || p[0] != '/' ||
	    strstr(p, "/.") != NULL || strstr(p, "//") != NULL)
		return -1;
	if (p[1] == '\0')
		return strlcpy(rel, ".", relsz) >= relsz ? -1 : 0;
	return strlcpy(rel, p + 1, relsz) >= relsz ? -1 : 0;
}

void
static_serve(int docroot_fd, const struct config *cf,
    const struct http_request *req, struct static_reply *out)
{
	static_serve_at(docroot_fd, "", cf, req, out);
}

/* an empty reply; -1 (and the 405) if the method is not one for files */
static int
static_begin(const struct http_request *req, struct static_reply *out)
{
	memset(out, 0, sizeof(*out));
	out->sr_fd = -1;
	if (req->hr_method != HTTP_M_GET && req->hr_method != HTTP_M_HEAD) {
		static_fail(out, 405, "a static file takes GET or HEAD only");
		static_hdr_add(out, "Allow: GET, HEAD");
		return -1;
	}
	return 0;
}

void
static_serve_at(int docroot_fd, const char *prefix, const struct config *cf,
    const struct http_request *req, struct static_reply *out)
{
	char rel[PATH_MAX];
	const char *why = NULL;
	struct stat st;
	int fd, status;

	if (static_begin(req, out) == -1)
		return;
	if (static_relpath(req, prefix, rel, sizeof(rel)) == -1) {
		static_fail(out, 404, "not a normalised path");
		return;
	}
	if ((fd = static_open(docroot_fd, rel, 0, &st, &status, &why)) == -1) {
		static_fail(out, status, why);
		return;
	}
	if (S_ISDIR(st.st_mode))
		static_serve_dir(docroot_fd, prefix, cf, req, rel, fd, out);
	else {
		static_serve_file(req, fd, &st, rel, out);
		out->sr_direct = 1;
	}
}

void
static_serve_open(int fd, const struct stat *st, const char *head,
    const struct config *cf, const struct http_request *req,
    struct static_reply *out)
{
	char	rel[PATH_MAX];

	if (static_begin(req, out) == -1)
		return;
	if (static_relpath(req, "", rel, sizeof(rel)) == -1 ||
	    !S_ISREG(st->st_mode)) {
		static_fail(out, 404, "not a normalised path");
		return;
	}
	out->sr_shared = 1;
	out->sr_direct = 1;
	/* no condition, no range: the lines made when the file was kept */
	if (head != NULL && head[0] != '\0' &&
	    http_field_get(req, "If-None-Match") == NULL &&
	    http_field_get(req, "If-Modified-Since") == NULL &&
	    http_field_get(req, "If-Match") == NULL &&
	    http_field_get(req, "If-Unmodified-Since") == NULL &&
	    (req->hr_method != HTTP_M_GET ||
	    http_field_get(req, "Range") == NULL) &&
	    strlcpy(out->sr_headers, head, sizeof(out->sr_headers)) <
	    sizeof(out->sr_headers)) {
		out->sr_fd = fd;
		out->sr_status = 200;
		out->sr_len = st->st_size;
		return;
	}
	out->sr_headers[0] = '\0';
	static_serve_file(req, fd, st, rel, out);
}
