/* SPDX-License-Identifier: ISC */
/*
 * jailinfo.c: a CGI program (script user, in the sandbox) that describes
 * the jail it finds itself in, one "key value" line each: identity and
 * capabilities, seccomp and no_new_privs, signals, its pid and session,
 * rlimits, cgroups, mounts, descriptors, the environment's names, the
 * hostname, its directory and what a few opens outside the document root
 * give.  Numbers that differ from one request to the next (pids of the
 * host, mount ids, slot numbers, inode numbers) are left out or masked,
 * so that two requests in the same jail print the same text.  Trusts
 * nothing it reads.
 */
#include <sys/utsname.h>

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

extern char	**environ;

/* digits after a slot's "/s" and after "cgijail." become N */
static void
mask(char *s)
{
	char	*p, *q;

	for (p = s; *p != '\0'; p++) {
		if ((p[0] == '/' && p[1] == 's' && isdigit((unsigned char)p[2])) ||
		    (strncmp(p, "cgijail.", 8) == 0 &&
		    isdigit((unsigned char)p[8]))) {
			p += p[0] == '/' ? 2 : 8;
			for (q = p; isdigit((unsigned char)*q); q++)
				;
			memmove(p + 1, q, strlen(q) + 1);
			*p = 'N';
		}
	}
}

static void
file_lines(const char *key, const char *path, const char *const *want)
{
	char	 line[1024];
	FILE	*f;
	size_t	 i;

	if ((f = fopen(path, "r")) == NULL) {
		printf("%s unreadable %d\n", key, errno);
		return;
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		for (i = 0; want != NULL && want[i] != NULL; i++)
			if (strncmp(line, want[i], strlen(want[i])) == 0)
				break;
		if (want != NULL && want[i] == NULL)
			continue;
		mask(line);
		printf("%s %s\n", key, line);
	}
	fclose(f);
}

/* mountinfo without ids: mount point, options, type, source, super opts */
static void
mounts(void)
{
	char	 line[2048], *f[16], *p, *save;
	FILE	*fp;
	int	 n;

	if ((fp = fopen("/proc/self/mountinfo", "r")) == NULL) {
		printf("mount unreadable %d\n", errno);
		return;
	}
	while (fgets(line, sizeof(line), fp) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		for (n = 0, p = strtok_r(line, " ", &save); p != NULL &&
		    n < 16; p = strtok_r(NULL, " ", &save))
			f[n++] = p;
		if (n < 10)
			continue;
		/* 4 mount point, 5 options, then "-", type, source, super */
		printf("mount %s %s %s %s %s\n", f[4], f[5], f[n - 3],
		    f[n - 2], f[n - 1]);
	}
	fclose(fp);
}

static void
fds(void)
{
	struct dirent	*de;
	char		 path[320], target[256];
	ssize_t		 n;
	DIR		*d;

	if ((d = opendir("/proc/self/fd")) == NULL) {
		printf("fd unreadable %d\n", errno);
		return;
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.' || atoi(de->d_name) == dirfd(d))
			continue;
		snprintf(path, sizeof(path), "/proc/self/fd/%s", de->d_name);
		if ((n = readlink(path, target, sizeof(target) - 1)) == -1)
			n = 0;
		target[n] = '\0';
		/* "pipe:[12345]": the kind, not the inode */
		target[strcspn(target, ":")] = '\0';
		printf("fd %s %s\n", de->d_name, target);
	}
	closedir(d);
}

static void
opens(void)
{
	static const char *const paths[] = { "/etc/shadow", "/etc/passwd",
	    "/root", "/proc/1/environ", "/sys/kernel", "/tmp", NULL };
	size_t	 i;
	int	 fd;

	for (i = 0; paths[i] != NULL; i++) {
		fd = open(paths[i], O_RDONLY | O_CLOEXEC);
		printf("open %s %d\n", paths[i], fd == -1 ? errno : 0);
		if (fd != -1)
			close(fd);
	}
}

int
main(void)
{
	static const char *const status[] = { "Umask", "Uid", "Gid", "Groups",
	    "NoNewPrivs", "Seccomp", "Seccomp_filters", "SigBlk", "SigIgn",
	    "SigCgt", "CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb", NULL };
	struct utsname	 u;
	char		 cwd[4096], **e;
	size_t		 n;

	printf("Content-Type: text/plain\r\n\r\n");
	printf("pid %d ppid %d session %d\n", (int)getpid(), (int)getppid(),
	    getsid(0) == getpid());
	file_lines("status", "/proc/self/status", status);
	file_lines("limit", "/proc/self/limits", NULL);
	file_lines("cgroup", "/proc/self/cgroup", NULL);
	mounts();
	fds();
	opens();
	if (uname(&u) == 0)
		printf("hostname %s\n", u.nodename);
	printf("cwd %s\n", getcwd(cwd, sizeof(cwd)) != NULL ? cwd : "?");
	for (e = environ; *e != NULL; e++) {
		n = strcspn(*e, "=");
		printf("env %.*s\n", (int)n, *e);
	}
	return 0;
}
