/* SPDX-License-Identifier: ISC */
/*
 * main.c: command line and role dispatch.  Runs first in every process:
 * the parent takes the sockets systemd passed (before any file is open),
 * parses argv and loads the config file; a re-executed child (--role=NAME)
 * parses the same argv and loads the config text the parent sealed into a
 * memfd, so both see the same bytes (config_load.c).
 */
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "config_load.h"
#include "daemon.h"
#include "explain.h"
#include "log.h"
#include "parent_priv.h"
#include "proc.h"
#include "sandbox.h"
#include "version.h"

static const char main_synopsis[] =
    "usage: cgijail [-n] [-b ADDRESS] [-c CONFIG] [-d DIRECTORY] "
    "[-t SECONDS]\n"
    "               [--cgi-dir URLPATH]... [--cgi] [--debug] [--check] "
    "[PORT]\n"
    "       cgijail --explain-jail URLPATH [-c CONFIG] [-d DIRECTORY]\n";

/* one line per option: what -h prints, and what the man page says */
static const char main_options[] =
    "  -b, --bind ADDRESS   listen on ADDRESS only (default: every address)\n"
    "  -d, --directory DIR  serve DIR (default: the current directory)\n"
    "  -c CONFIG            read the configuration file CONFIG\n"
    "  -t SECONDS           let a script run SECONDS at most (default "
    "30, 0: none)\n"
    "  --cgi-dir URLPATH    a CGI directory, repeatable (default: "
    "/cgi-bin, /htbin)\n"
    "  --cgi                accepted, as by python3 -m http.server: CGI is on\n"
    "  --debug              debug log lines; a script's stderr in its "
    "500 page\n"
    "  -n                   check the configuration, then exit\n"
    "  --check              show the sandbox layers this kernel "
    "offers, then exit\n"
    "  --explain-jail URLPATH  run its script once, traced: print the "
    "jail-bind\n"
    "                       lines for what it looked for and did not "
    "find, then exit\n"
    "  -h, --help           print this help, then exit\n"
    "  --version            print the version, then exit\n"
    "  PORT                 listen on PORT (default 8000)\n";

static void __attribute__((noreturn))
main_usage(int help)
{
	if (help) {
		printf("%s\n%s", main_synopsis, main_options);
		exit(fflush(stdout) == 0 ? 0 : 1);
	}
	fprintf(stderr, "%s(cgijail --help lists every option)\n",
	    main_synopsis);
	exit(1);
}

struct main_opts {
	struct config_cli	 cli;
	const char		*conf_path;
	int			 check;
	int			 configtest;
	const char		*explain;	/* --explain-jail URLPATH */
	const char		*role;
};

