/* SPDX-License-Identifier: ISC */
/*
 * check.c: `cgijail --check`.  Probes every layer of the sandbox on this
 * kernel, each in a throw-away child where it changes anything, and says
 * which will be used.  Runs as root before any role starts; trusts nothing.
 */
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <errno.h>
#include <pwd.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <linux/seccomp.h>

#include "sandbox_priv.h"

#define CHECK_X32_BIT	0x40000000

struct check_ns {
	const char	*cn_name;
	int		 cn_flag;
	int		 cn_required;
};

static void
check_line(FILE *fp, const char *layer, const char *state, const char *note)
{
	fprintf(fp, "sandbox: %-20s %-8s %s\n", layer, state, note);
}

static int
check_namespaces(FILE *fp, const struct config *cfg)
{
	const struct check_ns	 ns[] = {
		{ "pid namespace", CLONE_NEWPID, 1 },
		{ "mount namespace", CLONE_NEWNS, 1 },
		{ "ipc namespace", CLONE_NEWIPC, 1 },
		{ "uts namespace", CLONE_NEWUTS, 1 },
		{ "network namespace", CLONE_NEWNET, !cfg->cf_script_network },
		{ "user namespace", CLONE_NEWUSER, 0 },
	};
	size_t			 i;
	int			 missing = 0, ok;

	for (i = 0; i < sizeof(ns) / sizeof(ns[0]); i++) {
		ok = ns_probe(ns[i].cn_flag);
		if (!ok && ns[i].cn_required)
			missing++;
		check_line(fp, ns[i].cn_name, ok ? "ok" : ns[i].cn_required ?
		    "MISSING" : "absent", ns[i].cn_flag == CLONE_NEWUSER ?
		    "(not used: the executor runs as root)" :
		    ns[i].cn_flag == CLONE_NEWNET ? (cfg->cf_script_network ?
		    "(not used: script-network on)" : "(one empty namespace, "
		    "shared)") : "(new per script)");
	}
	ok = jail_probe_pivot();
	check_line(fp, "pivot_root", ok ? "ok" : "MISSING",
	    "(jail root: read-only /usr, /etc, /dev, document root)");
	return missing + !ok;
}

static void
check_cgroups(FILE *fp)
{
	struct limits_cg_probe	 p;
	char			 note[128];

	limits_cgroup_probe(&p);
	snprintf(note, sizeof(note), "v%d:%s%s%s", p.lcp_version,
	    p.lcp_pids ? " pids" : "", p.lcp_memory ? " memory" : "",
	    p.lcp_cpu ? " cpu" : "");
	check_line(fp, "cgroups", p.lcp_version != 0 ? "ok" : "absent",
	    p.lcp_version != 0 ? note : "(rlimits only)");
	if (!p.lcp_pids)
		check_line(fp, "pids controller", "WARNING", "a fork bomb is "
		    "bounded only by RLIMIT_NPROC, shared by all scripts");
	if (!p.lcp_memory)
		check_line(fp, "memory controller", "WARNING", "memory is "
		    "bounded per process (RLIMIT_AS) only");
}

static void
check_landlock(FILE *fp)
{
	char	 note[64];
	int	 abi = landlock_probe();

	snprintf(note, sizeof(note), "ABI %d", abi);
	if (abi > 0)
		check_line(fp, "landlock", "ok", note);
	else
		check_line(fp, "landlock", "WARNING", "absent: only read-only "
		    "mounts keep scripts from writing");
}

static int
check_seccomp(FILE *fp)
{
	unsigned int	 act = SECCOMP_RET_KILL_PROCESS;
	int		 filter, kill;

	filter = prctl(PR_GET_SECCOMP, 0, 0, 0, 0) != -1 || errno != EINVAL;
	kill = syscall(SYS_seccomp, SECCOMP_GET_ACTION_AVAIL, 0, &act) == 0;
	check_line(fp, "seccomp filter", filter ? "ok" : "MISSING",
	    "(policy BPF compiled once, one prctl per script)");
	check_line(fp, "seccomp kill_process", kill ? "ok" : "MISSING",
	    "(a denied syscall ends the whole script with SIGSYS)");
	return !filter + !kill;
}

/* informational: the filters kill foreign-arch calls either way */
static void
check_x32(FILE *fp)
{
	pid_t	 pid;
	int	 status = 0;

	if ((pid = fork()) == 0)
		_exit(syscall(CHECK_X32_BIT | SYS_getpid) == -1 ? 1 : 0);
	while (pid > 0 && waitpid(pid, &status, 0) == -1 && errno == EINTR)
		;
	check_line(fp, "x32 syscalls", pid > 0 && WIFEXITED(status) &&
	    WEXITSTATUS(status) == 0 ? "enabled" : "disabled",
	    "(killed by every script filter either way)");
}

static int
check_user(FILE *fp, const struct config *cfg)
{
	const char	*name;
	struct passwd	*pw;
	char		 note[128];

	name = cfg->cf_script_user[0] != '\0' ? cfg->cf_script_user : "nobody";
	if ((pw = getpwnam(name)) == NULL || pw->pw_uid == 0 ||
	    pw->pw_gid == 0) {
		check_line(fp, "script user", "MISSING", name);
		return 1;
	}
	snprintf(note, sizeof(note), "%s (%u:%u)", name, (unsigned)pw->pw_uid,
	    (unsigned)pw->pw_gid);
	check_line(fp, "script user", "ok", note);
	return 0;
}

int
sandbox_check(FILE *fp, const struct config *cfg)
{
	int	 missing = 0;

	missing += check_namespaces(fp, cfg);
	check_cgroups(fp);
	check_landlock(fp);
	missing += check_seccomp(fp);
	check_x32(fp);
	missing += check_user(fp, cfg);
	fprintf(fp, "sandbox: %d required layer%s missing\n", missing,
	    missing == 1 ? "" : "s");
	(void)fflush(fp);
	return missing;
}
