# SPDX-License-Identifier: ISC
"""
test_cgi_response: the response side of CGI/1.1 (RFC 3875 section 6).
Document, client-redirect and local-redirect responses, NPH scripts,
every malformed header block (a 500, and the same connection still in
step for the next pipelined request), lying Content-Lengths (never a
desynchronised client), Set-Cookie order, hop-by-hop fields, framing
per protocol version, and HEAD.
"""

import re
import socket
import threading

from cgijail_test import (Daemon, ProtocolError, assert_error_page,
                          assert_status, parse_response)

MARK = 'SCRIPT-SOURCE-4b1d'


def _sh(out, extra=''):
    """A /bin/sh script printing out (printf escapes allowed)."""
    return ('#!/bin/sh\n# %s\n%sprintf \'%s\'\n' % (MARK, extra, out), 0o755)


TARGET = ('#!/bin/sh\n# %s\nprintf "Content-Type: text/plain\\n\\n"\n'
          'echo "target ran m=$REQUEST_METHOD q=$QUERY_STRING '
          'cl=${CONTENT_LENGTH-unset} ct=${CONTENT_TYPE-unset} '
          'pi=${PATH_INFO-unset}"\n' % MARK, 0o755)

BIG_HEAD = ('#!/usr/bin/python3\nimport sys\n'
            'sys.stdout.write("Content-Type: text/plain\\n" + '
            '"".join("X-Pad-%d: %s\\n" % (i, "p" * 700) '
            'for i in range(100)) + "\\nbody")\n', 0o755)

MALFORMED = {
    'bare_cr': r'Content-Type: text/plain\rX-A: 1\n\nbody',
    'nul': r'Content-Type: text/plain\nX-A: a\000b\n\nbody',
    'obs_fold': r'Content-Type: text/plain\nX-A: a\n  folded\n\nbody',
    'no_colon': r'Content-Type: text/plain\nno colon here\n\nbody',
    'bad_name': r'Content-Type: text/plain\nBad Name: v\n\nbody',
    'dup_status': r'Status: 200 OK\nStatus: 404\nContent-Type: a/b\n\nx',
    'dup_ctype': r'Content-Type: a/b\nContent-Type: c/d\n\nx',
    'dup_location': r'Location: /a.html\nLocation: /b.html\n\n',
    'dup_clen': r'Content-Length: 1\nContent-Length: 1\nContent-Type: a/b'
                r'\n\nx',
    'transfer_encoding': r'Transfer-Encoding: chunked\nContent-Type: a/b\n'
                         r'\n1\r\nx\r\n0\r\n\r\n',
    'no_ctype': r'X-A: 1\n\nbody without a type',
    'status_1xx': r'Status: 100 Continue\nContent-Type: a/b\n\nx',
    'status_600': r'Status: 600 Nope\nContent-Type: a/b\n\nx',
    'ctl_value': r'Content-Type: text/plain\nX-A: \033[31mred\n\nx',
    'http_line': r'HTTP/1.1 200 OK\nContent-Type: a/b\n\nx',
    'no_end': r'Content-Type: text/plain\nX-A: 1\n',
    'nothing': r'',
    'relative_location': r'Location: other.html\n\n',
    'location_non3xx': r'Status: 200\nLocation: http://x/\n\n',
}

