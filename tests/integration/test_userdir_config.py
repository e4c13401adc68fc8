# SPDX-License-Identifier: ISC
"""
test_userdir_config: the userdir keywords as an operator meets them
(issue 12): bad values are FILE:LINE errors with -n and at start; -n
names the students it will serve, and why a directory it will not serve
is refused; `userdir-writable data` gives each student's script one
directory it may write, its own, and no one else's; `userdir-debug on`
shows a student the reason of a 403 and their script's stderr tail on
the page, while the main site's pages stay quiet.
"""

import os
import re

from cgijail_test import (DAEMON, Daemon, Students, assert_status, fixture,
                          port_listening)

FAIL_SH = ('#!/bin/sh\necho "TRACE-$QUERY_STRING: it broke" >&2\n'
           'exit 3\n', 0o755)
WRITE_SH = ('#!/bin/sh\nprintf "Content-Type: text/plain\\n\\n"\n'
            'IFS=,\nfor p in $QUERY_STRING; do\n'
            '  if echo "by $(id -u)" > "$p" 2>/dev/null; then\n'
            '    echo "$p=written"\n  else\n    echo "$p=refused"\n'
            '  fi\ndone\n', 0o755)


def _fails(lines, lineno, *words):
    d = Daemon(config_lines=lines, start=False)
    for extra in (['-n'], []):
        p = d.run(timeout=10, extra_args=extra)
        assert p.returncode == 1, (lines, extra, p.returncode, p.stderr)
        want = '%s:%d: ' % (d.conf, lineno)
        assert want in p.stderr, (lines, want, p.stderr)
        for w in words:
            assert w in p.stderr, (lines, w, p.stderr)
        assert not port_listening(d.port)


def test_bad_userdir_values_are_file_line_errors():
    cases = [
        (['userdir /home'], 1, 'relative'),
        (['userdir ../x'], 1, "'..'"),
        (['userdir ""'], 1, 'empty'),
        (['userdir public_html', 'userdir-min-uid 0'], 2, '1-'),
        (['userdir public_html', 'userdir-max-scripts 0'], 2, '1-'),
        (['userdir public_html', 'userdir-writable /data'], 2, 'relative'),
        (['userdir public_html', 'userdir-writable ../../etc'], 2, "'..'"),
        (['userdir-writable data'], 1, 'without userdir'),
        (['userdir public_html', 'userdir-debug maybe'], 2, "'on' or"),
        (['userdir public_html', 'userdir-limits relative.txt'], 2,
         'absolute'),
        (['userdir public_html', 'userdir-limits /nonexistent/x.limits'], 2,
         'No such file'),
    ]
    for lines, lineno, word in cases:
        _fails(lines, lineno, word)


def test_n_names_the_students_it_serves():
    with Students() as s:
        alice = s.add('alice')
        unsafe = s.add('unsafe', dir_mode=0o777)
        nodir = s.add('nodir', public=False)
        d = Daemon(config_lines=['userdir public_html', 'userdir-min-uid 500',
                                 'userdir-max-scripts 3',
                                 'userdir-writable data', 'userdir-debug on'],
                   start=False)
        p = d.run(timeout=10, argv=[DAEMON, '-n', '-c', d.conf])
        assert p.returncode == 0, p.stderr
        out = p.stdout
        for want in ('userdir public_html', 'userdir-min-uid 500',
                     'userdir-max-scripts 3', 'userdir-writable data',
                     'userdir-debug on'):
            assert re.search(r'^%s$' % want, out, re.M), (want, out)
        assert re.search(r'^# userdir: serves %s \(uid %d\) at %s$' % (
            alice, s.uid(alice), re.escape(s.path(alice))), out, re.M), out
        assert re.search(r'^# userdir: %s: .*writable by group or others' %
                         unsafe, out, re.M), out
        assert nodir not in out, out
        # the defaults, without the keywords
        d2 = Daemon(start=False)
        p = d2.run(timeout=10, argv=[DAEMON, '-n', '-d', d2.docroot])
        assert p.returncode == 0, p.stderr
        for want in ('userdir-min-uid 1000', 'userdir-max-scripts 4',
                     'userdir-debug off'):
            assert re.search(r'^%s$' % want, p.stdout, re.M), p.stdout


