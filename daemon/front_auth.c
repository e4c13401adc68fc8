/* SPDX-License-Identifier: ISC */
/*
 * front_auth.c: HTTP Basic authentication in the front.  A request under
 * an authenticate prefix needs an Authorization field whose password the
 * verifier (auth_verify.c, a process of the front's own) accepts; the
 * loop never waits on a hash: the connection waits, the loop goes on.  A
 * verified field is remembered briefly (its SHA-256, bounded); failures
 * are logged and limited per client address.  Front role; trusts no
 * client and no byte of the field.
 */
#include <sys/epoll.h>

#include <errno.h>
#include <fcntl.h>
#include <sha2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <vis.h>

#include "auth.h"
#include "confine.h"
#include "front.h"
#include "log.h"
#include "path.h"

#define FRONT_AUTH_PENDING_MAX	32	/* questions the verifier holds */
#define FRONT_AUTH_WAIT_MS	10000	/* for its answer: then closed */
#define FRONT_AUTH_CACHE_MAX	64	/* verified fields remembered */
#define FRONT_AUTH_CACHE_MS	30000	/* for so long */
#define FRONT_AUTH_ADDRS	256	/* client addresses with failures */
#define FRONT_AUTH_FAILS_MAX	10	/* failures per address per window */
#define FRONT_AUTH_WINDOW_MS	60000

/* a field, as the cache knows it: SHA-256 of its line's index and value */
struct front_auth_key {
	uint8_t		fak_d[SHA256_DIGEST_LENGTH];
};

struct front_auth_pending {
	uint64_t		fap_reqid;
	struct front_auth_key	fap_key;
	uint32_t		fap_line;	/* index in cf_auth */
	char			fap_user[AUTH_USER_MAX + 1];
};

struct front_auth_cached {
	struct front_auth_key	fac_key;
	uint32_t		fac_line;
	char			fac_user[AUTH_USER_MAX + 1];
	uint64_t		fac_until_ms;
};

struct front_auth_fails {
	char		faf_addr[64];
	uint64_t	faf_since_ms;	/* the window's start */
	unsigned	faf_n;
};

static uint8_t			*front_auth_blob;
static size_t			 front_auth_blob_len;
static struct front_ev		 front_auth_ev = { .fe_kind = FRONT_EV_AUTH,
				    .fe_fd = -1 };
static struct front_auth_pending front_auth_pend[FRONT_AUTH_PENDING_MAX];
static size_t			 front_auth_phead, front_auth_pn;
static struct front_auth_cached	 front_auth_cache[FRONT_AUTH_CACHE_MAX];
static struct front_auth_fails	 front_auth_fails[FRONT_AUTH_ADDRS];

void
front_auth_take(uint8_t *blob, size_t len)
{
	front_auth_blob = blob;
	front_auth_blob_len = len;
}

/* before the front's drop: the verifier gets the hashes, we forget them */
void
front_auth_start(const struct confine_ident *id)
{
	int	fd;

	if (front_auth_blob == NULL)
		return;
	fd = auth_verify_start(front_auth_blob, front_auth_blob_len, id);
	explicit_bzero(front_auth_blob, front_auth_blob_len);
	free(front_auth_blob);
	front_auth_blob = NULL;
	if (fd == -1)
		fatal("the password verifier");
	if (fcntl(fd, F_SETFL, O_NONBLOCK) == -1)
		fatal("the password verifier's socket");
	front_auth_ev.fe_fd = fd;
	if (front_ev_set(&front_auth_ev, EPOLLIN) == -1)
		fatal("the password verifier's socket");
}

/* the authenticate line whose prefix holds path (the longest), or -1 */
static int
front_auth_line(const char *path)
{
	const struct config_auth	*ca;
	size_t				 i, n, best = 0;
	int				 line = -1;

	for (i = 0; i < front_cfg->cf_nauth; i++) {
		ca = &front_cfg->cf_auth[i];
		n = strlen(ca->ca_prefix);
		/* in any case: a casefolded tree is the same directory */
		if (path[0] == '/' && path_under_nocase(path, ca->ca_prefix,
		    n) && (line == -1 || n > best)) {
			line = (int)i;
			best = n;
		}
	}
	return line;
}

int
front_auth_allows(const struct front_conn *c, const char *path)
{
	int	line = front_auth_line(path);

	return line == -1 || c->c_auth == line + 1;
}

/* 401 with the line's realm; why for --debug's page */
static void
front_auth_challenge(struct front_conn *c, int line, const char *why)
{
	char	realm[2 * CONFIG_REALM_MAX + 3], hdr[sizeof(realm) + 64];

	if (auth_realm_quote(front_cfg->cf_auth[line].ca_realm, realm,
	    sizeof(realm)) == -1)
		(void)strlcpy(realm, "\"cgijail\"", sizeof(realm));
	(void)snprintf(hdr, sizeof(hdr), "WWW-Authenticate: Basic realm=%s, "
	    "charset=\"UTF-8\"\r\n", realm);
	front_error_hdr(c, 401, why, hdr);
}

