/* SPDX-License-Identifier: ISC */
/*
 * static_cache.c: the front's static files kept open, by the real path
 * that named them beneath the document root (no symlink on the way): a
 * request for that exact path again needs neither the symlink walk nor an
 * open.  Every directory on the path, and the file, is watched (inotify)
 * from before the file is opened; any event empties the cache, and a hit
 * is served only after a read of the queue that came after its request
 * was received, so a change made before a request was sent is always
 * seen.  One read serves every request received before it: the front
 * reads the queue once for the hits of a turn of its loop.  Front role;
 * trusts nothing on disk.
 */
#include <sys/inotify.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>

#include <linux/magic.h>
#include <linux/openat2.h>

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "static.h"

#define STATIC_CACHE_SLOTS	256	/* direct-mapped by the path's hash */
#define STATIC_CACHE_DEPTH	32	/* components; deeper is not cached */
/* what changes a file's bytes, metadata or name, or a directory's names */
#define STATIC_CACHE_EVENTS	(IN_ATTRIB | IN_MODIFY | IN_CREATE | \
				IN_DELETE | IN_DELETE_SELF | IN_MOVE_SELF | \
				IN_MOVED_FROM | IN_MOVED_TO | IN_DONT_FOLLOW)

static struct static_cache_ent	*static_cache_slot[STATIC_CACHE_SLOTS];
static int			 static_cache_ifd = -1;
static int			 static_cache_on;
static dev_t			 static_cache_dev;
/* the front's read number when the queue was last read */
static uint64_t			 static_cache_looked;

/* file systems whose every change inotify sees (not NFS, FUSE, ...) */
static int
static_cache_local(long type)
{
	switch (type) {
	case EXT4_SUPER_MAGIC:	/* also ext2 and ext3 */
	case XFS_SUPER_MAGIC:
	case BTRFS_SUPER_MAGIC:
	case TMPFS_MAGIC:
	case F2FS_SUPER_MAGIC:
	case RAMFS_MAGIC:
		return 1;
	default:
		return 0;
	}
}

void
static_cache_init(int rootfd)
{
	struct statfs	sfs;
	struct stat	st;

	if (fstatfs(rootfd, &sfs) == -1 || fstat(rootfd, &st) == -1 ||
	    !static_cache_local((long)sfs.f_type)) {
		log_debug("static file cache off: the document root is not on "
		    "a local file system inotify watches");
		return;
	}
	if ((static_cache_ifd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC)) ==
	    -1) {
		log_warn("static file cache off: inotify_init1");
		return;
	}
	static_cache_dev = st.st_dev;
	static_cache_on = 1;
}

static uint32_t
static_cache_hash(const char *s)
{
	uint32_t	h = 2166136261u;	/* FNV-1a */

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h % STATIC_CACHE_SLOTS;
}

/* out of its slot: closed now, or by its last sender (who never maps) */
static void
static_cache_drop(struct static_cache_ent *e)
{
	static_cache_slot[static_cache_hash(e->se_path)] = NULL;
	if (e->se_map != NULL)
		munmap(e->se_map, e->se_maplen);
	e->se_map = NULL;
	if (e->se_refs > 0) {
		e->se_dead = 1;
		return;
	}
	close(e->se_fd);
	free(e);
}

/*
 * Everything goes, watches too: a new inotify instance has no watch and
 * no stale event.  Without one the cache stays off.
 */
static void
static_cache_flush(void)
{
	size_t	i;

	for (i = 0; i < STATIC_CACHE_SLOTS; i++)
		if (static_cache_slot[i] != NULL)
			static_cache_drop(static_cache_slot[i]);
	close(static_cache_ifd);
	if ((static_cache_ifd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC)) ==
	    -1) {
		log_warn("static file cache off: inotify_init1");
		static_cache_on = 0;
	}
}

int
static_cache_clear(void)
{
	size_t	i;
	int	n = 0;

	if (!static_cache_on)
		return 0;
	for (i = 0; i < STATIC_CACHE_SLOTS; i++)
		n += static_cache_slot[i] != NULL;
	static_cache_flush();
	return n;
}

