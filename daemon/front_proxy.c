/* SPDX-License-Identifier: ISC */
/*
 * front_proxy.c: the PROXY protocol on a proxy-protocol listener.  From a
 * sender proxy-from trusts, the header (parsed by proxy.c) is read before
 * anything else, byte-exact so that a TLS handshake after it is
 * untouched, and names the client: its address and port for the script,
 * the access log and the connection limits.  A trusted sender's
 * connection without a valid header is closed.  From any other sender
 * the header is refused (400) and the peer's own address stands.
 * Front role; trusts no sender's bytes, and only proxy-from's addresses.
 */
#include <sys/socket.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <string.h>

#include "front.h"
#include "log.h"
#include "proxy.h"

/* the peer's address as 16 bytes, IPv4 mapped */
static void
front_proxy_key(const struct sockaddr_storage *ss, uint8_t out[16])
{
	memset(out, 0, 16);
	if (ss->ss_family == AF_INET6) {
		memcpy(out, &((const struct sockaddr_in6 *)(const void *)ss)->
		    sin6_addr, 16);
		return;
	}
	out[10] = out[11] = 0xff;
	memcpy(out + 12, &((const struct sockaddr_in *)(const void *)ss)->
	    sin_addr, 4);
}

int
front_proxy_trusted(const struct sockaddr_storage *ss)
{
	uint8_t	key[16];

	front_proxy_key(ss, key);
	return proxy_cidr_match(front_cfg->cf_proxy_from,
	    front_cfg->cf_nproxy_from, key);
}

/* the client the header names becomes the connection's peer */
static int
front_proxy_apply(struct front_conn *c, const struct proxy_hdr *ph)
{
	struct sockaddr_storage	 ss;
	struct sockaddr_in	*s4 = (struct sockaddr_in *)(void *)&ss;
	struct sockaddr_in6	*s6 = (struct sockaddr_in6 *)(void *)&ss;

	if (ph->ph_local)
		return 0;	/* the balancer's own: its address stands */
	memset(&ss, 0, sizeof(ss));
	if (IN6_IS_ADDR_V4MAPPED((const struct in6_addr *)(const void *)
	    ph->ph_src)) {
		s4->sin_family = AF_INET;
		memcpy(&s4->sin_addr, ph->ph_src + 12, 4);
		s4->sin_port = htons(ph->ph_src_port);
		inet_ntop(AF_INET, ph->ph_src + 12, c->c_peer_addr,
		    sizeof(c->c_peer_addr));
	} else {
		s6->sin6_family = AF_INET6;
		memcpy(&s6->sin6_addr, ph->ph_src, 16);
		s6->sin6_port = htons(ph->ph_src_port);
		inet_ntop(AF_INET6, ph->ph_src, c->c_peer_addr,
		    sizeof(c->c_peer_addr));
	}
	c->c_peer_port = ph->ph_src_port;
	return front_shed_move(c, &ss);
}

/*
 * What the balancer sent so far is looked at in place (MSG_PEEK) and only
 * the header's own bytes are taken off the connection: until it is
 * complete every byte belongs to it (proxy_parse()'s promise), after it
 * nothing is taken.  The bytes wait in c_in, which is empty until then.
 */
void
front_proxy_readable(struct front_conn *c)
{
	struct proxy_hdr	 ph;
	const char		*why;
	ssize_t			 n;
	size_t			 room = FRONT_IN_MAX - c->c_inlen, take;
	int			 rc;

	if (front_conn_bufs(c) == -1) {
		front_conn_close(c);
		return;
	}
	n = recv(c->c_ev.fe_fd, c->c_in + c->c_inlen, room, MSG_PEEK);
	if (n == -1 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		front_conn_close(c);
		return;
	}
	rc = proxy_parse((const uint8_t *)c->c_in, c->c_inlen + (size_t)n,
	    &ph, &why);
	if (rc == 0 && (size_t)n == room)
		why = "a header longer than the front takes";
	if (rc == -1 || (rc == 0 && (size_t)n == room)) {
		log_warnx("PROXY header from %s port %u, which proxy-from "
		    "trusts: %s; connection closed", c->c_peer_addr,
		    c->c_peer_port, why);
		front_conn_close(c);
		return;
	}
	take = rc == 1 ? ph.ph_len - c->c_inlen : (size_t)n;
	if (recv(c->c_ev.fe_fd, c->c_in + c->c_inlen, take, 0) !=
	    (ssize_t)take) {
		front_conn_close(c);
		return;
	}
	c->c_inlen += take;
	if (rc == 0)
		return;
	c->c_inlen = 0;
	if (front_proxy_apply(c, &ph) == -1) {
		front_conn_close(c);
		return;
	}
	front_conn_open(c);
}

/*
 * A sender proxy-from does not trust may still speak plain HTTP on the
 * listener, as itself; a header from it is refused, whatever it claims:
 * a 400, as for any request line that is not HTTP, and a warning that
 * names it, for an operator whose balancer is missing from proxy-from.
 */
int
front_proxy_sniff(struct front_conn *c)
{
	switch (proxy_sniff((const uint8_t *)c->c_in, c->c_inlen)) {
	case PROXY_SNIFF_NO:
		c->c_proxy_sniff = 0;
		return 0;
	case PROXY_SNIFF_MAYBE:
		return 1;
	default:
		break;
	}
	c->c_proxy_sniff = 0;
	front_log(c, LOG_LVL_WARN, "PROXY header from %s port %u refused: "
	    "proxy-from does not name it (the peer's own address stands)",
	    c->c_peer_addr, c->c_peer_port);
	c->c_close_after = 1;
	c->c_inlen = 0;
	front_error(c, 400);
	return -1;
}
