/* SPDX-License-Identifier: ISC */
/*
 * fuzz_msg.c: libFuzzer target for msg_validate(), over every type.
 * Input: type, role, fd count, a 16-bit offset, then bytes.  The bytes are
 * validated raw as every type, and also written over a good payload of the
 * chosen type at the offset; whatever is accepted must meet the protocol.
 */
#include <arpa/inet.h>
#include <netinet/in.h>

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "msg.h"
#include "proc.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define FZ_CHECK(x)	do { if (!(x)) { fprintf(stderr, "%s:%d: %s\n", \
			    __FILE__, __LINE__, #x); abort(); } } while (0)
#define FZ_R(r)		(1U << (r))

union fz_payload {
	struct msg_log		log;
	struct msg_access	acc;
	struct msg_shutdown	sd;
	struct msg_exec_req	er;
	struct msg_exec_started	es;
	struct msg_exec_done	ed;
	struct msg_exec_kill	ek;
	struct msg_ready	rd;
	struct msg_metrics_exec	mx;
	struct msg_metrics_parent mp;
	unsigned char		raw[MSG_PAYLOAD_MAX];
};

/* the protocol as the design states it, independent of msg.c's table */
static const struct {
	size_t		 sp_size;
	int		 sp_nfds;
	unsigned int	 sp_from;
} fz_spec[MSG_TYPE_MAX] = {
	[MSG_LOG] = { sizeof(struct msg_log), 0,
	    FZ_R(PROC_FRONT) | FZ_R(PROC_EXECUTOR) },
	[MSG_ACCESS] = { sizeof(struct msg_access), 0, FZ_R(PROC_FRONT) },
	[MSG_SHUTDOWN] = { sizeof(struct msg_shutdown), 0, FZ_R(PROC_PARENT) },
	[MSG_EXEC_REQ] = { sizeof(struct msg_exec_req), 3, FZ_R(PROC_FRONT) },
	[MSG_EXEC_STARTED] = { sizeof(struct msg_exec_started), 0,
	    FZ_R(PROC_EXECUTOR) },
	[MSG_EXEC_DONE] = { sizeof(struct msg_exec_done), 0,
	    FZ_R(PROC_EXECUTOR) },
	[MSG_EXEC_KILL] = { sizeof(struct msg_exec_kill), 0, FZ_R(PROC_FRONT) },
	[MSG_READY] = { sizeof(struct msg_ready), 0,
	    FZ_R(PROC_FRONT) | FZ_R(PROC_EXECUTOR) },
	[MSG_METRICS_EXEC] = { sizeof(struct msg_metrics_exec), 0,
	    FZ_R(PROC_EXECUTOR) },
	[MSG_METRICS_PARENT] = { sizeof(struct msg_metrics_parent), 0,
	    FZ_R(PROC_PARENT) },
};

static union fz_payload	fz_p;

static enum proc_role
fz_sender(enum msg_type t)
{
	return t == MSG_SHUTDOWN || t == MSG_METRICS_PARENT ? PROC_PARENT :
	    t == MSG_EXEC_STARTED || t == MSG_EXEC_DONE ||
	    t == MSG_METRICS_EXEC ? PROC_EXECUTOR : PROC_FRONT;
}

static void
fz_good(enum msg_type t, union fz_payload *p)
{
	static const char	hdrs[] = "Host\0h\0Accept\0*/*\0";

	memset(p, 0, sizeof(*p));
	if (t == MSG_LOG)
		strcpy(p->log.ml_text, "hello");
	else if (t == MSG_ACCESS) {
		memcpy(p->acc.ma_lines, "127.0.0.1 - - \"GET /\" 200\0"
		    "::1 - - \"GET /b\" 404", 47);
		p->acc.ma_len = 47;
	}
	else if (t == MSG_EXEC_STARTED)
		strcpy(p->es.es_reason, "ok");
	else if (t == MSG_METRICS_PARENT)
		p->mp.mp_start_ms = 1;
	else if (t == MSG_EXEC_REQ) {
		strcpy(p->er.er_method, "POST");
		strcpy(p->er.er_script, "/cgi-bin/t.sh");
		strcpy(p->er.er_path_info, "/x");
		strcpy(p->er.er_query, "q=1");
		strcpy(p->er.er_request_uri, "/cgi-bin/t.sh/x?q=1");
		strcpy(p->er.er_protocol, "HTTP/1.0");
		strcpy(p->er.er_server_name, "localhost");
		strcpy(p->er.er_peer_addr, "10.0.0.1");
		strcpy(p->er.er_local_addr, "::1");
		memcpy(p->er.er_headers, hdrs, sizeof(hdrs));
		p->er.er_content_length = -1;
	}
}

