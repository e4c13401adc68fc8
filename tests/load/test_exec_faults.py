# SPDX-License-Identifier: ISC
"""
test_exec_faults: spawning a script must not copy the executor, neither
its memory nor its descriptors.  (Measured where the executor makes each
child itself: a policy that says "exec self" gets none prepared ahead.)
A child
made by a plain clone gets a copy-on-write image of the executor's
memory: every page the executor then writes faults and is copied, the
child's page tables are built and torn down, and its exec throws it all
away.  That was about 42 page faults in the executor per request.  The
child now shares the executor's memory (CLONE_VM) while the executor
waits for its exec (CLONE_VFORK), so the executor's own page faults do
not grow with the requests.  The count comes from /proc/PID/stat
(minflt); no timing is asserted.

The executor holds five descriptors per slot for as long as it runs (a
user namespace, two cgroup directories and their cgroup.procs): 320 with
64 slots.  A child used to copy all of them with its descriptor table
and close them again before its exec.  They are now kept above 1024, and
a child shares the table and takes its own copy of only the part below
its highest source (close_range(N, ~0, CLOSE_RANGE_UNSHARE)): strace
shows N for each child.
"""

import os
import re
import tempfile

from cgijail_test import REPO, Daemon, helper
from loadkit import Strace, fetch, run_threads

REQUESTS = 200
CONCURRENCY = 8
# a request may fault in a page now and then (a buffer grown, a slot
# first used); a copied image faults on every page written, tens each
MAX_FAULTS_PER_REQUEST = 3


def _minflt(pid):
    with open('/proc/%d/stat' % pid) as f:
        stat = f.read()
    # the fields after the command name, which is in parentheses
    return int(stat[stat.rindex(')') + 2:].split()[7])


def _ok(d, tag):
    r = fetch(d, '/cgi-bin/fdlist?%d' % tag, None, 30.0)
    return None if r.status == 200 else '%d: %d' % (tag, r.status)


def _run(d, n, conc):
    args = [(d, i) for i in range(n)]
    res = []
    for i in range(0, n, conc):
        res += run_threads(_ok, args[i:i + conc], 60.0)
    bad = [r for r in res if r is not None]
    assert not bad, bad[:5]


def _exec_self_policy():
    """The default policy with "exec self": no child is prepared ahead
    for it, so the executor makes each (a spawner's children copy the
    spawner's few descriptors, not the executor's)."""
    path = os.path.join(tempfile.mkdtemp(prefix='cgijail-policy-'),
                        'exec-self.policy')
    with open(os.path.join(REPO, 'policy', 'default.policy')) as f:
        text = f.read()
    with open(path, 'w') as f:
        f.write(text + '\nexec self\n')
    os.chmod(os.path.dirname(path), 0o755)
    return path


def test_spawning_does_not_copy_the_executor():
    with Daemon({'cgi-bin/fdlist': helper('fdlist')},
                config_lines=['max-scripts 16',
                              'cgi-dir /cgi-bin %s' % _exec_self_policy()]
                ) as d:
        executor = d.wait_pids()['executor']
        # every slot and buffer used once before counting
        _run(d, 64, 16)
        for conc in (1, CONCURRENCY):
            before = _minflt(executor)
            _run(d, REQUESTS, conc)
            per = (_minflt(executor) - before) / REQUESTS
            assert per <= MAX_FAULTS_PER_REQUEST, (
                'the executor took %.1f page faults per request at %d at '
                'a time: each spawn copies its memory' % (per, conc))


# a request's own descriptors and the executor's few (sockets, epoll,
# timers, other children's pipes): far below its 320 long-lived ones
MAX_COPIED = 96


def test_a_child_copies_only_the_requests_descriptors():
    policy = _exec_self_policy()
    with Daemon({'cgi-bin/fdlist': helper('fdlist')},
                config_lines=['max-scripts 64',
                              'cgi-dir /cgi-bin %s' % policy]) as d:
        executor = d.wait_pids()['executor']
        assert fetch(d, '/cgi-bin/fdlist?warm').status == 200
        held = len(os.listdir('/proc/%d/fd' % executor))
        assert held > MAX_COPIED + 64, held
        with Strace([executor], ['-f', '-e',
                                 'trace=close_range,clone,clone3'],
                    lambda: fetch(d, '/cgi-bin/fdlist?probe')) as st:
            _run(d, 40, 8)
    lines = st.lines
    clones = [ln for ln in lines if re.search(r'clone3?\(', ln) and
              'CLONE_NEWPID' in ln]
    copies = [int(m.group(1)) for m in
              (re.search(r'close_range\((\d+), \d+, CLOSE_RANGE_UNSHARE',
                         ln) for ln in lines) if m]
    assert len(clones) >= 40, 'strace saw %d spawns' % len(clones)
    assert len(copies) == len(clones), (
        '%d spawns, %d children took a copy of only part of the table: the '
        'others copied all %d of the executor\'s descriptors' %
        (len(clones), len(copies), held))
    assert max(copies) <= MAX_COPIED, (
        'a child copied %d descriptors of the executor\'s %d' %
        (max(copies), held))
