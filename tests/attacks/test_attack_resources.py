# SPDX-License-Identifier: ISC
"""
test_attack_resources: scripts that exhaust what they can reach: a fork
bomb, a memory bomb, /tmp filled to ENOSPC, RLIMIT_FSIZE, descriptors, a
script that never ends, one that closes stdout and runs on, and 10 GiB of
output to a client that reads slowly.  Each is held to its request: other
scripts still start meanwhile, the front's memory stays bounded, and
nothing of the script outlives its request (one that has answered, its
timeout).
"""

import os
import re
import socket
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from attack_common import (SANITIZER, SLOW, Controls,  # noqa: E402
                           Daemon, assert_error_page, assert_no_script_left,
                           files, helper, proc_comm, proc_status, rid_of,
                           script, script_log, script_procs, wait_until)

TIMEOUT = 90
MIB = 1024 * 1024
PIDS_MAX = 64           # DESIGN: default "limit processes"
TMP_MAX = 16 * MIB      # DESIGN: default private /tmp
ENOSPC, EFBIG, EMFILE, ENOMEM = 28, 27, 24, 12
HOG_RE = re.compile(r'^(\w+) got=(-?\d+) errno=(\d+)$')


def _hog(d, query, timeout=20):
    """attack_hog's (bytes or count reached, errno), or None if the
    sandbox killed it (a 500)."""
    r = d.get('/cgi-bin/hog?' + query, timeout=timeout)
    if r.status == 500:
        assert_error_page(r, 500, d)
        return None
    assert r.status == 200, r
    m = HOG_RE.match(r.text.strip())
    assert m and m.group(1) == query, r.text
    return int(m.group(2)), int(m.group(3))


def _rss_kib(pid):
    return int(proc_status(pid)['VmRSS'].split()[0])


def _ns_procs(d, comm):
    """Script processes in the pid namespace of the one named comm: a
    request's whole tree, and nothing of another request (a control
    script between clone and execve has no telling name yet)."""
    def ns(pid):
        try:
            return os.readlink('/proc/%d/ns/pid' % pid)
        except OSError:
            return None
    procs = script_procs(d)
    spaces = {ns(p) for p in procs if proc_comm(p) == comm}
    spaces.discard(None)
    return [p for p in procs if ns(p) in spaces]


