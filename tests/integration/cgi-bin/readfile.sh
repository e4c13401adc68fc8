#!/bin/sh
# SPDX-License-Identifier: ISC
# prints the file named by QUERY_STRING (a path the test bound into the
# jail with jail-bind), or cat's error message if it cannot
printf 'Content-Type: text/plain\n\n'
cat -- "$QUERY_STRING" 2>&1
