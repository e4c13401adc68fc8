# SPDX-License-Identifier: ISC
"""
metrics_common: what the test_metrics*.py files share: a daemon with a
metrics listener, a scrape with curl, and the Prometheus text exposition
format 0.0.4 read strictly, line by line, by rules of our own, then
again by Debian's python3-prometheus-client (run with Debian's own
/usr/bin/python3, where that package lives).  Every read is bounded.
"""

import json
import os
import re
import subprocess
import tempfile
import time

from cgijail_test import Daemon, Skip, free_port, wait_until

CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8'
DEBIAN_PYTHON = '/usr/bin/python3'

# every family /metrics shows, with its type: no more, no fewer
FAMILIES = {
    'cgijail_build_info': 'gauge',
    'process_start_time_seconds': 'gauge',
    'cgijail_start_time_seconds': 'gauge',
    'cgijail_http_requests_total': 'counter',
    'cgijail_http_received_bytes_total': 'counter',
    'cgijail_http_sent_bytes_total': 'counter',
    'cgijail_connections_open': 'gauge',
    'cgijail_connections_accepted_total': 'counter',
    'cgijail_connections_shed_total': 'counter',
    'cgijail_connections_refused_total': 'counter',
    'cgijail_scripts_running': 'gauge',
    'cgijail_scripts_queued': 'gauge',
    'cgijail_scripts_ended_total': 'counter',
    'cgijail_script_start_failures_total': 'counter',
    'cgijail_script_refusals_total': 'counter',
    'cgijail_script_spawn_seconds': 'histogram',
    'cgijail_restarts_total': 'counter',
    'cgijail_reloads_total': 'counter',
}
# the labels of each labelled family, every value always present
LABELS = {
    'cgijail_build_info': ('version', None),
    'cgijail_http_requests_total': ('code',
                                    ('1xx', '2xx', '3xx', '4xx', '5xx')),
    'cgijail_scripts_ended_total': ('outcome', (
        'exit_zero', 'exit_nonzero', 'signal', 'seccomp', 'timeout',
        'limit', 'killed')),
    'cgijail_script_refusals_total': ('reason',
                                      ('not_found', 'forbidden', 'busy')),
    'cgijail_reloads_total': ('result', ('ok', 'failed')),
}

NAME = r'[a-zA-Z_:][a-zA-Z0-9_:]*'
LNAME = r'[a-zA-Z_][a-zA-Z0-9_]*'
LVALUE = r'"(?:[^"\\\n]|\\[\\"n])*"'
LABEL = r'%s=%s' % (LNAME, LVALUE)
# a value as Go's ParseFloat takes it; no timestamps from us
VALUE = r'[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?|[+-]Inf|NaN'
SAMPLE_RE = re.compile(r'^(%s)(?:\{(%s(?:,%s)*)?\})? (%s)$' % (
    NAME, LABEL, LABEL, VALUE))
HELP_RE = re.compile(r'^# HELP (%s) ((?:[^\\\n]|\\[\\n])+)$' % NAME)
TYPE_RE = re.compile(r'^# TYPE (%s) (counter|gauge|histogram|summary|'
                     r'untyped)$' % NAME)
ONE_LABEL_RE = re.compile(r'(%s)=(%s)' % (LNAME, LVALUE))


def metrics_daemon(files=None, config_lines=(), **kw):
    """A Daemon (started) with `metrics 127.0.0.1 MPORT`; d.mport."""
    d = Daemon(files, config_lines=[], start=False, **kw)
    d.mport = free_port()
    while d.mport == d.port:
        d.mport = free_port()
    d.write_config(['metrics 127.0.0.1 %d' % d.mport] + list(config_lines))
    d.start()
    return d


class Scrape:
    """One answer from the metrics listener, as curl got it."""

    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers      # lower-case name -> value
        self.body = body

    @property
    def text(self):
        return self.body.decode('utf-8')


