#!/bin/sh
# SPDX-License-Identifier: ISC
# The smallest CGI program: a header block, an empty line, a body.
printf 'Content-Type: text/plain\r\n\r\n'
echo "Hello from /bin/sh, running as $(id -un 2>/dev/null || id -u)."
