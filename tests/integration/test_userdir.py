# SPDX-License-Identifier: ISC
"""
test_userdir: `userdir public_html` serves each student's ~/public_html
as /~NAME/ (issue 12): pages, index files, redirects and listings as for
the main root; every CGI directory applies inside each tree; a student's
script runs as that student (uid and primary gid, no other group: the
suEXEC model) and sees its own tree read-only at its own path, nothing
of the other students' homes nor of the main document root; a script
owned by another user or writable by its group is refused (403, the
reason in the log); root, nobody, a system account, an unknown name, an
account without the directory and one whose directory is unsafe all
get the same 404; the main site runs as before; a script's stderr lines
name the student and the request id; the jail's passwd and group name
the student (id -un works) and no classmate.  Accounts are made with
useradd in a temporary directory and removed afterwards
(cgijail_test.Students).
"""

import os
import re
import shutil
import statistics
import tempfile
import time

from cgijail_test import (Daemon, Students, assert_error_page,
                          assert_status, fixture, rid_of, wait_until)

ID_SH = ('#!/bin/sh\nprintf "Content-Type: text/plain\\n\\n"\n'
         'echo "uid=$(id -u)"\necho "gid=$(id -g)"\n'
         'echo "groups=$(id -G)"\n'
         'echo "file=$SCRIPT_FILENAME"\necho "root=$DOCUMENT_ROOT"\n'
         'echo "name=$SCRIPT_NAME"\necho "cwd=$(pwd)"\n', 0o755)
OK_SH = ('#!/bin/sh\nprintf "Content-Type: text/plain\\n\\nok"\n', 0o755)

CONF = ['userdir public_html', 'autoindex on']


def _kv(body):
    return dict(ln.split('=', 1) for ln in body.decode().splitlines()
                if '=' in ln)


def _daemon(extra=None, docroot_base=None, files=None):
    """A daemon with userdir on; its main root has its own scripts.
    docroot_base: the main root moves there (the jail then unmounts it
    for a student, instead of not putting it back over its /tmp); the
    caller removes d.moved_root."""
    files = dict(files or {})
    files.setdefault('index.html', 'main site\n')
    files.setdefault('secret.txt', 'MAIN-DOCROOT-SECRET\n')
    files.setdefault('cgi-bin/id.sh', ID_SH)
    files.setdefault('cgi-bin/ok.sh', fixture('ok.sh'))
    d = Daemon(files, config_lines=CONF + list(extra or []), start=False)
    d.moved_root = None
    if docroot_base is not None:
        d.moved_root = tempfile.mkdtemp(prefix='cgijail-root-',
                                        dir=docroot_base)
        os.chmod(d.moved_root, 0o755)
        root = os.path.join(d.moved_root, 'root')
        shutil.move(d.docroot, root)
        d.docroot = root
    return d


def _start(d):
    try:
        d.start()
    except Exception:
        raise AssertionError('daemon did not start:\n%s' % d.log_tail(30))
    return d


def _two(s):
    """alice's home is 0711; bob's is private (0700): what is in
    public_html is served all the same."""
    alice, bob = s.add('alice'), s.add('bob', home_mode=0o700)
    for who in (alice, bob):
        s.write(who, 'index.html', 'home page of %s\n' % who)
        s.write(who, 'cgi-bin/id.sh', ID_SH)
        s.write(who, 'notes/plan.txt', 'plan of %s\n' % who)
    return alice, bob


def test_each_student_has_pages_and_scripts_of_their_own():
    with Students() as s, _daemon() as d:
        alice, bob = _two(s)
        _start(d)
        for who in (alice, bob):
            r = d.get('/~%s/' % who)
            assert_status(r, 200)
            assert r.body == b'home page of %s\n' % who.encode(), r
            r = d.get('/~%s/notes/plan.txt' % who)
            assert_status(r, 200)
            assert r.body == b'plan of %s\n' % who.encode(), r
            r = d.get('/~%s/cgi-bin/id.sh' % who)
            assert_status(r, 200)
            kv = _kv(r.body)
            assert kv['uid'] == str(s.uid(who)), (who, kv)
            assert kv['gid'] == str(s.gid(who)), (who, kv)
            assert kv['groups'] == str(s.gid(who)), (who, kv)
            assert kv['file'] == s.path(who, 'cgi-bin/id.sh'), kv
            assert kv['root'] == s.path(who), kv
            assert kv['name'] == '/~%s/cgi-bin/id.sh' % who, kv
            assert kv['cwd'] == s.path(who, 'cgi-bin'), kv
        # the main site is still the main site
        r = d.get('/')
        assert r.body == b'main site\n', r


