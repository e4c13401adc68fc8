# SPDX-License-Identifier: ISC
"""
attack_common: what every tests/attacks/test_*.py shares.  Runs in the
test worker (root, on this host) against the real daemon; trusts nothing
it reads back.  It plants a marker in every script (the source must never
be served), and keeps two control requests (a script and a static file)
going while an attack runs: they must be answered correctly during and
after it.
"""

import os
import re
import shutil
import subprocess
import sys
import threading

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(REPO, 'tests', 'integration'))

# the test files take these from here, so one import line serves them
import cgijail_test as ct                           # noqa: E402,F401
from cgijail_test import (Daemon, Symlink, assert_error_page,  # noqa
                          assert_status, helper, helper_path, proc_comm,
                          proc_descendants, proc_stat, proc_status, rid_of,
                          wait_until)

# in every script's source, never in anything a script prints
MARKER = 'CGIJAIL-SOURCE-MARKER-9c41e7'
STATIC_BODY = 'static control file\n'
PASSWD_MARK = b'root:x:0:0'
NOBODY = 65534
# a sanitizer build answers several times slower: upper time bounds scale
SLOW = ct.SLOW
SANITIZER = ct.SANITIZER
GDB_TIMEOUT = 60


def script(body, interp='/bin/sh'):
    """A script's source: the interpreter line, the marker, body."""
    return '#!%s\n# %s\n%s' % (interp, MARKER, body)


OK_SH = script("printf 'Content-Type: text/plain\\n\\nok'\n")


def files(extra=None):
    """A docroot: the two controls plus extra."""
    out = {'index.html': '<html>attacks</html>\n',
           'static.txt': STATIC_BODY,
           'cgi-bin/ok.sh': OK_SH}
    out.update(extra or {})
    return out


def leaks(data):
    """Why data must not reach a client, or None."""
    if isinstance(data, str):
        data = data.encode('latin-1', 'replace')
    if MARKER.encode() in data:
        return 'script source (marker) in the answer'
    if PASSWD_MARK in data:
        return '/etc/passwd in the answer'
    return None


def assert_no_leak(data, what=''):
    why = leaks(data)
    assert why is None, '%s: %s: %r' % (what, why, data[:300])


def check_controls(d, timeout=10.0):
    """The unrelated requests: a script and a static file, right."""
    r = d.get('/cgi-bin/ok.sh', timeout=timeout)
    assert r.status == 200 and r.body == b'ok', 'control script: %r' % r
    r = d.get('/static.txt', timeout=timeout)
    assert r.status == 200 and r.body == STATIC_BODY.encode(), \
        'control static file: %r' % r


class Controls:
    """A thread that runs check_controls() while the attack in the with
    block runs; on leaving, at least one round must have begun inside
    the block and every round must have passed, then one more round
    after the attack.  timeout bounds each request of a round."""

    def __init__(self, d, timeout=10.0, pause=0.1):
        self.d = d
        self.timeout = timeout
        self.pause = pause
        self.rounds = 0
        self.errors = []
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        while True:
            try:
                check_controls(self.d, self.timeout)
                self.rounds += 1
            except Exception as e:          # reported by __exit__
                self.errors.append('%s: %s' % (type(e).__name__, e))
                self.rounds += 1
            if self.stop.wait(self.pause):
                return

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, etype, exc, tb):
        self.stop.set()
        self.thread.join(2 * self.timeout + 5)
        if etype is not None:
            return False
        assert not self.thread.is_alive(), 'control requests hang'
        assert self.rounds >= 1, 'no control request ran during the attack'
        assert not self.errors, 'control requests failed during the ' \
            'attack:\n' + '\n'.join(self.errors[:5])
        check_controls(self.d, self.timeout)
        return False


def assert_nothing_more(c, what=''):
    """After the last answer on Conn c: no extra bytes (an unasked-for
    response), whether the connection stays open or closes."""
    c.closed(0.3)
    assert not c.buf, '%s: unasked-for bytes %r' % (what, bytes(c.buf[:200]))


def raw_get(d, target, headers=b'', method=b'GET', body=b'', timeout=5.0):
    """One request with the target exactly as given (curl would clean
    it up), Connection: close; the bytes read until close."""
    return d.request(method + b' ' + target + b' HTTP/1.1\r\n'
                     b'Host: 127.0.0.1\r\n' + headers +
                     (b'Content-Length: %d\r\n' % len(body) if body else b'')
                     + b'Connection: close\r\n\r\n' + body, timeout=timeout)


def status_of(data):
    """The status code of the first response in data, or None."""
    m = re.match(rb'^HTTP/1\.[01] (\d{3}) ', data)
    return int(m.group(1)) if m else None


def script_log(d, rid, pattern, timeout=3.0):
    """Log lines "cgi[RID] ...: ..." that match pattern."""
    rx = re.compile(r'cgi\[%d\] \S+: .*%s' % (rid, pattern))

    def find():
        return [ln for ln in d.log().splitlines() if rx.search(ln)]
    return wait_until(find, timeout)


def script_procs(d, exclude=('ok.sh',)):
    """Processes of scripts (host uids of the script range) in this
    daemon's tree, but for the control script (exclude: comm names)."""
    if d.proc is None:
        return []
    out = []
    own = ct.proc_exe(d.proc.pid)
    for pid in proc_descendants(d.proc.pid):
        try:
            st = proc_status(pid)
        except OSError:
            continue
        # a child prepared ahead runs our binary until its request
        if own is not None and ct.proc_exe(pid) == own:
            continue
        uid = st.get('Uid', '').split()[:1]
        if uid and ct.is_script_uid(int(uid[0])) and \
                st.get('Name') not in exclude:
            out.append(pid)
    return out


def assert_no_script_left(d, timeout=3.0):
    """Nothing of the script user hangs off this daemon any more."""
    gone = wait_until(lambda: not script_procs(d), timeout)
    assert gone, 'script processes left: %s' % ', '.join(
        '%d (%s)' % (p, proc_comm(p)) for p in script_procs(d))


def gdb_calls(pid, calls):
    """Run each C expression in the live process pid through gdb (as
    code a compromised process would run); returns the value each
    printed (int), in order."""
    gdb = shutil.which('gdb')
    if gdb is None:
        raise ct.Skip('gdb is not installed (make deps installs it)')
    # the binary and libc by their host paths: a front whose root is
    # its document root has neither in its own mount namespace, where
    # gdb's default sysroot ("target:") would look for them
    args = [gdb, '-q', '-batch', '-nx', '-iex', 'set sysroot /',
            '-p', str(pid)]
    for c in calls:
        args += ['-ex', 'print (int)%s' % c]
    args += ['-ex', 'detach']
    p = subprocess.run(args, capture_output=True, text=True,
                       timeout=GDB_TIMEOUT)
    vals = [int(v) for v in re.findall(r'^\$\d+ = (-?\d+)$', p.stdout,
                                       re.M)]
    assert len(vals) == len(calls), \
        'gdb did not run every call (%d of %d):\n%s\n%s' % (
            len(vals), len(calls), p.stdout[-2000:], p.stderr[-2000:])
    return vals
