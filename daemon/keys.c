/* SPDX-License-Identifier: ISC */
/*
 * keys.c: the TLS certificate, key and OCSP staple: read and checked by
 * the parent (at start, on SIGHUP, and for -n), sealed with the listening
 * sockets' options into the memfd the front reads at its start, and made
 * into a libtls server context.  Parent and front; trusts the files no
 * more than the configuration: every size is bounded, every byte checked
 * by libtls before the daemon binds.
 */
#include <sys/mman.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <tls.h>
#include <unistd.h>

#include "auth.h"
#include "config_load.h"
#include "keys.h"

#define KEYS_MAGIC	0x636a6b31U	/* "cjk1" */

/* the memfd: this header, then the certificate, key and staple bytes */
struct keys_sealed {
	uint32_t	ks_magic;
	uint32_t	ks_nlisten;
	uint32_t	ks_opts[KEYS_LISTEN_MAX];
	uint32_t	ks_cert_len;
	uint32_t	ks_key_len;
	uint32_t	ks_ocsp_len;
	uint32_t	ks_auth_len;
};

/* which file a keyword names, for reading and for its errors */
struct keys_file {
	const char	*kf_kw;
	const char	*kf_path;
	size_t		 kf_line;
};

static int	keys_err(const struct config *, const struct keys_file *,
		    char *, size_t, const char *, ...)
		    __attribute__((format(printf, 5, 6)));

/* "FILE:LINE: keyword PATH: why" into err; -1 */
static int
keys_err(const struct config *cfg, const struct keys_file *kf, char *err,
    size_t errsz, const char *fmt, ...)
{
	char	where[PATH_MAX + 32], why[512];
	va_list	ap;

	va_start(ap, fmt);
	(void)vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	(void)snprintf(err, errsz, "%s: %s %s: %s", config_load_where(cfg,
	    kf->kf_line, where, sizeof(where)), kf->kf_kw, kf->kf_path, why);
	return -1;
}

