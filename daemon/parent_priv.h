/* SPDX-License-Identifier: ISC */
/*
 * parent_priv.h: what parent.c shares with its helpers: parent_listen.c
 * (where the listening sockets come from), parent_notify.c (telling
 * systemd how the service is doing), parent_host.c and parent_metrics.c
 * (the metrics listener, the parent's counters).  Parent role only.
 */
#ifndef CGIJAIL_PARENT_PRIV_H
#define CGIJAIL_PARENT_PRIV_H

#include <netinet/in.h>

#include <stddef.h>

#include "config.h"
#include "msg.h"

#define PARENT_LISTEN_MAX	(2 * CONFIG_LISTEN_MAX)
/* fds we hand to children are parked above this before re-exec */
#define PARENT_FD_PARK		64
/* a LISTEN_FDNAMES name as a log line shows it (escaped, shortened) */
#define PARENT_FDNAME_MAX	64

/* the listening sockets the front gets, in this order */
struct parent_listen {
	int		pl_fd[PARENT_LISTEN_MAX];
	size_t		pl_n;
	/* passed by systemd (socket activation), not bound by cgijail */
	int		pl_systemd;
	/* the listen line a socket is for (cf_listen), -1: none given */
	int		pl_line[PARENT_LISTEN_MAX];
	/* that line's tls, proxy-protocol (CONFIG_LISTEN_*); 0: plain */
	unsigned	pl_opts[PARENT_LISTEN_MAX];
	/* its address as bound, its fd from systemd and that fd's name */
	char		pl_host[PARENT_LISTEN_MAX][INET6_ADDRSTRLEN];
	char		pl_port[PARENT_LISTEN_MAX][8];
	int		pl_sd_fd[PARENT_LISTEN_MAX];
	char		pl_sd_name[PARENT_LISTEN_MAX][PARENT_FDNAME_MAX];
};

/*
 * parent_listen.c.  First thing in main(), before any file is opened:
 * the sockets systemd passed (LISTEN_PID is this process) are checked,
 * each must be a listening TCP socket, and moved out of the way; the
 * variables are removed from the environment.  0, or -1 with the
 * reason in err: the start is refused.
 */
int	parent_listen_adopt(char *err, size_t errsz);
/*
 * The listening sockets: systemd's, each matched to its listen line,
 * else one bound per address of each listen line.  0, or -1 with a
 * one-line reason in err (nothing is left open).
 */
int	parent_listen_open(const struct config *, struct parent_listen *,
	    char *err, size_t errsz);
void	parent_listen_close(struct parent_listen *);

/*
 * parent_notify.c: sd_notify(3)'s protocol.  parent_notify_init() takes
 * NOTIFY_SOCKET from the environment (a role never sees it);
 * parent_notify() sends one state ("READY=1", ...), never blocking.
 */
void	parent_notify_init(void);
void	parent_notify(const char *, ...)
	    __attribute__((format(printf, 1, 2)));
void	parent_notify_reloading(void);

/* parent_metrics.c: the metrics listener and the parent's counters */
struct parent_metrics {
	int			 pm_fd;		/* the listener; -1: none */
	char			 pm_addr[64];	/* as bound ("" = none) */
	char			 pm_port[8];
	int			 pm_nonloopback;
	struct msg_metrics_parent pm_counts;
};
/* the start time; the listener if configured: 0, or -1 and FILE:LINE */
int	parent_metrics_open(const struct config *,
	    const struct parent_listen *, struct parent_metrics *,
	    char *err, size_t errsz);
void	parent_metrics_close(struct parent_metrics *);
/* SIGHUP: 0, or -1 (FILE:LINE in err) when ncfg would move the listener */
int	parent_metrics_reload_check(const struct parent_metrics *,
	    const struct config *ncfg, char *err, size_t errsz);
void	parent_metrics_log(const struct parent_metrics *);
void	parent_metrics_send(const struct parent_metrics *, int chan);

/* parent_host.c: "serving ROOT on URL" for each listen line or socket */
void	parent_log_serving(const struct config *,
	    const struct parent_listen *);
/*
 * parent_host.c, at start and on SIGHUP: the TLS files read and checked
 * anew, sealed with the options of the n sockets (opts) into the memfd
 * the front reads: its descriptor, or -1 with the reason in err.
 */
int	parent_keys_seal(const struct config *, const unsigned *opts,
	    size_t n, char *err, size_t errsz);
/* parent_host.c: 1 if a and b have the same listen lines (and options) */
int	parent_same_listen(const struct config *a, const struct config *b);
/* parent_host.c: the students userdir serves, and why some are not */
void	parent_log_userdir(const struct config *);

#endif
