# SPDX-License-Identifier: ISC
"""
test_attack_redirect: a script's local redirect (Location: /path, RFC 3875
6.2.2) is a new request the front makes for it, so it is checked like one:
no traversal out of the tree, no dotfile, no source of a script (it runs
instead), no body or method carried along, and a loop ends in a 500.
"""

import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from attack_common import (SLOW, STATIC_BODY, Controls,  # noqa: E402
                           Daemon, Symlink, assert_error_page,
                           assert_no_leak, assert_no_script_left, files,
                           script)

RAN = script("printf 'Content-Type: text/plain\\n\\nran'\n")
ENV = script('printf "Content-Type: text/plain\\n\\nm=%s cl=%s ct=%s '
             'body=" "$REQUEST_METHOD" "${CONTENT_LENGTH-unset}" '
             '"${CONTENT_TYPE-unset}"\ncat\n')


def _to(location, after=''):
    return script("printf 'Location: %s\\n\\n'\n%s" % (location, after))


# script name -> (Location, statuses, body when 200)
CASES = {
    'dotdot': ('/%%2e%%2e/etc/passwd', (404,), None),
    'dotdot-raw': ('/../../etc/passwd', (404,), None),
    'dotdot-mid': ('/cgi-bin/../../etc/passwd', (404,), None),
    'dotdot-dot2e': ('/cgi-bin/.%%2e/.%%2e/bin/sh', (404,), None),
    'double-encoded': ('/%%252e%%252e/etc/passwd', (404,), None),
    'enc-slash': ('/cgi-bin%%2fs.sh', (404,), None),
    'backslash': ('/..\\\\..\\\\etc\\\\passwd', (404,), None),
    'nul': ('/static.txt%%00.sh', (404,), None),
    'newline': ('/static.txt%%0a', (404,), None),
    'high-byte': ('/static\\377.txt', (500,), None),
    'double-slash': ('//etc/passwd', (404,), None),
    'dotfile': ('/.secret', (404,), None),
    'dotdir': ('/.git/config', (404,), None),
    'dotfile-enc': ('/%%2esecret', (404,), None),
    'link-out': ('/passwd-link', (403, 404), None),   # out of the tree
    'source': ('/cgi-bin/s.sh', (200,), b'ran'),
    'source-query': ('/cgi-bin/s.sh?x=1#frag', (200,), b'ran'),
    'source-pathinfo': ('/cgi-bin/s.sh/extra', (200,), b'ran'),
    'source-via-link': ('/alias.txt', (200, 403, 404), b'ran'),
    'source-dir-link': ('/scripts/s.sh', (200, 403, 404), b'ran'),
    'source-cgi-dir': ('/cgi-bin/', (403,), None),
    'static': ('/static.txt', (200,), STATIC_BODY.encode()),
    'self-loop': ('/cgi-bin/self-loop.sh', (500,), None),
    'ping': ('/cgi-bin/pong.sh', (500,), None),
    'pong': ('/cgi-bin/ping.sh', (500,), None),
    'to-env': ('/cgi-bin/env.sh', (200,), b'm=GET cl=unset ct=unset body='),
    'relative': ('static.txt', (500,), None),
}


def _tree():
    t = {'cgi-bin/%s.sh' % k: _to(loc) for k, (loc, _, _) in CASES.items()}
    t.update({'cgi-bin/s.sh': RAN, 'cgi-bin/env.sh': ENV,
              '.secret': 'dot secret\n', '.git/config': '[core]\n',
              'passwd-link': Symlink('/etc/passwd'),
              'alias.txt': Symlink('cgi-bin/s.sh'),
              'scripts': Symlink('cgi-bin'),
              'cgi-bin/runs-on.sh': _to('/static.txt', 'sleep 30\n'),
              'cgi-bin/loop-slow.sh': _to('/cgi-bin/loop-slow.sh',
                                          'sleep 0.05\n')})
    return files(t)


def test_redirect_local_location_is_checked_like_a_request():
    with Daemon(_tree()) as d, Controls(d):
        bad = []
        for name, (loc, allowed, body) in CASES.items():
            for method, data in (('GET', None), ('POST', b'secret=1')):
                r = d.http(method, '/cgi-bin/%s.sh' % name,
                           {'Content-Type': 'x/y'}, data)
                try:
                    assert r.status in allowed, r
                    assert_no_leak(r.body, name)
                    assert b'dot secret' not in r.body, r
                    if r.status >= 400:
                        assert_error_page(r, r.status, d)
                    elif body is not None:
                        assert r.body == body, r
                    assert b'secret=1' not in r.body, 'body carried over'
                except AssertionError as e:
                    bad.append('%s %s -> %s: %s' % (method, name, loc,
                                                    str(e)[:300]))
        assert not bad, '\n'.join(bad)


def test_redirect_loop_is_bounded_in_time():
    """Each hop of a loop is a script run; ten hops, then a 500, fast,
    and nothing of the loop keeps running."""
    with Daemon(_tree(), args=['-t', '5']) as d, Controls(d):
        t0 = time.monotonic()
        r = d.get('/cgi-bin/loop-slow.sh', timeout=20)
        assert_error_page(r, 500, d)
        assert time.monotonic() - t0 < 5.0 * SLOW, 'loop took %.1fs' % (
            time.monotonic() - t0)
        assert d.wait_log('too many local redirects', 2.0), d.log_tail()
        assert_no_script_left(d)


def test_redirect_then_keep_running_is_bounded():
    """A script that redirects and keeps running: the redirect is
    answered no later than the timeout, and the script is gone."""
    with Daemon(_tree(), args=['-t', '3']) as d, Controls(d):
        t0 = time.monotonic()
        r = d.get('/cgi-bin/runs-on.sh', timeout=15)
        took = time.monotonic() - t0
        assert r.status in (200, 500), r
        if r.status == 200:
            assert r.body == STATIC_BODY.encode(), r
        assert took < 3.0 + 2.0 * SLOW, 'answered after %.1fs' % took
        assert_no_script_left(d)
