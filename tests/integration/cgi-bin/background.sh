#!/bin/sh
# leaves a child behind (its name is in QUERY_STRING) and answers at once
sleep "$QUERY_STRING" </dev/null >/dev/null 2>&1 &
printf 'Content-Type: text/plain\n\nleft %s behind' "$!"
