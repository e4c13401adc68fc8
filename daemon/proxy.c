/* SPDX-License-Identifier: ISC */
/*
 * proxy.c: the PROXY protocol header (v1 text line, v2 binary with TLVs)
 * a load balancer sends before its client's bytes, and the proxy-from
 * match of who may send one.  Pure: no I/O.  Used by the front, and only
 * for senders proxy-from trusts; still trusts no byte: every length is
 * checked before it is used, and a header is never taken for more bytes
 * than it says it has.
 */
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "proxy.h"

#define PROXY_V1_SIG	"PROXY "
#define PROXY_V1_SIGLEN	6
static const uint8_t proxy_v2_sig[12] = {
	0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a
};

/* v2: the high nibble of byte 13 is the family, the low one the transport */
#define PROXY_V2_UNSPEC	0x0
#define PROXY_V2_INET	0x1
#define PROXY_V2_INET6	0x2
#define PROXY_V2_UNIX	0x3
#define PROXY_V2_STREAM	0x1
#define PROXY_V2_DGRAM	0x2

/* how much of buf (len bytes) agrees with sig (siglen bytes): 1 if all */
static int
proxy_prefix(const uint8_t *buf, size_t len, const void *sig, size_t siglen)
{
	return memcmp(buf, sig, len < siglen ? len : siglen) == 0;
}

enum proxy_sniff
proxy_sniff(const uint8_t *buf, size_t len)
{
	if (proxy_prefix(buf, len, PROXY_V1_SIG, PROXY_V1_SIGLEN))
		return len >= PROXY_V1_SIGLEN ? PROXY_SNIFF_YES :
		    PROXY_SNIFF_MAYBE;
	if (proxy_prefix(buf, len, proxy_v2_sig, sizeof(proxy_v2_sig)))
		return len >= sizeof(proxy_v2_sig) ? PROXY_SNIFF_YES :
		    PROXY_SNIFF_MAYBE;
	return PROXY_SNIFF_NO;
}

/* an IPv4 address into a 16-byte one, as ::ffff:a.b.c.d */
static void
proxy_map4(const uint8_t v4[4], uint8_t out[16])
{
	memset(out, 0, 16);
	out[10] = out[11] = 0xff;
	memcpy(out + 12, v4, 4);
}

/*
 * The next space-separated field of a v1 line (p up to end) into buf:
 * the byte after it, or NULL if it is empty or too long.
 */
static const char *
proxy_v1_field(const char *p, const char *end, char *buf, size_t bufsz)
{
	const char	*q = p;
	size_t		 n;

	while (q < end && *q != ' ')
		q++;
	n = (size_t)(q - p);
	if (n == 0 || n >= bufsz)
		return NULL;
	memcpy(buf, p, n);
	buf[n] = '\0';
	return q;
}

/* a decimal port: 1-5 digits, no leading zero, at most 65535 */
static int
proxy_v1_port(const char *s, uint16_t *port)
{
	size_t		n = strlen(s), i;
	uint32_t	v = 0;

	if (n == 0 || n > 5 || (n > 1 && s[0] == '0'))
		return -1;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (uint32_t)(s[i] - '0');
	}
	if (v > 65535)
		return -1;
	*port = (uint16_t)v;
	return 0;
}

/* one address of a TCP4 or TCP6 line, into 16 bytes */
static int
proxy_v1_addr(const char *s, int v6, uint8_t out[16])
{
	uint8_t	a4[4];

	if (v6)
		return inet_pton(AF_INET6, s, out) == 1 ? 0 : -1;
	if (inet_pton(AF_INET, s, a4) != 1)
		return -1;
	proxy_map4(a4, out);
	return 0;
}

