#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# bench/static.sh: the static-file rows of `make bench` only (bench/run.sh
# static).  Results go to $BUILD/bench/static unless BENCH_OUT says
# otherwise.
top=$(cd "$(dirname "$0")/.." && pwd)
export BENCH_OUT=${BENCH_OUT:-${BUILD:-$top/build}/bench/static}
mkdir -p "$BENCH_OUT"
exec bash "$top/bench/run.sh" static
