/* SPDX-License-Identifier: ISC */
/*
 * msg.c: the IPC messages between parent, front and executor, as data:
 * one table says what each role may send; every field is checked on
 * receipt.  Pure (no I/O): msg_io.c moves the messages.  Trusts no peer.
 */
#include <sys/types.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "msg.h"
#include "proc.h"

#define MSG_ROLE(r)	(1U << (r))
#define MSG_ER(f)	offsetof(struct msg_exec_req, f), \
			sizeof(((struct msg_exec_req *)NULL)->f)

/* the protocol, one row per type; anything not in it is a violation */
struct msg_rule {
	size_t		 mr_size;	/* payload size: exactly, or at most */
	int		 mr_nfds;	/* descriptors, exactly */
	unsigned int	 mr_from;	/* roles that may send it */
	int		 mr_reqid;	/* must name a request */
	const char	*(*mr_check)(const unsigned char *);
	/*
	 * A payload sent cut to what it uses: the size it says it has
	 * (len bytes of it are there), which must be len exactly; its
	 * check reads no further.  NULL: always mr_size.
	 */
	size_t		(*mr_used)(const unsigned char *, size_t len);
};

/* one char[] field of msg_exec_req: terminated, and each byte allowed */
struct msg_field {
	size_t		 mf_off;
	size_t		 mf_size;
	int		(*mf_ok)(unsigned char);
	const char	*mf_why;
};

static const char	*msg_check_log(const unsigned char *);
static const char	*msg_check_access(const unsigned char *);
static const char	*msg_check_shutdown(const unsigned char *);
static const char	*msg_check_exec_req(const unsigned char *);
static const char	*msg_check_started(const unsigned char *);
static const char	*msg_check_done(const unsigned char *);
static const char	*msg_check_kill(const unsigned char *);
static const char	*msg_check_ready(const unsigned char *);
static const char	*msg_check_mx_exec(const unsigned char *);
static const char	*msg_check_mx_parent(const unsigned char *);
static size_t		 msg_used_access(const unsigned char *, size_t);

static const struct msg_rule msg_rules[MSG_TYPE_MAX] = {
	/* -> parent */
	[MSG_LOG] = { sizeof(struct msg_log), 0,
	    MSG_ROLE(PROC_FRONT) | MSG_ROLE(PROC_EXECUTOR), 0, msg_check_log,
	    NULL },
	/* -> parent */
	[MSG_ACCESS] = { sizeof(struct msg_access), 0,
	    MSG_ROLE(PROC_FRONT), 0, msg_check_access, msg_used_access },
	/* -> front, executor */
	[MSG_SHUTDOWN] = { sizeof(struct msg_shutdown), 0,
	    MSG_ROLE(PROC_PARENT), 0, msg_check_shutdown, NULL },
	/* -> executor: the script's stdin, stdout and stderr */
	[MSG_EXEC_REQ] = { sizeof(struct msg_exec_req), 3,
	    MSG_ROLE(PROC_FRONT), 1, msg_check_exec_req, NULL },
	/* -> front */
	[MSG_EXEC_STARTED] = { sizeof(struct msg_exec_started), 0,
	    MSG_ROLE(PROC_EXECUTOR), 1, msg_check_started, NULL },
	/* -> front */
	[MSG_EXEC_DONE] = { sizeof(struct msg_exec_done), 0,
	    MSG_ROLE(PROC_EXECUTOR), 1, msg_check_done, NULL },
	/* -> executor */
	[MSG_EXEC_KILL] = { sizeof(struct msg_exec_kill), 0,
	    MSG_ROLE(PROC_FRONT), 1, msg_check_kill, NULL },
	/* -> parent */
	[MSG_READY] = { sizeof(struct msg_ready), 0,
	    MSG_ROLE(PROC_FRONT) | MSG_ROLE(PROC_EXECUTOR), 0,
	    msg_check_ready, NULL },
	/* -> front */
	[MSG_METRICS_EXEC] = { sizeof(struct msg_metrics_exec), 0,
	    MSG_ROLE(PROC_EXECUTOR), 0, msg_check_mx_exec, NULL },
	/* -> front */
	[MSG_METRICS_PARENT] = { sizeof(struct msg_metrics_parent), 0,
	    MSG_ROLE(PROC_PARENT), 0, msg_check_mx_parent, NULL },
};

