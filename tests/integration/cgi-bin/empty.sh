#!/bin/sh
# SPDX-License-Identifier: ISC
# exits 0 with no output at all
exit 0
