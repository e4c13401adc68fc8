/* SPDX-License-Identifier: ISC */
/*
 * check.c: `cgijail --check`, and what the parent checks on this host
 * before it binds: the landlock ABI against the configuration, a script
 * uid range no process uses.  Probes each layer, in a throw-away child
 * where it changes anything, the way a start by the same user would
 * (check_rootless.c: started by an ordinary user).  Runs before any role
 * starts.
 */
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <vis.h>

#include <linux/seccomp.h>

#include "config_load.h"
#include "sandbox_priv.h"

/* the landlock ABI that has everything the scripts' rules use */
#define CHECK_LANDLOCK_FULL	6
#define CHECK_COMM_MAX		15	/* TASK_COMM_LEN - 1 */

#define CHECK_X32_BIT	0x40000000
/* a task's flags (include/linux/sched.h): it has begun its exit */
#define CHECK_PF_EXITING	0x00000004ULL
#define CHECK_SIGKILL_BIT	(1ULL << (SIGKILL - 1))
#define CHECK_STAT_FLAGS	6	/* fields after the name: flags */
#define CHECK_STAT_SIGNAL	28	/* and its pending signals */

struct check_ns {
	const char	*cn_name;
	int		 cn_flag;
	int		 cn_required;
};

void
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
		{ "user namespace", CLONE_NEWUSER, 1 },
	};
	size_t			 i;
	int			 missing = 0, ok;

	for (i = 0; i < sizeof(ns) / sizeof(ns[0]); i++) {
		ok = ns_probe(ns[i].cn_flag);
		if (!ok && ns[i].cn_required)
			missing++;
		check_line(fp, ns[i].cn_name, ok ? "ok" : ns[i].cn_required ?
		    "MISSING" : "absent", ns[i].cn_flag == CLONE_NEWUSER ?
		    (rootless_active() ? "(the front's, the executor's, and "
		    "one per script: 65534 inside, your uid outside)" :
		    "(per script: a host uid of its own, 65534 inside)") :
		    ns[i].cn_flag == CLONE_NEWNET ? (cfg->cf_script_network ?
		    "(not used: script-network on)" : "(one empty namespace, "
		    "shared)") : "(new per script)");
	}
	ok = jail_probe_pivot();
	check_line(fp, "pivot_root", ok ? "ok" : "MISSING",
	    "(jail root: read-only /usr, /etc, /dev, document root)");
	return missing + !ok;
}

/* the pids controller bounds a request's processes: required unless off */
static int
check_cgroups(FILE *fp, const struct config *cfg)
{
	struct limits_cg_probe	 p;
	char			 note[128], why[512];

	if (!cfg->cf_cgroup) {
		check_line(fp, "cgroups", "off", "(cgroup off in the "
		    "configuration: rlimits only)");
		return 0;
	}
	if (rootless_active())
		return check_rootless_cgroups(fp, cfg);
	limits_cgroup_probe(&p);
	snprintf(note, sizeof(note), "v%d:%s%s%s", p.lcp_version,
	    p.lcp_pids ? " pids" : "", p.lcp_memory ? " memory" : "",
	    p.lcp_cpu ? " cpu" : "");
	check_line(fp, "cgroups", p.lcp_version != 0 ? "ok" : "absent",
	    p.lcp_version != 0 ? note : "(rlimits only)");
	if (!p.lcp_pids)
		check_line(fp, "pids controller", "MISSING", "required by "
		    "'cgroup on' (the default); 'cgroup off' leaves a fork "
		    "bomb to RLIMIT_NPROC");
	if (!p.lcp_memory)
		check_line(fp, "memory controller", "WARNING", "memory is "
		    "bounded per process (RLIMIT_AS) only");
	if (!p.lcp_pids)
		return 1;
	/* not what a file says: a group made and removed as a start would */
	if (limits_cgroup_try(cfg, why, sizeof(why)) == -1) {
		check_line(fp, "cgroup groups", "MISSING", why);
		return 1;
	}
	check_line(fp, "cgroup groups", "ok", "(a daemon and a request "
	    "group made, limited and removed)");
	return 0;
}

/* what scripts go without on a kernel of this ABI, or NULL: nothing */
static const char *
check_landlock_lacks(int abi)
{
	if (abi <= 0)
		return "landlock altogether";
	if (abi < 4)
		return "its TCP rules (ABI 4) and its signal and "
		    "abstract-socket scoping (ABI 6)";
	if (abi < CHECK_LANDLOCK_FULL)
		return "its signal and abstract-socket scoping (ABI 6)";
	return NULL;
}

