# SPDX-License-Identifier: ISC
"""
test_static: static files as the front serves them: types, validators,
conditional requests, ranges, directories, autoindex, permissions, big
files with curl.
"""

import email.utils
import hashlib
import os
import time

from cgijail_test import Daemon, assert_status, assert_error_page

PNG = b'\x89PNG\r\n\x1a\n' + bytes(range(256)) * 4
DIGITS = b'0123456789' * 10      # 100 bytes, easy ranges
FILES = {
    'index.html': '<html>index</html>\n',
    'style.css': 'body { color: red }\n',
    'img.png': PNG,
    'notes.txt': 'plain text\n',
    'blob.xyzzy': b'\x00\x01\x02unknown',
    'digits.txt': DIGITS,
    'empty.txt': b'',
    'dir/index.html': '<p>dir index</p>\n',
    'noindex/one.txt': '1\n',
    'noindex/<b>&x".txt': 'tricky name\n',
    'noindex/.hidden': 'hidden\n',
    'noindex/sub/two.txt': '2\n',
    'private.txt': ('root only\n', 0o600),
}


def media(r):
    return (r.get('Content-Type') or '').split(';')[0].strip().lower()


def test_content_types_from_mime_types():
    with Daemon(FILES) as d:
        for path, want in (('/index.html', 'text/html'),
                           ('/style.css', 'text/css'),
                           ('/img.png', 'image/png'),
                           ('/notes.txt', 'text/plain'),
                           ('/blob.xyzzy', 'application/octet-stream')):
            r = d.get(path)
            assert_status(r, 200)
            assert media(r) == want, (path, r.head())


def test_static_headers():
    with Daemon(FILES) as d:
        r = d.get('/img.png')
        assert_status(r, 200)
        assert r.body == PNG
        assert r.get('Content-Length') == str(len(PNG))
        assert r.get('Accept-Ranges') == 'bytes'
        assert r.get('Server') == 'cgijail/0.1'
        assert r.get('ETag'), r.head()
        assert email.utils.parsedate_to_datetime(r.get('Date'))
        lm = email.utils.parsedate_to_datetime(r.get('Last-Modified'))
        mtime = int(os.stat(d.path('img.png')).st_mtime)
        assert int(lm.timestamp()) == mtime, (lm, mtime)
        assert r.get('Last-Modified').endswith(' GMT'), r.head()


def test_empty_file():
    with Daemon(FILES) as d:
        r = d.get('/empty.txt')
        assert_status(r, 200)
        assert r.get('Content-Length') == '0' and r.body == b''


def test_etag_changes_with_content():
    with Daemon(FILES) as d:
        e1 = d.get('/notes.txt').get('ETag')
        assert d.get('/notes.txt').get('ETag') == e1
        t = time.time() + 5
        with open(d.path('notes.txt'), 'w') as f:
            f.write('changed text, longer\n')
        os.utime(d.path('notes.txt'), (t, t))
        r = d.get('/notes.txt')
        assert r.body == b'changed text, longer\n'
        assert r.get('ETag') != e1, r.head()


def test_conditional_requests():
    with Daemon(FILES) as d:
        r = d.get('/notes.txt')
        etag, lm = r.get('ETag'), r.get('Last-Modified')
        assert etag and lm, r.head()
        cases = [
            ({'If-None-Match': etag}, 304),
            ({'If-None-Match': '"nope", ' + etag}, 304),
            ({'If-None-Match': '*'}, 304),
            ({'If-None-Match': 'W/' + etag.lstrip('W/')}, 304),
            ({'If-None-Match': '"nope"'}, 200),
            ({'If-Modified-Since': lm}, 304),
            ({'If-Modified-Since': 'Sun, 06 Nov 1994 08:49:37 GMT'}, 200),
            ({'If-Modified-Since': 'not a date'}, 200),
            ({'If-Modified-Since': 'Sunday, 06-Nov-94 08:49:37 GMT'}, 200),
            # If-None-Match wins over If-Modified-Since (RFC 9110 13.2.2)
            ({'If-None-Match': '"nope"', 'If-Modified-Since': lm}, 200),
        ]
        bad = []
        for hdrs, want in cases:
            g = d.get('/notes.txt', hdrs)
            if g.status != want:
                bad.append('%r -> %d, want %d' % (hdrs, g.status, want))
            elif want == 304:
                if g.body or not g.get('ETag'):
                    bad.append('%r: 304 with body or without ETag' % hdrs)
            elif g.body != b'plain text\n':
                bad.append('%r: wrong body' % hdrs)
        assert not bad, '\n'.join(bad)


