# SPDX-License-Identifier: ISC
"""
test_metrics_config: the `metrics ADDRESS PORT [non-loopback]` line
(issue 11).  Never on a public listener by accident: an address and
port a listen line (or -b and PORT) also uses, or that a wildcard
listen covers, is refused with FILE:LINE at -n and at start, before
anything is bound; so is a wildcard metrics address, and a non-loopback
one unless the line says `non-loopback` (then every start warns).  -n
prints the line back; a non-loopback metrics listener, in a network
namespace of the test's own, serves and warns.
"""

import os
import re
import signal
import subprocess
import time

from cgijail_test import (DAEMON, Daemon, free_port, port_listening,
                          proc_children, wait_until)


def _ports():
    a = free_port()
    b = free_port()
    while b == a:
        b = free_port()
    return a, b


def _file_only(d, extra=()):
    """argv with the file alone deciding the listen lines."""
    return [DAEMON, '-c', d.conf, '-d', d.docroot] + list(extra)


def _refused(lines, lineno, words, cli=False):
    """-n and a start both exit 1 naming FILE:LINE and the words;
    nothing is bound (neither the public nor the metrics port)."""
    d = Daemon(config_lines=[], start=False)
    mport = free_port()
    while mport == d.port:
        mport = free_port()
    d.write_config([ln.format(p=d.port, m=mport) for ln in lines])
    bad = []
    for extra in (['-n'], []):
        argv = d.argv() if cli else _file_only(d)
        argv = argv[:1] + extra + argv[1:]
        p = d.run(timeout=10, argv=argv)
        want = '%s:%d: ' % (d.conf, lineno)
        if p.returncode != 1 or want not in p.stderr or \
                'metrics' not in p.stderr or not all(
                w.lower() in p.stderr.lower() for w in words):
            bad.append('%s %r: rc %d, stderr %r' % (
                extra, lines, p.returncode, p.stderr[-400:]))
        for port in (d.port, mport):
            if port_listening(port):
                bad.append('%r: port %d bound' % (lines, port))
    return bad


def test_metrics_never_share_a_public_address():
    cases = [
        (['listen 127.0.0.1 {p}', 'metrics 127.0.0.1 {p}'], 2, False),
        (['listen [::1] {p}', '# metrics here', 'metrics [::1] {p}'], 3,
         False),
        (['listen * {p}', 'metrics 127.0.0.1 {p}'], 2, False),
        (['listen [::] {p}', 'metrics [::1] {p}'], 2, False),
        (['listen 0.0.0.0 {p}', 'metrics 127.0.0.5 {p}'], 2, False),
        (['listen localhost {p}', 'metrics ::1 {p}'], 2, False),
        (['metrics 127.0.0.1 {m}', 'listen 127.0.0.1 {m}',
          'listen 127.0.0.1 {p}'], 1, False),
        # the listen address from the command line: -b 127.0.0.1 PORT
        (['metrics 127.0.0.1 {p}'], 1, True),
    ]
    bad = []
    for lines, lineno, cli in cases:
        bad += _refused(lines, lineno, ['listen'], cli)
    assert not bad, '\n'.join(bad)


def test_metrics_address_rules():
    """Wildcards never; a non-loopback address only when the line says
    non-loopback; that word is refused on a loopback address; one line;
    ports and addresses checked as for listen."""
    cases = [
        (['metrics * {m}'], ['every address']),
        (['metrics 0.0.0.0 {m}'], ['every address']),
        (['metrics [::] {m}'], ['every address']),
        (['metrics :: {m}'], ['every address']),
        (['metrics 192.0.2.1 {m}'], ['not a loopback', 'non-loopback']),
        (['metrics 2001:db8::1 {m}'], ['not a loopback', 'non-loopback']),
        (['metrics 127.0.0.1 {m} non-loopback'], ['is a loopback']),
        (['metrics ::ffff:127.0.0.1 {m}'], ['IPv4']),
        (['metrics example.org {m}'], ['bad address']),
        (['metrics 127.0.0.1 0'], ['1-65535']),
        (['metrics 127.0.0.1 65536'], ['1-65535']),
        (['metrics 127.0.0.1 9x'], ['1-65535']),
        (['metrics 127.0.0.1 {m} public'], ['unknown option']),
        (['metrics 127.0.0.1'], ['missing argument']),
        (['metrics 127.0.0.1 {m}', 'metrics 127.0.0.2 {m}'], ['twice']),
    ]
    bad = []
    for lines, words in cases:
        bad += _refused(lines, len(lines), words, cli=True)
    assert not bad, '\n'.join(bad)


