/* SPDX-License-Identifier: ISC */
/*
 * exec_userdir.c: a student's script in the executor (userdir): whose it
 * is (the "/~NAME" its URL starts with, in the table the parent
 * resolved; never what the front says beyond that), what validation
 * holds it to, how many of that student's run (userdir-max-scripts:
 * over it a request waits briefly while others pass it), and the
 * writable directory it may have (userdir-writable: the student's own,
 * nobody else may write it).  Executor role; trusts no request.
 */
#include <sys/stat.h>
#include <sys/syscall.h>

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "exec_priv.h"
#include "userdir.h"

/* at start, once the sandbox has the trees: counters, and who is not */
void
exec_userdir_init(struct exec *ex)
{
	const struct userdir_table	*ut = ex->ex_cfg->cf_userdir_table;
	const struct sandbox_user	*su;
	size_t				 i;

	if (ex->ex_sb.sb_nusers == 0)
		return;
	if ((ex->ex_user_running = calloc(ex->ex_sb.sb_nusers,
	    sizeof(*ex->ex_user_running))) == NULL)
		fatal("userdir counters");
	for (i = 0; i < ex->ex_sb.sb_nusers; i++) {
		su = &ex->ex_sb.sb_users[i];
		if (su->su_tree == -1)
			log_warnx("userdir: %s: %s: %s: its scripts are not "
			    "run", ut->ut_acct[i].ua_name, su->su_path,
			    su->su_why != NULL ? su->su_why : "cannot open it");
	}
}

ssize_t
exec_userdir_of(const struct exec *ex, const char *script)
{
	const struct userdir_table	*ut = ex->ex_cfg->cf_userdir_table;
	const struct userdir_account	*a;
	size_t				 len, i;

	if (ex->ex_cfg->cf_userdir[0] == '\0' || strncmp(script, "/~", 2) != 0)
		return EXEC_USER_NONE;
	len = strcspn(script + 2, "/");
	if ((a = userdir_lookup(ut, script + 2, len)) == NULL)
		return EXEC_USER_UNKNOWN;
	i = userdir_index(ut, a);
	if (i >= ex->ex_sb.sb_nusers || ex->ex_sb.sb_users[i].su_tree == -1)
		return EXEC_USER_UNKNOWN;
	return (ssize_t)i;
}

/* validation's view: the document root, or the student's tree */
void
exec_userdir_ctx(const struct exec *ex, ssize_t u, struct exec_ctx *ctx)
{
	const struct userdir_table	*ut = ex->ex_cfg->cf_userdir_table;

	memset(ctx, 0, sizeof(*ctx));
	ctx->ex_cfg = ex->ex_cfg;
	ctx->ex_sb = &ex->ex_sb;
	ctx->ex_docroot_fd = ex->ex_docroot_fd;
	if (u < 0)
		return;
	ctx->ex_user = &ex->ex_sb.sb_users[u];
	ctx->ex_docroot_fd = ctx->ex_user->su_tree;
	ctx->ex_root = ctx->ex_user->su_path;
	ctx->ex_prefix = 2 + strlen(ut->ut_acct[u].ua_name);
}

/* may one more of u's scripts run now? (not a student's: always) */
int
exec_userdir_may_start(const struct exec *ex, ssize_t u)
{
	const struct userdir_table	*ut = ex->ex_cfg->cf_userdir_table;

	return u < 0 || ex->ex_user_running[u] <
	    (size_t)ut->ut_acct[u].ua_max_scripts;
}

/* too many of u's requests wait already: the next is refused at once */
int
exec_userdir_queue_full(const struct exec *ex, ssize_t u)
{
	const struct userdir_table	*ut = ex->ex_cfg->cf_userdir_table;
	size_t				 i, n = 0;

	if (u < 0)
		return 0;
	for (i = 0; i < ex->ex_qlen; i++)
		if (ex->ex_queue[i]->eq_user == u)
			n++;
	return n >= (size_t)ut->ut_acct[u].ua_max_scripts *
	    EXEC_USER_QUEUE_FACTOR;
}

void
exec_userdir_count(struct exec *ex, ssize_t u, int delta)
{
	if (u >= 0)
		ex->ex_user_running[u] += (size_t)delta;
}

/*
 * userdir-writable SUBDIR of u's tree: *fd an O_PATH descriptor of it
 * beneath the tree (no link, same file system), or -1 when there is none
 * (the script runs with its tree read-only).  One that is there but not
 * the student's alone to write is a refusal: it is never shared.
 */
enum msg_exec_result
exec_userdir_writable(const struct exec *ex, ssize_t u, int *fd,
    const char **why, int *err)
{
	const char	*sub = ex->ex_cfg->cf_userdir_writable;
	struct open_how	 how;
	struct stat	 st;

	*fd = -1;
	if (u < 0 || sub[0] == '\0')
		return MSG_EXEC_OK;
	memset(&how, 0, sizeof(how));
	how.flags = O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;
	how.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS |
	    RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV;
	*fd = (int)syscall(SYS_openat2, ex->ex_sb.sb_users[u].su_tree, sub,
	    &how, sizeof(how));
	if (*fd == -1 && errno == ENOENT)
		return MSG_EXEC_OK;
	*err = *fd == -1 ? errno : EACCES;
	if (*fd == -1)
		*why = "userdir-writable: not a directory of its own (a link, "
		    "a file, or on another file system)";
	else if (fstat(*fd, &st) == -1)
		*why = "userdir-writable: cannot stat it";
	else if (st.st_uid != ex->ex_sb.sb_users[u].su_uid)
		*why = "userdir-writable: owned by another user";
	else if (st.st_mode & (S_IWGRP | S_IWOTH))
		*why = "userdir-writable: writable by group or others";
	else
		return MSG_EXEC_OK;
	if (*fd != -1)
		(void)close(*fd);
	*fd = -1;
	return MSG_EXEC_FORBIDDEN;
}
