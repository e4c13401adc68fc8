# SPDX-License-Identifier: ISC
"""
test_sandbox_environment: the environment a script gets is built by the
executor from typed fields: the CGI meta-variables, HTTP_* from request
headers, PATH and config setenv lines.  Nothing from the daemon's own
environment gets through, however it is named.
"""

import ast
import random

from cgijail_test import Daemon, assert_status, assert_still_serving, fixture


META = {
    'AUTH_TYPE', 'CONTENT_LENGTH', 'CONTENT_TYPE', 'DOCUMENT_ROOT',
    'GATEWAY_INTERFACE', 'HTTPS', 'PATH_INFO', 'PATH_TRANSLATED',
    'QUERY_STRING', 'REDIRECT_STATUS', 'REMOTE_ADDR', 'REMOTE_HOST',
    'REMOTE_IDENT', 'REMOTE_PORT', 'REMOTE_USER', 'REQUEST_METHOD',
    'REQUEST_SCHEME', 'REQUEST_URI', 'SCRIPT_FILENAME', 'SCRIPT_NAME',
    'SERVER_ADDR', 'SERVER_NAME', 'SERVER_PORT', 'SERVER_PROTOCOL',
    'SERVER_SOFTWARE', 'PATH',
}


def script_env(r):
    assert_status(r, 200)
    env = {}
    for line in r.text.splitlines():
        if not line:
            continue
        k, _, v = line.partition('=')
        env[ast.literal_eval(k).decode()] = ast.literal_eval(v).decode()
    return env


def test_daemon_environment_never_reaches_a_script():
    canary = 'canary-%08x' % random.randrange(1 << 32)
    daemon_env = {
        'CGIJAIL_CANARY': canary,
        # names a careless server might pass along or a shell would obey
        'BASH_ENV': '/' + canary,
        'ENV': '/' + canary,
        'PYTHONSTARTUP': '/' + canary,
        'PERL5OPT': '-M' + canary,
        'HTTP_X_SMUGGLED': canary,
        'SERVER_SOFTWARE': canary,
        'TZ': canary,
    }
    files = {'cgi-bin/env.py': fixture('env.py'),
             'cgi-bin/ok.sh': fixture('ok.sh')}
    with Daemon(files, config_lines=['setenv GREETING hello world'],
                env=daemon_env) as d:
        r = d.http('POST', '/cgi-bin/env.py/extra/path?a=1',
                   headers=[('X-Test', 'yes'),
                            ('Content-Type', 'text/plain')],
                   body='body')
        env = script_env(r)
        assert canary not in r.text, r.text
        # the meta-variables are there and are the real ones
        assert env.get('GATEWAY_INTERFACE') == 'CGI/1.1', env
        assert env.get('SERVER_SOFTWARE', '').startswith('cgijail'), env
        assert env.get('PATH') == '/usr/local/bin:/usr/bin:/bin', env
        assert env.get('REQUEST_METHOD') == 'POST', env
        assert env.get('CONTENT_LENGTH') == '4', env
        assert env.get('PATH_INFO') == '/extra/path', env
        assert env.get('QUERY_STRING') == 'a=1', env
        assert env.get('HTTP_X_TEST') == 'yes', env
        assert env.get('GREETING') == 'hello world', env
        assert env.get('SCRIPT_FILENAME') == d.path('cgi-bin/env.py'), env
        extra = sorted(k for k in env if k not in META and
                       not k.startswith('HTTP_') and k != 'GREETING')
        assert not extra, 'unexpected variables: %r' % {
            k: env[k] for k in extra}
        assert_still_serving(d)


def test_request_headers_cannot_name_other_variables():
    """A header becomes HTTP_*, never a variable of its own; names that
    would collide with meta-variables get no say over them."""
    files = {'cgi-bin/env.py': fixture('env.py'),
             'cgi-bin/ok.sh': fixture('ok.sh')}
    with Daemon(files) as d:
        r = d.get('/cgi-bin/env.py', headers=[
            ('LD_PRELOAD', '/tmp/evil.so'),
            ('Content-Length', '0'),
            ('Path', '/evil'),
            ('Script-Filename', '/evil'),
        ])
        env = script_env(r)
        assert 'LD_PRELOAD' not in env, env
        assert env.get('PATH') == '/usr/local/bin:/usr/bin:/bin', env
        assert env.get('SCRIPT_FILENAME') == d.path('cgi-bin/env.py'), env
        assert all('/evil' not in v or k.startswith('HTTP_')
                   for k, v in env.items()), env
        assert_still_serving(d)
