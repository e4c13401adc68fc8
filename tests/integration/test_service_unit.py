# SPDX-License-Identifier: ISC
"""
test_service_unit: contrib/ as systemd and logrotate read it (issue 11).

There is no systemd as PID 1 here, so no unit is started by systemd.
What is tested instead:
- systemd-analyze verify accepts cgijail.service and cgijail.socket
  without a single message (an unknown or misspelt directive is one);
- the service says Type=notify, reload by SIGHUP, KillMode=mixed,
  Delegate=yes and the hardening the issue names, and lists each
  directive it cannot use with a reason, none of them set;
- the daemon serves static files and scripts, reloads and stops cleanly
  under the part of the unit's confinement that can be rebuilt without
  systemd: NoNewPrivileges and the unit's own CapabilityBoundingSet
  (setpriv), ProtectSystem=strict with RuntimeDirectory=cgijail,
  ProtectHome=read-only, PrivateTmp, PrivateDevices, PrivateIPC,
  ProtectHostname, ProtectKernelTunables and ProtectKernelLogs (mounts
  in a private namespace made as systemd makes them).  Not rebuilt: the
  seccomp-based directives (RestrictNamespaces, RestrictAddressFamilies,
  SystemCallArchitectures, RestrictRealtime, RestrictSUIDSGID,
  LockPersonality, ProtectClock), Delegate=yes on cgroup v2;
- logrotate, the real one, rotates with cgijail.logrotate, whose SIGUSR1
  makes cgijail write to the new files.
"""

import os
import re
import shutil
import signal
import subprocess
import tempfile

from cgijail_test import (DAEMON, REPO, Daemon, assert_status, fixture,
                          wait_until)

CONTRIB = os.path.join(REPO, 'contrib')
SERVICE = os.path.join(CONTRIB, 'cgijail.service')
SOCKET = os.path.join(CONTRIB, 'cgijail.socket')
LOGROTATE = os.path.join(CONTRIB, 'cgijail.logrotate')

FILES = {'index.html': 'confined\n', 'cgi-bin/ok.sh': fixture('ok.sh'),
         'cgi-bin/stderr.sh': fixture('stderr.sh')}


def _directives(path):
    """{key: [values]} of the lines that are not comments."""
    out = {}
    with open(path) as f:
        for ln in f:
            ln = ln.strip()
            if not ln or ln.startswith(('#', ';', '[')):
                continue
            k, _, v = ln.partition('=')
            out.setdefault(k.strip(), []).append(v.strip())
    return out


def test_units_pass_systemd_analyze_verify():
    tmp = tempfile.mkdtemp(prefix='cgijail-units-')
    try:
        with open(SERVICE) as f:
            text = f.read().replace('/usr/local/sbin/cgijail', DAEMON)
        with open(os.path.join(tmp, 'cgijail.service'), 'w') as f:
            f.write(text)
        shutil.copy(SOCKET, tmp)
        p = subprocess.run(['systemd-analyze', 'verify', '--man=no',
                            os.path.join(tmp, 'cgijail.service'),
                            os.path.join(tmp, 'cgijail.socket')],
                           capture_output=True, text=True, timeout=60,
                           stdin=subprocess.DEVNULL)
        assert p.returncode == 0, (p.returncode, p.stdout, p.stderr)
        assert not (p.stdout + p.stderr).strip(), p.stdout + p.stderr
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


# set in the unit: what the issue asks, and what makes it a notify daemon
WANT = {
    'Type': 'notify', 'NotifyAccess': 'main', 'KillMode': 'mixed',
    'Delegate': 'yes', 'NoNewPrivileges': 'yes', 'ProtectSystem': 'strict',
    'ProtectHome': 'read-only', 'PrivateTmp': 'yes', 'PrivateDevices': 'yes',
    'ProtectKernelModules': 'yes', 'ProtectKernelTunables': 'yes',
    'RestrictRealtime': 'yes', 'LockPersonality': 'yes',
    'SystemCallArchitectures': 'native', 'RuntimeDirectory': 'cgijail',
    'LogsDirectory': 'cgijail',
}
# never set, each listed with its reason
CANNOT = ('ProtectControlGroups', 'MemoryDenyWriteExecute',
          'SystemCallFilter', 'PrivateUsers', 'DynamicUser', 'User',
          'ProtectProc', 'ProcSubset', 'PrivateNetwork')


