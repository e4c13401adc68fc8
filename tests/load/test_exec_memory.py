# SPDX-License-Identifier: ISC
"""
test_exec_memory: issue 14's "the executor's RSS stays flat", counted in
KiB of VmRSS, never timed.  After a warm-up of the same mix, a few
thousand more CGI requests on keep-alive connections (the C hello, a
404, a script that dies of SIGSEGV, one that exits without answering, a
POST, and a few that time out) leave the executor's, the front's and
the parent's RSS within 1 MiB of what they were.
"""

import os
import threading
import time

import cgijail_test as ct
from cgijail_test import Conn, Daemon, fixture
from loadkit import expect, run_threads

TIMEOUT = 90

WARM = 400                  # requests before the baseline
RUN = 3000                  # and after it
CLIENTS = 8                 # keep-alive connections at once
TIMEOUTS = 4                # scripts killed by the timeout, per phase
SLACK_KIB = 1024


def _files():
    with open(os.path.join(ct.REPO, 'cgi-bin', 'hello-c'), 'rb') as f:
        hello = f.read()
    return {'index.html': 'index\n', 'cgi-bin/hello-c': (hello, 0o755),
            'cgi-bin/crash.sh': fixture('crash.sh'),
            'cgi-bin/fail.sh': fixture('fail.sh'),
            'cgi-bin/sleeper.sh': fixture('sleeper.sh')}


# request i of a client: path, method, body, the statuses it may get
def _mix(i):
    k = i % 10
    if k == 0:
        return '/cgi-bin/none', 'GET', None, (404,)
    if k == 1:
        return '/cgi-bin/crash.sh', 'GET', None, (500, 502)
    if k == 2:
        return '/cgi-bin/fail.sh', 'GET', None, (500, 502)
    if k == 3:
        return '/cgi-bin/hello-c', 'POST', b'x' * 4096, (200,)
    return '/cgi-bin/hello-c?%d' % i, 'GET', None, (200,)


def _client(d, first, n):
    """n requests of the mix on keep-alive connections; the bad ones."""
    bad = []
    c = None
    try:
        for i in range(first, first + n):
            path, method, body, ok = _mix(i)
            if c is None:
                c = Conn(d, timeout=15.0)
            c.request(method, path, body=body)
            r = c.read_response(method)
            if r.status not in ok or (r.status == 200 and
                                      not r.body.startswith(b'Hello')):
                bad.append('%s %s: %d %r' % (method, path, r.status,
                                             r.body[:60]))
            if (r.get('Connection') or '').lower() == 'close':
                c.close()
                c = None
    finally:
        if c is not None:
            c.close()
    return bad


def _timeouts(d):
    """TIMEOUTS scripts at once, each killed at the 1 s timeout."""
    def one(i):
        r = d.get('/cgi-bin/sleeper.sh?30', timeout=15.0)
        return None if r.status in (500, 504) else r.status
    out = run_threads(one, [(i,) for i in range(TIMEOUTS)], 20.0)
    assert out == [None] * TIMEOUTS, out


def _phase(d, total):
    per = total // CLIENTS
    t = threading.Thread(target=_timeouts, args=(d,), daemon=True)
    t.start()
    out = run_threads(_client, [(d, k * per, per) for k in range(CLIENTS)],
                      60.0 * ct.SLOW)
    t.join(30)
    assert not t.is_alive()
    bad = []
    for o in out:
        bad += o if isinstance(o, list) else [repr(o)]
    assert not bad, '%d bad answers: %s' % (len(bad), bad[:5])


def _rss(d):
    out = {}
    for role, pid in d.pids().items():
        v = ct.proc_status(pid)['VmRSS'].split()
        assert v[1] == 'kB', v
        out[role] = int(v[0])
    return out


def test_rss_stays_flat_over_thousands_of_cgi_requests():
    d = Daemon(_files(), config_lines=['timeout 1'])
    expect(d, '/index.html', b'index\n')
    pids = d.pids()
    _phase(d, WARM)
    time.sleep(0.5)         # the last scripts reaped, their lines logged
    base = _rss(d)
    t0 = time.monotonic()
    _phase(d, RUN)
    took = time.monotonic() - t0
    time.sleep(0.5)
    after = _rss(d)
    assert d.pids() == pids, 'a role restarted: %r, was %r' % (d.pids(),
                                                              pids)
    print('RSS KiB after %d warm-up requests / after %d more (%.1fs): %s'
          % (WARM, RUN, took, ', '.join(
              '%s %d / %d' % (r, base[r], after[r]) for r in sorted(base))))
    if ct.SANITIZER:        # ASan's quarantine grows by design
        return
    grew = {r: after[r] - base[r] for r in base
            if after[r] - base[r] > SLACK_KIB}
    assert not grew, 'RSS grew by more than %d KiB over %d requests: %r' % (
        SLACK_KIB, RUN, grew)