def test_n_prints_the_metrics_line():
    """-n shows the line as it takes it (localhost is 127.0.0.1), and
    the output parses back to the same; a non-loopback address passes
    -n with its word."""
    d = Daemon(config_lines=[], start=False)
    m = free_port()
    for line, shown in (('metrics localhost %d' % m, 'metrics 127.0.0.1 %d'
                         % m),
                        ('metrics [::1] %d' % m, 'metrics [::1] %d' % m),
                        ('metrics ::1 %d' % m, 'metrics [::1] %d' % m),
                        ('metrics 127.0.0.9 %d' % m, 'metrics 127.0.0.9 %d'
                         % m),
                        ('metrics 192.0.2.1 %d non-loopback' % m,
                         'metrics 192.0.2.1 %d non-loopback' % m)):
        d.write_config([line])
        p = d.run(timeout=10, extra_args=['-n'])
        assert p.returncode == 0, (line, p.stderr)
        got = re.findall(r'^metrics .*$', p.stdout, re.M)
        assert got == [shown], (line, got)
        again = d.write_config(p.stdout.splitlines(),
                               os.path.join(d.tmp, 'again.conf'))
        p2 = d.run(timeout=10, argv=[DAEMON, '-n', '-c', again, '-d',
                                     d.docroot])
        assert p2.returncode == 0, p2.stderr
        assert re.findall(r'^metrics .*$', p2.stdout, re.M) == [shown]


def _in_netns(pid, argv, timeout=15):
    return subprocess.run(['nsenter', '--net=/proc/%d/ns/net' % pid] + argv,
                          capture_output=True, text=True, timeout=timeout,
                          stdin=subprocess.DEVNULL)


def test_non_loopback_metrics_serve_and_warn_at_every_start():
    """In a network namespace made here, with 198.18.7.1 on its lo:
    `metrics 198.18.7.1 PORT non-loopback` starts, says at start that
    anyone who can reach it reads the counters, and answers there."""
    d = Daemon(config_lines=[], start=False)
    port, mport = _ports()
    d.write_config(['metrics 198.18.7.1 %d non-loopback' % mport])
    script = ('ip link set lo up && ip addr add 198.18.7.1/32 dev lo && '
              'exec "$@"')
    argv = ['unshare', '--net', '--fork', '--kill-child', '--', 'sh', '-c',
            script, 'sh', DAEMON, '-c', d.conf, '-d', d.docroot, '-b',
            '127.0.0.1', str(port)]
    with open(d.logpath, 'ab') as log:
        p = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=log,
                             stderr=log)
    try:
        rx = r'metrics on http://198\.18\.7\.1:%d/metrics' % mport
        assert d.wait_log(rx, 10), d.log_tail()
        assert d.wait_log(r'warning: .*198\.18\.7\.1.*not a loopback', 2), \
            d.log_tail()
        kids = wait_until(lambda: proc_children(p.pid), 5)
        assert kids, 'no daemon under unshare'
        r = _in_netns(kids[0], ['curl', '-sS', '--max-time', '10',
                                'http://198.18.7.1:%d/metrics' % mport])
        assert r.returncode == 0, r.stderr
        assert 'cgijail_build_info{version=' in r.stdout, r.stdout[:300]
        # and not from here: the test's own namespace has no such address
        assert not port_listening(mport, '127.0.0.1', 0.5)
        os.kill(kids[0], signal.SIGTERM)
        assert p.wait(15) == 0
    finally:
        if p.poll() is None:
            p.kill()
            p.wait(5)
        time.sleep(0.1)
