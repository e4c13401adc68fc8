/* SPDX-License-Identifier: ISC */
/*
 * check_proxy.c: unit tests for daemon/proxy.c, the PROXY protocol
 * header parser (v1 text, v2 binary with TLVs), the sniffer for headers
 * from senders that are not trusted, and proxy-from matching.  Table-
 * driven; inputs carry their length, so NUL bytes are inputs too.
 */
#include <arpa/inet.h>
#include <netinet/in.h>

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proxy.h"

/* the v2 signature, then version 2 with a command, a family, a length */
#define SIG	"\r\n\r\n\0\r\nQUIT\n"
#define V2(cmd, fam, hi, lo)	SIG cmd fam hi lo
#define IN(s)	s, sizeof(s) - 1
/* 192.0.2.1:56324 -> 198.51.100.2:443, as v2 address blocks */
#define A4	"\xc0\x00\x02\x01" "\xc6\x33\x64\x02" "\xdc\x04" "\x01\xbb"
#define A6	"\x20\x01\x0d\xb8\0\0\0\0\0\0\0\0\0\0\0\x01" \
		"\x20\x01\x0d\xb8\0\0\0\0\0\0\0\0\0\0\0\x02" "\0\x01" "\xff\xff"

struct proxy_case {
	const char	*pc_in;
	size_t		 pc_len;
	int		 pc_rc;		/* what proxy_parse() says */
	size_t		 pc_hlen;	/* ph_len when 1 */
	int		 pc_version;
	int		 pc_local;
	const char	*pc_src;	/* "addr port" when not local */
	const char	*pc_dst;
	const char	*pc_why;	/* a part of the reason when -1 */
};

