# SPDX-License-Identifier: ISC
"""
test_sandbox_network: a script has no network.  TCP to the daemon's own
port (v4 and v6, python and bash's /dev/tcp), TCP elsewhere, UDP and
abstract unix sockets all fail; its namespace has only a loopback that
never carried a packet and no route.  The daemon notices nothing.
"""


from cgijail_test import Daemon, assert_status, assert_still_serving, fixture

ATTEMPTS = ('tcp4_self', 'tcp6_self', 'tcp4_remote', 'udp', 'abstract_unix')


def other_requests(d, ours):
    """Access lines other than the runner's GET / probes and ours."""
    return [m.group(0) for m in d.access_lines()
            if m.group('request') != 'GET / HTTP/1.0' and
            not m.group('request').startswith('GET %s?' % ours)]


def test_no_network_from_a_script():
    files = {'cgi-bin/network.py': fixture('network.py'),
             'cgi-bin/ok.sh': fixture('ok.sh')}
    with Daemon(files) as d:
        r = d.get('/cgi-bin/network.py?%d' % d.port, timeout=15)
        assert_status(r, 200)
        lines = r.text.splitlines()
        bad = []
        for name in ATTEMPTS:
            got = [ln for ln in lines if ln.startswith(name + '=')]
            if len(got) != 1 or not got[0].startswith(name + '=fail'):
                bad.append('%s: %r' % (name, got))
        ifaces = [ln for ln in lines if ln.startswith('iface=')]
        if ifaces != ['iface=lo rx_packets=0']:
            bad.append('interfaces: %r' % ifaces)
        if 'routes=0' not in lines and 'routes=-1' not in lines:
            bad.append('routes: %r' % [ln for ln in lines
                                       if ln.startswith('routes')])
        assert not bad, '\n'.join(bad) + '\n--- network.py said:\n' + \
            r.text
        # nothing but our own request reached the daemon
        assert not other_requests(d, '/cgi-bin/network.py'), d.log_tail()
        assert_still_serving(d)


def test_no_network_through_bash_dev_tcp():
    files = {'cgi-bin/devtcp.sh': fixture('devtcp.sh'),
             'cgi-bin/ok.sh': fixture('ok.sh')}
    with Daemon(files) as d:
        r = d.get('/cgi-bin/devtcp.sh?%d' % d.port, timeout=15)
        assert_status(r, 200)
        assert r.text.strip() == 'devtcp=fail', r.text
        assert not other_requests(d, '/cgi-bin/devtcp.sh'), d.log_tail()
        assert_still_serving(d)
