# SPDX-License-Identifier: ISC
"""
test_sandbox_stderr: what a script writes to stderr reaches the log, one
line per line, as "cgi[ID] /cgi-bin/NAME: text", escaped once (no raw
control byte ever reaches the log), long lines cut, and a flood capped
with a note of how much was dropped, then its last lines (where a
traceback is).
"""

import random
import re

from cgijail_test import (ERROR_RE, Daemon, assert_status,
                          assert_still_serving, fixture, rid_of, wait_until)

FLOOD_BYTES = 1 << 20
FLOOD_WIDTH = 99        # flood.sh folds its F's into lines this long


def stderr_texts(d, rid, name):
    """The text of each "cgi[RID] /cgi-bin/NAME: text" line the front
    logged (the executor's lines, "exit 0", have the same prefix)."""
    prefix = 'cgi[%d] /cgi-bin/%s: ' % (rid, name)
    out = []
    for ln in d.log().splitlines():
        i = ln.find(prefix)
        if i >= 0 and ' front rid=' in ln[:i]:
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
        # at most the cap and the tail's last lines (2 KiB); fewer when
        # the log channel is full (the front never blocks on it), but
        # then that is counted as dropped too
        assert 1 <= len(logged) <= 700, '%d lines logged' % len(logged)
        # the flood's last line is short (1 MiB is not a multiple of 99)
        assert all(t == 'F' * FLOOD_WIDTH for t in logged[:-1]), \
            'lines mangled'
        assert set(logged[-1]) == {'F'}, 'last line mangled'
        # every byte, newlines included, is either logged or counted
        lines = -(-FLOOD_BYTES // FLOOD_WIDTH)
        assert dropped + sum(len(t) + 1 for t in logged) == \
            FLOOD_BYTES + lines, (dropped, len(logged))
        assert len(d.log_bytes()) < 512 * 1024, 'the flood reached the log'
        assert_still_serving(d)


TRACEBACK = ('#!/bin/sh\n'
             '{ head -c 204800 /dev/zero | tr "\\0" F | fold -w 99; echo; }'
             ' >&2\n'
             'echo "Traceback (most recent call last):" >&2\n'
             'echo \'  File "app.py", line 7, in <module>\' >&2\n'
             'echo "ValueError: the end of it" >&2\n'
             'printf "Content-Type: text/plain\\n\\nok"\n')


def test_flood_then_traceback_logs_its_last_lines():
    """200 KiB of stderr, then a traceback: the first 64 KiB are logged,
    a note says how much was not, then the last lines are, the traceback
    whole and last (it was lost with the rest of the flood).  Every byte
    is still logged or counted."""
    files = {'cgi-bin/tb.sh': TRACEBACK, 'cgi-bin/ok.sh': fixture('ok.sh')}
    with Daemon(files) as d:
        r = d.get('/cgi-bin/tb.sh', timeout=20)
        assert_status(r, 200)
        rid = rid_of(d, '/cgi-bin/tb.sh')
        assert wait_until(lambda: any(t.startswith('ValueError') for t in
                                      stderr_texts(d, rid, 'tb.sh')), 3.0), \
            'the traceback is not in the log:\n' + d.log_tail()
        texts = stderr_texts(d, rid, 'tb.sh')
        notes = [i for i, t in enumerate(texts) if 'more bytes' in t]
        assert len(notes) == 1, notes
        raw = ['Traceback (most recent call last):',
               '  File "app.py", line 7, in <module>',
               'ValueError: the end of it']
        # the log escapes '"' as it does every quote
        assert texts[-3:] == [t.replace('"', '\\"') for t in raw], \
            texts[-4:]
        assert notes[0] < len(texts) - 3, 'the note is not before them'
        dropped = int(re.search(r'(\d+) more bytes', texts[notes[0]])
                      .group(1))
        fs = [t for t in texts if t.startswith('F')]
        # 204800 is not a multiple of 99: the flood's last line is short
        assert all(t == 'F' * FLOOD_WIDTH for t in fs[:-1]), 'mangled'
        assert fs[-1] == 'F' * (204800 % FLOOD_WIDTH), fs[-1]
        tb = sum(len(t) + 1 for t in raw)
        total = 204800 + -(-204800 // FLOOD_WIDTH) + tb
        assert dropped + sum(len(t) + 1 for t in fs) + tb == total, (
            dropped, len(fs))
        assert_still_serving(d)
