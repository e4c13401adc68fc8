/* SPDX-License-Identifier: ISC */
/*
 * log.h: the logging API (OpenBSD log.c shape), used by every role.
 * The parent writes lines; the other roles send them to the parent.
 */
#ifndef CGIJAIL_LOG_H
#define CGIJAIL_LOG_H

#include <stdarg.h>
#include <stdint.h>

enum log_level {
	LOG_LVL_ERR = 0,
	LOG_LVL_WARN,
	LOG_LVL_INFO,
	LOG_LVL_DEBUG
};

/* role name and, in children, the channel to the parent (-1: stderr) */
void	log_init(const char *role, int verbose, int parent_fd);
void	log_set_parent_fd(int fd);
void	log_set_reqid(uint64_t reqid);
int	log_get_verbose(void);

void	log_warn(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_warnx(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_info(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_debug(const char *, ...) __attribute__((format(printf, 1, 2)));
void	fatal(const char *, ...)
	    __attribute__((format(printf, 1, 2), noreturn));
void	fatalx(const char *, ...)
	    __attribute__((format(printf, 1, 2), noreturn));
void	log_vline(enum log_level, const char *, va_list)
	    __attribute__((format(printf, 2, 0)));

void	log_line_fmt(enum log_level, const char *, ...)
	    __attribute__((format(printf, 2, 3)));

/* children: to the parent now, or queued (never blocks) */
int	log_send_parent(int type, uint64_t reqid, const void *payload,
	    size_t len);
int	log_pending(void);
void	log_flush(void);
/*
 * front: an access line (escaped, shorter than MSG_ACCESS_MAX) joins the
 * batch, which goes to the parent as one MSG_ACCESS, cut to its lines
 * (log_access_flush()): once a turn of the loop finds nothing to do
 * (log_access_waiting(): look without sleeping), once due (half a
 * message, or the first line LOG_ACCESS_DUE_MS old), when full, or
 * before any other line
 */
void	log_access_add(const char *line);
void	log_access_flush(void);
int	log_access_waiting(void);
int	log_access_due(void);

/*
 * parent only: destinations ("" stderr, "syslog" to the socket *_sock,
 * "" for /dev/log, or a file); SIGUSR1 opens files and syslog again
 */
int	log_open_files(const char *access_path, const char *access_sock,
	    const char *error_path, const char *error_sock);
void	log_reopen(void);
/* parent only: write lines already escaped and checked (msg.c) by their
 * sender (pid); for access lines, len bytes of NUL-terminated lines */
void	log_emit(enum log_level, const char *role, long pid, uint64_t reqid,
	    const char *text);
void	log_emit_access(const char *lines, size_t len, long pid);

/* copy untrusted bytes into dst, escaped with strnvis(VIS_SAFE|VIS_OCTAL) */
void	log_escape(char *dst, size_t dstsz, const char *src, size_t srclen);

#endif
