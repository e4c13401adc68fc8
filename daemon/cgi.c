/*
 * cgi.c: CGI/1.1 (RFC 3875) without I/O.  cgi_env_build() runs in the
 * executor on a request the front sent (msg_validate()d, but bounded here
 * again); cgi_parse_response() runs in the front on a script's stdout,
 * which it trusts not at all.
 */

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cgi.h"

#define CGI_PATH		"/usr/local/bin:/usr/bin:/bin"
#define CGI_HNAME_CHARS		"ABCDEFGHIJKLMNOPQRSTUVWXYZ" \
				"abcdefghijklmnopqrstuvwxyz0123456789-"
#define CGI_VNAME_CHARS		"ABCDEFGHIJKLMNOPQRSTUVWXYZ" \
				"abcdefghijklmnopqrstuvwxyz0123456789_"
#define CGI_TCHARS		"!#$%&'*+-.^_`|~0123456789" \
				"ABCDEFGHIJKLMNOPQRSTUVWXYZ" \
				"abcdefghijklmnopqrstuvwxyz"

enum cgi_resp_state {
	CGI_RS_HEAD = 0,
	CGI_RS_DONE,
	CGI_RS_MALFORMED
};

/*
 * Names the server owns.  A setenv line may never set one, even when this
 * request leaves it unset: a fake PATH_INFO or AUTH_TYPE is a lie to the
 * script.  The config refuses them already; this is the executor's check.
 */
static const char *const cgi_env_reserved[] = {
	"AUTH_TYPE", "CONTENT_LENGTH", "CONTENT_TYPE", "DOCUMENT_ROOT",
	"GATEWAY_INTERFACE", "HTTPS", "PATH", "PATH_INFO", "PATH_TRANSLATED",
	"QUERY_STRING", "REDIRECT_STATUS", "REMOTE_ADDR", "REMOTE_HOST",
	"REMOTE_IDENT", "REMOTE_PORT", "REMOTE_USER", "REQUEST_METHOD",
	"REQUEST_SCHEME", "REQUEST_URI", "SCRIPT_FILENAME", "SCRIPT_NAME",
	"SERVER_ADDR", "SERVER_NAME", "SERVER_PORT", "SERVER_PROTOCOL",
	"SERVER_SOFTWARE"
};

/* request fields never passed on as HTTP_* (Authorization: see below) */
static const char *const cgi_env_dropped[] = {
	"Proxy",		/* httpoxy: HTTP_PROXY passes for a proxy */
	"Proxy-Authorization",	/* meant for a proxy, never for the script */
	"Content-Length",	/* CONTENT_LENGTH is the de-chunked truth */
	"Content-Type",		/* CONTENT_TYPE */
	"Transfer-Encoding"	/* the body was de-chunked */
};

/*
 * Response fields the front owns: hop-by-hop fields describe the
 * connection the front frames, Date and Server it writes itself.
 */
static const char *const cgi_resp_dropped[] = {
	"Connection", "Keep-Alive", "Proxy-Connection", "TE", "Trailer",
	"Upgrade", "Date", "Server"
};

#define nitems(a)	(sizeof(a) / sizeof((a)[0]))

/* name[0..len) (need not be NUL-terminated) equals want, any case */
static int
cgi_name_is(const char *name, size_t len, const char *want)
{
	return strlen(want) == len && strncasecmp(name, want, len) == 0;
}

static int
cgi_name_in(const char *name, size_t len, const char *const *list,
    size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (cgi_name_is(name, len, list[i]))
			return 1;
	return 0;
}

/* ---- environment: a bounded "NAME=value\0" writer ----------------- */

static void
cgi_env_clear(struct cgi_env *env)
{
	env->ce_n = 0;
	env->ce_used = 0;
	env->ce_envp[0] = NULL;
}

static int
cgi_env_begin(struct cgi_env *env)
{
	if (env->ce_n >= CGI_ENV_MAX || env->ce_used >= CGI_ENV_BUF)
		return -1;
	env->ce_envp[env->ce_n] = env->ce_buf + env->ce_used;
	return 0;
}

