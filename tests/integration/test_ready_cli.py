# SPDX-License-Identifier: ISC
"""
test_ready_cli: the command line people already type and the messages
and documents they read (issue 10): -h/--help and --version on stdout
with exit 0, python's --cgi flag, --bind/--directory, the listen forms
ADDRESS:PORT, [V6]:PORT and PORT, sizes given as 1M-16T, setenv PATH
explained, --check as a non-root user (rootless since issue 12), and docs
that are true (the man page's SIGHUP, README's file references,
SECURITY.md's contact).

`listen PORT` listens on every interface, so that one case runs the
daemon in a private network namespace (unshare --net, loopback only)
and talks to it from inside that namespace with nsenter and curl: no
test ever listens on the host's real interfaces.
"""

import os
import re
import shutil
import socket
import subprocess
import tempfile
import time

from cgijail_test import (DAEMON, REPO, Daemon, DaemonError, Skip,
                          assert_status, port_listening)

OK_SH = '#!/bin/sh\nprintf "Content-Type: text/plain\\n\\nok"\n'

# every option of the command line; each needs a line of its own in -h
OPTIONS = ('-b', '--bind', '-d', '--directory', '-c', '-t', '--cgi-dir',
           '--cgi', '--debug', '--check', '-n', '-h', '--help',
           '--version')

# "run it as root", "must be run as root", "needs root" (but not "the
# executor runs as root", a line --check prints as root)
RUN_AS_ROOT = re.compile(r'\b(run|start|use)\b(\s+\S+){0,3}\s+as root\b|'
                         r'\b(needs|requires|must run as|must be run as) '
                         r'root\b|\bonly root\b', re.I)

# domains that never reach anyone (RFC 2606, RFC 6761)
PLACEHOLDER_DOMAIN = re.compile(
    r'(^|\.)(example(\.(com|net|org))?|invalid|test|localhost|local)$', re.I)


def _need_ipv6():
    try:
        s = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
        s.bind(('::1', 0))
        s.close()
    except OSError as e:
        raise Skip('no IPv6 loopback: %s' % e)


def _start(d, what):
    """d.start(), or a failure that says what was not accepted."""
    try:
        return d.start()
    except DaemonError as e:
        raise AssertionError('%s: the daemon did not serve (%s):\n%s' % (
            what, e, d.log_tail(8))) from None


def _config_error(lines):
    """The stderr of -n on a config whose line 1 is bad (exit 1)."""
    d = Daemon(config_lines=lines, start=False)
    p = d.run(timeout=5, extra_args=['-n'])
    assert p.returncode == 1, (lines, p.returncode, p.stderr)
    assert '%s:1: ' % d.conf in p.stderr, p.stderr
    return p.stderr.strip()


def _option_lines(text):
    """{option: line} for lines that start with options, e.g.
    "  -b, --bind ADDRESS   listen on ADDRESS only": the options are
    those before the description (two blanks or a tab)."""
    out = {}
    for ln in text.splitlines():
        if not ln.lstrip().startswith('-'):
            continue
        head = re.split(r'\s{2,}|\t', ln.strip(), maxsplit=1)
        if len(head) < 2 or not head[1].strip():
            continue            # an option without a description
        for opt in re.findall(r'(?<![\w-])(--?[A-Za-z][\w-]*)', head[0]):
            out.setdefault(opt, ln)
    return out


def test_help_lists_every_option_on_stdout():
    """-h and --help: usage on stdout, one line per option, exit 0
    (today: the synopsis alone, on stderr, exit 1)."""
    d = Daemon(start=False)
    bad = []
    for flag in ('-h', '--help'):
        p = d.run(timeout=5, argv=[DAEMON, flag])
        if p.returncode != 0:
            bad.append('%s: exit %d, expected 0' % (flag, p.returncode))
        if 'usage' not in p.stdout.lower():
            bad.append('%s: no usage on stdout (stdout %r, stderr %r)' % (
                flag, p.stdout[:300], p.stderr[:300]))
        have = _option_lines(p.stdout)
        missing = [o for o in OPTIONS if o not in have]
        if missing:
            bad.append('%s: no line of its own (option, description) for '
                       '%s in stdout:\n%s' % (flag, ' '.join(missing),
                                               p.stdout[:1500]))
    assert not bad, '\n'.join(bad)


