/* SPDX-License-Identifier: ISC */
/*
 * config_dump.c: `cgijail -n` prints the effective configuration, every
 * keyword of the table with its value, defaults included, in the file's
 * own syntax, so that the output is itself a configuration with the same
 * settings.  Parent, for -n only; trusts the configuration it was given.
 */
#include <arpa/inet.h>

#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <vis.h>

#include "config.h"
#include "config_load.h"
#include "config_priv.h"
#include "userdir.h"
#include "version.h"

#define CONFIG_DUMP_FRONT_ID	64990	/* confine.c's fallback */

struct config_dump {
	const char	*cd_name;
	void		(*cd_fn)(FILE *, const struct config *, const char *);
};

/*
 * A value as one word: quoted when it holds a blank or a '#', or is
 * empty.  A double quote cannot be written at all (no escapes): 0.
 */
static int
config_dump_word(FILE *fp, const char *s)
{
	if (strchr(s, '"') != NULL)
		return 0;
	if (s[0] == '\0' || strpbrk(s, " \t#") != NULL)
		fprintf(fp, " \"%s\"", s);
	else
		fprintf(fp, " %s", s);
	return 1;
}

/* "name value..." on a line; a value the syntax cannot hold, a comment */
static void
config_dump_line(FILE *fp, const char *name, const char *v1, const char *v2)
{
	if (strchr(v1, '"') != NULL || (v2 != NULL && strchr(v2, '"'))) {
		fprintf(fp, "# %s: a value with a double quote, which a "
		    "configuration file cannot hold\n", name);
		return;
	}
	fputs(name, fp);
	(void)config_dump_word(fp, v1);
	if (v2 != NULL)
		(void)config_dump_word(fp, v2);
	fputc('\n', fp);
}

static void
config_dump_none(FILE *fp, const char *name)
{
	fprintf(fp, "# %s: none\n", name);
}

static void
config_dump_listen(FILE *fp, const struct config *cf, const char *name)
{
	const struct config_listen	*cl;
	char				 addr[sizeof(cl->cl_addr) + 2];
	size_t				 i;

	for (i = 0; i < cf->cf_nlisten; i++) {
		cl = &cf->cf_listen[i];
		if (cl->cl_addr[0] == '\0')
			(void)strlcpy(addr, "*", sizeof(addr));
		else
			(void)snprintf(addr, sizeof(addr), strchr(cl->cl_addr,
			    ':') != NULL ? "[%s]" : "%s", cl->cl_addr);
		fprintf(fp, "%s%s %s %s%s%s%s\n", cf->cf_listen_default ?
		    "# " : "", name, addr, cl->cl_port,
		    cl->cl_opts & CONFIG_LISTEN_TLS ? " tls" : "",
		    cl->cl_opts & CONFIG_LISTEN_PROXY ? " proxy-protocol" : "",
		    cf->cf_listen_default ? "  (the default: no listen line, "
		    "which under socket activation serves every socket "
		    "systemd passes)" : "");
	}
}

/* every address and network on one line: IPv4 as itself, not ::ffff: */
static void
config_dump_proxy_from(FILE *fp, const struct config *cf, const char *name)
{
	static const uint8_t		 v4[12] = { [10] = 0xff, [11] = 0xff };
	const struct config_cidr	*cc;
	char				 a[INET6_ADDRSTRLEN];
	unsigned			 bits, full;
	size_t				 i;
	int				 is4;

	if (cf->cf_nproxy_from == 0) {
		config_dump_none(fp, name);
		return;
	}
	fputs(name, fp);
	for (i = 0; i < cf->cf_nproxy_from; i++) {
		cc = &cf->cf_proxy_from[i];
		is4 = cc->cc_bits >= 96 && memcmp(cc->cc_addr, v4, 12) == 0;
		if (inet_ntop(is4 ? AF_INET : AF_INET6, is4 ? cc->cc_addr + 12 :
		    cc->cc_addr, a, sizeof(a)) == NULL)
			(void)strlcpy(a, "?", sizeof(a));
		bits = is4 ? cc->cc_bits - 96 : cc->cc_bits;
		full = is4 ? 32 : 128;
		if (bits == full)
			fprintf(fp, " %s", a);
		else
			fprintf(fp, " %s/%u", a, bits);
	}
	fputc('\n', fp);
}

