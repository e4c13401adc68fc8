/* SPDX-License-Identifier: ISC */
/*
 * front.h: the front role's interface between its files.  Front role only.
 * Each file calls only down this list, or across within its own layer:
 *
 *   front.c          setup, the epoll loop and its dispatch: accept,
 *                    timeouts, reading and parsing a request head
 *   front_route.c    where a request goes; static files (via static.c,
 *                    kept open by static_cache.c)
 *   front_cgi.c      the CGI relay: request, body, the executor's word
 *   front_cgi_out.c  the relay's other half: the script's stdout
 *   front_cgi_late.c the end of a relay, the script's stderr, relays that
 *                    outlive their response (the three share
 *                    front_cgi_priv.h)
 *   front_exec.c     the executor channel's send queue
 *   front_conn.c     a connection's services: events, a request's
 *                    buffers (none while idle), output buffer, flush,
 *                    heads, error pages, access log, request done, close,
 *                    deferred free; the clock
 *   front_shed.c     connection limits: counted per address, met by
 *                    shedding the connection that made least progress
 *   front_proxy.c    the PROXY header of a trusted load balancer: the
 *                    client's address (proxy.c parses it)
 *   front_tls.c      TLS: the handshake, every read and write of a TLS
 *                    connection, close_notify (the keys: keys.c)
 *   front_auth.c     HTTP Basic: the field, the verifier's answers (a
 *                    process of its own, auth_verify.c), a brief cache,
 *                    failures limited per address
 *   front_userdir.c  /~NAME/: the student's tree, by descriptor
 *   front_metrics.c  the counters, and /metrics on a listener of its own
 *   path.c           (shared with the executor) symlinks resolved
 *                    beneath the document root
 *   front_filter.c   the front's seccomp filter, installed by front.c
 *
 * The router and the relay are one layer: a route starts a script, a
 * script's local redirect is routed anew.  front_conn.c calls up only
 * through the connection's c_ops, which front.c sets on accept: to parse
 * pipelined requests, to resume a script's stdout when the output has
 * drained, to tear down a relay when its connection closes.
 */
#ifndef CGIJAIL_FRONT_H
#define CGIJAIL_FRONT_H

#include <sys/queue.h>
#include <sys/socket.h>
#include <sys/types.h>

#include <stdint.h>

#include "auth.h"
#include "cgi_resp.h"
#include "config.h"
#include "http.h"
#include "log.h"

#define FRONT_IN_MAX		(HTTP_HEAD_MAX + 16384)
#define FRONT_OUT_MAX		(64 * 1024)	/* then stop producing */
#define FRONT_HEAD_TIMEOUT_MS	10000	/* request head: 408 */
#define FRONT_IDLE_TIMEOUT_MS	5000	/* keep-alive between requests */
#define FRONT_IO_TIMEOUT_MS	60000	/* no progress while sending/reading */
#define FRONT_BODY_TIMEOUT_MS	10000	/* a CGI body's next byte: 408 */
#define FRONT_BODIES_MIN	(128 * 1024 * 1024)	/* de-chunked, all */
#define FRONT_STDERR_MAX	(64 * 1024)	/* logged per request */

enum front_ev_kind {
	FRONT_EV_LISTEN = 1,
	FRONT_EV_CLIENT,
	FRONT_EV_CGI_IN,	/* script stdin (we write) */
	FRONT_EV_CGI_OUT,	/* script stdout (we read) */
	FRONT_EV_CGI_ERR,	/* script stderr (we read) */
	FRONT_EV_LATE_OUT,	/* a script that has answered: stdout, dropped */
	FRONT_EV_LATE_ERR,	/* a script that has answered: stderr */
	FRONT_EV_EXEC,		/* executor channel */
	FRONT_EV_PARENT,	/* parent channel */
	FRONT_EV_AUTH,		/* the password verifier's socket */
	FRONT_EV_TIMER
};

struct front_conn;

