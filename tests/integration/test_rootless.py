# SPDX-License-Identifier: ISC
"""
test_rootless: cgijail started by an ordinary account (runuser, no root,
no setuid helper, no newuidmap) serves as it does as root: a static
file, CGI GET and POST, a failing script's 500, a forbidden script's
403, the timeout; a probe script finds itself in its own pid namespace
(pid 1, no daemon pid in sight or in reach), under seccomp, with
no_new_privs, no capability, no network and under landlock (a device
that the mounts let it write refuses it; with `landlock off` it does
not, so the probe tells them apart); a jail-bind-rw directory of the
account's is written by a script, unwarned, and what it writes is the
account's on the host; without a cgroup, a request's processes are still
counted apart; and on the host every
process of the daemon is the account's own uid, the front and the
executor each in a user namespace of their own, a script in yet another.
"""

import json
import os
import re
import shutil
import tempfile
import threading
import time

from cgijail_test import (SLOW, assert_error_page, assert_status,
                          assert_still_serving, fixture, helper, proc_comm,
                          proc_descendants, proc_status, rid_of,
                          script_descendants, wait_until)
from rootless_common import (READY_WAIT, RootlessDaemon, Student, host_ids,
                             ns_of)
from test_hardening_uid import TWO_SH
from test_sandbox_identity import check_identity
from test_sandbox_network import ATTEMPTS
from test_sandbox_processes import parse_procs

ECHO = r'''#!/usr/bin/python3
import json, os, sys
n = int(os.environ.get('CONTENT_LENGTH') or 0)
body = sys.stdin.buffer.read(n).decode()
sys.stdout.write('Content-Type: application/json\r\n\r\n' + json.dumps({
    'method': os.environ['REQUEST_METHOD'],
    'query': os.environ.get('QUERY_STRING', ''), 'body': body}))
'''

OK_SH = '#!/bin/sh\nprintf "Content-Type: text/plain\\n\\nran"\n'


def cmdline(pid):
    try:
        with open('/proc/%d/cmdline' % pid, 'rb') as f:
            return f.read()
    except OSError:
        return b''


def core_files():
    return {'index.html': '<html>a student page</html>\n',
            'cgi-bin/echo.py': ECHO,
            'cgi-bin/ok.sh': fixture('ok.sh'),
            'cgi-bin/fail.sh': fixture('fail.sh'),
            'cgi-bin/busy.sh': fixture('busy.sh'),
            'cgi-bin/groupw.sh': (OK_SH, 0o775),
            'cgi-bin/noexec.sh': (OK_SH, 0o644)}


def test_rootless_serves_static_get_post_500_403_and_timeout():
    with Student() as s, RootlessDaemon(s, core_files(),
                                        args=['-t', '2']) as d:
        r = d.get('/index.html')
        assert_status(r, 200)
        assert r.body == b'<html>a student page</html>\n', r
        r = d.get('/cgi-bin/echo.py?x=1&y=two')
        assert_status(r, 200)
        assert json.loads(r.body) == {'method': 'GET', 'query': 'x=1&y=two',
                                      'body': ''}, r
        r = d.http('POST', '/cgi-bin/echo.py', body='name=alice&n=42',
                   headers=[('Content-Type',
                             'application/x-www-form-urlencoded')])
        assert_status(r, 200)
        assert json.loads(r.body)['body'] == 'name=alice&n=42', r
        assert_error_page(d.get('/cgi-bin/fail.sh'), 500, d)
        assert d.wait_log(r'cgi\[\d+\] /cgi-bin/fail\.sh: oops from the '
                          r'script'), d.log_tail()
        for name in ('groupw.sh', 'noexec.sh'):
            assert_error_page(d.get('/cgi-bin/' + name), 403, d)
            assert d.wait_log(r'/cgi-bin/%s: forbidden: \S' %
                              re.escape(name)), d.log_tail()
        t0 = time.monotonic()
        r = d.get('/cgi-bin/busy.sh', timeout=10)
        took = time.monotonic() - t0
        assert_error_page(r, 500, d)
        assert 1.5 < took < 6.0 * SLOW, 'answered after %.1fs' % took
        rid = rid_of(d, '/cgi-bin/busy.sh')
        assert d.wait_log(r'cgi\[%d\] /cgi-bin/busy\.sh: .*timed out' % rid,
                          3.0), d.log_tail()
        # the killed script left nothing behind
        ex = d.wait_pids()['executor']
        assert wait_until(lambda: not script_descendants(ex), 3.0), \
            script_descendants(ex)
        assert_still_serving(d)


