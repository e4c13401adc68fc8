# SPDX-License-Identifier: ISC
"""
test_service_systemd: cgijail run by systemd (issue 11), tested without
systemd as PID 1: the test is the service manager.

Socket activation: the test binds the sockets, puts them at fd 3
upward and sets LISTEN_FDS, LISTEN_PID (the pid of the exec'd daemon
itself) and LISTEN_FDNAMES the way systemd does, with a small launcher
(bash, exec) and with Debian's systemd-socket-activate.  cgijail then
binds nothing: it serves those sockets, each matched to a listen line
by its address (or every one of them when no listen line is given); a
socket that matches no line, a descriptor that is not a listening TCP
socket, or a malformed LISTEN_FDS fails the start.

TLS and the PROXY protocol under socket activation: a passed socket
takes the tls and proxy-protocol options of the listen line it matches,
and the front gets the keys (PROC_FD_KEYS) as when it binds itself, also
after a SIGHUP with a renewed certificate.

Readiness: a datagram socket of the test (a path, or an abstract name)
is NOTIFY_SOCKET; it must get READY=1 once both roles serve, sent by
the daemon's main process, RELOADING=1 then READY=1 around SIGHUP, and
STOPPING=1 at SIGTERM.  The roles inherit none of these variables.
"""

import array
import fcntl
import os
import re
import signal
import socket
import ssl
import struct
import subprocess
import time

from cgijail_test import (DAEMON, Daemon, DaemonError, START_TIMEOUT,
                          TlsConn, assert_status, cert_der, free_port,
                          make_cert, port_listening, proc_descendants,
                          wait_until)

FILES = {'index.html': 'activated\n',
         'cgi-bin/ok.sh': ('#!/bin/sh\nprintf "Content-Type: text/plain'
                           '\\n\\nok"\n', 0o755),
         'cgi-bin/env.sh': ('#!/bin/sh\nprintf "Content-Type: text/plain'
                            '\\n\\nHTTPS=%s\\nREMOTE_ADDR=%s\\n'
                            'REMOTE_PORT=%s\\n" "${HTTPS-unset}" '
                            '"$REMOTE_ADDR" "$REMOTE_PORT"\n', 0o755)}
SD_VARS = ('LISTEN_FDS', 'LISTEN_PID', 'LISTEN_FDNAMES', 'NOTIFY_SOCKET')
FD_HIGH = 20            # where the launcher's sources wait before dup


def _tcp_listener(port, addr='127.0.0.1', listen=True):
    fam = socket.AF_INET6 if ':' in addr else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((addr, port))
    if listen:
        s.listen(16)
    return s


def _launcher(nfds, names=None, pid='$$'):
    """bash -c text: LISTEN_* set, the sources (FD_HIGH upward) at 3
    upward, then exec, so LISTEN_PID is the daemon's own pid."""
    env = 'LISTEN_FDS=%s LISTEN_PID=%s' % (nfds, pid)
    if names is not None:
        env += " LISTEN_FDNAMES='%s'" % names
    redir = ' '.join('%d<&%d %d<&-' % (3 + i, FD_HIGH + i, FD_HIGH + i)
                     for i in range(nfds if isinstance(nfds, int) else 0))
    return 'export %s; exec "$@" %s' % (env, redir)


def _high_fds(objs):
    """Duplicates of the sockets or files at FD_HIGH upward, in order."""
    out = []
    for i, o in enumerate(objs):
        fd = fcntl.fcntl(o.fileno(), fcntl.F_DUPFD, FD_HIGH + i)
        assert fd == FD_HIGH + i, 'fd %d is taken' % (FD_HIGH + i)
        out.append(fd)
    return out


