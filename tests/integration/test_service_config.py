# SPDX-License-Identifier: ISC
"""
test_service_config: what an operator deploying cgijail checks before
a start (issue 11).  `cgijail -n` prints the effective settings after
checking them: every keyword of the parser's table (read from
daemon/config_kw.c, so a keyword added later without its -n line
fails here), defaults included, in the file's own syntax: the output is
itself a configuration that -n accepts and prints again unchanged.  A
missing document root, or a missing log directory, is FILE:LINE with
-n and at start, like every other error.  Every configuration shipped
in examples/ passes -n, with its paths made in a temporary directory.
"""

import glob
import os
import re
import shutil

from cgijail_test import DAEMON, REPO, Daemon, make_cert, port_listening

KW_SOURCE = os.path.join(REPO, 'daemon', 'config_kw.c')
SHOWS_NOTHING = 'cannot show'       # the dumper's line for a keyword it
                                    # does not know: must never appear


def _keywords():
    """(name, built) for each row of config_keywords[] in config_kw.c."""
    with open(KW_SOURCE) as f:
        src = f.read()
    table = src[src.index('config_keywords[] = {'):]
    table = table[:table.index('\n};')]
    rows = re.findall(r'\{ "([a-z-]+)",\s*([^,}]+)', table)
    assert len(rows) > 20, 'keyword table not found in %s' % KW_SOURCE
    return [(name, first.strip() != 'CONFIG_NOTYET') for name, first in rows]


def _n(d, conf, extra=None):
    """cgijail -n -c conf [extra]: (rc, stdout, stderr); no -b, -d or
    PORT unless given, so the file alone decides."""
    argv = [DAEMON, '-n', '-c', conf] + list(extra or [])
    p = d.run(timeout=10, argv=argv)
    return p.returncode, p.stdout, p.stderr


def _lines(out):
    """The settings of -n's output: lines that are not comments."""
    return [ln for ln in out.splitlines()
            if ln.strip() and not ln.lstrip().startswith('#')]


RICH = [
    'listen 127.0.0.1 {p1}', 'listen [::1]:{p2}',
    'max-connections 500', 'max-connections-per-client 0',
    'metrics [::1] {p1}',
    'root {root}', 'index index.html "my index.htm"', 'autoindex on',
    'max-body 3M', 'cgi-dir /cgi-bin', 'cgi-dir /apps/ {policy}',
    'cgi-route /api /cgi-bin/api.sh', 'interpreter .py /usr/bin/python3',
    'setenv APP_MODE "production # v2"', 'setenv EMPTY ""',
    'setenv PLAIN a b  c', 'pass-authorization on', 'max-scripts 12',
    'debug on', 'script-user nobody', 'script-uid-range 1879048192-1879048291',
    'timeout 9', 'timeout-status 504', 'limit cpu 7', 'limit memory 300M',
    'limit processes 20', 'limit file-size 0', 'limit open-files 100',
    'limit tmp 2M', 'jail-bind {bind}', 'jail-bind-rw {bind} /srv/rw',
    'script-network on', 'landlock on', 'landlock-min-abi 5', 'cgroup on',
    'access-log syslog /run/cgijail-test.sock', 'error-log {log}',
    'authenticate /staff "staff only" with {htpasswd}',
    'authenticate-insecure on',
    'userdir public_html', 'userdir-min-uid 2000', 'userdir-max-scripts 3',
    'userdir-writable www/data', 'userdir-debug on',
    'userdir-limits {limits}',
]


def _rich(d):
    policy = os.path.join(d.tmp, 'apps.policy')
    with open(os.path.join(REPO, 'policy', 'default.policy')) as f:
        text = f.read()
    with open(policy, 'w') as f:
        f.write(text)
    bind = os.path.join(d.tmp, 'data')
    os.mkdir(bind)
    htpasswd = os.path.join(d.tmp, 'htpasswd')
    with open(htpasswd, 'w') as f:
        f.write('admin:$2y$05$abcdefghijklmnopqrstuuABCDEFGHIJKLMNOPQRSTUV'
                'WXYZ01234\n')
    limits = os.path.join(d.tmp, 'class.limits')
    with open(limits, 'w') as f:
        f.write('# none lowered\n')
    return [ln.format(p1=d.port, p2=d.port + 1, root=d.docroot,
                      policy=policy, bind=bind, htpasswd=htpasswd,
                      limits=limits,
                      log=os.path.join(d.tmp, 'error.log'))
            for ln in RICH]


