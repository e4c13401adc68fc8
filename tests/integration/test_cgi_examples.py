# SPDX-License-Identifier: ISC
"""
test_cgi_examples: the example scripts shipped in cgi-bin/ (the classic
CGI tutorial's forms, cookies, upload and download, in Python 3 without
the removed cgi module), copied into a test docroot and driven with curl
the way a reader of the tutorial would.
"""

import hashlib
import os

from cgijail_test import REPO, Daemon

SHIPPED = ('hello.sh', 'hello.py', 'env.py', 'hello.pl', 'hello_get.py',
           'checkbox.py', 'radio.py', 'textarea.py', 'dropdown.py',
           'cookie_set.py', 'cookie_get.py', 'upload.py', 'download.py')


def _files():
    files = {'index.html': 'index\n'}
    for name in SHIPPED + ('hello-c',):
        path = os.path.join(REPO, 'cgi-bin', name)
        if name == 'hello-c' and not os.path.exists(path):
            continue        # built by make all
        with open(path, 'rb') as f:
            files['cgi-bin/' + name] = (f.read(), 0o755)
    return files


def _curl(d, *args):
    p = d.curl(*args)
    assert p.returncode == 0, (args, p.returncode, p.stderr)
    return p.stdout


def test_examples_are_python3_without_cgi_module():
    for name in SHIPPED:
        if not name.endswith('.py'):
            continue
        with open(os.path.join(REPO, 'cgi-bin', name)) as f:
            src = f.read()
        assert src.startswith('#!/usr/bin/python3\n'), name
        assert 'import cgi\n' not in src and 'from cgi ' not in src, name
        assert 'cgitb' not in src, name
        compile(src, name, 'exec')


def test_original_examples_still_run():
    with Daemon(_files()) as d:
        assert 'Hello from /bin/sh' in _curl(d, d.url('/cgi-bin/hello.sh'))
        assert 'Hello from Perl' in _curl(d, d.url('/cgi-bin/hello.pl?x=y'))
        out = _curl(d, d.url('/cgi-bin/env.py?a=1'))
        assert 'QUERY_STRING=a=1' in out and 'GATEWAY_INTERFACE=CGI/1.1' in out
        out = _curl(d, '-d', 'first_name=A&last_name=B',
                    d.url('/cgi-bin/hello.py'))
        assert '<h2>Hello A B</h2>' in out, out
        if os.path.exists(d.path('cgi-bin/hello-c')):
            out = _curl(d, d.url('/cgi-bin/hello-c?abc'))
            assert 'Hello from C. QUERY_STRING has 3 bytes.' in out, out


def test_hello_get_by_get_and_post():
    with Daemon(_files()) as d:
        out = _curl(d, d.url('/cgi-bin/hello_get.py?first_name=Ada&'
                             'last_name=Lovelace'))
        assert '<h2>Hello Ada Lovelace</h2>' in out, out
        out = _curl(d, '--data-urlencode', 'first_name=Grace',
                    '--data-urlencode', 'last_name=<b>Hopper</b>',
                    d.url('/cgi-bin/hello_get.py'))
        assert '<h2>Hello Grace &lt;b&gt;Hopper&lt;/b&gt;</h2>' in out, out
        out = _curl(d, d.url('/cgi-bin/hello_get.py'))
        assert '<form' in out and '<h2>' not in out


