# SPDX-License-Identifier: ISC
"""
test_hardening_http: the response side stays in step with the client.
A script that answers before reading its body never gets a
"100 Continue" sent after its final head has begun (with Content-Length
the 25 bytes would be taken as body and the script's own last bytes left
in front of the next response: a desync behind a keep-alive proxy): the
100 goes before the script starts, which waits for its body; a
body the script did not read is either read and dropped, so the next
pipelined request is answered, or the answer says Connection: close.
A PATH_INFO of any accepted length reaches the script whole (or the
request is refused with 414); it is never cut.  A path that names a CGI
directory in another case never serves a script's source as a static
file (on a case-insensitive file system it would be the same directory).
"""

import os
import time

from cgijail_test import Daemon, ProtocolError, assert_status

EARLY_CL = ('#!/bin/sh\n# answers at once, reads no body\n'
            'printf "Content-Type: text/plain\\nContent-Length: 5\\n\\n'
            'early"\n', 0o755)
EARLY_CHUNKED = ('#!/bin/sh\n# answers at once (no length), reads no body\n'
                 'printf "Content-Type: text/plain\\n\\nearly-chunked"\n',
                 0o755)
NPH_EARLY = ('#!/bin/sh\nprintf "HTTP/1.1 200 OK\\r\\nContent-Type: '
             'text/plain\\r\\nContent-Length: 3\\r\\n\\r\\nnph"\n', 0o755)
PATHINFO = ('#!/bin/sh\nprintf "Content-Type: text/plain\\n\\n"\n'
            'printf "%s" "$PATH_INFO" | wc -c\n', 0o755)
STATIC = 'static control file\n'
TRIES = 150
BODY = b'b' * 1000


def _files():
    return {'cgi-bin/early.sh': EARLY_CL,
            'cgi-bin/chunked.sh': EARLY_CHUNKED,
            'cgi-bin/nph-early.sh': NPH_EARLY,
            'cgi-bin/pathinfo.sh': PATHINFO,
            'static.txt': STATIC}


def _expect_once(d, script, want):
    """One POST with Expect: 100-continue to a script that answers at
    once; the final response must be right, nothing may follow it
    unasked, and the next request on the connection must be answered
    correctly.  The body goes once the 100 has come, as a client sends
    it: a script starts only once its body is in (the 100 used to be
    sent when the executor said the script had started, and could then
    come after the script's own head).  Returns None or what went
    wrong."""
    with d.connect(timeout=10) as c:
        c.send(('POST /cgi-bin/%s HTTP/1.1\r\nHost: %s\r\n'
                'Content-Length: %d\r\nExpect: 100-continue\r\n'
                'Content-Type: text/plain\r\n\r\n' % (
                    script, d.hostport, len(BODY))).encode())
        sent = False
        try:
            r = c.read_response('POST', interim=True)
            while r.status == 100:
                if not sent:
                    c.send(BODY)
                    sent = True
                r = c.read_response('POST', interim=True)
        except ProtocolError as e:
            return 'broken response: %s' % e
        if not sent:
            return 'no 100 Continue before the final response'
        if r.status != 200 or r.body != want:
            return 'final response %d %r (a late 100 in the body?)' % (
                r.status, r.body[:80])
        time.sleep(0.02)
        c.closed(0.05)
        if c.buf:
            return 'bytes after the final response: %r' % bytes(c.buf[:80])
        if (r.get('Connection') or '').lower() == 'close' or c.eof:
            return None
        c.send(('GET /static.txt HTTP/1.1\r\nHost: %s\r\n\r\n' %
                d.hostport).encode())
        try:
            r2 = c.read_response('GET')
        except (ProtocolError, TimeoutError) as e:
            return 'next request on the connection: %s' % e
        if r2.status != 200 or r2.body != STATIC.encode():
            return 'next request answered %d %r' % (r2.status, r2.body[:80])
    return None


def test_expect_100_never_after_the_final_head():
    with Daemon(_files()) as d:
        bad = {}
        for script, want in (('early.sh', b'early'),
                             ('chunked.sh', b'early-chunked'),
                             ('nph-early.sh', b'nph')):
            n = TRIES if script == 'early.sh' else TRIES // 3
            for i in range(n):
                why = _expect_once(d, script, want)
                if why:
                    bad.setdefault(script, []).append(why)
        assert not bad, '\n'.join('%s: %d failures, e.g. %s' % (
            s, len(w), w[0]) for s, w in bad.items())


def test_unread_body_then_pipelined_request():
    """The script answers before the client has sent its whole declared
    body (it starts once the first 24 KiB are in); the rest of the body
    and a pipelined request follow."""
    with Daemon(_files()) as d:
        for script, want in (('early.sh', b'early'),
                             ('chunked.sh', b'early-chunked')):
            with d.connect(timeout=10) as c:
                c.send(('POST /cgi-bin/%s HTTP/1.1\r\nHost: %s\r\n'
                        'Content-Length: 40000\r\n\r\n' % (
                            script, d.hostport)).encode() + b'x' * 30000)
                r = c.read_response('POST')
                assert r.status == 200 and r.body == want, r
                closing = (r.get('Connection') or '').lower() == 'close'
                try:
                    c.send(b'x' * 10000 + ('GET /static.txt HTTP/1.1\r\n'
                                          'Host: %s\r\n\r\n' %
                                          d.hostport).encode())
                except OSError:
                    assert closing, 'closed without Connection: close'
                    continue
                if closing:
                    continue
                t0 = time.monotonic()
                try:
                    r2 = c.read_response('GET', timeout=5)
                except (ProtocolError, TimeoutError) as e:
                    raise AssertionError(
                        '%s: keep-alive answer, then the pipelined request '
                        'was not answered (%.1fs): %s' % (
                            script, time.monotonic() - t0, e))
                assert r2.status == 200 and r2.body == STATIC.encode(), r2


def test_long_path_info_is_whole_or_414():
    with Daemon(_files()) as d:
        for n in (4000, 4095, 4096, 4097, 6000, 8000):
            r = d.get('/cgi-bin/pathinfo.sh/' + 'a' * (n - 1))
            if r.status == 414:
                continue
            assert_status(r, 200)
            got = int(r.text.strip())
            assert got == n, 'PATH_INFO of %d bytes arrived as %d' % (n, got)


def test_cgi_dir_in_another_case_never_serves_source():
    """On a case-sensitive file system /CGI-BIN is another directory;
    on a case-insensitive one it is /cgi-bin.  Either way the static
    server must not hand out an executable from it as a file."""
    src = '#!/bin/sh\n# SOURCE-MARKER-case\nprintf "Content-Type: ' \
          'text/plain\\n\\nran"\n'
    files = _files()
    files['cgi-bin/run.sh'] = (src, 0o755)
    files['CGI-BIN/run.sh'] = (src, 0o755)
    files['Cgi-Bin/run.sh'] = (src, 0o755)
    with Daemon(files) as d:
        assert d.get('/cgi-bin/run.sh').body == b'ran'
        for p in ('/CGI-BIN/run.sh', '/Cgi-Bin/run.sh', '/CGI-bin/run.sh'):
            r = d.get(p)
            assert b'SOURCE-MARKER' not in r.body, \
                '%s served the source (%d)' % (p, r.status)