def test_n_prints_every_keyword_with_its_value():
    """Every keyword of the table is in -n's output: built ones as a
    setting (or a comment saying why the syntax cannot say it), the
    ones not built yet as a comment that says so."""
    d = Daemon(config_lines=[], start=False)
    d.write_config(_rich(d))
    rc, out, err = _n(d, d.conf)
    assert rc == 0, (rc, err)
    assert 'configuration OK' in err, err
    assert SHOWS_NOTHING not in out, out
    bad = []
    for name, built in _keywords():
        rx = r'^%s\s' % re.escape(name) if built else \
            r'^#\s*%s\b.*not supported yet' % re.escape(name)
        if not re.search(rx, out, re.M) and not (
                built and re.search(r'^#\s*%s\b' % re.escape(name), out,
                                    re.M)):
            bad.append(name)
    assert not bad, 'keywords missing from -n:\n%s\n%s' % (bad, out)
    for want in ('listen 127.0.0.1 %d' % d.port, 'listen [::1] %d' %
                 (d.port + 1), 'root %s' % d.docroot, 'max-body 3M',
                 'index index.html "my index.htm"',
                 'setenv APP_MODE "production # v2"', 'setenv EMPTY ""',
                 'setenv PLAIN a b  c', 'limit memory 300M',
                 'limit file-size 0', 'limit tmp 2M',
                 'script-uid-range 1879048192-1879048291',
                 'access-log syslog /run/cgijail-test.sock',
                 'landlock-min-abi 5', 'timeout-status 504',
                 'authenticate /staff "staff only" with %s' %
                 os.path.join(d.tmp, 'htpasswd'),
                 'authenticate-insecure on',
                 'userdir public_html', 'userdir-min-uid 2000',
                 'userdir-writable www/data', 'userdir-debug on',
                 'metrics [::1] %d' % d.port):
        assert want in _lines(out), (want, out)


def test_n_output_is_a_configuration_with_the_same_settings():
    """-n's output, used as the file, passes -n and prints the same."""
    d = Daemon(config_lines=[], start=False)
    d.write_config(_rich(d))
    rc, first, err = _n(d, d.conf)
    assert rc == 0, (rc, err)
    assert len(_lines(first)) > 30, first
    again = d.write_config(first.splitlines(),
                           os.path.join(d.tmp, 'again.conf'))
    rc, second, err = _n(d, again)
    assert rc == 0, (rc, err, first)
    assert _lines(second) == _lines(first), (first, second)


def test_n_prints_the_defaults_and_the_command_line():
    """No file: the built-in defaults, each as a setting; the command
    line's values where it gives them (the effective settings)."""
    d = Daemon(start=False)
    p = d.run(timeout=10, argv=[DAEMON, '-n', '-d', d.docroot, '-t', '5',
                                '-b', '127.0.0.1', str(d.port)])
    assert p.returncode == 0, p.stderr
    got = _lines(p.stdout)
    for want in ('listen 127.0.0.1 %d' % d.port, 'root %s' % d.docroot,
                 'timeout 5', 'max-connections 1024',
                 'max-connections-per-client 256', 'index index.html',
                 'autoindex off', 'max-body 64M', 'cgi-dir /cgi-bin',
                 'cgi-dir /htbin', 'max-scripts 64', 'script-user nobody',
                 'script-uid-range 1879048192-1879049215',
                 'timeout-status 500', 'limit cpu 10', 'limit memory 512M',
                 'limit processes 64', 'limit file-size 64M',
                 'limit open-files 256', 'limit tmp 16M',
                 'script-network off', 'landlock on', 'landlock-min-abi 6',
                 'cgroup on', 'access-log stderr', 'error-log stderr',
                 'pass-authorization off', 'debug off',
                 'authenticate-insecure off',
                 'userdir-min-uid 1000', 'userdir-max-scripts 4',
                 'userdir-debug off'):
        assert want in got, (want, p.stdout)
    # with neither a file nor -b/PORT, the listen default is a comment:
    # as a line it would change what socket activation serves
    p = d.run(timeout=10, argv=[DAEMON, '-n', '-d', d.docroot])
    assert p.returncode == 0, p.stderr
    assert not [ln for ln in _lines(p.stdout) if ln.startswith('listen')]
    assert re.search(r'^# listen \* 8000\b', p.stdout, re.M), p.stdout