class Activated(Daemon):
    """A Daemon started with sockets passed as systemd passes them.
    socks: the objects to pass (the test keeps nothing open once the
    daemon runs); listen_args: False leaves out -b and PORT."""

    def __init__(self, socks, names=None, listen_args=True, launcher='sh',
                 more_ports=(), **kw):
        self.socks = socks
        # systemd-socket-activate: ports it binds after self.port
        self.more_ports = list(more_ports)
        self.names = names
        self.listen_args = listen_args
        self.launcher = launcher
        port = None
        if socks and hasattr(socks[0], 'getsockname'):
            port = socks[0].getsockname()[1]
        super().__init__(FILES, start=False, port=port, **kw)

    def argv(self):
        a = super().argv()
        if not self.listen_args:
            a = a[:-1]
            i = a.index('-b')
            del a[i:i + 2]
        return a

    def _spawn(self):
        if self.launcher == 'systemd-socket-activate':
            return self._spawn_ssa()
        fds = _high_fds(self.socks)
        logf = open(self.logpath, 'ab')
        try:
            return subprocess.Popen(
                ['bash', '-c', _launcher(len(fds), self.names), 'sh'] +
                self.argv(), pass_fds=fds, stdin=subprocess.DEVNULL,
                stdout=logf, stderr=logf, env=self._env(), cwd=self.tmp)
        finally:
            logf.close()
            for fd in fds:
                os.close(fd)
            for s in self.socks:
                s.close()

    def _spawn_ssa(self):
        """Debian's systemd-socket-activate binds, waits for the first
        connection, then execs the daemon in its own process."""
        a = ['systemd-socket-activate', '-l', '127.0.0.1:%d' % self.port]
        for p in self.more_ports:
            a += ['-l', '127.0.0.1:%d' % p]
        # it passes on only the environment it is told to (-E): the
        # test's, and a sanitizer build's options
        env = {k: v for k, v in os.environ.items()
               if k in ('ASAN_OPTIONS', 'UBSAN_OPTIONS', 'LSAN_OPTIONS')}
        env.update(self.env or {})
        for k, v in env.items():
            a += ['-E', '%s=%s' % (k, v)]
        if self.names:
            a.append('--fdname=%s' % self.names)
        logf = open(self.logpath, 'ab')
        try:
            p = subprocess.Popen(a + self.argv(), stdin=subprocess.DEVNULL,
                                 stdout=logf, stderr=logf, env=self._env(),
                                 cwd=self.tmp)
        finally:
            logf.close()
        if not wait_until(lambda: 'Listening on' in self.log(), 5.0):
            p.kill()
            raise DaemonError('systemd-socket-activate did not listen:\n' +
                              self.log_tail())
        return p

    def _env(self):
        env = {k: v for k, v in os.environ.items() if k not in SD_VARS}
        env.update(self.env or {})
        return env


def _run_activated(objs, env_text, extra_args=None, timeout=10.0):
    """A daemon that must not start: run it with objs at fd 3 upward
    and env_text as the launcher's LISTEN_* words; (rc, stderr)."""
    d = Daemon(FILES, start=False)
    fds = _high_fds(objs)
    redir = ' '.join('%d<&%d %d<&-' % (3 + i, FD_HIGH + i, FD_HIGH + i)
                     for i in range(len(fds)))
    script = 'export %s; exec "$@" %s' % (env_text, redir)
    try:
        p = subprocess.run(['bash', '-c', script, 'sh'] + d.argv()[:-1] +
                           (extra_args or []) + [str(d.port)],
                           pass_fds=fds, stdin=subprocess.DEVNULL,
                           capture_output=True, text=True, timeout=timeout,
                           cwd=d.tmp)
    finally:
        for fd in fds:
            os.close(fd)
    return p.returncode, p.stderr, d


def _socket_inodes(pid):
    out = set()
    try:
        names = os.listdir('/proc/%d/fd' % pid)
    except OSError:
        return out
    for n in names:
        try:
            t = os.readlink('/proc/%d/fd/%s' % (pid, n))
        except OSError:
            continue
        m = re.match(r'^socket:\[(\d+)\]$', t)
        if m:
            out.add(int(m.group(1)))
    return out


