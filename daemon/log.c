/* SPDX-License-Identifier: ISC */
/*
 * log.c: the log API for every role (OpenBSD log.c shape).
 * Children format a line and send it to the parent as MSG_LOG (the
 * front's access lines batched, one MSG_ACCESS once its loop is idle);
 * only the parent writes to stderr, the log files or syslog
 * (log_syslog.c).
 * Trusts nobody: every line is escaped before it is written.
 */
#include <sys/socket.h>
#include <sys/time.h>

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>
#include <vis.h>

#include "log.h"
#include "log_priv.h"
#include "msg.h"

/* ml_level carries an enum log_level; msg.c checks its range */
static_assert(LOG_LVL_ERR == 0 && LOG_LVL_DEBUG == MSG_LOG_LEVEL_MAX,
    "log levels and MSG_LOG_LEVEL_MAX");

static const char	*log_role = "parent";
static int		 log_verbose;
static int		 log_parent_fd = -1;
static uint64_t		 log_reqid;

/* parent only: where lines go */
struct log_dest {
	int			ld_fd;		/* a file, or stderr */
	int			ld_syslog;	/* 1: ld_sl instead */
	struct log_syslog	ld_sl;
	char			ld_path[4096];	/* the file, for SIGUSR1 */
};
static struct log_dest	 log_err = { STDERR_FILENO, 0, { -1, "", 0, 0 }, "" };
static struct log_dest	 log_acc = { STDERR_FILENO, 0, { -1, "", 0, 0 }, "" };
static unsigned long	 log_dropped;

/*
 * Children: lines the parent could not take yet.  Its socket holds only
 * net.unix.max_dgram_qlen messages, and a role must never block on its
 * log, so the rest wait here, in order, until the channel is writable.
 */
#define LOG_QUEUE_MAX	1024
struct log_out {
	struct log_out	*lo_next;
	int		 lo_type;
	uint64_t	 lo_reqid;
	size_t		 lo_len;
	char		 lo_payload[];
};
static struct log_out	*log_q, **log_qtail = &log_q;
static size_t		 log_qlen;
static unsigned long	 log_qdropped;

static const char *const log_level_names[] = {
	"error", "warning", "info", "debug"
};

