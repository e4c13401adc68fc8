#!/usr/bin/python3
# SPDX-License-Identifier: ISC
# asks for 4 GiB at once, before any header
buf = bytearray(4 << 30)
print('Content-Type: text/plain\n\nallocated %d' % len(buf))