def test_a_home_named_through_a_symlink_is_served_at_its_own_path():
    """/home -> /srv/home: the tree shows at HOME/DIR as passwd names it
    (the link's side), and is found on the host through the link."""
    with Students() as s, _daemon() as d:
        carol = s.add('carol', via_link=True)
        s.write(carol, 'index.html', 'carol home\n')
        s.write(carol, 'cgi-bin/id.sh', ID_SH)
        assert os.path.islink(os.path.dirname(s.home(carol)))
        _start(d)
        assert d.get('/~%s/' % carol).body == b'carol home\n'
        r = d.get('/~%s/cgi-bin/id.sh' % carol)
        assert_status(r, 200)
        kv = _kv(r.body)
        assert kv['uid'] == str(s.uid(carol)), kv
        assert kv['file'] == s.path(carol, 'cgi-bin/id.sh'), kv


def test_redirects_index_and_listing_in_a_student_tree():
    with Students() as s, _daemon() as d:
        alice = s.add('alice')
        s.write(alice, 'index.html', 'alice home\n')
        s.write(alice, 'pics/cat.txt', 'meow\n')
        _start(d)
        r = d.get('/~%s' % alice)
        assert_status(r, 301)
        assert r.get('Location') == '/~%s/' % alice, r.head()
        r = d.get('/~%s/pics?x=1' % alice)
        assert_status(r, 301)
        assert r.get('Location') == '/~%s/pics/?x=1' % alice, r.head()
        r = d.get('/~%s/pics/' % alice)
        assert_status(r, 200)
        assert b'Index of /~%s/pics/' % alice.encode() in r.body, r.body
        assert b'href="cat.txt"' in r.body, r.body
        # a CGI directory's sources are never files, in a tree too
        s.write(alice, 'cgi-bin/id.sh', ID_SH)
        r = d.get('/~%s/cgi-bin/id.sh' % alice)
        assert b'#!/bin/sh' not in r.body, r
        r = d.get('/~%s/.profile' % alice)
        assert_status(r, 404)


def _probe_sh(paths):
    lines = ['#!/bin/sh', 'printf "Content-Type: text/plain\\n\\n"']
    for tag, p in paths:
        lines.append('if cat "%s" >/dev/null 2>&1; then echo "%s=read"; '
                     'else echo "%s=denied"; fi' % (p, tag, tag))
        # a directory counts as seen when it lists something (an empty
        # mount point may be left where a tree is not shown)
        lines.append('if [ -n "$(ls -A "%s" 2>/dev/null)" ]; then echo '
                     '"%s.dir=seen"; else echo "%s.dir=none"; fi' % (
                         os.path.dirname(p), tag, tag))
    lines.append('if (echo x > "%s") 2>/dev/null; then echo write=yes; '
                 'else echo write=no; fi' % paths[0][1])
    return ('\n'.join(lines) + '\n', 0o755)


def _isolation(home_base, docroot_base):
    d = _daemon(docroot_base=docroot_base)
    try:
        with Students(base=home_base) as s, d:
            _isolation_run(s, d)
    finally:
        if d.moved_root:
            shutil.rmtree(d.moved_root, ignore_errors=True)


def _isolation_run(s, d):
    alice, bob = _two(s)
    s.write(bob, 'secret.txt', 'BOB-SECRET\n')
    os.chmod(s.path(bob, 'secret.txt'), 0o644)
    s.write(alice, 'mine.txt', 'ALICE-OWN\n')
    probe = _probe_sh([('own', s.path(alice, 'mine.txt')),
                       ('bob', s.path(bob, 'secret.txt')),
                       ('bobhome', os.path.join(s.home(bob), 'x')),
                       ('main', os.path.join(d.docroot,
                                             'secret.txt'))])
    s.write(alice, 'cgi-bin/probe.sh', probe)
    _start(d)
    r = d.get('/~%s/cgi-bin/probe.sh' % alice)
    assert_status(r, 200)
    kv = _kv(r.body)
    want = {'own': 'read', 'own.dir': 'seen', 'bob': 'denied',
            'bob.dir': 'none', 'bobhome.dir': 'none', 'main': 'denied',
            'main.dir': 'none', 'write': 'no'}
    assert {k: kv.get(k) for k in want} == want, (kv, d.log_tail(20))
    # the host's copy of bob's secret is readable by anyone: only
    # the jail keeps alice from it
    assert open(s.path(bob, 'secret.txt')).read() == 'BOB-SECRET\n'


def test_a_script_sees_its_own_tree_only():
    """Homes under /var/tmp, the main root under /tmp."""
    _isolation('/var/tmp', None)


