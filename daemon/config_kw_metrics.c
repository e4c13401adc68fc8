/* SPDX-License-Identifier: ISC */
/*
 * config_kw_metrics.c: the metrics keyword (a listener of its own for
 * /metrics) and the check that keeps it off every public address: never
 * a wildcard, never an address and port a listen line uses or covers,
 * never beyond loopback unless the line says so.  Pure, like config_kw.c;
 * trusts no word of the line.
 */
#include <sys/types.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <stdio.h>
#include <string.h>

#include "config.h"
#include "config_priv.h"

#define CONFIG_METRICS_NONLO	"non-loopback"

/* an address as the parser took it: family and bytes, or the wildcard */
struct config_addr {
	int		ca_family;	/* AF_INET, AF_INET6, 0: either */
	struct in6_addr	ca_addr;	/* IPv4 in the first 4 bytes */
	int		ca_any;		/* 0.0.0.0 or :: (or both) */
};

/* "", "*", "localhost" (both loopbacks), or a literal; -1: none of them */
static int
config_addr_parse(const char *s, struct config_addr *a, int *both_lo)
{
	memset(a, 0, sizeof(*a));
	*both_lo = 0;
	if (s[0] == '\0' || strcmp(s, "*") == 0) {
		a->ca_any = 1;
		return 0;
	}
	if (strcmp(s, "localhost") == 0) {
		*both_lo = 1;
		return 0;
	}
	if (inet_pton(AF_INET, s, &a->ca_addr) == 1) {
		a->ca_family = AF_INET;
		a->ca_any = memcmp(&a->ca_addr, "\0\0\0\0", 4) == 0;
		return 0;
	}
	if (inet_pton(AF_INET6, s, &a->ca_addr) == 1) {
		a->ca_family = AF_INET6;
		a->ca_any = IN6_IS_ADDR_UNSPECIFIED(&a->ca_addr);
		return 0;
	}
	return -1;
}

static int
config_addr_loopback(const struct config_addr *a)
{
	if (a->ca_family == AF_INET)
		return a->ca_addr.s6_addr[0] == 127;
	return IN6_IS_ADDR_LOOPBACK(&a->ca_addr);
}

/* the metrics address word: a literal (IPv6 maybe in []), or localhost */
static int
config_metrics_addr(struct config_ctx *cx, const char *word, char *out,
    size_t outsz, struct config_addr *a)
{
	size_t	len = strlen(word);
	int	both;

	if (strcmp(word, "localhost") == 0)
		word = "127.0.0.1";	/* one socket: localhost is two */
	else if (len > 2 && word[0] == '[' && word[len - 1] == ']') {
		if (len - 2 >= outsz)
			return config_err(cx, "metrics: bad address '%s'",
			    config_show(cx, word));
		memcpy(out, word + 1, len - 2);
		out[len - 2] = '\0';
		if (config_addr_parse(out, a, &both) == -1 ||
		    a->ca_family != AF_INET6)
			return config_err(cx, "metrics: bad address '%s'",
			    config_show(cx, word));
		word = out;
	}
	if (strlen(word) >= outsz || config_addr_parse(word, a, &both) == -1)
		return config_err(cx, "metrics: bad address '%s' (expected an "
		    "IPv4 or IPv6 address, or localhost)",
		    config_show(cx, word));
	if (a->ca_any)
		return config_err(cx, "metrics: '%s' is every address, the "
		    "public ones too: name the one address to be scraped on",
		    config_show(cx, word));
	if (a->ca_family == AF_INET6 && IN6_IS_ADDR_V4MAPPED(&a->ca_addr))
		return config_err(cx, "metrics: '%s' is an IPv4-mapped "
		    "address: write it as IPv4", config_show(cx, word));
	if (word != out)
		(void)strlcpy(out, word, outsz);
	return 0;
}

