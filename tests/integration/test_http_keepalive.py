# SPDX-License-Identifier: ISC
"""
test_http_keepalive: persistent connections, pipelining, HTTP/1.0, HEAD,
and that request bodies never desynchronise a connection (smuggling).
"""

import socket
import time

from cgijail_test import Daemon, build_request, assert_status

FILES = {
    'index.html': '<html>index</html>\n',
    'a.txt': 'alpha\n',
    'b.txt': 'bravo bravo\n',
    'c.txt': 'charlie charlie charlie\n',
}
BODY = {'/a.txt': b'alpha\n', '/b.txt': b'bravo bravo\n',
        '/c.txt': b'charlie charlie charlie\n'}


def test_http11_keeps_connection_open():
    with Daemon(FILES) as d, d.connect() as c:
        for path in ('/a.txt', '/b.txt', '/c.txt', '/missing', '/a.txt'):
            c.request('GET', path)
            r = c.read_response()
            assert_status(r, 404 if path == '/missing' else 200)
            if r.status == 200:
                assert r.body == BODY[path]
            assert (r.get('Connection') or '').lower() != 'close', r.head()
        assert not c.closed(0.3), 'keep-alive connection was closed'


def test_pipelining_three_requests_in_one_send():
    with Daemon(FILES) as d, d.connect() as c:
        raw = b''.join(build_request(m, p, hostport=d.hostport)
                       for m, p in (('GET', '/a.txt'), ('HEAD', '/b.txt'),
                                    ('GET', '/c.txt')))
        c.send(raw)
        ra, rb, rc = c.read_responses(3, ['GET', 'HEAD', 'GET'])
        assert_status(ra, 200)
        assert_status(rb, 200)
        assert_status(rc, 200)
        assert ra.body == BODY['/a.txt']
        assert rb.body == b'' and rb.get('Content-Length') == str(
            len(BODY['/b.txt']))
        assert rc.body == BODY['/c.txt']
        assert not c.closed(0.3)


def test_pipelining_fifty_requests_answered_in_order():
    paths = ['/a.txt', '/b.txt', '/c.txt', '/nope'] * 13
    paths = paths[:50]
    with Daemon(FILES) as d, d.connect(timeout=20) as c:
        c.send(b''.join(build_request('GET', p, hostport=d.hostport)
                        for p in paths))
        for i, p in enumerate(paths):
            r = c.read_response('GET')
            if p == '/nope':
                assert_status(r, 404)
            else:
                assert_status(r, 200)
                assert r.body == BODY[p], (i, p, r.body)


def test_pipelined_malformed_request_closes_after_answer():
    with Daemon(FILES) as d, d.connect() as c:
        c.send(build_request('GET', '/a.txt', hostport=d.hostport) +
               b'GET /b.txt HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n' +
               build_request('GET', '/c.txt', hostport=d.hostport))
        r1 = c.read_response('GET')
        assert_status(r1, 200)
        assert r1.body == BODY['/a.txt']
        r2 = c.read_response('GET')
        assert_status(r2, 400)
        assert c.closed(2.0), 'connection still open after a 400'


def test_http10_closes_by_default():
    with Daemon(FILES) as d, d.connect() as c:
        c.send(b'GET /a.txt HTTP/1.0\r\n\r\n')
        r = c.read_response('GET')
        assert_status(r, 200)
        assert c.closed(2.0), 'HTTP/1.0 connection left open'


def test_http10_keepalive_when_asked():
    with Daemon(FILES) as d, d.connect() as c:
        for path in ('/a.txt', '/b.txt'):
            c.send(('GET %s HTTP/1.0\r\nConnection: keep-alive\r\n\r\n' %
                    path).encode())
            r = c.read_response('GET')
            assert_status(r, 200)
            assert r.body == BODY[path]
            assert r.get('Content-Length') == str(len(BODY[path]))
        assert not c.closed(0.3)


def test_connection_close_is_honoured():
    with Daemon(FILES) as d, d.connect() as c:
        c.request('GET', '/a.txt', {'Connection': 'close'})
        r = c.read_response()
        assert_status(r, 200)
        assert 'close' in (r.get('Connection') or '').lower(), r.head()
        assert c.closed(2.0)


def test_head_has_get_headers_and_no_body():
    with Daemon(FILES) as d, d.connect() as c:
        for path in ('/c.txt', '/index.html', '/', '/missing'):
            c.request('HEAD', path)
            h = c.read_response()
            # a GET right behind proves the HEAD sent no body bytes
            c.request('GET', path)
            g = c.read_response()
            assert h.status == g.status, (path, h.status, g.status)
            assert h.body == b''
            for name in ('Content-Type', 'Content-Length', 'ETag',
                         'Last-Modified', 'Accept-Ranges', 'Server'):
                assert h.get(name) == g.get(name), (path, name, h.head(),
                                                    g.head())
            assert h.get('Date')
        assert not c.closed(0.3)