/* a child that exits sends what is still queued, waiting at most 1 s */
static void
log_atexit(void)
{
	struct timeval	tv = { 1, 0 };
	int		fl;

	if (log_parent_fd == -1)
		return;
	log_access_flush();
	if (log_q == NULL)
		return;
	setsockopt(log_parent_fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if ((fl = fcntl(log_parent_fd, F_GETFL)) != -1)
		fcntl(log_parent_fd, F_SETFL, fl & ~O_NONBLOCK);
	log_flush();
}

void
log_init(const char *role, int verbose, int parent_fd)
{
	log_role = role;
	log_verbose = verbose;
	log_parent_fd = parent_fd;
	if (parent_fd != -1)
		atexit(log_atexit);
}

void
log_set_parent_fd(int fd)
{
	log_parent_fd = fd;
}

void
log_set_reqid(uint64_t reqid)
{
	log_reqid = reqid;
}

int
log_get_verbose(void)
{
	return log_verbose;
}

/*
 * Printable ASCII but '\\' and '"': what the flags below leave as it is.
 * The common text (a request line, a user agent) is copied: strnvisx
 * decodes every byte as a multibyte character (mbrtowc was 1.3 % of the
 * front's samples at 20,000 static requests/s).
 */
static int
log_plain(const char *src, size_t len)
{
	const unsigned char	*s = (const unsigned char *)src;
	size_t			 i;

	for (i = 0; i < len; i++)
		if (s[i] < 0x20 || s[i] > 0x7e || s[i] == '\\' || s[i] == '"')
			return 0;
	return 1;
}

void
log_escape(char *dst, size_t dstsz, const char *src, size_t srclen)
{
	char	buf[4 * MSG_LOG_TEXT_MAX + 1];

	if (dstsz == 0)
		return;
	if (srclen > MSG_LOG_TEXT_MAX)
		srclen = MSG_LOG_TEXT_MAX;
	if (log_plain(src, srclen)) {
		if (srclen >= dstsz)
			srclen = dstsz - 1;
		memcpy(dst, src, srclen);
		dst[srclen] = '\0';
		return;
	}
	/*
	 * every non-graphic byte, newline and tab included, becomes \ooo;
	 * a double quote is escaped so quoted log fields stay parseable
	 */
	if (strnvisx(buf, sizeof(buf), src, srclen,
	    VIS_OCTAL | VIS_CSTYLE | VIS_TAB | VIS_NL | VIS_DQ) == -1)
		buf[sizeof(buf) - 1] = '\0';
	strlcpy(dst, buf, dstsz);
}

/*
 * "" is stderr, "syslog" the socket sock ("" for /dev/log), else a file
 * opened for appending.  On failure the old destination stays.
 */
static int
log_open_one(struct log_dest *d, const char *path, const char *sock)
{
	int	nfd = STDERR_FILENO;

	if (strcmp(path, "syslog") == 0) {
		if (log_syslog_open(&d->ld_sl, sock) == -1)
			return -1;
		d->ld_syslog = 1;
	} else {
		if (path[0] != '\0' && (nfd = open(path, O_WRONLY |
		    O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0640)) == -1)
			return -1;
		log_syslog_close(&d->ld_sl);
		d->ld_syslog = 0;
	}
	if (d->ld_fd > STDERR_FILENO)
		close(d->ld_fd);
	d->ld_fd = nfd;
	strlcpy(d->ld_path, d->ld_syslog ? "" : path, sizeof(d->ld_path));
	return 0;
}

int
log_open_files(const char *access_path, const char *access_sock,
    const char *error_path, const char *error_sock)
{
	if (log_open_one(&log_err, error_path, error_sock) == -1)
		return -1;
	if (log_open_one(&log_acc, access_path, access_sock) == -1)
		return -1;
	return 0;
}

/* SIGUSR1: files opened again (rotated), syslog connected again */
static void
log_reopen_one(struct log_dest *d)
{
	char	path[sizeof(d->ld_path)];

	if (d->ld_syslog) {
		log_syslog_close(&d->ld_sl);
		(void)log_syslog_connect(&d->ld_sl);
	} else if (d->ld_fd > STDERR_FILENO) {
		strlcpy(path, d->ld_path, sizeof(path));
		if (log_open_one(d, path, "") == -1)
			log_warn("reopen %s", path);
	}
}

void
log_reopen(void)
{
	log_reopen_one(&log_err);
	log_reopen_one(&log_acc);
	log_info("log files reopened");
}

/*
 * Write a whole line or count it as dropped.  A line cut short (a full
 * disk) is ended with a newline before the next one, so two lines never
 * run together.
 */
static void
log_write_fd(int fd, const char *line, size_t len, unsigned long lines)
{
	static int	partial[2];
	int		*cut = &partial[fd == log_acc.ld_fd &&
			    fd != log_err.ld_fd];
	size_t		 done = 0;
	unsigned long	 prev;
	ssize_t		 n;

	if (*cut) {
		if (write(fd, "\n", 1) != 1) {
			log_dropped += lines;
			return;
		}
		*cut = 0;
	}
	while (len > 0) {
		n = write(fd, line, len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0) {
			*cut = done > 0;
			/* said at the first loss, then every 1000 lines */
			prev = log_dropped;
			log_dropped += lines;
			if ((prev == 0 || prev / 1000 != log_dropped / 1000) &&
			    fd != STDERR_FILENO) {
				dprintf(STDERR_FILENO, "cgijail: log write "
				    "failed (%s), %lu lines lost\n",
				    strerror(errno), log_dropped);
			}
			return;
		}
		line += n;
		len -= (size_t)n;
		done += (size_t)n;
	}
}

/* parent: one error-log line, text already escaped */
void
log_emit(enum log_level lvl, const char *role, long pid, uint64_t reqid,
    const char *text)
{
	char		line[MSG_LOG_TEXT_MAX + 128], ts[32], rid[24];
	struct tm	tm;
	time_t		now = time(NULL);
	int		n;

	if ((int)lvl < 0 || lvl > LOG_LVL_DEBUG)
		lvl = LOG_LVL_ERR;
	if (lvl == LOG_LVL_DEBUG && !log_verbose)
		return;
	if (reqid)
		snprintf(rid, sizeof(rid), "%llu", (unsigned long long)reqid);
	else
		strlcpy(rid, "-", sizeof(rid));
	if (log_err.ld_syslog) {
		(void)snprintf(line, sizeof(line), "rid=%s %s: %s", rid,
		    log_level_names[lvl], text);
		log_syslog_send(&log_err.ld_sl, lvl == LOG_LVL_ERR ? LOG_ERR :
		    lvl == LOG_LVL_WARN ? LOG_WARNING : lvl == LOG_LVL_INFO ?
		    LOG_INFO : LOG_DEBUG, role, pid, line);
		return;
	}
	gmtime_r(&now, &tm);
	strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%SZ", &tm);
	n = snprintf(line, sizeof(line), "%s %s rid=%s %s: %s\n", ts, role,
	    rid, log_level_names[lvl], text);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(line)) {
		n = sizeof(line) - 1;
		line[n - 1] = '\n';
	}
	log_write_fd(log_err.ld_fd, line, (size_t)n, 1);
}

