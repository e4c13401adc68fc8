# SPDX-License-Identifier: ISC
"""
test_cgi_env: the request side of CGI/1.1 (RFC 3875 section 4.1).  A
script dumps the environment it was exec'd with (/proc/self/environ, so
the interpreter's own additions do not count), its argv and its body
length as JSON; every meta-variable is compared field by field with what
the request and the connection say it must be.
"""

import json
import socket

from cgijail_test import Daemon, Skip, assert_status, build_request

DUMP = r'''#!/usr/bin/python3
import hashlib, json, os, sys
try:
    with open('/proc/self/environ', 'rb') as f:
        raw = f.read().split(b'\0')
    env = dict(e.decode('utf-8', 'replace').split('=', 1)
               for e in raw if b'=' in e)
except OSError:
    env = dict(os.environ)
    env.pop('LC_CTYPE', None)
body = b''
if 'CONTENT_LENGTH' in os.environ:
    body = sys.stdin.buffer.read(int(os.environ['CONTENT_LENGTH']))
out = json.dumps({'env': env, 'argv': sys.argv, 'body_len': len(body),
                  'sha256': hashlib.sha256(body).hexdigest(),
                  'cwd': os.getcwd()})
sys.stdout.write('Content-Type: application/json\r\n\r\n' + out)
'''

ARGV_SH = '#!/bin/sh\nprintf "Content-Type: text/plain\\n\\n%s|%s" "$#" "$1"\n'

FILES = {
    'index.html': 'index\n',
    'cgi-bin/env.py': DUMP,
    'cgi-bin/argv.sh': ARGV_SH,
}

# set by cgijail itself only (it never authenticates), or never at all
NEVER = ('AUTH_TYPE', 'REMOTE_USER', 'REMOTE_IDENT', 'HTTPS', 'HTTP_PROXY',
         'HTTP_PROXY_AUTHORIZATION', 'HTTP_CONTENT_LENGTH',
         'HTTP_CONTENT_TYPE', 'HTTP_TRANSFER_ENCODING')


def _exchange(d, raw, timeout=10.0):
    """Send raw on a fresh connection; (response, client port)."""
    with d.connect(timeout) as c:
        port = c.sock.getsockname()[1]
        c.send(raw)
        method = raw.split(b' ', 1)[0].decode()
        r = c.read_response(method)
    return r, port


def _dump(d, raw):
    r, port = _exchange(d, raw)
    assert_status(r, 200)
    assert r.get('Content-Type') == 'application/json', r
    return json.loads(r.body), port


def _base(d, port, method, script, path_info, query, uri, proto, name,
          addr='127.0.0.1'):
    """The meta-variables every request gets, as RFC 3875 defines them."""
    env = {
        'GATEWAY_INTERFACE': 'CGI/1.1',
        'SERVER_SOFTWARE': 'cgijail/0.1',
        'SERVER_PROTOCOL': proto,
        'SERVER_NAME': name,
        'SERVER_PORT': str(d.port),
        'SERVER_ADDR': addr,
        'REMOTE_ADDR': addr,
        'REMOTE_HOST': addr,
        'REMOTE_PORT': str(port),
        'REQUEST_SCHEME': 'http',
        'REQUEST_METHOD': method,
        'SCRIPT_NAME': script,
        'SCRIPT_FILENAME': d.docroot + script,
        'DOCUMENT_ROOT': d.docroot,
        'QUERY_STRING': query,
        'REQUEST_URI': uri,
        'REDIRECT_STATUS': '200',
        'PATH': '/usr/local/bin:/usr/bin:/bin',
    }
    if path_info:
        env['PATH_INFO'] = path_info
        env['PATH_TRANSLATED'] = d.docroot + path_info
    return env


def _compare(got, want):
    """Field by field, every difference listed."""
    bad = []
    for k in sorted(set(got) | set(want)):
        if got.get(k) != want.get(k):
            bad.append('%s: got %r, want %r' % (k, got.get(k), want.get(k)))
    assert not bad, '\n'.join(bad)


