/* SPDX-License-Identifier: ISC */
/*
 * explain.c: `cgijail --explain-jail URLPATH`, run by root in the
 * foreground, never by the daemon.  It routes URLPATH as the front
 * would, forks a helper that builds the executor's jail (sandbox_init),
 * validates the script (exec_validate_script) and starts it through
 * sandbox_spawn with every layer, while this process traces the helper
 * and the script from outside (explain_trace.c).  The script runs up to
 * EXPLAIN_ROUNDS_MAX times, each time with the binds found so far, and
 * the jail-bind lines that cover what it missed are printed.  Trusts
 * the configuration; nothing the script does or prints, which is shown
 * escaped.
 */
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgi_env.h"
#include "exec_priv.h"
#include "explain.h"
#include "log.h"

#define EXPLAIN_OUT_SHOW	2048	/* bytes of stderr shown */
#define EXPLAIN_TIMEOUT_SEC	60	/* with timeout 0 */
#define EXPLAIN_TRACE_OPTS	(PTRACE_O_TRACESYSGOOD |		\
	PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK |			\
	PTRACE_O_TRACECLONE | PTRACE_O_TRACEEXEC | PTRACE_O_EXITKILL)

/* the request, as the front would have routed it */
struct explain_req {
	char	 xr_script[MSG_SCRIPT_MAX];
	char	 xr_path_info[MSG_PATHINFO_MAX];
	char	 xr_query[MSG_QUERY_MAX];
	char	 xr_uri[MSG_URI_MAX];
	size_t	 xr_policy;	/* its cgi-dir's policy */
};

/* what the helper tells the tracer when it is done */
enum explain_phase {
	EXPLAIN_RAN = 0,	/* the script ran: xs_status */
	EXPLAIN_JAIL,		/* sandbox_init failed */
	EXPLAIN_REFUSED,	/* the executor would refuse the script */
	EXPLAIN_SPAWN		/* a sandbox step failed */
};

struct explain_result {
	int32_t	 xs_phase;
	int32_t	 xs_code;	/* its exit status, or */
	int32_t	 xs_signal;	/* the signal that ended it */
	char	 xs_why[1024];
};

static char		explain_docroot[PATH_MAX];
static struct sandbox	explain_sb;	/* the helper's jail */

/* a file of the document root, seen from the host; 1 file, 0 dir, -1 */
static int
explain_kind(const char *urlpath, size_t len)
{
	char		 p[PATH_MAX];
	struct stat	 st;

	if ((size_t)snprintf(p, sizeof(p), "%s%.*s", explain_docroot,
	    (int)len, urlpath) >= sizeof(p) || stat(p, &st) == -1)
		return -1;
	return S_ISREG(st.st_mode) ? 1 : S_ISDIR(st.st_mode) ? 0 : -1;
}

/* in CGI directory d: the first file on the path is the script */
static int
explain_route_dir(const char *path, size_t dlen, struct explain_req *xr)
{
	const char	*end = path + dlen;
	int		 k;

	while (*end == '/') {
		end = strchr(end + 1, '/');
		if (end == NULL)
			end = path + strlen(path);
		if ((k = explain_kind(path, (size_t)(end - path))) == 1) {
			snprintf(xr->xr_script, sizeof(xr->xr_script), "%.*s",
			    (int)(end - path), path);
			strlcpy(xr->xr_path_info, end,
			    sizeof(xr->xr_path_info));
			return 0;
		}
		if (k == -1)
			return -1;
	}
	return -1;
}

/* the policy of the CGI directory a cgi-route's script is in */
static size_t
explain_route_policy(const struct config *cfg, const char *script)
{
	size_t	 i, n;

	for (i = 0; i < cfg->cf_ncgidir; i++) {
		n = strlen(cfg->cf_cgidir[i].cd_urlpath);
		if (strncmp(script, cfg->cf_cgidir[i].cd_urlpath, n) == 0 &&
		    script[n] == '/')
			return i;
	}
	return 0;
}

