/* SPDX-License-Identifier: ISC */
/*
 * exec_priv.h: the executor's state, shared by its files: executor.c
 * (setup, messages, the loop), exec_child.c (a script's life: spawn,
 * timeout, kill, reap, report), exec_queue.c (requests waiting for a
 * slot), exec_userdir.c (a student's scripts) and exec_metrics.c (the
 * counters /metrics shows).  Executor role only.
 */
#ifndef CGIJAIL_EXEC_PRIV_H
#define CGIJAIL_EXEC_PRIV_H

#include <sys/types.h>

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "cgi_env.h"
#include "executor.h"
#include "config.h"
#include "log.h"
#include "msg.h"
#include "sandbox.h"

#define EXEC_QUEUE_MAX		256	/* requests waiting for a slot */
#define EXEC_QUEUE_WAIT_SEC	10	/* then they get MSG_EXEC_BUSY */
#define EXEC_SCRIPTS_CAP	1024	/* sanity bound on max-scripts */
#define EXEC_REAP_WAIT_MS	2000	/* bounded wait for killed children */
#define EXEC_READ_BATCH		16	/* front messages per wakeup */
#define EXEC_SPAWN_BATCH	1	/* of them requests, each waited for */
#define EXEC_SEND_WAIT_MS	2000	/* a front that reads nothing */
#define EXEC_FD_RESERVE		64	/* fds kept free for the rest */
#define EXEC_START_MAX_SEC	5	/* clone to execve, at most */
#define EXEC_USER_WAIT_SEC	3	/* over userdir-max-scripts, then 503 */
#define EXEC_USER_QUEUE_FACTOR	4	/* waiting: this many times its cap */
#define EXEC_PREPARED		2	/* children made ahead, per policy */
#define EXEC_SPAWNERS		2	/* each makes one at a time */
/* and for students' requests, with userdir */
#define EXEC_SPAWNERS_USERDIR	4
#define EXEC_PREP_FAILS		3	/* unused, in a row: then none are */
/* whose a script is (exec_userdir_of()): a student's index, or these */
#define EXEC_USER_NONE		((ssize_t)-1)	/* the document root's */
#define EXEC_USER_UNKNOWN	((ssize_t)-2)	/* "/~NAME": nobody served */
#define EXEC_REASON_MAX	sizeof(((struct msg_exec_started *)0)->es_reason)

/* epoll tags: kind in the top bits, then child slot and generation */
enum exec_ev {
	EXEC_EV_FRONT = 1,
	EXEC_EV_PARENT,
	EXEC_EV_TICK,
	EXEC_EV_PIDFD,
	EXEC_EV_TIMER,
	EXEC_EV_STATUS,		/* the child's exec or its failure */
	EXEC_EV_METRICS,	/* a batch of counters is due */
	EXEC_EV_PREP		/* the spawner's answers (exec_prep.c) */
};

/*
 * One slot per running script; slot i runs as host uid
 * script-uid-range's first + i.  A child is "starting" from clone until
 * its status pipe says it exec'd (then the front hears MSG_EXEC_STARTED)
 * or failed; nothing here ever waits for it.
 */
struct exec_child {
	int			 ec_used;
	int			 ec_started;	/* exec'd: STARTED sent */
	uint32_t		 ec_gen;
	uint64_t		 ec_reqid;
	struct sandbox_child	 ec_sch;
	int			 ec_timerfd;	/* start bound, then timeout */
	int			 ec_kill;	/* 0 or an enum msg_exec_end */
	ssize_t			 ec_user;	/* a student's, or < 0 */
	const char		*ec_kill_why;
	struct timespec		 ec_start;
	uint64_t		 ec_cpu_usec;	/* user + system, once reaped */
	char			 ec_script[MSG_SCRIPT_MAX];
	/* for the hints on an exec failure */
	int			 ec_kind;	/* enum exec_kind */
	char			 ec_interp[PATH_MAX];	/* "" for none */
	char			 ec_head[EXEC_HEAD_MAX];
};

struct exec_queued {
	struct msg_exec_req	 eq_req;
	uint64_t		 eq_reqid;
	int			 eq_fds[MSG_FDS_MAX];
	struct timespec		 eq_since;
	ssize_t			 eq_user;	/* a student's, or < 0 */
};