/*
 * parent: a batch of access lines, already escaped by the front and
 * checked by msg.c (NUL-terminated, none empty, each < MSG_ACCESS_MAX):
 * one write for all of them, or one syslog message each (pid)
 */
void
log_emit_access(const char *lines, size_t len, long pid)
{
	char		 buf[MSG_ACCESS_BATCH];
	size_t		 i, n, out = 0;
	unsigned long	 count = 0;

	for (i = 0; i < len; i += n + 1) {
		n = strnlen(lines + i, len - i);
		if (n == 0 || i + n >= len)
			break;		/* msg.c refused both */
		if (log_acc.ld_syslog) {
			log_syslog_send(&log_acc.ld_sl, LOG_INFO, "access",
			    pid, lines + i);
			continue;
		}
		/* each line's NUL becomes its newline: the batch's size */
		memcpy(buf + out, lines + i, n);
		buf[out + n] = '\n';
		out += n + 1;
		count++;
	}
	if (out > 0)
		log_write_fd(log_acc.ld_fd, buf, out, count);
}

/* front: the access lines not yet sent (log.h), the first since when */
#define LOG_ACCESS_DUE_BYTES	(MSG_ACCESS_BATCH / 2)
#define LOG_ACCESS_DUE_MS	50
static struct msg_access	log_acc_batch;
static uint64_t			log_acc_since_ms;

