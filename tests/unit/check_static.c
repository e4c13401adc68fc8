/* SPDX-License-Identifier: ISC */
/*
 * check_static.c: unit tests for daemon/static.c against a real temporary
 * document root (files, symlinks in and out, a FIFO, a socket, a mode 000
 * file read as nobody).  Needs static.c, http.c, libbsd and Check.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "http.h"
#include "static.h"

#define TEST_MTIME	1000000000	/* Sun, 09 Sep 2001 01:46:40 GMT */
#define TEST_NSEC	500000000
#define TEST_NOBODY	65534

static char		test_root[64];
static int		test_root_fd = -1;
static struct config	test_cfg;

/* ---- fixture: the document root ---- */

static void
test_write(const char *rel, const char *data, size_t len, mode_t mode)
{
	int fd;

	if ((fd = openat(test_root_fd, rel, O_WRONLY | O_CREAT | O_TRUNC,
	    0644)) == -1 || write(fd, data, len) != (ssize_t)len ||
	    fchmod(fd, mode) == -1 || close(fd) == -1) {
		perror(rel);
		exit(2);
	}
}

/*
 * The tree: f file (data), d directory, l symlink (data is the target;
 * "=" is the absolute path of hello.txt), p FIFO, s unix socket, t set
 * the fixed mtime.
 */
static const struct {
	char		 kind;
	const char	*name;
	const char	*data;
	mode_t		 mode;
} test_tree[] = {
	{ 'f', "hello.txt", "hello, world\n", 0644 },
	{ 'f', "empty.txt", "", 0644 },
	{ 'f', "secret.txt", "secret\n", 0 },
	{ 'f', "app.JS", "1;\n", 0644 },
	{ 'l', "inlink.txt", "hello.txt", 0 },
	{ 'l', "passwd", "/etc/passwd", 0 },
	{ 'l', "dotdot", "../../../../../../etc/passwd", 0 },
	{ 'l', "abs", "=", 0 },
	{ 'l', "loop", "loop", 0 },
	{ 'l', "dirlink", "withindex", 0 },
	{ 'p', "fifo", NULL, 0644 },
	{ 's', "sock", NULL, 0 },
	{ 'd', "sub", NULL, 0755 },
	{ 'l', "sub/up.txt", "../hello.txt", 0 },
	{ 'd', "withindex", NULL, 0755 },
	{ 'f', "withindex/index.html", "<p>hi</p>\n", 0644 },
	{ 'd', "idxdir", NULL, 0755 },
	{ 'd', "idxdir/index.html", NULL, 0755 },
	{ 'f', "idxdir/index.htm", "htm\n", 0644 },
	{ 'd', "noindex", NULL, 0755 },
	{ 'f', "noindex/<script>.txt", "", 0644 },
	{ 'f', "noindex/a&b", "ab", 0644 },
	{ 'f', "noindex/with space.txt", NULL, 0644 },	/* 1000 x */
	{ 'f', "noindex/.hidden", "", 0644 },
	{ 'f', "noindex/ctl\001name", "", 0644 },
	{ 'd', "noindex/d", NULL, 0755 },
	{ 'l', "noindex/link-out", "/etc/passwd", 0 },
	{ 'l', "noindex/link-in", "../hello.txt", 0 },
	{ 'd', "x<y>&z", NULL, 0755 },
	{ 'd', "sp ace<dir>", NULL, 0755 },
	{ 't', "hello.txt", NULL, 0 },
	{ 't', "noindex/with space.txt", NULL, 0 },
};

static int
test_make_socket(const char *rel)
{
	struct sockaddr_un sun;
	int s, rc;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s/%s", test_root, rel);
	if ((s = socket(AF_UNIX, SOCK_STREAM, 0)) == -1)
		return -1;
	rc = bind(s, (struct sockaddr *)&sun, sizeof(sun));
	close(s);
	return rc;
}

