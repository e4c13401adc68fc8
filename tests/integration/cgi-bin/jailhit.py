#!/usr/bin/python3
# SPDX-License-Identifier: ISC
# what a student's script does, with no error handling, to a host path
# or the network: QUERY_STRING is read=PATH, write=PATH or tcp=PORT
import os
import socket

what, _, arg = os.environ.get('QUERY_STRING', '').partition('=')
if what == 'read':
    with open(arg) as f:
        data = f.read()
elif what == 'write':
    with open(arg, 'w') as f:
        f.write('x\n')
elif what == 'tcp':
    socket.create_connection(('127.0.0.1', int(arg)), 2).close()
print('Content-Type: text/plain\n')
print('done')
