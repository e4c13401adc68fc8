/* SPDX-License-Identifier: ISC */
/*
 * parent_host.c: what the parent checks and says about this host before it
 * binds (and again on SIGHUP): the kernel's landlock ABI against the
 * configuration, a script uid range that no process uses; rootless, a user
 * namespace the kernel allows, ports an ordinary user may bind and a
 * delegated cgroup; the TLS and authenticate files sealed for the front;
 * and the lines that say what is served where (each socket systemd
 * passed, under socket activation), the students userdir serves too.
 * Parent role; trusts the configuration, reads /proc.
 */
#include <sys/types.h>

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "config_load.h"
#include "daemon.h"
#include "keys.h"
#include "log.h"
#include "parent_priv.h"
#include "sandbox.h"
#include "userdir.h"

#define PARENT_UID_SHOW		4	/* processes named in the refusal */
#define PARENT_UID_LOOKS	5	/* looks at the range before refusing */
#define PARENT_UID_PAUSE_NS	40000000L	/* between two looks */
/* the landlock ABI that scopes the front's signals to its own domain */
#define PARENT_LANDLOCK_SCOPE	6

/*
 * A layer turned down or off is said at every start: the configuration
 * asked for it, but whoever reads the log may not know.
 */
int
parent_check_landlock(const struct config *cfg, char *err, size_t errsz)
{
	const char	*lacks;
	int		 abi;

	if (sandbox_check_landlock(cfg, &abi, err, errsz) == -1)
		return -1;
	if (!cfg->cf_landlock)
		log_warnx("landlock off: scripts run without landlock (this "
		    "kernel offers ABI %d); only read-only mounts keep them "
		    "from writing", abi);
	else if ((lacks = sandbox_check_landlock_lacks(cfg, abi)) != NULL)
		log_warnx("landlock ABI %d (landlock-min-abi %d): scripts run "
		    "without %s", abi, cfg->cf_landlock_min_abi, lacks);
	if (!cfg->cf_cgroup)
		log_warnx("cgroup off: a request's processes and memory are "
		    "bounded by rlimits only");
	return 0;
}

/*
 * The script uids must be ours alone: a process already running with one
 * could signal or trace our scripts.  On SIGHUP the range still in use
 * (old) is left out: its processes are our own scripts.  A cgijail that
 * has just ended lets go of its uids (the lock's file closes with its
 * other files) a moment before the kernel kills the children it leaves
 * (their parent-death signal): a few looks apart before refusing.
 */
int
parent_check_uids(const struct config *cfg, const struct config *old,
    char *err, size_t errsz)
{
	struct sandbox_uid_user	 su[PARENT_UID_SHOW];
	struct timespec		 pause = { 0, PARENT_UID_PAUSE_NS };
	char			 where[PATH_MAX + 32];
	char			 who[PARENT_UID_SHOW * 112];
	unsigned		 first = cfg->cf_script_uid_first;
	size_t			 i, n = 0;
	int			 looks, r;

	/* rootless scripts take no uid from the range */
	if (rootless_active())
		return 0;
	for (looks = 1;; looks++) {
		r = sandbox_check_uids(cfg, old ? old->cf_script_uid_first : 0,
		    old ? old->cf_script_uid_count : 0, su, PARENT_UID_SHOW);
		if (r <= 0 || looks == PARENT_UID_LOOKS)
			break;
		(void)nanosleep(&pause, NULL);
	}
	if (r == 0)
		return 0;
	if (r == -1) {
		(void)snprintf(err, errsz, "cgijail: /proc: cannot check that "
		    "no process uses script-uid-range");
		return -1;
	}
	who[0] = '\0';
	for (i = 0; i < (size_t)r && n < sizeof(who); i++)
		n += (size_t)snprintf(who + n, sizeof(who) - n, "%suid %u by "
		    "pid %d (%s)", i ? ", " : "", (unsigned)su[i].su_uid,
		    (int)su[i].su_pid, su[i].su_comm);
	(void)snprintf(err, errsz, "%s: script-uid-range %u-%u is in use: "
	    "%s%s; each script needs a host uid no other process has: stop "
	    "those processes, or move the range (script-uid-range FIRST-LAST)",
	    config_load_where(cfg, cfg->cf_script_uid_line, where,
	    sizeof(where)), first, first + cfg->cf_script_uid_count - 1, who,
	    r == PARENT_UID_SHOW ? ", ..." : "");
	return -1;
}

/*
 * Rootless mode: the one thing a start cannot do without, a user
 * namespace of its own (and a mount in it), is tried first, and a kernel
 * that forbids it is named; what runs without is said at every start.
 */