/* NUL within size, and no byte below lo (other than HT when ht) or 0x7f */
static int
fz_str(const char *s, size_t size, unsigned char lo, int ht)
{
	const unsigned char	*u = (const unsigned char *)s;
	size_t			 i;

	for (i = 0; i < size && u[i] != '\0'; i++)
		if ((u[i] < lo && !(ht && u[i] == '\t')) || u[i] == 0x7f)
			return 0;
	return i < size;
}

static void
fz_check_headers(const char *h, size_t size)
{
	size_t	i = 0, n;

	for (;;) {
		FZ_CHECK(i < size);
		n = strnlen(h + i, size - i);
		FZ_CHECK(n < size - i && n <= MSG_HEADER_NAME_MAX);
		FZ_CHECK(strspn(h + i, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklm"
		    "nopqrstuvwxyz0123456789-") == n);
		if (n == 0)
			return;
		i += n + 1;
		FZ_CHECK(i < size && fz_str(h + i, size - i, 0x20, 1));
		i += strlen(h + i) + 1;
	}
}

/* what msg.c let through: lines, none empty or long, the last ended */
static void
fz_check_access(const struct msg_access *a)
{
	size_t	i;

	FZ_CHECK(a->ma_len >= 2 && a->ma_len <= sizeof(a->ma_lines));
	FZ_CHECK(a->ma_lines[a->ma_len - 1] == '\0');
	for (i = 0; i < a->ma_len; i += strlen(a->ma_lines + i) + 1) {
		FZ_CHECK(a->ma_lines[i] != '\0');
		FZ_CHECK(fz_str(a->ma_lines + i, a->ma_len - i, 0x20, 0));
		FZ_CHECK(strlen(a->ma_lines + i) < MSG_ACCESS_MAX);
	}
}

static void
fz_check_exec_req(const struct msg_exec_req *er)
{
	struct in6_addr	a;

	FZ_CHECK(fz_str(er->er_method, sizeof(er->er_method), 0x21, 0));
	FZ_CHECK(er->er_method[0] != '\0');
	FZ_CHECK(fz_str(er->er_script, sizeof(er->er_script), 0x20, 0));
	FZ_CHECK(er->er_script[0] == '/');
	FZ_CHECK(strstr(er->er_script, "/../") == NULL &&
	    strstr(er->er_script, "/./") == NULL &&
	    strstr(er->er_script, "//") == NULL);
	FZ_CHECK(fz_str(er->er_path_info, sizeof(er->er_path_info), 0x20, 0));
	FZ_CHECK(er->er_path_info[0] == '\0' || er->er_path_info[0] == '/');
	FZ_CHECK(fz_str(er->er_query, sizeof(er->er_query), 0x21, 0));
	FZ_CHECK(fz_str(er->er_request_uri, sizeof(er->er_request_uri), 0x21,
	    0));
	FZ_CHECK(strcmp(er->er_protocol, "HTTP/1.0") == 0 ||
	    strcmp(er->er_protocol, "HTTP/1.1") == 0);
	FZ_CHECK(fz_str(er->er_server_name, sizeof(er->er_server_name), 0x21,
	    0));
	FZ_CHECK(fz_str(er->er_content_type, sizeof(er->er_content_type),
	    0x20, 1));
	FZ_CHECK(fz_str(er->er_peer_addr, sizeof(er->er_peer_addr), 0x21, 0));
	FZ_CHECK(inet_pton(AF_INET, er->er_peer_addr, &a) == 1 ||
	    inet_pton(AF_INET6, er->er_peer_addr, &a) == 1);
	FZ_CHECK(fz_str(er->er_local_addr, sizeof(er->er_local_addr), 0x21,
	    0));
	fz_check_headers(er->er_headers, sizeof(er->er_headers));
	FZ_CHECK(er->er_content_length >= -1);
	FZ_CHECK((er->er_flags & ~(uint32_t)(MSG_EXEC_F_TLS |
	    MSG_EXEC_F_AUTH)) == 0);
	/* a user only with the flag cgijail sets when it authenticated */
	FZ_CHECK(fz_str(er->er_remote_user, sizeof(er->er_remote_user), 0x21,
	    0));
	FZ_CHECK((er->er_flags & MSG_EXEC_F_AUTH) ?
	    er->er_remote_user[0] != '\0' &&
	    strchr(er->er_remote_user, ':') == NULL :
	    er->er_remote_user[0] == '\0');
}

/* the counters' invariants: bounded gauges, ended <= ran, no wrap */
static void
fz_check_mx(const struct msg_metrics_exec *mx)
{
	unsigned __int128	ran = 0, ended = 0;
	size_t			i;

	FZ_CHECK(mx->mx_running <= 4096 && mx->mx_queued <= 256);
	for (i = 0; i < MSG_MX_SPAWN_BUCKETS; i++)
		ran += mx->mx_spawn[i];
	for (i = 0; i < MSG_MX_END_MAX; i++)
		ended += mx->mx_ended[i];
	FZ_CHECK(ran <= UINT64_MAX && ended <= ran);
}

