# SPDX-License-Identifier: ISC
"""
test_ready_config: a configuration the sandbox cannot apply stops the
start with "FILE:LINE: message" and exit 1, both with -n and at a real
start, before anything is bound (issue 10, "fail fast"); jail-bind and
jail-bind-rw work for any absolute path, including paths under /tmp,
and only /, /proc, /dev and /tmp themselves are refused; a role that
fails its first start makes the daemon exit 1 with the role's reason,
never a restart loop.

The role failure is provoked where the parent does not look: the
daemon runs under tests/helpers/denysys, whose seccomp filter makes
pivot_root(2) fail with EPERM.  The roles' setup needs it (the
executor's jail, the front's own root); the parent never calls it, so
it binds, starts both roles, and one of them fails its setup.  Nothing
on the host is touched, so there is nothing to restore.
"""

import os
import pwd
import re
import shutil
import tempfile
import time

from cgijail_test import (Daemon, DaemonError, ProtocolError, SLOW,
                          assert_status, helper_path, port_listening)

HERE = os.path.dirname(os.path.abspath(__file__))
NOBODY = pwd.getpwnam('nobody').pw_uid


def fixture(name, mode=0o755):
    """A script from tests/integration/cgi-bin, as a docroot_files value."""
    with open(os.path.join(HERE, 'cgi-bin', name), 'rb') as f:
        return (f.read(), mode)


def _tmpdir(parent='/tmp', owner=None):
    """A directory made by mktemp under parent, mode 0755."""
    d = tempfile.mkdtemp(prefix='cgijail-ready-', dir=parent)
    os.chmod(d, 0o755)
    if owner is not None:
        os.chown(d, owner, owner)
    return d


def _get(d, path, what):
    """d.get(path), or a failure saying that no answer came."""
    try:
        return d.get(path)
    except (ProtocolError, OSError) as e:
        raise AssertionError('%s: GET %s got no response (%s); log:\n%s' % (
            what, path, e, d.log_tail(12))) from None


def _outcome(d, extra_args):
    """One foreground run that must end by itself: (status, stderr), or
    (None, why) if it served or hung instead (then it was killed)."""
    try:
        p = d.run(timeout=5, extra_args=extra_args, watch_port=True)
    except DaemonError as e:
        return None, str(e)[:1500]
    return p.returncode, p.stderr


def _check_refused(lines, lineno, words, root_in_config=False):
    """The config fails at line lineno with -n and at a real start: exit
    1, "FILE:LINE:" and each of words on stderr, nothing bound.  Returns
    a list of what was wrong (empty if nothing)."""
    bad = []
    d = Daemon(config_lines=lines, start=False)
    if root_in_config:
        d.pass_docroot = False
    for mode, extra in (('-n', ['-n']), ('start', None)):
        rc, err = _outcome(d, extra)
        where = '%r (%s)' % (lines[lineno - 1], mode)
        if rc is None:
            bad.append('%s: not refused: %s' % (where, err))
            continue
        want = '%s:%d: ' % (d.conf, lineno)
        if rc != 1:
            bad.append('%s: exit %s, expected 1; stderr %r' % (
                where, rc, err[-500:]))
        elif want not in err:
            bad.append('%s: no %r on stderr (FILE:LINE: message): %r' % (
                where, want, err[-500:]))
        else:
            missing = [w for w in words if w.lower() not in err.lower()]
            if missing:
                bad.append('%s: message does not name %r: %r' % (
                    where, missing, err[-500:]))
        if port_listening(d.port):
            bad.append('%s: port bound despite the error' % where)
    return bad