struct exec {
	struct config		*ex_cfg;
	struct sandbox		 ex_sb;
	int			 ex_docroot_fd;
	int			 ex_epfd;
	int			 ex_front;
	int			 ex_parent;
	uint32_t		 ex_parent_events;
	int			 ex_tick;
	int			 ex_sweeping;	/* spawners to reap: ticks on */
	int			 ex_front_gone;
	int			 ex_stopping;
	int			 ex_in_queue_run;
	struct exec_child	*ex_child;
	size_t			 ex_nslots;	/* = max-scripts */
	size_t			 ex_nrunning;
	uint32_t		 ex_gen;
	struct exec_queued	*ex_queue[EXEC_QUEUE_MAX];
	size_t			 ex_qlen;
	size_t			 ex_qmax;
	struct cgi_env		 ex_env;
	size_t			*ex_user_running;	/* per sb_users */
	struct msg_metrics_exec	 ex_mx;		/* exec_metrics.c */
	int			 ex_mx_timerfd;
	int			 ex_mx_armed;
	int			 ex_mx_dirty;
	ssize_t			 ex_prep_policy;	/* the last one used */
	int			 ex_prep_script;	/* by a script */
	unsigned int		 ex_prep_streak;	/* its, in a row */
	unsigned int		 ex_prep_failed;	/* in a row */
	union {
		struct msg_exec_req	 req;
		char			 buf[MSG_PAYLOAD_MAX];
	}			 ex_rx;
};

/* executor.c */
void		exec_reqlog(enum log_level, uint64_t reqid, const char *script,
		    const char *, ...) __attribute__((format(printf, 4, 5)));
uint64_t	exec_usec_since(const struct timespec *);
uint64_t	exec_tag(enum exec_ev, size_t slot, uint32_t gen);
void		exec_close_fds(int *fds, int nfds);
void		exec_watch(struct exec *, int op, int fd, uint32_t events,
		    uint64_t tag);
void		exec_send(struct exec *, enum msg_type, uint64_t reqid,
		    const void *, size_t);
void		exec_reply_started(struct exec *, uint64_t reqid,
		    enum msg_exec_result, int err, const char *reason);
void		exec_refuse(struct exec *, uint64_t reqid, const char *script,
		    enum msg_exec_result, int err, const char *reason);

/* exec_interp.c: what starts a script */
void		exec_shebang_path(const char *head, char *out, size_t outsz);
int		exec_elf_interp(int fd, char *out, size_t outsz);
void		exec_also(const struct exec_script *, char also[][PATH_MAX],
		    const char **list);

/* exec_hint.c: what the person who can fix it should do */
void		exec_hint_refusal(const char *script, const char *file,
		    const char *why, const struct config *, char *buf,
		    size_t bufsz);
void		exec_hint_failure(const struct exec_child *, int step,
		    int err, char *buf, size_t bufsz);

/* exec_child.c */
struct exec_child *exec_child_by_reqid(struct exec *, uint64_t reqid);
void		exec_start(struct exec *, uint64_t reqid,
		    const struct msg_exec_req *, int *fds);
void		exec_child_reap(struct exec *, struct exec_child *, int nohang);
void		exec_child_kill(struct exec *, struct exec_child *, int end,
		    const char *why);
void		exec_child_timeout(struct exec *, struct exec_child *);
void		exec_child_status(struct exec *, struct exec_child *);

/* exec_metrics.c: counters for /metrics, sent to the front in batches */
void		exec_metrics_setup(struct exec *);
void		exec_metrics_spawned(struct exec *, uint64_t usec);
void		exec_metrics_ended(struct exec *, const struct exec_child *,
		    const struct msg_exec_done *);
void		exec_metrics_refused(struct exec *, enum msg_exec_result);
void		exec_metrics_start_failed(struct exec *);
void		exec_metrics_flush(struct exec *);
void		exec_metrics_send(struct exec *);

/* exec_prep.c: children made before their request (sandbox/prep.c) */
void		exec_prep_init(struct exec *);
void		exec_prep_refill(struct exec *);
void		exec_prep_sweep(struct exec *);
void		exec_prep_event(struct exec *, size_t slot);
void		exec_prep_spawned(struct exec *, size_t slot, int taken);
void		exec_prep_unwatch(struct exec *, size_t slot);
struct exec_child *exec_prep_slot(struct exec *, ssize_t policy,
		    int script);

/* exec_queue.c */
void		exec_tick_arm(struct exec *, int on);
struct exec_queued *exec_queue_take(struct exec *, size_t i);
void		exec_queue_drop(struct exec *, size_t i, enum msg_exec_result,
		    int err, const char *why);
int		exec_queue_push(struct exec *, uint64_t reqid,
		    const struct msg_exec_req *, const int *fds,
		    ssize_t user);
void		exec_queue_run(struct exec *);
void		exec_queue_expire(struct exec *);
ssize_t		exec_queue_find(const struct exec *, uint64_t reqid);

/* exec_userdir.c */
void		exec_userdir_init(struct exec *);
ssize_t		exec_userdir_of(const struct exec *, const char *script);
void		exec_userdir_ctx(const struct exec *, ssize_t user,
		    struct exec_ctx *);
int		exec_userdir_may_start(const struct exec *, ssize_t user);
int		exec_userdir_queue_full(const struct exec *, ssize_t user);
void		exec_userdir_count(struct exec *, ssize_t user, int delta);
enum msg_exec_result exec_userdir_writable(const struct exec *,
		    ssize_t user, int *fd, const char **why, int *err);

#endif
