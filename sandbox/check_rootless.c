/* SPDX-License-Identifier: ISC */
/*
 * check_rootless.c: `cgijail --check` run by an ordinary user: the mode,
 * whether this kernel gives such a user the namespaces a rootless start
 * needs (the sysctl named if not), its cgroups (only a delegated one),
 * and, word for word, what rootless mode gives up and what it keeps.
 * Runs before any role starts; trusts the configuration and the kernel.
 */
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "sandbox_priv.h"

/* what rootless mode gives up, said the same way to every user ({uid}:
 * theirs; {port}: net.ipv4.ip_unprivileged_port_start); one
 * parenthesised text each */
static const char *const check_gives_up[] = {
	("one host uid: the parent, the front, the executor and every "
	    "script run as uid {uid}; the front has a uid of its own and each "
	    "script is nobody (65534) only inside their own user namespaces, "
	    "so what keeps them apart is namespaces, landlock, seccomp and no "
	    "capabilities, not uids (kill, ptrace and file permissions see "
	    "one user)"),
	("script-uid-range: no host uid of its own per script; a process of "
	    "uid {uid} outside cgijail (your shell) may signal or trace a "
	    "script"),
	("the rule that a script and its directories are not owned by the "
	    "script user cannot hold (all of them are owned by uid {uid}): the "
	    "read-only jail and landlock keep a script from changing them; "
	    "group- or other-writable scripts are still refused"),
	("file modes keep nothing out: the front and the scripts read what "
	    "uid {uid} may read beneath the document root (a file of mode 0600 "
	    "there is served); keep what must stay private outside it"),
	("setgroups: the kernel denies it in an unprivileged user namespace, "
	    "so the front and the scripts keep the groups uid {uid} was "
	    "started with (nogroup inside)"),
	("cgroups: none unless a delegated group is writable by uid {uid}; "
	    "without, a request's processes are bounded by its pid namespace "
	    "and RLIMIT_NPROC (counted in its own user namespace), its "
	    "memory by RLIMIT_AS per process"),
	("jail-bind-rw: a plain bind, not idmapped (the kernel idmaps host "
	    "mounts for root only): what scripts write there belongs to uid "
	    "{uid} (nobody inside)"),
	("/proc: each script's own /proc covers a bind of the host's in its "
	    "jail (a user namespace may mount a /proc only where one is "
	    "already visible); a script cannot unmount it"),
	("ports below net.ipv4.ip_unprivileged_port_start ({port}) are "
	    "refused; no limit can be raised above uid {uid}'s own hard "
	    "limits"),
	("state and logs: nothing in /run/cgijail (its script uid locks are "
	    "root's; rootless holds no uid, so it keeps no state file, under "
	    "$XDG_RUNTIME_DIR or anywhere); logs go to stderr by default, to "
	    "files or syslog only where uid {uid} may write"),
};

/* and what it keeps */
static const char *const check_keeps[] = {
	("the front: the only process that reads the network, in a user and "
	    "a mount namespace of its own whose root is the document root, "
	    "read-only; no capabilities, no_new_privs, landlock (read-only, "
	    "no TCP, signals and abstract sockets scoped) and its seccomp "
	    "allow-list"),
	("the executor: never parses HTTP; validates every script again "
	    "(beneath a CGI directory, modes, setuid bits, links) and runs "
	    "exactly the file it validated"),
	("each script: new pid, mount, ipc, uts and user namespaces (no "
	    "capability in any set), the shared empty network namespace, a "
	    "read-only jail with a private /tmp and /proc, rlimits, landlock, "
	    "seccomp (the floor and its policy), no_new_privs, the timeout"),
	("the failures: typed messages checked between the roles; a broken "
	    "script is a 403 or a 500 and every other request is served"),
};

#define CHECK_NGIVES	(sizeof(check_gives_up) / sizeof(check_gives_up[0]))
#define CHECK_NKEEPS	(sizeof(check_keeps) / sizeof(check_keeps[0]))

/* the mode line, then the one thing rootless cannot do without */
int
check_rootless_mode(FILE *fp)
{
	struct passwd	*pw = getpwuid(rootless_uid());
	char		 note[CONFIG_ERR_MAX];

	(void)snprintf(note, sizeof(note), "(started by uid %u%s%s, not root: "
	    "its own uid is all a user namespace may map)",
	    (unsigned)rootless_uid(), pw != NULL ? " " : "",
	    pw != NULL ? pw->pw_name : "");
	check_line(fp, "mode", "rootless", note);
	if (rootless_probe(note, sizeof(note)) == 0)
		return 0;
	check_line(fp, "unprivileged userns", "MISSING", note);
	return 1;
}

/* a delegated group is used if there is one; none is no error */
int
check_rootless_cgroups(FILE *fp, const struct config *cfg)
{
	char	 where[PATH_MAX + 16], note[PATH_MAX + 256], why[512];
	int	 r;

	r = limits_cgroup_delegated(where, sizeof(where));
	if (r != 1) {
		(void)snprintf(note, sizeof(note), "(not delegated: %s%s%u: "
		    "rlimits and the pid namespace only)", where, r == 0 ?
		    " is not writable by uid " : " for uid ",
		    (unsigned)rootless_uid());
		check_line(fp, "cgroups", "absent", note);
		return 0;
	}
	(void)snprintf(note, sizeof(note), "delegated: %s", where);
	check_line(fp, "cgroups", "ok", note);
	if (limits_cgroup_try(cfg, why, sizeof(why)) == -1) {
		check_line(fp, "cgroup groups", "MISSING", why);
		return 1;
	}
	check_line(fp, "cgroup groups", "ok", "(a daemon and a request group "
	    "made in it, limited and removed)");
	return 0;
}

/* one term: {uid} and {port} become this user's uid and its ports' start */
static void
check_rootless_say(FILE *fp, const char *what, const char *text)
{
	const char	*p;

	fprintf(fp, "rootless: %s: ", what);
	while ((p = strchr(text, '{')) != NULL) {
		fwrite(text, 1, (size_t)(p - text), fp);
		if (strncmp(p, "{uid}", 5) == 0) {
			fprintf(fp, "%u", (unsigned)rootless_uid());
			text = p + 5;
		} else if (strncmp(p, "{port}", 6) == 0) {
			fprintf(fp, "%d", rootless_port_start());
			text = p + 6;
		} else {
			fputc('{', fp);
			text = p + 1;
		}
	}
	fprintf(fp, "%s\n", text);
}

void
check_rootless_terms(FILE *fp)
{
	size_t	 i;

	for (i = 0; i < CHECK_NGIVES; i++)
		check_rootless_say(fp, "gives up", check_gives_up[i]);
	for (i = 0; i < CHECK_NKEEPS; i++)
		check_rootless_say(fp, "keeps", check_keeps[i]);
}
