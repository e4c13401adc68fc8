# SPDX-License-Identifier: ISC
"""
test_static_cache: the front keeps files it served open (static_cache.c)
and never serves what a change made before the request replaced: each
test fetches a file until it is cached, changes the tree, and fetches
again at once, with no pause, expecting exactly what a front that walks
and opens every request would answer (the old bytes, size and ETag
never).  Replace by rename, rewrite in place (same size, other size,
through another hard link), delete, chmod of the file and of a
directory above it, a symlink swapped in (to a file inside, to one
outside the root, to a dot file, into the CGI directory), a directory
replaced by another and by a symlink, a change while a big file is
still being sent from the kept descriptor, and a change seen by every
request of one turn of the front's loop (which share one look at the
change queue).
"""

import os
import signal
import threading
import time

from cgijail_test import Conn, Daemon

SCRIPT = ('#!/bin/sh\nprintf "Content-Type: text/plain\\n\\nran"\n', 0o755)
FILES = {
    'index.html': '<p>cache</p>\n',
    'f.txt': 'old contents\n',
    'other.txt': 'the other file\n',
    '.hidden': 'dot file: never served\n',
    'd/g.txt': 'old g\n',
    'e/g.txt': 'e g\n',
    'cgi-bin/run.sh': SCRIPT,
}
ROUNDS = 5


def _warm(d, path, body):
    for _ in range(3):
        r = d.get(path)
        assert r.status == 200 and r.body == body, (r.status, r.body[:80])
    return r


def _write(path, data):
    if os.path.lexists(path):
        os.unlink(path)     # a link: replaced, never written through
    with open(path, 'wb') as f:
        f.write(data)
    os.chmod(path, 0o644)


def test_replace_by_rename_is_seen_at_once():
    with Daemon(FILES) as d:
        body = b'old contents\n'
        for i in range(ROUNDS):
            old = _warm(d, '/f.txt', body)
            body = b'new contents %d, longer each time %s\n' % (i, b'x' * i)
            tmp = d.path('.f.tmp')
            _write(tmp, body)
            os.rename(tmp, d.path('f.txt'))
            r = d.get('/f.txt')
            assert r.status == 200 and r.body == body, (i, r.body)
            assert r.get('ETag') != old.get('ETag')


def test_rewrite_in_place_same_size_and_other_size():
    with Daemon(FILES) as d:
        _warm(d, '/f.txt', b'old contents\n')
        with open(d.path('f.txt'), 'r+b') as f:
            f.write(b'OLD CONTENTS\n')      # same size
        r = d.get('/f.txt')
        assert r.body == b'OLD CONTENTS\n', r.body
        _warm(d, '/f.txt', b'OLD CONTENTS\n')
        with open(d.path('f.txt'), 'r+b') as f:
            f.truncate(0)
            f.write(b'shorter\n')
        r = d.get('/f.txt')
        assert r.body == b'shorter\n' and \
            r.get('Content-Length') == '8', (r.headers, r.body)


def test_write_through_another_hard_link():
    with Daemon(FILES) as d:
        os.makedirs(d.path('links'), 0o755)
        os.link(d.path('f.txt'), d.path('links/same.txt'))
        _warm(d, '/f.txt', b'old contents\n')
        with open(d.path('links/same.txt'), 'ab') as f:
            f.write(b'appended through the other name\n')
        r = d.get('/f.txt')
        assert r.body == b'old contents\nappended through the other ' \
            b'name\n', r.body


def test_delete_then_recreate():
    with Daemon(FILES) as d:
        _warm(d, '/f.txt', b'old contents\n')
        os.unlink(d.path('f.txt'))
        assert d.get('/f.txt').status == 404
        _write(d.path('f.txt'), b'back\n')
        assert d.get('/f.txt').body == b'back\n'


def test_chmod_file_and_directory_unreadable():
    with Daemon(FILES) as d:
        _warm(d, '/f.txt', b'old contents\n')
        os.chmod(d.path('f.txt'), 0o600)    # root's: not the front's
        assert d.get('/f.txt').status == 403
        os.chmod(d.path('f.txt'), 0o644)
        _warm(d, '/d/g.txt', b'old g\n')
        os.chmod(d.path('d'), 0o700)        # the front may not search it
        assert d.get('/d/g.txt').status == 403
        os.chmod(d.path('d'), 0o755)
        assert d.get('/d/g.txt').body == b'old g\n'


