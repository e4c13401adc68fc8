/* SPDX-License-Identifier: ISC */
/*
 * front_route.c: where a request goes, in the front.  Every decision is
 * made on the decoded, normalised path with its symlinks resolved beneath
 * the document root, or beneath a student's tree for /~NAME/ (userdir,
 * front_userdir.c): a cgi-route, a script in a CGI directory (never its
 * source), or a static file.  Trusts nothing in the request or the tree.
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "front.h"
#include "path.h"
#include "log.h"
#include "msg.h"
#include "static.h"

#define FRONT_STATIC_INLINE	16384	/* a body read and sent with its head */

/*
 * A static or routing refusal: a log line with the path (log.c escapes
 * it) and why, under the request's id (404s only with --debug: scanners
 * make many); the page says why with --debug.
 */
static void
front_refuse(struct front_conn *c, int status, const char *path,
    const char *why)
{
	enum log_level	lvl = LOG_LVL_INFO;

	if (why == NULL)
		why = http_reason(status);
	if (status == 404 || status == 405 || status == 414)
		lvl = LOG_LVL_DEBUG;
	else if (status >= 500)
		lvl = LOG_LVL_WARN;
	front_log(c, lvl, "%s: %d, %s", path, status, why);
	front_error_why(c, status, why);
}

#define FRONT_ROUTE_DOT	"a name that starts with a dot: never served"
#define FRONT_ROUTE_AUTH "behind an authenticate line this request did not " \
			"pass (a symlink or a script's redirect into it)"
/* one reason for every name that is not a student served: no probing */
#define FRONT_ROUTE_NOUSER	"no such user directory"

/* requests for kept files waiting for the end of the turn, in order */
static struct front_conn	*front_route_waiting;
static struct front_conn	**front_route_tail = &front_route_waiting;

/* why a path could not be resolved beneath the document root */
static const char *
front_route_errno_why(int error)
{
	switch (error) {
	case ENOENT:
	case ENOTDIR:
		return "no such file or directory";
	case ENAMETOOLONG:
		return "path too long";
	case EXDEV:
		return "a symlink that leaves the document root";
	case ELOOP:
		return "too many symlinks";
	case EACCES:
	case EPERM:
		return "permission denied: the front's user may not search a "
		    "directory on the way";
	default:
		return "cannot resolve the path";
	}
}

/* what is left of the body goes from the file as the socket takes it */
static void
front_static_rest(struct front_conn *c, struct static_reply *rep,
    struct static_cache_ent *ent, off_t sent)
{
	c->c_file_fd = rep->sr_fd;
	if (rep->sr_shared) {
		c->c_file_ent = ent;
		static_cache_hold(ent);
	}
	rep->sr_fd = -1;
	c->c_file_off = rep->sr_off + sent;
	c->c_file_left = rep->sr_len - sent;
}

/*
 * A kept small file is mapped (static_cache.c): head and body go in one
 * sendmsg, the kernel copying the file's current bytes (only the kernel
 * reads the mapping: a file cut short meanwhile is EFAULT, never a
 * signal).  What the socket does not take now follows from the file.
 * -1: the connection is to close.
 */
static int
front_static_sendv(struct front_conn *c, struct static_reply *rep,
    struct static_cache_ent *ent)
{
	struct iovec	iov[2];
	struct msghdr	mh = { .msg_iov = iov, .msg_iovlen = 2 };
	size_t		head = c->c_outlen - c->c_outoff;
	ssize_t		n;

	iov[0].iov_base = c->c_out + c->c_outoff;
	iov[0].iov_len = head;
	iov[1].iov_base = (char *)ent->se_map + rep->sr_off;
	iov[1].iov_len = (size_t)rep->sr_len;
	/* MSG_MORE on the last response: the FIN goes with it */
	n = sendmsg(c->c_ev.fe_fd, &mh, MSG_NOSIGNAL |
	    (c->c_close_after ? MSG_MORE : 0));
	if (n == -1 && errno != EAGAIN && errno != EINTR)
		return -1;
	if (n <= 0)
		n = 0;
	else {
		front_metrics_out(c, (size_t)n);
		c->c_deadline_ms = front_now_ms() + FRONT_IO_TIMEOUT_MS;
	}
	if ((size_t)n < head) {
		c->c_outoff += (size_t)n;
		n = 0;
	} else {
		c->c_outoff = c->c_outlen;
		n -= (ssize_t)head;
	}
	if (n < rep->sr_len)
		front_static_rest(c, rep, ent, n);
	return 0;
}

