#!/usr/bin/python3
# SPDX-License-Identifier: ISC
"""A download: Content-Disposition asks the browser to save, not show."""
import sys

body = b"This file was made by download.py.\nLine two.\n"
out = sys.stdout.buffer
out.write(b"Content-Type: text/plain; charset=utf-8\r\n")
out.write(b'Content-Disposition: attachment; filename="hello.txt"\r\n')
out.write(b"Content-Length: %d\r\n\r\n" % len(body))
out.write(body)