def fetch(port, path='/metrics', method='GET', addr='127.0.0.1',
          data=None):
    """curl on addr:port; a Scrape.  HEAD with --head, a body with -d."""
    with tempfile.TemporaryDirectory() as tmp:
        hdr, body = os.path.join(tmp, 'h'), os.path.join(tmp, 'b')
        host = '[%s]' % addr if ':' in addr else addr
        a = ['curl', '-sS', '--path-as-is', '--max-time', '10', '-D', hdr,
             '-o', body]
        if method == 'HEAD':
            a.append('--head')
        elif method != 'GET':
            a += ['-X', method]
        if data is not None:
            a += ['--data-binary', data]
        a.append('http://%s:%d%s' % (host, port, path))
        p = subprocess.run(a, capture_output=True, text=True, timeout=20,
                           stdin=subprocess.DEVNULL)
        assert p.returncode == 0, 'curl %s: %s' % (' '.join(a), p.stderr)
        with open(hdr, 'rb') as f:
            head = f.read().decode('latin-1')
        try:
            with open(body, 'rb') as f:
                data = f.read()
        except FileNotFoundError:
            data = b''
    lines = head.split('\r\n')
    status = int(lines[0].split(' ')[1])
    headers = {}
    for ln in lines[1:]:
        if ln:
            k, _, v = ln.partition(':')
            headers[k.strip().lower()] = v.strip()
    return Scrape(status, headers, data)


def scrape(d):
    """GET /metrics from d's metrics listener: its families, read by
    parse_strict(), after the status and the Content-Type."""
    s = fetch(d.mport)
    assert s.status == 200, (s.status, s.body[:300])
    assert s.headers.get('content-type') == CONTENT_TYPE, s.headers
    return parse_strict(s.text)


def _labels(text):
    """{name: value} of a label set as written, unescaped; checks that
    the regex consumed all of it and no name repeats."""
    out, pos = {}, 0
    for m in ONE_LABEL_RE.finditer(text):
        assert m.start() == pos, 'labels %r' % text
        v = m.group(2)[1:-1]
        v = re.sub(r'\\(.)', lambda x: {'n': '\n'}.get(x.group(1),
                                                        x.group(1)), v)
        assert m.group(1) not in out, 'label %s twice: %r' % (m.group(1),
                                                             text)
        out[m.group(1)] = v
        pos = m.end() + 1
    assert pos == len(text) + 1 or not text, 'labels %r' % text
    return out


def _check_histogram(fam, samples):
    """_bucket with le rising to +Inf, cumulative; then _sum, _count;
    _count equals the +Inf bucket."""
    buckets = [(lb, v) for n, lb, v in samples if n == fam + '_bucket']
    assert [n for n, _, _ in samples] == [fam + '_bucket'] * len(buckets) + \
        [fam + '_sum', fam + '_count'], [n for n, _, _ in samples]
    les = [lb.get('le') for lb, _ in buckets]
    assert all(set(lb) == {'le'} for lb, _ in buckets), buckets
    assert les[-1] == '+Inf', les
    bounds = [float(x) for x in les]
    assert bounds == sorted(bounds) and len(set(bounds)) == len(bounds), les
    counts = [v for _, v in buckets]
    assert counts == sorted(counts), 'buckets not cumulative: %r' % buckets
    assert samples[-1][2] == counts[-1], '_count %r, +Inf %r' % (
        samples[-1][2], counts[-1])
    assert samples[-2][2] >= 0
    assert all(v == int(v) for v in counts)