static void
main_parse_argv(int argc, char **argv, struct main_opts *o)
{
	static const struct option longopts[] = {
		{ "bind",	required_argument,	NULL, 'b' },
		{ "directory",	required_argument,	NULL, 'd' },
		{ "cgi",	no_argument,		NULL, 'G' },
		{ "cgi-dir",	required_argument,	NULL, 'C' },
		{ "debug",	no_argument,		NULL, 'D' },
		{ "check",	no_argument,		NULL, 'K' },
		{ "explain-jail", required_argument,	NULL, 'E' },
		{ "role",	required_argument,	NULL, 'R' },
		{ "help",	no_argument,		NULL, 'h' },
		{ "version",	no_argument,		NULL, 'V' },
		{ NULL,		0,			NULL, 0 }
	};
	int	ch;

	memset(o, 0, sizeof(*o));
	while ((ch = getopt_long(argc, argv, "b:d:c:t:nh", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'b': o->cli.cli_address = optarg; break;
		case 'd': o->cli.cli_root = optarg; break;
		case 'c': o->conf_path = optarg; break;
		case 't': o->cli.cli_timeout = optarg; break;
		case 'n': o->configtest = 1; break;
		case 'G': break;	/* CGI is always on */
		case 'D': o->cli.cli_debug = 1; break;
		case 'K': o->check = 1; break;
		case 'E': o->explain = optarg; break;
		case 'R': o->role = optarg; break;
		case 'h': main_usage(1);
		case 'V':
			printf("cgijail %s\n", CGIJAIL_VERSION);
			exit(fflush(stdout) == 0 ? 0 : 1);
		case 'C':
			if (o->cli.cli_ncgidir >= CONFIG_CGIDIR_MAX) {
				fprintf(stderr, "cgijail: too many --cgi-dir "
				    "(max %d)\n", CONFIG_CGIDIR_MAX);
				exit(1);
			}
			o->cli.cli_cgidir[o->cli.cli_ncgidir++] = optarg;
			break;
		default:
			main_usage(0);
		}
	}
	if (argc - optind > 1)
		main_usage(0);
	if (argc - optind == 1)
		o->cli.cli_port = argv[optind];
}

/* a re-executed role: the sealed configuration, then its own main */
static int
main_role(const char *name, struct config *cfg)
{
	int	role = proc_role_from_name(name);

	close(PROC_FD_CONFIG);	/* read: a role keeps no copy of it */
	log_init(name, cfg->cf_debug, PROC_FD_PARENT);
	if (role == PROC_FRONT)
		front_main(cfg);
	else if (role == PROC_EXECUTOR)
		exec_main(cfg);
	fprintf(stderr, "cgijail: bad role %s\n", name);
	return 1;
}

int
main(int argc, char **argv)
{
	struct main_opts	 o;
	struct config_load_src	 src;
	struct config		*cfg;
	char			 err[CONFIG_ERR_MAX];
	char			*text;
	size_t			 len;

	/* the uid we were started with decides rootless mode, in every role */
	rootless_latch();
	main_parse_argv(argc, argv, &o);
	/* systemd's sockets, while fd 3 upward are still theirs */
	if (o.role == NULL && !o.configtest && !o.check &&
	    parent_listen_adopt(err, sizeof(err)) == -1) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	memset(&src, 0, sizeof(src));
	src.cls_cli = o.cli;
	src.cls_path = o.conf_path;
	src.cls_sealed = o.role != NULL;
	if ((cfg = calloc(1, sizeof(*cfg))) == NULL) {
		perror("cgijail");
		return 1;
	}
	if (config_load_file(&src, cfg, &text, &len, err, sizeof(err)) == -1) {
		/* a role's stderr is /dev/null: the parent must hear why */
		if (o.role != NULL) {
			log_init(o.role, 0, PROC_FD_PARENT);
			fatalx("the sealed configuration: %s", err);
		}
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	if (o.role != NULL)
		return main_role(o.role, cfg);
	/* it builds the jail and traces from outside it: root's alone */
	if (o.explain != NULL && geteuid() != 0) {
		fprintf(stderr, "cgijail --explain-jail: run it as root: it "
		    "builds the jail the daemon, started as root, builds\n");
		return 1;
	}
	if (config_load_validate(cfg, err, sizeof(err)) == -1 ||
	    config_load_userdir(cfg, &text, &len, err, sizeof(err)) == -1) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	if (o.configtest) {
		if (parent_check_landlock(cfg, err, sizeof(err)) == -1 ||
		    parent_check_ports(cfg, err, sizeof(err)) == -1) {
			fprintf(stderr, "%s\n", err);
			return 1;
		}
		config_dump(stdout, cfg);
		if (fflush(stdout) != 0) {
			perror("cgijail: stdout");
			return 1;
		}
		fprintf(stderr, "configuration OK\n");
		return 0;
	}
	if (o.check)
		return sandbox_check(stdout, cfg) == 0 ? 0 : 1;
	if (o.explain != NULL) {
		log_init("explain", cfg->cf_debug, -1);
		return explain_main(cfg, o.explain);
	}
	log_init("parent", cfg->cf_debug, -1);
	return parent_main(cfg, argv, text, len);
}
