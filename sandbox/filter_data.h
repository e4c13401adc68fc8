/*
 * filter_data.h: the tables filter.c parses with (errno names, argument
 * constants, operators) and the always-kill floor, as policy text.  Data
 * only, included by filter.c alone so a fuzz target links one file.
 */
#ifndef CGIJAIL_FILTER_DATA_H
#define CGIJAIL_FILTER_DATA_H

#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>

#include <errno.h>
#include <sched.h>
#include <stdint.h>

#include "sandbox.h"

#define FILTER_PERS_QUERY	0xffffffffULL	/* personality(): read only */
#define FILTER_CLONE_NEW	(CLONE_NEWNS | CLONE_NEWCGROUP | \
	CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWUSER | CLONE_NEWPID | \
	CLONE_NEWNET)
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

/*
 * The floor: killed (SIGSYS) whatever a policy says, because each one
 * reaches past the sandbox (other processes, mounts, namespaces, the
 * kernel's keyrings, BPF and io_uring attack surface, the clock, the tty).
 * Merged into a policy where that is provably the same, else installed as
 * a second filter (the kernel applies the strictest verdict).  Written in
 * policy syntax so the same tested parser reads it.
 */
static const char filter_floor_text[] =
    "default allow\n"
    "kill ptrace\n" "kill process_vm_readv\n" "kill process_vm_writev\n"
    "kill pidfd_getfd\n" "kill process_madvise\n"
    "kill mount\n" "kill umount2\n" "kill pivot_root\n" "kill chroot\n"
    "kill unshare\n" "kill setns\n" "kill fsopen\n" "kill fsmount\n"
    "kill fsconfig\n" "kill move_mount\n" "kill open_tree\n"
    "kill fspick\n" "kill mount_setattr\n"
    "kill open_by_handle_at\n" "kill name_to_handle_at\n"
    "kill keyctl\n" "kill add_key\n" "kill request_key\n"
    "kill bpf\n" "kill perf_event_open\n" "kill userfaultfd\n"
    "kill io_uring_setup\n" "kill io_uring_enter\n"
    "kill io_uring_register\n"
    "kill kexec_load\n" "kill kexec_file_load\n" "kill init_module\n"
    "kill finit_module\n" "kill delete_module\n" "kill reboot\n"
    "kill swapon\n" "kill swapoff\n" "kill acct\n" "kill iopl\n"
    "kill ioperm\n" "kill settimeofday\n" "kill clock_settime\n"
    "kill adjtimex\n" "kill clock_adjtime\n"
    /* a new namespace of any kind; clone3 hides flags behind a pointer */
    "kill clone arg0 &CLONE_NEWNS == CLONE_NEWNS\n"
    "kill clone arg0 &CLONE_NEWCGROUP == CLONE_NEWCGROUP\n"
    "kill clone arg0 &CLONE_NEWUTS == CLONE_NEWUTS\n"
    "kill clone arg0 &CLONE_NEWIPC == CLONE_NEWIPC\n"
    "kill clone arg0 &CLONE_NEWUSER == CLONE_NEWUSER\n"
    "kill clone arg0 &CLONE_NEWPID == CLONE_NEWPID\n"
    "kill clone arg0 &CLONE_NEWNET == CLONE_NEWNET\n"
    "errno ENOSYS clone3\n"
    /* typing into a terminal; the kernel reads the low 32 bits only */
    "kill ioctl arg1 &0xffffffff == TIOCSTI\n"
    "kill ioctl arg1 &0xffffffff == TIOCLINUX\n"
    /* personality(0xffffffff) only reads it */
    "kill personality arg0 != PERSONALITY_QUERY\n";

#endif
