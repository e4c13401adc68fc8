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

/* parent.c: 0 after a stop, 1 if the roles failed their first start */
int	parent_main(struct config *, char **argv, const char *config_text,
	    size_t config_len);
/*
 * parent_host.c, before binding (and on SIGHUP): landlock against the
 * configuration, warning of a layer turned down or off; no process in
 * script-uid-range (old: the range of the running roles, left out, or
 * NULL).  0, or -1 with the reason in err.
 */
int	parent_check_landlock(const struct config *, char *err, size_t errsz);
int	parent_check_uids(const struct config *, const struct config *old,
	    char *err, size_t errsz);
/*
 * parent_host.c, rootless mode (started by an ordinary user), before
 * binding: user namespaces allowed (else the sysctl that forbids them),
 * and what runs without (cgroups, landlock) said; no port of a listen
 * line below net.ipv4.ip_unprivileged_port_start.  Both 0 as root.
 */
int	parent_check_rootless(const struct config *, char *err,
	    size_t errsz);
int	parent_check_ports(const struct config *, char *err, size_t errsz);
void	front_main(struct config *) __attribute__((noreturn));
void	exec_main(struct config *) __attribute__((noreturn));

#endif