/*
 * A small body goes out with its head, in one send: mapped, or read now
 * (-1: the file shrank under us).  A bigger one is sent from the file as
 * the socket takes it, the cache's descriptor held until then.
 */
static int
front_static_body(struct front_conn *c, struct static_reply *rep,
    struct static_cache_ent *ent)
{
	char	buf[FRONT_STATIC_INLINE];
	ssize_t	n;

	if (rep->sr_shared && ent->se_map != NULL && c->c_tls == NULL &&
	    rep->sr_off + rep->sr_len <= (off_t)ent->se_maplen)
		return front_static_sendv(c, rep, ent);
	if (rep->sr_len <= (off_t)sizeof(buf)) {
		n = pread(rep->sr_fd, buf, (size_t)rep->sr_len, rep->sr_off);
		if (n != (ssize_t)rep->sr_len)
			return -1;
		front_out_append(c, buf, (size_t)n);
		return 0;
	}
	front_static_rest(c, rep, ent, 0);
	return 0;
}

/* ent: the file from the cache; else keep it there if cache says so */
static void
front_serve_static(struct front_conn *c, const struct front_tree *t,
    struct static_cache_ent *ent, int cache)
{
	struct static_reply	rep;
	struct http_request	*r = c->c_req;
	char			 shown[sizeof(t->ft_prefix) + sizeof(r->hr_path)];

	if (r->hr_method != HTTP_M_GET && r->hr_method != HTTP_M_HEAD) {
		front_error(c, 405);
		return;
	}
	if (r->hr_content_length > 0 || r->hr_chunked)
		c->c_close_after = 1;	/* the body is never read */
	if (ent != NULL)
		static_serve_open(ent->se_fd, &ent->se_st, ent->se_head,
		    front_cfg, r, &rep);
	else
		static_serve_at(t->ft_fd, t->ft_prefix, front_cfg, r, &rep);
	if (rep.sr_status >= 400 && rep.sr_status != 416) {
		static_reply_free(&rep);
		(void)snprintf(shown, sizeof(shown), "%s%s", t->ft_prefix,
		    r->hr_path);
		front_refuse(c, rep.sr_status, shown, rep.sr_why);
		return;
	}
	if (ent == NULL && cache && rep.sr_direct && rep.sr_status != 416)
		static_cache_add(t->ft_fd, r->hr_path);
	front_begin_head(c, rep.sr_status, NULL);
	front_out_append(c, rep.sr_headers, strlen(rep.sr_headers));
	if (rep.sr_status != 304)
		front_out_printf(c, "Content-Length: %lld\r\n",
		    rep.sr_body ? (long long)rep.sr_body_len :
		    (long long)rep.sr_len);
	front_out_append(c, "\r\n", 2);
	if (!c->c_head_only && rep.sr_status != 304) {
		if (rep.sr_body != NULL) {
			front_out_append(c, rep.sr_body, rep.sr_body_len);
			c->c_body_bytes = rep.sr_body_len;
		} else if (rep.sr_fd != -1 && rep.sr_len > 0) {
			if (front_static_body(c, &rep, ent) == -1) {
				static_reply_free(&rep);
				front_conn_close(c);	/* as a short sendfile */
				return;
			}
			c->c_body_bytes = (uint64_t)rep.sr_len;
		}
	}
	static_reply_free(&rep);
	c->c_state = FRONT_S_RESPOND;
	front_flush(c);
}