def test_version_matches_the_server_header():
    """--version prints "cgijail VERSION" on stdout and exits 0; VERSION
    is the one in the Server header of every response."""
    d = Daemon(start=False)
    p = d.run(timeout=5, argv=[DAEMON, '--version'])
    assert p.returncode == 0, '--version: exit %d, stdout %r, stderr %r' % (
        p.returncode, p.stdout[:200], p.stderr[:300])
    m = re.match(r'^cgijail (\S+)\n$', p.stdout)
    assert m, '--version printed %r, expected "cgijail VERSION\\n"' % (
        p.stdout[:200])
    with d.start():
        server = d.get('/').get('Server')
        assert server == 'cgijail/' + m.group(1), (
            'Server header %r but --version says %r' % (server, m.group(1)))


def test_cgi_flag_is_accepted():
    """`cgijail --cgi PORT`, as with python3 -m http.server --cgi PORT:
    served on PORT with CGI on (today --cgi is taken as --cgi-dir and
    PORT as its argument)."""
    d = Daemon({'cgi-bin/ok.sh': OK_SH}, args=['--cgi'], start=False)
    assert d.argv()[-2:] == ['--cgi', str(d.port)], d.argv()
    with _start(d, '--cgi %d' % d.port):
        r = d.get('/cgi-bin/ok.sh')
        assert_status(r, 200)
        assert r.body == b'ok', r


def test_long_bind_and_directory_options():
    """--bind ADDRESS and --directory DIR do what -b and -d do."""
    d = Daemon({'index.html': 'long options\n'}, start=False)
    d.argv = lambda: [DAEMON, '--bind', '127.0.0.1', '--directory',
                      d.docroot, str(d.port)]
    with _start(d, '--bind 127.0.0.1 --directory %s' % d.docroot):
        r = d.get('/index.html')
        assert_status(r, 200)
        assert r.body == b'long options\n', r
        assert not port_listening(d.port, '::1'), \
            '--bind 127.0.0.1 also listens on ::1'


class ListenDaemon(Daemon):
    """A daemon whose only address is one listen line of its config
    (no -b, no PORT on the command line); fmt gets the port."""

    def __init__(self, fmt, bind='127.0.0.1'):
        self.fmt = fmt
        super().__init__({'index.html': 'listen line\n'}, config_lines=[],
                         bind=bind, start=False)

    def argv(self):
        # rewritten on every start: start() may move to another port
        self.write_config(['# only this address', self.fmt % self.port])
        return [DAEMON, '-d', self.docroot, '-c', self.conf]


def _serves_listen_line(fmt, bind):
    d = ListenDaemon(fmt, bind)
    with _start(d, 'config "%s"' % (fmt % d.port)):
        r = d.get('/index.html')
        assert_status(r, 200)
        assert r.body == b'listen line\n', r


def test_listen_address_colon_port():
    _serves_listen_line('listen 127.0.0.1:%d', '127.0.0.1')


def test_listen_bracketed_ipv6_colon_port():
    _need_ipv6()
    _serves_listen_line('listen [::1]:%d', '::1')


def test_listen_port_alone():
    """`listen PORT` (every address) in a private network namespace;
    curl runs in that namespace through nsenter."""
    if not shutil.which('unshare') or not shutil.which('nsenter'):
        raise Skip('unshare/nsenter not installed')
    d = ListenDaemon('listen %d')
    p = d.run(timeout=5, argv=d.argv() + ['-n'])
    assert p.returncode == 0, 'config "listen %d": -n said %r' % (
        d.port, p.stderr.strip())
    logf = open(d.logpath, 'ab')
    try:
        d.proc = subprocess.Popen(
            ['unshare', '--net', 'sh', '-c', 'ip link set lo up && '
             'exec "$@"', 'sh'] + d.argv(), stdin=subprocess.DEVNULL,
            stdout=logf, stderr=logf, cwd=d.tmp)
    finally:
        logf.close()
    url = 'http://127.0.0.1:%d/index.html' % d.port
    body, deadline = None, time.monotonic() + 5.0
    while time.monotonic() < deadline and d.proc.poll() is None:
        c = subprocess.run(['nsenter', '-t', str(d.proc.pid), '-n', 'curl',
                            '-sS', '--max-time', '2', url],
                           capture_output=True, timeout=10,
                           stdin=subprocess.DEVNULL)
        if c.returncode == 0:
            body = c.stdout
            break
        time.sleep(0.1)
    running = d.proc.poll() is None
    rc = d.stop()
    assert body == b'listen line\n', (
        'config "listen %d": %s; got %r\n%s' % (
            d.port, 'running' if running else 'exited', body,
            d.log_tail(8)))
    assert rc == 0, 'SIGTERM: exit %s' % rc


