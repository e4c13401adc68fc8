# SPDX-License-Identifier: ISC
"""
test_attack_escape: a script program that tries to leave its sandbox:
foreign system call ABIs (x32, int 0x80), TIOCSTI (also with the high
bits set, CVE-2017-5226 class), user namespaces, ptrace and
process_vm_readv, mount, bpf, keyctl, io_uring; /proc of other requests
and of the daemon; rewriting its own executable; SIGKILL to every daemon
pid.  Each is killed (SIGSYS) or fails; nothing of the daemon notices.
"""

import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from attack_common import (Controls, Daemon, assert_error_page,  # noqa: E402
                           files, helper, helper_path, proc_stat,
                           proc_status, rid_of, script, script_log,
                           script_procs, wait_until)

PROBE_RE = re.compile(r'^probe=(\S+) (?:rc=(-?\d+) errno=(\d+)|killed=(\d+))$')
SIGSYS = 31

# QUERY_STRING for attack_escape; ":" gets the daemon's pids appended
PROBES = ['x32', 'int80', 'tiocsti', 'tiocsti-high', 'tiocsti-pty',
          'tiocsti-high-pty', 'unshare-user', 'ptrace:', 'ptrace-parent',
          'vm-readv:', 'vm-readv-parent', 'mount', 'bpf', 'keyctl',
          'io_uring']


def _host_has_int80():
    """Does this kernel have the i386 entry at all?  (Unconfined, the
    probe is a harmless getpid.)"""
    p = subprocess.run([helper_path('attack_escape'), 'int80'],
                       capture_output=True, timeout=10)
    return p.returncode != -11


def _results(text):
    """[(probe, rc or None, errno or None, killed-by or None)]"""
    out = []
    for ln in text.splitlines():
        m = PROBE_RE.match(ln)
        assert m, 'unexpected line %r in %r' % (ln, text)
        out.append((m.group(1), m.group(2) and int(m.group(2)),
                    m.group(3) and int(m.group(3)),
                    m.group(4) and int(m.group(4))))
    return out


def _judge(d, query, r, int80_exists):
    """None if the attempt was killed or failed, else why not."""
    if r.status == 500:
        assert_error_page(r, 500, d)
        rid = rid_of(d, '/cgi-bin/escape?' + query)
        if script_log(d, rid, r'killed by signal 31 \(SIGSYS'):
            return None
        # no i386 entry: the kernel faults it, the host the same way
        if query == 'int80' and not int80_exists and \
                script_log(d, rid, r'killed by signal 11 '):
            return None
        return 'a 500 without SIGSYS: %s' % d.log_tail(5)
    if r.status != 200:
        return 'status %d' % r.status
    res = _results(r.text)
    if not res:
        return 'no result: %r' % r.text
    for name, rc, err, killed in res:
        if killed is not None:
            if killed != SIGSYS:
                return '%s: child died of signal %d' % (name, killed)
        elif rc >= 0:
            # ptmx, pts: no terminal to push into is a defence too
            return '%s succeeded: rc=%d' % (name, rc)
    return None


def test_escape_syscalls_are_killed_or_fail():
    int80_exists = _host_has_int80()
    tree = files({'cgi-bin/escape': helper('attack_escape')})
    with Daemon(tree) as d, Controls(d):
        pids = d.wait_pids()
        plist = ','.join(str(p) for p in pids.values())
        bad = []
        for probe in PROBES:
            q = probe + plist if probe.endswith(':') else probe
            r = d.get('/cgi-bin/escape?' + q, timeout=10)
            why = _judge(d, q, r, int80_exists)
            if why:
                bad.append('%s: %s' % (probe, why))
        assert not bad, '\n'.join(bad)
        assert d.pids() == pids, (d.pids(), pids)


def _sleepers(d):
    """The sleeper script's process (it execs sleep), by its name."""
    out = []
    for pid in script_procs(d):
        try:
            if proc_status(pid).get('Name') == 'sleep':
                out.append(pid)
        except OSError:
            continue
    return out


