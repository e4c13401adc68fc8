/* SPDX-License-Identifier: ISC */
/*
 * confine.h: each role's own confinement (daemon/confine.c).  Both calls
 * are fatal on any failure.
 */
#ifndef CGIJAIL_CONFINE_H
#define CGIJAIL_CONFINE_H

#include <sys/types.h>

#include "config.h"

/*
 * What the front takes from the host before its root changes: its
 * identity, and the students' trees (userdir: one descriptor per account
 * of the table, -1 for one that could not be opened; NULL without).
 */
struct confine_ident {
	uid_t	 ci_uid;
	gid_t	 ci_gid;
	int	*ci_trees;
	size_t	 ci_ntrees;
};

/*
 * front, as root, before it opens anything of the document root: its
 * identity, the students' trees, then its own mount namespace whose "/"
 * is the document root
 */
void	confine_front_root(const struct config *, struct confine_ident *);
/* front, as root after its setup: uid, no capabilities, landlock, seccomp */
void	confine_front(const struct config *, const struct confine_ident *);
/* the password verifier's drop (auth_verify.c); exits on a failed step */
void	confine_auth(const struct confine_ident *);
/* executor, after sandbox_init(): the capabilities a spawn needs, seccomp */
void	confine_executor(void);


/*
 * confine_fs.c (front only).  confine_fs_root(): as root, "/" becomes the
 * document root, read-only, in a mount namespace of the front's own.
 * confine_fs_landlock(): after no_new_privs; read-only beneath "/" and
 * beneath each of trees (those not -1), no TCP, scoped signals and
 * abstract sockets as far as the kernel's ABI goes; returns that ABI (0:
 * no landlock).  Both -1 with err on failure.
 */
int	confine_fs_root(const char *docroot, char *err, size_t errsz);
int	confine_fs_landlock(const int *trees, size_t ntrees, char *err,
	    size_t errsz);

#endif
