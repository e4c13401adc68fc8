# SPDX-License-Identifier: ISC
"""
test_http_status: every error status of the HTTP contract, from raw
bytes on a socket (400 405 413 414 431 501 505), and that none of them
ends or restarts a process.
"""

import random
import re

from cgijail_test import Daemon, check_raw_cases, assert_error_page

H = b'Host: 127.0.0.1'
HELLO = '#!/bin/sh\nprintf "Content-Type: text/plain\\n\\nhello"\n'
FILES = {
    'index.html': '<html>index</html>\n',
    'a.txt': 'aaaa\n',
    'cgi-bin/hello.sh': (HELLO, 0o755),
}


def req(line, *headers, body=b''):
    """A request from a request line and header lines (bytes)."""
    return line + b'\r\n' + b''.join(h + b'\r\n' for h in headers) + \
        b'\r\n' + body


def test_malformed_request_line_is_400():
    cases = [
        ('method only', b'GET\r\n\r\n', 400, True),
        ('no version', b'GET /\r\n\r\n', 400, True),
        ('extra word', req(b'GET / HTTP/1.1 extra', b'Host: a'), 400, True),
        ('space in target', req(b'GET /a b HTTP/1.1', b'Host: a'), 400,
         True),
        ('not HTTP', req(b'GET / FTP/1.1', b'Host: a'), 400, True),
        ('lowercase http', req(b'GET / http/1.1', b'Host: a'), 400, True),
        ('no minor', req(b'GET / HTTP/1', b'Host: a'), 400, True),
        ('two digit major', req(b'GET / HTTP/11.1', b'Host: a'),
         (400, 505), True),
        ('version junk', req(b'GET / HTTP/1.x', b'Host: a'), 400, True),
        ('leading space', req(b' GET / HTTP/1.1', b'Host: a'), 400, True),
        ('bad token char', req(b'G{T / HTTP/1.1', b'Host: a'), 400, True),
        ('relative target', req(b'GET index.html HTTP/1.1', b'Host: a'),
         400, True),
        ('empty target', req(b'GET  HTTP/1.1', b'Host: a'), 400, True),
        ('ESC in target', req(b'GET /\x1b[31m HTTP/1.1', b'Host: a'), 400,
         True),
        ('DEL in target', req(b'GET /\x7f HTTP/1.1', b'Host: a'), 400,
         True),
        ('NUL in target', req(b'GET /a\x00b HTTP/1.1', b'Host: a'), 400,
         True),
        ('CR in request line', req(b'GET /a\rb HTTP/1.1', b'Host: a'), 400,
         True),
    ]
    with Daemon(FILES) as d:
        check_raw_cases(d, cases)


def test_bad_header_fields_are_400():
    cases = [
        ('no colon', req(b'GET / HTTP/1.1', H, b'NoColon'), 400, True),
        ('space before colon', req(b'GET / HTTP/1.1', b'Host : a'), 400,
         True),
        ('space before colon 2', req(b'GET / HTTP/1.1', H, b'X-A : 1'),
         400, True),
        ('empty name', req(b'GET / HTTP/1.1', H, b': v'), 400, True),
        ('bad name char', req(b'GET / HTTP/1.1', H, b'X(y): z'), 400,
         True),
        ('obs-fold space', req(b'GET / HTTP/1.1', H, b'X-A: 1',
                               b' continued'), 400, True),
        ('obs-fold tab', req(b'GET / HTTP/1.1', H, b'X-A: 1',
                             b'\tcontinued'), 400, True),
        ('first line folded', req(b'GET / HTTP/1.1', b' X-A: 1', b'Host: a'),
         400, True),
        ('NUL in value', req(b'GET / HTTP/1.1', H, b'X-A: a\x00b'), 400,
         True),
        ('bare CR in value', req(b'GET / HTTP/1.1', H, b'X-A: a\rb'), 400,
         True),
        ('bare CR after field', req(b'GET / HTTP/1.1', H, b'X-A: a\r'),
         400, True),
    ]
    with Daemon(FILES) as d:
        check_raw_cases(d, cases)


def test_host_rules():
    cases = [
        ('1.1 without Host', req(b'GET / HTTP/1.1'), 400, True),
        ('two Hosts', req(b'GET / HTTP/1.1', b'Host: a', b'Host: b'), 400,
         True),
        ('two Hosts, same', req(b'GET / HTTP/1.1', b'Host: a', b'Host: a'),
         400, True),
        ('Host with space', req(b'GET / HTTP/1.1', b'Host: a b'), 400,
         True),
        ('1.0 without Host', req(b'GET / HTTP/1.0'), 200, True),
        ('Host with port', req(b'GET / HTTP/1.1', b'Host: 127.0.0.1:80',
                               b'Connection: close'), 200, True),
        ('Host case', req(b'GET / HTTP/1.1', b'hOsT: a',
                          b'Connection: close'), 200, True),
    ]
    with Daemon(FILES) as d:
        check_raw_cases(d, cases)


