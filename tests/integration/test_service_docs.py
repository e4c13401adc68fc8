# SPDX-License-Identifier: ISC
"""
test_service_docs: the documents an operator deploys from (issue 11).
The man pages are mandoc-lint clean down to style; cgijail.conf(5) has
an entry for every keyword of the parser's table (daemon/config_kw.c)
and cgijail(8) for every option of the command line (daemon/main.c),
every signal the parent handles (daemon/parent.c) and every variable
it reads from its environment; both have EXAMPLES for the three
audiences, and README's deployment guide walks the same three with the
configurations and units shipped in the tree.  Each list is read from
the source, so a keyword, option or signal added without its
documentation fails here.
"""

import os
import re
import shutil
import subprocess
import tempfile

from cgijail_test import REPO

MAN8 = os.path.join(REPO, 'man', 'cgijail.8')
MAN5 = os.path.join(REPO, 'man', 'cgijail.conf.5')
README = os.path.join(REPO, 'README.md')
AUDIENCES = ('internet', 'class', 'appliance')
# read by the parent from its environment (parent_listen.c,
# parent_notify.c)
ENVIRONMENT = ('LISTEN_FDS', 'LISTEN_PID', 'LISTEN_FDNAMES',
               'NOTIFY_SOCKET')


def _read(path):
    with open(path) as f:
        return f.read()


def _section(text, name):
    m = re.search(r'^\.Sh %s\n(.*?)(?=^\.Sh |\Z)' % re.escape(name), text,
                  re.M | re.S)
    assert m, 'no section %s' % name
    return m.group(1)


def test_man_pages_are_lint_clean():
    tmp = tempfile.mkdtemp(prefix='cgijail-man-')
    try:
        for page, sec in ((MAN8, 'man8'), (MAN5, 'man5')):
            os.mkdir(os.path.join(tmp, sec))
            shutil.copy(page, os.path.join(tmp, sec))
        env = dict(os.environ, MANPATH=tmp + ':/usr/share/man')
        p = subprocess.run(['mandoc', '-Tlint', '-Wstyle', MAN8, MAN5],
                           capture_output=True, text=True, env=env,
                           timeout=60, stdin=subprocess.DEVNULL)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    ours = [ln for ln in (p.stdout + p.stderr).splitlines()
            if MAN8 in ln or MAN5 in ln]
    assert not ours, '\n'.join(ours)


def test_conf5_has_an_entry_for_every_keyword():
    src = _read(os.path.join(REPO, 'daemon', 'config_kw.c'))
    table = src[src.index('config_keywords[] = {'):]
    names = re.findall(r'\{ "([a-z-]+)",', table[:table.index('\n};')])
    assert len(names) > 20, names
    man = _read(MAN5)
    missing = [n for n in names
               if not re.search(r'^\.It Ic %s\b' % re.escape(n), man, re.M)]
    assert not missing, 'no .It Ic entry in cgijail.conf.5: %s' % missing
    for value in ('stderr', 'syslog'):
        assert re.search(r'\.It Ic access-log .*Cm %s' % value, man), value


def test_man8_names_every_option_signal_and_variable():
    main = _read(os.path.join(REPO, 'daemon', 'main.c'))
    longs = [n for n in re.findall(r'\{ "([a-z-]+)",\s+\w+_argument', main)
             if n != 'role']         # internal: the parent re-executing
    shorts = re.search(r'getopt_long\(argc, argv, "([^"]+)"', main).group(1)
    shorts = [c for c in shorts if c != ':']
    man = _read(MAN8)
    bad = []
    for o in longs:
        if not re.search(r'Fl \\-%s\b' % re.escape(o).replace('\\-', '\\\\-'),
                         man):
            bad.append('--' + o)
    for c in shorts:
        if not re.search(r'^\.It Fl %s\b' % c, man, re.M):
            bad.append('-' + c)
    parent = _read(os.path.join(REPO, 'daemon', 'parent.c'))
    signals = set(re.findall(r'sigaddset\(&mask, (SIG[A-Z0-9]+)\)', parent))
    signals.discard('SIGCHLD')
    sig = _section(man, 'SIGNALS')
    bad += [s for s in sorted(signals) if not re.search(r'Dv %s\b' % s, sig)]
    env = _section(man, 'ENVIRONMENT')
    bad += [v for v in ENVIRONMENT
            if not re.search(r'^\.It Ev %s\b' % v, env, re.M)]
    assert not bad, 'not in cgijail.8: %s' % bad


def test_examples_for_the_three_audiences():
    bad = []
    for page in (MAN8, MAN5):
        ex = _section(_read(page), 'EXAMPLES').lower()
        bad += ['%s EXAMPLES: no %s' % (os.path.basename(page), a)
                for a in AUDIENCES if a not in ex]
    readme = _read(README)
    m = re.search(r'^## Deploying it\n(.*?)(?=^## |\Z)', readme, re.M | re.S)
    assert m, 'README.md has no "## Deploying it" section'
    guide = m.group(1)
    for a in AUDIENCES:
        if 'examples/%s.conf' % a not in guide:
            bad.append('README: examples/%s.conf not named' % a)
    for f in ('contrib/cgijail.service', 'contrib/cgijail.socket',
              'contrib/cgijail.logrotate', 'make install'):
        if f not in guide:
            bad.append('README: %s not named' % f)
    assert not bad, '\n'.join(bad)
