/* SPDX-License-Identifier: ISC */
/*
 * executor.h: the executor's script validation (exec_validate.c), shared
 * with executor.c.  Executor role only.
 */
#ifndef CGIJAIL_EXECUTOR_H
#define CGIJAIL_EXECUTOR_H

#include <limits.h>
#include <stddef.h>

#include "config.h"
#include "msg.h"
#include "sandbox.h"

/* what validation reads: the configuration, the script user, the docroot */
struct exec_ctx {
	const struct config	*ex_cfg;
	const struct sandbox	*ex_sb;
	int			 ex_docroot_fd;
};

/* what validation found: the files execve and the script will see */
struct exec_script {
	size_t		 sc_policy;
	const char	*sc_interp;		/* NULL: run the file itself */
	char		 sc_file[PATH_MAX];	/* SCRIPT_FILENAME */
	char		 sc_cwd[PATH_MAX];
};

/*
 * Check script (a normalised URL path) as the executor sees it; fills sc.
 * MSG_EXEC_OK, or the refusal with a short reason and errno.
 */
enum msg_exec_result exec_validate_script(const struct exec_ctx *,
	    const char *script, struct exec_script *, const char **why,
	    int *err);

#endif