FILES = {
    'index.html': 'index\n',
    'hello.txt': 'hello\n',
    'other.html': '<p>other</p>\n',
    '.secret': 'dotfile\n',
    'cgi-bin/target.sh': TARGET,
    'cgi-bin/doc.sh': _sh(r'Content-Type: text/plain\n\ndocument'),
    'cgi-bin/status404.sh': _sh(
        r'Status: 404 Custom\nContent-Type: text/plain\n\nnope'),
    'cgi-bin/status204.sh': _sh(r'Status: 204\n\nbody that must vanish'),
    'cgi-bin/status304.sh': _sh(r'Status: 304\nETag: "x"\n\n'),
    'cgi-bin/redir_abs.sh': _sh(r'Location: http://x/\n\n'),
    'cgi-bin/redir_doc.sh': _sh(
        r'Status: 301 Moved\nLocation: http://x/y\nContent-Type: '
        r'text/html\n\n<a href="http://x/y">moved</a>'),
    'cgi-bin/local.sh': _sh(r'Location: /other.html\nX-Dropped: 1\n\nbody'),
    'cgi-bin/local_q.sh': _sh(r'Location: /cgi-bin/target.sh/p?x=1#frag\n\n'),
    'cgi-bin/local_dot.sh': _sh(r'Location: /.secret\n\n'),
    'cgi-bin/local_src.sh': _sh(r'Location: /cgi-bin/target.sh\n\n'),
    'cgi-bin/local_up.sh': _sh(r'Location: /../etc/passwd\n\n'),
    'cgi-bin/local_up2.sh': _sh(r'Location: /%%2e%%2e/etc/passwd\n\n'),
    'cgi-bin/local_8bit.sh': _sh(r'Location: /cgi-bin/target.sh?\303\251\n\n'),
    'cgi-bin/local_loop.sh': _sh(r'Location: /cgi-bin/local_loop.sh\n\n'),
    'cgi-bin/nph-hello.sh': _sh(
        r'HTTP/1.1 299 Raw\r\nContent-Type: text/plain\r\nX-Nph: 1\r\n\r\n'
        r'raw nph body'),
    'cgi-bin/nph-split.sh': _sh(
        r'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok'
        r'HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nFORGED'),
    'cgi-bin/nph-chunked.sh': _sh(
        r'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n'
        r'2\r\nok\r\n0\r\n\r\nHTTP/1.1 200 OK\r\n\r\n'),
    'cgi-bin/nph-bad.sh': _sh(r'HTTP/1.1 200 OK\r\nX: a\rb\r\n\r\nx'),
    'cgi-bin/nph-cgi.sh': _sh(r'Content-Type: text/plain\n\nnot http'),
    'cgi-bin/big_head.py': BIG_HEAD,
    'cgi-bin/clen_long.sh': _sh(
        r'Content-Type: text/plain\nContent-Length: 100\n\nshort'),
    'cgi-bin/clen_short.sh': _sh(
        r'Content-Type: text/plain\nContent-Length: 3\n\nlonger body'),
    'cgi-bin/clen_ok.sh': _sh(
        r'Content-Type: text/plain\nContent-Length: 5\n\nexact'),
    'cgi-bin/cookies.sh': _sh(
        r'Set-Cookie: a=1; Path=/\nContent-Type: text/plain\n'
        r'Set-Cookie: b=2; HttpOnly\nX-Other: o\nset-cookie: c=3\n\ncookies'),
    'cgi-bin/hop.sh': _sh(
        r'Content-Type: text/plain\nConnection: close\nKeep-Alive: timeout=1'
        r'\nProxy-Connection: close\nUpgrade: h2c\nDate: Thu, 01 Jan 1970 '
        r'00:00:00 GMT\nServer: evil/6.6\nX-Keep: yes\n\nhop'),
}
for _name, _out in MALFORMED.items():
    FILES['cgi-bin/bad_%s.sh' % _name] = _sh(_out)
FILES['cgi-bin/bad_big_head.py'] = BIG_HEAD
# a head and half a body, then death by a signal (the script is its pid
# namespace's init: only a real fault kills it), or past the timeout
_PARTIAL = '#!/bin/sh\nprintf "Content-Type: text/plain\\n\\npartial "\n'
FILES['cgi-bin/dies.sh'] = (_PARTIAL + 'sleep 0.2\nexec python3 -c '
                            '"import ctypes; ctypes.string_at(0)"\n', 0o755)
FILES['cgi-bin/hangs.sh'] = (_PARTIAL + 'sleep 5\n', 0o755)
FILES['cgi-bin/exit3.sh'] = (_sh(r'Content-Type: text/plain\n\nwhole')[0] +
                             'exit 3\n', 0o755)