/* log lines arrive escaped: no control byte may reach a terminal */
static int
msg_c_text(unsigned char c)
{
	return c >= 0x20 && c != 0x7f;
}

static int
msg_c_print(unsigned char c)
{
	return c >= 0x20 && c <= 0x7e;
}

static int
msg_c_vchar(unsigned char c)
{
	return c >= 0x21 && c <= 0x7e;
}

static int
msg_c_alnum(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	    (c >= 'A' && c <= 'Z');
}

/* RFC 9110 tchar */
static int
msg_c_tchar(unsigned char c)
{
	return msg_c_alnum(c) || (c != '\0' && strchr("!#$%&'*+-.^_`|~",
	    c) != NULL);
}

/* a Host the front accepted: reg-name (RFC 3986 unreserved) or [IPv6] */
static int
msg_c_host(unsigned char c)
{
	return msg_c_alnum(c) || (c != '\0' && strchr(".:-_~[]", c) != NULL);
}

static int
msg_c_hname(unsigned char c)
{
	return msg_c_alnum(c) || c == '-';
}

/* an HTTP field value: VCHAR, obs-text, SP, HT (RFC 9110 5.5) */
static int
msg_c_hvalue(unsigned char c)
{
	return (c >= 0x20 && c != 0x7f) || c == '\t';
}

/* what inet_ntop writes */
static int
msg_c_addr(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
	    (c >= 'A' && c <= 'F') || c == '.' || c == ':';
}

/* length of the string at s, or -1: no NUL within size, or a bad byte */
static ssize_t
msg_string(const unsigned char *s, size_t size, int (*ok)(unsigned char))
{
	size_t	i;

	for (i = 0; i < size && s[i] != '\0'; i++)
		if (!ok(s[i]))
			return -1;
	return i < size ? (ssize_t)i : -1;
}

/* payloads may sit at any alignment: integers are copied out */
static int32_t
msg_i32(const unsigned char *p, size_t off)
{
	int32_t	v;

	memcpy(&v, p + off, sizeof(v));
	return v;
}

static uint32_t
msg_u32(const unsigned char *p, size_t off)
{
	uint32_t	v;

	memcpy(&v, p + off, sizeof(v));
	return v;
}

static const char *
msg_check_log(const unsigned char *p)
{
	int32_t	lvl = msg_i32(p, offsetof(struct msg_log, ml_level));

	if (lvl < 0 || lvl > MSG_LOG_LEVEL_MAX)
		return "ml_level out of range";
	if (msg_string(p + offsetof(struct msg_log, ml_text), MSG_LOG_TEXT_MAX,
	    msg_c_text) == -1)
		return "ml_text unterminated or not escaped";
	return NULL;
}

/* ma_len, then that many bytes of lines, and nothing after them */
static size_t
msg_used_access(const unsigned char *p, size_t len)
{
	size_t	 head = offsetof(struct msg_access, ma_lines);

	if (len < head)
		return len + 1;		/* not even ma_len: never its size */
	return head + msg_u32(p, offsetof(struct msg_access, ma_len));
}

/* ma_len bytes of lines: each non-empty, short, escaped, terminated */
static const char *
msg_check_access(const unsigned char *p)
{
	const unsigned char	*l = p + offsetof(struct msg_access, ma_lines);
	uint32_t		 len;
	size_t			 i, start;

	len = msg_u32(p, offsetof(struct msg_access, ma_len));
	if (len < 2 || len > MSG_ACCESS_BATCH)
		return "ma_len out of range";
	if (l[len - 1] != '\0')
		return "ma_lines: the last line unterminated";
	for (i = start = 0; i < len; i++) {
		if (l[i] == '\0') {
			if (i == start)
				return "ma_lines: an empty line";
			if (i - start >= MSG_ACCESS_MAX)
				return "ma_lines: a line too long";
			start = i + 1;
		} else if (!msg_c_text(l[i]))
			return "ma_lines: a line not escaped";
	}
	return NULL;
}

static const char *
msg_check_shutdown(const unsigned char *p)
{
	if (msg_u32(p, offsetof(struct msg_shutdown, ms_grace_ms)) >
	    MSG_SHUTDOWN_GRACE_MAX)
		return "ms_grace_ms too long";
	return NULL;
}

