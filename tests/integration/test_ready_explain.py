# SPDX-License-Identifier: ISC
"""
test_ready_explain: every failure tells the person who can fix it
(issue 10).  A static file or directory the front may not read is a
403 whose log line names the path and the reason; exec failures and
scripts that hit the jail get hints in the log (carriage return, the
missing #! line, an interpreter not in the jail, `interpreter` for .php,
chmod 755, chmod go-w, jail-bind, jail-bind-rw, script-network); every
error page shows the rid of its access line, and requests refused
while their head is parsed get ids of their own; with --debug the
403/404/500 pages say why; a script's stderr and failures are warnings;
the startup log says what is served where.

A hint counts if it is in an error line of the request (its rid), or
in one without a rid that names the request's URL path, at any level
but debug (the runs are
without --debug unless said).  Files whose bytes or modes are the point
(CR LF, no #!, 0644, 0775) are written by the tests themselves: git
keeps neither a group-write bit nor, with autocrlf, a CR.
"""

import os
import re
import shutil
import socket
import tempfile
import time

from cgijail_test import (Daemon, ERROR_RE, HEAD_MAX, assert_status,
                          parse_response, wait_until)

HERE = os.path.dirname(os.path.abspath(__file__))
NOBODY = 65534

SH_OK = '#!/bin/sh\nprintf "Content-Type: text/plain\\n\\nok"\n'
# "rid=12", "request id 12", "Request ID: 12", "request #12"
RID_ON_PAGE = r'(?:\brid|\brequest(?:[ -]id)?)\s*[=:#]?\s*%s\b'


def fixture(name, mode=0o755):
    """A script from tests/integration/cgi-bin, as a docroot_files value."""
    with open(os.path.join(HERE, 'cgi-bin', name), 'rb') as f:
        return (f.read(), mode)


def _access(d, pred, timeout=3.0):
    m = wait_until(lambda: next((m for m in reversed(d.access_lines())
                                 if pred(m)), None), timeout)
    assert m, 'no access line found:\n' + d.log_tail(10)
    return m


def _request_lines(d, urlpath, rid):
    """(level, text) of the error lines of request rid, and of lines
    with no rid that name urlpath; debug lines left out."""
    out = []
    for ln in d.log().splitlines():
        m = ERROR_RE.match(ln)
        if m and m['level'] != 'debug' and (
                m['rid'] == rid or (m['rid'] == '-' and
                                    urlpath in m['text'])):
            out.append((m['level'], m['text']))
    return out


def _explained(d, urlpath, patterns, query=''):
    """GET urlpath (+ query); some error line of the request matches
    every regex of patterns (case-insensitive).  Returns what was wrong,
    or None."""
    r = d.get(urlpath + query)
    m = _access(d, lambda m: m['request'].startswith(
        'GET %s%s ' % (urlpath, query)))

    def found():
        for _, text in _request_lines(d, urlpath, m['rid']):
            if all(re.search(p, text, re.I) for p in patterns):
                return text
        return None
    if wait_until(found, 2.0):
        return None
    lines = _request_lines(d, urlpath, m['rid'])
    return '%s (%d): no log line matching %r; the request logged:\n  %s' % (
        urlpath, r.status, patterns,
        '\n  '.join('%s: %s' % lt for lt in lines) or '(nothing)')


def _problems(bad):
    bad = [b for b in bad if b]
    assert not bad, '%d not explained:\n' % len(bad) + '\n'.join(bad)


# ---- static files the front cannot read ----------------------------------

def _unreadable(debug):
    d = Daemon({'index.html': 'i\n', 'secret.txt': ('s\n', 0o600),
                'private/a.txt': 'a\n'}, args=['--debug'] if debug else [])
    os.chmod(d.path('private'), 0o700)
    reason = r'permission|not readable|cannot read|unreadable|0600|0700'
    bad = []
    with d:
        for path, what in (('/secret.txt', 'secret.txt'),
                           ('/private/a.txt', 'private')):
            r = d.get(path)
            if r.status != 403:
                bad.append('%s: %d, expected 403' % (path, r.status))
            bad.append(_explained(d, path, [re.escape(what), reason]))
    _problems(bad)