static const struct proxy_case proxy_cases[] = {
	/* v1: the client's bytes after the CRLF are not the header's */
	{ IN("PROXY TCP4 192.0.2.1 198.51.100.2 56324 443\r\nGET / HTTP"), 1,
	    45, 1, 0, "192.0.2.1 56324", "198.51.100.2 443", NULL },
	{ IN("PROXY TCP6 2001:db8::1 2001:db8::2 1 65535\r\n"), 1, 44, 1, 0,
	    "2001:db8::1 1", "2001:db8::2 65535", NULL },
	{ IN("PROXY TCP6 ::ffff:10.0.0.1 ::1 0 80\r\n"), 1, 37, 1, 0,
	    "10.0.0.1 0", "::1 80", NULL },
	{ IN("PROXY UNKNOWN\r\n"), 1, 15, 1, 1, NULL, NULL, NULL },
	{ IN("PROXY UNKNOWN ffff:f...:ffff 1 2 whatever\r\nX"), 1, 43, 1, 1,
	    NULL, NULL, NULL },
	/* the longest line the specification allows: 107 bytes */
	{ IN("PROXY UNKNOWN ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff "
	    "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff 65535 65535\r\n"), 1, 107,
	    1, 1, NULL, NULL, NULL },
	{ IN("PROXY UNKNOWN ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff "
	    "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff 65535 655350\r\n"), -1, 0,
	    0, 0, NULL, NULL, "107" },
	{ IN("PROXY UNKNOWN ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff "
	    "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff 65535 655350"), -1, 0,
	    0, 0, NULL, NULL, "107" },
	/* v1, not complete yet: every byte so far belongs to the header */
	{ IN(""), 0, 0, 0, 0, NULL, NULL, NULL },
	{ IN("P"), 0, 0, 0, 0, NULL, NULL, NULL },
	{ IN("PROXY"), 0, 0, 0, 0, NULL, NULL, NULL },
	{ IN("PROXY TCP4 192.0.2.1"), 0, 0, 0, 0, NULL, NULL, NULL },
	{ IN("PROXY TCP4 1.2.3.4 5.6.7.8 1 2\r"), 0, 0, 0, 0, NULL, NULL,
	    NULL },
	/* v1, wrong */
	{ IN("GET / HTTP/1.1\r\n"), -1, 0, 0, 0, NULL, NULL, "no PROXY" },
	{ IN("PROXX TCP4"), -1, 0, 0, 0, NULL, NULL, "no PROXY" },
	{ IN("proxy TCP4 1.2.3.4 5.6.7.8 1 2\r\n"), -1, 0, 0, 0, NULL, NULL,
	    "no PROXY" },
	{ IN("PROXY TCP4 1.2.3.4 5.6.7.8 1 2\n"), -1, 0, 0, 0, NULL, NULL,
	    "LF" },
	{ IN("PROXY TCP4 1.2.3.4 5.6.7.8 1 2\rX"), -1, 0, 0, 0, NULL, NULL,
	    "CR" },
	{ IN("PROXY TCP4 1.2.3.4\0 5.6.7.8 1 2\r\n"), -1, 0, 0, 0, NULL, NULL,
	    "byte" },
	{ IN("PROXY TCP4  1.2.3.4 5.6.7.8 1 2\r\n"), -1, 0, 0, 0, NULL, NULL,
	    "address" },
	{ IN("PROXY TCP4 1.2.3.4 5.6.7.8 1 2 \r\n"), -1, 0, 0, 0, NULL, NULL,
	    "port" },
	{ IN("PROXY TCP4 1.2.3.4 5.6.7.8 65536 2\r\n"), -1, 0, 0, 0, NULL,
	    NULL, "port" },
	{ IN("PROXY TCP4 1.2.3.4 5.6.7.8 01 2\r\n"), -1, 0, 0, 0, NULL, NULL,
	    "port" },
	{ IN("PROXY TCP4 1.2.3.4 5.6.7.8 1 +2\r\n"), -1, 0, 0, 0, NULL, NULL,
	    "port" },
	{ IN("PROXY TCP4 1.2.3.4 5.6.7.8 1\r\n"), -1, 0, 0, 0, NULL, NULL,
	    "port" },
	{ IN("PROXY TCP4 1.2.3.4 5.6.7.8\r\n"), -1, 0, 0, 0, NULL, NULL,
	    "port" },
	{ IN("PROXY TCP4 1.2.3.4 5.6.7.8 1 2 3\r\n"), -1, 0, 0, 0, NULL,
	    NULL, "port" },
	{ IN("PROXY TCP4 ::1 ::1 1 2\r\n"), -1, 0, 0, 0, NULL, NULL,
	    "address" },
	{ IN("PROXY TCP6 1.2.3.4 5.6.7.8 1 2\r\n"), -1, 0, 0, 0, NULL, NULL,
	    "address" },
	{ IN("PROXY TCP4 1.2.3.04 5.6.7.8 1 2\r\n"), -1, 0, 0, 0, NULL, NULL,
	    "address" },
	{ IN("PROXY UDP4 1.2.3.4 5.6.7.8 1 2\r\n"), -1, 0, 0, 0, NULL, NULL,
	    "protocol" },
	{ IN("PROXY \r\n"), -1, 0, 0, 0, NULL, NULL, "protocol" },
	{ IN("PROXY UNKNOWNX\r\n"), -1, 0, 0, 0, NULL, NULL, "protocol" },
	/* v2: TCP over IPv4 and IPv6 */
	{ IN(V2("\x21", "\x11", "\x00", "\x0c") A4 "GET"), 1, 28, 2, 0,
	    "192.0.2.1 56324", "198.51.100.2 443", NULL },
	{ IN(V2("\x21", "\x21", "\x00", "\x24") A6), 1, 52, 2, 0,
	    "2001:db8::1 1", "2001:db8::2 65535", NULL },
	/* v2: TLVs are skipped, every one must fit */
	{ IN(V2("\x21", "\x11", "\x00", "\x14") A4 "\x01\x00\x02h2"
	    "\x04\x00\x00" "GET"), 1, 36, 2, 0, "192.0.2.1 56324",
	    "198.51.100.2 443", NULL },
	{ IN(V2("\x21", "\x11", "\x00", "\x0e") A4 "\x01\x00"), -1, 0, 0, 0,
	    NULL, NULL, "TLV" },
	{ IN(V2("\x21", "\x11", "\x00", "\x10") A4 "\x01\x00\x02h"), -1, 0,
	    0, 0, NULL, NULL, "TLV" },
	{ IN(V2("\x21", "\x11", "\x00", "\x0f") A4 "\x01\xff\xff"), -1, 0,
	    0, 0, NULL, NULL, "TLV" },
	/* v2: no address for us (LOCAL, unspecified, unix) */
	{ IN(V2("\x20", "\x00", "\x00", "\x00") "GET"), 1, 16, 2, 1, NULL,
	    NULL, NULL },
	{ IN(V2("\x20", "\x11", "\x00", "\x0c") A4), 1, 28, 2, 1, NULL, NULL,
	    NULL },
	{ IN(V2("\x21", "\x00", "\x00", "\x03") "\x04\x00\x00"), 1, 19, 2, 1,
	    NULL, NULL, NULL },
	/* v2: not complete yet */
	{ IN("\r\n\r\n\0\r\nQUI"), 0, 0, 0, 0, NULL, NULL, NULL },
	{ IN(V2("\x21", "\x11", "\x00", "\x0c")), 0, 0, 0, 0, NULL, NULL,
	    NULL },
	{ IN(V2("\x21", "\x11", "\x00", "\x0c") "\xc0\x00\x02"), 0, 0, 0, 0,
	    NULL, NULL, NULL },
	{ IN(V2("\x21", "\x11", "\x01", "\x00") A4), 0, 0, 0, 0, NULL, NULL,
	    NULL },
	/* v2, wrong */
	{ IN("\r\n\r\n\0\r\nQUIT\r"), -1, 0, 0, 0, NULL, NULL, "no PROXY" },
	{ IN("\r\n\r\nGET"), -1, 0, 0, 0, NULL, NULL, "no PROXY" },
	{ IN(V2("\x11", "\x11", "\x00", "\x0c") A4), -1, 0, 0, 0, NULL, NULL,
	    "version" },
	{ IN(V2("\x31", "\x11", "\x00", "\x0c") A4), -1, 0, 0, 0, NULL, NULL,
	    "version" },
	{ IN(V2("\x22", "\x11", "\x00", "\x0c") A4), -1, 0, 0, 0, NULL, NULL,
	    "command" },
	{ IN(V2("\x21", "\x41", "\x00", "\x0c") A4), -1, 0, 0, 0, NULL, NULL,
	    "family" },
	{ IN(V2("\x21", "\x13", "\x00", "\x0c") A4), -1, 0, 0, 0, NULL, NULL,
	    "family" },
	{ IN(V2("\x21", "\x12", "\x00", "\x0c") A4), -1, 0, 0, 0, NULL, NULL,
	    "datagram" },
	{ IN(V2("\x21", "\x11", "\x00", "\x0b") A4), -1, 0, 0, 0, NULL, NULL,
	    "short" },
	{ IN(V2("\x21", "\x21", "\x00", "\x0c") A4), -1, 0, 0, 0, NULL, NULL,
	    "short" },
	{ IN(V2("\x21", "\x31", "\x00", "\x0c") A4), -1, 0, 0, 0, NULL, NULL,
	    "short" },
	{ IN(V2("\x20", "\x11", "\x00", "\x04") "abcd"), -1, 0, 0, 0, NULL,
	    NULL, "short" },
};

