#!/bin/sh
# SPDX-License-Identifier: ISC
# says Content-Length: 5 and writes more: "hello" and an excess, at once
# or (QUERY_STRING "late") half a second later
printf 'Content-Type: text/plain\nContent-Length: 5\n\nhello'
if [ "$QUERY_STRING" = late ]; then
	sleep 0.5
fi
printf 'HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nforged'
