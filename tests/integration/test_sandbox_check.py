# SPDX-License-Identifier: ISC
"""
test_sandbox_check: `cgijail --check` names every sandbox layer, says each
is usable on this machine, exits 0, and never starts serving.
"""

import re

from cgijail_test import Daemon

LAYERS = ('namespace', 'cgroup', 'landlock', 'seccomp')


def test_check_prints_every_layer_and_exits_0():
    d = Daemon(start=False)
    cp = d.run(extra_args=['--check'], timeout=10)
    out = cp.stdout + cp.stderr
    assert cp.returncode == 0, 'exit %s:\n%s' % (cp.returncode, out)
    for layer in LAYERS:
        lines = [ln for ln in out.splitlines() if layer in ln.lower()]
        assert lines, '%s not reported:\n%s' % (layer, out)
        assert any(re.search(r'\bok\b', ln) for ln in lines), \
            '%s not usable:\n%s' % (layer, '\n'.join(lines))
    for ns in ('pid', 'mount', 'network'):
        assert re.search(r'%s namespace\s+ok' % ns, out), out
    assert not re.search(r'\b(missing|unavailable|error)\b',
                         out.replace('0 required layers missing', '')), out


def test_check_fails_for_a_missing_script_user():
    """A layer that cannot be set up is an error, not a downgrade."""
    d = Daemon(config_lines=['script-user no-such-user-cgijail'],
               start=False)
    cp = d.run(extra_args=['--check'], timeout=10)
    out = cp.stdout + cp.stderr
    assert cp.returncode != 0, out
    assert 'no-such-user-cgijail' in out, out