/* URLPATH to script and PATH_INFO, as front_route.c decides */
static int
explain_route(const struct config *cfg, const char *path,
    struct explain_req *xr, const char **why)
{
	size_t	 i, n;

	for (i = 0; i < cfg->cf_nroute; i++) {
		const struct config_route *cr = &cfg->cf_route[i];

		n = strlen(cr->cr_prefix);
		while (n > 1 && cr->cr_prefix[n - 1] == '/')
			n--;
		if (strncmp(path, cr->cr_prefix, n) != 0 ||
		    (n > 1 && path[n] != '/' && path[n] != '\0'))
			continue;
		strlcpy(xr->xr_script, cr->cr_script, sizeof(xr->xr_script));
		strlcpy(xr->xr_path_info, n > 1 ? path + n : path,
		    sizeof(xr->xr_path_info));
		xr->xr_policy = explain_route_policy(cfg, xr->xr_script);
		return 0;
	}
	for (i = 0; i < cfg->cf_ncgidir; i++) {
		n = strlen(cfg->cf_cgidir[i].cd_urlpath);
		if (strncmp(path, cfg->cf_cgidir[i].cd_urlpath, n) != 0 ||
		    path[n] != '/')
			continue;
		xr->xr_policy = i;
		if (explain_route_dir(path, n, xr) == 0)
			return 0;
		*why = "no script on this path in its CGI directory";
		return -1;
	}
	*why = "neither a cgi-route nor in a CGI directory";
	return -1;
}

static int
explain_parse_url(const struct config *cfg, const char *urlpath,
    struct explain_req *xr, const char **why)
{
	char		 path[MSG_URI_MAX];
	const char	*q = strchr(urlpath, '?');

	memset(xr, 0, sizeof(*xr));
	if (strlcpy(xr->xr_uri, urlpath, sizeof(xr->xr_uri)) >=
	    sizeof(xr->xr_uri)) {
		*why = "too long";
		return -1;
	}
	snprintf(path, sizeof(path), "%.*s", (int)(q != NULL ?
	    (size_t)(q - urlpath) : strlen(urlpath)), urlpath);
	if (q != NULL)
		strlcpy(xr->xr_query, q + 1, sizeof(xr->xr_query));
	if (path[0] != '/' || strstr(path, "//") != NULL ||
	    strstr(path, "/.") != NULL || strpbrk(path, "%#\\") != NULL) {
		*why = "a URL path starts with /, without //, /., %, # or \\";
		return -1;
	}
	return explain_route(cfg, path, xr, why);
}

/* helper: the request the front would have sent, as typed fields */
static void
explain_msg_req(const struct explain_req *xr, struct msg_exec_req *req)
{
	memset(req, 0, sizeof(*req));
	strlcpy(req->er_method, "GET", sizeof(req->er_method));
	strlcpy(req->er_script, xr->xr_script, sizeof(req->er_script));
	strlcpy(req->er_path_info, xr->xr_path_info,
	    sizeof(req->er_path_info));
	strlcpy(req->er_query, xr->xr_query, sizeof(req->er_query));
	strlcpy(req->er_request_uri, xr->xr_uri, sizeof(req->er_request_uri));
	strlcpy(req->er_protocol, "HTTP/1.1", sizeof(req->er_protocol));
	strlcpy(req->er_server_name, "localhost",
	    sizeof(req->er_server_name));
	strlcpy(req->er_peer_addr, "127.0.0.1", sizeof(req->er_peer_addr));
	strlcpy(req->er_local_addr, "127.0.0.1", sizeof(req->er_local_addr));
	req->er_content_length = -1;
	req->er_peer_port = 40000;
	req->er_local_port = 80;
}

