/* SPDX-License-Identifier: ISC */
/*
 * config.h: the parsed configuration (config file + command line).
 * config.c is pure: text in, struct out, errors as "FILE:LINE: message".
 */
#ifndef CGIJAIL_CONFIG_H
#define CGIJAIL_CONFIG_H

#include <sys/types.h>

#include <limits.h>
#include <stddef.h>
#include <stdint.h>

#define CONFIG_LISTEN_MAX	16
#define CONFIG_CGIDIR_MAX	16
#define CONFIG_ROUTE_MAX	16
#define CONFIG_INTERP_MAX	16
#define CONFIG_SETENV_MAX	32
#define CONFIG_BIND_MAX		32
#define CONFIG_INDEX_MAX	8
#define CONFIG_URLPATH_MAX	256
#define CONFIG_NAME_MAX		64
#define CONFIG_VALUE_MAX	1024
#define CONFIG_ERR_MAX		(PATH_MAX + 256)
/* a value's line (cf_*_line, *_line): 0 = the default, else FILE:LINE */
#define CONFIG_LINE_CLI		((size_t)-1)	/* the command line */
/*
 * The scripts' host uids, one per running script: just past the range
 * systemd gives containers (524288-1879048191, systemd-nspawn -U).
 */
#define CONFIG_UID_FIRST	1879048192U	/* 0x70000000 */
#define CONFIG_UID_COUNT	1024U
/* landlock ABI 6: read-only files, no TCP, signal and socket scoping */
#define CONFIG_LANDLOCK_ABI	6
/* userdir DIR, userdir-writable SUBDIR: relative paths, this long at most */
#define CONFIG_USERDIR_MAX	256

struct userdir_table;

#define CONFIG_PROXY_FROM_MAX	32
/* cl_opts: a listener's options */
#define CONFIG_LISTEN_TLS	0x1	/* listen ... tls */
#define CONFIG_LISTEN_PROXY	0x2	/* listen ... proxy-protocol */

#define CONFIG_AUTH_MAX		8
#define CONFIG_REALM_MAX	128

/* authenticate [PREFIX] REALM with FILE */
struct config_auth {
	char		ca_prefix[CONFIG_URLPATH_MAX];	/* "/": everything */
	char		ca_realm[CONFIG_REALM_MAX];	/* 0x20-0x7e */
	char		ca_file[PATH_MAX];	/* read by the parent only */
	size_t		ca_line;
};

struct config_listen {
	/* "" = all interfaces, "localhost", an IPv4 or IPv6 literal (no []) */
	char		cl_addr[64];
	char		cl_port[8];	/* decimal */
	unsigned	cl_opts;	/* CONFIG_LISTEN_* */
};

/* proxy-from: an address or a network; IPv4 as ::ffff:a.b.c.d, bits + 96 */
struct config_cidr {
	uint8_t		cc_addr[16];	/* bits past cc_bits are 0 */
	unsigned	cc_bits;	/* 0-128 */
};

struct config_cgidir {
	/* "/cgi-bin", no trailing / */
	char		cd_urlpath[CONFIG_URLPATH_MAX];
	char		cd_policy[PATH_MAX];	/* "" = policy/default.policy */
	size_t		cd_line;
};

struct config_route {
	char		cr_prefix[CONFIG_URLPATH_MAX];
	/* URL path of the script */
	char		cr_script[CONFIG_URLPATH_MAX];
};

struct config_interp {
	char		ci_ext[16];		/* ".py" */
	char		ci_path[PATH_MAX];	/* absolute */
	size_t		ci_line;
};

struct config_setenv {
	char		cs_name[CONFIG_NAME_MAX];
	char		cs_value[CONFIG_VALUE_MAX];
};

struct config_bind {
	char		cb_src[PATH_MAX];	/* absolute, host side */
	char		cb_dst[PATH_MAX];	/* absolute, in the jail */
	int		cb_rw;
	size_t		cb_line;
};

struct config_limits {
	uint64_t	lim_cpu_sec;
	uint64_t	lim_memory_bytes;
	uint64_t	lim_processes;
	uint64_t	lim_file_size_bytes;
	uint64_t	lim_open_files;
	uint64_t	lim_tmp_bytes;
};

struct config {
	struct config_listen	cf_listen[CONFIG_LISTEN_MAX];
	size_t			cf_nlisten;
	/* no listen line, -b or PORT: the default (socket activation) */
	int			cf_listen_default;
	int			cf_max_connections;
	int			cf_max_per_client;	/* 0: no limit */
	/* the first listen line with tls, with proxy-protocol (0: none) */
	size_t			cf_tls_listen_line;
	size_t			cf_proxy_listen_line;
	/* absolute paths, "" = none; read by the parent only */
	char			cf_tls_cert[PATH_MAX];
	size_t			cf_tls_cert_line;
	char			cf_tls_key[PATH_MAX];
	size_t			cf_tls_key_line;
	char			cf_tls_ocsp[PATH_MAX];
	size_t			cf_tls_ocsp_line;
	/* who may send a PROXY header on a proxy-protocol listener */
	struct config_cidr	cf_proxy_from[CONFIG_PROXY_FROM_MAX];
	size_t			cf_nproxy_from;
	size_t			cf_proxy_from_line;	/* the first */

