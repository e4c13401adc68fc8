/* SPDX-License-Identifier: ISC */
/*
 * fuzz_config.c: libFuzzer target for config.c.  The input is a config
 * file; whatever it holds, the parser must return 0 with a struct whose
 * every field is in range, or -1 with a bounded "FILE:LINE: " message.
 */
#include <arpa/inet.h>
#include <netinet/in.h>

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define FZ_FILE		"fz.conf"
#define FZ_CHECK(x)	do { if (!(x)) { fprintf(stderr, "%s:%d: %s\n", \
			    __FILE__, __LINE__, #x); abort(); } } while (0)

static struct config	fz_cf;

static int
fz_terminated(const char *s, size_t size)
{
	return memchr(s, '\0', size) != NULL;
}

static int
fz_clean_urlpath(const char *s)
{
	return s[0] == '/' && strstr(s, "..") == NULL &&
	    strstr(s, "//") == NULL && strpbrk(s, " \t\r\n?#%\\\"") == NULL;
}

static void
fz_check_lists(const struct config *cf)
{
	size_t	i;

	FZ_CHECK(cf->cf_nlisten <= CONFIG_LISTEN_MAX);
	FZ_CHECK(cf->cf_ncgidir <= CONFIG_CGIDIR_MAX);
	FZ_CHECK(cf->cf_nroute <= CONFIG_ROUTE_MAX);
	FZ_CHECK(cf->cf_ninterp <= CONFIG_INTERP_MAX);
	FZ_CHECK(cf->cf_nsetenv <= CONFIG_SETENV_MAX);
	FZ_CHECK(cf->cf_nbind <= CONFIG_BIND_MAX);
	FZ_CHECK(cf->cf_nindex >= 1 && cf->cf_nindex <= CONFIG_INDEX_MAX);
	for (i = 0; i < cf->cf_nlisten; i++) {
		FZ_CHECK(fz_terminated(cf->cf_listen[i].cl_addr,
		    sizeof(cf->cf_listen[i].cl_addr)));
		FZ_CHECK(atoi(cf->cf_listen[i].cl_port) >= 1 &&
		    atoi(cf->cf_listen[i].cl_port) <= 65535);
	}
	for (i = 0; i < cf->cf_ncgidir; i++) {
		FZ_CHECK(fz_clean_urlpath(cf->cf_cgidir[i].cd_urlpath));
		FZ_CHECK(strlen(cf->cf_cgidir[i].cd_urlpath) > 1);
		FZ_CHECK(cf->cf_cgidir[i].cd_urlpath[strlen(
		    cf->cf_cgidir[i].cd_urlpath) - 1] != '/');
		FZ_CHECK(cf->cf_cgidir[i].cd_policy[0] == '\0' ||
		    cf->cf_cgidir[i].cd_policy[0] == '/');
	}
	for (i = 0; i < cf->cf_nroute; i++)
		FZ_CHECK(fz_clean_urlpath(cf->cf_route[i].cr_prefix) &&
		    fz_clean_urlpath(cf->cf_route[i].cr_script));
	for (i = 0; i < cf->cf_ninterp; i++)
		FZ_CHECK(cf->cf_interp[i].ci_ext[0] == '.' &&
		    cf->cf_interp[i].ci_path[0] == '/');
	for (i = 0; i < cf->cf_nbind; i++) {
		FZ_CHECK(cf->cf_bind[i].cb_src[0] == '/' &&
		    cf->cf_bind[i].cb_dst[0] == '/' &&
		    strcmp(cf->cf_bind[i].cb_dst, "/") != 0 &&
		    strstr(cf->cf_bind[i].cb_dst, "/../") == NULL);
		/* the jail's own mount points, with or without a '/' */
		FZ_CHECK(strcmp(cf->cf_bind[i].cb_dst, "/proc") != 0 &&
		    strcmp(cf->cf_bind[i].cb_dst, "/dev") != 0 &&
		    strcmp(cf->cf_bind[i].cb_dst, "/tmp") != 0 &&
		    cf->cf_bind[i].cb_dst[strlen(cf->cf_bind[i].cb_dst) - 1] !=
		    '/');
	}
}

