/* SPDX-License-Identifier: ISC */
/*
 * check_msg.c: unit tests for msg.c.  msg_validate() against good and
 * malformed payloads of every type, then msg_send()/proc_recv() over a real
 * SOCK_SEQPACKET socketpair, where every violation must end the receiver.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "msg.h"
#include "proc.h"

#define ER(f)		offsetof(struct msg_exec_req, f)
#define S(s)		s, sizeof(s)	/* a string and its NUL */
#define B(s)		s, sizeof(s) - 1	/* bytes as written */
#define MA(f)		offsetof(struct msg_access, f)
#define GOOD_ACCESS	"127.0.0.1 - - [x] \"GET / HTTP/1.1\" 200 5 \"-\" " \
			"\"curl\" rid=1 us=3\0::1 - - [x] \"GET /a HTTP/1.1\" " \
			"404 9 \"-\" \"-\" rid=2 us=4"

union msg_any {
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
	unsigned char		raw[MSG_PAYLOAD_MAX + 64];
};

/* each type with a role allowed to send it and its descriptor count */
static const struct {
	enum msg_type	 gt_type;
	enum proc_role	 gt_from;
	enum proc_role	 gt_from2;	/* a second allowed role, or PROC_MAX */
	int		 gt_nfds;
} good_types[] = {
	{ MSG_LOG, PROC_FRONT, PROC_EXECUTOR, 0 },
	{ MSG_ACCESS, PROC_FRONT, PROC_MAX, 0 },
	{ MSG_SHUTDOWN, PROC_PARENT, PROC_MAX, 0 },
	{ MSG_EXEC_REQ, PROC_FRONT, PROC_MAX, 3 },
	{ MSG_EXEC_STARTED, PROC_EXECUTOR, PROC_MAX, 0 },
	{ MSG_EXEC_DONE, PROC_EXECUTOR, PROC_MAX, 0 },
	{ MSG_EXEC_KILL, PROC_FRONT, PROC_MAX, 0 },
	{ MSG_READY, PROC_FRONT, PROC_EXECUTOR, 0 },
	{ MSG_METRICS_EXEC, PROC_EXECUTOR, PROC_MAX, 0 },
	{ MSG_METRICS_PARENT, PROC_PARENT, PROC_MAX, 0 },
};

static void
good_exec_req(struct msg_exec_req *er)
{
	static const char	hdrs[] = "Host\0example.org\0User-Agent\0"
	    "curl/8\t\xc3\xa9\0X-Empty\0\0";

	memset(er, 0, sizeof(*er));
	strcpy(er->er_method, "GET");
	strcpy(er->er_script, "/cgi-bin/x.py");
	strcpy(er->er_path_info, "/extra/p..th");
	strcpy(er->er_query, "a=1&b=%20");
	strcpy(er->er_request_uri, "/cgi-bin/x.py/extra/p..th?a=1&b=%20");
	strcpy(er->er_protocol, "HTTP/1.1");
	strcpy(er->er_server_name, "[::1]:8000");
	strcpy(er->er_content_type, "text/plain;\tcharset=utf-8");
	strcpy(er->er_peer_addr, "192.0.2.1");
	strcpy(er->er_local_addr, "::ffff:127.0.0.1");
	memcpy(er->er_headers, hdrs, sizeof(hdrs));
	er->er_content_length = 5;
	er->er_flags = MSG_EXEC_F_TLS;
	er->er_peer_port = 40000;
	er->er_local_port = 8000;
}

static size_t
good_payload(enum msg_type type, union msg_any *p)
{
	memset(p, 0, sizeof(*p));
	switch (type) {
	case MSG_LOG:
		p->log.ml_level = LOG_LVL_WARN;
		strcpy(p->log.ml_text, "cgi[7] /cgi-bin/x: \\033[31m \xff");
		return sizeof(p->log);
	case MSG_ACCESS:
		/* two lines, as a turn of the front's loop batches them */
		memcpy(p->acc.ma_lines, GOOD_ACCESS, sizeof(GOOD_ACCESS));
		p->acc.ma_len = sizeof(GOOD_ACCESS);
		/* sent cut to its lines */
		return offsetof(struct msg_access, ma_lines) + p->acc.ma_len;
	case MSG_SHUTDOWN:
		p->sd.ms_grace_ms = 3000;
		return sizeof(p->sd);
	case MSG_EXEC_REQ:
		good_exec_req(&p->er);
		return sizeof(p->er);
	case MSG_EXEC_STARTED:
		p->es.es_result = MSG_EXEC_OK;
		p->es.es_pid = 1234;
		strcpy(p->es.es_reason, "started");
		return sizeof(p->es);
	case MSG_EXEC_DONE:
		p->ed.ed_end = MSG_END_EXIT;
		p->ed.ed_usec = 1500;
		return sizeof(p->ed);
	case MSG_EXEC_KILL:
		return sizeof(p->ek);
	case MSG_READY:
		return sizeof(p->rd);
	case MSG_METRICS_EXEC:
		p->mx.mx_spawn[2] = 3;
		p->mx.mx_spawn_usec = 4500;
		p->mx.mx_ended[MSG_MX_EXIT_ZERO] = 2;
		p->mx.mx_ended[MSG_MX_KILLED] = 1;
		p->mx.mx_start_failed = 1;
		p->mx.mx_refused[MSG_MX_BUSY] = 7;
		p->mx.mx_running = 1;
		return sizeof(p->mx);
	case MSG_METRICS_PARENT:
		p->mp.mp_start_ms = 1796564028468ULL;
		p->mp.mp_reloads = 2;
		return sizeof(p->mp);
	default:
		ck_abort_msg("no good payload for type %d", type);
	}
	return 0;
}

/* er_remote_user: 1-64 printable bytes, no ':', with the flag only */
START_TEST(test_msg_remote_user_needs_its_flag)
{
	static const struct {
		uint32_t	 flags;
		const char	*user;
		int		 rc;
	} cases[] = {
		{ MSG_EXEC_F_AUTH, "alice", 0 },
		{ MSG_EXEC_F_AUTH | MSG_EXEC_F_TLS, "a.b-c@d", 0 },
		{ MSG_EXEC_F_AUTH, "", -1 },
		{ 0, "alice", -1 },
		{ MSG_EXEC_F_AUTH, "al:ice", -1 },
		{ MSG_EXEC_F_AUTH, "al ice", -1 },
		{ MSG_EXEC_F_AUTH, "al\x7fice", -1 },
		{ MSG_EXEC_F_AUTH, "\xc3\xa9", -1 },
		{ MSG_EXEC_F_AUTH, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
		    "aaaaaaaaaaaaaaaa", 0 },
		{ MSG_EXEC_F_AUTH, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
		    "aaaaaaaaaaaaaaaaa", -1 },
	};
	union msg_any	 p;
	const char	*why;
	size_t		 i, len;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		len = good_payload(MSG_EXEC_REQ, &p);
		p.er.er_flags = cases[i].flags;
		strcpy(p.er.er_remote_user, cases[i].user);
		ck_assert_msg(msg_validate(MSG_EXEC_REQ, &p, len, 3,
		    PROC_FRONT, &why) == cases[i].rc, "case %zu", i);
	}
}
END_TEST