def _listening_inodes():
    """Inodes of every listening TCP socket on the host (state 0A)."""
    out = set()
    for f in ('/proc/net/tcp', '/proc/net/tcp6'):
        try:
            with open(f) as fh:
                next(fh)
                for ln in fh:
                    col = ln.split()
                    if col[3] == '0A':
                        out.add(int(col[9]))
        except OSError:
            pass
    return out


def _daemon_listening(d):
    """Inodes of the listening sockets the daemon's processes hold."""
    held = set()
    for pid in [d.proc.pid] + proc_descendants(d.proc.pid):
        held |= _socket_inodes(pid)
    return held & _listening_inodes()


def _assert_no_sd_vars(d):
    for role, pid in d.pids().items():
        if pid is None or role == 'parent':
            continue
        with open('/proc/%d/environ' % pid, 'rb') as f:
            env = f.read().split(b'\0')
        left = [v for v in env if v.split(b'=')[0].decode() in SD_VARS]
        assert not left, '%s inherited %r' % (role, left)


def test_socket_activation_serves_the_passed_socket_and_binds_nothing():
    """fd 3 is the test's socket on 127.0.0.1:P, the command line says
    -b 127.0.0.1 P: the daemon serves that socket (it is the only
    listening socket its processes hold) and binds no other, also after
    a reload and a restart of its roles."""
    s = _tcp_listener(free_port())
    ino = os.fstat(s.fileno()).st_ino
    d = Activated([s])
    with d.start():
        assert_status(d.get('/'), 200)
        assert d.get('/').body == b'activated\n'
        assert_status(d.get('/cgi-bin/ok.sh'), 200)
        held = _daemon_listening(d)
        assert held == {ino}, 'daemon listens on %r, passed %d' % (held, ino)
        line = d.wait_log(r'serving .* on http://127\.0\.0\.1:%d/' % d.port)
        assert line and 'fd 3' in line and 'systemd' in line, d.log_tail()
        _assert_no_sd_vars(d)
        # a reload, and a crash, give the new front the same socket
        d.expect_restart = True
        old = d.wait_pids()
        d.send_signal(signal.SIGHUP)
        new = d.wait_pids(5.0, old=old)
        assert wait_until(lambda: d.answers(0.5), 5.0), d.log_tail()
        os.kill(new['front'], signal.SIGKILL)
        d.wait_pids(5.0, old=new)
        assert wait_until(lambda: d.answers(0.5), 5.0), d.log_tail()
        assert _daemon_listening(d) == {ino}, _daemon_listening(d)


def test_socket_activation_without_listen_lines_serves_every_socket():
    """No listen line and no -b/PORT: every passed socket is served,
    named by LISTEN_FDNAMES in the start lines."""
    s1, s2 = _tcp_listener(free_port()), _tcp_listener(free_port())
    p1, p2 = s1.getsockname()[1], s2.getsockname()[1]
    d = Activated([s1, s2], names='plain:other', listen_args=False)
    with d.start():
        for p in (p1, p2):
            with socket.create_connection(('127.0.0.1', p), 5) as c:
                c.sendall(b'GET / HTTP/1.0\r\n\r\n')
                assert re.match(rb'^HTTP/1\.[01] 200 ', c.recv(100)), p
        for p, name in ((p1, 'plain'), (p2, 'other')):
            line = d.wait_log(r'serving .*127\.0\.0\.1:%d/' % p)
            assert line and name in line, (name, d.log_tail())


def test_socket_activation_socket_matching_no_listen_line_fails_start():
    """A passed socket for an address no listen line names: exit 1,
    and the message names the descriptor and its address."""
    s = _tcp_listener(free_port())
    port = s.getsockname()[1]
    rc, err, d = _run_activated([s], 'LISTEN_FDS=1 LISTEN_PID=$$')
    s.close()
    assert rc == 1, (rc, err)
    assert 'fd 3' in err and '127.0.0.1:%d' % port in err, err
    assert re.search(r'no listen line', err), err


