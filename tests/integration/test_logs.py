# SPDX-License-Identifier: ISC
"""
test_logs: access lines (Combined Log Format + rid= us=), error lines
(time role rid level: text), log files from the config, SIGUSR1 reopen,
and that hostile bytes reach the log escaped.
"""

import calendar
import os
import signal
import time

from cgijail_test import (Daemon, ACCESS_RE, ERROR_RE, SANITIZER,
                          wait_until)

FILES = {'index.html': '<html>index</html>\n', 'a.txt': 'alpha\n'}


def _access(d, pred, path=None, timeout=2.0):
    """The first access line (match object) satisfying pred."""
    def find():
        if path:
            try:
                with open(path, 'rb') as f:
                    text = f.read().decode('utf-8', 'replace')
            except OSError:
                return None
        else:
            text = d.log()
        for m in d.access_lines(text):
            if pred(m):
                return m
        return None
    return wait_until(find, timeout)


def _clf_time(s):
    return calendar.timegm(time.strptime(s.split()[0], '%d/%b/%Y:%H:%M:%S'))


def test_access_line_format():
    with Daemon(FILES) as d:
        r = d.get('/index.html', {'User-Agent': 'test-agent/1.0',
                                  'Referer': 'http://ref.example/x'})
        m = _access(d, lambda m: 'GET /index.html ' in m['request'])
        assert m, 'no access line in:\n' + d.log_tail()
        assert m['host'] == '127.0.0.1'
        assert m['request'] == 'GET /index.html HTTP/1.1'
        assert m['status'] == '200'
        assert m['bytes'] == str(len(r.body))
        assert m['referer'] == 'http://ref.example/x'
        assert m['agent'] == 'test-agent/1.0'
        assert abs(_clf_time(m['time']) - time.time()) < 60, m['time']
        assert int(m['us']) < 10 * 1000 * 1000, m['us']


def test_access_lines_for_errors_and_head():
    with Daemon(FILES) as d:
        d.get('/missing')
        d.http('HEAD', '/a.txt')
        d.request(b'GET / HTTP/1.1\r\nBad Header\r\n\r\n')
        assert _access(d, lambda m: m['status'] == '404' and
                       '/missing' in m['request']), d.log_tail()
        h = _access(d, lambda m: m['request'].startswith('HEAD /a.txt'))
        assert h and h['bytes'] in ('0', '-'), d.log_tail()
        assert _access(d, lambda m: m['status'] == '400'), d.log_tail()


def test_request_ids_are_distinct_and_increase():
    with Daemon(FILES) as d:
        with d.connect() as c:
            for _ in range(3):
                c.request('GET', '/a.txt')
                c.read_response()
        d.get('/a.txt')
        assert wait_until(lambda: len([
            m for m in d.access_lines() if '/a.txt' in m['request']]) >= 4,
            2.0), d.log_tail()
        rids = [int(m['rid']) for m in d.access_lines()
                if '/a.txt' in m['request']]
        assert len(set(rids)) == len(rids), rids
        assert rids == sorted(rids), rids


def test_access_log_file():
    d = Daemon(FILES, config_lines=[], start=False)
    acc = os.path.join(d.tmp, 'access.log')
    d.write_config(['access-log %s' % acc])
    with d.start():
        d.get('/a.txt')
        assert _access(d, lambda m: '/a.txt' in m['request'], path=acc), \
            'no access line in %s' % acc
        time.sleep(0.2)
        assert not d.access_lines(), 'access line also on stderr'


def test_error_log_file_and_error_line_format():
    d = Daemon(FILES, config_lines=[], start=False)
    err = os.path.join(d.tmp, 'error.log')
    d.write_config(['error-log %s' % err])
    d.expect_restart = True
    with d.start():
        front = d.wait_pids()['front']
        os.kill(front, signal.SIGKILL)
        assert wait_until(lambda: d.answers(0.5), 3.0)
        line = d.wait_log(r' parent rid=\S+ \w+: .*front', 3.0, path=err)
        assert line, 'no parent line about the front in %s' % err
        assert ERROR_RE.match(line), line
        with open(err, 'rb') as f:
            text = f.read().decode('utf-8', 'replace')
        for ln in text.splitlines():
            assert ERROR_RE.match(ln), 'bad error line: %r' % ln
        assert line not in d.log(), 'error line also on stderr'


