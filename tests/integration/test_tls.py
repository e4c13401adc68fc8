# SPDX-License-Identifier: ISC
"""
test_tls: HTTPS on a `listen ... tls` line, against a certificate made in
the test with `openssl req`: static files and scripts with curl (HTTPS=on
and REQUEST_SCHEME=https reach the script), keep-alive on HTTP/1.1 and
1.0, big and slow transfers both ways, pipelining, TLS 1.2 and 1.3 only,
an OCSP staple, a client that speaks plain HTTP to the TLS port (closed
at once), a handshake that never completes (cut by the head timeout
while others are served), a renewed certificate picked up by SIGHUP with
a request in flight finishing on the old one, and the certificate and
key errors -n and a start report with FILE:LINE.
"""

import hashlib
import os
import signal
import socket
import ssl
import subprocess
import threading
import time

from cgijail_test import (ListenersDaemon, TlsConn, assert_status, free_port,
                          cert_der, make_cert, wait_until)

ENV_SH = ('#!/bin/sh\nprintf "Content-Type: text/plain\\n\\n"\n'
          'printf "HTTPS=%s\\nREQUEST_SCHEME=%s\\nREMOTE_ADDR=%s\\n'
          'SERVER_PORT=%s\\n" "${HTTPS-unset}" "$REQUEST_SCHEME" '
          '"$REMOTE_ADDR" "$SERVER_PORT"\n')
SLOW_SH = ('#!/bin/sh\nsleep 2\nprintf "Content-Type: text/plain\\n\\n'
           'slept\\n"\n')
SUM_SH = ('#!/bin/sh\nprintf "Content-Type: text/plain\\n\\n"\n'
          'sha256sum | cut -d" " -f1\n')
BIG = bytes(range(256)) * (8 * 1024 + 7)       # 2 MiB and a bit
HUGE = bytes(range(251)) * (32 * 1024 + 3)      # 8 MiB and a bit


def _files():
    return {'index.html': 'hello over tls\n',
            'big.bin': BIG,
            'huge.bin': HUGE,
            'cgi-bin/env.sh': ENV_SH,
            'cgi-bin/slow.sh': SLOW_SH,
            'cgi-bin/sum.sh': SUM_SH}


def _curl(d, path, *extra, index=0):
    p = subprocess.run(
        ['curl', '-sS', '--max-time', '10', '--cacert', d.cert] +
        list(extra) + ['https://127.0.0.1:%d%s' % (d.ports[index], path)],
        stdin=subprocess.DEVNULL, capture_output=True, timeout=20)
    return p


def _env(text):
    return dict(ln.split('=', 1) for ln in text.splitlines() if '=' in ln)


def test_tls_static_and_cgi_with_curl():
    """curl verifies the certificate, gets a static file, a 2 MiB one
    (read and written in records, not sendfile) and a range of it; a
    script sees HTTPS=on and REQUEST_SCHEME=https, the same script on
    the plain listener sees neither."""
    with ListenersDaemon(['tls'], _files()) as d:
        p = _curl(d, '/index.html')
        assert p.returncode == 0, p.stderr
        assert p.stdout == b'hello over tls\n', p.stdout
        p = _curl(d, '/big.bin')
        assert p.returncode == 0, p.stderr
        assert hashlib.sha256(p.stdout).digest() == \
            hashlib.sha256(BIG).digest(), len(p.stdout)
        p = _curl(d, '/big.bin', '-r', '1000-1999')
        assert p.stdout == BIG[1000:2000], len(p.stdout)
        p = _curl(d, '/cgi-bin/env.sh')
        assert p.returncode == 0, p.stderr
        env = _env(p.stdout.decode())
        assert env['HTTPS'] == 'on', env
        assert env['REQUEST_SCHEME'] == 'https', env
        assert env['SERVER_PORT'] == str(d.ports[0]), env
        assert env['REMOTE_ADDR'] == '127.0.0.1', env
        env = _env(d.get('/cgi-bin/env.sh').text)
        assert env['HTTPS'] == 'unset' and \
            env['REQUEST_SCHEME'] == 'http', env