def test_jail_bind_under_tmp_is_visible_at_its_path():
    """jail-bind of a mktemp directory under /tmp: the script reads a
    file there at the same absolute path (today: -n passes, then the
    executor refuses the target at start and every CGI request fails)."""
    bound = _tmpdir()
    try:
        data = os.path.join(bound, 'data.txt')
        with open(data, 'w') as f:
            f.write('bound under tmp\n')
        os.chmod(data, 0o644)
        files = {'cgi-bin/readfile.sh': fixture('readfile.sh')}
        d = Daemon(files, config_lines=['# a directory made by mktemp -d',
                                        'jail-bind %s' % bound],
                   start=False)
        p = d.run(timeout=5, extra_args=['-n'])
        assert p.returncode == 0, ('-n refused jail-bind %s: %r' % (
            bound, p.stderr))
        with d.start():
            r = _get(d, '/cgi-bin/readfile.sh?' + data,
                     'jail-bind %s' % bound)
            assert r.status == 200 and r.body == b'bound under tmp\n', (
                'jail-bind %s: the script could not read %s at the same '
                'path: %d %r\n%s' % (bound, data, r.status, r.body[:300],
                                     d.log_tail(12)))
            assert 'restarting' not in d.log(), (
                'front and executor restarted with jail-bind under /tmp:\n'
                + d.log_tail(12))
    finally:
        shutil.rmtree(bound, ignore_errors=True)


def test_jail_bind_rw_under_tmp_is_writable_where_host_allows():
    """jail-bind-rw of two mktemp directories under /tmp: the one owned
    by the script user takes a file (owned by it on the host), the
    root-owned 0755 one does not (the host's permissions still apply)."""
    mine = _tmpdir(owner=NOBODY)
    roots = _tmpdir()
    try:
        files = {'cgi-bin/writefile.sh': fixture('writefile.sh')}
        d = Daemon(files, config_lines=['jail-bind-rw %s' % mine,
                                        'jail-bind-rw %s' % roots],
                   start=False)
        with d.start():
            out = os.path.join(mine, 'out.txt')
            r = _get(d, '/cgi-bin/writefile.sh?' + out,
                     'jail-bind-rw %s' % mine)
            assert r.status == 200 and r.body == b'wrote\n', (
                'jail-bind-rw %s (owned by nobody): %d %r\n%s' % (
                    mine, r.status, r.body[:300], d.log_tail(12)))
            with open(out) as f:
                got = f.read()
            assert got == 'written by %d\n' % NOBODY, got
            assert os.stat(out).st_uid == NOBODY, os.stat(out)
            denied = os.path.join(roots, 'out.txt')
            r = d.get('/cgi-bin/writefile.sh?' + denied)
            assert_status(r, 200)
            assert r.body.startswith(b'failed: '), (
                'the script wrote into root-owned %s: %r' % (roots, r.body))
            assert not os.path.exists(denied), denied
    finally:
        shutil.rmtree(mine, ignore_errors=True)
        shutil.rmtree(roots, ignore_errors=True)


def test_jail_bind_of_special_targets_is_a_file_line_error():
    """/, /proc, /dev and /tmp themselves are refused, as a path and as
    an explicit target, with FILE:LINE before anything is bound (today
    /proc, /dev and /tmp pass -n and the executor loops at start)."""
    src = _tmpdir('/var/tmp')
    try:
        bad = []
        for target in ('/', '/proc', '/dev', '/tmp'):
            bad += _check_refused(['# special target',
                                   'jail-bind %s' % target], 2, [target])
            bad += _check_refused(['# special target', 'jail-bind-rw %s %s'
                                   % (src, target)], 2, [target])
        assert not bad, '\n'.join(bad)
    finally:
        shutil.rmtree(src, ignore_errors=True)


def test_unusable_settings_are_file_line_errors_with_n_and_at_start():
    """Accounts, the document root, bind sources and interpreters are
    resolved by the parent before it binds: FILE:LINE: message, exit 1,
    with -n and at a real start."""
    cases = [
        # (line 2 of the config, words the message must contain)
        ('script-user no-such-user', ['no-such-user']),
        ('root /does-not-exist', ['/does-not-exist']),
        ('jail-bind /does-not-exist-cgijail', ['/does-not-exist-cgijail']),
        ('user no-such-user', ['no-such-user']),
        ('interpreter .py /no/such/python', ['/no/such/python']),
    ]
    bad = []
    for line, words in cases:
        bad += _check_refused(['# line 1', line], 2, words,
                              root_in_config=line.startswith('root '))
    assert not bad, '%d problems:\n' % len(bad) + '\n'.join(bad)