def test_env_get_with_query_and_path_info():
    with Daemon(FILES) as d:
        uri = '/cgi-bin/env.py/a%20b/c?x=1&y=%41+b&-s'
        raw = (
            'GET %s HTTP/1.1\r\nHost: LocalHost:%d\r\n'
            'Authorization: Basic dXNlcjpwYXNz\r\n'
            'Proxy: http://evil.example:3128/\r\n'
            'Proxy-Authorization: Basic eA==\r\n'
            'X-Dup: one\r\nCookie: a=1\r\nx-dup: two\r\nCookie: b=2\r\n'
            'Content-Type: text/plain\r\n'
            'User-Agent: t/1\r\nConnection: close\r\n\r\n'
            % (uri, d.port)).encode()
        out, port = _dump(d, raw)
        want = _base(d, port, 'GET', '/cgi-bin/env.py', '/a b/c',
                     'x=1&y=%41+b&-s', uri, 'HTTP/1.1', 'localhost')
        want.update({
            'HTTP_HOST': 'LocalHost:%d' % d.port,
            'HTTP_X_DUP': 'one, two',
            'HTTP_COOKIE': 'a=1; b=2',
            'HTTP_USER_AGENT': 't/1',
            'HTTP_CONNECTION': 'close',
        })
        # no body: no CONTENT_LENGTH, and no CONTENT_TYPE to describe it
        _compare(out['env'], want)
        for k in NEVER + ('CONTENT_LENGTH', 'CONTENT_TYPE',
                          'HTTP_AUTHORIZATION'):
            assert k not in out['env'], k
        # a query without '=' is never argv (RFC 3875 4.4 "MAY")
        assert out['argv'] == [d.docroot + '/cgi-bin/env.py'], out['argv']
        assert out['cwd'] == d.docroot + '/cgi-bin', out['cwd']


def test_env_post_with_body():
    with Daemon(FILES) as d:
        body = b'name=value&x=' + b'y' * 3000
        raw = build_request('POST', '/cgi-bin/env.py?q', [
            ('Content-Type', 'application/x-www-form-urlencoded'),
            ('Connection', 'close')], body, '1.1', d.hostport)
        out, port = _dump(d, raw)
        want = _base(d, port, 'POST', '/cgi-bin/env.py', '', 'q',
                     '/cgi-bin/env.py?q', 'HTTP/1.1', '127.0.0.1')
        want.update({
            'CONTENT_LENGTH': str(len(body)),
            'CONTENT_TYPE': 'application/x-www-form-urlencoded',
            'HTTP_HOST': d.hostport,
            'HTTP_CONNECTION': 'close',
        })
        _compare(out['env'], want)
        assert out['body_len'] == len(body)


def test_env_post_empty_body_is_zero():
    with Daemon(FILES) as d:
        raw = (b'POST /cgi-bin/env.py HTTP/1.1\r\nHost: h\r\n'
               b'Content-Length: 0\r\nConnection: close\r\n\r\n')
        out, _ = _dump(d, raw)
        assert out['env'].get('CONTENT_LENGTH') == '0', out['env']
        assert 'CONTENT_TYPE' not in out['env']
        assert out['env']['QUERY_STRING'] == ''
        assert out['env']['SERVER_NAME'] == 'h'
        assert 'PATH_INFO' not in out['env']
        assert 'PATH_TRANSLATED' not in out['env']


def test_env_http10_without_host():
    with Daemon(FILES) as d:
        out, port = _dump(d, b'GET /cgi-bin/env.py HTTP/1.0\r\n\r\n')
        want = _base(d, port, 'GET', '/cgi-bin/env.py', '', '',
                     '/cgi-bin/env.py', 'HTTP/1.0', '127.0.0.1')
        _compare(out['env'], want)


def test_env_lying_host_port_and_head():
    with Daemon(FILES) as d:
        raw = (b'GET /cgi-bin/env.py/x HTTP/1.1\r\nHost: x:1\r\n'
               b'Connection: close\r\n\r\n')
        out, _ = _dump(d, raw)
        e = out['env']
        assert e['SERVER_NAME'] == 'x', e
        assert e['SERVER_PORT'] == str(d.port), e
        assert e['HTTP_HOST'] == 'x:1', e
        assert e['PATH_INFO'] == '/x' and \
            e['PATH_TRANSLATED'] == d.docroot + '/x', e
        # HEAD reaches the script as HEAD; the body never reaches us
        r, _ = _exchange(d, b'HEAD /cgi-bin/env.py HTTP/1.1\r\nHost: h\r\n'
                         b'Connection: close\r\n\r\n')
        assert_status(r, 200)
        assert r.body == b''


