# SPDX-License-Identifier: ISC
"""
cgijail_test: what an integration test needs to drive the real daemon.

Runs in the test worker (root, on this host); starts build/cgijail on
127.0.0.1 or ::1 only, talks to it with raw sockets, curl and /proc.
Trusts nothing the daemon sends: every read is bounded in size and time.
"""

import collections
import contextlib
import ctypes
import os
import pwd
import random
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))

DAEMON = os.environ.get('CGIJAIL_DAEMON',
                        os.path.join(REPO, 'build', 'cgijail'))
HELPERS = os.environ.get('CGIJAIL_HELPERS',
                         os.path.join(REPO, 'build', 'helpers'))
SANITIZER = os.environ.get('CGIJAIL_SANITIZER', '') not in ('', '0')
KEEP = os.environ.get('CGIJAIL_KEEP', '') not in ('', '0')

# sanitizer builds start and answer several times slower
SLOW = 3.0 if SANITIZER else 1.0
START_TIMEOUT = 5.0 * SLOW
STOP_TIMEOUT = 5.0 * SLOW

SERVER = 'cgijail/0.1'
# the host uids of running scripts: script-uid-range's default
SCRIPT_UID_FIRST, SCRIPT_UID_COUNT = 1879048192, 1024
RESPONSE_MAX = 64 * 1024 * 1024     # never buffer more than this
HEAD_MAX = 64 * 1024

ROLE_COMMS = {'cgijail-front': 'front', 'cgijail-exec': 'executor'}

ACCESS_RE = re.compile(
    r'^(?P<host>[0-9a-fA-F.:]+) - (?P<user>\S+) '
    r'\[(?P<time>\d{2}/[A-Z][a-z]{2}/\d{4}:\d{2}:\d{2}:\d{2} [+-]\d{4})\] '
    r'"(?P<request>(?:[^"\\]|\\.)*)" (?P<status>\d{3}) (?P<bytes>\d+|-) '
    r'"(?P<referer>(?:[^"\\]|\\.)*)" "(?P<agent>(?:[^"\\]|\\.)*)" '
    r'rid=(?P<rid>\d+) us=(?P<us>\d+)$')
ERROR_RE = re.compile(
    r'^(?P<time>\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z) '
    r'(?P<role>parent|front|executor) rid=(?P<rid>\d+|-) '
    r'(?P<level>error|warning|info|debug): (?P<text>.*)$')


class Skip(Exception):
    """Raise from a test that cannot run here (e.g. no IPv6)."""


class DaemonError(AssertionError):
    """The daemon did not start, answer or stop as the contract says."""


class Symlink:
    """A docroot_files value that makes a symbolic link."""

    def __init__(self, target):
        self.target = target


# ---- process helpers ---------------------------------------------------

def wait_until(pred, timeout, interval=0.05):
    """Poll pred() until it returns a true value or timeout seconds pass.
    Returns that value, or the last (false) one."""
    deadline = time.monotonic() + timeout
    while True:
        v = pred()
        if v or time.monotonic() >= deadline:
            return v
        time.sleep(min(interval, max(0.0, deadline - time.monotonic())))


def proc_comm(pid):
    try:
        with open('/proc/%d/comm' % pid) as f:
            return f.read().strip()
    except OSError:
        return None


def proc_children(pid):
    kids = []
    try:
        tasks = os.listdir('/proc/%d/task' % pid)
    except OSError:
        return kids
    for t in tasks:
        try:
            with open('/proc/%d/task/%s/children' % (pid, t)) as f:
                kids += [int(x) for x in f.read().split()]
        except OSError:
            pass
    return kids


def proc_descendants(pid, limit=10000):
    out, todo = [], [pid]
    while todo and len(out) < limit:
        for k in proc_children(todo.pop()):
            if k not in out:
                out.append(k)
                todo.append(k)
    return out


def proc_exe(pid):
    """What /proc/PID/exe names, or None (gone, a kernel thread)."""
    try:
        return os.readlink('/proc/%d/exe' % pid)
    except OSError:
        return None


def proc_fds(pid):
    """{fd: what /proc/PID/fd/FD names} of a live process."""
    out = {}
    for fd in os.listdir('/proc/%d/fd' % pid):
        try:
            out[int(fd)] = os.readlink('/proc/%d/fd/%s' % (pid, fd))
        except OSError:
            pass
    return out


def script_descendants(pid):
    """The descendants of pid (the executor) that are scripts: not the
    executor's spawners nor a child one of them prepared, which waits for
    its request with every layer on (sandbox/prep.c).  Those run the
    daemon's own binary until that child's exec; a script never can (the
    binary is not in the jail)."""
    own = proc_exe(pid)
    return [p for p in proc_descendants(pid)
            if own is None or proc_exe(p) != own]


def proc_stat(pid):
    """(state, starttime) from /proc/PID/stat, or None if gone."""
    try:
        with open('/proc/%d/stat' % pid) as f:
            s = f.read()
    except OSError:
        return None
    rest = s[s.rindex(')') + 2:].split()
    return rest[0], int(rest[19])


def is_script_uid(uid):
    """A host uid a running script has (DESIGN: one per request, from
    the reserved range, 65534 inside the jail only)."""
    return SCRIPT_UID_FIRST <= uid < SCRIPT_UID_FIRST + SCRIPT_UID_COUNT


def proc_status(pid):
    """/proc/PID/status as a dict of name -> value string."""
    d = {}
    with open('/proc/%d/status' % pid) as f:
        for line in f:
            k, _, v = line.partition(':')
            d[k] = v.strip()
    return d


def enable_subreaper():
    """Orphans of the daemon tree become our children, so stop() can
    see and reap whatever the daemon left behind."""
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(36, 1, 0, 0, 0) == 0:     # PR_SET_CHILD_SUBREAPER
        _SUBREAPER[0] = True


def front_uid():
    """The uid the front must run as (DESIGN: _cgijail, else 64990)."""
    try:
        return pwd.getpwnam('_cgijail').pw_uid
    except KeyError:
        return 64990