static int
test_make(size_t i)
{
	static const struct timespec ts[2] = {
		{ TEST_MTIME, TEST_NSEC }, { TEST_MTIME, TEST_NSEC }
	};
	static char big[1000];
	const char *name = test_tree[i].name, *data = test_tree[i].data;
	char abs[256];

	switch (test_tree[i].kind) {
	case 'f':
		memset(big, 'x', sizeof(big));
		if (data == NULL)
			test_write(name, big, sizeof(big), test_tree[i].mode);
		else
			test_write(name, data, strlen(data), test_tree[i].mode);
		return 0;
	case 'd':
		return mkdirat(test_root_fd, name, test_tree[i].mode);
	case 'l':
		snprintf(abs, sizeof(abs), "%s/hello.txt", test_root);
		return symlinkat(strcmp(data, "=") == 0 ? abs : data,
		    test_root_fd, name);
	case 'p':
		return mkfifoat(test_root_fd, name, test_tree[i].mode);
	case 's':
		return test_make_socket(name);
	default:
		return utimensat(test_root_fd, name, ts, AT_SYMLINK_NOFOLLOW);
	}
}

static void
test_build_root(void)
{
	size_t i;

	strlcpy(test_root, "/tmp/check_static.XXXXXX", sizeof(test_root));
	/* mkdtemp makes it 0700; nobody must be able to walk in */
	if (mkdtemp(test_root) == NULL || chmod(test_root, 0755) == -1 ||
	    (test_root_fd = open(test_root, O_PATH | O_DIRECTORY |
	    O_CLOEXEC)) == -1)
		exit(2);
	for (i = 0; i < sizeof(test_tree) / sizeof(test_tree[0]); i++) {
		if (test_make(i) == -1) {
			perror(test_tree[i].name);
			exit(2);
		}
	}
}

static int
test_rm_one(const char *path, const struct stat *st, int flag,
    struct FTW *ftw)
{
	return remove(path);
}

static void
test_cfg_init(void)
{
	memset(&test_cfg, 0, sizeof(test_cfg));
	strlcpy(test_cfg.cf_index[0], "index.html", CONFIG_NAME_MAX);
	strlcpy(test_cfg.cf_index[1], "index.htm", CONFIG_NAME_MAX);
	test_cfg.cf_nindex = 2;
	test_cfg.cf_autoindex = 1;
}

/* ---- requests and replies ---- */

static struct http_request *
test_req(enum http_method m, const char *path)
{
	struct http_request *req;

	ck_assert_ptr_nonnull(req = calloc(1, sizeof(*req)));
	req->hr_method = m;
	req->hr_content_length = -1;
	ck_assert_uint_lt(strlcpy(req->hr_path, path, sizeof(req->hr_path)),
	    sizeof(req->hr_path));
	return req;
}

static void
test_req_field(struct http_request *req, const char *name, const char *value)
{
	size_t nl = strlen(name) + 1, vl = strlen(value) + 1;

	ck_assert_uint_le(req->hr_hbuf_len + nl + vl, HTTP_HEAD_MAX);
	ck_assert_uint_lt(req->hr_nfields, HTTP_FIELDS_MAX);
	req->hr_fields[req->hr_nfields].hf_name = req->hr_hbuf_len;
	memcpy(req->hr_hbuf + req->hr_hbuf_len, name, nl);
	req->hr_hbuf_len += nl;
	req->hr_fields[req->hr_nfields].hf_value = req->hr_hbuf_len;
	memcpy(req->hr_hbuf + req->hr_hbuf_len, value, vl);
	req->hr_hbuf_len += vl;
	req->hr_nfields++;
}

