# SPDX-License-Identifier: ISC
"""
test_rootless_start: what a rootless start decides before it serves.  A
port below net.ipv4.ip_unprivileged_port_start is refused, naming the
port and the reason, at a start and by -n; a kernel that forbids
unprivileged user namespaces (user.max_user_namespaces 0, set in a user
namespace this test makes) fails the start with a message naming the
sysctl; `--check` run by the account says what rootless mode gives up
and what it keeps; without a delegated cgroup the start says it runs on
rlimits, and with one (a pids group the test hands to the account) each
script slot gets its group there (a request runs in its slot's), all
removed at the stop.
"""

import ctypes
import os
import re
import select
import signal
import tempfile
import time

from cgijail_test import (DAEMON, Skip, assert_status, assert_still_serving,
                          fixture, port_listening, wait_until)
from rootless_common import READY_WAIT, RootlessDaemon, Student

CLONE_NEWNS = 0x00020000
CLONE_NEWUSER = 0x10000000
PORT_START = '/proc/sys/net/ipv4/ip_unprivileged_port_start'
CG_PIDS = '/sys/fs/cgroup/pids'
CGROUP_SH = ('#!/bin/sh\nprintf "Content-Type: text/plain\\n\\n"\n'
             'cat /proc/self/cgroup\n')


def unprivileged_port_start():
    with open(PORT_START) as f:
        return int(f.read())


def test_rootless_port_below_the_unprivileged_start_is_refused():
    start = unprivileged_port_start()
    if start <= 80:
        raise Skip('%s is %d: port 80 is not privileged here' %
                   (PORT_START, start))
    with Student() as s:
        d = RootlessDaemon(s, start=False, port=80)
        busy = port_listening(80)
        cp = d.run(timeout=10, watch_port=not busy)
        assert cp.returncode == 1, (cp.returncode, cp.stderr)
        err = cp.stderr
        for want in ('port 80', 'net.ipv4.ip_unprivileged_port_start',
                     '(%d)' % start, 'uid %d' % s.uid):
            assert want in err, 'no %r in:\n%s' % (want, err)
        assert 'serving' not in err, err
        # a listen line says the same, at a start and with -n
        d.write_config(['listen 127.0.0.1 443'],
                       path=os.path.join(d.tmp, 'low.conf'))
        base = ['runuser', '-u', s.name, '--', DAEMON, '-d',
                d.docroot, '-c', os.path.join(d.tmp, 'low.conf')]
        for extra in ([], ['-n']):
            cp = d.run(argv=base + extra, timeout=10, watch_port=False)
            assert cp.returncode == 1, (extra, cp.returncode, cp.stderr)
            assert 'port 443' in cp.stderr, cp.stderr
            assert 'net.ipv4.ip_unprivileged_port_start' in cp.stderr, \
                cp.stderr


def test_rootless_userdir_is_refused_with_its_line():
    """userdir runs each student's scripts as that student: root's work.
    A rootless start and -n refuse it at its FILE:LINE instead of trying
    other accounts' homes."""
    with Student() as s:
        d = RootlessDaemon(s, start=False)
        conf = os.path.join(d.tmp, 'userdir.conf')
        d.write_config(['# a class', 'userdir public_html'], path=conf)
        os.chmod(conf, 0o644)
        base = ['runuser', '-u', s.name, '--', DAEMON, '-d', d.docroot,
                '-c', conf, '-b', '127.0.0.1', str(d.port)]
        for extra in ([], ['-n']):
            cp = d.run(argv=base + extra, timeout=10, watch_port=False)
            assert cp.returncode == 1, (extra, cp.returncode, cp.stderr)
            assert '%s:2:' % conf in cp.stderr, (extra, cp.stderr)
            assert 'userdir' in cp.stderr and 'root' in cp.stderr, \
                (extra, cp.stderr)
            assert 'serving' not in cp.stderr, cp.stderr


def _run_where_userns_are_forbidden(argv, timeout):
    """argv, run by root of a user namespace made here (every id mapped
    to itself, so the account is still itself) whose
    user.max_user_namespaces is 0: no process in it may make one.
    Returns (exit status, stdout + stderr)."""
    libc = ctypes.CDLL(None, use_errno=True)
    ready_r, ready_w = os.pipe()
    go_r, go_w = os.pipe()
    out = tempfile.TemporaryFile()
    pid = os.fork()
    if pid == 0:
        try:
            os.close(ready_r)
            os.close(go_w)
            if libc.unshare(CLONE_NEWUSER | CLONE_NEWNS) != 0:
                os._exit(120)
            os.write(ready_w, b'u')
            if os.read(go_r, 1) != b'g':
                os._exit(121)
            with open('/proc/sys/user/max_user_namespaces', 'w') as f:
                f.write('0\n')
            os.dup2(out.fileno(), 1)
            os.dup2(out.fileno(), 2)
            os.execvp(argv[0], argv)
        finally:
            os._exit(122)
    os.close(ready_w)
    os.close(go_r)
    reaped = False
    try:
        ok = select.select([ready_r], [], [], 5.0)[0] and \
            os.read(ready_r, 1) == b'u'
        assert ok, 'the test namespace was not made'
        for name in ('uid_map', 'gid_map'):
            with open('/proc/%d/%s' % (pid, name), 'w') as f:
                f.write('0 0 4294967295\n')
        os.write(go_w, b'g')
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                reaped = True
                out.seek(0)
                return (os.waitstatus_to_exitcode(status),
                        out.read().decode('utf-8', 'replace'))
            time.sleep(0.05)
        raise AssertionError('did not exit within %ss' % timeout)
    finally:
        for fd in (ready_r, go_w):
            os.close(fd)
        if not reaped:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        out.close()