def test_content_length_and_transfer_encoding_are_400():
    post = b'POST /cgi-bin/hello.sh HTTP/1.1'
    cases = [
        ('CL and TE', req(post, H, b'Content-Length: 5',
                          b'Transfer-Encoding: chunked',
                          body=b'0\r\n\r\n'), 400, True),
        ('TE and CL', req(post, H, b'Transfer-Encoding: chunked',
                          b'Content-Length: 5', body=b'0\r\n\r\n'), 400,
         True),
        ('duplicate CL', req(post, H, b'Content-Length: 5',
                             b'Content-Length: 5', body=b'hello'), 400,
         True),
        ('different CL', req(post, H, b'Content-Length: 5',
                             b'Content-Length: 6', body=b'hello!'), 400,
         True),
        ('CL list', req(post, H, b'Content-Length: 5, 5', body=b'hello'),
         400, True),
        ('CL letters', req(post, H, b'Content-Length: abc'), 400, True),
        ('CL negative', req(post, H, b'Content-Length: -1'), 400, True),
        ('CL plus', req(post, H, b'Content-Length: +5', body=b'hello'),
         400, True),
        ('CL empty', req(post, H, b'Content-Length:'), 400, True),
        ('CL hex', req(post, H, b'Content-Length: 0x5', body=b'hello'),
         400, True),
        ('CL overflow', req(post, H, b'Content-Length: '
                            b'99999999999999999999999'), (400, 413), True),
        ('TE not chunked', req(post, H, b'Transfer-Encoding: gzip'),
         (400, 501), True),
        ('TE chunked not last', req(post, H, b'Transfer-Encoding: '
                                    b'chunked, gzip'), (400, 501), True),
    ]
    with Daemon(FILES) as d:
        check_raw_cases(d, cases)


def test_bad_chunked_framing_is_400():
    post = b'POST /cgi-bin/hello.sh HTTP/1.1'
    te = (H, b'Transfer-Encoding: chunked')
    cases = [
        ('size not hex', req(post, *te, body=b'zz\r\nhello\r\n0\r\n\r\n'),
         400, True),
        ('no CRLF after data', req(post, *te, body=b'5\r\nhelloXX0\r\n\r\n'),
         400, True),
        ('data longer than size', req(post, *te,
                                      body=b'3\r\nhello\r\n0\r\n\r\n'),
         400, True),
        ('negative size', req(post, *te, body=b'-5\r\nhello\r\n0\r\n\r\n'),
         400, True),
        ('size overflow', req(post, *te, body=b'f' * 40 + b'\r\nx\r\n'),
         (400, 413), True),
        ('NUL in size line', req(post, *te,
                                 body=b'5\x00\r\nhello\r\n0\r\n\r\n'),
         400, True),
    ]
    with Daemon(FILES) as d:
        check_raw_cases(d, cases)


def test_methods_on_static_files_are_405():
    with Daemon(FILES) as d:
        for m in ('POST', 'PUT', 'DELETE', 'PATCH'):
            for path in ('/index.html', '/a.txt', '/'):
                r = d.http(m, path, body=b'')
                assert_error_page(r, 405, d)
                allow = {x.strip() for x in r.get('Allow', '').split(',')}
                assert allow == {'GET', 'HEAD'}, (m, path, r.head())


def test_unknown_method_and_connect_are_501():
    cases = [
        ('unknown token', req(b'BREW / HTTP/1.1', H), 501, False),
        ('lowercase get', req(b'get / HTTP/1.1', H), 501, False),
        ('CONNECT', req(b'CONNECT 127.0.0.1:80 HTTP/1.1',
                        b'Host: 127.0.0.1:80'), (400, 501), False),
        ('CONNECT origin form', req(b'CONNECT / HTTP/1.1', H), (400, 501),
         False),
    ]
    with Daemon(FILES) as d:
        check_raw_cases(d, cases)
        # the plain CONNECT authority form must be refused as 501
        r = d.http('CONNECT', '127.0.0.1:80',
                   headers={'Host': '127.0.0.1:80'})
        assert_error_page(r, 501, d)


def test_unsupported_version_is_505():
    cases = [
        ('HTTP/2.0', req(b'GET / HTTP/2.0', H), 505, True),
        ('HTTP/1.2', req(b'GET / HTTP/1.2', H), 505, True),
        ('HTTP/3.0', req(b'GET / HTTP/3.0', H), 505, True),
        ('HTTP/0.9', req(b'GET / HTTP/0.9', H), (400, 505), True),
    ]
    with Daemon(FILES) as d:
        check_raw_cases(d, cases)


