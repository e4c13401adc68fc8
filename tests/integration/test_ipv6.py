# SPDX-License-Identifier: ISC
"""
test_ipv6: the daemon on ::1 (-b ::1): served over IPv6, logged with
the IPv6 peer, and bound to that address only.
"""

import socket

from cgijail_test import (Daemon, Skip, assert_status, port_listening,
                          wait_until)


def _need_ipv6():
    try:
        s = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
        s.bind(('::1', 0))
        s.close()
    except OSError as e:
        raise Skip('no IPv6 loopback: %s' % e)


def test_serves_on_ipv6_loopback():
    _need_ipv6()
    with Daemon(bind='::1') as d:
        r = d.get('/')
        assert_status(r, 200)
        with d.connect() as c:
            c.request('GET', '/')
            c.request('HEAD', '/')
            a, b = c.read_responses(2)
            assert a.status == 200 and b.status == 200 and b.body == b''


def test_ipv6_with_curl_and_literal_host():
    _need_ipv6()
    with Daemon(bind='::1') as d:
        p = d.curl('-g', '-o', '/dev/null', '-w', '%{http_code}',
                   'http://[::1]:%d/' % d.port)
        assert p.returncode == 0 and p.stdout == '200', (p.stdout, p.stderr)
        r = d.get('/', {'Host': '[::1]:%d' % d.port})
        assert_status(r, 200)
        r = d.get('/', {'Host': '[::1'})
        assert_status(r, 400)


def test_ipv6_peer_in_access_log():
    _need_ipv6()
    with Daemon(bind='::1') as d:
        d.get('/')
        assert wait_until(lambda: [m for m in d.access_lines()
                                   if m['host'] == '::1'], 2.0), d.log_tail()


def test_bound_address_only():
    _need_ipv6()
    with Daemon(bind='::1') as d:
        assert not port_listening(d.port, '127.0.0.1'), \
            '-b ::1 also listens on 127.0.0.1'
    with Daemon(bind='127.0.0.1') as d:
        assert not port_listening(d.port, '::1'), \
            '-b 127.0.0.1 also listens on ::1'
