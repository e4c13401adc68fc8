#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# bench/memory.sh: the memory row of `make bench` only (bench/run.sh mem;
# bench/rss.sh).  Results go to $BUILD/bench/mem/MEMORY.md unless
# BENCH_OUT says otherwise.
top=$(cd "$(dirname "$0")/.." && pwd)
export BENCH_OUT=${BENCH_OUT:-${BUILD:-$top/build}/bench/mem}
mkdir -p "$BENCH_OUT"
exec bash "$top/bench/run.sh" mem
