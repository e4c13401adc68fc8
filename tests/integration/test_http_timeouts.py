# SPDX-License-Identifier: ISC
"""
test_http_timeouts: the clocks that stop slow clients from holding a
connection: 408 ten seconds after a head's first byte (also when it
trickles), idle keep-alive closed after 5 s, silent connections closed.
"""

import threading
import time

from cgijail_test import Daemon, assert_error_page, wait_until

TIMEOUT = 40


def test_incomplete_head_gets_408_after_10s():
    with Daemon() as d, d.connect(timeout=16) as c:
        t0 = time.monotonic()
        c.send(b'GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n')
        r = c.read_response('GET', timeout=15)
        took = time.monotonic() - t0
        assert_error_page(r, 408, d)
        assert 8.0 <= took <= 13.0, 'answered after %.1fs' % took
        assert c.closed(2.0)


def test_trickled_head_gets_408_after_10s():
    """Slowloris: a byte every half second must not extend the clock."""
    with Daemon() as d, d.connect(timeout=16) as c:
        t0 = time.monotonic()
        c.send(b'GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ')
        while time.monotonic() - t0 < 15:
            try:
                c.send(b'a')
            except OSError:
                break
            # closed() stops early when bytes arrive (kept in c.buf)
            if c.closed(0.5) or c.buf:
                break
        took = time.monotonic() - t0
        assert c.buf, 'no 408 (closed or still open) after %.1fs' % took
        assert_error_page(c.read_response('GET', timeout=2), 408, d)
        assert 8.0 <= took <= 13.0, 'answered after %.1fs' % took


def test_idle_keepalive_closed_after_5s():
    with Daemon() as d, d.connect(timeout=12) as c:
        c.request('GET', '/')
        c.read_response()
        t0 = time.monotonic()
        closed = wait_until(lambda: c.closed(0.2), 10.0, 0)
        took = time.monotonic() - t0
        assert closed, 'idle connection still open after %.1fs' % took
        assert 4.0 <= took <= 7.5, 'idle close after %.1fs' % took


def test_silent_connection_is_closed():
    """A client that connects and never sends a byte is dropped."""
    with Daemon() as d, d.connect(timeout=16) as c:
        t0 = time.monotonic()
        closed = wait_until(lambda: c.closed(0.2), 14.0, 0)
        took = time.monotonic() - t0
        assert closed or c.buf, 'silent connection open after %.1fs' % took
        if c.buf:
            assert c.buf.startswith(b'HTTP/1.1 408'), bytes(c.buf[:100])


def test_slow_client_does_not_block_others():
    """While one client holds a half-sent head, others are served."""
    with Daemon() as d:
        holders = [d.connect(timeout=12) for _ in range(5)]
        try:
            for h in holders:
                h.send(b'GET / HTTP/1.1\r\n')
            t0 = time.monotonic()
            for _ in range(10):
                r = d.http('GET', '/', timeout=3)
                assert r.status == 200, r
            assert time.monotonic() - t0 < 3.0
        finally:
            for h in holders:
                h.close()


def test_timeouts_run_concurrently():
    """Two stalled heads started together both get their 408 near 10 s:
    the clock is per connection, not one queue."""
    with Daemon() as d:
        results = []

        def stall():
            with d.connect(timeout=16) as c:
                t0 = time.monotonic()
                c.send(b'GET / HTTP/1.1\r\n')
                try:
                    r = c.read_response('GET', timeout=15)
                    results.append((r.status, time.monotonic() - t0))
                except Exception as e:     # reported below
                    results.append((repr(e), time.monotonic() - t0))
        ts = [threading.Thread(target=stall) for _ in range(2)]
        for t in ts:
            t.start()
        for t in ts:
            t.join(20)
        assert len(results) == 2, results
        for status, took in results:
            assert status == 408 and took <= 13.0, results
