/* SPDX-License-Identifier: ISC */
/*
 * confine.h: each role's own confinement (daemon/confine.c).  Both calls
 * are fatal on any failure.
 */
#ifndef CGIJAIL_CONFINE_H
#define CGIJAIL_CONFINE_H

#include "config.h"

/* front, as root after its setup: chroot, uid, no capabilities, seccomp */
void	confine_front(const struct config *);
/* executor, after sandbox_init(): the capabilities a spawn needs, seccomp */
void	confine_executor(void);

#endif