static void __attribute__((noreturn))
explain_helper_done(int resfd, enum explain_phase phase,
    const siginfo_t *si, const char *why)
{
	struct explain_result	 xs;

	memset(&xs, 0, sizeof(xs));
	xs.xs_phase = phase;
	if (si != NULL && si->si_code == CLD_EXITED)
		xs.xs_code = si->si_status;
	else if (si != NULL)
		xs.xs_signal = si->si_status;
	strlcpy(xs.xs_why, why, sizeof(xs.xs_why));
	if (explain_sb.sb_inited)
		sandbox_fini(&explain_sb);	/* its cgroups go */
	/* a pipe's write of less than PIPE_BUF is whole or nothing */
	_exit(write(resfd, &xs, sizeof(xs)) == (ssize_t)sizeof(xs) ? 0 : 1);
}

/* helper: wait until the script has exec'd (or a step failed) */
static int
explain_helper_started(struct sandbox_child *ch, struct sandbox_failure *f)
{
	struct pollfd	 pfd;
	int		 r, i;

	pfd.fd = ch->sch_statusfd;
	pfd.events = POLLIN;
	for (i = 0; i < EXEC_START_MAX_SEC * 10; i++) {
		if ((r = sandbox_started(ch, f)) != 0)
			return r;
		(void)poll(&pfd, 1, 100);
	}
	f->sf_step = SBX_STEP_EXEC;
	f->sf_errno = ETIMEDOUT;
	return -1;
}

/* helper: spawn the validated script with every layer, wait for it */
static void __attribute__((noreturn))
explain_helper_run(struct sandbox *sb, struct exec_script *sc,
    struct cgi_env *env, const int *stdio, int resfd)
{
	struct sandbox_spawn	 ss;
	struct sandbox_child	 ch;
	struct sandbox_failure	 fail;
	siginfo_t		 si;
	char			*argv[3], also[SBX_EXEC_ALSO_MAX][PATH_MAX];
	char			 why[512];

	memset(&ss, 0, sizeof(ss));
	argv[0] = (char *)(sc->sc_interp != NULL ? sc->sc_interp :
	    sc->sc_file);
	argv[1] = sc->sc_interp != NULL ? sc->sc_file : NULL;
	argv[2] = NULL;
	ss.ss_stdin = stdio[0];
	ss.ss_stdout = stdio[1];
	ss.ss_stderr = stdio[2];
	ss.ss_exec_fd = sc->sc_fd;
	ss.ss_execat = sc->sc_interp == NULL && sc->sc_kind == EXEC_KIND_ELF;
	ss.ss_path = argv[0];
	ss.ss_script = sc->sc_file;
	ss.ss_argv = argv;
	ss.ss_envp = env->ce_envp;
	ss.ss_cwd = sc->sc_cwd;
	ss.ss_policy = sc->sc_policy;
	if (sb->sb_policy[sc->sc_policy].fp_exec_self)
		exec_also(sc, also, ss.ss_exec_also);
	if (sandbox_spawn(sb, &ss, &ch, &fail) == -1 ||
	    explain_helper_started(&ch, &fail) == -1) {
		snprintf(why, sizeof(why), "sandbox step %s failed: %s",
		    sandbox_step_name(fail.sf_step), strerror(fail.sf_errno));
		explain_helper_done(resfd, EXPLAIN_SPAWN, NULL, why);
	}
	memset(&si, 0, sizeof(si));
	while (waitid(P_PIDFD, (id_t)ch.sch_pidfd, &si, WEXITED) == -1 &&
	    errno == EINTR)
		;
	(void)sandbox_release(sb, &ch);
	explain_helper_done(resfd, EXPLAIN_RAN, &si, "");
}

/*
 * helper (root, traced): the executor's jail and validation, then the
 * script.  The pipe to the tracer says how it went; the exit does not.
 */