/* the failures of c's address in the current window, or a free slot */
static struct front_auth_fails *
front_auth_fails_of(const struct front_conn *c, int make)
{
	struct front_auth_fails	*f, *old = &front_auth_fails[0];
	uint64_t		 now = front_now_ms();
	size_t			 i;

	for (i = 0; i < FRONT_AUTH_ADDRS; i++) {
		f = &front_auth_fails[i];
		if (f->faf_n > 0 && now - f->faf_since_ms >=
		    FRONT_AUTH_WINDOW_MS)
			f->faf_n = 0;	/* its window is over */
		if (f->faf_n > 0 && strcmp(f->faf_addr, c->c_peer_addr) == 0)
			return f;
		if (f->faf_n == 0 || f->faf_since_ms < old->faf_since_ms)
			old = f;
	}
	if (!make)
		return NULL;
	/* the oldest window goes when every slot is taken */
	(void)strlcpy(old->faf_addr, c->c_peer_addr, sizeof(old->faf_addr));
	old->faf_since_ms = now;
	old->faf_n = 0;
	return old;
}

/* a failed attempt: logged (the user made printable), counted, 401 */
static void
front_auth_failed(struct front_conn *c, int line, const char *user,
    const char *why)
{
	struct front_auth_fails	*f;
	char			 vis[4 * AUTH_USER_MAX + 1];

	if (user != NULL)
		(void)strnvis(vis, user, sizeof(vis), VIS_OCTAL | VIS_CSTYLE |
		    VIS_DQ | VIS_WHITE);
	front_log(c, LOG_LVL_WARN, "authenticate %s: %s%s%s%s from %s",
	    front_cfg->cf_auth[line].ca_prefix, user != NULL ? "user \"" :
	    "", user != NULL ? vis : "", user != NULL ? "\": " : "", why,
	    c->c_peer_addr);
	f = front_auth_fails_of(c, 1);
	f->faf_n++;
	front_auth_challenge(c, line, why);
}

/* too many failures from this address: 429 until its window ends */
static int
front_auth_limited(struct front_conn *c)
{
	struct front_auth_fails	*f;
	char			 hdr[64];
	uint64_t		 left;

	if ((f = front_auth_fails_of(c, 0)) == NULL ||
	    f->faf_n < FRONT_AUTH_FAILS_MAX)
		return 0;
	left = FRONT_AUTH_WINDOW_MS - (front_now_ms() - f->faf_since_ms);
	(void)snprintf(hdr, sizeof(hdr), "Retry-After: %llu\r\n",
	    (unsigned long long)(left + 999) / 1000);
	front_log(c, LOG_LVL_INFO, "authenticate: %u failures from %s in "
	    "%d s: 429, no password is checked", f->faf_n, c->c_peer_addr,
	    FRONT_AUTH_WINDOW_MS / 1000);
	front_error_hdr(c, 429, "too many failed attempts from this address",
	    hdr);
	return 1;
}

static void
front_auth_key(int line, const char *value, struct front_auth_key *k)
{
	SHA2_CTX	ctx;
	uint32_t	l = (uint32_t)line;

	SHA256Init(&ctx);
	SHA256Update(&ctx, (const uint8_t *)&l, sizeof(l));
	SHA256Update(&ctx, (const uint8_t *)value, strlen(value));
	SHA256Final(k->fak_d, &ctx);
}

static struct front_auth_cached *
front_auth_cache_find(const struct front_auth_key *k, int line)
{
	struct front_auth_cached	*e;
	uint64_t			 now = front_now_ms();
	size_t				 i;

	for (i = 0; i < FRONT_AUTH_CACHE_MAX; i++) {
		e = &front_auth_cache[i];
		if (e->fac_until_ms > now && e->fac_line == (uint32_t)line &&
		    memcmp(&e->fac_key, k, sizeof(*k)) == 0)
			return e;
	}
	return NULL;
}

/* remembered until FRONT_AUTH_CACHE_MS; the soonest to end makes room */
static void
front_auth_cache_add(const struct front_auth_pending *p)
{
	struct front_auth_cached	*e = &front_auth_cache[0];
	size_t				 i;

	for (i = 1; i < FRONT_AUTH_CACHE_MAX; i++)
		if (front_auth_cache[i].fac_until_ms < e->fac_until_ms)
			e = &front_auth_cache[i];
	e->fac_key = p->fap_key;
	e->fac_line = p->fap_line;
	(void)strlcpy(e->fac_user, p->fap_user, sizeof(e->fac_user));
	e->fac_until_ms = front_now_ms() + FRONT_AUTH_CACHE_MS;
}

static void
front_auth_granted(struct front_conn *c, int line, const char *user)
{
	c->c_auth = line + 1;
	(void)strlcpy(c->c_auth_user, user, sizeof(c->c_auth_user));
}