def test_writable_directory_is_the_students_own():
    with Students() as s:
        alice, bob = s.add('alice'), s.add('bob')
        for who in (alice, bob):
            s.write(who, 'cgi-bin/write.sh', WRITE_SH)
            s.mkdir(who, 'data', 0o755)
        carol = s.add('carol')
        s.write(carol, 'cgi-bin/write.sh', WRITE_SH)
        s.mkdir(carol, 'data', 0o775)       # her group could write it
        with Daemon({'index.html': 'main\n', 'cgi-bin/write.sh': WRITE_SH,
                     'cgi-bin/ok.sh': fixture('ok.sh')},
                    config_lines=['userdir public_html',
                                  'userdir-writable data']) as d:
            q = ','.join([s.path(alice, 'data/note.txt'),
                          s.path(alice, 'top.txt'),
                          s.path(bob, 'data/note.txt'), '/tmp/t.txt'])
            r = d.get('/~%s/cgi-bin/write.sh?%s' % (alice, q))
            assert_status(r, 200)
            got = dict(ln.split('=') for ln in r.text.split())
            assert got == {s.path(alice, 'data/note.txt'): 'written',
                           s.path(alice, 'top.txt'): 'refused',
                           s.path(bob, 'data/note.txt'): 'refused',
                           '/tmp/t.txt': 'written'}, got
            st = os.stat(s.path(alice, 'data/note.txt'))
            assert (st.st_uid, st.st_gid) == (s.uid(alice), s.gid(alice)), st
            assert not os.path.exists(s.path(bob, 'data/note.txt'))
            # bob writes his own
            r = d.get('/~%s/cgi-bin/write.sh?%s' % (
                bob, s.path(bob, 'data/note.txt')))
            assert r.text.split() == ['%s=written' %
                                      s.path(bob, 'data/note.txt')], r
            # a data directory others may write is refused, not shared
            r = d.get('/~%s/cgi-bin/write.sh?x' % carol)
            assert_status(r, 403)
            assert d.wait_log(r'/~%s/cgi-bin/write.sh: forbidden: .*data.*'
                              r'writable by group' % carol), d.log_tail()
            # the main site has no writable directory of a student's
            r = d.get('/cgi-bin/write.sh?%s' % s.path(alice, 'data/x'))
            assert r.text.split() == ['%s=refused' %
                                      s.path(alice, 'data/x')], r


def test_userdir_debug_shows_students_their_errors_only():
    with Students() as s:
        alice, bob = s.add('alice'), s.add('bob')
        s.write(alice, 'cgi-bin/fail.sh', FAIL_SH)
        s.write(alice, 'cgi-bin/planted.sh', FAIL_SH, owner=bob)
        with Daemon({'index.html': 'main\n', 'cgi-bin/fail.sh': FAIL_SH,
                     'cgi-bin/ok.sh': fixture('ok.sh')},
                    config_lines=['userdir public_html',
                                  'userdir-debug on']) as d:
            r = d.get('/~%s/cgi-bin/fail.sh?a1' % alice)
            assert_status(r, 500)
            assert b'TRACE-a1: it broke' in r.body, r.body
            r = d.get('/~%s/cgi-bin/planted.sh' % alice)
            assert_status(r, 403)
            assert b'not owned by' in r.body, r.body
            r = d.get('/cgi-bin/fail.sh?m1')
            assert_status(r, 500)
            assert b'TRACE' not in r.body and b'<pre>' not in r.body, r.body
            r = d.get('/nosuchfile')
            assert_status(r, 404)
            assert b'<pre>' not in r.body, r.body
