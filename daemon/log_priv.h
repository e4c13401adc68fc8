/* SPDX-License-Identifier: ISC */
/*
 * log_priv.h: what log.c and log_syslog.c share: a syslog destination.
 * Parent role only (the other roles send their lines to the parent).
 */
#ifndef CGIJAIL_LOG_PRIV_H
#define CGIJAIL_LOG_PRIV_H

#include <sys/un.h>

struct log_syslog {
	int		ls_fd;		/* connected datagram socket, or -1 */
	char		ls_path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	unsigned long	ls_dropped;
	long		ls_pause_until;	/* CLOCK_MONOTONIC s: drop, not wait */
};

/* path "" is /dev/log; -1 only for a path too long for a socket */
int	log_syslog_open(struct log_syslog *, const char *path);
int	log_syslog_connect(struct log_syslog *);
void	log_syslog_close(struct log_syslog *);
/* one line as "<PRI>Mmm dd hh:mm:ss cgijail-ROLE[PID]: text" */
void	log_syslog_send(struct log_syslog *, int pri, const char *role,
	    long pid, const char *text);

#endif