static void __attribute__((noreturn))
explain_helper(struct config *cfg, const struct explain_req *xr,
    const int *stdio, int gofd, int resfd)
{
	const char		*paths[SANDBOX_POLICY_MAX], *why = "invalid";
	struct sandbox		*sb = &explain_sb;
	static struct cgi_env	 env;
	struct msg_exec_req	 req;
	struct exec_script	 sc;
	struct exec_ctx		 ctx;
	char			 err[FILTER_ERR_MAX + 256], c;
	size_t			 i, n = cfg->cf_ncgidir;
	int			 e = 0;

	(void)prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	if (read(gofd, &c, 1) != 1)	/* traced from here on */
		_exit(1);
	for (i = 0; i < n && i < SANDBOX_POLICY_MAX; i++)
		paths[i] = cfg->cf_cgidir[i].cd_policy;
	if (n == 0)
		paths[n++] = "";
	err[0] = '\0';
	if (sandbox_init(sb, cfg, paths, n, 1, err, sizeof(err)) == -1)
		explain_helper_done(resfd, EXPLAIN_JAIL, NULL, err);
	ctx.ex_cfg = cfg;
	ctx.ex_sb = sb;
	if ((ctx.ex_docroot_fd = open(sb->sb_docroot, O_PATH | O_DIRECTORY |
	    O_CLOEXEC)) == -1)
		explain_helper_done(resfd, EXPLAIN_JAIL, NULL, strerror(errno));
	memset(&sc, 0, sizeof(sc));
	if (exec_validate_script(&ctx, xr->xr_script, &sc, &why, &e) !=
	    MSG_EXEC_OK) {
		exec_hint_refusal(xr->xr_script, sc.sc_file, why, cfg, err,
		    sizeof(err));
		explain_helper_done(resfd, EXPLAIN_REFUSED, NULL, err);
	}
	explain_msg_req(xr, &req);
	if (cgi_env_build(&env, &req, cfg, sc.sc_file, sb->sb_docroot) == -1)
		explain_helper_done(resfd, EXPLAIN_REFUSED, NULL,
		    "environment too large");
	explain_helper_run(sb, &sc, &env, stdio, resfd);
}

/* which calls the script's policy does not allow outright, and its errno */
static int
explain_policy(const struct config *cfg, size_t policy, unsigned char *nr,
    size_t nnr, int *errnum)
{
	struct filter_policy	 fpo;
	const char		*file = policy < cfg->cf_ncgidir ?
	    cfg->cf_cgidir[policy].cd_policy : "";
	char			*text = NULL, err[FILTER_ERR_MAX];
	size_t			 len = 0, i;
	FILE			*f;
	int			 r;

	memset(&fpo, 0, sizeof(fpo));
	if (file[0] == '\0')
		r = filter_parse(sandbox_default_policy,
		    sandbox_default_policy_len, "default", &fpo, err,
		    sizeof(err));
	else if ((f = fopen(file, "re")) == NULL)
		return -1;
	else {
		r = getdelim(&text, &len, '\0', f) == -1 ? -1 : 0;
		fclose(f);
		if (r == 0)
			r = filter_parse(text, strlen(text), file, &fpo, err,
			    sizeof(err));
		free(text);
	}
	if (r == -1)
		return -1;
	*errnum = fpo.fpo_default == FILTER_ACT_ERRNO ?
	    fpo.fpo_default_errno : -1;
	memset(nr, *errnum > 0, nnr);
	for (i = 0; i < fpo.fpo_nrules; i++)
		if (fpo.fpo_rules[i].fr_syscall >= 0 &&
		    (size_t)fpo.fpo_rules[i].fr_syscall < nnr &&
		    fpo.fpo_rules[i].fr_action == FILTER_ACT_ALLOW)
			nr[fpo.fpo_rules[i].fr_syscall] = 0;
	filter_policy_free(&fpo);
	return 0;
}

/* what one run left: the helper's result, the script's stdout and stderr */
struct explain_run {
	struct explain_result	 xn_res;
	struct explain_found	 xn_found;
	char			 xn_head[256];	/* stdout's line 1 */
	size_t			 xn_out_bytes;
	char			 xn_err[EXPLAIN_OUT_SHOW + 1];
	size_t			 xn_err_bytes;
};

