/* SPDX-License-Identifier: ISC */
/*
 * log_syslog.c: log lines to a syslog daemon, as syslog(3) sends them
 * ("<PRI>Mmm dd hh:mm:ss TAG[PID]: text" in one datagram to /dev/log or
 * the socket the configuration names), but with the tag and pid of the
 * role that said each line, waiting for a slow syslog daemon only so
 * long, and reconnecting when it restarts.  Parent role only; lines are
 * escaped already.
 */
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "log_priv.h"
#include "msg.h"

#define LOG_SYSLOG_PATH		"/dev/log"	/* syslog(3)'s _PATH_LOG */
/*
 * The kernel queues only net.unix.max_dgram_qlen (often 10) datagrams
 * for a reader, so a burst waits for the syslog daemon, as syslog(3)
 * does, but at most this long; then lines are dropped, not waited for,
 * for a while: the parent supervises the roles and must not hang.
 */
#define LOG_SYSLOG_WAIT_MS	500
#define LOG_SYSLOG_PAUSE_SEC	5

/* the socket path into ls; connects now if it can, else at a line */
int
log_syslog_open(struct log_syslog *ls, const char *path)
{
	if (path[0] == '\0')
		path = LOG_SYSLOG_PATH;
	log_syslog_close(ls);
	if (strlcpy(ls->ls_path, path, sizeof(ls->ls_path)) >=
	    sizeof(ls->ls_path)) {
		ls->ls_path[0] = '\0';
		errno = ENAMETOOLONG;
		return -1;
	}
	(void)log_syslog_connect(ls);
	return 0;
}

void
log_syslog_close(struct log_syslog *ls)
{
	if (ls->ls_fd > STDERR_FILENO)
		(void)close(ls->ls_fd);
	ls->ls_fd = -1;
}

/* 0 once connected; -1 while the syslog daemon is not there */
int
log_syslog_connect(struct log_syslog *ls)
{
	struct sockaddr_un	sun;
	struct timeval		tv = { 0, LOG_SYSLOG_WAIT_MS * 1000 };

	if (ls->ls_fd != -1)
		return 0;
	if (ls->ls_path[0] == '\0')
		return -1;
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	(void)strlcpy(sun.sun_path, ls->ls_path, sizeof(sun.sun_path));
	if ((ls->ls_fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1)
		return -1;
	if (setsockopt(ls->ls_fd, SOL_SOCKET, SO_SNDTIMEO, &tv,
	    sizeof(tv)) == -1 ||
	    connect(ls->ls_fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		log_syslog_close(ls);
		return -1;
	}
	return 0;
}

/* a failed send: the syslog daemon went away (reconnect), or is full */
static int
log_syslog_retry(int saved)
{
	return saved == ECONNREFUSED || saved == ENOTCONN ||
	    saved == ENOENT || saved == EPIPE || saved == EBADF;
}

/*
 * One line.  A syslog daemon that does not read for LOG_SYSLOG_WAIT_MS
 * loses lines for LOG_SYSLOG_PAUSE_SEC rather than stall the parent:
 * they are counted and said on stderr, as a file's lost lines are.
 */
void
log_syslog_send(struct log_syslog *ls, int pri, const char *role, long pid,
    const char *text)
{
	char		 buf[MSG_ACCESS_MAX + 128], ts[32];
	struct tm	 tm;
	struct timespec	 mono;
	time_t		 now = time(NULL);
	int		 n, try, flags = MSG_NOSIGNAL;

	(void)localtime_r(&now, &tm);
	(void)strftime(ts, sizeof(ts), "%b %e %H:%M:%S", &tm);
	n = snprintf(buf, sizeof(buf), "<%d>%s cgijail-%s[%ld]: %s",
	    LOG_DAEMON | pri, ts, role, pid, text);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(buf))
		n = sizeof(buf) - 1;
	(void)clock_gettime(CLOCK_MONOTONIC, &mono);
	if (mono.tv_sec < ls->ls_pause_until)
		flags |= MSG_DONTWAIT;
	for (try = 0; try < 2; try++) {
		if (log_syslog_connect(ls) == -1)
			continue;
		if (send(ls->ls_fd, buf, (size_t)n, flags) == n)
			return;
		if (errno == EAGAIN && !(flags & MSG_DONTWAIT))
			ls->ls_pause_until = mono.tv_sec + LOG_SYSLOG_PAUSE_SEC;
		if (!log_syslog_retry(errno))
			break;
		log_syslog_close(ls);
	}
	if (ls->ls_dropped++ % 1000 == 0)
		dprintf(STDERR_FILENO, "cgijail: syslog %s: %s, %lu lines "
		    "lost\n", ls->ls_path, strerror(errno), ls->ls_dropped);
}