def test_checkbox_radio_textarea_dropdown():
    with Daemon(_files()) as d:
        out = _curl(d, '-d', 'maths=on', d.url('/cgi-bin/checkbox.py'))
        assert 'CheckBox Maths is : ON' in out, out
        assert 'CheckBox Physics is : OFF' in out
        out = _curl(d, '-d', 'maths=on&physics=on',
                    d.url('/cgi-bin/checkbox.py'))
        assert 'CheckBox Physics is : ON' in out
        out = _curl(d, '-d', 'subject=physics', d.url('/cgi-bin/radio.py'))
        assert 'Selected Subject is physics' in out, out
        out = _curl(d, d.url('/cgi-bin/radio.py'))
        assert 'Not set' in out
        out = _curl(d, '--data-urlencode',
                    'textcontent=line 1\n<script>x</script>',
                    d.url('/cgi-bin/textarea.py'))
        assert 'line 1\n&lt;script&gt;x&lt;/script&gt;' in out, out
        assert '<script>' not in out
        out = _curl(d, '-d', 'dropdown=Physics',
                    d.url('/cgi-bin/dropdown.py'))
        assert 'Selected Subject is Physics' in out, out
        out = _curl(d, d.url('/cgi-bin/dropdown.py?dropdown=Maths'))
        assert 'Selected Subject is Maths' in out, out


def test_cookies_set_then_get():
    with Daemon(_files()) as d:
        jar = os.path.join(d.tmp, 'cookies.txt')
        head = _curl(d, '-s', '-D', '-', '-o', '/dev/null', '-c', jar,
                     d.url('/cgi-bin/cookie_set.py'))
        cookies = [ln.split(':', 1)[1].strip() for ln in head.splitlines()
                   if ln.lower().startswith('set-cookie:')]
        assert len(cookies) == 2, head
        assert cookies[0].startswith('Theme=dark;'), cookies
        assert cookies[1].startswith('UserID=XYZ;'), cookies
        for c in cookies:
            assert 'HttpOnly' in c and 'Path=/' in c, c
        out = _curl(d, '-b', jar, d.url('/cgi-bin/cookie_get.py'))
        assert '<li>Theme = dark</li>' in out, out
        assert '<li>UserID = XYZ</li>' in out, out
        out = _curl(d, '-H', 'Cookie: a=<x>; b="2"',
                    d.url('/cgi-bin/cookie_get.py'))
        assert '<li>a = &lt;x&gt;</li>' in out, out
        out = _curl(d, d.url('/cgi-bin/cookie_get.py'))
        assert 'No cookies' in out


def test_upload_reports_name_size_sha256():
    with Daemon(_files()) as d:
        data = os.urandom(300000) + b'\r\n--boundary-ish\r\n'
        path = os.path.join(d.tmp, 'up load.bin')
        with open(path, 'wb') as f:
            f.write(data)
        out = _curl(d, '-F', 'filename=@%s' % path,
                    d.url('/cgi-bin/upload.py'))
        want = '<li>up load.bin: %d bytes, sha256 %s</li>' % (
            len(data), hashlib.sha256(data).hexdigest())
        assert want in out, out
        # a hostile file name is shown escaped, without its directories
        out = _curl(d, '-F', 'filename=@%s;filename=../../<b>x.txt' % path,
                    d.url('/cgi-bin/upload.py'))
        assert '<li>&lt;b&gt;x.txt: %d bytes' % len(data) in out, out
        # not multipart: 400 from the script's Status
        code = _curl(d, '-o', '/dev/null', '-w', '%{http_code}', '-d', 'x=1',
                     d.url('/cgi-bin/upload.py'))
        assert code == '400', code
        out = _curl(d, d.url('/cgi-bin/upload.py'))
        assert 'multipart/form-data' in out


def test_download_is_an_attachment():
    with Daemon(_files()) as d:
        head = _curl(d, '-s', '-D', '-', '-o', '/dev/null',
                     d.url('/cgi-bin/download.py'))
        assert 'Content-Disposition: attachment; filename="hello.txt"' \
            in head, head
        out_dir = os.path.join(d.tmp, 'dl')
        os.mkdir(out_dir)
        _curl(d, '--output-dir', out_dir, '-O', '-J',
              d.url('/cgi-bin/download.py'))
        with open(os.path.join(out_dir, 'hello.txt'), 'rb') as f:
            assert f.read() == (b'This file was made by download.py.\n'
                                b'Line two.\n')
