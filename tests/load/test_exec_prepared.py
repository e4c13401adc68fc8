# SPDX-License-Identifier: ISC
"""
test_exec_prepared: the jail is built before the request comes.  A
program of the document root used to be started from nothing once its
request had arrived: clone with four namespaces, the mounts, the
cgroups, the rlimits, the user namespace, 45 prctl calls, landlock and
the seccomp filter, about 700 us on the request's path at c=1.  Children
are now prepared ahead, every layer applied, each waiting for one
request; all that is left on the path is to hand it the request's
descriptors, its directory and its exec.

strace follows the executor and its spawner (and every child either
makes): the system calls between the executor's receipt of a request
(its recvmsg with the request's descriptors) and the script's execveat
are counted, for requests sent one at a time with a pause between them,
so that the next child is ready.  No timing is asserted.
"""

import re
import time

from cgijail_test import Daemon, fixture, helper, proc_children
from loadkit import Strace, fetch, run_threads

REQUESTS = 12
# the executor's validation (a walk of openat2 and fstat), the request
# handed over (sendmsg), the child's recvmsg, dup3, close, chdir: the
# whole jail made on the path is about 200
MAX_ON_PATH = 80
# what the layers alone take: well above the bound
MIN_JAIL_CALLS = 60


def _paths(lines, executor, name):
    """For each request: the calls from the executor's receipt of it (its
    recvmsg with the request's descriptors) to the exec of name, all
    processes counted, resumptions not."""
    out, start = [], None
    for i, ln in enumerate(lines):
        m = re.match(r'(\d+) +(.*)', ln)
        if not m:
            continue
        pid, call = int(m.group(1)), m.group(2)
        if (pid == executor and call.startswith('recvmsg(') and
                'SCM_RIGHTS' in call):
            start = i
        elif start is not None and re.match(r'execve(at)?\(', call) and \
                name in call:
            out.append([x for x in lines[start:i + 1]
                        if 'resumed>' not in x])
            start = None
    return out


def _traced(name):
    """strace's lines (the executor, its spawners and every child either
    makes) over REQUESTS requests for name, one at a time with a pause
    after each, so that the next child is ready; the paths of those."""
    with Daemon({'cgi-bin/fdlist': helper('fdlist'),
                 'cgi-bin/ok.sh': fixture('ok.sh')},
                config_lines=['max-scripts 8']) as d:
        executor = d.wait_pids()['executor']
        for i in range(4):
            assert fetch(d, '/cgi-bin/%s?warm%d' % (name, i)).status == 200
        time.sleep(0.5)
        with Strace([executor] + proc_children(executor),
                     ['-f', '-s', '256'],
                     lambda: fetch(d, '/cgi-bin/ok.sh?probe')) as st:
            time.sleep(0.5)
            for i in range(REQUESTS):
                r = fetch(d, '/cgi-bin/%s?%d' % (name, i))
                assert r.status == 200, r.status
                # the next child is prepared while nothing waits
                time.sleep(0.3)
    paths = _paths(st.lines, executor, name)
    assert len(paths) >= REQUESTS - 2, (
        'strace saw %d of %d requests reach their exec' %
        (len(paths), REQUESTS))
    return st.lines, paths


