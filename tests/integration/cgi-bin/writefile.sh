#!/bin/sh
# SPDX-License-Identifier: ISC
# writes "written by UID" into the file named by QUERY_STRING (in a
# jail-bind-rw directory); answers "wrote" or the shell's error
printf 'Content-Type: text/plain\n\n'
if err=$( { printf 'written by %s\n' "$(id -u)" > "$QUERY_STRING"; } 2>&1 )
then
	echo wrote
else
	echo "failed: $err"
fi