def _pipeline(d, first, method='GET', version='1.1', timeout=10.0):
    """first, then GET /hello.txt, on one connection: both answers."""
    with d.connect(timeout) as c:
        c.request(method, first, version=version)
        c.request('GET', '/hello.txt', version=version)
        a = c.read_response()
        b = c.read_response()
        return a, b


def test_document_and_status():
    with Daemon(FILES) as d:
        r = d.get('/cgi-bin/doc.sh')
        assert_status(r, 200)
        assert r.body == b'document' and r.reason == 'OK'
        assert r.get('Content-Type') == 'text/plain'
        r = d.get('/cgi-bin/status404.sh')
        assert r.status == 404 and r.reason == 'Custom', r.head()
        assert r.body == b'nope'
        a, b = _pipeline(d, '/cgi-bin/status204.sh')
        assert a.status == 204 and a.body == b'', a
        assert a.get('Content-Length') is None
        assert a.get('Transfer-Encoding') is None
        assert b.status == 200 and b.body == b'hello\n', b
        a, b = _pipeline(d, '/cgi-bin/status304.sh')
        assert a.status == 304 and a.get('ETag') == '"x"', a
        assert b.body == b'hello\n', b


def test_client_redirects():
    with Daemon(FILES) as d:
        r = d.get('/cgi-bin/redir_abs.sh')
        assert_status(r, 302)
        assert r.get('Location') == 'http://x/', r.head()
        r = d.get('/cgi-bin/redir_doc.sh')
        assert r.status == 301 and r.reason == 'Moved', r.head()
        assert r.get('Location') == 'http://x/y'
        assert r.body == b'<a href="http://x/y">moved</a>'
        assert r.get('Content-Type') == 'text/html'


def test_local_redirect_to_static_file():
    with Daemon(FILES) as d:
        a, b = _pipeline(d, '/cgi-bin/local.sh')
        assert_status(a, 200)
        assert a.body == b'<p>other</p>\n', a
        # the script's other fields and body belong to no response
        assert a.get('X-Dropped') is None and a.get('Location') is None
        assert b.body == b'hello\n', b
        # a POST is redirected as a GET with no body; HEAD stays HEAD
        r = d.http('POST', '/cgi-bin/local.sh', body=b'x=1')
        assert_status(r, 200)
        assert r.body == b'<p>other</p>\n'
        r = d.http('HEAD', '/cgi-bin/local.sh')
        assert_status(r, 200)
        assert r.body == b'' and r.get('Content-Length') == '13', r


def test_local_redirect_to_script_runs_it():
    with Daemon(FILES) as d:
        r = d.get('/cgi-bin/local_src.sh')
        assert_status(r, 200)
        assert MARK.encode() not in r.body
        assert r.body == (b'target ran m=GET q= cl=unset ct=unset '
                          b'pi=unset\n'), r.body
        r = d.get('/cgi-bin/local_q.sh')
        assert_status(r, 200)
        assert r.body == b'target ran m=GET q=x=1 cl=unset ct=unset pi=/p\n'
        # from a chunked POST: the target sees a GET with no body, and
        # the connection stays in step
        with d.connect(10) as c:
            c.send(b'POST /cgi-bin/local_src.sh HTTP/1.1\r\nHost: h\r\n'
                   b'Transfer-Encoding: chunked\r\nContent-Type: a/b\r\n\r\n'
                   b'3\r\nabc\r\n0\r\n\r\n'
                   b'GET /hello.txt HTTP/1.1\r\nHost: h\r\n\r\n')
            r = c.read_response('POST')
            assert r.body == (b'target ran m=GET q= cl=unset ct=unset '
                              b'pi=unset\n'), r.body
            r = c.read_response('GET')
            assert r.body == b'hello\n', r


def test_local_redirect_refusals():
    with Daemon(FILES) as d:
        r = d.get('/cgi-bin/local_dot.sh')
        assert_error_page(r, 404, d)
        assert b'dotfile' not in r.body
        for s in ('local_up.sh', 'local_up2.sh'):
            r = d.get('/cgi-bin/' + s)
            assert r.status in (400, 404), (s, r)
            assert_error_page(r, r.status, d)
            assert b'root:' not in r.body
        # a Location no request-target may hold: the script's error
        r = d.get('/cgi-bin/local_8bit.sh')
        assert_error_page(r, 500, d)