/* the question to the verifier; c waits for its answer.  -1: no room */
static int
front_auth_ask(struct front_conn *c, int line, const char *user,
    const char *pass, const struct front_auth_key *k)
{
	struct auth_verify_req		 q;
	struct front_auth_pending	*p;
	ssize_t				 n;

	if (front_auth_pn >= FRONT_AUTH_PENDING_MAX)
		return -1;
	memset(&q, 0, sizeof(q));
	q.avq_reqid = c->c_reqid;
	q.avq_file = (uint32_t)line;
	(void)strlcpy(q.avq_user, user, sizeof(q.avq_user));
	(void)strlcpy(q.avq_pass, pass, sizeof(q.avq_pass));
	n = write(front_auth_ev.fe_fd, &q, sizeof(q));
	explicit_bzero(&q, sizeof(q));
	if (n != (ssize_t)sizeof(q))
		return -1;
	p = &front_auth_pend[(front_auth_phead + front_auth_pn++) %
	    FRONT_AUTH_PENDING_MAX];
	p->fap_reqid = c->c_reqid;
	p->fap_key = *k;
	p->fap_line = (uint32_t)line;
	(void)strlcpy(p->fap_user, user, sizeof(p->fap_user));
	c->c_state = FRONT_S_AUTH;
	c->c_deadline_ms = front_now_ms() + FRONT_AUTH_WAIT_MS;
	(void)front_ev_set(&c->c_ev, 0);
	return 0;
}

/* the one Authorization field; NULL with *why NULL when there is none */
static const char *
front_auth_field(const struct http_request *r, const char **why)
{
	const char	*v = NULL;
	size_t		 i;

	*why = NULL;
	for (i = 0; i < r->hr_nfields; i++) {
		if (strcasecmp(http_field_name(r, i), "Authorization") != 0)
			continue;
		if (v != NULL) {
			*why = "more than one Authorization field";
			return NULL;
		}
		v = http_field_value(r, i);
	}
	return v;
}

int
front_auth_request(struct front_conn *c)
{
	struct http_request		*r = c->c_req;
	struct front_auth_key		 k;
	struct front_auth_cached	*e;
	const char			*v, *why;
	char				 user[AUTH_USER_MAX + 1];
	char				 pass[AUTH_PASS_MAX + 1];
	int				 line, rc = 1;

	c->c_auth = 0;
	c->c_auth_user[0] = '\0';
	if ((line = front_auth_line(r->hr_path)) == -1)
		return 0;
	/* a refusal does not read the body */
	if (r->hr_content_length > 0 || r->hr_chunked)
		c->c_close_after = 1;
	v = front_auth_field(r, &why);
	if (v == NULL && why == NULL) {
		front_auth_challenge(c, line, "no Authorization field");
		return 1;
	}
	if (front_auth_limited(c))
		return 1;
	if (v == NULL || auth_basic_parse(v, user, pass, &why) !=
	    AUTH_BASIC_OK) {
		front_auth_failed(c, line, NULL, why);
		return 1;
	}
	front_auth_key(line, v, &k);
	if ((e = front_auth_cache_find(&k, line)) != NULL) {
		front_auth_granted(c, line, e->fac_user);
		rc = 0;
	} else if (front_auth_ask(c, line, user, pass, &k) == -1) {
		front_log(c, LOG_LVL_WARN, "authenticate: the password "
		    "verifier has %d questions: 503", FRONT_AUTH_PENDING_MAX);
		front_error(c, 503);
	}
	explicit_bzero(pass, sizeof(pass));
	return rc;
}

/* the connection that waits for reqid's answer, if it is still there */
static struct front_conn *
front_auth_waiting(uint64_t reqid)
{
	struct front_conn	*c;

	for (c = front_conns; c != NULL; c = c->c_next)
		if (c->c_reqid == reqid && c->c_state == FRONT_S_AUTH &&
		    !c->c_dead)
			return c;
	return NULL;
}

static void
front_auth_answer(const struct auth_verify_rep *rep)
{
	struct front_auth_pending	 p;
	struct front_conn		*c;
	struct http_request		*r;

	if (front_auth_pn == 0 ||
	    front_auth_pend[front_auth_phead].fap_reqid != rep->avr_reqid)
		fatalx("the password verifier answered no question");
	p = front_auth_pend[front_auth_phead];
	front_auth_phead = (front_auth_phead + 1) % FRONT_AUTH_PENDING_MAX;
	front_auth_pn--;
	if (rep->avr_ok == 1)
		front_auth_cache_add(&p);
	if ((c = front_auth_waiting(p.fap_reqid)) == NULL)
		return;		/* its client left meanwhile */
	c->c_state = FRONT_S_HEAD;
	c->c_deadline_ms = 0;
	if (rep->avr_ok != 1) {
		front_auth_failed(c, (int)p.fap_line, p.fap_user,
		    "wrong password, or no such user");
		return;
	}
	front_auth_granted(c, (int)p.fap_line, p.fap_user);
	r = c->c_req;
	front_route(c, r->hr_path, r->hr_query, 0);
}

/* the verifier's answers, in the order of the questions */
void
front_auth_dispatch(void)
{
	struct auth_verify_rep	rep;
	ssize_t			n;

	for (;;) {
		n = read(front_auth_ev.fe_fd, &rep, sizeof(rep));
		if (n == -1 && (errno == EAGAIN || errno == EINTR))
			return;
		if (n != (ssize_t)sizeof(rep))
			fatalx("the password verifier ended");
		front_auth_answer(&rep);
	}
}
