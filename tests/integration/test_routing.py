# SPDX-License-Identifier: ISC
"""
test_routing: the static/CGI split.  Nothing under a CGI directory is
ever sent as a file (a marker in each script must never appear in any
response), whatever the method, range, encoding or path trick; and a
light check that a trivial script runs (the CGI suites go further).
"""

import os

from cgijail_test import Daemon, Symlink, assert_status

MARK = 'SOURCE-MARKER-7f3a9c'
HELLO = ('#!/bin/sh\n# %s\nprintf "Content-Type: text/plain\\n\\nhello"\n'
         % MARK)
FILES = {
    'index.html': '<html>index</html>\n',
    'cgi-bin/hello.sh': (HELLO, 0o755),
    'cgi-bin/notes.txt': ('not a script %s\n' % MARK, 0o644),
    'cgi-bin/secret.py': ('#!/usr/bin/python3\n# %s\n' % MARK, 0o644),
    'cgi-bin/sub/deep.sh': (HELLO, 0o755),
    'cgi-bin/index.html': ('<p>%s</p>\n' % MARK, 0o644),
    'htbin/hello.sh': (HELLO, 0o755),
    'htbin/readme.txt': ('readme %s\n' % MARK, 0o644),
}

TARGETS = [
    '/cgi-bin/hello.sh', '/cgi-bin/notes.txt', '/cgi-bin/secret.py',
    '/cgi-bin/sub/deep.sh', '/cgi-bin/', '/cgi-bin', '/cgi-bin/index.html',
    '/cgi-bin//hello.sh', '/cgi-bin/./notes.txt', '/./cgi-bin/notes.txt',
    '/a/../cgi-bin/notes.txt', '/%63gi-bin/notes.txt',
    '/cgi-bin/%6eotes.txt', '/cgi-bin/notes.txt/', '/cgi-bin/notes.txt?x',
    '/cgi-bin/hello.sh/extra/path', '/cgi-bin/sub/', '/cgi-bin/sub',
    '/htbin/hello.sh', '/htbin/readme.txt', '/htbin/',
]


def _no_marker(d, method, target, headers=None):
    data = d.request(('%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\n'
                      'Connection: close\r\n%s\r\n' % (
                          method, target,
                          ''.join('%s: %s\r\n' % kv
                                  for kv in (headers or {}).items())))
                     .encode(), timeout=10)
    assert MARK.encode() not in data, (method, target, headers,
                                       data[:300])
    return data


def test_cgi_dir_sources_never_served():
    with Daemon(FILES) as d:
        for t in TARGETS:
            _no_marker(d, 'GET', t)
            _no_marker(d, 'HEAD', t)
            _no_marker(d, 'GET', t, {'Range': 'bytes=0-200'})
            _no_marker(d, 'GET', t, {'Range': 'bytes=5-'})
            _no_marker(d, 'POST', t, {'Content-Length': '0'})


def test_non_executable_in_cgi_dir_is_refused():
    with Daemon(FILES) as d:
        for t in ('/cgi-bin/notes.txt', '/cgi-bin/secret.py',
                  '/htbin/readme.txt'):
            data = _no_marker(d, 'GET', t)
            assert data[9:12] in (b'403', b'404', b'500'), (t, data[:80])


def test_cgi_dir_listing_never_shown():
    with Daemon(FILES, config_lines=['autoindex on']) as d:
        for t in ('/cgi-bin/', '/cgi-bin/sub/', '/htbin/'):
            data = _no_marker(d, 'GET', t)
            assert b'hello.sh' not in data, (t, data[:300])


def test_symlink_into_cgi_dir_not_served():
    """An alias outside the CGI directory still must not reveal the
    script source (the file is a script wherever it is reached from)."""
    files = dict(FILES)
    files['alias.txt'] = Symlink('cgi-bin/hello.sh')
    files['aliasdir'] = Symlink('cgi-bin')
    with Daemon(files) as d:
        for t in ('/alias.txt', '/aliasdir/hello.sh', '/aliasdir/notes.txt'):
            _no_marker(d, 'GET', t)
            _no_marker(d, 'GET', t, {'Range': 'bytes=0-100'})


def test_cgi_dir_option_replaces_defaults():
    files = dict(FILES)
    files['scripts/run.sh'] = (HELLO, 0o755)
    files['scripts/data.txt'] = ('data %s\n' % MARK, 0o644)
    with Daemon(files, cgi_dirs=['/scripts']) as d:
        for t in ('/scripts/run.sh', '/scripts/data.txt', '/scripts/'):
            _no_marker(d, 'GET', t)
        # /cgi-bin is an ordinary directory now: a plain file there is
        # served like any other (an operator who replaced the list asked
        # for it)
        r = d.get('/cgi-bin/index.html')
        assert_status(r, 200)


def test_cgi_dir_from_config():
    files = dict(FILES)
    files['app/run.sh'] = (HELLO, 0o755)
    with Daemon(files, config_lines=['cgi-dir /app']) as d:
        _no_marker(d, 'GET', '/app/run.sh')
        _no_marker(d, 'GET', '/app/run.sh', {'Range': 'bytes=0-50'})


def test_cgi_hello_runs():
    with Daemon(FILES) as d:
        r = d.get('/cgi-bin/hello.sh')
        assert_status(r, 200)
        assert r.body == b'hello', r
        assert (r.get('Content-Type') or '').startswith('text/plain')
        r = d.get('/htbin/hello.sh')
        assert_status(r, 200)
        assert r.body == b'hello', r


def test_cgi_missing_script_is_404():
    with Daemon(FILES) as d:
        for t in ('/cgi-bin/missing.sh', '/cgi-bin/nope/x.sh'):
            r = d.get(t)
            assert_status(r, 404)


def test_cgi_runs_from_a_docroot_under_tmp():
    """Daemon() docroots live under /tmp: the jail's private /tmp must
    not hide them (DESIGN: Decisions)."""
    with Daemon(FILES) as d:
        assert d.docroot.startswith('/tmp/')
        assert os.path.isdir(d.docroot)
        r = d.get('/cgi-bin/sub/deep.sh')
        assert_status(r, 200)
        assert r.body == b'hello'


def test_in_tree_links_to_files_are_followed():
    """A relative link inside the tree to a static file serves the file,
    and a link to a script runs it with an empty PATH_INFO (the resolver
    once added a '/' per link: 404 for the file, PATH_INFO "/")."""
    files = dict(FILES)
    files['docs/page.txt'] = 'the page\n'
    files['page-link.txt'] = Symlink('docs/page.txt')
    files['docs/chain.txt'] = Symlink('../page-link.txt')
    files['cgi-bin/pi.sh'] = ('#!/bin/sh\nprintf "Content-Type: text/plain'
                              '\\n\\nPI=[%s]" "$PATH_INFO"\n', 0o755)
    files['cgi-bin/pilink'] = Symlink('pi.sh')
    with Daemon(files) as d:
        for t in ('/page-link.txt', '/docs/chain.txt'):
            r = d.get(t)
            assert_status(r, 200)
            assert r.body == b'the page\n', (t, r)
        r = d.get('/cgi-bin/pilink')
        assert_status(r, 200)
        assert r.body == b'PI=[]', r
        r = d.get('/cgi-bin/pilink/x')
        assert r.body == b'PI=[/x]', r
