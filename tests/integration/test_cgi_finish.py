# SPDX-License-Identifier: ISC
"""
test_cgi_finish: how a response ends, and what the script may do after.
A script that answers a HEAD request (or with 204) and writes a body
anyway is not broken by it: the output is read and dropped, never a
SIGPIPE, and the pipelined request is answered.  A script that closes
its stdout without a Content-Length has answered: the chunked body is
terminated within a couple of seconds, and the script runs on (its late
stderr is logged, it exits 0).  A script that leaves a small body unread
keeps the connection in step; a large unread body makes the answer say
Connection: close.  Every one of them logs its real end.
"""

import re
import time

from cgijail_test import (SLOW, Daemon, ERROR_RE, assert_status, rid_of,
                          wait_until)

INDEX = b'finish index\n'
BIG_BODY = ('#!/bin/sh\nprintf "Content-Type: text/plain\\n\\n"\n'
            'head -c 1000000 /dev/zero\necho "wrote it all" >&2\n')
NO_CONTENT = ('#!/bin/sh\nprintf "Status: 204 No Content\\n\\n"\n'
              'head -c 300000 /dev/zero\necho "wrote it all" >&2\n')
CLOSES = ('#!/bin/sh\nprintf "Content-Type: text/plain\\n\\nbye"\n'
          'exec >&-\nsleep 1\necho "after closing stdout" >&2\n')
NOREAD = ('#!/bin/sh\nprintf "Content-Type: text/plain\\n'
          'Content-Length: 5\\n\\nnoted"\n')


def _files():
    return {'index.html': INDEX, 'cgi-bin/big.sh': BIG_BODY,
            'cgi-bin/nocontent.sh': NO_CONTENT, 'cgi-bin/closes.sh': CLOSES,
            'cgi-bin/noread.sh': NOREAD}


def _script_lines(d, rid):
    out = []
    for ln in d.log().splitlines():
        m = ERROR_RE.match(ln)
        if m and m['rid'] == str(rid):
            out.append(m['text'])
    return out


def _ended(d, rid, pattern, timeout=3.0):
    return wait_until(lambda: [t for t in _script_lines(d, rid)
                               if re.search(pattern, t)], timeout * SLOW)


def test_output_after_a_bodyless_answer_is_dropped_without_sigpipe():
    with Daemon(_files()) as d:
        for method, path in (('HEAD', '/cgi-bin/big.sh'),
                             ('GET', '/cgi-bin/nocontent.sh')):
            with d.connect(10) as c:
                c.request(method, path)
                c.request('GET', '/index.html')
                a = c.read_response(method)
                assert a.status in (200, 204) and a.body == b'', a
                b = c.read_response('GET')
                assert_status(b, 200)
                assert b.body == INDEX, b
            rid = rid_of(d, path)
            assert _ended(d, rid, r'wrote it all'), _script_lines(d, rid)
            assert _ended(d, rid, r': exit 0 '), (
                '%s %s: no exit 0:\n%s' % (method, path,
                                           '\n'.join(_script_lines(d, rid))))
            assert not _ended(d, rid, r'SIGPIPE', 0.2)


def test_closed_stdout_is_an_answer_and_the_script_runs_on():
    with Daemon(_files(), config_lines=['timeout 10']) as d:
        with d.connect(10) as c:
            t0 = time.monotonic()
            c.request('GET', '/cgi-bin/closes.sh')
            c.request('GET', '/index.html')
            a = c.read_response()
            took = time.monotonic() - t0
            assert_status(a, 200)
            assert a.get('Transfer-Encoding') == 'chunked' and \
                a.body == b'bye', a
            b = c.read_response()
            assert b.body == INDEX, b
        assert took < 3.0 * SLOW, 'the answer took %.1fs' % took
        rid = rid_of(d, '/cgi-bin/closes.sh')
        assert _ended(d, rid, r'after closing stdout'), \
            _script_lines(d, rid)
        assert _ended(d, rid, r': exit 0 '), _script_lines(d, rid)
        assert not [t for t in _script_lines(d, rid) if 'killed' in t]


def test_unread_body_small_is_drained_large_says_close():
    with Daemon(_files()) as d:
        # 200 KiB the script never reads, most of it sent after the
        # answer (the script starts once the first 24 KiB are in): dropped
        with d.connect(10) as c:
            c.send(b'POST /cgi-bin/noread.sh HTTP/1.1\r\nHost: h\r\n'
                   b'Content-Length: 204800\r\n\r\n' + b'y' * 30000)
            a = c.read_response('POST')
            assert a.body == b'noted' and a.get('Connection') is None, a
            c.send(b'y' * 174800 + b'GET /index.html HTTP/1.1\r\n'
                   b'Host: h\r\n\r\n')
            b = c.read_response('GET')
            assert_status(b, 200)
            assert b.body == INDEX, b
        # 8 MiB still to come: the answer says the connection ends
        with d.connect(10) as c:
            c.send(b'POST /cgi-bin/noread.sh HTTP/1.1\r\nHost: h\r\n'
                   b'Content-Length: 8388608\r\n\r\n' + b'y' * 30000)
            a = c.read_response('POST')
            assert a.body == b'noted', a
            assert (a.get('Connection') or '').lower() == 'close', a.head()
            assert c.closed(5.0), 'Connection: close, but left open'