def helper_path(name):
    """A program from tests/helpers built into HELPERS, or Skip."""
    p = os.path.join(HELPERS, name)
    if not os.access(p, os.X_OK):
        raise Skip('helper %s not built (make helpers)' % name)
    return p


def host_int80_segfaults():
    """Without the sandbox, does int 0x80 even exist on this kernel?  (A
    guest of some hypervisors faults on it, ia32 emulation on or not.)"""
    p = subprocess.run([helper_path('sysprobe'), 'int80'],
                       capture_output=True, timeout=10)
    return p.returncode == -11


# ---- ports -------------------------------------------------------------

def _family(addr):
    return socket.AF_INET6 if ':' in addr else socket.AF_INET


def port_listening(port, addr='127.0.0.1', timeout=1.0):
    """True if something accepts TCP connections on addr:port."""
    s = socket.socket(_family(addr), socket.SOCK_STREAM)
    s.settimeout(timeout)
    try:
        s.connect((addr, port))
        return True
    except OSError:
        return False
    finally:
        s.close()


def _bindable(port):
    for fam, addr in ((socket.AF_INET, '127.0.0.1'),
                      (socket.AF_INET6, '::1')):
        s = socket.socket(fam, socket.SOCK_STREAM)
        try:
            s.bind((addr, port))
        except OSError as e:
            # no IPv6 at all is fine; anything else means taken
            if fam == socket.AF_INET6 and e.errno == 99:
                continue
            return False
        finally:
            s.close()
    return True


def free_port():
    """A port outside the ephemeral range (our own client sockets never
    take it) that nobody listens on, chosen at random so parallel
    workers rarely collide; Daemon.start() retries if they do."""
    rng = random.Random(os.getpid() ^ time.monotonic_ns())
    for _ in range(200):
        p = rng.randrange(20000, 32000)
        if _bindable(p):
            return p
    raise DaemonError('no free port found')


# ---- HTTP responses ----------------------------------------------------

class Response:
    """One parsed response. headers: list of (name, value) in order."""

    def __init__(self, version, status, reason, headers, body):
        self.version = version
        self.status = status
        self.reason = reason
        self.headers = headers
        self.body = body

    def get(self, name, default=None):
        name = name.lower()
        for k, v in self.headers:
            if k.lower() == name:
                return v
        return default

    def get_all(self, name):
        name = name.lower()
        return [v for k, v in self.headers if k.lower() == name]

    @property
    def text(self):
        return self.body.decode('utf-8', 'replace')

    def head(self):
        return ('%s %d %s\n' % (self.version, self.status, self.reason) +
                ''.join('%s: %s\n' % kv for kv in self.headers))

    def __repr__(self):
        b = self.body[:200]
        return '<Response %d %r %r%s>' % (
            self.status, self.headers, b,
            '...' if len(self.body) > 200 else '')


class ProtocolError(AssertionError):
    """The bytes the daemon sent are not a valid HTTP/1.1 response."""


