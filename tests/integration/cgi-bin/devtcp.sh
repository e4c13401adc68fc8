#!/bin/bash
# SPDX-License-Identifier: ISC
# bash's /dev/tcp to the daemon's own port (QUERY_STRING)
printf 'Content-Type: text/plain\n\n'
if (exec 3<>"/dev/tcp/127.0.0.1/$QUERY_STRING") 2>/dev/null; then
	echo devtcp=ok
else
	echo devtcp=fail
fi