def test_escape_proc_of_other_requests_and_daemon_invisible():
    sleeper = script("printf 'Content-Type: text/plain\\n\\npid=%s\\n' $$\n"
                     "exec sleep 2\n")
    tree = files({'cgi-bin/escape': helper('attack_escape'),
                  'cgi-bin/sleeper.sh': sleeper})
    with Daemon(tree) as d, Controls(d):
        pids = d.wait_pids()
        with d.connect(timeout=15) as a:
            a.request('GET', '/cgi-bin/sleeper.sh')
            # the sleeper by name: a control's child not yet exec'd is a
            # script-uid process too (comm cgijail-exec), gone a moment later
            assert wait_until(lambda: _sleepers(d), 3.0), 'no sleeper'
            other = script_procs(d)
            targets = list(pids.values()) + other
            assert min(targets) > 100, 'pids too small to tell: %r' % targets
            q = 'procs:' + ','.join(str(p) for p in targets)
            r = d.get('/cgi-bin/escape?' + q, timeout=10)
            assert r.status == 200, r
            seen = re.findall(r'^proc=(\d+) comm=(.*)$', r.text, re.M)
            # only itself, as its namespace's init
            assert seen == [('1', 'escape')], r.text
            for name, rc, err, _ in _results(
                    re.sub(r'(?m)^proc=.*\n', '', r.text)):
                assert rc == -1, 'the script reached %s: %s' % (name,
                                                               r.text)
            assert _sleepers(d), 'the sleeper ended before the look'
            ra = a.read_response()
            # the sleeper sees itself as pid 1 of its own namespace
            assert ra.status == 200 and ra.body == b'pid=1\n', ra
        assert d.pids() == pids


def test_escape_proc_self_exe_and_script_not_writable():
    tree = files({'cgi-bin/escape': helper('attack_escape')})
    with Daemon(tree) as d, Controls(d):
        before = open(d.path('cgi-bin/escape'), 'rb').read()
        r = d.get('/cgi-bin/escape?proc-exe', timeout=10)
        assert r.status == 200, r
        res = _results(r.text)
        assert {n for n, _, _, _ in res} >= {
            'exe-wronly', 'exe-rdwr', 'exe-trunc', 'script-write',
            'script-unlink', 'script-chmod'}, r.text
        for name, rc, err, _ in res:
            assert rc == -1, '%s succeeded: %s' % (name, r.text)
        assert open(d.path('cgi-bin/escape'), 'rb').read() == before
        assert os.stat(d.path('cgi-bin/escape')).st_mode & 0o777 == 0o755


def test_escape_kill_every_daemon_pid_fails():
    shell = script('printf "Content-Type: text/plain\\n\\n"\n'
                   'for p in $(echo "$QUERY_STRING" | tr , " "); do\n'
                   '  kill -9 "$p" 2>/dev/null && echo "killed $p"\n'
                   'done\n'
                   'kill -9 -1 2>/dev/null\n'
                   'echo done\n')
    tree = files({'cgi-bin/escape': helper('attack_escape'),
                  'cgi-bin/kill.sh': shell})
    with Daemon(tree) as d, Controls(d):
        pids = d.wait_pids()
        starts = {p: proc_stat(p)[1] for p in pids.values()}
        plist = ','.join(str(p) for p in pids.values())
        r = d.get('/cgi-bin/escape?kill:' + plist, timeout=10)
        assert r.status == 200, r
        res = _results(r.text)
        assert len(res) == len(pids) + 1, r.text
        for name, rc, err, _ in res:
            assert rc == -1, '%s succeeded: %s' % (name, r.text)
        r = d.get('/cgi-bin/kill.sh?' + plist, timeout=10)
        assert r.status == 200 and r.body == b'done\n', r
        for p, start in starts.items():
            st = proc_stat(p)
            assert st is not None and st[1] == start, 'pid %d died' % p
        assert d.pids() == pids, (d.pids(), pids)