/* authenticate [PREFIX] REALM with FILE, one line each */
static void
config_dump_auth(FILE *fp, const struct config *cf, const char *name)
{
	const struct config_auth	*ca;
	size_t				 i;

	for (i = 0; i < cf->cf_nauth; i++) {
		ca = &cf->cf_auth[i];
		fputs(name, fp);
		if (strcmp(ca->ca_prefix, "/") != 0)
			(void)config_dump_word(fp, ca->ca_prefix);
		(void)config_dump_word(fp, ca->ca_realm);
		fputs(" with", fp);
		(void)config_dump_word(fp, ca->ca_file);
		fputc('\n', fp);
	}
	if (cf->cf_nauth == 0)
		config_dump_none(fp, name);
}

/* tls-certificate, tls-key, tls-ocsp-staple: a path, or none */
static void
config_dump_tls_file(FILE *fp, const struct config *cf, const char *name)
{
	const char	*v;

	if (strcmp(name, "tls-certificate") == 0)
		v = cf->cf_tls_cert;
	else if (strcmp(name, "tls-key") == 0)
		v = cf->cf_tls_key;
	else
		v = cf->cf_tls_ocsp;
	if (v[0] == '\0')
		config_dump_none(fp, name);
	else
		config_dump_line(fp, name, v, NULL);
}

static void
config_dump_metrics(FILE *fp, const struct config *cf, const char *name)
{
	if (cf->cf_metrics_addr[0] == '\0') {
		fprintf(fp, "# %s: off (no metrics listener)\n", name);
		return;
	}
	fprintf(fp, strchr(cf->cf_metrics_addr, ':') != NULL ?
	    "%s [%s] %s%s\n" : "%s %s %s%s\n", name, cf->cf_metrics_addr,
	    cf->cf_metrics_port, cf->cf_metrics_nonloopback ?
	    " non-loopback" : "");
}

static void
config_dump_int(FILE *fp, const char *name, long long v)
{
	fprintf(fp, "%s %lld\n", name, v);
}

static void
config_dump_flag(FILE *fp, const char *name, int on)
{
	fprintf(fp, "%s %s\n", name, on ? "on" : "off");
}

static void
config_dump_size(FILE *fp, const char *name, const char *what, uint64_t v)
{
	char	buf[CONFIG_SIZE_STR];

	fprintf(fp, "%s%s%s %s\n", name, what ? " " : "", what ? what : "",
	    config_size_str(v, buf));
}

static void
config_dump_root(FILE *fp, const struct config *cf, const char *name)
{
	char	real[PATH_MAX];

	config_dump_line(fp, name, realpath(cf->cf_root, real) != NULL ?
	    real : cf->cf_root, NULL);
}

static void
config_dump_index(FILE *fp, const struct config *cf, const char *name)
{
	size_t	i;

	fputs(name, fp);
	for (i = 0; i < cf->cf_nindex; i++)
		(void)config_dump_word(fp, cf->cf_index[i]);
	fputc('\n', fp);
}

static void
config_dump_cgidir(FILE *fp, const struct config *cf, const char *name)
{
	size_t	i;

	for (i = 0; i < cf->cf_ncgidir; i++)
		config_dump_line(fp, name, cf->cf_cgidir[i].cd_urlpath,
		    cf->cf_cgidir[i].cd_policy[0] != '\0' ?
		    cf->cf_cgidir[i].cd_policy : NULL);
}

static void
config_dump_route(FILE *fp, const struct config *cf, const char *name)
{
	size_t	i;

	for (i = 0; i < cf->cf_nroute; i++)
		config_dump_line(fp, name, cf->cf_route[i].cr_prefix,
		    cf->cf_route[i].cr_script);
	if (cf->cf_nroute == 0)
		config_dump_none(fp, name);
}

