/* SPDX-License-Identifier: ISC */
/*
 * caps.c: identity and capabilities.  At init (executor, root) it resolves
 * the script user and empties the bounding set (the front empties its own
 * with the same call); in the child it drops every other capability set,
 * the uid and the gids, and proves each drop by reading it back.  Trusts
 * the passwd database only at init.  Rootless, root is that of the
 * executor's own user namespace, and setgroups is the kernel's to deny.
 */
#include <sys/prctl.h>
#include <sys/syscall.h>

#include <errno.h>
#include <grp.h>
#include <linux/capability.h>
#include <linux/securebits.h>
#include <pwd.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include <sys/capability.h>

#include "sandbox_priv.h"

#define CAPS_DEFAULT_USER	"nobody"
#define CAPS_DEFAULT_GROUP	"nogroup"
/* no path back to root: uid 0 grants nothing, and the bits stay set */
#define CAPS_SECUREBITS	(SECBIT_NOROOT | SECBIT_NOROOT_LOCKED | \
	SECBIT_NO_SETUID_FIXUP | SECBIT_NO_SETUID_FIXUP_LOCKED | \
	SECBIT_KEEP_CAPS_LOCKED | SECBIT_NO_CAP_AMBIENT_RAISE | \
	SECBIT_NO_CAP_AMBIENT_RAISE_LOCKED)
/* capabilities are bits of a 64-bit set */
#define CAPS_BOUND_LAST	63

/*
 * getpwnam() needs /etc/passwd and NSS modules, so it runs here, before
 * pivot_root.  uid 0 or gid 0 would make every other layer moot.
 */
int
caps_init(struct sandbox *sb, const struct config *cfg, char *err,
    size_t errsz)
{
	const char	*name;
	struct passwd	*pw;
	struct group	*gr;

	name = cfg->cf_script_user[0] != '\0' ? cfg->cf_script_user :
	    CAPS_DEFAULT_USER;
	if ((pw = getpwnam(name)) == NULL) {
		snprintf(err, errsz, "script-user %s: no such user", name);
		return -1;
	}
	if (pw->pw_uid == 0 || pw->pw_gid == 0) {
		snprintf(err, errsz, "script-user %s: uid or gid 0 refused",
		    name);
		return -1;
	}
	sb->sb_uid = pw->pw_uid;
	sb->sb_gid = pw->pw_gid;
	if (strlcpy(sb->sb_user, pw->pw_name, sizeof(sb->sb_user)) >=
	    sizeof(sb->sb_user)) {
		snprintf(err, errsz, "script-user %s: name too long", name);
		return -1;
	}
	/* a script must never be able to signal or ptrace the front */
	if (cfg->cf_user[0] != '\0' && (pw = getpwnam(cfg->cf_user)) != NULL &&
	    pw->pw_uid == sb->sb_uid) {
		snprintf(err, errsz, "script-user %s is the front's user",
		    name);
		return -1;
	}
	gr = getgrgid(sb->sb_gid);
	(void)strlcpy(sb->sb_group, gr != NULL ? gr->gr_name :
	    CAPS_DEFAULT_GROUP, sizeof(sb->sb_group));
	/* libcap knows the running kernel's last capability */
	sb->sb_cap_last = (int)cap_max_bits() - 1;
	if (sb->sb_cap_last < CAP_SETPCAP) {
		snprintf(err, errsz, "cannot tell the last capability");
		return -1;
	}
	return 0;
}

/*
 * Empty the bounding set, which caps what any execve could ever gain:
 * every capability the running kernel knows, each drop read back.  Needs
 * CAP_SETPCAP.  The front once, and the executor at init, whose children
 * inherit the empty set (it can only shrink), which saves each spawn a
 * PR_CAPBSET_DROP per capability.  Raw syscalls, no allocation: it would
 * be safe in a child too.
 */
int
caps_bound_clear(void)
{
	int	 cap;

	for (cap = 0; cap <= CAPS_BOUND_LAST; cap++) {
		if (syscall(SYS_prctl, PR_CAPBSET_READ, cap, 0, 0, 0) == -1) {
			/* past the last capability this kernel knows */
			if (errno == EINVAL && cap > CAP_SETPCAP)
				return 0;
			return -1;
		}
		if (syscall(SYS_prctl, PR_CAPBSET_DROP, cap, 0, 0, 0) == -1)
			return -1;
		if (syscall(SYS_prctl, PR_CAPBSET_READ, cap, 0, 0, 0) != 0) {
			errno = EPERM;
			return -1;
		}
	}
	return 0;
}

