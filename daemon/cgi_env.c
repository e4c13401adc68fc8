/* SPDX-License-Identifier: ISC */
/*
 * cgi_env.c: the CGI/1.1 (RFC 3875) environment, without I/O.
 * cgi_env_build() runs in the executor on a request the front sent
 * (msg_validate()d, but bounded here again) and the configuration.
 */

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "cgi_env.h"
#include "cgi_priv.h"

#define CGI_PATH		"/usr/local/bin:/usr/bin:/bin"
#define CGI_HNAME_CHARS		"ABCDEFGHIJKLMNOPQRSTUVWXYZ" \
				"abcdefghijklmnopqrstuvwxyz0123456789-"
#define CGI_VNAME_CHARS		"ABCDEFGHIJKLMNOPQRSTUVWXYZ" \
				"abcdefghijklmnopqrstuvwxyz0123456789_"

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
	/* only what cgijail itself authenticated (msg_validate()d) */
	if ((req->er_flags & MSG_EXEC_F_AUTH) &&
	    req->er_remote_user[0] != '\0' && memchr(req->er_remote_user,
	    '\0', sizeof(req->er_remote_user)) != NULL && (cgi_env_add(env, "AUTH_TYPE", "Basic") == -1 ||
	    cgi_env_add(env, "REMOTE_USER", req->er_remote_user) == -1))
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