int
parent_check_rootless(const struct config *cfg, char *err, size_t errsz)
{
	char		 where[PATH_MAX + 32], scratch[CONFIG_ERR_MAX];
	unsigned	 uid = (unsigned)rootless_uid();
	int		 abi, r;

	if (!rootless_active())
		return 0;
	if (rootless_probe(err, errsz) == -1)
		return -1;
	log_info("rootless mode: started by uid %u, not root: cgijail and "
	    "its scripts all run as uid %u on the host, kept apart by "
	    "namespaces, landlock, seccomp and no capabilities (cgijail "
	    "--check says what this gives up and keeps)", uid, uid);
	r = cfg->cf_cgroup ? limits_cgroup_delegated(where, sizeof(where)) : 1;
	if (cfg->cf_cgroup && r == 1)
		log_info("rootless: delegated cgroup %s: each script slot "
		    "gets a group of its own there", where);
	else if (cfg->cf_cgroup)
		log_warnx("rootless: no delegated cgroup: %s%s%u: a request's "
		    "processes are bounded by its pid namespace and "
		    "RLIMIT_NPROC (counted in its own user namespace), its "
		    "memory by RLIMIT_AS per process", where, r == 0 ?
		    " is not writable by uid " : " for uid ", uid);
	(void)sandbox_check_landlock(cfg, &abi, scratch, sizeof(scratch));
	if (!cfg->cf_landlock || abi < PARENT_LANDLOCK_SCOPE)
		log_warnx("rootless: landlock %s: nothing but seccomp keeps "
		    "the front from signalling the executor and the parent, "
		    "which run as its uid", cfg->cf_landlock ? "below ABI 6" :
		    "off");
	return 0;
}

/* rootless: a port below net.ipv4.ip_unprivileged_port_start is root's */
int
parent_check_ports(const struct config *cfg, char *err, size_t errsz)
{
	const struct config_listen	*cl;
	const char			*errstr;
	long long			 port;
	size_t				 i;
	int				 start;

	if (!rootless_active())
		return 0;
	start = rootless_port_start();
	for (i = 0; i < cfg->cf_nlisten; i++) {
		cl = &cfg->cf_listen[i];
		port = strtonum(cl->cl_port, 0, 65535, &errstr);
		if (errstr != NULL || port == 0 || port >= start)
			continue;
		(void)snprintf(err, errsz, "cgijail: listen %s %lld: port %lld "
		    "is below net.ipv4.ip_unprivileged_port_start (%d): only "
		    "root may bind it, and cgijail, started by uid %u, runs "
		    "rootless: use a port of %d or above (PORT, or a listen "
		    "line), or start cgijail as root", cl->cl_addr[0] != '\0' ?
		    cl->cl_addr : "*", port, port, start,
		    (unsigned)rootless_uid(), start);
		return -1;
	}
	return 0;
}

/* ADDR as a client types it: [v6], and a name for "every address" */
static void
parent_url_host(const char *addr, char *buf, size_t bufsz, const char **note)
{
	char	name[HOST_NAME_MAX + 1];

	*note = "";
	if (addr[0] == '\0' || strcmp(addr, "*") == 0 ||
	    strcmp(addr, "0.0.0.0") == 0 || strcmp(addr, "::") == 0) {
		*note = addr[0] == '0' ? " (every IPv4 address)" :
		    addr[0] == ':' ? " (every IPv6 address)" :
		    " (every address)";
		if (gethostname(name, sizeof(name)) == -1 || name[0] == '\0')
			(void)strlcpy(name, "localhost", sizeof(name));
		name[sizeof(name) - 1] = '\0';
		addr = name;
	}
	(void)snprintf(buf, bufsz, strchr(addr, ':') != NULL ? "[%s]" : "%s",
	    addr);
}

/* one serving line per socket systemd passed */
static void
parent_log_serving_systemd(const struct parent_listen *pl, const char *root,
    const char *cgi)
{
	char		 host[HOST_NAME_MAX + 3];
	const char	*note;
	size_t		 i;

	for (i = 0; i < pl->pl_n; i++) {
		parent_url_host(pl->pl_host[i], host, sizeof(host), &note);
		log_info("serving %s on %s://%s:%s/%s (CGI: %s) from "
		    "systemd's socket fd %d%s%s%s", root,
		    pl->pl_opts[i] & CONFIG_LISTEN_TLS ? "https" : "http",
		    host, pl->pl_port[i], note, cgi, pl->pl_sd_fd[i],
		    pl->pl_sd_name[i][0] != '\0' ? " named " : "",
		    pl->pl_sd_name[i], pl->pl_opts[i] & CONFIG_LISTEN_PROXY ?
		    " behind the PROXY protocol of proxy-from" : "");
	}
}

