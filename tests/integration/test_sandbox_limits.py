# SPDX-License-Identifier: ISC
"""
test_sandbox_limits: every resource a script can exhaust is bounded per
request.  A busy loop ends at the timeout (500, or 504 when configured),
a fork bomb is held to its pids limit while other scripts still start and
leaves nothing behind, a 4 GiB allocation fails, background children die
with their script, files stop at the size limit, and descriptors at the
open-files limit.
"""

import os
import random
import re
import time

from cgijail_test import (Daemon, SLOW, assert_error_page, assert_status,
                          assert_still_serving, fixture, helper,
                          is_script_uid, proc_comm, proc_descendants,
                          proc_exe, proc_status, rid_of, script_descendants,
                          wait_until)

PIDS_MAX = 64           # DESIGN: default "limit processes"
OPEN_FILES_MAX = 256    # DESIGN: default "limit open-files"


def script_lines(d, rid, name, pattern, timeout=3.0):
    """Log lines "cgi[RID] /cgi-bin/NAME: ..." matching pattern."""
    rx = re.compile(r'cgi\[%d\] /cgi-bin/%s: .*%s' % (
        rid, re.escape(name), pattern))

    def find():
        return [ln for ln in d.log().splitlines() if rx.search(ln)]
    return wait_until(find, timeout)


def procs(pred):
    """Host pids for which pred(pid) holds."""
    out = []
    for p in os.listdir('/proc'):
        if p.isdigit():
            try:
                if pred(int(p)):
                    out.append(int(p))
            except (OSError, KeyError, ValueError):
                pass
    return out


def with_cmdline(marker):
    def pred(pid):
        with open('/proc/%d/cmdline' % pid, 'rb') as f:
            return marker in f.read().replace(b'\0', b' ')
    return pred


def is_nobody(pid):
    """A script's process: nobody inside, a range uid on the host."""
    return is_script_uid(int(proc_status(pid)['Uid'].split()[0]))


def busy_loop(d, status):
    t0 = time.monotonic()
    r = d.get('/cgi-bin/busy.sh', timeout=10)
    took = time.monotonic() - t0
    assert_error_page(r, status, d)
    assert 1.5 < took < 6.0 * SLOW, 'answered after %.1fs with -t 2' % took
    rid = rid_of(d, '/cgi-bin/busy.sh')
    assert script_lines(d, rid, 'busy.sh', 'timed out'), d.log_tail()


def test_busy_loop_dies_at_the_timeout():
    files = {'cgi-bin/busy.sh': fixture('busy.sh'),
             'cgi-bin/ok.sh': fixture('ok.sh')}
    with Daemon(files, args=['-t', '2']) as d:
        busy_loop(d, 500)
        assert_still_serving(d)


def test_busy_loop_timeout_status_504():
    files = {'cgi-bin/busy.sh': fixture('busy.sh'),
             'cgi-bin/ok.sh': fixture('ok.sh')}
    with Daemon(files, config_lines=['timeout-status 504'],
                args=['-t', '2']) as d:
        busy_loop(d, 504)
        assert_still_serving(d)


def test_cpu_limit_ends_a_busy_loop_and_says_so():
    files = {'cgi-bin/busy.sh': fixture('busy.sh'),
             'cgi-bin/ok.sh': fixture('ok.sh')}
    # a loaded machine stretches 2 s of CPU far beyond 2 s of wall time:
    # the timeout stays out of reach, the log tells which limit hit
    with Daemon(files, config_lines=['limit cpu 1'], args=['-t', '40']) as d:
        r = d.get('/cgi-bin/busy.sh', timeout=45)
        assert_error_page(r, 500, d)
        rid = rid_of(d, '/cgi-bin/busy.sh')
        assert script_lines(d, rid, 'busy.sh', 'CPU time limit'), \
            d.log_tail()
        assert not script_lines(d, rid, 'busy.sh', 'timed out', 0.1)
        assert_still_serving(d)


def test_fork_bomb_is_contained():
    files = {'cgi-bin/forkbomb': helper('forkbomb'),
             'cgi-bin/ok.sh': fixture('ok.sh')}
    baseline = len(procs(lambda p: True))
    with Daemon(files, args=['-t', '5']) as d:
        executor = d.wait_pids()['executor']

        def bombs():
            return [p for p in proc_descendants(executor)
                    if proc_comm(p) == 'forkbomb']
        with d.connect(timeout=20) as bomb:
            bomb.request('GET', '/cgi-bin/forkbomb')
            assert wait_until(lambda: len(bombs()) >= 8, 4.0), \
                'the fork bomb did not fork: %d' % len(bombs())
            time.sleep(0.5)
            most = len(bombs())
            assert most <= PIDS_MAX, '%d bomb processes' % most
            # another script still starts, during the bomb
            t0 = time.monotonic()
            assert_still_serving(d, timeout=5 * SLOW)
            took = time.monotonic() - t0
            assert bombs(), 'the bomb ended before the check'
            assert took < 3.0 * SLOW, 'starved by the bomb: %.1fs' % took
            r = bomb.read_response()
            assert_error_page(r, 500, d)
        assert wait_until(lambda: not script_descendants(executor), 3.0), \
            '%d processes outlived the request' % len(
                script_descendants(executor))
        # the host as a whole: less than one bomb above where it was
        # (other tests may run in parallel and have their own churn)
        assert wait_until(lambda: len(procs(lambda p: True)) <
                          baseline + PIDS_MAX, 3.0)
        assert_still_serving(d)


