# SPDX-License-Identifier: ISC
"""
test_userdir_spawner: a student's script is made by a spawner
(sandbox/prep.c) when its request comes, not by a copy of the executor
(the --debug log says "made by a spawner"), for a program and for an
interpreted script alike, and finds the very jail a copy of the executor
makes (max-scripts 1: no spawners), but for the spawner's outer filter.
A spawner sleeps on the child it made until the child has exec'd, and a
student may stop their own processes: one who stops every process of
theirs, over and over (kill -STOP -1 as the student), while strace holds
each child before its exec (so that the stop lands there, between its
identity and its exec), stalls nobody else.  The document root's scripts
and another student's are answered at once meanwhile, the student's own
requests end (their start timer, or their timeout, never a hang), and
once the student stops, their scripts are made by a spawner again.  A
spawner that does not answer in time leaves no zombie, neither itself
nor the child it makes late, and is replaced.
"""

import contextlib
import os
import re
import signal
import subprocess
import sys
import time

from cgijail_test import (Daemon, Students, assert_status, fixture,
                          get_in_thread, helper, proc_children, proc_comm,
                          processes_of, rid_of, strace_held, wait_until)

OK_SH = ('#!/bin/sh\nprintf "Content-Type: text/plain\\n\\nok"\n', 0o755)
ID_SH = ('#!/bin/sh\nprintf "Content-Type: text/plain\\n\\n"\n'
         'echo "uid=$(id -u)"\necho "file=$SCRIPT_FILENAME"\n', 0o755)
STARTED = r'cgi\[%d\] [^:]*: started, pid \d+, spawn \d+ us(, [a-z ]+)?'

# as the student: SIGSTOP to every process of theirs, for `secs` seconds
STOPPER = '''
import os, signal, sys, time
end = time.monotonic() + float(sys.argv[1])
first = True
while time.monotonic() < end:
    try:
        os.kill(-1, signal.SIGSTOP)
    except OSError:
        pass
    if first:
        print('go', flush=True)
        first = False
    time.sleep(0.002)
'''


def _daemon(lines=()):
    return Daemon({'index.html': 'main\n', 'cgi-bin/ok.sh': fixture('ok.sh')},
                  config_lines=['userdir public_html'] + list(lines),
                  args=['--debug'], start=False)


def _how_started(d, path):
    """The tail of the --debug "started" line of path's request."""
    rid = rid_of(d, path)
    assert rid is not None, d.log_tail()
    m = wait_until(lambda: re.search(STARTED % rid, d.log()), 3.0)
    assert m, d.log_tail()
    return m.group(1) or ''


# shows the jail it finds: jailinfo, or a script that execs it in place
INFO_SH = ('#!/bin/sh\nexec ./jailinfo\n', 0o755)


def _student_jail(lines, path):
    """(response, how it started) of alice's path, from a fresh daemon."""
    with Students() as s, _daemon(lines) as d:
        alice = s.add('alice')
        s.write(alice, 'cgi-bin/jailinfo', helper('jailinfo'))
        s.write(alice, 'cgi-bin/info.sh', INFO_SH)
        d.start()
        target = '/~%s/cgi-bin/%s' % (alice, path)
        r = d.get(target)
        assert_status(r, 200)
        text = r.body.decode()
        uid = s.uid(alice)
        assert re.search(r'^status Uid:\s+%d\s+%d\s+%d\s+%d$' % (
            uid, uid, uid, uid), text, re.M), text
        assert 'cwd %s' % s.path(alice, 'cgi-bin') in text, text
        gid = s.gid(alice)
        assert re.search(r'^status Gid:\s+%d\s+%d\s+%d\s+%d$' % (
            gid, gid, gid, gid), text, re.M), text
        # two daemons, two students: the same names and ids in both
        text = text.replace(s.path(alice), '<TREE>').replace(d.docroot,
                                                             '<ROOT>')
        text = re.sub(r'^(status (?:Uid|Gid):).*$', r'\1 <ID>', text,
                      flags=re.M)
        return text, _how_started(d, target)