/* the fields of a complete v1 line, p up to the CR */
static int
proxy_v1_fields(const char *p, const char *end, struct proxy_hdr *ph,
    const char **why)
{
	char	 f[48];
	int	 v6;

	if ((p = proxy_v1_field(p, end, f, sizeof(f))) == NULL ||
	    (strcmp(f, "TCP4") != 0 && strcmp(f, "TCP6") != 0 &&
	    strcmp(f, "UNKNOWN") != 0)) {
		*why = "v1: unknown protocol (TCP4, TCP6 or UNKNOWN)";
		return -1;
	}
	if (strcmp(f, "UNKNOWN") == 0) {
		ph->ph_local = 1;	/* the rest of the line is ignored */
		return 0;
	}
	v6 = strcmp(f, "TCP6") == 0;
	*why = "v1: bad source address";
	if (p == end || (p = proxy_v1_field(p + 1, end, f, sizeof(f))) ==
	    NULL || proxy_v1_addr(f, v6, ph->ph_src) == -1)
		return -1;
	*why = "v1: bad destination address";
	if (p == end || (p = proxy_v1_field(p + 1, end, f, sizeof(f))) ==
	    NULL || proxy_v1_addr(f, v6, ph->ph_dst) == -1)
		return -1;
	*why = "v1: bad or missing source port";
	if (p == end || (p = proxy_v1_field(p + 1, end, f, sizeof(f))) ==
	    NULL || proxy_v1_port(f, &ph->ph_src_port) == -1)
		return -1;
	*why = "v1: bad or missing destination port";
	if (p == end || (p = proxy_v1_field(p + 1, end, f, sizeof(f))) ==
	    NULL || proxy_v1_port(f, &ph->ph_dst_port) == -1)
		return -1;
	*why = "v1: text after the ports";
	return p == end ? 0 : -1;
}

/*
 * v1: "PROXY " then a line of printable bytes ending in CRLF, 107 bytes
 * at most.  Until the CR arrives every byte is the header's.
 */
static int
proxy_v1(const uint8_t *buf, size_t len, struct proxy_hdr *ph,
    const char **why)
{
	size_t	i, n = len < PROXY_V1_MAX ? len : PROXY_V1_MAX;

	for (i = PROXY_V1_SIGLEN; i < n; i++) {
		if (buf[i] == '\r')
			break;
		if (buf[i] == '\n') {
			*why = "v1: LF without CR";
			return -1;
		}
		if (buf[i] < 0x20 || buf[i] > 0x7e) {
			*why = "v1: a byte that is not printable ASCII";
			return -1;
		}
	}
	/* the CR may be at byte 106 at most, for its LF to be byte 107 */
	if (i >= PROXY_V1_MAX - 1) {
		*why = "v1: no CRLF within 107 bytes";
		return -1;
	}
	if (i == len || i + 1 == len)
		return 0;
	if (buf[i + 1] != '\n') {
		*why = "v1: CR without LF";
		return -1;
	}
	ph->ph_version = 1;
	ph->ph_len = i + 2;
	if (proxy_v1_fields((const char *)buf + PROXY_V1_SIGLEN,
	    (const char *)buf + i, ph, why) == -1)
		return -1;
	*why = NULL;
	return 1;
}

/* v2 TLVs from p to end: type, 16-bit length, value; each must fit */
static int
proxy_v2_tlvs(const uint8_t *p, const uint8_t *end, const char **why)
{
	size_t	vlen;

	while (p < end) {
		if (end - p < 3) {
			*why = "v2: a TLV cut short";
			return -1;
		}
		vlen = (size_t)p[1] << 8 | p[2];
		if (vlen > (size_t)(end - p) - 3) {
			*why = "v2: a TLV longer than the header";
			return -1;
		}
		p += 3 + vlen;
	}
	return 0;
}