	/* HTTP Basic: on tls listeners only unless cf_auth_insecure */
	struct config_auth	cf_auth[CONFIG_AUTH_MAX];
	size_t			cf_nauth;
	int			cf_auth_insecure;

	/* metrics ADDRESS PORT [non-loopback]: its own listener; "" = off */
	char			cf_metrics_addr[64];	/* a literal, no [] */
	char			cf_metrics_port[8];	/* decimal */
	int			cf_metrics_nonloopback;
	size_t			cf_metrics_line;

	char			cf_root[PATH_MAX];
	size_t			cf_root_line;
	char			cf_index[CONFIG_INDEX_MAX][CONFIG_NAME_MAX];
	size_t			cf_nindex;
	int			cf_autoindex;
	uint64_t		cf_max_body_bytes;

	struct config_cgidir	cf_cgidir[CONFIG_CGIDIR_MAX];
	size_t			cf_ncgidir;
	struct config_route	cf_route[CONFIG_ROUTE_MAX];
	size_t			cf_nroute;
	struct config_interp	cf_interp[CONFIG_INTERP_MAX];
	size_t			cf_ninterp;
	struct config_setenv	cf_setenv[CONFIG_SETENV_MAX];
	size_t			cf_nsetenv;
	int			cf_pass_authorization;
	int			cf_max_scripts;
	size_t			cf_max_scripts_line;
	int			cf_debug;

	char			cf_user[CONFIG_NAME_MAX];	/* front */
	size_t			cf_user_line;
	char			cf_script_user[CONFIG_NAME_MAX];
	size_t			cf_script_user_line;
	/* a host uid per running script, mapped to 65534 in its jail */
	uid_t			cf_script_uid_first;
	uint32_t		cf_script_uid_count;
	size_t			cf_script_uid_line;
	uint64_t		cf_timeout_sec;		/* 0 = none */
	int			cf_timeout_status;	/* 500 or 504 */
	struct config_limits	cf_limits;
	struct config_bind	cf_bind[CONFIG_BIND_MAX];
	size_t			cf_nbind;
	int			cf_script_network;
	int			cf_landlock;		/* 1: required */
	int			cf_landlock_min_abi;
	size_t			cf_landlock_line;	/* either keyword */
	int			cf_cgroup;		/* 1: required */

	/* -c FILE (it names errors), or NULL; set by config_load.c */
	const char		*cf_file;

	/* "" stderr, "syslog", or an absolute path */
	char			cf_access_log[PATH_MAX];
	char			cf_error_log[PATH_MAX];
	/* syslog's socket: "" = /dev/log */
	char			cf_access_syslog[PATH_MAX];
	char			cf_error_syslog[PATH_MAX];
	size_t			cf_access_log_line;
	size_t			cf_error_log_line;

	/* userdir: /~NAME/ is HOME/cf_userdir ("" = off) */
	char			cf_userdir[CONFIG_USERDIR_MAX];
	size_t			cf_userdir_line;
	uid_t			cf_userdir_min_uid;
	int			cf_userdir_max_scripts;	/* one student's */
	char			cf_userdir_writable[CONFIG_USERDIR_MAX];
	size_t			cf_userdir_writable_line;
	int			cf_userdir_debug;	/* debug pages for ~ */
	char			cf_userdir_limits[PATH_MAX];	/* "" = none */
	size_t			cf_userdir_limits_line;
	/* the accounts the parent resolved (userdir.h); NULL: none yet */
	struct userdir_table	*cf_userdir_table;
};

/* command-line values; a set field overrides the config file */
struct config_cli {
	const char	*cli_address;		/* -b */
	const char	*cli_port;		/* PORT */
	const char	*cli_root;		/* -d */
	const char	*cli_timeout;		/* -t */
	const char	*cli_cgidir[CONFIG_CGIDIR_MAX];	/* --cgi-dir */
	size_t		 cli_ncgidir;
	int		 cli_debug;
};

void	config_defaults(struct config *);
/*
 * Parse config text (not NUL-terminated necessarily) named fname.
 * Returns 0, or -1 with "fname:line: message" in err.
 */
int	config_parse(struct config *, const char *text, size_t len,
	    const char *fname, char *err, size_t errsz);
/* apply command-line overrides; -1 with a message on a bad value */
int	config_apply_cli(struct config *, const struct config_cli *,
	    char *err, size_t errsz);
/* fill in what is still unset after file and CLI (default cgi dirs, listen) */
void	config_finish(struct config *);
/* "512M" → bytes; "10" → 10; K, M, G, T; -1 on bad/overflow */
int	config_parse_size(const char *, uint64_t *);
/*
 * config_kw_metrics.c: is the metrics listener clear of every listen
 * line (after the command line)?  0, or -1 with "WHERE: message" in err,
 * WHERE being the metrics line's FILE:LINE.  Pure.
 */
int	config_metrics_check(const struct config *, const char *where,
	    char *err, size_t errsz);

#endif
