/* SPDX-License-Identifier: ISC */
/*
 * fuzz_cgi_env.c: libFuzzer target for cgi_env_build(), which the executor
 * runs on a request from the front.  Input: 7 bytes of flags, ports and
 * length, then string fields split on '\n', the rest raw er_headers.
 * Checks that the environment is whole, bounded and allowed, or empty.
 */

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cgi_env.h"

#define FUZZ_ASSERT(x)	do { if (!(x)) abort(); } while (0)
#define nitems(a)	(sizeof(a) / sizeof((a)[0]))

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static struct cgi_env		env;
static struct msg_exec_req	req;
static struct config		cf;

static const char *const allowed[] = {
	"GATEWAY_INTERFACE", "SERVER_SOFTWARE", "SERVER_PROTOCOL",
	"REQUEST_METHOD", "SCRIPT_NAME", "PATH_INFO", "PATH_TRANSLATED",
	"QUERY_STRING", "REQUEST_URI", "SCRIPT_FILENAME", "DOCUMENT_ROOT",
	"SERVER_NAME", "SERVER_PORT", "SERVER_ADDR", "REMOTE_ADDR",
	"REMOTE_HOST", "REMOTE_PORT", "REQUEST_SCHEME", "HTTPS",
	"REDIRECT_STATUS", "CONTENT_LENGTH", "CONTENT_TYPE", "PATH"
};
static const char *const forbidden[] = {
	"HTTP_PROXY", "HTTP_PROXY_AUTHORIZATION", "HTTP_CONTENT_LENGTH",
	"HTTP_CONTENT_TYPE", "HTTP_TRANSFER_ENCODING", "AUTH_TYPE",
	"REMOTE_USER"
};

struct fuzz_field {
	size_t	 ff_off;
	size_t	 ff_size;
};
#define FF(m)	{ offsetof(struct msg_exec_req, m), \
		    sizeof(((struct msg_exec_req *)0)->m) }
static const struct fuzz_field fields[] = {
	FF(er_method), FF(er_script), FF(er_path_info), FF(er_query),
	FF(er_request_uri), FF(er_protocol), FF(er_server_name),
	FF(er_content_type), FF(er_peer_addr), FF(er_local_addr),
	FF(er_headers)
};

static int
fuzz_in(const char *name, size_t len, const char *const *l, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (strlen(l[i]) == len && strncmp(name, l[i], len) == 0)
			return 1;
	return 0;
}

/* string fields split on '\n'; whatever is left is the raw header list */
static void
fuzz_fill(const uint8_t *d, size_t size)
{
	const uint8_t	*nl;
	char		*f;
	size_t		 i, n;

	memset(&req, 0, sizeof(req));
	for (i = 0; i < nitems(fields) && size > 0; i++) {
		f = (char *)&req + fields[i].ff_off;
		nl = i + 1 < nitems(fields) ? memchr(d, '\n', size) : NULL;
		n = nl != NULL ? (size_t)(nl - d) : size;
		memcpy(f, d, n < fields[i].ff_size ? n : fields[i].ff_size);
		if (nl == NULL)
			break;
		d += n + 1;
		size -= n + 1;
	}
}

static void
fuzz_config(uint8_t flags)
{
	memset(&cf, 0, sizeof(cf));
	cf.cf_pass_authorization = (flags & 0x2) != 0;
	if (flags & 0x8) {
		memcpy(cf.cf_setenv[0].cs_name, "TZ", 3);
		memcpy(cf.cf_setenv[0].cs_value, "UTC", 4);
		/* a name the input chose: the builder must vet it */
		_Static_assert(sizeof(req.er_method) <
		    sizeof(cf.cf_setenv[1].cs_name), "setenv name room");
		memcpy(cf.cf_setenv[1].cs_name, req.er_method,
		    sizeof(req.er_method));
		memcpy(cf.cf_setenv[1].cs_value, req.er_query,
		    sizeof(cf.cf_setenv[1].cs_value) - 1);
		cf.cf_nsetenv = 2;
	}
}