static void
config_dump_interp(FILE *fp, const struct config *cf, const char *name)
{
	size_t	i;

	for (i = 0; i < cf->cf_ninterp; i++)
		config_dump_line(fp, name, cf->cf_interp[i].ci_ext,
		    cf->cf_interp[i].ci_path);
	if (cf->cf_ninterp == 0)
		config_dump_none(fp, name);
}

/* the value is the rest of the line: quoted only to keep '#' or blanks */
static void
config_dump_setenv(FILE *fp, const struct config *cf, const char *name)
{
	const char	*v;
	size_t		 i, len;

	for (i = 0; i < cf->cf_nsetenv; i++) {
		v = cf->cf_setenv[i].cs_value;
		len = strlen(v);
		if (len == 0 || strchr(v, '#') != NULL || v[0] == ' ' ||
		    v[0] == '\t' || v[len - 1] == ' ' || v[len - 1] == '\t')
			fprintf(fp, "%s %s \"%s\"\n", name,
			    cf->cf_setenv[i].cs_name, v);
		else
			fprintf(fp, "%s %s %s\n", name,
			    cf->cf_setenv[i].cs_name, v);
	}
	if (cf->cf_nsetenv == 0)
		config_dump_none(fp, name);
}

static void
config_dump_user(FILE *fp, const struct config *cf, const char *name)
{
	struct passwd	*pw;

	if (cf->cf_user[0] != '\0') {
		fprintf(fp, "%s %s\n", name, cf->cf_user);
		return;
	}
	if ((pw = getpwnam("_cgijail")) != NULL)
		fprintf(fp, "# %s: not set: the front runs as _cgijail (uid "
		    "%u)\n", name, (unsigned)pw->pw_uid);
	else
		fprintf(fp, "# %s: not set, and no _cgijail account: the front "
		    "runs as uid and gid %d\n", name, CONFIG_DUMP_FRONT_ID);
}

static void
config_dump_uid_range(FILE *fp, const struct config *cf, const char *name)
{
	fprintf(fp, "%s %u-%u\n", name, (unsigned)cf->cf_script_uid_first,
	    (unsigned)(cf->cf_script_uid_first + cf->cf_script_uid_count - 1));
}

static void
config_dump_limit(FILE *fp, const struct config *cf, const char *name)
{
	const struct config_limits	*l = &cf->cf_limits;

	fprintf(fp, "%s cpu %llu\n", name,
	    (unsigned long long)l->lim_cpu_sec);
	config_dump_size(fp, name, "memory", l->lim_memory_bytes);
	fprintf(fp, "%s processes %llu\n", name,
	    (unsigned long long)l->lim_processes);
	config_dump_size(fp, name, "file-size", l->lim_file_size_bytes);
	fprintf(fp, "%s open-files %llu\n", name,
	    (unsigned long long)l->lim_open_files);
	config_dump_size(fp, name, "tmp", l->lim_tmp_bytes);
}

static void
config_dump_bind(FILE *fp, const struct config *cf, const char *name)
{
	const struct config_bind	*cb;
	size_t				 i, n = 0;

	for (i = 0; i < cf->cf_nbind; i++) {
		cb = &cf->cf_bind[i];
		if (cb->cb_rw != (strcmp(name, "jail-bind-rw") == 0))
			continue;
		config_dump_line(fp, name, cb->cb_src, strcmp(cb->cb_src,
		    cb->cb_dst) != 0 ? cb->cb_dst : NULL);
		n++;
	}
	if (n == 0)
		config_dump_none(fp, name);
}

static void
config_dump_log(FILE *fp, const struct config *cf, const char *name)
{
	int		 acc = strcmp(name, "access-log") == 0;
	const char	*path = acc ? cf->cf_access_log : cf->cf_error_log;
	const char	*sock = acc ? cf->cf_access_syslog : cf->cf_error_syslog;

	if (path[0] == '\0')
		fprintf(fp, "%s stderr\n", name);
	else if (strcmp(path, "syslog") == 0)
		config_dump_line(fp, name, path, sock[0] != '\0' ? sock :
		    NULL);
	else
		config_dump_line(fp, name, path, NULL);
}