/* always leaves one byte for the NUL cgi_env_commit() writes */
static int
cgi_env_append(struct cgi_env *env, const char *s, size_t n)
{
	if (n >= CGI_ENV_BUF - env->ce_used)
		return -1;
	memcpy(env->ce_buf + env->ce_used, s, n);
	env->ce_used += n;
	return 0;
}

static void
cgi_env_commit(struct cgi_env *env)
{
	env->ce_buf[env->ce_used++] = '\0';
	env->ce_envp[++env->ce_n] = NULL;
}

/* NAME=v1[0..n1) v2 */
static int
cgi_env_add2(struct cgi_env *env, const char *name, const char *v1,
    size_t n1, const char *v2)
{
	if (cgi_env_begin(env) == -1 ||
	    cgi_env_append(env, name, strlen(name)) == -1 ||
	    cgi_env_append(env, "=", 1) == -1 ||
	    cgi_env_append(env, v1, n1) == -1 ||
	    cgi_env_append(env, v2, strlen(v2)) == -1)
		return -1;
	cgi_env_commit(env);
	return 0;
}

static int
cgi_env_add(struct cgi_env *env, const char *name, const char *value)
{
	return cgi_env_add2(env, name, value, strlen(value), "");
}

static int
cgi_env_addnum(struct cgi_env *env, const char *name, int64_t value)
{
	char	 num[24];

	(void)snprintf(num, sizeof(num), "%" PRId64, value);
	return cgi_env_add(env, name, num);
}

const char *
cgi_env_get(const struct cgi_env *env, const char *name)
{
	size_t	 i, len;

	len = strlen(name);
	for (i = 0; i < env->ce_n && i < CGI_ENV_MAX; i++) {
		if (strncmp(env->ce_envp[i], name, len) == 0 &&
		    env->ce_envp[i][len] == '=')
			return env->ce_envp[i] + len + 1;
	}
	return NULL;
}

/* ---- environment: the request's fields ---------------------------- */

#define CGI_TERMINATED(f)	(memchr((f), '\0', sizeof(f)) != NULL)

static int
cgi_env_req_terminated(const struct msg_exec_req *req)
{
	return CGI_TERMINATED(req->er_method) &&
	    CGI_TERMINATED(req->er_script) &&
	    CGI_TERMINATED(req->er_path_info) &&
	    CGI_TERMINATED(req->er_query) &&
	    CGI_TERMINATED(req->er_request_uri) &&
	    CGI_TERMINATED(req->er_protocol) &&
	    CGI_TERMINATED(req->er_server_name) &&
	    CGI_TERMINATED(req->er_content_type) &&
	    CGI_TERMINATED(req->er_peer_addr) &&
	    CGI_TERMINATED(req->er_local_addr);
}

/*
 * No Host: the address the client reached.  RFC 3875 4.1.14 writes an
 * IPv6 server-name in brackets, as a Host would carry it.
 */
static int
cgi_env_server_name(struct cgi_env *env, const struct msg_exec_req *req)
{
	const char	*addr = req->er_local_addr;
	char		 name[MSG_ADDR_MAX + 2];

	if (req->er_server_name[0] != '\0')
		return cgi_env_add(env, "SERVER_NAME", req->er_server_name);
	if (strchr(addr, ':') == NULL)
		return cgi_env_add(env, "SERVER_NAME", addr);
	/* er_local_addr is terminated within MSG_ADDR_MAX: it fits */
	(void)snprintf(name, sizeof(name), "[%s]", addr);
	return cgi_env_add(env, "SERVER_NAME", name);
}

