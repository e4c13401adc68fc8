#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""
bench/idle.py: the memory row's client (bench/rss.sh).  Opens N keep-alive
connections to 127.0.0.1:PORT from 127.0.0.2-9, sends one GET PATH on
each and reads its whole reply, then, with all of them idle and open,
prints the VmRSS of every process of process group PGID, and closes
them.  Output (tab-separated): "held N", "ok N" (replies that were 200
and kept the connection), then "rss PID COMM KIB" per process.
usage: idle.py PORT N PATH PGID
"""

import os
import resource
import socket
import sys
import time

BATCH = 500
SOURCES = ['127.0.0.%d' % i for i in range(2, 10)]


def rss(pgid):
    out = []
    for p in os.listdir('/proc'):
        if not p.isdigit():
            continue
        try:
            with open('/proc/%s/stat' % p) as f:
                st = f.read()
            # after the ")" of comm: state ppid pgrp ...
            if int(st[st.rindex(')') + 2:].split()[2]) != pgid:
                continue
            with open('/proc/%s/status' % p) as f:
                kv = dict(ln.split(':', 1) for ln in f if ':' in ln)
        except (OSError, ValueError):
            continue
        if 'VmRSS' in kv:
            out.append((int(p), kv['Name'].strip(),
                        int(kv['VmRSS'].split()[0])))
    return sorted(out)


def reply(s, deadline):
    """One reply to a GET: (status, keeps the connection)."""
    buf = b''
    while b'\r\n\r\n' not in buf:
        if time.monotonic() > deadline:
            return 0, False
        chunk = s.recv(65536)
        if not chunk:
            return 0, False
        buf += chunk
    head, _, body = buf.partition(b'\r\n\r\n')
    lines = head.split(b'\r\n')
    status = int(lines[0].split()[1])
    n, close = 0, False
    for ln in lines[1:]:
        k, _, v = ln.partition(b':')
        if k.strip().lower() == b'content-length':
            n = int(v)
        elif k.strip().lower() == b'connection':
            close = v.strip().lower() == b'close'
    while len(body) < n and time.monotonic() < deadline:
        chunk = s.recv(65536)
        if not chunk:
            return status, False
        body += chunk
    return status, not close and len(body) == n


def main():
    port, n, path, pgid = (int(sys.argv[1]), int(sys.argv[2]),
                           sys.argv[3], int(sys.argv[4]))
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = n + 1024
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(want, hard),
                                                max(want, hard)))
    req = ('GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n' % path).encode()
    socks, ok = [], 0
    deadline = time.monotonic() + 60
    try:
        for lo in range(0, n, BATCH):
            batch = []
            for i in range(lo, min(n, lo + BATCH)):
                if time.monotonic() > deadline:
                    break
                s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
                s.bind((SOURCES[i % len(SOURCES)], 0))
                s.settimeout(10)
                try:
                    s.connect(('127.0.0.1', port))
                    s.sendall(req)
                except OSError:
                    s.close()
                    continue
                batch.append(s)
            for s in batch:
                try:
                    st, keep = reply(s, deadline)
                except (OSError, ValueError):
                    st, keep = 0, False
                ok += st == 200 and keep
            socks += batch
        time.sleep(0.5)     # the server is done with the last replies
        held = 0
        for s in socks:     # still open: nothing to read, no EOF
            s.setblocking(False)
            try:
                held += s.recv(1) != b''
            except BlockingIOError:
                held += 1
            except OSError:
                pass
        print('held\t%d' % held)
        print('ok\t%d' % ok)
        for pid, comm, kib in rss(pgid):
            print('rss\t%d\t%s\t%d' % (pid, comm, kib))
    finally:
        for s in socks:
            s.close()


if __name__ == '__main__':
    main()