def test_n_prints_tls_and_proxy_protocol_settings():
    """A listener's tls and proxy-protocol options, proxy-from's
    addresses and networks, the certificate, key and staple files: each
    in -n's output as a setting, and the output passes -n again with
    the same lines (without the options, its tls-certificate would be a
    certificate with no tls listener)."""
    d = Daemon(config_lines=[], start=False)
    cert, key = make_cert(d.tmp)
    p = [d.port, d.port + 1, d.port + 2]
    d.write_config(['listen 127.0.0.1 %d tls' % p[0],
                    'listen * %d tls proxy-protocol' % p[1],
                    'listen ::1 %d proxy-protocol' % p[2],
                    'proxy-from 127.0.0.1 10.0.0.0/8',
                    'proxy-from ::1 2001:db8::/32',
                    'tls-certificate %s' % cert, 'tls-key %s' % key,
                    'root %s' % d.docroot])
    rc, first, err = _n(d, d.conf)
    assert rc == 0, (rc, err)
    assert SHOWS_NOTHING not in first, first
    got = _lines(first)
    for want in ('listen 127.0.0.1 %d tls' % p[0],
                 'listen * %d tls proxy-protocol' % p[1],
                 'listen [::1] %d proxy-protocol' % p[2],
                 'proxy-from 127.0.0.1 10.0.0.0/8 ::1 2001:db8::/32',
                 'tls-certificate %s' % cert, 'tls-key %s' % key):
        assert want in got, (want, first)
    assert re.search(r'^# tls-ocsp-staple: none$', first, re.M), first
    again = d.write_config(first.splitlines(),
                           os.path.join(d.tmp, 'again.conf'))
    rc, second, err = _n(d, again)
    assert rc == 0, (rc, err, first)
    assert _lines(second) == got, (first, second)
    # without tls or proxy-protocol listeners: comments, no settings
    d.write_config(['listen 127.0.0.1 %d' % p[0], 'root %s' % d.docroot])
    rc, out, err = _n(d, d.conf)
    assert rc == 0, (rc, err)
    for kw in ('proxy-from', 'tls-certificate', 'tls-key',
               'tls-ocsp-staple'):
        assert re.search(r'^# %s: none$' % kw, out, re.M), (kw, out)


def _fails_with_n_and_at_start(lines, lineno, *words):
    d = Daemon(config_lines=lines, start=False)
    d.pass_docroot = False
    for extra in (['-n'], []):
        p = d.run(timeout=10, extra_args=extra)
        assert p.returncode == 1, (extra, p.returncode, p.stderr)
        want = '%s:%d: ' % (d.conf, lineno)
        assert want in p.stderr, (extra, want, p.stderr)
        for w in words:
            assert w in p.stderr, (extra, w, p.stderr)
        assert not p.stdout.strip(), ('settings printed after an error',
                                      p.stdout)
        assert not port_listening(d.port)


def test_missing_document_root_is_a_file_line_error():
    _fails_with_n_and_at_start(['# site', 'root /nonexistent/cgijail-root'],
                               2, '/nonexistent/cgijail-root',
                               'No such file')


def test_missing_log_directory_is_a_file_line_error():
    d = Daemon(start=False)
    _fails_with_n_and_at_start(['root %s' % d.docroot, 'autoindex on',
                                'access-log /nonexistent/cgijail/a.log'],
                               3, '/nonexistent/cgijail')
    _fails_with_n_and_at_start(['root %s' % d.docroot,
                                'error-log /nonexistent/cgijail/e.log'],
                               2, '/nonexistent/cgijail')


