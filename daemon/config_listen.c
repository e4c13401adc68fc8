/* SPDX-License-Identifier: ISC */
/*
 * config_listen.c: the keywords of the listeners' options: `tls' with its
 * certificate, key and OCSP staple, `proxy-protocol' with the senders
 * trusted to use it (proxy-from), and the check that each option has
 * what it needs.  Pure, like config.c; trusts no word of the file.
 */
#include <sys/types.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "config.h"
#include "config_priv.h"

/* the options after listen's address and port: each at most once */
int
config_listen_opts(struct config_ctx *cx, const struct config_line *ln,
    size_t first, struct config_listen *cl)
{
	const char	*opt;
	unsigned	 bit;
	size_t		 i;

	cl->cl_opts = 0;
	for (i = first; i < ln->ln_argc; i++) {
		opt = ln->ln_argv[i];
		if (strcmp(opt, "tls") == 0)
			bit = CONFIG_LISTEN_TLS;
		else if (strcmp(opt, "proxy-protocol") == 0)
			bit = CONFIG_LISTEN_PROXY;
		else
			return config_err(cx, "listen: unknown option '%s'",
			    config_show(cx, opt));
		if (cl->cl_opts & bit)
			return config_err(cx, "listen: '%s' given twice", opt);
		cl->cl_opts |= bit;
	}
	/* the first of each kind names the error of a missing keyword */
	if ((cl->cl_opts & CONFIG_LISTEN_TLS) &&
	    cx->cx_cf->cf_tls_listen_line == 0)
		cx->cx_cf->cf_tls_listen_line = config_here(cx);
	if ((cl->cl_opts & CONFIG_LISTEN_PROXY) &&
	    cx->cx_cf->cf_proxy_listen_line == 0)
		cx->cx_cf->cf_proxy_listen_line = config_here(cx);
	return 0;
}

/* tls-certificate, tls-key, tls-ocsp-staple FILE: read by the parent */
int
config_kw_tls_file(struct config_ctx *cx, const struct config_line *ln,
    const struct config_keyword *kw)
{
	struct config	*cf = cx->cx_cf;
	char		*dst = (char *)cf + kw->kw_off;
	size_t		*line;

	if (kw->kw_off == offsetof(struct config, cf_tls_cert))
		line = &cf->cf_tls_cert_line;
	else if (kw->kw_off == offsetof(struct config, cf_tls_key))
		line = &cf->cf_tls_key_line;
	else
		line = &cf->cf_tls_ocsp_line;
	if (config_set_path(cx, kw->kw_name, dst, PATH_MAX, ln->ln_argv[1],
	    0) == -1)
		return -1;
	*line = config_here(cx);
	return 0;
}

/* "ADDRESS" or "ADDRESS/BITS" into cc, IPv4 as ::ffff:a.b.c.d */
static int
config_cidr_parse(struct config_ctx *cx, const char *word,
    struct config_cidr *cc)
{
	char		 addr[INET6_ADDRSTRLEN];
	const char	*slash = strchr(word, '/');
	size_t		 n = slash != NULL ? (size_t)(slash - word) :
			    strlen(word);
	long long	 bits;
	int		 v4;
	unsigned	 i;

	memset(cc, 0, sizeof(*cc));
	if (n >= sizeof(addr))
		goto bad;
	memcpy(addr, word, n);
	addr[n] = '\0';
	if ((v4 = inet_pton(AF_INET, addr, cc->cc_addr + 12) == 1))
		cc->cc_addr[10] = cc->cc_addr[11] = 0xff;
	else if (inet_pton(AF_INET6, addr, cc->cc_addr) != 1)
		goto bad;
	bits = v4 ? 32 : 128;
	if (slash != NULL && config_number(cx, "proxy-from", slash + 1, 0,
	    v4 ? 32 : 128, &bits) == -1)
		return -1;
	cc->cc_bits = (unsigned)bits + (v4 ? 96 : 0);
	for (i = cc->cc_bits; i < 128; i++)
		if (cc->cc_addr[i / 8] & (0x80 >> (i % 8)))
			return config_err(cx, "proxy-from: '%s' has bits set "
			    "beyond its /%lld prefix", config_show(cx, word),
			    bits);
	return 0;
bad:
	return config_err(cx, "proxy-from: bad address '%s' (expected an IP "
	    "address or ADDRESS/BITS)", config_show(cx, word));
}

