# SPDX-License-Identifier: ISC
"""
test_attack_smuggling: request framing that one parser reads one way and
another the other (CL.TE, TE.CL, duplicate Content-Length, obfuscated
Transfer-Encoding, signed or padded lengths, bad chunk sizes), and bodies
a script never reads.  A request hidden in a body is never answered; the
request pipelined after it gets its own answer, or the connection closes.

http.c decides: CL with TE, two CLs (even equal), a CL list, a sign, a
TE other than exactly "chunked" (a list ending in chunked is 501), any TE
in HTTP/1.0, whitespace before a colon or a first field line: 400 and
close.  OWS around "chunked", its case and leading zeros in a CL are
accepted, and must then frame exactly.
"""

import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from attack_common import (STATIC_BODY, Controls, Daemon,  # noqa: E402
                           assert_error_page, assert_nothing_more,
                           files, script)

ECHO_SH = script('printf "Content-Type: text/plain\\n\\nlen=%s body=" '
                 '"$CONTENT_LENGTH"\ncat\n')
SMUGGLED_SH = script("printf 'Content-Type: text/plain\\n\\nSMUGGLED'\n")
HIDDEN = (b'GET /cgi-bin/smuggled.sh HTTP/1.1\r\nHost: x\r\n'
          b'Content-Length: 0\r\n\r\n')


def _post(fields, body, path=b'/cgi-bin/echo.sh', version=b'1.1'):
    return (b'POST ' + path + b' HTTP/' + version + b'\r\nHost: x\r\n' +
            fields + b'\r\n' + body)


