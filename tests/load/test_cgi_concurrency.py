# SPDX-License-Identifier: ISC
"""
test_cgi_concurrency: 200 CGI requests at once (beyond max-scripts 64:
the executor queues them), then 2,000 more in batches; every answer is
the script's own, and afterwards no fd, child, zombie or script is left.
"""

import time

from cgijail_test import Daemon, SLOW, wait_until
from loadkit import (SOURCES, expect, fetch, nobody_procs, run_threads,
                     tree_state)

TIMEOUT = 150

# the answer depends on the request, so a mixed-up answer shows
ECHO_SH = ('#!/bin/sh\nsleep 0.2\nprintf "Content-Type: text/plain\\n\\n'
           '%s" "$QUERY_STRING"\n')
INDEX = b'<html>load index</html>\n'
FILES = {'index.html': INDEX, 'cgi-bin/echo.sh': ECHO_SH}
CONCURRENT = 200
MORE = 2000
BATCH = 50                  # under max-scripts: the queue stays short
# 200 at once from one address would meet the per-address cap (64)
CLIENTS = ['127.0.0.1'] + SOURCES


def _one(d, tag, src):
    """One CGI request; None if it got its own answer, else why not."""
    try:
        r = fetch(d, '/cgi-bin/echo.sh?%s' % tag, src, 30.0 * SLOW)
    except (OSError, AssertionError) as e:
        return '%s: %s: %s' % (tag, type(e).__name__, str(e)[:120])
    if r.status != 200 or r.body != tag.encode():
        return '%s: %d %r' % (tag, r.status, r.body[:80])
    return None


def _burst(d, tags):
    args = [(d, t, CLIENTS[i % len(CLIENTS)]) for i, t in enumerate(tags)]
    return [r if not isinstance(r, BaseException) else repr(r)
            for r in run_threads(_one, args, 60.0 * SLOW)]


def _summary(bad):
    kinds = {}
    for b in bad:
        k = b.split(': ', 1)[1][:40]
        kinds[k] = kinds.get(k, 0) + 1
    return '; '.join('%dx %s' % (n, k) for k, n in sorted(kinds.items()))


def test_200_concurrent_then_2000_more_leave_nothing_behind():
    d = Daemon(FILES)
    # warm up (lazily opened things), then take the baseline
    expect(d, '/cgi-bin/echo.sh?warm', b'warm')
    expect(d, '/index.html', INDEX)
    time.sleep(0.3)
    base = tree_state(d)
    assert not base['zombies'], base
    problems = []

    t0 = time.monotonic()
    bad = [b for b in _burst(d, ['c%d' % i for i in range(CONCURRENT)]) if b]
    wall = time.monotonic() - t0
    print('%d concurrent CGI requests: %.2fs wall, %d wrong' % (
        CONCURRENT, wall, len(bad)))
    if bad:
        problems.append('%d of %d concurrent requests failed (%s), e.g. %s'
                        % (len(bad), CONCURRENT, _summary(bad), bad[:3]))

    t0 = time.monotonic()
    nbad = 0
    for start in range(0, MORE, BATCH):
        tags = ['m%d' % i for i in range(start, start + BATCH)]
        bad = [b for b in _burst(d, tags) if b]
        if bad and nbad == 0:
            problems.append('batch at %d: %d failed (%s), e.g. %s' % (
                start, len(bad), _summary(bad), bad[:3]))
        nbad += len(bad)
    wall = time.monotonic() - t0
    print('%d more in batches of %d: %.2fs wall (%.0f/s), %d wrong' % (
        MORE, BATCH, wall, MORE / wall, nbad))
    if nbad:
        problems.append('%d of %d batched requests failed' % (nbad, MORE))
    # normal service right after
    expect(d, '/index.html', INDEX, limit=1.0)

    after = wait_until(lambda: _settled(d, base), 5.0 * SLOW) or \
        tree_state(d)
    print('baseline (fds, children): %s; after: %s' % (
        {k: base[k] for k in ('parent', 'front', 'executor')},
        {k: after[k] for k in ('parent', 'front', 'executor')}))
    if after != base:
        problems.append('daemon tree not back to its baseline: before %r, '
                        'after %r' % (base, after))
    clean = wait_until(lambda: not nobody_procs(), 2.0 * SLOW)
    if not clean:
        problems.append('script processes left: %s' % nobody_procs())
    # under load, every request still gets its access line
    wait_until(lambda: _access_count(d) >= CONCURRENT + MORE + 1,
               3.0 * SLOW)
    logged = _access_count(d)
    print('access lines for the script: %d of %d' % (
        logged, CONCURRENT + MORE + 1))
    if logged != CONCURRENT + MORE + 1:
        problems.append('%d access lines for %d script requests' % (
            logged, CONCURRENT + MORE + 1))
    assert not problems, '\n'.join(problems)


def _settled(d, base):
    now = tree_state(d)
    return now if now == base else None


def _access_count(d):
    return sum(1 for m in d.access_lines()
               if m['request'].startswith('GET /cgi-bin/echo.sh?'))