def test_unreadable_static_file_and_directory_are_logged():
    """0600 file, 0700 directory: 403, and a line naming the path and
    why (today: no line at all)."""
    _unreadable(debug=False)


def test_unreadable_static_file_and_directory_are_logged_with_debug():
    _unreadable(debug=True)


# ---- exec failures --------------------------------------------------------

def test_exec_failures_have_hints():
    """The mistakes students make, each with the hint that fixes it."""
    base = tempfile.mkdtemp(prefix='cgijail-ready-', dir='/var/tmp')
    try:
        os.chmod(base, 0o755)
        interp = os.path.join(base, 'sh')       # on the host, not in jail
        shutil.copy('/bin/sh', interp)
        os.chmod(interp, 0o755)
        files = {
            'cgi-bin/crlf.sh': SH_OK.replace('\n', '\r\n'),
            'cgi-bin/noshebang.sh': ('printf "Content-Type: text/plain'
                                     '\\n\\nok"\n', 0o755),
            'cgi-bin/hostinterp.sh': '#!%s\n' % interp + SH_OK[10:],
            'cgi-bin/hello.php': ('<?php echo "hello"; ?>\n', 0o644),
            'cgi-bin/noexec.sh': (SH_OK, 0o644),
            'cgi-bin/groupw.sh': (SH_OK, 0o775),
        }
        cases = [
            ('/cgi-bin/crlf.sh', [r'carriage return']),
            ('/cgi-bin/noshebang.sh',
             [r'(no|missing|without)( a| the| any)? #!|#! line (is )?missing'
              r'|does not (start|begin) with #!']),
            ('/cgi-bin/hostinterp.sh',
             [re.escape(interp), r'\bjail\b']),
            ('/cgi-bin/hello.php', [r'\binterpreter\b', r'\.php\b']),
            ('/cgi-bin/noexec.sh', [r'chmod 755']),
            ('/cgi-bin/groupw.sh', [r'chmod go-w']),
        ]
        with Daemon(files) as d:
            assert os.stat(d.path('cgi-bin/groupw.sh')).st_mode & 0o020
            _problems([_explained(d, p, pats) for p, pats in cases])
    finally:
        shutil.rmtree(base, ignore_errors=True)


# ---- scripts that hit the jail ---------------------------------------------

def test_scripts_hitting_the_jail_get_hints():
    """A host path not in the jail (ENOENT), a write into the document
    root (EROFS), a TCP connect (EPERM): the log says outside the jail /
    read-only / network off and names the keyword that changes it."""
    base = tempfile.mkdtemp(prefix='cgijail-ready-', dir='/var/tmp')
    try:
        os.chmod(base, 0o755)
        data = os.path.join(base, 'data.txt')
        with open(data, 'w') as f:
            f.write('host data\n')
        os.chmod(data, 0o644)
        with Daemon({'cgi-bin/jailhit.py': fixture('jailhit.py')}) as d:
            url = '/cgi-bin/jailhit.py'
            _problems([
                _explained(d, url, [re.escape(data),
                                    r'outside the jail|not in the jail',
                                    r'jail-bind(?!-rw)'], '?read=' + data),
                _explained(d, url, [r'read-only', r'jail-bind-rw'],
                           '?write=%s/out.txt' % d.docroot),
                _explained(d, url, [r'network (is )?(off|disabled)|no '
                                    r'network', r'script-network'],
                           '?tcp=%d' % d.port),
            ])
    finally:
        shutil.rmtree(base, ignore_errors=True)


# ---- error pages and request ids -----------------------------------------

def _raw(d, data, wait=5.0):
    """Send data on a new connection, read the response (bounded)."""
    s = socket.create_connection((d.bind, d.port), timeout=wait)
    got = b''
    try:
        try:
            s.sendall(data)
        except (BrokenPipeError, ConnectionResetError):
            pass
        deadline = time.monotonic() + wait
        while len(got) < HEAD_MAX and time.monotonic() < deadline:
            s.settimeout(max(0.01, deadline - time.monotonic()))
            try:
                chunk = s.recv(65536)
            except (socket.timeout, ConnectionResetError):
                break
            if not chunk:
                break
            got += chunk
    finally:
        s.close()
    return parse_response(got)


