# SPDX-License-Identifier: ISC
"""
test_proxy: `listen ... proxy-protocol` with `proxy-from`, driven by hand-
made PROXY headers (v1 lines, v2 with TLVs, LOCAL) from loopback
addresses of our own choosing: a trusted sender's header names the
client for the script (REMOTE_ADDR, REMOTE_PORT), the access log and the
per-client limit; a trusted sender without a valid header is closed; an
untrusted sender's header gets a 400 and its own address stands, its
plain requests are served as itself; a header in pieces is read, one
that never completes is cut by the head timeout; the header before TLS
on a `tls proxy-protocol` listener.  HAProxy itself: test_proxy_haproxy.
"""

import socket
import struct
import time

from cgijail_test import (ListenersDaemon, Conn, assert_status,
                          parse_response, wait_until)

ENV_SH = ('#!/bin/sh\nprintf "Content-Type: text/plain\\n\\n"\n'
          'printf "REMOTE_ADDR=%s\\nREMOTE_PORT=%s\\nSERVER_ADDR=%s\\n'
          'HTTPS=%s\\n" "$REMOTE_ADDR" "$REMOTE_PORT" "$SERVER_ADDR" '
          '"${HTTPS-unset}"\n')
SIG = b'\r\n\r\n\x00\r\nQUIT\n'
GET_ENV = b'GET /cgi-bin/env.sh HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'


def _files():
    return {'index.html': 'behind a proxy\n', 'cgi-bin/env.sh': ENV_SH}


def _daemon(extra=None, listens=('proxy-protocol',), trust='127.0.0.1'):
    return ListenersDaemon(list(listens), _files(),
                           ['proxy-from %s' % trust] + list(extra or []))


def _v2(src, sport, dst, dport, tlvs=b'', cmd=0x21):
    if ':' in src:
        fam, a = 0x21, socket.inet_pton(socket.AF_INET6, src) + \
            socket.inet_pton(socket.AF_INET6, dst)
    else:
        fam, a = 0x11, socket.inet_aton(src) + socket.inet_aton(dst)
    a += struct.pack('!HH', sport, dport) + tlvs
    return SIG + bytes([cmd, fam]) + struct.pack('!H', len(a)) + a


def _send(port, data, src='127.0.0.1', timeout=5.0, shut=False):
    """Connect from src, send data, read to the end: the bytes."""
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.settimeout(timeout)
    s.bind((src, 0))
    s.connect(('127.0.0.1', port))
    out = b''
    try:
        s.sendall(data)
        if shut:
            s.shutdown(socket.SHUT_WR)
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            out += chunk
    except ConnectionResetError:
        pass
    finally:
        s.close()
    return out


def _env(data):
    r = parse_response(data)
    assert_status(r, 200)
    return dict(ln.split('=', 1) for ln in r.text.splitlines() if '=' in ln)


def test_v1_and_v2_headers_name_the_client():
    """v1 TCP4 and TCP6, v2 over IPv4 (with TLVs, skipped) and IPv6: the
    script sees the client's address and port, so does the access log;
    the balancer's own address is seen nowhere."""
    with _daemon() as d:
        port = d.ports[0]
        cases = [
            (b'PROXY TCP4 203.0.113.7 192.0.2.1 40001 443\r\n',
             '203.0.113.7', '40001'),
            (b'PROXY TCP6 2001:db8::7 2001:db8::1 40002 443\r\n',
             '2001:db8::7', '40002'),
            (_v2('198.51.100.9', 40003, '192.0.2.1', 443,
                 tlvs=b'\x01\x00\x02h2\x04\x00\x03abc'),
             '198.51.100.9', '40003'),
            (_v2('2001:db8::9', 40004, '2001:db8::1', 443),
             '2001:db8::9', '40004'),
        ]
        for header, addr, port_s in cases:
            env = _env(_send(port, header + GET_ENV))
            assert env['REMOTE_ADDR'] == addr, (header, env)
            assert env['REMOTE_PORT'] == port_s, (header, env)
            assert env['SERVER_ADDR'] == '127.0.0.1', env
        for addr in ('203.0.113.7', '2001:db8::7', '198.51.100.9'):
            assert wait_until(lambda: any(
                m.group('host') == addr for m in d.access_lines()), 3), \
                'no access line for %s:\n%s' % (addr, d.log_tail())


def test_local_and_unknown_keep_the_senders_address():
    """v2 LOCAL (a balancer's health check) and v1 UNKNOWN carry no
    client: the connection's own address stands."""
    with _daemon() as d:
        for header in (SIG + b'\x20\x00\x00\x00',
                       b'PROXY UNKNOWN\r\n',
                       b'PROXY UNKNOWN 1.2.3.4 5.6.7.8 1 2\r\n'):
            env = _env(_send(d.ports[0], header + GET_ENV))
            assert env['REMOTE_ADDR'] == '127.0.0.1', (header, env)


def test_trusted_sender_without_a_valid_header_is_closed():
    """From a sender proxy-from trusts, anything but a valid header ends
    the connection without an answer: plain HTTP, a broken v1 line, a v2
    header with a TLV that overruns it, a v2 version 1."""
    with _daemon() as d:
        for data in (GET_ENV,
                     b'PROXY TCP4 1.2.3.4 5.6.7.8 1\r\n' + GET_ENV,
                     b'PROXY TCP4 1.2.3.4 5.6.7.8 1 2\n' + GET_ENV,
                     _v2('1.2.3.4', 1, '5.6.7.8', 2, b'\x01\xff\xff') +
                     GET_ENV,
                     SIG + b'\x11\x11\x00\x0c' + b'\x00' * 12 + GET_ENV):
            t0 = time.monotonic()
            got = _send(d.ports[0], data)
            assert got == b'', (data[:40], got[:200])
            assert time.monotonic() - t0 < 2, 'not closed at once'
        assert d.wait_log(r'PROXY header from 127\.0\.0\.1 .*trusts: '
                          r'no PROXY header signature; connection closed'), \
            d.log_tail()


