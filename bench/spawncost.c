/* SPDX-License-Identifier: ISC */
/*
 * spawncost.c: `make bench`'s sandbox-cost microbenchmark.  One process
 * spawns the same static binary, alternately, by a bare fork+execveat
 * and by sandbox_spawn() with every layer (as daemon/exec_child.c does),
 * and times each to its exec and to EOF on its stdout and its reaping.
 * Runs as root, outside the daemon; trusts its command line.
 *
 * What it depends on (include/sandbox.h; adjust here if the API moves):
 * config_defaults(), config_finish(), sandbox_init(), sandbox_spawn(),
 * sandbox_started(), sandbox_release(), sandbox_fini(), struct
 * sandbox_spawn's fields, and waitid(P_PIDFD) on sch_pidfd.
 */
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "sandbox.h"

#define SPAWNCOST_HELLO	"spawncost-hello"

enum spawncost_kind { SPAWNCOST_BARE, SPAWNCOST_JAILED, SPAWNCOST_NKIND };

/* one spawn's times, in microseconds from its start */
struct spawncost_sample {
	double	 scs_exec;	/* the exec happened (status pipe EOF) */
	double	 scs_reaped;	/* stdout at EOF, reaped, released */
};

struct spawncost_run {
	struct sandbox	 scr_sb;
	int		 scr_exec_fd;	/* the binary, opened in the jail */
	int		 scr_null_fd;
	char		*scr_dir;	/* the document root */
	char		*scr_argv[2];
	char		*scr_envp[1];
};

static double
spawncost_usec_since(const struct timespec *t0)
{
	struct timespec	 t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) * 1e6 +
	    (double)(t1.tv_nsec - t0->tv_nsec) / 1e3;
}

/* read to EOF; the hello writes a few bytes */
static void
spawncost_drain(int fd)
{
	char	 buf[4096];
	ssize_t	 n;

	while ((n = read(fd, buf, sizeof(buf))) != 0)
		if (n == -1 && errno != EINTR)
			err(1, "read");
}

/* fork, execveat the same fd, a close-on-exec pipe's EOF at exec */
static void
spawncost_bare(struct spawncost_run *r, struct spawncost_sample *s)
{
	struct timespec	 t0;
	int		 out[2], st[2];
	pid_t		 pid;
	char		 c;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (pipe2(out, O_CLOEXEC) == -1 || pipe2(st, O_CLOEXEC) == -1)
		err(1, "pipe2");
	if ((pid = fork()) == -1)
		err(1, "fork");
	if (pid == 0) {
		if (dup2(r->scr_null_fd, 0) == -1 || dup2(out[1], 1) == -1 ||
		    dup2(r->scr_null_fd, 2) == -1)
			_exit(126);
		syscall(SYS_execveat, r->scr_exec_fd, "", r->scr_argv,
		    r->scr_envp, AT_EMPTY_PATH);
		_exit(127);
	}
	close(out[1]);
	close(st[1]);
	if (read(st[0], &c, 1) != 0)
		errx(1, "bare child did not exec");
	s->scs_exec = spawncost_usec_since(&t0);
	spawncost_drain(out[0]);
	if (waitpid(pid, NULL, 0) != pid)
		err(1, "waitpid");
	s->scs_reaped = spawncost_usec_since(&t0);
	close(out[0]);
	close(st[0]);
}

/* sandbox_spawn(), then as the executor: started, EOF, waitid, release */
static void
spawncost_jailed(struct spawncost_run *r, struct spawncost_sample *s)
{
	struct sandbox_failure	 fail;
	struct sandbox_spawn	 ss;
	struct sandbox_child	 ch;
	struct pollfd		 pfd;
	struct timespec		 t0;
	siginfo_t		 si;
	int			 out[2], started;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (pipe2(out, O_CLOEXEC) == -1)
		err(1, "pipe2");
	memset(&ss, 0, sizeof(ss));
	ss.ss_stdin = ss.ss_stderr = r->scr_null_fd;
	ss.ss_stdout = out[1];
	ss.ss_exec_fd = r->scr_exec_fd;
	ss.ss_execat = 1;
	ss.ss_path = ss.ss_script = r->scr_argv[0];
	ss.ss_argv = r->scr_argv;
	ss.ss_envp = r->scr_envp;
	ss.ss_cwd = r->scr_dir;
	if (sandbox_spawn(&r->scr_sb, &ss, &ch, &fail) == -1)
		errx(1, "sandbox_spawn: %s: %s",
		    sandbox_step_name(fail.sf_step), strerror(fail.sf_errno));
	close(out[1]);
	pfd.fd = ch.sch_statusfd;
	pfd.events = POLLIN;
	while ((started = sandbox_started(&ch, &fail)) == 0)
		(void)poll(&pfd, 1, -1);
	if (started == -1)
		errx(1, "jailed child: step %s: %s",
		    sandbox_step_name(fail.sf_step), strerror(fail.sf_errno));
	s->scs_exec = spawncost_usec_since(&t0);
	spawncost_drain(out[0]);
	memset(&si, 0, sizeof(si));
	if (waitid(P_PIDFD, (id_t)ch.sch_pidfd, &si, WEXITED) == -1)
		err(1, "waitid");
	(void)sandbox_release(&r->scr_sb, &ch);
	s->scs_reaped = spawncost_usec_since(&t0);
	close(out[0]);
}

