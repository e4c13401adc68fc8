# SPDX-License-Identifier: ISC
"""
test_sandbox_processes: a script sees and reaches no other process.  Its
/proc holds only its own tree, the daemon's pids mean nothing inside (kill
-9 of them fails and every role survives), and two scripts running at the
same time cannot see each other.
"""

import os
import random
import re
import time

from cgijail_test import (Daemon, SLOW, assert_status, assert_still_serving,
                          fixture, is_script_uid, proc_stat, proc_status,
                          wait_until)



def parse_procs(text):
    """(pids, {pid: cmdline}, {pid: 'ok'|'fail'}) from procs.sh."""
    pids, cmds, kills = [], {}, {}
    for line in text.splitlines():
        m = re.match(r'^pid=(\d+) cmd=(.*)$', line)
        if m:
            pids.append(int(m.group(1)))
            cmds[int(m.group(1))] = m.group(2)
        m = re.match(r'^kill (\d+)=(ok|fail)$', line)
        if m:
            kills[int(m.group(1))] = m.group(2)
    return pids, cmds, kills


def host_pids_with(marker):
    """Host pids of the script user whose command line holds marker."""
    out = []
    for p in os.listdir('/proc'):
        if not p.isdigit():
            continue
        try:
            with open('/proc/%s/cmdline' % p, 'rb') as f:
                cmd = f.read()
            uid = int(proc_status(int(p))['Uid'].split()[0])
        except (OSError, KeyError, ValueError):
            continue
        if marker.encode() in cmd.replace(b'\0', b' ') and is_script_uid(uid):
            out.append(int(p))
    return out


def test_proc_shows_only_the_scripts_own_tree():
    files = {'cgi-bin/procs.sh': fixture('procs.sh'),
             'cgi-bin/ok.sh': fixture('ok.sh')}
    with Daemon(files) as d:
        roles = d.wait_pids()
        targets = [roles['parent'], roles['front'], roles['executor']]
        # a small host pid would name a process of the script itself
        assert min(targets) > 100, 'pids too small to test: %r' % targets
        starts = {p: proc_stat(p)[1] for p in targets}
        q = ','.join(str(p) for p in targets)
        r = d.get('/cgi-bin/procs.sh?' + q)
        assert_status(r, 200)
        pids, cmds, kills = parse_procs(r.text)
        # the shell (pid 1), the command substitution's subshell and tr
        assert 1 in pids and len(pids) <= 4, r.text
        assert max(pids) < 100, 'host pids visible: %r' % pids
        # only procs.sh itself, its subshell and tr (or one just gone)
        for c in cmds.values():
            assert c == '' or c.startswith('tr ') or \
                c.endswith('/cgi-bin/procs.sh '), cmds
        assert kills == {p: 'fail' for p in targets}, r.text
        for p in targets:
            st = proc_stat(p)
            assert st is not None and st[1] == starts[p], \
                'process %d died' % p
        assert d.pids() == roles, (d.pids(), roles)
        assert_still_serving(d)


def test_concurrent_scripts_cannot_see_each_other():
    files = {'cgi-bin/procs.sh': fixture('procs.sh'),
             'cgi-bin/sleeper.sh': fixture('sleeper.sh'),
             'cgi-bin/ok.sh': fixture('ok.sh')}
    marker = '2.%06d' % random.randrange(10 ** 6)
    with Daemon(files) as d:
        with d.connect(timeout=15) as a:
            a.request('GET', '/cgi-bin/sleeper.sh?' + marker,
                      [('Connection', 'close')])
            seen = wait_until(lambda: host_pids_with('sleep ' + marker), 5)
            assert seen, 'the sleeper never started'
            t0 = time.monotonic()
            r = d.get('/cgi-bin/procs.sh')
            assert_status(r, 200)
            # still running: the sleeper was there while procs.sh looked
            assert host_pids_with('sleep ' + marker), 'sleeper ended early'
            assert time.monotonic() - t0 < 2.0 * SLOW
            pids, cmds, _ = parse_procs(r.text)
            assert marker not in r.text, r.text
            assert 'sleeper' not in r.text, r.text
            assert len(pids) <= 4 and max(pids) < 100, r.text
            assert_still_serving(d)
            ra = a.read_response()
            assert_status(ra, 200)
            assert ra.body == b'slept', ra
        assert wait_until(lambda: not host_pids_with('sleep ' + marker), 3)
        assert_still_serving(d)
