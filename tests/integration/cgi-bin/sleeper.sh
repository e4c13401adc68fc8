#!/bin/sh
# SPDX-License-Identifier: ISC
# stays alive for a while under a name the test can find (QUERY_STRING)
sleep "$QUERY_STRING"
printf 'Content-Type: text/plain\n\nslept'
