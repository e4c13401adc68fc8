/* SPDX-License-Identifier: ISC */
/*
 * limits_slot.c: one cgroup per child slot (max-scripts of them), made
 * with its limits when the executor starts and used by one request after
 * another: s<slot> in each hierarchy below "cgijail.<pid>" (limits.c).
 * Making and removing a group per request cost ~370 us of mkdir/rmdir on
 * v1's memory and pids hierarchies and left dying memory cgroups behind.
 * A slot's next child starts only after its last one was reaped, which
 * (it is its pid namespace's init) outlives every process of the
 * request; the group is checked empty all the same.  Its event counters
 * only grow: what a request hit is the difference.  A student's lower
 * limits (userdir-limits) are written into the slot before that request
 * and the configuration's back before the next one that is not theirs.
 * Executor (root); the join runs in the child before execve.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sandbox_priv.h"

/* the hierarchies a slot has a group in */
enum {
	SLOT_PIDS,	/* v1 pids, or v2 (pids and memory) */
	SLOT_MEM,	/* v1 memory */
	SLOT_NDIR
};

struct limits_slot {
	int		 ls_dir[SLOT_NDIR];	/* the group, or -1 */
	int		 ls_procs[SLOT_NDIR];	/* its cgroup.procs */
	uint64_t	 ls_pids_max;		/* forks refused so far */
	uint64_t	 ls_oom;		/* limit hits so far */
	/* the limits written in the group now (0: none; SLOT_UNKNOWN) */
	uint64_t	 ls_lim_pids;
	uint64_t	 ls_lim_mem;
};

#define SLOT_UNKNOWN	UINT64_MAX	/* a write failed: write it again */

static void
slot_name(char *buf, size_t bufsz, size_t slot)
{
	snprintf(buf, bufsz, "s%zu", slot);
}

/* mkdir s<slot> under dfd (a leftover is reused), its limits, its fds */
static int
slot_group(int dfd, size_t slot, const char *const *kv, int *dirp,
    int *procsp)
{
	char	 name[24];
	size_t	 i;

	slot_name(name, sizeof(name), slot);
	if (mkdirat(dfd, name, 0755) == -1 && errno != EEXIST)
		return -1;
	if ((*dirp = openat(dfd, name, O_RDONLY | O_DIRECTORY |
	    O_CLOEXEC)) == -1)
		return -1;
	for (i = 0; kv[i] != NULL; i += 2)
		if (kv[i + 1] != NULL &&
		    limits_write_at(*dirp, kv[i], kv[i + 1]) == -1)
			return -1;
	*procsp = openat(*dirp, "cgroup.procs", O_WRONLY | O_CLOEXEC);
	return *procsp == -1 ? -1 : 0;
}

static void
slot_fmt(char *buf, size_t bufsz, uint64_t v, const char *unlimited)
{
	if (v == 0)
		(void)strlcpy(buf, unlimited, bufsz);
	else
		snprintf(buf, bufsz, "%" PRIu64, v);
}

static int
slot_make(struct sandbox *sb, size_t slot)
{
	struct limits_slot	*ls = &sb->sb_cg_slot[slot];
	const struct config_limits *lim = &sb->sb_cfg->cf_limits;
	char			 pids[24], mem[24];
	/* v1: memsw must never be below the memory limit: set it last */
	const char *const	 v2[] = { "pids.max", pids, "memory.max", mem,
	    "memory.swap.max", sb->sb_cg_memsw ? "0" : NULL, NULL };
	const char *const	 v1mem[] = { "memory.limit_in_bytes", mem,
	    "memory.memsw.limit_in_bytes", sb->sb_cg_memsw ? mem : NULL,
	    NULL };
	const char *const	 v1pids[] = { "pids.max", pids, NULL };

	ls->ls_lim_pids = lim->lim_processes;
	ls->ls_lim_mem = lim->lim_memory_bytes;
	slot_fmt(pids, sizeof(pids), lim->lim_processes, "max");
	if (sb->sb_cg_version == 2) {
		slot_fmt(mem, sizeof(mem), lim->lim_memory_bytes, "max");
		return slot_group(sb->sb_cg2_fd, slot, v2,
		    &ls->ls_dir[SLOT_PIDS], &ls->ls_procs[SLOT_PIDS]);
	}
	slot_fmt(mem, sizeof(mem), lim->lim_memory_bytes, "-1");
	if (slot_group(sb->sb_cg_pids_fd, slot, v1pids,
	    &ls->ls_dir[SLOT_PIDS], &ls->ls_procs[SLOT_PIDS]) == -1)
		return -1;
	if (sb->sb_cg_mem_fd != -1 && slot_group(sb->sb_cg_mem_fd, slot,
	    v1mem, &ls->ls_dir[SLOT_MEM], &ls->ls_procs[SLOT_MEM]) == -1)
		return -1;
	return 0;
}