/* "Name\0Value\0...\0": ends at an empty name, inside the array */
static const char *
msg_check_headers(const unsigned char *h, size_t size)
{
	size_t	i = 0;
	ssize_t	n;

	for (;;) {
		if ((n = msg_string(h + i, size - i, msg_c_hname)) == -1)
			return "er_headers: bad or unterminated name";
		if (n == 0)
			return NULL;
		if (n > MSG_HEADER_NAME_MAX)
			return "er_headers: name too long";
		i += (size_t)n + 1;
		if ((n = msg_string(h + i, size - i, msg_c_hvalue)) == -1)
			return "er_headers: bad or unterminated value";
		i += (size_t)n + 1;
	}
}

/* a normalised absolute URL path: no dot segments, no empty segments */
static const char *
msg_check_script(const char *s)
{
	size_t	len = strlen(s);

	if (s[0] != '/')
		return "er_script not absolute";
	if (strstr(s, "/../") != NULL || strstr(s, "/./") != NULL ||
	    strstr(s, "//") != NULL ||
	    (len >= 2 && strcmp(s + len - 2, "/.") == 0) ||
	    (len >= 3 && strcmp(s + len - 3, "/..") == 0))
		return "er_script not normalised";
	return NULL;
}

static const struct msg_field msg_exec_fields[] = {
	{ MSG_ER(er_method), msg_c_tchar, "er_method" },
	{ MSG_ER(er_script), msg_c_text, "er_script" },
	{ MSG_ER(er_path_info), msg_c_text, "er_path_info" },
	{ MSG_ER(er_query), msg_c_vchar, "er_query" },
	{ MSG_ER(er_request_uri), msg_c_vchar, "er_request_uri" },
	{ MSG_ER(er_protocol), msg_c_print, "er_protocol" },
	{ MSG_ER(er_server_name), msg_c_host, "er_server_name" },
	{ MSG_ER(er_content_type), msg_c_hvalue, "er_content_type" },
	{ MSG_ER(er_peer_addr), msg_c_addr, "er_peer_addr" },
	{ MSG_ER(er_local_addr), msg_c_addr, "er_local_addr" },
	{ MSG_ER(er_remote_user), msg_c_vchar, "er_remote_user" },
};

static int
msg_is_inet(const char *s)
{
	struct in6_addr	a;

	return inet_pton(AF_INET, s, &a) == 1 ||
	    inet_pton(AF_INET6, s, &a) == 1;
}

static const char *
msg_check_exec_req(const unsigned char *p)
{
	const char			*s = (const char *)p;
	size_t				 i;
	int64_t				 clen;
	uint32_t			 flags;

	for (i = 0; i < sizeof(msg_exec_fields) / sizeof(*msg_exec_fields);
	    i++)
		if (msg_string(p + msg_exec_fields[i].mf_off,
		    msg_exec_fields[i].mf_size, msg_exec_fields[i].mf_ok) == -1)
			return msg_exec_fields[i].mf_why;
	/* every string is terminated now; char fields need no alignment */
	if (s[offsetof(struct msg_exec_req, er_method)] == '\0')
		return "er_method empty";
	if ((s = msg_check_script((const char *)p +
	    offsetof(struct msg_exec_req, er_script))) != NULL)
		return s;
	s = (const char *)p + offsetof(struct msg_exec_req, er_path_info);
	if (s[0] != '\0' && s[0] != '/')
		return "er_path_info not absolute";
	s = (const char *)p + offsetof(struct msg_exec_req, er_protocol);
	if (strcmp(s, "HTTP/1.0") != 0 && strcmp(s, "HTTP/1.1") != 0)
		return "er_protocol";
	if (!msg_is_inet((const char *)p + offsetof(struct msg_exec_req,
	    er_peer_addr)) || !msg_is_inet((const char *)p +
	    offsetof(struct msg_exec_req, er_local_addr)))
		return "er_peer_addr or er_local_addr not an IP address";
	if ((s = msg_check_headers(p + offsetof(struct msg_exec_req,
	    er_headers), MSG_HEADERS_MAX)) != NULL)
		return s;
	memcpy(&clen, p + offsetof(struct msg_exec_req, er_content_length),
	    sizeof(clen));
	if (clen < -1)
		return "er_content_length below -1";
	flags = msg_u32(p, offsetof(struct msg_exec_req, er_flags));
	if (flags & ~(uint32_t)(MSG_EXEC_F_TLS | MSG_EXEC_F_AUTH))
		return "er_flags has unknown bits";
	s = (const char *)p + offsetof(struct msg_exec_req, er_remote_user);
	if ((flags & MSG_EXEC_F_AUTH) ? s[0] == '\0' || strlen(s) >
	    MSG_USER_MAX - 8 || strchr(s, ':') != NULL : s[0] != '\0')
		return "er_remote_user does not agree with MSG_EXEC_F_AUTH";
	return NULL;
}

