#!/usr/bin/python3
# SPDX-License-Identifier: ISC
# opens descriptors until the kernel says no; reports the count and errno
import errno
import os

fds, err = [], 0
try:
    while len(fds) < 1000000:
        fds.append(os.open('/dev/null', os.O_RDONLY))
except OSError as e:
    err = e.errno
print('Content-Type: text/plain\n')
print('opened=%d errno=%s' % (len(fds), errno.errorcode.get(err, err)))