def test_local_redirect_loop_is_500():
    with Daemon(FILES) as d:
        a, b = _pipeline(d, '/cgi-bin/local_loop.sh')
        assert_error_page(a, 500, d)
        assert b.body == b'hello\n', b
        assert d.wait_log(r'too many local redirects', 2.0)
        runs = [ln for ln in d.log().splitlines()
                if re.search(r'cgi\[\d+\] /cgi-bin/local_loop\.sh: '
                             r'(exit|killed)', ln)]
        assert 10 <= len(runs) <= 11, len(runs)
        # the count is per request: a dozen one-hop redirects on one
        # keep-alive connection all succeed
        with d.connect(20) as c:
            for _ in range(12):
                c.request('GET', '/cgi-bin/local.sh')
            for r in c.read_responses(12):
                assert_status(r, 200)
                assert r.body == b'<p>other</p>\n'


def test_nph_relayed_unmodified_then_closed():
    with Daemon(FILES) as d:
        raw = (b'GET /cgi-bin/nph-hello.sh HTTP/1.1\r\nHost: h\r\n\r\n'
               b'GET /hello.txt HTTP/1.1\r\nHost: h\r\n\r\n')
        data = d.request(raw, timeout=10)
        assert data == (b'HTTP/1.1 299 Raw\r\nContent-Type: text/plain\r\n'
                        b'X-Nph: 1\r\n\r\nraw nph body'), data
        # the access log takes the status from the script's own line
        assert d.wait_log(r'"GET /cgi-bin/nph-hello.sh HTTP/1.1" 299 12 ',
                          2.0), d.log_tail()
        # HEAD: the head as it is, nothing after it
        data = d.request(b'HEAD /cgi-bin/nph-hello.sh HTTP/1.0\r\n\r\n',
                         timeout=10)
        assert data == (b'HTTP/1.1 299 Raw\r\nContent-Type: text/plain\r\n'
                        b'X-Nph: 1\r\n\r\n'), data


def test_nph_cannot_answer_the_next_request():
    """What an nph- script writes past the end of its own response (its
    Content-Length) is dropped: it never answers a pipelined request."""
    with Daemon(FILES) as d:
        raw = (b'GET /cgi-bin/nph-split.sh HTTP/1.1\r\nHost: h\r\n\r\n'
               b'GET /hello.txt HTTP/1.1\r\nHost: h\r\n\r\n')
        data = d.request(raw, timeout=10)
        assert data == (b'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n'
                        b'ok'), data
        # a head it cannot frame, or no head at all: 500, nothing relayed
        for name in ('nph-chunked.sh', 'nph-bad.sh', 'nph-cgi.sh'):
            a, b = _pipeline(d, '/cgi-bin/' + name)
            assert_error_page(a, 500, d)
            assert b.body == b'hello\n', (name, b)
        assert d.wait_log(r'malformed nph head: Transfer-Encoding', 2.0)


def test_malformed_heads_are_500_and_connection_stays_in_step():
    with Daemon(FILES) as d:
        bad = []
        for name in sorted(MALFORMED) + ['big_head']:
            ext = 'py' if name == 'big_head' else 'sh'
            path = '/cgi-bin/bad_%s.%s' % (name, ext)
            try:
                a, b = _pipeline(d, path)
                assert_error_page(a, 500, d)
                assert MARK.encode() not in a.body
                assert_status(b, 200)
                assert b.body == b'hello\n', b
            except (AssertionError, OSError) as e:
                bad.append('%s: %s' % (name, str(e)[:300]))
        assert not bad, '\n'.join(bad)
        assert d.wait_log(r'malformed response header', 1.0)


