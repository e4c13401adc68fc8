#!/usr/bin/python3
# SPDX-License-Identifier: ISC
# the network from inside: every attempt printed as "name=ok|fail errno";
# QUERY_STRING is the daemon's own port
import os
import socket

PORT = int(os.environ.get('QUERY_STRING') or '80')
print('Content-Type: text/plain\n')


def attempt(name, fn):
    try:
        fn()
        print('%s=ok' % name)
    except OSError as e:
        print('%s=fail %s' % (name, e.errno))


def tcp(fam, addr):
    def go():
        s = socket.socket(fam, socket.SOCK_STREAM)
        s.settimeout(2)
        try:
            s.connect(addr)
        finally:
            s.close()
    return go


def udp():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        s.sendto(b'x', ('127.0.0.1', 53))
        s.sendto(b'x', ('8.8.8.8', 53))
    finally:
        s.close()


def abstract():
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        s.connect('\0cgijail-test')
    finally:
        s.close()


attempt('tcp4_self', tcp(socket.AF_INET, ('127.0.0.1', PORT)))
attempt('tcp6_self', tcp(socket.AF_INET6, ('::1', PORT)))
attempt('tcp4_remote', tcp(socket.AF_INET, ('192.0.2.1', 80)))
attempt('udp', udp)
attempt('abstract_unix', abstract)
with open('/proc/net/dev') as f:
    for line in f.read().splitlines()[2:]:
        name, _, rest = line.partition(':')
        print('iface=%s rx_packets=%s' % (name.strip(), rest.split()[1]))
try:
    with open('/proc/net/route') as f:
        print('routes=%d' % (len(f.read().splitlines()) - 1))
except OSError as e:
    print('routes=? %s' % e.errno)
