/* SPDX-License-Identifier: ISC */
/*
 * fuzz_userdir.c: libFuzzer target for userdir.c.  The first byte picks
 * the text: the account table a role reads from its sealed memfd, or a
 * teacher's userdir-limits file.  A table that parses holds only sorted,
 * unique, valid names, clean paths, uids from userdir-min-uid up and
 * limits at most the configuration's, and formats back to text that
 * parses to the same table; a limits file's every line hands a value at
 * most the configuration's; an error is bounded and named.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "userdir.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define FZ_FILE		"fz.limits"
#define FZ_CHECK(x)	do { if (!(x)) { fprintf(stderr, "%s:%d: %s\n", \
			    __FILE__, __LINE__, #x); abort(); } } while (0)

static struct config	fz_cf;

static void
fz_check_account(const struct userdir_account *a, const struct config *cf)
{
	FZ_CHECK(userdir_name_ok(a->ua_name, strlen(a->ua_name)));
	FZ_CHECK(userdir_path_error(a->ua_path) == NULL);
	FZ_CHECK(a->ua_uid >= cf->cf_userdir_min_uid && a->ua_uid != 0 &&
	    a->ua_gid != 0);
	FZ_CHECK(a->ua_max_scripts >= 1 &&
	    a->ua_max_scripts <= cf->cf_userdir_max_scripts);
	FZ_CHECK(a->ua_limits.lim_cpu_sec <= cf->cf_limits.lim_cpu_sec);
	FZ_CHECK(a->ua_limits.lim_memory_bytes <=
	    cf->cf_limits.lim_memory_bytes);
	FZ_CHECK(a->ua_limits.lim_processes <= cf->cf_limits.lim_processes);
	FZ_CHECK(a->ua_limits.lim_open_files <= cf->cf_limits.lim_open_files);
	FZ_CHECK(a->ua_limits.lim_tmp_bytes <= cf->cf_limits.lim_tmp_bytes);
	FZ_CHECK(a->ua_limits.lim_file_size_bytes != 0 &&
	    a->ua_limits.lim_file_size_bytes <=
	    cf->cf_limits.lim_file_size_bytes);
}

static void
fz_table(const char *text, size_t len)
{
	struct userdir_table	*ut = NULL, *again = NULL;
	char			 err[512], *out;
	size_t			 i, outlen;

	memset(err, 'X', sizeof(err));
	if (userdir_parse(text, len, &fz_cf, &ut, err, sizeof(err)) == -1) {
		FZ_CHECK(memchr(err, '\0', sizeof(err)) != NULL);
		FZ_CHECK(strncmp(err, "userdir table line ", 19) == 0);
		return;
	}
	for (i = 0; i < ut->ut_n; i++) {
		fz_check_account(&ut->ut_acct[i], &fz_cf);
		if (i > 0)
			FZ_CHECK(strcmp(ut->ut_acct[i - 1].ua_name,
			    ut->ut_acct[i].ua_name) < 0);
		FZ_CHECK(userdir_lookup(ut, ut->ut_acct[i].ua_name,
		    strlen(ut->ut_acct[i].ua_name)) == &ut->ut_acct[i]);
	}
	FZ_CHECK(userdir_format(ut, &out, &outlen) == 0);
	FZ_CHECK(memchr(out, '\0', outlen) == NULL);
	FZ_CHECK(userdir_parse(out, outlen, &fz_cf, &again, err,
	    sizeof(err)) == 0);
	FZ_CHECK(again->ut_n == ut->ut_n);
	for (i = 0; i < ut->ut_n; i++)
		FZ_CHECK(memcmp(&again->ut_acct[i], &ut->ut_acct[i],
		    sizeof(ut->ut_acct[i])) == 0);
	free(out);
	userdir_free(again);
	userdir_free(ut);
}

/* each limit line handed on: a user name, and never a raised limit */
static int
fz_limit(void *arg, const struct userdir_limit *l, char *err, size_t errsz)
{
	struct userdir_account	a;
	size_t			*n = arg;

	memset(&a, 0, sizeof(a));
	a.ua_uid = a.ua_gid = fz_cf.cf_userdir_min_uid;
	(void)strlcpy(a.ua_name, "fz", sizeof(a.ua_name));
	(void)strlcpy(a.ua_path, "/home/fz/public_html", sizeof(a.ua_path));
	a.ua_max_scripts = fz_cf.cf_userdir_max_scripts;
	a.ua_limits = fz_cf.cf_limits;
	FZ_CHECK(userdir_name_ok(l->ul_name, strlen(l->ul_name)));
	FZ_CHECK(l->ul_line >= 1);
	userdir_limit_apply(&a, l);
	fz_check_account(&a, &fz_cf);
	(*n)++;
	return 0;
}

static void
fz_limits(const char *text, size_t len)
{
	char	err[CONFIG_ERR_MAX];
	size_t	n = 0;

	memset(err, 'X', sizeof(err));
	if (userdir_limits_parse(text, len, FZ_FILE, &fz_cf, fz_limit, &n,
	    err, sizeof(err)) == -1) {
		FZ_CHECK(memchr(err, '\0', sizeof(err)) != NULL);
		FZ_CHECK(strncmp(err, FZ_FILE ":", sizeof(FZ_FILE)) == 0);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	config_defaults(&fz_cf);
	(void)strlcpy(fz_cf.cf_userdir, "public_html",
	    sizeof(fz_cf.cf_userdir));
	if (data[0] & 1)
		fz_limits((const char *)data + 1, size - 1);
	else
		fz_table((const char *)data + 1, size - 1);
	return 0;
}
