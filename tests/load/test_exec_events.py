# SPDX-License-Identifier: ISC
"""
test_exec_events: the executor sleeps in epoll_wait until something it
waits for happens.  Each request wakes it a few times (the front's
message, the child's exec, its end, its timer), never in a loop: under
16 concurrent requests it once woke about 160 times per request, because
a status pipe closed before it was taken out of the epoll set stayed in
it while a child being cloned still held a copy of it.  And it goes back
to its events between spawns: each spawn waits for its child's exec, and
reading 16 requests at once and starting them all kept every finished
child's news (its exec, its end) waiting behind the whole burst.  strace,
attached to the executor alone, counts the calls; no timing is asserted.
"""

import re

from cgijail_test import Daemon, fixture
from loadkit import Strace, fetch, run_threads

REQUESTS = 160
CONCURRENCY = 16
# a request's own wake-ups: front message, exec, end, timer, batching
# aside; the spinning executor made about 160
MAX_WAITS_PER_REQUEST = 12
# spawns between two returns to epoll_wait: each spawn waits for its
# child's exec (vfork), so a burst of 16 read at once kept every
# finished child's news (its exec, its end) waiting behind all of them
MAX_SPAWNS_PER_TURN = 2


def _hello(d, tag):
    r = fetch(d, '/cgi-bin/ok.sh?%d' % tag, None, 30.0)
    return None if r.status == 200 else '%d: %d' % (tag, r.status)


def test_executor_neither_spins_nor_keeps_closed_fds_in_its_epoll_set():
    with Daemon({'cgi-bin/ok.sh': fixture('ok.sh')},
                config_lines=['max-scripts 16']) as d:
        executor = d.wait_pids()['executor']
        assert fetch(d, '/cgi-bin/ok.sh?warm').status == 200
        with Strace([executor], ['-e', 'trace=epoll_wait,epoll_ctl,clone,'
                                 'clone3'],
                    lambda: fetch(d, '/cgi-bin/ok.sh?probe')) as st:
            args = [(d, i) for i in range(REQUESTS)]
            res = []
            for i in range(0, REQUESTS, CONCURRENCY):
                res += run_threads(_hello, args[i:i + CONCURRENCY], 60.0)
            bad = [r for r in res if r is not None]
            assert not bad, bad[:5]
    lines = st.lines[st.skip:]
    waits = [ln for ln in lines if ln.startswith('epoll_wait(')]
    stale = [ln.strip() for ln in lines if ln.startswith('epoll_ctl(') and
             re.search(r'= -1 EBADF', ln)]
    assert not stale, (
        '%d epoll_ctl calls on a descriptor already closed, e.g. %s: its '
        'registration outlives it while another process holds the file' %
        (len(stale), stale[0]))
    run, burst = 0, 0
    for ln in lines:
        if ln.startswith('epoll_wait('):
            run = 0
        elif re.match(r'clone3?\(', ln) and 'CLONE_NEWPID' in ln:
            run += 1
            burst = max(burst, run)
    assert burst <= MAX_SPAWNS_PER_TURN, (
        'the executor started %d scripts in a row without looking at its '
        'other events' % burst)
    per = len(waits) / REQUESTS
    assert per <= MAX_WAITS_PER_REQUEST, (
        'the executor woke %d times for %d requests (%.1f each): it spins; '
        'e.g. %s' % (len(waits), REQUESTS, per,
                     waits[len(waits) // 2].strip()[:200]))
