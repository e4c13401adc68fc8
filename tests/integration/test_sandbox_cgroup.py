# SPDX-License-Identifier: ISC
"""
test_sandbox_cgroup: each child slot has one cgroup per hierarchy, made
when the executor starts and used by one request after another (no mkdir
and rmdir per request).  What a request hit is its own: after a script
that filled its memory limit, the next script in the same group that
dies of its CPU limit is not reported as a memory kill.
"""

import os
import re

from cgijail_test import Daemon, assert_status, fixture, rid_of, wait_until

FILL = (b'#!/bin/sh\n# /tmp is a tmpfs charged to the request\'s memory\n'
        b'exec dd if=/dev/zero of=/tmp/fill bs=1M count=200\n', 0o755)
BURN = (b'#!/bin/sh\nwhile :; do :; done\n', 0o755)


def executor_groups(executor, ctl='pids'):
    """The groups below the executor's cgijail.<pid> in a v1 hierarchy
    (or v2): the slot groups it made."""
    v2 = os.path.exists('/sys/fs/cgroup/cgroup.controllers')
    with open('/proc/%d/cgroup' % executor) as f:
        for line in f:
            _, ctls, path = line.rstrip('\n').split(':', 2)
            if (ctls == '' and v2) or ctl in ctls.split(','):
                base = ('/sys/fs/cgroup%s' % path if v2 else
                        '/sys/fs/cgroup/%s%s' % (ctl, path))
                group = os.path.join(base, 'cgijail.%d' % executor)
                return sorted(e for e in os.listdir(group)
                              if os.path.isdir(os.path.join(group, e)))
    raise AssertionError('no %s cgroup for the executor' % ctl)


def outcome(d, target):
    """The executor's line for the request of target."""
    rid = rid_of(d, target)
    rx = re.compile(r'executor rid=%d .*cgi\[%d\]' % (rid, rid))

    def find():
        return [ln for ln in d.log().splitlines() if rx.search(ln)]
    lines = wait_until(find, 5.0)
    assert lines, 'no executor line for %s (rid %d):\n%s' % (
        target, rid, d.log_tail(12))
    return lines[0]


def test_one_group_per_slot_reused_and_its_counts_per_request():
    files = {'cgi-bin/fill.sh': FILL, 'cgi-bin/burn.sh': BURN,
             'cgi-bin/ok.sh': fixture('ok.sh')}
    with Daemon(files, args=['-t', '20'],
                config_lines=['max-scripts 2', 'limit memory 48M',
                              'limit tmp 256M', 'limit cpu 1']) as d:
        executor = d.wait_pids()['executor']
        assert_status(d.get('/cgi-bin/ok.sh?0'), 200)
        assert executor_groups(executor) == ['s0', 's1'], \
            executor_groups(executor)
        # one request at a time: each in a group the last one left
        for i in range(2):
            r = d.get('/cgi-bin/fill.sh?%d' % i, timeout=15)
            assert_status(r, 500)
            line = outcome(d, '/cgi-bin/fill.sh?%d' % i)
            assert 'memory limit' in line, line
        for i in range(2):
            r = d.get('/cgi-bin/burn.sh?%d' % i, timeout=15)
            assert_status(r, 500)
            line = outcome(d, '/cgi-bin/burn.sh?%d' % i)
            assert 'CPU time limit' in line, (
                'the memory kill of an earlier request in the same group '
                'was counted again: %s' % line)
        # the same groups still: none made or left per request
        assert executor_groups(executor) == ['s0', 's1'], \
            executor_groups(executor)
        if os.path.isdir('/sys/fs/cgroup/memory'):
            assert executor_groups(executor, 'memory') == ['s0', 's1']
