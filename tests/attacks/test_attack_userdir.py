# SPDX-License-Identifier: ISC
"""
test_attack_userdir: students attack each other, and the front's hold
on their trees (issue 12, userdir).  Links a student plants in their
tree (to another student's files, to the main root, to /etc/passwd, a
public_html that is itself a link) never serve or run anything outside
that tree; a compromised front (gdb makes the live front call openat()
through each student's tree descriptor it holds) reaches neither the
student's home above the tree nor the host, and cannot write into the
tree.  The controls answer throughout.
"""

import os
import re
import sys
import time
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from attack_common import (SLOW, OK_SH, Controls, Daemon,  # noqa: E402
                           assert_no_leak, check_controls, files,
                           gdb_calls, raw_get, script, status_of,
                           wait_until)
from cgijail_test import Students, processes_of             # noqa: E402
from test_attack_front_escape import _dir_fds, _id   # noqa: E402

O_RDONLY, O_WRONLY, O_CREAT, O_DIRECTORY = 0, 1, 0o100, 0o200000
CLIMB = '../' * 24
CAT_SH = script('printf "Content-Type: text/plain\\n\\n"\n'
                'cat "$DOCUMENT_ROOT/$QUERY_STRING" 2>&1\n')


def test_links_in_a_students_tree_never_leave_it():
    with Students() as s:
        alice, bob = s.add('alice'), s.add('bob')
        s.write(bob, 'secret.txt', 'BOB-SECRET-7d1f\n')
        s.write(alice, 'cgi-bin/cat.sh', CAT_SH)
        s.write(bob, 'cgi-bin/run.sh', script(
            'printf "Content-Type: text/plain\\n\\nBOB-RAN-as-$(id -u)"\n'))
        links = {
            'abs-bob': s.path(bob, 'secret.txt'),
            'rel-bob': '../../%s/%s/secret.txt' % (bob, s.dirname),
            'home': '../.profile',
            'passwd': '/etc/passwd',
            'climb': '../../../../../../../../etc/passwd',
        }
        for name, target in links.items():
            os.symlink(target, s.path(alice, name))
        os.symlink(s.path(bob, 'cgi-bin/run.sh'),
                   s.path(alice, 'cgi-bin/bobs.sh'))
        os.symlink(s.path(bob, 'cgi-bin'), s.path(alice, 'cgi-bin/bobdir'))
        with open(os.path.join(s.home(alice), '.profile'), 'w') as f:
            f.write('ALICE-HOME-PROFILE\n')
        # carol's public_html is a link to bob's: never served
        carol = s.add('carol', public=False)
        os.symlink(s.path(bob), s.path(carol))
        with Daemon(files(), config_lines=['userdir public_html']) as d, \
                Controls(d):
            # the host's passwd names bob; the jail's own passwd (root
            # and nobody) is no leak
            marks = (b'BOB-SECRET', b'ALICE-HOME-PROFILE',
                     b':x:%d:' % s.uid(bob))
            for name in links:
                target = '/~%s/%s' % (alice, name)
                data = raw_get(d, target.encode())
                assert status_of(data) in (403, 404), (target, data[:200])
                assert_no_leak(data, target)
                target = '/~%s/cgi-bin/cat.sh?%s' % (alice, name)
                data = raw_get(d, target.encode())
                assert status_of(data) == 200, (target, data[:200])
                for mark in marks:
                    assert mark not in data, (target, data[:300])
            for target in ('/~%s/cgi-bin/bobs.sh' % alice,
                           '/~%s/cgi-bin/bobdir/run.sh' % alice,
                           '/~%s/secret.txt' % carol,
                           '/~%s/cgi-bin/run.sh' % carol):
                data = raw_get(d, target.encode())
                assert status_of(data) in (403, 404), (target, data[:200])
                assert b'BOB-RAN' not in data and b'BOB-SECRET' not in \
                    data, (target, data[:300])
            # bob's own, through his own tree, as bob
            data = raw_get(d, ('/~%s/cgi-bin/run.sh' % bob).encode())
            assert b'BOB-RAN-as-%d' % s.uid(bob) in data, data[:300]


