/* SPDX-License-Identifier: ISC */
/*
 * config_kw_auth.c: the keywords of HTTP Basic authentication:
 * `authenticate [PATH-PREFIX] REALM with FILE' and the check that a
 * password never crosses a listener without tls unless
 * `authenticate-insecure on' says so.  Pure, like config.c; trusts no
 * word of the file.  The FILE itself is read by the parent (keys.c).
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "config.h"
#include "config_priv.h"

/* a realm: what WWW-Authenticate shows a person, printable ASCII */
static int
config_auth_realm(struct config_ctx *cx, const char *realm, char *dst)
{
	size_t	i, n = strlen(realm);

	if (n == 0)
		return config_err(cx, "authenticate: an empty realm");
	if (n >= CONFIG_REALM_MAX)
		return config_err(cx, "authenticate: a realm longer than %d "
		    "bytes", CONFIG_REALM_MAX - 1);
	for (i = 0; i < n; i++)
		if (realm[i] < 0x20 || realm[i] > 0x7e)
			return config_err(cx, "authenticate: the realm '%s' "
			    "holds a byte outside printable ASCII",
			    config_show(cx, realm));
	memcpy(dst, realm, n + 1);
	return 0;
}

/*
 * authenticate [PATH-PREFIX] REALM with FILE: PREFIX and everything below
 * it (the whole site without one) asks for a user of FILE.  At most one
 * line per prefix; the longest prefix that holds a path is its line.
 */
int
config_kw_auth(struct config_ctx *cx, const struct config_line *ln,
    const struct config_keyword *kw)
{
	struct config		*cf = cx->cx_cf;
	struct config_auth	 ca;
	size_t			 i, a = ln->ln_argc == 5 ? 2 : 1, n;

	memset(&ca, 0, sizeof(ca));
	if (cf->cf_nauth >= CONFIG_AUTH_MAX)
		return config_err(cx, "authenticate: more than %d lines",
		    CONFIG_AUTH_MAX);
	if (strcmp(ln->ln_argv[a + 1], "with") != 0)
		return config_err(cx, "authenticate: expected "
		    "'authenticate [PATH-PREFIX] REALM with FILE', not '%s' "
		    "where 'with' goes", config_show(cx, ln->ln_argv[a + 1]));
	if (a == 2 && config_set_path(cx, "authenticate", ca.ca_prefix,
	    sizeof(ca.ca_prefix), ln->ln_argv[1], 1) == -1)
		return -1;
	if (a == 1)
		(void)strlcpy(ca.ca_prefix, "/", sizeof(ca.ca_prefix));
	n = strlen(ca.ca_prefix);
	while (n > 1 && ca.ca_prefix[n - 1] == '/')
		ca.ca_prefix[--n] = '\0';
	if (config_auth_realm(cx, ln->ln_argv[a], ca.ca_realm) == -1 ||
	    config_set_path(cx, "authenticate", ca.ca_file,
	    sizeof(ca.ca_file), ln->ln_argv[a + 2], 0) == -1)
		return -1;
	for (i = 0; i < cf->cf_nauth; i++)
		if (strcmp(cf->cf_auth[i].ca_prefix, ca.ca_prefix) == 0)
			return config_err(cx, "authenticate: %s is already "
			    "given a realm on line %zu", ca.ca_prefix,
			    cf->cf_auth[i].ca_line);
	ca.ca_line = config_here(cx);
	cf->cf_auth[cf->cf_nauth++] = ca;
	(void)kw;
	return 0;
}

int
config_auth_listeners(const struct config *cf, size_t *line, char *why,
    size_t whysz)
{
	const struct config_listen	*cl;
	size_t				 i;

	if (cf->cf_nauth == 0 || cf->cf_auth_insecure)
		return 0;
	for (i = 0; i < cf->cf_nlisten; i++) {
		cl = &cf->cf_listen[i];
		if (cl->cl_opts & CONFIG_LISTEN_TLS)
			continue;
		*line = cf->cf_auth[0].ca_line;
		(void)snprintf(why, whysz, "authenticate: listen %s%s%s %s "
		    "has no 'tls', so passwords would cross the network in "
		    "the clear: add 'tls' to it, or say "
		    "'authenticate-insecure on'", cl->cl_addr[0] != '\0' &&
		    strchr(cl->cl_addr, ':') != NULL ? "[" : "",
		    cl->cl_addr[0] != '\0' ? cl->cl_addr : "*",
		    cl->cl_addr[0] != '\0' && strchr(cl->cl_addr, ':') !=
		    NULL ? "]" : "", cl->cl_port);
		return -1;
	}
	return 0;
}