# name -> (raw request, expected first answer): a status that closes, or
# ('echo', body the script must have read exactly)
CASES = {
    'cl-te': (_post(b'Content-Length: 4\r\nTransfer-Encoding: chunked\r\n',
                    b'0\r\n\r\n' + HIDDEN), 400),
    'te-cl': (_post(b'Transfer-Encoding: chunked\r\nContent-Length: 4\r\n',
                    b'0\r\n\r\n' + HIDDEN), 400),
    'cl-cl': (_post(b'Content-Length: 4\r\nContent-Length: 60\r\n',
                    b'abcd' + HIDDEN), 400),
    'cl-cl-equal': (_post(b'Content-Length: 4\r\nContent-Length: 4\r\n',
                          b'abcd' + HIDDEN), 400),
    'cl-list': (_post(b'Content-Length: 4, 4\r\n', b'abcd' + HIDDEN), 400),
    'cl-plus': (_post(b'Content-Length: +4\r\n', b'abcd' + HIDDEN), 400),
    'cl-minus': (_post(b'Content-Length: -4\r\n', b'abcd' + HIDDEN), 400),
    'cl-hex': (_post(b'Content-Length: 0x4\r\n', b'abcd' + HIDDEN), 400),
    'cl-space-in': (_post(b'Content-Length: 4 4\r\n', b'abcd' + HIDDEN),
                    400),
    'cl-overflow': (_post(b'Content-Length: 18446744073709551620\r\n',
                          b'abcd' + HIDDEN), 400),
    'cl-zeros': (_post(b'Content-Length: 0004\r\n', b'abcd'),
                 ('echo', b'abcd')),
    'cl-ows': (_post(b'Content-Length: \t4 \r\n', b'abcd'),
               ('echo', b'abcd')),
    'te-xchunked': (_post(b'Transfer-Encoding: xchunked\r\n',
                          b'0\r\n\r\n' + HIDDEN), 400),
    'te-chunked-identity': (_post(b'Transfer-Encoding: chunked, identity\r\n',
                                  b'0\r\n\r\n' + HIDDEN), 400),
    'te-identity-chunked': (_post(b'Transfer-Encoding: identity, chunked\r\n',
                                  b'0\r\n\r\n' + HIDDEN), 501),
    'te-chunked-chunked': (_post(b'Transfer-Encoding: chunked, chunked\r\n',
                                 b'0\r\n\r\n' + HIDDEN), 400),
    'te-twice': (_post(b'Transfer-Encoding: chunked\r\nTransfer-Encoding: '
                       b'identity\r\n', b'0\r\n\r\n' + HIDDEN), 400),
    'te-vtab': (_post(b'Transfer-Encoding: \x0bchunked\r\n',
                      b'0\r\n\r\n' + HIDDEN), 400),
    'te-quoted': (_post(b'Transfer-Encoding: "chunked"\r\n',
                        b'0\r\n\r\n' + HIDDEN), 400),
    'te-space-colon': (_post(b'Transfer-Encoding : chunked\r\n'
                             b'Content-Length: 4\r\n', b'abcd'), 400),
    'te-folded': (_post(b'X-A: b\r\n Transfer-Encoding: chunked\r\n'
                        b'Content-Length: 4\r\n', b'abcd'), 400),
    'te-http10': (_post(b'Transfer-Encoding: chunked\r\n', b'0\r\n\r\n' +
                        HIDDEN, version=b'1.0'), 400),
    'te-leading-space': (_post(b'Transfer-Encoding:  chunked\r\n',
                               b'4\r\nabcd\r\n0\r\n\r\n'), ('echo', b'abcd')),
    'te-trailing-tab': (_post(b'Transfer-Encoding: chunked\t\r\n',
                              b'4\r\nabcd\r\n0\r\n\r\n'), ('echo', b'abcd')),
    'te-upper': (_post(b'Transfer-Encoding: CHUNKED\r\n',
                       b'4\r\nabcd\r\n0\r\n\r\n'), ('echo', b'abcd')),
    'chunk-0x': (_post(b'Transfer-Encoding: chunked\r\n',
                       b'0x4\r\nabcd\r\n0\r\n\r\n' + HIDDEN), 400),
    'chunk-minus': (_post(b'Transfer-Encoding: chunked\r\n',
                          b'-4\r\nabcd\r\n0\r\n\r\n' + HIDDEN), 400),
    'chunk-overflow': (_post(b'Transfer-Encoding: chunked\r\n',
                             b'10000000000000004\r\nabcd\r\n0\r\n\r\n' +
                             HIDDEN), 400),
    'chunk-no-crlf': (_post(b'Transfer-Encoding: chunked\r\n',
                            b'4\r\nabcdXX0\r\n\r\n' + HIDDEN), 400),
    'chunk-lf-only': (_post(b'Transfer-Encoding: chunked\r\n',
                            b'4\nabcd\n0\n\n'), ('echo', b'abcd')),
    'chunk-ext': (_post(b'Transfer-Encoding: chunked\r\n',
                        b'4;x="y"\r\nabcd\r\n0\r\n\r\n'), ('echo', b'abcd')),
    'chunk-trailer-cl': (_post(b'Transfer-Encoding: chunked\r\n',
                               b'4\r\nabcd\r\n0\r\nContent-Length: 60\r\n'
                               b'\r\n'), ('echo', b'abcd')),
    'chunk-trailer-fold': (_post(b'Transfer-Encoding: chunked\r\n',
                                 b'4\r\nabcd\r\n0\r\nX: y\r\n z\r\n\r\n' +
                                 HIDDEN), 400),
    'bare-cr-field': (_post(b'X-A: b\rContent-Length: 4\r\n',
                            b'abcd' + HIDDEN), 400),
    'nul-field': (_post(b'X-A: b\x00\r\nContent-Length: 4\r\n',
                        b'abcd' + HIDDEN), 400),
    'lf-only-head': (b'POST /cgi-bin/echo.sh HTTP/1.1\nHost: x\n'
                     b'Content-Length: 4\n\nabcd', ('echo', b'abcd')),
}


