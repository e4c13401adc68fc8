/* SPDX-License-Identifier: ISC */
/*
 * explain.h: `cgijail --explain-jail URLPATH`.  Root, in the foreground,
 * never the daemon: it builds the jail the executor would build, runs
 * the script of URLPATH once in it, traces it from outside its seccomp
 * filter (ptrace by the tracer, never by the script) and reports the
 * absolute paths the script looked for that its jail does not have but
 * the host does, as the jail-bind lines that would show them.
 * explain.c runs the mode, explain_trace.c the tracer, explain_binds.c
 * (pure) turns what was found into the lines.
 */
#ifndef CGIJAIL_EXPLAIN_H
#define CGIJAIL_EXPLAIN_H

#include <sys/types.h>

#include <limits.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"

#define EXPLAIN_PATHS_MAX	256	/* distinct paths kept per run */
#define EXPLAIN_ROUNDS_MAX	4	/* runs, each with the binds found */
#define EXPLAIN_DENIED_MAX	32	/* distinct denied system calls */
#define EXPLAIN_NAME_MAX	48

/* one path the script looked for: missing in its jail, there on the host */
struct explain_path {
	/* absolute, symlinks of the jail followed */
	char		 ep_path[PATH_MAX];
	/* the deepest ancestor the jail has ("/" at least): a bind may
	 * cover a directory below it, never it or above */
	char		 ep_jail_base[PATH_MAX];
	char		 ep_call[EXPLAIN_NAME_MAX];	/* openat... */
	int		 ep_others_read;	/* others may read it */
	/* a file was to be made in this directory: it needs jail-bind-rw */
	int		 ep_rw;
	uid_t		 ep_owner;		/* on the host */
	int		 ep_round;		/* the run that found it */
};

/* one line to add: jail-bind, or jail-bind-rw */
struct explain_line {
	char		 el_path[PATH_MAX];
	int		 el_rw;
	uid_t		 el_owner;	/* rw: the host's owner */
};

/* a system call the policy answered with its errno, or that killed */
struct explain_denied {
	char		 ed_name[EXPLAIN_NAME_MAX];
	unsigned int	 ed_count;
	int		 ed_killed;	/* SIGSYS: a kill rule */
};

/* what one run (or every run, merged) found */
struct explain_found {
	struct explain_path	 ef_path[EXPLAIN_PATHS_MAX];
	size_t			 ef_npath;
	size_t			 ef_dropped;	/* past the max */
	size_t			 ef_host_missing; /* on neither */
	struct explain_denied	 ef_denied[EXPLAIN_DENIED_MAX];
	size_t			 ef_ndenied;
	int			 ef_timed_out;
	int			 ef_used[CONFIG_BIND_MAX]; /* by ew_binds */
};

/* explain.c: the mode; returns the exit status of cgijail */
int	explain_main(struct config *, const char *urlpath);

/* what the tracer is told */
struct explain_watch {
	const unsigned char	*ew_denied;	/* by call: 1 = refused */
	size_t			 ew_ndenied;
	int			 ew_errno;	/* the policy's, or -1 */
	unsigned int		 ew_timeout_sec;
	/* the binds earlier runs added: which does the script look in? */
	const char		*ew_binds[CONFIG_BIND_MAX];
	size_t			 ew_nbinds;
};

/*
 * explain_trace.c: trace the process pid (attached with PTRACE_SEIZE by
 * the caller) and everything it starts until it exits; the processes
 * that exec are traced call by call.  0, or -1 with errno.
 */
int	explain_trace(pid_t pid, const struct explain_watch *,
	    struct explain_found *);

/* explain_binds.c (pure): add one path (deduplicated); 0 or -1: full */
int	explain_binds_add(struct explain_found *,
	    const struct explain_path *);
/*
 * The bind lines that cover every path found: a path is covered by a
 * line for itself or for a directory above it; two or more paths in a
 * directory the jail does not have, at least two levels down (never
 * /srv or /etc itself), are covered by that directory.  Optional files
 * get none; a directory to write in gets a jail-bind-rw line of its own.
 * Up to max lines into out, sorted; returns how many.
 */
size_t	explain_binds_lines(const struct explain_found *,
	    struct explain_line *out, size_t max);
/* why a path is looked for and not needed (no line for it), or NULL */
const char *explain_binds_optional(const char *path);
/* a path a config line can hold unquoted: [A-Za-z0-9._+,:@=/-] only */
int	explain_binds_plain(const char *path);

#endif
