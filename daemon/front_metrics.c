/* SPDX-License-Identifier: ISC */
/*
 * front_metrics.c: /metrics, served by the front on a listener of its
 * own: the front's counters (plain integers the request path bumps
 * inline), the executor's and the parent's (their latest messages, each
 * checked against the one before), as Prometheus text format 0.0.4.
 * Only GET and HEAD /metrics, and only there.  Front role; trusts no
 * client, and neither the executor's nor the parent's figures.
 */
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "front.h"
#include "log.h"
#include "msg.h"
#include "version.h"

#define FRONT_MX_CONNS_MAX	16	/* open on the metrics listener */
#define FRONT_MX_TEXT_MAX	(32 * 1024)
#define FRONT_MX_CTYPE		"text/plain; version=0.0.4; charset=utf-8"

struct front_metrics	 front_mx;
int			 front_metrics_fd = -1;

static uint64_t			 front_mx_start_ms;	/* this front's */
static struct msg_metrics_exec	 front_mx_exec;
static struct msg_metrics_parent front_mx_parent;
static int			 front_mx_have_parent;

/* the page as it is built: too long is a bug, answered with a 500 */
struct front_mx_text {
	char	*mt_buf;
	size_t	 mt_len;
	int	 mt_full;
};

/* at setup: this front's start, when its counters start at zero */
void
front_metrics_init(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	front_mx_start_ms = (uint64_t)ts.tv_sec * 1000 +
	    (uint64_t)ts.tv_nsec / 1000000;
}

/* as root at setup: is fd the listener of the `metrics` line? */
int
front_metrics_listener(int fd)
{
	struct sockaddr_storage	 ss;
	socklen_t		 len = sizeof(ss);
	const struct sockaddr_in *s4 = (const void *)&ss;
	const struct sockaddr_in6 *s6 = (const void *)&ss;
	struct in6_addr		 a;
	char			 port[8];

	memset(&ss, 0, sizeof(ss));
	if (front_cfg->cf_metrics_addr[0] == '\0' ||
	    getsockname(fd, (struct sockaddr *)&ss, &len) == -1)
		return 0;
	(void)snprintf(port, sizeof(port), "%u", ntohs(ss.ss_family ==
	    AF_INET ? s4->sin_port : s6->sin6_port));
	if (strcmp(port, front_cfg->cf_metrics_port) != 0)
		return 0;
	if (ss.ss_family == AF_INET)
		return inet_pton(AF_INET, front_cfg->cf_metrics_addr, &a) == 1 &&
		    memcmp(&a, &s4->sin_addr, 4) == 0;
	return ss.ss_family == AF_INET6 && inet_pton(AF_INET6,
	    front_cfg->cf_metrics_addr, &a) == 1 && memcmp(&a,
	    &s6->sin6_addr, sizeof(a)) == 0;
}

/*
 * A connection on the metrics listener: counted apart from the public
 * ones (it never sheds one, is never shed, and shows in no counter),
 * a few at a time.  0, or -1: close it.
 */
int
front_metrics_admit(struct front_conn *c)
{
	if (front_mx.fm_conns >= FRONT_MX_CONNS_MAX)
		return -1;
	c->c_metrics = 1;
	front_mx.fm_conns++;
	return 0;
}

void
front_metrics_forget(struct front_conn *c)
{
	if (c->c_metrics) {
		c->c_metrics = 0;
		front_mx.fm_conns--;
	}
}

/* the executor's latest counters: valid, and none lower than before */
void
front_metrics_from_exec(const void *payload)
{
	struct msg_metrics_exec	 next;
	const char		*why;

	memcpy(&next, payload, sizeof(next));
	if ((why = msg_metrics_exec_follows(&front_mx_exec, &next)) != NULL)
		fatalx("protocol violation from executor: %s", why);
	front_mx_exec = next;
}

void
front_metrics_from_parent(const void *payload)
{
	struct msg_metrics_parent	 next;
	const char			*why;

	memcpy(&next, payload, sizeof(next));
	if (front_mx_have_parent && (why = msg_metrics_parent_follows(
	    &front_mx_parent, &next)) != NULL)
		fatalx("protocol violation from parent: %s", why);
	front_mx_parent = next;
	front_mx_have_parent = 1;
}

static void __attribute__((format(printf, 2, 3)))
front_mx_printf(struct front_mx_text *t, const char *fmt, ...)
{
	va_list	ap;
	int	n;

	if (t->mt_full)
		return;
	va_start(ap, fmt);
	n = vsnprintf(t->mt_buf + t->mt_len, FRONT_MX_TEXT_MAX - t->mt_len,
	    fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= FRONT_MX_TEXT_MAX - t->mt_len)
		t->mt_full = 1;
	else
		t->mt_len += (size_t)n;
}

