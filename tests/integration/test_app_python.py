# SPDX-License-Identifier: ISC
"""
test_app_python: the Python examples of cgi-bin/ use only what survives
Python 3.13 (no cgi, no cgitb): each runs on the host with
-W error::DeprecationWarning and with stand-in cgi and cgitb modules
that fail to import, as they do once removed; then through cgijail with
PYTHONWARNINGS=error::DeprecationWarning set by a setenv line.
"""

import glob
import os
import re
import subprocess
import tempfile

from cgijail_test import REPO, Daemon, assert_status

CGI_BIN = os.path.join(REPO, 'cgi-bin')
SCRIPTS = sorted(os.path.basename(p)
                 for p in glob.glob(os.path.join(CGI_BIN, '*.py')))
GONE = 'raise ImportError("removed in Python 3.13 (PEP 594)")\n'
BOUNDARY = 'xYzBoundary'
MULTIPART = ('--%s\r\nContent-Disposition: form-data; name="filename"; '
             'filename="a.txt"\r\nContent-Type: text/plain\r\n\r\nhello\r\n'
             '--%s--\r\n' % (BOUNDARY, BOUNDARY)).encode()


def _env(method, body=b'', ctype='application/x-www-form-urlencoded',
         query='first_name=Ada&last_name=Lovelace&subject=maths'):
    env = {'PATH': '/usr/bin:/bin', 'GATEWAY_INTERFACE': 'CGI/1.1',
           'REQUEST_METHOD': method, 'QUERY_STRING': query,
           'SERVER_NAME': 'localhost', 'HTTP_HOST': 'localhost',
           'SERVER_PROTOCOL': 'HTTP/1.1', 'HTTP_COOKIE': 'UserID=XYZ'}
    if method == 'POST':
        env['CONTENT_LENGTH'] = str(len(body))
        env['CONTENT_TYPE'] = ctype
    return env


def test_python_examples_do_not_import_cgi():
    assert len(SCRIPTS) >= 10, SCRIPTS
    for name in SCRIPTS:
        with open(os.path.join(CGI_BIN, name)) as f:
            src = f.read()
        assert not re.search(r'^\s*(import|from)\s+cgi(tb)?\b', src, re.M), \
            name


def test_python_examples_run_without_cgi_and_warnings():
    """Each script, by GET and by POST, with every deprecation an error
    and the cgi modules gone: exit 0, a CGI head, nothing on stderr."""
    with tempfile.TemporaryDirectory(prefix='cgijail-nocgi-') as gone:
        for mod in ('cgi.py', 'cgitb.py'):
            with open(os.path.join(gone, mod), 'w') as f:
                f.write(GONE)
        bad = []
        for name in SCRIPTS:
            runs = [('GET', b'', None),
                    ('POST', b'first_name=Grace&maths=on', None)]
            if name == 'upload.py':
                runs.append(('POST', MULTIPART,
                             'multipart/form-data; boundary=' + BOUNDARY))
            for method, body, ctype in runs:
                env = _env(method, body, *(ctype,) if ctype else ())
                env['PYTHONPATH'] = gone
                p = subprocess.run(
                    ['python3', '-W', 'error::DeprecationWarning',
                     '-W', 'error::PendingDeprecationWarning',
                     os.path.join(CGI_BIN, name)], input=body, env=env,
                    capture_output=True, timeout=30)
                head = p.stdout.split(b'\n', 1)[0]
                if (p.returncode != 0 or p.stderr or
                        not re.match(rb'^(Content-Type|Status|Set-Cookie)'
                                     rb':', head, re.I)):
                    bad.append('%s %s: exit %d, %r, stderr %r' % (
                        name, method, p.returncode, p.stdout[:80],
                        p.stderr[-300:]))
        assert not bad, '\n'.join(bad)


def test_python_examples_in_cgijail_with_warnings_as_errors():
    files = {'cgi-bin/' + n: (open(os.path.join(CGI_BIN, n), 'rb').read(),
                              0o755) for n in SCRIPTS}
    conf = ['setenv PYTHONWARNINGS error::DeprecationWarning']
    with Daemon(files, config_lines=conf) as d:
        for name in SCRIPTS:
            r = d.get('/cgi-bin/%s?first_name=Ada' % name)
            assert_status(r, 200)
        r = d.http('POST', '/cgi-bin/upload.py',
                   {'Content-Type': 'multipart/form-data; boundary=' +
                    BOUNDARY}, MULTIPART)
        assert_status(r, 200)
        assert b'<li>a.txt: 5 bytes, sha256 2cf24dba' in r.body, r.body
        r = d.http('POST', '/cgi-bin/redirect.py',
                   {'Content-Type': 'application/x-www-form-urlencoded',
                    'Host': 'example.test'}, b'first_name=Grace')
        assert_status(r, 303)
        assert r.get('Location') == (
            'http://example.test/cgi-bin/hello_get.py?first_name=Grace&'
            'last_name=%28redirected%29'), r.head()
        r = d.get('/cgi-bin/env.py')
        assert b'PYTHONWARNINGS=error::DeprecationWarning' in r.body
        warn = [ln for ln in d.log().splitlines() if 'cgi[' in ln and
                'warning' in ln]
        assert not warn, '\n'.join(warn)
