# SPDX-License-Identifier: ISC
"""
loadkit: what the load and fault tests share: clients bound to chosen
loopback source addresses, a pool of slow (slowloris) connections, a
checked fetch, and /proc snapshots of a daemon tree.
Runs in the test worker (root); trusts nothing the daemon sends.
"""

import collections
import heapq
import os
import random
import select
import signal
import socket
import subprocess
import threading
import time

import cgijail_test as ct
from cgijail_test import Conn, ProtocolError, Skip

# the whole of 127/8 is loopback on Linux: one "client" per address, so
# the per-address connection cap does not hide what is being tested
SOURCES = ['127.0.0.%d' % i for i in range(2, 10)]

REPLY_MAX = 4096            # bytes kept of what a slow connection got


class SourceConn(Conn):
    """A Conn whose socket is bound to a chosen local address first."""

    def __init__(self, d, src=None, timeout=10.0):
        self.hostport = d.hostport
        self.timeout = timeout
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            if src:
                self.sock.bind((src, 0))
            self.sock.settimeout(timeout)
            self.sock.connect((d.bind, d.port))
        except BaseException:
            self.sock.close()
            raise
        self.buf = bytearray()
        self.eof = False
        self.pending = collections.deque()


def fetch(d, path, src=None, timeout=10.0):
    """GET path on a new connection from src: the parsed Response."""
    with SourceConn(d, src, timeout) as c:
        c.request('GET', path, [('Connection', 'close')])
        return c.read_response('GET')


def expect(d, path, body, src=None, limit=None, timeout=10.0):
    """GET path must answer 200 with exactly body, within limit seconds
    (x SLOW); returns the time it took."""
    t0 = time.monotonic()
    r = fetch(d, path, src, timeout)
    took = time.monotonic() - t0
    assert r.status == 200 and r.body == body, (
        'GET %s from %s: %d %r, expected 200 %r' % (
            path, src or '127.0.0.1', r.status, r.body[:200], body[:200]))
    if limit is not None:
        assert took < limit * ct.SLOW, 'GET %s took %.2fs (limit %.2fs)' % (
            path, took, limit * ct.SLOW)
    return took


# ---- slow clients ------------------------------------------------------

class SlowConn:
    __slots__ = ('sock', 'src', 'data', 'sent', 't_open', 't_first',
                 't_closed', 'reply', 'refused')

    def __init__(self, src, data):
        self.sock = None
        self.src = src
        self.data = data
        self.sent = 0
        self.t_open = self.t_first = self.t_closed = None
        self.reply = b''
        self.refused = False


