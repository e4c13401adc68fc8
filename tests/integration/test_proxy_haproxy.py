# SPDX-License-Identifier: ISC
"""
test_proxy_haproxy: scale-out past one machine, with Debian's haproxy on
loopback in front of two cgijail instances (send-proxy-v2, a health check
URL): round robin uses both, every script sees the real client's address
and port; one instance stopped (SIGTERM), the health check moves all
traffic to the other and no request fails meanwhile.  "No failed
request" holds by three things together, each in the config README shows:
cgijail's graceful stop (listeners closed first, requests in flight
finish), haproxy's `retries 3` with `option redispatch 1` and
`retry-on conn-failure empty-response response-timeout` (a refused
connection is retried on the other instance), and its health check
(`inter 200ms fall 2`) taking the stopped one out.
"""

import os
import shutil
import signal
import socket
import subprocess
import threading
import time

from cgijail_test import (ListenersDaemon, Skip, free_port, parse_response,
                          wait_until)

ENV_SH = ('#!/bin/sh\nprintf "Content-Type: text/plain\\n\\n"\n'
          'printf "INSTANCE=%s\\nREMOTE_ADDR=%s\\nREMOTE_PORT=%s\\n" '
          '"$INSTANCE" "$REMOTE_ADDR" "$REMOTE_PORT"\n')

HAPROXY_CFG = """
global
    maxconn 256
    stats socket {sock} mode 600 level admin

defaults
    mode http
    timeout connect 1s
    timeout client 10s
    timeout server 10s
    retries 3
    option redispatch 1
    retry-on conn-failure empty-response response-timeout

backend cgijail
    balance roundrobin
    option httpchk GET /health.txt
    http-check expect status 200
    default-server send-proxy-v2 check inter 200ms fall 2 rise 1
    server a 127.0.0.1:{a}
    server b 127.0.0.1:{b}

frontend www
    bind 127.0.0.1:{front}
    default_backend cgijail
"""


def _instance(name):
    files = {'health.txt': 'ok\n', 'cgi-bin/env.sh': ENV_SH,
             'index.html': 'instance %s\n' % name}
    return ListenersDaemon(['proxy-protocol'], files,
                           ['proxy-from 127.0.0.1',
                            'setenv INSTANCE %s' % name])


def _get(port, timeout=5.0):
    """GET /cgi-bin/env.sh from 127.0.0.2 through haproxy: (status,
    environment, our own port)."""
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.settimeout(timeout)
    s.bind(('127.0.0.2', 0))
    s.connect(('127.0.0.1', port))
    me = s.getsockname()[1]
    s.sendall(b'GET /cgi-bin/env.sh HTTP/1.1\r\nHost: www\r\n'
              b'Connection: close\r\n\r\n')
    out = b''
    try:
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            out += chunk
    finally:
        s.close()
    r = parse_response(out)
    env = dict(ln.split('=', 1) for ln in r.text.splitlines() if '=' in ln)
    return r.status, env, me


def _stats(sock):
    """{server: csv fields} from haproxy's stats socket (15 wretr,
    16 wredis, 17 status)."""
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(2)
    try:
        s.connect(sock)
        s.sendall(b'show stat\n')
        data = b''
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
    except OSError:
        return {}
    finally:
        s.close()
    out = {}
    for ln in data.decode().splitlines():
        f = ln.split(',')
        if len(f) > 17 and f[0] == 'cgijail' and f[1] in ('a', 'b'):
            out[f[1]] = f
    return out


def _servers_up(sock):
    """{server: 'UP'|'DOWN'|...}"""
    return {k: f[17] for k, f in _stats(sock).items()}


def test_haproxy_round_robin_then_failover():
    exe = shutil.which('haproxy')
    if exe is None:
        raise Skip('haproxy is not installed (make deps)')
    a, b = _instance('a'), _instance('b')
    tmp = a.tmp
    sock = os.path.join(tmp, 'haproxy.sock')
    front = free_port()
    cfg = os.path.join(tmp, 'haproxy.cfg')
    with open(cfg, 'w') as f:
        f.write(HAPROXY_CFG.format(sock=sock, a=a.ports[0], b=b.ports[0],
                                   front=front))
    log = open(os.path.join(tmp, 'haproxy.log'), 'wb')
    hp = subprocess.Popen([exe, '-db', '-f', cfg], stdin=subprocess.DEVNULL,
                          stdout=log, stderr=log)
    try:
        assert wait_until(lambda: _servers_up(sock) ==
                          {'a': 'UP', 'b': 'UP'}, 10), _servers_up(sock)
        # round robin: both used, each script sees the real client
        seen = {}
        for _ in range(10):
            status, env, me = _get(front)
            assert status == 200, (status, env)
            assert env['REMOTE_ADDR'] == '127.0.0.2', env
            assert env['REMOTE_PORT'] == str(me), (env, me)
            seen[env['INSTANCE']] = seen.get(env['INSTANCE'], 0) + 1
        assert seen.get('a', 0) >= 3 and seen.get('b', 0) >= 3, seen
        # the access logs name the client too
        assert any(m.group('host') == '127.0.0.2' for m in a.access_lines())
        # one instance stops while clients keep asking: no request fails
        results, stop = [], threading.Event()

        def client():
            while not stop.is_set() and len(results) < 2000:
                try:
                    results.append(_get(front)[:2])
                except Exception as e:      # a failed request is a result
                    results.append((repr(e), {}))
        threads = [threading.Thread(target=client) for _ in range(2)]
        for t in threads:
            t.start()
        time.sleep(0.5)
        assert a.stop() == 0
        down = wait_until(lambda: _servers_up(sock).get('a') == 'DOWN', 5)
        time.sleep(0.5)
        stop.set()
        for t in threads:
            t.join(10)
        assert down, _servers_up(sock)
        bad = [r for r in results if r[0] != 200]
        assert not bad, '%d of %d failed: %r' % (len(bad), len(results),
                                                 bad[:5])
        assert len(results) > 20, len(results)
        # and the failover was exercised: requests sent to the stopped
        # one were retried (and redispatched) to the other
        st = _stats(sock)['a']
        assert int(st[15] or 0) + int(st[16] or 0) > 0, st
        # all traffic on the other one now
        for _ in range(6):
            status, env, _ = _get(front)
            assert status == 200 and env['INSTANCE'] == 'b', env
    finally:
        hp.send_signal(signal.SIGTERM)
        try:
            hp.wait(5)
        except subprocess.TimeoutExpired:
            hp.kill()
            hp.wait(5)
        log.close()