/* value of header line "name", or NULL; only CRLF-terminated lines */
static const char *
test_hdr(const struct static_reply *out, const char *name)
{
	static char val[2048];
	const char *p = out->sr_headers, *eol;
	size_t nl = strlen(name);

	while ((eol = strstr(p, "\r\n")) != NULL) {
		if (strncasecmp(p, name, nl) == 0 && p[nl] == ':' &&
		    p[nl + 1] == ' ') {
			snprintf(val, sizeof(val), "%.*s",
			    (int)(eol - p - nl - 2), p + nl + 2);
			return val;
		}
		p = eol + 2;
	}
	return NULL;
}

/* every line ends in CRLF, no bare CR or LF, nothing after the last */
static void
test_hdrs_wellformed(const struct static_reply *out)
{
	const char *p = out->sr_headers, *eol;

	ck_assert_ptr_nonnull(memchr(out->sr_headers, '\0',
	    sizeof(out->sr_headers)));
	while ((eol = strstr(p, "\r\n")) != NULL) {
		ck_assert_ptr_null(memchr(p, '\r', eol - p));
		ck_assert_ptr_null(memchr(p, '\n', eol - p));
		p = eol + 2;
	}
	ck_assert_str_eq(p, "");
}

static void
test_serve(struct http_request *req, struct static_reply *out)
{
	static_serve(test_root_fd, &test_cfg, req, out);
	test_hdrs_wellformed(out);
	if (out->sr_status != 200 && out->sr_status != 206) {
		ck_assert_int_eq(out->sr_fd, -1);
		ck_assert_ptr_null(out->sr_body);
		ck_assert_int_eq(out->sr_len, 0);
	}
	free(req);
}

static int
test_get(const char *path, struct static_reply *out)
{
	test_serve(test_req(HTTP_M_GET, path), out);
	return out->sr_status;
}

static void
test_etag_of(const char *rel, char *etag, size_t sz)
{
	struct stat st;

	ck_assert_int_eq(fstatat(test_root_fd, rel, &st, 0), 0);
	snprintf(etag, sz, "\"%llx-%lx-%llx\"",
	    (unsigned long long)st.st_mtim.tv_sec,
	    (unsigned long)st.st_mtim.tv_nsec,
	    (unsigned long long)st.st_size);
}

/* ---- status by path (and one header to check, if any) ---- */

#define G	HTTP_M_GET
static const struct {
	enum http_method m;
	const char	*path;
	int		 status;
	const char	*hname, *hval;
} status_cases[] = {
	{ G, "/hello.txt",	200, "Content-Type", "text/plain" },
	{ G, "/",		200, NULL, NULL },	/* autoindex */
	{ G, "/missing",	404, NULL, NULL },
	{ G, "/hello.txt/",	404, NULL, NULL },	/* ENOTDIR */
	{ G, "/sub/missing/x",	404, NULL, NULL },
	{ G, "/inlink.txt",	403, NULL, NULL },	/* links: front resolves */
	{ G, "/sub/up.txt",	403, NULL, NULL },	/* ../ yet beneath */
	{ G, "/passwd",		403, NULL, NULL },	/* -> /etc/passwd */
	{ G, "/dotdot",		403, NULL, NULL },	/* -> ../../etc */
	{ G, "/abs",		403, NULL, NULL },	/* absolute, inside */
	{ G, "/noindex/link-out", 403, NULL, NULL },
	{ G, "/loop",		403, NULL, NULL },	/* ELOOP */
	{ G, "/fifo",		403, NULL, NULL },	/* never blocks */
	{ G, "/sock",		403, NULL, NULL },	/* ENXIO */
	{ G, "/withindex",	301, "Location", "/withindex/" },
	{ G, "/withindex/",	200, "Content-Type", "text/html" },
	{ G, "/dirlink/",	403, NULL, NULL },
	{ G, "/idxdir/",	200, "Content-Type", "text/html" },
	{ G, "/noindex/",	200, NULL, NULL },
	{ G, "/noindex/.hidden", 404, NULL, NULL },	/* promise broken */
	{ G, "/sub/../hello.txt", 404, NULL, NULL },
	{ G, "hello.txt",	404, NULL, NULL },	/* not absolute */
	{ G, "//hello.txt",	404, NULL, NULL },
	{ HTTP_M_HEAD, "/app.JS", 200, "Content-Type", "text/javascript" },
	{ HTTP_M_POST, "/hello.txt", 405, "Allow", "GET, HEAD" },
	{ HTTP_M_PUT, "/missing", 405, NULL, NULL },
};
#undef G

