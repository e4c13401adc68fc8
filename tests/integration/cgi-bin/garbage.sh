#!/bin/sh
# SPDX-License-Identifier: ISC
# a first line that is no header at all
printf 'this is not a header line\n\nbody\n'
