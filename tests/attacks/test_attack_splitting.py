# SPDX-License-Identifier: ISC
"""
test_attack_splitting: a script's output that tries to split the response
or frame it twice (bare CR, NUL, obs-fold, its own Transfer-Encoding, a
lying Content-Length, a duplicate Status, CR/LF in a Location).  Each one
is a 500 or a closed connection, and a request pipelined behind it gets
its own answer, or the connection closes first: never a forged answer.
"""

import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from attack_common import (STATIC_BODY, Controls, Daemon,  # noqa: E402
                           assert_error_page, assert_no_leak,
                           assert_nothing_more, ct, files,
                           script)

# what a forged second response carries; never seen by a client
FORGED = 'HTTP/1.1 200 OK\\r\\nContent-Length: 6\\r\\nSet-Cookie: ' \
         'forged=1\\r\\n\\r\\nFORGED'

# name -> (printf format of the script's whole output, expected outcome)
# outcomes: 500; ('200', body); 'truncated' (head with a Content-Length,
# then the connection closes short); ('302', Location)
CASES = {
    'bare-cr': (r'Content-Type: text/plain\rSet-Cookie: forged=1\n\nb',
                500),
    'bare-cr-end': (r'Content-Type: text/plain\r\r\n\nb', 500),
    'nul': (r'Content-Type: text/plain\nX-A: a\000Set-Cookie: forged=1'
            r'\n\nb', 500),
    'obs-fold': (r'Content-Type: text/plain\nX-A: a\n Set-Cookie: '
                 r'forged=1\n\nb', 500),
    'obs-fold-tab': (r'Content-Type: text/plain\nX-A: a\n\tb\n\nb', 500),
    'status-line': (r'Content-Type: text/plain\n' + FORGED, 500),
    'te-chunked': (r'Content-Type: text/plain\nTransfer-Encoding: chunked'
                   r'\n\n0\r\n\r\n' + FORGED, 500),
    'te-identity': (r'Content-Type: text/plain\nTransfer-Encoding: '
                    r'identity\n\nb', 500),
    'cl-longer': (r'Content-Type: text/plain\nContent-Length: 100\n\nshort',
                  'truncated'),
    'cl-shorter': (r'Content-Type: text/plain\nContent-Length: 2\n\nok' +
                   FORGED, ('200', b'ok')),
    'cl-zero': (r'Content-Type: text/plain\nContent-Length: 0\n\n' + FORGED,
                ('200', b'')),
    'cl-dup': (r'Content-Type: text/plain\nContent-Length: 2\n'
               r'Content-Length: 2\n\nok', 500),
    'cl-sign': (r'Content-Type: text/plain\nContent-Length: +2\n\nok', 500),
    'cl-list': (r'Content-Type: text/plain\nContent-Length: 2, 2\n\nok', 500),
    'cl-huge': (r'Content-Type: text/plain\nContent-Length: '
                r'99999999999999999999\n\nok', 500),
    'status-dup': (r'Status: 200 OK\nStatus: 302 Found\nContent-Type: '
                   r'text/plain\n\nb', 500),
    'status-cr': (r'Status: 200 OK\rSet-Cookie: forged=1\nContent-Type: '
                  r'text/plain\n\nb', 500),
    'status-ctl': (r'Status: 200 O\033K\nContent-Type: text/plain\n\nb', 500),
    'status-1xx': (r'Status: 101 Switching Protocols\nContent-Type: '
                   r'text/plain\n\nb', 500),
    'ctype-dup': (r'Content-Type: text/plain\nContent-Type: text/html\n\nb',
                  500),
    'name-space': (r'Content-Type: text/plain\nSet-Cookie : forged=1\n\nb',
                   500),
    'name-empty': (r'Content-Type: text/plain\n: forged\n\nb', 500),
    'location-cr-abs': (r'Location: http://example.com/\rSet-Cookie: '
                        r'forged=1\n\n', 500),
    'location-cr-local': (r'Location: /static.txt\rSet-Cookie: forged=1\n\n',
                          500),
    'location-crlf-value': (r'Location: http://example.com/\r\rSet-Cookie: '
                            r'forged=1\n\n', 500),
    'location-encoded-local': (r'Location: /static.txt%%0d%%0aSet-Cookie:'
                               r'%%20forged=1\n\n', (404, 500)),
    'location-encoded-abs': (r'Location: http://example.com/%%0d%%0aSet-'
                             r'Cookie:%%20forged=1\n\n',
                             ('302', 'http://example.com/%0d%0aSet-Cookie:'
                              '%20forged=1')),
    'location-space': (r'Location: /static.txt HTTP/1.1\n\n', 500),
}


def _tree():
    t = {'cgi-bin/%s.sh' % k: script("printf '%s'\n" % fmt)
         for k, (fmt, _) in CASES.items()}
    return files(t)


def _check_first(d, name, want, c):
    """Read the bad script's answer; True if the connection is over."""
    try:
        r = c.read_response(timeout=10)
    except ct.ProtocolError as e:
        # closed mid-response: allowed where the head promised more
        assert want == 'truncated', '%s: %s' % (name, e)
        return True
    head = r.head()
    assert not re.search(r'(?mi)^set-cookie:', head), (name, head)
    assert b'FORGED' not in r.body, (name, r)
    if want == 500 or isinstance(want, tuple) and isinstance(want[0], int):
        allowed = (want,) if want == 500 else want
        assert r.status in allowed, (name, r)
        assert_error_page(r, r.status, d)
    elif want[0] == '200':
        assert r.status == 200 and r.body == want[1], (name, r)
    elif want[0] == '302':
        assert r.status == 302 and r.get('Location') == want[1], (name, r)
    else:
        raise AssertionError('%s: got %r, expected a short body' % (name, r))
    return False


def test_splitting_script_output_never_forges_a_response():
    with Daemon(_tree()) as d, Controls(d):
        bad = []
        for name, (_, want) in CASES.items():
            try:
                with d.connect(timeout=10) as c:
                    c.request('GET', '/cgi-bin/%s.sh' % name)
                    c.request('GET', '/static.txt')
                    if _check_first(d, name, want, c) or c.closed(3.0):
                        continue
                    r2 = c.read_response(timeout=10)
                    assert r2.status == 200 and \
                        r2.body == STATIC_BODY.encode(), \
                        '%s: the pipelined request got %r' % (name, r2)
                    assert_no_leak(r2.body, name)
                    assert_nothing_more(c, name)
            except (AssertionError, OSError) as e:
                bad.append('%s: %s' % (name, str(e)[:400]))
        assert not bad, '%d of %d cases:\n%s' % (len(bad), len(CASES),
                                                 '\n'.join(bad))


def test_splitting_nph_script_cannot_answer_the_next_request():
    """An nph- script writes its own head, relayed as it is; whatever it
    puts after the end of its own response must not become the answer
    to the next request on the connection."""
    nph = script("printf 'HTTP/1.1 200 OK\\r\\nContent-Length: 2\\r\\n"
                 "\\r\\nok%s'\n" % FORGED)
    with Daemon(files({'cgi-bin/nph-split.sh': nph})) as d, Controls(d):
        with d.connect(timeout=10) as c:
            c.request('GET', '/cgi-bin/nph-split.sh')
            c.request('GET', '/static.txt')
            r = c.read_response()
            assert r.status == 200 and r.body == b'ok', r
            if not c.closed(3.0):
                r2 = c.read_response()
                assert r2.body == STATIC_BODY.encode(), \
                    'the nph script answered the pipelined GET ' \
                    '/static.txt: %r' % r2
