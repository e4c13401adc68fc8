/* SPDX-License-Identifier: ISC */
/*
 * front_shed.c: connection limits in the front, by shedding, never by
 * refusing: at max-connections, or at max-connections-per-client for one
 * address, the new connection is kept and the one of that scope that has
 * made least progress is closed: the longest idle keep-alive connection,
 * else the oldest still sending its head; never one being served.  One
 * address can be a whole class behind NAT or a proxy.  Connections are
 * counted per address in a hash table with a secret seed, and each scope
 * keeps its candidates in two queues in the order they became candidates,
 * so a victim is found in O(1).  A connection from a trusted load balancer
 * counts for the client its PROXY header names.  Front role; trusts no
 * client.
 */
#include <sys/random.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "front.h"
#include "log.h"

#define FRONT_SHED_BUCKETS_MIN	64
#define FRONT_SHED_LOG_MS	1000	/* at most one line a second */

TAILQ_HEAD(front_shed_q, front_conn);

/* one client address: its connections and its candidates to shed */
struct front_peer {
	struct front_peer	*fp_next;	/* hash chain */
	struct in6_addr		 fp_addr;	/* IPv4 as ::ffff:a.b.c.d */
	int			 fp_nconns;
	struct front_shed_q	 fp_q[FRONT_SHED_NQ];
};

/* what was shed since the last log line */
struct front_shed_stats {
	unsigned long	 ss_idle;	/* idle keep-alive connections */
	unsigned long	 ss_head;	/* connections sending their head */
	unsigned long	 ss_global;	/* of those: at max-connections */
	unsigned long	 ss_peer;	/* at max-connections-per-client */
	unsigned long	 ss_refused;	/* nothing to shed: the new one closed */
	char		 ss_addr[64];	/* the last address shed for */
	uint64_t	 ss_first_ms;	/* when the first of them was */
};

static struct front_shed_q	 front_shed_all[FRONT_SHED_NQ];
static struct front_peer	**front_peers;
static size_t			 front_peer_nbuckets;
static size_t			 front_npeers;
static uint64_t			 front_shed_seed[2];
static struct front_shed_stats	 front_shed_st;
static uint64_t			 front_shed_logged_ms;

/* as root at setup: the queues, the table and its secret seed */
void
front_shed_init(void)
{
	size_t	i;

	for (i = 0; i < FRONT_SHED_NQ; i++)
		TAILQ_INIT(&front_shed_all[i]);
	if (getrandom(front_shed_seed, sizeof(front_shed_seed), 0) !=
	    (ssize_t)sizeof(front_shed_seed))
		fatal("getrandom");
	front_peer_nbuckets = FRONT_SHED_BUCKETS_MIN;
	if ((front_peers = calloc(front_peer_nbuckets,
	    sizeof(*front_peers))) == NULL)
		fatal("peer table");
}

/* keyed, so that a client cannot choose addresses that share a chain */
static size_t
front_shed_hash(const struct in6_addr *a)
{
	uint64_t	w[2], h;

	memcpy(w, a, sizeof(w));
	h = (w[0] ^ front_shed_seed[0]) * 0x9e3779b97f4a7c15ULL;
	h ^= h >> 31;
	h = (h ^ w[1] ^ front_shed_seed[1]) * 0xbf58476d1ce4e5b9ULL;
	h ^= h >> 29;
	return (size_t)h;
}

/* the address of a peer as the table's key */
static void
front_shed_key(const struct sockaddr_storage *ss, struct in6_addr *key)
{
	memset(key, 0, sizeof(*key));
	if (ss->ss_family == AF_INET6) {
		*key = ((const struct sockaddr_in6 *)(const void *)ss)->
		    sin6_addr;
		return;
	}
	key->s6_addr[10] = key->s6_addr[11] = 0xff;
	memcpy(&key->s6_addr[12], &((const struct sockaddr_in *)
	    (const void *)ss)->sin_addr, 4);
}