# ---- the configurations shipped in examples/ ----------------------------

# keywords whose arguments name files or directories that must exist
PATH_ARGS = {'root': (1,), 'jail-bind': (1,), 'jail-bind-rw': (1,),
             'cgi-dir': (2,), 'access-log': (1,), 'error-log': (1,),
             'userdir-limits': (1,)}


def _example_cert(tmp, kw, path):
    """An example's certificate or key (certbot's paths) made below tmp:
    one pair for the example, made by openssl at the first of them."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    pair = os.path.join(tmp, 'example-cert')
    if not os.path.isdir(pair):
        os.mkdir(pair)
        make_cert(pair)
    src = os.path.join(pair, 'server.crt' if kw == 'tls-certificate'
                       else 'server.key')
    with open(src, 'rb') as f, open(path, 'wb') as g:
        g.write(f.read())
    os.chmod(path, 0o600)


def _relocate(conf_text, tmp):
    """The example with each of its paths moved below tmp and made:
    directories for root and jail-bind sources, the log directories,
    policy files copied from policy/, a certificate and its key made by
    openssl, an htpasswd file."""
    out = []
    for ln in conf_text.splitlines():
        words = ln.split('#', 1)[0].split()
        if not words or words[0] not in PATH_ARGS and \
                not words[0].startswith('tls-') and \
                words[0] != 'authenticate':
            out.append(ln)
            continue
        if words[0] == 'authenticate' and words[-1].startswith('/'):
            os.makedirs(os.path.dirname(tmp + words[-1]), exist_ok=True)
            with open(tmp + words[-1], 'w') as f:
                f.write('admin:$2y$05$abcdefghijklmnopqrstuuABCDEFGHIJK'
                        'LMNOPQRSTUVWXYZ01234\n')
            out.append(ln.replace(words[-1], tmp + words[-1], 1))
            continue
        if words[0] in ('tls-certificate', 'tls-key') and len(words) > 1:
            _example_cert(tmp, words[0], tmp + words[1])
            out.append(ln.replace(words[1], tmp + words[1], 1))
            continue
        for i in PATH_ARGS[words[0]]:
            if i >= len(words) or not words[i].startswith('/'):
                continue
            new = tmp + words[i]
            if words[0] in ('access-log', 'error-log'):
                os.makedirs(os.path.dirname(new), exist_ok=True)
            elif words[0] == 'userdir-limits':
                # the example's own file, where the example says it is
                os.makedirs(os.path.dirname(new), exist_ok=True)
                shutil.copy(os.path.join(REPO, 'examples',
                                         os.path.basename(new)), new)
                os.chmod(new, 0o644)
            elif words[0] == 'cgi-dir':
                os.makedirs(os.path.dirname(new), exist_ok=True)
                with open(os.path.join(REPO, 'policy',
                                       'default.policy')) as f:
                    pol = f.read()
                with open(new, 'w') as f:
                    f.write(pol)
            else:
                os.makedirs(new, exist_ok=True)
                os.chmod(new, 0o755)
            ln = ln.replace(words[i], new, 1)
        out.append(ln)
    return out


def test_every_example_configuration_passes_n():
    files = sorted(glob.glob(os.path.join(REPO, 'examples', '*.conf')))
    names = [os.path.basename(f) for f in files]
    for want in ('internet.conf', 'class.conf', 'appliance.conf'):
        assert want in names, (want, names)
    bad = []
    for path in files:
        d = Daemon(start=False)
        with open(path) as f:
            lines = _relocate(f.read(), d.tmp)
        conf = d.write_config(lines, os.path.join(d.tmp, 'x.conf'))
        rc, out, err = _n(d, conf)
        if rc != 0:
            bad.append('%s: exit %d: %s' % (os.path.basename(path), rc,
                                            err.strip()[-400:]))
    assert not bad, '\n'.join(bad)