START_TEST(test_msg_accepts_every_type)
{
	union msg_any	 p;
	const char	*why = "unset";
	size_t		 len;

	len = good_payload(good_types[_i].gt_type, &p);
	if (good_types[_i].gt_type == MSG_ACCESS)
		ck_assert_uint_le(len, msg_payload_size(MSG_ACCESS));
	else
		ck_assert_uint_eq(msg_payload_size(good_types[_i].gt_type),
		    len);
	ck_assert_int_eq(msg_validate(good_types[_i].gt_type, &p, len,
	    good_types[_i].gt_nfds, good_types[_i].gt_from, &why), 0);
	ck_assert_ptr_null(why);
	if (good_types[_i].gt_from2 != PROC_MAX)
		ck_assert_int_eq(msg_validate(good_types[_i].gt_type, &p, len,
		    good_types[_i].gt_nfds, good_types[_i].gt_from2, &why), 0);
}
END_TEST

/* the size, descriptor count and sender must match the table exactly */
START_TEST(test_msg_rejects_wrong_envelope)
{
	static union msg_any	 p;
	enum msg_type		 t = good_types[_i].gt_type;
	const char		*why = NULL;
	size_t			 len;
	int			 n = good_types[_i].gt_nfds, r;

	len = good_payload(t, &p);
	/* access lines travel cut to their length: one byte less is a lie */
	ck_assert_int_eq(msg_validate(t, &p, t == MSG_ACCESS ?
	    offsetof(struct msg_access, ma_lines) + p.acc.ma_len - 1 :
	    len - 1, n, good_types[_i].gt_from, &why), -1);
	ck_assert_str_eq(why, "wrong payload size");
	ck_assert_int_eq(msg_validate(t, &p, len + 1, n,
	    good_types[_i].gt_from, &why), -1);
	ck_assert_int_eq(msg_validate(t, &p, 0, n, good_types[_i].gt_from,
	    &why), -1);
	ck_assert_int_eq(msg_validate(t, NULL, len, n, good_types[_i].gt_from,
	    &why), -1);
	ck_assert_int_eq(msg_validate(t, &p, len, n + 1,
	    good_types[_i].gt_from, &why), -1);
	ck_assert_str_eq(why, "wrong descriptor count");
	if (n > 0)
		ck_assert_int_eq(msg_validate(t, &p, len, n - 1,
		    good_types[_i].gt_from, &why), -1);
	for (r = -1; r <= PROC_MAX; r++) {
		if (r == (int)good_types[_i].gt_from ||
		    (r == (int)good_types[_i].gt_from2 && r != PROC_MAX))
			continue;
		ck_assert_int_eq(msg_validate(t, &p, len, n,
		    (enum proc_role)r, &why), -1);
		ck_assert_str_eq(why, "type not allowed from this role");
	}
}
END_TEST

START_TEST(test_msg_rejects_unknown_types)
{
	static const int	 types[] = { MSG_NONE, MSG_TYPE_MAX, 999, -1 };
	union msg_any		 p;
	const char		*why = NULL;
	size_t			 i;

	memset(&p, 0, sizeof(p));
	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		ck_assert_uint_eq(msg_payload_size((enum msg_type)types[i]), 0);
		ck_assert_int_eq(msg_validate((enum msg_type)types[i], &p, 4,
		    0, PROC_FRONT, &why), -1);
		ck_assert_str_eq(why, "unknown type");
	}
}
END_TEST

/*
 * One field changed in a good payload: fill fl_fill bytes with 'A' at
 * fl_off, then write fl_len bytes of fl_bytes there; or, when fl_isize is
 * set, store fl_ival (and fl_ival2 at fl_off2) as integers.
 */
struct field_case {
	enum msg_type	 fl_type;
	size_t		 fl_off;
	const char	*fl_bytes;
	size_t		 fl_len;
	size_t		 fl_fill;
	int		 fl_want;	/* 0 accepted, -1 rejected */
};

