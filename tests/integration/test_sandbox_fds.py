# SPDX-License-Identifier: ISC
"""
test_sandbox_fds: a script inherits exactly three descriptors, its stdin,
stdout and stderr pipes, whatever the daemon holds at the time (listening
sockets, other clients' connections, other scripts' pipes).
"""

import re

from cgijail_test import (Daemon, assert_status, assert_still_serving, fixture,
                          helper)


def fd_table(text):
    out = {}
    for line in text.splitlines():
        m = re.match(r'^fd (\d+) (.*)$', line)
        assert m, 'bad fdlist line %r' % line
        out[int(m.group(1))] = m.group(2)
    return out


def assert_stdio_only(r):
    assert_status(r, 200)
    fds = fd_table(r.text)
    assert sorted(fds) == [0, 1, 2], 'open descriptors: %r' % fds
    for fd, target in fds.items():
        assert target.startswith('pipe:['), 'fd %d is %r' % (fd, target)
    assert len(set(fds.values())) == 3, 'stdio pipes shared: %r' % fds


def test_only_stdio_is_open():
    files = {'cgi-bin/fdlist': helper('fdlist'),
             'cgi-bin/ok.sh': fixture('ok.sh')}
    with Daemon(files) as d:
        assert_stdio_only(d.get('/cgi-bin/fdlist'))
        # a body on stdin changes nothing
        assert_stdio_only(d.http('POST', '/cgi-bin/fdlist', body='x' * 100))
        assert_still_serving(d)


def test_only_stdio_while_the_daemon_is_busy():
    """Idle keep-alive clients and a running script give the front and
    the executor many descriptors; none of them may leak."""
    files = {'cgi-bin/fdlist': helper('fdlist'),
             'cgi-bin/sleeper.sh': fixture('sleeper.sh'),
             'cgi-bin/ok.sh': fixture('ok.sh')}
    with Daemon(files) as d:
        idle = [d.connect() for _ in range(8)]
        try:
            with d.connect(timeout=10) as slow:
                slow.request('GET', '/cgi-bin/sleeper.sh?1')
                for _ in range(3):
                    assert_stdio_only(d.get('/cgi-bin/fdlist'))
                r = slow.read_response()
                assert_status(r, 200)
        finally:
            for c in idle:
                c.close()
        assert_still_serving(d)
