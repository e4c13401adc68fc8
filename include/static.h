/* SPDX-License-Identifier: ISC */
/*
 * static.h: static file responses, in the front (unprivileged, chrooted).
 * Files are opened beneath the document root dirfd with openat2(2)
 * RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS; nothing else is reachable.
 */
#ifndef CGIJAIL_STATIC_H
#define CGIJAIL_STATIC_H

#include <sys/types.h>
#include <sys/stat.h>

#include <stdint.h>

#include "config.h"
#include "http.h"

struct static_reply {
	int	 sr_status;	/* 200 206 301 304 403 404 405 414 416 500 */
	int	 sr_fd;		/* file to send with sendfile, or -1 */
	off_t	 sr_off;	/* first byte to send */
	off_t	 sr_len;	/* bytes to send (= Content-Length) */
	char	*sr_body;	/* generated body (autoindex), malloc'd */
	size_t	 sr_body_len;
	/* >= 400: why, in words for the log and a --debug page (static) */
	const char *sr_why;
	/* extra header lines, each ending "\r\n": Content-Type,
	 * Last-Modified, ETag, Accept-Ranges, Content-Range, Location */
	char	 sr_headers[2048];
	int	 sr_shared;	/* sr_fd is the cache's: never closed here */
	int	 sr_direct;	/* sr_fd is the file the path names itself */
};

/*
 * Serve req->hr_path (normalised, not under a CGI dir, no dot segment) as
 * a static file or directory.  Never fails hard: every outcome is a status
 * in out->sr_status.  Only GET and HEAD reach here (else 405, "Allow").
 *
 * 200/206: sr_fd (sr_off, sr_len) or sr_body (sr_len = sr_body_len).
 * 301: Location (414 when it would not fit in sr_headers).  304: ETag and
 * Last-Modified only, sr_len 0.  403/404/405/414/416/500: no fd, no body,
 * sr_len 0; the caller sends its error page (416 carries Content-Range).
 * Symlinks that leave the root (EXDEV) are 404: nothing is said about
 * what lies outside; ELOOP, EACCES, FIFOs, devices, sockets are 403.
 * HEAD is the caller's business: every field is filled as for GET.
 */
void	static_serve(int docroot_fd, const struct config *,
	    const struct http_request *, struct static_reply *out);
/*
 * The same beneath another root: a student's tree (userdir), whose URL
 * prefix ("/~NAME") goes in front of a Location and a listing's title;
 * hr_path is below that root, "" for the root named without its slash
 * (a 301 to prefix + "/").  static_serve() is static_serve_at(fd, "").
 */
void	static_serve_at(int root_fd, const char *prefix,
	    const struct config *, const struct http_request *,
	    struct static_reply *out);
/*
 * The same for a file already open as fd (the cache's, never closed
 * here: sr_shared), named by hr_path beneath the document root; head,
 * if not NULL, is what static_file_head() gave for it.
 */
void	static_serve_open(int fd, const struct stat *, const char *head,
	    const struct config *, const struct http_request *,
	    struct static_reply *out);
/* a whole file's head lines (200) in buf, as served: -1 if too long */
int	static_file_head(const char *name, const struct stat *, char *buf,
	    size_t bufsz);
/* closes sr_fd (unless sr_shared), frees sr_body; safe to call twice */
void	static_reply_free(struct static_reply *);

/*
 * static_cache.c: files served before, by the real path that named them
 * beneath the document root (see the file).  A hit is the file's
 * descriptor and stat, valid until the entry is released; hold it while
 * sending from se_fd.
 */
#define STATIC_CACHE_PATH	256	/* longer paths are not cached */
#define STATIC_CACHE_MAP	16384	/* files up to this size are mapped */
struct static_cache_ent {
	char		se_path[STATIC_CACHE_PATH];
	int		se_fd;
	struct stat	se_st;
	char		se_head[512];	/* static_file_head()'s, or "" */
	void		*se_map;	/* a small file mapped, or NULL */
	size_t		 se_maplen;
	int		se_refs;	/* connections sending from se_fd */
	int		se_dead;	/* out of the cache: freed at release */
};
/* before the drop: on only when the root is on a local file system */
void	static_cache_init(int rootfd);
/*
 * path's entry, if the change queue was read after the request's bytes
 * came (in the front's read number rgen).  NULL: walk and open; but if
 * *due is 1 there is one, and a look at the queue comes first.
 */
struct static_cache_ent *static_cache_get(const char *path, uint64_t rgen,
	    int *due);
/* read the change queue: it covers every request that came by read now */
void	static_cache_look(uint64_t now);
/* after path was served as itself (no link on the way): keep it open */
void	static_cache_add(int rootfd, const char *path);
/* out of descriptors: every entry goes; how many there were */
int	static_cache_clear(void);
void	static_cache_hold(struct static_cache_ent *);
void	static_cache_release(struct static_cache_ent *);

#endif