/*
 * Listener options: known bits only; a tls one has its certificate and
 * key, a proxy-protocol one its trusted senders, and neither is given
 * for nothing; every proxy-from network is clean.
 */
static void
fz_check_listen_opts(const struct config *cf)
{
	unsigned	all = 0;
	size_t		i, b;

	for (i = 0; i < cf->cf_nlisten; i++) {
		FZ_CHECK((cf->cf_listen[i].cl_opts & ~(CONFIG_LISTEN_TLS |
		    CONFIG_LISTEN_PROXY)) == 0);
		all |= cf->cf_listen[i].cl_opts;
	}
	FZ_CHECK(((all & CONFIG_LISTEN_TLS) != 0) ==
	    (cf->cf_tls_cert[0] != '\0'));
	FZ_CHECK(((all & CONFIG_LISTEN_TLS) != 0) ==
	    (cf->cf_tls_key[0] != '\0'));
	FZ_CHECK(cf->cf_tls_ocsp[0] == '\0' || (all & CONFIG_LISTEN_TLS));
	FZ_CHECK(cf->cf_tls_cert[0] == '\0' || cf->cf_tls_cert[0] == '/');
	FZ_CHECK(cf->cf_tls_key[0] == '\0' || cf->cf_tls_key[0] == '/');
	FZ_CHECK(cf->cf_tls_ocsp[0] == '\0' || cf->cf_tls_ocsp[0] == '/');
	FZ_CHECK(((all & CONFIG_LISTEN_PROXY) != 0) ==
	    (cf->cf_nproxy_from > 0));
	FZ_CHECK(cf->cf_nproxy_from <= CONFIG_PROXY_FROM_MAX);
	for (i = 0; i < cf->cf_nproxy_from; i++) {
		FZ_CHECK(cf->cf_proxy_from[i].cc_bits <= 128);
		for (b = cf->cf_proxy_from[i].cc_bits; b < 128; b++)
			FZ_CHECK((cf->cf_proxy_from[i].cc_addr[b / 8] &
			    (0x80 >> (b % 8))) == 0);
	}
}