class Conn:
    """One client connection; send raw bytes or requests, read responses
    one at a time (keep-alive, pipelining).  Every read is bounded."""

    def __init__(self, daemon_or_addr, timeout=10.0, rcvbuf=None):
        if isinstance(daemon_or_addr, Daemon):
            addr = (daemon_or_addr.bind, daemon_or_addr.port)
            self.hostport = daemon_or_addr.hostport
        else:
            addr = daemon_or_addr
            self.hostport = '%s:%d' % addr
        self.timeout = timeout
        self.sock = socket.socket(_family(addr[0]), socket.SOCK_STREAM)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        if rcvbuf:
            # before connect, so the window stays small: a slow reader
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        self.sock.settimeout(timeout)
        self.sock.connect(addr)
        self.buf = bytearray()
        self.eof = False
        self.pending = collections.deque()   # methods awaiting answers

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self):
        self.sock.close()

    def send(self, data):
        self.sock.sendall(data)

    def request(self, method, path, headers=None, body=None,
                version='1.1', send=True):
        """Send one request (Host added on 1.1, Content-Length for a
        body); returns the bytes.  The response is read later."""
        data = build_request(method, path, headers, body, version,
                             self.hostport)
        if send:
            self.send(data)
            self.pending.append(method)
        return data

    def _fill(self, deadline):
        if self.eof:
            return False
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError('response not complete in %.1fs' %
                               self.timeout)
        self.sock.settimeout(left)
        try:
            chunk = self.sock.recv(262144)
        except ConnectionResetError:
            chunk = b''
        except TimeoutError:
            raise TimeoutError('no complete response in %.1fs; have %r' % (
                self.timeout, bytes(self.buf[:200]))) from None
        if not chunk:
            self.eof = True
            return False
        self.buf += chunk
        if len(self.buf) > RESPONSE_MAX:
            raise ProtocolError('response larger than %d' % RESPONSE_MAX)
        return True

    def _take_line(self, deadline, limit):
        while True:
            i = self.buf.find(b'\r\n')
            if i >= 0:
                line = bytes(self.buf[:i])
                del self.buf[:i + 2]
                return line
            if len(self.buf) > limit:
                raise ProtocolError('line longer than %d' % limit)
            if not self._fill(deadline):
                raise ProtocolError('connection closed mid-line: %r' %
                                    bytes(self.buf[:200]))

    def _take(self, n, deadline):
        while len(self.buf) < n:
            if not self._fill(deadline):
                raise ProtocolError('connection closed after %d of %d '
                                    'body bytes' % (len(self.buf), n))
        out = bytes(self.buf[:n])
        del self.buf[:n]
        return out

    def read_response(self, method=None, timeout=None, interim=False):
        """Read one response.  method decides whether a body follows
        (HEAD: none); default: the oldest request sent with request(),
        else GET.  1xx responses are skipped unless interim is true."""
        if method is None:
            method = self.pending.popleft() if self.pending else 'GET'
        deadline = time.monotonic() + (timeout or self.timeout)
        while True:
            r = self._read_one(method, deadline)
            if r.status >= 200 or interim:
                return r

    def read_responses(self, n, methods=None, timeout=None):
        out = []
        for i in range(n):
            m = methods[i] if methods else None
            out.append(self.read_response(m, timeout))
        return out

    def _read_head(self, deadline):
        status_line = self._take_line(deadline, HEAD_MAX)
        m = re.match(rb'^(HTTP/1\.[01]) (\d{3}) ?(.*)$', status_line)
        if not m:
            raise ProtocolError('bad status line %r' % status_line[:200])
        headers, total = [], len(status_line)
        while True:
            line = self._take_line(deadline, HEAD_MAX)
            total += len(line) + 2
            if total > HEAD_MAX:
                raise ProtocolError('response head over %d' % HEAD_MAX)
            if not line:
                break
            name, sep, value = line.partition(b':')
            if not sep or not re.match(rb"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$",
                                       name):
                raise ProtocolError('bad header line %r' % line[:200])
            headers.append((name.decode('latin-1'),
                            value.strip(b' \t').decode('latin-1')))
        return (m.group(1).decode(), int(m.group(2)),
                m.group(3).decode('latin-1'), headers)

    def _read_one(self, method, deadline):
        version, status, reason, headers = self._read_head(deadline)
        r = Response(version, status, reason, headers, b'')
        if (method == 'HEAD' or status < 200 or status in (204, 304)):
            return r
        te = r.get('Transfer-Encoding')
        cl = r.get_all('Content-Length')
        if te is not None:
            if te.lower() != 'chunked':
                raise ProtocolError('transfer-encoding %r' % te)
            if cl:
                raise ProtocolError('both Transfer-Encoding and '
                                    'Content-Length')
            r.body = self._read_chunked(deadline)
        elif cl:
            if len(set(cl)) != 1 or not re.match(r'^\d{1,12}$', cl[0]):
                raise ProtocolError('bad Content-Length %r' % cl)
            n = int(cl[0])
            if n > RESPONSE_MAX:
                raise ProtocolError('Content-Length %d too big' % n)
            r.body = self._take(n, deadline)
        else:
            while self._fill(deadline):
                pass
            r.body = bytes(self.buf)
            self.buf.clear()
        return r

    def _read_chunked(self, deadline):
        body = bytearray()
        for _ in range(1000000):
            line = self._take_line(deadline, 1024)
            size = line.split(b';', 1)[0].strip()
            if not re.match(rb'^[0-9a-fA-F]{1,8}$', size):
                raise ProtocolError('bad chunk size line %r' % line)
            n = int(size, 16)
            if n == 0:
                for _ in range(100):
                    if not self._take_line(deadline, 8192):
                        return bytes(body)
                raise ProtocolError('too many trailer lines')
            body += self._take(n, deadline)
            if len(body) > RESPONSE_MAX:
                raise ProtocolError('chunked body too large')
            if self._take(2, deadline) != b'\r\n':
                raise ProtocolError('chunk not followed by CRLF')
        raise ProtocolError('too many chunks')

    def closed(self, timeout=2.0):
        """True if the peer closes (EOF or reset) within timeout with
        nothing more to read; False if it stays open or sends data."""
        if self.buf:
            return False
        if self.eof:
            return True
        self.sock.settimeout(timeout)
        try:
            chunk = self.sock.recv(65536)
        except (socket.timeout, TimeoutError):
            return False
        except ConnectionResetError:
            self.eof = True
            return True
        if chunk:
            self.buf += chunk
            return False
        self.eof = True
        return True


def build_request(method, path, headers=None, body=None, version='1.1',
                  hostport='127.0.0.1'):
    """Bytes of one request.  headers: dict or list of pairs; a Host is
    added on HTTP/1.1 unless given, Content-Length unless given."""
    if isinstance(headers, dict):
        headers = list(headers.items())
    headers = list(headers or [])
    names = {k.lower() for k, _ in headers}
    if version == '1.1' and 'host' not in names:
        headers.insert(0, ('Host', hostport))
    if body is not None:
        if isinstance(body, str):
            body = body.encode()
        if ('content-length' not in names and
                'transfer-encoding' not in names):
            headers.append(('Content-Length', str(len(body))))
    out = ('%s %s HTTP/%s\r\n' % (method, path, version)).encode('latin-1')
    for k, v in headers:
        out += ('%s: %s\r\n' % (k, v)).encode('latin-1')
    out += b'\r\n'
    if body:
        out += body
    return out


def parse_response(data, method='GET'):
    """Parse the first response in bytes already read (e.g. from
    Daemon.request()).  Raises ProtocolError if there is none."""
    c = _BytesConn(data)
    return c.read_response(method)


class _BytesConn(Conn):
    def __init__(self, data):
        self.buf = bytearray(data)
        self.eof = True
        self.timeout = 1.0
        self.pending = collections.deque()

    def close(self):
        pass


def assert_status(resp, *allowed):
    assert resp.status in allowed, (
        'expected status %s, got %d\n%s%r' % (
            '/'.join(map(str, allowed)), resp.status, resp.head(),
            resp.body[:300]))


def assert_error_page(resp, status, daemon=None):
    """The contract for error responses: a short fixed text/html page
    with the status in its title, Date and Server, never a path."""
    assert_status(resp, status)
    assert resp.get('Server') == SERVER, resp.head()
    assert resp.get('Date'), resp.head()
    ctype = resp.get('Content-Type', '')
    assert ctype.split(';')[0].strip() == 'text/html', resp.head()
    title = re.search(rb'<title>(.*?)</title>', resp.body, re.S | re.I)
    assert title and str(status).encode() in title.group(1), resp.body
    assert len(resp.body) < 4096, len(resp.body)
    if daemon is not None:
        for where in (resp.body, resp.head().encode('latin-1')):
            assert daemon.tmp.encode() not in where, where


# ---- the daemon --------------------------------------------------------

# every Daemon made in this process, so the runner can check and stop them
_REGISTRY = []
_ALL = []


def registry_take():
    """Daemons created since the last call (the runner's fixture hook)."""
    out = list(_REGISTRY)
    del _REGISTRY[:]
    return out


