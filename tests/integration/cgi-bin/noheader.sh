#!/bin/sh
# SPDX-License-Identifier: ISC
# exits without a header; its stderr must stay out of the error page
echo "SECRET-STDERR-$QUERY_STRING at $0" >&2
exit 3