struct front_ev {
	enum front_ev_kind	 fe_kind;
	int			 fe_fd;
	uint32_t		 fe_events;	/* currently registered */
	struct front_conn	*fe_conn;
	/* not in the epoll set yet: fe_events is what it will ask for */
	int			 fe_deferred;
};

enum front_state {
	FRONT_S_HEAD = 0,	/* reading a request head */
	FRONT_S_DISCARD,	/* reading and dropping a body we refuse */
	FRONT_S_RESPOND,	/* sending a static or error response */
	FRONT_S_CGI,		/* a script is running for this request */
	FRONT_S_PROXY,		/* reading a trusted sender's PROXY header */
	FRONT_S_TLS,		/* the TLS handshake */
	FRONT_S_AUTH,		/* waiting for the password verifier */
	FRONT_S_CHECK		/* a kept file's: its change check, due at
				 * the end of this turn (front_route.c) */
};

/*
 * A script's relay.  While its response is incomplete it belongs to its
 * connection (c_cgi); once the response is complete the connection goes
 * on and a late relay (fe_conn NULL) still logs the script's stderr.
 */
struct front_cgi {
	struct front_ev		 fc_in;		/* stdin pipe, our end */
	struct front_ev		 fc_out;
	struct front_ev		 fc_err;
	uint64_t		 fc_reqid;	/* its request's: c_reqid moves on */
	int			 fc_answered;	/* response complete: never killed */
	int			 fc_out_drop;	/* the rest of stdout is dropped */
	uint64_t		 fc_wait_ms;	/* stdout ended: DONE awaited until */
	uint64_t		 fc_stall_ms;	/* the body's next byte, until */
	int			 fc_done;	/* executor said DONE */
	int			 fc_end;	/* enum msg_exec_end */
	int			 fc_code;
	uint32_t		 fc_flags;
	int			 fc_out_eof;
	int			 fc_head_sent;	/* HTTP head is out */
	int			 fc_chunked;
	int			 fc_nph;
	int64_t			 fc_body_left;	/* request body still to pass */
	int64_t			 fc_resp_left;	/* script Content-Length */
	struct http_chunked	 fc_dechunk;
	int			 fc_collecting;	/* de-chunking the body */
	int			 fc_awaiting;	/* reading its body's first part */
	int			 fc_launched;	/* EXEC_REQ sent */
	char			*fc_body;	/* de-chunked body */
	size_t			 fc_body_len;
	size_t			 fc_body_cap;
	size_t			 fc_body_off;
	char			 fc_path_info[HTTP_TARGET_MAX + 1];
	char			 fc_query[HTTP_TARGET_MAX + 1];
	struct cgi_response	*fc_resp;
	char			*fc_obuf;	/* script stdout until head */
	size_t			 fc_olen;
	char			 fc_ebuf[1024];	/* partial stderr line */
	size_t			 fc_elen;
	size_t			 fc_err_logged;
	size_t			 fc_err_dropped;
	char			 fc_tail[2048 + 1];	/* stderr, for --debug */
	size_t			 fc_tail_unlogged; /* its last bytes, lines not logged */
	int			 fc_tail_cut;	/* its first line may be cut */
	char			 fc_script[1024];
	struct front_cgi	*fc_next_dead;
	struct front_cgi	*fc_next_late;
};

/* what a connection is to front_shed.c: a candidate to shed, or not */
enum front_shed_kind {
	FRONT_SHED_NONE = 0,	/* being served (or closing): never shed */
	FRONT_SHED_IDLE,	/* keep-alive, between requests */
	FRONT_SHED_HEAD		/* sending a request head */
};
#define FRONT_SHED_NQ	2	/* queues per scope: idle, head */

struct front_bufs;
struct front_peer;
struct front_tls;
struct static_cache_ent;

/*
 * The connection layer's only calls up, set by whoever accepts the
 * connection (front.c), so front_conn.c need not know who is above it.
 */
