/* SPDX-License-Identifier: ISC */
/*
 * front_exec.c: the front's sending side of the executor channel.  What
 * does not fit in the SEQPACKET queue waits here, in order, until the
 * channel is writable again.  Front role; sends only, reads nothing.
 */
#include <sys/epoll.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "front.h"
#include "log.h"
#include "msg.h"

int			 front_exec_fd = -1;
struct front_ev		 front_exec_ev;

/*
 * Messages to the executor that did not fit in its socket queue (a
 * SEQPACKET pair holds only net.unix.max_dgram_qlen messages): kept in
 * order and sent when the channel is writable again.
 */
struct front_outmsg {
	struct front_outmsg	*om_next;
	int			 om_type;
	uint64_t		 om_reqid;
	size_t			 om_len;
	int			 om_fds[MSG_FDS_MAX];
	int			 om_nfds;
	char			 om_payload[];
};
static struct front_outmsg	*front_outq, **front_outq_tail = &front_outq;

static void
front_outmsg_free(struct front_outmsg *om)
{
	int	i;

	for (i = 0; i < om->om_nfds; i++)
		close(om->om_fds[i]);
	free(om);
}

int
front_exec_send(int type, uint64_t reqid, const void *payload, size_t len,
    int *fds, int nfds)
{
	struct front_outmsg	*om;
	int			 i, rc = -1;

	if (front_outq == NULL) {
		rc = msg_send(front_exec_fd, type, reqid, payload, len, fds,
		    nfds);
		if (rc == 0 || errno != EAGAIN) {
			for (i = 0; i < nfds; i++)
				close(fds[i]);
			return rc;
		}
	}
	if ((om = malloc(sizeof(*om) + len)) == NULL) {
		for (i = 0; i < nfds; i++)
			close(fds[i]);
		return -1;
	}
	om->om_next = NULL;
	om->om_type = type;
	om->om_reqid = reqid;
	om->om_len = len;
	om->om_nfds = nfds;
	for (i = 0; i < nfds; i++)
		om->om_fds[i] = fds[i];
	memcpy(om->om_payload, payload, len);
	*front_outq_tail = om;
	front_outq_tail = &om->om_next;
	front_ev_set(&front_exec_ev, EPOLLIN | EPOLLOUT);
	return 0;
}

int
front_exec_cancel(uint64_t reqid)
{
	struct front_outmsg	**pp, *om;

	for (pp = &front_outq; (om = *pp) != NULL; pp = &om->om_next) {
		if (om->om_reqid != reqid || om->om_type != MSG_EXEC_REQ)
			continue;
		*pp = om->om_next;
		if (front_outq_tail == &om->om_next)
			front_outq_tail = pp;
		front_outmsg_free(om);
		return 1;
	}
	return 0;
}

void
front_exec_writable(void)
{
	struct front_outmsg	*om;

	while ((om = front_outq) != NULL) {
		if (msg_send(front_exec_fd, om->om_type, om->om_reqid,
		    om->om_payload, om->om_len, om->om_fds, om->om_nfds) ==
		    -1) {
			if (errno == EAGAIN)
				return;
			fatal("executor channel");
		}
		front_outq = om->om_next;
		if (front_outq == NULL)
			front_outq_tail = &front_outq;
		front_outmsg_free(om);
	}
	front_ev_set(&front_exec_ev, EPOLLIN);
}
