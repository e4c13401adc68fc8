# SPDX-License-Identifier: ISC
"""
test_attack_front_escape: code running inside a compromised front (as
after a parser bug) tries to leave its confinement through the
descriptors and paths it holds.  gdb, as root, makes the live front
call openat(2) itself: through every directory descriptor it has (its
document root among them) and its cwd, with "../" climbs, absolute
paths, a directory listing of the host's / and a file created in a
world-writable host directory.  No call may reach a host object outside
the document root (an open that lands inside it, e.g. "/" when the
front's root is the document root, is no escape); the front keeps
serving and is not restarted (a seccomp kill would restart it, and
proves nothing about the paths).
"""

import os
import re
import sys
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from attack_common import (Daemon, check_controls, files,  # noqa: E402
                           gdb_calls)
import cgijail_test as ct                                   # noqa: E402

AT_FDCWD = -100
O_RDONLY, O_WRONLY, O_CREAT, O_DIRECTORY = 0, 1, 0o100, 0o200000
CLIMB = '../' * 24


def _dir_fds(pid):
    """The descriptors of pid that refer to a directory (O_PATH too)."""
    out = []
    for name in os.listdir('/proc/%d/fd' % pid):
        try:
            st = os.stat('/proc/%d/fd/%s' % (pid, name))
        except OSError:
            continue
        if (st.st_mode & 0o170000) == 0o040000:
            out.append(int(name))
    return sorted(out)


def _id(path):
    """(st_dev, st_ino) of path, following links; None if it is gone."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_dev, st.st_ino)


def test_front_escape_no_descriptor_or_path_reaches_outside_the_root():
    canary_dir = '/var/tmp' if os.path.isdir('/var/tmp') else '/tmp'
    canary = 'cgijail-front-escape-%s' % uuid.uuid4().hex[:12]
    with Daemon(files()) as d:
        front = d.pids()['front']
        assert front, 'no front process'
        fds = _dir_fds(front)
        assert fds, 'the front holds no directory descriptor at all?'
        host = {'passwd': _id('/etc/passwd'), 'root': _id('/'),
                'canary': None}
        calls, what = [], []
        for fd in fds + [AT_FDCWD]:
            for path, flags, mode, target, why in (
                    (CLIMB + 'etc/passwd', O_RDONLY, 0, 'passwd',
                     'read the host passwd by climbing'),
                    ('/etc/passwd', O_RDONLY, 0, 'passwd',
                     'read /etc/passwd by absolute path'),
                    (CLIMB, O_RDONLY | O_DIRECTORY, 0, 'root',
                     "list the host's /"),
                    (CLIMB + canary_dir.lstrip('/') + '/' + canary,
                     O_WRONLY | O_CREAT, 0o644, 'canary',
                     'create a file in %s' % canary_dir)):
                calls.append('openat(%d, "%s", %d, %d)' % (fd, path, flags,
                                                           mode))
                what.append((target, 'fd %s: %s' % (
                    'AT_FDCWD' if fd == AT_FDCWD else fd, why)))
        try:
            vals = gdb_calls(front, calls)
        finally:
            made = os.path.exists(os.path.join(canary_dir, canary))
            if made:
                os.unlink(os.path.join(canary_dir, canary))
        escaped = []
        for (target, why), v in zip(what, vals):
            if v < 0:
                continue
            got = _id('/proc/%d/fd/%d' % (front, v))
            # the canary counts by its existence on the host (below)
            if target != 'canary' and got == host[target]:
                escaped.append(why)
        assert not escaped and not made, \
            'the front reached outside its document root:\n  ' + \
            '\n  '.join(escaped + (['file created'] if made else []))
        check_controls(d)
        d.assert_not_restarted()


def test_front_holds_no_host_file_or_terminal():
    """Besides sockets, pipes, event descriptors and its document root,
    the front holds nothing: not the daemon's log file or terminal on
    its stdio (a compromised front would forge log lines or write to
    the operator's terminal), not the configuration.  A sanitizer build
    keeps stderr for its reports."""
    with Daemon(files()) as d:
        front = d.pids()['front']
        root = os.path.realpath(d.docroot)
        bad = []
        for name in sorted(os.listdir('/proc/%d/fd' % front), key=int):
            try:
                target = os.readlink('/proc/%d/fd/%s' % (front, name))
            except OSError:
                continue
            if re.match(r'^(socket|pipe|anon_inode):', target) or \
                    target == '/dev/null':
                continue
            if name == '2' and ct.SANITIZER:
                continue
            if target == root or target.startswith(root + '/') or \
                    _id('/proc/%d/fd/%s' % (front, name)) == _id(root):
                continue
            bad.append('fd %s -> %s' % (name, target))
        assert not bad, 'the front holds:\n  ' + '\n  '.join(bad)
        check_controls(d)
