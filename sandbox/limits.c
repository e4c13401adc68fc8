/* SPDX-License-Identifier: ISC */
/*
 * limits.c: resource limits.  cgroups (v2, or the v1 pids/memory/cpu
 * hierarchies) contain each request as a whole: our group "cgijail.<pid>"
 * is made here, its slot groups in limits_slot.c; rlimits bound each
 * process and are the backstop where no cgroup exists.  Runs in the
 * executor (root); the setrlimit half runs in the child before execve.
 * Rootless, a cgroup is used only where one is delegated to the user.
 */
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/magic.h>

#include "sandbox_priv.h"

#define LIMITS_CG_MNT		"/sys/fs/cgroup"
#define LIMITS_CG_UNIFIED	"/sys/fs/cgroup/unified"
/*
 * RLIMIT_NPROC counts every process of the script's host uid, which is
 * its request's alone (userns.c): the limit is exactly `limit processes`,
 * as the pids cgroup's; the pid namespace contains the rest.
 */
#define LIMITS_LEAF_ROUNDS	5

static int
limits_is_fs(const char *path, unsigned long magic)
{
	struct statfs	 sf;

	return statfs(path, &sf) == 0 && (unsigned long)sf.f_type == magic;
}

/* is word in buf, delimited by blanks or commas ("cpu,cpuacct")? */
static int
limits_has_word(const char *buf, const char *word)
{
	static const char	 delim[] = " ,\n";
	size_t			 n = strlen(word);
	const char		*p;

	for (p = buf; (p = strstr(p, word)) != NULL; p += n)
		if ((p == buf || strchr(delim, p[-1]) != NULL) &&
		    (p[n] == '\0' || strchr(delim, p[n]) != NULL))
			return 1;
	return 0;
}

