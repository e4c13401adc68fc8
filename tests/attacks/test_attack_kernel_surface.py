# SPDX-License-Identifier: ISC
"""
test_attack_kernel_surface: kernel features a CGI script has no use for,
reachable from a script under the default policy before, each a known
attack class: inotify on the jail's view of the host (it showed other
clients' requests), out-of-band data on unix sockets (the class of a
2025 browser-sandbox escape through the AF_UNIX garbage collector),
seccomp user notification (a supervisor inside the script).  Under a
custom policy that allows socket() outright, the always-kill floor
still refuses every family but AF_UNIX (AF_INET/AF_INET6 only with
script-network on): no AF_VSOCK, AF_ALG, AF_NETLINK, AF_PACKET.  Under
strict.policy a program can run only itself.  Each attempt fails or is
killed (SIGSYS); the daemon serves on.
"""

import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from attack_common import (Controls, Daemon, files, helper,  # noqa: E402
                           rid_of, script, script_log)

REPO = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
PROBE_RE = re.compile(r'probe=(\S+) rc=(-?\d+) errno=(\d+)')
OPEN_POLICY = '# test: everything the floor leaves\ndefault allow\n'


def _blocked(d, target, r):
    """None if the probe at target failed or was killed, else why not."""
    if r.status == 500:
        rid = rid_of(d, target)
        if script_log(d, rid, r'killed by signal 31 \(SIGSYS'):
            return None
        return '500 without a seccomp kill: %r' % r.body[:200]
    m = PROBE_RE.search(r.text)
    if r.status != 200 or not m:
        return 'answer %d %r' % (r.status, r.body[:200])
    if int(m.group(2)) >= 0:
        return 'succeeded: %s' % r.text.strip()
    return None


def _run_probes(d, prefix, probes):
    bad = []
    for p in probes:
        target = '%s/sysprobe?%s' % (prefix, p)
        r = d.get(target, timeout=15)
        why = _blocked(d, target, r)
        if why:
            bad.append('%s: %s' % (p, why))
    return bad


def test_kernel_surface_default_policy_refuses():
    with Daemon(files({'cgi-bin/sysprobe': helper('sysprobe')})) as d:
        with Controls(d):
            bad = _run_probes(d, '/cgi-bin', (
                'inotify', 'msg-oob', 'msg-oob-sendmsg',
                'seccomp-listener', 'af-vsock', 'af-alg', 'af-netlink',
                'af-packet'))
        assert not bad, 'reachable under the default policy:\n  ' + \
            '\n  '.join(bad)


def test_kernel_surface_floor_holds_under_a_permissive_policy():
    """A policy of "default allow" is as wide as a custom policy gets:
    the floor still refuses the socket families and the other calls."""
    d = Daemon(files({'cgi-open/sysprobe': helper('sysprobe')}),
               start=False, config_lines=['cgi-dir /cgi-bin'])
    pol = os.path.join(d.tmp, 'open.policy')
    with open(pol, 'w') as f:
        f.write(OPEN_POLICY)
    d.write_config(['cgi-dir /cgi-bin', 'cgi-dir /cgi-open %s' % pol])
    with d.start():
        r = d.get('/cgi-open/sysprobe?af-unix')
        m = PROBE_RE.search(r.text)
        assert r.status == 200 and m and int(m.group(2)) >= 0, \
            'control: AF_UNIX socket() under "default allow": %r' % r
        with Controls(d):
            bad = _run_probes(d, '/cgi-open', (
                'af-vsock', 'af-alg', 'af-netlink', 'af-packet',
                'msg-oob', 'msg-oob-sendmsg', 'seccomp-listener',
                'inotify'))
        assert not bad, 'reachable under "default allow":\n  ' + \
            '\n  '.join(bad)


def test_kernel_surface_strict_runs_only_itself():
    strict = os.path.join(REPO, 'policy', 'strict.policy')
    d = Daemon(files({'c-bin/sysprobe': helper('sysprobe')}),
               start=False, config_lines=[
                   'cgi-dir /cgi-bin', 'cgi-dir /c-bin %s' % strict])
    with d.start():
        r = d.get('/c-bin/sysprobe?getpid')
        assert r.status == 200 and 'rc=' in r.text, \
            'the strict program itself does not run: %r' % r
        with Controls(d):
            bad = _run_probes(d, '/c-bin', ('exec-other',))
        assert not bad, 'strict.policy let a program run another:\n  ' + \
            '\n  '.join(bad)


def test_kernel_surface_tmp_is_noexec():
    """A script may write /tmp but not run what it wrote there (a
    dropped binary); /bin/true itself still runs."""
    sh = script(
        "printf 'Content-Type: text/plain\\n\\n'\n"
        "cp /bin/true /tmp/dropped && chmod 755 /tmp/dropped\n"
        "/tmp/dropped; echo dropped=$?\n"
        "/bin/true; echo true=$?\n")
    with Daemon(files({'cgi-bin/drop.sh': (sh, 0o755)})) as d:
        r = d.get('/cgi-bin/drop.sh')
        assert r.status == 200, r
        assert 'true=0' in r.text, r.text
        assert 'dropped=0' not in r.text and 'dropped=' in r.text, \
            'a binary written to /tmp ran: %r' % r.text
