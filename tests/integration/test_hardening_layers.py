# SPDX-License-Identifier: ISC
"""
test_hardening_layers: a layer that is asked for and missing stops the
start instead of being dropped quietly.  Landlock is required by
default with a minimum ABI (`landlock-min-abi`, default 6: read-only
files, no TCP, scoped signals and abstract sockets); on a kernel below
it (here: a seccomp wrapper that makes landlock_create_ruleset fail with
ENOSYS, as a kernel without landlock does, or a minimum above this
kernel's ABI) the daemon exits 1 naming landlock and the ABI it found,
unless the config turns it down (`landlock-min-abi N`) or off
(`landlock off`), which is said at every start.  `--check` counts it as
required.
"""

import ctypes
import os

from cgijail_test import (Daemon, assert_status, helper_path,
                          port_listening)

HERE = os.path.dirname(os.path.abspath(__file__))
OK_SH = ('#!/bin/sh\nprintf "Content-Type: text/plain\\n\\nok"\n', 0o755)


def _kernel_abi():
    libc = ctypes.CDLL(None, use_errno=True)
    libc.syscall.restype = ctypes.c_long
    abi = libc.syscall(444, None, ctypes.c_size_t(0), ctypes.c_uint(1))
    return abi if abi > 0 else 0


def _wrapped(d):
    return [helper_path('nolandlock')] + d.argv()


def test_no_landlock_refuses_to_start():
    d = Daemon({'cgi-bin/ok.sh': OK_SH}, start=False)
    cp = d.run(argv=_wrapped(d), timeout=10)
    assert cp.returncode == 1, (cp.returncode, cp.stderr[-2000:])
    err = cp.stderr.lower()
    assert 'landlock' in err and 'abi 0' in err, cp.stderr[-2000:]
    assert 'landlock off' in err or 'landlock-min-abi' in err, \
        'the refusal does not say how to turn it down: %r' % cp.stderr
    assert not port_listening(d.port)


def test_no_landlock_with_landlock_off_starts_and_says_so():
    d = Daemon({'cgi-bin/ok.sh': OK_SH}, start=False,
               config_lines=['landlock off'])
    orig = d.argv
    d.argv = lambda: [helper_path('nolandlock')] + orig()
    with d.start():
        r = d.get('/cgi-bin/ok.sh')
        assert_status(r, 200)
        assert r.body == b'ok'
        assert d.wait_log(r'warning: .*landlock.*off', 3.0), \
            'landlock off is not warned about at start:\n' + d.log_tail()


def test_min_abi_above_the_kernel_refuses():
    abi = _kernel_abi()
    d = Daemon({'cgi-bin/ok.sh': OK_SH}, start=False,
               config_lines=['landlock-min-abi %d' % (abi + 1)])
    cp = d.run(timeout=10)
    assert cp.returncode == 1, (cp.returncode, cp.stderr[-2000:])
    assert 'ABI %d' % abi in cp.stderr and str(abi + 1) in cp.stderr, \
        cp.stderr[-2000:]


def test_min_abi_turned_down_starts_under_no_landlock_only_if_off():
    """landlock-min-abi 1 still needs landlock: ABI 0 is refused."""
    d = Daemon({'cgi-bin/ok.sh': OK_SH}, start=False,
               config_lines=['landlock-min-abi 1'])
    cp = d.run(argv=_wrapped(d), timeout=10)
    assert cp.returncode == 1, (cp.returncode, cp.stderr[-2000:])


def test_check_counts_landlock_as_required():
    d = Daemon({'cgi-bin/ok.sh': OK_SH}, start=False)
    argv = _wrapped(d)
    cp = d.run(argv=argv[:-1] + ['--check'], timeout=10,
               watch_port=False)
    assert cp.returncode != 0, (cp.returncode, cp.stdout)
    lines = [ln for ln in cp.stdout.splitlines() if 'landlock' in ln.lower()]
    assert lines and any('required' in ln or 'missing' in ln
                         for ln in lines), cp.stdout
