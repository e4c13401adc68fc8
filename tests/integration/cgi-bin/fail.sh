#!/bin/sh
# SPDX-License-Identifier: ISC
# fails before answering: a line on stderr, then exit 3
echo "oops from the script" >&2
exit 3
