/* SPDX-License-Identifier: ISC */
/*
 * fuzz_auth.c: libFuzzer target for daemon/auth.c.  The input is an
 * Authorization field (the front parses it on client bytes) and an
 * htpasswd file (the parent and the verifier parse it).  A field taken
 * is "Basic" and base64 whose decoding is user:password within their
 * bounds, the user printable; a file taken holds only users that are
 * found again, each with a bcrypt or yescrypt hash; an error names the
 * file and a line.  A realm is quoted or refused, never overflows.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "auth.h"

#define FUZZ_ASSERT(x)	do { if (!(x)) abort(); } while (0)

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
fuzz_field(const uint8_t *data, size_t size)
{
	char		*v, user[AUTH_USER_MAX + 1], pass[AUTH_PASS_MAX + 1];
	const char	*why;
	size_t		 i;

	if ((v = malloc(size + 1)) == NULL)
		return;
	memcpy(v, data, size);
	v[size] = '\0';
	if (auth_basic_parse(v, user, pass, &why) == AUTH_BASIC_OK) {
		FUZZ_ASSERT(why == NULL);
		FUZZ_ASSERT(strncasecmp(v, "basic", 5) == 0);
		FUZZ_ASSERT(user[0] != '\0' && strlen(user) <= AUTH_USER_MAX);
		FUZZ_ASSERT(strlen(pass) <= AUTH_PASS_MAX);
		for (i = 0; user[i] != '\0'; i++)
			FUZZ_ASSERT(user[i] > 0x20 && user[i] < 0x7f &&
			    user[i] != ':');
	} else {
		FUZZ_ASSERT(why != NULL && user[0] == '\0' && pass[0] == '\0');
	}
	free(v);
}

static void
fuzz_file(const uint8_t *data, size_t size)
{
	struct auth_file	 af;
	char			 err[256];
	size_t			 i;

	if (auth_file_parse((const char *)data, size, "f", &af, err,
	    sizeof(err)) == -1) {
		FUZZ_ASSERT(strncmp(err, "f:", 2) == 0);
		FUZZ_ASSERT(af.af_n == 0 && af.af_users == NULL);
		return;
	}
	FUZZ_ASSERT(af.af_n > 0 && af.af_n <= AUTH_USERS_MAX);
	for (i = 0; i < af.af_n; i++) {
		FUZZ_ASSERT(auth_file_find(&af, af.af_users[i].au_name) ==
		    &af.af_users[i]);
		FUZZ_ASSERT(strncmp(af.af_users[i].au_hash, "$2b$", 4) == 0 ||
		    strncmp(af.af_users[i].au_hash, "$2y$", 4) == 0 ||
		    strncmp(af.af_users[i].au_hash, "$y$", 3) == 0);
	}
	auth_file_free(&af);
}

static void
fuzz_realm(const uint8_t *data, size_t size)
{
	char	*r, out[64];

	if ((r = malloc(size + 1)) == NULL)
		return;
	memcpy(r, data, size);
	r[size] = '\0';
	if (auth_realm_quote(r, out, sizeof(out)) == 0)
		FUZZ_ASSERT(out[0] == '"' && strlen(out) < sizeof(out) &&
		    out[strlen(out) - 1] == '"');
	free(r);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_field(data, size);
	fuzz_file(data, size);
	fuzz_realm(data, size);
	return 0;
}