def test_service_says_how_it_runs_and_what_it_cannot_use():
    d = _directives(SERVICE)
    bad = ['%s=%s (have %r)' % (k, v, d.get(k)) for k, v in WANT.items()
           if d.get(k) != [v]]
    assert re.search(r'kill -HUP \$MAINPID', ' '.join(d['ExecReload'])), d
    with open(SERVICE) as f:
        text = f.read()
    cannot = text[text.index('what cannot be used'):]
    for k in CANNOT:
        if k in d:
            bad.append('%s is set' % k)
        if not re.search(r'^# %s\b' % k, cannot, re.M) and \
                not re.search(r'^# (\S+, )*%s\b' % k, cannot, re.M):
            bad.append('%s: not listed with its reason' % k)
    s = _directives(SOCKET)
    if not s.get('ListenStream'):
        bad.append('cgijail.socket: no ListenStream')
    assert not bad, '\n'.join(bad)


def _caps():
    """The unit's CapabilityBoundingSet as setpriv's list."""
    caps = _directives(SERVICE)['CapabilityBoundingSet'][0].split()
    assert caps and all(c.startswith('CAP_') for c in caps), caps
    return ','.join(['-all'] + ['+' + c[4:].lower() for c in caps])


# Runs in a private mount namespace, as root: $1 the test's directory
# (the document root's, kept at its path as a /srv would be), $2 an empty
# staging directory, $3 an inaccessible file, $4 the daemon's directory
# (kept at its path as /usr/sbin would be: a build tree may be in /tmp);
# then the command.
CONFINE_SH = r'''
set -eu
T=$1 S=$2 X=$3 B=$4; shift 4
mount --make-rprivate /
# PrivateTmp=yes: a /tmp of its own; the test's and the daemon's
# directories bound back
mount -t tmpfs -o size=4m,mode=0755 stage "$S"
mkdir "$S/keep" "$S/bin"
mount --rbind "$T" "$S/keep"
mount --rbind "$B" "$S/bin"
mount -t tmpfs -o mode=1777 private-tmp /tmp
mkdir -p "$T" "$B"
mount --rbind "$S/keep" "$T"
mount --rbind "$S/bin" "$B"
umount -R "$S"
# PrivateDevices=yes: a /dev of its own with the harmless nodes only
mount -t tmpfs -o mode=0755 private-dev "$S"
for n in null zero full random urandom tty; do
	: > "$S/$n"; mount --bind "/dev/$n" "$S/$n"
done
ln -s /proc/self/fd "$S/fd"; ln -s /proc/self/fd/0 "$S/stdin"
ln -s /proc/self/fd/1 "$S/stdout"; ln -s /proc/self/fd/2 "$S/stderr"
mkdir "$S/pts" "$S/shm"
mount --move "$S" /dev
# ProtectKernelTunables=yes, ProtectKernelLogs=yes
for p in /proc/sys /proc/sysrq-trigger /proc/irq /proc/bus /proc/fs \
    /proc/acpi /proc/latency_stats /proc/timer_stats /proc/scsi \
    /proc/asound /proc/mtrr; do
	[ -e "$p" ] || continue
	mount --bind "$p" "$p"; mount -o remount,bind,ro "$p"
done
for p in /proc/kmsg /proc/kallsyms /proc/kcore; do
	[ -e "$p" ] && mount --bind "$X" "$p"
done
mount -o remount,bind,ro /sys
# RuntimeDirectory=cgijail: the real /run/cgijail, writable
mkdir -p /run/cgijail
mount --bind /run/cgijail /run/cgijail
# ProtectSystem=strict, ProtectHome=read-only: all else read-only
for m in $(awk '{ print $5 }' /proc/self/mountinfo); do
	case $m in
	/dev|/dev/*|/proc|/proc/*|/sys|/sys/*|/tmp) continue ;;
	esac
	mount -o remount,bind,ro "$m" 2>/dev/null || true
done
mount -o remount,bind,rw /run/cgijail
exec "$@"
'''


