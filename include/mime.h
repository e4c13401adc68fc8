/* SPDX-License-Identifier: ISC */
/*
 * mime.h: a file's type by its extension, for static files in the front.
 */
#ifndef CGIJAIL_MIME_H
#define CGIJAIL_MIME_H

#include <stddef.h>

/*
 * Read a mime.types file ("type ext ext...", '#' comments) before the
 * chroot.  Returns 0, or -1 with errno set; on failure the table loaded
 * before (or the built-in one) stays in use.  Caps: 1 MiB of text,
 * 8192 extensions, extensions of up to 15 bytes.
 */
int		 mime_load(const char *path);
/* the same on text already in memory (pure; for tests and fuzzing) */
int		 mime_parse(const char *text, size_t len);
/*
 * Type by the lowercased final extension: loaded table, then the
 * built-in one, else "application/octet-stream".  Like nginx, no
 * charset parameter is added (the autoindex page says utf-8 itself).
 */
const char	*mime_type(const char *filename);

#endif
