# SPDX-License-Identifier: ISC
"""
test_log_batch: the front sends its access lines to the parent in
batches, one message once its loop is idle, not one per request (each
message woke the parent: 9 % of the front's samples and a quarter of a
core in the parent at 14,000 static requests/s).  strace on the parent
counts the messages it receives while 4 connections pipeline 50
requests each; every line still arrives, whole and in order.
"""

import os
import re
import signal
import subprocess

from cgijail_test import Conn, Daemon, Skip, wait_until

CONNS = 4
PER_CONN = 50
REQUESTS = CONNS * PER_CONN
# one message per request before; batched, a turn of the loop answers
# several requests (a pipelined connection's, and the other connections')
MAX_MESSAGES = REQUESTS // 3


def _strace(pid, out):
    try:
        return subprocess.Popen(['strace', '-qq', '-p', str(pid), '-o', out,
                                 '-e', 'trace=recvmsg'],
                                stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
    except FileNotFoundError:
        raise Skip('strace is not installed (make deps)')


def _parent_messages(d, tag, send, logged):
    """The recvmsg calls strace sees the parent make while send() runs,
    until logged() holds (it returns what the test needs of the log)."""
    out = '/tmp/cgijail-log-%s.%d' % (tag, os.getpid())
    p = _strace(d.proc.pid, out)
    try:
        def attached():
            d.get('/index.html?probe')
            return os.path.exists(out) and os.path.getsize(out) > 0
        assert wait_until(attached, 10.0, 0.2), 'strace never attached'
        with open(out) as f:
            skip = len(f.readlines())
        send()
        seen = wait_until(logged, 10.0)
        assert seen, 'access lines missing:\n%s' % d.log_tail(5)
    finally:
        p.send_signal(signal.SIGINT)
        p.wait(timeout=10)
    with open(out) as f:
        calls = f.readlines()[skip:]
    os.unlink(out)
    return calls, seen


def test_access_lines_reach_the_parent_in_batches_whole_and_in_order():
    with Daemon({'index.html': b'<p>batch</p>\n'}) as d:
        def send():
            conns = [Conn(d) for _ in range(CONNS)]
            try:
                for k, c in enumerate(conns):
                    c.send(b''.join(
                        b'GET /index.html?c%dr%d HTTP/1.1\r\nHost: x\r\n\r\n'
                        % (k, i) for i in range(PER_CONN)))
                for c in conns:
                    for r in c.read_responses(PER_CONN, timeout=20):
                        assert r.status == 200, r
            finally:
                for c in conns:
                    c.close()

        def logged():
            lines = re.findall(r'GET /index\.html\?c(\d+)r(\d+) ', d.log())
            return lines if len(lines) == REQUESTS else None
        calls, lines = _parent_messages(d, 'batch', send, logged)
    # in order within each connection, none twice
    for k in range(CONNS):
        seq = [int(r) for c, r in lines if int(c) == k]
        assert seq == list(range(PER_CONN)), (k, seq)
    msgs = [ln for ln in calls if re.search(r'= [1-9]\d*$', ln.strip())]
    assert len(msgs) <= MAX_MESSAGES, (
        'the parent received %d messages for %d requests: one per access '
        'line, not batched' % (len(msgs), REQUESTS))


# a header, ma_len and a line or two; the whole struct is 8 KiB
MAX_MESSAGE = 1024


def test_a_batch_carries_its_lines_only():
    """Each message used to carry the whole 8 KiB struct for a line or
    two of it: 8 KiB copied through the socket and into the parent per
    turn of the front's loop.  It is now cut to its lines."""
    with Daemon({'index.html': b'<p>cut</p>\n'}) as d:
        def send():
            for i in range(5):
                assert d.get('/index.html?one%d' % i).status == 200
        calls, _ = _parent_messages(
            d, 'cut', send, lambda: 'GET /index.html?one4 ' in d.log())
    # MSG_ACCESS is type 2 (msg.h): the header's first bytes "\2\0"
    sizes = [int(n) for n in re.findall(
        r'msg_iov=\[\{iov_base="\\2\\0.*\) = (\d+)$', ''.join(calls),
        re.M)]
    assert sizes, ''.join(calls)[-2000:]
    assert max(sizes) <= MAX_MESSAGE, (
        'the parent received messages of %r bytes for one access line '
        'each: the whole batch struct, not the line' % sizes)