def test_front_cannot_leave_or_write_a_students_tree():
    """Both walls: with landlock, and without it (the tree's own mount:
    detached, so '..' stays at its root, and read-only)."""
    for landlock in ('on', 'off'):
        _front_tree_escape(['userdir public_html', 'landlock ' + landlock])


def _front_tree_escape(conf):
    canary = 'cgijail-userdir-escape-%s' % uuid.uuid4().hex[:12]
    with Students() as s:
        alice = s.add('alice')
        s.write(alice, 'index.html', 'alice\n')
        profile = os.path.join(s.home(alice), '.profile')
        with open(profile, 'w') as f:
            f.write('ALICE-HOME\n')
        with Daemon(files(), config_lines=conf) as d:
            front = d.pids()['front']
            tree = _id(s.path(alice))
            fds = [fd for fd in _dir_fds(front)
                   if _id('/proc/%d/fd/%d' % (front, fd)) == tree]
            assert len(fds) == 1, 'the front holds no tree of alice\'s'
            host = {'passwd': _id('/etc/passwd'), 'root': _id('/'),
                    'home': _id(s.home(alice)), 'profile': _id(profile)}
            calls, what = [], []
            for path, flags, mode, target in (
                    (CLIMB + 'etc/passwd', O_RDONLY, 0, 'passwd'),
                    (CLIMB, O_RDONLY | O_DIRECTORY, 0, 'root'),
                    ('..', O_RDONLY | O_DIRECTORY, 0, 'home'),
                    ('../.profile', O_RDONLY, 0, 'profile'),
                    (CLIMB + s.home(alice).lstrip('/') + '/.profile',
                     O_RDONLY, 0, 'profile'),
                    (canary, O_WRONLY | O_CREAT, 0o644, 'canary'),
                    ('index.html', O_WRONLY, 0, 'write')):
                calls.append('openat(%d, "%s", %d, %d)' % (fds[0], path,
                                                           flags, mode))
                what.append(target)
            try:
                vals = gdb_calls(front, calls)
            finally:
                made = os.path.exists(s.path(alice, canary))
            bad = []
            for target, v in zip(what, vals):
                if v < 0:
                    continue
                if target in ('canary', 'write'):
                    bad.append('opened for writing: %s' % target)
                elif _id('/proc/%d/fd/%d' % (front, v)) == host[target]:
                    bad.append('reached %s' % target)
            assert not bad and not made, (conf, bad + (['created'] if made
                                                      else []))
            assert open(s.path(alice, 'index.html')).read() == 'alice\n'
            check_controls(d)
            assert d.get('/~%s/' % alice).body == b'alice\n'
            d.assert_not_restarted()
        if os.path.exists(s.path(alice, canary)):
            os.unlink(s.path(alice, canary))


BOB_SLEEP_SH = script(
    'BOBENV=BOB-ENV-SECRET-41c9; export BOBENV\n'
    'echo BOB-TMP-SECRET > /tmp/bob-tmp.txt\n'
    'printf "Content-Type: text/plain\\n\\n"\n'
    'sleep "${QUERY_STRING:-3}"\necho bob-done\n')