/* 0 is no limit: above every number */
static int
slot_lowers(uint64_t to, uint64_t from)
{
	return to != 0 && (from == 0 || to < from);
}

/*
 * v1 memory: memsw may never be below the limit, so lowering writes the
 * limit first, raising memsw first; when what is there is not known, the
 * other order is tried too.
 */
static int
slot_mem_v1(const struct sandbox *sb, int dir, const char *mem, int lower,
    int known)
{
	const char	*f[2] = { "memory.limit_in_bytes",
	    "memory.memsw.limit_in_bytes" };
	int		 i, k, n;

	for (n = known ? 1 : 2; n > 0; n--, lower = !lower) {
		for (i = 0; i < 2; i++) {
			k = lower ? i : 1 - i;
			if ((k == 0 || sb->sb_cg_memsw) &&
			    limits_write_at(dir, f[k], mem) == -1)
				break;
		}
		if (i == 2)
			return 0;
	}
	return -1;
}

/*
 * The request's limits in the slot's (empty) group, written only where
 * they differ from what is there: a student's may be lower
 * (userdir-limits), the next request's the configuration's again.
 */
static int
slot_relimit(const struct sandbox *sb, struct limits_slot *ls,
    const struct config_limits *lim)
{
	char	 buf[24];
	int	 v2 = sb->sb_cg_version == 2;

	if (lim->lim_processes != ls->ls_lim_pids) {
		ls->ls_lim_pids = SLOT_UNKNOWN;
		slot_fmt(buf, sizeof(buf), lim->lim_processes, "max");
		if (limits_write_at(ls->ls_dir[SLOT_PIDS], "pids.max",
		    buf) == -1)
			return -1;
		ls->ls_lim_pids = lim->lim_processes;
	}
	if (lim->lim_memory_bytes != ls->ls_lim_mem &&
	    ls->ls_dir[v2 ? SLOT_PIDS : SLOT_MEM] != -1) {
		slot_fmt(buf, sizeof(buf), lim->lim_memory_bytes,
		    v2 ? "max" : "-1");
		if (v2 ? limits_write_at(ls->ls_dir[SLOT_PIDS], "memory.max",
		    buf) == -1 : slot_mem_v1(sb, ls->ls_dir[SLOT_MEM], buf,
		    slot_lowers(lim->lim_memory_bytes, ls->ls_lim_mem),
		    ls->ls_lim_mem != SLOT_UNKNOWN) == -1) {
			ls->ls_lim_mem = SLOT_UNKNOWN;
			return -1;
		}
		ls->ls_lim_mem = lim->lim_memory_bytes;
	}
	return 0;
}

/* a counter: "max N" of pids.events, "oom N" of memory.events, ... */
static uint64_t
slot_counter(int dir, const char *file, const char *key)
{
	char	 buf[512];

	if (dir == -1 || limits_read_at(dir, file, buf, sizeof(buf)) <= 0)
		return 0;
	return limits_key_value(buf, key);
}

static uint64_t
slot_oom(const struct sandbox *sb, const struct limits_slot *ls)
{
	if (sb->sb_cg_version == 2)
		return slot_counter(ls->ls_dir[SLOT_PIDS], "memory.events",
		    "oom");
	/*
	 * v1: the OOM kills themselves.  memory.failcnt stays 0 when the
	 * memsw limit is what was hit, as it is with swap accounted.
	 */
	return slot_counter(ls->ls_dir[SLOT_MEM], "memory.oom_control",
	    "oom_kill");
}

static uint64_t
slot_pids_max(const struct limits_slot *ls)
{
	return slot_counter(ls->ls_dir[SLOT_PIDS], "pids.events", "max");
}

/* at start, after limits_cgroup_init(): nslots groups, or none (off) */
int
limits_slots_init(struct sandbox *sb, size_t nslots, char *err,
    size_t errsz)
{
	struct limits_slot	*ls;
	size_t			 i, j;

	sb->sb_cg_slot = NULL;
	sb->sb_cg_nslots = 0;
	if (sb->sb_cg_version == 0)
		return 0;
	if ((sb->sb_cg_slot = calloc(nslots, sizeof(*ls))) == NULL) {
		snprintf(err, errsz, "cgroup slots: %s", strerror(errno));
		return -1;
	}
	for (i = 0; i < nslots; i++) {
		ls = &sb->sb_cg_slot[i];
		for (j = 0; j < SLOT_NDIR; j++)
			ls->ls_dir[j] = ls->ls_procs[j] = -1;
		sb->sb_cg_nslots = i + 1;
		if (slot_make(sb, i) == -1) {
			snprintf(err, errsz, "cgroup s%zu of %s: %s", i,
			    sb->sb_cg_name, strerror(errno));
			return -1;
		}
		ls->ls_pids_max = slot_pids_max(ls);
		ls->ls_oom = slot_oom(sb, ls);
	}
	return 0;
}