def test_socket_activation_listen_line_without_socket_is_a_warning():
    """listen lines for P1 and P2, only P1 passed: P1 is served, P2 is
    not bound by cgijail itself, and a warning names it."""
    s = _tcp_listener(free_port())
    p1, p2 = s.getsockname()[1], free_port()
    d = Activated([s], listen_args=False, config_lines=[
        'listen 127.0.0.1 %d' % p1, 'listen 127.0.0.1:%d' % p2])
    with d.start():
        assert_status(d.get('/'), 200)
        line = d.wait_log(r'warning: .*127\.0\.0\.1.*%d' % p2)
        assert line and 'not' in line, d.log_tail()
        assert not port_listening(p2), 'cgijail bound %d itself' % p2


def test_socket_activation_matches_star_and_localhost_lines():
    """'listen * P' matches a socket bound to any address with port P;
    'listen localhost Q' one bound to 127.0.0.1."""
    s1, s2 = _tcp_listener(free_port()), _tcp_listener(free_port())
    p1, p2 = s1.getsockname()[1], s2.getsockname()[1]
    d = Activated([s1, s2], listen_args=False, config_lines=[
        'listen * %d' % p1, 'listen localhost %d' % p2])
    with d.start():
        for p in (p1, p2):
            with socket.create_connection(('127.0.0.1', p), 5) as c:
                c.sendall(b'GET / HTTP/1.0\r\n\r\n')
                assert re.match(rb'^HTTP/1\.[01] 200 ', c.recv(100)), p


def test_socket_activation_refuses_what_is_not_a_listening_tcp_socket():
    """Every passed descriptor is checked before anything starts."""
    tmp = Daemon(FILES, start=False)
    regular = open(os.path.join(tmp.tmp, 'file'), 'w+')
    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    udp.bind(('127.0.0.1', 0))
    unbound = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    bound = _tcp_listener(free_port(), listen=False)
    unix = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    unix.bind(os.path.join(tmp.tmp, 'sock'))
    unix.listen(1)
    good = _tcp_listener(free_port())
    cases = [
        ('a regular file', [regular], 'LISTEN_FDS=1 LISTEN_PID=$$',
         r'fd 3.*not a socket'),
        ('a UDP socket', [udp], 'LISTEN_FDS=1 LISTEN_PID=$$',
         r'fd 3.*(stream|TCP|listening)'),
        ('an unbound TCP socket', [unbound], 'LISTEN_FDS=1 LISTEN_PID=$$',
         r'fd 3.*not listening'),
        ('a bound, not listening socket', [bound],
         'LISTEN_FDS=1 LISTEN_PID=$$', r'fd 3.*not listening'),
        ('a unix socket', [unix], 'LISTEN_FDS=1 LISTEN_PID=$$',
         r'fd 3.*(IPv4|TCP)'),
        ('a second fd that is not open', [good],
         'LISTEN_FDS=2 LISTEN_PID=$$', r'fd 4.*not open'),
        ('LISTEN_FDS not a number', [good], 'LISTEN_FDS=one LISTEN_PID=$$',
         r'LISTEN_FDS'),
        ('LISTEN_FDS zero', [good], 'LISTEN_FDS=0 LISTEN_PID=$$',
         r'LISTEN_FDS'),
        ('LISTEN_FDS too many', [good], 'LISTEN_FDS=999 LISTEN_PID=$$',
         r'LISTEN_FDS'),
        ('LISTEN_FDS missing', [good], 'LISTEN_PID=$$', r'LISTEN_FDS'),
        ('names for two, one socket', [good],
         "LISTEN_FDS=1 LISTEN_PID=$$ LISTEN_FDNAMES='a:b'",
         r'LISTEN_FDNAMES'),
    ]
    bad = []
    try:
        for label, objs, env, want in cases:
            rc, err, _ = _run_activated(objs, env)
            if rc != 1 or not re.search(want, err):
                bad.append('%s: exit %s, stderr %r (want /%s/)' % (
                    label, rc, err[-300:], want))
    finally:
        for o in (regular, udp, unbound, bound, unix, good):
            o.close()
    assert not bad, '\n'.join(bad)


