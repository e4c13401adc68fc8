# SPDX-License-Identifier: ISC
"""
test_exec_faults: spawning a script must not copy the executor.  A child
made by a plain clone gets a copy-on-write image of the executor's
memory: every page the executor then writes faults and is copied, the
child's page tables are built and torn down, and its exec throws it all
away.  That was about 42 page faults in the executor per request.  The
child now shares the executor's memory (CLONE_VM) while the executor
waits for its exec (CLONE_VFORK), so the executor's own page faults do
not grow with the requests.  The count comes from /proc/PID/stat
(minflt); no timing is asserted.
"""

from cgijail_test import Daemon, fixture
from loadkit import fetch, run_threads

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
    r = fetch(d, '/cgi-bin/ok.sh?%d' % tag, None, 30.0)
    return None if r.status == 200 else '%d: %d' % (tag, r.status)


def _run(d, n, conc):
    args = [(d, i) for i in range(n)]
    res = []
    for i in range(0, n, conc):
        res += run_threads(_ok, args[i:i + conc], 60.0)
    bad = [r for r in res if r is not None]
    assert not bad, bad[:5]


def test_spawning_does_not_copy_the_executor():
    with Daemon({'cgi-bin/ok.sh': fixture('ok.sh')},
                config_lines=['max-scripts 16']) as d:
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
