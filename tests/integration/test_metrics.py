# SPDX-License-Identifier: ISC
"""
test_metrics: the Prometheus endpoint (issue 11).  `metrics ADDRESS PORT`
opens a listener of its own that answers GET and HEAD /metrics in the
text exposition format 0.0.4, checked line by line here and read again
by python3-prometheus-client; it never serves a document or runs a
script, and a request for /metrics on the public listener is an
ordinary document lookup.  Without a metrics line nothing else listens.
"""

import os
import re
import socket

from cgijail_test import Daemon, assert_error_page, assert_status, fixture
from metrics_common import (CONTENT_TYPE, FAMILIES, LABELS, fetch, key,
                            metrics_daemon, parse_strict, parse_with_client,
                            scrape, value, wait_values)

FILES = {'index.html': '<html>index</html>\n',
         'cgi-bin/ok.sh': fixture('ok.sh'),
         'cgi-bin/marker.sh': ('#!/bin/sh\nprintf "Content-Type: text/plain'
                               '\\n\\nran"\n', 0o755)}


def test_exposition_format_is_strict():
    """Every family of the list, each HELP, TYPE, then its samples;
    counters end in _total; every label value of a labelled family is
    there; the histogram's buckets rise to +Inf and its _count is the
    +Inf bucket; the Content-Type is 0.0.4's; HEAD has the head of GET
    and no body; python3-prometheus-client reads the same families,
    types and values."""
    with metrics_daemon(FILES) as d:
        assert_status(d.get('/cgi-bin/ok.sh'), 200)
        wait_values(d, {key('cgijail_script_spawn_seconds_count'): 1})
        s = fetch(d.mport)
        assert s.status == 200, s.status
        assert s.headers['content-type'] == CONTENT_TYPE, s.headers
        assert int(s.headers['content-length']) == len(s.body)
        assert s.headers.get('cache-control') == 'no-store', s.headers
        fams = parse_strict(s.text)
        assert {f: fams[f]['type'] for f in fams} == FAMILIES, \
            sorted(set(fams) ^ set(FAMILIES))
        for fam, (label, vals) in LABELS.items():
            got = [lb for _, lb, _ in fams[fam]['samples']]
            assert all(set(lb) == {label} for lb in got), (fam, got)
            if vals is not None:
                assert sorted(lb[label] for lb in got) == sorted(vals), got
        for fam, f in fams.items():
            if fam not in LABELS and f['type'] != 'histogram':
                assert [lb for _, lb, _ in f['samples']] == [{}], fam
        assert value(fams, 'cgijail_build_info', version='0.1') == 1
        assert value(fams, 'cgijail_script_spawn_seconds_count') == 1
        assert value(fams, 'cgijail_scripts_ended_total',
                     outcome='exit_zero') == 1
        les = [lb['le'] for n, lb, _ in
               fams['cgijail_script_spawn_seconds']['samples']
               if n.endswith('_bucket')]
        # sensible for spawns of 1-10 ms: several bounds in that span
        assert len([x for x in les[:-1] if 0.001 <= float(x) <= 0.01]) >= 5
        # the same, read by the reference parser
        theirs = parse_with_client(s.text)
        assert len(theirs) == len(fams)
        for (fam, typ, hlp, samples), (mine, f) in zip(theirs, fams.items()):
            assert fam == re.sub('_total$', '', mine) and typ == f['type'], \
                (fam, typ, mine)
            assert hlp == f['help'], (hlp, f['help'])
            assert [[n, lb, v] for n, lb, v in f['samples']] == samples, fam
        # HEAD: the same head, and not a byte after it (raw: curl would
        # not read a body that follows a HEAD's head)
        raw = _raw(d.mport, b'HEAD /metrics HTTP/1.0\r\n\r\n')
        head, sep, rest = raw.partition(b'\r\n\r\n')
        assert sep and rest == b'', raw[-200:]
        assert head.startswith(b'HTTP/1.0 200 '), head
        assert b'\r\nContent-Type: %s\r\n' % CONTENT_TYPE.encode() in head
        assert b'\r\nContent-Length: %s\r\n' % \
            s.headers['content-length'].encode() in head