/* v2 byte 13: the size of its address block, or -1 */
static int
proxy_v2_block(uint8_t fam, const char **why)
{
	static const int	 sizes[] = { 0, 12, 36, 216 };
	unsigned		 af = fam >> 4, tp = fam & 0xf;

	if (fam == 0)
		return 0;
	if (af > PROXY_V2_UNIX || af == PROXY_V2_UNSPEC ||
	    (tp != PROXY_V2_STREAM && tp != PROXY_V2_DGRAM)) {
		*why = "v2: unknown family or transport";
		return -1;
	}
	if (tp == PROXY_V2_DGRAM) {
		*why = "v2: a datagram family on a stream connection";
		return -1;
	}
	return sizes[af];
}

/* v2 addresses of a TCP over IPv4 or IPv6 connection */
static void
proxy_v2_addrs(const uint8_t *a, unsigned af, struct proxy_hdr *ph)
{
	size_t	alen = af == PROXY_V2_INET ? 4 : 16;

	if (af == PROXY_V2_INET) {
		proxy_map4(a, ph->ph_src);
		proxy_map4(a + 4, ph->ph_dst);
	} else {
		memcpy(ph->ph_src, a, 16);
		memcpy(ph->ph_dst, a + 16, 16);
	}
	ph->ph_src_port = (uint16_t)(a[2 * alen] << 8 | a[2 * alen + 1]);
	ph->ph_dst_port = (uint16_t)(a[2 * alen + 2] << 8 | a[2 * alen + 3]);
}

/*
 * v2: 16 bytes, then as many as its length says.  The fields are checked
 * as soon as they are here: a bad header is refused without waiting.
 */
static int
proxy_v2(const uint8_t *buf, size_t len, struct proxy_hdr *ph,
    const char **why)
{
	size_t	 total;
	int	 block;
	unsigned cmd, af;

	if (len < PROXY_V2_HDR)
		return 0;
	if (buf[12] >> 4 != 2) {
		*why = "v2: unknown version";
		return -1;
	}
	if ((cmd = buf[12] & 0xf) > 1) {
		*why = "v2: unknown command";
		return -1;
	}
	if ((block = proxy_v2_block(buf[13], why)) == -1)
		return -1;
	total = PROXY_V2_HDR + ((size_t)buf[14] << 8 | buf[15]);
	if (total < PROXY_V2_HDR + (size_t)block) {
		*why = "v2: too short for its addresses";
		return -1;
	}
	if (len < total)
		return 0;
	if (proxy_v2_tlvs(buf + PROXY_V2_HDR + block, buf + total, why) == -1)
		return -1;
	af = buf[13] >> 4;
	ph->ph_version = 2;
	ph->ph_len = total;
	ph->ph_local = cmd == 0 || (af != PROXY_V2_INET &&
	    af != PROXY_V2_INET6);
	if (!ph->ph_local)
		proxy_v2_addrs(buf + PROXY_V2_HDR, af, ph);
	return 1;
}

int
proxy_parse(const uint8_t *buf, size_t len, struct proxy_hdr *ph,
    const char **why)
{
	memset(ph, 0, sizeof(*ph));
	*why = NULL;
	if (proxy_prefix(buf, len, PROXY_V1_SIG, PROXY_V1_SIGLEN))
		return len < PROXY_V1_SIGLEN ? 0 : proxy_v1(buf, len, ph, why);
	if (proxy_prefix(buf, len, proxy_v2_sig, sizeof(proxy_v2_sig)))
		return proxy_v2(buf, len, ph, why);
	*why = "no PROXY header signature";
	return -1;
}

int
proxy_cidr_match(const struct config_cidr *cc, size_t n,
    const uint8_t addr[16])
{
	size_t		i;
	unsigned	full, rest;

	for (i = 0; i < n; i++) {
		full = cc[i].cc_bits / 8;
		rest = cc[i].cc_bits % 8;
		if (memcmp(cc[i].cc_addr, addr, full) != 0)
			continue;
		if (rest == 0 || ((cc[i].cc_addr[full] ^ addr[full]) &
		    (uint8_t)(0xff << (8 - rest))) == 0)
			return 1;
	}
	return 0;
}
