/* SPDX-License-Identifier: ISC */
/*
 * parent_listen.c: where the listening sockets come from: passed by
 * systemd (socket activation: LISTEN_PID, LISTEN_FDS, LISTEN_FDNAMES,
 * the sockets from fd 3), each matched to its listen line by address,
 * else bound here, one per address of each listen line.  Parent role
 * (root), before the roles start; trusts the configuration, and checks
 * every descriptor it is handed.
 */
#include <sys/socket.h>
#include <sys/stat.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "daemon.h"
#include "log.h"
#include "parent_priv.h"

#define PARENT_SD_FD_FIRST	3	/* SD_LISTEN_FDS_START */

/* what systemd passed, taken at the very start (parent_listen_adopt()) */
static struct {
	int		sd_fd[PARENT_LISTEN_MAX];	/* parked, ours */
	char		sd_name[PARENT_LISTEN_MAX][PARENT_FDNAME_MAX];
	size_t		sd_n;
	int		sd_active;
	char		sd_note[256];	/* a warning for the log, or "" */
} parent_sd;

/* one socket for one address; -1 with a one-line reason on failure */
static int
parent_bind_one(const struct addrinfo *ai, char *err, size_t errsz)
{
	char	host[64], serv[16];
	int	fd, on = 1;

	getnameinfo(ai->ai_addr, ai->ai_addrlen, host, sizeof(host), serv,
	    sizeof(serv), NI_NUMERICHOST | NI_NUMERICSERV);
	fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, ai->ai_protocol);
	if (fd == -1)
		goto fail;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
	if (ai->ai_family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof(on));
	if (bind(fd, ai->ai_addr, ai->ai_addrlen) == -1 ||
	    listen(fd, 511) == -1)
		goto fail;
	return fd;
fail:
	snprintf(err, errsz, "cgijail: %s%s%s:%s: %s",
	    ai->ai_family == AF_INET6 ? "[" : "", host,
	    ai->ai_family == AF_INET6 ? "]" : "", serv, strerror(errno));
	if (fd != -1)
		close(fd);
	return -1;
}

static int
parent_bind(const struct config *cfg, struct parent_listen *pl, char *err,
    size_t errsz)
{
	struct addrinfo	 hints, *res, *ai;
	const char	*host;
	size_t		 i;
	int		 fd, rc;

	for (i = 0; i < cfg->cf_nlisten; i++) {
		const struct config_listen *cl = &cfg->cf_listen[i];

		memset(&hints, 0, sizeof(hints));
		hints.ai_family = AF_UNSPEC;
		hints.ai_socktype = SOCK_STREAM;
		hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
		host = cl->cl_addr[0] == '\0' || strcmp(cl->cl_addr, "*") == 0 ?
		    NULL : cl->cl_addr;
		if ((rc = getaddrinfo(host, cl->cl_port, &hints, &res)) != 0) {
			snprintf(err, errsz, "cgijail: %s: %s",
			    host ? host : "*", gai_strerror(rc));
			return -1;
		}
		for (ai = res; ai != NULL; ai = ai->ai_next) {
			if (pl->pl_n >= PARENT_LISTEN_MAX)
				break;
			fd = parent_bind_one(ai, err, errsz);
			/* all-interfaces on a host without IPv6 is fine */
			if (fd == -1 && host == NULL &&
			    ai->ai_family == AF_INET6 &&
			    errno == EAFNOSUPPORT)
				continue;
			if (fd == -1) {
				freeaddrinfo(res);
				return -1;
			}
			pl->pl_line[pl->pl_n] = (int)i;
			pl->pl_opts[pl->pl_n] = cl->cl_opts;
			pl->pl_fd[pl->pl_n++] = fd;
		}
		freeaddrinfo(res);
	}
	return pl->pl_n == 0 ? -1 : 0;
}

/* NULL if fd is a listening TCP socket, else what it is not */
static const char *
parent_sd_check(int fd)
{
	struct stat	st;
	socklen_t	len;
	int		dom, type, proto, acc;

	if (fstat(fd, &st) == -1)
		return errno == EBADF ? "not open" : strerror(errno);
	if (!S_ISSOCK(st.st_mode))
		return "not a socket";
	len = sizeof(dom);
	if (getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &dom, &len) == -1 ||
	    (dom != AF_INET && dom != AF_INET6))
		return "not an IPv4 or IPv6 socket (TCP expected)";
	len = sizeof(type);
	if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) == -1 ||
	    type != SOCK_STREAM)
		return "not a stream socket (TCP expected)";
	len = sizeof(proto);
	if (getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, &proto, &len) == -1 ||
	    proto != IPPROTO_TCP)
		return "not a TCP socket";
	len = sizeof(acc);
	if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &acc, &len) == -1 ||
	    acc != 1)
		return "not listening";
	return NULL;
}

