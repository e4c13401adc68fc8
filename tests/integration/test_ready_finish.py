# SPDX-License-Identifier: ISC
"""
test_ready_finish: a script that has answered is not killed (issue 10).
Once its response is complete (here: all of its Content-Length), a
client that goes away no longer ends the script: its later work
happens and the log shows its real end, never "killed: client gone";
a script whose response is still incomplete is killed when the client
leaves; output beyond the script's own Content-Length is discarded and
the next pipelined request on the connection is answered (or the
response said Connection: close), never a silent close.

Markers are written into a jail-bind-rw directory made under /var/tmp
(jail-bind under /tmp is test_ready_config's business).
"""

import os
import pwd
import re
import shutil
import socket
import tempfile
import time

from cgijail_test import (Daemon, ERROR_RE, ProtocolError, SLOW,
                          assert_status, wait_until)

HERE = os.path.dirname(os.path.abspath(__file__))
NOBODY = pwd.getpwnam('nobody').pw_uid
INDEX = b'<html>finish index</html>\n'
END_OK = re.compile(r'\bexit(?:ed)?(?: with)?(?: status)? 0\b')


def fixture(name, mode=0o755):
    """A script from tests/integration/cgi-bin, as a docroot_files value."""
    with open(os.path.join(HERE, 'cgi-bin', name), 'rb') as f:
        return (f.read(), mode)


class Spool:
    """A directory owned by the script user, bound read-write into the
    jail at its own path."""

    def __enter__(self):
        self.dir = tempfile.mkdtemp(prefix='cgijail-ready-', dir='/var/tmp')
        os.chmod(self.dir, 0o755)
        os.chown(self.dir, NOBODY, NOBODY)
        return self

    def __exit__(self, *exc):
        shutil.rmtree(self.dir, ignore_errors=True)

    def path(self, name):
        return os.path.join(self.dir, name)


def _daemon(spool, *names):
    files = {'index.html': INDEX}
    for n in names:
        files['cgi-bin/' + n] = fixture(n)
    return Daemon(files, config_lines=['jail-bind-rw %s' % spool.dir,
                                       'timeout 10'])


def _rid(d, pred, timeout=3.0):
    """The rid of the first access line satisfying pred."""
    m = wait_until(lambda: next((m for m in d.access_lines() if pred(m)),
                                None), timeout)
    assert m, 'no access line found:\n' + d.log_tail(10)
    return m['rid']


def _lines(d, rid):
    """The error lines of request rid: (level, text)."""
    out = []
    for ln in d.log().splitlines():
        m = ERROR_RE.match(ln)
        if m and m['rid'] == rid:
            out.append((m['level'], m['text']))
    return out


def _check_finished(d, rid, marker, how):
    """The script of request rid went on after its answer: never killed
    for a vanished client, the marker exists, its late stderr line and
    its real end (exit 0) are logged."""
    def text():
        return '\n'.join('%s: %s' % lt for lt in _lines(d, rid))
    wait_until(lambda: [t for _, t in _lines(d, rid)
                        if END_OK.search(t) or 'kill' in t], 4.0 * SLOW)
    gone = [t for _, t in _lines(d, rid) if 'client gone' in t]
    assert not gone, ('%s: a script that had answered was killed when '
                      'the client left (rid %s):\n%s' % (how, rid, text()))
    assert wait_until(lambda: os.path.exists(marker), 2.0 * SLOW), (
        '%s: the work the script did after answering never happened '
        '(no %s); rid %s:\n%s' % (how, marker, rid, text()))
    assert wait_until(lambda: [t for _, t in _lines(d, rid)
                               if END_OK.search(t)], 2.0 * SLOW), (
        '%s: no "exit 0" logged for the script (rid %s):\n%s' % (
            how, rid, text()))
    assert wait_until(lambda: [t for _, t in _lines(d, rid)
                               if 'late work done after answering' in t],
                      2.0 * SLOW), (
        '%s: the stderr line written after answering is not logged '
        '(rid %s):\n%s' % (how, rid, text()))