static const struct field_case field_cases[] = {
	/* log and access lines arrive escaped */
	{ MSG_LOG, 4, S("a\nb"), 0, -1 },
	{ MSG_LOG, 4, S("a\tb"), 0, -1 },
	{ MSG_LOG, 4, S("del\x7f"), 0, -1 },
	{ MSG_LOG, 4, S("\x1b[2J"), 0, -1 },
	{ MSG_LOG, 4, B(""), MSG_LOG_TEXT_MAX, -1 },
	{ MSG_LOG, 4, S(""), 0, 0 },
	{ MSG_ACCESS, MA(ma_lines), S("a\rb"), 0, -1 },
	{ MSG_ACCESS, MA(ma_lines), B(""), MSG_ACCESS_MAX, -1 },
	/* an empty line at the start (more in test_msg_access_batches) */
	{ MSG_ACCESS, MA(ma_lines), B("\0"), 0, -1 },
	/* the second line escaped or not */
	{ MSG_ACCESS, MA(ma_lines) + sizeof("127.0.0.1 - - [x] \"GET / "
	    "HTTP/1.1\" 200 5 \"-\" \"curl\" rid=1 us=3"), B("\x1b"), 0, -1 },
	{ MSG_ACCESS, MA(ma_lines) + sizeof("127.0.0.1 - - [x] \"GET / "
	    "HTTP/1.1\" 200 5 \"-\" \"curl\" rid=1 us=3"), B("\xc3"), 0, 0 },
	/* exec request, field by field */
	{ MSG_EXEC_REQ, ER(er_method), S(""), 0, -1 },
	{ MSG_EXEC_REQ, ER(er_method), S("G T"), 0, -1 },
	{ MSG_EXEC_REQ, ER(er_method), S("GET("), 0, -1 },
	{ MSG_EXEC_REQ, ER(er_method), S("GE\x01"), 0, -1 },
	{ MSG_EXEC_REQ, ER(er_method), B(""), MSG_METHOD_MAX, -1 },
	{ MSG_EXEC_REQ, ER(er_method), S("M-SEARCH"), 0, 0 },
	{ MSG_EXEC_REQ, ER(er_script), S(""), 0, -1 },
	{ MSG_EXEC_REQ, ER(er_script), S("cgi-bin/x"), 0, -1 },
	{ MSG_EXEC_REQ, ER(er_script), S("/cgi-bin/../etc/x"), 0, -1 },
	{ MSG_EXEC_REQ, ER(er_script), S("/cgi-bin/./x"), 0, -1 },
	{ MSG_EXEC_REQ, ER(er_script), S("//cgi-bin/x"), 0, -1 },
	{ MSG_EXEC_REQ, ER(er_script), S("/cgi-bin/.."), 0, -1 },
	{ MSG_EXEC_REQ, ER(er_script), S("/cgi-bin/."), 0, -1 },
	{ MSG_EXEC_REQ, ER(er_script), S("/cgi-bin/x\n"), 0, -1 },
	{ MSG_EXEC_REQ, ER(er_script), S("/cgi-bin/x\x7f"), 0, -1 },
	{ MSG_EXEC_REQ, ER(er_script), B("/"), MSG_SCRIPT_MAX, -1 },
	{ MSG_EXEC_REQ, ER(er_script), S("/cgi-bin/x..y"), 0, 0 },
	{ MSG_EXEC_REQ, ER(er_path_info), S("x"), 0, -1 },
	{ MSG_EXEC_REQ, ER(er_path_info), S("/a\x1b"), 0, -1 },
	{ MSG_EXEC_REQ, ER(er_path_info), B("/"), MSG_PATHINFO_MAX, -1 },
	/* the longest: as long as any path a request-target can carry */
	{ MSG_EXEC_REQ, ER(er_path_info), B("/"), MSG_PATHINFO_MAX - 1, 0 },
	{ MSG_EXEC_REQ, ER(er_path_info), S(""), 0, 0 },
	{ MSG_EXEC_REQ, ER(er_query), S("a b"), 0, -1 },
	{ MSG_EXEC_REQ, ER(er_query), S("a\x7f"), 0, -1 },
	{ MSG_EXEC_REQ, ER(er_query), S("\xc3\xa9"), 0, -1 },
	{ MSG_EXEC_REQ, ER(er_query), B(""), MSG_QUERY_MAX, -1 },
	{ MSG_EXEC_REQ, ER(er_query), S(""), 0, 0 },
	{ MSG_EXEC_REQ, ER(er_request_uri), S("/a b"), 0, -1 },
	{ MSG_EXEC_REQ, ER(er_request_uri), B(""), MSG_URI_MAX, -1 },
	{ MSG_EXEC_REQ, ER(er_protocol), S("HTTP/2.0"), 0, -1 },
	{ MSG_EXEC_REQ, ER(er_protocol), S("HTTP/1.1 "), 0, -1 },
	{ MSG_EXEC_REQ, ER(er_protocol), S("http/1.1"), 0, -1 },
	{ MSG_EXEC_REQ, ER(er_protocol), S(""), 0, -1 },
	{ MSG_EXEC_REQ, ER(er_protocol), B("HTTP/1.1"), MSG_PROTO_MAX, -1 },
	{ MSG_EXEC_REQ, ER(er_protocol), S("HTTP/1.0"), 0, 0 },
	{ MSG_EXEC_REQ, ER(er_server_name), S("a b"), 0, -1 },
	{ MSG_EXEC_REQ, ER(er_server_name), S("a!b"), 0, -1 },
	{ MSG_EXEC_REQ, ER(er_server_name), S("a\xc3\xa9"), 0, -1 },
	{ MSG_EXEC_REQ, ER(er_server_name), S("my_host.~x"), 0, 0 },
	{ MSG_EXEC_REQ, ER(er_server_name), S("a/b"), 0, -1 },
	{ MSG_EXEC_REQ, ER(er_server_name), B(""), MSG_HOST_MAX, -1 },
	{ MSG_EXEC_REQ, ER(er_server_name), S("example.org"), 0, 0 },
	{ MSG_EXEC_REQ, ER(er_content_type), S("text/\x01"), 0, -1 },
	{ MSG_EXEC_REQ, ER(er_content_type), S("a\x7f"), 0, -1 },
	{ MSG_EXEC_REQ, ER(er_content_type), B(""), MSG_CTYPE_MAX, -1 },
	{ MSG_EXEC_REQ, ER(er_content_type), S(""), 0, 0 },
	{ MSG_EXEC_REQ, ER(er_content_type), S("text/x; n=\xc3\xa9"), 0, 0 },
	{ MSG_EXEC_REQ, ER(er_peer_addr), S("1.2.3"), 0, -1 },
	{ MSG_EXEC_REQ, ER(er_peer_addr), S(""), 0, -1 },
	{ MSG_EXEC_REQ, ER(er_peer_addr), S("[::1]"), 0, -1 },
	{ MSG_EXEC_REQ, ER(er_peer_addr), S("fe80::1%eth0"), 0, -1 },
	{ MSG_EXEC_REQ, ER(er_peer_addr), B("1"), MSG_ADDR_MAX, -1 },
	{ MSG_EXEC_REQ, ER(er_peer_addr), S("2001:db8::1"), 0, 0 },
	{ MSG_EXEC_REQ, ER(er_local_addr), S("localhost"), 0, -1 },
	{ MSG_EXEC_REQ, ER(er_headers), B("Ho st\0v\0\0"), 0, -1 },
	{ MSG_EXEC_REQ, ER(er_headers), B("H_st\0v\0\0"), 0, -1 },
	{ MSG_EXEC_REQ, ER(er_headers), B("Host\0v\x01\0\0"), 0, -1 },
	{ MSG_EXEC_REQ, ER(er_headers), B("Host\0v\x7f\0\0"), 0, -1 },
	{ MSG_EXEC_REQ, ER(er_headers), B("Host\0v\r\nX: y\0\0"), 0, -1 },
	{ MSG_EXEC_REQ, ER(er_headers), B("Host"), MSG_HEADERS_MAX, -1 },
	{ MSG_EXEC_REQ, ER(er_headers), B("Host\0"), MSG_HEADERS_MAX, -1 },
	{ MSG_EXEC_REQ, ER(er_headers), B("A\0b\0"), MSG_HEADERS_MAX, -1 },
	{ MSG_EXEC_REQ, ER(er_headers), B("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
	    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\0v\0\0"), 0, -1 },
	{ MSG_EXEC_REQ, ER(er_headers), B("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
	    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\0v\0\0"), 0, 0 },
	{ MSG_EXEC_REQ, ER(er_headers), B("\0"), 0, 0 },
	{ MSG_EXEC_REQ, ER(er_headers), B("A\0\0\0"), 0, 0 },
	/* the reason an executor gives */
	{ MSG_EXEC_STARTED, offsetof(struct msg_exec_started, es_reason),
	    S("bad\x01"), 0, -1 },
	{ MSG_EXEC_STARTED, offsetof(struct msg_exec_started, es_reason),
	    S("\x80"), 0, -1 },
	{ MSG_EXEC_STARTED, offsetof(struct msg_exec_started, es_reason),
	    B(""), 128, -1 },
};

/* an access batch's payload, cut to ma_len bytes of lines */
#define A_CUT(len)	(offsetof(struct msg_access, ma_lines) + (size_t)(len))

/* a batch of access lines: its length, its end, each line's */
START_TEST(test_msg_access_batches)
{
	static struct msg_access	 a;
	const char			*why;
	size_t				 i;
	static const struct {
		uint32_t	 len;		/* ma_len */
		size_t		 line;		/* each line's length */
		int		 want;
		const char	*why;
	} cases[] = {
		{ 0, 0, -1, "ma_len out of range" },
		{ 1, 0, -1, "ma_len out of range" },
		/* more than a batch: more than the whole struct, too */
		{ MSG_ACCESS_BATCH + 1, 0, -1, "wrong payload size" },
		{ 2, 1, 0, NULL },				/* "x" */
		{ 4, 1, 0, NULL },				/* "x" "x" */
		{ MSG_ACCESS_MAX, MSG_ACCESS_MAX - 1, 0, NULL },
		{ MSG_ACCESS_MAX + 1, MSG_ACCESS_MAX, -1,
		    "ma_lines: a line too long" },
		{ MSG_ACCESS_BATCH, MSG_ACCESS_MAX - 1, 0, NULL },  /* two */
		{ 5, 1, -1, "ma_lines: the last line unterminated" },
	};

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t	k, n = cases[i].len < sizeof(a.ma_lines) ?
			    cases[i].len : sizeof(a.ma_lines);

		memset(&a, 0, sizeof(a));
		a.ma_len = cases[i].len;
		/* lines of cases[i].line bytes, each with its NUL */
		for (k = 0; k < n; k++)
			a.ma_lines[k] = cases[i].line == 0 ||
			    k % (cases[i].line + 1) == cases[i].line ?
			    '\0' : 'x';
		if (cases[i].len == 5)
			a.ma_lines[4] = 'x';	/* "x" "x" "x": no end */
		why = NULL;
		ck_assert_msg(msg_validate(MSG_ACCESS, &a, A_CUT(cases[i].len),
		    0, PROC_FRONT, &why) == cases[i].want, "case %zu: %s", i,
		    why ? why : "ok");
		if (cases[i].why != NULL)
			ck_assert_str_eq(why, cases[i].why);
	}
	/* two NULs in a row: an empty line between two */
	memset(&a, 0, sizeof(a));
	memcpy(a.ma_lines, "ab\0\0cd", 7);
	a.ma_len = 7;
	ck_assert_int_eq(msg_validate(MSG_ACCESS, &a, A_CUT(7), 0,
	    PROC_FRONT, &why), -1);
	ck_assert_str_eq(why, "ma_lines: an empty line");
	/*
	 * Sent cut to its lines: the payload is exactly ma_lines' offset
	 * plus ma_len, no byte more or less, whatever the whole struct's
	 * size (an 8 KiB copy per batch of two or three lines before).
	 */
	memset(&a, 0, sizeof(a));
	memcpy(a.ma_lines, "ab\0cde\0", 7);
	a.ma_len = 7;
	ck_assert_int_eq(msg_validate(MSG_ACCESS, &a,
	    offsetof(struct msg_access, ma_lines) + 7, 0, PROC_FRONT, &why), 0);
	ck_assert_int_eq(msg_validate(MSG_ACCESS, &a,
	    offsetof(struct msg_access, ma_lines) + 6, 0, PROC_FRONT, &why), -1);
	ck_assert_str_eq(why, "wrong payload size");
	ck_assert_int_eq(msg_validate(MSG_ACCESS, &a,
	    offsetof(struct msg_access, ma_lines) + 8, 0, PROC_FRONT, &why), -1);
	ck_assert_str_eq(why, "wrong payload size");
	ck_assert_int_eq(msg_validate(MSG_ACCESS, &a, 3, 0, PROC_FRONT, &why),
	    -1);
	ck_assert_int_eq(msg_validate(MSG_ACCESS, &a, 0, 0, PROC_FRONT, &why),
	    -1);
	ck_assert_int_eq(msg_send_ok(MSG_ACCESS, 0, &a,
	    offsetof(struct msg_access, ma_lines) + 7, NULL, 0), 0);
	ck_assert_int_eq(msg_send_ok(MSG_ACCESS, 0, &a,
	    offsetof(struct msg_access, ma_lines) + 9, NULL, 0), -1);
	/* a length past the whole struct is no batch either */
	a.ma_len = MSG_ACCESS_BATCH + 1;
	ck_assert_int_eq(msg_validate(MSG_ACCESS, &a, sizeof(a) + 1, 0,
	    PROC_FRONT, &why), -1);
	/* a line never reaches past ma_len into what follows */
	memset(&a, 0, sizeof(a));
	memcpy(a.ma_lines, "ab\0cd", 5);	/* "cd" has no NUL in ma_len */
	a.ma_len = 5;
	ck_assert_int_eq(msg_validate(MSG_ACCESS, &a, A_CUT(5), 0,
	    PROC_FRONT, &why), -1);
}
END_TEST

START_TEST(test_msg_field_table)
{
	const struct field_case	*c = &field_cases[_i];
	static union msg_any	 p;
	const char		*why = NULL;
	size_t			 len;
	int			 rc;

	len = good_payload(c->fl_type, &p);
	ck_assert_uint_le(c->fl_off + c->fl_fill,
	    msg_payload_size(c->fl_type));
	ck_assert_uint_le(c->fl_off + c->fl_len, msg_payload_size(c->fl_type));
	memset(p.raw + c->fl_off, 'A', c->fl_fill);
	memcpy(p.raw + c->fl_off, c->fl_bytes, c->fl_len);
	/* access lines: ma_len as before, the bytes it covers changed */
	rc = msg_validate(c->fl_type, &p, len,
	    c->fl_type == MSG_EXEC_REQ ? 3 : 0,
	    c->fl_type == MSG_EXEC_STARTED ? PROC_EXECUTOR : PROC_FRONT, &why);
	ck_assert_msg(rc == c->fl_want, "case %d: rc %d (%s)", _i, rc,
	    why ? why : "ok");
	if (rc == -1)
		ck_assert_ptr_nonnull(why);
}
END_TEST

struct int_case {
	enum msg_type	 ic_type;
	size_t		 ic_off;
	size_t		 ic_size;	/* 4 or 8 */
	int64_t		 ic_val;
	size_t		 ic_off2;	/* a second field, when ic_size2 */
	size_t		 ic_size2;
	int64_t		 ic_val2;
	int		 ic_want;
};

#define IC(t, f)	offsetof(t, f), sizeof(((t *)NULL)->f)
static const struct int_case int_cases[] = {
	{ MSG_LOG, IC(struct msg_log, ml_level), -1, 0, 0, 0, -1 },
	{ MSG_LOG, IC(struct msg_log, ml_level), 4, 0, 0, 0, -1 },
	{ MSG_LOG, IC(struct msg_log, ml_level), LOG_LVL_DEBUG, 0, 0, 0, 0 },
	{ MSG_SHUTDOWN, IC(struct msg_shutdown, ms_grace_ms), 60001, 0, 0, 0,
	    -1 },
	{ MSG_SHUTDOWN, IC(struct msg_shutdown, ms_grace_ms), 0xffffffff, 0,
	    0, 0, -1 },
	{ MSG_SHUTDOWN, IC(struct msg_shutdown, ms_grace_ms), 60000, 0, 0, 0,
	    0 },
	{ MSG_EXEC_REQ, IC(struct msg_exec_req, er_content_length), -2, 0, 0,
	    0, -1 },
	{ MSG_EXEC_REQ, IC(struct msg_exec_req, er_content_length), INT64_MIN,
	    0, 0, 0, -1 },
	{ MSG_EXEC_REQ, IC(struct msg_exec_req, er_content_length), -1, 0, 0,
	    0, 0 },
	{ MSG_EXEC_REQ, IC(struct msg_exec_req, er_flags), 2, 0, 0, 0, -1 },
	{ MSG_EXEC_REQ, IC(struct msg_exec_req, er_flags), 0x80000000, 0, 0,
	    0, -1 },
	{ MSG_EXEC_REQ, IC(struct msg_exec_req, er_flags), 0, 0, 0, 0, 0 },
	{ MSG_EXEC_STARTED, IC(struct msg_exec_started, es_result), -1, 0, 0,
	    0, -1 },
	{ MSG_EXEC_STARTED, IC(struct msg_exec_started, es_result),
	    MSG_EXEC_RESULT_MAX, 0, 0, 0, -1 },
	{ MSG_EXEC_STARTED, IC(struct msg_exec_started, es_result),
	    MSG_EXEC_BUSY, 0, 0, 0, 0 },
	{ MSG_EXEC_STARTED, IC(struct msg_exec_started, es_pid), -1, 0, 0, 0,
	    -1 },
	{ MSG_EXEC_STARTED, IC(struct msg_exec_started, es_errno), -5, 0, 0,
	    0, -1 },
	{ MSG_EXEC_DONE, IC(struct msg_exec_done, ed_end), -1, 0, 0, 0, -1 },
	{ MSG_EXEC_DONE, IC(struct msg_exec_done, ed_end), MSG_END_MAX, 0, 0,
	    0, -1 },
	{ MSG_EXEC_DONE, IC(struct msg_exec_done, ed_code), 256, 0, 0, 0, -1 },
	{ MSG_EXEC_DONE, IC(struct msg_exec_done, ed_code), -1, 0, 0, 0, -1 },
	{ MSG_EXEC_DONE, IC(struct msg_exec_done, ed_code), 255, 0, 0, 0, 0 },
	{ MSG_EXEC_DONE, IC(struct msg_exec_done, ed_end), MSG_END_SIGNAL,
	    IC(struct msg_exec_done, ed_code), 0, -1 },
	{ MSG_EXEC_DONE, IC(struct msg_exec_done, ed_end), MSG_END_SIGNAL,
	    IC(struct msg_exec_done, ed_code), 65, -1 },
	{ MSG_EXEC_DONE, IC(struct msg_exec_done, ed_end), MSG_END_SIGNAL,
	    IC(struct msg_exec_done, ed_code), 31, 0 },
	{ MSG_EXEC_DONE, IC(struct msg_exec_done, ed_end), MSG_END_TIMEOUT,
	    IC(struct msg_exec_done, ed_code), 9, 0 },
	{ MSG_EXEC_DONE, IC(struct msg_exec_done, ed_flags), 4, 0, 0, 0, -1 },
	{ MSG_EXEC_DONE, IC(struct msg_exec_done, ed_flags),
	    MSG_DONE_F_OOM | MSG_DONE_F_PIDS, 0, 0, 0, 0 },
	{ MSG_EXEC_KILL, IC(struct msg_exec_kill, ek_reserved), 1, 0, 0, 0,
	    -1 },
	{ MSG_READY, IC(struct msg_ready, mr_reserved), 1, 0, 0, 0, -1 },
	{ MSG_READY, IC(struct msg_ready, mr_reserved), 0, 0, 0, 0, 0 },
	/* the gauges are bounded */
	{ MSG_METRICS_EXEC, IC(struct msg_metrics_exec, mx_running),
	    MSG_MX_RUNNING_MAX, 0, 0, 0, 0 },
	{ MSG_METRICS_EXEC, IC(struct msg_metrics_exec, mx_running),
	    MSG_MX_RUNNING_MAX + 1, 0, 0, 0, -1 },
	{ MSG_METRICS_EXEC, IC(struct msg_metrics_exec, mx_running),
	    0xffffffff, 0, 0, 0, -1 },
	{ MSG_METRICS_EXEC, IC(struct msg_metrics_exec, mx_queued),
	    MSG_MX_QUEUED_MAX, 0, 0, 0, 0 },
	{ MSG_METRICS_EXEC, IC(struct msg_metrics_exec, mx_queued),
	    MSG_MX_QUEUED_MAX + 1, 0, 0, 0, -1 },
	/* no more scripts ended than ran (3 ran, 3 ended) */
	{ MSG_METRICS_EXEC, IC(struct msg_metrics_exec, mx_ended[6]), 1, 0, 0,
	    0, 0 },
	{ MSG_METRICS_EXEC, IC(struct msg_metrics_exec, mx_ended[6]), 2, 0, 0,
	    0, -1 },
	{ MSG_METRICS_EXEC, IC(struct msg_metrics_exec, mx_ended[6]), 7,
	    IC(struct msg_metrics_exec, mx_spawn[15]), 6, 0 },
	{ MSG_METRICS_EXEC, IC(struct msg_metrics_exec, mx_ended[6]), 8,
	    IC(struct msg_metrics_exec, mx_spawn[15]), 6, -1 },
	/* no sum wraps: UINT64_MAX and 3 more, as buckets or as ends */
	{ MSG_METRICS_EXEC, IC(struct msg_metrics_exec, mx_spawn[0]), -1, 0,
	    0, 0, -1 },
	{ MSG_METRICS_EXEC, IC(struct msg_metrics_exec, mx_spawn[0]),
	    INT64_MAX, IC(struct msg_metrics_exec, mx_spawn[15]),
	    INT64_MAX - 2, 0 },		/* UINT64_MAX exactly */
	{ MSG_METRICS_EXEC, IC(struct msg_metrics_exec, mx_spawn[0]),
	    INT64_MAX, IC(struct msg_metrics_exec, mx_spawn[15]),
	    INT64_MAX - 1, -1 },
	{ MSG_METRICS_EXEC, IC(struct msg_metrics_exec, mx_ended[1]), -1,
	    IC(struct msg_metrics_exec, mx_spawn[0]), -1, -1 },
	/* any count of refusals and failed starts is a count */
	{ MSG_METRICS_EXEC, IC(struct msg_metrics_exec, mx_start_failed), -1,
	    IC(struct msg_metrics_exec, mx_refused[0]), -1, 0 },
	{ MSG_METRICS_PARENT, IC(struct msg_metrics_parent, mp_start_ms), 0,
	    0, 0, 0, -1 },
	{ MSG_METRICS_PARENT, IC(struct msg_metrics_parent, mp_start_ms),
	    (int64_t)MSG_MX_TIME_MAX_MS, 0, 0, 0, 0 },
	{ MSG_METRICS_PARENT, IC(struct msg_metrics_parent, mp_start_ms),
	    (int64_t)MSG_MX_TIME_MAX_MS + 1, 0, 0, 0, -1 },
	{ MSG_METRICS_PARENT, IC(struct msg_metrics_parent, mp_start_ms), -1,
	    0, 0, 0, -1 },
};

static void
put_int(unsigned char *p, size_t size, int64_t v)
{
	int32_t	v32 = (int32_t)v;

	if (size == sizeof(v))
		memcpy(p, &v, sizeof(v));
	else
		memcpy(p, &v32, sizeof(v32));
}

START_TEST(test_msg_int_table)
{
	const struct int_case	*c = &int_cases[_i];
	static union msg_any	 p;
	const char		*why = NULL;
	size_t			 len;
	int			 rc, i;

	len = good_payload(c->ic_type, &p);
	put_int(p.raw + c->ic_off, c->ic_size, c->ic_val);
	if (c->ic_size2 != 0)
		put_int(p.raw + c->ic_off2, c->ic_size2, c->ic_val2);
	for (i = 0; i < (int)(sizeof(good_types) / sizeof(good_types[0]));
	    i++)
		if (good_types[i].gt_type == c->ic_type)
			break;
	rc = msg_validate(c->ic_type, &p, len, good_types[i].gt_nfds,
	    good_types[i].gt_from, &why);
	ck_assert_msg(rc == c->ic_want, "case %d: rc %d (%s)", _i, rc,
	    why ? why : "ok");
}
END_TEST

/*
 * From one message to the next no counter falls (the pair restarts
 * together: the front never sees them begin anew); the gauges may; the
 * daemon's start time never changes.
 */
START_TEST(test_msg_metrics_follow)
{
	static union msg_any	 a, b;
	uint64_t		*counters[] = { &b.mx.mx_ended[0],
	    &b.mx.mx_ended[MSG_MX_KILLED], &b.mx.mx_refused[MSG_MX_BUSY],
	    &b.mx.mx_start_failed, &b.mx.mx_spawn[2], &b.mx.mx_spawn_usec };
	size_t			 i;

	(void)good_payload(MSG_METRICS_EXEC, &a);
	b = a;
	ck_assert_ptr_null(msg_metrics_exec_follows(&a.mx, &b.mx));
	b.mx.mx_running = 0;
	b.mx.mx_spawn[15]++;
	b.mx.mx_ended[MSG_MX_SECCOMP]++;
	ck_assert_ptr_null(msg_metrics_exec_follows(&a.mx, &b.mx));
	for (i = 0; i < sizeof(counters) / sizeof(counters[0]); i++) {
		b = a;
		(*counters[i])--;
		ck_assert_msg(msg_metrics_exec_follows(&a.mx, &b.mx) != NULL,
		    "counter %zu fell unnoticed", i);
	}
	(void)good_payload(MSG_METRICS_PARENT, &a);
	b = a;
	b.mp.mp_restarts++;
	b.mp.mp_reload_failures++;
	ck_assert_ptr_null(msg_metrics_parent_follows(&a.mp, &b.mp));
	b = a;
	b.mp.mp_start_ms++;
	ck_assert_ptr_nonnull(msg_metrics_parent_follows(&a.mp, &b.mp));
	b = a;
	b.mp.mp_reloads--;
	ck_assert_ptr_nonnull(msg_metrics_parent_follows(&a.mp, &b.mp));
}
END_TEST

/* payloads need no alignment: the receiver may hand over any buffer */
START_TEST(test_msg_validate_unaligned)
{
	static unsigned char	buf[sizeof(union msg_any) + 8];
	union msg_any		p;
	size_t			len;

	len = good_payload(MSG_EXEC_DONE, &p);
	memcpy(buf + 1, &p, len);
	ck_assert_int_eq(msg_validate(MSG_EXEC_DONE, buf + 1, len, 0,
	    PROC_EXECUTOR, NULL), 0);
	len = good_payload(MSG_EXEC_REQ, &p);
	memcpy(buf + 3, &p, len);
	ck_assert_int_eq(msg_validate(MSG_EXEC_REQ, buf + 3, len, 3,
	    PROC_FRONT, NULL), 0);
}
END_TEST

static const struct {
	size_t		 ss_dstsz;
	const char	*ss_src;
	size_t		 ss_len;
	int		 ss_rc;
	const char	*ss_want;
} strset_cases[] = {
	{ 8, "abc", 3, 0, "abc" },
	{ 8, "abcdefg", 7, 0, "abcdefg" },
	{ 8, "abcdefgh", 8, -1, "" },
	{ 8, "abc", 2, 0, "ab" },
	{ 8, "", 0, 0, "" },
	{ 8, "a\0b", 3, -1, "" },
	{ 1, "", 0, 0, "" },
	{ 1, "a", 1, -1, "" },
};

START_TEST(test_msg_strset)
{
	char	dst[16];

	memset(dst, 'X', sizeof(dst));
	ck_assert_int_eq(msg_strset(dst, strset_cases[_i].ss_dstsz,
	    strset_cases[_i].ss_src, strset_cases[_i].ss_len),
	    strset_cases[_i].ss_rc);
	ck_assert_str_eq(dst, strset_cases[_i].ss_want);
	ck_assert_int_eq(dst[strset_cases[_i].ss_dstsz], 'X');
	ck_assert_int_eq(msg_strset(dst, 0, "a", 1), -1);
}
END_TEST

static void
pair(int sv[2])
{
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0,
	    sv), 0);
}

static int
is_fifo(int fd)
{
	struct stat	st;

	return fstat(fd, &st) == 0 && S_ISFIFO(st.st_mode);
}

START_TEST(test_msg_roundtrip_exec_req_with_pipes)
{
	static union msg_any	 in, out;
	struct msg_hdr		 hdr;
	int			 sv[2], p[3][2], send[3], fds[MSG_FDS_MAX];
	int			 nfds = -1, i;
	char			 c = 0;

	pair(sv);
	for (i = 0; i < 3; i++)
		ck_assert_int_eq(pipe(p[i]), 0);
	send[0] = p[0][0];
	send[1] = p[1][1];
	send[2] = p[2][1];
	(void)good_payload(MSG_EXEC_REQ, &in);
	ck_assert_int_eq(msg_send(sv[0], MSG_EXEC_REQ, 42, &in.er,
	    sizeof(in.er), send, 3), 0);
	ck_assert_int_eq(proc_recv(sv[1], PROC_FRONT, &hdr, &out, fds, &nfds),
	    1);
	ck_assert_uint_eq(hdr.mh_type, MSG_EXEC_REQ);
	ck_assert_uint_eq(hdr.mh_len, sizeof(hdr) + sizeof(in.er));
	ck_assert_uint_eq(hdr.mh_reqid, 42);
	ck_assert_uint_eq(hdr.mh_flags, 0);
	ck_assert_int_eq(memcmp(&in.er, &out.er, sizeof(in.er)), 0);
	ck_assert_int_eq(nfds, 3);
	for (i = 0; i < 3; i++) {
		ck_assert(is_fifo(fds[i]));
		ck_assert_int_ne(fcntl(fds[i], F_GETFD) & FD_CLOEXEC, 0);
		ck_assert_int_ne(fds[i], send[i]);
	}
	/* the received read end is the script's stdin */
	ck_assert_int_eq(write(p[0][1], "x", 1), 1);
	ck_assert_int_eq(read(fds[0], &c, 1), 1);
	ck_assert_int_eq(c, 'x');
	for (i = 0; i < 3; i++) {
		close(fds[i]);
		close(p[i][0]);
		close(p[i][1]);
	}
	close(sv[0]);
	close(sv[1]);
}
END_TEST

START_TEST(test_msg_roundtrip_every_fdless_type)
{
	static union msg_any	 in, out;
	struct msg_hdr		 hdr;
	size_t			 i, len;
	int			 sv[2], fds[MSG_FDS_MAX], nfds;

	pair(sv);
	for (i = 0; i < sizeof(good_types) / sizeof(good_types[0]); i++) {
		if (good_types[i].gt_nfds != 0)
			continue;
		len = good_payload(good_types[i].gt_type, &in);
		ck_assert_int_eq(msg_send(sv[0], good_types[i].gt_type, 7,
		    &in, len, NULL, 0), 0);
		ck_assert_int_eq(proc_recv(sv[1], good_types[i].gt_from, &hdr,
		    &out, fds, &nfds), 1);
		ck_assert_uint_eq(hdr.mh_type, good_types[i].gt_type);
		ck_assert_int_eq(nfds, 0);
		ck_assert_int_eq(memcmp(&in, &out, len), 0);
	}
	close(sv[0]);
	close(sv[1]);
}
END_TEST

START_TEST(test_msg_recv_eof_and_eagain)
{
	union msg_any	p;
	struct msg_hdr	hdr;
	int		sv[2], fds[MSG_FDS_MAX], nfds;

	pair(sv);
	ck_assert_int_eq(fcntl(sv[1], F_SETFL, O_NONBLOCK), 0);
	errno = 0;
	ck_assert_int_eq(proc_recv(sv[1], PROC_FRONT, &hdr, &p, fds, &nfds),
	    -1);
	ck_assert(errno == EAGAIN || errno == EWOULDBLOCK);
	close(sv[0]);
	ck_assert_int_eq(proc_recv(sv[1], PROC_FRONT, &hdr, &p, fds, &nfds),
	    0);
	close(sv[1]);
}
END_TEST

START_TEST(test_msg_send_refuses_what_the_peer_would_reject)
{
	static union msg_any	p;
	int			sv[2], fds[3] = { 0, 1, 2 };

	pair(sv);
	(void)good_payload(MSG_EXEC_REQ, &p);
	errno = 0;
	ck_assert_int_eq(msg_send(sv[0], MSG_EXEC_REQ, 1, &p, sizeof(p.er) - 1,
	    fds, 3), -1);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_int_eq(msg_send(sv[0], MSG_EXEC_REQ, 1, &p, sizeof(p.er),
	    fds, 2), -1);
	ck_assert_int_eq(msg_send(sv[0], MSG_EXEC_REQ, 1, &p, sizeof(p.er),
	    NULL, 3), -1);
	ck_assert_int_eq(msg_send(sv[0], MSG_EXEC_REQ, 0, &p, sizeof(p.er),
	    fds, 3), -1);
	ck_assert_int_eq(msg_send(sv[0], MSG_EXEC_KILL, 0, &p, sizeof(p.ek),
	    NULL, 0), -1);
	ck_assert_int_eq(msg_send(sv[0], MSG_NONE, 1, &p, 4, NULL, 0), -1);
	ck_assert_int_eq(msg_send(sv[0], MSG_LOG, 1, NULL, sizeof(p.log),
	    NULL, 0), -1);
	ck_assert_int_eq(errno, EINVAL);
	close(sv[0]);
	close(sv[1]);
}
END_TEST

/* send anything at all: a header (mh_len 0 = computed), payload, fds */
static void
raw_send(int sock, uint16_t type, uint16_t flags, uint32_t mh_len,
    uint64_t reqid, const void *pl, size_t pllen, const int *fds, int nfds)
{
	static unsigned char	 buf[sizeof(struct msg_hdr) +
				    sizeof(union msg_any) + 64];
	struct msg_hdr		 hdr;
	struct iovec		 iov;
	struct msghdr		 m;
	struct cmsghdr		*cm;
	union {
		struct cmsghdr	 align;
		unsigned char	 b[CMSG_SPACE(sizeof(int) * 8)];
	}			 cbuf;

	ck_assert_uint_le(pllen, sizeof(buf) - sizeof(hdr));
	memset(&hdr, 0, sizeof(hdr));
	hdr.mh_type = type;
	hdr.mh_flags = flags;
	hdr.mh_len = mh_len != 0 ? mh_len : (uint32_t)(sizeof(hdr) + pllen);
	hdr.mh_reqid = reqid;
	memcpy(buf, &hdr, sizeof(hdr));
	if (pllen > 0)
		memcpy(buf + sizeof(hdr), pl, pllen);
	iov.iov_base = buf;
	iov.iov_len = pllen + (pllen == 0 && mh_len == 1 ? 4 : sizeof(hdr));
	memset(&m, 0, sizeof(m));
	m.msg_iov = &iov;
	m.msg_iovlen = 1;
	if (nfds > 0) {
		memset(&cbuf, 0, sizeof(cbuf));
		m.msg_control = cbuf.b;
		m.msg_controllen = CMSG_SPACE(sizeof(int) * (size_t)nfds);
		cm = CMSG_FIRSTHDR(&m);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int) * (size_t)nfds);
		memcpy(CMSG_DATA(cm), fds, sizeof(int) * (size_t)nfds);
	}
	ck_assert_int_eq(sendmsg(sock, &m, MSG_NOSIGNAL),
	    (ssize_t)iov.iov_len);
}

