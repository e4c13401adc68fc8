/* SPDX-License-Identifier: ISC */
/*
 * auth.c: HTTP Basic authentication's parsers, without I/O: an htpasswd
 * file (run by the parent on the file it read, by the verifier on the
 * sealed copy), an Authorization field (the front, on client bytes) and
 * a realm quoted for WWW-Authenticate.  Trusts neither input.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "auth.h"

#define AUTH_B64	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz" \
			"0123456789+/"
#define AUTH_CRYPT64	"./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz" \
			"0123456789"
#define AUTH_LINE_MAX	512

/* n characters of crypt's base64 at s */
static int
auth_crypt64(const char *s, size_t n)
{
	return strspn(s, AUTH_CRYPT64) >= n;
}

/* $2b$ or $2y$, a cost of 04-31, 22 salt and 31 hash characters */
static int
auth_hash_bcrypt(const char *h)
{
	int	cost;

	if (strlen(h) != 60 || h[6] != '$' || h[4] < '0' || h[4] > '9' ||
	    h[5] < '0' || h[5] > '9')
		return 0;
	cost = (h[4] - '0') * 10 + h[5] - '0';
	return cost >= 4 && cost <= 31 && auth_crypt64(h + 7, 53);
}

/* $y$ parameters $ salt $ 43 hash characters (crypt's alphabet) */
static int
auth_hash_yescrypt(const char *h)
{
	const char	*p = h + 3;
	size_t		 n;
	int		 part;

	for (part = 0; part < 2; part++) {
		n = strspn(p, AUTH_CRYPT64);
		if (n == 0 || p[n] != '$')
			return 0;
		p += n + 1;
	}
	return strlen(p) == 43 && auth_crypt64(p, 43);
}

/* NULL if h is a hash cgijail verifies, else why not */
static const char *
auth_hash_check(const char *h)
{
	if (strncmp(h, "$2b$", 4) == 0 || strncmp(h, "$2y$", 4) == 0)
		return auth_hash_bcrypt(h) ? NULL : "a malformed bcrypt hash";
	if (strncmp(h, "$y$", 3) == 0)
		return auth_hash_yescrypt(h) ? NULL :
		    "a malformed yescrypt hash";
	if (strncmp(h, "$apr1$", 6) == 0 || strncmp(h, "$1$", 3) == 0)
		return "an MD5 hash ($apr1$, $1$): not supported, use bcrypt "
		    "(htpasswd -B) or yescrypt (mkpasswd -m yescrypt)";
	if (strncmp(h, "{SHA}", 5) == 0)
		return "a SHA-1 hash ({SHA}): not supported, use bcrypt "
		    "(htpasswd -B) or yescrypt (mkpasswd -m yescrypt)";
	if (strncmp(h, "$5$", 3) == 0 || strncmp(h, "$6$", 3) == 0 ||
	    strncmp(h, "$2a$", 4) == 0 || strncmp(h, "$7$", 3) == 0 ||
	    strncmp(h, "$gy$", 4) == 0)
		return "a hash type cgijail does not take: use bcrypt "
		    "(htpasswd -B) or yescrypt (mkpasswd -m yescrypt)";
	return "not a bcrypt ($2b$, $2y$) or yescrypt ($y$) hash (plain "
	    "text, DES and MD5 are refused)";
}

static int
auth_file_err(char *err, size_t errsz, const char *fname, size_t line,
    const char *why)
{
	(void)snprintf(err, errsz, "%s:%zu: %s", fname, line, why);
	return -1;
}

/* one "user:hash" line, without its newline, into u */
static const char *
auth_file_line(const char *s, size_t len, struct auth_user *u)
{
	const char	*colon;
	size_t		 i, ulen;

	if ((colon = memchr(s, ':', len)) == NULL)
		return "not user:hash";
	ulen = (size_t)(colon - s);
	if (ulen == 0)
		return "an empty user name";
	if (ulen > AUTH_USER_MAX)
		return "a user name longer than 64 bytes";
	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] <= 0x20 || (unsigned char)s[i] >= 0x7f)
			return "a blank or a byte outside 0x21-0x7e";
	if (len - ulen - 1 > AUTH_HASH_MAX)
		return "a hash longer than 160 bytes";
	memcpy(u->au_name, s, ulen);
	u->au_name[ulen] = '\0';
	memcpy(u->au_hash, colon + 1, len - ulen - 1);
	u->au_hash[len - ulen - 1] = '\0';
	if (strchr(u->au_hash, ':') != NULL)
		return "more than one ':' (user:hash only)";
	return auth_hash_check(u->au_hash);
}

/* the next line of text at *off: its start and length; 0 at the end */
static int
auth_next_line(const char *text, size_t len, size_t *off, const char **s,
    size_t *n)
{
	const char	*nl;

	if (*off >= len)
		return 0;
	*s = text + *off;
	nl = memchr(*s, '\n', len - *off);
	*n = nl != NULL ? (size_t)(nl - *s) : len - *off;
	*off += *n + (nl != NULL);
	if (*n > 0 && (*s)[*n - 1] == '\r')
		(*n)--;
	return 1;
}

int
auth_file_parse(const char *text, size_t len, const char *fname,
    struct auth_file *af, char *err, size_t errsz)
{
	struct auth_user	 u;
	const char		*s, *why;
	size_t			 off = 0, n, line = 0;

