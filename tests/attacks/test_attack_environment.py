# SPDX-License-Identifier: ISC
"""
test_attack_environment: request headers that try to become something
else in the script's environment: httpoxy (CVE-2016-5385), Shellshock
(CVE-2014-6271, -7169, -6278) into a bash script, '_' and '-' collisions,
meta-variables shadowed by headers, Authorization leaking, and argv
injection from the query (CVE-2012-1823).
"""

import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from attack_common import (Controls, Daemon, assert_no_leak,  # noqa: E402
                           files, script)

# the environment exactly as execve gave it, argv, and what bash made of
# the function-looking values (declare -F: no function may exist)
ENV_SH = script(r"""printf 'Content-Type: application/octet-stream\n\n'
cat /proc/$$/environ
printf '\n--\nargc=%d\n' $#
for a; do printf 'arg=[%s]\n' "$a"; done
printf 'functions=[%s]\n' "$(declare -F)"
""", '/bin/bash')

SHELLSHOCK = [
    ('User-Agent', '() { :;}; echo VU""LN'),
    ('Cookie', '() { :;}; echo VU""LN'),
    ('Referer', '() { _; } >_[$($())] { echo VU""LN; }'),
    ('Accept-Language', '() { (a)=>\\'),
    ('X-Fn', '() { :; }; /usr/bin/id'),
]

# a name with '_' is never passed on: its value says where it came from
SHADOWS = [
    ('Proxy', 'http://attacker.example:3128/'),
    ('X-Foo_Bar', 'UNDERSCORE-xfoobar'),
    ('X-Foo-Bar', 'good'),
    ('X_Only', 'UNDERSCORE-xonly'),
    ('Content_Length', '999999'),
    ('Content_Type', 'UNDERSCORE-ctype'),
    ('Content-Type', 'text/plain'),
    ('Remote-User', 'admin'),
    ('Remote_User', 'UNDERSCORE-ruser'),
    ('Auth-Type', 'Basic'),
    ('Auth_Type', 'UNDERSCORE-atype'),
    ('Authorization', 'Basic YWRtaW46c2VjcmV0'),
    ('Proxy-Authorization', 'Basic YWRtaW46c2VjcmV0'),
    ('Path', '/tmp/evil'),
    ('Https', 'on'),
    ('Script-Name', '/evil'),
    ('Script_Filename', 'UNDERSCORE-sfn'),
    ('Ld-Preload', '/tmp/evil.so'),
    ('Ld_Preload', 'UNDERSCORE-ldp'),
    ('Gateway-Interface', 'evil'),
    ('Transfer_Encoding', 'UNDERSCORE-te'),
    ('Redirect-Status', '500'),
]


def _env(body):
    """(environ dict, tail text) from ENV_SH's answer."""
    envpart, _, tail = body.partition(b'\n--\n')
    env = {}
    for item in envpart.split(b'\0'):
        if item:
            k, sep, v = item.partition(b'=')
            assert sep, item
            assert k not in env, 'variable %r twice' % k
            env[k.decode()] = v.decode('latin-1')
    return env, tail.decode('latin-1')


def _run(d, method, target, headers, body=None):
    r = d.http(method, target, headers, body)
    assert r.status == 200, r
    assert_no_leak(r.body, target)
    return _env(r.body)


def test_environment_httpoxy_and_header_shadowing():
    with Daemon(files({'cgi-bin/env.sh': ENV_SH})) as d, Controls(d):
        env, _ = _run(d, 'POST', '/cgi-bin/env.sh', SHADOWS, b'abc')
        want = {
            'CONTENT_LENGTH': '3', 'CONTENT_TYPE': 'text/plain',
            'PATH': '/usr/local/bin:/usr/bin:/bin',
            'SCRIPT_NAME': '/cgi-bin/env.sh',
            'SCRIPT_FILENAME': d.path('cgi-bin/env.sh'),
            'GATEWAY_INTERFACE': 'CGI/1.1', 'REDIRECT_STATUS': '200',
            'HTTP_X_FOO_BAR': 'good',
        }
        bad = ['%s=%r, expected %r' % (k, env.get(k), v)
               for k, v in want.items() if env.get(k) != v]
        for k in ('HTTP_PROXY', 'HTTP_AUTHORIZATION',
                  'HTTP_PROXY_AUTHORIZATION', 'HTTP_X_ONLY', 'REMOTE_USER',
                  'AUTH_TYPE', 'HTTPS', 'LD_PRELOAD', 'HTTP_CONTENT_LENGTH',
                  'HTTP_CONTENT_TYPE', 'HTTP_TRANSFER_ENCODING',
                  'HTTP_LD_PRELOAD_', 'HTTP_REMOTE_USER_',
                  'HTTP_SCRIPT_FILENAME', 'HTTP_AUTH_TYPE_'):
            if k in env:
                bad.append('%s present: %r' % (k, env[k]))
        # no value of a header spelled with '_' got through anywhere
        for k, v in env.items():
            if 'UNDERSCORE-' in v or v == '999999' or \
                    'YWRtaW46c2VjcmV0' in v:
                bad.append('%s=%r came from a refused header' % (k, v))
        assert not bad, '\n'.join(bad)


def test_environment_shellshock_values_stay_data():
    with Daemon(files({'cgi-bin/env.sh': ENV_SH})) as d, Controls(d):
        env, tail = _run(d, 'GET', '/cgi-bin/env.sh', SHELLSHOCK)
        assert env['HTTP_USER_AGENT'] == SHELLSHOCK[0][1], env
        assert env['HTTP_COOKIE'] == SHELLSHOCK[1][1], env
        assert env['HTTP_REFERER'] == SHELLSHOCK[2][1], env
        assert env['HTTP_ACCEPT_LANGUAGE'] == SHELLSHOCK[3][1], env
        assert env['HTTP_X_FN'] == SHELLSHOCK[4][1], env
        # bash imported no function, ran nothing: "VULN" only as VU""LN
        assert 'functions=[]' in tail, tail
        assert not re.search(r'(?m)^VULN$', tail), tail
        assert 'uid=' not in tail, tail
        assert not any(k.startswith('BASH_FUNC') for k in env), env
    # the CVE-2014-7169 payload writes a file named "echo" in the cwd
    assert not os.path.exists(d.path('cgi-bin/echo'))


def test_environment_argv_injection_from_query():
    queries = ['-s', '-n', '-d+auto_prepend_file%3d/etc/passwd',
               '-d+allow_url_include%3d1+-d+auto_prepend_file%3dphp://input',
               'a+b+c', '--help', '-c+id', '%2dc+id']
    with Daemon(files({'cgi-bin/env.sh': ENV_SH})) as d, Controls(d):
        for q in queries:
            env, tail = _run(d, 'POST', '/cgi-bin/env.sh?' + q, [],
                             b'<?php system("id"); ?>')
            # argv holds only the script: "$#" counts the rest
            assert 'argc=0\n' in tail and 'arg=[' not in tail, (q, tail)
            assert env['QUERY_STRING'] == q, (q, env['QUERY_STRING'])
            assert 'uid=' not in tail, tail