static void
explain_read_output(int fd, char *buf, size_t bufsz, size_t *total,
    int first_line)
{
	struct stat	 st;
	ssize_t		 n;
	off_t		 off = 0;
	char		*nl;

	buf[0] = '\0';
	*total = fstat(fd, &st) == 0 ? (size_t)st.st_size : 0;
	if (!first_line && *total > bufsz - 1)
		off = (off_t)(*total - (bufsz - 1));	/* its tail */
	if ((n = pread(fd, buf, bufsz - 1, off)) <= 0)
		return;
	buf[n] = '\0';
	if (first_line && (nl = strpbrk(buf, "\r\n")) != NULL)
		*nl = '\0';
}

static int
explain_memfd(const char *name)
{
	return memfd_create(name, MFD_CLOEXEC);
}

/* tracer: one run of the script in a jail built from cfg */
static int
explain_run_once(struct config *cfg, const struct explain_req *xr,
    const struct explain_watch *ew, struct explain_run *xn)
{
	int	 stdio[3], go[2], res[2], r = -1;
	pid_t	 pid;

	memset(xn, 0, sizeof(*xn));
	stdio[0] = open("/dev/null", O_RDONLY | O_CLOEXEC);
	stdio[1] = explain_memfd("explain-stdout");
	stdio[2] = explain_memfd("explain-stderr");
	if (stdio[0] == -1 || stdio[1] == -1 || stdio[2] == -1 ||
	    pipe2(go, O_CLOEXEC) == -1)
		return -1;
	fflush(stdout);
	if (pipe2(res, O_CLOEXEC) == -1 || (pid = fork()) == -1)
		return -1;
	if (pid == 0) {
		close(go[1]);
		close(res[0]);
		explain_helper(cfg, xr, stdio, go[0], res[1]);
	}
	close(go[0]);
	close(res[1]);
	if (ptrace(PTRACE_SEIZE, pid, 0, EXPLAIN_TRACE_OPTS) == 0 &&
	    write(go[1], "g", 1) == 1 &&
	    explain_trace(pid, ew, &xn->xn_found) == 0)
		r = 0;
	if (r == -1) {
		(void)kill(pid, SIGKILL);
		(void)waitpid(pid, NULL, __WALL);
	}
	if (read(res[0], &xn->xn_res, sizeof(xn->xn_res)) !=
	    (ssize_t)sizeof(xn->xn_res)) {
		xn->xn_res.xs_phase = EXPLAIN_JAIL;
		strlcpy(xn->xn_res.xs_why, "the helper ended without a word",
		    sizeof(xn->xn_res.xs_why));
	}
	explain_read_output(stdio[1], xn->xn_head, sizeof(xn->xn_head),
	    &xn->xn_out_bytes, 1);
	explain_read_output(stdio[2], xn->xn_err, sizeof(xn->xn_err),
	    &xn->xn_err_bytes, 0);
	close(go[1]);
	close(res[0]);
	close(stdio[0]);
	close(stdio[1]);
	close(stdio[2]);
	return r;
}

