/* SPDX-License-Identifier: ISC */
/*
 * keys.h: the TLS certificate, private key and OCSP staple.  The parent
 * reads them (at start, on SIGHUP; -n checks them the same way) and seals
 * them, with each listening socket's options, into a memfd the front
 * reads once at its start: the front never opens them, and cannot.
 */
#ifndef CGIJAIL_KEYS_H
#define CGIJAIL_KEYS_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"

#define KEYS_FILE_MAX	(1024 * 1024)	/* bytes of one file */
#define KEYS_LISTEN_MAX	64		/* listening sockets described */

struct tls;
struct tls_config;

/* the files' bytes; all NULL when no listener has tls */
struct keys {
	uint8_t		*k_cert;	/* PEM, the chain after the leaf */
	size_t		 k_cert_len;
	uint8_t		*k_key;		/* PEM */
	size_t		 k_key_len;
	uint8_t		*k_ocsp;	/* DER, or NULL */
	size_t		 k_ocsp_len;
	/*
	 * The htpasswd files of the authenticate lines, in their order:
	 * a uint32_t count, then each file as a uint32_t length and its
	 * bytes; NULL when there is no authenticate line.
	 */
	uint8_t		*k_auth;
	size_t		 k_auth_len;
};

/*
 * Parent and -n: read tls-certificate, tls-key and tls-ocsp-staple and
 * check them the way the front will use them (the key is the
 * certificate's, the key lies outside the document root); read each
 * authenticate line's htpasswd file and check every line of it (auth.c),
 * outside the document root too.  0, or -1 with "FILE:LINE: keyword
 * PATH: why" in err.  Nothing to read: 0.
 */
int	keys_load(const struct config *, struct keys *, char *err,
	    size_t errsz);
/* the bytes wiped, then freed */
void	keys_free(struct keys *);

/*
 * A libtls server context for these keys: TLS 1.2 and 1.3, libtls's
 * default ciphers, the staple if any.  The front's, and the check's.
 * NULL with the reason in err; *tcfg must live as long as the context.
 */
struct tls *keys_server(const struct keys *, struct tls_config **tcfg,
	    char *err, size_t errsz);

/*
 * Parent: a sealed memfd holding each listening socket's options
 * (CONFIG_LISTEN_*, in the order the front receives the sockets) and the
 * keys.  -1 with errno.
 */
int	keys_seal(const struct keys *, const unsigned *opts, size_t nlisten);
/*
 * Front, at its start: what keys_seal() wrote, read from fd.  -1 with a
 * reason if it is not that (it comes from the parent, but is checked).
 */
int	keys_unseal(int fd, struct keys *, unsigned *opts, size_t optsmax,
	    size_t *nlisten, const char **why);

#endif