ssize_t
limits_read_at(int dfd, const char *path, char *buf, size_t bufsz)
{
	ssize_t	 n;
	int	 fd;

	if ((fd = openat(dfd, path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	n = read(fd, buf, bufsz - 1);
	(void)close(fd);
	buf[n < 0 ? 0 : n] = '\0';
	return n;
}

int
limits_write_at(int dfd, const char *path, const char *val)
{
	size_t	 len = strlen(val);
	ssize_t	 n;
	int	 fd;

	if ((fd = openat(dfd, path, O_WRONLY | O_CLOEXEC)) == -1)
		return -1;
	n = write(fd, val, len);
	if (close(fd) == -1 || n != (ssize_t)len)
		return -1;
	return 0;
}

/* the value after "key " in a flat-keyed file such as pids.events */
uint64_t
limits_key_value(const char *buf, const char *key)
{
	size_t		 n = strlen(key);
	const char	*p;

	for (p = buf; p != NULL && *p != '\0'; p = strchr(p, '\n')) {
		if (*p == '\n')
			p++;
		if (strncmp(p, key, n) == 0 && p[n] == ' ')
			return strtoull(p + n + 1, NULL, 10);
	}
	return 0;
}

/*
 * Our own group in a hierarchy, from /proc/self/cgroup: "ID:CTLS:PATH",
 * ctl NULL for the v2 line "0::PATH".  Groups are made below our own so
 * any limit the operator set on cgijail still applies to its scripts.
 */
static int
limits_own_path(const char *ctl, char *path, size_t pathsz)
{
	char	 line[PATH_MAX + 128], *ctls, *p;
	FILE	*fp;
	int	 found = -1;

	if ((fp = fopen("/proc/self/cgroup", "re")) == NULL)
		return -1;
	while (found == -1 && fgets(line, sizeof(line), fp) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		if ((ctls = strchr(line, ':')) == NULL ||
		    (p = strchr(++ctls, ':')) == NULL)
			continue;
		*p++ = '\0';
		if (ctl == NULL ? *ctls != '\0' || strncmp(line, "0:", 2) :
		    !limits_has_word(ctls, ctl))
			continue;
		if (strcmp(p, "/") == 0)
			p = "";
		found = strlcpy(path, p, pathsz) < pathsz ? 0 : -1;
	}
	(void)fclose(fp);
	return found;
}

/* where v2 lives: pure (/sys/fs/cgroup) or hybrid (.../unified) */
static const char *
limits_v2_mount(void)
{
	if (limits_is_fs(LIMITS_CG_MNT, CGROUP2_SUPER_MAGIC))
		return LIMITS_CG_MNT;
	if (limits_is_fs(LIMITS_CG_UNIFIED, CGROUP2_SUPER_MAGIC))
		return LIMITS_CG_UNIFIED;
	return NULL;
}

/* "/sys/fs/cgroup/<ctl><own path>", for v1 (ctl) or v2 (ctl NULL) */
static int
limits_own_dir(const char *ctl, char *dir, size_t dirsz)
{
	char		 own[PATH_MAX];
	const char	*mnt = NULL;

	if (ctl == NULL && (mnt = limits_v2_mount()) == NULL)
		return -1;
	if (limits_own_path(ctl, own, sizeof(own)) == -1)
		return -1;
	if (ctl == NULL)
		return (size_t)snprintf(dir, dirsz, "%s%s", mnt, own) <
		    dirsz ? 0 : -1;
	if ((size_t)snprintf(dir, dirsz, "%s/%s", LIMITS_CG_MNT, ctl) >=
	    dirsz || !limits_is_fs(dir, CGROUP_SUPER_MAGIC))
		return -1;
	return strlcat(dir, own, dirsz) < dirsz ? 0 : -1;
}

void
limits_cgroup_probe(struct limits_cg_probe *p)
{
	char	 dir[PATH_MAX], buf[512];
	int	 fd;

	memset(p, 0, sizeof(*p));
	if (limits_own_dir(NULL, dir, sizeof(dir)) == 0 &&
	    (fd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC)) != -1) {
		if (limits_read_at(fd, "cgroup.controllers", buf,
		    sizeof(buf)) > 0) {
			p->lcp_pids = limits_has_word(buf, "pids");
			p->lcp_memory = limits_has_word(buf, "memory");
			p->lcp_cpu = limits_has_word(buf, "cpu");
		}
		(void)close(fd);
		if (p->lcp_pids && p->lcp_memory) {
			p->lcp_version = 2;
			return;
		}
	}
	p->lcp_pids = limits_own_dir("pids", dir, sizeof(dir)) == 0;
	p->lcp_memory = limits_own_dir("memory", dir, sizeof(dir)) == 0;
	p->lcp_cpu = limits_own_dir("cpu", dir, sizeof(dir)) == 0;
	p->lcp_version = p->lcp_pids || p->lcp_memory ? 1 : 0;
}

/* may we make groups below dir and move processes into them? */
static int
limits_writable(const char *dir, const char *const *files)
{
	char	 path[PATH_MAX];
	size_t	 i;

	if (access(dir, W_OK | X_OK) == -1)
		return 0;
	for (i = 0; files[i] != NULL; i++)
		if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir,
		    files[i]) >= sizeof(path) || access(path, W_OK) == -1)
			return 0;
	return 1;
}

/*
 * Rootless: a cgroup is ours to divide only where it was delegated to
 * our uid (its directory and the files that move processes writable, as
 * systemd's Delegate= or an administrator's chown leaves them): v2 with
 * pids and memory, else v1's pids group.  1: delegated, 0: not writable,
 * -1: no pids controller at all; where says which group, or why.
 */
