/* SPDX-License-Identifier: ISC */
/*
 * front_tls.c: TLS for the front's connections, the one place that calls
 * libtls for them: the server context made at the front's start from the
 * keys the parent sealed, the handshake in the event loop, every read and
 * write of a TLS connection, close_notify, and the events a TLS
 * connection needs beyond the ones its layer asks for.  Front role;
 * trusts no client: a failed handshake closes the connection, nothing
 * more.
 */
#include <sys/epoll.h>
#include <sys/queue.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <tls.h>
#include <unistd.h>

#include "front.h"
#include "keys.h"
#include "log.h"

#define FRONT_TLS_RX	16384	/* a TLS record's most plaintext */

/*
 * A connection's TLS.  libtls reads a whole record at a time; what the
 * connection layer has no room for yet waits in t_rx, where epoll cannot
 * see it, so a connection with bytes there is queued and given EPOLLIN
 * by the loop itself (front_tls_next_pending()).
 */
struct front_tls {
	struct tls		*t_ctx;
	int			 t_ready;	/* handshake complete */
	uint32_t		 t_want;	/* what the connection layer asks */
	int			 t_rd_out;	/* a read waits to write */
	int			 t_wr_in;	/* a write waits to read */
	int			 t_notified;	/* close_notify sent */
	int			 t_queued;	/* on front_tls_queue */
	TAILQ_ENTRY(front_tls)	 t_entry;
	struct front_conn	*t_conn;
	size_t			 t_rxoff;
	size_t			 t_rxlen;
	int			 t_rxmore;	/* the last read filled t_rx */
	uint8_t			 t_rx[FRONT_TLS_RX];
};

static struct tls		*front_tls_server;
static struct tls_config	*front_tls_config;
static TAILQ_HEAD(, front_tls)	 front_tls_queue =
    TAILQ_HEAD_INITIALIZER(front_tls_queue);
static size_t			 front_tls_nqueued;

/*
 * At the start, before confinement: the sealed memfd (each listening
 * socket's options, the keys), then the server context if there are
 * keys; the key's bytes are wiped once libtls has parsed them, and the
 * memfd is closed, so nothing can read it again.
 */
void
front_tls_init(int fd, unsigned *opts, size_t optsmax, size_t *nlisten)
{
	struct keys	 k;
	const char	*why;
	char		 err[256];

	if (keys_unseal(fd, &k, opts, optsmax, nlisten, &why) == -1)
		fatalx("%s", why);
	close(fd);
	if (k.k_cert != NULL && (front_tls_server = keys_server(&k,
	    &front_tls_config, err, sizeof(err))) == NULL)
		fatalx("tls: %s", err);
	/* the htpasswd files: for the verifier, which front_auth.c starts */
	front_auth_take(k.k_auth, k.k_auth_len);
	k.k_auth = NULL;
	k.k_auth_len = 0;
	keys_free(&k);
}

static void
front_tls_queue_add(struct front_tls *t)
{
	if (t->t_queued)
		return;
	t->t_queued = 1;
	TAILQ_INSERT_TAIL(&front_tls_queue, t, t_entry);
	front_tls_nqueued++;
}

static void
front_tls_queue_del(struct front_tls *t)
{
	if (!t->t_queued)
		return;
	t->t_queued = 0;
	TAILQ_REMOVE(&front_tls_queue, t, t_entry);
	front_tls_nqueued--;
}

/* plaintext that epoll cannot see */
static int
front_tls_buffered(const struct front_tls *t)
{
	return t->t_rxoff < t->t_rxlen || t->t_rxmore;
}

int
front_tls_unread(const struct front_conn *c)
{
	return c->c_tls != NULL && front_tls_buffered(c->c_tls);
}

/* a new connection on a tls listener; -1 without memory or context */
int
front_tls_start(struct front_conn *c)
{
	struct front_tls	*t;

	if (front_tls_server == NULL || (t = calloc(1, sizeof(*t))) == NULL)
		return -1;
	if (tls_accept_socket(front_tls_server, &t->t_ctx,
	    c->c_ev.fe_fd) == -1) {
		front_log(c, LOG_LVL_WARN, "tls: %s",
		    tls_error(front_tls_server));
		free(t);
		return -1;
	}
	t->t_conn = c;
	c->c_tls = t;
	c->c_state = FRONT_S_TLS;
	return 0;
}

/* the handshake, a step at a time; done, the request head is read */
void
front_tls_handshake(struct front_conn *c)
{
	struct front_tls	*t = c->c_tls;
	int			 rc;

	rc = tls_handshake(t->t_ctx);
	if (rc == TLS_WANT_POLLIN || rc == TLS_WANT_POLLOUT) {
		front_ev_set(&c->c_ev, rc == TLS_WANT_POLLIN ? EPOLLIN :
		    EPOLLOUT);
		return;
	}
	if (rc == -1) {
		/* plain HTTP, a scanner, an old client: nothing to answer */
		log_debug("tls handshake with %s port %u failed: %s",
		    c->c_peer_addr, c->c_peer_port, tls_error(t->t_ctx));
		front_conn_close(c);
		return;
	}
	t->t_ready = 1;
	c->c_state = FRONT_S_HEAD;
	front_ev_set(&c->c_ev, EPOLLIN);
}

/* the events to register for what the connection layer wants */
uint32_t
front_tls_events(struct front_conn *c, uint32_t want)
{
	struct front_tls	*t = c->c_tls;
	uint32_t		 real = want;

	if (!t->t_ready)
		return want;
	if ((want & EPOLLIN) && !(t->t_want & EPOLLIN) &&
	    front_tls_buffered(t))
		front_tls_queue_add(t);
	t->t_want = want;
	if ((want & EPOLLIN) && t->t_rd_out)
		real |= EPOLLOUT;
	if ((want & EPOLLOUT) && t->t_wr_in)
		real |= EPOLLIN;
	return real;
}

