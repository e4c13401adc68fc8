/* SPDX-License-Identifier: ISC */
/*
 * auth_verify.c: the password verifier, a process the front forks before
 * it confines itself.  It alone holds the htpasswd hashes; it confines
 * itself further than the front (no file, no socket call, no network
 * byte: policy/auth.policy) and answers one question per message: is
 * this the password of this user?  crypt_rn() from libxcrypt does every
 * hash.  Trusts no request: the front may be compromised.
 */
#include <sys/prctl.h>
#include <sys/socket.h>

#include <crypt.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "auth.h"
#include "config.h"
#include "confine.h"
#include "log.h"

#define AUTH_VERIFY_FD	3	/* its end of the socketpair */

static struct auth_file	auth_verify_files[CONFIG_AUTH_MAX];
static size_t		auth_verify_nfiles;
static struct crypt_data auth_verify_cd;

/* the blob of keys.h (k_auth), each file parsed again; exit if not one */
static void
auth_verify_load(const uint8_t *blob, size_t len)
{
	char		err[256];
	uint32_t	n, flen;
	size_t		off = sizeof(n), i;

	if (len < sizeof(n))
		_exit(2);
	memcpy(&n, blob, sizeof(n));
	if (n == 0 || n > CONFIG_AUTH_MAX)
		_exit(2);
	for (i = 0; i < n; i++) {
		if (len - off < sizeof(flen))
			_exit(2);
		memcpy(&flen, blob + off, sizeof(flen));
		off += sizeof(flen);
		if (flen > len - off || auth_file_parse((const char *)blob +
		    off, flen, "htpasswd", &auth_verify_files[i], err,
		    sizeof(err)) == -1)
			_exit(2);
		off += flen;
	}
	if (off != len)
		_exit(2);
	auth_verify_nfiles = n;
}

/* equal n bytes, in a time that does not depend on where they differ */
static int
auth_verify_same(const char *a, const char *b, size_t n)
{
	unsigned char	d = 0;
	size_t		i;

	for (i = 0; i < n; i++)
		d |= (unsigned char)a[i] ^ (unsigned char)b[i];
	return d == 0;
}

/*
 * One answer.  An unknown user costs what a wrong password costs: the
 * password is hashed with the setting of the file's first entry, and
 * the answer is no whatever comes out.
 */
static uint32_t
auth_verify_one(struct auth_verify_req *q)
{
	const struct auth_file	*af;
	const struct auth_user	*u;
	const char		*h, *want;
	size_t			 n;
	int			 ok;

	if (q->avq_file >= auth_verify_nfiles ||
	    memchr(q->avq_user, '\0', sizeof(q->avq_user)) == NULL ||
	    memchr(q->avq_pass, '\0', sizeof(q->avq_pass)) == NULL)
		_exit(3);	/* not the front we started */
	af = &auth_verify_files[q->avq_file];
	u = auth_file_find(af, q->avq_user);
	want = u != NULL ? u->au_hash : af->af_users[0].au_hash;
	h = crypt_rn(q->avq_pass, want, &auth_verify_cd,
	    sizeof(auth_verify_cd));
	n = strlen(want);
	ok = u != NULL && h != NULL && h[0] != '*' && strlen(h) == n &&
	    auth_verify_same(h, want, n);
	explicit_bzero(&auth_verify_cd, sizeof(auth_verify_cd));
	return ok ? 1 : 0;
}

static void __attribute__((noreturn))
auth_verify_loop(void)
{
	struct auth_verify_req	q;
	struct auth_verify_rep	r;
	ssize_t			n;

	for (;;) {
		n = read(AUTH_VERIFY_FD, &q, sizeof(q));
		if (n == -1 && errno == EINTR)
			continue;
		if (n != (ssize_t)sizeof(q))
			_exit(0);	/* the front is gone, or not ours */
		memset(&r, 0, sizeof(r));
		r.avr_reqid = q.avq_reqid;
		r.avr_ok = auth_verify_one(&q);
		explicit_bzero(&q, sizeof(q));
		if (write(AUTH_VERIFY_FD, &r, sizeof(r)) != (ssize_t)sizeof(r))
			_exit(0);
	}
}

/* the child: its socket on fd 3, nothing else open but stdio */
static void __attribute__((noreturn))
auth_verify_main(int sock, const uint8_t *blob, size_t len,
    const struct confine_ident *id)
{
	prctl(PR_SET_NAME, "cgijail-auth", 0, 0, 0);
	if (sock != AUTH_VERIFY_FD && (dup2(sock, AUTH_VERIFY_FD) == -1 ||
	    close(sock) == -1))
		_exit(2);
	if (close_range(AUTH_VERIFY_FD + 1, ~0U, 0) == -1)
		_exit(2);
	auth_verify_load(blob, len);
	confine_auth(id);
	auth_verify_loop();
}

int
auth_verify_start(const uint8_t *blob, size_t len,
    const struct confine_ident *id)
{
	int	sv[2];
	pid_t	pid;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) == -1)
		return -1;
	if ((pid = fork()) == -1) {
		close(sv[0]);
		close(sv[1]);
		return -1;
	}
	if (pid == 0) {
		close(sv[0]);
		auth_verify_main(sv[1], blob, len, id);
	}
	close(sv[1]);
	return sv[0];
}
