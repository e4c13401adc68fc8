# SPDX-License-Identifier: ISC
"""
test_sandbox_identity: who a script is inside the sandbox, from its own
/proc/self/status: nobody/nogroup with no other group, every capability
set empty, no_new_privs, a seccomp filter in force, and no signal
blocked or ignored (the executor ignores SIGPIPE and others: an ignored
disposition survives execve).
"""


from cgijail_test import Daemon, assert_status, assert_still_serving, fixture

NOBODY = 65534
CAPS = ('CapInh', 'CapPrm', 'CapEff', 'CapBnd', 'CapAmb')


def status_fields(text):
    out = {}
    for line in text.splitlines():
        k, sep, v = line.partition(':')
        if sep:
            out[k] = v.strip()
    return out


def check_identity(text):
    """Every way the identity can be wrong, as a list of complaints."""
    bad = []
    if ('uid=%d gid=%d groups=%d' % (NOBODY, NOBODY, NOBODY)) not in text:
        bad.append('id says: %r' % text.splitlines()[:1])
    st = status_fields(text)
    for k in ('Uid', 'Gid'):
        ids = [int(x) for x in st.get(k, '-1').split()]
        if len(ids) != 4 or set(ids) != {NOBODY}:
            bad.append('%s: %r' % (k, st.get(k)))
    groups = st.get('Groups', None)
    if groups is None or groups.split() not in ([], [str(NOBODY)]):
        bad.append('Groups: %r' % groups)
    for c in CAPS:
        if c not in st or int(st[c], 16) != 0:
            bad.append('%s: %r' % (c, st.get(c)))
    if st.get('NoNewPrivs') != '1':
        bad.append('NoNewPrivs: %r' % st.get('NoNewPrivs'))
    if st.get('Seccomp') != '2':
        bad.append('Seccomp: %r' % st.get('Seccomp'))
    if int(st.get('Seccomp_filters', '0')) < 1:
        bad.append('Seccomp_filters: %r' % st.get('Seccomp_filters'))
    for k in ('SigBlk', 'SigIgn'):
        if k not in st or int(st[k], 16) != 0:
            bad.append('%s: %r' % (k, st.get(k)))
    return bad


def test_script_runs_as_nobody_without_privilege():
    files = {'cgi-bin/identity.sh': fixture('identity.sh'),
             'cgi-bin/ok.sh': fixture('ok.sh')}
    with Daemon(files) as d:
        r = d.get('/cgi-bin/identity.sh')
        assert_status(r, 200)
        bad = check_identity(r.text)
        assert not bad, '\n'.join(bad) + '\n' + r.text
        assert_still_serving(d)


def test_identity_is_the_same_for_every_request():
    """The child's identity steps run per request: the tenth script is
    as unprivileged as the first, also with several running at once."""
    files = {'cgi-bin/identity.sh': fixture('identity.sh'),
             'cgi-bin/ok.sh': fixture('ok.sh')}
    with Daemon(files) as d:
        conns = [d.connect() for _ in range(4)]
        try:
            for c in conns:
                c.request('GET', '/cgi-bin/identity.sh',
                          [('Connection', 'close')])
            for c in conns:
                r = c.read_response()
                assert_status(r, 200)
                bad = check_identity(r.text)
                assert not bad, '\n'.join(bad)
        finally:
            for c in conns:
                c.close()
        for _ in range(6):
            r = d.get('/cgi-bin/identity.sh')
            assert not check_identity(r.text), r.text
        assert_still_serving(d)