def _raw_pipeline(d, first):
    raw = ('GET %s HTTP/1.1\r\nHost: h\r\n\r\n'
           'GET /hello.txt HTTP/1.1\r\nHost: h\r\n\r\n' % first).encode()
    return d.request(raw, timeout=10)


def test_lying_content_length_never_desyncs():
    with Daemon(FILES) as d:
        # longer than the body: the head promised 100, 5 come, then close
        data = _raw_pipeline(d, '/cgi-bin/clen_long.sh')
        assert data.count(b'HTTP/1.1 ') == 1, data
        head, _, body = data.partition(b'\r\n\r\n')
        assert b'Content-Length: 100' in head, head
        assert body == b'short', body
        # shorter: 3 bytes sent, the rest dropped, and the connection
        # stays in step: the pipelined request gets its own answer
        a, b = _pipeline(d, '/cgi-bin/clen_short.sh')
        assert a.get('Content-Length') == '3' and a.body == b'lon', a
        assert a.get('Connection') is None, a.head()
        assert b.status == 200 and b.body == b'hello\n', b
        # honest: used as is, and the connection goes on
        a, b = _pipeline(d, '/cgi-bin/clen_ok.sh')
        assert a.get('Content-Length') == '5' and a.body == b'exact'
        assert a.get('Transfer-Encoding') is None
        assert b.body == b'hello\n'


def test_set_cookie_order_and_hop_by_hop():
    with Daemon(FILES) as d:
        r = d.get('/cgi-bin/cookies.sh')
        assert_status(r, 200)
        assert r.get_all('Set-Cookie') == ['a=1; Path=/', 'b=2; HttpOnly',
                                           'c=3'], r.head()
        assert r.get('X-Other') == 'o'
        a, b = _pipeline(d, '/cgi-bin/hop.sh')
        assert_status(a, 200)
        for name in ('Keep-Alive', 'Proxy-Connection', 'Upgrade'):
            assert a.get(name) is None, (name, a.head())
        assert a.get_all('Connection') == [], a.head()
        assert a.get_all('Server') == ['cgijail/0.1'], a.head()
        assert '1970' not in a.get('Date'), a.head()
        assert a.get('X-Keep') == 'yes' and a.body == b'hop'
        assert b.body == b'hello\n', b


def test_framing_by_version():
    with Daemon(FILES) as d:
        # 1.1, no Content-Length from the script: chunked, kept alive
        a, b = _pipeline(d, '/cgi-bin/doc.sh')
        assert a.get('Transfer-Encoding') == 'chunked', a.head()
        assert a.get('Content-Length') is None
        assert a.body == b'document' and b.body == b'hello\n'
        # 1.0: close-delimited, said once
        data = d.request(b'GET /cgi-bin/doc.sh HTTP/1.0\r\n'
                         b'Connection: keep-alive\r\n\r\n'
                         b'GET /hello.txt HTTP/1.0\r\n\r\n', timeout=10)
        head, _, body = data.partition(b'\r\n\r\n')
        assert head.startswith(b'HTTP/1.0 200 '), data
        assert re.findall(rb'(?im)^connection:[^\r\n]*', head) == \
            [b'Connection: close'], head
        assert b'Transfer-Encoding' not in head
        assert b'Content-Length' not in head
        assert body == b'document', data
        # 1.0 keep-alive with a Content-Length from the script: kept
        with d.connect(10) as c:
            c.request('GET', '/cgi-bin/clen_ok.sh', [
                ('Connection', 'keep-alive')], version='1.0')
            c.request('GET', '/hello.txt', [('Connection', 'keep-alive')],
                      version='1.0')
            a, b = c.read_responses(2)
            assert a.body == b'exact' and b.body == b'hello\n'


