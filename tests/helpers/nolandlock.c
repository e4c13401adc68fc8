/* SPDX-License-Identifier: ISC */
/*
 * nolandlock.c: run a program on a "kernel without landlock": a seccomp
 * filter makes landlock_create_ruleset(2) fail with ENOSYS, inherited by
 * the program and everything it starts.  Test helper, run as root.
 * usage: nolandlock PROGRAM [ARG...]
 */
#include <sys/prctl.h>
#include <sys/syscall.h>

#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdio.h>
#include <unistd.h>

#ifndef SYS_landlock_create_ruleset
#define SYS_landlock_create_ruleset	444
#endif

int
main(int argc, char *argv[])
{
	struct sock_filter	 insns[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
		    offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
		    offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K,
		    SYS_landlock_create_ruleset, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog	 prog = {
		sizeof(insns) / sizeof(insns[0]), insns
	};

	if (argc < 2) {
		fprintf(stderr, "usage: nolandlock PROGRAM [ARG...]\n");
		return 2;
	}
	/* as root no_new_privs is not needed; the program may want setuid */
	if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) == -1) {
		perror("nolandlock: seccomp");
		return 1;
	}
	execv(argv[1], argv + 1);
	perror("nolandlock: execv");
	return 127;
}
