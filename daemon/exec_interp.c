/* SPDX-License-Identifier: ISC */
/*
 * exec_interp.c: what starts a script: the interpreter its #! line
 * names, and the ELF interpreter (the dynamic loader) of a program.  A
 * policy's "exec self" lets exactly these run beside the script itself.
 * Executor role; reads the validated file and the jail's own programs,
 * trusts neither (every length and offset is checked).
 */
#include <sys/types.h>

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "exec_priv.h"

#define EXEC_PHDRS_MAX	64

/*
 * The interpreter named by a "#!" line (NUL-terminated head): its path
 * into out, "" if the line names none.  Leading blanks are skipped; the
 * path ends at a blank (an argument may follow) or a carriage return.
 */
void
exec_shebang_path(const char *head, char *out, size_t outsz)
{
	size_t	 n;

	out[0] = '\0';
	if (strncmp(head, "#!", 2) != 0)
		return;
	head += 2;
	head += strspn(head, " \t");
	n = strcspn(head, " \t\r\n");
	if (n == 0 || n >= outsz)
		return;
	memcpy(out, head, n);
	out[n] = '\0';
}

static int
exec_pread(int fd, void *buf, size_t len, off_t off)
{
	return pread(fd, buf, len, off) == (ssize_t)len ? 0 : -1;
}

/* a 64-bit ELF file's PT_INTERP into out, "" if it has none */
int
exec_elf_interp(int fd, char *out, size_t outsz)
{
	Elf64_Ehdr	 eh;
	Elf64_Phdr	 ph;
	size_t		 i;

	out[0] = '\0';
	if (exec_pread(fd, &eh, sizeof(eh), 0) == -1 ||
	    memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0 ||
	    eh.e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh.e_phentsize != sizeof(ph) || eh.e_phnum > EXEC_PHDRS_MAX) {
		errno = ENOEXEC;
		return -1;
	}
	for (i = 0; i < eh.e_phnum; i++) {
		if (exec_pread(fd, &ph, sizeof(ph), (off_t)(eh.e_phoff +
		    i * sizeof(ph))) == -1)
			return -1;
		if (ph.p_type != PT_INTERP)
			continue;
		if (ph.p_filesz < 2 || ph.p_filesz > outsz ||
		    exec_pread(fd, out, ph.p_filesz, (off_t)ph.p_offset) ==
		    -1 || out[ph.p_filesz - 1] != '\0') {
			out[0] = '\0';
			errno = ENOEXEC;
			return -1;
		}
		return 0;
	}
	return 0;
}

static int
exec_elf_interp_path(const char *path, char *out, size_t outsz)
{
	int	 fd, r;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)) == -1)
		return -1;
	r = exec_elf_interp(fd, out, outsz);
	(void)close(fd);
	return r;
}

/* add a path to the NULL-ended list, once */
static void
exec_also_add(char also[][PATH_MAX], const char **list, size_t *n,
    const char *path)
{
	size_t	 i;

	if (path[0] != '/' || *n >= SBX_EXEC_ALSO_MAX)
		return;
	for (i = 0; i < *n; i++)
		if (strcmp(list[i], path) == 0)
			return;
	strlcpy(also[*n], path, PATH_MAX);
	list[*n] = also[*n];
	list[++*n] = NULL;
}

/*
 * What may run beside the script under "exec self": its interpreter
 * (an `interpreter` line, else the #! line) and the dynamic loader of
 * that interpreter or of the program itself.  An interpreter that is
 * itself a script (#!/usr/bin/env ...) gets nothing more: env could
 * start anything.
 */
void
exec_also(const struct exec_script *sc, char also[][PATH_MAX],
    const char **list)
{
	char	 interp[PATH_MAX], ld[PATH_MAX];
	size_t	 n = 0;

	list[0] = NULL;
	interp[0] = '\0';
	if (sc->sc_interp != NULL)
		strlcpy(interp, sc->sc_interp, sizeof(interp));
	else if (sc->sc_kind == EXEC_KIND_SHEBANG)
		exec_shebang_path(sc->sc_head, interp, sizeof(interp));
	if (interp[0] != '\0') {
		exec_also_add(also, list, &n, interp);
		if (exec_elf_interp_path(interp, ld, sizeof(ld)) == 0)
			exec_also_add(also, list, &n, ld);
	} else if (sc->sc_kind == EXEC_KIND_ELF &&
	    exec_elf_interp(sc->sc_fd, ld, sizeof(ld)) == 0)
		exec_also_add(also, list, &n, ld);
}
