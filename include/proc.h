/*
 * proc.h: roles, their fixed descriptor numbers after re-exec, privilege drop.
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
 * 5 = the config text (sealed memfd), 6.. = listening sockets (front only).
 */
#define PROC_FD_PARENT	3
#define PROC_FD_PEER	4
#define PROC_FD_CONFIG	5
#define PROC_FD_LISTEN	6

/* the front's uid/gid when neither `user` nor _cgijail exists */
#define PROC_FRONT_FALLBACK_ID	64990
/* the front chroots here: empty, root-owned */
#define PROC_EMPTY_DIR		"/run/cgijail/empty"

const char	*proc_role_name(enum proc_role);
int		 proc_role_from_name(const char *);

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

/* become uid/gid with no groups, verify it took, and that root is gone */
int		 proc_drop_identity(uid_t, gid_t);
/* fork + re-exec exe_fd as role with descriptors at PROC_FD_* */
pid_t		 proc_start_role(int exe_fd, enum proc_role, char *const argv[],
		    int parent_fd, int peer_fd, int config_fd,
		    const int *listen_fds, size_t nlisten);
int		 proc_front_identity(const char *user, uid_t script_uid,
		    uid_t *, gid_t *, char *err, size_t errsz);
int		 proc_chroot_empty(const char *dir);
int		 proc_verify_no_caps(void);
int		 proc_drop_bounding(void);
int		 proc_clear_caps(void);
/* empty every capability set including bounding and ambient */
int		 proc_drop_all_caps(void);

#endif
