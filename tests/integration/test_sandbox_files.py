# SPDX-License-Identifier: ISC
"""
test_sandbox_files: the file system a script sees.  Host secrets are not
in the jail, the document root is read-only (mount and landlock), the only
writable place is a private /tmp that is empty again for the next request,
the jail's / holds only the expected entries, and a document root under
/tmp (where the tests put theirs) is still visible, read-only, at its path.
"""

import os
import shutil
import tempfile

from cgijail_test import Daemon, assert_status, assert_still_serving, fixture


# the jail's / : system directories (some are symlinks into /usr), its own
# /etc, /dev, /proc and /tmp, and the top directory of the document root
JAIL_REQUIRED = {'usr', 'bin', 'lib', 'etc', 'dev', 'proc', 'tmp'}
JAIL_ALLOWED = JAIL_REQUIRED | {'sbin', 'lib32', 'lib64', 'libx32'}

# what files.sh may do ("yes") and may not ("no")
EXPECT = {
    'shadow_read': 'no',
    'shadow_exists': 'no',
    'host_passwd_root_home': 'no',
    'docroot_write': 'no',
    'cgibin_write': 'no',
    'script_overwrite': 'no',
    'script_chmod': 'no',
    'tmp_write': 'yes',
    'tmp_readback': 'yes',
    'var_tmp_write': 'no',
    'dev_shm_write': 'no',
    'run_write': 'no',
    'root_write': 'no',
    'etc_write': 'no',
    'usr_write': 'no',
    'dev_null_write': 'yes',
    'script_read': 'yes',
    'docroot_list': 'yes',
    'docroot_sibling': 'no',
    'proc_sysrq': 'no',
}


def run_files(d):
    r = d.get('/cgi-bin/files.sh')
    assert_status(r, 200)
    res = {}
    for line in r.text.splitlines():
        k, sep, v = line.partition('=')
        if sep:
            res[k] = v
    return res, r.text


def check_files(d, res, text):
    bad = ['%s=%s, expected %s' % (k, res.get(k), v)
           for k, v in sorted(EXPECT.items()) if res.get(k) != v]
    root = set(res.get('root', '').split())
    top = d.docroot.strip('/').split('/')[0]
    missing = (JAIL_REQUIRED | {top}) - root
    extra = root - JAIL_ALLOWED - {top}
    if missing or extra:
        bad.append('jail / has %s: missing %s, unexpected %s' % (
            sorted(root), sorted(missing), sorted(extra)))
    if res.get('script') != '#!/bin/sh':
        bad.append('SCRIPT_FILENAME read back %r' % res.get('script'))
    assert not bad, '\n'.join(bad) + '\n--- files.sh said:\n' + text
    # nothing the script tried may have reached the host
    for p in (os.path.join(d.docroot, 'pwned'),
              os.path.join(d.docroot, 'cgi-bin', 'pwned'), '/x',
              '/usr/pwned'):
        assert not os.path.exists(p), 'script wrote %s on the host' % p
    with open(d.path('cgi-bin/files.sh'), 'rb') as f:
        assert f.read() == fixture('files.sh')[0], 'script modified itself'
    assert os.stat(d.path('cgi-bin/files.sh')).st_mode & 0o7777 == 0o755


def test_jail_file_access_docroot_under_tmp():
    files = {'cgi-bin/files.sh': fixture('files.sh'),
             'cgi-bin/ok.sh': fixture('ok.sh')}
    with Daemon(files) as d:
        assert d.docroot.startswith('/tmp/'), d.docroot
        res, text = run_files(d)
        assert res.get('tmp_had_x') == 'no', text
        check_files(d, res, text)
        # the first request's /tmp/x is gone: every /tmp is new
        res, text = run_files(d)
        assert res.get('tmp_had_x') == 'no', '/tmp outlived its request'
        check_files(d, res, text)
        assert not os.path.exists('/tmp/x') or \
            open('/tmp/x', 'rb').read() != b'secret\n', \
            'the private /tmp is the host /tmp'
        assert_still_serving(d)


def test_jail_file_access_docroot_outside_tmp():
    """The same with a document root that needs no /tmp trick."""
    base = tempfile.mkdtemp(prefix='cgijail-sbx-', dir='/var/tmp')
    try:
        os.chmod(base, 0o755)
        root = os.path.join(base, 'root')
        os.makedirs(os.path.join(root, 'cgi-bin'))
        for p in (root, os.path.join(root, 'cgi-bin')):
            os.chmod(p, 0o755)
        for name in ('files.sh', 'ok.sh'):
            dst = os.path.join(root, 'cgi-bin', name)
            with open(dst, 'wb') as f:
                f.write(fixture(name)[0])
            os.chmod(dst, 0o755)
        d = Daemon(args=['-d', root], start=False)
        d.docroot = root
        with d.start():
            res, text = run_files(d)
            check_files(d, res, text)
            assert_still_serving(d)
    finally:
        shutil.rmtree(base, ignore_errors=True)
