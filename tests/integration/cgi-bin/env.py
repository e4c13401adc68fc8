#!/usr/bin/python3
# SPDX-License-Identifier: ISC
# the environment exactly as execve gave it (python adds LC_CTYPE to its
# own os.environ), one repr'd NAME=VALUE a line
print('Content-Type: text/plain\n')
with open('/proc/self/environ', 'rb') as f:
    for item in sorted(f.read().split(b'\0')):
        if item:
            k, _, v = item.partition(b'=')
            print('%r=%r' % (k, v))