/* does path lie in a CGI directory?  Returns that dir's length or 0 */
static size_t
front_cgi_dir(const char *path)
{
	size_t	i, n;

	for (i = 0; i < front_cfg->cf_ncgidir; i++) {
		const char *d = front_cfg->cf_cgidir[i].cd_urlpath;

		n = strlen(d);
		if (strncmp(path, d, n) == 0 &&
		    (path[n] == '/' || path[n] == '\0'))
			return n;
	}
	return 0;
}

/* type of a root-relative path (which starts with '/'): 0, -1 errno */
static int
front_stat_beneath(int rootfd, const char *path, struct stat *st)
{
	struct open_how	how = { .flags = O_PATH | O_CLOEXEC,
	    .resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS };
	int		fd, rc, saved;

	fd = (int)syscall(SYS_openat2, rootfd, path[1] ? path + 1 : ".", &how,
	    sizeof(how));
	if (fd == -1)
		return -1;
	rc = fstat(fd, st);
	saved = errno;
	close(fd);
	errno = saved;
	return rc;
}

/* a directory inside a CGI dir: its first `index` name that is a file */
static int
front_cgi_index(int rootfd, const char *dir, size_t dirlen, char *script,
    size_t scriptsz, const char **why)
{
	struct stat	st;
	size_t		i;

	for (i = 0; i < front_cfg->cf_nindex; i++) {
		if ((size_t)snprintf(script, scriptsz, "%.*s/%s", (int)dirlen,
		    dir, front_cfg->cf_index[i]) >= scriptsz) {
			*why = "path too long";
			return 414;
		}
		if (front_stat_beneath(rootfd, script, &st) == 0 &&
		    S_ISREG(st.st_mode))
			return 0;
	}
	*why = "a CGI directory without an index script: never listed";
	return 403;
}

/*
 * Find the script in path: the first component below the CGI dir that is
 * not a directory.  The rest is PATH_INFO.  0, or an HTTP status.
 */
static int
front_find_script(int rootfd, const char *path, size_t dirlen, char *script,
    size_t scriptsz, const char **path_info, const char **why)
{
	struct stat	 st;
	const char	*p = path + dirlen;
	size_t		 len;

	while (*p == '/') {
		const char *next = strchr(p + 1, '/');

		len = next ? (size_t)(next - path) : strlen(path);
		if (len == (size_t)(p + 1 - path))	/* "dir/": its index */
			break;
		if (len >= scriptsz) {
			*why = "path too long";
			return 414;
		}
		memcpy(script, path, len);
		script[len] = '\0';
		if (front_stat_beneath(rootfd, script, &st) == -1) {
			*why = errno == ENOENT || errno == ENOTDIR ?
			    "no such script" : front_route_errno_why(errno);
			return errno == ENOENT || errno == ENOTDIR ? 404 : 403;
		}
		if (!S_ISDIR(st.st_mode)) {
			*path_info = path + len;
			return 0;
		}
		p = path + len;
	}
	*path_info = "";
	return front_cgi_index(rootfd, path, (size_t)(p - path), script,
	    scriptsz, why);
}

/* cgi-route: every path under a prefix goes to one script */
static int
front_match_route(const char *path, char *script, size_t scriptsz,
    const char **path_info)
{
	size_t	i, n;

	for (i = 0; i < front_cfg->cf_nroute; i++) {
		const struct config_route *cr = &front_cfg->cf_route[i];

		n = strlen(cr->cr_prefix);
		while (n > 1 && cr->cr_prefix[n - 1] == '/')
			n--;
		if (strncmp(path, cr->cr_prefix, n) != 0 ||
		    (n > 1 && path[n] != '/' && path[n] != '\0'))
			continue;
		if (strlcpy(script, cr->cr_script, scriptsz) >= scriptsz)
			return -1;
		*path_info = n > 1 ? path + n : path;
		return 1;
	}
	return 0;
}

/*
 * A CGI directory or cgi-route prefix spelled in another case: on a
 * case-insensitive file system it is the same directory, so its scripts
 * are never served as files (the executor still matches case-sensitively:
 * they do not run either).  The name matched, or NULL.
 */
