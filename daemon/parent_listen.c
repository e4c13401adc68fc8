/* SPDX-License-Identifier: ISC */
/*
 * parent_listen.c: where the listening sockets come from: bound here,
 * one per address of each listen line.  Parent role (root), before the
 * roles start; trusts the configuration.
 */
#include <sys/socket.h>

#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "parent_priv.h"

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
			pl->pl_fd[pl->pl_n++] = fd;
		}
		freeaddrinfo(res);
	}
	return pl->pl_n == 0 ? -1 : 0;
}

int
parent_listen_open(const struct config *cfg, struct parent_listen *pl,
    char *err, size_t errsz)
{
	memset(pl, 0, sizeof(*pl));
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