/* HELP and TYPE: each family opens with them */
static void
front_mx_family(struct front_mx_text *t, const char *name, const char *type,
    const char *help)
{
	front_mx_printf(t, "# HELP %s %s\n# TYPE %s %s\n", name, help, name,
	    type);
}

static void
front_mx_one(struct front_mx_text *t, const char *name, const char *type,
    const char *help, unsigned long long v)
{
	front_mx_family(t, name, type, help);
	front_mx_printf(t, "%s %llu\n", name, v);
}

/* milliseconds since the epoch, as seconds */
static void
front_mx_time(struct front_mx_text *t, const char *name, const char *help,
    uint64_t ms)
{
	front_mx_family(t, name, "gauge", help);
	front_mx_printf(t, "%s %llu.%03llu\n", name,
	    (unsigned long long)(ms / 1000), (unsigned long long)(ms % 1000));
}

/* one sample per label value, in the order of the names */
static void
front_mx_labelled(struct front_mx_text *t, const char *name,
    const char *label, const char *const *values, const uint64_t *v,
    size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		front_mx_printf(t, "%s{%s=\"%s\"} %llu\n", name, label,
		    values[i], (unsigned long long)v[i]);
}

static void
front_mx_process(struct front_mx_text *t)
{
	front_mx_family(t, "cgijail_build_info", "gauge", "The version of "
	    "cgijail, as a label; always 1.");
	front_mx_printf(t, "cgijail_build_info{version=\"%s\"} 1\n",
	    CGIJAIL_VERSION);
	front_mx_time(t, "process_start_time_seconds", "When this front "
	    "process started, in seconds since the epoch: every counter "
	    "starts at zero then (a restart, a reload).", front_mx_start_ms);
	front_mx_time(t, "cgijail_start_time_seconds", "When the daemon (its "
	    "parent process) started, in seconds since the epoch; 0 until "
	    "the parent has said.", front_mx_parent.mp_start_ms);
}

static void
front_mx_http(struct front_mx_text *t)
{
	static const char *const classes[] = { "1xx", "2xx", "3xx", "4xx",
	    "5xx" };

	front_mx_family(t, "cgijail_http_requests_total", "counter",
	    "Requests answered on the public listeners, by status class.");
	front_mx_labelled(t, "cgijail_http_requests_total", "code", classes,
	    front_mx.fm_requests, 5);
	front_mx_one(t, "cgijail_http_received_bytes_total", "counter",
	    "Bytes read from clients of the public listeners.",
	    front_mx.fm_bytes_in);
	front_mx_one(t, "cgijail_http_sent_bytes_total", "counter",
	    "Bytes written to clients of the public listeners, heads "
	    "included.", front_mx.fm_bytes_out);
	front_mx_one(t, "cgijail_connections_open", "gauge", "Connections "
	    "open on the public listeners.", (unsigned long long)
	    (front_nconns - front_mx.fm_conns));
	front_mx_one(t, "cgijail_connections_accepted_total", "counter",
	    "Connections accepted on the public listeners.",
	    front_mx.fm_accepted);
	front_mx_one(t, "cgijail_connections_shed_total", "counter",
	    "Connections closed to make room at max-connections or "
	    "max-connections-per-client.", front_mx.fm_shed);
	front_mx_one(t, "cgijail_connections_refused_total", "counter",
	    "New connections closed at once at a limit, none being "
	    "sheddable.", front_mx.fm_refused);
}

static void
front_mx_scripts(struct front_mx_text *t)
{
	static const char *const ends[MSG_MX_END_MAX] = { "exit_zero",
	    "exit_nonzero", "signal", "seccomp", "timeout", "limit",
	    "killed" };
	static const char *const refusals[MSG_MX_REFUSAL_MAX] = {
	    "not_found", "forbidden", "busy" };
	const struct msg_metrics_exec	*mx = &front_mx_exec;

	front_mx_one(t, "cgijail_scripts_running", "gauge", "Scripts "
	    "running or starting (max-scripts at most).", mx->mx_running);
	front_mx_one(t, "cgijail_scripts_queued", "gauge", "Scripts "
	    "waiting for a free slot.", mx->mx_queued);
	front_mx_family(t, "cgijail_scripts_ended_total", "counter",
	    "Scripts that ran, by how they ended.");
	front_mx_labelled(t, "cgijail_scripts_ended_total", "outcome", ends,
	    mx->mx_ended, MSG_MX_END_MAX);
	front_mx_one(t, "cgijail_script_start_failures_total", "counter",
	    "Scripts accepted that never reached their exec.",
	    mx->mx_start_failed);
	front_mx_family(t, "cgijail_script_refusals_total", "counter",
	    "Scripts the executor would not run, by why.");
	front_mx_labelled(t, "cgijail_script_refusals_total", "reason",
	    refusals, mx->mx_refused, MSG_MX_REFUSAL_MAX);
}