class SlowPool:
    """n connections from the given sources, each sending one byte of a
    request head every 2-3 s from a background thread.  A connection the
    daemon closes is recorded (when, what it answered) and, with refill,
    replaced by a new one.  Nothing runs past stop() or max_secs."""

    def __init__(self, d, n, sources, refill=True, max_secs=120.0):
        self.d, self.n, self.sources = d, n, list(sources)
        self.refill = refill
        self.max_secs = max_secs
        self.conns = []
        self.errors = []
        self.rng = random.Random(n)
        self.ep = select.epoll()
        self.byfd = {}
        self.heap = []
        self.stopping = threading.Event()
        self.thread = None
        self.made = 0

    def _request(self, i):
        return ('GET /?slow=%d HTTP/1.1\r\nHost: %s\r\nX-Slow: %s\r\n\r\n'
                % (i, self.d.hostport, 'a' * 400)).encode()

    def _open_one(self):
        src = self.sources[self.made % len(self.sources)]
        sc = SlowConn(src, self._request(self.made))
        self.made += 1
        self.conns.append(sc)
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        s.settimeout(5.0)
        sc.t_open = time.monotonic()
        try:
            s.bind((src, 0))
            s.connect((self.d.bind, self.d.port))
            s.setblocking(False)
        except OSError as e:
            s.close()
            sc.refused = True
            sc.t_closed = time.monotonic()
            self.errors.append('connect from %s: %s' % (src, e))
            return
        sc.sock = s
        self.byfd[s.fileno()] = sc
        self.ep.register(s.fileno(), select.EPOLLIN | select.EPOLLRDHUP)
        self._send_byte(sc)

    def _send_byte(self, sc):
        if sc.sock is None or sc.sent >= len(sc.data):
            return
        try:
            n = sc.sock.send(sc.data[sc.sent:sc.sent + 1])
        except BlockingIOError:
            n = 0
        except OSError:
            self._closed(sc)
            return
        if n and sc.t_first is None:
            sc.t_first = time.monotonic()
        sc.sent += n
        heapq.heappush(self.heap, (time.monotonic() +
                                   self.rng.uniform(2.0, 3.0), id(sc), sc))

    def _closed(self, sc):
        if sc.sock is None:
            return
        self.ep.unregister(sc.sock.fileno())
        del self.byfd[sc.sock.fileno()]
        sc.sock.close()
        sc.sock = None
        sc.t_closed = time.monotonic()
        if self.refill and not self.stopping.is_set():
            self._open_one()

    def _readable(self, sc):
        while sc.sock is not None:
            try:
                chunk = sc.sock.recv(65536)
            except BlockingIOError:
                return
            except OSError:
                chunk = b''
            if not chunk:
                self._closed(sc)
                return
            if len(sc.reply) < REPLY_MAX:
                sc.reply += chunk[:REPLY_MAX - len(sc.reply)]

    def open(self):
        """Connect all n (in the caller's thread), then start sending."""
        for _ in range(self.n):
            self._open_one()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()
        return self

    def _run(self):
        end = time.monotonic() + self.max_secs
        try:
            while not self.stopping.is_set() and time.monotonic() < end:
                wait = 0.2
                if self.heap:
                    wait = min(wait, max(0.0, self.heap[0][0] -
                                         time.monotonic()))
                for fd, _ in self.ep.poll(wait):
                    sc = self.byfd.get(fd)
                    if sc is not None:
                        self._readable(sc)
                now = time.monotonic()
                while self.heap and self.heap[0][0] <= now:
                    self._send_byte(heapq.heappop(self.heap)[2])
        except Exception as e:      # reported by stop(), never lost
            self.errors.append('slow pool thread: %r' % e)

    def poll_closed(self, wait=0.0):
        """Before open()'s thread runs: notice closes in this thread."""
        for fd, _ in self.ep.poll(wait):
            sc = self.byfd.get(fd)
            if sc is not None:
                self._readable(sc)

    def live(self):
        return [sc for sc in self.conns if sc.sock is not None]

    def stop(self):
        self.stopping.set()
        if self.thread is not None:
            self.thread.join(10)
            assert not self.thread.is_alive(), 'slow pool thread stuck'
        for sc in list(self.conns):
            if sc.sock is not None:
                self.ep.unregister(sc.sock.fileno())
                sc.sock.close()
                sc.sock = None
        self.byfd.clear()
        self.ep.close()


def run_threads(fn, args_list, timeout):
    """fn(*args) in one thread each, started together; joined within
    timeout.  Returns the list of results (an exception object where fn
    raised)."""
    out = [None] * len(args_list)
    gate = threading.Barrier(len(args_list) + 1)

    def body(i, args):
        try:
            gate.wait(30)
            out[i] = fn(*args)
        except BaseException as e:
            out[i] = e
    ts = [threading.Thread(target=body, args=(i, a), daemon=True)
          for i, a in enumerate(args_list)]
    for t in ts:
        t.start()
    gate.wait(30)
    end = time.monotonic() + timeout
    for t in ts:
        t.join(max(0.0, end - time.monotonic()))
    stuck = sum(t.is_alive() for t in ts)
    assert not stuck, '%d threads still running after %.0fs' % (stuck,
                                                                 timeout)
    return out


# ---- /proc -------------------------------------------------------------

def fd_count(pid):
    try:
        return len(os.listdir('/proc/%d/fd' % pid))
    except OSError:
        return None


def proc_uid(pid):
    try:
        return int(ct.proc_status(pid)['Uid'].split()[0])
    except (OSError, KeyError, ValueError, IndexError):
        return None