def parse_strict(text):
    """The exposition text, checked line by line: {family: {'type',
    'help', 'samples': [(name, labels, value)]}}.  Each family is
    HELP, TYPE, then its samples, together; counters end in _total."""
    assert text.endswith('\n'), 'no final newline'
    assert '\r' not in text and '\0' not in text
    fams, cur, seen = {}, None, set()
    for i, ln in enumerate(text[:-1].split('\n'), 1):
        where = 'line %d %r' % (i, ln)
        assert ln and ln == ln.strip(' \t'), where
        m = HELP_RE.match(ln)
        if m:
            assert m.group(1) not in fams, 'family again: ' + where
            cur = m.group(1)
            fams[cur] = {'help': m.group(2), 'type': None, 'samples': []}
            continue
        m = TYPE_RE.match(ln)
        if m:
            assert cur == m.group(1) and fams[cur]['type'] is None and \
                not fams[cur]['samples'], 'TYPE not right after HELP: ' + \
                where
            fams[cur]['type'] = m.group(2)
            continue
        assert not ln.startswith('#'), 'a comment: ' + where
        m = SAMPLE_RE.match(ln)
        assert m, 'not a sample: ' + where
        name, labels = m.group(1), _labels(m.group(2) or '')
        assert cur is not None and fams[cur]['type'], 'no TYPE: ' + where
        typ = fams[cur]['type']
        if typ == 'histogram':
            assert name in (cur + '_bucket', cur + '_sum', cur + '_count'), \
                where
        else:
            assert name == cur, 'not of family %s: %s' % (cur, where)
        if typ == 'counter':
            assert name.endswith('_total'), where
        key = (name, tuple(sorted(labels.items())))
        assert key not in seen, 'sample twice: ' + where
        seen.add(key)
        v = float(m.group(3))
        assert v == v and v >= 0, where       # no NaN, nothing negative
        fams[cur]['samples'].append((name, labels, v))
    for fam, f in fams.items():
        assert f['type'] and f['samples'], 'family %s empty' % fam
        if f['type'] == 'histogram':
            _check_histogram(fam, f['samples'])
    return fams


_PARSE = r'''
import json, sys
from prometheus_client.parser import text_string_to_metric_families as p
out = []
for f in p(sys.stdin.read()):
    out.append([f.name, f.type, f.documentation,
                [[s.name, s.labels, s.value] for s in f.samples]])
print(json.dumps(out))
'''


def parse_with_client(text):
    """The same text read by python3-prometheus-client: a list of
    [family, type, help, [[name, labels, value]...]]."""
    if subprocess.run([DEBIAN_PYTHON, '-c', 'import prometheus_client'],
                      capture_output=True, timeout=30).returncode != 0:
        raise Skip('python3-prometheus-client is not installed (make deps)')
    p = subprocess.run([DEBIAN_PYTHON, '-c', _PARSE], input=text,
                       capture_output=True, text=True, timeout=30)
    assert p.returncode == 0, 'prometheus_client refused it:\n%s' % p.stderr
    return json.loads(p.stdout)


def value(fams, name, **labels):
    """The value of sample name (with exactly labels) in fams."""
    fam = name
    for suffix in ('_bucket', '_sum', '_count'):
        if name.endswith(suffix) and name[:-len(suffix)] in fams and \
                fams[name[:-len(suffix)]]['type'] == 'histogram':
            fam = name[:-len(suffix)]
    for n, lb, v in fams[fam]['samples']:
        if n == name and lb == labels:
            return v
    raise AssertionError('no sample %s%r' % (name, labels))


def flat(fams):
    """{(name, ((label, value)...)): value} of every sample."""
    return {(n, tuple(sorted(lb.items()))): v
            for f in fams.values() for n, lb, v in f['samples']}


def deltas(before, after):
    """What moved between two flat() views, {key: difference}."""
    return {k: after[k] - before.get(k, 0) for k in after
            if after[k] != before.get(k, 0)}


def key(name, **labels):
    return (name, tuple(sorted(labels.items())))


def wait_values(d, want, timeout=5.0):
    """Scrape until every key of want has its value (the executor's
    figures come in batches); then once more after a pause, so that a
    value that overshoots fails.  The last flat() view."""
    def ok():
        f = flat(scrape(d))
        return f if all(f.get(k) == v for k, v in want.items()) else None
    got = wait_until(ok, timeout, 0.1)
    time.sleep(0.5)     # the executor's next batch, if any, is in
    last = flat(scrape(d))
    if not got or any(last.get(k) != v for k, v in want.items()):
        bad = {k: (last.get(k), v) for k, v in want.items()
               if last.get(k) != v}
        raise AssertionError('metrics (got, want): %r' % bad)
    return last
