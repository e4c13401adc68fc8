/* SPDX-License-Identifier: ISC */
/*
 * msg.h: the wire protocol between parent, front and executor.
 * SOCK_SEQPACKET, one sendmsg = one message: a msg_hdr, then exactly one
 * fixed-size payload per type (a batch of access lines: cut to ma_len,
 * exactly), descriptors in SCM_RIGHTS.  The receiver
 * trusts nothing: msg_recv_checked() checks size, descriptor count, sender
 * role and every field (msg_validate()); a violation is fatal for the
 * receiver (proc_recv(), in proc.c: this file knows nothing of logging).
 */
#ifndef CGIJAIL_MSG_H
#define CGIJAIL_MSG_H

#include <assert.h>
#include <stddef.h>
#include <stdint.h>

#include "proc.h"

enum msg_type {
	MSG_NONE = 0,
	MSG_LOG,		/* front/executor -> parent: a log line */
	MSG_ACCESS,		/* front -> parent: access log lines */
	MSG_SHUTDOWN,		/* parent -> front/executor: drain and exit */
	MSG_EXEC_REQ,		/* front -> executor: run a script (3 fds) */
	MSG_EXEC_STARTED,	/* executor -> front: a refusal, a failed start */
	MSG_EXEC_DONE,		/* executor -> front: how the script ended */
	MSG_EXEC_KILL,		/* front -> executor: client gone, kill it */
	MSG_READY,		/* front/executor -> parent: set up, confined */
	MSG_METRICS_EXEC,	/* executor -> front: its counters, batched */
	MSG_METRICS_PARENT,	/* parent -> front: its counters */
	MSG_TYPE_MAX
};

struct msg_hdr {
	uint16_t	mh_type;
	uint16_t	mh_flags;	/* must be 0 */
	uint32_t	mh_len;		/* header + payload */
	uint64_t	mh_reqid;	/* 0 = not about a request */
};
static_assert(sizeof(struct msg_hdr) == 16, "msg_hdr layout");

#define MSG_LOG_TEXT_MAX	2048
#define MSG_LOG_LEVEL_MAX	3	/* LOG_LVL_DEBUG; log.c asserts it */
struct msg_log {
	int32_t		ml_level;	/* enum log_level, 0..MSG_LOG_LEVEL_MAX */
	/* NUL-terminated, escaped by the sender: no byte < 0x20, no 0x7f */
	char		ml_text[MSG_LOG_TEXT_MAX];
};
static_assert(sizeof(struct msg_log) == 4 + MSG_LOG_TEXT_MAX, "msg_log");

/*
 * Access lines, batched by the front (one message once its loop is idle
 * or the batch is due, not per request; sent cut to ma_len): ma_len
 * bytes of one or more lines, each non-empty, shorter than
 * MSG_ACCESS_MAX, NUL-terminated and escaped as ml_text.
 */
#define MSG_ACCESS_MAX		4096	/* one line, its NUL included */
#define MSG_ACCESS_BATCH	8192	/* two of the longest lines at least */
struct msg_access {
	uint32_t	ma_len;			/* 2..MSG_ACCESS_BATCH */
	char		ma_lines[MSG_ACCESS_BATCH];
};
static_assert(sizeof(struct msg_access) == 4 + MSG_ACCESS_BATCH,
    "msg_access");
static_assert(MSG_ACCESS_BATCH >= 2 * MSG_ACCESS_MAX, "MSG_ACCESS_BATCH");

#define MSG_SHUTDOWN_GRACE_MAX	60000
struct msg_shutdown {
	uint32_t	ms_grace_ms;	/* <= MSG_SHUTDOWN_GRACE_MAX */
};
static_assert(sizeof(struct msg_shutdown) == 4, "msg_shutdown");