static void
fuzz_check_entry(size_t i, const char *setenv_name, int pass_auth)
{
	const char	*e = env.ce_envp[i], *eq;
	size_t		 len, j;

	FUZZ_ASSERT(e >= env.ce_buf && e < env.ce_buf + env.ce_used);
	FUZZ_ASSERT(memchr(e, '\0', env.ce_buf + env.ce_used - e) != NULL);
	/* packed back to back: nothing overlaps, nothing is lost */
	if (i + 1 < env.ce_n)
		FUZZ_ASSERT(env.ce_envp[i + 1] == e + strlen(e) + 1);
	else
		FUZZ_ASSERT(e + strlen(e) + 1 == env.ce_buf + env.ce_used);
	FUZZ_ASSERT((eq = strchr(e, '=')) != NULL && eq > e);
	len = eq - e;
	FUZZ_ASSERT(strspn(e, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstu"
	    "vwxyz0123456789_") == len);
	FUZZ_ASSERT(!fuzz_in(e, len, forbidden, nitems(forbidden)));
	if (!pass_auth)
		FUZZ_ASSERT(strncmp(e, "HTTP_AUTHORIZATION=", 19) != 0);
	if (len > 5 && strncmp(e, "HTTP_", 5) == 0)
		FUZZ_ASSERT(strspn(e,
		    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") == len);
	else
		FUZZ_ASSERT(fuzz_in(e, len, allowed, nitems(allowed)) ||
		    (len == 2 && strncmp(e, "TZ", 2) == 0) ||
		    (strlen(setenv_name) == len &&
		    strncmp(e, setenv_name, len) == 0));
	for (j = 0; j < i; j++)
		FUZZ_ASSERT(strncmp(env.ce_envp[j], e, len + 1) != 0);
}

static void
fuzz_check_env(const char *setenv_name, int pass_auth)
{
	const char	*v;
	size_t		 i;

	FUZZ_ASSERT(env.ce_n <= CGI_ENV_MAX && env.ce_envp[env.ce_n] == NULL);
	FUZZ_ASSERT(env.ce_used <= CGI_ENV_BUF);
	for (i = 0; i < env.ce_n; i++)
		fuzz_check_entry(i, setenv_name, pass_auth);
	FUZZ_ASSERT((v = cgi_env_get(&env, "REQUEST_METHOD")) != NULL &&
	    strcmp(v, req.er_method) == 0);
	FUZZ_ASSERT((v = cgi_env_get(&env, "QUERY_STRING")) != NULL &&
	    strcmp(v, req.er_query) == 0);
	FUZZ_ASSERT((cgi_env_get(&env, "PATH_INFO") != NULL) ==
	    (req.er_path_info[0] != '\0'));
	FUZZ_ASSERT((cgi_env_get(&env, "PATH_TRANSLATED") != NULL) ==
	    (req.er_path_info[0] != '\0'));
	FUZZ_ASSERT((cgi_env_get(&env, "CONTENT_LENGTH") != NULL) ==
	    (req.er_content_length >= 0));
	FUZZ_ASSERT((cgi_env_get(&env, "HTTPS") != NULL) ==
	    ((req.er_flags & MSG_EXEC_F_TLS) != 0));
	FUZZ_ASSERT(cgi_env_get(&env, "PATH") != NULL);
	FUZZ_ASSERT(cgi_env_get(&env, "SERVER_NAME") != NULL);
}

int
LLVMFuzzerTestOneInput(const uint8_t *d, size_t size)
{
	char	 setenv_name[CONFIG_NAME_MAX];
	uint8_t	 flags, bad;
	int	 rc;

	if (size < 7)
		return 0;
	flags = d[0];
	bad = d[1] % 16;
	fuzz_fill(d + 7, size - 7);
	req.er_flags = flags & 0x1 ? MSG_EXEC_F_TLS : 0;
	req.er_peer_port = (uint16_t)(d[2] << 8 | d[3]);
	req.er_local_port = (uint16_t)(d[4] << 8 | d[5]);
	req.er_content_length = (int8_t)d[6] < 0 ? (int8_t)d[6] :
	    (int64_t)d[6] << (d[6] % 56);
	fuzz_config(flags);
	if (bad < nitems(fields))
		memset((char *)&req + fields[bad].ff_off, 'A',
		    fields[bad].ff_size);
	memcpy(setenv_name, cf.cf_setenv[1].cs_name, sizeof(setenv_name));
	rc = cgi_env_build(&env, &req, flags & 0x4 ? NULL : &cf,
	    "/srv/www/cgi-bin/x", flags & 0x10 ? "/srv/www/" : "/srv/www");
	FUZZ_ASSERT(rc == 0 || rc == -1);
	if (rc == -1) {
		FUZZ_ASSERT(env.ce_n == 0 && env.ce_used == 0);
		FUZZ_ASSERT(env.ce_envp[0] == NULL);
		return 0;
	}
	FUZZ_ASSERT(bad >= nitems(fields));
	fuzz_check_env(flags & 0x4 ? "" : setenv_name, (flags & 0x6) == 0x2);
	return 0;
}
