/* SPDX-License-Identifier: ISC */
/*
 * filter_data.h: the tables filter_parse.c parses with (errno names,
 * argument constants, operators).  Data only, included by filter_parse.c
 * alone; the policies themselves are files in policy/.
 */
#ifndef CGIJAIL_FILTER_DATA_H
#define CGIJAIL_FILTER_DATA_H

#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>

#include <errno.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <stdint.h>

#include "sandbox_priv.h"

#ifndef TIOCLINUX
#define TIOCLINUX		0x541C
#endif

struct filter_name {
	const char	*fn_name;
	uint64_t	 fn_value;
};

static const struct filter_name filter_errnos[] = {
	{ "EPERM", EPERM }, { "ENOENT", ENOENT }, { "ESRCH", ESRCH },
	{ "EIO", EIO }, { "EBADF", EBADF }, { "EAGAIN", EAGAIN },
	{ "ENOMEM", ENOMEM }, { "EACCES", EACCES }, { "EFAULT", EFAULT },
	{ "EBUSY", EBUSY }, { "EEXIST", EEXIST }, { "EXDEV", EXDEV },
	{ "ENODEV", ENODEV }, { "EINVAL", EINVAL }, { "ENOTTY", ENOTTY },
	{ "EROFS", EROFS }, { "ENOSYS", ENOSYS }, { "ENOTSUP", ENOTSUP },
	{ "EOPNOTSUPP", EOPNOTSUPP }, { "EAFNOSUPPORT", EAFNOSUPPORT },
	{ "EPROTONOSUPPORT", EPROTONOSUPPORT }, { "ENETUNREACH", ENETUNREACH },
};

/* symbolic values an argument may be compared with */
static const struct filter_name filter_consts[] = {
	{ "TIOCSTI", TIOCSTI }, { "TIOCLINUX", TIOCLINUX },
	{ "TCGETS", TCGETS }, { "TIOCGWINSZ", TIOCGWINSZ },
	{ "TIOCGPGRP", TIOCGPGRP }, { "FIONREAD", FIONREAD },
	{ "FIOCLEX", FIOCLEX },
	{ "FIONCLEX", FIONCLEX }, { "FIONBIO", FIONBIO },
	{ "CLONE_VM", CLONE_VM }, { "CLONE_FS", CLONE_FS },
	{ "CLONE_FILES", CLONE_FILES }, { "CLONE_SIGHAND", CLONE_SIGHAND },
	{ "CLONE_PIDFD", CLONE_PIDFD }, { "CLONE_PTRACE", CLONE_PTRACE },
	{ "CLONE_VFORK", CLONE_VFORK }, { "CLONE_PARENT", CLONE_PARENT },
	{ "CLONE_THREAD", CLONE_THREAD }, { "CLONE_NEWNS", CLONE_NEWNS },
	{ "CLONE_SYSVSEM", CLONE_SYSVSEM }, { "CLONE_SETTLS", CLONE_SETTLS },
	{ "CLONE_PARENT_SETTID", CLONE_PARENT_SETTID },
	{ "CLONE_CHILD_CLEARTID", CLONE_CHILD_CLEARTID },
	{ "CLONE_CHILD_SETTID", CLONE_CHILD_SETTID },
	{ "CLONE_NEWCGROUP", CLONE_NEWCGROUP },
	{ "CLONE_NEWUTS", CLONE_NEWUTS }, { "CLONE_NEWIPC", CLONE_NEWIPC },
	{ "CLONE_NEWUSER", CLONE_NEWUSER }, { "CLONE_NEWPID", CLONE_NEWPID },
	{ "CLONE_NEWNET", CLONE_NEWNET }, { "CLONE_IO", CLONE_IO },
	{ "CLONE_NEW_ANY", FILTER_CLONE_NEW },
	{ "AF_UNIX", AF_UNIX }, { "AF_LOCAL", AF_LOCAL },
	{ "AF_INET", AF_INET }, { "AF_INET6", AF_INET6 },
	{ "AF_NETLINK", AF_NETLINK }, { "AF_PACKET", AF_PACKET },
	{ "MSG_OOB", MSG_OOB },
	{ "SECCOMP_FILTER_FLAG_NEW_LISTENER",
	    SECCOMP_FILTER_FLAG_NEW_LISTENER },
	{ "SOCK_STREAM", SOCK_STREAM }, { "SOCK_DGRAM", SOCK_DGRAM },
	{ "SOCK_RAW", SOCK_RAW }, { "SOCK_SEQPACKET", SOCK_SEQPACKET },
	{ "SOCK_CLOEXEC", SOCK_CLOEXEC }, { "SOCK_NONBLOCK", SOCK_NONBLOCK },
	{ "PROT_NONE", PROT_NONE }, { "PROT_READ", PROT_READ },
	{ "PROT_WRITE", PROT_WRITE }, { "PROT_EXEC", PROT_EXEC },
	{ "PERSONALITY_QUERY", FILTER_PERS_QUERY },
};

static const struct filter_name filter_ops[] = {
	{ "==", FILTER_OP_EQ }, { "!=", FILTER_OP_NE },
	{ "<", FILTER_OP_LT }, { "<=", FILTER_OP_LE },
	{ ">", FILTER_OP_GT }, { ">=", FILTER_OP_GE },
};

#define FILTER_NELEM(a)	(sizeof(a) / sizeof((a)[0]))

#endif
