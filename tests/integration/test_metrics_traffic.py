# SPDX-License-Identifier: ISC
"""
test_metrics_traffic: /metrics counts what happened, exactly (issue 11).
Known traffic is driven over raw sockets, so every byte sent and read is
known: 200s, 404s, a script that exits 0, one that exits 3 (500), one
the seccomp filter kills, one killed at the timeout, one the executor
refuses (403), one that cannot start; then every counter must have moved
by exactly what was driven, and nothing else.  Those killed at their
memory and CPU limits, and one that dies of a signal, have a daemon of
their own, whose timeout is far away.
Also: scripts running and queued, connections open, shed and refused,
and what the parent counts (restarts, reloads) across a restart.
"""

import os
import signal
import socket
import time

from cgijail_test import fixture, helper, wait_until
from metrics_common import (deltas, flat, key, metrics_daemon, scrape,
                            value, wait_values)

TIMEOUT = 90


def _raw(d, data, timeout=15.0):
    """data on a new connection; every byte read until the daemon
    closes.  (sent, received) byte counts, and the first status."""
    with socket.create_connection(('127.0.0.1', d.port), timeout) as s:
        s.sendall(data)
        out = bytearray()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and len(out) < 1 << 20:
            s.settimeout(max(0.1, deadline - time.monotonic()))
            chunk = s.recv(65536)
            if not chunk:
                break
            out += chunk
        else:
            raise AssertionError('no close after %r' % data[:60])
    return len(data), len(out), int(out[9:12])


def _get(path):
    return ('GET %s HTTP/1.0\r\nUser-Agent: metrics-test\r\n\r\n' %
            path).encode()