/* what a student's limits lower, after the "serves" line's text */
static void
config_dump_lowered(FILE *fp, const struct userdir_account *a,
    const struct config *cf)
{
	const struct config_limits	*l = &a->ua_limits, *g = &cf->cf_limits;
	char				 buf[CONFIG_SIZE_STR];
	const char			*sep = "; lowered:";

	if (a->ua_max_scripts != cf->cf_userdir_max_scripts) {
		fprintf(fp, "%s max-scripts %d", sep, a->ua_max_scripts);
		sep = ",";
	}
#define CONFIG_DUMP_LOW(f, name, size) do {				\
	if (l->f != g->f) {						\
		fprintf(fp, "%s %s %s", sep, name, size ?		\
		    config_size_str(l->f, buf) : (snprintf(buf,		\
		    sizeof(buf), "%llu", (unsigned long long)l->f), buf));	\
		sep = ",";						\
	}								\
} while (0)
	CONFIG_DUMP_LOW(lim_cpu_sec, "cpu", 0);
	CONFIG_DUMP_LOW(lim_memory_bytes, "memory", 1);
	CONFIG_DUMP_LOW(lim_processes, "processes", 0);
	CONFIG_DUMP_LOW(lim_file_size_bytes, "file-size", 1);
	CONFIG_DUMP_LOW(lim_open_files, "open-files", 0);
	CONFIG_DUMP_LOW(lim_tmp_bytes, "tmp", 1);
#undef CONFIG_DUMP_LOW
}

/*
 * userdir DIR, then who it serves (the parent resolved them for -n as
 * for a start) and why a directory that is there is not served: comments.
 */
static void
config_dump_userdir(FILE *fp, const struct config *cf, const char *name)
{
	const struct userdir_table	*ut = cf->cf_userdir_table;
	char				 note[4 * USERDIR_NOTE_MAX + 1];
	size_t				 i;

	if (cf->cf_userdir[0] == '\0') {
		fprintf(fp, "# %s: off (no /~NAME/ directories)\n", name);
		return;
	}
	config_dump_line(fp, name, cf->cf_userdir, NULL);
	if (ut == NULL)
		return;
	fprintf(fp, "# %s: %zu student%s\n", name, ut->ut_n, ut->ut_n == 1 ?
	    "" : "s");
	for (i = 0; i < ut->ut_n; i++) {
		fprintf(fp, "# %s: serves %s (uid %u) at %s", name,
		    ut->ut_acct[i].ua_name, (unsigned)ut->ut_acct[i].ua_uid,
		    ut->ut_acct[i].ua_path);
		config_dump_lowered(fp, &ut->ut_acct[i], cf);
		fputc('\n', fp);
	}
	for (i = 0; i < ut->ut_nnotes; i++) {
		(void)strnvis(note, ut->ut_notes[i], sizeof(note),
		    VIS_OCTAL | VIS_CSTYLE | VIS_NL | VIS_TAB);
		fprintf(fp, "# %s: %s\n", name, note);
	}
	if (ut->ut_notes_dropped > 0)
		fprintf(fp, "# %s: and %zu more\n", name, ut->ut_notes_dropped);
}

/* userdir-writable, userdir-limits: a line, or a comment when unset */
static void
config_dump_userdir_opt(FILE *fp, const struct config *cf, const char *name)
{
	const char	*v = strcmp(name, "userdir-writable") == 0 ?
	    cf->cf_userdir_writable : cf->cf_userdir_limits;

	if (v[0] == '\0')
		config_dump_none(fp, name);
	else
		config_dump_line(fp, name, v, NULL);
}