enum fd_kind { FD_NONE, FD_ONE, FD_TWO, FD_PIPES, FD_DEVNULL, FD_FOUR };

/* each of these must make the receiver exit, with every fd closed */
static const struct {
	const char	*xc_name;
	enum msg_type	 xc_type;
	uint16_t	 xc_flags;
	uint32_t	 xc_mh_len;	/* 0: right, 1: a 4-byte message */
	uint64_t	 xc_reqid;
	long		 xc_delta;	/* added to the payload size */
	enum proc_role	 xc_from;
	enum fd_kind	 xc_fds;
	int		 xc_corrupt;	/* break one field */
} exit_cases[] = {
	{ "size-1", MSG_EXEC_KILL, 0, 0, 1, -1, PROC_FRONT, FD_NONE, 0 },
	{ "size+1", MSG_SHUTDOWN, 0, 0, 0, 1, PROC_PARENT, FD_NONE, 0 },
	{ "too big", MSG_EXEC_REQ, 0, 0, 1, 9, PROC_FRONT, FD_PIPES, 0 },
	{ "2 of 3 fds", MSG_EXEC_REQ, 0, 0, 1, 0, PROC_FRONT, FD_TWO, 0 },
	{ "fd with a log", MSG_LOG, 0, 0, 0, 0, PROC_FRONT, FD_ONE, 0 },
	{ "4 fds", MSG_EXEC_REQ, 0, 0, 1, 0, PROC_FRONT, FD_FOUR, 0 },
	{ "not a fifo", MSG_EXEC_REQ, 0, 0, 1, 0, PROC_FRONT, FD_DEVNULL, 0 },
	{ "unknown type", MSG_TYPE_MAX, 0, 0, 1, 0, PROC_FRONT, FD_NONE, 0 },
	{ "type 0", MSG_NONE, 0, 0, 1, 0, PROC_FRONT, FD_NONE, 0 },
	{ "flags", MSG_LOG, 1, 0, 0, 0, PROC_EXECUTOR, FD_NONE, 0 },
	{ "wrong role", MSG_SHUTDOWN, 0, 0, 0, 0, PROC_FRONT, FD_NONE, 0 },
	{ "wrong role fds", MSG_EXEC_REQ, 0, 0, 1, 0, PROC_EXECUTOR,
	    FD_PIPES, 0 },
	{ "no reqid", MSG_EXEC_DONE, 0, 0, 0, 0, PROC_EXECUTOR, FD_NONE, 0 },
	{ "mh_len", MSG_EXEC_KILL, 0, 99, 1, 0, PROC_FRONT, FD_NONE, 0 },
	{ "short header", MSG_LOG, 0, 1, 0, 0, PROC_FRONT, FD_NONE, 0 },
	{ "bad field", MSG_EXEC_REQ, 0, 0, 1, 0, PROC_FRONT, FD_PIPES, 1 },
	{ "metrics from the front", MSG_METRICS_EXEC, 0, 0, 0, 0, PROC_FRONT,
	    FD_NONE, 0 },
	{ "parent metrics from the executor", MSG_METRICS_PARENT, 0, 0, 0, 0,
	    PROC_EXECUTOR, FD_NONE, 0 },
	{ "metrics short", MSG_METRICS_EXEC, 0, 0, 0, -8, PROC_EXECUTOR,
	    FD_NONE, 0 },
	{ "metrics with a fd", MSG_METRICS_EXEC, 0, 0, 0, 0, PROC_EXECUTOR,
	    FD_ONE, 0 },
	{ "metrics bad field", MSG_METRICS_EXEC, 0, 0, 0, 0, PROC_EXECUTOR,
	    FD_NONE, 2 },
};

