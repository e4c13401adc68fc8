# SPDX-License-Identifier: ISC
"""
test_logs_syslog: `access-log syslog` and `error-log syslog` (issue 11)
against a syslog socket the test provides: a datagram socket like
/dev/log that records every message.

The socket's path is a documented argument of the keyword
(`error-log syslog /run/x.sock`: a chroot's or a container's syslog
socket), so the tests name theirs; the default, /dev/log, is tested in
a private mount namespace whose /dev holds the host's devices and the
test's socket.  Each line is "<PRI>Mmm dd hh:mm:ss TAG[PID]: text" with
the facility daemon, the tag cgijail-ROLE (cgijail-access for access
lines) and the pid of the role that said it; nothing goes to stderr.
Syslog restarting (its socket recreated) loses no later line, and
SIGUSR1 reconnects too.  `error-log stderr` names the default.
"""

import os
import re
import shutil
import signal
import socket
import threading
import time

from cgijail_test import (ACCESS_RE, Daemon, assert_status, fixture,
                          wait_until)

SYSLOG_RE = re.compile(
    r'^<(?P<pri>\d{1,3})>(?P<time>[A-Z][a-z]{2} [ 1-3]\d \d\d:\d\d:\d\d) '
    r'(?P<tag>[A-Za-z0-9_.-]{1,32})\[(?P<pid>\d+)\]: (?P<text>.*)$', re.S)
LOG_DAEMON = 3
SEV = {'error': 3, 'warning': 4, 'info': 6, 'debug': 7}

FILES = {'index.html': '<html>index</html>\n',
         'cgi-bin/stderr.sh': fixture('stderr.sh'),
         'cgi-bin/ok.sh': fixture('ok.sh')}


class Syslogd:
    """A datagram socket at path, read by a thread as a syslog daemon
    reads /dev/log (reading=False: a syslog daemon that hangs)."""

    def __init__(self, path, reading=True):
        self.path = path
        self.got = []
        self.lock = threading.Lock()
        self.reading = threading.Event()
        self.done = False
        if reading:
            self.reading.set()
        if os.path.exists(self.path):
            os.unlink(self.path)
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(self.path)
        self.sock.settimeout(0.05)
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        while not self.done:
            if not self.reading.wait(0.05):
                continue
            try:
                data = self.sock.recv(65536)
            except (socket.timeout, TimeoutError, OSError):
                continue
            with self.lock:
                self.got.append(data)

    def close(self):
        self.done = True
        self.thread.join(2.0)
        self.sock.close()
        if os.path.exists(self.path):
            os.unlink(self.path)

    def messages(self):
        with self.lock:
            raw = list(self.got)
        out = []
        for r in raw:
            m = SYSLOG_RE.match(r.decode('utf-8', 'replace'))
            assert m, 'not a syslog message: %r' % r[:300]
            out.append(m)
        return out

    def wait(self, pred, timeout=3.0):
        return wait_until(lambda: next((m for m in self.messages()
                                        if pred(m)), None), timeout)


def _config(d, sock_path, extra=()):
    d.write_config(['error-log syslog %s' % sock_path,
                    'access-log syslog %s' % sock_path] + list(extra))


def test_syslog_lines_carry_facility_role_tag_and_pid():
    d = Daemon(FILES, config_lines=[], start=False)
    sl = Syslogd(os.path.join(d.tmp, 'log.sock'))
    _config(d, sl.path)
    try:
        with d.start():
            pids = d.wait_pids()
            assert_status(d.get('/cgi-bin/stderr.sh?marker7'), 200)
            assert_status(d.get('/index.html'), 200)
            serving = sl.wait(lambda m: 'serving ' in m['text'])
            assert serving, [m.group(0) for m in sl.messages()]
            script = sl.wait(lambda m: 'marker7' in m['text'] and
                             m['tag'] == 'cgijail-front')
            outcome = sl.wait(lambda m: m['tag'] == 'cgijail-executor' and
                              'exit 0' in m['text'])
            access = sl.wait(lambda m: m['tag'] == 'cgijail-access' and
                             'GET /index.html ' in m['text'])
            got = [m.group(0)[:200] for m in sl.messages()]
            assert script and outcome and access, got
            for m, role, sev, pid in (
                    (serving, 'parent', 'info', d.proc.pid),
                    (script, 'front', 'warning', pids['front']),
                    (outcome, 'executor', 'info', pids['executor']),
                    (access, 'access', 'info', pids['front'])):
                pri = int(m['pri'])
                assert pri >> 3 == LOG_DAEMON, (role, m.group(0))
                assert pri & 7 == SEV[sev], (role, m.group(0))
                assert m['tag'] == 'cgijail-' + role, m.group(0)
                assert int(m['pid']) == pid, (role, pid, m.group(0))
            assert re.match(r'^rid=\d+ warning: cgi\[\d+\] '
                            r'/cgi-bin/stderr\.sh: plain stderr line '
                            r'marker7$', script['text']), script['text']
            assert ACCESS_RE.match(access['text']), access['text']
            for m in sl.messages():
                assert '\x1b' not in m.group(0), m.group(0)
            assert not d.access_lines(), 'access lines on stderr too'
            assert 'serving ' not in d.log(), 'error lines on stderr too'
    finally:
        sl.close()


