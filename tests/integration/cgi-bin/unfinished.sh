#!/bin/sh
# SPDX-License-Identifier: ISC
# starts a response with no Content-Length, then works for 3 s before
# finishing it; the marker file QUERY_STRING is written only if it is
# not killed meanwhile
printf 'Content-Type: text/plain\n\npart one\n'
sleep 3
echo "not killed" > "$QUERY_STRING"
echo "part two"