def test_daemon_serves_under_the_units_confinement_rebuilt():
    d = Daemon(FILES, config_lines=['autoindex on'], start=False)
    stage = tempfile.mkdtemp(prefix='cgijail-stage-', dir='/run')
    noacc = os.path.join(d.tmp, 'inaccessible')
    open(noacc, 'w').close()
    os.chmod(noacc, 0)
    inner = d.argv

    def argv():
        return (['unshare', '--mount', '--uts', '--ipc', '--propagation',
                 'private', '--', 'sh', '-c', CONFINE_SH, 'sh', d.tmp, stage,
                 noacc, os.path.dirname(os.path.realpath(DAEMON)),
                 'setpriv', '--no-new-privs', '--inh-caps=-all',
                 '--bounding-set=' + _caps(), '--'] + inner())
    d.argv = argv
    d.expect_restart = True
    try:
        with d.start():
            parent = d.proc.pid
            with open('/proc/%d/status' % parent) as f:
                st = f.read()
            assert re.search(r'^NoNewPrivs:\s+1$', st, re.M), st
            assert_status(d.get('/'), 200)
            r = d.get('/cgi-bin/ok.sh')
            assert_status(r, 200)
            assert r.body == b'ok', r
            assert_status(d.get('/cgi-bin/stderr.sh?x'), 200)
            assert d.wait_log(r'cgi\[\d+\] /cgi-bin/stderr\.sh: plain '
                              r'stderr line x'), d.log_tail()
            old = d.wait_pids()
            d.send_signal(signal.SIGHUP)
            d.wait_pids(5.0, old=old)
            assert wait_until(lambda: d.answers(0.5), 5.0), d.log_tail()
            assert_status(d.get('/cgi-bin/ok.sh'), 200)
    finally:
        os.rmdir(stage)


def test_logrotate_rotates_and_sigusr1_moves_cgijail_to_the_new_files():
    """The shipped file passes logrotate's own check as it is; then,
    with its paths moved to the test's directory and its postrotate
    signal sent to this daemon only, a forced rotation leaves the old
    lines in .1 and the new ones in a new file (mode 0640)."""
    p = subprocess.run(['logrotate', '-d', '-s', '/dev/null', LOGROTATE],
                       capture_output=True, text=True, timeout=60,
                       stdin=subprocess.DEVNULL)
    assert p.returncode == 0, (p.returncode, p.stderr[-2000:])
    assert not re.search(r'^error:', p.stderr, re.M), p.stderr[-2000:]
    d = Daemon(FILES, config_lines=[], start=False)
    logs = os.path.join(d.tmp, 'logs')
    os.mkdir(logs, 0o750)
    acc, err = os.path.join(logs, 'access.log'), os.path.join(logs,
                                                              'error.log')
    d.write_config(['access-log %s' % acc, 'error-log %s' % err])
    with open(LOGROTATE) as f:
        text = f.read()
    assert '/var/log/cgijail/*.log' in text and 'USR1' in text, text
    with d.start():
        text = text.replace('/var/log/cgijail/', logs + '/')
        text = re.sub(r'(postrotate\n).*?(\n\s*endscript)',
                      r'\1\t\tkill -USR1 %d\2' % d.proc.pid, text,
                      flags=re.S)
        conf = os.path.join(d.tmp, 'logrotate.conf')
        with open(conf, 'w') as f:
            f.write(text)
        d.get('/index.html?first')
        assert wait_until(lambda: 'first' in open(acc).read(), 3.0)
        p = subprocess.run(['logrotate', '-f', '-s',
                            os.path.join(d.tmp, 'state'), conf],
                           capture_output=True, text=True, timeout=60,
                           stdin=subprocess.DEVNULL)
        assert p.returncode == 0, (p.returncode, p.stderr)
        assert wait_until(lambda: d.wait_log(r'log files reopened', 0.1,
                                             path=err), 3.0), d.log_tail()
        d.get('/index.html?second')
        assert wait_until(lambda: 'second' in open(acc).read(), 3.0), \
            open(acc).read()
        with open(acc + '.1') as f:
            old = f.read()
        assert 'first' in old and 'second' not in old, old
        assert os.stat(acc).st_mode & 0o777 == 0o640, oct(os.stat(acc).
                                                          st_mode)