def _same_student_jail(path):
    """Made by a copy of the executor (max-scripts 1: no spawners), and
    made by a spawner: the same jail, but for the spawner's outer
    filter, stacked under the child's inner one (filter_split.c)."""
    cold, how = _student_jail(['max-scripts 1'], path)
    assert how == '', how
    warm, how = _student_jail([], path)
    assert how == ', made by a spawner', how
    nf = r'^status Seccomp_filters:\s+(\d+)$'
    nc = int(re.search(nf, cold, re.M).group(1))
    nw = int(re.search(nf, warm, re.M).group(1))
    assert nw == nc + 1, (nc, nw)
    a = [x for x in cold.splitlines() if 'Seccomp_filters' not in x]
    b = [x for x in warm.splitlines() if 'Seccomp_filters' not in x]
    assert a == b, "the spawner's child differs:\n" + '\n'.join(
        '- %s' % x for x in a if x not in b) + '\n' + '\n'.join(
        '+ %s' % x for x in b if x not in a)
    assert 'pid 1 ppid 0 session 1' in warm, warm
    assert re.search(r'^status CapEff:\s+0+$', warm, re.M), warm
    assert re.search(r'^status NoNewPrivs:\s+1$', warm, re.M), warm
    assert re.search(r'^status Seccomp:\s+2$', warm, re.M), warm


def test_a_students_program_made_by_a_spawner_is_the_same_jail():
    _same_student_jail('jailinfo')


def test_a_students_script_made_by_a_spawner_is_the_same_jail():
    _same_student_jail('info.sh')


def test_each_request_of_a_student_is_made_by_a_spawner():
    with Students() as s, _daemon() as d:
        alice = s.add('alice')
        s.write(alice, 'cgi-bin/id.sh', ID_SH)
        s.write(alice, 'cgi-bin/jailinfo', helper('jailinfo'))
        d.start()
        for i in range(4):
            for name in ('id.sh', 'jailinfo'):
                target = '/~%s/cgi-bin/%s?%d' % (alice, name, i)
                assert_status(d.get(target), 200)
                assert _how_started(d, target) == ', made by a spawner', \
                    d.log_tail()
        # the document root's scripts are prepared ahead as before
        for i in range(3):
            assert_status(d.get('/cgi-bin/ok.sh?%d' % i), 200)
        assert wait_until(lambda: 'prepared ahead' in d.log(), 3.0), \
            d.log_tail()


def _student_spawners(d):
    m = wait_until(lambda: re.search(
        r"spawners: for children prepared ahead[ \d]*; for students' "
        r"requests((?: \d+)+)", d.log()), 5.0)
    assert m, d.log_tail()
    return [int(p) for p in m.group(1).split()]


@contextlib.contextmanager
def _held_before_exec(d, delay):
    """strace holds each child of the spawners for students on its
    chdir(2) for delay seconds: once it has the student's uid, before
    its filter and its exec (spawn_child()'s order).  A signal sent
    meanwhile is taken when the call returns: a SIGSTOP stops it there,
    between its identity and its exec, the window a student aims at."""
    with strace_held(_student_spawners(d), 'chdir', delay, follow=True):
        yield


def test_a_student_who_stops_their_own_children_stalls_nobody_else():
    """alice stops every process of hers, over and over, while each of
    her children is held before its exec (_held_before_exec): they stop
    there, with their spawners asleep on them.  Nothing else waits: the
    document root's scripts are prepared ahead, bob's are made some
    other way while the spawners sleep, each answered at once; alice's
    requests end when their start timer kills her stopped children; once
    she stops, her scripts are made by a spawner again."""
    with Students() as s, _daemon(['timeout 3']) as d:
        alice, bob = s.add('alice'), s.add('bob')
        s.write(alice, 'cgi-bin/ok.sh', OK_SH)
        s.write(alice, 'cgi-bin/jailinfo', helper('jailinfo'))
        s.write(bob, 'cgi-bin/ok.sh', OK_SH)
        d.start()
        assert_status(d.get('/~%s/cgi-bin/ok.sh' % alice), 200)
        assert_status(d.get('/cgi-bin/ok.sh'), 200)
        stopper = subprocess.Popen(
            ['setpriv', '--reuid=%d' % s.uid(alice),
             '--regid=%d' % s.gid(alice), '--clear-groups', sys.executable,
             '-c', STOPPER, '9'], stdout=subprocess.PIPE)
        try:
            assert stopper.stdout.readline() == b'go\n'
            alice_out, threads = [], []
            with _held_before_exec(d, 1.0):
                for i in range(2):
                    threads.append(get_in_thread(d, '/~%s/cgi-bin/ok.sh?%d' %
                                              (alice, i), alice_out))
                    threads.append(get_in_thread(
                        d, '/~%s/cgi-bin/jailinfo?%d' % (alice, i),
                        alice_out))
                # meanwhile: the document root, and another student
                for i in range(4):
                    for path in ('/cgi-bin/ok.sh?m%d' % i,
                                 '/~%s/cgi-bin/ok.sh?m%d' % (bob, i)):
                        t0 = time.monotonic()
                        r = d.get(path, timeout=10)
                        took = time.monotonic() - t0
                        assert_status(r, 200)
                        assert took < 3.0, '%s waited %.2fs behind ' \
                            'alice' % (path, took)
                for t in threads:
                    t.join(40)
            # each of alice's ended, one way or the other, in bounded time
            assert len(alice_out) == 4, alice_out
            for status, took in alice_out:
                assert isinstance(status, int), alice_out
                assert took < 20, alice_out
            # hers, held before their exec, were stopped there: their
            # start timer ended them, with their spawners' sleep; the
            # log says so, not that an execve failed
            assert re.search(r'/~%s/cgi-bin/[^:]*: did not start within '
                             r'5 s: killed before its exec \(stopped, or '
                             r'the machine too busy\)$' % alice,
                             d.log(), re.M), d.log_tail()
            assert not re.search(r'/~%s/cgi-bin/[^:]*: sandbox step execve '
                                 r'failed: Connection timed out' % alice,
                                 d.log()), d.log_tail()
            # bob's came while her children kept the spawners for
            # students: made the other way, and at once all the same
            hows = [_how_started(d, '/~%s/cgi-bin/ok.sh?m%d' % (bob, i))
                    for i in range(4)]
            assert '' in hows, hows
        finally:
            stopper.kill()
            stopper.wait()
        # what she stopped is gone, and her scripts run again, as before
        assert wait_until(lambda: not processes_of(s.uid(alice)), 15.0), \
            d.log_tail()
        r = d.get('/~%s/cgi-bin/ok.sh?after' % alice)
        assert_status(r, 200)
        assert r.body == b'ok', r
        assert _how_started(d, '/~%s/cgi-bin/ok.sh?after' % alice) == \
            ', made by a spawner', d.log_tail()