def test_a_script_sees_its_own_tree_only_other_layout():
    """Homes under /tmp (the jail's private /tmp), the main root
    elsewhere (unmounted for a student's script)."""
    _isolation('/tmp', '/var/tmp')


def test_script_owned_by_another_student_is_refused():
    with Students() as s, _daemon(['userdir-debug on']) as d:
        alice, bob = _two(s)
        s.write(alice, 'cgi-bin/planted.sh', OK_SH, owner=bob)
        _start(d)
        r = d.get('/~%s/cgi-bin/planted.sh' % alice)
        assert_status(r, 403)
        assert b'not owned by' in r.body, r.body
        assert d.wait_log(r'cgi\[\d+\] /~%s/cgi-bin/planted.sh: forbidden: '
                          r'not owned by' % alice), d.log_tail()
        # her own runs
        assert_status(d.get('/~%s/cgi-bin/id.sh' % alice), 200)


def test_group_or_other_writable_script_or_directory_is_refused():
    with Students() as s, _daemon() as d:
        alice = s.add('alice')
        s.write(alice, 'cgi-bin/gw.sh', (OK_SH[0], 0o775))
        s.write(alice, 'cgi-bin/ok.sh', OK_SH)
        s.write(alice, 'open/ok.sh', OK_SH)
        s.mkdir(alice, 'open', 0o777)
        s.write(alice, 'cgi-bin/grp/ok.sh', OK_SH)
        s.mkdir(alice, 'cgi-bin/grp', 0o775)
        _start(d)
        assert_status(d.get('/~%s/cgi-bin/ok.sh' % alice), 200)
        r = d.get('/~%s/cgi-bin/gw.sh' % alice)
        assert_status(r, 403)
        assert d.wait_log(r'/~%s/cgi-bin/gw.sh: forbidden: writable by '
                          r'group' % alice), d.log_tail()
        r = d.get('/~%s/cgi-bin/grp/ok.sh' % alice)
        assert_status(r, 403)
        assert d.wait_log(r'/~%s/cgi-bin/grp/ok.sh: forbidden: directory '
                          r'writable by group' % alice), d.log_tail()
        assert_error_page(r, 403, d)


def test_unknown_system_and_dirless_accounts_get_the_same_404():
    with Students() as s, _daemon(['userdir-debug on']) as d:
        alice = s.add('alice')
        s.write(alice, 'index.html', 'a\n')
        sysacct = s.add('sys', system=True)     # uid below 1000
        s.write(sysacct, 'index.html', 'system\n')
        nodir = s.add('nodir', public=False)
        unsafe = s.add('unsafe', dir_mode=0o777)
        s.write(unsafe, 'index.html', 'unsafe\n')
        _start(d)
        names = ['root', 'nobody', 'daemon', sysacct, nodir, unsafe,
                 'cjtnosuchuser', 'no.such-user_x', 'bad%20name', '..%2e']
        pages = {}
        for n in names:
            for tail in ('/', '/index.html', '/cgi-bin/id.sh', ''):
                r = d.get('/~%s%s' % (n, tail))
                assert_status(r, 404)
                body = re.sub(rb'(rid=|request id )\d+', b'N', r.body)
                pages.setdefault(body, []).append(n + tail)
        assert len(pages) == 1, 'the 404 pages differ: %r' % pages
        assert_status(d.get('/~%s/' % alice), 200)
        # the unsafe directory is said in the log, at start
        assert re.search(r'userdir: %s: .*writable by group or others' %
                         unsafe, d.log()), d.log_tail()
        # no timing tells them apart either: an account's existence is
        # never looked up per request (medians of interleaved requests)
        times = {n: [] for n in ('root', nodir, 'cjtnosuchuser')}
        for _ in range(15):
            for n in times:
                t0 = time.monotonic()
                d.get('/~%s/' % n)
                times[n].append(time.monotonic() - t0)
        med = {n: statistics.median(v) for n, v in times.items()}
        assert max(med.values()) - min(med.values()) < 0.010, med


def test_main_document_root_scripts_run_as_before():
    with Students() as s, _daemon() as d:
        _two(s)
        _start(d)
        r = d.get('/cgi-bin/id.sh')
        assert_status(r, 200)
        kv = _kv(r.body)
        assert kv['uid'] == '65534' and kv['gid'] == '65534', kv
        assert kv['file'] == os.path.join(d.docroot, 'cgi-bin/id.sh'), kv
        assert kv['root'] == d.docroot, kv
        r = d.get('/secret.txt')
        assert r.body == b'MAIN-DOCROOT-SECRET\n', r