/* LISTEN_PID: 1 if it is this process; 0 (and why, for the log) if not */
static int
parent_sd_ours(void)
{
	const char	*pid = getenv("LISTEN_PID"), *errstr = NULL;
	char		 esc[64];
	long long	 n = 0;

	if (pid == NULL) {
		if (getenv("LISTEN_FDS") != NULL)
			(void)snprintf(parent_sd.sd_note,
			    sizeof(parent_sd.sd_note), "LISTEN_FDS without "
			    "LISTEN_PID: no sockets from systemd; the listen "
			    "lines are bound");
		return 0;
	}
	if (pid[0] >= '0' && pid[0] <= '9')
		n = strtonum(pid, 1, INT_MAX, &errstr);
	if (errstr == NULL && n == getpid())
		return 1;
	log_escape(esc, sizeof(esc), pid, strlen(pid));
	(void)snprintf(parent_sd.sd_note, sizeof(parent_sd.sd_note),
	    "LISTEN_PID %s is not this process (%d): its sockets are not "
	    "for cgijail; the listen lines are bound", esc, (int)getpid());
	return 0;
}

/* LISTEN_FDNAMES, if set: one name per socket, kept escaped for logs */
static int
parent_sd_names(char *err, size_t errsz)
{
	const char	*names = getenv("LISTEN_FDNAMES"), *p, *colon;
	size_t		 i, len;

	if (names == NULL)
		return 0;
	for (i = 0, p = names; i < parent_sd.sd_n; i++, p = colon + 1) {
		colon = strchr(p, ':');
		len = colon != NULL ? (size_t)(colon - p) : strlen(p);
		log_escape(parent_sd.sd_name[i], PARENT_FDNAME_MAX, p, len);
		if ((colon == NULL) != (i + 1 == parent_sd.sd_n))
			break;
	}
	if (i < parent_sd.sd_n) {
		(void)snprintf(err, errsz, "cgijail: LISTEN_FDNAMES: not one "
		    "name for each of the %zu sockets of LISTEN_FDS",
		    parent_sd.sd_n);
		return -1;
	}
	return 0;
}

/*
 * Before any file is opened, so that fd 3 upward are still systemd's:
 * check each one, then move it above the children's fixed numbers.
 */
int
parent_listen_adopt(char *err, size_t errsz)
{
	const char	*fds, *why, *errstr = "invalid";
	char		 esc[64];
	size_t		 i;
	int		 fd;

	if (parent_sd_ours()) {
		fds = getenv("LISTEN_FDS");
		if (fds != NULL && fds[0] >= '0' && fds[0] <= '9')
			parent_sd.sd_n = (size_t)strtonum(fds, 1,
			    PARENT_LISTEN_MAX, &errstr);
		if (errstr != NULL) {
			log_escape(esc, sizeof(esc), fds ? fds : "",
			    fds ? strlen(fds) : 0);
			(void)snprintf(err, errsz, "cgijail: LISTEN_PID is this "
			    "process, but LISTEN_FDS=\"%s\" is not a number of "
			    "sockets from 1 to %d", esc, PARENT_LISTEN_MAX);
			return -1;
		}
		if (parent_sd_names(err, errsz) == -1)
			return -1;
		for (i = 0; i < parent_sd.sd_n; i++) {
			fd = PARENT_SD_FD_FIRST + (int)i;
			if ((why = parent_sd_check(fd)) != NULL) {
				(void)snprintf(err, errsz, "cgijail: socket "
				    "activation: fd %d (LISTEN_FDS=%zu) is %s",
				    fd, parent_sd.sd_n, why);
				return -1;
			}
		}
		for (i = 0; i < parent_sd.sd_n; i++) {
			fd = PARENT_SD_FD_FIRST + (int)i;
			if ((parent_sd.sd_fd[i] = fcntl(fd, F_DUPFD_CLOEXEC,
			    PARENT_FD_PARK)) == -1 || close(fd) == -1 ||
			    fcntl(parent_sd.sd_fd[i], F_SETFL, O_NONBLOCK) ==
			    -1) {
				(void)snprintf(err, errsz, "cgijail: socket "
				    "activation: fd %d: %s", fd,
				    strerror(errno));
				return -1;
			}
		}
		parent_sd.sd_active = 1;
	}
	(void)unsetenv("LISTEN_PID");
	(void)unsetenv("LISTEN_FDS");
	(void)unsetenv("LISTEN_FDNAMES");
	return 0;
}

