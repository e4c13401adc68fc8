/* SPDX-License-Identifier: ISC */
/*
 * userdir.h: the students whose HOME/DIR is served as /~NAME/.  The
 * parent resolves them from the passwd database at start and on SIGHUP
 * (userdir_load.c) and hands the table to both roles as text after the
 * configuration in the sealed memfd; each role parses it again
 * (userdir.c, pure) and trusts nothing in it.
 */
#ifndef CGIJAIL_USERDIR_H
#define CGIJAIL_USERDIR_H

#include <sys/types.h>

#include <stddef.h>
#include <stdint.h>

#include "config.h"

#define USERDIR_NAME_MAX	32	/* useradd's limit */
#define USERDIR_PATH_MAX	1024	/* HOME/DIR, and the NUL */
#define USERDIR_MAX		1024	/* accounts served */
#define USERDIR_NOTE_MAX	256
#define USERDIR_NOTES_MAX	64	/* kept; the rest are counted */
#define USERDIR_TEXT_MAGIC	"cgijail-userdir 1"

/* one student, as served */
struct userdir_account {
	char			 ua_name[USERDIR_NAME_MAX + 1];
	uid_t			 ua_uid;
	gid_t			 ua_gid;
	/* HOME/DIR: absolute, clean, printable ASCII without blanks */
	char			 ua_path[USERDIR_PATH_MAX];
	int			 ua_max_scripts;	/* userdir-max-scripts */
	struct config_limits	 ua_limits;		/* each <= the config's */
};

struct userdir_table {
	struct userdir_account	*ut_acct;	/* sorted by name, unique */
	size_t			 ut_n;
	/* why an account with DIR is not served, a limit line ignored */
	char			(*ut_notes)[USERDIR_NOTE_MAX];
	size_t			 ut_nnotes;
	size_t			 ut_notes_dropped;
};

/* userdir.c (pure) */

/* is name[0..len) a user name cgijail serves ([A-Za-z0-9_.-], not "-")? */
int	userdir_name_ok(const char *name, size_t len);
/* the account called name[0..len), or NULL */
const struct userdir_account *userdir_lookup(const struct userdir_table *,
	    const char *name, size_t len);
/* index of an account of the table (for the roles' parallel arrays) */
size_t	userdir_index(const struct userdir_table *,
	    const struct userdir_account *);
/* NULL, or why an absolute path is not one the table can hold */
const char *userdir_path_error(const char *path);
/* a note (printf); past USERDIR_NOTES_MAX only counted */
void	userdir_note(struct userdir_table *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
/* the table as text (malloc'd, *len bytes, no NUL inside); -1: memory */
int	userdir_format(const struct userdir_table *, char **text,
	    size_t *len);
/*
 * The text again, checked line by line against cfg (every limit at most
 * the configuration's); *out malloc'd.  0, or -1 with the reason in err.
 */
int	userdir_parse(const char *text, size_t len, const struct config *cfg,
	    struct userdir_table **out, char *err, size_t errsz);
void	userdir_free(struct userdir_table *);

/*
 * A userdir-limits file (fname): `limit NAME KIND VALUE` lines, KIND one
 * of `limit`'s kinds or max-scripts, each value at most the
 * configuration's (the file lowers, never raises).  Each line is handed
 * to fn with its line number; fn returns 0, or -1 to stop with err set.
 * 0, or -1 with "fname:LINE: message" in err.
 */
struct userdir_limit {
	const char	*ul_name;	/* the account's, as written */
	size_t		 ul_line;
	const char	*ul_kind;
	size_t		 ul_off;	/* in struct config_limits, or */
	int		 ul_scripts;	/* 1: max-scripts */
	uint64_t	 ul_value;
};
int	userdir_limits_parse(const char *text, size_t len, const char *fname,
	    const struct config *cfg,
	    int (*fn)(void *, const struct userdir_limit *, char *, size_t),
	    void *arg, char *err, size_t errsz);
/* the limit l on one account */
void	userdir_limit_apply(struct userdir_account *,
	    const struct userdir_limit *);

/*
 * userdir_tree.c (front and executor, as root at their start): a's
 * HOME/DIR as a detached, read-only mount with attrs (MOUNT_ATTR_*) too;
 * prefix: where the host's root is now ("" for "/"); the descriptor, or
 * -1 with why (and errno).
 */
int	userdir_tree_open(const char *prefix, const struct userdir_account *a,
	    const char *dir, unsigned int attrs, const char **why);
/* DIR beneath the home hfd (closed here): no link, no other file system;
 * an O_PATH descriptor, or -1 (errno) */
int	userdir_tree_beneath(int hfd, const char *dir);

/* userdir_load.c (parent) */

/*
 * Parent, after config_load_validate() (start, -n, SIGHUP): the accounts
 * of the passwd database with uid >= userdir-min-uid whose HOME/DIR is
 * a safe directory of their own, with their limits (userdir-limits);
 * into cfg->cf_userdir_table.  A bad limits file is -1 with FILE:LINE in
 * err; an account that cannot be served is a note, never an error.
 */
int	userdir_load(struct config *cfg, char *err, size_t errsz);

#endif