static int
exit_case_fds(enum fd_kind kind, int *fds)
{
	int	n, i;

	n = kind == FD_NONE ? 0 : kind == FD_ONE ? 1 : kind == FD_TWO ? 2 :
	    kind == FD_FOUR ? 4 : 3;
	for (i = 0; i < n; i += 2)
		ck_assert_int_eq(pipe(fds + i), 0);
	if (kind == FD_DEVNULL) {
		close(fds[2]);
		close(fds[3]);
		fds[2] = open("/dev/null", O_RDWR);
		ck_assert_int_ge(fds[2], 0);
	}
	return n;
}

START_TEST(test_msg_recv_violation_is_fatal)
{
	static union msg_any	 p, out;
	struct msg_hdr		 hdr;
	size_t			 len;
	int			 sv[2], fds[8], got[MSG_FDS_MAX], nfds, n;

	pair(sv);
	len = msg_payload_size(exit_cases[_i].xc_type);
	if (len != 0)
		len = good_payload(exit_cases[_i].xc_type, &p);
	else
		len = sizeof(struct msg_exec_kill);
	if (exit_cases[_i].xc_corrupt == 1)
		p.er.er_protocol[0] = 'X';
	else if (exit_cases[_i].xc_corrupt == 2)
		p.mx.mx_queued = MSG_MX_QUEUED_MAX + 1;
	len = (size_t)((long)len + exit_cases[_i].xc_delta);
	n = exit_case_fds(exit_cases[_i].xc_fds, fds);
	raw_send(sv[0], (uint16_t)exit_cases[_i].xc_type,
	    exit_cases[_i].xc_flags, exit_cases[_i].xc_mh_len,
	    exit_cases[_i].xc_reqid, &p, exit_cases[_i].xc_mh_len == 1 ? 0 :
	    len, fds, n);
	(void)proc_recv(sv[1], exit_cases[_i].xc_from, &hdr, &out, got, &nfds);
	/* not ck_abort_msg(): a failed check exits 1, as fatalx() does */
	fprintf(stderr, "%s: proc_recv returned\n", exit_cases[_i].xc_name);
	_exit(2);
}
END_TEST

