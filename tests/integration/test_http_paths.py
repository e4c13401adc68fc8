# SPDX-License-Identifier: ISC
"""
test_http_paths: the request path is decoded once and normalised before
routing; nothing outside the document root is ever served (traversal,
encodings, symlinks), dotfiles are hidden, and normal paths still work.
"""

import os

from cgijail_test import Daemon, Symlink, assert_status

PASSWD_MARK = b'root:x:0:0'
SECRET = 'TOP-SECRET-OUTSIDE-DOCROOT'
FILES = {
    'index.html': '<html>index</html>\n',
    'a/b.txt': 'bee\n',
    'a/.secret': 'dot secret\n',
    '.htaccess': 'deny from all\n',
    '.git/config': '[core]\n',
    '%2e%2e/x.txt': 'literal percent name\n',
    'cgi-bin/hello.sh': ('#!/bin/sh\nprintf "Content-Type: text/plain'
                         '\\n\\nhello"\n', 0o755),
    'etc-link': Symlink('/etc/passwd'),
    'root-link': Symlink('/'),
    'up-link': Symlink('../outside.txt'),
    'abs-inside-link': Symlink('/etc'),
}


def _outside(d):
    """A file next to the docroot, readable by everyone."""
    p = os.path.join(d.tmp, 'outside.txt')
    with open(p, 'w') as f:
        f.write(SECRET + '\n')
    os.chmod(p, 0o644)
    return p


def _leaks(data):
    return PASSWD_MARK in data or SECRET.encode() in data


def get_raw(d, target):
    """GET with the target exactly as given (curl would normalise it)."""
    data = d.request(b'GET ' + target + b' HTTP/1.1\r\nHost: 127.0.0.1\r\n'
                     b'Connection: close\r\n\r\n', timeout=5)
    return data


TRAVERSALS = [
    b'/../etc/passwd',
    b'/../../../../../../etc/passwd',
    b'/%2e%2e/etc/passwd',
    b'/%2E%2E/%2E%2E/etc/passwd',
    b'/.%2e/.%2e/etc/passwd',
    b'/%2e./etc/passwd',
    b'/cgi-bin/.%2e/.%2e/bin/sh',
    b'/cgi-bin/../../bin/sh',
    b'/a/../../etc/passwd',
    b'/a/./../../etc/passwd',
    b'/%%32%65%%32%65/etc/passwd',
    b'/%%32%65',
    b'/..%2fetc/passwd',
    b'/..%2Fetc%2Fpasswd',
    b'/%252e%252e/etc/passwd',
    b'/..%5c..%5cetc%5cpasswd',
    b'/..\\..\\etc\\passwd',
    b'/%c0%ae%c0%ae/etc/passwd',
    b'/%2e%2e%00/etc/passwd',
    b'//etc/passwd',
    b'/etc/passwd',
    b'/../outside.txt',
    b'/%2e%2e/outside.txt',
    b'/a/%2e%2e/%2e%2e/outside.txt',
]


def test_traversal_never_leaves_docroot():
    with Daemon(FILES) as d:
        _outside(d)
        bad = []
        for t in TRAVERSALS:
            data = get_raw(d, t)
            status = data[9:12]
            if _leaks(data) or status not in (b'400', b'404'):
                bad.append('%r -> %r' % (t, data[:80]))
        assert not bad, '\n'.join(bad)


def test_symlinks_out_of_docroot_are_never_followed():
    with Daemon(FILES) as d:
        _outside(d)
        bad = []
        for t in (b'/etc-link', b'/root-link/etc/passwd', b'/up-link',
                  b'/abs-inside-link/passwd', b'/root-link/',
                  b'/root-link'):
            data = get_raw(d, t)
            if _leaks(data) or data[9:12] not in (b'403', b'404'):
                bad.append('%r -> %r' % (t, data[:80]))
        for t in (b'/etc-link', b'/up-link'):
            data = d.request(b'HEAD ' + t + b' HTTP/1.1\r\nHost: a\r\n'
                             b'Connection: close\r\nRange: bytes=0-9\r\n\r\n')
            if data[9:12] not in (b'403', b'404'):
                bad.append('HEAD %r -> %r' % (t, data[:80]))
        assert not bad, '\n'.join(bad)


def test_symlink_made_after_start_is_not_followed():
    """The check happens at open time, not at startup."""
    with Daemon(FILES) as d:
        os.symlink('/etc/shadow', d.path('late-link'))
        os.symlink('/etc', d.path('a/late-dir'))
        for t in (b'/late-link', b'/a/late-dir/passwd'):
            data = get_raw(d, t)
            assert not _leaks(data) and b'root:' not in data, data[:200]
            assert data[9:12] in (b'403', b'404'), (t, data[:80])


def test_dotfiles_are_404():
    with Daemon(FILES) as d:
        for t in (b'/.htaccess', b'/.git/config', b'/.git/', b'/.git',
                  b'/a/.secret', b'/%2egit/config', b'/a/%2esecret',
                  b'/a/./.secret', b'/.', b'/a/.'):
            data = get_raw(d, t)
            status = data[9:12]
            if t in (b'/.', b'/a/.'):
                # '.' segments normalise away: these are / and /a/
                assert status in (b'200', b'301', b'403', b'404'), t
                continue
            assert status == b'404', (t, data[:120])
            assert b'deny from all' not in data and b'[core]' not in data
            assert b'dot secret' not in data


def test_normalised_paths_reach_the_file():
    with Daemon(FILES) as d:
        for t in ('/a/b.txt', '/a/./b.txt', '/a//b.txt', '//a/b.txt',
                  '/a/x/../b.txt', '/%61/b.txt', '/a/%62.txt',
                  '/a/b.txt?x=1&y=../../etc/passwd', '/a/b%2etxt',
                  '/./a/b.txt'):
            r = d.get(t)
            assert_status(r, 200)
            assert r.body == b'bee\n', (t, r)


def test_percent_decoded_once_only():
    """%252e%252e is the literal name '%2e%2e', not '..'."""
    with Daemon(FILES) as d:
        r = d.get('/%252e%252e/x.txt')
        assert_status(r, 200)
        assert r.body == b'literal percent name\n'
        r = d.get('/%2e%2e/x.txt')
        assert_status(r, 400, 404)
        assert b'literal percent name' not in r.body


def test_error_pages_never_show_paths():
    with Daemon(FILES) as d:
        for t in ('/missing', '/a/missing.txt', '/.htaccess', '/etc-link',
                  '/%2e%2e/etc/passwd', '/a%2Fb'):
            r = d.get(t)
            assert r.status >= 400, (t, r)
            assert d.tmp.encode() not in r.body, (t, r.body)
            assert b'/etc/' not in r.body, (t, r.body)
            assert d.tmp not in r.head(), (t, r.head())