struct front_conn_ops {
	/* a request is done and more bytes wait: parse the next one */
	void	(*co_next_request)(struct front_conn *);
	/* the output buffer drained while a script runs: read it again */
	void	(*co_output_drained)(struct front_conn *);
	/* the connection closes with c_cgi set: tear the relay down */
	void	(*co_relay_close)(struct front_conn *);
};

struct front_conn {
	struct front_ev		 c_ev;
	const struct front_conn_ops *c_ops;
	uint64_t		 c_reqid;
	enum front_state	 c_state;
	char			 c_peer_addr[64];
	uint16_t		 c_peer_port;
	char			 c_local_addr[64];
	uint16_t		 c_local_port;
	struct front_peer	*c_peer;	/* its address (front_shed.c) */
	unsigned		 c_listen_opts;	/* CONFIG_LISTEN_* of its socket */
	struct front_tls	*c_tls;		/* on a tls listener */
	int			 c_proxy_sniff;	/* untrusted: refuse a header */
	/* this request passed authenticate line c_auth - 1 (0: none) */
	int			 c_auth;
	char			 c_auth_user[AUTH_USER_MAX + 1];
	enum front_shed_kind	 c_shed_kind;
	TAILQ_ENTRY(front_conn)	 c_shed_all;	/* queue of every address */
	TAILQ_ENTRY(front_conn)	 c_shed_peer;	/* its address's queue */

	/* a request's buffers: from its first byte until the connection is
	 * idle again (front_conn_bufs()); c_in holds FRONT_IN_MAX bytes */
	struct front_bufs	*c_bufs;	/* owns c_in and c_req */
	char			*c_in;
	size_t			 c_inlen;
	struct http_request	*c_req;
	int			 c_head_started;

	char			*c_out;
	size_t			 c_outlen;
	size_t			 c_outoff;
	size_t			 c_outcap;
	int			 c_dead;
	int			 c_in_process;
	uint64_t		 c_rgen;	/* front_recvs at its last bytes */
	struct front_conn	*c_check_next;	/* FRONT_S_CHECK's list */
	int			 c_redirects;
	int			 c_file_fd;
	struct static_cache_ent	*c_file_ent;	/* c_file_fd is its, or NULL */
	off_t			 c_file_off;
	off_t			 c_file_left;
	int			 c_close_after;
	int			 c_head_only;	/* HEAD: no body bytes */
	int			 c_userdir;	/* this request is /~NAME/ */
	int			 c_metrics;	/* on the metrics listener */

	uint64_t		 c_deadline_ms;
	uint64_t		 c_start_us;
	int			 c_status;
	uint64_t		 c_body_bytes;
	int			 c_logged;
	uint64_t		 c_served;	/* requests answered on it */
	struct front_cgi	*c_cgi;
	struct front_conn	*c_next;	/* all-connections list */
	struct front_conn	*c_prev;
};

/* front.c: setup and the loop; these are set before the loop starts */
extern struct config	*front_cfg;
extern int		 front_docroot_fd;

/*
 * Where a request's path is resolved: the document root (prefix "") or a
 * student's tree (its descriptor, its URL prefix "/~NAME").
 */
struct front_tree {
	int		 ft_fd;
	char		 ft_prefix[2 + 32 + 1];	/* "/~" USERDIR_NAME_MAX */
};

/* front_conn.c */
extern int		 front_epfd;	/* the loop's; created by front.c */
extern struct front_conn *front_conns;	/* every open connection */
extern int		 front_nconns;
extern int		 front_stopping;	/* front.c: shutting down */
/* front_conn.c: reads that brought client bytes, in order, so far */
extern uint64_t		 front_recvs;
uint64_t	front_now_ms(void);
uint64_t	front_now_us(void);
int		front_ev_set(struct front_ev *, uint32_t events);
/* one made with fe_deferred set joins the epoll set now, if it asked */
int		front_ev_commit(struct front_ev *);
void		front_ev_del(struct front_ev *);
int		front_out_append(struct front_conn *, const void *, size_t);
int		front_out_printf(struct front_conn *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));
void		front_begin_head(struct front_conn *, int status,
		    const char *reason);
