# SPDX-License-Identifier: ISC
"""
test_attack_traversal: encoded traversal, to run or read anything outside
the tree (CVE-2021-41773/42013, CVE-2014-4650, CVE-2019-11043).  Every
spelling must end in a refusal, or in the one script it really names:
never /bin/sh, never a script's source, never /etc/passwd.
"""

import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from attack_common import (Controls, Daemon, assert_no_leak,  # noqa: E402
                           files, raw_get, script, status_of)

X_BODY = b'x-ran'
X_SH = script("printf 'Content-Type: text/plain\\n\\nx-ran'\n")

# target, statuses for GET, statuses for POST; 200 must be X_BODY
CASES = [
    # CVE-2021-41773 / 42013: Apache's ".%2e" and "%%32%65"
    (b'/cgi-bin/.%2e/.%2e/bin/sh', (400,), (400,)),
    (b'/cgi-bin/.%2e/%2e%2e/%2e%2e/%2e%2e/bin/sh', (400,), (400,)),
    (b'/cgi-bin/%2e%2e/%2e%2e/bin/sh', (400,), (400,)),
    (b'/cgi-bin/%%32%65%%32%65/%%32%65%%32%65/bin/sh', (400,), (400,)),
    (b'/cgi-bin/.%%32%65/.%%32%65/bin/sh', (400,), (400,)),
    # decoded once only: "%2e" stays a name, which does not exist
    (b'/cgi-bin/%252e%252e/%252e%252e/bin/sh', (404,), (404,)),
    # overlong UTF-8 dots are bytes, not dots
    (b'/cgi-bin/%c0%ae%c0%ae/%c0%ae%c0%ae/bin/sh', (404,), (404,)),
    (b'/cgi-bin/%e0%80%ae%e0%80%ae/bin/sh', (404,), (404,)),
    # CVE-2014-4650: an encoded separator the router never saw
    (b'/cgi-bin%2fx', (400,), (400,)),
    (b'/cgi-bin/..%2f..%2fbin/sh', (400,), (400,)),
    (b'/cgi-bin/..%2Fcgi-bin%2Fx', (400,), (400,)),
    (b'/cgi-bin/x/..%2f..%2f..%2fetc/passwd', (400,), (400,)),
    # a backslash is a name character on Linux
    (b'/cgi-bin%5cx', (404,), (404, 405)),
    (b'/cgi-bin/..%5c..%5cbin%5csh', (404,), (404,)),
    (b'/cgi-bin\\..\\..\\bin\\sh', (400, 404), (400, 404, 405)),
    # spellings of the one real script: it runs, its source never shows
    (b'//cgi-bin/x', (200,), (200,)),
    (b'/./cgi-bin/x', (200,), (200,)),
    (b'/x/../cgi-bin/x', (200,), (200,)),
    (b'/cgi-bin/%2e%2e/cgi-bin/x', (200,), (200,)),
    (b'/cgi-bin/../cgi-bin/x', (200,), (200,)),
    (b'/cgi-bin/.//./x', (200,), (200,)),
    (b'/%63gi-bin/%78', (200,), (200,)),
    # case is not folded: another path, a static miss
    (b'/CGI-BIN/x', (404,), (404, 405)),
    (b'/Cgi-Bin/x', (404,), (404, 405)),
    (b'/cgi-bin/X', (404,), (404,)),
    # Windows-style aliases are other names here
    (b'/cgi-bin/x.', (404,), (404,)),
    (b'/cgi-bin/x%2e', (404,), (404,)),
    (b'/cgi-bin/x%20', (404,), (404,)),
    (b'/cgi-bin/x::$DATA', (404,), (404,)),
    # NUL and controls: refused before any lookup
    (b'/cgi-bin/x%00', (400,), (400,)),
    (b'/cgi-bin/x%00.txt', (400,), (400,)),
    (b'/cgi-bin/x%09', (400,), (400,)),
    # CVE-2019-11043: a newline in PATH_INFO
    (b'/cgi-bin/x/%0a', (400,), (400,)),
    (b'/cgi-bin/x/a%0a.php', (400,), (400,)),
    (b'/cgi-bin/x/%0d%0aSet-Cookie:%20a=b', (400,), (400,)),
    (b'/cgi-bin/x%0a', (400,), (400,)),
    # absolute-form carries the same path
    (b'http://127.0.0.1/cgi-bin/.%2e/.%2e/bin/sh', (400,), (400,)),
    # the CGI directory itself: no listing, no index here
    (b'/cgi-bin/', (403,), (403,)),
    (b'/cgi-bin', (403,), (403,)),
]


def _judge(data, allowed):
    """None if data is an allowed answer, else why not."""
    st = status_of(data)
    body = data.split(b'\r\n\r\n', 1)[-1]
    if st not in allowed:
        return 'status %s, expected %s: %r' % (st, allowed, data[:200])
    if b'uid=' in data or b'gid=' in data:
        return 'a shell ran: %r' % data[:300]
    if st == 200 and body not in (X_BODY, b'5\r\nx-ran\r\n0\r\n\r\n'):
        return 'unexpected 200 body %r' % body[:200]
    return None


def test_traversal_encoded_paths_never_leave_the_tree():
    tree = files({'cgi-bin/x': X_SH, 'x': 'static x\n',
                  'bin/sh': X_SH.replace('x-ran', 'TRAP')})
    with Daemon(tree) as d, Controls(d):
        bad = []
        for target, get_ok, post_ok in CASES:
            for method, allowed, body in ((b'GET', get_ok, b''),
                                          (b'POST', post_ok, b'echo; id')):
                data = raw_get(d, target, method=method, body=body)
                why = _judge(data, allowed)
                if why is None:
                    try:
                        assert_no_leak(data, target.decode('latin-1'))
                    except AssertionError as e:
                        why = str(e)
                if why or b'TRAP' in data:
                    bad.append('%s %s: %s' % (method.decode(),
                                              target.decode('latin-1'),
                                              why or 'docroot bin/sh ran'))
        assert not bad, '%d of %d traversals answered wrongly:\n%s' % (
            len(bad), 2 * len(CASES), '\n'.join(bad))
        # nothing but the one real script ever reached the executor
        ran = set(re.findall(r'cgi\[\d+\] (\S+):', d.log()))
        assert ran <= {'/cgi-bin/x', '/cgi-bin/ok.sh'}, ran