/* no variable the loader or the CGI layer owns may come from the config */
static void
fz_check_setenv(const struct config *cf)
{
	const char	*n;
	size_t		 i;

	for (i = 0; i < cf->cf_nsetenv; i++) {
		n = cf->cf_setenv[i].cs_name;
		FZ_CHECK(fz_terminated(cf->cf_setenv[i].cs_value,
		    sizeof(cf->cf_setenv[i].cs_value)));
		FZ_CHECK(n[0] != '\0' && strspn(n, "abcdefghijklmnopqrstuvwxyz"
		    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") == strlen(n));
		FZ_CHECK(strncasecmp(n, "LD_", 3) != 0);
		FZ_CHECK(strncasecmp(n, "HTTP_", 5) != 0);
		FZ_CHECK(strcmp(n, "PATH") != 0 &&
		    strcmp(n, "SCRIPT_FILENAME") != 0);
		FZ_CHECK(strchr(cf->cf_setenv[i].cs_value, '\n') == NULL);
	}
}

/* userdir DIR, userdir-writable SUBDIR: plain relative one-word paths */
static int
fz_clean_relpath(const char *s)
{
	size_t	n = strlen(s);

	return n > 0 && s[0] != '/' && s[n - 1] != '/' &&
	    strstr(s, "//") == NULL && strcmp(s, ".") != 0 &&
	    strcmp(s, "..") != 0 && strncmp(s, "./", 2) != 0 &&
	    strncmp(s, "../", 3) != 0 && strstr(s, "/./") == NULL &&
	    strstr(s, "/../") == NULL && (n < 2 || strcmp(s + n - 2,
	    "/.") != 0) && (n < 3 || strcmp(s + n - 3, "/..") != 0) &&
	    strpbrk(s, " \t\r\n") == NULL;
}

static void
fz_check_userdir(const struct config *cf)
{
	FZ_CHECK(fz_terminated(cf->cf_userdir, sizeof(cf->cf_userdir)));
	FZ_CHECK(cf->cf_userdir[0] == '\0' ||
	    fz_clean_relpath(cf->cf_userdir));
	FZ_CHECK(cf->cf_userdir_writable[0] == '\0' ||
	    (cf->cf_userdir[0] != '\0' &&
	    fz_clean_relpath(cf->cf_userdir_writable)));
	FZ_CHECK(cf->cf_userdir_limits[0] == '\0' ||
	    (cf->cf_userdir[0] != '\0' && cf->cf_userdir_limits[0] == '/'));
	FZ_CHECK(cf->cf_userdir_min_uid >= 1 &&
	    cf->cf_userdir_min_uid != (uid_t)-1);
	FZ_CHECK(cf->cf_userdir_max_scripts >= 1 &&
	    cf->cf_userdir_max_scripts <= 4096);
	FZ_CHECK(cf->cf_userdir_debug == 0 || cf->cf_userdir_debug == 1);
	FZ_CHECK(cf->cf_userdir_table == NULL);
}

static void
fz_check_values(const struct config *cf)
{
	FZ_CHECK(cf->cf_timeout_status == 500 || cf->cf_timeout_status == 504);
	FZ_CHECK(cf->cf_timeout_sec <= 86400);
	FZ_CHECK(cf->cf_max_connections >= 1);
	FZ_CHECK(cf->cf_max_scripts >= 1);
	FZ_CHECK(cf->cf_limits.lim_cpu_sec >= 1);
	FZ_CHECK(cf->cf_limits.lim_tmp_bytes > 0);
	FZ_CHECK(cf->cf_limits.lim_open_files >= 8);
	FZ_CHECK(strcmp(cf->cf_user, "root") != 0);
	FZ_CHECK(strcmp(cf->cf_script_user, "root") != 0);
	FZ_CHECK(strcmp(cf->cf_user, cf->cf_script_user) != 0);
	FZ_CHECK(fz_terminated(cf->cf_root, sizeof(cf->cf_root)));
	FZ_CHECK(cf->cf_access_log[0] == '\0' || cf->cf_access_log[0] == '/' ||
	    strcmp(cf->cf_access_log, "syslog") == 0);
	FZ_CHECK(cf->cf_error_log[0] == '\0' || cf->cf_error_log[0] == '/' ||
	    strcmp(cf->cf_error_log, "syslog") == 0);
	/* a syslog socket only for syslog, absolute, fits a sockaddr_un */
	FZ_CHECK(cf->cf_access_syslog[0] == '\0' ||
	    (strcmp(cf->cf_access_log, "syslog") == 0 &&
	    cf->cf_access_syslog[0] == '/' &&
	    strlen(cf->cf_access_syslog) < 108));
	FZ_CHECK(cf->cf_error_syslog[0] == '\0' ||
	    (strcmp(cf->cf_error_log, "syslog") == 0 &&
	    cf->cf_error_syslog[0] == '/' &&
	    strlen(cf->cf_error_syslog) < 108));
	FZ_CHECK(cf->cf_landlock == 0 || cf->cf_landlock == 1);
	FZ_CHECK(cf->cf_landlock_min_abi >= 1 &&
	    cf->cf_landlock_min_abi <= 64);
	FZ_CHECK(cf->cf_cgroup == 0 || cf->cf_cgroup == 1);
	/* a uid of its own for every running script, none of 0-65535, -1 */
	FZ_CHECK(cf->cf_script_uid_first > 65535);
	FZ_CHECK(cf->cf_script_uid_count >= (uint32_t)cf->cf_max_scripts);
	FZ_CHECK((uint64_t)cf->cf_script_uid_first +
	    cf->cf_script_uid_count - 1 < UINT32_MAX);
	fz_check_userdir(cf);
}

/*
 * metrics: off, or one literal address (never a wildcard or an
 * IPv4-mapped one), loopback unless the line said non-loopback, a port;
 * the check against the listen lines answers 0 or a terminated error
 */
static void
fz_check_metrics(const struct config *cf)
{
	struct in6_addr	a;
	char		err[256];
	int		lo, rc;

	FZ_CHECK(fz_terminated(cf->cf_metrics_addr,
	    sizeof(cf->cf_metrics_addr)));
	if (cf->cf_metrics_addr[0] == '\0') {
		FZ_CHECK(cf->cf_metrics_port[0] == '\0' &&
		    !cf->cf_metrics_nonloopback);
		return;
	}
	FZ_CHECK(atoi(cf->cf_metrics_port) >= 1 &&
	    atoi(cf->cf_metrics_port) <= 65535);
	if (inet_pton(AF_INET, cf->cf_metrics_addr, &a) == 1) {
		FZ_CHECK(memcmp(&a, "\0\0\0\0", 4) != 0);
		lo = a.s6_addr[0] == 127;
	} else {
		FZ_CHECK(inet_pton(AF_INET6, cf->cf_metrics_addr, &a) == 1);
		FZ_CHECK(!IN6_IS_ADDR_UNSPECIFIED(&a) &&
		    !IN6_IS_ADDR_V4MAPPED(&a));
		lo = IN6_IS_ADDR_LOOPBACK(&a);
	}
	FZ_CHECK(lo == !cf->cf_metrics_nonloopback);
	rc = config_metrics_check(cf, FZ_FILE ":1", err, sizeof(err));
	FZ_CHECK(rc == 0 || (rc == -1 && fz_terminated(err, sizeof(err)) &&
	    strncmp(err, FZ_FILE ":1: metrics ", 16) == 0));
}

/* "fz.conf:N: message" with N at most one past the number of lines */
static void
fz_check_error(const char *err, size_t errsz, const uint8_t *data,
    size_t size)
{
	size_t		 lines = 1, i;
	const char	*p;
	char		*end;
	unsigned long	 line;

	FZ_CHECK(fz_terminated(err, errsz));
	FZ_CHECK(strncmp(err, FZ_FILE ":", sizeof(FZ_FILE)) == 0);
	p = err + sizeof(FZ_FILE);
	line = strtoul(p, &end, 10);
	FZ_CHECK(end != p && end[0] == ':' && end[1] == ' ' && end[2] != '\0');
	for (i = 0; i < size; i++)
		lines += data[i] == '\n';
	FZ_CHECK(line >= 1 && line <= lines);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char		err[CONFIG_ERR_MAX], num[24];
	uint64_t	v;
	size_t		n;

	config_defaults(&fz_cf);
	memset(err, 'X', sizeof(err));
	if (config_parse(&fz_cf, (const char *)data, size, FZ_FILE, err,
	    sizeof(err)) == 0) {
		FZ_CHECK(err[0] == '\0');
		fz_check_lists(&fz_cf);
		fz_check_listen_opts(&fz_cf);
		fz_check_setenv(&fz_cf);
		fz_check_values(&fz_cf);
		config_finish(&fz_cf);
		FZ_CHECK(fz_cf.cf_nlisten >= 1 && fz_cf.cf_ncgidir >= 1 &&
		    fz_cf.cf_root[0] != '\0');
		fz_check_metrics(&fz_cf);
	} else
		fz_check_error(err, sizeof(err), data, size);

	/* the first bytes as a size: a result must be what they say */
	n = size < sizeof(num) - 1 ? size : sizeof(num) - 1;
	memcpy(num, data, n);
	num[n] = '\0';
	if (config_parse_size(num, &v) == 0) {
		FZ_CHECK(num[0] >= '0' && num[0] <= '9');
		if (strspn(num, "0123456789") == strlen(num))
			FZ_CHECK(strtoull(num, NULL, 10) == v);
		else
			FZ_CHECK(v % 1024 == 0);
	}
	return 0;
}
