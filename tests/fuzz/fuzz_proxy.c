/* SPDX-License-Identifier: ISC */
/*
 * fuzz_proxy.c: libFuzzer target for proxy_parse(), which the front runs
 * on the first bytes of a connection from a trusted load balancer.  The
 * input is read only within its length (an exact-size copy for ASan); a
 * header found is never longer than the input or its version's limit;
 * before it is complete every prefix is "not complete yet", the promise
 * that lets the front take those bytes off the connection; the sniffer
 * agrees with the parser.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "proxy.h"

#define FUZZ_ASSERT(x)	do { if (!(x)) abort(); } while (0)

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
fuzz_check_done(const uint8_t *buf, const struct proxy_hdr *ph)
{
	struct proxy_hdr	 again;
	const char		*why;
	size_t			 k;

	FUZZ_ASSERT(ph->ph_version == 1 || ph->ph_version == 2);
	FUZZ_ASSERT(ph->ph_local == 0 || ph->ph_local == 1);
	if (ph->ph_version == 1)
		FUZZ_ASSERT(ph->ph_len >= 15 && ph->ph_len <= PROXY_V1_MAX &&
		    buf[ph->ph_len - 2] == '\r' && buf[ph->ph_len - 1] == '\n');
	else
		FUZZ_ASSERT(ph->ph_len >= PROXY_V2_HDR &&
		    ph->ph_len <= PROXY_V2_MAX);
	/* the header alone is the same header */
	FUZZ_ASSERT(proxy_parse(buf, ph->ph_len, &again, &why) == 1 &&
	    memcmp(&again, ph, sizeof(again)) == 0);
	/* its prefixes: the edges, and a few between */
	for (k = 0; k < ph->ph_len; k = k < 20 ? k + 1 : k * 2)
		FUZZ_ASSERT(proxy_parse(buf, k, &again, &why) == 0);
	FUZZ_ASSERT(proxy_parse(buf, ph->ph_len - 1, &again, &why) == 0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct proxy_hdr	 ph;
	const char		*why = NULL;
	uint8_t			*buf;
	int			 rc;
	enum proxy_sniff	 sn;

	if ((buf = malloc(size ? size : 1)) == NULL)
		return 0;
	memcpy(buf, data, size);
	rc = proxy_parse(buf, size, &ph, &why);
	FUZZ_ASSERT(rc >= -1 && rc <= 1);
	FUZZ_ASSERT((rc == -1) == (why != NULL));
	if (rc == 1) {
		FUZZ_ASSERT(ph.ph_len <= size);
		fuzz_check_done(buf, &ph);
	}
	sn = proxy_sniff(buf, size);
	/* what the sniffer calls no header, the parser refuses */
	FUZZ_ASSERT(sn != PROXY_SNIFF_NO || rc == -1);
	FUZZ_ASSERT(rc != 1 || sn == PROXY_SNIFF_YES);
	free(buf);
	return 0;
}
