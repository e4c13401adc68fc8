/* SPDX-License-Identifier: ISC */
/*
 * main.c: command line and role dispatch.  Runs first in every process:
 * the parent parses argv and loads the config file; a re-executed child
 * (--role=NAME) parses the same argv and loads the config text the parent
 * sealed into a memfd, so both see the same bytes (config_load.c).
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
#include "log.h"
#include "proc.h"
#include "sandbox.h"

static void __attribute__((noreturn))
main_usage(void)
{
	fprintf(stderr, "usage: cgijail [-b ADDRESS] [-d DIRECTORY] "
	    "[-c CONFIG] [-t SECONDS]\n"
	    "               [--cgi-dir URLPATH]... [--debug] [--check] [-n] "
	    "[PORT]\n");
	exit(1);
}

struct main_opts {
	struct config_cli	 cli;
	const char		*conf_path;
	int			 check;
	int			 configtest;
	const char		*role;
};

static void
main_parse_argv(int argc, char **argv, struct main_opts *o)
{
	static const struct option longopts[] = {
		{ "cgi-dir",	required_argument,	NULL, 'C' },
		{ "debug",	no_argument,		NULL, 'D' },
		{ "check",	no_argument,		NULL, 'K' },
		{ "role",	required_argument,	NULL, 'R' },
		{ "help",	no_argument,		NULL, 'h' },
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
		case 'D': o->cli.cli_debug = 1; break;
		case 'K': o->check = 1; break;
		case 'R': o->role = optarg; break;
		case 'C':
			if (o->cli.cli_ncgidir >= CONFIG_CGIDIR_MAX) {
				fprintf(stderr, "cgijail: too many --cgi-dir\n");
				exit(1);
			}
			o->cli.cli_cgidir[o->cli.cli_ncgidir++] = optarg;
			break;
		default:
			main_usage();
		}
	}
	if (argc - optind > 1)
		main_usage();
	if (argc - optind == 1)
		o->cli.cli_port = argv[optind];
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
	int			 role;

	main_parse_argv(argc, argv, &o);
	memset(&src, 0, sizeof(src));
	src.cls_cli = o.cli;
	src.cls_path = o.conf_path;
	src.cls_sealed = o.role != NULL;
	if ((cfg = calloc(1, sizeof(*cfg))) == NULL) {
		perror("cgijail");
		return 1;
	}
	if (config_load_file(&src, cfg, &text, &len, err, sizeof(err)) == -1) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}

	if (o.role != NULL) {
		close(PROC_FD_CONFIG);	/* read: a role keeps no copy of it */
		role = proc_role_from_name(o.role);
		log_init(o.role, cfg->cf_debug, PROC_FD_PARENT);
		if (role == PROC_FRONT)
			front_main(cfg);
		else if (role == PROC_EXECUTOR)
			exec_main(cfg);
		fprintf(stderr, "cgijail: bad role %s\n", o.role);
		return 1;
	}
	if (config_load_validate(cfg, o.conf_path ? o.conf_path :
	    "command line", err, sizeof(err)) == -1) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	if (o.configtest) {
		fprintf(stderr, "configuration OK\n");
		return 0;
	}
	if (o.check)
		return sandbox_check(stdout, cfg) == 0 ? 0 : 1;
	if (geteuid() != 0) {
		fprintf(stderr, "cgijail: must be started as root (it drops "
		    "privileges itself)\n");
		return 1;
	}
	log_init("parent", cfg->cf_debug, -1);
	return parent_main(cfg, argv, text, len);
}