def test_counters_move_by_exactly_the_traffic():
    """The plan's requests and one keep-alive connection with two: each
    counter moves by exactly them (bytes as sent and read, connections,
    requests by class, outcomes, refusals, failed starts, the histogram's
    count = the scripts that reached exec = the scripts that ended), and
    no other sample moves."""
    files = {'index.html': '<html>%s</html>\n' % ('x' * 300),
             'cgi-bin/ok.sh': fixture('ok.sh'),
             'cgi-bin/fail.sh': fixture('fail.sh'),
             'cgi-bin/sleeper.sh': fixture('sleeper.sh'),
             'cgi-bin/noexec.sh': fixture('ok.sh', 0o644),
             'cgi-bin/badinterp.cgi': fixture('badinterp.cgi'),
             'cgi-bin/sysprobe': helper('sysprobe')}
    plan = [('/index.html', 200)] * 5 + [('/nope.html', 404)] + \
        [('/cgi-bin/ok.sh', 200)] * 3 + [
            ('/cgi-bin/fail.sh', 500),          # exit 3
            ('/cgi-bin/sysprobe?mount', 500),   # seccomp kills it
            ('/cgi-bin/sleeper.sh?30', 500),    # the 3 s timeout
            ('/cgi-bin/noexec.sh', 403),        # the executor refuses
            ('/cgi-bin/badinterp.cgi', 500)]    # exec fails
    with metrics_daemon(files, ['timeout 3']) as d:
        before = flat(scrape(d))
        sent = got = 0
        codes = {}
        for path, want in plan:
            n, m, status = _raw(d, _get(path))
            assert status == want, (path, status)
            sent, got = sent + n, got + m
            codes[status // 100] = codes.get(status // 100, 0) + 1
        # two requests on one connection: one accept, two requests
        n, m, status = _raw(d, b'GET / HTTP/1.1\r\nHost: x\r\n\r\n'
                            b'GET /cgi-bin/ok.sh HTTP/1.1\r\nHost: x\r\n'
                            b'Connection: close\r\n\r\n')
        sent, got = sent + n, got + m
        codes[2] += 2
        assert codes == {2: 10, 4: 2, 5: 4}, codes
        move = {
            key('cgijail_http_requests_total', code='2xx'): 10,
            key('cgijail_http_requests_total', code='4xx'): 2,
            key('cgijail_http_requests_total', code='5xx'): 4,
            key('cgijail_http_received_bytes_total'): sent,
            key('cgijail_http_sent_bytes_total'): got,
            key('cgijail_connections_accepted_total'): len(plan) + 1,
            key('cgijail_scripts_ended_total', outcome='exit_zero'): 4,
            key('cgijail_scripts_ended_total', outcome='exit_nonzero'): 1,
            key('cgijail_scripts_ended_total', outcome='seccomp'): 1,
            key('cgijail_scripts_ended_total', outcome='timeout'): 1,
            key('cgijail_script_refusals_total', reason='forbidden'): 1,
            key('cgijail_script_start_failures_total'): 1,
            # spawned: every script that reached its exec
            key('cgijail_script_spawn_seconds_count'): 7,
            key('cgijail_script_spawn_seconds_bucket', le='+Inf'): 7,
        }
        want = {k: before[k] + v for k, v in move.items()}
        want[key('cgijail_connections_open')] = 0
        want[key('cgijail_scripts_running')] = 0
        after = wait_values(d, want)
        moved = deltas(before, after)
        others = {k: v for k, v in moved.items() if k not in move and
                  k[0] not in ('cgijail_script_spawn_seconds_bucket',
                               'cgijail_script_spawn_seconds_sum')}
        assert not others, 'moved, and should not have: %r' % others
        assert moved[key('cgijail_script_spawn_seconds_sum')] > 0
        # the histogram's count is the scripts that ran: every one ended
        ended = sum(v for (n, _), v in after.items()
                    if n == 'cgijail_scripts_ended_total')
        assert ended == after[key('cgijail_script_spawn_seconds_count')]


# fills /tmp, a tmpfs charged to the request's memory, past its limit
FILL = (b'#!/bin/sh\nexec dd if=/dev/zero of=/tmp/fill bs=1M count=200\n',
        0o755)


def test_a_limit_is_its_own_outcome():
    """Scripts killed at their memory limit (the cgroup's OOM kill) and
    at their CPU limit are limits, not signals (nor timeouts: that one
    is far away, so a loaded machine cannot confuse the two); a script
    that faults (SIGSEGV) is a signal.  One child slot, so the fault runs
    in the cgroup the memory kill just used: that kill is not counted
    again as its own."""
    files = {'cgi-bin/busy.sh': fixture('busy.sh'),
             'cgi-bin/segv.py': fixture('segv.py'),
             'cgi-bin/fill.sh': FILL}
    with metrics_daemon(files, ['max-scripts 1', 'limit cpu 1',
                                'limit memory 48M', 'limit tmp 256M'],
                        args=['-t', '40']) as d:
        before = flat(scrape(d))
        for path in ('/cgi-bin/fill.sh', '/cgi-bin/segv.py',
                     '/cgi-bin/busy.sh'):
            assert _raw(d, _get(path), 45)[2] == 500, path
        move = {key('cgijail_scripts_ended_total', outcome='limit'): 2,
                key('cgijail_scripts_ended_total', outcome='signal'): 1,
                key('cgijail_http_requests_total', code='5xx'): 3,
                key('cgijail_script_spawn_seconds_count'): 3}
        after = wait_values(d, {k: before[k] + v for k, v in move.items()})
        ended = {k: v for k, v in deltas(before, after).items()
                 if k[0] == 'cgijail_scripts_ended_total'}
        assert ended == {
            key('cgijail_scripts_ended_total', outcome='limit'): 2,
            key('cgijail_scripts_ended_total', outcome='signal'): 1}, ended


def test_running_queued_and_open():
    """With max-scripts 1, one script runs and the next waits: the
    gauges say 1 and 1, with two connections open; then 0, 0, 0."""
    files = {'cgi-bin/sleeper.sh': fixture('sleeper.sh')}
    with metrics_daemon(files, ['max-scripts 1']) as d:
        wait_values(d, {key('cgijail_scripts_running'): 0,
                        key('cgijail_connections_open'): 0})
        a = socket.create_connection(('127.0.0.1', d.port), 10)
        b = socket.create_connection(('127.0.0.1', d.port), 10)
        try:
            a.sendall(_get('/cgi-bin/sleeper.sh?6'))
            wait_values(d, {key('cgijail_scripts_running'): 1})
            b.sendall(_get('/cgi-bin/sleeper.sh?0.1'))
            wait_values(d, {key('cgijail_scripts_running'): 1,
                            key('cgijail_scripts_queued'): 1,
                            key('cgijail_connections_open'): 2})
            for s in (a, b):
                s.settimeout(10)
                data = b''
                while True:
                    chunk = s.recv(65536)
                    if not chunk:
                        break
                    data += chunk
                assert data.startswith(b'HTTP/1.0 200'), data[:80]
        finally:
            a.close()
            b.close()
        wait_values(d, {key('cgijail_scripts_running'): 0,
                        key('cgijail_scripts_queued'): 0,
                        key('cgijail_connections_open'): 0,
                        key('cgijail_scripts_ended_total',
                            outcome='exit_zero'): 2})


def _idle(d):
    """A keep-alive connection that was served once and now waits."""
    s = socket.create_connection(('127.0.0.1', d.port), 10)
    s.sendall(b'GET / HTTP/1.1\r\nHost: x\r\n\r\n')
    data = b''
    while b'</html>' not in data:
        chunk = s.recv(65536)
        assert chunk, data
        data += chunk
    return s


def _closed(s, timeout=3.0):
    s.settimeout(timeout)
    try:
        return s.recv(1) == b''
    except ConnectionResetError:
        return True
    except (socket.timeout, TimeoutError):
        return False


def test_shed_and_refused_connections():
    """max-connections-per-client 2: a third connection sheds the idle
    one (shed +1); with both being served a new one is closed, there
    being nothing to shed (refused +1).  Scrapes are apart: they never
    shed nor count."""
    files = {'index.html': '<html>x</html>',
             'cgi-bin/sleeper.sh': fixture('sleeper.sh')}
    with metrics_daemon(files, ['max-connections-per-client 2']) as d:
        before = flat(scrape(d))
        a, b = _idle(d), _idle(d)
        c = socket.create_connection(('127.0.0.1', d.port), 10)
        assert _closed(a), 'the idle connection was not shed'
        after = wait_values(d, {
            key('cgijail_connections_shed_total'):
                before[key('cgijail_connections_shed_total')] + 1,
            key('cgijail_connections_open'): 2})
        # scraping many times from the same address sheds nothing
        for _ in range(5):
            scrape(d)
        assert not _closed(b, 0.3) and not _closed(c, 0.3)
        b.sendall(_get('/cgi-bin/sleeper.sh?5'))
        c.sendall(_get('/cgi-bin/sleeper.sh?5'))
        wait_values(d, {key('cgijail_scripts_running'): 2})
        e = socket.create_connection(('127.0.0.1', d.port), 10)
        assert _closed(e), 'a connection with nothing to shed stayed open'
        after = wait_values(d, {
            key('cgijail_connections_refused_total'):
                before[key('cgijail_connections_refused_total')] + 1,
            key('cgijail_connections_shed_total'):
                before[key('cgijail_connections_shed_total')] + 1,
            key('cgijail_connections_accepted_total'):
                before[key('cgijail_connections_accepted_total')] + 4})
        assert after[key('cgijail_http_requests_total', code='2xx')] == \
            before[key('cgijail_http_requests_total', code='2xx')] + 2
        # the clients leave: their scripts are killed
        for s in (a, b, c, e):
            s.close()
        wait_values(d, {key('cgijail_connections_open'): 0,
                        key('cgijail_scripts_running'): 0,
                        key('cgijail_scripts_ended_total', outcome='killed'):
                            before[key('cgijail_scripts_ended_total',
                                       outcome='killed')] + 2})


def _front(d, old=None):
    return d.wait_pids(timeout=10, old=old)['front']


def test_restarts_and_reloads_come_from_the_parent():
    """The executor killed: the pair restarts, the counters start again
    at zero (process_start_time_seconds moves), the parent's restart
    count is 1 and the daemon's start time stays.  A reload: ok +1.  A
    broken file, or a changed metrics line: failed +1 each, the old
    configuration and its metrics listener go on."""
    files = {'cgi-bin/ok.sh': fixture('ok.sh')}
    with metrics_daemon(files) as d:
        d.expect_restart = True
        assert d.get('/cgi-bin/ok.sh').status == 200
        f0 = wait_values(d, {key('cgijail_script_spawn_seconds_count'): 1,
                             key('cgijail_restarts_total'): 0})
        pids = d.wait_pids()
        os.kill(pids['executor'], signal.SIGKILL)
        _front(d, pids)
        assert wait_until(d.answers, 10)
        f1 = wait_values(d, {key('cgijail_script_spawn_seconds_count'): 0,
                             key('cgijail_restarts_total'): 1,
                             key('cgijail_reloads_total', result='ok'): 0})
        assert f1[key('cgijail_start_time_seconds')] == \
            f0[key('cgijail_start_time_seconds')]
        assert f1[key('process_start_time_seconds')] > \
            f0[key('process_start_time_seconds')]
        pids = d.wait_pids()
        d.send_signal(signal.SIGHUP)
        _front(d, pids)
        wait_values(d, {key('cgijail_reloads_total', result='ok'): 1,
                        key('cgijail_reloads_total', result='failed'): 0,
                        key('cgijail_restarts_total'): 1})
        good = open(d.conf).read().splitlines()
        d.write_config(good + ['no-such-keyword 1'])
        d.send_signal(signal.SIGHUP)
        wait_values(d, {key('cgijail_reloads_total', result='failed'): 1})
        # metrics move only on a restart: a reload that moves them fails
        other = d.mport + 1
        d.write_config(['metrics 127.0.0.1 %d' % other] + good[1:])
        d.send_signal(signal.SIGHUP)
        wait_values(d, {key('cgijail_reloads_total', result='failed'): 2})
        assert d.wait_log(r'reload failed.*metrics.*only on a restart', 3)
        d.write_config(good[1:])
        d.send_signal(signal.SIGHUP)
        fams = scrape(d)
        wait_values(d, {key('cgijail_reloads_total', result='failed'): 3,
                        key('cgijail_reloads_total', result='ok'): 1})
        assert value(fams, 'cgijail_build_info', version='0.1') == 1