int
limits_cgroup_delegated(char *where, size_t wheresz)
{
	static const char *const v2[] = { "cgroup.procs",
	    "cgroup.subtree_control", NULL };
	static const char *const v1[] = { "cgroup.procs", NULL };
	struct limits_cg_probe	 p;
	char			 dir[PATH_MAX];
	int			 ok;

	limits_cgroup_probe(&p);
	if (p.lcp_version == 2 && limits_own_dir(NULL, dir, sizeof(dir)) == 0)
		ok = limits_writable(dir, v2);
	else if (p.lcp_pids && limits_own_dir("pids", dir, sizeof(dir)) == 0)
		ok = limits_writable(dir, v1);
	else {
		(void)strlcpy(where, "no pids controller", wheresz);
		return -1;
	}
	(void)snprintf(where, wheresz, "%s (v%d)", dir, p.lcp_version);
	return ok;
}

/* rmdir the slot groups (and an older version's r<reqid>) below dfd */
static void
limits_rmdir_children(int dfd)
{
	struct dirent	*de;
	DIR		*d;
	int		 fd;

	if ((fd = openat(dfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return;
	if ((d = fdopendir(fd)) == NULL) {
		(void)close(fd);
		return;
	}
	while ((de = readdir(d)) != NULL)
		if (de->d_type == DT_DIR && (de->d_name[0] == 's' ||
		    de->d_name[0] == 'r'))
			(void)unlinkat(dfd, de->d_name, AT_REMOVEDIR);
	(void)closedir(d);
}

/*
 * An executor that was killed never removed its groups: remove those of
 * "cgijail.<pid>" whose pid is gone (rmdir refuses any still in use).
 */
static void
limits_gc(int dfd)
{
	struct dirent	*de;
	const char	*errstr;
	DIR		*d;
	long long	 pid;
	int		 fd, gfd;

	if ((fd = openat(dfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return;
	if ((d = fdopendir(fd)) == NULL) {
		(void)close(fd);
		return;
	}
	while ((de = readdir(d)) != NULL) {
		if (strncmp(de->d_name, "cgijail.", 8) != 0)
			continue;
		pid = strtonum(de->d_name + 8, 1, INT_MAX, &errstr);
		if (errstr != NULL || pid == getpid() ||
		    kill((pid_t)pid, 0) == 0 || errno != ESRCH)
			continue;
		if ((gfd = openat(dfd, de->d_name, O_PATH | O_DIRECTORY |
		    O_CLOEXEC)) == -1)
			continue;
		limits_rmdir_children(gfd);
		(void)close(gfd);
		(void)unlinkat(dfd, de->d_name, AT_REMOVEDIR);
	}
	(void)closedir(d);
}

/* mkdir our parent group in dir and open it (kept across pivot_root) */
static int
limits_make_group(const char *dir, const char *name)
{
	int	 dfd, fd = -1;

	if ((dfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC)) == -1)
		return -1;
	limits_gc(dfd);
	if (mkdirat(dfd, name, 0755) == 0 || errno == EEXIST)
		fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	(void)close(dfd);
	return fd;
}

static int
limits_v1_group(struct sandbox *sb, const char *ctl)
{
	char	 dir[PATH_MAX];

	if (limits_own_dir(ctl, dir, sizeof(dir)) == -1)
		return -1;
	return limits_make_group(dir, sb->sb_cg_name);
}

/*
 * v2's no-internal-processes rule: our group may hand pids and memory to
 * child groups only while no process lives in it.  A systemd service or
 * a login session is such a group, full of processes (ours, and in a
 * session a shell): they all move to a leaf, LIMITS_CG_LEAF, first, as
 * container runtimes do.  New processes may appear meanwhile: a few
 * rounds.  0, or -1 with errno.
 */
int
limits_v2_leaf(int gfd)
{
	char	 buf[8192], *p, *nl;
	ssize_t	 n;
	int	 leaf, round, moved;

	for (round = 0; round < LIMITS_LEAF_ROUNDS; round++) {
		if ((n = limits_read_at(gfd, "cgroup.procs", buf,
		    sizeof(buf))) == -1)
			return -1;
		if (n == 0)
			return 0;
		if (mkdirat(gfd, LIMITS_CG_LEAF, 0755) == -1 &&
		    errno != EEXIST)
			return -1;
		if ((leaf = openat(gfd, LIMITS_CG_LEAF "/cgroup.procs",
		    O_WRONLY | O_CLOEXEC)) == -1)
			return -1;
		moved = 0;
		for (p = buf; (nl = strchr(p, '\n')) != NULL; p = nl + 1) {
			/* one pid per write; one that exited is gone */
			if (write(leaf, p, (size_t)(nl - p)) == -1 &&
			    errno != ESRCH) {
				(void)close(leaf);
				return -1;
			}
			moved++;
		}
		(void)close(leaf);
		if (moved == 0)
			return 0;
	}
	errno = EBUSY;
	return -1;
}

/* v2: our group per daemon below our own, handing pids and memory down */
static int
limits_v2_init(struct sandbox *sb, char *err, size_t errsz)
{
	char	 dir[PATH_MAX], buf[512];
	int	 fd;

	if (limits_own_dir(NULL, dir, sizeof(dir)) == -1 ||
	    (fd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC)) == -1) {
		snprintf(err, errsz, "cgroup v2: our group: %s",
		    strerror(errno));
		return -1;
	}
	if (limits_read_at(fd, "cgroup.subtree_control", buf, sizeof(buf)) ==
	    -1 || ((!limits_has_word(buf, "pids") ||
	    !limits_has_word(buf, "memory")) && (limits_v2_leaf(fd) == -1 ||
	    limits_write_at(fd, "cgroup.subtree_control", "+pids +memory") ==
	    -1))) {
		snprintf(err, errsz, "cgroup v2: handing pids and memory "
		    "down from %s: %s", dir, strerror(errno));
		(void)close(fd);
		return -1;
	}
	(void)close(fd);
	if ((sb->sb_cg2_fd = limits_make_group(dir, sb->sb_cg_name)) == -1 ||
	    limits_write_at(sb->sb_cg2_fd, "cgroup.subtree_control",
	    "+pids +memory") == -1) {
		snprintf(err, errsz, "cgroup v2: %s/%s: %s", dir,
		    sb->sb_cg_name, strerror(errno));
		limits_cgroup_fini(sb);
		return -1;
	}
	sb->sb_cg_memsw = faccessat(sb->sb_cg2_fd, "memory.swap.max", F_OK,
	    0) == 0;
	return 0;
}

int
limits_cgroup_init(struct sandbox *sb, char *err, size_t errsz)
{
	struct limits_cg_probe	 p;
	char			 name[PATH_MAX + 8];

	sb->sb_cg_version = 0;
	sb->sb_cg_pids_fd = sb->sb_cg_mem_fd = sb->sb_cg_cpu_fd = -1;
	sb->sb_cg2_fd = sb->sb_cg_cpu_procs_fd = -1;
	if ((size_t)snprintf(sb->sb_cg_name, sizeof(sb->sb_cg_name),
	    "cgijail.%ld", (long)getpid()) >= sizeof(sb->sb_cg_name)) {
		snprintf(err, errsz, "cgroup name too long");
		return -1;
	}
	if (!sb->sb_cfg->cf_cgroup)
		return 0;
	/* rootless: none but a delegated one (the start said which) */
	if (rootless_active() && limits_cgroup_delegated(name,
	    sizeof(name)) != 1)
		return 0;
	limits_cgroup_probe(&p);
	if (p.lcp_version == 2) {
		if (limits_v2_init(sb, err, errsz) == -1)
			return -1;
		sb->sb_cg_version = 2;
		return 0;
	}
	sb->sb_cg_pids_fd = limits_v1_group(sb, "pids");
	sb->sb_cg_mem_fd = limits_v1_group(sb, "memory");
	sb->sb_cg_cpu_fd = limits_v1_group(sb, "cpu");
	if (sb->sb_cg_cpu_fd != -1)
		sb->sb_cg_cpu_procs_fd = openat(sb->sb_cg_cpu_fd,
		    "cgroup.procs", O_WRONLY | O_CLOEXEC);
	if (sb->sb_cg_mem_fd != -1)
		sb->sb_cg_memsw = faccessat(sb->sb_cg_mem_fd,
		    "memory.memsw.limit_in_bytes", F_OK, 0) == 0;
	/* a fork bomb must stay in its request: no pids controller, no start */
	if (sb->sb_cg_pids_fd == -1) {
		snprintf(err, errsz, "no usable pids cgroup controller (v1 or "
		    "v2): one request's processes could not be counted apart; "
		    "`cgroup off` runs without (RLIMIT_NPROC and the pid "
		    "namespace only)");
		limits_cgroup_fini(sb);
		return -1;
	}
	sb->sb_cg_version = 1;
	return 0;
}

/* rmdir every slot group, then the group itself */
static void
limits_group_remove(int *fdp, const char *name)
{
	int	 up;

	if (*fdp == -1)
		return;
	limits_rmdir_children(*fdp);
	/* /sys is not in the jail: reach our parent through the fd */
	if ((up = openat(*fdp, "..", O_PATH | O_DIRECTORY | O_CLOEXEC)) !=
	    -1) {
		(void)unlinkat(up, name, AT_REMOVEDIR);
		(void)close(up);
	}
	(void)close(*fdp);
	*fdp = -1;
}

void
limits_cgroup_fini(struct sandbox *sb)
{
	if (sb->sb_cg_cpu_procs_fd != -1)
		(void)close(sb->sb_cg_cpu_procs_fd);
	sb->sb_cg_cpu_procs_fd = -1;
	limits_group_remove(&sb->sb_cg_pids_fd, sb->sb_cg_name);
	limits_group_remove(&sb->sb_cg_mem_fd, sb->sb_cg_name);
	limits_group_remove(&sb->sb_cg_cpu_fd, sb->sb_cg_name);
	limits_group_remove(&sb->sb_cg2_fd, sb->sb_cg_name);
	sb->sb_cg_version = 0;
}

/* clamp to the hard limit we hold: CAP_SYS_RESOURCE may be absent */
static void
limits_rl_add(struct sandbox_rlimits *sl, int resource, rlim_t cur,
    rlim_t max)
{
	struct sandbox_rlimit	*sr;
	struct rlimit		 now;

	if (sl->sl_n >= SANDBOX_RLIMIT_MAX || getrlimit(resource, &now) == -1)
		return;
	if (now.rlim_max != RLIM_INFINITY && max > now.rlim_max)
		max = now.rlim_max;
	if (cur > max)
		cur = max;
	sr = &sl->sl_rlim[sl->sl_n++];
	sr->sr_resource = resource;
	sr->sr_lim.rlim_cur = cur;
	sr->sr_lim.rlim_max = max;
}

/*
 * lim as rlimits and /tmp's options, precomputed for the child.  0 in
 * the configuration means "not limited here"; nproc is RLIMIT_NPROC's
 * (a student's scripts share one uid: its processes times its scripts).
 */
int
limits_rlimit_set(struct sandbox_rlimits *sl, const struct config_limits *lim,
    uint64_t nproc, char *err, size_t errsz)
{
	sl->sl_n = 0;
	/* soft then hard: SIGXCPU first, SIGKILL a second later */
	if (lim->lim_cpu_sec > 0)
		limits_rl_add(sl, RLIMIT_CPU, lim->lim_cpu_sec,
		    lim->lim_cpu_sec + 1);
	if (lim->lim_memory_bytes > 0)
		limits_rl_add(sl, RLIMIT_AS, lim->lim_memory_bytes,
		    lim->lim_memory_bytes);
	if (nproc > 0) {
		nproc = nproc > UINT32_MAX ? UINT32_MAX : nproc;
		limits_rl_add(sl, RLIMIT_NPROC, nproc, nproc);
	}
	if (lim->lim_file_size_bytes > 0)
		limits_rl_add(sl, RLIMIT_FSIZE, lim->lim_file_size_bytes,
		    lim->lim_file_size_bytes);
	if (lim->lim_open_files > 0)
		limits_rl_add(sl, RLIMIT_NOFILE, lim->lim_open_files,
		    lim->lim_open_files);
	limits_rl_add(sl, RLIMIT_CORE, 0, 0);
	limits_rl_add(sl, RLIMIT_MEMLOCK, 0, 0);
	limits_rl_add(sl, RLIMIT_MSGQUEUE, 0, 0);
	if ((size_t)snprintf(sl->sl_tmp_opts, sizeof(sl->sl_tmp_opts),
	    "size=%" PRIu64 ",nr_inodes=%" PRIu64 ",mode=1777",
	    lim->lim_tmp_bytes > 0 ? lim->lim_tmp_bytes : 16 << 20,
	    lim->lim_tmp_bytes / 4096 > 1024 ? lim->lim_tmp_bytes / 4096 :
	    1024) >= sizeof(sl->sl_tmp_opts)) {
		snprintf(err, errsz, "tmpfs options too long");
		return -1;
	}
	return 0;
}

int
limits_rlimit_init(struct sandbox *sb, const struct config_limits *lim,
    char *err, size_t errsz)
{
	return limits_rlimit_set(&sb->sb_rl, lim, lim->lim_processes, err,
	    errsz);
}

/* child, before the uid changes */
int
limits_rlimit_apply(const struct sandbox_rlimits *sl)
{
	size_t	 i;

	for (i = 0; i < sl->sl_n; i++)
		if (syscall(SYS_prlimit64, 0, sl->sl_rlim[i].sr_resource,
		    &sl->sl_rlim[i].sr_lim, NULL) == -1)
			return -1;
	return 0;
}

/*
 * --check: the daemon's own cgroup set-up, really made: our group, one
 * slot group with its limits, then both removed.  In a child, so the
 * caller keeps its cgroup file descriptors clean; on v2 the child moves
 * its group's processes to the leaf as a start would.  0, or -1 with
 * the reason in err.
 */
int
limits_cgroup_try(const struct config *cfg, char *err, size_t errsz)
{
	struct sandbox		 sb;
	struct sandbox_child	 ch;
	int			 fds[LIMITS_CG_FDS], pfd[2], st;
	ssize_t			 n;
	pid_t			 pid;

	if (pipe2(pfd, O_CLOEXEC) == -1 || (pid = fork()) == -1) {
		snprintf(err, errsz, "%s", strerror(errno));
		return -1;
	}
	if (pid == 0) {
		(void)close(pfd[0]);
		memset(&sb, 0, sizeof(sb));
		memset(&ch, 0, sizeof(ch));
		sb.sb_cfg = cfg;
		ch.sch_reqid = 1;
		err[0] = '\0';
		if (limits_cgroup_init(&sb, err, errsz) == 0 &&
		    limits_slots_init(&sb, 1, err, errsz) == 0 &&
		    limits_cgroup_create(&sb, NULL, &ch, 0, fds) == -1)
			snprintf(err, errsz, "a request group: %s",
			    strerror(errno));
		else if (err[0] == '\0')
			(void)limits_cgroup_release(&sb, &ch);
		limits_slots_fini(&sb);
		limits_cgroup_fini(&sb);
		if (write(pfd[1], err, strlen(err)) == -1)
			_exit(2);
		_exit(err[0] == '\0' ? 0 : 1);
	}
	(void)close(pfd[1]);
	n = read(pfd[0], err, errsz - 1);
	err[n > 0 ? n : 0] = '\0';
	(void)close(pfd[0]);
	while (waitpid(pid, &st, 0) == -1 && errno == EINTR)
		;
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1;
}