#define MSG_METHOD_MAX		32
#define MSG_SCRIPT_MAX		1024
/* a part of the decoded path, which is no longer than er_request_uri */
#define MSG_PATHINFO_MAX	8192
#define MSG_QUERY_MAX		8192
#define MSG_URI_MAX		8192
#define MSG_PROTO_MAX		16
#define MSG_HOST_MAX		256
#define MSG_CTYPE_MAX		1024
#define MSG_ADDR_MAX		64	/* INET6_ADDRSTRLEN + slack */
#define MSG_HEADERS_MAX		16384
#define MSG_HEADER_NAME_MAX	64	/* bytes of one er_headers name */
#define MSG_USER_MAX		72	/* 64 bytes, a NUL, padding */

/* er_flags */
#define MSG_EXEC_F_TLS		0x1	/* request came over TLS */
#define MSG_EXEC_F_AUTH		0x2	/* cgijail authenticated er_remote_user */

/*
 * One request for the executor.  Typed fields only: the executor builds the
 * environment itself.  er_headers holds "Name\0Value\0...\0\0": names
 * [A-Za-z0-9-] only, values printable (0x20-0x7e, 0x09, 0x80-0xff).
 * er_script is a normalised URL path ("/cgi-bin/x.py") inside a CGI dir or
 * a cgi-route target; er_path_info is decoded ("" or starts with '/').
 * Checked on receipt (msg_validate): er_method a non-empty token; er_script
 * and er_path_info no control bytes, er_script without "//", "/./", "/../"
 * or a trailing "/." or "/.."; er_query and er_request_uri 0x21-0x7e only;
 * er_protocol "HTTP/1.0" or "HTTP/1.1"; er_server_name [A-Za-z0-9.:_~[]-];
 * er_content_type a field value like the er_headers values (an HTTP client
 * may send obs-text there); both addresses numeric IPv4 or IPv6
 * (inet_pton, no brackets, no zone); er_content_length >= -1; er_flags
 * only MSG_EXEC_F_*; er_remote_user 1-64 bytes 0x21-0x7e without ':'
 * with MSG_EXEC_F_AUTH, else empty; mh_reqid != 0.
 */
struct msg_exec_req {
	char		er_method[MSG_METHOD_MAX];
	char		er_script[MSG_SCRIPT_MAX];
	char		er_path_info[MSG_PATHINFO_MAX];
	char		er_query[MSG_QUERY_MAX];
	char		er_request_uri[MSG_URI_MAX];
	char		er_protocol[MSG_PROTO_MAX];	/* "HTTP/1.x" */
	char		er_server_name[MSG_HOST_MAX];
	char		er_content_type[MSG_CTYPE_MAX];	/* "" = none */
	char		er_peer_addr[MSG_ADDR_MAX];
	char		er_local_addr[MSG_ADDR_MAX];
	char		er_headers[MSG_HEADERS_MAX];
	char		er_remote_user[MSG_USER_MAX];	/* "" = none */
	int64_t		er_content_length;	/* -1 = no body */
	uint32_t	er_flags;
	uint16_t	er_peer_port;
	uint16_t	er_local_port;
};
static_assert(sizeof(struct msg_exec_req) == MSG_METHOD_MAX + MSG_SCRIPT_MAX +
    MSG_PATHINFO_MAX + MSG_QUERY_MAX + MSG_URI_MAX + MSG_PROTO_MAX +
    MSG_HOST_MAX + MSG_CTYPE_MAX + 2 * MSG_ADDR_MAX + MSG_HEADERS_MAX +
    MSG_USER_MAX + 8 + 4 + 2 + 2, "msg_exec_req");

/* how a start went; the front maps it to a status */
enum msg_exec_result {
	MSG_EXEC_OK = 0,
	MSG_EXEC_NOTFOUND,	/* 404 */
	MSG_EXEC_FORBIDDEN,	/* 403: policy, permissions, ownership */
	MSG_EXEC_FAILED,	/* 500: sandbox step or execve failed */
	MSG_EXEC_BUSY,		/* 503: max-scripts reached and queue full */
	MSG_EXEC_RESULT_MAX
};