def test_syslog_restarted_or_absent_at_start_loses_no_later_line():
    """No syslog socket at the start: cgijail starts anyway; once one
    appears (a syslog daemon started or restarted: a new socket at the
    same path), the next lines reach it."""
    d = Daemon(FILES, config_lines=[], start=False)
    path = os.path.join(d.tmp, 'log.sock')
    _config(d, path)
    with d.start():
        d.get('/index.html?before')
        sl = Syslogd(path)
        try:
            d.get('/index.html?first')
            assert sl.wait(lambda m: 'first' in m['text']), \
                [m.group(0) for m in sl.messages()]
            sl.close()
            sl = Syslogd(path)
            d.get('/index.html?second')
            assert sl.wait(lambda m: 'second' in m['text']), \
                [m.group(0) for m in sl.messages()]
            # SIGUSR1 reconnects (logrotate's signal)
            sl.close()
            sl = Syslogd(path)
            d.send_signal(signal.SIGUSR1)
            assert sl.wait(lambda m: 'reopened' in m['text']), \
                [m.group(0) for m in sl.messages()]
        finally:
            sl.close()


def test_a_syslog_daemon_that_stops_reading_does_not_stall_cgijail():
    """The kernel queues 10 datagrams for a reader that does not read:
    cgijail waits for it a little, then drops lines (counted, said on
    stderr) instead of hanging, and sends again once it reads."""
    d = Daemon(FILES, config_lines=[], start=False)
    sl = Syslogd(os.path.join(d.tmp, 'log.sock'), reading=False)
    _config(d, sl.path)
    try:
        with d.start():
            t0 = time.monotonic()
            for i in range(40):
                assert_status(d.get('/index.html?n%d' % i, timeout=5.0),
                              200)
            took = time.monotonic() - t0
            assert took < 8.0, '40 requests took %.1fs' % took
            assert d.wait_log(r'syslog .*lines lost', 3.0), d.log_tail()
            sl.reading.set()
            time.sleep(6.0)     # LOG_SYSLOG_PAUSE_SEC: 5 s
            d.get('/index.html?after')
            assert sl.wait(lambda m: 'after' in m['text']), \
                [m.group(0)[:100] for m in sl.messages()][-5:]
    finally:
        sl.close()


def test_error_log_stderr_is_the_default_spelled_out():
    d = Daemon(FILES, config_lines=['error-log stderr',
                                    'access-log stderr'])
    with d:
        d.get('/index.html')
        assert wait_until(lambda: d.access_lines(), 2.0), d.log_tail()
        assert 'serving ' in d.log()


def test_syslog_default_socket_is_dev_log():
    """`error-log syslog` alone writes to /dev/log: run in a private
    mount namespace whose /dev is a directory of the test holding the
    host's device nodes (bound one by one) and the test's socket."""
    if not shutil.which('unshare'):
        raise AssertionError('unshare (util-linux) is needed')
    d = Daemon(FILES, config_lines=['error-log syslog',
                                    'access-log syslog'], start=False)
    dev = os.path.join(d.tmp, 'dev')
    os.mkdir(dev, 0o755)
    sl = Syslogd(os.path.join(dev, 'log'))
    binds = []
    for name in sorted(os.listdir('/dev')):
        src = os.path.join('/dev', name)
        if name == 'log' or os.path.islink(src):
            continue
        if os.path.isdir(src):
            os.mkdir(os.path.join(dev, name))
        else:
            open(os.path.join(dev, name), 'w').close()
        binds.append(name)
    for name in ('fd', 'stdin', 'stdout', 'stderr'):
        os.symlink({'fd': '/proc/self/fd', 'stdin': '/proc/self/fd/0',
                    'stdout': '/proc/self/fd/1',
                    'stderr': '/proc/self/fd/2'}[name],
                   os.path.join(dev, name))
    script = ('set -e; for n in %s; do mount --rbind "/dev/$n" "%s/$n"; '
              'done; mount --bind "%s" /dev; exec "$@"' % (
                  ' '.join(binds), dev, dev))
    inner = d.argv

    def argv():
        return ['unshare', '--mount', '--propagation', 'private', '--',
                'sh', '-c', script, 'sh'] + inner()
    d.argv = argv
    try:
        with d.start():
            d.get('/index.html?devlog')
            m = sl.wait(lambda m: m['tag'] == 'cgijail-access' and
                        'devlog' in m['text'])
            assert m, [x.group(0) for x in sl.messages()] + [d.log_tail()]
            assert sl.wait(lambda m: m['tag'] == 'cgijail-parent' and
                           'serving' in m['text'])
            assert_status(d.get('/cgi-bin/ok.sh'), 200)
    finally:
        sl.close()
