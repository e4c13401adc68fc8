#!/bin/sh
# SPDX-License-Identifier: ISC
# dies of SIGSEGV before answering
echo "about to crash" >&2
kill -SEGV $$