def landlock_probe(d):
    """What writefile.sh says of /dev/zero (a device bound writable by
    its mode: only landlock refuses it) and of /dev/null (allowed)."""
    said = []
    for dev in ('/dev/zero', '/dev/null'):
        r = d.get('/cgi-bin/writefile.sh?' + dev)
        assert_status(r, 200)
        said.append(r.text.strip())
    return said


def test_rootless_sandbox_probe():
    files = {'cgi-bin/identity.sh': fixture('identity.sh'),
             'cgi-bin/procs.sh': fixture('procs.sh'),
             'cgi-bin/network.py': fixture('network.py'),
             'cgi-bin/writefile.sh': fixture('writefile.sh'),
             'cgi-bin/ok.sh': fixture('ok.sh')}
    with Student() as s, RootlessDaemon(s, files) as d:
        r = d.get('/cgi-bin/identity.sh')
        assert_status(r, 200)
        # nobody inside; no capability, no_new_privs, seccomp filter on
        bad = check_identity(r.text)
        assert not bad, '\n'.join(bad) + '\n' + r.text
        roles = d.wait_pids()
        daemon = [d.main_pid(), roles['front'], roles['executor']]
        assert min(daemon) > 100, daemon
        r = d.get('/cgi-bin/procs.sh?' + ','.join(map(str, daemon)))
        assert_status(r, 200)
        pids, cmds, kills = parse_procs(r.text)
        assert 'self=1' in r.text.splitlines(), r.text
        assert not set(daemon) & set(pids), r.text
        assert max(pids) < 10, 'more than its own tree: %r' % cmds
        assert kills == {p: 'fail' for p in daemon}, kills
        r = d.get('/cgi-bin/network.py?%d' % d.port, timeout=15)
        assert_status(r, 200)
        lines = r.text.splitlines()
        for name in ATTEMPTS:
            got = [ln for ln in lines if ln.startswith(name + '=')]
            assert len(got) == 1 and got[0].startswith(name + '=fail'), \
                r.text
        assert [ln for ln in lines if ln.startswith('iface=')] == \
            ['iface=lo rx_packets=0'], r.text
        zero, null = landlock_probe(d)
        assert zero.startswith('failed: ') and 'ermission denied' in zero, \
            'landlock let the script write /dev/zero: %r' % zero
        assert null == 'wrote', null
        assert d.wait_pids() == roles, 'a role was restarted'
        assert_still_serving(d)


def test_rootless_landlock_probe_without_landlock():
    """The control for the probe above: with `landlock off` the same
    script writes /dev/zero, so its refusal there is landlock's."""
    files = {'cgi-bin/writefile.sh': fixture('writefile.sh'),
             'cgi-bin/ok.sh': fixture('ok.sh')}
    with Student() as s, RootlessDaemon(s, files,
                                        config_lines=['landlock off']) as d:
        assert landlock_probe(d) == ['wrote', 'wrote']
        assert_still_serving(d)


def test_rootless_processes_as_the_host_sees_them():
    """Every process is the student's uid; what keeps them apart is
    namespaces, no capabilities, no_new_privs and seccomp."""
    files = {'cgi-bin/sleeper.sh': fixture('sleeper.sh'),
             'cgi-bin/ok.sh': fixture('ok.sh')}
    with Student() as s, RootlessDaemon(s, files, args=['--debug']) as d:
        assert d.wait_log(r'executor ready', READY_WAIT), d.log_tail()
        roles = d.wait_pids()
        parent = d.main_pid()
        for pid in (parent, roles['front'], roles['executor']):
            assert host_ids(pid) == (s.uid, s.gid), (pid, host_ids(pid))
        front = proc_status(roles['front'])
        for k in ('CapInh', 'CapPrm', 'CapEff', 'CapBnd', 'CapAmb'):
            assert int(front[k], 16) == 0, (k, front[k])
        assert front['NoNewPrivs'] == '1' and front['Seccomp'] == '2', front
        # the front: its own user and mount namespace; the executor its
        # own user namespace; the parent none of its own
        assert ns_of(parent, 'user') == ns_of(os.getpid(), 'user')
        for kind in ('user', 'mnt'):
            for role in ('front', 'executor'):
                assert ns_of(roles[role], kind) != ns_of(parent, kind), \
                    (role, kind)
        assert ns_of(roles['front'], 'user') != \
            ns_of(roles['executor'], 'user')
        assert d.wait_log(r'front running as uid \d+, its root the document '
                          r'root \(read-only\), landlock ABI [1-9]'), \
            d.log_tail()
        conn = d.connect(timeout=10)
        try:
            conn.request('GET', '/cgi-bin/sleeper.sh?3')
            ex = roles['executor']
            kids = wait_until(lambda: [p for p in proc_descendants(ex)
                                       if b'sleeper.sh' in cmdline(p)], 3.0)
            assert kids, 'no script running under the executor'
            script = kids[0]
            assert host_ids(script) == (s.uid, s.gid), host_ids(script)
            st = proc_status(script)
            assert st['NoNewPrivs'] == '1' and st['Seccomp'] == '2', st
            assert int(st['CapEff'], 16) == 0, st['CapEff']
            for kind in ('user', 'pid', 'mnt', 'ipc', 'uts'):
                assert ns_of(script, kind) != ns_of(ex, kind), \
                    ('script', kind)
            assert ns_of(script, 'net') == ns_of(ex, 'net')
            assert ns_of(ex, 'net') != ns_of(parent, 'net')
            r = conn.read_response()
            assert_status(r, 200)
        finally:
            conn.close()
        assert_still_serving(d)


