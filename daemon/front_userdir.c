/* SPDX-License-Identifier: ISC */
/*
 * front_userdir.c: /~NAME/ in the front.  NAME is looked up in the table
 * the parent resolved at start (never in the passwd database per
 * request, so nothing in the answer or its time tells an unknown name
 * from a system account or one without the directory); the student's
 * tree is reached by the descriptor confine_front_root() opened, never by
 * a path.  Front role; trusts no request.
 */
#include <stdio.h>
#include <string.h>

#include "front.h"
#include "userdir.h"

static int	*front_userdir_trees;
static size_t	 front_userdir_ntrees;

void
front_userdir_init(int *trees, size_t ntrees)
{
	front_userdir_trees = trees;
	front_userdir_ntrees = ntrees;
}

int
front_userdir_find(const char *path, struct front_tree *t, const char **rest)
{
	const struct userdir_table	*ut = front_cfg->cf_userdir_table;
	const struct userdir_account	*a;
	size_t				 len, i;

	if (strncmp(path, "/~", 2) != 0)
		return 0;
	len = strcspn(path + 2, "/");
	if ((a = userdir_lookup(ut, path + 2, len)) == NULL)
		return 0;
	i = userdir_index(ut, a);
	if (i >= front_userdir_ntrees || front_userdir_trees[i] == -1)
		return 0;
	t->ft_fd = front_userdir_trees[i];
	if ((size_t)snprintf(t->ft_prefix, sizeof(t->ft_prefix), "/~%s",
	    a->ua_name) >= sizeof(t->ft_prefix))
		return 0;
	*rest = path + 2 + len;
	return 1;
}
