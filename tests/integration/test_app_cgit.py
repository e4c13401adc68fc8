# SPDX-License-Identifier: ISC
"""
test_app_cgit: cgit, Debian's package unmodified, with examples/cgit.conf
(cgi-route, setenv, jail-bind only) on a repository the test makes: the
index, the summary and a commit page show the commits; a snapshot is a
valid tar.gz; cgit.css and the logo are served.
"""

import gzip
import io
import os
import tarfile

from app_common import App, ensure_packages, make_repo
from cgijail_test import assert_status

TIMEOUT = 120


def _app():
    ensure_packages('cgit', 'git')
    app = App('cgit', extra_dirs=['git'])
    os.makedirs(app.extra[0], exist_ok=True)
    make_repo(app.extra[0])
    return app


def test_cgit_index_summary_commit():
    with _app() as app, app.daemon() as d:
        r = d.get('/cgit/')
        assert_status(r, 200)
        assert b'demo.git' in r.body, r.body[:2000]
        assert b'A demo repository made by the test' in r.body
        assert b"href='/cgit-css/cgit.css'" in r.body
        r = d.get('/cgit/demo.git/')
        assert_status(r, 200)
        assert b'Second commit: sandboxed and proud' in r.body, r.body[:3000]
        assert b'First commit: a README' in r.body
        r = d.get('/cgit/demo.git/commit/')
        assert_status(r, 200)
        assert b'Second commit: sandboxed and proud' in r.body
        assert b'The body of the second commit message.' in r.body, \
            r.body[:4000]
        assert b'and a second line' in r.body   # the diff
        r = d.get('/cgit/demo.git/tree/README')
        assert_status(r, 200)
        assert b'hello from the first commit' in r.body
        # cgit wrote nothing to stderr: nothing it needed was missing
        assert 'cgi[' not in ''.join(
            ln for ln in d.log().splitlines(True) if 'warning' in ln), \
            d.log_tail()


def test_cgit_snapshot_is_a_tar_gz():
    with _app() as app, app.daemon() as d:
        r = d.get('/cgit/demo.git/snapshot/demo-main.tar.gz')
        assert_status(r, 200)
        assert r.body[:2] == b'\x1f\x8b', r.body[:40]
        with tarfile.open(fileobj=io.BytesIO(gzip.decompress(r.body))) as t:
            names = t.getnames()
            assert 'demo-main/README' in names, names
            data = t.extractfile('demo-main/README').read()
        assert data == b'hello from the first commit\nand a second line\n'


def test_cgit_css_and_logo_are_static_files():
    with _app() as app, app.daemon() as d:
        for path, ctype, src in (
                ('/cgit-css/cgit.css', 'text/css', 'cgit.css'),
                ('/cgit-css/cgit.png', 'image/png', 'cgit.png')):
            r = d.get(path)
            assert_status(r, 200)
            assert r.get('Content-Type', '').startswith(ctype), r.head()
            with open('/usr/share/cgit/' + src, 'rb') as f:
                assert r.body == f.read(), path
