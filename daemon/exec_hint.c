/* SPDX-License-Identifier: ISC */
/*
 * exec_hint.c: a refusal or an exec failure, said so that the person
 * who can fix it knows how: the carriage return of a file saved on
 * Windows, the missing #! line, the interpreter that is not in the jail,
 * the `interpreter` line a .php file needs, chmod.  Pure: builds text
 * from what validation found; executor role.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "exec_priv.h"

/* the file name's extension, "" if none */
static const char *
exec_hint_ext(const char *path)
{
	const char	*slash = strrchr(path, '/'), *dot;

	dot = strrchr(slash != NULL ? slash : path, '.');
	return dot != NULL ? dot : "";
}

/* a common interpreter for an extension, to name in a hint */
static const char *
exec_hint_interp_for(const char *ext)
{
	static const char *const table[][2] = {
		{ ".php", "/usr/bin/php-cgi" },
		{ ".py", "/usr/bin/python3" },
		{ ".pl", "/usr/bin/perl" },
		{ ".rb", "/usr/bin/ruby" },
		{ ".sh", "/bin/sh" },
	};
	size_t	 i;

	for (i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		if (strcmp(ext, table[i][0]) == 0)
			return table[i][1];
	return NULL;
}

/*
 * why (validation's reason) and what to do, into buf.  file is the real
 * path when validation got that far ("" otherwise): hints name the
 * script as the URL does.
 */
void
exec_hint_refusal(const char *script, const char *file, const char *why,
    const struct config *cfg, char *buf, size_t bufsz)
{
	const char	*ext = exec_hint_ext(script), *ip;

	(void)file;
	ip = exec_hint_interp_for(ext);
	if (strcmp(why, "not executable") == 0 && ip != NULL &&
	    strcmp(ext, ".sh") != 0)
		snprintf(buf, bufsz, "%s (chmod 755 it, or add `interpreter "
		    "%s %s` to the configuration)", why, ext, ip);
	else if (strcmp(why, "not executable") == 0)
		snprintf(buf, bufsz, "%s (chmod 755 it)", why);
	else if (strcmp(why, "writable by group/other") == 0)
		snprintf(buf, bufsz, "%s (chmod go-w it)", why);
	else if (strcmp(why, "directory writable by other") == 0)
		snprintf(buf, bufsz, "%s (chmod o-w the directory)", why);
	else if (strcmp(why, "owned by the script user") == 0 ||
	    strcmp(why, "directory owned by the script user") == 0)
		snprintf(buf, bufsz, "%s %s (give it to another owner: a "
		    "script could rewrite it)", why, cfg->cf_script_user);
	else if (strcmp(why, "setuid or setgid") == 0)
		snprintf(buf, bufsz, "%s (chmod ug-s it)", why);
	else if (strcmp(why, "directory writable by group or others") == 0)
		snprintf(buf, bufsz, "%s (chmod go-w the directory)", why);
	else if (strcmp(why, "not owned by the student") == 0 ||
	    strcmp(why, "directory owned by another user") == 0)
		snprintf(buf, bufsz, "%s (a script runs as the student whose "
		    "tree it is in: only that student's files do)", why);
	else if (strncmp(why, "userdir-writable: ", 18) == 0)
		snprintf(buf, bufsz, "userdir-writable %s: %s (the student's "
		    "own directory, chmod 755 it)", cfg->cf_userdir_writable,
		    why + 18);
	else
		snprintf(buf, bufsz, "%s", why);
}

/* an exec that failed with ENOENT though the script was checked */
static void
exec_hint_enoent(const struct exec_child *c, char *buf, size_t bufsz)
{
	char	 interp[PATH_MAX];
	size_t	 n = strlen(c->ec_head);

	if (c->ec_interp[0] != '\0') {
		snprintf(buf, bufsz, "the interpreter %s (its `interpreter` "
		    "line) does not exist in the jail; the jail shows /usr, "
		    "/bin, /lib, the document root and jail-bind paths",
		    c->ec_interp);
		return;
	}
	if (c->ec_kind == EXEC_KIND_SHEBANG && n > 0 &&
	    c->ec_head[n - 1] == '\r') {
		snprintf(buf, bufsz, "its #! line ends in a carriage return: "
		    "it was saved with Windows line endings (convert it to "
		    "Unix ones, e.g. with dos2unix)");
		return;
	}
	exec_shebang_path(c->ec_head, interp, sizeof(interp));
	if (c->ec_kind == EXEC_KIND_SHEBANG && interp[0] != '\0')
		snprintf(buf, bufsz, "the interpreter %s named by its #! line "
		    "does not exist in the jail; the jail shows /usr, /bin, "
		    "/lib, the document root and jail-bind paths", interp);
	else
		snprintf(buf, bufsz, "its #! line names no interpreter");
}

/* what to do about a step that failed, "" if nothing useful to say */
void
exec_hint_failure(const struct exec_child *c, int step, int err, char *buf,
    size_t bufsz)
{
	const char	*ext = exec_hint_ext(c->ec_script), *ip;

	buf[0] = '\0';
	if (step != SBX_STEP_EXEC)
		return;
	if (err == ENOENT)
		exec_hint_enoent(c, buf, bufsz);
	else if (err == ENOEXEC && c->ec_kind == EXEC_KIND_OTHER &&
	    (ip = exec_hint_interp_for(ext)) != NULL)
		snprintf(buf, bufsz, "no #! line: start it with #!%s, or add "
		    "`interpreter %s %s` to the configuration", ip, ext, ip);
	else if (err == ENOEXEC && c->ec_kind == EXEC_KIND_OTHER)
		snprintf(buf, bufsz, "no #! line: its first line must name "
		    "its interpreter, e.g. #!/bin/sh");
	else if (err == EACCES)
		snprintf(buf, bufsz, "the jail may not run it (its policy "
		    "lets a script run only itself and its interpreter)");
}
