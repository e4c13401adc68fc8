/* SPDX-License-Identifier: ISC */
/*
 * fdlist.c: a CGI program (script user, in the sandbox) that lists its
 * open descriptors, minus the one the listing itself uses, as
 * "fd N TARGET" lines.  Trusts nothing it finds.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int
main(void)
{
	struct dirent	*de;
	DIR		*d;
	char		 path[64], target[4096];
	ssize_t		 n;
	int		 fd;

	if ((d = opendir("/proc/self/fd")) == NULL) {
		perror("opendir /proc/self/fd");
		return 1;
	}
	printf("Content-Type: text/plain\r\n\r\n");
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		fd = atoi(de->d_name);
		if (fd == dirfd(d))
			continue;
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		if ((n = readlink(path, target, sizeof(target) - 1)) == -1)
			n = 0;
		target[n] = '\0';
		printf("fd %d %s\n", fd, target);
	}
	closedir(d);
	return 0;
}
