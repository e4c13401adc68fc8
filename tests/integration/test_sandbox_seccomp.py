# SPDX-License-Identifier: ISC
"""
test_sandbox_seccomp: system calls that reach past the sandbox fail or
kill the script (SIGSYS: a 500 and "seccomp" in the log), including the
encodings that dodge naive filters (ioctl with high bits set, the i386
int 0x80 entry, the x32 ABI); the next request is served as usual.
"""

import re

from cgijail_test import (Daemon, assert_error_page, assert_status,
                          assert_still_serving, fixture, helper,
                          host_int80_segfaults, rid_of, wait_until)


PROBES = ('ptrace-traceme', 'ptrace-attach', 'mount', 'unshare-user',
          'clone-newuser', 'keyctl', 'bpf', 'kexec_load', 'tiocsti',
          'tiocsti-high', 'int80', 'x32', 'setuid0', 'chroot')


def outcome_line(d, rid):
    """The executor's "cgi[RID] ...: exit N" or "killed by ..." line."""
    rx = re.compile(r'cgi\[%d\] /cgi-bin/sysprobe: (exit \d+|killed .*)$'
                    % rid)

    def find():
        for ln in d.log().splitlines():
            m = rx.search(ln)
            if m:
                return m.group(1)
        return None
    return wait_until(find, 3.0)


def judge(d, probe, r, no_int80):
    """None if the probe failed or was killed as it must, else why not."""
    target = '/cgi-bin/sysprobe?' + probe
    if r.status == 200:
        m = re.search(r'probe=(\S+) rc=(-?\d+) errno=(\d+)', r.text)
        if not m or m.group(1) != probe:
            return 'answer %r' % r.text
        if int(m.group(2)) != -1 and not (probe == 'int80' and
                                          int(m.group(2)) < 0):
            return 'the call succeeded: %s' % r.text.strip()
        return None
    if r.status != 500:
        return 'status %d' % r.status
    assert_error_page(r, 500, d)
    how = outcome_line(d, rid_of(d, target))
    if how and 'SIGSYS' in how and 'seccomp' in how:
        return None
    # this kernel has no i386 entry at all (the host faults the same way)
    if probe == 'int80' and no_int80 and how and 'SIGSEGV' in how:
        return None
    return 'killed, but the log says %r' % how


def test_dangerous_syscalls_fail_or_kill():
    files = {'cgi-bin/sysprobe': helper('sysprobe'),
             'cgi-bin/ok.sh': fixture('ok.sh')}
    no_int80 = host_int80_segfaults()
    with Daemon(files) as d:
        # the control: the probe itself works and runs as pid 1
        r = d.get('/cgi-bin/sysprobe?getpid')
        assert_status(r, 200)
        assert 'probe=getpid rc=1 errno=0' in r.text, r.text
        bad = []
        for probe in PROBES:
            r = d.get('/cgi-bin/sysprobe?' + probe)
            why = judge(d, probe, r, no_int80)
            if why:
                bad.append('%s: %s' % (probe, why))
            # every probe is followed by a normal request
            assert_still_serving(d)
        assert not bad, '\n'.join(bad)


def test_killed_probe_does_not_disturb_a_concurrent_request():
    files = {'cgi-bin/sysprobe': helper('sysprobe'),
             'cgi-bin/sleeper.sh': fixture('sleeper.sh'),
             'cgi-bin/ok.sh': fixture('ok.sh')}
    with Daemon(files) as d:
        with d.connect(timeout=10) as slow:
            slow.request('GET', '/cgi-bin/sleeper.sh?0.5')
            r = d.get('/cgi-bin/sysprobe?ptrace-traceme')
            assert r.status in (200, 500), r
            r = slow.read_response()
            assert_status(r, 200)
            assert r.body == b'slept'
        assert_still_serving(d)
