# SPDX-License-Identifier: ISC
"""
test_config: configuration and command-line errors stop the daemon
before anything is bound ("FILE:LINE: message", exit 1), -n checks a
config, the command line overrides the file, and a taken address is
one clear line.
"""

import os
import re
import socket

from cgijail_test import Daemon, assert_status, port_listening


def _fails_at(lines, lineno, *words, extra_args=None):
    """Run with a config whose line lineno is bad: exit 1, the error
    names FILE:LINE, nothing listens afterwards."""
    d = Daemon(config_lines=lines, start=False)
    p = d.run(timeout=5, extra_args=extra_args)
    assert p.returncode == 1, (p.returncode, p.stderr)
    want = '%s:%d:' % (d.conf, lineno)
    assert want in p.stderr, 'no %r in stderr: %r' % (want, p.stderr)
    for w in words:
        assert w.lower() in p.stderr.lower(), (w, p.stderr)
    assert not port_listening(d.port), 'port bound despite the error'
    return p


def test_unknown_keyword():
    _fails_at(['# comment', '', 'autoindex on', 'frobnicate yes'], 4,
              'frobnicate')


def test_bad_values():
    cases = [
        (['max-body banana'], 1),
        (['autoindex maybe'], 1),
        (['# x', 'timeout -5'], 2),
        (['timeout 99999999999999999999999'], 1),
        (['limit memory 12Q'], 1),
        (['limit nonsense 1'], 1),
        (['timeout-status 503'], 1),
        (['autoindex'], 1),
        (['autoindex on off'], 1),
        (['max-body 1K', 'max-body -1'], 2),
        (['setenv REMOTE_ADDR 1.2.3.4'], 1),
        (['setenv HTTP_HOST x'], 1),
        (['cgi-dir relative/path'], 1),
        (['interpreter py /usr/bin/python3'], 1),
    ]
    bad = []
    for lines, lineno in cases:
        try:
            _fails_at(lines, lineno)
        except AssertionError as e:
            bad.append('%r: %s' % (lines, str(e)[:300]))
    assert not bad, '\n'.join(bad)


def test_missing_config_file():
    d = Daemon(start=False, args=['-c', '/nonexistent/cgijail.conf'])
    p = d.run(timeout=5)
    assert p.returncode == 1, (p.returncode, p.stderr)
    assert '/nonexistent/cgijail.conf' in p.stderr, p.stderr
    assert not port_listening(d.port)


def test_missing_docroot():
    d = Daemon(start=False, args=['-d', '/nonexistent/docroot'])
    p = d.run(timeout=5)
    assert p.returncode == 1, (p.returncode, p.stderr)
    assert '/nonexistent/docroot' in p.stderr, p.stderr
    assert not port_listening(d.port)


def test_bad_command_line():
    bad = []
    for args in (['-t', 'abc'], ['-t', '-1'], ['--cgi-dir', 'nosl'],
                 ['--no-such-option'], ['-b', 'not-an-address']):
        d = Daemon(start=False, args=args)
        try:
            p = d.run(timeout=5)
        except AssertionError as e:
            bad.append('%r: %s' % (args, str(e)[:300]))
            continue
        if p.returncode != 1 or port_listening(d.port):
            bad.append('%r: exit %d %r' % (args, p.returncode, p.stderr))
        elif not p.stderr.strip():
            bad.append('%r: no message' % args)
    for port in ('99999', '0x50', 'abc', '-1', '65536'):
        d = Daemon(start=False)
        try:
            p = d.run(argv=d.argv()[:-1] + [port])
        except AssertionError as e:
            bad.append('port %r: %s' % (port, str(e)[:300]))
            continue
        if p.returncode != 1 or not p.stderr.strip():
            bad.append('port %r: exit %d %r' % (port, p.returncode,
                                                 p.stderr))
    assert not bad, '\n'.join(bad)


def test_configtest_flag():
    d = Daemon(config_lines=['# fine', 'autoindex on', 'max-body 1M'],
               start=False)
    p = d.run(timeout=5, extra_args=['-n'])
    assert p.returncode == 0, (p.returncode, p.stderr)
    assert not port_listening(d.port)
    d.write_config(['autoindex on', 'bogus-keyword'])
    p = d.run(timeout=5, extra_args=['-n'])
    assert p.returncode == 1, (p.returncode, p.stderr)
    assert '%s:2:' % d.conf in p.stderr, p.stderr
    assert not port_listening(d.port)


def test_address_in_use_is_one_line():
    d = Daemon(start=False)
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        s.bind(('127.0.0.1', d.port))
        s.listen(1)
        p = d.run(timeout=5, watch_port=False)
    finally:
        s.close()
    assert p.returncode == 1, (p.returncode, p.stderr)
    lines = [ln for ln in p.stderr.splitlines() if ln.strip()]
    naming = [ln for ln in lines if '127.0.0.1' in ln and
              str(d.port) in ln]
    assert len(naming) == 1, 'want one line naming the address: %r' % lines
    assert re.search(r'in use', naming[0], re.I), naming


def test_comments_and_blank_lines_are_fine():
    lines = ['# cgijail test config', '', '   ', '\t# indented comment',
             'autoindex on', '  max-body   2M  ']
    with Daemon({'index.html': 'i\n', 'd/x.txt': 'x\n'},
                config_lines=lines) as d:
        assert_status(d.get('/d/'), 200)


def test_command_line_overrides_config():
    d = Daemon({'index.html': 'cli root\n'}, config_lines=[], start=False)
    other = os.path.join(d.tmp, 'other')
    os.mkdir(other, 0o755)
    with open(os.path.join(other, 'other.txt'), 'w') as f:
        f.write('config root\n')
    os.chmod(os.path.join(other, 'other.txt'), 0o644)
    d.write_config(['root %s' % other])
    with d.start():
        assert d.get('/').body == b'cli root\n'
        assert_status(d.get('/other.txt'), 404)


def test_root_from_config_without_d():
    d = Daemon({'index.html': 'config root\n'}, config_lines=[],
               start=False)
    d.write_config(['root %s' % d.docroot])
    d.pass_docroot = False
    assert '-d' not in d.argv()
    with d.start():
        assert d.get('/').body == b'config root\n'


def test_timeout_option_accepted():
    with Daemon(args=['-t', '5']) as d:
        assert_status(d.get('/'), 200)


def test_check_flag_reports_layers():
    d = Daemon(start=False, args=['--check'])
    p = d.run(timeout=10)
    out = (p.stdout + p.stderr).lower()
    assert p.returncode in (0, 1), p.returncode
    for layer in ('seccomp', 'landlock', 'namespace', 'cgroup'):
        assert layer in out, (layer, out[:2000])
    assert not port_listening(d.port)
