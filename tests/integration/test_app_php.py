# SPDX-License-Identifier: ISC
"""
test_app_php: PHP through Debian's php-cgi with examples/php.conf
(cgi-dir, interpreter, jail-bind, jail-bind-rw only) behaves like PHP: a
form by GET and by POST, cookies, a session that counts visits (its file
owned by nobody on disk), an upload in $_FILES, phpinfo() naming the
host's php.ini and every extension the host's php-cgi loads.
"""

import glob
import hashlib
import os
import re
import subprocess

from app_common import App, ensure_packages
from cgijail_test import assert_status

TIMEOUT = 120
NOBODY = 65534


def _app():
    ensure_packages('php-cgi')
    return App('php')


def _curl(d, *args):
    p = d.curl(*args)
    assert p.returncode == 0, (args, p.stderr)
    return p.stdout


def test_php_form_get_and_post():
    with _app() as app, app.daemon() as d:
        r = d.get('/php/form.php?name=Ada+%3Cb%3E')
        assert_status(r, 200)
        assert 'Hello, Ada &lt;b&gt;! (sent by GET)' in r.text, r.text
        assert 'name="viewport"' in r.text
        out = _curl(d, '-d', 'name=Grace&colour=green',
                    d.url('/php/form.php'))
        assert 'Hello, Grace! (sent by POST) Your colour: green.' in out, out
        r = d.get('/php/')      # no index.php: a directory is no script
        assert r.status in (403, 404), r


def test_php_cookie_round_trip():
    with _app() as app, app.daemon() as d:
        jar = os.path.join(app.tmp, 'jar')
        head = _curl(d, '-D', '-', '-o', '/dev/null', '-c', jar,
                     '-d', 'flavour=ginger nut', d.url('/php/cookie.php'))
        assert re.search(r'(?im)^set-cookie: flavour=ginger%20nut; .*'
                         r'path=/.*httponly', head), head
        out = _curl(d, '-b', jar, d.url('/php/cookie.php'))
        assert 'Your cookie says: ginger nut' in out, out


def test_php_session_counts_visits():
    with _app() as app, app.daemon() as d:
        jar = os.path.join(app.tmp, 'jar')
        seen = []
        for page in ('session.php', 'session.php', 'session2.php'):
            out = _curl(d, '-b', jar, '-c', jar, d.url('/php/' + page))
            m = re.search(r'<span id="visits">(\d+)</span>', out)
            assert m, out
            seen.append(int(m.group(1)))
        assert seen == [1, 2, 3], (seen, d.log_tail())
        out = _curl(d, '-b', jar, '-c', jar, '-d', 'name=Ada',
                    d.url('/php/session.php'))
        out = _curl(d, '-b', jar, d.url('/php/session2.php'))
        assert 'The session remembers: <strong id="name">Ada</strong>' \
            in out, out
        files = glob.glob(os.path.join(app.dir, 'sessions', 'sess_*'))
        assert len(files) == 1, files
        st = os.stat(files[0])
        assert (st.st_uid, st.st_gid) == (NOBODY, NOBODY), st
        with open(files[0]) as f:
            assert 'name|s:3:"Ada"' in f.read()
        assert 'PHP Warning' not in d.log(), d.log_tail()


def test_php_upload_in_files():
    with _app() as app, app.daemon() as d:
        data = os.urandom(200000)
        path = os.path.join(app.tmp, 'photo.bin')
        with open(path, 'wb') as f:
            f.write(data)
        out = _curl(d, '-F', 'file=@%s' % path, d.url('/php/upload.php'))
        want = 'photo.bin: %d bytes, sha256 <code>%s</code>' % (
            len(data), hashlib.sha256(data).hexdigest())
        assert want in out, out


def test_php_info_shows_host_ini_and_extensions():
    with _app() as app, app.daemon() as d:
        r = d.get('/php/info.php')
        assert_status(r, 200)
        ini = glob.glob('/etc/php/*/cgi/php.ini')
        assert ini, 'no php.ini for php-cgi on the host'
        m = re.search(r'Loaded Configuration File </td><td class="v">'
                      r'([^ <]+)', r.text)
        assert m and m.group(1) == ini[0], m and m.group(1)
        assert '/cgi/conf.d/20-ctype.ini' in r.text
        host = subprocess.run(['php-cgi', '-m'], capture_output=True,
                              text=True, timeout=30,
                              stdin=subprocess.DEVNULL).stdout
        mods = [ln.strip() for ln in host.splitlines()
                if ln.strip() and not ln.startswith('[')]
        assert len(mods) > 10 and 'PDO' in mods and 'iconv' in mods, mods
        missing = [m for m in mods if 'module_%s"' % m.lower().replace(' ', '+')
                   not in r.text.lower()]
        assert not missing, 'loaded on the host, not in the jail: %s' % (
            missing)


def test_php_sessions_in_debians_directory_fail_and_say_why():
    """The finding behind php.conf's session line: Debian's
    /var/lib/php/sessions (root, 1733) bound read-write is not writable
    (the idmapped bind does not map its owner), and PHP says so."""
    with _app() as app:
        lines = [ln for ln in app.config_lines()
                 if not ln.startswith('jail-bind-rw')]
        lines.append('jail-bind-rw /var/lib/php/sessions')
        conf = os.path.join(app.dir, 'debian-sessions.conf')
        with open(conf, 'w') as f:
            f.write('\n'.join(lines) + '\n')
        before = set(os.listdir('/var/lib/php/sessions'))
        with app.daemon(conf=conf) as d:
            r = d.get('/php/session.php')
            assert_status(r, 200)
            assert d.wait_log(r'session_start\(\).*Permission denied', 3), \
                d.log_tail()
        assert set(os.listdir('/var/lib/php/sessions')) == before
