# SPDX-License-Identifier: ISC
"""
test_cgi_body: request bodies through the CGI relay.  A 5 MiB multipart
upload and a chunked POST arrive intact (checked by sha256); a script
that writes 10 MiB before it reads its 10 MiB body completes (flow
control both ways); a script that never reads its body leaves the
connection either in step or closed, never desynchronised; Expect:
100-continue gets its interim answer before the body is sent.  The
chunked bodies the front holds while it de-chunks them are bounded in
all (twice max-body, at least 128 MiB): one more gets 503, and the
front's memory stays within that bound.
"""

import hashlib
import json
import os
import threading
import time

from cgijail_test import (Daemon, ProtocolError, SANITIZER, assert_status,
                          build_request)

UPLOAD = r'''#!/usr/bin/python3
import email.parser, email.policy, hashlib, json, os, sys
n = int(os.environ['CONTENT_LENGTH'])
body = sys.stdin.buffer.read(n)
head = 'Content-Type: %s\r\n\r\n' % os.environ['CONTENT_TYPE']
msg = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
    head.encode() + body)
parts = []
for part in msg.iter_parts():
    data = part.get_payload(decode=True) or b''
    parts.append({'name': part.get_param('name',
                                         header='content-disposition'),
                  'filename': part.get_filename(), 'size': len(data),
                  'sha256': hashlib.sha256(data).hexdigest()})
sys.stdout.write('Content-Type: application/json\r\n\r\n')
sys.stdout.write(json.dumps({'length': n, 'got': len(body),
                             'parts': parts}))
'''

SUM = r'''#!/usr/bin/python3
import hashlib, json, os, sys
body = sys.stdin.buffer.read()
sys.stdout.write('Content-Type: application/json\r\n\r\n' + json.dumps({
    'CONTENT_LENGTH': os.environ.get('CONTENT_LENGTH'),
    'te': os.environ.get('HTTP_TRANSFER_ENCODING'),
    'len': len(body), 'sha256': hashlib.sha256(body).hexdigest()}))
'''

# 10 MiB out before a byte is read, then the 10 MiB body in
BOTHWAYS = r'''#!/usr/bin/python3
import hashlib, os, sys
out = sys.stdout.buffer
out.write(b'Content-Type: application/octet-stream\r\n\r\n')
block = bytes(range(256)) * 256
for _ in range(160):
    out.write(block)
out.flush()
n = int(os.environ['CONTENT_LENGTH'])
h, got = hashlib.sha256(), 0
while got < n:
    b = sys.stdin.buffer.read(min(65536, n - got))
    if not b:
        break
    h.update(b)
    got += len(b)
out.write(b'\n%d %s\n' % (got, h.hexdigest().encode()))
'''

NOREAD = ('#!/bin/sh\nprintf "Content-Type: text/plain\\r\\n\\r\\n'
          'ignored the body\\n"\n')
NOREAD_LEN = ('#!/bin/sh\nprintf "Content-Type: text/plain\\r\\n'
              'Content-Length: 5\\r\\n\\r\\nnoted"\n')

FILES = {
    'index.html': 'index\n',
    'cgi-bin/upload.py': UPLOAD,
    'cgi-bin/sum.py': SUM,
    'cgi-bin/bothways.py': BOTHWAYS,
    'cgi-bin/noread.sh': NOREAD,
    'cgi-bin/noread_len.sh': NOREAD_LEN,
    'hello.txt': 'hello\n',
}


def _multipart(fields, boundary):
    out = bytearray()
    for name, filename, data in fields:
        out += b'--' + boundary + b'\r\n'
        disp = 'form-data; name="%s"' % name
        if filename:
            disp += '; filename="%s"' % filename
        out += ('Content-Disposition: %s\r\n' % disp).encode()
        if filename:
            out += b'Content-Type: application/octet-stream\r\n'
        out += b'\r\n' + data + b'\r\n'
    out += b'--' + boundary + b'--\r\n'
    return bytes(out)