struct msg_exec_started {
	int32_t		es_result;	/* enum msg_exec_result */
	int32_t		es_pid;		/* 0: only failed starts are sent */
	int32_t		es_errno;	/* when failed: why; >= 0 */
	char		es_reason[128];	/* short, for the log; 0x20-0x7e */
};
static_assert(sizeof(struct msg_exec_started) == 3 * 4 + 128,
    "msg_exec_started");

enum msg_exec_end {
	MSG_END_EXIT = 0,	/* ed_code = exit status */
	MSG_END_SIGNAL,		/* ed_code = signal (SIGSYS: seccomp) */
	MSG_END_TIMEOUT,	/* killed at the wall-clock timeout */
	MSG_END_KILLED,		/* killed because the front asked */
	MSG_END_MAX
};

struct msg_exec_done {
	int32_t		ed_end;		/* enum msg_exec_end */
	int32_t		ed_code;	/* EXIT: 0-255, SIGNAL: 1-64 */
	uint64_t	ed_usec;	/* wall-clock run time */
	uint32_t	ed_flags;	/* MSG_DONE_F_* */
};
/* 20 bytes and 4 of tail padding, which the executor zeroes (memset) */
static_assert(sizeof(struct msg_exec_done) == 24, "msg_exec_done");
#define MSG_DONE_F_OOM		0x1	/* memory cgroup hit its limit */
#define MSG_DONE_F_PIDS		0x2	/* pids cgroup refused a fork */

struct msg_exec_kill {
	uint32_t	ek_reserved;	/* must be 0 */
};
static_assert(sizeof(struct msg_exec_kill) == 4, "msg_exec_kill");

/*
 * A role has finished its setup and confinement: until both have said so,
 * a role that ends is a failed start of the daemon, not a crash.  Once.
 */
struct msg_ready {
	uint32_t	mr_reserved;	/* must be 0 */
};
static_assert(sizeof(struct msg_ready) == 4, "msg_ready");

/*
 * The executor's counters since it started, for /metrics: sent in
 * batches while they change, never per request.  Hostile input to the
 * front like every message: the gauges are bounded, the scripts that
 * ended are no more than those that started (the histogram's count),
 * no sum wraps (msg_validate()), and no counter goes down from one
 * message to the next (msg_metrics_exec_follows(); the pair restarts
 * together, so the front never sees an executor's counters begin anew).
 */
#define MSG_MX_SPAWN_BUCKETS	16	/* the last one is +Inf */
/* the spawn histogram's upper bounds (clone to exec), microseconds */
#define MSG_MX_SPAWN_BOUNDS_US	{ 500, 1000, 2000, 3000, 4000, 5000, \
	7500, 10000, 15000, 20000, 30000, 50000, 100000, 250000, 1000000 }
#define MSG_MX_RUNNING_MAX	4096	/* max-scripts' bound */
#define MSG_MX_QUEUED_MAX	256	/* the executor's queue's bound */

/* how a script that ran ended (mx_ended's index) */
enum msg_mx_end {
	MSG_MX_EXIT_ZERO = 0,
	MSG_MX_EXIT_NONZERO,
	MSG_MX_SIGNAL,		/* a signal no limit explains */
	MSG_MX_SECCOMP,		/* SIGSYS: its seccomp filter */
	MSG_MX_TIMEOUT,		/* killed at the wall-clock timeout */
	MSG_MX_LIMIT,		/* memory, CPU, file size, processes */
	MSG_MX_KILLED,		/* the client left, or the server stopped */
	MSG_MX_END_MAX
};

/* a script the executor would not run (mx_refused's index) */
enum msg_mx_refusal {
	MSG_MX_NOT_FOUND = 0,
	MSG_MX_FORBIDDEN,
	MSG_MX_BUSY,
	MSG_MX_REFUSAL_MAX
};

