#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# bench/cgi.sh: the CGI rows of `make bench` only (bench/run.sh cgi), and
# the executor's own spawn times from its --debug log ("spawn N us").
# Results go to $BUILD/bench/cgi unless BENCH_OUT says otherwise.
top=$(cd "$(dirname "$0")/.." && pwd)
export BENCH_OUT=${BENCH_OUT:-${BUILD:-$top/build}/bench/cgi}
mkdir -p "$BENCH_OUT"
exec bash "$top/bench/run.sh" cgi