/* the script's own bytes: a line at a time, escaped */
static void
explain_print_lines(const char *indent, char *text)
{
	char	 esc[4 * EXPLAIN_OUT_SHOW + 1], *line, *save = NULL;

	for (line = strtok_r(text, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		log_escape(esc, sizeof(esc), line, strlen(line));
		printf("%s%s\n", indent, esc);
	}
}

static void
explain_print_run(int round, size_t added, const struct explain_run *xn)
{
	const struct explain_result	*xs = &xn->xn_res;
	char				 head[4 * sizeof(xn->xn_head) + 1];

	printf("run %d%s", round, added ? "" : ":");
	if (added)
		printf(" (with %zu line%s found before):", added,
		    added == 1 ? "" : "s");
	if (xs->xs_phase != EXPLAIN_RAN) {
		printf(" the script did not run: %s\n", xs->xs_why);
		return;
	}
	if (xs->xs_signal != 0)
		printf(" killed by signal %d (%s)", xs->xs_signal,
		    xs->xs_signal == SIGSYS ? "seccomp policy violation" :
		    xn->xn_found.ef_timed_out ? "the timeout" : "its own");
	else
		printf(" exit %d", xs->xs_code);
	log_escape(head, sizeof(head), xn->xn_head, strlen(xn->xn_head));
	printf(", %zu bytes on stdout%s%s%s, %zu on stderr; %zu path%s "
	    "missing\n", xn->xn_out_bytes, head[0] ? " (\"" : "", head,
	    head[0] ? "\")" : "", xn->xn_err_bytes, xn->xn_found.ef_npath,
	    xn->xn_found.ef_npath == 1 ? "" : "s");
}

/* what every run found, into the total */
static void
explain_merge(struct explain_found *tot, struct explain_found *ef,
    int round)
{
	size_t	 i, j;

	for (i = 0; i < ef->ef_npath; i++) {
		ef->ef_path[i].ep_round = round;
		(void)explain_binds_add(tot, &ef->ef_path[i]);
	}
	if (ef->ef_host_missing > tot->ef_host_missing)
		tot->ef_host_missing = ef->ef_host_missing;
	for (i = 0; i < ef->ef_ndenied; i++) {
		for (j = 0; j < tot->ef_ndenied; j++)
			if (strcmp(tot->ef_denied[j].ed_name,
			    ef->ef_denied[i].ed_name) == 0 &&
			    tot->ef_denied[j].ed_killed ==
			    ef->ef_denied[i].ed_killed)
				break;
		if (j == tot->ef_ndenied && j < EXPLAIN_DENIED_MAX)
			tot->ef_denied[tot->ef_ndenied++] = ef->ef_denied[i];
		else if (j < tot->ef_ndenied && tot->ef_denied[j].ed_count <
		    ef->ef_denied[i].ed_count)
			tot->ef_denied[j].ed_count = ef->ef_denied[i].ed_count;
	}
}

/* the lines found that cfg does not have yet go into it: 0 if none */
static size_t
explain_add_binds(struct config *cfg, const struct explain_line *lines,
    size_t n)
{
	struct config_bind	*cb;
	size_t			 i, j, added = 0;

	for (i = 0; i < n; i++) {
		for (j = 0; j < cfg->cf_nbind; j++)
			if (strcmp(cfg->cf_bind[j].cb_dst,
			    lines[i].el_path) == 0)
				break;
		if (j < cfg->cf_nbind || cfg->cf_nbind >= CONFIG_BIND_MAX ||
		    !explain_binds_plain(lines[i].el_path))
			continue;
		cb = &cfg->cf_bind[cfg->cf_nbind++];
		memset(cb, 0, sizeof(*cb));
		strlcpy(cb->cb_src, lines[i].el_path, sizeof(cb->cb_src));
		strlcpy(cb->cb_dst, lines[i].el_path, sizeof(cb->cb_dst));
		cb->cb_rw = lines[i].el_rw;
		added++;
	}
	return added;
}

static void
explain_print_path(const struct explain_path *ep, uid_t script_uid)
{
	const char	*opt = explain_binds_optional(ep->ep_path);
	char		 esc[4 * PATH_MAX + 1];

	log_escape(esc, sizeof(esc), ep->ep_path, strlen(ep->ep_path));
	printf("  %-40s (run %d, %s", esc, ep->ep_round, ep->ep_call);
	if (ep->ep_rw)
		printf(": a file to make in it");
	printf(")");
	if (opt != NULL)
		printf(" optional: %s", opt);
	else if (ep->ep_rw && ep->ep_owner != script_uid)
		printf(" owned by uid %u on the host: give scripts a "
		    "directory of their own, owned by the script user (a "
		    "jail-bind-rw is idmapped, and the kernel refuses writes "
		    "into a directory whose owner it cannot map)",
		    (unsigned int)ep->ep_owner);
	else if (!ep->ep_others_read)
		printf(" not readable by others on the host: a bind alone "
		    "will not do");
	printf("\n");
}

static void
explain_print_paths(const struct explain_found *tot, uid_t script_uid)
{
	size_t	 i;

	if (tot->ef_npath == 0)
		return;
	printf("\nThe script looked for these; its jail does not have them, "
	    "the host does\n(one a later run no longer looks for may only "
	    "have been a fallback for another):\n");
	for (i = 0; i < tot->ef_npath; i++)
		explain_print_path(&tot->ef_path[i], script_uid);
	if (tot->ef_dropped)
		printf("  ... and %zu more\n", tot->ef_dropped);
}

static void
explain_print_lines_found(const struct explain_found *tot,
    const struct explain_line *lines, size_t n, uid_t script_uid)
{
	char	 esc[4 * PATH_MAX + 1];
	size_t	 i;

	if (n == 0)
		printf("\nNothing to add: every absolute path the script "
		    "looked for is in its jail.\n");
	else
		printf("\nAdd to the configuration:\n");
	for (i = 0; i < n; i++) {
		log_escape(esc, sizeof(esc), lines[i].el_path,
		    strlen(lines[i].el_path));
		printf("\t%sjail-bind%s %s\n",
		    explain_binds_plain(lines[i].el_path) ? "" :
		    "# (quote it) ", lines[i].el_rw ? "-rw" : "", esc);
		if (lines[i].el_rw && lines[i].el_owner != script_uid)
			printf("\t#   not this one itself (uid %u owns it): "
			    "jail-bind-rw DIR %s, DIR owned by the script "
			    "user\n", (unsigned int)lines[i].el_owner, esc);
	}
	if (tot->ef_host_missing)
		printf("(%zu more path%s it looked for %s missing on the host "
		    "too: no bind would show them.)\n", tot->ef_host_missing,
		    tot->ef_host_missing == 1 ? "" : "s",
		    tot->ef_host_missing == 1 ? "is" : "are");
	if (tot->ef_ndenied > 0)
		printf("\nThe seccomp policy refused (policy/README says how "
		    "a policy of your own allows a call):\n");
	for (i = 0; i < tot->ef_ndenied; i++)
		printf("  %s: %u time%s in a run%s\n",
		    tot->ef_denied[i].ed_name, tot->ef_denied[i].ed_count,
		    tot->ef_denied[i].ed_count == 1 ? "" : "s",
		    tot->ef_denied[i].ed_killed ? ", killed (SIGSYS)" : "");
}

static int
explain_report(const struct explain_found *tot,
    const struct explain_line *lines, size_t n, uid_t uid,
    const struct explain_run *xn)
{
	char	 err[sizeof(xn->xn_err)];

	explain_print_lines_found(tot, lines, n, uid);
	if (xn->xn_err_bytes > 0) {
		printf("\nWhat the script wrote to stderr (last run%s):\n",
		    xn->xn_err_bytes > EXPLAIN_OUT_SHOW ? ", its end" : "");
		memcpy(err, xn->xn_err, sizeof(err));
		explain_print_lines("  ", err);
	}
	return 0;
}

/*
 * A line an earlier run added that the last run, which had it, never
 * looked in: the path was only a fallback for another one then missing.
 */
static int
explain_unused(const struct explain_watch *ew, const struct explain_run *xn,
    const char *path)
{
	size_t	i;

	for (i = 0; i < ew->ew_nbinds; i++)
		if (strcmp(ew->ew_binds[i], path) == 0)
			return !xn->xn_found.ef_used[i];
	return 0;
}

static size_t
explain_prune(const struct explain_watch *ew, const struct explain_run *xn,
    struct explain_line *lines, size_t n)
{
	char	 esc[4 * PATH_MAX + 1];
	size_t	 i, kept = 0;

	for (i = 0; i < n; i++) {
		if (!explain_unused(ew, xn, lines[i].el_path)) {
			lines[kept++] = lines[i];
			continue;
		}
		log_escape(esc, sizeof(esc), lines[i].el_path,
		    strlen(lines[i].el_path));
		printf("%s  %s\n", i == kept ? "\nLeft out: looked for only "
		    "while another path was missing (the last run, which had "
		    "it, never looked there):\n" : "", esc);
	}
	return kept;
}

/* run until a run finds nothing new; print what was found */
static int
explain_rounds(struct config *cfg, const struct explain_req *xr,
    struct explain_watch *ew)
{
	static struct explain_run	 xn;
	static struct explain_found	 tot;
	static struct explain_line	 lines[CONFIG_BIND_MAX];
	struct passwd			*pw;
	size_t				 n = 0, added = 0, first;
	uid_t				 uid = 65534;
	int				 round;

	if ((pw = getpwnam(cfg->cf_script_user)) != NULL)
		uid = pw->pw_uid;
	first = cfg->cf_nbind;
	for (round = 1; round <= EXPLAIN_ROUNDS_MAX; round++) {
		for (ew->ew_nbinds = 0; first + ew->ew_nbinds < cfg->cf_nbind;
		    ew->ew_nbinds++)
			ew->ew_binds[ew->ew_nbinds] =
			    cfg->cf_bind[first + ew->ew_nbinds].cb_dst;
		if (explain_run_once(cfg, xr, ew, &xn) == -1)
			fprintf(stderr, "cgijail --explain-jail: tracing: "
			    "%s\n", strerror(errno));
		explain_print_run(round, ew->ew_nbinds, &xn);
		if (xn.xn_res.xs_phase != EXPLAIN_RAN) {
			if (round == 1)
				return 1;
			added = 1;	/* what the runs before found stands */
			break;
		}
		explain_merge(&tot, &xn.xn_found, round);
		n = explain_binds_lines(&tot, lines, CONFIG_BIND_MAX);
		if ((added = explain_add_binds(cfg, lines, n)) == 0)
			break;
	}
	explain_print_paths(&tot, uid);
	if (added == 0)
		n = explain_prune(ew, &xn, lines, n);
	return explain_report(&tot, lines, n, uid, &xn);
}

int
explain_main(struct config *cfg, const char *urlpath)
{
	static unsigned char	 denied[1024];
	static struct explain_watch ew;
	struct explain_req	 xr;
	const char		*why = "";
	char			 esc[4 * MSG_URI_MAX + 1];
	int			 errnum = -1;

	if (realpath(cfg->cf_root[0] != '\0' ? cfg->cf_root : ".",
	    explain_docroot) == NULL) {
		fprintf(stderr, "cgijail --explain-jail: document root %s: "
		    "%s\n", cfg->cf_root, strerror(errno));
		return 1;
	}
	log_escape(esc, sizeof(esc), urlpath, strlen(urlpath));
	if (explain_parse_url(cfg, urlpath, &xr, &why) == -1) {
		fprintf(stderr, "cgijail --explain-jail %s: %s\n", esc, why);
		return 1;
	}
	if (explain_policy(cfg, xr.xr_policy, denied, sizeof(denied),
	    &errnum) == -1)
		memset(denied, 0, sizeof(denied));
	printf("%s runs %s", esc, xr.xr_script);
	if (xr.xr_path_info[0] != '\0') {
		log_escape(esc, sizeof(esc), xr.xr_path_info,
		    strlen(xr.xr_path_info));
		printf(" with PATH_INFO %s", esc);
	}
	printf(", traced in the jail the executor builds\n");
	ew.ew_denied = denied;
	ew.ew_ndenied = sizeof(denied);
	ew.ew_errno = errnum;
	ew.ew_timeout_sec = cfg->cf_timeout_sec > 0 ?
	    (unsigned int)cfg->cf_timeout_sec + EXEC_START_MAX_SEC :
	    EXPLAIN_TIMEOUT_SEC;
	return explain_rounds(cfg, &xr, &ew);
}