int
sandbox_check_landlock(const struct config *cfg, int *abip, char *err,
    size_t errsz)
{
	char		 where[PATH_MAX + 32], what[64];
	const char	*lacks;
	int		 abi = landlock_probe();

	*abip = abi;
	if (!cfg->cf_landlock || abi >= cfg->cf_landlock_min_abi)
		return 0;
	if ((lacks = check_landlock_lacks(abi)) == NULL) {
		(void)snprintf(what, sizeof(what), "what ABI %d adds",
		    cfg->cf_landlock_min_abi);
		lacks = what;
	}
	(void)snprintf(err, errsz, "%s: landlock ABI %d on this kernel is "
	    "below the minimum, ABI %d (landlock-min-abi): scripts would run "
	    "without %s. Use a newer kernel, lower landlock-min-abi to accept "
	    "less, or say 'landlock off' to run without it",
	    config_load_where(cfg, cfg->cf_landlock_line, where,
	    sizeof(where)), abi, cfg->cf_landlock_min_abi, lacks);
	return -1;
}

const char *
sandbox_check_landlock_lacks(const struct config *cfg, int abi)
{
	return cfg->cf_landlock ? check_landlock_lacks(abi) : NULL;
}

static int
check_landlock(FILE *fp, const struct config *cfg)
{
	char	 note[128], err[CONFIG_ERR_MAX];
	int	 abi;

	if (!cfg->cf_landlock) {
		check_line(fp, "landlock", "off", "(landlock off in the "
		    "configuration: only read-only mounts keep scripts from "
		    "writing)");
		return 0;
	}
	if (sandbox_check_landlock(cfg, &abi, err, sizeof(err)) == -1) {
		snprintf(note, sizeof(note), "ABI %d, required: ABI %d "
		    "(landlock-min-abi)", abi, cfg->cf_landlock_min_abi);
		check_line(fp, "landlock", "MISSING", note);
		return 1;
	}
	snprintf(note, sizeof(note), "ABI %d (required: ABI %d or later)",
	    abi, cfg->cf_landlock_min_abi);
	check_line(fp, "landlock", "ok", note);
	return 0;
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
	snprintf(note, sizeof(note), "%s (%u:%u)%s", name,
	    (unsigned)pw->pw_uid, (unsigned)pw->pw_gid, rootless_active() ?
	    " inside its user namespace" : "");
	check_line(fp, "script user", "ok", note);
	return 0;
}

/*
 * One process's uids from its status text: 1 if one of them is in
 * [first, first + count) and not in the skipped range, with it in *uid.
 */
static int
check_status_uid(const char *status, uid_t first, uint32_t count,
    uid_t skip_first, uint32_t skip_count, uid_t *uid)
{
	const char		*p;
	char			*end;
	unsigned long long	 u;
	int			 i;

	if ((p = strstr(status, "\nUid:")) == NULL)
		return 0;
	for (p += 5, i = 0; i < 4; i++, p = end) {
		u = strtoull(p, &end, 10);
		if (end == p)
			return 0;
		if (u >= first && u - first < count && !(u >= skip_first &&
		    u - skip_first < skip_count)) {
			*uid = (uid_t)u;
			return 1;
		}
	}
	return 0;
}