START_TEST(test_static_status)
{
	struct static_reply out;

	test_serve(test_req(status_cases[_i].m, status_cases[_i].path), &out);
	ck_assert_int_eq(out.sr_status, status_cases[_i].status);
	if (status_cases[_i].hname != NULL)
		ck_assert_str_eq(test_hdr(&out, status_cases[_i].hname),
		    status_cases[_i].hval);
	if (out.sr_status == 200 && out.sr_body == NULL)
		ck_assert_int_ge(out.sr_fd, 0);
	/* every refusal says why, for the log and a --debug page */
	if (out.sr_status >= 400)
		ck_assert(out.sr_why != NULL && out.sr_why[0] != '\0');
	static_reply_free(&out);
}
END_TEST

START_TEST(test_static_file_headers)
{
	struct static_reply out;
	char etag[80], buf[32];

	test_etag_of("hello.txt", etag, sizeof(etag));
	ck_assert_int_eq(test_get("/hello.txt", &out), 200);
	ck_assert_int_ge(out.sr_fd, 0);
	ck_assert_int_eq(out.sr_off, 0);
	ck_assert_int_eq(out.sr_len, 13);
	ck_assert_ptr_null(out.sr_body);
	ck_assert_str_eq(test_hdr(&out, "Content-Type"), "text/plain");
	ck_assert_str_eq(test_hdr(&out, "Last-Modified"),
	    "Sun, 09 Sep 2001 01:46:40 GMT");
	ck_assert_str_eq(test_hdr(&out, "ETag"), "\"3b9aca00-1dcd6500-d\"");
	ck_assert_str_eq(test_hdr(&out, "ETag"), etag);
	ck_assert_str_eq(test_hdr(&out, "Accept-Ranges"), "bytes");
	ck_assert_ptr_null(test_hdr(&out, "Content-Range"));
	ck_assert_int_eq(pread(out.sr_fd, buf, sizeof(buf), 0), 13);
	ck_assert_int_eq(memcmp(buf, "hello, world\n", 13), 0);
	ck_assert_int_ne(fcntl(out.sr_fd, F_GETFD) & FD_CLOEXEC, 0);
	static_reply_free(&out);
}
END_TEST

/* mode 000 as root is readable (CAP_DAC_OVERRIDE); as nobody it is 403 */
START_TEST(test_static_unreadable_as_nobody)
{
	struct static_reply out;
	pid_t pid;
	int st, ok;

	if (geteuid() == 0) {
		ck_assert_int_eq(test_get("/secret.txt", &out), 200);
		static_reply_free(&out);
	}
	ck_assert_int_ne(pid = fork(), -1);
	if (pid == 0) {
		if (geteuid() == 0 && (setgroups(0, NULL) == -1 ||
		    setresgid(TEST_NOBODY, TEST_NOBODY, TEST_NOBODY) == -1 ||
		    setresuid(TEST_NOBODY, TEST_NOBODY, TEST_NOBODY) == -1))
			_exit(3);
		static_serve(test_root_fd, &test_cfg,
		    test_req(HTTP_M_GET, "/secret.txt"), &out);
		ok = out.sr_status == 403 && out.sr_fd == -1 &&
		    out.sr_why != NULL && strstr(out.sr_why,
		    "permission denied") != NULL;
		static_serve(test_root_fd, &test_cfg,
		    test_req(HTTP_M_GET, "/hello.txt"), &out);
		_exit(ok && out.sr_status == 200 ? 0 : 1);
	}
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert(WIFEXITED(st));
	ck_assert_int_eq(WEXITSTATUS(st), 0);
}
END_TEST