def test_preconditions_fail_with_412():
    """If-Match (strong comparison) and If-Unmodified-Since: false means
    412, and they come before Range and If-None-Match (RFC 9110 13.1.1,
    13.1.4, 13.2.2); they used to be ignored."""
    with Daemon(FILES) as d:
        r = d.get('/notes.txt')
        etag, lm = r.get('ETag'), r.get('Last-Modified')
        old = 'Sat, 01 Jan 2000 00:00:00 GMT'
        later = 'Fri, 01 Jan 2100 00:00:00 GMT'
        cases = [
            ({'If-Match': '"nope"'}, 412),
            ({'If-Match': 'W/' + etag}, 412),
            ({'If-Match': '"nope", ' + etag}, 200),
            ({'If-Match': etag}, 200),
            ({'If-Match': '*'}, 200),
            ({'If-Unmodified-Since': old}, 412),
            ({'If-Unmodified-Since': lm}, 200),
            ({'If-Unmodified-Since': later}, 200),
            ({'If-Unmodified-Since': 'not a date'}, 200),
            # If-Match wins over If-Unmodified-Since (13.2.2)
            ({'If-Match': etag, 'If-Unmodified-Since': old}, 200),
            ({'If-Unmodified-Since': old, 'Range': 'bytes=0-3'}, 412),
            ({'If-Match': '"nope"', 'If-None-Match': etag}, 412),
        ]
        bad = []
        for hdrs, want in cases:
            g = d.get('/notes.txt', hdrs)
            if g.status != want:
                bad.append('%r -> %d, want %d' % (hdrs, g.status, want))
            elif want == 412:
                try:
                    assert_error_page(g, 412, d)
                except AssertionError as e:
                    bad.append('%r: %s' % (hdrs, e))
        assert not bad, '\n'.join(bad)


def test_if_range_date_needs_a_strong_last_modified():
    """If-Range with a date is true only when Last-Modified is strong, at
    least a second before the response's Date (RFC 9110 13.1.5,
    8.8.2.2).  A file rewritten within the second of its Last-Modified,
    same size, used to give 206 of the new bytes to a client resuming the
    old ones."""
    with Daemon(FILES) as d:
        path = os.path.join(d.docroot, 'fresh.txt')
        shown = 0
        for _ in range(5):
            # early in a second, so the two requests fall within it
            time.sleep(1.0 - time.time() % 1.0 + 0.05)
            with open(path, 'wb') as f:
                f.write(b'abcdefgh')
            lm = d.get('/fresh.txt').get('Last-Modified')
            g = d.get('/fresh.txt', {'Range': 'bytes=0-1', 'If-Range': lm})
            if g.get('Date') != lm:
                continue        # the second turned meanwhile
            assert_status(g, 200)
            assert g.body == b'abcdefgh', g.body
            shown += 1
        assert shown > 0, 'no request within the second of its file'
        # an old file: its Last-Modified is strong, the range is served
        past = time.time() - 3600
        os.utime(path, (past, past))
        r = d.get('/fresh.txt')
        lm = r.get('Last-Modified')
        g = d.get('/fresh.txt', {'Range': 'bytes=0-1', 'If-Range': lm})
        assert_status(g, 206)
        assert g.body == b'ab', g.body
        g = d.get('/fresh.txt', {'Range': 'bytes=0-1',
                                 'If-Range': r.get('ETag')})
        assert_status(g, 206)


def test_single_range_is_206():
    with Daemon(FILES) as d:
        size = len(DIGITS)
        cases = [('bytes=0-9', 0, 9), ('bytes=10-19', 10, 19),
                 ('bytes=-5', size - 5, size - 1),
                 ('bytes=95-', 95, size - 1),
                 ('bytes=90-999999', 90, size - 1),
                 ('bytes=0-0', 0, 0), ('bytes=99-99', 99, 99)]
        for rng, first, last in cases:
            r = d.get('/digits.txt', {'Range': rng})
            assert_status(r, 206)
            assert r.body == DIGITS[first:last + 1], (rng, r.body)
            assert r.get('Content-Range') == 'bytes %d-%d/%d' % (
                first, last, size), (rng, r.head())
            assert r.get('Content-Length') == str(last - first + 1)


def test_unsatisfiable_range_is_416():
    with Daemon(FILES) as d:
        for rng in ('bytes=100-', 'bytes=1000-2000', 'bytes=100-100'):
            r = d.get('/digits.txt', {'Range': rng})
            assert_status(r, 416)
            assert r.get('Content-Range') == 'bytes */100', (rng, r.head())


def test_multiple_or_bad_ranges_give_the_whole_file():
    with Daemon(FILES) as d:
        for rng in ('bytes=0-1,5-6', 'bytes=0-1, 3-4', 'bytes=abc',
                    'items=0-1', 'bytes=5-2', 'bytes=', 'bytes=--1'):
            r = d.get('/digits.txt', {'Range': rng})
            assert_status(r, 200)
            assert r.body == DIGITS, rng


