/* SPDX-License-Identifier: ISC */
/*
 * proxy.h: the PROXY protocol header a load balancer sends before the
 * client's bytes (versions 1 and 2, haproxy's proxy-protocol.txt), parsed
 * by a pure module: no I/O, every length checked.  The front reads the
 * header only from the senders proxy-from names.
 */
#ifndef CGIJAIL_PROXY_H
#define CGIJAIL_PROXY_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"

#define PROXY_V1_MAX	107	/* the longest v1 line, CRLF included */
#define PROXY_V2_HDR	16	/* v2: signature, command, family, length */
#define PROXY_V2_MAX	(PROXY_V2_HDR + 65535)

/* what a header says */
struct proxy_hdr {
	int		ph_version;	/* 1 or 2 */
	/*
	 * 1: no client address (v1 UNKNOWN, v2 LOCAL, an unspecified or
	 * unix family): the connection's own addresses stand
	 */
	int		ph_local;
	/* IPv4 as ::ffff:a.b.c.d, as in struct config_cidr */
	uint8_t		ph_src[16];
	uint8_t		ph_dst[16];
	uint16_t	ph_src_port;
	uint16_t	ph_dst_port;
	size_t		ph_len;		/* bytes of the header itself */
};

/*
 * The header at the start of buf: 1 with *ph filled (ph_len bytes are
 * the header, the client's bytes follow), 0 if it is not complete yet,
 * -1 if buf holds no valid header (*why says what is wrong).  While it
 * answers 0, every byte of buf belongs to the header: a reader may take
 * them off the connection without ever taking a byte that follows it.
 */
int	proxy_parse(const uint8_t *buf, size_t len, struct proxy_hdr *ph,
	    const char **why);

enum proxy_sniff {
	PROXY_SNIFF_NO = 0,	/* not a PROXY header */
	PROXY_SNIFF_MAYBE,	/* too short to tell */
	PROXY_SNIFF_YES		/* begins with a v1 or v2 signature */
};
/* does buf begin like a PROXY header (from a sender that is not trusted)? */
enum proxy_sniff proxy_sniff(const uint8_t *buf, size_t len);

/* 1 if addr (16 bytes, IPv4 mapped) is in one of the n networks */
int	proxy_cidr_match(const struct config_cidr *, size_t n,
	    const uint8_t addr[16]);

#endif