/* anything queued at all (or a failed read): 1, and the cache is empty */
static int
static_cache_changed(void)
{
	char	buf[4096]
	    __attribute__((aligned(__alignof__(struct inotify_event))));
	ssize_t	n;

	n = read(static_cache_ifd, buf, sizeof(buf));
	if (n == -1 && errno == EAGAIN)
		return 0;
	static_cache_flush();
	return 1;
}

struct static_cache_ent *
static_cache_get(const char *path, uint64_t rgen, int *due)
{
	struct static_cache_ent	*e;

	*due = 0;
	if (!static_cache_on ||
	    (e = static_cache_slot[static_cache_hash(path)]) == NULL ||
	    strcmp(e->se_path, path) != 0)
		return NULL;
	if (rgen > static_cache_looked) {
		*due = 1;
		return NULL;
	}
	return e;
}

void
static_cache_look(uint64_t now)
{
	if (!static_cache_on)
		return;
	(void)static_cache_changed();
	static_cache_looked = now;
}

/* "/", "/a", "/a/b", then the file "/a/b/f" itself: -1 if one fails */
static int
static_cache_watch(const char *path)
{
	char	 pre[STATIC_CACHE_PATH];
	size_t	 len = strlen(path), i, depth = 0;
	uint32_t mask = STATIC_CACHE_EVENTS | IN_ONLYDIR;

	if (inotify_add_watch(static_cache_ifd, "/", mask) == -1)
		return -1;
	for (i = 1; i <= len; i++) {
		if (path[i] != '/' && path[i] != '\0')
			continue;
		if (++depth > STATIC_CACHE_DEPTH)
			return -1;
		memcpy(pre, path, i);
		pre[i] = '\0';
		if (path[i] == '\0')
			mask = STATIC_CACHE_EVENTS;	/* the file */
		if (inotify_add_watch(static_cache_ifd, pre, mask) == -1)
			return -1;
	}
	return 0;
}

/* the file, opened as static.c would, after its watches: -1 if not one */
static int
static_cache_open(int rootfd, const char *path, struct stat *st)
{
	struct open_how	how = { .flags = O_RDONLY | O_CLOEXEC | O_NOCTTY |
	    O_NONBLOCK, .resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS |
	    RESOLVE_NO_MAGICLINKS };
	int		fd;

	if ((fd = (int)syscall(SYS_openat2, rootfd, path + 1, &how,
	    sizeof(how))) == -1)
		return -1;
	if (fstat(fd, st) == -1 || !S_ISREG(st->st_mode) ||
	    st->st_dev != static_cache_dev) {
		close(fd);
		return -1;
	}
	return fd;
}

void
static_cache_add(int rootfd, const char *path)
{
	struct static_cache_ent	*e, **slot;
	size_t			 len = strlen(path);

	if (!static_cache_on || path[0] != '/' || len < 2 ||
	    len >= STATIC_CACHE_PATH || strstr(path, "//") != NULL ||
	    strstr(path, "/.") != NULL || path[len - 1] == '/')
		return;
	slot = &static_cache_slot[static_cache_hash(path)];
	if (*slot != NULL)
		static_cache_drop(*slot);
	if ((e = calloc(1, sizeof(*e))) == NULL)
		return;
	memcpy(e->se_path, path, len + 1);
	if (static_cache_watch(path) == -1 ||
	    (e->se_fd = static_cache_open(rootfd, path, &e->se_st)) == -1) {
		free(e);
		return;
	}
	(void)static_file_head(path, &e->se_st, e->se_head,
	    sizeof(e->se_head));
	/* only the kernel reads it (sendmsg): a file cut short is EFAULT */
	if (e->se_st.st_size > 0 && e->se_st.st_size <= STATIC_CACHE_MAP &&
	    (e->se_map = mmap(NULL, (size_t)e->se_st.st_size, PROT_READ,
	    MAP_SHARED, e->se_fd, 0)) == MAP_FAILED)
		e->se_map = NULL;
	else if (e->se_map != NULL)
		e->se_maplen = (size_t)e->se_st.st_size;
	*slot = e;
}

void
static_cache_hold(struct static_cache_ent *e)
{
	e->se_refs++;
}

void
static_cache_release(struct static_cache_ent *e)
{
	if (--e->se_refs > 0 || !e->se_dead)
		return;
	close(e->se_fd);
	free(e);
}