static int
cgi_env_server(struct cgi_env *env, const struct msg_exec_req *req)
{
	int	 tls = (req->er_flags & MSG_EXEC_F_TLS) != 0;

	if (cgi_env_add(env, "GATEWAY_INTERFACE", "CGI/1.1") == -1 ||
	    cgi_env_add(env, "SERVER_SOFTWARE", CGI_SERVER_SOFTWARE) == -1 ||
	    cgi_env_add(env, "SERVER_PROTOCOL", req->er_protocol) == -1 ||
	    cgi_env_server_name(env, req) == -1 ||
	    cgi_env_addnum(env, "SERVER_PORT", req->er_local_port) == -1 ||
	    cgi_env_add(env, "SERVER_ADDR", req->er_local_addr) == -1 ||
	    cgi_env_add(env, "REMOTE_ADDR", req->er_peer_addr) == -1 ||
	    cgi_env_add(env, "REMOTE_HOST", req->er_peer_addr) == -1 ||
	    cgi_env_addnum(env, "REMOTE_PORT", req->er_peer_port) == -1 ||
	    cgi_env_add(env, "REQUEST_SCHEME", tls ? "https" : "http") == -1)
		return -1;
	if (tls && cgi_env_add(env, "HTTPS", "on") == -1)
		return -1;
	return 0;
}

static int
cgi_env_script(struct cgi_env *env, const struct msg_exec_req *req,
    const char *script_filename, const char *docroot)
{
	const char	*pi = req->er_path_info;
	size_t		 len;

	if (cgi_env_add(env, "REQUEST_METHOD", req->er_method) == -1 ||
	    cgi_env_add(env, "SCRIPT_NAME", req->er_script) == -1 ||
	    cgi_env_add(env, "QUERY_STRING", req->er_query) == -1 ||
	    cgi_env_add(env, "REQUEST_URI", req->er_request_uri) == -1 ||
	    cgi_env_add(env, "SCRIPT_FILENAME", script_filename) == -1 ||
	    cgi_env_add(env, "DOCUMENT_ROOT", docroot) == -1 ||
	    cgi_env_add(env, "REDIRECT_STATUS", "200") == -1)
		return -1;
	if (pi[0] != '\0') {
		/* "/srv/www/" + "/x" must not give "//x" */
		len = strlen(docroot);
		if (len > 0 && docroot[len - 1] == '/' && pi[0] == '/')
			len--;
		if (cgi_env_add(env, "PATH_INFO", pi) == -1 ||
		    cgi_env_add2(env, "PATH_TRANSLATED", docroot, len,
		    pi) == -1)
			return -1;
	}
	if (req->er_content_length >= 0 && cgi_env_addnum(env,
	    "CONTENT_LENGTH", req->er_content_length) == -1)
		return -1;
	/* RFC 3875 4.1.3: the type of the body; no body, nothing to type */
	if (req->er_content_length >= 0 && req->er_content_type[0] != '\0' &&
	    cgi_env_add(env, "CONTENT_TYPE", req->er_content_type) == -1)
		return -1;
	return 0;
}

/* ---- environment: HTTP_* from er_headers -------------------------- */

/*
 * The field at *off of "Name\0Value\0...\0\0": 1 and *off moved past it,
 * 0 at the end of the list, -1 if the list runs off its array or a value
 * holds a control byte (msg_validate() lets neither through).
 */
static int
cgi_hdr_next(const char *list, size_t size, size_t *off, const char **name,
    const char **value)
{
	size_t			 o = *off, nlen, vlen, i;
	const unsigned char	*v;

	if (o >= size)
		return -1;
	if ((nlen = strnlen(list + o, size - o)) == size - o)
		return -1;
	if (nlen == 0)
		return 0;
	o += nlen + 1;
	if (o >= size || (vlen = strnlen(list + o, size - o)) == size - o)
		return -1;
	v = (const unsigned char *)list + o;
	for (i = 0; i < vlen; i++)
		if ((v[i] < 0x20 && v[i] != '\t') || v[i] == 0x7f)
			return -1;
	*name = list + *off;
	*value = list + o;
	*off = o + vlen + 1;
	return 1;
}

static int
cgi_env_header_wanted(const char *name, const struct config *cf)
{
	/* '_' is outside the set, so no two spellings map to one HTTP_ */
	if (name[strspn(name, CGI_HNAME_CHARS)] != '\0')
		return 0;
	if (strcasecmp(name, "Authorization") == 0)
		return cf != NULL && cf->cf_pass_authorization;
	return !cgi_name_in(name, strlen(name), cgi_env_dropped,
	    nitems(cgi_env_dropped));
}

