# SPDX-License-Identifier: ISC
"""
test_sandbox_stderr: what a script writes to stderr reaches the log, one
line per line, as "cgi[ID] /cgi-bin/NAME: text", escaped once (no raw
control byte ever reaches the log), long lines cut, and a flood capped
with a note of how much was dropped.
"""

import random
import re

from cgijail_test import (ERROR_RE, Daemon, assert_status,
                          assert_still_serving, fixture, rid_of, wait_until)

FLOOD_BYTES = 1 << 20
FLOOD_WIDTH = 99        # flood.sh folds its F's into lines this long


def stderr_texts(d, rid, name):
    """The text of each "cgi[RID] /cgi-bin/NAME: text" log line."""
    prefix = 'cgi[%d] /cgi-bin/%s: ' % (rid, name)
    out = []
    for ln in d.log().splitlines():
        i = ln.find(prefix)
        if i >= 0:
            out.append(ln[i + len(prefix):])
    return out


def test_stderr_lines_are_logged_escaped():
    mark = '%08x' % random.randrange(1 << 32)
    files = {'cgi-bin/stderr.sh': fixture('stderr.sh'),
             'cgi-bin/ok.sh': fixture('ok.sh')}
    with Daemon(files) as d:
        r = d.get('/cgi-bin/stderr.sh?' + mark)
        assert_status(r, 200)
        assert r.body == b'ok', r
        rid = rid_of(d, '/cgi-bin/stderr.sh?' + mark)
        assert wait_until(lambda: 'no newline at the end' in '\n'.join(
            stderr_texts(d, rid, 'stderr.sh')), 3.0), d.log_tail()
        texts = stderr_texts(d, rid, 'stderr.sh')
        assert 'plain stderr line ' + mark in texts, texts
        # ESC arrives escaped exactly once: one backslash, then its code
        esc = [t for t in texts if t.startswith('esc:')]
        assert len(esc) == 1, texts
        assert re.match(r'^esc:(\\e|\\033|\\x1b|\\\^\[)\[31mred'
                        r'(\\e|\\033|\\x1b|\\\^\[)\[0m:end$', esc[0]), \
            'ESC escaped as %r' % esc[0]
        longs = [t for t in texts if t.startswith('LLLL')]
        assert longs and max(len(t) for t in longs) >= 1000, texts
        assert all(set(t) == {'L'} for t in longs), 'long line mangled'
        raw = d.log_bytes()
        assert b'\x1b' not in raw, 'a raw ESC reached the log'
        assert max(len(ln) for ln in raw.split(b'\n')) <= 8192
        assert_still_serving(d)


def test_stderr_lines_carry_the_request_id():
    """STYLE: every log line carries its role and request id."""
    mark = '%08x' % random.randrange(1 << 32)
    files = {'cgi-bin/stderr.sh': fixture('stderr.sh'),
             'cgi-bin/ok.sh': fixture('ok.sh')}
    with Daemon(files) as d:
        assert_status(d.get('/cgi-bin/stderr.sh?' + mark), 200)
        rid = rid_of(d, '/cgi-bin/stderr.sh?' + mark)
        line = d.wait_log(re.escape('plain stderr line ' + mark), 3.0)
        m = ERROR_RE.match(line or '')
        assert m, line
        assert m.group('rid') == str(rid), line
        assert_still_serving(d)


def test_stderr_flood_is_capped():
    files = {'cgi-bin/flood.sh': fixture('flood.sh'),
             'cgi-bin/ok.sh': fixture('ok.sh')}
    with Daemon(files) as d:
        r = d.get('/cgi-bin/flood.sh', timeout=20)
        assert_status(r, 200)
        assert r.body == b'ok', r
        rid = rid_of(d, '/cgi-bin/flood.sh')
        note = d.wait_log(r'cgi\[%d\] /cgi-bin/flood\.sh: (\d+) more bytes'
                          % rid, 3.0)
        assert note, 'no note of dropped stderr:\n' + d.log_tail()
        dropped = int(re.search(r'(\d+) more bytes', note).group(1))
        logged = [t for t in stderr_texts(d, rid, 'flood.sh')
                  if t.startswith('FFFF')]
        # at most the cap; fewer when the log channel is full (the front
        # never blocks on it), but then that is counted as dropped too
        assert 1 <= len(logged) <= 700, '%d lines logged' % len(logged)
        assert all(t == 'F' * FLOOD_WIDTH for t in logged), 'lines mangled'
        # every byte, newlines included, is either logged or counted
        lines = -(-FLOOD_BYTES // FLOOD_WIDTH)
        assert dropped + len(logged) * (FLOOD_WIDTH + 1) == \
            FLOOD_BYTES + lines, (dropped, len(logged))
        assert len(d.log_bytes()) < 512 * 1024, 'the flood reached the log'
        assert_still_serving(d)