/* a bound in microseconds as seconds, exactly: 7500 is 0.0075 */
static void
front_mx_le(char *buf, size_t bufsz, uint64_t us)
{
	char	frac[8];
	size_t	n;

	(void)snprintf(frac, sizeof(frac), "%06llu",
	    (unsigned long long)(us % 1000000));
	for (n = 6; n > 0 && frac[n - 1] == '0'; n--)
		frac[n - 1] = '\0';
	(void)snprintf(buf, bufsz, "%llu%s%s", (unsigned long long)(us /
	    1000000), n > 0 ? "." : "", frac);
}

static void
front_mx_spawn(struct front_mx_text *t)
{
	static const uint64_t	 bounds[MSG_MX_SPAWN_BUCKETS - 1] =
	    MSG_MX_SPAWN_BOUNDS_US;
	const struct msg_metrics_exec	*mx = &front_mx_exec;
	const char		*name = "cgijail_script_spawn_seconds";
	uint64_t		 sum = 0;
	char			 le[32];
	size_t			 i;

	front_mx_family(t, name, "histogram", "From clone to exec of each "
	    "script that ran, every sandbox layer applied.");
	for (i = 0; i < MSG_MX_SPAWN_BUCKETS; i++) {
		sum += mx->mx_spawn[i];		/* msg.c: it never wraps */
		if (i < MSG_MX_SPAWN_BUCKETS - 1)
			front_mx_le(le, sizeof(le), bounds[i]);
		else
			(void)strlcpy(le, "+Inf", sizeof(le));
		front_mx_printf(t, "%s_bucket{le=\"%s\"} %llu\n", name, le,
		    (unsigned long long)sum);
	}
	front_mx_printf(t, "%s_sum %llu.%06llu\n%s_count %llu\n", name,
	    (unsigned long long)(mx->mx_spawn_usec / 1000000),
	    (unsigned long long)(mx->mx_spawn_usec % 1000000), name,
	    (unsigned long long)sum);
}

static void
front_mx_parent_counts(struct front_mx_text *t)
{
	static const char *const results[] = { "ok", "failed" };
	const uint64_t	reloads[] = { front_mx_parent.mp_reloads,
	    front_mx_parent.mp_reload_failures };

	front_mx_one(t, "cgijail_restarts_total", "counter", "Restarts of "
	    "the front and the executor after one of them ended.",
	    front_mx_parent.mp_restarts);
	front_mx_family(t, "cgijail_reloads_total", "counter", "SIGHUP "
	    "reloads: ok, a new configuration serves; failed, the old one "
	    "stays.");
	front_mx_labelled(t, "cgijail_reloads_total", "result", results,
	    reloads, 2);
}

/* the whole page into buf (FRONT_MX_TEXT_MAX): its length, 0 if cut */
static size_t
front_mx_render(char *buf)
{
	struct front_mx_text	t = { buf, 0, 0 };

	front_mx_process(&t);
	front_mx_http(&t);
	front_mx_scripts(&t);
	front_mx_spawn(&t);
	front_mx_parent_counts(&t);
	return t.mt_full ? 0 : t.mt_len;
}

/* a request on the metrics listener: GET or HEAD /metrics, nothing else */
void
front_metrics_serve(struct front_conn *c)
{
	struct http_request	*r = c->c_req;
	char			*buf;
	size_t			 len;

	if (r->hr_content_length > 0 || r->hr_chunked)
		c->c_close_after = 1;	/* a body is never read here */
	if (r->hr_method != HTTP_M_GET && r->hr_method != HTTP_M_HEAD) {
		front_error(c, 405);
		return;
	}
	if (strcmp(r->hr_path, "/metrics") != 0) {
		front_error(c, 404);
		return;
	}
	if ((buf = malloc(FRONT_MX_TEXT_MAX)) == NULL) {
		front_conn_close(c);	/* out of memory: no page at all */
		return;
	}
	if ((len = front_mx_render(buf)) == 0) {
		free(buf);
		front_error_why(c, 500, "the metrics page outgrew its buffer");
		return;
	}
	front_begin_head(c, 200, NULL);
	front_out_printf(c, "Content-Type: " FRONT_MX_CTYPE "\r\n"
	    "Content-Length: %zu\r\nCache-Control: no-store\r\n\r\n", len);
	if (!c->c_head_only) {
		front_out_append(c, buf, len);
		c->c_body_bytes = len;
	}
	free(buf);
	c->c_state = FRONT_S_RESPOND;
	front_flush(c);
}