/* does the listen line cl name the address ss is bound to? */
static int
parent_sd_match(const struct config_listen *cl,
    const struct sockaddr_storage *ss)
{
	const struct sockaddr_in	*s4 = (const void *)ss;
	const struct sockaddr_in6	*s6 = (const void *)ss;
	struct in_addr			 a4;
	struct in6_addr			 a6;
	unsigned			 port;

	port = ntohs(ss->ss_family == AF_INET ? s4->sin_port :
	    s6->sin6_port);
	if ((unsigned)strtol(cl->cl_port, NULL, 10) != port)
		return 0;
	if (cl->cl_addr[0] == '\0')
		return 1;
	if (strcmp(cl->cl_addr, "localhost") == 0)
		return ss->ss_family == AF_INET ?
		    s4->sin_addr.s_addr == htonl(INADDR_LOOPBACK) :
		    IN6_IS_ADDR_LOOPBACK(&s6->sin6_addr);
	if (ss->ss_family == AF_INET)
		return inet_pton(AF_INET, cl->cl_addr, &a4) == 1 &&
		    a4.s_addr == s4->sin_addr.s_addr;
	return inet_pton(AF_INET6, cl->cl_addr, &a6) == 1 &&
	    memcmp(&a6, &s6->sin6_addr, sizeof(a6)) == 0;
}

/* socket i of systemd's: its address, and its listen line (-1: none) */
static int
parent_sd_place(const struct config *cfg, struct parent_listen *pl,
    size_t i, char *err, size_t errsz)
{
	struct sockaddr_storage	ss;
	socklen_t		len = sizeof(ss);
	size_t			j;

	pl->pl_fd[i] = parent_sd.sd_fd[i];
	pl->pl_sd_fd[i] = PARENT_SD_FD_FIRST + (int)i;
	(void)strlcpy(pl->pl_sd_name[i], parent_sd.sd_name[i],
	    sizeof(pl->pl_sd_name[i]));
	pl->pl_line[i] = -1;
	if (getsockname(pl->pl_fd[i], (struct sockaddr *)&ss, &len) == -1 ||
	    getnameinfo((struct sockaddr *)&ss, len, pl->pl_host[i],
	    sizeof(pl->pl_host[i]), pl->pl_port[i], sizeof(pl->pl_port[i]),
	    NI_NUMERICHOST | NI_NUMERICSERV) != 0) {
		(void)snprintf(err, errsz, "cgijail: socket activation: fd "
		    "%d: no address", pl->pl_sd_fd[i]);
		return -1;
	}
	if (cfg->cf_listen_default)
		return 0;
	for (j = 0; j < cfg->cf_nlisten && pl->pl_line[i] == -1; j++)
		if (parent_sd_match(&cfg->cf_listen[j], &ss))
			pl->pl_line[i] = (int)j;
	if (pl->pl_line[i] != -1) {
		pl->pl_opts[i] = cfg->cf_listen[pl->pl_line[i]].cl_opts;
		return 0;
	}
	(void)snprintf(err, errsz, "cgijail: socket activation: fd %d "
	    "(%s%s%s:%s) matches no listen line: add one for its address "
	    "(its options come from there), or give no listen line, -b or "
	    "PORT to serve every socket systemd passes", pl->pl_sd_fd[i],
	    ss.ss_family == AF_INET6 ? "[" : "", pl->pl_host[i],
	    ss.ss_family == AF_INET6 ? "]" : "", pl->pl_port[i]);
	return -1;
}

/* systemd's sockets; a listen line none of them matches is not served */
static int
parent_listen_systemd(const struct config *cfg, struct parent_listen *pl,
    char *err, size_t errsz)
{
	size_t	i, j;
	int	used;

	pl->pl_systemd = 1;
	for (i = 0; i < parent_sd.sd_n; i++) {
		if (parent_sd_place(cfg, pl, i, err, errsz) == -1)
			return -1;
		pl->pl_n++;
	}
	for (j = 0; j < cfg->cf_nlisten && !cfg->cf_listen_default; j++) {
		for (i = 0, used = 0; i < pl->pl_n; i++)
			used |= pl->pl_line[i] == (int)j;
		if (!used)
			log_warnx("listen %s %s: systemd passed no socket for "
			    "it, so it is not served: under socket activation "
			    "cgijail binds nothing itself",
			    cfg->cf_listen[j].cl_addr[0] != '\0' ?
			    cfg->cf_listen[j].cl_addr : "*",
			    cfg->cf_listen[j].cl_port);
	}
	return 0;
}

int
parent_listen_open(const struct config *cfg, struct parent_listen *pl,
    char *err, size_t errsz)
{
	memset(pl, 0, sizeof(*pl));
	if (parent_sd.sd_note[0] != '\0')
		log_warnx("%s", parent_sd.sd_note);
	if (parent_sd.sd_active) {
		if (parent_listen_systemd(cfg, pl, err, errsz) == 0)
			return 0;
		parent_listen_close(pl);
		return -1;
	}
	if (parent_check_ports(cfg, err, errsz) == -1)
		return -1;
	if (parent_bind(cfg, pl, err, errsz) == -1) {
		parent_listen_close(pl);
		return -1;
	}
	return 0;
}

void
parent_listen_close(struct parent_listen *pl)
{
	size_t	i;

	for (i = 0; i < pl->pl_n; i++)
		close(pl->pl_fd[i]);
	pl->pl_n = 0;
}
