# SPDX-License-Identifier: ISC
"""
test_log_full: logging under faults.  Log files on a 64 KiB tmpfs that
fills up: the daemon keeps serving, says on stderr that lines are lost,
writes whole lines again once there is room, and a log file removed under
it comes back on SIGUSR1.  A stalled parent: no access line is lost.
"""

import errno
import os
import signal
import subprocess

from cgijail_test import ACCESS_RE, Daemon, Skip, SLOW, wait_until
from loadkit import expect

TIMEOUT = 60

INDEX = b'<html>log full</html>\n'
HELLO_SH = ('#!/bin/sh\necho "a line on stderr" >&2\n'
            'printf "Content-Type: text/plain\\n\\nhello\\n"\n')
FILES = {'index.html': INDEX, 'cgi-bin/hello.sh': HELLO_SH}
# daemon/log.c log_write_fd()
LOST_RE = r'log write failed \(No space left on device\), \d+ lines lost'
MAX_REQUESTS = 400          # far more lines than 64 KiB can hold


def _mount(path):
    p = subprocess.run(['mount', '-t', 'tmpfs', '-o', 'size=64k,mode=0755',
                        'cgijail-logfull', path], capture_output=True,
                       text=True, timeout=10, stdin=subprocess.DEVNULL)
    if p.returncode != 0:
        raise Skip('cannot mount a tmpfs here: %s' % p.stderr.strip())


def _umount(path):
    p = subprocess.run(['umount', path], capture_output=True, timeout=10,
                       stdin=subprocess.DEVNULL)
    if p.returncode != 0:
        subprocess.run(['umount', '-l', path], capture_output=True,
                       timeout=10, stdin=subprocess.DEVNULL)


def _fill(path):
    """Write into path until the filesystem is full; bytes written."""
    n = 0
    with open(path, 'wb', buffering=0) as f:
        for size in (65536, 4096, 512, 1):
            for _ in range(100000):
                try:
                    n += f.write(b'\0' * size)
                except OSError as e:
                    if e.errno != errno.ENOSPC:
                        raise
                    break
    return n


def _line(d, pattern, path):
    """The log line matching pattern in path, waited for briefly."""
    return d.wait_log(pattern, 2.0 * SLOW, path=path)


def _serve_while_full(d):
    """Requests are answered while their log lines are lost; returns
    how many it took until the daemon said so."""
    for i in range(MAX_REQUESTS):
        if i % 10 == 9:
            expect(d, '/cgi-bin/hello.sh?full=%d' % i, b'hello\n', limit=1.0)
        else:
            expect(d, '/index.html?full=%d' % i, INDEX, limit=1.0)
        if i % 10 == 9 and d.wait_log(LOST_RE, 0.0):
            return i + 1
    return MAX_REQUESTS


def test_full_log_disk_keeps_serving_and_reopen_recovers():
    d = Daemon(FILES, config_lines=[], start=False)
    mnt = os.path.join(d.tmp, 'logs')
    os.mkdir(mnt, 0o755)
    _mount(mnt)
    problems = []
    try:
        acc = os.path.join(mnt, 'access.log')
        err = os.path.join(mnt, 'error.log')
        d.write_config(['access-log ' + acc, 'error-log ' + err])
        d.start()
        with d:
            expect(d, '/index.html?before', INDEX)
            assert _line(d, r'GET /index\.html\?before ', acc), \
                'no access line in %s' % acc
            filled = _fill(os.path.join(mnt, 'filler'))
            served = _serve_while_full(d)
            lost = d.wait_log(LOST_RE, 2.0 * SLOW)
            assert lost, ('no "log write failed ... lines lost" on stderr '
                          'after %d requests with the log disk full' % served)
            print('filler %d bytes; %d requests served on a full disk; '
                  'stderr: %s' % (filled, served, lost))

            # room again: the same open files take lines again, whole
            os.unlink(os.path.join(mnt, 'filler'))
            expect(d, '/index.html?after-free', INDEX)
            ln = _line(d, r'GET /index\.html\?after-free ', acc)
            assert ln, 'no access line in %s once there is room' % acc
            if not ACCESS_RE.match(ln):
                problems.append('first access line after the disk was '
                                'full is not a whole line (a partly '
                                'written line before it?): %r' % ln[:300])

            # removed under the daemon: SIGUSR1 makes new files
            os.unlink(acc)
            os.unlink(err)
            d.send_signal(signal.SIGUSR1)
            assert wait_until(lambda: os.path.exists(acc) and
                              os.path.exists(err), 2.0 * SLOW), \
                'SIGUSR1 did not create the removed log files'
            expect(d, '/index.html?after-reopen', INDEX)
            expect(d, '/cgi-bin/hello.sh?after-reopen', b'hello\n')
            ln = _line(d, r'GET /index\.html\?after-reopen ', acc)
            assert ln and ACCESS_RE.match(ln), \
                'no access line in the new %s: %r' % (acc, ln)
            assert _line(d, r'a line on stderr', err), \
                'no script stderr line in the new %s' % err
    finally:
        if d.running():
            d.kill()
        _umount(mnt)
    assert not problems, '\n'.join(problems)


def test_stalled_parent_loses_no_access_line():
    """The parent writes every log line; while it is stalled (a slow
    disk, syslog, SIGSTOP here) requests are still served, and once it
    runs again every one of them has its access line."""
    d = Daemon(FILES)
    parent = d.pids()['parent']
    n = 60
    try:
        os.kill(parent, signal.SIGSTOP)
        for i in range(n):
            if i % 10 == 9:
                expect(d, '/cgi-bin/hello.sh?stall=%d' % i, b'hello\n',
                       limit=1.0)
            else:
                expect(d, '/index.html?stall=%d' % i, INDEX, limit=1.0)
    finally:
        os.kill(parent, signal.SIGCONT)

    def logged():
        return sum(1 for m in d.access_lines() if '?stall=' in m['request'])
    wait_until(lambda: logged() >= n, 3.0 * SLOW)
    assert logged() == n, ('%d access lines for %d requests served while '
                           'the parent was stalled' % (logged(), n))
