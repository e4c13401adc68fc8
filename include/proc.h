/* SPDX-License-Identifier: ISC */
/*
 * proc.h: roles, and their fixed descriptor numbers after re-exec.
 */
#ifndef CGIJAIL_PROC_H
#define CGIJAIL_PROC_H

#include <sys/types.h>

enum proc_role {
	PROC_PARENT = 0,
	PROC_FRONT,
	PROC_EXECUTOR,
	PROC_MAX
};

/*
 * Descriptors a child role finds after re-exec (everything else is closed):
 * 3 = channel to the parent, 4 = channel between front and executor,
 * 5 = the config text (sealed memfd), 6 = the listening sockets' options
 * and the TLS keys (sealed memfd, keys.c; front only), 7.. = listening
 * sockets (front only).
 */
#define PROC_FD_PARENT	3
#define PROC_FD_PEER	4
#define PROC_FD_CONFIG	5
#define PROC_FD_KEYS	6
#define PROC_FD_LISTEN	7

const char	*proc_role_name(enum proc_role);
int		 proc_role_from_name(const char *);

/* a role, once set up and confined: MSG_READY to the parent */
void		 proc_ready(void);

struct msg_hdr;
/*
 * Receive one message from the peer role `from' (msg_recv_checked()), for
 * a role that cannot go on without it: 1 with a valid message, 0 on
 * orderly EOF, -1 on a transient error (EAGAIN/EINTR/ENOBUFS/ENOMEM, errno
 * set).  A protocol violation calls fatalx(), as does any other recvmsg
 * error (the channel is unusable); the parent then restarts the pair.
 */
int		 proc_recv(int sock, enum proc_role from, struct msg_hdr *,
		    void *payload, int *fds, int *nfds);

/* fork + re-exec exe_fd as role with descriptors at PROC_FD_* (no keys: -1) */
pid_t		 proc_start_role(int exe_fd, enum proc_role, char *const argv[],
		    int parent_fd, int peer_fd, int config_fd, int keys_fd,
		    const int *listen_fds, size_t nlisten);

#endif