def test_head_never_has_a_body():
    with Daemon(FILES) as d:
        for s in ('doc.sh', 'clen_ok.sh', 'status404.sh', 'redir_doc.sh'):
            with d.connect(10) as c:
                c.request('HEAD', '/cgi-bin/' + s)
                c.request('GET', '/hello.txt')
                a = c.read_response('HEAD')
                assert a.status in (200, 404, 301), a
                b = c.read_response('GET')
                assert b.status == 200 and b.body == b'hello\n', (s, b)
            for version in ('1.0', '1.1'):
                data = d.request(('HEAD /cgi-bin/%s HTTP/%s\r\nHost: h\r\n'
                                  'Connection: close\r\n\r\n' % (
                                      s, version)).encode(), timeout=10)
                assert data.endswith(b'\r\n\r\n'), (s, data)
                assert data.count(b'\r\n\r\n') == 1, (s, data)


def _read_all(d, raw, timeout=10.0):
    """(bytes read, 'eof' or 'reset') on a raw connection."""
    s = socket.create_connection((d.bind, d.port), timeout=timeout)
    out, how = b'', 'eof'
    try:
        s.sendall(raw)
        while True:
            try:
                chunk = s.recv(65536)
            except ConnectionResetError:
                how = 'reset'
                break
            if not chunk:
                break
            out += chunk
    finally:
        s.close()
    return out, how


def test_failure_after_head_is_never_a_whole_answer():
    """DESIGN: failed after headers were sent: connection aborted.  A
    chunked body is left unterminated; a close-delimited one (1.0) ends
    in a reset, never in the FIN that would pass it off as whole."""
    with Daemon(FILES, config_lines=['timeout 1']) as d:
        for script in ('dies.sh', 'hangs.sh'):
            with d.connect(10) as c:
                c.request('GET', '/cgi-bin/' + script)
                try:
                    r = c.read_response()
                except ProtocolError as e:
                    assert 'closed' in str(e), e
                else:
                    raise AssertionError('a whole answer: %r' % r)
                assert b'partial' in c.buf or c.eof
            data, how = _read_all(d, ('GET /cgi-bin/%s HTTP/1.0\r\n\r\n'
                                      % script).encode())
            assert how == 'reset', (script, how, data)
        assert d.wait_log(r'hangs.sh: timed out after its response head',
                          2.0), d.log_tail()
        assert d.wait_log(r'dies.sh: killed by a signal after its '
                          r'response head', 2.0), d.log_tail()
        # an exit status is the script's business: a whole body is whole
        for version in ('1.0', '1.1'):
            data, how = _read_all(d, ('GET /cgi-bin/exit3.sh HTTP/%s\r\n'
                                      'Host: h\r\nConnection: close\r\n'
                                      '\r\n' % version).encode())
            assert how == 'eof', (version, data)
            r = parse_response(data)
            assert_status(r, 200)
            assert r.body == b'whole', r


def test_local_redirect_with_unread_body_never_desyncs():
    """A POST whose 4 MiB body the redirecting script never read: the
    redirected answer, then the pipelined request's own answer or a
    clean close; the body is never parsed as requests."""
    body = b'GET /embedded HTTP/1.1\r\nHost: h\r\n\r\n' * 110000
    with Daemon(FILES) as d:
        for script, want in (('local_src.sh', b'target ran m=GET q= '
                              b'cl=unset ct=unset pi=unset\n'),
                             ('local.sh', b'<p>other</p>\n')):
            c = d.connect(20)
            data = (('POST /cgi-bin/%s HTTP/1.1\r\nHost: h\r\n'
                     'Content-Length: %d\r\n\r\n' % (script, len(body)))
                    .encode() + body +
                    b'GET /hello.txt HTTP/1.1\r\nHost: h\r\n\r\n')
            t = threading.Thread(target=_send_quietly, args=(c, data),
                                 daemon=True)
            t.start()
            try:
                a = c.read_response('POST', timeout=20)
                assert_status(a, 200)
                assert a.body == want, (script, a)
                try:
                    b = c.read_response('GET', timeout=20)
                except (ProtocolError, OSError):
                    assert c.eof, script
                else:
                    assert b.body == b'hello\n', (script, b)
                    assert not c.closed(1.0) or not c.buf
            finally:
                t.join(10)
                c.close()


def _send_quietly(c, data):
    try:
        c.sock.sendall(data)
    except OSError:
        pass        # closed before it was all sent: allowed
