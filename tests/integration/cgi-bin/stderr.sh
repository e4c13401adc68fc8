#!/bin/sh
# SPDX-License-Identifier: ISC
# stderr lines the log must carry, escaped; then a normal answer
printf 'plain stderr line %s\n' "$QUERY_STRING" >&2
printf 'esc:\033[31mred\033[0m:end\n' >&2
head -c 5000 /dev/zero | tr '\0' 'L' >&2
printf '\n' >&2
printf 'no newline at the end' >&2
printf 'Content-Type: text/plain\n\nok'