def test_long_target_is_414():
    long_path = b'/' + b'a' * 9000
    cases = [
        ('9001-byte path', req(b'GET ' + long_path + b' HTTP/1.1', H), 414,
         True),
        ('long query', req(b'GET /?' + b'q' * 9000 + b' HTTP/1.1', H), 414,
         True),
        ('64K target', req(b'GET /' + b'b' * 65536 + b' HTTP/1.1', H), 414,
         True),
        ('4001-byte path is fine', req(b'GET /' + b'a' * 4000 +
                                       b' HTTP/1.1', H,
                                       b'Connection: close'), 404, True),
    ]
    with Daemon(FILES) as d:
        check_raw_cases(d, cases)


def test_large_header_block_is_431():
    many = [b'X-F%d: v' % i for i in range(150)]
    some = [b'X-F%d: v' % i for i in range(60)]
    cases = [
        ('one 9000-byte field', req(b'GET / HTTP/1.1', H, b'X-Big: ' +
                                    b'x' * 9000), 431, True),
        ('three 3000-byte fields', req(b'GET / HTTP/1.1', H,
                                       *[b'X-%d: ' % i + b'y' * 3000
                                         for i in range(3)]), 431, True),
        ('150 fields', req(b'GET / HTTP/1.1', H, *many), 431, True),
        ('1 MiB field', req(b'GET / HTTP/1.1', H, b'X-Huge: ' +
                            b'z' * (1 << 20)), 431, True),
        ('60 fields are fine', req(b'GET / HTTP/1.1', H,
                                   b'Connection: close', *some), 200, True),
        ('4000-byte field is fine', req(b'GET / HTTP/1.1', H,
                                        b'Connection: close',
                                        b'X-Ok: ' + b'o' * 4000), 200, True),
    ]
    with Daemon(FILES) as d:
        check_raw_cases(d, cases)


def test_fragment_encoded_slash_nul_and_dotdot_are_400():
    def get(target):
        return req(b'GET ' + target + b' HTTP/1.1', H)
    cases = [
        ('fragment', get(b'/index.html#frag'), 400, True),
        ('bare #', get(b'/#'), 400, True),
        ('%2F', get(b'/a%2Fb'), 400, True),
        ('%2f', get(b'/cgi-bin%2fhello.sh'), 400, True),
        ('%00', get(b'/a.txt%00'), 400, True),
        ('%00 mid', get(b'/a%00.txt'), 400, True),
        ('lone %', get(b'/%'), 400, True),
        ('%z', get(b'/%zz'), 400, True),
        ('short escape', get(b'/a%4'), 400, True),
        ('.. above root', get(b'/..'), (400, 404), True),
        ('../.. above root', get(b'/a/../../a.txt'), (400, 404), True),
    ]
    with Daemon(FILES) as d:
        check_raw_cases(d, cases)


def test_body_over_max_body_is_413():
    post = b'POST /cgi-bin/hello.sh HTTP/1.1'
    cases = [
        ('Content-Length 2048', req(post, H, b'Content-Length: 2048'), 413,
         True),
        ('Content-Length 1G', req(post, H, b'Content-Length: 1073741824'),
         413, True),
        ('chunked 2 KiB', req(post, H, b'Transfer-Encoding: chunked',
                              body=b'800\r\n' + b'x' * 2048 +
                              b'\r\n0\r\n\r\n'), 413, True),
        ('chunked 3 x 512', req(post, H, b'Transfer-Encoding: chunked',
                                body=(b'200\r\n' + b'y' * 512 + b'\r\n') * 3 +
                                b'0\r\n\r\n'), 413, True),
    ]
    with Daemon(FILES, config_lines=['max-body 1K']) as d:
        # the 413 must come from the head alone: no body bytes are sent
        # for the Content-Length cases, so a daemon that waits would 408
        check_raw_cases(d, cases)


def test_default_max_body_is_64m():
    with Daemon(FILES) as d:
        r = d.http('POST', '/cgi-bin/hello.sh',
                   headers={'Content-Length': str(64 * 1024 * 1024 + 1)})
        assert_error_page(r, 413, d)


def test_garbage_never_ends_a_process():
    """Seeded random bytes and near-miss requests: any answer is a
    4xx/5xx error page or a close, and no role crashes (the fixture
    compares the front and executor pids at the end)."""
    rng = random.Random(1)
    blobs = [bytes(rng.randrange(256) for _ in range(rng.randrange(1, 600)))
             for _ in range(40)]
    pieces = [b'GET', b' ', b'/', b'HTTP/1.1', b'\r\n', b'\n', b'\r',
              b':', b'Host', b'%', b'%2e', b'..', b'\x00', b'Content-Length',
              b'Transfer-Encoding', b'chunked', b'0', b'-1', b'\xff', b'#']
    for _ in range(60):
        blobs.append(b''.join(rng.choice(pieces)
                              for _ in range(rng.randrange(1, 40))) +
                     b'\r\n\r\n')
    with Daemon(FILES) as d:
        for b in blobs:
            data = d.request(b, timeout=2.0, shut_wr=True)
            if data:
                assert re.match(rb'HTTP/1\.[01] (200|30\d|4\d\d|5\d\d) ',
                                data), ('sent', b, 'got', data[:200])
        assert d.answers()
