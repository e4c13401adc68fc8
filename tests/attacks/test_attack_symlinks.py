# SPDX-License-Identifier: ISC
"""
test_attack_symlinks: a script author who can only drop files into
cgi-bin/ drops links instead: to /bin/sh (a shell that would run the
request body), to interpreters, to files and scripts outside the document
root, through linked directories.  Each is a 403 or 404: /bin/sh never
runs, nothing outside the tree is read or executed.
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from attack_common import (Controls, Daemon, Symlink,  # noqa: E402
                           assert_error_page, assert_no_leak, files,
                           script)

OUTSIDE_BODY = b'OUTSIDE-RAN'
OUTSIDE_SECRET = b'OUTSIDE-SECRET'

LINKS = {
    'cgi-bin/sh': Symlink('/bin/sh'),
    'cgi-bin/bash': Symlink('/bin/bash'),
    'cgi-bin/python': Symlink('/usr/bin/python3'),
    'cgi-bin/env': Symlink('/usr/bin/env'),
    'cgi-bin/up-sh': Symlink('../../../../../../../../bin/sh'),
    'cgi-bin/passwd': Symlink('/etc/passwd'),
    'cgi-bin/shadow': Symlink('/etc/shadow'),
    'cgi-bin/self-exe': Symlink('/proc/self/exe'),
    'cgi-bin/fd0': Symlink('/proc/self/fd/0'),
    'cgi-bin/bin': Symlink('/bin'),
    'cgi-bin/usrbin': Symlink('/usr/bin'),
    'cgi-bin/outside.sh': Symlink('../../outside.sh'),
    'cgi-bin/secret.txt': Symlink('../../secret.txt'),
    'cgi-bin/chain': Symlink('chain2'),
    'cgi-bin/chain2': Symlink('../../outside.sh'),
    'cgi-bin/loop': Symlink('loop'),
    'sh': Symlink('/bin/sh'),
    'linked-cgi': Symlink('/bin'),
}

# each is asked with GET and with POST (a shell command as the body)
TARGETS = [
    '/cgi-bin/sh', '/cgi-bin/sh?-c+id', '/cgi-bin/sh/x', '/cgi-bin/bash',
    '/cgi-bin/python', '/cgi-bin/env', '/cgi-bin/up-sh',
    '/cgi-bin/passwd', '/cgi-bin/shadow', '/cgi-bin/self-exe',
    '/cgi-bin/fd0', '/cgi-bin/bin/sh', '/cgi-bin/bin/id',
    '/cgi-bin/usrbin/id', '/cgi-bin/outside.sh', '/cgi-bin/secret.txt',
    '/cgi-bin/chain', '/cgi-bin/loop', '/sh', '/linked-cgi/sh',
    '/cgi-bin/late-sh', '/cgi-bin/late-dir/sh',
]


def _outside(d):
    """A script and a secret next to the docroot, that nothing serves."""
    p = os.path.join(d.tmp, 'outside.sh')
    with open(p, 'w') as f:
        f.write("#!/bin/sh\nprintf 'Content-Type: text/plain\\n\\n%s'\n" %
                OUTSIDE_BODY.decode())
    os.chmod(p, 0o755)
    p = os.path.join(d.tmp, 'secret.txt')
    with open(p, 'wb') as f:
        f.write(OUTSIDE_SECRET + b'\n')
    os.chmod(p, 0o644)


def test_symlinks_to_shells_and_outside_files_never_run():
    tree = files(dict(LINKS, **{'cgi-bin/real.sh': script(
        "printf 'Content-Type: text/plain\\n\\nreal'\n")}))
    with Daemon(tree) as d, Controls(d):
        _outside(d)
        # links made while the daemon runs are judged the same
        os.symlink('/bin/sh', d.path('cgi-bin/late-sh'))
        os.symlink('/bin', d.path('cgi-bin/late-dir'))
        bad = []
        for target in TARGETS:
            for method, body in (('GET', None), ('POST', b'echo; id\n')):
                r = d.http(method, target, None, body)
                try:
                    assert r.status in (403, 404), 'status %d' % r.status
                    assert_error_page(r, r.status, d)
                    for mark in (b'uid=', OUTSIDE_BODY, OUTSIDE_SECRET,
                                 b'root:'):
                        assert mark not in r.body, mark
                    assert_no_leak(r.body, target)
                except AssertionError as e:
                    bad.append('%s %s: %s %r' % (method, target, e,
                                                 r.body[:120]))
        assert not bad, '\n'.join(bad)
        # the executor was never even asked to run a link's target
        for ln in d.log().splitlines():
            assert 'cgi[' not in ln or '/cgi-bin/ok.sh' in ln, ln
        r = d.get('/cgi-bin/real.sh')
        assert r.status == 200 and r.body == b'real', r