def _error_cases(d):
    """Each error cgijail writes itself: (label, status, response, rid
    of its access line).  Requests go one at a time, so the newest
    access line is the request's."""
    H = 'Host: %s\r\n' % d.hostport
    C = H + 'Connection: close\r\n'
    raws = [
        ('bad header line', 400, 'GET / HTTP/1.1\r\n%sBad Header\r\n\r\n'
         % H),
        ('missing file', 404, 'GET /missing HTTP/1.1\r\n%s\r\n' % C),
        ('no index', 403, 'GET /noindex/ HTTP/1.1\r\n%s\r\n' % C),
        ('failing script', 500, 'GET /cgi-bin/fail.sh HTTP/1.1\r\n%s\r\n'
         % C),
        ('long target', 414, 'GET /%s HTTP/1.1\r\n%s\r\n' % ('a' * 9000, H)),
        ('big header', 431, 'GET / HTTP/1.1\r\n%sX-Big: %s\r\n\r\n'
         % (H, 'x' * 9000)),
        ('HTTP/2.0', 505, 'GET / HTTP/2.0\r\n%s\r\n' % H),
        ('bad Expect', 417, 'GET / HTTP/1.1\r\n%sExpect: tea\r\n\r\n' % H),
        ('head timeout', 408, 'GET / HTTP/1.1\r\n%s' % H),
    ]
    out = []
    # the start's own GET / is logged first, or it would pass for the
    # access line of the first case on a loaded machine
    assert wait_until(lambda: d.access_lines(), 2.0), 'no access line'
    for label, status, raw in raws:
        before = len(d.access_lines())
        r = _raw(d, raw.encode(), 14.0 if status == 408 else 5.0)
        assert r.status == status, '%s: %d, expected %d' % (label, r.status,
                                                          status)
        assert wait_until(lambda: len(d.access_lines()) > before, 2.0), (
            '%s: no access line' % label)
        m = d.access_lines()[-1]
        assert m['status'] == str(status), (label, m.group(0))
        out.append((label, status, r, m['rid']))
    return out


def _error_daemon():
    return Daemon({'index.html': 'i\n', 'noindex/a.txt': 'a\n',
                   'cgi-bin/fail.sh': fixture('fail.sh')})


def test_every_error_page_shows_its_request_id():
    """The page of each error names the rid of its access line, so a
    student can hand it to the teacher."""
    with _error_daemon() as d:
        bad = []
        for label, status, r, rid in _error_cases(d):
            if not re.search(RID_ON_PAGE % rid, r.text, re.I):
                bad.append('%s (%d, rid=%s): page %r' % (label, status, rid,
                                                         r.text[:300]))
        assert not bad, 'error pages without their request id:\n' + \
            '\n'.join(bad)


def test_requests_refused_while_parsing_the_head_have_their_own_ids():
    """400, 408, 414, 431, 505 and 417 get distinct non-zero ids, as
    every other request does (today: all rid=0)."""
    with _error_daemon() as d:
        cases = _error_cases(d)
        rids = [(label, int(rid)) for label, _, _, rid in cases]
        zero = [label for label, rid in rids if rid == 0]
        assert not zero, 'logged with rid=0: %s' % ', '.join(zero)
        seen = {}
        for label, rid in rids:
            seen.setdefault(rid, []).append(label)
        shared = {rid: ls for rid, ls in seen.items() if len(ls) > 1}
        assert not shared, 'requests sharing an id: %r' % shared


# ---- --debug pages say why ------------------------------------------------

def _page_text(r):
    """The page without its title and heading (which name the status)."""
    t = re.sub(r'<title>.*?</title>|<h1>.*?</h1>', '', r.text, flags=re.S)
    return re.sub(r'<[^>]*>', ' ', t)