static const char *
front_cgi_other_case(const char *path)
{
	const char	*d;
	size_t		 i;

	for (i = 0; i < front_cfg->cf_ncgidir; i++) {
		d = front_cfg->cf_cgidir[i].cd_urlpath;
		if (path_under_nocase(path, d, strlen(d)))
			return d;
	}
	for (i = 0; i < front_cfg->cf_nroute; i++) {
		d = front_cfg->cf_route[i].cr_prefix;
		if (strspn(d, "/") < strlen(d) &&
		    path_under_nocase(path, d, strlen(d)))
			return d;
	}
	return NULL;
}

static int
front_has_dot_segment(const char *path)
{
	return strstr(path, "/.") != NULL;
}

/*
 * path (resolved) is in no CGI directory: a static file, or refused.
 * ent: its cached descriptor; cache: path is the request's own (no link
 * on the way), the file may be kept.
 */
static void
front_route_static(struct front_conn *c, const struct front_tree *t,
    const char *path, struct static_cache_ent *ent, int cache)
{
	/* 404, as for any other name that is never a file */
	if (front_cgi_other_case(path) != NULL) {
		front_refuse(c, 404, path, "names a CGI directory in another "
		    "case: never served as files");
		return;
	}
	if (strlcpy(c->c_req->hr_path, path, sizeof(c->c_req->hr_path)) >=
	    sizeof(c->c_req->hr_path)) {
		front_refuse(c, 414, path, "path too long");
		return;
	}
	front_serve_static(c, t, ent, cache);
}

/*
 * The file kept open for path, if any (static_cache.c).  A change made
 * before the request was sent must be seen, so the cache's change queue
 * is read after the request came.  A connection already in the epoll set
 * waits for the end of this turn (FRONT_S_CHECK), where one read serves
 * every request of the turn (front_route_checks()).  One just accepted
 * (which, answered at once, never joins the set) and a script's local
 * redirect are checked here.  NULL, in FRONT_S_CHECK: it waits.
 */
static struct static_cache_ent *
front_route_kept(struct front_conn *c, const char *path)
{
	struct static_cache_ent	*ent;
	int			 due;

	if ((ent = static_cache_get(path, c->c_rgen, &due)) != NULL || !due)
		return ent;
	if (c->c_ev.fe_deferred || c->c_redirects > 0) {
		static_cache_look(front_recvs);
		return static_cache_get(path, c->c_rgen, &due);
	}
	c->c_state = FRONT_S_CHECK;
	c->c_check_next = NULL;
	*front_route_tail = c;
	front_route_tail = &c->c_check_next;
	return NULL;
}

/*
 * The end of a turn: one read of the change queue, after every request
 * of the turn came, then the requests that waited for it, routed again
 * from the start (nothing before the cache's lookup has an effect that
 * a second pass would repeat).  A connection closed meanwhile is
 * skipped; it is freed only after this (front_reap_dead()).
 */
void
front_route_checks(void)
{
	struct front_conn	*c, *next;
	struct http_request	*r;

	while ((c = front_route_waiting) != NULL) {
		front_route_waiting = NULL;
		front_route_tail = &front_route_waiting;
		static_cache_look(front_recvs);
		for (; c != NULL; c = next) {
			next = c->c_check_next;
			c->c_check_next = NULL;
			if (c->c_dead || c->c_state != FRONT_S_CHECK)
				continue;
			c->c_state = FRONT_S_HEAD;
			r = c->c_req;
			front_route(c, r->hr_path, r->hr_query, 0);
		}
	}
}

/*
 * Below a root (the document root, or a student's tree): the real
 * location decides.  A script in a tree is named by its URL, prefix
 * included, so the executor knows whose it is.
 */