def test_multipart_upload_5mib():
    data = os.urandom(5 * 1024 * 1024)
    # a payload full of CRLFs and near-boundaries
    data = data[:1000] + b'\r\n--xx\r\n' * 100 + data[1000:]
    boundary = b'----cgijail' + os.urandom(8).hex().encode()
    body = _multipart([('comment', None, b'caf\xc3\xa9'),
                       ('file', 'big.bin', data)], boundary)
    with Daemon(FILES) as d:
        r = d.http('POST', '/cgi-bin/upload.py', [
            ('Content-Type', 'multipart/form-data; boundary=' +
             boundary.decode())], body, timeout=30)
        assert_status(r, 200)
        out = json.loads(r.body)
        assert out['length'] == out['got'] == len(body), out
        assert [p['name'] for p in out['parts']] == ['comment', 'file']
        f = out['parts'][1]
        assert f['filename'] == 'big.bin'
        assert f['size'] == len(data), f
        assert f['sha256'] == hashlib.sha256(data).hexdigest()
        assert out['parts'][0]['size'] == 5


def _chunked(body, sizes):
    out, i, k = bytearray(), 0, 0
    while i < len(body):
        n = sizes[k % len(sizes)]
        k += 1
        piece = body[i:i + n]
        i += n
        out += b'%x\r\n' % len(piece) + piece + b'\r\n'
    return bytes(out) + b'0\r\n\r\n'


def test_chunked_post_gets_exact_length():
    body = os.urandom(300000)
    with Daemon(FILES) as d:
        for sizes, ext in (([1, 7, 4096, 65536, 3], b''),
                           ([100000], b';ext=1')):
            enc = _chunked(body, sizes)
            if ext:
                enc = enc.replace(b'\r\n', ext + b'\r\n', 1)
            head = ('POST /cgi-bin/sum.py HTTP/1.1\r\nHost: h\r\n'
                    'Transfer-Encoding: chunked\r\n'
                    'Content-Type: application/octet-stream\r\n\r\n')
            with d.connect(20) as c:
                c.send(head.encode())
                # in pieces, so the front de-chunks across reads
                for i in range(0, len(enc), 50000):
                    c.send(enc[i:i + 50000])
                r = c.read_response('POST')
                assert_status(r, 200)
                out = json.loads(r.body)
                assert out['CONTENT_LENGTH'] == str(len(body)), out
                assert out['te'] is None, out
                assert out['len'] == len(body)
                assert out['sha256'] == hashlib.sha256(body).hexdigest()
                # the connection is still in step
                c.request('GET', '/hello.txt')
                r = c.read_response()
                assert_status(r, 200)
                assert r.body == b'hello\n'
        # empty chunked body: CONTENT_LENGTH 0
        r = d.http('POST', '/cgi-bin/sum.py',
                   [('Transfer-Encoding', 'chunked')], b'0\r\n\r\n')
        assert_status(r, 200)
        assert json.loads(r.body)['CONTENT_LENGTH'] == '0'


def test_write_10mib_before_reading_10mib_body():
    body = os.urandom(10 * 1024 * 1024)
    with Daemon(FILES) as d:
        c = d.connect(30)
        head = ('POST /cgi-bin/bothways.py HTTP/1.1\r\nHost: h\r\n'
                'Content-Length: %d\r\nConnection: close\r\n\r\n'
                % len(body)).encode()
        err = []

        def sender():
            try:
                c.sock.sendall(head + body)
            except OSError as e:
                err.append(e)
        t = threading.Thread(target=sender, daemon=True)
        t.start()
        try:
            r = c.read_response('POST', timeout=40)
        finally:
            t.join(10)
            c.close()
        assert not err, err
        assert_status(r, 200)
        block = bytes(range(256)) * 256
        assert r.body[:160 * 65536] == block * 160
        tail = r.body[160 * 65536:]
        assert tail == b'\n%d %s\n' % (
            len(body), hashlib.sha256(body).hexdigest().encode()), tail[:200]


def test_script_ignores_small_body_next_request_answered():
    with Daemon(FILES) as d:
        for script in ('noread.sh', 'noread_len.sh'):
            with d.connect(10) as c:
                c.request('POST', '/cgi-bin/' + script, body=b'x' * 1000)
                c.request('GET', '/hello.txt')
                c.request('POST', '/cgi-bin/sum.py', body=b'abc')
                a = c.read_response()
                assert_status(a, 200)
                assert a.body in (b'ignored the body\n', b'noted'), a
                b = c.read_response()
                assert_status(b, 200)
                assert b.body == b'hello\n', b
                s = c.read_response()
                assert_status(s, 200)
                assert json.loads(s.body)['len'] == 3