void		front_error(struct front_conn *, int status);
/* the same page; with --debug it also says why (escaped here; may be NULL) */
void		front_error_why(struct front_conn *, int status,
		    const char *why);
/* and header lines of our own ("Name: value\r\n"...; may be NULL) */
void		front_error_hdr(struct front_conn *, int status,
		    const char *why, const char *hdr);
/* may this request's pages say why (--debug, or userdir-debug for ~)? */
int		front_debug(const struct front_conn *);
/* a log line under the request's id (log.c escapes it) */
void		front_log(struct front_conn *, enum log_level,
		    const char *, ...) __attribute__((format(printf, 3, 4)));
void		front_flush(struct front_conn *);
/* c_in and c_req, before the first byte of a request is read: 0, or -1 */
int		front_conn_bufs(struct front_conn *);
int		front_conn_recv(struct front_conn *);
/* nothing is to be read from the client: has it gone? */
int		front_conn_gone(struct front_conn *);
/* accepted (and its PROXY header read): TLS, or the request head */
void		front_conn_open(struct front_conn *);
/* a plain one: its request read before it joins the epoll set */
int		front_conn_first_recv(struct front_conn *);
void		front_conn_addr(const struct sockaddr_storage *, char *,
		    size_t, uint16_t *);
void		front_conn_local(struct front_conn *);
void		front_request_done(struct front_conn *);
void		front_conn_add(struct front_conn *);
void		front_conn_close(struct front_conn *);
void		front_defer_free(struct front_cgi *);
void		front_reap_dead(void);

/* front_exec.c */
extern int		 front_exec_fd;
extern struct front_ev	 front_exec_ev;	/* set up by front.c */
/* to the executor now, or queued in order; the fds are taken (closed) */
int		front_exec_send(int type, uint64_t reqid, const void *payload,
		    size_t len, int *fds, int nfds);
/* drop a queued, unsent MSG_EXEC_REQ: 1 if there was one */
int		front_exec_cancel(uint64_t reqid);
void		front_exec_writable(void);

/* front_shed.c */
void	front_shed_init(void);
/* a new connection, already listed: 0 keep it, -1 close it */
int	front_shed_admit(struct front_conn *, const struct sockaddr_storage *);
void	front_shed_track(struct front_conn *, enum front_shed_kind);
void	front_shed_forget(struct front_conn *);
/* out of descriptors: shed one anywhere; 1 if one was shed */
int	front_shed_one(void);
void	front_shed_tick(void);

/* front_shed.c: its PROXY header named the client: counted as that one */
int	front_shed_move(struct front_conn *, const struct sockaddr_storage *);

/* front_proxy.c */
int	front_proxy_trusted(const struct sockaddr_storage *);
void	front_proxy_readable(struct front_conn *);
/* a first request from an untrusted sender: -1 refused, 1 wait, 0 go on */
int	front_proxy_sniff(struct front_conn *);

/* front_tls.c */
void	front_tls_init(int fd, unsigned *opts, size_t optsmax,
	    size_t *nlisten);
int	front_tls_start(struct front_conn *);
void	front_tls_handshake(struct front_conn *);
uint32_t front_tls_events(struct front_conn *, uint32_t want);
uint32_t front_tls_ready(struct front_conn *, uint32_t events);
ssize_t	front_tls_recv(struct front_conn *, void *, size_t);
ssize_t	front_tls_send(struct front_conn *, const void *, size_t);
int	front_tls_gone(struct front_conn *);
void	front_tls_notify(struct front_conn *);
void	front_tls_end(struct front_conn *, int clean);
struct front_conn *front_tls_next_pending(size_t *budget);
size_t	front_tls_npending(void);
/* plaintext libtls has read for the connection and it has not taken */
int	front_tls_unread(const struct front_conn *);