def test_size_out_of_range_is_given_in_units():
    """`limit memory 1`: the range as sizes (1M-16T), not byte counts
    (today: "expected 1048576-17592186044416 bytes")."""
    msg = _config_error(['limit memory 1'])
    assert '1M' in msg and '16T' in msg, (
        'the range is not given as 1M-16T: %r' % msg)
    assert not re.search(r'\d{7,}', msg), 'a byte count in %r' % msg


def test_setenv_path_says_cgijail_sets_it():
    """`setenv PATH /x`: PATH is set by cgijail itself; it is not a CGI
    meta-variable (today: "'PATH' is a CGI meta-variable that cgijail
    sets")."""
    msg = _config_error(['setenv PATH /x'])
    assert 'PATH' in msg, msg
    assert 'meta-variable' not in msg, (
        'PATH is not a CGI meta-variable: %r' % msg)
    assert re.search(r'set by cgijail|cgijail sets', msg), (
        'does not say that cgijail sets PATH: %r' % msg)


def _daemon_for_nobody():
    """A path to the daemon that nobody may execute (a copy if the
    build directory is closed to it); and a cleanup function."""
    ok = subprocess.run(['runuser', '-u', 'nobody', '--', 'test', '-x',
                         DAEMON], stdin=subprocess.DEVNULL).returncode == 0
    if ok:
        return DAEMON, lambda: None
    tmp = tempfile.mkdtemp(prefix='cgijail-ready-')
    os.chmod(tmp, 0o755)
    copy = os.path.join(tmp, 'cgijail')
    shutil.copy(DAEMON, copy)
    os.chmod(copy, 0o755)
    return copy, lambda: shutil.rmtree(tmp, ignore_errors=True)


def test_check_as_non_root_runs_rootless():
    """--check run by nobody probes every layer the way a rootless start
    would (issue 12), finds none missing, exits 0, says what rootless
    mode gives up, and never tells the user to run it as root."""
    if not shutil.which('runuser'):
        raise Skip('runuser not installed')
    daemon, cleanup = _daemon_for_nobody()
    d = Daemon(start=False)
    try:
        p = d.run(timeout=10, argv=['runuser', '-u', 'nobody', '--', daemon,
                                    '--check'])
    finally:
        cleanup()
    out = p.stdout + p.stderr
    assert p.returncode == 0, 'exit %d, expected 0:\n%s' % (p.returncode,
                                                            out[-1500:])
    assert re.search(r'^sandbox: mode\s+rootless\b', out, re.M), out
    assert '0 required layers missing' in out, out
    assert re.search(r'^rootless: gives up: ', out, re.M), out
    assert not RUN_AS_ROOT.search(out), (
        '--check as nobody tells to run it as root:\n%s' % out[-1500:])


def test_man_page_describes_sighup_reload():
    """SIGHUP reloads the configuration (test_signals); the man page
    must not say it is not supported."""
    with open(os.path.join(REPO, 'man', 'cgijail.8')) as f:
        text = f.read()
    m = re.search(r'^\.It Dv SIGHUP\n(.*?)(?=^\.It |^\.El)', text, re.M | re.S)
    assert m, 'no SIGHUP entry in man/cgijail.8'
    entry = m.group(1)
    assert 'not supported' not in entry, (
        'man/cgijail.8 says SIGHUP is not supported:\n' + entry)
    assert re.search(r'reload', entry, re.I), (
        'man/cgijail.8 does not say SIGHUP reloads:\n' + entry)