NAMES_SH = ('#!/bin/sh\nprintf "Content-Type: text/plain\\n\\n"\n'
            'echo "user=$(id -un)"\necho "group=$(id -gn)"\n'
            'echo "whoami=$(whoami)"\n'
            'echo "py=$(python3 -c \'import os, pwd; p = pwd.getpwuid('
            'os.getuid()); print(p.pw_name, p.pw_dir, p.pw_shell)\')"\n'
            'echo "passwd=$(cut -d: -f1,3,4 /etc/passwd | tr \'\\n\' \' \')"\n'
            'echo "groups=$(cut -d: -f1,3 /etc/group | tr \'\\n\' \' \')"\n'
            'echo "tmp=$(ls -A /tmp | tr \'\\n\' \' \')"\n'
            'echo names-done >&2\n', 0o755)


def _names(d, target):
    """What NAMES_SH at target says, once its stderr is all logged:
    only its last line (no "cannot find name for user ID")."""
    r = d.get(target)
    assert_status(r, 200)
    rid = rid_of(d, target)
    assert d.wait_log(r'cgi\[%d\] .*: names-done$' % rid, 5), d.log_tail()
    said = [ln for ln in d.log().splitlines()
            if re.search(r'front rid=%d .*cgi\[%d\] ' % (rid, rid), ln)]
    assert len(said) == 1, said
    return _kv(r.body)


def _named(extra):
    with Students() as s, _daemon(extra, files={'cgi-bin/names.sh':
                                                NAMES_SH}) as d:
        alice, bob = _two(s)
        carol = s.add('carol', group='users')
        for who in (alice, bob, carol):
            s.write(who, 'cgi-bin/names.sh', NAMES_SH)
        _start(d)
        for who, group in ((alice, alice), (bob, bob), (carol, 'users')):
            kv = _names(d, '/~%s/cgi-bin/names.sh' % who)
            uid, gid = s.uid(who), s.gid(who)
            assert (kv['user'], kv['whoami'], kv['group']) == (
                who, who, group), (who, kv)
            assert kv['py'] == '%s %s /usr/sbin/nologin' % (
                who, s.home(who)), (who, kv)
            assert sorted(kv['passwd'].split()) == sorted([
                'root:0:0', 'nobody:65534:65534',
                '%s:%d:%d' % (who, uid, gid)]), (who, kv)
            assert sorted(kv['groups'].split()) == sorted([
                'root:0', 'nogroup:65534', '%s:%d' % (group, gid)]), (
                    who, kv)
            # nothing left in /tmp but the script's copy, as before
            assert kv['tmp'].split() == ['.cgijail-script'], (who, kv)
        kv = _names(d, '/cgi-bin/names.sh')
        assert (kv['user'], kv['group']) == ('nobody', 'nogroup'), kv
        assert kv['passwd'].split() == ['root:0:0', 'nobody:65534:65534'], kv
        assert kv['groups'].split() == ['root:0', 'nogroup:65534'], kv


def test_a_student_is_named_in_its_jail_and_no_classmate_is():
    """The jail's passwd and group name the student (id -un, whoami,
    python's pwd, with the home passwd gives it) beside root and the
    script user, and no other student; a primary group shared by the
    class is named as the host names it.  The main root's scripts see
    the two ids they always did.  Children made by a spawner."""
    _named([])


def test_a_student_is_named_in_a_jail_the_executor_makes_too():
    """The same, each child a copy of the executor (max-scripts 1: no
    spawners)."""
    _named(['max-scripts 1'])


def test_stderr_lines_name_the_student_and_the_request():
    err_sh = ('#!/bin/sh\necho "student line $QUERY_STRING" >&2\n'
              'printf "Content-Type: text/plain\\n\\nok"\n', 0o755)
    with Students() as s, _daemon() as d:
        alice, bob = _two(s)
        s.write(alice, 'cgi-bin/err.sh', err_sh)
        s.write(bob, 'cgi-bin/err.sh', err_sh)
        _start(d)
        for who in (alice, bob):
            target = '/~%s/cgi-bin/err.sh?mark%s' % (who, who)
            assert_status(d.get(target), 200)
            rid = rid_of(d, target)
            line = d.wait_log(r'rid=%d .*cgi\[%d\] /~%s/cgi-bin/err.sh: '
                              r'student line mark%s$' % (rid, rid, who, who))
            assert line, d.log_tail()
        # what the README tells a teacher to grep: one student's lines
        mine = [ln for ln in d.log().splitlines()
                if re.search(r'cgi\[\d+\] /~%s/' % alice, ln)]
        assert mine and all(bob not in ln for ln in mine), mine
