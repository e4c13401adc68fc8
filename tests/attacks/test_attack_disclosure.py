# SPDX-License-Identifier: ISC
"""
test_attack_disclosure: a script's source never reaches a client (the
CVE-2008-1111 class: a server that falls back to serving the file).  A
marker sits in every script; no answer may hold it, whatever the method,
the conditional headers, an exec failure, a process limit, a symlink, an
index file or a local redirect.
"""

import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from attack_common import (MARKER, Controls, Daemon, Symlink,  # noqa: E402
                           assert_error_page, assert_no_leak, files,
                           raw_get, script, script_procs, status_of,
                           wait_until)

RAN = script("printf 'Content-Type: text/plain\\n\\nran'\n")


def _raw(d, path, headers=b'', method=b'GET'):
    data = raw_get(d, path.encode(), headers=headers, method=method)
    assert_no_leak(data, '%s %s %r' % (method.decode(), path, headers))
    return data


def _tree():
    src = '# %s\n' % MARKER
    return files({
        'cgi-bin/s.sh': RAN,
        'cgi-bin/sub/s.sh': RAN,
        'htbin/s.sh': RAN,
        'cgi-bin/badinterp.sh': ('#!/etc/passwd\n' + src, 0o755),
        'cgi-bin/nointerp.sh': ('#!/no/such/interp\n' + src, 0o755),
        'cgi-bin/dirinterp.sh': ('#!/usr\n' + src, 0o755),
        'cgi-bin/crinterp.sh': ('#!/bin/sh\r\n' + src, 0o755),
        'cgi-bin/noshebang.sh': (src + 'echo hi\n', 0o755),
        'cgi-bin/empty.sh': ('', 0o755),
        'cgi-bin/notexec.sh': (RAN, 0o644),
        'cgi-bin/traceback.py': ('#!/usr/bin/python3\n1 / 0  # %s\n' %
                                 MARKER, 0o755),
        'cgi-bin/redirect.sh': script(
            "printf 'Location: /cgi-bin/s.sh\\n\\n'\n"),
        'cgi-bin/redirect-alias.sh': script(
            "printf 'Location: /alias.txt\\n\\n'\n"),
        'alias.txt': Symlink('cgi-bin/s.sh'),
        'alias.sh': Symlink('cgi-bin/s.sh'),
        'scripts': Symlink('cgi-bin'),
        'dir/index.html': Symlink('../cgi-bin/s.sh'),
        'up/alias.txt': Symlink('../cgi-bin/sub/s.sh'),
    })


# (path, request headers, statuses)
REQUESTS = [
    ('/cgi-bin/s.sh', b'', (200,)),
    ('/cgi-bin/s.sh', b'Range: bytes=0-\r\n', (200,)),
    ('/cgi-bin/s.sh', b'Range: bytes=2-40\r\n', (200,)),
    ('/cgi-bin/s.sh', b'Range: bytes=0-\r\nIf-Range: Wed, 21 Oct 2015 '
     b'07:28:00 GMT\r\n', (200,)),
    ('/cgi-bin/s.sh', b'Range: bytes=0-\r\nIf-Range: "x"\r\n', (200,)),
    ('/cgi-bin/s.sh', b'If-None-Match: *\r\n', (200,)),
    ('/cgi-bin/s.sh', b'If-Modified-Since: Wed, 21 Oct 2037 07:28:00 '
     b'GMT\r\n', (200,)),
    ('/cgi-bin/s.sh', b'Accept-Encoding: gzip\r\n', (200,)),
    ('/cgi-bin/sub/s.sh', b'', (200,)),
    ('/htbin/s.sh', b'', (200,)),
    # exec failures: a fixed 500, never the file instead
    ('/cgi-bin/badinterp.sh', b'', (500,)),
    ('/cgi-bin/nointerp.sh', b'', (500,)),
    ('/cgi-bin/dirinterp.sh', b'', (500,)),
    ('/cgi-bin/crinterp.sh', b'', (500,)),
    ('/cgi-bin/noshebang.sh', b'', (500,)),
    ('/cgi-bin/empty.sh', b'', (500,)),
    ('/cgi-bin/traceback.py', b'', (500,)),
    ('/cgi-bin/notexec.sh', b'', (403,)),
    # links and indexes lead to the script's output or a refusal
    ('/alias.txt', b'', (200, 403, 404)),
    ('/alias.sh', b'', (200, 403, 404)),
    ('/scripts/s.sh', b'', (200, 403, 404)),
    ('/up/alias.txt', b'', (200, 403, 404)),
    ('/dir/', b'', (403, 404)),
    ('/dir/index.html', b'', (200, 403, 404)),
    ('/cgi-bin/redirect.sh', b'', (200,)),
    ('/cgi-bin/redirect-alias.sh', b'', (200, 403, 404)),
]