/* ---- redirects ---- */

static const struct {
	const char	*path;
	const char	*query;
	const char	*location;
} redirect_cases[] = {
	{ "/withindex",		"",	"/withindex/" },
	{ "/withindex",		"x=1&y=%20",	"/withindex/?x=1&y=%20" },
	{ "/sp ace<dir>",	"",	"/sp%20ace%3Cdir%3E/" },
	{ "/x<y>&z",		"a\r\nSet-Cookie: x",
	    "/x%3Cy%3E%26z/?a%0D%0ASet-Cookie:%20x" },
};

START_TEST(test_static_redirect)
{
	struct http_request *req;
	struct static_reply out;

	req = test_req(HTTP_M_GET, redirect_cases[_i].path);
	strlcpy(req->hr_query, redirect_cases[_i].query,
	    sizeof(req->hr_query));
	test_serve(req, &out);
	ck_assert_int_eq(out.sr_status, 301);
	ck_assert_str_eq(test_hdr(&out, "Location"),
	    redirect_cases[_i].location);
	ck_assert_int_eq(out.sr_fd, -1);
	ck_assert_ptr_null(test_hdr(&out, "Set-Cookie"));
	static_reply_free(&out);
}
END_TEST

START_TEST(test_static_redirect_too_long)
{
	struct http_request *req;
	struct static_reply out;

	req = test_req(HTTP_M_GET, "/withindex");
	memset(req->hr_query, 'q', 2100);
	test_serve(req, &out);
	ck_assert_int_eq(out.sr_status, 414);
	ck_assert_str_eq(out.sr_headers, "");
	static_reply_free(&out);
}
END_TEST

/* ---- index and autoindex ---- */

START_TEST(test_static_autoindex_off_is_403)
{
	struct static_reply out;

	test_cfg.cf_autoindex = 0;
	ck_assert_int_eq(test_get("/noindex/", &out), 403);
	ck_assert_ptr_nonnull(strstr(out.sr_why, "autoindex is off"));
	ck_assert_int_eq(test_get("/withindex/", &out), 200);
	static_reply_free(&out);
}
END_TEST

/* what the listing of /noindex/ must and must not hold */
static const struct {
	const char	*text;
	int		 present;
} autoindex_cases[] = {
	{ "<a href=\"%3Cscript%3E.txt\">&lt;script&gt;.txt</a>", 1 },
	{ "<a href=\"a%26b\">a&amp;b</a>", 1 },
	{ "<a href=\"with%20space.txt\">with space.txt</a>", 1 },
	{ "<td>1000</td><td>2001-09-09 01:46</td>", 1 },
	{ "<a href=\"d/\">d/</a></td><td>-</td>", 1 },
	{ "<a href=\"link-in\">link-in</a></td><td>13</td>", 1 },
	{ "<a href=\"ctl%01name\">ctl?name</a>", 1 },
	{ "<a href=\"../\">../</a>", 1 },
	{ "<title>Index of /noindex/</title>", 1 },
	{ "<script>", 0 },
	{ "hidden", 0 },
	{ "link-out", 0 },
	{ "\001", 0 },
	{ "a&b", 0 },
};

START_TEST(test_static_autoindex_content)
{
	struct static_reply out;
	char *body;

	ck_assert_int_eq(test_get("/noindex/", &out), 200);
	ck_assert_int_eq(out.sr_fd, -1);
	ck_assert_ptr_nonnull(out.sr_body);
	ck_assert_int_eq(out.sr_len, (off_t)out.sr_body_len);
	ck_assert_str_eq(test_hdr(&out, "Content-Type"),
	    "text/html; charset=utf-8");
	ck_assert_ptr_null(test_hdr(&out, "ETag"));
	ck_assert_uint_eq(strlen(out.sr_body), out.sr_body_len);
	body = out.sr_body;
	ck_assert_int_eq(strstr(body, autoindex_cases[_i].text) != NULL,
	    autoindex_cases[_i].present);
	static_reply_free(&out);
}
END_TEST