def _spy_sh(s, alice, bob, docroot, canary, bobpid):
    """alice's script: every way at bob's files, bob's running script,
    the main root and the host; every write outside her data."""
    reads = [('bob', s.path(bob, 'secret.txt')),
             ('bobdata', s.path(bob, 'data/note.txt')),
             ('main', os.path.join(docroot, 'static.txt')),
             ('shadow', '/etc/shadow'),
             ('bobenv', '/proc/%d/environ' % bobpid),
             ('bobroot', '/proc/%d/root%s' % (bobpid,
                                              s.path(bob, 'secret.txt'))),
             ('bobtmp', '/proc/%d/root/tmp/bob-tmp.txt' % bobpid),
             ('hostroot', '/proc/1/root/etc/shadow')]
    writes = [('own', s.path(alice, canary)),
              ('data', s.path(alice, 'data/' + canary)),
              ('bobdata', s.path(bob, 'data/' + canary)),
              ('main', os.path.join(docroot, canary)),
              ('home', os.path.join(s.home(alice), canary)),
              ('etc', '/etc/' + canary),
              ('vartmp', '/var/tmp/' + canary),
              ('devshm', '/dev/shm/' + canary),
              ('tmp', '/tmp/' + canary)]
    body = ['printf "Content-Type: text/plain\\n\\n"']
    for tag, p in reads:
        body.append('if cat "%s" >/dev/null 2>&1; then echo "r.%s=read"; '
                    'else echo "r.%s=denied"; fi' % (p, tag, tag))
    for tag, p in writes:
        body.append('if (echo x > "%s") 2>/dev/null; then echo "w.%s=yes";'
                    ' else echo "w.%s=no"; fi' % (p, tag, tag))
    body += [
        # every process it sees, and whose environment it can read
        'n=0; for p in /proc/[0-9]*; do n=$((n+1)); '
        'if tr "\\0" "\\n" < $p/environ 2>/dev/null | grep -q BOBENV; '
        'then echo "envleak=$p"; fi; done; echo "procs=$n"',
        'if grep -q "%s" /proc/self/mountinfo; then echo mount.bob=yes; '
        'else echo mount.bob=no; fi' % bob,
        'if kill -9 %d 2>/dev/null; then echo kill=yes; else echo kill=no;'
        ' fi' % bobpid,
        'kill -9 -1 2>/dev/null; echo killall=done']
    return script('\n'.join(body) + '\n')


def test_alices_script_against_bob_the_main_root_and_the_host():
    canary = 'cgijail-userdir-w-%s' % uuid.uuid4().hex[:12]
    with Students() as s:
        alice, bob = s.add('alice'), s.add('bob')
        s.write(bob, 'secret.txt', 'BOB-SECRET-2be0\n')
        s.mkdir(bob, 'data', 0o755)
        s.write(bob, 'data/note.txt', 'BOB-DATA-6a1f\n')
        s.write(bob, 'cgi-bin/sleep.sh', BOB_SLEEP_SH)
        s.mkdir(alice, 'data', 0o755)
        with Daemon(files(), config_lines=['userdir public_html',
                                           'userdir-writable data']) as d, \
                Controls(d):
            bobs = d.connect(timeout=15)
            try:
                bobs.request('GET', '/~%s/cgi-bin/sleep.sh?4' % bob)
                assert wait_until(lambda: processes_of(s.uid(bob), 'sleep'),
                                  5.0), d.log_tail()
                bobpid = processes_of(s.uid(bob), 'sleep')[0]
                s.write(alice, 'cgi-bin/spy.sh', _spy_sh(
                    s, alice, bob, d.docroot, canary, bobpid))
                r = d.get('/~%s/cgi-bin/spy.sh' % alice)
                assert r.status == 200, (r, d.log_tail())
                assert_no_leak(r.body, 'spy.sh')
                for mark in (b'BOB-SECRET', b'BOB-DATA', b'BOB-TMP',
                             b'BOB-ENV'):
                    assert mark not in r.body, r.body
                got = dict(ln.split('=', 1) for ln in r.text.split())
                want = {k: 'denied' for k in (
                    'r.bob', 'r.bobdata', 'r.main', 'r.shadow', 'r.bobenv',
                    'r.bobroot', 'r.bobtmp', 'r.hostroot')}
                want.update({k: 'no' for k in (
                    'w.own', 'w.bobdata', 'w.main', 'w.home', 'w.etc',
                    'w.vartmp', 'w.devshm', 'mount.bob', 'kill')})
                want.update({'w.data': 'yes', 'w.tmp': 'yes',
                             'killall': 'done'})
                assert {k: got.get(k) for k in want} == want, got
                assert 'envleak' not in got, got
                # its own pid namespace: the shell, its loop, little more
                assert int(got['procs']) <= 4, got
                # bob's script ran on, untouched, and answered in full
                resp = bobs.read_response()
                assert resp.status == 200 and resp.body == b'bob-done\n', \
                    resp
            finally:
                bobs.close()
            made = [p for p in (s.path(alice, canary),
                                s.path(bob, 'data/' + canary),
                                os.path.join(d.docroot, canary),
                                os.path.join(s.home(alice), canary),
                                '/etc/' + canary, '/var/tmp/' + canary,
                                '/dev/shm/' + canary, '/tmp/' + canary)
                    if os.path.lexists(p)]
            assert not made, made
            st = os.stat(s.path(alice, 'data/' + canary))
            assert (st.st_uid, st.st_gid) == (s.uid(alice), s.gid(alice))