/* "addr port" of a parsed side */
static void
proxy_show(const uint8_t a[16], uint16_t port, char *buf, size_t sz)
{
	char	s[INET6_ADDRSTRLEN];

	if (IN6_IS_ADDR_V4MAPPED((const struct in6_addr *)(const void *)a))
		inet_ntop(AF_INET, a + 12, s, sizeof(s));
	else
		inet_ntop(AF_INET6, a, s, sizeof(s));
	snprintf(buf, sz, "%s %u", s, port);
}

START_TEST(test_proxy_table)
{
	const struct proxy_case	*c = &proxy_cases[_i];
	struct proxy_hdr	 ph;
	const char		*why = NULL;
	char			 got[80];
	int			 rc;

	memset(&ph, 0xa5, sizeof(ph));
	rc = proxy_parse((const uint8_t *)c->pc_in, c->pc_len, &ph, &why);
	ck_assert_msg(rc == c->pc_rc, "case %d: rc %d, want %d (%s)", _i, rc,
	    c->pc_rc, why ? why : "-");
	if (rc == -1) {
		ck_assert_ptr_nonnull(why);
		ck_assert_msg(strstr(why, c->pc_why) != NULL,
		    "case %d: reason '%s' lacks '%s'", _i, why, c->pc_why);
		return;
	}
	if (rc == 0)
		return;
	ck_assert_uint_eq(ph.ph_len, c->pc_hlen);
	ck_assert_int_eq(ph.ph_version, c->pc_version);
	ck_assert_int_eq(ph.ph_local, c->pc_local);
	if (c->pc_local)
		return;
	proxy_show(ph.ph_src, ph.ph_src_port, got, sizeof(got));
	ck_assert_str_eq(got, c->pc_src);
	proxy_show(ph.ph_dst, ph.ph_dst_port, got, sizeof(got));
	ck_assert_str_eq(got, c->pc_dst);
}
END_TEST