/* one /proc/PID/status into buf; -1 if the process is gone */
static int
check_read_status(int procfd, const char *pid, char *buf, size_t bufsz)
{
	char	 path[NAME_MAX + 16];
	ssize_t	 n;
	int	 fd;

	(void)snprintf(path, sizeof(path), "%s/status", pid);
	if ((fd = openat(procfd, path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	n = read(fd, buf, bufsz - 1);
	(void)close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	return 0;
}

/*
 * One task's /proc/.../stat text: 1 if it never runs a user instruction
 * again, being a zombie (or dead), past the start of its exit
 * (PF_EXITING), or with SIGKILL pending; 0 if it may; -1 if the text is
 * not a stat line.  The name, field 2, may hold anything, spaces and
 * parentheses too: the fields are counted from its last ')'.
 */
int
check_stat_going(const char *stat)
{
	const char		*p;
	char			*end;
	unsigned long long	 v;
	int			 i;

	if ((p = strrchr(stat, ')')) == NULL || p[1] != ' ' || p[2] == '\0' ||
	    p[3] != ' ')
		return -1;
	if (p[2] == 'Z' || p[2] == 'X' || p[2] == 'x')
		return 1;
	for (p += 3, i = 1; i <= CHECK_STAT_SIGNAL; i++, p = end) {
		if (*p++ != ' ')
			return -1;
		if (*p == '-')		/* tpgid, priority, nice */
			p++;
		if (*p < '0' || *p > '9')
			return -1;
		v = strtoull(p, &end, 10);
		if (i == CHECK_STAT_FLAGS && (v & CHECK_PF_EXITING))
			return 1;
		if (i == CHECK_STAT_SIGNAL)	/* and more fields after */
			return *end != ' ' ? -1 : (v & CHECK_SIGKILL_BIT) != 0;
	}
	return -1;
}

/*
 * Has every thread of process pid ended, or begun to end (a process
 * whose main thread has ended runs on in the others)?  Such a process
 * can signal or trace nothing any more.  One that has gone meanwhile
 * has ended too.
 */
static int
check_proc_going(int procfd, const char *pid)
{
	struct dirent	*de;
	DIR		*d;
	char		 path[NAME_MAX + 32], buf[1024];
	ssize_t		 n;
	int		 fd, dfd, going = 1;

	(void)snprintf(path, sizeof(path), "%s/task", pid);
	if ((dfd = openat(procfd, path, O_RDONLY | O_DIRECTORY |
	    O_CLOEXEC)) == -1)
		return errno == ENOENT;
	if ((d = fdopendir(dfd)) == NULL) {
		(void)close(dfd);
		return 0;
	}
	while (going && (de = readdir(d)) != NULL) {
		if (de->d_name[0] < '1' || de->d_name[0] > '9')
			continue;
		(void)snprintf(path, sizeof(path), "%s/stat", de->d_name);
		if ((fd = openat(dirfd(d), path, O_RDONLY | O_CLOEXEC)) == -1)
			continue;	/* reaped meanwhile */
		n = read(fd, buf, sizeof(buf) - 1);
		(void)close(fd);
		if (n <= 0)
			continue;
		buf[n] = '\0';
		going = check_stat_going(buf) == 1;
	}
	(void)closedir(d);
	return going;
}

/* the process's name from its status text, escaped: anyone may set it */
static void
check_status_name(const char *status, char *dst, size_t dstsz)
{
	const char	*nl;
	size_t		 n;

	dst[0] = '\0';
	if (strncmp(status, "Name:\t", 6) != 0 ||
	    (nl = strchr(status, '\n')) == NULL)
		return;
	n = (size_t)(nl - status - 6);
	if (n > CHECK_COMM_MAX)
		n = CHECK_COMM_MAX;
	if (dstsz >= 4 * n + 1)
		(void)strvisx(dst, status + 6, n, VIS_SAFE | VIS_OCTAL);
}

int
sandbox_check_uids(const struct config *cfg, uid_t skip_first,
    uint32_t skip_count, struct sandbox_uid_user *users, size_t nusers)
{
	struct dirent	*de;
	DIR		*d;
	char		 buf[4096];
	uid_t		 uid;
	size_t		 n = 0, i;
	int		 lockfd;

	if ((d = opendir("/proc")) == NULL)
		return -1;
	lockfd = userns_lock_open(O_RDWR | O_CREAT);
	while (n < nusers && (de = readdir(d)) != NULL) {
		if (de->d_name[0] < '1' || de->d_name[0] > '9' ||
		    check_read_status(dirfd(d), de->d_name, buf,
		    sizeof(buf)) == -1 || !check_status_uid(buf,
		    cfg->cf_script_uid_first, cfg->cf_script_uid_count,
		    skip_first, skip_count, &uid))
			continue;
		for (i = 0; i < n && users[i].su_uid != uid; i++)
			;
		if (i < n)
			continue;	/* one process per uid is enough */
		/* a script of a running cgijail: its uid is held */
		if (lockfd != -1 && userns_uid_held(lockfd, uid) == 1)
			continue;
		if (check_proc_going(dirfd(d), de->d_name))
			continue;
		users[n].su_uid = uid;
		users[n].su_pid = (pid_t)strtol(de->d_name, NULL, 10);
		check_status_name(buf, users[n].su_comm,
		    sizeof(users[n].su_comm));
		n++;
	}
	(void)closedir(d);
	if (lockfd != -1)
		(void)close(lockfd);
	return (int)n;
}

static void
check_uid_range(FILE *fp, const struct config *cfg)
{
	struct sandbox_uid_user	 su;
	char			 note[160];
	unsigned		 first = cfg->cf_script_uid_first;
	unsigned		 last = first + cfg->cf_script_uid_count - 1;
	int			 r;

	if (rootless_active()) {
		snprintf(note, sizeof(note), "(rootless: every script runs as "
		    "uid %u on the host; script-uid-range is root's)",
		    (unsigned)rootless_uid());
		check_line(fp, "script uids", "unused", note);
		return;
	}
	r = sandbox_check_uids(cfg, 0, 0, &su, 1);
	if (r == 1)
		snprintf(note, sizeof(note), "%u-%u: uid %u is used by pid %d "
		    "(%s); a start would refuse", first, last,
		    (unsigned)su.su_uid, (int)su.su_pid, su.su_comm);
	else
		snprintf(note, sizeof(note), "%u-%u%s", first, last, r == 0 ?
		    " (no process uses them)" : " (/proc unreadable)");
	check_line(fp, "script uids", r == 0 ? "ok" : "WARNING", note);
}

int
sandbox_check(FILE *fp, const struct config *cfg)
{
	int	 missing = 0;

	if (rootless_active())
		missing += check_rootless_mode(fp);
	else
		check_line(fp, "mode", "root", "(started as root: a host uid "
		    "of its own for the front and for each script)");
	missing += check_namespaces(fp, cfg);
	missing += check_cgroups(fp, cfg);
	missing += check_landlock(fp, cfg);
	missing += check_seccomp(fp);
	check_x32(fp);
	missing += check_user(fp, cfg);
	check_uid_range(fp, cfg);
	fprintf(fp, "sandbox: %d required layer%s missing\n", missing,
	    missing == 1 ? "" : "s");
	if (rootless_active())
		check_rootless_terms(fp);
	(void)fflush(fp);
	return missing;
}
