#!/bin/sh
# SPDX-License-Identifier: ISC
# writes 4 MiB into /tmp in a subshell; reports how that ended and the size
printf 'Content-Type: text/plain\n\n'
(exec head -c 4194304 /dev/zero > /tmp/big) 2>/dev/null
echo "rc=$?"
echo "size=$(wc -c < /tmp/big)"
