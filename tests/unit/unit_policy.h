/* SPDX-License-Identifier: ISC */
/*
 * unit_policy.h: for the filter unit tests, a policy's text from a file
 * of the tree (or the text itself), NUL-ended, malloc'd; the test fails
 * if it cannot be read.
 */
#ifndef UNIT_POLICY_H
#define UNIT_POLICY_H

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static inline char *
unit_policy_text(const char *file, const char *text, size_t *lenp)
{
	FILE	*f;
	char	*out;
	long	 len;

	if (file == NULL) {
		*lenp = strlen(text);
		return strdup(text);
	}
	f = fopen(file, "r");
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(fseek(f, 0, SEEK_END), 0);
	len = ftell(f);
	rewind(f);
	out = malloc((size_t)len + 1);
	ck_assert_ptr_nonnull(out);
	ck_assert_int_eq(fread(out, 1, (size_t)len, f), (size_t)len);
	out[len] = '\0';
	(void)fclose(f);
	*lenp = (size_t)len;
	return out;
}

#endif