def _repo_files():
    """Paths the repository holds (git ls-files), or None without git."""
    try:
        p = subprocess.run(['git', '-C', REPO, 'ls-files'],
                           capture_output=True, text=True, timeout=10,
                           stdin=subprocess.DEVNULL)
    except (OSError, subprocess.TimeoutExpired):
        return None
    if p.returncode != 0:
        return None
    files = set(p.stdout.splitlines())
    dirs = {os.path.dirname(f) for f in files}
    for dname in list(dirs):
        while dname:
            dname = os.path.dirname(dname)
            dirs.add(dname)
    return files | dirs


def _file_references(text):
    """Relative paths README.md points at: markdown link and href
    targets, and `code` spans that look like a repository path (no
    blank, not absolute, a slash or a file extension)."""
    refs = re.findall(r'\]\(([^)\s]+)\)', text)
    refs += re.findall(r'href="([^"]+)"', text)
    for tok in re.findall(r'`([^`\s]+)`', text):
        if tok.startswith(('/', '-')) or not re.match(r'^[\w./-]+$', tok):
            continue
        if '/' in tok or re.search(r'\.(md|c|h|py|sh|policy|txt|[0-9])$',
                                   tok):
            refs.append(tok)
    out = []
    for r in refs:
        r = r.split('#', 1)[0]
        if r and not re.match(r'^[a-z][a-z0-9+.-]*:', r, re.I):
            out.append(r)
    return out


def test_readme_references_only_files_of_the_repository():
    """Every relative link or path README.md names exists in the
    repository, inside it (today: `../shared/DESIGN.md`, which a clone
    does not have)."""
    with open(os.path.join(REPO, 'README.md')) as f:
        refs = _file_references(f.read())
    assert refs, 'no file references found in README.md (parser broken?)'
    tracked = _repo_files()
    root = os.path.realpath(REPO)
    bad = []
    for ref in refs:
        full = os.path.realpath(os.path.join(REPO, ref))
        rel = os.path.relpath(full, root)
        if rel == '..' or rel.startswith('../'):
            bad.append('%s: outside the repository' % ref)
        elif tracked is not None and rel.rstrip('/') not in tracked:
            bad.append('%s: not a file of the repository' % ref)
        elif not os.path.exists(full):
            bad.append('%s: does not exist' % ref)
    assert not bad, 'README.md names missing files:\n' + '\n'.join(bad)


def test_security_md_names_a_real_contact():
    """The "Reporting a vulnerability" section of SECURITY.md gives the
    contact itself: an e-mail address or an https URL, none of them on a
    placeholder domain (example.*, .invalid, .test, localhost), no
    placeholder text (<...>, TODO, XXX).  Before, it pointed at "the
    address in the project's Debian package or repository metadata",
    which does not exist.

    A project that has no public home yet has no such contact, and
    inventing one would be worse than none: then the section must say
    plainly that there is none yet ("no ... address/channel/home ...
    yet") and how to report privately meanwhile, still with no
    placeholder."""
    with open(os.path.join(REPO, 'SECURITY.md')) as f:
        text = f.read()
    m = re.search(r'^#+ *Reporting a vulnerability *\n(.*?)(?=^#|\Z)', text,
                  re.M | re.S | re.I)
    assert m, 'SECURITY.md has no "Reporting a vulnerability" section'
    section = m.group(1)
    mails = re.findall(r'[\w.+-]+@([\w-]+(?:\.[\w-]+)+)', section)
    urls = re.findall(r'https://([\w.-]+)', section)
    none_yet = re.search(r'\bno (public |private )?(home|channel|address|'
                         r'contact)\b[^.]*\byet\b', section, re.I)
    assert mails or urls or none_yet, (
        'no e-mail address or https URL to report to, and no plain '
        '"there is none yet":\n' + section.strip())
    assert mails or urls or re.search(r'\bprivately\b', section, re.I), (
        'no contact and no way to report privately meanwhile:\n' +
        section.strip())
    bad = [h for h in mails + urls if PLACEHOLDER_DOMAIN.search(h)]
    assert not bad, 'placeholder domains %r in:\n%s' % (bad, section)
    assert not re.search(r'<[^>]*>|\bTODO\b|\bFIXME\b|\bXXX\b', section), (
        'placeholder text in:\n' + section.strip())