def test_rootless_jail_bind_rw_is_the_accounts():
    """jail-bind-rw is a plain bind in rootless mode: a directory of the
    account's own (mode 0700) is written by a script, what it writes
    belongs to the account on the host, and nothing warns that
    script-user nobody does not own it (the idmap that warning is about
    is root's)."""
    files = {'cgi-bin/writefile.sh': fixture('writefile.sh'),
             'cgi-bin/ok.sh': fixture('ok.sh')}
    data = tempfile.mkdtemp(prefix='cgjrl-data-')
    try:
        with Student() as s:
            os.chown(data, s.uid, s.gid)
            with RootlessDaemon(s, files, config_lines=[
                    'jail-bind-rw %s /data' % data]) as d:
                r = d.get('/cgi-bin/writefile.sh?/data/note')
                assert_status(r, 200)
                assert r.text.strip() == 'wrote', r.text
                st = os.stat(os.path.join(data, 'note'))
                assert (st.st_uid, st.st_gid) == (s.uid, s.gid), st
                assert not d.wait_log(r'jail-bind-rw .*owned by', 0.5), \
                    d.log_tail()
                assert_still_serving(d)
    finally:
        shutil.rmtree(data, ignore_errors=True)


def test_rootless_limits_count_one_request_without_cgroups():
    """No delegated cgroup here: each script slot's own user namespace
    counts RLIMIT_NPROC for its request alone (not for the one host uid
    they all share), so twelve requests that each hold two processes
    under `limit processes 2` all run; and a fork bomb stays at its limit
    while another script is answered at once."""
    files = {'cgi-bin/two.sh': TWO_SH,
             'cgi-bin/forkbomb': helper('forkbomb'),
             'cgi-bin/ok.sh': fixture('ok.sh')}
    with Student() as s, RootlessDaemon(
            s, files, args=['-t', '5'],
            config_lines=['limit processes 2', 'max-scripts 16']) as d:
        results = []
        threads = [threading.Thread(target=lambda: results.append(
            d.get('/cgi-bin/two.sh', timeout=30))) for _ in range(12)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(40)
        bad = [r for r in results if (r.status, r.body) != (200, b'two')]
        assert len(results) == 12 and not bad, \
            '%d of 12 failed: %r\n%s' % (len(bad) + 12 - len(results),
                                         bad[:3], d.log_tail(20))
        ex = d.wait_pids()['executor']

        def bombs():
            return [p for p in proc_descendants(ex)
                    if proc_comm(p) == 'forkbomb']
        with d.connect(timeout=20) as bomb:
            bomb.request('GET', '/cgi-bin/forkbomb')
            assert wait_until(lambda: len(bombs()) >= 2, 4.0), bombs()
            time.sleep(0.5)
            assert len(bombs()) <= 2, '%d bomb processes' % len(bombs())
            t0 = time.monotonic()
            assert_still_serving(d, timeout=5 * SLOW)
            assert time.monotonic() - t0 < 3.0 * SLOW
            assert bombs(), 'the bomb ended before the check'
            assert_error_page(bomb.read_response(), 500, d)
        assert wait_until(lambda: not script_descendants(ex), 3.0)
