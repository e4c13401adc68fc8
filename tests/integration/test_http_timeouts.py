# SPDX-License-Identifier: ISC
"""
test_http_timeouts: the clocks that stop slow clients from holding a
connection: 408 ten seconds after a head's first byte (also when it
trickles), idle keep-alive closed after 5 s, silent connections closed.
A CGI request's body (all of it, or its first 24 KiB) is read before
its script starts, so bodies that do not come hold no script slot: 408
after 10 s without a byte of it, and until the script starts the
connection may be shed like one still sending its head.
"""

import re
import threading
import time

from cgijail_test import Daemon, assert_error_page, assert_status, wait_until

TIMEOUT = 40

ECHO = '#!/bin/sh\nprintf "Content-Type: text/plain\\r\\n\\r\\n"\nexec cat\n'
HELLO = ('#!/bin/sh\nprintf "Content-Type: text/plain\\r\\n\\r\\n'
         'hello\\n"\n')
SWALLOW = ('#!/bin/sh\ncat >/dev/null\nprintf "Content-Type: text/plain'
           '\\r\\n\\r\\nread it\\n"\n')
BODY_FILES = {'index.html': 'index\n', 'cgi-bin/echo.sh': ECHO,
              'cgi-bin/hello.sh': HELLO, 'cgi-bin/swallow.sh': SWALLOW}


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


def _post_head(d, length, chunked=False):
    if chunked:
        return ('POST /cgi-bin/echo.sh HTTP/1.1\r\nHost: %s\r\n'
                'Transfer-Encoding: chunked\r\n\r\n' % d.hostport).encode()
    return ('POST /cgi-bin/echo.sh HTTP/1.1\r\nHost: %s\r\n'
            'Content-Length: %d\r\n\r\n' % (d.hostport, length)).encode()


def test_bodies_that_do_not_come_hold_no_script_slot():
    """Slowloris on the body: 8 POST heads (max-scripts 4) whose bodies
    stop after 10 of 100 bytes.  No script starts for them, so another
    client's script is answered at once (it used to wait 10 s in the
    queue for a slot, then get 503, while the 4 scripts waited on their
    stdin until their timeout).  Once a held body is completed, its
    script gets all of it."""
    with Daemon(BODY_FILES, config_lines=['max-scripts 4']) as d:
        held = [d.connect(timeout=15) for _ in range(8)]
        try:
            for c in held:
                c.send(_post_head(d, 100) + b'x' * 10)
            time.sleep(0.5)
            t0 = time.monotonic()
            r = d.http('GET', '/cgi-bin/hello.sh', timeout=13)
            took = time.monotonic() - t0
            assert_status(r, 200)
            assert r.body == b'hello\n', r.body
            assert took < 3.0, 'answered after %.1fs' % took
            for c in held[:2]:
                c.send(b'y' * 90)
                r = c.read_response('POST', timeout=10)
                assert_status(r, 200)
                assert r.body == b'x' * 10 + b'y' * 90, r.body[:120]
        finally:
            for c in held:
                c.close()


def test_stalled_body_gets_408_after_10s():
    """A body that stops before its script started: 408 once 10 s pass
    without a byte of it (the script never ran: nothing to time out)."""
    with Daemon(BODY_FILES) as d, d.connect(timeout=20) as c:
        c.send(_post_head(d, 100) + b'x' * 10)
        time.sleep(3)
        c.send(b'x' * 10)       # progress: the clock starts again
        t0 = time.monotonic()
        r = c.read_response('POST', timeout=18)
        took = time.monotonic() - t0
        assert_error_page(r, 408, d)
        assert 8.0 <= took <= 13.0, 'answered after %.1fs' % took
        assert c.closed(2.0)
        assert not d.wait_log(r'cgi\[\d+\] /cgi-bin/echo\.sh', timeout=0.5), \
            'a script ran for a body that never came'


def test_body_that_stops_under_a_running_script_gets_408():
    """A body larger than what is read ahead: its script starts with the
    first 24 KiB and waits for the rest, which stops.  10 s after the
    last byte the script is told to stop and the client gets 408 (before,
    the script held its slot until its own timeout, 30 s, then 500; with
    timeout 0, for ever).  Its stdin closes as the kill is sent, so the
    script may see its body end and exit first: either way its slot is
    free at once, long before its timeout."""
    with Daemon(BODY_FILES) as d, d.connect(timeout=25) as c:
        c.send(('POST /cgi-bin/swallow.sh HTTP/1.1\r\nHost: %s\r\n'
                'Content-Length: 40000\r\n\r\n' % d.hostport).encode() +
               b'x' * 30000)
        t0 = time.monotonic()
        r = c.read_response('POST', timeout=22)
        took = time.monotonic() - t0
        assert_error_page(r, 408, d)
        assert 8.0 <= took <= 13.0, 'answered after %.1fs' % took
        assert d.wait_log(r'swallow\.sh: the request body stopped coming '
                          r'\(10 s without a byte\): script killed')
        end = d.wait_log(r'executor rid=\d+ \w+: cgi\[\d+\] '
                         r'/cgi-bin/swallow\.sh: (killed|exit \d+)',
                         timeout=5)
        assert end, 'the script did not end:\n' + d.log_tail()
        us = re.search(r'\((\d+) us\)', end)
        assert us and int(us.group(1)) < 15000000, end


def test_connections_still_sending_a_body_are_shed():
    """max-connections 4, all four sending a body slowly (two chunked,
    two with Content-Length): a fifth connection is still served, and
    one of the four is shed; before, a request whose head was in counted
    as being served until its end, so the fifth was refused."""
    with Daemon(BODY_FILES, config_lines=['max-connections 4']) as d:
        held = [d.connect(timeout=15) for _ in range(4)]
        try:
            for i, c in enumerate(held):
                if i % 2:
                    c.send(_post_head(d, 0, True) + b'64\r\n' + b'x' * 10)
                else:
                    c.send(_post_head(d, 100) + b'x' * 10)
                time.sleep(0.1)
            time.sleep(0.5)
            r = d.http('GET', '/index.html', timeout=5)
            assert_status(r, 200)
            shed = [c for c in held if c.closed(0.5)]
            assert len(shed) == 1, '%d of 4 shed' % len(shed)
            assert shed[0] is held[0], 'the oldest was not the one shed'
        finally:
            for c in held:
                c.close()
