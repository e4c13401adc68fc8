# SPDX-License-Identifier: ISC
"""
test_cgi_config: the CGI keywords of the config file.  `interpreter`
runs a readable script that has no #! line; `cgi-route` sends a whole
URL prefix to one script with the rest as PATH_INFO; `index` finds a
script for a CGI directory's own URL.
"""

import json

from cgijail_test import Daemon, assert_status

DUMP = r'''
import json, os, sys
keys = ('SCRIPT_NAME', 'PATH_INFO', 'PATH_TRANSLATED', 'QUERY_STRING',
        'REQUEST_URI', 'SCRIPT_FILENAME', 'REQUEST_METHOD')
sys.stdout.write('Content-Type: application/json\r\n\r\n' + json.dumps(
    {'env': {k: os.environ.get(k) for k in keys}, 'argv': sys.argv}))
'''


def _env(r):
    assert_status(r, 200)
    return json.loads(r.body)['env']


def test_interpreter_runs_script_without_shebang():
    files = {
        'index.html': 'x\n',
        'cgi-bin/plain.py': (DUMP, 0o644),      # no #!, not executable
        'cgi-bin/exec.py': ('#!/usr/bin/python3' + DUMP, 0o755),
        'cgi-bin/plain.sh': ('printf "Content-Type: text/plain\\n\\nsh"\n',
                             0o644),
    }
    with Daemon(files, config_lines=[
            'interpreter .py /usr/bin/python3']) as d:
        e = _env(d.get('/cgi-bin/plain.py/x?q=1'))
        assert e['SCRIPT_NAME'] == '/cgi-bin/plain.py', e
        assert e['PATH_INFO'] == '/x' and e['QUERY_STRING'] == 'q=1', e
        assert e['SCRIPT_FILENAME'] == d.docroot + '/cgi-bin/plain.py'
        r = d.get('/cgi-bin/plain.py')
        assert json.loads(r.body)['argv'] == [d.docroot +
                                             '/cgi-bin/plain.py']
        # an executable .py goes through the interpreter line too
        assert _env(d.get('/cgi-bin/exec.py'))['SCRIPT_NAME'] == \
            '/cgi-bin/exec.py'
        # no interpreter for .sh and not executable: refused, not shown
        r = d.get('/cgi-bin/plain.sh')
        assert r.status in (403, 500), r
        assert b'printf' not in r.body
    # without the line the same 0644 file is refused
    with Daemon(files) as d:
        r = d.get('/cgi-bin/plain.py')
        assert_status(r, 403)
        assert b'json' not in r.body


def test_cgi_route_prefix_to_one_script():
    files = {
        'index.html': 'x\n',
        'cgi-bin/front.py': '#!/usr/bin/python3' + DUMP,
        'apple.txt': 'apple\n',
    }
    with Daemon(files, config_lines=[
            'cgi-route /app /cgi-bin/front.py']) as d:
        cases = [
            ('/app/x/y', '/x/y', ''),
            ('/app/x/y?a=1', '/x/y', 'a=1'),
            ('/app/', '/', ''),
            ('/app', None, ''),
            ('/app/a%20b', '/a b', ''),
            ('/app//x/./y/../z', '/x/z', ''),
        ]
        bad = []
        for target, pi, q in cases:
            e = _env(d.get(target))
            if (e['SCRIPT_NAME'] != '/cgi-bin/front.py' or
                    e['PATH_INFO'] != pi or e['QUERY_STRING'] != q or
                    e['REQUEST_URI'] != target or
                    e['PATH_TRANSLATED'] != (d.docroot + pi if pi
                                             else None)):
                bad.append('%s: %r' % (target, e))
        assert not bad, '\n'.join(bad)
        # a prefix matches whole segments only
        r = d.get('/apple.txt')
        assert_status(r, 200)
        assert r.body == b'apple\n'
        assert_status(d.get('/apps/x'), 404)
        # POST reaches it with its body
        r = d.http('POST', '/app/form', [('Content-Type', 'text/plain')],
                   b'abc')
        e = _env(r)
        assert e['REQUEST_METHOD'] == 'POST' and e['PATH_INFO'] == '/form'


def test_index_script_for_cgi_dir():
    files = {
        'index.html': 'x\n',
        'cgi-bin/index.py': '#!/usr/bin/python3' + DUMP,
        'cgi-bin/sub/index.py': '#!/usr/bin/python3' + DUMP,
        'cgi-bin/empty/readme.txt': 'no index here\n',
    }
    with Daemon(files, config_lines=['index index.html index.py']) as d:
        e = _env(d.get('/cgi-bin/'))
        assert e['SCRIPT_NAME'] == '/cgi-bin/index.py', e
        assert e['PATH_INFO'] is None, e
        assert e['SCRIPT_FILENAME'] == d.docroot + '/cgi-bin/index.py'
        e = _env(d.get('/cgi-bin/?x=1'))
        assert e['QUERY_STRING'] == 'x=1', e
        e = _env(d.get('/cgi-bin/sub/'))
        assert e['SCRIPT_NAME'] == '/cgi-bin/sub/index.py', e
        # an index is a script like any other: never its source
        r = d.get('/cgi-bin/index.py')
        assert_status(r, 200)
        assert b'import' not in r.body
        # no index script: no listing either
        r = d.get('/cgi-bin/empty/')
        assert r.status in (403, 404), r
        assert b'readme' not in r.body