struct msg_metrics_exec {
	uint64_t	mx_ended[MSG_MX_END_MAX];
	uint64_t	mx_refused[MSG_MX_REFUSAL_MAX];
	uint64_t	mx_start_failed;	/* never reached its exec */
	/* clone to exec of each script that ran, per bucket (not summed) */
	uint64_t	mx_spawn[MSG_MX_SPAWN_BUCKETS];
	uint64_t	mx_spawn_usec;		/* their sum */
	uint32_t	mx_running;		/* <= MSG_MX_RUNNING_MAX */
	uint32_t	mx_queued;		/* <= MSG_MX_QUEUED_MAX */
};
static_assert(sizeof(struct msg_metrics_exec) == 8 * (MSG_MX_END_MAX +
    MSG_MX_REFUSAL_MAX + 1 + MSG_MX_SPAWN_BUCKETS + 1) + 8,
    "msg_metrics_exec");

/*
 * The parent's counters: sent to each new front, and again when one
 * changes.  The start time never changes; the counters never go down.
 */
#define MSG_MX_TIME_MAX_MS	(1ULL << 47)	/* past the year 6000 */
struct msg_metrics_parent {
	uint64_t	mp_start_ms;	/* the daemon's start, since the epoch */
	uint64_t	mp_restarts;	/* of the pair, after a crash */
	uint64_t	mp_reloads;	/* SIGHUP: a new configuration serves */
	uint64_t	mp_reload_failures;	/* SIGHUP: the old one stays */
};
static_assert(sizeof(struct msg_metrics_parent) == 32,
    "msg_metrics_parent");

/* the largest payload, for receive buffers */
#define MSG_PAYLOAD_MAX		sizeof(struct msg_exec_req)
static_assert(sizeof(struct msg_log) <= MSG_PAYLOAD_MAX &&
    sizeof(struct msg_access) <= MSG_PAYLOAD_MAX, "MSG_PAYLOAD_MAX");
#define MSG_FDS_MAX		3

/*
 * Validate a received payload of a known type (pure, no I/O).
 * Returns 0, or -1 and a static reason in *why.
 */
int	msg_validate(enum msg_type, const void *payload, size_t len,
	    int nfds, enum proc_role from, const char **why);
/* expected payload size of a type, 0 for unknown */
size_t	msg_payload_size(enum msg_type);
/* may it be sent (the table agrees)?  0 or -1 (pure) */
int	msg_send_ok(enum msg_type, uint64_t reqid, const void *payload,
	    size_t len, const int *fds, int nfds);
/* NULL, or why a header received as n bytes in all breaks the rules */
const char *msg_check_head(const struct msg_hdr *, size_t n);
/*
 * NULL if next may follow prev (both valid) from the same sender: no
 * counter lower, the start time unchanged; else why not (pure)
 */
const char *msg_metrics_exec_follows(const struct msg_metrics_exec *prev,
	    const struct msg_metrics_exec *next);
const char *msg_metrics_parent_follows(const struct msg_metrics_parent *prev,
	    const struct msg_metrics_parent *next);

/* msg_io.c: send one message; fds may be NULL. 0 or -1 (errno set) */
int	msg_send(int sock, enum msg_type, uint64_t reqid,
	    const void *payload, size_t len, const int *fds, int nfds);
/*
 * msg_io.c: receive one message into hdr/payload (MSG_PAYLOAD_MAX bytes).
 * Received fds are close-on-exec and fstat-checked (must be FIFOs).
 * Returns 1 with a valid message, 0 on EOF (or ECONNRESET), -1 on any
 * recvmsg error with errno set, or -2 on a protocol violation with the
 * reason in *why and every received fd closed.  The parent, which
 * survives its peers, calls it directly; a child role calls proc_recv(),
 * for which a violation is fatal.
 */
int	msg_recv_checked(int sock, enum proc_role from, struct msg_hdr *hdr,
	    void *payload, int *fds, int *nfds, const char **why);

/*
 * helpers for fixed char fields: copy srclen bytes and a NUL; -1 with dst
 * emptied when it does not fit or src holds a NUL
 */
int	msg_strset(char *dst, size_t dstsz, const char *src, size_t srclen);

#endif
