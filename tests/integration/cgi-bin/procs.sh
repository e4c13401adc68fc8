#!/bin/sh
# SPDX-License-Identifier: ISC
# the process view: pids in /proc, every command line there, and what
# kill -9 does to the pids in QUERY_STRING (comma-separated)
printf 'Content-Type: text/plain\n\n'
echo "self=$$"
for d in /proc/[0-9]*; do
	echo "pid=${d#/proc/} cmd=$(tr '\0' ' ' < "$d/cmdline" 2>/dev/null)"
done
IFS=,
for p in $QUERY_STRING; do
	if kill -9 "$p" 2>/dev/null; then echo "kill $p=ok"; else echo "kill $p=fail"; fi
done
