/* SPDX-License-Identifier: ISC */
/*
 * executor.h: the executor's script validation (exec_validate.c), shared
 * with executor.c.  Executor role only.
 */
#ifndef CGIJAIL_EXECUTOR_H
#define CGIJAIL_EXECUTOR_H

#include <sys/stat.h>

#include <limits.h>
#include <stddef.h>

#include "config.h"
#include "msg.h"
#include "sandbox.h"

/*
 * What validation reads: the configuration, the script user, the root
 * (the document root; for userdir, the student's tree instead: its
 * descriptor, its path, and the bytes of "/~NAME" before a script's URL
 * names a CGI directory; suEXEC's rules then: the student owns the
 * script, nobody else may write it or a directory on its path).
 */
struct exec_ctx {
	const struct config	*ex_cfg;
	const struct sandbox	*ex_sb;
	int			 ex_docroot_fd;
	const struct sandbox_user *ex_user;	/* NULL: the document root */
	const char		*ex_root;	/* NULL: sb_docroot */
	size_t			 ex_prefix;
};

enum exec_kind {
	EXEC_KIND_OTHER = 0,	/* neither: only an `interpreter` runs it */
	EXEC_KIND_ELF,		/* a program: execveat on sc_fd */
	EXEC_KIND_SHEBANG	/* "#!": the kernel starts the interpreter */
};

#define EXEC_HEAD_MAX	256

/* what validation found: the file that will run, and what it will see */
struct exec_script {
	size_t		 sc_policy;
	const char	*sc_interp;		/* NULL: run the file itself */
	char		 sc_file[PATH_MAX];	/* SCRIPT_FILENAME: real path */
	char		 sc_cwd[PATH_MAX];
	int		 sc_fd;			/* the validated file, O_RDONLY */
	struct stat	 sc_st;
	enum exec_kind	 sc_kind;
	char		 sc_head[EXEC_HEAD_MAX];	/* the #! line, NUL'ed */
	size_t		 sc_headlen;
};

/*
 * Check script (a normalised URL path) as the executor sees it; fills sc.
 * MSG_EXEC_OK, or the refusal with a short reason and errno.
 */
enum msg_exec_result exec_validate_script(const struct exec_ctx *,
	    const char *script, struct exec_script *, const char **why,
	    int *err);
/* close what a successful validation opened (sc_fd) */
void	exec_script_close(struct exec_script *);

#endif