def test_tls_keepalive_http11_and_http10():
    """One TLS connection carries several HTTP/1.1 requests (static and
    script); HTTP/1.0 with keep-alive stays open, without it the
    connection ends after the answer, with a close_notify."""
    with ListenersDaemon(['tls'], _files()) as d:
        with d.tls_connect() as c:
            for path in ('/index.html', '/cgi-bin/env.sh', '/index.html',
                         '/cgi-bin/env.sh'):
                c.request('GET', path)
                r = c.read_response()
                assert_status(r, 200)
                assert r.get('Connection') != 'close', r.head()
            assert _env(r.text)['HTTPS'] == 'on'
        with d.tls_connect() as c:
            c.request('GET', '/index.html', {'Connection': 'keep-alive'},
                      version='1.0')
            r = c.read_response()
            assert_status(r, 200)
            assert r.get('Connection', '').lower() == 'keep-alive', r.head()
            c.request('GET', '/index.html', version='1.0')
            r = c.read_response()
            assert r.body == b'hello over tls\n'
            assert c.closed(3.0), 'HTTP/1.0 without keep-alive stays open'
        # curl: two URLs, one connection
        p = _curl(d, '/index.html', '-v', '-o', '/dev/null', '-o',
                  '/dev/null', 'https://127.0.0.1:%d/cgi-bin/env.sh' %
                  d.ports[0])
        assert p.returncode == 0, p.stderr
        assert b'Re-using existing connection' in p.stderr, p.stderr


def test_tls_big_body_slow_reader_and_pipelining():
    """A 1 MiB body to a script over TLS; 8 MiB to a reader that stops
    for a second, more than the socket buffers hold, so the front must
    wait to write; and 12 pipelined requests of 11 KiB sent in one go,
    more than the front's input buffer holds: all whole, in order."""
    with ListenersDaemon(['tls'], _files()) as d:
        body = os.urandom(1 << 20)
        with d.tls_connect(timeout=20) as c:
            c.request('POST', '/cgi-bin/sum.sh', body=body)
            r = c.read_response()
            assert_status(r, 200)
            assert r.text.strip() == hashlib.sha256(body).hexdigest()
        s = socket.create_connection(('127.0.0.1', d.ports[0]), 10)
        # a fixed window: what is not read stays in the front
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 65536)
        t = d.tls_context().wrap_socket(s, server_hostname='localhost')
        t.sendall(b'GET /huge.bin HTTP/1.1\r\nHost: x\r\n'
                  b'Connection: close\r\n\r\n')
        time.sleep(1.0)
        got = bytearray()
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                chunk = t.recv(65536)
            except (ssl.SSLEOFError, ssl.SSLZeroReturnError):
                break
            if not chunk:
                break
            got += chunk
        t.close()
        head, _, payload = bytes(got).partition(b'\r\n\r\n')
        assert head.startswith(b'HTTP/1.1 200'), head[:200]
        assert payload == HUGE, len(payload)
        # requests of 11 KiB: a TLS record (16 KiB) holds more than the
        # room a partly read one leaves, the rest waits in front_tls.c
        reqs = b''.join(b'GET /index.html?%d&%s HTTP/1.1\r\nHost: x\r\n'
                        b'X-Pad: %s\r\n\r\n' % (i, b'q' * 3500,
                                                 b'p' * 7600)
                        for i in range(12))
        with d.tls_connect(timeout=10) as c:
            c.send(reqs)
            for i in range(12):
                r = c.read_response('GET')
                assert_status(r, 200)
                assert r.body == b'hello over tls\n', (i, r)


