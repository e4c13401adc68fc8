#!/bin/sh
# SPDX-License-Identifier: ISC
# answers completely (Content-Length), then keeps working: a second
# later it writes the marker file QUERY_STRING (in a jail-bind-rw
# directory) and a line to stderr, and exits 0
printf 'Content-Type: text/plain\nContent-Length: 9\n\nanswered\n'
sleep 1
echo "late work done" > "$QUERY_STRING"
echo "late work done after answering" >&2
exit 0