class Daemon:
    """One cgijail under test, on its own free port and temp docroot.

    docroot_files: {relative path: content | (content, mode)} where
    content is str, bytes or Symlink(target); directories are made 0755.
    None gives a one-file docroot (index.html).
    config_lines: written to a config file passed with -c.
    args: extra command-line arguments, before PORT.
    cgi_dirs: list of URL paths, each passed as --cgi-dir.
    bind: -b ADDRESS (127.0.0.1 or ::1 only).
    start: False to prepare docroot/config/port without starting (then
    use run() for a foreground run to completion, or start())."""

    def __init__(self, docroot_files=None, config_lines=None, args=None,
                 cgi_dirs=None, bind='127.0.0.1', start=True, port=None,
                 env=None):
        if bind not in ('127.0.0.1', '::1'):
            raise ValueError('tests bind only 127.0.0.1 or ::1')
        self.bind = bind
        self.args = list(args or [])
        for d in cgi_dirs or []:
            self.args += ['--cgi-dir', d]
        self.env = env
        self.proc = None
        self.stopped = False
        self.first_pids = None
        self.pass_docroot = True        # False: no -d (config "root")
        # a test that kills or reloads children sets this
        self.expect_restart = False
        self.exit_status = None
        self.tree = []
        self.tmp = tempfile.mkdtemp(prefix='cgijail-test-')
        os.chmod(self.tmp, 0o755)
        self.docroot = os.path.join(self.tmp, 'root')
        os.mkdir(self.docroot, 0o755)
        os.chmod(self.docroot, 0o755)
        self.logpath = os.path.join(self.tmp, 'daemon.log')
        if docroot_files is None:
            docroot_files = {'index.html': '<html>cgijail test</html>\n'}
        for path, spec in docroot_files.items():
            self.write(path, spec)
        self.conf = None
        if config_lines is not None:
            self.conf = os.path.join(self.tmp, 'cgijail.conf')
            self.write_config(config_lines)
        self.port = port or free_port()
        _REGISTRY.append(self)
        _ALL.append(self)
        if start:
            self.start()

    # -- files --

    def path(self, rel):
        return os.path.join(self.docroot, rel.lstrip('/'))

    def write(self, rel, spec):
        """Create one docroot entry (see docroot_files)."""
        content, mode = (spec if isinstance(spec, tuple) else (spec, None))
        p = self.path(rel)
        d = os.path.dirname(p)
        os.makedirs(d, mode=0o755, exist_ok=True)
        while d.startswith(self.docroot):
            os.chmod(d, 0o755)
            d = os.path.dirname(d)
        if isinstance(content, Symlink):
            os.symlink(content.target, p)
            return p
        if isinstance(content, str):
            content = content.encode()
        with open(p, 'wb') as f:
            f.write(content)
        if mode is None:
            mode = 0o755 if content.startswith(b'#!') else 0o644
        os.chmod(p, mode)
        return p

    def write_config(self, lines, path=None):
        path = path or self.conf
        with open(path, 'w') as f:
            f.write(''.join(line + '\n' for line in lines))
        os.chmod(path, 0o644)
        return path

    # -- process --

    @property
    def hostport(self):
        if ':' in self.bind:
            return '[%s]:%d' % (self.bind, self.port)
        return '%s:%d' % (self.bind, self.port)

    def url(self, path='/'):
        return 'http://%s%s' % (self.hostport, path)

    def argv(self):
        a = [DAEMON]
        if '-b' not in self.args:
            a += ['-b', self.bind]
        if '-d' not in self.args and self.pass_docroot:
            a += ['-d', self.docroot]
        if self.conf and '-c' not in self.args:
            a += ['-c', self.conf]
        return a + self.args + [str(self.port)]

    def _spawn(self):
        if not os.access(DAEMON, os.X_OK):
            raise DaemonError('daemon binary not found: %s' % DAEMON)
        env = dict(os.environ)
        env.update(self.env or {})
        logf = open(self.logpath, 'ab')
        try:
            return subprocess.Popen(self.argv(), stdin=subprocess.DEVNULL,
                                    stdout=logf, stderr=logf, env=env,
                                    cwd=self.tmp)
        finally:
            logf.close()

    def start(self):
        """Start and wait until it answers GET / (any status)."""
        for attempt in range(3):
            self.proc = self._spawn()
            self.stopped = False
            if wait_until(self._up_or_dead, START_TIMEOUT, 0.02):
                if self.proc.poll() is None:
                    self.first_pids = self.pids()
                    return self
            rc = self.proc.poll()
            if rc is None:
                self.kill()
                raise DaemonError('daemon did not answer within %.0fs' %
                                  START_TIMEOUT)
            self.stopped = True
            self.exit_status = rc
            # a parallel worker took our port between check and bind
            if 'in use' in self.log().lower() and attempt < 2:
                self.port = free_port()
                continue
            raise DaemonError('daemon exited with status %s at start' % rc)
        raise DaemonError('could not start')

    def _up_or_dead(self):
        return self.proc.poll() is not None or self.answers(timeout=1.0)

    def run(self, timeout=5.0, extra_args=None, argv=None,
            watch_port=True):
        """Run in the foreground to completion (config errors, -n,
        --check): a CompletedProcess with text stdout/stderr.  A daemon
        that starts listening on its port (watch_port) or outlives
        timeout is killed with its whole tree and the test fails."""
        if not os.access(DAEMON, os.X_OK):
            raise DaemonError('daemon binary not found: %s' % DAEMON)
        a = list(argv or self.argv())
        if extra_args:
            a = a[:-1] + list(extra_args) + a[-1:]
        env = dict(os.environ)
        env.update(self.env or {})
        with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
            p = subprocess.Popen(a, stdin=subprocess.DEVNULL, stdout=out,
                                 stderr=err, env=env, cwd=self.tmp)
            why = self._await_exit(p, timeout * SLOW, watch_port)
            out.seek(0)
            err.seek(0)
            cp = subprocess.CompletedProcess(
                a, p.returncode, out.read().decode('utf-8', 'replace'),
                err.read().decode('utf-8', 'replace'))
        with open(self.logpath, 'a') as f:
            f.write('$ %s\n%s%s[exit %s]\n' % (' '.join(a), cp.stdout,
                                              cp.stderr, cp.returncode))
        if why:
            raise DaemonError('%s: %s\nstderr: %s' % (' '.join(a), why,
                                                       cp.stderr[-2000:]))
        return cp

    def _await_exit(self, p, timeout, watch_port):
        """None once p exits; a reason after killing its tree."""
        deadline = time.monotonic() + timeout
        why = None
        while p.poll() is None:
            if time.monotonic() > deadline:
                why = 'did not exit within %.0fs' % timeout
            elif watch_port and port_listening(self.port, self.bind, 0.2):
                why = 'started serving instead of exiting'
            if why:
                _kill_tree(p)
                break
            time.sleep(0.05)
        return why

    def running(self):
        return self.proc is not None and self.proc.poll() is None

    def pids(self):
        """{'parent', 'front', 'executor'} -> pid (None if not found)."""
        out = {'parent': self.proc.pid if self.proc else None,
               'front': None, 'executor': None}
        if not self.running():
            out['parent'] = None
            return out
        for pid in proc_descendants(self.proc.pid):
            role = ROLE_COMMS.get(proc_comm(pid))
            if role and out[role] is None:
                out[role] = pid
        return out

    def wait_pids(self, timeout=2.0, old=None):
        """pids() once front and executor exist (and differ from old)."""
        def ok():
            p = self.pids()
            if p['front'] is None or p['executor'] is None:
                return None
            if old and (p['front'] == old.get('front') or
                        p['executor'] == old.get('executor')):
                return None
            return p
        p = wait_until(ok, timeout)
        assert p, 'front/executor not found: %r' % self.pids()
        return p

    def assert_not_restarted(self):
        """A crashed front or executor is restarted by the parent and
        the service looks fine; the pids tell."""
        first, now = self.first_pids or {}, self.pids()
        for role in ('front', 'executor'):
            if first.get(role) is not None:
                assert now[role] == first[role], (
                    '%s was restarted during the test (crash?): pid %s, '
                    'now %s' % (role, first[role], now[role]))

    def send_signal(self, sig):
        """Send sig to the parent (remembering the tree for stop())."""
        self._snapshot_tree()
        os.kill(self.proc.pid, sig)

    def _snapshot_tree(self):
        """Remember (pid, starttime) of every descendant now alive, so a
        reused pid is never mistaken for one of ours."""
        known = dict(self.tree)
        if self.proc is not None:
            for pid in proc_descendants(self.proc.pid):
                st = proc_stat(pid)
                if st and pid not in known:
                    known[pid] = st[1]
        self.tree = sorted(known.items())

    def _leftovers(self):
        """Live processes of the tree, reaping the zombies that were
        reparented to us (subreaper)."""
        left = []
        for pid, start in self.tree:
            cur = proc_stat(pid)
            if cur is None or cur[1] != start:
                continue
            if cur[0] == 'Z':
                _reap(pid)
                continue
            left.append(pid)
        for pid in _stray_children():
            if pid not in left:
                left.append(pid)
        return left

    def stop(self, sig=signal.SIGTERM, timeout=STOP_TIMEOUT):
        """Signal the parent (sig None: it was signalled already), wait
        up to timeout, return its exit status.  Asserts that no process
        of the tree is left."""
        if self.proc is None or self.stopped:
            return self.exit_status
        self._snapshot_tree()
        if sig is not None and self.proc.poll() is None:
            os.kill(self.proc.pid, sig)
        try:
            rc = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise DaemonError('daemon did not exit within %.1fs of %s' %
                              (timeout, signal.Signals(sig or 15).name))
        self.stopped = True
        self.exit_status = rc
        if not wait_until(lambda: not self._leftovers(), 1.0):
            pids = self._leftovers()
            desc = ['%d (%s)' % (p, proc_comm(p)) for p in pids]
            self._kill_pids(pids)
            raise DaemonError('processes left after the parent exited: %s'
                              % ', '.join(desc))
        return rc

    def kill(self):
        """SIGKILL the whole tree (cleanup after a failure)."""
        if self.proc is None:
            return
        self._snapshot_tree()
        if self.proc.poll() is None:
            self.proc.kill()
        self._kill_pids([p for p, _ in self.tree])
        try:
            self.proc.wait(5)
        except subprocess.TimeoutExpired:
            pass
        self.stopped = True
        if self.exit_status is None:
            self.exit_status = self.proc.returncode

    def _kill_pids(self, pids):
        starts = dict(self.tree)
        for pid in pids:
            cur = proc_stat(pid)
            if cur and (pid not in starts or cur[1] == starts[pid]):
                try:
                    os.kill(pid, signal.SIGKILL)
                except OSError:
                    pass
        for pid in pids:
            wait_until(lambda: _reap(pid) or proc_stat(pid) is None, 1.0)

    def finish(self):
        """The runner's after-test check: still answers GET /, then a
        graceful stop with status 0 and nothing left behind."""
        if self.proc is None or self.stopped:
            return
        if self.proc.poll() is not None:
            self.stopped = True
            self.exit_status = self.proc.returncode
            raise DaemonError('daemon died during the test (status %s)' %
                              self.proc.returncode)
        if not self.answers(timeout=5.0 * SLOW):
            self.kill()
            raise DaemonError('daemon no longer answers GET / after the '
                              'test')
        if not self.expect_restart:
            self.assert_not_restarted()
        rc = self.stop()
        assert rc == 0, 'SIGTERM: exit status %s, expected 0' % rc
        self.check_sanitizer()

    def check_sanitizer(self):
        # a report cut short (the front's seccomp filter may kill it
        # mid-report) still starts with a line of '='
        bad = [ln for ln in self.log().splitlines()
               if 'AddressSanitizer' in ln or 'runtime error:' in ln or
               'LeakSanitizer' in ln or re.match(r'^={40,}$', ln)]
        assert not bad, 'sanitizer report in the log:\n' + '\n'.join(bad)

    def cleanup(self):
        if self.running():
            self.kill()
        if not KEEP:
            shutil.rmtree(self.tmp, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, etype, exc, tb):
        if etype is None:
            self.finish()
        else:
            self.kill()
        return False

    # -- logs --

    def log_bytes(self):
        try:
            with open(self.logpath, 'rb') as f:
                return f.read()
        except OSError:
            return b''

    def log(self):
        return self.log_bytes().decode('utf-8', 'replace')

    def log_tail(self, n=40):
        return '\n'.join(self.log().splitlines()[-n:])

    def access_lines(self, text=None):
        """Parsed access lines (re.Match) from text or the stderr log."""
        text = self.log() if text is None else text
        return [m for m in map(ACCESS_RE.match, text.splitlines()) if m]

    def wait_log(self, pattern, timeout=2.0, path=None):
        """First line matching the regex pattern, waiting for it."""
        rx = re.compile(pattern)

        def find():
            if path:
                try:
                    with open(path, 'rb') as f:
                        text = f.read().decode('utf-8', 'replace')
                except OSError:
                    return None
            else:
                text = self.log()
            for ln in text.splitlines():
                if rx.search(ln):
                    return ln
            return None
        return wait_until(find, timeout)

    # -- clients --

    def connect(self, timeout=10.0, rcvbuf=None):
        return Conn(self, timeout, rcvbuf)

    def request(self, raw, timeout=5.0, shut_wr=False):
        """Send raw bytes on a new connection; read until the daemon
        closes or timeout seconds pass.  Returns what was read."""
        s = socket.socket(_family(self.bind), socket.SOCK_STREAM)
        s.settimeout(timeout)
        out = bytearray()
        deadline = time.monotonic() + timeout
        try:
            s.connect((self.bind, self.port))
            try:
                s.sendall(raw)
                if shut_wr:
                    s.shutdown(socket.SHUT_WR)
            except (BrokenPipeError, ConnectionResetError):
                pass    # answered and closed before reading it all
            while len(out) <= RESPONSE_MAX:
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                s.settimeout(left)
                try:
                    chunk = s.recv(262144)
                except (socket.timeout, TimeoutError):
                    break
                except ConnectionResetError:
                    break
                if not chunk:
                    break
                out += chunk
        finally:
            s.close()
        return bytes(out)

    def http(self, method, path, headers=None, body=None, version='1.1',
             timeout=10.0):
        """One request on a new connection (Connection: close unless
        given); returns the parsed Response."""
        if isinstance(headers, dict):
            headers = list(headers.items())
        headers = list(headers or [])
        if 'connection' not in {k.lower() for k, _ in headers}:
            headers.append(('Connection', 'close'))
        with Conn(self, timeout) as c:
            c.request(method, path, headers, body, version)
            return c.read_response(method)

    def get(self, path, headers=None, **kw):
        return self.http('GET', path, headers, **kw)

    def answers(self, timeout=2.0):
        """True if GET / gets any HTTP response status line."""
        try:
            data = self.request(b'GET / HTTP/1.0\r\n\r\n', timeout=timeout)
        except OSError:
            return False
        return re.match(rb'^HTTP/1\.[01] \d{3}', data) is not None

    def curl(self, *args, timeout=15.0):
        """curl -sS with a time limit; text stdout/stderr."""
        a = ['curl', '-sS', '--max-time', str(int(timeout))] + list(args)
        return subprocess.run(a, capture_output=True, text=True,
                              errors='replace', timeout=timeout + 5,
                              stdin=subprocess.DEVNULL)