def tree_state(d):
    """{role: (fds, children)} for parent, front and executor, plus the
    zombies among all their descendants."""
    pids = d.pids()
    out = {}
    for role in ('parent', 'front', 'executor'):
        pid = pids[role]
        out[role] = ((fd_count(pid), len(ct.proc_children(pid)))
                     if pid else None)
    out['zombies'] = zombies(d)
    return out


def zombies(d):
    if d.proc is None:
        return []
    return [p for p in ct.proc_descendants(d.proc.pid)
            if (ct.proc_stat(p) or ('?',))[0] == 'Z']


def nobody_procs():
    """Processes of the script uids below this worker (a subreaper): the scripts
    of the daemons this test started, wherever they were reparented."""
    out = []
    own = os.path.realpath(ct.DAEMON)
    for pid in ct.proc_descendants(os.getpid()):
        uid = proc_uid(pid)
        # a child prepared ahead runs the daemon's binary until its request
        if uid is not None and ct.is_script_uid(uid) and \
                ct.proc_exe(pid) != own:
            out.append('%d (%s)' % (pid, ct.proc_comm(pid)))
    return out


# ---- outcomes of a request while a child is killed ----------------------

def attempt(d, path, expected, timeout, src=None):
    """One GET on a new connection during a fault: see classify()."""
    return classify(d, lambda: fetch(d, path, src, timeout), expected)


def classify(d, get, expected):
    """Run get() (a Response) during a fault: 'ok' (200, exactly
    expected), 'closed' (refused, reset or closed before a whole
    response), 'error' (a whole 5xx error page), 'timeout'; any other
    answer is 'wrong: ...'."""
    try:
        r = get()
    except (ConnectionError, BrokenPipeError):
        return 'closed'
    except ProtocolError as e:
        if 'closed' in str(e):
            return 'closed'
        return 'wrong: %s' % str(e)[:200]
    except (TimeoutError, socket.timeout):
        return 'timeout'
    except OSError as e:
        return 'closed' if e.errno in (104, 111, 32) else 'wrong: %r' % e
    if r.status == 200 and r.body == expected:
        return 'ok'
    if r.status in (500, 502, 503, 504):
        try:
            ct.assert_error_page(r, r.status, d)
            return 'error'
        except AssertionError as e:
            return 'wrong: bad error page: %s' % str(e)[:200]
    return 'wrong: %d, %d bytes %r (expected %d bytes %r)' % (
        r.status, len(r.body), r.body[:60], len(expected), expected[:60])


# ---- strace on running daemon processes -------------------------------

class Strace:
    """strace (with args) attached to pids while the block runs:

        with Strace([executor], ['-f'], probe) as st:
            ... the load ...
        st.lines, st.skip

    probe() makes a call happen (a request); it is repeated until strace's
    output shows one, so the block starts attached.  skip: how many lines
    were there then (the probes').  Skip if strace is not installed."""

    def __init__(self, pids, args, probe):
        self.out = '/tmp/cgijail-strace.%d.%d' % (os.getpid(), id(self))
        self.cmd = ['strace', '-qq', '-o', self.out] + list(args)
        for p in pids:
            self.cmd += ['-p', str(p)]
        self.probe = probe
        self.proc = None
        self.lines = []
        self.skip = 0

    def _attached(self):
        self.probe()
        return os.path.exists(self.out) and os.path.getsize(self.out) > 0

    def __enter__(self):
        try:
            self.proc = subprocess.Popen(self.cmd, stdout=subprocess.DEVNULL,
                                         stderr=subprocess.DEVNULL)
        except FileNotFoundError:
            raise Skip('strace is not installed (make deps)')
        try:
            assert ct.wait_until(self._attached, 10.0, 0.2), \
                'strace never attached'
            time.sleep(0.2)
            with open(self.out) as f:
                self.skip = len(f.readlines())
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def __exit__(self, *exc):
        self.proc.send_signal(signal.SIGINT)
        self.proc.wait(timeout=10)
        try:
            with open(self.out) as f:
                self.lines = f.readlines()
            os.unlink(self.out)
        except OSError:
            pass
        return False