def test_range_with_head_and_keepalive():
    """Range is defined for GET only: HEAD ignores it (RFC 9110 14.2)."""
    with Daemon(FILES) as d, d.connect() as c:
        c.request('HEAD', '/digits.txt', {'Range': 'bytes=10-19'})
        h = c.read_response()
        assert_status(h, 200)
        assert h.body == b'' and h.get('Content-Length') == '100'
        c.request('GET', '/digits.txt', {'Range': 'bytes=10-19'})
        g = c.read_response()
        assert g.body == DIGITS[10:20]


def test_directory_redirect_and_index():
    with Daemon(FILES) as d:
        r = d.get('/dir')
        assert_status(r, 301)
        loc = r.get('Location') or ''
        assert loc.endswith('/dir/'), r.head()
        r = d.get('/dir?x=1')
        assert_status(r, 301)
        assert '/dir/' in (r.get('Location') or ''), r.head()
        r = d.get('/dir/')
        assert_status(r, 200)
        assert r.body == b'<p>dir index</p>\n'
        assert media(r) == 'text/html'
        r = d.get('/')
        assert r.body == b'<html>index</html>\n'


def test_directory_without_index_is_403():
    with Daemon(FILES) as d:
        r = d.get('/noindex/')
        assert_error_page(r, 403, d)
        assert b'one.txt' not in r.body


def test_autoindex_lists_escaped_names_without_dotfiles():
    with Daemon(FILES, config_lines=['autoindex on']) as d:
        r = d.get('/noindex/')
        assert_status(r, 200)
        assert media(r) == 'text/html'
        body = r.body
        assert b'one.txt' in body and b'sub' in body, body
        assert b'.hidden' not in body, body
        assert b'<b>&x' not in body, 'unescaped name in listing'
        assert b'&lt;b&gt;&amp;x' in body, body
        assert b'dir index' not in body
        assert d.tmp.encode() not in body, 'listing shows the host path'
        # the index file still wins where there is one
        assert d.get('/dir/').body == b'<p>dir index</p>\n'


def test_autoindex_hides_dot_directories():
    with Daemon(FILES, config_lines=['autoindex on']) as d:
        r = d.get('/')
        assert b'.htaccess' not in r.body
        for t in ('/.git/', '/noindex/.hidden'):
            assert_status(d.get(t), 404)


def test_unreadable_file_is_403():
    with Daemon(FILES) as d:
        r = d.get('/private.txt')
        assert_error_page(r, 403, d)
        assert b'root only' not in r.body


def test_unreadable_directory_is_403():
    files = dict(FILES)
    with Daemon(files) as d:
        os.chmod(d.path('noindex'), 0o700)
        r = d.get('/noindex/one.txt')
        assert_status(r, 403, 404)
        assert b'1\n' != r.body


def test_missing_is_404():
    with Daemon(FILES) as d:
        for t in ('/missing', '/dir/missing.html', '/notes.txt/x',
                  '/missing/'):
            r = d.get(t)
            assert_error_page(r, 404, d)


def test_big_file_with_curl():
    big = os.urandom(1 << 20) * 10
    with Daemon({'big.bin': big}) as d:
        p = d.curl('-o', os.path.join(d.tmp, 'got.bin'), '-w',
                   '%{http_code} %{size_download}', d.url('/big.bin'))
        assert p.returncode == 0, p.stderr
        assert p.stdout == '200 %d' % len(big), p.stdout
        with open(os.path.join(d.tmp, 'got.bin'), 'rb') as f:
            assert hashlib.sha256(f.read()).digest() == \
                hashlib.sha256(big).digest()
        # a range near the end through curl too
        tail = os.path.join(d.tmp, 'tail.bin')
        p = d.curl('-r', '%d-' % (len(big) - 10), '-o', tail, '-w',
                   '%{http_code}', d.url('/big.bin'))
        assert p.returncode == 0 and p.stdout == '206', (p.stdout, p.stderr)
        with open(tail, 'rb') as f:
            assert f.read() == big[-10:]


def test_many_concurrent_clients():
    import threading
    big = b'z' * (256 * 1024)
    with Daemon({'index.html': 'i\n', 'mid.bin': big}) as d:
        errors = []

        def worker():
            try:
                for _ in range(5):
                    r = d.get('/mid.bin', timeout=10)
                    if r.status != 200 or r.body != big:
                        errors.append(r.status)
            except Exception as e:       # collected, asserted below
                errors.append(repr(e))
        ts = [threading.Thread(target=worker) for _ in range(16)]
        for t in ts:
            t.start()
        for t in ts:
            t.join(30)
        assert not errors, errors[:5]
