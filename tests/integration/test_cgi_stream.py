# SPDX-License-Identifier: ISC
"""
test_cgi_stream: a script's output is relayed as it is produced (a line
every 0.5 s reaches the client line by line), and never faster than the
client takes it: 100 MiB for a client that stalls and then reads slowly
leave the front's RSS far below 50 MiB.
"""

import socket
import time

from cgijail_test import Daemon, proc_status

TICKER = r'''#!/usr/bin/python3
import sys, time
sys.stdout.write('Content-Type: text/plain\r\n\r\n')
sys.stdout.flush()
for i in range(6):
    sys.stdout.write('line %d\n' % i)
    sys.stdout.flush()
    time.sleep(0.5)
'''

FLOOD = ('#!/bin/sh\nprintf "Content-Type: application/octet-stream\\r\\n'
         '\\r\\n"\nexec head -c 104857600 /dev/zero\n')

FILES = {
    'index.html': 'index\n',
    'cgi-bin/ticker.py': TICKER,
    'cgi-bin/flood.sh': FLOOD,
}

FLOOD_BYTES = 100 * 1024 * 1024


def test_output_streams_line_by_line():
    with Daemon(FILES) as d:
        s = socket.create_connection((d.bind, d.port), timeout=10)
        try:
            t0 = time.monotonic()
            # keep-alive: chunked, each chunk as the script wrote it
            s.sendall(b'GET /cgi-bin/ticker.py HTTP/1.1\r\nHost: h\r\n'
                      b'\r\n')
            buf, seen = b'', {}
            deadline = t0 + 15
            while len(seen) < 6 and time.monotonic() < deadline:
                s.settimeout(max(0.1, deadline - time.monotonic()))
                chunk = s.recv(4096)
                if not chunk:
                    break
                buf += chunk
                now = time.monotonic() - t0
                for i in range(6):
                    if i not in seen and b'line %d\n' % i in buf:
                        seen[i] = now
        finally:
            s.close()
        assert sorted(seen) == list(range(6)), (seen, buf[-300:])
        assert b'Transfer-Encoding: chunked' in buf
        gaps = [seen[i + 1] - seen[i] for i in range(5)]
        # each line on its own, about 0.5 s apart (not all at the end)
        assert all(g > 0.25 for g in gaps), (seen, gaps)
        assert seen[5] - seen[0] > 2.0, seen


def _rss_kib(pid):
    return int(proc_status(pid)['VmRSS'].split()[0])


def test_slow_client_backpressure_bounds_front_memory():
    with Daemon(FILES) as d:
        front = d.pids()['front']
        base = _rss_kib(front)
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 16384)
        s.settimeout(20)
        s.connect((d.bind, d.port))
        peak = base
        try:
            # HTTP/1.0: close-delimited, so bytes can simply be counted
            s.sendall(b'GET /cgi-bin/flood.sh HTTP/1.0\r\n\r\n')
            # a stalled client first
            for _ in range(15):
                time.sleep(0.1)
                peak = max(peak, _rss_kib(front))
            # then a slow one: 32 KiB every 10 ms for 2 s
            got = b''
            t_end = time.monotonic() + 2.0
            while time.monotonic() < t_end:
                got += s.recv(32768)
                time.sleep(0.01)
                peak = max(peak, _rss_kib(front))
            head, sep, body = got.partition(b'\r\n\r\n')
            assert sep and head.startswith(b'HTTP/1.0 200'), got[:200]
            total = len(body)
            slow_total = total
            # then everything, as fast as it comes
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                chunk = s.recv(1 << 20)
                if not chunk:
                    break
                total += len(chunk)
                if total % (8 << 20) < len(chunk):
                    peak = max(peak, _rss_kib(front))
        finally:
            s.close()
        assert total == FLOOD_BYTES, total
        # the slow phase got only what a slow reader takes
        assert slow_total < 40 * 1024 * 1024, slow_total
        assert peak < 50 * 1024, 'front RSS peaked at %d KiB (base %d)' % (
            peak, base)
        assert peak - base < 16 * 1024, (peak, base)