/* the keywords of one value; 0 for a keyword this file does not know */
static int
config_dump_scalar(FILE *fp, const struct config *cf, const char *name)
{
	if (strcmp(name, "max-connections") == 0)
		config_dump_int(fp, name, cf->cf_max_connections);
	else if (strcmp(name, "authenticate-insecure") == 0)
		config_dump_flag(fp, name, cf->cf_auth_insecure);
	else if (strcmp(name, "max-connections-per-client") == 0)
		config_dump_int(fp, name, cf->cf_max_per_client);
	else if (strcmp(name, "autoindex") == 0)
		config_dump_flag(fp, name, cf->cf_autoindex);
	else if (strcmp(name, "max-body") == 0)
		config_dump_size(fp, name, NULL, cf->cf_max_body_bytes);
	else if (strcmp(name, "pass-authorization") == 0)
		config_dump_flag(fp, name, cf->cf_pass_authorization);
	else if (strcmp(name, "max-scripts") == 0)
		config_dump_int(fp, name, cf->cf_max_scripts);
	else if (strcmp(name, "debug") == 0)
		config_dump_flag(fp, name, cf->cf_debug);
	else if (strcmp(name, "script-user") == 0)
		config_dump_line(fp, name, cf->cf_script_user, NULL);
	else if (strcmp(name, "timeout") == 0)
		config_dump_int(fp, name, (long long)cf->cf_timeout_sec);
	else if (strcmp(name, "timeout-status") == 0)
		config_dump_int(fp, name, cf->cf_timeout_status);
	else if (strcmp(name, "script-network") == 0)
		config_dump_flag(fp, name, cf->cf_script_network);
	else if (strcmp(name, "landlock") == 0)
		config_dump_flag(fp, name, cf->cf_landlock);
	else if (strcmp(name, "landlock-min-abi") == 0)
		config_dump_int(fp, name, cf->cf_landlock_min_abi);
	else if (strcmp(name, "cgroup") == 0)
		config_dump_flag(fp, name, cf->cf_cgroup);
	else if (strcmp(name, "userdir-min-uid") == 0)
		config_dump_int(fp, name, (long long)cf->cf_userdir_min_uid);
	else if (strcmp(name, "userdir-max-scripts") == 0)
		config_dump_int(fp, name, cf->cf_userdir_max_scripts);
	else if (strcmp(name, "userdir-debug") == 0)
		config_dump_flag(fp, name, cf->cf_userdir_debug);
	else
		return 0;
	return 1;
}

static const struct config_dump config_dumps[] = {
	{ "listen",		config_dump_listen },
	{ "proxy-from",		config_dump_proxy_from },
	{ "tls-certificate",	config_dump_tls_file },
	{ "tls-key",		config_dump_tls_file },
	{ "tls-ocsp-staple",	config_dump_tls_file },
	{ "authenticate",	config_dump_auth },
	{ "metrics",		config_dump_metrics },
	{ "root",		config_dump_root },
	{ "index",		config_dump_index },
	{ "userdir",		config_dump_userdir },
	{ "userdir-writable",	config_dump_userdir_opt },
	{ "userdir-limits",	config_dump_userdir_opt },
	{ "cgi-dir",		config_dump_cgidir },
	{ "cgi-route",		config_dump_route },
	{ "interpreter",	config_dump_interp },
	{ "setenv",		config_dump_setenv },
	{ "user",		config_dump_user },
	{ "script-uid-range",	config_dump_uid_range },
	{ "limit",		config_dump_limit },
	{ "jail-bind",		config_dump_bind },
	{ "jail-bind-rw",	config_dump_bind },
	{ "access-log",		config_dump_log },
	{ "error-log",		config_dump_log },
};

/*
 * In the keyword table's order.  A keyword added to the table without a
 * line here says so (test_service_config fails on it): -n never hides a
 * setting.
 */
void
config_dump(FILE *fp, const struct config *cf)
{
	const struct config_keyword	*kw;
	size_t				 i, j;

	fprintf(fp, "# cgijail %s: the effective configuration (cgijail -n)\n",
	    CGIJAIL_VERSION);
	for (i = 0; (kw = config_keyword_at(i)) != NULL; i++) {
		if (kw->kw_fn == NULL) {
			fprintf(fp, "# %s: not supported yet\n", kw->kw_name);
			continue;
		}
		for (j = 0; j < CONFIG_NITEMS(config_dumps); j++)
			if (strcmp(kw->kw_name, config_dumps[j].cd_name) == 0)
				break;
		if (j < CONFIG_NITEMS(config_dumps))
			config_dumps[j].cd_fn(fp, cf, kw->kw_name);
		else if (!config_dump_scalar(fp, cf, kw->kw_name))
			fprintf(fp, "# %s: set, but cgijail -n cannot show it\n",
			    kw->kw_name);
	}
}
