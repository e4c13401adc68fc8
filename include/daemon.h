/* SPDX-License-Identifier: ISC */
/*
 * daemon.h: entry points of the three roles and the few things they share.
 */
#ifndef CGIJAIL_DAEMON_H
#define CGIJAIL_DAEMON_H

#include <stddef.h>

#include "config.h"

/* front and executor give up after this long when asked to stop */
#define DAEMON_GRACE_MS		3000

int	parent_main(struct config *, char **argv, const char *config_text,
	    size_t config_len);
void	front_main(struct config *) __attribute__((noreturn));
void	exec_main(struct config *) __attribute__((noreturn));

#endif