static const char *
msg_check_started(const unsigned char *p)
{
	int32_t	res = msg_i32(p, offsetof(struct msg_exec_started, es_result));

	if (res < MSG_EXEC_OK || res >= MSG_EXEC_RESULT_MAX)
		return "es_result out of range";
	if (msg_i32(p, offsetof(struct msg_exec_started, es_pid)) < 0 ||
	    msg_i32(p, offsetof(struct msg_exec_started, es_errno)) < 0)
		return "es_pid or es_errno negative";
	if (msg_string(p + offsetof(struct msg_exec_started, es_reason),
	    sizeof(((struct msg_exec_started *)NULL)->es_reason),
	    msg_c_print) == -1)
		return "es_reason unterminated or not printable";
	return NULL;
}

static const char *
msg_check_done(const unsigned char *p)
{
	int32_t	end = msg_i32(p, offsetof(struct msg_exec_done, ed_end));
	int32_t	code = msg_i32(p, offsetof(struct msg_exec_done, ed_code));

	if (end < MSG_END_EXIT || end >= MSG_END_MAX)
		return "ed_end out of range";
	if (end == MSG_END_EXIT && (code < 0 || code > 255))
		return "ed_code not an exit status";
	if (end == MSG_END_SIGNAL && (code < 1 || code > 64))
		return "ed_code not a signal";
	if (msg_u32(p, offsetof(struct msg_exec_done, ed_flags)) &
	    ~(uint32_t)(MSG_DONE_F_OOM | MSG_DONE_F_PIDS))
		return "ed_flags has unknown bits";
	return NULL;
}

static const char *
msg_check_kill(const unsigned char *p)
{
	if (msg_u32(p, offsetof(struct msg_exec_kill, ek_reserved)) != 0)
		return "ek_reserved not 0";
	return NULL;
}

static const char *
msg_check_ready(const unsigned char *p)
{
	if (msg_u32(p, offsetof(struct msg_ready, mr_reserved)) != 0)
		return "mr_reserved not 0";
	return NULL;
}

/* n counters summed into *sum: -1 if the sum would wrap */
static int
msg_mx_sum(const uint64_t *v, size_t n, uint64_t *sum)
{
	size_t	i;

	*sum = 0;
	for (i = 0; i < n; i++) {
		if (v[i] > UINT64_MAX - *sum)
			return -1;
		*sum += v[i];
	}
	return 0;
}

/* the payload may sit at any alignment: the struct is copied out */
static const char *
msg_check_mx_exec(const unsigned char *p)
{
	struct msg_metrics_exec	mx;
	uint64_t		ran, ended;

	memcpy(&mx, p, sizeof(mx));
	if (mx.mx_running > MSG_MX_RUNNING_MAX)
		return "mx_running out of range";
	if (mx.mx_queued > MSG_MX_QUEUED_MAX)
		return "mx_queued out of range";
	if (msg_mx_sum(mx.mx_spawn, MSG_MX_SPAWN_BUCKETS, &ran) == -1 ||
	    msg_mx_sum(mx.mx_ended, MSG_MX_END_MAX, &ended) == -1)
		return "mx_spawn or mx_ended: the sum wraps";
	if (ended > ran)
		return "mx_ended: more scripts ended than ran";
	return NULL;
}

static const char *
msg_check_mx_parent(const unsigned char *p)
{
	struct msg_metrics_parent	mp;

	memcpy(&mp, p, sizeof(mp));
	if (mp.mp_start_ms == 0 || mp.mp_start_ms > MSG_MX_TIME_MAX_MS)
		return "mp_start_ms out of range";
	return NULL;
}

/* does every counter of next hold at least prev's (n of each)? */
static int
msg_mx_no_less(const uint64_t *prev, const uint64_t *next, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (next[i] < prev[i])
			return 0;
	return 1;
}

