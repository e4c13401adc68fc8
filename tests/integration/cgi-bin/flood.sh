#!/bin/sh
# SPDX-License-Identifier: ISC
# 1 MiB of stderr in 100-byte lines, then a normal answer
head -c 1048576 /dev/zero | tr '\0' 'F' | fold -w 99 >&2
printf 'Content-Type: text/plain\n\nok'