/* front_auth.c: the verifier's files (keys.h's k_auth), taken over */
struct confine_ident;
void	front_auth_take(uint8_t *blob, size_t len);
/* as root, before the front's drop: the verifier starts (if needed) */
void	front_auth_start(const struct confine_ident *);
/* before routing: 0 go on, 1 answered or waiting for the verifier */
int	front_auth_request(struct front_conn *);
/* may path be served to this request (authenticate's prefixes)? */
int	front_auth_allows(const struct front_conn *, const char *path);
void	front_auth_dispatch(void);
/*
 * front_metrics.c.  The front's counters: plain integers the request
 * path bumps inline (no call, no system call).  A connection of the
 * metrics listener (c_metrics) shows in none of them.
 */
struct front_metrics {
	uint64_t	fm_requests[5];		/* by status class: 1xx-5xx */
	uint64_t	fm_bytes_in;		/* read from clients */
	uint64_t	fm_bytes_out;		/* written to clients */
	uint64_t	fm_accepted;
	uint64_t	fm_shed;
	uint64_t	fm_refused;		/* nothing to shed: closed */
	int		fm_conns;		/* open on the metrics listener */
};
extern struct front_metrics	front_mx;
extern int			front_metrics_fd;	/* -1: none */
void	front_metrics_init(void);
int	front_metrics_listener(int fd);
/* a new connection on the metrics listener: 0, or -1 to close it */
int	front_metrics_admit(struct front_conn *);
void	front_metrics_forget(struct front_conn *);
void	front_metrics_serve(struct front_conn *);
/* a message's payload, validated by msg.c; fatal if a counter fell */
void	front_metrics_from_exec(const void *);
void	front_metrics_from_parent(const void *);

static inline void
front_metrics_in(const struct front_conn *c, size_t n)
{
	if (!c->c_metrics)
		front_mx.fm_bytes_in += n;
}

static inline void
front_metrics_out(const struct front_conn *c, size_t n)
{
	if (!c->c_metrics)
		front_mx.fm_bytes_out += n;
}

/* a request answered (its access line): its status class */
static inline void
front_metrics_request(const struct front_conn *c)
{
	if (!c->c_metrics && c->c_status >= 100 && c->c_status < 600)
		front_mx.fm_requests[c->c_status / 100 - 1]++;
}

/* front_route.c */
void	front_route(struct front_conn *, const char *path,
	    const char *query, int redirects);
/* the end of a turn: the requests that wait for the cache's check */
void	front_route_checks(void);

/* front_userdir.c: the trees confine_front_root() opened, one per account */
void	front_userdir_init(int *trees, size_t ntrees);
/*
 * path is /~NAME or /~NAME/...: 1 with the student's tree and *rest the
 * path below it ("" for /~NAME itself); 0 for any name that is not a
 * student served (unknown, a system account, no directory: all alike).
 */
int	front_userdir_find(const char *path, struct front_tree *,
	    const char **rest);


/* front_cgi.c */
void	front_cgi_start(struct front_conn *, const char *script,
	    const char *path_info, const char *query);
void	front_cgi_event(struct front_conn *, struct front_ev *, uint32_t);
void	front_cgi_client_readable(struct front_conn *);
void	front_cgi_dispatch_exec(void);
struct front_conn *front_cgi_lookup(uint64_t reqid);
/* the connection's deadline passed while its relay waits */
void	front_cgi_deadline(struct front_conn *);
void	front_cgi_body_timeout(struct front_conn *);
void	front_cgi_arm(struct front_conn *);

/* front_cgi_out.c */
void	front_cgi_output_drained(struct front_conn *);

/* front_cgi_late.c */
void	front_cgi_abort(struct front_conn *);
void	front_cgi_late_event(struct front_ev *, uint32_t);	/* LATE_* */

#endif