def _swap_link(d, name, target):
    tmp = d.path('.swap.tmp')
    os.symlink(target, tmp)
    os.rename(tmp, d.path(name))


def test_symlink_swapped_in_follows_the_path_rules():
    with Daemon(FILES) as d:
        outside = os.path.join(d.tmp, 'outside.txt')
        _write(outside, b'OUTSIDE-THE-ROOT\n')
        _warm(d, '/f.txt', b'old contents\n')
        _swap_link(d, 'f.txt', 'other.txt')
        r = d.get('/f.txt')
        assert r.status == 200 and r.body == b'the other file\n', r.body
        _warm(d, '/other.txt', b'the other file\n')
        _swap_link(d, 'other.txt', '../outside.txt')
        r = d.get('/other.txt')
        assert r.status in (403, 404) and b'OUTSIDE' not in r.body, r
        _write(d.path('f.txt'), b'plain again\n')   # the link replaced
        _warm(d, '/f.txt', b'plain again\n')
        _swap_link(d, 'f.txt', '.hidden')
        r = d.get('/f.txt')
        assert r.status == 404 and b'dot file' not in r.body, r
        _write(d.path('f.txt'), b'plain again\n')
        _warm(d, '/f.txt', b'plain again\n')
        _swap_link(d, 'f.txt', 'cgi-bin/run.sh')
        r = d.get('/f.txt')
        assert b'#!/bin/sh' not in r.body, r.body


def test_directory_replaced_by_another_and_by_a_symlink():
    with Daemon(FILES) as d:
        _warm(d, '/d/g.txt', b'old g\n')
        os.rename(d.path('d'), d.path('d-old'))
        os.mkdir(d.path('d'), 0o755)
        _write(d.path('d/g.txt'), b'new g\n')
        assert d.get('/d/g.txt').body == b'new g\n'
        _warm(d, '/d/g.txt', b'new g\n')
        _swap_dir = d.path('.dswap')
        os.symlink('e', _swap_dir)
        # a directory cannot be renamed over by a symlink: move it away
        os.rename(d.path('d'), d.path('d-new'))
        os.rename(_swap_dir, d.path('d'))
        r = d.get('/d/g.txt')
        assert r.status == 200 and r.body == b'e g\n', r.body


def test_replaced_while_a_big_file_is_being_sent():
    big = os.urandom(4 << 20)
    with Daemon(dict(FILES, **{'big.bin': big})) as d:
        assert d.get('/big.bin').body == big
        assert d.get('/big.bin').body == big
        c = Conn(d, rcvbuf=16384)
        try:
            c.request('GET', '/big.bin')
            # most of the answer waits in the front, on the kept descriptor
            time.sleep(0.3)
            newer = b'small now\n'
            tmp = d.path('.big.tmp')
            _write(tmp, newer)
            os.rename(tmp, d.path('big.bin'))
            assert d.get('/big.bin').body == newer
            r = c.read_response(timeout=30)
            # the first answer is whole, and is the file it began with
            assert r.status == 200 and r.body == big, len(r.body)
            c.request('GET', '/big.bin')
            assert c.read_response().body == newer
        finally:
            c.close()
        assert d.get('/big.bin').body == newer


def test_conditional_head_and_range_answers_keep_the_descriptor():
    """304, HEAD, 206 and 416 from a kept file: none of them may close
    the descriptor the next requests are served from."""
    big = bytes(range(256)) * 256           # 64 KiB: sent from the file
    with Daemon(dict(FILES, **{'big.bin': big})) as d:
        for path, body in (('/f.txt', b'old contents\n'), ('/big.bin', big)):
            r = _warm(d, path, body)
            etag = r.get('ETag')
            for _ in range(2):
                assert d.get(path, [('If-None-Match', etag)]).status == 304
                h = d.http('HEAD', path)
                assert h.status == 200 and h.body == b'' and \
                    h.get('Content-Length') == str(len(body))
                p = d.get(path, [('Range', 'bytes=3-9')])
                assert p.status == 206 and p.body == body[3:10], p
                assert d.get(path, [('Range', 'bytes=%d-' % (
                    len(body) + 5))]).status == 416
                r = d.get(path)
                assert r.status == 200 and r.body == body