static void
front_route_tree(struct front_conn *c, const struct front_tree *t,
    const char *path, const char *query)
{
	char		 script[MSG_SCRIPT_MAX], url[MSG_SCRIPT_MAX];
	char		 real[HTTP_TARGET_MAX + 1];
	char		 shown[sizeof(t->ft_prefix) + HTTP_TARGET_MAX + 1];
	const char	*path_info = "", *why = NULL;
	struct static_cache_ent *ent = NULL;
	size_t		 dirlen;
	int		 st, cache = 0;

	if (path[0] == '\0') {
		/* "/~NAME": its directory, named without the slash */
		front_route_static(c, t, path, NULL, 0);
		return;
	}
	/* a file served before by this very path: it is its real path */
	if (t->ft_fd == front_docroot_fd &&
	    (ent = front_route_kept(c, path)) == NULL &&
	    c->c_state == FRONT_S_CHECK)
		return;		/* front_route_checks() comes back */
	if (ent != NULL)
		strlcpy(real, path, sizeof(real));
	/* the log names the path as the client does: /~NAME/ included */
	(void)snprintf(shown, sizeof(shown), "%s%s", t->ft_prefix, path);
	/* decide on the real location: symlinks resolved, beneath only */
	if (ent == NULL && path_resolve(t->ft_fd, path, real,
	    sizeof(real)) == -1) {
		/* a link out of the tree (EXDEV) is refused, as the executor
		 * refuses it: 403 */
		front_refuse(c, errno == ENAMETOOLONG ? 414 : errno == ENOENT ||
		    errno == ENOTDIR ? 404 : 403, shown,
		    front_route_errno_why(errno));
		return;
	}
	if (ent == NULL)
		cache = t->ft_fd == front_docroot_fd && strcmp(path, real) == 0;
	path = real;
	(void)snprintf(shown, sizeof(shown), "%s%s", t->ft_prefix, path);
	if (front_has_dot_segment(path)) {
		front_refuse(c, 404, shown, FRONT_ROUTE_DOT);
		return;
	}
	/* a symlink into an authenticate prefix is not a way around it */
	if (!front_auth_allows(c, shown)) {
		front_refuse(c, 403, shown, FRONT_ROUTE_AUTH);
		return;
	}
	if ((dirlen = front_cgi_dir(path)) == 0) {
		front_route_static(c, t, path, ent, cache);
		return;
	}
	if ((st = front_find_script(t->ft_fd, path, dirlen, script,
	    sizeof(script), &path_info, &why)) == 0 &&
	    (size_t)snprintf(url, sizeof(url), "%s%s", t->ft_prefix, script) >=
	    sizeof(url)) {
		st = 414;
		why = "path too long";
	}
	if (st != 0) {
		if (c->c_req->hr_content_length > 0 || c->c_req->hr_chunked)
			c->c_close_after = 1;
		front_refuse(c, st, shown, why);
		return;
	}
	front_cgi_start(c, url, path_info, query);
}

void
front_route(struct front_conn *c, const char *path, const char *query,
    int redirects)
{
	struct front_tree	 t = { front_docroot_fd, "" };
	char			 script[MSG_SCRIPT_MAX];
	const char		*path_info = "", *rest;

	/* a body is read only by a script: anything else closes after */
	if (c->c_req->hr_content_length > 0 || c->c_req->hr_chunked)
		c->c_close_after = 1;
	c->c_userdir = front_cfg->cf_userdir[0] != '\0' &&
	    strncmp(path, "/~", 2) == 0;
	if (front_has_dot_segment(path)) {
		front_refuse(c, 404, path, FRONT_ROUTE_DOT);
		return;
	}
	/* a script's local redirect behind authenticate it did not pass */
	if (!front_auth_allows(c, path)) {
		front_refuse(c, 403, path, FRONT_ROUTE_AUTH);
		return;
	}
	if (c->c_userdir) {
		if (!front_userdir_find(path, &t, &rest))
			front_refuse(c, 404, path, FRONT_ROUTE_NOUSER);
		else
			front_route_tree(c, &t, rest, query);
		return;
	}
	if (front_match_route(path, script, sizeof(script), &path_info) ==
	    1) {
		front_cgi_start(c, script, path_info, query);
		return;
	}
	front_route_tree(c, &t, path, query);
}