def test_resources_fork_bomb_is_contained():
    bomb = script(':(){ :|:& };:\nsleep 10\n', '/bin/bash')
    with Daemon(files({'cgi-bin/bomb.sh': bomb}), args=['-t', '3']) as d:
        with d.connect(timeout=10) as c, Controls(d) as ctl:
            t0 = time.monotonic()
            c.request('GET', '/cgi-bin/bomb.sh')
            assert wait_until(lambda: len(_ns_procs(d, 'bomb.sh')) >=
                              PIDS_MAX // 2, 2.5), 'the bomb did not fork'
            most = 0
            while time.monotonic() - t0 < 2.5:
                most = max(most, len(_ns_procs(d, 'bomb.sh')))
                time.sleep(0.05)
            r = c.read_response()
            took = time.monotonic() - t0
            assert_error_page(r, 500, d)
        assert most <= PIDS_MAX, '%d bomb processes' % most
        assert 2.5 < took < 6.0 * SLOW, 'answered after %.1fs' % took
        assert ctl.rounds >= 2, 'controls starved: %d rounds' % ctl.rounds
        assert_no_script_left(d)


def test_resources_memory_bomb_fails_inside():
    with Daemon(files({'cgi-bin/hog': helper('attack_hog')})) as d, \
            Controls(d):
        front = d.wait_pids()['front']
        got = _hog(d, 'mem', timeout=30)
        if got is not None:
            assert got[1] == ENOMEM, got
            assert got[0] <= 512 * MIB, 'allocated %d MiB' % (got[0] // MIB)
        # an ASan front carries its shadow memory: only growth counts
        assert SANITIZER or _rss_kib(front) < 64 * 1024
        assert_no_script_left(d)


def test_resources_tmp_fill_and_file_size():
    tree = files({'cgi-bin/hog': helper('attack_hog'),
                  'cgi-bin/tmpls.sh': script(
                      "printf 'Content-Type: text/plain\\n\\n'\n"
                      "test -e /tmp/fill && echo left || echo clean\n")})
    with Daemon(tree) as d, Controls(d):
        got, err = _hog(d, 'tmpfill')
        assert err == ENOSPC, (got, err)
        assert TMP_MAX - MIB <= got <= TMP_MAX, 'wrote %d bytes' % got
        # the next request starts with an empty, private /tmp
        r = d.get('/cgi-bin/tmpls.sh')
        assert r.status == 200 and r.body == b'clean\n', r
        assert not os.path.exists('/tmp/fill')
    with Daemon(tree, config_lines=['limit file-size 1M']) as d, \
            Controls(d):
        got, err = _hog(d, 'fsize')
        assert (got, err) == (MIB, EFBIG), (got, err)


def test_resources_descriptor_exhaustion():
    with Daemon(files({'cgi-bin/hog': helper('attack_hog')})) as d, \
            Controls(d):
        front = d.wait_pids()['front']
        nfd = len(os.listdir('/proc/%d/fd' % front))
        out = []
        ts = [threading.Thread(target=lambda: out.append(_hog(d, 'fds')))
              for _ in range(3)]
        for t in ts:
            t.start()
        for t in ts:
            t.join(30)
        assert len(out) == 3, out
        for got, err in out:
            assert err == EMFILE and 100 < got <= 256, (got, err)
        # the front holds no more descriptors than before
        assert wait_until(lambda: len(os.listdir('/proc/%d/fd' % front)) <=
                          nfd + 2, 3.0)


def test_resources_script_that_never_ends():
    tree = files({'cgi-bin/spin.sh': script('while :; do :; done\n'),
                  'cgi-bin/sleep.sh': script('exec sleep 1000\n')})
    with Daemon(tree, args=['-t', '3']) as d, Controls(d):
        res = {}

        def one(name):
            t0 = time.monotonic()
            try:
                r = d.get('/cgi-bin/' + name, timeout=15)
                res[name] = (r.status, time.monotonic() - t0, r)
            except Exception as e:      # the head went out: an abort
                res[name] = ('abort', time.monotonic() - t0, e)
        ts = [threading.Thread(target=one, args=(n,))
              for n in ('spin.sh', 'sleep.sh')]
        for t in ts:
            t.start()
        for t in ts:
            t.join(20)
        for name in ('spin.sh', 'sleep.sh'):
            st, took, r = res[name]
            assert st == 500, (name, r)
            assert_error_page(r, 500, d)
            assert 2.5 < took < 5.5 * SLOW, '%s: %.1fs' % (name, took)
            rid = rid_of(d, '/cgi-bin/' + name)
            assert script_log(d, rid, 'timed out'), d.log_tail()
        assert_no_script_left(d)


def _ending(d, path, version, close, timeout=8.0):
    """The raw answer, and how it ended: FIN, RST or OPEN (nothing more
    within timeout)."""
    s = socket.create_connection(('127.0.0.1', d.port), timeout=timeout)
    s.sendall(('GET %s HTTP/%s\r\nHost: x\r\n%s\r\n' % (
        path, version, 'Connection: close\r\n' if close else '')).encode())
    data, end = b'', 'OPEN'
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            s.settimeout(max(0.1, deadline - time.monotonic()))
            b = s.recv(65536)
            if not b:
                end = 'FIN'
                break
            data += b
            if _looks_complete(data, 'OPEN'):
                break       # framed and whole: no need to wait for more
    except ConnectionResetError:
        end = 'RST'
    except socket.timeout:
        pass
    finally:
        s.close()
    return data, end


def _looks_complete(data, end):
    """Would a client take this for a whole response?  (end: how the
    connection ended, OPEN if it has not.)"""
    head, sep, body = data.partition(b'\r\n\r\n')
    if not sep or end == 'RST':
        return False
    if re.search(rb'(?mi)^transfer-encoding: *chunked', head):
        return body.endswith(b'0\r\n\r\n')
    m = re.search(rb'(?mi)^content-length: *(\d+)', head)
    if m:
        return len(body) == int(m.group(1))
    return end == 'FIN'


def test_resources_killed_mid_answer_never_looks_complete():
    """DESIGN: a script that fails after its head was sent gets the
    connection aborted, never a response that looks whole."""
    part = "printf 'Content-Type: text/plain\\n\\npartial'\n"
    tree = files({
        'cgi-bin/timeout.sh': script(part + 'exec sleep 1000\n'),
        # a real fault: `kill -SEGV $$` is ignored by a pid 1 (the script
        # is pid 1 of its namespace), a fault signal is not
        'cgi-bin/segv.sh': script(part + 'sleep 0.2\nexec python3 -c '
                                  '"import ctypes; ctypes.string_at(0)"\n'),
        'cgi-bin/sigsys.py': script(
            'import ctypes, sys, time\n'
            "sys.stdout.write('Content-Type: text/plain\\n\\npartial')\n"
            'sys.stdout.flush()\ntime.sleep(0.2)\n'
            'ctypes.CDLL(None).unshare(0x10000000)\n'
            "print('after the kill')\n", '/usr/bin/python3')})
    framings = (('1.1', False), ('1.1', True), ('1.0', False))
    with Daemon(tree, args=['-t', '2']) as d, Controls(d):
        res = {}

        def one(path, version, close):
            res[(path, version, close)] = _ending(d, path, version, close)
        # three at a time: a burst is another test's business
        for path in ('/cgi-bin/timeout.sh', '/cgi-bin/segv.sh',
                     '/cgi-bin/sigsys.py'):
            ts = [threading.Thread(target=one, args=(path, v, c))
                  for v, c in framings]
            for t in ts:
                t.start()
            for t in ts:
                t.join(15)
        bad = []
        for (path, version, close), (data, end) in sorted(res.items()):
            assert data.startswith(b'HTTP/1.'), (path, data)
            assert b'after the kill' not in data
            if _looks_complete(data, end):
                bad.append('%s HTTP/%s%s: a whole %s-ended answer: %r' % (
                    path, version, ' close' if close else '', end,
                    data[-60:]))
        assert not bad, '\n'.join(bad)
        assert_no_script_left(d)


def test_resources_burst_of_scripts_is_queued_not_refused():
    """One client opens many script requests at once, well under
    max-scripts (64): every one is run or queued, none is refused, and
    the control requests of others go on being answered."""
    slow = script("sleep 0.5\nprintf 'Content-Type: text/plain\\n\\nslow'\n")
    with Daemon(files({'cgi-bin/slow.sh': slow})) as d, Controls(d):
        res = []

        def one():
            try:
                res.append(d.get('/cgi-bin/slow.sh', timeout=30).status)
            except Exception as e:
                res.append('%s: %s' % (type(e).__name__, e))
        ts = [threading.Thread(target=one) for _ in range(24)]
        for t in ts:
            t.start()
        for t in ts:
            t.join(40)
        refused = [x for x in res if x != 200]
        assert len(res) == 24 and not refused, \
            '%d of 24 concurrent requests failed: %s' % (
                len(refused), sorted(map(str, refused)))


def test_resources_script_closes_stdout_and_runs_on():
    """A script that closes its stdout has answered (issue 10: it is
    never killed for it): the answer comes at once, and the script runs
    on until its timeout, never longer.  A background child dies with
    its script."""
    tree = files({
        'cgi-bin/closer.sh': script(
            "printf 'Content-Type: text/plain\\n\\nbye'\n"
            'exec >&- 2>&-\nexec sleep 1000\n'),
        'cgi-bin/bgchild.sh': script(
            "printf 'Content-Type: text/plain\\n\\nbye'\n"
            '(exec >&- 2>&-; exec sleep 1000) &\nexit 0\n')})
    with Daemon(tree, args=['-t', '4']) as d, Controls(d):
        for name in ('closer.sh', 'bgchild.sh'):
            t0 = time.monotonic()
            r = d.get('/cgi-bin/' + name, timeout=10)
            assert r.status == 200 and r.body == b'bye', (name, r)
            assert time.monotonic() - t0 < 3.0 * SLOW, '%s: %.1fs' % (
                name, time.monotonic() - t0)
            # gone at its 4 s timeout at the latest
            assert_no_script_left(d, 4.0 + 3.0 * SLOW)


def test_resources_flood_to_a_slow_reader():
    with Daemon(files({'cgi-bin/hog': helper('attack_hog')})) as d, \
            Controls(d):
        front = d.wait_pids()['front']
        before = _rss_kib(front)
        c = d.connect(timeout=10, rcvbuf=4096)
        try:
            c.request('GET', '/cgi-bin/hog?flood')
            got, most = 0, before
            t_end = time.monotonic() + 3.0
            while time.monotonic() < t_end:
                c.sock.settimeout(2.0)
                data = c.sock.recv(4096)
                assert data, 'closed after %d bytes' % got
                got += len(data)
                most = max(most, _rss_kib(front))
                time.sleep(0.02)
            assert script_procs(d), 'the flood stopped on its own'
        finally:
            c.close()
        assert got > 0
        assert SANITIZER or most < 64 * 1024, 'front VmRSS %d KiB' % most
        assert most - before < 16 * 1024, 'front grew %d KiB' % (
            most - before)
        assert_no_script_left(d, 5.0)
        rid = rid_of(d, '/cgi-bin/hog?flood', 5.0)
        assert script_log(d, rid, r'(killed|exit \d+)', 5.0), d.log_tail()