/* a whole regular file of at most KEYS_FILE_MAX bytes; -1 with errno */
static uint8_t *
keys_read(const char *path, size_t *lenp, const char **why)
{
	struct stat	 st;
	uint8_t		*buf = NULL;
	size_t		 len = 0;
	ssize_t		 n = 0;
	int		 fd;

	*why = NULL;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) == -1)
		return NULL;
	if (fstat(fd, &st) == -1)
		goto fail;
	if (!S_ISREG(st.st_mode))
		*why = "not a regular file";
	else if (st.st_size == 0)
		*why = "empty";
	else if (st.st_size > KEYS_FILE_MAX)
		*why = "larger than 1 MiB";
	if (*why != NULL || (buf = malloc((size_t)st.st_size + 1)) == NULL)
		goto fail;
	while (len < (size_t)st.st_size + 1) {
		n = read(fd, buf + len, (size_t)st.st_size + 1 - len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	if (n == -1 || len != (size_t)st.st_size) {
		*why = n == -1 ? NULL : "changed while it was read";
		goto fail;
	}
	close(fd);
	*lenp = len;
	return buf;
fail:
	if (buf != NULL) {
		explicit_bzero(buf, (size_t)st.st_size + 1);
		free(buf);
	}
	close(fd);
	return NULL;
}

static int
keys_read_one(const struct config *cfg, const struct keys_file *kf,
    uint8_t **buf, size_t *len, char *err, size_t errsz)
{
	const char	*why;

	if ((*buf = keys_read(kf->kf_path, len, &why)) != NULL)
		return 0;
	return keys_err(cfg, kf, err, errsz, "%s", why != NULL ? why :
	    strerror(errno));
}

/*
 * The key must not lie under the document root: the front serves every
 * file there (and can read it).  Compared on the real paths.
 */
static int
keys_outside_root(const struct config *cfg, const struct keys_file *kf,
    char *err, size_t errsz)
{
	char	root[PATH_MAX], key[PATH_MAX];
	size_t	n;

	if (realpath(cfg->cf_root, root) == NULL ||
	    realpath(kf->kf_path, key) == NULL)
		return 0;	/* reported by the root's or the read's check */
	n = strlen(root);
	if (strncmp(key, root, n) == 0 && (key[n] == '/' ||
	    strcmp(root, "/") == 0))
		return keys_err(cfg, kf, err, errsz, "inside the document "
		    "root %s: the front would serve it to anyone", root);
	return 0;
}

struct tls *
keys_server(const struct keys *k, struct tls_config **tcfg, char *err,
    size_t errsz)
{
	struct tls	*ctx = NULL;

	if (tls_init() == -1 || (*tcfg = tls_config_new()) == NULL) {
		(void)snprintf(err, errsz, "libtls: cannot initialise");
		return NULL;
	}
	if (tls_config_set_protocols(*tcfg, TLS_PROTOCOL_TLSv1_2 |
	    TLS_PROTOCOL_TLSv1_3) == -1 || tls_config_set_keypair_ocsp_mem(
	    *tcfg, k->k_cert, k->k_cert_len, k->k_key, k->k_key_len,
	    k->k_ocsp, k->k_ocsp_len) == -1) {
		(void)snprintf(err, errsz, "%s", tls_config_error(*tcfg));
		goto fail;
	}
	if ((ctx = tls_server()) == NULL) {
		(void)snprintf(err, errsz, "libtls: no server context");
		goto fail;
	}
	if (tls_configure(ctx, *tcfg) == -1) {
		(void)snprintf(err, errsz, "%s", tls_error(ctx));
		goto fail;
	}
	/* the context has parsed them: the config's copies are wiped */
	tls_config_clear_keys(*tcfg);
	return ctx;
fail:
	tls_free(ctx);
	tls_config_free(*tcfg);
	*tcfg = NULL;
	return NULL;
}

/* does buf hold the text s? */
static int
keys_has(const uint8_t *buf, size_t len, const char *s)
{
	return memmem(buf, len, s, strlen(s)) != NULL;
}

/* the files as libtls will take them; the line at fault is named */
static int
keys_check(const struct config *cfg, const struct keys *k,
    const struct keys_file kf[3], char *err, size_t errsz)
{
	struct tls_config	*tcfg;
	struct tls		*ctx;
	char			 why[256];

	if ((ctx = keys_server(k, &tcfg, why, sizeof(why))) != NULL) {
		tls_free(ctx);
		tls_config_free(tcfg);
		return 0;
	}
	if (strstr(why, "certificate") != NULL)
		return keys_err(cfg, &kf[0], err, errsz, "not a PEM "
		    "certificate (libtls: %s)", why);
	if (strstr(why, "key") == NULL)
		return keys_err(cfg, k->k_ocsp != NULL ? &kf[2] : &kf[0], err,
		    errsz, "libtls: %s", why);
	/* libtls says only that it failed: the file says which way */
	if (keys_has(k->k_key, k->k_key_len, "ENCRYPTED"))
		return keys_err(cfg, &kf[1], err, errsz, "encrypted with a "
		    "passphrase, which cgijail cannot ask for (write it out "
		    "decrypted: openssl pkey -in KEY -out NEWKEY)");
	if (strstr(why, "mismatch") != NULL || keys_has(k->k_key,
	    k->k_key_len, "PRIVATE KEY-----"))
		return keys_err(cfg, &kf[1], err, errsz, "not the key of "
		    "tls-certificate %s", kf[0].kf_path);
	return keys_err(cfg, &kf[1], err, errsz, "not a PEM private key "
	    "(libtls: %s)", why);
}

static void
keys_wipe(uint8_t **p, size_t *len)
{
	if (*p != NULL) {
		explicit_bzero(*p, *len);
		free(*p);
	}
	*p = NULL;
	*len = 0;
}

/* the blob's bytes so far, and n more at its end: -1 without memory */
static int
keys_auth_append(struct keys *k, const void *p, size_t n)
{
	uint8_t	*nb;

	if ((nb = malloc(k->k_auth_len + n)) == NULL)
		return -1;
	if (k->k_auth != NULL)
		memcpy(nb, k->k_auth, k->k_auth_len);
	memcpy(nb + k->k_auth_len, p, n);
	keys_wipe(&k->k_auth, &(size_t){ k->k_auth_len });
	k->k_auth = nb;
	k->k_auth_len += n;
	return 0;
}

/* one htpasswd file: read, every line checked, appended to the blob */
static int
keys_auth_file(const struct config *cfg, const struct config_auth *ca,
    struct keys *k, char *err, size_t errsz)
{
	const struct keys_file	 kf = { "authenticate", ca->ca_file,
	    ca->ca_line };
	struct auth_file	 af;
	uint8_t			*buf;
	size_t			 len;
	uint32_t		 n32;
	char			 why[PATH_MAX + 128];
	int			 r;

	if (keys_outside_root(cfg, &kf, err, errsz) == -1 ||
	    keys_read_one(cfg, &kf, &buf, &len, err, errsz) == -1)
		return -1;
	if (auth_file_parse((const char *)buf, len, ca->ca_file, &af, why,
	    sizeof(why)) == -1)
		r = keys_err(cfg, &kf, err, errsz, "%s", why);
	else {
		auth_file_free(&af);
		n32 = (uint32_t)len;
		r = keys_auth_append(k, &n32, sizeof(n32)) == -1 ||
		    keys_auth_append(k, buf, len) == -1 ? keys_err(cfg, &kf,
		    err, errsz, "out of memory") : 0;
	}
	explicit_bzero(buf, len);
	free(buf);
	return r;
}

/* every authenticate line's file, in order, as the verifier reads them */
static int
keys_load_auth(const struct config *cfg, struct keys *k, char *err,
    size_t errsz)
{
	uint32_t	n32 = (uint32_t)cfg->cf_nauth;
	size_t		i;

	if (cfg->cf_nauth == 0)
		return 0;
	if (keys_auth_append(k, &n32, sizeof(n32)) == -1)
		return keys_err(cfg, &(struct keys_file){ "authenticate",
		    cfg->cf_auth[0].ca_file, cfg->cf_auth[0].ca_line }, err,
		    errsz, "out of memory");
	for (i = 0; i < cfg->cf_nauth; i++)
		if (keys_auth_file(cfg, &cfg->cf_auth[i], k, err,
		    errsz) == -1) {
			keys_free(k);
			return -1;
		}
	return 0;
}

int
keys_load(const struct config *cfg, struct keys *k, char *err, size_t errsz)
{
	const struct keys_file	kf[3] = {
		{ "tls-certificate", cfg->cf_tls_cert, cfg->cf_tls_cert_line },
		{ "tls-key", cfg->cf_tls_key, cfg->cf_tls_key_line },
		{ "tls-ocsp-staple", cfg->cf_tls_ocsp, cfg->cf_tls_ocsp_line },
	};

	memset(k, 0, sizeof(*k));
	if (keys_load_auth(cfg, k, err, errsz) == -1)
		return -1;
	if (cfg->cf_tls_cert[0] == '\0' || cfg->cf_tls_key[0] == '\0')
		return 0;
	if (keys_read_one(cfg, &kf[0], &k->k_cert, &k->k_cert_len, err,
	    errsz) == -1 || keys_read_one(cfg, &kf[1], &k->k_key,
	    &k->k_key_len, err, errsz) == -1 ||
	    keys_outside_root(cfg, &kf[1], err, errsz) == -1 ||
	    (cfg->cf_tls_ocsp[0] != '\0' && keys_read_one(cfg, &kf[2],
	    &k->k_ocsp, &k->k_ocsp_len, err, errsz) == -1) ||
	    keys_check(cfg, k, kf, err, errsz) == -1) {
		keys_free(k);
		return -1;
	}
	return 0;
}

void
keys_free(struct keys *k)
{
	keys_wipe(&k->k_cert, &k->k_cert_len);
	keys_wipe(&k->k_key, &k->k_key_len);
	keys_wipe(&k->k_ocsp, &k->k_ocsp_len);
	keys_wipe(&k->k_auth, &k->k_auth_len);
}

/* all of buf to fd, or -1 */
static int
keys_write(int fd, const void *buf, size_t len)
{
	const uint8_t	*p = buf;
	ssize_t		 n;

	while (len > 0) {
		if ((n = write(fd, p, len)) == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int
keys_seal(const struct keys *k, const unsigned *opts, size_t nlisten)
{
	struct keys_sealed	ks;
	size_t			i;
	int			fd;

	if (nlisten > KEYS_LISTEN_MAX) {
		errno = E2BIG;
		return -1;
	}
	memset(&ks, 0, sizeof(ks));
	ks.ks_magic = KEYS_MAGIC;
	ks.ks_nlisten = (uint32_t)nlisten;
	for (i = 0; i < nlisten; i++)
		ks.ks_opts[i] = opts[i];
	ks.ks_cert_len = (uint32_t)k->k_cert_len;
	ks.ks_key_len = (uint32_t)k->k_key_len;
	ks.ks_ocsp_len = (uint32_t)k->k_ocsp_len;
	ks.ks_auth_len = (uint32_t)k->k_auth_len;
	if ((fd = memfd_create("cgijail.keys", MFD_CLOEXEC |
	    MFD_ALLOW_SEALING)) == -1)
		return -1;
	if (keys_write(fd, &ks, sizeof(ks)) == -1 ||
	    keys_write(fd, k->k_cert, k->k_cert_len) == -1 ||
	    keys_write(fd, k->k_key, k->k_key_len) == -1 ||
	    keys_write(fd, k->k_ocsp, k->k_ocsp_len) == -1 ||
	    keys_write(fd, k->k_auth, k->k_auth_len) == -1 ||
	    fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE | F_SEAL_SHRINK |
	    F_SEAL_GROW | F_SEAL_SEAL) == -1) {
		close(fd);
		return -1;
	}
	return fd;
}

/* len bytes at off of the memfd into a new buffer (NULL for none) */
static int
keys_take(int fd, off_t off, size_t len, uint8_t **out)
{
	ssize_t	n;

	*out = NULL;
	if (len == 0)
		return 0;
	if (len > KEYS_FILE_MAX * (CONFIG_AUTH_MAX + 1) ||
	    (*out = malloc(len)) == NULL)
		return -1;
	if ((n = pread(fd, *out, len, off)) != (ssize_t)len) {
		free(*out);
		*out = NULL;
		return -1;
	}
	return 0;
}

int
keys_unseal(int fd, struct keys *k, unsigned *opts, size_t optsmax,
    size_t *nlisten, const char **why)
{
	struct keys_sealed	ks;
	struct stat		st;
	off_t			off = sizeof(ks);
	size_t			i;

	memset(k, 0, sizeof(*k));
	*why = "the keys memfd is malformed";
	if (fstat(fd, &st) == -1 || pread(fd, &ks, sizeof(ks), 0) !=
	    (ssize_t)sizeof(ks) || ks.ks_magic != KEYS_MAGIC ||
	    ks.ks_nlisten > optsmax || ks.ks_nlisten > KEYS_LISTEN_MAX ||
	    (uint64_t)st.st_size != sizeof(ks) + (uint64_t)ks.ks_cert_len +
	    ks.ks_key_len + ks.ks_ocsp_len + ks.ks_auth_len)
		return -1;
	*nlisten = ks.ks_nlisten;
	for (i = 0; i < ks.ks_nlisten; i++)
		opts[i] = ks.ks_opts[i];
	k->k_cert_len = ks.ks_cert_len;
	k->k_key_len = ks.ks_key_len;
	k->k_ocsp_len = ks.ks_ocsp_len;
	k->k_auth_len = ks.ks_auth_len;
	if (keys_take(fd, off, k->k_cert_len, &k->k_cert) == -1 ||
	    keys_take(fd, off + ks.ks_cert_len, k->k_key_len,
	    &k->k_key) == -1 || keys_take(fd, off + ks.ks_cert_len +
	    ks.ks_key_len, k->k_ocsp_len, &k->k_ocsp) == -1 ||
	    keys_take(fd, off + ks.ks_cert_len + ks.ks_key_len +
	    ks.ks_ocsp_len, k->k_auth_len, &k->k_auth) == -1) {
		keys_free(k);
		return -1;
	}
	*why = NULL;
	return 0;
}
