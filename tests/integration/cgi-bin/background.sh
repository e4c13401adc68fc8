#!/bin/sh
# SPDX-License-Identifier: ISC
# leaves a child behind (its name is in QUERY_STRING), still holding the
# stdout pipe, and answers at once
sleep "$QUERY_STRING" &
printf 'Content-Type: text/plain\n\nleft %s behind' "$!"