def _raw(port, data, timeout=5.0):
    """data to 127.0.0.1:port; every byte until the daemon closes."""
    out = b''
    with socket.create_connection(('127.0.0.1', port), timeout) as sk:
        sk.sendall(data)
        while len(out) < 1 << 20:
            chunk = sk.recv(65536)
            if not chunk:
                break
            out += chunk
    return out


def test_metrics_listener_serves_nothing_else():
    """On the metrics listener: another path is a 404, another method a
    405 (Allow: GET, HEAD); a document of the docroot is never served
    and a script never runs; a query string is ignored."""
    with metrics_daemon(FILES) as d:
        before = scrape(d)
        for path in ('/', '/index.html', '/cgi-bin/marker.sh',
                     '/cgi-bin/ok.sh', '/metrics/', '/metricsx',
                     '/metrics/../index.html', '/Metrics'):
            s = fetch(d.mport, path)
            got = s.status, path
            assert s.status == 404, got
            assert b'index' not in s.body and b'ran' not in s.body, got
        for method in ('POST', 'PUT', 'DELETE'):
            s = fetch(d.mport, method=method, data='x')
            assert s.status == 405, (method, s.status)
            assert s.headers.get('allow') == 'GET, HEAD', s.headers
        s = fetch(d.mport, '/metrics?name[]=cgijail_build_info')
        assert s.status == 200 and s.headers['content-type'] == CONTENT_TYPE
        after = parse_strict(s.text)
        # nothing ran, and none of that was counted as public traffic
        for name in ('cgijail_script_spawn_seconds_count',
                     'cgijail_connections_accepted_total',
                     'cgijail_http_received_bytes_total'):
            assert value(after, name) == value(before, name), name
        assert 'cgi[' not in d.log(), d.log_tail()    # the executor's


def test_metrics_on_the_public_listener_is_a_document_lookup():
    """GET /metrics on the public port is a 404 page, as for any missing
    file; with a file called metrics in the docroot, that file."""
    with metrics_daemon(FILES) as d:
        r = d.get('/metrics')
        assert_error_page(r, 404, d)
        assert 'cgijail_' not in r.text
        d.write('metrics', 'just a file\n')
        r = d.get('/metrics')
        assert_status(r, 200)
        assert r.body == b'just a file\n'
        assert not r.get('Content-Type', '').startswith('text/plain; version')


def _listening_ports(pid):
    """The TCP ports the process pid holds listening sockets on."""
    inodes = set()
    for fd in os.listdir('/proc/%d/fd' % pid):
        try:
            t = os.readlink('/proc/%d/fd/%s' % (pid, fd))
        except OSError:
            continue
        m = re.match(r'socket:\[(\d+)\]$', t)
        if m:
            inodes.add(m.group(1))
    ports = set()
    for table in ('/proc/net/tcp', '/proc/net/tcp6'):
        with open(table) as f:
            for ln in f.readlines()[1:]:
                col = ln.split()
                if col[3] == '0A' and col[9] in inodes:     # LISTEN
                    ports.add(int(col[1].rsplit(':', 1)[1], 16))
    return ports


def test_metrics_are_off_by_default():
    """No metrics line: the front and the parent listen on the public
    port and nothing else; -n says metrics are off."""
    with Daemon(FILES) as d:
        pids = d.wait_pids()
        for role in ('front', 'parent'):
            assert _listening_ports(pids[role]) == {d.port}, (
                role, _listening_ports(pids[role]))
        p = d.run(timeout=10, extra_args=['-n'], watch_port=False)
        assert p.returncode == 0, p.stderr
        assert re.search(r'^# metrics: off', p.stdout, re.M), p.stdout
        assert not re.search(r'^metrics ', p.stdout, re.M), p.stdout
    with metrics_daemon(FILES) as d:
        pids = d.wait_pids()
        assert _listening_ports(pids['front']) == {d.port, d.mport}
        # its own listener: a plain TCP connect works, GET / there is 404
        with socket.create_connection(('127.0.0.1', d.mport), 5):
            pass
        assert fetch(d.mport, '/').status == 404
        assert d.wait_log(r'metrics on http://127\.0\.0\.1:%d/metrics' %
                          d.mport, 2)
