# SPDX-License-Identifier: ISC
"""
test_attack_rootless: in rootless mode the parent, the front, the
executor and every script share one host uid, so the kernel's uid check
on kill(2) keeps none of them from another.  Code running inside a
compromised front (gdb makes the live front call tgkill(2), which its
seccomp filter allows for abort()) tries to signal the parent, the
executor and a running script: landlock's signal scoping stops every
one, while the same call on the front itself works.  With `landlock off`
the calls get through, and the start said so: landlock is what holds.
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from attack_common import (check_controls, files, gdb_calls,  # noqa: E402
                           proc_descendants, wait_until)
import cgijail_test as ct                                      # noqa: E402
from rootless_common import (READY_WAIT, RootlessDaemon,       # noqa: E402
                             Student)


def _cmdline(pid):
    try:
        with open('/proc/%d/cmdline' % pid, 'rb') as f:
            return f.read()
    except OSError:
        return b''


def _signal_from_the_front(d):
    """tgkill(pid, pid, 0) run by the front for itself, then for the
    parent, the executor and a script that is running: their results
    (0 delivered, -1 refused), in that order."""
    roles = d.wait_pids()
    conn = d.connect(timeout=10)
    try:
        conn.request('GET', '/cgi-bin/sleeper.sh?3')
        ex = roles['executor']
        kids = wait_until(lambda: [p for p in proc_descendants(ex)
                                   if b'sleeper.sh' in _cmdline(p)], 3.0)
        assert kids, 'no script running under the executor'
        pids = [roles['front'], d.main_pid(), ex, kids[0]]
        vals = gdb_calls(roles['front'], ['tgkill(%d, %d, 0)' % (p, p)
                                          for p in pids])
        ct.assert_status(conn.read_response(), 200)
    finally:
        conn.close()
    return vals


def test_rootless_front_cannot_signal_what_shares_its_uid():
    extra = {'cgi-bin/sleeper.sh': ct.fixture('sleeper.sh')}
    with Student() as s, RootlessDaemon(s, files(extra)) as d:
        assert d.wait_log(r'executor ready', READY_WAIT), d.log_tail()
        vals = _signal_from_the_front(d)
        assert vals[0] == 0, 'the front cannot even signal itself: %r' % vals
        assert vals[1:] == [-1, -1, -1], \
            'the front reached (parent, executor, script): %r' % vals[1:]
        check_controls(d)
        d.assert_not_restarted()


def test_rootless_landlock_off_leaves_the_signals_open_and_says_so():
    extra = {'cgi-bin/sleeper.sh': ct.fixture('sleeper.sh')}
    with Student() as s, RootlessDaemon(s, files(extra),
                                        config_lines=['landlock off']) as d:
        assert d.wait_log(r'warning: rootless: landlock off: nothing but '
                          r'seccomp keeps the front from signalling the '
                          r'executor and the parent'), d.log_tail()
        assert d.wait_log(r'executor ready', READY_WAIT), d.log_tail()
        vals = _signal_from_the_front(d)
        assert vals == [0, 0, 0, 0], vals
        check_controls(d)
        d.assert_not_restarted()
