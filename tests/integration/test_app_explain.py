# SPDX-License-Identifier: ISC
"""
test_app_explain: `cgijail --explain-jail URLPATH` on real applications
started without their binds.  cgit: it names the two lines its example
has, and with exactly those added the daemon serves the repository.
PHP: /etc/php, and the session directory as jail-bind-rw with the
warning that Debian's root-owned one cannot be written.  A static
program: the file it missed, the call the policy answered with EPERM,
the call that killed it.  It needs root, refuses a URL it cannot route,
and leaves no process and no cgroup behind.
"""

import glob
import os
import re
import subprocess

from app_common import App, ensure_packages, make_repo
from cgijail_test import DAEMON, Daemon, assert_status

TIMEOUT = 120

STATIC_C = r'''
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
int
main(void)
{
	const char *q = getenv("QUERY_STRING");
	int fd = open(getenv("PROBE_FILE"), O_RDONLY);
	long r = syscall(SYS_vhangup);

	if (q != NULL && strcmp(q, "die") == 0)
		syscall(SYS_chroot, "/");
	printf("Content-Type: text/plain\r\n\r\nfd %d vhangup %ld\n", fd, r);
	return 0;
}
'''


def _explain(www, conf, url, timeout=60):
    p = subprocess.run([DAEMON, '--explain-jail', url, '-d', www, '-c',
                        conf], capture_output=True, text=True,
                       timeout=timeout, stdin=subprocess.DEVNULL)
    return p


def _lines(out):
    """The jail-bind lines it says to add."""
    return re.findall(r'(?m)^\t(jail-bind(?:-rw)? \S+)$', out)


def _without_binds(app):
    conf = os.path.join(app.dir, 'nobind.conf')
    with open(conf, 'w') as f:
        f.write(''.join(ln + '\n' for ln in app.config_lines()
                        if not ln.startswith('jail-bind')))
    return conf


def _cgroups():
    return set(glob.glob('/sys/fs/cgroup/*/cgijail.*') +
               glob.glob('/sys/fs/cgroup/cgijail.*'))


def _leftovers(before):
    """cgroups made since, named after a process that is gone (the
    daemons of tests running beside this one have theirs, alive)."""
    gone = [g for g in _cgroups() - before
            if not os.path.exists('/proc/%s' % g.rsplit('.', 1)[1])]
    return sorted(gone)


def test_explain_cgit_names_its_binds_and_they_suffice():
    ensure_packages('cgit', 'git')
    with App('cgit', extra_dirs=['git']) as app:
        make_repo(app.extra[0])
        conf = _without_binds(app)
        before = _cgroups()
        p = _explain(app.www, conf, '/cgit/')
        assert p.returncode == 0, (p.stdout, p.stderr)
        want = ['jail-bind %s' % os.path.join(app.dir, 'cgitrc'),
                'jail-bind %s' % app.extra[0]]
        assert sorted(_lines(p.stdout)) == sorted(want), p.stdout
        assert 'optional: glibc' in p.stdout    # nsswitch.conf, no line
        assert not _leftovers(before), _leftovers(before)
        # the lines it printed are all cgit needs
        with open(conf, 'a') as f:
            f.write(''.join(ln + '\n' for ln in _lines(p.stdout)))
        with app.daemon(conf=conf) as d:
            r = d.get('/cgit/demo.git/')
            assert_status(r, 200)
            assert b'Second commit: sandboxed and proud' in r.body


def test_explain_php_finds_its_ini_and_session_directory():
    ensure_packages('php-cgi')
    with App('php') as app:
        p = _explain(app.www, _without_binds(app), '/php/session.php')
        assert p.returncode == 0, (p.stdout, p.stderr)
        lines = _lines(p.stdout)
        ini = [ln for ln in lines if ln.startswith('jail-bind /etc/php')]
        assert len(ini) == 1, p.stdout
        assert 'jail-bind-rw /var/lib/php/sessions' in lines, p.stdout
        assert re.search(r'not this one itself \(uid 0 owns it\)',
                         p.stdout), p.stdout
        assert 'php.ini' in p.stdout and 'conf.d' in p.stdout
        # its stderr, escaped, says what went wrong in the last run
        assert 'session_start()' in p.stdout


def test_explain_sees_a_static_program_and_the_policy():
    with Daemon(start=False) as d:
        os.makedirs(d.path('cgi-bin'), mode=0o755)
        src = os.path.join(d.tmp, 'probe.c')
        with open(src, 'w') as f:
            f.write(STATIC_C)
        prog = d.path('cgi-bin/probe')
        subprocess.run(['cc', '-static', '-O2', '-o', prog, src],
                       check=True, timeout=120)
        os.chmod(prog, 0o755)
        data = os.path.join(d.tmp, 'data')
        os.mkdir(data, 0o755)
        with open(os.path.join(data, 'settings.conf'), 'w') as f:
            f.write('x\n')
        conf = d.write_config(['setenv PROBE_FILE %s/settings.conf' % data],
                              os.path.join(d.tmp, 'probe.conf'))
        p = _explain(d.docroot, conf, '/cgi-bin/probe')
        assert p.returncode == 0, (p.stdout, p.stderr)
        assert _lines(p.stdout) == [
            'jail-bind %s/settings.conf' % data], p.stdout
        assert re.search(r'(?m)^  vhangup: 1 time in a run$', p.stdout), \
            p.stdout
        p = _explain(d.docroot, conf, '/cgi-bin/probe?die')
        assert 'killed by signal 31 (seccomp policy violation)' in p.stdout
        assert re.search(r'(?m)^  chroot: 1 time in a run, killed '
                         r'\(SIGSYS\)$', p.stdout), p.stdout


def test_explain_needs_root_and_a_script():
    with Daemon({'cgi-bin/ok.sh': '#!/bin/sh\necho\n'}, start=False) as d:
        p = _explain(d.docroot, d.write_config(['timeout 5'],
                                               os.path.join(d.tmp, 'c')),
                     '/not/a/script')
        assert p.returncode == 1, p
        assert 'neither a cgi-route nor in a CGI directory' in p.stderr
        p = _explain(d.docroot, os.path.join(d.tmp, 'c'), '/cgi-bin/../x')
        assert p.returncode == 1 and 'URL path' in p.stderr, p
        p = _explain(d.docroot, os.path.join(d.tmp, 'c'), '/cgi-bin/none')
        assert p.returncode == 1 and 'no script' in p.stderr, p
        p = subprocess.run(['setpriv', '--reuid=65534', '--regid=65534',
                            '--clear-groups', DAEMON, '--explain-jail',
                            '/cgi-bin/ok.sh', '-d', d.docroot],
                           capture_output=True, text=True, timeout=30)
        assert p.returncode == 1 and 'run it as root' in p.stderr, p