def test_env_absolute_form_host_is_the_targets():
    """RFC 9112 3.2.2: with an absolute-form target the Host field is
    ignored and the target's authority used: HTTP_HOST is it too, as
    SERVER_NAME already was (HTTP_HOST used to keep the Host sent)."""
    with Daemon(FILES) as d:
        for target, host, name in (
                ('http://target.example:81/cgi-bin/env.py?q=1',
                 'target.example:81', 'target.example'),
                ('http://Target.Example/cgi-bin/env.py', 'Target.Example',
                 'target.example'),
                ('https://[::1]:8443/cgi-bin/env.py', '[::1]:8443',
                 '[::1]')):
            raw = ('GET %s HTTP/1.1\r\nHost: other\r\n'
                   'Connection: close\r\n\r\n' % target).encode()
            out, _ = _dump(d, raw)
            e = out['env']
            assert e['HTTP_HOST'] == host, (target, e['HTTP_HOST'])
            assert e['SERVER_NAME'] == name, (target, e['SERVER_NAME'])


def test_env_pass_authorization_on():
    with Daemon(FILES, config_lines=['pass-authorization on']) as d:
        raw = (b'GET /cgi-bin/env.py HTTP/1.1\r\nHost: h\r\n'
               b'Authorization: Bearer abc.def\r\n'
               b'Proxy-Authorization: Basic eA==\r\nProxy: x\r\n'
               b'Connection: close\r\n\r\n')
        out, _ = _dump(d, raw)
        e = out['env']
        assert e.get('HTTP_AUTHORIZATION') == 'Bearer abc.def', e
        for k in NEVER:
            assert k not in e, k


def test_env_argv_is_only_the_script():
    """RFC 3875 4.4 lets a server pass a '='-less query as argv; we never
    do (php-cgi's "?-s" source disclosure)."""
    with Daemon(FILES) as d:
        for q in ('-s', '-d+allow_url_include%3d1', 'a+b+c', ''):
            target = '/cgi-bin/argv.sh' + ('?' + q if q else '')
            r = d.get(target)
            assert_status(r, 200)
            assert r.body == b'0|', (q, r.body)
        out, _ = _dump(d, b'GET /cgi-bin/env.py?-s HTTP/1.0\r\n\r\n')
        assert out['argv'] == [d.docroot + '/cgi-bin/env.py']
        assert out['env']['QUERY_STRING'] == '-s'


def test_env_path_info_decoding():
    with Daemon(FILES) as d:
        cases = [
            ('/cgi-bin/env.py/a%20b/c', '/a b/c'),
            ('/cgi-bin/env.py/', '/'),
            ('/cgi-bin/env.py/%7Euser/x.html', '/~user/x.html'),
            ('/cgi-bin/env.py/a/./b/../c', '/a/c'),
            ('/cgi-bin/env.py/caf%C3%A9', '/caf\u00e9'),
        ]
        bad = []
        for target, pi in cases:
            raw = ('GET %s HTTP/1.0\r\n\r\n' % target).encode()
            out, _ = _dump(d, raw)
            e = out['env']
            if e.get('PATH_INFO') != pi or \
                    e.get('PATH_TRANSLATED') != d.docroot + pi or \
                    e.get('REQUEST_URI') != target:
                bad.append('%s: %r %r %r' % (target, e.get('PATH_INFO'),
                                             e.get('PATH_TRANSLATED'),
                                             e.get('REQUEST_URI')))
        assert not bad, '\n'.join(bad)


def _need_ipv6():
    try:
        s = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
        s.bind(('::1', 0))
        s.close()
    except OSError as e:
        raise Skip('no IPv6 loopback: %s' % e)


def test_env_ipv6_peer():
    _need_ipv6()
    with Daemon(FILES, bind='::1') as d:
        raw = build_request('POST', '/cgi-bin/env.py/p?a=b', [
            ('Content-Type', 'text/plain'), ('Connection', 'close')],
            b'hello', '1.1', d.hostport)
        out, port = _dump(d, raw)
        want = _base(d, port, 'POST', '/cgi-bin/env.py', '/p', 'a=b',
                     '/cgi-bin/env.py/p?a=b', 'HTTP/1.1', '[::1]',
                     addr='::1')
        want.update({'CONTENT_LENGTH': '5', 'CONTENT_TYPE': 'text/plain',
                     'HTTP_HOST': d.hostport, 'HTTP_CONNECTION': 'close'})
        _compare(out['env'], want)
        # no Host: the server's own address, as RFC 3875 4.1.14 writes
        # an IPv6 server-name: in brackets
        out, _ = _dump(d, b'GET /cgi-bin/env.py HTTP/1.0\r\n\r\n')
        assert out['env']['SERVER_NAME'] == '[::1]', out['env']