def _run_without_pivot_root(d):
    """Run d in the foreground with pivot_root(2) failing (EPERM).
    Returns (CompletedProcess, seconds)."""
    argv = [helper_path('denysys'), 'pivot_root', 'EPERM'] + d.argv()
    t0 = time.monotonic()
    try:
        p = d.run(timeout=10, argv=argv, watch_port=False)
    except DaemonError as e:
        raise AssertionError(
            'a role that cannot set itself up (pivot_root denied) did not '
            'make the daemon exit: %s' % str(e)[:1200]) from None
    return p, time.monotonic() - t0


def test_role_failing_its_first_start_stops_the_daemon():
    """A role cannot set itself up: the daemon exits 1 within a few
    seconds, its stderr carries the role's reason (also when the error
    log is a file), and it never restarts the roles (before: restarts
    forever with a growing delay)."""
    for log in (None, 'error.log'):
        lines = None
        if log is not None:
            tmp = tempfile.mkdtemp(prefix='cgijail-ready-')
            log = os.path.join(tmp, log)
            lines = ['error-log %s' % log]
        d = Daemon(config_lines=lines, start=False)
        p, took = _run_without_pivot_root(d)
        what = 'error-log %s' % log if log else 'log on stderr'
        assert p.returncode == 1, 'exit %s, expected 1 (%s):\n%s' % (
            p.returncode, what, p.stderr[-2000:])
        assert 'pivot_root' in p.stderr, (
            'the role\'s reason is not on stderr (%s):\n%s' % (
                what, p.stderr[-2000:]))
        assert took < 5.0 * SLOW, 'took %.1fs to give up (%s)' % (took,
                                                                  what)
        out = p.stderr
        if log is not None:
            with open(log) as f:
                out += f.read()
            shutil.rmtree(os.path.dirname(log), ignore_errors=True)
        restarts = [ln for ln in out.splitlines()
                    if re.search(r'restart', ln, re.I)]
        assert not restarts, 'restarted after a failed first start:\n' + \
            '\n'.join(restarts[:5])
        assert not port_listening(d.port), 'still listening after exit'


def test_jail_bind_rw_not_owned_by_the_script_user_is_warned_about():
    """A jail-bind-rw directory the script user does not own cannot take
    a new file through the idmapped bind, whatever its mode (Debian's
    /var/lib/php/sessions, root 1733): -n and the start say so, naming
    the line; a directory the script user owns draws no warning."""
    mine = _tmpdir(owner=NOBODY)
    roots = _tmpdir()
    os.chmod(roots, 0o1777)
    try:
        files = {'cgi-bin/writefile.sh': fixture('writefile.sh')}
        d = Daemon(files, config_lines=['jail-bind-rw %s' % mine,
                                        '# owned by root, mode 1777',
                                        'jail-bind-rw %s' % roots],
                   start=False)
        p = d.run(timeout=5, extra_args=['-n'])
        assert p.returncode == 0, p.stderr
        warn = [ln for ln in p.stderr.splitlines() if 'jail-bind-rw' in ln]
        assert len(warn) == 1 and roots in warn[0], (
            '-n: no single warning for the root-owned %s: %r' % (
                roots, p.stderr))
        with open(d.conf) as f:
            line = [i for i, ln in enumerate(f, 1) if roots in ln][0]
        assert ('%s:%d: ' % (d.conf, line)) in warn[0] and \
            'owned by uid 0' in warn[0] and 'nobody' in warn[0], warn[0]
        with d.start():
            denied = os.path.join(roots, 'out.txt')
            r = d.get('/cgi-bin/writefile.sh?' + denied)
            assert_status(r, 200)
            assert r.body.startswith(b'failed: '), (
                'the script wrote into root-owned %s: %r: drop the '
                'warning' % (roots, r.body))
            assert warn[0].split(': ', 1)[1] in d.log(), d.log_tail(12)
    finally:
        shutil.rmtree(mine, ignore_errors=True)
        shutil.rmtree(roots, ignore_errors=True)