def test_big_allocation_fails():
    files = {'cgi-bin/bigalloc.py': fixture('bigalloc.py'),
             'cgi-bin/ok.sh': fixture('ok.sh')}
    with Daemon(files) as d:
        r = d.get('/cgi-bin/bigalloc.py', timeout=15)
        assert_error_page(r, 500, d)
        rid = rid_of(d, '/cgi-bin/bigalloc.py')
        # the script's own stderr, and how it ended
        assert script_lines(d, rid, 'bigalloc.py', 'MemoryError'), \
            d.log_tail()
        assert script_lines(d, rid, 'bigalloc.py',
                            r'exit [1-9]|killed by signal|memory limit'), \
            d.log_tail()
        assert_still_serving(d)


def test_background_child_dies_with_its_script():
    marker = '1000.%06d' % random.randrange(10 ** 6)
    files = {'cgi-bin/background.sh': fixture('background.sh'),
             'cgi-bin/ok.sh': fixture('ok.sh')}
    left = with_cmdline(b'sleep ' + marker.encode())
    with Daemon(files) as d:
        t0 = time.monotonic()
        r = d.get('/cgi-bin/background.sh?' + marker, timeout=10)
        assert_status(r, 200)
        assert r.text.startswith('left '), r
        assert time.monotonic() - t0 < 3.0 * SLOW, 'waited for the child'
        assert wait_until(lambda: not procs(left), 2.0), \
            'background child survived: %r' % procs(left)
        roles = d.pids()
        ours = set(roles.values())
        own = proc_exe(roles['executor'])

        def hanging_off_the_daemon():
            """Script processes whose parent is the daemon's: not a child
            prepared ahead, which has taken the script's uid but runs our
            binary until its request (a script never can)."""
            out = []
            for p in procs(is_nobody):
                if proc_exe(p) == own:
                    continue
                try:
                    with open('/proc/%d/status' % p) as f:
                        ppid = re.search(r'PPid:\s*(\d+)', f.read())
                except OSError:
                    continue        # gone meanwhile
                if int(ppid.group(1)) in ours:
                    out.append('%d (%s)' % (p, proc_comm(p)))
            return out
        # the script itself may take a moment to finish exiting
        assert wait_until(lambda: not hanging_off_the_daemon(), 2.0), \
            'left behind: %r' % hanging_off_the_daemon()
        assert_still_serving(d)


def test_file_size_limit():
    files = {'cgi-bin/bigfile.sh': fixture('bigfile.sh'),
             'cgi-bin/ok.sh': fixture('ok.sh')}
    with Daemon(files, config_lines=['limit file-size 1M']) as d:
        r = d.get('/cgi-bin/bigfile.sh', timeout=10)
        assert_status(r, 200)
        m = re.search(r'rc=(\d+)\s+size=\s*(\d+)', r.text)
        assert m, r.text
        rc, size = int(m.group(1)), int(m.group(2))
        # SIGXFSZ kills head (128 + 25), or it sees EFBIG and fails
        assert rc != 0, 'a 4 MiB write succeeded'
        assert size <= 1 << 20, 'file grew to %d bytes' % size
        assert size > 0, r.text
        assert_still_serving(d)


def test_descriptor_exhaustion_is_contained():
    files = {'cgi-bin/manyfds.py': fixture('manyfds.py'),
             'cgi-bin/ok.sh': fixture('ok.sh')}
    with Daemon(files) as d:
        conns = [d.connect(timeout=15) for _ in range(3)]
        try:
            for c in conns:
                c.request('GET', '/cgi-bin/manyfds.py')
            for c in conns:
                r = c.read_response()
                assert_status(r, 200)
                m = re.search(r'opened=(\d+) errno=(\w+)', r.text)
                assert m, r.text
                assert m.group(2) == 'EMFILE', r.text
                assert 100 < int(m.group(1)) <= OPEN_FILES_MAX, r.text
        finally:
            for c in conns:
                c.close()
        assert_still_serving(d)
