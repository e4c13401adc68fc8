/*
 * main.c: command line, configuration loading and role dispatch.
 * Runs first in every process: the parent parses argv and the config
 * file; a re-executed child (--role=NAME) parses the same argv and the
 * config text the parent sealed into a memfd, so both see the same bytes.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "daemon.h"
#include "log.h"
#include "proc.h"
#include "sandbox.h"

#define MAIN_CONFIG_MAX	(1024 * 1024)

static void __attribute__((noreturn))
main_usage(void)
{
	fprintf(stderr, "usage: cgijail [-b ADDRESS] [-d DIRECTORY] "
	    "[-c CONFIG] [-t SECONDS]\n"
	    "               [--cgi-dir URLPATH]... [--debug] [--check] [-n] "
	    "[PORT]\n");
	exit(1);
}

/* read a whole file (config) into a NUL-terminated buffer */
static char *
main_read_fd(int fd, size_t *lenp)
{
	char	*buf = NULL, *nbuf;
	size_t	 len = 0, cap = 0;
	ssize_t	 n;

	for (;;) {
		if (len + 4096 + 1 > cap) {
			cap = cap ? cap * 2 : 8192;
			if (cap > MAIN_CONFIG_MAX + 8192) {
				free(buf);
				errno = EFBIG;
				return NULL;
			}
			if ((nbuf = realloc(buf, cap)) == NULL) {
				free(buf);
				return NULL;
			}
			buf = nbuf;
		}
		n = pread(fd, buf + len, cap - len - 1, (off_t)len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			free(buf);
			return NULL;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	buf[len] = '\0';
	*lenp = len;
	return buf;
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

/* the config text: from -c FILE (parent) or the sealed memfd (child) */
static char *
main_config_text(const struct main_opts *o, size_t *len, char *err,
    size_t errsz)
{
	char	*text;
	int	 fd;

	if (o->role != NULL) {
		if ((text = main_read_fd(PROC_FD_CONFIG, len)) == NULL)
			snprintf(err, errsz, "config memfd: %s",
			    strerror(errno));
		return text;
	}
	if (o->conf_path == NULL) {
		*len = 0;
		return strdup("");
	}
	if ((fd = open(o->conf_path, O_RDONLY | O_CLOEXEC)) == -1) {
		snprintf(err, errsz, "%s:0: cannot open: %s", o->conf_path,
		    strerror(errno));
		return NULL;
	}
	if ((text = main_read_fd(fd, len)) == NULL)
		snprintf(err, errsz, "%s:0: cannot read: %s", o->conf_path,
		    strerror(errno));
	close(fd);
	return text;
}

static struct main_opts	main_opts;

/* defaults, file, command line: the one way a configuration is made */
static int
main_load(const struct main_opts *o, struct config *cfg, char **textp,
    size_t *lenp, char *err, size_t errsz)
{
	char	*text;
	size_t	 len;

	if ((text = main_config_text(o, &len, err, errsz)) == NULL)
		return -1;
	config_defaults(cfg);
	if (config_parse(cfg, text, len, o->conf_path ? o->conf_path :
	    "(none)", err, errsz) == -1 ||
	    config_apply_cli(cfg, &o->cli, err, errsz) == -1) {
		free(text);
		return -1;
	}
	config_finish(cfg);
	*textp = text;
	*lenp = len;
	return 0;
}

/* parent, on SIGHUP: the same sources again, checked the same way */
int
main_reload(struct config *cfg, char **text, size_t *len, char *err,
    size_t errsz)
{
	if (main_load(&main_opts, cfg, text, len, err, errsz) == -1)
		return -1;
	if (daemon_validate_config(cfg, main_opts.conf_path ?
	    main_opts.conf_path : "command line", err, errsz) == -1) {
		free(*text);
		return -1;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	struct main_opts	 o;
	struct config		*cfg;
	char			 err[CONFIG_ERR_MAX];
	char			*text;
	size_t			 len;
	int			 role;

	main_parse_argv(argc, argv, &o);
	main_opts = o;
	if ((cfg = calloc(1, sizeof(*cfg))) == NULL) {
		perror("cgijail");
		return 1;
	}
	if (main_load(&o, cfg, &text, &len, err, sizeof(err)) == -1) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}

	if (o.role != NULL) {
		role = proc_role_from_name(o.role);
		log_init(o.role, cfg->cf_debug, PROC_FD_PARENT);
		if (role == PROC_FRONT)
			front_main(cfg);
		else if (role == PROC_EXECUTOR)
			exec_main(cfg);
		fprintf(stderr, "cgijail: bad role %s\n", o.role);
		return 1;
	}
	if (daemon_validate_config(cfg, o.conf_path ? o.conf_path :
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