/* twice the buckets when there are more peers than buckets */
static void
front_shed_grow(void)
{
	struct front_peer	**nt, *p, *next;
	size_t			 i, n = front_peer_nbuckets * 2, b;

	if (front_npeers <= front_peer_nbuckets ||
	    (nt = calloc(n, sizeof(*nt))) == NULL)
		return;		/* no memory: longer chains, still correct */
	for (i = 0; i < front_peer_nbuckets; i++)
		for (p = front_peers[i]; p != NULL; p = next) {
			next = p->fp_next;
			b = front_shed_hash(&p->fp_addr) & (n - 1);
			p->fp_next = nt[b];
			nt[b] = p;
		}
	free(front_peers);
	front_peers = nt;
	front_peer_nbuckets = n;
}

/* the peer of key, made if new; NULL without memory */
static struct front_peer *
front_shed_peer(const struct in6_addr *key)
{
	struct front_peer	*p;
	size_t			 b, i;

	b = front_shed_hash(key) & (front_peer_nbuckets - 1);
	for (p = front_peers[b]; p != NULL; p = p->fp_next)
		if (memcmp(&p->fp_addr, key, sizeof(*key)) == 0)
			return p;
	if ((p = calloc(1, sizeof(*p))) == NULL)
		return NULL;
	p->fp_addr = *key;
	for (i = 0; i < FRONT_SHED_NQ; i++)
		TAILQ_INIT(&p->fp_q[i]);
	p->fp_next = front_peers[b];
	front_peers[b] = p;
	front_npeers++;
	front_shed_grow();
	return p;
}

static void
front_shed_peer_free(struct front_peer *p)
{
	struct front_peer	**pp;

	pp = &front_peers[front_shed_hash(&p->fp_addr) &
	    (front_peer_nbuckets - 1)];
	while (*pp != NULL && *pp != p)
		pp = &(*pp)->fp_next;
	if (*pp == p)
		*pp = p->fp_next;
	front_npeers--;
	free(p);
}

/*
 * Where c stands: a candidate to shed (idle between requests, or sending
 * a head), or being served (none).  A connection that becomes a candidate
 * again goes to the end of its queue: the head of each queue is the one
 * idle longest, or sending its head for longest.
 */
void
front_shed_track(struct front_conn *c, enum front_shed_kind kind)
{
	if (c->c_peer == NULL || c->c_shed_kind == kind)
		return;
	if (c->c_shed_kind != FRONT_SHED_NONE) {
		TAILQ_REMOVE(&front_shed_all[c->c_shed_kind - 1], c,
		    c_shed_all);
		TAILQ_REMOVE(&c->c_peer->fp_q[c->c_shed_kind - 1], c,
		    c_shed_peer);
	}
	c->c_shed_kind = kind;
	if (kind != FRONT_SHED_NONE) {
		TAILQ_INSERT_TAIL(&front_shed_all[kind - 1], c, c_shed_all);
		TAILQ_INSERT_TAIL(&c->c_peer->fp_q[kind - 1], c, c_shed_peer);
	}
}

/* c closes: out of its queues and its address's count */
void
front_shed_forget(struct front_conn *c)
{
	struct front_peer	*p = c->c_peer;

	if (p == NULL)
		return;
	front_shed_track(c, FRONT_SHED_NONE);
	c->c_peer = NULL;
	if (--p->fp_nconns == 0)
		front_shed_peer_free(p);
}

/* one line for what was shed since the last one */
static void
front_shed_log(void)
{
	struct front_shed_stats	*st = &front_shed_st;

	if (st->ss_idle + st->ss_head + st->ss_refused == 0)
		return;
	log_warnx("shed %lu connections in %llu ms (%lu idle keep-alive, %lu "
	    "sending their head; %lu at max-connections %d, %lu at "
	    "max-connections-per-client %d, last from %s); %lu new ones "
	    "closed with nothing to shed; %d open",
	    st->ss_idle + st->ss_head, (unsigned long long)(front_now_ms() -
	    st->ss_first_ms), st->ss_idle, st->ss_head, st->ss_global,
	    front_cfg->cf_max_connections, st->ss_peer,
	    front_cfg->cf_max_per_client, st->ss_addr, st->ss_refused,
	    front_nconns);
	memset(st, 0, sizeof(*st));
	front_shed_logged_ms = front_now_ms();
}