def _kill_tree(popen):
    """SIGKILL a Popen and every descendant, then wait for it."""
    pids = proc_descendants(popen.pid)
    for pid in [popen.pid] + pids:
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
    try:
        popen.wait(5)
    except subprocess.TimeoutExpired:
        pass
    for pid in pids:
        wait_until(lambda: _reap(pid) or proc_stat(pid) is None, 1.0)


def _reap(pid):
    """Collect pid if it is our zombie child; never blocks."""
    try:
        os.waitpid(pid, os.WNOHANG)
    except OSError:
        pass
    return False


_SUBREAPER = [False]


def _stray_children():
    """Children of this process that no Daemon started: with the
    subreaper on, they are orphans of a daemon tree (curl and other
    tools the tests run are excluded; they are waited for, haproxy
    stopped by its test)."""
    if not _SUBREAPER[0]:
        return []
    ours = {d.proc.pid for d in _ALL if d.proc is not None}
    out = []
    for pid in proc_children(os.getpid()):
        st = proc_stat(pid)
        if pid in ours or st is None:
            continue
        if st[0] == 'Z':
            _reap(pid)
            continue
        if proc_comm(pid) in ('curl', 'python3', 'openssl', 'haproxy'):
            continue
        out.append(pid)
    return out


# ---- table-driven raw requests -----------------------------------------

