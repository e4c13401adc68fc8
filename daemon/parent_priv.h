/* SPDX-License-Identifier: ISC */
/*
 * parent_priv.h: what parent.c shares with its helpers, parent_listen.c
 * (where the listening sockets come from) and parent_notify.c (telling
 * systemd how the service is doing).  Parent role only.
 */
#ifndef CGIJAIL_PARENT_PRIV_H
#define CGIJAIL_PARENT_PRIV_H

#include <stddef.h>

#include "config.h"

#define PARENT_LISTEN_MAX	(2 * CONFIG_LISTEN_MAX)

/* the listening sockets the front gets, in this order */
struct parent_listen {
	int		pl_fd[PARENT_LISTEN_MAX];
	size_t		pl_n;
};

/*
 * parent_listen.c: a socket per address of each listen line.  0, or -1
 * with a one-line reason in err (nothing is left open).
 */
int	parent_listen_open(const struct config *, struct parent_listen *,
	    char *err, size_t errsz);
void	parent_listen_close(struct parent_listen *);

#endif