def _zombies_of(pid):
    """Children of pid that have ended and are not reaped."""
    out = []
    for k in proc_children(pid):
        try:
            with open('/proc/%d/stat' % k) as f:
                if f.read().rsplit(')', 1)[1].split()[0] == 'Z':
                    out.append(k)
        except OSError:
            pass
    return out


def test_a_spawner_that_does_not_answer_in_time_leaves_no_zombie():
    """A spawner for students that does not answer within 2 s (here
    stopped by root: on a machine that overloaded it is not scheduled)
    is used no more, and its request fails; once it runs again, the
    child it then makes for that request is killed, and the spawner
    ends: the executor reaps both, nothing is left behind, and forks a
    spawner in its place."""
    with Students() as s, _daemon() as d:
        alice = s.add('alice')
        s.write(alice, 'cgi-bin/ok.sh', OK_SH)
        d.start()
        target = '/~%s/cgi-bin/ok.sh' % alice
        assert_status(d.get(target + '?before'), 200)
        ex = d.wait_pids()['executor']
        spawners = _student_spawners(d)
        assert not _zombies_of(ex), _zombies_of(ex)
        for p in spawners:
            os.kill(p, signal.SIGSTOP)
        try:
            r = d.get(target + '?stopped', timeout=10)
            assert_status(r, 500)
        finally:
            for p in spawners:
                os.kill(p, signal.SIGCONT)
        # the one that did not answer: retired; its late child and then
        # itself end, and are reaped; another is forked in its place
        def swept():
            zombies = _zombies_of(ex)
            alive = [p for p in spawners if proc_comm(p) and
                     p not in zombies]
            return not zombies and len(alive) == len(spawners) - 1
        assert wait_until(swept, 6.0), (_zombies_of(ex), [
            proc_comm(p) for p in spawners], d.log_tail())
        assert d.wait_log(r'executor .*replaced 1 spawner\(s\) that ended '
                          r'or stopped answering', 3.0), d.log_tail()
        now = wait_until(lambda: [
            [int(p) for p in m.split()] for m in re.findall(
                r"for students' requests((?: \d+)+)", d.log())][1:], 3.0)
        assert now, d.log_tail()
        now = now[-1]
        assert len(now) == len(spawners) and \
            len(set(now) - set(spawners)) == 1, (spawners, now)
        new = (set(now) - set(spawners)).pop()
        assert proc_comm(new) == 'cgijail-spawn' and new in \
            proc_children(ex), (new, proc_children(ex))
        # the others, and the new one, go on making alice's children
        r = d.get(target + '?after')
        assert_status(r, 200)
        assert _how_started(d, target + '?after') == ', made by a spawner', \
            d.log_tail()