def _first(d, name, raw, want, c):
    """Check the first answer; True if the connection must be over."""
    r = c.read_response('POST', timeout=10)
    if isinstance(want, int):
        assert r.status == want, '%s: %r' % (name, r)
        assert_error_page(r, want, d)
        assert c.closed(3.0), '%s: left open after %d' % (name, want)
        return True
    assert r.status == 200, '%s: %r' % (name, r)
    got = re.match(rb'len=(\d+) body=(.*)$', r.body, re.S)
    assert got and got.group(2) == want[1] and \
        int(got.group(1)) == len(want[1]), '%s: the script read %r' % (
            name, r.body)
    return False


def test_smuggling_framing_never_desyncs():
    tree = files({'cgi-bin/echo.sh': ECHO_SH,
                  'cgi-bin/smuggled.sh': SMUGGLED_SH})
    with Daemon(tree) as d, Controls(d):
        bad = []
        for name, (raw, want) in CASES.items():
            try:
                with d.connect(timeout=10) as c:
                    c.send(raw + b'GET /static.txt HTTP/1.1\r\nHost: x\r\n'
                           b'\r\n')
                    if _first(d, name, raw, want, c) or c.closed(3.0):
                        continue
                    r2 = c.read_response(timeout=10)
                    assert r2.status == 200 and \
                        r2.body == STATIC_BODY.encode(), \
                        'pipelined request got %r' % r2
                    assert_nothing_more(c, name)
            except (AssertionError, OSError) as e:
                bad.append('%s: %s' % (name, str(e)[:400]))
        assert not bad, '%d of %d cases:\n%s' % (len(bad), len(CASES),
                                                 '\n'.join(bad))
        assert 'smuggled.sh' not in d.log(), 'a hidden request ran'


def test_smuggling_body_a_script_never_reads():
    """POST to a script that reads nothing: the body, holding a request,
    is consumed as a body, and the next request is answered in step."""
    tree = files({'cgi-bin/smuggled.sh': SMUGGLED_SH})
    with Daemon(tree) as d, Controls(d):
        for size in (len(HIDDEN), 200000, 3 * 1024 * 1024):
            body = (HIDDEN * (size // len(HIDDEN) + 1))[:size]
            for chunked in (False, True):
                with d.connect(timeout=20) as c:
                    if chunked:
                        fields = b'Transfer-Encoding: chunked\r\n'
                        data = b'%x\r\n%s\r\n0\r\n\r\n' % (len(body), body)
                    else:
                        fields = b'Content-Length: %d\r\n' % len(body)
                        data = body
                    c.send(b'POST /cgi-bin/ok.sh HTTP/1.1\r\nHost: x\r\n' +
                           fields + b'\r\n' + data + b'GET /static.txt '
                           b'HTTP/1.1\r\nHost: x\r\n\r\n')
                    r = c.read_response('POST', timeout=20)
                    assert r.status == 200 and r.body == b'ok', (size, r)
                    if not c.closed(3.0):
                        r2 = c.read_response(timeout=10)
                        assert r2.body == STATIC_BODY.encode(), (size, r2)
                        assert_nothing_more(c, size)
        assert 'smuggled.sh' not in d.log(), 'a hidden request ran'


def test_smuggling_pipelined_after_error_and_head():
    """A 4xx in the middle of a pipeline closes it; nothing after it is
    answered, so nothing after it can be answered wrongly."""
    tree = files({'cgi-bin/smuggled.sh': SMUGGLED_SH})
    with Daemon(tree) as d, Controls(d):
        with d.connect(timeout=10) as c:
            c.send(b'HEAD /static.txt HTTP/1.1\r\nHost: x\r\n\r\n'
                   b'GET /static.txt HTTP/1.1\r\nHost: x\r\n'
                   b'Content-Length: 4\r\nContent-Length: 5\r\n\r\nabcd' +
                   HIDDEN)
            r = c.read_response('HEAD')
            assert r.status == 200 and r.body == b'', r
            r = c.read_response()
            assert_error_page(r, 400, d)
            assert c.closed(3.0)
        assert 'smuggled.sh' not in d.log(), 'a hidden request ran'