def test_planted_and_unsafe_scripts_never_run():
    """A hard link to bob's script in alice's tree (his, by owner), a
    script in a directory her group may write, a group-writable script:
    403, and none of them runs."""
    ran = script('printf "Content-Type: text/plain\\n\\nRAN-as-$(id -u)"\n')
    with Students() as s:
        alice, bob = s.add('alice'), s.add('bob')
        s.write(bob, 'cgi-bin/run.sh', ran)
        s.mkdir(alice, 'cgi-bin')
        os.link(s.path(bob, 'cgi-bin/run.sh'), s.path(alice,
                                                      'cgi-bin/hard.sh'))
        s.write(alice, 'cgi-bin/open/run.sh', ran)
        s.mkdir(alice, 'cgi-bin/open', 0o775)
        s.write(alice, 'cgi-bin/gw.sh', (ran, 0o775))
        s.write(alice, 'cgi-bin/ow.sh', (ran, 0o757))
        with Daemon(files(), config_lines=['userdir public_html']) as d, \
                Controls(d):
            for name, why in (('hard.sh', 'not owned by'),
                              ('open/run.sh', 'directory writable by '
                               'group'),
                              ('gw.sh', 'writable by group'),
                              ('ow.sh', 'writable by')):
                target = '/~%s/cgi-bin/%s' % (alice, name)
                data = raw_get(d, target.encode())
                assert status_of(data) == 403, (target, data[:300])
                assert b'RAN-as' not in data, (target, data[:300])
                assert_no_leak(data, target)
                assert d.wait_log(r'cgi\[\d+\] %s: forbidden: %s' % (
                    re.escape(target), why)), (target, d.log_tail())
            data = raw_get(d, ('/~%s/cgi-bin/run.sh' % bob).encode())
            assert b'RAN-as-%d' % s.uid(bob) in data, data[:300]


FORK_BOMB_PL = script(
    # every process forks for ever, a refused fork tried again after
    # 1 ms (a shell bomb burns out by itself: sh exits when a fork
    # fails; one that never sleeps is a matter of CPU time, which
    # students share: SECURITY.md)
    '$| = 1;\nprint "Content-Type: text/plain\\n\\n";\n'
    'while (1) { defined(fork) or select(undef, undef, undef, 0.001); }\n',
    '/usr/bin/perl')


def test_fork_bombs_of_one_student_while_another_is_served():
    """alice runs as many fork bombs as she may at once (and asks
    for more); bob's script is answered at once throughout, and when
    the timeout ends them nothing of alice's is left."""
    with Students() as s:
        alice, bob = s.add('alice'), s.add('bob')
        s.write(alice, 'cgi-bin/bomb.pl', FORK_BOMB_PL)
        s.write(bob, 'cgi-bin/ok.sh', OK_SH)
        with Daemon(files(), config_lines=[
                'userdir public_html', 'userdir-max-scripts 2',
                'timeout 5', 'limit processes 32']) as d, Controls(d):
            bombs = []
            try:
                for _ in range(4):
                    c = d.connect(timeout=15)
                    c.request('GET', '/~%s/cgi-bin/bomb.pl' % alice)
                    bombs.append(c)
                assert wait_until(lambda: len(processes_of(
                    s.uid(alice))) >= 16, 5.0), d.log_tail()
                worst = 0.0
                for _ in range(10):
                    t0 = time.monotonic()
                    r = d.get('/~%s/cgi-bin/ok.sh' % bob, timeout=10)
                    worst = max(worst, time.monotonic() - t0)
                    assert r.status == 200 and r.body == b'ok', r
                    # two bombs, each within its own pids limit
                    assert len(processes_of(s.uid(alice))) <= 2 * 32
                    time.sleep(0.1)
                assert worst < 1.5 * SLOW, 'bob waited %.2fs' % worst
            finally:
                for c in bombs:
                    c.close()
            assert wait_until(lambda: not processes_of(s.uid(alice)),
                              15.0), processes_of(s.uid(alice))
