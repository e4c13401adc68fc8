# SPDX-License-Identifier: ISC
"""
rootless_common: what the test_rootless*.py files share: an ordinary
account made for the test (useradd, always removed, even after a failure
or a killed worker's leftovers on the next run) and RootlessDaemon, the
real daemon started by that account with runuser, as a student would
start it.  Runs in the test worker (root).
"""

import os
import re
import signal
import subprocess
import time

from cgijail_test import (SLOW, Daemon, DaemonError, proc_children,
                          proc_status)

# accounts this module makes: PREFIX-<worker pid>-<n>
PREFIX = 'cgjrl'
NAME_RE = re.compile(r'^%s-(\d+)-\d+$' % PREFIX)
ACCOUNT_TRIES = 50      # /etc/passwd is locked by a concurrent useradd
# the executor says it is ready after the front answers: a loaded host
# or a sanitizer build takes its time
READY_WAIT = 10.0 * SLOW


def _account_cmd(argv):
    """useradd/userdel, retried while another one holds the lock."""
    for _ in range(ACCOUNT_TRIES):
        cp = subprocess.run(argv, capture_output=True, text=True,
                            stdin=subprocess.DEVNULL, timeout=30)
        if cp.returncode == 0:
            return
        # 10: cannot lock /etc/passwd; 8: still in use (a process exits)
        if cp.returncode not in (8, 10) and 'lock' not in cp.stderr:
            break
        time.sleep(0.1)
    raise AssertionError('%s: exit %d: %s' % (' '.join(argv), cp.returncode,
                                              cp.stderr.strip()))


def _alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    return True


def remove_stale_accounts():
    """Accounts of workers that were killed before their cleanup ran."""
    with open('/etc/passwd') as f:
        names = [ln.split(':', 1)[0] for ln in f]
    for name in names:
        m = NAME_RE.match(name)
        if m and not _alive(int(m.group(1))):
            _account_cmd(['userdel', '-f', name])


class Student:
    """An ordinary account (uid from UID_MIN up, its own group, no home),
    made by useradd and removed by close(), which a `with` guarantees."""

    _count = 0

    def __init__(self):
        remove_stale_accounts()
        Student._count += 1
        self.name = '%s-%d-%d' % (PREFIX, os.getpid(), Student._count)
        _account_cmd(['useradd', '-M', '-d', '/nonexistent', '-s',
                      '/usr/sbin/nologin', '-c', 'cgijail rootless test',
                      '-K', 'UID_MIN=20000', '-K', 'UID_MAX=29999',
                      self.name])
        out = subprocess.run(['id', '-u', self.name], capture_output=True,
                             text=True, check=True).stdout
        self.uid = int(out)
        out = subprocess.run(['id', '-g', self.name], capture_output=True,
                             text=True, check=True).stdout
        self.gid = int(out)
        assert 1000 <= self.uid < 65534, self.uid

    def close(self):
        if self.name is not None:
            _account_cmd(['userdel', '-f', self.name])
            self.name = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    def chown_tree(self, top):
        for d, dirs, files in os.walk(top):
            os.lchown(d, self.uid, self.gid)
            for n in dirs + files:
                os.lchown(os.path.join(d, n), self.uid, self.gid)


class RootlessDaemon(Daemon):
    """The daemon as `runuser -u STUDENT -- cgijail ...`: its tmp
    directory and docroot belong to the student, as ~/public_html would.
    runuser stays the parent of cgijail (it waits for its session), so
    signals go to cgijail itself; runuser then exits with its status.
    prefix: argv put before runuser (e.g. a shell that joins a cgroup)."""

    def __init__(self, student, docroot_files=None, start=True, prefix=None,
                 **kw):
        self.student = student
        self.prefix = list(prefix or [])
        super().__init__(docroot_files, start=False, **kw)
        student.chown_tree(self.tmp)
        if start:
            self.start()

    def write(self, rel, spec):
        p = super().write(rel, spec)
        if getattr(self, 'student', None) is not None:
            self.student.chown_tree(self.docroot)
        return p

    def argv(self):
        return self.prefix + ['runuser', '-u', self.student.name, '--'] + \
            super().argv()

    def main_pid(self):
        """cgijail's parent process: runuser's child."""
        if not self.running():
            return None
        kids = proc_children(self.proc.pid)
        return kids[0] if len(kids) == 1 else None

    def send_signal(self, sig):
        self._snapshot_tree()
        pid = self.main_pid()
        if pid is None:
            raise DaemonError('no cgijail under runuser %d' % self.proc.pid)
        os.kill(pid, sig)

    def stop(self, sig=signal.SIGTERM, **kw):
        if sig is not None and self.running() and not self.stopped:
            self.send_signal(sig)
        return super().stop(None, **kw)


def host_ids(pid):
    """(real uid, real gid) of a process as the host sees it."""
    st = proc_status(pid)
    return int(st['Uid'].split()[0]), int(st['Gid'].split()[0])


def ns_of(pid, kind):
    return os.readlink('/proc/%d/ns/%s' % (pid, kind))