/*
 * child, after setns: the user namespace gives a full bounding set again.
 * Drop each capability the kernel has (a drop that succeeds leaves it
 * out); caps_lock() then proves the first and the last are gone.  One
 * prctl per capability, where caps_bound_clear() reads each twice more.
 */
int
caps_bound_drop(int cap_last)
{
	int	 cap;

	for (cap = 0; cap <= cap_last; cap++)
		if (syscall(SYS_prctl, PR_CAPBSET_DROP, cap, 0, 0, 0) == -1)
			return -1;
	return 0;
}

/*
 * child, still root: prove the bounding set is empty, clear the ambient
 * set, and lock the securebits; the latter needs CAP_SETPCAP, which is
 * gone once the uid changes.
 */
int
caps_lock(int cap_last)
{
	if (syscall(SYS_prctl, PR_CAPBSET_READ, CAP_SYS_ADMIN, 0, 0, 0) != 0 ||
	    syscall(SYS_prctl, PR_CAPBSET_READ, cap_last, 0, 0, 0) != 0) {
		errno = EPERM;
		return -1;
	}
	if (syscall(SYS_prctl, PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0,
	    0) == -1)
		return -1;
	return (int)syscall(SYS_prctl, PR_SET_SECUREBITS, CAPS_SECUREBITS, 0,
	    0, 0);
}

/*
 * child, rootless: the kernel denies setgroups in an unprivileged user
 * namespace, so the groups cgijail was started with stay (unmapped, they
 * read as nogroup inside); proved denied, not assumed.
 */
static int
caps_groups_locked(void)
{
	if (syscall(SYS_setgroups, 0, NULL) != -1 || errno != EPERM) {
		errno = ENOTRECOVERABLE;
		return -1;
	}
	return 0;
}

/*
 * child: raw syscalls, not the glibc wrappers, whose setxid broadcast to
 * "all threads" would reach the executor we share memory with.
 */
int
caps_set_identity(uid_t uid, gid_t gid)
{
	uid_t	 ru, eu, su;
	gid_t	 rg, eg, sg;
	int	 rootless = rootless_active();

	if (rootless && caps_groups_locked() == -1)
		return -1;
	if ((!rootless && syscall(SYS_setgroups, 0, NULL) == -1) ||
	    syscall(SYS_setresgid, gid, gid, gid) == -1 ||
	    syscall(SYS_setresuid, uid, uid, uid) == -1)
		return -1;
	if (syscall(SYS_getresuid, &ru, &eu, &su) == -1 ||
	    syscall(SYS_getresgid, &rg, &eg, &sg) == -1)
		return -1;
	if (ru != uid || eu != uid || su != uid || rg != gid || eg != gid ||
	    sg != gid || (!rootless && syscall(SYS_getgroups, 0, NULL) != 0)) {
		errno = EPERM;
		return -1;
	}
	return 0;
}

/*
 * child: SECBIT_NO_SETUID_FIXUP kept the sets across the uid change, so
 * clear them here, read them back, and prove setuid(0) is refused.
 */
int
caps_clear_all(void)
{
	struct __user_cap_header_struct	 hdr;
	struct __user_cap_data_struct	 data[2];
	size_t				 i;

	memset(&hdr, 0, sizeof(hdr));
	memset(data, 0, sizeof(data));
	hdr.version = _LINUX_CAPABILITY_VERSION_3;
	if (syscall(SYS_capset, &hdr, data) == -1)
		return -1;
	memset(data, 0xff, sizeof(data));
	if (syscall(SYS_capget, &hdr, data) == -1)
		return -1;
	for (i = 0; i < 2; i++)
		if (data[i].effective != 0 || data[i].permitted != 0 ||
		    data[i].inheritable != 0) {
			errno = EPERM;
			return -1;
		}
	/* EINVAL inside the slot's user namespace: 0 is not even mapped */
	if (syscall(SYS_setuid, 0) != -1 || (errno != EPERM &&
	    errno != EINVAL)) {
		errno = ENOTRECOVERABLE;
		return -1;
	}
	return 0;
}

/*
 * child: no setuid or file-capability execve can give anything back, and
 * the script dies with the executor (parent-death signal is reset by the
 * uid change, so it is set after it).
 */
int
caps_no_new_privs(void)
{
	if (syscall(SYS_prctl, PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1)
		return -1;
	if (syscall(SYS_prctl, PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) != 1) {
		errno = EPERM;
		return -1;
	}
	return (int)syscall(SYS_prctl, PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
}