def _sized_get(i, size):
    """A GET of exactly size bytes (100 to 14000), padded in its query
    and a header, each within the front's limits."""
    q = b'q' * min(4000, size // 3)
    head = b'GET /index.html?%d&%s HTTP/1.1\r\nHost: x\r\nX-Pad: ' % (i, q)
    pad = size - len(head) - 4
    assert 0 < pad < 8000
    return head + b'p' * pad + b'\r\n\r\n'


def test_tls_rest_of_a_record_is_not_forgotten():
    """A TLS record holds more than the room a partly read request
    leaves in the front's input buffer: the rest, which epoll cannot see
    (it is no longer in the socket), is read when there is room, and the
    request it ends is answered without another byte from the client."""
    with ListenersDaemon(['tls'], _files()) as d:
        with d.tls_connect(timeout=5) as c:
            r1 = _sized_get(1, 11000)
            c.send(r1[:9000])           # 9000 bytes wait in the front
            time.sleep(0.3)
            rest = r1[9000:] + _sized_get(2, 11000)
            rest += _sized_get(3, 16384 - len(rest))
            assert len(rest) == 16384   # one record, 808 bytes too many
            c.send(rest)
            for i in range(3):
                r = c.read_response('GET')
                assert_status(r, 200)
                assert r.body == b'hello over tls\n', (i, r)


def test_tls_client_gone_kills_its_script():
    """A TLS client that leaves while its script has not answered: the
    script is killed, as on plain HTTP, and the daemon goes on.  On a
    loaded machine (CI under ASan) the script may not have been seen to
    start within the half second: killed all the same."""
    with ListenersDaemon(['tls'], _files()) as d:
        c = d.tls_connect()
        c.request('GET', '/cgi-bin/slow.sh')
        time.sleep(0.5)
        c.close()
        assert d.wait_log(r'cgi\[\d+\] /cgi-bin/slow.sh: killed( before it '
                          r'was seen to start)?: client gone', 5), \
            d.log_tail()
        assert _curl(d, '/index.html').stdout == b'hello over tls\n'


def test_tls_12_and_13_only():
    """TLS 1.3 and 1.2 handshake; 1.1 and 1.0 are refused."""
    with ListenersDaemon(['tls'], _files()) as d:
        for v in (ssl.TLSVersion.TLSv1_3, ssl.TLSVersion.TLSv1_2):
            ctx = d.tls_context()
            ctx.minimum_version = ctx.maximum_version = v
            with d.tls_connect(ctx=ctx) as c:
                assert c.sock.version() == v.name.replace('_', '.'), \
                    c.sock.version()
                c.request('GET', '/index.html')
                assert_status(c.read_response(), 200)
        for flag in ('-tls1_1', '-tls1'):
            p = subprocess.run(
                ['openssl', 's_client', flag, '-cipher',
                 'DEFAULT@SECLEVEL=0', '-connect',
                 '127.0.0.1:%d' % d.ports[0]],
                stdin=subprocess.DEVNULL, capture_output=True, timeout=20)
            out = p.stdout + p.stderr
            assert p.returncode != 0, out[-800:]
            assert b'Cipher is (NONE)' in out, out[-800:]
            assert b'alert protocol version' in out, out[-800:]


def test_plain_http_to_the_tls_port_is_closed_at_once():
    """A client that speaks HTTP to the TLS port gets no HTTP answer and
    no wait for the 10 s head timeout: the connection ends at once."""
    with ListenersDaemon(['tls'], _files()) as d:
        s = socket.create_connection(('127.0.0.1', d.ports[0]), 5)
        t0 = time.monotonic()
        s.sendall(b'GET /index.html HTTP/1.1\r\nHost: x\r\n\r\n')
        got = b''
        while True:
            try:
                chunk = s.recv(4096)
            except ConnectionResetError:
                break
            if not chunk:
                break
            got += chunk
        took = time.monotonic() - t0
        s.close()
        assert took < 1.5, 'closed after %.1fs' % took
        assert not got.startswith(b'HTTP/'), got[:200]
        r = _curl(d, '/index.html')
        assert r.stdout == b'hello over tls\n', r.stderr


def test_handshake_that_never_completes_is_cut_by_the_head_timeout():
    """A connection that sends nothing, and one that stops halfway
    through its ClientHello, hold no one up and are closed by the head
    timeout (10 s)."""
    with ListenersDaemon(['tls'], _files()) as d:
        mute = socket.create_connection(('127.0.0.1', d.ports[0]), 5)
        half = socket.create_connection(('127.0.0.1', d.ports[0]), 5)
        # a TLS record header that promises 512 bytes, and 10 of them
        half.sendall(b'\x16\x03\x01\x02\x00' + b'\x01\x00\x01\xfc\x03\x03' +
                     b'\x00' * 4)
        t0 = time.monotonic()
        for _ in range(3):      # others are served meanwhile
            assert _curl(d, '/index.html').stdout == b'hello over tls\n'
        ends = {}

        def wait_end(name, s):
            s.settimeout(16)
            try:
                while s.recv(4096):
                    pass
            except OSError:
                pass
            ends[name] = time.monotonic() - t0
        th = [threading.Thread(target=wait_end, args=a)
              for a in (('mute', mute), ('half', half))]
        for t in th:
            t.start()
        for t in th:
            t.join(20)
        mute.close()
        half.close()
        for name in ('mute', 'half'):
            assert name in ends, '%s never closed' % name
            assert 8.0 < ends[name] < 13.0, (name, ends[name])


def test_sighup_serves_a_renewed_certificate_and_keeps_a_request():
    """certbot's case: the files are replaced, SIGHUP; new connections
    get the new certificate, a request in flight on the old connection
    finishes on it."""
    with ListenersDaemon(['tls'], _files()) as d:
        d.expect_restart = True
        old = cert_der(d.cert)
        cert2, key2 = make_cert(d.tmp, 'renewed', cn='renewed.localhost')
        with d.tls_connect(timeout=15) as c:
            assert c.sock.getpeercert(binary_form=True) == old
            c.request('GET', '/cgi-bin/slow.sh')
            time.sleep(0.3)
            os.replace(cert2, d.cert)
            os.replace(key2, d.key)
            d.send_signal(signal.SIGHUP)
            assert d.wait_log('configuration reloaded', 5), d.log_tail()

            def new_cert():
                with d.tls_connect() as n:
                    return n.sock.getpeercert(binary_form=True) != old
            assert wait_until(new_cert, 5), 'still the old certificate'
            with d.tls_connect() as n:
                assert n.sock.getpeercert(binary_form=True) == \
                    cert_der(d.cert)
                n.request('GET', '/index.html')
                assert_status(n.read_response(), 200)
            r = c.read_response()
            assert_status(r, 200)
            assert r.body == b'slept\n', r


def test_ocsp_staple_is_sent():
    """tls-ocsp-staple: a client that asks for the status gets the
    response file, as openssl s_client -status shows."""
    d = ListenersDaemon(['tls'], _files(), start=False)
    ca_key, ca = os.path.join(d.tmp, 'ca.key'), os.path.join(d.tmp, 'ca.crt')
    run = lambda *a: subprocess.run(list(a), stdin=subprocess.DEVNULL,
                                    capture_output=True, timeout=30,
                                    cwd=d.tmp, check=True)
    run('openssl', 'req', '-x509', '-newkey', 'ec', '-pkeyopt',
        'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2', '-subj',
        '/CN=test ca', '-keyout', ca_key, '-out', ca)
    run('openssl', 'req', '-new', '-newkey', 'ec', '-pkeyopt',
        'ec_paramgen_curve:prime256v1', '-nodes', '-subj', '/CN=localhost',
        '-keyout', d.key, '-out', 'server.csr')
    run('openssl', 'x509', '-req', '-in', 'server.csr', '-CA', ca, '-CAkey',
        ca_key, '-CAcreateserial', '-days', '2', '-out', d.cert)
    with open(os.path.join(d.tmp, 'index.txt'), 'w') as f:
        f.write('')
    run('openssl', 'ocsp', '-issuer', ca, '-cert', d.cert, '-reqout',
        'req.der', '-no_nonce')
    run('openssl', 'ocsp', '-index', 'index.txt', '-rsigner', ca, '-rkey',
        ca_key, '-CA', ca, '-reqin', 'req.der', '-respout', 'resp.der',
        '-ndays', '1')
    d.tls_lines.append('tls-ocsp-staple %s' % os.path.join(d.tmp,
                                                           'resp.der'))
    with d.start():
        p = subprocess.run(
            ['openssl', 's_client', '-status', '-connect',
             '127.0.0.1:%d' % d.ports[0], '-CAfile', ca],
            stdin=subprocess.DEVNULL, capture_output=True, timeout=20)
        out = p.stdout.decode('latin-1')
        assert 'OCSP Response Status: successful' in out, out[-1500:]
        assert 'OCSP response: no response sent' not in out


def _n(d):
    """cgijail -n with d's configuration: (exit status, stderr)."""
    d.write_config(d.config_text_lines())
    p = d.run(argv=[d.argv()[0], '-n', '-c', d.conf, '-d', d.docroot])
    return p.returncode, p.stderr


def test_certificate_and_key_errors_name_their_line():
    """A missing, unreadable or wrong certificate or key, a key that is
    not the certificate's, a key inside the document root: -n and a
    start say FILE:LINE and exit 1 before binding."""
    d = ListenersDaemon(['tls'], _files(), start=False)
    other_cert, other_key = make_cert(d.tmp, 'other')
    junk = os.path.join(d.tmp, 'junk.pem')
    with open(junk, 'w') as f:
        f.write('not a certificate\n')
    inside = d.write('secret.key', open(d.key).read())
    # the listen lines are 1 and 2, tls-certificate 3, tls-key 4
    cases = [
        (['tls-certificate /nonexistent/c.pem', 'tls-key %s' % d.key],
         ':3: tls-certificate /nonexistent/c.pem: No such file'),
        (['tls-certificate %s' % d.tmp, 'tls-key %s' % d.key],
         ':3: tls-certificate %s: not a regular file' % d.tmp),
        (['tls-certificate %s' % junk, 'tls-key %s' % d.key],
         ':3: tls-certificate %s: ' % junk),
        (['tls-certificate %s' % d.cert, 'tls-key %s' % junk],
         ':4: tls-key %s: ' % junk),
        (['tls-certificate %s' % d.cert, 'tls-key %s' % other_key],
         ':4: tls-key %s: not the key of tls-certificate %s' % (
             other_key, d.cert)),
        (['tls-certificate %s' % d.cert, 'tls-key %s' % inside],
         ':4: tls-key %s: inside the document root' % inside),
        (['tls-certificate %s' % d.cert, 'tls-key %s' % d.key,
          'tls-ocsp-staple /nonexistent/o.der'],
         ':5: tls-ocsp-staple /nonexistent/o.der: No such file'),
    ]
    for lines, want in cases:
        d.tls_lines = lines
        rc, err = _n(d)
        assert rc == 1 and d.conf + want in err, (lines, rc, err)
    assert other_cert
    # at start: the same words, nothing bound
    d.tls_lines = ['tls-certificate %s' % d.cert, 'tls-key %s' % other_key]
    d.write_config(d.config_text_lines())
    p = d.run()
    assert p.returncode == 1, p
    assert d.conf + ':4: tls-key' in p.stderr, p.stderr
    d.tls_lines = ['tls-certificate %s' % d.cert, 'tls-key %s' % d.key]
    rc, err = _n(d)
    assert rc == 0, err


def test_front_never_holds_the_key_files():
    """The parent reads the files; the front gets their bytes in a sealed
    memfd it reads and closes at its start.  Serving, it holds no memfd
    and no descriptor of the certificate or key, and they are outside
    its root (the document root): it has no path to them."""
    with ListenersDaemon(['tls'], _files()) as d:
        assert _curl(d, '/index.html').returncode == 0
        front = d.wait_pids()['front']
        targets = []
        for fd in os.listdir('/proc/%d/fd' % front):
            try:
                targets.append(os.readlink('/proc/%d/fd/%s' % (front, fd)))
            except OSError:
                pass
        assert not [t for t in targets if 'memfd:' in t], targets
        assert not [t for t in targets if t in (d.cert, d.key) or
                    t.endswith(('.key', '.crt'))], targets
        with open('/proc/%d/status' % front) as f:
            assert 'Seccomp:\t2' in f.read()
        assert not os.path.realpath(d.key).startswith(
            os.path.realpath(d.docroot) + '/')


def test_tls_listener_with_the_metrics_listener():
    """The metrics listener comes after the public ones and has no
    options: HTTPS on the tls listener, plain /metrics on its own."""
    mport = free_port()
    d = ListenersDaemon(['tls'], _files(),
                        config_lines=['metrics 127.0.0.1 %d' % mport])
    p = _curl(d, '/index.html')
    assert (p.returncode, p.stdout) == (0, b'hello over tls\n'), p.stderr
    p = subprocess.run(['curl', '-sS', '--max-time', '10',
                        'http://127.0.0.1:%d/metrics' % mport],
                       stdin=subprocess.DEVNULL, capture_output=True,
                       timeout=20)
    assert p.returncode == 0 and b'cgijail_' in p.stdout, p.stderr
