# SPDX-License-Identifier: ISC
"""
test_privsep: the process split seen from /proc: the front holds no
privilege (uid, capabilities, no_new_privs, seccomp, its own root,
descriptors),
the executor is deaf (own network and mount namespace), and a killed
child is restarted by the parent, which says why.
"""

import os
import signal
import stat
import time

from cgijail_test import (SLOW, Daemon, assert_status, front_uid,
                          proc_comm, proc_fds, proc_status, wait_until)

CAPS = ('CapInh', 'CapPrm', 'CapEff', 'CapBnd', 'CapAmb')


def test_three_roles_exist():
    with Daemon() as d:
        p = d.wait_pids()
        assert proc_comm(p['front']) == 'cgijail-front'
        assert proc_comm(p['executor']) == 'cgijail-exec'
        parent = proc_status(p['parent'])
        assert parent['Uid'].split()[0] == '0', parent['Uid']
        assert p['front'] != p['executor']


def test_front_identity():
    with Daemon() as d:
        st = proc_status(d.wait_pids()['front'])
        uids = [int(x) for x in st['Uid'].split()]
        gids = [int(x) for x in st['Gid'].split()]
        assert len(set(uids)) == 1, 'real/effective/saved/fs uid differ: %r' \
            % uids
        assert uids[0] not in (0, 65534), uids
        assert uids[0] == front_uid(), (uids, front_uid())
        assert 0 not in gids and 65534 not in gids, gids
        assert st.get('Groups', '') == '', 'supplementary groups: %r' % (
            st.get('Groups'))


def test_front_has_no_capabilities():
    with Daemon() as d:
        st = proc_status(d.wait_pids()['front'])
        for c in CAPS:
            assert int(st[c], 16) == 0, '%s = %s' % (c, st[c])


def test_front_no_new_privs_and_seccomp():
    with Daemon() as d:
        st = proc_status(d.wait_pids()['front'])
        assert st['NoNewPrivs'] == '1', st['NoNewPrivs']
        assert st['Seccomp'] == '2', st['Seccomp']


def _same(a, b):
    """a and b name the same inode (following links, /proc ones too)."""
    sa, sb = os.stat(a), os.stat(b)
    return (sa.st_dev, sa.st_ino) == (sb.st_dev, sb.st_ino)


def test_front_root_is_the_document_root_read_only():
    """The front has a mount namespace of its own whose / is the
    document root, read-only, nosuid, nodev, noexec, with nothing of the
    host's tree left in it (issue 9: a chroot to an empty directory did
    not confine the document root descriptor opened before it)."""
    with Daemon() as d:
        pid = d.wait_pids()['front']
        assert _same('/proc/%d/root' % pid, d.docroot), (
            'the front\'s root is not the document root')
        assert _same('/proc/%d/cwd' % pid, d.docroot), 'cwd outside its root'
        assert sorted(os.listdir('/proc/%d/root/' % pid)) == \
            sorted(os.listdir(d.docroot))
        assert os.readlink('/proc/%d/ns/mnt' % pid) != \
            os.readlink('/proc/self/ns/mnt'), 'no mount namespace of its own'
        with open('/proc/%d/mountinfo' % pid) as f:
            mounts = [ln.split() for ln in f]
        assert [m[4] for m in mounts].count('/') == 1, mounts
        for m in mounts:
            opts = set(m[5].split(','))
            assert {'ro', 'nosuid', 'nodev', 'noexec'} <= opts, (
                'front mount %s is %s' % (m[4], m[5]))


def _fd_flags(pid, fd):
    with open('/proc/%d/fdinfo/%d' % (pid, fd)) as f:
        for line in f:
            if line.startswith('flags:'):
                return int(line.split()[1], 8)
    return 0


O_PATH = 0o10000000


def tcp_sockets(pid):
    """inode -> (local port, state hex) of the TCP sockets in pid's
    network namespace."""
    out = {}
    for name in ('tcp', 'tcp6'):
        try:
            with open('/proc/%d/net/%s' % (pid, name)) as f:
                rows = f.read().splitlines()[1:]
        except OSError:
            continue
        for row in rows:
            col = row.split()
            if len(col) > 9:
                out[col[9]] = (int(col[1].rsplit(':', 1)[1], 16), col[3])
    return out


def socket_inodes(pid):
    return {t[8:-1] for t in proc_fds(pid).values()
            if t.startswith('socket:[')}


def test_front_descriptors():
    """Beyond stdio: sockets, pipes, event fds, one O_PATH dirfd of the
    docroot (its own "/") and read-only files beneath it; never a log
    file, the config text or any other host file."""
    d = Daemon(config_lines=[], start=False)
    acc = os.path.join(d.tmp, 'access.log')
    d.write_config(['access-log %s' % acc])
    with d.start():
        d.get('/')
        pid = d.wait_pids()['front']
        bad, docroot_fds = [], []
        for fd, target in sorted(proc_fds(pid).items()):
            if fd <= 2:
                continue
            if target.startswith(('socket:', 'pipe:', 'anon_inode:')):
                continue
            fdpath = '/proc/%d/fd/%d' % (pid, fd)
            if _same(fdpath, d.docroot):
                docroot_fds.append(fd)
                if not _fd_flags(pid, fd) & O_PATH:
                    bad.append('%d -> %s is not O_PATH' % (fd, target))
                continue
            # a file being (or recently) served, named from the front's
            # root (the docroot) or from ours
            inside = target if target.startswith(d.docroot + '/') else \
                d.docroot + target
            if os.path.exists(inside) and _same(fdpath, inside):
                if _fd_flags(pid, fd) & 3 != os.O_RDONLY:
                    bad.append('%d -> %s is writable' % (fd, target))
                continue
            bad.append('%d -> %s' % (fd, target))
        assert not bad, 'unexpected descriptors in the front: %r' % bad
        assert docroot_fds, 'no docroot descriptor found'
        assert os.path.exists(acc), 'access log not created'