def test_debug_pages_say_why():
    files = {
        'cgi-bin/noexec.sh': (SH_OK, 0o644),
        'cgi-bin/groupw.sh': (SH_OK, 0o775),
        'cgi-bin/mine.sh': SH_OK,
        'cgi-bin/sleeper.sh': fixture('sleeper.sh'),
        'cgi-bin/segv.py': fixture('segv.py'),
        'cgi-bin/fail.sh': fixture('fail.sh'),
    }
    cases = [
        ('/cgi-bin/noexec.sh', 403, r'not executable'),
        ('/cgi-bin/groupw.sh', 403, r'writable by (the )?group'),
        ('/cgi-bin/mine.sh', 403, r'owned by (the script user|nobody)'),
        ('/cgi-bin/missing.sh', 404, r'no such|does not exist|not found'),
        ('/cgi-bin/sleeper.sh?5', 500, r'timed out'),
        ('/cgi-bin/segv.py', 500, r'signal (11|SIGSEGV)'),
        ('/cgi-bin/fail.sh', 500, r'oops from the script'),
    ]
    d = Daemon(files, args=['--debug'], config_lines=['timeout 1'],
               start=False)
    os.chown(d.path('cgi-bin/mine.sh'), NOBODY, NOBODY)
    bad = []
    with d.start():
        for path, status, why in cases:
            r = d.get(path)
            if r.status != status:
                bad.append('%s: %d, expected %d' % (path, r.status, status))
            elif not re.search(why, _page_text(r), re.I):
                bad.append('%s (%d): page does not say %r: %r' % (
                    path, status, why, r.text[:300]))
    assert not bad, '--debug pages that do not say why:\n' + '\n'.join(bad)


# ---- log levels and the startup line -------------------------------------

def test_script_stderr_and_failures_are_warnings():
    """A script's stderr lines, and every line about a failed script
    (exit 3, a time-out, SIGSEGV), are logged as warning, never info."""
    files = {'cgi-bin/stderr.sh': fixture('stderr.sh'),
             'cgi-bin/fail.sh': fixture('fail.sh'),
             'cgi-bin/sleeper.sh': fixture('sleeper.sh'),
             'cgi-bin/segv.py': fixture('segv.py')}
    bad = []
    with Daemon(files, config_lines=['timeout 1']) as d:
        assert_status(d.get('/cgi-bin/stderr.sh?lvl'), 200)
        m = _access(d, lambda m: 'stderr.sh?lvl' in m['request'])
        time.sleep(0.3)
        lines = _request_lines(d, '/cgi-bin/stderr.sh', m['rid'])
        said = [(lvl, t) for lvl, t in lines if 'plain stderr line' in t]
        if not said:
            bad.append('stderr.sh: its stderr line is not logged')
        bad += ['stderr.sh: stderr line at %s: %s' % (lvl, t)
                for lvl, t in said if lvl != 'warning']
        for path in ('/cgi-bin/fail.sh', '/cgi-bin/sleeper.sh?5',
                     '/cgi-bin/segv.py'):
            assert_status(d.get(path), 500)
            m = _access(d, lambda m: m['request'].startswith(
                'GET %s ' % path))
            time.sleep(0.3)
            lines = _request_lines(d, path.split('?')[0], m['rid'])
            if not lines:
                bad.append('%s: nothing logged' % path)
            info = [t for lvl, t in lines if lvl not in ('warning', 'error')]
            if info:
                bad.append('%s: failure logged at info:\n  %s' % (
                    path, '\n  '.join(info[:6])))
    assert not bad, '\n'.join(bad)


def test_startup_line_says_what_is_served_where():
    with Daemon() as d:
        want = 'serving %s on http://127.0.0.1:%d/ (CGI: /cgi-bin, /htbin)' % (
            d.docroot, d.port)
        got = [m['text'] for m in map(ERROR_RE.match, d.log().splitlines())
               if m]
        assert any(want in t for t in got), (
            'no startup line %r; the start logged:\n%s' % (
                want, '\n'.join(got[:8])))