def test_answered_script_finishes_after_a_keepalive_client_leaves():
    """Keep-alive: the client reads the whole answer and closes."""
    with Spool() as sp:
        d = _daemon(sp, 'answer_then_work.sh')
        with d:
            marker = sp.path('keepalive')
            with d.connect() as c:
                c.request('GET', '/cgi-bin/answer_then_work.sh?' + marker)
                r = c.read_response()
                assert_status(r, 200)
                assert r.body == b'answered\n', r
            rid = _rid(d, lambda m: 'keepalive' in m['request'])
            _check_finished(d, rid, marker, 'keep-alive, client closed')


def test_answered_script_finishes_after_connection_close():
    """Connection: close: the answer is complete, the connection ends."""
    with Spool() as sp:
        d = _daemon(sp, 'answer_then_work.sh')
        with d:
            marker = sp.path('close')
            r = d.get('/cgi-bin/answer_then_work.sh?' + marker)
            assert_status(r, 200)
            assert r.body == b'answered\n', r
            rid = _rid(d, lambda m: '?' + marker in m['request'])
            _check_finished(d, rid, marker, 'Connection: close')


def test_unfinished_response_is_killed_when_the_client_leaves():
    """The response is not complete (no Content-Length, script still
    working): the client's leaving kills the script, and the log says
    client gone."""
    with Spool() as sp:
        d = _daemon(sp, 'unfinished.sh')
        with d:
            marker = sp.path('unfinished')
            s = socket.create_connection((d.bind, d.port), timeout=5)
            try:
                s.sendall(('GET /cgi-bin/unfinished.sh?%s HTTP/1.1\r\n'
                           'Host: %s\r\n\r\n' % (marker, d.hostport))
                          .encode())
                got, deadline = b'', time.monotonic() + 5.0
                while b'part one' not in got and time.monotonic() < deadline:
                    chunk = s.recv(4096)
                    if not chunk:
                        break
                    got += chunk
                assert b'part one' in got, got
            finally:
                s.close()
            t_closed = time.monotonic()
            rid = _rid(d, lambda m: 'unfinished' in m['request'], 4.0)
            gone = wait_until(lambda: [t for _, t in _lines(d, rid)
                                       if 'client gone' in t], 3.0 * SLOW)
            assert gone, ('no "client gone" for a script whose response '
                          'was incomplete (rid %s):\n%s' % (
                              rid, _lines(d, rid)))
            # it would have written the marker 3 s after it started
            time.sleep(max(0.0, t_closed + 3.5 * SLOW - time.monotonic()))
            assert not os.path.exists(marker), (
                'the script went on after its client left mid-response')


def _overlong(d, query):
    """overlong.sh then /index.html, pipelined on one connection."""
    with d.connect() as c:
        c.request('GET', '/cgi-bin/overlong.sh' + query)
        c.request('GET', '/index.html')
        r1 = c.read_response()
        assert_status(r1, 200)
        assert r1.body == b'hello', (
            'the response carries more or less than its Content-Length: '
            '%r' % r1.body[:100])
        closing = (r1.get('Connection') or '').lower() == 'close'
        try:
            r2, err = c.read_response(), None
        except (ProtocolError, OSError, TimeoutError) as e:
            r2, err = None, e
        if r2 is None:
            assert closing, (
                'after a script wrote more than its Content-Length, the '
                'pipelined request got no answer (%s) and the first '
                'response did not say Connection: close' % err)
            assert c.closed(2.0), 'Connection: close, but left open'
            return
        assert not closing, 'an answer after Connection: close: %r' % r2
        assert_status(r2, 200)
        assert r2.body == INDEX, (
            'the pipelined request got %r (the script\'s excess?)' % (
                r2.body[:100],))


def test_output_beyond_content_length_is_discarded():
    """The excess (a forged response) never reaches the client, and the
    next pipelined request is answered correctly, whether the excess
    comes at once or half a second later."""
    with Spool() as sp:
        d = _daemon(sp, 'overlong.sh')
        with d:
            _overlong(d, '')
            _overlong(d, '?late')