/*
 * The promise the front builds on: before a header is complete, every
 * prefix of it is "not complete yet", never an error and never done.
 */
START_TEST(test_proxy_prefixes_are_incomplete)
{
	const struct proxy_case	*c = &proxy_cases[_i];
	struct proxy_hdr	 ph;
	const char		*why;
	size_t			 k;

	if (c->pc_rc != 1)
		return;
	for (k = 0; k < c->pc_hlen; k++)
		ck_assert_msg(proxy_parse((const uint8_t *)c->pc_in, k, &ph,
		    &why) == 0, "case %d: prefix of %zu bytes is not "
		    "incomplete", _i, k);
}
END_TEST

/* the largest v2 header: 65535 bytes of TLVs after the signature */
START_TEST(test_proxy_v2_longest)
{
	static uint8_t		 buf[PROXY_V2_MAX + 4];
	struct proxy_hdr	 ph;
	const char		*why = NULL;

	memcpy(buf, SIG "\x20\x00\xff\xff", PROXY_V2_HDR);
	/* one NOOP TLV of 65532 bytes fills the length exactly */
	buf[16] = 0x04;
	buf[17] = 0xff;
	buf[18] = 0xfc;
	ck_assert_int_eq(proxy_parse(buf, sizeof(buf), &ph, &why), 1);
	ck_assert_uint_eq(ph.ph_len, PROXY_V2_MAX);
	ck_assert_int_eq(ph.ph_local, 1);
	ck_assert_int_eq(proxy_parse(buf, PROXY_V2_MAX - 1, &ph, &why), 0);
	buf[18] = 0xfd;		/* one byte too long */
	ck_assert_int_eq(proxy_parse(buf, sizeof(buf), &ph, &why), -1);
}
END_TEST

static const struct {
	const char	*sc_in;
	size_t		 sc_len;
	int		 sc_want;
} sniff_cases[] = {
	{ IN(""), PROXY_SNIFF_MAYBE },
	{ IN("P"), PROXY_SNIFF_MAYBE },
	{ IN("PROXY"), PROXY_SNIFF_MAYBE },
	{ IN("PROXY "), PROXY_SNIFF_YES },
	{ IN("PROXY TCP4 1.2.3.4"), PROXY_SNIFF_YES },
	{ IN("POST / HTTP/1.1\r\n"), PROXY_SNIFF_NO },
	{ IN("PUT"), PROXY_SNIFF_NO },
	{ IN("PROXYX"), PROXY_SNIFF_NO },
	{ IN("GET / HTTP/1.0\r\n\r\n"), PROXY_SNIFF_NO },
	{ IN("\r\n"), PROXY_SNIFF_MAYBE },
	{ IN("\r\nGET / HTTP/1.1\r\n"), PROXY_SNIFF_NO },
	{ IN("\r\n\r\n\0\r\nQUI"), PROXY_SNIFF_MAYBE },
	{ IN(SIG), PROXY_SNIFF_YES },
	{ IN(V2("\x21", "\x11", "\x00", "\x0c") A4), PROXY_SNIFF_YES },
};