def check_raw_cases(daemon, cases, timeout=5.0):
    """cases: (label, raw bytes, allowed statuses, must_close).  Each
    raw request goes on its own connection; every mismatch is collected
    so one failure does not hide the others.  Error statuses must be
    the contract's error page; must_close: the daemon closes after."""
    bad = []
    for label, raw, allowed, must_close in cases:
        if isinstance(allowed, int):
            allowed = (allowed,)
        method = 'HEAD' if raw.startswith(b'HEAD ') else 'GET'
        try:
            with daemon.connect(timeout) as c:
                try:
                    c.send(raw)
                except (BrokenPipeError, ConnectionResetError):
                    pass    # answered and closed before reading it all
                r = c.read_response(method, timeout)
                assert_status(r, *allowed)
                if r.status >= 400:
                    assert_error_page(r, r.status, daemon)
                if must_close:
                    assert c.closed(2.0), 'connection left open after %d' % (
                        r.status)
        except (AssertionError, OSError) as e:
            bad.append('%s: %s: %s' % (label, type(e).__name__,
                                       str(e)[:400]))
    assert not bad, '%d of %d cases failed:\n' % (len(bad), len(cases)) + \
        '\n'.join(bad)


# ---- docroot values and checks the sandbox suites share ----------------

def fixture(name, mode=0o755):
    """A script from tests/integration/cgi-bin, as a docroot_files value."""
    with open(os.path.join(HERE, 'cgi-bin', name), 'rb') as f:
        return (f.read(), mode)