def test_kept_file_answers_with_the_same_head():
    """The head lines kept with a file are the ones a walk gives."""
    with Daemon(dict(FILES, **{'s/style.css': 'p { }\n'})) as d:
        for path in ('/s/style.css', '/index.html', '/f.txt'):
            first = d.get(path)         # walked and opened
            for _ in range(2):
                r = d.get(path)         # kept
                assert [h for h in r.headers if h[0] != 'Date'] == \
                    [h for h in first.headers if h[0] != 'Date'], \
                    (first.headers, r.headers)
            assert first.get('Content-Type') in ('text/css',
                                                 'text/html', 'text/plain')


def test_mapped_file_cut_short_while_served_never_kills_the_front():
    """A kept small file is sent from a mapping: cut short and written
    again in place while requests come, it may give a short or refused
    answer, never a dead front (SIGBUS) or bytes it never held."""
    a, b = b'A' * 8192, b'B' * 8192
    with Daemon(dict(FILES, **{'m.bin': a})) as d:
        stop = threading.Event()

        def churn():
            with open(d.path('m.bin'), 'r+b') as f:
                while not stop.is_set():
                    f.truncate(0)
                    f.seek(0)
                    f.write(b)
                    f.flush()
                    f.truncate(0)
                    f.seek(0)
                    f.write(a)
                    f.flush()
        t = threading.Thread(target=churn)
        t.start()
        seen = 0
        try:
            deadline = time.monotonic() + 5
            while seen < 300 and time.monotonic() < deadline:
                try:
                    r = d.get('/m.bin', timeout=5)
                except (OSError, AssertionError):
                    continue        # cut short: allowed
                seen += 1
                assert r.status in (200, 404, 500), r.status
                assert set(r.body) <= {0x41, 0x42}, r.body[:40]
        finally:
            stop.set()
            t.join()
        d.assert_not_restarted()
        assert seen > 0
        with open(d.path('m.bin'), 'wb') as f:
            f.write(a)
        assert d.get('/m.bin').body == a


def test_a_change_is_seen_by_every_request_of_one_turn():
    """Requests that reach the front together share one look at the
    change queue, made after all of them came.  With the front stopped,
    the file is replaced, then eight kept-alive connections (each in
    the epoll set, the file kept) send a request each, one sends two
    pipelined, and a new connection sends one: the front's next turn
    finds them all, and every answer is the new file."""
    with Daemon(FILES) as d:
        old = b'old contents\n'
        _warm(d, '/f.txt', old)
        conns = [Conn(d) for _ in range(8)]
        try:
            for c in conns:
                c.request('GET', '/f.txt')
                r = c.read_response()
                assert r.status == 200 and r.body == old, (r.status, r.body)
            front = d.wait_pids()['front']
            for i in range(ROUNDS):
                body = b'turn %d: new contents %s\n' % (i, b'y' * i)
                os.kill(front, signal.SIGSTOP)
                try:
                    tmp = d.path('.f.tmp')
                    _write(tmp, body)
                    os.rename(tmp, d.path('f.txt'))
                    for j, c in enumerate(conns):
                        for _ in range(2 if j == 0 else 1):
                            c.request('GET', '/f.txt')
                    fresh = Conn(d)
                    fresh.request('GET', '/f.txt')
                    time.sleep(0.2)     # every request in its socket
                finally:
                    os.kill(front, signal.SIGCONT)
                try:
                    for j, c in enumerate(conns + [fresh]):
                        for r in c.read_responses(2 if j == 0 else 1):
                            assert r.status == 200 and r.body == body, \
                                (i, j, r.status, r.body)
                finally:
                    fresh.close()
        finally:
            for c in conns:
                c.close()
        d.assert_not_restarted()
