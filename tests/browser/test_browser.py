# SPDX-License-Identifier: ISC
"""
test_browser: a real browser (Debian's chromium, headless, driven through
the DevTools protocol, cdp.py) on a phone-sized screen walks the example
pages served by cgijail: the index, a form by GET and by POST, an upload,
a redirect set by a script, a cookie set by one script and read by
another, a PHP session across two pages; then cgijail's own pages (error
pages, a directory listing, a --debug page).  Each step is saved as a
PNG in build/test-output/browser/ and checked for what a person sees: a
chosen font (not the browser's default Times), a viewport, no sideways
scrolling.
"""

import os
import shutil
import sys

from cgijail_test import REPO, Daemon, Skip, assert_status

sys.path.insert(0, os.path.join(REPO, 'tests', 'integration'))
from app_common import App, ensure_packages     # noqa: E402
import cdp                                      # noqa: E402

TIMEOUT = 120
OUT = os.environ.get('CGIJAIL_BROWSER_OUT',
                     os.path.join(REPO, 'build', 'test-output', 'browser'))


def _browser():
    try:
        ensure_packages('chromium')
    except Skip as e:
        raise Skip('no browser test: Debian\'s chromium cannot be '
                   'installed here (%s)' % e)
    if not os.access(cdp.CHROMIUM, os.X_OK):
        raise Skip('no browser test: %s is missing' % cdp.CHROMIUM)
    os.makedirs(OUT, exist_ok=True)
    return cdp.Browser(os.path.join(OUT, 'chromium.log'))


def _site(app):
    """The php example's document root, plus the repository's own
    examples (index.html, style.css, cgi-bin/) and a directory to list."""
    for name in ('index.html', 'style.css'):
        shutil.copy(os.path.join(REPO, name), os.path.join(app.www, name))
    shutil.copytree(os.path.join(REPO, 'cgi-bin'),
                    os.path.join(app.www, 'cgi-bin'),
                    ignore=shutil.ignore_patterns('*.c'))
    files = os.path.join(app.www, 'files')
    os.mkdir(files, 0o755)
    for name, data in (('notes.txt', 'notes\n'), ('report-2026.csv',
                                                   'a,b\n1,2\n')):
        with open(os.path.join(files, name), 'w') as f:
            f.write(data)
    os.mkdir(os.path.join(files, 'archive'), 0o755)
    conf = app.config_lines() + ['cgi-dir /cgi-bin', 'autoindex on']
    path = os.path.join(app.dir, 'browser.conf')
    with open(path, 'w') as f:
        f.write('\n'.join(conf) + '\n')
    return path


def _shot(page, name, want_in_text=None):
    """Save the screen as OUT/name.png and check how it looks."""
    path = os.path.join(OUT, name + '.png')
    assert page.screenshot(path) > 1000, path
    look = page.looks()
    text = page.text()
    assert 'Times' not in look['font'] and 'sans-serif' in look['font'], (
        name, look)
    assert look['viewport'], (name, 'no viewport meta')
    assert not look['overflow'], (name, 'wider than a phone screen')
    if want_in_text:
        assert want_in_text in text, (name, text[:800])
    return text


def test_browser_walks_the_examples():
    ensure_packages('php-cgi')
    with App('php') as app:
        conf = _site(app)
        with app.daemon(conf=conf) as d, _browser() as b:
            p = b.page()
            p.goto(d.url('/'))
            _shot(p, '01-index', 'cgijail is running')
            # a form by GET, from the index page
            p.type('#first_name', 'Grace')
            p.type('#last_name', 'Hopper')
            p.click('input[type=submit]')
            assert 'hello_get.py?first_name=Grace&last_name=Hopper' in \
                p.url(), p.url()
            _shot(p, '02-form-get', 'Hello Grace Hopper')
            # the same script's form, by POST
            p.type('#first_name', 'Ada')
            p.type('#last_name', 'Lovelace')
            p.click('input[type=submit]')
            assert p.url().endswith('/cgi-bin/hello_get.py'), p.url()
            _shot(p, '03-form-post', 'Hello Ada Lovelace')
            # an upload
            up = os.path.join(app.tmp, 'hello-upload.txt')
            with open(up, 'w') as f:
                f.write('uploaded by chromium\n')
            p.goto(d.url('/cgi-bin/upload.py'))
            p.set_file('#filename', up)
            p.click('input[type=submit]')
            _shot(p, '04-upload', 'hello-upload.txt: 21 bytes, sha256')
            # a redirect set by a script (303 after a POST)
            p.goto(d.url('/cgi-bin/redirect.py'))
            p.type('#first_name', 'Katherine')
            p.click('input[type=submit]')
            assert 'hello_get.py?first_name=Katherine' in p.url(), p.url()
            _shot(p, '05-redirect', 'Hello Katherine (redirected)')
            # a cookie set by one script, read back by another
            p.goto(d.url('/cgi-bin/cookie_set.py'))
            p.click('a[href="cookie_get.py"]')
            text = _shot(p, '06-cookies', 'Theme = dark')
            assert 'UserID = XYZ' in text, text
            # a PHP session across two pages
            p.goto(d.url('/php/session.php'))
            p.type('#name', 'Hedy')
            p.click('input[type=submit]')
            _shot(p, '07-php-session', 'Visits in this session: 2')
            p.click('a[href="session2.php"]')
            _shot(p, '08-php-session-page2',
                  'The session remembers: Hedy. Visits: 3')
            cookies = p.call('Network.getCookies')['cookies']
            assert any(c['name'] == 'PHPSESSID' for c in cookies), cookies
            r = d.get('/cgi-bin/hello.sh')
            assert_status(r, 200)


def test_browser_sees_cgijails_own_pages():
    files = {'index.html': 'x\n',
             'cgi-bin/fails.sh': '#!/bin/sh\necho "it went wrong" >&2\n'
                                 'exit 3\n',
             'files/a-file.txt': 'a\n', 'files/sub/b.txt': 'b\n'}
    with Daemon(files, config_lines=['autoindex on']) as d, \
            _browser() as b:
        p = b.page()
        p.goto(d.url('/no/such/page'))
        text = _shot(p, '09-error-404', 'There is nothing at this address')
        assert 'cgijail request id' in text, text
        p.goto(d.url('/cgi-bin/fails.sh'))
        text = _shot(p, '10-error-500', '500 Internal Server Error')
        assert 'it went wrong' not in text, text     # no stderr, no paths
        assert d.tmp not in text, text
        p.goto(d.url('/files/'))
        text = _shot(p, '11-listing', 'Index of /files/')
        assert 'a-file.txt' in text and 'sub/' in text, text
    with Daemon(files, args=['--debug']) as d, _browser() as b:
        p = b.page()
        p.goto(d.url('/cgi-bin/fails.sh'))
        text = _shot(p, '12-debug-500', 'it went wrong')
        assert 'cgijail request id' in text, text