def test_listen_pid_of_another_process_is_not_ours():
    """LISTEN_PID names another process: the sockets are not for us
    (the front never gets them); cgijail binds its listen lines as
    usual and says why."""
    other = _tcp_listener(free_port())
    d = Daemon(FILES, start=False)
    fds = _high_fds([other])
    logf = open(d.logpath, 'ab')
    try:
        d.proc = subprocess.Popen(
            ['bash', '-c', _launcher(1, pid='1'), 'sh'] + d.argv(),
            pass_fds=fds, stdin=subprocess.DEVNULL, stdout=logf,
            stderr=logf, cwd=d.tmp)
    finally:
        logf.close()
        os.close(fds[0])
    d._spawn = lambda: d.proc
    assert wait_until(lambda: d.answers(0.5), START_TIMEOUT), d.log_tail()
    d.first_pids = d.pids()
    try:
        assert d.wait_log(r'warning: .*LISTEN_PID'), d.log_tail()
        front = d.wait_pids()['front']
        assert os.fstat(other.fileno()).st_ino not in _socket_inodes(front)
    finally:
        other.close()
    d.finish()


def test_systemd_socket_activate_starts_the_daemon():
    """Debian's systemd-socket-activate (systemd package) binds, waits
    for a connection, then execs cgijail with LISTEN_FDNAMES=web."""
    d = Activated([], names='web', launcher='systemd-socket-activate')
    d.port = free_port()
    with d.start():
        r = d.get('/cgi-bin/ok.sh')
        assert_status(r, 200)
        line = d.wait_log(r'serving .*127\.0\.0\.1:%d/' % d.port)
        assert line and 'web' in line, d.log_tail()
        assert d.pids()['parent'] == d.proc.pid
        _assert_no_sd_vars(d)


# ---- TLS and the PROXY protocol on passed sockets --------------------------

def _env_lines(text):
    return dict(ln.split('=', 1) for ln in text.splitlines() if '=' in ln)


def _tls_get(port, cafile, path, before=b''):
    """GET path over TLS to 127.0.0.1:port, verified against cafile:
    (response, the server's certificate in DER)."""
    ctx = ssl.create_default_context(cafile=cafile)
    with TlsConn(('127.0.0.1', port), ctx, 10.0, before=before) as c:
        der = c.sock.getpeercert(binary_form=True)
        c.request('GET', path)
        return c.read_response(), der


def _plain_is_closed(port):
    """Plain HTTP to a TLS port: closed at once, no HTTP answer."""
    with socket.create_connection(('127.0.0.1', port), 5) as c:
        c.settimeout(5)
        c.sendall(b'GET / HTTP/1.0\r\n\r\n')
        data = b''
        try:
            while True:
                b = c.recv(4096)
                if not b:
                    break
                data += b
        except ConnectionResetError:
            pass
        return not data.startswith(b'HTTP/')