	memset(af, 0, sizeof(*af));
	while (auth_next_line(text, len, &off, &s, &n)) {
		line++;
		if (n == 0 || s[0] == '#')
			continue;
		why = n > AUTH_LINE_MAX ? "a line longer than 512 bytes" :
		    memchr(s, '\0', n) != NULL ? "a NUL byte" :
		    auth_file_line(s, n, &u);
		if (why == NULL && auth_file_find(af, u.au_name) != NULL)
			why = "this user is already named on an earlier line";
		if (why == NULL && af->af_n >= AUTH_USERS_MAX)
			why = "more than 4096 users";
		if (why == NULL && af->af_n % 64 == 0) {
			void *p = reallocarray(af->af_users, af->af_n + 64,
			    sizeof(u));
			if (p == NULL)
				why = "out of memory";
			else
				af->af_users = p;
		}
		if (why != NULL) {
			explicit_bzero(&u, sizeof(u));
			auth_file_free(af);
			return auth_file_err(err, errsz, fname, line, why);
		}
		af->af_users[af->af_n++] = u;
	}
	explicit_bzero(&u, sizeof(u));
	if (af->af_n == 0)
		return auth_file_err(err, errsz, fname, line > 0 ? line : 1,
		    "no user in the file");
	return 0;
}

void
auth_file_free(struct auth_file *af)
{
	if (af->af_users != NULL) {
		explicit_bzero(af->af_users, af->af_n * sizeof(*af->af_users));
		free(af->af_users);
	}
	memset(af, 0, sizeof(*af));
}

const struct auth_user *
auth_file_find(const struct auth_file *af, const char *user)
{
	size_t	i;

	for (i = 0; i < af->af_n; i++)
		if (strcmp(af->af_users[i].au_name, user) == 0)
			return &af->af_users[i];
	return NULL;
}

/* standard base64 with its padding into out (outsz bytes); -1 if not */
static int
auth_b64_decode(const char *in, size_t inlen, unsigned char *out,
    size_t outsz, size_t *outlen)
{
	const char	*p;
	uint32_t	 acc;
	size_t		 i, j, o = 0, pad = 0;

	if (inlen == 0 || inlen % 4 != 0)
		return -1;
	if (in[inlen - 1] == '=')
		pad = in[inlen - 2] == '=' ? 2 : 1;
	for (i = 0; i < inlen; i += 4) {
		acc = 0;
		for (j = 0; j < 4; j++) {
			acc <<= 6;
			if (i + j >= inlen - pad && in[i + j] == '=')
				continue;
			if (in[i + j] == '\0' ||
			    (p = strchr(AUTH_B64, in[i + j])) == NULL)
				return -1;
			acc |= (uint32_t)(p - AUTH_B64);
		}
		for (j = 0; j < 3 - (i + 4 == inlen ? pad : 0); j++) {
			if (o >= outsz)
				return -1;
			out[o++] = (unsigned char)(acc >> (16 - 8 * j));
		}
	}
	/* the bits a padded end leaves over must be zero (canonical) */
	if ((pad == 1 && (acc & 0xff) != 0) || (pad == 2 &&
	    (acc & 0xffff) != 0))
		return -1;
	*outlen = o;
	return 0;
}

enum auth_basic
auth_basic_parse(const char *value, char user[AUTH_USER_MAX + 1],
    char pass[AUTH_PASS_MAX + 1], const char **why)
{
	unsigned char	 buf[AUTH_USER_MAX + 1 + AUTH_PASS_MAX + 4];
	const char	*p;
	unsigned char	*colon;
	size_t		 n, len, i;

	user[0] = pass[0] = '\0';
	*why = NULL;
	if (strlen(value) > AUTH_FIELD_MAX)
		*why = "longer than any credentials cgijail takes";
	else if (strncasecmp(value, "Basic", 5) != 0 ||
	    (value[5] != ' ' && value[5] != '\t'))
		*why = "not the Basic scheme";
	if (*why != NULL)
		return AUTH_BASIC_MALFORMED;
	p = value + 5 + strspn(value + 5, " \t");
	n = strcspn(p, " \t");
	if (p[n + strspn(p + n, " \t")] != '\0' ||
	    auth_b64_decode(p, n, buf, sizeof(buf), &len) == -1) {
		*why = "not base64";
		return AUTH_BASIC_MALFORMED;
	}
	if ((colon = memchr(buf, ':', len)) == NULL)
		*why = "no ':' between user and password";
	else if (memchr(buf, '\0', len) != NULL)
		*why = "a NUL byte";
	else if (colon == buf)
		*why = "an empty user name";
	else if ((size_t)(colon - buf) > AUTH_USER_MAX)
		*why = "a user name longer than 64 bytes";
	else if (len - (size_t)(colon - buf) - 1 > AUTH_PASS_MAX)
		*why = "a password longer than 256 bytes";
	for (i = 0; *why == NULL && buf + i < colon; i++)
		if (buf[i] <= 0x20 || buf[i] >= 0x7f)
			*why = "a user name with a byte outside 0x21-0x7e";
	if (*why == NULL) {
		memcpy(user, buf, (size_t)(colon - buf));
		user[colon - buf] = '\0';
		memcpy(pass, colon + 1, len - (size_t)(colon - buf) - 1);
		pass[len - (size_t)(colon - buf) - 1] = '\0';
	}
	explicit_bzero(buf, sizeof(buf));
	return *why == NULL ? AUTH_BASIC_OK : AUTH_BASIC_MALFORMED;
}

int
auth_realm_quote(const char *realm, char *dst, size_t dstsz)
{
	size_t	o = 0;
	int	esc;

	if (dstsz < 3)
		return -1;
	dst[o++] = '"';
	for (; *realm != '\0'; realm++) {
		esc = *realm == '"' || *realm == '\\';
		if ((unsigned char)*realm < 0x20 || *realm == 0x7f ||
		    o + (size_t)esc + 1 + 2 > dstsz)
			return -1;
		if (esc)
			dst[o++] = '\\';
		dst[o++] = *realm;
	}
	dst[o++] = '"';
	dst[o] = '\0';
	return 0;
}
