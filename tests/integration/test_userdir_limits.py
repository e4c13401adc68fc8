# SPDX-License-Identifier: ISC
"""
test_userdir_limits: one student cannot take the server from the others
(issue 12).  A fork bomb in alice's script leaves bob's answered at
once; `userdir-max-scripts N` runs at most N of one student's scripts
at a time, the next ones wait briefly and then get 503, while another
student is served meanwhile; a `userdir-limits` file the teacher owns
lowers one student's limits and no one else's.
"""

import os
import time

from cgijail_test import (Daemon, Students, assert_status, fixture,
                          get_in_thread, helper, processes_of, wait_until)

SLEEP_SH = ('#!/bin/sh\nprintf "Content-Type: text/plain\\n\\n"\n'
            'echo started\nexec sleep "${QUERY_STRING:-1}"\n', 0o755)
OK_SH = ('#!/bin/sh\nprintf "Content-Type: text/plain\\n\\nok"\n', 0o755)
LIMITS_SH = ('#!/bin/sh\nprintf "Content-Type: text/plain\\n\\n"\n'
             'grep -E "^Max (cpu time|open files)" /proc/self/limits\n',
             0o755)


def _daemon(lines):
    return Daemon({'index.html': 'main\n', 'cgi-bin/ok.sh': fixture('ok.sh')},
                  config_lines=['userdir public_html'] + lines, start=False)


def test_fork_bomb_of_one_student_leaves_the_others_served():
    with Students() as s, _daemon(['timeout 8', 'limit processes 32']) as d:
        alice, bob = s.add('alice'), s.add('bob')
        s.write(alice, 'cgi-bin/bomb', helper('forkbomb'))
        s.write(bob, 'cgi-bin/ok.sh', OK_SH)
        d.start()
        bomb = d.connect(timeout=15)
        try:
            bomb.request('GET', '/~%s/cgi-bin/bomb' % alice)
            assert wait_until(lambda: len(processes_of(
                s.uid(alice), 'bomb')) >= 16, 5.0), d.log_tail()
            t0 = time.monotonic()
            r = d.get('/~%s/cgi-bin/ok.sh' % bob, timeout=10)
            took = time.monotonic() - t0
            assert_status(r, 200)
            assert r.body == b'ok', r
            assert took < 1.5, 'bob waited %.2fs behind the bomb' % took
            # the bomb is held by its own request's pids limit
            assert len(processes_of(s.uid(alice), 'bomb')) <= 32
        finally:
            bomb.close()
        assert wait_until(lambda: not processes_of(s.uid(alice)), 10.0)


def test_max_scripts_caps_one_student_while_another_is_served():
    with Students() as s, _daemon(['userdir-max-scripts 2']) as d:
        alice, bob = s.add('alice'), s.add('bob')
        s.write(alice, 'cgi-bin/sleep.sh', SLEEP_SH)
        s.write(bob, 'cgi-bin/ok.sh', OK_SH)
        d.start()
        uid = s.uid(alice)
        results, threads = [], []
        for _ in range(6):
            threads.append(get_in_thread(d, '/~%s/cgi-bin/sleep.sh?0.6' %
                                      alice, results))
        peak, seen, bob_took = 0, [], None
        deadline = time.monotonic() + 6.0
        while time.monotonic() < deadline and len(results) < 6:
            n = len(processes_of(uid, 'sleep'))
            peak = max(peak, n)
            seen.append(n)
            if bob_took is None and n >= 2:
                t0 = time.monotonic()
                r = d.get('/~%s/cgi-bin/ok.sh' % bob, timeout=10)
                bob_took = time.monotonic() - t0
                assert_status(r, 200)
            time.sleep(0.02)
        for t in threads:
            t.join(20)
        assert peak == 2, 'at most %d of alice\'s scripts ran at once ' \
            '(want 2): %r' % (peak, seen)
        assert bob_took is not None and bob_took < 1.0, bob_took
        assert [st for st, _ in results] == [200] * 6, results


def test_over_the_cap_a_student_waits_briefly_then_gets_503():
    with Students() as s, _daemon(['userdir-max-scripts 1']) as d:
        alice, bob = s.add('alice'), s.add('bob')
        s.write(alice, 'cgi-bin/sleep.sh', SLEEP_SH)
        s.write(bob, 'cgi-bin/ok.sh', OK_SH)
        d.start()
        long_ = d.connect(timeout=20)
        try:
            long_.request('GET', '/~%s/cgi-bin/sleep.sh?12' % alice)
            assert wait_until(lambda: processes_of(s.uid(alice), 'sleep'),
                              5.0)
            t0 = time.monotonic()
            r = d.get('/~%s/cgi-bin/sleep.sh?1' % alice, timeout=15)
            waited = time.monotonic() - t0
            assert_status(r, 503)
            assert 2.0 <= waited <= 6.0, waited
            assert d.wait_log(r'/~%s/cgi-bin/sleep.sh: busy: '
                              r'userdir-max-scripts' % alice), d.log_tail()
            r = d.get('/~%s/cgi-bin/ok.sh' % bob, timeout=5)
            assert_status(r, 200)
        finally:
            long_.close()


def _limits_file(d, lines, mode=0o644):
    p = os.path.join(d.tmp, 'class.limits')
    with open(p, 'w') as f:
        f.write(''.join(ln + '\n' for ln in lines))
    os.chmod(p, mode)
    return p


