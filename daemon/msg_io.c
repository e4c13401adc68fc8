/* SPDX-License-Identifier: ISC */
/*
 * msg_io.c: moving the messages of msg.c over the SOCK_SEQPACKET
 * channels: one sendmsg per message, descriptors in SCM_RIGHTS, every
 * received message and descriptor checked before the caller sees it.
 * Used by every role.  Trusts no peer.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>

#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "msg.h"
#include "proc.h"

/* room for MSG_FDS_MAX descriptors, aligned for the cmsg macros */
union msg_cbuf {
	struct cmsghdr	 align;
	unsigned char	 buf[CMSG_SPACE(sizeof(int) * MSG_FDS_MAX)];
};

/* SCM_RIGHTS control data for nfds (1..MSG_FDS_MAX) descriptors */
static void
msg_put_fds(struct msghdr *m, void *buf, const int *fds, int nfds)
{
	struct cmsghdr	*cm;

	memset(buf, 0, CMSG_SPACE(sizeof(int) * MSG_FDS_MAX));
	m->msg_control = buf;
	m->msg_controllen = CMSG_SPACE(sizeof(int) * (size_t)nfds);
	cm = CMSG_FIRSTHDR(m);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int) * (size_t)nfds);
	memcpy(CMSG_DATA(cm), fds, sizeof(int) * (size_t)nfds);
}

int
msg_send(int sock, enum msg_type type, uint64_t reqid, const void *payload,
    size_t len, const int *fds, int nfds)
{
	struct msg_hdr		 hdr;
	struct iovec		 iov[2];
	struct msghdr		 m;
	union msg_cbuf		 cbuf;
	ssize_t			 n;

	/* refuse here what the receiver would kill us for */
	if (msg_send_ok(type, reqid, payload, len, fds, nfds) == -1) {
		errno = EINVAL;
		return -1;
	}
	memset(&hdr, 0, sizeof(hdr));
	hdr.mh_type = (uint16_t)type;
	hdr.mh_len = (uint32_t)(sizeof(hdr) + len);
	hdr.mh_reqid = reqid;
	iov[0].iov_base = &hdr;
	iov[0].iov_len = sizeof(hdr);
	iov[1].iov_base = (void *)payload;
	iov[1].iov_len = len;
	memset(&m, 0, sizeof(m));
	m.msg_iov = iov;
	m.msg_iovlen = 2;
	if (nfds > 0)
		msg_put_fds(&m, cbuf.buf, fds, nfds);
	do
		n = sendmsg(sock, &m, MSG_NOSIGNAL);
	while (n == -1 && errno == EINTR);
	if (n >= 0 && (size_t)n != hdr.mh_len)
		errno = EMSGSIZE;
	return n >= 0 && (size_t)n == hdr.mh_len ? 0 : -1;
}

/*
 * Take every descriptor out of the control data, so that none leaks
 * whatever else is wrong.  More than MSG_FDS_MAX, or anything but
 * SCM_RIGHTS, is a violation; the extra descriptors are closed here.
 */
static const char *
msg_take_fds(struct msghdr *m, int *fds, int *nfds)
{
	struct cmsghdr	*cm;
	const char	*why = NULL;
	size_t		 i, n;
	int		 fd;

	*nfds = 0;
	for (cm = CMSG_FIRSTHDR(m); cm != NULL; cm = CMSG_NXTHDR(m, cm)) {
		if (cm->cmsg_level != SOL_SOCKET ||
		    cm->cmsg_type != SCM_RIGHTS) {
			why = "control message is not SCM_RIGHTS";
			continue;
		}
		n = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (i = 0; i < n; i++) {
			memcpy(&fd, CMSG_DATA(cm) + i * sizeof(int),
			    sizeof(fd));
			if (*nfds < MSG_FDS_MAX)
				fds[(*nfds)++] = fd;
			else {
				(void)close(fd);
				why = "too many descriptors";
			}
		}
	}
	return why;
}

/* NULL, or why the message just received breaks the protocol */
static const char *
msg_check_received(const struct msghdr *m, size_t n,
    const struct msg_hdr *hdr, const void *payload, const int *fds,
    int nfds, enum proc_role from)
{
	const char		*why = NULL;
	struct stat		 st;
	int			 i;

	if (m->msg_flags & MSG_TRUNC)
		return "message truncated";
	if (m->msg_flags & MSG_CTRUNC)
		return "control data truncated";
	if ((why = msg_check_head(hdr, n)) != NULL)
		return why;
	for (i = 0; i < nfds; i++)
		if (fstat(fds[i], &st) == -1 || !S_ISFIFO(st.st_mode))
			return "descriptor is not a FIFO";
	(void)msg_validate((enum msg_type)hdr->mh_type, payload,
	    n - sizeof(*hdr), nfds, from, &why);
	return why;
}

int
msg_recv_checked(int sock, enum proc_role from, struct msg_hdr *hdr,
    void *payload, int *fds, int *nfds, const char **why)
{
	struct iovec	 iov[2];
	struct msghdr	 m;
	union msg_cbuf	 cbuf;
	ssize_t		 n;
	int		 i;

	*nfds = 0;
	*why = NULL;
	iov[0].iov_base = hdr;
	iov[0].iov_len = sizeof(*hdr);
	iov[1].iov_base = payload;
	iov[1].iov_len = MSG_PAYLOAD_MAX;
	memset(&m, 0, sizeof(m));
	m.msg_iov = iov;
	m.msg_iovlen = 2;
	m.msg_control = cbuf.buf;
	m.msg_controllen = sizeof(cbuf.buf);
	if ((n = recvmsg(sock, &m, MSG_CMSG_CLOEXEC)) == -1)
		return errno == ECONNRESET ? 0 : -1;
	*why = msg_take_fds(&m, fds, nfds);
	if (n == 0 && *why == NULL && *nfds == 0 &&
	    (m.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) == 0)
		return 0;
	if (*why == NULL)
		*why = msg_check_received(&m, (size_t)n, hdr, payload, fds,
		    *nfds, from);
	if (*why == NULL)
		return 1;
	for (i = 0; i < *nfds; i++)
		(void)close(fds[i]);
	*nfds = 0;
	return -2;
}