def helper(name):
    """A static program from tests/helpers as a docroot value (Skip if
    it was not built)."""
    with open(helper_path(name), 'rb') as f:
        return (f.read(), 0o755)


def assert_still_serving(d, timeout=10.0):
    """The docroot's cgi-bin/ok.sh (the fixture ok.sh) still answers."""
    r = d.get('/cgi-bin/ok.sh', timeout=timeout)
    assert_status(r, 200)
    assert r.body == b'ok', r


def rid_of(d, target, timeout=3.0):
    """The request id the access log gives the first request for
    target (the path as sent)."""
    def find():
        for m in d.access_lines():
            if m.group('request').split(' ')[1:2] == [target]:
                return int(m.group('rid'))
        return None
    rid = wait_until(find, timeout)
    assert rid, 'no access line for %s:\n%s' % (target, d.log_tail())
    return rid


# ---- TLS and the PROXY protocol ----------------------------------------

def make_cert(dirpath, name='server', cn='localhost'):
    """A self-signed certificate for localhost and 127.0.0.1 and its key,
    made now with `openssl req` (P-256: fast): (cert path, key path)."""
    cert = os.path.join(dirpath, name + '.crt')
    key = os.path.join(dirpath, name + '.key')
    p = subprocess.run(
        ['openssl', 'req', '-x509', '-newkey', 'ec', '-pkeyopt',
         'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2',
         '-subj', '/CN=%s' % cn, '-addext',
         'subjectAltName=DNS:localhost,IP:127.0.0.1',
         '-keyout', key, '-out', cert],
        stdin=subprocess.DEVNULL, capture_output=True, timeout=30)
    assert p.returncode == 0, 'openssl req: %s' % p.stderr.decode()[-500:]
    os.chmod(key, 0o600)
    return cert, key


def cert_der(path):
    """The DER bytes of the PEM certificate in path."""
    import ssl
    with open(path) as f:
        return ssl.PEM_cert_to_DER_cert(f.read())


class ListenersDaemon(Daemon):
    """A daemon with its plain listener on self.port (what the runner
    checks after each test) and more listeners with options: listens is
    a list of option strings ('tls', 'proxy-protocol', 'tls
    proxy-protocol'), each on 127.0.0.1 and a port of its own
    (self.ports[i]).  With a tls listener it gets a certificate made by
    make_cert() (self.cert, self.key) unless tls_lines says otherwise.
    The command line names no address or port: the config's listen lines
    are the listeners."""

    def __init__(self, listens, docroot_files=None, config_lines=None,
                 tls_lines=None, start=True, **kw):
        self.listens = list(listens)
        self.extra_lines = list(config_lines or [])
        self.ports = []
        super().__init__(docroot_files, config_lines=[], start=False, **kw)
        self.cert = self.key = None
        if tls_lines is None and any('tls' in o.split()
                                     for o in self.listens):
            self.cert, self.key = make_cert(self.tmp)
            tls_lines = ['tls-certificate %s' % self.cert,
                         'tls-key %s' % self.key]
        self.tls_lines = list(tls_lines or [])
        if start:
            self.start()

    def config_text_lines(self):
        while len(self.ports) < len(self.listens):
            self.ports.append(free_port())
        lines = ['listen 127.0.0.1 %d' % self.port]
        for port, opts in zip(self.ports, self.listens):
            lines.append('listen 127.0.0.1 %d %s' % (port, opts))
        return lines + self.tls_lines + self.extra_lines

    def argv(self):
        # rewritten at every start: start() may move to another port
        for i, p in enumerate(self.ports):
            if not _bindable(p):
                self.ports[i] = free_port()
        self.write_config(self.config_text_lines())
        a = [DAEMON, '-c', self.conf]
        if self.pass_docroot:
            a += ['-d', self.docroot]
        return a + self.args

    def tls_context(self, cafile=None):
        """A client context that trusts only our certificate."""
        import ssl
        ctx = ssl.create_default_context(cafile=cafile or self.cert)
        return ctx

    def tls_connect(self, index=0, timeout=10.0, ctx=None, before=b''):
        """A Conn over TLS to listener index (SNI localhost); before: bytes
        sent in the clear first (a PROXY header)."""
        return TlsConn(('127.0.0.1', self.ports[index]),
                       ctx or self.tls_context(), timeout, before=before)


class TlsConn(Conn):
    """A Conn whose socket is TLS (verified against ctx), after the bytes
    before in the clear; an end without close_notify reads as EOF, as a
    reset does."""

    def __init__(self, addr, ctx, timeout=10.0, server_hostname='localhost',
                 before=b''):
        super().__init__(addr, timeout)
        if before:
            self.sock.sendall(before)
        self.sock = ctx.wrap_socket(self.sock,
                                    server_hostname=server_hostname)

    def _fill(self, deadline):
        import ssl
        try:
            return super()._fill(deadline)
        except (ssl.SSLEOFError, ssl.SSLZeroReturnError):
            self.eof = True
            return False


# ---- accounts for userdir tests ----------------------------------------