def _executor_ready(d):
    """The executor confines itself after it starts; a script request
    goes through it, so once one is answered it has finished setup."""
    d.write('cgi-bin/ready.sh', '#!/bin/sh\nprintf "Content-Type: '
            'text/plain\\n\\nok"\n')
    wait_until(lambda: d.get('/cgi-bin/ready.sh').status == 200,
               3.0 * SLOW, 0.1)


def test_executor_is_deaf():
    """The executor lives in its own network and mount namespaces and
    holds no socket of the host's network."""
    with Daemon() as d:
        p = d.wait_pids()
        _executor_ready(d)
        ns = {}
        for role in ('parent', 'executor'):
            ns[role] = {n: os.readlink('/proc/%d/ns/%s' % (p[role], n))
                        for n in ('net', 'mnt')}
        assert ns['executor']['net'] != ns['parent']['net'], ns
        assert ns['executor']['mnt'] != ns['parent']['mnt'], ns
        host = tcp_sockets(p['parent'])
        held = socket_inodes(p['executor']) & set(host)
        assert not held, 'executor holds host TCP sockets: %r' % [
            host[i] for i in held]
        own = tcp_sockets(p['executor'])
        assert not own, 'TCP sockets in the executor namespace: %r' % own


def test_executor_keeps_fewer_capabilities_than_root():
    with Daemon() as d:
        p = d.wait_pids()
        _executor_ready(d)
        par = proc_status(p['parent'])
        ex = proc_status(p['executor'])
        assert int(ex['CapEff'], 16) & ~int(par['CapEff'], 16) == 0
        assert int(ex['CapBnd'], 16) != int(par['CapBnd'], 16) or \
            int(ex['CapEff'], 16) != int(par['CapEff'], 16), \
            'executor kept every capability of root'


def test_only_the_front_holds_client_connections():
    """The parent binds but never reads the network: a connected client
    socket exists in the front and not in the parent."""
    with Daemon() as d, d.connect() as c:
        c.request('GET', '/')
        c.read_response()
        p = d.wait_pids()
        conns = {i for i, (port, state) in tcp_sockets(p['parent']).items()
                 if port == d.port and state == '01'}
        assert conns, 'established connection not found in /proc/net/tcp'
        assert conns & socket_inodes(p['front']), 'front lacks the client'
        assert not conns & socket_inodes(p['parent']), \
            'the parent holds a client connection'
        assert not conns & socket_inodes(p['executor']), \
            'the executor holds a client connection'
        listen = {i for i, (port, state) in tcp_sockets(p['parent']).items()
                  if port == d.port and state == '0A'}
        assert listen & socket_inodes(p['front']), 'front cannot accept'
        assert not c.closed(0.1)


def test_killed_front_is_restarted_and_logged():
    with Daemon() as d:
        d.expect_restart = True
        old = d.wait_pids()
        t0 = time.monotonic()
        os.kill(old['front'], signal.SIGKILL)
        back = wait_until(lambda: d.answers(timeout=0.5), 2.0, 0.05)
        took = time.monotonic() - t0
        assert back, 'no service %.1fs after the front was killed' % took
        new = d.wait_pids(timeout=2.0, old=old)
        assert new['parent'] == old['parent']
        assert new['front'] != old['front']
        assert new['executor'] != old['executor'], \
            'executor was not restarted with the front'
        line = d.wait_log(r' parent rid=\S+ \w+: .*front.*'
                          r'(signal|killed|KILL|9)', 2.0)
        assert line, 'parent did not log why the front ended'
        # and the new front is as unprivileged as the first
        st = proc_status(new['front'])
        assert st['Seccomp'] == '2', 'new front: Seccomp %s' % st['Seccomp']
        assert int(st['CapEff'], 16) == 0, 'new front: CapEff %s' % (
            st['CapEff'])
        assert int(st['Uid'].split()[0]) == front_uid(), st['Uid']


def test_killed_executor_is_restarted():
    with Daemon() as d:
        d.expect_restart = True
        old = d.wait_pids()
        os.kill(old['executor'], signal.SIGKILL)
        new = d.wait_pids(timeout=3.0, old={'executor': old['executor']})
        assert new['executor'] != old['executor']
        assert wait_until(lambda: d.answers(timeout=0.5), 2.0)
        r = d.get('/')
        assert_status(r, 200)
        assert d.wait_log(r' parent rid=\S+ \w+: .*exec', 2.0), \
            'parent did not log the executor ending'


def test_front_cannot_open_docroot_parent():
    """A static request is resolved beneath the docroot even for the
    front's own descriptor: a world-readable sibling file is out."""
    with Daemon() as d:
        sib = os.path.join(d.tmp, 'sibling.txt')
        with open(sib, 'w') as f:
            f.write('sibling\n')
        os.chmod(sib, 0o644)
        assert stat.S_IMODE(os.stat(sib).st_mode) == 0o644
        for t in (b'/../sibling.txt', b'/%2e%2e/sibling.txt'):
            data = d.request(b'GET ' + t + b' HTTP/1.1\r\nHost: a\r\n'
                             b'Connection: close\r\n\r\n')
            assert b'sibling\n' not in data.split(b'\r\n\r\n', 1)[-1]
