# SPDX-License-Identifier: ISC
"""
test_slowloris: request heads sent one byte every 2-3 s are cut by
the head timeout (408 after 10 s) and, past max-connections-per-client,
shed oldest first (never refused: one address may be a whole class
behind NAT), while normal clients are still answered, quickly, during
and after.
"""

import re
import time

from cgijail_test import Daemon, SLOW, wait_until
from loadkit import SOURCES, SlowPool, attempt, expect, fd_count

TIMEOUT = 80

HEAD_TIMEOUT = 10.0         # FRONT_HEAD_TIMEOUT_MS
PER_CLIENT = 64             # max-connections-per-client in the cap test
INDEX = b'<html>load index</html>\n'
HELLO_SH = ('#!/bin/sh\nprintf "Content-Type: text/plain\\n\\n'
            'hello from cgi\\n"\n')
HELLO = b'hello from cgi\n'
FILES = {'index.html': INDEX, 'cgi-bin/hello.sh': HELLO_SH}


def _normal(d, i, src=None, limit=1.0):
    """Request i of the normal traffic: static and CGI in turn."""
    if i % 2:
        return expect(d, '/cgi-bin/hello.sh', HELLO, src, limit)
    return expect(d, '/index.html', INDEX, src, limit)


def _check_cut(pool, first_wave):
    """Each connection of the first wave was ended by a 408 within the
    head timeout (plus slack) of its first byte."""
    bad, ages = [], []
    slack = 2.5 * SLOW
    for sc in first_wave:
        if sc.t_closed is None:
            bad.append('%s still open %.1fs after its first byte' % (
                sc.src, time.monotonic() - sc.t_first))
            continue
        age = sc.t_closed - sc.t_first
        ages.append(age)
        # the version is not known yet: 1.0 or 1.1 are both right
        if not re.match(rb'HTTP/1\.[01] 408 ', sc.reply):
            bad.append('%s closed after %.1fs with %r' % (
                sc.src, age, sc.reply[:40]))
        elif age > HEAD_TIMEOUT + slack:
            bad.append('%s cut only after %.1fs' % (sc.src, age))
    assert not bad, '%d of %d slow connections:\n%s' % (
        len(bad), len(first_wave), '\n'.join(bad[:10]))
    return min(ages), max(ages)


def test_slowloris_300_connections_do_not_starve_normal_clients():
    d = Daemon(FILES)
    pool = SlowPool(d, 300, SOURCES, refill=True, max_secs=60 * SLOW)
    took = []
    try:
        pool.open()
        first_wave = list(pool.conns)
        assert not pool.errors, pool.errors[:5]
        # the attack is real: the front holds every slow connection
        held = wait_until(lambda: (fd_count(d.pids()['front']) or 0) >= 300,
                          3.0 * SLOW)
        assert held, 'front holds only %s fds' % fd_count(d.pids()['front'])
        t0 = time.monotonic()
        for i in range(50):
            took.append(_normal(d, i))
            time.sleep(max(0.0, t0 + 0.2 * (i + 1) - time.monotonic()))
        # the first wave must all have met the head timeout by now
        last_first = max(sc.t_first for sc in first_wave)
        wait_until(lambda: all(sc.t_closed for sc in first_wave),
                   last_first + (HEAD_TIMEOUT + 2.5) * SLOW -
                   time.monotonic())
        lo, hi = _check_cut(pool, first_wave)
        # refilled: the attack goes on, and so does normal service
        assert len(pool.live()) >= 250, len(pool.live())
        for i in range(4):
            took.append(_normal(d, i))
        assert not pool.errors, pool.errors[:5]
        print('slow connections opened %d, cut after %.1f-%.1fs; normal '
              'requests %d, slowest %.3fs' % (pool.made, lo, hi, len(took),
                                              max(took)))
    finally:
        pool.stop()
    for i in range(4):
        _normal(d, i)


def test_per_address_cap_protects_other_addresses():
    """max-connections-per-client 64 and 200 slow connections from
    127.0.0.2: the daemon keeps the 64 newest and sheds the oldest,
    unanswered; 127.0.0.3 and 127.0.0.1 are served meanwhile, and so is
    a new connection from 127.0.0.2 itself (it sheds another slow one:
    the address is limited, never refused)."""
    d = Daemon(FILES, config_lines=['max-connections-per-client %d'
                                    % PER_CLIENT])
    pool = SlowPool(d, 200, ['127.0.0.2'], refill=False, max_secs=30 * SLOW)
    try:
        pool.open()
        wait_until(lambda: len(pool.live()) <= PER_CLIENT, 3.0 * SLOW)
        time.sleep(0.5)
        live = pool.live()
        assert len(live) == PER_CLIENT, (
            '%d of 200 slow connections from one address kept open, '
            'expected the cap of %d' % (len(live), PER_CLIENT))
        dropped = [sc for sc in pool.conns if sc.sock is None]
        assert dropped == pool.conns[:200 - PER_CLIENT], (
            'not the oldest slow connections were shed')
        answered = [sc.reply[:40] for sc in dropped if sc.reply]
        assert not answered, 'shed connections got %r' % answered[:3]
        for i in range(6):
            _normal(d, i, src='127.0.0.3')
            _normal(d, i, src='127.0.0.1')
        # the limited address itself is served: its oldest slow one goes
        for i in range(4):
            _normal(d, i, src='127.0.0.2')
        assert wait_until(lambda: len(pool.live()) < PER_CLIENT,
                          2.0 * SLOW), 'no slow connection was shed for them'
        assert not pool.errors, pool.errors[:5]
    finally:
        pool.stop()
    for i in range(4):
        _normal(d, i, src='127.0.0.2')