/* what an accepted payload must be, checked without msg.c's help */
static void
fz_check_accepted(enum msg_type t, const union fz_payload *p)
{
	switch (t) {
	case MSG_LOG:
		FZ_CHECK(p->log.ml_level >= LOG_LVL_ERR &&
		    p->log.ml_level <= LOG_LVL_DEBUG);
		FZ_CHECK(fz_str(p->log.ml_text, sizeof(p->log.ml_text), 0x20,
		    0));
		break;
	case MSG_ACCESS:
		fz_check_access(&p->acc);
		break;
	case MSG_SHUTDOWN:
		FZ_CHECK(p->sd.ms_grace_ms <= 60000);
		break;
	case MSG_EXEC_REQ:
		fz_check_exec_req(&p->er);
		break;
	case MSG_EXEC_STARTED:
		FZ_CHECK(p->es.es_result >= 0 &&
		    p->es.es_result < MSG_EXEC_RESULT_MAX);
		FZ_CHECK(fz_str(p->es.es_reason, sizeof(p->es.es_reason), 0x20,
		    0));
		break;
	case MSG_EXEC_DONE:
		FZ_CHECK(p->ed.ed_end >= 0 && p->ed.ed_end < MSG_END_MAX);
		FZ_CHECK((p->ed.ed_flags & ~(uint32_t)(MSG_DONE_F_OOM |
		    MSG_DONE_F_PIDS)) == 0);
		break;
	case MSG_EXEC_KILL:
		FZ_CHECK(p->ek.ek_reserved == 0);
		break;
	case MSG_READY:
		FZ_CHECK(p->rd.mr_reserved == 0);
		break;
	case MSG_METRICS_EXEC:
		fz_check_mx(&p->mx);
		break;
	case MSG_METRICS_PARENT:
		FZ_CHECK(p->mp.mp_start_ms >= 1 &&
		    p->mp.mp_start_ms <= 1ULL << 47);
		break;
	default:
		FZ_CHECK(0);
	}
}

/* an access batch's size by its ma_len, 0 if it has none */
static size_t
fz_access_len(const void *pl, size_t len)
{
	uint32_t	 ma_len;

	if (len < offsetof(struct msg_access, ma_lines))
		return 0;
	memcpy(&ma_len, (const unsigned char *)pl +
	    offsetof(struct msg_access, ma_len), sizeof(ma_len));
	return offsetof(struct msg_access, ma_lines) + ma_len;
}

/* the envelope: size, descriptors and sender decide before any field */
static void
fz_one(enum msg_type t, const void *pl, size_t len, int nfds,
    enum proc_role from)
{
	const char	*why = NULL;
	int		 rc;

	rc = msg_validate(t, pl, len, nfds, from, &why);
	FZ_CHECK(rc == 0 || rc == -1);
	FZ_CHECK((rc == 0) == (why == NULL));
	if (rc == -1) {
		FZ_CHECK(why[0] != '\0');
		return;
	}
	FZ_CHECK((unsigned int)t < MSG_TYPE_MAX && fz_spec[t].sp_size != 0);
	FZ_CHECK(msg_payload_size(t) == fz_spec[t].sp_size);
	FZ_CHECK(nfds == fz_spec[t].sp_nfds);
	/* access lines travel cut to ma_len; every other type whole */
	FZ_CHECK(t == MSG_ACCESS ? len == fz_access_len(pl, len) &&
	    len <= fz_spec[t].sp_size : len == fz_spec[t].sp_size);
	FZ_CHECK((unsigned int)from < PROC_MAX &&
	    (fz_spec[t].sp_from & FZ_R(from)) != 0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	enum msg_type	 t;
	enum proc_role	 from;
	size_t		 off, len, n;
	int		 nfds, i;

	if (size < 5)
		return 0;
	from = (enum proc_role)(data[1] % (PROC_MAX + 1));
	nfds = data[2] % 5;
	off = (size_t)data[3] | (size_t)data[4] << 8;
	data += 5;
	size -= 5;

	/* the raw bytes as every type, from the given role and all roles */
	for (i = 0; i <= MSG_TYPE_MAX; i++)
		fz_one((enum msg_type)i, data, size, nfds, from);

	/* the bytes over a good payload: reaches every field check */
	t = (enum msg_type)(data[-5] % MSG_TYPE_MAX);
	if (fz_spec[t].sp_size == 0)
		t = MSG_EXEC_REQ;
	len = fz_spec[t].sp_size;
	fz_good(t, &fz_p);
	off %= len;
	n = size < len - off ? size : len - off;
	memcpy(fz_p.raw + off, data, n);
	if (t == MSG_ACCESS && fz_access_len(&fz_p, len) <= len)
		len = fz_access_len(&fz_p, len);
	fz_one(t, &fz_p, len, nfds, from);
	if (msg_validate(t, &fz_p, len, fz_spec[t].sp_nfds, fz_sender(t),
	    NULL) == 0)
		fz_check_accepted(t, &fz_p);
	return 0;
}