/* the fds only: limits.c's fini removes every s<slot> with our group */
void
limits_slots_fini(struct sandbox *sb)
{
	size_t	 i, j;

	for (i = 0; i < sb->sb_cg_nslots; i++)
		for (j = 0; j < SLOT_NDIR; j++) {
			if (sb->sb_cg_slot[i].ls_dir[j] != -1)
				(void)close(sb->sb_cg_slot[i].ls_dir[j]);
			if (sb->sb_cg_slot[i].ls_procs[j] != -1)
				(void)close(sb->sb_cg_slot[i].ls_procs[j]);
		}
	free(sb->sb_cg_slot);
	sb->sb_cg_slot = NULL;
	sb->sb_cg_nslots = 0;
}

/*
 * Parent, per request: the slot's cgroup.procs fds for the child to join
 * (they stay the slot's: never closed per request), its group set to lim
 * (NULL: the configuration's).  A group that still holds a process is
 * never shared: EBUSY.
 */
int
limits_cgroup_create(struct sandbox *sb, const struct config_limits *lim,
    struct sandbox_child *ch, size_t slot, int procfds[LIMITS_CG_FDS])
{
	struct limits_slot	*ls;
	char			 buf[32];
	int			 i;

	for (i = 0; i < LIMITS_CG_FDS; i++)
		procfds[i] = -1;
	ch->sch_cg_slot = -1;
	if (sb->sb_cg_version == 0)
		return 0;
	if (slot >= sb->sb_cg_nslots) {
		errno = EINVAL;
		return -1;
	}
	ls = &sb->sb_cg_slot[slot];
	if (limits_read_at(ls->ls_dir[SLOT_PIDS], "pids.current", buf,
	    sizeof(buf)) <= 0 || strtoull(buf, NULL, 10) != 0) {
		errno = EBUSY;
		return -1;
	}
	if (slot_relimit(sb, ls, lim != NULL ? lim : &sb->sb_cfg->cf_limits)
	    == -1)
		return -1;
	procfds[0] = ls->ls_procs[SLOT_PIDS];
	procfds[1] = ls->ls_procs[SLOT_MEM];
	/* cpu: one group for all scripts, weighed against the daemon */
	procfds[2] = sb->sb_cg_cpu_procs_fd;
	ch->sch_cg_slot = (int)slot;
	return 0;
}

/* each slot's descriptors, to be moved (spawn.c: spawn_fds_aside()) */
void
limits_slots_fds(struct sandbox *sb, void (*move)(int *))
{
	size_t	 i;
	int	 j;

	for (i = 0; i < sb->sb_cg_nslots; i++)
		for (j = 0; j < SLOT_NDIR; j++) {
			move(&sb->sb_cg_slot[i].ls_dir[j]);
			move(&sb->sb_cg_slot[i].ls_procs[j]);
		}
}

/* child, still root: "0" moves the writer itself */
int
limits_cgroup_join(const int procfds[LIMITS_CG_FDS])
{
	int	 i;

	for (i = 0; i < LIMITS_CG_FDS; i++)
		if (procfds[i] != -1 && write(procfds[i], "0", 1) != 1)
			return -1;
	return 0;
}

/* after the reap: what the request hit (SBX_DONE_*), the slot free */
uint32_t
limits_cgroup_release(struct sandbox *sb, struct sandbox_child *ch)
{
	struct limits_slot	*ls;
	uint64_t		 n;
	uint32_t		 flags = 0;

	if (ch->sch_cg_slot < 0 || (size_t)ch->sch_cg_slot >=
	    sb->sb_cg_nslots)
		return 0;
	ls = &sb->sb_cg_slot[ch->sch_cg_slot];
	ch->sch_cg_slot = -1;
	if ((n = slot_oom(sb, ls)) > ls->ls_oom)
		flags |= SBX_DONE_OOM;
	ls->ls_oom = n;
	if ((n = slot_pids_max(ls)) > ls->ls_pids_max)
		flags |= SBX_DONE_PIDS;
	ls->ls_pids_max = n;
	return flags;
}
