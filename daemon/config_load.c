/* SPDX-License-Identifier: ISC */
/*
 * config_load.c: a configuration from its sources: the defaults, the file
 * (or the copy the parent sealed into a memfd for a re-executed role), the
 * command line; then the checks that need the file system.  Runs in every
 * role at start and in the parent on SIGHUP; trusts no byte of the file.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "config_load.h"
#include "proc.h"

#define CONFIG_LOAD_MAX	(1024 * 1024)

/* what config_load_file() last read, for config_load_reload() */
static struct config_load_src	config_load_last;

/* read a whole file (config) into a NUL-terminated buffer */
static char *
config_load_read_fd(int fd, size_t *lenp)
{
	char	*buf = NULL, *nbuf;
	size_t	 len = 0, cap = 0;
	ssize_t	 n;

	for (;;) {
		if (len + 4096 + 1 > cap) {
			cap = cap ? cap * 2 : 8192;
			if (cap > CONFIG_LOAD_MAX + 8192) {
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

/* the config text: from -c FILE (parent) or the sealed memfd (child) */
static char *
config_load_text(const struct config_load_src *src, size_t *len,
    char *err, size_t errsz)
{
	char	*text;
	int	 fd;

	if (src->cls_sealed) {
		if ((text = config_load_read_fd(PROC_FD_CONFIG, len)) == NULL)
			snprintf(err, errsz, "config memfd: %s",
			    strerror(errno));
		return text;
	}
	if (src->cls_path == NULL) {
		*len = 0;
		return strdup("");
	}
	if ((fd = open(src->cls_path, O_RDONLY | O_CLOEXEC)) == -1) {
		snprintf(err, errsz, "%s:0: cannot open: %s", src->cls_path,
		    strerror(errno));
		return NULL;
	}
	if ((text = config_load_read_fd(fd, len)) == NULL)
		snprintf(err, errsz, "%s:0: cannot read: %s", src->cls_path,
		    strerror(errno));
	close(fd);
	return text;
}

/* defaults, file, command line: the one way a configuration is made */
static int
config_load_sources(const struct config_load_src *src, struct config *cfg,
    char **textp, size_t *lenp, char *err, size_t errsz)
{
	char	*text;
	size_t	 len;

	if ((text = config_load_text(src, &len, err, errsz)) == NULL)
		return -1;
	config_defaults(cfg);
	if (config_parse(cfg, text, len, src->cls_path ? src->cls_path :
	    "(none)", err, errsz) == -1 ||
	    config_apply_cli(cfg, &src->cls_cli, err, errsz) == -1) {
		free(text);
		return -1;
	}
	config_finish(cfg);
	*textp = text;
	*lenp = len;
	return 0;
}

int
config_load_file(const struct config_load_src *src, struct config *cfg,
    char **text, size_t *len, char *err, size_t errsz)
{
	config_load_last = *src;
	return config_load_sources(&config_load_last, cfg, text, len, err,
	    errsz);
}

/* parent, on SIGHUP: the same sources again, checked the same way */
int
config_load_reload(struct config *cfg, char **text, size_t *len, char *err,
    size_t errsz)
{
	if (config_load_sources(&config_load_last, cfg, text, len, err,
	    errsz) == -1)
		return -1;
	if (config_load_validate(cfg, config_load_last.cls_path ?
	    config_load_last.cls_path : "command line", err, errsz) == -1) {
		free(*text);
		return -1;
	}
	return 0;
}

static int
config_load_check_dir(const char *path, char *err, size_t errsz,
    const char *origin, const char *what)
{
	struct stat	st;

	if (stat(path, &st) == -1) {
		snprintf(err, errsz, "%s: %s %s: %s", origin, what, path,
		    strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		snprintf(err, errsz, "%s: %s %s: not a directory", origin,
		    what, path);
		return -1;
	}
	return 0;
}

int
config_load_validate(const struct config *cfg, const char *origin,
    char *err, size_t errsz)
{
	size_t	i;

	if (config_load_check_dir(cfg->cf_root, err, errsz, origin,
	    "root") == -1)
		return -1;
	for (i = 0; i < cfg->cf_nbind; i++)
		if (access(cfg->cf_bind[i].cb_src, F_OK) == -1) {
			snprintf(err, errsz, "%s: jail-bind %s: %s", origin,
			    cfg->cf_bind[i].cb_src, strerror(errno));
			return -1;
		}
	for (i = 0; i < cfg->cf_ncgidir; i++)
		if (cfg->cf_cgidir[i].cd_policy[0] != '\0' &&
		    access(cfg->cf_cgidir[i].cd_policy, R_OK) == -1) {
			snprintf(err, errsz, "%s: policy %s: %s", origin,
			    cfg->cf_cgidir[i].cd_policy, strerror(errno));
			return -1;
		}
	for (i = 0; i < cfg->cf_ninterp; i++)
		if (access(cfg->cf_interp[i].ci_path, X_OK) == -1) {
			snprintf(err, errsz, "%s: interpreter %s: %s", origin,
			    cfg->cf_interp[i].ci_path, strerror(errno));
			return -1;
		}
	return 0;
}