def test_systemd_socket_activate_with_a_tls_listen_line():
    """systemd-socket-activate binds a plain and a TLS port and execs
    cgijail: the socket matched to 'listen ... tls' speaks HTTPS with
    the configured certificate (the front got the keys; curl verifies
    it and gets a static file and a script's output), a script there
    sees HTTPS=on, plain HTTP to it is closed, the serving line says
    https://; a SIGHUP with a renewed certificate serves it on the same
    passed socket."""
    tls_port = free_port()
    d = Activated([], launcher='systemd-socket-activate', listen_args=False,
                  more_ports=[tls_port], config_lines=[])
    d.port = free_port()
    cert, key = make_cert(d.tmp)
    d.write_config(['listen 127.0.0.1 %d' % d.port,
                    'listen 127.0.0.1 %d tls' % tls_port,
                    'tls-certificate %s' % cert, 'tls-key %s' % key])
    with d.start():
        assert_status(d.get('/'), 200)
        r, der = _tls_get(tls_port, cert, '/index.html')
        assert_status(r, 200)
        assert r.body == b'activated\n' and der == cert_der(cert)
        r, _ = _tls_get(tls_port, cert, '/cgi-bin/env.sh')
        assert_status(r, 200)
        assert _env_lines(r.text)['HTTPS'] == 'on', r.text
        # curl verifies the certificate: a static file and a script
        for path, want in (('/index.html', b'activated\n'),
                           ('/cgi-bin/ok.sh', b'ok')):
            p = subprocess.run(
                ['curl', '-sS', '--max-time', '10', '--cacert', cert,
                 'https://127.0.0.1:%d%s' % (tls_port, path)],
                stdin=subprocess.DEVNULL, capture_output=True, timeout=20)
            assert (p.returncode, p.stdout) == (0, want), p.stderr
        env = _env_lines(d.get('/cgi-bin/env.sh').text)
        assert env['HTTPS'] == 'unset', env
        assert _plain_is_closed(tls_port), 'plain HTTP answered on TLS'
        line = d.wait_log(r'serving .* on https://127\.0\.0\.1:%d/' %
                          tls_port)
        assert line and 'systemd' in line, d.log_tail()
        assert d.wait_log(r'serving .* on http://127\.0\.0\.1:%d/' %
                          d.port), d.log_tail()

        d.expect_restart = True
        cert2, key2 = make_cert(d.tmp, 'renewed', cn='renewed.localhost')
        os.replace(cert2, cert)
        os.replace(key2, key)
        d.send_signal(signal.SIGHUP)
        assert d.wait_log('configuration reloaded', 5), d.log_tail()

        def renewed():
            try:
                return _tls_get(tls_port, cert, '/')[1] == cert_der(cert)
            except (OSError, ssl.SSLError):
                return False
        assert wait_until(renewed, 5), 'still the old certificate'


def test_socket_activation_tls_proxy_protocol_line_applies_to_its_socket():
    """Two sockets passed by the launcher: 127.0.0.1:P matched to a
    plain line, 127.0.0.1:Q to 'listen * Q tls proxy-protocol' with
    proxy-from 127.0.0.1: on Q a PROXY v1 header, then TLS; the script
    sees the client the header names and HTTPS=on.  On P nothing of
    that applies: a PROXY header there is a bad request line."""
    s1, s2 = _tcp_listener(free_port()), _tcp_listener(free_port())
    p1, p2 = s1.getsockname()[1], s2.getsockname()[1]
    d = Activated([s1, s2], listen_args=False, config_lines=[])
    cert, key = make_cert(d.tmp)
    d.write_config(['listen 127.0.0.1 %d' % p1,
                    'listen * %d tls proxy-protocol' % p2,
                    'proxy-from 127.0.0.1',
                    'tls-certificate %s' % cert, 'tls-key %s' % key])
    hdr = b'PROXY TCP4 192.0.2.7 127.0.0.1 40123 %d\r\n' % p2
    with d.start():
        r, _ = _tls_get(p2, cert, '/cgi-bin/env.sh', before=hdr)
        assert_status(r, 200)
        env = _env_lines(r.text)
        assert env['HTTPS'] == 'on', env
        assert (env['REMOTE_ADDR'], env['REMOTE_PORT']) == \
            ('192.0.2.7', '40123'), env
        assert _plain_is_closed(p2)
        with socket.create_connection(('127.0.0.1', p1), 5) as c:
            c.sendall(hdr + b'GET / HTTP/1.0\r\n\r\n')
            assert re.match(rb'^HTTP/1\.[01] 400 ', c.recv(100))
        line = d.wait_log(r'serving .* on https://127\.0\.0\.1:%d/' % p2)
        assert line and 'PROXY' in line, d.log_tail()


# ---- readiness -----------------------------------------------------------