/* each second (the front's tick): what is pending is logged */
void
front_shed_tick(void)
{
	if (front_now_ms() - front_shed_logged_ms >= FRONT_SHED_LOG_MS)
		front_shed_log();
}

/* one more shed (or refused) for the next line, for address addr */
static void
front_shed_count(unsigned long *counter, const char *addr)
{
	(*counter)++;
	if (front_shed_st.ss_first_ms == 0)
		front_shed_st.ss_first_ms = front_now_ms();
	strlcpy(front_shed_st.ss_addr, addr, sizeof(front_shed_st.ss_addr));
}

/*
 * Close the connection of one scope (a peer's queues, or the global ones)
 * that made least progress, never keep: 1 if one was shed, 0 if nothing
 * in that scope may be shed.
 */
static int
front_shed_victim(struct front_shed_q *q, int peer_scope,
    struct front_conn *keep)
{
	struct front_conn	*v;
	int			 i;

	for (i = 0; i < FRONT_SHED_NQ; i++) {
		v = TAILQ_FIRST(&q[i]);
		if (v == keep)
			v = peer_scope ? TAILQ_NEXT(v, c_shed_peer) :
			    TAILQ_NEXT(v, c_shed_all);
		if (v == NULL)
			continue;
		front_shed_count(i == FRONT_SHED_IDLE - 1 ?
		    &front_shed_st.ss_idle : &front_shed_st.ss_head,
		    v->c_peer_addr);
		front_shed_count(peer_scope ? &front_shed_st.ss_peer :
		    &front_shed_st.ss_global, v->c_peer_addr);
		front_mx.fm_shed++;
		front_conn_close(v);
		return 1;
	}
	return 0;
}

/* out of descriptors: make room by shedding one anywhere */
int
front_shed_one(void)
{
	int	r = front_shed_victim(front_shed_all, 0, NULL);

	front_shed_tick();
	return r;
}

/*
 * c (not counted) is counted for the address of ss and queued as kind;
 * past max-connections-per-client another of that address is shed.  1:
 * done; 0: nothing to shed; -1: no memory.
 */
static int
front_shed_join(struct front_conn *c, const struct sockaddr_storage *ss,
    enum front_shed_kind kind)
{
	struct in6_addr	 key;
	int		 perclient = front_cfg->cf_max_per_client;

	front_shed_key(ss, &key);
	if ((c->c_peer = front_shed_peer(&key)) == NULL)
		return -1;
	c->c_peer->fp_nconns++;
	front_shed_track(c, kind);
	if (perclient > 0 && c->c_peer->fp_nconns > perclient)
		return front_shed_victim(c->c_peer->fp_q, 1, c);
	return 1;
}

/*
 * A new connection c (listed, not yet counted) from ss: counted for its
 * address, queued as sending its head, then each limit it passes sheds
 * another.  0: keep c; -1: close it (no memory, or nothing to shed).
 */
int
front_shed_admit(struct front_conn *c, const struct sockaddr_storage *ss)
{
	int	ok;

	if ((ok = front_shed_join(c, ss, FRONT_SHED_HEAD)) == -1)
		return -1;
	/* the metrics listener's few are counted apart */
	if (ok && front_nconns - front_mx.fm_conns >
	    front_cfg->cf_max_connections)
		ok = front_shed_victim(front_shed_all, 0, c);
	if (!ok) {
		front_shed_count(&front_shed_st.ss_refused, c->c_peer_addr);
		front_mx.fm_refused++;
	}
	front_shed_tick();
	return ok ? 0 : -1;
}

/*
 * A trusted load balancer's PROXY header says whose connection c is: it
 * counts for that client from now on, and that client's limit applies
 * (its count behind the balancer is the balancer's, not the client's).
 * 0: keep c; -1: close it.
 */
int
front_shed_move(struct front_conn *c, const struct sockaddr_storage *ss)
{
	enum front_shed_kind	kind = c->c_shed_kind;
	int			ok;

	front_shed_forget(c);
	if ((ok = front_shed_join(c, ss, kind != FRONT_SHED_NONE ? kind :
	    FRONT_SHED_HEAD)) == 0)
		front_shed_count(&front_shed_st.ss_refused, c->c_peer_addr);
	front_shed_tick();
	return ok == 1 ? 0 : -1;
}