/* proxy-from ADDRESS|CIDR...: lines add to the list */
int
config_kw_proxy_from(struct config_ctx *cx, const struct config_line *ln,
    const struct config_keyword *kw)
{
	struct config		*cf = cx->cx_cf;
	struct config_cidr	 cc;
	size_t			 i, j;

	for (i = 1; i < ln->ln_argc; i++) {
		if (config_cidr_parse(cx, ln->ln_argv[i], &cc) == -1)
			return -1;
		for (j = 0; j < cf->cf_nproxy_from; j++)
			if (memcmp(&cf->cf_proxy_from[j], &cc,
			    sizeof(cc)) == 0)
				return config_err(cx, "proxy-from: '%s' given "
				    "twice", config_show(cx, ln->ln_argv[i]));
		if (cf->cf_nproxy_from >= CONFIG_PROXY_FROM_MAX)
			return config_err(cx, "too many proxy-from addresses "
			    "(max %d)", CONFIG_PROXY_FROM_MAX);
		cf->cf_proxy_from[cf->cf_nproxy_from++] = cc;
	}
	if (cf->cf_proxy_from_line == 0)
		cf->cf_proxy_from_line = config_here(cx);
	return 0;
}

/* an error on line (not the last one read) */
static int
config_listen_err_at(struct config_ctx *cx, size_t line, const char *msg)
{
	cx->cx_line = line;
	return config_err(cx, "%s", msg);
}

/*
 * After the last line: a tls listener has its certificate and key, a
 * proxy-protocol one its trusted senders; and neither is given for
 * nothing, which would most likely be a listen line that lost its option.
 */
int
config_listen_check(struct config_ctx *cx)
{
	const struct config	*cf = cx->cx_cf;

	if (cf->cf_tls_listen_line != 0 && cf->cf_tls_cert[0] == '\0')
		return config_listen_err_at(cx, cf->cf_tls_listen_line,
		    "listen: 'tls' needs a tls-certificate line");
	if (cf->cf_tls_listen_line != 0 && cf->cf_tls_key[0] == '\0')
		return config_listen_err_at(cx, cf->cf_tls_listen_line,
		    "listen: 'tls' needs a tls-key line");
	if (cf->cf_tls_listen_line == 0 && cf->cf_tls_cert[0] != '\0')
		return config_listen_err_at(cx, cf->cf_tls_cert_line,
		    "tls-certificate: no listen line has 'tls'");
	if (cf->cf_tls_listen_line == 0 && cf->cf_tls_key[0] != '\0')
		return config_listen_err_at(cx, cf->cf_tls_key_line,
		    "tls-key: no listen line has 'tls'");
	if (cf->cf_tls_listen_line == 0 && cf->cf_tls_ocsp[0] != '\0')
		return config_listen_err_at(cx, cf->cf_tls_ocsp_line,
		    "tls-ocsp-staple: no listen line has 'tls'");
	if (cf->cf_proxy_listen_line != 0 && cf->cf_nproxy_from == 0)
		return config_listen_err_at(cx, cf->cf_proxy_listen_line,
		    "listen: 'proxy-protocol' needs a proxy-from line (the "
		    "load balancers trusted to send it)");
	if (cf->cf_proxy_listen_line == 0 && cf->cf_nproxy_from != 0)
		return config_listen_err_at(cx, cf->cf_proxy_from_line,
		    "proxy-from: no listen line has 'proxy-protocol'");
	return 0;
}