START_TEST(test_proxy_sniff)
{
	ck_assert_int_eq(proxy_sniff((const uint8_t *)sniff_cases[_i].sc_in,
	    sniff_cases[_i].sc_len), sniff_cases[_i].sc_want);
}
END_TEST

static const struct {
	const char	*mc_net;	/* "addr/bits" as struct config_cidr */
	const char	*mc_addr;
	int		 mc_want;
} match_cases[] = {
	{ "10.0.0.1/128", "10.0.0.1", 1 },
	{ "10.0.0.1/128", "10.0.0.2", 0 },
	{ "10.0.0.0/104", "10.255.1.2", 1 },
	{ "10.0.0.0/104", "11.0.0.1", 0 },
	{ "192.168.0.0/112", "192.168.255.255", 1 },
	{ "192.168.0.0/119", "192.168.1.7", 1 },
	{ "192.168.0.0/119", "192.168.2.7", 0 },
	{ "0.0.0.0/96", "203.0.113.9", 1 },
	{ "0.0.0.0/96", "2001:db8::1", 0 },
	{ "::/0", "2001:db8::1", 1 },
	{ "::/0", "127.0.0.1", 1 },
	{ "fd00::/8", "fdff::1", 1 },
	{ "fd00::/8", "fe80::1", 0 },
	{ "::1/128", "::1", 1 },
	{ "::1/128", "127.0.0.1", 0 },
};

static void
match_addr(const char *s, uint8_t a[16])
{
	memset(a, 0, 16);
	if (inet_pton(AF_INET, s, a + 12) == 1)
		a[10] = a[11] = 0xff;
	else
		ck_assert_int_eq(inet_pton(AF_INET6, s, a), 1);
}

START_TEST(test_proxy_cidr_match)
{
	struct config_cidr	 cc[2];
	uint8_t			 a[16];
	char			 net[64], *slash;

	strlcpy(net, match_cases[_i].mc_net, sizeof(net));
	slash = strchr(net, '/');
	*slash = '\0';
	memset(cc, 0, sizeof(cc));
	match_addr(net, cc[0].cc_addr);
	cc[0].cc_bits = (unsigned)atoi(slash + 1);
	/* a second network that matches nothing here */
	match_addr("198.18.0.1", cc[1].cc_addr);
	cc[1].cc_bits = 128;
	match_addr(match_cases[_i].mc_addr, a);
	ck_assert_int_eq(proxy_cidr_match(cc, 2, a), match_cases[_i].mc_want);
	ck_assert_int_eq(proxy_cidr_match(cc, 0, a), 0);
}
END_TEST

static Suite *
proxy_suite(void)
{
	Suite	*s = suite_create("proxy");
	TCase	*tc = tcase_create("core");

	tcase_add_loop_test(tc, test_proxy_table, 0,
	    sizeof(proxy_cases) / sizeof(proxy_cases[0]));
	tcase_add_loop_test(tc, test_proxy_prefixes_are_incomplete, 0,
	    sizeof(proxy_cases) / sizeof(proxy_cases[0]));
	tcase_add_test(tc, test_proxy_v2_longest);
	tcase_add_loop_test(tc, test_proxy_sniff, 0,
	    sizeof(sniff_cases) / sizeof(sniff_cases[0]));
	tcase_add_loop_test(tc, test_proxy_cidr_match, 0,
	    sizeof(match_cases) / sizeof(match_cases[0]));
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner	*sr;
	int	 failed;

	sr = srunner_create(proxy_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
