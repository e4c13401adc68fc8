# SPDX-License-Identifier: ISC
"""
test_sandbox_status: how each way a script can be wrong reaches the
client: 404 for a missing script, 403 for one that must not run (mode,
owner, setuid, symlinks out), 500 for one that ran badly.  The error
pages are the fixed ones, never with a path or the script's stderr,
unless --debug puts the stderr tail in the 500 page.
"""

import os
import random

from cgijail_test import (Daemon, Symlink, assert_error_page, assert_status,
                          assert_still_serving, fixture, wait_until)

NOBODY = 65534
OK_SH = '#!/bin/sh\nprintf "Content-Type: text/plain\\n\\nran"\n'


def check_statuses(d, cases):
    bad = []
    for path, status in cases:
        try:
            r = d.get(path)
            assert_error_page(r, status, d)
            assert b'ran' not in r.body and b'SECRET' not in r.body, r.body
        except AssertionError as e:
            bad.append('%s: %s' % (path, str(e)[:300]))
        assert_still_serving(d)
    assert not bad, '\n'.join(bad)


def test_scripts_that_must_not_run_are_403():
    files = {
        'cgi-bin/ok.sh': fixture('ok.sh'),
        'cgi-bin/noexec.sh': (OK_SH, 0o644),
        'cgi-bin/groupw.sh': (OK_SH, 0o775),
        'cgi-bin/otherw.sh': (OK_SH, 0o757),
        'cgi-bin/nobody.sh': (OK_SH, 0o755),
        'cgi-bin/setuid.sh': (OK_SH, 0o4755),
        'cgi-bin/setgid.sh': (OK_SH, 0o2755),
        'cgi-bin/shell': Symlink('/bin/sh'),
        'cgi-bin/outside.sh': Symlink('../../outside.sh'),
    }
    d = Daemon(files, start=False)
    os.chown(d.path('cgi-bin/nobody.sh'), NOBODY, NOBODY)
    # chown clears the mode's setuid/setgid bits only for the chowned file
    outside = os.path.join(d.tmp, 'outside.sh')
    with open(outside, 'w') as f:
        f.write(OK_SH)
    os.chmod(outside, 0o755)
    for name, mode in (('setuid.sh', 0o4755), ('setgid.sh', 0o2755)):
        os.chmod(d.path('cgi-bin/' + name), mode)
    with d.start():
        check_statuses(d, [
            ('/cgi-bin/noexec.sh', 403),
            ('/cgi-bin/groupw.sh', 403),
            ('/cgi-bin/otherw.sh', 403),
            ('/cgi-bin/nobody.sh', 403),
            ('/cgi-bin/setuid.sh', 403),
            ('/cgi-bin/setgid.sh', 403),
            ('/cgi-bin/shell', 403),
            ('/cgi-bin/outside.sh', 403),
        ])
        # each refusal is logged with its reason
        for name in ('noexec.sh', 'groupw.sh', 'nobody.sh', 'setuid.sh'):
            assert d.wait_log(r'/cgi-bin/%s: forbidden: \S' %
                              name.replace('.', r'\.')), d.log_tail()


def test_missing_script_is_404():
    files = {'cgi-bin/ok.sh': fixture('ok.sh')}
    with Daemon(files) as d:
        check_statuses(d, [('/cgi-bin/missing.sh', 404),
                           ('/cgi-bin/missing.sh/path/info', 404),
                           ('/cgi-bin/sub/missing.sh', 404)])


# crash.sh's kill -SEGV $$ is sent by the pid namespace's init to itself,
# which the kernel ignores; segv.py takes a real fault
FAILING = ('noheader.sh', 'garbage.sh', 'crash.sh', 'segv.py',
           'badinterp.cgi', 'empty.sh')


def test_scripts_that_fail_are_500_without_details():
    files = {'cgi-bin/' + n: fixture(n) for n in FAILING + ('ok.sh',)}
    with Daemon(files) as d:
        check_statuses(d, [('/cgi-bin/%s?x' % n, 500) for n in FAILING])
        for rx, what in (
                (r'cgi\[\d+\] /cgi-bin/noheader\.sh: SECRET-STDERR-x',
                 'stderr'),
                (r'cgi\[\d+\] /cgi-bin/segv\.py: .*SIGSEGV', 'the crash'),
                (r'cgi\[\d+\] /cgi-bin/badinterp\.cgi: .*'
                 r'(interpreter|No such file)', 'the bad interpreter'),
                (r'cgi\[\d+\] /cgi-bin/garbage\.sh: .*header', 'garbage')):
            assert d.wait_log(rx, 3.0), '%s is not logged' % what


def test_debug_page_has_the_stderr_tail():
    token = '%08x' % random.randrange(1 << 32)
    files = {'cgi-bin/noheader.sh': fixture('noheader.sh'),
             'cgi-bin/ok.sh': fixture('ok.sh')}
    with Daemon(files, args=['--debug']) as d:
        r = d.get('/cgi-bin/noheader.sh?' + token)
        assert_status(r, 500)
        assert ('SECRET-STDERR-' + token).encode() in r.body, r.body
        assert b'<title>500' in r.body, r.body
        assert wait_until(lambda: 'SECRET-STDERR-' + token in d.log(), 2)
        assert_still_serving(d)