static int
cgi_env_append_hname(struct cgi_env *env, const char *name)
{
	char	 c;

	if (cgi_env_append(env, "HTTP_", 5) == -1)
		return -1;
	for (; *name != '\0'; name++) {
		c = *name == '-' ? '_' : *name;
		if (c >= 'a' && c <= 'z')
			c -= 'a' - 'A';
		if (cgi_env_append(env, &c, 1) == -1)
			return -1;
	}
	return cgi_env_append(env, "=", 1);
}

/*
 * One HTTP_ variable for the field at off and every later field of the
 * same name (case-insensitive), values in arrival order.  Cookie values
 * are joined with "; " as Apache does, since ", " may appear in one.
 */
static int
cgi_env_header_merge(struct cgi_env *env, const char *list, size_t size,
    size_t off, const char *lname)
{
	const char	*name, *value, *sep;
	int		 r, first = 1;

	sep = strcasecmp(lname, "Cookie") == 0 ? "; " : ", ";
	if (cgi_env_begin(env) == -1 || cgi_env_append_hname(env, lname) == -1)
		return -1;
	while ((r = cgi_hdr_next(list, size, &off, &name, &value)) == 1) {
		if (strcasecmp(name, lname) != 0)
			continue;
		if (!first && cgi_env_append(env, sep, 2) == -1)
			return -1;
		if (cgi_env_append(env, value, strlen(value)) == -1)
			return -1;
		first = 0;
	}
	if (r == -1)
		return -1;
	cgi_env_commit(env);
	return 0;
}

/*
 * Each distinct wanted name becomes one variable, so the first
 * occurrences ("leaders") are at most CGI_ENV_MAX: checking a field
 * against them keeps the work linear in the list, whatever it holds.
 */
static int
cgi_env_headers(struct cgi_env *env, const struct msg_exec_req *req,
    const struct config *cf)
{
	const char	*list = req->er_headers, *name, *value;
	const char	*leader[CGI_ENV_MAX];
	size_t		 size = sizeof(req->er_headers), off = 0, cur, n = 0;
	size_t		 i;
	int		 r;

	for (;;) {
		cur = off;
		if ((r = cgi_hdr_next(list, size, &off, &name, &value)) != 1)
			return r;
		if (!cgi_env_header_wanted(name, cf))
			continue;
		for (i = 0; i < n; i++)
			if (strcasecmp(leader[i], name) == 0)
				break;
		if (i < n)
			continue;
		if (n == nitems(leader) ||
		    cgi_env_header_merge(env, list, size, cur, name) == -1)
			return -1;
		leader[n++] = name;
	}
}

/* ---- environment: setenv lines and the whole -------------------------- */

static int
cgi_env_setenv_ok(const struct cgi_env *env, const struct config_setenv *s)
{
	const char	*name = s->cs_name;

	if (!CGI_TERMINATED(s->cs_name) || !CGI_TERMINATED(s->cs_value))
		return 0;
	if (name[0] == '\0' || (name[0] >= '0' && name[0] <= '9') ||
	    name[strspn(name, CGI_VNAME_CHARS)] != '\0')
		return 0;
	if (strncasecmp(name, "HTTP_", 5) == 0 ||
	    cgi_name_in(name, strlen(name), cgi_env_reserved,
	    nitems(cgi_env_reserved)))
		return 0;
	return cgi_env_get(env, name) == NULL;
}

static int
cgi_env_setenv(struct cgi_env *env, const struct config *cf)
{
	size_t	 i;

	if (cf == NULL)
		return 0;
	if (cf->cf_nsetenv > CONFIG_SETENV_MAX)
		return -1;
	for (i = 0; i < cf->cf_nsetenv; i++) {
		if (!cgi_env_setenv_ok(env, &cf->cf_setenv[i]) ||
		    cgi_env_add(env, cf->cf_setenv[i].cs_name,
		    cf->cf_setenv[i].cs_value) == -1)
			return -1;
	}
	return 0;
}