/* what the events that came mean to the connection layer */
uint32_t
front_tls_ready(struct front_conn *c, uint32_t events)
{
	struct front_tls	*t = c->c_tls;
	uint32_t		 out;

	if (!t->t_ready)
		return events;
	out = events & (EPOLLRDHUP | EPOLLHUP | EPOLLERR);
	if (events & EPOLLIN)
		out |= (t->t_want & EPOLLIN) | (t->t_wr_in ? EPOLLOUT : 0);
	if (events & EPOLLOUT)
		out |= (t->t_want & EPOLLOUT) | (t->t_rd_out ? EPOLLIN : 0);
	return out;
}

/* a read or write that must wait for the other direction: registered */
static void
front_tls_cross(struct front_conn *c, int *flag, int on)
{
	if (*flag == on)
		return;
	*flag = on;
	front_ev_set(&c->c_ev, c->c_tls->t_want);
}

/* one record into t_rx: 1, 0 for none yet (errno EAGAIN), -1 gone */
static int
front_tls_fill(struct front_conn *c)
{
	struct front_tls	*t = c->c_tls;
	ssize_t			 n;

	n = tls_read(t->t_ctx, t->t_rx, sizeof(t->t_rx));
	front_tls_cross(c, &t->t_rd_out, n == TLS_WANT_POLLOUT);
	if (n == TLS_WANT_POLLIN || n == TLS_WANT_POLLOUT) {
		t->t_rxmore = 0;
		errno = EAGAIN;
		return 0;
	}
	if (n <= 0) {
		if (n == -1)
			log_debug("tls read from %s: %s", c->c_peer_addr,
			    tls_error(t->t_ctx));
		t->t_rxmore = 0;
		return -1;
	}
	t->t_rxoff = 0;
	t->t_rxlen = (size_t)n;
	t->t_rxmore = (size_t)n == sizeof(t->t_rx);
	return 1;
}

/* as recv(2): bytes, 0 at the end, -1 with errno (EAGAIN: none yet) */
ssize_t
front_tls_recv(struct front_conn *c, void *buf, size_t len)
{
	struct front_tls	*t = c->c_tls;
	size_t			 n;
	int			 rc;

	if (t->t_rxoff == t->t_rxlen) {
		if ((rc = front_tls_fill(c)) == 0)
			return -1;
		if (rc == -1)
			return 0;
	}
	n = t->t_rxlen - t->t_rxoff;
	if (n > len)
		n = len;
	memcpy(buf, t->t_rx + t->t_rxoff, n);
	t->t_rxoff += n;
	if (front_tls_buffered(t) && (t->t_want & EPOLLIN))
		front_tls_queue_add(t);
	return (ssize_t)n;
}

/* as send(2): bytes taken, -1 with errno (EAGAIN: try again later) */
ssize_t
front_tls_send(struct front_conn *c, const void *buf, size_t len)
{
	struct front_tls	*t = c->c_tls;
	ssize_t			 n;

	n = tls_write(t->t_ctx, buf, len);
	front_tls_cross(c, &t->t_wr_in, n == TLS_WANT_POLLIN);
	if (n == TLS_WANT_POLLIN || n == TLS_WANT_POLLOUT) {
		errno = EAGAIN;
		return -1;
	}
	if (n < 0) {
		log_debug("tls write to %s: %s", c->c_peer_addr,
		    tls_error(t->t_ctx));
		errno = EPIPE;
		return -1;
	}
	return n;
}

/* is the client gone?  What it sent meanwhile is kept for later */
int
front_tls_gone(struct front_conn *c)
{
	struct front_tls	*t = c->c_tls;

	if (t->t_rxoff < t->t_rxlen)
		return 0;
	return front_tls_fill(c) == -1;
}

/* the response is complete and no other follows: close_notify, once */
void
front_tls_notify(struct front_conn *c)
{
	struct front_tls	*t = c->c_tls;

	if (!t->t_ready || t->t_notified)
		return;
	t->t_notified = 1;
	t->t_rxoff = t->t_rxlen = 0;
	t->t_rxmore = 0;
	front_tls_queue_del(t);
	(void)tls_close(t->t_ctx);	/* best effort: never waited for */
}

/*
 * The connection closes; clean says no response was cut short, so the
 * end may be announced.  A cut response ends without close_notify: the
 * client must see it as cut, as it does a reset on plain HTTP.
 */
void
front_tls_end(struct front_conn *c, int clean)
{
	struct front_tls	*t = c->c_tls;

	if (clean)
		front_tls_notify(c);
	front_tls_queue_del(t);
	tls_free(t->t_ctx);
	explicit_bzero(t->t_rx, sizeof(t->t_rx));
	free(t);
	c->c_tls = NULL;
}

/*
 * The loop's own EPOLLIN, for connections with plaintext waiting in
 * t_rx: up to *budget of them (those queued before this round), each one
 * that still wants it.
 */
struct front_conn *
front_tls_next_pending(size_t *budget)
{
	struct front_tls	*t;

	while (*budget > 0 && (t = TAILQ_FIRST(&front_tls_queue)) != NULL) {
		(*budget)--;
		front_tls_queue_del(t);
		if ((t->t_want & EPOLLIN) && front_tls_buffered(t))
			return t->t_conn;
	}
	return NULL;
}

size_t
front_tls_npending(void)
{
	return front_tls_nqueued;
}