class Notify:
    """The service manager's end of NOTIFY_SOCKET: a datagram socket
    that records every message with its sender's pid (SO_PASSCRED)."""

    def __init__(self, path):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 1)
        self.sock.bind(path if path[0] != '@' else '\0' + path[1:])
        self.address = path
        self.got = []           # (pid, {field: value})

    def close(self):
        self.sock.close()

    def _read(self, timeout):
        self.sock.settimeout(max(timeout, 0.001))
        try:
            data, anc, _, _ = self.sock.recvmsg(4096, socket.CMSG_SPACE(12))
        except (socket.timeout, TimeoutError):
            return False
        pid = None
        for level, typ, cdata in anc:
            if level == socket.SOL_SOCKET and typ == socket.SCM_CREDENTIALS:
                pid = struct.unpack('iII', cdata[:12])[0]
        fields = dict(ln.split('=', 1) for ln in
                      data.decode('utf-8', 'replace').splitlines()
                      if '=' in ln)
        self.got.append((pid, fields))
        return True

    def wait(self, key, value='1', timeout=10.0, after=0):
        """The first message from index `after` on with key=value."""
        deadline = time.monotonic() + timeout
        i = after
        while True:
            while i < len(self.got):
                if self.got[i][1].get(key) == value:
                    return i
                i += 1
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError('no %s=%s within %.0fs; got %r' % (
                    key, value, timeout, self.got))
            self._read(left)

    def drain(self, secs):
        deadline = time.monotonic() + secs
        while time.monotonic() < deadline:
            self._read(deadline - time.monotonic())


def test_notify_ready_reloading_stopping():
    """READY=1 once both roles serve, from the main process; SIGHUP:
    RELOADING=1 (with MONOTONIC_USEC) then READY=1 when the new pair
    serves, also for a broken file; SIGTERM: STOPPING=1."""
    d = Daemon(FILES, config_lines=['autoindex off'], start=False)
    n = Notify(os.path.join(d.tmp, 'notify'))
    d.env = {'NOTIFY_SOCKET': n.address}
    d.expect_restart = True
    try:
        d.start()
        i = n.wait('READY')
        pid, _ = n.got[i]
        assert pid == d.proc.pid, 'READY=1 from pid %s, main %d' % (
            pid, d.proc.pid)
        assert d.answers(1.0)
        assert not [f for _, f in n.got[:i] if 'STOPPING' in f]
        old = d.wait_pids()
        _assert_no_sd_vars(d)

        d.send_signal(signal.SIGHUP)
        j = n.wait('RELOADING', after=i + 1)
        assert re.match(r'^\d+$', n.got[j][1].get('MONOTONIC_USEC', '')), \
            n.got[j]
        k = n.wait('READY', after=j + 1)
        new = d.pids()
        assert new['front'] not in (None, old['front']), (old, new)
        assert d.answers(1.0)

        d.write_config(['autoindex maybe'])
        d.send_signal(signal.SIGHUP)
        j = n.wait('RELOADING', after=k + 1)
        k = n.wait('READY', after=j + 1, timeout=5.0)
        assert d.answers(1.0)

        rc = d.stop()
        assert rc == 0, rc
        n.wait('STOPPING', after=k + 1, timeout=3.0)
        n.drain(0.2)
        assert all(p == d.proc.pid for p, _ in n.got), n.got
    finally:
        d.cleanup()
        n.close()


def test_notify_abstract_socket_and_socket_activation_together():
    """NOTIFY_SOCKET=@name (abstract) and a socket from
    systemd-socket-activate, as a .socket and a Type=notify .service."""
    name = '@cgijail-test-%d-%d' % (os.getpid(), time.monotonic_ns())
    n = Notify(name)
    d = Activated([], launcher='systemd-socket-activate')
    d.port = free_port()
    d.env = {'NOTIFY_SOCKET': name}
    try:
        with d.start():
            i = n.wait('READY')
            assert n.got[i][0] == d.proc.pid, n.got
            assert_status(d.get('/'), 200)
    finally:
        n.close()