def test_rootless_start_names_the_sysctl_that_forbids_user_namespaces():
    with Student() as s:
        d = RootlessDaemon(s, start=False)
        rc, out = _run_where_userns_are_forbidden(d.argv(), 10)
        assert rc == 1, (rc, out)
        assert 'user.max_user_namespaces' in out, out
        assert re.search(r'unprivileged user namespace', out), out
        assert 'serving' not in out, out
        assert not port_listening(d.port), 'it bound its port'


GIVES_UP = ('one host uid', 'setgroups', 'cgroup', 'script-uid-range',
            'jail-bind-rw', 'net.ipv4.ip_unprivileged_port_start',
            '/run/cgijail', 'stderr', 'owned by')
KEEPS = ('front', 'landlock', 'seccomp', 'no_new_privs', 'capabilit',
         'pid', 'network', 'timeout', 'rlimit')


def test_rootless_check_says_what_is_given_up_and_kept():
    with Student() as s:
        d = RootlessDaemon(s, start=False)
        cp = d.run(extra_args=['--check'], timeout=15)
        out = cp.stdout + cp.stderr
        assert cp.returncode == 0, 'exit %s:\n%s' % (cp.returncode, out)
        assert re.search(r'^sandbox: mode\s+rootless\b.*\buid %d\b' % s.uid,
                         out, re.M), out
        for ns in ('user', 'pid', 'mount', 'ipc', 'uts', 'network'):
            assert re.search(r'%s namespace\s+ok' % ns, out), (ns, out)
        for layer in ('landlock', 'seccomp filter', 'pivot_root'):
            assert re.search(r'%s\s+ok' % layer, out), (layer, out)
        assert re.search(r'^sandbox: cgroups\s+absent\s.*not delegated', out,
                         re.M), out
        assert re.search(r'^sandbox: script uids\s+unused\s', out, re.M), out
        assert '0 required layers missing' in out, out
        gives = [ln for ln in out.splitlines()
                 if ln.startswith('rootless: gives up: ')]
        keeps = [ln for ln in out.splitlines()
                 if ln.startswith('rootless: keeps: ')]
        for words, lines in ((GIVES_UP, gives), (KEEPS, keeps)):
            text = '\n'.join(lines)
            missing = [w for w in words if w not in text]
            assert not missing, 'not said: %r\n%s' % (missing, out)


def test_rootless_without_a_delegated_cgroup_says_so():
    files = {'cgi-bin/ok.sh': fixture('ok.sh')}
    with Student() as s, RootlessDaemon(s, files) as d:
        assert d.wait_log(r'warning: rootless: no delegated cgroup: '
                          r'.*not writable by uid %d' % s.uid), d.log_tail()
        assert d.wait_log(r'executor ready: cgroup none', READY_WAIT), \
            d.log_tail()
        assert_still_serving(d)


def _own_pids_group():
    with open('/proc/self/cgroup') as f:
        for line in f:
            _, ctls, path = line.rstrip('\n').split(':', 2)
            if 'pids' in ctls.split(','):
                return CG_PIDS + path.rstrip('/')
    raise Skip('no pids cgroup (v1) here')


def test_rootless_uses_a_delegated_cgroup():
    """A pids group handed to the account (its directory, cgroup.procs and
    tasks chowned, as systemd's Delegate= does): the script slots' groups
    are made below it, a request runs in one, and nothing is left there
    after the stop."""
    if not os.path.isdir(CG_PIDS):
        raise Skip('no cgroup v1 pids hierarchy')
    with Student() as s:
        group = os.path.join(_own_pids_group(), s.name)
        os.mkdir(group)
        try:
            for p in (group, group + '/cgroup.procs', group + '/tasks'):
                os.chown(p, s.uid, s.gid)
            join = ['sh', '-c', 'echo $$ > "$0/cgroup.procs" && exec "$@"',
                    group]
            files = {'cgi-bin/cgroup.sh': CGROUP_SH,
                     'cgi-bin/ok.sh': fixture('ok.sh')}
            with RootlessDaemon(s, files, prefix=join,
                                config_lines=['limit processes 8']) as d:
                assert d.wait_log(r'executor ready: cgroup v1',
                                  READY_WAIT), d.log_tail()
                assert d.wait_log(r'rootless: delegated cgroup .*%s.*: '
                                  r'each script slot gets a group' %
                                  re.escape(group)), d.log_tail()
                r = d.get('/cgi-bin/cgroup.sh')
                assert_status(r, 200)
                rel = group[len(CG_PIDS):]
                m = re.search(r'^\d+:pids:(%s/cgijail\.\d+/s\d+)$' %
                              re.escape(rel), r.text, re.M)
                assert m, r.text
                # the slot's group holds the configured limit
                with open(CG_PIDS + m.group(1) + '/pids.max') as f:
                    assert f.read().strip() == '8'
                cp = d.run(argv=join + d.argv()[len(join):-1] +
                           ['--check', str(d.port)], timeout=15,
                           watch_port=False)
                assert re.search(r'^sandbox: cgroups\s+ok\s.*delegated',
                                 cp.stdout, re.M), cp.stdout
                assert_still_serving(d)
            left = [n for n in os.listdir(group)
                    if os.path.isdir(os.path.join(group, n))]
            assert not left, 'left in the delegated group: %r' % left
        finally:
            assert wait_until(lambda: _rmdir_tree(group), 5.0), \
                'cannot remove %s' % group


def _rmdir_tree(top):
    """Remove a cgroup and the groups below it (a killed executor's),
    deepest first: True once it is gone."""
    if not os.path.isdir(top):
        return True
    try:
        for d, dirs, _ in os.walk(top, topdown=False):
            for n in dirs:
                os.rmdir(os.path.join(d, n))
        os.rmdir(top)
    except OSError:
        return False
    return True