START_TEST(test_static_autoindex_sorted)
{
	static const char *order[] = {
		"%3Cscript%3E.txt", "a%26b", "ctl%01name", "d/", "link-in",
		"with%20space.txt"
	};
	struct static_reply out;
	const char *prev, *p;
	char href[64];
	size_t i;

	ck_assert_int_eq(test_get("/noindex/", &out), 200);
	prev = out.sr_body;
	for (i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		snprintf(href, sizeof(href), "href=\"%s\"", order[i]);
		ck_assert_ptr_nonnull(p = strstr(out.sr_body, href));
		ck_assert(p > prev);
		prev = p;
	}
	static_reply_free(&out);
}
END_TEST

START_TEST(test_static_autoindex_root_and_title)
{
	struct static_reply out;

	ck_assert_int_eq(test_get("/", &out), 200);
	ck_assert_ptr_null(strstr(out.sr_body, "href=\"../\""));
	ck_assert_ptr_nonnull(strstr(out.sr_body, "href=\"x%3Cy%3E%26z/\""));
	ck_assert_ptr_null(strstr(out.sr_body, "fifo"));
	ck_assert_ptr_null(strstr(out.sr_body, "href=\"passwd\""));
	ck_assert_ptr_nonnull(strstr(out.sr_body, "href=\"dirlink/\""));
	static_reply_free(&out);
	ck_assert_int_eq(test_get("/x<y>&z/", &out), 200);
	ck_assert_ptr_nonnull(strstr(out.sr_body,
	    "<h1>Index of /x&lt;y&gt;&amp;z/</h1>"));
	ck_assert_ptr_null(strstr(out.sr_body, "x<y"));
	static_reply_free(&out);
}
END_TEST

/* ---- conditionals (RFC 9110 13) ---- */

#define TEST_ETAG	"@"	/* stands for the file's own ETag */

static const struct {
	const char	*inm;
	int		 ims_delta;	/* seconds from mtime; 99 = none */
	const char	*ims_raw;
	int		 status;
} cond_cases[] = {
	{ TEST_ETAG,		99,	NULL,	304 },
	{ "*",			99,	NULL,	304 },
	{ "\"x\", " TEST_ETAG,	99,	NULL,	304 },
	{ "\"nope\"",		99,	NULL,	200 },
	{ "\"nope\"",		10,	NULL,	200 },	/* INM wins */
	{ NULL,			0,	NULL,	304 },	/* mtime == date */
	{ NULL,			10,	NULL,	304 },
	{ NULL,			-1,	NULL,	200 },
	{ NULL,			99,	"yesterday", 200 },
	{ NULL,			99,	NULL,	200 },
};

START_TEST(test_static_conditional)
{
	struct http_request *req = test_req(HTTP_M_GET, "/hello.txt");
	struct static_reply out;
	char etag[80], inm[200], date[40];

	test_etag_of("hello.txt", etag, sizeof(etag));
	if (cond_cases[_i].inm != NULL) {
		strlcpy(inm, cond_cases[_i].inm, sizeof(inm));
		if (strchr(inm, '@') != NULL)
			strlcpy(strchr(inm, '@'), etag,
			    sizeof(inm) - (strchr(inm, '@') - inm));
		test_req_field(req, "If-None-Match", inm);
	}
	if (cond_cases[_i].ims_delta != 99) {
		http_date_format(TEST_MTIME + cond_cases[_i].ims_delta, date,
		    sizeof(date));
		test_req_field(req, "If-Modified-Since", date);
	}
	if (cond_cases[_i].ims_raw != NULL)
		test_req_field(req, "If-Modified-Since",
		    cond_cases[_i].ims_raw);
	test_serve(req, &out);
	ck_assert_int_eq(out.sr_status, cond_cases[_i].status);
	ck_assert_str_eq(test_hdr(&out, "ETag"), etag);
	ck_assert_ptr_nonnull(test_hdr(&out, "Last-Modified"));
	if (out.sr_status == 304)
		ck_assert_ptr_null(test_hdr(&out, "Content-Type"));
	static_reply_free(&out);
}
END_TEST

