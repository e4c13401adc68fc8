# SPDX-License-Identifier: ISC
"""
test_signals: what the parent does on SIGTERM/SIGINT (graceful stop:
in-flight requests finish within 3 s, exit 0, nothing left, port free)
and on SIGHUP (reload; a broken config keeps the old one serving).
"""

import os
import signal
import threading
import time

from cgijail_test import (Daemon, assert_status, port_listening, wait_until,
                          build_request)

BIG = os.urandom(1 << 20) * 10      # 10 MiB


def _port_free(d):
    return not port_listening(d.port, d.bind, timeout=0.5)


def test_sigterm_idle_exits_0_and_frees_port():
    d = Daemon()
    p = d.wait_pids()
    t0 = time.monotonic()
    rc = d.stop(signal.SIGTERM, timeout=3.5)
    assert rc == 0, rc
    assert time.monotonic() - t0 < 3.5
    assert _port_free(d)
    for role in ('front', 'executor'):
        assert not os.path.exists('/proc/%d' % p[role]), role


def test_sigint_is_a_graceful_stop_too():
    d = Daemon()
    assert d.stop(signal.SIGINT, timeout=3.5) == 0
    assert _port_free(d)


def test_sigterm_with_idle_keepalive_connection():
    d = Daemon()
    with d.connect() as c:
        c.request('GET', '/')
        assert_status(c.read_response(), 200)
        t0 = time.monotonic()
        rc = d.stop(signal.SIGTERM, timeout=3.5)
        took = time.monotonic() - t0
        assert rc == 0, rc
        assert took < 3.5, took
        assert c.closed(1.0), 'keep-alive connection open after exit'
    assert _port_free(d)


def test_sigterm_answers_a_request_already_on_an_idle_connection():
    """A keep-alive connection idle when the stop begins is closed, but
    not over a request that has already arrived unread: closing a socket
    with unread bytes resets it, and the client (haproxy, say) gets
    neither the answer nor a clean close to retry on.  The front is
    stopped while the parent's shutdown and then the request queue up
    for it, so that it sees the shutdown first: deterministic."""
    d = Daemon({'index.html': 'i\n'})
    front = d.wait_pids()['front']
    with d.connect() as c:
        c.request('GET', '/index.html')
        assert_status(c.read_response(), 200)
        os.kill(front, signal.SIGSTOP)
        try:
            d.send_signal(signal.SIGTERM)
            # the parent's MSG_SHUTDOWN waits in the front's socket
            assert d.wait_log('stopping', 3.0), d.log_tail()
            time.sleep(0.2)
            c.request('GET', '/index.html?second')
            time.sleep(0.2)
        finally:
            os.kill(front, signal.SIGCONT)
        r = c.read_response()
        assert_status(r, 200)
        assert r.body == b'i\n', r
        assert c.closed(2.0), 'the connection stays open'
    assert d.stop(None, timeout=5.0) == 0


def test_sigterm_lets_inflight_download_finish():
    """A 10 MiB download under way when SIGTERM arrives still completes
    if the client keeps reading, and the daemon then exits 0."""
    d = Daemon({'index.html': 'i\n', 'big.bin': BIG})
    with d.connect(timeout=10, rcvbuf=65536) as c:
        c.send(build_request('GET', '/big.bin', hostport=d.hostport))
        # read a little, so the transfer is truly in flight
        while len(c.buf) < 256 * 1024:
            assert c._fill(time.monotonic() + 5)
        result = {}

        def stopper():
            try:
                result['rc'] = d.stop(signal.SIGTERM, timeout=5.0)
            except AssertionError as e:
                result['error'] = str(e)
        t = threading.Thread(target=stopper)
        t.start()
        time.sleep(0.2)
        r = c.read_response('GET', timeout=4)
        t.join(6)
        assert r.status == 200
        assert len(r.body) == len(BIG) and r.body == BIG, len(r.body)
    assert result.get('rc') == 0, result
    assert _port_free(d)


def test_sigterm_stops_accepting():
    d = Daemon({'index.html': 'i\n', 'big.bin': BIG})
    with d.connect(timeout=10) as c:
        c.send(build_request('GET', '/big.bin', hostport=d.hostport))
        assert c._fill(time.monotonic() + 5)
        d.send_signal(signal.SIGTERM)
        time.sleep(0.3)
        # a new client is refused or dropped, never served
        try:
            data = d.request(b'GET / HTTP/1.0\r\n\r\n', timeout=2)
        except OSError:
            data = b''
        assert not data.startswith(b'HTTP/1.1 200'), data[:100]
        c.close()
    assert d.stop(sig=None, timeout=5.0) == 0


def test_sigterm_kills_stuck_request_after_grace():
    """A client that stops reading cannot hold the exit beyond ~3 s."""
    d = Daemon({'index.html': 'i\n', 'big.bin': BIG})
    with d.connect(timeout=10, rcvbuf=4096) as c:
        c.send(build_request('GET', '/big.bin', hostport=d.hostport))
        assert c._fill(time.monotonic() + 5)
        t0 = time.monotonic()
        rc = d.stop(signal.SIGTERM, timeout=5.0)
        took = time.monotonic() - t0
        assert rc == 0, rc
        assert 2.0 <= took <= 4.5, 'exit %.1fs after SIGTERM' % took
    assert _port_free(d)


def test_sighup_reload_applies_new_config():
    d = Daemon({'index.html': 'i\n', 'list/a.txt': 'a\n'},
               config_lines=['autoindex off'])
    d.expect_restart = True
    with d:
        assert_status(d.get('/list/'), 403)
        d.write_config(['autoindex on'])
        d.send_signal(signal.SIGHUP)
        ok = wait_until(lambda: d.answers(0.5) and
                        d.get('/list/').status == 200, 3.0)
        assert ok, 'autoindex still off after SIGHUP'
        assert b'a.txt' in d.get('/list/').body


def test_sighup_with_broken_config_keeps_serving():
    d = Daemon({'index.html': 'i\n', 'list/a.txt': 'a\n'},
               config_lines=['autoindex on'])
    d.expect_restart = True
    with d:
        assert_status(d.get('/list/'), 200)
        d.write_config(['# broken', 'autoindex on', 'no-such-keyword 1'])
        d.send_signal(signal.SIGHUP)
        line = d.wait_log(r'cgijail\.conf:3', 3.0)
        assert line, 'broken config not logged with file:line'
        time.sleep(0.2)
        assert d.running()
        assert_status(d.get('/list/'), 200)


def test_sigterm_exit_is_quick_under_load():
    """Clients hammering during SIGTERM do not delay the exit."""
    d = Daemon({'index.html': 'i\n'})
    stop = threading.Event()

    def hammer():
        while not stop.is_set():
            try:
                d.request(build_request('GET', '/', {'Connection': 'close'},
                                        hostport=d.hostport), timeout=1)
            except OSError:
                time.sleep(0.01)
    ts = [threading.Thread(target=hammer) for _ in range(4)]
    for t in ts:
        t.start()
    try:
        time.sleep(0.3)
        t0 = time.monotonic()
        rc = d.stop(timeout=4.0)
        assert rc == 0 and time.monotonic() - t0 < 3.5
    finally:
        stop.set()
        for t in ts:
            t.join(5)