static int
spawncost_cmp(const void *a, const void *b)
{
	double	 x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* "kind stage median p99", microseconds */
static void
spawncost_report(const char *kind, const char *stage, double *v, size_t n)
{
	qsort(v, n, sizeof(*v), spawncost_cmp);
	printf("%s\t%s\t%.0f\t%.0f\n", kind, stage, v[(n - 1) / 2],
	    v[(size_t)((double)(n - 1) * 0.99)]);
}

static void
spawncost_measure(struct spawncost_run *r, size_t n, size_t warm)
{
	struct spawncost_sample	 s;
	double			*v[SPAWNCOST_NKIND][2];
	size_t			 i, k;

	for (k = 0; k < SPAWNCOST_NKIND; k++)
		if ((v[k][0] = calloc(n, sizeof(double))) == NULL ||
		    (v[k][1] = calloc(n, sizeof(double))) == NULL)
			err(1, "calloc");
	/* alternate, so that drift and noise fall on both alike */
	for (i = 0; i < warm + n; i++)
		for (k = 0; k < SPAWNCOST_NKIND; k++) {
			if (k == SPAWNCOST_BARE)
				spawncost_bare(r, &s);
			else
				spawncost_jailed(r, &s);
			if (i < warm)
				continue;
			v[k][0][i - warm] = s.scs_exec;
			v[k][1][i - warm] = s.scs_reaped;
		}
	printf("kind\tstage\tmedian_us\tp99_us\n");
	for (k = 0; k < SPAWNCOST_NKIND; k++) {
		spawncost_report(k == SPAWNCOST_BARE ? "bare" : "jailed", "exec", v[k][0], n);
		spawncost_report(k == SPAWNCOST_BARE ? "bare" : "jailed", "reaped", v[k][1],
		    n);
		free(v[k][0]);
		free(v[k][1]);
	}
}

/* the measuring process: it ends inside the jail's mount namespace */
static void __attribute__((noreturn))
spawncost_child(char *dir, size_t n, size_t warm)
{
	static struct config	 cfg;
	static struct spawncost_run	 r;
	const char		*paths[1] = { "" };
	char			 errbuf[FILTER_ERR_MAX + 256], path[PATH_MAX];

	config_defaults(&cfg);
	if (strlcpy(cfg.cf_root, dir, sizeof(cfg.cf_root)) >=
	    sizeof(cfg.cf_root))
		errx(1, "%s: too long", dir);
	config_finish(&cfg);
	if ((r.scr_null_fd = open("/dev/null", O_RDWR | O_CLOEXEC)) == -1)
		err(1, "/dev/null");
	errbuf[0] = '\0';
	if (sandbox_init(&r.scr_sb, &cfg, paths, 1, 1, errbuf,
	    sizeof(errbuf)) == -1)
		errx(1, "sandbox_init: %s", errbuf);
	/* the jail shows the document root at its own path */
	snprintf(path, sizeof(path), "%s/%s", dir, SPAWNCOST_HELLO);
	if ((r.scr_exec_fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		err(1, "%s in the jail", path);
	r.scr_dir = dir;
	r.scr_argv[0] = path;
	r.scr_argv[1] = NULL;
	r.scr_envp[0] = NULL;
	spawncost_measure(&r, n, warm);
	sandbox_fini(&r.scr_sb);
	fflush(stdout);
	_exit(0);
}

/* the binary, copied into a fresh document root under /tmp */
static void
spawncost_docroot(const char *hello, char *dir, char *dst, size_t dstsz)
{
	char	 buf[65536];
	ssize_t	 n;
	int	 in, out;

	if (mkdtemp(dir) == NULL || chmod(dir, 0755) == -1)
		err(1, "mkdtemp");
	snprintf(dst, dstsz, "%s/%s", dir, SPAWNCOST_HELLO);
	if ((in = open(hello, O_RDONLY | O_CLOEXEC)) == -1)
		err(1, "%s", hello);
	if ((out = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
	    0755)) == -1)
		err(1, "%s", dst);
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, (size_t)n) != n)
			err(1, "write %s", dst);
	if (n == -1 || close(out) == -1)
		err(1, "copy %s", hello);
	close(in);
}

static void __attribute__((noreturn))
spawncost_usage(void)
{
	fprintf(stderr, "usage: spawncost [-n SAMPLES] [-w WARMUP] "
	    "STATIC-BINARY\n");
	exit(2);
}

int
main(int argc, char *argv[])
{
	char		 dir[] = "/tmp/cgijail-spawncost.XXXXXX", dst[PATH_MAX];
	const char	*errstr = NULL;
	size_t		 n = 1000, warm = 50;
	int		 ch, status;
	pid_t		 pid;

	while ((ch = getopt(argc, argv, "n:w:")) != -1) {
		if (ch == 'n')
			n = (size_t)strtonum(optarg, 1, 1000000, &errstr);
		else if (ch == 'w')
			warm = (size_t)strtonum(optarg, 0, 100000, &errstr);
		else
			spawncost_usage();
		if (errstr != NULL)
			errx(2, "-%c %s: %s", ch, optarg, errstr);
	}
	if (argc - optind != 1)
		spawncost_usage();
	if (geteuid() != 0)
		errx(2, "must run as root (sandbox_init needs it)");
	spawncost_docroot(argv[optind], dir, dst, sizeof(dst));
	printf("# spawncost: %zu samples of each, alternating, after %zu "
	    "warm-up\n", n, warm);
	fflush(stdout);
	/* the jail takes the measuring process; we stay to clean up */
	if ((pid = fork()) == -1)
		err(1, "fork");
	if (pid == 0)
		spawncost_child(dir, n, warm);
	if (waitpid(pid, &status, 0) != pid)
		err(1, "waitpid");
	(void)unlink(dst);
	(void)rmdir(dir);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}