def test_the_jail_is_made_before_the_request():
    lines, paths = _traced('fdlist')
    counts = sorted(len(x) for x in paths)
    median = counts[len(counts) // 2]
    print('calls from the request to its exec: %r' % counts)
    assert median <= MAX_ON_PATH, (
        '%d system calls between the executor\'s receipt of a request and '
        'its script\'s exec (median of %d): the jail is made on the '
        'request\'s path; first one:\n%s' % (
            median, len(counts), ''.join(paths[0][:400])))
    # the prepared child did apply the layers: they are in the trace
    layered = [ln for ln in lines if 'PR_CAPBSET_DROP' in ln or
               'landlock_restrict_self' in ln or 'SECCOMP' in ln]
    assert len(layered) >= MIN_JAIL_CALLS, (
        'only %d layer calls traced: strace did not follow the children '
        'that were prepared' % len(layered))


# calls of a layer: none of them may be left on a script's request path
LAYER_CALL = re.compile(r'PR_CAPBSET_DROP|landlock_|SECCOMP|setresuid\(|'
                        r'setgroups\(|capset\(|prlimit64\(|setrlimit\(|'
                        r'PR_SET_NO_NEW_PRIVS|PR_SET_SECUREBITS')


def test_a_scripts_layers_are_applied_before_its_request():
    """A script's child used to wait for its request as root, with only
    its jail made: the script's copy is a mount, which needs the host's
    user namespace, so its identity, bounding set, capabilities, rlimits,
    landlock and filter all came after the request, on its path (60 of
    the 159 calls from the executor's receipt of the request to the
    exec).  Now the child applies every
    layer ahead, as a program's child does, and its spawner, root still,
    makes the copy in the child's mount namespace: what is left on the
    path is the copy, the handover and the execve."""
    lines, paths = _traced('ok.sh')
    on_path = sorted(len([x for x in p if LAYER_CALL.search(x)])
                     for p in paths)
    print('layer calls between a script request and its exec: %r; '
          'calls in all: %r' % (on_path, sorted(len(p) for p in paths)))
    median = on_path[len(on_path) // 2]
    worst = max(paths, key=lambda p: len([x for x in p
                                          if LAYER_CALL.search(x)]))
    assert median == 0, (
        '%d layer calls between the executor\'s receipt of a script '
        'request and its exec (median of %d): the child applied its '
        'layers on the request\'s path:\n%s' % (
            median, len(on_path), ''.join(
                x for x in worst if LAYER_CALL.search(x))[:3000]))
    # they were applied: ahead, by the children the trace followed
    layered = [ln for ln in lines if LAYER_CALL.search(ln)]
    assert len(layered) >= MIN_JAIL_CALLS, (
        'only %d layer calls traced: strace did not follow the children '
        'that were prepared' % len(layered))


CLIENTS = 8
PER_CLIENT = 25
# under load on the old code: none but the first after a pause
MIN_PREPARED = 0.4


def test_under_load_requests_still_find_a_child_prepared():
    """Children used to be prepared only while no script ran, so under
    concurrent requests every one started from nothing on the request's
    path, the executor waiting for each child's layers in turn.  Now
    they are prepared while scripts run too (each spawner on the other
    core), and most requests of a busy program take one."""
    _under_load({'cgi-bin/fdlist': helper('fdlist')}, 'fdlist')


def test_under_load_a_script_finds_a_child_prepared():
    """A script's child used to be made from nothing on every request's
    path (only programs had children prepared).  Now one is prepared up
    to its jail, and takes the request there."""
    _under_load({'cgi-bin/ok.sh': fixture('ok.sh')}, 'ok.sh')


def _under_load(files, name):
    started = (r'%s: started, pid \d+, spawn \d+ us(, prepared ahead)?$' %
               re.escape(name))
    with Daemon(files, args=['--debug']) as d:
        assert fetch(d, '/cgi-bin/%s?warm' % name).status == 200

        def client(n):
            return [fetch(d, '/cgi-bin/%s?%d.%d' % (name, n, i)).status
                    for i in range(PER_CLIENT)]
        out = run_threads(client, [(n,) for n in range(CLIENTS)], 120)
        assert all(x == [200] * PER_CLIENT for x in out), out
        assert d.wait_log(started, 3.0)
        how = re.findall(started, d.log(), re.M)[1:]
    prepared = how.count(', prepared ahead')
    print('%d of %d requests under load took a prepared child' %
          (prepared, len(how)))
    assert len(how) == CLIENTS * PER_CLIENT, len(how)
    assert prepared >= MIN_PREPARED * len(how), (
        'only %d of %d requests from %d concurrent clients took a child '
        'prepared ahead: the jail was made on their path' % (
            prepared, len(how), CLIENTS))


# the default policy whole is about 425 instructions; the part a child
# installs after its spawner's is about 80
MAX_CHILD_FILTER = 160


def test_a_prepared_child_compiles_a_small_filter():
    """Each prepared child used to install the script policy whole: the
    kernel checked and JIT-compiled its 425 instructions once per child,
    the largest single step of a child's layers (a tenth of all the CPU
    time at c=16).  Now its spawner installs the policy once, with what the
    layers need allowed, and each child adds only those calls as the policy
    has them (sandbox/filter_split.c)."""
    rx = re.compile(r'^(\d+) +prctl\(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, '
                    r'\{len=(\d+),')
    with Daemon({'cgi-bin/fdlist': helper('fdlist')}) as d:
        executor = d.wait_pids()['executor']
        assert fetch(d, '/cgi-bin/fdlist?warm').status == 200
        time.sleep(0.5)
        spawners = proc_children(executor)
        with Strace(spawners, ['-f', '-e', 'trace=prctl'],
                    lambda: fetch(d, '/cgi-bin/fdlist?probe')) as st:
            for i in range(6):
                assert fetch(d, '/cgi-bin/fdlist?%d' % i).status == 200
                time.sleep(0.2)
    lens = [int(m.group(2)) for m in map(rx.match, st.lines) if m]
    print('filters the prepared children installed: %r' % lens)
    assert len(lens) >= 4, st.lines[-40:]
    assert max(lens) <= MAX_CHILD_FILTER, (
        'a prepared child installed a filter of %d instructions: the '
        'script policy whole, compiled once per child' % max(lens))
