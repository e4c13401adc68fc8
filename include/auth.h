/* SPDX-License-Identifier: ISC */
/*
 * auth.h: HTTP Basic authentication.  auth.c is pure: an htpasswd file's
 * text (bcrypt and yescrypt hashes only), an Authorization field, a realm
 * for WWW-Authenticate.  auth_verify.c is the password verifier the front
 * starts before it confines itself; front_auth.c is the front's side.
 */
#ifndef CGIJAIL_AUTH_H
#define CGIJAIL_AUTH_H

#include <stddef.h>
#include <stdint.h>

#define AUTH_USER_MAX	64	/* bytes of a user name */
#define AUTH_PASS_MAX	256	/* bytes of a password */
#define AUTH_HASH_MAX	160	/* bytes of a stored hash */
#define AUTH_USERS_MAX	4096	/* entries of one file */
#define AUTH_FILE_MAX	(1024 * 1024)
/* "Basic " and the base64 of the longest user:password, and slack */
#define AUTH_FIELD_MAX	(6 + (AUTH_USER_MAX + 1 + AUTH_PASS_MAX + 2) / 3 * 4 \
			    + 8)

struct auth_user {
	char		au_name[AUTH_USER_MAX + 1];
	char		au_hash[AUTH_HASH_MAX + 1];
};

/* one htpasswd file, parsed */
struct auth_file {
	struct auth_user *af_users;
	size_t		  af_n;
};

/*
 * text (len bytes, the file fname) as an htpasswd file: "user:hash" lines,
 * blank lines and '#' comments.  Every line is checked: a user name of
 * 1-64 bytes 0x21-0x7e without ':', given once; a bcrypt ($2b$, $2y$) or
 * yescrypt ($y$) hash in its exact form; any other hash is refused by
 * name.  0, or -1 with "fname:LINE: why" in err (af is then empty).
 */
int	auth_file_parse(const char *text, size_t len, const char *fname,
	    struct auth_file *af, char *err, size_t errsz);
void	auth_file_free(struct auth_file *);
/* the entry of user, or NULL */
const struct auth_user *auth_file_find(const struct auth_file *,
	    const char *user);

enum auth_basic {
	AUTH_BASIC_OK = 0,
	AUTH_BASIC_MALFORMED	/* *why says how */
};

/*
 * An Authorization field value: "Basic" (any case), blanks, base64
 * (padded, the standard alphabet) of "user:password".  user gets at most
 * AUTH_USER_MAX bytes of 0x21-0x7e, pass at most AUTH_PASS_MAX bytes
 * without NUL; the first ':' splits them.  Pure.
 */
enum auth_basic auth_basic_parse(const char *value,
	    char user[AUTH_USER_MAX + 1], char pass[AUTH_PASS_MAX + 1],
	    const char **why);

/*
 * realm as a quoted-string for WWW-Authenticate: '"' and '\' escaped,
 * bytes below 0x20 and 0x7f refused.  0, or -1 when it does not fit.
 */
int	auth_realm_quote(const char *realm, char *dst, size_t dstsz);

/* the verifier's protocol, over a SOCK_SEQPACKET socketpair */
struct auth_verify_req {
	uint64_t	avq_reqid;
	uint32_t	avq_file;	/* the authenticate line's index */
	uint32_t	avq_reserved;
	char		avq_user[AUTH_USER_MAX + 1];
	char		avq_pass[AUTH_PASS_MAX + 1];
};

struct auth_verify_rep {
	uint64_t	avr_reqid;
	uint32_t	avr_ok;		/* 1: the password is the user's */
	uint32_t	avr_reserved;
};

/*
 * The front, before it confines itself: fork the verifier with the
 * files (blob: the parent's sealed htpasswd texts) and return the front's
 * end of its socket, or -1.  The child confines itself (confine_auth())
 * and never returns.
 */
struct confine_ident;
int	auth_verify_start(const uint8_t *blob, size_t len,
	    const struct confine_ident *);

#endif