/* the parent's variant: -2, the reason, and the descriptors closed */
START_TEST(test_msg_recv_checked_closes_fds)
{
	static union msg_any	 p, out;
	struct msg_hdr		 hdr;
	const char		*why = NULL;
	int			 sv[2], pp[2], got[MSG_FDS_MAX], nfds = -1;
	char			 c;

	pair(sv);
	ck_assert_int_eq(pipe2(pp, O_NONBLOCK), 0);
	(void)good_payload(MSG_LOG, &p);
	raw_send(sv[0], MSG_LOG, 0, 0, 0, &p, sizeof(p.log), &pp[1], 1);
	close(pp[1]);
	ck_assert_int_eq(msg_recv_checked(sv[1], PROC_FRONT, &hdr, &out, got,
	    &nfds, &why), -2);
	ck_assert_str_eq(why, "wrong descriptor count");
	ck_assert_int_eq(nfds, 0);
	/* no write end is left open anywhere: the reader sees EOF */
	ck_assert_int_eq(read(pp[0], &c, 1), 0);
	close(pp[0]);
	close(sv[0]);
	close(sv[1]);
}
END_TEST

static Suite *
msg_suite(void)
{
	Suite	*s = suite_create("msg");
	TCase	*tc = tcase_create("validate");
	int	 ntypes = sizeof(good_types) / sizeof(good_types[0]);

	tcase_add_loop_test(tc, test_msg_accepts_every_type, 0, ntypes);
	tcase_add_loop_test(tc, test_msg_rejects_wrong_envelope, 0, ntypes);
	tcase_add_test(tc, test_msg_rejects_unknown_types);
	tcase_add_test(tc, test_msg_remote_user_needs_its_flag);
	tcase_add_test(tc, test_msg_access_batches);
	tcase_add_loop_test(tc, test_msg_field_table, 0,
	    sizeof(field_cases) / sizeof(field_cases[0]));
	tcase_add_loop_test(tc, test_msg_int_table, 0,
	    sizeof(int_cases) / sizeof(int_cases[0]));
	tcase_add_test(tc, test_msg_validate_unaligned);
	tcase_add_test(tc, test_msg_metrics_follow);
	tcase_add_loop_test(tc, test_msg_strset, 0,
	    sizeof(strset_cases) / sizeof(strset_cases[0]));
	suite_add_tcase(s, tc);
	tc = tcase_create("socket");
	tcase_add_test(tc, test_msg_roundtrip_exec_req_with_pipes);
	tcase_add_test(tc, test_msg_roundtrip_every_fdless_type);
	tcase_add_test(tc, test_msg_recv_eof_and_eagain);
	tcase_add_test(tc, test_msg_send_refuses_what_the_peer_would_reject);
	tcase_add_test(tc, test_msg_recv_checked_closes_fds);
	tcase_add_loop_exit_test(tc, test_msg_recv_violation_is_fatal, 1, 0,
	    sizeof(exit_cases) / sizeof(exit_cases[0]));
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner	*sr = srunner_create(msg_suite());
	int	 failed;

	/* exit tests need a child per test whatever CK_FORK says */
	srunner_set_fork_status(sr, CK_FORK);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