def test_stderr_lines_are_access_or_error_lines():
    with Daemon(FILES) as d:
        d.get('/a.txt')
        d.get('/missing')
        d.request(b'GARBAGE\r\n\r\n')
        time.sleep(0.2)
    bad = [ln for ln in d.log().splitlines()
           if ln.strip() and not ACCESS_RE.match(ln) and
           not ERROR_RE.match(ln)]
    if SANITIZER:
        bad = [ln for ln in bad if not ln.startswith(('=', ' ', '#'))]
    assert not bad, 'lines in neither format:\n' + '\n'.join(bad[:10])


def test_sigusr1_reopens_access_log():
    d = Daemon(FILES, config_lines=[], start=False)
    acc = os.path.join(d.tmp, 'access.log')
    d.write_config(['access-log %s' % acc])
    with d.start():
        d.get('/a.txt?first')
        assert _access(d, lambda m: 'first' in m['request'], path=acc)
        os.rename(acc, acc + '.1')
        d.send_signal(signal.SIGUSR1)
        assert wait_until(lambda: os.path.exists(acc), 2.0), \
            'access log not reopened after SIGUSR1'
        d.get('/a.txt?second')
        assert _access(d, lambda m: 'second' in m['request'], path=acc), \
            'new line not in the new file'
        with open(acc + '.1') as f:
            old = f.read()
        assert 'first' in old and 'second' not in old, old
        assert d.running()


def test_sigusr1_reopens_error_log():
    d = Daemon(FILES, config_lines=[], start=False)
    err = os.path.join(d.tmp, 'error.log')
    d.write_config(['error-log %s' % err])
    d.expect_restart = True
    with d.start():
        assert os.path.exists(err), 'error log not created at start'
        os.rename(err, err + '.1')
        d.send_signal(signal.SIGUSR1)
        assert wait_until(lambda: os.path.exists(err), 2.0), \
            'error log not reopened after SIGUSR1'
        os.kill(d.wait_pids()['front'], signal.SIGKILL)
        assert wait_until(lambda: d.answers(0.5), 3.0)
        assert d.wait_log(r' parent rid=\S+ \w+: .*front', 3.0, path=err)


def test_hostile_bytes_are_escaped_in_the_log():
    with Daemon(FILES) as d:
        d.get('/%1b[31mred')
        # obs-text and a quote are valid in a field value: a 200 whose
        # line must still parse (the quote escaped, as Apache does)
        r = d.get('/a.txt', {'User-Agent': 'evil\x9b1m\xff"quote'})
        assert r.status == 200, r
        # control bytes: rejected or not, never raw in the log
        d.get('/a.txt', {'User-Agent': 'esc\x1b[31m', 'Referer': 'x\x07z'})
        d.request(b'GET /\x1b[2Jclear HTTP/1.1\r\nHost: a\r\n\r\n')
        d.request(b'GET /\x9b2J HTTP/1.1\r\nHost: a\r\n\r\n')
        d.request(b'\x1b[2J\x1b]0;pwned\x07 / HTTP/1.1\r\n\r\n')
        assert wait_until(lambda: len(d.access_lines()) >= 3, 2.0), \
            d.log_tail()
        time.sleep(0.3)
        raw = d.log_bytes()
        for b in (b'\x1b', b'\x9b', b'\x00', b'\x07', b'\xff', b'\x7f'):
            assert b not in raw, 'raw %r in the log' % b
        ua = _access(d, lambda m: 'evil' in m['agent'])
        assert ua, 'UA line unparseable (quote not escaped?):\n' + \
            d.log_tail()
        assert 'quote' in ua['agent'], ua['agent']
        for ln in raw.decode('utf-8', 'replace').splitlines():
            if ERROR_RE.match(ln):
                continue
            if '/a.txt' in ln or 'red' in ln or 'clear' in ln:
                assert ACCESS_RE.match(ln), 'broken access line: %r' % ln