class Students:
    """Accounts of this test, made with useradd (uid from UID_MIN up,
    a group of their own), homes in a temporary directory under base
    ('/var/tmp' or '/tmp'), each with DIR (public_html) unless asked
    not to.  Removed with userdel when the test ends, failure or not;
    a worker killed mid-test leaves accounts that the next Students()
    removes (their creator's pid is in the GECOS field).

        with Students() as s:
            alice = s.add('alice')
            s.write(alice, 'cgi-bin/id.sh', ID_SH)"""

    PREFIX = 'cjt'
    GECOS = 'cgijail-test %d'

    def __init__(self, base='/var/tmp', dirname='public_html'):
        self.dirname = dirname
        self.names = []
        self.homes = {}
        self.sweep()
        self.base = tempfile.mkdtemp(prefix='cgijail-homes-', dir=base)
        os.chmod(self.base, 0o755)

    @classmethod
    def sweep(cls):
        """Remove accounts a dead test worker left behind."""
        for pw in pwd.getpwall():
            m = re.match(r'^cgijail-test (\d+)$', pw.pw_gecos)
            if not pw.pw_name.startswith(cls.PREFIX) or not m:
                continue
            if os.path.exists('/proc/%s' % m.group(1)):
                continue
            cls._userdel(pw.pw_name)
            if re.match(r'^/(var/)?tmp/cgijail-homes-', pw.pw_dir):
                shutil.rmtree(os.path.dirname(pw.pw_dir), ignore_errors=True)

    @staticmethod
    def _run(argv):
        """useradd and userdel lock /etc/passwd: a parallel worker may
        hold it for a moment, so try again a few times."""
        for _ in range(20):
            p = subprocess.run(argv, capture_output=True, text=True,
                               timeout=30)
            if p.returncode == 0:
                return p
            if 'lock' not in p.stderr and 'try again' not in p.stderr:
                break
            time.sleep(0.2)
        return p

    @classmethod
    def _userdel(cls, name):
        p = cls._run(['userdel', name])
        if p.returncode != 0 and 'does not exist' not in p.stderr:
            cls._run(['userdel', '-f', name])

    def add(self, tag, public=True, system=False, home_mode=0o711,
            dir_mode=0o755, via_link=False, group=None):
        """A new account 'cjt' + tag + a random suffix; its name.
        via_link: its home is named through an absolute symlink (as
        /home -> /srv/home is).  group: an existing group as its
        primary one, instead of a group of its own."""
        name = '%s%s%04x' % (self.PREFIX, tag, random.randrange(1 << 16))
        home = os.path.join(self.base, name)
        if via_link:
            real, link = self.base + '/real', self.base + '/link'
            if not os.path.isdir(real):
                os.mkdir(real, 0o755)
                os.symlink(real, link)
            home = os.path.join(link, name)
            self.homes[name] = home
        argv = ['useradd', '-M', '-d', home, '-s', '/usr/sbin/nologin',
                '-c', self.GECOS % os.getpid()]
        if system:
            argv.append('-r')
        if group is not None:
            argv += ['-N', '-g', group]
        p = self._run(argv + [name])
        if p.returncode != 0:
            raise DaemonError('useradd %s: %s' % (name, p.stderr.strip()))
        self.names.append(name)
        pw = pwd.getpwnam(name)
        os.mkdir(home)
        os.chown(home, pw.pw_uid, pw.pw_gid)
        os.chmod(home, home_mode)
        if public:
            self.mkdir(name, '', dir_mode)
        return name

    def uid(self, name):
        return pwd.getpwnam(name).pw_uid

    def gid(self, name):
        return pwd.getpwnam(name).pw_gid

    def home(self, name):
        return self.homes.get(name, os.path.join(self.base, name))

    def path(self, name, rel=''):
        """HOME/DIR/rel on the host (and, the same, in the jail)."""
        p = os.path.join(self.home(name), self.dirname)
        return os.path.join(p, rel) if rel else p

    def mkdir(self, name, rel, mode=0o755, owner=None):
        p = self.path(name, rel)
        os.makedirs(p, exist_ok=True)
        pw = pwd.getpwnam(owner or name)
        os.chown(p, pw.pw_uid, pw.pw_gid)
        os.chmod(p, mode)
        return p

    def write(self, name, rel, spec, owner=None):
        """A file below HOME/DIR, owned by owner (default: name);
        spec as Daemon's docroot_files values; parents made 0755."""
        content, mode = (spec if isinstance(spec, tuple) else (spec, None))
        d = os.path.dirname(rel)
        if d:
            self.mkdir(name, d)
        p = self.path(name, rel)
        if isinstance(content, str):
            content = content.encode()
        with open(p, 'wb') as f:
            f.write(content)
        if mode is None:
            mode = 0o755 if content.startswith(b'#!') else 0o644
        pw = pwd.getpwnam(owner or name)
        os.chown(p, pw.pw_uid, pw.pw_gid)
        os.chmod(p, mode)
        return p

    def close(self):
        for name in self.names:
            self._userdel(name)
        self.names = []
        if not KEEP:
            shutil.rmtree(self.base, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False


def processes_of(uid, comm=None):
    """Host pids whose real uid is uid (and whose name is comm)."""
    out = []
    for d in os.listdir('/proc'):
        if not d.isdigit():
            continue
        try:
            st = proc_status(int(d))
        except OSError:
            continue
        if int(st.get('Uid', '-1 ').split()[0]) == uid and (
                comm is None or st.get('Name') == comm):
            out.append(int(d))
    return out


def get_in_thread(d, path, out, timeout=20):
    """d.get(path) in a thread of its own, started: (status, seconds) is
    appended to out, or (repr of the exception, seconds)."""
    def run():
        t0 = time.monotonic()
        try:
            r = d.get(path, timeout=timeout)
            out.append((r.status, time.monotonic() - t0))
        except Exception as e:          # reported by the caller
            out.append((repr(e), time.monotonic() - t0))
    t = threading.Thread(target=run)
    t.start()
    return t


@contextlib.contextmanager
def strace_held(pids, call, delay, follow=False):
    """strace holds each of pids (follow: and each child they make from
    then on) on each of its `call`s for delay seconds, until the block
    ends; what a loaded machine does to a process it leaves unscheduled
    there.  Skip without strace."""
    cmd = ['strace', '-qq', '-o', '/dev/null'] + (['-f'] if follow else []) \
        + ['-e', 'trace=%s' % call, '-e',
           'inject=%s:delay_enter=%gs' % (call, delay)]
    for p in pids:
        cmd += ['-p', str(p)]
    try:
        st = subprocess.Popen(cmd, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    except FileNotFoundError:
        raise Skip('strace is not installed (make deps)')
    try:
        assert wait_until(lambda: all(
            proc_status(p).get('TracerPid', '0') == str(st.pid)
            for p in pids), 10.0), 'strace never attached'
        yield pids
    finally:
        st.kill()
        st.wait()
