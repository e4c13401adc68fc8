# SPDX-License-Identifier: ISC
"""
test_app_man2html: man2html (Debian's package unmodified) with
examples/man2html.conf renders a manual page the test puts in the
example's own man directory (cgijail.8, mdoc), and one of the system's.
"""

import os
import shutil

from app_common import App, ensure_packages
from cgijail_test import REPO, assert_status

TIMEOUT = 120
URL = '/cgi-bin/man/man2html'


def test_man2html_renders_a_page():
    ensure_packages('man2html')
    with App('man2html') as app:
        shutil.copy(os.path.join(REPO, 'man', 'cgijail.8'),
                    os.path.join(app.dir, 'man', 'man8', 'cgijail.8'))
        with app.daemon() as d:
            r = d.get(URL + '?cgijail+8')
            assert_status(r, 200)
            assert r.get('Content-Type', '').startswith('text/html')
            assert b'<TITLE>Man page of CGIJAIL</TITLE>' in r.body, \
                r.body[:1000]
            assert b'sandboxed CGI web server' in r.body
            assert b'<H2>SYNOPSIS</H2>' in r.body
            # a compressed system page, through gzip
            if os.path.exists('/usr/share/man/man1/ls.1.gz'):
                r = d.get(URL + '?ls+1')
                assert_status(r, 200)
                assert b'Man page of LS' in r.body, r.body[:1000]
            r = d.get(URL + '?no-such-page-here')
            assert_status(r, 404)     # man2html's own Status
            assert b'no-such-page-here' in r.body
