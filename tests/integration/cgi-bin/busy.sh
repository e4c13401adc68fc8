#!/bin/sh
# SPDX-License-Identifier: ISC
# never answers, burns CPU
while :; do :; done
