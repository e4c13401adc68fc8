/* SPDX-License-Identifier: ISC */
/*
 * parent_notify.c: telling systemd how the service is doing, by
 * sd_notify(3)'s protocol: one datagram of KEY=VALUE lines to the
 * AF_UNIX socket NOTIFY_SOCKET names (a path, or @ for an abstract
 * name).  Parent role; trusts the environment its service manager gave.
 */
#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "parent_priv.h"

static int			parent_notify_fd = -1;
static struct sockaddr_un	parent_notify_sun;
static socklen_t		parent_notify_len;
static int			parent_notify_failing;

/*
 * Taken once, and removed from the environment, so that no role (and no
 * script) inherits it: only the main process may speak for the service
 * (NotifyAccess=main).  A socket cgijail cannot use is said, never fatal:
 * systemd then reports the start as timed out.
 */
void
parent_notify_init(void)
{
	const char	*path = getenv("NOTIFY_SOCKET");
	char		 esc[4 * sizeof(parent_notify_sun.sun_path)];
	size_t		 len;

	if (path == NULL)
		return;
	len = strlen(path);
	if ((path[0] != '/' && path[0] != '@') || len < 2 ||
	    len >= sizeof(parent_notify_sun.sun_path)) {
		log_escape(esc, sizeof(esc), path, len);
		log_warnx("NOTIFY_SOCKET \"%s\" is neither an absolute path "
		    "nor an abstract name (@...): systemd is not told when "
		    "cgijail is ready", esc);
		(void)unsetenv("NOTIFY_SOCKET");
		return;
	}
	memset(&parent_notify_sun, 0, sizeof(parent_notify_sun));
	parent_notify_sun.sun_family = AF_UNIX;
	memcpy(parent_notify_sun.sun_path, path, len);
	if (path[0] == '@')
		parent_notify_sun.sun_path[0] = '\0';
	parent_notify_len = (socklen_t)(offsetof(struct sockaddr_un,
	    sun_path) + len);
	(void)unsetenv("NOTIFY_SOCKET");
	if ((parent_notify_fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC,
	    0)) == -1)
		log_warn("NOTIFY_SOCKET: socket");
}

/* one state, never blocking: systemd reads its socket at once */
void
parent_notify(const char *fmt, ...)
{
	char	buf[1024];
	va_list	ap;
	int	n;

	if (parent_notify_fd == -1)
		return;
	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(buf))
		n = sizeof(buf) - 1;
	if (sendto(parent_notify_fd, buf, (size_t)n, MSG_NOSIGNAL |
	    MSG_DONTWAIT, (struct sockaddr *)&parent_notify_sun,
	    parent_notify_len) == -1) {
		/* once per run of failures, not once per state */
		if (!parent_notify_failing++)
			log_warn("NOTIFY_SOCKET: %.*s not sent",
			    (int)strcspn(buf, "\n"), buf);
		return;
	}
	parent_notify_failing = 0;
}

/* RELOADING=1 with the time, as Type=notify-reload (systemd 253) wants */
void
parent_notify_reloading(void)
{
	struct timespec	ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	parent_notify("RELOADING=1\nMONOTONIC_USEC=%llu",
	    (unsigned long long)ts.tv_sec * 1000000ULL +
	    (unsigned long long)ts.tv_nsec / 1000);
}
