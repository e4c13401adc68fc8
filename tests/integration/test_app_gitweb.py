# SPDX-License-Identifier: ISC
"""
test_app_gitweb: gitweb (Perl, Debian's package unmodified) with
examples/gitweb.conf on a repository the test makes: the project list,
a commit view, and its static files.
"""

from app_common import App, ensure_packages, make_repo
from cgijail_test import assert_status

TIMEOUT = 120


def test_gitweb_project_list_and_commit():
    ensure_packages('gitweb', 'git', 'perl')
    with App('gitweb', extra_dirs=['git']) as app:
        _, head = make_repo(app.extra[0])
        with app.daemon() as d:
            r = d.get('/gitweb/')
            assert_status(r, 200)
            assert b'demo.git' in r.body, r.body[:3000]
            assert b'A demo repository made by the test' in r.body
            assert b'/static/gitweb.css' in r.body
            r = d.get('/gitweb/?p=demo.git;a=commit;h=%s' % head)
            assert_status(r, 200)
            assert b'Second commit: sandboxed and proud' in r.body, \
                r.body[:3000]
            assert b'The body of the second commit message.' in \
                r.body.replace(b'&nbsp;', b' '), r.body[:4000]
            assert head.encode() in r.body
            r = d.get('/gitweb/?p=demo.git;a=log')
            assert_status(r, 200)
            assert b'First commit: a README' in r.body
            r = d.get('/static/gitweb.css')
            assert_status(r, 200)
            assert r.get('Content-Type', '').startswith('text/css')
            warn = [ln for ln in d.log().splitlines()
                    if 'warning' in ln and 'cgi[' in ln]
            assert not warn, '\n'.join(warn)
