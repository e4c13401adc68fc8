/* SPDX-License-Identifier: ISC */
/*
 * parent_metrics.c: the parent's part of /metrics: the metrics listener
 * (bound here, under socket activation too, and never where a public
 * listener is), its line at start, and the parent's own counters (the
 * daemon's start, restarts, reloads), sent to each new front and again
 * when they change.  Parent role (root); trusts the configuration.
 */
#include <sys/socket.h>

#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "config_load.h"
#include "log.h"
#include "msg.h"
#include "parent_priv.h"

/* the metrics address of cfg as a socket address; -1: none configured */
static int
parent_metrics_sockaddr(const struct config *cfg,
    struct sockaddr_storage *ss, socklen_t *len)
{
	struct sockaddr_in	*s4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6	*s6 = (struct sockaddr_in6 *)ss;
	int			 port;

	memset(ss, 0, sizeof(*ss));
	if (cfg->cf_metrics_addr[0] == '\0')
		return -1;
	port = (int)strtol(cfg->cf_metrics_port, NULL, 10);
	if (inet_pton(AF_INET, cfg->cf_metrics_addr, &s4->sin_addr) == 1) {
		s4->sin_family = AF_INET;
		s4->sin_port = htons((uint16_t)port);
		*len = sizeof(*s4);
		return 0;
	}
	if (inet_pton(AF_INET6, cfg->cf_metrics_addr, &s6->sin6_addr) != 1)
		return -1;	/* the parser took only literals */
	s6->sin6_family = AF_INET6;
	s6->sin6_port = htons((uint16_t)port);
	*len = sizeof(*s6);
	return 0;
}

/* is fd bound to exactly ss? */
static int
parent_metrics_same(int fd, const struct sockaddr_storage *ss)
{
	struct sockaddr_storage	 b;
	socklen_t		 len = sizeof(b);
	const struct sockaddr_in *a4 = (const void *)ss, *b4 = (void *)&b;
	const struct sockaddr_in6 *a6 = (const void *)ss, *b6 = (void *)&b;

	memset(&b, 0, sizeof(b));
	if (getsockname(fd, (struct sockaddr *)&b, &len) == -1 ||
	    b.ss_family != ss->ss_family)
		return 0;
	if (ss->ss_family == AF_INET)
		return a4->sin_port == b4->sin_port &&
		    a4->sin_addr.s_addr == b4->sin_addr.s_addr;
	return a6->sin6_port == b6->sin6_port &&
	    memcmp(&a6->sin6_addr, &b6->sin6_addr, sizeof(a6->sin6_addr)) == 0;
}

static int
parent_metrics_err(const struct config *cfg, char *err, size_t errsz,
    const char *why)
{
	char	where[PATH_MAX + 32];

	(void)snprintf(err, errsz, "%s: metrics %s %s: %s",
	    config_load_where(cfg, cfg->cf_metrics_line, where, sizeof(where)),
	    cfg->cf_metrics_addr, cfg->cf_metrics_port, why);
	return -1;
}

/*
 * The daemon's start; then, if configured, the metrics listener, after
 * the public ones (pl): none of them may be on its address (the kernel
 * would refuse the bind; a socket systemd passed is checked here too).
 */
int
parent_metrics_open(const struct config *cfg, const struct parent_listen *pl,
    struct parent_metrics *pm, char *err, size_t errsz)
{
	struct sockaddr_storage	ss;
	struct timespec		ts;
	socklen_t		len;
	size_t			i;
	int			on = 1;

	memset(pm, 0, sizeof(*pm));
	pm->pm_fd = -1;
	clock_gettime(CLOCK_REALTIME, &ts);
	pm->pm_counts.mp_start_ms = (uint64_t)ts.tv_sec * 1000 +
	    (uint64_t)ts.tv_nsec / 1000000;
	if (parent_metrics_sockaddr(cfg, &ss, &len) == -1)
		return 0;
	for (i = 0; i < pl->pl_n; i++)
		if (parent_metrics_same(pl->pl_fd[i], &ss))
			return parent_metrics_err(cfg, err, errsz, "a public "
			    "listener is on that address and port");
	if ((pm->pm_fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0)) == -1)
		return parent_metrics_err(cfg, err, errsz, strerror(errno));
	setsockopt(pm->pm_fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
	if (ss.ss_family == AF_INET6)
		setsockopt(pm->pm_fd, IPPROTO_IPV6, IPV6_V6ONLY, &on,
		    sizeof(on));
	if (bind(pm->pm_fd, (struct sockaddr *)&ss, len) == -1 ||
	    listen(pm->pm_fd, 64) == -1) {
		parent_metrics_err(cfg, err, errsz, strerror(errno));
		parent_metrics_close(pm);
		return -1;
	}
	(void)strlcpy(pm->pm_addr, cfg->cf_metrics_addr, sizeof(pm->pm_addr));
	(void)strlcpy(pm->pm_port, cfg->cf_metrics_port, sizeof(pm->pm_port));
	pm->pm_nonloopback = cfg->cf_metrics_nonloopback;
	return 0;
}

void
parent_metrics_close(struct parent_metrics *pm)
{
	if (pm->pm_fd != -1)
		close(pm->pm_fd);
	pm->pm_fd = -1;
}

/*
 * SIGHUP: the listener stays what it is until a restart, so a new
 * configuration that moves it, or turns it on or off, is refused whole
 * (the front finds its listener by the configuration's address: a
 * listener no longer named there must never turn public).
 */
int
parent_metrics_reload_check(const struct parent_metrics *pm,
    const struct config *ncfg, char *err, size_t errsz)
{
	char	where[PATH_MAX + 32], now[128];

	if (strcmp(pm->pm_addr, ncfg->cf_metrics_addr) == 0 &&
	    strcmp(pm->pm_port, ncfg->cf_metrics_port) == 0 &&
	    pm->pm_nonloopback == ncfg->cf_metrics_nonloopback)
		return 0;
	if (pm->pm_fd == -1)
		(void)strlcpy(now, "off", sizeof(now));
	else
		(void)snprintf(now, sizeof(now), "metrics %s %s%s",
		    pm->pm_addr, pm->pm_port, pm->pm_nonloopback ?
		    " non-loopback" : "");
	(void)snprintf(err, errsz, "%s: metrics: the metrics listener changes "
	    "only on a restart (it is %s)", config_load_where(ncfg,
	    ncfg->cf_metrics_line, where, sizeof(where)), now);
	return -1;
}

/* at start, after the serving lines: where to scrape, and a warning */
void
parent_metrics_log(const struct parent_metrics *pm)
{
	const char	*l = strchr(pm->pm_addr, ':') != NULL ? "[" : "";
	const char	*r = l[0] != '\0' ? "]" : "";

	if (pm->pm_fd == -1)
		return;
	if (pm->pm_nonloopback)
		log_warnx("metrics on http://%s%s%s:%s/metrics: not a loopback "
		    "address (non-loopback): whoever can reach it reads the "
		    "counters", l, pm->pm_addr, r, pm->pm_port);
	else
		log_info("metrics on http://%s%s%s:%s/metrics", l, pm->pm_addr,
		    r, pm->pm_port);
}

/* the counters to a front (chan); one that cannot take them now misses
 * them until the next change: it never blocks the parent */
void
parent_metrics_send(const struct parent_metrics *pm, int chan)
{
	if (chan != -1 && msg_send(chan, MSG_METRICS_PARENT, 0,
	    &pm->pm_counts, sizeof(pm->pm_counts), NULL, 0) == -1)
		log_debug("metrics to the front: %s", strerror(errno));
}
