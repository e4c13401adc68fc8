/* SPDX-License-Identifier: ISC */
/*
 * denysys.c: run a program on a kernel where one system call fails: a
 * seccomp filter makes SYSCALL return -1 with ERRNO, for the program and
 * everything it starts.  E.g. "denysys landlock_create_ruleset ENOSYS"
 * is a kernel without landlock, "denysys pivot_root EPERM" one where the
 * roles' setup fails (the parent never calls it).  Test helper, as root.
 * usage: denysys SYSCALL ERRNO PROGRAM [ARG...]
 *        (SYSCALL and ERRNO by name, as below, or by number)
 */
#include <sys/prctl.h>
#include <sys/syscall.h>

#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct denysys_name {
	const char	*dn_name;
	long		 dn_value;
};

/* x86_64 numbers; Debian 12's headers lack the landlock ones */
static const struct denysys_name denysys_calls[] = {
	{ "pivot_root", 155 },
	{ "mount", 165 },
	{ "unshare", 272 },
	{ "setns", 308 },
	{ "seccomp", 317 },
	{ "clone3", 435 },
	{ "landlock_create_ruleset", 444 },
	{ "landlock_add_rule", 445 },
	{ "landlock_restrict_self", 446 },
};

static const struct denysys_name denysys_errnos[] = {
	{ "EPERM", EPERM },
	{ "ENOENT", ENOENT },
	{ "EACCES", EACCES },
	{ "EINVAL", EINVAL },
	{ "ENOMEM", ENOMEM },
	{ "ENOSYS", ENOSYS },
	{ "EOPNOTSUPP", EOPNOTSUPP },
};

/* a name of the table, or a decimal number up to max; -1 if neither */
static long
denysys_lookup(const struct denysys_name *tab, size_t n, const char *s,
    long max)
{
	char	*end;
	long	 v;
	size_t	 i;

	for (i = 0; i < n; i++)
		if (strcmp(s, tab[i].dn_name) == 0)
			return tab[i].dn_value;
	if (s[0] < '0' || s[0] > '9')
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	return errno != 0 || *end != '\0' || v > max ? -1 : v;
}

int
main(int argc, char *argv[])
{
	long			 nr, err;
	struct sock_filter	 insns[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
		    offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
		    offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, 1),	/* [4]: nr */
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO),	/* [5]: err */
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog	 prog = {
		sizeof(insns) / sizeof(insns[0]), insns
	};

	if (argc < 4) {
		fprintf(stderr, "usage: denysys SYSCALL ERRNO PROGRAM "
		    "[ARG...]\n");
		return 2;
	}
	nr = denysys_lookup(denysys_calls, sizeof(denysys_calls) /
	    sizeof(denysys_calls[0]), argv[1], 1023);
	err = denysys_lookup(denysys_errnos, sizeof(denysys_errnos) /
	    sizeof(denysys_errnos[0]), argv[2], SECCOMP_RET_DATA);
	if (nr == -1 || err == -1) {
		fprintf(stderr, "denysys: unknown %s '%s'\n", nr == -1 ?
		    "system call" : "errno", nr == -1 ? argv[1] : argv[2]);
		return 2;
	}
	insns[4].k = (unsigned int)nr;
	insns[5].k = SECCOMP_RET_ERRNO | (unsigned int)err;
	/* as root no_new_privs is not needed; the program may want setuid */
	if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) == -1) {
		perror("denysys: seccomp");
		return 1;
	}
	execv(argv[3], argv + 3);
	perror("denysys: execv");
	return 127;
}
