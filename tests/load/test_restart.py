# SPDX-License-Identifier: ISC
"""
test_restart: SIGKILL of the front, then of the executor, while 20
clients loop over a static file and a CGI script: the parent restarts
the pair; requests in flight fail cleanly or complete correctly (never a
wrong or mixed answer), new ones succeed within 2 s, no script is left.
"""

import os
import signal
import threading
import time

from cgijail_test import Daemon, SLOW, wait_until
from loadkit import SourceConn, attempt, classify, fetch, nobody_procs

TIMEOUT = 60

CLIENTS = 20
RECOVER_SECS = 2.0
# every line of both bodies says which request it belongs to
STATIC = b''.join(b'static line %07d\n' % i for i in range(12000))
# half the body, a pause, the other half: a script killed in the pause
# has sent its head and must not look like a whole answer
ECHO_SH = ('#!/bin/sh\nprintf "Content-Type: text/plain\\n\\n"\n'
           'half() {\n\ti=0\n\twhile [ $i -lt 50 ]; do\n'
           '\t\tprintf "%s\\n" "$QUERY_STRING"\n\t\ti=$((i + 1))\n'
           '\tdone\n}\nhalf\nsleep 0.3\nhalf\n')
SLOW_SH = ('#!/bin/sh\nsleep 8\nprintf "Content-Type: text/plain\\n\\n'
           'late\\n"\n')
FILES = {'index.html': '<html>restart</html>\n', 'static.bin': STATIC,
         'cgi-bin/echo.sh': ECHO_SH, 'cgi-bin/slow.sh': SLOW_SH}


def _echo(tag):
    return ('%s\n' % tag).encode() * 100


class Client(threading.Thread):
    """Loops GET static / GET CGI until stopped, on a fresh connection
    per request (keepalive=False) or one kept open while it lasts."""

    def __init__(self, d, n, keepalive, stop):
        super().__init__(daemon=True)
        self.d, self.n, self.keepalive, self.stop = d, n, keepalive, stop
        self.results = []       # (t_start, t_end, outcome, path)
        self.conn = None

    def _get(self, path):
        if not self.keepalive:
            return fetch(self.d, path, None, 5.0 * SLOW)
        if self.conn is None:
            self.conn = SourceConn(self.d, None, 5.0 * SLOW)
        try:
            self.conn.request('GET', path)
            return self.conn.read_response('GET')
        except BaseException:
            self.conn.close()
            self.conn = None
            raise

    def run(self):
        i = 0
        while not self.stop.is_set() and i < 100000:
            if i % 2:
                tag = 'q%d-%d' % (self.n, i)
                path, want = '/cgi-bin/echo.sh?' + tag, _echo(tag)
            else:
                path, want = '/static.bin', STATIC
            t0 = time.monotonic()
            got = classify(self.d, lambda: self._get(path), want)
            self.results.append((t0, time.monotonic(), got, path))
            i += 1
        if self.conn is not None:
            self.conn.close()


def _recovered(d):
    """Both a static file and a script answer correctly right now (a
    script takes its time under this load: the bound is generous)."""
    return (attempt(d, '/static.bin', STATIC, 3.0 * SLOW) == 'ok' and
            attempt(d, '/cgi-bin/echo.sh?probe', _echo('probe'),
                    3.0 * SLOW) == 'ok')


def _recovery(d, t_kill):
    """(sent, answered): seconds after the kill at which the first pair
    of new requests that both succeeded was sent and was answered; None
    if none sent within RECOVER_SECS did."""
    while time.monotonic() - t_kill < RECOVER_SECS * SLOW:
        t0 = time.monotonic()
        if _recovered(d):
            return t0 - t_kill, time.monotonic() - t_kill
        time.sleep(0.02)
    return None


def _slow_request(d, out):
    out.append(attempt(d, '/cgi-bin/slow.sh', b'late\n', 15.0 * SLOW))


def _kill_under_load(role):
    d = Daemon(FILES)
    d.expect_restart = True
    old = d.wait_pids()
    stop = threading.Event()
    clients = [Client(d, n, n % 2 == 1, stop) for n in range(CLIENTS)]
    slow = []
    for c in clients:
        c.start()
    try:
        # a script that would outlive the kill by seconds if left alone
        st = threading.Thread(target=_slow_request, args=(d, slow),
                              daemon=True)
        st.start()
        assert wait_until(nobody_procs, 3.0 * SLOW), 'no script running'
        time.sleep(1.0)
        t_kill = time.monotonic()
        os.kill(old[role], signal.SIGKILL)
        rec = _recovery(d, t_kill)
        # the clients go on until each could have made a request or two
        if rec:
            wait_until(lambda: len(_after(clients, t_kill, rec)) >=
                       2 * CLIENTS, 10.0 * SLOW)
    finally:
        stop.set()
        for c in clients:
            c.join(10.0 * SLOW)
    assert rec, 'no new request sent within %.1fs of killing the %s ' \
        'succeeded' % (RECOVER_SECS * SLOW, role)
    new = d.wait_pids(3.0 * SLOW, old=old)
    assert all(not c.is_alive() for c in clients), 'a client is stuck'
    st.join(15.0 * SLOW)
    _check_outcomes(clients, slow, t_kill, role, rec)
    left = wait_until(lambda: not nobody_procs(), 1.0 * SLOW)
    assert left, 'script processes left after the %s died: %s' % (
        role, nobody_procs())
    assert new[role] != old[role]


def _after(clients, t_kill, rec):
    """Outcomes of the requests begun once the daemon was back (with a
    margin for keep-alive clients to notice their connection is gone)."""
    start = t_kill + rec[1] + 0.5
    return [r[2] for c in clients for r in list(c.results) if r[0] > start]


def _check_outcomes(clients, slow, t_kill, role, rec):
    res = [r[:3] for c in clients for r in c.results]
    counts = {}
    for _, _, got in res:
        key = got if not got.startswith('wrong') else 'wrong'
        counts[key] = counts.get(key, 0) + 1
    wrong = ['%s, %.2f-%.2fs after the kill: %s' % (
        path, t0 - t_kill, t1 - t_kill, got)
        for c in clients for t0, t1, got, path in c.results
        if got.startswith('wrong')]
    hung = [got for _, _, got in res if got == 'timeout']
    after = _after(clients, t_kill, rec)
    print('kill %s: %d requests %s; first good new requests sent %.2fs, '
          'answered %.2fs after the kill; long script: %s' % (
              role, len(res), counts, rec[0], rec[1], slow))
    assert not wrong, '%d wrong answers, e.g. %s' % (len(wrong), wrong[:3])
    assert not hung, '%d requests hung (no answer, no close)' % len(hung)
    assert slow and slow[0] in ('closed', 'error'), (
        'the script in flight when the %s died: %s' % (role, slow))
    before = [got for _, t1, got in res if t1 < t_kill]
    assert before and all(g == 'ok' for g in before), (
        'failures before the kill: %r' % [g for g in before if g != 'ok'])
    assert after and all(g == 'ok' for g in after), (
        'failures after recovery: %r' % [g for g in after if g != 'ok'][:5])


def test_sigkill_front_under_load():
    _kill_under_load('front')


def test_sigkill_executor_under_load():
    _kill_under_load('executor')