/* metrics ADDRESS PORT [non-loopback] */
int
config_kw_metrics(struct config_ctx *cx, const struct config_line *ln,
    const struct config_keyword *kw)
{
	struct config		*cf = cx->cx_cf;
	struct config_addr	 a;
	char			 addr[sizeof(cf->cf_metrics_addr)];
	long long		 port;
	int			 nonlo = 0;

	if (cf->cf_metrics_addr[0] != '\0')
		return config_err(cx, "metrics: given twice (there is one "
		    "metrics listener)");
	if (ln->ln_argc > 3) {
		if (strcmp(ln->ln_argv[3], CONFIG_METRICS_NONLO) != 0)
			return config_err(cx, "metrics: unknown option '%s' "
			    "(expected " CONFIG_METRICS_NONLO ")",
			    config_show(cx, ln->ln_argv[3]));
		nonlo = 1;
	}
	if (config_metrics_addr(cx, ln->ln_argv[1], addr, sizeof(addr),
	    &a) == -1 || config_number(cx, ln->ln_argv[0], ln->ln_argv[2], 1,
	    65535, &port) == -1)
		return -1;
	if (config_addr_loopback(&a) && nonlo)
		return config_err(cx, "metrics: %s is a loopback address: "
		    "'" CONFIG_METRICS_NONLO "' is for the others; remove it",
		    addr);
	if (!config_addr_loopback(&a) && !nonlo)
		return config_err(cx, "metrics: %s is not a loopback address: "
		    "anyone who can reach it would read the counters; if that "
		    "is meant (a private network, a firewall), say so at the "
		    "end of the line: " CONFIG_METRICS_NONLO, addr);
	(void)strlcpy(cf->cf_metrics_addr, addr, sizeof(cf->cf_metrics_addr));
	(void)snprintf(cf->cf_metrics_port, sizeof(cf->cf_metrics_port),
	    "%lld", port);
	cf->cf_metrics_nonloopback = nonlo;
	cf->cf_metrics_line = config_here(cx);
	return 0;
}

/* does a listen address cover the metrics address m? */
static int
config_metrics_covered(const char *listen, const struct config_addr *m)
{
	struct config_addr	l;
	int			both_lo;

	if (config_addr_parse(listen, &l, &both_lo) == -1)
		return 0;	/* the listen parser took nothing else */
	if (both_lo)
		return config_addr_loopback(m) && (m->ca_family == AF_INET6 ||
		    memcmp(&m->ca_addr, "\177\0\0\1", 4) == 0);
	if (l.ca_any)
		return l.ca_family == 0 || l.ca_family == m->ca_family;
	return l.ca_family == m->ca_family && memcmp(&l.ca_addr, &m->ca_addr,
	    l.ca_family == AF_INET ? 4 : sizeof(l.ca_addr)) == 0;
}

/*
 * After the file and the command line: a listen line (or -b and PORT)
 * on the metrics address and port would serve documents there, or the
 * metrics on a public listener.  The metrics line is the one named.
 */
int
config_metrics_check(const struct config *cf, const char *where, char *err,
    size_t errsz)
{
	const struct config_listen	*cl;
	struct config_addr		 m;
	size_t				 i;
	int				 both_lo;

	if (cf->cf_metrics_addr[0] == '\0' ||
	    config_addr_parse(cf->cf_metrics_addr, &m, &both_lo) == -1)
		return 0;
	for (i = 0; i < cf->cf_nlisten; i++) {
		cl = &cf->cf_listen[i];
		if (strcmp(cl->cl_port, cf->cf_metrics_port) != 0 ||
		    !config_metrics_covered(cl->cl_addr, &m))
			continue;
		(void)snprintf(err, errsz, "%s: metrics %s %s: the listen "
		    "address %s port %s serves documents there; give the "
		    "metrics a port of their own", where, cf->cf_metrics_addr,
		    cf->cf_metrics_port, cl->cl_addr[0] != '\0' ? cl->cl_addr :
		    "*", cl->cl_port);
		return -1;
	}
	return 0;
}