static uint64_t
log_now_ms(void)
{
	struct timespec	ts;

	(void)clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

void
log_access_flush(void)
{
	size_t	len = log_acc_batch.ma_len;

	if (len == 0)
		return;
	/*
	 * Cut to its lines.  Queued whole if the parent cannot take it now;
	 * lost only when the queue is full, and then counted as
	 * log_send_parent() says.
	 */
	(void)log_send_parent(MSG_ACCESS, 0, &log_acc_batch,
	    offsetof(struct msg_access, ma_lines) + len);
	memset(log_acc_batch.ma_lines, 0, len);
	log_acc_batch.ma_len = 0;
}

int
log_access_waiting(void)
{
	return log_acc_batch.ma_len > 0;
}

int
log_access_due(void)
{
	return log_acc_batch.ma_len >= LOG_ACCESS_DUE_BYTES ||
	    (log_acc_batch.ma_len > 0 &&
	    log_now_ms() - log_acc_since_ms >= LOG_ACCESS_DUE_MS);
}

void
log_access_add(const char *line)
{
	size_t	n = strnlen(line, MSG_ACCESS_MAX - 1);

	if (n == 0)
		return;
	if (log_acc_batch.ma_len + n + 1 > sizeof(log_acc_batch.ma_lines))
		log_access_flush();
	if (log_acc_batch.ma_len == 0)
		log_acc_since_ms = log_now_ms();
	memcpy(log_acc_batch.ma_lines + log_acc_batch.ma_len, line, n);
	log_acc_batch.ma_lines[log_acc_batch.ma_len + n] = '\0';
	log_acc_batch.ma_len += (uint32_t)(n + 1);
}

/* send to the parent now, or queue it; only a full queue drops (counted) */
int
log_send_parent(int type, uint64_t reqid, const void *payload, size_t len)
{
	struct log_out	*lo;

	/* access lines batched before this one go first: the order holds */
	if (type != MSG_ACCESS)
		log_access_flush();
	if (log_q == NULL) {
		if (msg_send(log_parent_fd, type, reqid, payload, len, NULL,
		    0) == 0)
			return 0;
		if (errno != EAGAIN)
			return -1;
	}
	if (log_qlen >= LOG_QUEUE_MAX ||
	    (lo = malloc(sizeof(*lo) + len)) == NULL) {
		log_qdropped++;
		return -1;
	}
	lo->lo_next = NULL;
	lo->lo_type = type;
	lo->lo_reqid = reqid;
	lo->lo_len = len;
	memcpy(lo->lo_payload, payload, len);
	*log_qtail = lo;
	log_qtail = &lo->lo_next;
	log_qlen++;
	return 0;
}

int
log_pending(void)
{
	return log_q != NULL;
}

/* the parent channel is writable: send what waits, in order */
void
log_flush(void)
{
	struct log_out	*lo;
	unsigned long	 dropped;

	while ((lo = log_q) != NULL) {
		if (msg_send(log_parent_fd, lo->lo_type, lo->lo_reqid,
		    lo->lo_payload, lo->lo_len, NULL, 0) == -1 &&
		    errno == EAGAIN)
			return;
		log_q = lo->lo_next;
		if (log_q == NULL)
			log_qtail = &log_q;
		log_qlen--;
		free(lo);
	}
	if (log_qdropped > 0) {
		dropped = log_qdropped;
		log_qdropped = 0;
		log_warnx("%lu log lines lost: the parent did not read them",
		    dropped);
	}
}

void
log_vline(enum log_level lvl, const char *fmt, va_list ap)
{
	char		raw[MSG_LOG_TEXT_MAX], esc[MSG_LOG_TEXT_MAX];
	struct msg_log	ml;
	int		n;

	if (lvl == LOG_LVL_DEBUG && !log_verbose)
		return;
	n = vsnprintf(raw, sizeof(raw), fmt, ap);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(raw))
		n = sizeof(raw) - 1;
	log_escape(esc, sizeof(esc), raw, (size_t)n);
	if (log_parent_fd == -1) {
		log_emit(lvl, log_role, (long)getpid(), log_reqid, esc);
		return;
	}
	memset(&ml, 0, sizeof(ml));
	ml.ml_level = lvl;
	strlcpy(ml.ml_text, esc, sizeof(ml.ml_text));
	log_send_parent(MSG_LOG, log_reqid, &ml, sizeof(ml));
}

static void	log_with_errno(enum log_level, int, const char *, va_list)
		    __attribute__((format(printf, 3, 0)));

static void
log_with_errno(enum log_level lvl, int saved, const char *fmt, va_list ap)
{
	char	buf[MSG_LOG_TEXT_MAX];

	vsnprintf(buf, sizeof(buf), fmt, ap);
	log_line_fmt(lvl, "%s: %s", buf, strerror(saved));
}

void
log_line_fmt(enum log_level lvl, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	log_vline(lvl, fmt, ap);
	va_end(ap);
}

void
log_warn(const char *fmt, ...)
{
	va_list	ap;
	int	saved = errno;

	va_start(ap, fmt);
	log_with_errno(LOG_LVL_WARN, saved, fmt, ap);
	va_end(ap);
	errno = saved;
}

void
log_warnx(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	log_vline(LOG_LVL_WARN, fmt, ap);
	va_end(ap);
}

void
log_info(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	log_vline(LOG_LVL_INFO, fmt, ap);
	va_end(ap);
}

void
log_debug(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	log_vline(LOG_LVL_DEBUG, fmt, ap);
	va_end(ap);
}

void
fatal(const char *fmt, ...)
{
	va_list	ap;
	int	saved = errno;

	va_start(ap, fmt);
	log_with_errno(LOG_LVL_ERR, saved, fmt, ap);
	va_end(ap);
	exit(1);
}

void
fatalx(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	log_vline(LOG_LVL_ERR, fmt, ap);
	va_end(ap);
	exit(1);
}