/* ---- ranges (RFC 9110 14) ---- */

static const struct {
	enum http_method m;
	const char	*path;
	const char	*range;
	const char	*if_range;	/* "@" = the ETag, "D" = the date */
	int		 status;
	off_t		 off, len;
	const char	*content_range;
} range_cases[] = {
	{ HTTP_M_GET, "/hello.txt", "bytes=0-4", NULL, 206, 0, 5,
	    "bytes 0-4/13" },
	{ HTTP_M_GET, "/hello.txt", "bytes=-3", NULL, 206, 10, 3,
	    "bytes 10-12/13" },
	{ HTTP_M_GET, "/hello.txt", "bytes=7-", NULL, 206, 7, 6,
	    "bytes 7-12/13" },
	{ HTTP_M_GET, "/hello.txt", "bytes=100-", NULL, 416, 0, 0,
	    "bytes */13" },
	{ HTTP_M_GET, "/empty.txt", "bytes=0-", NULL, 416, 0, 0,
	    "bytes */0" },
	{ HTTP_M_GET, "/hello.txt", "bytes=0-1,3-4", NULL, 200, 0, 13, NULL },
	{ HTTP_M_GET, "/hello.txt", "bytes=x", NULL, 200, 0, 13, NULL },
	{ HTTP_M_GET, "/hello.txt", "lines=1-2", NULL, 200, 0, 13, NULL },
	{ HTTP_M_HEAD, "/hello.txt", "bytes=0-4", NULL, 200, 0, 13, NULL },
	{ HTTP_M_GET, "/hello.txt", "bytes=0-4", "@", 206, 0, 5,
	    "bytes 0-4/13" },
	{ HTTP_M_GET, "/hello.txt", "bytes=0-4", "\"other\"", 200, 0, 13,
	    NULL },
	{ HTTP_M_GET, "/hello.txt", "bytes=0-4", "W/@", 200, 0, 13, NULL },
	{ HTTP_M_GET, "/hello.txt", "bytes=0-4", "D", 206, 0, 5,
	    "bytes 0-4/13" },
	{ HTTP_M_GET, "/hello.txt", "bytes=0-4",
	    "Mon, 01 Jan 2001 00:00:00 GMT", 200, 0, 13, NULL },
	{ HTTP_M_GET, "/hello.txt", "bytes=0-4", "garbage", 200, 0, 13, NULL },
	{ HTTP_M_GET, "/noindex/", "bytes=0-4", NULL, 200, 0, -1, NULL },
};

static void
test_range_case(size_t i)
{
	struct http_request *req;
	struct static_reply out;
	char etag[80], ir[120];
	const char *v = range_cases[i].if_range;

	req = test_req(range_cases[i].m, range_cases[i].path);
	test_req_field(req, "Range", range_cases[i].range);
	test_etag_of("hello.txt", etag, sizeof(etag));
	if (v != NULL && strcmp(v, "@") == 0)
		v = etag;
	else if (v != NULL && strcmp(v, "W/@") == 0) {
		snprintf(ir, sizeof(ir), "W/%s", etag);
		v = ir;
	} else if (v != NULL && strcmp(v, "D") == 0) {
		http_date_format(TEST_MTIME, ir, sizeof(ir));
		v = ir;
	}
	if (v != NULL)
		test_req_field(req, "If-Range", v);
	test_serve(req, &out);
	ck_assert_int_eq(out.sr_status, range_cases[i].status);
	ck_assert_int_eq(out.sr_off, range_cases[i].off);
	if (range_cases[i].len != -1)
		ck_assert_int_eq(out.sr_len, range_cases[i].len);
	if (range_cases[i].content_range == NULL)
		ck_assert_ptr_null(test_hdr(&out, "Content-Range"));
	else
		ck_assert_str_eq(test_hdr(&out, "Content-Range"),
		    range_cases[i].content_range);
	static_reply_free(&out);
}