def test_untrusted_sender_header_is_refused_its_address_stands():
    """proxy-from names another address: a header from us gets a 400 and
    a warning that names us; our plain requests are served as us."""
    with _daemon(trust='127.0.0.9') as d:
        got = _send(d.ports[0], b'PROXY TCP4 203.0.113.7 192.0.2.1 1 443'
                    b'\r\n' + GET_ENV, src='127.0.0.2')
        r = parse_response(got)
        assert_status(r, 400)
        got = _send(d.ports[0], _v2('203.0.113.7', 1, '192.0.2.1', 443) +
                    GET_ENV, src='127.0.0.2')
        assert_status(parse_response(got), 400)
        assert d.wait_log(r'PROXY header from 127\.0\.0\.2 port \d+ '
                          r'refused: proxy-from does not name it'), \
            d.log_tail()
        assert not any(m.group('host') == '203.0.113.7'
                       for m in d.access_lines())
        env = _env(_send(d.ports[0], GET_ENV, src='127.0.0.2'))
        assert env['REMOTE_ADDR'] == '127.0.0.2', env
        # a request whose method only begins like the signature
        got = _send(d.ports[0], b'POST /cgi-bin/env.sh HTTP/1.1\r\nHost: x'
                    b'\r\nContent-Length: 0\r\nConnection: close\r\n\r\n',
                    src='127.0.0.2')
        assert _env(got)['REMOTE_ADDR'] == '127.0.0.2'


def test_header_in_pieces_and_one_that_never_ends():
    """A header sent a few bytes at a time is read whole, and nothing
    after it is taken for it; a header that stops halfway is cut by the
    head timeout, without an answer."""
    with _daemon() as d:
        data = _v2('203.0.113.8', 40005, '192.0.2.1', 443,
                   tlvs=b'\x04\x00\x05hello') + GET_ENV
        s = socket.create_connection(('127.0.0.1', d.ports[0]), 5)
        for i in range(0, 42, 3):
            s.sendall(data[i:i + 3])
            time.sleep(0.02)
        s.sendall(data[42:])
        out = b''
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            out += chunk
        s.close()
        env = _env(out)
        assert env['REMOTE_ADDR'] == '203.0.113.8', env
        assert env['REMOTE_PORT'] == '40005', env
        t0 = time.monotonic()
        got = _send(d.ports[0], b'PROXY TCP4 203.0.113.9 ', timeout=15)
        took = time.monotonic() - t0
        assert got == b'', got[:200]
        assert 8 < took < 13, took


def test_per_client_limit_counts_the_real_client():
    """max-connections-per-client 2 behind a balancer: idle connections
    of one client make room for that client's new one; another client's
    are not touched, though every connection comes from one address."""
    with _daemon(['max-connections-per-client 2']) as d:
        def conn(addr, port):
            c = Conn(('127.0.0.1', d.ports[0]))
            c.send(b'PROXY TCP4 %s 192.0.2.1 %d 443\r\n' % (
                addr.encode(), port))
            c.request('GET', '/index.html')
            assert_status(c.read_response(), 200)
            return c
        other = [conn('198.51.100.1', 1000 + i) for i in range(2)]
        first = [conn('203.0.113.1', 2000 + i) for i in range(2)]
        time.sleep(0.1)
        third = conn('203.0.113.1', 2002)
        assert first[0].closed(3.0), 'the idle one of that client stays'
        assert not first[1].closed(0.5)
        for c in other:
            assert not c.closed(0.2), 'another client lost a connection'
            c.request('GET', '/index.html')
            assert_status(c.read_response(), 200)
        for c in other + first + [third]:
            c.close()


def test_proxy_header_then_tls():
    """On a `tls proxy-protocol` listener the header comes first, in the
    clear, then the handshake: the script sees HTTPS=on and the client
    the header names."""
    with _daemon(listens=('tls proxy-protocol',)) as d:
        with d.tls_connect(before=_v2('203.0.113.10', 40006, '192.0.2.1',
                                      443)) as c:
            c.request('GET', '/cgi-bin/env.sh')
            r = c.read_response()
            assert_status(r, 200)
            env = dict(ln.split('=', 1) for ln in r.text.splitlines())
            assert env['REMOTE_ADDR'] == '203.0.113.10', env
            assert env['REMOTE_PORT'] == '40006', env
            assert env['HTTPS'] == 'on', env


def test_proxy_from_is_required_and_checked():
    """`proxy-protocol` without proxy-from, or a bad proxy-from, is a
    FILE:LINE error of -n, before anything is bound."""
    d = ListenersDaemon(['proxy-protocol'], _files(), start=False)
    for extra, want in (([], ':2: listen: \'proxy-protocol\' needs a '
                         'proxy-from line'),
                        (['proxy-from 10.0.0.1/8'], ':3: proxy-from: '
                         '\'10.0.0.1/8\' has bits set beyond its /8 '
                         'prefix')):
        d.extra_lines = extra
        d.write_config(d.config_text_lines())
        p = d.run(argv=[d.argv()[0], '-n', '-c', d.conf, '-d', d.docroot])
        assert p.returncode == 1 and d.conf + want in p.stderr, p.stderr