/* "serving /srv/site on http://127.0.0.1:8000/ (CGI: /cgi-bin, /htbin)" */
void
parent_log_serving(const struct config *cfg, const struct parent_listen *pl)
{
	char		 root[PATH_MAX], host[HOST_NAME_MAX + 3], cgi[1024];
	const char	*note;
	size_t		 i, n = 0;

	if (realpath(cfg->cf_root, root) == NULL)
		(void)strlcpy(root, cfg->cf_root, sizeof(root));
	cgi[0] = '\0';
	for (i = 0; i < cfg->cf_ncgidir && n < sizeof(cgi); i++)
		n += (size_t)snprintf(cgi + n, sizeof(cgi) - n, "%s%s",
		    i ? ", " : "", cfg->cf_cgidir[i].cd_urlpath);
	for (i = 0; i < cfg->cf_nroute && n < sizeof(cgi); i++)
		n += (size_t)snprintf(cgi + n, sizeof(cgi) - n, "%s%s",
		    i ? ", " : "; routes: ", cfg->cf_route[i].cr_prefix);
	if (pl->pl_systemd) {
		parent_log_serving_systemd(pl, root, cgi);
		return;
	}
	for (i = 0; i < cfg->cf_nlisten; i++) {
		parent_url_host(cfg->cf_listen[i].cl_addr, host, sizeof(host),
		    &note);
		log_info("serving %s on %s://%s:%s/%s (CGI: %s)%s", root,
		    cfg->cf_listen[i].cl_opts & CONFIG_LISTEN_TLS ? "https" :
		    "http", host, cfg->cf_listen[i].cl_port, note, cgi,
		    cfg->cf_listen[i].cl_opts & CONFIG_LISTEN_PROXY ? " behind "
		    "the PROXY protocol of proxy-from" : "");
	}
}

/* the same listen lines: addresses, ports, options */
int
parent_same_listen(const struct config *a, const struct config *b)
{
	size_t	i;

	if (a->cf_nlisten != b->cf_nlisten)
		return 0;
	for (i = 0; i < a->cf_nlisten; i++)
		if (strcmp(a->cf_listen[i].cl_addr, b->cf_listen[i].cl_addr) ||
		    strcmp(a->cf_listen[i].cl_port, b->cf_listen[i].cl_port) ||
		    a->cf_listen[i].cl_opts != b->cf_listen[i].cl_opts)
			return 0;
	return 1;
}

/*
 * The listening sockets keep the options they were bound with until a
 * restart (as their addresses do): a configuration that cannot serve
 * them, a tls one without keys or a proxy-protocol one without trusted
 * senders, is refused.
 */
int
parent_keys_seal(const struct config *cfg, const unsigned *opts, size_t n,
    char *err, size_t errsz)
{
	struct keys	k;
	size_t		i;
	int		fd;

	for (i = 0; i < n; i++) {
		if ((opts[i] & CONFIG_LISTEN_TLS) && cfg->cf_tls_key[0] == '\0') {
			(void)snprintf(err, errsz, "a tls listener is bound "
			    "and stays until a restart: tls-certificate and "
			    "tls-key are needed");
			return -1;
		}
		if ((opts[i] & CONFIG_LISTEN_PROXY) &&
		    cfg->cf_nproxy_from == 0) {
			(void)snprintf(err, errsz, "a proxy-protocol listener "
			    "is bound and stays until a restart: proxy-from "
			    "is needed");
			return -1;
		}
	}
	if (keys_load(cfg, &k, err, errsz) == -1)
		return -1;
	fd = keys_seal(&k, opts, n);
	keys_free(&k);
	if (fd == -1)
		(void)snprintf(err, errsz, "cgijail: sealing the keys: %s",
		    strerror(errno));
	return fd;
}

/*
 * userdir: how many students, and each account whose directory is there
 * but not served, with why (an unsafe mode, a link, a limit line for
 * nobody), at every start and reload.
 */
void
parent_log_userdir(const struct config *cfg)
{
	const struct userdir_table	*ut = cfg->cf_userdir_table;
	size_t				 i;

	if (ut == NULL)
		return;
	log_info("userdir: serving ~/%s of %zu student%s as /~NAME/",
	    cfg->cf_userdir, ut->ut_n, ut->ut_n == 1 ? "" : "s");
	for (i = 0; i < ut->ut_nnotes; i++)
		log_warnx("userdir: %s", ut->ut_notes[i]);
	if (ut->ut_notes_dropped > 0)
		log_warnx("userdir: %zu more notes (cgijail -n lists the "
		    "students served)", ut->ut_notes_dropped);
}