START_TEST(test_static_range)
{
	test_range_case(_i);
}
END_TEST

START_TEST(test_static_range_after_304)
{
	struct http_request *req = test_req(HTTP_M_GET, "/hello.txt");
	struct static_reply out;
	char etag[80];

	test_etag_of("hello.txt", etag, sizeof(etag));
	test_req_field(req, "Range", "bytes=0-4");
	test_req_field(req, "If-None-Match", etag);
	test_serve(req, &out);
	ck_assert_int_eq(out.sr_status, 304);
	ck_assert_ptr_null(test_hdr(&out, "Content-Range"));
	static_reply_free(&out);
}
END_TEST

/* ---- resources ---- */

static int
test_count_fds(void)
{
	int fd, n = 0;

	for (fd = 0; fd < 1024; fd++)
		if (fcntl(fd, F_GETFD) != -1)
			n++;
	return n;
}

START_TEST(test_static_no_fd_leak)
{
	struct static_reply out;
	size_t i;
	int before = test_count_fds();

	for (i = 0; i < sizeof(status_cases) / sizeof(status_cases[0]); i++) {
		test_serve(test_req(status_cases[i].m, status_cases[i].path),
		    &out);
		static_reply_free(&out);
		static_reply_free(&out);	/* twice is harmless */
		ck_assert_int_eq(out.sr_fd, -1);
		ck_assert_ptr_null(out.sr_body);
	}
	for (i = 0; i < sizeof(range_cases) / sizeof(range_cases[0]); i++)
		test_range_case(i);
	ck_assert_int_eq(test_count_fds(), before);
}
END_TEST

static Suite *
static_suite(void)
{
	Suite *s = suite_create("static");
	TCase *tc;

	tc = tcase_create("serve");
	tcase_set_timeout(tc, 10);	/* a FIFO that blocked would hang */
	tcase_add_checked_fixture(tc, test_cfg_init, NULL);
	tcase_add_loop_test(tc, test_static_status, 0,
	    sizeof(status_cases) / sizeof(status_cases[0]));
	tcase_add_test(tc, test_static_file_headers);
	tcase_add_test(tc, test_static_unreadable_as_nobody);
	tcase_add_loop_test(tc, test_static_redirect, 0,
	    sizeof(redirect_cases) / sizeof(redirect_cases[0]));
	tcase_add_test(tc, test_static_redirect_too_long);
	tcase_add_test(tc, test_static_autoindex_off_is_403);
	tcase_add_loop_test(tc, test_static_autoindex_content, 0,
	    sizeof(autoindex_cases) / sizeof(autoindex_cases[0]));
	tcase_add_test(tc, test_static_autoindex_sorted);
	tcase_add_test(tc, test_static_autoindex_root_and_title);
	tcase_add_loop_test(tc, test_static_conditional, 0,
	    sizeof(cond_cases) / sizeof(cond_cases[0]));
	tcase_add_loop_test(tc, test_static_range, 0,
	    sizeof(range_cases) / sizeof(range_cases[0]));
	tcase_add_test(tc, test_static_range_after_304);
	tcase_add_test(tc, test_static_no_fd_leak);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr;
	int failed;

	test_build_root();
	sr = srunner_create(static_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	close(test_root_fd);
	nftw(test_root, test_rm_one, 16, FTW_DEPTH | FTW_PHYS);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