const char *
msg_metrics_exec_follows(const struct msg_metrics_exec *prev,
    const struct msg_metrics_exec *next)
{
	if (!msg_mx_no_less(prev->mx_ended, next->mx_ended, MSG_MX_END_MAX) ||
	    !msg_mx_no_less(prev->mx_refused, next->mx_refused,
	    MSG_MX_REFUSAL_MAX) ||
	    !msg_mx_no_less(prev->mx_spawn, next->mx_spawn,
	    MSG_MX_SPAWN_BUCKETS) ||
	    next->mx_start_failed < prev->mx_start_failed ||
	    next->mx_spawn_usec < prev->mx_spawn_usec)
		return "an executor counter went down";
	return NULL;
}

const char *
msg_metrics_parent_follows(const struct msg_metrics_parent *prev,
    const struct msg_metrics_parent *next)
{
	if (next->mp_start_ms != prev->mp_start_ms)
		return "the daemon's start time changed";
	if (next->mp_restarts < prev->mp_restarts ||
	    next->mp_reloads < prev->mp_reloads ||
	    next->mp_reload_failures < prev->mp_reload_failures)
		return "a parent counter went down";
	return NULL;
}

static const struct msg_rule *
msg_rule(enum msg_type type)
{
	if ((unsigned int)type >= MSG_TYPE_MAX ||
	    msg_rules[type].mr_size == 0)
		return NULL;
	return &msg_rules[type];
}

size_t
msg_payload_size(enum msg_type type)
{
	const struct msg_rule	*mr = msg_rule(type);

	return mr != NULL ? mr->mr_size : 0;
}

/* the whole struct, or (mr_used) no more of it than it says it uses */
static int
msg_size_wrong(const struct msg_rule *mr, const void *payload, size_t len)
{
	if (payload == NULL || len == 0 || len > mr->mr_size)
		return 1;
	if (mr->mr_used == NULL)
		return len != mr->mr_size;
	return mr->mr_used(payload, len) != len;
}

int
msg_validate(enum msg_type type, const void *payload, size_t len, int nfds,
    enum proc_role from, const char **why)
{
	const struct msg_rule	*mr = msg_rule(type);
	const char		*w;

	if (mr == NULL)
		w = "unknown type";
	else if (msg_size_wrong(mr, payload, len))
		w = "wrong payload size";
	else if (nfds != mr->mr_nfds)
		w = "wrong descriptor count";
	else if ((unsigned int)from >= PROC_MAX ||
	    (mr->mr_from & MSG_ROLE(from)) == 0)
		w = "type not allowed from this role";
	else
		w = mr->mr_check(payload);
	if (why != NULL)
		*why = w;
	return w == NULL ? 0 : -1;
}

/* may this message be sent?  0, or -1 (the receiver would refuse it) */
int
msg_send_ok(enum msg_type type, uint64_t reqid, const void *payload,
    size_t len, const int *fds, int nfds)
{
	const struct msg_rule	*mr = msg_rule(type);

	if (mr == NULL || msg_size_wrong(mr, payload, len) ||
	    nfds != mr->mr_nfds || (nfds > 0 && fds == NULL) ||
	    (mr->mr_reqid && reqid == 0))
		return -1;
	return 0;
}

/* NULL, or why a received header of n bytes (all told) breaks the rules */
const char *
msg_check_head(const struct msg_hdr *hdr, size_t n)
{
	const struct msg_rule	*mr;

	if (n < sizeof(*hdr))
		return "short header";
	if (hdr->mh_len != n)
		return "mh_len does not match the message";
	if ((mr = msg_rule((enum msg_type)hdr->mh_type)) == NULL)
		return "unknown type";
	if (hdr->mh_flags != 0)
		return "mh_flags not 0";
	if (mr->mr_reqid && hdr->mh_reqid == 0)
		return "no request id";
	return NULL;
}

int
msg_strset(char *dst, size_t dstsz, const char *src, size_t srclen)
{
	if (dstsz == 0)
		return -1;
	/* an embedded NUL would silently shorten the field */
	if (srclen >= dstsz || (srclen > 0 && memchr(src, '\0', srclen))) {
		dst[0] = '\0';
		return -1;
	}
	if (srclen > 0)
		memcpy(dst, src, srclen);
	dst[srclen] = '\0';
	return 0;
}
