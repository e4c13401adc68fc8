# SPDX-License-Identifier: ISC
"""
app_common: what the test_app_*.py files share: the Debian package of a
real CGI application (installed when missing, as `make deps` would), its
example set up by examples/APP/setup.sh in a temporary directory under
/tmp, and a daemon started with the configuration that setup wrote.
"""

import os
import shutil
import subprocess
import tempfile

from cgijail_test import REPO, Daemon, Skip

EXAMPLES = os.path.join(REPO, 'examples')
APT_TIMEOUT = 600


def have_package(pkg):
    p = subprocess.run(['dpkg-query', '-W', '-f=${Status}', pkg],
                       capture_output=True, text=True)
    return p.returncode == 0 and 'install ok installed' in p.stdout


def ensure_packages(*pkgs):
    """Install the Debian packages that are missing (make deps lists
    them too), or Skip saying why they could not be."""
    missing = [p for p in pkgs if not have_package(p)]
    if not missing:
        return
    if os.geteuid() != 0:
        raise Skip('Debian packages missing: %s (make deps)' %
                   ' '.join(missing))
    env = dict(os.environ, DEBIAN_FRONTEND='noninteractive')
    cmd = ['apt-get', '-o', 'DPkg::Lock::Timeout=300', 'install', '-y',
           '-qq', '--no-install-recommends'] + missing
    p = subprocess.run(cmd, capture_output=True, text=True, env=env,
                       timeout=APT_TIMEOUT, stdin=subprocess.DEVNULL)
    if p.returncode != 0:
        subprocess.run(['apt-get', '-o', 'DPkg::Lock::Timeout=300',
                        'update', '-qq'], capture_output=True,
                       timeout=APT_TIMEOUT, stdin=subprocess.DEVNULL)
        p = subprocess.run(cmd, capture_output=True, text=True, env=env,
                           timeout=APT_TIMEOUT, stdin=subprocess.DEVNULL)
    if p.returncode != 0 or not all(have_package(x) for x in missing):
        raise Skip('cannot install %s: %s' % (
            ' '.join(missing), (p.stderr or p.stdout)[-300:].strip()))


class App:
    """examples/NAME/setup.sh run into a fresh directory under /tmp;
    .dir, .www (the document root), .conf (the configuration it wrote),
    .extra (more setup.sh arguments, e.g. a repository directory)."""

    def __init__(self, name, extra_dirs=()):
        self.name = name
        self.tmp = tempfile.mkdtemp(prefix='cgijail-app-%s-' % name)
        os.chmod(self.tmp, 0o755)
        self.dir = os.path.join(self.tmp, name)
        self.extra = [os.path.join(self.tmp, d) for d in extra_dirs]
        setup = os.path.join(EXAMPLES, name, 'setup.sh')
        p = subprocess.run(['sh', setup, self.dir] + self.extra,
                           capture_output=True, text=True, timeout=60,
                           stdin=subprocess.DEVNULL)
        assert p.returncode == 0, (setup, p.stdout, p.stderr)
        self.www = os.path.join(self.dir, 'www')
        self.conf = os.path.join(self.dir, 'cgijail.conf')

    def config_lines(self):
        with open(self.conf) as f:
            return [ln.rstrip('\n') for ln in f]

    def daemon(self, conf=None, **kw):
        """cgijail serving .www with conf (default: the example's)."""
        return Daemon(args=['-d', self.www, '-c', conf or self.conf],
                      **kw)

    def cleanup(self):
        if not os.environ.get('CGIJAIL_KEEP'):
            shutil.rmtree(self.tmp, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.cleanup()
        return False


def git(repo, *args):
    """git in repo, with a fixed identity and no user configuration."""
    env = dict(os.environ, GIT_CONFIG_NOSYSTEM='1', HOME='/nonexistent',
               GIT_AUTHOR_NAME='Ada Lovelace',
               GIT_AUTHOR_EMAIL='ada@example.org',
               GIT_COMMITTER_NAME='Ada Lovelace',
               GIT_COMMITTER_EMAIL='ada@example.org')
    p = subprocess.run(['git', '-C', repo] + list(args), env=env,
                       capture_output=True, text=True, timeout=60,
                       stdin=subprocess.DEVNULL)
    assert p.returncode == 0, (args, p.stderr)
    return p.stdout


def make_repo(gitdir, name='demo.git'):
    """A bare repository in gitdir with two commits (the second with a
    body); returns (its path, the second commit's id)."""
    work = tempfile.mkdtemp(prefix='cgijail-app-work-')
    try:
        git(work, 'init', '-q', '-b', 'main')
        with open(os.path.join(work, 'README'), 'w') as f:
            f.write('hello from the first commit\n')
        git(work, 'add', 'README')
        git(work, 'commit', '-q', '-m', 'First commit: a README')
        with open(os.path.join(work, 'README'), 'a') as f:
            f.write('and a second line\n')
        git(work, 'commit', '-q', '-a', '-m',
            'Second commit: sandboxed and proud\n\n'
            'The body of the second commit message.')
        head = git(work, 'rev-parse', 'HEAD').strip()
        bare = os.path.join(gitdir, name)
        git(work, 'clone', '-q', '--bare', work, bare)
        with open(os.path.join(bare, 'description'), 'w') as f:
            f.write('A demo repository made by the test\n')
        subprocess.run(['chmod', '-R', 'go-w,a+rX', bare], check=True)
        return bare, head
    finally:
        shutil.rmtree(work, ignore_errors=True)