int
cgi_env_build(struct cgi_env *env, const struct msg_exec_req *req,
    const struct config *cf, const char *script_filename,
    const char *docroot)
{
	cgi_env_clear(env);
	if (req == NULL || script_filename == NULL || docroot == NULL ||
	    !cgi_env_req_terminated(req) ||
	    cgi_env_server(env, req) == -1 ||
	    cgi_env_script(env, req, script_filename, docroot) == -1 ||
	    cgi_env_add(env, "PATH", CGI_PATH) == -1 ||
	    cgi_env_headers(env, req, cf) == -1 ||
	    cgi_env_setenv(env, cf) == -1) {
		/* never hand out a partial environment */
		cgi_env_clear(env);
		return -1;
	}
	return 0;
}

/* ---- response: one field ------------------------------------------- */

static int
cgi_is_token(const char *s, size_t len)
{
	size_t	 i;

	if (len == 0)
		return 0;
	for (i = 0; i < len; i++)
		if (s[i] == '\0' || strchr(CGI_TCHARS, s[i]) == NULL)
			return 0;
	return 1;
}

/* s[0..n) are all ASCII digits (s need not be NUL-terminated) */
static int
cgi_all_digits(const char *s, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

/* copy s[0..n) into cr_buf as a C string; its offset in *off */
static int
cgi_resp_store(struct cgi_response *cr, const char *s, size_t n,
    uint32_t *off)
{
	if (n >= sizeof(cr->cr_buf) - cr->cr_buf_len)
		return -1;
	memcpy(cr->cr_buf + cr->cr_buf_len, s, n);
	cr->cr_buf[cr->cr_buf_len + n] = '\0';
	*off = (uint32_t)cr->cr_buf_len;
	cr->cr_buf_len += n + 1;
	return 0;
}

static int
cgi_resp_forward(struct cgi_response *cr, const char *name, size_t nlen,
    const char *value, size_t vlen, const char **why)
{
	struct cgi_field	*f;

	if (cr->cr_nfields >= CGI_RESP_FIELDS_MAX) {
		*why = "too many header fields";
		return -1;
	}
	f = &cr->cr_fields[cr->cr_nfields];
	if (cgi_resp_store(cr, name, nlen, &f->cf_name) == -1 ||
	    cgi_resp_store(cr, value, vlen, &f->cf_value) == -1) {
		*why = "header block too large";
		return -1;
	}
	cr->cr_nfields++;
	return 0;
}

/* "NNN" or "NNN reason", NNN in 200-599: a 1xx would be read as interim */
static int
cgi_resp_status(struct cgi_response *cr, const char *v, size_t len,
    const char **why)
{
	size_t	 i;

	if (cr->cr_has_status) {
		*why = "duplicate Status";
		return -1;
	}
	if (len < 3 || (len > 3 && v[3] != ' ') || !cgi_all_digits(v, 3)) {
		*why = "bad Status";
		return -1;
	}
	cr->cr_status = (v[0] - '0') * 100 + (v[1] - '0') * 10 + (v[2] - '0');
	if (cr->cr_status < 200 || cr->cr_status > 599) {
		*why = "Status out of range";
		return -1;
	}
	if (len > 3 && len - 4 >= sizeof(cr->cr_reason)) {
		*why = "Status reason too long";
		return -1;
	}
	for (i = 4; i < len; i++) {
		if ((unsigned char)v[i] < 0x20 || (unsigned char)v[i] > 0x7e) {
			*why = "bad Status reason";
			return -1;
		}
	}
	if (len > 3) {
		memcpy(cr->cr_reason, v + 4, len - 4);
		cr->cr_reason[len - 4] = '\0';
	}
	cr->cr_has_status = 1;
	return 0;
}

/* into *clen, which is -1 until a first Content-Length */
static int
cgi_resp_clen(int64_t *clen, const char *v, size_t len, const char **why)
{
	char		 num[20];
	const char	*errstr;

	if (*clen != -1) {
		*why = "duplicate Content-Length";
		return -1;
	}
	/* strtonum() alone would take a sign and leading blanks */
	if (len == 0 || !cgi_all_digits(v, len)) {
		*why = "bad Content-Length";
		return -1;
	}
	for (; len > 1 && *v == '0'; v++, len--)
		continue;
	if (len >= sizeof(num)) {
		*why = "Content-Length too large";
		return -1;
	}
	memcpy(num, v, len);
	num[len] = '\0';
	*clen = strtonum(num, 0, INT64_MAX, &errstr);
	if (errstr != NULL) {
		*clen = -1;
		*why = "Content-Length too large";
		return -1;
	}
	return 0;
}

static int
cgi_resp_location(struct cgi_response *cr, const char *v, size_t len,
    const char **why)
{
	uint32_t	 off;

	if (cr->cr_location != NULL) {
		*why = "duplicate Location";
		return -1;
	}
	/* a URI never holds blanks; it keeps a local redirect unambiguous */
	if (len == 0 || memchr(v, ' ', len) != NULL ||
	    memchr(v, '\t', len) != NULL) {
		*why = "bad Location";
		return -1;
	}
	if (cgi_resp_store(cr, v, len, &off) == -1) {
		*why = "header block too large";
		return -1;
	}
	cr->cr_location = cr->cr_buf + off;
	return 0;
}

static int
cgi_resp_field(struct cgi_response *cr, const char *name, size_t nlen,
    const char *v, size_t vlen, const char **why)
{
	if (cgi_name_is(name, nlen, "Status"))
		return cgi_resp_status(cr, v, vlen, why);
	if (cgi_name_is(name, nlen, "Location"))
		return cgi_resp_location(cr, v, vlen, why);
	if (cgi_name_is(name, nlen, "Content-Length"))
		return cgi_resp_clen(&cr->cr_content_length, v, vlen, why);
	if (cgi_name_is(name, nlen, "Transfer-Encoding")) {
		/* a script that frames its own body would be framed twice */
		*why = "Transfer-Encoding from a script";
		return -1;
	}
	if (cgi_name_is(name, nlen, "Content-Type")) {
		if (cr->cr_has_ctype) {
			*why = "duplicate Content-Type";
			return -1;
		}
		if (vlen == 0) {
			*why = "empty Content-Type";
			return -1;
		}
		cr->cr_has_ctype = 1;
	} else if (cgi_name_in(name, nlen, cgi_resp_dropped,
	    nitems(cgi_resp_dropped)))
		return 0;
	return cgi_resp_forward(cr, name, nlen, v, vlen, why);
}

/*
 * A field line p[0..len), neither empty nor holding its line end: the
 * name is p[0..*nlen), the value, trimmed, *v[0..*vlen).  0 or -1.
 */
static int
cgi_split_field(const char *p, size_t len, size_t *nlen, const char **v,
    size_t *vlen, const char **why)
{
	const char	*colon;
	size_t		 i;

	if (p[0] == ' ' || p[0] == '\t') {
		*why = "obs-fold in header block";
		return -1;
	}
	if ((colon = memchr(p, ':', len)) == NULL) {
		*why = "header line without ':'";
		return -1;
	}
	*nlen = colon - p;
	if (!cgi_is_token(p, *nlen)) {
		*why = "bad header field name";
		return -1;
	}
	*v = colon + 1;
	*vlen = len - *nlen - 1;
	for (; *vlen > 0 && (**v == ' ' || **v == '\t'); (*v)++, (*vlen)--)
		continue;
	for (; *vlen > 0 && ((*v)[*vlen - 1] == ' ' ||
	    (*v)[*vlen - 1] == '\t'); (*vlen)--)
		continue;
	for (i = 0; i < *vlen; i++) {
		if (((unsigned char)(*v)[i] < 0x20 && (*v)[i] != '\t') ||
		    (*v)[i] == 0x7f) {
			*why = "control character in header value";
			return -1;
		}
	}
	return 0;
}

/*
 * One line p[0..len) without its LF (no NUL, CR only right before the
 * LF): 1 = the empty line ending the block, 0 = a field, -1 = malformed.
 */
static int
cgi_resp_line(struct cgi_response *cr, const char *p, size_t len,
    const char **why)
{
	const char	*v;
	size_t		 nlen, vlen;

	if (len > 0 && p[len - 1] == '\r')
		len--;
	if (len == 0)
		return 1;
	if (cgi_split_field(p, len, &nlen, &v, &vlen, why) == -1)
		return -1;
	if (++cr->cr_nseen > CGI_RESP_FIELDS_MAX) {
		*why = "too many header fields";
		return -1;
	}
	return cgi_resp_field(cr, p, nlen, v, vlen, why);
}

/* ---- response: the block -------------------------------------------- */

static int
cgi_is_absolute_uri(const char *s)
{
	size_t	 n;

	if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z')))
		return 0;
	n = strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789+.-");
	return s[n] == ':';
}

static int
cgi_resp_redirect(struct cgi_response *cr, const char **why)
{
	if (cr->cr_location[0] == '/') {
		if (!cr->cr_has_status) {
			cr->cr_kind = CGI_RESP_LOCAL_REDIRECT;
			cr->cr_status = 200;
			return 0;
		}
	} else if (!cgi_is_absolute_uri(cr->cr_location)) {
		*why = "Location neither a local path nor an absolute URI";
		return -1;
	}
	if (!cr->cr_has_status)
		cr->cr_status = 302;
	else if (cr->cr_status / 100 != 3) {
		*why = "Location with a non-3xx Status";
		return -1;
	}
	cr->cr_kind = CGI_RESP_CLIENT_REDIRECT;
	return 0;
}

/* RFC 3875 6.2: which of the three responses the fields make */
static int
cgi_resp_classify(struct cgi_response *cr, const char **why)
{
	if (cr->cr_location != NULL)
		return cgi_resp_redirect(cr, why);
	if (!cr->cr_has_status)
		cr->cr_status = 200;
	/* 204 and 304 carry no body, so no type to declare */
	if (!cr->cr_has_ctype && cr->cr_status != 204 &&
	    cr->cr_status != 304) {
		*why = "no Content-Type";
		return -1;
	}
	cr->cr_kind = CGI_RESP_DOCUMENT;
	return 0;
}

static int
cgi_resp_fail(struct cgi_response *cr, const char **why, const char *reason)
{
	cr->cr_state = CGI_RS_MALFORMED;
	cr->cr_why = reason;
	*why = reason;
	return -1;
}

void
cgi_response_reset(struct cgi_response *cr)
{
	cr->cr_kind = CGI_RESP_DOCUMENT;
	cr->cr_status = 200;
	cr->cr_reason[0] = '\0';
	cr->cr_has_ctype = 0;
	cr->cr_content_length = -1;
	cr->cr_location = NULL;
	cr->cr_nfields = 0;
	cr->cr_buf[0] = '\0';
	cr->cr_buf_len = 0;
	cr->cr_scan = 0;
	cr->cr_line = 0;
	cr->cr_nseen = 0;
	cr->cr_has_status = 0;
	cr->cr_state = CGI_RS_HEAD;
	cr->cr_why = NULL;
}

/*
 * Bytes are judged one by one from cr_scan on, so the answer and its
 * reason depend only on the bytes, never on how the script's writes were
 * split; a CR at the end of the data waits for the byte after it.
 */
int
cgi_parse_response(struct cgi_response *cr, const char *buf, size_t len,
    const char **why)
{
	const char	*reason = NULL;
	size_t		 i;
	int		 r;

	if (why == NULL)
		why = &reason;
	if (cr->cr_state == CGI_RS_DONE)
		return (int)cr->cr_scan;
	if (cr->cr_state != CGI_RS_HEAD) {
		*why = cr->cr_why;
		return -1;
	}
	if (len < cr->cr_scan || (buf == NULL && len > 0))
		return cgi_resp_fail(cr, why, "input shrank between calls");
	for (i = cr->cr_scan; i < len; i++) {
		if (i >= CGI_RESP_HEAD_MAX)
			return cgi_resp_fail(cr, why, "header block too large");
		if (buf[i] == '\0')
			return cgi_resp_fail(cr, why, "NUL in header block");
		if (buf[i] == '\r') {
			if (i + 1 == len)
				break;
			if (buf[i + 1] != '\n')
				return cgi_resp_fail(cr, why,
				    "bare CR in header block");
			continue;
		}
		if (buf[i] != '\n')
			continue;
		r = cgi_resp_line(cr, buf + cr->cr_line, i - cr->cr_line,
		    &reason);
		if (r == -1)
			return cgi_resp_fail(cr, why, reason);
		cr->cr_line = i + 1;
		if (r == 1) {
			cr->cr_scan = i + 1;
			if (cgi_resp_classify(cr, &reason) == -1)
				return cgi_resp_fail(cr, why, reason);
			cr->cr_state = CGI_RS_DONE;
			return (int)cr->cr_scan;
		}
	}
	cr->cr_scan = i;
	return 0;
}

const char *
cgi_field_name(const struct cgi_response *cr, size_t i)
{
	if (i >= cr->cr_nfields || i >= CGI_RESP_FIELDS_MAX)
		return NULL;
	return cr->cr_buf + cr->cr_fields[i].cf_name;
}

const char *
cgi_field_value(const struct cgi_response *cr, size_t i)
{
	if (i >= cr->cr_nfields || i >= CGI_RESP_FIELDS_MAX)
		return NULL;
	return cr->cr_buf + cr->cr_fields[i].cf_value;
}

/* ---- nph- heads ------------------------------------------------------- */

size_t
cgi_nph_head_end(const char *buf, size_t len, size_t from)
{
	size_t	 i;

	for (i = from; i < len; i++)
		if (buf[i] == '\n' && ((i >= 1 && buf[i - 1] == '\n') ||
		    (i >= 2 && buf[i - 1] == '\r' && buf[i - 2] == '\n')))
			return i + 1;
	return 0;
}

/* "HTTP/1.x NNN[ reason]": a final status, as a client would take it */
static int
cgi_nph_status(const char *p, size_t len, int *status)
{
	size_t	 i;

	if (len < 12 || (memcmp(p, "HTTP/1.0 ", 9) != 0 &&
	    memcmp(p, "HTTP/1.1 ", 9) != 0) || !cgi_all_digits(p + 9, 3) ||
	    (len > 12 && p[12] != ' '))
		return -1;
	*status = (p[9] - '0') * 100 + (p[10] - '0') * 10 + (p[11] - '0');
	for (i = 13; i < len; i++)
		if (((unsigned char)p[i] < 0x20 && p[i] != '\t') ||
		    p[i] == 0x7f)
			return -1;
	return *status >= 200 && *status <= 599 ? 0 : -1;
}

/* a field line of an nph head: only framing matters to us */
static int
cgi_nph_field(const char *p, size_t len, int64_t *clen, const char **why)
{
	const char	*v;
	size_t		 nlen, vlen;

	if (cgi_split_field(p, len, &nlen, &v, &vlen, why) == -1)
		return -1;
	if (cgi_name_is(p, nlen, "Transfer-Encoding")) {
		*why = "Transfer-Encoding in an nph head";
		return -1;
	}
	if (cgi_name_is(p, nlen, "Content-Length"))
		return cgi_resp_clen(clen, v, vlen, why);
	return 0;
}

int
cgi_parse_nph(const char *head, size_t len, int *status, int64_t *clen,
    const char **why)
{
	const char	*p = head, *end = head + len, *nl;
	size_t		 n, nfields = 0;

	*clen = -1;
	*why = "nph head without its empty line";
	if (memchr(head, '\0', len) != NULL) {
		*why = "NUL in nph head";
		return -1;
	}
	for (; p < end && (nl = memchr(p, '\n', end - p)) != NULL;
	    p = nl + 1) {
		n = nl - p;
		if (n > 0 && p[n - 1] == '\r')
			n--;
		if (memchr(p, '\r', n) != NULL) {
			*why = "bare CR in nph head";
			return -1;
		}
		if (p == head) {
			if (cgi_nph_status(p, n, status) == -1) {
				*why = "bad nph status line";
				return -1;
			}
		} else if (n == 0) {
			if (nl + 1 == end)
				return 0;
			*why = "bytes after the nph head's empty line";
			return -1;
		} else if (++nfields > CGI_RESP_FIELDS_MAX) {
			*why = "too many header fields";
			return -1;
		} else if (cgi_nph_field(p, n, clen, why) == -1)
			return -1;
	}
	return -1;
}
