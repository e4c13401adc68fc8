#!/bin/sh
# SPDX-License-Identifier: ISC
# who the script is: ids and the privilege lines of /proc/self/status
printf 'Content-Type: text/plain\n\n'
echo "uid=$(id -u) gid=$(id -g) groups=$(id -G)"
grep -E '^(Uid|Gid|Groups|Cap[A-Za-z]+|NoNewPrivs|Seccomp|Seccomp_filters):' \
    /proc/self/status