def test_body_of_get_is_skipped_not_parsed():
    """A body that looks like a request must never be answered."""
    with Daemon(FILES) as d, d.connect() as c:
        inner = b'GET /c.txt HTTP/1.1\r\nHost: x\r\n\r\n'
        c.send(build_request('GET', '/a.txt', body=inner,
                             hostport=d.hostport) +
               build_request('GET', '/b.txt', hostport=d.hostport))
        r1 = c.read_response('GET')
        assert r1.body == BODY['/a.txt'], r1
        # the body is skipped and /b.txt answered, or the connection is
        # closed: never an answer for the smuggled /c.txt
        if not c.closed(0.3):
            r2 = c.read_response('GET')
            assert r2.body == BODY['/b.txt'], r2
            assert not c.closed(0.5), 'unexpected bytes after 2 answers'


def test_chunked_body_of_get_is_skipped_not_parsed():
    with Daemon(FILES) as d, d.connect() as c:
        inner = b'GET /c.txt HTTP/1.1\r\nHost: x\r\n\r\n'
        chunked = b'%x\r\n%s\r\n0\r\n\r\n' % (len(inner), inner)
        c.send(build_request('GET', '/a.txt',
                             {'Transfer-Encoding': 'chunked'}, chunked,
                             hostport=d.hostport) +
               build_request('GET', '/b.txt', hostport=d.hostport))
        r1 = c.read_response('GET')
        assert r1.body == BODY['/a.txt'], r1
        # either the body was skipped and /b.txt is answered, or the
        # connection is closed: never an answer for the smuggled /c.txt
        if not c.closed(0.3):
            r2 = c.read_response('GET')
            assert r2.body == BODY['/b.txt'], r2
            assert not c.closed(0.5)


def test_body_of_405_does_not_become_a_request():
    with Daemon(FILES) as d, d.connect() as c:
        inner = b'GET /c.txt HTTP/1.1\r\nHost: x\r\n\r\n'
        c.send(build_request('POST', '/a.txt', body=inner,
                             hostport=d.hostport))
        r1 = c.read_response('POST')
        assert_status(r1, 405)
        if c.closed(0.3):
            return
        c.request('GET', '/b.txt')
        r2 = c.read_response()
        assert r2.body == BODY['/b.txt'], r2


def test_keepalive_survives_404_and_304():
    with Daemon(FILES) as d, d.connect() as c:
        c.request('GET', '/a.txt')
        etag = c.read_response().get('ETag')
        c.request('GET', '/missing')
        assert_status(c.read_response(), 404)
        c.request('GET', '/a.txt', {'If-None-Match': etag})
        assert_status(c.read_response(), 304)
        c.request('GET', '/c.txt')
        r = c.read_response()
        assert_status(r, 200)
        assert r.body == BODY['/c.txt']


def test_split_writes_are_reassembled():
    """A request that arrives a few bytes at a time is one request."""
    with Daemon(FILES) as d, d.connect() as c:
        raw = build_request('GET', '/b.txt', {'X-Pad': 'p' * 50},
                            hostport=d.hostport)
        for i in range(0, len(raw), 7):
            c.send(raw[i:i + 7])
            time.sleep(0.005)
        r = c.read_response('GET')
        assert_status(r, 200)
        assert r.body == BODY['/b.txt']


def _late_body_then_end(d, head, body):
    """Send a Connection: close head alone, read its whole response, then
    the body the server never reads and our FIN: the server must still
    be reading (lingering), so the end is its FIN, never a reset."""
    with d.connect() as c:
        c.send(head)
        r = c.read_response('GET')
        assert (r.get('Connection') or '').lower() == 'close', r.head()
        assert not c.buf, bytes(c.buf[:100])
        # the body, after the response: a closed socket would answer
        # it with a reset (raw here: Conn reads a reset as an end)
        try:
            time.sleep(0.1)
            c.sock.sendall(body)
            time.sleep(0.3)
            c.sock.shutdown(socket.SHUT_WR)
            end = c.sock.recv(65536)
        except OSError as e:    # reset, broken pipe, no longer connected
            raise AssertionError('%s after a body the server did not '
                                 'read: it closed without lingering' % e)
        assert end == b'', end[:100]
        return r


def test_a_body_sent_after_the_response_is_drained_not_reset():
    """A Connection: close request with a body a static file never
    reads: the close waits for it (a body may be on its way), so the
    client sees an end, not a reset."""
    with Daemon(FILES) as d:
        body = b'x' * 65536
        r = _late_body_then_end(d, (
            'GET /a.txt HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n'
            'Content-Length: %d\r\n\r\n' % (d.hostport, len(body))).encode(),
            body)
        assert_status(r, 200)
        r = _late_body_then_end(d, (
            'GET /a.txt HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n'
            'Transfer-Encoding: chunked\r\n\r\n' % d.hostport).encode(),
            b'10000\r\n' + body + b'\r\n0\r\n\r\n')
        assert_status(r, 200)