def test_disclosure_no_request_shows_a_script_source():
    with Daemon(_tree()) as d, Controls(d):
        # a link straight at the file, by absolute path
        os.symlink(d.path('cgi-bin/s.sh'), d.path('abs.txt'))
        bad = []
        # an absolute link leaves the tree by design: refused (403)
        for path, headers, allowed in REQUESTS + [('/abs.txt', b'',
                                                   (403, 404))]:
            for method in (b'GET', b'HEAD'):
                try:
                    data = _raw(d, path, headers, method)
                except AssertionError as e:
                    bad.append(str(e)[:300])
                    continue
                st = status_of(data)
                body = data.split(b'\r\n\r\n', 1)[-1]
                if st not in allowed:
                    bad.append('%s %s %r: status %s' % (
                        method.decode(), path, headers, st))
                elif st == 200 and method == b'GET' and b'ran' not in body:
                    bad.append('%s %s: 200 with %r' % (method.decode(),
                                                       path, body[:100]))
        assert not bad, '\n'.join(bad)


def test_disclosure_autoindex_lists_no_script():
    with Daemon(_tree(), config_lines=['autoindex on']) as d, Controls(d):
        for path in ('/', '/cgi-bin/', '/cgi-bin/sub/', '/htbin/',
                     '/scripts/', '/dir/', '/up/'):
            data = _raw(d, path)
            assert status_of(data) in (200, 403, 404), data[:200]
        assert status_of(_raw(d, '/cgi-bin/')) == 403


def test_disclosure_exec_failure_during_a_fork_bomb():
    """The script user's processes are exhausted by a bomb in another
    request: every script still runs or fails with 5xx, and no failure
    turns into the file being served."""
    # the script stays as the namespace's init: its exit would end it all
    bomb = script(':(){ :|:& };:\nsleep 10\n', '/bin/bash')
    tree = _tree()
    tree['cgi-bin/bomb.sh'] = bomb
    tree['cgi-bin/selfbomb.sh'] = script(
        '(:(){ :|:& };:) 2>/dev/null &\nsleep 0.3\n'
        "printf 'Content-Type: text/plain\\n\\nran'\n", '/bin/bash')
    with Daemon(tree, args=['-t', '3']) as d:
        with d.connect(timeout=10) as c, Controls(d):
            c.request('GET', '/cgi-bin/bomb.sh')
            assert wait_until(lambda: len(script_procs(d)) >= 20, 3.0), \
                'the bomb did not fork'
            t_end = time.monotonic() + 1.5
            n = 0
            while time.monotonic() < t_end:
                for path, ok in (('/cgi-bin/s.sh', (200, 500, 503)),
                                 ('/cgi-bin/selfbomb.sh', (200, 500, 503)),
                                 ('/cgi-bin/badinterp.sh', (500, 503)),
                                 ('/cgi-bin/nointerp.sh', (500, 503))):
                    data = _raw(d, path)
                    assert status_of(data) in ok, (path, data[:200])
                    n += 1
            r = c.read_response()
            assert_error_page(r, 500, d)
            assert_no_leak(r.body, 'the bomb')
        assert n >= 4
        assert wait_until(lambda: not script_procs(d), 3.0), \
            'bomb processes outlived the request'