def test_script_ignores_large_body_never_desyncs():
    """A 4 MiB body the script never reads: the answer comes, and after
    it either the pipelined request's own answer or a clean close."""
    with Daemon(FILES) as d:
        for script in ('noread.sh', 'noread_len.sh'):
            c = d.connect(20)
            data = (build_request('POST', '/cgi-bin/' + script, None,
                                  b'GET /embedded HTTP/1.1\r\n\r\n' * 150000,
                                  '1.1', d.hostport) +
                    build_request('GET', '/hello.txt', None, None, '1.1',
                                  d.hostport))
            err = []

            def sender():
                try:
                    c.sock.sendall(data)
                except OSError as e:
                    err.append(e)     # closed early: allowed
            t = threading.Thread(target=sender, daemon=True)
            t.start()
            try:
                a = c.read_response('POST', timeout=20)
                assert_status(a, 200)
                assert a.body in (b'ignored the body\n', b'noted'), a
                # never a response to the body's embedded requests
                try:
                    b = c.read_response('GET', timeout=20)
                except Exception as e:      # closed: fine
                    assert c.eof, e
                else:
                    assert_status(b, 200)
                    assert b.body == b'hello\n'
                    assert c.closed(2.0) or c.buf == b''
            finally:
                t.join(10)
                c.close()


def test_expect_100_continue():
    with Daemon(FILES) as d:
        body = b'z' * 20000
        for chunked in (False, True):
            with d.connect(10) as c:
                hdr = [('Expect', '100-continue')]
                if chunked:
                    hdr.append(('Transfer-Encoding', 'chunked'))
                    payload = _chunked(body, [7000])
                else:
                    hdr.append(('Content-Length', str(len(body))))
                    payload = body
                c.send(build_request('POST', '/cgi-bin/sum.py', hdr, None,
                                     '1.1', d.hostport))
                t0 = time.monotonic()
                r = c.read_response('POST', interim=True, timeout=5)
                assert r.status == 100, r
                assert time.monotonic() - t0 < 4
                c.send(payload)
                r = c.read_response('POST')
                assert_status(r, 200)
                out = json.loads(r.body)
                assert out['len'] == len(body), out
                assert out['CONTENT_LENGTH'] == str(len(body))
        # a script that is not there: no 100, the final status at once
        with d.connect(10) as c:
            c.send(build_request('POST', '/cgi-bin/missing.py', [
                ('Expect', '100-continue'), ('Content-Length', '5')], None,
                '1.1', d.hostport))
            r = c.read_response('POST', interim=True, timeout=5)
            assert_status(r, 404)


def _rss_kib(pid):
    with open('/proc/%d/status' % pid) as f:
        for ln in f:
            if ln.startswith('VmRSS:'):
                return int(ln.split()[1])
    return 0


def test_chunked_bodies_held_at_once_are_bounded():
    """Three clients each send 60 MiB of a chunked body and never its
    last chunk (max-body 64M: each is within it).  Two fit the front's
    128 MiB for bodies being de-chunked; the third gets 503 at once and
    the front's RSS stays under 200 MiB (before, each was held whole:
    the front grew by 64-128 MiB per such client, without bound)."""
    chunk = b'%x\r\n' % (1 << 20) + b'c' * (1 << 20) + b'\r\n'
    with Daemon(FILES) as d:
        front = d.wait_pids()['front']
        conns = [d.connect(timeout=30) for _ in range(3)]
        try:
            for c in conns:
                c.send(build_request('POST', '/cgi-bin/sum.py', [
                    ('Transfer-Encoding', 'chunked')], None, '1.1',
                    d.hostport))
            statuses = []
            for c in conns:
                try:
                    for _ in range(60):
                        c.send(chunk)
                except OSError:
                    pass        # refused: the 503 is read below
            for c in conns:
                try:
                    r = c.read_response('POST', timeout=2)
                    statuses.append(r.status)
                except (TimeoutError, ProtocolError):
                    statuses.append(None)       # still held: no answer
            rss = _rss_kib(front)
            assert statuses.count(503) == 1 and statuses.count(None) == 2, \
                statuses
            # ASan keeps what realloc frees in quarantine (256 MiB)
            if not SANITIZER:
                assert rss < 200 * 1024, 'front RSS %d KiB' % rss
        finally:
            for c in conns:
                c.close()
        # the memory is given back: another chunked POST is served
        with d.connect(timeout=10) as c:
            c.send(build_request('POST', '/cgi-bin/sum.py', [
                ('Transfer-Encoding', 'chunked')], None, '1.1',
                d.hostport) + chunk + b'0\r\n\r\n')
            r = c.read_response('POST')
            assert_status(r, 200)
            assert json.loads(r.body)['len'] == 1 << 20