def _limits_of(body):
    out = {}
    for ln in body.decode().splitlines():
        words = ln.split()
        if ln.startswith('Max cpu time'):
            out['cpu'] = words[3]
        elif ln.startswith('Max open files'):
            out['files'] = words[3]
    return out


def test_a_lowered_limit_applies_to_one_student_only():
    with Students() as s:
        alice, bob = s.add('alice'), s.add('bob')
        for who in (alice, bob):
            s.write(who, 'cgi-bin/limits.sh', LIMITS_SH)
        d = _daemon(['limit cpu 10', 'limit open-files 256'])
        with d:
            path = _limits_file(d, [
                '# lowered for %s only' % alice,
                'limit %s cpu 3' % alice,
                'limit %s open-files 40' % alice])
            d.write_config(['userdir public_html', 'limit cpu 10',
                            'limit open-files 256',
                            'userdir-limits %s' % path])
            d.start()
            r = d.get('/~%s/cgi-bin/limits.sh' % alice)
            assert_status(r, 200)
            assert _limits_of(r.body) == {'cpu': '3', 'files': '40'}, r.body
            r = d.get('/~%s/cgi-bin/limits.sh' % bob)
            assert_status(r, 200)
            assert _limits_of(r.body) == {'cpu': '10', 'files': '256'}, \
                r.body


def test_a_broken_limits_file_is_file_line_and_a_reload_keeps_serving():
    with Students() as s:
        alice = s.add('alice')
        s.write(alice, 'cgi-bin/limits.sh', LIMITS_SH)
        d = _daemon([])
        with d:
            path = _limits_file(d, ['limit %s cpu 3' % alice])
            d.write_config(['userdir public_html', 'limit cpu 10',
                            'userdir-limits %s' % path])
            # raising a limit above the configuration's is refused
            _limits_file(d, ['# ok', 'limit %s cpu 20' % alice])
            p = d.run(timeout=10, extra_args=['-n'])
            assert p.returncode == 1, p.stderr
            assert '%s:2: ' % path in p.stderr and 'above' in p.stderr, \
                p.stderr
            # a file a student could write is refused
            _limits_file(d, ['limit %s cpu 3' % alice], mode=0o666)
            p = d.run(timeout=10, extra_args=['-n'])
            assert p.returncode == 1 and path in p.stderr, p.stderr
            assert 'writable' in p.stderr, p.stderr
            _limits_file(d, ['limit %s cpu 3' % alice])
            d.start()
            _limits_file(d, ['limit %s cpu 3' % alice, 'limit %s bogus 1' %
                             alice])
            d.send_signal(1)        # SIGHUP
            assert d.wait_log(r'reload failed.*%s:2: ' % path, 5.0), \
                d.log_tail()
            r = d.get('/~%s/cgi-bin/limits.sh' % alice)
            assert_status(r, 200)
            assert _limits_of(r.body)['cpu'] == '3', r.body


FORKS_PL = ('#!/usr/bin/perl\nprint "Content-Type: text/plain\\n\\n";\n'
            'my $n = 0;\nfor (1 .. 8) {\n\tmy $p = fork;\n'
            '\tlast unless defined $p;\n\tif ($p == 0) { sleep 3; exit 0; }\n'
            '\t$n++;\n}\nprint "forked=$n\\n";\n'
            'open(my $f, "<", "/proc/self/cgroup") or die;\nprint <$f>;\n',
            0o755)


def _slot_limits(body):
    """forked=N, and the host's pids.max and memory limit of the cgroup
    the script ran in (the slot keeps them after the request)."""
    out = {}
    for ln in body.decode().splitlines():
        if ln.startswith('forked='):
            out['forked'] = int(ln.split('=')[1])
        parts = ln.split(':', 2)
        if len(parts) != 3:
            continue
        if parts[1] == 'pids':
            with open('/sys/fs/cgroup/pids%s/pids.max' % parts[2]) as f:
                out['pids'] = f.read().strip()
        elif parts[1] == 'memory':
            with open('/sys/fs/cgroup/memory%s/memory.limit_in_bytes' %
                      parts[2]) as f:
                out['memory'] = int(f.read())
    return out


def test_a_lowered_cgroup_limit_holds_in_the_slot_it_shares():
    """One slot (max-scripts 1) for both students, in turn: alice's
    processes and memory limits are written into its cgroup for her
    request, the configuration's back for bob's, hers again after."""
    with Students() as s:
        alice, bob = s.add('alice'), s.add('bob')
        for who in (alice, bob):
            s.write(who, 'cgi-bin/forks.pl', FORKS_PL)
        conf = ['limit processes 32', 'limit memory 256M', 'max-scripts 1']
        d = _daemon(conf)
        with d:
            path = _limits_file(d, ['limit %s processes 4' % alice,
                                    'limit %s memory 64M' % alice])
            d.write_config(['userdir public_html', 'userdir-limits %s' %
                            path] + conf)
            d.start()
            want = {alice: {'forked': 3, 'pids': '4', 'memory': 64 << 20},
                    bob: {'forked': 8, 'pids': '32', 'memory': 256 << 20}}
            for who in (alice, bob, alice, bob):
                r = d.get('/~%s/cgi-bin/forks.pl' % who, timeout=15)
                assert_status(r, 200)
                got = _slot_limits(r.body)
                assert {k: got.get(k) for k in want[who]} == want[who], (
                    who, got, r.body)
